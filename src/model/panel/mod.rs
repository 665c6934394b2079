//! The device control panel without yew: widget definitions, their live state, discovery of
//! devices (Home Assistant, Zigbee2MQTT) and the user's panels.
//!
//! - `payload`, `template`, `extractor` — reading values out of payloads, rendering command payloads.
//! - `widget`, `widget_json`, `widget_write`, `binding` — widget definitions and their stored form.
//! - `runtime`, `view`, `command` — live state driven by messages; what the UI reads and sends.
//! - `discovery`, `discovery_ha`, `discovery_z2m`, `z2m_compound`, `ha_conf`, `ha_abbreviations` — found devices and skips.
//! - `panels`   — the user's panels: editing, storing, import/export, sharing.
//!
//! The UI's loop: subscribe to `Discovery::subscriptions`, `Runtime::subscriptions` and
//! `Panels::share_subscriptions`; give every received message to `Discovery::ingest`,
//! `Runtime::handle_message` and `Panels::receive_shared`; after discovery or panels change, call
//! `Runtime::set_widgets` with the panels' and discovered widgets; publish what `Runtime::command`
//! returns.

pub mod binding;
pub mod command;
pub mod discovery;
pub mod discovery_ha;
pub mod discovery_z2m;
pub mod extractor;
mod ha_abbreviations;
mod ha_conf;
pub mod panels;
pub mod payload;
pub mod runtime;
pub mod template;
pub mod view;
pub mod widget;
mod widget_json;
mod widget_write;
mod z2m_compound;

#[cfg(test)]
mod tests;

pub use command::{CommandError, CoverAction, OutgoingPublish, WidgetInput};
pub use discovery::{DiscoveredDevice, Discovery, DiscoveryConfig, SkipReason, Skipped};
pub use extractor::{Extractor, JsonPath};
pub use panels::{ImportError, Panel, PanelError, Panels};
pub use runtime::{PartState, Runtime, Sample};
pub use template::{ExtractError, Payload, Template, TemplateError};
pub use view::{CoverState, WidgetView};
pub use widget::{
    Availability, AvailabilityMode, AvailabilityTopic, Brightness, Channel, CommandBinding, CoverPayloads,
    CoverPosition, DeviceInfo, OnOff, Part, Ranged, StateBinding, WidgetDef, WidgetError, WidgetKind,
    KIND_NAMES,
};
