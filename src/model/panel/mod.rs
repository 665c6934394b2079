//! The device control panel without yew: widget definitions, their live state, discovery of
//! devices (Home Assistant, Zigbee2MQTT) and the user's panels.
//!
//! - `payload`    — a received payload as templates read it; the errors of templates and reading.
//! - `template`   — value templates: a value out of a payload, a command payload out of a value.
//! - `extractor`  — how a widget reads its value: the whole payload, a JSON path or a template.
//! - `widget/`    — widget definitions, their bindings, and the stored JSON form (`Panel` as data).
//! - `live/`      — live state driven by messages, the views the UI reads, commands to send.
//! - `discovery/` — devices found through Home Assistant and Zigbee2MQTT discovery, and skips.
//! - `panels`     — the user's panels: editing, storing, import/export, sharing.
//! - `tests/`     — native tests, one file per area.
//!
//! The connection core (`model::connection`) runs them: it subscribes to
//! `Discovery::subscriptions`, `Runtime::subscriptions` and `Panels::share_subscriptions`; gives
//! every received message to `Discovery::ingest`, `Runtime::handle_message` and
//! `Panels::receive_shared`; after discovery or panels change, calls `Runtime::set_widgets` with
//! the panels' and discovered widgets; publishes what `Runtime::command` returns.

pub mod discovery;
pub mod extractor;
pub mod live;
pub mod panels;
pub mod payload;
pub mod template;
pub mod widget;

#[cfg(test)]
mod tests;

pub use discovery::{DiscoveredDevice, Discovery, DiscoveryConfig, SkipReason, Skipped};
pub use extractor::{Extractor, JsonPath};
pub use live::{
    CommandError, CoverAction, CoverState, OutgoingPublish, PartState, Runtime, Sample, WidgetInput,
    WidgetView,
};
pub use panels::{ImportError, PanelError, Panels};
pub use template::{ExtractError, Payload, Template, TemplateError};
pub use widget::{
    Availability, AvailabilityMode, AvailabilityTopic, Brightness, Channel, CommandBinding, CoverPayloads,
    CoverPosition, DeviceInfo, OnOff, Panel, Part, Ranged, StateBinding, WidgetDef, WidgetError, WidgetKind,
    KIND_NAMES,
};
