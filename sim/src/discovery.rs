//! The retained discovery documents the simulated home announces: Home Assistant configs for each
//! entity and one Zigbee2MQTT `bridge/devices` list.

use serde_json::{json, Value};

use crate::home::{Msg, Topics};

fn device(id: &str, name: &str, model: &str) -> Value {
    json!({"ids": [format!("decksim_{id}")], "name": name, "mf": "MQTT Deck", "mdl": model})
}

fn config(prefix: &str, component: &str, object: &str, mut doc: Value, t: &Topics) -> Msg {
    // Every entity shares the simulator's availability topic; its last will turns them all offline.
    doc["avty_t"] = json!(t.status);
    doc["o"] = json!({"name": "mqtt-deck-sim"});
    Msg::retained(format!("{prefix}/{component}/{object}/config"), doc.to_string())
}

/// Home Assistant discovery, written the way real firmwares do: mostly abbreviated, some with `~`.
pub fn home_assistant(prefix: &str, t: &Topics) -> Vec<Msg> {
    let b = &t.base;
    vec![
        config(
            prefix,
            "climate",
            "decksim_thermostat",
            json!({
                "name": "Thermostat", "uniq_id": "decksim_thermostat",
                "~": format!("{b}/thermostat"),
                "mode_cmd_t": "~/mode/set", "mode_stat_t": "~/mode", "modes": ["off", "heat", "auto"],
                "temp_cmd_t": "~/target/set", "temp_stat_t": "~/target",
                "curr_temp_t": "~/state", "curr_temp_tpl": "{{ value_json.temperature }}",
                "min_temp": 5, "max_temp": 30, "temp_step": 0.5, "temp_unit": "C",
                "dev": device("thermostat", "Thermostat", "Sim TH-1"),
            }),
            t,
        ),
        config(
            prefix,
            "light",
            "decksim_living_light",
            json!({
                "name": "Living room light", "uniq_id": "decksim_living_light",
                "~": format!("{b}/living_light"),
                "cmd_t": "~/set", "stat_t": "~/state",
                "bri_cmd_t": "~/brightness/set", "bri_stat_t": "~/brightness", "bri_scl": 255,
                "dev": device("living_light", "Living room light", "Sim Dimmer"),
            }),
            t,
        ),
        config(
            prefix,
            "light",
            "decksim_hall_light",
            json!({
                "name": "Hall light", "uniq_id": "decksim_hall_light",
                "command_topic": format!("{b}/hall_light/set"), "state_topic": format!("{b}/hall_light/state"),
                "dev": device("hall_light", "Hall light", "Sim Bulb"),
            }),
            t,
        ),
        config(
            prefix,
            "switch",
            "decksim_plug",
            json!({
                "name": "Plug", "uniq_id": "decksim_plug", "~": format!("{b}/plug"),
                "cmd_t": "~/set", "stat_t": "~/state", "dev_cla": "outlet",
                "dev": device("plug", "Smart plug", "Sim Plug P1"),
            }),
            t,
        ),
        config(
            prefix,
            "sensor",
            "decksim_plug_power",
            json!({
                "name": "Power", "uniq_id": "decksim_plug_power",
                "stat_t": format!("{b}/plug/telemetry"), "val_tpl": "{{ value_json.power | round(1) }}",
                "unit_of_meas": "W", "dev_cla": "power", "stat_cla": "measurement",
                "dev": device("plug", "Smart plug", "Sim Plug P1"),
            }),
            t,
        ),
        config(
            prefix,
            "binary_sensor",
            "decksim_door",
            json!({
                "name": "Front door", "uniq_id": "decksim_door", "stat_t": format!("{b}/door/state"),
                "pl_on": "OPEN", "pl_off": "CLOSED", "dev_cla": "door",
                "dev": device("door", "Front door", "Sim Contact"),
            }),
            t,
        ),
        config(
            prefix,
            "cover",
            "decksim_cover",
            json!({
                "name": "Blind", "uniq_id": "decksim_cover", "~": format!("{b}/cover"),
                "cmd_t": "~/set", "stat_t": "~/state", "pos_t": "~/position", "set_pos_t": "~/position/set",
                "dev_cla": "blind",
                "dev": device("cover", "Bedroom blind", "Sim Blind"),
            }),
            t,
        ),
    ]
}

/// The Zigbee2MQTT device list: the coordinator and one temperature/humidity sensor whose
/// temperature unit can be set.
pub fn zigbee2mqtt(t: &Topics) -> Msg {
    let devices = json!([
        {
            "ieee_address": "0x00124b00120144ae", "type": "Coordinator", "network_address": 0,
            "supported": false, "friendly_name": "Coordinator", "definition": null,
            "interviewing": false, "interview_completed": true
        },
        {
            "ieee_address": "0x00158d0009decade", "type": "EndDevice", "network_address": 4242,
            "supported": true, "friendly_name": t.z2m_name, "power_source": "Battery",
            "interviewing": false, "interview_completed": true,
            "definition": {
                "model": "SIM-TH01", "vendor": "MQTT Deck", "description": "Simulated temperature and humidity sensor",
                "options": [],
                "exposes": [
                    {"type": "numeric", "name": "temperature", "property": "temperature", "unit": "°C", "access": 1},
                    {"type": "numeric", "name": "humidity", "property": "humidity", "unit": "%", "access": 1},
                    {"type": "numeric", "name": "battery", "property": "battery", "unit": "%", "value_min": 0, "value_max": 100, "access": 1},
                    {"type": "enum", "name": "temperature_unit", "property": "temperature_unit", "values": ["celsius", "fahrenheit"], "access": 3},
                    {"type": "numeric", "name": "linkquality", "property": "linkquality", "unit": "lqi", "value_min": 0, "value_max": 255, "access": 1}
                ]
            }
        }
    ]);
    Msg::retained(format!("{}/bridge/devices", t.z2m_base), devices.to_string())
}
