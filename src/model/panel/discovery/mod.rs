//! Discovered devices: ingests Home Assistant discovery and Zigbee2MQTT messages and keeps the
//! widgets they describe, grouped by device, plus what was skipped and why (`Discovery`, here).
//!
//! - `skip`             — why an entity has no widget; the leaf every parser reports through.
//! - `ha`               — Home Assistant discovery topics and documents turned into widgets.
//! - `ha_conf`          — reading a Home Assistant document's keys, wrong types as the device's fault.
//! - `ha_abbreviations` — the abbreviated keys Home Assistant documents may use.
//! - `z2m`              — Zigbee2MQTT's `bridge/devices` document and each device's generic exposes.
//! - `z2m_compound`     — Zigbee2MQTT's light, cover and climate exposes as compound widgets.
//! - `z2m_expose`       — what both Zigbee2MQTT files share: one device's context and an expose's fields.

pub mod ha;
mod ha_abbreviations;
mod ha_conf;
pub mod skip;
pub mod z2m;
mod z2m_compound;
mod z2m_expose;

pub use skip::{SkipReason, Skipped};

use std::collections::HashMap;

use crate::model::fold::fold;
use crate::model::panel::widget::{DeviceInfo, WidgetDef};
use crate::sorted_map::SortedMap;
use ha::{parse_ha_config, HaMessage, DEFAULT_HA_PREFIX};
use z2m::{parse_z2m_devices, DEFAULT_Z2M_BASE};

/// Where discovery looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryConfig {
    /// Home Assistant's discovery prefix; empty turns Home Assistant discovery off.
    pub ha_prefix: String,
    /// Zigbee2MQTT's base topic; empty turns Zigbee2MQTT discovery off.
    pub z2m_base: String,
}

impl Default for DiscoveryConfig {
    fn default() -> Self {
        DiscoveryConfig {
            ha_prefix: DEFAULT_HA_PREFIX.into(),
            z2m_base: DEFAULT_Z2M_BASE.into(),
        }
    }
}

/// One device and its discovered widgets. Entities without device information form a group each.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscoveredDevice<'a> {
    pub device: Option<&'a DeviceInfo>,
    /// The device's name, or the entity's when there is no device.
    pub name: &'a str,
    pub widgets: Vec<&'a WidgetDef>,
}

#[derive(Debug, Clone)]
pub struct Discovery {
    config: DiscoveryConfig,
    /// Home Assistant widgets and skips by config topic, so an empty payload removes exactly
    /// what that topic announced.
    ha: SortedMap<String, (Vec<WidgetDef>, Vec<Skipped>)>,
    /// The last `bridge/devices` document replaces all Zigbee2MQTT widgets at once.
    z2m: Vec<WidgetDef>,
    z2m_skipped: Vec<Skipped>,
    /// `<base>/bridge/devices`, made once: every received message is compared with it.
    z2m_topic: Option<String>,
}

/// Looks in the default places: `homeassistant/#` and `zigbee2mqtt/bridge/devices`.
impl Default for Discovery {
    fn default() -> Self {
        Discovery::new(DiscoveryConfig::default())
    }
}

impl Discovery {
    pub fn new(config: DiscoveryConfig) -> Self {
        let z2m_topic = (!config.z2m_base.is_empty()).then(|| format!("{}/bridge/devices", config.z2m_base));
        Discovery {
            config,
            ha: SortedMap::default(),
            z2m: Vec::new(),
            z2m_skipped: Vec::new(),
            z2m_topic,
        }
    }

    pub fn config(&self) -> &DiscoveryConfig {
        &self.config
    }

    fn is_z2m_topic(&self, topic: &str) -> bool {
        self.z2m_topic.as_deref() == Some(topic)
    }

    /// The filters to subscribe to for discovery.
    pub fn subscriptions(&self) -> Vec<String> {
        let mut subs = Vec::new();
        if !self.config.ha_prefix.is_empty() {
            subs.push(format!("{}/#", self.config.ha_prefix));
        }
        subs.extend(self.z2m_topic.clone());
        subs
    }

    /// True for topics that carry discovery documents. Other messages under the prefix (device
    /// states often live there too) are for the runtime, not for discovery.
    pub fn is_discovery_topic(&self, topic: &str) -> bool {
        let ha = !self.config.ha_prefix.is_empty()
            && ha::parse_config_topic(&self.config.ha_prefix, topic).is_some();
        ha || self.is_z2m_topic(topic)
    }

