//! Losing and regaining the broker: CONNACK timeout, backoff, restoring subscriptions,
//! replaying unacknowledged publishes, server DISCONNECT, and what the session does with
//! garbage from the broker, and WebSocket closes that mean a message too big or bad credentials.

mod support;

use bytes::Bytes;
use mqtt_deck::mqtt;

use mqtt::error::{Error, ProtocolError, TransportError, UsageError};
use mqtt::packet::{ConnAck, Packet, Publish, QoS, Version};
use mqtt::session::{Event, Options, Status};
use support::fake_broker::{connects, disconnects, names, options, publishes, versions, Link, Pair};

fn resumed() -> Option<ConnAck> {
    Some(ConnAck {
        session_present: true,
        ..ConnAck::default()
    })
}

/// Drops the link, waits out the backoff, and returns what the broker received on the
/// new connection.
fn reconnect(pair: &mut Pair) -> Vec<Packet> {
    pair.drop_link();
    pair.broker.take();
    pair.step();
    assert_eq!(pair.session.status(), Status::Connected);
    pair.broker.take()
}

#[test]
fn no_connack_in_time_closes_the_transport_and_schedules_a_reconnect() {
    // A 5.0 CONNECT left unanswered is a fallback case (session_fallback.rs); without it,
    // or when the socket never opened, the timeout is a plain transport failure.
    for link in [Link::Accept, Link::Hang] {
        let mut pair = Pair::idle(Options {
            connect_timeout_ms: 5_000,
            version_fallback: false,
            ..options(Version::V5)
        });
        pair.link = link;
        pair.broker.connack = None;
        pair.start();
        assert_eq!(pair.session.poll_timeout(), Some(5_000));
        pair.step();
        let events = pair.events();
        assert!(events.contains(&Event::CloseTransport), "{link:?}");
        assert!(matches!(
            disconnects(&events)[..],
            [(Some(Error::Transport(TransportError::ConnAckTimeout)), Some(_))]
        ));
        assert!(matches!(pair.session.status(), Status::Reconnecting { .. }));
    }
}

#[test]
fn reconnect_delays_grow_within_jitter_and_reset_after_a_connack() {
    for v in versions() {
        let mut pair = Pair::idle(options(v));
        pair.link = Link::Refuse;
        pair.start();
        let mut delays = Vec::new();
        for _ in 0..7 {
            let ds = disconnects(&pair.events());
            assert_eq!(ds.len(), 1);
            delays.push(ds[0].1.expect("a retry is scheduled"));
            pair.step();
        }
        for (i, d) in delays.iter().enumerate() {
            let base = (1_000u64 << i).min(30_000);
            assert!((base / 2..=base).contains(d), "attempt {i}: {d}ms");
        }
        assert!(delays[6] > delays[0] * 10, "{delays:?}");
        pair.link = Link::Accept;
        pair.step();
        assert_eq!(pair.session.status(), Status::Connected);
        pair.events();
        pair.drop_link();
        let after = disconnects(&pair.events())[0].1.unwrap();
        assert!((500..=1_000).contains(&after), "not reset: {after}ms");
    }
}

#[test]
fn without_a_resumed_session_every_subscription_is_sent_again() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.session.subscribe("a/#", QoS::AtLeastOnce).unwrap();
        pair.session.subscribe("b/+", QoS::ExactlyOnce).unwrap();
        pair.pump();
        pair.events();
        let sent = reconnect(&mut pair);
        let mut filters: Vec<(String, QoS)> = sent
            .iter()
            .flat_map(|p| match p {
                Packet::Subscribe { filters, .. } => {
                    filters.iter().map(|(f, o)| (f.clone(), o.qos)).collect()
                }
                _ => vec![],
            })
            .collect();
        filters.sort();
        assert_eq!(
            filters,
            [
                ("a/#".to_string(), QoS::AtLeastOnce),
                ("b/+".to_string(), QoS::ExactlyOnce)
            ]
        );
        let results = pair
            .events()
            .into_iter()
            .filter(|e| matches!(e, Event::Subscribed { result: Ok(_), .. }))
            .count();
        assert_eq!(results, 2);
    }
}

#[test]
fn a_resumed_session_keeps_its_subscriptions_and_only_sends_unanswered_ones() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.session.subscribe("done/#", QoS::AtLeastOnce).unwrap();
    pair.pump();
    pair.broker.auto_ack = false;
    pair.session.subscribe("pending/#", QoS::AtMostOnce).unwrap();
    pair.pump();
    pair.broker.connack = resumed();
    pair.broker.auto_ack = true;
    let sent = reconnect(&mut pair);
    assert_eq!(names(&sent), ["CONNECT", "SUBSCRIBE"]);
    assert!(matches!(&sent[1], Packet::Subscribe { filters, .. } if filters[0].0 == "pending/#"));
}

