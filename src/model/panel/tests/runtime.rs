//! Widget runtime: optimistic state, availability, commands and the topic index.

use super::widget_json;
use crate::model::panel::live::{
    CommandError, CoverAction, CoverState, OutgoingPublish, Runtime, WidgetInput,
};
use crate::model::panel::widget::{AvailabilityMode, AvailabilityTopic, WidgetDef};

fn switch() -> WidgetDef {
    widget_json(
        r#"{"id":"sw","name":"Plug","kind":{"type":"switch"},
            "state":{"topic":"plug/state"},"command":{"topic":"plug/set","qos":1}}"#,
    )
}

fn text(p: &OutgoingPublish) -> &str {
    std::str::from_utf8(&p.payload).unwrap()
}

#[test]
fn a_switch_shows_the_commanded_state_as_pending_until_the_state_topic_confirms() {
    let mut rt = Runtime::with_widgets([switch()]);
    let out = rt.command("sw", WidgetInput::Set(true), 1_000.0).unwrap();
    assert_eq!(
        out,
        vec![OutgoingPublish {
            topic: "plug/set".into(),
            payload: b"ON".to_vec(),
            qos: 1,
            retain: false
        }]
    );
    let w = rt.widget("sw").unwrap();
    assert_eq!((w.is_on(), w.pending()), (Some(true), true));
    assert_eq!(w.updated_ms(), None, "nothing reported yet");

    rt.handle_message("plug/state", b"ON", 1_200.0);
    let w = rt.widget("sw").unwrap();
    assert_eq!(
        (w.is_on(), w.pending(), w.updated_ms()),
        (Some(true), false, Some(1_200.0))
    );
}

#[test]
fn the_device_wins_when_it_contradicts_the_optimistic_state() {
    let mut rt = Runtime::with_widgets([switch()]);
    rt.command("sw", WidgetInput::Set(true), 0.0).unwrap();
    rt.handle_message("plug/state", b"OFF", 5.0);
    assert_eq!(rt.widget("sw").unwrap().is_on(), Some(false));
}

#[test]
fn toggle_flips_the_shown_state_and_treats_unknown_as_off() {
    let mut rt = Runtime::with_widgets([switch()]);
    assert_eq!(
        text(&rt.command("sw", WidgetInput::Toggle, 0.0).unwrap()[0]),
        "ON"
    );
    rt.handle_message("plug/state", b"ON", 1.0);
    assert_eq!(
        text(&rt.command("sw", WidgetInput::Toggle, 2.0).unwrap()[0]),
        "OFF"
    );
}

#[test]
fn a_switch_without_state_topic_takes_the_commanded_value_directly() {
    let mut def = switch();
    def.state = None;
    let mut rt = Runtime::with_widgets([def]);
    rt.command("sw", WidgetInput::Set(false), 9.0).unwrap();
    let w = rt.widget("sw").unwrap();
    assert_eq!(
        (w.is_on(), w.pending(), w.updated_ms()),
        (Some(false), false, Some(9.0))
    );
}

#[test]
fn unconfirmed_commands_expire_back_to_the_reported_state() {
    let mut rt = Runtime::with_widgets([switch()]);
    rt.handle_message("plug/state", b"OFF", 0.0);
    rt.command("sw", WidgetInput::Set(true), 100.0).unwrap();
    assert!(!rt.expire_pending(2_000.0, 5_000.0));
    assert!(rt.expire_pending(6_000.0, 5_000.0));
    assert_eq!(rt.widget("sw").unwrap().is_on(), Some(false));
}

fn with_availability(mode: AvailabilityMode, topics: &[&str]) -> WidgetDef {
    let mut def = switch();
    def.availability.mode = mode;
    def.availability.topics = topics.iter().map(|t| AvailabilityTopic::new(*t)).collect();
    def
}

#[test]
fn a_widget_without_availability_topics_is_always_available() {
    let rt = Runtime::with_widgets([switch()]);
    assert!(rt.widget("sw").unwrap().available());
}

#[test]
fn a_single_availability_topic_decides_and_unknown_counts_as_offline() {
    let mut rt = Runtime::with_widgets([with_availability(AvailabilityMode::Latest, &["plug/status"])]);
    assert!(!rt.widget("sw").unwrap().available());
    rt.handle_message("plug/status", b"online", 0.0);
    assert!(rt.widget("sw").unwrap().available());
    rt.handle_message("plug/status", b"something else", 0.0);
    assert!(
        rt.widget("sw").unwrap().available(),
        "unknown payloads are ignored"
    );
    rt.handle_message("plug/status", b"offline", 0.0);
    assert!(!rt.widget("sw").unwrap().available());
    assert_eq!(
        rt.command("sw", WidgetInput::Toggle, 0.0),
        Err(CommandError::Unavailable)
    );
}

