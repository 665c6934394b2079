//! The connection form: broker URL, identity, credentials, session options and, folded
//! away, the MQTT 5 "Advanced" options (session expiry, limits, user properties, will).

use yew::prelude::*;

use super::fields::{qos_options, Checkbox, KeyValueRows, Select, TextField};
use crate::model::cloud::aws::IotCore;
use crate::model::cloud::azure::IotHub;
use crate::model::cloud::Signer;
use crate::model::presets::{Kind, Preset, PRESETS};
use crate::model::settings::{parse_version, version_label, ConnectionSettings};
use crate::mqtt::auth::ScramMechanism;
use crate::mqtt::{QoS, Version};

/// The authentication select's value for plain username and password.
const PASSWORD: &str = "password";

#[derive(Properties, PartialEq)]
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

#[function_component(ConnectionForm)]
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
            <Select id="preset" label="Preset" aria_label="Broker preset" options={presets}
                value={preset.map_or(CUSTOM, |p| p.id)} on_change={on_preset} />
            if let Some(p) = preset {
                <p class="hint">{ p.help }</p>
            }
            { match &s.signer {
                Some(Signer::AwsIot(iot)) => aws_fields(p, iot),
                Some(Signer::AzureIotHub(hub)) => azure_fields(p, hub),
                None => html! {
                    <TextField id="broker-url" label="Broker URL" value={s.url.clone()} placeholder="ws://host:port/path"
                        on_input={edit(|s, v| s.url = v.trim().to_string())} />
                },
            } }
            <div class="row">
                if !matches!(s.signer, Some(Signer::AzureIotHub(_))) {
                    <TextField id="client-id" label="Client ID" value={s.client_id.clone()}
                        on_input={edit(|s, v| s.client_id = v)} />
                }
                <Select id="mqtt-version" label="MQTT version" options={versions}
                    value={version_label(s.version)}
                    on_change={edit(|s, v| s.version = parse_version(&v).unwrap_or(Version::V5))} />
            </div>
            if s.signer.is_none() {
                <div class="row">
                    <TextField id="username" label="Username" value={s.username.clone()} autocomplete="username"
                        on_input={edit(|s, v| s.username = v)} />
                    <TextField id="password" label="Password" kind="password" value={s.password.clone()}
                        autocomplete="current-password" on_input={edit(|s, v| s.password = v)} />
                    <Select id="auth-method" label="Authentication" aria_label="Authentication method"
                        options={methods} value={s.auth.map_or(PASSWORD, ScramMechanism::name)}
                        on_change={edit(|s, v| s.auth = ScramMechanism::from_name(&v))} />
                </div>
            }
            <div class="row">
                <TextField id="keep-alive" label="Keep alive" kind="number" value={s.keep_alive.to_string()}
                    on_input={edit(|s, v| s.keep_alive = v.trim().parse().unwrap_or(s.keep_alive))} />
                <Checkbox id="clean-start" label="Clean start" checked={s.clean_start}
                    on_change={toggle(|s, v| s.clean_start = v)} />
                <Checkbox id="remember-password" label="Remember password" checked={s.remember_password}
                    on_change={toggle(|s, v| s.remember_password = v)} />
            </div>
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

/// Edits the AWS signer's fields (a no-op if the form has another).
fn aws(p: &Props, f: fn(&mut IotCore, String)) -> Callback<String> {
    let (settings, on_change) = (p.settings.clone(), p.on_change.clone());
    Callback::from(move |v: String| {
        let mut s = settings.clone();
        if let Some(Signer::AwsIot(iot)) = &mut s.signer {
            f(iot, v);
        }
        on_change.emit(s);
    })
}

fn aws_fields(p: &Props, iot: &IotCore) -> Html {
    html! {
        <>
            <TextField id="aws-endpoint" label="AWS IoT endpoint" value={iot.endpoint.clone()}
                placeholder="xxxxxxxx-ats.iot.eu-west-1.amazonaws.com" on_input={aws(p, |i, v| i.endpoint = v.trim().into())} />
            <div class="row">
                <TextField id="aws-region" label="AWS region" value={iot.region.clone()}
                    placeholder="from the endpoint" on_input={aws(p, |i, v| i.region = v.trim().into())} />
                <TextField id="aws-access-key" label="Access key ID" value={iot.access_key_id.clone()}
                    on_input={aws(p, |i, v| i.access_key_id = v.trim().into())} />
            </div>
            <div class="row">
                <TextField id="aws-secret-key" label="Secret access key" kind="password" value={iot.secret_access_key.clone()}
                    on_input={aws(p, |i, v| i.secret_access_key = v.trim().into())} />
                <TextField id="aws-session-token" label="Session token" kind="password" value={iot.session_token.clone()}
                    placeholder="temporary credentials only" on_input={aws(p, |i, v| i.session_token = v.trim().into())} />
            </div>
            <p class="hint">{ "Keys stay in this browser only if Remember password is ticked, and never go into exports." }</p>
        </>
    }
}

