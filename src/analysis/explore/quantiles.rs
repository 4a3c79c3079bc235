//! The spread of each deal's probability over the input draws: its average (with a Monte Carlo
//! interval), its percentiles (with bootstrap intervals), and the share of draws above each
//! threshold (Wilson interval on the effective sample size).

use super::driver::Draws;
use super::SRC_BOOTSTRAP;
use super::{percentile_interval, Weights};
use crate::analysis::stats::{t_quantile_975, wilson_interval};
use crate::random::stream::name_key;
use crate::random::{SourceId, Stream};

/// The percentiles reported.
pub const LEVELS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];
/// Bootstrap resamples behind the intervals of percentiles.
pub const RESAMPLES: usize = 400;
/// Default `--thresholds` of `explore`: probabilities.
pub const DEFAULT_THRESHOLDS: [f64; 5] = [0.01, 0.03, 0.1, 0.25, 0.5];

/// A value with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Est {
    /// The estimate.
    pub value: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// One row of `uncertainty.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertaintyRow {
    /// Deal index.
    pub deal: usize,
    /// Metric position (in `probability_metrics` order).
    pub metric: usize,
    /// The probability averaged over the draws, with its Monte Carlo interval.
    pub mean: Est,
    /// The percentiles of [`LEVELS`] over the draws, the noise taken out (their intervals count
    /// the draws' error and the replications').
    pub percentiles: Vec<Est>,
    /// Per percentile, the half-width of its 95% interval with the replications resampled
    /// alone: the part of its error that more draws would not shrink (0 where each draw runs
    /// replications of its own).
    pub replication_half: Vec<f64>,
    /// Share of draws above each threshold.
    pub above: Vec<Est>,
    /// The share of the variance over draws that is replication noise (see [`noise_share`]).
    pub noise_share: f64,
}

/// `count` bootstrap resamples of the replications, as how many times each is taken. Shared by
/// every deal and metric, as the replications are.
fn replication_resamples(seed: u64, reps: usize, count: usize) -> Vec<Vec<f64>> {
    let mut rng = Stream::new(
        seed,
        0,
        SourceId::keyed(SRC_BOOTSTRAP, name_key("explore-replications"), 0),
    );
    (0..count)
        .map(|_| {
            let mut c = vec![0.0; reps];
            for _ in 0..reps {
                c[((rng.uniform() * reps as f64) as usize).min(reps - 1)] += 1.0;
            }
            c
        })
        .collect()
}

/// The deflated estimates (under `w`) of each bootstrap resample: the draws taken as `boots`
/// says, each draw's replications as many times as `reps` says. Where every draw runs the same
/// replications this is the crossed (pigeonhole) bootstrap: the replications are a second
/// sample the percentiles depend on, which resampling the draws alone would leave out. Where
/// each draw runs its own, `reps` takes each once, and the draws carry their replications.
fn crossed_resamples(
    w: &Weights,
    draws: &Draws,
    deal: usize,
    metric: usize,
    boots: &[Vec<usize>],
    reps: &[Vec<f64>],
) -> Vec<Vec<f64>> {
    let m = draws.reps as usize;
    let h = m / 2;
    let mut values = Vec::new();
    let rows: Vec<Vec<f64>> = (0..draws.p.len())
        .map(|i| {
            draws.replication_values(i, deal, metric, &mut values);
            values.clone()
        })
        .collect();
    boots
        .iter()
        .zip(reps)
        .map(|(idx, c)| {
            let (ca, cb) = c.split_at(h.min(c.len()));
            let (na, nb) = (ca.iter().sum::<f64>(), cb.iter().sum::<f64>());
            let mean = |v: &[f64], c: &[f64], n: f64| -> f64 {
                v.iter().zip(c).map(|(v, c)| v * c).sum::<f64>() / n.max(1.0)
            };
            let mut x = Vec::with_capacity(idx.len());
            let mut a = Vec::with_capacity(idx.len());
            let mut b = Vec::with_capacity(idx.len());
            for &i in idx {
                let (va, vb) = rows[i].split_at(h.min(rows[i].len()));
                let (sa, sb) = (mean(va, ca, na), mean(vb, cb, nb));
                x.push((sa * na + sb * nb) / (na + nb).max(1.0));
                a.push(if na > 0.0 { sa } else { sb });
                b.push(if nb > 0.0 { sb } else { sa });
            }
            deflated(w, [&x, &a, &b])
        })
        .collect()
}

