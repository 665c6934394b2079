//! One widget as a tile card: name, state, unit and one obvious control. Offline devices
//! are dimmed and say so; their controls are disabled.

use crate::model::number::{fixed, parse_f64, short, within};
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::ui::fields::flag;

use super::live_input::{live_input, Props as LiveProps};
use crate::model::panel::{CoverAction, CoverState, WidgetInput, WidgetKind, WidgetView};
use crate::ui::feed::Feed;

/// What a card shows. Cards are a plain view function: they keep no state of their own and
/// repaint with their screen, so a component's machinery would only add bundle size.
pub struct Props {
    pub feed: Rc<Feed>,
    pub id: AttrValue,
    /// Extra buttons (pin, move, remove) shown under the control.
    pub children: Html,
    pub on_error: Callback<String>,
    /// Asks for a repaint after a command, so the card shows "sending…" at once.
    pub on_sent: Callback<()>,
}

pub fn widget_card(p: Props) -> Html {
    let core = p.feed.core();
    let runtime = core.runtime();
    let Some(w) = runtime.widget(&p.id) else {
        return html! {};
    };
    let available = w.available();
    let name = w.name().to_string();
    let send = {
        let (feed, id, on_error, on_sent) = (
            p.feed.clone(),
            p.id.to_string(),
            p.on_error.clone(),
            p.on_sent.clone(),
        );
        Callback::from(move |input: WidgetInput| {
            if let Err(e) = feed.run(|c, now| c.command(now, &id, input)) {
                on_error.emit(e.to_string());
            }
            on_sent.emit(());
        })
    };
    let unit = w.unit().map(|u| format!(" {u}")).unwrap_or_default();
    let value_text = w
        .text()
        .map(|t| format!("{t}{unit}"))
        .unwrap_or_else(|| "—".into());
    let control = control(&w, &name, available, &send, &value_text, &unit);
    html! {
        <article Class={match (available, w.pending()) { (true, false) => "card", (true, true) => "card pending", (false, false) => "card offline", (false, true) => "card offline pending" }}
            aria-label={name.clone()}>
            <header>
                <h3>{ &name }</h3>
                if !available { <span class="badge offline-badge">{ "offline" }</span> }
                if w.pending() { <span class="note">{ "sending…" }</span> }
            </header>
            { control }
            if let Some(e) = w.error() { <p class="note bad">{ e.to_string() }</p> }
            { p.children.clone() }
        </article>
    }
}

