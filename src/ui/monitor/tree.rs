//! The topic tree view: filterable, virtualized, live counts; expansion, selection and
//! scroll position survive live updates.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::MonitorState;
use crate::model::payload::{preview, PayloadKind};
use crate::model::tree::{NodeId, TreeFilter};
use crate::ui::feed::Feed;
use crate::ui::fields::{flag, text_field, TextFieldProps};
use crate::ui::messages::clock;
use crate::ui::virtual_list::VirtualList;
use crate::web::page::narrow;

/// Row heights (px) on a desktop and, with touch-sized buttons (the `roomy` class), on a phone.
const ROW_HEIGHT: u32 = 34;
const ROOMY_ROW_HEIGHT: u32 = 44;

/// Cached rows: re-flattened only when the tree's shape, the expansion or the filter moved.
/// The Monitor's state holds them, shared with the list's row renderer.
#[derive(Debug, Default)]
pub struct Rows {
    key: (u64, u64, TreeFilter),
    ids: Vec<NodeId>,
}

/// A plain function, not a component: its one piece of state, the rows, lives in the
/// Monitor's state; it renders with the Monitor (every frame in which messages arrived), as
/// the component did. `on_change` tells the Monitor that the selection, expansion or filter
/// changed.
pub fn topic_tree_view(feed: &Rc<Feed>, state: &Rc<RefCell<MonitorState>>, on_change: &Callback<()>) -> Html {
    let rows = state.borrow().tree_rows.clone();
    let store = feed.store();
    let tree = store.tree();
    {
        let st = state.borrow();
        let key = (tree.structure_version(), st.expansion_version, st.filter.clone());
        let mut r = rows.borrow_mut();
        if r.key != key || (r.ids.is_empty() && !tree.is_empty()) {
            r.ids = tree.visible(&|id| st.expanded.binary_search(&id).is_ok(), &st.filter);
            r.key = key;
        }
    }
    let set_filter = |f: fn(&mut TreeFilter, String)| {
        let (state, on_change) = (state.clone(), on_change.clone());
        Callback::from(move |v: String| {
            f(&mut state.borrow_mut().filter, v);
            on_change.emit(());
        })
    };
    let render = {
        let (feed, state, rows, on_change) = (feed.clone(), state.clone(), rows.clone(), on_change.clone());
        Callback::from(move |i: usize| {
            let id = rows.borrow().ids.get(i).copied();
            id.map_or_else(|| html! {}, |id| tree_row(&feed, &state, &on_change, id))
        })
    };
    let len = rows.borrow().ids.len();
    let filter = state.borrow().filter.clone();
    // Decided here, with the row height, so the stylesheet's rows and the list's arithmetic agree.
    let roomy = narrow();
    let row_height = if roomy { ROOMY_ROW_HEIGHT } else { ROW_HEIGHT };
    html! {
        <section class="panel tree" aria-label="Topic tree">
            <div class="panel-head">
                <h2>{ "Topics" }</h2>
                <span class="note">{ format!("{} topics", tree.topic_count()) }</span>
            </div>
            <div class="row filters">
                { text_field(TextFieldProps::new("tree-text", "Find topics", filter.text.clone(), set_filter(|f, v| f.text = v)).placeholder("kitchen")) }
                { text_field(TextFieldProps::new("tree-filter", "Topic filter for tree", filter.mqtt.clone(), set_filter(|f, v| f.mqtt = v.trim().to_string())).placeholder("home/+/temp")) }
            </div>
            if tree.is_empty() {
                <p class="empty">{ "Topics appear here as messages arrive." }</p>
            }
            <VirtualList label="Topics" class={if roomy { "tree-scroll roomy" } else { "tree-scroll" }} {len} {row_height} {render}
                version={feed.frame()} />
        </section>
    }
}

fn tree_row(feed: &Feed, state: &Rc<RefCell<MonitorState>>, on_change: &Callback<()>, id: NodeId) -> Html {
    let store = feed.store();
    let tree = store.tree();
    let Some(node) = tree.node(id) else {
        return html! {};
    };
    let path = tree.path(id);
    let st = state.borrow();
    let expanded = st.expanded.binary_search(&id).is_ok();
    let selected = st.selected == Some(id);
    // One callback for both buttons: `true` toggles expansion, `false` selects.
    let on = {
        let (state, on_change) = (state.clone(), on_change.clone());
        Callback::from(move |toggle: bool| {
            let mut s = state.borrow_mut();
            if !toggle {
                s.select(id);
            } else {
                match s.expanded.binary_search(&id) {
                    Ok(i) => drop(s.expanded.remove(i)),
                    Err(i) => s.expanded.insert(i, id),
                }
            }
            s.expansion_version += u64::from(toggle);
            drop(s);
            on_change.emit(());
        })
    };
    let name = if node.name.is_empty() {
        "(empty)".to_string()
    } else {
        node.name.clone()
    };
    let last = if node.topic.is_some() {
        let p = preview(&node.last_payload, 60);
        match p.kind {
            PayloadKind::Empty => "(empty)".to_string(),
            _ => p.text,
        }
    } else {
        String::new()
    };
    let twisty = if node.children.is_empty() {
        html! { <span class="twisty" /> }
    } else {
        let label = format!("{} {}", if expanded { "Collapse" } else { "Expand" }, path);
        html! {
            <button type="button" class="twisty" aria-label={label} aria-expanded={flag(expanded)} onclick={on.reform(|_| true)}>
                { if expanded { "▾" } else { "▸" } }
            </button>
        }
    };
    let counts = if node.own_count == node.subtree_count {
        node.own_count.to_string()
    } else {
        format!("{} / {}", node.own_count, node.subtree_count)
    };
    html! {
        <li Class={if selected { "tree-row selected" } else { "tree-row" }} key={id}>
            if node.depth > 0 {
                <svg class="indent" width={(u32::from(node.depth) * 14).to_string()} height="1" aria-hidden="true" />
            }
            { twisty }
            <button type="button" class="node mono" title={path.clone()} aria-label={format!("Topic {path}")}
                aria-pressed={flag(selected)} onclick={on.reform(|_| false)}>{ name }</button>{ " " }
            <span class="count" title="messages on this topic / in its subtree">{ counts }</span>{ " " }
            if node.retained { <span class="badge retained" title="retained">{ "R" }</span>{ " " } }
            <span class="last mono">{ last }</span>
            if node.topic.is_some() { { " " }<time class="when">{ clock(node.last_time_ms) }</time> }
        </li>
    }
}
