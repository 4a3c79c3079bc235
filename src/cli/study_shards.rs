//! Shards of a study (`leaksim sweep --shard K/M`, `leaksim tornado --shard K/M`): one range of
//! the replications of every point the study runs, written as a study shard folder; `leaksim
//! merge` joins the M study shard folders into the folder the study writes in one go.
//!
//! A study shard folder holds `study.toml` (the study's kind and name, base scenario digest, seed,
//! replications, K and M, version, command, and what the study needs to write its tables), the
//! base scenario resolved (`scenario.resolved.toml`), and one run shard folder per point
//! (`point-000/`, `point-001/`, ...), which merge joins as it joins a run's.

use super::shard::{write_shard, ManifestFile, Shard};
use super::*;
use crate::output;
use crate::output::folder::Staged;
use crate::sim::runner::{RunConfig, RunResult};

/// The manifest of a study shard folder.
pub const STUDY_MANIFEST: &str = "study.toml";

/// What a study needs, beside its points' runs, to write its folder.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum StudyKind {
    /// A sweep: the varied paths and each point's values.
    Sweep {
        paths: Vec<String>,
        labels: Vec<Vec<String>>,
    },
    /// A tornado: its metric and each swung parameter's (path, low, high).
    Tornado {
        metric: String,
        swings: Vec<(String, f64, f64)>,
    },
}

impl StudyKind {
    fn name(&self) -> &'static str {
        match self {
            StudyKind::Sweep { .. } => "sweep",
            StudyKind::Tornado { .. } => "tornado",
        }
    }
}

/// A study to shard: its kind, folder name, the scenario of each point, and its base scenario
/// (recorded in its folder).
pub(crate) struct ShardedStudy<'a> {
    pub kind: StudyKind,
    pub folder: &'a str,
    pub scenarios: &'a [Scenario],
    pub base: &'a Scenario,
}

/// The folder of point `i` inside a study shard folder.
fn point_dir(i: usize) -> String {
    format!("point-{i:03}")
}

/// Whether `dir` is a study shard folder.
pub(crate) fn is_study_shard(dir: &Path) -> bool {
    dir.join(STUDY_MANIFEST).is_file()
}

