//! The files of `explore`: `inputs.csv`, `draws.csv`, `uncertainty.csv`, `ranking.csv`,
//! `sensitivity.csv` (and `discovery.csv` in [`discovery`]), the terminal summary ([`summary`]),
//! and `report.html` with its charts ([`report`]).

pub mod report;
pub mod summary;

use super::format::fmt_num;
use super::{csv_err, write_atomic};
use crate::analysis::explore::quantiles::{Est, LEVELS};
use crate::analysis::explore::ranking::RankRow;
use crate::analysis::explore::Exploration;
use crate::error::Result;
use std::path::Path;

fn est(e: &Est) -> [String; 3] {
    [fmt_num(e.value), fmt_num(e.low), fmt_num(e.high)]
}

/// The column stem of percentile `q` (`p05`, `p50`).
pub fn level_name(q: f64) -> String {
    format!("p{:02}", (q * 100.0).round() as u32)
}

/// One restriction of a box: its input, its range or alternatives as text (`in [LOW, HIGH]`,
/// `in {A, B}`) and its quasi-p values as text (`[LOWER, UPPER]`, `{QP}`), numbers written by
/// `num` and `qp` (an end left at the data's range is NaN, handed to `qp`).
struct Restriction {
    input: usize,
    range: String,
    quasi_p: String,
}

/// A box's restrictions, in input order.
fn restrictions(
    x: &Exploration,
    s: &crate::analysis::explore::prim::Step,
    num: impl Fn(f64) -> String,
    qp: impl Fn(f64) -> String,
) -> Vec<Restriction> {
    let mut all: Vec<Restriction> = s
        .limits
        .iter()
        .zip(&s.limits_qp)
        .map(|((j, lo, hi), (qlo, qhi))| Restriction {
            input: *j,
            range: format!("in [{}, {}]", num(*lo), num(*hi)),
            quasi_p: format!("[{}, {}]", qp(*qlo), qp(*qhi)),
        })
        .collect();
    all.extend(s.kept.iter().zip(&s.kept_qp).map(|((j, kept), q)| {
        let names: Vec<&str> = kept.iter().map(|&c| x.levels[*j][c].as_str()).collect();
        Restriction {
            input: *j,
            range: format!("in {{{}}}", names.join(", ")),
            quasi_p: format!("{{{}}}", qp(*q)),
        }
    }));
    all.sort_by_key(|r| r.input);
    all
}

/// `-` for an end left at the data's range, else `v` written by `num`.
fn end_or_dash(v: f64, num: &impl Fn(f64) -> String) -> String {
    if v.is_nan() {
        "-".to_string()
    } else {
        num(v)
    }
}

/// A box's restrictions as text: `INPUT in [LOW, HIGH]` for a number (values written by `num`),
/// `INPUT in {A, B}` for a structural choice (the alternatives kept).
pub fn box_parts(
    x: &Exploration,
    s: &crate::analysis::explore::prim::Step,
    num: impl Fn(f64) -> String,
) -> Vec<String> {
    restrictions(x, s, num, |_| String::new())
        .into_iter()
        .map(|r| format!("{} {}", x.inputs[r.input], r.range))
        .collect()
}

/// A box's quasi-p values, in the order of [`box_parts`]: `INPUT [LOWER, UPPER]` for a number
/// (each restricted end's value, `-` for an end left at the data's range), `INPUT {QP}` for a
/// structural choice; values written by `num`.
pub fn quasi_p_parts(
    x: &Exploration,
    s: &crate::analysis::explore::prim::Step,
    num: impl Fn(f64) -> String,
) -> Vec<String> {
    restrictions(x, s, |_| String::new(), |v| end_or_dash(v, &num))
        .into_iter()
        .map(|r| format!("{} {}", x.inputs[r.input], r.quasi_p))
        .collect()
}

