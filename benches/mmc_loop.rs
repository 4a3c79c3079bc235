//! One of the two loops of `engine_vs_bare` alone, for instruction counts (callgrind, `perf
//! stat`), which stay stable on a busy machine where times do not:
//!
//! ```sh
//! cargo bench --bench mmc_loop --no-run            # prints the binary's path
//! valgrind --tool=callgrind target/release/deps/mmc_loop-HASH engine 2
//! valgrind --tool=callgrind target/release/deps/mmc_loop-HASH bare 2
//! ```
//!
//! The first argument picks the loop (`engine` or `bare`), the second the replications of the
//! M/M/50 gatekeeper at 90% utilization over a year (about 394,000 reviewed requests each), one
//! thread. It prints the requests served, so the two can be divided into instructions per request.

use leaksim::model::Model;
use leaksim::scenario::Scenario;
use leaksim::sim::bare;
use leaksim::sim::engine::{self, Workspace};
use leaksim::sim::metrics::idx;
use leaksim::sim::observe::NoTrace;
use leaksim::sim::timeline::Timeline;

const TEAM: usize = 50;
const RATE: f64 = 45.0;
const DAYS: f64 = 365.0;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map(String::as_str).unwrap_or("engine");
    let reps: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2);
    match which {
        "bare" => {
            let (n, waits) = bare::mmc(1, reps, TEAM, RATE, 1.0, DAYS * 24.0);
            println!("bare: {n} requests, waits {waits:.3} h");
        }
        "engine" => {
            let text = bare::mmc_scenario("bench-mmc", TEAM, RATE, DAYS);
            let s = Scenario::from_text(&text, "bench-mmc.toml").expect("a valid scenario");
            let model = Model::build(&s, &[]);
            let mut w = Workspace::new();
            let mut timeline = Timeline::new(DAYS as usize);
            let mut n = 0.0;
            for rep in 0..reps {
                let r = engine::Replication {
                    seed: 1,
                    rep,
                    max_events: u64::MAX,
                };
                let o = engine::simulate(&model, r, &mut w, &mut NoTrace, &mut timeline);
                timeline.finish_replication();
                n += o.metrics[idx::REVIEWED_REQUESTS];
            }
            println!("engine: {n} requests");
        }
        other => {
            eprintln!("usage: mmc_loop engine|bare [REPS] (not {other:?})");
            std::process::exit(2);
        }
    }
}
