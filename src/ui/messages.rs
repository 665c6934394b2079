//! The message list: every message newest first, virtualized, filterable, with
//! pause/resume so rows never move under the pointer while messages arrive.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::feed::{use_feed, Feed};
use super::fields::{flag, select, setter, text_field, SelectProps, TextFieldProps};
use super::virtual_list::VirtualList;
use crate::model::messages::{Delivery, Direction, FilteredView, ListFilter, Pairing, StoredMessage};
use crate::model::number::fixed;
use crate::model::payload::{preview, PayloadKind};

/// Row height in px; rows are one line of meta and one of payload.
const ROW_HEIGHT: u32 = 58;
/// Payload bytes previewed in a row; the detail view shows the rest.
const ROW_PREVIEW: usize = 300;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub feed: Rc<Feed>,
}

#[function_component(MessageList)]
pub fn message_list(p: &Props) -> Html {
    use_feed(&p.feed);
    let filter = use_state(ListFilter::default);
    let view = use_mut_ref(|| FilteredView::new(ListFilter::default()));
    // Some(seq): paused, showing only messages older than seq.
    let paused = use_state(|| None::<u64>);
    let store = p.feed.store();
    {
        let mut v = view.borrow_mut();
        if v.filter() != &*filter {
            *v = FilteredView::new((*filter).clone());
        }
        v.refresh(&store);
    }
    let v = view.borrow();
    let hidden_new = paused.map_or(0, |seq| v.count_from(seq));
    let len = v.len() - hidden_new;

    let set_filter = |f: fn(&mut ListFilter, String)| setter(&filter, f);
    let toggle_pause = {
        let (paused, feed) = (paused.clone(), p.feed.clone());
        Callback::from(move |_| match *paused {
            Some(_) => paused.set(None),
            None => paused.set(Some(feed.store().next_seq())),
        })
    };
    // Scrolling away from the newest rows pauses; coming back to the top resumes.
    let on_scroll = {
        let (paused, feed) = (paused.clone(), p.feed.clone());
        Callback::from(move |row: u32| match (*paused, row) {
            (None, r) if r > 0 => paused.set(Some(feed.store().next_seq())),
            (Some(_), 0) => paused.set(None),
            _ => {}
        })
    };
    let on_clear = {
        let feed = p.feed.clone();
        Callback::from(move |_| {
            feed.run(|c, _| c.clear_messages());
            feed.changed();
        })
    };
    let render = {
        let (feed, view) = (p.feed.clone(), view.clone());
        Callback::from(move |i: usize| render_row(&feed, &view, i + hidden_new))
    };
    let directions = vec![
        ("all".into(), "All".into()),
        ("received".into(), "Received".into()),
        ("published".into(), "Published".into()),
    ];
    let direction_value = match filter.direction {
        None => "all",
        Some(Direction::Received) => "received",
        Some(Direction::Published) => "published",
    };
    html! {
        <section class="panel messages">
            <div class="panel-head">
                <h2>{ "Messages" }</h2>
                <button type="button" aria-pressed={flag(paused.is_some())} onclick={toggle_pause}>
                    { if paused.is_some() { "Resume" } else { "Pause" } }
                </button>
                if hidden_new > 0 {
                    <span class="note">{ format!("{hidden_new} new") }</span>
                }
                <button type="button" onclick={on_clear}>{ "Clear messages" }</button>
            </div>
            <div class="row filters">
                { select(SelectProps::new("list-direction", "Direction", directions, direction_value, set_filter(|f, v| f.direction = match v.as_str() {
                        "received" => Some(Direction::Received),
                        "published" => Some(Direction::Published),
                        _ => None,
                    }))) }
                { text_field(TextFieldProps::new("list-topic", "Show topics matching", filter.topic.clone(), set_filter(|f, v| f.topic = v.trim().to_string())).placeholder("home/#")) }
                { text_field(TextFieldProps::new("list-text", "Payload contains", filter.text.clone(), set_filter(|f, v| f.text = v))) }
            </div>
            if store.is_empty() {
                <p class="empty">{ "No messages yet. Subscribe to a topic filter such as # to see traffic." }</p>
            }
            <VirtualList label="Messages" class="message-scroll" {len} row_height={ROW_HEIGHT} {render} {on_scroll}
                version={p.feed.frame()} />
        </section>
    }
}

