//! The page: wires the connections (`slots`: each a driver running its own core, and the
//! feed, the views' handle to it), the reducer over all of them (`model::deck`) and the views
//! of the shown one together.

use std::rc::Rc;

use yew::prelude::*;

use super::connecting::{
    connect, options_for, remember_v311, save_settings, scram_nonce, session_key, start, subscribe,
    SETTINGS_KEY,
};
use super::connection::{connection_form, Props as ConnectionProps};
use super::connections::{self, toggle};
use super::fields::flag;
use super::messages::MessageList;
use super::monitor::{Monitor, RawPublish};
use super::other_tabs::conflict;
use super::panel::PanelScreen;
use super::publish::PublishForm;
use super::saved::{self, load_profiles, profile_subscriptions, PROFILES_KEY};
use super::slots::Slots;
use super::status::status_bar;
use super::subscriptions::{self, subscriptions};
use super::theme::theme_choice;
use crate::model::app::{reduce, Action, AppState, ConnStatus, View};
use crate::model::deck::{reduce_deck, Deck, DeckAction, SlotId};
use crate::model::reach::{check_page_allows, without_query};
use crate::model::settings::{ConnectionSettings, Prefill};
use crate::model::tabs::fresh_client_id;
use crate::mqtt::topic::validate_filter;
use crate::mqtt::SubOptions;
use crate::web::lifecycle::on_wake;
use crate::web::page::{load, narrow, page_is_https, query_pairs, random_seed, save, wall_ms};

/// The reducer's state; `Reducible` lives here so the model stays free of yew.
#[derive(PartialEq)]
pub struct UiState(pub Deck);

impl Reducible for UiState {
    type Action = DeckAction;
    fn reduce(self: Rc<Self>, action: DeckAction) -> Rc<Self> {
        Rc::new(UiState(reduce_deck(&self.0, action)))
    }
}

fn initial_state(prefill: &Prefill) -> AppState {
    let (saved, notice) = match load(SETTINGS_KEY) {
        Some(json) => ConnectionSettings::from_saved(&json),
        None => (ConnectionSettings::default(), None),
    };
    let (profiles, profiles_notice) = load_profiles(load(SETTINGS_KEY));
    let mut state = AppState::new(saved, notice.or(profiles_notice));
    state.profiles = profiles;
    if let Some(name) = &prefill.profile {
        let before = state.profile.clone();
        state = reduce(
            &state,
            Action::OpenProfile {
                name: name.clone(),
                now_ms: wall_ms(),
            },
        );
        if state.profile == before {
            state.notice = Some(format!(
                "The link names a saved connection \"{name}\" that this browser does not have."
            ));
        }
    }
    let mut settings = prefill.apply(state.settings.clone());
    if settings.client_id.is_empty() {
        settings.client_id = fresh_client_id(random_seed());
    }
    state.settings = settings;
    if prefill.connect {
        // A link that cannot connect from this page says why where Connect would.
        state.connect_error = check_page_allows(&state.settings.url, page_is_https()).err();
    }
    if starts_connected(prefill, &state.settings) {
        // The driver connects while the first view is still being built (see `App`).
        state.status = ConnStatus::Connecting;
        if let Some(e) = prefill
            .subscriptions
            .iter()
            .find_map(|f| validate_filter(f).err())
        {
            state.subscribe_error = Some(e.to_string());
        }
    }
    state
}

/// A link with `connect=1` and usable settings connects before the first render, which
/// saves the time that render takes (start-up is measured to "connected").
fn starts_connected(prefill: &Prefill, settings: &ConnectionSettings) -> bool {
    prefill.connect
        && settings.to_options(0).is_ok()
        && (settings.signer.is_some() || check_page_allows(&settings.url, page_is_https()).is_ok())
}

