//! The durable session across a reload of the page: what is stored, a new session restored
//! from it, and what the CONNACK's Session Present makes of it (resume with DUP, PUBREL where
//! PUBREC had come, a QoS 2 message not delivered twice; a session we have no record of
//! replaced once; a lost one discarded), and the offline queue with its caps.

mod support;

use bytes::Bytes;
use mqtt_deck::model::stored_session;
use mqtt_deck::mqtt;

use mqtt::error::{Error, LimitError, UsageError};
use mqtt::packet::{ConnAck, Packet, Publish, PublishProps, QoS, Version};
use mqtt::session::{Durable, Event, Options, Status, MAX_QUEUED};
use support::fake_broker::{connects, names, options, publishes, versions, Pair};

fn keeping(v: Version) -> Options {
    Options {
        clean_start: false,
        session_expiry: 3_600,
        ..options(v)
    }
}

fn ack(session_present: bool) -> Option<ConnAck> {
    Some(ConnAck {
        session_present,
        ..ConnAck::default()
    })
}

fn incoming_qos2(pkid: u16, dup: bool) -> Packet {
    Packet::Publish(Publish {
        topic: "in/two".into(),
        payload: Bytes::from_static(b"once"),
        qos: QoS::ExactlyOnce,
        retain: false,
        dup,
        pkid,
        props: None,
    })
}

/// The page reloads: a new session made from what the old one stored, as the glue stores it
/// (through the JSON record), before the same broker.
fn reload(old: &Pair, opts: Options) -> (Pair, Vec<(u64, Publish)>) {
    let record = stored_session::to_json(&old.session.durable());
    let durable: Durable = stored_session::from_json(&record).expect("the record reads back");
    let mut pair = Pair::idle(opts);
    let restored = pair.session.restore(durable);
    (pair, restored)
}

#[test]
fn a_reload_resumes_the_session_resending_with_dup_and_delivering_nothing_twice() {
    for v in versions() {
        let mut old = Pair::connected(keeping(v));
        old.broker.auto_ack = false;
        old.publish("out/one", b"q1", QoS::AtLeastOnce);
        old.publish("out/two", b"q2", QoS::ExactlyOnce);
        old.publish("out/rel", b"q2 past pubrec", QoS::ExactlyOnce);
        let sent = old.broker.take();
        let pkids: Vec<u16> = publishes(&sent).iter().map(|p| p.pkid).collect();
        old.deliver(Packet::PubRec {
            pkid: pkids[2],
            code: 0,
            reason: None,
        });
        old.deliver(incoming_qos2(9, false));
        assert_eq!(
            old.events()
                .iter()
                .filter(|e| matches!(e, Event::Message(_)))
                .count(),
            1
        );
        old.broker.take();

        let (mut new, restored) = reload(&old, keeping(v));
        assert_eq!(restored.len(), 3, "{v:?}");
        new.broker.connack = ack(true);
        new.broker.auto_ack = false;
        new.start();
        let sent = new.broker.take();
        assert!(!connects(&sent)[0].clean_start);
        let again = publishes(&sent);
        assert_eq!(
            again.iter().map(|p| p.pkid).collect::<Vec<_>>(),
            pkids[..2],
            "{v:?}"
        );
        assert!(again.iter().all(|p| p.dup), "resent with DUP: {again:?}");
        assert!(
            sent.contains(&Packet::PubRel {
                pkid: pkids[2],
                code: 0
            }),
            "{sent:?}"
        );

        // The broker sends its QoS 2 message again: acknowledged, not delivered again.
        new.events();
        new.deliver(incoming_qos2(9, true));
        assert!(
            !new.events().iter().any(|e| matches!(e, Event::Message(_))),
            "{v:?}"
        );
        assert!(new.broker.take().contains(&Packet::PubRec {
            pkid: 9,
            code: 0,
            reason: None
        }));
        new.deliver(Packet::PubRel { pkid: 9, code: 0 });
        assert!(matches!(
            new.broker.take()[..],
            [Packet::PubComp { pkid: 9, code: 0, .. }]
        ));

        // Each completes once, by the ids the new page gave them.
        new.deliver(Packet::PubAck {
            pkid: pkids[0],
            code: 0,
            reason: None,
        });
        new.deliver(Packet::PubRec {
            pkid: pkids[1],
            code: 0,
            reason: None,
        });
        new.deliver(Packet::PubComp {
            pkid: pkids[1],
            code: 0,
            reason: None,
        });
        new.deliver(Packet::PubComp {
            pkid: pkids[2],
            code: 0,
            reason: None,
        });
        let acked: Vec<u64> = new
            .events()
            .iter()
            .filter_map(|e| match e {
                Event::PublishAcked { id } => Some(*id),
                _ => None,
            })
            .collect();
        let ids: Vec<u64> = restored.iter().map(|(id, _)| *id).collect();
        assert_eq!(acked, [ids[0], ids[1], ids[2]], "{v:?}");
        assert_eq!(new.session.unacknowledged(), 0);
    }
}

