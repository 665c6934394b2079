//! User panels: editing, storage, import rejection and sharing.

use super::widget_json;
use crate::model::panel::discovery::Discovery;
use crate::model::panel::panels::{ImportError, PanelError, Panels};
use crate::model::panel::widget::WidgetDef;

fn sensor(topic: &str) -> WidgetDef {
    widget_json(&format!(
        r#"{{"id":"x","name":"T","kind":{{"type":"sensor"}},"state":{{"topic":"{topic}"}}}}"#
    ))
}

fn one_panel() -> (Panels, String) {
    let mut p = Panels::new();
    let id = p.add_panel("Living room");
    (p, id)
}

#[test]
fn widgets_are_added_edited_reordered_and_removed() {
    let (mut p, pid) = one_panel();
    let a = p.add_widget(&pid, sensor("a")).unwrap();
    let b = p.add_widget(&pid, sensor("b")).unwrap();
    let c = p.add_widget(&pid, sensor("c")).unwrap();
    p.move_widget(&pid, &c, 0).unwrap();
    let order: Vec<&str> = p
        .panel(&pid)
        .unwrap()
        .widgets
        .iter()
        .map(|w| w.id.as_str())
        .collect();
    assert_eq!(order, vec![c.as_str(), a.as_str(), b.as_str()]);
    let mut edited = p.panel(&pid).unwrap().widgets[1].clone();
    edited.name = "Renamed".into();
    p.update_widget(&pid, edited).unwrap();
    assert_eq!(p.panel(&pid).unwrap().widgets[1].name, "Renamed");
    p.remove_widget(&pid, &a).unwrap();
    assert_eq!(p.all_widgets().count(), 2);
    assert_eq!(p.remove_widget(&pid, &a), Err(PanelError::UnknownWidget(a)));
}

#[test]
fn invalid_widgets_are_refused_and_change_nothing() {
    let (mut p, pid) = one_panel();
    let id = p.add_widget(&pid, sensor("a")).unwrap();
    let before = p.clone();
    assert!(matches!(
        p.add_widget(&pid, sensor("a/#")),
        Err(PanelError::Invalid(_))
    ));
    let mut bad = sensor("a");
    bad.id = id;
    bad.kind = crate::model::panel::widget::WidgetKind::Slider {
        min: 5.0,
        max: 1.0,
        step: 1.0,
    };
    assert!(matches!(p.update_widget(&pid, bad), Err(PanelError::Invalid(_))));
    assert_eq!(p, before);
}

#[test]
fn a_widget_pinned_twice_gets_distinct_ids() {
    let mut d = Discovery::default();
    d.ingest(
        "homeassistant/switch/s/config",
        br#"{"name":"S","cmd_t":"s/set"}"#,
    );
    let (mut p, pid) = one_panel();
    let first = p.add_widget(&pid, d.pin("ha:switch/s").unwrap()).unwrap();
    let second = p.add_widget(&pid, d.pin("ha:switch/s").unwrap()).unwrap();
    assert_ne!(first, second);
    assert!(
        !first.starts_with("ha:"),
        "a panel copy must not collide with the discovered original"
    );
}

#[test]
fn panels_are_reordered_renamed_and_removed() {
    let mut p = Panels::new();
    let a = p.add_panel("A");
    let b = p.add_panel("B");
    p.move_panel(&b, 0).unwrap();
    p.rename_panel(&a, " Kitchen ").unwrap();
    let names: Vec<&str> = p.panels().iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, vec!["B", "Kitchen"]);
    p.remove_panel(&b).unwrap();
    assert_eq!(p.panels().len(), 1);
    assert_eq!(p.rename_panel(&b, "x"), Err(PanelError::UnknownPanel(b)));
}

#[test]
fn the_stored_json_loads_back_identically_and_keeps_issuing_fresh_ids() {
    let (mut p, pid) = one_panel();
    p.add_widget(&pid, sensor("a")).unwrap();
    p.set_share_topic(&pid, Some("deck/panels/living")).unwrap();
    let mut loaded = Panels::from_json(&p.to_json()).unwrap();
    assert_eq!(loaded.panels(), p.panels());
    let new_id = loaded.add_widget(&pid, sensor("b")).unwrap();
    assert!(
        loaded.panels()[0]
            .widgets
            .iter()
            .filter(|w| w.id == new_id)
            .count()
            == 1
    );
}

