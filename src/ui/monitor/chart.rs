//! Live charts: numeric payloads (plain numbers or a JSON path) of one or more topics as
//! an SVG time series over a chosen window.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::MonitorState;
use crate::model::json_path::extract_number;
use crate::model::messages::MessageStore;
use crate::model::number::{fixed, short};
use crate::ui::feed::Feed;
use crate::ui::fields::{select, SelectProps};
use crate::web::page::wall_ms;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 180.0;
const COLOURS: [&str; 6] = ["#4b4bc8", "#1a7f37", "#c62828", "#b35900", "#0a7d8c", "#8250df"];

struct Series {
    topic: String,
    path: Option<String>,
    points: Vec<(f64, f64)>,
}

/// Points of every charted topic within the window, oldest first.
fn collect(store: &MessageStore, charted: &[(String, Option<String>)], window_s: u32) -> Vec<Series> {
    let since = if window_s == 0 {
        f64::MIN
    } else {
        wall_ms() - window_s as f64 * 1000.0
    };
    charted
        .iter()
        .map(|(topic, path)| {
            let mut points: Vec<(f64, f64)> = store
                .tree()
                .find(topic)
                .map(|node| {
                    store
                        .topic_history(node)
                        .filter(|m| m.time_ms >= since)
                        .filter_map(|m| extract_number(&m.payload, path.as_deref()).map(|v| (m.time_ms, v)))
                        .collect()
                })
                .unwrap_or_default();
            points.reverse();
            Series {
                topic: topic.clone(),
                path: path.clone(),
                points,
            }
        })
        .collect()
}

/// The chart of the charted topics, or nothing while none is. A plain function, not a
/// component: it keeps no state, and renders whenever the topic detail does (every frame in
/// which messages arrived), which a component would too.
pub fn chart(state: &Rc<RefCell<MonitorState>>, on_change: &Callback<()>, feed: &Feed) -> Html {
    let (charted, window_s) = {
        let st = state.borrow();
        (st.charted.clone(), st.chart_window_s)
    };
    if charted.is_empty() {
        return html! {};
    }
    let series = collect(&feed.store(), &charted, window_s);
    let all = series.iter().flat_map(|s| s.points.iter());
    let (mut t0, mut t1, mut v0, mut v1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(t, v) in all {
        t0 = t0.min(t);
        t1 = t1.max(t);
        v0 = v0.min(v);
        v1 = v1.max(v);
    }
    let has_points = t0 <= t1;
    if v1 - v0 < 1e-9 {
        v0 -= 1.0;
        v1 += 1.0;
    }
    let x = |t: f64| {
        if t1 > t0 {
            (t - t0) / (t1 - t0) * WIDTH
        } else {
            WIDTH / 2.0
        }
    };
    let y = |v: f64| HEIGHT - (v - v0) / (v1 - v0) * HEIGHT;
    let on_window = {
        let (state, on_change) = (state.clone(), on_change.clone());
        Callback::from(move |v: String| {
            state.borrow_mut().chart_window_s = v.parse().unwrap_or(0);
            on_change.emit(());
        })
    };
    let windows = [
        ("60", "1 minute"),
        ("300", "5 minutes"),
        ("900", "15 minutes"),
        ("0", "All stored"),
    ]
    .iter()
    .map(|(v, t)| (AttrValue::from(*v), AttrValue::from(*t)))
    .collect::<Vec<_>>();
    let summary = series
        .iter()
        .map(|s| match s.points.last() {
            Some((_, v)) => {
                let n = s.points.len();
                format!(
                    "{}: {n} {}, last {}",
                    s.topic,
                    if n == 1 { "point" } else { "points" },
                    short(*v)
                )
            }
            None => format!("{}: no numeric values in the window", s.topic),
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <section class="chart" aria-label="Chart">
            <div class="row">
                <h3>{ "Chart" }</h3>
                { select(SelectProps::new("chart-window", "Chart window", windows, window_s.to_string(), on_window)) }
            </div>
            <svg viewBox={format!("-4 -4 {} {}", short(WIDTH + 8.0), short(HEIGHT + 8.0))} role="img" aria-label={summary}
                class="chart-svg" preserveAspectRatio="none">
                <rect x="0" y="0" width={short(WIDTH)} height={short(HEIGHT)} class="chart-bg" />
                { for series.iter().enumerate().map(|(i, s)| {
                    let pts = s.points.iter().map(|&(t, v)| format!("{},{}", fixed(x(t), 1), fixed(y(v), 1))).collect::<Vec<_>>().join(" ");
                    html! { <polyline class="series" points={pts} fill="none" stroke={COLOURS[i % COLOURS.len()]}
                        stroke-width="2" vector-effect="non-scaling-stroke" /> }
                }) }
            </svg>
            if has_points {
                <div class="chart-scale note">
                    <span>{ format!("min {}", fixed(v0, 2)) }</span>{ " " }<span>{ format!("max {}", fixed(v1, 2)) }</span>{ " " }
                    <span>{ format!("{} s shown", fixed((t1 - t0) / 1000.0, 0)) }</span>
                </div>
            }
            <ul class="legend">
                { for series.iter().enumerate().map(|(i, s)| legend_item(i, s, state, on_change)) }
            </ul>
        </section>
    }
}

fn legend_item(i: usize, s: &Series, state: &Rc<RefCell<MonitorState>>, on_change: &Callback<()>) -> Html {
    let remove = {
        let (state, on_change, topic) = (state.clone(), on_change.clone(), s.topic.clone());
        Callback::from(move |_| {
            state.borrow_mut().charted.retain(|(t, _)| *t != topic);
            on_change.emit(());
        })
    };
    let name = match &s.path {
        Some(path) => format!("{} ({path})", s.topic),
        None => s.topic.clone(),
    };
    html! {
        <li>
            <svg class="swatch" aria-hidden="true"><rect width="100%" height="100%" fill={COLOURS[i % COLOURS.len()]} /></svg>{ " " }
            <span class="mono">{ name.clone() }</span>{ " " }
            <button type="button" aria-label={format!("Remove {name} from chart")} onclick={remove}>{ "Remove" }</button>
        </li>
    }
}
