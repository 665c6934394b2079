//! Helpers shared by the session integration tests.

pub mod fake_broker;
