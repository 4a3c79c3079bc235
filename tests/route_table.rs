//! The route table's closed form against the engine, on every shipped scenario at its central
//! values: expected successful accesses per (actor, store, class, recipient), counted from the
//! trace of every replication, and expected events per engine counter (insider thefts, compelled
//! thefts, demands served by seizure and by a compelled operator), each within 3 standard errors.
//! The closed form integrates over the time each store holds each class (deletion days, flow
//! copies), the firewall's breach windows and the insiders' removal (refusal, audits).

mod common;
use common::*;
use leaksim::analysis::routes::{route_table, Channel};
use leaksim::model::Model;
use leaksim::sim::engine::{simulate, Replication, Workspace};
use leaksim::sim::observe::{TraceRow, Tracer};
use leaksim::Scenario;
use std::collections::BTreeMap;

type Key = (usize, usize, usize, usize);

/// Counts successful accesses per (actor, store, class, recipient) in one replication.
#[derive(Default)]
struct Count(BTreeMap<Key, f64>);

impl Tracer for Count {
    const ON: bool = true;
    fn record(&mut self, row: TraceRow) {
        if row.kind == "exfiltrate" && row.outcome == "leak" {
            let key = (
                row.actor.expect("an access has an actor"),
                row.store.expect("and a store"),
                row.class.expect("and a class"),
                row.recipient.expect("and a recipient"),
            );
            *self.0.entry(key).or_default() += 1.0;
        }
    }
}

/// Mean and standard error of per-replication values (zeros included).
fn mean_se(sum: f64, sq: f64, n: f64) -> (f64, f64) {
    let mean = sum / n;
    let var = (sq / n - mean * mean).max(0.0) * n / (n - 1.0);
    (mean, (var / n).sqrt())
}

fn check(name: &str, what: &str, expected: f64, mean: f64, se: f64, n: f64) {
    // A route the simulation rarely took has an estimated se near 0: floor it at the Poisson se
    // of the expectation.
    let se = se.max((expected / n).sqrt()).max(1e-12);
    assert!(
        (mean - expected).abs() <= 3.0 * se,
        "{name} {what}: simulated {mean:.5} vs closed form {expected:.5} (se {se:.5})"
    );
}

fn check_scenario(file: &str, reps: u64) {
    let path = root().join("scenarios").join(file);
    let plain = Scenario::load(&path, &[]).expect("shipped scenario");
    // The closed form follows the insiders drawn at the start; recruits (turnover) are outside
    // it (docs/model.md, "Route table"), so it is checked with turnover off.
    let sets: Vec<String> = plain
        .actors
        .iter()
        .map(|a| format!("actor.{}.turnover_per_year=0", a.name))
        .collect();
    let s = Scenario::load(&path, &sets).expect("shipped scenario without turnover");
    let model = Model::build(&s, &s.mean_values());
    let table = route_table(&model);
    let mut expected: BTreeMap<Key, f64> = BTreeMap::new();
    for r in &table.routes {
        if let (Some(a), Channel::Review | Channel::Direct | Channel::CompelledTheft) =
            (r.actor, r.channel)
        {
            *expected
                .entry((a, r.store, r.class, r.recipient))
                .or_default() += r.successes;
        }
    }
    let mut sums: BTreeMap<Key, (f64, f64)> = expected.keys().map(|k| (*k, (0.0, 0.0))).collect();
    let totals = table.totals.rows();
    let mut counter_sums = [(0.0, 0.0); 4];
    let mut w = Workspace::new();
    let seed = 20_221_204;
    for rep in 0..reps {
        let mut count = Count::default();
        let r = Replication {
            seed,
            rep,
            max_events: u64::MAX,
        };
        let out = simulate(&model, r, &mut w, &mut count, &mut ());
        for k in count.0.keys() {
            assert!(
                expected.contains_key(k),
                "{file}: the engine took a route the table lacks: {k:?}"
            );
        }
        for (k, (sum, sq)) in sums.iter_mut() {
            let v = count.0.get(k).copied().unwrap_or(0.0);
            *sum += v;
            *sq += v * v;
        }
        for (i, (_, _, counter)) in totals.iter().enumerate() {
            let v = counter.get(&out.metrics);
            counter_sums[i].0 += v;
            counter_sums[i].1 += v * v;
        }
    }
    let n = reps as f64;
    for (k, &(sum, sq)) in &sums {
        let (mean, se) = mean_se(sum, sq, n);
        check(file, &format!("route {k:?}"), expected[k], mean, se, n);
    }
    for (i, (route, e, _)) in totals.iter().enumerate() {
        let (mean, se) = mean_se(counter_sums[i].0, counter_sums[i].1, n);
        check(file, route, *e, mean, se, n);
    }
}

#[test]
fn status_quo_routes_match_the_closed_form() {
    check_scenario("status_quo_2021.toml", 4000);
}

#[test]
fn trusted_partner_routes_match_the_closed_form() {
    check_scenario("trusted_partner_2020.toml", 4000);
}

#[test]
fn project_texas_routes_match_the_closed_form() {
    check_scenario("project_texas_2022.toml", 4000);
}

#[test]
fn audited_texas_routes_match_the_closed_form() {
    check_scenario("project_texas_audited.toml", 4000);
}

#[test]
fn divestiture_routes_match_the_closed_form() {
    check_scenario("divestiture.toml", 4000);
}
