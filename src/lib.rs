//! MQTT Deck: a browser MQTT client.
//!
//! Layout, from the ground up: each module imports only those listed before it, and each
//! folder's `mod.rs` lists its own files.
//! - `sorted_map` — the small map the core and the model share instead of many map types.
//! - `mqtt`  — the sans-IO protocol core: codec over mqttbytes (and the AUTH packet it lacks),
//!   the session state machine (fallback to 3.1.1, broker limits, MQTT 5 properties and aliases,
//!   enhanced authentication, wake-ups, its durable state and the offline queue), SCRAM (`auth`), packet ids, backoff, topic rules, errors
//!   grouped by who is at fault. No web-sys, yew or clock; tested natively.
//! - `model` — the app model without yew, tested natively:
//!   - `connection` — the connection core: one session, its message store and topic tree, its
//!     panel side and its one subscription list; `handle_*` in, `poll_*` out, like the session;
//!   - `cloud` — credentials signed in the page (AWS SigV4 URLs, Azure IoT Hub SAS tokens),
//!     which the connection core signs anew for every attempt;
//!   - what it and the UI hold: connection `settings` with their `advanced` MQTT 5 options,
//!     saved connections (`profiles`), the one configuration file of everything kept (`config`),
//!     broker `presets`,
//!     `reach` (what a page may open, what a socket that never opened means), what was learned
//!     of `brokers` (3.1.1 only), the message store (`messages`, with `requests`
//!     pairing MQTT 5 requests and responses), the topic `tree`, the user's `subscriptions`,
//!     `props` (publish properties in and out of forms), `stored_session` (a durable session's
//!     record), `tabs` (other tabs with our client ID), `app` (UI state and the reducer that
//!     changes it) and `deck` (several connections at once: one `app` state per connection, the
//!     shown one, the connection list's rows);
//!   - how messages are looked at: `payload` (text or hex), `json_view` (pretty JSON, Base64),
//!     `json_path` (numbers for charts), `diff` (what changed on a topic), `export` (history as
//!     JSON or CSV), `rate` (messages per second);
//!   - `json` — the one JSON package: value, parser, writer, the viewer's scanner, paths;
//!   - `number` and `fold` — decimal numbers and case-insensitive search without std's tables;
//!   - `panel` — the device control panel: widget definitions and their stored form, their live
//!     state and commands, Home Assistant and Zigbee2MQTT discovery, the user's panels.
//! - `web`   — browser glue (wasm32 only): the WebSocket transport, the driver that runs the
//!   connection core with one timer (on a Worker), wake-ups, the channel to other tabs, durable
//!   sessions in IndexedDB (`stored`), passwords sealed with WebCrypto (`crypto`; the JS both
//!   call is `scripts`), and page services (clock, localStorage, query string, frames, phone
//!   width).
//! - `ui`    — Yew components and view functions (wasm32 only), glue over the cores (one driver
//!   and core per open connection, the views showing one): they read it through the `Feed`
//!   (repainted at most once per animation frame) and dispatch actions to it; a reducer over
//!   `model::app::AppState` keeps the status line, forms, screen and errors.
//!
//! Binaries: `src/main.rs` mounts `ui` on the page; `src/bin/bench_core.rs` is the benchmark's
//! bare page (a): the core and driver without UI, reporting to `bench/run.mjs`.

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
