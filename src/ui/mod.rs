//! Yew components (wasm32 only): glue that reads the connection cores and dispatches actions to
//! them. State has two owners, both made in `app`: per open connection, a connection core
//! (`model::connection`: the session, messages, topic tree, subscriptions, discovery, widgets
//! and panels), run by its driver and reached through its `Feed`, whose views re-render at most
//! once per animation frame (`slots` holds them); and one reducer (`UiState`, over
//! `model::deck`, one `model::app` state per connection) for the status line, the settings
//! form, the screen and errors. The views show one connection at a time. What the Monitor
//! screen has selected and expanded, and what its views cache (the tree's rows, the last diff)
//! (`monitor::MonitorState`), is kept per connection too.
//!
//! - `app`           — the page: wires the connections, the reducer and the views together.
//! - `connecting`    — connecting a core from the form: options, sealed passwords, the stored
//!   session to resume, what is remembered of settings and brokers.
//! - `slots`         — the open connections' running parts: driver, feed, Monitor selection;
//!   a panel edit stored by one is given to the others.
//! - `connections`   — the connection list: switch, open another, close one.
//! - `feed`          — the views' handle to a core and their per-frame refresh.
//! - `saved`         — saved connections: open, save, duplicate, delete; everything kept in
//!   this browser exported as one file and imported (previewed, merged or replacing).
//! - `connection`    — the connection form.
//! - `status`        — the always-visible connection bar.
//! - `other_tabs`    — other tabs with the same client ID: who yields, and the notice both show.
//! - `theme`         — the Auto / Light / Dark control, under the connection settings.
//! - `subscriptions` — subscribe form and the subscription list.
//! - `messages`      — the message list (virtualized, filterable, pausable).
//! - `monitor`       — the Monitor screen: topic tree, topic detail, changes and charts.
//! - `panel`         — the Panel screen: widget cards, discovered devices, panel editing.
//! - `virtual_list`  — a list that renders only the rows in view.
//! - `publish`       — the publish form, with its JSON payload checked as it is typed.
//! - `templates`     — publish templates and the publish history, under the publish form.
//! - `fields`        — small labelled inputs shared by the forms.

mod app;
mod connecting;
mod connection;
mod connections;
mod feed;
mod fields;
mod messages;
mod monitor;
mod other_tabs;
mod panel;
mod publish;
mod saved;
mod slots;
mod status;
mod subscriptions;
mod templates;
mod theme;
mod virtual_list;

pub use app::App;
pub use feed::Feed;

/// Mounts the app on the page's body.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
