//! An input that shows a live value but never overwrites what the user is typing:
//! while focused it keeps the draft, and it reports only on commit (Enter or leaving).

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Accessible name when no `<label for>` points here.
    #[prop_or_default]
    pub label: Option<AttrValue>,
    #[prop_or("text".into())]
    pub kind: AttrValue,
    /// The current value from the device or the model.
    pub value: AttrValue,
    #[prop_or_default]
    pub min: Option<AttrValue>,
    #[prop_or_default]
    pub max: Option<AttrValue>,
    #[prop_or_default]
    pub step: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
    pub on_commit: Callback<String>,
}

#[function_component(LiveInput)]
pub fn live_input(p: &Props) -> Html {
    let draft = use_state(|| None::<String>);
    let onfocus = {
        let (draft, value) = (draft.clone(), p.value.to_string());
        Callback::from(move |_: FocusEvent| draft.set(Some(value.clone())))
    };
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.set(Some(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let onchange = {
        let (draft, on_commit) = (draft.clone(), p.on_commit.clone());
        Callback::from(move |e: Event| {
            on_commit.emit(e.target_unchecked_into::<HtmlInputElement>().value());
            draft.set(None);
        })
    };
    let onblur = {
        let draft = draft.clone();
        Callback::from(move |_: FocusEvent| draft.set(None))
    };
    let shown = (*draft).clone().unwrap_or_else(|| p.value.to_string());
    html! {
        <input id={p.id.clone()} aria-label={p.label.clone()} type={p.kind.clone()} value={shown}
            min={p.min.clone()} max={p.max.clone()} step={p.step.clone()} placeholder={p.placeholder.clone()}
            disabled={p.disabled} {onfocus} {oninput} {onchange} {onblur} />
    }
}
