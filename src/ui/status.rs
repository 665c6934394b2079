//! The connection bar: broker and state, announced to screen readers as it changes.

use yew::prelude::*;

use crate::model::app::ConnStatus;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub status: ConnStatus,
    pub url: AttrValue,
}

#[function_component(StatusBar)]
pub fn status_bar(p: &Props) -> Html {
    let class = match p.status {
        ConnStatus::Connected { .. } => "state ok",
        ConnStatus::Connecting | ConnStatus::Reconnecting { .. } => "state busy",
        ConnStatus::Disconnected { reason: Some(_) } => "state bad",
        _ => "state",
    };
    html! {
        <header class="statusbar">
            <span class="brand">{ "MQTT Deck" }</span>
            <span class="broker mono" title={p.url.clone()}>{ p.url.clone() }</span>
            <span class={class} role="status" aria-live="polite" id="connection-status">{ p.status.text() }</span>
        </header>
    }
}
