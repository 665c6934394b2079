//! Saved connections: saving, ordering, the stored record's round trip, a broken record, the
//! export without passwords, and the migration from the single record saved before profiles.

use mqtt_deck::model::profiles::{host_name, Profiles, MAX_PROFILES};
use mqtt_deck::model::settings::ConnectionSettings;
use mqtt_deck::mqtt::{QoS, Version};

fn settings(url: &str) -> ConnectionSettings {
    ConnectionSettings {
        url: url.into(),
        client_id: "deck".into(),
        username: "alice".into(),
        password: "secret".into(),
        ..ConnectionSettings::default()
    }
}

#[test]
fn saving_puts_the_connection_first_and_opening_moves_it_first() {
    let mut p = Profiles::default();
    p.save(
        "Home",
        &settings("ws://home:9001"),
        vec![("home/#".into(), QoS::AtLeastOnce)],
        1.0,
    )
    .unwrap();
    p.save("Lab", &settings("ws://lab:9001"), vec![], 2.0).unwrap();
    let names = |p: &Profiles| p.list().iter().map(|x| x.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&p), ["Lab", "Home"]);
    assert_eq!(p.open("Home", 3.0).unwrap().settings.url, "ws://home:9001");
    assert_eq!(names(&p), ["Home", "Lab"]);
    // Saving under an existing name replaces it rather than adding a second.
    p.save("Lab", &settings("ws://lab2:9001"), vec![], 4.0).unwrap();
    assert_eq!(names(&p), ["Lab", "Home"]);
    assert_eq!(p.get("Lab").unwrap().settings.url, "ws://lab2:9001");
    assert_eq!(p.duplicate("Lab", 5.0).unwrap(), "Lab (copy)");
    assert_eq!(p.duplicate("Lab", 6.0).unwrap(), "Lab (copy 2)");
    assert!(p.remove("Lab (copy)"));
    assert!(!p.remove("Lab (copy)"));
    assert_eq!(names(&p), ["Lab (copy 2)", "Lab", "Home"]);
}

#[test]
fn the_password_is_kept_only_when_asked_and_never_exported() {
    let mut p = Profiles::default();
    p.save("Plain", &settings("ws://a:1"), vec![], 1.0).unwrap();
    let remembered = ConnectionSettings {
        remember_password: true,
        ..settings("ws://b:1")
    };
    p.save("Remembered", &remembered, vec![], 2.0).unwrap();
    assert_eq!(p.get("Plain").unwrap().settings.password, "");
    assert_eq!(p.get("Remembered").unwrap().settings.password, "secret");
    let exported = p.for_export().to_saved();
    assert!(!exported.contains("secret"), "{exported}");
}

#[test]
fn names_are_checked_and_the_list_is_capped() {
    let mut p = Profiles::default();
    assert!(p
        .save("  ", &settings("ws://a:1"), vec![], 0.0)
        .unwrap_err()
        .contains("name"));
    assert!(p
        .save(&"x".repeat(61), &settings("ws://a:1"), vec![], 0.0)
        .is_err());
    for i in 0..MAX_PROFILES {
        p.save(&format!("b{i}"), &settings("ws://a:1"), vec![], i as f64)
            .unwrap();
    }
    let full = p
        .save("one more", &settings("ws://a:1"), vec![], 0.0)
        .unwrap_err();
    assert!(full.contains("delete one"), "{full}");
    // Replacing one that exists still works at the cap.
    p.save("b3", &settings("ws://c:1"), vec![], 0.0).unwrap();
}

#[test]
fn the_record_round_trips_with_settings_and_subscriptions() {
    let mut p = Profiles::default();
    let mut s = ConnectionSettings {
        version: Version::V311,
        keep_alive: 5,
        ..settings("wss://x/mqtt")
    };
    s.advanced.will.topic = "deck/status".into();
    p.save(
        "Cloud",
        &s,
        vec![("a/+".into(), QoS::ExactlyOnce), ("b".into(), QoS::AtMostOnce)],
        7.0,
    )
    .unwrap();
    p.save("Home", &settings("ws://h:1"), vec![], 8.0).unwrap();
    let (back, problem) = Profiles::from_saved(&p.to_saved());
    assert_eq!(problem, None);
    assert_eq!(back, p);
}

