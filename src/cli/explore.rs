//! `leaksim explore`: two-level Monte Carlo over the inputs' uncertainty (docs/explore.md).

use super::ending::{write_folder, Finish, Record};
use super::progress::Bar;
use super::*;
use crate::analysis::explore::design::{Design, DesignKind};
use crate::analysis::explore::driver::{self, Plan};
use crate::analysis::explore::evidence::{parse_evidence, Evidence, PKnown, SMALL_ESS};
use crate::analysis::explore::inputs::{parse_input, InputList};
use crate::analysis::explore::{analyse, discover as discover_boxes, Exploration, Study, Weights};
use crate::output;

/// Draws of the inputs when `--draws` is not given. Many draws of few replications: for the
/// same work, the percentiles are the more precise the more draws there are, and the noise few
/// replications leave is taken out of their spread (`quantiles::deflated`) and counted in their
/// intervals (the crossed bootstrap).
pub const DEFAULT_DRAWS: usize = 800;
/// Replications per draw and deal when `--reps` is not given.
pub const DEFAULT_REPS: u64 = 50;

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
    /// `--no-evidence`: the deals' `[[evidence]]` tables left out (`--evidence` still counts).
    pub no_evidence: bool,
    /// `--shard K/M`: run only the K-th of M ranges of the design's rows.
    pub shard: Option<Shard>,
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
            no_evidence: false,
            shard: None,
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
/// random numbers; writes `out/<name>/` and prints a summary. With `--shard K/M`, only the K-th
/// of M ranges of the design's rows, into an explore shard folder `out/<name>/` for `merge`.
pub fn explore(
    files: &[PathBuf],
    e: &ExploreOptions,
    opts: &SimOptions,
    out: &Path,
) -> Result<PathBuf> {
    let deals = load_all(files, &opts.sets)?;
    let planned = plan_exploration(deals, e, opts)?;
    if let Some(shard) = e.shard {
        return write_shard(&planned, e, opts, shard, out);
    }
    let start = std::time::Instant::now();
    let draws = run_draws(&planned, 0..planned.design.rows.len(), opts)?;
    let secs = start.elapsed().as_secs_f64();
    let threads = crate::sim::execute::Executor::new(opts.threads, opts.max_events())?.threads();
    finish(&planned, draws, e, opts, out, (secs, threads))
}

/// An exploration planned and checked before anything runs: its deals (as loaded, `--set`
/// applied), inputs, design, evidence (with the deal each reads), replications and seed.
pub(crate) struct Planned {
    /// The deals.
    pub deals: Vec<Scenario>,
    /// The inputs.
    pub inputs: InputList,
    /// The draws' quantiles.
    pub design: Design,
    /// The evidence, each piece with the deal whose demand rate it reads.
    pub evidence: Vec<(Evidence, usize)>,
    /// Replications per draw and deal.
    pub reps: u64,
    /// Seed of the design and the replications.
    pub seed: u64,
}

/// Plans the exploration of `deals`: checks the options, gathers the inputs and evidence, lays
/// the design, and checks that every draw's deals are valid.
pub(crate) fn plan_exploration(
    deals: Vec<Scenario>,
    e: &ExploreOptions,
    opts: &SimOptions,
) -> Result<Planned> {
    let reps = check_options(e, opts)?;
    for s in &deals {
        crate::analysis::budget::check(s, opts.max_events())?;
    }
    // Checked before anything runs; read again by `assemble`.
    discover_option(e, &deals)?;
    let specs = e
        .inputs
        .iter()
        .map(|s| parse_input(s))
        .collect::<Result<Vec<_>>>()?;
    let mut inputs = InputList::build(&deals, &specs)?;
    let evidence = gather_evidence(&deals, &e.evidence, e.no_evidence, &mut inputs)?;
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
    Ok(Planned {
        deals,
        inputs,
        design,
        evidence,
        reps,
        seed,
    })
}

/// Runs rows `rows` of the design (every deal, the planned replications each).
pub(crate) fn run_draws(
    p: &Planned,
    rows: std::ops::Range<usize>,
    opts: &SimOptions,
) -> Result<driver::Draws> {
    let plan = Plan {
        deals: &p.deals,
        inputs: &p.inputs,
        design: &p.design,
        draws: rows,
        reps: p.reps,
        seed: p.seed,
        threads: opts.threads,
        max_events: opts.max_events(),
    };
    driver::run(&plan, &Bar::new(opts.quiet))
}

/// Assembles the exploration from the draws of every row of the design, writes its folder and
/// prints its summary (`ran`: the seconds and threads the draws took). Returns the folder.
pub(crate) fn finish(
    p: &Planned,
    draws: driver::Draws,
    e: &ExploreOptions,
    opts: &SimOptions,
    out: &Path,
    ran: (f64, usize),
) -> Result<PathBuf> {
    let x = assemble(p, draws, e)?;
    let dir = write_explore_folder(&x, &p.deals, opts, out, &e.name)?;
    print!(
        "{}",
        output::explore::summary::explore_summary(&x, ran.0, ran.1)
    );
    println!("  wrote {}", dir.display());
    Ok(dir)
}

