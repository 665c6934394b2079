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
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::ui::fields::flag;

use crate::model::connection::{Edited, PanelEdit};
use crate::ui::feed::{use_feed, Feed};
use crate::web::page::download;
use card::{widget_card, Props as CardProps};
use editor::{widget_editor, Forms};
use live_input::LiveInput;

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
    import_text: String,
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
    let change = |f: fn(&mut Screen, String)| {
        let (screen, repaint) = (screen.clone(), repaint.clone());
        Callback::from(move |v: String| {
            f(&mut screen.borrow_mut(), v);
            repaint.force_update();
        })
    };
    let on_error = change(|s, e| s.error = Some(e));
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
    let show = |s: Shown| {
        let (screen, repaint) = (screen.clone(), repaint.clone());
        Callback::from(move |_| {
            let mut st = screen.borrow_mut();
            if let Shown::Panel(id) = &s {
                st.last_panel = Some(id.clone());
            }
            st.shown = Some(s.clone());
            drop(st);
            repaint.force_update();
        })
    };
    let new_panel = {
        let (feed, screen, repaint) = (p.feed.clone(), screen.clone(), repaint.clone());
        Callback::from(move |_| {
            let n = feed.core().panels().panels().len() + 1;
            if let Ok(Edited::AddedPanel(id)) = feed.edit(PanelEdit::AddPanel {
                name: format!("Panel {n}"),
            }) {
                screen.borrow_mut().shown = Some(Shown::Panel(id));
                repaint.force_update();
            }
        })
    };
    let tabs = panels.iter().map(|(id, name)| {
        let pressed = current == Shown::Panel(id.clone());
        html! { <button type="button" aria-pressed={flag(pressed)} onclick={show(Shown::Panel(id.clone()))}>{ name }</button> }
    });
    let body = match &current {
        Shown::Discovered => {
            let target = match shown {
                Some(Shown::Panel(id)) => Some(id),
                _ => last_panel,
            };
            discovered(&p.feed, &on_error, &on_sent, &repaint, target)
        }
        Shown::Panel(id) => user_panel(&p.feed, id, &on_error, &on_sent, &repaint, &screen, &forms),
    };
    html! {
        <section class="panel-screen" aria-label="Device panel">
            <div class="row panel-tabs">
                { for tabs }
                <button type="button" aria-pressed={flag(current == Shown::Discovered)}
                    onclick={show(Shown::Discovered)}>{ "Discovered" }</button>
                <button type="button" onclick={new_panel}>{ "New panel" }</button>
            </div>
            if let Some(e) = error {
                <p class="error" role="alert">{ e }
                    <button type="button" onclick={{ let d = change(|s, _| s.error = None); move |_| d.emit(String::new()) }}>{ "Dismiss" }</button></p>
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
    on_error: &Callback<String>,
    on_sent: &Callback<()>,
    repaint: &UseForceUpdateHandle,
    target: Option<String>,
) -> Html {
    let core = feed.core();
    let discovery = core.discovery();
    let devices = discovery.devices();
    let skipped: Vec<_> = discovery.skipped().cloned().collect();
    let pin = |id: String, name: String| {
        let (feed, on_error, repaint, target) =
            (feed.clone(), on_error.clone(), repaint.clone(), target.clone());
        Callback::from(move |_| {
            match feed.edit(PanelEdit::Pin {
                widget: id.clone(),
                target: target.clone(),
            }) {
                Ok(Edited::Pinned {
                    panel_name,
                    already: true,
                }) => on_error.emit(format!("{name} is already on {panel_name}")),
                Ok(Edited::Pinned { panel_name, .. }) => {
                    on_error.emit(format!("Pinned {name} to {panel_name}"))
                }
                Ok(_) => return,
                Err(e) => on_error.emit(format!("Could not pin {name}: {e}")),
            }
            repaint.force_update();
        })
    };
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
                                        onclick={pin(w.id.clone(), w.name.clone())}>{ "Pin to panel" }</button>
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

fn user_panel(
    feed: &Rc<Feed>,
    id: &str,
    on_error: &Callback<String>,
    on_sent: &Callback<()>,
    repaint: &UseForceUpdateHandle,
    screen: &Rc<RefCell<Screen>>,
    forms: &Rc<RefCell<Forms>>,
) -> Html {
    let core = feed.core();
    let panels = core.panels();
    let Some(panel) = panels.panel(id) else {
        return html! {};
    };
    let count = panel.widgets.len();
    let action = |edit: PanelEdit| {
        let (feed, on_error, repaint) = (feed.clone(), on_error.clone(), repaint.clone());
        Callback::from(move |_| match feed.edit(edit.clone()) {
            Ok(_) => repaint.force_update(),
            Err(e) => on_error.emit(e.to_string()),
        })
    };
    let pid = id.to_string();
    let export = {
        let (feed, pid, on_error) = (feed.clone(), pid.clone(), on_error.clone());
        Callback::from(move |_| {
            let result = feed.core().panels().export_panel(&pid).map_err(|e| e.to_string());
            if let Err(e) =
                result.and_then(|json| download("mqtt-deck-panel.json", "application/json", &json))
            {
                on_error.emit(e);
            }
        })
    };
    let on_import_text = {
        let (screen, repaint) = (screen.clone(), repaint.clone());
        Callback::from(move |e: InputEvent| {
            screen.borrow_mut().import_text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            repaint.force_update();
        })
    };
    let import = {
        let (feed, screen, on_error, repaint) =
            (feed.clone(), screen.clone(), on_error.clone(), repaint.clone());
        Callback::from(move |_| {
            let json = screen.borrow().import_text.clone();
            match feed.edit(PanelEdit::Import { json }) {
                Ok(Edited::Imported(ids)) => {
                    screen.borrow_mut().import_text.clear();
                    on_error.emit(format!("Imported {} panel(s)", ids.len()));
                    repaint.force_update();
                }
                Ok(_) => {}
                Err(e) => on_error.emit(format!("Import rejected, nothing changed: {e}")),
            }
        })
    };
    let share = {
        let (feed, pid, on_error) = (feed.clone(), pid.clone(), on_error.clone());
        Callback::from(move |_| {
            if let Err(e) = feed.run(|c, now| c.share_panel(now, &pid)) {
                on_error.emit(e.to_string());
            }
        })
    };
    let on_share_topic = {
        let (feed, pid, on_error, repaint) = (feed.clone(), pid.clone(), on_error.clone(), repaint.clone());
        Callback::from(move |v: String| {
            let topic = Some(v.trim()).filter(|t| !t.is_empty()).map(str::to_string);
            if let Err(e) = feed.edit(PanelEdit::SetShareTopic {
                panel: pid.clone(),
                topic,
            }) {
                on_error.emit(e.to_string());
            }
            repaint.force_update();
        })
    };
    let on_rename = {
        let (feed, pid, on_error, repaint) = (feed.clone(), pid.clone(), on_error.clone(), repaint.clone());
        Callback::from(move |v: String| {
            if let Err(e) = feed.edit(PanelEdit::RenamePanel {
                panel: pid.clone(),
                name: v.trim().to_string(),
            }) {
                on_error.emit(e.to_string());
            }
            repaint.force_update();
        })
    };
    let remove_panel = action(PanelEdit::RemovePanel { panel: pid.clone() });
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
                    let moved = |to: usize| PanelEdit::MoveWidget { panel: pid.clone(), widget: wid.clone(), to };
                    html! {
                        { widget_card(CardProps {
                            feed: feed.clone(), id: wid.clone().into(), on_error: on_error.clone(), on_sent: on_sent.clone(),
                            children: html! {
                            <div class="row card-tools">
                                <button type="button" class="small" aria-label={format!("Move {} earlier", w.name)} disabled={i == 0}
                                    onclick={action(moved(i.saturating_sub(1)))}>{ "◀" }</button>
                                <button type="button" class="small" aria-label={format!("Move {} later", w.name)} disabled={i + 1 == count}
                                    onclick={action(moved(i + 1))}>{ "▶" }</button>
                                <button type="button" class="small" aria-label={format!("Edit {}", w.name)}
                                    onclick={{ let (forms, def, repaint) = (forms.clone(), w.clone(), repaint.clone()); move |_| { forms.borrow_mut().edit(&def); repaint.force_update(); } }}>{ "Edit" }</button>
                                <button type="button" class="small" aria-label={format!("Remove {}", w.name)}
                                    onclick={action(PanelEdit::RemoveWidget { panel: pid.clone(), widget: wid.clone() })}>{ "Remove" }</button>
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
                        <LiveInput id="panel-name" value={panel.name.clone()} on_commit={on_rename} /></div>
                    <div class="field"><label for="share-topic">{ "Share topic" }</label>
                        <LiveInput id="share-topic" placeholder="deck/panels/home"
                            value={panel.share_topic.clone().unwrap_or_default()} on_commit={on_share_topic} /></div>
                    <button type="button" onclick={share} disabled={panel.share_topic.is_none()}>{ "Share now" }</button>
                </div>
                { widget_editor(feed, &pid, forms, None, repaint) }
                <div class="row">
                    <button type="button" onclick={export}>{ "Export panel" }</button>
                    <button type="button" onclick={remove_panel}>{ "Delete panel" }</button>
                </div>
                <div class="field">
                    <label for="panel-import">{ "Panel JSON to import" }</label>
                    <textarea id="panel-import" rows="3" value={screen.borrow().import_text.clone()} oninput={on_import_text} />
                </div>
                <button type="button" onclick={import}>{ "Import" }</button>
            </details>
        </>
    }
}
