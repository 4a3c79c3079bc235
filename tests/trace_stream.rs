//! `--trace-replication` streams its trace: the file is the trace the engine produced, byte for
//! byte, a long trace is written in bounded memory, and the disk check counts it.

mod common;

use common::*;
use leaksim::output::{disk, files, trace};
use leaksim::sim::engine::DEFAULT_MAX_EVENTS;
use leaksim::sim::runner;
use leaksim::Scenario;

fn texas(sets: &[String]) -> Scenario {
    Scenario::load(&root().join("scenarios/project_texas_2022.toml"), sets).expect("texas loads")
}

#[test]
fn a_streamed_trace_is_the_trace_held_in_memory() {
    let s = texas(&[]);
    let dir = tempfile::tempdir().unwrap();
    let (streamed, held) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    trace::write(&streamed, &s, 11, 5).unwrap();
    let rows = runner::trace(&s, 11, 5);
    files::write_trace(&held, &s, &rows).unwrap();
    let a = std::fs::read(&streamed).unwrap();
    assert!(rows.len() > 1000, "a trace of {} events", rows.len());
    assert_eq!(a.iter().filter(|&&b| b == b'\n').count(), rows.len() + 1);
    assert!(
        a == std::fs::read(&held).unwrap(),
        "streamed and held traces differ"
    );
}

#[test]
fn the_disk_estimate_of_a_trace_is_at_most_its_size_and_capped_by_the_budget() {
    let s = texas(&[]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.csv");
    trace::write(&path, &s, 3, 0).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let est = disk::trace_bytes(&s, DEFAULT_MAX_EVENTS);
    assert!(est > 0 && est <= size, "estimate {est}, file {size}");
    assert_eq!(disk::trace_bytes(&s, 10), 10 * trace::MIN_ROW_BYTES);
}

/// Peak memory (KiB) of the children this test process has waited for.
fn children_peak_kib() -> i64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid rusage for getrusage to fill.
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) }, 0);
    u.ru_maxrss
}

#[test]
fn a_long_trace_is_written_in_bounded_memory() {
    // About a million events (some 75 MB of trace.csv, 110 MB if held as rows in memory).
    let out = tempfile::tempdir().unwrap();
    let o = bounded(
        bin().args([
            "run",
            root()
                .join("scenarios/project_texas_2022.toml")
                .to_str()
                .unwrap(),
            "--reps",
            "2",
            "--trace-replication",
            "1",
            "--set",
            "actor.tiktok-us-staff.requests_per_person_per_day=0.5",
            "--no-charts",
            "--quiet",
            "--out",
            out.path().to_str().unwrap(),
        ]),
        600,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let size = std::fs::metadata(out.path().join("project-texas-2022/trace.csv"))
        .unwrap()
        .len();
    assert!(size > 50 << 20, "trace.csv of {size} bytes");
    let peak = children_peak_kib();
    assert!(
        peak < 64 << 10,
        "peak memory {peak} KiB for a trace of {size} bytes"
    );
}
