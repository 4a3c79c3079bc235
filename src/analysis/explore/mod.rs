//! `explore`: two-level (second-order) Monte Carlo over input uncertainty. The outer level draws
//! the inputs ([`inputs`], placed by [`design`]); the inner level runs M replications of every
//! deal with the inputs fixed ([`driver`]). From the draws come the spread of each probability
//! over the inputs ([`quantiles`]), how often one deal beats another ([`ranking`]), which input
//! drives the spread ([`sobol`]), where a deal fails ([`prim`]), and all of it again weighted by
//! what the evidence says ([`evidence`]).
//!
//! Functions here return values; `output::explore` writes them.

pub mod design;
pub mod driver;
pub mod evidence;
pub mod inputs;
pub mod prim;
pub mod quantiles;
pub mod ranking;
pub mod sobol;

use crate::random::{SourceId, Stream};

/// Stream kind of the bootstrap resamples of the analyses (no replication stream uses it).
pub const SRC_BOOTSTRAP: u16 = 0xE1;

/// Weights of the draws, summing to 1: equal without evidence, the likelihood's otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// What they stand for: `prior` (equal) or `evidence` (conditioned).
    pub label: &'static str,
    /// One weight per draw, summing to 1.
    pub w: Vec<f64>,
}

impl Weights {
    /// Equal weights over `n` draws.
    pub fn equal(n: usize) -> Weights {
        Weights {
            label: "prior",
            w: vec![1.0 / n.max(1) as f64; n],
        }
    }

    /// Weights proportional to `raw` (non-negative); equal if they sum to zero.
    pub fn from_raw(label: &'static str, raw: &[f64]) -> Weights {
        let total: f64 = raw.iter().sum();
        let w = if total > 0.0 && total.is_finite() {
            raw.iter().map(|x| x / total).collect()
        } else {
            vec![f64::NAN; raw.len()]
        };
        Weights { label, w }
    }

    /// Kish's effective sample size, 1 / sum(w^2): the number of equally weighted draws that
    /// would carry as much information.
    pub fn ess(&self) -> f64 {
        let s: f64 = self.w.iter().map(|w| w * w).sum();
        if s > 0.0 {
            1.0 / s
        } else {
            0.0
        }
    }

    /// The weighted mean of `x`.
    pub fn mean(&self, x: &[f64]) -> f64 {
        self.w.iter().zip(x).map(|(w, x)| w * x).sum()
    }

    /// The weighted share of draws where `test` holds.
    pub fn share(&self, test: impl Fn(usize) -> bool) -> f64 {
        self.w
            .iter()
            .enumerate()
            .filter(|(i, _)| test(*i))
            .map(|(_, w)| w)
            .sum::<f64>()
            + 0.0
    }

    /// The weighted quantile `q` of `x`: the smallest value whose cumulative weight reaches q,
    /// interpolated as [`crate::analysis::stats::quantile_sorted`] does when weights are equal.
    pub fn quantile(&self, x: &[f64], q: f64) -> f64 {
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
        let n = x.len();
        if n == 0 {
            return f64::NAN;
        }
        let equal = self.w.iter().all(|w| (w - self.w[0]).abs() < 1e-15);
        if equal {
            let sorted: Vec<f64> = order.iter().map(|&i| x[i]).collect();
            return crate::analysis::stats::quantile_sorted(&sorted, q);
        }
        let mut acc = 0.0;
        for &i in &order {
            acc += self.w[i];
            if acc >= q - 1e-12 {
                return x[i];
            }
        }
        x[order[n - 1]]
    }

    /// `count` bootstrap resamples of the draws (indices drawn by weight), from the stream
    /// keyed by `key`.
    pub fn resamples(&self, seed: u64, key: &str, count: usize) -> Vec<Vec<usize>> {
        let n = self.w.len();
        let mut cum = Vec::with_capacity(n);
        let mut acc = 0.0;
        for w in &self.w {
            acc += w;
            cum.push(acc);
        }
        let mut rng = Stream::new(
            seed,
            0,
            SourceId::keyed(SRC_BOOTSTRAP, crate::random::stream::name_key(key), 0),
        );
        (0..count)
            .map(|_| {
                (0..n)
                    .map(|_| {
                        let u = rng.uniform() * acc;
                        cum.partition_point(|&c| c <= u).min(n - 1)
                    })
                    .collect()
            })
            .collect()
    }
}

