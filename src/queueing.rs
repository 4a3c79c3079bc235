//! Closed-form queueing results (M/M/c), used by `validate` and to check the engine.

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
