//! Saved connections: pick one to fill the form, save the form under a name, duplicate or
//! delete one, copy a link that opens it elsewhere; and everything kept in this browser moved
//! to another as one file (`model::config`, never with passwords), previewed before it is
//! merged in or replaces what is here. The section's view, its wiring to the reducer and the
//! core, and where the list is stored.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::fields::{select, text_field, SelectProps, TextFieldProps};
use super::templates::{load_templates, store_templates};
use super::theme;
use crate::model::app::{Action, AppState, PendingImport};
use crate::model::config::{Config, Mode};
use crate::model::connection::{Connection, PanelEdit};
use crate::model::profiles::{Colour, Profiles};
use crate::model::share::share_link;
use crate::mqtt::QoS;
use crate::web::crypto;
use crate::web::driver::Driver;
use crate::web::page::{copy_text, download, load, page_url, read_text, save, wall_ms};

/// The saved connections (see `model::profiles`), and where an unreadable record is kept.
pub const PROFILES_KEY: &str = "mqtt-deck.profiles";
const PROFILES_BROKEN_KEY: &str = "mqtt-deck.profiles.unreadable";
/// Everything this browser keeps, as a configuration file would hold it.
fn kept_here(s: &AppState, driver: &Driver<Connection>) -> Config {
    Config {
        connections: Some(s.profiles.clone()),
        panels: Some(driver.core().panels().clone()),
        templates: Some(load_templates().0),
        theme: theme::stored(),
    }
}

/// Applies a file read earlier: stores every part it changes (the panels through this
/// connection's core, which the others follow), and says what was done (or what storage
/// refused).
fn apply_import(s: &AppState, driver: &Driver<Connection>, mode: Mode) -> Action {
    let Some(pending) = s.import.as_deref() else {
        return Action::ImportRead(None);
    };
    let file = &pending.config;
    let mut here = kept_here(s, driver);
    file.clone().apply(&mut here, mode);
    let mut refused: Option<String> = None;
    if file.templates.is_some() {
        refused = here.templates.as_ref().and_then(|t| store_templates(t).err());
    }
    if let Some(t) = &file.theme {
        theme::choose(t);
    }
    // The other connections take the panels from this one's (see `slots`).
    if let Some(panels) = file.panels.as_ref().and(here.panels) {
        let _ = driver.run(|c, now| {
            c.edit_panels(
                now,
                PanelEdit::Replace {
                    panels: Box::new(panels),
                },
            )
        });
    }
    let said = match refused {
        None => format!("Imported {}", pending.file),
        Some(e) => format!(
            "Imported {}, but {e}: it lasts until this page is closed",
            pending.file
        ),
    };
    Action::Imported {
        profiles: file.connections.as_ref().and(here.connections),
        said,
    }
}

/// The saved connections; a browser from before profiles gets its one saved connection
/// (`settings_record`) as the first, and an unreadable record is kept aside under its own key
/// before anything is written over it.
pub fn load_profiles(settings_record: Option<String>) -> (Profiles, Option<String>) {
    match load(PROFILES_KEY) {
        Some(text) => {
            let (profiles, problem) = Profiles::from_saved(&text);
            if problem.is_some() {
                let _ = save(PROFILES_BROKEN_KEY, &text);
            }
            (profiles, problem)
        }
        None => match settings_record {
            Some(record) => (Profiles::migrated(&record, wall_ms()), None),
            None => (Profiles::default(), None),
        },
    }
}

/// The subscriptions of the saved connection the form shows.
pub fn profile_subscriptions(s: &AppState) -> Vec<(String, QoS)> {
    s.profile
        .as_deref()
        .and_then(|name| s.profiles.get(name))
        .map(|p| p.subscriptions.clone())
        .unwrap_or_default()
}

/// A button of the section, as data: one callback does them all (one closure in the bundle
/// rather than one per button).
#[derive(Clone, Copy)]
pub enum Op {
    Save,
    Duplicate,
    Delete,
    /// Copies a link that opens the saved connection (see `model::share`).
    CopyLink,
    /// Everything kept here, as one file.
    Export,
    /// A file read and previewed: merged in, replacing, or not imported.
    Apply(Mode),
    Cancel,
}

