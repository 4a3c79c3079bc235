//! The model of one replication: the scenario with every parameter fixed, as indices and bit sets.
//!
//! [`Model::build`] takes a [`Scenario`] and the values its uncertain parameters took; the engine
//! (`sim`) reads only this form. This folder imports `scenario` and `random`, nothing above them.

use crate::random::Dist;
use crate::scenario::{Num, Scenario};

/// Hours in a day.
pub const HOURS_PER_DAY: f64 = 24.0;
/// Hours in a year (365 days).
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// A data class with its figures.
#[derive(Clone, Debug)]
pub struct ClassModel {
    /// Records that exist.
    pub records: f64,
    /// Sensitivity weight.
    pub weight: f64,
    /// Loss per record.
    pub loss_per_record: f64,
}

/// A jurisdiction with its demand rate and the actors it can compel.
#[derive(Clone, Debug)]
pub struct JurisdictionModel {
    /// Compelled demands per hour.
    pub demand_rate: f64,
    /// Compellable actors of this jurisdiction and their cumulative headcounts (for a weighted pick).
    pub compellable: Vec<(usize, f64)>,
}

/// A store.
#[derive(Clone, Debug)]
pub struct StoreModel {
    /// Jurisdiction index.
    pub jurisdiction: usize,
    /// Classes held at time 0 (bit set).
    pub initial_classes: u64,
    /// Key custody jurisdiction, if not the store's own.
    pub key_custody: Option<usize>,
    /// Deletion time in hours (infinite: never).
    pub delete_at: f64,
}

/// A flow.
#[derive(Clone, Debug)]
pub struct FlowModel {
    /// Source store.
    pub from: usize,
    /// Destination store.
    pub to: usize,
    /// Classes copied (bit set).
    pub classes: u64,
    /// Hours between copies.
    pub every: f64,
    /// First copy, hours.
    pub start: f64,
    /// No copies at or after this time, hours.
    pub end: f64,
    /// Whether the destination is outside the firewall's `allow` (egress applies).
    pub egress_outside: bool,
}

/// An actor.
#[derive(Clone, Debug)]
pub struct ActorModel {
    /// Jurisdiction index.
    pub jurisdiction: usize,
    /// Headcount.
    pub headcount: u64,
    /// Legitimate requests per hour (whole actor).
    pub legit_rate: f64,
    /// Classes asked for.
    pub classes: Vec<u8>,
    /// Share of malicious insiders.
    pub malicious_fraction: f64,
    /// Illicit attempts per insider per hour.
    pub attempt_rate: f64,
    /// Records per successful attempt.
    pub records: Dist,
    /// Probability of circumventing review.
    pub circumvent: f64,
    /// Classes that are outside the firewall for this actor when it is active (bit set).
    pub outside_classes: u64,
    /// Classes whose requests from this actor go to gatekeeper review when it is active (bit set).
    pub review_classes: u64,
}

/// The firewall.
#[derive(Clone, Debug)]
pub struct FirewallModel {
    /// Active from, hours.
    pub from: f64,
    /// Block probability.
    pub block: f64,
    /// Whether egress flows are filtered.
    pub egress: bool,
    /// Breaches per hour.
    pub breach_rate: f64,
    /// Breach length, hours.
    pub breach_hours: Dist,
}

/// The gatekeeper team.
#[derive(Clone, Debug)]
pub struct GatekeeperModel {
    /// Active from, hours.
    pub from: f64,
    /// Reviewers.
    pub team: usize,
    /// Review duration, hours.
    pub review_hours: Dist,
    /// Base catch probability.
    pub catch: f64,
    /// Fatigue coefficient.
    pub fatigue: f64,
    /// Wait after which a request is approved unreviewed (infinite: never).
    pub bypass_after: f64,
}

/// A control that stops attempts with a probability.
#[derive(Clone, Debug)]
pub struct StopperModel {
    /// Active from, hours.
    pub from: f64,
    /// Probability of stopping.
    pub probability: f64,
}

