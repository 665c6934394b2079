//! Home Assistant discovery, from the documentation's examples and each platform's options.

use super::ha_messages;
use crate::model::panel::discovery::{Discovery, DiscoveryConfig, SkipReason};
use crate::model::panel::live::Runtime;
use crate::model::panel::live::WidgetInput;
use crate::model::panel::widget::{AvailabilityMode, WidgetDef, WidgetKind};

fn discovered() -> Discovery {
    let mut d = Discovery::default();
    for (topic, payload) in ha_messages() {
        d.ingest(&topic, &payload);
    }
    d
}

fn find<'a>(d: &'a Discovery, id: &str) -> &'a WidgetDef {
    d.widget(id)
        .unwrap_or_else(|| panic!("no widget {id}; skipped: {:?}", d.skipped().collect::<Vec<_>>()))
}

fn runtime(d: &Discovery) -> Runtime {
    Runtime::with_widgets(d.widgets().cloned())
}

fn sent(rt: &mut Runtime, id: &str, input: WidgetInput) -> (String, String) {
    let out = rt.command(id, input, 0.0).expect("command");
    (
        out[0].topic.clone(),
        String::from_utf8(out[0].payload.clone()).unwrap(),
    )
}

#[test]
fn every_fixture_document_becomes_a_widget() {
    let d = discovered();
    assert_eq!(d.skipped().count(), 0, "{:?}", d.skipped().collect::<Vec<_>>());
    assert_eq!(d.widgets().count(), 15);
}

#[test]
fn the_docs_motion_sensor_reads_on_and_off() {
    let d = discovered();
    let w = find(&d, "ha:binary_sensor/garden");
    assert_eq!(
        (w.name.as_str(), w.device_class.as_deref()),
        ("garden", Some("motion"))
    );
    let mut rt = runtime(&d);
    rt.handle_message("homeassistant/binary_sensor/garden/state", b"ON", 0.0);
    assert_eq!(rt.widget("ha:binary_sensor/garden").unwrap().is_on(), Some(true));
}

#[test]
fn the_docs_bedroom_sensors_share_one_state_topic() {
    let d = discovered();
    let mut rt = runtime(&d);
    rt.handle_message(
        "homeassistant/sensor/sensorBedroom/state",
        br#"{ "temperature": 23.20, "humidity": 43.70 }"#,
        0.0,
    );
    let t = rt.widget("ha:sensor/sensorBedroomT").unwrap();
    assert_eq!((t.number(), t.unit()), (Some(23.2), Some("°C")));
    assert_eq!(
        rt.widget("ha:sensor/sensorBedroomH").unwrap().number(),
        Some(43.7)
    );
}

#[test]
fn abbreviations_and_the_base_topic_expand_to_the_long_form() {
    let d = discovered();
    let long = find(&d, "ha:switch/irrigation");
    let short = find(&d, "ha:switch/irrigation2");
    assert_eq!(long.state, short.state);
    assert_eq!(long.command, short.command);
    assert_eq!(
        short.command.as_ref().unwrap().topic,
        "homeassistant/switch/irrigation/set"
    );
}

#[test]
fn a_base_topic_at_the_end_of_a_value_is_substituted_too() {
    let mut d = Discovery::default();
    d.ingest(
        "homeassistant/sensor/t/config",
        br#"{"~":"kitchen","stat_t":"sensors/~"}"#,
    );
    assert_eq!(
        find(&d, "ha:sensor/t").state.as_ref().unwrap().topic,
        "sensors/kitchen"
    );
}

#[test]
fn the_docs_json_schema_light_sends_json_commands() {
    let d = discovered();
    let mut rt = runtime(&d);
    let id = "ha:light/kitchen";
    assert_eq!(
        sent(&mut rt, id, WidgetInput::Set(true)),
        (
            "homeassistant/light/kitchen/set".into(),
            r#"{"state": "ON"}"#.into()
        )
    );
    assert_eq!(
        sent(&mut rt, id, WidgetInput::Brightness(128.0)).1,
        r#"{"state": "ON", "brightness": 128}"#
    );
    rt.handle_message(
        "homeassistant/light/kitchen/state",
        br#"{"state": "OFF", "brightness": 255}"#,
        0.0,
    );
    let w = rt.widget(id).unwrap();
    assert_eq!((w.is_on(), w.brightness()), (Some(false), Some(255.0)));
}

#[test]
fn object_id_does_not_change_the_widget_name() {
    assert_eq!(find(&discovered(), "ha:sensor/device1").name, "My Super Device");
}

