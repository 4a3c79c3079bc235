//! Who obtains which records. Records taken are a random sample of the class: of `n` records
//! taken from `N`, a holder that already has `H` gets `n (N - H) / N` new ones (rounded; all the
//! rest when `n >= N`). This is kept for the union of all recipients (`records_leaked`), for each
//! recipient, for the question's recipients together, and for staff access, so that every count
//! is of distinct records and none exceeds `N`.

use super::*;

/// Records new to a holder that has `held` of `total` when `n` random records reach it.
#[inline]
pub(super) fn new_records(total: f64, held: f64, n: f64) -> f64 {
    if n >= total {
        total - held
    } else {
        round(n * (total - held) / total).min(total - held)
    }
}

/// Records reaching a recipient: `records` random records of `class` at hour `t`, by `route`,
/// from `actor` and `store` where they exist.
#[derive(Clone, Copy, Debug)]
pub(super) struct Leak {
    pub(super) t: f64,
    pub(super) class: usize,
    pub(super) records: f64,
    pub(super) route: LeakPath,
    pub(super) recipient: usize,
    pub(super) actor: Option<u32>,
    pub(super) store: Option<u32>,
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// `leak` happens: returns the records new to its recipient.
    pub(super) fn add_leak(&mut self, leak: &Leak) -> f64 {
        let (t, class, n, recipient) = (leak.t, leak.class, leak.records, leak.recipient);
        let total = self.m.classes[class].records;
        if total <= 0.0 || n <= 0.0 {
            return 0.0;
        }
        let w = &mut *self.w;
        let union = new_records(total, w.leaked[class], n);
        if union > 0.0 {
            w.leaked[class] += union;
            self.total_leaked += union;
            if self.out[idx::FIRST_LEAK_HOURS].is_nan() {
                self.out[idx::FIRST_LEAK_HOURS] = t;
            }
        }
        let q = &self.m.question;
        if q.classes & (1u64 << class) != 0 && q.recipients & (1u64 << recipient) != 0 {
            Self::ask(q, w, t, class, total, n);
        }
        let cell = class * self.m.recipients() + recipient;
        let new = new_records(total, w.got[cell], n);
        if new <= 0.0 {
            return 0.0;
        }
        w.got[cell] += new;
        let row = PathRow {
            route: leak.route,
            class: class as u32,
            recipient: recipient as u32,
            actor: leak.actor,
            store: leak.store,
            records: new,
        };
        match w.paths.iter_mut().find(|p| p.same_key(&row)) {
            Some(p) => p.records += new,
            None => w.paths.push(row),
        }
        new
    }

    /// Staff of actor `a` read `n` records of `class` through an approved legitimate request.
    pub(super) fn add_access(&mut self, t: f64, class: usize, a: usize, n: f64) {
        let total = self.m.classes[class].records;
        if total <= 0.0 || n <= 0.0 {
            return;
        }
        let j = self.m.actors[a].jurisdiction;
        let w = &mut *self.w;
        let cell = class * self.m.jurisdictions.len() + j;
        w.access[cell] += new_records(total, w.access[cell], n);
        w.access_any[class] += new_records(total, w.access_any[class], n);
        let q = &self.m.question;
        if q.include_access && q.classes & (1u64 << class) != 0 && q.recipients & (1u64 << j) != 0 {
            Self::ask(q, w, t, class, total, n);
        }
    }

    /// `n` random records of `class` (of `total`) reach the question's recipients at hour `t`:
    /// those new to them count in every measurement window that holds `t`.
    #[inline]
    fn ask(
        q: &crate::model::QuestionModel,
        w: &mut Workspace,
        t: f64,
        class: usize,
        total: f64,
        n: f64,
    ) {
        let new = new_records(total, w.asked[class], n);
        w.asked[class] += new;
        let nc = w.asked.len();
        for k in 0..q.windows.len() {
            if q.in_window(k, t) {
                w.window[k * nc + class] += new;
                if new > 0.0 {
                    w.cmc.reached(k);
                }
            }
        }
    }
}
