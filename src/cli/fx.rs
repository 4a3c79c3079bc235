//! Deals in different currencies: `compare` refuses them unless `--fx CUR=RATE` gives the rate of
//! each other currency into the baseline's; then every amount of the scenario (`[cost]`, each
//! class's `loss_per_record`, and `[report] tolerance` losses) is converted, through `--set`s
//! recorded with the scenario, and the scenario states the baseline's currency.

use super::*;
use crate::scenario::tree::{get_path, inline, Node, Val};

/// Parses `--fx` options: `CUR=RATE`, RATE > 0 (units of the baseline's currency per unit of CUR).
pub fn parse_fx(args: &[String]) -> Result<Vec<(String, f64)>> {
    args.iter()
        .map(|a| {
            let (c, r) = a.split_once('=').ok_or_else(|| {
                Error::Usage(format!("--fx {a}: expected CURRENCY=RATE, e.g. --fx EUR=1.08"))
            })?;
            let rate: f64 = r.trim().parse().ok().filter(|x: &f64| x.is_finite() && *x > 0.0).ok_or_else(|| {
                Error::Usage(format!("--fx {a}: the rate must be a number > 0 (units of the baseline's currency per {c})"))
            })?;
            Ok((c.trim().to_string(), rate))
        })
        .collect()
}

/// A numeric node scaled by `rate`, as TOML; a distribution has its location and scale fields
/// scaled (not its shape: `sigma`).
fn scaled(node: &Node, rate: f64) -> Option<String> {
    match &node.value {
        Val::Int(i) => Some(format!("{}", *i as f64 * rate)),
        Val::Float(f) => Some(format!("{}", f * rate)),
        Val::Table(t) if node.get("dist").is_some() => {
            let fields: Vec<String> = t
                .iter()
                .map(|(k, v)| {
                    let value = match k.as_str() {
                        "dist" | "sigma" => inline(v),
                        _ => scaled(v, rate).unwrap_or_else(|| inline(v)),
                    };
                    format!("{k} = {value}")
                })
                .collect();
            Some(format!("{{ {} }}", fields.join(", ")))
        }
        _ => None,
    }
}

/// The `--set`s that convert a scenario's amounts by `rate` into `currency`.
fn conversion_sets(s: &Scenario, rate: f64, currency: &str) -> Vec<String> {
    let mut sets = Vec::new();
    if let Some(Val::Table(cost)) = get_path(&s.tree, "cost").map(|n| &n.value) {
        for (k, v) in cost {
            if let Some(x) = scaled(v, rate) {
                sets.push(format!("cost.{k}={x}"));
            }
        }
    }
    for c in &s.classes {
        let path = format!("data_class.{}.loss_per_record", c.name);
        if let Some(x) = get_path(&s.tree, &path).and_then(|n| scaled(n, rate)) {
            sets.push(format!("{path}={x}"));
        }
    }
    if !s.tolerance.is_empty() {
        let points: Vec<String> = s
            .tolerance
            .iter()
            .map(|(x, p)| format!("[{}, {p}]", x * rate))
            .collect();
        sets.push(format!("report.tolerance=[{}]", points.join(", ")));
    }
    sets.push(format!("scenario.currency=\"{currency}\""));
    sets
}

/// Checks that the scenarios share the baseline's currency, or converts them with `fx`
/// (reloading each converted scenario with the `--set`s that convert it).
pub fn align_currencies(
    files: &[PathBuf],
    sets: &[String],
    scenarios: Vec<Scenario>,
    baseline: usize,
    fx: &[(String, f64)],
) -> Result<Vec<Scenario>> {
    let base = scenarios[baseline].currency.clone();
    let base_name = scenarios[baseline].name.clone();
    let mut out = Vec::with_capacity(scenarios.len());
    for (i, s) in scenarios.into_iter().enumerate() {
        if s.currency == base {
            out.push(s);
            continue;
        }
        let Some(&(_, rate)) = fx.iter().find(|(c, _)| *c == s.currency) else {
            return Err(Error::Usage(format!(
                "`{}` states its amounts in {} and the baseline `{}` in {}: amounts in different currencies cannot be compared; give the rate with --fx \"{}=RATE\" ({} per {}), or state one currency in both files",
                s.name, s.currency, base_name, base, s.currency, base, s.currency
            )));
        };
        let Some(file) = files.get(i) else {
            return Err(Error::Usage(format!(
                "`{}` is in {} and the baseline in {}: --fx converts scenario files, not shard folders",
                s.name, s.currency, base
            )));
        };
        let mut all = sets.to_vec();
        all.extend(conversion_sets(&s, rate, &base));
        out.push(Scenario::load(file, &all)?);
    }
    Ok(out)
}
