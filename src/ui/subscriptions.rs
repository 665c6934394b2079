//! Subscribe form and the subscription list with each filter's outcome.

use yew::prelude::*;

use super::fields::{checkbox, qos_options, select, text_field, CheckboxProps, SelectProps, TextFieldProps};
use crate::model::subscriptions::{SubEntry, SubState};
use crate::mqtt::{QoS, SubOptions};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub entries: Vec<SubEntry>,
    pub error: Option<AttrValue>,
    pub on_subscribe: Callback<(String, SubOptions)>,
    pub on_unsubscribe: Callback<String>,
}

#[function_component(Subscriptions)]
pub fn subscriptions(p: &Props) -> Html {
    let filter = use_state(String::new);
    let qos = use_state(|| QoS::AtMostOnce);
    let options = use_state(SubOptions::default);
    let id_text = use_state(String::new);
    let onsubmit = {
        let (filter, qos, on_subscribe) = (filter.clone(), qos.clone(), p.on_subscribe.clone());
        let (options, id_text) = (options.clone(), id_text.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // Anything but a number becomes 0, which the session refuses with the valid range.
            let id = match id_text.trim() {
                "" => None,
                s => Some(s.parse().unwrap_or(0)),
            };
            let opts = SubOptions {
                qos: *qos,
                id,
                ..*options
            };
            on_subscribe.emit((filter.trim().to_string(), opts));
        })
    };
    let option = |edit: fn(&mut SubOptions, bool)| {
        let options = options.clone();
        Callback::from(move |v: bool| {
            let mut o = *options;
            edit(&mut o, v);
            options.set(o);
        })
    };
    let on_retain_handling = {
        let options = options.clone();
        Callback::from(move |v: String| {
            let mut o = *options;
            o.retain_handling = v.parse().unwrap_or(0);
            options.set(o);
        })
    };
    let on_id = {
        let id_text = id_text.clone();
        Callback::from(move |v: String| id_text.set(v))
    };
    let handling = [
        ("0", "Send on subscribe"),
        ("1", "Send if the subscription is new"),
        ("2", "Never send"),
    ]
    .iter()
    .map(|(v, t)| (AttrValue::from(*v), AttrValue::from(*t)))
    .collect::<Vec<_>>();
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
                { text_field(TextFieldProps::new("sub-filter", "Topic filter", (*filter).clone(), on_filter).placeholder("home/+/temperature")) }
                { select(SelectProps::new("sub-qos", "QoS", qos_options(), (*qos as u8).to_string(), on_qos).aria_label("Subscribe QoS")) }
                <button type="submit">{ "Subscribe" }</button>
                <details class="advanced">
                    <summary>{ "MQTT 5 options" }</summary>
                    { checkbox(CheckboxProps::new("sub-no-local", "No Local (not my own messages)", options.no_local, option(|o, v| o.no_local = v))) }
                    { checkbox(CheckboxProps::new("sub-rap", "Retain As Published", options.retain_as_published, option(|o, v| o.retain_as_published = v))) }
                    { select(SelectProps::new("sub-retain-handling", "Retained messages", handling, options.retain_handling.to_string(), on_retain_handling).aria_label("Retain handling")) }
                    { text_field(TextFieldProps::new("sub-id", "Subscription identifier", (*id_text).clone(), on_id)) }
                </details>
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
