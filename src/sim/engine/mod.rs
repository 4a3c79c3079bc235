//! The discrete-event engine: simulates one replication of a [`Model`].
//!
//! The clock is in hours. Events live in a binary heap reused across replications; each
//! perimeter's gatekeeper is a first-come first-served multi-server queue computed with the
//! Kiefer-Wolfowitz recursion (a request's review start is known on arrival from the reviewers'
//! next free times), so legitimate reviews need no completion events. Nothing is allocated per
//! event once a [`Workspace`] has warmed up.
//!
//! This file holds the loop and the set-up; each concern's handlers live beside it: [`access`]
//! (requests and attempts), [`aggregate`] (legitimate requests that meet no queue, drawn
//! together), [`gatekeeper`], [`leak`] (who obtains which records), [`demand`],
//! [`flow`], [`audit`], [`conditional`] (the conditional Monte Carlo estimate `reached_cmc`),
//! and [`outcome`] (the metric row).

mod access;
mod aggregate;
mod audit;
mod conditional;
mod demand;
pub(crate) mod events;
mod flow;
mod gatekeeper;
mod leak;
mod note;
mod outcome;
mod state;
mod turnover;

pub use outcome::{LeakPath, Outcome, PathRow};

/// Default budget of events per replication (`--max-events`).
pub const DEFAULT_MAX_EVENTS: u64 = 100_000_000;

/// What one insider counts for in the budget: it is held in memory for the whole replication
/// and checked by every third-party audit.
pub const EVENTS_PER_INSIDER: f64 = 100.0;
pub use state::Workspace;

use super::metrics::{idx, Metrics};
use super::observe::{DayObserver, TraceRow, Tracer};
use crate::model::{Model, HOURS_PER_YEAR};
use crate::random::whole::{round, WholeDraws};
use crate::random::{SourceId, Stream};
use events::*;
use note::{note, Note};
use rand::RngCore;
use rand_distr::{Binomial, Distribution};
use state::{ActorStreams, Fate, Insider, PerimeterState, Who};

struct Sim<'a, T: Tracer, L: DayObserver> {
    m: &'a Model,
    w: &'a mut Workspace,
    trace: &'a mut T,
    observer: &'a mut L,
    out: Metrics,
    seed: u64,
    rep: u64,
    /// Waits of reviewed requests, within the horizon.
    wait_sum: f64,
    /// Waits of legitimate requests (reviewed or approved after the bypass delay), within the horizon.
    legit_wait_sum: f64,
    detect_sum: f64,
    total_leaked: f64,
    next_day: usize,
    /// The hour day `next_day` ends (the test made at every event).
    day_end: f64,
    /// Events a replication may take (insiders count [`EVENTS_PER_INSIDER`] each).
    limit: f64,
}

/// Which replication to simulate: the run's seed, the replication's number, and its budget of
/// events (each insider counting [`EVENTS_PER_INSIDER`]).
#[derive(Clone, Copy, Debug)]
pub struct Replication {
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// The replication's number (0-based): keys its streams.
    pub rep: u64,
    /// Events the replication may take (`--max-events`).
    pub max_events: u64,
}

/// Simulates replication `r` of `model`; `trace` sees every event, `observer` the state at the
/// end of every day. A replication that would take more than `r.max_events` events stops
/// there, with [`Outcome::over_budget`] set.
pub fn simulate<T: Tracer, L: DayObserver>(
    model: &Model,
    r: Replication,
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
        seed: r.seed,
        rep: r.rep,
        wait_sum: 0.0,
        legit_wait_sum: 0.0,
        detect_sum: 0.0,
        total_leaked: 0.0,
        next_day: 0,
        day_end: crate::model::HOURS_PER_DAY,
        limit: r.max_events as f64,
    };
    if !sim.init() || !sim.run() {
        return sim.over_budget();
    }
    sim.finish()
}

