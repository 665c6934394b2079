//! Packets from the broker: CONNACK, deliveries (QoS 2 exactly once), acks and DISCONNECT.

use super::TOPIC_ALIAS_MAX;
use super::{Event, Session, State};
use crate::mqtt::error::{reason_text, with_reason, Error, ProtocolError, Refusal};
use crate::mqtt::packet::{ConnAck, Packet, Publish, QoS, SubOptions, Version};

impl Session {
    pub(super) fn handle_packet(&mut self, packet: Packet) {
        if let State::AwaitConnAck { .. } = self.state {
            return match packet {
                Packet::ConnAck(ack) => self.on_connack(ack),
                Packet::Auth {
                    code, method, data, ..
                } => self.on_auth(code, method, data),
                other => self.protocol_violation(ProtocolError::Unexpected(format!(
                    "{} before CONNACK",
                    other.name()
                ))),
            };
        }
        match packet {
            Packet::Publish(p) => self.on_publish(p),
            Packet::PubAck { pkid, code, reason } => self.on_puback(pkid, code, reason),
            Packet::PubRec { pkid, code, reason } => self.on_pubrec(pkid, code, reason),
            Packet::PubComp { pkid, code, reason } => self.on_pubcomp(pkid, code, reason),
            Packet::PubRel { pkid, .. } => {
                let known = self.incoming_qos2.remove(&pkid).is_some();
                self.durable_dirty |= known;
                // MQTT 5 says why when the id is unknown; 3.1.1 just completes.
                let code = if known || self.version == Version::V311 {
                    0
                } else {
                    0x92
                };
                self.send(Packet::PubComp {
                    pkid,
                    code,
                    reason: None,
                });
            }
            Packet::SubAck { pkid, codes, reason } => self.on_suback(pkid, codes, reason),
            Packet::UnsubAck { pkid, codes, reason } => {
                if let Some(filters) = self.pending_unsubscribes.remove(&pkid) {
                    self.ids.release(pkid);
                    for (i, filter) in filters.into_iter().enumerate() {
                        // 3.1.1 has no codes; 0x11 ("no subscription existed") is no failure.
                        let error = codes
                            .get(i)
                            .filter(|&&c| c >= 0x80)
                            .map(|&c| with_reason(c, reason.as_deref()));
                        self.events.push_back(Event::Unsubscribed { filter, error });
                    }
                }
            }
            Packet::PingResp => self.ping_sent = None,
            Packet::Auth {
                code, method, data, ..
            } => self.on_auth(code, method, data),
            Packet::Skipped {
                topic,
                size,
                qos,
                pkid,
            } => {
                // Acknowledged so that the broker does not send it again on every reconnect.
                match qos {
                    QoS::AtMostOnce => {}
                    QoS::AtLeastOnce => self.send(Packet::PubAck {
                        pkid,
                        code: 0,
                        reason: None,
                    }),
                    QoS::ExactlyOnce => {
                        self.incoming_qos2.insert(pkid, ());
                        self.durable_dirty = true;
                        self.send(Packet::PubRec {
                            pkid,
                            code: 0,
                            reason: None,
                        });
                    }
                }
                let max = self.opts.max_packet_size as usize;
                self.events.push_back(Event::MessageSkipped { topic, size, max });
            }
            Packet::Disconnect { code, reason } => {
                // The code says what to do (e.g. 0x8E: another client took the id);
                // the broker's free text only adds detail.
                let mut text = reason_text(code).to_string();
                if let Some(extra) = reason.filter(|s| !s.is_empty()) {
                    text = format!("{text} ({extra})");
                }
                let reason = text;
                self.fail(Error::ServerDisconnect { code, reason }, true);
            }
            other @ (Packet::Connect(_)
            | Packet::ConnAck(_)
            | Packet::Subscribe { .. }
            | Packet::Unsubscribe { .. }
            | Packet::PingReq) => self.protocol_violation(ProtocolError::Unexpected(format!(
                "{} from the broker",
                other.name()
            ))),
        }
    }

