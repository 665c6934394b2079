//! The connection core: one broker connection's whole hot path, sans-IO like `mqtt::Session`.
//! The glue calls `handle_*` with what happened on the transport and the user's actions, each
//! with the time (`Now`), then drains `poll_transmit`, `poll_transport`, `poll_effect` and
//! `poll_repaint`, and arms one timer at `poll_timeout`. No clock, no yew, no web-sys; inputs
//! and outputs are plain data so that the core can later run in a Web Worker.
//!
//! - `effect` — its outputs besides bytes (`Effect`, `Transport`), its errors, and `Now`.
//! - `subs`   — the one subscription list: each filter with who holds it, the user's outcomes.
//! - `panel`  — discovery, the widget runtime and the user's panels; panel edits as data.
//!
//! It owns the session, the message store (which holds the topic tree), the panel side and
//! the subscription list; views read them through the accessors below.

mod effect;
mod panel;
mod subs;

use std::collections::VecDeque;

use bytes::Bytes;

use crate::model::messages::{Delivery, Direction, MessageIn, MessageStore, DEFAULT_GLOBAL_CAP, DEFAULT_PER_TOPIC_CAP};
use crate::model::panel::{Discovery, Panels, Runtime, WidgetInput};
use crate::model::subscriptions::SubEntry;
use crate::mqtt::topic::matches;
use crate::mqtt::{Error, Event, Millis, Options, PublishProps, QoS, Session, Status, SubOptions, UsageError};

pub use effect::{CoreError, Effect, Now, StatusChange, Transport};
pub use panel::{Edited, PanelEdit, BROKEN_KEY, PANELS_KEY};
pub use subs::Origin;
use panel::PanelSide;
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
    store: MessageStore,
    panel: PanelSide,
    subs: Registry,
    transport: VecDeque<Transport>,
    effects: VecDeque<Effect>,
    repaint: bool,
}

