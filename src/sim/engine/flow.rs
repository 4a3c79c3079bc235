//! Flows: periodic copies of classes between stores, and the egress firewall.

use super::*;

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    pub(super) fn flow(&mut self, t: f64, f: usize) {
        let fl = &self.m.flows[f];
        let next = t + fl.every;
        if next < fl.end {
            self.push(next, Kind::Flow, f as u32, 0.0);
        }
        let u = self.w.flows[f].uniform();
        let classes = self.w.holds[fl.from] & fl.classes;
        if classes == 0 || self.w.deleted[fl.to] {
            self.trace(t, "flow", None, Some(fl.to), None, "nothing_to_copy", 0.0);
            return;
        }
        if let Some(fw) = &self.m.firewall {
            if fw.egress
                && fl.egress_outside
                && t >= fw.from
                && t >= self.breach_until
                && u < fw.block
            {
                self.out[idx::FLOWS_BLOCKED] += 1.0;
                self.trace(t, "flow", None, Some(fl.to), None, "egress_blocked", 0.0);
                return;
            }
        }
        if self.w.holds[fl.to] & classes != classes {
            self.w.holds[fl.to] |= classes;
            self.refresh_holders();
        }
        self.trace(t, "flow", None, Some(fl.to), None, "copied", 0.0);
    }
}
