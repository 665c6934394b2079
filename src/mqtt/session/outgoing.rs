//! Our QoS 1/2 publishes: queued behind the in-flight limit, then tracked by packet id
//! through PUBACK or PUBREC/PUBREL/PUBCOMP, and replayed after a reconnect.

use std::collections::VecDeque;

use super::{Event, Session};
use crate::mqtt::codec::encode;
use crate::mqtt::error::{with_reason, LimitError};
use crate::mqtt::packet::{Packet, Publish, QoS, Version};
use crate::sorted_map::SortedMap;

/// What a QoS 2 message whose session was lost between PUBREC and PUBCOMP reports.
pub const DELIVERY_UNKNOWN: &str =
    "Delivery unknown: the broker accepted this message, then lost the session before confirming it";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// Sent PUBLISH; waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    AwaitAck,
    /// Sent PUBREL; waiting for PUBCOMP.
    AwaitComp,
    /// In flight before a reconnect, held back since: the broker's Receive Maximum has no
    /// room for it yet. Keeps its packet id and goes again as acks free room.
    Held,
}

#[derive(Debug, Clone)]
pub(super) struct InFlight {
    pub publish: Publish,
    pub stage: Stage,
}

/// In-flight publishes by id (send order), plus a waiting queue. Acks name packet ids, which
/// are found by a scan: no more than the in-flight limit are ever in flight.
#[derive(Debug, Default)]
pub(super) struct Outgoing {
    inflight: SortedMap<u64, InFlight>,
    queue: VecDeque<(u64, Publish)>,
}

impl Outgoing {
    pub fn enqueue(&mut self, id: u64, publish: Publish) {
        self.queue.push_back((id, publish));
    }

    pub fn len(&self) -> usize {
        self.inflight.len() + self.queue.len()
    }

    pub fn insert(&mut self, id: u64, f: InFlight) {
        self.inflight.insert(id, f);
    }

    /// In flight, in send order.
    pub fn inflight(&self) -> impl Iterator<Item = &InFlight> {
        self.inflight.values()
    }

    pub fn inflight_by_id(&self) -> impl Iterator<Item = (u64, &InFlight)> {
        self.inflight.iter().map(|(&id, f)| (id, f))
    }

    /// Never sent yet, in order.
    pub fn queued(&self) -> impl ExactSizeIterator<Item = &Publish> {
        self.queue.iter().map(|(_, p)| p)
    }

    pub fn queue_mut(&mut self) -> &mut VecDeque<(u64, Publish)> {
        &mut self.queue
    }

    pub fn into_queue(self) -> VecDeque<(u64, Publish)> {
        self.queue
    }

    fn find(&mut self, pkid: u16) -> Option<(u64, &mut InFlight)> {
        self.inflight
            .find_by(|f| f.publish.pkid == pkid)
            .map(|(&id, f)| (id, f))
    }

    /// PUBLISHes the broker counts against its Receive Maximum: all but the held ones.
    fn open(&self) -> usize {
        self.inflight.values().filter(|f| f.stage != Stage::Held).count()
    }

    fn remove(&mut self, pkid: u16) -> Option<u64> {
        let id = self.find(pkid)?.0;
        self.inflight.remove(&id);
        Some(id)
    }
}

impl Session {
    /// What goes on the wire for `p`: with a topic alias when the broker allows them. A
    /// known topic goes as an empty name and its alias; a new one takes the next free alias
    /// while there is one. Aliases belong to the connection, so what is kept for a replay
    /// always has the whole topic.
    pub(super) fn wire_form(&mut self, p: &Publish) -> Packet {
        if self.version != Version::V5 || !self.opts.topic_aliases || self.alias_max_out == 0 {
            return Packet::Publish(p.clone());
        }
        let (alias, topic) = match self.aliases_out.get(p.topic.as_str()) {
            Some(&a) => (a, String::new()),
            None if self.aliases_out.len() < self.alias_max_out as usize => {
                let a = self.aliases_out.len() as u16 + 1;
                self.aliases_out.insert(p.topic.clone(), a);
                (a, p.topic.clone())
            }
            None => return Packet::Publish(p.clone()),
        };
        let mut props = p.props.as_deref().cloned().unwrap_or_default();
        props.topic_alias = Some(alias);
        Packet::Publish(Publish {
            topic,
            props: Some(Box::new(props)),
            ..p.clone()
        })
    }

    /// Refuses a packet larger than the broker accepts (its Maximum Packet Size).
    pub(super) fn check_size(&self, size: usize) -> Result<(), LimitError> {
        if size > self.max_packet_out {
            return Err(LimitError::PacketTooLarge {
                size,
                max: self.max_packet_out,
            });
        }
        Ok(())
    }

