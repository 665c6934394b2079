//! Widgets as defined and stored: what a panel shows, which topics it reads and writes, and
//! the JSON form panels are kept, exported and shared in.
//!
//! - `def`     — `WidgetDef`, its kinds and parts, and their checks.
//! - `binding` — what ties a widget to MQTT: state and command bindings, availability, device.
//! - `panel`   — `Panel`, a named list of widgets: the leaf the stored form and `Panels` share.
//! - `read`    — reading widgets and panels from JSON by hand, naming the wrong field.
//! - `write`   — writing them as JSON by hand, byte for byte what serde's derives wrote.

mod binding;
mod def;
mod panel;
pub(in crate::model::panel) mod read;
pub(in crate::model::panel) mod write;

pub use binding::{
    Availability, AvailabilityMode, AvailabilityTopic, Channel, CommandBinding, DeviceInfo, StateBinding,
};
pub use def::{
    Brightness, CoverPayloads, CoverPosition, OnOff, Part, Ranged, WidgetDef, WidgetError, WidgetKind,
    KIND_NAMES,
};
pub use panel::Panel;
