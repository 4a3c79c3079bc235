//! Reading scenario files: TOML with positions ([`tree`]), `extends` and `--set`, the checks
//! ([`read`], [`table`]), and the typed, resolved form ([`Scenario`]); plus [`diff`] between two
//! resolved scenarios and the calendar helpers in [`dates`].
//!
//! A [`Scenario`] keeps the names the user wrote and the values as given (fixed numbers or
//! distributions); the `model` stage turns it into index-based data for the engine.
//! This folder is the pipeline's first stage: it imports only `random` and `error`.

mod bounded;
mod controls;
pub mod dates;
pub mod diff;
pub mod evidence;
mod inputs;
mod read;
pub mod sources;
mod table;
pub mod tree;
mod types;
mod windows;

pub use evidence::{DiscoverEntry, EvidenceEntry};
pub use inputs::TiedInput;
pub use types::*;

use crate::error::Result;
use crate::random::Dist;
use std::path::Path;
use table::Reader;
use tree::Node;

/// A numeric field: a fixed value, or an uncertain parameter drawn once per replication.
#[derive(Clone, Debug)]
pub struct Num {
    /// Fixed value, or the index of the uncertain parameter in [`Scenario::params`].
    pub value: NumValue,
}

/// What a [`Num`] holds.
#[derive(Clone, Debug)]
pub enum NumValue {
    /// A number.
    Fixed(f64),
    /// Index into [`Scenario::params`].
    Param(usize),
}

impl Num {
    /// A fixed value.
    pub const fn fixed(v: f64) -> Num {
        Num {
            value: NumValue::Fixed(v),
        }
    }

    /// The value in a replication whose uncertain parameters took `values`.
    #[inline]
    pub fn get(&self, values: &[f64]) -> f64 {
        match self.value {
            NumValue::Fixed(v) => v,
            NumValue::Param(i) => values[i],
        }
    }
}

/// An uncertain parameter: a parameter field given as a distribution.
#[derive(Clone, Debug)]
pub struct Param {
    /// Its `--set` path, which also names its column in `replications.csv`.
    pub path: String,
    /// Its distribution.
    pub dist: Dist,
    /// Whether drawn values are rounded to whole numbers (counts such as headcount).
    pub integer: bool,
}

/// Run settings a scenario file may carry (written into `scenario.resolved.toml`).
#[derive(Clone, Debug, Default)]
pub struct RunSettings {
    /// Seed.
    pub seed: Option<u64>,
    /// Number of replications.
    pub replications: Option<u64>,
}

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Name (names the output folder).
    pub name: String,
    /// Free text.
    pub description: String,
    /// Horizon in days.
    pub horizon_days: f64,
    /// Calendar date of day 0, as written (for chart axes).
    pub start_date: Option<String>,
    /// The currency of costs and losses, as labels show it (e.g. `USD`).
    pub currency: String,
    /// Seed and replications stored in the file, if any.
    pub run: RunSettings,
    /// Data classes.
    pub classes: Vec<DataClass>,
    /// Jurisdictions.
    pub jurisdictions: Vec<Jurisdiction>,
    /// Stores.
    pub stores: Vec<Store>,
    /// Flows.
    pub flows: Vec<Flow>,
    /// Actors.
    pub actors: Vec<Actor>,
    /// Companies.
    pub companies: Vec<Company>,
    /// Controls of stores with no `perimeter`.
    pub controls: Controls,
    /// Named perimeters, each with its controls.
    pub perimeters: Vec<Perimeter>,
    /// The question the scenario answers.
    pub question: Question,
    /// `[report] tolerance`: (loss, probability) points of the risk-tolerance curve, if any.
    pub tolerance: Vec<(f64, f64)>,
    /// Costs.
    pub cost: Cost,
    /// Uncertain parameters, in the order they appear (a tied input where it is first used).
    pub params: Vec<Param>,
    /// Tied inputs (`[inputs.NAME]`): one value setting several fields.
    pub inputs: Vec<TiedInput>,
    /// Evidence (`[[evidence]]`), read by `explore` only.
    pub evidence: Vec<EvidenceEntry>,
    /// `[explore] discover`, read by `explore` only.
    pub discover: Option<DiscoverEntry>,
    /// The resolved tree (after `extends` and `--set`), for `scenario.resolved.toml`.
    pub tree: Node,
    /// The file it was read from.
    pub source: String,
}

