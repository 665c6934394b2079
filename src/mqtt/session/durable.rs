//! The durable session as plain data, so that it can outlive the page: what the broker may
//! still hold for us (packet ids of our QoS 1/2 publishes and their stage, the ids of its QoS 2
//! messages we received but whose PUBREL has not come), our subscriptions, and the publishes
//! that wait for a connection (the offline queue). The glue stores it; a new page restores it
//! before connecting, and the CONNACK's Session Present decides what of it still holds.

use std::collections::VecDeque;

use bytes::Bytes;

use super::outgoing::{InFlight, Outgoing, Stage};
use super::{Session, State};
use crate::mqtt::packet::{Publish, PublishProps, QoS, SubOptions};

/// The format of [`Durable`]: a record of another format is ignored, with a message.
pub const DURABLE_VERSION: u32 = 1;

/// Publishes that may wait for a connection: beyond either cap, publishing is refused with a
/// message, so a page left offline cannot fill the browser's storage.
pub const MAX_QUEUED: usize = 1_000;
pub const MAX_QUEUED_BYTES: usize = 4 * 1024 * 1024;

/// What survives a reload, publishes with their MQTT 5 properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Durable {
    pub version: u32,
    /// The id the session was made with (or the broker assigned).
    pub client_id: String,
    /// A broker accepted a connection of this session: it may keep state for it. Without this,
    /// a CONNACK with Session Present names a session we know nothing of (§3.2.2.1.1).
    pub known_to_broker: bool,
    pub subscriptions: Vec<(String, SubOptions)>,
    /// Our QoS 1/2 publishes in flight (send order), then those never sent.
    pub outgoing: Vec<StoredPublish>,
    /// The broker's QoS 2 messages delivered to the app whose PUBREL has not arrived: a resent
    /// PUBLISH with one of these ids is the same message.
    pub incoming_qos2: Vec<u16>,
    /// Where packet id allocation goes on, so that new ids follow the ones the broker saw.
    pub next_pkid: u16,
}

/// One publish of ours that was not completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPublish {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: QoS,
    pub retain: bool,
    /// The packet id it went with; 0 when it was never sent.
    pub pkid: u16,
    /// QoS 2 with PUBREC received: PUBREL goes next, never the PUBLISH again.
    pub released: bool,
    /// Its MQTT 5 properties as published: never a topic alias (`wire_form` adds one per
    /// connection, to what is sent, not to what is kept) nor subscription ids.
    pub props: Option<Box<PublishProps>>,
}

impl Durable {
    /// Nothing worth keeping: no record need be stored.
    pub fn is_empty(&self) -> bool {
        !self.known_to_broker && self.outgoing.is_empty() && self.incoming_qos2.is_empty()
    }
}

fn stored(p: &Publish, released: bool) -> StoredPublish {
    StoredPublish {
        topic: p.topic.clone(),
        payload: p.payload.to_vec(),
        qos: p.qos,
        retain: p.retain,
        pkid: p.pkid,
        released,
        props: p.props.clone(),
    }
}

impl Session {
    /// The durable state now, for storing. With clean start the broker keeps nothing for the
    /// next page to resume: only our unacknowledged publishes are kept, as never sent (those
    /// past PUBREC, which the broker has, are not: they would be delivered twice).
    pub fn durable(&self) -> Durable {
        let resumable = !self.opts.clean_start;
        let inflight = self.outgoing.inflight().filter_map(|f| {
            let released = f.stage == Stage::AwaitComp;
            match resumable {
                true => Some(stored(&f.publish, released)),
                false if released => None,
                false => Some(StoredPublish {
                    pkid: 0,
                    ..stored(&f.publish, false)
                }),
            }
        });
        let queued = self.outgoing.queued().map(|p| stored(p, false));
        let outgoing = inflight.chain(queued).collect();
        if !resumable {
            return Durable {
                version: DURABLE_VERSION,
                client_id: self.client_id.clone(),
                outgoing,
                next_pkid: self.ids.next(),
                ..Durable::default()
            };
        }
        Durable {
            version: DURABLE_VERSION,
            client_id: self.client_id.clone(),
            known_to_broker: self.known_to_broker,
            subscriptions: self.subscriptions.iter().map(|(f, o)| (f.clone(), *o)).collect(),
            outgoing,
            incoming_qos2: self.incoming_qos2.keys().copied().collect(),
            next_pkid: self.ids.next(),
        }
    }

