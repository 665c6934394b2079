//! Broker presets: what choosing one puts in the form, how a cloud preset's fields are saved
//! (secrets only when remembered), and that a signed preset connects without a typed URL.

use mqtt_deck::model::cloud::aws::IotCore;
use mqtt_deck::model::cloud::azure::IotHub;
use mqtt_deck::model::cloud::Signer;
use mqtt_deck::model::presets::{Kind, Preset, PRESETS};
use mqtt_deck::model::settings::{validate_url, ConnectionSettings};
use mqtt_deck::mqtt::Version;

#[test]
fn every_plain_preset_has_a_usable_url_and_help() {
    for p in PRESETS {
        assert!(!p.help.is_empty(), "{}", p.id);
        assert_eq!(Preset::by_id(p.id), Some(p));
        if p.kind == Kind::Plain {
            validate_url(p.url).unwrap_or_else(|e| panic!("{}: {e}", p.id));
        }
    }
    let ids: std::collections::BTreeSet<_> = PRESETS.iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), PRESETS.len(), "preset ids are unique");
}

#[test]
fn choosing_a_preset_sets_url_version_and_signer() {
    let mut s = ConnectionSettings {
        username: "alice".into(),
        ..ConnectionSettings::default()
    };
    Preset::by_id("rabbitmq").unwrap().apply(&mut s);
    assert_eq!(s.url, "ws://127.0.0.1:15675/ws");
    assert_eq!(s.version, Version::V311);
    assert_eq!(s.username, "alice", "what the user typed stays");

    Preset::by_id("azure-iot-hub").unwrap().apply(&mut s);
    assert!(matches!(s.signer, Some(Signer::AzureIotHub(_))));
    assert_eq!(s.version, Version::V311);
    // No URL is typed for a signed preset, and the options still build.
    s.url.clear();
    assert!(s.to_options(1).is_ok());

    // Back to a plain broker: the signer goes.
    Preset::by_id("hivemq-public").unwrap().apply(&mut s);
    assert_eq!(s.signer, None);
    assert!(s.url.starts_with("wss://broker.hivemq.com"));
}

#[test]
fn cloud_fields_are_saved_and_secrets_only_when_remembered() {
    let iot = IotCore {
        endpoint: "abc-ats.iot.eu-west-1.amazonaws.com".into(),
        region: String::new(),
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: "top-secret-key".into(),
        session_token: "session-token".into(),
    };
    let mut s = ConnectionSettings {
        signer: Some(Signer::AwsIot(iot.clone())),
        ..ConnectionSettings::default()
    };
    let saved = s.to_saved();
    assert!(
        !saved.contains("top-secret-key") && !saved.contains("session-token"),
        "{saved}"
    );
    let (back, problem) = ConnectionSettings::from_saved(&saved);
    assert_eq!(problem, None);
    assert_eq!(
        back.signer,
        Some(Signer::AwsIot(IotCore {
            secret_access_key: String::new(),
            session_token: String::new(),
            ..iot.clone()
        }))
    );

    s.remember_password = true;
    assert_eq!(ConnectionSettings::from_saved(&s.to_saved()).0, s);

    let hub = IotHub {
        hub: "myhub".into(),
        device_id: "d1".into(),
        device_key: "a2V5".into(),
        token_seconds: 600,
    };
    let s = ConnectionSettings {
        remember_password: true,
        signer: Some(Signer::AzureIotHub(hub)),
        ..ConnectionSettings::default()
    };
    assert_eq!(ConnectionSettings::from_saved(&s.to_saved()).0, s);

    let (_, problem) = ConnectionSettings::from_saved(r#"{"signer":{"kind":"gcp"}}"#);
    assert!(problem.unwrap().contains("signer.kind"));
    let (_, problem) =
        ConnectionSettings::from_saved(r#"{"signer":{"kind":"azure-iot-hub","token_seconds":"long"}}"#);
    assert!(problem.unwrap().contains("signer.token_seconds"));
}

#[test]
fn an_export_never_carries_a_cloud_secret() {
    use mqtt_deck::model::profiles::Profiles;
    let hub = IotHub {
        hub: "myhub".into(),
        device_id: "d1".into(),
        device_key: "ZGV2aWNlLWtleQ==".into(),
        token_seconds: 0,
    };
    let s = ConnectionSettings {
        remember_password: true,
        signer: Some(Signer::AzureIotHub(hub)),
        ..ConnectionSettings::default()
    };
    let mut p = Profiles::default();
    p.save("Hub", &s, vec![], 0.0).unwrap();
    assert!(
        p.to_saved().contains("ZGV2aWNlLWtleQ=="),
        "remembered in this browser"
    );
    assert!(!p.for_export().to_saved().contains("ZGV2aWNlLWtleQ=="));
}
