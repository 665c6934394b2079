//! The sans-IO MQTT protocol core. Nothing here touches web-sys, yew or a clock.
//!
//! - `packet`  — version-neutral packets, publish properties and subscription options.
//! - `codec`   — framing over mqttbytes for 3.1.1 and 5.0, the AUTH packet, the broker's half.
//! - `session` — the state machine: connect (with the fallback to 3.1.1), keep-alive, QoS
//!   flows, broker limits, aliases, enhanced authentication, reconnects, wake-ups, the durable
//!   state a reload restores, the offline queue.
//! - `auth`    — SCRAM-SHA-1/256/512 (RFC 5802, 7677) with its HMAC, PBKDF2 and Base64.
//! - `error`   — errors by who is at fault: our misuse, a limit, the broker, the link.
//! - `topic`, `pkid`, `backoff` — topic rules and matching, packet ids, reconnect delays.

pub mod auth;
pub mod backoff;
pub mod codec;
pub mod error;
pub mod packet;
pub mod pkid;
pub mod session;
pub mod topic;

pub use error::{Error, LimitError, ProtocolError, TransportError, UsageError};
pub use packet::{Packet, Publish, PublishProps, QoS, SubOptions, Version, Will};
pub use session::{Close, Event, Millis, Options, Session, Status, TOPIC_ALIAS_MAX};
