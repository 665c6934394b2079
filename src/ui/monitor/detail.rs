//! The selected topic: its last payload in a chosen view, its history, the change from
//! the previous message, and actions (clear retained, export).

use std::cell::RefCell;
use std::rc::Rc;

use bytes::Bytes;
use yew::prelude::*;

use super::changes::changes;
use super::chart::chart;
use super::{export, MonitorState, RawPublish};
use crate::model::json_path::{extract_number, numeric_paths};
use crate::model::json_view::{base64, detect, not_json_reason, pretty, Budget, TokenKind, ViewKind};
use crate::model::messages::StoredMessage;
use crate::model::payload::{hex, preview, PayloadKind};
use crate::model::tree::NodeId;
use crate::mqtt::QoS;
use crate::ui::feed::Feed;
use crate::ui::fields::{flag, select, SelectProps};
use crate::ui::messages::{clock, message_row, MessageList};
use crate::web::page::copy_text;

/// Bytes shown by the Text, Hex and Base64 views; JSON has its own budget.
const VIEW_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PayloadView {
    Auto,
    Text,
    Json,
    Hex,
    Base64,
}

/// The payload views: the select's value, its label, and the view.
const VIEWS: [(&str, &str, PayloadView); 5] = [
    ("auto", "Auto", PayloadView::Auto),
    ("text", "Text", PayloadView::Text),
    ("json", "JSON", PayloadView::Json),
    ("hex", "Hex", PayloadView::Hex),
    ("base64", "Base64", PayloadView::Base64),
];

/// What the detail pane shows besides the topic; kept in `MonitorState` (a plain view function
/// is far smaller in the bundle than a component with its own state hooks).
#[derive(Debug, Default)]
pub struct DetailState {
    /// Index into `VIEWS`.
    view: usize,
    /// The topics a "Clear retained" waits to be confirmed for.
    confirm: Option<Vec<String>>,
    notice: Option<String>,
    path_choice: Option<String>,
}

/// What the detail's controls ask for: one callback serves them all (a closure per control,
/// each with its own clones, costs bundle size).
#[derive(Clone)]
enum Act {
    View(String),
    Path(String),
    Chart,
    Copy,
    Export(bool),
    AskClear,
    CancelClear,
    Clear,
}

/// What `act` needs from the render it was made in.
struct Ctx {
    feed: Rc<Feed>,
    state: Rc<RefCell<MonitorState>>,
    on_publish: Callback<RawPublish, Result<(), String>>,
    on_change: Callback<()>,
    id: NodeId,
    /// The topic's charted value path (None for a plain number).
    chart_path: Option<String>,
    retained: Vec<String>,
}

fn act(c: &Ctx, a: Act) {
    act_on(c, a);
    c.on_change.emit(());
}

fn act_on(c: &Ctx, a: Act) {
    let store = c.feed.store();
    let latest = store.topic_history(c.id).next();
    let topic = store.tree().node(c.id).and_then(|n| n.topic.clone());
    match a {
        Act::View(v) => {
            c.state.borrow_mut().detail.view = VIEWS.iter().position(|(k, ..)| *k == v).unwrap_or(0)
        }
        Act::Path(v) => c.state.borrow_mut().detail.path_choice = Some(v),
        Act::Chart => {
            let Some(topic) = topic else { return };
            let mut st = c.state.borrow_mut();
            if st.charted.iter().any(|(t, _)| *t == topic) {
                st.charted.retain(|(t, _)| *t != topic);
            } else {
                st.charted.push((topic, c.chart_path.clone()));
            }
        }
        Act::Copy => copy_text(
            &latest
                .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
                .unwrap_or_default(),
        ),
        Act::Export(csv) => {
            let mut records: Vec<&StoredMessage> = store.topic_history(c.id).collect();
            records.reverse();
            if let Err(e) = export(&store.tree().path(c.id), records, csv) {
                c.state.borrow_mut().detail.notice = Some(e);
            }
        }
        Act::AskClear => c.state.borrow_mut().detail.confirm = Some(c.retained.clone()),
        Act::CancelClear => c.state.borrow_mut().detail.confirm = None,
        Act::Clear => {
            drop(store);
            // Publishing must not run while the state is borrowed.
            let topics = c.state.borrow_mut().detail.confirm.take().unwrap_or_default();
            let mut failed = None;
            for topic in &topics {
                let msg = RawPublish {
                    topic: topic.clone(),
                    payload: Bytes::new(),
                    qos: QoS::AtLeastOnce,
                    retain: true,
                };
                match c.on_publish.emit(msg) {
                    Ok(()) => c.feed.run(|conn, _| conn.clear_retained_marker(topic)),
                    Err(e) => failed = Some(e),
                }
            }
            c.state.borrow_mut().detail.notice = Some(match failed {
                Some(e) => format!("Could not clear retained messages: {e}"),
                None => format!("Cleared {} retained topic(s)", topics.len()),
            });
            c.feed.changed();
        }
    }
}

