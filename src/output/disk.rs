//! The disk a command needs, checked before anything runs. Replication rows go to a spool under
//! the output folder while they are simulated (8 bytes a value, exactly), and a run then writes
//! them out as `replications.csv` (at least 2 bytes a value: a digit and a separator). A run that
//! cannot fit on the output folder's file system is refused at once rather than failing when the
//! disk fills, hours later. Paths and charts are not counted, so the figure is a lower bound and
//! never refuses a run that would fit.

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::sim::metrics::idx;
use std::path::Path;

/// Bytes of one replication's rows in the spool (metrics, parameters, reach; 8 bytes each).
pub fn spool_bytes(s: &Scenario, n: u64) -> u64 {
    let width = (idx::COUNT + s.window_columns().len() + s.params.len() + s.reach_len()) as u64;
    n.saturating_mul(8 * width)
}

/// The fewest bytes `replications.csv` of `n` replications of `s` can take (the replication
/// number, metrics and parameters, at least 2 bytes each); 0 for Parquet, which may compress
/// constant columns to nothing.
pub fn rows_file_bytes(s: &Scenario, n: u64, parquet: bool) -> u64 {
    if parquet {
        return 0;
    }
    let columns = (1 + idx::COUNT + s.window_columns().len() + s.params.len()) as u64;
    n.saturating_mul(2 * columns)
}

/// Bytes `trace.csv` of one replication of `s` is expected to take: the work estimate's events
/// (insiders counted by their attempts, not by the memory they hold), capped by the budget
/// `max_events`, at [`super::trace::MIN_ROW_BYTES`] each.
pub fn trace_bytes(s: &Scenario, max_events: u64) -> u64 {
    let est = crate::analysis::budget::estimate(s);
    let events: f64 = est
        .parts
        .iter()
        .filter(|p| !p.what.starts_with("insiders"))
        .map(|p| p.events)
        .sum();
    let events = if events.is_finite() {
        (events.max(0.0) as u64).min(max_events)
    } else {
        max_events
    };
    events.saturating_mul(super::trace::MIN_ROW_BYTES)
}

/// Bytes free for this user on the file system that holds `dir` (or its nearest existing parent),
/// if it can be asked.
pub fn available(dir: &Path) -> Option<u64> {
    let abs = std::path::absolute(dir).ok()?;
    let existing = abs.ancestors().find(|a| a.exists())?;
    let st = rustix::fs::statvfs(existing).ok()?;
    Some(st.f_bavail.saturating_mul(st.f_frsize))
}

/// Refuses (exit 2) a command that needs at least `need` bytes under `out` when its file system
/// has less free; `what` says what the bytes are for, `instead` what else the user may do.
pub fn check(out: &Path, need: u64, what: &str, instead: &str) -> Result<()> {
    match available(out) {
        Some(have) => refuse_beyond(out, need, have, what, instead),
        None => Ok(()),
    }
}

/// The refusal of [`check`], given the bytes free.
fn refuse_beyond(out: &Path, need: u64, have: u64, what: &str, instead: &str) -> Result<()> {
    if need <= have {
        return Ok(());
    }
    Err(Error::Budget(format!(
        "{what} needs at least {} of disk under {} (replication rows: 8 bytes a value while they run, then the files written); its file system has {} free: run fewer replications, {instead}or give --out a larger disk",
        size(need),
        out.display(),
        size(have)
    )))
}

/// A byte count in the largest binary unit that keeps it above 1 (`1.5 GiB`).
fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        Scenario::from_text(
            "[scenario]\nname = \"d\"\n[[data_class]]\nname = \"c\"\nrecords = 10\n[[store]]\nname = \"s\"\njurisdiction = \"US\"\nclasses = [\"c\"]\n[[jurisdiction]]\nname = \"US\"\n",
            "d.toml",
        )
        .unwrap()
    }

    #[test]
    fn the_spool_takes_eight_bytes_a_value_and_the_csv_at_least_two() {
        let s = scenario();
        let width = (idx::COUNT + s.params.len() + s.reach_len()) as u64;
        assert_eq!(spool_bytes(&s, 1000), 8 * width * 1000);
        assert_eq!(
            rows_file_bytes(&s, 1000, false),
            2 * (1 + idx::COUNT as u64) * 1000
        );
        assert_eq!(rows_file_bytes(&s, 1000, true), 0);
        assert_eq!(spool_bytes(&s, u64::MAX), u64::MAX);
    }

    #[test]
    fn a_need_beyond_the_free_space_is_refused_with_both_figures() {
        let out = Path::new("somewhere/out");
        assert!(refuse_beyond(out, 10, 10, "x", "").is_ok());
        let e = refuse_beyond(out, 3 << 30, 1536 << 20, "running 7 replications", "").unwrap_err();
        let m = e.to_string();
        assert_eq!(e.exit_code(), 2);
        for part in [
            "running 7 replications",
            "3.0 GiB",
            "1.5 GiB",
            "somewhere/out",
        ] {
            assert!(m.contains(part), "{m}");
        }
    }

    #[test]
    fn free_space_is_known_for_a_folder_not_yet_made() {
        let dir = tempfile::tempdir().unwrap();
        let have = available(&dir.path().join("a/b/c")).unwrap();
        assert!(have > 0);
    }

    #[test]
    fn sizes_read_in_binary_units() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(5 << 40), "5.0 TiB");
    }
}