/// The 2.5% and 97.5% points of bootstrap estimates (NaN ones left out).
pub fn percentile_interval(mut v: Vec<f64>) -> (f64, f64) {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    (
        crate::analysis::stats::quantile_sorted(&v, 0.025),
        crate::analysis::stats::quantile_sorted(&v, 0.975),
    )
}

/// One row of `sensitivity.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct SensitivityRow {
    /// Deal index.
    pub deal: usize,
    /// Metric position.
    pub metric: usize,
    /// Input index.
    pub input: usize,
    /// `sobol` (Saltelli design) or `binned` (given data).
    pub method: &'static str,
    /// The indices.
    pub indices: sobol::Indices,
}

/// An exploration's numbers: the draws and what is computed from them, under one weighting.
#[derive(Clone, Debug)]
pub struct Analyses {
    /// The draws' weights.
    pub weights: Weights,
    /// `uncertainty.csv` rows.
    pub uncertainty: Vec<quantiles::UncertaintyRow>,
    /// `ranking.csv` rows.
    pub ranking: Vec<ranking::RankRow>,
    /// `sensitivity.csv` rows.
    pub sensitivity: Vec<SensitivityRow>,
}

/// What the analyses read: the draws and their design, the inputs' values, and settings.
#[derive(Clone, Copy, Debug)]
pub struct Study<'a> {
    /// The draws' estimates.
    pub draws: &'a Draws,
    /// The design that placed them.
    pub design: &'a design::Design,
    /// `values[d][i]`: input i's value in draw d (a choice's alternative index).
    pub values: &'a [Vec<f64>],
    /// Per input, its number of alternatives if a structural choice, else 0.
    pub levels: &'a [usize],
    /// `uses[i][deal]`: whether input i sets anything in the deal (its sensitivity rows are
    /// left out where it does not: its index there is zero by construction).
    pub uses: &'a [Vec<bool>],
    /// Number of deals.
    pub deals: usize,
    /// `--thresholds`.
    pub thresholds: &'a [f64],
    /// Seed of the bootstrap resamples.
    pub seed: u64,
}

/// Computes the analyses of the study's draws under `weights`. Sobol indices need the whole
/// Saltelli design with equal weights; otherwise (a hypercube, or weights from evidence) the
/// given-data index.
pub fn analyse(st: &Study, weights: Weights) -> Analyses {
    let metrics = st
        .draws
        .p
        .first()
        .and_then(|d| d.first())
        .map_or(0, Vec::len);
    let uncertainty = quantiles::uncertainty(
        st.draws,
        st.deals,
        metrics,
        st.thresholds,
        &weights,
        (st.seed, st.design.kind.shares_replications()),
    );
    let ranking = ranking::ranking(st.draws, metrics, &weights);
    let mut sensitivity = Vec::new();
    for deal in 0..st.deals {
        for metric in (0..metrics).filter(|&m| st.draws.has(deal, m)) {
            sensitivity.extend(sensitivity_rows(st, &weights, deal, metric));
        }
    }
    Analyses {
        weights,
        uncertainty,
        ranking,
        sensitivity,
    }
}

/// The largest share of replication noise in the spread for which the given-data indices are
/// corrected for it; above, the noise swamps what the draws can say (the terminal warns).
pub const MAX_NOISE_CORRECTED: f64 = 0.5;

