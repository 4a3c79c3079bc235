//! The gatekeeper team: one first-come first-served queue of `team_size` reviewers, computed
//! with the Kiefer-Wolfowitz recursion (a request's review start is known on arrival), and the
//! end of each review.

use super::*;
use state::Attempt;

/// A binary min-heap of reviewers' next free times, with a fixed size.
#[derive(Clone, Debug, Default)]
pub(super) struct Reviewers(Vec<f64>);

impl Reviewers {
    pub(super) fn reset(&mut self, n: usize) {
        self.0.clear();
        self.0.resize(n, 0.0);
    }
    #[inline]
    pub(super) fn earliest(&self) -> f64 {
        self.0.first().copied().unwrap_or(f64::INFINITY)
    }
    /// Replaces the earliest free time with `t` and restores the heap order.
    #[inline]
    pub(super) fn replace_earliest(&mut self, t: f64) {
        let h = &mut self.0;
        let n = h.len();
        let mut i = 0;
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let c = if r < n && h[r] < h[l] { r } else { l };
            if h[c] >= t {
                break;
            }
            h[i] = h[c];
            i = c;
        }
        h[i] = t;
    }
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// Puts a request arriving at `t` in perimeter `p`'s review queue. Returns (hour it leaves
    /// the queue, whether it is reviewed (false: approved unreviewed after the bypass wait),
    /// backlog on arrival, hours it waits within the horizon).
    #[inline(always)]
    pub(super) fn enqueue(
        &mut self,
        p: usize,
        t: f64,
        review_hours: f64,
    ) -> (f64, bool, usize, f64) {
        let gk = self.m.perimeters[p]
            .gatekeeper
            .as_ref()
            .expect("review needs a gatekeeper");
        let horizon = self.m.horizon;
        let ps = &mut self.w.perims[p];
        while ps.exits.front().is_some_and(|&e| e <= t) {
            ps.exits.pop_front();
        }
        let backlog = ps.exits.len();
        let earliest = ps.reviewers.earliest();
        let start = if earliest > t { earliest } else { t };
        if start - t > gk.bypass_after {
            let leave = t + gk.bypass_after;
            if leave > t {
                ps.exits.push_back(leave);
            }
            self.out[idx::BACKLOG_BYPASSED] += 1.0;
            let wait = if leave < horizon { leave } else { horizon } - t;
            return (leave, false, backlog, wait);
        }
        let end = start + review_hours;
        ps.reviewers.replace_earliest(end);
        if start > t {
            ps.exits.push_back(start);
        }
        if start < horizon {
            ps.busy += if end < horizon { end } else { horizon } - start;
        }
        let wait = if start < horizon { start } else { horizon } - t;
        self.wait_sum += wait;
        self.out[idx::REVIEWED_REQUESTS] += 1.0;
        (end, true, backlog, wait)
    }

    /// An illicit request's review ends: refused (its insider is removed) or approved.
    pub(super) fn review_done(&mut self, t: f64, slot: u32) {
        let p = self.w.pending[slot as usize];
        self.w.free_pending.push(slot);
        let at = Attempt { t, ..p.attempt };
        if let Who::Insider(i) = at.who {
            if !self.w.insiders[i as usize].active {
                return;
            }
        }
        if p.refused {
            self.out[idx::REFUSED_REVIEW] += 1.0;
            if let Who::Insider(i) = at.who {
                self.remove_insider(t, i as usize);
            }
            self.trace(at.note("review", "refused"));
            return;
        }
        self.trace(at.note("review", "approved"));
        if self.w.holds[at.store] & (1u64 << at.class) == 0 {
            // The store lost the class (deleted) while the request waited.
            self.out[idx::NO_DATA_ATTEMPTS] += 1.0;
            return;
        }
        self.exfiltrate(&at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reviewers_heap_keeps_the_minimum() {
        let mut r = Reviewers::default();
        r.reset(4);
        for t in [5.0, 3.0, 8.0, 1.0] {
            r.replace_earliest(t);
        }
        assert_eq!(r.earliest(), 1.0);
        r.replace_earliest(10.0);
        assert_eq!(r.earliest(), 3.0);
        r.replace_earliest(10.0);
        assert_eq!(r.earliest(), 5.0);
    }
}