    /// True once after the durable state changed (a QoS 1/2 flow moved, a subscription came
    /// or went, a publish was queued): the glue stores [`Session::durable`] then, batched.
    /// QoS 0 traffic never sets it.
    pub fn poll_durable(&mut self) -> bool {
        std::mem::take(&mut self.durable_dirty)
    }

    /// Takes the state of a stored session: only while idle, before `connect`. Restored
    /// publishes get new ids (returned with them, in order; packet id 0 means never sent),
    /// what the session held already stays (its unsent publishes go after the restored ones).
    pub fn restore(&mut self, d: Durable) -> Vec<(u64, Publish)> {
        if self.state != State::Idle || d.version != DURABLE_VERSION {
            return Vec::new();
        }
        if !d.client_id.is_empty() {
            self.restored_client_id = Some(d.client_id);
        }
        self.known_to_broker |= d.known_to_broker;
        for (filter, options) in d.subscriptions {
            if self.subscriptions.insert(filter.clone(), options).is_none() {
                // Sent again on connecting even when the broker kept them: the SUBACK is
                // how the subscription list learns their outcome.
                self.unsent_subscribes.push((filter, options));
            }
        }
        for pkid in d.incoming_qos2 {
            self.incoming_qos2.insert(pkid, ());
        }
        let waiting: VecDeque<(u64, Publish)> = std::mem::take(self.outgoing.queue_mut());
        let mut restored = Vec::new();
        for s in d.outgoing {
            let id = self.next_publish_id;
            self.next_publish_id += 1;
            let mut publish = Publish {
                topic: s.topic,
                payload: Bytes::from(s.payload),
                qos: s.qos,
                retain: s.retain,
                dup: false,
                pkid: s.pkid,
                props: s.props,
            };
            // A repeated id in a damaged record: the copy goes as a new message.
            let sent = s.pkid != 0 && s.qos != QoS::AtMostOnce && !self.ids.is_used(s.pkid);
            if sent {
                self.ids.claim(s.pkid);
                let stage = if s.released && s.qos == QoS::ExactlyOnce {
                    Stage::AwaitComp
                } else {
                    Stage::AwaitAck
                };
                self.outgoing.insert(
                    id,
                    InFlight {
                        publish: publish.clone(),
                        stage,
                    },
                );
            } else {
                publish.pkid = 0;
                self.outgoing.enqueue(id, publish.clone());
            }
            restored.push((id, publish));
        }
        self.outgoing.queue_mut().extend(waiting);
        if d.next_pkid != 0 {
            self.ids.set_next(d.next_pkid);
        }
        restored
    }

    /// Lets go of the durable state while idle (the app turns to another stored session):
    /// returns the ids of the publishes that were in flight and the publishes never sent,
    /// which the next connection may take. Subscriptions stay, as they do across `connect`.
    pub fn take_durable(&mut self) -> (Vec<u64>, Vec<(u64, Publish)>) {
        if self.state != State::Idle {
            return (Vec::new(), Vec::new());
        }
        let old = std::mem::take(&mut self.outgoing);
        let mut inflight = Vec::new();
        for (id, f) in old.inflight_by_id() {
            self.ids.release(f.publish.pkid);
            inflight.push(id);
        }
        self.incoming_qos2 = Default::default();
        self.known_to_broker = false;
        let queued = old.into_queue().into_iter().collect();
        (inflight, queued)
    }

    /// Puts back publishes `take_durable` returned as never sent.
    pub fn requeue(&mut self, publishes: Vec<(u64, Publish)>) {
        for (id, p) in publishes {
            self.outgoing.enqueue(id, p);
        }
        self.durable_dirty = true;
    }
}

/// The offline queue's caps, checked before a publish joins it.
pub(super) fn queue_has_room(outgoing: &Outgoing, payload: usize) -> bool {
    let bytes: usize = outgoing.queued().map(|p| p.payload.len()).sum();
    outgoing.queued().len() < MAX_QUEUED && bytes + payload <= MAX_QUEUED_BYTES
}