/// A box's restrictions with their quasi-p values, for people: `INPUT in [LOW, HIGH] (quasi-p
/// 0.001, -)` (one per end, `-` for an end left at the data's range).
pub fn box_with_quasi_p(x: &Exploration, s: &crate::analysis::explore::prim::Step) -> Vec<String> {
    let qp = |v: f64| {
        if v < 0.001 {
            "<0.001".to_string()
        } else {
            format!("{v:.3}")
        }
    };
    restrictions(x, s, |v| format!("{v:.4}"), |v| end_or_dash(v, &qp))
        .into_iter()
        .map(|r| {
            let values = r.quasi_p.trim_matches(|c| "[]{}".contains(c));
            format!("{} {} (quasi-p {values})", x.inputs[r.input], r.range)
        })
        .collect()
}

/// Writes `inputs.csv`: `draw`, then each input's value.
pub fn write_inputs(path: &Path, x: &Exploration) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut head = vec!["draw".to_string()];
        head.extend(x.inputs.iter().cloned());
        c.write_record(&head).map_err(csv_err)?;
        for (d, v) in x.values.iter().enumerate() {
            let mut rec = vec![(x.draws.first + d).to_string()];
            rec.extend(v.iter().map(|v| fmt_num(*v)));
            c.write_record(&rec).map_err(csv_err)?;
        }
        c.flush()
    })
}

/// Writes `draws.csv`: `draw,deal,metric,estimate,se,reps,estimator`.
pub fn write_draws(path: &Path, x: &Exploration) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "draw",
            "deal",
            "metric",
            "estimate",
            "se",
            "reps",
            "estimator",
        ])
        .map_err(csv_err)?;
        for (d, per_deal) in x.draws.p.iter().enumerate() {
            for (k, per_metric) in per_deal.iter().enumerate() {
                for (m, p) in per_metric.iter().enumerate() {
                    if p.is_nan() {
                        continue;
                    }
                    c.write_record([
                        (x.draws.first + d).to_string(),
                        x.deals[k].clone(),
                        x.metrics[m].to_string(),
                        fmt_num(*p),
                        fmt_num(x.draws.se[d][k][m]),
                        x.draws.reps.to_string(),
                        x.draws.estimator[k][m].name().to_string(),
                    ])
                    .map_err(csv_err)?;
                }
            }
        }
        c.flush()
    })
}

/// Writes `uncertainty.csv`: `weighting,deal,metric,draws,ess,mean,mean_ci95_low,mean_ci95_high`,
/// then for each percentile `pNN,pNN_ci95_low,pNN_ci95_high`, then for each threshold t
/// `above_t,above_t_ci95_low,above_t_ci95_high`, then `noise_share` (the share of the variance
/// over draws that is replication noise).
pub fn write_uncertainty(path: &Path, x: &Exploration) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        let mut head: Vec<String> = [
            "weighting",
            "deal",
            "metric",
            "draws",
            "ess",
            "mean",
            "mean_ci95_low",
            "mean_ci95_high",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let triple = |stem: String| {
            [
                stem.clone(),
                format!("{stem}_ci95_low"),
                format!("{stem}_ci95_high"),
            ]
        };
        for q in LEVELS {
            head.extend(triple(level_name(q)));
        }
        for t in &x.thresholds {
            head.extend(triple(format!("above_{}", fmt_num(*t))));
        }
        head.push("noise_share".into());
        c.write_record(&head).map_err(csv_err)?;
        for a in &x.analyses {
            for r in &a.uncertainty {
                let mut rec = vec![
                    a.weights.label.to_string(),
                    x.deals[r.deal].clone(),
                    x.metrics[r.metric].to_string(),
                    a.weights.w.len().to_string(),
                    fmt_num(a.weights.ess()),
                ];
                rec.extend(est(&r.mean));
                for p in r.percentiles.iter().chain(&r.above) {
                    rec.extend(est(p));
                }
                rec.push(fmt_num(r.noise_share));
                c.write_record(&rec).map_err(csv_err)?;
            }
        }
        c.flush()
    })
}

