//! Analyses over replication rows: tail risk, paired differences, rank sensitivity.

use crate::metrics::{self, idx};
use crate::runner::RepRow;
use crate::stats::{quantile_sorted, wilson_interval, MeanCi};

/// The metrics `tail.csv` describes.
pub const TAIL_METRICS: [usize; 4] = [
    idx::RECORDS_LEAKED,
    idx::EXPOSURE,
    idx::LOSS,
    idx::TOTAL_COST,
];

/// Default exceedance thresholds of `tail.csv`.
pub const DEFAULT_THRESHOLDS: [f64; 6] = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/// One row of `tail.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct TailRow {
    /// Metric name.
    pub metric: &'static str,
    /// `var`, `es` or `exceedance`.
    pub statistic: &'static str,
    /// Confidence level (VaR, ES) or threshold (exceedance).
    pub level: f64,
    /// Estimate.
    pub value: f64,
    /// 95% interval.
    pub ci95_low: f64,
    /// 95% interval.
    pub ci95_high: f64,
}

/// The values of metric `m` over `rows`, NaN cells left out.
pub fn column(rows: &[RepRow], m: usize) -> Vec<f64> {
    rows.iter()
        .map(|r| r.metrics[m])
        .filter(|v| !v.is_nan())
        .collect()
}

/// Value at risk at level `q` of sorted data, with a distribution-free 95% interval from order
/// statistics.
pub fn value_at_risk(sorted: &[f64], q: f64) -> (f64, f64, f64) {
    let n = sorted.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let v = quantile_sorted(sorted, q);
    let j = n as f64 * q;
    let se = (n as f64 * q * (1.0 - q)).sqrt();
    let lo = ((j - 1.96 * se).floor().max(0.0) as usize).min(n - 1);
    let hi = ((j + 1.96 * se).ceil().max(0.0) as usize).min(n - 1);
    (v, sorted[lo].min(v), sorted[hi].max(v))
}

/// Expected shortfall (mean of the worst `1 - q` share) with an asymptotic 95% interval.
pub fn expected_shortfall(sorted: &[f64], q: f64) -> (f64, f64, f64) {
    let n = sorted.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let k = ((n as f64 * q).floor() as usize).min(n - 1);
    let tail = &sorted[k..];
    let ci = MeanCi::of(tail);
    let var = quantile_sorted(sorted, q);
    let tail_var = if tail.len() > 1 { ci.sd * ci.sd } else { 0.0 };
    let se = ((tail_var + q * (ci.mean - var).powi(2)) / (n as f64 * (1.0 - q))).sqrt();
    (ci.mean, ci.mean - 1.96 * se, ci.mean + 1.96 * se)
}

/// Tail rows for every metric of [`TAIL_METRICS`].
pub fn tail(rows: &[RepRow], thresholds: &[f64]) -> Vec<TailRow> {
    let mut out = Vec::new();
    for &m in &TAIL_METRICS {
        let name = metrics::NAMES[m];
        let mut v = column(rows, m);
        v.sort_by(f64::total_cmp);
        for q in [0.90, 0.95, 0.99] {
            let (value, lo, hi) = value_at_risk(&v, q);
            out.push(TailRow {
                metric: name,
                statistic: "var",
                level: q,
                value,
                ci95_low: lo,
                ci95_high: hi,
            });
        }
        for q in [0.95, 0.99] {
            let (value, lo, hi) = expected_shortfall(&v, q);
            out.push(TailRow {
                metric: name,
                statistic: "es",
                level: q,
                value,
                ci95_low: lo,
                ci95_high: hi,
            });
        }
        for &t in thresholds {
            let k = v.iter().filter(|&&x| x > t).count() as f64;
            let n = v.len() as f64;
            let (lo, hi) = wilson_interval(k, n);
            out.push(TailRow {
                metric: name,
                statistic: "exceedance",
                level: t,
                value: k / n,
                ci95_low: lo,
                ci95_high: hi,
            });
        }
    }
    out
}

/// A scenario's metric compared with the baseline's, replication by replication.
#[derive(Clone, Debug, PartialEq)]
pub struct Paired {
    /// Mean of the scenario's metric (and its 95% interval; Wilson for probabilities).
    pub mean: MeanCi,
    /// Mean paired difference scenario - baseline, with its 95% interval.
    pub delta: MeanCi,
    /// Share of replications where the scenario is below the baseline.
    pub p_lower: f64,
    /// Share of replications where the scenario is above the baseline.
    pub p_higher: f64,
}

/// Compares metric `m` of `rows` with `base`, pairing replications by index.
pub fn paired(rows: &[RepRow], base: &[RepRow], m: usize) -> Paired {
    let mut own = Vec::with_capacity(rows.len());
    let mut diffs = Vec::with_capacity(rows.len());
    let (mut lower, mut higher) = (0usize, 0usize);
    let mut table = [[0.0f64; 2]; 2];
    for (r, b) in rows.iter().zip(base) {
        let (x, y) = (r.metrics[m], b.metrics[m]);
        if !x.is_nan() {
            own.push(x);
        }
        if x.is_nan() || y.is_nan() {
            continue;
        }
        diffs.push(x - y);
        lower += usize::from(x < y);
        higher += usize::from(x > y);
        if metrics::is_probability(m) {
            table[usize::from(x > 0.5)][usize::from(y > 0.5)] += 1.0;
        }
    }
    let mut mean = MeanCi::of(&own);
    let mut delta = MeanCi::of(&diffs);
    if metrics::is_probability(m) {
        let n = own.len() as f64;
        (mean.low, mean.high) = wilson_interval(own.iter().sum(), n);
        (delta.low, delta.high) = newcombe_paired(table);
    }
    let n = diffs.len().max(1) as f64;
    Paired {
        mean,
        delta,
        p_lower: lower as f64 / n,
        p_higher: higher as f64 / n,
    }
}