    fn on_connack(&mut self, ack: ConnAck) {
        if ack.code == 0x84 && self.fall_back() {
            return;
        }
        if self.version == Version::V5 {
            self.v5_confirmed = true;
        }
        if ack.code != 0 {
            let mut reason = reason_text(ack.code).to_string();
            if ack.code == 0x84 && self.version == Version::V311 && self.opts.version == Version::V5 {
                reason = "Unsupported protocol version: this broker refused both MQTT 5.0 and 3.1.1".into();
            }
            if let Some(extra) = ack.reason_string.filter(|s| !s.is_empty()) {
                reason = format!("{reason} ({extra})");
            }
            if let Some(server) = ack.server_reference.filter(|s| !s.is_empty()) {
                reason = format!("{reason}: use {server}");
            }
            return self.fail(
                Error::Refused(Refusal {
                    code: ack.code,
                    reason,
                }),
                true,
            );
        }
        // Zero values would stall or forbid everything; the spec calls them a protocol error.
        let invalid = if ack.receive_maximum == Some(0) {
            Some("Receive Maximum 0")
        } else if ack.max_packet_size == Some(0) {
            Some("Maximum Packet Size 0")
        } else if ack.max_qos.is_some_and(|q| q > 1) {
            Some("Maximum QoS above 1")
        } else if ack.retain_available.is_some_and(|r| r > 1) {
            Some("Retain Available above 1")
        } else {
            None
        };
        if let Some(what) = invalid {
            return self.protocol_violation(ProtocolError::Unexpected(format!("CONNACK with {what}")));
        }
        if !self.connack_authenticated(&ack) {
            return;
        }
        if ack.session_present && !self.known_to_broker && !self.force_clean && !self.opts.clean_start {
            return self.refuse_unknown_session();
        }
        self.state = State::Connected;
        self.known_to_broker = true;
        self.force_clean = false;
        self.durable_dirty = true;
        self.backoff.reset();
        self.retain_available = ack.retain_available != Some(0);
        self.alias_max_out = ack.topic_alias_max.unwrap_or(0);
        self.caps = super::BrokerCaps {
            wildcards: ack.wildcard_available != Some(0),
            subscription_ids: ack.sub_ids_available != Some(0),
            shared: ack.shared_available != Some(0),
            retain: self.retain_available,
            max_qos: ack.max_qos.and_then(QoS::from_u8).unwrap_or(QoS::ExactlyOnce),
            response_information: ack.response_information.clone(),
        };
        self.ping_sent = None;
        self.inflight_limit = (self.opts.max_inflight as usize)
            .min(ack.receive_maximum.map_or(usize::MAX, |r| r as usize))
            .max(1);
        self.max_packet_out = ack.max_packet_size.map_or(usize::MAX, |m| m as usize);
        self.max_qos = ack.max_qos.and_then(QoS::from_u8).unwrap_or(QoS::ExactlyOnce);
        self.keep_alive_ms = ack.server_keep_alive.unwrap_or(self.opts.keep_alive) as u64 * 1000;
        if let Some(id) = ack.assigned_client_id {
            self.client_id = id;
        }
        if !ack.session_present {
            // The broker has no memory of us: our QoS 2 receipts and its subscriptions are gone.
            self.incoming_qos2.clear();
        }
        self.events.push_back(Event::Connected {
            session_present: ack.session_present,
            client_id: self.client_id.clone(),
            version: self.version,
        });
        self.restore_subscriptions(ack.session_present);
        self.replay_outgoing(ack.session_present);
    }

    /// Session Present, but this client has no session state: MQTT 5 §3.2.2.1.1 says close
    /// the connection (3.1.1 §3.2.2.2 leaves the choice to the client). The broker's session
    /// could hold packet ids that collide with ours and messages for subscriptions we do not
    /// know; one clean start replaces it, and a clean start never answers Session Present, so
    /// this cannot repeat.
    fn refuse_unknown_session(&mut self) {
        self.send(Packet::Disconnect {
            code: 0,
            reason: None,
        });
        self.events.push_back(Event::CloseTransport);
        self.drop_connection();
        self.force_clean = true;
        self.events.push_back(Event::SessionUnknown);
        // At once, but from the timer: the DISCONNECT must reach the old socket first.
        self.state = State::Backoff { until: self.now };
    }