/// Writes `ranking.csv`: `weighting,metric,kind,deal,other,share,ci95_low,ci95_high`, where kind
/// `below` gives the share of draws with `deal` below `other`, and kind `rank` the share of draws
/// in which `deal` takes rank `other` (1: lowest probability).
pub fn write_ranking(path: &Path, x: &Exploration) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "weighting",
            "metric",
            "kind",
            "deal",
            "other",
            "share",
            "ci95_low",
            "ci95_high",
        ])
        .map_err(csv_err)?;
        for a in &x.analyses {
            for r in &a.ranking {
                let (metric, kind, deal, other, share) = match r {
                    RankRow::Below {
                        metric,
                        deal,
                        other,
                        share,
                    } => (metric, "below", deal, x.deals[*other].clone(), share),
                    RankRow::Rank {
                        metric,
                        deal,
                        rank,
                        share,
                    } => (metric, "rank", deal, rank.to_string(), share),
                };
                let mut rec = vec![
                    a.weights.label.to_string(),
                    x.metrics[*metric].to_string(),
                    kind.to_string(),
                    x.deals[*deal].clone(),
                    other,
                ];
                rec.extend(est(share));
                c.write_record(&rec).map_err(csv_err)?;
            }
        }
        c.flush()
    })
}

/// Writes `sensitivity.csv`: `weighting,deal,metric,input,method,first_order,first_ci95_low,
/// first_ci95_high,total,total_ci95_low,total_ci95_high` (total empty for the given-data method).
pub fn write_sensitivity(path: &Path, x: &Exploration) -> Result<()> {
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "weighting",
            "deal",
            "metric",
            "input",
            "method",
            "first_order",
            "first_ci95_low",
            "first_ci95_high",
            "total",
            "total_ci95_low",
            "total_ci95_high",
        ])
        .map_err(csv_err)?;
        for a in &x.analyses {
            for r in &a.sensitivity {
                let mut rec = vec![
                    a.weights.label.to_string(),
                    x.deals[r.deal].clone(),
                    x.metrics[r.metric].to_string(),
                    x.inputs[r.input].clone(),
                    r.method.to_string(),
                ];
                rec.extend(est(&r.indices.first));
                let t = &r.indices.total;
                if t.value.is_nan() {
                    rec.extend([String::new(), String::new(), String::new()]);
                } else {
                    rec.extend(est(t));
                }
                c.write_record(&rec).map_err(csv_err)?;
            }
        }
        c.flush()
    })
}

/// Writes `discovery.csv`: `deal,metric,threshold,step,coverage,density,mass,n,restricted,chosen,box,quasi_p`,
/// one row per box of each deal's peeling trajectory (step 0: every draw); `box` lists the
/// restricted inputs as `input in [low, high]`, separated by `; `, and `quasi_p` their quasi-p
/// values in the same order ([`quasi_p_parts`]).
pub fn write_discovery(path: &Path, x: &Exploration) -> Result<()> {
    let Some((metric, threshold, found)) = &x.discovery else {
        return Ok(());
    };
    write_atomic(path, |w| {
        let mut c = csv::Writer::from_writer(w);
        c.write_record([
            "deal",
            "metric",
            "threshold",
            "step",
            "coverage",
            "density",
            "mass",
            "n",
            "restricted",
            "chosen",
            "box",
            "quasi_p",
        ])
        .map_err(csv_err)?;
        for (deal, d) in found.iter().enumerate() {
            let Some(d) = d else { continue };
            for (i, s) in d.trajectory.iter().enumerate() {
                let b = box_parts(x, s, fmt_num);
                c.write_record([
                    x.deals[deal].clone(),
                    x.metrics[*metric].to_string(),
                    fmt_num(*threshold),
                    i.to_string(),
                    fmt_num(s.coverage),
                    fmt_num(s.density),
                    fmt_num(s.mass),
                    s.n.to_string(),
                    (s.limits.len() + s.kept.len()).to_string(),
                    (i == d.chosen).to_string(),
                    b.join("; "),
                    quasi_p_parts(x, s, fmt_num).join("; "),
                ])
                .map_err(csv_err)?;
            }
        }
        c.flush()
    })
}