/// The estimates `x` over draws with the replication noise taken out of their spread: each
/// moved toward their weighted mean by the factor sqrt(1 - s), s the [`noise_share`] measured
/// on the halves `a` and `b`, so that their variance is that of the probability itself (noise
/// that differs from draw to draw adds its variance to the spread, so the outer percentiles of
/// noisy estimates lie too far out). The mean is kept; values kept within [0, 1].
pub fn deflated(w: &Weights, [x, a, b]: [&[f64]; 3]) -> Vec<f64> {
    let k = (1.0 - noise_share(w, x, a, b)).max(0.0).sqrt();
    let m = w.mean(x);
    x.iter()
        .map(|v| (m + k * (v - m)).clamp(0.0, 1.0))
        .collect()
}

/// The share of the (weighted) variance of the estimates `x` over draws that is replication
/// noise independent from draw to draw: from the halves' half-difference d = (a - b) / 2, which
/// has the noise of `x` and none of its signal. Common random numbers make part of the noise a
/// smooth function of the inputs, shared by draws of close value, which moves no draw past its
/// neighbours and so leaves the percentiles alone: that part, measured as the correlation of d
/// between neighbours in the order of `x`, is left out (the nugget of d). At most 1; 0 when `x`
/// does not vary.
pub fn noise_share(w: &Weights, x: &[f64], a: &[f64], b: &[f64]) -> f64 {
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]).then(i.cmp(&j)));
    let d: Vec<f64> = order.iter().map(|&i| (a[i] - b[i]) / 2.0).collect();
    let wd: Vec<f64> = order.iter().map(|&i| w.w[i]).collect();
    let mean = |v: &[f64]| -> f64 { wd.iter().zip(v).map(|(w, v)| w * v).sum() };
    let (md, mx) = (mean(&d), w.mean(x));
    let vd: f64 = wd.iter().zip(&d).map(|(w, d)| w * (d - md).powi(2)).sum();
    let vx: f64 = w.w.iter().zip(x).map(|(w, x)| w * (x - mx).powi(2)).sum();
    if vx <= 0.0 || vd <= 0.0 {
        return 0.0;
    }
    let lag: f64 = d
        .windows(2)
        .zip(wd.windows(2))
        .map(|(d, w)| (w[0] * w[1]).sqrt() * (d[0] - md) * (d[1] - md))
        .sum::<f64>()
        / vd;
    (vd * (1.0 - lag.clamp(0.0, 1.0)) / vx).min(1.0)
}

