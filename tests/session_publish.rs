//! Our own publishes against the fake broker: QoS 0/1/2 flows, failure reasons, the
//! broker's limits (Receive Maximum, Maximum Packet Size, Maximum QoS) and packet ids.

mod support;

use bytes::Bytes;
use mqtt_deck::mqtt;

use mqtt::error::{Error, LimitError, UsageError};
use mqtt::packet::{ConnAck, Packet, QoS, Version};
use mqtt::session::{Event, Options, Status};
use support::fake_broker::{connected_with, names, options, publishes, versions, Pair};

#[test]
fn qos0_publish_goes_out_once_with_no_packet_id_and_no_ack_event() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.publish("lights/kitchen", b"on", QoS::AtMostOnce);
        let sent = publishes(&pair.broker.take());
        assert_eq!(sent.len(), 1);
        assert_eq!(
            (sent[0].topic.as_str(), &sent[0].payload[..]),
            ("lights/kitchen", &b"on"[..])
        );
        assert_eq!(
            (sent[0].qos, sent[0].pkid, sent[0].dup),
            (QoS::AtMostOnce, 0, false)
        );
        assert!(pair.events().is_empty());
        assert_eq!(pair.session.unacknowledged(), 0);
    }
}

#[test]
fn qos1_publish_is_acknowledged_by_puback() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        let id = pair.publish("a/b", b"1", QoS::AtLeastOnce);
        let sent = publishes(&pair.broker.take());
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].qos, sent[0].dup), (QoS::AtLeastOnce, false));
        assert_ne!(sent[0].pkid, 0);
        assert!(pair.events().is_empty(), "acked before PUBACK");
        assert_eq!(pair.session.unacknowledged(), 1);
        pair.deliver(Packet::PubAck {
            pkid: sent[0].pkid,
            code: 0,
            reason: None,
        });
        assert_eq!(pair.events(), vec![Event::PublishAcked { id }]);
        assert_eq!(pair.session.unacknowledged(), 0);
    }
}

#[test]
fn qos2_publish_completes_through_pubrec_pubrel_pubcomp() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        let id = pair.publish("a/b", b"2", QoS::ExactlyOnce);
        let pkid = publishes(&pair.broker.take())[0].pkid;
        pair.deliver(Packet::PubRec {
            pkid,
            code: 0,
            reason: None,
        });
        assert_eq!(pair.broker.take(), vec![Packet::PubRel { pkid, code: 0 }]);
        assert!(pair.events().is_empty(), "acked before PUBCOMP");
        pair.deliver(Packet::PubComp {
            pkid,
            code: 0,
            reason: None,
        });
        assert_eq!(pair.events(), vec![Event::PublishAcked { id }]);
        assert_eq!(pair.session.unacknowledged(), 0);
    }
}

#[test]
fn a_qos2_publish_answered_with_puback_by_a_broker_without_qos2_is_acknowledged_and_frees_its_id() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        let id = pair.publish("a/b", b"2", QoS::ExactlyOnce);
        let pkid = publishes(&pair.broker.take())[0].pkid;
        pair.deliver(Packet::PubAck {
            pkid,
            code: 0,
            reason: None,
        });
        assert_eq!(pair.events(), vec![Event::PublishAcked { id }]);
        assert_eq!(pair.session.unacknowledged(), 0);
        assert!(pair.broker.take().is_empty(), "no PUBREL for a PUBACK");
        assert_eq!(pair.session.status(), Status::Connected);
    }
}

#[test]
fn acks_for_unknown_packet_ids_are_ignored_and_the_link_stays_up() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        pair.publish("a/b", b"1", QoS::AtLeastOnce);
        pair.deliver(Packet::PubAck {
            pkid: 999,
            code: 0,
            reason: None,
        });
        pair.deliver(Packet::PubComp {
            pkid: 998,
            code: 0,
            reason: None,
        });
        assert!(pair.events().is_empty());
        assert_eq!(pair.session.status(), Status::Connected);
        assert_eq!(pair.session.unacknowledged(), 1);
    }
}

#[test]
fn v5_failure_reason_in_puback_or_pubrec_reports_publish_failed() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.broker.auto_ack = false;
    let q1 = pair.publish("a/b", b"1", QoS::AtLeastOnce);
    let q2 = pair.publish("a/c", b"2", QoS::ExactlyOnce);
    let sent = publishes(&pair.broker.take());
    pair.deliver(Packet::PubAck {
        pkid: sent[0].pkid,
        code: 0x87,
        reason: None,
    });
    pair.deliver(Packet::PubRec {
        pkid: sent[1].pkid,
        code: 0x97,
        reason: None,
    });
    // A refused QoS 2 message ends at PUBREC: no PUBREL follows.
    assert!(pair.broker.take().is_empty());
    let events = pair.events();
    assert!(
        matches!(&events[0], Event::PublishFailed { id, reason } if *id == q1 && reason.contains("Not authorized")),
        "{events:?}"
    );
    assert!(
        matches!(&events[1], Event::PublishFailed { id, reason } if *id == q2 && reason.contains("Quota")),
        "{events:?}"
    );
    assert_eq!(pair.session.unacknowledged(), 0);
}

