//! Rows of `trace.csv` as the handlers write them: [`note`] starts a row with the event's hour,
//! kind and outcome, and the [`Note`] methods add what the event knows (actor, store, class,
//! records, recipient). Rows are plain values handed to `Sim::trace`, which drops them unbuilt
//! when tracing is off.

use super::state::Attempt;
use crate::sim::observe::TraceRow;

/// A row at hour `time` of event `kind` with `outcome`, nothing else known yet.
#[inline(always)]
pub(super) fn note(time: f64, kind: &'static str, outcome: &'static str) -> TraceRow {
    TraceRow {
        time,
        kind,
        actor: None,
        store: None,
        class: None,
        outcome,
        records: 0.0,
        recipient: None,
    }
}

/// What an event adds to its row.
pub(super) trait Note {
    /// The actor whose member acted.
    fn actor(self, a: usize) -> Self;
    /// The store acted on.
    fn store(self, s: usize) -> Self;
    /// The class sought.
    fn class(self, c: usize) -> Self;
    /// Records new to the recipient, or read.
    fn records(self, n: f64) -> Self;
    /// The recipient of the records.
    fn recipient(self, r: usize) -> Self;
}

impl Note for TraceRow {
    #[inline(always)]
    fn actor(mut self, a: usize) -> Self {
        self.actor = Some(a);
        self
    }
    #[inline(always)]
    fn store(mut self, s: usize) -> Self {
        self.store = Some(s);
        self
    }
    #[inline(always)]
    fn class(mut self, c: usize) -> Self {
        self.class = Some(c);
        self
    }
    #[inline(always)]
    fn records(mut self, n: f64) -> Self {
        self.records = n;
        self
    }
    #[inline(always)]
    fn recipient(mut self, r: usize) -> Self {
        self.recipient = Some(r);
        self
    }
}

impl Attempt {
    /// A row of this attempt at its hour, with its actor, store and class.
    #[inline(always)]
    pub(super) fn note(&self, kind: &'static str, outcome: &'static str) -> TraceRow {
        note(self.t, kind, outcome)
            .actor(self.actor)
            .store(self.store)
            .class(self.class)
    }
}