/// Resets `v` to `n` zeros, keeping its memory.
fn zeros(v: &mut Vec<f64>, n: usize) {
    v.clear();
    v.resize(n, 0.0);
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    fn push(&mut self, t: f64, kind: Kind, a: u32, x: f64) {
        if t <= self.m.horizon {
            self.w.heap.push(Event { t, kind, a, x });
        }
    }

    /// The stream of source `kind` of the entity whose name hashes to `key`, sub-entity `sub`.
    fn stream(&self, kind: u16, key: u64, sub: u64) -> Stream {
        Stream::new(self.seed, self.rep, SourceId::keyed(kind, key, sub))
    }

    /// Sets the replication up; false if its insiders alone go over the budget (nothing is then
    /// allocated for them).
    fn init(&mut self) -> bool {
        self.reset();
        self.refresh_holders();
        self.w.actors.clear();
        self.init_aggregate();
        for a in 0..self.m.actors.len() {
            self.init_requests(a);
            if !self.init_insiders(a) {
                return false;
            }
        }
        self.init_turnover();
        self.init_demands();
        self.init_schedules();
        true
    }

    /// Empties the workspace for a replication of this model (keeping its memory).
    fn reset(&mut self) {
        let m = self.m;
        let w = &mut *self.w;
        w.heap.clear();
        w.insiders.clear();
        w.pending.clear();
        w.free_pending.clear();
        w.paths.clear();
        w.holds.clear();
        w.deleted.clear();
        for s in &m.stores {
            let deleted = s.delete_at <= 0.0;
            w.holds.push(if deleted { 0 } else { s.initial_classes });
            w.deleted.push(deleted);
        }
        let (nc, nr, nj) = (m.classes.len(), m.recipients(), m.jurisdictions.len());
        zeros(&mut w.leaked, nc);
        zeros(&mut w.got, nc * nr);
        zeros(&mut w.asked, nc);
        zeros(&mut w.window, nc * m.question.windows.len());
        zeros(&mut w.access, nc * nj);
        zeros(&mut w.access_any, nc);
        w.reads.truncate(m.actors.len());
        for (a, actor) in m.actors.iter().enumerate() {
            // A table of 4,096 cells costs about 8,192 draws: worth it from as many requests.
            let tabled = actor.reads && actor.legit_rate * m.horizon >= 8192.0;
            match w.reads.get_mut(a) {
                Some(t) => t.set(&actor.records_per_request, tabled),
                None => w
                    .reads
                    .push(WholeDraws::new(&actor.records_per_request, tabled)),
            }
        }
        w.cmc.reset(m.question.windows.len());
        w.perims
            .resize_with(m.perimeters.len(), PerimeterState::default);
        for (ps, p) in w.perims.iter_mut().zip(&m.perimeters) {
            ps.breach_until = f64::NEG_INFINITY;
            ps.breaches = None;
            ps.reviewers
                .reset(p.gatekeeper.as_ref().map_or(0, |g| g.team));
            ps.exits.clear();
            ps.busy = 0.0;
            ps.audits = 0;
        }
    }

    /// Actor `a`'s streams, and its first legitimate request (none when its requests are drawn
    /// in aggregate from the start); and the hour they will be (a legitimate arrival marked by
    /// `x = 1`), if that comes within the horizon.
    fn init_requests(&mut self, a: usize) {
        let actor = &self.m.actors[a];
        let mut streams = ActorStreams {
            arrivals: self.stream(SRC_ARRIVALS, actor.key, 0),
            choice: self.stream(SRC_CHOICE, actor.key, 0),
            review: self.stream(SRC_REVIEW, actor.key, 0),
        };
        if self.w.agg.aggregated(a) {
            self.w.actors.push(streams);
            return;
        }
        let first = streams.arrivals.exponential(actor.legit_rate);
        self.w.actors.push(streams);
        self.push(first, Kind::LegitArrival, a as u32, 0.0);
        self.push(self.w.agg.from(a), Kind::LegitArrival, a as u32, 1.0);
    }

    /// Actor `a`'s malicious insiders of day 0 (a binomial draw from its headcount), each with its
    /// stream, sponsorship and first attempt; false if they take the replication over its budget.
    fn init_insiders(&mut self, a: usize) -> bool {
        let m = self.m;
        let actor = &m.actors[a];
        let mut ins = self.stream(SRC_INSIDERS, actor.key, 0);
        let n = if actor.malicious_fraction > 0.0 && actor.headcount > 0 {
            Binomial::new(actor.headcount, actor.malicious_fraction)
                .map(|b| b.sample(&mut ins))
                .unwrap_or(0)
        } else {
            0
        };
        self.out[idx::INSIDERS] += n as f64;
        if self.out[idx::INSIDERS] * EVENTS_PER_INSIDER > self.limit {
            return false;
        }
        for k in 0..n as u32 {
            let mut stream = self.stream(SRC_INSIDER, actor.key, k as u64);
            let sponsored = stream.uniform() < actor.state_sponsored;
            let first = stream.exponential(actor.attempt_rate);
            let id = self.w.insiders.len() as u32;
            self.w.insiders.push(Insider {
                actor: a as u32,
                number: k,
                active: true,
                successes: 0,
                first_success: f64::NAN,
                recipient: if sponsored {
                    actor.jurisdiction as u32
                } else {
                    m.private() as u32
                },
                hit: 0,
                stream,
            });
            self.push(first, Kind::Attempt, id, 0.0);
        }
        true
    }

    /// Each jurisdiction's demand stream and first demand.
    fn init_demands(&mut self) {
        self.w.jurs.clear();
        for (ji, j) in self.m.jurisdictions.iter().enumerate() {
            let mut s = self.stream(SRC_DEMANDS, j.key, 0);
            let first = s.exponential(j.demand_rate);
            self.w.jurs.push(s);
            self.push(first, Kind::Demand, ji as u32, 0.0);
        }
    }

    /// The first flow copies, the stores' deletions, the firewalls' first breaches and the first
    /// third-party audits.
    fn init_schedules(&mut self) {
        let m = self.m;
        for (fi, f) in m.flows.iter().enumerate() {
            if f.start < f.end {
                self.push(f.start, Kind::Flow, fi as u32, 0.0);
            }
        }
        for (si, s) in m.stores.iter().enumerate() {
            if s.delete_at > 0.0 && s.delete_at.is_finite() {
                self.push(s.delete_at, Kind::StoreDelete, si as u32, 0.0);
            }
        }
        for (pi, p) in m.perimeters.iter().enumerate() {
            if let Some(fw) = &p.firewall {
                let mut s = self.stream(SRC_BREACH, p.key, 0);
                let first = s.exponential(fw.breach_rate);
                self.w.perims[pi].breaches = Some(s);
                self.push(first, Kind::Breach, pi as u32, 0.0);
            }
            if let Some(tpa) = &p.third_party_audit {
                self.push(tpa.from + tpa.every, Kind::ThirdPartyAudit, pi as u32, 0.0);
            }
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

    /// Reports every day that ended at or before `t` to the observer (the test that none did is
    /// inlined: it is made at every event).
    #[inline(always)]
    fn close_days(&mut self, t: f64) {
        if self.day_end <= t {
            self.close_days_to(t);
            self.day_end = (self.next_day as f64 + 1.0) * crate::model::HOURS_PER_DAY;
        }
    }

    /// [`Sim::close_days`] once a day has ended.
    #[inline(never)]
    fn close_days_to(&mut self, t: f64) {
        let day_end = |d: usize| (d as f64 + 1.0) * crate::model::HOURS_PER_DAY;
        let backlog_at = |w: &Workspace, end: f64| -> usize {
            w.perims.iter().map(|p| p.exits.after(end)).sum()
        };
        // The days that end by `t`: nothing happens between events, so records leaked stay the
        // same and the backlog can only fall. Where it is the same at both ends of the span, the
        // whole span is one call.
        if day_end(self.next_day) > t {
            return;
        }
        // The first day not yet over: start from t / 24, then settle it by the exact test.
        let mut last = ((t / crate::model::HOURS_PER_DAY) as usize).max(self.next_day + 1);
        while last > self.next_day + 1 && day_end(last - 1) > t {
            last -= 1;
        }
        while day_end(last) <= t {
            last += 1;
        }
        let first_backlog = backlog_at(self.w, day_end(self.next_day));
        if first_backlog == backlog_at(self.w, day_end(last - 1)) {
            self.observer
                .days_end(self.next_day..last, self.total_leaked, first_backlog);
            self.next_day = last;
            return;
        }
        while self.next_day < last {
            let backlog = backlog_at(self.w, day_end(self.next_day));
            self.observer
                .day_end(self.next_day, self.total_leaked, backlog);
            self.next_day += 1;
        }
    }

    /// Runs the events to the horizon; false if the replication went over its budget.
    fn run(&mut self) -> bool {
        while let Some(ev) = self.w.heap.pop() {
            if self.out[idx::EVENTS] >= self.limit {
                return false;
            }
            if L::ON {
                self.close_days(ev.t);
            }
            match ev.kind {
                Kind::LegitArrival => {
                    if ev.x != 0.0 || self.w.agg.aggregated(ev.a as usize) {
                        self.aggregate_from(ev.t, ev.a as usize, ev.x != 0.0);
                    } else if !self.legit_arrivals(ev.t, ev.a) {
                        return false;
                    }
                }
                Kind::Attempt => self.attempt(ev.t, ev.a as usize),
                Kind::ReviewDone => {
                    self.chance_review(ev.t, ev.a);
                    self.review_done(ev.t, ev.a);
                }
                Kind::Demand => self.demand(ev.t, ev.a as usize),
                Kind::Flow => {
                    if !self.flush_aggregated(ev.t) {
                        return false;
                    }
                    self.flow(ev.t, ev.a as usize)
                }
                Kind::StoreDelete => {
                    if !self.flush_aggregated(ev.t) {
                        return false;
                    }
                    let s = ev.a as usize;
                    self.w.holds[s] = 0;
                    self.w.deleted[s] = true;
                    self.refresh_holders();
                    self.trace(note(ev.t, "store_delete", "deleted").store(s));
                }
                Kind::Breach => self.breach(ev.t, ev.a as usize),
                Kind::Detect => self.detect(ev.t, ev.a, ev.x),
                Kind::ThirdPartyAudit => self.third_party_audit(ev.t, ev.a as usize),
                Kind::Turnover => self.turnover(ev.t, ev.a as usize),
            }
            self.w.cmc.counted = false;
            self.out[idx::EVENTS] += 1.0;
        }
        if !self.flush_aggregated(self.m.horizon) {
            return false;
        }
        if L::ON {
            self.close_days(self.m.horizon.ceil());
        }
        true
    }

    /// Actor `a`'s legitimate requests from the one at `t`, as long as each next one comes
    /// before every event in the heap: those never enter the heap (the order of events, the
    /// budget checks and the days closed are those of the main loop). The first request after
    /// another event is pushed. False if the replication went over its budget.
    #[inline]
    fn legit_arrivals(&mut self, mut t: f64, a: u32) -> bool {
        loop {
            let next = self.legit(t, a as usize);
            if next > self.m.horizon {
                return true;
            }
            let ev = Event {
                t: next,
                kind: Kind::LegitArrival,
                a,
                x: 0.0,
            };
            // The heap pops its greatest event (the order is reversed: earliest first).
            if self.w.heap.peek().is_some_and(|top| *top > ev) {
                self.w.heap.push(ev);
                return true;
            }
            self.out[idx::EVENTS] += 1.0;
            if self.out[idx::EVENTS] >= self.limit {
                return false;
            }
            if L::ON {
                self.close_days(next);
            }
            t = next;
        }
    }

    /// An insider's attempt fires: the next one is scheduled, then this one's fate is drawn.
    fn attempt(&mut self, t: f64, i: usize) {
        if !self.w.insiders[i].active {
            return;
        }
        let a = self.w.insiders[i].actor as usize;
        let ins = &mut self.w.insiders[i];
        let fate = Fate::draw(&mut ins.stream);
        let next = t + ins.stream.exponential(self.m.actors[a].attempt_rate);
        self.push(next, Kind::Attempt, i as u32, 0.0);
        self.chance_attempt(t, Who::Insider(i as u32), a, &fate);
        self.illicit(t, Who::Insider(i as u32), a, fate);
    }

    /// A firewall breach opens in perimeter `p`.
    fn breach(&mut self, t: f64, p: usize) {
        let fw = self.m.perimeters[p]
            .firewall
            .as_ref()
            .expect("breach events need a firewall");
        let s = self.w.perims[p]
            .breaches
            .as_mut()
            .expect("a firewall has a breach stream");
        let next = t + s.exponential(fw.breach_rate);
        let len = fw.breach_hours.sample_seeded((s.next_u64() >> 32) as u32);
        let ps = &mut self.w.perims[p];
        ps.breach_until = ps.breach_until.max(t + len);
        self.push(next, Kind::Breach, p as u32, 0.0);
        self.trace(note(t, "breach", "open"));
    }

    /// Hands `row` to the tracer (nothing at all when tracing is off: the row is never built).
    #[inline(always)]
    fn trace(&mut self, row: TraceRow) {
        if T::ON {
            self.trace.record(row);
        }
    }

    #[inline]
    fn gatekeeper_active(&self, p: usize, t: f64) -> bool {
        self.m.perimeters[p]
            .gatekeeper
            .as_ref()
            .is_some_and(|g| t >= g.from)
    }

    #[inline]
    fn firewall_active(&self, p: usize, t: f64) -> bool {
        self.m.perimeters[p]
            .firewall
            .as_ref()
            .is_some_and(|f| t >= f.from)
    }
}
