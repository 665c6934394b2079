//! The one configuration file: everything kept in a browser out and back in, never with a
//! password; today's file (a fixture) read as written; the files of earlier versions
//! (saved connections alone) and panel files still read; a broken or future file refused with the
//! part and field at fault; merge and replace as the preview says.

use mqtt_deck::model::config::{Config, Mode, VERSION};
use mqtt_deck::model::panel::Panels;
use mqtt_deck::model::profiles::Profiles;
use mqtt_deck::model::settings::ConnectionSettings;
use mqtt_deck::model::templates::{Draft, Templates};
use mqtt_deck::mqtt::QoS;

const FIXTURE: &str = include_str!("fixtures/config_v1.json");

const PANELS: &str = r#"{"format":"mqtt-deck-panels","version":1,"panels":[{"id":"p1","name":"Porch","widgets":[{"id":"w2","name":"Porch Lamp","kind":{"type":"switch","payload_on":"ON","payload_off":"OFF","state_on":"ON","state_off":"OFF"},"state":{"topic":"home/porch/lamp"},"command":{"topic":"home/porch/lamp/set"}}]}]}"#;

fn settings(url: &str, password: &str, remember: bool) -> ConnectionSettings {
    ConnectionSettings {
        url: url.into(),
        client_id: "deck".into(),
        username: "alice".into(),
        password: password.into(),
        remember_password: remember,
        ..ConnectionSettings::default()
    }
}

fn templates(names: &[&str]) -> Templates {
    let mut t = Templates::default();
    for name in names {
        let draft = Draft {
            topic: format!("home/{name}"),
            payload: "ON".into(),
            ..Draft::default()
        };
        t.save("Home", name, &draft).unwrap();
    }
    t
}

fn profiles(names: &[&str]) -> Profiles {
    let mut p = Profiles::default();
    for (i, name) in names.iter().enumerate() {
        let s = settings(&format!("ws://{name}:9001"), "s3cret", true);
        p.save(name, &s, vec![("home/#".into(), QoS::AtLeastOnce)], i as f64)
            .unwrap();
    }
    p
}

/// What a browser with a little of everything keeps.
fn full() -> Config {
    Config {
        connections: Some(profiles(&["Home", "Lab"])),
        panels: Some(Panels::from_json(PANELS).unwrap()),
        templates: Some(templates(&["Lamp on"])),
        theme: Some("dark".into()),
    }
}

