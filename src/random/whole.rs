//! Whole numbers drawn from a distribution by a 32-bit seed (the records a request reads):
//! `round(draw)`, never below 0. [`WholeDraws`] looks them up in a table wherever one value holds
//! for a whole cell of seeds, and computes them elsewhere: the same numbers, bit for bit, at a
//! fraction of the cost of a quantile and an exponential per draw.

use super::Dist;

/// Seeds per cell: 2^20, so 4,096 cells cover the 32-bit seeds.
const SHIFT: u32 = 20;

/// How far from a half-integer both ends of a cell must be (relative to the value) for the cell
/// to hold one value: far above the error of the quantile functions (1.2e-9 for the normal), so
/// that the few-ulp departures of floating point from a monotone function cannot move a seed
/// inside the cell to another whole number.
const MARGIN: f64 = 1e-6;

/// `x.round()`, computed inline for positive values below 2^52 (where the fractional part is
/// exact) and by the library elsewhere: the same bits as `f64::round` for every input.
#[inline(always)]
pub fn round(x: f64) -> f64 {
    if x > 0.0 && x < 4_503_599_627_370_496.0 {
        let t = x as u64 as f64;
        if x - t >= 0.5 {
            t + 1.0
        } else {
            t
        }
    } else {
        x.round()
    }
}

/// The whole number seed `seed` draws from `d`: its seeded draw, rounded, never below 0.
#[inline]
pub fn whole_draw(d: &Dist, seed: u32) -> f64 {
    round(d.sample_seeded(seed)).max(0.0)
}

/// [`whole_draw`] of one distribution, by table where a cell of seeds has one value.
#[derive(Clone, Debug)]
pub struct WholeDraws {
    dist: Dist,
    /// Per cell: its one value, or NaN where it is computed seed by seed.
    cells: Vec<f64>,
}

impl WholeDraws {
    /// The draws of `d`, with a table if `tabled` (else every draw is computed). Only a
    /// distribution whose seeded draw is its quantile at the seed (a non-decreasing function of
    /// it) gets cells; any other is computed seed by seed.
    pub fn new(d: &Dist, tabled: bool) -> Self {
        let mut t = Self {
            dist: d.clone(),
            cells: Vec::new(),
        };
        t.fill(tabled);
        t
    }

    /// Makes this the draws of `d` (tabled if `tabled`), keeping its memory, and doing nothing
    /// when it already is.
    pub fn set(&mut self, d: &Dist, tabled: bool) {
        if self.is_of(d) && (tabled != self.cells.is_empty() || !quantile_draw(d)) {
            return;
        }
        self.dist = d.clone();
        self.fill(tabled);
    }

    fn fill(&mut self, tabled: bool) {
        self.cells.clear();
        if tabled && quantile_draw(&self.dist) {
            let d = &self.dist;
            self.cells.extend((0..1u32 << (32 - SHIFT)).map(|i| {
                let (lo, hi) = (i << SHIFT, (i << SHIFT) | ((1 << SHIFT) - 1));
                one_value(d, lo, hi).unwrap_or(f64::NAN)
            }));
        }
    }

    /// Whether this is the table of `d`.
    pub fn is_of(&self, d: &Dist) -> bool {
        self.dist == *d
    }

    /// [`whole_draw`] of the table's distribution at `seed`.
    #[inline(always)]
    pub fn draw(&self, seed: u32) -> f64 {
        match self.cells.get((seed >> SHIFT) as usize) {
            Some(&v) if !v.is_nan() => v,
            _ => whole_draw(&self.dist, seed),
        }
    }

    /// The share of seeds the table answers (for tests and benchmarks).
    pub fn coverage(&self) -> f64 {
        let held = self.cells.iter().filter(|v| !v.is_nan()).count();
        held as f64 / (1u64 << (32 - SHIFT)) as f64
    }
}

/// Whether `d`'s seeded draw is its quantile at the seed.
fn quantile_draw(d: &Dist) -> bool {
    matches!(
        d,
        Dist::Constant(_)
            | Dist::Exponential { .. }
            | Dist::Uniform { .. }
            | Dist::Triangular { .. }
            | Dist::LogNormal { .. }
    )
}

