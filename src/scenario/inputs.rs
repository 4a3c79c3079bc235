//! Tied inputs (`[inputs.NAME]`): one value, fixed or drawn once per replication, that sets
//! every numeric field it names, e.g. the day every legacy store is deleted.
//!
//! ```toml
//! [inputs.legacy_deletion_day]
//! dist = "pert", min = 30, mode = 120, max = 270   # or dist = "constant", value = 120
//! paths = ["store.virginia.delete_on_day", "store.singapore.delete_on_day"]
//! ```
//!
//! A structural choice names alternatives instead of a distribution, e.g. an actor's targeting:
//!
//! ```toml
//! [inputs.targeting]
//! choices = { uniform = 0.5, weakest = 0.5 }   # alternative = weight
//! paths = ["actor.parent-engineering-cn.targeting"]
//! ```
//!
//! `run` keeps the value each field has in the file (a choice is not drawn per replication);
//! `explore` draws one alternative per draw. Each alternative must be a value every path accepts
//! (checked by reading the scenario with it).
//!
//! An uncertain tied input is one uncertain parameter named `inputs.NAME` (its column in
//! `replications.csv`, its `--set` path, its row in a tornado); the fields it names read that one
//! draw. A field a tied input names must not be given a value of its own in the file; a `--set`
//! of it unties it (the path leaves the input's `paths`, see `tree::apply_set`). An input whose
//! paths are all untied sets nothing and is no uncertain parameter.

use super::table::{err, Kind, Reader, Tbl};
use super::tree::{Node, Table, Val};
use super::{Num, NumValue, Param};
use crate::error::Origin;
use crate::error::Result;
use crate::random::Dist;

/// A tied input: one value shared by every field in `paths`.
#[derive(Clone, Debug)]
pub struct TiedInput {
    /// Its name (`[inputs.NAME]`); its `--set` path and column are `inputs.NAME`.
    pub name: String,
    /// Its distribution (`Dist::Constant` for a fixed value; unused by a structural choice).
    pub dist: Dist,
    /// The `--set` paths of the fields it sets, e.g. `store.virginia.delete_on_day`.
    pub paths: Vec<String>,
    /// Whether the fields it sets are whole numbers (counts), as the first field read says.
    pub integer: bool,
    /// A structural choice (`choices = { uniform = 0.5, weakest = 0.5 }`): each alternative (a
    /// value as `--set` writes it) with its weight. Empty for a numeric input. `run` keeps the
    /// value the file writes at each path; `explore` draws among the alternatives.
    pub choices: Vec<(String, f64)>,
}

impl TiedInput {
    /// Its `--set` path and column name: `inputs.NAME`.
    pub fn path(&self) -> String {
        format!("inputs.{}", self.name)
    }
}

/// A tied input while a scenario is read: which uncertain parameter it became, which of its
/// paths were met, and where it was written (for errors).
pub(super) struct Pending {
    pub(super) input: TiedInput,
    pub(super) param: Option<usize>,
    pub(super) used: Vec<bool>,
    pub(super) origin: crate::error::Origin,
}

