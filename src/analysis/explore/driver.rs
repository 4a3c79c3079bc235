//! The two-level driver: for each draw of the inputs, every deal with its inputs fixed at the
//! draw's values, M replications on common random numbers (the same seed and replications
//! 0..M for every deal and every draw), and each probability metric's estimate with its standard
//! error.

use super::design::Design;
use super::inputs::InputList;
use crate::analysis::precision::Progress;
use crate::error::{Error, Result};
use crate::scenario::{tree, Scenario};
use crate::sim::execute::Executor;
use crate::sim::metrics;
use crate::sim::row::RepRow;

/// What the driver runs.
pub struct Plan<'a> {
    /// The deals, as loaded (with `--set` applied).
    pub deals: &'a [Scenario],
    /// The inputs.
    pub inputs: &'a InputList,
    /// The draws' quantiles.
    pub design: &'a Design,
    /// The draws to run (all of them, or a shard's range).
    pub draws: std::ops::Range<usize>,
    /// Inner replications per draw and deal.
    pub reps: u64,
    /// Seed of the replications' streams (and of the design).
    pub seed: u64,
    /// Worker threads (None: all cores).
    pub threads: Option<usize>,
    /// Work budget of a replication.
    pub max_events: u64,
}

/// The probability metrics an exploration estimates, headline (`reached`) first.
pub fn probability_metrics() -> Vec<usize> {
    let mut v: Vec<usize> = (0..metrics::idx::COUNT)
        .filter(|&i| metrics::is_probability(i))
        .collect();
    v.sort_by_key(|&i| (i != metrics::idx::REACHED, i));
    v
}

/// The window metrics of the deals (`[question] also`): their names, without the `reached.`
/// prefix, each once, in the order the deals first name them. A deal without a window has no
/// estimate of it (see [`Draws::has`]).
pub fn window_names(deals: &[Scenario]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for w in deals.iter().flat_map(|d| &d.question.also) {
        if !names.contains(&w.name) {
            names.push(w.name.clone());
        }
    }
    names
}

/// The names of the metrics an exploration estimates: [`probability_metrics`], then
/// `reached.NAME` for each of [`window_names`] (any deal's).
pub fn metric_names(deals: &[Scenario]) -> Vec<String> {
    probability_metrics()
        .into_iter()
        .map(|m| metrics::NAMES[m].to_string())
        .chain(window_names(deals).iter().map(|n| format!("reached.{n}")))
        .collect()
}

/// How a draw's probability is estimated from its replications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Estimator {
    /// The share of replications with the 0/1 outcome.
    Plain,
    /// The mean of the conditional Monte Carlo sum (`reached_cmc`): unbiased, with a smaller
    /// variance where the probability is small (docs/explore.md).
    Conditional,
}

impl Estimator {
    /// `plain` or `conditional`, as `draws.csv` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Estimator::Plain => "plain",
            Estimator::Conditional => "conditional",
        }
    }
}

/// The estimates of every draw: `p[draw][deal][metric]` (metric in [`metric_names`] order)
/// with their standard errors and the replications behind each. Serialisable (every field), for
/// the shards of an exploration.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draws {
    /// Index of the first draw held (0 unless a shard).
    pub first: usize,
    /// Estimates, by the deal's and metric's [`Estimator`] once [`Draws::settle`] has run (the
    /// plain share before).
    pub p: Vec<Vec<Vec<f64>>>,
    /// Standard error of each estimate.
    pub se: Vec<Vec<Vec<f64>>>,
    /// Replications per estimate.
    pub reps: u64,
    /// The 0/1 outcome of every replication, `hits[draw][deal][metric]` as bits (replication r
    /// is bit r % 64 of word r / 64; r counts from the draw's first replication): what the Monte
    /// Carlo interval of an average needs where replication r sees the same random numbers in
    /// every draw (Saltelli's design), and the halves of [`Draws::halves`].
    pub hits: Vec<Vec<Vec<Vec<u64>>>>,
    /// The conditional Monte Carlo value of every replication, `cond[draw][deal][metric][r]`,
    /// for the metrics that have one (`reached` and `reached.NAME`); empty for the others.
    pub cond: Vec<Vec<Vec<Vec<f64>>>>,
    /// The estimator of each deal and metric, `estimator[deal][metric]` (set by
    /// [`Draws::settle`]).
    pub estimator: Vec<Vec<Estimator>>,
}

