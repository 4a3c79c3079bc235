//! The inputs an exploration draws: every uncertain parameter of the deals (an uncertain tied
//! input `[inputs.NAME]` among them, as `inputs.NAME`), every structural choice of their
//! `[inputs]` tables, plus those added on the command line (`--input PATH=DIST`, `--input
//! NAME=DIST@PATH1,PATH2`, `--input PATH=choice(A:W,B:W)`). An input is one uniform number per
//! draw, carried through each deal's own distribution of each path it sets (or, for a choice,
//! its alternatives' cumulative weights), so that an input shared by several deals takes the
//! same quantile in all of them.

use crate::error::{Error, Result};
use crate::random::special::quantile_sorted;
use crate::random::{Dist, SourceId, Stream};
use crate::scenario::{tree, Scenario};

/// How an input's value is found for one deal and one path: a distribution (through its quantile
/// function) and whether the value is a whole number.
#[derive(Clone, Debug)]
pub struct Marginal {
    /// The distribution.
    pub dist: Dist,
    /// Whether values are rounded to whole numbers (counts).
    pub integer: bool,
    /// Sorted draws for distributions without a closed-form quantile (PERT, gamma).
    table: Vec<f64>,
    /// For a structural choice: each alternative and its weight (empty for a number).
    pub choices: Vec<(String, f64)>,
}

impl Marginal {
    /// A marginal for `dist`; PERT and gamma get a table of 200,000 sorted draws from a fixed
    /// stream (the same as [`Dist::quantile`] uses), read by interpolation.
    pub fn new(dist: Dist, integer: bool) -> Marginal {
        let table = match dist {
            Dist::Pert { .. } | Dist::Gamma { .. } => {
                let mut rng = Stream::new(0x5EED, 0, SourceId::new(0xFFFF, 0, 0));
                let mut v: Vec<f64> = (0..200_000).map(|_| dist.sample(&mut rng)).collect();
                v.sort_by(f64::total_cmp);
                v
            }
            _ => Vec::new(),
        };
        Marginal {
            dist,
            integer,
            table,
            choices: Vec::new(),
        }
    }

    /// A structural choice among `choices` (alternative, weight).
    pub fn choice(choices: Vec<(String, f64)>) -> Marginal {
        Marginal {
            dist: Dist::Uniform { min: 0.0, max: 1.0 },
            integer: true,
            table: Vec::new(),
            choices,
        }
    }

    /// For a choice, the index of the alternative at quantile `u`: the first whose cumulative
    /// weight (over the total) exceeds u.
    pub fn alternative(&self, u: f64) -> usize {
        let total: f64 = self.choices.iter().map(|c| c.1).sum();
        let mut acc = 0.0;
        for (i, (_, w)) in self.choices.iter().enumerate() {
            acc += w / total;
            if u < acc {
                return i;
            }
        }
        self.choices.len().saturating_sub(1)
    }

    /// The value at quantile `u` (0 < u < 1), rounded for counts; for a choice, its
    /// alternative's index.
    pub fn value(&self, u: f64) -> f64 {
        if !self.choices.is_empty() {
            return self.alternative(u) as f64;
        }
        let v = if self.table.is_empty() {
            self.dist.quantile(u)
        } else {
            quantile_sorted(&self.table, u)
        };
        if self.integer {
            v.round().max(0.0)
        } else {
            v
        }
    }
}

/// One input: a name, the paths it sets, and for each deal the marginal of each path it has
/// (None where the deal has no such path).
#[derive(Clone, Debug)]
pub struct Input {
    /// Its name: the path for a single-path input, else the name given.
    pub name: String,
    /// The `--set` paths one draw sets.
    pub paths: Vec<String>,
    /// Per deal, per path: the marginal, if the deal has the path.
    pub marginals: Vec<Vec<Option<Marginal>>>,
    /// For an input that sets no path (e.g. a probability evidence depends on): its marginal.
    pub own: Option<Marginal>,
    /// For a structural choice: its alternatives as the first deal that has it names them (its
    /// values in `inputs.csv` are their indices, 0 first). Empty for a number.
    pub levels: Vec<String>,
}

/// The inputs of an exploration, in a fixed order: the deals' uncertain parameters in the order
/// they first appear (first deal first), then the command line's, in the order given.
#[derive(Clone, Debug, Default)]
pub struct InputList {
    /// The inputs.
    pub inputs: Vec<Input>,
}

/// An input named on the command line: its name, its distribution (or alternatives) and the
/// paths it sets.
#[derive(Clone, Debug)]
pub struct InputSpec {
    /// Its name.
    pub name: String,
    /// Its distribution (the same for every deal; unused by a choice).
    pub dist: Dist,
    /// The paths it sets.
    pub paths: Vec<String>,
    /// A structural choice's alternatives and weights (empty for a number).
    pub choices: Vec<(String, f64)>,
}

