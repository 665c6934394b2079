//! A 5.0 CONNECT meeting a broker that speaks only 3.1.1, and the failures no retry can fix:
//! the session falls back once, at once, and never loops.

mod support;

use mqtt_deck::mqtt;

use mqtt::error::{Error, ProtocolError};
use mqtt::packet::{ConnAck, Packet, Version};
use mqtt::session::{Event, Options, Status};
use support::fake_broker::{disconnects, options, Pair, Refuse5};

fn connected_version(events: &[Event]) -> Option<Version> {
    events.iter().find_map(|e| match e {
        Event::Connected { version, .. } => Some(*version),
        _ => None,
    })
}

#[test]
fn each_way_a_3_1_1_broker_refuses_5_0_ends_in_one_immediate_3_1_1_retry() {
    for how in [Refuse5::ReturnCode1, Refuse5::Close, Refuse5::Silence] {
        let mut pair = Pair::idle(Options {
            connect_timeout_ms: 5_000,
            ..options(Version::V5)
        });
        pair.broker.only_v311(how);
        pair.start();
        if how == Refuse5::Silence {
            // The only wait is the connect timeout itself: no backoff after it.
            assert_eq!(pair.session.poll_timeout(), Some(5_000));
            pair.step();
        }
        let events = pair.events();
        assert_eq!(pair.broker.connect_levels, vec![5, 4], "{how:?}");
        assert_eq!(
            connected_version(&events),
            Some(Version::V311),
            "{how:?}: {events:?}"
        );
        assert!(disconnects(&events).is_empty(), "{how:?}: {events:?}");
        assert_eq!(pair.session.status(), Status::Connected);
        assert_eq!(pair.session.version(), Version::V311);
        assert_eq!(pair.opens, 2, "{how:?}");
    }
}

#[test]
fn after_a_fallback_reconnects_stay_at_3_1_1() {
    let mut pair = Pair::idle(options(Version::V5));
    pair.broker.only_v311(Refuse5::ReturnCode1);
    pair.start();
    pair.events();
    pair.drop_link();
    pair.step();
    assert_eq!(pair.broker.connect_levels, vec![5, 4, 4]);
    assert_eq!(connected_version(&pair.events()), Some(Version::V311));
}

#[test]
fn a_broker_known_to_speak_3_1_1_gets_3_1_1_first() {
    let mut pair = Pair::idle(Options {
        known_v311: true,
        ..options(Version::V5)
    });
    pair.broker.only_v311(Refuse5::ReturnCode1);
    pair.start();
    assert_eq!(pair.broker.connect_levels, vec![4]);
    assert_eq!(connected_version(&pair.events()), Some(Version::V311));
}

#[test]
fn a_broker_that_refuses_3_1_1_too_stops_with_a_message_not_a_loop() {
    let mut pair = Pair::idle(options(Version::V5));
    pair.broker.only_v311(Refuse5::ReturnCode1);
    pair.broker.connack = Some(ConnAck {
        code: 0x84,
        ..ConnAck::default()
    });
    pair.start();
    let ds = disconnects(&pair.events());
    assert_eq!(pair.broker.connect_levels, vec![5, 4]);
    let [(Some(error), None)] = &ds[..] else {
        panic!("{ds:?}")
    };
    assert!(
        error.to_string().contains("refused both MQTT 5.0 and 3.1.1"),
        "{error}"
    );
    assert_eq!(pair.session.status(), Status::Idle);
    assert_eq!(pair.session.poll_timeout(), None);
}

#[test]
fn once_5_0_worked_a_close_before_connack_is_a_plain_reconnect() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.broker.connack = None;
    pair.drop_link();
    pair.step(); // backoff over: a new CONNECT goes out, then the link dies again
    pair.drop_link();
    let ds = disconnects(&pair.events());
    assert!(ds.iter().all(|(_, again)| again.is_some()), "{ds:?}");
    assert_eq!(pair.session.version(), Version::V5);
    assert!(matches!(pair.session.status(), Status::Reconnecting { .. }));
}

#[test]
fn with_fallback_off_a_3_1_1_connack_is_an_unsupported_version_refusal() {
    let mut pair = Pair::idle(Options {
        version_fallback: false,
        ..options(Version::V5)
    });
    pair.broker.only_v311(Refuse5::ReturnCode1);
    pair.start();
    let ds = disconnects(&pair.events());
    assert!(
        matches!(&ds[..], [(Some(Error::Refused(r)), None)] if r.code == 0x84),
        "{ds:?}"
    );
    assert_eq!(pair.broker.connect_levels, vec![5]);
}

