//! Yew components (wasm32 only): glue that reads the connection core and dispatches actions to
//! it. State has two owners, both made in `app`: the connection core (`model::connection`: the
//! session, messages, topic tree, subscriptions, discovery, widgets and panels), run by the
//! driver and reached through the shared `Feed`, whose views re-render at most once per animation
//! frame; and a reducer (`UiState`, over `model::app`) for the status line, the settings form,
//! the screen and errors. What the Monitor screen has selected and expanded, and what its views
//! cache (the tree's rows, the last diff) (`monitor::MonitorState`), is kept by `app` as well.
//!
//! - `app`           — the page: wires the driver, the reducer and the feed together.
//! - `feed`          — the views' handle to the core and their per-frame refresh.
//! - `saved`         — saved connections: open, save, duplicate, delete, export and import.
//! - `connection`    — the connection form.
//! - `status`        — the always-visible connection bar.
//! - `other_tabs`    — other tabs with the same client ID: who yields, and the notice both show.
//! - `theme`         — the Auto / Light / Dark control, under the connection settings.
//! - `subscriptions` — subscribe form and the subscription list.
//! - `messages`      — the message list (virtualized, filterable, pausable).
//! - `monitor`       — the Monitor screen: topic tree, topic detail, changes and charts.
//! - `panel`         — the Panel screen: widget cards, discovered devices, panel editing.
//! - `virtual_list`  — a list that renders only the rows in view.
//! - `publish`       — the publish form.
//! - `fields`        — small labelled inputs shared by the forms.

mod app;
mod connection;
mod feed;
mod fields;
mod messages;
mod monitor;
mod other_tabs;
mod panel;
mod publish;
mod saved;
mod status;
mod subscriptions;
mod theme;
mod virtual_list;

pub use app::App;
pub use feed::Feed;

/// Mounts the app on the page's body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
