//! The sans-IO MQTT session: bytes and time in, bytes, events and deadlines out.
//!
//! It never touches a socket and never reads a clock. The glue calls `handle_*` with
//! what happened (bytes, the transport opening or closing, a deadline passing, all
//! with the current time in milliseconds), then drains `poll_transmit` and
//! `poll_event`, and arms one timer at `poll_timeout`.
//!
//! - this file — the `Session` state, its inputs (`handle_*`, connect, subscribe, publish)
//!   and outputs (`poll_*`).
//! - `event`    — what it tells the glue (`Event`) and where it stands (`Status`).
//! - `options`  — how to connect, and the checks on options, subscriptions and properties.
//! - `caps`     — what the broker said it can do (CONNACK), refused before sending.
//! - `incoming` — packets from the broker: CONNACK, deliveries, acks, aliases, DISCONNECT.
//! - `requests` — what the application asks: subscribe, unsubscribe, publish, with their checks.
//! - `outgoing` — our QoS 1/2 publishes in flight, their replay, outgoing topic aliases.
//! - `durable`  — the durable state as plain data (stored by the glue, restored after a
//!   reload), and the offline queue's caps.
//! - `failure`  — how the link closed, protocol violations, the fallback to 3.1.1, retry or
//!   stop, what survives.
//! - `auth`     — MQTT 5 enhanced authentication (SCRAM) and re-authentication.
//! - `wake`     — the page woke up: reconnect now or check the link.

mod auth;
mod caps;
mod durable;
mod event;
mod failure;
mod incoming;
mod options;
mod outgoing;
mod requests;
mod wake;

use std::collections::VecDeque;

use bytes::Bytes;

use super::backoff::Backoff;
use super::codec::{encode, Framer};
use super::error::{Error, ProtocolError, TransportError, UsageError};
use super::packet::{Connect, Packet, QoS, SubOptions, Version};
use super::pkid::PacketIds;
pub use crate::sorted_map::SortedMap;
pub use caps::BrokerCaps;
pub use durable::{Durable, StoredPublish, DURABLE_VERSION, MAX_QUEUED, MAX_QUEUED_BYTES};
pub use event::{Event, Status};
pub use failure::{Close, CLOSE_TOO_BIG};
use options::validate_options;
pub use options::{Auth, Options};
use outgoing::Outgoing;

/// Topic aliases we let the broker use toward us: repeated topics then cost two bytes.
pub const TOPIC_ALIAS_MAX: u16 = 64;

/// Milliseconds on the caller's monotonic clock.
pub type Millis = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Opening { since: Millis },
    AwaitConnAck { since: Millis },
    Connected,
    Backoff { until: Millis },
}

/// One MQTT client session, surviving reconnects.
pub struct Session {
    opts: Options,
    state: State,
    /// The version this link speaks: `opts.version`, or 3.1.1 after a fallback.
    version: Version,
    /// A 5.0 CONNACK arrived once: a later close before CONNACK is no reason to fall back.
    v5_confirmed: bool,
    /// Broker protocol violations in a row; repeated ones stop the retries (see `fail`).
    protocol_failures: u8,
    now: Millis,
    framer: Framer,
    transmit: VecDeque<Bytes>,
    events: VecDeque<Event>,
    ids: PacketIds,
    backoff: Backoff,
    client_id: String,
    // Limits of the current connection (MQTT 5 CONNACK may lower them).
    inflight_limit: usize,
    max_packet_out: usize,
    max_qos: QoS,
    retain_available: bool,
    caps: BrokerCaps,
    keep_alive_ms: u64,
    last_sent: Millis,
    /// The largest packet written on this link, and the publish it carried if it was one:
    /// a close for a message too big names it (see `transport_closed`).
    largest_out: (usize, Option<u64>),
    ping_sent: Option<Millis>,
    /// When the ping sent on waking up must have been answered (see wake.rs).
    wake_deadline: Option<Millis>,
    // Durable state: what must survive a reconnect.
    subscriptions: SortedMap<String, SubOptions>,
    unsent_subscribes: Vec<(String, SubOptions)>,
    unsent_unsubscribes: Vec<String>,
    outgoing: Outgoing,
    incoming_qos2: SortedMap<u16, ()>,
    next_publish_id: u64,
    /// A broker accepted a connection of this session (in this page, or in the stored one
    /// restored): Session Present then means our session, not a stranger's (§3.2.2.1.1).
    known_to_broker: bool,
    /// The durable state changed since `poll_durable` last said so.
    durable_dirty: bool,
    /// The next CONNECT starts clean whatever the options say: the broker offered a session
    /// we have no record of, and one clean start replaces it (see `on_connack`).
    force_clean: bool,
    /// QoS 0 publishes made while not connected wait too (off: they are refused).
    queue_qos0: bool,
    /// The client id of a restored session, for the next `connect` (see there).
    restored_client_id: Option<String>,
    // Per connection: requests awaiting their acknowledgement.
    pending_subscribes: SortedMap<u16, Vec<(String, SubOptions)>>,
    /// Topic aliases the broker set on this connection (MQTT 5).
    aliases_in: SortedMap<u16, String>,
    /// Topic aliases we set on this connection, and how many the broker allows.
    aliases_out: SortedMap<String, u16>,
    alias_max_out: u16,
    pending_unsubscribes: SortedMap<u16, Vec<String>>,
    /// The SCRAM exchange under way (see auth.rs).
    auth: auth::AuthState,
}