/// Parses `choice(A:W,B:W,...)`: at least two alternatives (values as `--set` writes them),
/// each with a positive weight (`:W` may be left out: weight 1).
fn parse_choice(text: &str) -> std::result::Result<Vec<(String, f64)>, String> {
    let inner = text
        .strip_prefix("choice(")
        .and_then(|t| t.strip_suffix(')'))
        .ok_or("expected choice(A:W,B:W), e.g. choice(uniform:0.5,weakest:0.5)")?;
    let mut out: Vec<(String, f64)> = Vec::new();
    for item in inner.split(',') {
        let (label, w) = match item.rsplit_once(':') {
            Some((l, w)) => (l.trim(), w.trim()),
            None => (item.trim(), "1"),
        };
        let w: f64 = w
            .parse()
            .ok()
            .filter(|w: &f64| *w > 0.0 && w.is_finite())
            .ok_or(format!(
                "the weight of `{label}` must be a positive number, found `{w}`"
            ))?;
        if label.is_empty() || out.iter().any(|(l, _)| l == label) {
            return Err(format!("empty or repeated alternative `{label}`"));
        }
        out.push((label.to_string(), w));
    }
    if out.len() < 2 {
        return Err("a choice needs at least two alternatives".into());
    }
    Ok(out)
}

/// Parses `PATH=DIST` or `NAME=DIST@PATH1,PATH2`, where DIST is a distribution as a scenario
/// writes it, `{ dist = "uniform", min = 0.1, max = 0.5 }`.
pub fn parse_input(spec: &str) -> Result<InputSpec> {
    let bad = |msg: String| Error::Usage(format!("--input {spec}: {msg}"));
    let Some((name, rest)) = spec.split_once('=') else {
        return Err(bad(
            "expected PATH=DIST or NAME=DIST@PATH1,PATH2, e.g. actor.a.headcount={ dist = \"uniform\", min = 10, max = 40 }".into(),
        ));
    };
    let name = name.trim().to_string();
    if name.is_empty() {
        return Err(bad("empty name".into()));
    }
    let (dist_text, paths) = match rest.rsplit_once('@') {
        Some((d, p)) if !p.contains('}') => (
            d.trim(),
            p.split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>(),
        ),
        _ => (rest.trim(), vec![name.clone()]),
    };
    if paths.iter().any(|p| p.is_empty()) {
        return Err(bad("empty path in the list after @".into()));
    }
    if dist_text.starts_with("choice") {
        let choices = parse_choice(dist_text).map_err(bad)?;
        let dist = Dist::Uniform { min: 0.0, max: 1.0 };
        return Ok(InputSpec {
            name,
            dist,
            paths,
            choices,
        });
    }
    let value: toml::Value = toml::from_str(&format!("x = {dist_text}"))
        .map_err(|e| bad(format!("the distribution is not a TOML inline table: {e}")))
        .map(|t: toml::Table| t["x"].clone())?;
    let toml::Value::Table(t) = value else {
        return Err(bad(
            "expected a distribution table { dist = \"...\", ... }".into()
        ));
    };
    let kind = t
        .get("dist")
        .and_then(|v| v.as_str())
        .ok_or_else(|| bad("the table needs dist = \"uniform\" (or triangular, pert, lognormal, gamma, exponential)".into()))?
        .to_string();
    let field = |k: &str| {
        t.get(k)
            .and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
    };
    let dist = Dist::from_fields(&kind, field).map_err(bad)?;
    Ok(InputSpec {
        name,
        dist,
        paths,
        choices: Vec::new(),
    })
}

impl InputList {
    /// The inputs of `deals`: every uncertain parameter, then every structural choice of their
    /// `[inputs]` tables, then each spec. A spec whose path (or name) is already an input takes
    /// its place (its distribution for every deal). A path no deal has is refused.
    pub fn build(deals: &[Scenario], specs: &[InputSpec]) -> Result<InputList> {
        let claimed: Vec<&str> = specs
            .iter()
            .flat_map(|s| s.paths.iter().chain([&s.name]).map(|p| p.as_str()))
            .collect();
        let mut list = InputList::default();
        list.uncertain_params(deals, &claimed);
        list.scenario_choices(deals, &claimed);
        for spec in specs {
            list.push_spec(deals, spec)?;
        }
        Ok(list)
    }

