//! The hand-written writers against serde's derives: stored panels, exported files and shared
//! messages must stay byte for byte what the derives wrote, for every widget kind.

use serde_json::json;

use super::every_kind;
use crate::model::json::Json;
use crate::model::panel::widget::write;
use crate::model::panel::widget::{
    AvailabilityMode, AvailabilityTopic, Brightness, Channel, CommandBinding, CoverPayloads, CoverPosition,
    DeviceInfo, StateBinding, WidgetDef, WidgetKind,
};
use crate::model::panel::{Extractor, Template};
use crate::model::panel::{Panel, Panels};

/// Every optional part filled, with text that needs escaping.
fn full(id: &str, kind: WidgetKind) -> WidgetDef {
    let mut w = WidgetDef::new(id, "Lamp \"kitchen\" é\n", kind);
    w.state = Some(StateBinding::new(
        "home/lamp",
        Extractor::parse("{{ value_json.state | lower }}").unwrap(),
    ));
    let mut command = CommandBinding::new("home/lamp/set");
    command.template = Some(Template::parse(r#"{"state": "{{ value }}"}"#).unwrap());
    command.qos = 2;
    command.retain = true;
    w.command = Some(command);
    let mut avail = AvailabilityTopic::new("home/lamp/availability");
    avail.extract = Extractor::parse("state").unwrap();
    w.availability.topics = vec![avail, AvailabilityTopic::new("bridge/state")];
    w.availability.mode = AvailabilityMode::All;
    w.unit = Some("°C".into());
    w.device_class = Some("temperature".into());
    w.device = Some(DeviceInfo {
        id: "0x00158d".into(),
        name: "Lamp".into(),
        model: Some("LED1545G12".into()),
        manufacturer: Some("IKEA".into()),
    });
    w
}

/// Kinds whose numbers and optional parts are at their awkward values.
fn odd_kinds() -> Vec<WidgetKind> {
    let half = Channel {
        state: None,
        command: Some(CommandBinding::new("x/set")),
    };
    vec![
        WidgetKind::Slider {
            min: -1e-7,
            max: 1e21,
            step: 0.1,
        },
        WidgetKind::Number {
            min: None,
            max: Some(f64::NAN),
            step: 1.0,
        },
        WidgetKind::Chart { history: 10_000 },
        WidgetKind::Light {
            on_off: Default::default(),
            brightness: Some(Brightness {
                channel: half.clone(),
                scale: 254.0,
            }),
        },
        WidgetKind::Cover {
            payloads: CoverPayloads {
                payload_stop: None,
                ..Default::default()
            },
            position: Some(CoverPosition {
                channel: Channel::default(),
                open: 100.0,
                closed: 0.0,
            }),
        },
    ]
}

#[test]
fn every_widget_kind_is_written_as_the_derive_wrote_it() {
    let kinds: Vec<WidgetKind> = every_kind().into_iter().chain(odd_kinds()).collect();
    for (i, kind) in kinds.into_iter().enumerate() {
        let bare = WidgetDef::new(format!("w{i}"), "W", kind.clone());
        for w in [bare, full(&format!("f{i}"), kind)] {
            let ours = write::widget(&w).to_json_string();
            assert_eq!(ours, serde_json::to_string(&w).unwrap(), "{:?}", w.kind);
        }
    }
}

#[test]
fn stored_and_exported_files_are_what_the_derives_wrote() {
    let mut panels = Panels::new();
    let a = panels.add_panel("Living \"room\"");
    let b = panels.add_panel("Empty");
    for (i, kind) in every_kind().into_iter().enumerate() {
        let mut w = full("x", kind);
        if let WidgetKind::Button { .. } = w.kind {
            w.command = Some(CommandBinding::new(format!("b{i}/set")));
        }
        panels.add_widget(&a, w).unwrap();
    }
    panels.set_share_topic(&a, Some("deck/shared/living")).unwrap();
    let list: Vec<&Panel> = panels.panels().iter().collect();
    let stored = json!({"format": "mqtt-deck-panels", "version": 1, "panels": list});
    assert_eq!(panels.to_json(), serde_json::to_string(&stored).unwrap());
    for id in [&a, &b] {
        let panel = panels.panel(id).unwrap();
        let doc = json!({"format": "mqtt-deck-panel", "version": 1, "panel": panel});
        let exported = panels.export_panel(id).unwrap();
        assert_eq!(exported, serde_json::to_string_pretty(&doc).unwrap());
        assert_eq!(
            write::panel(panel).to_json_string(),
            serde_json::to_string(panel).unwrap()
        );
    }
    // And what was written reads back the same.
    let back = Panels::from_json(&panels.to_json()).unwrap();
    assert_eq!(back.panels(), panels.panels());
    assert!(Json::parse(panels.to_json().as_bytes()).is_ok());
}
