//! Turning a user's action on a widget into the publishes to send.

use std::fmt;

use crate::model::number::short;
use crate::model::panel::widget::{CommandBinding, Part, WidgetDef, WidgetKind};

/// What the user did to a widget.
#[derive(Debug, Clone, PartialEq)]
pub enum WidgetInput {
    /// Switch or light: flip what is shown (unknown counts as off).
    Toggle,
    /// Switch or light: turn on (true) or off.
    Set(bool),
    /// Button.
    Press,
    /// Slider or number. For a slider, send only the value where the user let go (the `change`
    /// event, not `input`): every command is a publish, and a device may act on each one.
    Number(f64),
    /// Select: one of its options.
    Choose(String),
    /// Light: a brightness between 0 and the light's scale.
    Brightness(f64),
    Cover(CoverAction),
    /// Cover: 0 (closed) to 100 (open) percent.
    Position(f64),
    /// Climate: one of its modes.
    Mode(String),
    /// Climate: the target temperature.
    Target(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverAction {
    Open,
    Close,
    Stop,
}

/// A message to publish for a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingPublish {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub retain: bool,
}

/// Why a command was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// No widget has this id: the UI's fault.
    UnknownWidget(String),
    /// The input does not fit the widget (out of range, not an option, wrong kind): the UI's or the
    /// user's fault.
    Rejected(String),
    /// The widget cannot send it (no command topic, a template that fails): its definition's fault.
    Definition(String),
    /// The device reports itself offline.
    Unavailable,
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::UnknownWidget(id) => write!(f, "No widget \"{id}\""),
            CommandError::Rejected(why) => f.write_str(why),
            CommandError::Definition(why) => write!(f, "The widget cannot send this: {why}"),
            CommandError::Unavailable => f.write_str("The device is offline"),
        }
    }
}

impl std::error::Error for CommandError {}

/// The publishes for an input, and the value the commanded part should then show.
pub(super) struct Planned {
    pub publishes: Vec<OutgoingPublish>,
    pub expect: Option<(Part, String)>,
}

fn snap(v: f64, base: f64, step: f64) -> f64 {
    if step > 0.0 {
        base + ((v - base) / step).round() * step
    } else {
        v
    }
}

fn rejected<T>(why: impl Into<String>) -> Result<T, CommandError> {
    Err(CommandError::Rejected(why.into()))
}

fn publish(def: &WidgetDef, part: Part, value: &str) -> Result<OutgoingPublish, CommandError> {
    let binding: &CommandBinding = def
        .command_binding(part)
        .ok_or_else(|| CommandError::Definition(format!("\"{}\" has no command topic for this", def.name)))?;
    let payload = match &binding.template {
        Some(t) => t
            .render_command(value)
            .map_err(|e| CommandError::Definition(format!("command template: {e}")))?,
        None => value.to_string(),
    };
    Ok(OutgoingPublish {
        topic: binding.topic.clone(),
        payload: payload.into_bytes(),
        qos: binding.qos.min(2),
        retain: binding.retain,
    })
}

fn in_range(v: f64, min: Option<f64>, max: Option<f64>) -> Result<(), CommandError> {
    if !v.is_finite() {
        return rejected("not a number");
    }
    if let Some(lo) = min.filter(|lo| v < *lo) {
        return rejected(format!("{} is below the minimum {}", short(v), short(lo)));
    }
    if let Some(hi) = max.filter(|hi| v > *hi) {
        return rejected(format!("{} is above the maximum {}", short(v), short(hi)));
    }
    Ok(())
}

