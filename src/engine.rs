//! The discrete-event engine: simulates one replication of a [`Model`].
//!
//! The clock is in hours. Events live in a binary heap reused across replications; the gatekeeper
//! is a first-come first-served multi-server queue computed with the Kiefer-Wolfowitz recursion (a
//! request's review start is known on arrival from the reviewers' next free times), so reviews need
//! no completion events. Nothing is allocated per event once a [`Workspace`] has warmed up.

use crate::metrics::{idx, Metrics};
use crate::model::Model;
use crate::rng::{SourceId, Stream};
use rand::RngCore;
use rand_distr::{Binomial, Distribution};
use std::collections::{BinaryHeap, VecDeque};

/// Where leaked records went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeakPath {
    /// Taken by a malicious insider.
    Theft = 0,
    /// Seized by a state from stores in its jurisdiction.
    Seizure = 1,
    /// Taken by a member of a compellable actor on a state's order.
    CompelledTheft = 2,
}

impl LeakPath {
    /// All paths, in column order.
    pub const ALL: [LeakPath; 3] = [LeakPath::Theft, LeakPath::Seizure, LeakPath::CompelledTheft];

    /// The name used in `paths.csv`.
    pub fn name(self) -> &'static str {
        match self {
            LeakPath::Theft => "theft",
            LeakPath::Seizure => "seizure",
            LeakPath::CompelledTheft => "compelled_theft",
        }
    }
}

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
    /// Records newly leaked by this event.
    pub records: f64,
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
}

impl DayObserver for () {
    const ON: bool = false;
    #[inline]
    fn day_end(&mut self, _day: usize, _records_leaked: f64, _backlog: usize) {}
}

/// Results of one replication.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Metric row.
    pub metrics: Metrics,
    /// Records leaked per (path, class): `paths[path][class]`.
    pub paths: [Vec<f64>; 3],
}

// Random source kinds: each (kind, entity, sub-entity) has its own stream.
const SRC_ARRIVALS: u16 = 1;
const SRC_CHOICE: u16 = 2;
const SRC_REVIEW: u16 = 3;
const SRC_INSIDERS: u16 = 4;
const SRC_ATTEMPT_TIMES: u16 = 5;
const SRC_ATTEMPT_FATE: u16 = 6;
const SRC_ATTEMPT_DRAWS: u16 = 7;
const SRC_DEMANDS: u16 = 8;
const SRC_DEMAND_FATE: u16 = 9;
const SRC_DEMAND_DRAWS: u16 = 10;
const SRC_FLOW: u16 = 11;
const SRC_BREACH: u16 = 12;
const SRC_TPA: u16 = 13;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
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
struct Event {
    t: f64,
    kind: Kind,
    a: u32,
    /// Extra value: the success time for `Detect`.
    x: f64,
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

/// Who makes an illicit attempt.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// Insider index.
    Insider(u32),
    /// A member of actor `actor` compelled by jurisdiction `jur`.
    Compelled { jur: u32, actor: u32 },
}

/// The uniforms that decide one attempt's fate: drawn together, whatever path the attempt takes,
/// so that paired scenarios see the same fate for the same attempt.
#[derive(Clone, Copy, Debug)]
struct Fate {
    class: f64,
    store: f64,
    circumvent: f64,
    code_review: f64,
    firewall: f64,
    enclave: f64,
    catch: f64,
    audit: f64,
}

impl Fate {
    fn draw(s: &mut Stream) -> Fate {
        Fate {
            class: s.uniform(),
            store: s.uniform(),
            circumvent: s.uniform(),
            code_review: s.uniform(),
            firewall: s.uniform(),
            enclave: s.uniform(),
            catch: s.uniform(),
            audit: s.uniform(),
        }
    }
}

#[derive(Clone, Debug)]
struct Insider {
    actor: u32,
    active: bool,
    successes: u32,
    first_success: f64,
    times: Stream,
    fate: Stream,
    draws: Stream,
}

#[derive(Clone, Copy, Debug)]
struct Pending {
    who: Who,
    class: u8,
    store: u8,
    refused: bool,
    outside: bool,
    fate: Fate,
}

#[derive(Clone, Debug)]
struct ActorStreams {
    arrivals: Stream,
    choice: Stream,
    review: Stream,
}

#[derive(Clone, Debug)]
struct JurStreams {
    demands: Stream,
    fate: Stream,
    draws: Stream,
}

