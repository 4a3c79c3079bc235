//! Flows: periodic copies of classes between stores, and the egress firewall of the source
//! store's perimeter, which stops every copy to a store outside its `allow` except during a
//! breach window.

use super::*;
use note::{note, Note};

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    pub(super) fn flow(&mut self, t: f64, f: usize) {
        let fl = &self.m.flows[f];
        let next = t + fl.every;
        if next < fl.end {
            self.push(next, Kind::Flow, f as u32, 0.0);
        }
        let classes = self.w.holds[fl.from] & fl.classes;
        if classes == 0 || self.w.deleted[fl.to] {
            self.trace(note(t, "flow", "nothing_to_copy").store(fl.to));
            return;
        }
        if fl.egress_filtered {
            let p = self.m.stores[fl.from].perimeter;
            let fw = self.m.perimeters[p]
                .firewall
                .as_ref()
                .expect("egress needs a firewall");
            if t >= fw.from && t >= self.w.perims[p].breach_until {
                self.out[idx::FLOWS_BLOCKED] += 1.0;
                self.trace(note(t, "flow", "egress_blocked").store(fl.to));
                return;
            }
        }
        if self.w.holds[fl.to] & classes != classes {
            self.w.holds[fl.to] |= classes;
            self.refresh_holders();
        }
        self.trace(note(t, "flow", "copied").store(fl.to));
    }
}