fn render_row(feed: &Feed, view: &Rc<RefCell<FilteredView>>, i: usize) -> Html {
    let store = feed.store();
    match view.borrow().nth_newest(i).and_then(|seq| store.get(seq)) {
        Some(m) => message_row(m),
        None => html! { <li class="message gone" /> },
    }
}

/// One message as a list row: meta line and a payload preview. Each part is a (class, text)
/// pair drawn by one `span` below: one element's markup per part instead of one per case.
pub fn message_row(m: &StoredMessage) -> Html {
    let p = preview(&m.payload, ROW_PREVIEW);
    let direction = match m.direction {
        Direction::Received => ("dir in", "Received"),
        Direction::Published => ("dir out", "Published"),
    };
    let delivery: Option<(&str, String)> = match &m.delivery {
        Delivery::None => None,
        Delivery::Pending { .. } => Some(("delivery busy", "Waiting for acknowledgement".into())),
        Delivery::Queued { .. } => Some(("delivery busy", "Queued: sent when connected".into())),
        Delivery::Acknowledged { at_ms } => Some(("delivery ok", format!("Acknowledged {}", clock(*at_ms)))),
        Delivery::NotSeenBack { at_ms, .. } => Some((
            "delivery busy",
            format!(
                "Acknowledged {}, but not back on your subscription: an MQTT 3.1.1 broker drops a \
                 message its ACL refuses without saying so",
                clock(*at_ms)
            ),
        )),
        Delivery::Failed { reason } => Some(("delivery bad", format!("Failed: {reason}"))),
    };
    let pairing = match m.pairing {
        None => None,
        Some(Pairing::AnsweredBy { round_trip_ms, .. }) => Some((
            "delivery ok",
            format!("Answered in {} ms", fixed(round_trip_ms.round(), 0)),
        )),
        Some(Pairing::Answers { round_trip_ms, .. }) => Some((
            "badge",
            format!("Response after {} ms", fixed(round_trip_ms.round(), 0)),
        )),
    };
    let (class, badge, text) = match p.kind {
        PayloadKind::Empty => ("payload empty", false, "(empty)".to_owned()),
        PayloadKind::Text => ("payload mono", false, p.text),
        PayloadKind::Hex => ("payload mono hex", true, p.text),
    };
    // Spaces between the parts keep words apart when the row is copied or read aloud.
    html! {
        <li class="message" key={m.seq}>
            <div class="meta">
                { span(direction.0, direction.1.to_owned()) }{ " " }
                <span class="topic mono" title={m.topic.clone()}>{ &m.topic }</span>{ " " }
                { span("qos", ["QoS 0", "QoS 1", "QoS 2"][m.qos as usize].to_owned()) }{ " " }
                if m.retain { { span("badge retained", "Retained".to_owned()) }{ " " } }
                <time>{ clock(m.time_ms) }</time>{ " " }
                if p.truncated { { span("note", format!("{} bytes", p.size)) }{ " " } }
                if let Some((c, t)) = delivery { { span(c, t) } }{ " " }
                if let Some((c, t)) = pairing { { span(c, t) } }
                if let Some(props) = m.props.as_deref() {
                    { " " }{ properties_badge(props, &m.payload) }
                }
            </div>
            <div Class={class}>
                if badge { { span("badge", "hex".to_owned()) }{ " " } }
                { text }
            </div>
        </li>
    }
}

/// A `span` of one class with its text (the templates' and history's rows use it too).
#[inline(never)]
pub(super) fn span(class: &'static str, text: String) -> Html {
    html! { <span Class={class}>{ text }</span> }
}

/// The message's MQTT 5 properties on the row's one line: a count, with all of them in the
/// accessible name and tooltip (the topic detail shows them as a table).
fn properties_badge(props: &crate::mqtt::PublishProps, payload: &[u8]) -> Html {
    let (count, all) = crate::model::props::summary(props, payload);
    html! { <span class="badge props" title={all.clone()} aria-label={format!("{count}: {all}")}>{ count }</span> }
}

/// Local time of day with milliseconds, as people compare message times.
pub fn clock(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds(),
        d.get_milliseconds()
    )
}