/// Reads the `[inputs]` table (none: no tied input).
pub(super) fn read_inputs(root: &Node) -> Result<Vec<Pending>> {
    let Some(n) = root.get("inputs") else {
        return Ok(Vec::new());
    };
    let Val::Table(t) = &n.value else {
        return Err(err(
            &n.origin,
            "inputs",
            format!("expected a table, found {}", n.value.type_name()),
        ));
    };
    let mut out: Vec<Pending> = Vec::new();
    for (name, node) in t {
        let key = format!("inputs.{name}");
        super::check_folder_name(name).map_err(|m| err(&node.origin, &key, m))?;
        let Val::Table(fields) = &node.value else {
            return Err(err(
                &node.origin,
                &key,
                "expected a table: a distribution (`dist = ...`) and `paths = [...]`",
            ));
        };
        let paths_node = node.get("paths").ok_or_else(|| {
            err(
                &node.origin,
                &format!("{key}.paths"),
                "missing required key: the `--set` paths of the fields this input sets",
            )
        })?;
        let Val::Array(items) = &paths_node.value else {
            return Err(err(
                &paths_node.origin,
                &format!("{key}.paths"),
                "expected an array of paths, e.g. [\"store.virginia.delete_on_day\"]",
            ));
        };
        let mut paths = Vec::new();
        for it in items {
            let Val::Str(p) = &it.value else {
                return Err(err(
                    &it.origin,
                    &format!("{key}.paths"),
                    format!("expected a path string, found {}", it.value.type_name()),
                ));
            };
            let taken = paths.contains(p) || out.iter().any(|o| o.input.paths.contains(p));
            if taken {
                return Err(err(
                    &it.origin,
                    &format!("{key}.paths"),
                    format!("`{p}` is named twice: a field takes one tied input"),
                ));
            }
            paths.push(p.clone());
        }
        if let Some(cn) = node.get("choices") {
            out.push(Pending {
                used: vec![true; paths.len()],
                input: TiedInput {
                    name: name.clone(),
                    dist: Dist::Constant(0.0),
                    paths,
                    integer: false,
                    choices: choices_of(node, cn, &key)?,
                },
                param: None,
                origin: node.origin.clone(),
            });
            continue;
        }
        // The distribution is the table without `paths`.
        let dist_node = Node {
            value: Val::Table(
                fields
                    .iter()
                    .filter(|(k, _)| k != "paths")
                    .cloned()
                    .collect(),
            ),
            origin: node.origin.clone(),
        };
        let dist = dist_from(&dist_node, name)?;
        out.push(Pending {
            used: vec![false; paths.len()],
            input: TiedInput {
                name: name.clone(),
                dist,
                paths,
                integer: false,
                choices: Vec::new(),
            },
            param: None,
            origin: node.origin.clone(),
        });
    }
    Ok(out)
}

/// The alternatives of a structural choice: `choices = { LABEL = WEIGHT, ... }`, at least two,
/// weights positive numbers; nothing else in the table but `paths`.
fn choices_of(node: &Node, cn: &Node, key: &str) -> Result<Vec<(String, f64)>> {
    let ck = format!("{key}.choices");
    let fields: &[(String, Node)] = match &node.value {
        Val::Table(t) => t,
        _ => &[],
    };
    if let Some((k, n)) = fields.iter().find(|(k, _)| k != "paths" && k != "choices") {
        return Err(err(
            &n.origin,
            &format!("{key}.{k}"),
            "a structural choice takes only `choices` and `paths` (no distribution)",
        ));
    }
    let Val::Table(items) = &cn.value else {
        return Err(err(
            &cn.origin,
            &ck,
            format!(
                "expected a table of alternatives and weights, e.g. {{ uniform = 0.5, weakest = 0.5 }}, found {}",
                cn.value.type_name()
            ),
        ));
    };
    let mut out = Vec::new();
    for (label, w) in items {
        let weight = match w.value {
            Val::Int(i) => i as f64,
            Val::Float(f) => f,
            _ => f64::NAN,
        };
        if !(weight > 0.0 && weight.is_finite()) {
            return Err(err(
                &w.origin,
                &format!("{ck}.{label}"),
                format!(
                    "expected a positive weight, found {}",
                    super::tree::to_toml(w)
                ),
            ));
        }
        out.push((label.clone(), weight));
    }
    if out.len() < 2 {
        return Err(err(
            &cn.origin,
            &ck,
            "a structural choice needs at least two alternatives",
        ));
    }
    Ok(out)
}

/// The distribution of input `name` from its table (without `paths`).
fn dist_from(node: &Node, name: &str) -> Result<Dist> {
    let holder = Node {
        value: Val::Table(vec![(name.to_string(), node.clone())]),
        origin: node.origin.clone(),
    };
    let t = Tbl::open(&holder, "inputs", &[name])?;
    t.dist_of(node, name)
}

