//! Sharded runs for the tests: a shard of a run, and `merge` of shard folders.

use super::{assert_ok, leaksim_in};
use std::path::{Path, PathBuf};
use std::process::Output;

/// Runs shard `k` of `m` of `file` into `dir/shards/s<k>` and returns its shard folder.
pub fn shard(dir: &Path, file: &str, reps: &str, k: u64, m: u64, extra: &[&str]) -> PathBuf {
    let spec = format!("{k}/{m}");
    let out = format!("shards/s{k}");
    let mut args = vec![
        "run", file, "--reps", reps, "--seed", "11", "--shard", &spec,
    ];
    args.extend(["--out", &out, "--quiet"]);
    args.extend(extra);
    assert_ok(&leaksim_in(dir, &args));
    let name = Path::new(file).file_stem().unwrap().to_string_lossy();
    let name = name.replace('_', "-");
    dir.join(out).join(name)
}

/// Runs `merge` of `shards` into `dir/out` with `extra` options.
pub fn merge(dir: &Path, shards: &[PathBuf], out: &str, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(shards.iter().map(|p| p.display().to_string()));
    args.extend(["--out".into(), out.into(), "--quiet".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    leaksim_in(dir, &refs)
}
