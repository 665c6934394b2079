//! MQTT 5 through the session: publish properties both ways, incoming topic aliases,
//! subscription options, and the broker's per-filter UNSUBACK answers.

mod support;

use bytes::Bytes;
use mqtt_deck::mqtt;

use mqtt::error::{Error, ProtocolError, UsageError};
use mqtt::packet::{Packet, Publish, PublishProps, QoS, SubOptions, Version};
use mqtt::session::{Event, Status, TOPIC_ALIAS_MAX};
use support::fake_broker::{connects, disconnects, options, publishes, Pair};

fn aliased(topic: &str, alias: u16, payload: &'static [u8]) -> Packet {
    Packet::Publish(Publish {
        topic: topic.into(),
        payload: Bytes::from_static(payload),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        pkid: 0,
        props: PublishProps {
            topic_alias: Some(alias),
            ..PublishProps::default()
        }
        .boxed(),
    })
}

fn messages(events: &[Event]) -> Vec<(String, Bytes)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message(p) => Some((p.topic.clone(), p.payload.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn connect_announces_our_topic_alias_maximum() {
    let mut pair = Pair::idle(options(Version::V5));
    pair.start();
    assert_eq!(connects(&pair.broker.take())[0].topic_alias_max, TOPIC_ALIAS_MAX);
}

#[test]
fn incoming_topic_aliases_name_the_topic_they_were_set_to() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.deliver(aliased("plant/line1/temp", 3, b"20"));
    pair.deliver(aliased("", 3, b"21"));
    // Re-pointing an alias is allowed.
    pair.deliver(aliased("plant/line2/temp", 3, b"30"));
    pair.deliver(aliased("", 3, b"31"));
    let got = messages(&pair.events());
    let topics: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        topics,
        [
            "plant/line1/temp",
            "plant/line1/temp",
            "plant/line2/temp",
            "plant/line2/temp"
        ]
    );
    assert_eq!(pair.session.status(), Status::Connected);
}

#[test]
fn a_bad_topic_alias_ends_the_link_with_0x94() {
    for packet in [
        aliased("", 9, b"never set"),
        aliased("a", 0, b"zero"),
        aliased("a", TOPIC_ALIAS_MAX + 1, b"too high"),
    ] {
        let mut pair = Pair::connected(options(Version::V5));
        pair.deliver(packet);
        let events = pair.events();
        assert!(messages(&events).is_empty());
        assert!(matches!(
            disconnects(&events)[..],
            [(Some(Error::Protocol(ProtocolError::TopicAlias(_))), _)]
        ));
        assert!(pair.broker.take().contains(&Packet::Disconnect {
            code: 0x94,
            reason: None
        }));
    }
}

#[test]
fn aliases_do_not_outlive_the_connection() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.deliver(aliased("a/b", 1, b"x"));
    pair.drop_link();
    pair.step();
    pair.events();
    pair.deliver(aliased("", 1, b"y"));
    assert!(messages(&pair.events()).is_empty());
}

#[test]
fn publish_properties_go_out_and_come_back_in() {
    let mut pair = Pair::connected(options(Version::V5));
    let props = PublishProps {
        payload_format: Some(1),
        message_expiry: Some(60),
        content_type: Some("application/json".into()),
        response_topic: Some("reply/deck".into()),
        correlation_data: Some(Bytes::from_static(b"req-1")),
        user_properties: vec![("site".into(), "lab".into()), ("site".into(), "home".into())],
        ..PublishProps::default()
    };
    pair.session
        .publish_with(
            "cmd/x",
            Bytes::from_static(b"{}"),
            QoS::AtLeastOnce,
            false,
            props.clone().boxed(),
        )
        .unwrap();
    pair.pump();
    let sent = publishes(&pair.broker.take());
    assert_eq!(sent[0].props.as_deref(), Some(&props));
    // Incoming: every property reaches the app, subscription identifiers included.
    let incoming = PublishProps {
        subscription_ids: vec![4],
        ..props.clone()
    };
    pair.deliver(Packet::Publish(Publish {
        topic: "cmd/x".into(),
        payload: Bytes::from_static(b"{}"),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        pkid: 0,
        props: incoming.clone().boxed(),
    }));
    let events = pair.events();
    let got = events.iter().find_map(|e| match e {
        Event::Message(p) => p.props.clone(),
        _ => None,
    });
    assert_eq!(got.as_deref(), Some(&incoming));
}

