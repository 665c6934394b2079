//! Reading widgets and panels from JSON by hand. Serde's derived readers (an internally tagged
//! enum with flattened fields above all) buffered every value twice and were the largest code
//! in the bundle; these read the same documents from a [`Json`] with a few small helpers, and
//! say which field of which widget is wrong. Writing is in `write`.

use super::binding::{
    Availability, AvailabilityMode, AvailabilityTopic, Channel, CommandBinding, DeviceInfo, StateBinding,
};
use super::def::{Brightness, CoverPayloads, CoverPosition, OnOff, Ranged, WidgetDef, WidgetKind};
use super::panel::Panel;
use crate::model::json::{Json, Object};
use crate::model::panel::extractor::Extractor;
use crate::model::panel::template::Template;

/// A panel as stored: `{"id", "name", "widgets": [...], "share_topic"}`.
pub(in crate::model::panel) fn panel(o: &Obj) -> Result<Panel, String> {
    let id = o.string("id")?;
    let widgets = o
        .list("widgets")?
        .iter()
        .map(widget)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("panel \"{id}\": {e}"))?;
    Ok(Panel {
        name: o.string("name")?,
        widgets,
        share_topic: o.opt_string("share_topic")?,
        id,
    })
}

/// One widget: `{"id", "name", "kind": {"type", ...}, "state"?, "command"?, ...}`.
pub(in crate::model::panel) fn widget(o: &Obj) -> Result<WidgetDef, String> {
    let id = o.string("id")?;
    let read = || -> Result<WidgetDef, String> {
        Ok(WidgetDef {
            id: id.clone(),
            name: o.string("name")?,
            kind: kind_from_json(&o.obj("kind")?)?,
            state: o.opt_obj("state")?.map(|s| state_binding(&s)).transpose()?,
            command: o.opt_obj("command")?.map(|c| command_binding(&c)).transpose()?,
            availability: match o.opt_obj("availability")? {
                Some(a) => availability(&a)?,
                None => Availability::default(),
            },
            unit: o.opt_string("unit")?,
            device_class: o.opt_string("device_class")?,
            device: o.opt_obj("device")?.map(|d| device(&d)).transpose()?,
        })
    };
    read().map_err(|e| format!("widget \"{id}\": {e}"))
}

fn state_binding(o: &Obj) -> Result<StateBinding, String> {
    Ok(StateBinding {
        topic: o.string("topic")?,
        extract: o.extractor("extract")?,
    })
}

fn command_binding(o: &Obj) -> Result<CommandBinding, String> {
    Ok(CommandBinding {
        topic: o.string("topic")?,
        template: match o.opt_string("template")? {
            Some(t) => Some(Template::parse(&t).map_err(|e| format!("template: {e}"))?),
            None => None,
        },
        qos: u8::try_from(o.count_or("qos", 0)?).map_err(|_| o.wrong("qos", "0, 1 or 2"))?,
        retain: o.bool_or("retain", false)?,
    })
}

