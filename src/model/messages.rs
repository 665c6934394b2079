//! The message store: every message in one ring bounded by a global cap, per-topic
//! histories (the newest N sequence numbers of each topic) and the topic tree.

use std::collections::VecDeque;

use bytes::Bytes;

use super::fold::contains_folded;
use super::props::any_text;
use super::requests::Requests;
use super::tree::{NodeId, TopicTree};
use crate::mqtt::topic::matches;
use crate::mqtt::{PublishProps, QoS};

pub const DEFAULT_GLOBAL_CAP: usize = 20_000;
pub const DEFAULT_PER_TOPIC_CAP: usize = 100;

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
    /// The tree node of a received message's topic.
    pub node: Option<NodeId>,
    /// MQTT 5 properties, as received or sent.
    pub props: Option<Box<PublishProps>>,
    /// Request / response: the other half of the pair and the round trip.
    pub pairing: Option<Pairing>,
}

/// How a message takes part in an MQTT 5 request / response exchange.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pairing {
    /// A request (ours, with a Response Topic) answered by message `seq`.
    AnsweredBy { seq: u64, round_trip_ms: f64 },
    /// A response to our request `seq`.
    Answers { seq: u64, round_trip_ms: f64 },
}

/// A message as it enters the store: received from the broker or published by us.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageIn {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    pub direction: Direction,
    /// Wall-clock milliseconds since the Unix epoch.
    pub time_ms: f64,
    pub delivery: Delivery,
    pub props: Option<Box<PublishProps>>,
}

#[derive(Debug)]
pub struct MessageStore {
    global_cap: usize,
    per_topic_cap: usize,
    /// Oldest at the front; `seq` of entry i is `ring[0].seq + i`.
    ring: VecDeque<StoredMessage>,
    /// Indexed by the tree's node ids, which are dense; empty queues do not allocate.
    per_topic: Vec<VecDeque<u64>>,
    tree: TopicTree,
    next_seq: u64,
    requests: Requests,
    received: u64,
}

impl MessageStore {
    pub fn new(global_cap: usize, per_topic_cap: usize) -> Self {
        MessageStore {
            global_cap: global_cap.max(1),
            per_topic_cap: per_topic_cap.max(1),
            ring: VecDeque::new(),
            per_topic: Vec::new(),
            tree: TopicTree::default(),
            next_seq: 1,
            requests: Requests::default(),
            received: 0,
        }
    }

    /// Total messages received since start, including ones the caps dropped.
    pub fn received_total(&self) -> u64 {
        self.received
    }

