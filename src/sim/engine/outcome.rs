//! What a replication yields: the metric row, the records each recipient obtained by each route,
//! and the records staff read; and the end-of-replication accounting that fills them.

use super::*;

/// The route by which records left the owner's control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeakPath {
    /// Taken by a malicious insider.
    Theft = 0,
    /// Seized by a state from stores on its soil.
    Seizure = 1,
    /// Handed over by a company subject to the demanding state.
    CompelledOperator = 2,
    /// Taken through the controls by a member of a compellable actor, on a state's order.
    CompelledTheft = 3,
}

impl LeakPath {
    /// All routes, in column order.
    pub const ALL: [LeakPath; 4] = [
        LeakPath::Theft,
        LeakPath::Seizure,
        LeakPath::CompelledOperator,
        LeakPath::CompelledTheft,
    ];

    /// The name used in `paths.csv`.
    pub fn name(self) -> &'static str {
        match self {
            LeakPath::Theft => "theft",
            LeakPath::Seizure => "seizure",
            LeakPath::CompelledOperator => "compelled_operator",
            LeakPath::CompelledTheft => "compelled_theft",
        }
    }
}

/// Records one recipient obtained of one class by one route, from one actor and store where
/// they exist (a row of `paths.csv`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathRow {
    /// The route.
    pub route: LeakPath,
    /// Class index.
    pub class: u32,
    /// Recipient index: a jurisdiction's state, or `private` (the number of jurisdictions).
    pub recipient: u32,
    /// Actor index (none for seizure and compelled operator).
    pub actor: Option<u32>,
    /// Store index (none where several stores contributed at once).
    pub store: Option<u32>,
    /// Distinct records new to the recipient (a whole number).
    pub records: f64,
}

impl PathRow {
    /// Whether `self` and `o` describe the same (route, class, recipient, actor, store).
    #[inline]
    pub(super) fn same_key(&self, o: &PathRow) -> bool {
        self.route == o.route
            && self.class == o.class
            && self.recipient == o.recipient
            && self.actor == o.actor
            && self.store == o.store
    }
}

/// Results of one replication.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Metric row.
    pub metrics: Metrics,
    /// Records obtained per route, class, recipient, actor and store (records > 0), sorted.
    pub paths: Vec<PathRow>,
    /// Distinct records per (recipient, class), `reach[r * classes + c]`, then distinct records
    /// read by staff per (jurisdiction, class), `reach[(recipients + j) * classes + c]`.
    pub reach: Vec<f64>,
    /// Per named measurement window (`[question] also`): 1 if a record reached the question's
    /// recipients within it, else 0, then the records that did: `[reached, records]` each; then
    /// each window's conditional Monte Carlo estimate (`reached_cmc.NAME`).
    pub windows: Vec<f64>,
    /// Whether the replication went over its budget of events and stopped early (its figures
    /// are then incomplete and must not be used).
    pub over_budget: bool,
}

/// Records, exposure and loss of the records leaked, and of those that reached the question's
/// recipients within its window, summed over classes.
#[derive(Default)]
struct Totals {
    records: f64,
    exposure: f64,
    loss: f64,
    reached_records: f64,
    reached_exposure: f64,
    reached_loss: f64,
    accessed: f64,
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// The replication's results, from its counters and the workspace's sums.
    pub(super) fn finish(mut self) -> Outcome {
        let totals = self.totals();
        self.fill_records(&totals);
        self.fill_queue();
        let costs = self.m.costs(self.legit_wait_sum);
        let o = &mut self.out;
        o[idx::CONTROL_COST] = costs.control;
        o[idx::DELAY_COST] = costs.delay;
        o[idx::TOTAL_COST] = costs.total(totals.loss);
        Outcome {
            metrics: self.out,
            paths: self.sorted_paths(),
            reach: self.reach(),
            windows: self.window_values(),
            over_budget: false,
        }
    }

