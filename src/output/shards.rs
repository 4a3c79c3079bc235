//! Shard folders. A run shard folder (`leaksim run --shard K/M`) holds `manifest.toml`, the
//! scenario resolved, its replications' rows exactly (`rows.bin`, `paths.bin`) and its part of
//! the daily timeline (`timeline.bin`). A study shard folder (`sweep --shard`, `tornado --shard`)
//! holds `study.toml`, the base scenario resolved and one run shard folder per point
//! (`point-000/`, ...).
//!
//! The manifests are serde types, written and read by the same type. Reading checks what can be
//! checked (the manifest's own checksum, each data file's SHA-256, the scenario digest, that the
//! folders given are the M shards of one run or study) and joins a run's shards into one result.

use super::manifest::{in_shard_order, read_manifest, write_manifest, MANIFEST};
use crate::analysis::memory;
use crate::error::{Error, Result};
use crate::output::checked::{read_at_most, sha256_file};
use crate::scenario::Scenario;
use crate::sim::execute::Shard;
use crate::sim::runner::{timeline_days, RunResult};
use crate::sim::spool::{Spool, PATHS_FILE, ROWS_FILE};
use crate::sim::timeline::Timeline;
use serde::{Deserialize, Serialize};

pub use super::manifest::{FORMAT, STUDY_MANIFEST};
use std::path::{Path, PathBuf};

/// The timeline file of a shard folder.
pub const TIMELINE: &str = "timeline.bin";
/// The data files of a run shard folder, each checksummed in its manifest.
pub const DATA_FILES: [&str; 3] = [ROWS_FILE, PATHS_FILE, TIMELINE];
/// Most replications a run may have (see `leaksim run --reps`).
const MOST_REPLICATIONS: u64 = 2_000_000_000;
/// Longest a shard may have run, in seconds (a century): more is a damaged manifest.
const MOST_SECONDS: f64 = 3.2e9;

/// The SHA-256 of each data file of a run shard folder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sums {
    /// Of `rows.bin`.
    #[serde(rename = "rows.bin")]
    pub rows: String,
    /// Of `paths.bin`.
    #[serde(rename = "paths.bin")]
    pub paths: String,
    /// Of `timeline.bin`.
    #[serde(rename = "timeline.bin")]
    pub timeline: String,
}

/// What `manifest.toml` says of a run shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Layout version ([`FORMAT`]).
    pub format: u32,
    /// leaksim version that ran it.
    pub leaksim_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario digest (SHA-256 of the resolved scenario).
    pub digest: String,
    /// Seed.
    pub seed: u64,
    /// Replications of the whole run (N).
    pub replications: u64,
    /// This shard, K (0-based).
    pub shard: u64,
    /// Shards in all, M.
    pub shards: u64,
    /// Its first replication.
    pub first: u64,
    /// Its replications.
    pub count: u64,
    /// The command that reproduces the whole run in one go (`--shard` left out).
    pub command: String,
    /// `--thresholds` of tail.csv.
    pub thresholds: Vec<f64>,
    /// Seconds it ran.
    #[serde(default)]
    pub elapsed_seconds: f64,
    /// Threads it ran on.
    #[serde(default = "one_thread")]
    pub threads: usize,
    /// SHA-256 of each data file.
    pub sha256: Sums,
}

fn one_thread() -> usize {
    1
}

impl Manifest {
    /// Which shard this is.
    pub fn which(&self) -> Shard {
        Shard {
            k: self.shard,
            m: self.shards,
        }
    }

