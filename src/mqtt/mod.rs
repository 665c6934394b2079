//! The sans-IO MQTT protocol core: codec, session, packet ids, backoff, topics, errors,
//! and SCRAM for MQTT 5 enhanced authentication.
//! Nothing here touches web-sys, yew or a clock.

pub mod auth;
pub mod backoff;
pub mod codec;
pub mod error;
pub mod packet;
pub mod pkid;
pub mod session;
pub mod topic;

pub use error::{Error, ProtocolError, TransportError, UsageError};
pub use packet::{Packet, Publish, PublishProps, QoS, SubOptions, Version, Will};
pub use session::{Event, Millis, Options, Session, Status, TOPIC_ALIAS_MAX};