/// `--discover`, parsed: the metric's position and the threshold; without it, the deals'
/// `[explore] discover` (the same in every file that gives one).
fn discover_option(e: &ExploreOptions, deals: &[Scenario]) -> Result<Option<(usize, f64)>> {
    let names = driver::metric_names(deals);
    if let Some(spec) = e.discover.as_deref() {
        return crate::analysis::explore::parse_discover(spec, &names).map(Some);
    }
    let mut given = deals.iter().filter_map(|d| d.discover.as_ref());
    let Some(first) = given.next() else {
        return Ok(None);
    };
    let input_err = |d: &crate::scenario::DiscoverEntry, msg: String| {
        Error::Input(crate::error::InputError::new(
            &d.origin,
            "explore.discover",
            msg,
        ))
    };
    if let Some(other) = given.find(|d| d.metric != first.metric || d.above != first.above) {
        return Err(input_err(
            other,
            format!(
                "a second discovery, different from `{}>{}` at {}: give the same in every file, or --discover",
                first.metric, first.above, first.origin
            ),
        ));
    }
    let m = names
        .iter()
        .position(|n| *n == first.metric)
        .ok_or_else(|| {
            input_err(
                first,
                format!("the metric must be one of {}", names.join(", ")),
            )
        })?;
    Ok(Some((m, first.above)))
}

/// Checks the options of `explore`; returns the replications per draw.
fn check_options(e: &ExploreOptions, opts: &SimOptions) -> Result<u64> {
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
    Ok(reps)
}

/// The evidence of the deals' `[[evidence]]` tables and of `--evidence` (which replaces a file's
/// piece on the same state), each with the deal whose demand rate it reads (the first that has
/// the jurisdiction); an uncertain `p_known` becomes an input. With `no_files`, the files'
/// tables are left out.
fn gather_evidence(
    deals: &[Scenario],
    given: &[String],
    no_files: bool,
    inputs: &mut InputList,
) -> Result<Vec<(Evidence, usize)>> {
    let cli = given
        .iter()
        .map(|s| parse_evidence(s))
        .collect::<Result<Vec<_>>>()?;
    let files = if no_files {
        Vec::new()
    } else {
        evidence_of_files(deals)?
    };
    let mut all: Vec<Evidence> = files
        .into_iter()
        .filter(|f| !cli.iter().any(|c| c.state == f.state))
        .collect();
    all.extend(cli);
    let mut out = Vec::new();
    for ev in all {
        let deal = deals
            .iter()
            .position(|d| d.jurisdictions.iter().any(|j| j.name == ev.state))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "--evidence: no scenario has the jurisdiction `{}`",
                    ev.state
                ))
            })?;
        if let PKnown::Uncertain(d) = &ev.p_known {
            inputs.push_free(&ev.p_known_name(), d.clone(), deals.len());
        }
        out.push((ev, deal));
    }
    Ok(out)
}

/// The `[[evidence]]` of every deal, one piece per state: the same piece in several files counts
/// once; two different pieces on one state are refused.
fn evidence_of_files(deals: &[Scenario]) -> Result<Vec<Evidence>> {
    let mut out: Vec<(Evidence, &crate::scenario::EvidenceEntry)> = Vec::new();
    for entry in deals.iter().flat_map(|d| &d.evidence) {
        let ev = Evidence::from_entry(entry);
        match out.iter().find(|(o, _)| o.state == ev.state) {
            Some((o, first)) if !o.same_as(&ev) => {
                return Err(Error::Input(crate::error::InputError::new(
                    &entry.origin,
                    "evidence",
                    format!(
                        "a second piece of evidence on `{}`, different from the one at {}: give one per state (the same piece in several files counts once)",
                        ev.state,
                        first.origin
                    ),
                )));
            }
            Some(_) => {}
            None => out.push((ev, entry)),
        }
    }
    Ok(out.into_iter().map(|(e, _)| e).collect())
}

/// Each draw's likelihood under every piece of evidence (their product).
fn likelihoods(
    deals: &[Scenario],
    inputs: &InputList,
    design: &Design,
    evidence: &[(Evidence, usize)],
) -> Vec<f64> {
    let names: Vec<&str> = inputs.inputs.iter().map(|i| i.name.as_str()).collect();
    design
        .rows
        .iter()
        .map(|u| {
            evidence
                .iter()
                .map(|(ev, deal)| {
                    let rate = inputs
                        .value_at(deals, *deal, &ev.rate_path(), u)
                        .unwrap_or(0.0);
                    let p = match &ev.p_known {
                        PKnown::Fixed(p) => *p,
                        PKnown::Uncertain(_) => {
                            let name = ev.p_known_name();
                            let i = names.iter().position(|n| *n == name).unwrap_or(0);
                            inputs.reported_value(i, u[i])
                        }
                    };
                    ev.likelihood(rate, p)
                })
                .product()
        })
        .collect()
}

