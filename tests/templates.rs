//! Publish templates and history: the JSON payload check as the user types, templates saved
//! per connection and read back from storage (a broken record reported, never a panic), and the
//! publish history filled by the connection core with each message's outcome.

mod support;

use mqtt_deck::mqtt;

use mqtt::packet::{Packet, QoS, Version};
use mqtt_deck::model::history::Outcome;
use mqtt_deck::model::props::PropsForm;
use mqtt_deck::model::templates::{Draft, Format, Templates, MAX_NAME};
use support::core_pair::CorePair;
use support::fake_broker::publishes;

fn json_draft(payload: &str) -> Draft {
    Draft {
        topic: "home/porch/set".into(),
        payload: payload.into(),
        format: Format::Json,
        ..Draft::default()
    }
}

#[test]
fn a_broken_json_payload_is_named_with_its_line_and_column_and_refused() {
    let d = json_draft("{\n  \"state\": \"on\",\n  \"brightness\" 80\n}");
    assert_eq!(
        d.json_problem().as_deref(),
        Some("The payload is not valid JSON: expected ':' at line 3 column 16")
    );
    assert_eq!(d.payload_bytes(), Err(d.json_problem().unwrap()));
    // Fixed, it is sent as typed (not reformatted).
    let d = json_draft("{\"state\": \"on\"}");
    assert_eq!(d.json_problem(), None);
    assert_eq!(d.payload_bytes().unwrap(), b"{\"state\": \"on\"}");
    // The same text as plain text is not checked; an empty JSON payload clears a retained one.
    let text = Draft {
        format: Format::Text,
        ..json_draft("{oops")
    };
    assert_eq!(text.json_problem(), None);
    assert_eq!(json_draft("  ").json_problem(), None);
    let hex = Draft {
        format: Format::Hex,
        ..json_draft("6f 6e")
    };
    assert_eq!(hex.payload_bytes().unwrap(), b"on");
}

fn porch() -> Draft {
    Draft {
        topic: "home/porch/set".into(),
        payload: "{\"state\":\"ON\"}".into(),
        format: Format::Json,
        qos: QoS::AtLeastOnce,
        retain: true,
        props: PropsForm {
            content_type: "application/json".into(),
            expiry: "60".into(),
            user: vec![("source".into(), "deck".into())],
            ..PropsForm::default()
        },
    }
}

#[test]
fn templates_are_named_per_connection_and_survive_a_round_trip_through_storage() {
    let mut t = Templates::default();
    assert_eq!(t.save("Home", " Porch on ", &porch()).unwrap(), "Porch on");
    t.save("Home", "Porch off", &Draft::default()).unwrap();
    // The same name in another connection is another template.
    t.save("ws://lab:9001", "Porch on", &Draft::default()).unwrap();
    // Saving again under a name replaces it in place.
    let mut changed = porch();
    changed.qos = QoS::ExactlyOnce;
    t.save("Home", "Porch on", &changed).unwrap();
    let names: Vec<&str> = t.in_group("Home").map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["Porch on", "Porch off"]);
    assert_eq!(t.get("Home", "Porch on").unwrap().draft.qos, QoS::ExactlyOnce);
    assert_eq!(t.other_groups("Home"), ["ws://lab:9001"]);

    let (back, problem) = Templates::from_saved(&t.to_saved());
    assert_eq!(problem, None);
    assert_eq!(back, t);

    assert!(t.remove("Home", "Porch off"));
    assert!(!t.remove("Home", "Porch off"));
    assert_eq!(t.in_group("Home").count(), 1);
    assert_eq!(t.in_group("ws://lab:9001").count(), 1);
}

#[test]
fn a_template_needs_a_name_of_reasonable_length() {
    let mut t = Templates::default();
    assert!(t.save("Home", "  ", &porch()).unwrap_err().contains("name"));
    let long = "x".repeat(MAX_NAME + 1);
    assert!(t.save("Home", &long, &porch()).unwrap_err().contains("at most"));
    assert_eq!(
        t.save("Home", "Broken", &json_draft("{\"state\" on}"))
            .unwrap_err(),
        "The payload is not valid JSON: expected ':' at line 1 column 10"
    );
    assert!(t.list().is_empty());
}

