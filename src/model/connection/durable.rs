//! Which stored session this connection is, and its record: the glue loads the records at
//! start-up and hands the one for the connection about to start (`use_session`); the core says
//! when the durable state changed (`Effect::SessionChanged`) and the glue, batching, writes
//! `session_record`.

use super::{Connection, Effect, Now};
use crate::model::messages::{Delivery, Direction, MessageIn};
use crate::model::stored_session::{from_json, to_json};
use crate::mqtt::{Publish, QoS};

/// What a publish left with another connection's stored session shows.
const LEFT_WITH_SESSION: &str =
    "Kept with the stored session of the previous connection: it is sent again when that one connects";

impl Connection {
    /// Makes this connection the stored session `key` (see `stored_session::key`), with its
    /// stored `record` if there is one. Nothing changes when it is that session already (what
    /// the page holds is newer than the record). Otherwise the state of the previous key (which
    /// its own record keeps) is let go, except publishes never sent, which go with the next
    /// connection; a record that cannot be read is ignored with a notice.
    pub fn use_session(&mut self, now: Now, key: &str, record: Option<&str>) {
        if self.session_key == key {
            return;
        }
        let (left, waiting) = self.session.take_durable();
        for id in left {
            let reason = LEFT_WITH_SESSION.to_string();
            self.store.settle(id, Delivery::Failed { reason });
        }
        self.session_key = key.to_string();
        if let Some(text) = record {
            match from_json(text) {
                Ok(d) => {
                    for (id, p) in self.session.restore(d) {
                        self.list_restored(now, id, p);
                    }
                }
                Err(e) => self.effects.push_back(Effect::Notice(format!(
                    "The session stored for this connection could not be read ({e}); it was ignored, \
                     and unacknowledged messages from before the reload are not sent again."
                ))),
            }
        }
        self.session.requeue(waiting);
        self.repaint = true;
        self.drain(now);
    }

    /// The stored session's key and its record now; `None` when there is nothing to keep (the
    /// record is then deleted).
    pub fn session_record(&self) -> (String, Option<String>) {
        let d = self.session.durable();
        let text = (!d.is_empty()).then(|| to_json(&d));
        (self.session_key.clone(), text)
    }

    /// Whether QoS 0 publishes made while not connected wait (the user's setting).
    pub fn set_queue_qos0(&mut self, on: bool) {
        self.session.set_queue_qos0(on);
    }

    /// A restored publish shows in the list as it stands: queued, or awaiting its ack.
    fn list_restored(&mut self, now: Now, id: u64, p: Publish) {
        let delivery = if p.pkid == 0 {
            Delivery::Queued { id }
        } else {
            Delivery::Pending { id }
        };
        self.store.push(MessageIn {
            topic: p.topic,
            payload: p.payload,
            qos: p.qos,
            retain: p.retain,
            direction: Direction::Published,
            time_ms: now.wall,
            delivery,
            props: None,
        });
    }

    /// After the session's events: one `SessionChanged` when its durable state moved (QoS 0
    /// traffic never moves it). A connection not yet given a key keeps nothing.
    pub(super) fn note_durable(&mut self) {
        if self.session.poll_durable() && !self.session_key.is_empty() {
            self.effects.push_back(Effect::SessionChanged);
        }
    }

    /// What the list shows for a publish just made: queued while there is no connection.
    pub(super) fn delivery_for(&self, id: u64, qos: QoS) -> Delivery {
        let connected = self.session.status() == crate::mqtt::Status::Connected;
        match (connected, qos) {
            (false, _) => Delivery::Queued { id },
            (true, QoS::AtMostOnce) => Delivery::None,
            (true, _) => Delivery::Pending { id },
        }
    }
}
