//! `leaksim run --shard K/M`: one of M contiguous ranges of a run's replications, written as a
//! shard folder that `leaksim merge` joins with the others into the run's folder.
//!
//! A shard folder holds `manifest.toml` (what run it belongs to), `scenario.resolved.toml`, the
//! rows of its replications exactly (`rows.bin`, `paths.bin`) and its part of the daily timeline
//! (`timeline.bin`).

use super::progress::Bar;
use super::*;
use crate::analysis::precision::Progress;
use crate::output::folder::Staged;
use crate::sim::execute::{Executor, Study};
use crate::sim::runner;
use crate::sim::spool::Spool;
use crate::sim::timeline::Timeline;

/// The manifest file of a shard folder.
pub const MANIFEST: &str = "manifest.toml";
/// The timeline file of a shard folder.
pub const TIMELINE: &str = "timeline.bin";
/// Version of the shard folder's layout.
pub const FORMAT: i64 = 1;

/// `--shard K/M`: the K-th (0-based) of M contiguous ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This shard (0-based).
    pub k: u64,
    /// Shards in all.
    pub m: u64,
}

impl Shard {
    /// Parses `K/M` (0 <= K < M).
    pub fn parse(text: &str) -> std::result::Result<Shard, String> {
        let bad = || {
            format!("expected K/M with 0 <= K < M (e.g. 0/4, or $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), found `{text}`")
        };
        let (k, m) = text.split_once('/').ok_or_else(bad)?;
        let (k, m): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            m.trim().parse().map_err(|_| bad())?,
        );
        if m == 0 || k >= m {
            return Err(bad());
        }
        Ok(Shard { k, m })
    }

    /// Refuses more shards than the `n` replications of `name` (a shard would be empty).
    pub fn check(&self, n: u64, name: &str) -> Result<()> {
        if self.m > n {
            return Err(Error::Usage(format!(
                "--shard {}/{}: more shards than the {n} replications of `{name}`",
                self.k, self.m
            )));
        }
        Ok(())
    }

    /// Its replications of `n`: `(first, count)`, the ranges of the M shards covering 0..n once.
    pub fn range(&self, n: u64) -> (u64, u64) {
        let at = |k: u64| (u128::from(n) * u128::from(k) / u128::from(self.m)) as u64;
        (at(self.k), at(self.k + 1) - at(self.k))
    }
}

/// Runs shard `shard` of `s` and writes its folder `out/<name>/`, replaced whole.
pub(crate) fn run_shard(
    s: &Scenario,
    opts: &SimOptions,
    thresholds: &[f64],
    shard: Shard,
    out: &Path,
) -> Result<()> {
    let cfg = opts.config(s);
    shard.check(cfg.replications, &s.name)?;
    let stage = Staged::begin(&out.join(&s.name))?;
    let label = format!("{} shard {}/{}", s.name, shard.k, shard.m);
    let (first, count, elapsed) =
        write_shard(s, &cfg, opts, thresholds, shard, stage.path(), &label)?;
    let target = stage.target().to_path_buf();
    stage.commit()?;
    println!(
        "{}: shard {}/{}, replications {}..{} of {} (seed {}) in {:.2} s\n  wrote {}",
        s.name,
        shard.k,
        shard.m,
        first,
        first + count,
        cfg.replications,
        cfg.seed,
        elapsed,
        target.display()
    );
    Ok(())
}