#[test]
fn a_resumed_session_resends_unacknowledged_publishes_with_dup_and_the_same_id() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            clean_start: false,
            ..options(v)
        });
        pair.broker.auto_ack = false;
        let q1 = pair.publish("q/1", b"one", QoS::AtLeastOnce);
        let q2_acked = pair.publish("q/2", b"two", QoS::ExactlyOnce);
        let q2 = pair.publish("q/2", b"three", QoS::ExactlyOnce);
        let first = publishes(&pair.broker.take());
        pair.deliver(Packet::PubRec {
            pkid: first[1].pkid,
            code: 0,
            reason: None,
        });
        pair.broker.take();
        pair.broker.connack = resumed();
        pair.broker.auto_ack = true;
        let sent = reconnect(&mut pair);
        // The last PUBREL answers the broker's PUBREC to the replayed QoS 2 PUBLISH.
        assert_eq!(
            names(&sent),
            ["CONNECT", "PUBLISH", "PUBREL", "PUBLISH", "PUBREL"],
            "{v:?}"
        );
        let resent = publishes(&sent);
        for (again, was) in resent.iter().zip([&first[0], &first[2]]) {
            assert!(again.dup, "{v:?}: DUP not set");
            assert_eq!(again.pkid, was.pkid);
            assert_eq!((&again.topic, &again.payload), (&was.topic, &was.payload));
        }
        assert_eq!(
            sent[2],
            Packet::PubRel {
                pkid: first[1].pkid,
                code: 0
            }
        );
        let mut acked: Vec<u64> = pair
            .events()
            .iter()
            .filter_map(|e| match e {
                Event::PublishAcked { id } => Some(*id),
                _ => None,
            })
            .collect();
        acked.sort();
        assert_eq!(acked, [q1, q2_acked, q2]);
        assert_eq!(pair.session.unacknowledged(), 0);
    }
}

#[test]
fn a_fresh_session_sends_unacknowledged_publishes_again_as_new() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        let id = pair.publish("q/1", b"one", QoS::AtLeastOnce);
        pair.broker.take();
        pair.broker.auto_ack = true;
        let sent = reconnect(&mut pair);
        let again = publishes(&sent);
        assert_eq!(again.len(), 1);
        assert!(!again[0].dup, "the new session never saw it");
        assert!(pair.events().contains(&Event::PublishAcked { id }));
    }
}

#[test]
fn qos1_published_while_reconnecting_goes_out_after_connack_and_qos0_is_refused() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.drop_link();
        let id = pair
            .session
            .publish("later", Bytes::from_static(b"x"), QoS::AtLeastOnce, false)
            .unwrap();
        let qos0 = pair
            .session
            .publish("later", Bytes::from_static(b"x"), QoS::AtMostOnce, false);
        assert_eq!(qos0, Err(Error::Usage(UsageError::NotConnected)));
        pair.session.subscribe("late/#", QoS::AtMostOnce).unwrap();
        pair.broker.take();
        pair.events();
        pair.step();
        let sent = pair.broker.take();
        assert_eq!(names(&sent[..1]), ["CONNECT"]);
        assert_eq!(publishes(&sent).len(), 1);
        assert!(names(&sent).contains(&"SUBSCRIBE"));
        assert!(pair.events().contains(&Event::PublishAcked { id }));
    }
}

#[test]
fn incoming_qos2_resent_after_a_resumed_reconnect_is_not_delivered_twice() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        let p = Publish {
            topic: "in".into(),
            payload: Bytes::from_static(b"x"),
            qos: QoS::ExactlyOnce,
            retain: false,
            dup: false,
            pkid: 5,
            props: None,
        };
        pair.deliver(Packet::Publish(p.clone()));
        assert_eq!(pair.events(), vec![Event::Message(p.clone())]);
        pair.broker.connack = resumed();
        reconnect(&mut pair);
        pair.events();
        // The broker never saw our PUBREC, so it sends the message again.
        pair.deliver(Packet::Publish(Publish { dup: true, ..p }));
        assert!(pair.events().is_empty(), "{v:?}: delivered twice");
        assert_eq!(
            pair.broker.take(),
            vec![Packet::PubRec {
                pkid: 5,
                code: 0,
                reason: None
            }]
        );
    }
}

