//! Publish templates: the publish form as typed (`Draft`), its JSON check as the user types,
//! and saved messages, each named within the connection it belongs to. Read and written as one
//! JSON record with a format version; a broken record is reported and kept aside by the
//! caller, never overwritten unread (as `profiles` does).

use serde::{Deserialize, Serialize};

use super::json::{Json, Num, Object};
use super::payload::parse_hex;
use super::props::PropsForm;
use crate::mqtt::QoS;

/// The record's format version.
pub const FORMAT: u64 = 1;
/// Templates kept in all: beyond it, saving asks to delete one first.
pub const MAX_TEMPLATES: usize = 200;
/// Longest name, in characters.
pub const MAX_NAME: usize = 60;

/// How the payload field is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    #[default]
    Text,
    /// Text that must be one JSON document: checked as it is typed, refused when broken.
    Json,
    /// Hex digits, whitespace ignored.
    Hex,
}

impl Format {
    pub fn key(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Hex => "hex",
        }
    }

    pub fn from_key(key: &str) -> Option<Format> {
        match key {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "hex" => Some(Format::Hex),
            _ => None,
        }
    }
}

/// The publish form's fields as typed: what a template keeps and history resends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub topic: String,
    pub payload: String,
    pub format: Format,
    pub qos: QoS,
    pub retain: bool,
    pub props: PropsForm,
}

impl Draft {
    /// What is wrong with a JSON payload, with its line and column; `None` when it parses, when
    /// the format is not JSON, or when it is empty (an empty payload is how a retained message
    /// is cleared, so it is allowed in every format).
    pub fn json_problem(&self) -> Option<String> {
        if self.format != Format::Json || self.payload.trim().is_empty() {
            return None;
        }
        Json::parse(self.payload.as_bytes())
            .err()
            .map(|e| format!("The payload is not valid JSON: {e}"))
    }

    /// The payload's bytes: text as typed (JSON too, once it parses), hex digits decoded.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, String> {
        if let Some(problem) = self.json_problem() {
            return Err(problem);
        }
        match self.format {
            Format::Hex => parse_hex(&self.payload),
            Format::Text | Format::Json => Ok(self.payload.clone().into_bytes()),
        }
    }
}

/// A saved message: a name unique within its group (the connection it was saved for).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub name: String,
    /// The saved connection's name, or the broker URL without its query.
    pub group: String,
    pub draft: Draft,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Templates {
    /// In the order saved, a template saved again keeps its place.
    list: Vec<Template>,
}

impl Templates {
    pub fn list(&self) -> &[Template] {
        &self.list
    }

    /// The templates of `group`, in order.
    pub fn in_group<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a Template> + 'a {
        self.list.iter().filter(move |t| t.group == group)
    }

    /// The other groups' names, each once, in the order first saved.
    pub fn other_groups(&self, group: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for t in &self.list {
            if t.group != group && !out.contains(&t.group.as_str()) {
                out.push(&t.group);
            }
        }
        out
    }

    pub fn get(&self, group: &str, name: &str) -> Option<&Template> {
        self.list.iter().find(|t| t.group == group && t.name == name)
    }

    /// Saves `draft` as `name` in `group`, replacing the template of that name there.
    /// Returns the name as saved (trimmed).
    pub fn save(&mut self, group: &str, name: &str, draft: &Draft) -> Result<String, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("Give the template a name to save it".into());
        }
        if name.char_indices().nth(MAX_NAME).is_some() {
            return Err(format!("A template name is at most {MAX_NAME} characters"));
        }
        // A template that could never be sent is refused now, not at the first click.
        if let Some(problem) = draft.json_problem() {
            return Err(problem);
        }
        let template = Template {
            name: name.to_owned(),
            group: group.to_owned(),
            draft: draft.clone(),
        };
        let full = self.list.len() >= MAX_TEMPLATES;
        match self.list.iter_mut().find(|t| t.group == group && t.name == name) {
            Some(t) => *t = template,
            None if full => {
                return Err(format!(
                    "{MAX_TEMPLATES} templates are saved already: delete one to save \"{name}\""
                ))
            }
            None => self.list.push(template),
        }
        Ok(name.to_owned())
    }

    pub fn remove(&mut self, group: &str, name: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|t| !(t.group == group && t.name == name));
        self.list.len() != before
    }

    /// Adds `other`'s templates, each replacing the one of its name in its group (an import);
    /// beyond [`MAX_TEMPLATES`] the rest are left out.
    pub fn merge(&mut self, other: Templates) {
        for t in other.list {
            let full = self.list.len() >= MAX_TEMPLATES;
            match self
                .list
                .iter_mut()
                .find(|h| h.group == t.group && h.name == t.name)
            {
                Some(h) => *h = t,
                None if !full => self.list.push(t),
                None => {}
            }
        }
    }

    pub fn to_json(&self) -> Json {
        let mut o = Object::new();
        o.push("format", Json::Number(Num::from(FORMAT)));
        o.push(
            "templates",
            Json::Array(self.list.iter().map(template_json).collect()),
        );
        Json::Object(o)
    }

    pub fn to_saved(&self) -> String {
        self.to_json().to_json_string()
    }

    /// Reads [`Templates::to_saved`]'s record; the error says what is wrong and where.
    pub fn from_json(value: &Json) -> Result<Templates, String> {
        match value.get("format").map(Json::as_u64) {
            Some(Some(1)) => {}
            Some(Some(n)) => {
                return Err(format!(
                    "it was written by a newer MQTT Deck (format {n}); this one reads format {FORMAT}"
                ))
            }
            _ => return Err("\"format\" should be a whole number".into()),
        }
        let items = value
            .get("templates")
            .and_then(Json::as_array)
            .ok_or("it has no \"templates\" list")?;
        let mut out = Templates::default();
        for (i, item) in items.iter().enumerate().take(MAX_TEMPLATES) {
            let t = read_template(item).map_err(|e| format!("template {}: {e}", i + 1))?;
            if out.get(&t.group, &t.name).is_none() {
                out.list.push(t);
            }
        }
        Ok(out)
    }

    /// Reads the stored record; a broken one yields an empty list and a message.
    pub fn from_saved(text: &str) -> (Templates, Option<String>) {
        let read = Json::parse(text.as_bytes())
            .map_err(|e| e.to_string())
            .and_then(|v| Templates::from_json(&v));
        match read {
            Ok(t) => (t, None),
            Err(e) => (
                Templates::default(),
                Some(format!(
                    "Publish templates could not be read ({e}); they were kept aside, unchanged."
                )),
            ),
        }
    }
}

