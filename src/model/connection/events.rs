//! How the session's events and the panel side's needs become store and panel updates,
//! subscriptions on the wire and effects.

use super::{Connection, Effect, Now, Origin, StatusChange, Transport, PANELS_KEY};
use crate::model::messages::{Delivery, Direction, MessageIn};
use crate::mqtt::{Event, QoS};

impl Connection {
    pub(super) fn save_panels(&mut self) {
        self.effects.push_back(Effect::Save {
            key: PANELS_KEY,
            value: self.panel.panels.to_json(),
        });
    }

    /// Makes the subscription list hold what the panel side needs now: new filters go on
    /// the wire, filters nobody holds any more come off it.
    pub(super) fn follow_panel(&mut self, now: Now) {
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
    pub(super) fn drain(&mut self, now: Now) {
        while let Some(event) = self.session.poll_event() {
            self.on_event(now, event);
        }
        self.note_durable();
    }

    fn on_event(&mut self, now: Now, event: Event) {
        match event {
            Event::OpenTransport => {
                // Signed credentials are made for this attempt: a reconnect an hour later
                // must not offer a token that expired meanwhile.
                if let Some(url) = self.urls.get(self.url_at) {
                    self.url = url.clone();
                }
                if let Some(signed) = self.signer.as_ref().and_then(|s| s.sign(now.wall).ok()) {
                    self.url = signed.url;
                    if signed.password.is_some() {
                        self.session.set_password(signed.password);
                    }
                }
                self.transport.push_back(Transport::Open {
                    url: self.url.clone(),
                })
            }
            Event::CloseTransport => self.transport.push_back(Transport::Close),
            Event::Message(p) => {
                if let Some((id, Some(at_ms))) = self.echo.came_back(&p.topic) {
                    self.store.settle(id, Delivery::Acknowledged { at_ms });
                }
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
                let at_ms = now.wall;
                let outcome = if self.echo.acked(id, at_ms) {
                    Delivery::NotSeenBack { id, at_ms }
                } else {
                    Delivery::Acknowledged { at_ms }
                };
                self.store.settle(id, outcome);
                self.history.settle(id, Ok(()));
                self.repaint = true;
            }
            Event::PublishSent { id } => {
                self.store.settle(id, Delivery::None);
                self.repaint = true;
            }
            Event::SessionUnknown => self.effects.push_back(Effect::Notice(
                "The broker had a session for this client ID that this browser has no record of: \
                 it was replaced by a new one (clean start), so nothing of it is taken for ours."
                    .into(),
            )),
            Event::PublishFailed { id, reason } => {
                self.echo.failed(id);
                self.history.settle(id, Err(reason.clone()));
                self.store.settle(id, Delivery::Failed { reason });
                self.repaint = true;
            }
            Event::Connected {
                client_id, version, ..
            } => {
                self.reached = true;
                // After a (re)connect the session restored what it knew; this adds anything new.
                self.follow_panel(now);
                self.repaint |= self.store.connection_came();
                self.effects
                    .push_back(Effect::Status(StatusChange::Connected { client_id, version }));
            }
            Event::MessageSkipped { topic, size, max } => self.effects.push_back(Effect::Notice(format!(
                "Skipped a message on {topic}: {size} bytes is more than this client's limit of {max} bytes"
            ))),
            Event::Disconnected {
                error,
                reconnect_in_ms,
            } => {
                // A broker that was never reached this time: the next attempt tries the next.
                if !std::mem::take(&mut self.reached) && !self.urls.is_empty() {
                    self.url_at = (self.url_at + 1) % self.urls.len();
                }
                self.subs.link_lost();
                self.echo.link_lost();
                self.effects.push_back(Effect::Subscriptions);
                let server_code = match &error {
                    Some(crate::mqtt::Error::ServerDisconnect { code, .. }) => Some(*code),
                    _ => None,
                };
                self.effects.push_back(Effect::Status(StatusChange::Disconnected {
                    reason: error.map(|e| e.to_string()),
                    reconnect_at_ms: reconnect_in_ms.map(|ms| now.mono + ms),
                    server_code,
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
