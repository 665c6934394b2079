//! The connection core end to end against the fake broker on a virtual clock: messages into
//! the store, tree and panel; widget commands onto the wire; one subscription list shared by
//! the user, the panel and discovery.

mod support;

use mqtt_deck::mqtt;

use bytes::Bytes;
use mqtt::packet::{Packet, Publish, QoS, SubOptions, Version};
use mqtt_deck::model::connection::{Edited, Effect, Origin, PanelEdit};
use mqtt_deck::model::panel::{CommandBinding, Extractor, StateBinding, WidgetDef, WidgetInput, WidgetKind};
use mqtt_deck::model::subscriptions::SubState;
use support::core_pair::CorePair;
use support::fake_broker::{self, names, publishes};

fn incoming(topic: &str, payload: &'static [u8]) -> Packet {
    Packet::Publish(Publish {
        topic: topic.into(),
        payload: Bytes::from_static(payload),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        pkid: 0,
        props: None,
    })
}

fn plug() -> WidgetDef {
    let mut def = WidgetDef::new("plug", "Plug", WidgetKind::with_defaults("switch").unwrap());
    def.state = Some(StateBinding::new("plug/state", Extractor::Whole));
    def.command = Some(CommandBinding::new("plug/set"));
    def
}

/// A core with one panel holding the plug widget; returns the panel's and the widget's ids.
fn with_plug(pair: &mut CorePair) -> (String, String) {
    let Ok(Edited::AddedPanel(panel)) = pair
        .core
        .edit_panels(pair.at(), PanelEdit::AddPanel { name: "Home".into() })
    else {
        panic!("a panel is added");
    };
    pair.core
        .edit_panels(
            pair.at(),
            PanelEdit::AddWidget {
                panel: panel.clone(),
                def: plug(),
            },
        )
        .unwrap();
    pair.pump();
    let widget = pair.core.panels().panel(&panel).unwrap().widgets[0].id.clone();
    (panel, widget)
}