/// A plain button sending `a`.
fn button(label: &'static str, on: &Callback<Act>, a: Act) -> Html {
    html! { <button type="button" onclick={on.reform(move |_| a.clone())}>{ label }</button> }
}

pub fn topic_detail(
    feed: &Rc<Feed>,
    state: &Rc<RefCell<MonitorState>>,
    on_publish: &Callback<RawPublish, Result<(), String>>,
    on_change: &Callback<()>,
) -> Html {
    let store = feed.store();
    let tree = store.tree();
    let Some(id) = state.borrow().selected else {
        // Until a topic is chosen, the pane shows all traffic as it arrives.
        return html! {
            <div class="detail-all">
                <p class="note">{ "Select a topic in the tree to see its payload, history, changes and chart." }</p>
                <MessageList feed={feed.clone()} />
            </div>
        };
    };
    let Some(node) = tree.node(id) else {
        return html! {};
    };
    let (view, confirm, notice, path_choice) = {
        let st = state.borrow();
        let d = &st.detail;
        (d.view, d.confirm.clone(), d.notice.clone(), d.path_choice.clone())
    };
    let path = tree.path(id);
    let history: Vec<&StoredMessage> = store.topic_history(id).collect();
    let latest = history.first().copied();
    let retained = tree.retained_below(id);
    let charted = state
        .borrow()
        .charted
        .iter()
        .any(|(t, _)| node.topic.as_deref() == Some(t.as_str()));
    let paths = latest.map(|m| numeric_paths(&m.payload)).unwrap_or_default();
    let plain_number = latest.is_some_and(|m| extract_number(&m.payload, None).is_some());
    let chosen_path = path_choice
        .filter(|c| paths.contains(c))
        .or_else(|| paths.first().cloned());
    let chartable = plain_number || chosen_path.is_some();
    let ctx = Ctx {
        feed: feed.clone(),
        state: state.clone(),
        on_publish: on_publish.clone(),
        on_change: on_change.clone(),
        id,
        chart_path: if plain_number { None } else { chosen_path.clone() },
        retained: retained.clone(),
    };
    let on = Callback::from(move |a| act(&ctx, a));
    let previous = latest
        .and_then(|m| store.previous_on_topic(m.seq))
        .map(|m| m.payload.clone());
    let views = VIEWS
        .iter()
        .map(|(v, t, _)| (AttrValue::Static(v), AttrValue::Static(t)))
        .collect::<Vec<_>>();
    html! {
        <section class="panel detail" aria-label="Topic detail">
            <div class="panel-head">
                <h2 class="mono topic-title" title={path.clone()}>{ if path.is_empty() { "(empty)".to_string() } else { path.clone() } }</h2>
                <span class="note">{ format!("{} messages here, {} in subtree", node.own_count, node.subtree_count) }</span>
            </div>
            <div class="row actions">
                if chartable {
                    <button type="button" aria-pressed={flag(charted)} onclick={on.reform(|_| Act::Chart)}>
                        { if charted { "Remove from chart" } else { "Add to chart" } }
                    </button>
                }
                if !plain_number && paths.len() > 1 && !charted {
                    { select(SelectProps::new("value-path", "Value to chart", paths.iter().map(|p| (AttrValue::from(p.clone()), AttrValue::from(p.clone()))).collect::<Vec<_>>(), chosen_path.clone().unwrap_or_default(), on.reform(Act::Path))) }
                }
                if latest.is_some() {
                    { button("Copy payload", &on, Act::Copy) }
                    { button("Export topic JSON", &on, Act::Export(false)) }
                    { button("Export topic CSV", &on, Act::Export(true)) }
                }
                if !retained.is_empty() {
                    <button type="button" onclick={on.reform(|_| Act::AskClear)}>
                        { if retained.len() == 1 && node.retained { "Clear retained".to_string() }
                          else { format!("Clear retained ({} topics)", retained.len()) } }
                    </button>
                }
            </div>
            if let Some(topics) = &confirm {
                <div class="confirm" role="alertdialog" aria-label="Confirm clear retained">
                    <p>{ format!("Publish an empty retained message to {} topic(s)? The broker forgets their retained values.", topics.len()) }</p>
                    <ul class="mono">{ for topics.iter().take(10).map(|t| html! { <li>{ t }</li> }) }</ul>
                    <button type="button" class="primary" onclick={on.reform(|_| Act::Clear)}>{ "Clear" }</button>{ " " }
                    { button("Cancel", &on, Act::CancelClear) }
                </div>
            }
            if let Some(n) = notice {
                <p class="note" aria-live="polite">{ n }</p>
            }
            if let Some(m) = latest {
                <div class="row">
                    { select(SelectProps::new("payload-view", "Payload view", views, VIEWS[view].0, on.reform(Act::View))) }
                    <span class="note">{ format!("{} bytes, {}", m.payload.len(), clock(m.time_ms)) }</span>
                </div>
                { payload_view(&m.payload, VIEWS[view].2) }
                if let Some(props) = m.props.as_deref() {
                    { properties(props, &m.payload) }
                }
                // In an element of its own: Yew loses its place when something that renders
                // nothing (no chart yet) sits between siblings that come and go, and panicked on
                // going from a topic showing changes to one showing properties.
                <div class="chart-slot">{ chart(state, on_change, feed) }</div>
                if let Some(old) = previous {
                    <h3>{ "Changes since previous message" }</h3>
                    { changes(state, old, m.payload.clone()) }
                }
                <h3>{ format!("History ({} of at most {})", history.len(), store.per_topic_cap()) }</h3>
                <ul class="history" aria-label="Topic history">
                    { for history.iter().take(50).map(|m| message_row(m)) }
                </ul>
            } else {
                <p class="empty">{ "No stored messages for this topic (it is a parent, or its messages left the history)." }</p>
            }
        </section>
    }
}

