//! The connection form: broker URL, identity, credentials, session options and, folded
//! away, the MQTT 5 "Advanced" options (session expiry, limits, user properties, will).

use yew::prelude::*;

use super::fields::{
    checkbox, key_value_rows, qos_options, select, text_field, CheckboxProps, KeyValueRowsProps, SelectProps,
    TextFieldProps,
};
use crate::model::cloud::aws::IotCore;
use crate::model::cloud::azure::IotHub;
use crate::model::cloud::Signer;
use crate::model::presets::{Kind, Preset, PRESETS};
use crate::model::settings::{parse_version, version_label, ConnectionSettings};
use crate::mqtt::auth::ScramMechanism;
use crate::mqtt::{QoS, Version};

/// The authentication select's value for plain username and password.
const PASSWORD: &str = "password";

/// What the form shows and the callbacks it calls. The form is a plain function of these:
/// its state lives in the page's reducer, so a component's machinery would add nothing.
pub struct Props {
    pub settings: ConnectionSettings,
    pub active: bool,
    pub error: Option<AttrValue>,
    pub on_change: Callback<ConnectionSettings>,
    pub on_connect: Callback<()>,
    pub on_disconnect: Callback<()>,
    pub on_disconnect_with_will: Callback<()>,
    /// Proves SCRAM credentials again on the live connection.
    pub on_reauthenticate: Callback<()>,
}

/// A control's callback: each edits a copy of the settings with `f` and hands the whole back.
fn editor<V: 'static>(p: &Props, f: fn(&mut ConnectionSettings, V)) -> Callback<V> {
    let (settings, on_change) = (p.settings.clone(), p.on_change.clone());
    Callback::from(move |v: V| {
        let mut s = settings.clone();
        f(&mut s, v);
        on_change.emit(s);
    })
}

/// One text field of the form: id (also its accessible name's key), label, text, how an edit
/// applies to the settings, input type and placeholder. The form lists these as data and
/// `texts` renders them in one place: a call of `text_field` per field, each with its own
/// callback built inline, weighed on the bundle.
struct Text(
    &'static str,
    &'static str,
    String,
    fn(&mut ConnectionSettings, String),
    &'static str,
    &'static str,
);

/// Renders `list` in order, each field wired through `editor`.
fn texts(p: &Props, list: Vec<Text>) -> Html {
    list.into_iter()
        .map(|Text(id, label, value, edit, kind, hint)| {
            let mut props = TextFieldProps::new(id, label, value, editor(p, edit));
            props.kind = AttrValue::Static(kind);
            props.placeholder = AttrValue::Static(hint);
            // The browser's password manager fills these two.
            props.autocomplete = match id {
                "username" => Some(AttrValue::Static("username")),
                "password" => Some(AttrValue::Static("current-password")),
                _ => None,
            };
            text_field(props)
        })
        .collect()
}

/// Under the cloud presets' keys.
const KEYS_HINT: &str =
    "Keys stay in this browser only if Remember password is ticked (then without a passphrase), and never go into exports.";

/// Input types for `Text`.
const TEXT: &str = "text";
const NUMBER: &str = "number";
const SECRET: &str = "password";

