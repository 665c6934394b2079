//! A scripted fake broker and `Pair`, which drives a `Session` against it on a virtual clock.
//!
//! Paths go through `crate::mqtt` so that the same file serves the integration tests
//! (whose crate root says `use mqtt_deck::mqtt;`) and the library's own unit tests
//! (which include it with `#[path]`).
#![allow(dead_code)]

use bytes::Bytes;

use crate::mqtt::auth::{base64, ScramMechanism};
use crate::mqtt::codec::{encode, Framer};
use crate::mqtt::packet::{ConnAck, Connect, Packet, Publish, QoS, Version};
use crate::mqtt::session::{Close, Event, Millis, Options, Session};

/// What happens when the session asks for a transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The WebSocket opens at once.
    Accept,
    /// The WebSocket fails at once (connection refused).
    Refuse,
    /// Nothing happens: neither open nor closed.
    Hang,
}

/// How a broker that speaks only MQTT 3.1.1 turns a 5.0 CONNECT away (brokers differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refuse5 {
    /// A 3.1.1 CONNACK with return code 1 (unacceptable protocol version).
    ReturnCode1,
    /// The socket closes without a CONNACK.
    Close,
    /// Nothing: no CONNACK, the socket stays open.
    Silence,
}

/// The broker end of the link. It decodes what the client sends with the real `Framer`
/// and answers with `encode`, following a few switches tests flip.
pub struct FakeBroker {
    pub version: Version,
    framer: Framer,
    /// Everything the client sent on any connection, in order; tests drain it with `take`.
    pub received: Vec<Packet>,
    /// Bytes waiting to go to the client.
    outbox: Vec<Bytes>,
    /// Reply to CONNECT; `None` keeps silent (for the CONNACK timeout).
    pub connack: Option<ConnAck>,
    /// Acknowledge PUBLISH, PUBREL, SUBSCRIBE (granting the requested QoS) and UNSUBSCRIBE.
    pub auto_ack: bool,
    pub answer_pings: bool,
    /// Speak only 3.1.1 and answer a 5.0 CONNECT this way.
    pub v311_only: Option<Refuse5>,
    /// The broker closed the link; `Pair::pump` tells the session.
    pub closed: bool,
    /// The WebSocket close code and reason of that close, when not the default 1011.
    close_with: Option<(u16, &'static str)>,
    /// Close the link with 1009 (message too big) on a packet larger than this, as amqtt
    /// does on a WebSocket message over 1 MiB.
    pub max_frame: Option<usize>,
    /// The one password it knows: a CONNECT with another closes the link with 1002
    /// "unauthenticated" instead of a CONNACK, as RabbitMQ's Web MQTT plugin does.
    pub close_on_wrong_password: Option<&'static str>,
    /// The protocol level of every CONNECT received, in order.
    pub connect_levels: Vec<u8>,
    /// Answer CONNECTs with an Authentication Method, and AUTH, with this SCRAM server.
    pub scram: Option<ScramServer>,
}

/// A scripted SCRAM server (RFC 5802 §3) holding one user's password: server-first to a
/// client-first, then server-final to a client-final whose proof checks out.
#[derive(Debug, Clone)]
pub struct ScramServer {
    pub mechanism: ScramMechanism,
    pub password: String,
    pub salt: Vec<u8>,
    pub iterations: u32,
    pub server_nonce: String,
    /// Sign server-final wrongly, as a broker that does not know the password would.
    pub wrong_server_final: bool,
    /// Exchanges whose client proof checked out, and those whose proof did not.
    pub accepted: usize,
    pub rejected: usize,
    /// The exchange under way: client-first-bare, server-first, and whether it
    /// re-authenticates (ends in AUTH) rather than connects (ends in CONNACK).
    pending: Option<(String, String, bool)>,
}

impl ScramServer {
    pub fn new(mechanism: ScramMechanism, password: &str) -> Self {
        ScramServer {
            mechanism,
            password: password.into(),
            salt: b"fake broker salt".to_vec(),
            iterations: 4096,
            server_nonce: "Br0k3rN0nc3".into(),
            wrong_server_final: false,
            accepted: 0,
            rejected: 0,
            pending: None,
        }
    }

