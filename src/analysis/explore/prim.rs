//! PRIM scenario discovery (Friedman and Fisher 1999), as the EMA Workbench's `prim.Prim` runs
//! it with its defaults for the first box: the draws of interest are those where a deal's
//! probability is above a threshold; starting from the box holding every draw, each step peels
//! alpha = 0.05 of the draws off the lower or the upper end of one input (the EMA Workbench's
//! `get_quantile`), choosing the peel with the largest gain in density per draw removed (its
//! `lenient1` objective; ties to the peel leaving more inputs unrestricted, then to the first
//! input, upper end first), while the box keeps at least `mass_min` = 0.05 of the draws and the
//! gain is positive. Pasting is not done.

/// Share peeled per step.
pub const PEEL_ALPHA: f64 = 0.05;
/// Smallest mass a box may have.
pub const MASS_MIN: f64 = 0.05;
/// Density a box must reach to be chosen.
pub const CHOSEN_DENSITY: f64 = 0.8;

/// One box of the peeling trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Share of the draws of interest inside the box.
    pub coverage: f64,
    /// Share of the box's draws that are of interest.
    pub density: f64,
    /// Share of all draws inside the box.
    pub mass: f64,
    /// Draws inside.
    pub n: usize,
    /// (input, low, high) of every restricted numeric input.
    pub limits: Vec<(usize, f64, f64)>,
    /// (input, alternatives kept) of every restricted structural choice (alternatives by index).
    pub kept: Vec<(usize, Vec<usize>)>,
    /// Quasi-p values of the restrictions (Bryant and Lempert 2010, as the EMA Workbench
    /// computes them), one per restricted end: for `limits[i]`, those of its lower and upper
    /// ends (NaN for an end left at the data's range); for `kept[i]`, one. See [`quasi_p`].
    pub limits_qp: Vec<(f64, f64)>,
    /// One quasi-p value per `kept` entry.
    pub kept_qp: Vec<f64>,
}

/// A discovery: the peeling trajectory and the chosen step.
#[derive(Clone, Debug, PartialEq)]
pub struct Discovery {
    /// Every box from the whole space to the last peel.
    pub trajectory: Vec<Step>,
    /// The chosen box: the largest coverage among those of density at least
    /// [`CHOSEN_DENSITY`], else the densest.
    pub chosen: usize,
}

/// The quasi-p value of a restriction (Bryant and Lempert 2010): the box holds `coi` draws of
/// interest among `n`; lifting the restriction gives a box of density `p`. The one-sided
/// binomial test P(X >= coi) for X ~ Binomial(n, p): the chance that a box of `n` draws taken
/// where the restriction is lifted would be at least as dense. Small (below 0.05, say) means the
/// restriction matters; large, that it may follow the draws' noise.
pub fn quasi_p(coi: usize, n: usize, p: f64) -> f64 {
    if coi == 0 || p >= 1.0 {
        return 1.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    // ln C(n, k) built up from k = coi, each term from the one before: no overflow.
    let mut ln_c = (0..coi)
        .map(|i| ((n - i) as f64 / (i + 1) as f64).ln())
        .sum::<f64>();
    let mut sum = 0.0;
    for k in coi..=n {
        sum += (ln_c + k as f64 * lp + (n - k) as f64 * lq).exp();
        ln_c += ((n - k) as f64 / (k + 1) as f64).ln();
    }
    sum.min(1.0)
}

/// The EMA Workbench's `get_quantile` (after sdtoolkit): an order statistic, moved past ties and
/// averaged with its neighbour.
pub fn get_quantile(data: &[f64], q: f64) -> f64 {
    let mut d = data.to_vec();
    d.sort_by(f64::total_cmp);
    let i = (d.len() - 1) as f64 * q;
    let (mut lo, mut hi) = (i.floor() as usize, i.ceil() as usize);
    if q > 0.5 {
        while d[lo] == d[hi] && lo > 0 {
            lo -= 1;
        }
    } else {
        while d[lo] == d[hi] && hi < d.len() - 1 {
            hi += 1;
        }
    }
    (d[lo] + d[hi]) / 2.0
}

fn mean(y: &[bool], idx: &[usize]) -> f64 {
    if idx.is_empty() {
        return 0.0;
    }
    idx.iter().filter(|&&i| y[i]).count() as f64 / idx.len() as f64
}

/// A box: each numeric input's (low, high), each choice's alternatives kept, the draws inside.
#[derive(Clone, Debug)]
struct Box {
    lims: Vec<(f64, f64)>,
    cats: Vec<Vec<bool>>,
    idx: Vec<usize>,
}

/// What PRIM peels: the draws' inputs `x[draw][input]`, which draws are of interest, and per
/// input its number of alternatives (0 for a number).
struct Problem<'a> {
    x: &'a [Vec<f64>],
    y: &'a [bool],
    levels: &'a [usize],
    /// Per input, whether it may be peeled.
    peel: &'a [bool],
    init: Vec<(f64, f64)>,
}

