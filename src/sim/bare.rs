//! The yardstick of the engine's speed: a bare M/M/c loop, the least any simulator of the same
//! gatekeeper queue must do. One actor's Poisson arrivals and exponential reviews come from the
//! streams the engine would use for an actor named `staff` (same seed, same replication, same
//! source kinds), each request is served first-come first-served by the Kiefer-Wolfowitz
//! recursion on a heap of reviewers' free times, and nothing else is done: no event heap, no
//! metrics, no timeline. `leaksim bench` and `benches/engine_vs_bare.rs` run it beside the engine
//! on [`mmc_scenario`], which makes the same draws, and report the ratio of their speeds.

use crate::random::stream::{name_key, SourceId, Stream};
use crate::sim::engine::events::{SRC_ARRIVALS, SRC_REVIEW};

/// An M/M/c gatekeeper scenario named `name`: 1,000 staff sending `requests_per_hour` requests in
/// all, each reviewed by one of `team` reviewers for an exponential time of mean 1 hour.
pub fn mmc_scenario(name: &str, team: usize, requests_per_hour: f64, horizon_days: f64) -> String {
    format!(
        r#"[scenario]
name = "{name}"
horizon_days = {horizon_days}
[[data_class]]
name = "protected"
records = 1000000
[[jurisdiction]]
name = "US"
[[store]]
name = "cloud"
jurisdiction = "US"
classes = ["protected"]
[[actor]]
name = "staff"
jurisdiction = "US"
headcount = 1000
requests_per_person_per_day = {rpd}
classes = ["protected"]
[controls.gatekeeper]
team_size = {team}
review_hours = {{ dist = "exponential", mean = 1.0 }}
catch_probability = 0.9
"#,
        rpd = requests_per_hour * 24.0 / 1000.0
    )
}

/// Reviewed requests and the sum of their waits (hours) over `reps` replications of an M/M/c
/// queue: arrivals at `rate_per_hour`, `team` reviewers, exponential reviews of mean
/// `mean_review_hours`, requests arriving within `horizon_hours`.
pub fn mmc(
    seed: u64,
    reps: u64,
    team: usize,
    rate_per_hour: f64,
    mean_review_hours: f64,
    horizon_hours: f64,
) -> (u64, f64) {
    let key = name_key("staff");
    let mut free = vec![0.0f64; team.max(1)];
    let (mut reviewed, mut waits) = (0u64, 0.0f64);
    for rep in 0..reps {
        let mut arrivals = Stream::new(seed, rep, SourceId::keyed(SRC_ARRIVALS, key, 0));
        let mut review = Stream::new(seed, rep, SourceId::keyed(SRC_REVIEW, key, 0));
        free.iter_mut().for_each(|f| *f = 0.0);
        let mut t = arrivals.exponential(rate_per_hour);
        while t <= horizon_hours {
            let service = review.standard_exponential() * mean_review_hours;
            let start = free[0].max(t);
            waits += start.min(horizon_hours) - t;
            sift_down(&mut free, start + service);
            reviewed += 1;
            t += arrivals.exponential(rate_per_hour);
        }
    }
    (reviewed, waits)
}

/// Replaces the root of the min-heap `h` with `v` and restores the heap order.
#[inline]
fn sift_down(h: &mut [f64], v: f64) {
    let n = h.len();
    let mut i = 0;
    loop {
        let l = 2 * i + 1;
        if l >= n {
            break;
        }
        let c = if l + 1 < n && h[l + 1] < h[l] {
            l + 1
        } else {
            l
        };
        if h[c] >= v {
            break;
        }
        h[i] = h[c];
        i = c;
    }
    h[i] = v;
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;
    use crate::sim::execute::{run, Silent};
    use crate::sim::metrics::idx;
    use crate::sim::runner::RunConfig;

    /// The bare loop and the engine serve the same requests with the same waits: the yardstick
    /// measures the same work.
    #[test]
    fn the_bare_loop_serves_the_engines_requests() {
        let text = super::mmc_scenario("bare", 50, 45.0, 30.0);
        let s = Scenario::from_text(&text, "bare.toml").unwrap();
        let cfg = RunConfig {
            seed: 11,
            replications: 3,
            threads: Some(1),
            max_events: u64::MAX,
        };
        let dir = tempfile::tempdir().unwrap();
        let r = run(&s, &cfg, dir.path(), &Silent::default()).unwrap();
        let reviewed: f64 = r.rows.metric(idx::REVIEWED_REQUESTS).unwrap().iter().sum();
        let waits: Vec<f64> = r.rows.metric(idx::REVIEW_MEAN_WAIT_HOURS).unwrap();
        let counts = r.rows.metric(idx::REVIEWED_REQUESTS).unwrap();
        let engine_waits: f64 = waits.iter().zip(&counts).map(|(w, n)| w * n).sum();
        let (n, w) = super::mmc(11, 3, 50, 45.0, 1.0, 30.0 * 24.0);
        assert_eq!(n as f64, reviewed);
        assert!(
            (w - engine_waits).abs() <= 1e-6 * w.max(1.0),
            "{w} vs {engine_waits}"
        );
    }
}