#[test]
fn v5_reconnect_reuses_the_assigned_client_id_so_the_session_can_resume() {
    let mut pair = Pair::idle(Options {
        client_id: String::new(),
        clean_start: false,
        session_expiry: 600,
        ..options(Version::V5)
    });
    pair.broker.connack = Some(ConnAck {
        assigned_client_id: Some("auto-1".into()),
        ..ConnAck::default()
    });
    pair.start();
    pair.broker.connack = resumed();
    let sent = reconnect(&mut pair);
    assert_eq!(connects(&sent)[0].client_id, "auto-1");
    // A new `connect` starts from the options again.
    pair.start();
    assert_eq!(connects(&pair.broker.take())[0].client_id, "");
}

#[test]
fn garbage_from_the_broker_is_a_protocol_error_that_closes_and_reconnects() {
    let garbage: [&[u8]; 3] = [
        &[0x00, 0x00, 0x01],
        // PUBLISH whose topic length points past its frame.
        &[0x30, 0x04, 0x00, 0x09, b'a', b'b'],
        &[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
    ];
    for v in versions() {
        for bytes in garbage {
            let mut pair = Pair::connected(options(v));
            pair.deliver_raw(bytes);
            let events = pair.events();
            assert!(events.contains(&Event::CloseTransport), "{bytes:02x?}");
            assert!(
                matches!(
                    disconnects(&events)[..],
                    [(Some(Error::Protocol(ProtocolError::Malformed(_))), Some(_))]
                ),
                "{v:?} {bytes:02x?}: {events:?}"
            );
            // 5.0 says why before closing.
            let told = pair.broker.take();
            if v == Version::V5 {
                assert_eq!(
                    told,
                    vec![Packet::Disconnect {
                        code: 0x81,
                        reason: None
                    }]
                );
            } else {
                assert!(told.is_empty());
            }
        }
    }
}

#[test]
fn garbage_instead_of_connack_is_a_protocol_error() {
    for v in versions() {
        let mut pair = Pair::idle(Options {
            version_fallback: false,
            ..options(v)
        });
        pair.broker.connack = None;
        pair.start();
        // Return code 9 does not exist in either version.
        let garbage: &[u8] = match v {
            Version::V311 => &[0x20, 0x02, 0x00, 0x09],
            Version::V5 => &[0x20, 0x03, 0x00, 0x09, 0x00],
        };
        pair.deliver_raw(garbage);
        let ds = disconnects(&pair.events());
        assert!(
            matches!(ds[..], [(Some(Error::Protocol(_)), Some(_))]),
            "{v:?}: {ds:?}"
        );
    }
}

#[test]
fn v5_auth_from_the_broker_ends_the_connection() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.deliver_raw(&[0xF0, 0x00]);
    assert!(matches!(
        disconnects(&pair.events())[..],
        [(Some(Error::Protocol(ProtocolError::Auth(_))), Some(_))]
    ));
}

#[test]
fn v5_server_disconnect_for_a_session_takeover_does_not_reconnect() {
    // With and without a reason string; the short form is what Mosquitto sends.
    let forms: [&[u8]; 2] = [
        &[
            0xE0, 0x0A, 0x8E, 0x08, 0x1F, 0x00, 0x05, b't', b'a', b'k', b'e', b'n',
        ],
        &[0xE0, 0x01, 0x8E],
    ];
    for bytes in forms {
        let mut pair = Pair::connected(options(Version::V5));
        pair.deliver_raw(bytes);
        let events = pair.events();
        assert!(events.contains(&Event::CloseTransport));
        let ds = disconnects(&events);
        assert!(
            matches!(
                &ds[..],
                [(Some(Error::ServerDisconnect { code: 0x8E, .. }), None)]
            ),
            "{bytes:02x?}: {ds:?}"
        );
        assert!(ds[0].0.as_ref().unwrap().to_string().contains("taken over"));
        pair.run_until(10 * 60_000);
        assert_eq!(pair.opens, 1, "fighting the other client for the id");
    }
}

#[test]
fn v5_server_shutting_down_reconnects() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.deliver(Packet::Disconnect {
        code: 0x8B,
        reason: None,
    });
    let ds = disconnects(&pair.events());
    assert!(matches!(
        ds[..],
        [(Some(Error::ServerDisconnect { code: 0x8B, .. }), Some(_))]
    ));
    pair.step();
    assert_eq!(pair.opens, 2);
    assert_eq!(pair.session.status(), Status::Connected);
}

