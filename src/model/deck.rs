//! Several connections at once: the slots the page runs (each with its own connection core,
//! which the UI drives), which one the views show, and the plain-data summary the connection
//! list reads. Each slot keeps its own UI state (`app::AppState`: form, status, errors); the
//! saved connections are one list, copied to every slot when one changes it.

use super::app::{reduce, Action, AppState, ConnStatus};
use super::profiles::{host_name, Colour};

/// A slot's number, given by the UI when it makes the slot's driver (its sink needs it first).
pub type SlotId = u32;

#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub id: SlotId,
    pub state: AppState,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    /// Never empty: the last slot cannot be closed.
    slots: Vec<Slot>,
    active: SlotId,
    /// The connection list is shown (a sidebar on a desktop, a sheet on a phone).
    pub list_open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeckAction {
    /// An action for one slot's state.
    In(SlotId, Action),
    /// A new slot, shown at once. Its saved connections are replaced by the deck's own.
    Add {
        id: SlotId,
        state: Box<AppState>,
    },
    /// A new slot showing a saved connection (see `Add`). When its client ID is one another
    /// slot uses, it takes `spare_client_id`: two slots with one ID would take the broker's
    /// session from each other, reconnecting forever.
    AddSaved {
        id: SlotId,
        state: Box<AppState>,
        name: String,
        now_ms: f64,
        spare_client_id: String,
    },
    Switch(SlotId),
    /// Removes a slot (the UI has disconnected it); the last one stays.
    Close(SlotId),
    ToggleList,
}

/// A connection's state as the list says it, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotState {
    Connected,
    Connecting,
    Reconnecting,
    Idle,
    /// Disconnected with a reason: refused, unreachable, lost for good.
    Failed,
}

impl SlotState {
    pub fn of(status: &ConnStatus) -> SlotState {
        match status {
            ConnStatus::Connected { .. } => SlotState::Connected,
            ConnStatus::Connecting => SlotState::Connecting,
            ConnStatus::Reconnecting { .. } => SlotState::Reconnecting,
            ConnStatus::Idle | ConnStatus::Disconnected { reason: None } => SlotState::Idle,
            ConnStatus::Disconnected { reason: Some(_) } => SlotState::Failed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SlotState::Connected => "Connected",
            SlotState::Connecting => "Connecting",
            SlotState::Reconnecting => "Reconnecting",
            SlotState::Idle => "Disconnected",
            SlotState::Failed => "Failed",
        }
    }
}

/// One row of the connection list.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub id: SlotId,
    /// Unique in the list: the saved connection's name, else the broker's host, numbered
    /// when two slots would read the same (the list's buttons are named after it).
    pub name: String,
    pub colour: Option<Colour>,
    pub state: SlotState,
    pub active: bool,
}

impl Deck {
    pub fn new(id: SlotId, first: AppState) -> Deck {
        Deck {
            slots: vec![Slot { id, state: first }],
            active: id,
            list_open: false,
        }
    }

    pub fn active(&self) -> SlotId {
        self.active
    }

    /// The shown slot's state.
    pub fn state(&self) -> &AppState {
        // `active` always names a slot: `Close` moves it before removing.
        &self
            .slots
            .iter()
            .find(|s| s.id == self.active)
            .unwrap_or(&self.slots[0])
            .state
    }

    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The shown slot's saved-connection colour, for the status bar's accent.
    pub fn colour(&self) -> Option<Colour> {
        colour_of(self.state())
    }

    pub fn summaries(&self) -> Vec<Summary> {
        let mut out: Vec<Summary> = Vec::with_capacity(self.slots.len());
        for slot in &self.slots {
            let s = &slot.state;
            let base = s.profile.clone().unwrap_or_else(|| host_name(&s.settings.url));
            let mut name = base.clone();
            let mut n = 1;
            while out.iter().any(|o| o.name == name) {
                n += 1;
                name = format!("{base} ({n})");
            }
            out.push(Summary {
                id: slot.id,
                name,
                colour: colour_of(s),
                state: SlotState::of(&s.status),
                active: slot.id == self.active,
            });
        }
        out
    }
}