fn control(
    w: &WidgetView<'_>,
    name: &str,
    available: bool,
    send: &Callback<WidgetInput>,
    value: &str,
    unit: &str,
) -> Html {
    let disabled = !available;
    let big = |text: String| html! { <p class="value" aria-label={format!("{name} value")}>{ text }</p> };
    match w.kind() {
        WidgetKind::Switch(_) => switch(name, w.is_on(), disabled, send, name.to_string()),
        WidgetKind::Light { brightness, .. } => html! {
            <>
                { switch(name, w.is_on(), disabled, send, name.to_string()) }
                if brightness.is_some() {
                    { range(Numeric { label: &format!("{name} brightness"), min: 0.0, max: 100.0, step: 1.0,
                        value: w.brightness_percent(), disabled, send, make: WidgetInput::Brightness }) }
                    <p class="note">{ w.brightness_percent().map(|b| format!("{} %", fixed(b, 0))).unwrap_or_default() }</p>
                }
            </>
        },
        WidgetKind::Button { .. } => {
            let send = send.clone();
            html! { <button type="button" class="primary big" {disabled} onclick={move |_| send.emit(WidgetInput::Press)}>{ name.to_string() }</button> }
        }
        WidgetKind::Slider { min, max, step } => html! {
            <>
                { big(value.to_string()) }
                { range(Numeric { label: name, min: *min, max: *max, step: *step, value: w.number(), disabled, send, make: WidgetInput::Number }) }
            </>
        },
        WidgetKind::Number { min, max, step } => html! {
            <>
                { big(value.to_string()) }
                { number(Numeric { label: name, min: *min, max: *max, step: *step, value: w.number(), disabled, send, make: WidgetInput::Number }) }
            </>
        },
        WidgetKind::Select { options } => {
            select(name, options, w.text(), disabled, send, WidgetInput::Choose)
        }
        WidgetKind::Sensor | WidgetKind::BinarySensor { .. } => big(value.to_string()),
        WidgetKind::Gauge { min, max } => {
            let v = w.number();
            html! {
                <>
                    { big(value.to_string()) }
                    <meter min={short(*min)} max={short(*max)} value={short(v.unwrap_or(*min))}
                        aria-label={format!("{name} gauge")} />
                </>
            }
        }
        WidgetKind::Chart { .. } => html! { <>{ big(value.to_string()) }{ sparkline(w, name) }</> },
        WidgetKind::Cover { position, .. } => {
            let b = |label: &str, action: CoverAction| {
                let send = send.clone();
                html! { <button type="button" {disabled} aria-label={format!("{name} {}", label.to_ascii_lowercase())}
                onclick={move |_| send.emit(WidgetInput::Cover(action))}>{ label.to_string() }</button> }
            };
            html! {
                <>
                    { big(w.cover_state().map(cover_text).unwrap_or_else(|| "—".into())) }
                    <div class="row">{ b("Open", CoverAction::Open) }{ b("Stop", CoverAction::Stop) }{ b("Close", CoverAction::Close) }</div>
                    if position.is_some() {
                        { range(Numeric { label: &format!("{name} position"), min: 0.0, max: 100.0, step: 1.0,
                            value: w.position_percent(), disabled, send, make: WidgetInput::Position }) }
                        <p class="note">{ w.position_percent().map(|p| format!("{} % open", fixed(p, 0))).unwrap_or_default() }</p>
                    }
                </>
            }
        }
        WidgetKind::Climate { modes, target, .. } => {
            let current = w
                .current()
                .map(|c| format!("{}{unit}", fixed(c, 1)))
                .unwrap_or_else(|| "—".into());
            let t = w.target();
            let step = target.step;
            let nudge = |delta: f64, label: &str| {
                let send = send.clone();
                let next = t.map(|v| within(v + delta, target.min, target.max));
                html! { <button type="button" class="nudge" disabled={disabled || next.is_none()}
                aria-label={format!("{name} target {label}")}
                onclick={move |_| if let Some(n) = next { send.emit(WidgetInput::Target(n)) }}>{ label.to_string() }</button> }
            };
            html! {
                <>
                    <p class="value" aria-label={format!("{name} current temperature")}>{ current }</p>
                    <div class="row target">
                        { nudge(-step, "−") }
                        { number(Numeric { label: &format!("{name} target temperature"), min: Some(target.min), max: Some(target.max),
                            step, value: t, disabled, send, make: WidgetInput::Target }) }
                        { nudge(step, "+") }
                    </div>
                    { select(&format!("{name} mode"), modes, w.mode(), disabled, send, WidgetInput::Mode) }
                </>
            }
        }
    }
}

fn cover_text(s: CoverState) -> String {
    match s {
        CoverState::Open => "Open".into(),
        CoverState::Closed => "Closed".into(),
        CoverState::Opening => "Opening".into(),
        CoverState::Closing => "Closing".into(),
        CoverState::Stopped => "Stopped".into(),
        CoverState::Other(text) => text,
    }
}

fn switch(label: &str, on: Option<bool>, disabled: bool, send: &Callback<WidgetInput>, name: String) -> Html {
    let send = send.clone();
    let checked = on.unwrap_or(false);
    html! {
        <button type="button" role="switch" Class={if checked { "switch on" } else { "switch" }} aria-checked={flag(checked)}
            aria-label={label.to_string()} {disabled} onclick={move |_| send.emit(WidgetInput::Set(!checked))}
            title={name}>
            <span class="knob" />{ match on { Some(true) => "On", Some(false) => "Off", None => "Unknown" } }
        </button>
    }
}

