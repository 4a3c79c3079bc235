//! Reading scenario files: TOML with positions ([`tree`]), `extends` and `--set`, the checks
//! ([`read`], [`table`]), and the typed, resolved form ([`Scenario`]); plus [`diff`] between two
//! resolved scenarios and the calendar helpers in [`dates`].
//!
//! A [`Scenario`] keeps the names the user wrote and the values as given (fixed numbers or
//! distributions); the `model` stage turns it into index-based data for the engine.
//! This folder is the pipeline's first stage: it imports only `random` and `error`.

pub mod dates;
pub mod diff;
mod read;
mod table;
pub mod tree;

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

/// A class of user data.
#[derive(Clone, Debug)]
pub struct DataClass {
    /// Name.
    pub name: String,
    /// Number of records.
    pub records: Num,
    /// Sensitivity weight (exposure = records x weight).
    pub weight: Num,
    /// Loss per record leaked, in currency units.
    pub loss_per_record: Num,
}

/// A state that may compel data.
#[derive(Clone, Debug)]
pub struct Jurisdiction {
    /// Name.
    pub name: String,
    /// Rate of compelled demands per year.
    pub demands_per_year: Num,
}

/// A data centre or cloud.
#[derive(Clone, Debug)]
pub struct Store {
    /// Name.
    pub name: String,
    /// Index of its jurisdiction.
    pub jurisdiction: usize,
    /// Indices of the classes it holds at the start.
    pub classes: Vec<usize>,
    /// Jurisdiction that holds its encryption keys (None: its own, readable to any seizing state there).
    pub key_custody: Option<usize>,
    /// Day it is deleted, if any.
    pub delete_on_day: Option<Num>,
}

/// A periodic copy of classes between stores.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Name.
    pub name: String,
    /// Source store index.
    pub from: usize,
    /// Destination store index.
    pub to: usize,
    /// Classes copied.
    pub classes: Vec<usize>,
    /// Hours between copies.
    pub every_hours: Num,
    /// First day of copies.
    pub start_day: Num,
    /// Day copies stop, if any.
    pub end_day: Option<Num>,
}

/// A group of staff.
#[derive(Clone, Debug)]
pub struct Actor {
    /// Name.
    pub name: String,
    /// Index of its jurisdiction.
    pub jurisdiction: usize,
    /// Number of people.
    pub headcount: Num,
    /// Legitimate requests per person per day.
    pub requests_per_person_per_day: Num,
    /// Classes it asks for, uniformly.
    pub classes: Vec<usize>,
    /// Share of people who are malicious insiders.
    pub malicious_fraction: Num,
    /// Illicit attempts per insider per year.
    pub attempts_per_insider_per_year: Num,
    /// Records taken per successful attempt (drawn per attempt).
    pub records_per_attempt: Dist,
    /// Probability an illicit attempt goes around gatekeeper review.
    pub circumvent_probability: Num,
    /// Whether its state may compel a member to take data.
    pub compellable: bool,
}

/// The firewall control.
#[derive(Clone, Debug)]
pub struct Firewall {
    /// Jurisdictions inside the firewall.
    pub allow: Vec<usize>,
    /// Classes open to everyone.
    pub open_classes: Vec<usize>,
    /// Probability a direct illicit access from outside is blocked.
    pub block_probability: Num,
    /// Whether flows to stores outside `allow` are blocked too.
    pub egress: bool,
    /// Misconfiguration windows per year.
    pub breaches_per_year: Num,
    /// Length of a breach window in hours (drawn per breach).
    pub breach_hours: Dist,
    /// First active day.
    pub from_day: Num,
}

/// The gatekeeper review team.
#[derive(Clone, Debug)]
pub struct Gatekeeper {
    /// Number of reviewers.
    pub team_size: Num,
    /// Classes under review.
    pub classes: Vec<usize>,
    /// Jurisdictions whose requests are reviewed.
    pub review_from: Vec<usize>,
    /// Hours per review (drawn per request).
    pub review_hours: Dist,
    /// Base probability an illicit request is refused.
    pub catch_probability: Num,
    /// How fast the catch probability falls with the backlog per reviewer.
    pub fatigue: Num,
    /// Hours after which a waiting request is approved unreviewed.
    pub bypass_after_hours: Option<Num>,
    /// First active day.
    pub from_day: Num,
}

/// A control that stops an attempt with some probability (code review, enclave).
#[derive(Clone, Debug)]
pub struct Stopper {
    /// Probability of stopping an attempt.
    pub probability: Num,
    /// First active day.
    pub from_day: Num,
}

/// Continuous audit (log monitoring).
#[derive(Clone, Debug)]
pub struct Audit {
    /// Probability a successful illicit access is detected.
    pub detect_probability: Num,
    /// Delay to detection, hours (drawn per detection).
    pub detect_delay_hours: Dist,
    /// First active day.
    pub from_day: Num,
}

/// Periodic third-party audit.
#[derive(Clone, Debug)]
pub struct ThirdPartyAudit {
    /// Days between audits.
    pub every_days: Num,
    /// Probability an active insider with earlier successes is detected.
    pub detect_probability: Num,
    /// First active day (first audit one period later).
    pub from_day: Num,
}

/// All controls; a missing one is absent.
#[derive(Clone, Debug, Default)]
pub struct Controls {
    /// Firewall.
    pub firewall: Option<Firewall>,
    /// Gatekeeper team.
    pub gatekeeper: Option<Gatekeeper>,
    /// Source-code review.
    pub code_review: Option<Stopper>,
    /// Secure enclave.
    pub enclave: Option<Stopper>,
    /// Continuous audit.
    pub audit: Option<Audit>,
    /// Third-party audit.
    pub third_party_audit: Option<ThirdPartyAudit>,
}

/// Yearly costs of controls and the cost of waiting.
#[derive(Clone, Debug)]
pub struct Cost {
    /// Per reviewer per year.
    pub reviewer: Num,
    /// Firewall per year.
    pub firewall: Num,
    /// Enclave per year.
    pub enclave: Num,
    /// Continuous audit per year.
    pub audit: Num,
    /// Third-party audit per year.
    pub third_party_audit: Num,
    /// Source-code review per year (leaksim extension).
    pub code_review: Num,
    /// Per hour a legitimate request waits for review.
    pub legit_wait_per_hour: Num,
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
    /// Controls.
    pub controls: Controls,
    /// Costs.
    pub cost: Cost,
    /// Uncertain parameters, in the order they appear.
    pub params: Vec<Param>,
    /// The resolved tree (after `extends` and `--set`), for `scenario.resolved.toml`.
    pub tree: Node,
    /// The file it was read from.
    pub source: String,
}

/// Longest horizon, in days (100 years).
pub const MAX_HORIZON_DAYS: f64 = 36_500.0;

/// Largest gatekeeper team (each reviewer has a slot in memory).
pub const MAX_TEAM_SIZE: f64 = 1_000_000.0;

/// Largest number of classes, jurisdictions or stores (they are held in 64-bit sets).
pub const MAX_ENTITIES: usize = 64;

impl Scenario {
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
        let mut r = Reader { params: Vec::new() };
        let mut s = r.scenario(&tree)?;
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
        let body = toml::to_string(&v).unwrap_or_default();
        format!(
            "# Scenario `{}` as leaksim {} resolved it (extends and --set applied).\n# Running this file again gives the same results.\n\n{}",
            self.name,
            env!("CARGO_PKG_VERSION"),
            body
        )
    }
}

/// Checks that a name is usable as a folder name and a `--set` path segment.
pub fn check_folder_name(name: &str) -> std::result::Result<(), String> {
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
