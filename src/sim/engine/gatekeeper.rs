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

/// The hours at which queued requests leave the queue, in order (a first-come first-served
/// queue: each request leaves after the one before it), as a ring buffer whose push takes no
/// branch on whether the request waits: its slot is written always and kept only if it does.
/// Requests that have left are dropped lazily, when the buffer is full (a test per request on
/// whether the oldest has left is a branch no predictor guesses); the backlog at any hour not
/// before the last drop is [`Exits::after`].
#[derive(Clone, Debug)]
pub(super) struct Exits {
    buf: Vec<f64>,
    head: usize,
    tail: usize,
}

impl Default for Exits {
    fn default() -> Self {
        Exits {
            buf: vec![0.0; 16],
            head: 0,
            tail: 0,
        }
    }
}

impl Exits {
    pub(super) fn clear(&mut self) {
        (self.head, self.tail) = (0, 0);
    }
    /// Requests in the queue.
    #[inline(always)]
    pub(super) fn len(&self) -> usize {
        self.tail - self.head
    }
    #[inline(always)]
    fn mask(&self) -> usize {
        self.buf.len() - 1
    }
    /// Drops the requests that have left by hour `t`.
    pub(super) fn leave_by(&mut self, t: f64) {
        while self.head != self.tail && self.buf[self.head & self.mask()] <= t {
            self.head += 1;
        }
    }
    /// Adds a request arriving at `t` and leaving at `exit` when `waits` (no branch on `waits`).
    #[inline(always)]
    pub(super) fn push_if(&mut self, t: f64, exit: f64, waits: bool) {
        if self.len() == self.buf.len() {
            self.make_room(t);
        }
        let m = self.mask();
        self.buf[self.tail & m] = exit;
        self.tail += waits as usize;
    }
    /// Drops the requests gone by `t`, and doubles the buffer if that frees nothing.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self, t: f64) {
        self.leave_by(t);
        if self.len() == self.buf.len() {
            self.grow();
        }
    }
    fn grow(&mut self) {
        let m = self.mask();
        let mut bigger = vec![0.0; 2 * self.buf.len()];
        for (k, slot) in bigger.iter_mut().take(self.len()).enumerate() {
            *slot = self.buf[(self.head + k) & m];
        }
        self.tail -= self.head;
        self.head = 0;
        self.buf = bigger;
    }
    /// Requests still in the queue at hour `end` (those leaving after it).
    pub(super) fn after(&self, end: f64) -> usize {
        let m = self.mask();
        // The exits are in order: the first one after `end` by bisection.
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.buf[(self.head + mid) & m] <= end {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        self.len() - lo
    }
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// Requests waiting in perimeter `p`'s review queue at hour `t` (not before the last
    /// request's arrival).
    pub(super) fn backlog(&self, p: usize, t: f64) -> usize {
        self.w.perims[p].exits.after(t)
    }

    /// Puts a request arriving at `t` in perimeter `p`'s review queue. Returns (hour it leaves
    /// the queue, whether it is reviewed (false: approved unreviewed after the bypass wait),
    /// hours it waits within the horizon).
    #[inline(always)]
    pub(super) fn enqueue(&mut self, p: usize, t: f64, review_hours: f64) -> (f64, bool, f64) {
        let gk = self.m.perimeters[p]
            .gatekeeper
            .as_ref()
            .expect("review needs a gatekeeper");
        let horizon = self.m.horizon;
        let ps = &mut self.w.perims[p];
        let earliest = ps.reviewers.earliest();
        let start = if earliest > t { earliest } else { t };
        if start - t > gk.bypass_after {
            let leave = t + gk.bypass_after;
            ps.exits.push_if(t, leave, leave > t);
            self.out[idx::BACKLOG_BYPASSED] += 1.0;
            let wait = if leave < horizon { leave } else { horizon } - t;
            return (leave, false, wait);
        }
        let end = start + review_hours;
        ps.reviewers.replace_earliest(end);
        ps.exits.push_if(t, start, start > t);
        if start < horizon {
            ps.busy += if end < horizon { end } else { horizon } - start;
        }
        let wait = if start < horizon { start } else { horizon } - t;
        self.wait_sum += wait;
        self.out[idx::REVIEWED_REQUESTS] += 1.0;
        (end, true, wait)
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
    fn exits_keep_their_order_through_growth() {
        let mut e = Exits::default();
        // Requests arriving at hour 0 (nothing leaves by then): the buffer grows.
        for k in 0..100 {
            e.push_if(0.0, k as f64, k % 3 != 0);
        }
        assert_eq!(e.len(), 66);
        assert_eq!(e.after(50.0), 32);
        e.leave_by(10.0);
        assert_eq!(e.len(), 66 - 7);
        // Arrivals later on: the full buffer drops what has left before growing.
        for k in 100..300 {
            e.push_if(k as f64 - 20.0, k as f64, true);
        }
        assert_eq!(e.after(279.5), 20);
        assert!(e.buf.len() <= 256, "{}", e.buf.len());
        e.clear();
        assert_eq!((e.len(), e.after(0.0)), (0, 0));
    }

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