impl Connection {
    /// A connection not yet connected, with the panels saved before (`None` when none were).
    pub fn new(saved_panels: Option<&str>) -> Connection {
        let (panel, broken) = PanelSide::load(saved_panels);
        let mut effects = VecDeque::new();
        if let Some(value) = broken {
            effects.push_back(Effect::Save { key: BROKEN_KEY, value });
        }
        Connection {
            session: Session::new(Options::default()),
            url: String::new(),
            store: MessageStore::new(DEFAULT_GLOBAL_CAP, DEFAULT_PER_TOPIC_CAP),
            panel,
            subs: Registry::default(),
            transport: VecDeque::new(),
            effects,
            repaint: false,
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

    // ---- the user's actions ----

    pub fn connect(&mut self, now: Now, url: &str, opts: Options) -> Result<(), UsageError> {
        self.url = url.to_string();
        let result = self.session.connect(now.mono, opts);
        self.drain(now);
        result
    }

    pub fn disconnect(&mut self, now: Now) {
        self.session.disconnect(now.mono);
        self.drain(now);
    }

    /// Leaves so that the broker publishes the will message.
    pub fn disconnect_with_will(&mut self, now: Now) {
        self.session.disconnect_with_will(now.mono);
        self.drain(now);
    }

    /// The user subscribes. A filter already on the wire with the same options and answered
    /// is not sent again: the answer it had is the user's.
    pub fn subscribe(&mut self, now: Now, filter: &str, options: SubOptions) -> Result<(), Error> {
        // The user's own repeat is sent again: brokers resend retained messages for it.
        let answered = match self.session.subscriptions().get(filter) {
            Some(o) if *o == options && !self.subs.holds(filter, Origin::User) => self.subs.granted(filter).cloned(),
            _ => None,
        };
        if answered.is_none() {
            self.session.subscribe_with(filter, options)?;
        }
        self.subs.add(filter, Origin::User);
        self.subs.user_mut().request(filter, options.qos);
        if let Some(result) = answered {
            self.subs.resolve(filter, result);
        }
        self.effects.push_back(Effect::Subscriptions);
        self.drain(now);
        Ok(())
    }

    /// The user unsubscribes; the filter leaves the wire only if nothing else holds it.
    pub fn unsubscribe(&mut self, now: Now, filter: &str) -> Result<(), Error> {
        let held_by_user = self.subs.holds(filter, Origin::User);
        let others = held_by_user && !self.subs.remove(filter, Origin::User);
        if others {
            self.subs.user_mut().remove(filter);
            self.effects.push_back(Effect::Subscriptions);
        } else {
            self.session.unsubscribe(filter)?;
        }
        self.drain(now);
        Ok(())
    }

    /// Publishes from the publish form and lists it. A request (MQTT 5 Response Topic)
    /// subscribes to its response topic first unless a subscription already covers it.
    pub fn publish(&mut self, now: Now, out: Outgoing) -> Result<(), Error> {
        if let Some(topic) = out.props.as_ref().and_then(|p| p.response_topic.clone()) {
            if !self.session.subscriptions().keys().any(|f| matches(f, &topic)) {
                if let Err(e) = self.subscribe(now, &topic, SubOptions::qos(QoS::AtLeastOnce)) {
                    self.effects.push_back(Effect::SubscribeError(e.to_string()));
                }
            }
        }
        let id = self
            .session
            .publish_with(&out.topic, out.payload.clone(), out.qos, out.retain, out.props.clone())?;
        let delivery = if out.qos == QoS::AtMostOnce {
            Delivery::None
        } else {
            Delivery::Pending { id }
        };
        self.store.push(MessageIn {
            topic: out.topic,
            payload: out.payload,
            qos: out.qos,
            retain: out.retain,
            direction: Direction::Published,
            time_ms: now.wall,
            delivery,
            props: out.props,
        });
        self.repaint = true;
        self.drain(now);
        Ok(())
    }

    /// Publishes without listing it (the monitor's "Clear retained").
    pub fn publish_unlisted(&mut self, now: Now, topic: &str, payload: Bytes, qos: QoS, retain: bool) -> Result<(), Error> {
        let result = self.session.publish(topic, payload, qos, retain).map(|_| ());
        self.drain(now);
        result
    }

    /// Runs a widget's command and publishes what it produced.
    pub fn command(&mut self, now: Now, widget_id: &str, input: WidgetInput) -> Result<(), CoreError> {
        let publishes = self.panel.runtime.command(widget_id, input, now.wall)?;
        let mut result = Ok(());
        for p in publishes {
            let qos = QoS::from_u8(p.qos).unwrap_or_default();
            if let Err(e) = self.session.publish(&p.topic, Bytes::from(p.payload), qos, p.retain) {
                result = Err(e.into());
                break;
            }
        }
        self.repaint = true;
        self.drain(now);
        result
    }

    /// Publishes a panel to its share topic.
    pub fn share_panel(&mut self, now: Now, panel_id: &str) -> Result<(), CoreError> {
        let p = self.panel.panels.share_publish(panel_id)?;
        let qos = QoS::from_u8(p.qos).unwrap_or_default();
        let result = self.session.publish(&p.topic, Bytes::from(p.payload), qos, p.retain);
        self.drain(now);
        result.map(|_| ()).map_err(CoreError::from)
    }

    /// Applies an edit to the user's panels, saves them and follows their subscriptions.
    pub fn edit_panels(&mut self, now: Now, edit: PanelEdit) -> Result<Edited, CoreError> {
        let result = self.panel.apply(edit);
        if result.is_ok() {
            self.save_panels();
            self.panel.rebuild();
            self.follow_panel(now);
            self.repaint = true;
        }
        self.drain(now);
        result
    }

    /// Drops the optimistic values of commands no device confirmed within `max_age_ms`, so
    /// their cards show what the devices report again. True when something changed.
    pub fn expire_pending(&mut self, now: Now, max_age_ms: f64) -> bool {
        let changed = self.panel.runtime.expire_pending(now.wall, max_age_ms);
        self.repaint |= changed;
        changed
    }

    pub fn clear_messages(&mut self) {
        self.store.clear();
        self.repaint = true;
    }

    pub fn set_per_topic_cap(&mut self, cap: usize) {
        self.store.set_per_topic_cap(cap);
        self.repaint = true;
    }

    /// Forgets the retained marker of `topic` after its retained message was cleared.
    pub fn clear_retained_marker(&mut self, topic: &str) {
        if let Some(n) = self.store.tree().find(topic) {
            self.store.tree_mut().clear_retained(n);
            self.repaint = true;
        }
    }

    // ---- inside ----

    fn save_panels(&mut self) {
        self.effects.push_back(Effect::Save {
            key: PANELS_KEY,
            value: self.panel.panels.to_json(),
        });
    }

    /// Makes the subscription list hold what the panel side needs now: new filters go on
    /// the wire, filters nobody holds any more come off it.
    fn follow_panel(&mut self, now: Now) {
        let wanted = self.panel.wanted();
        let shared = self.panel.share_filters().to_vec();
        let mut dropped = self.subs.set(Origin::Panel, &wanted);
        dropped.extend(self.subs.set(Origin::Shared, &shared));
        for filter in dropped {
            // Only an idle session refuses, and it forgets the filter either way.
            let _ = self.session.unsubscribe(&filter);
        }
        self.subscribe_missing();
        self.drain(now);
    }

    /// Puts on the wire every held filter the session does not have (an idle session
    /// refuses; the next `Connected` tries again).
    fn subscribe_missing(&mut self) {
        let missing: Vec<String> = self
            .subs
            .filters()
            .filter(|f| !self.session.subscriptions().contains_key(f.as_str()))
            .cloned()
            .collect();
        for filter in missing {
            let _ = self.session.subscribe(&filter, QoS::AtLeastOnce);
        }
    }

    /// Turns the session's events into transport commands, store and panel updates and
    /// effects, until it has nothing more to say.
    fn drain(&mut self, now: Now) {
        while let Some(event) = self.session.poll_event() {
            self.on_event(now, event);
        }
    }

    fn on_event(&mut self, now: Now, event: Event) {
        match event {
            Event::OpenTransport => self.transport.push_back(Transport::Open { url: self.url.clone() }),
            Event::CloseTransport => self.transport.push_back(Transport::Close),
            Event::Message(p) => {
                let routed = self.panel.route(&p.topic, &p.payload, now.wall);
                if routed.panels_changed {
                    self.save_panels();
                }
                if routed.widgets_changed {
                    self.follow_panel(now);
                }
                self.store.push(MessageIn {
                    topic: p.topic,
                    payload: p.payload,
                    qos: p.qos,
                    retain: p.retain,
                    direction: Direction::Received,
                    time_ms: now.wall,
                    delivery: Delivery::None,
                    props: p.props,
                });
                self.repaint = true;
            }
            Event::PublishAcked { id } => {
                self.store.settle(id, Delivery::Acknowledged { at_ms: now.wall });
                self.repaint = true;
            }
            Event::PublishFailed { id, reason } => {
                self.store.settle(id, Delivery::Failed { reason });
                self.repaint = true;
            }
            Event::Connected { client_id, version, .. } => {
                // After a (re)connect the session restored what it knew; this adds anything new.
                self.follow_panel(now);
                self.effects
                    .push_back(Effect::Status(StatusChange::Connected { client_id, version }));
            }
            Event::MessageSkipped { topic, size, max } => self.effects.push_back(Effect::Notice(format!(
                "Skipped a message on {topic}: {size} bytes is more than this client's limit of {max} bytes"
            ))),
            Event::Disconnected { error, reconnect_in_ms } => {
                self.subs.link_lost();
                self.effects.push_back(Effect::Subscriptions);
                self.effects.push_back(Effect::Status(StatusChange::Disconnected {
                    reason: error.map(|e| e.to_string()),
                    reconnect_at_ms: reconnect_in_ms.map(|ms| now.mono + ms),
                }));
            }
            Event::Subscribed { filter, result } => {
                self.subs.resolve(&filter, result);
                self.effects.push_back(Effect::Subscriptions);
            }
            Event::Unsubscribed { filter, error } => {
                if let Some(reason) = error {
                    self.effects.push_back(Effect::SubscribeError(format!(
                        "The broker refused to unsubscribe from {filter}: {reason}"
                    )));
                }
                self.subs.unsubscribed(&filter);
                self.effects.push_back(Effect::Subscriptions);
            }
        }
    }
}
