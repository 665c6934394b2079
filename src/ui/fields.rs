//! Small labelled form controls: each has a `<label for>` so users and tests find it.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub on_input: Callback<String>,
    #[prop_or("text".into())]
    pub kind: AttrValue,
    #[prop_or_default]
    pub placeholder: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
}

#[function_component(TextField)]
pub fn text_field(p: &TextFieldProps) -> Html {
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

#[derive(Properties, PartialEq)]
pub struct TextAreaProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub on_input: Callback<String>,
}

#[function_component(TextArea)]
pub fn text_area(p: &TextAreaProps) -> Html {
    let on_input = p.on_input.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        on_input.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
    });
    html! {
        <div class="field">
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <textarea id={p.id.clone()} value={p.value.clone()} {oninput} rows="3" spellcheck="false" />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct CheckboxProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    pub on_change: Callback<bool>,
}

#[function_component(Checkbox)]
pub fn checkbox(p: &CheckboxProps) -> Html {
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

#[derive(Properties, PartialEq)]
pub struct SelectProps {
    pub id: AttrValue,
    pub label: AttrValue,
    /// Overrides the accessible name where two selects share a visible label.
    #[prop_or_default]
    pub aria_label: Option<AttrValue>,
    /// (value, text) pairs.
    pub options: Vec<(AttrValue, AttrValue)>,
    pub value: AttrValue,
    pub on_change: Callback<String>,
}

#[function_component(Select)]
pub fn select(p: &SelectProps) -> Html {
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