    fn restore_subscriptions(&mut self, session_present: bool) {
        let unsent = std::mem::take(&mut self.unsent_subscribes);
        let filters: Vec<(String, SubOptions)> = if session_present {
            unsent
        } else {
            self.subscriptions.iter().map(|(f, o)| (f.clone(), *o)).collect()
        };
        for (filter, qos) in filters {
            if let Some(pkid) = self.ids.allocate() {
                let filters = vec![(filter, qos)];
                self.send(Packet::Subscribe {
                    pkid,
                    filters: filters.clone(),
                });
                self.pending_subscribes.insert(pkid, filters);
            }
        }
        for filter in std::mem::take(&mut self.unsent_unsubscribes) {
            if session_present {
                if let Some(pkid) = self.ids.allocate() {
                    self.send(Packet::Unsubscribe {
                        pkid,
                        filters: vec![filter.clone()],
                    });
                    self.pending_unsubscribes.insert(pkid, vec![filter]);
                }
            } else {
                self.events.push_back(Event::Unsubscribed { filter, error: None });
            }
        }
    }

    fn on_publish(&mut self, mut p: Publish) {
        if let Some(alias) = p.props.as_ref().and_then(|pr| pr.topic_alias) {
            if let Err(e) = self.resolve_alias(alias, &mut p.topic) {
                return self.protocol_violation(e);
            }
        }
        if let Err(e) = crate::mqtt::topic::validate_topic(&p.topic) {
            return self.protocol_violation(ProtocolError::InvalidTopic(e.to_string()));
        }
        match p.qos {
            QoS::AtMostOnce => self.events.push_back(Event::Message(p)),
            QoS::AtLeastOnce => {
                let pkid = p.pkid;
                self.events.push_back(Event::Message(p));
                self.send(Packet::PubAck {
                    pkid,
                    code: 0,
                    reason: None,
                });
            }
            QoS::ExactlyOnce => {
                let pkid = p.pkid;
                // A repeat before PUBREL is the same message: acknowledge, do not deliver twice.
                if self.incoming_qos2.insert(pkid, ()).is_none() {
                    self.durable_dirty = true;
                    self.events.push_back(Event::Message(p));
                }
                self.send(Packet::PubRec {
                    pkid,
                    code: 0,
                    reason: None,
                });
            }
        }
    }

    /// An empty topic with an alias names the topic the alias was set to; a topic with an
    /// alias (re)sets it. Aliases are 1..=the maximum we announced (§3.3.2.3.4).
    fn resolve_alias(&mut self, alias: u16, topic: &mut String) -> Result<(), ProtocolError> {
        if alias == 0 || alias > TOPIC_ALIAS_MAX || self.version != Version::V5 {
            return Err(ProtocolError::TopicAlias(format!(
                "alias {alias} is outside 1..={TOPIC_ALIAS_MAX}"
            )));
        }
        if topic.is_empty() {
            match self.aliases_in.get(&alias) {
                Some(t) => topic.clone_from(t),
                None => return Err(ProtocolError::TopicAlias(format!("alias {alias} was never set"))),
            }
        } else if self.aliases_in.get(&alias) != Some(topic) {
            self.aliases_in.insert(alias, topic.clone());
        }
        Ok(())
    }

    fn on_suback(&mut self, pkid: u16, codes: Vec<u8>, reason: Option<String>) {
        let Some(filters) = self.pending_subscribes.remove(&pkid) else {
            return;
        };
        self.ids.release(pkid);
        if codes.len() != filters.len() {
            return self.protocol_violation(ProtocolError::Unexpected(format!(
                "SUBACK with {} results for {} filters",
                codes.len(),
                filters.len()
            )));
        }
        for ((filter, _), code) in filters.into_iter().zip(codes) {
            let result = match QoS::from_u8(code) {
                Some(q) => Ok(q),
                None => {
                    // A refused filter is not restored after a reconnect.
                    self.subscriptions.remove(&filter);
                    self.durable_dirty = true;
                    Err(suback_refusal(self.version, code, reason.as_deref()))
                }
            };
            self.events.push_back(Event::Subscribed { filter, result });
        }
    }
}

/// A refused filter, with the code as the broker sent it. MQTT 3.1.1 has one failure code and
/// no reason; a broker's ACL is its usual cause.
fn suback_refusal(version: Version, code: u8, reason: Option<&str>) -> String {
    match version {
        Version::V311 => format!(
            "0x{code:02X}, refused: the broker's ACL may not allow this filter (MQTT 3.1.1 does not say why)"
        ),
        Version::V5 => format!("0x{code:02X} {}", with_reason(code, reason)),
    }
}