#[test]
fn availability_mode_all_needs_every_topic_online() {
    let mut rt = Runtime::with_widgets([with_availability(AvailabilityMode::All, &["a", "b"])]);
    rt.handle_message("a", b"online", 0.0);
    assert!(!rt.widget("sw").unwrap().available());
    rt.handle_message("b", b"online", 0.0);
    assert!(rt.widget("sw").unwrap().available());
    rt.handle_message("a", b"offline", 0.0);
    assert!(!rt.widget("sw").unwrap().available());
}

#[test]
fn availability_mode_any_needs_one_topic_online() {
    let mut rt = Runtime::with_widgets([with_availability(AvailabilityMode::Any, &["a", "b"])]);
    rt.handle_message("a", b"offline", 0.0);
    rt.handle_message("b", b"online", 0.0);
    assert!(rt.widget("sw").unwrap().available());
    rt.handle_message("b", b"offline", 0.0);
    assert!(!rt.widget("sw").unwrap().available());
}

#[test]
fn availability_mode_latest_follows_the_most_recent_message() {
    let mut rt = Runtime::with_widgets([with_availability(AvailabilityMode::Latest, &["a", "b"])]);
    rt.handle_message("a", b"online", 0.0);
    rt.handle_message("b", b"offline", 0.0);
    assert!(!rt.widget("sw").unwrap().available());
    rt.handle_message("a", b"online", 0.0);
    assert!(rt.widget("sw").unwrap().available());
}

#[test]
fn availability_reads_json_and_falls_back_to_the_raw_payload() {
    let mut def = with_availability(AvailabilityMode::Latest, &["bridge/state"]);
    def.availability.topics[0].extract = crate::model::panel::extractor::Extractor::json_key("state");
    let mut rt = Runtime::with_widgets([def]);
    rt.handle_message("bridge/state", br#"{"state":"online"}"#, 0.0);
    assert!(rt.widget("sw").unwrap().available());
    rt.handle_message("bridge/state", b"offline", 0.0);
    assert!(!rt.widget("sw").unwrap().available());
}

fn slider() -> WidgetDef {
    widget_json(
        r#"{"id":"dim","name":"Dimmer","kind":{"type":"slider","min":0,"max":1,"step":0.1},
            "state":{"topic":"dim/state"},"command":{"topic":"dim/set","template":"{\"level\": {{ value }}}"}}"#,
    )
}

