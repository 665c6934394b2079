//! Connection settings: saved records (as serde wrote them, and as the reader takes them),
//! validation, the link prefill.

use super::*;

#[test]
fn clean_start_off_keeps_a_5_0_session_for_a_day_and_on_keeps_none() {
    let kept = ConnectionSettings {
        clean_start: false,
        ..ConnectionSettings::default()
    };
    let o = kept.to_options(1).unwrap();
    assert!(!o.clean_start);
    assert_eq!(o.session_expiry, 86_400);
    let o = ConnectionSettings::default().to_options(1).unwrap();
    assert!(o.clean_start);
    assert_eq!(o.session_expiry, 0);
}

#[test]
fn scram_maps_to_session_auth_and_username_and_password_to_none() {
    let s = ConnectionSettings {
        username: "user".into(),
        auth: Some(ScramMechanism::Sha256),
        ..ConnectionSettings::default()
    };
    let auth = s.to_options(1).unwrap().auth.unwrap();
    assert_eq!(auth.mechanism, ScramMechanism::Sha256);
    assert_eq!(ConnectionSettings::default().to_options(1).unwrap().auth, None);
    // Older records, without the field, and null read as username and password.
    assert_eq!(ConnectionSettings::from_saved(r#"{"auth":null}"#).0.auth, None);
    let saved = s.to_saved();
    assert!(saved.ends_with(r#","auth":"SCRAM-SHA-256"}"#), "{saved}");
    assert_eq!(ConnectionSettings::from_saved(&saved).0.auth, s.auth);
}

fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
    q.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn query_prefills_url_client_version_and_repeated_subs() {
    let p = Prefill::from_pairs(pairs(&[
        ("url", "wss://broker.example:8884/mqtt"),
        ("client_id", "phone"),
        ("version", "3.1.1"),
        ("sub", "home/#"),
        ("sub", "office/+/temp"),
        ("connect", "1"),
    ]));
    assert_eq!(p.subscriptions, vec!["home/#", "office/+/temp"]);
    assert!(p.connect);
    let s = p.apply(ConnectionSettings::default());
    assert_eq!(s.url, "wss://broker.example:8884/mqtt");
    assert_eq!(s.client_id, "phone");
    assert_eq!(s.version, Version::V311);
}

#[test]
fn password_is_saved_only_when_asked() {
    let mut s = ConnectionSettings {
        password: "pw".into(),
        ..Default::default()
    };
    assert_eq!(s.for_saving().password, "");
    s.remember_password = true;
    assert_eq!(s.for_saving().password, "pw");
}

#[test]
fn broken_saved_settings_fall_back_with_a_message() {
    let (s, msg) = ConnectionSettings::from_saved("{not json");
    assert_eq!(s, ConnectionSettings::default());
    assert!(msg.unwrap().contains("could not be read"));
    let saved = serde_json::to_string(&ConnectionSettings {
        client_id: "x".into(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(ConnectionSettings::from_saved(&saved).0.client_id, "x");
}

#[test]
fn advanced_options_are_saved_and_loaded_with_the_rest() {
    let mut s = ConnectionSettings::default();
    s.advanced.receive_maximum = Some(5);
    s.advanced.user_properties = vec![("k".into(), "v".into())];
    s.advanced.will.topic = "deck/status".into();
    assert_eq!(ConnectionSettings::from_saved(&s.to_saved()), (s.clone(), None));
    let (_, notice) = ConnectionSettings::from_saved(r#"{"advanced":{"receive_maximum":"ten"}}"#);
    assert!(notice.unwrap().contains("advanced.receive_maximum"));
}

/// Records saved before the hand-written reader and writer must load unchanged, and new
/// ones must read exactly as serde wrote them.
#[test]
fn saved_records_match_what_serde_wrote_and_read() {
    let samples = [
        ConnectionSettings::default(),
        ConnectionSettings {
            url: "wss://b.example/mqtt?a=\"1\"".into(),
            fallback_urls: "wss://c.example/mqtt ws://d:1".into(),
            client_id: "phone é".into(),
            username: "u".into(),
            password: "p\\w".into(),
            version: Version::V311,
            keep_alive: 65535,
            clean_start: false,
            remember_password: true,
            sealed_password: String::new(),
            passphrase: String::new(),
            queue_qos0: true,
            auth: Some(ScramMechanism::Sha512),
            advanced: Advanced::default(),
            signer: None,
        },
        ConnectionSettings {
            remember_password: true,
            sealed_password: "v1.c2FsdA==.aXY=.Y2lwaGVy".into(),
            ..ConnectionSettings::default()
        },
    ];
    for s in samples {
        let derived = serde_json::to_string(&s.for_saving()).unwrap();
        assert_eq!(s.to_saved(), derived);
        assert_eq!(ConnectionSettings::from_saved(&derived), (s.for_saving(), None));
    }
    let partial = r#"{"url":"ws://h:1","keep_alive":5,"future_field":[1,{"x":null}]}"#;
    let theirs: ConnectionSettings = serde_json::from_str(partial).unwrap();
    assert_eq!(ConnectionSettings::from_saved(partial), (theirs, None));
    for broken in [
        r#"{"keep_alive":70000}"#,
        r#"{"keep_alive":-1}"#,
        r#"{"keep_alive":1.5}"#,
        r#"{"version":"V4"}"#,
        r#"{"url":null}"#,
        r#"{"clean_start":"yes"}"#,
        r#"{"auth":"SCRAM-MD5"}"#,
        "",
    ] {
        assert!(
            serde_json::from_str::<ConnectionSettings>(broken).is_err(),
            "{broken}"
        );
        let (s, msg) = ConnectionSettings::from_saved(broken);
        assert_eq!(s, ConnectionSettings::default(), "{broken}");
        assert!(msg.is_some(), "{broken}");
    }
    // serde also took a list of the fields in order; nothing ever saved one.
    assert!(ConnectionSettings::from_saved("[]").1.is_some());
    let (_, msg) = ConnectionSettings::from_saved(r#"{"keep_alive":"30"}"#);
    assert!(msg.unwrap().contains(r#""keep_alive" should be a whole number"#));
}

#[test]
fn urls_must_be_websocket_urls_with_a_host() {
    assert!(validate_url("ws://127.0.0.1:9001").is_ok());
    assert!(validate_url("wss://broker.hivemq.com:8884/mqtt").is_ok());
    assert!(validate_url("http://x").is_err());
    assert!(validate_url("ws://").is_err());
    assert!(validate_url("ws://:9001/").is_err());
}
