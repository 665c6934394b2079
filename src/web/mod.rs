//! Browser glue (wasm32 only): everything that touches web-sys.
//!
//! - `transport` — one WebSocket with the `mqtt` subprotocol, binary frames, close reasons.
//! - `driver`    — owns a sans-IO core (the connection core, or a bare session), the socket and
//!   the one timer; feeds the core and hands its outputs to the app.
//! - `timer`     — the driver's one timer, run by a Worker that background tabs do not throttle.
//! - `lifecycle` — wake-ups (online, visible, restored, focused) the driver passes to the core.
//! - `tabs`      — a BroadcastChannel to the app's other tabs.
//! - `stored`    — durable sessions in IndexedDB: read at start-up, written batched.
//! - `crypto`    — a remembered password sealed with a passphrase (WebCrypto AES-GCM, PBKDF2).
//! - `scripts`   — the JS those two call (IndexedDB, WebCrypto), one small module.
//! - `page`      — the clock, the query string, localStorage, animation frames and whether the
//!   page is phone-narrow.

pub mod crypto;
pub mod driver;
pub mod lifecycle;
pub mod page;
mod scripts;
pub mod stored;
pub mod tabs;
pub mod timer;
pub mod transport;

pub use driver::Driver;
