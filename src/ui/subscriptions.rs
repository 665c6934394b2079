//! Subscribe form and the subscription list with each filter's outcome.

use yew::prelude::*;

use super::fields::{
    checkbox, qos_options, select, setter, text_field, CheckboxProps, SelectProps, TextFieldProps,
};
use crate::model::subscriptions::{SubEntry, SubState};
use crate::mqtt::{QoS, SubOptions};

/// What the section shows and the callbacks it calls.
pub struct Props<'a> {
    /// The form as typed, held by the page (a plain function here: a component's machinery
    /// costs bundle size for one state hook).
    pub form: &'a UseStateHandle<Form>,
    pub entries: &'a [SubEntry],
    pub error: Option<&'a str>,
    pub on_subscribe: Callback<(String, SubOptions)>,
    pub on_unsubscribe: Callback<String>,
}

/// The subscribe form's fields: one state, so one hook and one kind of setter for all.
#[derive(Clone, Default)]
pub struct Form {
    filter: String,
    qos: QoS,
    options: SubOptions,
    id_text: String,
}

pub fn subscriptions(p: Props) -> Html {
    let form = p.form;
    let onsubmit = {
        let (form, on_subscribe) = (form.clone(), p.on_subscribe.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            // Anything but a number becomes 0, which the session refuses with the valid range.
            let id = match form.id_text.trim() {
                "" => None,
                s => Some(s.parse().unwrap_or(0)),
            };
            let opts = SubOptions {
                qos: form.qos,
                id,
                ..form.options
            };
            on_subscribe.emit((form.filter.trim().to_string(), opts));
        })
    };
    let handling = [
        ("0", "Send on subscribe"),
        ("1", "Send if the subscription is new"),
        ("2", "Never send"),
    ]
    .iter()
    .map(|(v, t)| (AttrValue::from(*v), AttrValue::from(*t)))
    .collect::<Vec<_>>();
    let options = &form.options;
    html! {
        <section class="panel subscriptions">
            <h2>{ "Subscriptions" }</h2>
            <form class="row" aria-label="Subscribe" {onsubmit}>
                { text_field(TextFieldProps::new("sub-filter", "Topic filter", form.filter.clone(), setter(form, |f: &mut Form, v: String| f.filter = v)).placeholder("home/+/temperature")) }
                { select(SelectProps::new("sub-qos", "QoS", qos_options(), (form.qos as u8).to_string(), setter(form, |f: &mut Form, v: String| f.qos = v.parse().ok().and_then(QoS::from_u8).unwrap_or_default())).aria_label("Subscribe QoS")) }
                <button type="submit">{ "Subscribe" }</button>
                <details class="advanced">
                    <summary>{ "MQTT 5 options" }</summary>
                    { checkbox(CheckboxProps::new("sub-no-local", "No Local (not my own messages)", options.no_local, setter(form, |f: &mut Form, v| f.options.no_local = v))) }
                    { checkbox(CheckboxProps::new("sub-rap", "Retain As Published", options.retain_as_published, setter(form, |f: &mut Form, v| f.options.retain_as_published = v))) }
                    { select(SelectProps::new("sub-retain-handling", "Retained messages", handling, options.retain_handling.to_string(), setter(form, |f: &mut Form, v: String| f.options.retain_handling = v.parse().unwrap_or(0))).aria_label("Retain handling")) }
                    { text_field(TextFieldProps::new("sub-id", "Subscription identifier", form.id_text.clone(), setter(form, |f: &mut Form, v: String| f.id_text = v))) }
                </details>
            </form>
            if let Some(error) = p.error {
                <p class="error" role="alert">{ error.to_owned() }</p>
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
            <span Class={class}>{ text }</span>{ " " }
            <button type="button" aria-label={format!("Unsubscribe {}", e.filter)} {onclick}>{ "Unsubscribe" }</button>
        </li>
    }
}
