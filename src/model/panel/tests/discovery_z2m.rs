//! Zigbee2MQTT discovery from `bridge/devices`, with the docs' example devices.

use super::Z2M_FIXTURE;
use crate::model::panel::discovery::{Discovery, SkipReason};
use crate::model::panel::live::Runtime;
use crate::model::panel::live::WidgetInput;
use crate::model::panel::widget::{WidgetDef, WidgetKind};

fn discovered() -> Discovery {
    let mut d = Discovery::default();
    assert!(d.ingest("zigbee2mqtt/bridge/devices", Z2M_FIXTURE.as_bytes()));
    d
}

fn find<'a>(d: &'a Discovery, id: &str) -> &'a WidgetDef {
    d.widget(id).unwrap_or_else(|| {
        panic!(
            "no widget {id}: {:?}",
            d.widgets().map(|w| &w.id).collect::<Vec<_>>()
        )
    })
}

fn online(d: &Discovery) -> Runtime {
    let mut rt = Runtime::with_widgets(d.widgets().cloned());
    rt.handle_message("zigbee2mqtt/bridge/state", br#"{"state":"online"}"#, 0.0);
    rt
}

fn sent(rt: &mut Runtime, id: &str, input: WidgetInput) -> (String, String) {
    let out = rt.command(id, input, 0.0).expect("command");
    (
        out[0].topic.clone(),
        String::from_utf8(out[0].payload.clone()).unwrap(),
    )
}

#[test]
fn the_docs_plug_becomes_a_switch_a_power_sensor_a_setting_and_an_identify_select() {
    let d = discovered();
    let plug = "z2m:0x00158d00018255df";
    let sw = find(&d, &format!("{plug}/state"));
    assert!(matches!(sw.kind, WidgetKind::Switch(_)));
    assert_eq!(sw.state.as_ref().unwrap().topic, "zigbee2mqtt/my_plug");
    let dev = sw.device.as_ref().unwrap();
    assert_eq!(
        (
            dev.name.as_str(),
            dev.model.as_deref(),
            dev.manufacturer.as_deref()
        ),
        ("my_plug", Some("ZNCZ02LM"), Some("Xiaomi"))
    );
    let power = find(&d, &format!("{plug}/power"));
    assert_eq!(
        (power.kind.clone(), power.unit.as_deref(), power.command.is_none()),
        (WidgetKind::Sensor, Some("W"), true)
    );
    let identify = find(&d, &format!("{plug}/identify"));
    assert!(identify.state.is_none(), "access 2: settable, not published");
    assert!(matches!(identify.kind, WidgetKind::Select { .. }));
}

#[test]
fn commands_go_to_the_set_topic_as_json_with_typed_values() {
    let d = discovered();
    let mut rt = online(&d);
    let plug = "z2m:0x00158d00018255df";
    assert_eq!(
        sent(&mut rt, &format!("{plug}/state"), WidgetInput::Set(true)),
        ("zigbee2mqtt/my_plug/set".into(), r#"{"state": "ON"}"#.into())
    );
    assert_eq!(
        sent(
            &mut rt,
            &format!("{plug}/power_outage_memory"),
            WidgetInput::Set(false)
        )
        .1,
        r#"{"power_outage_memory": false}"#
    );
    assert_eq!(
        sent(
            &mut rt,
            &format!("{plug}/identify"),
            WidgetInput::Choose("blink".into())
        )
        .1,
        r#"{"identify": "blink"}"#
    );
}

#[test]
fn state_is_read_from_the_device_topic_at_each_property() {
    let d = discovered();
    let mut rt = online(&d);
    rt.handle_message(
        "zigbee2mqtt/my_plug",
        br#"{"state":"ON","power":12.5,"power_outage_memory":true}"#,
        0.0,
    );
    let plug = "z2m:0x00158d00018255df";
    assert_eq!(rt.widget(&format!("{plug}/state")).unwrap().is_on(), Some(true));
    assert_eq!(rt.widget(&format!("{plug}/power")).unwrap().number(), Some(12.5));
    assert_eq!(
        rt.widget(&format!("{plug}/power_outage_memory")).unwrap().is_on(),
        Some(true)
    );
}

#[test]
fn the_docs_bulb_is_a_dimmable_light_and_its_colour_is_skipped() {
    let d = discovered();
    let bulb = "z2m:0x90fd9ffffe6494fc";
    let WidgetKind::Light {
        brightness: Some(b), ..
    } = &find(&d, &format!("{bulb}/state")).kind
    else {
        panic!()
    };
    assert_eq!(b.scale, 254.0);
    assert!(matches!(
        find(&d, &format!("{bulb}/color_temp")).kind,
        WidgetKind::Number { .. }
    ));
    assert!(matches!(
        find(&d, &format!("{bulb}/linkquality")).kind,
        WidgetKind::Sensor
    ));
    let mut rt = online(&d);
    assert_eq!(
        sent(&mut rt, &format!("{bulb}/state"), WidgetInput::Brightness(200.0)).1,
        r#"{"brightness": 200}"#
    );
    assert!(d
        .skipped()
        .any(|s| s.name.contains("Color xy") && matches!(s.reason, SkipReason::Unsupported(_))));
}

#[test]
fn unsupported_devices_are_skipped_and_the_coordinator_is_ignored() {
    let d = discovered();
    let skipped: Vec<_> = d.skipped().map(|s| s.name.clone()).collect();
    assert!(skipped.contains(&"my_sensor".to_string()), "{skipped:?}");
    assert!(!skipped.iter().any(|n| n.contains("Coordinator")));
    assert!(d
        .widgets()
        .all(|w| w.device.as_ref().unwrap().name != "Coordinator"));
}

#[test]
fn a_climate_expose_becomes_a_thermostat() {
    let d = discovered();
    let trv = find(&d, "z2m:0x00158d0001e4a1b2/occupied_heating_setpoint");
    let WidgetKind::Climate {
        modes,
        target,
        current,
        ..
    } = &trv.kind
    else {
        panic!("{:?}", trv.kind)
    };
    assert_eq!(modes, &["off", "auto", "heat", "cool"]);
    assert_eq!((target.min, target.max, target.step), (7.0, 30.0, 0.5));
    assert_eq!(current.as_ref().unwrap().topic, "zigbee2mqtt/living/thermostat");
    assert!(
        d.widget("z2m:0x00158d0001e4a1b2/running_state").is_some(),
        "unused features stay as widgets"
    );
    let mut rt = online(&d);
    assert_eq!(
        sent(&mut rt, &trv.id, WidgetInput::Mode("heat".into())),
        (
            "zigbee2mqtt/living/thermostat/set".into(),
            r#"{"system_mode": "heat"}"#.into()
        )
    );
}

#[test]
fn widgets_follow_the_bridge_state_in_either_format() {
    let d = discovered();
    let mut rt = Runtime::with_widgets(d.widgets().cloned());
    let id = "z2m:0x00158d00018255df/state";
    assert!(!rt.widget(id).unwrap().available());
    rt.handle_message("zigbee2mqtt/bridge/state", b"online", 0.0);
    assert!(rt.widget(id).unwrap().available());
    rt.handle_message("zigbee2mqtt/bridge/state", br#"{"state":"offline"}"#, 0.0);
    assert!(!rt.widget(id).unwrap().available());
}

#[test]
fn a_broken_device_list_is_reported_and_replaces_the_old_one() {
    let mut d = discovered();
    assert!(d.ingest("zigbee2mqtt/bridge/devices", b"{\"not\":\"a list\"}"));
    assert_eq!(d.widgets().count(), 0);
    let s: Vec<_> = d.skipped().collect();
    assert!(matches!(&s[0].reason, SkipReason::Malformed(why) if why.contains("not a JSON list")));
}

#[test]
fn a_device_with_a_wildcard_in_its_name_is_skipped() {
    let mut d = Discovery::default();
    d.ingest(
        "zigbee2mqtt/bridge/devices",
        br#"[{"friendly_name":"bad/#","ieee_address":"0x1","definition":{"exposes":[]}}]"#,
    );
    assert!(matches!(
        d.skipped().next().unwrap().reason,
        SkipReason::Malformed(_)
    ));
}

/// Zigbee2MQTT's Home Assistant integration announces the same plug again as HA entities.
#[test]
fn a_device_announced_by_zigbee2mqtt_and_its_home_assistant_entities_shows_once() {
    let mut d = discovered();
    let plug_again = br#"{"name":null,"unique_id":"0x00158d00018255df_switch_zigbee2mqtt",
        "state_topic":"zigbee2mqtt/my_plug","command_topic":"zigbee2mqtt/my_plug/set",
        "value_template":"{{ value_json.state }}",
        "device":{"identifiers":["zigbee2mqtt_0x00158d00018255df"],"name":"my_plug"}}"#;
    let other = br#"{"name":"Heater","unique_id":"esp_heater","state_topic":"esp/heater",
        "command_topic":"esp/heater/set","device":{"identifiers":["esp_heater"],"name":"Heater"}}"#;
    assert!(d.ingest(
        "homeassistant/switch/0x00158d00018255df/switch/config",
        plug_again
    ));
    assert!(d.ingest("homeassistant/switch/esp_heater/config", other));
    let devices = d.devices();
    let plugs: Vec<_> = devices.iter().filter(|g| g.name == "my_plug").collect();
    assert_eq!(
        plugs.len(),
        1,
        "{:?}",
        devices.iter().map(|g| g.name).collect::<Vec<_>>()
    );
    assert!(
        plugs[0].widgets.iter().all(|w| w.id.starts_with("z2m:")),
        "{:?}",
        plugs[0].widgets
    );
    assert!(devices.iter().any(|g| g.name == "Heater"));
    // Without the bridge's list the Home Assistant entities are all there is, so they show.
    let mut ha_only = Discovery::default();
    ha_only.ingest(
        "homeassistant/switch/0x00158d00018255df/switch/config",
        plug_again,
    );
    assert_eq!(ha_only.devices().len(), 1);
}
