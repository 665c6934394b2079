//! User panels: named, ordered lists of widgets that the user edits, stores, exports, imports and
//! shares as a retained message.

use std::fmt;

use super::live::OutgoingPublish;
use super::widget::read::{self, Obj};
use super::widget::{write, Panel, WidgetDef, WidgetError};
use crate::model::json::Json;
use crate::model::json_view::{pretty, Budget};
use crate::mqtt::topic::validate_topic;
use crate::sorted_map::SortedMap;

/// The `format` of a file holding all panels (localStorage, backups).
pub const PANELS_FORMAT: &str = "mqtt-deck-panels";
/// The `format` of a file or shared message holding one panel.
pub const PANEL_FORMAT: &str = "mqtt-deck-panel";
const VERSION: u32 = 1;

/// A request the panels cannot carry out: the UI's fault (a stale id, a bad form value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelError {
    UnknownPanel(String),
    UnknownWidget(String),
    Invalid(WidgetError),
    BadShareTopic(String),
}

impl fmt::Display for PanelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PanelError::UnknownPanel(id) => write!(f, "No panel \"{id}\""),
            PanelError::UnknownWidget(id) => write!(f, "No widget \"{id}\" on this panel"),
            PanelError::Invalid(e) => e.fmt(f),
            PanelError::BadShareTopic(why) => write!(f, "Share topic: {why}"),
        }
    }
}

impl std::error::Error for PanelError {}

/// Why an imported (or stored, or shared) panel file was refused; nothing was changed. The file's fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Not JSON, or JSON of the wrong shape.
    NotJson(String),
    /// JSON, but not a panel file of a version we read.
    WrongFormat(String),
    /// A panel file with a widget that cannot work.
    Invalid(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NotJson(why) => write!(f, "Not a panel file: {why}"),
            ImportError::WrongFormat(why) => write!(f, "Not a panel file: {why}"),
            ImportError::Invalid(why) => write!(f, "The panel file has a problem: {why}"),
        }
    }
}

impl std::error::Error for ImportError {}

fn check_version(version: u32) -> Result<(), ImportError> {
    if version == 0 || version > VERSION {
        return Err(ImportError::WrongFormat(format!(
            "version {version} is not one this app reads (up to {VERSION})"
        )));
    }
    Ok(())
}

fn check_panel(p: &Panel) -> Result<(), ImportError> {
    if p.name.trim().is_empty() {
        return Err(ImportError::Invalid("a panel has no name".into()));
    }
    if let Some(t) = &p.share_topic {
        validate_topic(t)
            .map_err(|e| ImportError::Invalid(format!("panel \"{}\" share topic: {e}", p.name)))?;
    }
    for w in &p.widgets {
        w.validate()
            .map_err(|e| ImportError::Invalid(format!("panel \"{}\": {e}", p.name)))?;
    }
    Ok(())
}

/// Reads either a single-panel or an all-panels file.
fn parse_any(json: &str) -> Result<Vec<Panel>, ImportError> {
    let value = Json::parse(json.as_bytes()).map_err(|e| ImportError::NotJson(e.to_string()))?;
    let doc = Obj::new(&value, "file").map_err(ImportError::NotJson)?;
    let format = doc.opt_string("format").ok().flatten().unwrap_or_default();
    let one = match format.as_str() {
        PANEL_FORMAT => true,
        PANELS_FORMAT => false,
        _ => {
            return Err(ImportError::WrongFormat(format!(
                "format is \"{format}\", expected \"{PANEL_FORMAT}\" or \"{PANELS_FORMAT}\""
            )))
        }
    };
    let version = doc.count("version").map_err(ImportError::NotJson)?;
    check_version(u32::try_from(version).unwrap_or(u32::MAX))?;
    let read = || -> Result<Vec<Panel>, String> {
        if one {
            Ok(vec![read::panel(&doc.obj("panel")?)?])
        } else {
            doc.list("panels")?.iter().map(read::panel).collect()
        }
    };
    let panels = read().map_err(ImportError::NotJson)?;
    panels.iter().try_for_each(check_panel)?;
    Ok(panels)
}

/// All user panels, in display order. Widget ids are unique across all panels, so one runtime can
/// serve every panel at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Panels {
    panels: Vec<Panel>,
    next_id: u64,
}

impl Panels {
    pub fn new() -> Self {
        Panels::default()
    }

    pub fn panels(&self) -> &[Panel] {
        &self.panels
    }

    pub fn panel(&self, id: &str) -> Option<&Panel> {
        self.panels.iter().find(|p| p.id == id)
    }

