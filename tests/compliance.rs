//! `compliance_probability`: a demand is complied with with the jurisdiction's probability. For a
//! single seizure route, P(reached) = 1 - exp(-rate x T x c); the route table shows c as the
//! seizure's success per demand; a scenario without the key simulates exactly as with c = 1.

mod common;
use common::*;
use leaksim::analysis::routes::{central_table, Channel};
use leaksim::sim::metrics::idx;

/// One store in CN holding `protected`; CN demands at `rate` a year, complied with `compliance`
/// (a TOML value, or `None` for no key).
fn seizable(rate: f64, compliance: Option<&str>) -> leaksim::Scenario {
    let b = ScenarioBuilder::new("seizure")
        .horizon_days(365)
        .set("question.classes", ["protected"])
        .set("question.recipients", ["CN"])
        .class("protected", 1000)
        .jurisdiction("CN")
        .set("jurisdiction.CN.compelled_demands_per_year", rate)
        .store("beijing", "CN", &["protected"]);
    match compliance {
        Some(c) => b.set("jurisdiction.CN.compliance_probability", raw(c)),
        None => b,
    }
    .scenario()
}

#[test]
fn a_seizure_route_reaches_with_the_complied_share_of_demands() {
    let (rate, c, n) = (1.5, 0.4, 20_000u64);
    let s = seizable(rate, Some(&c.to_string()));
    let rows = run(&s, 5, n, 2);
    let p = 1.0 - (-rate * c).exp();
    let hits = rows
        .iter()
        .filter(|r| r.metrics[idx::REACHED] > 0.0)
        .count() as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (hits / n as f64 - p).abs() <= 3.0 * se,
        "simulated {} vs closed form {p} (se {se})",
        hits / n as f64
    );
    // Every demand is counted; only complied ones are served.
    let demands: f64 = rows.iter().map(|r| r.metrics[idx::COMPELLED_DEMANDS]).sum();
    let served: f64 = rows.iter().map(|r| r.metrics[idx::SEIZURES]).sum();
    let share = served / demands;
    let se = (c * (1.0 - c) / demands).sqrt();
    assert!((share - c).abs() <= 3.0 * se, "served share {share} vs {c}");
}

#[test]
fn the_route_table_shows_compliance_as_the_seizure_success_per_demand() {
    let t = central_table(&seizable(
        2.0,
        Some("{ dist = \"uniform\", min = 0.2, max = 0.6 }"),
    ));
    let r = t
        .routes
        .iter()
        .find(|r| r.channel == Channel::Seizure)
        .expect("a seizure route");
    assert!((r.p_success() - 0.4).abs() < 1e-9, "{}", r.p_success());
    assert!((r.attempts / t.years - 2.0).abs() < 1e-6);
    assert!((t.totals.seizure - 2.0 * 0.4).abs() < 1e-6);
}

#[test]
fn without_the_key_demands_are_complied_with_and_draws_do_not_shift() {
    let without = run(&seizable(3.0, None), 9, 2000, 2);
    let with_one = run(&seizable(3.0, Some("1.0")), 9, 2000, 2);
    let bits = |r: &leaksim::sim::runner::RepRow| -> Vec<u64> {
        r.metrics.iter().map(|v| v.to_bits()).collect()
    };
    for (a, b) in without.iter().zip(&with_one) {
        assert_eq!(bits(a), bits(b));
    }
    let never = run(&seizable(3.0, Some("0.0")), 9, 2000, 2);
    for (a, b) in without.iter().zip(&never) {
        assert_eq!(
            a.metrics[idx::COMPELLED_DEMANDS],
            b.metrics[idx::COMPELLED_DEMANDS]
        );
        assert_eq!(b.metrics[idx::REACHED], 0.0);
    }
}