/// Runs shard `shard` of every point of `study` under `cfg` and writes the study shard folder
/// `out/<folder>/`, replaced whole. `precision` says whether `--precision` was given (refused).
pub(crate) fn run_study_shard(
    study: &ShardedStudy,
    cfg: &RunConfig,
    opts: &SimOptions,
    precision: bool,
    shard: Shard,
    out: &Path,
) -> Result<()> {
    let refused = [
        (
            precision,
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
    check_replications(cfg.replications)?;
    shard.check(cfg.replications, study.folder)?;
    let (first, count) = shard.range(cfg.replications);
    let points = study.scenarios.len();
    let rows = study.scenarios.iter().fold(0u64, |a, s| {
        a.saturating_add(output::disk::spool_bytes(s, count))
    });
    let what = format!("shard {}/{} of {points} points", shard.k, shard.m);
    output::disk::check(out, rows, &what, "split it into more shards, ")?;
    let stage = Staged::begin(&out.join(study.folder))?;
    let dir = stage.path().to_path_buf();
    let start = std::time::Instant::now();
    for (i, s) in study.scenarios.iter().enumerate() {
        let label = format!(
            "{} point {}/{points} shard {}/{}",
            study.folder,
            i + 1,
            shard.k,
            shard.m
        );
        write_shard(s, cfg, opts, &[], shard, &dir.join(point_dir(i)), &label)?;
    }
    let resolved = study.base.resolved_toml(cfg.seed, cfg.replications);
    output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    let manifest = StudyManifest {
        kind: study.kind.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        folder: study.folder.to_string(),
        digest: study.base.digest(),
        seed: cfg.seed,
        replications: cfg.replications,
        shard,
        command: opts.command.clone(),
        points,
    };
    output::write_atomic(&dir.join(STUDY_MANIFEST), |w| {
        w.write_all(manifest.to_toml().as_bytes())
    })?;
    let target = stage.target().to_path_buf();
    stage.commit()?;
    println!(
        "{}: shard {}/{} of {points} points, replications {first}..{} of {} (seed {}) in {:.2} s\n  wrote {}",
        study.folder,
        shard.k,
        shard.m,
        first + count,
        cfg.replications,
        cfg.seed,
        start.elapsed().as_secs_f64(),
        target.display()
    );
    Ok(())
}

/// `leaksim merge` of study shard folders: checks that they are the M shards of one study, joins
/// each point's shards as a run's, and writes the study's folder as the study itself does.
pub(crate) fn merge_study(dirs: &[PathBuf], opts: &SimOptions, out: &Path) -> Result<()> {
    let manifests = dirs
        .iter()
        .map(|d| StudyManifest::read(d))
        .collect::<Result<Vec<_>>>()?;
    let first = &manifests[0];
    check_same_study(dirs, &manifests)?;
    crate::scenario::check_folder_name(&first.folder).map_err(|m| {
        Error::Usage(format!(
            "{}: study name {}: {m}",
            dirs[0].display(),
            first.folder
        ))
    })?;
    let base = super::shard::load_resolved(&dirs[0], &first.digest, "study manifest")?;
    let step = super::progress::Step::start(
        &format!(
            "merging {} {} shard folders of {} points: statistics and charts",
            dirs.len(),
            first.kind.name(),
            first.points
        ),
        opts.quiet,
    );
    let mut scenarios = Vec::with_capacity(first.points);
    let mut runs: Vec<RunResult> = Vec::with_capacity(first.points);
    for i in 0..first.points {
        let point: Vec<PathBuf> = dirs.iter().map(|d| d.join(point_dir(i))).collect();
        let (s, _, run) = super::merge::join(&point, false)?;
        scenarios.push(s);
        runs.push(run);
    }
    if opts.parquet {
        eprintln!(
            "note: --parquet changes nothing for a sweep or a tornado, which write no row files"
        );
    }
    let mut opts = opts.clone();
    opts.command = super::merge::merged_command(&first.command, false, opts.xlsx);
    drop(step);
    let dir = match &first.kind {
        StudyKind::Sweep { paths, labels } => {
            let plan = super::sweep::SweepPlan {
                folder: &first.folder,
                paths,
                labels,
                base: &base,
            };
            super::sweep::write_sweep_folder(&plan, &runs, first.seed, None, &opts, out)?
        }
        StudyKind::Tornado { metric, swings } => {
            let index = metric_index(metric)?;
            let (mean, rows) = crate::analysis::tornado::tornado_rows(swings, &runs, index)?;
            let cfg = RunConfig {
                seed: first.seed,
                replications: first.replications,
                threads: None,
                max_events: opts.max_events(),
            };
            super::tornado::write_tornado_folder(&base, metric, mean, &rows, &cfg, &opts, out)?
        }
    };
    println!("  merged {} shards; wrote {}", first.shard.m, dir.display());
    Ok(())
}

/// Checks that the manifests are those of the M shards of one study, each once; the error names
/// the shard folder and what differs, or the shards missing.
fn check_same_study(dirs: &[PathBuf], manifests: &[StudyManifest]) -> Result<()> {
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
        let differ = [
            (
                m.kind.name() != first.kind.name(),
                "kind of study",
                first.kind.name().to_string(),
                m.kind.name().to_string(),
            ),
            (
                m.folder != first.folder,
                "name",
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
                m.kind != first.kind,
                "points",
                first.kind.describe(),
                m.kind.describe(),
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
                "{}: not a shard of the same study as {}: {what} {b}, not {a}",
                d.display(),
                dirs[0].display()
            )));
        }
    }
    let shards: Vec<_> = manifests.iter().map(|man| man.shard).collect();
    let what = format!("{} `{}`", first.kind.name(), first.folder);
    super::shard::in_shard_order(dirs, &shards, &what)?;
    Ok(())
}