/// The section, wired: actions go to the reducer (`dispatch`), and the list is stored
/// whenever it changes (an effect in `App`).
pub fn section(s: &AppState, dispatch: Callback<Action>, driver: &Driver<Connection>) -> Html {
    let on_open = {
        let (dispatch, driver, active) = (dispatch.clone(), driver.clone(), s.status.is_active());
        Callback::from(move |name: Option<String>| {
            if !active {
                // Another connection's subscriptions are not this one's: it brings its own
                // when it connects.
                let filters: Vec<String> = driver
                    .core()
                    .user_subscriptions()
                    .iter()
                    .map(|e| e.filter.clone())
                    .collect();
                for filter in filters {
                    let _ = driver.run(|c, now| c.unsubscribe(now, &filter));
                }
            }
            dispatch.emit(match name {
                Some(name) => Action::OpenProfile {
                    name,
                    now_ms: wall_ms(),
                },
                None => Action::NewProfile,
            })
        })
    };
    let on_op = {
        let (dispatch, driver, s) = (dispatch.clone(), driver.clone(), s.clone());
        Callback::from(move |op: Op| {
            let (name, current, profiles) = (&s.profile_name, s.profile.clone(), &s.profiles);
            let profile = current.as_deref().and_then(|n| profiles.get(n));
            let action = match (op, current.clone()) {
                (Op::Save, _) => {
                    let subscriptions = driver
                        .core()
                        .user_subscriptions()
                        .iter()
                        .map(|e| (e.filter.clone(), e.qos))
                        .collect();
                    let save = Action::SaveProfile {
                        name: name.clone(),
                        subscriptions,
                        now_ms: wall_ms(),
                    };
                    if !s.settings.needs_sealing() {
                        save
                    } else {
                        // A password remembered under a passphrase is sealed first; where the
                        // page cannot seal, it is saved without the password and says so.
                        let (dispatch, mut settings) = (dispatch.clone(), s.settings.clone());
                        let done = move |sealed: Option<String>| {
                            let ok = sealed.is_some();
                            settings.sealed_password = sealed.unwrap_or_default();
                            dispatch.emit(Action::EditSettings(Box::new(settings)));
                            dispatch.emit(save);
                            if !ok {
                                let e = "Saved without the password: this page cannot encrypt it (WebCrypto needs https)";
                                dispatch.emit(Action::ProfileMessage(e.into()));
                            }
                        };
                        let settings = &s.settings;
                        return crypto::seal(&settings.passphrase, &settings.password, Box::new(done));
                    }
                }
                (Op::Duplicate, Some(name)) => Action::DuplicateProfile {
                    name,
                    now_ms: wall_ms(),
                },
                (Op::Delete, Some(name)) => Action::DeleteProfile(name),
                (Op::CopyLink, _) => {
                    let Some(p) = profile else { return };
                    let link = share_link(&page_url(), p);
                    copy_text(&link);
                    // Shown as well: the clipboard may be refused, and the user sees what is
                    // shared.
                    Action::ProfileMessage(format!("Link copied (without password): {link}"))
                }
                (Op::Export, _) => {
                    let text = kept_here(&s, &driver).to_text();
                    match download("mqtt-deck-config.json", "application/json", &text) {
                        Ok(()) => return,
                        Err(e) => Action::ProfileMessage(e),
                    }
                }
                (Op::Apply(mode), _) => apply_import(&s, &driver, mode),
                (Op::Cancel, _) => Action::ImportRead(None),
                _ => return,
            };
            dispatch.emit(action)
        })
    };
    let on_import = {
        let dispatch = dispatch.clone();
        Callback::from(move |file: web_sys::File| {
            let dispatch = dispatch.clone();
            let name = file.name();
            read_text(&file, move |text| {
                let read = text
                    .ok_or_else(|| "the file could not be read".to_string())
                    .and_then(|t| Config::read(&t));
                dispatch.emit(match read {
                    Ok(config) => Action::ImportRead(Some(Box::new(PendingImport {
                        preview: config.preview(),
                        file: name,
                        config,
                    }))),
                    Err(e) => {
                        Action::ProfileMessage(format!("{name} was not imported, nothing changed: {e}"))
                    }
                });
            });
        })
    };
    view(Saved {
        profiles: &s.profiles,
        current: s.profile.as_deref(),
        draft: &s.profile_name,
        message: s.profile_message.as_deref(),
        import: s.import.as_deref(),
        on_open,
        on_name: dispatch.reform(Action::ProfileName),
        colour: s.profile_colour,
        on_colour: dispatch.reform(|key: String| Action::ProfileColour(Colour::from_key(&key))),
        on_op,
        on_import,
    })
}