/// One numeric control of a card, as `range` (bounds `f64`) and `number` (bounds
/// `Option<f64>`, open when `None`) draw it.
struct Numeric<'a, B> {
    label: &'a str,
    min: B,
    max: B,
    step: f64,
    /// What the device reports; `None` until it has.
    value: Option<f64>,
    disabled: bool,
    send: &'a Callback<WidgetInput>,
    /// The input the chosen number becomes.
    make: fn(f64) -> WidgetInput,
}

/// Sends a control's text as the widget's input when it reads as a number. One function for
/// both kinds of bounds, so the bundle carries it once.
fn commit(send: &Callback<WidgetInput>, make: fn(f64) -> WidgetInput) -> impl Fn(&str) + 'static {
    let send = send.clone();
    move |text: &str| {
        if let Some(v) = parse_f64(text) {
            send.emit(make(v));
        }
    }
}

/// A slider that commands once, when the user lets go (the `change` event), so dragging
/// does not flood the broker.
fn range(n: Numeric<'_, f64>) -> Html {
    let commit = commit(n.send, n.make);
    let onchange =
        Callback::from(move |e: Event| commit(&e.target_unchecked_into::<HtmlInputElement>().value()));
    html! {
        <input type="range" aria-label={n.label.to_string()} min={short(n.min)} max={short(n.max)}
            step={short(n.step)} value={short(n.value.unwrap_or(n.min))} disabled={n.disabled} {onchange} />
    }
}

fn number(n: Numeric<'_, Option<f64>>) -> Html {
    let commit = commit(n.send, n.make);
    let on_commit = Callback::from(move |v: String| commit(&v));
    html! {
        { live_input(LiveProps { label: Some(n.label.to_string().into()), kind: Some("number".into()),
            min: n.min.map(|m| short(m).into()), max: n.max.map(|m| short(m).into()), step: Some(short(n.step).into()),
            value: n.value.map(short).unwrap_or_default().into(), disabled: n.disabled, on_commit, id: None, placeholder: None }) }
    }
}

fn select(
    label: &str,
    options: &[String],
    current: Option<&str>,
    disabled: bool,
    send: &Callback<WidgetInput>,
    make: fn(String) -> WidgetInput,
) -> Html {
    let send = send.clone();
    let onchange = Callback::from(move |e: Event| {
        send.emit(make(e.target_unchecked_into::<HtmlSelectElement>().value()))
    });
    html! {
        <select aria-label={label.to_string()} {disabled} {onchange}>
            if current.is_none_or(|c| !options.iter().any(|o| o == c)) { <option selected=true disabled=true>{ current.unwrap_or("—") }</option> }
            { for options.iter().map(|o| html! { <option value={o.clone()} selected={current == Some(o.as_str())}>{ o }</option> }) }
        </select>
    }
}

fn sparkline(w: &WidgetView<'_>, name: &str) -> Html {
    let points: Vec<(f64, f64)> = w.history().iter().map(|s| (s.t_ms, s.value)).collect();
    if points.len() < 2 {
        return html! {};
    }
    let (t0, t1) = (points[0].0, points[points.len() - 1].0.max(points[0].0 + 1.0));
    let (lo, hi) = points
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let span = if hi - lo < 1e-9 { 1.0 } else { hi - lo };
    let pts = points
        .iter()
        .map(|(t, v)| {
            let (x, y) = ((t - t0) / (t1 - t0) * 200.0, 40.0 - (v - lo) / span * 40.0);
            format!("{},{}", fixed(x, 1), fixed(y, 1))
        })
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        <svg class="sparkline" viewBox="0 -2 200 44" role="img" aria-label={format!("{name} history, {} points", points.len())}
            preserveAspectRatio="none">
            <polyline points={pts} fill="none" stroke="currentColor" stroke-width="2" vector-effect="non-scaling-stroke" />
        </svg>
    }
}
