//! The JSON value against serde_json: same documents accepted and refused, same compact text.

use super::Problem;
use super::{Json, JsonError, Num, Object, MAX_DEPTH};

fn parse(text: &str) -> Result<Json, JsonError> {
    Json::parse(text.as_bytes())
}

fn serde_compact(text: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    serde_json::to_string(&v).unwrap()
}

const CORPUS: &[&str] = &[
    "null",
    "true",
    " false ",
    "0",
    "-12",
    "18446744073709551615",
    "-9223372036854775808",
    "21.5",
    "0.1",
    "\"\"",
    "\"plain\"",
    r#""quote \" backslash \\ slash \/ tab \t nl \n cr \r bs \b ff \f""#,
    r#""ctl \u0000 \u001f \u007f del""#,
    r#""bmp \u00e9 \u20ac and pair \ud83d\ude00""#,
    "\"raw é € 😀\"",
    "[]",
    "{}",
    "[1,[2,[3,[]]],{}]",
    r#"{"b":1,"a":2,"c":{"z":null,"y":[true,false]}}"#,
    r#"{"a":1,"b":2,"a":3}"#,
    r#"{"k":1,"k":{"x":1},"j":0,"k":[2]}"#,
    "\n\t{ \"spaced\" : [ 1 , 2 ] }\r\n",
    r#"{"temperature":21.5,"humidity":48,"battery":100,"linkquality":120,"state":"ON"}"#,
    r#"[{"id":"w1","name":"Lamp","kind":{"type":"switch","payload_on":"ON"}}]"#,
];

#[test]
fn compact_output_matches_serde_json() {
    for text in CORPUS {
        let ours = parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(ours.to_json_string(), serde_compact(text), "{text}");
        assert_eq!(ours.to_string(), serde_compact(text), "{text}");
    }
}

#[test]
fn round_trips_through_its_own_text() {
    for text in CORPUS {
        let once = parse(text).unwrap();
        let again = parse(&once.to_json_string()).unwrap();
        assert_eq!(once, again, "{text}");
    }
}

#[test]
fn refuses_what_serde_json_refuses() {
    let bad = [
        "",
        "   ",
        "[1,]",
        "{\"a\":1,}",
        "[1 2]",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        "NaN",
        "Infinity",
        "1e400",
        "-1e400",
        "tru",
        "nul",
        "\"abc",
        "\"bad \\x escape\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"lone \\ud800\"",
        "\"lone \\ud800 then\"",
        "\"lone \\udc00\"",
        "\"pair broken \\ud800\\u0041\"",
        "\"pair broken \\ud800\\n\"",
        "\"raw\ttab\"",
        "\"raw\nline\"",
        "[1] 2",
        "{} x",
        "[",
        "{\"a\":",
    ];
    for text in bad {
        assert!(
            serde_json::from_str::<serde_json::Value>(text).is_err(),
            "serde_json took {text:?}"
        );
        assert!(parse(text).is_err(), "we took {text:?}");
    }
    assert!(Json::parse(b"\"\xff\"").is_err());
    assert!(serde_json::from_slice::<serde_json::Value>(b"\"\xff\"").is_err());
}

#[test]
fn errors_say_what_and_where() {
    let e = parse("{\n  \"a\": 1,\n}").unwrap_err();
    assert_eq!(e.problem, Problem::Expected("a key in double quotes"));
    assert_eq!((e.line, e.column, e.offset), (3, 1, 12));
    assert_eq!(
        e.to_string(),
        "expected a key in double quotes at line 3 column 1"
    );
    assert_eq!(parse("[1] 2").unwrap_err().problem, Problem::TrailingCharacters);
    assert_eq!(parse("1e400").unwrap_err().problem, Problem::NumberOutOfRange);
    assert_eq!(parse("\"\\ud800\"").unwrap_err().problem, Problem::LoneSurrogate);
    assert_eq!(parse("[").unwrap_err().problem, Problem::UnexpectedEnd);
}

