//! Legitimate requests drawn in aggregate (`Model::aggregate_requests`) against the same requests
//! drawn one by one: every other column byte for byte, the legitimate-request columns in
//! distribution (means by a z-test, variances by a ratio test), a closed form, and the same
//! bytes for a seed whatever the threads.

mod common;
use common::*;
use leaksim::model::Model;
use leaksim::sim::engine::{simulate, Outcome, Replication, Workspace, DEFAULT_MAX_EVENTS};
use leaksim::sim::metrics::{idx, NAMES};
use leaksim::sim::observe::NoTrace;
use leaksim::sim::runner::draw_params;
use leaksim::Scenario;

/// The columns aggregation may change: the legitimate requests' own sums, and the events.
const LEGIT: [usize; 4] = [
    idx::LEGIT_REQUESTS,
    idx::LEGIT_BLOCKED,
    idx::ACCESSED_RECORDS,
    idx::EVENTS,
];

/// Replications `0..reps` of `s` with seed `seed`, aggregated or one by one.
fn outcomes(s: &Scenario, seed: u64, reps: u64, aggregate: bool) -> Vec<Outcome> {
    let mut w = Workspace::new();
    (0..reps)
        .map(|rep| {
            let mut m = Model::build(s, &draw_params(s, seed, rep));
            m.aggregate_requests = aggregate;
            let r = Replication {
                seed,
                rep,
                max_events: DEFAULT_MAX_EVENTS,
            };
            simulate(&m, r, &mut w, &mut NoTrace, &mut ())
        })
        .collect()
}

