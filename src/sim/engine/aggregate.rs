//! Legitimate requests drawn in aggregate where they can meet no review queue.
//!
//! An actor's legitimate requests are a Poisson process. Where none of them can reach a
//! gatekeeper, a request's only effects are sums (`legit_requests`, `legit_blocked`, the records
//! its staff read), so the requests of a span of time are drawn together: their number is
//! Poisson (rate x length), split over class and store by binomial draws with exactly the
//! probabilities of the one-by-one draw (16-bit arithmetic, [`cell_weight`]), and each approved
//! request reads its own records. A span ends wherever a request's fate could change: a store's
//! classes (flows, deletions; flushed before those events) and a firewall switching on.
//!
//! Which actors: from the hour [`Aggregated::from`] after which none of the actor's requests can
//! be reviewed (no reviewed store it could reach still exists, or no gatekeeper reviews it),
//! computed from every class a store could ever hold through flows. Before that hour its
//! requests are drawn one by one as always, so every reviewed request (and with it the queue
//! insiders share) is the same request, on the same draws. Never aggregated: when tracing,
//! when [`Model::aggregate_requests`] is off, and for an actor whose reads count toward the
//! question (`include_access`), whose order among leaks matters.

use super::*;
use rand_distr::Poisson;

/// Which actors' legitimate requests are drawn in aggregate, and since when.
#[derive(Default)]
pub(crate) struct Aggregated {
    /// Per actor: the hour its requests have been drawn in aggregate up to (NaN: one by one).
    since: Vec<f64>,
    /// Per actor: the hour from which none of its requests can be reviewed (infinite: never
    /// aggregated).
    from: Vec<f64>,
    /// Hours within the horizon at which a firewall switches on, sorted.
    cuts: Vec<f64>,
    /// Per class: the stores that could ever hold it (bit set).
    could_hold: Vec<u64>,
}

/// Of the 65 536 values of a 16-bit draw, how many pick item `k` of `n` (both for the class,
/// `(x * n) >> 16`, and for the store, [`access::pick_bit`] of `x / 65536`): the `x` with
/// `k * 65536 <= x * n < (k + 1) * 65536`.
pub(super) fn cell_weight(k: u64, n: u64) -> u64 {
    ((k + 1) * 65_536).div_ceil(n) - (k * 65_536).div_ceil(n)
}

/// Splits `count` draws over `n` cells weighted by [`cell_weight`] (sequential binomials),
/// calling `each(cell, count)` for the cells that get any.
fn split(s: &mut Stream, count: u64, n: u64, mut each: impl FnMut(&mut Stream, usize, u64)) {
    let (mut left, mut mass) = (count, 65_536u64);
    for k in 0..n {
        if left == 0 {
            return;
        }
        let w = cell_weight(k, n);
        let got = if w >= mass {
            left
        } else {
            Binomial::new(left, w as f64 / mass as f64)
                .map(|b| b.sample(s))
                .unwrap_or(0)
        };
        mass -= w;
        left -= got;
        if got > 0 {
            each(s, k as usize, got);
        }
    }
}

impl Aggregated {
    /// Whether actor `a`'s requests are drawn in aggregate now.
    #[inline]
    pub(super) fn aggregated(&self, a: usize) -> bool {
        !self.since[a].is_nan()
    }

    /// The hour from which actor `a`'s requests are drawn in aggregate (infinite: never).
    pub(super) fn from(&self, a: usize) -> f64 {
        self.from[a]
    }
}