/// Newcombe's hybrid score interval (method 10) for the difference of paired proportions;
/// `table[a][b]` counts replications with scenario outcome `a` and baseline outcome `b`.
pub fn newcombe_paired(table: [[f64; 2]; 2]) -> (f64, f64) {
    let n = table[0][0] + table[0][1] + table[1][0] + table[1][1];
    if n == 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let p1 = (table[1][0] + table[1][1]) / n;
    let p2 = (table[0][1] + table[1][1]) / n;
    let (l1, u1) = wilson_interval(p1 * n, n);
    let (l2, u2) = wilson_interval(p2 * n, n);
    let (a, b, c, d) = (table[1][1], table[1][0], table[0][1], table[0][0]);
    let denom = ((a + b) * (c + d) * (a + c) * (b + d)).sqrt();
    let phi = if denom > 0.0 {
        (a * d - b * c) / denom
    } else {
        0.0
    };
    let delta = p1 - p2;
    let lo = delta
        - ((p1 - l1).powi(2) - 2.0 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2).powi(2))
            .max(0.0)
            .sqrt();
    let hi = delta
        + ((u1 - p1).powi(2) - 2.0 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2).powi(2))
            .max(0.0)
            .sqrt();
    (lo.max(-1.0), hi.min(1.0))
}

/// Ranks (1-based, ties averaged).
pub fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation (NaN when either side is constant).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 {
        return f64::NAN;
    }
    sxy / (sxx * syy).sqrt()
}

/// Inverts a small symmetric matrix (Gauss-Jordan with partial pivoting); None if singular.
fn invert(mut a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut inv: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for col in 0..n {
        let piv = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        inv.swap(col, piv);
        let p = a[col][col];
        for j in 0..n {
            a[col][j] /= p;
            inv[col][j] /= p;
        }
        for i in 0..n {
            if i != col {
                let f = a[i][col];
                if f != 0.0 {
                    for j in 0..n {
                        a[i][j] -= f * a[col][j];
                        inv[i][j] -= f * inv[col][j];
                    }
                }
            }
        }
    }
    Some(inv)
}

/// Spearman correlation and partial rank correlation (PRCC) of each parameter with `y`.
/// `params[i]` holds parameter i's values per replication.
pub fn rank_sensitivity(params: &[Vec<f64>], y: &[f64]) -> Vec<(f64, f64)> {
    let k = params.len();
    let mut ranked: Vec<Vec<f64>> = params.iter().map(|p| ranks(p)).collect();
    ranked.push(ranks(y));
    let spearman: Vec<f64> = (0..k).map(|i| pearson(&ranked[i], &ranked[k])).collect();
    let c: Vec<Vec<f64>> = (0..=k)
        .map(|i| {
            (0..=k)
                .map(|j| {
                    if i == j {
                        1.0
                    } else {
                        pearson(&ranked[i], &ranked[j])
                    }
                })
                .collect()
        })
        .collect();
    let usable = c.iter().flatten().all(|v| v.is_finite());
    let inv = if usable { invert(c) } else { None };
    (0..k)
        .map(|i| {
            let prcc = match &inv {
                Some(m) => -m[i][k] / (m[i][i] * m[k][k]).sqrt(),
                None if k == 1 => spearman[0],
                None => f64::NAN,
            };
            (spearman[i], prcc)
        })
        .collect()
}

/// The metrics `sensitivity.csv` relates to the uncertain parameters.
pub const SENSITIVITY_METRICS: [usize; 7] = [
    idx::LEAKED,
    idx::RECORDS_LEAKED,
    idx::EXPOSURE,
    idx::LOSS,
    idx::CONTROL_COST,
    idx::TOTAL_COST,
    idx::REVIEW_MEAN_WAIT_HOURS,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn var_and_es_of_uniform_grid() {
        let v: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let (var, lo, hi) = value_at_risk(&v, 0.95);
        assert!((var - 949.05).abs() < 1e-9 && lo < var && hi > var);
        let (es, elo, ehi) = expected_shortfall(&v, 0.95);
        assert!((es - 974.5).abs() < 1e-9 && elo < es && ehi > es);
    }

    #[test]
    fn newcombe_contains_the_difference() {
        let (lo, hi) = newcombe_paired([[40.0, 5.0], [15.0, 40.0]]);
        let d = (55.0 - 45.0) / 100.0;
        assert!(lo < d && d < hi && lo > -0.1 && hi < 0.3, "{lo} {hi}");
    }

    #[test]
    fn prcc_separates_a_driver_from_noise() {
        // y depends on x0 strongly, x1 not at all, x2 weakly.
        let n = 500;
        let mut s = crate::rng::Stream::new(1, 1, crate::rng::SourceId::new(1, 1, 1));
        let x: Vec<Vec<f64>> = (0..3)
            .map(|_| (0..n).map(|_| s.uniform()).collect())
            .collect();
        let y: Vec<f64> = (0..n)
            .map(|i| 5.0 * x[0][i] + 0.5 * x[2][i] + 0.3 * s.uniform())
            .collect();
        let r = rank_sensitivity(&x, &y);
        assert!(r[0].1 > 0.9, "{r:?}");
        assert!(r[1].1.abs() < 0.15, "{r:?}");
        assert!(r[2].1 > 0.3, "{r:?}");
    }
}
