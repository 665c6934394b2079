//! Errors of the protocol core, grouped by who is at fault: our misuse, the broker's
//! violation or refusal, a resource limit (ours or the broker's), or the link.

use std::fmt;

/// Everything that can end or refuse an operation of the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The application asked for something the protocol forbids.
    Usage(UsageError),
    /// A limit stands in the way: ours (packet ids) or one the broker announced.
    Limit(LimitError),
    /// The broker sent something the protocol forbids.
    Protocol(ProtocolError),
    /// The broker answered CONNECT with a refusal.
    Refused(Refusal),
    /// The broker closed the session with a DISCONNECT (MQTT 5).
    ServerDisconnect { code: u8, reason: String },
    /// The link to the broker failed or went silent.
    Transport(TransportError),
}

/// Misuse by the application: fixable by changing the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    InvalidTopic(String),
    InvalidFilter(String),
    NotConnected,
    InvalidOptions(String),
}

/// A resource limit: the request is valid, but this link or this broker cannot take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitError {
    /// All 65,535 packet identifiers are waiting for acknowledgements.
    PacketIdsExhausted,
    /// The packet is bigger than the broker's Maximum Packet Size (or the protocol's).
    PacketTooLarge { size: usize, max: usize },
    /// The broker announced Retain Available = 0 (MQTT 5 CONNACK).
    RetainUnavailable,
    /// The broker announced a Maximum QoS below the one asked for.
    QoSUnavailable { asked: u8, max: u8 },
    /// The broker announced that it does not support this optional feature.
    Unavailable(&'static str),
    /// The offline queue holds as many messages (or bytes) as it may (session::MAX_QUEUED).
    QueueFull,
    /// The broker asks for more SCRAM iterations than we compute: the work would freeze the page.
    AuthIterations { asked: u32, max: u32 },
}

/// A violation by the broker: the connection cannot continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// Bytes that do not form a valid packet.
    Malformed(String),
    /// A packet bigger than our maximum packet size.
    PacketTooLarge { size: usize, max: usize },
    /// A valid packet that makes no sense in the current state.
    Unexpected(String),
    /// An enhanced authentication exchange (AUTH, SCRAM) that went wrong.
    Auth(String),
    /// The broker failed SCRAM's last step: it could not show that it knows the password,
    /// so it may not be the broker the user meant. Retrying cannot fix that.
    ServerNotProven,
    /// A text WebSocket message: MQTT over WebSocket uses binary messages only (§6.0).
    TextFrame,
    /// A PUBLISH whose topic name no client may receive (empty, wildcard, NUL).
    InvalidTopic(String),
    /// A topic alias out of range or never set.
    TopicAlias(String),
}

/// The broker's refusal of CONNECT, with its reason code (3.1.1 return codes 1-5 are
/// mapped to their 5.0 equivalents so that one table names them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: u8,
    pub reason: String,
}

/// Reason codes (CONNACK refusals and server DISCONNECTs) that retrying with the same
/// settings cannot fix: retrying them only hammers the broker, so the session stops and the
/// message says what to change. The others (unavailable, busy, shutting down, keep-alive
/// timeout, quotas and rates, administrative action) are transient and back off.
pub fn is_permanent_code(code: u8) -> bool {
    matches!(
        code,
        0x84 | 0x85
            | 0x86
            | 0x87
            | 0x8A
            | 0x8C
            | 0x8E
            | 0x8F
            | 0x90
            | 0x95
            | 0x99
            | 0x9A
            | 0x9B
            | 0x9C
            | 0x9D
            | 0x9E
            | 0xA1
            | 0xA2
    )
}

impl Refusal {
    /// Refusals that retrying cannot fix: retrying them only hammers the broker.
    pub fn is_permanent(&self) -> bool {
        is_permanent_code(self.code)
    }
}