/// The rows of every deal and metric under `weights`.
pub fn uncertainty(
    draws: &Draws,
    deals: usize,
    metrics: usize,
    thresholds: &[f64],
    weights: &Weights,
    (seed, shared): (u64, bool),
) -> Vec<UncertaintyRow> {
    let ess = weights.ess();
    let boots = weights.resamples(seed, "explore-percentiles", RESAMPLES);
    // Draws that share their replications share their error too: resample the replications as
    // well (else each draw's replications are its own, and resampling the draws carries them).
    let m = draws.reps as usize;
    let reps = if shared {
        replication_resamples(seed, m, RESAMPLES)
    } else {
        vec![vec![1.0; m]; RESAMPLES]
    };
    let mut rows = Vec::new();
    for deal in 0..deals {
        for metric in (0..metrics).filter(|&m| draws.has(deal, m)) {
            let x = draws.column(deal, metric);
            let mean = weights.mean(&x);
            let var: f64 = weights
                .w
                .iter()
                .zip(&x)
                .map(|(w, x)| w * (x - mean).powi(2))
                .sum::<f64>()
                * ess
                / (ess - 1.0).max(1.0);
            // Two sources of error: which draws were made (the spread over draws / ESS), and,
            // where every draw runs the same replications (common random numbers), those
            // replications, whose per-replication averages over the draws vary. Draws with
            // replications of their own carry the second in the first.
            let var_rep = if shared {
                let y = draws.replication_means(deal, metric, &weights.w);
                let m = y.len().max(2) as f64;
                let ybar = y.iter().sum::<f64>() / m;
                y.iter().map(|v| (v - ybar).powi(2)).sum::<f64>() / (m - 1.0) / m
            } else {
                0.0
            };
            let half = t_quantile_975((ess.floor() as usize).saturating_sub(1).max(1))
                * (var / ess.max(1.0) + var_rep).sqrt();
            let mean = Est {
                value: mean,
                low: (mean - half).max(0.0),
                high: (mean + half).min(1.0),
            };
            let equal = Weights::equal(x.len());
            let [a, b] = draws.halves(deal, metric);
            let signal = deflated(weights, [&x, &a, &b]);
            let resampled = crossed_resamples(&equal, draws, deal, metric, &boots, &reps);
            let replication_half = if shared {
                let same = vec![(0..x.len()).collect::<Vec<usize>>(); reps.len()];
                let rep_only = crossed_resamples(weights, draws, deal, metric, &same, &reps);
                LEVELS
                    .iter()
                    .map(|&q| {
                        let b: Vec<f64> = rep_only.iter().map(|s| weights.quantile(s, q)).collect();
                        let (low, high) = percentile_interval(b);
                        (high - low) / 2.0
                    })
                    .collect()
            } else {
                vec![0.0; LEVELS.len()]
            };
            let percentiles = LEVELS
                .iter()
                .map(|&q| {
                    let value = weights.quantile(&signal, q);
                    let b: Vec<f64> = resampled.iter().map(|s| equal.quantile(s, q)).collect();
                    let (low, high) = percentile_interval(b);
                    Est { value, low, high }
                })
                .collect();
            let noise_share = noise_share(weights, &x, &a, &b);
            let above = thresholds
                .iter()
                .map(|&t| {
                    let s = weights.share(|i| signal[i] > t);
                    let (low, high) = wilson_interval(s * ess, ess);
                    Est {
                        value: s,
                        low,
                        high,
                    }
                })
                .collect();
            rows.push(UncertaintyRow {
                deal,
                metric,
                mean,
                percentiles,
                replication_half,
                above,
                noise_share,
            });
        }
    }
    rows
}

/// How precise the percentiles of `metric` are, and what a target would take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Precision {
    /// The widest half-width of the percentiles' 95% intervals over the deals.
    pub half_width: f64,
    /// Its deal.
    pub deal: usize,
    /// Its percentile level (index into [`LEVELS`]).
    pub level: usize,
    /// Draws that would bring every half-width to the target.
    pub draws: usize,
    /// Replications per draw that would, with those draws.
    pub reps: u64,
}