/// The sensitivity rows of one deal and metric: Sobol indices under the Saltelli design with
/// equal weights, else the given-data index of each input.
fn sensitivity_rows(
    st: &Study,
    weights: &Weights,
    deal: usize,
    metric: usize,
) -> Vec<SensitivityRow> {
    let k = st.values.first().map_or(0, |v| v.len());
    let saltelli = st.design.kind == design::DesignKind::Sobol && weights.label == "prior";
    let y = st.draws.column(deal, metric);
    let key = format!("explore-sensitivity-{deal}-{metric}");
    let row = |input, method, indices| SensitivityRow {
        deal,
        metric,
        input,
        method,
        indices,
    };
    let uses = |input: &usize| st.uses.get(*input).is_none_or(|u| u[deal]);
    if saltelli {
        return sobol::sobol_indices(&y, k, st.seed, &key)
            .into_iter()
            .enumerate()
            .filter(|(input, _)| uses(input))
            .map(|(input, indices)| row(input, "sobol", indices))
            .collect();
    }
    // The replications' noise adds to the variance of the estimates but not to what an input
    // explains: the index of the probability itself divides by the variance less the noise's.
    let [a, b] = st.draws.halves(deal, metric);
    let noise = quantiles::noise_share(weights, &y, &a, &b);
    let scale = if noise < MAX_NOISE_CORRECTED {
        1.0 / (1.0 - noise)
    } else {
        1.0
    };
    (0..k)
        .filter(uses)
        .map(|input| {
            let x: Vec<f64> = st.values.iter().map(|v| v[input]).collect();
            let levels = st.levels.get(input).copied().unwrap_or(0);
            let mut g = sobol::given_data(&x, &y, weights, levels, st.seed, &key);
            for v in [&mut g.first.value, &mut g.first.low, &mut g.first.high] {
                *v *= scale;
            }
            row(input, "binned", g)
        })
        .collect()
}

pub use driver::Draws;

/// Everything an exploration produced, for the writers.
#[derive(Clone, Debug)]
pub struct Exploration {
    /// Deal names, in the order given.
    pub deals: Vec<String>,
    /// Each deal's headline label (its question, e.g. `P(protected -> CN)`).
    pub questions: Vec<String>,
    /// Probability metric names, headline first.
    pub metrics: Vec<String>,
    /// Input names.
    pub inputs: Vec<String>,
    /// Per input, a structural choice's alternatives (its values are their indices); empty
    /// for a number.
    pub levels: Vec<Vec<String>>,
    /// The design.
    pub design: design::Design,
    /// `values[d][i]`: input i's value in draw d (through the first deal that has it).
    pub values: Vec<Vec<f64>>,
    /// The draws' estimates.
    pub draws: Draws,
    /// `--thresholds`.
    pub thresholds: Vec<f64>,
    /// Seed.
    pub seed: u64,
    /// The analyses with equal weights, then (with evidence) conditioned on it.
    pub analyses: Vec<Analyses>,
    /// With `--discover`: the metric position, the threshold, and per deal its discovery (None
    /// when no draw, or every draw, is above the threshold).
    pub discovery: Option<(usize, f64, Vec<Option<prim::Discovery>>)>,
}

/// Parses `--discover METRIC>X` into the metric's position among `names` (the exploration's
/// metrics, [`driver::metric_names`]) and X.
pub fn parse_discover(spec: &str, names: &[String]) -> crate::error::Result<(usize, f64)> {
    let bad = |m: String| crate::error::Error::Usage(format!("--discover {spec}: {m}"));
    let (name, x) = spec
        .split_once('>')
        .ok_or_else(|| bad("expected METRIC>X, e.g. reached>0.03".into()))?;
    let m = names
        .iter()
        .position(|n| *n == name.trim())
        .ok_or_else(|| bad(format!("the metric must be one of {}", names.join(", "))))?;
    let x: f64 = x
        .trim()
        .parse()
        .ok()
        .filter(|x: &f64| (0.0..1.0).contains(x))
        .ok_or_else(|| bad("X must be a probability in [0, 1)".into()))?;
    Ok((m, x))
}

/// PRIM boxes of every deal: the draws of interest are those with the metric above `x`.
pub fn discover(st: &Study, metric: usize, x: f64) -> Vec<Option<prim::Discovery>> {
    (0..st.deals)
        .map(|deal| {
            if !st.draws.has(deal, metric) {
                return None;
            }
            let y: Vec<bool> = st
                .draws
                .column(deal, metric)
                .iter()
                .map(|p| *p > x)
                .collect();
            let hits = y.iter().filter(|v| **v).count();
            let peel: Vec<bool> = (0..st.levels.len())
                .map(|j| st.uses.get(j).is_none_or(|u| u[deal]))
                .collect();
            (hits > 0 && hits < y.len()).then(|| prim::prim_over(st.values, &y, st.levels, &peel))
        })
        .collect()
}
