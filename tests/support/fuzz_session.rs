//! The `session` fuzz target's body, shared by `fuzz/` and the corpus replay in `cargo test`:
//! a session connected to the fake broker, then driven by the input as a broker, a clock,
//! a transport and a user would, with its invariants checked after every step.
//!
//! Input: a setup byte (version, what CONNACK says, keep-alive, in-flight limit), then
//! operations, each an opcode byte and its arguments (see `Op`). Invariants:
//! - no panic;
//! - every packet the session writes reads back as exactly one valid packet;
//! - packet ids of PUBLISH (QoS 1/2), SUBSCRIBE and UNSUBSCRIBE are never 0 and never
//!   taken by another request while in flight; a publish completes at most once and is
//!   never sent again once completed;
//! - once stopped (a disconnect by the user, or a failure it does not retry), no event and
//!   no byte comes out of anything but the user's own calls, and no deadline is left;
//!   nothing follows the `Disconnected` that stops it;
//! - after `handle_timeout(now)` the next deadline is later than `now` (or there is none).
//!
//! Paths go through `crate::mqtt` as in `fake_broker`; `fake_broker` is a sibling module.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;

use super::fake_broker::{options, Pair};
use crate::mqtt::codec::{encode, Framer};
use crate::mqtt::packet::{ConnAck, Packet, Publish, QoS, SubOptions, Version};
use crate::mqtt::session::{Event, Millis, Session, Status};

const TOPICS: [&str; 4] = ["a", "home/kitchen/light", "a/b/c", "$SYS/x"];
const FILTERS: [&str; 6] = ["a", "#", "home/+/light", "$share/g/a/#", "a/b/c", "+"];

pub fn run(data: &[u8]) {
    let mut input = Input(data);
    let Some(setup) = input.byte() else {
        return;
    };
    let mut fuzz = Fuzz::connected(setup);
    while let Some(op) = input.byte() {
        fuzz.step(op, &mut input);
    }
}

/// The input, read front to back; exhausted, it reads as zeros.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn u8(&mut self) -> u8 {
        self.byte().unwrap_or(0)
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.u8(), self.u8()])
    }

    fn bytes(&mut self, n: usize) -> &[u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
}

