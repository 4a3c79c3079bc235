//! The path of one request or attempt: class and store (among those the actor reaches), the
//! controls of the store's perimeter (gatekeeper or direct access, code review, firewall,
//! enclave), and the leak itself. A legitimate request travels as a [`Request`], an illicit
//! attempt, once it has aimed at a class and store, as an [`Attempt`].

use super::*;
use leak::Leak;
use note::{note, Note};
use state::{Attempt, Pending};

/// The `k`-th set bit of `bits` for a uniform `u` in [0, 1) (bits non-empty).
#[inline]
pub(super) fn pick_bit(bits: u64, u: f64) -> usize {
    if bits & (bits - 1) == 0 {
        // One candidate (the common case): no population count.
        return bits.trailing_zeros() as usize;
    }
    let n = bits.count_ones();
    let mut k = ((u * n as f64) as u32).min(n - 1);
    let mut b = bits;
    while k > 0 {
        b &= b - 1;
        k -= 1;
    }
    b.trailing_zeros() as usize
}

/// A uniform in [0, 1) from the low 16 bits of `bits`.
#[inline]
fn unit16(bits: u64) -> f64 {
    (bits & 0xFFFF) as f64 * (1.0 / 65_536.0)
}

/// A legitimate request on its path: its hour, actor, class and store, and the 64-bit draw
/// whose low 32 bits seed the records it reads.
#[derive(Clone, Copy, Debug)]
struct Request {
    t: f64,
    actor: usize,
    class: usize,
    store: usize,
    draw: u64,
}

impl Request {
    /// A trace row of this request with `outcome`.
    #[inline(always)]
    fn note(&self, outcome: &'static str) -> TraceRow {
        note(self.t, "request", outcome)
            .actor(self.actor)
            .store(self.store)
            .class(self.class)
    }
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// A legitimate request of actor `a` arrives: the next one is scheduled, then this one's
    /// class (16 bits), store (16 bits) and records read (32 bits) come from one 64-bit draw,
    /// always; its review time, if it is reviewed, from the actor's review stream.
    /// Returns the hour of the actor's next request, which the caller schedules.
    pub(super) fn legit(&mut self, t: f64, a: usize) -> f64 {
        let actor = &self.m.actors[a];
        let streams = &mut self.w.actors[a];
        let next = t + streams.arrivals.exponential(actor.legit_rate);
        let draw = streams.choice.next_u64();
        self.out[idx::LEGIT_REQUESTS] += 1.0;
        if actor.classes.is_empty() {
            return next;
        }
        let class =
            actor.classes[(((draw >> 48) * actor.classes.len() as u64) >> 16) as usize] as usize;
        let candidates = self.w.holders[class] & actor.reaches;
        if candidates == 0 {
            self.trace(note(t, "request", "no_data").actor(a).class(class));
            return next;
        }
        let store = pick_bit(candidates, unit16(draw >> 32));
        self.request(Request {
            t,
            actor: a,
            class,
            store,
            draw,
        });
        next
    }

    /// A request meets its store's perimeter: review, the firewall, or approval.
    #[inline(always)]
    fn request(&mut self, rq: Request) {
        let p = self.m.stores[rq.store].perimeter;
        let pm = &self.m.perimeters[p];
        let bit = 1u64 << rq.class;
        if pm.review[rq.actor] & bit != 0 && self.gatekeeper_active(p, rq.t) {
            self.review_request(&rq, p);
        } else if pm.outside[rq.actor] & bit != 0 && self.firewall_active(p, rq.t) {
            self.out[idx::LEGIT_BLOCKED] += 1.0;
            self.trace(rq.note("blocked"));
        } else {
            let n = self.records_read(&rq);
            self.trace(rq.note("approved").records(n));
            self.add_access(rq.t, rq.class, rq.actor, n);
        }
    }

