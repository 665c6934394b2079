//! Zigbee2MQTT: widgets from the retained `<base>/bridge/devices` document and each device's
//! `exposes`. State is read from `<base>/<friendly_name>` at the expose's `property`; commands go
//! to `<base>/<friendly_name>/set` as `{"<property>": value}`.

use crate::model::json::{Json, Object};

use super::discovery::SkipReason;
use super::extractor::Extractor;
use super::template::Template;
use super::widget::{
    Availability, AvailabilityMode, AvailabilityTopic, CommandBinding, DeviceInfo, OnOff, StateBinding,
    WidgetDef, WidgetKind,
};
use super::z2m_compound::{self, Builder};
use crate::mqtt::topic::validate_topic;

pub const DEFAULT_Z2M_BASE: &str = "zigbee2mqtt";

/// The `access` bits of an expose.
pub(super) const ACCESS_STATE: u64 = 1;
pub(super) const ACCESS_SET: u64 = 2;

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

/// What every widget of one device shares.
pub(super) struct Ctx<'a> {
    ieee: &'a str,
    state_topic: String,
    set_topic: String,
    pub(super) device: DeviceInfo,
    availability: Availability,
}

impl Ctx<'_> {
    pub(super) fn widget(&self, property: &str, name: String, kind: WidgetKind) -> WidgetDef {
        let mut w = WidgetDef::new(format!("z2m:{}/{}", self.ieee, property), name, kind);
        w.availability = self.availability.clone();
        w.device = Some(self.device.clone());
        w
    }

    pub(super) fn read(&self, property: &str) -> StateBinding {
        StateBinding::new(self.state_topic.clone(), Extractor::json_key(property))
    }

    /// `{"<property>": value}`; text values are JSON-quoted, numbers and booleans are not.
    pub(super) fn set(&self, property: &str, quote: bool) -> Result<CommandBinding, SkipReason> {
        let key = Json::from(property).to_json_string();
        let value = if quote {
            "{{ value | tojson }}"
        } else {
            "{{ value }}"
        };
        let template = Template::parse(&format!("{{{key}: {value}}}"))
            .map_err(|e| SkipReason::Malformed(format!("property {property}: {}", e.reason())))?;
        let mut c = CommandBinding::new(self.set_topic.clone());
        c.template = Some(template);
        Ok(c)
    }
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
    let mut seen = std::collections::HashSet::new();
    let mut i = before;
    while i < out.widgets.len() {
        if seen.insert(out.widgets[i].id.clone()) {
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

pub(super) fn label(e: &Object, fallback: &str) -> String {
    if let Some(l) = e.get("label").and_then(Json::as_str) {
        return l.to_string();
    }
    let raw = e
        .get("name")
        .and_then(Json::as_str)
        .unwrap_or(fallback)
        .replace('_', " ");
    // Exposed names are ASCII snake_case; std's full case tables are not worth their bytes.
    let mut label = raw;
    if let Some(first) = label.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    label
}

pub(super) fn value_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn features(e: &Object) -> Vec<&Object> {
    e.get("features")
        .and_then(Json::as_array)
        .map(|f| f.iter().filter_map(Json::as_object).collect())
        .unwrap_or_default()
}

pub(super) fn feature<'a>(fs: &[&'a Object], name: &str) -> Option<&'a Object> {
    fs.iter()
        .copied()
        .find(|f| f.get("name").and_then(Json::as_str) == Some(name))
}

pub(super) fn access(e: &Object) -> u64 {
    e.get("access").and_then(Json::as_u64).unwrap_or(ACCESS_STATE)
}

pub(super) fn property(e: &Object) -> Option<&str> {
    e.get("property").and_then(Json::as_str).filter(|p| !p.is_empty())
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
