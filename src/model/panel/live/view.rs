//! A read-only view of one widget and its live state, with the questions a UI asks of it.

use std::collections::VecDeque;

use crate::model::number::within;
use crate::model::panel::widget::{Part, WidgetDef, WidgetKind};

use super::state::{PartState, Sample, WidgetState};

/// What a cover is doing, as its state topic reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoverState {
    Open,
    Closed,
    Opening,
    Closing,
    Stopped,
    /// A report that matches none of the configured states.
    Other(String),
}

/// Devices disagree on `true`, `True` and `TRUE`; all spell the same state.
fn same_state(reported: &str, configured: &str) -> bool {
    reported == configured
        || (matches!(configured.to_ascii_lowercase().as_str(), "true" | "false")
            && reported.eq_ignore_ascii_case(configured))
}

#[derive(Debug, Clone, Copy)]
pub struct WidgetView<'a> {
    def: &'a WidgetDef,
    state: &'a WidgetState,
}

impl<'a> WidgetView<'a> {
    pub(super) fn new(def: &'a WidgetDef, state: &'a WidgetState) -> Self {
        WidgetView { def, state }
    }

    pub fn def(&self) -> &'a WidgetDef {
        self.def
    }

    pub fn id(&self) -> &'a str {
        &self.def.id
    }

    pub fn name(&self) -> &'a str {
        &self.def.name
    }

    pub fn kind(&self) -> &'a WidgetKind {
        &self.def.kind
    }

    pub fn unit(&self) -> Option<&'a str> {
        self.def.unit.as_deref()
    }

    /// False when the device's availability topics say it is offline (or have not said anything
    /// yet); the UI greys the widget out and disables its controls.
    pub fn available(&self) -> bool {
        self.state.available()
    }

    /// The raw state of one part, for anything the helpers below do not cover.
    pub fn part(&self, part: Part) -> &'a PartState {
        self.state.part(part)
    }

    /// The main value as text (the commanded value while it is pending).
    pub fn text(&self) -> Option<&'a str> {
        self.state.part(Part::Main).shown()
    }

    /// The main value as a number, for sliders, gauges and numeric sensors.
    pub fn number(&self) -> Option<f64> {
        self.state.part(Part::Main).shown_number()
    }

    /// On or off for switches, lights and binary sensors; `None` while unknown or for a report
    /// that matches neither state.
    pub fn is_on(&self) -> Option<bool> {
        let (on, off) = match &self.def.kind {
            WidgetKind::Switch(oo) | WidgetKind::Light { on_off: oo, .. } => (&oo.state_on, &oo.state_off),
            WidgetKind::BinarySensor { state_on, state_off } => (state_on, state_off),
            _ => return None,
        };
        let shown = self.text()?;
        if same_state(shown, on) {
            Some(true)
        } else if same_state(shown, off) {
            Some(false)
        } else {
            None
        }
    }

    /// True while a command waits for the device to confirm it (show a spinner or dimmed state).
    pub fn pending(&self) -> bool {
        Part::SETTABLE
            .iter()
            .any(|p| self.state.part(*p).pending.is_some())
    }

    /// When the device last reported anything for this widget (wall clock, ms).
    pub fn updated_ms(&self) -> Option<f64> {
        Part::ALL
            .iter()
            .filter_map(|p| self.state.part(*p).updated_ms)
            .reduce(f64::max)
    }

    /// A light's brightness in the device's scale (see the definition's `scale`).
    pub fn brightness(&self) -> Option<f64> {
        self.state.part(Part::Brightness).shown_number()
    }

    /// A light's brightness as 0-100 %.
    pub fn brightness_percent(&self) -> Option<f64> {
        match &self.def.kind {
            WidgetKind::Light {
                brightness: Some(b), ..
            } => self.brightness().map(|v| v / b.scale * 100.0),
            _ => None,
        }
    }

    /// A cover's position as 0 (closed) to 100 (open) percent.
    pub fn position_percent(&self) -> Option<f64> {
        match &self.def.kind {
            WidgetKind::Cover {
                position: Some(p), ..
            } => {
                let raw = self.state.part(Part::Position).shown_number()?;
                Some(within((raw - p.closed) / (p.open - p.closed) * 100.0, 0.0, 100.0))
            }
            _ => None,
        }
    }

    pub fn cover_state(&self) -> Option<CoverState> {
        let WidgetKind::Cover { payloads: p, .. } = &self.def.kind else {
            return None;
        };
        let s = self.text()?;
        Some(if s == p.state_open {
            CoverState::Open
        } else if s == p.state_closed {
            CoverState::Closed
        } else if s == p.state_opening {
            CoverState::Opening
        } else if s == p.state_closing {
            CoverState::Closing
        } else if s == p.state_stopped {
            CoverState::Stopped
        } else {
            CoverState::Other(s.to_string())
        })
    }

    /// A thermostat's mode.
    pub fn mode(&self) -> Option<&'a str> {
        self.state.part(Part::Mode).shown()
    }

    /// A thermostat's target temperature.
    pub fn target(&self) -> Option<f64> {
        self.state.part(Part::Target).shown_number()
    }

    /// A thermostat's measured temperature.
    pub fn current(&self) -> Option<f64> {
        self.state.part(Part::Current).shown_number()
    }

    /// A chart's samples, oldest first.
    pub fn history(&self) -> &'a VecDeque<Sample> {
        self.state.history()
    }

    /// Why the last payload could not be read (e.g. "payload is not JSON").
    pub fn error(&self) -> Option<&'a str> {
        self.state.error()
    }
}