/// Mean and (unbiased) variance.
fn moments(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// The two samples agree: means within 5 standard errors, variances within a ratio that an
/// F test would pass at about 5 sigma for these sample sizes.
fn agree(what: &str, a: &[f64], b: &[f64]) {
    let ((ma, va), (mb, vb)) = (moments(a), moments(b));
    if va == 0.0 && vb == 0.0 {
        assert_eq!(ma, mb, "{what}: constant samples differ");
        return;
    }
    let se = (va / a.len() as f64 + vb / b.len() as f64).sqrt();
    let z = (ma - mb) / se;
    assert!(z.abs() < 5.0, "{what}: means {ma} vs {mb} (z = {z:.2})");
    let ratio = va / vb;
    // log of an F ratio has sd about sqrt(2/(n-1) + kurtosis terms): generous bounds.
    assert!(
        (0.6..1.67).contains(&ratio),
        "{what}: variances {va} vs {vb} (ratio {ratio:.3})"
    );
}

/// Everything but the legitimate-request columns, byte for byte, and the same for the staff
/// access part of `reach` (compared in distribution elsewhere).
fn assert_headlines_equal(name: &str, a: &[Outcome], b: &[Outcome], s: &Scenario) {
    let recipients = s.jurisdictions.len() + 1;
    let nc = s.classes.len();
    for (rep, (x, y)) in a.iter().zip(b).enumerate() {
        assert_eq!(x.over_budget, y.over_budget, "{name} rep {rep}: budget");
        for (k, metric) in NAMES.iter().enumerate() {
            if LEGIT.contains(&k) {
                continue;
            }
            assert_eq!(
                x.metrics[k].to_bits(),
                y.metrics[k].to_bits(),
                "{name} rep {rep}: {metric} {} vs {}",
                x.metrics[k],
                y.metrics[k]
            );
        }
        assert_eq!(x.paths, y.paths, "{name} rep {rep}: path rows");
        assert_eq!(x.windows, y.windows, "{name} rep {rep}: windows");
        let leaks = recipients * nc;
        assert_eq!(
            x.reach[..leaks],
            y.reach[..leaks],
            "{name} rep {rep}: reach"
        );
    }
}

/// Per replication, column `k` of the outcomes.
fn column(o: &[Outcome], k: usize) -> Vec<f64> {
    o.iter().map(|x| x.metrics[k]).collect()
}

/// Staff in the US and engineers in CN reading two classes in three stores: a store deleted on
/// day 120, one that gets class `b` by a flow from day 30, and a firewall keeping CN out of
/// everything from day 60 (half its attempts blocked); CN insiders steal. With `gated`, a
/// gatekeeper reviews CN's requests in perimeter `p` (store `s2`, until its deletion), so those
/// requests are drawn one by one until day 120 and in aggregate after.
fn mixed(gated: bool) -> Scenario {
    let mut b = ScenarioBuilder::new("mixed")
        .horizon_days(200)
        .class("a", 10_000)
        .class("b", 400)
        .jurisdiction("US")
        .jurisdiction("CN")
        .store("s1", "US", &["a"])
        .store("s2", "US", &["a", "b"])
        .store("s3", "US", &[])
        .set("store.s2.delete_on_day", 120)
        .set("store.s2.perimeter", "p")
        .flow("copy", "s2", "s3", 240)
        .set("flow.copy.start_day", 30)
        .set("flow.copy.classes", ["b"])
        .actor("staff", "US", 50)
        .set("actor.staff.requests_per_person_per_day", 0.2)
        .set(
            "actor.staff.records_per_request",
            raw("{ dist = \"uniform\", min = 0, max = 30 }"),
        )
        .actor("eng", "CN", 20)
        .set("actor.eng.requests_per_person_per_day", 0.5)
        .set(
            "actor.eng.records_per_request",
            raw("{ dist = \"exponential\", mean = 8 }"),
        )
        .set("actor.eng.malicious_fraction", 0.1)
        .set("actor.eng.illicit_attempts_per_insider_per_year", 6)
        .set("actor.eng.records_per_attempt", 50)
        .set("question.recipients", ["CN"])
        .firewall(&["US"], 0.5)
        .set("controls.firewall.from_day", 60)
        .perimeter_firewall("p", &["US"], 0.5)
        .set("perimeter.p.firewall.from_day", 60);
    if gated {
        b = b
            .perimeter_gatekeeper("p", 2, raw("{ dist = \"exponential\", mean = 1.0 }"), 0.5)
            .set("perimeter.p.gatekeeper.review_from", ["CN"]);
    }
    b.scenario()
}

/// Both forms of `s` over `reps` replications: headlines byte for byte, the legitimate-request
/// columns and the staff access cells in distribution; with `drawn`, the aggregated form drew
/// its requests itself (their count differs from the one-by-one count in most replications).
fn check_forms(name: &str, s: &Scenario, reps: u64, drawn: bool) {
    let agg = outcomes(s, 7, reps, true);
    let one = outcomes(s, 7, reps, false);
    assert_headlines_equal(name, &agg, &one, s);
    let k = idx::LEGIT_REQUESTS;
    let differ = agg
        .iter()
        .zip(&one)
        .filter(|(x, y)| x.metrics[k] != y.metrics[k])
        .count();
    eprintln!("{name}: {differ} of {reps} replications drew other request counts");
    if drawn {
        assert!(
            differ * 10 > reps as usize * 9,
            "{name}: {differ} of {reps} drawn in aggregate"
        );
    }
    for k in LEGIT {
        agree(
            &format!("{name} {}", NAMES[k]),
            &column(&agg, k),
            &column(&one, k),
        );
    }
    let leaks = (s.jurisdictions.len() + 1) * s.classes.len();
    for cell in leaks..agg[0].reach.len() {
        let of = |o: &[Outcome]| o.iter().map(|x| x.reach[cell]).collect::<Vec<_>>();
        agree(&format!("{name} access cell {cell}"), &of(&agg), &of(&one));
    }
}

#[test]
fn forms_agree_without_a_queue() {
    check_forms("open", &mixed(false), 3000, true);
}

#[test]
fn forms_agree_where_a_queue_ends() {
    let s = mixed(true);
    check_forms("gated", &s, 3000, true);
    // The queue is there before day 120: its requests were drawn one by one, the same ones.
    let o = outcomes(&s, 7, 20, true);
    assert!(o.iter().all(|x| x.metrics[idx::REVIEWED_REQUESTS] > 100.0));
}

/// The shipped scenarios: every column but the legitimate requests' is the same, replication by
/// replication, and the legitimate-request columns agree in distribution.
#[test]
fn shipped_scenarios_keep_every_other_column() {
    for file in [
        "status_quo_2021.toml",
        "project_texas_2022.toml",
        "project_texas_audited.toml",
        "trusted_partner_2020.toml",
        "divestiture.toml",
    ] {
        let s = Scenario::load(&root().join("scenarios").join(file), &[]).expect("shipped");
        check_forms(file, &s, 400, false);
    }
    // US staff reading (no review applies to them): drawn in aggregate beside the reviewed CN
    // engineers, whose requests and the queue they share with insiders stay the same.
    let sets = [
        "actor.tiktok-us-staff.requests_per_person_per_day=0.05".to_string(),
        "actor.tiktok-us-staff.records_per_request={ dist = \"lognormal\", median = 20, sigma = 1.0 }"
            .to_string(),
    ];
    let file = root().join("scenarios").join("status_quo_2021.toml");
    let s = Scenario::load(&file, &sets).expect("shipped with US staff reading");
    check_forms("status quo, US staff reading", &s, 400, true);
}

/// With no queue anywhere, the requests' count is Poisson: mean and variance both rate x
/// horizon x headcount.
#[test]
fn request_count_is_poisson() {
    let s = ScenarioBuilder::new("poisson")
        .horizon_days(30)
        .class("a", 1000)
        .jurisdiction("US")
        .store("s", "US", &["a"])
        .actor("x", "US", 10)
        .set("actor.x.requests_per_person_per_day", 0.3)
        .actor("y", "US", 5)
        .set("actor.y.requests_per_person_per_day", 0.1)
        .scenario();
    let lambda = 30.0 * (10.0 * 0.3 + 5.0 * 0.1);
    let n = 4000;
    let o = outcomes(&s, 3, n, true);
    let (mean, var) = moments(&column(&o, idx::LEGIT_REQUESTS));
    let z = (mean - lambda) / (lambda / n as f64).sqrt();
    assert!(z.abs() < 5.0, "mean {mean} vs {lambda} (z = {z:.2})");
    // Var of a sample variance of a Poisson: about (2 lambda^2 + lambda) / n.
    let sd = ((2.0 * lambda * lambda + lambda) / n as f64).sqrt();
    assert!(
        ((var - lambda) / sd).abs() < 5.0,
        "variance {var} vs {lambda}"
    );
    // Aggregated from day 0: no legitimate request is an event of the heap, but each counts.
    for x in &o {
        assert_eq!(x.metrics[idx::EVENTS], x.metrics[idx::LEGIT_REQUESTS]);
    }
}

/// Twenty engineers in CN reading a US store (5,000 records of `a`), half a request a day
/// each, three records a request, over `days` days.
fn engineers_abroad(name: &str, days: u32) -> ScenarioBuilder {
    ScenarioBuilder::new(name)
        .horizon_days(days)
        .class("a", 5000)
        .jurisdiction("US")
        .jurisdiction("CN")
        .store("s", "US", &["a"])
        .actor("eng", "CN", 20)
        .set("actor.eng.requests_per_person_per_day", 0.5)
        .set("actor.eng.records_per_request", 3)
}

/// An actor whose reads count toward the question (`include_access`) is never aggregated: its
/// reads join the leaks in time order. Both forms give the same rows, legitimate columns too.
#[test]
fn reads_that_count_toward_the_question_stay_one_by_one() {
    let s = engineers_abroad("access", 60)
        .set("question.recipients", ["CN"])
        .set("question.include_access", true)
        .scenario();
    let (agg, one) = (outcomes(&s, 2, 50, true), outcomes(&s, 2, 50, false));
    for (x, y) in agg.iter().zip(&one) {
        assert_eq!(x.metrics.map(f64::to_bits), y.metrics.map(f64::to_bits));
        assert_eq!(x.reach, y.reach);
    }
    assert!(agg.iter().all(|x| x.metrics[idx::REACHED] == 1.0));
}

/// Paired scenarios that differ in when a firewall switches on count the same requests,
/// replication by replication (one Poisson draw per span, shared among its pieces), and the
/// later firewall blocks fewer of them.
#[test]
fn a_firewall_date_leaves_the_request_count_paired() {
    let at = |day: u32| {
        let s = engineers_abroad("fw", 100)
            .firewall(&["US"], 0.5)
            .set("controls.firewall.from_day", day)
            .scenario();
        outcomes(&s, 4, 200, true)
    };
    let (early, late) = (at(20), at(70));
    for (x, y) in early.iter().zip(&late) {
        assert_eq!(
            x.metrics[idx::LEGIT_REQUESTS],
            y.metrics[idx::LEGIT_REQUESTS]
        );
    }
    let blocked = |o: &[Outcome]| column(o, idx::LEGIT_BLOCKED).iter().sum::<f64>();
    assert!(blocked(&early) > blocked(&late));
}

/// The same seed gives the same bytes, on one thread or two.
#[test]
fn aggregated_runs_are_reproducible() {
    let s = mixed(true);
    let bits = |rows: &[leaksim::sim::runner::RepRow]| -> Vec<Vec<u64>> {
        rows.iter()
            .map(|r| r.metrics.iter().map(|v| v.to_bits()).collect())
            .collect()
    };
    let one = run(&s, 5, 64, 1);
    let two = run(&s, 5, 64, 2);
    assert_eq!(bits(&one), bits(&two));
    assert_eq!(bits(&one), bits(&run(&s, 5, 64, 2)));
    let a = outcomes(&s, 5, 64, true);
    for (x, r) in a.iter().zip(&one) {
        assert_eq!(
            x.metrics[idx::LEGIT_REQUESTS],
            r.metrics[idx::LEGIT_REQUESTS]
        );
    }
}
