//! The connection bar: broker, state (announced to screen readers), the reconnect countdown,
//! messages received and the current rate, refreshed once per frame.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use super::feed::{use_feed, Feed};
use crate::model::app::ConnStatus;
use crate::model::deck::TotalRate;
use crate::model::number::fixed;
use crate::web::page::now_ms;

/// The bar as a plain function of the page's state: it has no state of its own (its counter,
/// the state and the countdown are one component that ticks by itself), and a component's
/// machinery would only add bundle size. `accent`: the shown connection's colour (its key);
/// `toggle`: the connection list's button.
pub fn status_bar(
    status: &ConnStatus,
    url: &str,
    feed: &Rc<Feed>,
    accent: Option<&str>,
    toggle: Html,
) -> Html {
    let url = AttrValue::from(url.to_owned());
    // Each connection has its own feed: a new counter (and rate) when the shown one changes.
    let key = Rc::as_ptr(feed) as usize;
    html! {
        <header class="statusbar" data-colour={accent.map(AttrValue::from)}>
            <span class="brand">{ "MQTT Deck" }</span>
            <span class="broker mono" title={url.clone()}>{ url }</span>
            <Live {key} feed={feed.clone()} status={status.clone()} />
            { toggle }
        </header>
    }
}

#[derive(Properties, PartialEq)]
struct LiveProps {
    feed: Rc<Feed>,
    status: ConnStatus,
}

/// Total received and messages per second (over at least half a second), then the connection's
/// state with the reconnect countdown. One component for both (each costs bundle size): it
/// repaints with the feed, and every 250 ms while a countdown runs.
#[function_component(Live)]
fn live(p: &LiveProps) -> Html {
    use_feed(&p.feed);
    let tick = use_force_update();
    let reconnecting = matches!(p.status, ConnStatus::Reconnecting { .. });
    use_effect_with(reconnecting, move |&reconnecting| {
        let interval = reconnecting.then(|| Interval::new(250, move || tick.force_update()));
        move || drop(interval)
    });
    // The same meter as the connection list's rows: their rates agree.
    let meter = use_mut_ref(TotalRate::default);
    let total = p.feed.store().received_total();
    let now = now_ms();
    let rate = meter.borrow_mut().sample(now as f64, total);
    let class = match p.status {
        ConnStatus::Connected { .. } => "state ok",
        ConnStatus::Connecting | ConnStatus::Reconnecting { .. } => "state busy",
        ConnStatus::Disconnected { reason: Some(_) } => "state bad",
        _ => "state",
    };
    // The countdown sits inside the sentence. A timer is a live region that is silent
    // (`aria-live="off"`, said explicitly because it sits inside the status region), so the
    // seconds are there to read without being announced at every tick.
    let text = match &p.status {
        ConnStatus::Reconnecting { reason, .. } => html! {
            <>{ "Reconnecting " }
            if let Some(left) = p.status.countdown(now) {
                <span class="countdown" role="timer" aria-live="off" aria-label="Next reconnect attempt">{ left }</span>
            }
            { format!(" ({reason})") }</>
        },
        other => html! { other.text() },
    };
    // Not an <output>: that is a live region, and a count read out at every frame would
    // drown the connection status for screen-reader users.
    html! {
        <>
            <span class="counter">
                <span class="total" id="messages-received" aria-label="Messages received">{ total }</span>{ " " }
                <span class="unit">{ "received" }</span>{ " " }
                <span class="rate" aria-label="Messages per second">{ format!("{}/s", fixed(rate, 0)) }</span>
            </span>
            <span Class={class} role="status" aria-live="polite" id="connection-status">{ text }</span>
        </>
    }
}
