//! The generator's randomness: a ChaCha8 stream (value-stable across platforms and
//! versions of `rand_chacha`) and the few distributions it needs. Transcendental functions
//! come from `libm`, a pure-Rust implementation, so the same seed writes the same bytes on
//! every machine, not only on this one.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

pub struct Rng(ChaCha8Rng);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// Uniform in the open interval (0, 1), on a grid of 2^-53.
    pub fn uniform(&mut self) -> f64 {
        ((self.0.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (unbiased: draws that would favour small values are redrawn).
    pub fn below(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.0.next_u64();
            if x < zone {
                return x % n;
            }
        }
    }

    /// Standard normal, by Box-Muller.
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }

    /// Log-normal with median 1: exp(sigma x Z).
    pub fn lognormal(&mut self, sigma: f64) -> f64 {
        libm::exp(sigma * self.normal())
    }

    /// An index drawn with probability proportional to `weights`.
    pub fn pick(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }
}

/// Splits `total` (an integer, e.g. fen) in proportion to `weights`: floors, then the units
/// left over to the largest remainders. Integer arithmetic, so the parts always add up.
pub fn split(total: u64, weights: &[f64]) -> Vec<u64> {
    // Weights become integers first so that the split itself involves no float rounding.
    let w: Vec<u128> = weights.iter().map(|x| (x.max(0.0) * 1e9) as u128 + 1).collect();
    let sum: u128 = w.iter().sum();
    let total = u128::from(total);
    let mut parts: Vec<u128> = w.iter().map(|x| total * x / sum).collect();
    let mut order: Vec<(u128, usize)> = w.iter().enumerate().map(|(i, x)| (total * x % sum, i)).collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let given: u128 = parts.iter().sum();
    for (_, i) in order.into_iter().take(usize::try_from(total - given).unwrap_or(0)) {
        if let Some(p) = parts.get_mut(i) {
            *p += 1;
        }
    }
    parts.into_iter().map(|p| u64::try_from(p).unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let (mut a, mut b) = (Rng::new(42), Rng::new(42));
        for _ in 0..100 {
            assert_eq!(a.normal().to_bits(), b.normal().to_bits());
        }
        assert_ne!(Rng::new(1).uniform(), Rng::new(2).uniform());
    }

    #[test]
    fn split_adds_up() {
        // 100 by 1 : 1 : 1 -> 33 each, 1 left to the first (equal remainders, first index).
        assert_eq!(split(100, &[1.0, 1.0, 1.0]), vec![34, 33, 33]);
        let parts = split(250_000_000, &[0.3, 2.5, 1.0, 0.01]);
        assert_eq!(parts.iter().sum::<u64>(), 250_000_000);
    }
}