#[test]
fn a_payload_marked_utf8_that_is_not_is_refused_before_sending() {
    let mut pair = Pair::connected(options(Version::V5));
    let props = PublishProps {
        payload_format: Some(1),
        ..PublishProps::default()
    };
    let result = pair.session.publish_with(
        "a",
        Bytes::from_static(&[0xFF, 0xFE]),
        QoS::AtMostOnce,
        false,
        props.boxed(),
    );
    assert!(matches!(result, Err(Error::Usage(UsageError::InvalidOptions(ref s))) if s.contains("UTF-8")));
    pair.pump();
    assert!(pair.broker.take().is_empty());
}

#[test]
fn subscription_options_reach_the_broker_and_survive_a_reconnect() {
    let mut pair = Pair::connected(options(Version::V5));
    let opts = SubOptions {
        qos: QoS::AtLeastOnce,
        no_local: true,
        retain_as_published: true,
        retain_handling: 2,
        id: Some(12),
    };
    pair.session.subscribe_with("home/#", opts).unwrap();
    pair.pump();
    let sent = pair.broker.take();
    assert!(
        matches!(&sent[..], [Packet::Subscribe { filters, .. }] if filters == &vec![("home/#".to_string(), opts)]),
        "{sent:?}"
    );
    pair.drop_link();
    pair.step();
    let again = pair.broker.take();
    assert!(
        again.iter().any(|p| matches!(p, Packet::Subscribe { filters, .. } if filters == &vec![("home/#".to_string(), opts)])),
        "{again:?}"
    );
}

#[test]
fn invalid_subscription_options_are_refused_before_sending() {
    let mut pair = Pair::connected(options(Version::V5));
    for (filter, opts) in [
        (
            "a",
            SubOptions {
                retain_handling: 3,
                ..SubOptions::default()
            },
        ),
        (
            "a",
            SubOptions {
                id: Some(0),
                ..SubOptions::default()
            },
        ),
        (
            "$share/g/a",
            SubOptions {
                no_local: true,
                ..SubOptions::default()
            },
        ),
    ] {
        assert!(matches!(
            pair.session.subscribe_with(filter, opts),
            Err(Error::Usage(UsageError::InvalidOptions(_)))
        ));
    }
    pair.pump();
    assert!(pair.broker.take().is_empty());
}

#[test]
fn an_unsuback_refusal_is_reported_per_filter() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.session.subscribe("a/#", QoS::AtMostOnce).unwrap();
    pair.pump();
    pair.events();
    pair.broker.auto_ack = false;
    pair.session.unsubscribe("a/#").unwrap();
    pair.pump();
    let Some(Packet::Unsubscribe { pkid, .. }) = pair.broker.take().pop() else {
        panic!("no UNSUBSCRIBE");
    };
    pair.deliver(Packet::UnsubAck {
        pkid,
        codes: vec![0x87],
        reason: None,
    });
    assert_eq!(
        pair.events(),
        vec![Event::Unsubscribed {
            filter: "a/#".into(),
            error: Some("Not authorized: check the username, the password and the broker's ACL".into()),
        }]
    );
}

#[test]
fn disconnect_with_will_sends_0x04_in_5_0_and_no_disconnect_in_3_1_1() {
    for (v, expected) in [
        (
            Version::V5,
            vec![Packet::Disconnect {
                code: 0x04,
                reason: None,
            }],
        ),
        (Version::V311, vec![]),
    ] {
        let mut pair = Pair::connected(options(v));
        pair.session.disconnect_with_will(pair.now);
        pair.pump();
        assert_eq!(pair.broker.take(), expected, "{v:?}");
        assert_eq!(pair.session.status(), Status::Idle);
        assert!(disconnects(&pair.events())
            .iter()
            .all(|(e, again)| e.is_none() && again.is_none()));
    }
}

#[test]
fn connect_carries_user_properties_receive_maximum_and_a_will_with_properties() {
    let will = mqtt::Will {
        topic: "deck/status".into(),
        payload: Bytes::from_static(b"offline"),
        qos: QoS::AtLeastOnce,
        retain: true,
        delay: 30,
        props: PublishProps {
            message_expiry: Some(3600),
            content_type: Some("text/plain".into()),
            user_properties: vec![("why".into(), "gone".into())],
            ..PublishProps::default()
        }
        .boxed(),
    };
    let mut pair = Pair::idle(mqtt::Options {
        user_properties: vec![("app".into(), "deck".into())],
        request_response_info: true,
        receive_maximum: 20,
        will: Some(will.clone()),
        ..options(Version::V5)
    });
    pair.start();
    let c = &connects(&pair.broker.take())[0];
    assert_eq!(c.user_properties, vec![("app".to_string(), "deck".to_string())]);
    assert!(c.request_response_info);
    assert_eq!(c.receive_maximum, 20);
    assert_eq!(c.will.as_ref(), Some(&will));
}