/// Continuous audit.
#[derive(Clone, Debug)]
pub struct AuditModel {
    /// Active from, hours.
    pub from: f64,
    /// Detection probability.
    pub detect: f64,
    /// Detection delay, hours.
    pub delay: Dist,
}

/// Periodic third-party audit.
#[derive(Clone, Debug)]
pub struct ThirdPartyAuditModel {
    /// Active from, hours.
    pub from: f64,
    /// Hours between audits.
    pub every: f64,
    /// Detection probability per active insider with successes.
    pub detect: f64,
}

/// Yearly costs.
#[derive(Clone, Debug, Default)]
pub struct CostModel {
    /// Per reviewer per year.
    pub reviewer: f64,
    /// Firewall per year.
    pub firewall: f64,
    /// Enclave per year.
    pub enclave: f64,
    /// Audit per year.
    pub audit: f64,
    /// Third-party audit per year.
    pub third_party_audit: f64,
    /// Code review per year.
    pub code_review: f64,
    /// Per hour a legitimate request waits.
    pub legit_wait_per_hour: f64,
}

/// Everything the engine needs for one replication.
#[derive(Clone, Debug)]
pub struct Model {
    /// Horizon, hours.
    pub horizon: f64,
    /// Classes.
    pub classes: Vec<ClassModel>,
    /// Jurisdictions.
    pub jurisdictions: Vec<JurisdictionModel>,
    /// Stores.
    pub stores: Vec<StoreModel>,
    /// Flows.
    pub flows: Vec<FlowModel>,
    /// Actors.
    pub actors: Vec<ActorModel>,
    /// Firewall.
    pub firewall: Option<FirewallModel>,
    /// Gatekeeper.
    pub gatekeeper: Option<GatekeeperModel>,
    /// Code review.
    pub code_review: Option<StopperModel>,
    /// Enclave.
    pub enclave: Option<StopperModel>,
    /// Continuous audit.
    pub audit: Option<AuditModel>,
    /// Third-party audit.
    pub third_party_audit: Option<ThirdPartyAuditModel>,
    /// Costs.
    pub cost: CostModel,
}

fn mask(items: &[usize]) -> u64 {
    items.iter().fold(0u64, |m, &i| m | (1u64 << i))
}

