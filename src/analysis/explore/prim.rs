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
    /// (input, low, high) of every restricted input.
    pub limits: Vec<(usize, f64, f64)>,
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

/// A candidate peel: objective, unrestricted inputs, limits, draws kept.
type Peel = (f64, usize, Vec<(f64, f64)>, Vec<usize>);

/// Peels boxes over inputs `x[draw][input]` for the draws of interest `y`.
pub fn prim(x: &[Vec<f64>], y: &[bool]) -> Discovery {
    let n = x.len();
    let k = x.first().map_or(0, |r| r.len());
    let init: Vec<(f64, f64)> = (0..k)
        .map(|j| {
            x.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), r| {
                    (l.min(r[j]), h.max(r[j]))
                })
        })
        .collect();
    let total = y.iter().filter(|v| **v).count().max(1) as f64;
    let step = |lims: &[(f64, f64)], idx: &[usize]| {
        let coi = idx.iter().filter(|&&i| y[i]).count() as f64;
        Step {
            coverage: coi / total,
            density: if idx.is_empty() {
                0.0
            } else {
                coi / idx.len() as f64
            },
            mass: idx.len() as f64 / n as f64,
            n: idx.len(),
            limits: lims
                .iter()
                .enumerate()
                .filter(|(j, l)| **l != init[*j])
                .map(|(j, l)| (j, l.0, l.1))
                .collect(),
        }
    };
    let mut lims = init.clone();
    let mut idx: Vec<usize> = (0..n).collect();
    let mut trajectory = vec![step(&lims, &idx)];
    loop {
        let mut best: Option<Peel> = None;
        for j in 0..k {
            let xj: Vec<f64> = idx.iter().map(|&i| x[i][j]).collect();
            for upper in [true, false] {
                let v = get_quantile(&xj, if upper { 1.0 - PEEL_ALPHA } else { PEEL_ALPHA });
                let kept: Vec<usize> = idx
                    .iter()
                    .copied()
                    .filter(|&i| if upper { x[i][j] <= v } else { x[i][j] >= v })
                    .collect();
                let mut l = lims.clone();
                if upper {
                    l[j].1 = v;
                } else {
                    l[j].0 = v;
                }
                let (m_old, m_new) = (mean(y, &idx), mean(y, &kept));
                let obj = if m_old != m_new && kept.len() != idx.len() {
                    (m_new - m_old) / idx.len().abs_diff(kept.len()) as f64
                } else {
                    0.0
                };
                let free = l.iter().zip(&init).filter(|(a, b)| a == b).count();
                let better = match &best {
                    None => true,
                    Some((o, f, _, _)) => obj > *o || (obj == *o && free > *f),
                };
                if better {
                    best = Some((obj, free, l, kept));
                }
            }
        }
        let Some((obj, _, l, kept)) = best else { break };
        let (mass_old, mass_new) = (idx.len() as f64 / n as f64, kept.len() as f64 / n as f64);
        if mass_new >= MASS_MIN && mass_new < mass_old && obj > 0.0 {
            lims = l;
            idx = kept;
            trajectory.push(step(&lims, &idx));
        } else {
            break;
        }
    }
    let chosen = trajectory
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
        .map_or(0, |(i, _)| i);
    Discovery { trajectory, chosen }
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
        let d = prim(&x, &y);
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
    fn quantile_steps_past_ties_as_the_ema_workbench_does() {
        let d = [1.0, 1.0, 1.0, 2.0, 3.0];
        assert_eq!(get_quantile(&d, 0.05), 1.5);
        assert_eq!(get_quantile(&d, 0.95), 2.5);
    }
}