    /// A request joins perimeter `p`'s review queue; its staff read the records if it leaves the
    /// queue (reviewed, or approved after the bypass wait) within the horizon.
    #[inline(always)]
    fn review_request(&mut self, rq: &Request, p: usize) {
        let gk = self.m.perimeters[p].gatekeeper.as_ref().expect("checked");
        let review = &mut self.w.actors[rq.actor].review;
        // The exponential case inline (the same draw as `Dist::sample`): most review times are.
        let hours = match gk.review_hours {
            crate::random::Dist::Exponential { mean } => review.standard_exponential() * mean,
            ref d => d.sample(review),
        };
        let (leave, reviewed, wait) = self.enqueue(p, rq.t, hours);
        self.legit_wait_sum += wait;
        self.trace(rq.note(if reviewed { "queued" } else { "bypassed" }));
        if leave <= self.m.horizon && self.m.actors[rq.actor].reads {
            let n = self.records_read(rq);
            self.add_access(rq.t, rq.class, rq.actor, n);
        }
    }

    /// The records a request's staff read (none for an actor that reads none).
    #[inline(always)]
    fn records_read(&self, rq: &Request) -> f64 {
        if self.m.actors[rq.actor].reads {
            self.w.reads[rq.actor].draw(rq.draw as u32)
        } else {
            0.0
        }
    }

    /// An illicit attempt by `who`, a member of actor `a`, with its fate drawn: it aims at a class
    /// and store, then goes around review (none applies, or it circumvents it) or joins it.
    pub(super) fn illicit(&mut self, t: f64, who: Who, a: usize, fate: Fate) {
        self.out[idx::ILLICIT_ATTEMPTS] += 1.0;
        let Some(at) = self.aim(t, who, a, fate) else {
            self.out[idx::NO_DATA_ATTEMPTS] += 1.0;
            return;
        };
        let pm = &self.m.perimeters[at.perimeter];
        if pm.review[a] & (1u64 << at.class) == 0 || !self.gatekeeper_active(at.perimeter, t) {
            self.direct(&at);
        } else if fate.circumvent < self.m.actors[a].circumvent {
            self.out[idx::CIRCUMVENTED_REVIEW] += 1.0;
            self.out[idx::BYPASSED_REVIEW] += 1.0;
            self.trace(at.note(who.attempt_kind(), "circumvented"));
            self.direct(&at);
        } else {
            self.submit(at);
        }
    }

    /// The class and store an attempt by `who` (actor `a`) aims at, with `fate`'s class and store
    /// draws (weakest targeting: among the stores where it would most likely succeed); none, traced,
    /// when it finds no data.
    fn aim(&mut self, t: f64, who: Who, a: usize, fate: Fate) -> Option<Attempt> {
        let actor = &self.m.actors[a];
        let kind = who.attempt_kind();
        let mut wanted = actor.classes.iter().fold(0u64, |m, &c| m | (1u64 << c));
        if let Who::Compelled { jur, .. } = who {
            wanted &= self.m.jurisdictions[jur as usize].demand_classes;
        }
        if wanted == 0 {
            self.trace(note(t, kind, "no_data").actor(a));
            return None;
        }
        let class = pick_bit(wanted, fate.class);
        let candidates = self.w.holders[class] & actor.reaches;
        if candidates == 0 {
            self.trace(note(t, kind, "no_data").actor(a).class(class));
            return None;
        }
        let store = if actor.weakest {
            self.weakest(t, a, class, candidates, fate.store)
        } else {
            pick_bit(candidates, fate.store)
        };
        let perimeter = self.m.stores[store].perimeter;
        let outside = self.m.perimeters[perimeter].outside[a] & (1u64 << class) != 0
            && self.firewall_active(perimeter, t);
        Some(Attempt {
            t,
            who,
            actor: a,
            recipient: self.recipient_of(who),
            class,
            store,
            perimeter,
            outside,
            fate,
        })
    }