impl Draws {
    /// The draws of consecutive ranges (`parts` in draw order, each starting where the one before
    /// it ends) as one: every per-draw field concatenated. The fields are named one by one so that
    /// a field added to `Draws` cannot be left out of the join.
    pub fn join(parts: Vec<Draws>) -> Draws {
        let mut out = Draws {
            first: parts.first().map_or(0, |d| d.first),
            p: Vec::new(),
            se: Vec::new(),
            reps: parts.first().map_or(0, |d| d.reps),
            hits: Vec::new(),
            cond: Vec::new(),
            estimator: Vec::new(),
        };
        for part in parts {
            // Every field named, so that a new one is not forgotten here; the estimators are
            // chosen after the join (`settle`).
            let Draws {
                first: _,
                p,
                se,
                reps: _,
                hits,
                cond,
                estimator: _,
            } = part;
            out.p.extend(p);
            out.se.extend(se);
            out.hits.extend(hits);
            out.cond.extend(cond);
        }
        out
    }

    /// The standard error of an estimate `p` from `reps` replications of a 0/1 metric.
    pub fn se(p: f64, reps: u64) -> f64 {
        (p * (1.0 - p) / reps as f64).max(0.0).sqrt()
    }

    /// Chooses each deal's and metric's estimator, pooled over every draw: the conditional one
    /// where it exists and its mean per-replication variance is below the plain one's, and sets
    /// the estimates and standard errors. Deciding once per deal and metric (not per draw) keeps
    /// the choice from following one draw's noise.
    pub fn settle(&mut self) {
        let deals = self.p.first().map_or(0, Vec::len);
        let metrics = self.p.first().and_then(|d| d.first()).map_or(0, Vec::len);
        let n = self.reps as f64;
        self.estimator = (0..deals)
            .map(|deal| {
                (0..metrics)
                    .map(|m| {
                        let (mut plain, mut cond, mut has) = (0.0, 0.0, true);
                        for (i, d) in self.hits.iter().enumerate() {
                            let p = ones(&d[deal][m]) as f64 / n;
                            plain += p * (1.0 - p);
                            match variance(&self.cond[i][deal][m]) {
                                Some(v) => cond += v,
                                None => has = false,
                            }
                        }
                        if has && self.has(deal, m) && cond < plain {
                            Estimator::Conditional
                        } else {
                            Estimator::Plain
                        }
                    })
                    .collect()
            })
            .collect();
        for (i, per_deal) in self.p.iter_mut().enumerate() {
            for (deal, per_metric) in per_deal.iter_mut().enumerate() {
                for (m, p) in per_metric.iter_mut().enumerate() {
                    let (est, se) = match self.estimator[deal][m] {
                        _ if p.is_nan() => (f64::NAN, f64::NAN),
                        Estimator::Plain => {
                            let est = ones(&self.hits[i][deal][m]) as f64 / n;
                            (est, Draws::se(est, self.reps))
                        }
                        Estimator::Conditional => {
                            let v = &self.cond[i][deal][m];
                            let est = v.iter().sum::<f64>() / n;
                            (est, (variance(v).unwrap_or(0.0) / n).sqrt())
                        }
                    };
                    *p = est;
                    self.se[i][deal][m] = se;
                }
            }
        }
    }

    /// Per replication r, the weighted average over draws of deal `deal`'s outcome (its
    /// conditional value under the conditional estimator).
    pub fn replication_means(&self, deal: usize, metric: usize, w: &[f64]) -> Vec<f64> {
        let mut y = vec![0.0; self.reps as usize];
        let conditional = self.conditional(deal, metric);
        for (i, wd) in w.iter().enumerate() {
            if conditional {
                for (y, v) in y.iter_mut().zip(&self.cond[i][deal][metric]) {
                    *y += wd * v;
                }
                continue;
            }
            let bits = &self.hits[i][deal][metric];
            for (r, y) in y.iter_mut().enumerate() {
                if bits[r / 64] >> (r % 64) & 1 == 1 {
                    *y += wd;
                }
            }
        }
        y
    }