impl Problem<'_> {
    /// The inputs left unrestricted by box `b`.
    fn free(&self, b: &Box) -> usize {
        (0..self.levels.len())
            .filter(|&j| {
                if self.levels[j] > 0 {
                    b.cats[j].iter().all(|c| *c)
                } else {
                    b.lims[j] == self.init[j]
                }
            })
            .count()
    }

    /// Whether draw `i` is inside box `b` with input `j`'s restriction `end` lifted (0: its
    /// lower end, 1: its upper end, 2: every alternative of a choice).
    fn inside_lifted(&self, b: &Box, i: usize, j: usize, end: u8) -> bool {
        let x = &self.x[i];
        (0..self.levels.len()).all(|k| {
            if self.levels[k] > 0 {
                (k == j && end == 2) || b.cats[k][x[k] as usize]
            } else {
                let (lo, hi) = b.lims[k];
                (x[k] >= lo || (k == j && end == 0)) && (x[k] <= hi || (k == j && end == 1))
            }
        })
    }

    /// The quasi-p value of lifting one restriction of box `b` (see [`quasi_p`]).
    fn lifted_qp(&self, b: &Box, j: usize, end: u8) -> f64 {
        let (mut t, mut h) = (0usize, 0usize);
        for i in 0..self.x.len() {
            if self.inside_lifted(b, i, j, end) {
                t += 1;
                h += self.y[i] as usize;
            }
        }
        let coi = b.idx.iter().filter(|&&i| self.y[i]).count();
        quasi_p(coi, b.idx.len(), h as f64 / t.max(1) as f64)
    }

    /// Box `b` as a step of the trajectory.
    fn step(&self, b: &Box) -> Step {
        let total = self.y.iter().filter(|v| **v).count().max(1) as f64;
        let coi = b.idx.iter().filter(|&&i| self.y[i]).count() as f64;
        let numeric = |j: &usize| self.levels[*j] == 0;
        Step {
            coverage: coi / total,
            density: if b.idx.is_empty() {
                0.0
            } else {
                coi / b.idx.len() as f64
            },
            mass: b.idx.len() as f64 / self.x.len() as f64,
            n: b.idx.len(),
            limits: (0..self.levels.len())
                .filter(|j| numeric(j) && b.lims[*j] != self.init[*j])
                .map(|j| (j, b.lims[j].0, b.lims[j].1))
                .collect(),
            kept: (0..self.levels.len())
                .filter(|j| !numeric(j) && !b.cats[*j].iter().all(|c| *c))
                .map(|j| (j, (0..self.levels[j]).filter(|&c| b.cats[j][c]).collect()))
                .collect(),
            limits_qp: (0..self.levels.len())
                .filter(|j| numeric(j) && b.lims[*j] != self.init[*j])
                .map(|j| {
                    let end = |e: u8, restricted: bool| {
                        if restricted {
                            self.lifted_qp(b, j, e)
                        } else {
                            f64::NAN
                        }
                    };
                    (
                        end(0, b.lims[j].0 != self.init[j].0),
                        end(1, b.lims[j].1 != self.init[j].1),
                    )
                })
                .collect(),
            kept_qp: (0..self.levels.len())
                .filter(|j| !numeric(j) && !b.cats[*j].iter().all(|c| *c))
                .map(|j| self.lifted_qp(b, j, 2))
                .collect(),
        }
    }

    /// Every peel of box `b`: each numeric input's lower and upper ends, each alternative of a
    /// choice that keeps more than one.
    fn peels(&self, b: &Box) -> Vec<Box> {
        let mut out = Vec::new();
        for j in (0..self.levels.len()).filter(|&j| self.peel[j]) {
            if self.levels[j] > 0 {
                if b.cats[j].iter().filter(|c| **c).count() < 2 {
                    continue;
                }
                for c in (0..self.levels[j]).filter(|&c| b.cats[j][c]) {
                    let mut p = b.clone();
                    p.cats[j][c] = false;
                    p.idx.retain(|&i| self.x[i][j] != c as f64);
                    out.push(p);
                }
                continue;
            }
            let xj: Vec<f64> = b.idx.iter().map(|&i| self.x[i][j]).collect();
            for upper in [true, false] {
                let v = get_quantile(&xj, if upper { 1.0 - PEEL_ALPHA } else { PEEL_ALPHA });
                let mut p = b.clone();
                if upper {
                    p.lims[j].1 = v;
                    p.idx.retain(|&i| self.x[i][j] <= v);
                } else {
                    p.lims[j].0 = v;
                    p.idx.retain(|&i| self.x[i][j] >= v);
                }
                out.push(p);
            }
        }
        out
    }

    /// The best peel of `b` (largest gain in density per draw removed, then more inputs left
    /// free, then the first), with its objective.
    fn best_peel(&self, b: &Box) -> Option<(f64, Box)> {
        let mut best: Option<(f64, usize, Box)> = None;
        for p in self.peels(b) {
            let (m_old, m_new) = (mean(self.y, &b.idx), mean(self.y, &p.idx));
            let obj = if m_old != m_new && p.idx.len() != b.idx.len() {
                (m_new - m_old) / b.idx.len().abs_diff(p.idx.len()) as f64
            } else {
                0.0
            };
            let free = self.free(&p);
            let better = match &best {
                None => true,
                Some((o, f, _)) => obj > *o || (obj == *o && free > *f),
            };
            if better {
                best = Some((obj, free, p));
            }
        }
        best.map(|(o, _, p)| (o, p))
    }
}

