//! Session flows on one connection: messages from the broker at QoS 0/1/2, keep-alive,
//! and CONNACK-out-of-place, against the fake broker on a virtual clock.

mod support;

use bytes::Bytes;
use mqtt_deck::mqtt;

use mqtt::error::{Error, TransportError};
use mqtt::packet::{ConnAck, Packet, Publish, QoS, Version};
use mqtt::session::{Event, Options, Status};
use support::fake_broker::{connected_with, disconnects, names, options, versions, Pair};

fn incoming(qos: QoS, pkid: u16, payload: &'static [u8]) -> Publish {
    Publish {
        topic: "in/t".into(),
        payload: Bytes::from_static(payload),
        qos,
        retain: false,
        dup: false,
        pkid,
        props: None,
    }
}

#[test]
fn incoming_qos0_is_delivered_without_any_reply() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        let p = incoming(QoS::AtMostOnce, 0, b"zero");
        pair.deliver(Packet::Publish(p.clone()));
        assert_eq!(pair.events(), vec![Event::Message(p)]);
        assert!(pair.broker.take().is_empty());
    }
}

#[test]
fn incoming_qos1_is_delivered_and_acknowledged_with_puback() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        let p = incoming(QoS::AtLeastOnce, 41, b"one");
        pair.deliver(Packet::Publish(p.clone()));
        assert_eq!(pair.events(), vec![Event::Message(p)]);
        assert_eq!(
            pair.broker.take(),
            vec![Packet::PubAck {
                pkid: 41,
                code: 0,
                reason: None
            }]
        );
    }
}

#[test]
fn incoming_qos2_gets_pubrec_then_pubcomp_after_pubrel() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        let p = incoming(QoS::ExactlyOnce, 42, b"two");
        pair.deliver(Packet::Publish(p.clone()));
        assert_eq!(pair.events(), vec![Event::Message(p)]);
        assert_eq!(
            pair.broker.take(),
            vec![Packet::PubRec {
                pkid: 42,
                code: 0,
                reason: None
            }]
        );
        pair.deliver(Packet::PubRel { pkid: 42, code: 0 });
        assert_eq!(
            pair.broker.take(),
            vec![Packet::PubComp {
                pkid: 42,
                code: 0,
                reason: None
            }]
        );
        assert!(pair.events().is_empty());
    }
}

#[test]
fn incoming_qos2_repeated_before_pubrel_is_delivered_once() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        // The broker holds back PUBREL, as a slow one would.
        pair.broker.auto_ack = false;
        let p = incoming(QoS::ExactlyOnce, 9, b"once");
        pair.deliver(Packet::Publish(p.clone()));
        let again = Publish {
            dup: true,
            ..p.clone()
        };
        pair.deliver(Packet::Publish(again));
        assert_eq!(pair.events(), vec![Event::Message(p)]);
        // Each copy is still acknowledged, or the broker would keep resending.
        assert_eq!(names(&pair.broker.take()), ["PUBREC", "PUBREC"]);
        // After PUBREL the id is free: the next message with it is a new one.
        pair.deliver(Packet::PubRel { pkid: 9, code: 0 });
        let next = incoming(QoS::ExactlyOnce, 9, b"next");
        pair.deliver(Packet::Publish(next.clone()));
        assert_eq!(pair.events(), vec![Event::Message(next)]);
    }
}

#[test]
fn pubrel_for_an_unknown_id_is_completed_with_a_v5_reason() {
    for (v, code) in [(Version::V311, 0), (Version::V5, 0x92)] {
        let mut pair = Pair::connected(options(v));
        pair.deliver(Packet::PubRel { pkid: 77, code: 0 });
        assert_eq!(
            pair.broker.take(),
            vec![Packet::PubComp {
                pkid: 77,
                code,
                reason: None
            }]
        );
        assert_eq!(pair.session.status(), Status::Connected);
    }
}

#[test]
fn keep_alive_sends_pingreq_after_the_interval_and_stays_up_on_pingresp() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            keep_alive: 10,
            ..options(v)
        });
        assert_eq!(pair.session.poll_timeout(), Some(10_000));
        assert_eq!(pair.step(), 10_000);
        assert_eq!(names(&pair.broker.take()), ["PINGREQ"]);
        // Answered at once: the next ping is one interval after this one.
        assert_eq!(pair.session.poll_timeout(), Some(20_000));
        pair.run_until(60_000);
        assert_eq!(names(&pair.broker.take()), ["PINGREQ"; 5]);
        assert!(pair.events().is_empty());
        assert_eq!(pair.session.status(), Status::Connected);
    }
}

