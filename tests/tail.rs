//! Tail risk in `tail.csv`: VaR, expected shortfall and exceedance probabilities, checked against
//! the replications they summarise.

mod common;
use common::*;
use leaksim::analysis::stats::quantile_sorted;

#[test]
fn tail_statistics_match_the_replications() {
    let dir = tempfile::tempdir().unwrap();
    let texas = root().join("scenarios/project_texas_2022.toml");
    let o = leaksim_in(
        dir.path(),
        &[
            "run",
            texas.to_str().unwrap(),
            "--reps",
            "2000",
            "--thresholds",
            "1000,100000",
            "--out",
            "res",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = dir.path().join("res/project-texas-2022");
    let mut loss = csv_column(&d.join("replications.csv"), "loss");
    loss.sort_by(f64::total_cmp);
    let tail = std::fs::read_to_string(d.join("tail.csv")).unwrap();
    assert!(tail.starts_with("metric,statistic,level,value,ci95_low,ci95_high"));
    let get = |stat: &str, level: &str| -> Vec<f64> {
        let l = tail
            .lines()
            .find(|l| l.starts_with(&format!("loss,{stat},{level},")))
            .unwrap_or_else(|| panic!("{stat} {level}"));
        l.split(',').skip(3).map(|x| x.parse().unwrap()).collect()
    };
    // Files carry 12 significant digits: the VaR written agrees with the one computed from the
    // written losses to that precision.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-11 * b.abs().max(1.0);
    for q in ["0.9", "0.95", "0.99"] {
        let v = get("var", q);
        let expected = quantile_sorted(&loss, q.parse().unwrap());
        assert!(close(v[0], expected), "{} vs {expected}", v[0]);
        assert!(v[1] <= v[0] && v[0] <= v[2]);
    }
    let es = get("es", "0.99");
    let k = (2000.0f64 * 0.99).floor() as usize;
    let expected = loss[k..].iter().sum::<f64>() / (2000 - k) as f64;
    assert!((es[0] - expected).abs() < 1e-6 * expected);
    assert!(es[0] >= get("var", "0.99")[0]);
    let ex = get("exceedance", "100000");
    let share = loss.iter().filter(|&&x| x > 100_000.0).count() as f64 / 2000.0;
    assert_eq!(ex[0], share);
    assert!(ex[1] < share && share < ex[2]);
    // Other metrics are covered too.
    for m in [
        "records_leaked,var,0.95",
        "exposure,es,0.95",
        "total_cost,var,0.9",
        "records_leaked,exceedance,1000",
    ] {
        assert!(tail.contains(m), "{m}");
    }
}