#[test]
fn new_packet_ids_after_a_reload_never_collide_with_ones_the_broker_holds() {
    let mut old = Pair::connected(keeping(Version::V5));
    old.broker.auto_ack = false;
    old.publish("out/one", b"1", QoS::AtLeastOnce);
    let held = publishes(&old.broker.take())[0].pkid;
    let (mut new, _) = reload(&old, keeping(Version::V5));
    new.broker.connack = ack(true);
    new.broker.auto_ack = false;
    new.start();
    new.broker.take();
    new.publish("out/two", b"2", QoS::AtLeastOnce);
    let fresh = publishes(&new.broker.take())[0].pkid;
    assert!(fresh > held, "{fresh} after {held}");
}

#[test]
fn a_session_present_we_have_no_record_of_is_closed_and_replaced_by_one_clean_start() {
    for v in versions() {
        let mut pair = Pair::idle(keeping(v));
        pair.broker.connack = ack(true);
        pair.start();
        let events = pair.events();
        assert!(events.contains(&Event::SessionUnknown), "{events:?}");
        assert!(events.contains(&Event::CloseTransport));
        assert!(!events.iter().any(|e| matches!(e, Event::Connected { .. })));
        assert!(
            names(&pair.broker.take()).contains(&"DISCONNECT"),
            "a DISCONNECT, so no will fires"
        );
        // A clean start never gets Session Present, whatever this broker would say.
        pair.broker.connack = ack(false);
        pair.step();
        assert_eq!(pair.session.status(), Status::Connected);
        let sent = pair.broker.take();
        assert!(connects(&sent)[0].clean_start, "{v:?}");
        // From now on the session is ours: the next reconnect keeps it.
        pair.broker.connack = ack(true);
        pair.drop_link();
        pair.step();
        assert!(!connects(&pair.broker.take())[0].clean_start);
        let events = pair.events();
        assert!(!events.contains(&Event::SessionUnknown), "no loop: {events:?}");
        assert_eq!(pair.session.status(), Status::Connected);
    }
}

#[test]
fn a_restored_session_the_broker_lost_is_discarded_and_its_messages_go_again_as_new() {
    for v in versions() {
        let mut old = Pair::connected(keeping(v));
        old.broker.auto_ack = false;
        old.publish("out/one", b"1", QoS::AtLeastOnce);
        old.publish("out/rel", b"2", QoS::ExactlyOnce);
        let pkid = publishes(&old.broker.take())[1].pkid;
        old.deliver(Packet::PubRec {
            pkid,
            code: 0,
            reason: None,
        });
        old.deliver(incoming_qos2(9, false));
        let (mut new, restored) = reload(&old, keeping(v));
        new.broker.connack = ack(false);
        new.broker.auto_ack = false;
        new.start();
        let again = publishes(&new.broker.take());
        assert_eq!(again.len(), 1);
        assert!(!again[0].dup, "the broker never saw it in this session");
        let events = new.events();
        assert!(events.iter().any(|e| matches!(e,
            Event::PublishFailed { id, reason } if *id == restored[1].0 && reason.starts_with("Delivery unknown"))));
        // Its QoS 2 receipts are gone with it: the same id is a new message now.
        new.deliver(incoming_qos2(9, false));
        assert!(new.events().iter().any(|e| matches!(e, Event::Message(_))));
    }
}

#[test]
fn publishes_made_offline_wait_and_go_in_order_on_connecting_qos0_only_when_asked() {
    for v in versions() {
        let mut pair = Pair::idle(options(v));
        let one = pair
            .session
            .publish("q/1", Bytes::from_static(b"1"), QoS::AtLeastOnce, false);
        let two = pair
            .session
            .publish("q/2", Bytes::from_static(b"2"), QoS::ExactlyOnce, false);
        let zero = pair
            .session
            .publish("q/0", Bytes::from_static(b"0"), QoS::AtMostOnce, false);
        assert_eq!(zero, Err(Error::Usage(UsageError::NotConnected)));
        pair.session.set_queue_qos0(true);
        let zero = pair
            .session
            .publish("q/0", Bytes::from_static(b"0"), QoS::AtMostOnce, false)
            .unwrap();
        assert!(pair.session.poll_durable(), "queued publishes are stored");
        assert!(one.is_ok() && two.is_ok());
        pair.broker.auto_ack = true;
        pair.start();
        let topics: Vec<String> = publishes(&pair.broker.take())
            .iter()
            .map(|p| p.topic.clone())
            .collect();
        assert_eq!(topics, ["q/1", "q/2", "q/0"], "{v:?}");
        let events = pair.events();
        assert!(events.contains(&Event::PublishSent { id: zero }));
        assert!(events.contains(&Event::PublishAcked { id: one.unwrap() }));
        assert!(events.contains(&Event::PublishAcked { id: two.unwrap() }));
    }
}

