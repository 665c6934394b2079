//! How a connection ends: the broker's protocol violations, the fallback to MQTT 3.1.1,
//! which failures are retried with backoff and which stop, and what survives the link.

use super::{Event, Session, State};
use crate::mqtt::codec::Framer;
use crate::mqtt::error::{
    is_permanent_code, reason_text, Error, ProtocolError, Refusal, TransportError, UsageError,
};
use crate::mqtt::packet::{Packet, Version};
use crate::sorted_map::SortedMap;

/// Broker protocol violations in a row after which the session stops retrying.
const MAX_PROTOCOL_FAILURES: u8 = 3;

/// WebSocket close code for a message larger than the other end accepts (RFC 6455 §7.4.1).
pub const CLOSE_TOO_BIG: u16 = 1009;

/// How the transport closed, as the browser reports it: the WebSocket close code and
/// reason the broker sent, and the text the user sees when nothing better applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: String,
    pub text: String,
}

impl Close {
    /// A close without a close frame (1006): the link broke, or never opened.
    pub fn abnormal(text: String) -> Close {
        Close {
            code: 1006,
            reason: String::new(),
            text,
        }
    }

    /// Some brokers (RabbitMQ's Web MQTT) answer bad credentials by closing the socket with
    /// a reason such as "unauthenticated" instead of a CONNACK refusal.
    fn refuses_credentials(&self) -> bool {
        let reason = self.reason.to_ascii_lowercase();
        ["unauthenticated", "not authori", "unauthori"]
            .iter()
            .any(|w| reason.contains(w))
    }
}

impl Session {
    /// The transport closed under the session. A close that refuses the credentials before
    /// CONNACK stops like a CONNACK refusal would; one for a message too big drops that
    /// message, which every reconnect would otherwise resend into the same close.
    pub(super) fn transport_closed(&mut self, close: Close) {
        if matches!(self.state, State::AwaitConnAck { .. }) && close.refuses_credentials() {
            let reason = reason_text(0x86).into();
            return self.fail(Error::Refused(Refusal { code: 0x86, reason }), false);
        }
        if matches!(self.state, State::AwaitConnAck { .. }) && self.fall_back() {
            return;
        }
        if !self.transport_open() {
            return;
        }
        let mut text = close.text;
        if close.code == CLOSE_TOO_BIG {
            if let Some((size, topic)) = self.drop_largest_publish() {
                text = format!("{text}: the broker refused a message of {size} bytes on {topic}");
            }
        }
        self.fail(Error::Transport(TransportError::Closed(text)), false);
    }

    /// Silence after a 5.0 CONNECT is one way a 3.1.1-only broker refuses it.
    pub(super) fn connack_timed_out(&mut self) {
        if !self.fall_back() {
            self.fail(Error::Transport(TransportError::ConnAckTimeout), true);
        }
    }

    /// The broker broke the protocol: tell it why (MQTT 5) and drop the link. Before a
    /// 5.0 CONNACK, garbage most likely means the broker speaks only 3.1.1.
    pub(super) fn protocol_violation(&mut self, e: ProtocolError) {
        if matches!(self.state, State::AwaitConnAck { .. }) && self.fall_back() {
            return;
        }
        if self.version == Version::V5 && self.state == State::Connected {
            let code = match e {
                ProtocolError::Malformed(_) => 0x81,
                ProtocolError::PacketTooLarge { .. } => 0x95,
                ProtocolError::InvalidTopic(_) => 0x90,
                ProtocolError::TopicAlias(_) => 0x94,
                _ => 0x82,
            };
            self.send(Packet::Disconnect { code, reason: None });
        }
        self.protocol_failures = self.protocol_failures.saturating_add(1);
        self.fail(Error::Protocol(e), true);
    }

    /// A 5.0 CONNECT met a broker that seems to speak only 3.1.1 (a 3.1.1 CONNACK, a
    /// close or silence instead of CONNACK): try once more at once with 3.1.1. False when
    /// that does not apply (already 3.1.1, 5.0 confirmed, or fallback turned off).
    pub(super) fn fall_back(&mut self) -> bool {
        // SCRAM exists only in 5.0: a 3.1.1 CONNECT would drop it.
        let scram = self.opts.auth.is_some();
        if self.version != Version::V5 || self.v5_confirmed || !self.opts.version_fallback || scram {
            return false;
        }
        if self.transport_open() {
            self.events.push_back(Event::CloseTransport);
        }
        self.version = Version::V311;
        self.drop_connection();
        // 3.1.1 cannot ask the broker for an id while keeping a session.
        if self.client_id.is_empty() && !self.opts.clean_start {
            self.state = State::Idle;
            self.events.push_back(Event::Disconnected {
                error: Some(Error::Usage(UsageError::InvalidOptions(
                    "This broker speaks only MQTT 3.1.1, which needs a client ID unless clean start is on"
                        .into(),
                ))),
                reconnect_in_ms: None,
            });
            return true;
        }
        self.open(self.now);
        true
    }

    /// Ends the connection after `error`, and schedules a reconnect unless retrying is futile.
    pub(super) fn fail(&mut self, error: Error, close_transport: bool) {
        if close_transport && self.transport_open() {
            self.events.push_back(Event::CloseTransport);
        }
        self.drop_connection();
        if !matches!(error, Error::Protocol(_)) {
            self.protocol_failures = 0;
        }
        let permanent = match &error {
            Error::Refused(r) => r.is_permanent(),
            Error::ServerDisconnect { code, .. } => is_permanent_code(*code),
            Error::Usage(_) | Error::Limit(_) => true,
            // A broker that breaks the protocol the same way on every connection would
            // otherwise be reconnected to forever (CONNACK resets the backoff).
            Error::Protocol(e) => e.is_permanent() || self.protocol_failures >= MAX_PROTOCOL_FAILURES,
            Error::Transport(_) => false,
        };
        if self.opts.reconnect && !permanent {
            let delay = self.backoff.next_delay();
            self.state = State::Backoff {
                until: self.now + delay,
            };
            self.events.push_back(Event::Disconnected {
                error: Some(error),
                reconnect_in_ms: Some(delay),
            });
        } else {
            self.state = State::Idle;
            self.events.push_back(Event::Disconnected {
                error: Some(error),
                reconnect_in_ms: None,
            });
        }
    }

    /// Forgets what belonged to the link; keeps what the session must carry over.
    pub(super) fn drop_connection(&mut self) {
        self.framer = Framer::new(self.version, self.opts.max_packet_size as usize);
        // Aliases live as long as one connection (§3.3.2.3.4).
        self.aliases_in = SortedMap::default();
        self.aliases_out = SortedMap::default();
        self.ping_sent = None;
        self.wake_deadline = None;
        for (pkid, filters) in std::mem::take(&mut self.pending_subscribes) {
            self.ids.release(pkid);
            self.unsent_subscribes.extend(filters);
        }
        for (pkid, filters) in std::mem::take(&mut self.pending_unsubscribes) {
            self.ids.release(pkid);
            self.unsent_unsubscribes.extend(filters);
        }
    }
}
