//! The Monitor screen: the topic tree on the left, the selected topic's detail on the right;
//! `Monitor` and the `MonitorState` the app keeps for it are here.
//!
//! - `tree`    — the topic tree view: filterable, virtualized, with live counts.
//! - `detail`  — the selected topic: its payload in a chosen view, history, actions.
//! - `changes` — the change from the previous message on a topic (from `model::diff`).
//! - `chart`   — live charts of numeric payloads over a chosen window.

mod changes;
mod chart;
mod detail;
mod tree;

use std::cell::RefCell;
use std::rc::Rc;

use bytes::Bytes;
use yew::prelude::*;

use crate::model::diff::Diff;
use crate::model::export::{to_csv, to_json, ExportRecord};
use crate::model::messages::StoredMessage;
use crate::model::tree::{NodeId, TreeFilter};
use crate::mqtt::QoS;
use crate::ui::feed::{use_feed, Feed};
use crate::ui::fields::{text_field, TextFieldProps};
use crate::web::page::download;
use detail::{topic_detail, DetailState};
use tree::{topic_tree_view, Rows};

/// What the user chose on the Monitor screen; kept by the app so it survives tab changes.
#[derive(Debug, Default)]
pub struct MonitorState {
    pub selected: Option<NodeId>,
    /// Sorted, so a row's lookup is a binary search (a slice of ids: no hash set's code in
    /// the bundle).
    pub expanded: Vec<NodeId>,
    /// Moves whenever `expanded` changes, so cached rows know to re-flatten.
    pub expansion_version: u64,
    pub filter: TreeFilter,
    /// Topics plotted on the chart, with an optional JSON path each.
    pub charted: Vec<(String, Option<String>)>,
    /// Seconds of history the chart shows; 0 shows all stored points.
    pub chart_window_s: u32,
    /// The two payloads last compared under "Changes" and their diff.
    pub last_diff: Option<(Bytes, Bytes, Rc<Diff>)>,
    /// The topic tree's visible rows, flattened when the tree, expansion or filter moved.
    pub tree_rows: Rc<RefCell<Rows>>,
    /// The topic detail's view, pending confirmation, notice and chosen value path.
    detail: DetailState,
}

/// Shared and changed in place: a render must never be skipped because it "looks equal".
impl PartialEq for MonitorState {
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

impl MonitorState {
    pub fn select(&mut self, id: NodeId) {
        self.selected = Some(id);
    }
}

/// A message the Monitor asks the app to publish (clearing retained topics).
#[derive(Debug, Clone, PartialEq)]
pub struct RawPublish {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub feed: Rc<Feed>,
    pub state: Rc<RefCell<MonitorState>>,
    pub on_publish: Callback<RawPublish, Result<(), String>>,
}

/// Downloads `records` (oldest first) as JSON or CSV named after `what`.
pub fn export(what: &str, records: Vec<&StoredMessage>, csv: bool) -> Result<(), String> {
    let name: String = what
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = if name.is_empty() {
        "mqtt-deck".to_string()
    } else {
        format!("mqtt-deck-{name}")
    };
    let records = records.into_iter().map(ExportRecord::from);
    if csv {
        download(&format!("{name}.csv"), "text/csv", &to_csv(records))
    } else {
        download(&format!("{name}.json"), "application/json", &to_json(records))
    }
}

#[function_component(Monitor)]
pub fn monitor(p: &Props) -> Html {
    use_feed(&p.feed);
    let repaint = use_force_update();
    let on_change = Callback::from(move |_| repaint.force_update());
    let export_all = |csv: bool| {
        let feed = p.feed.clone();
        Callback::from(move |_| {
            let store = feed.store();
            // The page has nowhere better to report this: downloads fail only without a DOM.
            let _ = export("all", store.iter_oldest_first().collect(), csv);
        })
    };
    let on_cap = {
        let (feed, on_change) = (p.feed.clone(), on_change.clone());
        Callback::from(move |v: String| {
            if let Ok(cap) = v.trim().parse::<usize>() {
                feed.run(|c, _| c.set_per_topic_cap(cap.clamp(1, 10_000)));
                on_change.emit(());
            }
        })
    };
    let cap = p.feed.store().per_topic_cap();
    html! {
        <div class="monitor">
            <div class="row monitor-bar">
                { text_field(TextFieldProps::new("per-topic-cap", "History per topic", cap.to_string(), on_cap).kind("number")) }
                <button type="button" onclick={export_all(false)}>{ "Export all JSON" }</button>
                <button type="button" onclick={export_all(true)}>{ "Export all CSV" }</button>
            </div>
            { topic_tree_view(&p.feed, &p.state, &on_change) }
            { topic_detail(&p.feed, &p.state, &p.on_publish, &on_change) }
        </div>
    }
}
