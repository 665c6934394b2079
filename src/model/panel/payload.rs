//! A received payload as templates read it, and the errors of templates and of reading values.

use std::cell::OnceCell;
use std::fmt;

use crate::model::json::Json;

/// Why a template or JSON path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// Not a valid template: the fault of whoever wrote it (a device's discovery document, or the user).
    Malformed { template: String, reason: String },
    /// Valid Jinja that this app does not implement.
    Unsupported { template: String, reason: String },
}

impl TemplateError {
    pub(super) fn malformed(template: &str, reason: impl Into<String>) -> Self {
        TemplateError::Malformed {
            template: template.into(),
            reason: reason.into(),
        }
    }

    pub(super) fn unsupported(template: &str, reason: impl Into<String>) -> Self {
        TemplateError::Unsupported {
            template: template.into(),
            reason: reason.into(),
        }
    }

    /// The reason alone, for lists where the template is already shown.
    pub fn reason(&self) -> &str {
        match self {
            TemplateError::Malformed { reason, .. } | TemplateError::Unsupported { reason, .. } => reason,
        }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Malformed { template, reason } => {
                write!(f, "Template \"{template}\" is not valid: {reason}")
            }
            TemplateError::Unsupported { template, reason } => {
                write!(f, "Template \"{template}\" is not supported: {reason}")
            }
        }
    }
}

impl std::error::Error for TemplateError {}

/// Why no value came out of a payload. The payload does not have the shape the template expects:
/// the publishing device's fault, or a template that does not fit the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// The template reads `value_json` but the payload is not JSON.
    NotJson,
    /// The path leads nowhere in this payload (or to `null`).
    Missing(String),
    /// A numeric filter got something that is not a number.
    NotANumber(String),
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractError::NotJson => f.write_str("payload is not JSON"),
            ExtractError::Missing(what) => write!(f, "{what} is missing from the payload"),
            ExtractError::NotANumber(text) => write!(f, "\"{text}\" is not a number"),
        }
    }
}

impl std::error::Error for ExtractError {}

/// A received payload, parsed as JSON at most once however many widgets read it.
pub struct Payload<'a> {
    text: std::borrow::Cow<'a, str>,
    json: OnceCell<Option<Json>>,
}

impl<'a> Payload<'a> {
    /// Invalid UTF-8 is replaced rather than refused: a sensor with one bad byte still shows.
    pub fn new(bytes: &'a [u8]) -> Self {
        Payload {
            text: String::from_utf8_lossy(bytes),
            json: OnceCell::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub(super) fn json(&self) -> Option<&Json> {
        self.json
            .get_or_init(|| Json::parse(self.text.trim().as_bytes()).ok())
            .as_ref()
    }
}

// Templates look values up with the same steps and rules as JSON paths.
pub(super) use crate::model::json::path::{lookup, Seg};

/// Renders a JSON value the way a widget shows it: strings without quotes, `null` as missing.
pub(super) fn render_value(v: &Json, what: &str) -> Result<String, ExtractError> {
    match v {
        Json::String(s) => Ok(s.clone()),
        Json::Null => Err(ExtractError::Missing(what.into())),
        other => Ok(other.to_string()),
    }
}