#[test]
fn calling_connect_again_replaces_the_open_connection() {
    let mut pair = Pair::connected(options(Version::V311));
    pair.start();
    let events = pair.events();
    assert_eq!(
        &events[..2],
        [Event::CloseTransport, Event::OpenTransport],
        "{events:?}"
    );
    assert_eq!(pair.opens, 2);
    assert_eq!(pair.session.status(), Status::Connected);
}

/// The ids of the `PublishAcked` events among `events`, sorted.
fn acked(events: &[Event]) -> Vec<u64> {
    let mut ids: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            Event::PublishAcked { id } => Some(*id),
            _ => None,
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn a_message_the_broker_closes_on_as_too_big_fails_once_and_the_rest_goes_after_reconnect() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            clean_start: false,
            ..options(v)
        });
        // The others stay unacknowledged on the link the big one kills.
        pair.broker.auto_ack = false;
        pair.broker.max_frame = Some(1024);
        let q1 = pair.publish("q/1", b"one", QoS::AtLeastOnce);
        let big = pair
            .session
            .publish("q/big", Bytes::from(vec![b'x'; 2048]), QoS::AtLeastOnce, false)
            .unwrap();
        pair.pump();
        let q2 = pair.publish("q/2", b"two", QoS::ExactlyOnce);
        let events = pair.events();
        let failed: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::PublishFailed { id, reason } => Some((*id, reason.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(failed.len(), 1, "{v:?}: {events:?}");
        assert_eq!(failed[0].0, big);
        assert!(failed[0].1.contains("2048 bytes on q/big"), "{}", failed[0].1);
        assert!(failed[0].1.contains("1009"), "{}", failed[0].1);
        match &disconnects(&events)[..] {
            [(Some(Error::Transport(TransportError::Closed(text))), Some(_))] => assert_eq!(
                text,
                "Connection closed (code 1009): the broker refused a message of 2048 bytes on q/big"
            ),
            other => panic!("{v:?}: {other:?}"),
        }

        // One reconnect carries the others, and nothing closes the link again.
        pair.broker.connack = resumed();
        pair.broker.auto_ack = true;
        pair.broker.take();
        pair.step();
        assert_eq!(pair.session.status(), Status::Connected);
        let sent = publishes(&pair.broker.take());
        let topics: Vec<&str> = sent.iter().map(|p| p.topic.as_str()).collect();
        assert_eq!(topics, ["q/1", "q/2"], "{v:?}");
        assert_eq!(acked(&pair.events()), [q1, q2]);
        assert_eq!(pair.session.unacknowledged(), 0);
        let now = pair.now;
        pair.run_until(now + 600_000);
        assert_eq!(pair.opens, 2, "{v:?}: reconnected only once");
        assert!(disconnects(&pair.events()).is_empty());
    }
}

#[test]
fn a_too_big_close_after_a_qos0_message_fails_no_acknowledged_message() {
    // QoS 0 is never resent, so the close ends there; the small QoS 1 message in flight
    // was not the one the broker refused and must not be dropped.
    let mut pair = Pair::connected(options(Version::V5));
    pair.broker.auto_ack = false;
    let q1 = pair.publish("q/1", b"one", QoS::AtLeastOnce);
    pair.broker.max_frame = Some(1024);
    pair.session
        .publish("q/big", Bytes::from(vec![b'x'; 2048]), QoS::AtMostOnce, false)
        .unwrap();
    pair.pump();
    let events = pair.events();
    assert!(
        !events.iter().any(|e| matches!(e, Event::PublishFailed { .. })),
        "{events:?}"
    );
    assert!(matches!(
        &disconnects(&events)[..],
        [(Some(Error::Transport(TransportError::Closed(t))), Some(_))] if t == "Connection closed (code 1009)"
    ));
    pair.broker.auto_ack = true;
    pair.step();
    assert_eq!(acked(&pair.events()), [q1]);
}

