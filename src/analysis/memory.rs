//! The memory an analysis of many replications needs, checked before anything runs: rows are on
//! disk, but each statistic holds one column (8 bytes a replication), sensitivity the ranks of
//! every uncertain parameter (4 bytes each), and the exceedance chart two metric columns and the
//! parameters. A run that could not be analysed on this machine is refused at once rather than
//! killed for lack of memory after hours of simulation.

use crate::error::{Error, Result};
use crate::scenario::Scenario;

/// Bytes the process needs besides the columns (code, workspaces, a chunk of rows, buffers).
const BASE: u64 = 256 << 20;

/// Bytes needed to analyse `n` replications of `s` (`charts`: with the exceedance chart).
pub fn needed(s: &Scenario, n: u64, charts: bool) -> u64 {
    let k = s.params.len() as u64;
    // One column, its sorted copy for the percentiles, and the parameters' ranks (sensitivity).
    let analyses = 8 + 8 + 4 * k + 8;
    // Two metric columns, the parameters, a sorted copy, ranks and grouping (exceedance chart).
    let chart = if charts { 16 + 8 * k + 8 + 16 + 8 } else { 0 };
    BASE.saturating_add(n.saturating_mul(analyses.max(chart)))
}

/// Memory this process may still take, if known (Linux): the machine's `MemAvailable`, or less
/// when the process runs in a control group with a memory limit (a Slurm job, a container).
pub fn available() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    let machine = kib * 1024;
    Some(cgroup_room().map_or(machine, |room| room.min(machine)))
}

/// The room left under this process's control-group memory limit (cgroup v2 `memory.max`, or v1
/// `memory.limit_in_bytes`), if it has one.
fn cgroup_room() -> Option<u64> {
    let read = |p: &str| -> Option<u64> { std::fs::read_to_string(p).ok()?.trim().parse().ok() };
    let groups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    for line in groups.lines() {
        let mut f = line.splitn(3, ':');
        let (_, controllers, path) = (f.next()?, f.next()?, f.next()?);
        let (limit, usage) = if controllers.is_empty() {
            let dir = format!("/sys/fs/cgroup{path}");
            (format!("{dir}/memory.max"), format!("{dir}/memory.current"))
        } else if controllers.split(',').any(|c| c == "memory") {
            let mut dir = format!("/sys/fs/cgroup/memory{path}");
            if !std::path::Path::new(&dir).is_dir() {
                // Inside a container the group is the mount's root.
                dir = "/sys/fs/cgroup/memory".to_string();
            }
            (
                format!("{dir}/memory.limit_in_bytes"),
                format!("{dir}/memory.usage_in_bytes"),
            )
        } else {
            continue;
        };
        // "max" (v2) or a huge value (v1) means no limit.
        if let Some(l) = read(&limit).filter(|l| *l < 1 << 60) {
            return Some(l.saturating_sub(read(&usage).unwrap_or(0)));
        }
    }
    None
}

/// Refuses (exit 2) a run of `n` replications of `s` whose analysis would need more memory than
/// is available.
pub fn check(s: &Scenario, n: u64, charts: bool) -> Result<()> {
    let need = needed(s, n, charts);
    match available() {
        Some(have) if need > have => Err(Error::Budget(format!(
            "analysing {n} replications of `{}` needs about {:.1} GiB of memory (8 bytes a replication per column, more for {} uncertain parameters{}); this machine has {:.1} GiB available: run fewer replications{}, or merge shards on a larger machine",
            s.name,
            need as f64 / (1u64 << 30) as f64,
            s.params.len(),
            if charts { " and the exceedance chart" } else { "" },
            have as f64 / (1u64 << 30) as f64,
            if charts { " or --no-charts" } else { "" },
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn available_memory_is_known_on_linux_and_positive() {
        if std::path::Path::new("/proc/meminfo").exists() {
            assert!(available().is_some_and(|m| m > 0));
        }
    }

    #[test]
    fn need_grows_with_replications_and_parameters() {
        let s = Scenario::from_text(
            "[scenario]\nname = \"m\"\n[[data_class]]\nname = \"c\"\nrecords = 10\n[[store]]\nname = \"s\"\njurisdiction = \"US\"\nclasses = [\"c\"]\n[[jurisdiction]]\nname = \"US\"\n",
            "m.toml",
        )
        .unwrap();
        assert_eq!(needed(&s, 0, true), BASE);
        assert!(needed(&s, 1_000_000, true) > needed(&s, 1_000_000, false));
        assert!(needed(&s, 2_000_000_000, true) > 64 << 30);
    }
}