    pub fn len(&self) -> usize {
        self.ring.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    pub fn tree(&self) -> &TopicTree {
        &self.tree
    }

    pub fn tree_mut(&mut self) -> &mut TopicTree {
        &mut self.tree
    }

    pub fn per_topic_cap(&self) -> usize {
        self.per_topic_cap
    }

    /// Changes the per-topic cap; histories longer than the new cap are cut now.
    pub fn set_per_topic_cap(&mut self, cap: usize) {
        self.per_topic_cap = cap.max(1);
        for seqs in &mut self.per_topic {
            while seqs.len() > self.per_topic_cap {
                seqs.pop_front();
            }
        }
    }

    /// The oldest sequence number still stored.
    pub fn oldest_seq(&self) -> u64 {
        self.ring.front().map_or(self.next_seq, |m| m.seq)
    }

    /// The sequence number the next message will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Stores a message and returns its sequence number; a received one also updates the tree
    /// and its topic's history.
    pub fn push(&mut self, message: MessageIn) -> u64 {
        let MessageIn {
            topic,
            payload,
            qos,
            retain,
            direction,
            time_ms,
            delivery,
            props,
        } = message;
        let seq = self.next_seq;
        self.next_seq += 1;
        let node = (direction == Direction::Received).then(|| {
            self.received += 1;
            let node = self.tree.record(&topic, &payload, retain, time_ms);
            if self.per_topic.len() <= node {
                self.per_topic.resize_with(node + 1, VecDeque::new);
            }
            let seqs = &mut self.per_topic[node];
            seqs.push_back(seq);
            if seqs.len() > self.per_topic_cap {
                seqs.pop_front();
            }
            node
        });
        if self.ring.len() == self.global_cap {
            self.evict_oldest();
        }
        let pairing = self.pair(seq, direction, &topic, props.as_deref(), time_ms);
        self.ring.push_back(StoredMessage {
            seq,
            topic,
            payload,
            qos,
            retain,
            direction,
            time_ms,
            delivery,
            node,
            props,
            pairing,
        });
        seq
    }

    /// Records our request, or matches a received message to one, marking the request too.
    /// Costs nothing while no request waits.
    fn pair(
        &mut self,
        seq: u64,
        direction: Direction,
        topic: &str,
        props: Option<&PublishProps>,
        at_ms: f64,
    ) -> Option<Pairing> {
        match direction {
            Direction::Published => {
                if let Some(p) = props.filter(|p| p.response_topic.is_some()) {
                    let response_topic = p.response_topic.as_deref().unwrap_or_default();
                    self.requests
                        .sent(seq, response_topic, p.correlation_data.clone(), at_ms);
                }
                None
            }
            Direction::Received => {
                let correlation = props.and_then(|p| p.correlation_data.as_deref());
                let answer = self.requests.received(topic, correlation, at_ms)?;
                let round_trip_ms = answer.round_trip_ms;
                if let Some(request) = self.get_mut(answer.request_seq) {
                    request.pairing = Some(Pairing::AnsweredBy { seq, round_trip_ms });
                }
                Some(Pairing::Answers {
                    seq: answer.request_seq,
                    round_trip_ms,
                })
            }
        }
    }

    /// True while a request of ours waits for an answer on `topic`.
    pub fn awaits_response_on(&self, topic: &str) -> bool {
        self.requests.awaits(topic)
    }

    fn evict_oldest(&mut self) {
        let Some(old) = self.ring.pop_front() else { return };
        if let Some(node) = old.node {
            if let Some(seqs) = self.per_topic.get_mut(node) {
                if seqs.front() == Some(&old.seq) {
                    seqs.pop_front();
                }
            }
        }
    }

    pub fn get(&self, seq: u64) -> Option<&StoredMessage> {
        let first = self.ring.front()?.seq;
        self.ring.get(seq.checked_sub(first)? as usize)
    }

    fn get_mut(&mut self, seq: u64) -> Option<&mut StoredMessage> {
        let first = self.ring.front()?.seq;
        self.ring.get_mut(seq.checked_sub(first)? as usize)
    }

    /// Newest first.
    pub fn iter(&self) -> impl Iterator<Item = &StoredMessage> {
        self.ring.iter().rev()
    }

    /// Oldest first, for export.
    pub fn iter_oldest_first(&self) -> impl Iterator<Item = &StoredMessage> {
        self.ring.iter()
    }

    /// A topic's stored history, newest first.
    pub fn topic_history(&self, node: NodeId) -> impl Iterator<Item = &StoredMessage> {
        let seqs = self.per_topic.get(node);
        seqs.into_iter()
            .flat_map(|s| s.iter().rev())
            .filter_map(|&seq| self.get(seq))
    }

    /// The message received on the same topic just before `seq`, for the diff.
    pub fn previous_on_topic(&self, seq: u64) -> Option<&StoredMessage> {
        let node = self.get(seq)?.node?;
        let seqs = self.per_topic.get(node)?;
        let at = seqs.iter().position(|&s| s == seq)?;
        self.get(*seqs.get(at.checked_sub(1)?)?)
    }

    /// Records the outcome of our publish `id`; false when it already left the store.
    pub fn settle(&mut self, id: u64, outcome: Delivery) -> bool {
        let found = self
            .ring
            .iter_mut()
            .rev()
            .find(|m| matches!(m.delivery, Delivery::Pending { id: p } if p == id));
        match found {
            Some(m) => {
                m.delivery = outcome;
                true
            }
            None => false,
        }
    }

    /// Forgets messages (the tree keeps its topics and counts).
    pub fn clear(&mut self) {
        self.ring.clear();
        self.per_topic.clear();
    }
}

/// What the message list shows: by direction, topic filter and payload text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub direction: Option<Direction>,
    /// An MQTT filter (`+`, `#`); empty shows all.
    pub topic: String,
    /// Case-insensitive text the payload must contain.
    pub text: String,
}

impl ListFilter {
    pub fn is_empty(&self) -> bool {
        self.direction.is_none() && self.topic.is_empty() && self.text.is_empty()
    }

    pub fn accepts(&self, m: &StoredMessage) -> bool {
        if self.direction.is_some_and(|d| d != m.direction) {
            return false;
        }
        if !self.topic.is_empty() && !matches(&self.topic, &m.topic) {
            return false;
        }
        if !self.text.is_empty() {
            // Only the first 64 KB are searched: text search must not stall a frame.
            let head = &m.payload[..m.payload.len().min(64 * 1024)];
            return contains_folded(&String::from_utf8_lossy(head), &self.text)
                || m.props
                    .as_deref()
                    .is_some_and(|p| any_text(p, |s| contains_folded(s, &self.text)));
        }
        true
    }
}