impl Session {
    pub fn new(opts: Options) -> Self {
        let backoff = Backoff::new(opts.backoff_min_ms, opts.backoff_max_ms, opts.jitter_seed);
        let version = opts.start_version();
        Session {
            framer: Framer::new(version, opts.max_packet_size as usize),
            version,
            v5_confirmed: false,
            protocol_failures: 0,
            retain_available: true,
            caps: BrokerCaps::default(),
            client_id: opts.client_id.clone(),
            inflight_limit: opts.max_inflight as usize,
            keep_alive_ms: opts.keep_alive as u64 * 1000,
            opts,
            state: State::Idle,
            now: 0,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            ids: PacketIds::default(),
            backoff,
            max_packet_out: usize::MAX,
            max_qos: QoS::ExactlyOnce,
            last_sent: 0,
            largest_out: (0, None),
            ping_sent: None,
            wake_deadline: None,
            subscriptions: SortedMap::default(),
            unsent_subscribes: Vec::new(),
            unsent_unsubscribes: Vec::new(),
            outgoing: Outgoing::default(),
            incoming_qos2: SortedMap::default(),
            next_publish_id: 1,
            known_to_broker: false,
            durable_dirty: false,
            force_clean: false,
            queue_qos0: false,
            restored_client_id: None,
            pending_subscribes: SortedMap::default(),
            pending_unsubscribes: SortedMap::default(),
            aliases_in: SortedMap::default(),
            aliases_out: SortedMap::default(),
            alias_max_out: 0,
            auth: auth::AuthState::default(),
        }
    }