#[test]
fn fallback_without_a_client_id_but_with_a_kept_session_says_what_to_change() {
    let mut pair = Pair::idle(Options {
        client_id: String::new(),
        clean_start: false,
        session_expiry: 3600,
        ..options(Version::V5)
    });
    pair.broker.only_v311(Refuse5::Close);
    pair.start();
    let ds = disconnects(&pair.events());
    let [(Some(error), None)] = &ds[..] else {
        panic!("{ds:?}")
    };
    assert!(error.to_string().contains("needs a client ID"), "{error}");
    assert_eq!(pair.session.status(), Status::Idle);
}

#[test]
fn refusals_no_retry_can_fix_stop_and_transient_ones_back_off() {
    for (code, permanent) in [
        (0x86, true),
        (0x87, true),
        (0x85, true),
        (0x8A, true),
        (0x8C, true),
        (0x9A, true),
        (0x9B, true),
        (0x88, false),
        (0x89, false),
        (0x97, false),
    ] {
        let mut pair = Pair::idle(options(Version::V5));
        pair.broker.connack = Some(ConnAck {
            code,
            ..ConnAck::default()
        });
        pair.start();
        let ds = disconnects(&pair.events());
        assert_eq!(ds.len(), 1, "{code:#x}");
        assert_eq!(ds[0].1.is_none(), permanent, "{code:#x}: {ds:?}");
    }
}

#[test]
fn server_disconnects_for_our_misdeeds_stop_and_busy_ones_back_off() {
    for (code, permanent) in [
        (0x95, true),
        (0x9A, true),
        (0x9B, true),
        (0x90, true),
        (0x99, true),
        (0x9D, true),
        (0x8D, false),
        (0x89, false),
        (0x8B, false),
        (0x97, false),
    ] {
        let mut pair = Pair::connected(options(Version::V5));
        pair.deliver(Packet::Disconnect { code, reason: None });
        let ds = disconnects(&pair.events());
        assert_eq!(ds.len(), 1, "{code:#x}");
        assert_eq!(ds[0].1.is_none(), permanent, "{code:#x}: {ds:?}");
    }
}

#[test]
fn a_server_reference_is_shown_with_the_refusal() {
    let mut pair = Pair::idle(options(Version::V5));
    pair.broker.connack = Some(ConnAck {
        code: 0x9D,
        server_reference: Some("mqtt2.example.com".into()),
        ..ConnAck::default()
    });
    pair.start();
    let ds = disconnects(&pair.events());
    let [(Some(error), None)] = &ds[..] else {
        panic!("{ds:?}")
    };
    assert!(error.to_string().contains("use mqtt2.example.com"), "{error}");
}

#[test]
fn a_broker_breaking_the_protocol_on_every_connection_is_given_up_on() {
    let mut pair = Pair::connected(options(Version::V5));
    let mut retries = 0;
    for _ in 0..10 {
        // A PUBLISH to a wildcard topic: no broker may send one.
        pair.deliver_raw(&[0x30, 0x05, 0x00, 0x01, b'#', 0x00, 0x00]);
        let ds = disconnects(&pair.events());
        assert!(
            matches!(
                ds[..],
                [(Some(Error::Protocol(ProtocolError::InvalidTopic(_))), _)]
            ),
            "{ds:?}"
        );
        if ds[0].1.is_none() {
            break;
        }
        retries += 1;
        pair.step();
    }
    assert_eq!(retries, 2);
    assert_eq!(pair.session.status(), Status::Idle);
}

#[test]
fn after_a_fallback_publishes_are_framed_as_3_1_1() {
    use bytes::Bytes;
    use mqtt::packet::QoS;
    let mut pair = Pair::idle(options(Version::V5));
    pair.broker.only_v311(Refuse5::Close);
    pair.start();
    pair.events();
    pair.broker.take();
    for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
        pair.session
            .publish("porch/lamp", Bytes::from_static(b"on"), qos, false)
            .unwrap();
        pair.pump();
    }
    let sent = support::fake_broker::publishes(&pair.broker.take());
    // A 5.0 frame read as 3.1.1 would carry its property length as a payload byte.
    assert!(sent.iter().all(|p| &p.payload[..] == b"on"), "{sent:?}");
    assert_eq!(sent.len(), 3);
}
