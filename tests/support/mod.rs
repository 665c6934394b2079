//! Helpers shared by the integration tests: `fake_broker` (the scripted broker and `Pair`,
//! which drives a bare session) and `core_pair` (which drives the connection core).

pub mod core_pair;
pub mod fake_broker;