    /// Every replication's value of one deal and metric in draw `i` (its 0/1 outcome, or its
    /// conditional value under the conditional estimator), into `out` (cleared first).
    pub fn replication_values(&self, i: usize, deal: usize, metric: usize, out: &mut Vec<f64>) {
        out.clear();
        let conditional = self.conditional(deal, metric);
        if conditional {
            out.extend_from_slice(&self.cond[i][deal][metric]);
            return;
        }
        let bits = &self.hits[i][deal][metric];
        out.extend((0..self.reps as usize).map(|r| (bits[r / 64] >> (r % 64) & 1) as f64));
    }

    /// One deal's and metric's estimates over the draws from each half of the replications (the
    /// first `reps / 2` and the rest), by its chosen estimator: two independent estimates of
    /// every draw, sharing its input values, whose difference is replication noise alone. With
    /// fewer than two replications both halves are the whole.
    pub fn halves(&self, deal: usize, metric: usize) -> [Vec<f64>; 2] {
        let reps = self.reps as usize;
        if reps < 2 {
            let x = self.column(deal, metric);
            return [x.clone(), x];
        }
        let h = reps / 2;
        let conditional = self.conditional(deal, metric);
        let part = |i: usize, range: std::ops::Range<usize>| -> f64 {
            if self.p[i][deal][metric].is_nan() {
                return f64::NAN;
            }
            let n = range.len() as f64;
            if conditional {
                return self.cond[i][deal][metric][range].iter().sum::<f64>() / n;
            }
            let bits = &self.hits[i][deal][metric];
            range.filter(|r| bits[r / 64] >> (r % 64) & 1 == 1).count() as f64 / n
        };
        let n = self.p.len();
        [
            (0..n).map(|i| part(i, 0..h)).collect(),
            (0..n).map(|i| part(i, h..reps)).collect(),
        ]
    }

    /// Whether deal `deal`'s metric `metric` uses the conditional estimator.
    fn conditional(&self, deal: usize, metric: usize) -> bool {
        self.estimator
            .get(deal)
            .and_then(|e| e.get(metric))
            .is_some_and(|e| *e == Estimator::Conditional)
    }

    /// Whether deal `deal` has metric `metric` (a window metric only some deals define).
    pub fn has(&self, deal: usize, metric: usize) -> bool {
        self.p.first().is_some_and(|d| !d[deal][metric].is_nan())
    }

    /// The deals that have metric `metric`.
    pub fn deals_with(&self, metric: usize) -> Vec<usize> {
        let deals = self.p.first().map_or(0, Vec::len);
        (0..deals).filter(|&k| self.has(k, metric)).collect()
    }

    /// One deal's and metric's estimates over the draws.
    pub fn column(&self, deal: usize, metric: usize) -> Vec<f64> {
        self.p.iter().map(|d| d[deal][metric]).collect()
    }
}

/// The number of replications whose bit is set.
fn ones(bits: &[u64]) -> u64 {
    bits.iter().map(|b| u64::from(b.count_ones())).sum()
}

/// The sample variance of `v` (None when empty: no conditional values).
fn variance(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    Some(v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0))
}

/// Deal `deal` with its inputs fixed at draw `u`'s quantiles.
pub fn fixed_deal(
    deal: &Scenario,
    inputs: &InputList,
    index: usize,
    u: &[f64],
) -> Result<Scenario> {
    let mut t = deal.tree.clone();
    for set in inputs.sets(index, u) {
        tree::apply_set(&mut t, &set)?;
    }
    let s = Scenario::from_tree(t, &deal.source)?;
    if let Some(p) = s.params.first() {
        return Err(Error::Usage(format!(
            "`{}`: {} is still uncertain with every input fixed",
            deal.name, p.path
        )));
    }
    Ok(s)
}

/// Where a deal's replication rows hold each exploration metric: its 0/1 outcome and, for
/// `reached` and `reached.NAME`, its conditional Monte Carlo value.
struct Columns {
    /// Per metric: the outcome's place (None: the deal has no such window).
    outcome: Vec<Option<Place>>,
    /// Per metric: the conditional value's place, if it has one.
    cond: Vec<Option<Place>>,
}

/// A value of a replication row: one of its metrics, or one of its window columns.
#[derive(Clone, Copy)]
enum Place {
    Metric(usize),
    Window(usize),
}

impl Place {
    fn of(self, row: &RepRow) -> f64 {
        match self {
            Place::Metric(m) => row.metrics[m],
            Place::Window(w) => row.windows.get(w).copied().unwrap_or(0.0),
        }
    }
}

