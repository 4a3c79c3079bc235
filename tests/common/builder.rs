//! Scenario files for tests, built in code: `ScenarioBuilder` writes TOML text in the format of
//! docs/scenario-format.md, so every test still goes through the real reader (`extends`, checks,
//! error positions). A new scenario key is one `.set(...)` in the tests that need it.
//!
//! ```ignore
//! let text = ScenarioBuilder::new("gate")
//!     .class("d", 1000)
//!     .jurisdiction("US")
//!     .store("s", "US", &["d"])
//!     .actor("staff", "US", 24)
//!     .set("actor.staff.requests_per_person_per_day", 1)
//!     .gatekeeper(1, 10, 0.5)
//!     .toml();
//! ```

use std::path::{Path, PathBuf};

/// A value as scenario TOML writes it: numbers as `format!` prints them, strings quoted, slices
/// as arrays; [`raw`] for anything else (an inline table, a distribution).
pub trait TomlValue {
    /// The TOML text of the value.
    fn toml(&self) -> String;
}

/// TOML text written as it is: `raw("{ dist = \"exponential\", mean = 1 }")`.
#[derive(Clone, Debug)]
pub struct Raw(pub String);

/// TOML text written as it is (a distribution, an inline table, a value in a chosen spelling).
pub fn raw(text: impl Into<String>) -> Raw {
    Raw(text.into())
}

impl TomlValue for Raw {
    fn toml(&self) -> String {
        self.0.clone()
    }
}

impl TomlValue for f64 {
    fn toml(&self) -> String {
        if self.is_nan() {
            "nan".into()
        } else if self.is_infinite() {
            if *self > 0.0 { "inf" } else { "-inf" }.into()
        } else if self.fract() == 0.0 && self.abs() < 1e15 {
            // As `format!` writes it (`365`), the way the scenarios of the tests always did.
            format!("{self}")
        } else if self.abs() >= 1e15 {
            // Beyond what an integer holds: an exponent keeps it a float.
            format!("{self:e}")
        } else {
            format!("{self}")
        }
    }
}