pub fn connection_form(p: &Props) -> Html {
    let edit = |f: fn(&mut ConnectionSettings, String)| editor(p, f);
    let toggle = |f: fn(&mut ConnectionSettings, bool)| editor(p, f);
    let onsubmit = {
        let (active, on_connect, on_disconnect) = (p.active, p.on_connect.clone(), p.on_disconnect.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if active {
                on_disconnect.emit(())
            } else {
                on_connect.emit(())
            }
        })
    };
    let s = &p.settings;
    let versions = vec![("3.1.1".into(), "3.1.1".into()), ("5.0".into(), "5.0".into())];
    let mut methods = vec![(PASSWORD.into(), "Username and password".into())];
    methods.extend(ScramMechanism::ALL.map(|m| (m.name().into(), m.name().into())));
    let preset = current_preset(s);
    let mut presets = vec![(AttrValue::from(CUSTOM), AttrValue::from("Custom"))];
    presets.extend(
        PRESETS
            .iter()
            .map(|p| (AttrValue::from(p.id), AttrValue::from(p.name))),
    );
    let on_preset = edit(|s, id| {
        if let Some(p) = Preset::by_id(&id) {
            p.apply(s)
        } else {
            s.signer = None
        }
    });
    html! {
        <form class="panel connection" aria-label="Connection" {onsubmit}>
            <h2>{ "Connection" }</h2>
            { select(SelectProps::new("preset", "Preset", presets, preset.map_or(CUSTOM, |p| p.id), on_preset).aria_label("Broker preset")) }
            if let Some(p) = preset {
                <p class="hint">{ p.help }</p>
            }
            { match &s.signer {
                Some(Signer::AwsIot(iot)) => aws_fields(p, iot),
                Some(Signer::AzureIotHub(hub)) => azure_fields(p, hub),
                None => html! {
                    texts(p, vec![
                        Text("broker-url", "Broker URL", s.url.clone(), |s, v| s.url = v.trim().to_string(), TEXT, "ws://host:port/path"),
                        Text("fallback-urls", "Fallback broker URLs", s.fallback_urls.clone(), |s, v| s.fallback_urls = v, TEXT, "tried in order when the broker cannot be reached"),
                    ])
                },
            } }
            <div class="row">
                if !matches!(s.signer, Some(Signer::AzureIotHub(_))) {
                    { texts(p, vec![Text("client-id", "Client ID", s.client_id.clone(), |s, v| s.client_id = v, TEXT, "")]) }
                }
                { select(SelectProps::new("mqtt-version", "MQTT version", versions, version_label(s.version), edit(|s, v| s.version = parse_version(&v).unwrap_or(Version::V5)))) }
            </div>
            if s.signer.is_none() {
                <div class="row">
                    { texts(p, vec![
                        Text("username", "Username", s.username.clone(), |s, v| s.username = v, TEXT, ""),
                        Text("password", "Password", s.password.clone(), |s, v| { s.password = v; s.sealed_password.clear() }, SECRET, ""),
                    ]) }
                    { select(SelectProps::new("auth-method", "Authentication", methods, s.auth.map_or(PASSWORD, ScramMechanism::name), edit(|s, v| s.auth = ScramMechanism::from_name(&v))).aria_label("Authentication method")) }
                </div>
            }
            <div class="row">
                { texts(p, vec![Text("keep-alive", "Keep alive", s.keep_alive.to_string(), |s, v| s.keep_alive = v.trim().parse().unwrap_or(s.keep_alive), NUMBER, "")]) }
                { checkbox(CheckboxProps::new("clean-start", "Clean start", s.clean_start, toggle(|s, v| s.clean_start = v))) }
                { checkbox(CheckboxProps::new("remember-password", "Remember password", s.remember_password, toggle(|s, v| s.remember_password = v))) }
                { checkbox(CheckboxProps::new("queue-qos0", "Queue QoS 0 messages while offline", s.queue_qos0, toggle(|s, v| s.queue_qos0 = v))) }
            </div>
            if s.signer.is_none() && s.remember_password {
                // A new passphrase seals the password anew; a sealed one (the password field
                // empty) is opened with it on connecting.
                { texts(p, vec![Text("passphrase", "Passphrase", s.passphrase.clone(), |s, v| {
                    s.passphrase = v;
                    if !s.password.is_empty() { s.sealed_password.clear() }
                }, SECRET, "optional: keeps the password encrypted")]) }
            }
            { advanced(p) }
            if let Some(error) = &p.error {
                <p class="error" role="alert">{ error.clone() }</p>
            }
            <button type="submit" class="primary">{ if p.active { "Disconnect" } else { "Connect" } }</button>
            if p.active && s.auth.is_some() {
                { " " }
                <button type="button" onclick={p.on_reauthenticate.reform(|_| ())}>{ "Re-authenticate" }</button>
            }
            if p.active && !s.advanced.will.topic.trim().is_empty() {
                { " " }
                <button type="button" onclick={p.on_disconnect_with_will.reform(|_| ())}>{ "Disconnect with will" }</button>
            }
        </form>
    }
}

