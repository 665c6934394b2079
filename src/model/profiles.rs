//! Saved connections: each a name, its settings and the subscriptions to make on connect,
//! kept last used first. Read and written as one JSON record; a broken record is reported and
//! kept aside by the caller, never overwritten unread.

use crate::model::json::{Json, Num, Object};
use crate::model::reach::host_of;
use crate::model::settings::ConnectionSettings;
use crate::mqtt::QoS;

/// The record's format version; records without one are version 1.
pub const FORMAT: u64 = 1;
/// How many saved connections the list keeps: beyond it, saving asks to delete one first.
pub const MAX_PROFILES: usize = 100;
/// Longest name, in characters.
pub const MAX_NAME: usize = 60;

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    /// The settings as saved: the password only when "Remember password" was ticked.
    pub settings: ConnectionSettings,
    /// Filters subscribed on connect, with their QoS.
    pub subscriptions: Vec<(String, QoS)>,
    /// When it was last saved or opened (ms since the epoch): the list's order.
    pub used_ms: f64,
    /// Shown in the connection list and on the status bar; records from before colours have none.
    pub colour: Option<Colour>,
}

/// A saved connection's colour, from a small palette that reads on light and dark themes
/// (the list also says the name, so colour is never the only sign).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Blue,
    Green,
    Orange,
    Purple,
    Red,
    Teal,
}

impl Colour {
    pub const ALL: [Colour; 6] = [
        Colour::Blue,
        Colour::Green,
        Colour::Orange,
        Colour::Purple,
        Colour::Red,
        Colour::Teal,
    ];

    /// As stored and as the form's option values.
    pub fn key(self) -> &'static str {
        match self {
            Colour::Blue => "blue",
            Colour::Green => "green",
            Colour::Orange => "orange",
            Colour::Purple => "purple",
            Colour::Red => "red",
            Colour::Teal => "teal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Colour::Blue => "Blue",
            Colour::Green => "Green",
            Colour::Orange => "Orange",
            Colour::Purple => "Purple",
            Colour::Red => "Red",
            Colour::Teal => "Teal",
        }
    }

    /// An unknown key (a newer palette) reads as no colour rather than failing the record.
    pub fn from_key(key: &str) -> Option<Colour> {
        Colour::ALL.into_iter().find(|c| c.key() == key)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profiles {
    list: Vec<Profile>,
}

impl Profiles {
    /// Last used first.
    pub fn list(&self) -> &[Profile] {
        &self.list
    }

    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.list.iter().find(|p| p.name == name)
    }

    /// Saves `settings` under `name`, replacing a profile of that name, first in the list.
    pub fn save(
        &mut self,
        name: &str,
        settings: &ConnectionSettings,
        subscriptions: Vec<(String, QoS)>,
        now_ms: f64,
    ) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("Give the connection a name to save it".into());
        }
        if too_long(name) {
            return Err(format!("A connection name is at most {MAX_NAME} characters"));
        }
        let existing = self.list.iter().position(|p| p.name == name);
        if existing.is_none() && self.list.len() >= MAX_PROFILES {
            return Err(format!(
                "{MAX_PROFILES} connections are saved already: delete one to save \"{name}\""
            ));
        }
        let colour = existing.and_then(|i| self.list[i].colour);
        if let Some(i) = existing {
            self.list.remove(i);
        }
        self.list.insert(
            0,
            Profile {
                name: name.to_owned(),
                settings: settings.for_saving(),
                subscriptions,
                used_ms: now_ms,
                colour,
            },
        );
        Ok(())
    }

    /// Sets (or clears) the colour of `name`; false when there is no such saved connection.
    pub fn set_colour(&mut self, name: &str, colour: Option<Colour>) -> bool {
        match self.list.iter_mut().find(|p| p.name == name) {
            Some(p) => {
                p.colour = colour;
                true
            }
            None => false,
        }
    }

    /// Marks `name` as just used (it moves first) and returns it.
    pub fn open(&mut self, name: &str, now_ms: f64) -> Option<&Profile> {
        let i = self.list.iter().position(|p| p.name == name)?;
        let mut p = self.list.remove(i);
        p.used_ms = now_ms;
        self.list.insert(0, p);
        self.list.first()
    }

    /// A copy of `name` as "name (copy)", "name (copy 2)", …; returns the new name.
    pub fn duplicate(&mut self, name: &str, now_ms: f64) -> Result<String, String> {
        let source = self
            .get(name)
            .cloned()
            .ok_or_else(|| format!("No saved connection is named \"{name}\""))?;
        let new_name = (1..)
            .map(|n| match n {
                1 => format!("{name} (copy)"),
                n => format!("{name} (copy {n})"),
            })
            .find(|n| self.get(n).is_none())
            .unwrap_or_default();
        self.save(&new_name, &source.settings, source.subscriptions, now_ms)?;
        self.set_colour(&new_name, source.colour);
        Ok(new_name)
    }

    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|p| p.name != name);
        self.list.len() != before
    }

    /// Adds or replaces each of `other`'s profiles by name (an import); returns how many.
    pub fn merge(&mut self, other: Profiles) -> usize {
        let n = other.list.len();
        for p in other.list.into_iter().rev() {
            self.list.retain(|q| q.name != p.name);
            self.list.insert(0, p);
        }
        self.list.truncate(MAX_PROFILES);
        n
    }

    pub fn to_json(&self) -> Json {
        let mut o = Object::new();
        o.push("format", Json::Number(Num::from(FORMAT)));
        let list = self.list.iter().map(profile_json).collect();
        o.push("profiles", Json::Array(list));
        Json::Object(o)
    }

    pub fn to_saved(&self) -> String {
        self.to_json().to_json_string()
    }

    /// Reads [`Profiles::to_json`]'s record; the error says what is wrong and where.
    pub fn from_json(value: &Json) -> Result<Profiles, String> {
        let format = value.get("format").map_or(Some(1), Json::as_u64);
        match format {
            Some(1) => {}
            Some(n) => {
                return Err(format!(
                    "it was written by a newer MQTT Deck (format {n}); this one reads format {FORMAT}"
                ))
            }
            None => return Err("\"format\" should be a whole number".into()),
        }
        let items = value
            .get("profiles")
            .and_then(Json::as_array)
            .ok_or("it has no \"profiles\" list")?;
        let mut list: Vec<Profile> = Vec::with_capacity(items.len().min(MAX_PROFILES));
        for (i, item) in items.iter().enumerate().take(MAX_PROFILES) {
            let p = read_profile(item).map_err(|e| format!("saved connection {}: {e}", i + 1))?;
            // A repeated name keeps its first (most recent) entry.
            if !list.iter().any(|q| q.name == p.name) {
                list.push(p);
            }
        }
        Ok(Profiles { list })
    }

    /// Reads the stored record; a broken one yields an empty list and a message.
    pub fn from_saved(text: &str) -> (Profiles, Option<String>) {
        let read = Json::parse(text.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|v| Profiles::from_json(&v));
        match read {
            Ok(p) => (p, None),
            Err(e) => (
                Profiles::default(),
                Some(format!(
                    "Saved connections could not be read ({e}); they were kept aside, unchanged."
                )),
            ),
        }
    }
}

