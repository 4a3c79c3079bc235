//! Reading one TOML table of a scenario: allowed keys, typed values, names, distributions,
//! uncertain parameters. Every error names the file, the line and the key.

use super::tree::{Node, Val};
use super::{check_folder_name, EventDist, Num, NumValue, Param};
use crate::error::{suggestion, Error, InputError, Origin, Result};
use crate::random::Dist;

/// What a numeric field may hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    /// In [0, 1].
    Probability,
    /// At least 0.
    NonNegative,
    /// Strictly positive.
    Positive,
    /// A whole number at least 0 (drawn values are rounded).
    Count,
    /// A whole number at least 1 (drawn values are rounded), e.g. a team size.
    Members,
}

impl Kind {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Kind::Probability => "a probability between 0 and 1",
            Kind::NonNegative => "a number >= 0",
            Kind::Positive => "a number > 0",
            Kind::Count => "a whole number >= 0",
            Kind::Members => "a whole number >= 1",
        }
    }
    pub(super) fn accepts(self, v: f64) -> bool {
        match self {
            Kind::Probability => (0.0..=1.0).contains(&v),
            Kind::NonNegative => v >= 0.0 && v.is_finite(),
            Kind::Positive => v > 0.0 && v.is_finite(),
            Kind::Count => v >= 0.0 && v.is_finite() && v.fract() == 0.0,
            Kind::Members => v >= 1.0 && v.is_finite() && v.fract() == 0.0,
        }
    }
}

pub(super) struct Reader {
    pub(super) params: Vec<Param>,
    /// Tied inputs (`[inputs]`), read before the rest of the scenario.
    pub(super) inputs: Vec<super::inputs::Pending>,
}

/// A table being read: checks its keys against what is allowed and reads typed values.
pub(super) struct Tbl<'a> {
    node: &'a Node,
    path: String,
}

pub(super) fn err(origin: &Origin, key: &str, msg: impl Into<String>) -> Error {
    Error::Input(InputError::new(origin, key, msg))
}

impl<'a> Tbl<'a> {
    pub(super) fn open(node: &'a Node, path: &str, allowed: &[&str]) -> Result<Tbl<'a>> {
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

    pub(super) fn key(&self, k: &str) -> String {
        if self.path.is_empty() {
            k.to_string()
        } else {
            format!("{}.{k}", self.path)
        }
    }

    pub(super) fn get(&self, k: &str) -> Option<&'a Node> {
        self.node.get(k)
    }

    pub(super) fn req(&self, k: &str) -> Result<&'a Node> {
        self.get(k)
            .ok_or_else(|| err(&self.node.origin, &self.key(k), "missing required key"))
    }

