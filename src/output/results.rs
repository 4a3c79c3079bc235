//! One typed reader of a results folder: [`ResultsFolder::open`] finds what the folder holds from
//! its files ([`FolderKind`]), reads its resolved scenario through `scenario` and its
//! `provenance.toml` through [`Provenance`], and reads its tables with their columns checked
//! ([`read`]). `plot`, the report, the spreadsheet and the explore report read folders through
//! it, never a file of the folder by hand.
//!
//! A file that is missing is read as absent (the figure it would give is left out); a file that
//! is there but damaged or foreign is an [`Error::Damaged`] naming it.

use super::charts::Table;
use super::provenance::{Provenance, MAX_PROVENANCE_BYTES};
use crate::error::{Error, Result};
use crate::scenario::tree::{self, Node, Val};
use crate::scenario::{Scenario, DEFAULT_CURRENCY};
use std::path::{Path, PathBuf};

/// Key metrics in the report tables and the comparison chart.
pub const COMPARE_METRICS: [&str; 4] = [
    "reached",
    "reached_records",
    "accessed_records",
    "total_cost",
];

/// What kind of results a folder holds that `plot` draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `run` folder (replications.csv).
    Run,
    /// A `compare` folder (compare.csv).
    Compare,
    /// A `sweep` folder (sweep.csv).
    Sweep,
    /// A `tornado` folder (tornado.csv).
    Tornado,
}

/// What a folder holds, known from its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderKind {
    /// Results with charts and a report (run, compare, sweep, tornado).
    Results(Kind),
    /// An `explore` folder (`uncertainty.csv`, `ranking.csv`).
    Explore,
    /// A run shard folder (`run --shard`: `manifest.toml`).
    RunShard,
    /// A study shard folder (`sweep --shard`, `tornado --shard`: `study.toml`).
    StudyShard,
}

/// The kind of results in `dir` that `plot` draws, if any.
pub fn kind(dir: &Path) -> Option<Kind> {
    [
        ("compare.csv", Kind::Compare),
        ("sweep.csv", Kind::Sweep),
        ("tornado.csv", Kind::Tornado),
        ("replications.csv", Kind::Run),
        ("replications.parquet", Kind::Run),
    ]
    .into_iter()
    .find(|(f, _)| dir.join(f).is_file())
    .map(|(_, k)| k)
}

/// What `dir` holds, if it is a folder leaksim wrote.
pub fn folder_kind(dir: &Path) -> Option<FolderKind> {
    let has = |f: &str| dir.join(f).is_file();
    if let Some(k) = kind(dir) {
        Some(FolderKind::Results(k))
    } else if has("uncertainty.csv") && has("ranking.csv") {
        Some(FolderKind::Explore)
    } else if has("manifest.toml") {
        Some(FolderKind::RunShard)
    } else if has("study.toml") {
        Some(FolderKind::StudyShard)
    } else {
        None
    }
}

/// Reads a results file of `dir`, checking it has the columns leaksim writes there.
pub fn read(dir: &Path, file: &str) -> Result<Option<Table>> {
    use super::columns::*;
    let required: &[&str] = match file {
        "replications.csv" => &["records_leaked", "loss"],
        "paths.csv" => &PATHS_COLUMNS,
        "reach.csv" => &REACH_COLUMNS,
        "summary.csv" => &SUMMARY_COLUMNS,
        "compare.csv" => &COMPARE_COLUMNS,
        "sweep.csv" => &SWEEP_COLUMNS,
        "tornado.csv" => &TORNADO_COLUMNS,
        "timeline.csv" => &TIMELINE_COLUMNS,
        "markers.csv" => &MARKERS_COLUMNS,
        "routes.csv" => &ROUTES_COLUMNS,
        _ => &[],
    };
    Table::read_with(&dir.join(file), required)
}

/// The name a folder is shown by (a staging copy by its target's).
pub fn folder_name(dir: &Path) -> String {
    super::folder::display_name(dir)
}

/// Whether `name` (read from a file) names a folder directly inside the folder holding the file:
/// one plain path component, so that joining it never leads outside.
pub fn is_folder_name(name: &str) -> bool {
    let mut c = Path::new(name).components();
    matches!(
        (c.next(), c.next()),
        (Some(std::path::Component::Normal(n)), None) if n == name && !name.starts_with('.')
    )
}

/// The scenarios of a `compare.csv`, in order; names that are not plain folder names are left out
/// (see [`is_folder_name`]).
pub fn compare_scenarios(t: &Table) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    if let Some(i) = t.col("scenario") {
        for r in &t.rows {
            if is_folder_name(&r[i]) && !v.contains(&r[i]) {
                v.push(r[i].clone());
            }
        }
    }
    v
}

/// The baseline of a `compare.csv`.
pub fn baseline_of(t: &Table) -> Option<String> {
    let b = t.col("baseline")?;
    t.rows.first().map(|r| r[b].clone())
}