/// Edits the Azure signer's fields (a no-op if the form has another).
fn azure(p: &Props, f: fn(&mut IotHub, String)) -> Callback<String> {
    let (settings, on_change) = (p.settings.clone(), p.on_change.clone());
    Callback::from(move |v: String| {
        let mut s = settings.clone();
        if let Some(Signer::AzureIotHub(hub)) = &mut s.signer {
            f(hub, v);
        }
        on_change.emit(s);
    })
}

fn azure_fields(p: &Props, hub: &IotHub) -> Html {
    let seconds = if hub.token_seconds == 0 {
        String::new()
    } else {
        hub.token_seconds.to_string()
    };
    html! {
        <>
            <div class="row">
                <TextField id="azure-hub" label="IoT hub name" value={hub.hub.clone()} placeholder="myhub"
                    on_input={azure(p, |h, v| h.hub = v.trim().into())} />
                <TextField id="azure-device" label="Device ID" value={hub.device_id.clone()}
                    on_input={azure(p, |h, v| h.device_id = v.trim().into())} />
            </div>
            <div class="row">
                <TextField id="azure-device-key" label="Device key" kind="password" value={hub.device_key.clone()}
                    on_input={azure(p, |h, v| h.device_key = v.trim().into())} />
                <TextField id="azure-token-seconds" label="Token lifetime (seconds)" kind="number" value={seconds}
                    placeholder="3600" on_input={azure(p, |h, v| h.token_seconds = v.trim().parse().unwrap_or(0))} />
            </div>
            <p class="hint">{ "The key stays in this browser only if Remember password is ticked, and never goes into exports." }</p>
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
                <TextField id="session-expiry" label="Session expiry (seconds)" kind="number"
                    value={opt_text(a.session_expiry)} placeholder="0 with clean start, else 86400"
                    on_input={edit(|s, v| s.advanced.session_expiry = opt_parse(&v, s.advanced.session_expiry))} />
                <TextField id="receive-maximum" label="Receive maximum" kind="number"
                    value={opt_text(a.receive_maximum)} placeholder="65535"
                    on_input={edit(|s, v| s.advanced.receive_maximum = opt_parse(&v, s.advanced.receive_maximum))} />
                <TextField id="max-packet-size" label="Maximum packet size (bytes)" kind="number"
                    value={opt_text(a.max_packet_size)} placeholder="16777216"
                    on_input={edit(|s, v| s.advanced.max_packet_size = opt_parse(&v, s.advanced.max_packet_size))} />
            </div>
            <Checkbox id="request-response-info" label="Request response information" checked={a.request_response_info}
                on_change={toggle(|s, v| s.advanced.request_response_info = v)} />
            <KeyValueRows id="conn-up" label="Connect user property" rows={a.user_properties.clone()} on_change={on_user} />
            <h3>{ "Will message" }</h3>
            <div class="row">
                <TextField id="will-topic" label="Will topic" value={w.topic.clone()} placeholder="no will when empty"
                    on_input={edit(|s, v| s.advanced.will.topic = v)} />
                <TextField id="will-payload" label="Will payload" value={w.payload.clone()}
                    on_input={edit(|s, v| s.advanced.will.payload = v)} />
            </div>
            <div class="row">
                <Select id="will-qos" label="QoS" aria_label="Will QoS" options={qos_options()}
                    value={(w.qos as u8).to_string()}
                    on_change={edit(|s, v| s.advanced.will.qos = v.parse().ok().and_then(QoS::from_u8).unwrap_or_default())} />
                <Checkbox id="will-retain" label="Retain will" checked={w.retain}
                    on_change={toggle(|s, v| s.advanced.will.retain = v)} />
                <TextField id="will-delay" label="Will delay (seconds)" kind="number" value={w.delay.to_string()}
                    on_input={edit(|s, v| s.advanced.will.delay = v.trim().parse().unwrap_or(s.advanced.will.delay))} />
                <TextField id="will-expiry" label="Will expiry (seconds)" kind="number" value={opt_text(w.expiry)}
                    on_input={edit(|s, v| s.advanced.will.expiry = opt_parse(&v, s.advanced.will.expiry))} />
                <TextField id="will-content-type" label="Will content type" value={w.content_type.clone()}
                    on_input={edit(|s, v| s.advanced.will.content_type = v)} />
            </div>
        </details>
    }
}
