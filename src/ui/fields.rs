//! Small labelled form controls: each has a `<label for>` so users and tests find it.
//! Plain view functions rather than components: they keep no state, and a component's
//! machinery, repeated at every use, would only add bundle size.
//!
//! Computed classes are written `Class={..}`, never `class={..}`: `html!` turns a computed
//! `class` into Yew's `Classes` (an index set with its hashing), about 3 KB gzip for the app,
//! while any other attribute is set as given, and the browser lower-cases HTML attribute
//! names, so `Class` sets `class`. A literal `class="..."` is fine either way.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub on_input: Callback<String>,
    /// The input's type: "text", "number", "password".
    pub kind: AttrValue,
    pub placeholder: AttrValue,
    pub autocomplete: Option<AttrValue>,
}

impl TextFieldProps {
    pub fn new(
        id: impl Into<AttrValue>,
        label: impl Into<AttrValue>,
        value: impl Into<AttrValue>,
        on_input: Callback<String>,
    ) -> Self {
        TextFieldProps {
            id: id.into(),
            label: label.into(),
            value: value.into(),
            on_input,
            kind: AttrValue::Static("text"),
            placeholder: AttrValue::Static(""),
            autocomplete: None,
        }
    }

    pub fn kind(mut self, kind: &'static str) -> Self {
        self.kind = AttrValue::Static(kind);
        self
    }

    pub fn placeholder(mut self, text: impl Into<AttrValue>) -> Self {
        self.placeholder = text.into();
        self
    }
}

pub fn text_field(p: TextFieldProps) -> Html {
    let on_input = p.on_input.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        on_input.emit(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    html! {
        <div class="field">
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <input id={p.id.clone()} type={p.kind.clone()} value={p.value.clone()} {oninput}
                placeholder={p.placeholder.clone()} autocomplete={p.autocomplete.clone()} spellcheck="false" />
        </div>
    }
}

pub struct CheckboxProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    pub on_change: Callback<bool>,
}

impl CheckboxProps {
    pub fn new(
        id: impl Into<AttrValue>,
        label: impl Into<AttrValue>,
        checked: bool,
        on_change: Callback<bool>,
    ) -> Self {
        CheckboxProps {
            id: id.into(),
            label: label.into(),
            checked,
            on_change,
        }
    }
}

pub fn checkbox(p: CheckboxProps) -> Html {
    let on_change = p.on_change.clone();
    let onchange = Callback::from(move |e: Event| {
        on_change.emit(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    html! {
        <div class="field check">
            <input id={p.id.clone()} type="checkbox" checked={p.checked} {onchange} />
            <label for={p.id.clone()}>{ p.label.clone() }</label>
        </div>
    }
}

pub struct SelectProps {
    pub id: AttrValue,
    pub label: AttrValue,
    /// Overrides the accessible name where two selects share a visible label.
    pub aria_label: Option<AttrValue>,
    /// (value, text) pairs.
    pub options: Vec<(AttrValue, AttrValue)>,
    pub value: AttrValue,
    pub on_change: Callback<String>,
}

impl SelectProps {
    pub fn new(
        id: impl Into<AttrValue>,
        label: impl Into<AttrValue>,
        options: Vec<(AttrValue, AttrValue)>,
        value: impl Into<AttrValue>,
        on_change: Callback<String>,
    ) -> Self {
        SelectProps {
            id: id.into(),
            label: label.into(),
            aria_label: None,
            options,
            value: value.into(),
            on_change,
        }
    }

    /// Overrides the accessible name where two selects share a visible label.
    pub fn aria_label(mut self, name: &'static str) -> Self {
        self.aria_label = Some(AttrValue::Static(name));
        self
    }
}

pub fn select(p: SelectProps) -> Html {
    let on_change = p.on_change.clone();
    let onchange = Callback::from(move |e: Event| {
        on_change.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
    });
    html! {
        <div class="field">
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <select id={p.id.clone()} aria-label={p.aria_label.clone()} {onchange}>
                { for p.options.iter().map(|(v, t)| html! {
                    <option value={v.clone()} selected={*v == p.value}>{ t.clone() }</option>
                }) }
            </select>
        </div>
    }
}

/// QoS choices shared by the subscribe and publish forms.
pub fn qos_options() -> Vec<(AttrValue, AttrValue)> {
    ["0", "1", "2"]
        .iter()
        .map(|q| (AttrValue::from(*q), AttrValue::from(*q)))
        .collect()
}

/// A control's callback that changes one field of a form's `use_state` value: the value is
/// copied, `edit` applies what the control sent, and the copy is stored (which repaints).
pub fn setter<T: Clone + 'static, V: 'static>(state: &UseStateHandle<T>, edit: fn(&mut T, V)) -> Callback<V> {
    let state = state.clone();
    Callback::from(move |v: V| {
        let mut next = (*state).clone();
        edit(&mut next, v);
        state.set(next);
    })
}

/// `"true"` or `"false"` for ARIA states, without formatting or allocating a string per render.
pub fn flag(on: bool) -> AttrValue {
    AttrValue::Static(if on { "true" } else { "false" })
}

pub struct KeyValueRowsProps {
    /// Prefix of the inputs' ids, e.g. "pub-up".
    pub id: &'static str,
    /// What one row is called, e.g. "User property": rows are named "User property 1 key" and
    /// so on, and the buttons "Add user property" and "Remove user property 1".
    pub label: &'static str,
    pub rows: Vec<(String, String)>,
    pub on_change: Callback<Vec<(String, String)>>,
}

/// An editable list of key/value pairs in order (MQTT 5 user properties): each row numbered
/// so that every control has its own name. A plain function: it keeps no state of its own.
pub fn key_value_rows(p: KeyValueRowsProps) -> Html {
    let edit = |i: usize, key: bool| {
        let (rows, on_change) = (p.rows.clone(), p.on_change.clone());
        Callback::from(move |text: String| {
            let mut rows = rows.clone();
            if let Some(row) = rows.get_mut(i) {
                if key {
                    row.0 = text
                } else {
                    row.1 = text
                }
            }
            on_change.emit(rows);
        })
    };
    let remove = |i: usize| {
        let (rows, on_change) = (p.rows.clone(), p.on_change.clone());
        Callback::from(move |_| {
            let mut rows = rows.clone();
            if i < rows.len() {
                rows.remove(i);
            }
            on_change.emit(rows);
        })
    };
    let add = {
        let (rows, on_change) = (p.rows.clone(), p.on_change.clone());
        Callback::from(move |_| {
            let mut rows = rows.clone();
            rows.push((String::new(), String::new()));
            on_change.emit(rows);
        })
    };
    // ASCII only: the labels are ours, and std's Unicode case tables would weigh on the bundle.
    let lower = p.label.to_ascii_lowercase();
    let rows = p.rows.iter().enumerate().map(|(i, (k, v))| {
        let n = i + 1;
        html! {
            <div class="row user-prop" key={i}>
                { text_field(TextFieldProps::new(format!("{}-key-{n}", p.id), format!("{} {n} key", p.label), k.clone(), edit(i, true))) }
                { text_field(TextFieldProps::new(format!("{}-value-{n}", p.id), format!("{} {n} value", p.label), v.clone(), edit(i, false))) }
                <button type="button" onclick={remove(i)}>{ format!("Remove {lower} {n}") }</button>
            </div>
        }
    });
    html! {
        <>
            { for rows }
            <button type="button" onclick={add}>{ format!("Add {lower}") }</button>
        </>
    }
}