    /// server-first for a client-first ("n,,n=user,r=nonce").
    fn server_first(&mut self, client_first: &[u8], reauth: bool) -> String {
        let text = std::str::from_utf8(client_first).expect("client-first is UTF-8");
        let bare = text.strip_prefix("n,,").expect("no channel binding").to_string();
        let nonce = bare.split(",r=").nth(1).expect("client-first has a nonce");
        let first = format!(
            "r={nonce}{},s={},i={}",
            self.server_nonce,
            base64::encode(&self.salt),
            self.iterations
        );
        self.pending = Some((bare, first.clone(), reauth));
        first
    }

    /// server-final for a client-final whose proof is right (`None` for a wrong proof),
    /// and whether the exchange re-authenticates.
    fn server_final(&mut self, client_final: &[u8]) -> (Option<String>, bool) {
        let m = self.mechanism;
        let (bare, first, reauth) = self.pending.take().expect("client-final after server-first");
        let text = std::str::from_utf8(client_final).expect("client-final is UTF-8");
        let (without_proof, proof) = text.rsplit_once(",p=").expect("client-final has a proof");
        let auth_message = format!("{bare},{first},{without_proof}");
        let salted = m.hi(self.password.as_bytes(), &self.salt, self.iterations);
        let stored_key = m.hash(&m.hmac(&salted, b"Client Key"));
        let signature = m.hmac(&stored_key, auth_message.as_bytes());
        let proof = base64::decode(proof).expect("the proof is Base64");
        let client_key: Vec<u8> = proof.iter().zip(&signature).map(|(p, s)| p ^ s).collect();
        if m.hash(&client_key) != stored_key {
            self.rejected += 1;
            return (None, reauth);
        }
        self.accepted += 1;
        let mut server_signature = m.hmac(&m.hmac(&salted, b"Server Key"), auth_message.as_bytes());
        if self.wrong_server_final {
            server_signature[0] ^= 1;
        }
        (Some(format!("v={}", base64::encode(&server_signature))), reauth)
    }
}

impl FakeBroker {
    pub fn new(version: Version) -> Self {
        FakeBroker {
            version,
            framer: Framer::new(version, 64 * 1024 * 1024),
            received: Vec::new(),
            outbox: Vec::new(),
            connack: Some(ConnAck::default()),
            auto_ack: true,
            answer_pings: true,
            v311_only: None,
            closed: false,
            close_with: None,
            max_frame: None,
            close_on_wrong_password: None,
            connect_levels: Vec::new(),
            scram: None,
        }
    }

    /// A broker that speaks only MQTT 3.1.1 and refuses 5.0 the way `how` says.
    pub fn only_v311(&mut self, how: Refuse5) {
        self.version = Version::V311;
        self.v311_only = Some(how);
        self.reset_link();
    }

    /// A new connection: nothing half-read survives from the last one.
    fn reset_link(&mut self) {
        self.framer = Framer::new(self.version, 64 * 1024 * 1024);
        self.outbox.clear();
    }

    /// Queues a packet for the client.
    pub fn send(&mut self, packet: Packet) {
        let bytes = encode(self.version, &packet).expect("broker packets encode");
        self.outbox.push(bytes);
    }

    /// Closes the link with a WebSocket close code and reason.
    fn close(&mut self, code: u16, reason: &'static str) {
        self.closed = true;
        self.close_with = Some((code, reason));
    }

