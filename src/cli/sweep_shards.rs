//! `leaksim sweep --shard K/M`: one range of the replications of every point of a sweep, written
//! as a sweep shard folder; `leaksim merge` joins the M sweep shard folders into the sweep's folder.
//!
//! A sweep shard folder holds `sweep.toml` (the sweep it belongs to: varied paths, points, seed,
//! replications, K and M), the base scenario resolved (`scenario.resolved.toml`), and one run
//! shard folder per point (`point-000/`, `point-001/`, ...), which merge joins as it joins a run's.

use super::shard::{write_shard, ManifestFile, Shard};
use super::sweep::{write_sweep_folder, SweepPlan};
use super::*;
use crate::output;
use crate::output::folder::Staged;
use crate::sim::runner::{RunConfig, DEFAULT_REPLICATIONS};

/// The manifest of a sweep shard folder.
pub const SWEEP_MANIFEST: &str = "sweep.toml";

/// The folder of point `i` inside a sweep shard folder.
fn point_dir(i: usize) -> String {
    format!("point-{i:03}")
}

/// Whether `dir` is a sweep shard folder.
pub(crate) fn is_sweep_shard(dir: &Path) -> bool {
    dir.join(SWEEP_MANIFEST).is_file()
}

/// Runs shard `shard` of every point of a sweep and writes the sweep shard folder
/// `out/<folder>/`, replaced whole.
pub(crate) fn run_sweep_shard(
    plan: &SweepPlan,
    seed: u64,
    batch: Option<u64>,
    opts: &SimOptions,
    study: &StudyOptions,
    shard: Shard,
    out: &Path,
) -> Result<()> {
    let refused = [
        (
            study.precision()?.is_some(),
            "--precision (a shard runs a fixed range of replications)",
        ),
        (opts.xlsx, "--xlsx (give it to `leaksim merge`)"),
    ];
    if let Some((_, what)) = refused.iter().find(|(on, _)| *on) {
        return Err(Error::Usage(format!(
            "--shard {}/{} does not go with {what}",
            shard.k, shard.m
        )));
    }
    let cfg = RunConfig {
        seed,
        replications: batch.unwrap_or(DEFAULT_REPLICATIONS),
        threads: opts.threads,
        max_events: opts.max_events(),
    };
    check_replications(cfg.replications)?;
    shard.check(cfg.replications, plan.folder)?;
    let count = shard.range(cfg.replications).1;
    let rows = plan.scenarios.iter().fold(0u64, |a, s| {
        a.saturating_add(output::disk::spool_bytes(s, count))
    });
    let what = format!(
        "shard {}/{} of {} points",
        shard.k,
        shard.m,
        plan.scenarios.len()
    );
    output::disk::check(out, rows, &what, "split it into more shards, ")?;
    let stage = Staged::begin(&out.join(plan.folder))?;
    let dir = stage.path().to_path_buf();
    let start = std::time::Instant::now();
    let points = plan.scenarios.len();
    for (i, s) in plan.scenarios.iter().enumerate() {
        let label = format!(
            "{} point {}/{points} shard {}/{}",
            plan.folder,
            i + 1,
            shard.k,
            shard.m
        );
        write_shard(s, &cfg, opts, &[], shard, &dir.join(point_dir(i)), &label)?;
    }
    let resolved = plan.base.resolved_toml(cfg.seed, cfg.replications);
    output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    let manifest = SweepManifest {
        version: env!("CARGO_PKG_VERSION").to_string(),
        folder: plan.folder.to_string(),
        digest: plan.base.digest(),
        seed: cfg.seed,
        replications: cfg.replications,
        shard,
        command: opts.command.clone(),
        paths: plan.paths.to_vec(),
        labels: plan.labels.to_vec(),
    };
    output::write_atomic(&dir.join(SWEEP_MANIFEST), |w| {
        w.write_all(manifest.to_toml().as_bytes())
    })?;
    let target = stage.target().to_path_buf();
    stage.commit()?;
    let (first, count) = shard.range(cfg.replications);
    println!(
        "{}: shard {}/{} of {points} points, replications {}..{} of {} (seed {}) in {:.2} s\n  wrote {}",
        plan.folder,
        shard.k,
        shard.m,
        first,
        first + count,
        cfg.replications,
        cfg.seed,
        start.elapsed().as_secs_f64(),
        target.display()
    );
    Ok(())
}

