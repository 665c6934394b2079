//! Home Assistant MQTT discovery: `<prefix>/<component>/[<node_id>/]<object_id>/config` documents
//! turned into widgets, with abbreviations expanded and the `~` base topic substituted.

use crate::model::json::{Json, Object};

use super::ha_abbreviations::{ABBREVIATIONS, DEVICE_ABBREVIATIONS};
use super::ha_conf::{malformed, template_skip, Conf};
use super::skip::SkipReason;
use crate::model::number::short;
use crate::model::panel::extractor::Extractor;
use crate::model::panel::template::Template;
use crate::model::panel::widget::{
    Brightness, Channel, CommandBinding, CoverPayloads, CoverPosition, DeviceInfo, OnOff, Ranged,
    StateBinding, WidgetDef, WidgetKind,
};

pub const DEFAULT_HA_PREFIX: &str = "homeassistant";

/// What one message on a discovery topic means.
#[derive(Debug, Clone, PartialEq)]
pub enum HaMessage {
    /// An empty payload: whatever this topic announced is gone.
    Removed,
    /// The widgets announced (several for a device-based document) and the entities skipped, by name.
    Config {
        widgets: Vec<WidgetDef>,
        skipped: Vec<(String, SkipReason)>,
    },
}

/// Keys of a device-based document (`<prefix>/device/<id>/config`) that its components share.
const SHARED_KEYS: &[&str] = &[
    "device",
    "origin",
    "availability",
    "availability_topic",
    "availability_mode",
    "availability_template",
    "payload_available",
    "payload_not_available",
    "state_topic",
    "command_topic",
    "qos",
    "encoding",
];

fn expand(map: Object, table: &[(&str, &str)]) -> Object {
    map.into_iter()
        .map(|(k, v)| {
            let full = table
                .iter()
                .find(|(a, _)| *a == k)
                .map(|(_, f)| f.to_string())
                .unwrap_or(k);
            (full, v)
        })
        .collect()
}

fn expand_all(map: Object) -> Object {
    let mut map = expand(map, ABBREVIATIONS);
    if let Some(Json::Object(dev)) = map.remove("device") {
        map.insert("device", Json::Object(expand(dev, DEVICE_ABBREVIATIONS)));
    }
    if let Some(Json::Array(list)) = map.remove("availability") {
        let list = list
            .into_iter()
            .map(|a| match a {
                Json::Object(o) => Json::Object(expand(o, ABBREVIATIONS)),
                other => other,
            })
            .collect();
        map.insert("availability", Json::Array(list));
    }
    map
}

/// `~` at the start or end of a `*_topic` value stands for the document's base topic.
fn substitute_base(map: &mut Object, base: &str) {
    let fix = |s: &str| -> Option<String> {
        if let Some(rest) = s.strip_prefix('~') {
            Some(format!("{base}{rest}"))
        } else {
            s.strip_suffix('~').map(|rest| format!("{rest}{base}"))
        }
    };
    for (k, v) in map.iter_mut() {
        if let (true, Json::String(s)) = (k.ends_with("topic"), &*v) {
            if let Some(new) = fix(s) {
                *v = Json::String(new);
            }
        }
    }
    if let Some(Json::Array(list)) = map.get_mut("availability") {
        for a in list {
            let fixed = a.get("topic").and_then(Json::as_str).and_then(fix);
            if let (Some(new), Some(slot)) = (fixed, a.get_mut("topic")) {
                *slot = Json::String(new);
            }
        }
    }
}

/// Splits a config topic into component, node id and object id; `None` when it is not one.
pub fn parse_config_topic<'t>(prefix: &str, topic: &'t str) -> Option<(&'t str, Option<&'t str>, &'t str)> {
    let rest = topic.strip_prefix(prefix)?.strip_prefix('/')?;
    let levels: Vec<&str> = rest.split('/').collect();
    match levels.as_slice() {
        [component, object, "config"] => Some((component, None, object)),
        [component, node, object, "config"] => Some((component, Some(node), object)),
        _ => None,
    }
}

