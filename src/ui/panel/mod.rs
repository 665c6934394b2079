//! The Panel screen: the user's panels of widget cards, the devices found by discovery
//! (ready to pin), and editing, import, export and sharing of panels (`PanelScreen`, here).
//!
//! - `card`       — one widget as a tile card with one obvious control.
//! - `editor`     — the "add widget" and "edit widget" forms (their state kept by the screen).
//! - `live_input` — an input showing a live value that never overwrites what the user types.

mod card;
mod editor;
mod live_input;

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use yew::prelude::*;

use crate::ui::fields::flag;

use crate::model::connection::{Edited, PanelEdit};
use crate::model::panel::WidgetDef;
use crate::ui::feed::{use_feed, Feed};
use crate::web::page::download;
use card::{widget_card, Props as CardProps};
use editor::{widget_editor, Forms};
use live_input::{live_input, Props as LiveProps};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub feed: Rc<Feed>,
}

/// How long a command may wait for the device's confirmation before the card stops
/// saying "sending…" and shows what the device reports.
const PENDING_MS: f64 = 5_000.0;

/// Which part of the screen is open: a user panel by id, or the discovered devices.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Panel(String),
    Discovered,
}

/// The screen's own state, besides the panels and the widget forms.
#[derive(Default)]
struct Screen {
    /// What to tell the user (an error, or the outcome of pinning or importing).
    error: Option<String>,
    shown: Option<Shown>,
    /// The panel last looked at: pins from Discovered go there.
    last_panel: Option<String>,
}

/// What the screen's controls ask for. One callback carries them all: a closure per button,
/// each with its own clones and error handling, costs far more bundle than one `match`.
#[derive(Clone)]
enum Act {
    Show(Shown),
    NewPanel,
    /// Tell the user something, or (`None`) dismiss it.
    Say(Option<String>),
    Edit(PanelEdit),
    EditWidget(WidgetDef),
    Export(String),
    Share(String),
    Pin {
        widget: String,
        name: String,
        target: Option<String>,
    },
}

/// A click that asks for `a`.
fn on<E: 'static>(act: &Callback<Act>, a: Act) -> Callback<E> {
    let act = act.clone();
    Callback::from(move |_| act.emit(a.clone()))
}

/// Does what a control asked for; the caller repaints after.
fn run(feed: &Feed, screen: &RefCell<Screen>, forms: &RefCell<Forms>, act: Act) {
    let say = |m: String| screen.borrow_mut().error = Some(m);
    match act {
        Act::Show(s) => {
            let mut st = screen.borrow_mut();
            if let Shown::Panel(id) = &s {
                st.last_panel = Some(id.clone());
            }
            st.shown = Some(s);
        }
        Act::NewPanel => {
            let n = feed.core().panels().panels().len() + 1;
            if let Ok(Edited::AddedPanel(id)) = feed.edit(PanelEdit::AddPanel {
                name: format!("Panel {n}"),
            }) {
                screen.borrow_mut().shown = Some(Shown::Panel(id));
            }
        }
        Act::Say(m) => screen.borrow_mut().error = m,
        Act::Edit(edit) => {
            if let Err(e) = feed.edit(edit) {
                say(e.to_string());
            }
        }
        Act::EditWidget(def) => forms.borrow_mut().edit(&def),
        Act::Export(pid) => {
            let result = feed.core().panels().export_panel(&pid).map_err(|e| e.to_string());
            if let Err(e) =
                result.and_then(|json| download("mqtt-deck-panel.json", "application/json", &json))
            {
                say(e);
            }
        }
        Act::Share(pid) => {
            if let Err(e) = feed.run(|c, now| c.share_panel(now, &pid)) {
                say(e.to_string());
            }
        }
        Act::Pin { widget, name, target } => match feed.edit(PanelEdit::Pin { widget, target }) {
            Ok(Edited::Pinned {
                panel_name,
                already: true,
            }) => say(format!("{name} is already on {panel_name}")),
            Ok(Edited::Pinned { panel_name, .. }) => say(format!("Pinned {name} to {panel_name}")),
            Ok(_) => {}
            Err(e) => say(format!("Could not pin {name}: {e}")),
        },
    }
}

