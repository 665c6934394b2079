//! Reconnect delays: exponential with jitter, from a seed so tests are repeatable.

/// Exponential backoff: 1 s, 2 s, 4 s ... capped, each scaled by a random 50-100 %
/// so that many clients dropped at once do not return in lockstep.
#[derive(Debug, Clone)]
pub struct Backoff {
    min_ms: u64,
    max_ms: u64,
    attempt: u32,
    rng: u64,
}

impl Backoff {
    pub fn new(min_ms: u64, max_ms: u64, seed: u64) -> Self {
        // xorshift must not start at 0.
        Backoff {
            min_ms,
            max_ms,
            attempt: 0,
            rng: seed | 1,
        }
    }

    /// The delay before the next attempt; each call doubles the base.
    pub fn next_delay(&mut self) -> u64 {
        let base = self
            .min_ms
            .saturating_mul(1u64 << self.attempt.min(20))
            .min(self.max_ms);
        self.attempt += 1;
        let half = base / 2;
        half + self.random() % (base - half + 1)
    }

    /// A successful connection starts the sequence again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    fn random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_within_jitter_and_stop_at_the_cap() {
        let mut b = Backoff::new(1_000, 30_000, 7);
        let delays: Vec<u64> = (0..8).map(|_| b.next_delay()).collect();
        for (i, d) in delays.iter().enumerate() {
            let base = (1_000u64 << i).min(30_000);
            assert!(
                *d >= base / 2 && *d <= base,
                "attempt {i}: {d} not in {}..={base}",
                base / 2
            );
        }
        b.reset();
        assert!(b.next_delay() <= 1_000);
    }

    #[test]
    fn different_seeds_spread_clients_apart() {
        let a: Vec<u64> = {
            let mut b = Backoff::new(1_000, 30_000, 1);
            (0..5).map(|_| b.next_delay()).collect()
        };
        let c: Vec<u64> = {
            let mut b = Backoff::new(1_000, 30_000, 99);
            (0..5).map(|_| b.next_delay()).collect()
        };
        assert_ne!(a, c);
    }
}