/// Interprets a message on a config topic (see [`parse_config_topic`]).
pub fn parse_ha_config(prefix: &str, topic: &str, payload: &[u8]) -> Option<HaMessage> {
    let (component, node, object) = parse_config_topic(prefix, topic)?;
    if payload.iter().all(u8::is_ascii_whitespace) {
        return Some(HaMessage::Removed);
    }
    let skip = |reason: SkipReason| HaMessage::Config {
        widgets: vec![],
        skipped: vec![(object.to_string(), reason)],
    };
    let id_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !id_ok(object) || node.is_some_and(|n| !id_ok(n)) {
        return Some(skip(SkipReason::Malformed(
            "node and object ids may only use letters, digits, _ and -".into(),
        )));
    }
    let doc: Object = match Json::parse(payload) {
        Ok(Json::Object(m)) => expand_all(m),
        Ok(_) => {
            return Some(skip(SkipReason::Malformed(
                "the payload is not a JSON object".into(),
            )))
        }
        Err(e) => {
            return Some(skip(SkipReason::Malformed(format!(
                "the payload is not valid JSON ({e})"
            ))))
        }
    };
    let base_id = match node {
        Some(n) => format!("ha:{component}/{n}/{object}"),
        None => format!("ha:{component}/{object}"),
    };
    let mut widgets = Vec::new();
    let mut skipped = Vec::new();
    if component == "device" {
        let Some(Json::Object(cmps)) = doc.get("components") else {
            return Some(skip(SkipReason::Malformed(
                "a device document needs a components map".into(),
            )));
        };
        for (cid, conf) in cmps {
            let Json::Object(conf) = conf else {
                skipped.push((
                    cid.clone(),
                    SkipReason::Malformed("a component is not a JSON object".into()),
                ));
                continue;
            };
            let mut conf = expand_all(conf.clone());
            for key in SHARED_KEYS {
                if let (false, Some(v)) = (conf.contains_key(key), doc.get(key)) {
                    conf.insert(*key, v.clone());
                }
            }
            let base = conf
                .get("~")
                .or_else(|| doc.get("~"))
                .and_then(Json::as_str)
                .map(str::to_string);
            if let Some(base) = base {
                substitute_base(&mut conf, &base);
            }
            let platform = conf
                .get("platform")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string();
            match build(&platform, cid, format!("{base_id}/{cid}"), &conf) {
                Ok(w) => widgets.push(w),
                Err(r) => skipped.push((entity_label(&conf, cid), r)),
            }
        }
    } else {
        let mut doc = doc;
        if let Some(base) = doc.remove("~").and_then(|v| v.as_str().map(str::to_string)) {
            substitute_base(&mut doc, &base);
        }
        match build(component, object, base_id, &doc) {
            Ok(w) => widgets.push(w),
            Err(r) => skipped.push((entity_label(&doc, object), r)),
        }
    }
    Some(HaMessage::Config { widgets, skipped })
}

fn entity_label(c: &Object, fallback: &str) -> String {
    c.get("name")
        .and_then(Json::as_str)
        .unwrap_or(fallback)
        .to_string()
}