#[function_component(PanelScreen)]
pub fn panel_screen(p: &Props) -> Html {
    use_feed(&p.feed);
    let repaint = use_force_update();
    // A sent command shows "sending…" until its device confirms it. After a send, a timer
    // ticks once a second while any command waits: it drops those older than PENDING_MS and
    // repaints, since a quiet broker sends nothing to repaint for. Rendering only reads.
    let pending_timer = use_mut_ref(|| None::<Timeout>);
    let on_sent = {
        let (feed, repaint, slot) = (p.feed.clone(), repaint.clone(), pending_timer.clone());
        Callback::from(move |()| {
            repaint.force_update();
            tick_while_pending(&feed, &slot, &repaint);
        })
    };
    // One cell for the screen's own state (a hook per field costs bundle size); changes repaint.
    let screen = use_mut_ref(|| Screen {
        error: p.feed.core().panels_load_error().map(str::to_string),
        ..Screen::default()
    });
    // The add form and the open edit form.
    let forms = use_mut_ref(Forms::default);
    let act = {
        let (feed, screen, forms, repaint) = (p.feed.clone(), screen.clone(), forms.clone(), repaint.clone());
        Callback::from(move |a: Act| {
            run(&feed, &screen, &forms, a);
            repaint.force_update();
        })
    };
    let on_error = act.reform(|e| Act::Say(Some(e)));
    let panels: Vec<(String, String)> = p
        .feed
        .core()
        .panels()
        .panels()
        .iter()
        .map(|x| (x.id.clone(), x.name.clone()))
        .collect();
    let (shown, last_panel, error) = {
        let s = screen.borrow();
        (s.shown.clone(), s.last_panel.clone(), s.error.clone())
    };
    let current = match &shown {
        Some(Shown::Panel(id)) if panels.iter().any(|(p, _)| p == id) => Shown::Panel(id.clone()),
        Some(Shown::Discovered) => Shown::Discovered,
        _ => panels
            .first()
            .map_or(Shown::Discovered, |(id, _)| Shown::Panel(id.clone())),
    };
    let tabs = panels.iter().map(|(id, name)| {
        let pressed = current == Shown::Panel(id.clone());
        html! { <button type="button" aria-pressed={flag(pressed)} onclick={on(&act, Act::Show(Shown::Panel(id.clone())))}>{ name }</button> }
    });
    let body = match &current {
        Shown::Discovered => {
            let target = match shown {
                Some(Shown::Panel(id)) => Some(id),
                _ => last_panel,
            };
            discovered(&p.feed, &act, &on_error, &on_sent, target)
        }
        Shown::Panel(id) => user_panel(&p.feed, id, &act, &on_error, &on_sent, &repaint, &forms),
    };
    html! {
        <section class="panel-screen" aria-label="Device panel">
            <div class="row panel-tabs">
                { for tabs }
                <button type="button" aria-pressed={flag(current == Shown::Discovered)}
                    onclick={on(&act, Act::Show(Shown::Discovered))}>{ "Discovered" }</button>
                <button type="button" onclick={on(&act, Act::NewPanel)}>{ "New panel" }</button>
            </div>
            if let Some(e) = error {
                <p class="error" role="alert">{ e }
                    <button type="button" onclick={on(&act, Act::Say(None))}>{ "Dismiss" }</button></p>
            }
            { body }
        </section>
    }
}

/// While any command waits for its device, ticks once a second: drops what waited longer than
/// `PENDING_MS`, repaints, and ticks again if something still waits. Runs after sends and from
/// its own timer, never during render.
fn tick_while_pending(feed: &Rc<Feed>, slot: &Rc<RefCell<Option<Timeout>>>, repaint: &UseForceUpdateHandle) {
    if slot.borrow().is_some() || !feed.core().runtime().widgets().any(|w| w.pending()) {
        return;
    }
    let (feed, tick, repaint) = (feed.clone(), slot.clone(), repaint.clone());
    *slot.borrow_mut() = Some(Timeout::new(1_000, move || {
        tick.borrow_mut().take();
        feed.run(|c, now| c.expire_pending(now, PENDING_MS));
        repaint.force_update();
        tick_while_pending(&feed, &tick, &repaint);
    }));
}

fn discovered(
    feed: &Rc<Feed>,
    act: &Callback<Act>,
    on_error: &Callback<String>,
    on_sent: &Callback<()>,
    target: Option<String>,
) -> Html {
    let core = feed.core();
    let discovery = core.discovery();
    let devices = discovery.devices();
    let skipped: Vec<_> = discovery.skipped().cloned().collect();
    html! {
        <>
            if devices.is_empty() {
                <p class="empty">{ "No devices found yet. Devices that announce themselves with Home Assistant \
                    discovery (homeassistant/…/config) or Zigbee2MQTT (zigbee2mqtt/bridge/devices) appear here." }</p>
            }
            { for devices.iter().map(|d| html! {
                <section class="device" aria-label={d.name.to_string()}>
                    <h2>{ d.name }
                        if let Some(info) = d.device {
                            <span class="note">{ format!(" {} {}", info.manufacturer.clone().unwrap_or_default(), info.model.clone().unwrap_or_default()) }</span>
                        }
                    </h2>
                    <div class="cards">
                        { for d.widgets.iter().map(|w| html! {
                            { widget_card(CardProps {
                                feed: feed.clone(), id: w.id.clone().into(), on_error: on_error.clone(), on_sent: on_sent.clone(),
                                children: html! {
                                    <button type="button" class="small" aria-label={format!("Pin {}", w.name)}
                                        onclick={on(act, Act::Pin { widget: w.id.clone(), name: w.name.clone(), target: target.clone() })}>{ "Pin to panel" }</button>
                                },
                            }) }
                        }) }
                    </div>
                </section>
            }) }
            if !skipped.is_empty() {
                <details class="skipped">
                    <summary>{ format!("Skipped ({})", skipped.len()) }</summary>
                    <ul>{ for skipped.iter().map(|s| html! {
                        <li><code class="mono">{ &s.topic }</code>{ format!(" {}: {}", s.name, s.reason) }</li>
                    }) }</ul>
                </details>
            }
        </>
    }
}