/// A binary min-heap of reviewers' next free times, with a fixed size.
#[derive(Clone, Debug, Default)]
struct Reviewers(Vec<f64>);

impl Reviewers {
    fn reset(&mut self, n: usize) {
        self.0.clear();
        self.0.resize(n, 0.0);
    }
    #[inline]
    fn earliest(&self) -> f64 {
        self.0.first().copied().unwrap_or(f64::INFINITY)
    }
    /// Replaces the earliest free time with `t` and restores the heap order.
    #[inline]
    fn replace_earliest(&mut self, t: f64) {
        let h = &mut self.0;
        let n = h.len();
        let mut i = 0;
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let c = if r < n && h[r] < h[l] { r } else { l };
            if h[c] >= t {
                break;
            }
            h[i] = h[c];
            i = c;
        }
        h[i] = t;
    }
}

/// Per-thread memory reused from one replication to the next.
#[derive(Default)]
pub struct Workspace {
    heap: BinaryHeap<Event>,
    insiders: Vec<Insider>,
    actors: Vec<ActorStreams>,
    jurs: Vec<JurStreams>,
    flows: Vec<Stream>,
    holds: Vec<u64>,
    deleted: Vec<bool>,
    holders: Vec<u64>,
    leaked: Vec<f64>,
    paths: [Vec<f64>; 3],
    reviewers: Reviewers,
    queue_exits: VecDeque<f64>,
    pending: Vec<Pending>,
    free_pending: Vec<u32>,
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Self {
        Self::default()
    }
}

struct Sim<'a, T: Tracer, L: DayObserver> {
    m: &'a Model,
    w: &'a mut Workspace,
    trace: &'a mut T,
    observer: &'a mut L,
    out: Metrics,
    breach_until: f64,
    breach_stream: Stream,
    breach_draws: Stream,
    tpa_stream: Stream,
    wait_sum: f64,
    legit_wait_sum: f64,
    queued: f64,
    busy: f64,
    detect_sum: f64,
    total_leaked: f64,
    next_day: usize,
}