/// The preset select's value when the form matches none.
const CUSTOM: &str = "";

/// The preset the form shows: the signer's kind, or the plain preset with this URL.
fn current_preset(s: &ConnectionSettings) -> Option<&'static Preset> {
    let kind = match s.signer {
        Some(Signer::AwsIot(_)) => Kind::AwsIot,
        Some(Signer::AzureIotHub(_)) => Kind::AzureIotHub,
        None => Kind::Plain,
    };
    PRESETS
        .iter()
        .find(|p| p.kind == kind && (kind != Kind::Plain || p.url == s.url))
}

/// The AWS signer's fields; each edit is a no-op if the form has another signer.
fn aws_fields(p: &Props, iot: &IotCore) -> Html {
    fn on(s: &mut ConnectionSettings) -> Option<&mut IotCore> {
        match &mut s.signer {
            Some(Signer::AwsIot(iot)) => Some(iot),
            _ => None,
        }
    }
    html! {
        <>
            { texts(p, vec![Text("aws-endpoint", "AWS IoT endpoint", iot.endpoint.clone(), |s, v| if let Some(i) = on(s) { i.endpoint = v.trim().into() }, TEXT, "xxxxxxxx-ats.iot.eu-west-1.amazonaws.com")]) }
            <div class="row">
                { texts(p, vec![
                    Text("aws-region", "AWS region", iot.region.clone(), |s, v| if let Some(i) = on(s) { i.region = v.trim().into() }, TEXT, "from the endpoint"),
                    Text("aws-access-key", "Access key ID", iot.access_key_id.clone(), |s, v| if let Some(i) = on(s) { i.access_key_id = v.trim().into() }, TEXT, ""),
                ]) }
            </div>
            <div class="row">
                { texts(p, vec![
                    Text("aws-secret-key", "Secret access key", iot.secret_access_key.clone(), |s, v| if let Some(i) = on(s) { i.secret_access_key = v.trim().into() }, SECRET, ""),
                    Text("aws-session-token", "Session token", iot.session_token.clone(), |s, v| if let Some(i) = on(s) { i.session_token = v.trim().into() }, SECRET, "temporary credentials only"),
                ]) }
            </div>
            <p class="hint">{ KEYS_HINT }</p>
        </>
    }
}

/// The Azure signer's fields; each edit is a no-op if the form has another signer.
fn azure_fields(p: &Props, hub: &IotHub) -> Html {
    fn on(s: &mut ConnectionSettings) -> Option<&mut IotHub> {
        match &mut s.signer {
            Some(Signer::AzureIotHub(hub)) => Some(hub),
            _ => None,
        }
    }
    let seconds = if hub.token_seconds == 0 {
        String::new()
    } else {
        hub.token_seconds.to_string()
    };
    html! {
        <>
            <div class="row">
                { texts(p, vec![
                    Text("azure-hub", "IoT hub name", hub.hub.clone(), |s, v| if let Some(h) = on(s) { h.hub = v.trim().into() }, TEXT, "myhub"),
                    Text("azure-device", "Device ID", hub.device_id.clone(), |s, v| if let Some(h) = on(s) { h.device_id = v.trim().into() }, TEXT, ""),
                ]) }
            </div>
            <div class="row">
                { texts(p, vec![
                    Text("azure-device-key", "Device key", hub.device_key.clone(), |s, v| if let Some(h) = on(s) { h.device_key = v.trim().into() }, SECRET, ""),
                    Text("azure-token-seconds", "Token lifetime (seconds)", seconds, |s, v| if let Some(h) = on(s) { h.token_seconds = v.trim().parse().unwrap_or(0) }, NUMBER, "3600"),
                ]) }
            </div>
            <p class="hint">{ KEYS_HINT }</p>
        </>
    }
}

