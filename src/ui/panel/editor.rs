//! The "add widget" form: name, kind, state topic and value, command topic and payload.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::connection::PanelEdit;
use crate::model::panel::{
    Availability, CommandBinding, Extractor, StateBinding, Template, WidgetDef, WidgetKind, KIND_NAMES,
};
use crate::ui::feed::Feed;
use crate::ui::fields::{checkbox, select, setter, text_field, CheckboxProps, SelectProps, TextFieldProps};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub feed: Rc<Feed>,
    pub panel_id: AttrValue,
    pub on_error: Callback<String>,
    /// A widget to edit instead of adding a new one.
    #[prop_or_default]
    pub existing: Option<WidgetDef>,
    /// Keeps element ids unique when an edit form and the add form are both open.
    #[prop_or("w".into())]
    pub id_prefix: AttrValue,
    /// Called after a successful save (to close the editor).
    #[prop_or_default]
    pub on_done: Callback<()>,
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
    fn from_def(def: &WidgetDef) -> Form {
        Form {
            name: def.name.clone(),
            kind: def.kind.name().to_string(),
            state_topic: def.state.as_ref().map(|s| s.topic.clone()).unwrap_or_default(),
            value: def.state.as_ref().map(|s| s.extract.source()).unwrap_or_default(),
            command_topic: def.command.as_ref().map(|c| c.topic.clone()).unwrap_or_default(),
            payload: def
                .command
                .as_ref()
                .and_then(|c| c.template.as_ref())
                .map(|t| t.source().to_string())
                .unwrap_or_default(),
            unit: def.unit.clone().unwrap_or_default(),
            retain: def.command.as_ref().is_some_and(|c| c.retain),
        }
    }

    /// Applies the form to an existing widget: what the form does not show (a light's
    /// brightness channel, availability, device) is kept when the kind stays the same.
    fn apply_to(&self, old: &WidgetDef) -> Result<WidgetDef, String> {
        let mut def = self.build()?;
        def.id = old.id.clone();
        if def.kind.name() == old.kind.name() {
            def.kind = old.kind.clone();
        }
        if let (Some(new), Some(old)) = (def.command.as_mut(), old.command.as_ref()) {
            new.qos = old.qos;
        }
        def.availability = old.availability.clone();
        def.device = old.device.clone();
        def.device_class = old.device_class.clone();
        def.validate().map_err(|e| e.to_string())?;
        Ok(def)
    }

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
    let form = {
        let existing = p.existing.clone();
        use_state(move || match &existing {
            Some(def) => Form::from_def(def),
            None => Form {
                kind: "switch".into(),
                ..Form::default()
            },
        })
    };
    let error = use_state(|| None::<String>);
    let set = |f: fn(&mut Form, String)| setter(&form, f);
    let onsubmit = {
        let (form, error, feed, panel) = (
            form.clone(),
            error.clone(),
            p.feed.clone(),
            p.panel_id.to_string(),
        );
        let (existing, on_done) = (p.existing.clone(), p.on_done.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let saved = match &existing {
                Some(old) => form.apply_to(old).and_then(|def| {
                    feed.edit(PanelEdit::UpdateWidget {
                        panel: panel.clone(),
                        def,
                    })
                    .map(|_| ())
                    .map_err(|e| e.to_string())
                }),
                None => form.build().and_then(|def| {
                    feed.edit(PanelEdit::AddWidget {
                        panel: panel.clone(),
                        def,
                    })
                    .map(|_| ())
                    .map_err(|e| e.to_string())
                }),
            };
            match saved {
                Ok(()) => {
                    error.set(None);
                    if existing.is_none() {
                        form.set(Form {
                            kind: form.kind.clone(),
                            ..Form::default()
                        });
                    }
                    on_done.emit(());
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let editing = p.existing.is_some();
    let kinds: Vec<(AttrValue, AttrValue)> = KIND_NAMES
        .iter()
        .map(|k| (AttrValue::from(*k), AttrValue::from(*k)))
        .collect();
    html! {
        <form class="editor" aria-label={if editing { "Edit widget" } else { "Add widget" }} {onsubmit}>
            <h3>{ if editing { format!("Edit {}", form.name) } else { "Add widget".to_string() } }</h3>
            <div class="row">
                { text_field(TextFieldProps::new(format!("{}-name", p.id_prefix), "Widget name", form.name.clone(), set(|f, v| f.name = v))) }
                { select(SelectProps::new(format!("{}-kind", p.id_prefix), "Widget kind", kinds, form.kind.clone(), set(|f, v| f.kind = v))) }
                { text_field(TextFieldProps::new(format!("{}-unit", p.id_prefix), "Unit", form.unit.clone(), set(|f, v| f.unit = v))) }
            </div>
            <div class="row">
                { text_field(TextFieldProps::new(format!("{}-state", p.id_prefix), "State topic", form.state_topic.clone(), set(|f, v| f.state_topic = v)).placeholder("home/lamp/state")) }
                { text_field(TextFieldProps::new(format!("{}-value", p.id_prefix), "Value", form.value.clone(), set(|f, v| f.value = v)).placeholder("{{ value_json.state }}")) }
            </div>
            <div class="row">
                { text_field(TextFieldProps::new(format!("{}-command", p.id_prefix), "Command topic", form.command_topic.clone(), set(|f, v| f.command_topic = v)).placeholder("home/lamp/set")) }
                { text_field(TextFieldProps::new(format!("{}-payload", p.id_prefix), "Command payload", form.payload.clone(), set(|f, v| f.payload = v)).placeholder("{{ value }}")) }
                { checkbox(CheckboxProps::new(format!("{}-retain", p.id_prefix), "Retain commands", form.retain, setter(&form, |f, v| f.retain = v))) }
            </div>
            if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
            <button type="submit">{ if editing { "Save widget" } else { "Add widget" } }</button>
        </form>
    }
}