/// The one whole number every seed of `lo..=hi` draws from `d`, if both ends draw positive,
/// finite values that round alike and lie clear of the half-integers between which they round.
fn one_value(d: &Dist, lo: u32, hi: u32) -> Option<f64> {
    let (a, b) = (d.sample_seeded(lo), d.sample_seeded(hi));
    let clear = |x: f64| {
        let frac = x - x.floor();
        (frac - 0.5).abs() > MARGIN * x.max(1.0)
    };
    let ok = a.is_finite() && b.is_finite() && 0.0 < a && a <= b;
    (ok && clear(a) && clear(b) && round(a) == round(b)).then(|| whole_draw(d, lo))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{SourceId, Stream};
    use rand::RngCore;

    #[test]
    fn round_gives_the_bits_of_the_library() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            0.49999999999999994,
            1.5,
            2.5,
            -2.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MIN_POSITIVE,
        ];
        let mut rng = Stream::new(1, 0, SourceId::keyed(0xAB, 1, 0));
        for _ in 0..200_000 {
            let scale = 10f64.powi((rng.uniform() * 20.0) as i32 - 3);
            values.push((rng.uniform() - 0.1) * scale);
            values.push((rng.uniform() * 1e6).floor() + 0.5);
        }
        for x in values {
            assert_eq!(round(x).to_bits(), x.round().to_bits(), "{x:e}");
        }
    }

    /// Every seed of the cells `cells` of `d`, and a spread of seeds over all cells, draw the
    /// same from the table as computed.
    fn same_as_computed(d: &Dist, cells: std::ops::Range<u32>) -> WholeDraws {
        let table = WholeDraws::new(d, true);
        for seed in (cells.start << SHIFT)..(cells.end << SHIFT) {
            assert_eq!(
                table.draw(seed).to_bits(),
                whole_draw(d, seed).to_bits(),
                "{d:?} {seed}"
            );
        }
        let mut rng = Stream::new(2, 0, SourceId::keyed(0xAB, 2, 0));
        for _ in 0..1_000_000 {
            let seed = rng.next_u64() as u32;
            assert_eq!(
                table.draw(seed).to_bits(),
                whole_draw(d, seed).to_bits(),
                "{d:?} {seed}"
            );
        }
        table
    }

    #[test]
    fn the_table_draws_what_is_computed() {
        // The shipped records per request (median 20, sigma 1), around its median and in both
        // tails, whole cells; then other shapes.
        let shipped = Dist::LogNormal {
            mu: 20f64.ln(),
            sigma: 1.0,
        };
        for cells in [0..4, 2046..2050, 4092..4096] {
            let t = same_as_computed(&shipped, cells);
            assert!(t.coverage() > 0.9, "coverage {}", t.coverage());
        }
        for d in [
            Dist::LogNormal {
                mu: 0.0,
                sigma: 2.0,
            },
            Dist::Exponential { mean: 3.0 },
            Dist::Uniform {
                min: -2.0,
                max: 40.0,
            },
            Dist::Triangular {
                min: 0.0,
                mode: 1.0,
                max: 5.0,
            },
            Dist::Constant(7.5),
            Dist::Constant(0.0),
        ] {
            same_as_computed(&d, 2040..2042);
        }
    }

    #[test]
    fn a_draw_that_is_not_a_quantile_is_always_computed() {
        let pert = Dist::pert(1.0, 5.0, 50.0).unwrap();
        let t = WholeDraws::new(&pert, true);
        assert_eq!(t.coverage(), 0.0);
        assert_eq!(
            t.draw(123_456).to_bits(),
            whole_draw(&pert, 123_456).to_bits()
        );
        assert!(t.is_of(&pert) && !t.is_of(&Dist::Constant(1.0)));
    }

    #[test]
    fn set_keeps_a_table_while_its_distribution_is_the_same() {
        let d = Dist::LogNormal {
            mu: 3.0,
            sigma: 1.0,
        };
        let mut t = WholeDraws::new(&d, false);
        assert_eq!(t.coverage(), 0.0, "untabled: every draw computed");
        t.set(&d, true);
        let first = t.coverage();
        assert!(first > 0.9);
        t.set(&d, true);
        assert_eq!(t.coverage(), first);
        let other = Dist::LogNormal {
            mu: 1.0,
            sigma: 0.5,
        };
        t.set(&other, true);
        assert!(t.is_of(&other) && !t.is_of(&d));
        for seed in [0u32, 1 << 31, u32::MAX, 2_718_281_828] {
            assert_eq!(t.draw(seed).to_bits(), whole_draw(&other, seed).to_bits());
        }
    }
}