fn colour_of(s: &AppState) -> Option<Colour> {
    let name = s.profile.as_deref()?;
    s.profiles.get(name).and_then(|p| p.colour)
}

pub fn reduce_deck(deck: &Deck, action: DeckAction) -> Deck {
    let mut d = deck.clone();
    match action {
        DeckAction::In(id, action) => {
            let Some(i) = d.slots.iter().position(|s| s.id == id) else {
                // A closed slot's last words (its driver is stopped, but a message may be on
                // its way): nothing shows them.
                return d;
            };
            // Only these change the saved connections (opening one moves it first).
            let shared = matches!(
                action,
                Action::OpenProfile { .. }
                    | Action::SaveProfile { .. }
                    | Action::DuplicateProfile { .. }
                    | Action::DeleteProfile(_)
                    | Action::Imported { .. }
            );
            let next = reduce(&d.slots[i].state, action);
            if shared {
                for slot in &mut d.slots {
                    slot.state.profiles = next.profiles.clone();
                }
            }
            d.slots[i].state = next;
        }
        DeckAction::Add { id, mut state } => {
            if d.slots.iter().any(|s| s.id == id) {
                return d;
            }
            let shown = d.state();
            state.profiles = shown.profiles.clone();
            (state.view, state.main_view) = (shown.view, shown.main_view);
            d.slots.push(Slot { id, state: *state });
            d.active = id;
            d.list_open = true;
        }
        DeckAction::AddSaved {
            id,
            state,
            name,
            now_ms,
            spare_client_id,
        } => {
            d = reduce_deck(&d, DeckAction::Add { id, state });
            if d.active == id {
                d = reduce_deck(&d, DeckAction::In(id, Action::OpenProfile { name, now_ms }));
                let n = d.slots.len();
                let (others, last) = d.slots.split_at_mut(n - 1);
                let s = &mut last[0].state;
                let taken = |o: &Slot| o.state.settings.client_id == s.settings.client_id;
                if s.settings.client_id.is_empty() || others.iter().any(taken) {
                    s.settings.client_id = spare_client_id;
                }
            }
        }
        DeckAction::Switch(id) => {
            if let Some(i) = d.slots.iter().position(|s| s.id == id) {
                // The screen stays the one the user is on.
                let (view, main_view) = (d.state().view, d.state().main_view);
                let s = &mut d.slots[i].state;
                (s.view, s.main_view) = (view, main_view);
                d.active = id;
            }
        }
        DeckAction::Close(id) => {
            if d.slots.len() > 1 {
                if let Some(i) = d.slots.iter().position(|s| s.id == id) {
                    d.slots.remove(i);
                    if d.active == id {
                        d.active = d.slots[i.min(d.slots.len() - 1)].id;
                    }
                }
            }
        }
        DeckAction::ToggleList => d.list_open = !d.list_open,
    }
    d
}

/// Messages per second from a running total sampled now and then (the list samples each
/// slot's total once a second, and whenever it renders): the count since the previous sample
/// over the time between, which must be at least `MIN_SPAN_MS` (a render just after a tick
/// would otherwise read a few messages over a few milliseconds as a huge or a zero rate).
pub const MIN_SPAN_MS: f64 = 500.0;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TotalRate {
    last: Option<(f64, u64)>,
    rate: f64,
}

impl TotalRate {
    /// Records `total` at `now_ms` and returns the rate since the previous sample.
    pub fn sample(&mut self, now_ms: f64, total: u64) -> f64 {
        if let Some((t0, n0)) = self.last {
            if now_ms >= t0 + MIN_SPAN_MS {
                self.rate = total.saturating_sub(n0) as f64 * 1000.0 / (now_ms - t0);
            } else if now_ms < t0 {
                // The clock went back: start over rather than divide by a negative span.
                self.rate = 0.0;
            } else {
                return self.rate;
            }
        }
        self.last = Some((now_ms, total));
        self.rate
    }
}
