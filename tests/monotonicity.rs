//! Monotonicity of the controls on common random numbers: making a control stronger (catch,
//! block, exfiltration block, detection, code review, more reviewers, earlier deletion) never
//! raises a reached probability, paired replication by replication, beyond noise (3 standard
//! errors of the paired difference). Weakest targeting may send an attempt elsewhere when a store
//! gets stronger, so the check is on means, not on every year.
//!
//! What is not monotone, and is tested as such: adding a gatekeeper where an approved request
//! skips the firewall opens a channel (Project Texas's Oracle team), so "a team" versus "no team"
//! can raise the risk; a larger team of the same gatekeeper does not.

mod common;
use common::*;
use leaksim::analysis::routes::{central_table, Channel};
use leaksim::sim::metrics::idx;
use leaksim::Scenario;

fn load(file: &str, sets: &[&str]) -> Scenario {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    Scenario::load(&root().join("scenarios").join(file), &sets)
        .unwrap_or_else(|e| panic!("{file} with {sets:?}: {e}"))
}

/// Asserts that no set of `stronger` overrides raises `reached` or `leaked` over `file` as
/// shipped (the shipped run simulated once, each set paired with it).
fn never_raises(file: &str, stronger: &[&[&str]]) {
    let n = 1000;
    let base = run(&load(file, &[]), 77, n, 2);
    for sets in stronger {
        let strong = run(&load(file, sets), 77, n, 2);
        for metric in [idx::REACHED, idx::LEAKED, idx::SUCCESSFUL_THEFTS] {
            let d: Vec<f64> = strong
                .iter()
                .zip(&base)
                .map(|(s, b)| s.metrics[metric] - b.metrics[metric])
                .collect();
            let mean = d.iter().sum::<f64>() / n as f64;
            let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
            let se = (var / n as f64).sqrt();
            assert!(
                mean <= 3.0 * se + 1e-12,
                "{file} {sets:?}: metric {metric} rose by {mean} (se {se})"
            );
        }
    }
}

#[test]
fn a_stronger_internal_approval_desk_never_raises_the_status_quo_risk() {
    never_raises(
        "status_quo_2021.toml",
        &[
            &["controls.gatekeeper.catch_probability=0.6"],
            &["controls.gatekeeper.team_size=40"],
            &["store.singapore.delete_on_day=100"],
        ],
    );
}

#[test]
fn a_stronger_firewall_never_raises_the_trusted_partner_risk() {
    never_raises(
        "trusted_partner_2020.toml",
        &[
            &["controls.firewall.block_probability=0.99"],
            &["controls.firewall.breaches_per_year=0.5"],
        ],
    );
}

#[test]
fn stronger_oracle_controls_never_raise_the_texas_risk() {
    never_raises(
        "project_texas_2022.toml",
        &[
            &["perimeter.oracle.firewall.block_probability=0.999"],
            &["perimeter.oracle.enclave.exfiltration_block_probability=0.99"],
            &["perimeter.oracle.gatekeeper.catch_probability=0.98"],
            &["perimeter.oracle.gatekeeper.team_size=600"],
            &[
                "store.virginia.delete_on_day=60",
                "store.google-cloud.delete_on_day=60",
                "store.singapore.delete_on_day=60",
            ],
        ],
    );
}

#[test]
fn stronger_audits_never_raise_the_audited_texas_risk() {
    never_raises(
        "project_texas_audited.toml",
        &[
            &["perimeter.oracle.audit.detect_probability=0.9"],
            &["perimeter.oracle.code_review.catch_probability=0.8"],
            &["perimeter.oracle.third_party_audit.detect_probability=0.9"],
        ],
    );
}

#[test]
fn the_oracle_team_is_a_channel_removing_it_lowers_protected_thefts_from_cn() {
    // Closed form, once migrated (every legacy store deleted on day 0): CN's successes on
    // protected data in Oracle's store are higher with the team than without it.
    let migrated = [
        "store.virginia.delete_on_day=0",
        "store.google-cloud.delete_on_day=0",
        "store.singapore.delete_on_day=0",
    ];
    let texas = load("project_texas_2022.toml", &migrated);
    let protected = texas
        .classes
        .iter()
        .position(|c| c.name == "protected")
        .unwrap();
    let cn = texas
        .actors
        .iter()
        .position(|a| a.name == "parent-engineering-cn");
    let with_team = central_table(&texas);
    let mut sets = migrated.to_vec();
    // A team that starts after the horizon: no team within it.
    sets.push("perimeter.oracle.gatekeeper.from_day=100000");
    let without = central_table(&load("project_texas_2022.toml", &sets));
    // Expected successes on protected data for CN, by insiders (`insider`) or compelled members.
    let to_cn = |t: &leaksim::analysis::routes::RouteTable, insider: bool| -> f64 {
        t.routes
            .iter()
            .filter(|r| {
                r.class == protected
                    && texas.recipient_name(r.recipient) == "CN"
                    && r.actor == cn
                    && (r.channel == Channel::CompelledTheft) != insider
            })
            .map(|r| r.successes)
            .sum()
    };
    assert!(
        !with_team.gate_channels.is_empty(),
        "the route table names the team a channel"
    );
    assert!(without.gate_channels.is_empty());
    // A compelled member is never removed: the team multiplies its successes.
    assert!(
        to_cn(&with_team, false) > 3.0 * to_cn(&without, false),
        "compelled thefts with the team {} vs without {}",
        to_cn(&with_team, false),
        to_cn(&without, false)
    );
    // Insiders refused by the team are removed, which offsets most of the channel for them (and
    // with turnover, recruits replace them): in all, the team still raises CN's expected
    // successes (the table is a closed form: no noise to allow for).
    let total = |t| to_cn(t, true) + to_cn(t, false);
    assert!(
        total(&with_team) > total(&without),
        "with the team {} vs without {}",
        total(&with_team),
        total(&without)
    );
}