macro_rules! display_value {
    ($($t:ty),*) => {$(
        impl TomlValue for $t {
            fn toml(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_value!(i32, i64, u32, u64, usize, bool);

impl TomlValue for str {
    /// A basic string: quotes, backslashes and control characters escaped.
    fn toml(&self) -> String {
        let mut out = String::from("\"");
        for c in self.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

impl TomlValue for String {
    fn toml(&self) -> String {
        self.as_str().toml()
    }
}

impl<T: TomlValue> TomlValue for [T] {
    fn toml(&self) -> String {
        let items: Vec<String> = self.iter().map(TomlValue::toml).collect();
        format!("[{}]", items.join(", "))
    }
}

impl<T: TomlValue, const N: usize> TomlValue for [T; N] {
    fn toml(&self) -> String {
        self[..].toml()
    }
}

impl<T: TomlValue> TomlValue for Vec<T> {
    fn toml(&self) -> String {
        self[..].toml()
    }
}

impl<T: TomlValue + ?Sized> TomlValue for &T {
    fn toml(&self) -> String {
        (**self).toml()
    }
}

/// An empty list of names (`classes = []`).
pub const NO_NAMES: [&str; 0] = [];

/// Named entries (`[[store]]`...): the first segment of their `--set` paths.
const ENTRY_KINDS: [&str; 6] = [
    "data_class",
    "jurisdiction",
    "company",
    "store",
    "flow",
    "actor",
];

/// One table of the file: a header and its `key = value` lines in the order they were set.
#[derive(Clone, Debug)]
struct Section {
    /// `scenario`, `controls.gatekeeper`... or an entry kind (`store`) for a `[[store]]`.
    table: String,
    /// For a named entry, its name (written as its first key).
    name: Option<String>,
    keys: Vec<(String, String)>,
}

impl Section {
    fn set(&mut self, key: &str, value: String) {
        match self.keys.iter_mut().find(|(k, _)| k == key) {
            Some(kv) => kv.1 = value,
            None => self.keys.push((key.to_string(), value)),
        }
    }

    fn write(&self, out: &mut String) {
        match &self.name {
            Some(name) => {
                out.push_str(&format!("[[{}]]\nname = {}\n", self.table, name.toml()));
            }
            None => out.push_str(&format!("[{}]\n", self.table)),
        }
        for (k, v) in &self.keys {
            out.push_str(&format!("{k} = {v}\n"));
        }
    }

    /// Where the section stands in the file: the order of docs/scenario-format.md.
    fn rank(&self) -> usize {
        let head = self.table.split('.').next().unwrap_or_default();
        [
            "scenario",
            "question",
            "inputs",
            "data_class",
            "jurisdiction",
            "company",
            "store",
            "flow",
            "actor",
            "controls",
            "perimeter",
            "cost",
            "report",
            "run",
        ]
        .iter()
        .position(|t| *t == head)
        .unwrap_or(usize::MAX)
    }
}

/// A scenario file under construction; see the module's documentation.
#[derive(Clone, Debug)]
pub struct ScenarioBuilder {
    sections: Vec<Section>,
    /// Set by `extends`: a named entry the builder has not declared is an override of the base's.
    extends: bool,
    /// Tables in the order they were added, not in the order of the format's reference.
    as_added: bool,
}

impl ScenarioBuilder {
    /// An empty scenario named `name` (`[scenario] name = ...`), nothing else.
    pub fn new(name: &str) -> Self {
        let mut b = ScenarioBuilder {
            sections: Vec::new(),
            extends: false,
            as_added: false,
        };
        b.table("scenario").set("name", name.toml());
        b
    }

    /// A file that extends `base` (an absolute path, or one relative to where the file is
    /// written) and keeps its name: what the builder adds overrides the base.
    pub fn extending(base: &Path) -> Self {
        let mut b = ScenarioBuilder {
            sections: Vec::new(),
            extends: true,
            as_added: false,
        };
        b.table("scenario")
            .set("extends", base.display().to_string().toml());
        b
    }

    /// One of the shipped scenarios (`scenarios/FILE`), extended: e.g. `shipped("divestiture.toml")`.
    pub fn shipped(file: &str) -> Self {
        Self::extending(&super::root().join("scenarios").join(file))
    }

    /// The shipped Project Texas deal (`scenarios/project_texas_2022.toml`), extended.
    pub fn texas() -> Self {
        Self::shipped("project_texas_2022.toml")
    }

    /// The shipped status quo of 2021 (`scenarios/status_quo_2021.toml`), extended.
    pub fn status_quo() -> Self {
        Self::shipped("status_quo_2021.toml")
    }

    /// One malicious insider in CN making `rate` illicit attempts a year on a US store (`s`, a
    /// million records of class `d`) behind a firewall that blocks with probability `block`, over
    /// `horizon_days`; each success takes 10 records. A closed form: P(leak) = 1 - exp(-rate (1 -
    /// block) T).
    pub fn one_insider_poisson(name: &str, rate: f64, block: f64, horizon_days: f64) -> Self {
        Self::new(name)
            .horizon_days(horizon_days)
            .class("d", 1_000_000)
            .jurisdiction("US")
            .jurisdiction("CN")
            .store("s", "US", &["d"])
            .actor("insider", "CN", 1)
            .set("actor.insider.malicious_fraction", raw("1.0"))
            .set("actor.insider.illicit_attempts_per_insider_per_year", rate)
            .set("actor.insider.records_per_attempt", 10)
            .firewall(&["US"], block)
    }

    /// The compelled-operator route alone: a store in the US (`virginia`, 1,000 `protected`
    /// records) run by `bytedance`, a company subject to CN, whose demands (`rate` a year) hand it
    /// over; the question is `protected` reaching CN. P(reached within T) = 1 - exp(-rate T).
    pub fn operated_abroad(name: &str, rate: impl TomlValue) -> Self {
        Self::new(name)
            .horizon_days(365)
            .set("question.classes", ["protected"])
            .set("question.recipients", ["CN"])
            .class("protected", 1000)
            .jurisdiction("US")
            .jurisdiction("CN")
            .set("jurisdiction.CN.compelled_demands_per_year", rate)
            .company("bytedance", &["CN"])
            .store("virginia", "US", &["protected"])
            .set("store.virginia.operator", "bytedance")
    }

    /// An M/M/c gatekeeper queue named `name`: 1,000 staff in the US sending `requests_per_hour`
    /// requests in all to one store, each reviewed by one of `team` reviewers for an exponential
    /// time of mean 1 hour (the scenario `leaksim bench` times, `leaksim::sim::bare::mmc_scenario`).
    pub fn mmc(name: &str, team: usize, requests_per_hour: f64, horizon_days: f64) -> Self {
        Self::new(name)
            .horizon_days(horizon_days)
            .class("protected", 1_000_000)
            .jurisdiction("US")
            .store("cloud", "US", &["protected"])
            .actor("staff", "US", 1000)
            .set(
                "actor.staff.requests_per_person_per_day",
                requests_per_hour * 24.0 / 1000.0,
            )
            .set("actor.staff.classes", ["protected"])
            .gatekeeper(team, raw("{ dist = \"exponential\", mean = 1.0 }"), 0.9)
    }

    /// Writes the tables in the order they were added (`[scenario]` first), not in the
    /// reference's order: for tests of files written in an unusual order.
    pub fn in_added_order(mut self) -> Self {
        self.as_added = true;
        self
    }

    /// `[scenario] horizon_days`.
    pub fn horizon_days(self, days: impl TomlValue) -> Self {
        self.set("scenario.horizon_days", days)
    }

    /// A `[[data_class]]` of `records` records.
    pub fn class(self, name: &str, records: impl TomlValue) -> Self {
        self.entry("data_class", name)
            .set(&format!("data_class.{name}.records"), records)
    }

    /// A `[[jurisdiction]]` (its other keys by `set("jurisdiction.NAME.KEY", ...)`).
    pub fn jurisdiction(self, name: &str) -> Self {
        self.entry("jurisdiction", name)
    }

    /// A `[[company]]` answering to the states of `subject_to`.
    pub fn company(self, name: &str, subject_to: &[&str]) -> Self {
        self.entry("company", name)
            .set(&format!("company.{name}.subject_to"), subject_to)
    }

    /// A `[[store]]` in `jurisdiction` holding `classes` at day 0.
    pub fn store(self, name: &str, jurisdiction: &str, classes: &[&str]) -> Self {
        self.entry("store", name)
            .set(&format!("store.{name}.jurisdiction"), jurisdiction)
            .set(&format!("store.{name}.classes"), classes)
    }

    /// A `[[flow]]` copying `from` to `to` every `every_hours`.
    pub fn flow(self, name: &str, from: &str, to: &str, every_hours: impl TomlValue) -> Self {
        self.entry("flow", name)
            .set(&format!("flow.{name}.from"), from)
            .set(&format!("flow.{name}.to"), to)
            .set(&format!("flow.{name}.every_hours"), every_hours)
    }

    /// An `[[actor]]` of `headcount` people in `jurisdiction`.
    pub fn actor(self, name: &str, jurisdiction: &str, headcount: impl TomlValue) -> Self {
        self.entry("actor", name)
            .set(&format!("actor.{name}.jurisdiction"), jurisdiction)
            .set(&format!("actor.{name}.headcount"), headcount)
    }

    /// `[controls.gatekeeper]`: `team` reviewers, `review_hours` a review, catching an illicit
    /// request with `catch`.
    pub fn gatekeeper(
        self,
        team: impl TomlValue,
        hours: impl TomlValue,
        catch: impl TomlValue,
    ) -> Self {
        self.gatekeeper_of("controls", team, hours, catch)
    }

    /// The gatekeeper of `[perimeter.NAME]`.
    pub fn perimeter_gatekeeper(
        self,
        perimeter: &str,
        team: impl TomlValue,
        hours: impl TomlValue,
        catch: impl TomlValue,
    ) -> Self {
        self.gatekeeper_of(&format!("perimeter.{perimeter}"), team, hours, catch)
    }

    fn gatekeeper_of(
        self,
        at: &str,
        team: impl TomlValue,
        hours: impl TomlValue,
        catch: impl TomlValue,
    ) -> Self {
        self.set(&format!("{at}.gatekeeper.team_size"), team)
            .set(&format!("{at}.gatekeeper.review_hours"), hours)
            .set(&format!("{at}.gatekeeper.catch_probability"), catch)
    }

    /// `[controls.firewall]`: jurisdictions inside `allow`, blocking with `block`.
    pub fn firewall(self, allow: &[&str], block: impl TomlValue) -> Self {
        self.set("controls.firewall.allow", allow)
            .set("controls.firewall.block_probability", block)
    }

    /// The firewall of `[perimeter.NAME]`.
    pub fn perimeter_firewall(
        self,
        perimeter: &str,
        allow: &[&str],
        block: impl TomlValue,
    ) -> Self {
        self.set(&format!("perimeter.{perimeter}.firewall.allow"), allow)
            .set(
                &format!("perimeter.{perimeter}.firewall.block_probability"),
                block,
            )
    }

    /// Sets one key by its `--set` path (`scenario.currency`, `store.s.delete_on_day`,
    /// `controls.gatekeeper.fatigue`, `perimeter.p.firewall.egress`, `question.recipients`,
    /// `inputs.NAME.dist`...), adding the table when it is missing. A named entry must have been
    /// declared, unless the file extends another (then it overrides the base's entry).
    pub fn set(mut self, path: &str, value: impl TomlValue) -> Self {
        let (section, key) = self.section_of(path);
        section.set(key, value.toml());
        self
    }

    /// Removes one key (by its `--set` path), if it was set.
    pub fn unset(mut self, path: &str) -> Self {
        let (section, key) = self.section_of(path);
        section.keys.retain(|(k, _)| k != key);
        self
    }

    /// The scenario's name (`[scenario] name`), if it has one of its own.
    pub fn name(&self) -> Option<String> {
        self.sections
            .iter()
            .find(|s| s.table == "scenario")
            .and_then(|s| s.keys.iter().find(|(k, _)| k == "name"))
            .map(|(_, v)| v.trim_matches('"').to_string())
    }

    /// The TOML text of the file.
    pub fn toml(&self) -> String {
        let mut sections: Vec<&Section> = self.sections.iter().collect();
        if self.as_added {
            sections.sort_by_key(|s| s.table != "scenario");
        } else {
            sections.sort_by_key(|s| s.rank());
        }
        let mut out = String::new();
        for s in sections {
            s.write(&mut out);
        }
        out
    }

    /// Writes the file into `dir` as `NAME.toml` (`scenario.toml` for a file that keeps its
    /// base's name) and returns its path.
    pub fn write(&self, dir: &Path) -> PathBuf {
        let file = format!("{}.toml", self.name().unwrap_or_else(|| "scenario".into()));
        self.write_as(&dir.join(file))
    }

    /// Writes the file to `path` and returns it.
    pub fn write_as(&self, path: &Path) -> PathBuf {
        std::fs::write(path, self.toml()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path.to_path_buf()
    }

    /// The scenario, read by leaksim's own reader (through a file when it extends another).
    pub fn scenario(&self) -> leaksim::Scenario {
        if !self.extends {
            return super::scenario(&self.toml());
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = self.write(dir.path());
        leaksim::Scenario::load(&path, &[])
            .unwrap_or_else(|e| panic!("test scenario is valid: {e}"))
    }

    /// Declares a named entry (`[[KIND]] name = NAME`), once.
    fn entry(mut self, kind: &str, name: &str) -> Self {
        let known = self
            .sections
            .iter()
            .any(|s| s.table == kind && s.name.as_deref() == Some(name));
        assert!(!known, "{kind} `{name}` declared twice");
        self.sections.push(Section {
            table: kind.to_string(),
            name: Some(name.to_string()),
            keys: Vec::new(),
        });
        self
    }

    /// The table `table` (`controls.gatekeeper`), added when missing.
    fn table(&mut self, table: &str) -> &mut Section {
        let at = match self
            .sections
            .iter()
            .position(|s| s.name.is_none() && s.table == table)
        {
            Some(i) => i,
            None => {
                self.sections.push(Section {
                    table: table.to_string(),
                    name: None,
                    keys: Vec::new(),
                });
                self.sections.len() - 1
            }
        };
        &mut self.sections[at]
    }

    /// The section a `--set` path addresses, and its last key.
    fn section_of<'p>(&mut self, path: &'p str) -> (&mut Section, &'p str) {
        let parts: Vec<&'p str> = path.split('.').collect();
        assert!(parts.len() >= 2, "`{path}`: a path is TABLE.KEY");
        if ENTRY_KINDS.contains(&parts[0]) {
            assert!(
                parts.len() == 3,
                "`{path}`: an entry's path is KIND.NAME.KEY"
            );
            let (kind, name) = (parts[0], parts[1]);
            let found = self
                .sections
                .iter()
                .position(|s| s.table == kind && s.name.as_deref() == Some(name));
            let at = match found {
                Some(i) => i,
                None => {
                    assert!(self.extends, "`{path}`: no {kind} named `{name}` declared");
                    self.sections.push(Section {
                        table: kind.to_string(),
                        name: Some(name.to_string()),
                        keys: Vec::new(),
                    });
                    self.sections.len() - 1
                }
            };
            return (&mut self.sections[at], parts[2]);
        }
        let (table, key) = path.rsplit_once('.').expect("TABLE.KEY");
        (self.table(table), key)
    }
}