impl Reader {
    /// The value of field `key` (of kind `kind`) if a tied input names it; `given` is the
    /// field's own node, an error when present.
    pub(super) fn tied(
        &mut self,
        key: &str,
        given: Option<&Node>,
        kind: Kind,
    ) -> Result<Option<Num>> {
        let Some((i, k)) = self
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.input.choices.is_empty())
            .find_map(|(i, p)| p.input.paths.iter().position(|x| x == key).map(|k| (i, k)))
        else {
            return Ok(None);
        };
        let ip = self.inputs[i].input.path();
        if let Some(n) = given {
            return Err(err(
                &n.origin,
                key,
                format!("this value is set by `{ip}` (one value for every path it names): give it there, or remove `{key}` from its paths"),
            ));
        }
        if !self.inputs[i].used.iter().any(|u| *u) {
            self.inputs[i].input.integer = matches!(kind, Kind::Count | Kind::Members);
        }
        self.inputs[i].used[k] = true;
        let dist = self.inputs[i].input.dist.clone();
        let (lo, hi) = dist.support();
        let ok = match kind {
            Kind::Probability => lo >= 0.0 && hi <= 1.0,
            Kind::NonNegative | Kind::Count => lo >= 0.0 && hi.is_finite(),
            Kind::Members => lo >= 0.5 && hi.is_finite(),
            Kind::Positive => lo > 0.0,
        };
        if !ok {
            return Err(err(
                &self.inputs[i].origin,
                &ip,
                format!(
                    "`{key}` takes {}; this input ranges over [{lo}, {hi}]",
                    kind.describe()
                ),
            ));
        }
        if let Dist::Constant(v) = dist {
            let v = if matches!(kind, Kind::Count | Kind::Members) {
                v.round()
            } else {
                v
            };
            return Ok(Some(Num::fixed(v)));
        }
        let idx = match self.inputs[i].param {
            Some(p) => p,
            None => {
                self.params.push(Param {
                    path: ip,
                    dist,
                    integer: matches!(kind, Kind::Count | Kind::Members),
                });
                self.inputs[i].param = Some(self.params.len() - 1);
                self.params.len() - 1
            }
        };
        Ok(Some(Num {
            value: NumValue::Param(idx),
        }))
    }

    /// Checks that every path of every tied input named a numeric field the scenario read.
    pub(super) fn check_inputs_used(&self) -> Result<()> {
        for p in &self.inputs {
            if let Some(k) = p.used.iter().position(|u| !u) {
                return Err(err(
                    &p.origin,
                    &format!("{}.paths", p.input.path()),
                    format!("`{}` is not a numeric field of this scenario (a path such as store.NAME.delete_on_day or actor.NAME.headcount)", p.input.paths[k]),
                ));
            }
        }
        Ok(())
    }
}

impl Reader {
    /// Checks every alternative of every structural choice: the scenario `root` with that
    /// alternative at each of the choice's paths must read without error.
    pub(super) fn check_choices(&self, root: &Node) -> Result<()> {
        let choices = self.inputs.iter().filter(|p| !p.input.choices.is_empty());
        for p in choices.filter(|p| !p.input.paths.is_empty()) {
            for (label, _) in &p.input.choices {
                let mut t = root.clone();
                let tried = p
                    .input
                    .paths
                    .iter()
                    .try_for_each(|path| super::tree::apply_set(&mut t, &format!("{path}={label}")))
                    .and_then(|_| super::Scenario::from_tree(t, "").map(|_| ()));
                if let Err(e) = tried {
                    return Err(err(
                        &p.origin,
                        &format!("{}.choices", p.input.path()),
                        format!(
                            "the alternative `{label}` is not a value of {}: {e}",
                            p.input.paths.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A tied input's table with `value` (a number, or a distribution table) in place of its
/// distribution, its `paths` kept.
pub(super) fn tied_value(old: &Node, value: Node, origin: &Origin) -> Node {
    let paths = old.get("paths").cloned().expect("checked by the caller");
    let mut t: Table = match value.value {
        Val::Table(t) => t.into_iter().filter(|(k, _)| k != "paths").collect(),
        v => vec![
            (
                "dist".to_string(),
                Node {
                    value: Val::Str("constant".into()),
                    origin: origin.clone(),
                },
            ),
            (
                "value".to_string(),
                Node {
                    value: v,
                    origin: origin.clone(),
                },
            ),
        ],
    };
    t.push(("paths".to_string(), paths));
    Node {
        value: Val::Table(t),
        origin: origin.clone(),
    }
}

/// A `--set` of a field a tied input names gives that field its own value: the path leaves the
/// input's `paths` (the other fields stay tied), so the resolved scenario reads the same again.
pub(super) fn untie(root: &mut Node, path: &str) {
    let Some(Val::Table(inputs)) = root.get_mut("inputs").map(|n| &mut n.value) else {
        return;
    };
    for (_, input) in inputs.iter_mut() {
        if let Some(Val::Array(paths)) = input.get_mut("paths").map(|n| &mut n.value) {
            paths.retain(|p| !matches!(&p.value, Val::Str(s) if s == path));
        }
    }
}
