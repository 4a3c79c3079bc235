//! Scenario files: parsing, `extends`, `--set`, and validation into a typed [`Scenario`].
//!
//! A [`Scenario`] keeps the names the user wrote and the values as given (fixed numbers or
//! distributions); [`crate::model::Model`] turns it into index-based data for the engine.

pub mod tree;

use crate::dist::Dist;
use crate::error::{suggestion, Error, InputError, Origin, Result};
use std::path::Path;
use tree::{Node, Val};

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

/// What a numeric field may hold.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// In [0, 1].
    Probability,
    /// At least 0.
    NonNegative,
    /// Strictly positive.
    Positive,
    /// A whole number at least 0 (drawn values are rounded).
    Count,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Probability => "a probability between 0 and 1",
            Kind::NonNegative => "a number >= 0",
            Kind::Positive => "a number > 0",
            Kind::Count => "a whole number >= 0",
        }
    }
    fn accepts(self, v: f64) -> bool {
        match self {
            Kind::Probability => (0.0..=1.0).contains(&v),
            Kind::NonNegative => v >= 0.0 && v.is_finite(),
            Kind::Positive => v > 0.0 && v.is_finite(),
            Kind::Count => v >= 0.0 && v.is_finite() && v.fract() == 0.0,
        }
    }
}

struct Reader {
    params: Vec<Param>,
}

/// A table being read: checks its keys against what is allowed and reads typed values.
struct Tbl<'a> {
    node: &'a Node,
    path: String,
}

fn err(origin: &Origin, key: &str, msg: impl Into<String>) -> Error {
    Error::Input(InputError::new(origin, key, msg))
}

