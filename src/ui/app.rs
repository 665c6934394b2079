//! The page: wires the driver (which runs the connection core), the reducer and the feed
//! (the views' handle to the core) together.

use std::rc::Rc;

use bytes::Bytes;
use yew::prelude::*;

use super::connection::{connection_form, Props as ConnectionProps};
use super::feed::Feed;
use super::fields::flag;
use super::messages::MessageList;
use super::monitor::{Monitor, MonitorState, RawPublish};
use super::other_tabs::{conflict, OtherTabs};
use super::panel::PanelScreen;
use super::publish::{PublishForm, PublishRequest};
use super::saved::{self, load_profiles, profile_subscriptions, PROFILES_KEY};
use super::status::status_bar;
use super::subscriptions::Subscriptions;
use super::theme::theme_choice;
use crate::model::app::{reduce, Action, AppState, ConnStatus, View};
use crate::model::brokers::V311Brokers;
use crate::model::cloud::Signer;
use crate::model::connection::{Connection, Effect, Now, Outgoing, StatusChange, PANELS_KEY};
use crate::model::payload::parse_hex;
use crate::model::reach::check_page_allows;
use crate::model::settings::{ConnectionSettings, Prefill};
use crate::model::tabs::fresh_client_id;
use crate::mqtt::topic::validate_filter;
use crate::mqtt::SubOptions;
use crate::web::driver::{Driver, Update};
use crate::web::lifecycle::on_wake;
use crate::web::page::{load, narrow, page_is_https, query_pairs, random_bytes, random_seed, save, wall_ms};

const SETTINGS_KEY: &str = "mqtt-deck.connection";
/// Broker URLs that answered 5.0 with a fallback to 3.1.1 (see `model::brokers`).
const V311_BROKERS_KEY: &str = "mqtt-deck.v311-brokers";

/// The settings as session options, starting with 3.1.1 for brokers known to need it.
fn options_for(settings: &ConnectionSettings, jitter_seed: u64) -> Result<crate::mqtt::Options, String> {
    // A cloud preset's URL is signed at connect, and always wss://.
    if settings.signer.is_none() {
        check_page_allows(&settings.url, page_is_https())?;
    }
    let mut opts = settings.to_options(jitter_seed)?;
    if let Some(auth) = &mut opts.auth {
        auth.nonce = scram_nonce();
    }
    opts.known_v311 =
        V311Brokers::from_saved(&load(V311_BROKERS_KEY).unwrap_or_default()).knows(&settings.url);
    Ok(opts)
}

/// A SCRAM client nonce: 24 bytes from the browser's cryptographic generator as Base64, which
/// SCRAM allows in a nonce. Where there is none, three `random_seed`s (Math.random) instead.
fn scram_nonce() -> String {
    let mut bytes = [0u8; 24];
    if !random_bytes(&mut bytes) {
        for (chunk, seed) in bytes.chunks_mut(8).zip((0..3).map(|_| random_seed())) {
            chunk.copy_from_slice(&seed.to_le_bytes());
        }
    }
    crate::mqtt::auth::base64::encode(&bytes)
}

/// Remembers that the broker at `url` speaks only 3.1.1.
fn remember_v311(url: &str) {
    let mut brokers = V311Brokers::from_saved(&load(V311_BROKERS_KEY).unwrap_or_default());
    if brokers.remember(url) {
        // Forgetting costs one refused 5.0 CONNECT next time: not worth a message.
        let _ = save(V311_BROKERS_KEY, &brokers.to_saved());
    }
}

/// The reducer's state; `Reducible` lives here so the model stays free of yew.
#[derive(PartialEq)]
pub struct UiState(pub AppState);

impl Reducible for UiState {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(UiState(reduce(&self.0, action)))
    }
}

fn initial_state(prefill: &Prefill) -> UiState {
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
    UiState(state)
}

/// A link with `connect=1` and usable settings connects before the first render, which
/// saves the time that render takes (start-up is measured to "connected").
fn starts_connected(prefill: &Prefill, settings: &ConnectionSettings) -> bool {
    prefill.connect
        && settings.to_options(0).is_ok()
        && (settings.signer.is_some() || check_page_allows(&settings.url, page_is_https()).is_ok())
}