/// `leaksim merge` of sweep shard folders: checks that they are the M shards of one sweep, joins
/// each point's shards as a run's, and writes the sweep's folder as `leaksim sweep` does.
pub(crate) fn merge_sweep(dirs: &[PathBuf], opts: &SimOptions, out: &Path) -> Result<()> {
    let manifests = dirs
        .iter()
        .map(|d| SweepManifest::read(d))
        .collect::<Result<Vec<_>>>()?;
    let first = &manifests[0];
    check_same_sweep(dirs, &manifests)?;
    crate::scenario::check_folder_name(&first.folder).map_err(|m| {
        Error::Usage(format!(
            "{}: sweep name {}: {m}",
            dirs[0].display(),
            first.folder
        ))
    })?;
    let resolved = dirs[0].join("scenario.resolved.toml");
    let base = Scenario::load(&resolved, &[])?;
    if base.digest() != first.digest {
        return Err(Error::Usage(format!(
            "{}: its scenario digest is {}, not the {} its sweep manifest records (was the file edited?)",
            resolved.display(),
            base.digest(),
            first.digest
        )));
    }
    let step = super::progress::Step::start(
        &format!(
            "merging {} sweep shard folders of {} points: statistics and charts",
            dirs.len(),
            first.labels.len()
        ),
        opts.quiet,
    );
    let mut scenarios = Vec::with_capacity(first.labels.len());
    let mut runs = Vec::with_capacity(first.labels.len());
    for i in 0..first.labels.len() {
        let point: Vec<PathBuf> = dirs.iter().map(|d| d.join(point_dir(i))).collect();
        let (s, _, run) = super::merge::join(&point, false)?;
        scenarios.push(s);
        runs.push(run);
    }
    if opts.parquet {
        eprintln!("note: --parquet changes nothing for a sweep, which writes no row files");
    }
    let mut opts = opts.clone();
    opts.command = super::merge::merged_command(&first.command, false, opts.xlsx);
    let plan = SweepPlan {
        folder: &first.folder,
        paths: &first.paths,
        labels: &first.labels,
        scenarios: &scenarios,
        base: &base,
    };
    drop(step);
    let dir = write_sweep_folder(&plan, &runs, first.seed, None, &opts, out)?;
    println!("  merged {} shards; wrote {}", first.shard.m, dir.display());
    Ok(())
}

