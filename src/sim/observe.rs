//! What the engine reports while it runs: every event of a traced replication ([`Tracer`]) and
//! the state at the end of each day ([`DayObserver`]). Both compile to nothing when off.
//! [`trace_into`] replays one replication with a tracer, which may write each event as it comes
//! (`output::trace`), so a trace takes no memory however many events it holds.

/// One row of `trace.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    /// Hours since the start.
    pub time: f64,
    /// Event kind.
    pub kind: &'static str,
    /// Actor index, if any.
    pub actor: Option<usize>,
    /// Store index, if any.
    pub store: Option<usize>,
    /// Class index, if any.
    pub class: Option<usize>,
    /// What happened.
    pub outcome: &'static str,
    /// Records new to the recipient (leaks), or read (staff access).
    pub records: f64,
    /// Recipient index (a jurisdiction's state, or `private` after the last jurisdiction), if any.
    pub recipient: Option<usize>,
}

/// Receives every event of a traced replication. [`NoTrace`] compiles to nothing.
pub trait Tracer {
    /// Whether tracing is on (a constant, so the event loop pays nothing when it is off).
    const ON: bool;
    /// Records one event.
    fn record(&mut self, row: TraceRow);
}

/// The tracer of untraced replications.
pub struct NoTrace;

impl Tracer for NoTrace {
    const ON: bool = false;
    #[inline]
    fn record(&mut self, _row: TraceRow) {}
}

impl Tracer for Vec<TraceRow> {
    const ON: bool = true;
    fn record(&mut self, row: TraceRow) {
        self.push(row);
    }
}

/// Receives the state at the end of each simulated day (for timelines). `()` compiles to nothing.
pub trait DayObserver {
    /// Whether observation is on (a constant, so the event loop pays nothing when it is off).
    const ON: bool;
    /// Called for each day `day` (0-based) with the cumulative records leaked and the number of
    /// requests waiting for review at its end.
    fn day_end(&mut self, day: usize, records_leaked: f64, backlog: usize);
    /// Called for days `days` (each ending with the same records leaked and backlog) at once.
    fn days_end(&mut self, days: std::ops::Range<usize>, records_leaked: f64, backlog: usize) {
        for d in days {
            self.day_end(d, records_leaked, backlog);
        }
    }
}

impl DayObserver for () {
    const ON: bool = false;
    #[inline]
    fn day_end(&mut self, _day: usize, _records_leaked: f64, _backlog: usize) {}
}