    fn panel_mut(&mut self, id: &str) -> Result<&mut Panel, PanelError> {
        self.panels
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| PanelError::UnknownPanel(id.into()))
    }

    /// Every widget of every panel, for the runtime.
    pub fn all_widgets(&self) -> impl Iterator<Item = &WidgetDef> {
        self.panels.iter().flat_map(|p| p.widgets.iter())
    }

    fn taken(&self, id: &str) -> bool {
        self.panels
            .iter()
            .any(|p| p.id == id || p.widgets.iter().any(|w| w.id == id))
    }

    fn fresh_id(&mut self, prefix: &str) -> String {
        loop {
            self.next_id += 1;
            let id = format!("{prefix}{}", self.next_id);
            if !self.taken(&id) {
                return id;
            }
        }
    }

    /// Adds an empty panel at the end and returns its id.
    pub fn add_panel(&mut self, name: &str) -> String {
        let id = self.fresh_id("p");
        self.panels.push(Panel {
            id: id.clone(),
            name: name.trim().to_string(),
            widgets: vec![],
            share_topic: None,
        });
        id
    }

    pub fn rename_panel(&mut self, id: &str, name: &str) -> Result<(), PanelError> {
        self.panel_mut(id)?.name = name.trim().to_string();
        Ok(())
    }

    pub fn remove_panel(&mut self, id: &str) -> Result<Panel, PanelError> {
        let i = self
            .panels
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| PanelError::UnknownPanel(id.into()))?;
        Ok(self.panels.remove(i))
    }

    /// Moves a panel to position `to` (clamped to the end).
    pub fn move_panel(&mut self, id: &str, to: usize) -> Result<(), PanelError> {
        let i = self
            .panels
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| PanelError::UnknownPanel(id.into()))?;
        let p = self.panels.remove(i);
        self.panels.insert(to.min(self.panels.len()), p);
        Ok(())
    }

    /// Sets or clears the topic the panel is shared on.
    pub fn set_share_topic(&mut self, id: &str, topic: Option<&str>) -> Result<(), PanelError> {
        let topic = topic.map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = topic {
            validate_topic(t).map_err(|e| PanelError::BadShareTopic(e.to_string()))?;
        }
        self.panel_mut(id)?.share_topic = topic.map(str::to_string);
        Ok(())
    }

    /// Adds a widget at the end of a panel under a new id (returned): a widget pinned from
    /// discovery, or added twice, must not share the id of its original.
    pub fn add_widget(&mut self, panel_id: &str, mut def: WidgetDef) -> Result<String, PanelError> {
        self.panel_mut(panel_id)?;
        // Checked under a stand-in id so that a refused widget does not use up an id.
        def.id = "new".into();
        def.validate().map_err(PanelError::Invalid)?;
        def.id = self.fresh_id("w");
        let id = def.id.clone();
        self.panel_mut(panel_id)?.widgets.push(def);
        Ok(id)
    }

    /// Replaces the widget with `def.id` on the panel, in place.
    pub fn update_widget(&mut self, panel_id: &str, def: WidgetDef) -> Result<(), PanelError> {
        def.validate().map_err(PanelError::Invalid)?;
        let panel = self.panel_mut(panel_id)?;
        let slot = panel
            .widgets
            .iter_mut()
            .find(|w| w.id == def.id)
            .ok_or_else(|| PanelError::UnknownWidget(def.id.clone()))?;
        *slot = def;
        Ok(())
    }

    pub fn remove_widget(&mut self, panel_id: &str, widget_id: &str) -> Result<WidgetDef, PanelError> {
        let panel = self.panel_mut(panel_id)?;
        let i = panel
            .widgets
            .iter()
            .position(|w| w.id == widget_id)
            .ok_or_else(|| PanelError::UnknownWidget(widget_id.into()))?;
        Ok(panel.widgets.remove(i))
    }

    /// Moves a widget to position `to` on its panel (clamped to the end).
    pub fn move_widget(&mut self, panel_id: &str, widget_id: &str, to: usize) -> Result<(), PanelError> {
        let panel = self.panel_mut(panel_id)?;
        let i = panel
            .widgets
            .iter()
            .position(|w| w.id == widget_id)
            .ok_or_else(|| PanelError::UnknownWidget(widget_id.into()))?;
        let w = panel.widgets.remove(i);
        panel.widgets.insert(to.min(panel.widgets.len()), w);
        Ok(())
    }

    /// All panels as JSON, for localStorage and backups.
    pub fn to_json(&self) -> String {
        let panels = Json::Array(self.panels.iter().map(write::panel).collect());
        write::document(PANELS_FORMAT, VERSION, "panels", panels)
    }

    /// Loads what [`Panels::to_json`] wrote. Ids must be unique, as they were when saved.
    pub fn from_json(json: &str) -> Result<Panels, ImportError> {
        let panels = parse_any(json)?;
        // The same map type as `receive_shared` uses, so the bundle holds one copy.
        let mut seen: SortedMap<String, ()> = SortedMap::default();
        for id in panels
            .iter()
            .flat_map(|p| std::iter::once(&p.id).chain(p.widgets.iter().map(|w| &w.id)))
        {
            if seen.insert(id.clone(), ()).is_some() {
                return Err(ImportError::Invalid(format!("the id \"{id}\" is used twice")));
            }
        }
        let next_id = seen
            .keys()
            .filter_map(|id| id.get(1..).and_then(|n| n.parse::<u64>().ok()))
            .max()
            .unwrap_or(0);
        Ok(Panels { panels, next_id })
    }

    /// One panel as JSON, for a file or for sharing.
    pub fn export_panel(&self, id: &str) -> Result<String, PanelError> {
        let panel = self
            .panel(id)
            .ok_or_else(|| PanelError::UnknownPanel(id.into()))?;
        // Indented by the payload viewer's printer, which the bundle has anyway.
        let compact = write::document(PANEL_FORMAT, VERSION, "panel", write::panel(panel));
        let budget = Budget {
            max_bytes: usize::MAX,
            max_depth: 64,
            max_tokens: usize::MAX,
        };
        Ok(pretty(compact.as_bytes(), budget)
            .tokens
            .into_iter()
            .map(|(_, t)| t)
            .collect())
    }

    /// Adds `other`'s panels under new ids, each replacing the panels here of its name (an
    /// import that may be repeated without doubling the panels).
    pub fn merge(&mut self, other: Panels) {
        for mut p in other.panels {
            self.panels.retain(|q| q.name != p.name);
            p.id = self.fresh_id("p");
            for w in &mut p.widgets {
                w.id = self.fresh_id("w");
            }
            self.panels.push(p);
        }
    }

    /// Adds the panels of an exported file (one panel or all) under new ids and returns those ids.
    /// A file with any problem is refused whole and nothing changes.
    pub fn import(&mut self, json: &str) -> Result<Vec<String>, ImportError> {
        let panels = parse_any(json)?;
        let mut ids = Vec::new();
        for mut p in panels {
            p.id = self.fresh_id("p");
            for w in &mut p.widgets {
                w.id = self.fresh_id("w");
            }
            ids.push(p.id.clone());
            self.panels.push(p);
        }
        Ok(ids)
    }

    /// The retained message that shares a panel on its share topic.
    pub fn share_publish(&self, id: &str) -> Result<OutgoingPublish, PanelError> {
        let panel = self
            .panel(id)
            .ok_or_else(|| PanelError::UnknownPanel(id.into()))?;
        let topic = panel
            .share_topic
            .clone()
            .ok_or_else(|| PanelError::BadShareTopic("this panel has none".into()))?;
        Ok(OutgoingPublish {
            topic,
            payload: self.export_panel(id)?.into_bytes(),
            qos: 1,
            retain: true,
        })
    }

    /// The share topics to subscribe to, so shared panels follow their publisher.
    pub fn share_subscriptions(&self) -> Vec<String> {
        let mut topics: SortedMap<String, ()> = SortedMap::default();
        for topic in self.panels.iter().filter_map(|p| p.share_topic.clone()) {
            topics.insert(topic, ());
        }
        topics.into_iter().map(|(t, ())| t).collect()
    }

    /// Applies a message on a share topic to the panels following it (name and widgets; the panel
    /// keeps its id and topic). Returns the ids of panels that changed. A broken message changes
    /// nothing; an empty one (a cleared retained message) is ignored.
    pub fn receive_shared(&mut self, topic: &str, payload: &[u8]) -> Result<Vec<String>, ImportError> {
        if !self
            .panels
            .iter()
            .any(|p| p.share_topic.as_deref() == Some(topic))
            || payload.is_empty()
        {
            return Ok(vec![]);
        }
        let text = std::str::from_utf8(payload)
            .map_err(|_| ImportError::NotJson("the payload is not UTF-8".into()))?;
        let [incoming]: [Panel; 1] = parse_any(text)?
            .try_into()
            .map_err(|_| ImportError::WrongFormat("a shared message must hold exactly one panel".into()))?;
        let mut changed = Vec::new();
        for i in 0..self.panels.len() {
            if self.panels[i].share_topic.as_deref() != Some(topic) {
                continue;
            }
            let mut widgets = incoming.widgets.clone();
            // Keep the sender's ids unless something else here uses them (our own echo keeps ours).
            let mut used: SortedMap<String, ()> = SortedMap::default();
            for (j, p) in self.panels.iter().enumerate() {
                used.insert(p.id.clone(), ());
                if j != i {
                    for w in &p.widgets {
                        used.insert(w.id.clone(), ());
                    }
                }
            }
            for w in &mut widgets {
                while used.insert(w.id.clone(), ()).is_some() {
                    w.id = self.fresh_id("w");
                }
            }
            let panel = &mut self.panels[i];
            if panel.name != incoming.name || panel.widgets != widgets {
                panel.name = incoming.name.clone();
                panel.widgets = widgets;
                changed.push(panel.id.clone());
            }
        }
        Ok(changed)
    }
}
