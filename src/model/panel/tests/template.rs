//! Templates, JSON paths and extractors.

use crate::model::panel::extractor::Extractor;
use crate::model::panel::template::{ExtractError, Payload, Template, TemplateError};

fn render(template: &str, payload: &str) -> Result<String, ExtractError> {
    Template::parse(template)
        .expect("template parses")
        .render(&Payload::new(payload.as_bytes()))
}

fn extract(source: &str, payload: &str) -> Result<String, ExtractError> {
    Extractor::parse(source)
        .expect("extractor parses")
        .extract(&Payload::new(payload.as_bytes()))
}

#[test]
fn an_empty_extractor_takes_the_whole_payload_trimmed() {
    assert_eq!(extract("", " 21.5\n").unwrap(), "21.5");
    assert_eq!(extract("{{ value }}", "ON").unwrap(), "ON");
    assert_eq!(Extractor::parse("{{ value }}").unwrap(), Extractor::Whole);
}

#[test]
fn json_paths_read_nested_keys_indexes_and_quoted_keys() {
    let p = r#"{"a":{"b":[{"c":7},{"c":8}]},"temp-1":3,"s":"x"}"#;
    assert_eq!(extract("a.b[1].c", p).unwrap(), "8");
    assert_eq!(extract("$.a.b[0].c", p).unwrap(), "7");
    assert_eq!(extract(r#"["temp-1"]"#, p).unwrap(), "3");
    assert_eq!(extract("s", p).unwrap(), "x");
    assert_eq!(extract("value_json.a.b[1].c", p).unwrap(), "8");
    assert_eq!(extract("a", p).unwrap(), r#"{"b":[{"c":7},{"c":8}]}"#);
}

#[test]
fn json_paths_report_missing_keys_and_non_json_payloads() {
    assert_eq!(
        extract("a.x", r#"{"a":{}}"#),
        Err(ExtractError::Missing("a.x".into()))
    );
    assert_eq!(
        extract("a", r#"{"a":null}"#),
        Err(ExtractError::Missing("a".into()))
    );
    assert_eq!(extract("a", "ON"), Err(ExtractError::NotJson));
}

#[test]
fn malformed_json_paths_are_refused_with_a_reason() {
    for bad in ["a..b", "a[", "a[x]", ".", "a.", "a]b"] {
        match Extractor::parse(bad) {
            Err(TemplateError::Malformed { reason, .. }) => assert!(!reason.is_empty()),
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
}

#[test]
fn value_json_lookups_work_with_dots_and_brackets() {
    let p = r#"{"temperature":23.2,"a":{"b":"deep"},"key with space":1,"list":[4,5]}"#;
    assert_eq!(render("{{ value_json.temperature }}", p).unwrap(), "23.2");
    assert_eq!(render("{{value_json.a.b}}", p).unwrap(), "deep");
    assert_eq!(render("{{ value_json['key with space'] }}", p).unwrap(), "1");
    assert_eq!(render(r#"{{ value_json["a"]["b"] }}"#, p).unwrap(), "deep");
    assert_eq!(render("{{ value_json.list[1] }}", p).unwrap(), "5");
}

#[test]
fn filters_convert_round_and_change_case() {
    let p = r#"{"t":"21.456","n":21.7,"s":"Heat"}"#;
    assert_eq!(render("{{ value_json.t | float }}", p).unwrap(), "21.456");
    assert_eq!(
        render("{{ value_json.t | float | round(1) }}", p).unwrap(),
        "21.5"
    );
    assert_eq!(render("{{ value_json.n | int }}", p).unwrap(), "21");
    assert_eq!(
        render("{{ value_json.n | round(0, 'floor') }}", p).unwrap(),
        "21.0"
    );
    assert_eq!(render("{{ value_json.s | lower }}", p).unwrap(), "heat");
    assert_eq!(render("{{ value_json.s | upper }}", p).unwrap(), "HEAT");
    assert_eq!(render("{{ value | float }}", "3").unwrap(), "3.0");
}

#[test]
fn default_fills_in_missing_keys_only() {
    let p = r#"{"x":"set","e":""}"#;
    assert_eq!(render("{{ value_json.y | default('none') }}", p).unwrap(), "none");
    assert_eq!(render("{{ value_json.x | default('none') }}", p).unwrap(), "set");
    assert_eq!(
        render("{{ value_json.e | default('blank', true) }}", p).unwrap(),
        "blank"
    );
    assert_eq!(render("{{ value_json.y | d(5) | int }}", p).unwrap(), "5");
}

#[test]
fn numeric_filters_on_text_fail_unless_given_a_default() {
    assert_eq!(
        render("{{ value | float }}", "warm"),
        Err(ExtractError::NotANumber("warm".into()))
    );
    assert_eq!(render("{{ value | float(0) }}", "warm").unwrap(), "0.0");
    assert_eq!(render("{{ value | int(-1) }}", "n/a").unwrap(), "-1");
}

#[test]
fn booleans_render_lowercase_and_objects_as_json() {
    let p = r#"{"on":true,"o":{"k":[1]}}"#;
    assert_eq!(render("{{ value_json.on }}", p).unwrap(), "true");
    assert_eq!(render("{{ value_json.o }}", p).unwrap(), r#"{"k":[1]}"#);
}

#[test]
fn unsupported_jinja_is_refused_with_the_reason() {
    let cases = [
        ("{% if value == 'ON' %}on{% endif %}", "statements"),
        ("{{ value_json.x + 1 }}", "operator"),
        ("{{ 'on' if value_json.x else 'off' }}", "value or value_json"),
        ("{{ states('sensor.x') }}", "not available"),
        ("{{ value | regex_replace('a', 'b') }}", "regex_replace"),
        ("{{ value.x }}", "value_json"),
        ("{{ value_json.x | round(value) }}", "literal"),
    ];
    for (t, hint) in cases {
        match Template::parse(t) {
            Err(TemplateError::Unsupported { reason, .. }) => {
                assert!(
                    reason.contains(hint),
                    "{t}: reason {reason:?} should mention {hint}"
                )
            }
            other => panic!("{t} gave {other:?}"),
        }
    }
}

#[test]
fn broken_templates_are_malformed() {
    for t in [
        "{{ value",
        "{{ }}",
        "{{ value_json. }}",
        "{{ value_json['a' }}",
        "{{ value | }}",
    ] {
        assert!(
            matches!(Template::parse(t), Err(TemplateError::Malformed { .. })),
            "{t}"
        );
    }
}

#[test]
fn command_templates_substitute_the_value_into_text_and_json() {
    let t = Template::parse(r#"{"brightness": {{ value }}}"#).unwrap();
    assert_eq!(t.render_command("128").unwrap(), r#"{"brightness": 128}"#);
    let q = Template::parse(r#"{"mode": {{ value | tojson }}}"#).unwrap();
    assert_eq!(
        q.render_command(r#"say "hi""#).unwrap(),
        r#"{"mode": "say \"hi\""}"#
    );
    assert_eq!(
        Template::parse("PRESS").unwrap().render_command("x").unwrap(),
        "PRESS"
    );
    assert_eq!(
        Template::parse("{{- value -}} W")
            .unwrap()
            .render_command("5")
            .unwrap(),
        "5 W"
    );
    assert_eq!(
        Template::parse("{# note #}{{ value }}")
            .unwrap()
            .render_command("7")
            .unwrap(),
        "7"
    );
}

#[test]
fn extractors_store_as_the_string_the_user_typed() {
    for src in ["", "a.b[0]", "{{ value_json.t | float }}"] {
        let e = Extractor::parse(src).unwrap();
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, serde_json::to_string(src).unwrap());
        assert_eq!(serde_json::from_str::<Extractor>(&json).unwrap(), e);
    }
    assert!(serde_json::from_str::<Extractor>(r#""{% if %}""#).is_err());
}

#[test]
fn a_bad_utf8_payload_is_read_lossily() {
    let e = Extractor::parse("").unwrap();
    assert_eq!(
        e.extract(&Payload::new(&[b'o', 0xff, b'k'])).unwrap(),
        "o\u{fffd}k"
    );
}
