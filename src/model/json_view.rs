//! How a payload is looked at: text, JSON or binary; JSON pretty-printed as coloured tokens, and Base64.
//!
//! The scanning itself lives in `json::scan`, which shares its grammar with the JSON parser.

pub use super::json::scan::TokenKind;
use super::json::scan::{self, scan, End, Out};

/// Limits on the work one pretty-print may do; payloads are untrusted and can be megabytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Bytes of payload read; the rest is not looked at.
    pub max_bytes: usize,
    /// Open objects and arrays at once.
    pub max_depth: usize,
    /// Tokens emitted; each becomes a span, so this caps the DOM size.
    pub max_tokens: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_bytes: 100 * 1024,
            max_depth: 64,
            max_tokens: 20_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonView {
    pub tokens: Vec<(TokenKind, String)>,
    /// Why the view stops early, e.g. "too deep (over 64 levels)", "showing the first 100 KB".
    pub truncated: Option<String>,
    /// False when a syntax error was found in what was read; the tokens then end with `Invalid`.
    pub valid: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Text,
    Json,
    Binary,
}

/// Pretty-prints `payload` as JSON, two spaces per level, within `budget`.
pub fn pretty(payload: &[u8], budget: Budget) -> JsonView {
    let cut = payload.len() > budget.max_bytes;
    let head = &payload[..payload.len().min(budget.max_bytes)];
    let (text, bad_utf8) = utf8_prefix(head, cut);
    let mut out = Out {
        tokens: Vec::new(),
        max: budget.max_tokens,
        record: true,
    };
    let end = scan(text, budget.max_depth, &mut out);
    let mut view = JsonView {
        tokens: out.tokens,
        truncated: None,
        valid: true,
    };
    let bytes_reason = || format!("showing the first {}", size_label(budget.max_bytes));
    let invalid_from = match end {
        End::Complete if bad_utf8 => Some(text.len()),
        End::Complete | End::Eof if cut => {
            view.truncated = Some(bytes_reason());
            None
        }
        End::Complete => None,
        End::Eof if bad_utf8 => Some(text.len()),
        End::Eof => {
            view.valid = false;
            None
        }
        End::Error(pos) => Some(pos),
        End::TooDeep => {
            view.truncated = Some(format!("too deep (over {} levels)", budget.max_depth));
            None
        }
        End::TooManyTokens => {
            view.truncated = Some(format!("showing the first {} parts", budget.max_tokens));
            None
        }
    };
    if let Some(pos) = invalid_from {
        view.valid = false;
        let rest = String::from_utf8_lossy(head.get(pos..).unwrap_or_default()).into_owned();
        if !rest.is_empty() {
            view.tokens.push((TokenKind::Invalid, rest));
        }
        if cut {
            view.truncated = Some(bytes_reason());
        }
    }
    view
}

/// Bytes looked at by `detect` to tell text from binary without reading a huge payload.
pub const DETECT_BYTES: usize = 100 * 1024;

/// Json when the payload is an object or array the JSON parser reads (the whole payload is
/// checked, so nothing is called JSON that the app cannot read as JSON), Text when the first
/// `DETECT_BYTES` are printable UTF-8, Binary otherwise. A bare number or string stays Text:
/// colouring adds nothing.
pub fn detect(payload: &[u8]) -> ViewKind {
    let cut = payload.len() > DETECT_BYTES;
    let head = &payload[..payload.len().min(DETECT_BYTES)];
    let (text, bad_utf8) = utf8_prefix(head, cut);
    if bad_utf8
        || text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return ViewKind::Binary;
    }
    if matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'[')) && scan::accepts(payload) {
        ViewKind::Json
    } else {
        ViewKind::Text
    }
}

