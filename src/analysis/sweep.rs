//! Sweeps: the grid of values of one or two parameters (`--vary`), and the scenario at each point.

use crate::error::{Error, Result};
use crate::scenario::Scenario;
use std::path::Path;

/// A `--vary` specification: a path and the values it takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    /// `--set` path.
    pub path: String,
    /// Values, as TOML text.
    pub values: Vec<String>,
}

/// Parses `PATH=a..b:step` or `PATH=v1,v2,v3`.
pub fn parse_vary(spec: &str) -> Result<Vary> {
    let bad = |m: String| Error::Usage(format!("--vary {spec}: {m}"));
    let (path, vals) = spec
        .split_once('=')
        .ok_or_else(|| bad("expected PATH=FROM..TO:STEP or PATH=V1,V2,...".into()))?;
    let path = path.trim().to_string();
    let vals = vals.trim();
    let values = if let Some((range, step)) = vals.split_once(':').filter(|(r, _)| r.contains(".."))
    {
        let (a, b) = range.split_once("..").expect("checked");
        let num = |s: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| bad(format!("`{s}` is not a number")))
        };
        let (a, b, step) = (num(a)?, num(b)?, num(step)?);
        if step.is_nan() || step <= 0.0 || b < a || !a.is_finite() || !b.is_finite() {
            return Err(bad("needs FROM <= TO and STEP > 0".into()));
        }
        let n = ((b - a) / step + 1e-9).floor() as u64 + 1;
        if n > 10_000 {
            return Err(bad(format!("{n} points is too many (at most 10000)")));
        }
        (0..n).map(|i| fmt_value(a + i as f64 * step)).collect()
    } else if vals.contains("..") {
        return Err(bad(format!(
            "the range `{vals}` has no step: write FROM..TO:STEP (e.g. `{vals}:{}`), or list the values: V1,V2,...",
            "STEP"
        )));
    } else {
        vals.split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
    };
    if values.is_empty() {
        return Err(bad("no values".into()));
    }
    Ok(Vary { path, values })
}

/// A number as TOML text: whole numbers without a decimal point.
pub fn fmt_value(v: f64) -> String {
    // Beyond what TOML integers hold (and where `v * 1e9` would overflow), an exponent keeps the
    // text a TOML float.
    if v.is_nan() || v.abs() >= 9e18 {
        return format!("{v:e}");
    }
    let r = (v * 1e9).round() / 1e9;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// The grid of points of several `--vary` (cartesian product, first varying slowest).
pub fn grid(varies: &[Vary]) -> Vec<Vec<String>> {
    let mut points: Vec<Vec<String>> = vec![vec![]];
    for v in varies {
        points = points
            .into_iter()
            .flat_map(|p| {
                v.values
                    .iter()
                    .map(move |x| [p.clone(), vec![x.clone()]].concat())
            })
            .collect();
    }
    points
}

/// Loads the scenario once per sweep point (its `--set` options, then the point's values).
pub fn sweep_scenarios(
    file: &Path,
    sets: &[String],
    varies: &[Vary],
) -> Result<Vec<(Vec<String>, Scenario)>> {
    grid(varies)
        .into_iter()
        .map(|point| {
            let mut all = sets.to_vec();
            all.extend(
                varies
                    .iter()
                    .zip(&point)
                    .map(|(v, x)| format!("{}={x}", v.path)),
            );
            Scenario::load(file, &all).map(|s| (point, s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vary_ranges_and_lists() {
        let v = parse_vary("controls.gatekeeper.team_size=25..100:25").unwrap();
        assert_eq!(v.values, vec!["25", "50", "75", "100"]);
        let v = parse_vary("x=0.1..0.3:0.1").unwrap();
        assert_eq!(v.values, vec!["0.1", "0.2", "0.3"]);
        let v = parse_vary("store.s.jurisdiction=\"US\",\"CN\"").unwrap();
        assert_eq!(v.values.len(), 2);
        assert!(parse_vary("x=5..1:1").is_err());
        assert!(parse_vary("x").is_err());
    }

    #[test]
    fn grid_is_a_cartesian_product() {
        let a = Vary {
            path: "a".into(),
            values: vec!["1".into(), "2".into()],
        };
        let b = Vary {
            path: "b".into(),
            values: vec!["x".into(), "y".into(), "z".into()],
        };
        let g = grid(&[a, b]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec!["1", "x"]);
        assert_eq!(g[5], vec!["2", "z"]);
    }
}
