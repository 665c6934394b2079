//! The live side of widgets: values, availability and optimistic state, driven by received
//! messages, with an index from topic to the widgets that read it.

use std::collections::HashMap;

use crate::model::number::parse_f64;
use crate::model::panel::extractor::Extractor;
use crate::model::panel::template::{ExtractError, Payload};
use crate::model::panel::widget::{Part, WidgetDef, WidgetKind};
use crate::sorted_map::SortedMap;

use super::command::{self, CommandError, OutgoingPublish, WidgetInput};
use super::state::{Sample, WidgetState};
use super::view::WidgetView;

#[derive(Debug, Clone)]
enum Target {
    Part(Part, Extractor),
    Availability(usize),
}

#[derive(Debug, Clone)]
struct Route {
    slot: usize,
    target: Target,
}

#[derive(Debug, Clone)]
struct Slot {
    def: WidgetDef,
    state: WidgetState,
}

/// The widgets on screen and their live state. Feed it every received message; it finds the
/// widgets that care through a topic index, so the cost is per widget on that topic.
#[derive(Debug, Default, Clone)]
pub struct Runtime {
    slots: Vec<Slot>,
    by_id: HashMap<String, usize>,
    /// Sorted by topic: a binary search per message, and the subscription list comes in order.
    by_topic: SortedMap<String, Vec<Route>>,
}

impl Runtime {
    pub fn new() -> Self {
        Runtime::default()
    }

    /// A runtime for these widgets (later duplicates of an id are ignored).
    pub fn with_widgets(defs: impl IntoIterator<Item = WidgetDef>) -> Self {
        let mut rt = Runtime::new();
        rt.set_widgets(defs);
        rt
    }

    /// Replaces the widget set, e.g. after a panel was edited. Widgets that keep their id keep their
    /// values, since retained states are not sent again until the next subscribe.
    pub fn set_widgets(&mut self, defs: impl IntoIterator<Item = WidgetDef>) {
        // A list, not a map: this runs on edits only, and one map type fewer keeps the bundle small.
        let mut old: Vec<Slot> = std::mem::take(&mut self.slots);
        self.by_id.clear();
        self.by_topic.clear();
        for def in defs {
            if self.by_id.contains_key(&def.id) {
                continue;
            }
            let prev = old
                .iter()
                .position(|s| s.def.id == def.id)
                .map(|i| old.swap_remove(i));
            let state = match prev {
                Some(prev) if prev.def == def => prev.state,
                Some(prev) => {
                    let mut state = WidgetState::new(&def);
                    if prev.def.kind.name() == def.kind.name() {
                        state.parts = prev.state.parts;
                        state.history = prev.state.history;
                    }
                    if prev.def.availability == def.availability {
                        state.avail_by_topic = prev.state.avail_by_topic;
                        state.avail_latest = prev.state.avail_latest;
                        state.recompute_availability(def.availability.mode);
                    }
                    state
                }
                None => WidgetState::new(&def),
            };
            let slot = self.slots.len();
            for (part, binding) in def.state_bindings() {
                self.route(&binding.topic, slot, Target::Part(part, binding.extract.clone()));
            }
            for (i, a) in def.availability.topics.iter().enumerate() {
                self.route(&a.topic, slot, Target::Availability(i));
            }
            self.by_id.insert(def.id.clone(), slot);
            self.slots.push(Slot { def, state });
        }
    }

    fn route(&mut self, topic: &str, slot: usize, target: Target) {
        self.by_topic
            .get_or_default(topic.to_string())
            .push(Route { slot, target });
    }

    /// The topics to subscribe to, sorted and without duplicates.
    pub fn subscriptions(&self) -> Vec<String> {
        self.by_topic.keys().cloned().collect()
    }

    /// True when some widget reads this topic.
    pub fn wants(&self, topic: &str) -> bool {
        self.by_topic.contains_key(topic)
    }