#[test]
fn keep_alive_without_pingresp_drops_the_link_and_schedules_a_reconnect() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            keep_alive: 10,
            ..options(v)
        });
        pair.broker.answer_pings = false;
        pair.step();
        assert_eq!(names(&pair.broker.take()), ["PINGREQ"]);
        // Pings go on every interval while the first waits its 30 s (the default timeout).
        pair.run_until(39_999);
        assert_eq!(names(&pair.broker.take()), ["PINGREQ"; 2]);
        assert!(pair.events().is_empty());
        pair.run_until(40_000);
        let events = pair.events();
        assert!(events.contains(&Event::CloseTransport));
        let ds = disconnects(&events);
        assert!(matches!(
            ds[..],
            [(Some(Error::Transport(TransportError::KeepAliveTimeout)), Some(_))]
        ));
        assert!(matches!(pair.session.status(), Status::Reconnecting { .. }));
    }
}

#[test]
fn a_pingresp_stuck_behind_a_flood_does_not_drop_the_link_and_pings_continue() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            keep_alive: 10,
            ..options(v)
        });
        pair.broker.answer_pings = false;
        assert_eq!(pair.step(), 10_000);
        assert_eq!(names(&pair.broker.take()), ["PINGREQ"]);
        // QoS 0 messages keep arriving for 25 s; the PINGRESP never gets through.
        for t in (11_000..=35_000).step_by(1_000) {
            pair.set_time(t);
            pair.deliver(Packet::Publish(incoming(QoS::AtMostOnce, 0, b"flood")));
            pair.run_until(t);
        }
        assert_eq!(
            pair.session.status(),
            Status::Connected,
            "data proves the broker alive"
        );
        // Still one packet from us per interval, as the broker requires.
        assert_eq!(names(&pair.broker.take()), ["PINGREQ", "PINGREQ"]);
        // Silence after the flood is a dead link again.
        pair.run_until(80_000);
        let events = pair.events();
        assert!(disconnects(&events)
            .iter()
            .any(|(e, _)| matches!(e, Some(Error::Transport(TransportError::KeepAliveTimeout)))));
    }
}

#[test]
fn traffic_postpones_the_ping() {
    let mut pair = Pair::connected(Options {
        keep_alive: 10,
        ..options(Version::V5)
    });
    // The PUBACK we send at 6 s is traffic: the broker knows we are alive.
    pair.set_time(6_000);
    pair.deliver(Packet::Publish(incoming(QoS::AtLeastOnce, 3, b"x")));
    assert_eq!(pair.session.poll_timeout(), Some(16_000));
    pair.run_until(15_999);
    assert_eq!(names(&pair.broker.take()), ["PUBACK"]);
    pair.run_until(16_000);
    assert_eq!(names(&pair.broker.take()), ["PINGREQ"]);
}

#[test]
fn v5_server_keep_alive_replaces_ours() {
    let mut pair = connected_with(
        Version::V5,
        ConnAck {
            server_keep_alive: Some(5),
            ..ConnAck::default()
        },
    );
    assert_eq!(pair.step(), 5_000);
    assert_eq!(names(&pair.broker.take()), ["PINGREQ"]);
}

#[test]
fn keep_alive_zero_never_pings() {
    let mut pair = Pair::connected(Options {
        keep_alive: 0,
        ..options(Version::V311)
    });
    assert_eq!(pair.session.poll_timeout(), None);
    pair.session.handle_timeout(3_600_000);
    pair.pump();
    assert!(pair.broker.take().is_empty());
    assert_eq!(pair.session.status(), Status::Connected);
}

#[test]
fn a_second_connack_is_a_protocol_error() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.deliver(Packet::ConnAck(ConnAck::default()));
        let ds = disconnects(&pair.events());
        assert!(matches!(ds[..], [(Some(Error::Protocol(_)), Some(_))]), "{ds:?}");
    }
}
