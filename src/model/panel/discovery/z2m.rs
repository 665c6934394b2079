//! Zigbee2MQTT: widgets from the retained `<base>/bridge/devices` document and each device's
//! `exposes`. State is read from `<base>/<friendly_name>` at the expose's `property`; commands go
//! to `<base>/<friendly_name>/set` as `{"<property>": value}`.

use crate::model::json::{Json, Object};

use super::skip::SkipReason;
use super::z2m_compound::{self, Builder};
use super::z2m_expose::{access, features, label, property, value_text, Ctx, ACCESS_SET, ACCESS_STATE};
use crate::model::panel::extractor::Extractor;
use crate::model::panel::widget::{
    Availability, AvailabilityMode, AvailabilityTopic, DeviceInfo, OnOff, WidgetDef, WidgetKind,
};
use crate::mqtt::topic::validate_topic;

pub const DEFAULT_Z2M_BASE: &str = "zigbee2mqtt";

/// The widgets of every device in a `bridge/devices` document, and what was skipped (by name).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Z2mDevices {
    pub widgets: Vec<WidgetDef>,
    pub skipped: Vec<(String, SkipReason)>,
}

/// Parses a `<base>/bridge/devices` payload. A payload that is not a JSON list is the bridge's
/// fault and yields an error; problems with single devices or exposes only skip those.
pub fn parse_z2m_devices(base: &str, payload: &[u8]) -> Result<Z2mDevices, SkipReason> {
    let list = match Json::parse(payload) {
        Ok(Json::Array(list)) => list,
        Ok(_) => return Err(SkipReason::Malformed("bridge/devices is not a JSON list".into())),
        Err(e) => {
            return Err(SkipReason::Malformed(format!(
                "bridge/devices is not valid JSON ({e})"
            )))
        }
    };
    let mut out = Z2mDevices::default();
    for (i, dev) in list.iter().enumerate() {
        let Some(dev) = dev.as_object() else {
            out.skipped.push((
                format!("device #{}", i + 1),
                SkipReason::Malformed("not a JSON object".into()),
            ));
            continue;
        };
        if dev.get("type").and_then(Json::as_str) == Some("Coordinator") {
            continue;
        }
        let Some(name) = dev.get("friendly_name").and_then(Json::as_str) else {
            out.skipped.push((
                format!("device #{}", i + 1),
                SkipReason::Malformed("no friendly_name".into()),
            ));
            continue;
        };
        if let Err(reason) = device_widgets(base, name, dev, &mut out) {
            out.skipped.push((name.to_string(), reason));
        }
    }
    Ok(out)
}

fn device_widgets(base: &str, name: &str, dev: &Object, out: &mut Z2mDevices) -> Result<(), SkipReason> {
    if dev.get("disabled").and_then(Json::as_bool) == Some(true) {
        return Err(SkipReason::Unsupported("disabled in Zigbee2MQTT".into()));
    }
    if dev.get("interview_completed").and_then(Json::as_bool) == Some(false) {
        return Err(SkipReason::Unsupported("still being interviewed".into()));
    }
    let Some(def) = dev.get("definition").and_then(Json::as_object) else {
        return Err(SkipReason::Unsupported(
            "Zigbee2MQTT does not support this device (no definition)".into(),
        ));
    };
    let state_topic = format!("{base}/{name}");
    validate_topic(&state_topic).map_err(|e| SkipReason::Malformed(format!("friendly_name: {e}")))?;
    let ieee = dev.get("ieee_address").and_then(Json::as_str).unwrap_or(name);
    let text = |k: &str| def.get(k).and_then(Json::as_str).map(str::to_string);
    // The bridge's own state is always published; per-device availability only when enabled,
    // so it cannot be relied on. Newer bridges send {"state":"online"}, older ones plain text.
    let mut bridge = AvailabilityTopic::new(format!("{base}/bridge/state"));
    bridge.extract = Extractor::json_key("state");
    let ctx = Ctx {
        ieee,
        set_topic: format!("{state_topic}/set"),
        state_topic,
        device: DeviceInfo {
            id: ieee.to_string(),
            name: name.to_string(),
            model: text("model"),
            manufacturer: text("vendor"),
        },
        availability: Availability {
            topics: vec![bridge],
            mode: AvailabilityMode::Latest,
        },
    };
    let Some(exposes) = def.get("exposes").and_then(Json::as_array) else {
        return Err(SkipReason::Malformed("the definition has no exposes list".into()));
    };
    let before = out.widgets.len();
    for e in exposes {
        expose(&ctx, e, out);
    }
    // Endpoints and duplicated features can expose one property twice; the first one wins.
    // A map of the type the runtime's index has: the bundle holds one copy of its code.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut i = before;
    while i < out.widgets.len() {
        if seen.insert(out.widgets[i].id.clone(), i).is_none() {
            i += 1;
        } else {
            let dup = out.widgets.remove(i);
            out.skipped.push((
                format!("{name}: {}", dup.name),
                SkipReason::Malformed("the property is exposed twice".into()),
            ));
        }
    }
    Ok(())
}

