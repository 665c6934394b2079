//! Zigbee2MQTT's specific exposes (light, cover, climate) as compound widgets.

use crate::model::json::{Json, Object};

use super::skip::SkipReason;
use super::z2m_expose::{access, feature, label, property, value_text, Ctx, ACCESS_SET, ACCESS_STATE};
use crate::model::panel::widget::{
    Brightness, Channel, CoverPayloads, CoverPosition, OnOff, Ranged, WidgetDef, WidgetKind,
};

/// A compound widget and the names of the features it took, or `None` when its key feature is missing.
pub(super) type Compound = Result<Option<(WidgetDef, Vec<String>)>, SkipReason>;
pub(super) type Builder = fn(&Ctx, &Object, &[&Object]) -> Compound;

pub(super) fn light(ctx: &Ctx, e: &Object, fs: &[&Object]) -> Compound {
    let Some(state) = feature(fs, "state") else {
        return Ok(None);
    };
    let Some(prop) = property(state) else {
        return Ok(None);
    };
    let (on, off) = (
        state.get("value_on").unwrap_or(&Json::Null),
        state.get("value_off").unwrap_or(&Json::Null),
    );
    let on_off = OnOff {
        payload_on: value_text(on),
        payload_off: value_text(off),
        state_on: value_text(on),
        state_off: value_text(off),
    };
    let mut used = vec!["state".to_string()];
    let brightness = match feature(fs, "brightness").and_then(|b| Some((b, property(b)?))) {
        Some((b, bprop)) => {
            used.push("brightness".into());
            let settable = access(b) & ACCESS_SET != 0;
            Some(Brightness {
                channel: Channel {
                    state: (access(b) & ACCESS_STATE != 0).then(|| ctx.read(bprop)),
                    command: if settable {
                        Some(ctx.set(bprop, false)?)
                    } else {
                        None
                    },
                },
                scale: b
                    .get("value_max")
                    .and_then(Json::as_f64)
                    .filter(|m| *m > 0.0)
                    .unwrap_or(254.0),
            })
        }
        None => None,
    };
    let mut w = ctx.widget(prop, label(e, "light"), WidgetKind::Light { on_off, brightness });
    w.state = (access(state) & ACCESS_STATE != 0).then(|| ctx.read(prop));
    w.command = if access(state) & ACCESS_SET != 0 {
        Some(ctx.set(prop, on.is_string())?)
    } else {
        None
    };
    Ok(Some((w, used)))
}

pub(super) fn cover(ctx: &Ctx, e: &Object, fs: &[&Object]) -> Compound {
    let Some(state) = feature(fs, "state") else {
        return Ok(None);
    };
    let Some(prop) = property(state) else {
        return Ok(None);
    };
    let mut used = vec!["state".to_string()];
    let position = match feature(fs, "position").and_then(|p| Some((p, property(p)?))) {
        Some((p, pprop)) => {
            used.push("position".into());
            Some(CoverPosition {
                channel: Channel {
                    state: (access(p) & ACCESS_STATE != 0).then(|| ctx.read(pprop)),
                    command: if access(p) & ACCESS_SET != 0 {
                        Some(ctx.set(pprop, false)?)
                    } else {
                        None
                    },
                },
                open: 100.0,
                closed: 0.0,
            })
        }
        None => None,
    };
    let settable = access(state) & ACCESS_SET != 0;
    let payload = |p: &str| settable.then(|| p.to_string());
    let payloads = CoverPayloads {
        payload_open: payload("OPEN"),
        payload_close: payload("CLOSE"),
        payload_stop: payload("STOP"),
        state_open: "OPEN".into(),
        state_closed: "CLOSE".into(),
        ..CoverPayloads::default()
    };
    let mut w = ctx.widget(prop, label(e, "cover"), WidgetKind::Cover { payloads, position });
    w.state = (access(state) & ACCESS_STATE != 0).then(|| ctx.read(prop));
    w.command = if settable {
        Some(ctx.set(prop, true)?)
    } else {
        None
    };
    Ok(Some((w, used)))
}

pub(super) fn climate(ctx: &Ctx, e: &Object, fs: &[&Object]) -> Compound {
    let setpoint = ["occupied_heating_setpoint", "current_heating_setpoint"]
        .iter()
        .find_map(|n| feature(fs, n));
    let Some(sp) = setpoint else { return Ok(None) };
    let Some(sp_prop) = property(sp) else {
        return Ok(None);
    };
    let sp_name = sp
        .get("name")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string();
    let mut used = vec![sp_name];
    let mode = feature(fs, "system_mode").and_then(|m| Some((m, property(m)?)));
    let mut modes = vec![];
    let mode_channel = match mode {
        Some((m, mprop)) => {
            used.push("system_mode".into());
            modes = m
                .get("values")
                .and_then(Json::as_array)
                .map(|v| v.iter().map(value_text).collect())
                .unwrap_or_default();
            Channel {
                state: (access(m) & ACCESS_STATE != 0).then(|| ctx.read(mprop)),
                command: if access(m) & ACCESS_SET != 0 {
                    Some(ctx.set(mprop, true)?)
                } else {
                    None
                },
            }
        }
        None => Channel::default(),
    };
    let current = feature(fs, "local_temperature")
        .and_then(property)
        .map(|p| ctx.read(p));
    if current.is_some() {
        used.push("local_temperature".into());
    }
    let num = |k: &str, d: f64| sp.get(k).and_then(Json::as_f64).unwrap_or(d);
    let target = Ranged {
        channel: Channel {
            state: (access(sp) & ACCESS_STATE != 0).then(|| ctx.read(sp_prop)),
            command: if access(sp) & ACCESS_SET != 0 {
                Some(ctx.set(sp_prop, false)?)
            } else {
                None
            },
        },
        min: num("value_min", 5.0),
        max: num("value_max", 35.0),
        step: num("value_step", 0.5),
    };
    let mut w = ctx.widget(
        sp_prop,
        label(e, "thermostat"),
        WidgetKind::Climate {
            modes,
            mode: mode_channel,
            target,
            current,
        },
    );
    w.unit = sp.get("unit").and_then(Json::as_str).map(str::to_string);
    Ok(Some((w, used)))
}