/// Longest horizon, in days (100 years).
pub const MAX_HORIZON_DAYS: f64 = 36_500.0;

/// Largest gatekeeper team (each reviewer has a slot in memory).
pub const MAX_TEAM_SIZE: f64 = 1_000_000.0;

/// Largest number of classes, jurisdictions, stores or perimeters (they are held in 64-bit sets).
pub const MAX_ENTITIES: usize = 64;

/// The currency label when a scenario names none.
pub const DEFAULT_CURRENCY: &str = "currency units";

/// The recipient name of leaks to no state: a malicious insider acting for itself.
pub const PRIVATE: &str = "private";

impl Scenario {
    /// The name of recipient `r`: a jurisdiction's name, or [`PRIVATE`].
    pub fn recipient_name(&self, r: usize) -> &str {
        self.jurisdictions
            .get(r)
            .map_or(PRIVATE, |j| j.name.as_str())
    }

    /// The question as a probability's label, e.g. `P(protected -> CN)`; with a headline window
    /// shorter than the horizon, e.g. `P(protected -> CN, days 0-365)`.
    pub fn question_label(&self) -> String {
        let w = &self.question.window;
        if w.from == 0.0 && w.to >= self.horizon_days {
            self.question_label_in("")
        } else {
            self.question_label_in(&format!(", days {}-{}", w.from, w.to))
        }
    }

    /// The label of named window `k` (`[question] also`), e.g.
    /// `P(protected -> CN, days 365-730: once_migrated)`.
    pub fn window_label(&self, k: usize) -> String {
        let w = &self.question.also[k];
        self.question_label_in(&format!(", days {}-{}: {}", w.from, w.to, w.name))
    }

    fn question_label_in(&self, window: &str) -> String {
        let q = &self.question;
        if !q.stated {
            // No `[question]`, hence no window either.
            return "P(any leak)".to_string();
        }
        let classes: Vec<&str> = q
            .classes
            .iter()
            .map(|&c| self.classes[c].name.as_str())
            .collect();
        let recipients: Vec<&str> = q
            .recipients
            .iter()
            .map(|&r| self.recipient_name(r))
            .collect();
        format!(
            "P({} -> {}{}{window})",
            classes.join("+"),
            recipients.join("+"),
            if q.include_access {
                ", access included"
            } else {
                ""
            }
        )
    }

    /// Number of recipients: every jurisdiction's state, then `private`.
    pub fn recipients(&self) -> usize {
        self.jurisdictions.len() + 1
    }

    /// Reach values per replication: distinct records per (recipient, class), then staff access
    /// per (jurisdiction, class).
    pub fn reach_len(&self) -> usize {
        (self.recipients() + self.jurisdictions.len()) * self.classes.len()
    }

    /// The columns of the named measurement windows (`[question] also`), after the metrics in
    /// `replications.csv`: `reached.NAME` (0/1) and `reached_records.NAME` for each window, then
    /// `reached_cmc.NAME` (the conditional Monte Carlo estimate of `reached.NAME`) for each.
    pub fn window_columns(&self) -> Vec<String> {
        let also = &self.question.also;
        let mut cols: Vec<String> = also
            .iter()
            .flat_map(|w| {
                [
                    format!("reached.{}", w.name),
                    format!("reached_records.{}", w.name),
                ]
            })
            .collect();
        cols.extend(also.iter().map(|w| format!("reached_cmc.{}", w.name)));
        cols
    }