    /// The sums over classes of the records leaked, reached and read, weighted.
    fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for (c, cm) in self.m.classes.iter().enumerate() {
            let l = self.w.leaked[c];
            t.records += l;
            t.exposure += l * cm.weight;
            t.loss += l * cm.loss_per_record;
            let q = self.w.window[c];
            t.reached_records += q;
            t.reached_exposure += q * cm.weight;
            t.reached_loss += q * cm.loss_per_record;
            t.accessed += self.w.access_any[c];
        }
        t
    }

    /// The metrics of records: the question's answer, records leaked and read, exposure and loss,
    /// and the mean time to detection.
    fn fill_records(&mut self, t: &Totals) {
        let o = &mut self.out;
        o[idx::REACHED] = if t.reached_records > 0.0 { 1.0 } else { 0.0 };
        o[idx::REACHED_RECORDS] = t.reached_records;
        o[idx::REACHED_CMC] = self.w.cmc.sum[0];
        o[idx::REACHED_EXPOSURE] = t.reached_exposure;
        o[idx::REACHED_LOSS] = t.reached_loss;
        o[idx::RECORDS_LEAKED] = t.records;
        o[idx::EXPOSURE] = t.exposure;
        o[idx::LOSS] = t.loss;
        o[idx::LEAKED] = if t.records > 0.0 { 1.0 } else { 0.0 };
        o[idx::ACCESSED_RECORDS] = t.accessed;
        o[idx::MEAN_DETECT_HOURS] = if o[idx::DETECTED] > 0.0 {
            self.detect_sum / o[idx::DETECTED]
        } else {
            f64::NAN
        };
    }

    /// The metrics of the review queues: mean wait and the reviewers' utilization.
    fn fill_queue(&mut self) {
        let m = self.m;
        let o = &mut self.out;
        o[idx::REVIEW_MEAN_WAIT_HOURS] = if o[idx::REVIEWED_REQUESTS] > 0.0 {
            self.wait_sum / o[idx::REVIEWED_REQUESTS]
        } else {
            f64::NAN
        };
        let (mut busy, mut capacity) = (0.0, 0.0);
        for (p, ps) in m.perimeters.iter().zip(&self.w.perims) {
            if let Some(g) = &p.gatekeeper {
                busy += ps.busy;
                capacity += g.team as f64 * (m.horizon - g.from).max(0.0);
            }
        }
        o[idx::REVIEWER_UTILIZATION] = if capacity > 0.0 {
            busy / capacity
        } else {
            f64::NAN
        };
    }

    /// The path rows with records, in (route, class, recipient, actor, store) order.
    fn sorted_paths(&self) -> Vec<PathRow> {
        let mut paths: Vec<PathRow> = self
            .w
            .paths
            .iter()
            .filter(|p| p.records > 0.0)
            .copied()
            .collect();
        paths.sort_by(|a, b| {
            (a.route, a.class, a.recipient, a.actor, a.store).cmp(&(
                b.route,
                b.class,
                b.recipient,
                b.actor,
                b.store,
            ))
        });
        paths
    }

    /// Distinct records per (recipient, class), then read by staff per (jurisdiction, class).
    fn reach(&self) -> Vec<f64> {
        let m = self.m;
        let (nc, nr, nj) = (m.classes.len(), m.recipients(), m.jurisdictions.len());
        let mut reach = Vec::with_capacity((nr + nj) * nc);
        for r in 0..nr {
            reach.extend((0..nc).map(|c| self.w.got[c * nr + r]));
        }
        for j in 0..nj {
            reach.extend((0..nc).map(|c| self.w.access[c * nj + j]));
        }
        reach
    }

    /// Each named window's `[reached, records]`, then each one's conditional estimate.
    fn window_values(&self) -> Vec<f64> {
        let m = self.m;
        let nc = m.classes.len();
        let mut windows = Vec::with_capacity(3 * m.question.windows.len().saturating_sub(1));
        for k in 1..m.question.windows.len() {
            let r: f64 = self.w.window[k * nc..(k + 1) * nc].iter().sum();
            windows.push(if r > 0.0 { 1.0 } else { 0.0 });
            windows.push(r);
        }
        windows.extend_from_slice(self.w.cmc.sum.get(1..).unwrap_or(&[]));
        windows
    }

    /// The outcome of a replication stopped by its budget.
    pub(super) fn over_budget(self) -> Outcome {
        Outcome {
            metrics: self.out,
            paths: Vec::new(),
            reach: Vec::new(),
            windows: Vec::new(),
            over_budget: true,
        }
    }
}