    /// Writes it as `dir/manifest.toml`, its own checksum last.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST);
        write_manifest(
            &path,
            "# A shard of a leaksim run: replications first..first+count of `replications`.\n# `leaksim merge` joins the shards of one run into its results folder; it checks each\n# file against its SHA-256 below, and this file against the last line's.\n",
            self,
        )
    }

    /// Reads and checks the manifest of the shard folder `dir`.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let m: Manifest = read_manifest(
            dir,
            MANIFEST,
            "a shard folder (no manifest.toml; shards are written by `leaksim run --shard K/M`)",
        )?;
        let path = dir.join(MANIFEST);
        if m.shards == 0 || m.shard >= m.shards {
            return Err(Error::damaged(&path, "shard outside 0..shards"));
        }
        if !(0.0..=MOST_SECONDS).contains(&m.elapsed_seconds) {
            return Err(Error::damaged(
                &path,
                format!(
                    "`elapsed_seconds` is {}, not a number of seconds from 0 to {MOST_SECONDS:e}",
                    m.elapsed_seconds
                ),
            ));
        }
        if m.replications == 0 || m.replications > MOST_REPLICATIONS {
            return Err(Error::damaged(
                &path,
                format!(
                    "{} replications, not 1 to {MOST_REPLICATIONS}",
                    m.replications
                ),
            ));
        }
        Ok(Manifest {
            threads: m.threads.clamp(1, 1 << 16),
            ..m
        })
    }

    /// The SHA-256 of each data file of the shard folder `dir`.
    pub fn checksums(dir: &Path) -> Result<Sums> {
        Ok(Sums {
            rows: sha256_file(&dir.join(ROWS_FILE))?,
            paths: sha256_file(&dir.join(PATHS_FILE))?,
            timeline: sha256_file(&dir.join(TIMELINE))?,
        })
    }

    /// Refuses the shard folder `dir` unless each data file has the checksum its manifest records.
    pub fn verify(&self, dir: &Path) -> Result<()> {
        let want = &self.sha256;
        for (f, want) in DATA_FILES
            .iter()
            .zip([&want.rows, &want.paths, &want.timeline])
        {
            let path = dir.join(f);
            let got = sha256_file(&path)?;
            if &got != want {
                return Err(Error::damaged(
                    &path,
                    format!("its SHA-256 is {got}, not the {want} its manifest records (changed since the shard wrote it)"),
                ));
            }
        }
        Ok(())
    }
}

/// Reads the timeline of the shard folder `dir`, of `days` days (the scenario's).
pub fn read_timeline(dir: &Path, days: usize) -> Result<Timeline> {
    let path = dir.join(TIMELINE);
    let size = Timeline::bytes_for(days)
        .ok_or_else(|| Error::damaged(&path, "too many days for a timeline"))?;
    let bytes = read_at_most(&path, size)?;
    Timeline::from_bytes(&bytes).ok_or_else(|| {
        Error::damaged(
            &path,
            format!("not a complete leaksim timeline of {days} days"),
        )
    })
}

/// The scenario `dir/scenario.resolved.toml` of a shard folder, refused unless it has the digest
/// its `manifest` records.
pub fn load_resolved(dir: &Path, digest: &str, manifest: &str) -> Result<Scenario> {
    let resolved = dir.join("scenario.resolved.toml");
    let s = Scenario::load(&resolved, &[])?;
    if s.digest() != digest {
        return Err(Error::damaged(
            &resolved,
            format!(
                "its scenario digest is {}, not the {digest} its {manifest} records (was the file edited?)",
                s.digest()
            ),
        ));
    }
    Ok(s)
}

/// Whether `dir` is a run shard folder (it has a manifest).
pub fn is_shard(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}

/// Whether `dir` is a study shard folder.
pub fn is_study_shard(dir: &Path) -> bool {
    dir.join(STUDY_MANIFEST).is_file()
}

/// A run joined from its shard folders: its scenario, the first shard's manifest, and its rows
/// and timeline as one result.
pub struct Joined {
    /// The scenario the shards ran, read back from the first shard.
    pub scenario: Scenario,
    /// The first shard's manifest.
    pub manifest: Manifest,
    /// The run, as one result.
    pub run: RunResult,
}

/// Joins the shard folders of one run. Refuses shards that are missing, repeated, foreign or
/// damaged, and a run whose analysis (with `charts`) would not fit in the memory available.
pub fn join(dirs: &[PathBuf], charts: bool) -> Result<Joined> {
    let manifests = dirs
        .iter()
        .map(|d| Manifest::read(d))
        .collect::<Result<Vec<_>>>()?;
    let first = &manifests[0];
    check_same_run(dirs, &manifests)?;
    let s = load_resolved(&dirs[0], &first.digest, "manifest")?;
    memory::check(&s, first.replications, charts)?;
    let shards: Vec<_> = manifests.iter().map(Manifest::which).collect();
    let order = in_shard_order(dirs, &shards, &format!("`{}`", first.scenario))?;
    let mut spools = Vec::with_capacity(order.len());
    let mut timeline = Timeline::new(timeline_days(&s));
    let (mut elapsed, mut threads) = (0.0, 1);
    for i in order {
        let (dir, man) = (&dirs[i], &manifests[i]);
        spools.push(open_shard(dir, man, &s, &mut timeline)?);
        elapsed += man.elapsed_seconds;
        threads = threads.max(man.threads);
    }
    let run = RunResult {
        rows: Spool::concat(spools)?,
        timeline,
        seed: first.seed,
        elapsed: std::time::Duration::from_secs_f64(elapsed),
        threads,
    };
    Ok(Joined {
        scenario: s,
        manifest: manifests[0].clone(),
        run,
    })
}

