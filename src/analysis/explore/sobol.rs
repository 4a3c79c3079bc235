//! Which input drives the spread. Under Saltelli's design, first-order and total Sobol indices
//! with the estimators SALib's `sobol.analyze` uses (`calc_second_order=False`): outputs
//! standardised, first order after Saltelli et al. (2010), total order after Jansen (1999), both
//! divided by the variance of the A and B rows, and 95% intervals from the bootstrap over base
//! rows (estimate +/- z x the resamples' standard deviation, as SALib's `S1_conf`). Under a
//! Latin hypercube, a given-data first-order index: the share of the variance explained by the
//! means of the draws in sqrt(N) bins of equal count of the input (the correlation ratio,
//! adjusted for chance).

use super::quantiles::Est;
use super::Weights;
use crate::random::{SourceId, Stream};

/// Bootstrap resamples (SALib's default `num_resamples`).
pub const RESAMPLES: usize = 100;

/// First-order and total indices of one input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Indices {
    /// First order, with its interval.
    pub first: Est,
    /// Total (NaN when the design cannot give it).
    pub total: Est,
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut n) = (0.0, 0.0);
    for x in v {
        s += x;
        n += 1.0;
    }
    s / n
}

fn pop_var(v: &[f64]) -> f64 {
    let m = mean(v.iter().copied());
    mean(v.iter().map(|x| (x - m).powi(2)))
}

/// SALib's `first_order` and `total_order` of input j on base rows `rows`, from the
/// standardised outputs `y` (k + 2 per base row).
fn salib(y: &[f64], k: usize, j: usize, rows: &[usize]) -> (f64, f64) {
    let step = k + 2;
    let a = |i: usize| y[i * step];
    let b = |i: usize| y[i * step + step - 1];
    let ab = |i: usize| y[i * step + 1 + j];
    let ys: Vec<f64> = rows
        .iter()
        .map(|&i| a(i))
        .chain(rows.iter().map(|&i| b(i)))
        .collect();
    let (lo, hi) = ys
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &x| {
            (l.min(x), h.max(x))
        });
    if hi - lo == 0.0 {
        return (0.0, 0.0);
    }
    let v = pop_var(&ys);
    let s1 = mean(rows.iter().map(|&i| b(i) * (ab(i) - a(i)))) / v;
    let st = 0.5 * mean(rows.iter().map(|&i| (a(i) - ab(i)).powi(2))) / v;
    (s1, st)
}