/// A folder's `scenario.resolved.toml`, read through `scenario`.
#[derive(Debug)]
pub struct Resolved {
    /// The scenario (its tree without the `[run]` table).
    pub scenario: Scenario,
    /// The file's text, as written.
    pub text: String,
    /// `[run] seed` (a seed above 2^63 - 1, written as a negative integer, read back whole).
    pub seed: Option<u64>,
    /// `[run] replications`.
    pub replications: Option<u64>,
    /// `[run] leaksim_version`.
    pub version: Option<String>,
}

impl Resolved {
    /// Reads the resolved scenario `path` (None when there is none).
    pub fn read(path: &Path) -> Result<Option<Resolved>> {
        if !path.exists() {
            return Ok(None);
        }
        let bytes = super::checked::read_at_most(path, tree::MAX_FILE_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|_| Error::damaged(path, "not UTF-8 text"))?;
        let damaged = |e: Error| match e {
            Error::Input(i) => {
                let line = match i.origin {
                    crate::error::Origin::File { line, .. } if line > 0 => format!("line {line}: "),
                    _ => String::new(),
                };
                let key = i.key.map(|k| format!("key `{k}`: ")).unwrap_or_default();
                Error::damaged(
                    path,
                    format!(
                        "not a resolved scenario leaksim can read ({line}{key}{})",
                        i.message
                    ),
                )
            }
            other => other,
        };
        let mut root = tree::parse_text(&text, &path.display().to_string()).map_err(damaged)?;
        // The run settings are read here, whole: a wrapped seed is not the scenario's concern.
        let run = take_key(&mut root, "run");
        let int = |k: &str| match run.as_ref().and_then(|r| r.get(k)).map(|n| &n.value) {
            Some(Val::Int(i)) => Some(*i as u64),
            _ => None,
        };
        let (seed, replications) = (int("seed"), int("replications"));
        let version = match run
            .as_ref()
            .and_then(|r| r.get("leaksim_version"))
            .map(|n| &n.value)
        {
            Some(Val::Str(v)) => Some(v.clone()),
            _ => None,
        };
        let scenario = Scenario::from_tree(root, &path.display().to_string()).map_err(damaged)?;
        Ok(Some(Resolved {
            scenario,
            text,
            seed,
            replications,
            version,
        }))
    }

    /// Whether any perimeter (or the top-level controls) has a gatekeeper.
    pub fn has_gatekeeper(&self) -> bool {
        let s = &self.scenario;
        s.controls.gatekeeper.is_some()
            || s.perimeters.iter().any(|p| p.controls.gatekeeper.is_some())
    }

    /// The names of a `[question]` list as the file gives it (`classes`, `recipients`); empty
    /// when the file gives none (every class, every recipient).
    pub fn question_list(&self, key: &str) -> Vec<String> {
        let s = &self.scenario;
        if tree::get_path(&s.tree, &format!("question.{key}")).is_none() {
            return Vec::new();
        }
        match key {
            "classes" => s
                .question
                .classes
                .iter()
                .map(|&c| s.classes[c].name.clone())
                .collect(),
            _ => s
                .question
                .recipients
                .iter()
                .map(|&r| s.recipient_name(r).to_string())
                .collect(),
        }
    }
}

/// Removes `key` from the table `root`, returning its node.
fn take_key(root: &mut Node, key: &str) -> Option<Node> {
    let Val::Table(t) = &mut root.value else {
        return None;
    };
    let i = t.iter().position(|(k, _)| k == key)?;
    Some(t.remove(i).1)
}

/// A results folder opened: its kind, resolved scenario and provenance.
#[derive(Debug)]
pub struct ResultsFolder {
    dir: PathBuf,
    kind: Option<FolderKind>,
    resolved: Option<Resolved>,
    provenance: Option<(Provenance, String)>,
}

