//! Rank sensitivity of the metrics to the uncertain parameters: Spearman and partial rank
//! correlation (PRCC), the figures of `sensitivity.csv`.

use crate::scenario::Scenario;
use crate::sim::metrics::{idx, NAMES};
use crate::sim::runner::RunResult;

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
pub const SENSITIVITY_METRICS: [usize; 9] = [
    idx::REACHED,
    idx::REACHED_RECORDS,
    idx::LEAKED,
    idx::RECORDS_LEAKED,
    idx::EXPOSURE,
    idx::LOSS,
    idx::CONTROL_COST,
    idx::TOTAL_COST,
    idx::REVIEW_MEAN_WAIT_HOURS,
];

/// One row of `sensitivity.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityRow {
    /// The parameter's `--set` path.
    pub parameter: String,
    /// Metric name.
    pub metric: &'static str,
    /// Spearman rank correlation.
    pub spearman: f64,
    /// Partial rank correlation.
    pub prcc: f64,
    /// Its 95% interval (Fisher's z, with the other parameters held): one that contains 0 means
    /// the parameter's effect is not resolved from noise.
    pub prcc_ci95: (f64, f64),
}

/// The 95% interval of a partial correlation `r` from `n` observations controlling for `k` other
/// variables (Fisher's z transform).
pub fn partial_correlation_interval(r: f64, n: usize, k: usize) -> (f64, f64) {
    let dof = n as f64 - 3.0 - k as f64;
    if !r.is_finite() || dof <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let z = r.clamp(-0.999_999_999, 0.999_999_999).atanh();
    let half = 1.959_963_984_540_054 / dof.sqrt();
    ((z - half).tanh(), (z + half).tanh())
}

/// The sensitivity of every metric of [`SENSITIVITY_METRICS`] to every uncertain parameter of `s`,
/// metric by metric.
pub fn sensitivity(s: &Scenario, r: &RunResult) -> Vec<SensitivityRow> {
    let params: Vec<Vec<f64>> = (0..s.params.len())
        .map(|i| r.rows.iter().map(|row| row.params[i]).collect())
        .collect();
    let mut out = Vec::with_capacity(SENSITIVITY_METRICS.len() * s.params.len());
    for &m in &SENSITIVITY_METRICS {
        // Replications where the metric is empty are left out of its correlations.
        let keep: Vec<usize> = (0..r.rows.len())
            .filter(|&i| !r.rows[i].metrics[m].is_nan())
            .collect();
        let y: Vec<f64> = keep.iter().map(|&i| r.rows[i].metrics[m]).collect();
        let xs: Vec<Vec<f64>> = params
            .iter()
            .map(|p| keep.iter().map(|&i| p[i]).collect())
            .collect();
        let res = if y.len() > 2 {
            rank_sensitivity(&xs, &y)
        } else {
            vec![(f64::NAN, f64::NAN); xs.len()]
        };
        for (p, (spearman, prcc)) in s.params.iter().zip(res) {
            out.push(SensitivityRow {
                parameter: p.path.clone(),
                metric: NAMES[m],
                spearman,
                prcc,
                prcc_ci95: partial_correlation_interval(
                    prcc,
                    y.len(),
                    s.params.len().saturating_sub(1),
                ),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn prcc_separates_a_driver_from_noise() {
        // y depends on x0 strongly, x1 not at all, x2 weakly.
        let n = 500;
        let mut s = crate::random::Stream::new(1, 1, crate::random::SourceId::new(1, 1, 1));
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