    /// Sends held publishes again, then moves queued ones into flight, while the limits allow.
    /// Held ones were sent first, so they go first; new ones wait until none is held.
    pub(super) fn flush_outgoing(&mut self) {
        if self.state != super::State::Connected {
            return;
        }
        let mut open = self.outgoing.open();
        while open < self.inflight_limit {
            let Some((_, f)) = self.outgoing.inflight.find_by(|f| f.stage == Stage::Held) else {
                break;
            };
            f.stage = Stage::AwaitAck;
            let packet = Packet::Publish(f.publish.clone());
            self.send(packet);
            open += 1;
        }
        while self.outgoing.inflight.len() < self.inflight_limit {
            // QoS 0 queued while offline: sent in its place, with no id and no ack to await.
            if self
                .outgoing
                .queue
                .front()
                .is_some_and(|(_, p)| p.qos == QoS::AtMostOnce)
            {
                if let Some((id, publish)) = self.outgoing.queue.pop_front() {
                    self.send_queued_qos0(id, &publish);
                }
                continue;
            }
            let Some(pkid) = self.ids.allocate() else {
                return;
            };
            let Some((id, mut publish)) = self.outgoing.queue.pop_front() else {
                self.ids.release(pkid);
                self.durable_dirty = true;
                return;
            };
            // Queued before this CONNACK, so never checked against its Maximum QoS:
            // sending it would get us disconnected (0x9B), again after every replay.
            let refusal = if publish.qos > self.max_qos {
                Some(LimitError::QoSUnavailable {
                    asked: publish.qos as u8,
                    max: self.max_qos as u8,
                })
            } else if publish.retain && !self.retain_available {
                Some(LimitError::RetainUnavailable)
            } else {
                None
            };
            if let Some(e) = refusal {
                self.ids.release(pkid);
                self.durable_dirty = true;
                self.events.push_back(Event::PublishFailed {
                    id,
                    reason: e.to_string(),
                });
                continue;
            }
            publish.pkid = pkid;
            let bytes = match encode(self.version, &self.wire_form(&publish)) {
                Ok(b) => b,
                Err(e) => {
                    self.ids.release(pkid);
                    self.durable_dirty = true;
                    self.events.push_back(Event::PublishFailed {
                        id,
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            if let Err(e) = self.check_size(bytes.len()) {
                self.ids.release(pkid);
                self.durable_dirty = true;
                self.events.push_back(Event::PublishFailed {
                    id,
                    reason: e.to_string(),
                });
                continue;
            }
            self.push_transmit(bytes);
            self.note_publish_sent(id);
            self.durable_dirty = true;
            self.outgoing.inflight.insert(
                id,
                InFlight {
                    publish,
                    stage: Stage::AwaitAck,
                },
            );
        }
    }

    /// After CONNACK: replay what was in flight. With the session resumed the spec asks
    /// for the same packet ids, DUP on PUBLISH, and PUBREL where PUBREC had arrived.
    /// Without it the broker forgot everything: PUBLISH goes again as new, and a QoS 2
    /// message whose PUBREC arrived can be neither resent (it may be delivered twice) nor
    /// confirmed, so it is reported as delivery unknown.
    /// PUBLISHes go again only within this CONNACK's Receive Maximum, which may be lower than
    /// the last one's (§4.9), and in which messages past PUBREC keep their place; the rest
    /// are held for `flush_outgoing`.
    pub(super) fn replay_outgoing(&mut self, session_present: bool) {
        self.durable_dirty = true;
        let past_pubrec = if session_present {
            self.outgoing
                .inflight
                .values()
                .filter(|f| f.stage == Stage::AwaitComp)
                .count()
        } else {
            0
        };
        let mut room = self.inflight_limit.saturating_sub(past_pubrec);
        let ids: Vec<u64> = self.outgoing.inflight.keys().copied().collect();
        for id in ids {
            let Some(f) = self.outgoing.inflight.get_mut(&id) else {
                continue;
            };
            let pkid = f.publish.pkid;
            match (f.stage, session_present) {
                (Stage::AwaitAck | Stage::Held, _) => {
                    f.publish.dup = session_present;
                    if room == 0 {
                        f.stage = Stage::Held;
                        continue;
                    }
                    room -= 1;
                    f.stage = Stage::AwaitAck;
                    let packet = Packet::Publish(f.publish.clone());
                    let queued = self.transmit.len();
                    self.send(packet);
                    if self.transmit.len() > queued {
                        self.note_publish_sent(id);
                    }
                }
                (Stage::AwaitComp, true) => self.send(Packet::PubRel { pkid, code: 0 }),
                // The broker took the message (PUBREC) but lost the session before
                // PUBCOMP: it was most likely delivered, but nobody can say so.
                (Stage::AwaitComp, false) => {
                    self.outgoing.remove(pkid);
                    self.ids.release(pkid);
                    self.durable_dirty = true;
                    self.events.push_back(Event::PublishFailed {
                        id,
                        reason: DELIVERY_UNKNOWN.into(),
                    });
                }
            }
        }
        self.flush_outgoing();
    }

    fn send_queued_qos0(&mut self, id: u64, publish: &Publish) {
        self.durable_dirty = true;
        let sent = encode(self.version, &self.wire_form(publish))
            .map_err(|e| e.to_string())
            .and_then(|b| self.check_size(b.len()).map(|_| b).map_err(|e| e.to_string()));
        match sent {
            Ok(bytes) => {
                self.push_transmit(bytes);
                self.events.push_back(Event::PublishSent { id });
            }
            Err(reason) => self.events.push_back(Event::PublishFailed { id, reason }),
        }
    }

    /// The packet just queued carried publish `id`: remember it when it is the largest yet.
    fn note_publish_sent(&mut self, id: u64) {
        let size = self.transmit.back().map_or(0, |b| b.len());
        if size >= self.largest_out.0 {
            self.largest_out = (size, Some(id));
        }
    }

    /// The broker closed the link because a message was too big: the largest packet written
    /// on it. When that was a publish still awaiting its ack, it fails and leaves the session
    /// (it could never be delivered); returns its payload size and topic.
    pub(super) fn drop_largest_publish(&mut self) -> Option<(usize, String)> {
        let id = self.largest_out.1?;
        let f = self.outgoing.inflight.get(&id)?;
        if f.stage != Stage::AwaitAck {
            return None;
        }
        let (pkid, size, topic) = (f.publish.pkid, f.publish.payload.len(), f.publish.topic.clone());
        self.outgoing.remove(pkid);
        self.ids.release(pkid);
        self.durable_dirty = true;
        self.events.push_back(Event::PublishFailed {
            id,
            reason: format!(
                "The broker refused this message: {size} bytes on {topic} is more than it takes \
                 (it closed the connection with code 1009, message too big); it was not resent"
            ),
        });
        Some((size, topic))
    }

    pub(super) fn on_puback(&mut self, pkid: u16, code: u8, reason: Option<String>) {
        // An ack for nothing we sent is harmless; ignoring it keeps the link up.
        let Some((_, f)) = self.outgoing.find(pkid) else {
            return;
        };
        // A broker without QoS 2 (RabbitMQ before 3.12) takes a QoS 2 publish as QoS 1 and
        // answers PUBACK: it has the message, and waiting for a PUBREC would hold the packet id
        // and a place in the broker's receive window for good.
        let downgraded = f.publish.qos == QoS::ExactlyOnce && f.stage == Stage::AwaitAck;
        if f.publish.qos != QoS::AtLeastOnce && !downgraded {
            return;
        }
        if let Some(id) = self.outgoing.remove(pkid) {
            self.ids.release(pkid);
            self.durable_dirty = true;
            self.events.push_back(ack_event(id, code, reason.as_deref()));
            self.flush_outgoing();
        }
    }

    pub(super) fn on_pubrec(&mut self, pkid: u16, code: u8, reason: Option<String>) {
        let Some((id, f)) = self.outgoing.find(pkid) else {
            return;
        };
        if f.publish.qos != QoS::ExactlyOnce {
            return;
        }
        if code >= 0x80 {
            self.outgoing.remove(pkid);
            self.ids.release(pkid);
            self.durable_dirty = true;
            self.events.push_back(ack_event(id, code, reason.as_deref()));
            self.flush_outgoing();
            return;
        }
        f.stage = Stage::AwaitComp;
        self.durable_dirty = true;
        self.send(Packet::PubRel { pkid, code: 0 });
    }

    pub(super) fn on_pubcomp(&mut self, pkid: u16, code: u8, reason: Option<String>) {
        let Some((_, f)) = self.outgoing.find(pkid) else {
            return;
        };
        if f.stage != Stage::AwaitComp {
            return;
        }
        if let Some(id) = self.outgoing.remove(pkid) {
            self.ids.release(pkid);
            self.durable_dirty = true;
            self.events.push_back(ack_event(id, code, reason.as_deref()));
            self.flush_outgoing();
        }
    }
}

fn ack_event(id: u64, code: u8, reason: Option<&str>) -> Event {
    if code >= 0x80 {
        Event::PublishFailed {
            id,
            reason: with_reason(code, reason),
        }
    } else {
        Event::PublishAcked { id }
    }
}
