//! Flows: periodic copies of classes between stores, and the egress firewall of the source
//! store's perimeter, which stops every copy to a store outside its `allow` except during a
//! breach window.

use super::*;

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    pub(super) fn flow(&mut self, t: f64, f: usize) {
        let fl = &self.m.flows[f];
        let next = t + fl.every;
        if next < fl.end {
            self.push(next, Kind::Flow, f as u32, 0.0);
        }
        let classes = self.w.holds[fl.from] & fl.classes;
        if classes == 0 || self.w.deleted[fl.to] {
            let to = Some(fl.to);
            self.trace(t, "flow", None, to, None, "nothing_to_copy", 0.0, None);
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
                let to = Some(fl.to);
                self.trace(t, "flow", None, to, None, "egress_blocked", 0.0, None);
                return;
            }
        }
        if self.w.holds[fl.to] & classes != classes {
            self.w.holds[fl.to] |= classes;
            self.refresh_holders();
        }
        self.trace(t, "flow", None, Some(fl.to), None, "copied", 0.0, None);
    }
}
