//! Daily timelines across replications, accumulated in constant memory.
//!
//! For each day, the cumulative records leaked and the review backlog of every replication are
//! added to integer sums and to fixed logarithmic histograms. Integer accumulation makes the result
//! independent of the order in which threads merge their parts (same seed, same bytes), and memory
//! depends on the number of days, not on the number of replications.

use super::observe::DayObserver;

/// Histogram bins per decade.
const PER_DECADE: f64 = 20.0;
/// Bins: one for zero, then 20 per decade from 1 to 1e15.
const BINS: usize = 1 + 15 * 20;

fn bin(v: f64) -> usize {
    if v < 1.0 {
        0
    } else {
        (1 + (v.log10() * PER_DECADE) as usize).min(BINS - 1)
    }
}

/// One series (records leaked, or backlog): integer sums and histograms per day, kept as
/// differences from the day before (`d[day] = x[day] - x[day - 1]`, wrapping), so that a span of
/// days with one value costs two additions, whatever its length. The histograms are stored bin by
/// bin (`hist[bin * (days + 1) + day]`). Wrapping sums are exact: every true total fits its type.
/// Consecutive spans of one value (a quiet replication between its events) are joined before they
/// are added.
#[derive(Clone, Debug, PartialEq)]
struct Series {
    days: usize,
    sum: Vec<u128>,
    hist: Vec<u32>,
    /// The last value added and its bin (values repeat from day to day: no logarithm then).
    last: (f64, usize),
    /// Days `from..to` of one value, not yet added.
    pending: (usize, usize, f64),
}

/// A series' totals per day: sums, and histograms bin by bin (`hist[bin * days + day]`).
struct Totals {
    sum: Vec<u128>,
    hist: Vec<u32>,
}

impl Series {
    fn new(days: usize) -> Self {
        Series {
            days,
            sum: vec![0; days + 1],
            hist: vec![0; (days + 1) * BINS],
            last: (0.0, 0),
            pending: (0, 0, 0.0),
        }
    }
    /// Adds `v` to day `day`.
    fn add(&mut self, day: usize, v: f64) {
        self.add_span(day, day + 1, v);
    }
    /// Adds the same value `v` to days `from..to` (at most `days`).
    fn add_span(&mut self, from: usize, to: usize, v: f64) {
        let v = v.round().max(0.0);
        let (_, end, value) = self.pending;
        if from == end && v == value {
            self.pending.1 = to;
        } else {
            self.flush();
            self.pending = (from, to, v);
        }
    }
    /// Adds the pending span.
    fn flush(&mut self) {
        let (from, to, v) = std::mem::replace(&mut self.pending, (0, 0, 0.0));
        if from < to {
            self.add_differences(from, to, v);
        }
    }
    /// Adds whole value `v` to days `from..to`, as differences.
    fn add_differences(&mut self, from: usize, to: usize, v: f64) {
        // A whole number below 2^64 converts faster through u64.
        let whole = if v < 1.8e19 {
            v as u64 as u128
        } else {
            v as u128
        };
        self.sum[from] = self.sum[from].wrapping_add(whole);
        self.sum[to] = self.sum[to].wrapping_sub(whole);
        if v != self.last.0 {
            self.last = (v, bin(v));
        }
        let row = self.last.1 * (self.days + 1);
        self.hist[row + from] = self.hist[row + from].wrapping_add(1);
        self.hist[row + to] = self.hist[row + to].wrapping_sub(1);
    }
    fn merge(&mut self, o: &Series) {
        self.flush();
        for (a, b) in self.sum.iter_mut().zip(&o.sum) {
            *a = a.wrapping_add(*b);
        }
        for (a, b) in self.hist.iter_mut().zip(&o.hist) {
            *a = a.wrapping_add(*b);
        }
        let (from, to, v) = o.pending;
        if from < to {
            self.add_differences(from, to, v);
        }
    }
    /// The totals of each day (running sums of the differences).
    fn totals(&self) -> Totals {
        if self.pending.0 < self.pending.1 {
            let mut done = self.clone();
            done.flush();
            return done.totals();
        }
        let d = self.days;
        let mut sum = Vec::with_capacity(d);
        let mut acc = 0u128;
        for v in &self.sum[..d] {
            acc = acc.wrapping_add(*v);
            sum.push(acc);
        }
        let mut hist = Vec::with_capacity(d * BINS);
        for row in self.hist.chunks_exact(d + 1) {
            let mut acc = 0u32;
            for v in &row[..d] {
                acc = acc.wrapping_add(*v);
                hist.push(acc);
            }
        }
        Totals { sum, hist }
    }
    /// A series whose days total `t` (the inverse of [`Series::totals`]).
    fn from_totals(days: usize, t: &Totals) -> Series {
        let mut s = Series::new(days);
        let mut prev = 0u128;
        for (d, v) in t.sum.iter().enumerate() {
            s.sum[d] = v.wrapping_sub(prev);
            prev = *v;
        }
        s.sum[days] = 0u128.wrapping_sub(prev);
        for (b, row) in t.hist.chunks_exact(days.max(1)).enumerate() {
            let mut prev = 0u32;
            for (d, v) in row.iter().enumerate() {
                s.hist[b * (days + 1) + d] = v.wrapping_sub(prev);
                prev = *v;
            }
            s.hist[b * (days + 1) + days] = 0u32.wrapping_sub(prev);
        }
        s
    }
}