fn template_json(t: &Template) -> Json {
    let d = &t.draft;
    let mut o = Object::new();
    push_texts(
        &mut o,
        [
            ("name", &t.name),
            ("group", &t.group),
            ("topic", &d.topic),
            ("payload", &d.payload),
        ],
    );
    o.push("payload_format", d.format.key().into());
    o.push("qos", Json::Number(Num::from(u64::from(d.qos as u8))));
    o.push("retain", d.retain.into());
    let p = &d.props;
    if *p != PropsForm::default() {
        let mut props = Object::new();
        push_texts(
            &mut props,
            [
                ("content_type", &p.content_type),
                ("expiry", &p.expiry),
                ("response_topic", &p.response_topic),
                ("correlation", &p.correlation),
            ],
        );
        props.push("utf8", p.utf8.into());
        props.push("correlation_hex", p.correlation_hex.into());
        let user = p
            .user
            .iter()
            .map(|(k, v)| Json::Array(vec![k.as_str().into(), v.as_str().into()]))
            .collect();
        props.push("user", Json::Array(user));
        o.push("props", Json::Object(props));
    }
    Json::Object(o)
}

/// Text fields, in order: one loop rather than one call site per field.
fn push_texts(o: &mut Object, fields: [(&'static str, &String); 4]) {
    for (key, value) in fields {
        o.push(key, value.as_str().into());
    }
}

/// Text and true / false fields read into place; absent reads as empty or false. One
/// function for every record field keeps the reading code in the bundle once.
fn read_fields(
    v: &Json,
    texts: &mut [(&str, &mut String)],
    flags: &mut [(&str, &mut bool)],
) -> Result<(), String> {
    for (key, out) in texts {
        if let Some(s) = v.get(key) {
            **out = s
                .as_str()
                .ok_or_else(|| format!("\"{key}\" should be text"))?
                .to_owned();
        }
    }
    for (key, out) in flags {
        if let Some(b) = v.get(key) {
            **out = b
                .as_bool()
                .ok_or_else(|| format!("\"{key}\" should be true or false"))?;
        }
    }
    Ok(())
}

fn read_template(v: &Json) -> Result<Template, String> {
    let mut t = Template {
        name: String::new(),
        group: String::new(),
        draft: Draft::default(),
    };
    let d = &mut t.draft;
    read_fields(
        v,
        &mut [
            ("name", &mut t.name),
            ("group", &mut t.group),
            ("topic", &mut d.topic),
            ("payload", &mut d.payload),
        ],
        &mut [("retain", &mut d.retain)],
    )?;
    let name = t.name.trim();
    if name.is_empty() || name.char_indices().nth(MAX_NAME).is_some() {
        return Err(format!("\"name\" should be text of 1 to {MAX_NAME} characters"));
    }
    t.name = name.to_owned();
    if let Some(f) = v.get("payload_format") {
        d.format = f
            .as_str()
            .and_then(Format::from_key)
            .ok_or("\"payload_format\" should be \"text\", \"json\" or \"hex\"")?;
    }
    d.qos = v
        .get("qos")
        .map_or(Some(0), Json::as_u64)
        .and_then(|q| u8::try_from(q).ok())
        .and_then(QoS::from_u8)
        .ok_or("\"qos\" should be 0, 1 or 2")?;
    if let Some(p) = v.get("props") {
        read_props(p, &mut d.props).map_err(|e| format!("props: {e}"))?;
    }
    Ok(t)
}

fn read_props(p: &Json, out: &mut PropsForm) -> Result<(), String> {
    if let Some(rows) = p.get("user") {
        for row in rows.as_array().ok_or("\"user\" should be a list")? {
            match row.as_array().map(Vec::as_slice) {
                Some([k, v]) => match (k.as_str(), v.as_str()) {
                    (Some(k), Some(v)) => out.user.push((k.to_owned(), v.to_owned())),
                    _ => return Err("a user property should be two texts".into()),
                },
                _ => return Err("a user property should be a [key, value] pair".into()),
            }
        }
    }
    read_fields(
        p,
        &mut [
            ("content_type", &mut out.content_type),
            ("expiry", &mut out.expiry),
            ("response_topic", &mut out.response_topic),
            ("correlation", &mut out.correlation),
        ],
        &mut [
            ("utf8", &mut out.utf8),
            ("correlation_hex", &mut out.correlation_hex),
        ],
    )
}