/// Builds the widget for one entity, or says why it is skipped.
fn build(component: &str, object_id: &str, id: String, c: &Object) -> Result<WidgetDef, SkipReason> {
    let conf = Conf(c);
    let device = conf.device();
    // `name: null` names the entity after its device in Home Assistant.
    let name = conf
        .text("name")?
        .or_else(|| device.as_ref().map(|d| d.name.clone()))
        .unwrap_or_else(|| object_id.to_string());
    let on_off = || -> Result<OnOff, SkipReason> {
        let payload_on = conf.text_or("payload_on", "ON")?;
        let payload_off = conf.text_or("payload_off", "OFF")?;
        Ok(OnOff {
            state_on: conf.text_or("state_on", &payload_on)?,
            state_off: conf.text_or("state_off", &payload_off)?,
            payload_on,
            payload_off,
        })
    };
    let mut state = conf.state("state_topic", "value_template", None)?;
    let mut command = conf.command("command_topic", "command_template")?;
    let needs_command = |command: &Option<CommandBinding>| match command {
        Some(_) => Ok(()),
        None => malformed("command_topic is required"),
    };
    let kind = match component {
        "switch" => {
            needs_command(&command)?;
            WidgetKind::Switch(on_off()?)
        }
        "light" => return light(&conf, id, name, device),
        "sensor" => {
            if state.is_none() {
                return malformed("state_topic is required");
            }
            WidgetKind::Sensor
        }
        "binary_sensor" => {
            if state.is_none() {
                return malformed("state_topic is required");
            }
            WidgetKind::BinarySensor {
                state_on: conf.text_or("payload_on", "ON")?,
                state_off: conf.text_or("payload_off", "OFF")?,
            }
        }
        "number" => {
            needs_command(&command)?;
            let (min, max, step) = (
                conf.number("min", 1.0)?,
                conf.number("max", 100.0)?,
                conf.number("step", 1.0)?,
            );
            if !(min < max && step > 0.0) {
                return malformed(format!(
                    "min {}, max {} and step {} do not make a range",
                    short(min),
                    short(max),
                    short(step)
                ));
            }
            match conf.text("mode")?.as_deref() {
                Some("box") => WidgetKind::Number {
                    min: Some(min),
                    max: Some(max),
                    step,
                },
                Some("slider") => WidgetKind::Slider { min, max, step },
                // "auto": a slider while it has a sensible number of positions, as Home Assistant does.
                _ if (max - min) / step <= 256.0 => WidgetKind::Slider { min, max, step },
                _ => WidgetKind::Number {
                    min: Some(min),
                    max: Some(max),
                    step,
                },
            }
        }
        "select" => {
            needs_command(&command)?;
            let options: Vec<String> = match c.get("options") {
                Some(Json::Array(items)) => items
                    .iter()
                    .map(|v| match v {
                        Json::String(s) => Ok(s.clone()),
                        _ => malformed("options must be text"),
                    })
                    .collect::<Result<_, _>>()?,
                _ => return malformed("options is required and must be a list"),
            };
            if options.is_empty() {
                return malformed("options is empty");
            }
            WidgetKind::Select { options }
        }
        "button" => {
            needs_command(&command)?;
            state = None;
            WidgetKind::Button {
                payload: conf.text_or("payload_press", "PRESS")?,
            }
        }
        "cover" => {
            let has_command = command.is_some();
            let payload = |key: &str, default: &str| -> Result<Option<String>, SkipReason> {
                Ok(if has_command {
                    conf.payload(key, default)?
                } else {
                    None
                })
            };
            let position_state = conf.state("position_topic", "position_template", None)?;
            let position_command = conf.command("set_position_topic", "set_position_template")?;
            let position = (position_state.is_some() || position_command.is_some()).then(|| CoverPosition {
                channel: Channel {
                    state: position_state,
                    command: position_command,
                },
                open: conf.number("position_open", 100.0).unwrap_or(100.0),
                closed: conf.number("position_closed", 0.0).unwrap_or(0.0),
            });
            WidgetKind::Cover {
                payloads: CoverPayloads {
                    payload_open: payload("payload_open", "OPEN")?,
                    payload_close: payload("payload_close", "CLOSE")?,
                    payload_stop: payload("payload_stop", "STOP")?,
                    state_open: conf.text_or("state_open", "open")?,
                    state_closed: conf.text_or("state_closed", "closed")?,
                    state_opening: conf.text_or("state_opening", "opening")?,
                    state_closing: conf.text_or("state_closing", "closing")?,
                    state_stopped: conf.text_or("state_stopped", "stopped")?,
                },
                position,
            }
        }
        "climate" => {
            state = None;
            command = None;
            let modes = match c.get("modes") {
                None => ["auto", "off", "cool", "heat", "dry", "fan_only"]
                    .map(String::from)
                    .to_vec(),
                Some(Json::Array(m)) => m.iter().filter_map(Json::as_str).map(str::to_string).collect(),
                Some(_) => return malformed("modes must be a list"),
            };
            let (min, max) = (conf.number("min_temp", 7.0)?, conf.number("max_temp", 35.0)?);
            let step = conf.number("temp_step", 1.0)?;
            if !(min < max && step > 0.0) {
                return malformed(format!(
                    "min_temp {}, max_temp {} and temp_step {} do not make a range",
                    short(min),
                    short(max),
                    short(step)
                ));
            }
            let fallback = Some("value_template");
            WidgetKind::Climate {
                modes,
                mode: Channel {
                    state: conf.state("mode_state_topic", "mode_state_template", fallback)?,
                    command: conf.command("mode_command_topic", "mode_command_template")?,
                },
                target: Ranged {
                    channel: Channel {
                        state: conf.state(
                            "temperature_state_topic",
                            "temperature_state_template",
                            fallback,
                        )?,
                        command: conf.command("temperature_command_topic", "temperature_command_template")?,
                    },
                    min,
                    max,
                    step,
                },
                current: conf.state(
                    "current_temperature_topic",
                    "current_temperature_template",
                    fallback,
                )?,
            }
        }
        "" => return malformed("the component has no platform"),
        other => {
            return Err(SkipReason::Unsupported(format!(
                "the {other} component is not supported"
            )))
        }
    };
    let unit = match component {
        "climate" => {
            conf.text("temperature_unit")?
                .map(|u| if u == "C" || u == "F" { format!("°{u}") } else { u })
        }
        _ => conf.text("unit_of_measurement")?,
    };
    let mut w = WidgetDef::new(id, name, kind);
    w.state = state;
    w.command = command;
    w.availability = conf.availability()?;
    w.unit = unit;
    w.device_class = conf.text("device_class")?;
    w.device = device;
    w.validate().map_err(|e| SkipReason::Malformed(e.reason))?;
    Ok(w)
}