    /// Takes in any received message; returns true when the discovered widgets or skips changed.
    pub fn ingest(&mut self, topic: &str, payload: &[u8]) -> bool {
        if self.is_z2m_topic(topic) {
            let (widgets, skipped) = match parse_z2m_devices(&self.config.z2m_base, payload) {
                Ok(found) => (found.widgets, skipped_at(topic, found.skipped)),
                Err(reason) => (
                    vec![],
                    vec![Skipped {
                        topic: topic.into(),
                        name: "Zigbee2MQTT devices".into(),
                        reason,
                    }],
                ),
            };
            let changed = widgets != self.z2m || skipped != self.z2m_skipped;
            self.z2m = widgets;
            self.z2m_skipped = skipped;
            return changed;
        }
        if self.config.ha_prefix.is_empty() {
            return false;
        }
        match parse_ha_config(&self.config.ha_prefix, topic, payload) {
            None => false,
            Some(HaMessage::Removed) => self.ha.remove(topic).is_some(),
            Some(HaMessage::Config { widgets, skipped }) => {
                let entry = (widgets, skipped_at(topic, skipped));
                let changed = self.ha.get(topic) != Some(&entry);
                self.ha.insert(topic.to_string(), entry);
                changed
            }
        }
    }

    /// Every discovered widget: Home Assistant ones by config topic, then Zigbee2MQTT ones.
    ///
    /// Zigbee2MQTT with its Home Assistant integration on (the usual setup) announces each
    /// device twice: in `bridge/devices` and as Home Assistant entities whose device id is
    /// `zigbee2mqtt_<ieee address>`. Such a device is shown once, from `bridge/devices`, whose
    /// exposes say more about its controls than the entities do.
    pub fn widgets(&self) -> impl Iterator<Item = &WidgetDef> {
        // A handful of devices: a list is enough, and smaller in the bundle than another set type.
        let z2m_devices: Vec<&str> = self
            .z2m
            .iter()
            .filter_map(|w| Some(w.device.as_ref()?.id.as_str()))
            .collect();
        let also_in_z2m = move |w: &&WidgetDef| {
            w.device
                .as_ref()
                .and_then(|d| d.id.strip_prefix("zigbee2mqtt_"))
                .is_some_and(|ieee| z2m_devices.contains(&ieee))
        };
        self.ha
            .values()
            .flat_map(|(w, _)| w.iter())
            .filter(move |w| !also_in_z2m(w))
            .chain(self.z2m.iter())
    }

    pub fn widget(&self, id: &str) -> Option<&WidgetDef> {
        self.widgets().find(|w| w.id == id)
    }

    /// The widgets grouped by device, devices sorted by name.
    pub fn devices(&self) -> Vec<DiscoveredDevice<'_>> {
        let mut groups: Vec<DiscoveredDevice<'_>> = Vec::new();
        // Keyed like the runtime's index (`HashMap<String, usize>`), which the bundle has anyway.
        let mut by_device: HashMap<String, usize> = HashMap::new();
        for w in self.widgets() {
            match &w.device {
                Some(d) => match by_device.get(d.id.as_str()) {
                    Some(&i) => groups[i].widgets.push(w),
                    None => {
                        by_device.insert(d.id.clone(), groups.len());
                        groups.push(DiscoveredDevice {
                            device: Some(d),
                            name: &d.name,
                            widgets: vec![w],
                        });
                    }
                },
                None => groups.push(DiscoveredDevice {
                    device: None,
                    name: &w.name,
                    widgets: vec![w],
                }),
            }
        }
        // Ordered through the shared map (name, then first seen) rather than a sort, whose
        // code the bundle would carry once more for this type.
        let mut order: SortedMap<(String, usize), ()> = SortedMap::default();
        for (i, g) in groups.iter().enumerate() {
            order.insert((fold(g.name), i), ());
        }
        let mut slots: Vec<Option<DiscoveredDevice<'_>>> = groups.into_iter().map(Some).collect();
        order.keys().filter_map(|&(_, i)| slots[i].take()).collect()
    }

    /// What discovery announced but cannot show, with reasons.
    pub fn skipped(&self) -> impl Iterator<Item = &Skipped> {
        self.ha
            .values()
            .flat_map(|(_, s)| s.iter())
            .chain(self.z2m_skipped.iter())
    }

    /// A copy of a discovered widget for a user panel. It keeps its topics and device, so it
    /// works without discovery; the panel gives it a new id (see `Panels::add_widget`).
    pub fn pin(&self, id: &str) -> Option<WidgetDef> {
        self.widget(id).cloned()
    }

    /// Forgets everything, e.g. when connecting to another broker.
    pub fn clear(&mut self) {
        self.ha.clear();
        self.z2m.clear();
        self.z2m_skipped.clear();
    }
}

/// A parser's (name, reason) skips as shown, with the topic that announced them.
fn skipped_at(topic: &str, skipped: Vec<(String, SkipReason)>) -> Vec<Skipped> {
    skipped
        .into_iter()
        .map(|(name, reason)| Skipped {
            topic: topic.into(),
            name,
            reason,
        })
        .collect()
}
