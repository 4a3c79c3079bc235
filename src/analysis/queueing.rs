//! Closed-form queueing results (M/M/c), used by `validate` and to check the engine.

use crate::model::Model;
use crate::scenario::Scenario;

/// Erlang C: probability that an arrival waits, for `c` servers and offered load `a` Erlangs
/// (`a = arrival rate x mean service time`). 1 when `a >= c` (the queue is unstable).
pub fn erlang_c(c: usize, a: f64) -> f64 {
    if c == 0 || a >= c as f64 {
        return 1.0;
    }
    // Erlang B by its stable recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// Mean wait in queue (hours) of an M/M/c queue: `C(c, a) / (c mu - lambda)`; infinite if unstable.
pub fn mmc_mean_wait(arrival_rate: f64, mean_service: f64, c: usize) -> f64 {
    let a = arrival_rate * mean_service;
    if c == 0 || a >= c as f64 {
        return f64::INFINITY;
    }
    let mu = 1.0 / mean_service;
    erlang_c(c, a) / (c as f64 * mu - arrival_rate)
}

/// Largest team [`smallest_team`] considers (a scenario's own limit on reviewers).
pub const MAX_TEAM: usize = 1_000_000;

/// The smallest team of reviewers whose M/M/c mean wait stays under `max_wait` hours, for
/// requests arriving at `arrival_rate` an hour and reviews of `mean_review_hours` on average;
/// None when no team of at most [`MAX_TEAM`] does. The wait falls as the team grows, so a
/// bisection finds it in about 20 evaluations.
pub fn smallest_team(arrival_rate: f64, mean_review_hours: f64, max_wait: f64) -> Option<usize> {
    let load = arrival_rate * mean_review_hours;
    if !(load.is_finite() && load > 0.0) || load >= MAX_TEAM as f64 {
        return None;
    }
    let ok = |c: usize| mmc_mean_wait(arrival_rate, mean_review_hours, c) < max_wait;
    let (mut lo, mut hi) = ((load.floor() as usize + 1).max(1), MAX_TEAM);
    if !ok(hi) {
        return None;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(lo)
}

/// A perimeter's gatekeeper load derived from a scenario at its parameters' means.
#[derive(Clone, Debug, PartialEq)]
pub struct GatekeeperLoad {
    /// The perimeter (`controls` for the top-level one).
    pub perimeter: String,
    /// Legitimate requests per hour reaching review (insiders add a negligible share), in the
    /// busier of two moments: the start, and the horizon once deletions and flows have happened.
    pub arrival_rate: f64,
    /// Offered load in Erlangs (arrival rate x mean review hours).
    pub offered_load: f64,
    /// Offered load per reviewer.
    pub utilization: f64,
    /// Reviewers.
    pub team: usize,
    /// Mean review hours.
    pub mean_review_hours: f64,
    /// M/M/c mean wait (exact for exponential reviews; infinite when overloaded).
    pub mmc_wait_hours: f64,
    /// Probability of waiting (Erlang C).
    pub p_wait: f64,
    /// Whether requests waiting `bypass_after_hours` are approved unreviewed.
    pub has_bypass: bool,
}

/// What each store holds at hour `t`, once the flows that started by then have run and the
/// stores deleted by then are empty.
pub fn holdings_at(m: &Model, t: f64) -> Vec<u64> {
    let mut holds: Vec<u64> = m
        .stores
        .iter()
        .map(|s| {
            if s.delete_at <= t {
                0
            } else {
                s.initial_classes
            }
        })
        .collect();
    loop {
        let mut changed = false;
        for f in &m.flows {
            if f.start <= t && f.start < f.end && m.stores[f.to].delete_at > t {
                let add = holds[f.from] & f.classes & !holds[f.to];
                if add != 0 {
                    holds[f.to] |= add;
                    changed = true;
                }
            }
        }
        if !changed {
            return holds;
        }
    }
}

/// Legitimate requests per hour reaching each perimeter's review when stores hold `holds`.
fn review_rates(m: &Model, holds: &[u64]) -> Vec<f64> {
    let mut rates = vec![0.0; m.perimeters.len()];
    for (ai, a) in m.actors.iter().enumerate() {
        if a.classes.is_empty() {
            continue;
        }
        for &c in &a.classes {
            let stores: Vec<usize> = (0..m.stores.len())
                .filter(|&s| holds[s] & (1u64 << c) != 0 && a.reaches & (1u64 << s) != 0)
                .collect();
            for &s in &stores {
                let p = m.stores[s].perimeter;
                if m.perimeters[p].review[ai] & (1u64 << c) != 0 {
                    rates[p] += a.legit_rate / a.classes.len() as f64 / stores.len() as f64;
                }
            }
        }
    }
    rates
}

/// Each gatekeeper's load at the parameters' means (one per perimeter with a gatekeeper).
pub fn gatekeeper_loads(s: &Scenario) -> Vec<GatekeeperLoad> {
    let m = Model::build(s, &s.mean_values());
    let start = review_rates(&m, &holdings_at(&m, 0.0));
    let end = review_rates(&m, &holdings_at(&m, m.horizon));
    let names = std::iter::once("controls").chain(s.perimeters.iter().map(|p| p.name.as_str()));
    m.perimeters
        .iter()
        .zip(names)
        .enumerate()
        .filter_map(|(p, (pm, name))| {
            let g = pm.gatekeeper.as_ref()?;
            let arrival_rate = start[p].max(end[p]);
            let mean_review_hours = g.review_hours.mean();
            let offered_load = arrival_rate * mean_review_hours;
            Some(GatekeeperLoad {
                perimeter: name.to_string(),
                arrival_rate,
                offered_load,
                utilization: offered_load / g.team as f64,
                team: g.team,
                mean_review_hours,
                mmc_wait_hours: mmc_mean_wait(arrival_rate, mean_review_hours, g.team),
                p_wait: erlang_c(g.team, offered_load),
                has_bypass: g.bypass_after.is_finite(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_team_bisection_matches_a_linear_search() {
        for (rate, hours, wait) in [
            (10.0, 1.0, 0.1),
            (45.0, 1.0, 1.0),
            (0.3, 2.0, 0.01),
            (900.0, 0.5, 0.05),
        ] {
            let load: f64 = rate * hours;
            let linear = (load.floor() as usize + 1..MAX_TEAM)
                .find(|&c| mmc_mean_wait(rate, hours, c) < wait);
            assert_eq!(
                smallest_team(rate, hours, wait),
                linear,
                "{rate} {hours} {wait}"
            );
        }
        assert_eq!(
            smallest_team(1e9, 1.0, 1.0),
            None,
            "no team of a million is enough"
        );
    }

    #[test]
    fn single_server_is_mm1() {
        // M/M/1: Wq = rho / (mu - lambda).
        let (l, s) = (0.8, 1.0);
        assert!((mmc_mean_wait(l, s, 1) - 0.8 / 0.2).abs() < 1e-12);
        assert!((erlang_c(1, 0.8) - 0.8).abs() < 1e-12);
    }

    #[test]
    fn known_erlang_c_value() {
        // c = 2, a = 1: C = 1/3.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }
}