    /// How the last close looked to the browser, as the glue reports it.
    pub fn take_close(&mut self) -> Close {
        let (code, reason) = self.close_with.take().unwrap_or((1011, ""));
        let text = if reason.is_empty() {
            format!("Connection closed (code {code})")
        } else {
            format!("Connection closed (code {code}: {reason})")
        };
        Close {
            code,
            reason: reason.into(),
            text,
        }
    }

    fn receive(&mut self, bytes: &[u8]) {
        // A closed socket reads nothing more.
        if self.close_with.is_some() {
            return;
        }
        if self.max_frame.is_some_and(|max| bytes.len() > max) {
            return self.close(1009, "");
        }
        // A CONNECT is whole in one write: 0x10, a remaining length, "\0\x04MQTT", level.
        if bytes.first() == Some(&0x10) {
            let header = 1 + bytes[1..].iter().position(|b| b & 0x80 == 0).unwrap_or(0) + 1;
            let level = bytes.get(header + 6).copied().unwrap_or(0);
            self.connect_levels.push(level);
            if level == 5 {
                if let Some(how) = self.v311_only {
                    match how {
                        Refuse5::ReturnCode1 => {
                            self.outbox.push(Bytes::from_static(&[0x20, 0x02, 0x00, 0x01]))
                        }
                        Refuse5::Close => self.closed = true,
                        Refuse5::Silence => {}
                    }
                    return;
                }
            }
        }
        self.framer.push(bytes);
        while let Some(packet) = self
            .framer
            .next_packet()
            .expect("the client sent a malformed packet")
        {
            self.react(&packet);
            self.received.push(packet);
        }
    }

    fn react(&mut self, packet: &Packet) {
        if self.react_auth(packet) {
            return;
        }
        match packet {
            Packet::Connect(c)
                if self
                    .close_on_wrong_password
                    .is_some_and(|p| c.password.as_deref() != Some(p)) =>
            {
                self.close(1002, "unauthenticated")
            }
            Packet::Connect(_) => {
                if let Some(ack) = self.connack.clone() {
                    self.send(Packet::ConnAck(ack));
                }
            }
            Packet::PingReq if self.answer_pings => self.send(Packet::PingResp),
            _ if !self.auto_ack => {}
            Packet::Publish(p) => match p.qos {
                QoS::AtMostOnce => {}
                QoS::AtLeastOnce => self.send(Packet::PubAck {
                    pkid: p.pkid,
                    code: 0,
                    reason: None,
                }),
                QoS::ExactlyOnce => self.send(Packet::PubRec {
                    pkid: p.pkid,
                    code: 0,
                    reason: None,
                }),
            },
            Packet::PubRec { pkid, .. } => self.send(Packet::PubRel { pkid: *pkid, code: 0 }),
            Packet::PubRel { pkid, .. } => self.send(Packet::PubComp {
                pkid: *pkid,
                code: 0,
                reason: None,
            }),
            Packet::Subscribe { pkid, filters } => self.send(Packet::SubAck {
                pkid: *pkid,
                codes: filters.iter().map(|(_, o)| o.qos as u8).collect(),
                reason: None,
            }),
            Packet::Unsubscribe { pkid, filters } => self.send(Packet::UnsubAck {
                pkid: *pkid,
                codes: vec![0; filters.len()],
                reason: None,
            }),
            _ => {}
        }
    }