/// Routes what the core says: repaints to the feed (at most once per frame), saves to
/// storage, the user's subscription list to a re-render, the rest to the reducer.
fn sink(
    dispatch: UseReducerDispatcher<UiState>,
    feed: Rc<Feed>,
    refresh: UseForceUpdateHandle,
    tabs: Rc<OtherTabs>,
) -> impl Fn(Update) {
    move |update| match update {
        Update::Repaint => feed.changed(),
        Update::Effect(Effect::Status(StatusChange::Connected { client_id, version })) => {
            tabs.connected(client_id.clone());
            dispatch.dispatch(Action::Connected { client_id, version })
        }
        Update::Effect(Effect::Status(StatusChange::Disconnected {
            reason,
            reconnect_at_ms,
            server_code,
        })) => {
            tabs.disconnected(server_code);
            dispatch.dispatch(Action::Disconnected {
                reason,
                reconnect_at_ms,
            })
        }
        Update::Effect(Effect::Notice(text)) => dispatch.dispatch(Action::Notice(text)),
        Update::Effect(Effect::SubscribeError(e)) => dispatch.dispatch(Action::SubscribeError(Some(e))),
        Update::Effect(Effect::Subscriptions) => refresh.force_update(),
        Update::Effect(Effect::Save { key, value }) => {
            // Storage that refuses (quota, private mode) must not stop the app.
            let _ = save(key, &value);
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let prefill = use_memo((), |_| Prefill::from_pairs(query_pairs()));
    let state = {
        let prefill = prefill.clone();
        use_reducer(move || initial_state(&prefill))
    };
    let refresh = use_force_update();
    let feed: Rc<Feed> = (*use_memo((), |_| Feed::new())).clone();
    let driver: Rc<Driver<Connection>> = {
        let (dispatch, feed) = (state.dispatcher(), feed.clone());
        let (prefill, settings) = (prefill.clone(), state.0.settings.clone());
        let opened_subscriptions = profile_subscriptions(&state.0);
        use_memo((), move |_| {
            let core = Connection::new(load(PANELS_KEY).as_deref());
            let tabs = Rc::new(OtherTabs::default());
            let driver = Driver::with_core(core, sink(dispatch.clone(), feed.clone(), refresh, tabs.clone()));
            tabs.listen(driver.clone(), move |action| dispatch.dispatch(action));
            feed.attach(driver.clone());
            if starts_connected(&prefill, &settings) {
                if let Ok(opts) = options_for(&settings, random_seed()) {
                    save_settings(&settings);
                    // Errors here would also stop a click on Connect; the status shows them.
                    let _ = driver.run(|c, now| start(c, now, &settings, opts));
                    let link = prefill.subscriptions.iter().map(|f| (f.clone(), prefill.sub_qos));
                    for (filter, qos) in link.chain(opened_subscriptions) {
                        if validate_filter(&filter).is_ok() {
                            let _ = driver.run(|c, now| c.subscribe(now, &filter, SubOptions::qos(qos)));
                        }
                    }
                }
            }
            driver
        })
    };
    let dispatch = state.dispatcher();

    let on_change = {
        let dispatch = dispatch.clone();
        Callback::from(move |s: ConnectionSettings| dispatch.dispatch(Action::EditSettings(Box::new(s))))
    };
    let on_connect = {
        let (state, driver, dispatch) = (state.clone(), driver.clone(), dispatch.clone());
        Callback::from(move |_: ()| {
            connect(&state.0.settings, &driver, &dispatch);
            // A saved connection brings its subscriptions.
            for (filter, qos) in profile_subscriptions(&state.0) {
                subscribe(&driver, &dispatch, filter, SubOptions::qos(qos));
            }
        })
    };
    let saved = {
        let dispatch = state.dispatcher();
        saved::section(&state.0, Callback::from(move |a| dispatch.dispatch(a)), &driver)
    };
    let on_disconnect = {
        let driver = driver.clone();
        Callback::from(move |_: ()| driver.run(|c, now| c.disconnect(now)))
    };
    let on_reauthenticate = {
        let (driver, dispatch) = (driver.clone(), dispatch.clone());
        Callback::from(move |_: ()| {
            let nonce = scram_nonce();
            let result = driver.run(|c, now| c.reauthenticate(now, &nonce));
            dispatch.dispatch(Action::ConnectError(result.err().map(|e| e.to_string())));
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
                dispatch.dispatch(Action::SubscribeError(Some(e.to_string())));
            }
        })
    };
    let on_publish = {
        let (driver, dispatch) = (driver.clone(), dispatch.clone());
        Callback::from(move |req: PublishRequest| {
            let result = publish(&driver, req);
            dispatch.dispatch(Action::PublishError(result.err()));
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
    let monitor_state = use_mut_ref(MonitorState::default);
    let on_dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::DismissNotice))
    };

    // A link with connect=1 opens a ready client: connect, then subscribe its filters.
    {
        let (on_connect, on_subscribe) = (on_connect.clone(), on_subscribe.clone());
        let settings = state.0.settings.clone();
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

    // A phone's page wakes up after sleeping through network changes: reconnect or check now.
    {
        let (driver, dispatch) = (driver.clone(), dispatch.clone());
        use_effect_with((), move |_| {
            let listener = on_wake(move || {
                if driver.wake() {
                    dispatch.dispatch(Action::Connecting);
                }
            });
            move || drop(listener)
        });
    }

    let on_new_client_id = {
        let (state, driver, dispatch) = (state.clone(), driver.clone(), dispatch.clone());
        Callback::from(move |_: ()| {
            let id = fresh_client_id(random_seed());
            let settings = ConnectionSettings {
                client_id: id.clone(),
                ..state.0.settings.clone()
            };
            dispatch.dispatch(Action::NewClientId(id));
            connect(&settings, &driver, &dispatch);
        })
    };

    // The saved connections are stored whenever they change (a broken record was kept aside
    // at start, so writing over it loses nothing).
    {
        let dispatch = dispatch.clone();
        use_effect_with(state.0.profiles.clone(), move |profiles| {
            if let Err(e) = save(PROFILES_KEY, &profiles.to_saved()) {
                dispatch.dispatch(Action::ProfileMessage(format!(
                    "Saved connections were not stored: {e}"
                )));
            }
        });
    }

    // A fallback to 3.1.1 is remembered for that broker, so that the next connection to
    // it starts with 3.1.1 (the status keeps saying so).
    {
        let driver = driver.clone();
        let fell_back = matches!(state.0.status, ConnStatus::Connected { fallback: true, .. });
        use_effect_with(fell_back, move |&fell_back| {
            if fell_back {
                remember_v311(driver.core().url());
            }
        });
    }

    let s = &state.0;
    let entries = driver.core().user_subscriptions().to_vec();
    // On a phone one screen shows at a time; on a desktop the main view shows beside the
    // forms, so its tab stays chosen while a form's (phone-only, hidden) tab is current.
    let phone = narrow();
    let tabs = View::ALL.iter().map(|&v| {
        let dispatch = dispatch.clone();
        let selected = s.view == v || (!phone && v.is_main() && s.main_view == v && !s.view.is_main());
        let class = classes!(
            "tab",
            (!v.is_main()).then_some("phone-only"),
            (s.view == v).then_some("current")
        );
        html! {
            <button type="button" role="tab" {class} aria-selected={flag(selected)}
                onclick={Callback::from(move |_| dispatch.dispatch(Action::Show(v)))}>{ v.label() }</button>
        }
    });
    let side = |v: View| classes!("column-part", (s.view == v).then_some("current"));
    let main = match s.main_view {
        View::Messages => html! { <MessageList feed={feed.clone()} /> },
        View::Panel => html! { <PanelScreen feed={feed.clone()} /> },
        _ => {
            html! { <Monitor feed={feed.clone()} state={monitor_state.clone()} on_publish={on_raw_publish} /> }
        }
    };
    html! {
        <>
            { status_bar(&s.status, &s.settings.signer.as_ref().map_or_else(|| s.settings.url.clone(), Signer::shown_url), &feed) }
            if let Some(notice) = &s.notice {
                <p class="notice" role="alert">{ notice.clone() }
                    <button type="button" onclick={on_dismiss}>{ "Dismiss" }</button></p>
            }
            if let Some(id) = &s.client_id_conflict {
                { conflict(id, &on_new_client_id) }
            }
            <nav class="tabs" role="tablist" aria-label="Screens">{ for tabs }</nav>
            <main class={classes!("layout", format!("view-{}", s.view.label().to_ascii_lowercase()))}>
                <div class="column">
                    <div class={side(View::Connection)}>
                        { saved }
                        { connection_form(&ConnectionProps {
                            settings: s.settings.clone(),
                            active: s.status.is_active(),
                            error: s.connect_error.clone().map(AttrValue::from),
                            on_change, on_connect, on_disconnect, on_disconnect_with_will, on_reauthenticate,
                        }) }
                        <Subscriptions {entries} error={s.subscribe_error.clone().map(AttrValue::from)}
                            {on_subscribe} {on_unsubscribe} />
                        { theme_choice() }
                    </div>
                    <div class={side(View::Publish)}>
                        <PublishForm error={s.publish_error.clone().map(AttrValue::from)} {on_publish} />
                    </div>
                </div>
                <div class="main-view">{ main }</div>
            </main>
        </>
    }
}

fn connect(
    settings: &ConnectionSettings,
    driver: &Driver<Connection>,
    dispatch: &UseReducerDispatcher<UiState>,
) {
    let opts = match options_for(settings, random_seed()) {
        Ok(o) => o,
        Err(e) => return dispatch.dispatch(Action::ConnectError(Some(e))),
    };
    save_settings(settings);
    dispatch.dispatch(Action::Connecting);
    if let Err(e) = driver.run(|c, now| start(c, now, settings, opts)) {
        dispatch.dispatch(Action::Disconnected {
            reason: None,
            reconnect_at_ms: None,
        });
        return dispatch.dispatch(Action::ConnectError(Some(e)));
    }
    // A device on Azure IoT Hub receives cloud-to-device messages on its own filter.
    if let Some(Signer::AzureIotHub(hub)) = &settings.signer {
        if let Ok(filter) = hub.cloud_to_device_filter() {
            subscribe(
                driver,
                dispatch,
                filter,
                SubOptions::qos(crate::mqtt::QoS::AtLeastOnce),
            );
        }
    }
}

/// Connects the core: with the URL typed, or with credentials a cloud preset signs.
fn start(
    c: &mut Connection,
    now: Now,
    settings: &ConnectionSettings,
    opts: crate::mqtt::Options,
) -> Result<(), String> {
    match &settings.signer {
        Some(signer) => c.connect_signed(now, signer.clone(), opts),
        None => c.connect(now, &settings.url, opts).map_err(|e| e.to_string()),
    }
}

fn save_settings(settings: &ConnectionSettings) {
    // Not being able to remember settings must not stop the connection.
    let _ = save(SETTINGS_KEY, &settings.to_saved());
}

fn subscribe(
    driver: &Driver<Connection>,
    dispatch: &UseReducerDispatcher<UiState>,
    filter: String,
    options: SubOptions,
) {
    let result = driver.run(|c, now| c.subscribe(now, &filter, options));
    dispatch.dispatch(Action::SubscribeError(result.err().map(|e| e.to_string())));
}

/// Reads the publish form into a message and hands it to the core.
fn publish(driver: &Driver<Connection>, req: PublishRequest) -> Result<(), String> {
    let payload = if req.hex {
        parse_hex(&req.payload)?
    } else {
        req.payload.into_bytes()
    };
    let out = Outgoing {
        topic: req.topic,
        payload: Bytes::from(payload),
        qos: req.qos,
        retain: req.retain,
        props: req.props.to_props()?,
    };
    driver
        .run(|c, now| c.publish(now, out))
        .map_err(|e| e.to_string())
}
