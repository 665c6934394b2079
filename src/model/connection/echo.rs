//! Our MQTT 3.1.1 publishes that should come back on one of our own subscriptions. A 3.1.1
//! broker acknowledges a publish its ACL refused and drops it silently, so "acknowledged but
//! not back" is the only sign the user can get; a publish that comes back clears it.

/// Publishes watched at most: a user who publishes faster than anything comes back loses the
/// oldest hints, never memory.
const WATCHED: usize = 32;

struct Echo {
    id: u64,
    topic: String,
    /// When the broker acknowledged it (wall clock), once it has.
    acked_at: Option<f64>,
}

#[derive(Default)]
pub(super) struct EchoWatch {
    due: Vec<Echo>,
}

impl EchoWatch {
    /// Publish `id` on `topic` matches one of our subscriptions: it should come back.
    pub fn expect(&mut self, id: u64, topic: &str) {
        if self.due.len() == WATCHED {
            self.due.remove(0);
        }
        self.due.push(Echo {
            id,
            topic: topic.to_string(),
            acked_at: None,
        });
    }

    /// The broker acknowledged `id`: true when it is watched and has not come back yet.
    pub fn acked(&mut self, id: u64, at: f64) -> bool {
        match self.due.iter_mut().find(|e| e.id == id) {
            Some(e) => {
                e.acked_at = Some(at);
                true
            }
            None => false,
        }
    }

    /// The broker refused `id`: nothing will come back, and the refusal says why.
    pub fn failed(&mut self, id: u64) {
        self.due.retain(|e| e.id != id);
    }

    /// A message arrived on `topic`: the oldest watched publish there came back. Returns its id
    /// and, when it was already acknowledged, when.
    pub fn came_back(&mut self, topic: &str) -> Option<(u64, Option<f64>)> {
        if self.due.is_empty() {
            return None;
        }
        let at = self.due.iter().position(|e| e.topic == topic)?;
        let e = self.due.remove(at);
        Some((e.id, e.acked_at))
    }

    /// The link dropped: what is unacknowledged is resent and may still come back; what was
    /// acknowledged and not back stays marked.
    pub fn link_lost(&mut self) {
        self.due.retain(|e| e.acked_at.is_none());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publish_acknowledged_and_not_back_is_flagged_until_it_comes_back() {
        let mut w = EchoWatch::default();
        w.expect(1, "home/a/set");
        assert!(w.acked(1, 10.0));
        assert_eq!(w.came_back("home/b/set"), None);
        assert_eq!(w.came_back("home/a/set"), Some((1, Some(10.0))));
        assert_eq!(w.came_back("home/a/set"), None);
        assert!(!w.acked(1, 11.0), "no longer watched");
    }

    #[test]
    fn a_publish_back_before_its_ack_is_never_flagged() {
        let mut w = EchoWatch::default();
        w.expect(1, "t");
        assert_eq!(w.came_back("t"), Some((1, None)));
        assert!(!w.acked(1, 5.0));
    }

    #[test]
    fn refused_publishes_and_old_ones_are_forgotten() {
        let mut w = EchoWatch::default();
        w.expect(1, "t");
        w.failed(1);
        assert_eq!(w.came_back("t"), None);
        for id in 0..(WATCHED as u64 + 1) {
            w.expect(id, "u");
        }
        assert!(!w.acked(0, 1.0), "the oldest was dropped");
        assert!(w.acked(WATCHED as u64, 1.0));
    }
}
