//! What `explore` reads of a scenario and the other commands do not use: evidence written in it
//! (`[[evidence]]`), which weights the draws of the inputs by their likelihood, and the failure
//! to look for (`[explore] discover`). First kind: "no
//! compelled demand by STATE became known over YEARS years", with the probability that a demand
//! would have become known (a number, or a distribution: then an input of the exploration).
//!
//! ```toml
//! [[evidence]]
//! kind = "no-demand-known"
//! state = "CN"
//! years = 3
//! p_known = { dist = "uniform", min = 0.1, max = 0.5 }   # or a number, e.g. 0.3
//! ```

use super::table::{err, Tbl};
use super::tree::{Node, Val};
use crate::error::{Origin, Result};
use crate::random::Dist;

/// The kinds of evidence a scenario may state.
pub const KINDS: [&str; 1] = ["no-demand-known"];

/// One `[[evidence]]` entry.
#[derive(Clone, Debug)]
pub struct EvidenceEntry {
    /// Its kind (`no-demand-known`).
    pub kind: String,
    /// The jurisdiction whose demands none became known.
    pub state: String,
    /// Years observed (> 0).
    pub years: f64,
    /// The probability that a demand would have become known (`Dist::Constant` when fixed).
    pub p_known: Dist,
    /// Where it is written, for messages.
    pub origin: Origin,
}

/// Reads the `[[evidence]]` entries of `root` (none: no evidence); `jur_names` are the
/// scenario's jurisdictions. Keys in errors are `evidence[N].KEY`, N counted from 1.
pub(super) fn read_evidence(root: &Node, jur_names: &[String]) -> Result<Vec<EvidenceEntry>> {
    let Some(n) = root.get("evidence") else {
        return Ok(Vec::new());
    };
    let Val::Array(items) = &n.value else {
        return Err(err(
            &n.origin,
            "evidence",
            format!(
                "expected [[evidence]] tables, found {}",
                n.value.type_name()
            ),
        ));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| entry(item, &format!("evidence[{}]", i + 1), jur_names))
        .collect()
}

/// One entry, its keys under `key`.
fn entry(item: &Node, key: &str, jur_names: &[String]) -> Result<EvidenceEntry> {
    if !matches!(item.value, Val::Table(_)) {
        return Err(err(
            &item.origin,
            key,
            format!("expected a table, found {}", item.value.type_name()),
        ));
    }
    let t = Tbl::open(item, key, &["kind", "state", "years", "p_known"])?;
    let kind = t.string("kind")?;
    if !KINDS.contains(&kind.as_str()) {
        return Err(err(
            &t.req("kind")?.origin,
            &t.key("kind"),
            format!(
                "unknown kind `{kind}`; expected {}{}",
                KINDS.join(", "),
                crate::error::suggestion(&kind, KINDS)
            ),
        ));
    }
    let state = jur_names[t.name_ref("state", jur_names, "jurisdiction")?].clone();
    let yn = t.req("years")?;
    let years = t.number_of(yn, "years")?;
    if !(years > 0.0 && years.is_finite()) {
        return Err(err(
            &yn.origin,
            &t.key("years"),
            format!("expected a number of years > 0, found {years}"),
        ));
    }
    let pn = t.req("p_known")?;
    let p_known = match &pn.value {
        Val::Table(_) => t.dist_of(pn, "p_known")?,
        _ => Dist::Constant(t.number_of(pn, "p_known")?),
    };
    let (lo, hi) = p_known.support();
    if !(lo >= 0.0 && hi <= 1.0) {
        return Err(err(
            &pn.origin,
            &t.key("p_known"),
            format!("expected a probability in [0, 1] (or a distribution within it), found one over [{lo}, {hi}]"),
        ));
    }
    Ok(EvidenceEntry {
        kind,
        state,
        years,
        p_known,
        origin: item.origin.clone(),
    })
}

/// `[explore] discover = "METRIC>X"`: the draws a discovery (PRIM) looks for when `explore` is
/// not given `--discover`.
#[derive(Clone, Debug, PartialEq)]
pub struct DiscoverEntry {
    /// The metric's name, e.g. `reached.once_migrated`.
    pub metric: String,
    /// The threshold X, in [0, 1).
    pub above: f64,
    /// Where it is written, for messages.
    pub origin: Origin,
}

/// Reads `[explore]` of `root` (absent: None).
pub(super) fn read_explore(root: &Node) -> Result<Option<DiscoverEntry>> {
    let Some(n) = root.get("explore") else {
        return Ok(None);
    };
    let t = Tbl::open(n, "explore", &["discover"])?;
    let Some(dn) = t.get("discover") else {
        return Ok(None);
    };
    let spec = t.string("discover")?;
    let bad = || {
        err(
            &dn.origin,
            "explore.discover",
            format!("expected \"METRIC>X\" with X a probability in [0, 1), e.g. \"reached>0.03\", found `{spec}`"),
        )
    };
    let (metric, x) = spec.split_once('>').ok_or_else(bad)?;
    let above: f64 = x.trim().parse().map_err(|_| bad())?;
    if !(0.0..1.0).contains(&above) || metric.trim().is_empty() {
        return Err(bad());
    }
    Ok(Some(DiscoverEntry {
        metric: metric.trim().to_string(),
        above,
        origin: dn.origin.clone(),
    }))
}
