//! What the runtime knows about each widget: its parts' values and pending commands, availability,
//! chart history and read errors. A leaf that both the runtime (which writes it) and the views
//! (which read it) import.

use std::collections::VecDeque;

use crate::model::number::parse_f64;
use crate::model::panel::widget::{AvailabilityMode, Part, WidgetDef};

/// One value of a widget as last reported, and what we commanded but is not confirmed yet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartState {
    /// The device's last report.
    pub value: Option<String>,
    /// Wall-clock milliseconds of that report.
    pub updated_ms: Option<f64>,
    /// The value we asked for and when; cleared by the next report on the state topic.
    pub pending: Option<(String, f64)>,
}

impl PartState {
    /// What to show: the commanded value while it waits for confirmation, else the report.
    pub fn shown(&self) -> Option<&str> {
        self.pending
            .as_ref()
            .map(|(v, _)| v.as_str())
            .or(self.value.as_deref())
    }

    pub fn shown_number(&self) -> Option<f64> {
        self.shown().and_then(parse_f64)
    }
}

/// One point of a chart's history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub t_ms: f64,
    pub value: f64,
}

/// Everything the runtime knows about one widget.
#[derive(Debug, Clone, Default)]
pub struct WidgetState {
    /// Indexed by `Part as usize` (see `Part::ALL`).
    pub(super) parts: [PartState; Part::ALL.len()],
    pub(super) available: bool,
    /// Per availability topic: None until it said anything we understood.
    pub(super) avail_by_topic: Vec<Option<bool>>,
    pub(super) avail_latest: Option<bool>,
    pub(super) history: VecDeque<Sample>,
    pub(super) error: Option<String>,
}

impl WidgetState {
    pub(super) fn new(def: &WidgetDef) -> Self {
        let mut s = WidgetState {
            avail_by_topic: vec![None; def.availability.topics.len()],
            ..Default::default()
        };
        s.recompute_availability(def.availability.mode);
        s
    }

    pub fn part(&self, part: Part) -> &PartState {
        &self.parts[part as usize]
    }

    pub(super) fn part_mut(&mut self, part: Part) -> &mut PartState {
        &mut self.parts[part as usize]
    }

    /// False while the widget's availability topics say (or have not yet said) it is online.
    pub fn available(&self) -> bool {
        self.available
    }

    pub fn history(&self) -> &VecDeque<Sample> {
        &self.history
    }

    /// Why the last payload could not be read, until a good one arrives.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub(super) fn recompute_availability(&mut self, mode: AvailabilityMode) {
        // Without availability topics a widget is always available; with them it is unavailable
        // until a topic says otherwise, as in Home Assistant.
        self.available = self.avail_by_topic.is_empty()
            || match mode {
                AvailabilityMode::All => self.avail_by_topic.iter().all(|a| *a == Some(true)),
                AvailabilityMode::Any => self.avail_by_topic.contains(&Some(true)),
                AvailabilityMode::Latest => self.avail_latest == Some(true),
            };
    }
}
