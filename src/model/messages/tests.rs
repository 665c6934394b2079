//! The message store: caps, histories, filters, request / response pairing.

use super::*;

fn push(store: &mut MessageStore, topic: &str, payload: &'static [u8]) -> u64 {
    store.push(MessageIn {
        topic: topic.into(),
        payload: Bytes::from_static(payload),
        qos: QoS::AtMostOnce,
        retain: false,
        direction: Direction::Received,
        time_ms: 0.0,
        delivery: Delivery::None,
        props: None,
    })
}

#[test]
fn newest_first_and_the_global_cap_drops_the_oldest() {
    let mut store = MessageStore::new(3, 10);
    for t in ["a", "b", "c", "d"] {
        push(&mut store, t, b"x");
    }
    let topics: Vec<&str> = store.iter().map(|m| m.topic.as_str()).collect();
    assert_eq!(topics, vec!["d", "c", "b"]);
    assert_eq!(store.received_total(), 4);
    assert_eq!(
        store.tree().topic_count(),
        4,
        "the tree keeps topics whose messages were dropped"
    );
}

#[test]
fn per_topic_history_is_capped_and_newest_first() {
    let mut store = MessageStore::new(100, 2);
    push(&mut store, "t", b"1");
    push(&mut store, "u", b"x");
    push(&mut store, "t", b"2");
    push(&mut store, "t", b"3");
    let node = store.tree().find("t").unwrap();
    let payloads: Vec<&[u8]> = store.topic_history(node).map(|m| &m.payload[..]).collect();
    assert_eq!(payloads, vec![&b"3"[..], b"2"]);
}

#[test]
fn the_previous_message_on_a_topic_is_found_for_the_diff() {
    let mut store = MessageStore::new(100, 10);
    push(&mut store, "t", b"1");
    push(&mut store, "u", b"x");
    let last = push(&mut store, "t", b"2");
    assert_eq!(&store.previous_on_topic(last).unwrap().payload[..], b"1");
}

#[test]
fn memory_is_bounded_by_the_global_cap_whatever_the_flood() {
    let mut store = MessageStore::new(1000, 100);
    for i in 0..50_000 {
        store.push(MessageIn {
            topic: format!("flood/{}", i % 10_000),
            payload: Bytes::from_static(b"v"),
            qos: QoS::AtMostOnce,
            retain: false,
            direction: Direction::Received,
            time_ms: 0.0,
            delivery: Delivery::None,
            props: None,
        });
    }
    assert_eq!(store.len(), 1000);
    let total: usize = store.per_topic.iter().map(|s| s.len()).sum();
    assert!(
        total <= 1000,
        "per-topic histories point only at stored messages: {total}"
    );
}

#[test]
fn a_publish_is_marked_acknowledged_by_its_id() {
    let mut store = MessageStore::new(10, 10);
    store.push(MessageIn {
        topic: "t".into(),
        payload: Bytes::new(),
        qos: QoS::AtLeastOnce,
        retain: false,
        direction: Direction::Published,
        time_ms: 0.0,
        delivery: Delivery::Pending { id: 7 },
        props: None,
    });
    assert!(store.settle(7, Delivery::Acknowledged { at_ms: 5.0 }));
    assert_eq!(
        store.iter().next().unwrap().delivery,
        Delivery::Acknowledged { at_ms: 5.0 }
    );
    assert!(!store.settle(8, Delivery::Acknowledged { at_ms: 5.0 }));
}

fn message(topic: &str, direction: Direction, props: PublishProps, time_ms: f64) -> MessageIn {
    MessageIn {
        topic: topic.into(),
        payload: Bytes::from_static(b"{}"),
        qos: QoS::AtMostOnce,
        retain: false,
        direction,
        time_ms,
        delivery: Delivery::None,
        props: props.boxed(),
    }
}

#[test]
fn a_response_is_paired_with_its_request_and_the_round_trip_is_kept() {
    let mut store = MessageStore::new(10, 10);
    let request = store.push(message(
        "svc/lamp/get",
        Direction::Published,
        PublishProps {
            response_topic: Some("reply/deck".into()),
            correlation_data: Some(Bytes::from_static(b"42")),
            ..PublishProps::default()
        },
        1_000.0,
    ));
    assert!(store.awaits_response_on("reply/deck"));
    let other = store.push(message(
        "reply/deck",
        Direction::Received,
        PublishProps::default(),
        1_010.0,
    ));
    let response = store.push(message(
        "reply/deck",
        Direction::Received,
        PublishProps {
            correlation_data: Some(Bytes::from_static(b"42")),
            ..PublishProps::default()
        },
        1_037.0,
    ));
    assert_eq!(store.get(other).unwrap().pairing, None);
    assert_eq!(
        store.get(response).unwrap().pairing,
        Some(Pairing::Answers {
            seq: request,
            round_trip_ms: 37.0
        })
    );
    assert_eq!(
        store.get(request).unwrap().pairing,
        Some(Pairing::AnsweredBy {
            seq: response,
            round_trip_ms: 37.0
        })
    );
    assert!(!store.awaits_response_on("reply/deck"));
}

#[test]
fn the_text_filter_finds_messages_by_their_mqtt_5_properties() {
    let mut store = MessageStore::new(10, 10);
    push(&mut store, "plain", b"hello");
    store.push(MessageIn {
        props: crate::mqtt::PublishProps {
            user_properties: vec![("site".into(), "Basement Lab".into())],
            content_type: Some("application/cbor".into()),
            ..Default::default()
        }
        .boxed(),
        ..MessageIn {
            topic: "tagged".into(),
            payload: Bytes::from_static(b"\x00"),
            qos: QoS::AtMostOnce,
            retain: false,
            direction: Direction::Received,
            time_ms: 0.0,
            delivery: Delivery::None,
            props: None,
        }
    });
    for text in ["basement", "CBOR"] {
        let filter = ListFilter {
            text: text.into(),
            ..ListFilter::default()
        };
        let topics: Vec<&str> = store
            .iter()
            .filter(|m| filter.accepts(m))
            .map(|m| m.topic.as_str())
            .collect();
        assert_eq!(topics, ["tagged"], "{text}");
    }
}

#[test]
fn filtered_views_update_incrementally_and_forget_evicted_messages() {
    let mut store = MessageStore::new(4, 10);
    let mut view = FilteredView::new(ListFilter {
        topic: "home/#".into(),
        ..ListFilter::default()
    });
    push(&mut store, "home/a", b"on");
    push(&mut store, "office/b", b"on");
    view.refresh(&store);
    assert_eq!(view.len(), 1);
    for _ in 0..4 {
        push(&mut store, "office/b", b"x");
    }
    push(&mut store, "home/c", b"OFF");
    view.refresh(&store);
    assert_eq!(view.len(), 1, "home/a left the store");
    assert_eq!(store.get(view.nth_newest(0).unwrap()).unwrap().topic, "home/c");

    let mut by_text = FilteredView::new(ListFilter {
        text: "off".into(),
        ..ListFilter::default()
    });
    by_text.refresh(&store);
    assert_eq!(by_text.len(), 1);
    let mut sent = FilteredView::new(ListFilter {
        direction: Some(Direction::Published),
        ..Default::default()
    });
    sent.refresh(&store);
    assert!(sent.is_empty());
}
