//! Probability distributions for uncertain parameters and per-event quantities.

use crate::random::stream::Stream;
use rand::distr::Distribution;
use rand_distr::{Beta, Gamma, StandardNormal};

/// A distribution a scenario value may follow (docs/model.md, "Parameters and uncertainty").
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always the same value.
    Constant(f64),
    /// Exponential.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular on `[min, max]`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Beta-PERT (shape 4) on `[min, max]`.
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
        /// The underlying Beta on [0, 1].
        beta: Beta<f64>,
    },
    /// Log-normal: `exp(mu + sigma * Z)`.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Gamma.
    Gamma {
        /// Shape.
        shape: f64,
        /// Scale.
        scale: f64,
        /// The sampler.
        gamma: Gamma<f64>,
    },
}

impl Dist {
    /// Beta-PERT with shape 4. Requires `min <= mode <= max`, `min < max`.
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, String> {
        if !(min <= mode && mode <= max && min < max) {
            return Err(format!(
                "pert needs min <= mode <= max and min < max (got {min}, {mode}, {max})"
            ));
        }
        let range = max - min;
        let alpha = 1.0 + 4.0 * (mode - min) / range;
        let beta = 1.0 + 4.0 * (max - mode) / range;
        let beta = Beta::new(alpha, beta).map_err(|e| e.to_string())?;
        Ok(Dist::Pert {
            min,
            mode,
            max,
            beta,
        })
    }

    /// Gamma given its mean and standard deviation (both > 0).
    pub fn gamma_mean_sd(mean: f64, sd: f64) -> Result<Dist, String> {
        if !(mean > 0.0 && sd > 0.0) {
            return Err(format!(
                "gamma needs mean > 0 and sd > 0 (got {mean}, {sd})"
            ));
        }
        let shape = (mean / sd).powi(2);
        let scale = sd * sd / mean;
        let gamma = Gamma::new(shape, scale).map_err(|e| e.to_string())?;
        Ok(Dist::Gamma {
            shape,
            scale,
            gamma,
        })
    }

    /// Log-normal given its median (> 0) and log-scale sigma (>= 0).
    pub fn lognormal_median(median: f64, sigma: f64) -> Result<Dist, String> {
        if !(median > 0.0 && sigma >= 0.0) {
            return Err(format!(
                "lognormal needs median > 0 and sigma >= 0 (got {median}, {sigma})"
            ));
        }
        Ok(Dist::LogNormal {
            mu: median.ln(),
            sigma,
        })
    }

    /// Log-normal given its mean (> 0) and standard deviation (>= 0).
    pub fn lognormal_mean_sd(mean: f64, sd: f64) -> Result<Dist, String> {
        if !(mean > 0.0 && sd >= 0.0) {
            return Err(format!(
                "lognormal needs mean > 0 and sd >= 0 (got {mean}, {sd})"
            ));
        }
        let s2 = (1.0 + (sd / mean).powi(2)).ln();
        Ok(Dist::LogNormal {
            mu: mean.ln() - s2 / 2.0,
            sigma: s2.sqrt(),
        })
    }

