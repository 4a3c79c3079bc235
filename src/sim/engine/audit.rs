//! Detection: continuous audit of successful accesses and the periodic third-party audit.

use super::*;

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    pub(super) fn detect(&mut self, t: f64, target: u32, success_time: f64) {
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

    pub(super) fn third_party_audit(&mut self, t: f64) {
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
}
