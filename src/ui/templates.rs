//! Publish templates and the publish history, under the publish form: save the form as a
//! named template, send one with one click, load one into the form or delete it; resend a
//! message from the history or save it as a template. Plain view functions: their state is
//! the publish form's. Templates are stored in localStorage (see `model::templates`).

use yew::prelude::*;

use super::fields::{text_field, TextFieldProps};
use super::messages::span;

use crate::model::history::{History, Outcome};
use crate::model::templates::{Draft, Templates};
use crate::web::page::{load, save};

/// The saved templates, and where an unreadable record is kept.
const TEMPLATES_KEY: &str = "mqtt-deck.templates";
const TEMPLATES_BROKEN_KEY: &str = "mqtt-deck.templates.unreadable";

/// A change to the templates, as data: one function applies them all.
enum Edit {
    Save {
        group: String,
        name: String,
        draft: Draft,
    },
    Delete {
        group: String,
        name: String,
    },
}

impl Edit {
    /// What to say when it worked, or why it could not be made.
    fn apply(&self, t: &mut Templates) -> Result<String, String> {
        match self {
            Edit::Save { group, name, draft } => t
                .save(group, name, draft)
                .map(|n| format!("Saved template \"{n}\"")),
            Edit::Delete { group, name } => match t.remove(group, name) {
                true => Ok(format!("Deleted template \"{name}\"")),
                false => Err(format!("No template is named \"{name}\"")),
            },
        }
    }
}

/// The templates and what the last change did (or why it could not).
pub type TemplatesState = UseStateHandle<(Templates, Option<String>)>;

/// The saved templates, and a message when the record could not be read (it is then kept
/// aside under its own key before anything is written over it).
pub fn load_templates() -> (Templates, Option<String>) {
    let Some(text) = load(TEMPLATES_KEY) else {
        return (Templates::default(), None);
    };
    let (templates, problem) = Templates::from_saved(&text);
    if problem.is_some() {
        let _ = save(TEMPLATES_BROKEN_KEY, &text);
    }
    (templates, problem)
}

/// Stores the templates (an imported file's).
pub fn store_templates(t: &Templates) -> Result<(), String> {
    save(TEMPLATES_KEY, &t.to_saved())
}

/// What the templates section shows and the callbacks it calls.
pub struct TemplatesView<'a> {
    pub group: &'a str,
    /// The form as typed: what "Save template" saves.
    pub draft: &'a Draft,
    pub templates: &'a TemplatesState,
    /// The text of the "Template name" field.
    pub name: &'a UseStateHandle<String>,
    /// Sends a draft or loads it into the form (see [`Use`]).
    pub on_use: Callback<(Draft, Use)>,
}

/// What a row's button does with its draft. One callback for all of them: one closure type
/// in the bundle instead of one per button.
#[derive(Clone)]
pub enum Use {
    Send,
    /// Into the form, with the template's name in the name field.
    Edit(String),
    /// Into the form, asking for a name to keep it as a template.
    Keep,
}

/// A row button's click: `how` with a copy of `draft`.
#[inline(never)]
fn act(on_use: &Callback<(Draft, Use)>, draft: &Draft, how: Use) -> Callback<MouseEvent> {
    let (on_use, draft) = (on_use.clone(), draft.clone());
    Callback::from(move |_: MouseEvent| on_use.emit((draft.clone(), how.clone())))
}

#[inline(never)]
pub fn templates_section(v: TemplatesView) -> Html {
    let message = &v.templates.1;
    let on_save = {
        let edit = Edit::Save {
            group: v.group.to_owned(),
            name: (**v.name).clone(),
            draft: v.draft.clone(),
        };
        change(v.templates, edit)
    };
    let on_name = {
        let name = v.name.clone();
        Callback::from(move |text: String| name.set(text))
    };
    let others = v.templates.0.other_groups(v.group);
    html! {
        <section class="panel templates" aria-label="Publish templates">
            <h2>{ "Templates" }</h2>
            <div class="row">
                { text_field(TextFieldProps::new("template-name", "Template name", (**v.name).clone(), on_name).placeholder("Porch light on")) }
                <button type="button" onclick={on_save}>{ "Save template" }</button>
            </div>
            if let Some(m) = message {
                <p class="hint" role="status">{ m.clone() }</p>
            }
            { group_list(&v, v.group, "") }
            if !others.is_empty() {
                <details>
                    <summary>{ "Other connections' templates" }</summary>
                    { for others.into_iter().map(|g| group_list(&v, g, &format!(" of {g}"))) }
                </details>
            }
        </section>
    }
}

