//! The path of one request or attempt: class and store (among those the actor reaches), the
//! controls of the store's perimeter (gatekeeper or direct access, code review, firewall,
//! enclave), and the leak itself.

use super::*;
use state::Pending;

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

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// A legitimate request of actor `a` arrives: the next one is scheduled, then this one's
    /// class (16 bits), store (16 bits) and records read (32 bits) come from one 64-bit draw,
    /// always; its review time, if it is reviewed, from the actor's review stream.
    /// Returns the hour of the actor's next request, which the caller schedules.
    pub(super) fn legit(&mut self, t: f64, a: usize) -> f64 {
        let actor = &self.m.actors[a];
        let streams = &mut self.w.actors[a];
        let next = t + streams.arrivals.exponential(actor.legit_rate);
        let r1 = streams.choice.next_u64();
        self.out[idx::LEGIT_REQUESTS] += 1.0;
        if actor.classes.is_empty() {
            return next;
        }
        let class =
            actor.classes[(((r1 >> 48) * actor.classes.len() as u64) >> 16) as usize] as usize;
        let candidates = self.w.holders[class] & actor.reaches;
        if candidates == 0 {
            self.trace(
                t,
                "request",
                Some(a),
                None,
                Some(class),
                "no_data",
                0.0,
                None,
            );
            return next;
        }
        let store = pick_bit(candidates, unit16(r1 >> 32));
        let p = self.m.stores[store].perimeter;
        let pm = &self.m.perimeters[p];
        let bit = 1u64 << class;
        let read = |s: &Self| {
            let rpr = &s.m.actors[a].records_per_request;
            if s.m.actors[a].reads {
                rpr.sample_seeded(r1 as u32).round().max(0.0)
            } else {
                0.0
            }
        };
        if pm.review[a] & bit != 0 && self.gatekeeper_active(p, t) {
            let gk = pm.gatekeeper.as_ref().expect("checked");
            let hours = gk.review_hours.sample(&mut self.w.actors[a].review);
            let (leave, reviewed, _, wait) = self.enqueue(p, t, hours);
            self.legit_wait_sum += wait;
            self.trace(
                t,
                "request",
                Some(a),
                Some(store),
                Some(class),
                if reviewed { "queued" } else { "bypassed" },
                0.0,
                None,
            );
            if leave <= self.m.horizon && self.m.actors[a].reads {
                let n = read(self);
                self.add_access(t, class, a, n);
            }
        } else if pm.outside[a] & bit != 0 && self.firewall_active(p, t) {
            self.out[idx::LEGIT_BLOCKED] += 1.0;
            self.trace(
                t,
                "request",
                Some(a),
                Some(store),
                Some(class),
                "blocked",
                0.0,
                None,
            );
        } else {
            let n = read(self);
            self.trace(
                t,
                "request",
                Some(a),
                Some(store),
                Some(class),
                "approved",
                n,
                None,
            );
            self.add_access(t, class, a, n);
        }
        next
    }

    /// An illicit attempt by `who`, a member of actor `a`, with its fate drawn.
    pub(super) fn illicit(&mut self, t: f64, who: Who, a: usize, fate: Fate) {
        self.out[idx::ILLICIT_ATTEMPTS] += 1.0;
        let actor = &self.m.actors[a];
        let kind = match who {
            Who::Insider(_) => "attempt",
            Who::Compelled { .. } => "compelled_attempt",
        };
        let mut wanted = actor.classes.iter().fold(0u64, |m, &c| m | (1u64 << c));
        if let Who::Compelled { jur, .. } = who {
            wanted &= self.m.jurisdictions[jur as usize].demand_classes;
        }
        if wanted == 0 {
            self.out[idx::NO_DATA_ATTEMPTS] += 1.0;
            self.trace(t, kind, Some(a), None, None, "no_data", 0.0, None);
            return;
        }
        let class = pick_bit(wanted, fate.class);
        let candidates = self.w.holders[class] & actor.reaches;
        if candidates == 0 {
            self.out[idx::NO_DATA_ATTEMPTS] += 1.0;
            self.trace(t, kind, Some(a), None, Some(class), "no_data", 0.0, None);
            return;
        }
        let store = if actor.weakest {
            self.weakest(t, a, class, candidates, fate.store)
        } else {
            pick_bit(candidates, fate.store)
        };
        let p = self.m.stores[store].perimeter;
        let pm = &self.m.perimeters[p];
        let bit = 1u64 << class;
        let outside = pm.outside[a] & bit != 0 && self.firewall_active(p, t);
        if pm.review[a] & bit == 0 || !self.gatekeeper_active(p, t) {
            self.direct(t, who, a, class, store, outside, fate);
            return;
        }
        if fate.circumvent < actor.circumvent {
            self.out[idx::CIRCUMVENTED_REVIEW] += 1.0;
            self.out[idx::BYPASSED_REVIEW] += 1.0;
            let s = Some(store);
            self.trace(t, kind, Some(a), s, Some(class), "circumvented", 0.0, None);
            self.direct(t, who, a, class, store, outside, fate);
            return;
        }
        let gk = pm.gatekeeper.as_ref().expect("checked");
        let hours = gk.review_hours.sample_seeded(fate.review);
        let (catch, fatigue, team) = (gk.catch, gk.fatigue, gk.team as f64);
        let (done, reviewed, backlog, _) = self.enqueue(p, t, hours);
        let p_catch = if reviewed {
            catch / (1.0 + fatigue * backlog as f64 / team)
        } else {
            0.0
        };
        let refused = fate.catch < p_catch;
        if !reviewed {
            self.out[idx::BYPASSED_REVIEW] += 1.0;
        }
        let outcome = if reviewed { "queued" } else { "bypassed" };
        self.trace(
            t,
            kind,
            Some(a),
            Some(store),
            Some(class),
            outcome,
            0.0,
            None,
        );
        let pending = Pending {
            who,
            class: class as u8,
            store: store as u8,
            refused,
            catch: p_catch,
            outside,
            fate,
        };
        let slot = match self.w.free_pending.pop() {
            Some(s) => {
                self.w.pending[s as usize] = pending;
                s
            }
            None => {
                self.w.pending.push(pending);
                (self.w.pending.len() - 1) as u32
            }
        };
        self.push(done, Kind::ReviewDone, slot, 0.0);
    }

    /// The candidate store where an attempt of actor `a` on `class` would succeed with the highest
    /// probability at `t` (ties: uniform with `u`).
    fn weakest(&self, t: f64, a: usize, class: usize, candidates: u64, u: f64) -> usize {
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
        pick_bit(ties, u)
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
    #[allow(clippy::too_many_arguments)]
    pub(super) fn direct(
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
            let p = self.m.stores[store].perimeter;
            let pm = &self.m.perimeters[p];
            if let Some(cr) = &pm.code_review {
                if t >= cr.from && fate.code_review < cr.probability {
                    self.out[idx::STOPPED_CODE_REVIEW] += 1.0;
                    let (s, c) = (Some(store), Some(class));
                    self.trace(t, "direct", Some(a), s, c, "stopped_code_review", 0.0, None);
                    return;
                }
            }
            let fw = pm.firewall.as_ref().expect("outside implies a firewall");
            if t >= self.w.perims[p].breach_until && fate.firewall < fw.block {
                self.out[idx::BLOCKED_FIREWALL] += 1.0;
                let (s, c) = (Some(store), Some(class));
                self.trace(t, "direct", Some(a), s, c, "blocked_firewall", 0.0, None);
                return;
            }
        }
        self.exfiltrate(t, who, a, class, store, outside, fate);
    }

    /// An approved or unblocked attempt: the enclave may stop it from outside; otherwise it takes
    /// its records, and the perimeter's audit may detect it later.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn exfiltrate(
        &mut self,
        t: f64,
        who: Who,
        a: usize,
        class: usize,
        store: usize,
        outside: bool,
        fate: Fate,
    ) {
        let p = self.m.stores[store].perimeter;
        let pm = &self.m.perimeters[p];
        if outside {
            if let Some(en) = &pm.enclave {
                if t >= en.from && fate.enclave < en.probability {
                    self.out[idx::BLOCKED_ENCLAVE] += 1.0;
                    let (s, c) = (Some(store), Some(class));
                    self.trace(t, "exfiltrate", Some(a), s, c, "blocked_enclave", 0.0, None);
                    return;
                }
            }
        }
        let total = self.m.classes[class].records;
        let taken = self.m.actors[a]
            .records
            .sample_seeded(fate.records)
            .round()
            .clamp(0.0, total);
        let (route, recipient) = match who {
            Who::Insider(i) => (
                LeakPath::Theft,
                self.w.insiders[i as usize].recipient as usize,
            ),
            Who::Compelled { jur, .. } => (LeakPath::CompelledTheft, jur as usize),
        };
        let new = self.add_leak(
            t,
            class,
            taken,
            route,
            recipient,
            Some(a as u32),
            Some(store as u32),
        );
        self.out[idx::SUCCESSFUL_THEFTS] += 1.0;
        if route == LeakPath::CompelledTheft {
            self.out[idx::COMPELLED_THEFTS] += 1.0;
        }
        let (s, c) = (Some(store), Some(class));
        self.trace(t, "exfiltrate", Some(a), s, c, "leak", new, Some(recipient));
        if let Who::Insider(i) = who {
            let ins = &mut self.w.insiders[i as usize];
            if ins.successes == 0 {
                ins.first_success = t;
            }
            ins.successes += 1;
            ins.hit |= 1u64 << p;
        }
        if let Some(au) = &pm.audit {
            if t >= au.from && fate.audit < au.detect {
                let delay = au.delay.sample_seeded(fate.delay).max(0.0);
                let target = match who {
                    Who::Insider(i) => i,
                    Who::Compelled { .. } => u32::MAX,
                };
                self.push(t + delay, Kind::Detect, target, t);
            }
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
