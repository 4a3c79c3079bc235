//! The engine's state: who acts, the draws that decide an attempt, and the per-thread
//! [`Workspace`] reused from one replication to the next.

use super::conditional::Cmc;
use super::events::Event;
use super::gatekeeper::{Exits, Reviewers};
use super::outcome::PathRow;
use crate::random::whole::WholeDraws;
use crate::random::Stream;
use rand::RngCore;
use std::collections::BinaryHeap;

/// Who makes an illicit attempt.
#[derive(Clone, Copy, Debug)]
pub(super) enum Who {
    /// Insider index.
    Insider(u32),
    /// A member of the attempt's actor compelled by jurisdiction `jur`.
    Compelled { jur: u32 },
}

impl Who {
    /// The kind of an attempt by this person in `trace.csv`.
    pub(super) fn attempt_kind(self) -> &'static str {
        match self {
            Who::Insider(_) => "attempt",
            Who::Compelled { .. } => "compelled_attempt",
        }
    }
}

/// Everything that decides one attempt, drawn together when it is created, in a fixed order,
/// whatever path the attempt then takes: paired scenarios see the same attempt with the same
/// size, and adding a control changes no later draw.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fate {
    pub(super) class: f64,
    pub(super) store: f64,
    pub(super) circumvent: f64,
    pub(super) code_review: f64,
    pub(super) firewall: f64,
    pub(super) enclave: f64,
    pub(super) catch: f64,
    pub(super) audit: f64,
    /// Seed of the records taken.
    pub(super) records: u32,
    /// Seed of the review time.
    pub(super) review: u32,
    /// Seed of the detection delay.
    pub(super) delay: u32,
}

impl Fate {
    /// Draws one attempt's fate: eight uniforms and two 64-bit values, always.
    pub(super) fn draw(s: &mut Stream) -> Fate {
        let class = s.uniform();
        let store = s.uniform();
        let circumvent = s.uniform();
        let code_review = s.uniform();
        let firewall = s.uniform();
        let enclave = s.uniform();
        let catch = s.uniform();
        let audit = s.uniform();
        let a = s.next_u64();
        let b = s.next_u64();
        Fate {
            class,
            store,
            circumvent,
            code_review,
            firewall,
            enclave,
            catch,
            audit,
            records: (a >> 32) as u32,
            review: a as u32,
            delay: (b >> 32) as u32,
        }
    }
}

/// A malicious insider.
#[derive(Clone, Debug)]
pub(super) struct Insider {
    pub(super) actor: u32,
    /// Its number within its actor (keys its draws).
    pub(super) number: u32,
    pub(super) active: bool,
    pub(super) successes: u32,
    pub(super) first_success: f64,
    /// The recipient of what it takes: its actor's state, or `private`.
    pub(super) recipient: u32,
    /// Perimeters where it has taken records (bit set), for third-party audits.
    pub(super) hit: u64,
    pub(super) stream: Stream,
}

/// One illicit attempt on its path, once it has aimed: who makes it and for whom, the class and
/// store it seeks, the store's perimeter, whether it comes from outside the perimeter's firewall,
/// and the draws that decide it. The handlers of its path pass this value along.
#[derive(Clone, Copy, Debug)]
pub(super) struct Attempt {
    /// Hour of the step in hand (the attempt, or the end of its review).
    pub(super) t: f64,
    pub(super) who: Who,
    /// Actor index of the person who makes it.
    pub(super) actor: usize,
    /// Recipient index of what it takes (a state, or `private`).
    pub(super) recipient: usize,
    pub(super) class: usize,
    pub(super) store: usize,
    /// The store's perimeter.
    pub(super) perimeter: usize,
    /// Whether it comes from outside the perimeter's active firewall (as of the attempt).
    pub(super) outside: bool,
    pub(super) fate: Fate,
}

/// An illicit request waiting for review.
#[derive(Clone, Copy, Debug)]
pub(super) struct Pending {
    pub(super) attempt: Attempt,
    pub(super) refused: bool,
    /// The probability that review refuses it (0 when approved after the bypass delay).
    pub(super) catch: f64,
}

/// An actor's streams.
#[derive(Clone, Debug)]
pub(super) struct ActorStreams {
    pub(super) arrivals: Stream,
    pub(super) choice: Stream,
    /// Review times of its reviewed requests, drawn by the review distribution's own sampler.
    pub(super) review: Stream,
}

/// A perimeter's state: breach window, review queue, counters.
#[derive(Clone, Debug, Default)]
pub(super) struct PerimeterState {
    /// Breaches open until this hour.
    pub(super) breach_until: f64,
    pub(super) breaches: Option<Stream>,
    pub(super) reviewers: Reviewers,
    /// Hours at which queued requests leave the queue (start of review, or bypass).
    pub(super) exits: Exits,
    /// Reviewer-hours worked within the horizon.
    pub(super) busy: f64,
    /// Third-party audits held so far.
    pub(super) audits: u64,
}

/// Per-thread memory reused from one replication to the next.
#[derive(Default)]
pub struct Workspace {
    pub(super) heap: BinaryHeap<Event>,
    pub(super) insiders: Vec<Insider>,
    pub(super) actors: Vec<ActorStreams>,
    pub(super) jurs: Vec<Stream>,
    pub(super) perims: Vec<PerimeterState>,
    pub(super) holds: Vec<u64>,
    pub(super) deleted: Vec<bool>,
    pub(super) holders: Vec<u64>,
    /// Distinct records of each class that left the owner's control (any recipient).
    pub(super) leaked: Vec<f64>,
    /// Distinct records of each class each recipient holds: `got[class * recipients + r]`.
    pub(super) got: Vec<f64>,
    /// Distinct records of each class the question's recipients hold together.
    pub(super) asked: Vec<f64>,
    /// Of those, the records that reached them within each measurement window:
    /// `window[w * classes + class]` (window 0: the headline).
    pub(super) window: Vec<f64>,
    /// Distinct records of each class staff of each jurisdiction read: `access[class * jurs + j]`.
    pub(super) access: Vec<f64>,
    /// Distinct records of each class read by any staff.
    pub(super) access_any: Vec<f64>,
    pub(super) paths: Vec<PathRow>,
    pub(super) pending: Vec<Pending>,
    pub(super) free_pending: Vec<u32>,
    /// Per actor: its turnover stream (leavers, and whether recruits are malicious).
    pub(super) turnover: Vec<Stream>,
    /// Per actor: malicious recruits so far (numbers their streams).
    pub(super) recruits: Vec<u32>,
    /// Conditional Monte Carlo sums (`reached_cmc`).
    pub(super) cmc: Cmc,
    /// Which actors' legitimate requests are drawn in aggregate, and since when.
    pub(super) agg: super::aggregate::Aggregated,
    /// Per actor: the records its requests read, by seed (kept while its distribution is).
    pub(super) reads: Vec<WholeDraws>,
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Self {
        Self::default()
    }
}