/// Peels boxes over inputs `x[draw][input]` for the draws of interest `y`; `levels[j]` is input
/// j's number of alternatives when it is a structural choice (values 0, 1, ...: its
/// alternative's index), 0 for a number. A choice is peeled one alternative at a time, as the
/// EMA Workbench peels a categorical input.
pub fn prim(x: &[Vec<f64>], y: &[bool], levels: &[usize]) -> Discovery {
    prim_over(x, y, levels, &vec![true; levels.len()])
}

/// [`prim`] peeling only the inputs with `peel[j]` (a deal's own inputs: one it does not use
/// cannot explain where it fails, though chance may favour it).
pub fn prim_over(x: &[Vec<f64>], y: &[bool], levels: &[usize], peel: &[bool]) -> Discovery {
    let n = x.len();
    let init: Vec<(f64, f64)> = (0..levels.len())
        .map(|j| {
            x.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), r| {
                    (l.min(r[j]), h.max(r[j]))
                })
        })
        .collect();
    let problem = Problem {
        x,
        y,
        levels,
        peel,
        init,
    };
    let mut b = Box {
        lims: problem.init.clone(),
        cats: levels.iter().map(|&l| vec![true; l]).collect(),
        idx: (0..n).collect(),
    };
    let mut trajectory = vec![problem.step(&b)];
    while let Some((obj, p)) = problem.best_peel(&b) {
        let (mass_old, mass_new) = (b.idx.len() as f64 / n as f64, p.idx.len() as f64 / n as f64);
        if mass_new >= MASS_MIN && mass_new < mass_old && obj > 0.0 {
            b = p;
            trajectory.push(problem.step(&b));
        } else {
            break;
        }
    }
    Discovery {
        chosen: chosen(&trajectory),
        trajectory,
    }
}