    /// An attempt joins its perimeter's review queue: whether review will refuse it is drawn now
    /// (the catch probability falls with the backlog), and the end of its review is scheduled.
    fn submit(&mut self, at: Attempt) {
        let gk = self.m.perimeters[at.perimeter]
            .gatekeeper
            .as_ref()
            .expect("checked");
        let hours = gk.review_hours.sample_seeded(at.fate.review);
        let (catch, fatigue, team) = (gk.catch, gk.fatigue, gk.team as f64);
        let backlog = self.backlog(at.perimeter, at.t);
        let (done, reviewed, _) = self.enqueue(at.perimeter, at.t, hours);
        let p_catch = if reviewed {
            catch / (1.0 + fatigue * backlog as f64 / team)
        } else {
            0.0
        };
        if !reviewed {
            self.out[idx::BYPASSED_REVIEW] += 1.0;
        }
        let outcome = if reviewed { "queued" } else { "bypassed" };
        self.trace(at.note(at.who.attempt_kind(), outcome));
        let slot = self.park(Pending {
            attempt: at,
            refused: at.fate.catch < p_catch,
            catch: p_catch,
        });
        self.push(done, Kind::ReviewDone, slot, 0.0);
    }

    /// Keeps `pending` until its review ends, in a free slot if there is one; returns the slot.
    fn park(&mut self, pending: Pending) -> u32 {
        match self.w.free_pending.pop() {
            Some(s) => {
                self.w.pending[s as usize] = pending;
                s
            }
            None => {
                self.w.pending.push(pending);
                (self.w.pending.len() - 1) as u32
            }
        }
    }

    /// The candidate store where an attempt of actor `a` on `class` would succeed with the highest
    /// probability at `t` (ties: uniform with `u`).
    fn weakest(&self, t: f64, a: usize, class: usize, candidates: u64, u: f64) -> usize {
        pick_bit(self.weakest_ties(t, a, class, candidates), u)
    }

    /// The candidate stores where an attempt of actor `a` on `class` would succeed with the
    /// highest probability at `t` (a bit set: several when they tie).
    pub(super) fn weakest_ties(&self, t: f64, a: usize, class: usize, candidates: u64) -> u64 {
        let mut best = f64::NEG_INFINITY;
        let mut ties = 0u64;
        let mut bits = candidates;
        while bits != 0 {
            let s = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let p = self.success_probability(t, a, class, s);
            if p > best + 1e-12 {
                best = p;
                ties = 1u64 << s;
            } else if (p - best).abs() <= 1e-12 {
                ties |= 1u64 << s;
            }
        }
        ties
    }

    /// The probability that an attempt of actor `a` on `class` in `store` at `t` takes records,
    /// given the store's perimeter: its controls active at `t`, an open breach window, and the
    /// gatekeeper's base catch probability (fatigue and bypass left out).
    pub(super) fn success_probability(&self, t: f64, a: usize, class: usize, store: usize) -> f64 {
        let p = self.m.stores[store].perimeter;
        let pm = &self.m.perimeters[p];
        let bit = 1u64 << class;
        let active = |from: f64| t >= from;
        let outside = pm.outside[a] & bit != 0 && self.firewall_active(p, t);
        let mut enclave = 1.0;
        let mut direct = 1.0;
        if outside {
            if let Some(cr) = pm.code_review.as_ref().filter(|c| active(c.from)) {
                direct *= 1.0 - cr.probability;
            }
            let fw = pm.firewall.as_ref().expect("outside implies a firewall");
            if t >= self.w.perims[p].breach_until {
                direct *= 1.0 - fw.block;
            }
            if let Some(en) = pm.enclave.as_ref().filter(|e| active(e.from)) {
                enclave = 1.0 - en.probability;
            }
        }
        direct *= enclave;
        if pm.review[a] & bit != 0 && self.gatekeeper_active(p, t) {
            let circ = self.m.actors[a].circumvent;
            let catch = pm.gatekeeper.as_ref().map_or(0.0, |g| g.catch);
            circ * direct + (1.0 - circ) * (1.0 - catch) * enclave
        } else {
            direct
        }
    }