fn light(conf: &Conf, id: String, name: String, device: Option<DeviceInfo>) -> Result<WidgetDef, SkipReason> {
    let mut cmd = conf
        .command("command_topic", "command_template")?
        .map_or_else(|| malformed("command_topic is required"), Ok)?;
    let scale = conf.number("brightness_scale", 255.0)?;
    let (state, on_off, brightness) = match conf.text("schema")?.as_deref() {
        None | Some("default") | Some("basic") => {
            let payload_on = conf.text_or("payload_on", "ON")?;
            let payload_off = conf.text_or("payload_off", "OFF")?;
            let on_off = OnOff {
                state_on: payload_on.clone(),
                state_off: payload_off.clone(),
                payload_on,
                payload_off,
            };
            let b_state = conf.state("brightness_state_topic", "brightness_value_template", None)?;
            let b_cmd = conf.command("brightness_command_topic", "brightness_command_template")?;
            let brightness = (b_state.is_some() || b_cmd.is_some()).then_some(Brightness {
                channel: Channel {
                    state: b_state,
                    command: b_cmd,
                },
                scale,
            });
            (
                conf.state("state_topic", "state_value_template", None)?,
                on_off,
                brightness,
            )
        }
        Some("json") => {
            // The JSON schema carries state and brightness in one document each way.
            let json_tpl = |t: &str| Template::parse(t).map_err(|e| template_skip("schema json", e));
            cmd.template = Some(json_tpl("{\"state\": {{ value | tojson }}}")?);
            let state_topic = conf.topic("state_topic")?;
            let read = |key: &str| {
                state_topic
                    .clone()
                    .map(|t| StateBinding::new(t, Extractor::json_key(key)))
            };
            let dimmable = conf.0.get("brightness").and_then(Json::as_bool).unwrap_or(false)
                || conf
                    .0
                    .get("supported_color_modes")
                    .and_then(Json::as_array)
                    .is_some_and(|modes| modes.iter().any(|m| m.as_str().is_some_and(|m| m != "onoff")));
            let brightness = if dimmable {
                let mut b_cmd = cmd.clone();
                b_cmd.template = Some(json_tpl("{\"state\": \"ON\", \"brightness\": {{ value }}}")?);
                Some(Brightness {
                    channel: Channel {
                        state: read("brightness"),
                        command: Some(b_cmd),
                    },
                    scale,
                })
            } else {
                None
            };
            (read("state"), OnOff::default(), brightness)
        }
        Some(other) => {
            return Err(SkipReason::Unsupported(format!(
                "the light schema '{other}' is not supported"
            )))
        }
    };
    let mut w = WidgetDef::new(id, name, WidgetKind::Light { on_off, brightness });
    w.state = state;
    w.command = Some(cmd);
    w.availability = conf.availability()?;
    w.device = device;
    w.validate().map_err(|e| SkipReason::Malformed(e.reason))?;
    Ok(w)
}
