//! The change from the previous message on a topic: per JSON key, or per line.

use std::cell::RefCell;
use std::rc::Rc;

use bytes::Bytes;
use yew::prelude::*;

use super::MonitorState;
use crate::model::diff::{diff, DiffKind, DiffMode};

/// Rows beyond this are summarised; a diff is for reading, not for scrolling.
const MAX_ROWS: usize = 200;

/// A plain function, not a component: the Monitor's state keeps the last diff, so the topic
/// detail's repaints (every frame in which messages arrived) do not diff the same two
/// payloads again.
pub fn changes(state: &RefCell<MonitorState>, old: Bytes, new: Bytes) -> Html {
    let d = {
        let mut st = state.borrow_mut();
        match &st.last_diff {
            Some((o, n, d)) if *o == old && *n == new => d.clone(),
            _ => {
                let d = Rc::new(diff(&old, &new));
                st.last_diff = Some((old, new, d.clone()));
                d
            }
        }
    };
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
                    html! { <li Class={class}>{ format!("{sign} {}{detail}", r.key_or_line) }</li> }
                }) }
            </ul>
            if let Some(why) = &d.truncated { <p class="note">{ why.clone() }</p> }
            if shown.len() > MAX_ROWS { <p class="note">{ format!("{} more rows not shown", shown.len() - MAX_ROWS) }</p> }
        </>
    }
}
