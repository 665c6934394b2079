//! The "add widget" form: name, kind, state topic and value, command topic and payload.

use std::rc::Rc;

use yew::prelude::*;

use super::hub::PanelHub;
use crate::model::panel::{
    Availability, CommandBinding, Extractor, StateBinding, Template, WidgetDef, WidgetKind, KIND_NAMES,
};
use crate::ui::fields::{Checkbox, Select, TextField};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub hub: Rc<PanelHub>,
    pub panel_id: AttrValue,
    pub on_error: Callback<String>,
}

#[derive(Clone, Default, PartialEq)]
struct Form {
    name: String,
    kind: String,
    state_topic: String,
    value: String,
    command_topic: String,
    payload: String,
    unit: String,
    retain: bool,
}

impl Form {
    /// Builds the definition; every field is checked so a bad form never becomes a widget.
    fn build(&self) -> Result<WidgetDef, String> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err("Give the widget a name".into());
        }
        let kind = WidgetKind::with_defaults(&self.kind).ok_or("Choose a widget kind")?;
        let state = match self.state_topic.trim() {
            "" => None,
            topic => {
                let extract = Extractor::parse(self.value.trim()).map_err(|e| format!("Value: {e}"))?;
                Some(StateBinding::new(topic, extract))
            }
        };
        let command = match self.command_topic.trim() {
            "" => None,
            topic => Some(CommandBinding {
                topic: topic.to_string(),
                template: match self.payload.trim() {
                    "" => None,
                    t => Some(Template::parse(t).map_err(|e| format!("Command payload: {e}"))?),
                },
                qos: 1,
                retain: self.retain,
            }),
        };
        let def = WidgetDef {
            // A placeholder for validation: the panel gives every added widget its own id.
            id: "new".into(),
            name: name.to_string(),
            kind,
            state,
            command,
            availability: Availability::default(),
            unit: Some(self.unit.trim().to_string()).filter(|u| !u.is_empty()),
            device_class: None,
            device: None,
        };
        def.validate().map_err(|e| e.to_string())?;
        Ok(def)
    }
}

#[function_component(WidgetEditor)]
pub fn widget_editor(p: &Props) -> Html {
    let form = use_state(|| Form {
        kind: "switch".into(),
        ..Form::default()
    });
    let error = use_state(|| None::<String>);
    let set = |f: fn(&mut Form, String)| {
        let form = form.clone();
        Callback::from(move |v: String| {
            let mut next = (*form).clone();
            f(&mut next, v);
            form.set(next);
        })
    };
    let on_retain = {
        let form = form.clone();
        Callback::from(move |v: bool| {
            form.set(Form {
                retain: v,
                ..(*form).clone()
            })
        })
    };
    let onsubmit = {
        let (form, error, hub, panel) = (form.clone(), error.clone(), p.hub.clone(), p.panel_id.to_string());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match form.build().and_then(|def| {
                hub.edit(|ps| ps.add_widget(&panel, def))
                    .map_err(|e| e.to_string())
            }) {
                Ok(_) => {
                    error.set(None);
                    form.set(Form {
                        kind: form.kind.clone(),
                        ..Form::default()
                    });
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let kinds: Vec<(AttrValue, AttrValue)> = KIND_NAMES
        .iter()
        .map(|k| (AttrValue::from(*k), AttrValue::from(*k)))
        .collect();
    html! {
        <form class="editor" aria-label="Add widget" {onsubmit}>
            <h3>{ "Add widget" }</h3>
            <div class="row">
                <TextField id="w-name" label="Widget name" value={form.name.clone()} on_input={set(|f, v| f.name = v)} />
                <Select id="w-kind" label="Widget kind" options={kinds} value={form.kind.clone()} on_change={set(|f, v| f.kind = v)} />
                <TextField id="w-unit" label="Unit" value={form.unit.clone()} on_input={set(|f, v| f.unit = v)} />
            </div>
            <div class="row">
                <TextField id="w-state" label="State topic" value={form.state_topic.clone()} placeholder="home/lamp/state"
                    on_input={set(|f, v| f.state_topic = v)} />
                <TextField id="w-value" label="Value" value={form.value.clone()} placeholder="{{ value_json.state }}"
                    on_input={set(|f, v| f.value = v)} />
            </div>
            <div class="row">
                <TextField id="w-command" label="Command topic" value={form.command_topic.clone()} placeholder="home/lamp/set"
                    on_input={set(|f, v| f.command_topic = v)} />
                <TextField id="w-payload" label="Command payload" value={form.payload.clone()} placeholder="{{ value }}"
                    on_input={set(|f, v| f.payload = v)} />
                <Checkbox id="w-retain" label="Retain commands" checked={form.retain} on_change={on_retain} />
            </div>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <button type="submit">{ "Add widget" }</button>
        </form>
    }
}
