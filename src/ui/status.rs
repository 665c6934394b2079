//! The connection bar: broker, state (announced to screen readers), messages received
//! and the current rate, refreshed once per frame.

use std::collections::VecDeque;
use std::rc::Rc;

use yew::prelude::*;

use super::feed::{use_feed, Feed};
use crate::model::app::ConnStatus;
use crate::web::page::now_ms;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub status: ConnStatus,
    pub url: AttrValue,
    pub feed: Rc<Feed>,
}

#[function_component(StatusBar)]
pub fn status_bar(p: &Props) -> Html {
    let class = match p.status {
        ConnStatus::Connected { .. } => "state ok",
        ConnStatus::Connecting | ConnStatus::Reconnecting { .. } => "state busy",
        ConnStatus::Disconnected { reason: Some(_) } => "state bad",
        _ => "state",
    };
    html! {
        <header class="statusbar">
            <span class="brand">{ "MQTT Deck" }</span>
            <span class="broker mono" title={p.url.clone()}>{ p.url.clone() }</span>
            <Counter feed={p.feed.clone()} />
            <span class={class} role="status" aria-live="polite" id="connection-status">{ p.status.text() }</span>
        </header>
    }
}

#[derive(Properties, PartialEq)]
struct CounterProps {
    feed: Rc<Feed>,
}

/// Total received and messages per second over the last two seconds.
#[function_component(Counter)]
fn counter(p: &CounterProps) -> Html {
    use_feed(&p.feed);
    let samples = use_mut_ref(VecDeque::<(u64, u64)>::new);
    let total = p.feed.store.borrow().received_total();
    let now = now_ms();
    let rate = {
        let mut s = samples.borrow_mut();
        s.push_back((now, total));
        while s.len() > 2 && s.front().is_some_and(|&(t, _)| now - t > 2000) {
            s.pop_front();
        }
        match (s.front(), s.back()) {
            (Some(&(t0, n0)), Some(&(t1, n1))) if t1 > t0 => (n1 - n0) as f64 * 1000.0 / (t1 - t0) as f64,
            _ => 0.0,
        }
    };
    // Not an <output>: that is a live region, and a count read out at every frame would
    // drown the connection status for screen-reader users.
    html! {
        <span class="counter">
            <span class="total" id="messages-received" aria-label="Messages received">{ total }</span>{ " " }
            <span class="unit">{ "received" }</span>{ " " }
            <span class="rate" aria-label="Messages per second">{ format!("{rate:.0}/s") }</span>
        </span>
    }
}
