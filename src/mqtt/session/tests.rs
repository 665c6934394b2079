//! Session tests against the fake broker: connecting, refusals, subscriptions and the
//! user's disconnect. Publishing, incoming flows, keep-alive and reconnects live in
//! `tests/session_*.rs`, which share the same fake broker.

#[path = "../../../tests/support/fake_broker.rs"]
mod fake_broker;

use bytes::Bytes;

use fake_broker::{connects, disconnects, names, options, versions, Pair};

use crate::mqtt::error::{Error, Refusal, UsageError};
use crate::mqtt::packet::{ConnAck, Packet, QoS, SubOptions, Version, Will};
use crate::mqtt::session::{Event, Options, Status};

fn full_options(version: Version) -> Options {
    Options {
        username: Some("alice".into()),
        password: Some("s3cret".into()),
        keep_alive: 15,
        clean_start: false,
        session_expiry: 3600,
        will: Some(Will {
            topic: "clients/deck/status".into(),
            payload: Bytes::from_static(b"gone"),
            qos: QoS::AtLeastOnce,
            retain: true,
            delay: 0,
            props: None,
        }),
        ..options(version)
    }
}

fn refused(code: u8) -> ConnAck {
    ConnAck {
        code,
        ..ConnAck::default()
    }
}

#[test]
fn connect_puts_client_id_credentials_keep_alive_clean_start_and_will_on_the_wire() {
    for v in versions() {
        let mut pair = Pair::idle(full_options(v));
        pair.start();
        let sent = connects(&pair.broker.take());
        assert_eq!(sent.len(), 1, "{v:?}");
        let c = &sent[0];
        assert_eq!(c.client_id, "deck-test");
        assert_eq!(c.username.as_deref(), Some("alice"));
        assert_eq!(c.password.as_deref(), Some("s3cret"));
        assert_eq!(c.keep_alive, 15);
        assert!(!c.clean_start);
        let will = c.will.as_ref().expect("will on the wire");
        assert_eq!(will.topic, "clients/deck/status");
        assert_eq!(&will.payload[..], b"gone");
        assert_eq!((will.qos, will.retain), (QoS::AtLeastOnce, true));
        // Session expiry is a 5.0 property; 3.1.1 has nowhere to put it.
        let expiry = if v == Version::V5 { 3600 } else { 0 };
        assert_eq!(c.session_expiry, expiry, "{v:?}");
        assert_eq!(
            pair.events(),
            vec![
                Event::OpenTransport,
                Event::Connected {
                    session_present: false,
                    client_id: "deck-test".into(),
                    version: v,
                }
            ]
        );
        assert_eq!(pair.session.status(), Status::Connected);
    }
}

#[test]
fn connect_without_credentials_sends_neither_username_nor_password() {
    for v in versions() {
        let opts = Options {
            username: Some(String::new()),
            password: None,
            ..options(v)
        };
        let mut pair = Pair::idle(opts);
        pair.start();
        let c = &connects(&pair.broker.take())[0];
        assert_eq!((c.username.as_deref(), c.password.as_deref()), (None, None));
        assert!(c.clean_start);
    }
}

#[test]
fn v5_empty_client_id_is_replaced_by_the_one_the_broker_assigns() {
    let mut pair = Pair::idle(Options {
        client_id: String::new(),
        ..options(Version::V5)
    });
    pair.broker.connack = Some(ConnAck {
        assigned_client_id: Some("auto-7f3a".into()),
        ..ConnAck::default()
    });
    pair.start();
    assert_eq!(connects(&pair.broker.take())[0].client_id, "");
    assert!(pair.events().contains(&Event::Connected {
        session_present: false,
        client_id: "auto-7f3a".into(),
        version: Version::V5,
    }));
    assert_eq!(pair.session.client_id(), "auto-7f3a");
}

