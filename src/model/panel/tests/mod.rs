//! Native tests of the panel model, one file per area, with fixtures written from the published
//! Home Assistant and Zigbee2MQTT documentation examples (`tests/fixtures/`).
//!
//! - `discovery_ha`  — Home Assistant discovery, from the docs' examples and each platform's options.
//! - `discovery_z2m` — Zigbee2MQTT discovery from `bridge/devices`.
//! - `panels`        — user panels: editing, storage, import rejection and sharing.
//! - `runtime`       — the widget runtime: optimistic state, availability, commands, topic index.
//! - `stored_form`   — the hand-written stored form against serde's derives, byte for byte.
//! - `template`      — templates, JSON paths and extractors.
//! - `robustness`    — no input may panic the model.

mod discovery_ha;
mod discovery_z2m;
mod panels;
mod robustness;
mod runtime;
mod stored_form;
mod template;

use super::widget::read::{self, Obj};
use super::widget::{
    Brightness, Channel, CommandBinding, CoverPosition, Ranged, StateBinding, WidgetDef, WidgetKind,
    KIND_NAMES,
};
use super::Extractor;
use crate::model::json::Json;

pub(super) const HA_FIXTURE: &str = include_str!("../../../../tests/fixtures/ha_discovery.json");
pub(super) const Z2M_FIXTURE: &str = include_str!("../../../../tests/fixtures/z2m_bridge_devices.json");

/// The HA fixture's messages as (topic, payload bytes).
pub(super) fn ha_messages() -> Vec<(String, Vec<u8>)> {
    let doc: serde_json::Value = serde_json::from_str(HA_FIXTURE).expect("fixture is JSON");
    doc["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["topic"].as_str().expect("topic").to_string(),
                m["payload"].to_string().into_bytes(),
            )
        })
        .collect()
}

/// A widget read from its stored JSON form, as panels read theirs.
pub(super) fn widget_json(json: &str) -> WidgetDef {
    let value = Json::parse(json.as_bytes()).expect("test widget JSON");
    read::widget(&Obj::new(&value, "widget").expect("a JSON object")).expect("a valid widget")
}

/// Every widget kind: each with its form defaults, and the optional parts filled in as well.
pub(super) fn every_kind() -> Vec<WidgetKind> {
    let channel = |t: &str| Channel {
        state: Some(StateBinding::new(format!("{t}/state"), Extractor::Whole)),
        command: Some(CommandBinding::new(format!("{t}/set"))),
    };
    // A select needs options, so its form defaults are not a valid widget; one with options follows.
    let mut kinds: Vec<WidgetKind> = KIND_NAMES
        .iter()
        .filter(|n| **n != "select")
        .filter_map(|n| WidgetKind::with_defaults(n))
        .collect();
    kinds.extend([
        WidgetKind::Number {
            min: Some(-5.0),
            max: Some(12.5),
            step: 0.5,
        },
        WidgetKind::Select {
            options: vec!["low".into(), "high".into()],
        },
        WidgetKind::Light {
            on_off: Default::default(),
            brightness: Some(Brightness {
                channel: channel("l/b"),
                scale: 100.0,
            }),
        },
        WidgetKind::Cover {
            payloads: Default::default(),
            position: Some(CoverPosition {
                channel: channel("c/p"),
                open: 0.0,
                closed: 100.0,
            }),
        },
        WidgetKind::Climate {
            modes: vec!["heat".into()],
            mode: channel("t/mode"),
            target: Ranged {
                channel: channel("t/target"),
                min: 5.0,
                max: 30.0,
                step: 0.5,
            },
            current: Some(StateBinding::new("t/current", Extractor::Whole)),
        },
    ]);
    kinds
}