#[test]
fn a_broken_or_newer_record_is_reported_and_yields_no_templates() {
    for (record, says) in [
        ("{not json", "line 1 column 2"),
        ("{\"format\":2,\"templates\":[]}", "newer MQTT Deck (format 2)"),
        ("{\"format\":1}", "no \"templates\" list"),
        (
            "{\"format\":1,\"templates\":[{\"name\":\"a\",\"qos\":3}]}",
            "template 1: \"qos\" should be 0, 1 or 2",
        ),
        (
            "{\"format\":1,\"templates\":[{\"name\":\"a\",\"payload_format\":\"yaml\"}]}",
            "\"payload_format\" should be",
        ),
    ] {
        let (t, problem) = Templates::from_saved(record);
        assert!(t.list().is_empty(), "{record}");
        let problem = problem.unwrap();
        assert!(problem.contains(says), "{record}: {problem}");
        assert!(problem.contains("kept aside"), "{problem}");
    }
}

#[test]
fn the_history_records_each_publish_with_its_outcome_newest_first() {
    let mut pair = CorePair::connected(Version::V5);
    pair.now = 1_000;
    pair.core.publish_draft(pair.at(), &porch()).unwrap();
    let qos0 = Draft {
        topic: "home/hall/set".into(),
        payload: "on".into(),
        ..Draft::default()
    };
    pair.core.publish_draft(pair.at(), &qos0).unwrap();
    pair.pump();
    let sent = publishes(&pair.broker.take());
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].qos, QoS::AtLeastOnce);
    assert!(sent[0].retain);
    assert_eq!(&sent[0].payload[..], b"{\"state\":\"ON\"}");
    let outcomes: Vec<(String, String)> = pair
        .core
        .history()
        .newest_first()
        .map(|e| (e.draft.topic.clone(), e.outcome.text()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("home/hall/set".into(), "Sent".into()),
            ("home/porch/set".into(), "Acknowledged".into()),
        ]
    );
    // A JSON payload the user must fix is refused before anything is sent, and not recorded.
    let err = pair
        .core
        .publish_draft(pair.at(), &json_draft("{\"state\" \"on\"}"))
        .unwrap_err();
    assert!(err.contains("line 1 column 10"), "{err}");
    assert_eq!(pair.core.history().len(), 2);
}

#[test]
fn a_refused_publish_shows_the_brokers_reason_in_the_history() {
    let mut pair = CorePair::connected(Version::V5);
    pair.broker.auto_ack = false;
    pair.core.publish_draft(pair.at(), &porch()).unwrap();
    pair.pump();
    let pkid = publishes(&pair.broker.take())[0].pkid;
    let waiting = pair.core.history().newest_first().next().unwrap().outcome.clone();
    assert!(matches!(waiting, Outcome::Waiting { .. }));
    pair.broker.send(Packet::PubAck {
        pkid,
        code: 0x87,
        reason: Some("porch is read-only for you".into()),
    });
    pair.pump();
    let text = pair.core.history().newest_first().next().unwrap().outcome.text();
    assert!(text.starts_with("Failed: "), "{text}");
    assert!(text.contains("porch is read-only for you"), "{text}");
}

#[test]
fn a_publish_while_disconnected_is_recorded_as_failed_with_why() {
    let mut pair = CorePair::idle(Version::V5, 0);
    let err = pair
        .core
        .publish_draft(
            pair.at(),
            &Draft {
                topic: "home/hall/set".into(),
                ..Draft::default()
            },
        )
        .unwrap_err();
    let entry = pair.core.history().newest_first().next().unwrap();
    assert_eq!(entry.outcome, Outcome::Failed { reason: err });
    pair.pump();
}

#[test]
fn a_bare_word_where_a_value_belongs_is_pointed_at() {
    assert_eq!(
        json_draft("{\n  \"state\": on\n}").json_problem().as_deref(),
        Some("The payload is not valid JSON: expected a value at line 2 column 12")
    );
}