/// Runs shard `shard` of `s` under `cfg` and writes its files into `dir` (made if missing): rows,
/// timeline, resolved scenario, manifest. Returns its first replication, its count and its
/// seconds; `label` names it on the progress bar. The caller has checked `shard` against the
/// replications (`Shard::check`) before making any folder.
pub(crate) fn write_shard(
    s: &Scenario,
    cfg: &runner::RunConfig,
    opts: &SimOptions,
    thresholds: &[f64],
    shard: Shard,
    dir: &Path,
    label: &str,
) -> Result<(u64, u64, f64)> {
    let (first, count) = shard.range(cfg.replications);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let exec = Executor::new(cfg.threads, cfg.max_events)?;
    let bar = Bar::new(opts.quiet);
    bar.planned(label, count);
    let study = Study::new(std::slice::from_ref(s), cfg.seed);
    let mut outputs = study.outputs(|s| {
        let (w, p, r) = (s.window_columns().len(), s.params.len(), s.reach_len());
        Spool::create_from(dir, w, p, r, first)
    })?;
    exec.execute(&study, first..first + count, &mut outputs, &bar)?;
    bar.finish();
    let out = outputs.pop().expect("one point, one output");
    drop(out.rows);
    let elapsed = out.elapsed.as_secs_f64();
    let timeline = out.timeline;
    crate::output::write_atomic(&dir.join(TIMELINE), |w| w.write_all(&timeline.to_bytes()))?;
    let resolved = s.resolved_toml(cfg.seed, cfg.replications);
    crate::output::write_atomic(&dir.join("scenario.resolved.toml"), |w| {
        w.write_all(resolved.as_bytes())
    })?;
    let manifest = Manifest {
        scenario: s.name.clone(),
        digest: s.digest(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        seed: cfg.seed,
        replications: cfg.replications,
        shard,
        first,
        count,
        command: opts.command.clone(),
        thresholds: thresholds.to_vec(),
        elapsed,
        threads: exec.threads(),
        sha256: Manifest::checksums(dir)?,
    };
    crate::output::write_atomic(&dir.join(MANIFEST), |w| {
        w.write_all(manifest.to_toml().as_bytes())
    })?;
    Ok((first, count, elapsed))
}

/// What `manifest.toml` says of a shard.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Scenario name.
    pub scenario: String,
    /// Scenario digest (SHA-256 of the resolved scenario).
    pub digest: String,
    /// leaksim version that ran it.
    pub version: String,
    /// Seed.
    pub seed: u64,
    /// Replications of the whole run (N).
    pub replications: u64,
    /// Which shard.
    pub shard: Shard,
    /// Its first replication.
    pub first: u64,
    /// Its replications.
    pub count: u64,
    /// The command that reproduces the whole run in one go (`--shard` left out).
    pub command: String,
    /// `--thresholds` of tail.csv.
    pub thresholds: Vec<f64>,
    /// Seconds it ran.
    pub elapsed: f64,
    /// Threads it ran on.
    pub threads: usize,
    /// SHA-256 of each data file of the folder (`rows.bin`, `paths.bin`, `timeline.bin`), by name.
    pub sha256: Vec<(String, String)>,
}

/// The data files of a shard folder, each checksummed in its manifest.
pub const DATA_FILES: [&str; 3] = [
    crate::sim::spool::ROWS_FILE,
    crate::sim::spool::PATHS_FILE,
    TIMELINE,
];

/// The key of the manifest's own checksum: the last line of `manifest.toml`, the SHA-256 of the
/// text before it.
const SELF_SUM: &str = "manifest = \"";

/// Longest a shard may have run, in seconds (a century): more is a damaged manifest.
const MOST_SECONDS: f64 = 3.2e9;

impl Manifest {
    fn to_toml(&self) -> String {
        let mut t = toml::Table::new();
        let int = |v: u64| toml::Value::Integer(v as i64);
        let text = |v: &str| toml::Value::String(v.to_string());
        t.insert("format".into(), toml::Value::Integer(FORMAT));
        t.insert("leaksim_version".into(), text(&self.version));
        t.insert("scenario".into(), text(&self.scenario));
        t.insert("digest".into(), text(&self.digest));
        t.insert("seed".into(), int(self.seed));
        t.insert("replications".into(), int(self.replications));
        t.insert("shard".into(), int(self.shard.k));
        t.insert("shards".into(), int(self.shard.m));
        t.insert("first".into(), int(self.first));
        t.insert("count".into(), int(self.count));
        t.insert("command".into(), text(&self.command));
        t.insert(
            "thresholds".into(),
            toml::Value::Array(
                self.thresholds
                    .iter()
                    .map(|v| toml::Value::Float(*v))
                    .collect(),
            ),
        );
        t.insert("elapsed_seconds".into(), toml::Value::Float(self.elapsed));
        t.insert("threads".into(), int(self.threads as u64));
        let sums: toml::Table = self
            .sha256
            .iter()
            .map(|(f, h)| (f.clone(), text(h)))
            .collect();
        t.insert("sha256".into(), toml::Value::Table(sums));
        let body = format!(
            "# A shard of a leaksim run: replications first..first+count of `replications`.\n# `leaksim merge` joins the shards of one run into its results folder; it checks each\n# file against its SHA-256 below, and this file against the last line's.\n{}",
            toml::to_string(&t).unwrap_or_default()
        );
        let sum = crate::output::checked::sha256(body.as_bytes());
        format!("{body}{SELF_SUM}{sum}\"\n")
    }

