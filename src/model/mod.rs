//! The app model without yew: what the UI shows, kept as plain Rust so it is tested natively.
//!
//! - `settings` — connection settings, their validation, saving and the query-string prefill.
//! - `reach`    — what the browser refuses before a socket opens (`ws://` from an `https://` page)
//!   and what a socket that never opened most likely means (over `wss://`: the certificate).
//! - `advanced` — the connection form's MQTT 5 options: session, limits, user properties, will.
//! - `presets`  — broker presets: URL, version and help for the brokers people use.
//! - `profiles` — saved connections: named settings and subscriptions, the last used first.
//! - `share`    — a saved connection as a link (the query parameters the page reads), never
//!   with a password, token or key.
//! - `brokers`  — what talking to brokers taught: which URLs speak only MQTT 3.1.1.
//! - `stored_session` — a durable MQTT session as the JSON record IndexedDB keeps per connection.
//! - `tabs`     — other tabs of the app: which client ID each uses, and who yields it.
//! - `props`    — MQTT 5 publish properties: the publish form's fields in, labelled rows out.
//! - `templates` — the publish form as typed (its JSON checked as typed) and saved messages,
//!   named per connection.
//! - `history`  — the last messages the user published, as typed, with what became of each.
//! - `requests` — MQTT 5 request / response: which received message answers which request.
//! - `payload`  — how a payload is shown: text when it is UTF-8, hex otherwise, capped.
//! - `messages` — the store: one capped ring, per-topic histories, filtered views.
//! - `tree`     — the topic tree with counts, last values and retained markers.
//! - `subscriptions` — the user's subscriptions as the form lists them, with each filter's outcome.
//! - `json`     — all of JSON: the value payloads, discovery and stored panels are read into and
//!   written from, its parser and writer, the iterative scanner the viewer uses, paths into values.
//! - `json_view` — text, JSON or binary; JSON pretty-printed as coloured tokens within a budget
//!   (by `json::scan`); Base64.
//! - `json_path` — a number for charts: a plain numeric payload or a JSON value picked by a
//!   `json::path` (the dialect widgets read too).
//! - `diff`     — what changed since the previous message on a topic: per key for JSON, else per line.
//! - `export`   — message history as JSON or CSV, with ISO 8601 times.
//! - `config`   — the one configuration file: saved connections, panels, templates, the form
//!   and the theme in one versioned document, merged or replacing, previewed first.
//! - `rate`     — a messages-per-second meter over a sliding window.
//! - `number`   — decimal numbers from payloads and forms, without std's float parser tables.
//! - `fold`     — case-insensitive search without the standard library's Unicode tables.
//! - `app`      — the UI state and the one reducer that changes it.
//! - `deck`     — several connections at once: the slots, the shown one, the connection list's rows.
//! - `cloud/`   — credentials signed in the browser: AWS IoT Core's SigV4 URL, Azure IoT Hub's
//!   SAS token.
//! - `connection/` — the sans-IO connection core: one session, its store and tree, its panel
//!   side and its one subscription list; user actions and transport events in, effects out.
//! - `panel`    — the device control panel: widgets, their live state, discovery, user panels.

pub mod advanced;
pub mod app;
pub mod brokers;
pub mod cloud;
pub mod config;
pub mod connection;
pub mod deck;
pub mod diff;
pub mod export;
pub mod fold;
pub mod history;
pub mod json;
pub mod json_path;
pub mod json_view;
pub mod messages;
pub mod number;
pub mod panel;
pub mod payload;
pub mod presets;
pub mod profiles;
pub mod props;
pub mod rate;
pub mod reach;
pub mod requests;
pub mod settings;
pub mod share;
pub mod stored_session;
pub mod subscriptions;
pub mod tabs;
pub mod templates;
pub mod tree;
