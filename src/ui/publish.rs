//! The publish form: topic, payload (text or hex), QoS, retain and, folded away, MQTT 5
//! properties (content type, payload format, expiry, response topic, correlation data,
//! user properties).

use yew::prelude::*;

use super::fields::{
    checkbox, key_value_rows, qos_options, select, setter, text_area, text_field, CheckboxProps,
    KeyValueRowsProps, SelectProps, TextFieldProps,
};
use crate::model::props::PropsForm;
use crate::mqtt::QoS;

/// What the user asked to publish; the app validates and sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishRequest {
    pub topic: String,
    pub payload: String,
    pub hex: bool,
    pub qos: QoS,
    pub retain: bool,
    pub props: PropsForm,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub error: Option<AttrValue>,
    pub on_publish: Callback<PublishRequest>,
}

#[function_component(PublishForm)]
pub fn publish_form(p: &Props) -> Html {
    let req = use_state(|| PublishRequest {
        topic: String::new(),
        payload: String::new(),
        hex: false,
        qos: QoS::AtMostOnce,
        retain: false,
        props: PropsForm::default(),
    });
    let set = |f: fn(&mut PublishRequest, String)| setter(&req, f);
    let onsubmit = {
        let (req, on_publish) = (req.clone(), p.on_publish.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_publish.emit((*req).clone());
        })
    };
    let formats = vec![("text".into(), "Text".into()), ("hex".into(), "Hex".into())];
    html! {
        <form class="panel publish" aria-label="Publish" {onsubmit}>
            <h2>{ "Publish" }</h2>
            { text_field(TextFieldProps::new("pub-topic", "Topic", req.topic.clone(), set(|r, v| r.topic = v)).placeholder("home/lamp/set")) }
            { text_area("pub-payload", "Payload", &req.payload, set(|r, v| r.payload = v)) }
            <div class="row">
                { select(SelectProps::new("pub-format", "Payload format", formats, if req.hex { "hex" } else { "text" }, set(|r, v| r.hex = v == "hex"))) }
                { select(SelectProps::new("pub-qos", "QoS", qos_options(), (req.qos as u8).to_string(), set(|r, v| r.qos = v.parse().ok().and_then(QoS::from_u8).unwrap_or_default())).aria_label("Publish QoS")) }
                { checkbox(CheckboxProps::new("pub-retain", "Retain", req.retain, setter(&req, |r, v| r.retain = v))) }
            </div>
            { properties(&req) }
            if let Some(error) = &p.error {
                <p class="error" role="alert">{ error.clone() }</p>
            }
            <button type="submit" class="primary">{ "Publish" }</button>
        </form>
    }
}

/// The folded "MQTT 5 properties" section. Every control is named for what it sets, and each
/// user property row by its number, so that screen readers and tests tell them apart.
fn properties(req: &UseStateHandle<PublishRequest>) -> Html {
    let set = |f: fn(&mut PublishRequest, String)| setter(req, f);
    let flag = |f: fn(&mut PublishRequest, bool)| setter(req, f);
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
