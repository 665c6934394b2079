//! Arbitrary bytes in arbitrary chunks through the client's framer, both versions: see
//! `tests/support/fuzz_framer.rs`, which `cargo test` also runs over the corpus.
#![no_main]

use mqtt_deck::mqtt;

#[path = "../../tests/support/fuzz_framer.rs"]
mod fuzz_framer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_framer::run(data));
