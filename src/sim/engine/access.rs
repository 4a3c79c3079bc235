//! The path of one request or attempt: class and store, gatekeeper or direct access, firewall,
//! code review, enclave, and the leak itself.

use super::*;

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// Picks the store among `holders` (non-empty bit set) with a uniform in [0, 1).
    #[inline]
    pub(super) fn pick_store(holders: u64, u: f64) -> usize {
        let n = holders.count_ones() as f64;
        let mut k = ((u * n) as u32).min(holders.count_ones() - 1);
        let mut bits = holders;
        while k > 0 {
            bits &= bits - 1;
            k -= 1;
        }
        bits.trailing_zeros() as usize
    }

    pub(super) fn legit(&mut self, t: f64, a: usize) {
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

    pub(super) fn illicit(&mut self, t: f64, who: Who, a: usize, fate: Fate) {
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
    pub(super) fn add_leak(&mut self, t: f64, class: usize, n: f64, path: LeakPath) -> f64 {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::observe::NoTrace;

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