impl Model {
    /// Builds the model of a replication whose uncertain parameters took `values`.
    pub fn build(s: &Scenario, values: &[f64]) -> Model {
        let v = |n: &Num| n.get(values);
        let day = |n: &Num| v(n) * HOURS_PER_DAY;
        let fw = s.controls.firewall.as_ref();
        let gk = s.controls.gatekeeper.as_ref();
        let allow = fw.map(|f| mask(&f.allow)).unwrap_or(0);
        let open = fw.map(|f| mask(&f.open_classes)).unwrap_or(0);
        let gk_classes = gk.map(|g| mask(&g.classes)).unwrap_or(0);
        let gk_from = gk.map(|g| mask(&g.review_from)).unwrap_or(0);
        let actors: Vec<ActorModel> = s
            .actors
            .iter()
            .map(|a| {
                let classes = mask(&a.classes);
                let j = 1u64 << a.jurisdiction;
                let headcount = v(&a.headcount).round().max(0.0) as u64;
                ActorModel {
                    jurisdiction: a.jurisdiction,
                    headcount,
                    legit_rate: headcount as f64 * v(&a.requests_per_person_per_day)
                        / HOURS_PER_DAY,
                    classes: a.classes.iter().map(|&c| c as u8).collect(),
                    malicious_fraction: v(&a.malicious_fraction),
                    attempt_rate: v(&a.attempts_per_insider_per_year) / HOURS_PER_YEAR,
                    records: a.records_per_attempt.clone(),
                    circumvent: v(&a.circumvent_probability),
                    outside_classes: if fw.is_some() && allow & j == 0 {
                        classes & !open
                    } else {
                        0
                    },
                    review_classes: if gk.is_some() && gk_from & j != 0 {
                        classes & gk_classes
                    } else {
                        0
                    },
                }
            })
            .collect();
        let jurisdictions = s
            .jurisdictions
            .iter()
            .enumerate()
            .map(|(ji, j)| {
                let mut cum = 0.0;
                let compellable = s
                    .actors
                    .iter()
                    .enumerate()
                    .filter(|(ai, a)| {
                        a.compellable && a.jurisdiction == ji && actors[*ai].headcount > 0
                    })
                    .map(|(ai, _)| {
                        cum += actors[ai].headcount as f64;
                        (ai, cum)
                    })
                    .collect();
                JurisdictionModel {
                    demand_rate: v(&j.demands_per_year) / HOURS_PER_YEAR,
                    compellable,
                }
            })
            .collect();
        Model {
            horizon: s.horizon_days * HOURS_PER_DAY,
            classes: s
                .classes
                .iter()
                .map(|c| ClassModel {
                    records: v(&c.records).round().max(0.0),
                    weight: v(&c.weight),
                    loss_per_record: v(&c.loss_per_record),
                })
                .collect(),
            jurisdictions,
            stores: s
                .stores
                .iter()
                .map(|st| StoreModel {
                    jurisdiction: st.jurisdiction,
                    initial_classes: mask(&st.classes),
                    key_custody: st.key_custody,
                    delete_at: st.delete_on_day.as_ref().map(day).unwrap_or(f64::INFINITY),
                })
                .collect(),
            flows: s
                .flows
                .iter()
                .map(|f| FlowModel {
                    from: f.from,
                    to: f.to,
                    classes: mask(&f.classes),
                    every: v(&f.every_hours),
                    start: day(&f.start_day),
                    end: f.end_day.as_ref().map(day).unwrap_or(f64::INFINITY),
                    egress_outside: allow & (1u64 << s.stores[f.to].jurisdiction) == 0,
                })
                .collect(),
            actors,
            firewall: fw.map(|f| FirewallModel {
                from: day(&f.from_day),
                block: v(&f.block_probability),
                egress: f.egress,
                breach_rate: v(&f.breaches_per_year) / HOURS_PER_YEAR,
                breach_hours: f.breach_hours.clone(),
            }),
            gatekeeper: gk.map(|g| GatekeeperModel {
                from: day(&g.from_day),
                team: v(&g.team_size).round().max(0.0) as usize,
                review_hours: g.review_hours.clone(),
                catch: v(&g.catch_probability),
                fatigue: v(&g.fatigue),
                bypass_after: g
                    .bypass_after_hours
                    .as_ref()
                    .map(v)
                    .unwrap_or(f64::INFINITY),
            }),
            code_review: s.controls.code_review.as_ref().map(|c| StopperModel {
                from: day(&c.from_day),
                probability: v(&c.probability),
            }),
            enclave: s.controls.enclave.as_ref().map(|c| StopperModel {
                from: day(&c.from_day),
                probability: v(&c.probability),
            }),
            audit: s.controls.audit.as_ref().map(|a| AuditModel {
                from: day(&a.from_day),
                detect: v(&a.detect_probability),
                delay: a.detect_delay_hours.clone(),
            }),
            third_party_audit: s.controls.third_party_audit.as_ref().map(|a| {
                ThirdPartyAuditModel {
                    from: day(&a.from_day),
                    every: v(&a.every_days) * HOURS_PER_DAY,
                    detect: v(&a.detect_probability),
                }
            }),
            cost: CostModel {
                reviewer: v(&s.cost.reviewer),
                firewall: v(&s.cost.firewall),
                enclave: v(&s.cost.enclave),
                audit: v(&s.cost.audit),
                third_party_audit: v(&s.cost.third_party_audit),
                code_review: v(&s.cost.code_review),
                legit_wait_per_hour: v(&s.cost.legit_wait_per_hour),
            },
        }
    }

    /// Yearly-cost share of a control active from `from` hours to the horizon, in years.
    pub fn active_years(&self, from: f64) -> f64 {
        (self.horizon - from).max(0.0) / HOURS_PER_YEAR
    }
}
