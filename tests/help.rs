//! `--help`: every command and every option of `run` is explained.

mod common;
use common::*;

#[test]
fn help_explains_every_option() {
    let o = bin().args(["run", "--help"]).output().expect("runs");
    let s = String::from_utf8_lossy(&o.stdout);
    for opt in [
        "--reps",
        "--seed",
        "--threads",
        "--out",
        "--set",
        "--trace-replication",
        "--quiet",
    ] {
        assert!(s.contains(opt), "run --help lacks {opt}");
    }
    let o = bin().arg("--help").output().expect("runs");
    let s = String::from_utf8_lossy(&o.stdout);
    for cmd in ["run", "validate", "bench"] {
        assert!(s.contains(cmd));
    }
}
