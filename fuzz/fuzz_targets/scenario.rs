//! Long fuzzing campaigns over the scenario reader and the engine: any bytes as a scenario file;
//! when they read, three replications within a small work budget. A panic is a finding.
//! Run with `cargo +nightly fuzz run scenario` (corpus: fuzz/corpus/scenario, seeded from
//! scenarios/ by `.ci/run`).
#![no_main]

use leaksim::sim::execute::{Executor, Silent};
use leaksim::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = Scenario::from_text(text, "fuzz.toml") else {
        return;
    };
    let Ok(exec) = Executor::new(Some(1), 100_000) else {
        return;
    };
    let _ = exec.rows(&s, 1, 0..3, &Silent::default());
});
