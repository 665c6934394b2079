//! The app model without yew: what the UI shows, kept as plain Rust so it is tested natively.
//!
//! - `settings` — connection settings, their validation, saving and the query-string prefill.
//! - `payload`  — how a payload is shown: text when it is UTF-8, hex otherwise, capped.
//! - `messages` — the capped store of received and published messages.
//! - `subscriptions` — the subscription list with each filter's outcome.
//! - `app`      — the UI state and the one reducer that changes it.

pub mod app;
pub mod messages;
pub mod payload;
pub mod settings;
pub mod subscriptions;
