//! The one definition of a replication's costs: `control_cost` (the controls, each paid for the
//! days it is active), `delay_cost` (legitimate work waiting for review), and `total_cost`.
//!
//! A control of a perimeter is active from its `from` day until its perimeter guards no store
//! any more (its last store deleted), within the horizon: approvers of stores deleted on day 120
//! are paid for 120 days. A perimeter that guards no store from the start costs nothing.

use super::{Model, HOURS_PER_YEAR};

/// A replication's costs, in currency units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Costs {
    /// Every control of every perimeter, prorated by the days it is active.
    pub control: f64,
    /// Legitimate waiting: hours waited x `legit_wait_per_hour`.
    pub delay: f64,
}

impl Costs {
    /// `total_cost`: `loss` + control + delay.
    pub fn total(&self, loss: f64) -> f64 {
        loss + self.control + self.delay
    }
}

impl Model {
    /// The hour perimeter `p` stops guarding any store: its last store's deletion (infinite if
    /// one is never deleted; 0 if it guards none).
    pub fn perimeter_end(&self, p: usize) -> f64 {
        self.stores
            .iter()
            .filter(|s| s.perimeter == p)
            .map(|s| s.delete_at.max(0.0))
            .fold(0.0, f64::max)
    }

    /// Years within the horizon that a control of perimeter `p` starting at hour `from` is active.
    pub fn control_years(&self, p: usize, from: f64) -> f64 {
        let end = self.perimeter_end(p).min(self.horizon);
        (end - from).max(0.0) / HOURS_PER_YEAR
    }

    /// The yearly cost of perimeter `p`'s controls while all are active.
    pub fn yearly_control_cost(&self, p: usize) -> f64 {
        self.control_cost_with(p, |_| 1.0)
    }

    /// Control costs over the horizon, and the cost of `wait_hours` of legitimate waiting.
    pub fn costs(&self, wait_hours: f64) -> Costs {
        let control = (0..self.perimeters.len())
            .map(|p| self.control_cost_with(p, |from| self.control_years(p, from)))
            .sum();
        Costs {
            control,
            delay: self.cost.legit_wait_per_hour * wait_hours,
        }
    }

    /// Perimeter `p`'s control costs, each yearly cost times `years(from)`.
    fn control_cost_with(&self, p: usize, years: impl Fn(f64) -> f64) -> f64 {
        let (c, pm) = (&self.cost, &self.perimeters[p]);
        let mut cost = 0.0;
        if let Some(g) = &pm.gatekeeper {
            cost += c.reviewer * g.team as f64 * years(g.from);
        }
        if let Some(f) = &pm.firewall {
            cost += c.firewall * years(f.from);
        }
        if let Some(e) = &pm.enclave {
            cost += c.enclave * years(e.from);
        }
        if let Some(x) = &pm.code_review {
            cost += c.code_review * years(x.from);
        }
        if let Some(a) = &pm.audit {
            cost += c.audit * years(a.from);
        }
        if let Some(a) = &pm.third_party_audit {
            cost += c.third_party_audit * years(a.from);
        }
        cost
    }
}