impl Totals {
    /// The `q` quantile of day `day` (log-linear interpolation inside a bin).
    fn quantile(&self, day: usize, q: f64, n: u64) -> f64 {
        if n == 0 {
            return f64::NAN;
        }
        let days = self.sum.len();
        let h = (0..BINS).map(|b| self.hist[b * days + day]);
        let target = q * n as f64;
        let mut cum = 0.0;
        for (k, c) in h.enumerate() {
            let next = cum + c as f64;
            if next >= target && c > 0 {
                if k == 0 {
                    return 0.0;
                }
                let frac = ((target - cum) / c as f64).clamp(0.0, 1.0);
                let lo = (k - 1) as f64 / PER_DECADE;
                return 10f64.powf(lo + frac / PER_DECADE);
            }
            cum = next;
        }
        f64::NAN
    }
}

/// Timelines of a run: per day, the distribution of records leaked so far and of the backlog.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    days: usize,
    reps: u64,
    leaked: Series,
    backlog: Series,
}

/// One row of `timeline.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineRow {
    /// Day (0-based); values are at its end.
    pub day: usize,
    /// Mean cumulative records leaked.
    pub leaked_mean: f64,
    /// 5th percentile (histogram estimate, within 6%).
    pub leaked_p05: f64,
    /// 95th percentile.
    pub leaked_p95: f64,
    /// Mean requests waiting for review.
    pub backlog_mean: f64,
    /// 95th percentile of the backlog.
    pub backlog_p95: f64,
}

impl Timeline {
    /// An empty timeline of `days` days.
    pub fn new(days: usize) -> Self {
        Timeline {
            days,
            reps: 0,
            leaked: Series::new(days),
            backlog: Series::new(days),
        }
    }

    /// Adds another part (from another thread or batch).
    pub fn merge(&mut self, o: &Timeline) {
        self.reps += o.reps;
        self.leaked.merge(&o.leaked);
        self.backlog.merge(&o.backlog);
    }

    /// Counts one finished replication.
    pub fn finish_replication(&mut self) {
        self.leaked.flush();
        self.backlog.flush();
        self.reps += 1;
    }

    /// Replications accumulated.
    pub fn replications(&self) -> u64 {
        self.reps
    }

    /// The timeline as bytes (days, replications, then each series' sums and histograms,
    /// little-endian), for a shard folder.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&(self.days as u64).to_le_bytes());
        b.extend_from_slice(&self.reps.to_le_bytes());
        for s in [&self.leaked, &self.backlog] {
            let t = s.totals();
            t.sum
                .iter()
                .for_each(|v| b.extend_from_slice(&v.to_le_bytes()));
            t.hist
                .iter()
                .for_each(|v| b.extend_from_slice(&v.to_le_bytes()));
        }
        b
    }

    /// The length of [`Timeline::to_bytes`] for `days` days (None past the address space).
    pub fn bytes_for(days: usize) -> Option<u64> {
        let per_series = (days as u64).checked_mul(16 + BINS as u64 * 4)?;
        per_series.checked_mul(2)?.checked_add(16)
    }

    /// A timeline read back from [`Timeline::to_bytes`]; None if the bytes are not one (a wrong
    /// length, or a day whose histogram counts more replications than the timeline holds).
    pub fn from_bytes(b: &[u8]) -> Option<Timeline> {
        let days = usize::try_from(u64::from_le_bytes(b.get(..8)?.try_into().ok()?)).ok()?;
        let reps = u64::from_le_bytes(b.get(8..16)?.try_into().ok()?);
        if Timeline::bytes_for(days)? != b.len() as u64 {
            return None;
        }
        let per_series = days * (16 + BINS * 4);
        for s in 0..2 {
            let hist = &b[16 + s * per_series + days * 16..16 + (s + 1) * per_series];
            for day in 0..days {
                let count: u64 = (0..BINS)
                    .map(|bin| {
                        let at = (bin * days + day) * 4;
                        u64::from(u32::from_le_bytes(
                            hist[at..at + 4].try_into().expect("4 bytes"),
                        ))
                    })
                    .sum();
                if count > reps {
                    return None;
                }
            }
        }
        let mut at = 16;
        let mut series = || -> Option<Series> {
            let mut t = Totals {
                sum: Vec::with_capacity(days),
                hist: Vec::with_capacity(days * BINS),
            };
            for _ in 0..days {
                t.sum
                    .push(u128::from_le_bytes(b[at..at + 16].try_into().ok()?));
                at += 16;
            }
            for _ in 0..days * BINS {
                t.hist
                    .push(u32::from_le_bytes(b[at..at + 4].try_into().ok()?));
                at += 4;
            }
            Some(Series::from_totals(days, &t))
        };
        let leaked = series()?;
        let backlog = series()?;
        Some(Timeline {
            days,
            reps,
            leaked,
            backlog,
        })
    }

    /// Days covered.
    pub fn days(&self) -> usize {
        self.days
    }

    /// The rows of `timeline.csv`.
    pub fn rows(&self) -> Vec<TimelineRow> {
        let n = self.reps.max(1) as f64;
        let (leaked, backlog) = (self.leaked.totals(), self.backlog.totals());
        (0..self.days)
            .map(|d| TimelineRow {
                day: d,
                leaked_mean: leaked.sum[d] as f64 / n,
                leaked_p05: leaked.quantile(d, 0.05, self.reps),
                leaked_p95: leaked.quantile(d, 0.95, self.reps),
                backlog_mean: backlog.sum[d] as f64 / n,
                backlog_p95: backlog.quantile(d, 0.95, self.reps),
            })
            .collect()
    }
}