impl ProtocolError {
    /// Violations that retrying cannot fix and that must not be retried.
    pub fn is_permanent(&self) -> bool {
        matches!(self, ProtocolError::ServerNotProven)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The socket closed or failed; the text is what the browser said.
    Closed(String),
    /// No CONNACK arrived in time.
    ConnAckTimeout,
    /// No PINGRESP arrived in time.
    KeepAliveTimeout,
    /// No answer to the ping sent when the page woke up: the link died while it slept.
    WakeTimeout,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(e) => e.fmt(f),
            Error::Limit(e) => e.fmt(f),
            Error::Protocol(e) => write!(f, "Protocol error from the broker: {e}"),
            Error::Refused(r) => f.write_str(&r.reason),
            Error::ServerDisconnect { reason, .. } => write!(f, "Broker disconnected: {reason}"),
            Error::Transport(e) => e.fmt(f),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageError::InvalidTopic(s) | UsageError::InvalidFilter(s) => f.write_str(s),
            UsageError::NotConnected => f.write_str("Not connected: connect to a broker first"),
            UsageError::InvalidOptions(s) => f.write_str(s),
        }
    }
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitError::PacketIdsExhausted => {
                f.write_str("Too many operations waiting for the broker; try again shortly")
            }
            LimitError::PacketTooLarge { size, max } => {
                write!(f, "Message of {size} bytes is larger than the limit of {max} bytes")
            }
            LimitError::RetainUnavailable => f.write_str(
                "This broker does not keep retained messages (Retain Available is off): \
                 publish without retain",
            ),
            LimitError::Unavailable(what) => write!(f, "This broker does not support {what}"),
            LimitError::QueueFull => f.write_str(
                "The offline queue is full (1,000 messages or 4 MB wait already): \
                 connect to send them before publishing more",
            ),
            LimitError::QoSUnavailable { asked, max } => write!(
                f,
                "This broker accepts at most QoS {max}: QoS {asked} is not available, choose QoS {max} or lower"
            ),
            LimitError::AuthIterations { asked, max } => write!(
                f,
                "The broker asks for {asked} SCRAM iterations; this client computes at most {max}: \
                 lower the broker's iteration count or choose Username and password"
            ),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::Malformed(s) => write!(f, "malformed packet ({s})"),
            ProtocolError::PacketTooLarge { size, max } => {
                write!(f, "packet of {size} bytes exceeds our maximum of {max} bytes")
            }
            ProtocolError::Unexpected(s) => write!(f, "unexpected {s}"),
            ProtocolError::Auth(s) => write!(f, "authentication failed ({s})"),
            ProtocolError::ServerNotProven => f.write_str("the broker could not prove it knows the password"),
            ProtocolError::TextFrame => {
                f.write_str("a text WebSocket message (MQTT allows binary messages only)")
            }
            ProtocolError::InvalidTopic(t) => write!(f, "a PUBLISH with an invalid topic name ({t})"),
            ProtocolError::TopicAlias(t) => write!(f, "a bad topic alias ({t})"),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::Closed(s) => f.write_str(s),
            TransportError::ConnAckTimeout => f.write_str("The broker did not answer CONNECT in time"),
            TransportError::KeepAliveTimeout => f.write_str("The broker stopped answering pings"),
            TransportError::WakeTimeout => f.write_str("The link went stale while the page was asleep"),
        }
    }
}

impl std::error::Error for Error {}

impl From<UsageError> for Error {
    fn from(e: UsageError) -> Self {
        Error::Usage(e)
    }
}

impl From<LimitError> for Error {
    fn from(e: LimitError) -> Self {
        Error::Limit(e)
    }
}

impl From<ProtocolError> for Error {
    fn from(e: ProtocolError) -> Self {
        Error::Protocol(e)
    }
}

/// A reason code in words, with the broker's own Reason String after it when it sent one.
pub fn with_reason(code: u8, reason: Option<&str>) -> String {
    match reason.filter(|r| !r.is_empty()) {
        Some(r) => format!("{} ({r})", reason_text(code)),
        None => reason_text(code).to_string(),
    }
}

/// Names a CONNACK/DISCONNECT/SUBACK reason code the way a user can act on.
pub fn reason_text(code: u8) -> &'static str {
    match code {
        0x00 => "Success",
        0x04 => "Disconnect with will message",
        0x10 => "No matching subscribers",
        0x11 => "No subscription existed",
        0x80 => "Unspecified error",
        0x81 => "Malformed packet",
        0x82 => "Protocol error",
        0x83 => "Implementation specific error",
        0x84 => "Unsupported protocol version: choose another MQTT version",
        0x85 => "Client ID not valid: choose another client ID",
        0x86 => "Not authorized: bad username or password",
        0x87 => "Not authorized: check the username, the password and the broker's ACL",
        0x88 => "Server unavailable",
        0x89 => "Server busy",
        0x8A => "Banned: the broker refuses this client; ask its administrator",
        0x8B => "Server shutting down",
        0x8C => "Bad authentication method: choose another method, or none",
        0x8D => "Keep alive timeout",
        0x8E => "Session taken over by another client with the same client ID",
        0x8F => "Topic filter invalid: the broker refused a filter; check it against the broker's rules",
        0x90 => "Topic name invalid: the broker refused a topic name; check it against the broker's rules",
        0x91 => "Packet identifier in use",
        0x92 => "Packet identifier not found",
        0x93 => "Receive maximum exceeded",
        0x94 => "Topic alias invalid",
        0x95 => "Packet too large: the broker refused a message this big; send a smaller one",
        0x96 => "Message rate too high",
        0x97 => "Quota exceeded",
        0x98 => "Administrative action",
        0x99 => "Payload format invalid: the payload was marked UTF-8 but is not",
        0x9A => "Retain not supported: this broker does not keep retained messages; publish without retain",
        0x9B => "QoS not supported: publish with a lower QoS",
        0x9C => "Use another server: the broker sent this client elsewhere",
        0x9D => "Server moved: connect to the broker's new address",
        0x9E => "Shared subscriptions not supported by this broker",
        0x9F => "Connection rate exceeded",
        0xA0 => "Maximum connect time",
        0xA1 => "Subscription identifiers not supported by this broker",
        0xA2 => "Wildcard subscriptions not supported by this broker: subscribe to exact topics",
        _ => "Unknown reason",
    }
}
