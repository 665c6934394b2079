//! Saved connections: pick one to fill the form, save the form under a name, duplicate or
//! delete one, and move them all to another browser as a file (never with passwords).

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::fields::{Select, TextField};
use crate::model::profiles::Profiles;

/// The select's value for "a new connection, not saved yet".
const NEW: &str = "";

#[derive(Properties, PartialEq)]
pub struct Props {
    pub profiles: Profiles,
    /// The saved connection the form shows, if any.
    pub current: Option<AttrValue>,
    pub message: Option<AttrValue>,
    /// `None`: a new connection.
    pub on_open: Callback<Option<String>>,
    pub on_save: Callback<String>,
    pub on_duplicate: Callback<String>,
    pub on_delete: Callback<String>,
    pub on_export: Callback<()>,
    /// The chosen file's text.
    pub on_import: Callback<web_sys::File>,
}

#[function_component(SavedConnections)]
pub fn saved_connections(p: &Props) -> Html {
    let draft = use_state(|| p.current.as_ref().map(|c| c.to_string()).unwrap_or_default());
    {
        // Opening or saving one shows its name, ready to save again.
        let draft = draft.clone();
        use_effect_with(p.current.clone(), move |current| {
            draft.set(current.as_ref().map(|c| c.to_string()).unwrap_or_default());
        });
    }
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
    let on_name = {
        let draft = draft.clone();
        Callback::from(move |v: String| draft.set(v))
    };
    let save = {
        let (draft, on_save) = (draft.clone(), p.on_save.clone());
        Callback::from(move |_: MouseEvent| on_save.emit((*draft).clone()))
    };
    let current = p.current.clone().map(|c| c.to_string());
    let with_current = |cb: &Callback<String>| {
        let (cb, current) = (cb.clone(), current.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(c) = &current {
                cb.emit(c.clone())
            }
        })
    };
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
    html! {
        <section class="panel saved" aria-label="Saved connections">
            <h2>{ "Saved connections" }</h2>
            <div class="row">
                <Select id="saved-connection" label="Saved connection" options={options}
                    value={p.current.clone().unwrap_or_else(|| NEW.into())} on_change={on_pick} />
                <TextField id="connection-name" label="Connection name" value={(*draft).clone()}
                    placeholder="Home broker" on_input={on_name} />
            </div>
            <div class="row">
                <button type="button" onclick={save}>{ "Save connection" }</button>
                if p.current.is_some() {
                    <button type="button" onclick={with_current(&p.on_duplicate)}>{ "Duplicate connection" }</button>
                    <button type="button" onclick={with_current(&p.on_delete)}>{ "Delete saved connection" }</button>
                }
            </div>
            <div class="row">
                <button type="button" onclick={p.on_export.reform(|_| ())}
                    disabled={p.profiles.list().is_empty()}>{ "Export saved connections" }</button>
                <div class="field file">
                    <label for="import-connections">{ "Import saved connections" }</label>
                    <input id="import-connections" type="file" accept=".json,application/json" onchange={on_file} />
                </div>
            </div>
            if let Some(m) = &p.message {
                <p class="hint" role="status">{ m.clone() }</p>
            }
        </section>
    }
}
