//! Property tests of the session: whatever the broker sends it never panics, and every
//! QoS 1/2 publish is reported exactly once however often the link drops.
// proptest is a native-only dev-dependency.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::HashMap;

use bytes::Bytes;
use mqtt_deck::mqtt;
use proptest::prelude::*;

use mqtt::error::Error;
use mqtt::packet::{ConnAck, QoS};
use mqtt::session::{Event, Status};
use support::fake_broker::{options, versions, Link, Pair};

#[derive(Debug, Clone)]
enum Op {
    Publish(QoS),
    DropLink,
    /// The broker stops or starts acknowledging.
    Acks(bool),
    /// The next CONNACK says whether the broker kept our session.
    SessionPresent(bool),
    RefuseLinks(bool),
    Step,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => prop_oneof![Just(QoS::AtLeastOnce), Just(QoS::ExactlyOnce)].prop_map(Op::Publish),
        1 => Just(Op::DropLink),
        1 => any::<bool>().prop_map(Op::Acks),
        1 => any::<bool>().prop_map(Op::SessionPresent),
        1 => any::<bool>().prop_map(Op::RefuseLinks),
        2 => Just(Op::Step),
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// A panic in wasm takes the whole page down, so no input may cause one; and any
    /// failure must close the link rather than leave it half-read.
    #[test]
    fn arbitrary_broker_bytes_never_panic_the_session(
        v in 0..2usize,
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 1..6),
    ) {
        let mut pair = Pair::connected(options(versions()[v]));
        for chunk in &chunks {
            pair.deliver_raw(chunk);
        }
        let events = pair.events();
        for e in &events {
            if let Event::Disconnected { error, .. } = e {
                prop_assert!(
                    matches!(error, Some(Error::Protocol(_) | Error::ServerDisconnect { .. })),
                    "{:?}", error
                );
                prop_assert!(events.contains(&Event::CloseTransport));
            }
        }
        if pair.session.status() == Status::Connected {
            prop_assert!(!events.contains(&Event::CloseTransport));
        }
    }

    #[test]
    fn every_qos1_and_qos2_publish_is_reported_exactly_once_across_link_drops(
        v in 0..2usize,
        ops in proptest::collection::vec(op(), 1..40),
    ) {
        let mut pair = Pair::connected(options(versions()[v]));
        let mut ids = Vec::new();
        let mut reports: HashMap<u64, usize> = HashMap::new();
        let mut tally = |pair: &mut Pair| {
            for e in pair.events() {
                if let Event::PublishAcked { id } | Event::PublishFailed { id, .. } = e {
                    *reports.entry(id).or_default() += 1;
                }
            }
        };
        for op in ops {
            match op {
                Op::Publish(qos) => {
                    if pair.session.status() != Status::Idle {
                        let id = pair
                            .session
                            .publish("p", Bytes::from_static(b"x"), qos, false)
                            .unwrap();
                        ids.push(id);
                        pair.pump();
                    }
                }
                Op::DropLink if pair.open => pair.drop_link(),
                Op::DropLink => {}
                Op::Acks(on) => pair.broker.auto_ack = on,
                Op::SessionPresent(present) => {
                    pair.broker.connack = Some(ConnAck {
                        session_present: present,
                        ..ConnAck::default()
                    })
                }
                Op::RefuseLinks(refuse) => {
                    pair.link = if refuse { Link::Refuse } else { Link::Accept }
                }
                Op::Step => {
                    if pair.session.poll_timeout().is_some() {
                        pair.step();
                    }
                }
            }
            tally(&mut pair);
        }
        // Calm weather: the link holds and the broker answers everything.
        pair.link = Link::Accept;
        pair.broker.auto_ack = true;
        pair.broker.answer_pings = true;
        while pair.session.status() != Status::Connected {
            pair.step();
        }
        // A fresh CONNACK replays whatever is still in flight.
        if pair.session.unacknowledged() > 0 {
            pair.drop_link();
            pair.step();
        }
        tally(&mut pair);
        prop_assert_eq!(pair.session.unacknowledged(), 0);
        for id in ids {
            prop_assert_eq!(reports.get(&id).copied(), Some(1), "publish {} reported", id);
        }
    }
}
