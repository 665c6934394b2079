//! The connection core: one broker connection's whole hot path, sans-IO like `mqtt::Session`.
//! The glue calls `handle_*` with what happened on the transport and the user's actions, each
//! with the time (`Now`), then drains `poll_transmit`, `poll_transport`, `poll_effect` and
//! `poll_repaint`, and arms one timer at `poll_timeout`. No clock, no yew, no web-sys; inputs
//! and outputs are plain data so that the core can later run in a Web Worker.
//!
//! - `effect` — its outputs besides bytes (`Effect`, `Transport`), its errors, and `Now`.
//! - `subs`   — the one subscription list: each filter with who holds it, the user's outcomes.
//! - `echo`   — our 3.1.1 publishes that should come back on our own subscriptions (a 3.1.1
//!   broker drops what its ACL refuses without a word).
//! - `panel`  — discovery, the widget runtime and the user's panels; panel edits as data.
//! - `durable` — which stored session this is, its record, the offline queue's list entries.
//! - `actions` — the user's actions (connect, subscribe, publish, commands, panel edits); what
//!   the publish form sends is kept in the publish history with its outcome.
//! - `events` — the session's events into store, panel, subscription and effect changes.
//!
//! It owns the session, the message store (which holds the topic tree), the panel side, the
//! subscription list and the publish history; views read them through the accessors below.

mod actions;
mod durable;
mod echo;
mod effect;
mod events;
mod panel;
mod subs;

use std::collections::VecDeque;

use bytes::Bytes;

use crate::model::cloud::Signer;
use crate::model::history::History;
use crate::model::messages::{MessageStore, DEFAULT_GLOBAL_CAP, DEFAULT_PER_TOPIC_CAP};
use crate::model::panel::{Discovery, Panels, Runtime};
use crate::model::subscriptions::SubEntry;
use crate::mqtt::{Close, Millis, Options, PublishProps, QoS, Session, Status};

use echo::EchoWatch;
pub use effect::{CoreError, Effect, Now, StatusChange, Transport};
use panel::PanelSide;
pub use panel::{Edited, PanelEdit, BROKEN_KEY, PANELS_KEY};
pub use subs::Origin;
use subs::Registry;

/// A message the user publishes from the publish form.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    pub props: Option<Box<PublishProps>>,
}

pub struct Connection {
    session: Session,
    url: String,
    /// Failover: the broker URLs tried in order (the first is the one `connect` named), the
    /// one in use, and whether the current attempt reached its broker. Empty: no failover.
    urls: Vec<String>,
    url_at: usize,
    reached: bool,
    /// Signs the URL or password anew for each attempt (cloud presets); `None` for the rest.
    signer: Option<Signer>,
    store: MessageStore,
    panel: PanelSide,
    subs: Registry,
    echo: EchoWatch,
    history: History,
    transport: VecDeque<Transport>,
    effects: VecDeque<Effect>,
    repaint: bool,
    /// The stored session this connection is (see `durable`); empty until the glue says.
    session_key: String,
}

impl Connection {
    /// A connection not yet connected, with the panels saved before (`None` when none were).
    pub fn new(saved_panels: Option<&str>) -> Connection {
        let (panel, broken) = PanelSide::load(saved_panels);
        let mut effects = VecDeque::new();
        if let Some(value) = broken {
            effects.push_back(Effect::Save {
                key: BROKEN_KEY,
                value,
            });
        }
        Connection {
            session: Session::new(Options::default()),
            url: String::new(),
            urls: Vec::new(),
            url_at: 0,
            reached: false,
            signer: None,
            store: MessageStore::new(DEFAULT_GLOBAL_CAP, DEFAULT_PER_TOPIC_CAP),
            panel,
            subs: Registry::default(),
            echo: EchoWatch::default(),
            history: History::default(),
            transport: VecDeque::new(),
            effects,
            repaint: false,
            session_key: String::new(),
        }
    }

    // ---- reading, for the views ----

    pub fn store(&self) -> &MessageStore {
        &self.store
    }

    pub fn discovery(&self) -> &Discovery {
        &self.panel.discovery
    }

    pub fn runtime(&self) -> &Runtime {
        &self.panel.runtime
    }

    pub fn panels(&self) -> &Panels {
        &self.panel.panels
    }

    /// Why the saved panels could not be read, if they could not.
    pub fn panels_load_error(&self) -> Option<&str> {
        self.panel.load_error.as_deref()
    }

    /// The user's subscriptions with the broker's answers, as the form lists them.
    pub fn user_subscriptions(&self) -> &[SubEntry] {
        self.subs.user_entries()
    }

    /// What the user published from the form and templates, with each outcome.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// True when `origin` holds `filter`.
    pub fn holds(&self, filter: &str, origin: Origin) -> bool {
        self.subs.holds(filter, origin)
    }

    /// The broker URL of the current (or last) connection.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn status(&self) -> Status {
        self.session.status()
    }

    // ---- the transport, forwarded to the session ----

    pub fn handle_transport_open(&mut self, now: Now) {
        self.session.handle_transport_open(now.mono);
        self.drain(now);
    }

    pub fn handle_transport_closed(&mut self, now: Now, reason: String) {
        self.session.handle_transport_closed(now.mono, reason);
        self.drain(now);
    }

    /// The transport closed with a WebSocket close code and reason: see `Session`.
    pub fn handle_transport_closed_with(&mut self, now: Now, close: Close) {
        self.session.handle_transport_closed_with(now.mono, close);
        self.drain(now);
    }

    pub fn handle_transport_text(&mut self, now: Now) {
        self.session.handle_transport_text(now.mono);
        self.drain(now);
    }

    pub fn handle_bytes(&mut self, now: Now, bytes: &[u8]) {
        self.session.handle_bytes(now.mono, bytes);
        self.drain(now);
    }

    pub fn handle_timeout(&mut self, now: Now) {
        self.session.handle_timeout(now.mono);
        self.drain(now);
    }

    /// The page woke up (back online, visible, restored, focused): see `Session::handle_wake`.
    pub fn handle_wake(&mut self, now: Now) {
        self.session.handle_wake(now.mono);
        self.drain(now);
    }

    /// The client ID of the current (or last) connection: the broker's assigned one once sent.
    pub fn client_id(&self) -> &str {
        self.session.client_id()
    }

    // ---- outputs ----

    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.session.poll_transmit()
    }

    pub fn poll_transport(&mut self) -> Option<Transport> {
        self.transport.pop_front()
    }

    pub fn poll_effect(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    /// True once after anything the views show changed (messages, tree, panel state).
    pub fn poll_repaint(&mut self) -> bool {
        std::mem::take(&mut self.repaint)
    }

    pub fn poll_timeout(&self) -> Option<Millis> {
        self.session.poll_timeout()
    }
}
