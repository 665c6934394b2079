//! Failover: a saved connection's broker URLs are tried in order. An attempt that fails before
//! the broker accepted it moves the next reconnect to the next URL, round and round; a link
//! that worked and was lost tries the same broker first. On the fake broker and a virtual clock.

mod support;

use mqtt_deck::mqtt;

use mqtt::{Close, Status, Version};
use mqtt_deck::model::connection::{Now, Transport};
use support::core_pair::CorePair;
use support::fake_broker::options;

fn urls() -> Vec<String> {
    ["ws://first:9001", "ws://second:9001", "ws://third:9001"]
        .map(String::from)
        .to_vec()
}

/// The URL of the transport the core asks for next (after waiting out its backoff).
fn next_open(pair: &mut CorePair) -> String {
    loop {
        if let Some(Transport::Open { url }) = pair.core.poll_transport() {
            return url;
        }
        let at = pair.core.poll_timeout().expect("a reconnect is scheduled");
        pair.now = pair.now.max(at);
        pair.core.handle_timeout(Now::at(pair.now));
    }
}

/// The socket to that URL never opens (refused, no route, wrong certificate).
fn refuse(pair: &mut CorePair) {
    let now = Now::at(pair.now);
    pair.core
        .handle_transport_closed_with(now, Close::abnormal("refused".into()));
}

/// The socket opens and the broker accepts: the pair carries the rest.
fn accept(pair: &mut CorePair) {
    pair.broker.new_link();
    pair.open = true;
    pair.core.handle_transport_open(Now::at(pair.now));
    pair.pump();
    assert_eq!(pair.core.status(), Status::Connected);
}

#[test]
fn an_unreachable_broker_hands_the_next_attempt_to_the_next_url_round_and_round() {
    let mut pair = CorePair::idle(Version::V311, 1_000);
    pair.core
        .connect_failover(pair.at(), &urls(), options(Version::V311))
        .unwrap();
    assert_eq!(next_open(&mut pair), "ws://first:9001");
    refuse(&mut pair);
    assert_eq!(next_open(&mut pair), "ws://second:9001");
    refuse(&mut pair);
    assert_eq!(next_open(&mut pair), "ws://third:9001");
    refuse(&mut pair);
    assert_eq!(
        next_open(&mut pair),
        "ws://first:9001",
        "after the last, the first again"
    );
    refuse(&mut pair);
    assert_eq!(next_open(&mut pair), "ws://second:9001");
    accept(&mut pair);
    assert_eq!(
        pair.core.url(),
        "ws://second:9001",
        "the status names the broker in use"
    );
}

#[test]
fn a_broker_that_worked_is_tried_again_first_after_the_link_drops() {
    let mut pair = CorePair::idle(Version::V311, 1_000);
    pair.core
        .connect_failover(pair.at(), &urls(), options(Version::V311))
        .unwrap();
    assert_eq!(next_open(&mut pair), "ws://first:9001");
    refuse(&mut pair);
    assert_eq!(next_open(&mut pair), "ws://second:9001");
    accept(&mut pair);
    // The link drops: second worked, so it is tried again before moving on.
    pair.open = false;
    refuse(&mut pair);
    assert_eq!(next_open(&mut pair), "ws://second:9001");
    refuse(&mut pair);
    assert_eq!(next_open(&mut pair), "ws://third:9001");
}

#[test]
fn the_immediate_retry_with_mqtt_3_1_1_stays_on_the_same_broker() {
    // A 5.0 CONNECT met by a close is retried at once with 3.1.1 (the broker may speak only
    // that): the same broker, not the next one.
    let mut pair = CorePair::idle(Version::V311, 1_000);
    pair.core
        .connect_failover(pair.at(), &urls(), options(Version::V5))
        .unwrap();
    assert_eq!(next_open(&mut pair), "ws://first:9001");
    pair.core.handle_transport_open(Now::at(pair.now));
    refuse(&mut pair);
    assert_eq!(next_open(&mut pair), "ws://first:9001");
}

#[test]
fn a_plain_connect_forgets_the_failover_list_and_an_empty_list_is_refused() {
    let mut pair = CorePair::idle(Version::V311, 1_000);
    assert!(pair
        .core
        .connect_failover(pair.at(), &[], options(Version::V311))
        .is_err());
    pair.core
        .connect_failover(pair.at(), &urls(), options(Version::V311))
        .unwrap();
    assert_eq!(next_open(&mut pair), "ws://first:9001");
    pair.core.disconnect(pair.at());
    pair.core
        .connect(pair.at(), "ws://only:1", options(Version::V311))
        .unwrap();
    assert_eq!(next_open(&mut pair), "ws://only:1");
    refuse(&mut pair);
    assert_eq!(next_open(&mut pair), "ws://only:1");
}

#[test]
fn fallback_urls_are_typed_in_the_form_checked_and_kept_with_the_connection() {
    use mqtt_deck::model::settings::ConnectionSettings;
    let mut s = ConnectionSettings {
        url: "ws://first:9001".into(),
        fallback_urls: " ws://second:9001, wss://third/mqtt\n".into(),
        ..ConnectionSettings::default()
    };
    assert_eq!(
        s.broker_urls().unwrap(),
        ["ws://first:9001", "ws://second:9001", "wss://third/mqtt"]
    );
    assert!(s.to_options(0).is_ok());
    let (back, problem) = ConnectionSettings::from_saved(&s.to_saved());
    assert_eq!(problem, None);
    assert_eq!(back.fallback_urls, s.fallback_urls);
    // A record from before failover has none; a bad fallback is named where it is typed.
    let (old, _) = ConnectionSettings::from_saved(r#"{"url":"ws://a:1"}"#);
    assert_eq!(old.broker_urls().unwrap(), ["ws://a:1"]);
    s.fallback_urls = "ws://second:9001 http://third".into();
    let e = s.to_options(0).unwrap_err();
    assert!(e.starts_with("Fallback: ") && e.contains("http://third"), "{e}");
}
