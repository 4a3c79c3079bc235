//! Explore shard folders (`leaksim explore --shard K/M`): `explore.toml` (the exploration's
//! settings, which shard, each deal's digest, the SHA-256 of the draws), each deal's resolved
//! scenario (`deal-NNN.resolved.toml`) and the shard's draws (`draws.bin`: the driver's
//! [`Draws`] of its range, in CBOR, every float exact). `leaksim merge` checks that several such
//! folders are the M shards of one exploration and joins their draws.

use super::checked::{read_at_most, sha256_file};
use super::manifest::{in_shard_order, read_manifest, write_manifest};
use crate::analysis::explore::driver::Draws;
use crate::error::{Error, Result};
use crate::sim::execute::Shard;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The manifest of an explore shard folder.
pub const EXPLORE_MANIFEST: &str = "explore.toml";
/// The draws of an explore shard folder.
pub const DRAWS_FILE: &str = "draws.bin";
/// Longest a shard may have run, in seconds (a century): more is a damaged manifest.
const MOST_SECONDS: f64 = 3.2e9;

/// A deal of the exploration, by name and digest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealDigest {
    /// The deal's scenario name.
    pub name: String,
    /// Digest of its resolved scenario (`--set` applied).
    pub digest: String,
}

/// What `explore.toml` says of an explore shard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExploreManifest {
    /// Layout version ([`super::manifest::FORMAT`]).
    pub format: u32,
    /// Always `explore`.
    pub kind: String,
    /// leaksim version that ran it.
    pub leaksim_version: String,
    /// The exploration's folder name (`--name`).
    pub name: String,
    /// Seed.
    pub seed: u64,
    /// Replications per draw and deal (`--reps`).
    pub reps: u64,
    /// `--draws` (base rows under Saltelli's design).
    pub draws: usize,
    /// `--design`: `lhs` or `sobol`.
    pub design: String,
    /// Rows of the design, all shards together.
    pub rows: usize,
    /// This shard, K (0-based).
    pub shard: u64,
    /// Shards in all, M.
    pub shards: u64,
    /// Its first row of the design.
    pub first: usize,
    /// Its rows.
    pub count: usize,
    /// `--input` specifications.
    pub inputs: Vec<String>,
    /// `--thresholds`.
    pub thresholds: Vec<f64>,
    /// `--discover`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discover: Option<String>,
    /// `--evidence` specifications.
    pub evidence: Vec<String>,
    /// `--no-evidence`: the deals' `[[evidence]]` tables left out.
    #[serde(default)]
    pub no_evidence: bool,
    /// `--set` overrides (already applied to the resolved deals).
    pub sets: Vec<String>,
    /// `--max-events`, the work budget of a replication.
    pub max_events: u64,
    /// The command that reproduces the whole exploration in one go (`--shard` left out).
    pub command: String,
    /// Seconds it ran.
    pub elapsed_seconds: f64,
    /// Threads it ran on.
    pub threads: usize,
    /// SHA-256 of `draws.bin`.
    pub draws_sha256: String,
    /// The deals, in order (their resolved scenarios are `deal-NNN.resolved.toml`).
    pub deal: Vec<DealDigest>,
}

/// The resolved scenario of deal `i` in an explore shard folder.
pub fn deal_file(i: usize) -> String {
    format!("deal-{i:03}.resolved.toml")
}

/// Deal `i` of the explore shard folder `dir`, refused unless it has the digest its manifest
/// records.
pub fn load_deal(dir: &Path, i: usize, digest: &str) -> Result<crate::scenario::Scenario> {
    let path = dir.join(deal_file(i));
    let s = crate::scenario::Scenario::load(&path, &[])?;
    if s.digest() != digest {
        return Err(Error::damaged(
            &path,
            format!(
                "its scenario digest is {}, not the {digest} explore.toml records (was the file edited?)",
                s.digest()
            ),
        ));
    }
    Ok(s)
}

/// Whether `dir` is an explore shard folder (it has `explore.toml`).
pub fn is_explore_shard(dir: &Path) -> bool {
    dir.join(EXPLORE_MANIFEST).is_file()
}

impl ExploreManifest {
    /// Which shard this is.
    pub fn which(&self) -> Shard {
        Shard {
            k: self.shard,
            m: self.shards,
        }
    }