#[test]
fn a_broken_record_reads_as_empty_with_a_message_that_says_where() {
    let cases = [
        ("{not json", "could not be read"),
        (r#"{"format":2,"profiles":[]}"#, "newer MQTT Deck"),
        (
            r#"{"profiles":[{"name":"","settings":{}}]}"#,
            "saved connection 1: \"name\"",
        ),
        (
            r#"{"profiles":[{"name":"a","settings":{"keep_alive":-1}}]}"#,
            "saved connection 1: settings: \"keep_alive\"",
        ),
        (
            r#"{"profiles":[{"name":"a","settings":{},"subscriptions":[{"filter":"x","qos":3}]}]}"#,
            "qos",
        ),
        (r#"[]"#, "no \"profiles\""),
    ];
    for (record, says) in cases {
        let (p, problem) = Profiles::from_saved(record);
        assert_eq!(p, Profiles::default(), "{record}");
        let problem = problem.unwrap_or_default();
        assert!(problem.contains(says), "{record}: {problem}");
    }
}

/// Browsers that saved one connection before profiles existed find it saved, under its host.
#[test]
fn todays_single_record_becomes_the_first_saved_connection() {
    let record = include_str!("fixtures/connection_record_v1.json");
    let p = Profiles::migrated(record, 9.0);
    let first = &p.list()[0];
    assert_eq!(first.name, "broker.example:8884");
    assert_eq!(first.settings, ConnectionSettings::from_saved(record).0);
    assert_eq!(first.settings.keep_alive, 45);
    assert_eq!(first.settings.advanced.will.topic, "deck/status");
    assert!(Profiles::migrated("{broken", 0.0).list().is_empty());
    assert_eq!(host_name("ws://u:p@h.example:1/x?y"), "h.example:1");
    assert_eq!(host_name("garbage"), "garbage");
}

/// A password remembered under a passphrase is stored only sealed (the glue seals it with
/// WebCrypto); the passphrase never is; exports carry neither.
#[test]
fn a_password_under_a_passphrase_is_stored_only_sealed() {
    let mut s = ConnectionSettings {
        remember_password: true,
        passphrase: "correct horse".into(),
        ..settings("ws://home:9001")
    };
    assert!(
        s.needs_sealing(),
        "typed, remembered, with a passphrase: to be sealed"
    );
    let unsealed = s.to_saved();
    assert!(
        !unsealed.contains("secret") && !unsealed.contains("correct horse"),
        "{unsealed}"
    );

    s.sealed_password = "v1.c2FsdA==.aXY=.Y2lwaGVy".into();
    assert!(!s.needs_sealing());
    let saved = s.to_saved();
    assert!(
        saved.contains("\"sealed_password\":\"v1.c2FsdA==.aXY=.Y2lwaGVy\""),
        "{saved}"
    );
    assert!(
        !saved.contains("secret") && !saved.contains("correct horse"),
        "{saved}"
    );

    // After a reload the form holds the seal, no password: locked until the passphrase opens it.
    let (back, problem) = ConnectionSettings::from_saved(&saved);
    assert_eq!(problem, None);
    assert!(back.locked());
    assert_eq!(back.sealed_password, s.sealed_password);
    assert_eq!(back.passphrase, "");

    // Not remembered: neither the password nor its seal is kept.
    let forgotten = ConnectionSettings {
        remember_password: false,
        ..s.clone()
    };
    assert!(!forgotten.to_saved().contains("sealed_password"));

    // A saved connection's export leaves the seal out as well.
    let mut p = Profiles::default();
    p.save("Home", &s, vec![], 1.0).unwrap();
    assert!(
        p.get("Home").unwrap().settings.locked(),
        "kept sealed in the list"
    );
    assert!(!p.for_export().to_saved().contains("v1."));
}

#[test]
fn opening_a_sealed_connection_does_not_take_the_password_typed_before() {
    use mqtt_deck::model::app::{reduce, Action, AppState};
    let sealed = ConnectionSettings {
        password: String::new(),
        remember_password: true,
        sealed_password: "v1.a.b.c".into(),
        ..settings("ws://lab:9001")
    };
    let mut s = AppState::new(settings("ws://home:9001"), None);
    s.profiles.save("Lab", &sealed, vec![], 1.0).unwrap();
    let s = reduce(
        &s,
        Action::OpenProfile {
            name: "Lab".into(),
            now_ms: 2.0,
        },
    );
    assert_eq!(
        s.settings.password, "",
        "the other broker's password is not this one's"
    );
    assert!(s.settings.locked());
}