    pub fn status(&self) -> Status {
        match self.state {
            State::Idle => Status::Idle,
            State::Opening { .. } | State::AwaitConnAck { .. } => Status::Connecting,
            State::Connected => Status::Connected,
            State::Backoff { until } => Status::Reconnecting { at: until },
        }
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// The protocol version of the current (or next) connection.
    pub fn version(&self) -> Version {
        self.version
    }

    /// What the broker of the current connection said it can do (MQTT 5 CONNACK).
    pub fn broker(&self) -> &BrokerCaps {
        &self.caps
    }

    /// The client id in use: the broker's assigned one once it sent it.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Subscriptions the session keeps (and restores after a reconnect).
    pub fn subscriptions(&self) -> &SortedMap<String, SubOptions> {
        &self.subscriptions
    }

    /// QoS 1/2 publishes not yet completed, including those queued behind the limit.
    pub fn unacknowledged(&self) -> usize {
        self.outgoing.len()
    }

    /// Starts connecting with `opts`. Subscriptions and unacknowledged publishes carry over.
    pub fn connect(&mut self, now: Millis, opts: Options) -> Result<(), UsageError> {
        validate_options(&opts)?;
        self.now = now;
        if self.transport_open() {
            self.drop_connection();
            self.events.push_back(Event::CloseTransport);
        }
        self.version = opts.start_version();
        self.v5_confirmed = false;
        self.protocol_failures = 0;
        self.force_clean = false;
        self.framer = Framer::new(self.version, opts.max_packet_size as usize);
        self.backoff = Backoff::new(opts.backoff_min_ms, opts.backoff_max_ms, opts.jitter_seed);
        // An id the broker assigned to a restored session is how that session is resumed;
        // otherwise a new `connect` starts from the options (and asks for a new id).
        let restored = self.restored_client_id.take();
        self.client_id = match restored {
            Some(id) if opts.client_id.is_empty() && !opts.clean_start => id,
            _ => opts.client_id.clone(),
        };
        self.opts = opts;
        self.open(now);
        Ok(())
    }

    /// Whether QoS 0 publishes made while not connected wait for the connection (a setting).
    pub fn set_queue_qos0(&mut self, on: bool) {
        self.queue_qos0 = on;
    }

    /// The password the next CONNECT carries: credentials that expire (a signed token) are
    /// made anew for each attempt, between `Event::OpenTransport` and the transport opening.
    pub fn set_password(&mut self, password: Option<String>) {
        self.opts.password = password;
    }

    /// Says goodbye to the broker and stays disconnected until `connect`.
    pub fn disconnect(&mut self, now: Millis) {
        self.close_by_user(now, 0x00);
    }

    /// Leaves so that the broker publishes the will message anyway: DISCONNECT 0x04 in
    /// MQTT 5; in 3.1.1, which has no such code, the link is closed without DISCONNECT.
    pub fn disconnect_with_will(&mut self, now: Millis) {
        self.close_by_user(now, 0x04);
    }

    fn close_by_user(&mut self, now: Millis, code: u8) {
        self.now = now;
        if self.state == State::Connected && (code == 0 || self.version == Version::V5) {
            self.send(Packet::Disconnect { code, reason: None });
        }
        if self.transport_open() {
            self.events.push_back(Event::CloseTransport);
        }
        let was_idle = self.state == State::Idle;
        self.drop_connection();
        self.state = State::Idle;
        if !was_idle {
            self.events.push_back(Event::Disconnected {
                error: None,
                reconnect_in_ms: None,
            });
        }
    }

    pub fn handle_transport_open(&mut self, now: Millis) {
        self.now = now;
        if let State::Opening { since } = self.state {
            self.state = State::AwaitConnAck { since };
            let o = &self.opts;
            let mut connect = Connect {
                // After the broker assigned an id, reconnects reuse it: asking for a new
                // one would orphan the session it keeps for us.
                client_id: self.client_id.clone(),
                keep_alive: o.keep_alive,
                clean_start: o.clean_start || self.force_clean,
                username: o.username.clone().filter(|u| !u.is_empty()),
                password: o.password.clone().filter(|p| !p.is_empty()),
                will: o.will.clone(),
                session_expiry: o.session_expiry,
                receive_maximum: o.receive_maximum,
                max_packet_size: o.max_packet_size,
                topic_alias_max: TOPIC_ALIAS_MAX,
                request_response_info: o.request_response_info,
                user_properties: o.user_properties.clone(),
                auth_method: None,
                auth_data: None,
            };
            if let Err(e) = self.start_auth(&mut connect) {
                return self.fail(e, true);
            }
            self.send(Packet::Connect(connect));
        }
    }

    /// The transport closed by itself without saying how; `reason` is what the browser said.
    pub fn handle_transport_closed(&mut self, now: Millis, reason: String) {
        self.handle_transport_closed_with(now, Close::abnormal(reason));
    }

    /// The transport closed by itself, with the WebSocket close code and reason.
    pub fn handle_transport_closed_with(&mut self, now: Millis, close: Close) {
        self.now = now;
        self.transport_closed(close);
    }

    /// The transport delivered a text message, which MQTT over WebSocket forbids (§6.0).
    pub fn handle_transport_text(&mut self, now: Millis) {
        self.now = now;
        if matches!(self.state, State::AwaitConnAck { .. } | State::Connected) {
            self.protocol_violation(ProtocolError::TextFrame);
        }
    }

    pub fn handle_bytes(&mut self, now: Millis, bytes: &[u8]) {
        self.now = now;
        if !matches!(self.state, State::AwaitConnAck { .. } | State::Connected) {
            return;
        }
        self.framer.push(bytes);
        // Any bytes prove the broker alive: under a flood the PINGRESP can sit behind
        // thousands of messages, and that must not count as a dead link.
        if !bytes.is_empty() && self.ping_sent.is_some() {
            self.ping_sent = Some(now);
        }
        if !bytes.is_empty() {
            self.wake_deadline = None;
        }
        loop {
            match self.framer.next_packet() {
                Ok(Some(packet)) => {
                    self.handle_packet(packet);
                    if !matches!(self.state, State::AwaitConnAck { .. } | State::Connected) {
                        return;
                    }
                }
                Ok(None) => return,
                Err(e) => return self.protocol_violation(e),
            }
        }
    }

    pub fn handle_timeout(&mut self, now: Millis) {
        self.now = now;
        match self.state {
            State::AwaitConnAck { since } if now >= since + self.opts.connect_timeout_ms => {
                self.connack_timed_out()
            }
            State::Opening { since } if now >= since + self.opts.connect_timeout_ms => {
                self.fail(Error::Transport(TransportError::ConnAckTimeout), true);
            }
            State::Connected if self.wake_deadline.is_some_and(|at| now >= at) => {
                self.fail(Error::Transport(TransportError::WakeTimeout), true)
            }
            State::Connected if self.keep_alive_ms > 0 => {
                if let Some(since) = self.ping_sent {
                    if now >= since + self.ping_timeout() {
                        return self.fail(Error::Transport(TransportError::KeepAliveTimeout), true);
                    }
                }
                // The broker needs a packet from us every keep-alive interval, even while an
                // earlier PINGRESP is still stuck behind a backlog of messages.
                if now >= self.last_sent + self.keep_alive_ms {
                    self.send(Packet::PingReq);
                    self.ping_sent.get_or_insert(now);
                }
            }
            State::Backoff { until } if now >= until => self.open(now),
            _ => {}
        }
    }

    /// The next moment `handle_timeout` has work to do.
    pub fn poll_timeout(&self) -> Option<Millis> {
        match self.state {
            State::Idle => None,
            State::Opening { since } | State::AwaitConnAck { since } => {
                Some(since + self.opts.connect_timeout_ms)
            }
            State::Connected if self.keep_alive_ms == 0 => self.wake_deadline,
            State::Connected => {
                let ping = self.last_sent + self.keep_alive_ms;
                let keep_alive = self
                    .ping_sent
                    .map_or(ping, |since| ping.min(since + self.ping_timeout()));
                Some(self.wake_deadline.map_or(keep_alive, |at| at.min(keep_alive)))
            }
            State::Backoff { until } => Some(until),
        }
    }

    /// Bytes to write to the transport, one packet per call.
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.transmit.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    fn transport_open(&self) -> bool {
        matches!(
            self.state,
            State::Opening { .. } | State::AwaitConnAck { .. } | State::Connected
        )
    }

    fn open(&mut self, now: Millis) {
        // Bytes not yet handed to the old transport belong to the dead link.
        self.transmit.clear();
        self.largest_out = (0, None);
        self.state = State::Opening { since: now };
        self.events.push_back(Event::OpenTransport);
    }

    /// How long to wait for PINGRESP (or any bytes) after a ping: at least one keep-alive
    /// interval. Browsers hand a WebSocket message over only when it is complete, and a
    /// broker can take many seconds to push a large one, with our PINGRESP queued behind it.
    fn ping_timeout(&self) -> u64 {
        self.opts.ping_timeout_ms.max(self.keep_alive_ms)
    }

    /// Encodes and queues a packet the application asked for, refusing it when it is
    /// larger than the broker's Maximum Packet Size.
    fn send_checked(&mut self, packet: &Packet) -> Result<(), Error> {
        let bytes = encode(self.version, packet)?;
        self.check_size(bytes.len())?;
        self.push_transmit(bytes);
        Ok(())
    }

    fn send(&mut self, packet: Packet) {
        match encode(self.version, &packet) {
            Ok(bytes) => self.push_transmit(bytes),
            // Only reachable with values validated earlier; report instead of panicking.
            Err(e) => self.events.push_back(Event::Disconnected {
                error: Some(e),
                reconnect_in_ms: None,
            }),
        }
    }

    fn push_transmit(&mut self, bytes: Bytes) {
        self.last_sent = self.now;
        if bytes.len() > self.largest_out.0 {
            self.largest_out = (bytes.len(), None);
        }
        self.transmit.push_back(bytes);
    }
}

#[cfg(test)]
mod tests;
