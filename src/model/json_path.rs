//! Numbers for charts: a plain numeric payload, or one value picked out of JSON by a path.
//!
//! Paths are the app's one dialect, [`json::path`](crate::model::json::path), the same widgets
//! read: `temperature`, `sensors.0.value`, `$.a.b[2]`, `a["key with space"]`.

use crate::model::json::path::{push_index, push_key, Path};
use crate::model::json::Json;
use crate::model::number::parse_f64;

/// Larger payloads are not parsed: charts call this for every message.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;
/// How many paths the chooser offers.
pub const MAX_PATHS: usize = 50;
/// Nodes visited while listing paths, so a huge array of strings cannot stall the page.
const MAX_VISITS: usize = 10_000;
/// Longer than any number a person would plot; stops parsing megabytes of digits.
const MAX_NUMBER_LEN: usize = 64;

/// The number in `payload`: the whole payload when `path` is None or empty, else the value at `path`.
/// Numeric strings (`"21.5"`) count, and booleans read as 1 and 0 so on/off states can be charted.
pub fn extract_number(payload: &[u8], path: Option<&str>) -> Option<f64> {
    let Some(path) = path.map(str::trim).filter(|p| !p.is_empty()) else {
        return plain_number(payload);
    };
    let path = Path::parse(path).ok()?;
    if payload.len() > MAX_JSON_BYTES {
        return None;
    }
    // The parser stops at 128 levels, so untrusted nesting cannot overflow the stack here.
    let value: Json = Json::parse(payload).ok()?;
    leaf_number(path.lookup(&value)?)
}

/// The paths of the numeric leaves of a JSON payload, in document order, at most `MAX_PATHS`.
/// Empty when the payload is not a JSON object or array (a plain number needs no path).
pub fn numeric_paths(payload: &[u8]) -> Vec<String> {
    let mut paths = Vec::new();
    if payload.len() > MAX_JSON_BYTES {
        return paths;
    }
    let Ok(root) = Json::parse(payload) else {
        return paths;
    };
    if !root.is_object() && !root.is_array() {
        return paths;
    }
    // An explicit stack: depth is bounded by the parser, but width is not, and order matters.
    let mut stack: Vec<(&Json, String)> = vec![(&root, String::new())];
    let mut visits = 0;
    while let Some((node, path)) = stack.pop() {
        visits += 1;
        if visits > MAX_VISITS || paths.len() >= MAX_PATHS {
            break;
        }
        match node {
            Json::Object(map) => {
                for (key, child) in map.iter().rev() {
                    let mut child_path = path.clone();
                    push_key(&mut child_path, key);
                    stack.push((child, child_path));
                }
            }
            Json::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    let mut child_path = path.clone();
                    push_index(&mut child_path, i);
                    stack.push((child, child_path));
                }
            }
            leaf => {
                if leaf_number(leaf).is_some() {
                    paths.push(path);
                }
            }
        }
    }
    paths
}

/// A payload that is nothing but a number, surrounding whitespace aside: `21.5`, `-3e2`.
fn plain_number(payload: &[u8]) -> Option<f64> {
    let trimmed = payload.trim_ascii();
    if trimmed.len() > MAX_NUMBER_LEN {
        return None;
    }
    // "inf", "NaN" and 1e999 are refused: they cannot be plotted.
    parse_f64(std::str::from_utf8(trimmed).ok()?)
}

