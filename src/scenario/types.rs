//! The entities and controls of a resolved scenario, with names resolved to indices.

use super::Num;
use crate::random::Dist;

/// A per-event quantity: a distribution drawn for each event, whose own parameters may be
/// uncertain (each drawn once per replication, like any parameter).
#[derive(Clone, Debug)]
pub struct EventDist {
    /// The distribution at its parameters' means (as written when they are all fixed).
    pub typical: Dist,
    /// The distribution's name, when a parameter is uncertain.
    pub kind: String,
    /// Its parameters (empty when all are fixed).
    pub fields: Vec<(String, Num)>,
}

impl EventDist {
    /// A distribution with fixed parameters.
    pub fn fixed(typical: Dist) -> EventDist {
        EventDist {
            typical,
            kind: String::new(),
            fields: Vec::new(),
        }
    }

    /// The distribution of a replication whose uncertain parameters took `values`. Drawn values
    /// that make no valid distribution (a PERT mode drawn above its maximum, say) fall back to
    /// the typical one.
    pub fn resolve(&self, values: &[f64]) -> Dist {
        if self.fields.is_empty() {
            return self.typical.clone();
        }
        Dist::from_fields(&self.kind, |k| {
            self.fields
                .iter()
                .find(|(name, _)| name == k)
                .map(|(_, n)| n.get(values))
        })
        .unwrap_or_else(|_| self.typical.clone())
    }
}

/// A class of user data.
#[derive(Clone, Debug)]
pub struct DataClass {
    /// Name.
    pub name: String,
    /// Number of records.
    pub records: Num,
    /// Sensitivity weight (exposure = records x weight).
    pub weight: Num,
    /// Loss per record leaked, in currency units.
    pub loss_per_record: Num,
}

/// A state that may compel data.
#[derive(Clone, Debug)]
pub struct Jurisdiction {
    /// Name.
    pub name: String,
    /// Rate of compelled demands per year.
    pub demands_per_year: Num,
    /// Classes its demands seek (default: every class).
    pub demand_classes: Vec<usize>,
    /// Probability that a demand is complied with (default 1).
    pub compliance: Num,
}

/// A company, bound by the law of the jurisdictions it is subject to.
#[derive(Clone, Debug)]
pub struct Company {
    /// Name.
    pub name: String,
    /// Jurisdictions whose states can order it to hand over its stores' data.
    pub subject_to: Vec<usize>,
}

/// Who holds a store's encryption keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Custody {
    /// A jurisdiction (its state).
    Jurisdiction(usize),
    /// A company (readable to every state it is subject to).
    Company(usize),
}

/// How an insider picks the store it attacks among those holding the class it wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Targeting {
    /// Uniformly.
    Uniform,
    /// The store where the attempt would succeed with the highest probability at that moment.
    Weakest,
}

/// A named set of controls that guards the stores naming it (`[perimeter.NAME.*]`).
#[derive(Clone, Debug)]
pub struct Perimeter {
    /// Name.
    pub name: String,
    /// Its controls.
    pub controls: Controls,
}

/// The question a scenario answers: which classes reaching which recipients count as `reached`.
#[derive(Clone, Debug)]
pub struct Question {
    /// Classes that count.
    pub classes: Vec<usize>,
    /// Recipients that count: jurisdiction indices, and the number of jurisdictions for `private`.
    pub recipients: Vec<usize>,
    /// Whether staff access from a listed jurisdiction counts too.
    pub include_access: bool,
    /// Whether the file states a `[question]` (else every class and recipient).
    pub stated: bool,
    /// The days the headline metrics (`reached`, `reached_records`, ...) count: `window_days`,
    /// by default the whole horizon.
    pub window: Window,
    /// Further named windows (`also`), each adding `reached.NAME` and `reached_records.NAME`.
    pub also: Vec<Window>,
}

/// A measurement window: records that reach the question's recipients from day `from` (inclusive)
/// to day `to` (exclusive; a window ending at the horizon includes it). Records they already
/// held when it opens are not counted again.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    /// Its name (empty for the headline window).
    pub name: String,
    /// First day.
    pub from: f64,
    /// Last day (exclusive).
    pub to: f64,
}

/// A data centre or cloud.
#[derive(Clone, Debug)]
pub struct Store {
    /// Name.
    pub name: String,
    /// Index of its jurisdiction.
    pub jurisdiction: usize,
    /// Indices of the classes it holds at the start.
    pub classes: Vec<usize>,
    /// Company that runs it (a state it is subject to can order it to hand over the data).
    pub operator: Option<usize>,
    /// Index of its perimeter in [`Scenario::perimeters`] (None: the top-level `[controls]`).
    pub perimeter: Option<usize>,
    /// Who holds its encryption keys (None: nobody apart; readable to whoever takes the store).
    pub key_custody: Option<Custody>,
    /// Day it is deleted, if any.
    pub delete_on_day: Option<Num>,
}