fn availability(o: &Obj) -> Result<Availability, String> {
    let topics = o
        .list("topics")?
        .iter()
        .map(|t| {
            Ok(AvailabilityTopic {
                topic: t.string("topic")?,
                payload_available: t.string_or("payload_available", "online")?,
                payload_not_available: t.string_or("payload_not_available", "offline")?,
                extract: t.extractor("extract")?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mode = match o.opt_string("mode")?.as_deref() {
        None | Some("latest") => AvailabilityMode::Latest,
        Some("all") => AvailabilityMode::All,
        Some("any") => AvailabilityMode::Any,
        Some(other) => return Err(format!("availability mode \"{other}\" is not all, any or latest")),
    };
    Ok(Availability { topics, mode })
}

fn device(o: &Obj) -> Result<DeviceInfo, String> {
    Ok(DeviceInfo {
        id: o.string("id")?,
        name: o.string("name")?,
        model: o.opt_string("model")?,
        manufacturer: o.opt_string("manufacturer")?,
    })
}

fn kind_from_json(o: &Obj) -> Result<WidgetKind, String> {
    let name = o.string("type")?;
    let o = Obj {
        what: name.as_str(),
        ..*o
    };
    Ok(match name.as_str() {
        "switch" => WidgetKind::Switch(on_off(&o)?),
        "button" => WidgetKind::Button {
            payload: o.string("payload")?,
        },
        "slider" => WidgetKind::Slider {
            min: o.num("min")?,
            max: o.num("max")?,
            step: o.num("step")?,
        },
        "number" => WidgetKind::Number {
            min: o.opt_num("min")?,
            max: o.opt_num("max")?,
            step: o.num("step")?,
        },
        "select" => WidgetKind::Select {
            options: o.strings("options")?,
        },
        "sensor" => WidgetKind::Sensor,
        "binary_sensor" => WidgetKind::BinarySensor {
            state_on: o.string("state_on")?,
            state_off: o.string("state_off")?,
        },
        "gauge" => WidgetKind::Gauge {
            min: o.num("min")?,
            max: o.num("max")?,
        },
        "chart" => WidgetKind::Chart {
            history: o.count("history")?,
        },
        "light" => WidgetKind::Light {
            on_off: on_off(&o.obj("on_off")?)?,
            brightness: match o.opt_obj("brightness")? {
                Some(b) => Some(Brightness {
                    channel: channel(&b)?,
                    scale: b.num_or("scale", 255.0)?,
                }),
                None => None,
            },
        },
        "cover" => WidgetKind::Cover {
            payloads: cover_payloads(&o.obj("payloads")?)?,
            position: match o.opt_obj("position")? {
                Some(p) => Some(CoverPosition {
                    channel: channel(&p)?,
                    open: p.num_or("open", 100.0)?,
                    closed: p.num_or("closed", 0.0)?,
                }),
                None => None,
            },
        },
        "climate" => {
            let target = o.obj("target")?;
            WidgetKind::Climate {
                modes: o.strings("modes")?,
                mode: channel(&o.obj("mode")?)?,
                target: Ranged {
                    channel: channel(&target)?,
                    min: target.num("min")?,
                    max: target.num("max")?,
                    step: target.num("step")?,
                },
                current: o.opt_obj("current")?.map(|c| state_binding(&c)).transpose()?,
            }
        }
        other => return Err(format!("unknown widget type \"{other}\"")),
    })
}

fn on_off(o: &Obj) -> Result<OnOff, String> {
    Ok(OnOff {
        payload_on: o.string_or("payload_on", "ON")?,
        payload_off: o.string_or("payload_off", "OFF")?,
        state_on: o.string_or("state_on", "ON")?,
        state_off: o.string_or("state_off", "OFF")?,
    })
}

fn cover_payloads(o: &Obj) -> Result<CoverPayloads, String> {
    Ok(CoverPayloads {
        payload_open: o.opt_string("payload_open")?,
        payload_close: o.opt_string("payload_close")?,
        payload_stop: o.opt_string("payload_stop")?,
        state_open: o.string("state_open")?,
        state_closed: o.string("state_closed")?,
        state_opening: o.string("state_opening")?,
        state_closing: o.string("state_closing")?,
        state_stopped: o.string("state_stopped")?,
    })
}

/// A channel's fields sit in the object that holds it (they were flattened when written).
fn channel(o: &Obj) -> Result<Channel, String> {
    Ok(Channel {
        state: o.opt_obj("state")?.map(|s| state_binding(&s)).transpose()?,
        command: o.opt_obj("command")?.map(|c| command_binding(&c)).transpose()?,
    })
}

/// An object being read, and what it is called in error messages. A `null` counts as absent,
/// as it does for the derived readers' optional fields.
#[derive(Clone, Copy)]
pub(in crate::model::panel) struct Obj<'a> {
    map: &'a Object,
    what: &'a str,
}

impl<'a> Obj<'a> {
    pub(in crate::model::panel) fn new(value: &'a Json, what: &'a str) -> Result<Obj<'a>, String> {
        match value {
            Json::Object(map) => Ok(Obj { map, what }),
            _ => Err(format!("{what}: expected an object")),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Json> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn missing(&self, key: &str) -> String {
        format!("{}: missing field \"{key}\"", self.what)
    }

    pub(in crate::model::panel) fn wrong(&self, key: &str, expected: &str) -> String {
        format!("{}: \"{key}\" should be {expected}", self.what)
    }

    pub(in crate::model::panel) fn string(&self, key: &str) -> Result<String, String> {
        self.opt_string(key)?.ok_or_else(|| self.missing(key))
    }

    fn string_or(&self, key: &str, default: &str) -> Result<String, String> {
        Ok(self.opt_string(key)?.unwrap_or_else(|| default.to_string()))
    }

    fn opt_num(&self, key: &str) -> Result<Option<f64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_f64().map(Some).ok_or_else(|| self.wrong(key, "a number")),
        }
    }

    fn num(&self, key: &str) -> Result<f64, String> {
        self.opt_num(key)?.ok_or_else(|| self.missing(key))
    }

    fn num_or(&self, key: &str, default: f64) -> Result<f64, String> {
        Ok(self.opt_num(key)?.unwrap_or(default))
    }

    pub(in crate::model::panel) fn count(&self, key: &str) -> Result<usize, String> {
        let v = self.get(key).ok_or_else(|| self.missing(key))?;
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| self.wrong(key, "a whole number of at least 0"))
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        let Json::Array(items) = self.get(key).ok_or_else(|| self.missing(key))? else {
            return Err(self.wrong(key, "a list of strings"));
        };
        items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.wrong(key, "a list of strings"))
            })
            .collect()
    }

    fn opt_obj(&self, key: &'a str) -> Result<Option<Obj<'a>>, String> {
        self.get(key).map(|v| Obj::new(v, key)).transpose()
    }

    pub(in crate::model::panel) fn obj(&self, key: &'a str) -> Result<Obj<'a>, String> {
        self.opt_obj(key)?.ok_or_else(|| self.missing(key))
    }

    pub(in crate::model::panel) fn opt_string(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    pub(in crate::model::panel) fn count_or(&self, key: &str, default: usize) -> Result<usize, String> {
        match self.get(key) {
            None => Ok(default),
            Some(_) => self.count(key),
        }
    }

    fn bool_or(&self, key: &str, default: bool) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.as_bool().ok_or_else(|| self.wrong(key, "true or false")),
        }
    }

    /// A list of objects; absent means empty.
    pub(in crate::model::panel) fn list(&self, key: &'a str) -> Result<Vec<Obj<'a>>, String> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) => items.iter().map(|v| Obj::new(v, key)).collect(),
            Some(_) => Err(self.wrong(key, "a list")),
        }
    }

    /// An extractor in its written form (a JSON path or a template); absent means the whole payload.
    fn extractor(&self, key: &str) -> Result<Extractor, String> {
        match self.opt_string(key)? {
            None => Ok(Extractor::default()),
            Some(text) => Extractor::parse(&text).map_err(|e| format!("{}: {key}: {e}", self.what)),
        }
    }
}
