//! The viewer's scanner against the parser: they accept exactly the same documents, so the
//! payload view never calls JSON what the rest of the app cannot read.

use proptest::prelude::*;

use super::scan::accepts;
use super::{Json, Num, Object, MAX_DEPTH};
use crate::model::json_view::{detect, ViewKind};

fn parses(bytes: &[u8]) -> bool {
    Json::parse(bytes).is_ok()
}

#[test]
fn the_edges_where_they_used_to_disagree() {
    for text in [
        "\"\\ud800\"",
        "[\"\\udc00\"]",
        "\"\\ud800\\u0041\"",
        "\"\\ud83d\\ude00\"",
        "1e400",
        "[-1e400]",
        "1e-400",
        "[1.7976931348623157e308]",
        "01",
        "[1.]",
        "-",
        "\"\\u00e9\"",
        "\"tab\there\"",
        "{\"a\":1,\"a\":2}",
        " [ ] ",
        "",
    ] {
        assert_eq!(accepts(text.as_bytes()), parses(text.as_bytes()), "{text:?}");
    }
    assert!(!accepts(b"\"\xff\"") && !parses(b"\"\xff\""));
}

#[test]
fn nesting_stops_at_the_same_depth() {
    for n in [MAX_DEPTH - 2, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1] {
        let arrays = format!("{}{}", "[".repeat(n), "]".repeat(n));
        let objects = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
        for text in [arrays, objects] {
            assert_eq!(accepts(text.as_bytes()), parses(text.as_bytes()), "depth {n}");
        }
    }
}

fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{0,6}",
        "[\\x00-\\x1f\"\\\\/é€😀 a]{0,6}",
        any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ]
}

fn number() -> impl Strategy<Value = Json> {
    prop_oneof![
        any::<i64>().prop_map(|n| Json::Number(Num::from(n))),
        any::<u64>().prop_map(|n| Json::Number(Num::from(n))),
        any::<f64>().prop_map(Json::from_f64),
        (-1000i32..1000, -400i32..400).prop_map(|(m, e)| {
            // As a device might write it; out of range ones are refused by both, which is fine.
            Json::parse(format!("{m}e{e}").as_bytes()).unwrap_or(Json::Null)
        }),
    ]
}

fn value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number(),
        json_string().prop_map(Json::String),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::vec((json_string(), inner), 0..6)
                .prop_map(|members| Json::Object(members.into_iter().collect::<Object>())),
        ]
    })
}

/// Bytes that edits splice in: JSON's own pieces, the escapes at the edges, and some that are not JSON.
const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "\\ud800",
    "\\udc00",
    "\\ud83d\\ude00",
    "0",
    "1",
    "-",
    "+",
    ".",
    "e",
    "E",
    "e400",
    "true",
    "nul",
    " ",
    "\n",
    "\t",
    "\u{1}",
    "\u{7f}",
    "é",
    "'",
];

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, usize),
    Delete(usize),
    Replace(usize, usize),
    Byte(usize, u8),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    let piece = 0..PIECES.len();
    prop_oneof![
        (at, piece.clone()).prop_map(|(a, p)| Edit::Insert(a, p)),
        at.prop_map(Edit::Delete),
        (at, piece).prop_map(|(a, p)| Edit::Replace(a, p)),
        (at, any::<u8>()).prop_map(|(a, b)| Edit::Byte(a, b)),
        at.prop_map(Edit::Truncate),
    ]
}

fn apply(mut doc: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = doc.len() + 1;
        match *e {
            Edit::Insert(a, p) => {
                let a = a % n;
                doc.splice(a..a, PIECES[p].bytes());
            }
            Edit::Delete(a) if !doc.is_empty() => {
                doc.remove(a % doc.len());
            }
            Edit::Replace(a, p) if !doc.is_empty() => {
                let a = a % doc.len();
                doc.splice(a..a + 1, PIECES[p].bytes());
            }
            Edit::Byte(a, b) if !doc.is_empty() => {
                let a = a % doc.len();
                doc[a] = b;
            }
            Edit::Truncate(a) => doc.truncate(a % n),
            _ => {}
        }
    }
    doc
}

/// Text made of JSON's pieces at random: mostly near-JSON, so the edges of the grammar get hit.
fn jsonish() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            (0..PIECES.len()).prop_map(|p| PIECES[p].to_string()),
            "[0-9]{1,3}"
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn both_accept_every_written_value(v in value(), pretty in any::<bool>()) {
        let text = if pretty {
            let view = crate::model::json_view::pretty(v.to_json_string().as_bytes(), crate::model::json_view::Budget {
                max_bytes: usize::MAX,
                max_depth: MAX_DEPTH,
                max_tokens: usize::MAX,
            });
            view.tokens.into_iter().map(|(_, t)| t).collect::<String>()
        } else {
            v.to_json_string()
        };
        prop_assert!(parses(text.as_bytes()), "{}", text);
        prop_assert!(accepts(text.as_bytes()), "{}", text);
    }

    #[test]
    fn both_agree_on_edited_documents(v in value(), edits in prop::collection::vec(edit(), 1..4)) {
        let doc = apply(v.to_json_string().into_bytes(), &edits);
        prop_assert_eq!(accepts(&doc), parses(&doc), "{:?}", String::from_utf8_lossy(&doc));
    }

    #[test]
    fn both_agree_on_json_ish_text(doc in jsonish()) {
        prop_assert_eq!(accepts(&doc), parses(&doc), "{:?}", String::from_utf8_lossy(&doc));
    }

    #[test]
    fn the_viewer_calls_json_only_what_the_parser_reads(v in value(), edits in prop::collection::vec(edit(), 0..3)) {
        let doc = apply(v.to_json_string().into_bytes(), &edits);
        if detect(&doc) == ViewKind::Json {
            prop_assert!(parses(&doc), "{:?}", String::from_utf8_lossy(&doc));
        }
    }
}
