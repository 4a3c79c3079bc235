//! The design of an exploration: the quantiles (one uniform number per input) of every draw.
//! A Latin hypercube by default; for Sobol indices, Saltelli's design with N base rows giving
//! N x (k + 2) rows, in the order SALib's `sobol.analyze` reads them (`calc_second_order=False`):
//! for each base row i, A_i, then A_i with column j taken from B_i for each input j, then B_i.

use crate::random::stream::name_key;
use crate::random::{SourceId, Stream};

/// Stream kind of the design's draws (no replication stream uses it).
pub const SRC_DESIGN: u16 = 0xE0;

/// How draws are placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesignKind {
    /// Latin hypercube: each input's range cut into N equal-probability strata, one draw each.
    Lhs,
    /// Saltelli's design for first-order and total Sobol indices.
    Sobol,
}

impl DesignKind {
    /// Whether every row of the design runs the same replications (common random numbers across
    /// draws): Saltelli's design, whose estimators take differences between rows, which shared
    /// replications keep sharp. A hypercube's draws each run their own, so that the
    /// replications' error averages out over the draws instead of moving them all alike.
    pub fn shares_replications(self) -> bool {
        self == DesignKind::Sobol
    }

    /// The replications of draw `draw`, `reps` of them: 0..reps in every draw when shared, else
    /// the draw's own block, draw x reps onwards.
    pub fn replications(self, draw: usize, reps: u64) -> std::ops::Range<u64> {
        if self.shares_replications() {
            0..reps
        } else {
            let first = draw as u64 * reps;
            first..first + reps
        }
    }

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            DesignKind::Lhs => "lhs",
            DesignKind::Sobol => "sobol",
        }
    }
}

/// The draws' quantiles: `rows[d][i]` is input i's quantile in draw d.
#[derive(Clone, Debug)]
pub struct Design {
    /// How the draws were placed.
    pub kind: DesignKind,
    /// Base draws (N): the number of draws for a hypercube, base rows for Saltelli's design.
    pub base: usize,
    /// One row of quantiles per draw.
    pub rows: Vec<Vec<f64>>,
}

/// Keeps a quantile strictly inside (0, 1).
fn inside(u: f64) -> f64 {
    u.clamp(1e-12, 1.0 - 1e-12)
}

/// A Latin hypercube of `n` rows over inputs named `names`: each input's column is its own
/// stream (keyed by its name and `block`), so adding an input moves no other column.
pub fn latin_hypercube(seed: u64, names: &[String], n: usize, block: u64) -> Vec<Vec<f64>> {
    let mut rows = vec![vec![0.0; names.len()]; n];
    for (j, name) in names.iter().enumerate() {
        let mut rng = Stream::new(seed, block, SourceId::keyed(SRC_DESIGN, name_key(name), 0));
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            perm.swap(i, rng.index(i + 1));
        }
        for (row, p) in rows.iter_mut().zip(&perm) {
            row[j] = inside((*p as f64 + rng.uniform()) / n as f64);
        }
    }
    rows
}

impl Design {
    /// The design of `kind` with `n` base draws over the inputs `names`.
    pub fn new(kind: DesignKind, seed: u64, names: &[String], n: usize) -> Design {
        let rows = match kind {
            DesignKind::Lhs => latin_hypercube(seed, names, n, 0),
            DesignKind::Sobol => {
                let a = latin_hypercube(seed, names, n, 1);
                let b = latin_hypercube(seed, names, n, 2);
                let k = names.len();
                let mut rows = Vec::with_capacity(n * (k + 2));
                for (ai, bi) in a.iter().zip(&b) {
                    rows.push(ai.clone());
                    for j in 0..k {
                        let mut r = ai.clone();
                        r[j] = bi[j];
                        rows.push(r);
                    }
                    rows.push(bi.clone());
                }
                rows
            }
        };
        Design {
            kind,
            base: n,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypercube_has_one_draw_per_stratum() {
        let names = vec!["a".to_string(), "b".to_string()];
        let rows = latin_hypercube(7, &names, 50, 0);
        for j in 0..2 {
            let mut strata: Vec<usize> = rows.iter().map(|r| (r[j] * 50.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..50).collect::<Vec<_>>());
        }
    }

    #[test]
    fn saltelli_rows_follow_salib_order() {
        let names = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let d = Design::new(DesignKind::Sobol, 3, &names, 4);
        assert_eq!(d.rows.len(), 4 * 5);
        for i in 0..4 {
            let (a, b) = (&d.rows[i * 5], &d.rows[i * 5 + 4]);
            for j in 0..3 {
                let ab = &d.rows[i * 5 + 1 + j];
                for m in 0..3 {
                    assert_eq!(ab[m], if m == j { b[m] } else { a[m] });
                }
            }
        }
    }
}
