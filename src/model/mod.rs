//! The model of one replication: the scenario with every parameter fixed, as indices and bit sets.
//!
//! [`Model::build`] takes a [`Scenario`](crate::scenario::Scenario) and the values its uncertain
//! parameters took; the engine (`sim`) reads only this form. Perimeter 0 is the top-level
//! `[controls]`; named perimeters follow in name order. Recipients are the jurisdictions' states
//! in order, then `private`. This folder imports `scenario` and `random`, nothing above them.

mod build;
mod cost;

pub use cost::Costs;

use crate::random::Dist;

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

/// A jurisdiction: its state's demands and the actors it can compel.
#[derive(Clone, Debug)]
pub struct JurisdictionModel {
    /// Hash of its name (keys its random streams).
    pub key: u64,
    /// Compelled demands per hour.
    pub demand_rate: f64,
    /// Classes its demands seek (bit set).
    pub demand_classes: u64,
    /// Probability that a demand is complied with.
    pub compliance: f64,
    /// Compellable actors of this jurisdiction and their cumulative headcounts (for a weighted pick).
    pub compellable: Vec<(usize, f64)>,
}

/// A store.
#[derive(Clone, Debug)]
pub struct StoreModel {
    /// Jurisdiction index (where it stands).
    pub jurisdiction: usize,
    /// Classes held at time 0 (bit set).
    pub initial_classes: u64,
    /// Perimeter index (0: the top-level `[controls]`).
    pub perimeter: usize,
    /// Jurisdictions whose states can order its operator to hand over its data (bit set).
    pub operator_subject_to: u64,
    /// Jurisdictions whose states can read what it holds, given who holds the keys (bit set).
    pub readable_to: u64,
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
    /// Whether the source perimeter's egress firewall stops it (destination outside `allow`).
    pub egress_filtered: bool,
}

/// An actor.
#[derive(Clone, Debug)]
pub struct ActorModel {
    /// Hash of its name (keys its random streams).
    pub key: u64,
    /// Jurisdiction index.
    pub jurisdiction: usize,
    /// Headcount.
    pub headcount: u64,
    /// Legitimate requests per hour (whole actor).
    pub legit_rate: f64,
    /// Classes asked for, in index (name) order.
    pub classes: Vec<u8>,
    /// Stores it can reach (bit set).
    pub reaches: u64,
    /// Records a legitimate request reads.
    pub records_per_request: Dist,
    /// Whether its requests read any record (`records_per_request` is not a constant 0).
    pub reads: bool,
    /// Share of malicious insiders (of the staff at day 0, and of every recruit).
    pub malicious_fraction: f64,
    /// Share of staff leaving on each anniversary of day 0, replaced by recruits (0: none).
    pub turnover: f64,
    /// Share of insiders acting for the actor's state.
    pub state_sponsored: f64,
    /// Whether insiders target the weakest store.
    pub weakest: bool,
    /// Illicit attempts per insider per hour.
    pub attempt_rate: f64,
    /// Records per successful attempt.
    pub records: Dist,
    /// Probability of circumventing review.
    pub circumvent: f64,
}

/// The firewall of a perimeter.
#[derive(Clone, Debug)]
pub struct FirewallModel {
    /// Active from, hours.
    pub from: f64,
    /// Block probability.
    pub block: f64,
    /// Whether flows leaving the perimeter for a store outside `allow` are blocked.
    pub egress: bool,
    /// Jurisdictions inside (bit set).
    pub allow: u64,
    /// Breaches per hour.
    pub breach_rate: f64,
    /// Breach length, hours.
    pub breach_hours: Dist,
}

/// The gatekeeper team of a perimeter.
#[derive(Clone, Debug)]
pub struct GatekeeperModel {
    /// Active from, hours.
    pub from: f64,
    /// Reviewers (at least 1).
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
    /// Detection probability per active insider with successes in the perimeter.
    pub detect: f64,
}

/// A perimeter: its controls, and for each actor which classes are outside its firewall or under
/// its gatekeeper's review.
#[derive(Clone, Debug)]
pub struct PerimeterModel {
    /// Hash of its name (keys its random streams).
    pub key: u64,
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
    /// Per actor: classes outside the firewall for it when the firewall is active (bit set).
    pub outside: Vec<u64>,
    /// Per actor: classes whose requests go to the gatekeeper when it is active (bit set).
    pub review: Vec<u64>,
}

/// The scenario's question.
#[derive(Clone, Debug)]
pub struct QuestionModel {
    /// Classes that count (bit set).
    pub classes: u64,
    /// Recipients that count (bit set: jurisdictions, then `private`).
    pub recipients: u64,
    /// Whether staff access from listed jurisdictions counts.
    pub include_access: bool,
    /// Measurement windows in hours, `[from, to)` (`to` infinite for a window ending at the
    /// horizon): the headline window first, then each named window (`also`).
    pub windows: Vec<(f64, f64)>,
}

impl QuestionModel {
    /// Whether hour `t` falls in window `w` (a bit set of the windows it falls in is the caller's).
    #[inline]
    pub fn in_window(&self, w: usize, t: f64) -> bool {
        let (from, to) = self.windows[w];
        t >= from && t < to
    }
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
    /// Perimeters: 0 is the top-level `[controls]`, then the named ones.
    pub perimeters: Vec<PerimeterModel>,
    /// The question.
    pub question: QuestionModel,
    /// Costs.
    pub cost: CostModel,
    /// Whether legitimate requests that can meet no review queue are drawn in aggregate (a
    /// Poisson count split over class and store) rather than one by one: the same distribution,
    /// fewer events (`docs/model.md`, "Aggregated legitimate requests"). True when built.
    pub aggregate_requests: bool,
}

impl Model {
    /// Number of recipients: the jurisdictions' states, then `private`.
    pub fn recipients(&self) -> usize {
        self.jurisdictions.len() + 1
    }

    /// The recipient index of `private`.
    pub fn private(&self) -> usize {
        self.jurisdictions.len()
    }

    /// Yearly-cost share of a control active from `from` hours to the horizon, in years.
    pub fn active_years(&self, from: f64) -> f64 {
        (self.horizon - from).max(0.0) / HOURS_PER_YEAR
    }
}

/// The bit set of a list of indices.
pub fn mask(items: &[usize]) -> u64 {
    items.iter().fold(0u64, |m, &i| m | (1u64 << i))
}
