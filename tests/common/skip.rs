//! Tests that need a tool from outside Rust (a browser, `prlimit`) skip themselves when it is
//! missing: one line naming what is missing and how to install it, printed and added to the list
//! that `tests/all.sh` prints at the end.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The first of `names` found on `PATH`.
pub fn find_tool(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|f| f.is_file())
    })
}

/// Records that `test` did not run because `what` is missing (`install` installs it).
pub fn skip(test: &str, what: &str, install: &str) {
    let line = format!("SKIPPED: {test}: {what} not found; install it with `{install}`");
    eprintln!("{line}");
    let list = Path::new(env!("CARGO_TARGET_TMPDIR")).join("skipped.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(list)
    {
        let _ = writeln!(f, "{line}");
    }
}