fn names(p: &Profiles) -> Vec<&str> {
    p.list().iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn everything_goes_out_and_comes_back_without_passwords() {
    let text = full().to_text();
    assert!(
        !text.contains("s3cret") && !text.contains("typed"),
        "a password in the file: {text}"
    );
    let back = Config::read(&text).unwrap();
    let connections = back.connections.as_ref().unwrap();
    assert_eq!(names(connections), ["Lab", "Home"]);
    assert_eq!(connections.get("Home").unwrap().settings.password, "");
    assert_eq!(
        connections.get("Home").unwrap().subscriptions,
        [("home/#".to_string(), QoS::AtLeastOnce)]
    );
    assert_eq!(back.panels, full().panels);
    assert_eq!(back.templates, full().templates);
    assert_eq!(back.theme.as_deref(), Some("dark"));
}

#[test]
fn todays_file_reads_as_it_was_written() {
    // The fixture is what this version writes: later versions must keep reading it.
    let read = Config::read(FIXTURE).unwrap();
    let expected = Config::read(&full().to_text()).unwrap();
    assert_eq!(read, expected);
    assert_eq!(FIXTURE.trim_end(), full().to_text());
}

#[test]
fn files_of_earlier_versions_still_import() {
    let connections_only = profiles(&["Home"]).for_export().to_saved();
    let read = Config::read(&connections_only).unwrap();
    assert_eq!(names(read.connections.as_ref().unwrap()), ["Home"]);
    assert!(read.panels.is_none() && read.templates.is_none() && read.theme.is_none());
    // A panel file (all panels, or one as "Export panel" writes it) imports its panels.
    let read = Config::read(PANELS).unwrap();
    assert_eq!(read.panels.as_ref().unwrap().panels()[0].name, "Porch");
    assert!(read.connections.is_none() && read.templates.is_none());
    let one = read.panels.unwrap().export_panel("p1").unwrap();
    assert_eq!(
        Config::read(&one).unwrap().panels.unwrap().panels()[0].widgets[0].name,
        "Porch Lamp"
    );
}

#[test]
fn a_broken_or_future_file_is_refused_with_where() {
    let refused = |text: &str| Config::read(text).unwrap_err();
    assert!(
        refused("{\"format\":").contains("line 1"),
        "{}",
        refused("{\"format\":")
    );
    assert_eq!(
        refused(r#"{"format":"mqtt-deck-config","version":2}"#),
        format!("it was written by a newer MQTT Deck (version 2); this one reads version {VERSION}")
    );
    assert!(refused(r#"{"format":"something-else"}"#).contains("not an MQTT Deck file"));
    let bad_keep_alive = r#"{"format":"mqtt-deck-config","version":1,"connections":{"format":1,"profiles":[{"name":"x","settings":{"url":"ws://a:1","keep_alive":"soon"}}]}}"#;
    let e = refused(bad_keep_alive);
    assert!(
        e.starts_with("connections: saved connection 1: ") && e.contains("keep_alive"),
        "{e}"
    );
    let bad_widget = FIXTURE.replace("\"switch\"", "\"toaster\"");
    let e = refused(&bad_widget);
    assert!(e.starts_with("panels: ") && e.contains("toaster"), "{e}");
    let bad_theme = FIXTURE.replace("\"dark\"", "\"neon\"");
    assert!(refused(&bad_theme).starts_with("theme: "));
}

#[test]
fn merge_replaces_same_names_and_keeps_the_rest_replace_takes_the_files() {
    let here = || Config {
        connections: Some(profiles(&["Home", "Office"])),
        panels: Some(Panels::default()),
        templates: Some(templates(&["Lamp on", "Fan off"])),
        theme: None,
    };
    let file = Config::read(&full().to_text()).unwrap();
    assert_eq!(
        file.preview(),
        "The file holds 2 saved connections, 1 panel, 1 template, the dark theme. \
         Merge adds them to this browser's, each replacing the one of its name here; Replace puts \
         them in place of this browser's."
    );
    assert_eq!(
        Config::read(&profiles(&["Attic"]).for_export().to_saved())
            .unwrap()
            .preview(),
        "The file holds 1 saved connection. Merge adds them to this browser's, each replacing the \
         one of its name here; Replace puts them in place of this browser's."
    );

    let mut merged = here();
    file.clone().apply(&mut merged, Mode::Merge);
    assert_eq!(
        names(merged.connections.as_ref().unwrap()),
        ["Lab", "Home", "Office"]
    );
    assert_eq!(merged.templates.as_ref().unwrap().list().len(), 2);
    assert_eq!(merged.theme.as_deref(), Some("dark"));
    // Merging the same file again does not double the panels.
    file.clone().apply(&mut merged, Mode::Merge);
    assert_eq!(merged.panels.as_ref().unwrap().panels().len(), 1);

    let mut replaced = here();
    file.apply(&mut replaced, Mode::Replace);
    assert_eq!(names(replaced.connections.as_ref().unwrap()), ["Lab", "Home"]);
    assert_eq!(replaced.templates.as_ref().unwrap().list().len(), 1);

    // A file of saved connections alone leaves panels and templates as they are, either way.
    let old = Config::read(&profiles(&["Attic"]).for_export().to_saved()).unwrap();
    let mut kept = full();
    old.apply(&mut kept, Mode::Replace);
    assert_eq!(names(kept.connections.as_ref().unwrap()), ["Attic"]);
    assert_eq!(kept.panels, full().panels);
    assert_eq!(kept.templates, full().templates);
}

#[test]
fn the_reducer_shows_a_read_file_and_applies_it_only_when_chosen() {
    use mqtt_deck::model::app::{reduce, Action, AppState, PendingImport};
    let mut s = AppState::new(settings("ws://form:1", "", false), None);
    s.profiles = profiles(&["Gone"]);
    s.profile = Some("Gone".into());
    let file = Config::read(&full().to_text()).unwrap();
    let pending = PendingImport {
        file: "deck.json".into(),
        preview: file.preview(),
        config: file.clone(),
    };
    let s = reduce(&s, Action::ImportRead(Some(Box::new(pending))));
    assert_eq!(s.import.as_ref().unwrap().file, "deck.json");
    assert_eq!(
        names(&s.profiles),
        ["Gone"],
        "nothing changes before Merge or Replace"
    );

    let imported = |s: &AppState| {
        reduce(
            s,
            Action::Imported {
                profiles: file.connections.clone(),
                said: "Imported deck.json".into(),
            },
        )
    };
    let applied = imported(&s);
    assert!(applied.import.is_none());
    assert_eq!(
        applied.imports,
        s.imports + 1,
        "the publish form reads its templates afresh"
    );
    assert_eq!(names(&applied.profiles), ["Lab", "Home"]);
    assert_eq!(
        applied.profile, None,
        "the open saved connection was replaced away"
    );
    assert_eq!(applied.settings.url, "ws://form:1", "the form as typed stays");
    assert_eq!(applied.profile_message.as_deref(), Some("Imported deck.json"));

    let cancelled = reduce(&s, Action::ImportRead(None));
    assert!(cancelled.import.is_none());
    assert_eq!(names(&cancelled.profiles), ["Gone"]);
}
