//! An input that shows a live value but never overwrites what the user is typing:
//! while focused it keeps what the DOM holds, and it reports only on commit (Enter or leaving).
//! A plain view function: the draft lives in the focused input itself, so no component
//! state (and no component machinery in the bundle) is needed.

use gloo::utils::document;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Default)]
pub struct Props {
    pub id: Option<AttrValue>,
    /// Accessible name when no `<label for>` points here.
    pub label: Option<AttrValue>,
    /// The input's type; text when `None`.
    pub kind: Option<AttrValue>,
    /// The current value from the device or the model.
    pub value: AttrValue,
    pub min: Option<AttrValue>,
    pub max: Option<AttrValue>,
    pub step: Option<AttrValue>,
    pub placeholder: Option<AttrValue>,
    pub disabled: bool,
    pub on_commit: Callback<String>,
}

pub fn live_input(p: Props) -> Html {
    // The focused input is this one when its id (or, without one, its accessible name)
    // matches: a repaint then keeps what the user typed instead of the live value.
    let typing = document().active_element().and_then(|e| {
        let hit = match (&p.id, &p.label) {
            (Some(id), _) => e.id() == id.as_str(),
            (None, Some(l)) => e.get_attribute("aria-label").as_deref() == Some(l.as_str()),
            _ => false,
        };
        hit.then(|| e.unchecked_into::<HtmlInputElement>().value())
    });
    let on_commit = p.on_commit;
    let onchange =
        Callback::from(move |e: Event| on_commit.emit(e.target_unchecked_into::<HtmlInputElement>().value()));
    // Leaving the field shows the live value again, as of the last repaint.
    let live = p.value.clone();
    let onblur =
        Callback::from(move |e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().set_value(&live));
    html! {
        <input id={p.id} aria-label={p.label} type={p.kind} value={typing.unwrap_or_else(|| p.value.to_string())}
            min={p.min} max={p.max} step={p.step} placeholder={p.placeholder}
            disabled={p.disabled} {onchange} {onblur} />
    }
}