pub(super) fn plan(
    def: &WidgetDef,
    input: WidgetInput,
    current_on: Option<bool>,
) -> Result<Planned, CommandError> {
    let one = |part: Part, value: String, expect: Option<String>| -> Result<Planned, CommandError> {
        let p = publish(def, part, &value)?;
        Ok(Planned {
            publishes: vec![p],
            expect: expect.map(|e| (part, e)),
        })
    };
    let settable = |v: f64| short(v);
    match (&def.kind, input) {
        (
            WidgetKind::Switch(oo) | WidgetKind::Light { on_off: oo, .. },
            input @ (WidgetInput::Toggle | WidgetInput::Set(_)),
        ) => {
            // A toggle is resolved here rather than sent as a toggle payload, so that the
            // optimistic state is known.
            let on = match input {
                WidgetInput::Set(v) => v,
                _ => !current_on.unwrap_or(false),
            };
            let (payload, state) = if on {
                (&oo.payload_on, &oo.state_on)
            } else {
                (&oo.payload_off, &oo.state_off)
            };
            one(Part::Main, payload.clone(), Some(state.clone()))
        }
        (WidgetKind::Button { payload }, WidgetInput::Press) => one(Part::Main, payload.clone(), None),
        (WidgetKind::Slider { min, max, step }, WidgetInput::Number(v)) => {
            let v = snap(v, *min, *step);
            in_range(v, Some(*min), Some(*max))?;
            one(Part::Main, settable(v), Some(settable(v)))
        }
        (WidgetKind::Number { min, max, step }, WidgetInput::Number(v)) => {
            let v = snap(v, min.unwrap_or(0.0), *step);
            in_range(v, *min, *max)?;
            one(Part::Main, settable(v), Some(settable(v)))
        }
        (WidgetKind::Select { options }, WidgetInput::Choose(o)) => {
            if !options.contains(&o) {
                return rejected(format!("\"{o}\" is not one of the options"));
            }
            one(Part::Main, o.clone(), Some(o))
        }
        (WidgetKind::Light { brightness, .. }, WidgetInput::Brightness(b)) => {
            let Some(br) = brightness else {
                return Err(CommandError::Definition(format!(
                    "\"{}\" has no brightness",
                    def.name
                )));
            };
            in_range(b, Some(0.0), Some(br.scale))?;
            one(Part::Brightness, settable(b.round()), Some(settable(b.round())))
        }
        (WidgetKind::Cover { payloads, .. }, WidgetInput::Cover(action)) => {
            let (payload, what) = match action {
                CoverAction::Open => (&payloads.payload_open, "open"),
                CoverAction::Close => (&payloads.payload_close, "close"),
                CoverAction::Stop => (&payloads.payload_stop, "stop"),
            };
            match payload {
                Some(p) => one(Part::Main, p.clone(), None),
                None => rejected(format!("this cover has no {what} command")),
            }
        }
        (WidgetKind::Cover { position, .. }, WidgetInput::Position(pct)) => {
            let Some(pos) = position else {
                return Err(CommandError::Definition(format!(
                    "\"{}\" has no position",
                    def.name
                )));
            };
            in_range(pct, Some(0.0), Some(100.0))?;
            let device = (pos.closed + (pos.open - pos.closed) * pct / 100.0).round();
            one(Part::Position, settable(device), Some(settable(device)))
        }
        (WidgetKind::Climate { modes, .. }, WidgetInput::Mode(m)) => {
            if !modes.contains(&m) {
                return rejected(format!("\"{m}\" is not one of the modes"));
            }
            one(Part::Mode, m.clone(), Some(m))
        }
        (WidgetKind::Climate { target, .. }, WidgetInput::Target(t)) => {
            let t = snap(t, target.min, target.step);
            in_range(t, Some(target.min), Some(target.max))?;
            one(Part::Target, settable(t), Some(settable(t)))
        }
        (kind, input) => rejected(format!(
            "a {} does not take {}",
            kind.name().replace('_', " "),
            describe(&input)
        )),
    }
}

fn describe(input: &WidgetInput) -> &'static str {
    match input {
        WidgetInput::Toggle | WidgetInput::Set(_) => "on/off",
        WidgetInput::Press => "a press",
        WidgetInput::Number(_) => "a number",
        WidgetInput::Choose(_) => "an option",
        WidgetInput::Brightness(_) => "a brightness",
        WidgetInput::Cover(_) => "open/close/stop",
        WidgetInput::Position(_) => "a position",
        WidgetInput::Mode(_) => "a mode",
        WidgetInput::Target(_) => "a target temperature",
    }
}