/// First-order and total indices of each of `k` inputs from outputs `y` of Saltelli's design
/// (N x (k + 2) values in the design's order), with bootstrap intervals from the stream keyed
/// by `key`.
pub fn sobol_indices(y: &[f64], k: usize, seed: u64, key: &str) -> Vec<Indices> {
    let n = y.len() / (k + 2);
    let m = mean(y.iter().copied());
    let sd = pop_var(y).sqrt();
    let z: Vec<f64> = if sd > 0.0 {
        y.iter().map(|x| (x - m) / sd).collect()
    } else {
        vec![0.0; y.len()]
    };
    let all: Vec<usize> = (0..n).collect();
    let mut rng = Stream::new(
        seed,
        0,
        SourceId::keyed(
            super::SRC_BOOTSTRAP,
            crate::random::stream::name_key(key),
            1,
        ),
    );
    let resamples: Vec<Vec<usize>> = (0..RESAMPLES)
        .map(|_| (0..n).map(|_| rng.index(n)).collect())
        .collect();
    let zq = 1.959_963_984_540_054;
    (0..k)
        .map(|j| {
            let (s1, st) = salib(&z, k, j, &all);
            let (b1, bt): (Vec<f64>, Vec<f64>) =
                resamples.iter().map(|r| salib(&z, k, j, r)).unzip();
            let sd = |v: &[f64]| {
                let m = mean(v.iter().copied());
                (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
            };
            let (c1, ct) = (zq * sd(&b1), zq * sd(&bt));
            Indices {
                first: Est {
                    value: s1,
                    low: s1 - c1,
                    high: s1 + c1,
                },
                total: Est {
                    value: st,
                    low: st - ct,
                    high: st + ct,
                },
            }
        })
        .collect()
}

/// The given-data first-order index of input values `x` on outputs `y` under `weights`: the
/// weighted variance of the bin means (sqrt(N) bins of equal count along x; for a structural
/// choice of `levels` alternatives, one bin per alternative) over the weighted variance of y
/// (the correlation ratio), adjusted for chance as epsilon squared,
/// 1 - (1 - eta^2)(N - 1)/(N - bins): about 0 for an input with no effect (it may fall below).
pub fn binned_first_order(x: &[f64], y: &[f64], weights: &Weights, levels: usize) -> f64 {
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let bounds: Vec<usize> = if levels > 0 {
        // One bin per alternative present: the bounds where the sorted value changes.
        (0..=n)
            .filter(|&i| i == 0 || i == n || x[order[i]] != x[order[i - 1]])
            .collect()
    } else {
        let bins = ((n as f64).sqrt().round() as usize).max(1);
        (0..=bins).map(|b| b * n / bins).collect()
    };
    let bins = bounds.len().saturating_sub(1).max(1);
    let total = weights.mean(y);
    let var: f64 = weights
        .w
        .iter()
        .zip(y)
        .map(|(w, y)| w * (y - total).powi(2))
        .sum();
    if var <= 0.0 {
        return 0.0;
    }
    let mut between = 0.0;
    for b in bounds.windows(2) {
        let part = &order[b[0]..b[1]];
        let w: f64 = part.iter().map(|&i| weights.w[i]).sum();
        if w <= 0.0 {
            continue;
        }
        let m = part.iter().map(|&i| weights.w[i] * y[i]).sum::<f64>() / w;
        between += w * (m - total).powi(2);
    }
    // Epsilon squared: the correlation ratio adjusted for the variance bins explain by chance.
    let eta2 = between / var;
    1.0 - (1.0 - eta2) * (n as f64 - 1.0) / (n as f64 - bins as f64).max(1.0)
}

/// [`binned_first_order`] with a 95% basic bootstrap interval (the draws resampled by weight).
pub fn given_data(
    x: &[f64],
    y: &[f64],
    weights: &Weights,
    levels: usize,
    seed: u64,
    key: &str,
) -> Indices {
    let s1 = binned_first_order(x, y, weights, levels);
    let boots = weights.resamples(seed, key, RESAMPLES);
    let b: Vec<f64> = boots
        .iter()
        .map(|idx| {
            let xs: Vec<f64> = idx.iter().map(|&i| x[i]).collect();
            let ys: Vec<f64> = idx.iter().map(|&i| y[i]).collect();
            binned_first_order(&xs, &ys, &Weights::equal(idx.len()), levels)
        })
        .collect();
    // The basic bootstrap interval (2 s1 - the resamples' 97.5% and 2.5% points): resamples
    // repeat draws, which biases the binned index upwards; this interval reflects the bias away.
    let (q_low, q_high) = super::percentile_interval(b);
    Indices {
        first: Est {
            value: s1,
            low: 2.0 * s1 - q_high,
            high: 2.0 * s1 - q_low,
        },
        total: Est {
            value: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::explore::design::{Design, DesignKind};
    use std::f64::consts::PI;

    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn ishigami_indices_match_the_closed_form() {
        // Ishigami (a = 7, b = 0.1): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
        let names: Vec<String> = ["x1", "x2", "x3"].iter().map(|s| s.to_string()).collect();
        let d = Design::new(DesignKind::Sobol, 11, &names, 8192);
        let y: Vec<f64> = d.rows.iter().map(|r| ishigami(r)).collect();
        let s = sobol_indices(&y, 3, 1, "ishigami");
        let (s1, st) = ([0.3139, 0.4424, 0.0], [0.5576, 0.4424, 0.2437]);
        for j in 0..3 {
            assert!(
                (s[j].first.value - s1[j]).abs() < 0.04,
                "S1[{j}] = {:?}",
                s[j]
            );
            assert!(
                (s[j].total.value - st[j]).abs() < 0.04,
                "ST[{j}] = {:?}",
                s[j]
            );
            assert!(s[j].first.low < s1[j] + 0.02 && s1[j] - 0.02 < s[j].first.high);
        }
    }

    #[test]
    fn given_data_index_finds_ishigami_first_orders() {
        let names: Vec<String> = ["x1", "x2", "x3"].iter().map(|s| s.to_string()).collect();
        let d = Design::new(DesignKind::Lhs, 5, &names, 10_000);
        let y: Vec<f64> = d.rows.iter().map(|r| ishigami(r)).collect();
        let w = Weights::equal(y.len());
        for (j, s1) in [0.3139, 0.4424, 0.0].iter().enumerate() {
            let x: Vec<f64> = d.rows.iter().map(|r| r[j]).collect();
            let g = binned_first_order(&x, &y, &w, 0);
            assert!((g - s1).abs() < 0.03, "S1[{j}] = {g}");
        }
    }
}