    pub(super) fn string_of(&self, n: &Node, k: &str) -> Result<String> {
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

    pub(super) fn string(&self, k: &str) -> Result<String> {
        self.string_of(self.req(k)?, k)
    }

    pub(super) fn opt_string(&self, k: &str) -> Result<Option<String>> {
        self.get(k).map(|n| self.string_of(n, k)).transpose()
    }

    pub(super) fn bool_or(&self, k: &str, default: bool) -> Result<bool> {
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
    pub(super) fn names(
        &self,
        k: &str,
        names: &[String],
        what: &str,
    ) -> Result<Option<Vec<usize>>> {
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
        // Every list of names is a set: sorted, so that the order written changes no draw.
        out.sort_unstable();
        Ok(Some(out))
    }

    pub(super) fn name_ref(&self, k: &str, names: &[String], what: &str) -> Result<usize> {
        let n = self.req(k)?;
        let s = self.string_of(n, k)?;
        lookup(names, &s, &n.origin, &self.key(k), what)
    }

    pub(super) fn opt_name_ref(
        &self,
        k: &str,
        names: &[String],
        what: &str,
    ) -> Result<Option<usize>> {
        if self.get(k).is_none() {
            return Ok(None);
        }
        self.name_ref(k, names, what).map(Some)
    }

    pub(super) fn number_of(&self, n: &Node, k: &str) -> Result<f64> {
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
    pub(super) fn dist_of(&self, n: &Node, k: &str) -> Result<Dist> {
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
    pub(super) fn num(&self, r: &mut Reader, k: &str, kind: Kind) -> Result<Num> {
        if let Some(v) = r.tied(&self.key(k), self.get(k), kind)? {
            return Ok(v);
        }
        let n = self.req(k)?;
        self.num_of(r, n, k, kind)
    }

    pub(super) fn num_or(&self, r: &mut Reader, k: &str, kind: Kind, default: f64) -> Result<Num> {
        if let Some(v) = r.tied(&self.key(k), self.get(k), kind)? {
            return Ok(v);
        }
        match self.get(k) {
            None => Ok(Num::fixed(default)),
            Some(n) => self.num_of(r, n, k, kind),
        }
    }

    pub(super) fn opt_num(&self, r: &mut Reader, k: &str, kind: Kind) -> Result<Option<Num>> {
        if let Some(v) = r.tied(&self.key(k), self.get(k), kind)? {
            return Ok(Some(v));
        }
        self.get(k).map(|n| self.num_of(r, n, k, kind)).transpose()
    }

    pub(super) fn num_of(&self, r: &mut Reader, n: &Node, k: &str, kind: Kind) -> Result<Num> {
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
                // Drawn values are rounded: anything from 0.5 rounds to at least 1.
                Kind::Members => lo >= 0.5,
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
                integer: matches!(kind, Kind::Count | Kind::Members),
            });
            return Ok(Num {
                value: NumValue::Param(r.params.len() - 1),
            });
        }
        let v = self.number_of(n, k)?;
        self.check_fixed(n, &key, v, kind)
    }

    pub(super) fn check_fixed(&self, n: &Node, key: &str, v: f64, kind: Kind) -> Result<Num> {
        if !kind.accepts(v) {
            return Err(err(
                &n.origin,
                key,
                format!("expected {}, found {v}", kind.describe()),
            ));
        }
        Ok(Num::fixed(v))
    }

    /// A per-event quantity: a number, or a distribution drawn for each event, whose own
    /// parameters may be uncertain (`{ dist = "lognormal", median = { dist = "pert", ... }, ... }`).
    pub(super) fn per_event(
        &self,
        r: &mut Reader,
        k: &str,
        required: bool,
        default: f64,
    ) -> Result<EventDist> {
        let Some(n) = self.get(k) else {
            return if required {
                Err(err(&self.node.origin, &self.key(k), "missing required key"))
            } else {
                Ok(EventDist::fixed(Dist::Constant(default)))
            };
        };
        let nested = match &n.value {
            Val::Table(t) => t
                .iter()
                .any(|(key, v)| key != "dist" && matches!(v.value, Val::Table(_))),
            _ => false,
        };
        if nested {
            return self.uncertain_event(r, n, k);
        }
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
        Ok(EventDist::fixed(d))
    }

    /// A per-event distribution with uncertain parameters: each field is a parameter (a number
    /// or a distribution drawn once per replication, named `KEY.FIELD`); the distribution at the
    /// fields' means must be valid and draw no negative value.
    fn uncertain_event(&self, r: &mut Reader, n: &'a Node, k: &str) -> Result<EventDist> {
        let key = self.key(k);
        let t = Tbl::open(
            n,
            &key,
            &[
                "dist", "value", "mean", "min", "max", "mode", "median", "sigma", "sd",
            ],
        )?;
        let kind = match t.get("dist").map(|d| &d.value) {
            Some(Val::Str(s)) => s.clone(),
            _ => {
                return Err(err(
                    &n.origin,
                    &key,
                    "a distribution table needs `dist = \"...\"`",
                ))
            }
        };
        let Val::Table(entries) = &n.value else {
            unreachable!("checked by the caller")
        };
        let mut fields = Vec::new();
        for (name, _) in entries.iter().filter(|(name, _)| name != "dist") {
            fields.push((name.clone(), t.num(r, name, Kind::NonNegative)?));
        }
        let means: Vec<f64> = r.params.iter().map(|p| p.dist.mean()).collect();
        let value = |f: &str| {
            fields
                .iter()
                .find(|(name, _)| name == f)
                .map(|(_, num)| num.get(&means))
        };
        let typical = Dist::from_fields(&kind, value).map_err(|m| err(&n.origin, &key, m))?;
        if typical.support().0 < 0.0 {
            return Err(err(
                &n.origin,
                &key,
                "expected values >= 0: this distribution can draw negative values",
            ));
        }
        Ok(EventDist {
            typical,
            kind,
            fields,
        })
    }
}

pub(super) fn lookup(
    names: &[String],
    name: &str,
    origin: &Origin,
    key: &str,
    what: &str,
) -> Result<usize> {
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
pub(super) fn entries<'a>(root: &'a Node, key: &str) -> Result<Vec<(&'a Node, String)>> {
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
    // Entities are numbered in name order, so that reordering them in a file changes nothing.
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

pub(super) fn check_name(name: &str, origin: &Origin, key: &str) -> Result<()> {
    check_folder_name(name).map_err(|m| err(origin, key, m))
}
