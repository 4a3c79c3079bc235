//! `compare` of deals in different currencies: refused (exit 2, nothing written) unless `--fx`
//! gives the rate, which converts every amount into the baseline's currency.

mod common;
use common::*;

fn row(dir: &std::path::Path, scenario: &str, metric: &str) -> f64 {
    let rows = csv_rows(&dir.join("compare.csv"));
    rows.iter()
        .find(|r| r[0] == scenario && r[1] == metric)
        .unwrap()[2]
        .parse()
        .unwrap()
}

#[test]
fn deals_in_different_currencies_are_refused_unless_a_rate_converts_them() {
    let dir = tempfile::tempdir().unwrap();
    let quo = root().join("scenarios/status_quo_2021.toml");
    let div = root().join("scenarios/divestiture.toml");
    let eur = ScenarioBuilder::extending(&div)
        .set("scenario.currency", "EUR")
        .write_as(&dir.path().join("eur.toml"));
    let args = |out: &str, extra: &[&str]| {
        let mut a: Vec<String> = [
            "compare",
            &quo.display().to_string(),
            &eur.display().to_string(),
            "--baseline",
            "status-quo-2021",
            "--reps",
            "100",
            "--out",
            out,
            "--quiet",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        leaksim_in(dir.path(), &refs)
    };
    let o = run(args("refused", &[]));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("in EUR") && err.contains("--fx \"EUR=RATE\""),
        "{err}"
    );
    assert!(!dir.path().join("refused").exists(), "nothing written");
    let o = run(args("bad", &["--fx", "EUR=-1"]));
    assert_eq!(o.status.code(), Some(2));
    // Same currency: the reference figures.
    let o = leaksim_in(
        dir.path(),
        &[
            "compare",
            &quo.display().to_string(),
            &div.display().to_string(),
            "--baseline",
            "status-quo-2021",
            "--reps",
            "100",
            "--out",
            "same",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(args("converted", &["--fx", "EUR=2.5"]));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (same, conv) = (
        dir.path().join("same/compare"),
        dir.path().join("converted/compare"),
    );
    for m in ["control_cost", "loss", "total_cost"] {
        let (a, b) = (row(&same, "divestiture", m), row(&conv, "divestiture", m));
        assert!(
            (b - 2.5 * a).abs() <= 1e-6 * b.abs().max(1.0),
            "{m}: {a} -> {b}"
        );
    }
    // Records do not change; the converted deal states the baseline's currency.
    assert_eq!(
        row(&same, "divestiture", "records_leaked"),
        row(&conv, "divestiture", "records_leaked")
    );
    let resolved =
        std::fs::read_to_string(conv.join("divestiture/scenario.resolved.toml")).unwrap();
    assert!(resolved.contains("currency = \"currency units\""));
}