impl StudyKind {
    /// Its points, in words, for an error.
    fn describe(&self) -> String {
        match self {
            StudyKind::Sweep { paths, labels } => format!(
                "{}: {}",
                paths.join(" x "),
                labels
                    .iter()
                    .map(|p| p.join(" x "))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            StudyKind::Tornado { metric, swings } => format!(
                "--metric {metric}; {}",
                swings
                    .iter()
                    .map(|(p, lo, hi)| format!("{p} from {lo} to {hi}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// What `study.toml` says of a study shard.
#[derive(Clone, Debug, PartialEq)]
struct StudyManifest {
    kind: StudyKind,
    version: String,
    folder: String,
    digest: String,
    seed: u64,
    replications: u64,
    shard: Shard,
    command: String,
    points: usize,
}

impl StudyManifest {
    fn to_toml(&self) -> String {
        use toml::Value;
        let mut t = toml::Table::new();
        let int = |v: u64| Value::Integer(v as i64);
        let text = |v: &str| Value::String(v.to_string());
        let texts = |v: &[String]| Value::Array(v.iter().map(|x| text(x)).collect());
        t.insert("study".into(), text(self.kind.name()));
        t.insert("leaksim_version".into(), text(&self.version));
        t.insert("name".into(), text(&self.folder));
        t.insert("digest".into(), text(&self.digest));
        t.insert("seed".into(), int(self.seed));
        t.insert("replications".into(), int(self.replications));
        t.insert("shard".into(), int(self.shard.k));
        t.insert("shards".into(), int(self.shard.m));
        t.insert("command".into(), text(&self.command));
        t.insert("points".into(), int(self.points as u64));
        match &self.kind {
            StudyKind::Sweep { paths, labels } => {
                t.insert("paths".into(), texts(paths));
                let values = labels.iter().map(|l| texts(l)).collect();
                t.insert("values".into(), Value::Array(values));
            }
            StudyKind::Tornado { metric, swings } => {
                t.insert("metric".into(), text(metric));
                let swings = swings
                    .iter()
                    .map(|(p, lo, hi)| {
                        let mut s = toml::Table::new();
                        s.insert("path".into(), text(p));
                        s.insert("low".into(), Value::Float(*lo));
                        s.insert("high".into(), Value::Float(*hi));
                        Value::Table(s)
                    })
                    .collect();
                t.insert("swings".into(), Value::Array(swings));
            }
        }
        format!(
            "# A shard of a leaksim {}: replications of `replications`, at every point (point-NNN/).\n# `leaksim merge` joins the shards of one study into its results folder.\n{}",
            self.kind.name(),
            toml::to_string(&t).unwrap_or_default()
        )
    }

    fn read(dir: &Path) -> Result<StudyManifest> {
        let f = ManifestFile::read(
            dir,
            STUDY_MANIFEST,
            "a sweep or tornado shard folder (no study.toml; they are written by `leaksim sweep --shard K/M` and `leaksim tornado --shard K/M`), and shards of a study and of runs cannot be merged together",
        )?;
        let list = |k: &str| -> Result<&Vec<toml::Value>> {
            f.t.get(k)
                .and_then(toml::Value::as_array)
                .ok_or_else(|| f.bad(&format!("no list `{k}`")))
        };
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
        let points = f.int("points")? as usize;
        let kind = match f.text("study")?.as_str() {
            "sweep" => {
                let paths = texts(f.t.get("paths").ok_or_else(|| f.bad("no `paths`"))?)?;
                let labels = list("values")?
                    .iter()
                    .map(texts)
                    .collect::<Result<Vec<_>>>()?;
                if labels.len() != points || labels.iter().any(|l| l.len() != paths.len()) {
                    return Err(f.bad("values do not match the points and varied paths"));
                }
                StudyKind::Sweep { paths, labels }
            }
            "tornado" => {
                let number = |s: &toml::Value, k: &str| {
                    s.get(k)
                        .and_then(toml::Value::as_float)
                        .ok_or_else(|| f.bad(&format!("a swing without a number `{k}`")))
                };
                let swings = list("swings")?
                    .iter()
                    .map(|s| {
                        let path = s.get("path").and_then(toml::Value::as_str);
                        let path = path.ok_or_else(|| f.bad("a swing without a `path`"))?;
                        Ok((path.to_string(), number(s, "low")?, number(s, "high")?))
                    })
                    .collect::<Result<Vec<_>>>()?;
                if points != 1 + 2 * swings.len() {
                    return Err(f.bad("points do not match the swings"));
                }
                StudyKind::Tornado {
                    metric: f.text("metric")?,
                    swings,
                }
            }
            other => return Err(f.bad(&format!("unknown study `{other}`"))),
        };
        if points == 0 {
            return Err(f.bad("no points"));
        }
        Ok(StudyManifest {
            kind,
            version: f.text("leaksim_version")?,
            folder: f.text("name")?,
            digest: f.text("digest")?,
            seed: f.int("seed")?,
            replications: f.int("replications")?,
            shard: f.shard()?,
            command: f.text("command")?,
            points,
        })
    }
}
