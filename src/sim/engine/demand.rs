//! Compelled demands. A demand of state S seeks S's `demand_classes` and is served, in order, by
//! seizure (readable stores on S's soil), by the compelled operator (readable stores run by a
//! company subject to S, wherever they stand), and only when both found nothing, by a compelled
//! member's attempt through the controls.

use super::*;
use leak::Leak;
use note::{note, Note};

/// Marks a class found in more than one store.
const SEVERAL: u32 = u32::MAX;

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    pub(super) fn demand(&mut self, t: f64, j: usize) {
        let jm = &self.m.jurisdictions[j];
        // Every demand draws the same values, whatever serves it (common random numbers).
        let s = &mut self.w.jurs[j];
        let pick = s.uniform();
        let fate = Fate::draw(s);
        let next = t + s.exponential(jm.demand_rate);
        self.push(next, Kind::Demand, j as u32, 0.0);
        self.out[idx::COMPELLED_DEMANDS] += 1.0;
        if jm.compliance < 1.0 {
            // Its own stream, keyed by the demand's time: no other draw shifts.
            let u = self.stream(SRC_COMPLIANCE, jm.key, t.to_bits()).uniform();
            if u >= jm.compliance {
                self.trace(note(t, "demand", "refused").recipient(j));
                return;
            }
        }

        let seized = self.serve(t, j, LeakPath::Seizure);
        let handed = self.serve(t, j, LeakPath::CompelledOperator);
        if seized || handed {
            return;
        }
        let jm = &self.m.jurisdictions[j];
        let Some(total) = jm.compellable.last().map(|x| x.1) else {
            self.trace(note(t, "demand", "failed").recipient(j));
            return;
        };
        let target = pick * total;
        let actor = jm
            .compellable
            .iter()
            .find(|(_, cum)| target < *cum)
            .unwrap_or(jm.compellable.last().expect("non-empty"))
            .0;
        self.trace(note(t, "demand", "compelled").actor(actor).recipient(j));
        let who = Who::Compelled { jur: j as u32 };
        self.chance_attempt(t, who, actor, &fate);
        self.illicit(t, who, actor, fate);
    }

    /// Serves state `j`'s demand by `route` (seizure or compelled operator): every sought class
    /// readable to `j` in the stores the route reaches goes to `j`. Returns whether it found any.
    fn serve(&mut self, t: f64, j: usize, route: LeakPath) -> bool {
        let m = self.m;
        let bit = 1u64 << j;
        let sought = m.jurisdictions[j].demand_classes;
        let mut found = 0u64;
        let mut source = [0u32; 64];
        for (si, s) in m.stores.iter().enumerate() {
            let reached = match route {
                LeakPath::Seizure => s.jurisdiction == j,
                _ => s.operator_subject_to & bit != 0,
            };
            if !reached || s.readable_to & bit == 0 || self.w.deleted[si] {
                continue;
            }
            let mut cls = self.w.holds[si] & sought;
            while cls != 0 {
                let c = cls.trailing_zeros() as usize;
                cls &= cls - 1;
                source[c] = if found & (1u64 << c) != 0 {
                    SEVERAL
                } else {
                    si as u32
                };
                found |= 1u64 << c;
            }
        }
        if found == 0 {
            return false;
        }
        self.out[match route {
            LeakPath::Seizure => idx::SEIZURES,
            _ => idx::OPERATOR_HANDOVERS,
        }] += 1.0;
        let mut got = 0.0;
        let mut cls = found;
        while cls != 0 {
            let c = cls.trailing_zeros() as usize;
            cls &= cls - 1;
            let store = (source[c] != SEVERAL).then_some(source[c]);
            got += self.add_leak(&Leak {
                t,
                class: c,
                records: m.classes[c].records,
                route,
                recipient: j,
                actor: None,
                store,
            });
        }
        let outcome = match route {
            LeakPath::Seizure => "seized",
            _ => "handed_over",
        };
        self.trace(note(t, "demand", outcome).records(got).recipient(j));
        true
    }
}
