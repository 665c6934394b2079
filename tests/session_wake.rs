//! Waking up (`handle_wake`): a page that regains the network or becomes visible again
//! reconnects at once instead of waiting out its backoff, and checks a link that may have
//! died while it slept.

mod support;

use mqtt_deck::mqtt;

use mqtt::error::{Error, TransportError};
use mqtt::packet::Version;
use mqtt::session::{Event, Options, Status};
use support::fake_broker::{disconnects, names, options, versions, Link, Pair};

/// A session whose broker went away and that failed to come back a few times, so its
/// next attempt is far off.
fn long_in_backoff(v: Version) -> Pair {
    let mut pair = Pair::connected(options(v));
    pair.link = Link::Refuse;
    pair.drop_link();
    for _ in 0..3 {
        pair.step();
    }
    pair.events();
    pair
}

#[test]
fn waking_in_backoff_reconnects_at_once_with_the_backoff_started_afresh() {
    for v in versions() {
        let mut pair = long_in_backoff(v);
        let Status::Reconnecting { at } = pair.session.status() else {
            panic!("{v:?}: not reconnecting")
        };
        assert!(
            at >= pair.now + 4_000,
            "{v:?}: the next attempt is only {} ms away",
            at - pair.now
        );
        pair.link = Link::Accept;
        let opens = pair.opens;
        pair.session.handle_wake(pair.now);
        pair.pump();
        assert_eq!(pair.opens, opens + 1, "{v:?}: no new attempt on waking");
        assert_eq!(pair.session.status(), Status::Connected, "{v:?}");
        assert!(pair.events().iter().any(|e| matches!(e, Event::Connected { .. })));

        // The backoff starts afresh: the next loss waits the shortest delay again.
        pair.drop_link();
        let delays: Vec<_> = disconnects(&pair.events()).into_iter().map(|(_, d)| d).collect();
        assert!(matches!(delays[..], [Some(d)] if d <= 1_000), "{v:?}: {delays:?}");
    }
}

#[test]
fn waking_with_a_dead_link_pings_and_drops_it_after_the_short_deadline() {
    for v in versions() {
        let mut pair = Pair::connected(options(v));
        pair.set_time(5_000);
        // The link died silently while the page slept: nothing comes back any more.
        pair.broker.answer_pings = false;
        pair.session.handle_wake(pair.now);
        pair.pump();
        assert_eq!(names(&pair.broker.take()), ["PINGREQ"], "{v:?}");
        assert_eq!(
            pair.session.poll_timeout(),
            Some(8_000),
            "{v:?}: the default deadline is 3 s"
        );
        pair.run_until(7_999);
        assert_eq!(
            pair.session.status(),
            Status::Connected,
            "{v:?}: dropped before the deadline"
        );
        pair.step();
        let events = pair.events();
        assert!(events.contains(&Event::CloseTransport), "{v:?}");
        assert!(
            matches!(
                disconnects(&events)[..],
                [(Some(Error::Transport(TransportError::WakeTimeout)), Some(_))]
            ),
            "{v:?}: {events:?}"
        );
        assert!(matches!(pair.session.status(), Status::Reconnecting { .. }));
    }
}

#[test]
fn waking_with_a_live_link_keeps_it_and_one_ping_answers_a_burst_of_wake_ups() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            wake_ping_timeout_ms: 1_000,
            ..options(v)
        });
        pair.set_time(5_000);
        pair.broker.answer_pings = false;
        // Focus, visibilitychange and pageshow arrive together.
        for _ in 0..3 {
            pair.session.handle_wake(pair.now);
        }
        pair.pump();
        assert_eq!(names(&pair.broker.take()), ["PINGREQ"], "{v:?}");
        pair.broker.answer_pings = true;
        pair.deliver(mqtt::packet::Packet::PingResp);
        pair.run_until(20_000);
        assert_eq!(pair.session.status(), Status::Connected, "{v:?}");
        assert!(disconnects(&pair.events()).is_empty(), "{v:?}");
        assert!(
            pair.broker.take().is_empty(),
            "{v:?}: no more pings before keep-alive"
        );
    }
}

#[test]
fn any_bytes_after_the_wake_ping_prove_the_link_alive_even_without_keep_alive() {
    for v in versions() {
        let mut pair = Pair::connected(Options {
            keep_alive: 0,
            ..options(v)
        });
        assert_eq!(pair.session.poll_timeout(), None);
        pair.broker.answer_pings = false;
        pair.session.handle_wake(pair.now);
        pair.pump();
        assert_eq!(pair.session.poll_timeout(), Some(pair.now + 3_000), "{v:?}");
        pair.deliver(mqtt::packet::Packet::Publish(mqtt::packet::Publish {
            topic: "home/door".into(),
            payload: bytes::Bytes::from_static(b"open"),
            qos: mqtt::packet::QoS::AtMostOnce,
            retain: false,
            dup: false,
            pkid: 0,
            props: None,
        }));
        assert_eq!(
            pair.session.poll_timeout(),
            None,
            "{v:?}: the wake deadline outlived the message"
        );
        assert_eq!(pair.session.status(), Status::Connected);
    }
}

#[test]
fn waking_while_connecting_or_idle_does_nothing() {
    for v in versions() {
        let mut pair = Pair::idle(options(v));
        pair.session.handle_wake(0);
        pair.pump();
        assert_eq!((pair.opens, pair.session.status()), (0, Status::Idle), "{v:?}");

        pair.link = Link::Hang;
        pair.start();
        pair.set_time(2_000);
        pair.session.handle_wake(pair.now);
        pair.pump();
        assert_eq!(pair.opens, 1, "{v:?}: a second socket while the first is opening");
        assert_eq!(
            pair.session.poll_timeout(),
            Some(10_000),
            "{v:?}: the connect deadline moved"
        );
    }
}
