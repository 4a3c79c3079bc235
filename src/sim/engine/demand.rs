//! Compelled demands: seizure of readable stores on the state's soil, else a compelled member's
//! attempt.

use super::*;

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    pub(super) fn demand(&mut self, t: f64, j: usize) {
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
}