#[test]
fn a_close_for_bad_credentials_before_connack_stops_like_a_not_authorized_connack() {
    for v in versions() {
        // What a broker that refuses in a CONNACK makes the session say.
        let mut refused = Pair::idle(options(v));
        refused.broker.connack = Some(ConnAck {
            code: 0x86,
            ..ConnAck::default()
        });
        refused.start();
        let by_connack = disconnects(&refused.events());

        let with_password = |password: &str| Options {
            username: Some("deck".into()),
            password: Some(password.into()),
            ..options(v)
        };
        let mut pair = Pair::idle(with_password("not-the-password"));
        pair.broker.close_on_wrong_password = Some("secret");
        pair.start();
        let events = pair.events();
        assert_eq!(disconnects(&events), by_connack, "{v:?}: {events:?}");
        assert!(matches!(
            &by_connack[..],
            [(Some(Error::Refused(r)), None)] if r.code == 0x86 && r.reason == "Not authorized: bad username or password"
        ));
        assert_eq!(pair.session.status(), Status::Idle);
        assert_eq!(
            pair.session.poll_timeout(),
            None,
            "{v:?}: no reconnect, no fallback"
        );
        assert_eq!(pair.opens, 1);

        // The right password gets in: the close was about the credentials.
        let mut pair = Pair::idle(with_password("secret"));
        pair.broker.close_on_wrong_password = Some("secret");
        pair.start();
        assert_eq!(pair.session.status(), Status::Connected, "{v:?}");
    }
}

#[test]
fn a_close_before_connack_for_another_reason_still_retries() {
    let mut pair = Pair::idle(Options {
        version_fallback: false,
        ..options(Version::V5)
    });
    pair.broker.only_v311(support::fake_broker::Refuse5::Close);
    pair.start();
    assert!(matches!(
        &disconnects(&pair.events())[..],
        [(Some(Error::Transport(TransportError::Closed(_))), Some(_))]
    ));
    assert!(matches!(pair.session.status(), Status::Reconnecting { .. }));
}

/// A broker that comes back with a lower Receive Maximum (restarted with a new limit, or another
/// node of a cluster) gets no more unfinished QoS 1/2 PUBLISHes than it allows (MQTT 5 §4.9):
/// the rest keep their packet ids and go again, with DUP, as acknowledgements free room.
/// Mosquitto answers the excess with PUBREC 0x97 (quota exceeded), which would lose them.
#[test]
fn a_resumed_session_replays_no_more_than_a_lowered_receive_maximum_and_the_rest_after_acks() {
    let mut pair = Pair::connected(Options {
        clean_start: false,
        ..options(Version::V5)
    });
    pair.broker.auto_ack = false;
    let ids: Vec<u64> = (0..5)
        .map(|_| pair.publish("q/2", b"m", QoS::ExactlyOnce))
        .collect();
    let first = publishes(&pair.broker.take());
    assert_eq!(first.len(), 5);
    // The first is past PUBREC: it still counts against the quota until PUBCOMP.
    pair.deliver(Packet::PubRec {
        pkid: first[0].pkid,
        code: 0,
        reason: None,
    });
    pair.broker.take();
    pair.broker.connack = Some(ConnAck {
        session_present: true,
        receive_maximum: Some(2),
        ..ConnAck::default()
    });
    let sent = reconnect(&mut pair);
    assert_eq!(names(&sent), ["CONNECT", "PUBREL", "PUBLISH"]);
    let mut resent = publishes(&sent);
    pair.deliver(Packet::PubRec {
        pkid: resent[0].pkid,
        code: 0,
        reason: None,
    });
    assert_eq!(names(&pair.broker.take()), ["PUBREL"]);

    // The broker completes one message at a time; the session never has more than two open.
    let mut open: Vec<u16> = vec![first[0].pkid, resent[0].pkid];
    let mut completed = 0;
    while let Some(&pkid) = open.first() {
        pair.deliver(Packet::PubComp {
            pkid,
            code: 0,
            reason: None,
        });
        open.remove(0);
        completed += 1;
        for packet in pair.broker.take() {
            match packet {
                Packet::Publish(p) => {
                    open.push(p.pkid);
                    resent.push(p.clone());
                    // PUBREC and its PUBREL: the message stays open until PUBCOMP.
                    pair.deliver(Packet::PubRec {
                        pkid: p.pkid,
                        code: 0,
                        reason: None,
                    });
                }
                Packet::PubRel { .. } => {}
                other => panic!("unexpected {other:?}"),
            }
            assert!(open.len() <= 2, "{} open: {open:?}", open.len());
        }
    }
    assert_eq!(completed, 5);
    // Every held message went again once, in order, with its packet id and DUP.
    assert_eq!(resent.len(), 4);
    for (again, was) in resent.iter().zip(&first[1..]) {
        assert_eq!(again.pkid, was.pkid);
        assert!(again.dup, "DUP not set on {}", again.pkid);
    }
    let mut acked: Vec<u64> = pair
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::PublishAcked { id } => Some(*id),
            _ => None,
        })
        .collect();
    acked.sort();
    assert_eq!(acked, ids);
    assert_eq!(pair.session.unacknowledged(), 0);
}