#[test]
fn a_broken_import_is_rejected_with_the_reason_and_changes_nothing() {
    let (mut p, pid) = one_panel();
    p.add_widget(&pid, sensor("a")).unwrap();
    let before = p.clone();
    let good = p.export_panel(&pid).unwrap();
    let cases = [
        ("{", "NotJson"),
        (
            r#"{"format":"something-else","version":1,"panels":[]}"#,
            "WrongFormat",
        ),
        (&good.replace(r#""version": 1"#, r#""version": 9"#), "WrongFormat"),
        (&good.replace(r#""topic": "a""#, r#""topic": "a/+""#), "Invalid"),
        (
            &good.replace(r#""type": "sensor""#, r#""type": "teleporter""#),
            "NotJson",
        ),
        (
            &good.replace(r#""name": "Living room""#, r#""name": " ""#),
            "Invalid",
        ),
    ];
    for (json, want) in cases {
        let err = p.import(json).expect_err(json);
        let got = match err {
            ImportError::NotJson(_) => "NotJson",
            ImportError::WrongFormat(_) => "WrongFormat",
            ImportError::Invalid(_) => "Invalid",
        };
        assert_eq!(got, want, "{json}: {err}");
        assert!(!err.to_string().is_empty());
        assert_eq!(p, before);
    }
}

#[test]
fn an_import_adds_panels_under_new_ids() {
    let (mut p, pid) = one_panel();
    p.add_widget(&pid, sensor("a")).unwrap();
    let ids = p.import(&p.export_panel(&pid).unwrap()).unwrap();
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0], pid);
    let mut all: Vec<&str> = p.all_widgets().map(|w| w.id.as_str()).collect();
    all.dedup();
    assert_eq!(all.len(), 2, "widget ids stay unique");
    assert_eq!(
        p.import(&p.to_json()).unwrap().len(),
        2,
        "a full backup imports too"
    );
}

#[test]
fn a_stored_file_with_duplicate_ids_is_refused() {
    let (mut p, pid) = one_panel();
    let w = p.add_widget(&pid, sensor("a")).unwrap();
    let json = p
        .to_json()
        .replace(&format!(r#""id":"{pid}""#), &format!(r#""id":"{w}""#));
    assert!(matches!(Panels::from_json(&json), Err(ImportError::Invalid(_))));
}

#[test]
fn a_shared_panel_is_a_retained_message_that_followers_apply() {
    let (mut sender, pid) = one_panel();
    sender.add_widget(&pid, sensor("a")).unwrap();
    assert!(matches!(
        sender.share_publish(&pid),
        Err(PanelError::BadShareTopic(_))
    ));
    assert!(matches!(
        sender.set_share_topic(&pid, Some("deck/#")),
        Err(PanelError::BadShareTopic(_))
    ));
    sender.set_share_topic(&pid, Some("deck/shared/living")).unwrap();
    let msg = sender.share_publish(&pid).unwrap();
    assert_eq!(
        (msg.topic.as_str(), msg.retain, msg.qos),
        ("deck/shared/living", true, 1)
    );

    let mut follower = Panels::new();
    let fid = follower.add_panel("Waiting");
    follower.add_widget(&fid, sensor("old")).unwrap();
    follower
        .set_share_topic(&fid, Some("deck/shared/living"))
        .unwrap();
    assert_eq!(
        follower.share_subscriptions(),
        vec!["deck/shared/living".to_string()]
    );
    assert_eq!(
        follower
            .receive_shared("deck/shared/living", &msg.payload)
            .unwrap(),
        vec![fid.clone()]
    );
    let panel = follower.panel(&fid).unwrap();
    assert_eq!((panel.name.as_str(), panel.widgets.len()), ("Living room", 1));
    assert_eq!(panel.widgets[0].state.as_ref().unwrap().topic, "a");

    let before = follower.clone();
    assert!(
        follower
            .receive_shared("deck/shared/living", &msg.payload)
            .unwrap()
            .is_empty(),
        "an echo changes nothing"
    );
    assert!(follower.receive_shared("deck/shared/living", b"{broken").is_err());
    assert!(follower
        .receive_shared("deck/shared/living", b"")
        .unwrap()
        .is_empty());
    assert!(follower
        .receive_shared("elsewhere", &msg.payload)
        .unwrap()
        .is_empty());
    assert_eq!(follower, before);

    // The sender's own echo keeps its ids.
    assert!(sender
        .receive_shared("deck/shared/living", &msg.payload)
        .unwrap()
        .is_empty());
}

/// Every kind, with every optional part filled, survives storage: a saved panel that came back
/// different would silently change what a control sends.
#[test]
fn every_widget_kind_round_trips_through_saved_json() {
    use crate::model::panel::widget::{CommandBinding, WidgetKind};
    let kinds = super::every_kind();
    let (mut p, pid) = one_panel();
    for (i, kind) in kinds.iter().enumerate() {
        let mut w = sensor(&format!("w{i}"));
        w.kind = kind.clone();
        w.command = Some(CommandBinding::new(format!("w{i}/set")));
        p.add_widget(&pid, w).unwrap();
    }
    let back = Panels::from_json(&p.to_json()).unwrap();
    let read: Vec<&WidgetKind> = back
        .panel(&pid)
        .unwrap()
        .widgets
        .iter()
        .map(|w| &w.kind)
        .collect();
    assert_eq!(read, kinds.iter().collect::<Vec<_>>());
}

#[test]
fn a_widget_kind_with_a_missing_or_mistyped_field_is_refused_by_name() {
    let doc = |kind: &str| {
        format!(
            r#"{{"format":"mqtt-deck-panel","version":1,"panel":{{"id":"p1","name":"P","widgets":[
                {{"id":"w1","name":"W","kind":{kind}}}]}}}}"#
        )
    };
    let refused = |kind: &str| match Panels::new().import(&doc(kind)) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("{kind} was accepted"),
    };
    assert!(refused(r#"{"type":"slider","min":0,"max":10}"#).contains(r#"missing field "step""#));
    assert!(refused(r#"{"type":"gauge","min":"0","max":10}"#).contains(r#""min" should be a number"#));
    assert!(refused(r#"{"type":"chart","history":-1}"#).contains("history"));
    assert!(refused(r#"{"type":"select","options":[1]}"#).contains("a list of strings"));
    assert!(refused(r#"{"type":"light"}"#).contains(r#"missing field "on_off""#));
    assert!(refused(r#"{"type":"teleporter"}"#).contains("teleporter"));
    assert!(refused(r#"["switch"]"#).contains("expected an object"));
    // Errors name the widget and the part of it that is wrong.
    let bad_state = doc(r#"{"type":"sensor"},"state":{"extract":"temp"}"#);
    let e = Panels::new().import(&bad_state).unwrap_err().to_string();
    assert!(
        e.contains(r#"widget "w1""#) && e.contains(r#"missing field "topic""#),
        "{e}"
    );
    let bad_mode = doc(r#"{"type":"sensor"},"availability":{"mode":"some"}"#);
    let e = Panels::new().import(&bad_mode).unwrap_err().to_string();
    assert!(e.contains(r#"availability mode "some""#), "{e}");
    let bad_retain = doc(r#"{"type":"button","payload":"P"},"command":{"topic":"t","retain":"yes"}"#);
    let e = Panels::new().import(&bad_retain).unwrap_err().to_string();
    assert!(e.contains(r#""retain" should be true or false"#), "{e}");
    // Defaults fill what an older file left out.
    let mut p = Panels::new();
    p.import(&doc(r#"{"type":"switch","payload_on":"1"}"#)).unwrap();
    let w = p.all_widgets().next().unwrap();
    let crate::model::panel::widget::WidgetKind::Switch(o) = &w.kind else {
        panic!("{:?}", w.kind)
    };
    assert_eq!((o.payload_on.as_str(), o.payload_off.as_str()), ("1", "OFF"));
}

/// An exported panel is indented for people to read, exactly as serde_json would indent it.
#[test]
fn an_exported_panel_is_indented_json() {
    let (mut p, pid) = one_panel();
    p.add_widget(&pid, sensor("a")).unwrap();
    let text = p.export_panel(&pid).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(text, serde_json::to_string_pretty(&value).unwrap());
    assert!(text.lines().count() > 10, "{text}");
}