/// A number field's text: empty for "the default".
fn opt_text<T: ToString>(v: Option<T>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// Empty text is "the default"; anything that does not parse keeps the last good value, as
/// the keep-alive field does.
fn opt_parse<T: std::str::FromStr + Copy>(text: &str, old: Option<T>) -> Option<T> {
    match text.trim() {
        "" => None,
        t => t.parse().ok().or(old),
    }
}

/// The folded "Advanced" section: MQTT 5 session, limits, CONNECT user properties and the
/// will message. Each control names what it sets, unique on the page.
fn advanced(p: &Props) -> Html {
    let edit = |f: fn(&mut ConnectionSettings, String)| editor(p, f);
    let toggle = |f: fn(&mut ConnectionSettings, bool)| editor(p, f);
    let a = &p.settings.advanced;
    let w = &a.will;
    let on_user = editor(p, |s, rows| s.advanced.user_properties = rows);
    html! {
        <details class="advanced">
            <summary>{ "Advanced" }</summary>
            <div class="row">
                { texts(p, vec![
                    Text("session-expiry", "Session expiry (seconds)", opt_text(a.session_expiry), |s, v| s.advanced.session_expiry = opt_parse(&v, s.advanced.session_expiry), NUMBER, "0 with clean start, else 86400"),
                    Text("receive-maximum", "Receive maximum", opt_text(a.receive_maximum), |s, v| s.advanced.receive_maximum = opt_parse(&v, s.advanced.receive_maximum), NUMBER, "65535"),
                    Text("max-packet-size", "Maximum packet size (bytes)", opt_text(a.max_packet_size), |s, v| s.advanced.max_packet_size = opt_parse(&v, s.advanced.max_packet_size), NUMBER, "16777216"),
                ]) }
            </div>
            { checkbox(CheckboxProps::new("request-response-info", "Request response information", a.request_response_info, toggle(|s, v| s.advanced.request_response_info = v))) }
            { key_value_rows(KeyValueRowsProps { id: "conn-up", label: "Connect user property", rows: a.user_properties.clone(), on_change: on_user }) }
            <h3>{ "Will message" }</h3>
            <div class="row">
                { texts(p, vec![
                    Text("will-topic", "Will topic", w.topic.clone(), |s, v| s.advanced.will.topic = v, TEXT, "no will when empty"),
                    Text("will-payload", "Will payload", w.payload.clone(), |s, v| s.advanced.will.payload = v, TEXT, ""),
                ]) }
            </div>
            <div class="row">
                { select(SelectProps::new("will-qos", "QoS", qos_options(), (w.qos as u8).to_string(), edit(|s, v| s.advanced.will.qos = v.parse().ok().and_then(QoS::from_u8).unwrap_or_default())).aria_label("Will QoS")) }
                { checkbox(CheckboxProps::new("will-retain", "Retain will", w.retain, toggle(|s, v| s.advanced.will.retain = v))) }
                { texts(p, vec![
                    Text("will-delay", "Will delay (seconds)", w.delay.to_string(), |s, v| s.advanced.will.delay = v.trim().parse().unwrap_or(s.advanced.will.delay), NUMBER, ""),
                    Text("will-expiry", "Will expiry (seconds)", opt_text(w.expiry), |s, v| s.advanced.will.expiry = opt_parse(&v, s.advanced.will.expiry), NUMBER, ""),
                    Text("will-content-type", "Will content type", w.content_type.clone(), |s, v| s.advanced.will.content_type = v, TEXT, ""),
                ]) }
            </div>
        </details>
    }
}
