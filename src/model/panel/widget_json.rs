//! Reading a widget kind from JSON by hand. The derived reader for an internally tagged enum
//! with flattened fields buffers every value twice and was the largest function in the
//! bundle; this one reads the same documents (`{"type": "slider", "min": 0, ...}`) from a
//! `Value` with a few small helpers. Writing stays derived.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::binding::{Channel, CommandBinding, StateBinding};
use super::widget::{Brightness, CoverPayloads, CoverPosition, OnOff, Ranged, WidgetKind};

impl<'de> Deserialize<'de> for WidgetKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        kind_from_json(&value).map_err(serde::de::Error::custom)
    }
}

fn kind_from_json(value: &Value) -> Result<WidgetKind, String> {
    let o = Obj::new(value, "kind")?;
    let name = o.string("type")?;
    let o = Obj {
        what: name.as_str(),
        ..o
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
                current: o.nested::<StateBinding>("current")?,
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
        state: o.nested::<StateBinding>("state")?,
        command: o.nested::<CommandBinding>("command")?,
    })
}

/// An object being read, and what it is called in error messages. A `null` counts as absent,
/// as it does for the derived readers' optional fields.
#[derive(Clone, Copy)]
struct Obj<'a> {
    map: &'a Map<String, Value>,
    what: &'a str,
}

impl<'a> Obj<'a> {
    fn new(value: &'a Value, what: &'a str) -> Result<Obj<'a>, String> {
        match value {
            Value::Object(map) => Ok(Obj { map, what }),
            _ => Err(format!("{what}: expected an object")),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn missing(&self, key: &str) -> String {
        format!("{}: missing field \"{key}\"", self.what)
    }

    fn wrong(&self, key: &str, expected: &str) -> String {
        format!("{}: \"{key}\" should be {expected}", self.what)
    }

    fn opt_string(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(key, "a string")),
        }
    }

    fn string(&self, key: &str) -> Result<String, String> {
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

    fn count(&self, key: &str) -> Result<usize, String> {
        let v = self.get(key).ok_or_else(|| self.missing(key))?;
        v.as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| self.wrong(key, "a whole number of at least 0"))
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        let Value::Array(items) = self.get(key).ok_or_else(|| self.missing(key))? else {
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

    fn obj(&self, key: &'a str) -> Result<Obj<'a>, String> {
        self.opt_obj(key)?.ok_or_else(|| self.missing(key))
    }

    /// A part that keeps its derived reader (bindings are read the same way everywhere).
    fn nested<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, String> {
        self.get(key)
            .map(|v| serde_json::from_value(v.clone()).map_err(|e| format!("{}: \"{key}\": {e}", self.what)))
            .transpose()
    }
}