/// Why a payload that opens like JSON (`{` or `[`) is shown as text: the parser's reason, so
/// that a user sees what is wrong with it. `None` for payloads that do not look like JSON or
/// that are JSON. Past `REASON_BYTES` the reason is not worked out: a render must not parse
/// megabytes to say so.
pub fn not_json_reason(payload: &[u8]) -> Option<String> {
    const REASON_BYTES: usize = 256 * 1024;
    let start = payload.iter().find(|b| !b.is_ascii_whitespace())?;
    if !matches!(start, b'{' | b'[') || scan::accepts(payload) {
        return None;
    }
    if payload.len() > REASON_BYTES {
        return Some("Shown as text: this is not JSON the app can read".into());
    }
    let e = super::json::Json::parse(payload).err()?;
    Some(format!("Shown as text: not JSON the app can read ({e})"))
}

/// Standard Base64 with padding (RFC 4648), for binary payloads in exports and copies.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The longest UTF-8 prefix, and whether bytes after it are not UTF-8. A character split by the
/// byte cap is not a fault of the payload, so it only shortens the prefix.
fn utf8_prefix(head: &[u8], cut: bool) -> (&str, bool) {
    match std::str::from_utf8(head) {
        Ok(s) => (s, false),
        Err(e) => {
            let s = std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default();
            (s, !(cut && e.error_len().is_none()))
        }
    }
}