/// Bad credentials cannot get better by retrying; retrying only hammers the broker
/// (and can get the account locked).
#[test]
fn refused_credentials_end_the_session_without_ever_reconnecting() {
    // 3.1.1 return codes 4 and 5 arrive as their 5.0 equivalents 0x86 and 0x87.
    for v in versions() {
        for code in [0x86, 0x87] {
            let mut pair = Pair::idle(options(v));
            pair.broker.connack = Some(refused(code));
            pair.start();
            let events = pair.events();
            assert!(events.contains(&Event::CloseTransport), "{v:?} {code:#x}");
            let ds = disconnects(&events);
            assert_eq!(ds.len(), 1);
            let (error, reconnect) = &ds[0];
            assert_eq!(*reconnect, None, "{v:?} {code:#x} must not retry");
            let error = error.clone().expect("an error");
            assert!(
                matches!(&error, Error::Refused(Refusal { code: c, .. }) if *c == code),
                "{v:?}: {error:?}"
            );
            assert!(error.to_string().contains("Not authorized"), "{error}");
            assert_eq!(pair.session.status(), Status::Idle);
            assert_eq!(pair.session.poll_timeout(), None);
            for minutes in 1..=60 {
                pair.session.handle_timeout(minutes * 60_000);
                pair.pump();
            }
            assert_eq!(pair.opens, 1, "{v:?} {code:#x}: reconnected after refusal");
        }
    }
}

#[test]
fn server_unavailable_refusal_schedules_a_reconnect() {
    // 3.1.1 return code 3 is 0x88.
    for v in versions() {
        let mut pair = Pair::idle(options(v));
        pair.broker.connack = Some(refused(0x88));
        pair.start();
        let ds = disconnects(&pair.events());
        assert!(matches!(
            ds[0].0,
            Some(Error::Refused(Refusal { code: 0x88, .. }))
        ));
        let delay = ds[0].1.expect("a reconnect is scheduled");
        assert!((500..=1_000).contains(&delay), "{delay}");
        pair.broker.connack = Some(ConnAck::default());
        let at = pair.step();
        assert_eq!(at, delay);
        assert_eq!(pair.opens, 2);
        assert_eq!(pair.session.status(), Status::Connected);
    }
}

#[test]
fn invalid_options_are_refused_before_any_transport_is_opened() {
    let will = |topic: &str, payload: Vec<u8>| {
        Some(Will {
            topic: topic.into(),
            payload: Bytes::from(payload),
            qos: QoS::AtMostOnce,
            retain: false,
            delay: 0,
            props: None,
        })
    };
    let bad = [
        Options {
            client_id: String::new(),
            clean_start: false,
            ..options(Version::V311)
        },
        Options {
            username: None,
            password: Some("pw".into()),
            ..options(Version::V311)
        },
        Options {
            will: will("status/#", b"x".to_vec()),
            ..options(Version::V5)
        },
        // Lengths travel as 16 bits: a longer will would corrupt CONNECT.
        Options {
            will: will("status", vec![0; 70_000]),
            ..options(Version::V5)
        },
        Options {
            password: Some("p".repeat(70_000)),
            ..options(Version::V5)
        },
    ];
    for opts in bad {
        let mut pair = Pair::idle(options(opts.version));
        let result = pair.session.connect(0, opts.clone());
        assert!(
            matches!(
                result,
                Err(UsageError::InvalidOptions(_) | UsageError::InvalidTopic(_))
            ),
            "{result:?}"
        );
        pair.pump();
        assert_eq!(pair.opens, 0);
        assert_eq!(pair.session.status(), Status::Idle);
    }
}

#[test]
fn subscribe_reports_the_qos_the_broker_granted() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        pair.session
            .subscribe("sensors/+/temp", QoS::ExactlyOnce)
            .unwrap();
        pair.pump();
        let sent = pair.broker.take();
        let Packet::Subscribe { pkid, filters } = &sent[0] else {
            panic!("{sent:?}");
        };
        assert_ne!(*pkid, 0);
        assert_eq!(
            filters,
            &[("sensors/+/temp".to_string(), SubOptions::qos(QoS::ExactlyOnce))]
        );
        assert!(pair.events().is_empty(), "no result before SUBACK");
        pair.deliver(Packet::SubAck {
            pkid: *pkid,
            codes: vec![1],
            reason: None,
        });
        assert_eq!(
            pair.events(),
            vec![Event::Subscribed {
                filter: "sensors/+/temp".into(),
                result: Ok(QoS::AtLeastOnce)
            }]
        );
    }
}

