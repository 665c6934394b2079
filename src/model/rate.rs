//! A messages-per-second meter over a sliding window of fixed buckets: O(1) per message, no allocation.

/// Width of one bucket.
pub const BUCKET_MS: f64 = 100.0;
/// Buckets in the window: 20 × 100 ms = 2 s, long enough to smooth bursts, short enough to
/// fall to zero soon after traffic stops.
pub const BUCKETS: usize = 20;
/// A meter that started recently divides by at least this, so one message does not read as 10/s.
const MIN_SPAN_MS: f64 = 1000.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    /// Messages per bucket; slot `i` holds the bucket numbered `ids[i]`.
    counts: [u32; BUCKETS],
    /// Bucket number (time / BUCKET_MS) each slot holds; a slot is stale when its number is old.
    ids: [i64; BUCKETS],
    /// Newest bucket number recorded, to notice the clock jumping back.
    latest: i64,
    /// When the first message since the last reset came, for a young meter's span.
    first_ms: Option<f64>,
}

impl Default for Rate {
    fn default() -> Self {
        Self::new()
    }
}

impl Rate {
    pub fn new() -> Self {
        Rate {
            counts: [0; BUCKETS],
            ids: [i64::MIN; BUCKETS],
            latest: i64::MIN,
            first_ms: None,
        }
    }

    /// Counts `count` messages at `now_ms` (any monotonic or wall-clock milliseconds).
    pub fn record(&mut self, now_ms: f64, count: u32) {
        if !now_ms.is_finite() || count == 0 {
            return;
        }
        let id = bucket(now_ms);
        // A clock that jumped back past the window would leave newer buckets in every slot,
        // and the meter would ignore traffic until time caught up; start over instead.
        if self.first_ms.is_some() && id < self.latest.saturating_sub(BUCKETS as i64 - 1) {
            *self = Self::new();
        }
        let slot = id.rem_euclid(BUCKETS as i64) as usize;
        if self.ids[slot] != id {
            self.ids[slot] = id;
            self.counts[slot] = 0;
        }
        self.counts[slot] = self.counts[slot].saturating_add(count);
        self.latest = self.latest.max(id);
        self.first_ms.get_or_insert(now_ms);
    }

    /// Messages per second over the last `BUCKETS × BUCKET_MS` milliseconds before `now_ms`.
    pub fn per_second(&self, now_ms: f64) -> f64 {
        let Some(first_ms) = self.first_ms else { return 0.0 };
        if !now_ms.is_finite() {
            return 0.0;
        }
        let now_id = bucket(now_ms);
        let oldest = now_id.saturating_sub(BUCKETS as i64 - 1);
        let total: u64 = (0..BUCKETS)
            .filter(|&i| (oldest..=now_id).contains(&self.ids[i]))
            .map(|i| u64::from(self.counts[i]))
            .sum();
        if total == 0 {
            return 0.0;
        }
        // The window is the current partial bucket plus the full ones before it.
        let window_start = oldest as f64 * BUCKET_MS;
        let span = (now_ms - window_start.max(first_ms)).max(MIN_SPAN_MS);
        total as f64 * 1000.0 / span
    }

    /// Forgets everything, e.g. when the connection is closed.
    pub fn reset(&mut self) {
        *self = Self::new();
    }
}

fn bucket(ms: f64) -> i64 {
    // `as` saturates, so absurd times land in the first or last bucket instead of panicking.
    (ms / BUCKET_MS).floor() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() <= expected * 0.1
    }

    #[test]
    fn a_steady_stream_reads_at_its_rate() {
        let mut rate = Rate::new();
        for i in 0..50 {
            rate.record(i as f64 * 100.0, 1);
        }
        let r = rate.per_second(4950.0);
        assert!(close(r, 10.0), "{r}");
        let mut fast = Rate::new();
        for i in 0..5000 {
            fast.record(10_000.0 + i as f64, 1);
        }
        let r = fast.per_second(15_000.0);
        assert!(close(r, 1000.0), "{r}");
    }

    #[test]
    fn batches_count_every_message() {
        let mut rate = Rate::new();
        for i in 0..20 {
            rate.record(i as f64 * 100.0, 5);
        }
        let r = rate.per_second(2000.0);
        assert!(close(r, 50.0), "{r}");
    }

    #[test]
    fn the_rate_falls_to_zero_after_traffic_stops() {
        let mut rate = Rate::new();
        for i in 0..30 {
            rate.record(i as f64 * 100.0, 1);
        }
        assert!(rate.per_second(3000.0) > 0.0);
        assert_eq!(rate.per_second(3000.0 + BUCKETS as f64 * BUCKET_MS + 100.0), 0.0);
        assert_eq!(Rate::new().per_second(1000.0), 0.0);
    }

    #[test]
    fn a_first_message_does_not_read_as_a_burst() {
        let mut rate = Rate::new();
        rate.record(5000.0, 1);
        assert_eq!(rate.per_second(5000.0), 1.0);
    }

    #[test]
    fn traffic_resumes_after_the_clock_jumps_back() {
        let mut rate = Rate::new();
        for i in 0..20 {
            rate.record(1_000_000.0 + i as f64 * 100.0, 1);
        }
        for i in 0..20 {
            rate.record(i as f64 * 100.0, 1);
        }
        let r = rate.per_second(2000.0);
        assert!(close(r, 10.0), "{r}");
    }

    #[test]
    fn slightly_late_timestamps_land_in_their_bucket() {
        let mut rate = Rate::new();
        rate.record(1000.0, 1);
        rate.record(900.0, 1);
        assert_eq!(rate.per_second(1000.0), 2.0);
    }

    #[test]
    fn odd_inputs_never_panic() {
        let mut rate = Rate::new();
        for t in [f64::NAN, f64::INFINITY, -1e300, 1e300, -5.0, 0.0] {
            rate.record(t, u32::MAX);
            rate.record(t, u32::MAX);
            let _ = rate.per_second(t);
        }
        rate.reset();
        assert_eq!(rate.per_second(0.0), 0.0);
    }
}
