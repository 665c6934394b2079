//! Version-neutral MQTT packets: the session speaks these; the codec maps them to v4/v5 wire forms.

use bytes::Bytes;

/// MQTT protocol version spoken on one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Version {
    /// MQTT 3.1.1 (protocol level 4).
    V311,
    /// MQTT 5.0.
    V5,
}

/// Quality of service: 0 at most once, 1 at least once, 2 exactly once.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum QoS {
    #[default]
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl QoS {
    pub fn from_u8(n: u8) -> Option<QoS> {
        match n {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// A will message the broker publishes if we vanish without DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    /// MQTT 5: seconds the broker waits before publishing it (a quick reconnect cancels it).
    pub delay: u32,
    /// MQTT 5: the will message's own properties (expiry, content type, user properties...).
    pub props: Option<Box<PublishProps>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect {
    pub client_id: String,
    pub keep_alive: u16,
    pub clean_start: bool,
    pub username: Option<String>,
    pub password: Option<String>,
    pub will: Option<Will>,
    /// MQTT 5 only: how long the broker keeps the session after the link drops.
    pub session_expiry: u32,
    /// MQTT 5 only: how many QoS 1/2 publishes we accept in flight.
    pub receive_maximum: u16,
    /// MQTT 5 only: the largest packet we accept.
    pub max_packet_size: u32,
    /// MQTT 5 only: how many topic aliases the broker may use toward us.
    pub topic_alias_max: u16,
    /// MQTT 5 only: ask for Response Information in CONNACK.
    pub request_response_info: bool,
    /// MQTT 5 only.
    pub user_properties: Vec<(String, String)>,
    /// MQTT 5 only: the enhanced authentication method (e.g. "SCRAM-SHA-256").
    pub auth_method: Option<String>,
    /// MQTT 5 only: the method's first message (SCRAM: client-first).
    pub auth_data: Option<Bytes>,
}

/// What the broker told us in CONNACK. Limits are `None` when not sent (3.1.1 never sends them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnAck {
    pub session_present: bool,
    /// 0 on success; 3.1.1 return codes are mapped to 5.0 reason codes.
    pub code: u8,
    pub receive_maximum: Option<u16>,
    pub max_packet_size: Option<u32>,
    pub max_qos: Option<u8>,
    pub assigned_client_id: Option<String>,
    pub server_keep_alive: Option<u16>,
    pub reason_string: Option<String>,
    /// MQTT 5: 0 when the broker does not keep retained messages.
    pub retain_available: Option<u8>,
    /// MQTT 5: another broker to use (with 0x9C / 0x9D).
    pub server_reference: Option<String>,
    /// MQTT 5: 0 when the broker refuses filters with + or #.
    pub wildcard_available: Option<u8>,
    /// MQTT 5: 0 when the broker refuses subscription identifiers.
    pub sub_ids_available: Option<u8>,
    /// MQTT 5: 0 when the broker refuses $share/ subscriptions.
    pub shared_available: Option<u8>,
    /// MQTT 5: what we may base response topics on, when we asked.
    pub response_information: Option<String>,
    /// MQTT 5: how many topic aliases we may use toward the broker.
    pub topic_alias_max: Option<u16>,
    /// MQTT 5: the method's last message on success (SCRAM: server-final).
    pub auth_data: Option<Bytes>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    pub dup: bool,
    /// 0 for QoS 0.
    pub pkid: u16,
    /// MQTT 5 properties; `None` when there are none (3.1.1 always), so that the common
    /// message costs no allocation for them.
    pub props: Option<Box<PublishProps>>,
}

/// The MQTT 5 properties of a PUBLISH (§3.3.2.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublishProps {
    /// 1: the payload is UTF-8 text; 0 or absent: unspecified bytes.
    pub payload_format: Option<u8>,
    /// Seconds the broker keeps the message for subscribers that are not yet there.
    pub message_expiry: Option<u32>,
    pub content_type: Option<String>,
    pub response_topic: Option<String>,
    pub correlation_data: Option<Bytes>,
    /// In order, repeated keys kept (the spec allows both).
    pub user_properties: Vec<(String, String)>,
    /// Received only: the identifiers of the subscriptions that matched.
    pub subscription_ids: Vec<u32>,
    /// The alias on the wire. Received: the topic was (or was recorded) through it.
    pub topic_alias: Option<u16>,
}

impl PublishProps {
    /// `None` for properties that carry nothing, so that they cost nothing.
    pub fn boxed(self) -> Option<Box<PublishProps>> {
        (self != PublishProps::default()).then(|| Box::new(self))
    }
}

/// How a subscription behaves (MQTT 5 §3.8.3.1); 3.1.1 sends only the QoS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubOptions {
    pub qos: QoS,
    /// Do not send back what this client publishes.
    pub no_local: bool,
    /// Keep the retain flag as published instead of clearing it on live messages.
    pub retain_as_published: bool,
    /// 0: send retained messages on subscribe; 1: only if the subscription is new; 2: never.
    pub retain_handling: u8,
    /// Subscription Identifier (1..=268,435,455), echoed on every matching message.
    pub id: Option<u32>,
}