impl Columns {
    /// The places in deal `s`'s rows of the probability metrics, then of `windows`.
    fn new(s: &Scenario, windows: &[String]) -> Columns {
        let cols = s.window_columns();
        let window = |name: String| cols.iter().position(|c| *c == name).map(Place::Window);
        let mut outcome = Vec::new();
        let mut cond = Vec::new();
        for m in probability_metrics() {
            outcome.push(Some(Place::Metric(m)));
            cond.push(
                (m == metrics::idx::REACHED).then_some(Place::Metric(metrics::idx::REACHED_CMC)),
            );
        }
        for n in windows {
            outcome.push(window(format!("reached.{n}")));
            cond.push(window(format!("reached_cmc.{n}")));
        }
        Columns { outcome, cond }
    }
}

/// One deal's replications in one draw: per metric, the plain estimate, the outcome bits and
/// the conditional values.
fn tally(rows: &[RepRow], c: &Columns) -> (Vec<f64>, Vec<Vec<u64>>, Vec<Vec<f64>>) {
    let n = rows.len().max(1) as f64;
    let mut p = Vec::with_capacity(c.outcome.len());
    let mut bits = Vec::with_capacity(c.outcome.len());
    let mut cond = Vec::with_capacity(c.outcome.len());
    for (j, place) in c.outcome.iter().enumerate() {
        let Some(place) = place else {
            p.push(f64::NAN);
            bits.push(Vec::new());
            cond.push(Vec::new());
            continue;
        };
        let mut b = vec![0u64; rows.len().div_ceil(64)];
        let mut hits = 0u64;
        for (r, row) in rows.iter().enumerate() {
            if place.of(row) > 0.5 {
                b[r / 64] |= 1 << (r % 64);
                hits += 1;
            }
        }
        p.push(hits as f64 / n);
        bits.push(b);
        cond.push(match c.cond[j] {
            Some(place) => rows.iter().map(|r| place.of(r)).collect(),
            None => Vec::new(),
        });
    }
    (p, bits, cond)
}

/// Runs the plan: every draw of `plan.draws`, every deal, `plan.reps` replications each. The
/// estimates are the plain shares until [`Draws::settle`] chooses each estimator (on every
/// draw, after shards are joined).
pub fn run(plan: &Plan, progress: &dyn Progress) -> Result<Draws> {
    let exec = Executor::new(plan.threads, plan.max_events)?;
    let windows = window_names(plan.deals);
    let n = plan.draws.len() as u64 * plan.deals.len() as u64;
    progress.planned("explore", n * plan.reps);
    let mut out = Draws {
        first: plan.draws.start,
        p: Vec::with_capacity(plan.draws.len()),
        se: Vec::with_capacity(plan.draws.len()),
        reps: plan.reps,
        hits: Vec::with_capacity(plan.draws.len()),
        cond: Vec::with_capacity(plan.draws.len()),
        estimator: Vec::new(),
    };
    type Draw = (
        Vec<Vec<f64>>,
        Vec<Vec<f64>>,
        Vec<Vec<Vec<u64>>>,
        Vec<Vec<Vec<f64>>>,
    );
    // Draws in parallel (each one's replications in parallel too): a draw of few replications
    // alone would leave a core idle at its end. Collected in draw order: same bytes.
    let one = |d: usize| -> Result<Draw> {
        let u = &plan.design.rows[d];
        let (mut p, mut se, mut hits, mut cond) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (k, deal) in plan.deals.iter().enumerate() {
            let s = fixed_deal(deal, plan.inputs, k, u)?;
            let reps = plan.design.kind.replications(d, plan.reps);
            let rows = exec.rows(&s, plan.seed, reps, progress)?;
            let (est, bits, values) = tally(&rows, &Columns::new(&s, &windows));
            se.push(est.iter().map(|p| Draws::se(*p, plan.reps)).collect());
            p.push(est);
            hits.push(bits);
            cond.push(values);
        }
        Ok((p, se, hits, cond))
    };
    for (p, se, hits, cond) in exec.each(plan.draws.clone(), one)? {
        out.p.push(p);
        out.se.push(se);
        out.hits.push(hits);
        out.cond.push(cond);
    }
    progress.finish();
    Ok(out)
}