fn subscribed_filters(packets: &[Packet]) -> Vec<String> {
    packets
        .iter()
        .filter_map(|p| match p {
            Packet::Subscribe { filters, .. } => Some(filters.iter().map(|(f, _)| f.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

fn unsubscribed_filters(packets: &[Packet]) -> Vec<String> {
    packets
        .iter()
        .filter_map(|p| match p {
            Packet::Unsubscribe { filters, .. } => Some(filters.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn a_message_lands_in_the_store_the_tree_and_the_widget_and_asks_for_a_repaint() {
    for v in [Version::V311, Version::V5] {
        let mut pair = CorePair::connected(v);
        let (_, plug) = with_plug(&mut pair);
        assert!(pair.core.poll_repaint(), "adding a widget repaints");
        pair.deliver(incoming("plug/state", b"ON"));
        assert!(pair.core.poll_repaint(), "a message asks the views to repaint");
        assert!(!pair.core.poll_repaint(), "once");
        let store = pair.core.store();
        assert_eq!(store.received_total(), 1);
        assert!(
            store.tree().find("plug/state").is_some(),
            "the topic is in the tree"
        );
        assert_eq!(
            store.iter().next().map(|m| m.payload.clone()),
            Some(Bytes::from_static(b"ON"))
        );
        assert_eq!(
            pair.core.runtime().widget(&plug).and_then(|w| w.is_on()),
            Some(true)
        );
    }
}

#[test]
fn a_widget_command_goes_on_the_wire() {
    let mut pair = CorePair::connected(Version::V5);
    let (_, plug) = with_plug(&mut pair);
    pair.broker.take();
    pair.core
        .command(pair.at(), &plug, WidgetInput::Set(false))
        .unwrap();
    pair.pump();
    let sent = publishes(&pair.broker.take());
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].topic.as_str(), &sent[0].payload[..]),
        ("plug/set", &b"OFF"[..])
    );
}

#[test]
fn removing_the_last_widget_on_a_topic_unsubscribes_it() {
    let mut pair = CorePair::connected(Version::V5);
    let (panel, plug) = with_plug(&mut pair);
    assert!(subscribed_filters(&pair.broker.take()).contains(&"plug/state".to_string()));
    pair.core
        .edit_panels(pair.at(), PanelEdit::RemoveWidget { panel, widget: plug })
        .unwrap();
    pair.pump();
    assert_eq!(
        unsubscribed_filters(&pair.broker.take()),
        vec!["plug/state".to_string()]
    );
    assert!(!pair.core.holds("plug/state", Origin::Panel));
    // Removal saved the panels for the next visit.
    assert!(pair
        .effects()
        .iter()
        .any(|e| matches!(e, Effect::Save { key, value } if *key == "mqtt-deck.panels" && !value.contains("plug/state"))));
}

#[test]
fn a_filter_the_user_and_a_widget_share_is_subscribed_once_and_kept_until_both_let_go() {
    let mut pair = CorePair::connected(Version::V5);
    let (panel, plug) = with_plug(&mut pair);
    pair.broker.take();
    pair.core
        .subscribe(pair.at(), "plug/state", SubOptions::qos(QoS::AtLeastOnce))
        .unwrap();
    pair.pump();
    assert!(
        subscribed_filters(&pair.broker.take()).is_empty(),
        "already on the wire"
    );
    let entry = &pair.core.user_subscriptions()[0];
    assert_eq!(
        (entry.filter.as_str(), &entry.state),
        ("plug/state", &SubState::Granted(QoS::AtLeastOnce))
    );

    // The user lets go: the widget still needs it.
    pair.core.unsubscribe(pair.at(), "plug/state").unwrap();
    pair.pump();
    assert!(names(&pair.broker.take()).iter().all(|n| *n != "UNSUBSCRIBE"));
    assert!(
        pair.core.user_subscriptions().is_empty(),
        "gone from the user's list"
    );
    pair.deliver(incoming("plug/state", b"ON"));
    assert_eq!(
        pair.core.runtime().widget(&plug).and_then(|w| w.is_on()),
        Some(true)
    );

    // The user again, then the widget goes: the user's subscription stays on the wire.
    pair.core
        .subscribe(pair.at(), "plug/state", SubOptions::qos(QoS::AtLeastOnce))
        .unwrap();
    pair.core
        .edit_panels(pair.at(), PanelEdit::RemoveWidget { panel, widget: plug })
        .unwrap();
    pair.pump();
    assert!(unsubscribed_filters(&pair.broker.take()).is_empty());
    assert_eq!(pair.core.user_subscriptions().len(), 1);
}

#[test]
fn discovery_config_messages_show_devices_ready_to_pin() {
    let mut pair = CorePair::connected(Version::V311);
    pair.deliver(incoming(
        "homeassistant/switch/garden/pump/config",
        br#"{"name":"Pump","command_topic":"garden/pump/set","state_topic":"garden/pump/state","unique_id":"pump1","device":{"identifiers":["g1"],"name":"Garden"}}"#,
    ));
    let devices = pair.core.discovery().devices();
    assert_eq!(devices.len(), 1);
    assert_eq!(
        (devices[0].name, devices[0].widgets[0].name.as_str()),
        ("Garden", "Pump")
    );
    assert!(pair.core.poll_repaint());
    // The discovered widget follows its state topic.
    assert!(subscribed_filters(&pair.broker.take()).contains(&"garden/pump/state".to_string()));
}

#[test]
fn a_link_lost_sets_the_users_subscriptions_pending_and_says_so() {
    let mut pair = CorePair::connected(Version::V5);
    pair.core
        .subscribe(pair.at(), "a/#", SubOptions::qos(QoS::AtLeastOnce))
        .unwrap();
    pair.pump();
    assert_eq!(
        pair.core.user_subscriptions()[0].state,
        SubState::Granted(QoS::AtLeastOnce)
    );
    pair.broker.closed = true;
    pair.open = false;
    pair.core
        .handle_transport_closed(pair.at(), "network went away".into());
    assert_eq!(pair.core.user_subscriptions()[0].state, SubState::Pending);
    pair.pump();
    assert!(pair.effects().iter().any(|e| matches!(
        e,
        Effect::Status(mqtt_deck::model::connection::StatusChange::Disconnected {
            reconnect_at_ms: Some(_),
            ..
        })
    )));
}

#[test]
fn a_request_subscribes_to_its_response_topic_once_and_is_paired_with_the_answer() {
    let mut pair = CorePair::connected(Version::V5);
    let props = mqtt::PublishProps {
        response_topic: Some("svc/reply".into()),
        correlation_data: Some(Bytes::from_static(b"42")),
        ..Default::default()
    };
    let request = mqtt_deck::model::connection::Outgoing {
        topic: "svc/ask".into(),
        payload: Bytes::from_static(b"?"),
        qos: QoS::AtLeastOnce,
        retain: false,
        props: Some(Box::new(props.clone())),
    };
    pair.now = 1_000;
    pair.core.publish(pair.at(), request.clone()).unwrap();
    pair.pump();
    // The second request finds the response topic covered.
    pair.core.publish(pair.at(), request).unwrap();
    pair.pump();
    assert_eq!(
        subscribed_filters(&pair.broker.take()),
        vec!["svc/reply".to_string()]
    );
    assert_eq!(
        pair.core.user_subscriptions()[0].filter,
        "svc/reply",
        "listed as the user's"
    );

    pair.now = 1_250;
    pair.deliver(Packet::Publish(Publish {
        props: Some(Box::new(mqtt::PublishProps {
            correlation_data: Some(Bytes::from_static(b"42")),
            ..Default::default()
        })),
        ..match incoming("svc/reply", b"!") {
            Packet::Publish(p) => p,
            _ => unreachable!(),
        }
    }));
    let answer = pair.core.store().iter().next().cloned().unwrap();
    assert_eq!(answer.topic, "svc/reply");
    assert!(
        matches!(answer.pairing, Some(mqtt_deck::model::messages::Pairing::Answers { round_trip_ms, .. }) if round_trip_ms == 250.0),
        "{:?}",
        answer.pairing
    );
}

#[test]
fn a_filter_only_the_user_holds_leaves_the_wire_and_the_list_on_unsubscribe() {
    let mut pair = CorePair::connected(Version::V311);
    pair.core
        .subscribe(pair.at(), "a/#", SubOptions::qos(QoS::AtMostOnce))
        .unwrap();
    pair.pump();
    pair.broker.take();
    pair.core.unsubscribe(pair.at(), "a/#").unwrap();
    pair.pump();
    assert_eq!(unsubscribed_filters(&pair.broker.take()), vec!["a/#".to_string()]);
    assert!(pair.core.user_subscriptions().is_empty());
    assert!(
        pair.effects().contains(&Effect::Subscriptions),
        "the list is redrawn"
    );
}

#[test]
fn a_shared_panel_arriving_on_its_topic_is_saved_and_its_widgets_followed() {
    let mut sender = CorePair::connected(Version::V5);
    let (panel, _) = with_plug(&mut sender);
    sender
        .core
        .edit_panels(
            sender.at(),
            PanelEdit::SetShareTopic {
                panel: panel.clone(),
                topic: Some("deck/panels/home".into()),
            },
        )
        .unwrap();
    sender.pump();
    sender.broker.take();
    sender.core.share_panel(sender.at(), &panel).unwrap();
    sender.pump();
    let shared = publishes(&sender.broker.take())
        .pop()
        .expect("the panel went out");
    assert_eq!(shared.topic, "deck/panels/home");

    // Another deck that shares the same topic receives it.
    let mut receiver = CorePair::connected(Version::V5);
    let (home, _) = with_plug(&mut receiver);
    receiver
        .core
        .edit_panels(
            receiver.at(),
            PanelEdit::RemoveWidget {
                panel: home.clone(),
                widget: receiver.core.panels().panels()[0].widgets[0].id.clone(),
            },
        )
        .unwrap();
    receiver
        .core
        .edit_panels(
            receiver.at(),
            PanelEdit::SetShareTopic {
                panel: home,
                topic: Some("deck/panels/home".into()),
            },
        )
        .unwrap();
    receiver.pump();
    assert!(receiver.core.holds("deck/panels/home", Origin::Shared));
    receiver.broker.take();
    receiver.effects();
    receiver.deliver(Packet::Publish(shared));
    let names: Vec<String> = receiver
        .core
        .panels()
        .all_widgets()
        .map(|w| w.name.clone())
        .collect();
    assert_eq!(names, vec!["Plug".to_string()], "the shared widget arrived");
    assert!(subscribed_filters(&receiver.broker.take()).contains(&"plug/state".to_string()));
    assert!(receiver
        .effects()
        .iter()
        .any(|e| matches!(e, Effect::Save { key, .. } if *key == "mqtt-deck.panels")));
}

#[test]
fn a_fallback_to_3_1_1_reaches_the_status_with_the_version_spoken() {
    let mut pair = CorePair::connected(Version::V5);
    pair.broker.only_v311(support::fake_broker::Refuse5::ReturnCode1);
    pair.core
        .connect(
            pair.at(),
            "ws://broker",
            support::fake_broker::options(Version::V5),
        )
        .unwrap();
    pair.pump();
    while pair.core.status() != mqtt::Status::Connected {
        pair.now = pair.core.poll_timeout().expect("a deadline");
        pair.core.handle_timeout(pair.at());
        pair.pump();
    }
    assert!(pair.effects().iter().any(|e| matches!(
        e,
        Effect::Status(mqtt_deck::model::connection::StatusChange::Connected {
            version: Version::V311,
            ..
        })
    )));
}

#[test]
fn a_message_over_the_size_limit_is_named_in_a_notice_and_the_next_one_is_listed() {
    let mut pair = CorePair::connected_with(mqtt::Options {
        max_packet_size: 1024,
        ..support::fake_broker::options(Version::V311)
    });
    pair.deliver(Packet::Publish(Publish {
        payload: Bytes::from(vec![1; 10_000]),
        ..match incoming("cam/front/jpeg", b"") {
            Packet::Publish(p) => p,
            _ => unreachable!(),
        }
    }));
    pair.deliver(incoming("cam/front/status", b"ok"));
    let notices: Vec<Effect> = pair
        .effects()
        .into_iter()
        .filter(|e| matches!(e, Effect::Notice(_)))
        .collect();
    assert!(
        matches!(&notices[..], [Effect::Notice(text)]
            if text.starts_with("Skipped a message on cam/front/jpeg:") && text.ends_with("limit of 1024 bytes")),
        "{notices:?}"
    );
    let topics: Vec<String> = pair.core.store().iter().map(|m| m.topic.clone()).collect();
    assert_eq!(topics, vec!["cam/front/status".to_string()]);
}

#[test]
fn re_authentication_runs_through_the_core_and_keeps_the_connection() {
    use mqtt::auth::ScramMechanism;
    use mqtt::session::Auth;
    use support::fake_broker::ScramServer;
    let opts = mqtt::Options {
        username: Some("user".into()),
        password: Some("pencil".into()),
        auth: Some(Auth {
            mechanism: ScramMechanism::Sha256,
            nonce: "F1rstN0nc3".into(),
        }),
        ..support::fake_broker::options(Version::V5)
    };
    let mut pair = CorePair::connected_to(opts, |b| {
        b.scram = Some(ScramServer::new(ScramMechanism::Sha256, "pencil"))
    });
    pair.core.reauthenticate(pair.at(), "Fr3shN0nc3").unwrap();
    pair.pump();
    let sent = names(&pair.broker.take());
    assert_eq!(sent, ["AUTH", "AUTH"]);
    assert_eq!(pair.broker.scram.as_ref().unwrap().accepted, 2);
    assert_eq!(pair.core.status(), mqtt::Status::Connected);
    assert!(!pair.effects().iter().any(|e| matches!(e, Effect::Status(_))));
}

/// The CONNECT packets the broker received since the last call.
fn connects(pair: &mut CorePair) -> Vec<mqtt_deck::mqtt::packet::Connect> {
    pair.broker
        .take()
        .into_iter()
        .filter_map(|p| match p {
            Packet::Connect(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// An Azure IoT Hub token carries its expiry: a reconnect an hour later signs a new one
/// instead of offering the one that expired, with the hub's user name and the device as client.
#[test]
fn a_signed_preset_signs_every_reconnect_anew() {
    use mqtt_deck::model::cloud::{azure::IotHub, Signer};
    let hub = IotHub {
        hub: "myhub".into(),
        device_id: "kitchen-sensor".into(),
        device_key: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".into(),
        token_seconds: 0,
    };
    // 2024-03-05T06:07:08Z on both clocks.
    let mut pair = CorePair::idle(Version::V311, 1_709_618_828_000);
    pair.core
        .connect_signed(
            pair.at(),
            Signer::AzureIotHub(hub),
            fake_broker::options(Version::V311),
        )
        .unwrap();
    pair.pump();
    assert_eq!(pair.core.url(), "wss://myhub.azure-devices.net/$iothub/websocket");
    let first = connects(&mut pair).remove(0);
    assert_eq!(first.client_id, "kitchen-sensor");
    assert_eq!(
        first.username.as_deref(),
        Some("myhub.azure-devices.net/kitchen-sensor/?api-version=2021-04-12")
    );
    assert!(first.password.as_deref().unwrap().ends_with("&se=1709622428"));

    // The link drops; the reconnect comes an hour later.
    pair.broker.closed = true;
    pair.open = false;
    pair.core
        .handle_transport_closed(pair.at(), "network went away".into());
    pair.broker.closed = false;
    pair.now += 3_600_000;
    pair.core.handle_timeout(pair.at());
    pair.pump();
    let again = connects(&mut pair).remove(0);
    assert!(
        again.password.as_deref().unwrap().ends_with("&se=1709626028"),
        "{:?}",
        again.password
    );
    assert_eq!(pair.core.status(), mqtt_deck::mqtt::Status::Connected);
}

#[test]
fn a_preset_with_a_bad_field_says_which_and_does_not_connect() {
    use mqtt_deck::model::cloud::{azure::IotHub, Signer};
    let hub = IotHub {
        hub: "myhub".into(),
        device_id: "d".into(),
        device_key: "not base64!".into(),
        token_seconds: 0,
    };
    let mut pair = CorePair::idle(Version::V311, 0);
    let e = pair
        .core
        .connect_signed(
            pair.at(),
            Signer::AzureIotHub(hub),
            fake_broker::options(Version::V311),
        )
        .unwrap_err();
    assert!(e.contains("device key"), "{e}");
    pair.pump();
    assert!(connects(&mut pair).is_empty());
}

#[test]
fn a_3_1_1_publish_acknowledged_but_not_back_on_our_subscription_says_an_acl_may_have_dropped_it() {
    use mqtt_deck::model::connection::Outgoing;
    use mqtt_deck::model::messages::Delivery;
    for version in [Version::V311, Version::V5] {
        let mut pair = CorePair::connected(version);
        pair.core
            .subscribe(pair.at(), "home/#", SubOptions::qos(QoS::AtLeastOnce))
            .unwrap();
        pair.pump();
        let out = |topic: &str| Outgoing {
            topic: topic.into(),
            payload: Bytes::from_static(b"on"),
            qos: QoS::AtLeastOnce,
            retain: false,
            props: None,
        };
        pair.now = 2_000;
        // The fake broker acknowledges and sends nothing back, as an ACL that refused it would.
        pair.core.publish(pair.at(), out("home/lamp/set")).unwrap();
        pair.core.publish(pair.at(), out("elsewhere/x")).unwrap();
        pair.pump();
        let delivery = |pair: &CorePair, topic: &str| {
            pair.core
                .store()
                .iter()
                .find(|m| m.topic == topic)
                .unwrap()
                .delivery
                .clone()
        };
        let wall = pair.at().wall;
        assert!(
            matches!(delivery(&pair, "elsewhere/x"), Delivery::Acknowledged { .. }),
            "no subscription of ours matches: nothing to expect back"
        );
        match version {
            Version::V311 => assert!(
                matches!(delivery(&pair, "home/lamp/set"), Delivery::NotSeenBack { at_ms, .. } if at_ms == wall),
                "{:?}",
                delivery(&pair, "home/lamp/set")
            ),
            Version::V5 => assert!(matches!(
                delivery(&pair, "home/lamp/set"),
                Delivery::Acknowledged { .. }
            )),
        }
        // It comes back after all: plainly acknowledged.
        pair.deliver(incoming("home/lamp/set", b"on"));
        let ours = pair
            .core
            .store()
            .iter()
            .find(|m| {
                m.topic == "home/lamp/set" && m.direction == mqtt_deck::model::messages::Direction::Published
            })
            .unwrap()
            .delivery
            .clone();
        assert_eq!(ours, Delivery::Acknowledged { at_ms: wall }, "{version:?}");
    }
}

#[test]
fn a_message_the_broker_closes_on_as_too_big_is_marked_failed_in_the_list_and_the_others_arrive() {
    use mqtt_deck::model::connection::Outgoing;
    use mqtt_deck::model::messages::Delivery;
    let mut pair = CorePair::connected(Version::V5);
    pair.broker.auto_ack = false;
    pair.broker.max_frame = Some(1024);
    let out = |topic: &str, payload: Bytes| Outgoing {
        topic: topic.into(),
        payload,
        qos: QoS::AtLeastOnce,
        retain: false,
        props: None,
    };
    pair.core
        .publish(pair.at(), out("home/small", Bytes::from_static(b"on")))
        .unwrap();
    pair.core
        .publish(pair.at(), out("home/big", Bytes::from(vec![b'x'; 4096])))
        .unwrap();
    pair.pump();
    assert!(matches!(pair.core.status(), mqtt::Status::Reconnecting { .. }));
    pair.broker.auto_ack = true;
    pair.now += 60_000;
    pair.core.handle_timeout(pair.at());
    pair.pump();
    assert_eq!(pair.core.status(), mqtt::Status::Connected);
    let delivery = |topic: &str| {
        pair.core
            .store()
            .iter()
            .find(|m| m.topic == topic)
            .unwrap()
            .delivery
            .clone()
    };
    match delivery("home/big") {
        Delivery::Failed { reason } => assert!(reason.contains("4096 bytes on home/big"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(delivery("home/small"), Delivery::Acknowledged { .. }));
    // Resending it would have closed the link again (the broker's limit still stands).
    let sent = publishes(&pair.broker.take());
    assert!(sent.iter().all(|p| p.topic != "home/big"));
    assert!(sent.iter().any(|p| p.topic == "home/small"));
}

#[test]
fn a_panel_edit_in_one_connection_reaches_the_others_without_being_stored_again() {
    // Two connections open at once, both showing the panels stored before.
    let mut here = CorePair::connected(Version::V5);
    let mut there = CorePair::connected(Version::V311);
    with_plug(&mut here);
    let stored = here
        .effects()
        .into_iter()
        .rev()
        .find_map(|e| match e {
            Effect::Save {
                key: "mqtt-deck.panels",
                value,
            } => Some(value),
            _ => None,
        })
        .expect("the edit was stored");
    there.broker.take();
    there.core.panels_stored_elsewhere(there.at(), &stored);
    there.pump();
    assert_eq!(there.core.panels(), here.core.panels());
    // The other connection follows the new widget's topic, with live values of its own.
    assert_eq!(
        subscribed_filters(&there.broker.take()),
        vec!["plug/state".to_string()]
    );
    assert!(
        !there.effects().iter().any(|e| matches!(e, Effect::Save { .. })),
        "stored again: two connections would write each other's copies in turn"
    );
    // Told the same panels again, it does nothing.
    there.core.panels_stored_elsewhere(there.at(), &stored);
    there.pump();
    assert!(there.broker.take().is_empty());
    // A broken record changes nothing.
    there.core.panels_stored_elsewhere(there.at(), "{\"format\":");
    assert_eq!(there.core.panels(), here.core.panels());
}
