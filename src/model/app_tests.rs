//! The reducer: each action on the UI state, as the page dispatches them.

use super::*;

#[test]
fn status_reads_as_users_expect() {
    let s = AppState::new(ConnectionSettings::default(), None);
    let s = reduce(&s, Action::Connecting);
    assert_eq!(s.status.text(), "Connecting…");
    let s = reduce(
        &s,
        Action::Connected {
            client_id: "deck-1".into(),
            version: Version::V5,
        },
    );
    assert_eq!(s.status.text(), "Connected as deck-1");
    let s = reduce(
        &s,
        Action::Disconnected {
            reason: Some("socket closed".into()),
            reconnect_at_ms: Some(11_500),
        },
    );
    assert_eq!(s.status.text(), "Reconnecting (socket closed)");
    // The countdown runs down as the page clock advances.
    assert_eq!(s.status.countdown(10_000).as_deref(), Some("in 2 s"));
    assert_eq!(s.status.countdown(10_600).as_deref(), Some("in 1 s"));
    assert_eq!(s.status.countdown(11_500).as_deref(), Some("now"));
    assert_eq!(s.status.countdown(20_000).as_deref(), Some("now"));
    let s = reduce(
        &s,
        Action::Disconnected {
            reason: Some("Not authorized: check the username and password".into()),
            reconnect_at_ms: None,
        },
    );
    assert!(s.status.text().starts_with("Disconnected: Not authorized"));
}

#[test]
fn a_client_id_conflict_is_shown_until_a_new_id_replaces_the_old_one() {
    let settings = ConnectionSettings {
        client_id: "kitchen".into(),
        ..ConnectionSettings::default()
    };
    let s = reduce(
        &AppState::new(settings, None),
        Action::ClientIdConflict("kitchen".into()),
    );
    assert_eq!(s.client_id_conflict.as_deref(), Some("kitchen"));
    let s = reduce(&s, Action::NewClientId("mqtt-deck-abc123".into()));
    assert_eq!(s.client_id_conflict, None);
    assert_eq!(s.settings.client_id, "mqtt-deck-abc123");
}

#[test]
fn a_fallback_to_3_1_1_is_said_in_the_status() {
    let s = AppState::new(ConnectionSettings::default(), None);
    assert_eq!(
        s.settings.version,
        Version::V5,
        "the default a new user connects with"
    );
    let s = reduce(
        &s,
        Action::Connected {
            client_id: "deck-1".into(),
            version: Version::V311,
        },
    );
    assert_eq!(
        s.status.text(),
        "Connected with MQTT 3.1.1 as deck-1: this broker does not speak 5.0"
    );
    // Asked for 3.1.1 and got it: nothing to say.
    let settings = ConnectionSettings {
        version: Version::V311,
        ..ConnectionSettings::default()
    };
    let s = reduce(
        &AppState::new(settings, None),
        Action::Connected {
            client_id: String::new(),
            version: Version::V311,
        },
    );
    assert_eq!(s.status.text(), "Connected");
}

#[test]
fn saved_connections_open_save_duplicate_and_delete_through_the_reducer() {
    let s = AppState::new(ConnectionSettings::default(), None);
    let mut home = ConnectionSettings {
        url: "ws://home:9001".into(),
        ..ConnectionSettings::default()
    };
    home.password = "typed".into();
    let s = reduce(&s, Action::EditSettings(Box::new(home)));
    let subs = vec![("home/#".to_string(), QoS::AtLeastOnce)];
    let s = reduce(
        &s,
        Action::SaveProfile {
            name: " Home ".into(),
            subscriptions: subs.clone(),
            now_ms: 1.0,
        },
    );
    assert_eq!(s.profile.as_deref(), Some("Home"));
    assert_eq!(s.profile_message.as_deref(), Some("Saved \"Home\""));
    assert_eq!(s.profiles.get("Home").unwrap().subscriptions, subs);
    // The password typed for this session is not saved, but opening keeps what was typed.
    assert_eq!(s.profiles.get("Home").unwrap().settings.password, "");
    let s = reduce(&s, Action::NewProfile);
    assert_eq!(s.profile, None);
    let s = reduce(
        &s,
        Action::EditSettings(Box::new(ConnectionSettings {
            url: "ws://lab:1".into(),
            password: "typed".into(),
            ..ConnectionSettings::default()
        })),
    );
    let s = reduce(
        &s,
        Action::OpenProfile {
            name: "Home".into(),
            now_ms: 2.0,
        },
    );
    assert_eq!(s.settings.url, "ws://home:9001");
    assert_eq!(s.settings.password, "typed");
    let s = reduce(
        &s,
        Action::DuplicateProfile {
            name: "Home".into(),
            now_ms: 3.0,
        },
    );
    assert_eq!(s.profile.as_deref(), Some("Home (copy)"));
    let s = reduce(&s, Action::DeleteProfile("Home (copy)".into()));
    assert_eq!(s.profile, None);
    assert_eq!(s.profiles.list().len(), 1);
    let s = reduce(
        &s,
        Action::SaveProfile {
            name: "".into(),
            subscriptions: vec![],
            now_ms: 4.0,
        },
    );
    assert!(s.profile_message.unwrap().contains("name"));
    // An unknown name changes nothing.
    let before = reduce(
        &AppState::new(ConnectionSettings::default(), None),
        Action::NewProfile,
    );
    assert_eq!(
        reduce(
            &before,
            Action::OpenProfile {
                name: "Nowhere".into(),
                now_ms: 5.0
            }
        ),
        before
    );
}