#[test]
fn nesting_stops_where_serde_json_stops() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let objects = |n: usize| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    for n in [1, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 100_000] {
        for text in [nested(n), objects(n)] {
            let theirs = serde_json::from_str::<serde_json::Value>(&text).is_ok();
            assert_eq!(parse(&text).is_ok(), theirs, "depth {n}");
        }
    }
    assert_eq!(parse(&nested(100_000)).unwrap_err().problem, Problem::TooDeep);
}

#[test]
fn numbers_keep_their_text_and_read_as_serde_json_reads_them() {
    let v = parse("[21.50, 1E3, -0, 7, -7, 18446744073709551616, 1.0]").unwrap();
    assert_eq!(v.to_json_string(), "[21.50,1E3,-0,7,-7,18446744073709551616,1.0]");
    let items = v.as_array().unwrap();
    assert_eq!(items[0].as_f64(), Some(21.5));
    assert_eq!(items[1].as_f64(), Some(1000.0));
    for (i, item) in items.iter().enumerate() {
        let text = item.to_json_string();
        let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(item.as_i64(), theirs.as_i64(), "{i}: {text}");
        assert_eq!(item.as_u64(), theirs.as_u64(), "{i}: {text}");
        assert_eq!(item.as_f64(), theirs.as_f64(), "{i}: {text}");
    }
}

#[test]
fn floats_are_written_as_serde_json_writes_them() {
    let samples = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        21.5,
        0.1,
        0.3,
        100.0,
        255.0,
        1e15,
        1e16,
        1e17,
        1.5e16,
        123456789.125,
        1e21,
        1e22,
        1.2345e30,
        1e-4,
        1e-5,
        1e-6,
        1.5e-7,
        0.00012,
        -2.5e-10,
    ];
    for f in samples {
        let ours = Json::from_f64(f).to_json_string();
        assert_eq!(ours, serde_json::to_string(&f).unwrap(), "{f:e}");
    }
    // Readings and form values: hundredths and tenths across a wide range.
    for i in -50_000..50_000 {
        for f in [
            f64::from(i) / 100.0,
            f64::from(i) / 10.0,
            f64::from(i) * 1e-7,
            f64::from(i) * 1e12,
        ] {
            let theirs = serde_json::to_string(&f).unwrap();
            // Products such as 3 × 1e-7 need 17 digits; those are checked below.
            if theirs.bytes().filter(u8::is_ascii_digit).count() <= 16 {
                assert_eq!(Json::from_f64(f).to_json_string(), theirs, "{f:e}");
            }
        }
    }
    // Floats that need 16 or 17 digits, and the extremes: read back within a few ulps.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut samples = vec![
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        12345678901234567.0,
        0.1 + 0.2,
    ];
    for _ in 0..50_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        samples.push(f64::from_bits(x));
    }
    for f in samples.into_iter().filter(|f| f.is_finite()) {
        let text = Json::from_f64(f).to_json_string();
        let back: f64 = text.parse().unwrap();
        let ulps = (back / f - 1.0).abs() / f64::EPSILON;
        assert!(ulps <= 8.0 || f.abs() < 1e-300, "{f:e} written as {text}");
    }
    assert_eq!(Json::from_f64(f64::NAN), Json::Null);
    assert_eq!(Json::from_f64(f64::INFINITY), Json::Null);
    assert_eq!(Num::from(-3i64).as_str(), "-3");
    assert_eq!(Num::from(u64::MAX).as_u64(), Some(u64::MAX));
}

#[test]
fn strings_escape_as_serde_json_does() {
    let all_controls: String = (0u8..0x20).map(char::from).collect();
    for s in [all_controls.as_str(), "\"\\/", "é€😀\u{7f}", "", "plain"] {
        let ours = Json::from(s).to_json_string();
        assert_eq!(ours, serde_json::to_string(s).unwrap());
        assert_eq!(parse(&ours).unwrap(), Json::from(s));
    }
}

