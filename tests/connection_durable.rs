//! The connection core and its stored session: a record restored before connecting lists its
//! messages as queued and sends them, a broken one is ignored with a notice, and the core asks
//! for the record to be stored when the durable state changes.

mod support;

use bytes::Bytes;
use mqtt::packet::{QoS, Version};
use mqtt::session::{Durable, StoredPublish, DURABLE_VERSION};
use mqtt_deck::model::connection::{Effect, Outgoing};
use mqtt_deck::model::messages::Delivery;
use mqtt_deck::model::stored_session;
use mqtt_deck::mqtt;
use support::core_pair::CorePair;
use support::fake_broker::{options, publishes};

fn out(topic: &str, qos: QoS) -> Outgoing {
    Outgoing {
        topic: topic.into(),
        payload: Bytes::from_static(b"p"),
        qos,
        retain: false,
        props: None,
    }
}

fn deliveries(pair: &CorePair) -> Vec<Delivery> {
    pair.core.store().iter().map(|m| m.delivery.clone()).collect()
}

#[test]
fn a_stored_queue_is_listed_as_queued_then_sent_on_connecting() {
    let record = stored_session::to_json(&Durable {
        version: DURABLE_VERSION,
        outgoing: vec![StoredPublish {
            topic: "q/1".into(),
            payload: b"from before the reload".to_vec(),
            qos: QoS::AtLeastOnce,
            retain: false,
            pkid: 0,
            released: false,
            props: None,
        }],
        ..Durable::default()
    });
    let mut pair = CorePair::idle(Version::V5, 10);
    let key = stored_session::key("ws://broker", "deck-test");
    pair.core.use_session(pair.at(), &key, Some(&record));
    assert!(matches!(deliveries(&pair)[..], [Delivery::Queued { .. }]));
    // Published while offline: queued too, after it.
    pair.core
        .publish(pair.at(), out("q/2", QoS::ExactlyOnce))
        .unwrap();
    assert!(matches!(
        deliveries(&pair)[..],
        [Delivery::Queued { .. }, Delivery::Queued { .. }]
    ));
    pair.pump();
    assert!(pair.effects().contains(&Effect::SessionChanged));
    assert!(pair.core.session_record().1.unwrap().contains("q/2"));

    pair.broker.auto_ack = false;
    pair.core
        .connect(pair.at(), "ws://broker", options(Version::V5))
        .unwrap();
    pair.pump();
    let topics: Vec<String> = publishes(&pair.broker.take())
        .iter()
        .map(|p| p.topic.clone())
        .collect();
    assert_eq!(topics, ["q/1", "q/2"]);
    assert!(matches!(
        deliveries(&pair)[..],
        [Delivery::Pending { .. }, Delivery::Pending { .. }]
    ));
}

#[test]
fn a_broken_stored_session_is_ignored_with_a_notice_and_publishing_still_works() {
    let mut pair = CorePair::idle(Version::V311, 0);
    pair.core
        .use_session(pair.at(), "ws://broker deck-test", Some("{\"version\":1,"));
    pair.pump();
    let effects = pair.effects();
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Notice(n) if n.contains("could not be read"))),
        "{effects:?}"
    );
    pair.core.publish(pair.at(), out("q", QoS::AtLeastOnce)).unwrap();
    assert_eq!(pair.core.session_record().0, "ws://broker deck-test");
}

#[test]
fn nothing_left_to_keep_deletes_the_record() {
    let mut pair = CorePair::connected(Version::V5);
    pair.core.use_session(pair.at(), "ws://broker deck-test", None);
    pair.core.publish(pair.at(), out("q", QoS::AtLeastOnce)).unwrap();
    pair.pump();
    // Clean start, acknowledged: nothing the broker or the page must remember.
    assert_eq!(pair.core.session_record().1, None);
    assert!(pair.effects().contains(&Effect::SessionChanged));
}

#[test]
fn a_broker_session_this_browser_has_no_record_of_is_replaced_with_a_notice_once() {
    let mut pair = CorePair::idle(Version::V5, 0);
    pair.broker.connack = Some(mqtt::packet::ConnAck {
        session_present: true,
        ..Default::default()
    });
    let opts = mqtt::Options {
        clean_start: false,
        session_expiry: 600,
        ..options(Version::V5)
    };
    pair.core.use_session(pair.at(), "ws://broker deck-test", None);
    pair.core.connect(pair.at(), "ws://broker", opts).unwrap();
    pair.pump();
    pair.broker.connack = Some(mqtt::packet::ConnAck::default());
    pair.now = pair.core.poll_timeout().unwrap();
    pair.core.handle_timeout(pair.at());
    pair.pump();
    assert_eq!(pair.core.status(), mqtt::Status::Connected);
    let notices: Vec<Effect> = pair
        .effects()
        .into_iter()
        .filter(|e| matches!(e, Effect::Notice(n) if n.contains("no record of")))
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
}
