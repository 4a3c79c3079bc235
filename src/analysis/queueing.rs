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

/// Gatekeeper load figures derived from a scenario at its parameters' means.
#[derive(Clone, Debug, PartialEq)]
pub struct GatekeeperLoad {
    /// Requests per hour reaching review (legitimate ones; insiders add a negligible share).
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
}

/// The gatekeeper's load at the parameters' means, if there is a gatekeeper.
pub fn gatekeeper_load(s: &Scenario) -> Option<GatekeeperLoad> {
    let m = Model::build(s, &s.mean_values());
    let g = m.gatekeeper.as_ref()?;
    let arrival_rate: f64 = m
        .actors
        .iter()
        .map(|a| {
            let reviewed = a
                .classes
                .iter()
                .filter(|&&c| a.review_classes & (1u64 << c) != 0)
                .count();
            if a.classes.is_empty() {
                0.0
            } else {
                a.legit_rate * reviewed as f64 / a.classes.len() as f64
            }
        })
        .sum();
    let mean_review_hours = g.review_hours.mean();
    let offered_load = arrival_rate * mean_review_hours;
    Some(GatekeeperLoad {
        arrival_rate,
        offered_load,
        utilization: if g.team > 0 {
            offered_load / g.team as f64
        } else {
            f64::INFINITY
        },
        team: g.team,
        mean_review_hours,
        mmc_wait_hours: mmc_mean_wait(arrival_rate, mean_review_hours, g.team),
        p_wait: erlang_c(g.team, offered_load),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
