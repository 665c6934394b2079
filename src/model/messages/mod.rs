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
    /// Waiting for a connection (the offline queue): sent in order when one comes.
    Queued {
        id: u64,
    },
    Acknowledged {
        at_ms: f64,
    },
    /// MQTT 3.1.1: acknowledged, but not (yet) back on the subscription it matches. A 3.1.1
    /// broker acknowledges a publish its ACL refused and drops it without a word, so this is
    /// the only sign there is. Becomes `Acknowledged` when the message comes back.
    NotSeenBack {
        id: u64,
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

    /// Records the outcome of our publish `id` (pending, or not seen back); false when it
    /// already left the store.
    pub fn settle(&mut self, id: u64, outcome: Delivery) -> bool {
        let found = self.ring.iter_mut().rev().find(|m| {
            matches!(m.delivery, Delivery::Pending { id: p } | Delivery::Queued { id: p } | Delivery::NotSeenBack { id: p, .. } if p == id)
        });
        match found {
            Some(m) => {
                m.delivery = outcome;
                true
            }
            None => false,
        }
    }

    /// A connection came: queued QoS 1/2 publishes now wait for their acknowledgement (QoS 0
    /// ones until `PublishSent`). True when one changed.
    pub fn connection_came(&mut self) -> bool {
        let mut changed = false;
        for m in self.ring.iter_mut() {
            if let (Delivery::Queued { id }, true) = (&m.delivery, m.qos != QoS::AtMostOnce) {
                m.delivery = Delivery::Pending { id: *id };
                changed = true;
            }
        }
        changed
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
mod tests;
