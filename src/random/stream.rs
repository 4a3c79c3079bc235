//! Random streams: one independent, reproducible generator per random source.
//!
//! Every source of randomness in a replication (an actor's request arrivals, one insider's attempt
//! times, a jurisdiction's demands, an uncertain parameter...) draws from its own [`Stream`], seeded
//! from `(seed, replication, source)` alone. Results therefore never depend on the thread that ran a
//! replication, and two scenarios that differ only in their controls see the same arrivals and
//! attempts (common random numbers). The generator is xoshiro256++ seeded through SplitMix64,
//! implemented here so that results cannot drift with a dependency update.

use rand::RngCore;

/// One step of the SplitMix64 generator: advances `state` and returns a well-mixed 64-bit value.
#[inline]
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Identifies a random source inside a replication: a kind tag and up to two indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SourceId(pub u64);

impl SourceId {
    /// A source of the given kind for entity `a`, sub-entity `b` (e.g. actor, insider).
    pub const fn new(kind: u16, a: u32, b: u32) -> Self {
        // 16 bits of kind, 24 bits each for the indices: ample for any scenario's entity counts.
        SourceId(
            ((kind as u64) << 48) | (((a as u64) & 0xFF_FFFF) << 24) | ((b as u64) & 0xFF_FFFF),
        )
    }

    /// A source of kind `kind` for the entity whose name hashes to `name` (see [`name_key`]),
    /// sub-entity `sub` (e.g. an insider's number within its actor). Keyed by name, never by
    /// position in the file, so that reordering or removing entities changes no other stream.
    pub fn keyed(kind: u16, name: u64, sub: u64) -> Self {
        let mut st = name ^ ((kind as u64) << 48) ^ 0x243F_6A88_85A3_08D3;
        let a = splitmix64(&mut st);
        let mut st = a ^ sub.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        SourceId(splitmix64(&mut st) & !(1 << 63))
    }

    /// A source named by a string (used for uncertain parameters, named by their `--set` path).
    pub fn from_name(name: &str) -> Self {
        // FNV-1a: stable across platforms and Rust versions, unlike std's hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        SourceId(h | (1 << 63))
    }
}

/// A stable 64-bit hash of an entity's name (FNV-1a), to key its streams with [`SourceId::keyed`].
pub fn name_key(name: &str) -> u64 {
    SourceId::from_name(name).0
}

/// A xoshiro256++ generator dedicated to one random source.
#[derive(Clone, Debug)]
pub struct Stream {
    s: [u64; 4],
}

impl Stream {
    /// The stream of `source` in replication `replication` of a run seeded with `seed`.
    pub fn new(seed: u64, replication: u64, source: SourceId) -> Self {
        let mut st = seed ^ 0x6A09_E667_F3BC_C909;
        let a = splitmix64(&mut st);
        let mut st = a ^ replication.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let b = splitmix64(&mut st);
        let mut st = b ^ source.0;
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = splitmix64(&mut st);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Stream { s }
    }

    /// A stream seeded from one value alone (a sub-stream drawn from another stream).
    pub fn from_seed(seed: u64) -> Self {
        let mut st = seed ^ 0xB7E1_5162_8AED_2A6B;
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = splitmix64(&mut st);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Stream { s }
    }

    /// Reseeds this stream in place (no allocation), as [`Stream::new`] would build it.
    #[inline]
    pub fn reseed(&mut self, seed: u64, replication: u64, source: SourceId) {
        *self = Stream::new(seed, replication, source);
    }

    /// A uniform draw in [0, 1) with 53 bits of precision.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform draw in (0, 1]: safe to take the logarithm of.
    #[inline]
    pub fn uniform_open0(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// An exponential draw with the given rate (events per unit time); infinite for a zero rate
    /// (then nothing is drawn).
    #[inline]
    pub fn exponential(&mut self, rate: f64) -> f64 {
        if rate <= 0.0 {
            return f64::INFINITY;
        }
        self.standard_exponential() / rate
    }

    /// A standard exponential draw (mean 1), by the ziggurat method: usually one 64-bit value
    /// and no logarithm.
    #[inline]
    pub fn standard_exponential(&mut self) -> f64 {
        use rand::distr::Distribution;
        rand_distr::Exp1.sample(self)
    }

    /// A uniform index in `0..n` (n > 0) from one 64-bit draw (multiply-shift).
    #[inline]
    pub fn index(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

impl RngCore for Stream {
    #[inline]
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        let result = self.s[0]
            .wrapping_add(self.s[3])
            .rotate_left(23)
            .wrapping_add(self.s[0]);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_source_and_replication() {
        let a = Stream::new(1, 0, SourceId::new(1, 0, 0)).next_u64();
        let b = Stream::new(1, 0, SourceId::new(1, 0, 1)).next_u64();
        let c = Stream::new(1, 1, SourceId::new(1, 0, 0)).next_u64();
        let d = Stream::new(1, 0, SourceId::new(1, 0, 0)).next_u64();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, d);
    }

    #[test]
    fn uniform_mean_is_half() {
        let mut s = Stream::new(9, 3, SourceId::new(2, 5, 7));
        let n = 200_000;
        let m: f64 = (0..n).map(|_| s.uniform()).sum::<f64>() / n as f64;
        assert!((m - 0.5).abs() < 0.005, "{m}");
    }
}
