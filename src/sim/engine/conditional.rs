//! Conditional Monte Carlo of the question's probability (`reached_cmc`).
//!
//! A *chance* is a step where the question may be reached by a coin not yet tossed: an illicit
//! attempt as it fires (its class, store, circumvention, code review, firewall and enclave coins)
//! and an illicit request whose review ends (its catch and enclave coins). At each chance, while
//! the question is not yet reached, the replication adds `q`, the exact probability that this step
//! reaches it given everything before the step and the attempt's records draw; it stops adding once
//! the question is reached. Steps with no coin left (a seizure, a handover, staff access counted by
//! `include_access`) add 1 when they reach it. The sum `Z` has `E[Z] = P(reached)`: each step adds
//! `q` exactly when the question is not yet reached, and `q` is the step's conditional probability
//! of being the one that reaches it (the sum over steps of `P(step reaches, none before)`). `Z`
//! replaces the 0/1 outcome of each chance by its probability, so its variance is smaller when
//! chances are many and each unlikely. Nothing is drawn: every other figure keeps its value.
//! One sum is kept per measurement window (a step counts in the windows that hold its hour).

use super::leak::new_records;
use super::*;

/// The sums of one replication, one per measurement window.
#[derive(Clone, Debug, Default)]
pub(super) struct Cmc {
    /// Per window: the probabilities added so far.
    pub(super) sum: Vec<f64>,
    /// Per window: whether the question was reached in it.
    pub(super) done: Vec<bool>,
    /// Whether the step in hand is a chance whose probability was added.
    pub(super) counted: bool,
}

impl Cmc {
    /// Ready for a replication with `windows` measurement windows.
    pub(super) fn reset(&mut self, windows: usize) {
        self.sum.clear();
        self.sum.resize(windows, 0.0);
        self.done.clear();
        self.done.resize(windows, false);
        self.counted = false;
    }

    /// The question is reached in window `k` by the step in hand.
    #[inline]
    pub(super) fn reached(&mut self, k: usize) {
        if !self.done[k] {
            if !self.counted {
                self.sum[k] += 1.0;
            }
            self.done[k] = true;
        }
    }
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// Adds `q`, a chance at hour `t`, to every window that holds `t` and is not yet reached;
    /// the step in hand is then a counted chance.
    fn chance(&mut self, t: f64, q: f64) {
        let c = &mut self.w.cmc;
        c.counted = true;
        for k in 0..c.sum.len() {
            if !c.done[k] && self.m.question.in_window(k, t) {
                c.sum[k] += q;
            }
        }
    }

    /// The recipient of what `who` takes.
    pub(super) fn recipient_of(&self, who: Who) -> usize {
        match who {
            Who::Insider(i) => self.w.insiders[i as usize].recipient as usize,
            Who::Compelled { jur, .. } => jur as usize,
        }
    }

    /// Whether `raw` records of `class` (rounded, before the class's cap) reaching the question's
    /// recipients now would be new to them (the recipient is checked by the caller).
    fn adds_new(&self, class: usize, raw: f64) -> bool {
        if self.m.question.classes & (1u64 << class) == 0 {
            return false;
        }
        let total = self.m.classes[class].records;
        let n = raw.clamp(0.0, total);
        total > 0.0 && n > 0.0 && new_records(total, self.w.asked[class], n) > 0.0
    }

    /// The probability that an active enclave of perimeter `p` lets an attempt from outside through.
    fn enclave_pass(&self, p: usize, t: f64) -> f64 {
        match &self.m.perimeters[p].enclave {
            Some(en) if t >= en.from => 1.0 - en.probability,
            _ => 1.0,
        }
    }

    /// The probability that an attempt of actor `a` on `class` in `store` at `t` takes records
    /// now (circumvented or unreviewed direct access; a queued attempt is a later chance).
    fn reach_now(&self, t: f64, a: usize, class: usize, store: usize) -> f64 {
        let p = self.m.stores[store].perimeter;
        let pm = &self.m.perimeters[p];
        let bit = 1u64 << class;
        let mut pass = 1.0;
        if pm.outside[a] & bit != 0 && self.firewall_active(p, t) {
            if let Some(cr) = pm.code_review.as_ref().filter(|c| t >= c.from) {
                pass *= 1.0 - cr.probability;
            }
            let fw = pm.firewall.as_ref().expect("outside implies a firewall");
            if t >= self.w.perims[p].breach_until {
                pass *= 1.0 - fw.block;
            }
            pass *= self.enclave_pass(p, t);
        }
        if pm.review[a] & bit != 0 && self.gatekeeper_active(p, t) {
            self.m.actors[a].circumvent.clamp(0.0, 1.0) * pass
        } else {
            pass
        }
    }

    /// An illicit attempt of `who` (actor `a`) with `fate` fires at `t`: a chance, over its class,
    /// store, circumvention, code review, firewall and enclave coins.
    pub(super) fn chance_attempt(&mut self, t: f64, who: Who, a: usize, fate: &Fate) {
        let m = self.m;
        let mut q = 0.0;
        let recipient = self.recipient_of(who);
        let actor = &m.actors[a];
        let mut wanted = actor.classes.iter().fold(0u64, |w, &c| w | (1u64 << c));
        if let Who::Compelled { jur, .. } = who {
            wanted &= m.jurisdictions[jur as usize].demand_classes;
        }
        if m.question.recipients & (1u64 << recipient) != 0 && wanted != 0 {
            let raw = actor.records.sample_seeded(fate.records).round();
            let mut classes = wanted;
            while classes != 0 {
                let c = classes.trailing_zeros() as usize;
                classes &= classes - 1;
                let candidates = self.w.holders[c] & actor.reaches;
                if candidates == 0 || !self.adds_new(c, raw) {
                    continue;
                }
                let stores = if actor.weakest {
                    self.weakest_ties(t, a, c, candidates)
                } else {
                    candidates
                };
                let (mut sum, mut bits) = (0.0, stores);
                while bits != 0 {
                    let s = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    sum += self.reach_now(t, a, c, s);
                }
                q += sum / stores.count_ones() as f64;
            }
            q /= wanted.count_ones() as f64;
        }
        self.chance(t, q);
    }

    /// The review of pending request `slot` ends at `t`: a chance, over its catch and enclave coins.
    pub(super) fn chance_review(&mut self, t: f64, slot: u32) {
        let p = self.w.pending[slot as usize];
        let at = &p.attempt;
        let active = match at.who {
            Who::Insider(i) => self.w.insiders[i as usize].active,
            Who::Compelled { .. } => true,
        };
        let mut q = 0.0;
        if active {
            let raw = self.m.actors[at.actor]
                .records
                .sample_seeded(at.fate.records)
                .round();
            if self.m.question.recipients & (1u64 << at.recipient) != 0
                && self.w.holds[at.store] & (1u64 << at.class) != 0
                && self.adds_new(at.class, raw)
            {
                q = 1.0 - p.catch;
                if at.outside {
                    q *= self.enclave_pass(at.perimeter, t);
                }
            }
        }
        self.chance(t, q);
    }
}