    /// Writes it as `dir/explore.toml`, its own checksum last.
    pub fn write(&self, dir: &Path) -> Result<()> {
        write_manifest(
            &dir.join(EXPLORE_MANIFEST),
            "# A shard of a leaksim exploration: rows first..first+count of its design.\n# `leaksim merge` joins the shards of one exploration into its results folder; it checks\n# draws.bin against its SHA-256 below, and this file against the last line's.\n",
            self,
        )
    }

    /// Reads and checks `dir/explore.toml`.
    pub fn read(dir: &Path) -> Result<ExploreManifest> {
        let m: ExploreManifest = read_manifest(
            dir,
            EXPLORE_MANIFEST,
            "an explore shard folder (no explore.toml; they are written by `leaksim explore --shard K/M`), and shards of an exploration cannot be merged with shards of a run, sweep or tornado",
        )?;
        let path = dir.join(EXPLORE_MANIFEST);
        let bad = |what: String| Err(Error::damaged(&path, what));
        if m.kind != "explore" {
            return bad(format!("kind `{}`, not `explore`", m.kind));
        }
        if m.shards == 0 || m.shard >= m.shards || m.shards > m.rows as u64 {
            return bad("shard outside 0..shards, or more shards than rows".into());
        }
        let (first, count) = m.which().range(m.rows as u64);
        if (m.first as u64, m.count as u64) != (first, count) {
            return bad(format!(
                "shard {}/{} of {} rows holds rows {first}..{}, not {}..{}",
                m.shard,
                m.shards,
                m.rows,
                first + count,
                m.first,
                m.first + m.count
            ));
        }
        if !(0.0..=MOST_SECONDS).contains(&m.elapsed_seconds) || m.deal.is_empty() {
            return bad("no deals, or `elapsed_seconds` not a number of seconds".into());
        }
        Ok(ExploreManifest {
            threads: m.threads.clamp(1, 1 << 16),
            ..m
        })
    }

    /// What must be equal in every shard of one exploration, by name.
    fn identity(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name (--name)", self.name.clone()),
            ("seed", self.seed.to_string()),
            ("replications (--reps)", self.reps.to_string()),
            ("--draws", self.draws.to_string()),
            ("--design", self.design.clone()),
            ("design rows", self.rows.to_string()),
            ("shard count (M of --shard K/M)", self.shards.to_string()),
            ("--input", format!("{:?}", self.inputs)),
            ("--thresholds", format!("{:?}", self.thresholds)),
            ("--discover", format!("{:?}", self.discover)),
            ("--evidence", format!("{:?}", self.evidence)),
            ("--no-evidence", self.no_evidence.to_string()),
            ("--set", format!("{:?}", self.sets)),
            ("--max-events", self.max_events.to_string()),
            (
                "deals (names and scenario digests)",
                format!("{:?}", self.deal),
            ),
        ]
    }
}

/// Checks that the manifests are those of the M shards of one exploration, each once; returns
/// the folders' positions in shard order. The error names the folder and what differs.
pub fn check_same_exploration(
    dirs: &[PathBuf],
    manifests: &[ExploreManifest],
) -> Result<Vec<usize>> {
    let first = manifests[0].identity();
    for (d, m) in dirs.iter().zip(manifests) {
        let differ = m.identity().into_iter().zip(&first).find(|(a, b)| a != *b);
        if let Some(((what, b), (_, a))) = differ {
            return Err(Error::foreign(
                d,
                format!(
                    "not a shard of the same exploration as {}: {what} {b}, not {a}",
                    dirs[0].display()
                ),
            ));
        }
        if m.command != manifests[0].command {
            eprintln!(
                "note: {} was run as `{}`, {} as `{}`; provenance.toml records the first",
                dirs[0].display(),
                manifests[0].command,
                d.display(),
                m.command
            );
        }
    }
    let shards: Vec<_> = manifests.iter().map(ExploreManifest::which).collect();
    in_shard_order(
        dirs,
        &shards,
        &format!("exploration `{}`", manifests[0].name),
    )
}

/// Writes `draws` as `path` (CBOR).
pub fn write_draws(path: &Path, draws: &Draws) -> Result<()> {
    let mut bytes = Vec::new();
    ciborium::into_writer(draws, &mut bytes)
        .map_err(|e| Error::Failed(format!("{}: cannot write ({e})", path.display())))?;
    super::write_atomic(path, |w| w.write_all(&bytes))
}

