//! Helpers shared by the integration tests: `fake_broker` (the scripted broker and `Pair`,
//! which drives a bare session) and `core_pair` (which drives the connection core).
//! `fuzz_framer` and `fuzz_session` are the fuzz targets' bodies: `fuzz/` and
//! `tests/fuzz_corpus.rs` include them (and `fake_broker`) by path, not through this module.

pub mod core_pair;
pub mod fake_broker;