#[test]
fn a_default_schema_light_has_device_availability_and_scaled_brightness() {
    let d = discovered();
    let w = find(&d, "ha:light/hall/ceiling");
    let dev = w.device.as_ref().unwrap();
    assert_eq!(
        (
            dev.id.as_str(),
            dev.name.as_str(),
            dev.manufacturer.as_deref(),
            dev.model.as_deref()
        ),
        ("hall-1", "Hall lights", Some("Acme"), Some("L-100"))
    );
    assert_eq!(w.availability.topics[0].topic, "home/hall/ceiling/status");
    let WidgetKind::Light {
        brightness: Some(b), ..
    } = &w.kind
    else {
        panic!("{:?}", w.kind)
    };
    assert_eq!(b.scale, 100.0);
    let mut rt = runtime(&d);
    assert!(!rt.widget("ha:light/hall/ceiling").unwrap().available());
    rt.handle_message("home/hall/ceiling/status", b"online", 0.0);
    assert_eq!(
        sent(&mut rt, "ha:light/hall/ceiling", WidgetInput::Brightness(50.0)),
        ("home/hall/ceiling/brightness/set".into(), "50".into())
    );
}

#[test]
fn a_thermostat_has_modes_target_range_current_temperature_and_all_mode_availability() {
    let d = discovered();
    let w = find(&d, "ha:climate/livingroom");
    let WidgetKind::Climate { modes, target, .. } = &w.kind else {
        panic!()
    };
    assert_eq!(modes, &["off", "heat", "auto"]);
    assert_eq!((target.min, target.max, target.step), (5.0, 30.0, 0.5));
    assert_eq!(w.unit.as_deref(), Some("°C"));
    assert_eq!(w.availability.mode, AvailabilityMode::All);
    assert_eq!(w.availability.topics[1].payload_available, "up");
    let mut rt = runtime(&d);
    rt.handle_message("home/thermo/status", b"online", 0.0);
    rt.handle_message("home/bridge/status", b"up", 0.0);
    rt.handle_message("home/thermo/state", br#"{"temperature": "19.96"}"#, 0.0);
    assert_eq!(rt.widget("ha:climate/livingroom").unwrap().current(), Some(20.0));
    assert_eq!(
        sent(&mut rt, "ha:climate/livingroom", WidgetInput::Target(22.0)),
        ("home/thermo/target/set".into(), "22".into())
    );
}

#[test]
fn a_cover_with_a_null_stop_payload_has_no_stop() {
    let d = discovered();
    let WidgetKind::Cover { payloads, position } = &find(&d, "ha:cover/garage").kind else {
        panic!()
    };
    assert_eq!(payloads.payload_stop, None);
    assert_eq!(payloads.payload_open.as_deref(), Some("OPEN"));
    assert_eq!(
        position.as_ref().unwrap().channel.command.as_ref().unwrap().topic,
        "home/garage/position/set"
    );
}

#[test]
fn number_select_and_button_follow_their_options() {
    let d = discovered();
    let n = find(&d, "ha:number/fan_speed");
    assert_eq!(
        n.kind,
        WidgetKind::Number {
            min: Some(0.0),
            max: Some(3000.0),
            step: 10.0
        }
    );
    assert_eq!(
        (
            n.command.as_ref().unwrap().qos,
            n.command.as_ref().unwrap().retain
        ),
        (1, true)
    );
    let mut rt = runtime(&d);
    assert_eq!(
        sent(&mut rt, "ha:select/scene", WidgetInput::Choose("night".into())).1,
        r#"{"scene": "night"}"#
    );
    rt.handle_message("home/scene", br#"{"scene":"day"}"#, 0.0);
    assert_eq!(rt.widget("ha:select/scene").unwrap().text(), Some("day"));
    assert_eq!(
        sent(&mut rt, "ha:button/reboot", WidgetInput::Press),
        ("home/device/reboot".into(), "PRESS".into())
    );
}

#[test]
fn a_number_in_auto_mode_is_a_slider_when_it_has_few_steps() {
    let mut d = Discovery::default();
    d.ingest(
        "homeassistant/number/vol/config",
        br#"{"cmd_t":"v/set","min":0,"max":10}"#,
    );
    assert_eq!(
        find(&d, "ha:number/vol").kind,
        WidgetKind::Slider {
            min: 0.0,
            max: 10.0,
            step: 1.0
        }
    );
}

#[test]
fn a_device_document_announces_each_component_with_shared_settings() {
    let d = discovered();
    let relay = find(&d, "ha:device/plug42/relay");
    let power = find(&d, "ha:device/plug42/power");
    assert!(matches!(relay.kind, WidgetKind::Switch(_)));
    assert_eq!(power.unit.as_deref(), Some("W"));
    assert_eq!(relay.availability.topics[0].topic, "home/plug42/status");
    let group = d.devices().into_iter().find(|g| g.name == "Desk plug").unwrap();
    assert_eq!(group.widgets.len(), 2);
}

#[test]
fn entities_group_by_device_and_ungrouped_entities_stand_alone() {
    let d = discovered();
    let names: Vec<&str> = d.devices().iter().map(|g| g.name).collect();
    assert!(
        names.contains(&"Hall lights") && names.contains(&"garden"),
        "{names:?}"
    );
}

#[test]
fn an_empty_payload_removes_what_the_topic_announced() {
    let mut d = discovered();
    assert!(d.ingest("homeassistant/binary_sensor/garden/config", b""));
    assert!(d.widget("ha:binary_sensor/garden").is_none());
    assert!(
        !d.ingest("homeassistant/binary_sensor/garden/config", b""),
        "already gone"
    );
    assert!(d.ingest("homeassistant/device/plug42/config", b""));
    assert!(d.widget("ha:device/plug42/relay").is_none() && d.widget("ha:device/plug42/power").is_none());
}

#[test]
fn the_same_document_again_changes_nothing() {
    let mut d = discovered();
    let (topic, payload) = ha_messages().remove(0);
    assert!(!d.ingest(&topic, &payload));
}

fn skip_reason(payload: &[u8], component: &str) -> SkipReason {
    let mut d = Discovery::default();
    let topic = format!("homeassistant/{component}/x/config");
    d.ingest(&topic, payload);
    assert_eq!(d.widgets().count(), 0);
    let skipped: Vec<_> = d.skipped().cloned().collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert_eq!(skipped[0].topic, topic);
    skipped[0].reason.clone()
}

#[test]
fn broken_documents_are_skipped_as_the_devices_fault() {
    let cases: [(&[u8], &str, &str); 7] = [
        (b"{not json", "switch", "not valid JSON"),
        (b"[1,2]", "switch", "not a JSON object"),
        (br#"{"stat_t":"a/b"}"#, "switch", "command_topic is required"),
        (br#"{"cmd_t":"a/#"}"#, "switch", "wildcards"),
        (
            br#"{"cmd_t":"a","avty_t":"s","avty":[{"t":"s"}]}"#,
            "switch",
            "cannot both",
        ),
        (
            br#"{"cmd_t":"a","avty_mode":"some"}"#,
            "switch",
            "availability_mode",
        ),
        (br#"{"cmd_t":"a","ops":[]}"#, "select", "options is empty"),
    ];
    for (payload, component, hint) in cases {
        match skip_reason(payload, component) {
            SkipReason::Malformed(why) => assert!(why.contains(hint), "{why:?} should mention {hint}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn unsupported_components_schemas_and_templates_are_skipped_with_the_reason() {
    let cases: [(&[u8], &str, &str); 3] = [
        (br#"{"cmd_t":"a"}"#, "vacuum", "vacuum component"),
        (
            br#"{"cmd_t":"a","schema":"template"}"#,
            "light",
            "schema 'template'",
        ),
        (
            br#"{"stat_t":"a","val_tpl":"{% if value %}1{% endif %}"}"#,
            "sensor",
            "value_template",
        ),
    ];
    for (payload, component, hint) in cases {
        match skip_reason(payload, component) {
            SkipReason::Unsupported(why) => assert!(why.contains(hint), "{why:?} should mention {hint}"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn a_skip_is_cleared_when_the_topic_is_emptied_or_fixed() {
    let mut d = Discovery::default();
    d.ingest("homeassistant/fan/f/config", br#"{"cmd_t":"a"}"#);
    assert_eq!(d.skipped().count(), 1);
    d.ingest("homeassistant/fan/f/config", b"");
    assert_eq!(d.skipped().count(), 0);
}

#[test]
fn only_config_topics_under_the_prefix_are_discovery_topics() {
    let d = Discovery::new(DiscoveryConfig {
        ha_prefix: "ha".into(),
        z2m_base: "z2m".into(),
    });
    assert_eq!(
        d.subscriptions(),
        vec!["ha/#".to_string(), "z2m/bridge/devices".to_string()]
    );
    assert!(d.is_discovery_topic("ha/switch/x/config"));
    assert!(d.is_discovery_topic("ha/switch/node/x/config"));
    assert!(!d.is_discovery_topic("ha/switch/x/state"));
    assert!(!d.is_discovery_topic("homeassistant/switch/x/config"));
    assert!(d.is_discovery_topic("z2m/bridge/devices"));
    assert!(!d.is_discovery_topic("z2m/bridge/state"));
}

#[test]
fn pinning_copies_the_discovered_definition() {
    let d = discovered();
    let pinned = d.pin("ha:switch/irrigation").unwrap();
    assert_eq!(&pinned, find(&d, "ha:switch/irrigation"));
    assert!(d.pin("ha:nothing").is_none());
}