fn profile_json(p: &Profile) -> Json {
    let mut o = Object::new();
    o.push("name", p.name.as_str().into());
    o.push("used", Json::from_f64(p.used_ms));
    o.push("settings", p.settings.to_json());
    let subs = p
        .subscriptions
        .iter()
        .map(|(filter, qos)| {
            let mut s = Object::new();
            s.push("filter", filter.as_str().into());
            s.push("qos", Json::Number(Num::from(u64::from(*qos as u8))));
            Json::Object(s)
        })
        .collect();
    o.push("subscriptions", Json::Array(subs));
    if let Some(c) = p.colour {
        o.push("colour", c.key().into());
    }
    Json::Object(o)
}

fn read_profile(v: &Json) -> Result<Profile, String> {
    let name = v
        .get("name")
        .and_then(Json::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty() && !too_long(n))
        .ok_or_else(|| format!("\"name\" should be text of 1 to {MAX_NAME} characters"))?;
    let settings = match v.get("settings") {
        Some(s) => ConnectionSettings::from_json(s).map_err(|e| format!("settings: {e}"))?,
        None => return Err("it has no \"settings\"".into()),
    };
    let mut subscriptions = Vec::new();
    if let Some(subs) = v.get("subscriptions") {
        let subs = subs.as_array().ok_or("\"subscriptions\" should be a list")?;
        for s in subs {
            let filter = s.get("filter").and_then(Json::as_str);
            let qos = s
                .get("qos")
                .map_or(Some(0), |q| q.as_u64())
                .and_then(|q| u8::try_from(q).ok())
                .and_then(QoS::from_u8);
            match (filter, qos) {
                (Some(f), Some(q)) => subscriptions.push((f.to_owned(), q)),
                _ => return Err("a subscription should have a \"filter\" and a \"qos\" of 0, 1 or 2".into()),
            }
        }
    }
    Ok(Profile {
        name: name.to_owned(),
        settings,
        subscriptions,
        used_ms: v.get("used").and_then(Json::as_f64).unwrap_or(0.0),
        colour: v.get("colour").and_then(Json::as_str).and_then(Colour::from_key),
    })
}

impl Profiles {
    /// The list for a file that leaves the browser: never with a password.
    pub fn for_export(&self) -> Profiles {
        let mut out = self.clone();
        for p in &mut out.list {
            p.settings.remember_password = false;
            p.settings = p.settings.for_saving();
        }
        out
    }
}

impl Profiles {
    /// The first list for a browser that saved one connection before profiles existed: that
    /// connection, named after its broker's host, so nothing the user set is lost.
    pub fn migrated(settings_record: &str, now_ms: f64) -> Profiles {
        let (settings, problem) = ConnectionSettings::from_saved(settings_record);
        let mut out = Profiles::default();
        if problem.is_none() {
            let _ = out.save(&host_name(&settings.url), &settings, Vec::new(), now_ms);
        }
        out
    }
}

/// More than `MAX_NAME` characters (counted without std's character-counting tables).
fn too_long(name: &str) -> bool {
    name.char_indices().nth(MAX_NAME).is_some()
}

/// `broker.example:8884` from `wss://user@broker.example:8884/mqtt`; the URL when it has none.
pub fn host_name(url: &str) -> String {
    let b = url.as_bytes();
    let start = b.windows(3).position(|w| w == b"://").map_or(0, |i| i + 3);
    let authority = host_of(&url[start..]);
    let host = match authority.bytes().rposition(|c| c == b'@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let name = if host.is_empty() { url } else { host };
    name.chars().take(MAX_NAME).collect()
}
