//! `leaksim explore`: two-level Monte Carlo over the inputs' uncertainty (docs/explore.md).

use super::ending::{write_folder, Finish, Record};
use super::progress::Bar;
use super::*;
use crate::analysis::explore::design::{Design, DesignKind};
use crate::analysis::explore::driver::{self, Plan};
use crate::analysis::explore::evidence::{parse_evidence, PKnown, SMALL_ESS};
use crate::analysis::explore::inputs::{parse_input, InputList};
use crate::analysis::explore::{analyse, Exploration, Weights};
use crate::output;

/// Draws of the inputs when `--draws` is not given.
pub const DEFAULT_DRAWS: usize = 100;
/// Replications per draw and deal when `--reps` is not given.
pub const DEFAULT_REPS: u64 = 400;

/// What `explore` is asked for, beyond the options every simulating command shares.
#[derive(Clone, Debug)]
pub struct ExploreOptions {
    /// Draws of the inputs (base rows under `--design sobol`).
    pub draws: usize,
    /// How draws are placed.
    pub design: DesignKind,
    /// `--input` specifications.
    pub inputs: Vec<String>,
    /// Thresholds of the share of draws above.
    pub thresholds: Vec<f64>,
    /// Folder name under `--out`.
    pub name: String,
    /// `--discover METRIC>X`.
    pub discover: Option<String>,
    /// `--evidence` specifications.
    pub evidence: Vec<String>,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            draws: DEFAULT_DRAWS,
            design: DesignKind::Lhs,
            inputs: Vec::new(),
            thresholds: crate::analysis::explore::quantiles::DEFAULT_THRESHOLDS.to_vec(),
            name: "explore".into(),
            discover: None,
            evidence: Vec::new(),
        }
    }
}

/// Parses `--design`.
pub fn parse_design(s: &str) -> std::result::Result<DesignKind, String> {
    match s {
        "lhs" => Ok(DesignKind::Lhs),
        "sobol" => Ok(DesignKind::Sobol),
        other => Err(format!("expected lhs or sobol, found `{other}`")),
    }
}

