//! MQTT 5 enhanced authentication: a sans-IO SCRAM client (RFC 5802, RFC 7677) and the
//! hashes it runs on. The session (session/auth.rs) moves its messages in AUTH packets.

pub mod base64;
mod mechanism;
mod scram;

pub use mechanism::ScramMechanism;
pub use scram::{escape_username, validate_nonce, ScramClient, ScramError, MAX_ITERATIONS};

#[cfg(test)]
mod tests;