#[test]
fn features_the_broker_lacks_are_refused_before_sending_with_what_is_missing() {
    let ack = mqtt::packet::ConnAck {
        wildcard_available: Some(0),
        sub_ids_available: Some(0),
        shared_available: Some(0),
        ..Default::default()
    };
    let mut pair = support::fake_broker::connected_with(Version::V5, ack);
    for (filter, opts, what) in [
        ("home/#", SubOptions::default(), "wildcard subscriptions"),
        ("$share/g/home", SubOptions::default(), "shared subscriptions"),
        (
            "home/lamp",
            SubOptions {
                id: Some(4),
                ..SubOptions::default()
            },
            "subscription identifiers",
        ),
    ] {
        let e = pair.session.subscribe_with(filter, opts).unwrap_err();
        assert!(e.to_string().contains(what), "{filter}: {e}");
    }
    pair.pump();
    assert!(pair.broker.take().is_empty());
    pair.session.subscribe("home/lamp", QoS::AtMostOnce).unwrap();
    assert!(!pair.session.broker().wildcards);
}

fn aliases_sent(sent: &[mqtt::Publish]) -> Vec<(String, Option<u16>)> {
    sent.iter()
        .map(|p| (p.topic.clone(), p.props.as_ref().and_then(|pr| pr.topic_alias)))
        .collect()
}

#[test]
fn repeated_topics_go_out_as_aliases_while_the_broker_allows_them() {
    let mut pair = support::fake_broker::connected_with(
        Version::V5,
        mqtt::packet::ConnAck {
            topic_alias_max: Some(2),
            ..Default::default()
        },
    );
    for topic in ["a/long/topic", "a/long/topic", "b", "c", "b"] {
        pair.publish(topic, b"x", QoS::AtLeastOnce);
    }
    let sent = publishes(&pair.broker.take());
    assert_eq!(
        aliases_sent(&sent),
        [
            ("a/long/topic".to_string(), Some(1)),
            (String::new(), Some(1)),
            ("b".to_string(), Some(2)),
            ("c".to_string(), None),
            (String::new(), Some(2)),
        ]
    );
    // A new connection starts with no aliases: the first use names the topic again.
    pair.drop_link();
    pair.step();
    pair.broker.take();
    pair.publish("b", b"y", QoS::AtMostOnce);
    assert_eq!(
        aliases_sent(&publishes(&pair.broker.take())),
        [("b".to_string(), Some(1))]
    );
}

#[test]
fn without_a_broker_alias_maximum_or_with_aliases_off_topics_go_whole() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.publish("a", b"x", QoS::AtMostOnce);
    pair.publish("a", b"x", QoS::AtMostOnce);
    assert_eq!(
        aliases_sent(&publishes(&pair.broker.take())),
        [("a".to_string(), None), ("a".to_string(), None)]
    );
    let mut pair = Pair::idle(mqtt::Options {
        topic_aliases: false,
        ..options(Version::V5)
    });
    pair.broker.connack = Some(mqtt::packet::ConnAck {
        topic_alias_max: Some(10),
        ..Default::default()
    });
    pair.start();
    pair.broker.take();
    pair.publish("a", b"x", QoS::AtMostOnce);
    assert_eq!(
        aliases_sent(&publishes(&pair.broker.take())),
        [("a".to_string(), None)]
    );
}

#[test]
fn the_brokers_reason_strings_are_shown_on_refused_publishes_and_subscriptions() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.broker.auto_ack = false;
    let id = pair.publish("plant/valve", b"open", QoS::AtLeastOnce);
    let pkid = publishes(&pair.broker.take())[0].pkid;
    pair.deliver(Packet::PubAck {
        pkid,
        code: 0x87,
        reason: Some("valves are read-only for you".into()),
    });
    assert!(pair.events().contains(&Event::PublishFailed {
        id,
        reason: "Not authorized: check the username, the password and the broker's ACL (valves are read-only for you)"
            .into()
    }));
    pair.session.subscribe("plant/#", QoS::AtMostOnce).unwrap();
    pair.pump();
    let Some(Packet::Subscribe { pkid, .. }) = pair.broker.take().pop() else {
        panic!("no SUBSCRIBE");
    };
    pair.deliver(Packet::SubAck {
        pkid,
        codes: vec![0x87],
        reason: Some("ACL: plant/# is not yours".into()),
    });
    let events = pair.events();
    assert!(
        events.iter().any(|e| matches!(e, Event::Subscribed { result: Err(r), .. } if r.ends_with("(ACL: plant/# is not yours)"))),
        "{events:?}"
    );
}