#[test]
fn v5_puback_below_0x80_is_success() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.broker.auto_ack = false;
    let id = pair.publish("nobody/listens", b"1", QoS::AtLeastOnce);
    let pkid = publishes(&pair.broker.take())[0].pkid;
    // 0x10: no matching subscribers; the broker still took the message.
    pair.deliver(Packet::PubAck {
        pkid,
        code: 0x10,
        reason: None,
    });
    assert_eq!(pair.events(), vec![Event::PublishAcked { id }]);
}

#[test]
fn publish_to_an_invalid_topic_is_rejected_and_nothing_is_sent() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        for topic in ["", "a/+", "a/#"] {
            let result = pair
                .session
                .publish(topic, Bytes::from_static(b"x"), QoS::AtLeastOnce, false);
            assert!(
                matches!(result, Err(Error::Usage(UsageError::InvalidTopic(_)))),
                "{topic:?}: {result:?}"
            );
        }
        pair.pump();
        assert!(pair.broker.take().is_empty());
        assert_eq!(pair.session.unacknowledged(), 0);
    }
}

#[test]
fn v5_receive_maximum_caps_publishes_in_flight_and_the_next_goes_after_an_ack() {
    let mut pair = connected_with(
        Version::V5,
        ConnAck {
            receive_maximum: Some(2),
            ..ConnAck::default()
        },
    );
    pair.broker.auto_ack = false;
    let ids: Vec<u64> = (0..3)
        .map(|_| pair.publish("a/b", b"m", QoS::AtLeastOnce))
        .collect();
    let sent = publishes(&pair.broker.take());
    assert_eq!(sent.len(), 2, "only Receive Maximum publishes in flight");
    assert_eq!(pair.session.unacknowledged(), 3);
    pair.deliver(Packet::PubAck {
        pkid: sent[0].pkid,
        code: 0,
        reason: None,
    });
    assert_eq!(pair.events(), vec![Event::PublishAcked { id: ids[0] }]);
    let third = publishes(&pair.broker.take());
    assert_eq!(third.len(), 1, "the queued publish goes out after the ack");
    assert_ne!(third[0].pkid, sent[1].pkid);
    for p in [&sent[1], &third[0]] {
        pair.deliver(Packet::PubAck {
            pkid: p.pkid,
            code: 0,
            reason: None,
        });
    }
    assert_eq!(
        pair.events(),
        vec![
            Event::PublishAcked { id: ids[1] },
            Event::PublishAcked { id: ids[2] }
        ]
    );
}

#[test]
fn our_own_max_inflight_limits_both_versions() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            max_inflight: 1,
            ..options(v)
        });
        pair.broker.auto_ack = false;
        pair.publish("a", b"1", QoS::ExactlyOnce);
        pair.publish("a", b"2", QoS::ExactlyOnce);
        let sent = publishes(&pair.broker.take());
        assert_eq!(sent.len(), 1);
        let pkid = sent[0].pkid;
        // PUBREC is not the end of a QoS 2 flow: the slot stays taken until PUBCOMP.
        pair.deliver(Packet::PubRec {
            pkid,
            code: 0,
            reason: None,
        });
        assert_eq!(names(&pair.broker.take()), ["PUBREL"]);
        pair.deliver(Packet::PubComp {
            pkid,
            code: 0,
            reason: None,
        });
        assert_eq!(publishes(&pair.broker.take()).len(), 1);
    }
}

#[test]
fn v5_publish_over_the_brokers_maximum_packet_size_fails_and_sends_nothing() {
    let mut pair = connected_with(
        Version::V5,
        ConnAck {
            max_packet_size: Some(100),
            ..ConnAck::default()
        },
    );
    let big = Bytes::from(vec![b'x'; 200]);
    let id = pair
        .session
        .publish("a/b", big.clone(), QoS::AtLeastOnce, false)
        .unwrap();
    pair.pump();
    let events = pair.events();
    assert!(
        matches!(&events[..], [Event::PublishFailed { id: i, reason }]
            if *i == id && reason.contains("limit of 100 bytes")),
        "{events:?}"
    );
    let qos0 = pair.session.publish("a/b", big, QoS::AtMostOnce, false);
    assert!(
        matches!(
            qos0,
            Err(Error::Limit(LimitError::PacketTooLarge { max: 100, size })) if size > 200
        ),
        "{qos0:?}"
    );
    pair.pump();
    assert!(pair.broker.take().is_empty());
    assert_eq!(pair.session.unacknowledged(), 0);
    // Small messages still flow.
    pair.publish("a/b", b"small", QoS::AtLeastOnce);
    assert_eq!(publishes(&pair.broker.take()).len(), 1);
}

