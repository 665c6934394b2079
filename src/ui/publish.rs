//! The publish form: topic, payload (text or hex), QoS and retain.

use yew::prelude::*;

use super::fields::{qos_options, setter, Checkbox, Select, TextArea, TextField};
use crate::mqtt::QoS;

/// What the user asked to publish; the app validates and sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishRequest {
    pub topic: String,
    pub payload: String,
    pub hex: bool,
    pub qos: QoS,
    pub retain: bool,
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
            <TextField id="pub-topic" label="Topic" value={req.topic.clone()} placeholder="home/lamp/set"
                on_input={set(|r, v| r.topic = v)} />
            <TextArea id="pub-payload" label="Payload" value={req.payload.clone()} on_input={set(|r, v| r.payload = v)} />
            <div class="row">
                <Select id="pub-format" label="Payload format" options={formats}
                    value={if req.hex { "hex" } else { "text" }} on_change={set(|r, v| r.hex = v == "hex")} />
                <Select id="pub-qos" label="QoS" aria_label="Publish QoS" options={qos_options()}
                    value={(req.qos as u8).to_string()}
                    on_change={set(|r, v| r.qos = v.parse().ok().and_then(QoS::from_u8).unwrap_or_default())} />
                <Checkbox id="pub-retain" label="Retain" checked={req.retain} on_change={setter(&req, |r, v| r.retain = v)} />
            </div>
            if let Some(error) = &p.error {
                <p class="error" role="alert">{ error.clone() }</p>
            }
            <button type="submit" class="primary">{ "Publish" }</button>
        </form>
    }
}