impl<'a> Tbl<'a> {
    fn open(node: &'a Node, path: &str, allowed: &[&str]) -> Result<Tbl<'a>> {
        let Val::Table(t) = &node.value else {
            return Err(err(
                &node.origin,
                path,
                format!("expected a table, found {}", node.value.type_name()),
            ));
        };
        for (k, v) in t {
            if !allowed.contains(&k.as_str()) {
                let full = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                return Err(err(
                    &v.origin,
                    &full,
                    format!(
                        "unknown key{} (keys here: {})",
                        suggestion(k, allowed.iter().copied()),
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(Tbl {
            node,
            path: path.to_string(),
        })
    }

    fn key(&self, k: &str) -> String {
        if self.path.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.path)
        }
    }

    fn get(&self, k: &str) -> Option<&'a Node> {
        self.node.get(k)
    }

    fn req(&self, k: &str) -> Result<&'a Node> {
        self.get(k)
            .ok_or_else(|| err(&self.node.origin, &self.key(k), "missing required key"))
    }

    fn string_of(&self, n: &Node, k: &str) -> Result<String> {
        match &n.value {
            Val::Str(s) => Ok(s.clone()),
            Val::Datetime(d) if k.ends_with("date") => Ok(d.clone()),
            v => Err(err(
                &n.origin,
                &self.key(k),
                format!("expected a string, found {}", v.type_name()),
            )),
        }
    }

    fn string(&self, k: &str) -> Result<String> {
        self.string_of(self.req(k)?, k)
    }

    fn opt_string(&self, k: &str) -> Result<Option<String>> {
        self.get(k).map(|n| self.string_of(n, k)).transpose()
    }

    fn bool_or(&self, k: &str, default: bool) -> Result<bool> {
        match self.get(k) {
            None => Ok(default),
            Some(Node {
                value: Val::Bool(b),
                ..
            }) => Ok(*b),
            Some(n) => Err(err(
                &n.origin,
                &self.key(k),
                format!("expected true or false, found {}", n.value.type_name()),
            )),
        }
    }

    /// A list of names, each resolved against `names` (`what` says what they name).
    fn names(&self, k: &str, names: &[String], what: &str) -> Result<Option<Vec<usize>>> {
        let Some(n) = self.get(k) else {
            return Ok(None);
        };
        let Val::Array(items) = &n.value else {
            return Err(err(
                &n.origin,
                &self.key(k),
                format!(
                    "expected an array of {what} names, found {}",
                    n.value.type_name()
                ),
            ));
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let name = match &item.value {
                Val::Str(s) => s,
                v => {
                    return Err(err(
                        &item.origin,
                        &self.key(k),
                        format!("expected a {what} name, found {}", v.type_name()),
                    ))
                }
            };
            let i = lookup(names, name, &item.origin, &self.key(k), what)?;
            if !out.contains(&i) {
                out.push(i);
            }
        }
        Ok(Some(out))
    }

    fn name_ref(&self, k: &str, names: &[String], what: &str) -> Result<usize> {
        let n = self.req(k)?;
        let s = self.string_of(n, k)?;
        lookup(names, &s, &n.origin, &self.key(k), what)
    }

    fn opt_name_ref(&self, k: &str, names: &[String], what: &str) -> Result<Option<usize>> {
        if self.get(k).is_none() {
            return Ok(None);
        }
        self.name_ref(k, names, what).map(Some)
    }

    fn number_of(&self, n: &Node, k: &str) -> Result<f64> {
        let v = match n.value {
            Val::Int(i) => i as f64,
            Val::Float(f) => f,
            ref v => {
                return Err(err(
                    &n.origin,
                    &self.key(k),
                    format!("expected a number, found {}", v.type_name()),
                ))
            }
        };
        if !v.is_finite() {
            return Err(err(
                &n.origin,
                &self.key(k),
                format!("expected a finite number, found {v}"),
            ));
        }
        Ok(v)
    }

    /// A distribution written as `{ dist = "...", ... }`.
    fn dist_of(&self, n: &Node, k: &str) -> Result<Dist> {
        let key = self.key(k);
        let kinds = [
            "constant",
            "exponential",
            "uniform",
            "triangular",
            "pert",
            "lognormal",
            "gamma",
        ];
        let dn = n.get("dist").ok_or_else(|| err(&n.origin, &key, "a distribution table needs `dist = \"...\"` (constant, exponential, uniform, triangular, pert, lognormal, gamma)"))?;
        let kind = match &dn.value {
            Val::Str(s) => s.clone(),
            v => {
                return Err(err(
                    &dn.origin,
                    &format!("{key}.dist"),
                    format!("expected a distribution name, found {}", v.type_name()),
                ))
            }
        };
        let allowed: &[&str] = match kind.as_str() {
            "constant" => &["dist", "value"],
            "exponential" => &["dist", "mean"],
            "uniform" => &["dist", "min", "max"],
            "triangular" | "pert" => &["dist", "min", "mode", "max"],
            "lognormal" => &["dist", "median", "sigma", "mean", "sd"],
            "gamma" => &["dist", "mean", "sd"],
            other => {
                return Err(err(
                    &dn.origin,
                    &format!("{key}.dist"),
                    format!(
                        "unknown distribution `{other}`; expected one of {}{}",
                        kinds.join(", "),
                        suggestion(other, kinds)
                    ),
                ))
            }
        };
        let t = Tbl::open(n, &key, allowed)?;
        let f = |name: &str| -> Result<f64> { t.number_of(t.req(name)?, name) };
        let bad = |msg: String| err(&n.origin, &key, msg);
        let d = match kind.as_str() {
            "constant" => Dist::Constant(f("value")?),
            "exponential" => {
                let mean = f("mean")?;
                if mean <= 0.0 {
                    return Err(bad(format!("exponential needs mean > 0 (got {mean})")));
                }
                Dist::Exponential { mean }
            }
            "uniform" => {
                let (min, max) = (f("min")?, f("max")?);
                if min > max {
                    return Err(bad(format!("uniform needs min <= max (got {min}, {max})")));
                }
                Dist::Uniform { min, max }
            }
            "triangular" => {
                let (min, mode, max) = (f("min")?, f("mode")?, f("max")?);
                if !(min <= mode && mode <= max) {
                    return Err(bad(format!(
                        "triangular needs min <= mode <= max (got {min}, {mode}, {max})"
                    )));
                }
                Dist::Triangular { min, mode, max }
            }
            "pert" => Dist::pert(f("min")?, f("mode")?, f("max")?).map_err(bad)?,
            "lognormal" => match (t.get("median").is_some(), t.get("mean").is_some()) {
                (true, false) => {
                    if t.get("sd").is_some() {
                        return Err(bad(
                            "lognormal takes { median, sigma } or { mean, sd }, not a mix".into(),
                        ));
                    }
                    Dist::lognormal_median(f("median")?, f("sigma")?).map_err(bad)?
                }
                (false, true) => {
                    if t.get("sigma").is_some() {
                        return Err(bad(
                            "lognormal takes { median, sigma } or { mean, sd }, not a mix".into(),
                        ));
                    }
                    Dist::lognormal_mean_sd(f("mean")?, f("sd")?).map_err(bad)?
                }
                _ => {
                    return Err(bad(
                        "lognormal takes either { median, sigma } or { mean, sd }".into(),
                    ))
                }
            },
            "gamma" => Dist::gamma_mean_sd(f("mean")?, f("sd")?).map_err(bad)?,
            _ => unreachable!(),
        };
        Ok(d)
    }

    /// A parameter field: a number, or a distribution drawn once per replication.
    fn num(&self, r: &mut Reader, k: &str, kind: Kind) -> Result<Num> {
        let n = self.req(k)?;
        self.num_of(r, n, k, kind)
    }

    fn num_or(&self, r: &mut Reader, k: &str, kind: Kind, default: f64) -> Result<Num> {
        match self.get(k) {
            None => Ok(Num::fixed(default)),
            Some(n) => self.num_of(r, n, k, kind),
        }
    }

    fn opt_num(&self, r: &mut Reader, k: &str, kind: Kind) -> Result<Option<Num>> {
        self.get(k).map(|n| self.num_of(r, n, k, kind)).transpose()
    }

    fn num_of(&self, r: &mut Reader, n: &Node, k: &str, kind: Kind) -> Result<Num> {
        let key = self.key(k);
        if let Val::Table(_) = n.value {
            let dist = self.dist_of(n, k)?;
            if let Dist::Constant(v) = dist {
                return self.check_fixed(n, &key, v, kind);
            }
            let (lo, hi) = dist.support();
            let ok = match kind {
                Kind::Probability => lo >= 0.0 && hi <= 1.0,
                Kind::NonNegative | Kind::Count => lo >= 0.0,
                Kind::Positive => {
                    lo > 0.0 || matches!(dist, Dist::LogNormal { .. } | Dist::Gamma { .. })
                }
            };
            if !ok {
                return Err(err(&n.origin, &key, format!("this distribution can draw values outside what the key takes: expected {}; draws range over [{lo}, {hi}]", kind.describe())));
            }
            r.params.push(Param {
                path: key,
                dist,
                integer: kind == Kind::Count,
            });
            return Ok(Num {
                value: NumValue::Param(r.params.len() - 1),
            });
        }
        let v = self.number_of(n, k)?;
        self.check_fixed(n, &key, v, kind)
    }

    fn check_fixed(&self, n: &Node, key: &str, v: f64, kind: Kind) -> Result<Num> {
        if !kind.accepts(v) {
            return Err(err(
                &n.origin,
                key,
                format!("expected {}, found {v}", kind.describe()),
            ));
        }
        Ok(Num::fixed(v))
    }

    /// A per-event quantity: a number, or a distribution drawn for each event.
    fn per_event(&self, k: &str, required: bool, default: f64) -> Result<Dist> {
        let Some(n) = self.get(k) else {
            return if required {
                Err(err(&self.node.origin, &self.key(k), "missing required key"))
            } else {
                Ok(Dist::Constant(default))
            };
        };
        let d = match n.value {
            Val::Table(_) => self.dist_of(n, k)?,
            _ => Dist::Constant(self.number_of(n, k)?),
        };
        if d.support().0 < 0.0 {
            return Err(err(
                &n.origin,
                &self.key(k),
                "expected values >= 0: this distribution can draw negative values",
            ));
        }
        Ok(d)
    }
}

fn lookup(names: &[String], name: &str, origin: &Origin, key: &str, what: &str) -> Result<usize> {
    names.iter().position(|n| n == name).ok_or_else(|| {
        let declared = if names.is_empty() {
            "none is declared".to_string()
        } else {
            format!("declared: {}", names.join(", "))
        };
        err(
            origin,
            key,
            format!(
                "unknown {what} `{name}` ({declared}){}",
                suggestion(name, names.iter().map(String::as_str))
            ),
        )
    })
}

/// The entries of a named array (`[[store]]`...), checked for names.
fn entries<'a>(root: &'a Node, key: &str) -> Result<Vec<(&'a Node, String)>> {
    let Some(n) = root.get(key) else {
        return Ok(Vec::new());
    };
    let Val::Array(items) = &n.value else {
        return Err(err(
            &n.origin,
            key,
            format!("expected [[{key}]] tables, found {}", n.value.type_name()),
        ));
    };
    let mut out: Vec<(&Node, String)> = Vec::with_capacity(items.len());
    for item in items {
        let Val::Table(_) = item.value else {
            return Err(err(
                &item.origin,
                key,
                format!("expected a table, found {}", item.value.type_name()),
            ));
        };
        let nn = item
            .get("name")
            .ok_or_else(|| err(&item.origin, &format!("{key}.name"), "missing required key"))?;
        let name = match &nn.value {
            Val::Str(s) => s.clone(),
            v => {
                return Err(err(
                    &nn.origin,
                    &format!("{key}.name"),
                    format!("expected a string, found {}", v.type_name()),
                ))
            }
        };
        check_name(&name, &nn.origin, &format!("{key}.name"))?;
        if out.iter().any(|(_, n)| *n == name) {
            return Err(err(
                &nn.origin,
                &format!("{key}.name"),
                format!("duplicate {key} name `{name}`"),
            ));
        }
        out.push((item, name));
    }
    Ok(out)
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

fn check_name(name: &str, origin: &Origin, key: &str) -> Result<()> {
    check_folder_name(name).map_err(|m| err(origin, key, m))
}

impl Reader {
    fn scenario(&mut self, root: &Node) -> Result<Scenario> {
        let top = Tbl::open(
            root,
            "",
            &[
                "scenario",
                "run",
                "data_class",
                "jurisdiction",
                "store",
                "flow",
                "actor",
                "controls",
                "cost",
            ],
        )?;
        let sn = top.get("scenario").ok_or_else(|| {
            err(
                &root.origin,
                "scenario",
                "missing required table [scenario]",
            )
        })?;
        let st = Tbl::open(
            sn,
            "scenario",
            &[
                "name",
                "description",
                "horizon_days",
                "start_date",
                "extends",
            ],
        )?;
        let name = st.string("name")?;
        check_name(&name, &st.req("name")?.origin, "scenario.name")?;
        let description = st.opt_string("description")?.unwrap_or_default();
        let horizon_days = match st.get("horizon_days") {
            None => 365.0,
            Some(n) => {
                let v = st.number_of(n, "horizon_days")?;
                if v <= 0.0 || v > MAX_HORIZON_DAYS {
                    return Err(err(
                        &n.origin,
                        "scenario.horizon_days",
                        format!("expected a number of days > 0 and at most {MAX_HORIZON_DAYS} (100 years), found {v}"),
                    ));
                }
                v
            }
        };
        let start_date = st.opt_string("start_date")?;
        if let (Some(d), Some(n)) = (&start_date, st.get("start_date")) {
            if crate::model::parse_date(d).is_none() {
                return Err(err(
                    &n.origin,
                    "scenario.start_date",
                    format!("expected a date YYYY-MM-DD, found `{d}`"),
                ));
            }
        }
        let run = match top.get("run") {
            None => RunSettings::default(),
            Some(n) => {
                let t = Tbl::open(n, "run", &["seed", "replications", "leaksim_version"])?;
                let int = |k: &str| -> Result<Option<u64>> {
                    match t.get(k) {
                        None => Ok(None),
                        Some(Node {
                            value: Val::Int(i), ..
                        }) if *i >= 0 => Ok(Some(*i as u64)),
                        Some(n) => Err(err(&n.origin, &t.key(k), "expected a whole number >= 0")),
                    }
                };
                RunSettings {
                    seed: int("seed")?,
                    replications: int("replications")?,
                }
            }
        };

        let mut classes = Vec::new();
        let class_entries = entries(root, "data_class")?;
        if class_entries.is_empty() {
            return Err(err(
                &root.origin,
                "data_class",
                "a scenario needs at least one [[data_class]]",
            ));
        }
        for (node, name) in &class_entries {
            let p = format!("data_class.{name}");
            let t = Tbl::open(node, &p, &["name", "records", "weight", "loss_per_record"])?;
            classes.push(DataClass {
                name: name.clone(),
                records: t.num(self, "records", Kind::Count)?,
                weight: t.num_or(self, "weight", Kind::NonNegative, 1.0)?,
                loss_per_record: t.num_or(self, "loss_per_record", Kind::NonNegative, 0.0)?,
            });
        }
        let class_names: Vec<String> = classes.iter().map(|c| c.name.clone()).collect();

        let mut jurisdictions = Vec::new();
        for (node, name) in entries(root, "jurisdiction")? {
            let p = format!("jurisdiction.{name}");
            let t = Tbl::open(node, &p, &["name", "compelled_demands_per_year"])?;
            jurisdictions.push(Jurisdiction {
                name,
                demands_per_year: t.num_or(
                    self,
                    "compelled_demands_per_year",
                    Kind::NonNegative,
                    0.0,
                )?,
            });
        }
        let jur_names: Vec<String> = jurisdictions.iter().map(|j| j.name.clone()).collect();

        let mut stores = Vec::new();
        let store_entries = entries(root, "store")?;
        if store_entries.is_empty() {
            return Err(err(
                &root.origin,
                "store",
                "a scenario needs at least one [[store]]",
            ));
        }
        for (node, name) in store_entries {
            let p = format!("store.{name}");
            let t = Tbl::open(
                node,
                &p,
                &[
                    "name",
                    "jurisdiction",
                    "classes",
                    "key_custody",
                    "delete_on_day",
                ],
            )?;
            stores.push(Store {
                name,
                jurisdiction: t.name_ref("jurisdiction", &jur_names, "jurisdiction")?,
                classes: t
                    .names("classes", &class_names, "data class")?
                    .unwrap_or_default(),
                key_custody: t.opt_name_ref("key_custody", &jur_names, "jurisdiction")?,
                delete_on_day: t.opt_num(self, "delete_on_day", Kind::NonNegative)?,
            });
        }
        let store_names: Vec<String> = stores.iter().map(|s| s.name.clone()).collect();

        let mut flows = Vec::new();
        for (node, name) in entries(root, "flow")? {
            let p = format!("flow.{name}");
            let t = Tbl::open(
                node,
                &p,
                &[
                    "name",
                    "from",
                    "to",
                    "classes",
                    "every_hours",
                    "start_day",
                    "end_day",
                ],
            )?;
            flows.push(Flow {
                name,
                from: t.name_ref("from", &store_names, "store")?,
                to: t.name_ref("to", &store_names, "store")?,
                classes: t
                    .names("classes", &class_names, "data class")?
                    .unwrap_or_else(|| (0..class_names.len()).collect()),
                every_hours: t.num(self, "every_hours", Kind::Positive)?,
                start_day: t.num_or(self, "start_day", Kind::NonNegative, 0.0)?,
                end_day: t.opt_num(self, "end_day", Kind::NonNegative)?,
            });
        }

        let mut actors = Vec::new();
        for (node, name) in entries(root, "actor")? {
            let p = format!("actor.{name}");
            let t = Tbl::open(
                node,
                &p,
                &[
                    "name",
                    "jurisdiction",
                    "headcount",
                    "requests_per_person_per_day",
                    "classes",
                    "malicious_fraction",
                    "illicit_attempts_per_insider_per_year",
                    "records_per_attempt",
                    "circumvent_probability",
                    "compellable",
                ],
            )?;
            let compellable = t.bool_or("compellable", false)?;
            let malicious_fraction =
                t.num_or(self, "malicious_fraction", Kind::Probability, 0.0)?;
            let may_steal = compellable || t.get("malicious_fraction").is_some();
            actors.push(Actor {
                name,
                jurisdiction: t.name_ref("jurisdiction", &jur_names, "jurisdiction")?,
                headcount: t.num(self, "headcount", Kind::Count)?,
                requests_per_person_per_day: t.num_or(
                    self,
                    "requests_per_person_per_day",
                    Kind::NonNegative,
                    0.0,
                )?,
                classes: t
                    .names("classes", &class_names, "data class")?
                    .unwrap_or_else(|| (0..class_names.len()).collect()),
                malicious_fraction,
                attempts_per_insider_per_year: t.num_or(
                    self,
                    "illicit_attempts_per_insider_per_year",
                    Kind::NonNegative,
                    0.0,
                )?,
                records_per_attempt: t.per_event("records_per_attempt", may_steal, 0.0)?,
                circumvent_probability: t.num_or(
                    self,
                    "circumvent_probability",
                    Kind::Probability,
                    0.0,
                )?,
                compellable,
            });
        }

        let mut controls = Controls::default();
        if let Some(cn) = top.get("controls") {
            let ct = Tbl::open(
                cn,
                "controls",
                &[
                    "firewall",
                    "gatekeeper",
                    "code_review",
                    "enclave",
                    "audit",
                    "third_party_audit",
                ],
            )?;
            if let Some(n) = ct.get("firewall") {
                let t = Tbl::open(
                    n,
                    "controls.firewall",
                    &[
                        "allow",
                        "open_classes",
                        "block_probability",
                        "egress",
                        "breaches_per_year",
                        "breach_hours",
                        "from_day",
                    ],
                )?;
                let breaches = t.num_or(self, "breaches_per_year", Kind::NonNegative, 0.0)?;
                let needs_hours = t.get("breaches_per_year").is_some();
                controls.firewall = Some(Firewall {
                    allow: t
                        .names("allow", &jur_names, "jurisdiction")?
                        .unwrap_or_default(),
                    open_classes: t
                        .names("open_classes", &class_names, "data class")?
                        .unwrap_or_default(),
                    block_probability: t.num(self, "block_probability", Kind::Probability)?,
                    egress: t.bool_or("egress", false)?,
                    breaches_per_year: breaches,
                    breach_hours: t.per_event("breach_hours", needs_hours, 0.0)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("gatekeeper") {
                let t = Tbl::open(
                    n,
                    "controls.gatekeeper",
                    &[
                        "team_size",
                        "classes",
                        "review_from",
                        "review_hours",
                        "catch_probability",
                        "fatigue",
                        "bypass_after_hours",
                        "from_day",
                    ],
                )?;
                controls.gatekeeper = Some(Gatekeeper {
                    team_size: {
                        let n = t.num(self, "team_size", Kind::Count)?;
                        let most = match n.value {
                            NumValue::Fixed(v) => v,
                            NumValue::Param(i) => self.params[i].dist.support().1,
                        };
                        if most > MAX_TEAM_SIZE {
                            let origin = &t.req("team_size")?.origin;
                            return Err(err(
                                origin,
                                "controls.gatekeeper.team_size",
                                format!(
                                    "at most {MAX_TEAM_SIZE} reviewers are supported, found {most}"
                                ),
                            ));
                        }
                        n
                    },
                    classes: t
                        .names("classes", &class_names, "data class")?
                        .unwrap_or_else(|| (0..class_names.len()).collect()),
                    review_from: t
                        .names("review_from", &jur_names, "jurisdiction")?
                        .unwrap_or_else(|| (0..jur_names.len()).collect()),
                    review_hours: t.per_event("review_hours", true, 0.0)?,
                    catch_probability: t.num(self, "catch_probability", Kind::Probability)?,
                    fatigue: t.num_or(self, "fatigue", Kind::NonNegative, 0.0)?,
                    bypass_after_hours: t.opt_num(self, "bypass_after_hours", Kind::NonNegative)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("code_review") {
                let t = Tbl::open(
                    n,
                    "controls.code_review",
                    &["catch_probability", "from_day"],
                )?;
                controls.code_review = Some(Stopper {
                    probability: t.num(self, "catch_probability", Kind::Probability)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("enclave") {
                let t = Tbl::open(
                    n,
                    "controls.enclave",
                    &["exfiltration_block_probability", "from_day"],
                )?;
                controls.enclave = Some(Stopper {
                    probability: t.num(
                        self,
                        "exfiltration_block_probability",
                        Kind::Probability,
                    )?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("audit") {
                let t = Tbl::open(
                    n,
                    "controls.audit",
                    &["detect_probability", "detect_delay_hours", "from_day"],
                )?;
                controls.audit = Some(Audit {
                    detect_probability: t.num(self, "detect_probability", Kind::Probability)?,
                    detect_delay_hours: t.per_event("detect_delay_hours", false, 0.0)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
            if let Some(n) = ct.get("third_party_audit") {
                let t = Tbl::open(
                    n,
                    "controls.third_party_audit",
                    &["every_days", "detect_probability", "from_day"],
                )?;
                controls.third_party_audit = Some(ThirdPartyAudit {
                    every_days: t.num(self, "every_days", Kind::Positive)?,
                    detect_probability: t.num(self, "detect_probability", Kind::Probability)?,
                    from_day: t.num_or(self, "from_day", Kind::NonNegative, 0.0)?,
                });
            }
        }

        let empty = Node {
            value: Val::Table(Vec::new()),
            origin: root.origin.clone(),
        };
        let cn = top.get("cost").unwrap_or(&empty);
        let ct = Tbl::open(
            cn,
            "cost",
            &[
                "reviewer",
                "firewall",
                "enclave",
                "audit",
                "third_party_audit",
                "code_review",
                "legit_wait_per_hour",
            ],
        )?;
        let cost = Cost {
            reviewer: ct.num_or(self, "reviewer", Kind::NonNegative, 0.0)?,
            firewall: ct.num_or(self, "firewall", Kind::NonNegative, 0.0)?,
            enclave: ct.num_or(self, "enclave", Kind::NonNegative, 0.0)?,
            audit: ct.num_or(self, "audit", Kind::NonNegative, 0.0)?,
            third_party_audit: ct.num_or(self, "third_party_audit", Kind::NonNegative, 0.0)?,
            code_review: ct.num_or(self, "code_review", Kind::NonNegative, 0.0)?,
            legit_wait_per_hour: ct.num_or(self, "legit_wait_per_hour", Kind::NonNegative, 0.0)?,
        };

        for (what, n) in [
            ("data classes", class_names.len()),
            ("jurisdictions", jur_names.len()),
            ("stores", store_names.len()),
        ] {
            if n > MAX_ENTITIES {
                return Err(err(
                    &root.origin,
                    "",
                    format!("at most {MAX_ENTITIES} {what} are supported, found {n}"),
                ));
            }
        }

        Ok(Scenario {
            name,
            description,
            horizon_days,
            start_date,
            run,
            classes,
            jurisdictions,
            stores,
            flows,
            actors,
            controls,
            cost,
            params: Vec::new(),
            tree: root.clone(),
            source: String::new(),
        })
    }
}