    /// Direct access (no review applies, or the attempt goes around it): code review and the
    /// firewall stand in the way of an attempt from outside.
    pub(super) fn direct(&mut self, at: &Attempt) {
        if at.outside {
            let pm = &self.m.perimeters[at.perimeter];
            if let Some(cr) = &pm.code_review {
                if at.t >= cr.from && at.fate.code_review < cr.probability {
                    self.out[idx::STOPPED_CODE_REVIEW] += 1.0;
                    self.trace(at.note("direct", "stopped_code_review"));
                    return;
                }
            }
            let fw = pm.firewall.as_ref().expect("outside implies a firewall");
            if at.t >= self.w.perims[at.perimeter].breach_until && at.fate.firewall < fw.block {
                self.out[idx::BLOCKED_FIREWALL] += 1.0;
                self.trace(at.note("direct", "blocked_firewall"));
                return;
            }
        }
        self.exfiltrate(at);
    }

    /// An approved or unblocked attempt: the enclave may stop it from outside; otherwise it takes
    /// its records, and the perimeter's audit may detect it later.
    pub(super) fn exfiltrate(&mut self, at: &Attempt) {
        if at.outside {
            if let Some(en) = &self.m.perimeters[at.perimeter].enclave {
                if at.t >= en.from && at.fate.enclave < en.probability {
                    self.out[idx::BLOCKED_ENCLAVE] += 1.0;
                    self.trace(at.note("exfiltrate", "blocked_enclave"));
                    return;
                }
            }
        }
        self.take(at);
        if let Who::Insider(i) = at.who {
            let ins = &mut self.w.insiders[i as usize];
            if ins.successes == 0 {
                ins.first_success = at.t;
            }
            ins.successes += 1;
            ins.hit |= 1u64 << at.perimeter;
        }
        self.audit_success(at);
    }

    /// An attempt takes its records (a sample of its class, of its actor's size): they reach its
    /// recipient by theft, or compelled theft.
    fn take(&mut self, at: &Attempt) {
        let total = self.m.classes[at.class].records;
        let taken = self.m.actors[at.actor]
            .records
            .sample_seeded(at.fate.records)
            .round()
            .clamp(0.0, total);
        let route = match at.who {
            Who::Insider(_) => LeakPath::Theft,
            Who::Compelled { .. } => LeakPath::CompelledTheft,
        };
        let new = self.add_leak(&Leak {
            t: at.t,
            class: at.class,
            records: taken,
            route,
            recipient: at.recipient,
            actor: Some(at.actor as u32),
            store: Some(at.store as u32),
        });
        self.out[idx::SUCCESSFUL_THEFTS] += 1.0;
        if route == LeakPath::CompelledTheft {
            self.out[idx::COMPELLED_THEFTS] += 1.0;
        }
        let row = at.note("exfiltrate", "leak").records(new);
        self.trace(row.recipient(at.recipient));
    }

    /// The perimeter's continuous audit may detect a successful attempt after its delay.
    fn audit_success(&mut self, at: &Attempt) {
        let Some(au) = &self.m.perimeters[at.perimeter].audit else {
            return;
        };
        if at.t >= au.from && at.fate.audit < au.detect {
            let delay = au.delay.sample_seeded(at.fate.delay).max(0.0);
            let target = match at.who {
                Who::Insider(i) => i,
                Who::Compelled { .. } => u32::MAX,
            };
            self.push(at.t + delay, Kind::Detect, target, at.t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_bit_selects_set_bits() {
        let bits = 0b1010_0100u64;
        let picks: Vec<usize> = [0.0, 0.34, 0.67, 0.999]
            .iter()
            .map(|&u| pick_bit(bits, u))
            .collect();
        assert_eq!(picks, vec![2, 5, 7, 7]);
    }
}
