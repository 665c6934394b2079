//! The change from the previous message on a topic: per JSON key, or per line.

use yew::prelude::*;

use crate::model::diff::{diff, DiffKind, DiffMode};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub old: bytes::Bytes,
    pub new: bytes::Bytes,
}

/// Rows beyond this are summarised; a diff is for reading, not for scrolling.
const MAX_ROWS: usize = 200;

#[function_component(Changes)]
pub fn changes(p: &Props) -> Html {
    let d = use_memo((p.old.clone(), p.new.clone()), |(old, new)| diff(old, new));
    if d.is_same() {
        return html! { <p class="note">{ "Same payload as the previous message." }</p> };
    }
    let shown: Vec<_> = d
        .rows
        .iter()
        .filter(|r| r.kind != DiffKind::Same || d.mode == DiffMode::Lines)
        .collect();
    html! {
        <>
            <ul class="diff mono" aria-label="Changes since previous message">
                { for shown.iter().take(MAX_ROWS).map(|r| {
                    let (class, sign) = match r.kind {
                        DiffKind::Added => ("added", "+"),
                        DiffKind::Removed => ("removed", "−"),
                        DiffKind::Changed => ("changed", "~"),
                        DiffKind::Same => ("same", " "),
                    };
                    let detail = match (&r.old, &r.new) {
                        (Some(o), Some(n)) => format!(": {o} → {n}"),
                        (None, Some(n)) => format!(": {n}"),
                        (Some(o), None) => format!(": {o}"),
                        (None, None) => String::new(),
                    };
                    html! { <li class={class}>{ format!("{sign} {}{detail}", r.key_or_line) }</li> }
                }) }
            </ul>
            if let Some(why) = &d.truncated { <p class="note">{ why.clone() }</p> }
            if shown.len() > MAX_ROWS { <p class="note">{ format!("{} more rows not shown", shown.len() - MAX_ROWS) }</p> }
        </>
    }
}
