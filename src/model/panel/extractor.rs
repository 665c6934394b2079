//! How a widget reads its value from a state payload: the whole payload, a JSON path, or a template.

use serde::{Deserialize, Serialize};

use super::payload::{render_value, ExtractError, Payload, TemplateError};
use super::template::Template;
use crate::model::json::path::Path;

/// A path into a JSON payload such as `a.b[0].c` or `sensors["temp-1"]` (a leading `$.` or
/// `value_json.` is allowed): the app's one path dialect, [`Path`], kept with the text as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    source: String,
    path: Path,
}

impl JsonPath {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let path = Path::parse(source).map_err(|e| TemplateError::malformed(source, e.0))?;
        if path.is_root() {
            return Err(TemplateError::malformed(
                source,
                "a path needs keys like a.b[0].c",
            ));
        }
        Ok(JsonPath {
            source: source.trim().to_string(),
            path,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn extract(&self, payload: &Payload) -> Result<String, ExtractError> {
        let json = payload.json().ok_or(ExtractError::NotJson)?;
        let v = self
            .path
            .lookup(json)
            .ok_or_else(|| ExtractError::Missing(self.source.clone()))?;
        render_value(v, &self.source)
    }
}

/// How a widget reads its value from a state payload. Written as one string, the way a user types
/// it: empty for the whole payload, `a.b[0].c` for a JSON path, or a `{{ ... }}` template.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Extractor {
    /// The whole payload as text, surrounding whitespace removed.
    #[default]
    Whole,
    JsonPath(JsonPath),
    Template(Template),
}

impl Extractor {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let s = source.trim();
        if s.is_empty() || s == "{{ value }}" || s == "{{value}}" {
            Ok(Extractor::Whole)
        } else if s.contains("{{") || s.contains("{%") {
            Template::parse(source).map(Extractor::Template)
        } else {
            JsonPath::parse(s).map(Extractor::JsonPath)
        }
    }

    /// A JSON path extractor; the path must already be valid (used for generated bindings).
    pub fn json_key(key: &str) -> Self {
        Extractor::JsonPath(JsonPath {
            source: key.to_string(),
            path: Path::key(key),
        })
    }

    /// The string this extractor was written as.
    pub fn source(&self) -> String {
        match self {
            Extractor::Whole => String::new(),
            Extractor::JsonPath(p) => p.source.clone(),
            Extractor::Template(t) => t.source().to_string(),
        }
    }

    pub fn extract(&self, payload: &Payload) -> Result<String, ExtractError> {
        match self {
            Extractor::Whole => Ok(payload.text().trim().to_string()),
            Extractor::JsonPath(p) => p.extract(payload),
            Extractor::Template(t) => t.render(payload).map(|s| s.trim().to_string()),
        }
    }
}

impl TryFrom<String> for Extractor {
    type Error = TemplateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Extractor::parse(&s)
    }
}

impl From<Extractor> for String {
    fn from(e: Extractor) -> String {
        e.source()
    }
}

impl Extractor {
    /// Reads a Home Assistant `value_template`: always a template, even without `{{ }}` (then it
    /// is constant text), and a bare `{{ value }}` becomes [`Extractor::Whole`].
    pub fn from_template(source: &str) -> Result<Self, TemplateError> {
        let t = Template::parse(source)?;
        if t.is_bare_value() {
            Ok(Extractor::Whole)
        } else {
            Ok(Extractor::Template(t))
        }
    }
}
