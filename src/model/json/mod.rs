//! JSON for the whole app: the value payloads, discovery documents and stored panels are read
//! into and written from, the scanner the payload viewer pretty-prints with, and paths into
//! values. The app's own code instead of serde_json, whose value, ordered map and derived
//! (de)serializers were the largest code in the bundle.
//!
//! - `value` — [`Json`], [`Num`] and [`Object`]: numbers keep the text they were written with (a
//!   payload's `21.50` shows as the device sent it), objects keep document order.
//! - `error` — [`Problem`], [`JsonError`] with where it was found, and the nesting cap
//!   [`MAX_DEPTH`]: what both readers report, so neither takes it from the other.
//! - `lex`   — numbers and strings, the tokens the parser and the scanner share, so both accept
//!   exactly the same documents.
//! - `parse` — text to [`Json`], depth-capped like serde_json, with errors that say where.
//! - `write` — [`Json`] to compact text, byte for byte as serde_json writes the same value;
//!   numbers made by the app ([`Num::from_f64`]) as serde_json would (floats of more than 15
//!   significant digits may differ in the last one).
//! - `scan`  — validation and pretty-printing in one pass without building a value, iterative so
//!   deep nesting cannot overflow the stack; the viewer (`model::json_view`) is its consumer.
//! - `path`  — the one path dialect (`a.b[0]`, `$.a`, `value_json.a`, `a["k"]`) that charts and
//!   widgets read values with.
//! - `tests`, `agree_tests` — native tests: serde_json as the oracle, and scan against parse.

mod error;
mod lex;
mod parse;
pub mod path;
pub(crate) mod scan;
mod value;
mod write;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod agree_tests;
#[cfg(test)]
mod tests;

pub use error::{JsonError, Problem, MAX_DEPTH};
pub use value::{Json, Num, Object};