    /// Updates every widget that reads `topic`. `now_ms` is the receive time (wall clock, ms).
    /// Returns true when anything visible may have changed.
    pub fn handle_message(&mut self, topic: &str, payload: &[u8], now_ms: f64) -> bool {
        let Some(routes) = self.by_topic.get(topic) else {
            return false;
        };
        let payload = Payload::new(payload);
        for route in routes {
            let Slot { def, state } = &mut self.slots[route.slot];
            match &route.target {
                Target::Part(part, extract) => match extract.extract(&payload) {
                    Ok(value) => {
                        state.error = None;
                        if let (Part::Main, WidgetKind::Chart { history }) = (part, &def.kind) {
                            if let Some(v) = parse_f64(&value) {
                                if state.history.len() >= *history {
                                    state.history.pop_front();
                                }
                                state.history.push_back(Sample {
                                    t_ms: now_ms,
                                    value: v,
                                });
                            }
                        }
                        let p = state.part_mut(*part);
                        p.value = Some(value);
                        p.updated_ms = Some(now_ms);
                        // The device's word wins, whether it confirms or contradicts the command.
                        p.pending = None;
                    }
                    // A shared JSON topic often carries only some keys in a message: a missing
                    // key is only worth reporting while the widget has never had a value.
                    Err(ExtractError::Missing(_)) if state.part(*part).value.is_some() => {}
                    Err(e) => state.error = Some(e.to_string()),
                },
                Target::Availability(i) => {
                    let Some(conf) = def.availability.topics.get(*i) else {
                        continue;
                    };
                    let raw = payload.text().trim();
                    let extracted = conf.extract.extract(&payload).ok();
                    let said = [extracted.as_deref(), Some(raw)]
                        .into_iter()
                        .flatten()
                        .find_map(|v| {
                            if v == conf.payload_available {
                                Some(true)
                            } else if v == conf.payload_not_available {
                                Some(false)
                            } else {
                                None
                            }
                        });
                    if let Some(up) = said {
                        if let Some(slot) = state.avail_by_topic.get_mut(*i) {
                            *slot = Some(up);
                        }
                        state.avail_latest = Some(up);
                        state.recompute_availability(def.availability.mode);
                    }
                }
            }
        }
        true
    }

    /// The widget with this id, with its state.
    pub fn widget(&self, id: &str) -> Option<WidgetView<'_>> {
        self.by_id
            .get(id)
            .map(|&i| WidgetView::new(&self.slots[i].def, &self.slots[i].state))
    }

    /// All widgets in the order given to [`Runtime::set_widgets`].
    pub fn widgets(&self) -> impl Iterator<Item = WidgetView<'_>> {
        self.slots.iter().map(|s| WidgetView::new(&s.def, &s.state))
    }

    /// Builds the publishes for a user action and records the optimistic state: the commanded
    /// value shows (marked pending) until the state topic reports; widgets without a state topic
    /// simply take the commanded value. Sliders should call this once, when the user lets go.
    pub fn command(
        &mut self,
        widget_id: &str,
        input: WidgetInput,
        now_ms: f64,
    ) -> Result<Vec<OutgoingPublish>, CommandError> {
        let &i = self
            .by_id
            .get(widget_id)
            .ok_or_else(|| CommandError::UnknownWidget(widget_id.into()))?;
        let Slot { def, state } = &mut self.slots[i];
        if !state.available {
            return Err(CommandError::Unavailable);
        }
        let current_on = WidgetView::new(def, state).is_on();
        let planned = command::plan(def, input, current_on)?;
        if let Some((part, expected)) = planned.expect {
            let has_state = def.state_binding(part).is_some();
            let p = state.part_mut(part);
            if has_state {
                p.pending = Some((expected, now_ms));
            } else {
                p.value = Some(expected);
                p.updated_ms = Some(now_ms);
            }
        }
        Ok(planned.publishes)
    }

    /// Drops optimistic values older than `max_age_ms`, so a device that never confirms shows its
    /// real state again. Returns true when something changed.
    pub fn expire_pending(&mut self, now_ms: f64, max_age_ms: f64) -> bool {
        let mut changed = false;
        for slot in &mut self.slots {
            for p in &mut slot.state.parts {
                if p.pending.as_ref().is_some_and(|(_, at)| now_ms - at > max_age_ms) {
                    p.pending = None;
                    changed = true;
                }
            }
        }
        changed
    }

    /// Forgets every value and availability report, e.g. after connecting to another broker.
    pub fn reset(&mut self) {
        for slot in &mut self.slots {
            slot.state = WidgetState::new(&slot.def);
        }
    }
}