impl<T: Tracer, L: DayObserver> Sim<'_, T, L> {
    /// Decides, for a new replication, from when each actor's requests are aggregated.
    pub(super) fn init_aggregate(&mut self) {
        let m = self.m;
        let on = m.aggregate_requests && !T::ON;
        let mut could_hold = std::mem::take(&mut self.w.agg.could_hold);
        self.could_hold(&mut could_hold);
        let agg = &mut self.w.agg;
        agg.since.clear();
        agg.from.clear();
        agg.cuts.clear();
        for a in 0..m.actors.len() {
            let from = if on {
                queue_free_from(m, a, &could_hold)
            } else {
                f64::INFINITY
            };
            agg.from.push(from);
            agg.since.push(if from <= 0.0 { 0.0 } else { f64::NAN });
        }
        agg.could_hold = could_hold;
        for p in &m.perimeters {
            if let Some(fw) = p.firewall.as_ref().filter(|f| f.from > 0.0) {
                if fw.from < m.horizon {
                    agg.cuts.push(fw.from);
                }
            }
        }
        agg.cuts.sort_by(f64::total_cmp);
    }

    /// Per class, every store that could hold it: its first holders, and the stores flows could
    /// copy it to (whenever they run, whatever blocks them).
    fn could_hold(&self, out: &mut Vec<u64>) {
        let m = self.m;
        out.clear();
        out.resize(m.classes.len(), 0);
        for (si, s) in m.stores.iter().enumerate() {
            for (c, bits) in out.iter_mut().enumerate() {
                if s.initial_classes & (1u64 << c) != 0 {
                    *bits |= 1u64 << si;
                }
            }
        }
        let mut changed = true;
        while changed {
            changed = false;
            for f in &m.flows {
                for (c, bits) in out.iter_mut().enumerate() {
                    let moves = f.classes & (1u64 << c) != 0 && *bits & (1u64 << f.from) != 0;
                    if moves && *bits & (1u64 << f.to) == 0 {
                        *bits |= 1u64 << f.to;
                        changed = true;
                    }
                }
            }
        }
    }

    /// A legitimate arrival of actor `a` at `t` that is not a request: the hour its requests
    /// start being drawn in aggregate (`switch`: the arrival pushed for [`Aggregated::from`]), or
    /// its one-by-one request pending then, which is dropped. Exact: the time to an actor's next
    /// request is memoryless, so its requests from a fixed hour on are a Poisson process of their
    /// own.
    pub(super) fn aggregate_from(&mut self, t: f64, a: usize, switch: bool) {
        if switch {
            self.w.agg.since[a] = t;
        }
    }

    /// Draws every aggregated actor's requests up to hour `t` (a store's classes may change
    /// at `t`: what came before is drawn with the stores as they were). False if the
    /// replication went over its budget.
    pub(super) fn flush_aggregated(&mut self, t: f64) -> bool {
        let end = t.min(self.m.horizon);
        for a in 0..self.w.agg.since.len() {
            let since = self.w.agg.since[a];
            if since < end {
                self.aggregate_span(a, since, end);
                self.w.agg.since[a] = end;
            }
        }
        self.out[idx::EVENTS] <= self.limit
    }

    /// Actor `a`'s requests in `[u, v)`: their number (one Poisson draw from its arrival stream,
    /// whatever the controls, so paired scenarios count the same requests), then shared among
    /// the pieces between firewalls switching on (binomial draws on their lengths, from its
    /// choice stream).
    fn aggregate_span(&mut self, a: usize, mut u: f64, v: f64) {
        let mean = self.m.actors[a].legit_rate * (v - u);
        let streams = &mut self.w.actors[a];
        let mut left = match Poisson::new(mean) {
            Ok(p) if mean > 0.0 => p.sample(&mut streams.arrivals) as u64,
            _ => 0,
        };
        self.out[idx::LEGIT_REQUESTS] += left as f64;
        self.out[idx::EVENTS] += left as f64;
        let first = self.w.agg.cuts.partition_point(|&c| c <= u);
        for k in first..self.w.agg.cuts.len() {
            let cut = self.w.agg.cuts[k];
            if cut >= v || left == 0 {
                break;
            }
            let share = (cut - u) / (v - u);
            let n = Binomial::new(left, share)
                .map(|b| b.sample(&mut self.w.actors[a].choice))
                .unwrap_or(0);
            self.aggregate_piece(a, u, n);
            left -= n;
            u = cut;
        }
        self.aggregate_piece(a, u, left);
    }

    /// `n` requests of actor `a` in a piece from `u` where every request's fate is that of one
    /// at `u`: their classes and stores, then what each approved one reads.
    fn aggregate_piece(&mut self, a: usize, u: f64, n: u64) {
        let m = self.m;
        let actor = &m.actors[a];
        let streams = &mut self.w.actors[a];
        if n == 0 || actor.classes.is_empty() {
            return;
        }
        let mut choice = std::mem::replace(&mut streams.choice, Stream::from_seed(0));
        let nclasses = actor.classes.len() as u64;
        split(&mut choice, n, nclasses, |s, k, count| {
            let class = actor.classes[k] as usize;
            let candidates = self.w.holders[class] & actor.reaches;
            if candidates == 0 {
                return;
            }
            let stores = candidates.count_ones() as u64;
            split(s, count, stores, |s, j, count| {
                let mut bits = candidates;
                for _ in 0..j {
                    bits &= bits - 1;
                }
                let store = bits.trailing_zeros() as usize;
                self.aggregate_cell(s, u, a, class, store, count);
            });
        });
        self.w.actors[a].choice = choice;
    }

    /// `count` requests of actor `a` for `class` in `store`, with the fate of one at `u`:
    /// blocked by the firewall, or approved, each reading its own records.
    fn aggregate_cell(
        &mut self,
        s: &mut Stream,
        u: f64,
        a: usize,
        class: usize,
        store: usize,
        count: u64,
    ) {
        let m = self.m;
        let p = m.stores[store].perimeter;
        let pm = &m.perimeters[p];
        let bit = 1u64 << class;
        debug_assert!(pm.review[a] & bit == 0 || !self.gatekeeper_active(p, u));
        if pm.outside[a] & bit != 0 && self.firewall_active(p, u) {
            self.out[idx::LEGIT_BLOCKED] += count as f64;
            return;
        }
        let actor = &m.actors[a];
        if !actor.reads {
            return;
        }
        let total = m.classes[class].records;
        let cell = class * m.jurisdictions.len() + actor.jurisdiction;
        for _ in 0..count {
            if self.w.access[cell] >= total && self.w.access_any[class] >= total {
                // Every later read adds nothing (the question does not count these reads).
                return;
            }
            let seed = s.next_u64() as u32;
            let n = self.w.reads[a].draw(seed);
            self.add_access(u, class, a, n);
        }
    }
}