    /// The SHA-256 of each data file of the shard folder `dir`, by name.
    pub fn checksums(dir: &Path) -> Result<Vec<(String, String)>> {
        DATA_FILES
            .iter()
            .map(|f| {
                Ok((
                    f.to_string(),
                    crate::output::checked::sha256_file(&dir.join(f))?,
                ))
            })
            .collect()
    }

    /// Refuses the shard folder `dir` unless each data file has the checksum its manifest records.
    pub fn verify(&self, dir: &Path) -> Result<()> {
        for f in DATA_FILES {
            let path = dir.join(f);
            let want = self
                .sha256
                .iter()
                .find(|(n, _)| n == f)
                .map(|(_, h)| h.as_str())
                .ok_or_else(|| {
                    Error::damaged(dir.join(MANIFEST), format!("no checksum of `{f}`"))
                })?;
            let got = crate::output::checked::sha256_file(&path)?;
            if got != want {
                return Err(Error::damaged(
                    &path,
                    format!("its SHA-256 is {got}, not the {want} its manifest records (changed since the shard wrote it)"),
                ));
            }
        }
        Ok(())
    }

    /// Reads the manifest of the shard folder `dir`.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let f = ManifestFile::read(
            dir,
            MANIFEST,
            "a shard folder (no manifest.toml; shards are written by `leaksim run --shard K/M`)",
        )?;
        // A manifest of another leaksim version is refused for its version (see `merge`).
        if f.text("leaksim_version")? == env!("CARGO_PKG_VERSION") {
            f.check_self_sum()?;
        }
        let format = f.int("format")?;
        if format != FORMAT as u64 {
            return Err(f.bad(&format!("format {format} (this leaksim reads {FORMAT})")));
        }
        let thresholds =
            f.t.get("thresholds")
                .and_then(toml::Value::as_array)
                .ok_or_else(|| f.bad("no `thresholds`"))?
                .iter()
                .map(|v| {
                    v.as_float()
                        .ok_or_else(|| f.bad("a threshold is not a number"))
                })
                .collect::<Result<Vec<f64>>>()?;
        Ok(Manifest {
            scenario: f.text("scenario")?,
            digest: f.text("digest")?,
            version: f.text("leaksim_version")?,
            seed: f.int("seed")?,
            replications: f.int("replications")?,
            shard: f.shard()?,
            first: f.int("first")?,
            count: f.int("count")?,
            command: f.text("command")?,
            thresholds,
            elapsed: match f.t.get("elapsed_seconds").and_then(toml::Value::as_float) {
                Some(e) if (0.0..=MOST_SECONDS).contains(&e) => e,
                Some(e) => {
                    return Err(f.damaged(&format!(
                    "`elapsed_seconds` is {e}, not a number of seconds from 0 to {MOST_SECONDS:e}"
                )))
                }
                None => 0.0,
            },
            threads: f.int("threads").unwrap_or(1).clamp(1, 1 << 16) as usize,
            sha256: match f.t.get("sha256").and_then(toml::Value::as_table) {
                Some(t) => t
                    .iter()
                    .map(|(k, v)| {
                        v.as_str()
                            .map(|h| (k.clone(), h.to_string()))
                            .ok_or_else(|| f.damaged("a checksum is not text"))
                    })
                    .collect::<Result<_>>()?,
                None => return Err(f.damaged("no checksums (`[sha256]`)")),
            },
        })
    }

    /// Reads the timeline of the shard folder `dir`, of `days` days (the scenario's).
    pub fn timeline(dir: &Path, days: usize) -> Result<Timeline> {
        let path = dir.join(TIMELINE);
        let size = Timeline::bytes_for(days)
            .ok_or_else(|| Error::damaged(&path, "too many days for a timeline"))?;
        let bytes = crate::output::checked::read_at_most(&path, size)?;
        Timeline::from_bytes(&bytes).ok_or_else(|| {
            Error::damaged(
                &path,
                format!("not a complete leaksim timeline of {days} days"),
            )
        })
    }
}