    /// Every uncertain parameter of the deals not claimed by a spec, in the order they first
    /// appear; each deal through its own distribution.
    fn uncertain_params(&mut self, deals: &[Scenario], claimed: &[&str]) {
        for deal in deals {
            for p in &deal.params {
                if claimed.contains(&p.path.as_str()) || self.has(&p.path) {
                    continue;
                }
                let marginals = deals
                    .iter()
                    .map(|d| {
                        vec![d
                            .params
                            .iter()
                            .find(|q| q.path == p.path)
                            .map(|q| Marginal::new(q.dist.clone(), q.integer))]
                    })
                    .collect();
                self.inputs.push(Input {
                    name: p.path.clone(),
                    paths: vec![p.path.clone()],
                    marginals,
                    own: None,
                    levels: Vec::new(),
                });
            }
        }
    }

    /// Every structural choice of the deals' `[inputs]` tables (`inputs.NAME`), one input per
    /// name: the union of its paths, each deal through its own alternatives.
    fn scenario_choices(&mut self, deals: &[Scenario], claimed: &[&str]) {
        for deal in deals {
            for t in deal.inputs.iter().filter(|t| !t.choices.is_empty()) {
                let name = t.path();
                let skip = claimed.contains(&name.as_str())
                    || t.paths.iter().any(|p| claimed.contains(&p.as_str()));
                if skip || t.paths.is_empty() || self.has(&name) {
                    continue;
                }
                let same = |d: &Scenario| {
                    d.inputs
                        .iter()
                        .find(|u| u.name == t.name && !u.choices.is_empty())
                        .cloned()
                };
                let mut paths: Vec<String> = Vec::new();
                for u in deals.iter().filter_map(same) {
                    for p in u.paths {
                        if !paths.contains(&p) {
                            paths.push(p);
                        }
                    }
                }
                let marginals = deals
                    .iter()
                    .map(|d| {
                        let u = same(d);
                        paths
                            .iter()
                            .map(|p| {
                                u.as_ref()
                                    .filter(|u| u.paths.contains(p))
                                    .map(|u| Marginal::choice(u.choices.clone()))
                            })
                            .collect()
                    })
                    .collect();
                self.inputs.push(Input {
                    name,
                    paths,
                    marginals,
                    own: None,
                    levels: t.choices.iter().map(|c| c.0.clone()).collect(),
                });
            }
        }
    }

    /// Adds a command-line input: each deal takes it at each path it accepts.
    fn push_spec(&mut self, deals: &[Scenario], spec: &InputSpec) -> Result<()> {
        if self.has(&spec.name) {
            return Err(Error::Usage(format!(
                "--input {}: two inputs share this name",
                spec.name
            )));
        }
        let mut found = vec![false; spec.paths.len()];
        let marginals = deals
            .iter()
            .map(|d| {
                spec.paths
                    .iter()
                    .zip(found.iter_mut())
                    .map(|(path, found)| {
                        let m = if spec.choices.is_empty() {
                            Marginal::new(spec.dist.clone(), settable(d, path, &spec.dist)?)
                        } else {
                            choosable(d, path, &spec.choices)?;
                            Marginal::choice(spec.choices.clone())
                        };
                        *found = true;
                        Some(m)
                    })
                    .collect()
            })
            .collect();
        if let Some((path, _)) = spec.paths.iter().zip(&found).find(|(_, f)| !**f) {
            let what = if spec.choices.is_empty() {
                "a number"
            } else {
                "a field that takes every alternative"
            };
            return Err(Error::Usage(format!(
                "--input {}: no scenario has {what} at {path}",
                spec.name
            )));
        }
        self.inputs.push(Input {
            name: spec.name.clone(),
            paths: spec.paths.clone(),
            marginals,
            own: None,
            levels: spec.choices.iter().map(|c| c.0.clone()).collect(),
        });
        Ok(())
    }

    /// Whether an input is named `name`.
    fn has(&self, name: &str) -> bool {
        self.inputs.iter().any(|i| i.name == name)
    }

    /// Adds an input that sets no scenario path (read by evidence), named `name`.
    pub fn push_free(&mut self, name: &str, dist: Dist, deals: usize) {
        self.inputs.push(Input {
            name: name.to_string(),
            paths: Vec::new(),
            marginals: vec![Vec::new(); deals],
            own: Some(Marginal::new(dist, false)),
            levels: Vec::new(),
        });
    }

    /// The value of the scenario path `path` in deal `deal` at the quantiles `u`: its input's
    /// value if an input sets it, else the value written (or None).
    pub fn value_at(&self, deals: &[Scenario], deal: usize, path: &str, u: &[f64]) -> Option<f64> {
        for (input, &ui) in self.inputs.iter().zip(u) {
            for (p, m) in input.paths.iter().zip(&input.marginals[deal]) {
                if p == path {
                    if let Some(m) = m {
                        return Some(m.value(ui));
                    }
                }
            }
        }
        match tree::get_path(&deals[deal].tree, path)?.value {
            tree::Val::Int(i) => Some(i as f64),
            tree::Val::Float(f) => Some(f),
            _ => None,
        }
    }

