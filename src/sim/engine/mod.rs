//! The discrete-event engine: simulates one replication of a [`Model`].
//!
//! The clock is in hours. Events live in a binary heap reused across replications; the gatekeeper
//! is a first-come first-served multi-server queue computed with the Kiefer-Wolfowitz recursion (a
//! request's review start is known on arrival from the reviewers' next free times), so reviews need
//! no completion events. Nothing is allocated per event once a [`Workspace`] has warmed up.
//!
//! This file holds the loop and the set-up; each concern's handlers live beside it: [`access`]
//! (requests and attempts), [`gatekeeper`], [`demand`], [`flow`], [`audit`], and [`outcome`].

mod access;
mod audit;
mod demand;
mod events;
mod flow;
mod gatekeeper;
mod outcome;
mod state;

pub use outcome::{LeakPath, Outcome};
pub use state::Workspace;

use super::metrics::{idx, Metrics};
use super::observe::{DayObserver, TraceRow, Tracer};
use crate::model::Model;
use crate::random::{SourceId, Stream};
use events::*;
use rand::RngCore;
use rand_distr::{Binomial, Distribution};
use state::{ActorStreams, Fate, Insider, JurStreams, Pending, Who};

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
}
