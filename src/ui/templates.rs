//! Publish templates and the publish history, under the publish form: save the form as a
//! named template, send one with one click, load one into the form or delete it; resend a
//! message from the history or save it as a template. Plain view functions: their state is
//! the publish form's. Templates are stored in localStorage (see `model::templates`).

use yew::prelude::*;

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

/// What the templates section shows and the callbacks it calls.
pub struct TemplatesView<'a> {
    pub group: &'a str,
    /// The form as typed: what "Save template" saves.
    pub draft: &'a Draft,
    pub templates: &'a TemplatesState,
    /// The text of the "Template name" field.
    pub name: &'a UseStateHandle<String>,
    pub on_send: Callback<Draft>,
    /// Loads a draft into the form (`true`: and asks for a template name).
    pub on_fill: Callback<(Draft, bool)>,
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
        Callback::from(move |e: InputEvent| {
            name.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value())
        })
    };
    let others = v.templates.0.other_groups(v.group);
    html! {
        <section class="panel templates" aria-label="Publish templates">
            <h2>{ "Templates" }</h2>
            <div class="row">
                <div class="field">
                    <label for="template-name">{ "Template name" }</label>
                    <input id="template-name" value={(**v.name).clone()} oninput={on_name}
                        placeholder="Porch light on" spellcheck="false" />
                </div>
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
    // The open connection's first nine are sent with Alt+1 … Alt+9 (see `publish`).
    let rows = v.templates.0.in_group(group).enumerate().map(|(i, t)| {
        let send = {
            let (on_send, draft) = (v.on_send.clone(), t.draft.clone());
            Callback::from(move |_: MouseEvent| on_send.emit(draft.clone()))
        };
        let edit = {
            let (on_fill, draft, name, n) =
                (v.on_fill.clone(), t.draft.clone(), v.name.clone(), t.name.clone());
            Callback::from(move |_: MouseEvent| {
                name.set(n.clone());
                on_fill.emit((draft.clone(), false))
            })
        };
        let delete = change(
            v.templates,
            Edit::Delete {
                group: t.group.clone(),
                name: t.name.clone(),
            },
        );
        let n = &t.name;
        // Said to screen readers and shown on hover.
        let keys = (of.is_empty() && i < 9).then(|| AttrValue::from(format!("Alt+{}", i + 1)));
        html! {
            <li key={n.clone()}>
                <span class="template-name">{ n.clone() }</span>
                <span class="mono">{ t.draft.topic.clone() }</span>
                <button type="button" onclick={send} aria-label={format!("Send template {n}{of}")}
                    aria-keyshortcuts={keys.clone()} title={keys}>{ "Send" }</button>
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
pub fn history_list(h: &History, on_send: &Callback<Draft>, on_fill: &Callback<(Draft, bool)>) -> Html {
    let rows = h.newest_first().map(|e| {
        let n = e.seq + 1;
        let topic = &e.draft.topic;
        let resend = {
            let (on_send, draft) = (on_send.clone(), e.draft.clone());
            Callback::from(move |_: MouseEvent| on_send.emit(draft.clone()))
        };
        let keep = {
            let (on_fill, draft) = (on_fill.clone(), e.draft.clone());
            Callback::from(move |_: MouseEvent| on_fill.emit((draft.clone(), true)))
        };
        let failed = matches!(e.outcome, Outcome::Failed { .. });
        html! {
            <li key={e.seq}>
                <span class="mono">{ topic.clone() }</span>
                <span Class={if failed { "outcome error" } else { "outcome" }}>{ e.outcome.text() }</span>
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
