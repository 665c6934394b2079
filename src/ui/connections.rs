//! The connection list: every open connection with its colour, name, state, messages and
//! rate; a click shows it. Opens another (new, or a saved one alongside) and closes one. A
//! sidebar on a desktop, a sheet over the page on a phone; shown by the status bar's
//! "Connections" button.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use super::fields::{flag, select, SelectProps};
use super::slots::Slots;
use crate::model::app::{Action, AppState};
use crate::model::deck::{Deck, DeckAction, SlotId, SlotState, Summary, TotalRate};
use crate::model::number::fixed;
use crate::model::settings::ConnectionSettings;
use crate::model::tabs::fresh_client_id;
use crate::web::page::{narrow, now_ms, random_seed, wall_ms};

#[derive(Properties)]
pub struct Props {
    pub rows: Vec<Summary>,
    pub slots: Rc<Slots>,
    /// Saved connections that can be opened alongside.
    pub saved: Vec<AttrValue>,
    pub on_switch: Callback<SlotId>,
    pub on_close: Callback<SlotId>,
    pub on_new: Callback<()>,
    pub on_open_alongside: Callback<String>,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        self.rows == o.rows && self.saved == o.saved && Rc::ptr_eq(&self.slots, &o.slots)
    }
}

/// The element the status bar's button controls.
pub const LIST_ID: &str = "connection-list";

#[function_component(ConnectionList)]
pub fn connection_list(p: &Props) -> Html {
    // Hidden connections do not repaint anything: the list reads their totals once a second.
    let tick = use_force_update();
    use_effect_with((), move |_| {
        let interval = Interval::new(1000, move || tick.force_update());
        move || drop(interval)
    });
    let meters = use_mut_ref(Vec::<(SlotId, TotalRate)>::new);
    let now = now_ms() as f64;
    let mut meters = meters.borrow_mut();
    meters.retain(|(id, _)| p.rows.iter().any(|r| r.id == *id));
    let many = p.rows.len() > 1;
    let rows = p.rows.iter().map(|row| {
        let total = p.slots.get(row.id).map_or(0, |r| r.feed.store().received_total());
        let rate = match meters.iter_mut().find(|(id, _)| *id == row.id) {
            Some((_, m)) => m.sample(now, total),
            None => {
                let mut m = TotalRate::default();
                m.sample(now, total);
                meters.push((row.id, m));
                0.0
            }
        };
        let id = row.id;
        let state_class = match row.state {
            SlotState::Connected => "ok",
            SlotState::Connecting | SlotState::Reconnecting => "busy",
            SlotState::Failed => "bad",
            SlotState::Idle => "",
        };
        // Classes, not a style attribute: the page's policy allows no inline style.
        let colour = row.colour.map(|c| format!("slot-{}", c.key()));
        html! {
            <li class={classes!("conn", row.active.then_some("current"), colour)}>
                <button type="button" class="conn-switch" aria-current={row.active.then_some("true")}
                    aria-label={format!("Switch to {}", row.name)}
                    onclick={p.on_switch.reform(move |_| id)}>{ row.name.clone() }</button>
                <span class={classes!("conn-state", state_class)}>{ row.state.label() }</span>
                <span class="conn-rate">{ format!("{total} received, {}/s", fixed(rate, 0)) }</span>
                if many {
                    <button type="button" class="conn-close" aria-label={format!("Close {}", row.name)}
                        onclick={p.on_close.reform(move |_| id)}>{ "Close" }</button>
                }
            </li>
        }
    });
    let open_alongside = (!p.saved.is_empty()).then(|| {
        let mut options = vec![(AttrValue::from(""), AttrValue::from("Choose…"))];
        options.extend(p.saved.iter().map(|n| (n.clone(), n.clone())));
        let on_open = p.on_open_alongside.clone();
        let on_pick = Callback::from(move |v: String| {
            if !v.is_empty() {
                on_open.emit(v)
            }
        });
        // Made anew when a connection opens, so the same one can be picked again.
        html! {
            <div key={p.rows.len()}>
                { select(SelectProps::new("open-alongside", "Open saved connection alongside", options, "", on_pick)) }
            </div>
        }
    });
    html! {
        <nav class="connections panel" id={LIST_ID} aria-label="Connections">
            <h2>{ "Connections" }</h2>
            <ul class="conn-list" aria-label="Open connections">{ for rows }</ul>
            <button type="button" onclick={p.on_new.reform(|_| ())}>{ "New connection" }</button>
            { for open_alongside }
        </nav>
    }
}

/// The status bar's button that shows and hides the list.
pub fn toggle(open: bool, on_toggle: &Callback<()>) -> Html {
    html! {
        <button type="button" class="conn-toggle" aria-controls={LIST_ID} aria-expanded={flag(open)}
            onclick={on_toggle.reform(|_| ())}>{ "Connections" }</button>
    }
}

/// The list, wired: `deck` takes the list's own actions, `to_slot` a slot's, and a new slot's
/// driver is started here (see `Slots`).
pub fn section(
    deck: &Deck,
    slots: &Rc<Slots>,
    to_deck: &Callback<DeckAction>,
    to_slot: &Callback<(SlotId, Action)>,
    on_refresh: &Callback<()>,
) -> Html {
    let fresh = || {
        let settings = ConnectionSettings {
            client_id: fresh_client_id(random_seed()),
            ..ConnectionSettings::default()
        };
        Box::new(AppState::new(settings, None))
    };
    let on_new = {
        let (slots, to_deck, to_slot, on_refresh) = (
            slots.clone(),
            to_deck.clone(),
            to_slot.clone(),
            on_refresh.clone(),
        );
        Callback::from(move |_: ()| {
            let id = slots.start(to_slot.clone(), on_refresh.clone()).id;
            to_deck.emit(DeckAction::Add { id, state: fresh() });
        })
    };
    let on_open_alongside = {
        let (slots, to_deck, to_slot, on_refresh) = (
            slots.clone(),
            to_deck.clone(),
            to_slot.clone(),
            on_refresh.clone(),
        );
        Callback::from(move |name: String| {
            let id = slots.start(to_slot.clone(), on_refresh.clone()).id;
            to_deck.emit(DeckAction::AddSaved {
                id,
                state: fresh(),
                name,
                now_ms: wall_ms(),
                spare_client_id: fresh_client_id(random_seed()),
            });
        })
    };
    let on_switch = {
        let to_deck = to_deck.clone();
        Callback::from(move |id| {
            to_deck.emit(DeckAction::Switch(id));
            // On a phone the list is a sheet over the page: the chosen connection shows below.
            if narrow() {
                to_deck.emit(DeckAction::ToggleList);
            }
        })
    };
    let on_close = {
        let (slots, to_deck) = (slots.clone(), to_deck.clone());
        Callback::from(move |id| {
            slots.close(id);
            to_deck.emit(DeckAction::Close(id));
        })
    };
    let saved: Vec<AttrValue> = deck
        .state()
        .profiles
        .list()
        .iter()
        .map(|p| AttrValue::from(p.name.clone()))
        .collect();
    html! {
        <ConnectionList rows={deck.summaries()} slots={slots.clone()} {saved}
            {on_switch} {on_close} {on_new} {on_open_alongside} />
    }
}
