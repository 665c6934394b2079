//! MQTT Deck: a browser MQTT client.
//!
//! Layout:
//! - `mqtt`  — the sans-IO protocol core (codec over mqttbytes, session, packet ids,
//!   backoff, topic rules, errors). No web-sys, no yew, no clock; tested natively.
//! - `model` — the app model without yew: connection settings, message store,
//!   subscriptions list, payload formatting. Tested natively.
//! - `web`   — browser glue (wasm32 only): the WebSocket transport, the driver that
//!   runs the session with one timer, localStorage and the page's query string.
//! - `ui`    — Yew components (wasm32 only): one reducer owns UI state.
//! - `sorted_map` — the small map the core and the model share instead of many map types.

pub mod model;
pub mod mqtt;
pub mod sorted_map;

/// Every wasm build (the app, the benchmark's bare core page, the browser tests) allocates
/// through Talc: see `Cargo.toml`.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;
