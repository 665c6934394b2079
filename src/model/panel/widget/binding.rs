//! What ties a widget to MQTT: state and command bindings, availability, and the device it is part of.

use serde::Serialize;

use crate::model::panel::extractor::Extractor;
use crate::model::panel::template::Template;

/// Where a value comes from: a topic and how to read the value out of its payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateBinding {
    pub topic: String,
    #[serde(default)]
    pub extract: Extractor,
}

impl StateBinding {
    pub fn new(topic: impl Into<String>, extract: Extractor) -> Self {
        StateBinding {
            topic: topic.into(),
            extract,
        }
    }
}

/// Where a command goes: a topic, how the payload is made from the value, and how it is published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandBinding {
    pub topic: String,
    /// Renders the payload from `{{ value }}`; without one the value is the payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Template>,
    #[serde(default)]
    pub qos: u8,
    #[serde(default)]
    pub retain: bool,
}

impl CommandBinding {
    pub fn new(topic: impl Into<String>) -> Self {
        CommandBinding {
            topic: topic.into(),
            template: None,
            qos: 0,
            retain: false,
        }
    }
}

/// A value a compound widget reads and may set on its own topics (a light's brightness, a
/// thermostat's mode).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Channel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StateBinding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandBinding>,
}

/// How several availability topics combine (Home Assistant's `availability_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AvailabilityMode {
    /// Available only while every topic says available.
    All,
    /// Available while at least one topic says available.
    Any,
    /// The most recent message on any of the topics decides.
    #[default]
    Latest,
}

fn online() -> String {
    "online".into()
}

fn offline() -> String {
    "offline".into()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AvailabilityTopic {
    pub topic: String,
    #[serde(default = "online")]
    pub payload_available: String,
    #[serde(default = "offline")]
    pub payload_not_available: String,
    /// Applied before comparing; when it finds nothing the raw payload is compared, so one
    /// definition copes with both `online` and `{"state":"online"}` (Zigbee2MQTT changed format).
    #[serde(default)]
    pub extract: Extractor,
}

impl AvailabilityTopic {
    pub fn new(topic: impl Into<String>) -> Self {
        AvailabilityTopic {
            topic: topic.into(),
            payload_available: online(),
            payload_not_available: offline(),
            extract: Extractor::Whole,
        }
    }
}

/// A widget without availability topics is always available.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Availability {
    #[serde(default)]
    pub topics: Vec<AvailabilityTopic>,
    #[serde(default)]
    pub mode: AvailabilityMode,
}

/// The physical device a widget belongs to, for grouping.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
}