    /// Reads a scenario file, resolves `extends`, applies `--set` options, and validates it.
    pub fn load(path: &Path, sets: &[String]) -> Result<Scenario> {
        let mut tree = tree::load_file(path)?;
        for s in sets {
            tree::apply_set(&mut tree, s)?;
        }
        Scenario::from_tree(tree, &path.display().to_string())
    }

    /// Parses and validates scenario text (no `extends` resolution); `file` names it in errors.
    pub fn from_text(text: &str, file: &str) -> Result<Scenario> {
        let tree = tree::parse_text(text, file)?;
        Scenario::from_tree(tree, file)
    }

    /// Validates a resolved tree.
    pub fn from_tree(tree: Node, source: &str) -> Result<Scenario> {
        let mut r = Reader {
            params: Vec::new(),
            inputs: inputs::read_inputs(&tree)?,
        };
        let mut s = r.scenario(&tree)?;
        r.check_inputs_used()?;
        s.inputs = r.inputs.into_iter().map(|p| p.input).collect();
        s.params = r.params;
        s.tree = tree;
        s.source = source.to_string();
        Ok(s)
    }

    /// The value of a fixed field, or its distribution's mean for an uncertain one.
    pub fn typical(&self, n: &Num) -> f64 {
        match n.value {
            NumValue::Fixed(v) => v,
            NumValue::Param(i) => self.params[i].dist.mean(),
        }
    }

    /// The parameter values at their means (for `validate`'s derived figures).
    pub fn mean_values(&self) -> Vec<f64> {
        self.params.iter().map(|p| p.dist.mean()).collect()
    }

    /// A digest of the resolved scenario (after `extends` and `--set`, without run settings):
    /// `sha256:` and 64 hex digits. Two files that resolve to the same scenario share it.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut v = tree::to_toml(&self.tree);
        if let toml::Value::Table(t) = &mut v {
            // Run settings are recorded beside the digest (seed, replications): a resolved file,
            // which carries them, has the digest of the scenario it came from.
            t.remove("run");
        }
        let text = toml::to_string(&v).unwrap_or_default();
        let hash = Sha256::digest(text.as_bytes());
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// The resolved scenario as TOML text, with run settings, ready to run again.
    pub fn resolved_toml(&self, seed: u64, replications: u64) -> String {
        let mut v = tree::to_toml(&self.tree);
        if let toml::Value::Table(t) = &mut v {
            let mut run = toml::Table::new();
            run.insert("seed".into(), toml::Value::Integer(seed as i64));
            run.insert(
                "replications".into(),
                toml::Value::Integer(replications as i64),
            );
            run.insert(
                "leaksim_version".into(),
                toml::Value::String(env!("CARGO_PKG_VERSION").into()),
            );
            t.insert("run".into(), toml::Value::Table(run));
        }
        let body = sources::annotate(
            &toml::to_string(&v).unwrap_or_default(),
            &sources::sources(&self.tree),
        );
        format!(
            "# Scenario `{}` as leaksim {} resolved it (extends and --set applied).\n# Running this file again gives the same results.\n\n{}",
            self.name,
            env!("CARGO_PKG_VERSION"),
            body
        )
    }
}

/// The longest scenario, comparison or study name: its folders (`NAME-tornado`, and beside them
/// `.NAME-tornado.staging-PID-NANOS`) stay within the 255 bytes file systems allow.
pub const MAX_NAME: usize = 200;

/// Checks that a name is usable as a folder name and a `--set` path segment.
pub fn check_folder_name(name: &str) -> std::result::Result<(), String> {
    if name.len() > MAX_NAME {
        return Err(format!(
            "a name of {} characters is too long: at most {MAX_NAME} (it names folders, and a folder name has at most 255 bytes with leaksim's additions)",
            name.len()
        ));
    }
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid name: use letters, digits, `-` and `_` only"
        ))
    }
}
