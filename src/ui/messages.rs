//! The message list: newest first, repainted at most once per animation frame.

use std::rc::Rc;

use yew::prelude::*;

use super::feed::Feed;
use crate::model::messages::{Delivery, Direction, StoredMessage};
use crate::model::payload::{preview, PayloadKind, PREVIEW_BYTES};

/// Rows rendered; the store holds more.
const VISIBLE_ROWS: usize = 200;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub feed: Rc<Feed>,
}

#[function_component(MessageList)]
pub fn message_list(p: &Props) -> Html {
    let repaint = use_force_update();
    {
        let feed = p.feed.clone();
        use_effect_with((), move |_| {
            let key = feed.listen(Callback::from(move |_| repaint.force_update()));
            move || feed.unlisten(key)
        });
    }
    let on_clear = {
        let feed = p.feed.clone();
        Callback::from(move |_| {
            feed.store.borrow_mut().clear();
            feed.changed();
        })
    };
    let store = p.feed.store.borrow();
    html! {
        <section class="panel messages">
            <div class="panel-head">
                <h2>{ "Messages" }</h2>
                <span class="counter">
                    { "Received: " }<output aria-label="Messages received">{ store.received_total() }</output>
                </span>
                <button type="button" onclick={on_clear}>{ "Clear messages" }</button>
            </div>
            if store.is_empty() {
                <p class="empty">{ "No messages yet. Subscribe to a topic filter such as # to see traffic." }</p>
            }
            <ul class="message-list" aria-label="Messages">
                { for store.iter().take(VISIBLE_ROWS).map(row) }
            </ul>
        </section>
    }
}

fn row(m: &StoredMessage) -> Html {
    let p = preview(&m.payload, PREVIEW_BYTES);
    let direction = match m.direction {
        Direction::Received => html! { <span class="dir in">{ "Received" }</span> },
        Direction::Published => html! { <span class="dir out">{ "Published" }</span> },
    };
    let delivery = match &m.delivery {
        Delivery::None => html! {},
        Delivery::Pending { .. } => {
            html! { <span class="delivery busy">{ "Waiting for acknowledgement" }</span> }
        }
        Delivery::Acknowledged { at_ms } => html! {
            <span class="delivery ok">{ format!("Acknowledged {}", clock(*at_ms)) }</span>
        },
        Delivery::Failed { reason } => {
            html! { <span class="delivery bad">{ format!("Failed: {reason}") }</span> }
        }
    };
    let payload = match p.kind {
        PayloadKind::Empty => html! { <pre class="payload empty">{ "(empty)" }</pre> },
        PayloadKind::Text => html! { <pre class="payload mono">{ p.text }</pre> },
        PayloadKind::Hex => {
            html! { <pre class="payload mono hex"><span class="badge">{ "hex" }</span>{ " " }{ p.text }</pre> }
        }
    };
    // Spaces between the parts keep words apart when the row is copied or read aloud.
    html! {
        <li class="message" key={m.seq}>
            <div class="meta">
                { direction }{ " " }
                <span class="topic mono" title={m.topic.clone()}>{ &m.topic }</span>{ " " }
                <span class="qos">{ format!("QoS {}", m.qos as u8) }</span>{ " " }
                if m.retain { <span class="badge retained">{ "Retained" }</span>{ " " } }
                <time>{ clock(m.time_ms) }</time>{ " " }
                { delivery }
            </div>
            { payload }
            if p.truncated {
                <p class="note">{ format!("Showing the first {} of {} bytes", PREVIEW_BYTES, p.size) }</p>
            }
        </li>
    }
}

/// Local time of day with milliseconds, as people compare message times.
fn clock(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds(),
        d.get_milliseconds()
    )
}
