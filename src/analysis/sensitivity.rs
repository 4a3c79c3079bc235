//! Rank sensitivity of the metrics to the uncertain parameters: Spearman and partial rank
//! correlation (PRCC), the figures of `sensitivity.csv`.

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::sim::metrics::{idx, NAMES};
use crate::sim::runner::RunResult;

/// Ranks (1-based, ties averaged).
pub fn ranks(v: &[f64]) -> Vec<f64> {
    doubled_ranks(v).iter().map(|&r| half(r)).collect()
}

/// Twice the ranks of [`ranks`], as integers: half the memory of `f64` ranks, and exact (a rank
/// is a whole number or a half). Holds up to 2^31 - 1 values.
pub fn doubled_ranks(v: &[f64]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    // Equal values share their rank, so their order among themselves does not matter.
    order.sort_unstable_by(|&a, &b| v[a as usize].total_cmp(&v[b as usize]));
    let mut r = vec![0u32; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1] as usize] == v[order[i] as usize] {
            j += 1;
        }
        // (i + j) / 2 + 1, doubled.
        let twice = (i + j + 2) as u32;
        for &k in &order[i..=j] {
            r[k as usize] = twice;
        }
        i = j + 1;
    }
    r
}

#[inline]
fn half(r: u32) -> f64 {
    f64::from(r) / 2.0
}

/// Pearson correlation (NaN when either side is constant).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    pearson_by(x.len(), |i| x[i], |i| y[i])
}

/// Pearson correlation of two rank vectors of [`doubled_ranks`] (Spearman's correlation of the
/// values they rank).
pub fn rank_pearson(x: &[u32], y: &[u32]) -> f64 {
    pearson_by(x.len(), |i| half(x[i]), |i| half(y[i]))
}

fn pearson_by(len: usize, x: impl Fn(usize) -> f64, y: impl Fn(usize) -> f64) -> f64 {
    let n = len as f64;
    let (mx, my) = (
        (0..len).map(&x).sum::<f64>() / n,
        (0..len).map(&y).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..len {
        let (a, b) = (x(i), y(i));
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
    let ranked: Vec<Vec<u32>> = params.iter().map(|p| doubled_ranks(p)).collect();
    prcc(&ranked, &doubled_ranks(y))
}

/// Spearman correlation and PRCC of each ranked parameter with the ranked metric `y`.
fn prcc(params: &[Vec<u32>], y: &[u32]) -> Vec<(f64, f64)> {
    let k = params.len();
    let at = |i: usize| if i < k { &params[i][..] } else { y };
    let spearman: Vec<f64> = (0..k).map(|i| rank_pearson(at(i), y)).collect();
    let c: Vec<Vec<f64>> = (0..=k)
        .map(|i| {
            (0..=k)
                .map(|j| {
                    if i == j {
                        1.0
                    } else {
                        rank_pearson(at(i), at(j))
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
/// metric by metric. Memory: the parameters' ranks (4 bytes per replication each) and one metric.
pub fn sensitivity(s: &Scenario, r: &RunResult) -> Result<Vec<SensitivityRow>> {
    if r.rows.len() >= u64::from(u32::MAX / 2) {
        return Err(Error::Usage(format!(
            "sensitivity.csv ranks at most {} replications; this run has {}",
            u32::MAX / 2 - 1,
            r.rows.len()
        )));
    }
    let k = s.params.len();
    // The parameters' ranks over every replication, shared by the metrics that are never empty.
    let mut all: Option<Vec<Vec<u32>>> = None;
    let mut out = Vec::with_capacity(SENSITIVITY_METRICS.len() * k);
    for &m in &SENSITIVITY_METRICS {
        let mut y = r.rows.metric(m)?;
        let res = if y.iter().all(|v| !v.is_nan()) {
            if all.is_none() {
                all = Some(
                    (0..k)
                        .map(|i| Ok(doubled_ranks(&r.rows.param(i)?)))
                        .collect::<Result<_>>()?,
                );
            }
            (
                y.len(),
                rank_results(all.as_deref().unwrap_or_default(), &y),
            )
        } else {
            // Replications where the metric is empty are left out of its correlations.
            let keep: Vec<bool> = y.iter().map(|v| !v.is_nan()).collect();
            y.retain(|v| !v.is_nan());
            let xs = (0..k)
                .map(|i| {
                    let p = r.rows.param(i)?;
                    let kept: Vec<f64> =
                        p.iter().zip(&keep).filter(|x| *x.1).map(|x| *x.0).collect();
                    Ok(doubled_ranks(&kept))
                })
                .collect::<Result<Vec<_>>>()?;
            (y.len(), rank_results(&xs, &y))
        };
        let (n, res) = res;
        for (p, (spearman, prcc)) in s.params.iter().zip(res) {
            out.push(SensitivityRow {
                parameter: p.path.clone(),
                metric: NAMES[m],
                spearman,
                prcc,
                prcc_ci95: partial_correlation_interval(prcc, n, k.saturating_sub(1)),
            });
        }
    }
    Ok(out)
}

fn rank_results(params: &[Vec<u32>], y: &[f64]) -> Vec<(f64, f64)> {
    if y.len() > 2 {
        prcc(params, &doubled_ranks(y))
    } else {
        vec![(f64::NAN, f64::NAN); params.len()]
    }
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
