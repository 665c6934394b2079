//! Widget definitions: what a panel shows and which topics it reads and writes. Written as JSON
//! (localStorage, export, sharing) by `write` and read back by `read`; the serde derive stays for
//! tests, which check the hand-written form against it.

use std::fmt;

use serde::Serialize;

use super::binding::{Availability, Channel, CommandBinding, DeviceInfo, StateBinding};
use crate::model::number::short;
use crate::mqtt::topic::validate_topic;

fn on() -> String {
    "ON".into()
}

fn off() -> String {
    "OFF".into()
}

/// The payloads of an on/off control: what to send, and what the state topic reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OnOff {
    pub payload_on: String,
    pub payload_off: String,
    pub state_on: String,
    pub state_off: String,
}

impl Default for OnOff {
    fn default() -> Self {
        OnOff {
            payload_on: on(),
            payload_off: off(),
            state_on: on(),
            state_off: off(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Brightness {
    #[serde(flatten)]
    pub channel: Channel,
    /// The device's full brightness (Home Assistant's `brightness_scale`, default 255).
    pub scale: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverPosition {
    #[serde(flatten)]
    pub channel: Channel,
    /// Device values for fully open and fully closed; the widget shows 0-100 % between them.
    pub open: f64,
    pub closed: f64,
}

/// What a cover sends and reports. A `None` payload means the device has no such button.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverPayloads {
    pub payload_open: Option<String>,
    pub payload_close: Option<String>,
    pub payload_stop: Option<String>,
    pub state_open: String,
    pub state_closed: String,
    pub state_opening: String,
    pub state_closing: String,
    pub state_stopped: String,
}

impl Default for CoverPayloads {
    fn default() -> Self {
        CoverPayloads {
            payload_open: Some("OPEN".into()),
            payload_close: Some("CLOSE".into()),
            payload_stop: Some("STOP".into()),
            state_open: "open".into(),
            state_closed: "closed".into(),
            state_opening: "opening".into(),
            state_closing: "closing".into(),
            state_stopped: "stopped".into(),
        }
    }
}

/// A settable number within a range (a thermostat's target temperature).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranged {
    #[serde(flatten)]
    pub channel: Channel,
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

/// What the widget is. Simple kinds use the widget's own `state` and `command`; compound kinds
/// (light, cover, climate) carry their extra channels here.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WidgetKind {
    /// On/off with a command; shows the commanded state until the state topic confirms it.
    Switch(OnOff),
    /// Sends one payload when pressed.
    Button {
        payload: String,
    },
    /// A range control. The UI sends one command when the user lets go, not while dragging.
    Slider {
        min: f64,
        max: f64,
        step: f64,
    },
    /// A number field; either bound may be open.
    Number {
        min: Option<f64>,
        max: Option<f64>,
        step: f64,
    },
    Select {
        options: Vec<String>,
    },
    /// A read-only value shown as text (with the widget's unit).
    Sensor,
    BinarySensor {
        state_on: String,
        state_off: String,
    },
    Gauge {
        min: f64,
        max: f64,
    },
    /// A read-only number with its recent history; `history` is how many samples are kept.
    Chart {
        history: usize,
    },
    Light {
        on_off: OnOff,
        brightness: Option<Brightness>,
    },
    Cover {
        payloads: CoverPayloads,
        position: Option<CoverPosition>,
    },
    /// `current` is the measured temperature; the widget's own unit applies to both temperatures.
    Climate {
        modes: Vec<String>,
        mode: Channel,
        target: Ranged,
        current: Option<StateBinding>,
    },
}

/// The kind names a "new widget" form offers, in order.
pub const KIND_NAMES: [&str; 12] = [
    "switch",
    "button",
    "slider",
    "number",
    "select",
    "sensor",
    "binary_sensor",
    "gauge",
    "chart",
    "light",
    "cover",
    "climate",
];

impl WidgetKind {
    /// A kind with sensible defaults, for a "new widget" form; `None` for an unknown name.
    pub fn with_defaults(name: &str) -> Option<WidgetKind> {
        Some(match name {
            "switch" => WidgetKind::Switch(OnOff::default()),
            "button" => WidgetKind::Button {
                payload: "PRESS".into(),
            },
            "slider" => WidgetKind::Slider {
                min: 0.0,
                max: 100.0,
                step: 1.0,
            },
            "number" => WidgetKind::Number {
                min: None,
                max: None,
                step: 1.0,
            },
            "select" => WidgetKind::Select { options: vec![] },
            "sensor" => WidgetKind::Sensor,
            "binary_sensor" => WidgetKind::BinarySensor {
                state_on: on(),
                state_off: off(),
            },
            "gauge" => WidgetKind::Gauge { min: 0.0, max: 100.0 },
            "chart" => WidgetKind::Chart { history: 60 },
            "light" => WidgetKind::Light {
                on_off: OnOff::default(),
                brightness: None,
            },
            "cover" => WidgetKind::Cover {
                payloads: CoverPayloads::default(),
                position: None,
            },
            "climate" => WidgetKind::Climate {
                modes: vec!["off".into(), "heat".into(), "auto".into()],
                mode: Channel::default(),
                target: Ranged {
                    channel: Channel::default(),
                    min: 7.0,
                    max: 35.0,
                    step: 0.5,
                },
                current: None,
            },
            _ => return None,
        })
    }

    /// The kind's name as in [`KIND_NAMES`].
    pub fn name(&self) -> &'static str {
        match self {
            WidgetKind::Switch(_) => "switch",
            WidgetKind::Button { .. } => "button",
            WidgetKind::Slider { .. } => "slider",
            WidgetKind::Number { .. } => "number",
            WidgetKind::Select { .. } => "select",
            WidgetKind::Sensor => "sensor",
            WidgetKind::BinarySensor { .. } => "binary_sensor",
            WidgetKind::Gauge { .. } => "gauge",
            WidgetKind::Chart { .. } => "chart",
            WidgetKind::Light { .. } => "light",
            WidgetKind::Cover { .. } => "cover",
            WidgetKind::Climate { .. } => "climate",
        }
    }
}

/// One value of a widget that a state topic can update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// The widget's own `state` (on/off, the sensor reading, the cover's state...).
    Main,
    Brightness,
    Position,
    Mode,
    Target,
    Current,
}

impl Part {
    /// Every part, in declaration order: `part as usize` indexes this list.
    pub const ALL: [Part; 6] = [
        Part::Main,
        Part::Brightness,
        Part::Position,
        Part::Mode,
        Part::Target,
        Part::Current,
    ];
    /// The parts a command can set: a climate's current temperature is only ever read.
    pub const SETTABLE: [Part; 5] = [
        Part::Main,
        Part::Brightness,
        Part::Position,
        Part::Mode,
        Part::Target,
    ];
}

/// A widget as stored in a panel or found by discovery.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WidgetDef {
    /// Unique among all widgets the runtime knows.
    pub id: String,
    pub name: String,
    pub kind: WidgetKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StateBinding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandBinding>,
    #[serde(default)]
    pub availability: Availability,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Home Assistant's device class (`temperature`, `door`...), a hint for icons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceInfo>,
}

