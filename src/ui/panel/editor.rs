//! The "add widget" form: name, kind, state topic and value, command topic and payload.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::model::connection::PanelEdit;
use crate::model::panel::{
    Availability, CommandBinding, Extractor, StateBinding, Template, WidgetDef, WidgetKind, KIND_NAMES,
};
use crate::ui::feed::Feed;
use crate::ui::fields::{checkbox, select, text_field, CheckboxProps, SelectProps, TextFieldProps};

/// The Panel screen's widget forms: the add form, and the edit form of one widget (by id).
/// The screen keeps them: plain view functions cost far less bundle than components.
pub struct Forms {
    add: Draft,
    pub editing: Option<(String, Draft)>,
}

/// A form's fields and the reason its last save was refused.
pub struct Draft {
    form: Form,
    error: Option<String>,
}

impl Draft {
    fn new(form: Form) -> Draft {
        Draft { form, error: None }
    }
}

impl Default for Forms {
    fn default() -> Self {
        Forms {
            add: Draft::new(Form {
                kind: "switch".into(),
                ..Form::default()
            }),
            editing: None,
        }
    }
}

impl Forms {
    /// Opens the edit form of `def`, filled from it.
    pub fn edit(&mut self, def: &WidgetDef) {
        self.editing = Some((def.id.clone(), Draft::new(Form::from_def(def))));
    }

    fn draft(&mut self, edit: bool) -> Option<&mut Draft> {
        if edit {
            self.editing.as_mut().map(|(_, d)| d)
        } else {
            Some(&mut self.add)
        }
    }
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

/// A callback that changes one field of the form, then repaints the screen.
fn field<V: 'static>(
    forms: &Rc<RefCell<Forms>>,
    edit: bool,
    repaint: &UseForceUpdateHandle,
    f: fn(&mut Form, V),
) -> Callback<V> {
    let (forms, repaint) = (forms.clone(), repaint.clone());
    Callback::from(move |v: V| {
        if let Some(d) = forms.borrow_mut().draft(edit) {
            f(&mut d.form, v);
        }
        repaint.force_update();
    })
}

/// The add form, or with `existing` the edit form of that widget.
pub fn widget_editor(
    feed: &Rc<Feed>,
    panel_id: &str,
    forms: &Rc<RefCell<Forms>>,
    existing: Option<&WidgetDef>,
    repaint: &UseForceUpdateHandle,
) -> Html {
    let edit = existing.is_some();
    let Some((form, error)) = forms
        .borrow_mut()
        .draft(edit)
        .map(|d| (d.form.clone(), d.error.clone()))
    else {
        return html! {};
    };
    let set = |f: fn(&mut Form, String)| field(forms, edit, repaint, f);
    let onsubmit = {
        let (forms, feed, panel, repaint) =
            (forms.clone(), feed.clone(), panel_id.to_string(), repaint.clone());
        let existing = existing.cloned();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(form) = forms.borrow_mut().draft(edit).map(|d| d.form.clone()) else {
                return;
            };
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
            let mut f = forms.borrow_mut();
            match saved {
                Ok(()) if edit => f.editing = None,
                Ok(()) => {
                    f.add = Draft::new(Form {
                        kind: form.kind,
                        ..Form::default()
                    })
                }
                Err(e) => {
                    if let Some(d) = f.draft(edit) {
                        d.error = Some(e);
                    }
                }
            }
            drop(f);
            repaint.force_update();
        })
    };
    let prefix = if edit { "edit" } else { "w" };
    let editing = edit;
    let kinds: Vec<(AttrValue, AttrValue)> = KIND_NAMES
        .iter()
        .map(|k| (AttrValue::from(*k), AttrValue::from(*k)))
        .collect();
    html! {
        <form class="editor" aria-label={if editing { "Edit widget" } else { "Add widget" }} {onsubmit}>
            <h3>{ if editing { format!("Edit {}", form.name) } else { "Add widget".to_string() } }</h3>
            <div class="row">
                { text_field(TextFieldProps::new(format!("{}-name", prefix), "Widget name", form.name.clone(), set(|f, v| f.name = v))) }
                { select(SelectProps::new(format!("{}-kind", prefix), "Widget kind", kinds, form.kind.clone(), set(|f, v| f.kind = v))) }
                { text_field(TextFieldProps::new(format!("{}-unit", prefix), "Unit", form.unit.clone(), set(|f, v| f.unit = v))) }
            </div>
            <div class="row">
                { text_field(TextFieldProps::new(format!("{}-state", prefix), "State topic", form.state_topic.clone(), set(|f, v| f.state_topic = v)).placeholder("home/lamp/state")) }
                { text_field(TextFieldProps::new(format!("{}-value", prefix), "Value", form.value.clone(), set(|f, v| f.value = v)).placeholder("{{ value_json.state }}")) }
            </div>
            <div class="row">
                { text_field(TextFieldProps::new(format!("{}-command", prefix), "Command topic", form.command_topic.clone(), set(|f, v| f.command_topic = v)).placeholder("home/lamp/set")) }
                { text_field(TextFieldProps::new(format!("{}-payload", prefix), "Command payload", form.payload.clone(), set(|f, v| f.payload = v)).placeholder("{{ value }}")) }
                { checkbox(CheckboxProps::new(format!("{}-retain", prefix), "Retain commands", form.retain, field(forms, edit, repaint, |f, v| f.retain = v))) }
            </div>
            if let Some(e) = error { <p class="error" role="alert">{ e }</p> }
            <button type="submit">{ if editing { "Save widget" } else { "Add widget" } }</button>
        </form>
    }
}