/// The exploration from the draws: analyses with equal weights, then (with evidence)
/// conditioned, and the discovery boxes.
fn assemble(p: &Planned, mut draws: driver::Draws, e: &ExploreOptions) -> Result<Exploration> {
    draws.settle();
    let (deals, inputs, design, seed) = (&p.deals[..], &p.inputs, &p.design, p.seed);
    let evidence = &p.evidence[..];
    let values: Vec<Vec<f64>> = design
        .rows
        .iter()
        .map(|u| {
            (0..inputs.len())
                .map(|i| inputs.reported_value(i, u[i]))
                .collect()
        })
        .collect();
    let levels: Vec<usize> = inputs.inputs.iter().map(|i| i.levels.len()).collect();
    let uses = inputs.uses();
    let study = Study {
        draws: &draws,
        design,
        values: &values,
        levels: &levels,
        uses: &uses,
        deals: deals.len(),
        thresholds: &e.thresholds,
        seed,
    };
    let mut analyses = vec![analyse(&study, Weights::equal(values.len()))];
    if !evidence.is_empty() {
        let w = Weights::from_raw("evidence", &likelihoods(deals, inputs, design, evidence));
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
        analyses.push(analyse(&study, w));
    }
    let discovery = discover_option(e, deals)?.map(|(m, t)| (m, t, discover_boxes(&study, m, t)));
    Ok(Exploration {
        deals: deals.iter().map(|d| d.name.clone()).collect(),
        questions: deals.iter().map(|d| d.question_label()).collect(),
        metrics: driver::metric_names(deals),
        inputs: inputs.inputs.iter().map(|i| i.name.clone()).collect(),
        levels: inputs.inputs.iter().map(|i| i.levels.clone()).collect(),
        design: design.clone(),
        values,
        draws,
        thresholds: e.thresholds.clone(),
        seed,
        analyses,
        discovery,
    })
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

/// Runs shard `shard` of the planned exploration (its range of the design's rows, split as
/// replications are) and writes its explore shard folder `out/<name>/`, replaced whole:
/// `explore.toml`, each deal's resolved scenario and `draws.bin`.
fn write_shard(
    p: &Planned,
    e: &ExploreOptions,
    opts: &SimOptions,
    shard: Shard,
    out: &Path,
) -> Result<PathBuf> {
    use crate::output::explore_shards::{deal_file, write_draws, DealDigest, DRAWS_FILE};
    let rows = p.design.rows.len();
    if shard.m > rows as u64 {
        return Err(Error::Usage(format!(
            "--shard {}/{}: more shards than the {rows} draws of the design",
            shard.k, shard.m
        )));
    }
    let (first, count) = shard.range(rows as u64);
    let (first, count) = (first as usize, count as usize);
    let start = std::time::Instant::now();
    let draws = run_draws(p, first..first + count, opts)?;
    let elapsed = start.elapsed().as_secs_f64();
    let threads = crate::sim::execute::Executor::new(opts.threads, opts.max_events())?.threads();
    let (target, ()) = write_folder(&out.join(&e.name), opts, Finish::Shard, |dir| {
        for (i, d) in p.deals.iter().enumerate() {
            let text = d.resolved_toml(p.seed, p.reps);
            output::write_atomic(&dir.join(deal_file(i)), |w| w.write_all(text.as_bytes()))?;
        }
        write_draws(&dir.join(DRAWS_FILE), &draws)?;
        output::explore_shards::ExploreManifest {
            format: output::manifest::FORMAT,
            kind: "explore".into(),
            leaksim_version: env!("CARGO_PKG_VERSION").to_string(),
            name: e.name.clone(),
            seed: p.seed,
            reps: p.reps,
            draws: e.draws,
            design: e.design.name().into(),
            rows,
            shard: shard.k,
            shards: shard.m,
            first,
            count,
            inputs: e.inputs.clone(),
            thresholds: e.thresholds.clone(),
            discover: e.discover.clone(),
            evidence: e.evidence.clone(),
            no_evidence: e.no_evidence,
            sets: opts.sets.clone(),
            max_events: opts.max_events(),
            command: opts.command.clone(),
            elapsed_seconds: elapsed,
            threads,
            draws_sha256: output::checked::sha256_file(&dir.join(DRAWS_FILE))?,
            deal: p
                .deals
                .iter()
                .map(|d| DealDigest {
                    name: d.name.clone(),
                    digest: d.digest(),
                })
                .collect(),
        }
        .write(dir)
    })?;
    println!(
        "{}: shard {}/{}, draws {first}..{} of {rows} ({} replications each, seed {}) in {elapsed:.2} s\n  wrote {}",
        e.name,
        shard.k,
        shard.m,
        first + count,
        p.reps,
        p.seed,
        target.display()
    );
    Ok(target)
}
