//! Writing widgets and panels as JSON by hand, the counterpart of `read`. The documents are
//! the ones serde's derives wrote (same keys, order and omissions; tests compare the two), without
//! their code in the bundle.

use super::binding::{Availability, AvailabilityMode, Channel, CommandBinding, DeviceInfo, StateBinding};
use super::def::{OnOff, WidgetDef, WidgetKind};
use super::panel::Panel;
use crate::model::json::{Json, Num, Object};

/// A panel as stored: `{"id", "name", "widgets": [...], "share_topic"?}`.
pub(in crate::model::panel) fn panel(p: &Panel) -> Json {
    let mut o = Object::new();
    o.push("id", p.id.as_str().into());
    o.push("name", p.name.as_str().into());
    o.push("widgets", Json::Array(p.widgets.iter().map(widget).collect()));
    if let Some(t) = &p.share_topic {
        o.push("share_topic", t.as_str().into());
    }
    Json::Object(o)
}

/// A file of panels: `{"format", "version", key: panel or panels}`.
pub(in crate::model::panel) fn document(format: &str, version: u32, key: &str, body: Json) -> String {
    let mut o = Object::new();
    o.push("format", format.into());
    o.push("version", Json::Number(Num::from(u64::from(version))));
    o.push(key, body);
    Json::Object(o).to_json_string()
}

pub(in crate::model::panel) fn widget(w: &WidgetDef) -> Json {
    let mut o = Object::new();
    o.push("id", w.id.as_str().into());
    o.push("name", w.name.as_str().into());
    o.push("kind", Json::Object(kind(&w.kind)));
    if let Some(s) = &w.state {
        o.push("state", state_binding(s));
    }
    if let Some(c) = &w.command {
        o.push("command", command_binding(c));
    }
    o.push("availability", availability(&w.availability));
    for (key, value) in [("unit", &w.unit), ("device_class", &w.device_class)] {
        if let Some(v) = value {
            o.push(key, v.as_str().into());
        }
    }
    if let Some(d) = &w.device {
        o.push("device", device(d));
    }
    Json::Object(o)
}

fn num(f: f64) -> Json {
    Json::from_f64(f)
}

fn opt_num(f: Option<f64>) -> Json {
    f.map_or(Json::Null, num)
}

fn strings(items: &[String]) -> Json {
    Json::Array(items.iter().map(|s| s.as_str().into()).collect())
}

