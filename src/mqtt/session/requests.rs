//! What the application asks of the session: subscribe, unsubscribe and publish, each checked
//! against the protocol's rules and the broker's limits before anything is sent.

use bytes::Bytes;

use super::options::{validate_publish_props, validate_sub_options};
use super::{Event, Session, State};
use crate::mqtt::codec::encode;
use crate::mqtt::error::{Error, LimitError, UsageError};
use crate::mqtt::packet::{Packet, Publish, PublishProps, QoS, SubOptions};
use crate::mqtt::topic::{validate_filter, validate_topic};

impl Session {
    pub fn subscribe(&mut self, filter: &str, qos: QoS) -> Result<(), Error> {
        self.subscribe_with(filter, SubOptions::qos(qos))
    }

    /// Subscribes with MQTT 5's options (3.1.1 sends only the QoS).
    pub fn subscribe_with(&mut self, filter: &str, options: SubOptions) -> Result<(), Error> {
        validate_filter(filter)?;
        validate_sub_options(filter, &options)?;
        if self.state == State::Connected {
            if let Some(e) = self.caps.refuses(filter, &options) {
                return Err(e.into());
            }
        }
        match self.state {
            State::Idle => return Err(UsageError::NotConnected.into()),
            State::Connected => {
                let pkid = self.ids.allocate().ok_or(LimitError::PacketIdsExhausted)?;
                let filters = vec![(filter.to_string(), options)];
                let packet = Packet::Subscribe {
                    pkid,
                    filters: filters.clone(),
                };
                if let Err(e) = self.send_checked(&packet) {
                    self.ids.release(pkid);
                    return Err(e);
                }
                self.pending_subscribes.insert(pkid, filters);
            }
            _ => self.unsent_subscribes.push((filter.to_string(), options)),
        }
        self.unsent_unsubscribes.retain(|f| f != filter);
        self.subscriptions.insert(filter.to_string(), options);
        self.durable_dirty = true;
        Ok(())
    }

    pub fn unsubscribe(&mut self, filter: &str) -> Result<(), Error> {
        if self.state == State::Connected {
            let pkid = self.ids.allocate().ok_or(LimitError::PacketIdsExhausted)?;
            let filters = vec![filter.to_string()];
            let packet = Packet::Unsubscribe {
                pkid,
                filters: filters.clone(),
            };
            if let Err(e) = self.send_checked(&packet) {
                self.ids.release(pkid);
                return Err(e);
            }
            self.pending_unsubscribes.insert(pkid, filters);
        }
        self.subscriptions.remove(filter);
        self.unsent_subscribes.retain(|(f, _)| f != filter);
        self.durable_dirty = true;
        match self.state {
            State::Connected => {}
            State::Idle => self.events.push_back(Event::Unsubscribed {
                filter: filter.to_string(),
                error: None,
            }),
            _ => self.unsent_unsubscribes.push(filter.to_string()),
        }
        Ok(())
    }

    /// Publishes a message and returns its id for `PublishAcked`/`PublishFailed`.
    /// QoS 1/2 messages made while not connected (idle or reconnecting) wait for the
    /// connection, in order, as do QoS 0 ones when `set_queue_qos0` is on; the wait has caps.
    pub fn publish(&mut self, topic: &str, payload: Bytes, qos: QoS, retain: bool) -> Result<u64, Error> {
        self.publish_with(topic, payload, qos, retain, None)
    }

    /// `publish` with MQTT 5 properties (dropped at 3.1.1, which has nowhere to put them).
    pub fn publish_with(
        &mut self,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
        props: Option<Box<PublishProps>>,
    ) -> Result<u64, Error> {
        validate_topic(topic)?;
        if let Some(p) = &props {
            validate_publish_props(p, &payload)?;
        }
        let offline = self.state != State::Connected;
        if offline && qos == QoS::AtMostOnce && !self.queue_qos0 {
            return Err(UsageError::NotConnected.into());
        }
        if offline && !super::durable::queue_has_room(&self.outgoing, payload.len()) {
            return Err(LimitError::QueueFull.into());
        }
        if self.state == State::Connected && qos > self.max_qos {
            return Err(LimitError::QoSUnavailable {
                asked: qos as u8,
                max: self.max_qos as u8,
            }
            .into());
        }
        // Checked again for queued messages when they are sent (see `flush_outgoing`).
        if retain && !self.retain_available && self.state == State::Connected {
            return Err(LimitError::RetainUnavailable.into());
        }
        let publish = Publish {
            topic: topic.to_string(),
            payload,
            qos,
            retain,
            dup: false,
            pkid: 0,
            props,
        };
        let id = self.next_publish_id;
        self.next_publish_id += 1;
        if qos == QoS::AtMostOnce && !offline {
            let bytes = encode(self.version, &self.wire_form(&publish))?;
            self.check_size(bytes.len())?;
            self.push_transmit(bytes);
        } else {
            self.outgoing.enqueue(id, publish);
            self.durable_dirty = true;
            self.flush_outgoing();
        }
        Ok(id)
    }
}
