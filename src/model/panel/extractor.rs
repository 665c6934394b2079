//! How a widget reads its value from a state payload: the whole payload, a JSON path, or a template.

use serde::{Deserialize, Serialize};

use super::payload::{lookup, render_value, ExtractError, Payload, Seg, TemplateError};
use super::template::Template;

/// A path into a JSON payload such as `a.b[0].c` or `sensors["temp-1"]` (a leading `$.` or
/// `value_json.` is allowed).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    source: String,
    segs: Vec<Seg>,
}

impl JsonPath {
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let bad = |why: &str| TemplateError::malformed(source, why);
        let s = source.trim();
        let s = s.strip_prefix("$.").or_else(|| s.strip_prefix('$')).unwrap_or(s);
        // People who know Home Assistant type `value_json.a.b` and mean the path `a.b`.
        let s = match s.strip_prefix("value_json") {
            Some(rest) if rest.starts_with('[') => rest,
            Some(rest) => rest.strip_prefix('.').unwrap_or(s),
            None => s,
        };
        let chars: Vec<char> = s.chars().collect();
        let mut segs = Vec::new();
        let mut i = 0;
        let mut expect_key = true;
        while i < chars.len() {
            match chars[i] {
                '.' if !expect_key => {
                    expect_key = true;
                    i += 1;
                }
                '[' => {
                    let close = chars[i..]
                        .iter()
                        .position(|&c| c == ']')
                        .ok_or_else(|| bad("unclosed ["))?;
                    let inner: String = chars[i + 1..i + close].iter().collect();
                    let inner = inner.trim();
                    let quoted = inner.len() >= 2
                        && ((inner.starts_with('"') && inner.ends_with('"'))
                            || (inner.starts_with('\'') && inner.ends_with('\'')));
                    if quoted {
                        segs.push(Seg::Key(inner[1..inner.len() - 1].to_string()));
                    } else {
                        let n = inner
                            .parse::<usize>()
                            .map_err(|_| bad("[...] needs a number or a quoted key"))?;
                        segs.push(Seg::Index(n));
                    }
                    i += close + 1;
                    expect_key = false;
                }
                ']' => return Err(bad("] without [")),
                _ if expect_key => {
                    let start = i;
                    while i < chars.len() && !matches!(chars[i], '.' | '[' | ']') {
                        i += 1;
                    }
                    let key: String = chars[start..i].iter().collect();
                    segs.push(Seg::Key(key.trim().to_string()));
                    expect_key = false;
                }
                _ => return Err(bad("expected . or [ between keys")),
            }
        }
        if segs.is_empty() || expect_key || segs.iter().any(|s| matches!(s, Seg::Key(k) if k.is_empty())) {
            return Err(bad("a path needs keys like a.b[0].c"));
        }
        Ok(JsonPath {
            source: source.trim().to_string(),
            segs,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn extract(&self, payload: &Payload) -> Result<String, ExtractError> {
        let json = payload.json().ok_or(ExtractError::NotJson)?;
        let v = lookup(json, &self.segs).ok_or_else(|| ExtractError::Missing(self.source.clone()))?;
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
            segs: vec![Seg::Key(key.to_string())],
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
