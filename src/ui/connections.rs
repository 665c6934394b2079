//! The connection list: every open connection with its colour, name, state, messages and
//! rate; a click shows it. Opens another (new, or a saved one alongside) and closes one. A
//! sidebar on a desktop, a sheet over the page on a phone; shown by the status bar's
//! "Connections" button. A plain function: `App` repaints it once a second while it shows
//! (hidden connections repaint nothing themselves).

use std::rc::Rc;

use yew::prelude::*;

use super::fields::{flag, select, SelectProps};
use super::slots::Slots;
use crate::model::app::{Action, AppState};
use crate::model::deck::{Deck, DeckAction, SlotId, SlotState};
use crate::model::number::fixed;
use crate::model::settings::ConnectionSettings;
use crate::model::tabs::fresh_client_id;
use crate::web::page::{narrow, now_ms, random_seed, wall_ms};

/// The element the status bar's button controls.
const LIST_ID: &str = "connection-list";

/// The list, wired: `to_deck` takes the list's own actions, `to_slot` a slot's, and a new
/// slot's driver is started here (see `Slots`).
pub fn section(
    deck: &Deck,
    slots: &Rc<Slots>,
    to_deck: &Callback<DeckAction>,
    to_slot: &Callback<(SlotId, Action)>,
    on_refresh: &Callback<()>,
) -> Html {
    // `None`: a new connection with the default form; `Some`: a saved one, alongside.
    let on_open = {
        let (slots, to_deck, to_slot, on_refresh) = (
            slots.clone(),
            to_deck.clone(),
            to_slot.clone(),
            on_refresh.clone(),
        );
        Callback::from(move |saved: Option<String>| {
            let id = slots.start(to_slot.clone(), on_refresh.clone()).id;
            let settings = ConnectionSettings {
                client_id: fresh_client_id(random_seed()),
                ..ConnectionSettings::default()
            };
            let state = Box::new(AppState::new(settings, None));
            to_deck.emit(match saved {
                None => DeckAction::Add { id, state },
                Some(name) => DeckAction::AddSaved {
                    id,
                    state,
                    name,
                    now_ms: wall_ms(),
                    spare_client_id: fresh_client_id(random_seed()),
                },
            });
        })
    };
    let rows = deck.summaries();
    let many = rows.len() > 1;
    let now = now_ms() as f64;
    let rows = rows.into_iter().map(|row| {
        let id = row.id;
        let (total, rate) = slots.get(id).map_or((0, 0.0), |r| {
            let total = r.feed.store().received_total();
            (total, r.meter.borrow_mut().sample(now, total))
        });
        // Set as `Class`, not `class`: see `fields` on computed classes.
        let state_class = match row.state {
            SlotState::Connected => "conn-state ok",
            SlotState::Connecting | SlotState::Reconnecting => "conn-state busy",
            SlotState::Failed => "conn-state bad",
            SlotState::Idle => "conn-state",
        };
        let switch = {
            let to_deck = to_deck.clone();
            Callback::from(move |_| {
                to_deck.emit(DeckAction::Switch(id));
                // On a phone the list is a sheet over the page: the chosen one shows below it.
                if narrow() {
                    to_deck.emit(DeckAction::ToggleList);
                }
            })
        };
        let close = {
            let (slots, to_deck) = (slots.clone(), to_deck.clone());
            Callback::from(move |_| {
                slots.close(id);
                to_deck.emit(DeckAction::Close(id));
            })
        };
        // An attribute, not a style: the page's policy allows no inline style.
        html! {
            <li Class={if row.active { "conn current" } else { "conn" }} data-colour={row.colour.map(|c| c.key())}>
                <button type="button" class="conn-switch" aria-current={row.active.then_some("true")}
                    aria-label={format!("Switch to {}", row.name)} onclick={switch}>{ row.name.clone() }</button>
                <span Class={state_class}>
                    { format!("{} · {total} received, {}/s", row.state.label(), fixed(rate, 0)) }</span>
                if many {
                    <button type="button" class="conn-close" aria-label={format!("Close {}", row.name)}
                        onclick={close}>{ "Close" }</button>
                }
            </li>
        }
    });
    let profiles = deck.state().profiles.list();
    let alongside = (!profiles.is_empty()).then(|| {
        let mut options = vec![(AttrValue::from(""), AttrValue::from("Choose…"))];
        options.extend(profiles.iter().map(|p| (AttrValue::from(p.name.clone()), AttrValue::from(p.name.clone()))));
        let on_open = on_open.clone();
        let on_pick = Callback::from(move |name: String| {
            if !name.is_empty() {
                on_open.emit(Some(name))
            }
        });
        // Made anew when a connection opens, so that the same one can be picked again.
        html! {
            <div key={deck.slots().len()}>
                { select(SelectProps::new("open-alongside", "Open saved connection alongside", options, "", on_pick)) }
            </div>
        }
    });
    html! {
        <nav class="connections panel" id={LIST_ID} aria-label="Connections">
            <h2>{ "Connections" }</h2>
            <ul class="conn-list" aria-label="Open connections">{ for rows }</ul>
            <button type="button" onclick={on_open.reform(|_| None)}>{ "New connection" }</button>
            { for alongside }
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