fn expose(ctx: &Ctx, e: &Json, out: &mut Z2mDevices) {
    let Some(e) = e.as_object() else { return };
    let kind = e.get("type").and_then(Json::as_str).unwrap_or("");
    let who = || format!("{}: {}", ctx.device.name, label(e, kind));
    let result = match kind {
        "binary" | "numeric" | "enum" | "text" => generic(ctx, e).map(|w| out.widgets.extend(w)),
        "light" => compound(ctx, e, out, z2m_compound::light),
        "cover" => compound(ctx, e, out, z2m_compound::cover),
        "climate" => compound(ctx, e, out, z2m_compound::climate),
        // Switches, locks and fans are groups of generic features.
        "switch" | "lock" | "fan" => {
            for f in features(e) {
                expose(ctx, &Json::Object(f.clone()), out);
            }
            Ok(())
        }
        "composite" => Err(SkipReason::Unsupported(
            "composite values (such as colours) are not supported".into(),
        )),
        "list" => Err(SkipReason::Unsupported("list values are not supported".into())),
        other => Err(SkipReason::Unsupported(format!(
            "the expose type '{other}' is not supported"
        ))),
    };
    if let Err(reason) = result {
        out.skipped.push((who(), reason));
    }
}

/// Builds a compound widget from some features, then adds the features it did not use one by one.
fn compound(ctx: &Ctx, e: &Object, out: &mut Z2mDevices, make: Builder) -> Result<(), SkipReason> {
    let fs = features(e);
    let used = match make(ctx, e, &fs)? {
        Some((w, used)) => {
            out.widgets.push(w);
            used
        }
        None => vec![],
    };
    for f in fs {
        if !f
            .get("name")
            .and_then(Json::as_str)
            .is_some_and(|n| used.iter().any(|u| u == n))
        {
            expose(ctx, &Json::Object(f.clone()), out);
        }
    }
    Ok(())
}

/// One widget for a binary, numeric, enum or text expose.
fn generic(ctx: &Ctx, e: &Object) -> Result<Option<WidgetDef>, SkipReason> {
    let kind_name = e.get("type").and_then(Json::as_str).unwrap_or("");
    let prop = property(e).ok_or_else(|| SkipReason::Malformed("the expose has no property".into()))?;
    let acc = access(e);
    let (readable, settable) = (acc & ACCESS_STATE != 0, acc & ACCESS_SET != 0);
    if !readable && !settable {
        return Err(SkipReason::Unsupported(
            "the value can only be requested with /get".into(),
        ));
    }
    let unit = e.get("unit").and_then(Json::as_str).map(str::to_string);
    let num = |k: &str| e.get(k).and_then(Json::as_f64);
    let mut quote = true;
    let kind = match kind_name {
        "binary" => {
            let (on, off) = (
                e.get("value_on").unwrap_or(&Json::Bool(true)),
                e.get("value_off").unwrap_or(&Json::Bool(false)),
            );
            quote = on.is_string();
            if settable {
                WidgetKind::Switch(OnOff {
                    payload_on: value_text(on),
                    payload_off: value_text(off),
                    state_on: value_text(on),
                    state_off: value_text(off),
                })
            } else {
                WidgetKind::BinarySensor {
                    state_on: value_text(on),
                    state_off: value_text(off),
                }
            }
        }
        "numeric" => {
            quote = false;
            let step = num("value_step").filter(|s| *s > 0.0).unwrap_or(1.0);
            match (settable, num("value_min"), num("value_max")) {
                (true, Some(min), Some(max)) if min < max => WidgetKind::Slider { min, max, step },
                (true, min, max) => WidgetKind::Number { min, max, step },
                (false, ..) => WidgetKind::Sensor,
            }
        }
        "enum" if settable => {
            let options: Vec<String> = e
                .get("values")
                .and_then(Json::as_array)
                .map(|v| v.iter().map(value_text).collect())
                .unwrap_or_default();
            if options.is_empty() {
                return Err(SkipReason::Malformed("an enum without values".into()));
            }
            WidgetKind::Select { options }
        }
        "text" if !readable => {
            return Err(SkipReason::Unsupported(
                "write-only text values are not supported".into(),
            ))
        }
        _ => WidgetKind::Sensor,
    };
    let mut w = ctx.widget(prop, label(e, prop), kind);
    w.state = readable.then(|| ctx.read(prop));
    w.command = if settable && !matches!(w.kind, WidgetKind::Sensor) {
        Some(ctx.set(prop, quote)?)
    } else {
        None
    };
    w.unit = unit;
    if matches!(kind_name, "binary" | "numeric") {
        w.device_class = e.get("name").and_then(Json::as_str).map(str::to_string);
    }
    w.validate().map_err(|err| SkipReason::Malformed(err.reason))?;
    Ok(Some(w))
}