/// Simulates replication `rep` of `model` with `seed`; `trace` sees every event, `observer`
/// every change of the cumulative records leaked.
pub fn simulate<T: Tracer, L: DayObserver>(
    model: &Model,
    seed: u64,
    rep: u64,
    w: &mut Workspace,
    trace: &mut T,
    observer: &mut L,
) -> Outcome {
    let mut out = [0.0; idx::COUNT];
    out[idx::FIRST_LEAK_HOURS] = f64::NAN;
    let mut sim = Sim {
        m: model,
        w,
        trace,
        observer,
        out,
        breach_until: f64::NEG_INFINITY,
        breach_stream: Stream::new(seed, rep, SourceId::new(SRC_BREACH, 0, 0)),
        breach_draws: Stream::new(seed, rep, SourceId::new(SRC_BREACH, 1, 0)),
        tpa_stream: Stream::new(seed, rep, SourceId::new(SRC_TPA, 0, 0)),
        wait_sum: 0.0,
        legit_wait_sum: 0.0,
        queued: 0.0,
        busy: 0.0,
        detect_sum: 0.0,
        total_leaked: 0.0,
        next_day: 0,
    };
    sim.init(seed, rep);
    sim.run();
    sim.finish()
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    fn push(&mut self, t: f64, kind: Kind, a: u32, x: f64) {
        if t <= self.m.horizon {
            self.w.heap.push(Event { t, kind, a, x });
        }
    }

    fn init(&mut self, seed: u64, rep: u64) {
        let m = self.m;
        let w = &mut *self.w;
        w.heap.clear();
        w.insiders.clear();
        w.pending.clear();
        w.free_pending.clear();
        w.queue_exits.clear();
        w.holds.clear();
        w.deleted.clear();
        for s in &m.stores {
            let deleted = s.delete_at <= 0.0;
            w.holds.push(if deleted { 0 } else { s.initial_classes });
            w.deleted.push(deleted);
        }
        w.leaked.clear();
        w.leaked.resize(m.classes.len(), 0.0);
        for p in &mut w.paths {
            p.clear();
            p.resize(m.classes.len(), 0.0);
        }
        self.refresh_holders();
        let gk_team = m.gatekeeper.as_ref().map(|g| g.team).unwrap_or(0);
        self.w.reviewers.reset(gk_team);

        let r = rep;
        self.w.actors.clear();
        for (ai, a) in m.actors.iter().enumerate() {
            let i = ai as u32;
            let mut streams = ActorStreams {
                arrivals: Stream::new(seed, r, SourceId::new(SRC_ARRIVALS, i, 0)),
                choice: Stream::new(seed, r, SourceId::new(SRC_CHOICE, i, 0)),
                review: Stream::new(seed, r, SourceId::new(SRC_REVIEW, i, 0)),
            };
            let first = streams.arrivals.exponential(a.legit_rate);
            self.w.actors.push(streams);
            self.push(first, Kind::LegitArrival, i, 0.0);

            let mut ins = Stream::new(seed, r, SourceId::new(SRC_INSIDERS, i, 0));
            let n = if a.malicious_fraction > 0.0 && a.headcount > 0 {
                Binomial::new(a.headcount, a.malicious_fraction)
                    .map(|b| b.sample(&mut ins))
                    .unwrap_or(0)
            } else {
                0
            };
            self.out[idx::INSIDERS] += n as f64;
            for k in 0..n as u32 {
                let mut times = Stream::new(seed, r, SourceId::new(SRC_ATTEMPT_TIMES, i, k));
                let first = times.exponential(a.attempt_rate);
                let id = self.w.insiders.len() as u32;
                self.w.insiders.push(Insider {
                    actor: i,
                    active: true,
                    successes: 0,
                    first_success: f64::NAN,
                    times,
                    fate: Stream::new(seed, r, SourceId::new(SRC_ATTEMPT_FATE, i, k)),
                    draws: Stream::new(seed, r, SourceId::new(SRC_ATTEMPT_DRAWS, i, k)),
                });
                self.push(first, Kind::Attempt, id, 0.0);
            }
        }
        self.w.jurs.clear();
        for (ji, j) in m.jurisdictions.iter().enumerate() {
            let i = ji as u32;
            let mut s = JurStreams {
                demands: Stream::new(seed, r, SourceId::new(SRC_DEMANDS, i, 0)),
                fate: Stream::new(seed, r, SourceId::new(SRC_DEMAND_FATE, i, 0)),
                draws: Stream::new(seed, r, SourceId::new(SRC_DEMAND_DRAWS, i, 0)),
            };
            let first = s.demands.exponential(j.demand_rate);
            self.w.jurs.push(s);
            self.push(first, Kind::Demand, i, 0.0);
        }
        self.w.flows.clear();
        for (fi, f) in m.flows.iter().enumerate() {
            self.w
                .flows
                .push(Stream::new(seed, r, SourceId::new(SRC_FLOW, fi as u32, 0)));
            if f.start < f.end {
                self.push(f.start, Kind::Flow, fi as u32, 0.0);
            }
        }
        for (si, s) in m.stores.iter().enumerate() {
            if s.delete_at > 0.0 && s.delete_at.is_finite() {
                self.push(s.delete_at, Kind::StoreDelete, si as u32, 0.0);
            }
        }
        if let Some(fw) = &m.firewall {
            let first = self.breach_stream.exponential(fw.breach_rate);
            self.push(first, Kind::Breach, 0, 0.0);
        }
        if let Some(tpa) = &m.third_party_audit {
            self.push(tpa.from + tpa.every, Kind::ThirdPartyAudit, 0, 0.0);
        }
    }

    fn refresh_holders(&mut self) {
        let w = &mut *self.w;
        w.holders.clear();
        w.holders.resize(self.m.classes.len(), 0);
        for (si, &h) in w.holds.iter().enumerate() {
            let mut bits = h;
            while bits != 0 {
                let c = bits.trailing_zeros() as usize;
                w.holders[c] |= 1u64 << si;
                bits &= bits - 1;
            }
        }
    }

    /// Reports every day that ended at or before `t` to the observer.
    #[inline]
    fn close_days(&mut self, t: f64) {
        while (self.next_day as f64 + 1.0) * crate::model::HOURS_PER_DAY <= t {
            let end = (self.next_day as f64 + 1.0) * crate::model::HOURS_PER_DAY;
            let exits = &self.w.queue_exits;
            let backlog = exits.len() - exits.partition_point(|&e| e <= end);
            self.observer
                .day_end(self.next_day, self.total_leaked, backlog);
            self.next_day += 1;
        }
    }

    fn run(&mut self) {
        while let Some(ev) = self.w.heap.pop() {
            if L::ON {
                self.close_days(ev.t);
            }
            match ev.kind {
                Kind::LegitArrival => self.legit(ev.t, ev.a as usize),
                Kind::Attempt => {
                    let i = ev.a as usize;
                    if !self.w.insiders[i].active {
                        continue;
                    }
                    let a = self.w.insiders[i].actor as usize;
                    let next = ev.t
                        + self.w.insiders[i]
                            .times
                            .exponential(self.m.actors[a].attempt_rate);
                    self.push(next, Kind::Attempt, ev.a, 0.0);
                    let fate = Fate::draw(&mut self.w.insiders[i].fate);
                    self.illicit(ev.t, Who::Insider(ev.a), a, fate);
                }
                Kind::ReviewDone => self.review_done(ev.t, ev.a),
                Kind::Demand => self.demand(ev.t, ev.a as usize),
                Kind::Flow => self.flow(ev.t, ev.a as usize),
                Kind::StoreDelete => {
                    let s = ev.a as usize;
                    self.w.holds[s] = 0;
                    self.w.deleted[s] = true;
                    self.refresh_holders();
                    self.trace(ev.t, "store_delete", None, Some(s), None, "deleted", 0.0);
                }
                Kind::Breach => {
                    let fw = self
                        .m
                        .firewall
                        .as_ref()
                        .expect("breach events need a firewall");
                    let next = ev.t + self.breach_stream.exponential(fw.breach_rate);
                    self.push(next, Kind::Breach, 0, 0.0);
                    let len = fw.breach_hours.sample(&mut self.breach_draws);
                    self.breach_until = self.breach_until.max(ev.t + len);
                    self.trace(ev.t, "breach", None, None, None, "open", 0.0);
                }
                Kind::Detect => self.detect(ev.t, ev.a, ev.x),
                Kind::ThirdPartyAudit => self.third_party_audit(ev.t),
            }
            self.out[idx::EVENTS] += 1.0;
        }
        if L::ON {
            self.close_days(self.m.horizon.ceil());
        }
    }

    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn trace(
        &mut self,
        time: f64,
        kind: &'static str,
        actor: Option<usize>,
        store: Option<usize>,
        class: Option<usize>,
        outcome: &'static str,
        records: f64,
    ) {
        if T::ON {
            self.trace.record(TraceRow {
                time,
                kind,
                actor,
                store,
                class,
                outcome,
                records,
            });
        }
    }

    #[inline]
    fn gatekeeper_active(&self, t: f64) -> bool {
        self.m.gatekeeper.as_ref().is_some_and(|g| t >= g.from)
    }

    #[inline]
    fn firewall_active(&self, t: f64) -> bool {
        self.m.firewall.as_ref().is_some_and(|f| t >= f.from)
    }

    /// Picks the store among `holders` (non-empty bit set) with a uniform in [0, 1).
    #[inline]
    fn pick_store(holders: u64, u: f64) -> usize {
        let n = holders.count_ones() as f64;
        let mut k = ((u * n) as u32).min(holders.count_ones() - 1);
        let mut bits = holders;
        while k > 0 {
            bits &= bits - 1;
            k -= 1;
        }
        bits.trailing_zeros() as usize
    }

    /// Puts a request arriving at `t` in the review queue. Returns (hour it leaves the queue,
    /// whether it is reviewed (false: approved unreviewed after the bypass wait), backlog on arrival).
    #[inline]
    fn enqueue(&mut self, t: f64, review_hours: f64) -> (f64, bool, usize) {
        let gk = self
            .m
            .gatekeeper
            .as_ref()
            .expect("review needs a gatekeeper");
        let exits = &mut self.w.queue_exits;
        while exits.front().is_some_and(|&e| e <= t) {
            exits.pop_front();
        }
        let backlog = exits.len();
        let start = t.max(self.w.reviewers.earliest());
        self.queued += 1.0;
        if start - t > gk.bypass_after {
            let leave = t + gk.bypass_after;
            if leave > t {
                exits.push_back(leave);
            }
            self.wait_sum += gk.bypass_after;
            self.out[idx::BACKLOG_BYPASSED] += 1.0;
            return (leave, false, backlog);
        }
        let end = start + review_hours;
        self.w.reviewers.replace_earliest(end);
        if start > t {
            exits.push_back(start);
        }
        self.wait_sum += start - t;
        self.busy += (end.min(self.m.horizon) - start).max(0.0);
        self.out[idx::REVIEWED_REQUESTS] += 1.0;
        (end, true, backlog)
    }

    fn legit(&mut self, t: f64, a: usize) {
        let actor = &self.m.actors[a];
        let next = t + self.w.actors[a].arrivals.exponential(actor.legit_rate);
        self.push(next, Kind::LegitArrival, a as u32, 0.0);
        self.out[idx::LEGIT_REQUESTS] += 1.0;
        let r = self.w.actors[a].choice.next_u64();
        let class =
            actor.classes[(((r >> 32) * actor.classes.len() as u64) >> 32) as usize] as usize;
        let holders = self.w.holders[class];
        if holders == 0 {
            self.trace(t, "request", Some(a), None, Some(class), "no_data", 0.0);
            return;
        }
        let store = if T::ON {
            Some(Self::pick_store(
                holders,
                (r & 0xFFFF_FFFF) as f64 / 4_294_967_296.0,
            ))
        } else {
            None
        };
        let bit = 1u64 << class;
        if actor.review_classes & bit != 0 && self.gatekeeper_active(t) {
            let gk = self.m.gatekeeper.as_ref().expect("checked");
            let hours = gk.review_hours.sample(&mut self.w.actors[a].review);
            let queued_at = self.wait_sum;
            let (_, reviewed, _) = self.enqueue(t, hours);
            self.legit_wait_sum += self.wait_sum - queued_at;
            self.trace(
                t,
                "request",
                Some(a),
                store,
                Some(class),
                if reviewed { "queued" } else { "bypassed" },
                0.0,
            );
        } else if actor.outside_classes & bit != 0 && self.firewall_active(t) {
            self.out[idx::LEGIT_BLOCKED] += 1.0;
            self.trace(t, "request", Some(a), store, Some(class), "blocked", 0.0);
        } else {
            self.trace(t, "request", Some(a), store, Some(class), "approved", 0.0);
        }
    }

    fn illicit(&mut self, t: f64, who: Who, a: usize, fate: Fate) {
        self.out[idx::ILLICIT_ATTEMPTS] += 1.0;
        let actor = &self.m.actors[a];
        if actor.classes.is_empty() {
            self.out[idx::NO_DATA_ATTEMPTS] += 1.0;
            return;
        }
        let class = actor.classes
            [((fate.class * actor.classes.len() as f64) as usize).min(actor.classes.len() - 1)]
            as usize;
        let holders = self.w.holders[class];
        let kind = match who {
            Who::Insider(_) => "attempt",
            Who::Compelled { .. } => "compelled_attempt",
        };
        if holders == 0 {
            self.out[idx::NO_DATA_ATTEMPTS] += 1.0;
            self.trace(t, kind, Some(a), None, Some(class), "no_data", 0.0);
            return;
        }
        let store = Self::pick_store(holders, fate.store);
        let bit = 1u64 << class;
        let outside = actor.outside_classes & bit != 0 && self.firewall_active(t);
        if actor.review_classes & bit != 0 && self.gatekeeper_active(t) {
            if fate.circumvent < actor.circumvent {
                self.out[idx::CIRCUMVENTED_REVIEW] += 1.0;
                self.out[idx::BYPASSED_REVIEW] += 1.0;
                self.trace(
                    t,
                    kind,
                    Some(a),
                    Some(store),
                    Some(class),
                    "circumvented",
                    0.0,
                );
                self.direct(t, who, a, class, store, outside, fate);
                return;
            }
            let gk = self.m.gatekeeper.as_ref().expect("checked");
            let hours = match who {
                Who::Insider(i) => gk
                    .review_hours
                    .sample(&mut self.w.insiders[i as usize].draws),
                Who::Compelled { jur, .. } => {
                    gk.review_hours.sample(&mut self.w.jurs[jur as usize].draws)
                }
            };
            let (catch, fatigue, team) = (gk.catch, gk.fatigue, gk.team.max(1) as f64);
            let (done, reviewed, backlog) = self.enqueue(t, hours);
            let refused = reviewed && fate.catch < catch / (1.0 + fatigue * backlog as f64 / team);
            if !reviewed {
                self.out[idx::BYPASSED_REVIEW] += 1.0;
            }
            self.trace(
                t,
                kind,
                Some(a),
                Some(store),
                Some(class),
                if reviewed { "queued" } else { "bypassed" },
                0.0,
            );
            let p = Pending {
                who,
                class: class as u8,
                store: store as u8,
                refused,
                outside,
                fate,
            };
            let slot = match self.w.free_pending.pop() {
                Some(s) => {
                    self.w.pending[s as usize] = p;
                    s
                }
                None => {
                    self.w.pending.push(p);
                    (self.w.pending.len() - 1) as u32
                }
            };
            self.push(done, Kind::ReviewDone, slot, 0.0);
            return;
        }
        self.direct(t, who, a, class, store, outside, fate);
    }

    fn review_done(&mut self, t: f64, slot: u32) {
        let p = self.w.pending[slot as usize];
        self.w.free_pending.push(slot);
        let actor = match p.who {
            Who::Insider(i) => {
                let ins = &self.w.insiders[i as usize];
                if !ins.active {
                    return;
                }
                ins.actor as usize
            }
            Who::Compelled { actor, .. } => actor as usize,
        };
        let (class, store) = (p.class as usize, p.store as usize);
        if p.refused {
            self.out[idx::REFUSED_REVIEW] += 1.0;
            if let Who::Insider(i) = p.who {
                self.w.insiders[i as usize].active = false;
            }
            self.trace(
                t,
                "review",
                Some(actor),
                Some(store),
                Some(class),
                "refused",
                0.0,
            );
            return;
        }
        self.trace(
            t,
            "review",
            Some(actor),
            Some(store),
            Some(class),
            "approved",
            0.0,
        );
        if self.w.holds[store] & (1u64 << class) == 0 {
            // The store lost the class (deleted) while the request waited.
            self.out[idx::NO_DATA_ATTEMPTS] += 1.0;
            return;
        }
        self.exfiltrate(t, p.who, actor, class, store, p.outside, p.fate);
    }

    #[allow(clippy::too_many_arguments)]
    fn direct(
        &mut self,
        t: f64,
        who: Who,
        a: usize,
        class: usize,
        store: usize,
        outside: bool,
        fate: Fate,
    ) {
        if outside {
            if let Some(cr) = &self.m.code_review {
                if t >= cr.from && fate.code_review < cr.probability {
                    self.out[idx::STOPPED_CODE_REVIEW] += 1.0;
                    self.trace(
                        t,
                        "direct",
                        Some(a),
                        Some(store),
                        Some(class),
                        "stopped_code_review",
                        0.0,
                    );
                    return;
                }
            }
            let fw = self
                .m
                .firewall
                .as_ref()
                .expect("outside implies a firewall");
            if t >= self.breach_until && fate.firewall < fw.block {
                self.out[idx::BLOCKED_FIREWALL] += 1.0;
                self.trace(
                    t,
                    "direct",
                    Some(a),
                    Some(store),
                    Some(class),
                    "blocked_firewall",
                    0.0,
                );
                return;
            }
        }
        self.exfiltrate(t, who, a, class, store, outside, fate);
    }

    #[allow(clippy::too_many_arguments)]
    fn exfiltrate(
        &mut self,
        t: f64,
        who: Who,
        a: usize,
        class: usize,
        store: usize,
        outside: bool,
        fate: Fate,
    ) {
        if outside {
            if let Some(en) = &self.m.enclave {
                if t >= en.from && fate.enclave < en.probability {
                    self.out[idx::BLOCKED_ENCLAVE] += 1.0;
                    self.trace(
                        t,
                        "exfiltrate",
                        Some(a),
                        Some(store),
                        Some(class),
                        "blocked_enclave",
                        0.0,
                    );
                    return;
                }
            }
        }
        let dist = &self.m.actors[a].records;
        let (taken, path) = match who {
            Who::Insider(i) => (
                dist.sample(&mut self.w.insiders[i as usize].draws),
                LeakPath::Theft,
            ),
            Who::Compelled { jur, .. } => (
                dist.sample(&mut self.w.jurs[jur as usize].draws),
                LeakPath::CompelledTheft,
            ),
        };
        let taken = taken.round().clamp(0.0, self.m.classes[class].records);
        let new = self.add_leak(t, class, taken, path);
        self.out[idx::SUCCESSFUL_THEFTS] += 1.0;
        if path == LeakPath::CompelledTheft {
            self.out[idx::COMPELLED_THEFTS] += 1.0;
        }
        self.trace(
            t,
            "exfiltrate",
            Some(a),
            Some(store),
            Some(class),
            "leak",
            new,
        );
        if let Who::Insider(i) = who {
            let ins = &mut self.w.insiders[i as usize];
            if ins.successes == 0 {
                ins.first_success = t;
            }
            ins.successes += 1;
        }
        if let Some(au) = &self.m.audit {
            if t >= au.from && fate.audit < au.detect {
                let delay = match who {
                    Who::Insider(i) => au.delay.sample(&mut self.w.insiders[i as usize].draws),
                    Who::Compelled { jur, .. } => {
                        au.delay.sample(&mut self.w.jurs[jur as usize].draws)
                    }
                };
                let target = match who {
                    Who::Insider(i) => i,
                    Who::Compelled { .. } => u32::MAX,
                };
                self.push(t + delay.max(0.0), Kind::Detect, target, t);
            }
        }
    }

    /// Adds `n` records of `class` taken at random: only the share not yet leaked is new.
    fn add_leak(&mut self, t: f64, class: usize, n: f64, path: LeakPath) -> f64 {
        let total = self.m.classes[class].records;
        if total <= 0.0 || n <= 0.0 {
            return 0.0;
        }
        let before = self.w.leaked[class];
        let new = if n >= total {
            total - before
        } else {
            n * (total - before) / total
        };
        if new <= 0.0 {
            return 0.0;
        }
        self.w.leaked[class] = before + new;
        self.w.paths[path as usize][class] += new;
        self.total_leaked += new;
        if self.out[idx::FIRST_LEAK_HOURS].is_nan() {
            self.out[idx::FIRST_LEAK_HOURS] = t;
        }
        new
    }

    fn detect(&mut self, t: f64, target: u32, success_time: f64) {
        if target != u32::MAX {
            let ins = &mut self.w.insiders[target as usize];
            if !ins.active {
                return;
            }
            ins.active = false;
        }
        self.out[idx::DETECTED] += 1.0;
        self.detect_sum += t - success_time;
        self.trace(t, "audit", None, None, None, "detected", 0.0);
    }

    fn third_party_audit(&mut self, t: f64) {
        let tpa = self
            .m
            .third_party_audit
            .as_ref()
            .expect("scheduled only with one");
        let (every, p) = (tpa.every, tpa.detect);
        self.push(t + every, Kind::ThirdPartyAudit, 0, 0.0);
        for i in 0..self.w.insiders.len() {
            let ins = &self.w.insiders[i];
            if !ins.active || ins.successes == 0 {
                continue;
            }
            let first = ins.first_success;
            if self.tpa_stream.uniform() < p {
                self.w.insiders[i].active = false;
                self.out[idx::DETECTED] += 1.0;
                self.detect_sum += t - first;
                let a = self.w.insiders[i].actor as usize;
                self.trace(t, "third_party_audit", Some(a), None, None, "detected", 0.0);
            }
        }
    }

    fn demand(&mut self, t: f64, j: usize) {
        let jm = &self.m.jurisdictions[j];
        let next = t + self.w.jurs[j].demands.exponential(jm.demand_rate);
        self.push(next, Kind::Demand, j as u32, 0.0);
        self.out[idx::COMPELLED_DEMANDS] += 1.0;
        let mut readable = 0u64;
        for (si, s) in self.m.stores.iter().enumerate() {
            if s.jurisdiction == j && s.key_custody.is_none_or(|k| k == j) {
                readable |= self.w.holds[si];
            }
        }
        // Member pick and the attempt's fate are drawn whatever happens, for common random numbers.
        let pick = self.w.jurs[j].fate.uniform();
        let fate = Fate::draw(&mut self.w.jurs[j].fate);
        if readable != 0 {
            self.out[idx::SEIZURES] += 1.0;
            let mut bits = readable;
            let mut seized = 0.0;
            while bits != 0 {
                let c = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                seized += self.add_leak(t, c, self.m.classes[c].records, LeakPath::Seizure);
            }
            self.trace(t, "demand", None, None, None, "seized", seized);
            return;
        }
        let jm = &self.m.jurisdictions[j];
        let Some(total) = jm.compellable.last().map(|x| x.1) else {
            self.trace(t, "demand", None, None, None, "failed", 0.0);
            return;
        };
        let target = pick * total;
        let actor = jm
            .compellable
            .iter()
            .find(|(_, cum)| target < *cum)
            .unwrap_or(jm.compellable.last().expect("non-empty"))
            .0;
        self.trace(t, "demand", Some(actor), None, None, "compelled", 0.0);
        self.illicit(
            t,
            Who::Compelled {
                jur: j as u32,
                actor: actor as u32,
            },
            actor,
            fate,
        );
    }

    fn flow(&mut self, t: f64, f: usize) {
        let fl = &self.m.flows[f];
        let next = t + fl.every;
        if next < fl.end {
            self.push(next, Kind::Flow, f as u32, 0.0);
        }
        let u = self.w.flows[f].uniform();
        let classes = self.w.holds[fl.from] & fl.classes;
        if classes == 0 || self.w.deleted[fl.to] {
            self.trace(t, "flow", None, Some(fl.to), None, "nothing_to_copy", 0.0);
            return;
        }
        if let Some(fw) = &self.m.firewall {
            if fw.egress
                && fl.egress_outside
                && t >= fw.from
                && t >= self.breach_until
                && u < fw.block
            {
                self.out[idx::FLOWS_BLOCKED] += 1.0;
                self.trace(t, "flow", None, Some(fl.to), None, "egress_blocked", 0.0);
                return;
            }
        }
        if self.w.holds[fl.to] & classes != classes {
            self.w.holds[fl.to] |= classes;
            self.refresh_holders();
        }
        self.trace(t, "flow", None, Some(fl.to), None, "copied", 0.0);
    }

    fn finish(mut self) -> Outcome {
        let m = self.m;
        let mut records = 0.0;
        let mut exposure = 0.0;
        let mut loss = 0.0;
        for (c, cm) in m.classes.iter().enumerate() {
            let l = self.w.leaked[c].round();
            records += l;
            exposure += l * cm.weight;
            loss += l * cm.loss_per_record;
        }
        let o = &mut self.out;
        o[idx::RECORDS_LEAKED] = records;
        o[idx::EXPOSURE] = exposure;
        o[idx::LOSS] = loss;
        o[idx::LEAKED] = if records > 0.0 { 1.0 } else { 0.0 };
        o[idx::MEAN_DETECT_HOURS] = if o[idx::DETECTED] > 0.0 {
            self.detect_sum / o[idx::DETECTED]
        } else {
            f64::NAN
        };
        o[idx::REVIEW_MEAN_WAIT_HOURS] = if self.queued > 0.0 {
            self.wait_sum / self.queued
        } else {
            f64::NAN
        };
        let c = &m.cost;
        let mut cost = c.legit_wait_per_hour * self.legit_wait_sum;
        o[idx::REVIEWER_UTILIZATION] = f64::NAN;
        if let Some(g) = &m.gatekeeper {
            let span = (m.horizon - g.from).max(0.0);
            if g.team > 0 && span > 0.0 {
                o[idx::REVIEWER_UTILIZATION] = self.busy / (g.team as f64 * span);
            }
            cost += c.reviewer * g.team as f64 * m.active_years(g.from);
        }
        if let Some(f) = &m.firewall {
            cost += c.firewall * m.active_years(f.from);
        }
        if let Some(e) = &m.enclave {
            cost += c.enclave * m.active_years(e.from);
        }
        if let Some(cr) = &m.code_review {
            cost += c.code_review * m.active_years(cr.from);
        }
        if let Some(a) = &m.audit {
            cost += c.audit * m.active_years(a.from);
        }
        if let Some(a) = &m.third_party_audit {
            cost += c.third_party_audit * m.active_years(a.from);
        }
        o[idx::CONTROL_COST] = cost;
        o[idx::TOTAL_COST] = cost + loss;
        let mut paths: [Vec<f64>; 3] = Default::default();
        for (dst, src) in paths.iter_mut().zip(self.w.paths.iter()) {
            dst.extend(src.iter().map(|x| x.round()));
        }
        Outcome {
            metrics: self.out,
            paths,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviewers_heap_keeps_the_minimum() {
        let mut r = Reviewers::default();
        r.reset(4);
        for t in [5.0, 3.0, 8.0, 1.0] {
            r.replace_earliest(t);
        }
        assert_eq!(r.earliest(), 1.0);
        r.replace_earliest(10.0);
        assert_eq!(r.earliest(), 3.0);
        r.replace_earliest(10.0);
        assert_eq!(r.earliest(), 5.0);
    }

    #[test]
    fn pick_store_selects_set_bits() {
        let holders = 0b1010_0100u64;
        let picks: Vec<usize> = [0.0, 0.34, 0.67, 0.999]
            .iter()
            .map(|&u| Sim::<NoTrace, ()>::pick_store(holders, u))
            .collect();
        assert_eq!(picks, vec![2, 5, 7, 7]);
    }
}
