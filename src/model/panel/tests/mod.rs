//! Native tests of the panel model, one file per area, with fixtures written from the published
//! Home Assistant and Zigbee2MQTT documentation examples (`tests/fixtures/`).

mod discovery_ha;
mod discovery_z2m;
mod panels;
mod robustness;
mod runtime;
mod template;

use super::widget::WidgetDef;

pub(super) const HA_FIXTURE: &str = include_str!("../../../../tests/fixtures/ha_discovery.json");
pub(super) const Z2M_FIXTURE: &str = include_str!("../../../../tests/fixtures/z2m_bridge_devices.json");

/// The HA fixture's messages as (topic, payload bytes).
pub(super) fn ha_messages() -> Vec<(String, Vec<u8>)> {
    let doc: serde_json::Value = serde_json::from_str(HA_FIXTURE).expect("fixture is JSON");
    doc["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["topic"].as_str().expect("topic").to_string(),
                m["payload"].to_string().into_bytes(),
            )
        })
        .collect()
}

pub(super) fn widget_json(json: &str) -> WidgetDef {
    serde_json::from_str(json).expect("test widget JSON")
}