#[test]
fn repeated_keys_keep_the_first_place_and_the_last_value() {
    let v = parse(r#"{"a":1,"b":2,"a":3,"c":4,"b":5,"a":6}"#).unwrap();
    assert_eq!(v.to_json_string(), r#"{"a":6,"b":5,"c":4}"#);
    let many: Vec<String> = (0..5000).map(|i| format!("\"k{}\":{i}", i % 100)).collect();
    let text = format!("{{{}}}", many.join(","));
    assert_eq!(parse(&text).unwrap().to_json_string(), serde_compact(&text));
}

#[test]
fn objects_insert_in_place_and_remove_keeping_order() {
    let mut o: Object = [("x", 1i64), ("y", 2), ("z", 3)]
        .into_iter()
        .map(|(k, n)| (k.to_string(), Json::Number(n.into())))
        .collect();
    assert_eq!(o.insert("x", Json::Null), Some(Json::Number(1i64.into())));
    assert_eq!(o.remove("y"), Some(Json::Number(2i64.into())));
    o.insert("w", Json::Bool(true));
    assert_eq!(Json::Object(o).to_json_string(), r#"{"x":null,"z":3,"w":true}"#);
}

#[test]
fn accessors_answer_only_for_their_own_kind() {
    let v = parse(r#"{"s":"t","b":true,"n":2,"a":[1],"o":{"k":null}}"#).unwrap();
    assert_eq!(v.get("s").and_then(Json::as_str), Some("t"));
    assert_eq!(v.get("b").and_then(Json::as_bool), Some(true));
    assert_eq!(v.get("n").and_then(Json::as_u64), Some(2));
    assert_eq!(v.get("a").and_then(Json::as_array).map(Vec::len), Some(1));
    assert!(v.get("o").is_some_and(Json::is_object));
    assert!(v.get("o").and_then(|o| o.get("k")).is_some_and(Json::is_null));
    assert_eq!(v.get("s").and_then(Json::as_f64), None);
    assert_eq!(v.get("missing"), None);
    assert_eq!(Json::Null.get("s"), None);
}

mod props {
    use proptest::prelude::*;

    use super::super::Json;

    /// Text made of JSON's own pieces, so that most cases are nearly valid and the edges get hit.
    fn jsonish() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("{".to_string()),
                Just("}".to_string()),
                Just("[".to_string()),
                Just("]".to_string()),
                Just(",".to_string()),
                Just(":".to_string()),
                Just("\"".to_string()),
                Just("\\".to_string()),
                Just("\\u".to_string()),
                Just("d83d".to_string()),
                Just("\\ude00".to_string()),
                Just("true".to_string()),
                Just("null".to_string()),
                Just("-".to_string()),
                Just("e".to_string()),
                Just(".".to_string()),
                Just(" ".to_string()),
                "[0-9]{1,3}",
                "[a-zé\\n\\t\\x00]{0,3}",
            ],
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    /// serde_json rewrites floats (`1e2` as `100.0`); integers it prints as they came.
    fn has_float(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Number(n) => n.is_f64(),
            serde_json::Value::Array(items) => items.iter().any(has_float),
            serde_json::Value::Object(map) => map.values().any(has_float),
            _ => false,
        }
    }

    proptest! {
        /// Same verdict as serde_json on every input, and what is accepted prints the same
        /// wherever serde_json would print numbers unchanged (integers).
        #[test]
        fn accepts_exactly_what_serde_json_accepts(text in jsonish()) {
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            let ours = Json::parse(text.as_bytes());
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}", text);
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                if !has_float(&theirs) {
                    prop_assert_eq!(ours.to_json_string(), serde_json::to_string(&theirs).unwrap());
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = Json::parse(&bytes).map(|v| v.to_json_string());
        }
    }
}