#[test]
fn the_offline_queue_survives_a_reload() {
    let mut old = Pair::idle(options(Version::V311));
    old.publish("q/1", b"first", QoS::AtLeastOnce);
    old.publish("q/2", b"second", QoS::ExactlyOnce);
    let (mut new, restored) = reload(&old, options(Version::V311));
    assert!(
        restored.iter().all(|(_, p)| p.pkid == 0),
        "never sent: {restored:?}"
    );
    new.start();
    let sent = publishes(&new.broker.take());
    assert_eq!(
        sent.iter().map(|p| &p.payload[..]).collect::<Vec<_>>(),
        [&b"first"[..], b"second"]
    );
    assert!(sent.iter().all(|p| !p.dup));
}

#[test]
fn queued_mqtt5_publishes_keep_their_properties_across_a_reload() {
    let mut old = Pair::idle(options(Version::V5));
    let props = PublishProps {
        payload_format: Some(1),
        message_expiry: Some(120),
        content_type: Some("application/json".into()),
        response_topic: Some("lamp/reply".into()),
        correlation_data: Some(Bytes::from_static(&[0, 1, 254])),
        user_properties: vec![
            ("source".into(), "deck".into()),
            ("source".into(), "again".into()),
        ],
        ..PublishProps::default()
    };
    let payload = Bytes::from_static(b"{\"on\":true}");
    old.session
        .publish_with(
            "lamp/set",
            payload,
            QoS::AtLeastOnce,
            false,
            props.clone().boxed(),
        )
        .expect("queued while offline");
    let (mut new, _) = reload(&old, options(Version::V5));
    new.start();
    let sent = publishes(&new.broker.take());
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].props.as_deref(),
        Some(&props),
        "the broker gets what was typed"
    );
}

#[test]
fn a_full_offline_queue_refuses_more_with_a_message() {
    let mut pair = Pair::idle(options(Version::V5));
    for _ in 0..MAX_QUEUED {
        pair.session
            .publish("q", Bytes::from_static(b"x"), QoS::AtLeastOnce, false)
            .unwrap();
    }
    let full = pair
        .session
        .publish("q", Bytes::from_static(b"x"), QoS::AtLeastOnce, false);
    assert_eq!(full, Err(Error::Limit(LimitError::QueueFull)));
    assert!(full.unwrap_err().to_string().contains("offline queue is full"));
    let big = vec![0u8; 5 * 1024 * 1024];
    let mut pair = Pair::idle(options(Version::V5));
    let too_big = pair
        .session
        .publish("q", Bytes::from(big), QoS::AtLeastOnce, false);
    assert_eq!(too_big, Err(Error::Limit(LimitError::QueueFull)));
}

#[test]
fn qos0_traffic_never_asks_for_the_session_to_be_stored() {
    let mut pair = Pair::connected(keeping(Version::V5));
    pair.session.poll_durable();
    for _ in 0..10 {
        pair.publish("fast", b"x", QoS::AtMostOnce);
        pair.deliver(Packet::Publish(Publish {
            topic: "in".into(),
            payload: Bytes::from_static(b"y"),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            pkid: 0,
            props: None,
        }));
    }
    assert!(!pair.session.poll_durable());
    pair.publish("slow", b"x", QoS::AtLeastOnce);
    assert!(pair.session.poll_durable());
}

#[test]
fn with_clean_start_only_unacknowledged_publishes_are_kept_and_go_again_as_new() {
    let mut old = Pair::connected(options(Version::V5));
    old.broker.auto_ack = false;
    old.publish("out/one", b"1", QoS::AtLeastOnce);
    old.publish("out/rel", b"2", QoS::ExactlyOnce);
    let pkid = publishes(&old.broker.take())[1].pkid;
    old.deliver(Packet::PubRec {
        pkid,
        code: 0,
        reason: None,
    });
    old.deliver(incoming_qos2(9, false));
    let d = old.session.durable();
    assert!(!d.known_to_broker && d.incoming_qos2.is_empty() && d.subscriptions.is_empty());
    assert_eq!(d.outgoing.len(), 1, "the one past PUBREC is the broker's now");
    assert_eq!(d.outgoing[0].pkid, 0);
}

#[test]
fn a_reload_resumes_with_the_client_id_the_broker_assigned() {
    let opts = Options {
        client_id: String::new(),
        ..keeping(Version::V5)
    };
    let mut old = Pair::idle(opts.clone());
    old.broker.connack = Some(ConnAck {
        assigned_client_id: Some("auto-7".into()),
        ..ConnAck::default()
    });
    old.start();
    let (mut new, _) = reload(&old, opts);
    new.broker.connack = ack(true);
    new.start();
    assert_eq!(connects(&new.broker.take())[0].client_id, "auto-7");
    assert!(
        !new.events().contains(&Event::SessionUnknown),
        "the session is ours"
    );
}