/// A shard manifest's table (`manifest.toml`, `study.toml`), with errors that name its file.
pub(crate) struct ManifestFile {
    path: PathBuf,
    /// The table as read.
    pub t: toml::Table,
    /// The text as read.
    text: String,
}

impl ManifestFile {
    /// Reads `dir/name`; a folder without it is "not `what`".
    pub fn read(dir: &Path, name: &str, what: &str) -> Result<ManifestFile> {
        let path = dir.join(name);
        if !path.is_file() {
            return Err(Error::Usage(format!("{}: not {what}", dir.display())));
        }
        let text = crate::scenario::tree::read_bounded(&path)
            .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
        let t = text.parse().map_err(|e| {
            Error::Usage(format!(
                "{}: not a leaksim shard manifest ({e})",
                path.display()
            ))
        })?;
        Ok(ManifestFile { path, t, text })
    }

    /// Refuses the file unless its last line is the SHA-256 of the text before it.
    pub fn check_self_sum(&self) -> Result<()> {
        let at = self
            .text
            .rfind(SELF_SUM)
            .ok_or_else(|| self.damaged("no checksum of its own (`manifest = \"...\"` last)"))?;
        let (body, last) = self.text.split_at(at);
        let want = last[SELF_SUM.len()..].trim_end().trim_end_matches('"');
        let got = crate::output::checked::sha256(body.as_bytes());
        if got != want {
            return Err(self.damaged(&format!(
                "its text has changed since it was written (SHA-256 {got}, not the {want} it records)"
            )));
        }
        Ok(())
    }

    /// A damaged-file error naming the manifest.
    pub fn damaged(&self, what: &str) -> Error {
        Error::damaged(&self.path, what)
    }

    /// An error naming the file and what is wrong with it.
    pub fn bad(&self, what: &str) -> Error {
        Error::Usage(format!(
            "{}: not a leaksim shard manifest ({what})",
            self.path.display()
        ))
    }

    /// The whole number at `key`.
    pub fn int(&self, key: &str) -> Result<u64> {
        self.t
            .get(key)
            .and_then(toml::Value::as_integer)
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| self.bad(&format!("no whole number `{key}`")))
    }

    /// The text at `key`.
    pub fn text(&self, key: &str) -> Result<String> {
        self.t
            .get(key)
            .and_then(toml::Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| self.bad(&format!("no text `{key}`")))
    }

    /// The shard (`shard`, `shards`), checked.
    pub fn shard(&self) -> Result<Shard> {
        let shard = Shard {
            k: self.int("shard")?,
            m: self.int("shards")?,
        };
        if shard.m == 0 || shard.k >= shard.m {
            return Err(self.bad("shard outside 0..shards"));
        }
        Ok(shard)
    }
}

/// The folders `dirs` (holding `shards`, all of one M) in shard order: refuses a shard given twice
/// or missing, naming `what` ran (a scenario, a sweep).
pub(crate) fn in_shard_order(dirs: &[PathBuf], shards: &[Shard], what: &str) -> Result<Vec<usize>> {
    let m = shards[0].m;
    let mut order: Vec<Option<usize>> = vec![None; m as usize];
    for (i, sh) in shards.iter().enumerate() {
        if let Some(j) = order[sh.k as usize] {
            return Err(Error::Usage(format!(
                "{} and {} are both shard {}/{m} of {what}",
                dirs[j].display(),
                dirs[i].display(),
                sh.k
            )));
        }
        order[sh.k as usize] = Some(i);
    }
    let missing: Vec<String> = (0..m)
        .filter(|&k| order[k as usize].is_none())
        .map(|k| format!("{k}/{m}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "{what} ran in {m} shards and shard {} {} missing: merge needs every one (given: {})",
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        )));
    }
    Ok(order.into_iter().flatten().collect())
}

/// The scenario `dir/scenario.resolved.toml` of a shard folder, refused unless it has the digest
/// its `manifest` records.
pub(crate) fn load_resolved(dir: &Path, digest: &str, manifest: &str) -> Result<Scenario> {
    let resolved = dir.join("scenario.resolved.toml");
    let s = Scenario::load(&resolved, &[])?;
    if s.digest() != digest {
        return Err(Error::Usage(format!(
            "{}: its scenario digest is {}, not the {digest} its {manifest} records (was the file edited?)",
            resolved.display(),
            s.digest()
        )));
    }
    Ok(s)
}
