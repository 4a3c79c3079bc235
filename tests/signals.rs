//! Signals and terminals: Ctrl-C during `run`, `merge` or `plot` exits 130 with the earlier folder
//! kept and no staging folder left; a closed standard output ends a command quietly; text from
//! files reaches the terminal without control characters; odd `--vary` values and overlong
//! names get clear answers before any work.

mod common;
use common::*;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::Duration;

const NAME: &str = "project-texas-2022";
const GUARD: u64 = 120;

fn texas() -> String {
    root()
        .join("scenarios/project_texas_2022.toml")
        .display()
        .to_string()
}

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

fn interrupt(child: &Child) {
    // SAFETY: sends a signal to a child process this test started and has not yet waited for.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
}

/// Sends Ctrl-C to `args` after growing delays; each time, exit 0 (it had finished) or 130, the
/// folder `target` either `before` or `after`, and nothing beside it.
fn interrupted_at_many_moments(
    dir: &Path,
    args: &[String],
    target: &Path,
    before: &[(String, Vec<u8>)],
    after: &[(String, Vec<u8>)],
) {
    let mut seen_130 = false;
    for i in 0..10u64 {
        let child = bin()
            .current_dir(dir)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(30 + 40 * i));
        interrupt(&child);
        let o = child.wait_with_output().unwrap();
        let code = o.status.code();
        assert!(
            code == Some(0) || code == Some(130),
            "exit 0 or 130, not {:?}: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        );
        seen_130 |= code == Some(130);
        let got = read_dir_files(target);
        assert!(got == before || got == after, "a whole folder after Ctrl-C");
        assert_eq!(
            names_in(target.parent().unwrap()),
            vec![target.file_name().unwrap().to_string_lossy().to_string()],
            "no staging folder is left"
        );
    }
    assert!(seen_130, "at least one Ctrl-C came while it worked");
}

fn run_args(seed: &str, reps: &str, out: &str) -> Vec<String> {
    [
        "run",
        &texas(),
        "--reps",
        reps,
        "--seed",
        seed,
        "--out",
        out,
        "--quiet",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn ctrl_c_during_run_merge_and_plot_keeps_the_earlier_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| {
            let mut a = run_args("11", "400", &format!("shards/s{k}"));
            a.extend(["--shard".into(), format!("{k}/2")]);
            ok(&bin().current_dir(d).args(a).output().unwrap());
            d.join(format!("shards/s{k}")).join(NAME)
        })
        .collect();
    let target = d.join("res").join(NAME);
    ok(&bin()
        .current_dir(d)
        .args(run_args("5", "400", "res"))
        .output()
        .unwrap());
    let before = read_dir_files(&target);
    let mut merge: Vec<String> = vec!["merge".into()];
    merge.extend(shards.iter().map(|p| p.display().to_string()));
    merge.extend(["--out", "res", "--quiet"].map(String::from));
    ok(&bin().current_dir(d).args(&merge).output().unwrap());
    let merged = read_dir_files(&target);
    ok(&bin()
        .current_dir(d)
        .args(run_args("5", "400", "res"))
        .output()
        .unwrap());
    interrupted_at_many_moments(d, &merge, &target, &before, &merged);
    ok(&bin()
        .current_dir(d)
        .args(run_args("5", "400", "res"))
        .output()
        .unwrap());
    let plot = vec!["plot".to_string(), target.display().to_string()];
    interrupted_at_many_moments(d, &plot, &target, &before, &before);
    let run = run_args("6", "400", "res");
    ok(&bin().current_dir(d).args(&run).output().unwrap());
    let after = read_dir_files(&target);
    ok(&bin()
        .current_dir(d)
        .args(run_args("5", "400", "res"))
        .output()
        .unwrap());
    interrupted_at_many_moments(d, &run, &target, &before, &after);
}

#[test]
fn a_closed_standard_output_ends_validate_quietly() {
    let files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    let mut child = bin()
        .arg("validate")
        .args(&files)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(!line.is_empty());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(o.status.code(), Some(101), "{err}");
}

#[test]
fn control_characters_from_a_scenario_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    ScenarioBuilder::texas()
        .set("scenario.currency", "USD\u{1b}[31m\u{7}")
        .write_as(&dir.path().join("esc.toml"));
    for args in [
        vec!["validate", "esc.toml"],
        vec![
            "run",
            "esc.toml",
            "--reps",
            "20",
            "--out",
            "res",
            "--quiet",
            "--no-charts",
        ],
    ] {
        let o = bounded(bin().current_dir(dir.path()).args(&args), GUARD);
        ok(&o);
        assert!(
            !o.stdout.iter().any(|&b| b == 0x1b || b == 0x07),
            "{}: escape codes printed",
            args[0]
        );
    }
}

#[test]
fn a_sweep_to_1e20_runs_and_an_overlong_name_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let o = bounded(
        bin().current_dir(dir.path()).args([
            "sweep",
            &root()
                .join("scenarios/status_quo_2021.toml")
                .display()
                .to_string(),
            "--vary",
            "data_class.public.loss_per_record=1,1e20",
            "--reps",
            "20",
            "--out",
            "res",
            "--quiet",
            "--no-charts",
        ]),
        GUARD,
    );
    ok(&o);
    for len in [201, 221, 255] {
        let name = "n".repeat(len);
        let text = ScenarioBuilder::texas().set("scenario.name", name.as_str());
        assert!(text.toml().contains(&name));
        text.write_as(&dir.path().join("long.toml"));
        let o = bounded(
            bin().current_dir(dir.path()).args([
                "run",
                "long.toml",
                "--reps",
                "20",
                "--out",
                "long",
                "--quiet",
            ]),
            GUARD,
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("too long") && err.contains("long.toml"),
            "{err}"
        );
        assert!(!dir.path().join("long").exists(), "nothing is written");
    }
}