#[test]
fn a_slider_command_snaps_to_the_step_and_renders_its_template() {
    let mut rt = Runtime::with_widgets([slider()]);
    let out = rt
        .command("dim", WidgetInput::Number(0.30000000000000004), 0.0)
        .unwrap();
    assert_eq!(text(&out[0]), r#"{"level": 0.3}"#);
    assert_eq!(rt.widget("dim").unwrap().number(), Some(0.3));
    let out = rt.command("dim", WidgetInput::Number(0.96), 0.0).unwrap();
    assert_eq!(text(&out[0]), r#"{"level": 1}"#);
}

#[test]
fn out_of_range_numbers_and_foreign_options_are_rejected() {
    let mut rt = Runtime::with_widgets([
        slider(),
        widget_json(
            r#"{"id":"sel","name":"Mode","kind":{"type":"select","options":["a","b"]},"command":{"topic":"m/set"}}"#,
        ),
    ]);
    assert!(matches!(
        rt.command("dim", WidgetInput::Number(1.5), 0.0),
        Err(CommandError::Rejected(_))
    ));
    assert!(matches!(
        rt.command("dim", WidgetInput::Number(f64::NAN), 0.0),
        Err(CommandError::Rejected(_))
    ));
    assert!(matches!(
        rt.command("sel", WidgetInput::Choose("c".into()), 0.0),
        Err(CommandError::Rejected(_))
    ));
    assert_eq!(
        text(&rt.command("sel", WidgetInput::Choose("b".into()), 0.0).unwrap()[0]),
        "b"
    );
    assert!(matches!(
        rt.command("dim", WidgetInput::Press, 0.0),
        Err(CommandError::Rejected(_))
    ));
    assert_eq!(
        rt.command("nope", WidgetInput::Press, 0.0),
        Err(CommandError::UnknownWidget("nope".into()))
    );
}

#[test]
fn read_only_widgets_have_nothing_to_command() {
    let mut rt = Runtime::with_widgets([widget_json(
        r#"{"id":"t","name":"T","kind":{"type":"sensor"},"state":{"topic":"t"},"unit":"°C"}"#,
    )]);
    assert!(rt.widget("t").unwrap().def().is_read_only());
    assert!(matches!(
        rt.command("t", WidgetInput::Number(1.0), 0.0),
        Err(CommandError::Rejected(_))
    ));
}

#[test]
fn messages_reach_only_the_widgets_on_their_topic_and_share_one_json_parse() {
    let defs = [
        widget_json(
            r#"{"id":"t","name":"T","kind":{"type":"sensor"},"state":{"topic":"room","extract":"temperature"}}"#,
        ),
        widget_json(
            r#"{"id":"h","name":"H","kind":{"type":"sensor"},"state":{"topic":"room","extract":"{{ value_json.humidity }}"}}"#,
        ),
        widget_json(r#"{"id":"o","name":"O","kind":{"type":"sensor"},"state":{"topic":"other"}}"#),
    ];
    let mut rt = Runtime::with_widgets(defs);
    assert_eq!(rt.subscriptions(), vec!["other".to_string(), "room".to_string()]);
    assert!(!rt.handle_message("unrelated", b"1", 0.0));
    assert!(rt.handle_message("room", br#"{"temperature":23.2,"humidity":43.7}"#, 0.0));
    assert_eq!(rt.widget("t").unwrap().text(), Some("23.2"));
    assert_eq!(rt.widget("h").unwrap().text(), Some("43.7"));
    assert_eq!(rt.widget("o").unwrap().text(), None);
}

#[test]
fn a_missing_key_keeps_the_last_value_but_a_bad_payload_is_reported() {
    let mut rt = Runtime::with_widgets([widget_json(
        r#"{"id":"t","name":"T","kind":{"type":"sensor"},"state":{"topic":"room","extract":"temperature"}}"#,
    )]);
    rt.handle_message("room", br#"{"humidity":1}"#, 0.0);
    assert!(rt.widget("t").unwrap().error().unwrap().contains("missing"));
    rt.handle_message("room", br#"{"temperature":20}"#, 0.0);
    rt.handle_message("room", br#"{"humidity":2}"#, 0.0);
    let w = rt.widget("t").unwrap();
    assert_eq!((w.text(), w.error()), (Some("20"), None));
    rt.handle_message("room", b"garbage", 0.0);
    assert_eq!(rt.widget("t").unwrap().error(), Some("payload is not JSON"));
    assert_eq!(rt.widget("t").unwrap().text(), Some("20"));
}

#[test]
fn a_chart_keeps_a_capped_history_of_numeric_values() {
    let mut rt = Runtime::with_widgets([widget_json(
        r#"{"id":"c","name":"Power","kind":{"type":"chart","history":3},"state":{"topic":"p"}}"#,
    )]);
    for (i, v) in ["1", "2", "x", "3", "4"].iter().enumerate() {
        rt.handle_message("p", v.as_bytes(), i as f64);
    }
    let values: Vec<f64> = rt
        .widget("c")
        .unwrap()
        .history()
        .iter()
        .map(|s| s.value)
        .collect();
    assert_eq!(values, vec![2.0, 3.0, 4.0]);
}

#[test]
fn editing_the_widget_set_keeps_values_of_widgets_that_stay() {
    let mut rt = Runtime::with_widgets([switch()]);
    rt.handle_message("plug/state", b"ON", 0.0);
    let mut renamed = switch();
    renamed.name = "Desk plug".into();
    rt.set_widgets([renamed, slider()]);
    assert_eq!(rt.widget("sw").unwrap().is_on(), Some(true));
    assert_eq!(rt.widget("sw").unwrap().name(), "Desk plug");
    rt.set_widgets([slider()]);
    assert!(rt.widget("sw").is_none());
    assert!(!rt.wants("plug/state"));
}

#[test]
fn a_dimmable_light_sends_brightness_to_its_own_topic() {
    let mut rt = Runtime::with_widgets([widget_json(
        r#"{"id":"l","name":"Lamp","kind":{"type":"light","on_off":{},
             "brightness":{"state":{"topic":"lamp/bri"},"command":{"topic":"lamp/bri/set"},"scale":100}},
            "state":{"topic":"lamp/state"},"command":{"topic":"lamp/set"}}"#,
    )]);
    rt.handle_message("lamp/bri", b"40", 0.0);
    assert_eq!(rt.widget("l").unwrap().brightness_percent(), Some(40.0));
    let out = rt.command("l", WidgetInput::Brightness(72.4), 0.0).unwrap();
    assert_eq!((out[0].topic.as_str(), text(&out[0])), ("lamp/bri/set", "72"));
    assert!(rt.widget("l").unwrap().pending());
    assert!(matches!(
        rt.command("l", WidgetInput::Brightness(101.0), 0.0),
        Err(CommandError::Rejected(_))
    ));
}

#[test]
fn a_cover_sends_its_payloads_and_maps_position_to_percent() {
    let mut rt = Runtime::with_widgets([widget_json(
        r#"{"id":"c","name":"Blind","kind":{"type":"cover",
             "payloads":{"payload_open":"OPEN","payload_close":"CLOSE","payload_stop":null,
                         "state_open":"open","state_closed":"closed","state_opening":"opening",
                         "state_closing":"closing","state_stopped":"stopped"},
             "position":{"state":{"topic":"b/pos"},"command":{"topic":"b/pos/set"},"open":0,"closed":255}},
            "state":{"topic":"b/state"},"command":{"topic":"b/set"}}"#,
    )]);
    assert_eq!(
        text(
            &rt.command("c", WidgetInput::Cover(CoverAction::Close), 0.0)
                .unwrap()[0]
        ),
        "CLOSE"
    );
    assert!(matches!(
        rt.command("c", WidgetInput::Cover(CoverAction::Stop), 0.0),
        Err(CommandError::Rejected(_))
    ));
    rt.handle_message("b/state", b"closing", 0.0);
    rt.handle_message("b/pos", b"255", 0.0);
    let w = rt.widget("c").unwrap();
    assert_eq!(
        (w.cover_state(), w.position_percent()),
        (Some(CoverState::Closing), Some(0.0))
    );
    let out = rt.command("c", WidgetInput::Position(100.0), 0.0).unwrap();
    assert_eq!((out[0].topic.as_str(), text(&out[0])), ("b/pos/set", "0"));
}

#[test]
fn a_thermostat_sets_mode_and_target_and_shows_the_measured_temperature() {
    let mut rt = Runtime::with_widgets([widget_json(
        r#"{"id":"th","name":"Thermostat","unit":"°C","kind":{"type":"climate","modes":["off","heat"],
             "mode":{"state":{"topic":"th/mode"},"command":{"topic":"th/mode/set"}},
             "target":{"state":{"topic":"th/target"},"command":{"topic":"th/target/set"},"min":5,"max":30,"step":0.5},
             "current":{"topic":"th/state","extract":"temperature"}}}"#,
    )]);
    rt.handle_message("th/state", br#"{"temperature":19.4}"#, 0.0);
    rt.handle_message("th/mode", b"off", 0.0);
    assert_eq!(
        text(&rt.command("th", WidgetInput::Mode("heat".into()), 0.0).unwrap()[0]),
        "heat"
    );
    assert_eq!(
        text(&rt.command("th", WidgetInput::Target(21.3), 0.0).unwrap()[0]),
        "21.5"
    );
    let w = rt.widget("th").unwrap();
    assert_eq!(
        (w.mode(), w.target(), w.current()),
        (Some("heat"), Some(21.5), Some(19.4))
    );
    assert!(matches!(
        rt.command("th", WidgetInput::Mode("cool".into()), 0.0),
        Err(CommandError::Rejected(_))
    ));
    assert!(matches!(
        rt.command("th", WidgetInput::Target(31.0), 0.0),
        Err(CommandError::Rejected(_))
    ));
}

#[test]
fn a_button_sends_its_payload_and_keeps_no_state() {
    let mut rt = Runtime::with_widgets([widget_json(
        r#"{"id":"b","name":"Reboot","kind":{"type":"button","payload":"PRESS"},"command":{"topic":"dev/reboot","retain":true}}"#,
    )]);
    let out = rt.command("b", WidgetInput::Press, 0.0).unwrap();
    assert_eq!((text(&out[0]), out[0].retain), ("PRESS", true));
    assert!(!rt.widget("b").unwrap().pending());
}

#[test]
fn reset_forgets_values_and_availability() {
    let mut rt = Runtime::with_widgets([with_availability(AvailabilityMode::Latest, &["s"])]);
    rt.handle_message("s", b"online", 0.0);
    rt.handle_message("plug/state", b"ON", 0.0);
    rt.reset();
    let w = rt.widget("sw").unwrap();
    assert_eq!((w.available(), w.is_on()), (false, None));
}
