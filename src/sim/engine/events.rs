//! Event kinds and the random source kinds of the engine.

// Random source kinds. Each stream is keyed by (seed, replication, kind, entity name, sub-entity):
// never by an entity's position in the file.
/// An actor's legitimate request times.
pub(crate) const SRC_ARRIVALS: u16 = 1;
/// An actor's per-request draws (class, store, review time, records read).
pub(super) const SRC_CHOICE: u16 = 2;
/// An actor's review times (one draw per reviewed request).
pub(crate) const SRC_REVIEW: u16 = 3;
/// An actor's number of insiders.
pub(super) const SRC_INSIDERS: u16 = 4;
/// One insider's sponsorship, attempt times and attempts' draws.
pub(super) const SRC_INSIDER: u16 = 5;
/// A jurisdiction's demand times and each demand's draws.
pub(super) const SRC_DEMANDS: u16 = 8;
/// A perimeter's firewall breaches (times and lengths).
pub(super) const SRC_BREACH: u16 = 12;
/// A perimeter's third-party audit: one draw per (insider, audit).
pub(super) const SRC_TPA: u16 = 13;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    StoreDelete,
    Breach,
    Flow,
    Demand,
    LegitArrival,
    Attempt,
    ReviewDone,
    Detect,
    ThirdPartyAudit,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Event {
    pub(super) t: f64,
    pub(super) kind: Kind,
    pub(super) a: u32,
    /// Extra value: the success time for `Detect`.
    pub(super) x: f64,
}

impl PartialEq for Event {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Event {
    // Reversed: the heap pops the earliest event; ties break by kind then entity (deterministic).
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        o.t.total_cmp(&self.t)
            .then(o.kind.cmp(&self.kind))
            .then(o.a.cmp(&self.a))
    }
}