    /// `uses()[i][deal]`: whether input i sets a path of the deal (an evidence input sets none).
    pub fn uses(&self) -> Vec<Vec<bool>> {
        self.inputs
            .iter()
            .map(|i| {
                i.marginals
                    .iter()
                    .map(|per_path| per_path.iter().any(Option::is_some))
                    .collect()
            })
            .collect()
    }

    /// The number of inputs.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The value input `i` takes at quantile `u`, as reported in `inputs.csv`: through the first
    /// deal (and first path) that has it.
    pub fn reported_value(&self, i: usize, u: f64) -> f64 {
        let input = &self.inputs[i];
        input
            .own
            .iter()
            .chain(input.marginals.iter().flatten().flatten())
            .next()
            .map(|m| m.value(u))
            .unwrap_or(f64::NAN)
    }

    /// The `--set` options fixing deal `deal`'s inputs at the quantiles `u` (one per input).
    pub fn sets(&self, deal: usize, u: &[f64]) -> Vec<String> {
        let mut sets = Vec::new();
        for (input, &ui) in self.inputs.iter().zip(u) {
            for (path, m) in input.paths.iter().zip(&input.marginals[deal]) {
                if let Some(m) = m {
                    if m.choices.is_empty() {
                        sets.push(format!("{path}={}", number_text(m.value(ui), m.integer)));
                    } else {
                        sets.push(format!("{path}={}", m.choices[m.alternative(ui)].0));
                    }
                }
            }
        }
        sets
    }
}

/// Whether deal `d` takes a number at `path` (written, or a default a `--set` may give), and
/// if so whether it is a whole number.
fn settable(d: &Scenario, path: &str, dist: &Dist) -> Option<bool> {
    match tree::get_path(&d.tree, path).map(|n| &n.value) {
        Some(tree::Val::Int(_)) => Some(true),
        Some(tree::Val::Float(_)) => Some(false),
        Some(tree::Val::Table(_)) => d
            .params
            .iter()
            .find(|q| q.path == path)
            .map(|q| q.integer)
            .or_else(|| {
                // A fixed tied input (`inputs.NAME` with a constant): made uncertain here.
                d.inputs
                    .iter()
                    .find(|t| t.path() == path && t.choices.is_empty() && !t.paths.is_empty())
                    .map(|t| t.integer)
            }),
        Some(_) => None,
        None => {
            let mut t = d.tree.clone();
            tree::apply_set(
                &mut t,
                &format!("{path}={}", number_text(dist.mean(), false)),
            )
            .ok()?;
            Scenario::from_tree(t, &d.source).ok().map(|_| false)
        }
    }
}

/// Whether deal `d` reads every alternative of `choices` at `path` (Some when it does).
fn choosable(d: &Scenario, path: &str, choices: &[(String, f64)]) -> Option<()> {
    for (label, _) in choices {
        let mut t = d.tree.clone();
        tree::apply_set(&mut t, &format!("{path}={label}")).ok()?;
        Scenario::from_tree(t, &d.source).ok()?;
    }
    Some(())
}

/// A number as TOML text that reads back exactly: whole numbers for counts.
pub fn number_text(v: f64, integer: bool) -> String {
    if integer {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_tied_inputs() {
        let a = parse_input("actor.a.headcount={ dist = \"uniform\", min = 1, max = 3 }").unwrap();
        assert_eq!(a.paths, vec!["actor.a.headcount".to_string()]);
        assert!((a.dist.quantile(0.5) - 2.0).abs() < 1e-12);
        let b = parse_input("both={dist=\"uniform\",min=0,max=1}@x.y, z.w").unwrap();
        assert_eq!(b.name, "both");
        assert_eq!(b.paths, vec!["x.y".to_string(), "z.w".to_string()]);
        assert!(parse_input("x.y=3").is_err());
        assert!(parse_input("x.y={dist=\"uniform\",min=3,max=1}").is_err());
    }

    #[test]
    fn numbers_read_back_exactly() {
        for v in [0.1, 1e-7, 123.456, 2.0 / 3.0] {
            assert_eq!(number_text(v, false).parse::<f64>().unwrap(), v);
        }
        assert_eq!(number_text(42.0, true), "42");
    }

    #[test]
    fn table_quantiles_follow_the_distribution() {
        let d = Dist::pert(0.0, 0.5, 1.0).unwrap();
        let m = Marginal::new(d, false);
        assert!((m.value(0.5) - 0.5).abs() < 0.01);
        assert!(m.value(0.1) < m.value(0.9));
    }
}
