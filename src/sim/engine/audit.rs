//! Detection: a perimeter's continuous audit of successful accesses, and its periodic third-party
//! audit of the insiders who took records there. `detected` counts people caught: an insider at
//! most once (then removed), and a compelled member (a person picked for one demand) per access.

use super::*;
use note::{note, Note};

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    pub(super) fn detect(&mut self, t: f64, target: u32, success_time: f64) {
        if target != u32::MAX {
            if !self.w.insiders[target as usize].active {
                return;
            }
            self.remove_insider(t, target as usize);
        }
        self.out[idx::DETECTED] += 1.0;
        self.detect_sum += t - success_time;
        self.trace(note(t, "audit", "detected"));
    }

    /// Perimeter `p`'s third-party audit: each active insider with a success in the perimeter is
    /// detected with the audit's probability, drawn from a value of its own per (insider, audit).
    pub(super) fn third_party_audit(&mut self, t: f64, p: usize) {
        let pm = &self.m.perimeters[p];
        let tpa = pm
            .third_party_audit
            .as_ref()
            .expect("scheduled only with one");
        let (every, prob, key) = (tpa.every, tpa.detect, pm.key);
        self.push(t + every, Kind::ThirdPartyAudit, p as u32, 0.0);
        let audit = self.w.perims[p].audits;
        self.w.perims[p].audits += 1;
        for i in 0..self.w.insiders.len() {
            let ins = &self.w.insiders[i];
            if !ins.active || ins.hit & (1u64 << p) == 0 {
                continue;
            }
            let a = ins.actor as usize;
            let who = key ^ self.m.actors[a].key.rotate_left(17);
            let u = self
                .stream(SRC_TPA, who, ((ins.number as u64) << 32) | audit)
                .uniform();
            if u < prob {
                let first = ins.first_success;
                self.remove_insider(t, i);
                self.out[idx::DETECTED] += 1.0;
                self.detect_sum += t - first;
                self.trace(note(t, "third_party_audit", "detected").actor(a));
            }
        }
    }
}
