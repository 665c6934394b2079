//! Browser tests (wasm-bindgen-test in headless Chromium): the WebSocket transport and
//! the driver against a real Mosquitto websockets listener started by scripts/test.sh.
#![cfg(target_arch = "wasm32")]

use bytes::Bytes;
use futures_channel::mpsc::{unbounded, UnboundedReceiver};
use futures_util::StreamExt;
use mqtt_deck::mqtt::{Error, Event, Options, QoS, TransportError, Version};
use mqtt_deck::web::Driver;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The anonymous websockets listener; the test script sets the base port at build time.
fn broker_url() -> String {
    let base: u16 = option_env!("DECK_BROKER_BASE")
        .and_then(|p| p.parse().ok())
        .unwrap_or(18830);
    format!("ws://127.0.0.1:{}", base + 1)
}

fn driver() -> (Driver, UnboundedReceiver<Event>) {
    let (tx, rx) = unbounded();
    (Driver::new(move |e| drop(tx.unbounded_send(e))), rx)
}

/// Waits for the first event `pick` accepts; other events are skipped.
async fn next<T>(rx: &mut UnboundedReceiver<Event>, mut pick: impl FnMut(Event) -> Option<T>) -> T {
    while let Some(event) = rx.next().await {
        if let Some(found) = pick(event) {
            return found;
        }
    }
    panic!("event stream ended");
}

fn options(version: Version, client_id: &str) -> Options {
    Options {
        version,
        client_id: client_id.into(),
        ..Options::default()
    }
}

async fn round_trip(version: Version, tag: &str) {
    let (d, mut rx) = driver();
    d.connect(&broker_url(), options(version, &format!("wasm-{tag}")))
        .unwrap();
    let id = next(&mut rx, |e| match e {
        Event::Connected { client_id, .. } => Some(client_id),
        Event::Disconnected { error, .. } => panic!("could not connect: {error:?}"),
        _ => None,
    })
    .await;
    assert_eq!(id, format!("wasm-{tag}"));

    let topic = format!("deck/wasm/{tag}");
    d.subscribe(&topic, QoS::ExactlyOnce).unwrap();
    let granted = next(&mut rx, |e| match e {
        Event::Subscribed { result, .. } => Some(result),
        _ => None,
    })
    .await;
    assert_eq!(granted, Ok(QoS::ExactlyOnce));

    // A split-free round trip through the broker at QoS 2 exercises PUBREC/PUBREL/PUBCOMP both ways.
    let payload = Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef]);
    let pub_id = d
        .publish(&topic, payload.clone(), QoS::ExactlyOnce, false)
        .unwrap();
    let mut acked = false;
    let mut received = None;
    while !(acked && received.is_some()) {
        match rx.next().await.expect("events") {
            Event::PublishAcked { id } if id == pub_id => acked = true,
            Event::Message(m) => received = Some(m),
            Event::Disconnected { error, .. } => panic!("dropped: {error:?}"),
            _ => {}
        }
    }
    let m = received.unwrap();
    assert_eq!(
        (m.topic.as_str(), m.payload, m.qos),
        (topic.as_str(), payload, QoS::ExactlyOnce)
    );

    d.disconnect();
    let error = next(&mut rx, |e| match e {
        Event::Disconnected { error, .. } => Some(error),
        _ => None,
    })
    .await;
    assert_eq!(error, None, "a requested disconnect carries no error");
}

#[wasm_bindgen_test]
async fn driver_round_trips_qos2_over_mqtt_5() {
    round_trip(Version::V5, "v5").await;
}

#[wasm_bindgen_test]
async fn driver_round_trips_qos2_over_mqtt_311() {
    round_trip(Version::V311, "v311").await;
}

/// Closing a connection in the list stops its driver: the socket and timer go, and the app
/// hears nothing more from it (its sink, and what the sink held, are let go).
#[wasm_bindgen_test]
async fn a_stopped_driver_says_nothing_more_and_lets_its_sink_go() {
    let (d, mut rx) = driver();
    d.connect(&broker_url(), options(Version::V5, "wasm-stopped"))
        .unwrap();
    next(&mut rx, |e| match e {
        Event::Connected { .. } => Some(()),
        Event::Disconnected { error, .. } => panic!("could not connect: {error:?}"),
        _ => None,
    })
    .await;
    d.stop();
    // The sink held the only sender: the stream ends instead of waiting for more events.
    assert!(rx.next().await.is_none(), "no event after stop");
    // Acting on a stopped driver is harmless: nothing reaches the app, nothing panics.
    d.disconnect();
}

#[wasm_bindgen_test]
async fn unreachable_broker_is_reported_and_a_retry_is_scheduled() {
    let (d, mut rx) = driver();
    // Port 9 (discard) is closed on loopback: the browser reports a failed handshake.
    d.connect("ws://127.0.0.1:9/mqtt", options(Version::V5, "wasm-unreachable"))
        .unwrap();
    let (error, retry) = next(&mut rx, |e| match e {
        Event::Disconnected {
            error,
            reconnect_in_ms,
        } => Some((error, reconnect_in_ms)),
        _ => None,
    })
    .await;
    match error {
        Some(Error::Transport(TransportError::Closed(text))) => {
            assert!(text.contains("Could not reach"), "{text}")
        }
        other => panic!("unexpected error {other:?}"),
    }
    assert!(retry.is_some(), "a transport failure schedules a reconnect");
    d.disconnect();
}

#[wasm_bindgen_test]
async fn refused_credentials_are_not_retried() {
    let base: u16 = option_env!("DECK_BROKER_BASE")
        .and_then(|p| p.parse().ok())
        .unwrap_or(18830);
    let (d, mut rx) = driver();
    let mut opts = options(Version::V311, "wasm-badpass");
    opts.username = Some("deck".into());
    opts.password = Some("wrong".into());
    d.connect(&format!("ws://127.0.0.1:{}", base + 2), opts).unwrap();
    let (error, retry) = next(&mut rx, |e| match e {
        Event::Disconnected {
            error,
            reconnect_in_ms,
        } => Some((error, reconnect_in_ms)),
        _ => None,
    })
    .await;
    let text = error.expect("an error").to_string();
    assert!(text.contains("Not authorized"), "{text}");
    assert_eq!(retry, None);
}

/// The browser build carries only the client's half of the codec: a broker that sends what
/// only clients send is refused by name, as the native session refuses it.
#[wasm_bindgen_test]
fn a_subscribe_from_the_broker_is_refused_by_name() {
    use mqtt_deck::mqtt::codec::Framer;
    use mqtt_deck::mqtt::ProtocolError;
    for version in [Version::V311, Version::V5] {
        let mut framer = Framer::new(version, 1024);
        // SUBSCRIBE, packet id 1, filter "a" at QoS 0 (with an empty property block in 5.0).
        let bytes: &[u8] = match version {
            Version::V311 => &[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x00],
            Version::V5 => &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x00],
        };
        framer.push(bytes);
        match framer.next_packet() {
            Err(ProtocolError::Unexpected(what)) => assert_eq!(what, "SUBSCRIBE from the broker"),
            other => panic!("{version:?}: {other:?}"),
        }
    }
}