    /// Plays the SCRAM server's part; false when `packet` is none of its business.
    fn react_auth(&mut self, packet: &Packet) -> bool {
        let Some(scram) = self.scram.as_mut() else {
            return false;
        };
        let method = Some(scram.mechanism.name().to_string());
        let auth = |code: u8, data: String| Packet::Auth {
            code,
            method: method.clone(),
            data: Some(Bytes::from(data)),
            reason: None,
        };
        let reply = match packet {
            Packet::Connect(c) if c.auth_method.is_none() => return false,
            Packet::Connect(c) if c.auth_method != method => Packet::ConnAck(ConnAck {
                code: 0x8C,
                ..ConnAck::default()
            }),
            Packet::Connect(Connect { auth_data, .. }) => auth(
                0x18,
                scram.server_first(auth_data.as_deref().unwrap_or_default(), false),
            ),
            Packet::Auth { code: 0x19, data, .. } => auth(
                0x18,
                scram.server_first(data.as_deref().unwrap_or_default(), true),
            ),
            Packet::Auth { code: 0x18, data, .. } => {
                match scram.server_final(data.as_deref().unwrap_or_default()) {
                    (Some(server_final), false) => Packet::ConnAck(ConnAck {
                        auth_data: Some(Bytes::from(server_final)),
                        ..self.connack.clone().unwrap_or_default()
                    }),
                    (Some(server_final), true) => auth(0x00, server_final),
                    (None, false) => Packet::ConnAck(ConnAck {
                        code: 0x86,
                        ..ConnAck::default()
                    }),
                    (None, true) => Packet::Disconnect {
                        code: 0x87,
                        reason: None,
                    },
                }
            }
            _ => return false,
        };
        self.send(reply);
        true
    }

    /// Reads bytes the client wrote (for drivers other than `Pair`).
    pub fn feed(&mut self, bytes: &[u8]) {
        self.receive(bytes);
    }

    /// Takes the bytes waiting to go to the client (for drivers other than `Pair`).
    pub fn drain_outbox(&mut self) -> Vec<Bytes> {
        std::mem::take(&mut self.outbox)
    }

    /// A new connection (for drivers other than `Pair`).
    pub fn new_link(&mut self) {
        self.closed = false;
        self.close_with = None;
        self.reset_link();
    }

    /// Drains what the client sent since the last call.
    pub fn take(&mut self) -> Vec<Packet> {
        std::mem::take(&mut self.received)
    }
}

/// A session and a broker joined by a perfect in-memory link, on a clock that only
/// moves when a test moves it.
pub struct Pair {
    pub session: Session,
    pub broker: FakeBroker,
    pub now: Millis,
    pub link: Link,
    /// Whether a transport is open (between OpenTransport and close).
    pub open: bool,
    /// How many times the session asked for a transport.
    pub opens: usize,
    events: Vec<Event>,
}

impl Pair {
    /// A session that has not connected yet.
    pub fn idle(opts: Options) -> Self {
        let broker = FakeBroker::new(opts.version);
        Pair {
            session: Session::new(opts),
            broker,
            now: 0,
            link: Link::Accept,
            open: false,
            opens: 0,
            events: Vec::new(),
        }
    }

    /// Calls `connect` with the options it was made with and runs until quiet.
    pub fn start(&mut self) {
        let opts = self.session.options().clone();
        self.session.connect(self.now, opts).expect("valid options");
        self.pump();
    }

    /// Connected, CONNACK handled, and the broker's and event logs emptied.
    pub fn connected(opts: Options) -> Self {
        let mut pair = Pair::idle(opts);
        pair.start();
        assert!(
            pair.events().iter().any(|e| matches!(e, Event::Connected { .. })),
            "the session did not connect"
        );
        pair.broker.take();
        pair
    }

    /// Moves bytes and events until neither side has anything left to say.
    pub fn pump(&mut self) {
        loop {
            let mut busy = false;
            while let Some(bytes) = self.session.poll_transmit() {
                busy = true;
                // Bytes written after close go nowhere, as on a real socket.
                if self.open {
                    self.broker.receive(&bytes);
                }
            }
            while let Some(event) = self.session.poll_event() {
                busy = true;
                match event {
                    Event::OpenTransport => self.open_transport(),
                    Event::CloseTransport => self.open = false,
                    _ => {}
                }
                self.events.push(event);
            }
            if self.open && self.broker.closed {
                busy = true;
                self.broker.closed = false;
                self.open = false;
                let close = self.broker.take_close();
                self.session.handle_transport_closed_with(self.now, close);
            }
            if self.open && !self.broker.outbox.is_empty() {
                busy = true;
                for bytes in std::mem::take(&mut self.broker.outbox) {
                    self.session.handle_bytes(self.now, &bytes);
                }
            }
            if !busy {
                return;
            }
        }
    }