fn payload_view(payload: &Bytes, view: PayloadView) -> Html {
    let auto = view == PayloadView::Auto;
    let view = match view {
        PayloadView::Auto => match detect(payload) {
            ViewKind::Json => PayloadView::Json,
            ViewKind::Text => PayloadView::Text,
            ViewKind::Binary => PayloadView::Hex,
        },
        v => v,
    };
    let head = &payload[..payload.len().min(VIEW_BYTES)];
    let cut = (payload.len() > VIEW_BYTES).then(|| format!("Showing the first {} KB", VIEW_BYTES / 1024));
    let (body, note) = match view {
        PayloadView::Json => {
            let v = pretty(payload, Budget::default());
            let note = match (&v.truncated, v.valid) {
                (Some(why), _) => Some(why.clone()),
                (None, false) => Some("Not valid JSON: shown up to where it breaks".to_string()),
                _ => None,
            };
            let spans = v.tokens.into_iter().map(|(kind, text)| {
                let class = match kind {
                    TokenKind::Key => "j-key",
                    TokenKind::String => "j-str",
                    TokenKind::Number => "j-num",
                    TokenKind::Bool | TokenKind::Null => "j-lit",
                    TokenKind::Invalid => "j-bad",
                    _ => "",
                };
                html! { <span Class={class}>{ text }</span> }
            });
            (html! { <>{ for spans }</> }, note)
        }
        PayloadView::Hex => (html! { { hex(head) } }, cut),
        PayloadView::Base64 => (html! { { base64(head) } }, cut),
        _ => {
            let p = preview(head, VIEW_BYTES);
            let text = if p.kind == PayloadKind::Hex {
                String::from_utf8_lossy(head).into_owned()
            } else {
                p.text
            };
            // Auto chose text for something that opens like JSON: say why.
            let why = if auto { not_json_reason(payload) } else { None };
            let note = match (cut, why) {
                (Some(cut), Some(why)) => Some(format!("{why}. {cut}")),
                (cut, why) => cut.or(why),
            };
            (html! { { text } }, note)
        }
    };
    html! {
        <>
            <pre class="payload-view mono" aria-label="Payload">{ body }</pre>
            if let Some(n) = note { <p class="note">{ n }</p> }
        </>
    }
}

/// The MQTT 5 properties of the shown message, one row each (user properties in order).
fn properties(props: &crate::mqtt::PublishProps, payload: &[u8]) -> Html {
    html! {
        <table class="props" aria-label="Message properties">
            <caption>{ "MQTT 5 properties" }</caption>
            <tbody>
                { for crate::model::props::rows(props, payload).into_iter().map(|(name, value)| html! {
                    <tr><th scope="row">{ name }</th><td class="mono">{ value }</td></tr>
                }) }
            </tbody>
        </table>
    }
}