/// Reads the draws of the shard folder `dir` described by `m` (with `metrics` estimates per deal),
/// refused unless they have the SHA-256 the manifest records and the shape it describes.
pub fn read_draws(dir: &Path, m: &ExploreManifest, metrics: usize) -> Result<Draws> {
    let path = dir.join(DRAWS_FILE);
    let got = sha256_file(&path)?;
    if got != m.draws_sha256 {
        return Err(Error::damaged(
            &path,
            format!(
                "its SHA-256 is {got}, not the {} its manifest records (changed since the shard wrote it)",
                m.draws_sha256
            ),
        ));
    }
    // Generous: each estimate, its bits, and room for per-replication values beside them.
    let cells = (m.count as u64)
        .saturating_mul(m.deal.len() as u64)
        .saturating_mul(metrics as u64);
    let most = cells
        .saturating_mul(m.reps.saturating_mul(12).saturating_add(64))
        .saturating_add(1 << 20);
    let bytes = read_at_most(&path, most)?;
    let d: Draws = ciborium::from_reader(bytes.as_slice())
        .map_err(|e| Error::damaged(&path, format!("not the draws of a leaksim shard ({e})")))?;
    let words = (m.reps as usize).div_ceil(64);
    let shaped = d.first == m.first
        && d.reps == m.reps
        && d.p.len() == m.count
        && d.hits.len() == m.count
        && d.se.len() == m.count
        && d.cond.len() == m.count
        && grid(&d.p, m.deal.len(), metrics, |_| true)
        && grid(&d.se, m.deal.len(), metrics, |_| true)
        && grid(&d.hits, m.deal.len(), metrics, |b| {
            b.len() == words || b.is_empty()
        })
        && grid(&d.cond, m.deal.len(), metrics, |v| {
            v.len() as u64 == m.reps || v.is_empty()
        });
    if !shaped {
        return Err(Error::damaged(
            &path,
            format!(
                "not the draws its manifest describes (rows {}..{}, {} deals, {metrics} metrics, {} replications)",
                m.first,
                m.first + m.count,
                m.deal.len(),
                m.reps
            ),
        ));
    }
    Ok(d)
}

/// Whether `x[draw]` is `deals` x `metrics` cells, each passing `cell`.
fn grid<T>(x: &[Vec<Vec<T>>], deals: usize, metrics: usize, cell: impl Fn(&T) -> bool) -> bool {
    x.iter()
        .all(|d| d.len() == deals && d.iter().all(|e| e.len() == metrics && e.iter().all(&cell)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(first: usize, p: &[f64]) -> Draws {
        Draws {
            first,
            p: p.iter().map(|&x| vec![vec![x, 1.0 - x]]).collect(),
            se: p.iter().map(|&x| vec![vec![x / 7.0, f64::NAN]]).collect(),
            reps: 70,
            hits: p
                .iter()
                .map(|_| vec![vec![vec![u64::MAX, 1 << 5]; 2]])
                .collect(),
            cond: p
                .iter()
                .map(|&x| vec![vec![vec![x / 3.0; 70], Vec::new()]])
                .collect(),
            estimator: Vec::new(),
        }
    }

    #[test]
    fn draws_come_back_with_every_bit_and_join_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DRAWS_FILE);
        let odd = [0.1, -0.0, f64::MIN_POSITIVE / 3.0, 1.0 / 3.0, f64::MAX];
        let d = draws(4, &odd);
        write_draws(&path, &d).unwrap();
        let back: Draws = ciborium::from_reader(std::fs::read(&path).unwrap().as_slice()).unwrap();
        let bits = |d: &Draws| -> Vec<u64> {
            d.p.iter()
                .flatten()
                .flatten()
                .map(|x| x.to_bits())
                .collect()
        };
        assert_eq!(bits(&back), bits(&d));
        // NaN is not equal to itself: compare the rest with the standard errors' bits.
        let se_bits = |d: &Draws| -> Vec<u64> {
            d.se.iter()
                .flatten()
                .flatten()
                .map(|x| x.to_bits())
                .collect()
        };
        assert_eq!(se_bits(&back), se_bits(&d));
        assert_eq!(back.cond, d.cond);
        assert_eq!(back.hits, d.hits);
        let joined = Draws::join(vec![draws(0, &odd[..2]), draws(2, &odd[2..])]);
        let whole = draws(0, &odd);
        assert_eq!((joined.p, joined.cond), (whole.p, whole.cond));
    }
}