#[allow(clippy::too_many_arguments)]
fn user_panel(
    feed: &Rc<Feed>,
    id: &str,
    act: &Callback<Act>,
    on_error: &Callback<String>,
    on_sent: &Callback<()>,
    repaint: &UseForceUpdateHandle,
    forms: &Rc<RefCell<Forms>>,
) -> Html {
    let core = feed.core();
    let panels = core.panels();
    let Some(panel) = panels.panel(id) else {
        return html! {};
    };
    let count = panel.widgets.len();
    let pid = id.to_string();
    let edit = |e: PanelEdit| on(act, Act::Edit(e));
    let on_share_topic = {
        let pid = pid.clone();
        act.reform(move |v: String| {
            let topic = Some(v.trim()).filter(|t| !t.is_empty()).map(str::to_string);
            Act::Edit(PanelEdit::SetShareTopic {
                panel: pid.clone(),
                topic,
            })
        })
    };
    let on_rename = {
        let pid = pid.clone();
        act.reform(move |v: String| {
            Act::Edit(PanelEdit::RenamePanel {
                panel: pid.clone(),
                name: v.trim().to_string(),
            })
        })
    };
    let edited = forms
        .borrow()
        .editing
        .as_ref()
        .and_then(|(id, _)| panel.widgets.iter().find(|w| &w.id == id));
    html! {
        <>
            <div class="cards">
                { for panel.widgets.iter().enumerate().map(|(i, w)| {
                    let wid = w.id.clone();
                    let moved = |to: usize| edit(PanelEdit::MoveWidget { panel: pid.clone(), widget: wid.clone(), to });
                    html! {
                        { widget_card(CardProps {
                            feed: feed.clone(), id: wid.clone().into(), on_error: on_error.clone(), on_sent: on_sent.clone(),
                            children: html! {
                            <div class="row card-tools">
                                <button type="button" class="small" aria-label={format!("Move {} earlier", w.name)} disabled={i == 0}
                                    onclick={moved(i.saturating_sub(1))}>{ "◀" }</button>
                                <button type="button" class="small" aria-label={format!("Move {} later", w.name)} disabled={i + 1 == count}
                                    onclick={moved(i + 1)}>{ "▶" }</button>
                                <button type="button" class="small" aria-label={format!("Edit {}", w.name)}
                                    onclick={on(act, Act::EditWidget(w.clone()))}>{ "Edit" }</button>
                                <button type="button" class="small" aria-label={format!("Remove {}", w.name)}
                                    onclick={edit(PanelEdit::RemoveWidget { panel: pid.clone(), widget: wid.clone() })}>{ "Remove" }</button>
                            </div>
                            },
                        }) }
                    }
                }) }
            </div>
            if let Some(def) = edited {
                { widget_editor(feed, &pid, forms, Some(def), repaint) }
            }
            if count == 0 {
                <p class="empty">{ "This panel is empty: pin devices from Discovered, or add a widget below." }</p>
            }
            <details class="panel-edit">
                <summary>{ "Edit panel" }</summary>
                <div class="row">
                    <div class="field"><label for="panel-name">{ "Panel name" }</label>
                        { live_input(LiveProps { id: Some("panel-name".into()), value: panel.name.clone().into(), on_commit: on_rename, ..LiveProps::default() }) }</div>
                    <div class="field"><label for="share-topic">{ "Share topic" }</label>
                        { live_input(LiveProps { id: Some("share-topic".into()), placeholder: Some("deck/panels/home".into()),
                            value: panel.share_topic.clone().unwrap_or_default().into(), on_commit: on_share_topic, ..LiveProps::default() }) }</div>
                    <button type="button" onclick={on(act, Act::Share(pid.clone()))} disabled={panel.share_topic.is_none()}>{ "Share now" }</button>
                </div>
                { widget_editor(feed, &pid, forms, None, repaint) }
                <div class="row">
                    <button type="button" onclick={on(act, Act::Export(pid.clone()))}>{ "Export panel" }</button>
                    <button type="button" onclick={edit(PanelEdit::RemovePanel { panel: pid.clone() })}>{ "Delete panel" }</button>
                </div>
                <p class="hint">{ "A panel file is imported with \"Import from a file\" under Connection, beside saved connections." }</p>
            </details>
        </>
    }
}
