//! What the session tells the glue and the application, and where it stands.

use super::Millis;
use crate::mqtt::error::Error;
use crate::mqtt::packet::{Publish, QoS, Version};

/// What the glue or the application must know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Open a new transport now, then call `handle_transport_open`.
    OpenTransport,
    /// Close the current transport; the session no longer reads from it.
    CloseTransport,
    Connected {
        session_present: bool,
        client_id: String,
        /// The version spoken: 3.1.1 when a 5.0 CONNECT met a broker that speaks only 3.1.1.
        version: Version,
    },
    /// `error` is `None` when the application asked to disconnect.
    Disconnected {
        error: Option<Error>,
        reconnect_in_ms: Option<u64>,
    },
    Message(Publish),
    /// One per filter of a SUBSCRIBE: the granted QoS or the broker's reason for refusing.
    Subscribed {
        filter: String,
        result: Result<QoS, String>,
    },
    /// `error` is the broker's reason when it refused (MQTT 5 UNSUBACK); the filter is
    /// dropped from the session either way.
    Unsubscribed {
        filter: String,
        error: Option<String>,
    },
    /// A QoS 1/2 publish, named by the id `publish` returned, completed its flow.
    PublishAcked {
        id: u64,
    },
    PublishFailed {
        id: u64,
        reason: String,
    },
    /// A QoS 0 publish that waited for the connection went out (it has no ack to await).
    PublishSent {
        id: u64,
    },
    /// The broker offered a session (Session Present) this client has no record of: the link
    /// was closed and the session connects once with a clean start (MQTT 5 §3.2.2.1.1).
    SessionUnknown,
    /// A message larger than our Maximum Packet Size was acknowledged and dropped unread
    /// (3.1.1 brokers cannot know our limit).
    MessageSkipped {
        topic: String,
        size: usize,
        max: usize,
    },
}

/// Where the session stands, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Idle,
    Connecting,
    Connected,
    Reconnecting { at: Millis },
}
