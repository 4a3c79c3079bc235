//! What a replication yields: the metric row and the records leaked per path and class.

use super::*;

/// Where leaked records went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeakPath {
    /// Taken by a malicious insider.
    Theft = 0,
    /// Seized by a state from stores in its jurisdiction.
    Seizure = 1,
    /// Taken by a member of a compellable actor on a state's order.
    CompelledTheft = 2,
}

impl LeakPath {
    /// All paths, in column order.
    pub const ALL: [LeakPath; 3] = [LeakPath::Theft, LeakPath::Seizure, LeakPath::CompelledTheft];

    /// The name used in `paths.csv`.
    pub fn name(self) -> &'static str {
        match self {
            LeakPath::Theft => "theft",
            LeakPath::Seizure => "seizure",
            LeakPath::CompelledTheft => "compelled_theft",
        }
    }
}

/// Results of one replication.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Metric row.
    pub metrics: Metrics,
    /// Records leaked per (path, class): `paths[path][class]`.
    pub paths: [Vec<f64>; 3],
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    pub(super) fn finish(mut self) -> Outcome {
        let m = self.m;
        let mut records = 0.0;
        let mut exposure = 0.0;
        let mut loss = 0.0;
        for (c, cm) in m.classes.iter().enumerate() {
            let l = self.w.leaked[c].round();
            records += l;
            exposure += l * cm.weight;
            loss += l * cm.loss_per_record;
        }
        let o = &mut self.out;
        o[idx::RECORDS_LEAKED] = records;
        o[idx::EXPOSURE] = exposure;
        o[idx::LOSS] = loss;
        o[idx::LEAKED] = if records > 0.0 { 1.0 } else { 0.0 };
        o[idx::MEAN_DETECT_HOURS] = if o[idx::DETECTED] > 0.0 {
            self.detect_sum / o[idx::DETECTED]
        } else {
            f64::NAN
        };
        o[idx::REVIEW_MEAN_WAIT_HOURS] = if self.queued > 0.0 {
            self.wait_sum / self.queued
        } else {
            f64::NAN
        };
        let c = &m.cost;
        let mut cost = c.legit_wait_per_hour * self.legit_wait_sum;
        o[idx::REVIEWER_UTILIZATION] = f64::NAN;
        if let Some(g) = &m.gatekeeper {
            let span = (m.horizon - g.from).max(0.0);
            if g.team > 0 && span > 0.0 {
                o[idx::REVIEWER_UTILIZATION] = self.busy / (g.team as f64 * span);
            }
            cost += c.reviewer * g.team as f64 * m.active_years(g.from);
        }
        if let Some(f) = &m.firewall {
            cost += c.firewall * m.active_years(f.from);
        }
        if let Some(e) = &m.enclave {
            cost += c.enclave * m.active_years(e.from);
        }
        if let Some(cr) = &m.code_review {
            cost += c.code_review * m.active_years(cr.from);
        }
        if let Some(a) = &m.audit {
            cost += c.audit * m.active_years(a.from);
        }
        if let Some(a) = &m.third_party_audit {
            cost += c.third_party_audit * m.active_years(a.from);
        }
        o[idx::CONTROL_COST] = cost;
        o[idx::TOTAL_COST] = cost + loss;
        let mut paths: [Vec<f64>; 3] = Default::default();
        for (dst, src) in paths.iter_mut().zip(self.w.paths.iter()) {
            dst.extend(src.iter().map(|x| x.round()));
        }
        Outcome {
            metrics: self.out,
            paths,
        }
    }
}