/// `{"type": name, ...}`: the kind's fields beside its tag, as an internally tagged enum writes them.
fn kind(k: &WidgetKind) -> Object {
    let mut o = Object::new();
    o.push("type", k.name().into());
    match k {
        WidgetKind::Switch(on) => on_off_into(on, &mut o),
        WidgetKind::Button { payload } => o.push("payload", payload.as_str().into()),
        WidgetKind::Slider { min, max, step } => {
            o.push("min", num(*min));
            o.push("max", num(*max));
            o.push("step", num(*step));
        }
        WidgetKind::Number { min, max, step } => {
            o.push("min", opt_num(*min));
            o.push("max", opt_num(*max));
            o.push("step", num(*step));
        }
        WidgetKind::Select { options } => o.push("options", strings(options)),
        WidgetKind::Sensor => {}
        WidgetKind::BinarySensor { state_on, state_off } => {
            o.push("state_on", state_on.as_str().into());
            o.push("state_off", state_off.as_str().into());
        }
        WidgetKind::Gauge { min, max } => {
            o.push("min", num(*min));
            o.push("max", num(*max));
        }
        WidgetKind::Chart { history } => {
            o.push("history", Json::Number(Num::from(*history as u64)));
        }
        WidgetKind::Light { on_off, brightness } => {
            let mut on = Object::new();
            on_off_into(on_off, &mut on);
            o.push("on_off", Json::Object(on));
            let b = brightness.as_ref().map_or(Json::Null, |b| {
                let mut bo = channel(&b.channel);
                bo.push("scale", num(b.scale));
                Json::Object(bo)
            });
            o.push("brightness", b);
        }
        WidgetKind::Cover { payloads, position } => {
            let mut po = Object::new();
            for (key, value) in [
                ("payload_open", &payloads.payload_open),
                ("payload_close", &payloads.payload_close),
                ("payload_stop", &payloads.payload_stop),
            ] {
                po.push(key, value.clone().into());
            }
            for (key, value) in [
                ("state_open", &payloads.state_open),
                ("state_closed", &payloads.state_closed),
                ("state_opening", &payloads.state_opening),
                ("state_closing", &payloads.state_closing),
                ("state_stopped", &payloads.state_stopped),
            ] {
                po.push(key, value.as_str().into());
            }
            o.push("payloads", Json::Object(po));
            let p = position.as_ref().map_or(Json::Null, |p| {
                let mut pos = channel(&p.channel);
                pos.push("open", num(p.open));
                pos.push("closed", num(p.closed));
                Json::Object(pos)
            });
            o.push("position", p);
        }
        WidgetKind::Climate {
            modes,
            mode,
            target,
            current,
        } => {
            o.push("modes", strings(modes));
            o.push("mode", Json::Object(channel(mode)));
            let mut t = channel(&target.channel);
            t.push("min", num(target.min));
            t.push("max", num(target.max));
            t.push("step", num(target.step));
            o.push("target", Json::Object(t));
            o.push("current", current.as_ref().map_or(Json::Null, state_binding));
        }
    }
    o
}

fn on_off_into(on: &OnOff, o: &mut Object) {
    o.push("payload_on", on.payload_on.as_str().into());
    o.push("payload_off", on.payload_off.as_str().into());
    o.push("state_on", on.state_on.as_str().into());
    o.push("state_off", on.state_off.as_str().into());
}

/// A channel's fields, to which the holder appends its own (they were flattened).
fn channel(c: &Channel) -> Object {
    let mut o = Object::new();
    if let Some(s) = &c.state {
        o.push("state", state_binding(s));
    }
    if let Some(cmd) = &c.command {
        o.push("command", command_binding(cmd));
    }
    o
}

fn state_binding(s: &StateBinding) -> Json {
    let mut o = Object::new();
    o.push("topic", s.topic.as_str().into());
    o.push("extract", s.extract.source().into());
    Json::Object(o)
}

fn command_binding(c: &CommandBinding) -> Json {
    let mut o = Object::new();
    o.push("topic", c.topic.as_str().into());
    if let Some(t) = &c.template {
        o.push("template", t.source().into());
    }
    o.push("qos", Json::Number(Num::from(u64::from(c.qos))));
    o.push("retain", c.retain.into());
    Json::Object(o)
}

fn availability(a: &Availability) -> Json {
    let topics = a
        .topics
        .iter()
        .map(|t| {
            let mut o = Object::new();
            o.push("topic", t.topic.as_str().into());
            o.push("payload_available", t.payload_available.as_str().into());
            o.push("payload_not_available", t.payload_not_available.as_str().into());
            o.push("extract", t.extract.source().into());
            Json::Object(o)
        })
        .collect();
    let mode = match a.mode {
        AvailabilityMode::All => "all",
        AvailabilityMode::Any => "any",
        AvailabilityMode::Latest => "latest",
    };
    let mut o = Object::new();
    o.push("topics", Json::Array(topics));
    o.push("mode", mode.into());
    Json::Object(o)
}

fn device(d: &DeviceInfo) -> Json {
    let mut o = Object::new();
    o.push("id", d.id.as_str().into());
    o.push("name", d.name.as_str().into());
    for (key, value) in [("model", &d.model), ("manufacturer", &d.manufacturer)] {
        if let Some(v) = value {
            o.push(key, v.as_str().into());
        }
    }
    Json::Object(o)
}
