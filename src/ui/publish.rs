//! The publish form: topic, payload (text, JSON checked as it is typed, or hex), QoS, retain
//! and, folded away, MQTT 5 properties (content type, payload format, expiry, response topic,
//! correlation data, user properties). Under it the saved templates and the publish history
//! (`templates`), which fill the form or send from it.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::feed::Feed;
use super::fields::{
    checkbox, flag, key_value_rows, qos_options, select, setter, text_field, CheckboxProps,
    KeyValueRowsProps, SelectProps, TextFieldProps,
};
use super::templates::{history_list, load_templates, templates_section, TemplatesView, Use};
use crate::model::templates::{Draft, Format};
use crate::mqtt::QoS;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub feed: Rc<Feed>,
    /// Where templates are saved: the open saved connection's name, else the broker's URL
    /// without its query.
    pub group: AttrValue,
}

#[function_component(PublishForm)]
pub fn publish_form(p: &Props) -> Html {
    use_history(&p.feed);
    let req = use_state(Draft::default);
    let error = use_state_eq(|| None::<String>);
    let templates = use_state(load_templates);
    let name = use_state(String::new);
    let set = |f: fn(&mut Draft, String)| setter(&req, f);
    // Every send (the form, a template, the history) goes through the core, which records it
    // in the history; what is refused is said under the form.
    let send = {
        let (feed, error) = (p.feed.clone(), error.clone());
        Callback::from(move |draft: Draft| {
            error.set(feed.run(|c, now| c.publish_draft(now, &draft)).err());
        })
    };
    let onsubmit = {
        let (req, send) = (req.clone(), send.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send.emit((*req).clone());
        })
    };
    // A template or a history entry: sent, or loaded into the form (with a name to keep it).
    let on_use = {
        let (req, name, send) = (req.clone(), name.clone(), send.clone());
        Callback::from(move |(draft, how): (Draft, Use)| {
            match how {
                Use::Send => return send.emit(draft),
                Use::Edit(n) => name.set(n),
                Use::Keep => {
                    // The topic as a first name, and the field focused for a better one.
                    name.set(draft.topic.clone());
                    let field = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id("template-name"));
                    if let Some(input) = field {
                        let _ = input.unchecked_into::<HtmlInputElement>().focus();
                    }
                }
            }
            req.set(draft);
        })
    };
    let formats = vec![
        ("text".into(), "Text".into()),
        ("json".into(), "JSON".into()),
        ("hex".into(), "Hex".into()),
    ];
    let problem = req.json_problem();
    // Why the last send was refused stays until the form changes (the field says the rest).
    {
        let error = error.clone();
        use_effect_with((*req).clone(), move |_| error.set(None));
    }
    html! {
        <div class="publish-side">
        <form class="panel publish" aria-label="Publish" {onsubmit}>
            <h2>{ "Publish" }</h2>
            { text_field(TextFieldProps::new("pub-topic", "Topic", req.topic.clone(), set(|r, v| r.topic = v)).placeholder("home/lamp/set")) }
            { payload_field(&req, problem) }
            <div class="row">
                { select(SelectProps::new("pub-format", "Payload format", formats, req.format.key(), set(|r, v| r.format = Format::from_key(&v).unwrap_or_default()))) }
                { select(SelectProps::new("pub-qos", "QoS", qos_options(), (req.qos as u8).to_string(), set(|r, v| r.qos = v.parse().ok().and_then(QoS::from_u8).unwrap_or_default())).aria_label("Publish QoS")) }
                { checkbox(CheckboxProps::new("pub-retain", "Retain", req.retain, setter(&req, |r, v| r.retain = v))) }
            </div>
            { properties(&req) }
            if let Some(error) = &*error {
                <p class="error" role="alert">{ error.clone() }</p>
            }
            <button type="submit" class="primary">{ "Publish" }</button>
        </form>
        { templates_section(TemplatesView {
            group: &p.group,
            draft: &req,
            templates: &templates,
            name: &name,
            on_use: on_use.clone(),
        }) }
        { history_list(p.feed.core().history(), &on_use) }
        </div>
    }
}

/// The payload, with its JSON checked as it is typed: the problem and where it is, under the
/// field, tied to it for screen readers.
fn payload_field(req: &UseStateHandle<Draft>, problem: Option<String>) -> Html {
    let oninput = {
        let req = req.clone();
        Callback::from(move |e: InputEvent| {
            let mut r = (*req).clone();
            r.payload = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            req.set(r);
        })
    };
    html! {
        <div class="field">
            <label for="pub-payload">{ "Payload" }</label>
            <textarea id="pub-payload" value={req.payload.clone()} {oninput} rows="3" spellcheck="false"
                aria-invalid={flag(problem.is_some())}
                aria-describedby={problem.is_some().then_some("pub-payload-problem")} />
            if let Some(problem) = problem {
                <p id="pub-payload-problem" class="error">{ problem }</p>
            }
        </div>
    }
}

/// Re-renders the form when the publish history changed, not on every frame in which messages
/// arrived (as `use_feed` would).
#[hook]
fn use_history(feed: &Rc<Feed>) {
    let repaint = use_force_update();
    let feed = feed.clone();
    use_effect_with((), move |_| {
        let seen = std::cell::Cell::new(feed.core().history().revision());
        let listener = feed.clone();
        let key = feed.listen(Callback::from(move |_| {
            let now = listener.core().history().revision();
            if seen.replace(now) != now {
                repaint.force_update();
            }
        }));
        move || feed.unlisten(key)
    });
}

/// The folded "MQTT 5 properties" section. Every control is named for what it sets, and each
/// user property row by its number, so that screen readers and tests tell them apart.
fn properties(req: &UseStateHandle<Draft>) -> Html {
    let set = |f: fn(&mut Draft, String)| setter(req, f);
    let flag = |f: fn(&mut Draft, bool)| setter(req, f);
    let f = &req.props;
    let on_user = {
        let req = req.clone();
        Callback::from(move |rows: Vec<(String, String)>| {
            let mut r = (*req).clone();
            r.props.user = rows;
            req.set(r);
        })
    };
    html! {
        <details class="advanced">
            <summary>{ "MQTT 5 properties" }</summary>
            { text_field(TextFieldProps::new("pub-content-type", "Content type", f.content_type.clone(), set(|r, v| r.props.content_type = v)).placeholder("application/json")) }
            { checkbox(CheckboxProps::new("pub-utf8", "Payload is UTF-8 text", f.utf8, flag(|r, v| r.props.utf8 = v))) }
            { text_field(TextFieldProps::new("pub-expiry", "Message expiry (seconds)", f.expiry.clone(), set(|r, v| r.props.expiry = v))) }
            { text_field(TextFieldProps::new("pub-response-topic", "Response topic", f.response_topic.clone(), set(|r, v| r.props.response_topic = v))) }
            <div class="row">
                { text_field(TextFieldProps::new("pub-correlation", "Correlation data", f.correlation.clone(), set(|r, v| r.props.correlation = v))) }
                { checkbox(CheckboxProps::new("pub-correlation-hex", "Correlation data is hex", f.correlation_hex, flag(|r, v| r.props.correlation_hex = v))) }
            </div>
            { key_value_rows(KeyValueRowsProps { id: "pub-up", label: "User property", rows: f.user.clone(), on_change: on_user }) }
        </details>
    }
}