impl DayObserver for Timeline {
    const ON: bool = true;
    #[inline]
    fn day_end(&mut self, day: usize, records_leaked: f64, backlog: usize) {
        if day < self.days {
            self.leaked.add(day, records_leaked);
            self.backlog.add(day, backlog as f64);
        }
    }
    #[inline]
    fn days_end(&mut self, days: std::ops::Range<usize>, records_leaked: f64, backlog: usize) {
        let to = days.end.min(self.days);
        if days.start < to {
            self.leaked.add_span(days.start, to, records_leaked);
            self.backlog.add_span(days.start, to, backlog as f64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_from_histograms_are_close() {
        let mut t = Timeline::new(1);
        for v in 1..=1000 {
            t.day_end(0, v as f64, 0);
            t.finish_replication();
        }
        let r = &t.rows()[0];
        assert_eq!(r.leaked_mean, 500.5);
        assert!(
            (r.leaked_p95 / 950.0 - 1.0).abs() < 0.06,
            "{}",
            r.leaked_p95
        );
        assert!((r.leaked_p05 / 50.0 - 1.0).abs() < 0.06, "{}", r.leaked_p05);
        assert_eq!(r.backlog_p95, 0.0);
    }

    #[test]
    fn a_span_of_days_counts_as_each_day_would() {
        let (mut one, mut span) = (Timeline::new(10), Timeline::new(10));
        for (from, to, leaked, backlog) in [(0, 3, 0.0, 2), (3, 7, 1234.4, 0), (7, 12, 5e6, 1)] {
            for d in from..to {
                one.day_end(d, leaked, backlog);
            }
            span.days_end(from..to, leaked, backlog);
        }
        assert_eq!(one.to_bytes(), span.to_bytes());
    }

    #[test]
    fn differences_give_exact_totals_for_huge_values_and_read_back() {
        let mut t = Timeline::new(4);
        t.days_end(1..4, 3e30, 7);
        t.day_end(0, 2.0, 0);
        t.finish_replication();
        let mut u = Timeline::new(4);
        u.days_end(0..2, 5.0, 1);
        u.days_end(2..4, 6.0, 0);
        u.finish_replication();
        t.merge(&u);
        let rows = t.rows();
        assert_eq!(rows[0].leaked_mean, 3.5);
        assert_eq!(rows[1].leaked_mean, (3e30_f64 as u128 + 5) as f64 / 2.0);
        assert_eq!(rows[3].leaked_mean, (3e30_f64 as u128 + 6) as f64 / 2.0);
        assert_eq!(rows[0].backlog_mean, 0.5);
        assert_eq!(rows[1].backlog_mean, 4.0);
        assert_eq!(rows[2].backlog_mean, 3.5);
        let back = Timeline::from_bytes(&t.to_bytes()).expect("read back");
        assert_eq!((back.rows(), back.to_bytes()), (rows, t.to_bytes()));
    }

    #[test]
    fn merging_is_order_independent() {
        let mut a = Timeline::new(2);
        let mut b = Timeline::new(2);
        for d in 0..2 {
            a.day_end(d, 10.0 * (d + 1) as f64, 1);
            b.day_end(d, 1e6, 3);
        }
        a.finish_replication();
        b.finish_replication();
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab.rows(), ba.rows());
        let back = Timeline::from_bytes(&ab.to_bytes()).expect("read back");
        assert_eq!((back.rows(), back.to_bytes()), (ab.rows(), ab.to_bytes()));
        assert!(Timeline::from_bytes(&ab.to_bytes()[1..]).is_none());
        assert_eq!(ab.replications(), ba.replications());
    }
}