/// Checks that the manifests are those of the M shards of one sweep, each once; the error names
/// the shard folder and what differs, or the shards missing.
fn check_same_sweep(dirs: &[PathBuf], manifests: &[SweepManifest]) -> Result<()> {
    let first = &manifests[0];
    let this = env!("CARGO_PKG_VERSION");
    for (d, m) in dirs.iter().zip(manifests) {
        if m.version != this {
            return Err(Error::Usage(format!(
                "{}: written by leaksim {}, but this is leaksim {this}: merge with the version that ran the shards",
                d.display(),
                m.version
            )));
        }
        let show = |v: &[Vec<String>]| {
            v.iter()
                .map(|p| p.join(" x "))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let differ = [
            (
                m.folder != first.folder,
                "sweep name",
                first.folder.clone(),
                m.folder.clone(),
            ),
            (
                m.digest != first.digest,
                "base scenario digest",
                first.digest.clone(),
                format!("{} (the scenario or a --set differs)", m.digest),
            ),
            (
                m.paths != first.paths,
                "varied paths",
                first.paths.join(", "),
                m.paths.join(", "),
            ),
            (
                m.labels != first.labels,
                "points",
                show(&first.labels),
                show(&m.labels),
            ),
            (
                m.seed != first.seed,
                "seed",
                first.seed.to_string(),
                m.seed.to_string(),
            ),
            (
                m.replications != first.replications,
                "replications (--reps)",
                first.replications.to_string(),
                m.replications.to_string(),
            ),
            (
                m.shard.m != first.shard.m,
                "shard count (M of --shard K/M)",
                first.shard.m.to_string(),
                m.shard.m.to_string(),
            ),
        ];
        if let Some((_, what, a, b)) = differ.iter().find(|x| x.0) {
            return Err(Error::Usage(format!(
                "{}: not a shard of the same sweep as {}: {what} {b}, not {a}",
                d.display(),
                dirs[0].display()
            )));
        }
    }
    let shards: Vec<_> = manifests.iter().map(|man| man.shard).collect();
    super::shard::in_shard_order(dirs, &shards, &format!("sweep `{}`", first.folder))?;
    Ok(())
}

/// What `sweep.toml` says of a sweep shard.
#[derive(Clone, Debug, PartialEq)]
struct SweepManifest {
    version: String,
    folder: String,
    digest: String,
    seed: u64,
    replications: u64,
    shard: Shard,
    command: String,
    paths: Vec<String>,
    labels: Vec<Vec<String>>,
}

impl SweepManifest {
    fn to_toml(&self) -> String {
        let mut t = toml::Table::new();
        let int = |v: u64| toml::Value::Integer(v as i64);
        let text = |v: &str| toml::Value::String(v.to_string());
        let texts = |v: &[String]| toml::Value::Array(v.iter().map(|x| text(x)).collect());
        t.insert("leaksim_version".into(), text(&self.version));
        t.insert("sweep".into(), text(&self.folder));
        t.insert("digest".into(), text(&self.digest));
        t.insert("seed".into(), int(self.seed));
        t.insert("replications".into(), int(self.replications));
        t.insert("shard".into(), int(self.shard.k));
        t.insert("shards".into(), int(self.shard.m));
        t.insert("command".into(), text(&self.command));
        t.insert("paths".into(), texts(&self.paths));
        t.insert(
            "points".into(),
            toml::Value::Array(self.labels.iter().map(|l| texts(l)).collect()),
        );
        format!(
            "# A shard of a leaksim sweep: replications of `replications`, at every point (point-NNN/).\n# `leaksim merge` joins the shards of one sweep into its results folder.\n{}",
            toml::to_string(&t).unwrap_or_default()
        )
    }

    fn read(dir: &Path) -> Result<SweepManifest> {
        let f = ManifestFile::read(
            dir,
            SWEEP_MANIFEST,
            "a sweep shard folder (no sweep.toml; sweep shards are written by `leaksim sweep --shard K/M`), and shards of a sweep and of runs cannot be merged together",
        )?;
        let texts = |v: &toml::Value| -> Result<Vec<String>> {
            v.as_array()
                .ok_or_else(|| f.bad("a list expected"))?
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| f.bad("text expected"))
                })
                .collect()
        };
        let paths = texts(f.t.get("paths").ok_or_else(|| f.bad("no `paths`"))?)?;
        let labels =
            f.t.get("points")
                .and_then(toml::Value::as_array)
                .ok_or_else(|| f.bad("no `points`"))?
                .iter()
                .map(texts)
                .collect::<Result<Vec<_>>>()?;
        if labels.is_empty() || labels.iter().any(|l| l.len() != paths.len()) {
            return Err(f.bad("points do not match the varied paths"));
        }
        Ok(SweepManifest {
            version: f.text("leaksim_version")?,
            folder: f.text("sweep")?,
            digest: f.text("digest")?,
            seed: f.int("seed")?,
            replications: f.int("replications")?,
            shard: f.shard()?,
            command: f.text("command")?,
            paths,
            labels,
        })
    }
}