/// The select's value for "a new connection, not saved yet".
const NEW: &str = "";

/// What the section shows and the callbacks it calls. A plain function rather than a
/// component: its state (the name being typed) lives in the reducer, and a component's
/// machinery would cost bundle size for nothing here.
pub struct Saved<'a> {
    pub profiles: &'a Profiles,
    /// The saved connection the form shows, if any.
    pub current: Option<&'a str>,
    /// The text of the "Connection name" field.
    pub draft: &'a str,
    pub message: Option<&'a str>,
    /// A file read, waiting for Merge, Replace or Cancel.
    pub import: Option<&'a PendingImport>,
    /// `None`: a new connection.
    pub on_open: Callback<Option<String>>,
    pub on_name: Callback<String>,
    /// The colour saved with the connection; `on_colour` gets its key ("" for none).
    pub colour: Option<Colour>,
    pub on_colour: Callback<String>,
    /// The section's buttons.
    pub on_op: Callback<Op>,
    pub on_import: Callback<web_sys::File>,
}

pub fn view(p: Saved) -> Html {
    let mut options = vec![(AttrValue::from(NEW), AttrValue::from("New connection"))];
    options.extend(
        p.profiles
            .list()
            .iter()
            .map(|x| (AttrValue::from(x.name.clone()), AttrValue::from(x.name.clone()))),
    );
    let on_pick = p
        .on_open
        .reform(|v: String| Some(v).filter(|v| v.as_str() != NEW));
    let on_file = {
        let on_import = p.on_import.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on_import.emit(file);
            }
            // The same file can be chosen again after a fix.
            input.set_value("");
        })
    };
    let click = |op: Op| p.on_op.reform(move |_: MouseEvent| op);
    let mut colours = vec![(AttrValue::from(""), AttrValue::from("None"))];
    colours.extend(Colour::ALL.map(|c| (AttrValue::from(c.key()), AttrValue::from(c.label()))));
    let colour = p.colour.map_or("", Colour::key).to_owned();
    html! {
        <section class="panel saved" aria-label="Saved connections">
            <h2>{ "Saved connections" }</h2>
            <div class="row">
                { select(SelectProps::new("saved-connection", "Saved connection", options, p.current.unwrap_or(NEW).to_owned(), on_pick)) }
                { text_field(TextFieldProps::new("connection-name", "Connection name", p.draft.to_owned(), p.on_name.clone()).placeholder("Home broker")) }
                { select(SelectProps::new("connection-colour", "Connection colour", colours, colour, p.on_colour.clone())) }
            </div>
            <div class="row">
                <button type="button" onclick={click(Op::Save)}>{ "Save connection" }</button>
                if p.current.is_some() {
                    <button type="button" onclick={click(Op::Duplicate)}>{ "Duplicate connection" }</button>
                    <button type="button" onclick={click(Op::Delete)}>{ "Delete saved connection" }</button>
                    <button type="button" onclick={click(Op::CopyLink)}>{ "Copy link to saved connection" }</button>
                }
            </div>
            <div class="row">
                <button type="button" onclick={click(Op::Export)}>{ "Export everything to a file" }</button>
                <div class="field file">
                    <label for="import-config">{ "Import from a file" }</label>
                    <input id="import-config" type="file" accept=".json,application/json" onchange={on_file} />
                </div>
            </div>
            if let Some(i) = p.import {
                <div class="import" role="group" aria-label="Import preview">
                    <p><strong>{ i.file.clone() }</strong>{ ": " }{ i.preview.clone() }</p>
                    <div class="row">
                        <button type="button" onclick={click(Op::Apply(Mode::Merge))}>{ "Merge file into this browser" }</button>
                        <button type="button" onclick={click(Op::Apply(Mode::Replace))}>{ "Replace with file" }</button>
                        <button type="button" onclick={click(Op::Cancel)}>{ "Cancel import" }</button>
                    </div>
                </div>
            }
            if let Some(m) = p.message {
                <p class="hint" role="status">{ m.to_owned() }</p>
            }
        </section>
    }
}
