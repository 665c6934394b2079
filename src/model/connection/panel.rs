//! The panel's live side of one connection: discovery, the widget runtime and the user's
//! panels, fed by every message; and the panel edits the UI asks for, as plain data.

use crate::model::panel::{Discovery, DiscoveryConfig, Panels, Runtime, WidgetDef};
use crate::mqtt::topic::matches;

use super::effect::CoreError;

/// Where the panels are kept in the browser's storage.
pub const PANELS_KEY: &str = "mqtt-deck.panels";
/// Where an unreadable saved panel document is kept, so that nothing is lost.
pub const BROKEN_KEY: &str = "mqtt-deck.panels.unreadable";

/// A change to the user's panels.
#[derive(Debug, Clone, PartialEq)]
pub enum PanelEdit {
    AddPanel {
        name: String,
    },
    RenamePanel {
        panel: String,
        name: String,
    },
    RemovePanel {
        panel: String,
    },
    SetShareTopic {
        panel: String,
        topic: Option<String>,
    },
    AddWidget {
        panel: String,
        def: WidgetDef,
    },
    UpdateWidget {
        panel: String,
        def: WidgetDef,
    },
    RemoveWidget {
        panel: String,
        widget: String,
    },
    MoveWidget {
        panel: String,
        widget: String,
        to: usize,
    },
    /// All panels at once (a configuration file applied).
    Replace {
        panels: Box<Panels>,
    },
    /// A discovered widget onto `target` (else the first panel, else a new one).
    Pin {
        widget: String,
        target: Option<String>,
    },
}

/// What an edit produced that the UI reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    Done,
    AddedPanel(String),
    /// The panel the widget went to, and whether the same widget was there already.
    Pinned {
        panel_name: String,
        already: bool,
    },
    /// No discovered widget has that id (it went away meanwhile).
    NothingToPin,
}

pub struct PanelSide {
    pub discovery: Discovery,
    pub runtime: Runtime,
    pub panels: Panels,
    /// Topics of shared panels, kept so routing a message allocates nothing.
    share_filters: Vec<String>,
    /// Why saved panels could not be loaded, shown once on the Panel screen.
    pub load_error: Option<String>,
}

impl PanelSide {
    /// Panels from their saved form; an unreadable one is returned to be kept aside.
    pub fn load(saved: Option<&str>) -> (PanelSide, Option<String>) {
        let (panels, load_error, broken) = match saved {
            None => (Panels::new(), None, None),
            Some(json) => match Panels::from_json(json) {
                Ok(p) => (p, None, None),
                Err(e) => {
                    let msg = format!("Saved panels could not be read ({e}); they were kept aside under \"{BROKEN_KEY}\" in this browser's storage.");
                    (Panels::new(), Some(msg), Some(json.to_string()))
                }
            },
        };
        let mut side = PanelSide {
            discovery: Discovery::new(DiscoveryConfig::default()),
            runtime: Runtime::new(),
            panels,
            share_filters: Vec::new(),
            load_error,
        };
        side.rebuild();
        (side, broken)
    }

    /// Gives a message to discovery, the widgets and shared panels. Runs for every message,
    /// so it does no work (and no allocation) for topics none of them care about.
    pub fn route(&mut self, topic: &str, payload: &[u8], wall_ms: f64) -> Routed {
        let discovered = self.discovery.is_discovery_topic(topic) && self.discovery.ingest(topic, payload);
        let shared = self.share_filters.iter().any(|f| matches(f, topic))
            && self
                .panels
                .receive_shared(topic, payload)
                .is_ok_and(|ids| !ids.is_empty());
        if discovered || shared {
            self.rebuild();
        }
        let changed = self.runtime.handle_message(topic, payload, wall_ms);
        Routed {
            widgets_changed: discovered || shared,
            panels_changed: shared,
            repaint: discovered || shared || changed,
        }
    }

    /// Re-reads every widget into the runtime.
    pub fn rebuild(&mut self) {
        let defs: Vec<WidgetDef> = self
            .panels
            .all_widgets()
            .chain(self.discovery.widgets())
            .cloned()
            .collect();
        self.runtime.set_widgets(defs);
        self.share_filters = self.panels.share_subscriptions();
    }

    /// The filters widgets and discovery need.
    pub fn wanted(&self) -> Vec<String> {
        let mut filters = self.discovery.subscriptions();
        filters.extend(self.runtime.subscriptions());
        filters
    }

    pub fn share_filters(&self) -> &[String] {
        &self.share_filters
    }

    pub fn apply(&mut self, edit: PanelEdit) -> Result<Edited, CoreError> {
        let ps = &mut self.panels;
        Ok(match edit {
            PanelEdit::AddPanel { name } => Edited::AddedPanel(ps.add_panel(&name)),
            PanelEdit::RenamePanel { panel, name } => ps.rename_panel(&panel, &name).map(|_| Edited::Done)?,
            PanelEdit::RemovePanel { panel } => ps.remove_panel(&panel).map(|_| Edited::Done)?,
            PanelEdit::SetShareTopic { panel, topic } => ps
                .set_share_topic(&panel, topic.as_deref())
                .map(|_| Edited::Done)?,
            PanelEdit::AddWidget { panel, def } => ps.add_widget(&panel, def).map(|_| Edited::Done)?,
            PanelEdit::UpdateWidget { panel, def } => ps.update_widget(&panel, def).map(|_| Edited::Done)?,
            PanelEdit::RemoveWidget { panel, widget } => {
                ps.remove_widget(&panel, &widget).map(|_| Edited::Done)?
            }
            PanelEdit::MoveWidget { panel, widget, to } => {
                ps.move_widget(&panel, &widget, to).map(|_| Edited::Done)?
            }
            PanelEdit::Replace { panels } => {
                *ps = *panels;
                Edited::Done
            }
            PanelEdit::Pin { widget, target } => {
                let Some(def) = self.discovery.pin(&widget) else {
                    return Ok(Edited::NothingToPin);
                };
                let panel = match target
                    .as_deref()
                    .and_then(|t| ps.panel(t))
                    .or(ps.panels().first())
                {
                    Some(p) => p.id.clone(),
                    None => ps.add_panel("My panel"),
                };
                let same =
                    |w: &WidgetDef| w.name == def.name && w.state == def.state && w.command == def.command;
                let already = ps.panel(&panel).is_some_and(|p| p.widgets.iter().any(same));
                if !already {
                    ps.add_widget(&panel, def)?;
                }
                let panel_name = ps.panel(&panel).map_or(String::new(), |p| p.name.clone());
                Edited::Pinned { panel_name, already }
            }
        })
    }
}

/// What a message changed on the panel side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Routed {
    /// The set of widgets changed: their subscriptions may have too.
    pub widgets_changed: bool,
    /// A shared panel arrived: the panels must be saved.
    pub panels_changed: bool,
    pub repaint: bool,
}