/// Opens one shard's spool, checked against its manifest and the scenario, and adds its days to
/// `timeline`.
fn open_shard(dir: &Path, man: &Manifest, s: &Scenario, timeline: &mut Timeline) -> Result<Spool> {
    let (start, count) = man.which().range(man.replications);
    man.verify(dir)?;
    let spool = Spool::open(dir)?.with_params(s.window_columns().len(), s.params.len())?;
    check_paths(dir, &spool, s)?;
    if (man.first, man.count) != (start, count) || spool.first() != start || spool.len() != count {
        return Err(Error::damaged(
            dir.join(ROWS_FILE),
            format!(
                "shard {}/{} should hold replications {start}..{} but holds {}..{}",
                man.shard,
                man.shards,
                start + count,
                spool.first(),
                spool.first() + spool.len()
            ),
        ));
    }
    if spool.reach_len() != s.reach_len() {
        return Err(Error::damaged(
            dir.join(ROWS_FILE),
            format!(
                "rows of {} values, not the {} of scenario `{}`",
                spool.width(),
                crate::sim::metrics::idx::COUNT
                    + s.window_columns().len()
                    + s.params.len()
                    + s.reach_len(),
                s.name
            ),
        ));
    }
    let part = read_timeline(dir, timeline.days())?;
    if part.days() != timeline.days() || part.replications() != count {
        return Err(Error::damaged(
            dir.join(TIMELINE),
            format!(
                "it does not cover its {count} replications of {} days",
                timeline.days()
            ),
        ));
    }
    timeline.merge(&part);
    Ok(spool)
}

/// Refuses a shard whose path rows name a class, recipient, actor or store the scenario does not
/// have, or a number of records that is not a whole number of records.
fn check_paths(dir: &Path, spool: &Spool, s: &Scenario) -> Result<()> {
    let file = dir.join(PATHS_FILE);
    let (classes, recipients) = (s.classes.len(), s.jurisdictions.len() + 1);
    let (actors, stores) = (s.actors.len(), s.stores.len());
    spool.for_each_path(|rep, p| {
        let bad = |what: &str, i: u32, n: usize| {
            Err(Error::damaged(
                &file,
                format!("replication {rep}: {what} {i}, but the scenario has {n}"),
            ))
        };
        if p.class as usize >= classes {
            return bad("class", p.class, classes);
        }
        if p.recipient as usize >= recipients {
            return bad("recipient", p.recipient, recipients);
        }
        if let Some(a) = p.actor.filter(|&a| a as usize >= actors) {
            return bad("actor", a, actors);
        }
        if let Some(x) = p.store.filter(|&x| x as usize >= stores) {
            return bad("store", x, stores);
        }
        if !(p.records >= 0.0 && p.records.is_finite()) {
            return Err(Error::damaged(
                &file,
                format!("replication {rep}: {} records on a path", p.records),
            ));
        }
        Ok(())
    })
}

/// Checks that every manifest belongs to the same run as the first; the error names the shard and
/// what differs.
fn check_same_run(dirs: &[PathBuf], manifests: &[Manifest]) -> Result<()> {
    let first = &manifests[0];
    for (dir, man) in dirs.iter().zip(manifests) {
        let differ = [
            (
                man.scenario != first.scenario,
                "scenario",
                &first.scenario,
                man.scenario.clone(),
            ),
            (
                man.digest != first.digest,
                "scenario digest",
                &first.digest,
                format!("{} (the scenario or a --set differs)", man.digest),
            ),
            (
                man.seed != first.seed,
                "seed",
                &first.seed.to_string(),
                man.seed.to_string(),
            ),
            (
                man.replications != first.replications,
                "replications (--reps)",
                &first.replications.to_string(),
                man.replications.to_string(),
            ),
            (
                man.shards != first.shards,
                "shard count (M of --shard K/M)",
                &first.shards.to_string(),
                man.shards.to_string(),
            ),
            (
                man.thresholds != first.thresholds,
                "--thresholds",
                &format!("{:?}", first.thresholds),
                format!("{:?}", man.thresholds),
            ),
        ];
        if let Some((_, what, a, b)) = differ.iter().find(|x| x.0) {
            return Err(Error::foreign(
                dir,
                format!(
                    "not a shard of the same run as {}: {what} {b}, not {a}",
                    dirs[0].display()
                ),
            ));
        }
        if man.command != first.command {
            // The digest, seed, replications and thresholds fix every result; the command may
            // still differ (a path to the same scenario on another node).
            eprintln!(
                "note: {} was run as `{}`, {} as `{}`; provenance.toml records the first",
                dirs[0].display(),
                first.command,
                dir.display(),
                man.command
            );
        }
    }
    Ok(())
}
