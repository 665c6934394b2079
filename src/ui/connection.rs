//! The connection form: broker URL, identity, credentials and session options.

use yew::prelude::*;

use super::fields::{Checkbox, Select, TextField};
use crate::model::settings::{parse_version, version_label, ConnectionSettings};
use crate::mqtt::auth::ScramMechanism;
use crate::mqtt::Version;

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
}

#[function_component(ConnectionForm)]
pub fn connection_form(p: &Props) -> Html {
    // Each field edits a copy of the settings and hands the whole back.
    let edit = |f: fn(&mut ConnectionSettings, String)| {
        let (settings, on_change) = (p.settings.clone(), p.on_change.clone());
        Callback::from(move |v: String| {
            let mut s = settings.clone();
            f(&mut s, v);
            on_change.emit(s);
        })
    };
    let toggle = |f: fn(&mut ConnectionSettings, bool)| {
        let (settings, on_change) = (p.settings.clone(), p.on_change.clone());
        Callback::from(move |v: bool| {
            let mut s = settings.clone();
            f(&mut s, v);
            on_change.emit(s);
        })
    };
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
    html! {
        <form class="panel connection" aria-label="Connection" {onsubmit}>
            <h2>{ "Connection" }</h2>
            <TextField id="broker-url" label="Broker URL" value={s.url.clone()} placeholder="ws://host:port/path"
                on_input={edit(|s, v| s.url = v.trim().to_string())} />
            <div class="row">
                <TextField id="client-id" label="Client ID" value={s.client_id.clone()}
                    on_input={edit(|s, v| s.client_id = v)} />
                <Select id="mqtt-version" label="MQTT version" options={versions}
                    value={version_label(s.version)}
                    on_change={edit(|s, v| s.version = parse_version(&v).unwrap_or(Version::V5))} />
            </div>
            <div class="row">
                <TextField id="username" label="Username" value={s.username.clone()} autocomplete="username"
                    on_input={edit(|s, v| s.username = v)} />
                <TextField id="password" label="Password" kind="password" value={s.password.clone()}
                    autocomplete="current-password" on_input={edit(|s, v| s.password = v)} />
                <Select id="auth-method" label="Authentication" aria_label="Authentication method"
                    options={methods} value={s.auth.map_or(PASSWORD, ScramMechanism::name)}
                    on_change={edit(|s, v| s.auth = ScramMechanism::from_name(&v))} />
            </div>
            <div class="row">
                <TextField id="keep-alive" label="Keep alive" kind="number" value={s.keep_alive.to_string()}
                    on_input={edit(|s, v| s.keep_alive = v.trim().parse().unwrap_or(s.keep_alive))} />
                <Checkbox id="clean-start" label="Clean start" checked={s.clean_start}
                    on_change={toggle(|s, v| s.clean_start = v)} />
                <Checkbox id="remember-password" label="Remember password" checked={s.remember_password}
                    on_change={toggle(|s, v| s.remember_password = v)} />
            </div>
            if let Some(error) = &p.error {
                <p class="error" role="alert">{ error.clone() }</p>
            }
            <button type="submit" class="primary">{ if p.active { "Disconnect" } else { "Connect" } }</button>
        </form>
    }
}