fn leaf_number(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64().filter(|n| n.is_finite()),
        Json::String(s) => plain_number(s.as_bytes()),
        Json::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_number_payload_needs_no_path() {
        assert_eq!(extract_number(b"21.5", None), Some(21.5));
        assert_eq!(extract_number(b"  -3e2\r\n", None), Some(-300.0));
        assert_eq!(extract_number(b"0", Some("  ")), Some(0.0));
        for not_a_number in [
            &b""[..],
            b"abc",
            b"21.5C",
            b"NaN",
            b"inf",
            b"1e999",
            b"{\"a\":1}",
            b"\xff",
        ] {
            assert_eq!(extract_number(not_a_number, None), None);
        }
    }

    #[test]
    fn paths_reach_into_objects_and_arrays() {
        let payload = br#"{"temperature": 21.5, "sensors": [{"value": 3}, {"value": 4}],
            "a": {"b": [10, 20, 30], "key with space": 7, "x.y": 8}}"#;
        let at = |path: &str| extract_number(payload, Some(path));
        assert_eq!(at("temperature"), Some(21.5));
        assert_eq!(at("sensors.0.value"), Some(3.0));
        assert_eq!(at("sensors[1].value"), Some(4.0));
        assert_eq!(at("$.a.b[2]"), Some(30.0));
        assert_eq!(at("a[\"key with space\"]"), Some(7.0));
        assert_eq!(at("a['x.y']"), Some(8.0));
        assert_eq!(at(" $.a.b[ 0 ] "), Some(10.0));
    }

    #[test]
    fn missing_or_non_numeric_values_give_nothing() {
        let payload = br#"{"name": "probe", "a": {"b": 1}, "list": [1]}"#;
        for path in ["name", "a", "a.c", "list.5", "list.x", "a.b.c", "nope"] {
            assert_eq!(extract_number(payload, Some(path)), None, "{path}");
        }
        assert_eq!(extract_number(b"not json", Some("a")), None);
    }

    #[test]
    fn numeric_strings_and_booleans_can_be_charted() {
        let payload = br#"{"t": "21.5", "on": true, "off": false, "label": "warm"}"#;
        assert_eq!(extract_number(payload, Some("t")), Some(21.5));
        assert_eq!(extract_number(payload, Some("on")), Some(1.0));
        assert_eq!(extract_number(payload, Some("off")), Some(0.0));
        assert_eq!(extract_number(payload, Some("label")), None);
    }

    #[test]
    fn malformed_paths_are_rejected_not_panicked_on() {
        let payload = br#"{"a": {"b": 1}}"#;
        for path in [
            "a..b", "a.", "a[", "a[\"b", "a[]", "a]b", "a[0]b", "a['b'x]", "$$",
        ] {
            assert_eq!(extract_number(payload, Some(path)), None, "{path}");
        }
        assert_eq!(extract_number(payload, Some(&"a.".repeat(10_000))), None);
    }

    #[test]
    fn the_root_path_reads_a_json_number() {
        assert_eq!(extract_number(b"42", Some("$")), Some(42.0));
    }

    #[test]
    fn numeric_paths_lists_leaves_that_extract_back() {
        let payload = br#"{"a": {"b": 1, "c": "x"}, "d": [2, {"e": 3.5}], "f g": 4, "h": "5", "i": null}"#;
        let paths = numeric_paths(payload);
        assert_eq!(paths, ["a.b", "d[0]", "d[1].e", "[\"f g\"]", "h"]);
        for path in &paths {
            assert!(extract_number(payload, Some(path)).is_some(), "{path}");
        }
    }

    #[test]
    fn numeric_paths_escape_awkward_keys() {
        let payload = r#"{"q\"uote": 1, "dot.ted": 2, "": 3, "$x": 4, "tempé": 5, " pad": 6}"#;
        let payload = payload.as_bytes();
        let paths = numeric_paths(payload);
        assert_eq!(paths.len(), 6);
        assert!(paths.contains(&"tempé".to_string()), "{paths:?}");
        for path in &paths {
            assert!(extract_number(payload, Some(path)).is_some(), "{path}");
        }
    }

    #[test]
    fn numeric_paths_are_capped_for_the_chooser() {
        let payload = format!("[{}0]", "1,".repeat(1000));
        let paths = numeric_paths(payload.as_bytes());
        assert_eq!(paths.len(), MAX_PATHS);
        assert_eq!(paths[0], "[0]");
        assert!(numeric_paths(b"21.5").is_empty());
        assert!(numeric_paths(b"not json").is_empty());
    }

    #[test]
    fn hostile_payloads_are_bounded() {
        let deep = "[".repeat(100_000);
        assert_eq!(extract_number(deep.as_bytes(), Some("0")), None);
        assert!(numeric_paths(deep.as_bytes()).is_empty());
        let big = format!("[{}1]", "1,".repeat(2_500_000));
        assert_eq!(extract_number(big.as_bytes(), Some("[0]")), None);
        assert!(numeric_paths(big.as_bytes()).is_empty());
        assert_eq!(extract_number("9".repeat(5_000_000).as_bytes(), None), None);
    }
}
