//! The user's actions on a connection: connect, subscribe, publish, widget commands, panel
//! edits and the views' own changes, each with the time it happened.

use bytes::Bytes;

use super::{Connection, CoreError, Edited, Effect, Now, Origin, Outgoing, PanelEdit};
use crate::model::cloud::Signer;
use crate::model::history::Outcome;
use crate::model::messages::{Delivery, Direction, MessageIn};
use crate::model::panel::{Panels, WidgetInput};
use crate::model::templates::Draft;
use crate::mqtt::topic::matches;
use crate::mqtt::{Error, Options, QoS, SubOptions, UsageError, Version};

impl Connection {
    pub fn connect(&mut self, now: Now, url: &str, opts: Options) -> Result<(), UsageError> {
        self.signer = None;
        self.start(now, url, opts)
    }

    /// Connects to the first of `urls` that answers: an attempt that fails before the broker
    /// accepted it moves the next reconnect to the next URL (round and round); a link that
    /// worked and was lost tries the same broker again first.
    pub fn connect_failover(&mut self, now: Now, urls: &[String], opts: Options) -> Result<(), UsageError> {
        let Some(first) = urls.first() else {
            return Err(UsageError::InvalidOptions("No broker URL to connect to".into()));
        };
        self.signer = None;
        let first = first.clone();
        let result = self.start(now, &first, opts);
        self.urls = urls.to_vec();
        result
    }

    /// Connects with credentials that `signer` makes now, and makes anew before every
    /// reconnect (a signed URL or token carries its time and expires). The error names the
    /// field to fix.
    pub fn connect_signed(&mut self, now: Now, signer: Signer, mut opts: Options) -> Result<(), String> {
        let signed = signer.sign(now.wall).map_err(|e| e.to_string())?;
        if let Some(id) = signed.client_id {
            opts.client_id = id;
        }
        if signed.username.is_some() {
            opts.username = signed.username;
        }
        if signed.password.is_some() {
            opts.password = signed.password;
        }
        self.signer = Some(signer);
        self.start(now, &signed.url, opts).map_err(|e| e.to_string())
    }

    fn start(&mut self, now: Now, url: &str, opts: Options) -> Result<(), UsageError> {
        self.url = url.to_string();
        (self.urls, self.url_at, self.reached) = (Vec::new(), 0, false);
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

    /// Proves the SCRAM credentials again on the live connection; `nonce` is fresh randomness.
    pub fn reauthenticate(&mut self, now: Now, nonce: &str) -> Result<(), crate::mqtt::Error> {
        let result = self.session.reauthenticate(now.mono, nonce);
        self.drain(now);
        result
    }

    /// The user subscribes. A filter already on the wire with the same options and answered
    /// is not sent again: the answer it had is the user's.
    pub fn subscribe(&mut self, now: Now, filter: &str, options: SubOptions) -> Result<(), Error> {
        // The user's own repeat is sent again: brokers resend retained messages for it.
        let answered = match self.session.subscriptions().get(filter) {
            Some(o) if *o == options && !self.subs.holds(filter, Origin::User) => {
                self.subs.granted(filter).cloned()
            }
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
        self.publish_listed(now, out).map(|_| ())
    }

    /// Publishes the publish form's draft (or a template's, or one from the history again) and
    /// records it in the history with its outcome. A payload or property the user must fix is
    /// refused before anything is sent, and is not recorded.
    pub fn publish_draft(&mut self, now: Now, draft: &Draft) -> Result<(), String> {
        let out = Outgoing {
            topic: draft.topic.clone(),
            payload: Bytes::from(draft.payload_bytes()?),
            qos: draft.qos,
            retain: draft.retain,
            props: draft.props.to_props()?,
        };
        let (outcome, result) = match self.publish_listed(now, out) {
            Ok(Some(id)) => (Outcome::Waiting { id }, Ok(())),
            Ok(None) => (Outcome::Sent, Ok(())),
            Err(e) => (
                Outcome::Failed {
                    reason: e.to_string(),
                },
                Err(e.to_string()),
            ),
        };
        self.history.push(draft.clone(), now.wall, outcome);
        self.repaint = true;
        result
    }

    /// [`Connection::publish`], returning the session's id when an answer will follow (QoS 1, 2).
    fn publish_listed(&mut self, now: Now, out: Outgoing) -> Result<Option<u64>, Error> {
        if let Some(topic) = out.props.as_ref().and_then(|p| p.response_topic.clone()) {
            if !self.session.subscriptions().keys().any(|f| matches(f, &topic)) {
                if let Err(e) = self.subscribe(now, &topic, SubOptions::qos(QoS::AtLeastOnce)) {
                    self.effects.push_back(Effect::SubscribeError(e.to_string()));
                }
            }
        }
        let id = self.session.publish_with(
            &out.topic,
            out.payload.clone(),
            out.qos,
            out.retain,
            out.props.clone(),
        )?;
        let waits = out.qos != QoS::AtMostOnce;
        let delivery = self.delivery_for(id, out.qos);
        if delivery == (Delivery::Pending { id }) {
            let own = self
                .session
                .subscriptions()
                .keys()
                .any(|f| matches(f, &out.topic));
            if own && self.session.version() == Version::V311 {
                self.echo.expect(id, &out.topic);
            }
        }
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
        Ok(waits.then_some(id))
    }

    /// Publishes without listing it (the monitor's "Clear retained").
    pub fn publish_unlisted(
        &mut self,
        now: Now,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
    ) -> Result<(), Error> {
        let result = self.session.publish(topic, payload, qos, retain).map(|_| ());
        self.drain(now);
        result
    }

    /// Runs a widget's command and publishes what it produced.
    pub fn command(&mut self, now: Now, widget_id: &str, input: WidgetInput) -> Result<(), CoreError> {
        // A device command is about now: unlike the publish form's messages, it does not wait
        // in the offline queue to switch a light hours later.
        if self.session.status() == crate::mqtt::Status::Idle {
            return Err(Error::Usage(UsageError::NotConnected).into());
        }
        let publishes = self.panel.runtime.command(widget_id, input, now.wall)?;
        let mut result = Ok(());
        for p in publishes {
            let qos = QoS::from_u8(p.qos).unwrap_or_default();
            if let Err(e) = self
                .session
                .publish(&p.topic, Bytes::from(p.payload), qos, p.retain)
            {
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
        let result = self
            .session
            .publish(&p.topic, Bytes::from(p.payload), qos, p.retain);
        self.drain(now);
        result.map(|_| ()).map_err(CoreError::from)
    }

    /// The user's panels as another connection stored them (every connection shows the same
    /// panels, each with its own live values): taken without storing them again, so that an
    /// edit made there is not overwritten by this connection's older copy.
    pub fn panels_stored_elsewhere(&mut self, now: Now, stored: &str) {
        // Taken as they are, without comparing: following them again asks the broker for
        // nothing new when nothing changed.
        if let Ok(panels) = Panels::from_json(stored) {
            self.panel.panels = panels;
            self.panel.rebuild();
            self.follow_panel(now);
            self.repaint = true;
        }
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
}
