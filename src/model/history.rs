//! Publish history: the last messages the user sent from the publish form or a template, as
//! typed (so they can be sent again or saved as a template), each with what became of it.
//! Bounded and in memory: one per connection core.

use std::collections::VecDeque;

use super::templates::Draft;

/// Entries kept; the oldest goes first.
pub const MAX_HISTORY: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// QoS 0: written to the socket, nothing comes back.
    Sent,
    /// QoS 1 or 2: waiting for the broker (session packet id `id`).
    Waiting {
        id: u64,
    },
    Acknowledged,
    Failed {
        reason: String,
    },
}

impl Outcome {
    /// The words the history shows.
    pub fn text(&self) -> String {
        match self {
            Outcome::Sent => "Sent".into(),
            Outcome::Waiting { .. } => "Waiting for the broker".into(),
            Outcome::Acknowledged => "Acknowledged".into(),
            Outcome::Failed { reason } => format!("Failed: {reason}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// Unique within the history, for the views' keys and names.
    pub seq: u64,
    pub draft: Draft,
    /// Wall-clock milliseconds since the epoch.
    pub at_ms: f64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Oldest at the front.
    entries: VecDeque<Sent>,
    next_seq: u64,
    /// Moves with every change, so a view repaints only when there is something new.
    revision: u64,
}

impl History {
    /// Records a message sent; returns its `seq`.
    pub fn push(&mut self, draft: Draft, at_ms: f64, outcome: Outcome) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.revision += 1;
        if self.entries.len() == MAX_HISTORY {
            self.entries.pop_front();
        }
        self.entries.push_back(Sent {
            seq,
            draft,
            at_ms,
            outcome,
        });
        seq
    }

    /// The broker's answer for session packet `id`: acknowledged, or failed with a reason.
    /// False when no entry waits for it (a publish from elsewhere, or one aged out).
    pub fn settle(&mut self, id: u64, result: Result<(), String>) -> bool {
        let waiting = self
            .entries
            .iter_mut()
            .rev()
            .find(|e| e.outcome == Outcome::Waiting { id });
        match waiting {
            Some(e) => {
                self.revision += 1;
                e.outcome = match result {
                    Ok(()) => Outcome::Acknowledged,
                    Err(reason) => Outcome::Failed { reason },
                };
                true
            }
            None => false,
        }
    }

    pub fn newest_first(&self) -> impl Iterator<Item = &Sent> {
        self.entries.iter().rev()
    }

    pub fn get(&self, seq: u64) -> Option<&Sent> {
        self.entries.iter().find(|e| e.seq == seq)
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(topic: &str) -> Draft {
        Draft {
            topic: topic.into(),
            ..Draft::default()
        }
    }

    #[test]
    fn outcomes_settle_by_packet_id_and_read_as_users_expect() {
        let mut h = History::default();
        h.push(draft("a"), 1.0, Outcome::Waiting { id: 7 });
        h.push(draft("b"), 2.0, Outcome::Waiting { id: 8 });
        h.push(draft("c"), 3.0, Outcome::Sent);
        assert!(h.settle(8, Err("the broker refused it: Not authorized".into())));
        assert!(h.settle(7, Ok(())));
        assert!(!h.settle(7, Ok(())), "settled once");
        let texts: Vec<(String, String)> = h
            .newest_first()
            .map(|e| (e.draft.topic.clone(), e.outcome.text()))
            .collect();
        assert_eq!(
            texts,
            [
                ("c".into(), "Sent".into()),
                ("b".into(), "Failed: the broker refused it: Not authorized".into()),
                ("a".into(), "Acknowledged".into()),
            ]
        );
    }

    #[test]
    fn the_history_keeps_the_newest_entries_only() {
        let mut h = History::default();
        for i in 0..(MAX_HISTORY as u64 + 5) {
            h.push(draft(&format!("t/{i}")), i as f64, Outcome::Waiting { id: i });
        }
        assert_eq!(h.len(), MAX_HISTORY);
        assert_eq!(h.newest_first().next().unwrap().draft.topic, "t/54");
        assert_eq!(h.newest_first().last().unwrap().draft.topic, "t/5");
        assert!(!h.settle(0, Ok(())), "aged out");
        assert!(h.get(0).is_none());
        assert!(h.get(54).is_some());
    }
}
