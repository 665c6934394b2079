//! Connecting a core from the form: the settings as session options (3.1.1 first for brokers
//! known to need it, a SCRAM nonce), a sealed password opened with its passphrase, the stored
//! session to resume, subscribing, and what is remembered of settings and brokers.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::app::Action;
use crate::model::brokers::V311Brokers;
use crate::model::cloud::Signer;
use crate::model::connection::{Connection, Now};
use crate::model::reach::check_page_allows;
use crate::model::settings::ConnectionSettings;
use crate::model::stored_session;
use crate::mqtt::SubOptions;
use crate::web::crypto;
use crate::web::driver::Driver;
use crate::web::page::{load, page_is_https, random_bytes, random_seed, save};
use crate::web::stored::StoredSessions;

pub(super) const SETTINGS_KEY: &str = "mqtt-deck.connection";
/// Broker URLs that answered 5.0 with a fallback to 3.1.1 (see `model::brokers`).
const V311_BROKERS_KEY: &str = "mqtt-deck.v311-brokers";

/// The settings as session options, starting with 3.1.1 for brokers known to need it.
pub(super) fn options_for(
    settings: &ConnectionSettings,
    jitter_seed: u64,
) -> Result<crate::mqtt::Options, String> {
    // A cloud preset's URL is signed at connect, and always wss://.
    if settings.signer.is_none() {
        for url in settings.broker_urls()? {
            check_page_allows(&url, page_is_https())?;
        }
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
pub(super) fn scram_nonce() -> String {
    let mut bytes = [0u8; 24];
    if !random_bytes(&mut bytes) {
        for (chunk, seed) in bytes.chunks_mut(8).zip((0..3).map(|_| random_seed())) {
            chunk.copy_from_slice(&seed.to_le_bytes());
        }
    }
    crate::mqtt::auth::base64::encode(&bytes)
}

/// Remembers that the broker at `url` speaks only 3.1.1.
pub(super) fn remember_v311(url: &str) {
    let mut brokers = V311Brokers::from_saved(&load(V311_BROKERS_KEY).unwrap_or_default());
    if brokers.remember(url) {
        // Forgetting costs one refused 5.0 CONNECT next time: not worth a message.
        let _ = save(V311_BROKERS_KEY, &brokers.to_saved());
    }
}

pub(super) fn connect(
    settings: &ConnectionSettings,
    driver: &Driver<Connection>,
    dispatch: &Callback<Action>,
    sessions: &Rc<StoredSessions>,
) {
    if settings.locked() {
        // The saved password is sealed: opened with the passphrase typed, for this connection
        // only (the form keeps showing it sealed).
        let (mut opened, driver, dispatch) = (settings.clone(), driver.clone(), dispatch.clone());
        let sessions = sessions.clone();
        let done = move |password: Option<String>| match password {
            Some(p) => {
                opened.password = p;
                connect(&opened, &driver, &dispatch, &sessions)
            }
            None => dispatch.emit(Action::ConnectError(Some(
                "The passphrase does not open the saved password: type the one it was saved with".into(),
            ))),
        };
        return crypto::unseal(&settings.passphrase, &settings.sealed_password, Box::new(done));
    }
    let opts = match options_for(settings, random_seed()) {
        Ok(o) => o,
        Err(e) => return dispatch.emit(Action::ConnectError(Some(e))),
    };
    save_settings(settings);
    dispatch.emit(Action::Connecting);
    if let Err(e) = driver.run(|c, now| start(c, now, settings, opts, sessions)) {
        dispatch.emit(Action::Disconnected {
            reason: None,
            reconnect_at_ms: None,
        });
        return dispatch.emit(Action::ConnectError(Some(e)));
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

/// The stored session of a connection with `settings`: by broker and client ID.
pub(super) fn session_key(settings: &ConnectionSettings) -> String {
    let url = settings
        .signer
        .as_ref()
        .map_or_else(|| settings.url.clone(), Signer::shown_url);
    stored_session::key(&url, settings.client_id.trim())
}

/// Connects the core, as the stored session of these settings: with the URLs typed (tried in
/// order), or with credentials a cloud preset signs.
pub(super) fn start(
    c: &mut Connection,
    now: Now,
    settings: &ConnectionSettings,
    opts: crate::mqtt::Options,
    sessions: &StoredSessions,
) -> Result<(), String> {
    let key = session_key(settings);
    c.use_session(now, &key, sessions.record(&key).as_deref());
    c.set_queue_qos0(settings.queue_qos0);
    match &settings.signer {
        Some(signer) => c.connect_signed(now, signer.clone(), opts),
        None => {
            let urls = settings.broker_urls()?;
            c.connect_failover(now, &urls, opts).map_err(|e| e.to_string())
        }
    }
}

pub(super) fn save_settings(settings: &ConnectionSettings) {
    // Not being able to remember settings must not stop the connection. A password under a
    // passphrase is kept only sealed, by "Save connection": this record goes without it.
    let _ = save(SETTINGS_KEY, &settings.to_saved());
}

pub(super) fn subscribe(
    driver: &Driver<Connection>,
    dispatch: &Callback<Action>,
    filter: String,
    options: SubOptions,
) {
    let result = driver.run(|c, now| c.subscribe(now, &filter, options));
    dispatch.emit(Action::SubscribeError(result.err().map(|e| e.to_string())));
}