/// The sequence numbers a list shows, kept up to date incrementally: each refresh
/// looks only at messages that arrived since the last one.
#[derive(Debug, Default)]
pub struct FilteredView {
    filter: ListFilter,
    /// Oldest first.
    seqs: VecDeque<u64>,
    scanned_to: u64,
}

impl FilteredView {
    pub fn new(filter: ListFilter) -> Self {
        FilteredView {
            filter,
            seqs: VecDeque::new(),
            scanned_to: 0,
        }
    }

    pub fn filter(&self) -> &ListFilter {
        &self.filter
    }

    pub fn refresh(&mut self, store: &MessageStore) {
        let oldest = store.oldest_seq();
        while self.seqs.front().is_some_and(|&s| s < oldest) {
            self.seqs.pop_front();
        }
        let from = self.scanned_to.max(oldest);
        for seq in from..store.next_seq() {
            if let Some(m) = store.get(seq) {
                if self.filter.accepts(m) {
                    self.seqs.push_back(seq);
                }
            }
        }
        self.scanned_to = store.next_seq();
    }

    /// After `clear`, sequence numbers continue; stale ones are dropped on refresh.
    pub fn len(&self) -> usize {
        self.seqs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }

    /// How many of the listed messages have a sequence number of `seq` or later.
    pub fn count_from(&self, seq: u64) -> usize {
        self.seqs.len() - self.seqs.partition_point(|&s| s < seq)
    }

