//! The terminal summary of `explore`.

use crate::analysis::explore::ranking::RankRow;
use crate::analysis::explore::{Analyses, Exploration};
use std::fmt::Write;

/// Inputs listed per deal in the summary.
const TOP_INPUTS: usize = 5;

fn pct(v: f64) -> String {
    format!("{:.1}%", 100.0 * v)
}

/// The summary of one weighting: each deal's headline spread, the ranking, the top inputs.
fn section(o: &mut String, x: &Exploration, a: &Analyses) {
    let w = x.deals.iter().map(|d| d.len()).max().unwrap_or(4).max(12) + 5;
    let _ = writeln!(
        o,
        "  {:<w$} {:>28}   {:>7} {:>7} {:>7} {:>7} {:>7}",
        "deal", "mean [95% MC interval]", "p05", "p25", "p50", "p75", "p95"
    );
    for r in a.uncertainty.iter().filter(|r| r.metric == 0) {
        let p: Vec<String> = r.percentiles.iter().map(|e| pct(e.value)).collect();
        let _ = writeln!(
            o,
            "  {:<w$} {:>28}   {:>7} {:>7} {:>7} {:>7} {:>7}",
            x.deals[r.deal],
            format!(
                "{} [{}, {}]",
                pct(r.mean.value),
                pct(r.mean.low),
                pct(r.mean.high)
            ),
            p[0],
            p[1],
            p[2],
            p[3],
            p[4]
        );
    }
    let _ = writeln!(
        o,
        "  (mean: averaged over input uncertainty, with its 95% Monte Carlo interval; pNN: percentiles of the probability over the input draws)"
    );
    if a.weights.label == "prior" {
        precision(o, x, a);
        noise(o, x, a);
    }
    if x.deals.len() > 1 {
        ranking(o, x, a, w);
    }
    top_inputs(o, x, a);
}

/// How precise the headline's percentiles are, and the draws +/-2 points would take.
fn precision(o: &mut String, x: &Exploration, a: &Analyses) {
    use crate::analysis::explore::quantiles::{draws_for, LEVELS};
    let n = x.values.len();
    let Some(p) = draws_for(&a.uncertainty, 0, (n, x.draws.reps), TARGET_HALF_WIDTH) else {
        return;
    };
    let _ = write!(
        o,
        "  (percentiles within +/-{:.1} points, 95% bootstrap intervals; widest: {} p{:02}",
        100.0 * p.half_width,
        x.deals[p.deal],
        (100.0 * LEVELS[p.level]).round()
    );
    if p.draws > n || p.reps > x.draws.reps {
        let work = (p.draws as f64 * p.reps as f64) / (n as f64 * x.draws.reps as f64);
        let _ = writeln!(
            o,
            "; +/-{:.0} points would take about --draws {} --reps {}, {work:.1} times the work)",
            100.0 * TARGET_HALF_WIDTH,
            p.draws,
            p.reps
        );
    } else {
        let _ = writeln!(o, ")");
    }
}

/// How much of the headline's spread over draws is replication noise (taken out of the
/// percentiles and indices), with a warning where it swamps the spread.
fn noise(o: &mut String, x: &Exploration, a: &Analyses) {
    // Above a fifth of the spread, the correction (which matches the variance, not the shape)
    // may leave points of error in the outer percentiles.
    const WARN: f64 = 0.2;
    let Some(r) = a
        .uncertainty
        .iter()
        .filter(|r| r.metric == 0)
        .max_by(|p, q| p.noise_share.total_cmp(&q.noise_share))
    else {
        return;
    };
    if r.noise_share <= 0.0 {
        return;
    }
    let _ = writeln!(
        o,
        "  (replication noise: at most {:.0}% of the spread over draws ({}), taken out of the percentiles and indices)",
        100.0 * r.noise_share,
        x.deals[r.deal]
    );
    if r.noise_share >= WARN {
        let _ = writeln!(
            o,
            "warning: replication noise is {:.0}% of {}'s spread over draws: its correction is approximate at that share; add --reps",
            100.0 * r.noise_share,
            x.deals[r.deal]
        );
    }
}

/// The half-width of the percentiles' intervals the summary says how to reach.
const TARGET_HALF_WIDTH: f64 = 0.02;

/// Which deal is below which, in how many draws (labels `w` wide).
fn ranking(o: &mut String, x: &Exploration, a: &Analyses, w: usize) {
    let _ = writeln!(
        o,
        "  Share of draws in which the row's deal is below the column's:"
    );
    let _ = write!(o, "  {:<w$}", "");
    for (i, _) in x.deals.iter().enumerate() {
        let _ = write!(o, " {:>7}", format!("[{}]", i + 1));
    }
    let _ = writeln!(o);
    for (i, d) in x.deals.iter().enumerate() {
        let _ = write!(o, "  {:<w$}", format!("[{}] {d}", i + 1));
        for j in 0..x.deals.len() {
            let share = below(a, i, j);
            let _ = write!(o, " {:>7}", share.map(pct).unwrap_or_else(|| "-".into()));
        }
        let _ = writeln!(o);
    }
    ties(o, x, a);
}

