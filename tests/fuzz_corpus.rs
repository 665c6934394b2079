//! The fuzz targets' corpus and every input that ever broke one, replayed as ordinary
//! tests, so CI checks them without cargo-fuzz (`scripts/fuzz.sh` runs the fuzzers).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use mqtt_deck::mqtt;

#[path = "support/fake_broker.rs"]
mod fake_broker;
#[path = "support/fuzz_framer.rs"]
mod fuzz_framer;
#[path = "support/fuzz_session.rs"]
mod fuzz_session;

/// Runs `target` on every file of `fuzz/corpus/<name>` and `fuzz/regressions/<name>`, and
/// names each input that fails.
fn replay(name: &str, target: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut inputs = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a readable directory").path();
            let data = std::fs::read(&path).expect("a readable input");
            inputs.push((path, data));
        }
    }
    assert!(inputs.len() >= 10, "only {} inputs for {name}", inputs.len());
    let failed: Vec<String> = inputs
        .iter()
        .filter(|(_, data)| catch_unwind(AssertUnwindSafe(|| target(data))).is_err())
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{name} failed on {failed:#?}");
}

#[test]
fn framer_corpus_and_regressions_replay_cleanly() {
    replay("framer", fuzz_framer::run);
}

#[test]
fn session_corpus_and_regressions_replay_cleanly() {
    replay("session", fuzz_session::run);
}
