//! Measurement windows of the `[question]` (`window_days`, `also`) against closed forms: a
//! Poisson route counted within a window, records already held when a window opens, and the
//! default window (the whole horizon) leaving every figure as it was.

mod common;
use common::*;
use leaksim::sim::metrics::idx;

/// One insider behind a firewall over `days` (`ScenarioBuilder::one_insider_poisson`), asking
/// about class `d` reaching CN or private hands.
fn insider(rate: f64, block: f64, days: f64) -> ScenarioBuilder {
    ScenarioBuilder::one_insider_poisson("window", rate, block, days)
        .set("question.classes", ["d"])
        .set("question.recipients", ["CN", "private"])
}

fn within(p_sim: f64, p: f64, n: u64, what: &str) {
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (p_sim - p).abs() < 4.0 * se,
        "{what}: {p_sim:.4} vs closed form {p:.4} (se {se:.4})"
    );
}

#[test]
fn a_window_counts_a_poisson_route_over_its_own_days() {
    let (rate, block) = (2.0, 0.7);
    let s = insider(rate, block, 730.0)
        .set("question.window_days", [100, 200])
        .set(
            "question.also",
            raw(r#"[{ name = "second_year", window_days = [365, 730] }]"#),
        )
        .scenario();
    assert_eq!(
        s.window_columns(),
        [
            "reached.second_year",
            "reached_records.second_year",
            "reached_cmc.second_year"
        ]
    );
    let n = 20_000;
    let rows = run(&s, 11, n, 2);
    let success = rate * (1.0 - block);
    within(
        mean_of(&rows, idx::REACHED),
        1.0 - (-success * 100.0 / 365.0).exp(),
        n,
        "P(reached within days 100-200)",
    );
    let second: Vec<f64> = rows.iter().map(|r| r.windows[0]).collect();
    within(
        second.iter().sum::<f64>() / n as f64,
        1.0 - (-success).exp(),
        n,
        "P(reached within the second year)",
    );
    // The whole horizon's `leaked` is unaffected by the windows.
    within(
        mean_of(&rows, idx::LEAKED),
        1.0 - (-success * 2.0).exp(),
        n,
        "P(leaked over two years)",
    );
    for r in &rows {
        // A window's records are those that reached the recipients within it: each success
        // takes 10 records, so a window with none has none, and one with a success has some.
        assert_eq!(r.windows[0] > 0.0, r.windows[1] > 0.0);
        assert!(r.metrics[idx::REACHED_RECORDS] <= r.metrics[idx::RECORDS_LEAKED]);
        assert!(r.windows[1] + r.metrics[idx::REACHED_RECORDS] <= r.metrics[idx::RECORDS_LEAKED]);
    }
}

/// A store abroad seized by its state once a year: a seizure takes every record.
fn seized() -> ScenarioBuilder {
    ScenarioBuilder::new("seized")
        .horizon_days(730)
        .set("question.classes", ["d"])
        .set("question.recipients", ["CN"])
        .class("d", 5000)
        .jurisdiction("US")
        .jurisdiction("CN")
        .set("jurisdiction.CN.compelled_demands_per_year", raw("1.0"))
        .store("abroad", "CN", &["d"])
}

#[test]
fn records_held_before_a_window_opens_are_not_counted_again() {
    let s = seized()
        .set("question.window_days", [0, 365])
        .set(
            "question.also",
            raw(r#"[{ name = "year2", window_days = [365, 730] }]"#),
        )
        .scenario();
    let n = 20_000;
    let rows = run(&s, 4, n, 2);
    let q = (-1.0f64).exp();
    within(
        mean_of(&rows, idx::REACHED),
        1.0 - q,
        n,
        "P(seized in year 1)",
    );
    // The first seizure takes every record: year 2 counts only a first seizure in year 2.
    let year2 = rows.iter().map(|r| r.windows[0]).sum::<f64>() / n as f64;
    within(year2, q * (1.0 - q), n, "P(first seized in year 2)");
    for r in &rows {
        assert!(r.metrics[idx::REACHED] + r.windows[0] <= 1.0);
    }
}

#[test]
fn the_default_window_is_the_whole_horizon() {
    let plain = seized().scenario();
    let explicit = seized().set("question.window_days", [0, 730]).scenario();
    assert_eq!(plain.question_label(), explicit.question_label());
    let (a, b) = (run(&plain, 7, 500, 2), run(&explicit, 7, 500, 2));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.metrics.map(f64::to_bits), y.metrics.map(f64::to_bits));
        assert!(x.windows.is_empty() && y.windows.is_empty());
    }
    assert!(mean_of(&a, idx::REACHED) > 0.5);
}

#[test]
fn bad_windows_are_refused_with_their_key() {
    for (at, q, key) in [
        ("window_days", "[200, 100]", "question.window_days"),
        ("window_days", "[0, 800]", "question.window_days"),
        ("window_days", "365", "question.window_days"),
        (
            "also",
            r#"[{ name = "a", window_days = [0, 10] }, { name = "a", window_days = [5, 10] }]"#,
            "question.also.name",
        ),
        ("also", r#"[{ name = "a" }]"#, "question.also.window_days"),
        (
            "also",
            r#"[{ name = "a b", window_days = [0, 1] }]"#,
            "question.also.name",
        ),
    ] {
        let text = seized().set(&format!("question.{at}"), raw(q)).toml();
        let e = leaksim::Scenario::from_text(&text, "w.toml")
            .expect_err(q)
            .to_string();
        assert!(e.contains(key) && e.contains("w.toml"), "{q}: {e}");
    }
}