#[test]
fn v5_maximum_qos_refuses_higher_qos_publishes() {
    let mut pair = connected_with(
        Version::V5,
        ConnAck {
            max_qos: Some(1),
            ..ConnAck::default()
        },
    );
    let result = pair
        .session
        .publish("a/b", Bytes::from_static(b"x"), QoS::ExactlyOnce, false);
    assert_eq!(
        result,
        Err(Error::Limit(LimitError::QoSUnavailable { asked: 2, max: 1 }))
    );
    assert!(result.unwrap_err().to_string().contains("at most QoS 1"));
    pair.pump();
    assert!(pair.broker.take().is_empty());
}

/// Records publishes the broker just got, checking each id against those in flight.
fn record(pair: &mut Pair, in_flight: &mut Vec<(u16, QoS)>) {
    for p in publishes(&pair.broker.take()) {
        assert_ne!(p.pkid, 0);
        assert!(
            !in_flight.iter().any(|(id, _)| *id == p.pkid),
            "reused {} while in flight",
            p.pkid
        );
        in_flight.push((p.pkid, p.qos));
    }
}

/// Acks arrive out of order while new publishes keep going out (some queued behind the
/// in-flight limit): an id must never be 0 nor one the broker still considers in flight.
#[test]
fn packet_ids_are_never_zero_and_never_reused_while_in_flight() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            max_inflight: 20,
            ..options(v)
        });
        pair.broker.auto_ack = false;
        let mut in_flight = Vec::new();
        let mut completed = 0;
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..400 {
            let qos = if round % 3 == 0 {
                QoS::ExactlyOnce
            } else {
                QoS::AtLeastOnce
            };
            pair.publish("ids", b"x", qos);
            record(&mut pair, &mut in_flight);
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            if !rng.is_multiple_of(3) && !in_flight.is_empty() {
                let (pkid, qos) = in_flight.swap_remove(rng as usize % in_flight.len());
                if qos == QoS::AtLeastOnce {
                    pair.deliver(Packet::PubAck {
                        pkid,
                        code: 0,
                        reason: None,
                    });
                } else {
                    pair.deliver(Packet::PubRec {
                        pkid,
                        code: 0,
                        reason: None,
                    });
                    pair.deliver(Packet::PubComp {
                        pkid,
                        code: 0,
                        reason: None,
                    });
                }
                completed += 1;
                // Completing a flow lets a queued publish out.
                record(&mut pair, &mut in_flight);
            }
        }
        let acked = pair
            .events()
            .iter()
            .filter(|e| matches!(e, Event::PublishAcked { .. }))
            .count();
        assert_eq!(acked, completed);
        assert_eq!(pair.session.unacknowledged(), 400 - completed);
    }
}

#[test]
fn packet_ids_wrap_after_65535_without_using_zero() {
    let mut pair = Pair::connected(options(Version::V311));
    let mut last = 0;
    let mut wrapped = false;
    for _ in 0..65_540 {
        let id = pair.publish("w", b"", QoS::AtLeastOnce);
        let sent = publishes(&pair.broker.take());
        assert_eq!(sent.len(), 1);
        assert_ne!(sent[0].pkid, 0);
        wrapped |= sent[0].pkid < last;
        last = sent[0].pkid;
        assert_eq!(pair.events(), vec![Event::PublishAcked { id }]);
    }
    assert!(wrapped, "65,540 publishes must wrap the 16-bit id");
    assert_eq!(pair.session.unacknowledged(), 0);
}

/// A publish made before CONNACK cannot have been checked against the broker's limit;
/// sending it anyway gets the link dropped (0x9B), and the replay after each
/// reconnect would repeat that forever.
#[test]
fn v5_qos2_queued_before_connack_fails_when_the_broker_allows_only_qos1() {
    let mut pair = Pair::idle(options(Version::V5));
    pair.broker.connack = None;
    pair.start();
    let early = pair
        .session
        .publish("a/b", Bytes::from_static(b"x"), QoS::ExactlyOnce, false)
        .unwrap();
    let fine = pair
        .session
        .publish("a/b", Bytes::from_static(b"y"), QoS::AtLeastOnce, false)
        .unwrap();
    pair.broker.take();
    pair.events();
    pair.deliver(Packet::ConnAck(ConnAck {
        max_qos: Some(1),
        ..ConnAck::default()
    }));
    let events = pair.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::PublishFailed { id, reason }
            if *id == early && reason.contains("QoS 1"))),
        "{events:?}"
    );
    assert!(events.contains(&Event::PublishAcked { id: fine }));
    let sent = publishes(&pair.broker.take());
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].qos, QoS::AtLeastOnce);
    assert_eq!(pair.session.status(), Status::Connected);
    assert_eq!(pair.session.unacknowledged(), 0);
}