impl ResultsFolder {
    /// Opens the folder `dir`: its kind from its files, its resolved scenario and provenance
    /// when it has them. A damaged or foreign resolved scenario or provenance is
    /// [`Error::Damaged`] naming it; a folder leaksim did not write opens with no kind.
    pub fn open(dir: &Path) -> Result<ResultsFolder> {
        let resolved = Resolved::read(&dir.join("scenario.resolved.toml"))?;
        let path = dir.join("provenance.toml");
        let provenance = if path.exists() {
            let bytes = super::checked::read_at_most(&path, MAX_PROVENANCE_BYTES)?;
            let text =
                String::from_utf8(bytes).map_err(|_| Error::damaged(&path, "not UTF-8 text"))?;
            Some((Provenance::parse(&text, &path)?, text))
        } else {
            None
        };
        Ok(ResultsFolder {
            dir: dir.to_path_buf(),
            kind: folder_kind(dir),
            resolved,
            provenance,
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What it holds (None: no leaksim results).
    pub fn kind(&self) -> Option<FolderKind> {
        self.kind
    }

    /// The kind of results `plot` draws, if any.
    pub fn results_kind(&self) -> Option<Kind> {
        match self.kind {
            Some(FolderKind::Results(k)) => Some(k),
            _ => None,
        }
    }

    /// The resolved scenario, if the folder has one.
    pub fn resolved(&self) -> Option<&Resolved> {
        self.resolved.as_ref()
    }

    /// The scenario, if the folder has a resolved one.
    pub fn scenario(&self) -> Option<&Scenario> {
        self.resolved.as_ref().map(|r| &r.scenario)
    }

    /// The provenance, if the folder has one.
    pub fn provenance(&self) -> Option<&Provenance> {
        self.provenance.as_ref().map(|p| &p.0)
    }

    /// `provenance.toml` as written (empty without one).
    pub fn provenance_text(&self) -> &str {
        self.provenance.as_ref().map_or("", |p| p.1.as_str())
    }

    /// The folder's name as shown.
    pub fn folder_name(&self) -> String {
        folder_name(&self.dir)
    }

    /// The name a run folder's charts and report carry: its scenario's name (so that a renamed
    /// copy of the folder is still titled by the scenario), else the folder's name.
    pub fn name(&self) -> String {
        self.scenario()
            .map(|s| s.name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.folder_name())
    }

    /// The horizon in days (365 without a scenario).
    pub fn horizon(&self) -> f64 {
        self.scenario().map_or(365.0, |s| s.horizon_days)
    }

    /// The currency of amounts.
    pub fn currency(&self) -> String {
        self.scenario()
            .map_or(DEFAULT_CURRENCY, |s| s.currency.as_str())
            .to_string()
    }

    /// `[report] tolerance` of the scenario.
    pub fn tolerance(&self) -> Vec<(f64, f64)> {
        self.scenario()
            .map(|s| s.tolerance.clone())
            .unwrap_or_default()
    }

    /// Whether the scenario has a gatekeeper anywhere.
    pub fn has_gatekeeper(&self) -> bool {
        self.resolved.as_ref().is_some_and(Resolved::has_gatekeeper)
    }

    /// A results file of the folder, its columns checked (None when absent).
    pub fn table(&self, file: &str) -> Result<Option<Table>> {
        read(&self.dir, file)
    }

    /// `summary.csv`.
    pub fn summary(&self) -> Result<Option<Table>> {
        self.table("summary.csv")
    }

    /// `compare.csv`.
    pub fn compare(&self) -> Result<Option<Table>> {
        self.table("compare.csv")
    }

    /// `sweep.csv`.
    pub fn sweep(&self) -> Result<Option<Table>> {
        self.table("sweep.csv")
    }

    /// `tornado.csv`.
    pub fn tornado(&self) -> Result<Option<Table>> {
        self.table("tornado.csv")
    }

    /// `tail.csv`.
    pub fn tail(&self) -> Result<Option<Table>> {
        self.table("tail.csv")
    }

    /// `sensitivity.csv`.
    pub fn sensitivity(&self) -> Result<Option<Table>> {
        self.table("sensitivity.csv")
    }

    /// The columns `names` of the replications file (CSV or Parquet), None without one.
    pub fn replication_columns(&self, names: &[&str]) -> Result<Option<Vec<Vec<f64>>>> {
        super::rowfiles::replication_columns(&self.dir, names)
    }

    /// Calls `each` on every row of the paths file (CSV or Parquet); false without one.
    pub fn for_each_path(
        &self,
        each: impl FnMut(&super::rowfiles::PathCells<'_>) -> Result<()>,
    ) -> Result<bool> {
        super::rowfiles::for_each_path(&self.dir, each)
    }

    /// Replications of the run (None without a replications file): as `provenance.toml` records
    /// them, else counted in the replications file.
    pub fn replication_count(&self) -> Result<Option<u64>> {
        if super::rowfiles::replications_file(&self.dir).is_none() {
            return Ok(None);
        }
        // A count that does not fit a TOML integer is not one leaksim wrote: counted instead.
        let recorded = self
            .provenance()
            .and_then(|p| p.replications)
            .filter(|&n| i64::try_from(n).is_ok());
        match recorded {
            Some(n) => Ok(Some(n)),
            None => Ok(self
                .replication_columns(&["replication"])?
                .map(|c| c[0].len() as u64)),
        }
    }

    /// The folders of a comparison's scenarios (from its `compare.csv`), each opened, in order.
    pub fn members(&self) -> Result<Vec<(String, ResultsFolder)>> {
        let t = self.compare()?.unwrap_or_default();
        compare_scenarios(&t)
            .into_iter()
            .map(|s| Ok((s.clone(), ResultsFolder::open(&self.dir.join(&s))?)))
            .collect()
    }
}