/// A periodic copy of classes between stores.
#[derive(Clone, Debug)]
pub struct Flow {
    /// Name.
    pub name: String,
    /// Source store index.
    pub from: usize,
    /// Destination store index.
    pub to: usize,
    /// Classes copied.
    pub classes: Vec<usize>,
    /// Hours between copies.
    pub every_hours: Num,
    /// First day of copies.
    pub start_day: Num,
    /// Day copies stop, if any.
    pub end_day: Option<Num>,
}

/// A group of staff.
#[derive(Clone, Debug)]
pub struct Actor {
    /// Name.
    pub name: String,
    /// Index of its jurisdiction.
    pub jurisdiction: usize,
    /// Number of people.
    pub headcount: Num,
    /// Legitimate requests per person per day.
    pub requests_per_person_per_day: Num,
    /// Classes it asks for, uniformly.
    pub classes: Vec<usize>,
    /// Share of people who are malicious insiders.
    pub malicious_fraction: Num,
    /// Share of its staff that leaves each year (on each anniversary of day 0), replaced by
    /// recruits; with it, insiders removed by detection or refusal are replaced too (0: nobody
    /// joins or leaves).
    pub turnover_per_year: Num,
    /// Illicit attempts per insider per year.
    pub attempts_per_insider_per_year: Num,
    /// Records taken per successful attempt (drawn per attempt).
    pub records_per_attempt: EventDist,
    /// Probability an illicit attempt goes around gatekeeper review.
    pub circumvent_probability: Num,
    /// Whether its state may compel a member to take data.
    pub compellable: bool,
    /// Records a legitimate request reads (drawn per request).
    pub records_per_request: EventDist,
    /// Stores it can access (default: every store).
    pub reaches: Vec<usize>,
    /// Share of its insiders acting for its jurisdiction's state (drawn per insider).
    pub state_sponsored_fraction: Num,
    /// How its insiders pick a store.
    pub targeting: Targeting,
}

/// The firewall control.
#[derive(Clone, Debug)]
pub struct Firewall {
    /// Jurisdictions inside the firewall.
    pub allow: Vec<usize>,
    /// Classes open to everyone.
    pub open_classes: Vec<usize>,
    /// Probability a direct illicit access from outside is blocked.
    pub block_probability: Num,
    /// Whether flows to stores outside `allow` are blocked too.
    pub egress: bool,
    /// Misconfiguration windows per year.
    pub breaches_per_year: Num,
    /// Length of a breach window in hours (drawn per breach).
    pub breach_hours: EventDist,
    /// First active day.
    pub from_day: Num,
}

/// The gatekeeper review team.
#[derive(Clone, Debug)]
pub struct Gatekeeper {
    /// Number of reviewers.
    pub team_size: Num,
    /// Classes under review.
    pub classes: Vec<usize>,
    /// Jurisdictions whose requests are reviewed.
    pub review_from: Vec<usize>,
    /// Hours per review (drawn per request).
    pub review_hours: EventDist,
    /// Base probability an illicit request is refused.
    pub catch_probability: Num,
    /// How fast the catch probability falls with the backlog per reviewer.
    pub fatigue: Num,
    /// Hours after which a waiting request is approved unreviewed.
    pub bypass_after_hours: Option<Num>,
    /// First active day.
    pub from_day: Num,
}

/// A control that stops an attempt with some probability (code review, enclave).
#[derive(Clone, Debug)]
pub struct Stopper {
    /// Probability of stopping an attempt.
    pub probability: Num,
    /// First active day.
    pub from_day: Num,
}

/// Continuous audit (log monitoring).
#[derive(Clone, Debug)]
pub struct Audit {
    /// Probability a successful illicit access is detected.
    pub detect_probability: Num,
    /// Delay to detection, hours (drawn per detection).
    pub detect_delay_hours: EventDist,
    /// First active day.
    pub from_day: Num,
}

/// Periodic third-party audit.
#[derive(Clone, Debug)]
pub struct ThirdPartyAudit {
    /// Days between audits.
    pub every_days: Num,
    /// Probability an active insider with earlier successes is detected.
    pub detect_probability: Num,
    /// First active day (first audit one period later).
    pub from_day: Num,
}

/// All controls; a missing one is absent.
#[derive(Clone, Debug, Default)]
pub struct Controls {
    /// Firewall.
    pub firewall: Option<Firewall>,
    /// Gatekeeper team.
    pub gatekeeper: Option<Gatekeeper>,
    /// Source-code review.
    pub code_review: Option<Stopper>,
    /// Secure enclave.
    pub enclave: Option<Stopper>,
    /// Continuous audit.
    pub audit: Option<Audit>,
    /// Third-party audit.
    pub third_party_audit: Option<ThirdPartyAudit>,
}

/// Yearly costs of controls and the cost of waiting.
#[derive(Clone, Debug)]
pub struct Cost {
    /// Per reviewer per year.
    pub reviewer: Num,
    /// Firewall per year.
    pub firewall: Num,
    /// Enclave per year.
    pub enclave: Num,
    /// Continuous audit per year.
    pub audit: Num,
    /// Third-party audit per year.
    pub third_party_audit: Num,
    /// Source-code review per year (leaksim extension).
    pub code_review: Num,
    /// Per hour a legitimate request waits for review.
    pub legit_wait_per_hour: Num,
}