#[function_component(App)]
pub fn app() -> Html {
    let prefill = use_memo((), |_| Prefill::from_pairs(query_pairs()));
    // The first connection is the one a new user sees: today's single connection.
    let state = {
        let prefill = prefill.clone();
        use_reducer(move || UiState(Deck::new(1, initial_state(&prefill))))
    };
    let refresh = use_force_update();
    // Hands each slot's actions to the deck, and its subscription list's changes to a render.
    let to_deck = {
        let deck = state.dispatcher();
        Callback::from(move |(id, a): (SlotId, Action)| deck.dispatch(DeckAction::In(id, a)))
    };
    let on_refresh = Callback::from(move |_: ()| refresh.force_update());
    let slots: Rc<Slots> = {
        let (to_deck, on_refresh) = (to_deck.clone(), on_refresh.clone());
        let (prefill, settings) = (prefill.clone(), state.0.state().settings.clone());
        let opened_subscriptions = profile_subscriptions(state.0.state());
        (*use_memo((), move |_| {
            let slots = Rc::new(Slots::default());
            let driver = slots.start(to_deck, on_refresh).driver;
            driver.run(|c, _| c.set_queue_qos0(settings.queue_qos0));
            // Connecting waits for the stored sessions: a reload resumes from its record.
            let sessions = slots.sessions.clone();
            slots.sessions.load(move || {
                let key = session_key(&settings);
                driver.run(|c, now| c.use_session(now, &key, sessions.record(&key).as_deref()));
                if !starts_connected(&prefill, &settings) {
                    return;
                }
                if let Ok(opts) = options_for(&settings, random_seed()) {
                    save_settings(&settings);
                    // Errors here would also stop a click on Connect; the status shows them.
                    let _ = driver.run(|c, now| start(c, now, &settings, opts, &sessions));
                    let link = prefill.subscriptions.iter().map(|f| (f.clone(), prefill.sub_qos));
                    for (filter, qos) in link.chain(opened_subscriptions) {
                        if validate_filter(&filter).is_ok() {
                            let _ = driver.run(|c, now| c.subscribe(now, &filter, SubOptions::qos(qos)));
                        }
                    }
                }
            });
            slots
        }))
        .clone()
    };
    let deck = &state.0;
    let id = deck.active();
    let shown = slots.shown(id);
    let (feed, driver) = (shown.feed.clone(), shown.driver.clone());
    let dispatch = to_deck.reform(move |a| (id, a));

    let sessions = slots.sessions.clone();
    let on_change = {
        let (dispatch, driver) = (dispatch.clone(), driver.clone());
        Callback::from(move |s: ConnectionSettings| {
            driver.run(|c, _| c.set_queue_qos0(s.queue_qos0));
            dispatch.emit(Action::EditSettings(Box::new(s)))
        })
    };
    let on_connect = {
        let (s, driver, dispatch) = (deck.state().clone(), driver.clone(), dispatch.clone());
        let sessions = sessions.clone();
        Callback::from(move |_: ()| {
            let (s, driver, dispatch, stored) =
                (s.clone(), driver.clone(), dispatch.clone(), sessions.clone());
            sessions.when_loaded(move || {
                connect(&s.settings, &driver, &dispatch, &stored);
                // A saved connection brings its subscriptions.
                for (filter, qos) in profile_subscriptions(&s) {
                    subscribe(&driver, &dispatch, filter, SubOptions::qos(qos));
                }
            })
        })
    };
    let saved = saved::section(deck.state(), dispatch.clone(), &driver);
    let on_disconnect = {
        let driver = driver.clone();
        Callback::from(move |_: ()| driver.run(|c, now| c.disconnect(now)))
    };
    let on_reauthenticate = {
        let (driver, dispatch) = (driver.clone(), dispatch.clone());
        Callback::from(move |_: ()| {
            let nonce = scram_nonce();
            let result = driver.run(|c, now| c.reauthenticate(now, &nonce));
            dispatch.emit(Action::ConnectError(result.err().map(|e| e.to_string())));
        })
    };
    let on_disconnect_with_will = {
        let driver = driver.clone();
        Callback::from(move |_: ()| driver.run(|c, now| c.disconnect_with_will(now)))
    };
    let on_subscribe = {
        let (driver, dispatch) = (driver.clone(), dispatch.clone());
        Callback::from(move |(filter, options): (String, SubOptions)| {
            subscribe(&driver, &dispatch, filter, options)
        })
    };
    let on_unsubscribe = {
        let (driver, dispatch) = (driver.clone(), dispatch.clone());
        Callback::from(move |filter: String| {
            if let Err(e) = driver.run(|c, now| c.unsubscribe(now, &filter)) {
                dispatch.emit(Action::SubscribeError(Some(e.to_string())));
            }
        })
    };
    let on_raw_publish = {
        let driver = driver.clone();
        Callback::from(move |m: RawPublish| {
            driver
                .run(|c, now| c.publish_unlisted(now, &m.topic, m.payload, m.qos, m.retain))
                .map_err(|e| e.to_string())
        })
    };
    let monitor_state = shown.monitor.clone();
    let on_dismiss = dispatch.reform(|_| Action::DismissNotice);

    // A link with connect=1 opens a ready client: connect, then subscribe its filters.
    {
        let (on_connect, on_subscribe) = (on_connect.clone(), on_subscribe.clone());
        let settings = deck.state().settings.clone();
        use_effect_with((), move |_| {
            // Links with usable settings connected already; the rest show why not.
            if prefill.connect && !starts_connected(&prefill, &settings) {
                on_connect.emit(());
                for filter in &prefill.subscriptions {
                    on_subscribe.emit((filter.clone(), SubOptions::qos(prefill.sub_qos)));
                }
            }
        });
    }

    // A phone's page wakes up after sleeping through network changes: reconnect or check now,
    // every connection.
    {
        let (slots, to_deck) = (slots.clone(), to_deck.clone());
        use_effect_with((), move |_| {
            let listener = on_wake(move || {
                for r in slots.all() {
                    if r.driver.wake() {
                        to_deck.emit((r.id, Action::Connecting));
                    }
                }
            });
            move || drop(listener)
        });
    }

    let on_new_client_id = {
        let (s, driver, dispatch) = (deck.state().clone(), driver.clone(), dispatch.clone());
        let sessions = sessions.clone();
        Callback::from(move |_: ()| {
            let id = fresh_client_id(random_seed());
            let settings = ConnectionSettings {
                client_id: id.clone(),
                ..s.settings.clone()
            };
            dispatch.emit(Action::NewClientId(id));
            connect(&settings, &driver, &dispatch, &sessions);
        })
    };

    // The saved connections are stored whenever they change (a broken record was kept aside
    // at start, so writing over it loses nothing).
    {
        let dispatch = dispatch.clone();
        use_effect_with(deck.state().profiles.clone(), move |profiles| {
            if let Err(e) = save(PROFILES_KEY, &profiles.to_saved()) {
                dispatch.emit(Action::ProfileMessage(format!(
                    "Saved connections were not stored: {e}"
                )));
            }
        });
    }

    // A fallback to 3.1.1 is remembered for that broker, so that the next connection to
    // it starts with 3.1.1 (the status keeps saying so).
    {
        let driver = driver.clone();
        let fell_back = matches!(deck.state().status, ConnStatus::Connected { fallback: true, .. });
        use_effect_with((id, fell_back), move |&(_, fell_back)| {
            if fell_back {
                remember_v311(driver.core().url());
            }
        });
    }

    let s = deck.state();
    let entries = driver.core().user_subscriptions().to_vec();
    let sub_form = use_state(subscriptions::Form::default);
    // On a phone one screen shows at a time; on a desktop the main view shows beside the
    // forms, so its tab stays chosen while a form's (phone-only, hidden) tab is current.
    let phone = narrow();
    let tabs = View::ALL.iter().map(|&v| {
        let dispatch = dispatch.clone();
        let selected = s.view == v || (!phone && v.is_main() && s.main_view == v && !s.view.is_main());
        // `Class`, not `class`: see `fields` on computed classes.
        let class = ["tab phone-only", "tab phone-only current", "tab", "tab current"]
            [usize::from(v.is_main()) * 2 + usize::from(s.view == v)];
        html! {
            <button type="button" role="tab" Class={class} aria-selected={flag(selected)}
                onclick={dispatch.reform(move |_| Action::Show(v))}>{ v.label() }</button>
        }
    });
    let side = |v: View| ["column-part", "column-part current"][usize::from(s.view == v)];
    // Keyed by connection: the views listen to one feed, so another connection mounts afresh.
    let key = id as usize;
    let main = match s.main_view {
        View::Messages => html! { <MessageList {key} feed={feed.clone()} /> },
        View::Panel => html! { <PanelScreen {key} feed={feed.clone()} /> },
        _ => {
            html! { <Monitor {key} feed={feed.clone()} state={monitor_state.clone()} on_publish={on_raw_publish} /> }
        }
    };
    let to_deck_action = {
        let deck = state.dispatcher();
        Callback::from(move |a| deck.dispatch(a))
    };
    let list = deck
        .list_open
        .then(|| connections::section(deck, &slots, &to_deck_action, &to_deck, &on_refresh));
    let on_toggle = to_deck_action.reform(|_| DeckAction::ToggleList);
    // With failover, the broker in use; a signed URL carries a token, so its shown form.
    let url = match &s.settings.signer {
        Some(signer) => signer.shown_url(),
        None if s.status.is_active() => driver.core().url().to_string(),
        None => s.settings.url.clone(),
    };
    let accent = deck.colour().map(|c| c.key());
    // Templates belong to the saved connection open, else to the broker.
    let group = s
        .profile
        .clone()
        .unwrap_or_else(|| without_query(&url).to_owned());
    // The list's counts and rates, once a second while it shows.
    {
        let on_refresh = on_refresh.clone();
        use_effect_with(deck.list_open, move |&open| {
            let interval =
                open.then(|| gloo::timers::callback::Interval::new(1000, move || on_refresh.emit(())));
            move || drop(interval)
        });
    }
    html! {
        <>
            { status_bar(&s.status, &url, &feed, accent, toggle(deck.list_open, &on_toggle)) }
            if let Some(notice) = &s.notice {
                <p class="notice" role="alert">{ notice.clone() }
                    <button type="button" onclick={on_dismiss}>{ "Dismiss" }</button></p>
            }
            if let Some(id) = &s.client_id_conflict {
                { conflict(id, &on_new_client_id) }
            }
            <nav class="tabs" role="tablist" aria-label="Screens">{ for tabs }</nav>
            <main Class={format!("layout{} view-{}", if list.is_some() { " with-list" } else { "" }, s.view.label().to_ascii_lowercase())}>
                { for list }
                <div class="column">
                    <div Class={side(View::Connection)}>
                        { saved }
                        { connection_form(&ConnectionProps {
                            settings: s.settings.clone(),
                            active: s.status.is_active(),
                            error: s.connect_error.clone().map(AttrValue::from),
                            on_change, on_connect, on_disconnect, on_disconnect_with_will, on_reauthenticate,
                        }) }
                        { subscriptions(subscriptions::Props {
                            form: &sub_form, entries: &entries, error: s.subscribe_error.as_deref(),
                            on_subscribe, on_unsubscribe,
                        }) }
                        { theme_choice() }
                    </div>
                    <div Class={side(View::Publish)}>
                        // An import may bring templates: the form reads them afresh.
                        <PublishForm key={key << 8 | s.imports as usize} feed={feed.clone()} {group} />
                    </div>
                </div>
                <div class="main-view">{ main }</div>
            </main>
        </>
    }
}
