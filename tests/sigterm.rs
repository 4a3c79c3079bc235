//! SIGTERM and SIGHUP are handled as Ctrl-C: a `run` stopped by either exits 130 (or 0 if it had
//! finished), the earlier folder whole and no staging folder left.

mod common;
use common::*;
use std::process::Stdio;
use std::time::Duration;

const NAME: &str = "project-texas-2022";

fn run_args(seed: &str) -> Vec<String> {
    let texas = root().join("scenarios/project_texas_2022.toml");
    [
        "run",
        texas.to_str().unwrap(),
        "--reps",
        "400",
        "--seed",
        seed,
        "--out",
        "res",
        "--quiet",
    ]
    .map(String::from)
    .to_vec()
}

fn stopped_by(signal: i32) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let target = d.join("res").join(NAME);
    let first = bin().current_dir(d).args(run_args("5")).output().unwrap();
    assert!(first.status.success());
    let before = read_dir_files(&target);
    let mut seen_130 = false;
    for i in 0..8u64 {
        let child = bin()
            .current_dir(d)
            .args(run_args("6"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30 + 60 * i));
        // SAFETY: signals a child this test started and has not yet waited for.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        let o = child.wait_with_output().unwrap();
        let code = o.status.code();
        assert!(
            code == Some(0) || code == Some(130),
            "signal {signal}: exit 0 or 130, not {:?}: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        seen_130 |= code == Some(130);
        if code == Some(130) {
            assert!(
                read_dir_files(&target) == before,
                "the earlier folder is kept"
            );
        }
        assert_eq!(
            names_in(&d.join("res")),
            vec![NAME.to_string()],
            "no staging folder is left"
        );
        // Back to the earlier folder for the next moment (a stopped run left it in place).
        if code == Some(0) {
            assert!(bin()
                .current_dir(d)
                .args(run_args("5"))
                .output()
                .unwrap()
                .status
                .success());
        }
    }
    assert!(seen_130, "at least one signal came while it worked");
}

#[test]
fn sigterm_stops_a_run_as_ctrl_c_does() {
    stopped_by(libc::SIGTERM);
}

#[test]
fn sighup_stops_a_run_as_ctrl_c_does() {
    stopped_by(libc::SIGHUP);
}
