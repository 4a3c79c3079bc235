//! Whether a run is within its risk tolerance (`[report] tolerance`), and at which losses: the
//! estimated P(loss > x) against the tolerated probability at each point of the curve.

use crate::error::Result;
use crate::output::format::human;
use crate::output::results::ResultsFolder;

/// A probability as a percentage with two decimals.
pub(super) fn pct(p: f64) -> String {
    format!("{:.2}%", 100.0 * p)
}

/// One tolerance point checked: loss, tolerated probability, estimated P(loss > loss).
pub(crate) struct Check {
    pub loss: f64,
    pub tolerated: f64,
    pub estimated: f64,
}

impl Check {
    /// Whether the estimate is within the tolerance at this loss.
    pub fn within(&self) -> bool {
        self.estimated <= self.tolerated
    }
}

/// Each tolerance point of a run folder checked against its loss column (None: no tolerance).
pub(crate) fn checks(f: &ResultsFolder) -> Result<Option<Vec<Check>>> {
    let tolerance = f.tolerance();
    if tolerance.is_empty() {
        return Ok(None);
    }
    let Some(cols) = f.replication_columns(&["loss"])? else {
        return Ok(None);
    };
    let loss = &cols[0];
    let n = loss.iter().filter(|v| !v.is_nan()).count().max(1) as f64;
    Ok(Some(
        tolerance
            .into_iter()
            .map(|(x, p)| Check {
                loss: x,
                tolerated: p,
                estimated: loss.iter().filter(|v| **v > x).count() as f64 / n,
            })
            .collect(),
    ))
}

/// The sentence of a run's verdict: within the tolerance at which losses, beyond it at which.
pub(super) fn sentence(f: &ResultsFolder, currency: &str) -> Result<Option<String>> {
    let Some(checks) = checks(f)? else {
        return Ok(None);
    };
    Ok(Some(words(&checks, currency)))
}

/// [`sentence`] from checks already made.
pub(crate) fn words(checks: &[Check], currency: &str) -> String {
    let beyond: Vec<String> = checks
        .iter()
        .filter(|c| !c.within())
        .map(|c| {
            format!(
                "at {} {currency} (P(loss &gt; x) = {} against {} tolerated)",
                human(c.loss, 0),
                pct(c.estimated),
                pct(c.tolerated)
            )
        })
        .collect();
    let within: Vec<String> = checks
        .iter()
        .filter(|c| c.within())
        .map(|c| human(c.loss, 0))
        .collect();
    if beyond.is_empty() {
        format!(
            "Risk tolerance: <b>within</b> it at every loss it states ({} {currency}).",
            within.join(", ")
        )
    } else if within.is_empty() {
        format!(
            "Risk tolerance: <b>beyond</b> it at every loss it states: {}.",
            beyond.join("; ")
        )
    } else {
        format!(
            "Risk tolerance: within it at {} {currency}; <b>beyond</b> it {}.",
            within.join(", "),
            beyond.join("; ")
        )
    }
}