/// A widget definition that cannot work: the fault of whoever wrote it (the user's form, an
/// imported file, a discovery document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetError {
    pub widget: String,
    pub reason: String,
}

impl fmt::Display for WidgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Widget \"{}\": {}", self.widget, self.reason)
    }
}

impl std::error::Error for WidgetError {}

impl WidgetDef {
    /// A widget with no topics yet; the form fills them in.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: WidgetKind) -> Self {
        WidgetDef {
            id: id.into(),
            name: name.into(),
            kind,
            state: None,
            command: None,
            availability: Availability::default(),
            unit: None,
            device_class: None,
            device: None,
        }
    }

    /// Every state binding with the part it updates.
    pub fn state_bindings(&self) -> Vec<(Part, &StateBinding)> {
        let mut out: Vec<(Part, &StateBinding)> = self.state.iter().map(|s| (Part::Main, s)).collect();
        let extra: [(Part, Option<&StateBinding>); 3] = match &self.kind {
            WidgetKind::Light {
                brightness: Some(b), ..
            } => [
                (Part::Brightness, b.channel.state.as_ref()),
                (Part::Main, None),
                (Part::Main, None),
            ],
            WidgetKind::Cover {
                position: Some(p), ..
            } => [
                (Part::Position, p.channel.state.as_ref()),
                (Part::Main, None),
                (Part::Main, None),
            ],
            WidgetKind::Climate {
                mode,
                target,
                current,
                ..
            } => [
                (Part::Mode, mode.state.as_ref()),
                (Part::Target, target.channel.state.as_ref()),
                (Part::Current, current.as_ref()),
            ],
            _ => [(Part::Main, None), (Part::Main, None), (Part::Main, None)],
        };
        out.extend(extra.into_iter().filter_map(|(p, s)| s.map(|s| (p, s))));
        out
    }

    pub fn state_binding(&self, part: Part) -> Option<&StateBinding> {
        self.state_bindings()
            .into_iter()
            .find(|(p, _)| *p == part)
            .map(|(_, s)| s)
    }

    /// The command binding that sets `part`; a cover's position and a climate's mode and target
    /// have their own, everything else uses the widget's `command`.
    pub fn command_binding(&self, part: Part) -> Option<&CommandBinding> {
        match (part, &self.kind) {
            (Part::Main, _) => self.command.as_ref(),
            (
                Part::Brightness,
                WidgetKind::Light {
                    brightness: Some(b), ..
                },
            ) => b.channel.command.as_ref(),
            (
                Part::Position,
                WidgetKind::Cover {
                    position: Some(p), ..
                },
            ) => p.channel.command.as_ref(),
            (Part::Mode, WidgetKind::Climate { mode, .. }) => mode.command.as_ref(),
            (Part::Target, WidgetKind::Climate { target, .. }) => target.channel.command.as_ref(),
            _ => None,
        }
    }

    /// True when nothing about the widget can be set, so the UI shows no controls.
    pub fn is_read_only(&self) -> bool {
        Part::SETTABLE.iter().all(|p| self.command_binding(*p).is_none())
    }

    /// Checks what reading the JSON cannot: topics, ranges, options, QoS.
    pub fn validate(&self) -> Result<(), WidgetError> {
        let label = if self.id.is_empty() {
            self.name.clone()
        } else {
            self.id.clone()
        };
        let bad = |reason: String| {
            Err(WidgetError {
                widget: label.clone(),
                reason,
            })
        };
        if self.id.trim().is_empty() {
            return bad("the id is empty".into());
        }
        for (_, s) in self.state_bindings() {
            if let Err(e) = validate_topic(&s.topic) {
                return bad(format!("state topic: {e}"));
            }
        }
        for part in Part::SETTABLE {
            if let Some(c) = self.command_binding(part) {
                if let Err(e) = validate_topic(&c.topic) {
                    return bad(format!("command topic: {e}"));
                }
                if c.qos > 2 {
                    return bad(format!("QoS {} is not 0, 1 or 2", c.qos));
                }
            }
        }
        for a in &self.availability.topics {
            if let Err(e) = validate_topic(&a.topic) {
                return bad(format!("availability topic: {e}"));
            }
        }
        let range = |min: f64, max: f64, what: &str| -> Result<(), WidgetError> {
            if !(min.is_finite() && max.is_finite() && min < max) {
                return bad(format!(
                    "{what}: min {} must be below max {}",
                    short(min),
                    short(max)
                ));
            }
            Ok(())
        };
        let step_ok = |step: f64| step.is_finite() && step > 0.0;
        match &self.kind {
            WidgetKind::Slider { min, max, step } => {
                range(*min, *max, "slider")?;
                if !step_ok(*step) {
                    return bad(format!("step {} must be above 0", short(*step)));
                }
            }
            WidgetKind::Number { min, max, step } => {
                if let (Some(lo), Some(hi)) = (min, max) {
                    range(*lo, *hi, "number")?;
                }
                if !step_ok(*step) {
                    return bad(format!("step {} must be above 0", short(*step)));
                }
            }
            WidgetKind::Gauge { min, max } => range(*min, *max, "gauge")?,
            WidgetKind::Select { options } if options.is_empty() => {
                return bad("a select needs options".into())
            }
            WidgetKind::Chart { history } if !(2..=10_000).contains(history) => {
                return bad(format!("chart history {history} must be between 2 and 10000"))
            }
            WidgetKind::Light {
                brightness: Some(b), ..
            } if !(b.scale.is_finite() && b.scale > 0.0) => {
                return bad("brightness scale must be above 0".into())
            }
            WidgetKind::Cover {
                position: Some(p), ..
            } if p.open == p.closed || !p.open.is_finite() => {
                return bad("cover positions for open and closed must differ".into())
            }
            WidgetKind::Climate { target, .. } => {
                range(target.min, target.max, "target temperature")?;
                if !step_ok(target.step) {
                    return bad(format!("step {} must be above 0", short(target.step)));
                }
            }
            _ => {}
        }
        let needs_command = matches!(self.kind, WidgetKind::Button { .. });
        if needs_command && self.command.is_none() {
            return bad("a button needs a command topic".into());
        }
        Ok(())
    }
}
