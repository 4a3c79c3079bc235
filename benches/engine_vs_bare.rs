//! The engine against the bare M/M/c loop of `leaksim::sim::bare`, on the same queue and the same
//! random streams: one replication of an M/M/50 gatekeeper at 90% utilization over a year (about
//! 394,000 reviewed requests), one thread. `cargo bench --bench engine_vs_bare` prints both
//! times; their ratio is the engine's speed as a share of the bare loop's (`leaksim bench` prints
//! it too).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use leaksim::scenario::Scenario;
use leaksim::sim::bare;
use leaksim::sim::execute::{run, Silent};
use leaksim::sim::runner::RunConfig;

const TEAM: usize = 50;
const RATE: f64 = 45.0;
const DAYS: f64 = 365.0;
const REPS: u64 = 1;

fn engine_vs_bare(c: &mut Criterion) {
    let text = bare::mmc_scenario("bench-mmc", TEAM, RATE, DAYS);
    let s = Scenario::from_text(&text, "bench-mmc.toml").expect("the bench scenario is valid");
    let (requests, _) = bare::mmc(1, REPS, TEAM, RATE, 1.0, DAYS * 24.0);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut g = c.benchmark_group("mmc50");
    g.throughput(Throughput::Elements(requests));
    g.sample_size(20);
    g.bench_function("bare loop", |b| {
        b.iter(|| bare::mmc(1, REPS, TEAM, RATE, 1.0, DAYS * 24.0))
    });
    g.bench_function("engine", |b| {
        b.iter(|| {
            let cfg = RunConfig {
                seed: 1,
                replications: REPS,
                threads: Some(1),
                max_events: u64::MAX,
            };
            run(&s, &cfg, dir.path(), &Silent::default()).expect("the bench scenario runs")
        })
    });
    g.finish();
}

criterion_group!(benches, engine_vs_bare);
criterion_main!(benches);
