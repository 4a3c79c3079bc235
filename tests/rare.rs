//! The conditional Monte Carlo estimate of the question's probability (`reached_cmc`): unbiased
//! against plain Monte Carlo on every shipped scenario (paired on the same replications), exact
//! against a closed form, and of smaller variance where chances are many and each unlikely.

mod common;
use common::*;
use leaksim::scenario::Scenario;
use leaksim::sim::metrics::idx;

/// Mean and variance of `v`.
fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (
        m,
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0),
    )
}

/// Asserts that the paired differences `plain - cmc` have mean zero within 4 standard errors.
fn assert_unbiased(what: &str, plain: &[f64], cmc: &[f64]) {
    let d: Vec<f64> = plain.iter().zip(cmc).map(|(a, b)| a - b).collect();
    let (md, vd) = mean_var(&d);
    let se = (vd / d.len() as f64).sqrt();
    assert!(
        md.abs() <= 4.0 * se + 1e-12,
        "{what}: plain {} vs conditional {} (difference {md:.5}, se {se:.5})",
        mean_var(plain).0,
        mean_var(cmc).0
    );
}

#[test]
fn conditional_estimate_is_unbiased_on_every_shipped_scenario() {
    let mut files: Vec<_> = std::fs::read_dir(root().join("scenarios"))
        .expect("scenarios/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "shipped scenarios: {files:?}");
    for f in &files {
        let s = Scenario::load(f, &[]).expect("shipped scenario loads");
        let rows = run(&s, 2026, 3_000, 2);
        let col = |m: usize| rows.iter().map(|r| r.metrics[m]).collect::<Vec<f64>>();
        let name = f.display().to_string();
        assert_unbiased(&name, &col(idx::REACHED), &col(idx::REACHED_CMC));
        let k = s.question.also.len();
        for (w, window) in s.question.also.iter().enumerate() {
            let plain: Vec<f64> = rows.iter().map(|r| r.windows[2 * w]).collect();
            let cmc: Vec<f64> = rows.iter().map(|r| r.windows[2 * k + w]).collect();
            assert_unbiased(&format!("{name} window {}", window.name), &plain, &cmc);
        }
    }
}

/// One insider behind a firewall over a year (`ScenarioBuilder::one_insider_poisson`).
fn one_insider(rate: f64, block: f64) -> leaksim::Scenario {
    ScenarioBuilder::one_insider_poisson("poisson", rate, block, 365.0).scenario()
}

#[test]
fn conditional_estimate_matches_the_poisson_closed_form_with_less_variance() {
    let (rate, block) = (4.0, 0.97);
    let s = one_insider(rate, block);
    let n = 20_000;
    let rows = run(&s, 8, n, 2);
    let col = |m: usize| rows.iter().map(|r| r.metrics[m]).collect::<Vec<f64>>();
    let (plain, cmc) = (col(idx::REACHED), col(idx::REACHED_CMC));
    let p = 1.0 - (-rate * (1.0 - block)).exp();
    let (m, v) = mean_var(&cmc);
    let se = (v / n as f64).sqrt();
    assert!(
        (m - p).abs() < 4.0 * se,
        "conditional {m:.5} vs Poisson {p:.5} (se {se:.5})"
    );
    // Each attempt adds 1 - block instead of a 0/1 outcome: about 1 / (1 - block) times less
    // variance for a rare leak.
    let (_, v_plain) = mean_var(&plain);
    assert!(
        v_plain / v > 10.0,
        "variance reduction {:.1} (plain {v_plain:.5}, conditional {v:.5})",
        v_plain / v
    );
}

#[test]
fn conditional_estimate_leaves_every_other_column_alone() {
    // The estimate draws nothing: a structural zero stays zero, and an insider that always
    // leaks on its first attempt gives 1 whenever it attempts within the year.
    let s = one_insider(2.0, 0.0);
    let rows = run(&s, 3, 2_000, 2);
    for r in &rows {
        assert_eq!(r.metrics[idx::REACHED_CMC], r.metrics[idx::REACHED]);
    }
    let s = one_insider(2.0, 1.0);
    let rows = run(&s, 3, 2_000, 2);
    assert!(rows.iter().all(|r| r.metrics[idx::REACHED_CMC] == 0.0));
}
