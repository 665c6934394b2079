//! The one configuration file: everything a user keeps in this browser (saved connections,
//! with their settings; panels, publish templates and the theme) as one versioned JSON
//! document, and reading one back, merged into what is here or replacing it, with a preview
//! of what either would do before anything changes.
//!
//! Each part is written in its own stored record's format, with that record's own format
//! number, so the readers (and migrations) of each part are the ones its storage uses. A part
//! a file lacks is left as it is here, in both modes: an older file of saved connections only
//! never empties the panels.

use super::json::{Json, Num, Object};
use super::panel::Panels;
use super::profiles::Profiles;
use super::templates::Templates;

/// The document's `format`.
pub const FORMAT: &str = "mqtt-deck-config";
/// The document's `version`: a file of a later version is refused, not half read.
pub const VERSION: u64 = 1;

/// What a file holds, or (all parts present) what this browser holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub connections: Option<Profiles>,
    pub panels: Option<Panels>,
    pub templates: Option<Templates>,
    /// `auto`, `light` or `dark`.
    pub theme: Option<String>,
}

/// How a file's parts meet this browser's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Adds the file's saved connections, panels and templates; those with a name already
    /// here replace the one of that name.
    Merge,
    /// The file's parts take the place of this browser's.
    Replace,
}

const THEMES: [&str; 3] = ["auto", "light", "dark"];

impl Config {
    /// The file, without passwords or signing secrets.
    pub fn to_text(&self) -> String {
        let mut o = Object::new();
        o.push("format", FORMAT.into());
        o.push("version", Json::Number(Num::from(VERSION)));
        if let Some(p) = &self.connections {
            o.push("connections", p.for_export().to_json());
        }
        if let Some(p) = &self.panels {
            // Parsed back from the panels' own writer: one writer for both.
            if let Ok(v) = Json::parse(p.to_json().as_bytes()) {
                o.push("panels", v);
            }
        }
        if let Some(t) = &self.templates {
            o.push("templates", t.to_json());
        }
        if let Some(t) = &self.theme {
            o.push("theme", t.as_str().into());
        }
        Json::Object(o).to_json_string()
    }

    /// Reads a configuration file, a panel file (one panel or all, as "Export panel" writes
    /// them), or the file of saved connections MQTT Deck wrote before it. A problem anywhere refuses the whole file, with the
    /// part and field it was found at.
    pub fn read(text: &str) -> Result<Config, String> {
        let v = Json::parse(text.as_bytes()).map_err(|e| e.to_string())?;
        let format = v.get("format").and_then(Json::as_str);
        // A file of one panel or all panels, as "Export panel" writes one.
        if format.is_some_and(|f| f.starts_with("mqtt-deck-panel")) {
            let panels = Panels::from_json(text).map_err(|e| within("panels", e.to_string()))?;
            return Ok(Config {
                panels: Some(panels),
                ..Config::default()
            });
        }
        if format != Some(FORMAT) {
            if v.get("profiles").is_some() {
                let connections = Profiles::from_json(&v).map_err(|e| within("connections", e))?;
                return Ok(Config {
                    connections: Some(connections),
                    ..Config::default()
                });
            }
            return Err(format!(
                "it is not an MQTT Deck file (its \"format\" is not \"{FORMAT}\")"
            ));
        }
        match v.get("version").and_then(Json::as_u64) {
            Some(VERSION) => {}
            Some(n) => {
                return Err(format!(
                    "it was written by a newer MQTT Deck (version {n}); this one reads version {VERSION}"
                ))
            }
            None => return Err("\"version\" should be a whole number".into()),
        }
        let part = |key: &str| v.get(key).filter(|p| !matches!(p, Json::Null));
        let connections = part("connections")
            .map(|p| Profiles::from_json(p).map_err(|e| within("connections", e)))
            .transpose()?;
        let panels = part("panels")
            .map(|p| Panels::from_json(&p.to_json_string()).map_err(|e| within("panels", e.to_string())))
            .transpose()?;
        let templates = part("templates")
            .map(|p| Templates::from_json(p).map_err(|e| within("templates", e)))
            .transpose()?;
        let theme = match part("theme") {
            None => None,
            Some(t) => match t.as_str() {
                Some(t) if THEMES.contains(&t) => Some(t.to_owned()),
                _ => return Err("theme: it should be \"auto\", \"light\" or \"dark\"".into()),
            },
        };
        Ok(Config {
            connections,
            panels,
            templates,
            theme,
        })
    }

    /// What the file holds and what either choice does with it, in words.
    pub fn preview(&self) -> String {
        let mut holds = String::new();
        let counts = [
            (
                self.connections.as_ref().map(|p| p.list().len()),
                "saved connection",
            ),
            (self.panels.as_ref().map(|p| p.panels().len()), "panel"),
            (self.templates.as_ref().map(|t| t.list().len()), "template"),
        ];
        for (n, what) in counts {
            if let Some(n) = n {
                holds += &format!(", {n} {what}{}", if n == 1 { "" } else { "s" });
            }
        }
        if let Some(t) = &self.theme {
            holds += &format!(", the {t} theme");
        }
        match holds.get(2..) {
            Some(holds) => format!(
                "The file holds {holds}. Merge adds them to this browser's, each replacing the one \
                 of its name here; Replace puts them in place of this browser's."
            ),
            None => "The file holds nothing to import.".into(),
        }
    }

    /// Applies `self` (a file) to `here`; parts the file lacks stay as they are.
    pub fn apply(self, here: &mut Config, mode: Mode) {
        let replace = mode == Mode::Replace;
        if let Some(file) = self.connections {
            match here.connections.as_mut() {
                Some(h) if !replace => {
                    h.merge(file);
                }
                _ => here.connections = Some(file),
            }
        }
        if let Some(file) = self.panels {
            match here.panels.as_mut() {
                Some(h) if !replace => h.merge(file),
                _ => here.panels = Some(file),
            }
        }
        if let Some(file) = self.templates {
            match here.templates.as_mut() {
                Some(h) if !replace => h.merge(file),
                _ => here.templates = Some(file),
            }
        }
        if self.theme.is_some() {
            here.theme = self.theme;
        }
    }
}

/// A part's problem, said with the part's name.
fn within(part: &str, e: String) -> String {
    format!("{part}: {e}")
}
