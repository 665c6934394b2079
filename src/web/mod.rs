//! Browser glue (wasm32 only): everything that touches web-sys.
//!
//! - `transport` — one WebSocket with the `mqtt` subprotocol, binary frames, close reasons.
//! - `driver`    — owns a sans-IO core (the connection core, or a bare session), the socket and
//!   the one timer; feeds the core and hands its outputs to the app.
//! - `page`      — the clock, the query string, localStorage and animation frames.

pub mod driver;
pub mod page;
pub mod transport;

pub use driver::Driver;