/// Who holds a packet id of ours.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Owner {
    /// The id `publish` returned.
    Publish(u64),
    Subscribe(String),
    Unsubscribe(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Transport {
    Open,
    /// The session asked for one (`OpenTransport`) and it has not opened yet.
    Asked,
    Closed,
}

struct Fuzz {
    session: Session,
    now: Millis,
    transport: Transport,
    /// Stopped for good: nothing may come out until the user connects again.
    stopped: bool,
    inflight: BTreeMap<u16, Owner>,
    /// Publishes that completed (acknowledged or failed).
    completed: BTreeSet<u64>,
    /// Our publishes by payload, which is unique: the wire form names no id of ours.
    by_payload: BTreeMap<Bytes, u64>,
    published: u64,
    /// Packet ids the broker used for its QoS 1/2 messages, for PUBREL.
    broker_ids: Vec<u16>,
}

impl Fuzz {
    /// A session connected to the fake broker with what `setup` chooses.
    fn connected(setup: u8) -> Self {
        let version = if setup & 1 == 0 {
            Version::V311
        } else {
            Version::V5
        };
        let mut opts = options(version);
        opts.keep_alive = if setup & 2 == 0 { 30 } else { 0 };
        // A low limit queues publishes behind those in flight.
        opts.max_inflight = if setup & 4 == 0 { 100 } else { 2 };
        let mut pair = Pair::idle(opts);
        if version == Version::V5 {
            pair.broker.connack = Some(ConnAck {
                session_present: setup & 8 != 0,
                receive_maximum: (setup & 16 != 0).then_some(3),
                topic_alias_max: (setup & 32 != 0).then_some(2),
                max_qos: (setup & 64 != 0).then_some(1),
                retain_available: (setup & 128 != 0).then_some(0),
                ..ConnAck::default()
            });
        }
        pair.start();
        assert_eq!(pair.session.status(), Status::Connected);
        // What connecting said is drained; from here on every output is checked.
        pair.events();
        while pair.session.poll_event().is_some() {}
        while pair.session.poll_transmit().is_some() {}
        Fuzz {
            session: pair.session,
            now: pair.now,
            transport: Transport::Open,
            stopped: false,
            inflight: BTreeMap::new(),
            completed: BTreeSet::new(),
            by_payload: BTreeMap::new(),
            published: 0,
            broker_ids: Vec::new(),
        }
    }

    /// One operation: `op`'s low four bits choose it, its arguments follow in `input`.
    fn step(&mut self, op: u8, input: &mut Input) {
        match op & 0x0F {
            // Raw broker bytes, the commonest operation: up to 255 bytes, or a u16 length.
            0..=3 => {
                let n = match input.u8() {
                    255 => input.u16() as usize,
                    n => n as usize,
                };
                let bytes = input.bytes(n).to_vec();
                self.session.handle_bytes(self.now, &bytes);
                self.settle(false);
            }
            // Time passes without the timer firing (a late timer, a sleeping page).
            4 => self.now += u64::from(input.u16()) * 16,
            // The timer fires now, early or late.
            5 => self.timeout(self.now),
            // The timer fires at the session's deadline.
            6 => {
                if let Some(at) = self.session.poll_timeout() {
                    self.timeout(at.max(self.now));
                }
            }
            7 => self.transport_event(input.u8()),
            8 => self.publish(input.u8()),
            9 => self.subscribe(input.u8()),
            10 => {
                let filter = FILTERS[input.u8() as usize % FILTERS.len()];
                let _ = self.session.unsubscribe(filter);
                self.settle(true);
            }
            11 => self.user(input.u8()),
            12 => {
                let ack = ConnAck {
                    session_present: input.u8() & 1 != 0,
                    ..ConnAck::default()
                };
                self.broker_sends(&Packet::ConnAck(ack));
            }
            13 => self.ack(input.u8()),
            14 => self.broker_publish(input.u8(), input.u16()),
            _ => {
                let pkid = match self.broker_ids.len() {
                    0 => input.u16(),
                    n => self.broker_ids[input.u8() as usize % n],
                };
                self.broker_sends(&Packet::PubRel { pkid, code: 0 });
            }
        }
    }

    fn timeout(&mut self, at: Millis) {
        self.now = at;
        self.session.handle_timeout(at);
        self.settle(false);
        if let Some(next) = self.session.poll_timeout() {
            assert!(
                next > at,
                "after handle_timeout({at}) the next deadline is {next}"
            );
        }
    }

    /// The transport opens (when asked to), closes, or delivers a text frame.
    fn transport_event(&mut self, what: u8) {
        match what % 4 {
            0 | 1 if self.transport == Transport::Asked => {
                self.transport = Transport::Open;
                self.session.handle_transport_open(self.now);
            }
            0..=2 => {
                self.transport = Transport::Closed;
                self.session
                    .handle_transport_closed(self.now, "Connection closed (code 1006)".into());
            }
            _ => self.session.handle_transport_text(self.now),
        }
        self.settle(false);
    }

    fn publish(&mut self, how: u8) {
        let qos = QoS::from_u8(how % 3).expect("0..=2 is a QoS");
        let topic = TOPICS[(how as usize >> 2) % TOPICS.len()];
        let retain = how & 0x80 != 0;
        self.published += 1;
        let payload = Bytes::from(format!("m{}", self.published));
        if let Ok(id) = self.session.publish(topic, payload.clone(), qos, retain) {
            self.by_payload.insert(payload, id);
        }
        self.settle(true);
    }

    fn subscribe(&mut self, how: u8) {
        let filter = FILTERS[how as usize % FILTERS.len()];
        let qos = QoS::from_u8((how >> 3) % 3).expect("0..=2 is a QoS");
        let _ = self.session.subscribe_with(filter, SubOptions::qos(qos));
        self.settle(true);
    }

    /// Connect, disconnect (with or without the will) or wake up, as the user or page would.
    fn user(&mut self, what: u8) {
        match what % 4 {
            0 => {
                let opts = self.session.options().clone();
                self.session
                    .connect(self.now, opts)
                    .expect("the options connected once");
                self.stopped = false;
            }
            1 => self.session.disconnect(self.now),
            2 => self.session.disconnect_with_will(self.now),
            _ => {
                self.session.handle_wake(self.now);
                return self.settle(false);
            }
        }
        self.settle(true);
    }

    /// The broker acknowledges one of our packets in flight, as a real one would.
    fn ack(&mut self, which: u8) {
        let Some((&pkid, owner)) = self
            .inflight
            .iter()
            .nth(which as usize % self.inflight.len().max(1))
        else {
            return;
        };
        let packet = match owner {
            Owner::Publish(_) => match which >> 6 {
                0 => Packet::PubAck {
                    pkid,
                    code: 0,
                    reason: None,
                },
                1 => Packet::PubRec {
                    pkid,
                    code: 0,
                    reason: None,
                },
                2 => Packet::PubComp {
                    pkid,
                    code: 0,
                    reason: None,
                },
                _ => Packet::PubAck {
                    pkid,
                    code: 0x87,
                    reason: Some("not authorized".into()),
                },
            },
            Owner::Subscribe(_) => Packet::SubAck {
                pkid,
                codes: vec![if which & 0x80 == 0 { 1 } else { 0x80 }],
                reason: None,
            },
            Owner::Unsubscribe(_) => Packet::UnsubAck {
                pkid,
                codes: vec![0],
                reason: None,
            },
        };
        self.broker_sends(&packet);
    }

    /// A message from the broker at QoS `how % 3` with packet id `pkid` (0 is made 1).
    fn broker_publish(&mut self, how: u8, pkid: u16) {
        let qos = QoS::from_u8(how % 3).expect("0..=2 is a QoS");
        let pkid = if qos == QoS::AtMostOnce { 0 } else { pkid.max(1) };
        if qos != QoS::AtMostOnce && self.broker_ids.len() < 16 {
            self.broker_ids.push(pkid);
        }
        let publish = Publish {
            topic: TOPICS[(how as usize >> 2) % TOPICS.len()].into(),
            payload: Bytes::from_static(b"21.5"),
            qos,
            retain: how & 0x80 != 0,
            dup: how & 0x40 != 0 && qos != QoS::AtMostOnce,
            pkid,
            props: None,
        };
        self.broker_sends(&Packet::Publish(publish));
    }

    fn broker_sends(&mut self, packet: &Packet) {
        if let Ok(bytes) = encode(self.session.version(), packet) {
            self.session.handle_bytes(self.now, &bytes);
        }
        self.settle(false);
    }

    /// Drains what the last call produced and checks it. `by_user`: the call was the
    /// user's own (publish, subscribe...), which may answer even a stopped session.
    fn settle(&mut self, by_user: bool) {
        let mut sent = Vec::new();
        while let Some(bytes) = self.session.poll_transmit() {
            sent.push(bytes);
        }
        let mut events = Vec::new();
        while let Some(event) = self.session.poll_event() {
            events.push(event);
        }
        if self.stopped && !by_user {
            assert!(
                events.is_empty() && sent.is_empty(),
                "stopped, yet it said {events:?} and wrote {} packets",
                sent.len()
            );
        }
        // Within one call the order of writes and events is unknown: what an event of this
        // call released may have been written (before) or reused (after) in the same call.
        let released = self.releases(&events);
        for bytes in &sent {
            self.check_written(bytes, &released);
        }
        self.inflight.retain(|_, owner| !released.covers(owner));
        self.completed.extend(released.publishes);
        if self.stopped {
            assert_eq!(self.session.status(), Status::Idle);
            assert_eq!(self.session.poll_timeout(), None, "stopped with a deadline");
        }
    }

    /// What `events` released, and the transport and stop state they imply.
    fn releases(&mut self, events: &[Event]) -> Released {
        let mut released = Released::default();
        for (i, event) in events.iter().enumerate() {
            match event {
                Event::PublishAcked { id } | Event::PublishFailed { id, .. } => {
                    assert!(
                        !self.completed.contains(id) && released.publishes.insert(*id),
                        "publish {id} completed twice"
                    );
                }
                Event::Subscribed { filter, .. } => {
                    released.requests.insert(Owner::Subscribe(filter.clone()));
                }
                Event::Unsubscribed { filter, .. } => {
                    released.requests.insert(Owner::Unsubscribe(filter.clone()));
                }
                Event::OpenTransport => {
                    released.link_ended = true;
                    self.transport = Transport::Asked;
                }
                Event::CloseTransport => {
                    released.link_ended = true;
                    self.transport = Transport::Closed;
                }
                Event::Disconnected { reconnect_in_ms, .. } => {
                    released.link_ended = true;
                    if reconnect_in_ms.is_none() {
                        self.stopped = true;
                        assert_eq!(
                            &events[i + 1..],
                            &[],
                            "events after the Disconnected that stopped the session"
                        );
                    }
                }
                Event::Connected { .. } => self.stopped = false,
                Event::Message(_) | Event::MessageSkipped { .. } | Event::PublishSent { .. } => {}
                Event::SessionUnknown => {}
            }
        }
        released
    }

    /// One written packet: it must read back whole, and its packet id must be its own.
    fn check_written(&mut self, bytes: &Bytes, released: &Released) {
        let version = self.session.version();
        let mut framer = Framer::new(version, usize::MAX);
        framer.push(bytes);
        let packet = match framer.next_packet() {
            Ok(Some(packet)) => packet,
            other => panic!("{version:?}: wrote {bytes:02x?}, which reads as {other:?}"),
        };
        assert_eq!(
            framer.buffered(),
            0,
            "{version:?}: {bytes:02x?} is more than one packet"
        );
        let (pkid, owners) = match packet {
            Packet::Publish(p) if p.qos != QoS::AtMostOnce => {
                let id = *self
                    .by_payload
                    .get(&p.payload)
                    .unwrap_or_else(|| panic!("a publish nobody asked for: {p:?}"));
                assert!(
                    !self.completed.contains(&id),
                    "publish {id} sent again after it completed"
                );
                (p.pkid, vec![Owner::Publish(id)])
            }
            Packet::Subscribe { pkid, filters } => (
                pkid,
                filters.into_iter().map(|(f, _)| Owner::Subscribe(f)).collect(),
            ),
            Packet::Unsubscribe { pkid, filters } => {
                (pkid, filters.into_iter().map(Owner::Unsubscribe).collect())
            }
            Packet::PubRel { pkid, .. } => {
                assert_ne!(pkid, 0, "PUBREL with packet id 0");
                return;
            }
            _ => return,
        };
        assert_ne!(pkid, 0, "{owners:?} went out with packet id 0");
        for owner in owners {
            if let Some(holder) = self.inflight.get(&pkid) {
                assert!(
                    *holder == owner || released.covers(holder),
                    "packet id {pkid} given to {owner:?} while {holder:?} is in flight"
                );
            }
            if !released.covers(&owner) {
                self.inflight.insert(pkid, owner);
            }
        }
    }
}

/// What the events of one call released.
#[derive(Default)]
struct Released {
    publishes: BTreeSet<u64>,
    requests: BTreeSet<Owner>,
    /// The connection ended or a new one began: SUBSCRIBE and UNSUBSCRIBE ids are free.
    link_ended: bool,
}

impl Released {
    fn covers(&self, owner: &Owner) -> bool {
        match owner {
            Owner::Publish(id) => self.publishes.contains(id),
            other => self.link_ended || self.requests.contains(other),
        }
    }
}