    fn open_transport(&mut self) {
        self.opens += 1;
        self.broker.reset_link();
        match self.link {
            Link::Accept => {
                self.open = true;
                self.session.handle_transport_open(self.now);
            }
            Link::Refuse => self
                .session
                .handle_transport_closed(self.now, "connection refused".into()),
            Link::Hang => {}
        }
    }

    /// Jumps to the session's next deadline and lets it act. Returns the new time.
    pub fn step(&mut self) -> Millis {
        let at = self.session.poll_timeout().expect("the session has a deadline");
        assert!(at >= self.now, "deadline {at} is in the past ({})", self.now);
        self.now = at;
        self.session.handle_timeout(self.now);
        self.pump();
        self.now
    }

    /// Runs every deadline up to and including `until`, then sets the clock there.
    pub fn run_until(&mut self, until: Millis) {
        while let Some(at) = self.session.poll_timeout() {
            if at > until {
                break;
            }
            self.step();
        }
        self.now = until;
    }

    /// Advances the clock without firing deadlines (for actions at a given time).
    pub fn set_time(&mut self, now: Millis) {
        self.now = now;
    }

    /// The broker sends a packet now.
    pub fn deliver(&mut self, packet: Packet) {
        self.broker.send(packet);
        self.pump();
    }

    /// The broker sends raw bytes now, bypassing the encoder.
    pub fn deliver_raw(&mut self, bytes: &[u8]) {
        self.session.handle_bytes(self.now, bytes);
        self.pump();
    }

    /// The link dies under the session.
    pub fn drop_link(&mut self) {
        self.open = false;
        self.session
            .handle_transport_closed(self.now, "network went away".into());
        self.pump();
    }

    /// Drains the events seen since the last call.
    pub fn events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    /// Publishes with `publish` and pumps.
    pub fn publish(&mut self, topic: &str, payload: &'static [u8], qos: QoS) -> u64 {
        let id = self
            .session
            .publish(topic, Bytes::from_static(payload), qos, false)
            .expect("publish accepted");
        self.pump();
        id
    }
}

/// Options with the defaults tests build on: one version, reconnect on, fixed seed.
pub fn options(version: Version) -> Options {
    Options {
        version,
        client_id: "deck-test".into(),
        keep_alive: 30,
        ..Options::default()
    }
}

/// A pair connected with the broker answering CONNECT with `ack` (limits, assigned id...),
/// its connect-time events and packets already drained.
pub fn connected_with(version: Version, ack: ConnAck) -> Pair {
    let mut pair = Pair::idle(options(version));
    pair.broker.connack = Some(ack);
    pair.start();
    pair.events();
    pair.broker.take();
    pair
}

pub fn versions() -> [Version; 2] {
    [Version::V311, Version::V5]
}

/// The CONNECT packets among `packets`.
pub fn connects(packets: &[Packet]) -> Vec<Connect> {
    packets
        .iter()
        .filter_map(|p| match p {
            Packet::Connect(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// The PUBLISH packets among `packets`.
pub fn publishes(packets: &[Packet]) -> Vec<Publish> {
    packets
        .iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// The `Disconnected` events among `events`, as (error, reconnect_in_ms).
pub fn disconnects(events: &[Event]) -> Vec<(Option<crate::mqtt::Error>, Option<u64>)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Disconnected {
                error,
                reconnect_in_ms,
            } => Some((error.clone(), *reconnect_in_ms)),
            _ => None,
        })
        .collect()
}

/// The names of `packets`, for compact assertions on what crossed the wire.
pub fn names(packets: &[Packet]) -> Vec<&'static str> {
    packets.iter().map(Packet::name).collect()
}