/// The chosen step: the largest coverage among steps of density at least [`CHOSEN_DENSITY`],
/// else the densest (the earlier step on ties).
fn chosen(trajectory: &[Step]) -> usize {
    trajectory
        .iter()
        .enumerate()
        .filter(|(_, s)| s.density >= CHOSEN_DENSITY)
        .max_by(|a, b| a.1.coverage.total_cmp(&b.1.coverage).then(b.0.cmp(&a.0)))
        .or_else(|| {
            trajectory
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.density.total_cmp(&b.1.density).then(b.0.cmp(&a.0)))
        })
        .map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::explore::design::latin_hypercube;

    #[test]
    fn finds_the_corner_where_cases_of_interest_live() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let x = latin_hypercube(3, &names, 1000, 0);
        // Of interest: a > 0.7 and b < 0.4 (c plays no part).
        let y: Vec<bool> = x.iter().map(|r| r[0] > 0.7 && r[1] < 0.4).collect();
        let d = prim(&x, &y, &[0, 0, 0]);
        let s = &d.trajectory[d.chosen];
        assert!(s.density >= 0.8 && s.coverage > 0.7, "{s:?}");
        let inputs: Vec<usize> = s.limits.iter().map(|l| l.0).collect();
        assert!(inputs.contains(&0) && inputs.contains(&1) && !inputs.contains(&2));
        let a = s.limits.iter().find(|l| l.0 == 0).unwrap();
        assert!((a.1 - 0.7).abs() < 0.05);
        // Coverage never rises and mass falls along the trajectory.
        for w in d.trajectory.windows(2) {
            assert!(w[1].coverage <= w[0].coverage && w[1].mass < w[0].mass);
        }
    }

    #[test]
    fn peels_a_choice_one_alternative_at_a_time() {
        // Input 0 a number, input 1 a choice of three: of interest when the choice is 2 and the
        // number above 0.5.
        let x: Vec<Vec<f64>> = (0..600)
            .map(|i| vec![(i % 100) as f64 / 100.0, (i / 200) as f64])
            .collect();
        let y: Vec<bool> = x.iter().map(|r| r[1] == 2.0 && r[0] > 0.5).collect();
        let d = prim(&x, &y, &[0, 3]);
        let s = &d.trajectory[d.chosen];
        assert_eq!(s.kept, vec![(1, vec![2])], "{s:?}");
        assert!(s.density >= 0.8 && s.coverage > 0.8, "{s:?}");
    }

    #[test]
    fn an_input_left_out_is_never_restricted() {
        let names: Vec<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        let x = latin_hypercube(2, &names, 400, 0);
        // Of interest where b is high; b may not be peeled, so the box stays on a (or none).
        let y: Vec<bool> = x.iter().map(|r| r[1] > 0.7).collect();
        let d = prim_over(&x, &y, &[0, 0], &[true, false]);
        assert!(d
            .trajectory
            .iter()
            .all(|s| s.limits.iter().all(|l| l.0 == 0)));
        assert!(prim(&x, &y, &[0, 0]).trajectory[1].limits[0].0 == 1);
    }

    #[test]
    fn quasi_p_is_the_binomial_upper_tail() {
        // P(X >= 3), X ~ Binomial(5, 1/2) = (10 + 5 + 1) / 32.
        assert!((quasi_p(3, 5, 0.5) - 0.5).abs() < 1e-12);
        // P(X >= 1), X ~ Binomial(4, 0.1) = 1 - 0.9^4.
        assert!((quasi_p(1, 4, 0.1) - (1.0 - 0.9f64.powi(4))).abs() < 1e-12);
        assert_eq!(quasi_p(0, 10, 0.3), 1.0);
        // Large boxes: no overflow, a tiny tail.
        let tail = quasi_p(900, 1000, 0.5);
        assert!(tail > 0.0 && tail < 1e-100, "{tail}");
    }

    #[test]
    fn restrictions_that_matter_have_small_quasi_p_values() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let x = latin_hypercube(3, &names, 1000, 0);
        let y: Vec<bool> = x.iter().map(|r| r[0] > 0.7 && r[1] < 0.4).collect();
        let d = prim(&x, &y, &[0, 0, 0]);
        let s = &d.trajectory[d.chosen];
        assert_eq!(s.limits_qp.len(), s.limits.len());
        for ((j, _, _), (lo, hi)) in s.limits.iter().zip(&s.limits_qp) {
            // a's lower end and b's upper end carry the box.
            let key = if *j == 0 { lo } else { hi };
            assert!(*key < 1e-6, "input {j}: {lo} {hi}");
        }
    }

    #[test]
    fn quantile_steps_past_ties_as_the_ema_workbench_does() {
        let d = [1.0, 1.0, 1.0, 2.0, 3.0];
        assert_eq!(get_quantile(&d, 0.05), 1.5);
        assert_eq!(get_quantile(&d, 0.95), 2.5);
    }
}