/// How precise the percentiles of `metric` are, and the draws and replications that would bring
/// every half-width to `target`. A half-width has two parts, adding as variances: the
/// replications' (its [`UncertaintyRow::replication_half`]), falling as one over the square root
/// of the replications, and the draws', as one over that of the draws (estimates: the intervals
/// are bootstrap ones). Where the replications' part leaves room, only draws are added;
/// otherwise the target is split evenly between the parts. None when every percentile is exact
/// (a structural zero) or not a number.
pub fn draws_for(
    rows: &[UncertaintyRow],
    metric: usize,
    (draws, reps): (usize, u64),
    target: f64,
) -> Option<Precision> {
    let parts: Vec<(f64, f64, usize, usize)> = rows
        .iter()
        .filter(|r| r.metric == metric)
        .flat_map(|r| {
            r.percentiles
                .iter()
                .zip(&r.replication_half)
                .enumerate()
                .map(move |(l, (e, hr))| ((e.high - e.low) / 2.0, *hr, r.deal, l))
        })
        .filter(|(hw, _, _, _)| hw.is_finite() && *hw > 0.0)
        .collect();
    let &(half_width, _, deal, level) = parts.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
    // Less a hair: (0.05 / 0.02)^2 x 100 is 625, not 626.
    let times = |n: f64, ratio: f64| (n * ratio - 1e-9).ceil();
    let (mut need_draws, mut need_reps) = (draws as f64, reps as f64);
    let t2 = target * target;
    for &(hw, hr, _, _) in &parts {
        let hr = if hr.is_finite() { hr.min(hw) } else { 0.0 };
        let (vd, vr) = (hw * hw - hr * hr, hr * hr);
        if hw <= target {
            continue;
        }
        if vr < t2 / 2.0 {
            need_draws = need_draws.max(times(draws as f64, vd / (t2 - vr)));
        } else {
            need_draws = need_draws.max(times(draws as f64, vd / (t2 / 2.0)));
            need_reps = need_reps.max(times(reps as f64, vr / (t2 / 2.0)));
        }
    }
    Some(Precision {
        half_width,
        deal,
        level,
        draws: need_draws as usize,
        reps: need_reps as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(deal: usize, halves: [f64; 5], replication: f64) -> UncertaintyRow {
        let e = |h: f64| Est {
            value: 0.5,
            low: 0.5 - h,
            high: 0.5 + h,
        };
        UncertaintyRow {
            deal,
            metric: 0,
            mean: e(0.01),
            percentiles: halves.iter().map(|h| e(*h)).collect(),
            replication_half: vec![replication; 5],
            above: Vec::new(),
            noise_share: 0.0,
        }
    }

    /// Draws' estimates from two halves of `half` replications each, `hit(draw, replication,
    /// rng)` giving each replication's 0/1 outcome: (x, a, b).
    fn estimates(
        n: usize,
        half: usize,
        mut hit: impl FnMut(usize, usize) -> bool,
    ) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let share =
            |i: usize, r: std::ops::Range<usize>, hit: &mut dyn FnMut(usize, usize) -> bool| {
                r.filter(|&r| hit(i, r)).count() as f64 / half as f64
            };
        let a: Vec<f64> = (0..n).map(|i| share(i, 0..half, &mut hit)).collect();
        let b: Vec<f64> = (0..n).map(|i| share(i, half..2 * half, &mut hit)).collect();
        let x = a.iter().zip(&b).map(|(a, b)| (a + b) / 2.0).collect();
        (x, a, b)
    }

    /// Mean error (bias), over the data sets, of the raw and deflated quantiles `q` against
    /// `exact`.
    fn errors(q: f64, exact: f64, data: &[(Vec<f64>, Vec<f64>, Vec<f64>)]) -> (f64, f64) {
        let mut e = (0.0, 0.0);
        for (x, a, b) in data {
            let w = Weights::equal(x.len());
            e.0 += (w.quantile(x, q) - exact) / data.len() as f64;
            e.1 += (w.quantile(&deflated(&w, [x, a, b]), q) - exact) / data.len() as f64;
        }
        e
    }

    #[test]
    fn deflation_takes_independent_noise_out_of_the_outer_percentiles() {
        // P spread evenly over [0.2, 0.8] across 800 draws, each estimated from 50 replications
        // with noise independent from draw to draw: its 5th and 95th percentiles are 0.23 and
        // 0.77 exactly, and the noise pushes the raw ones outwards by over two points (mean over
        // 20 data sets).
        let n = 800;
        let p = |i: usize| 0.2 + 0.6 * (i as f64 + 0.5) / n as f64;
        let data: Vec<_> = (0..20)
            .map(|set| {
                let mut rng = Stream::new(set, 0, SourceId::keyed(0xEE, 1, 0));
                estimates(n, 25, |i, _| rng.uniform() < p(i))
            })
            .collect();
        for (q, exact) in [(0.05, 0.23), (0.95, 0.77)] {
            let (raw, deflated) = errors(q, exact, &data);
            assert!(
                raw.abs() > 0.012,
                "raw p{q} off by only {raw}: nothing to correct"
            );
            // Deflation matches the variance, not the shape of the tails: half a point remains.
            assert!(
                deflated.abs() < 0.006,
                "deflated p{q} off by {deflated} (raw {raw})"
            );
        }
    }

    #[test]
    fn noise_shared_by_neighbouring_draws_is_left_in() {
        // Common random numbers at their strongest: P = 1 - exp(-rate), each replication a hit
        // when its exponential time falls below the rate, the same times in every draw. The
        // estimate is then increasing in the rate, so its percentiles are unbiased already:
        // deflation must not move them.
        let n = 800;
        let rate = |i: usize| 0.5 + 2.5 * (i as f64 + 0.5) / n as f64;
        let data: Vec<_> = (0..20)
            .map(|set| {
                let mut rng = Stream::new(set, 0, SourceId::keyed(0xEE, 2, 0));
                let times: Vec<f64> = (0..50).map(|_| -(1.0 - rng.uniform()).ln()).collect();
                estimates(n, 25, |i, r| times[r] < rate(i))
            })
            .collect();
        for (x, a, b) in &data {
            let share = noise_share(&Weights::equal(n), x, a, b);
            assert!(share < 0.02, "noise share {share} of a monotone estimate");
        }
        for q in [0.05f64, 0.95] {
            let exact = 1.0 - (-(0.5 + 2.5 * q)).exp();
            let (raw, deflated) = errors(q, exact, &data);
            assert!(
                (deflated - raw).abs() < 0.003,
                "p{q}: raw off by {raw}, deflated by {deflated}"
            );
        }
    }

    #[test]
    fn draws_for_a_target_follow_the_square_root_law() {
        let rows = [
            row(0, [0.0; 5], 0.0),
            row(1, [0.02, 0.03, 0.04, 0.03, 0.05], 0.0),
        ];
        let p = draws_for(&rows, 0, (100, 50), 0.02).unwrap();
        assert!((p.half_width - 0.05).abs() < 1e-12);
        assert_eq!((p.deal, p.level), (1, 4));
        // (0.05 / 0.02)^2 = 6.25 times the draws, the replications as they are.
        assert_eq!((p.draws, p.reps), (625, 50));
        // Already precise enough: no more draws.
        assert_eq!(draws_for(&rows, 0, (100, 50), 0.1).unwrap().draws, 100);
        // Exact percentiles (a structural zero) say nothing.
        assert!(draws_for(&rows[..1], 0, (100, 50), 0.02).is_none());
    }

    #[test]
    fn the_replications_part_of_a_half_width_asks_for_replications() {
        // Half-width 0.05, 0.03 of it from the replications: 0.0009 of 0.0025 as variance.
        let rows = [row(0, [0.05; 5], 0.03)];
        // Room left for the draws' part (0.0009 < 0.0016 / 2 is false): split evenly, each part
        // 0.0008: draws x 0.0016 / 0.0008, replications x 0.0009 / 0.0008.
        let p = draws_for(&rows, 0, (100, 50), 0.04).unwrap();
        assert_eq!((p.draws, p.reps), (200, 57));
        // A small replications' part leaves the replications alone: 0.0024 / (0.0016 - 0.0001).
        let rows = [row(0, [0.05; 5], 0.01)];
        let p = draws_for(&rows, 0, (100, 50), 0.04).unwrap();
        assert_eq!((p.draws, p.reps), (160, 50));
    }
}
