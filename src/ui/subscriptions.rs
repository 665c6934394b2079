//! Subscribe form and the subscription list with each filter's outcome.

use yew::prelude::*;

use super::fields::{qos_options, Select, TextField};
use crate::model::subscriptions::{SubEntry, SubState};
use crate::mqtt::QoS;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub entries: Vec<SubEntry>,
    pub error: Option<AttrValue>,
    pub on_subscribe: Callback<(String, QoS)>,
    pub on_unsubscribe: Callback<String>,
}

#[function_component(Subscriptions)]
pub fn subscriptions(p: &Props) -> Html {
    let filter = use_state(String::new);
    let qos = use_state(|| QoS::AtMostOnce);
    let onsubmit = {
        let (filter, qos, on_subscribe) = (filter.clone(), qos.clone(), p.on_subscribe.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_subscribe.emit((filter.trim().to_string(), *qos));
        })
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |v: String| filter.set(v))
    };
    let on_qos = {
        let qos = qos.clone();
        Callback::from(move |v: String| qos.set(v.parse().ok().and_then(QoS::from_u8).unwrap_or_default()))
    };
    html! {
        <section class="panel subscriptions">
            <h2>{ "Subscriptions" }</h2>
            <form class="row" aria-label="Subscribe" {onsubmit}>
                <TextField id="sub-filter" label="Topic filter" value={(*filter).clone()} placeholder="home/+/temperature"
                    on_input={on_filter} />
                <Select id="sub-qos" label="QoS" aria_label="Subscribe QoS" options={qos_options()}
                    value={(*qos as u8).to_string()} on_change={on_qos} />
                <button type="submit">{ "Subscribe" }</button>
            </form>
            if let Some(error) = &p.error {
                <p class="error" role="alert">{ error.clone() }</p>
            }
            <ul class="sub-list" aria-label="Subscriptions">
                { for p.entries.iter().map(|e| entry(e, &p.on_unsubscribe)) }
            </ul>
        </section>
    }
}

fn entry(e: &SubEntry, on_unsubscribe: &Callback<String>) -> Html {
    let (class, text) = match &e.state {
        SubState::Pending => ("sub-state busy", "pending".to_string()),
        SubState::Granted(q) => ("sub-state ok", format!("granted QoS {}", *q as u8)),
        SubState::Failed(reason) => ("sub-state bad", format!("failed: {reason}")),
    };
    let onclick = {
        let (filter, cb) = (e.filter.clone(), on_unsubscribe.clone());
        Callback::from(move |_| cb.emit(filter.clone()))
    };
    html! {
        <li key={e.filter.clone()}>
            <code class="mono">{ &e.filter }</code>{ " " }
            <span class={class}>{ text }</span>{ " " }
            <button type="button" aria-label={format!("Unsubscribe {}", e.filter)} {onclick}>{ "Unsubscribe" }</button>
        </li>
    }
}
