//! The Monitor screen: the topic tree on the left, the selected topic's detail on the right.

mod detail;
mod tree;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use bytes::Bytes;
use yew::prelude::*;

use crate::model::tree::{NodeId, TreeFilter};
use crate::mqtt::QoS;
use crate::ui::feed::{use_feed, Feed};
use detail::TopicDetail;
use tree::TopicTreeView;

/// What the user chose on the Monitor screen; kept by the app so it survives tab changes.
#[derive(Debug, Default)]
pub struct MonitorState {
    pub selected: Option<NodeId>,
    pub expanded: HashSet<NodeId>,
    /// Moves whenever `expanded` changes, so cached rows know to re-flatten.
    pub expansion_version: u64,
    pub filter: TreeFilter,
    /// Topics plotted on the chart, with an optional JSON path each.
    pub charted: Vec<(String, Option<String>)>,
    /// Seconds of history the chart shows; 0 shows all stored points.
    pub chart_window_s: u32,
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

#[function_component(Monitor)]
pub fn monitor(p: &Props) -> Html {
    use_feed(&p.feed);
    let repaint = use_force_update();
    let on_change = Callback::from(move |_| repaint.force_update());
    html! {
        <div class="monitor">
            <TopicTreeView feed={p.feed.clone()} state={p.state.clone()} on_change={on_change.clone()} />
            <TopicDetail feed={p.feed.clone()} state={p.state.clone()} on_publish={p.on_publish.clone()} {on_change} />
        </div>
    }
}
