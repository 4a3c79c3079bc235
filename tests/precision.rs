//! `--precision`: replications are added until the interval is as narrow as promised, reproducibly.

mod common;
use common::*;

/// Twenty staff abroad, a fifth of them insiders, against an unguarded store.
fn insiders() -> ScenarioBuilder {
    ScenarioBuilder::new("prec")
        .horizon_days(365)
        .class("d", 1000000)
        .set("data_class.d.weight", 1)
        .jurisdiction("US")
        .jurisdiction("CN")
        .store("s", "US", &["d"])
        .actor("insiders", "CN", 20)
        .set("actor.insiders.malicious_fraction", 0.2)
        .set("actor.insiders.illicit_attempts_per_insider_per_year", 4)
        .set(
            "actor.insiders.records_per_attempt",
            raw("{ dist = \"lognormal\", median = 100, sigma = 1 }"),
        )
}

#[test]
fn the_stopping_rule_reaches_the_precision_it_promises() {
    let dir = tempfile::tempdir().unwrap();
    insiders().write_as(&dir.path().join("p.toml"));
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            "p.toml",
            "--precision",
            "0.03",
            "--metric",
            "exposure",
            "--reps",
            "200",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("precision reached"), "{stdout}");
    let conv = csv_rows(&dir.path().join("res/prec/convergence.csv")).split_off(1);
    assert!(conv.len() >= 2, "more than one batch was needed");
    let last = conv.last().unwrap();
    let reps: usize = last[1].parse().unwrap();
    assert!(reps.is_multiple_of(200));
    assert!(last[4].parse::<f64>().unwrap() <= 0.03);
    assert!(
        conv[conv.len() - 2][4].parse::<f64>().unwrap() > 0.03,
        "it stopped at the first batch that met the target"
    );
    // Recompute from the replications written: the interval is indeed that narrow.
    let v = csv_column(&dir.path().join("res/prec/replications.csv"), "exposure");
    assert_eq!(v.len(), reps);
    let ci = leaksim::analysis::stats::MeanCi::of(&v);
    assert!(ci.half_width() / ci.mean <= 0.03);
}

#[test]
fn the_ceiling_stops_an_unreachable_target_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    insiders().write_as(&dir.path().join("p.toml"));
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            "p.toml",
            "--precision",
            "0.0001",
            "--reps",
            "100",
            "--max-reps",
            "300",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("precision NOT reached"));
    let reps = std::fs::read_to_string(dir.path().join("res/prec/replications.csv")).unwrap();
    assert_eq!(reps.lines().count(), 301);
}

#[test]
fn precision_runs_are_reproducible_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    insiders().write_as(&dir.path().join("p.toml"));
    for (out, t) in [("a", "1"), ("b", "2")] {
        let o = leaksim_in(
            dir.path(),
            &[
                "run",
                "p.toml",
                "--precision",
                "0.05",
                "--reps",
                "100",
                "--threads",
                t,
                "--out",
                out,
                "--quiet",
            ],
        );
        assert!(o.status.success());
    }
    assert_eq!(
        read_dir_files(&dir.path().join("a/prec")),
        read_dir_files(&dir.path().join("b/prec"))
    );
}

#[test]
fn compare_precision_applies_to_paired_differences() {
    let dir = tempfile::tempdir().unwrap();
    insiders().write_as(&dir.path().join("a.toml"));
    insiders()
        .set("scenario.name", "walled")
        .firewall(&["US"], 0.5)
        .write_as(&dir.path().join("b.toml"));
    let o = leaksim_in(
        dir.path(),
        &[
            "compare",
            "a.toml",
            "b.toml",
            "--baseline",
            "prec",
            "--precision",
            "0.1",
            "--reps",
            "100",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let conv = csv_rows(&dir.path().join("res/compare/convergence.csv")).split_off(1);
    assert!(conv.iter().all(|r| r[0] == "walled - prec"));
    assert!(conv.last().unwrap()[4].parse::<f64>().unwrap() <= 0.1);
}

#[test]
fn a_bad_precision_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    insiders().write_as(&dir.path().join("p.toml"));
    for args in [
        vec!["--precision", "0"],
        vec!["--precision", "0.1", "--metric", "exposur"],
    ] {
        let mut all = vec!["run", "p.toml", "--out", "res"];
        all.extend(args);
        let o = leaksim_in(dir.path(), &all);
        assert_eq!(o.status.code(), Some(2));
        assert!(!dir.path().join("res").exists());
    }
    let o = leaksim_in(
        dir.path(),
        &["run", "p.toml", "--precision", "0.1", "--metric", "exposur"],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `exposure`"));
}