#[test]
fn refused_subscription_reports_the_reason_and_is_forgotten() {
    for (v, code, text) in [
        (
            Version::V311,
            0x80,
            "0x80, refused: the broker's ACL may not allow this filter",
        ),
        (Version::V5, 0x87, "0x87 Not authorized"),
    ] {
        let mut pair = Pair::connected(options(v));
        pair.broker.auto_ack = false;
        pair.session.subscribe("secret/#", QoS::AtMostOnce).unwrap();
        pair.session.subscribe("public/#", QoS::AtLeastOnce).unwrap();
        pair.pump();
        let pkids: Vec<u16> = pair
            .broker
            .take()
            .iter()
            .filter_map(|p| match p {
                Packet::Subscribe { pkid, .. } => Some(*pkid),
                _ => None,
            })
            .collect();
        assert_eq!(pkids.len(), 2);
        assert_ne!(pkids[0], pkids[1]);
        pair.deliver(Packet::SubAck {
            pkid: pkids[0],
            codes: vec![code],
            reason: None,
        });
        pair.deliver(Packet::SubAck {
            pkid: pkids[1],
            codes: vec![1],
            reason: None,
        });
        let events = pair.events();
        let Event::Subscribed { filter, result } = &events[0] else {
            panic!("{events:?}");
        };
        assert_eq!(filter, "secret/#");
        let reason = result.clone().unwrap_err();
        assert!(reason.contains(text), "{v:?}: {reason}");
        assert_eq!(
            events[1],
            Event::Subscribed {
                filter: "public/#".into(),
                result: Ok(QoS::AtLeastOnce)
            }
        );
        let kept: Vec<&String> = pair.session.subscriptions().keys().collect();
        assert_eq!(kept, ["public/#"], "{v:?}");
    }
}

#[test]
fn invalid_filters_are_rejected_before_anything_is_sent() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        for filter in ["", "a/#/b", "a#", "sport+", "a/b+/c", "nul\0here"] {
            let result = pair.session.subscribe(filter, QoS::AtMostOnce);
            assert!(
                matches!(result, Err(Error::Usage(UsageError::InvalidFilter(_)))),
                "{filter:?}: {result:?}"
            );
        }
        pair.pump();
        assert!(pair.broker.take().is_empty());
        assert!(pair.events().is_empty());
        assert!(pair.session.subscriptions().is_empty());
    }
}

#[test]
fn subscribe_before_connect_is_refused() {
    let mut pair = Pair::idle(options(Version::V5));
    let result = pair.session.subscribe("a/b", QoS::AtMostOnce);
    assert_eq!(result, Err(Error::Usage(UsageError::NotConnected)));
}

#[test]
fn unsubscribe_sends_unsubscribe_and_reports_it_on_unsuback() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.session.subscribe("news/#", QoS::AtLeastOnce).unwrap();
        pair.pump();
        pair.broker.take();
        pair.events();
        pair.broker.auto_ack = false;
        pair.session.unsubscribe("news/#").unwrap();
        pair.pump();
        let sent = pair.broker.take();
        let Packet::Unsubscribe { pkid, filters } = &sent[0] else {
            panic!("{sent:?}");
        };
        assert_eq!(filters, &["news/#".to_string()]);
        assert!(pair.events().is_empty(), "no result before UNSUBACK");
        assert!(pair.session.subscriptions().is_empty());
        pair.deliver(Packet::UnsubAck {
            pkid: *pkid,
            codes: vec![0],
            reason: None,
        });
        assert_eq!(
            pair.events(),
            vec![Event::Unsubscribed {
                filter: "news/#".into(),
                error: None,
            }]
        );
    }
}

#[test]
fn disconnect_sends_disconnect_closes_and_reports_no_error() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.session.disconnect(pair.now);
        pair.pump();
        assert_eq!(names(&pair.broker.take()), ["DISCONNECT"]);
        let events = pair.events();
        assert_eq!(
            events,
            vec![
                Event::CloseTransport,
                Event::Disconnected {
                    error: None,
                    reconnect_in_ms: None
                }
            ]
        );
        assert_eq!(pair.session.status(), Status::Idle);
        assert_eq!(pair.session.poll_timeout(), None);
        assert!(!pair.open);
    }
}

#[test]
fn disconnect_while_waiting_to_reconnect_stops_the_retries() {
    let mut pair = Pair::connected(options(Version::V5));
    pair.drop_link();
    assert!(matches!(pair.session.status(), Status::Reconnecting { .. }));
    pair.events();
    pair.session.disconnect(pair.now);
    pair.pump();
    assert_eq!(disconnects(&pair.events()), vec![(None, None)]);
    assert_eq!(pair.session.poll_timeout(), None);
    assert_eq!(pair.opens, 1);
}
