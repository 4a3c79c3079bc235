//! Turnover and recruitment (`turnover_per_year`): a stationary population keeps its yearly
//! probability from year 1 to year 10, complete yearly turnover makes years independent
//! (P over n years = 1 - (1 - p_year)^n), both against the closed form of a year, and an actor
//! without turnover draws exactly what it drew before.

mod common;
use common::*;
use leaksim::sim::metrics::idx;

const HEADCOUNT: f64 = 100.0;
const FRACTION: f64 = 0.005;
/// Successful attempts a year per insider: 2 attempts, half blocked.
const SUCCESS: f64 = 1.0;

/// Staff abroad, each malicious with FRACTION, trying twice a year through a firewall that blocks
/// half; nothing removes an insider. Turnover by `.set("actor.staff.turnover_per_year", ...)`.
fn staff(years: f64) -> ScenarioBuilder {
    ScenarioBuilder::new("turnover")
        .horizon_days(years * 365.0)
        .set("question.classes", ["d"])
        .set("question.recipients", ["CN", "private"])
        .class("d", 1000000)
        .jurisdiction("US")
        .jurisdiction("CN")
        .store("s", "US", &["d"])
        .firewall(&["US"], 0.5)
        .actor("staff", "CN", HEADCOUNT)
        .set("actor.staff.malicious_fraction", FRACTION)
        .set("actor.staff.illicit_attempts_per_insider_per_year", 2)
        .set("actor.staff.records_per_attempt", 10)
}

/// P(a record reaches the recipients within one year): the insiders of a year are
/// Binomial(HEADCOUNT, FRACTION), each succeeding at least once with 1 - exp(-SUCCESS).
fn p_year() -> f64 {
    1.0 - (1.0 - FRACTION * (1.0 - (-SUCCESS).exp())).powf(HEADCOUNT)
}

fn within(p_sim: f64, p: f64, n: usize, what: &str) {
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (p_sim - p).abs() < 4.0 * se,
        "{what}: {p_sim:.4} vs closed form {p:.4} (se {se:.4})"
    );
}

#[test]
fn a_stationary_population_keeps_its_yearly_probability_over_ten_years() {
    let s = staff(10.0)
        .set("actor.staff.turnover_per_year", 0.3)
        .set("question.window_days", [0, 365])
        .set(
            "question.also",
            raw(r#"[{ name = "year10", window_days = [3285, 3650] }]"#),
        )
        .scenario();
    let n = 10_000;
    let rows = run(&s, 21, n as u64, 2);
    let year1 = mean_of(&rows, idx::REACHED);
    let year10 = rows.iter().map(|r| r.windows[0]).sum::<f64>() / n as f64;
    within(year1, p_year(), n, "year 1");
    within(year10, p_year(), n, "year 10");
    // Nine anniversaries within the horizon, each recruiting 0.3 x HEADCOUNT people.
    let insiders = mean_of(&rows, idx::INSIDERS);
    let want = HEADCOUNT * FRACTION * (1.0 + 9.0 * 0.3);
    assert!(
        (insiders - want).abs() < 0.05 * want,
        "{insiders} vs {want}"
    );
}

#[test]
fn complete_yearly_turnover_makes_the_years_independent() {
    let years = 5;
    let s = staff(years as f64)
        .set("actor.staff.turnover_per_year", raw("1.0"))
        .scenario();
    let n = 10_000;
    let rows = run(&s, 8, n as u64, 2);
    let p = 1.0 - (1.0 - p_year()).powi(years);
    within(mean_of(&rows, idx::REACHED), p, n, "P over five years");
}

#[test]
fn removed_insiders_are_replaced_only_by_an_actor_that_recruits() {
    // A gatekeeper refuses every reviewed request: each insider is removed at its first attempt.
    // Half the staff malicious, so that replacements show.
    let gated = staff(3.0)
        .set("actor.staff.malicious_fraction", 0.5)
        .gatekeeper(5, 1, raw("1.0"))
        .set("controls.gatekeeper.classes", ["d"])
        .set("controls.gatekeeper.review_from", ["CN"]);
    let (n, seed) = (2_000u64, 4);
    let none = run(&gated.scenario(), seed, n, 2);
    let recruits = gated.set("actor.staff.turnover_per_year", raw("0.000001"));
    let some = run(&recruits.scenario(), seed, n, 2);
    // Without turnover, an insider is refused at its first attempt (almost surely within three
    // years) and never replaced.
    for r in &none {
        assert!(r.metrics[idx::REFUSED_REVIEW] <= r.metrics[idx::INSIDERS]);
    }
    let (refused, insiders) = (
        mean_of(&none, idx::REFUSED_REVIEW),
        mean_of(&none, idx::INSIDERS),
    );
    assert!(
        refused > 0.98 * insiders && (insiders - 50.0).abs() < 1.0,
        "{refused} {insiders}"
    );
    // With it, a refused insider is replaced by a malicious recruit with probability 1/2: a
    // position malicious at day 0 yields a chain of K insiders (P(K >= k) = 2^(1 - k)), each
    // refused at its first attempt (2 a year), so it sees min(K, Poisson(6)) refusals in 3 years.
    let mut per_position = 0.0;
    let (mut pois_ge, mut term) = (1.0, (-6.0f64).exp());
    for k in 1..60 {
        // P(Poisson(6) >= k) = P(>= k - 1) - P(= k - 1); then `term` becomes P(= k).
        pois_ge -= term;
        term *= 6.0 / k as f64;
        per_position += 0.5f64.powi(k - 1) * pois_ge;
    }
    let want = 50.0 * per_position;
    let refused = mean_of(&some, idx::REFUSED_REVIEW);
    assert!((refused - want).abs() < 0.03 * want, "{refused} vs {want}");
}

#[test]
fn no_turnover_draws_what_it_drew_before() {
    let plain = staff(3.0).scenario();
    let zero = staff(3.0)
        .set("actor.staff.turnover_per_year", 0)
        .scenario();
    let (a, b) = (run(&plain, 3, 400, 2), run(&zero, 3, 400, 2));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.metrics.map(f64::to_bits), y.metrics.map(f64::to_bits));
        assert_eq!(x.paths, y.paths);
    }
}