/// A change to the templates, stored at once; storage that refuses says so and the list stays
/// as it was.
#[inline(never)]
fn change(templates: &TemplatesState, edit: Edit) -> Callback<MouseEvent> {
    // The list is read when clicked, not copied into every row's callback at each render.
    let templates = templates.clone();
    Callback::from(move |_: MouseEvent| {
        let mut next = templates.0.clone();
        let said = match edit.apply(&mut next) {
            Ok(said) => match save(TEMPLATES_KEY, &next.to_saved()) {
                Ok(()) => return templates.set((next, Some(said))),
                Err(e) => format!("The template was not stored: {e}"),
            },
            Err(e) => e,
        };
        templates.set((templates.0.clone(), Some(said)));
    })
}

/// One group's templates; `of` ends each control's name (" of GROUP") when the group is not
/// the open connection's, so that names stay unique on the page.
#[inline(never)]
fn group_list(v: &TemplatesView, group: &str, of: &str) -> Html {
    let rows = v.templates.0.in_group(group).map(|t| {
        let send = act(&v.on_use, &t.draft, Use::Send);
        let edit = act(&v.on_use, &t.draft, Use::Edit(t.name.clone()));
        let delete = change(
            v.templates,
            Edit::Delete {
                group: t.group.clone(),
                name: t.name.clone(),
            },
        );
        let n = &t.name;
        html! {
            <li key={n.clone()}>
                { span("template-name", n.clone()) }
                { span("mono", t.draft.topic.clone()) }
                { button("Send", format!("Send template {n}{of}"), send) }
                { button("Edit", format!("Edit template {n}{of}"), edit) }
                { button("Delete", format!("Delete template {n}{of}"), delete) }
            </li>
        }
    });
    html! {
        <ul class="template-list" aria-label={format!("Templates of {group}")}>{ for rows }</ul>
    }
}

/// The last messages sent, newest first, each with its outcome, "Resend" and "Save as
/// template". Names carry the entry's number: the same topic is often sent many times.
#[inline(never)]
pub fn history_list(h: &History, on_use: &Callback<(Draft, Use)>) -> Html {
    let rows = h.newest_first().map(|e| {
        let n = e.seq + 1;
        let topic = &e.draft.topic;
        let resend = act(on_use, &e.draft, Use::Send);
        let keep = act(on_use, &e.draft, Use::Keep);
        let failed = matches!(e.outcome, Outcome::Failed { .. });
        html! {
            <li key={e.seq}>
                { span("mono", topic.clone()) }
                { span(if failed { "outcome error" } else { "outcome" }, e.outcome.text()) }
                { button("Resend", format!("Resend message {n} to {topic}"), resend) }
                { button("Save as template", format!("Save message {n} to {topic} as a template"), keep) }
            </li>
        }
    });
    html! {
        <section class="panel publish-history" aria-label="Publish history">
            <h2>{ "History" }</h2>
            if h.is_empty() {
                <p class="hint">{ "Messages you publish are listed here with what became of them." }</p>
            }
            <ul class="template-list" aria-label="Messages published">{ for rows }</ul>
        </section>
    }
}

/// A list row's button: a short word to see, and a name that says which row it acts on. One
/// function for all of them keeps the markup's code in the bundle once.
#[inline(never)]
fn button(text: &'static str, name: String, onclick: Callback<MouseEvent>) -> Html {
    html! { <button type="button" {onclick} aria-label={name}>{ text }</button> }
}