/// The hour from which none of actor `a`'s requests can be reviewed: 0 if none ever can,
/// the last deletion of a reviewed store it could reach otherwise (infinite if one stays), and
/// infinite if its reads count toward the question.
fn queue_free_from(m: &Model, a: usize, could_hold: &[u64]) -> f64 {
    let actor = &m.actors[a];
    let q = &m.question;
    let wanted = actor.classes.iter().fold(0u64, |w, &c| w | (1u64 << c));
    if q.include_access
        && q.classes & wanted != 0
        && q.recipients & (1u64 << actor.jurisdiction) != 0
    {
        return f64::INFINITY;
    }
    let mut from = 0.0f64;
    for &c in &actor.classes {
        let c = c as usize;
        let mut bits = could_hold[c] & actor.reaches;
        while bits != 0 {
            let s = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let store = &m.stores[s];
            let pm = &m.perimeters[store.perimeter];
            let Some(g) = pm.gatekeeper.as_ref() else {
                continue;
            };
            if pm.review[a] & (1u64 << c) != 0 && g.from <= m.horizon && store.delete_at > g.from {
                from = from.max(store.delete_at);
            }
        }
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The weights are those of the one-by-one draw: counted over all 65 536 values.
    #[test]
    fn cell_weights_match_the_sixteen_bit_draws() {
        for n in 1..=64u64 {
            let mut class = vec![0u64; n as usize];
            let mut store = vec![0u64; n as usize];
            let bits = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
            for x in 0..65_536u64 {
                class[((x * n) >> 16) as usize] += 1;
                store[access::pick_bit(bits, x as f64 / 65_536.0)] += 1;
            }
            for k in 0..n {
                assert_eq!(class[k as usize], cell_weight(k, n), "class {k} of {n}");
                assert_eq!(store[k as usize], cell_weight(k, n), "store {k} of {n}");
            }
        }
    }
}
