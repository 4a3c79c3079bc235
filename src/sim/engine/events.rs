//! Event kinds and the random source kinds of the engine.

// Random source kinds: each (kind, entity, sub-entity) has its own stream.
pub(super) const SRC_ARRIVALS: u16 = 1;
pub(super) const SRC_CHOICE: u16 = 2;
pub(super) const SRC_REVIEW: u16 = 3;
pub(super) const SRC_INSIDERS: u16 = 4;
pub(super) const SRC_ATTEMPT_TIMES: u16 = 5;
pub(super) const SRC_ATTEMPT_FATE: u16 = 6;
pub(super) const SRC_ATTEMPT_DRAWS: u16 = 7;
pub(super) const SRC_DEMANDS: u16 = 8;
pub(super) const SRC_DEMAND_FATE: u16 = 9;
pub(super) const SRC_DEMAND_DRAWS: u16 = 10;
pub(super) const SRC_FLOW: u16 = 11;
pub(super) const SRC_BREACH: u16 = 12;
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