/// The share of draws in which deal `i`'s headline is below deal `j`'s.
fn below(a: &Analyses, i: usize, j: usize) -> Option<f64> {
    a.ranking.iter().find_map(|r| match r {
        RankRow::Below {
            metric: 0,
            deal,
            other,
            share,
        } if *deal == i && *other == j => Some(share.value),
        _ => None,
    })
}

/// The pairs of deals whose estimates are equal in at least a tenth of the draws: the share
/// below reads differently there (neither is below in those draws).
fn ties(o: &mut String, x: &Exploration, a: &Analyses) {
    let mut pairs = Vec::new();
    for i in 0..x.deals.len() {
        for j in i + 1..x.deals.len() {
            if let (Some(ij), Some(ji)) = (below(a, i, j), below(a, j, i)) {
                let tie = 1.0 - ij - ji;
                if tie >= 0.1 {
                    pairs.push(format!("[{}] and [{}] in {}", i + 1, j + 1, pct(tie)));
                }
            }
        }
    }
    if !pairs.is_empty() {
        let _ = writeln!(
            o,
            "  Ties (equal estimates): {} of draws; deals that differ by little tie where the replications never see the difference (--reps separates them)",
            pairs.join(", ")
        );
    }
}

/// Each deal's inputs ordered by their index of the question's probability.
fn top_inputs(o: &mut String, x: &Exploration, a: &Analyses) {
    for (k, deal) in x.deals.iter().enumerate() {
        let mut rows: Vec<_> = a
            .sensitivity
            .iter()
            .filter(|r| r.deal == k && r.metric == 0)
            .collect();
        let key = |r: &&crate::analysis::explore::SensitivityRow| {
            if r.indices.total.value.is_nan() {
                r.indices.first.value
            } else {
                r.indices.total.value
            }
        };
        rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then(a.input.cmp(&b.input)));
        let Some(first) = rows.first() else { continue };
        let what = if first.method == "sobol" {
            "total Sobol index"
        } else {
            "first-order index (given data)"
        };
        let list: Vec<String> = rows
            .iter()
            .take(TOP_INPUTS)
            .filter(|r| key(r) > 0.01)
            .map(|r| format!("{} {:.2}", x.inputs[r.input], key(r)))
            .collect();
        let _ = writeln!(
            o,
            "  {deal}: inputs by {what}: {}",
            if list.is_empty() {
                "none above 0.01".to_string()
            } else {
                list.join(", ")
            }
        );
    }
}

/// The whole summary.
pub fn explore_summary(x: &Exploration, secs: f64, threads: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "== explore: {} deal(s), {} input(s), {} draws ({} design) x {} replications, seed {} ==",
        x.deals.len(),
        x.inputs.len(),
        x.values.len(),
        x.design.kind.name(),
        x.draws.reps,
        x.seed
    );
    let _ = writeln!(
        o,
        "{} over input uncertainty (first deal's question; each draw's probability from {} replications):",
        x.questions.first().cloned().unwrap_or_default(),
        x.draws.reps
    );
    for a in &x.analyses {
        if a.weights.label != "prior" {
            let _ = writeln!(
                o,
                "Conditioned on the evidence (importance weights; effective sample size {:.1} of {} draws):",
                a.weights.ess(),
                a.weights.w.len()
            );
        }
        section(&mut o, x, a);
    }
    if let Some((m, t, found)) = &x.discovery {
        let _ = writeln!(
            o,
            "Scenario discovery (PRIM): draws with {} > {} (quasi-p of a restriction: the chance a box without it would be as dense; above 0.05 it may follow the draws' noise)",
            x.metrics[*m],
            pct(*t)
        );
        for (k, d) in found.iter().enumerate() {
            let Some(d) = d else {
                let _ = writeln!(o, "  {}: {}", x.deals[k], no_box(x, k, *m, *t));
                continue;
            };
            let s = &d.trajectory[d.chosen];
            let share = d.trajectory[0].density;
            let b = super::box_with_quasi_p(x, s);
            let _ = writeln!(
                o,
                "  {}: {} of draws above; box {}: coverage {}, density {}, mass {}",
                x.deals[k],
                pct(share),
                if b.is_empty() {
                    "(none)".to_string()
                } else {
                    b.join(", ")
                },
                pct(s.coverage),
                pct(s.density),
                pct(s.mass)
            );
        }
    }
    let _ = writeln!(
        o,
        "  {} replications in {:.1} s on {} threads",
        x.values.len() as u64 * x.deals.len() as u64 * x.draws.reps,
        secs,
        threads
    );
    o
}

/// Why deal `k` has no discovery box for metric `m` above `t`.
pub(super) fn no_box(x: &Exploration, k: usize, m: usize, t: f64) -> String {
    if !x.draws.has(k, m) {
        return format!("no box (it has no {})", x.metrics[m]);
    }
    let above = x.draws.column(k, m).iter().filter(|p| **p > t).count();
    format!(
        "no box ({above} of {} draws above: PRIM needs draws on each side)",
        x.values.len()
    )
}