    /// One draw.
    #[inline]
    pub fn sample(&self, rng: &mut Stream) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { mean } => {
                let e: f64 = rand_distr::Exp1.sample(rng);
                e * mean
            }
            Dist::Uniform { min, max } => min + (max - min) * rng.uniform(),
            Dist::Triangular { min, mode, max } => {
                let u = rng.uniform();
                let range = max - min;
                if range <= 0.0 {
                    return *min;
                }
                let f = (mode - min) / range;
                if u < f {
                    min + (u * range * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * range * (max - mode)).sqrt()
                }
            }
            Dist::Pert { min, max, beta, .. } => min + (max - min) * beta.sample(rng),
            Dist::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Dist::Gamma { gamma, .. } => gamma.sample(rng),
        }
    }

    /// A distribution of kind `kind` (`constant`, `exponential`, `uniform`, `triangular`, `pert`,
    /// `lognormal`, `gamma`) from its fields' values (`field(name)`), checked as a scenario file's
    /// would be.
    pub fn from_fields(kind: &str, field: impl Fn(&str) -> Option<f64>) -> Result<Dist, String> {
        let f = |k: &str| field(k).ok_or_else(|| format!("{kind} needs `{k}`"));
        match kind {
            "constant" => Ok(Dist::Constant(f("value")?)),
            "exponential" => {
                let mean = f("mean")?;
                if mean > 0.0 {
                    Ok(Dist::Exponential { mean })
                } else {
                    Err(format!("exponential needs mean > 0 (got {mean})"))
                }
            }
            "uniform" => {
                let (min, max) = (f("min")?, f("max")?);
                if min <= max {
                    Ok(Dist::Uniform { min, max })
                } else {
                    Err(format!("uniform needs min <= max (got {min}, {max})"))
                }
            }
            "triangular" => {
                let (min, mode, max) = (f("min")?, f("mode")?, f("max")?);
                if min <= mode && mode <= max {
                    Ok(Dist::Triangular { min, mode, max })
                } else {
                    Err(format!(
                        "triangular needs min <= mode <= max (got {min}, {mode}, {max})"
                    ))
                }
            }
            "pert" => Dist::pert(f("min")?, f("mode")?, f("max")?),
            "lognormal" if field("median").is_some() => {
                Dist::lognormal_median(f("median")?, f("sigma")?)
            }
            "lognormal" => Dist::lognormal_mean_sd(f("mean")?, f("sd")?),
            "gamma" => Dist::gamma_mean_sd(f("mean")?, f("sd")?),
            other => Err(format!("unknown distribution `{other}`")),
        }
    }

    /// One draw from a 32-bit seed, consuming nothing else: by the inverse distribution function
    /// where it has a closed form, otherwise from a stream of its own seeded by `seed`. Per-event
    /// quantities are drawn this way so that every event takes the same number of values from
    /// its stream whatever distribution a scenario gives (exact common random numbers).
    #[inline]
    pub fn sample_seeded(&self, seed: u32) -> f64 {
        // A uniform strictly inside (0, 1).
        let u = (seed as f64 + 0.5) * (1.0 / 4_294_967_296.0);
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { .. }
            | Dist::Uniform { .. }
            | Dist::Triangular { .. }
            | Dist::LogNormal { .. } => self.quantile(u),
            Dist::Pert { .. } | Dist::Gamma { .. } => {
                let mut rng = Stream::from_seed(seed as u64);
                self.sample(&mut rng)
            }
        }
    }

    /// The distribution's mean.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { mean } => *mean,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert { min, mode, max, .. } => (min + 4.0 * mode + max) / 6.0,
            Dist::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Gamma { shape, scale, .. } => shape * scale,
        }
    }

    /// The smallest and largest values a draw can take (possibly infinite).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Constant(v) => (*v, *v),
            Dist::Exponential { .. } | Dist::LogNormal { .. } | Dist::Gamma { .. } => {
                (0.0, f64::INFINITY)
            }
            Dist::Uniform { min, max }
            | Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. } => (*min, *max),
        }
    }

    /// The `q` quantile (0 < q < 1), exact where a closed form exists, otherwise estimated from
    /// 200,000 draws of a fixed stream (deterministic).
    pub fn quantile(&self, q: f64) -> f64 {
        match self {
            Dist::Constant(v) => *v,
            Dist::Exponential { mean } => -mean * (1.0 - q).ln(),
            Dist::Uniform { min, max } => min + (max - min) * q,
            Dist::Triangular { min, mode, max } => {
                let range = max - min;
                if range <= 0.0 {
                    return *min;
                }
                let f = (mode - min) / range;
                if q < f {
                    min + (q * range * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - q) * range * (max - mode)).sqrt()
                }
            }
            Dist::LogNormal { mu, sigma } => {
                (mu + sigma * crate::random::special::normal_quantile(q)).exp()
            }
            Dist::Pert { .. } | Dist::Gamma { .. } => {
                let mut rng = Stream::new(
                    0x5EED,
                    0,
                    crate::random::stream::SourceId::new(0xFFFF, 0, 0),
                );
                let mut v: Vec<f64> = (0..200_000).map(|_| self.sample(&mut rng)).collect();
                v.sort_by(f64::total_cmp);
                crate::random::special::quantile_sorted(&v, q)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::stream::SourceId;

    fn sample_mean(d: &Dist) -> f64 {
        let mut rng = Stream::new(1, 2, SourceId::new(3, 4, 5));
        let n = 200_000;
        (0..n).map(|_| d.sample(&mut rng)).sum::<f64>() / n as f64
    }

    #[test]
    fn sample_means_match_formulas() {
        let dists = [
            Dist::Exponential { mean: 4.0 },
            Dist::Uniform { min: 1.0, max: 3.0 },
            Dist::Triangular {
                min: 0.0,
                mode: 1.0,
                max: 5.0,
            },
            Dist::pert(1.0, 2.0, 6.0).unwrap(),
            Dist::lognormal_median(100.0, 0.5).unwrap(),
            Dist::lognormal_mean_sd(50.0, 20.0).unwrap(),
            Dist::gamma_mean_sd(10.0, 3.0).unwrap(),
        ];
        for d in &dists {
            let m = sample_mean(d);
            assert!(
                (m - d.mean()).abs() / d.mean() < 0.01,
                "{d:?}: {m} vs {}",
                d.mean()
            );
        }
    }

    #[test]
    fn quantiles_bracket_the_median() {
        let d = Dist::Exponential { mean: 2.0 };
        assert!((d.quantile(0.5) - 2.0 * 2f64.ln()).abs() < 1e-12);
        let g = Dist::gamma_mean_sd(10.0, 3.0).unwrap();
        assert!(g.quantile(0.1) < g.quantile(0.5) && g.quantile(0.5) < g.quantile(0.9));
    }
}
