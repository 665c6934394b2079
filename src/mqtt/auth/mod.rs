//! MQTT 5 enhanced authentication: a sans-IO SCRAM client (RFC 5802, RFC 7677) and the
//! hashes it runs on. The session (session/auth.rs) moves its messages in AUTH packets.
//! The HMAC-SHA256 here also signs the cloud presets' credentials (`model::cloud`).

pub mod base64;
mod mechanism;
mod scram;

pub use mechanism::{hex, hmac_sha256, sha256_hex, ScramMechanism};
pub use scram::{escape_username, validate_nonce, ScramClient, ScramError, MAX_ITERATIONS};

#[cfg(test)]
mod tests;