impl SubOptions {
    pub fn qos(qos: QoS) -> Self {
        SubOptions {
            qos,
            ..SubOptions::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    Connect(Connect),
    ConnAck(ConnAck),
    Publish(Publish),
    /// Acks carry the reason code (0 when the packet had none).
    PubAck {
        pkid: u16,
        code: u8,
        /// MQTT 5: the broker's Reason String, when it sent one.
        reason: Option<String>,
    },
    PubRec {
        pkid: u16,
        code: u8,
        /// MQTT 5: the broker's Reason String, when it sent one.
        reason: Option<String>,
    },
    PubRel {
        pkid: u16,
        code: u8,
    },
    PubComp {
        pkid: u16,
        code: u8,
        /// MQTT 5: the broker's Reason String, when it sent one.
        reason: Option<String>,
    },
    Subscribe {
        pkid: u16,
        filters: Vec<(String, SubOptions)>,
    },
    /// One code per filter: 0-2 granted QoS, >= 0x80 failure.
    SubAck {
        pkid: u16,
        codes: Vec<u8>,
        /// MQTT 5: the broker's Reason String, when it sent one.
        reason: Option<String>,
    },
    Unsubscribe {
        pkid: u16,
        filters: Vec<String>,
    },
    UnsubAck {
        pkid: u16,
        codes: Vec<u8>,
        /// MQTT 5: the broker's Reason String, when it sent one.
        reason: Option<String>,
    },
    PingReq,
    PingResp,
    Disconnect {
        code: u8,
        reason: Option<String>,
    },
    /// MQTT 5 enhanced authentication: 0x00 success, 0x18 continue, 0x19 re-authenticate.
    /// User properties are read and dropped: nothing here acts on them.
    Auth {
        code: u8,
        method: Option<String>,
        data: Option<Bytes>,
        reason: Option<String>,
    },
    /// Not a wire packet: a PUBLISH larger than our maximum that the framer skipped
    /// without buffering it (3.1.1 only; MQTT 5 brokers must not send one). The session
    /// acknowledges it so that the broker does not send it again, and says so.
    Skipped {
        topic: String,
        size: usize,
        qos: QoS,
        pkid: u16,
    },
}

impl Packet {
    pub fn name(&self) -> &'static str {
        match self {
            Packet::Connect(_) => "CONNECT",
            Packet::ConnAck(_) => "CONNACK",
            Packet::Publish(_) => "PUBLISH",
            Packet::PubAck { .. } => "PUBACK",
            Packet::PubRec { .. } => "PUBREC",
            Packet::PubRel { .. } => "PUBREL",
            Packet::PubComp { .. } => "PUBCOMP",
            Packet::Subscribe { .. } => "SUBSCRIBE",
            Packet::SubAck { .. } => "SUBACK",
            Packet::Unsubscribe { .. } => "UNSUBSCRIBE",
            Packet::UnsubAck { .. } => "UNSUBACK",
            Packet::PingReq => "PINGREQ",
            Packet::PingResp => "PINGRESP",
            Packet::Disconnect { .. } => "DISCONNECT",
            Packet::Auth { .. } => "AUTH",
            Packet::Skipped { .. } => "PUBLISH",
        }
    }
}
