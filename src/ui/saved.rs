//! Saved connections: pick one to fill the form, save the form under a name, duplicate or
//! delete one, and move them all to another browser as a file (never with passwords).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::fields::{select, text_field, SelectProps, TextFieldProps};
use crate::model::profiles::Profiles;

/// The select's value for "a new connection, not saved yet".
const NEW: &str = "";

/// What the section shows and the callbacks it calls. A plain function rather than a
/// component: its state (the name being typed) lives in the reducer, and a component's
/// machinery would cost bundle size for nothing here.
pub struct Saved<'a> {
    pub profiles: &'a Profiles,
    /// The saved connection the form shows, if any.
    pub current: Option<&'a str>,
    /// The text of the "Connection name" field.
    pub draft: &'a str,
    pub message: Option<&'a str>,
    /// `None`: a new connection.
    pub on_open: Callback<Option<String>>,
    pub on_name: Callback<String>,
    pub on_save: Callback<()>,
    pub on_duplicate: Callback<()>,
    pub on_delete: Callback<()>,
    pub on_export: Callback<()>,
    pub on_import: Callback<web_sys::File>,
}

pub fn view(p: Saved) -> Html {
    let mut options = vec![(AttrValue::from(NEW), AttrValue::from("New connection"))];
    options.extend(
        p.profiles
            .list()
            .iter()
            .map(|x| (AttrValue::from(x.name.clone()), AttrValue::from(x.name.clone()))),
    );
    let on_pick = p
        .on_open
        .reform(|v: String| Some(v).filter(|v| v.as_str() != NEW));
    let on_file = {
        let on_import = p.on_import.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on_import.emit(file);
            }
            // The same file can be chosen again after a fix.
            input.set_value("");
        })
    };
    let click = |cb: &Callback<()>| cb.reform(|_: MouseEvent| ());
    html! {
        <section class="panel saved" aria-label="Saved connections">
            <h2>{ "Saved connections" }</h2>
            <div class="row">
                { select(SelectProps::new("saved-connection", "Saved connection", options, p.current.unwrap_or(NEW).to_owned(), on_pick)) }
                { text_field(TextFieldProps::new("connection-name", "Connection name", p.draft.to_owned(), p.on_name.clone()).placeholder("Home broker")) }
            </div>
            <div class="row">
                <button type="button" onclick={click(&p.on_save)}>{ "Save connection" }</button>
                if p.current.is_some() {
                    <button type="button" onclick={click(&p.on_duplicate)}>{ "Duplicate connection" }</button>
                    <button type="button" onclick={click(&p.on_delete)}>{ "Delete saved connection" }</button>
                }
            </div>
            <div class="row">
                <button type="button" onclick={click(&p.on_export)}
                    disabled={p.profiles.list().is_empty()}>{ "Export saved connections" }</button>
                <div class="field file">
                    <label for="import-connections">{ "Import saved connections" }</label>
                    <input id="import-connections" type="file" accept=".json,application/json" onchange={on_file} />
                </div>
            </div>
            if let Some(m) = p.message {
                <p class="hint" role="status">{ m.to_owned() }</p>
            }
        </section>
    }
}
