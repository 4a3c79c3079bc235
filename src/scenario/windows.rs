//! Measurement windows of the `[question]`: `window_days = [FROM, TO]` for the headline metrics,
//! and `also = [{ name = "...", window_days = [FROM, TO] }, ...]` for further named windows.

use super::table::{check_name, err, Tbl};
use super::tree::{Node, Val};
use super::Window;
use crate::error::Result;

/// The window of the whole horizon (the default).
pub(super) fn whole(horizon: f64) -> Window {
    Window {
        name: String::new(),
        from: 0.0,
        to: horizon,
    }
}

/// Reads `window_days` and `also` of the `[question]` table `t`.
pub(super) fn read_windows(t: &Tbl, horizon: f64) -> Result<(Window, Vec<Window>)> {
    let window = match t.get("window_days") {
        None => whole(horizon),
        Some(n) => {
            let (from, to) = days(n, &t.key("window_days"), horizon)?;
            Window {
                name: String::new(),
                from,
                to,
            }
        }
    };
    let mut also: Vec<Window> = Vec::new();
    if let Some(n) = t.get("also") {
        let key = t.key("also");
        let Val::Array(items) = &n.value else {
            return Err(err(
                &n.origin,
                &key,
                "expected an array of tables, e.g. [{ name = \"year2\", window_days = [365, 730] }]",
            ));
        };
        for it in items {
            let wt = Tbl::open(it, &key, &["name", "window_days"])?;
            let name = wt.string("name")?;
            check_name(&name, &wt.req("name")?.origin, &format!("{key}.name"))?;
            if also.iter().any(|w| w.name == name) {
                return Err(err(
                    &it.origin,
                    &format!("{key}.name"),
                    format!("two windows are named `{name}`"),
                ));
            }
            let (from, to) = days(
                wt.req("window_days")?,
                &format!("{key}.window_days"),
                horizon,
            )?;
            also.push(Window { name, from, to });
        }
    }
    Ok((window, also))
}

/// `[FROM, TO]` in days, with 0 <= FROM < TO <= horizon.
fn days(n: &Node, key: &str, horizon: f64) -> Result<(f64, f64)> {
    let expected = format!(
        "expected [FROM, TO]: two days with 0 <= FROM < TO <= the horizon ({horizon} days)"
    );
    let Val::Array(items) = &n.value else {
        return Err(err(&n.origin, key, expected));
    };
    let nums: Vec<f64> = items
        .iter()
        .filter_map(|i| match i.value {
            Val::Int(v) => Some(v as f64),
            Val::Float(v) => Some(v),
            _ => None,
        })
        .collect();
    match nums[..] {
        [from, to] if items.len() == 2 && from >= 0.0 && from < to && to <= horizon => {
            Ok((from, to))
        }
        _ => Err(err(&n.origin, key, expected)),
    }
}