/// `leaksim explore`: for each draw of the inputs, every deal with the inputs fixed, on common
/// random numbers; writes `out/<name>/` and prints a summary.
pub fn explore(
    files: &[PathBuf],
    e: &ExploreOptions,
    opts: &SimOptions,
    out: &Path,
) -> Result<PathBuf> {
    let deals = load_all(files, &opts.sets)?;
    crate::scenario::check_folder_name(&e.name)
        .map_err(|m| Error::Usage(format!("--name {}: {m}", e.name)))?;
    if e.draws < 2 {
        return Err(Error::Usage("--draws must be at least 2".into()));
    }
    let reps = opts.replications.unwrap_or(DEFAULT_REPS);
    check_replications(reps)?;
    if let Some(t) = e.thresholds.iter().find(|t| !(0.0..=1.0).contains(*t)) {
        return Err(Error::Usage(format!(
            "--thresholds of explore are probabilities between 0 and 1, found {t}"
        )));
    }
    for s in &deals {
        crate::analysis::budget::check(s, opts.max_events())?;
    }
    let discover = e
        .discover
        .as_deref()
        .map(crate::analysis::explore::parse_discover)
        .transpose()?;
    let specs = e
        .inputs
        .iter()
        .map(|s| parse_input(s))
        .collect::<Result<Vec<_>>>()?;
    let mut inputs = InputList::build(&deals, &specs)?;
    let evidence = e
        .evidence
        .iter()
        .map(|s| parse_evidence(s))
        .collect::<Result<Vec<_>>>()?;
    let mut witnesses = Vec::new();
    for ev in &evidence {
        let deal = deals
            .iter()
            .position(|d| {
                crate::scenario::tree::get_path(&d.tree, &format!("jurisdiction.{}", ev.state))
                    .is_some()
            })
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--evidence: no scenario has the jurisdiction `{}`",
                    ev.state
                ))
            })?;
        witnesses.push(deal);
        if let PKnown::Uncertain(d) = &ev.p_known {
            inputs.push_free(&ev.p_known_name(), d.clone(), deals.len());
        }
    }
    if inputs.is_empty() {
        return Err(Error::Usage(
            "nothing to explore: the scenarios have no uncertain parameter; add inputs with --input PATH={ dist = ... }".into(),
        ));
    }
    let (seed, _) = shared_settings(&deals, opts);
    let names: Vec<String> = inputs.inputs.iter().map(|i| i.name.clone()).collect();
    let design = Design::new(e.design, seed, &names, e.draws);
    // Every draw's deals must be valid before anything runs.
    for u in &design.rows {
        for (k, d) in deals.iter().enumerate() {
            driver::fixed_deal(d, &inputs, k, u)?;
        }
    }
    let plan = Plan {
        deals: &deals,
        inputs: &inputs,
        design: &design,
        draws: 0..design.rows.len(),
        reps,
        seed,
        threads: opts.threads,
        max_events: opts.max_events(),
    };
    let start = std::time::Instant::now();
    let draws = driver::run(&plan, &Bar::new(opts.quiet))?;
    let secs = start.elapsed().as_secs_f64();
    let values: Vec<Vec<f64>> = design
        .rows
        .iter()
        .map(|u| {
            (0..inputs.len())
                .map(|i| inputs.reported_value(i, u[i]))
                .collect()
        })
        .collect();
    let prior = analyse(
        &draws,
        &design,
        &values,
        deals.len(),
        &e.thresholds,
        Weights::equal(values.len()),
        seed,
    );
    let mut analyses = vec![prior];
    if !evidence.is_empty() {
        let lik: Vec<f64> = design
            .rows
            .iter()
            .map(|u| {
                evidence
                    .iter()
                    .zip(&witnesses)
                    .map(|(ev, &deal)| {
                        let rate = inputs
                            .value_at(&deals, deal, &ev.rate_path(), u)
                            .unwrap_or(0.0);
                        let p = match &ev.p_known {
                            PKnown::Fixed(p) => *p,
                            PKnown::Uncertain(_) => {
                                let i = names
                                    .iter()
                                    .position(|n| *n == ev.p_known_name())
                                    .unwrap_or(0);
                                inputs.reported_value(i, u[i])
                            }
                        };
                        ev.likelihood(rate, p)
                    })
                    .product()
            })
            .collect();
        let w = Weights::from_raw("evidence", &lik);
        if w.w.iter().any(|x| x.is_nan()) {
            return Err(Error::Usage(
                "--evidence: the evidence has zero likelihood in every draw".into(),
            ));
        }
        if w.ess() < SMALL_ESS {
            eprintln!(
                "warning: the evidence leaves an effective sample size of {:.1} draws (of {}): conditioned results rest on few draws; add --draws",
                w.ess(),
                w.w.len()
            );
        }
        analyses.push(analyse(
            &draws,
            &design,
            &values,
            deals.len(),
            &e.thresholds,
            w,
            seed,
        ));
    }
    let discovery = discover.map(|(m, t)| {
        (
            m,
            t,
            crate::analysis::explore::discover(&draws, &values, deals.len(), m, t),
        )
    });
    let x = Exploration {
        deals: deals.iter().map(|d| d.name.clone()).collect(),
        questions: deals.iter().map(|d| d.question_label()).collect(),
        metrics: driver::probability_metrics()
            .into_iter()
            .map(|m| crate::sim::metrics::NAMES[m])
            .collect(),
        inputs: names,
        design,
        values,
        draws,
        thresholds: e.thresholds.clone(),
        seed,
        analyses,
        discovery,
    };
    let dir = write_explore_folder(&x, &deals, opts, out, &e.name)?;
    let threads = crate::sim::execute::Executor::new(opts.threads, opts.max_events())?.threads();
    print!(
        "{}",
        output::explore::summary::explore_summary(&x, secs, threads)
    );
    println!("  wrote {}", dir.display());
    Ok(dir)
}

/// Writes an exploration's folder `out/<name>/`, replaced whole.
pub(crate) fn write_explore_folder(
    x: &Exploration,
    deals: &[Scenario],
    opts: &SimOptions,
    out: &Path,
    name: &str,
) -> Result<PathBuf> {
    let refs: Vec<&Scenario> = deals.iter().collect();
    let record = Record {
        seed: x.seed,
        replications: x.draws.reps,
        scenarios: &refs,
    };
    let draw = |dir: &Path| output::explore::report::write_report(dir, x);
    let (target, ()) = write_folder(
        &out.join(name),
        opts,
        Finish::DrawnBy(record, &draw),
        |dir| {
            output::explore::write_inputs(&dir.join("inputs.csv"), x)?;
            output::explore::write_draws(&dir.join("draws.csv"), x)?;
            output::explore::write_uncertainty(&dir.join("uncertainty.csv"), x)?;
            output::explore::write_ranking(&dir.join("ranking.csv"), x)?;
            output::explore::write_sensitivity(&dir.join("sensitivity.csv"), x)?;
            if x.discovery.is_some() {
                output::explore::write_discovery(&dir.join("discovery.csv"), x)?;
            }
            Ok(())
        },
    )?;
    Ok(target)
}
