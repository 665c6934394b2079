//! The message store: received and published messages, newest first, within a cap.

use std::collections::VecDeque;

use bytes::Bytes;

use crate::mqtt::QoS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Received,
    Published,
}

/// Where a QoS 1/2 publish of ours stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Received messages, and QoS 0 publishes: nothing to wait for.
    None,
    Pending {
        id: u64,
    },
    Acknowledged {
        at_ms: f64,
    },
    Failed {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredMessage {
    /// Increases by one per stored message; a stable key for rendering.
    pub seq: u64,
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    pub direction: Direction,
    /// Wall-clock milliseconds since the Unix epoch.
    pub time_ms: f64,
    pub delivery: Delivery,
}

/// A ring of messages: the oldest go when the cap is reached, so memory stays bounded.
#[derive(Debug)]
pub struct MessageStore {
    cap: usize,
    messages: VecDeque<StoredMessage>,
    next_seq: u64,
    received: u64,
}

impl MessageStore {
    pub fn new(cap: usize) -> Self {
        MessageStore {
            cap: cap.max(1),
            messages: VecDeque::new(),
            next_seq: 1,
            received: 0,
        }
    }

    /// Total messages received since start, including ones the cap dropped.
    pub fn received_total(&self) -> u64 {
        self.received
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        topic: String,
        payload: Bytes,
        qos: QoS,
        retain: bool,
        direction: Direction,
        time_ms: f64,
        delivery: Delivery,
    ) -> u64 {
        if direction == Direction::Received {
            self.received += 1;
        }
        if self.messages.len() == self.cap {
            self.messages.pop_back();
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.messages.push_front(StoredMessage {
            seq,
            topic,
            payload,
            qos,
            retain,
            direction,
            time_ms,
            delivery,
        });
        seq
    }

    /// Newest first.
    pub fn iter(&self) -> impl Iterator<Item = &StoredMessage> {
        self.messages.iter()
    }

    /// Records the outcome of our publish `id`; false when it already left the store.
    pub fn settle(&mut self, id: u64, outcome: Delivery) -> bool {
        let found = self
            .messages
            .iter_mut()
            .find(|m| matches!(m.delivery, Delivery::Pending { id: p } if p == id));
        match found {
            Some(m) => {
                m.delivery = outcome;
                true
            }
            None => false,
        }
    }

    pub fn clear(&mut self) {
        self.messages.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(store: &mut MessageStore, topic: &str) -> u64 {
        store.push(
            topic.into(),
            Bytes::from_static(b"x"),
            QoS::AtMostOnce,
            false,
            Direction::Received,
            0.0,
            Delivery::None,
        )
    }

    #[test]
    fn newest_first_and_the_cap_drops_the_oldest() {
        let mut store = MessageStore::new(3);
        for t in ["a", "b", "c", "d"] {
            push(&mut store, t);
        }
        let topics: Vec<&str> = store.iter().map(|m| m.topic.as_str()).collect();
        assert_eq!(topics, vec!["d", "c", "b"]);
        assert_eq!(store.received_total(), 4);
    }

    #[test]
    fn a_publish_is_marked_acknowledged_by_its_id() {
        let mut store = MessageStore::new(10);
        store.push(
            "t".into(),
            Bytes::new(),
            QoS::AtLeastOnce,
            false,
            Direction::Published,
            0.0,
            Delivery::Pending { id: 7 },
        );
        assert!(store.settle(7, Delivery::Acknowledged { at_ms: 5.0 }));
        assert_eq!(
            store.iter().next().unwrap().delivery,
            Delivery::Acknowledged { at_ms: 5.0 }
        );
        assert!(!store.settle(8, Delivery::Acknowledged { at_ms: 5.0 }));
    }
}
