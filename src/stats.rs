//! Statistics over replications: means, intervals, percentiles.

/// The standard normal quantile function (Acklam's algorithm, relative error below 1.2e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let plow = 0.02425;
    if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
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

/// The `q` quantile of sorted data (linear interpolation between order statistics, "type 7").
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
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
        let mut v: Vec<f64> = values.iter().flatten().copied().collect();
        let ci = MeanCi::of(&v);
        let (low, high) = if probability {
            wilson_interval(v.iter().sum(), v.len() as f64)
        } else {
            (ci.low, ci.high)
        };
        v.sort_by(f64::total_cmp);
        MetricSummary {
            metric: metric.to_string(),
            n: v.len(),
            mean: ci.mean,
            sd: ci.sd,
            ci95_low: low,
            ci95_high: high,
            p05: quantile_sorted(&v, 0.05),
            p50: quantile_sorted(&v, 0.50),
            p95: quantile_sorted(&v, 0.95),
            p99: quantile_sorted(&v, 0.99),
            max: v.last().copied().unwrap_or(f64::NAN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_known_values() {
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.5)).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-7);
    }

    #[test]
    fn t_quantile_approaches_normal() {
        assert!((t_quantile_975(40) - 2.021).abs() < 0.002);
        assert!((t_quantile_975(120) - 1.980).abs() < 0.002);
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

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&v, 0.5), 3.0);
        assert_eq!(quantile_sorted(&v, 0.25), 2.0);
        assert_eq!(quantile_sorted(&v, 0.1), 1.4);
    }
}
