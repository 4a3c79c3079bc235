//! Statistics over replications: means, intervals, percentiles.

pub use crate::random::special::{normal_quantile, quantile_sorted};

/// The quantiles `qs` of `v`, each exactly as [`quantile_sorted`] gives it on the sorted values,
/// found by selection (linear time rather than a sort); `v` is reordered.
pub fn quantiles(v: &mut [f64], qs: &[f64]) -> Vec<f64> {
    if v.is_empty() {
        return vec![f64::NAN; qs.len()];
    }
    let last = (v.len() - 1) as f64;
    let at = |q: f64| {
        let h = last * q.clamp(0.0, 1.0);
        (h, h.floor() as usize, h.ceil() as usize)
    };
    let mut ranks: Vec<usize> = qs.iter().flat_map(|&q| [at(q).1, at(q).2]).collect();
    ranks.sort_unstable();
    ranks.dedup();
    let mut values = vec![0.0; ranks.len()];
    select_ranks(v, &ranks, 0, &mut values);
    let value = |r: usize| values[ranks.binary_search(&r).expect("a selected rank")];
    qs.iter()
        .map(|&q| {
            let (h, lo, hi) = at(q);
            value(lo) + (h - lo as f64) * (value(hi) - value(lo))
        })
        .collect()
}

/// Puts into `out` the values of `v` at the distinct ascending ranks `ranks` (less `offset`), in
/// the total order of `f64`: the middle rank first, then each side.
fn select_ranks(v: &mut [f64], ranks: &[usize], offset: usize, out: &mut [f64]) {
    if ranks.is_empty() {
        return;
    }
    let mid = ranks.len() / 2;
    let k = ranks[mid] - offset;
    let (left, x, right) = v.select_nth_unstable_by(k, f64::total_cmp);
    out[mid] = *x;
    let (out_left, out_right) = out.split_at_mut(mid);
    select_ranks(left, &ranks[..mid], offset, out_left);
    select_ranks(
        right,
        &ranks[mid + 1..],
        offset + k + 1,
        &mut out_right[1..],
    );
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (for 95% two-sided intervals).
pub fn t_quantile_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        _ => {
            // Cornish-Fisher expansion around the normal quantile.
            let z: f64 = 1.959_963_984_540_054;
            let n = df as f64;
            z + (z.powi(3) + z) / (4.0 * n)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        }
    }
}

/// The Wilson score interval (95%) for `successes` out of `n` trials.
pub fn wilson_interval(successes: f64, n: f64) -> (f64, f64) {
    if n <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let z = 1.959_963_984_540_054;
    let p = successes / n;
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denom;
    let low = if successes <= 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if successes >= n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (low, high)
}

/// Mean, standard deviation and a t-based 95% confidence interval for the mean.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MeanCi {
    /// Number of values.
    pub n: usize,
    /// Sample mean.
    pub mean: f64,
    /// Sample standard deviation (n - 1 denominator).
    pub sd: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

impl MeanCi {
    /// Computes the statistics of `values` (two-pass for accuracy).
    pub fn of(values: &[f64]) -> MeanCi {
        let n = values.len();
        if n == 0 {
            return MeanCi {
                n,
                mean: f64::NAN,
                sd: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return MeanCi {
                n,
                mean,
                sd: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
            };
        }
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd = var.sqrt();
        let half = t_quantile_975(n - 1) * sd / (n as f64).sqrt();
        MeanCi {
            n,
            mean,
            sd,
            low: mean - half,
            high: mean + half,
        }
    }

    /// Half-width of the 95% interval.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }
}

/// The lower end of a mean's interval, clamped at 0 when no value is negative: the mean of a
/// non-negative quantity (a count, records, a cost) cannot be below 0, whatever the t interval says.
pub fn clamp_low(low: f64, values: &[f64]) -> f64 {
    if low < 0.0 && values.iter().all(|v| *v >= 0.0) {
        0.0
    } else {
        low
    }
}

/// One row of `summary.csv`: the distribution of a metric across replications.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricSummary {
    /// Metric name.
    pub metric: String,
    /// Replications where the metric has a value (empty cells are left out).
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub sd: f64,
    /// 95% interval of the mean (Wilson for probabilities).
    pub ci95_low: f64,
    /// 95% interval of the mean (Wilson for probabilities).
    pub ci95_high: f64,
    /// 5th percentile.
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest value.
    pub max: f64,
}

impl MetricSummary {
    /// Summarises the present values of one metric; `probability` selects the Wilson interval.
    pub fn of(metric: &str, values: &[Option<f64>], probability: bool) -> MetricSummary {
        Self::of_present(
            metric,
            values.iter().flatten().copied().collect(),
            probability,
        )
    }

    /// Summarises `v`, the present values in replication order (reordered in place: no copy).
    pub fn of_present(metric: &str, mut v: Vec<f64>, probability: bool) -> MetricSummary {
        let ci = MeanCi::of(&v);
        let (low, high) = if probability {
            wilson_interval(v.iter().sum(), v.len() as f64)
        } else {
            (clamp_low(ci.low, &v), ci.high)
        };
        let q = quantiles(&mut v, &[0.05, 0.50, 0.95, 0.99, 1.0]);
        MetricSummary {
            metric: metric.to_string(),
            n: v.len(),
            mean: ci.mean,
            sd: ci.sd,
            ci95_low: low,
            ci95_high: high,
            p05: q[0],
            p50: q[1],
            p95: q[2],
            p99: q[3],
            max: q[4],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantile_approaches_normal() {
        assert!((t_quantile_975(40) - 2.021).abs() < 0.002);
        assert!((t_quantile_975(120) - 1.980).abs() < 0.002);
    }

    #[test]
    fn quantiles_by_selection_equal_those_of_the_sorted_values() {
        use crate::random::stream::{SourceId, Stream};
        let mut rng = Stream::new(7, 1, SourceId::from_name("quantiles"));
        let qs = [0.0, 0.05, 0.5, 0.95, 0.99, 1.0, 0.123];
        for n in [1usize, 2, 3, 10, 101, 5000] {
            for ties in [false, true] {
                let v: Vec<f64> = (0..n)
                    .map(|i| {
                        let u = rng.uniform();
                        match (ties, i % 7) {
                            (true, 0) => 0.0,
                            (true, 1) => -0.0,
                            (true, _) => (u * 4.0).floor(),
                            (false, _) => (u - 0.3) * 1e6,
                        }
                    })
                    .collect();
                let mut sorted = v.clone();
                sorted.sort_unstable_by(f64::total_cmp);
                let want: Vec<u64> = qs
                    .iter()
                    .map(|&q| quantile_sorted(&sorted, q).to_bits())
                    .collect();
                let mut w = v.clone();
                let got: Vec<u64> = quantiles(&mut w, &qs).iter().map(|x| x.to_bits()).collect();
                assert_eq!(got, want, "n = {n}, ties = {ties}");
            }
        }
        assert!(quantiles(&mut [], &[0.5])[0].is_nan());
    }

    #[test]
    fn wilson_known_value() {
        // 10 of 100: Wilson 95% interval is about (0.0552, 0.1744).
        let (l, h) = wilson_interval(10.0, 100.0);
        assert!(
            (l - 0.0552).abs() < 1e-3 && (h - 0.1744).abs() < 1e-3,
            "{l} {h}"
        );
        let (l0, h0) = wilson_interval(0.0, 50.0);
        assert_eq!(l0, 0.0);
        assert!(h0 > 0.05 && h0 < 0.08);
    }
}