fn size_label(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(view: &JsonView) -> String {
        view.tokens.iter().map(|(_, t)| t.as_str()).collect()
    }

    fn kinds_of(view: &JsonView, text: &str) -> Vec<TokenKind> {
        view.tokens
            .iter()
            .filter(|(_, t)| t == text)
            .map(|(k, _)| *k)
            .collect()
    }

    #[test]
    fn nested_json_is_indented_two_spaces_per_level() {
        let view = pretty(br#"{"a":1,"b":[true,null,"x"],"c":{},"d":[]}"#, Budget::default());
        assert!(view.valid && view.truncated.is_none());
        assert_eq!(
            render(&view),
            "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null,\n    \"x\"\n  ],\n  \"c\": {},\n  \"d\": []\n}"
        );
    }

    #[test]
    fn keys_and_values_get_their_own_colours() {
        let view = pretty(
            br#"{"k": "v", "n": -1.5e3, "t": false, "z": null}"#,
            Budget::default(),
        );
        assert_eq!(kinds_of(&view, "\"k\""), [TokenKind::Key]);
        assert_eq!(kinds_of(&view, "\"v\""), [TokenKind::String]);
        assert_eq!(kinds_of(&view, "-1.5e3"), [TokenKind::Number]);
        assert_eq!(kinds_of(&view, "false"), [TokenKind::Bool]);
        assert_eq!(kinds_of(&view, "null"), [TokenKind::Null]);
        assert_eq!(kinds_of(&view, "{"), [TokenKind::Punct]);
    }

    #[test]
    fn strings_keep_escapes_and_unicode_as_written() {
        let view = pretty("[\"é \\\"q\\\" \\u00e9\"]".as_bytes(), Budget::default());
        assert!(view.valid);
        assert_eq!(kinds_of(&view, "\"é \\\"q\\\" \\u00e9\""), [TokenKind::String]);
    }

    #[test]
    fn a_syntax_error_shows_the_rest_as_invalid() {
        let view = pretty(br#"{"a": 1, "b": nope}"#, Budget::default());
        assert!(!view.valid);
        assert_eq!(
            view.tokens.last().unwrap(),
            &(TokenKind::Invalid, "nope}".to_string())
        );
        assert!(render(&view).starts_with("{\n  \"a\": 1,\n  \"b\": "));
        for bad in [
            &b"[01]"[..],
            b"[1,]",
            b"{\"a\" 1}",
            b"[1] 2",
            b"{'a':1}",
            b"[\"\\x\"]",
            b"[1.]",
        ] {
            assert!(
                !pretty(bad, Budget::default()).valid,
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn an_unfinished_document_is_invalid_without_being_truncated() {
        let view = pretty(br#"{"a": [1, 2"#, Budget::default());
        assert!(!view.valid);
        assert_eq!(view.truncated, None);
    }

    #[test]
    fn json_that_cannot_be_read_says_why_it_is_shown_as_text() {
        let deep = "[".repeat(100_000);
        let why = not_json_reason(deep.as_bytes()).unwrap();
        assert!(why.contains("nested deeper than"), "{why}");
        let broken = not_json_reason(br#"{"a": tru}"#).unwrap();
        assert!(broken.starts_with("Shown as text"), "{broken}");
        assert_eq!(not_json_reason(br#"{"a": true}"#), None);
        assert_eq!(not_json_reason(b"plain words"), None);
    }

    #[test]
    fn deep_nesting_stops_at_the_depth_cap_without_overflowing_the_stack() {
        let deep = "[".repeat(100_000);
        let view = pretty(deep.as_bytes(), Budget::default());
        assert_eq!(view.truncated.as_deref(), Some("too deep (over 64 levels)"));
        assert_eq!(view.tokens.iter().filter(|(_, t)| t == "[").count(), 64);
        // Never closed, and deeper than the parser reads: not JSON to the rest of the app.
        assert_eq!(detect(deep.as_bytes()), ViewKind::Text);
    }

    #[test]
    fn a_5_mb_payload_reads_only_the_byte_budget() {
        let big = format!("[{}1]", "1,".repeat(2_500_000));
        let budget = Budget {
            max_tokens: usize::MAX,
            ..Budget::default()
        };
        let view = pretty(big.as_bytes(), budget);
        assert!(view.valid);
        assert_eq!(view.truncated.as_deref(), Some("showing the first 100 KB"));
        let shown: usize = view.tokens.iter().map(|(_, t)| t.len()).sum();
        assert!(shown < 300 * 1024, "{shown}");
    }

    #[test]
    fn the_token_cap_bounds_the_number_of_spans() {
        let view = pretty(
            format!("[{}1]", "1,".repeat(10_000)).as_bytes(),
            Budget::default(),
        );
        assert_eq!(view.tokens.len(), 20_000);
        assert_eq!(view.truncated.as_deref(), Some("showing the first 20000 parts"));
    }

    #[test]
    fn a_cut_inside_a_multibyte_character_is_not_an_error() {
        let payload = "[\"ééééé\"]".as_bytes();
        let view = pretty(
            payload,
            Budget {
                max_bytes: 5,
                ..Budget::default()
            },
        );
        assert!(view.valid);
        assert_eq!(view.truncated.as_deref(), Some("showing the first 5 bytes"));
    }

    #[test]
    fn binary_after_json_is_invalid() {
        let view = pretty(b"{\"a\":1}\xff\xfe", Budget::default());
        assert!(!view.valid);
        assert_eq!(view.tokens.last().unwrap().0, TokenKind::Invalid);
    }

    #[test]
    fn detect_tells_json_text_and_binary_apart() {
        assert_eq!(detect(br#" {"temp": 21.5} "#), ViewKind::Json);
        assert_eq!(detect(b"[1, 2, 3]"), ViewKind::Json);
        assert_eq!(detect(b"21.5"), ViewKind::Text);
        assert_eq!(detect(b"{not json}"), ViewKind::Text);
        assert_eq!(detect("hello wörld\n".as_bytes()), ViewKind::Text);
        assert_eq!(detect(b""), ViewKind::Text);
        assert_eq!(detect(&[0xde, 0xad, 0xbe, 0xef]), ViewKind::Binary);
        assert_eq!(detect(&[0x00, 0x01]), ViewKind::Binary);
        let big = format!("[{}1]", "1,".repeat(2_500_000));
        assert_eq!(detect(big.as_bytes()), ViewKind::Json);
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (input, expected) in cases {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
        assert_eq!(base64(&[0xfb, 0xef]), "++8=");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let samples: [&[u8]; 10] = [
            b"",
            b"[",
            b"{\"",
            b"\"\\u12",
            b"-",
            b"1e",
            b"tru",
            b"}",
            b"]]",
            b"{\"a\":}",
        ];
        for s in samples {
            let _ = pretty(s, Budget::default());
            let _ = detect(s);
        }
        let zero = Budget {
            max_bytes: 0,
            max_depth: 0,
            max_tokens: 0,
        };
        let view = pretty(b"[1]", zero);
        assert!(view.truncated.is_some());
        assert!(view.tokens.is_empty());
    }
}
