//! A connected session fed arbitrary broker bytes, timeouts, transport events and user
//! actions, its invariants checked: see `tests/support/fuzz_session.rs`, which `cargo test`
//! also runs over the corpus.
#![no_main]

use mqtt_deck::mqtt;

#[path = "../../tests/support/fake_broker.rs"]
mod fake_broker;
#[path = "../../tests/support/fuzz_session.rs"]
mod fuzz_session;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_session::run(data));
