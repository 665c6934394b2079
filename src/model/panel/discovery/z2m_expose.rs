//! What Zigbee2MQTT's generic and compound exposes share: the context of one device's widgets
//! and the fields read from an expose.

use crate::model::json::{Json, Object};

use super::skip::SkipReason;
use crate::model::panel::extractor::Extractor;
use crate::model::panel::template::Template;
use crate::model::panel::widget::{
    Availability, CommandBinding, DeviceInfo, StateBinding, WidgetDef, WidgetKind,
};

/// The `access` bits of an expose.
pub(super) const ACCESS_STATE: u64 = 1;
pub(super) const ACCESS_SET: u64 = 2;

/// What every widget of one device shares.
pub(super) struct Ctx<'a> {
    pub(super) ieee: &'a str,
    pub(super) state_topic: String,
    pub(super) set_topic: String,
    pub(super) device: DeviceInfo,
    pub(super) availability: Availability,
}

impl Ctx<'_> {
    pub(super) fn widget(&self, property: &str, name: String, kind: WidgetKind) -> WidgetDef {
        let mut w = WidgetDef::new(format!("z2m:{}/{}", self.ieee, property), name, kind);
        w.availability = self.availability.clone();
        w.device = Some(self.device.clone());
        w
    }

    pub(super) fn read(&self, property: &str) -> StateBinding {
        StateBinding::new(self.state_topic.clone(), Extractor::json_key(property))
    }

    /// `{"<property>": value}`; text values are JSON-quoted, numbers and booleans are not.
    pub(super) fn set(&self, property: &str, quote: bool) -> Result<CommandBinding, SkipReason> {
        let key = Json::from(property).to_json_string();
        let value = if quote {
            "{{ value | tojson }}"
        } else {
            "{{ value }}"
        };
        let template = Template::parse(&format!("{{{key}: {value}}}"))
            .map_err(|e| SkipReason::Malformed(format!("property {property}: {}", e.reason())))?;
        let mut c = CommandBinding::new(self.set_topic.clone());
        c.template = Some(template);
        Ok(c)
    }
}

pub(super) fn label(e: &Object, fallback: &str) -> String {
    if let Some(l) = e.get("label").and_then(Json::as_str) {
        return l.to_string();
    }
    let raw = e
        .get("name")
        .and_then(Json::as_str)
        .unwrap_or(fallback)
        .replace('_', " ");
    // Exposed names are ASCII snake_case; std's full case tables are not worth their bytes.
    let mut label = raw;
    if let Some(first) = label.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    label
}

pub(super) fn value_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) fn features(e: &Object) -> Vec<&Object> {
    e.get("features")
        .and_then(Json::as_array)
        .map(|f| f.iter().filter_map(Json::as_object).collect())
        .unwrap_or_default()
}

pub(super) fn feature<'a>(fs: &[&'a Object], name: &str) -> Option<&'a Object> {
    fs.iter()
        .copied()
        .find(|f| f.get("name").and_then(Json::as_str) == Some(name))
}

pub(super) fn access(e: &Object) -> u64 {
    e.get("access").and_then(Json::as_u64).unwrap_or(ACCESS_STATE)
}

pub(super) fn property(e: &Object) -> Option<&str> {
    e.get("property").and_then(Json::as_str).filter(|p| !p.is_empty())
}
