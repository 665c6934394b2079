//! A panel as data: a named, ordered list of widgets. A leaf, so the stored form's reader and
//! writer and the `Panels` collection all take it from here.

use serde::Serialize;

use super::def::WidgetDef;

/// One user panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Panel {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub widgets: Vec<WidgetDef>,
    /// Where this panel is published (retained) and followed; see `Panels::share_publish`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_topic: Option<String>,
}
