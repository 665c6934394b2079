//! The broker's announced limits (Retain Available, Maximum QoS, Maximum Packet Size) on
//! every packet, invalid CONNACK values, oversized 3.1.1 messages, and what a lost session
//! means for a QoS 2 message half way through.

mod support;

use bytes::Bytes;
use mqtt_deck::mqtt;

use mqtt::error::{Error, LimitError, ProtocolError};
use mqtt::packet::{ConnAck, Packet, Publish, QoS, Version};
use mqtt::session::{Event, Options, Status};
use support::fake_broker::{connected_with, disconnects, names, options, publishes, Pair};

fn no_retain() -> ConnAck {
    ConnAck {
        retain_available: Some(0),
        ..ConnAck::default()
    }
}

#[test]
fn without_retain_available_a_retained_publish_is_refused_before_it_is_sent() {
    let mut pair = connected_with(Version::V5, no_retain());
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let result = pair
            .session
            .publish("porch/lamp", Bytes::from_static(b"on"), qos, true);
        assert_eq!(result, Err(Error::Limit(LimitError::RetainUnavailable)));
        assert!(result
            .unwrap_err()
            .to_string()
            .contains("does not keep retained messages"));
    }
    // Not retained: fine.
    pair.publish("porch/lamp", b"on", QoS::AtLeastOnce);
    pair.pump();
    let sent = publishes(&pair.broker.take());
    assert_eq!(sent.len(), 1);
    assert!(!sent[0].retain);
    assert_eq!(pair.session.status(), Status::Connected);
}

#[test]
fn a_retained_publish_queued_while_reconnecting_fails_when_the_broker_has_no_retain() {
    let mut pair = connected_with(Version::V5, ConnAck::default());
    pair.broker.connack = Some(no_retain());
    pair.drop_link();
    let id = pair
        .session
        .publish("a/b", Bytes::from_static(b"x"), QoS::AtLeastOnce, true)
        .unwrap();
    pair.step();
    let events = pair.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::PublishFailed { id: i, reason }
            if *i == id && reason.contains("retained"))),
        "{events:?}"
    );
    assert!(publishes(&pair.broker.take()).is_empty());
    assert_eq!(pair.session.status(), Status::Connected);
}

#[test]
fn invalid_connack_limits_are_a_protocol_error() {
    for ack in [
        ConnAck {
            receive_maximum: Some(0),
            ..ConnAck::default()
        },
        ConnAck {
            max_packet_size: Some(0),
            ..ConnAck::default()
        },
    ] {
        let mut pair = Pair::idle(options(Version::V5));
        pair.broker.connack = Some(ack.clone());
        pair.start();
        let ds = disconnects(&pair.events());
        assert!(
            matches!(&ds[..], [(Some(Error::Protocol(ProtocolError::Unexpected(s))), _)] if s.contains("CONNACK")),
            "{ack:?}: {ds:?}"
        );
        // A 5.0 CONNACK arrived: that is no reason to fall back to 3.1.1.
        assert_eq!(pair.session.version(), Version::V5);
    }
}

#[test]
fn a_subscribe_larger_than_the_brokers_maximum_packet_size_is_refused_and_not_sent() {
    let mut pair = connected_with(
        Version::V5,
        ConnAck {
            max_packet_size: Some(64),
            ..ConnAck::default()
        },
    );
    let long = format!("home/{}/#", "x".repeat(100));
    let result = pair.session.subscribe(&long, QoS::AtMostOnce);
    assert!(
        matches!(
            result,
            Err(Error::Limit(LimitError::PacketTooLarge { max: 64, .. }))
        ),
        "{result:?}"
    );
    assert!(!pair.session.subscriptions().contains_key(&long));
    let result = pair.session.unsubscribe(&long);
    assert!(matches!(
        result,
        Err(Error::Limit(LimitError::PacketTooLarge { .. }))
    ));
    pair.pump();
    assert!(pair.broker.take().is_empty());
    // Short ones still go out.
    pair.session.subscribe("home/#", QoS::AtMostOnce).unwrap();
    pair.pump();
    assert_eq!(names(&pair.broker.take()), ["SUBSCRIBE"]);
}

#[test]
fn an_oversized_3_1_1_message_is_acknowledged_skipped_and_named_without_a_reconnect() {
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        let mut pair = Pair::connected(Options {
            max_packet_size: 1024,
            ..options(Version::V311)
        });
        pair.deliver(Packet::Publish(Publish {
            topic: "cam/front/jpeg".into(),
            payload: Bytes::from(vec![1; 10_000]),
            qos,
            retain: false,
            dup: false,
            pkid: if qos == QoS::AtMostOnce { 0 } else { 5 },
            props: None,
        }));
        pair.deliver(Packet::Publish(Publish {
            topic: "cam/front/status".into(),
            payload: Bytes::from_static(b"ok"),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            pkid: 0,
            props: None,
        }));
        let events = pair.events();
        assert!(
            matches!(&events[..], [Event::MessageSkipped { topic, size, max: 1024 }, Event::Message(m)]
                if topic == "cam/front/jpeg" && *size > 10_000 && m.topic == "cam/front/status"),
            "{qos:?}: {events:?}"
        );
        let acks = names(&pair.broker.take());
        let expected: &[&str] = match qos {
            QoS::AtMostOnce => &[],
            QoS::AtLeastOnce => &["PUBACK"],
            QoS::ExactlyOnce => &["PUBREC", "PUBCOMP"],
        };
        assert_eq!(acks, expected, "{qos:?}");
        assert_eq!(pair.session.status(), Status::Connected);
    }
}

#[test]
fn a_qos2_message_whose_session_was_lost_after_pubrec_is_delivery_unknown_not_acknowledged() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.broker.auto_ack = false;
    let id = pair.publish("door/lock", b"locked", QoS::ExactlyOnce);
    let pkid = publishes(&pair.broker.take())[0].pkid;
    pair.deliver(Packet::PubRec {
        pkid,
        code: 0,
        reason: None,
    });
    assert_eq!(names(&pair.broker.take()), ["PUBREL"]);
    pair.broker.auto_ack = true;
    pair.drop_link(); // the broker forgets the session (no Session Present)
    pair.step();
    let events = pair.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::PublishFailed { id: i, reason }
            if *i == id && reason.starts_with("Delivery unknown"))),
        "{events:?}"
    );
    assert!(!events.contains(&Event::PublishAcked { id }));
}

#[test]
fn a_text_websocket_message_ends_the_connection() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.session.handle_transport_text(pair.now);
    pair.pump();
    let ds = disconnects(&pair.events());
    assert!(
        matches!(
            ds[..],
            [(Some(Error::Protocol(ProtocolError::TextFrame)), Some(_))]
        ),
        "{ds:?}"
    );
}

#[test]
fn an_incoming_publish_with_an_empty_or_nul_topic_is_a_protocol_error() {
    for (v, bytes) in [
        // Empty topic, QoS 0 (v5 with an empty property block).
        (Version::V5, vec![0x30, 0x03, 0x00, 0x00, 0x00]),
        // "a\0b" in 3.1.1.
        (Version::V311, vec![0x30, 0x05, 0x00, 0x03, b'a', 0x00, b'b']),
    ] {
        let mut pair = Pair::connected(options(v));
        pair.deliver_raw(&bytes);
        let events = pair.events();
        assert!(!events.iter().any(|e| matches!(e, Event::Message(_))), "{v:?}");
        let ds = disconnects(&events);
        assert!(matches!(ds[..], [(Some(Error::Protocol(_)), _)]), "{v:?}: {ds:?}");
    }
}