    /// The `i`th message, newest first.
    pub fn nth_newest(&self, i: usize) -> Option<u64> {
        self.seqs
            .len()
            .checked_sub(i + 1)
            .and_then(|idx| self.seqs.get(idx).copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(store: &mut MessageStore, topic: &str, payload: &'static [u8]) -> u64 {
        store.push(MessageIn {
            topic: topic.into(),
            payload: Bytes::from_static(payload),
            qos: QoS::AtMostOnce,
            retain: false,
            direction: Direction::Received,
            time_ms: 0.0,
            delivery: Delivery::None,
            props: None,
        })
    }

    #[test]
    fn newest_first_and_the_global_cap_drops_the_oldest() {
        let mut store = MessageStore::new(3, 10);
        for t in ["a", "b", "c", "d"] {
            push(&mut store, t, b"x");
        }
        let topics: Vec<&str> = store.iter().map(|m| m.topic.as_str()).collect();
        assert_eq!(topics, vec!["d", "c", "b"]);
        assert_eq!(store.received_total(), 4);
        assert_eq!(
            store.tree().topic_count(),
            4,
            "the tree keeps topics whose messages were dropped"
        );
    }

    #[test]
    fn per_topic_history_is_capped_and_newest_first() {
        let mut store = MessageStore::new(100, 2);
        push(&mut store, "t", b"1");
        push(&mut store, "u", b"x");
        push(&mut store, "t", b"2");
        push(&mut store, "t", b"3");
        let node = store.tree().find("t").unwrap();
        let payloads: Vec<&[u8]> = store.topic_history(node).map(|m| &m.payload[..]).collect();
        assert_eq!(payloads, vec![&b"3"[..], b"2"]);
    }

    #[test]
    fn the_previous_message_on_a_topic_is_found_for_the_diff() {
        let mut store = MessageStore::new(100, 10);
        push(&mut store, "t", b"1");
        push(&mut store, "u", b"x");
        let last = push(&mut store, "t", b"2");
        assert_eq!(&store.previous_on_topic(last).unwrap().payload[..], b"1");
    }

    #[test]
    fn memory_is_bounded_by_the_global_cap_whatever_the_flood() {
        let mut store = MessageStore::new(1000, 100);
        for i in 0..50_000 {
            store.push(MessageIn {
                topic: format!("flood/{}", i % 10_000),
                payload: Bytes::from_static(b"v"),
                qos: QoS::AtMostOnce,
                retain: false,
                direction: Direction::Received,
                time_ms: 0.0,
                delivery: Delivery::None,
                props: None,
            });
        }
        assert_eq!(store.len(), 1000);
        let total: usize = store.per_topic.iter().map(|s| s.len()).sum();
        assert!(
            total <= 1000,
            "per-topic histories point only at stored messages: {total}"
        );
    }

    #[test]
    fn a_publish_is_marked_acknowledged_by_its_id() {
        let mut store = MessageStore::new(10, 10);
        store.push(MessageIn {
            topic: "t".into(),
            payload: Bytes::new(),
            qos: QoS::AtLeastOnce,
            retain: false,
            direction: Direction::Published,
            time_ms: 0.0,
            delivery: Delivery::Pending { id: 7 },
            props: None,
        });
        assert!(store.settle(7, Delivery::Acknowledged { at_ms: 5.0 }));
        assert_eq!(
            store.iter().next().unwrap().delivery,
            Delivery::Acknowledged { at_ms: 5.0 }
        );
        assert!(!store.settle(8, Delivery::Acknowledged { at_ms: 5.0 }));
    }

    fn message(topic: &str, direction: Direction, props: PublishProps, time_ms: f64) -> MessageIn {
        MessageIn {
            topic: topic.into(),
            payload: Bytes::from_static(b"{}"),
            qos: QoS::AtMostOnce,
            retain: false,
            direction,
            time_ms,
            delivery: Delivery::None,
            props: props.boxed(),
        }
    }

    #[test]
    fn a_response_is_paired_with_its_request_and_the_round_trip_is_kept() {
        let mut store = MessageStore::new(10, 10);
        let request = store.push(message(
            "svc/lamp/get",
            Direction::Published,
            PublishProps {
                response_topic: Some("reply/deck".into()),
                correlation_data: Some(Bytes::from_static(b"42")),
                ..PublishProps::default()
            },
            1_000.0,
        ));
        assert!(store.awaits_response_on("reply/deck"));
        let other = store.push(message(
            "reply/deck",
            Direction::Received,
            PublishProps::default(),
            1_010.0,
        ));
        let response = store.push(message(
            "reply/deck",
            Direction::Received,
            PublishProps {
                correlation_data: Some(Bytes::from_static(b"42")),
                ..PublishProps::default()
            },
            1_037.0,
        ));
        assert_eq!(store.get(other).unwrap().pairing, None);
        assert_eq!(
            store.get(response).unwrap().pairing,
            Some(Pairing::Answers {
                seq: request,
                round_trip_ms: 37.0
            })
        );
        assert_eq!(
            store.get(request).unwrap().pairing,
            Some(Pairing::AnsweredBy {
                seq: response,
                round_trip_ms: 37.0
            })
        );
        assert!(!store.awaits_response_on("reply/deck"));
    }

    #[test]
    fn the_text_filter_finds_messages_by_their_mqtt_5_properties() {
        let mut store = MessageStore::new(10, 10);
        push(&mut store, "plain", b"hello");
        store.push(MessageIn {
            props: crate::mqtt::PublishProps {
                user_properties: vec![("site".into(), "Basement Lab".into())],
                content_type: Some("application/cbor".into()),
                ..Default::default()
            }
            .boxed(),
            ..MessageIn {
                topic: "tagged".into(),
                payload: Bytes::from_static(b"\x00"),
                qos: QoS::AtMostOnce,
                retain: false,
                direction: Direction::Received,
                time_ms: 0.0,
                delivery: Delivery::None,
                props: None,
            }
        });
        for text in ["basement", "CBOR"] {
            let filter = ListFilter {
                text: text.into(),
                ..ListFilter::default()
            };
            let topics: Vec<&str> = store
                .iter()
                .filter(|m| filter.accepts(m))
                .map(|m| m.topic.as_str())
                .collect();
            assert_eq!(topics, ["tagged"], "{text}");
        }
    }

    #[test]
    fn filtered_views_update_incrementally_and_forget_evicted_messages() {
        let mut store = MessageStore::new(4, 10);
        let mut view = FilteredView::new(ListFilter {
            topic: "home/#".into(),
            ..ListFilter::default()
        });
        push(&mut store, "home/a", b"on");
        push(&mut store, "office/b", b"on");
        view.refresh(&store);
        assert_eq!(view.len(), 1);
        for _ in 0..4 {
            push(&mut store, "office/b", b"x");
        }
        push(&mut store, "home/c", b"OFF");
        view.refresh(&store);
        assert_eq!(view.len(), 1, "home/a left the store");
        assert_eq!(store.get(view.nth_newest(0).unwrap()).unwrap().topic, "home/c");

        let mut by_text = FilteredView::new(ListFilter {
            text: "off".into(),
            ..ListFilter::default()
        });
        by_text.refresh(&store);
        assert_eq!(by_text.len(), 1);
        let mut sent = FilteredView::new(ListFilter {
            direction: Some(Direction::Published),
            ..Default::default()
        });
        sent.refresh(&store);
        assert!(sent.is_empty());
    }
}
