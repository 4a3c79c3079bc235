//! What `study.toml` says of a study shard (a sweep's or a tornado's): a serde type written and
//! read by the same code, and the check that several study shard folders are the M shards of one
//! study.

use super::manifest::{in_shard_order, read_manifest, write_manifest, STUDY_MANIFEST};
use crate::error::{Error, Result};
use crate::sim::execute::Shard;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One swung parameter of a tornado: its path and the values at its two ends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Swing {
    /// `--set` path.
    pub path: String,
    /// Low end.
    pub low: f64,
    /// High end.
    pub high: f64,
}

/// What a study needs, beside its points' runs, to write its folder.
#[derive(Clone, Debug, PartialEq)]
pub enum StudyKind {
    /// A sweep: the varied paths and each point's values.
    Sweep {
        /// Varied paths.
        paths: Vec<String>,
        /// Each point's values, one per path.
        labels: Vec<Vec<String>>,
    },
    /// A tornado: its metric and each swung parameter.
    Tornado {
        /// `--metric`.
        metric: String,
        /// Swung parameters, in order.
        swings: Vec<Swing>,
    },
}

impl StudyKind {
    /// `sweep` or `tornado`.
    pub fn name(&self) -> &'static str {
        match self {
            StudyKind::Sweep { .. } => "sweep",
            StudyKind::Tornado { .. } => "tornado",
        }
    }

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
                    .map(|s| format!("{} from {} to {}", s.path, s.low, s.high))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// The file `study.toml`, as written and read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StudyManifest {
    /// Layout version ([`super::manifest::FORMAT`]).
    pub format: u32,
    /// `sweep` or `tornado`.
    pub study: String,
    /// leaksim version that ran it.
    pub leaksim_version: String,
    /// The study's folder name.
    pub name: String,
    /// Digest of the base scenario.
    pub digest: String,
    /// Seed.
    pub seed: u64,
    /// Replications of every point (N).
    pub replications: u64,
    /// This shard, K (0-based).
    pub shard: u64,
    /// Shards in all, M.
    pub shards: u64,
    /// The command that reproduces the whole study in one go.
    pub command: String,
    /// Points of the study.
    pub points: usize,
    /// A sweep's varied paths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
    /// A sweep's values at each point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Vec<String>>>,
    /// A tornado's metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// A tornado's swung parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub swings: Option<Vec<Swing>>,
}

impl StudyManifest {
    /// The manifest of shard `shard` of a study of `kind`, with the rest of its fields from `base`
    /// (name, digest, seed, replications, command, points: kind fields are set from `kind`).
    pub fn new(kind: &StudyKind, shard: Shard, base: StudyManifest) -> StudyManifest {
        let mut m = StudyManifest {
            study: kind.name().into(),
            shard: shard.k,
            shards: shard.m,
            paths: None,
            values: None,
            metric: None,
            swings: None,
            ..base
        };
        match kind.clone() {
            StudyKind::Sweep { paths, labels } => {
                m.paths = Some(paths);
                m.values = Some(labels);
            }
            StudyKind::Tornado { metric, swings } => {
                m.metric = Some(metric);
                m.swings = Some(swings);
            }
        }
        m
    }

    /// Which shard this is.
    pub fn which(&self) -> Shard {
        Shard {
            k: self.shard,
            m: self.shards,
        }
    }

    /// The study's kind, checked against its points.
    pub fn kind(&self, path: &Path) -> Result<StudyKind> {
        let bad =
            |what: &str| Error::damaged(path, format!("not a leaksim shard manifest ({what})"));
        let kind = match (
            self.study.as_str(),
            &self.paths,
            &self.values,
            &self.metric,
            &self.swings,
        ) {
            ("sweep", Some(paths), Some(labels), _, _) => {
                if labels.len() != self.points || labels.iter().any(|l| l.len() != paths.len()) {
                    return Err(bad("values do not match the points and varied paths"));
                }
                StudyKind::Sweep {
                    paths: paths.clone(),
                    labels: labels.clone(),
                }
            }
            ("tornado", _, _, Some(metric), Some(swings)) => {
                if self.points != 1 + 2 * swings.len() {
                    return Err(bad("points do not match the swings"));
                }
                StudyKind::Tornado {
                    metric: metric.clone(),
                    swings: swings.clone(),
                }
            }
            ("sweep", ..) => return Err(bad("a sweep without `paths` and `values`")),
            ("tornado", ..) => return Err(bad("a tornado without `metric` and `swings`")),
            (other, ..) => return Err(bad(&format!("unknown study `{other}`"))),
        };
        if self.points == 0 {
            return Err(bad("no points"));
        }
        Ok(kind)
    }

    /// Writes it as `dir/study.toml`, its own checksum last.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(STUDY_MANIFEST);
        let header = format!(
            "# A shard of a leaksim {}: replications of `replications`, at every point (point-NNN/).\n# `leaksim merge` joins the shards of one study into its results folder.\n",
            self.study
        );
        write_manifest(&path, &header, self)
    }

    /// Reads and checks `dir/study.toml`, with its kind.
    pub fn read(dir: &Path) -> Result<(StudyManifest, StudyKind)> {
        let m: StudyManifest = read_manifest(
            dir,
            STUDY_MANIFEST,
            "a sweep or tornado shard folder (no study.toml; they are written by `leaksim sweep --shard K/M` and `leaksim tornado --shard K/M`), and shards of a study and of runs cannot be merged together",
        )?;
        let path = dir.join(STUDY_MANIFEST);
        if m.shards == 0 || m.shard >= m.shards {
            return Err(Error::damaged(&path, "shard outside 0..shards"));
        }
        let kind = m.kind(&path)?;
        Ok((m, kind))
    }
}

/// Checks that the manifests are those of the M shards of one study, each once; the error names
/// the shard folder and what differs, or the shards missing.
pub fn check_same_study(dirs: &[PathBuf], manifests: &[(StudyManifest, StudyKind)]) -> Result<()> {
    let (first, first_kind) = &manifests[0];
    for (d, (m, kind)) in dirs.iter().zip(manifests) {
        let differ = [
            (
                m.study != first.study,
                "kind of study",
                first.study.clone(),
                m.study.clone(),
            ),
            (
                m.name != first.name,
                "name",
                first.name.clone(),
                m.name.clone(),
            ),
            (
                m.digest != first.digest,
                "base scenario digest",
                first.digest.clone(),
                format!("{} (the scenario or a --set differs)", m.digest),
            ),
            (
                kind != first_kind,
                "points",
                first_kind.describe(),
                kind.describe(),
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
                m.shards != first.shards,
                "shard count (M of --shard K/M)",
                first.shards.to_string(),
                m.shards.to_string(),
            ),
        ];
        if let Some((_, what, a, b)) = differ.iter().find(|x| x.0) {
            return Err(Error::foreign(
                d,
                format!(
                    "not a shard of the same study as {}: {what} {b}, not {a}",
                    dirs[0].display()
                ),
            ));
        }
    }
    let shards: Vec<_> = manifests.iter().map(|(m, _)| m.which()).collect();
    let what = format!("{} `{}`", first.study, first.name);
    in_shard_order(dirs, &shards, &what)?;
    Ok(())
}
