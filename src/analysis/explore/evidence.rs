//! Evidence: what has been observed, turned into a likelihood of each draw. First kind: "no
//! compelled demand by state S became known over Y years". If S's demands arrive as a Poisson
//! process of rate lambda a year (the draw's `jurisdiction.S.compelled_demands_per_year`) and each
//! becomes known with probability p (`p_known`, fixed or an input), known demands arrive at rate
//! lambda p, and none in Y years has probability exp(-lambda Y p): the draw's likelihood. Every
//! output is then also given with the draws weighted by their likelihood (importance weights
//! over the prior draws), which is Bayes' rule applied to the sample.

use crate::error::{Error, Result};
use crate::random::Dist;

/// One piece of evidence.
#[derive(Clone, Debug)]
pub struct Evidence {
    /// The state whose demands none became known.
    pub state: String,
    /// Years observed.
    pub years: f64,
    /// The probability that a demand would have become known: a number, or a uniform range
    /// (then an input of its own, `evidence.S.p_known`).
    pub p_known: PKnown,
}

/// `p_known`: fixed or uncertain.
#[derive(Clone, Debug)]
pub enum PKnown {
    /// A fixed probability.
    Fixed(f64),
    /// An input with this distribution.
    Uncertain(Dist),
}

impl Evidence {
    /// The path of the demand rate this evidence bears on.
    pub fn rate_path(&self) -> String {
        format!("jurisdiction.{}.compelled_demands_per_year", self.state)
    }

    /// The name of the `p_known` input, when uncertain.
    pub fn p_known_name(&self) -> String {
        format!("evidence.{}.p_known", self.state)
    }

    /// The evidence a scenario's `[[evidence]]` entry states.
    pub fn from_entry(e: &crate::scenario::EvidenceEntry) -> Evidence {
        Evidence {
            state: e.state.clone(),
            years: e.years,
            p_known: match e.p_known {
                Dist::Constant(p) => PKnown::Fixed(p),
                ref d => PKnown::Uncertain(d.clone()),
            },
        }
    }

    /// Whether `other` states the same (state, years and `p_known`).
    pub fn same_as(&self, other: &Evidence) -> bool {
        self.state == other.state
            && self.years == other.years
            && format!("{:?}", self.p_known) == format!("{:?}", other.p_known)
    }

    /// The likelihood of the evidence given the draw's demand rate and `p_known`.
    pub fn likelihood(&self, rate: f64, p_known: f64) -> f64 {
        (-rate * self.years * p_known).exp()
    }
}

/// Parses `no-demand-known:S:years=Y:p_known=P` (P a probability, or a range `LOW..HIGH` read as
/// a uniform input).
pub fn parse_evidence(spec: &str) -> Result<Evidence> {
    let bad = |m: &str| {
        Error::Usage(format!(
            "--evidence {spec}: {m} (expected no-demand-known:STATE:years=Y:p_known=P, P a probability or a range LOW..HIGH)"
        ))
    };
    let parts: Vec<&str> = spec.split(':').map(str::trim).collect();
    let [kind, state, rest @ ..] = parts.as_slice() else {
        return Err(bad("too few fields"));
    };
    if *kind != "no-demand-known" {
        return Err(bad(&format!("unknown kind `{kind}`")));
    }
    let (mut years, mut p_known) = (None, None);
    for f in rest {
        let (k, v) = f.split_once('=').ok_or_else(|| bad("a field without ="))?;
        match k.trim() {
            "years" => {
                years = v
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|y| *y > 0.0 && y.is_finite());
                if years.is_none() {
                    return Err(bad("years must be a positive number"));
                }
            }
            "p_known" => {
                let prob = |s: &str| {
                    s.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                };
                p_known = Some(match v.split_once("..") {
                    Some((lo, hi)) => match (prob(lo), prob(hi)) {
                        (Some(lo), Some(hi)) if lo <= hi => {
                            PKnown::Uncertain(Dist::Uniform { min: lo, max: hi })
                        }
                        _ => return Err(bad("p_known range must be LOW..HIGH within [0, 1]")),
                    },
                    None => PKnown::Fixed(prob(v).ok_or_else(|| bad("p_known must be in [0, 1]"))?),
                });
            }
            other => return Err(bad(&format!("unknown field `{other}`"))),
        }
    }
    Ok(Evidence {
        state: state.to_string(),
        years: years.ok_or_else(|| bad("years is missing"))?,
        p_known: p_known.ok_or_else(|| bad("p_known is missing"))?,
    })
}

/// Effective sample size below which conditioned results get a warning.
pub const SMALL_ESS: f64 = 30.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fixed_and_uncertain_p_known() {
        let e = parse_evidence("no-demand-known:CN:years=3:p_known=0.3").unwrap();
        assert_eq!(e.state, "CN");
        assert!((e.likelihood(1.0, 0.3) - (-0.9f64).exp()).abs() < 1e-15);
        let e = parse_evidence("no-demand-known:CN:years=3:p_known=0.1..0.5").unwrap();
        assert!(matches!(e.p_known, PKnown::Uncertain(_)));
        for bad in [
            "no-demand-known:CN:years=3",
            "demand:CN:years=3:p_known=0.3",
            "no-demand-known:CN:years=-1:p_known=0.3",
            "no-demand-known:CN:years=3:p_known=2",
        ] {
            assert!(parse_evidence(bad).is_err(), "{bad}");
        }
    }
}
