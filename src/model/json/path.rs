//! Paths into a JSON value, one dialect for charts and widgets.
//!
//! What people type: `temperature`, `a.b[0].c`, `sensors.0.value`, `a["key with space"]` or
//! `a['x.y']` (a backslash escapes the next character inside quotes), with an optional leading
//! `$`, `$.` or `.` and Home Assistant's `value_json.` / `value_json[` prefix. `$` or nothing is
//! the whole value. A step in brackets is an index when it is a number and must be quoted
//! otherwise; `]` outside brackets, empty steps and `..` are mistakes, not keys.
//!
//! A key on an array picks an item when it reads as a number (Jinja's `list.0`), and an index on
//! an object picks the key written with those digits (`obj[0]` is `obj["0"]`), so `a.0` and `a[0]`
//! find the same value.

use std::fmt;

use super::Json;

/// Longer paths are refused: charts parse theirs for every message.
const MAX_LEN: usize = 1024;
/// Steps in one path.
const MAX_STEPS: usize = 64;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A parsed path: its steps from the root. Empty is the whole value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path(Vec<Seg>);

/// Why a path cannot be read, in words for the person who typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathError(pub &'static str);

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for PathError {}

impl Path {
    /// Reads a path; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        if text.len() > MAX_LEN {
            return Err(PathError("the path is too long"));
        }
        let s = text.trim();
        let s = s.strip_prefix("$.").or_else(|| s.strip_prefix('$')).unwrap_or(s);
        // People who know Home Assistant type `value_json.a.b` and mean the path `a.b`; a bare
        // `value_json` stays the key of that name, as it always read.
        let s = match s.strip_prefix("value_json") {
            Some(rest) if rest.starts_with(['.', '[']) => rest,
            _ => s,
        };
        let mut chars = s.chars().peekable();
        let mut segs = Vec::new();
        while let Some(c) = chars.next() {
            let seg = match c {
                // `.[0]` reads as `[0]`; a leading `.` is allowed.
                '.' if chars.peek() == Some(&'[') => continue,
                '.' => bare(&mut chars, None)?,
                '[' => bracketed(&mut chars)?,
                ']' => return Err(PathError("] without [")),
                c if segs.is_empty() => bare(&mut chars, Some(c))?,
                _ => return Err(PathError("expected . or [ between keys")),
            };
            segs.push(seg);
            if segs.len() > MAX_STEPS {
                return Err(PathError("the path has too many steps"));
            }
        }
        Ok(Path(segs))
    }

    /// A path of one key, which may be any text (discovery documents name their keys).
    pub fn key(key: &str) -> Path {
        Path(vec![Seg::Key(key.to_string())])
    }

    pub fn segs(&self) -> &[Seg] {
        &self.0
    }

    /// True for the whole value (`$` or an empty path).
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The value this path leads to in `root`.
    pub fn lookup<'v>(&self, root: &'v Json) -> Option<&'v Json> {
        lookup(root, &self.0)
    }
}

/// The value `path` leads to from `at`.
pub fn lookup<'v>(mut at: &'v Json, path: &[Seg]) -> Option<&'v Json> {
    for seg in path {
        at = match (seg, at) {
            (Seg::Key(k), Json::Object(map)) => map.get(k)?,
            (Seg::Index(i), Json::Array(items)) => items.get(*i)?,
            (Seg::Key(k), Json::Array(items)) => items.get(k.parse::<usize>().ok()?)?,
            (Seg::Index(i), Json::Object(map)) => map.get(&i.to_string())?,
            _ => return None,
        };
    }
    Some(at)
}

/// Printed so that [`Path::parse`] reads it back as the same path: `a.b[0]`, `["key with space"]`,
/// `$` for the whole value.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("$");
        }
        let mut out = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => push_key(&mut out, k),
                Seg::Index(i) => push_index(&mut out, *i),
            }
        }
        f.write_str(&out)
    }
}

/// Appends a key step to a printed path (`out` empty for the first step).
pub fn push_key(out: &mut String, key: &str) {
    // What `bare` reads back unchanged; std's Unicode letter tables would cost the bundle more
    // than a bracket costs a reader.
    // A first key named `value_json` would read as Home Assistant's prefix.
    let prefix_like = out.is_empty() && key == "value_json";
    let plain = !key.is_empty()
        && !prefix_like
        && key
            .chars()
            .all(|c| !c.is_whitespace() && !matches!(c, '.' | '[' | ']' | '"' | '\'' | '\\' | '$'));
    if plain {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(key);
    } else {
        out.push_str("[\"");
        for c in key.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push_str("\"]");
    }
}

/// Appends an index step to a printed path.
pub fn push_index(out: &mut String, index: usize) {
    out.push('[');
    out.push_str(&index.to_string());
    out.push(']');
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// A key written bare, up to the next `.` or `[`; `first` is its first character when already taken.
fn bare(chars: &mut Chars, first: Option<char>) -> Result<Seg, PathError> {
    let mut name: String = first.into_iter().collect();
    while let Some(c) = chars.next_if(|c| !matches!(c, '.' | '[')) {
        if c == ']' {
            return Err(PathError("] without ["));
        }
        name.push(c);
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(PathError("a path needs keys like a.b[0].c"));
    }
    Ok(Seg::Key(name.to_string()))
}

/// The inside of `[2]`, `["a b"]` or `['a b']`, the opening bracket already taken.
fn bracketed(chars: &mut Chars) -> Result<Seg, PathError> {
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    let seg = match chars.peek().copied() {
        Some(quote @ ('"' | '\'')) => {
            chars.next();
            let mut key = String::new();
            loop {
                match chars.next() {
                    None => return Err(PathError("unclosed quote")),
                    Some('\\') => key.push(chars.next().ok_or(PathError("unclosed quote"))?),
                    Some(c) if c == quote => break,
                    Some(c) => key.push(c),
                }
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            Seg::Key(key)
        }
        _ => {
            let mut raw = String::new();
            while let Some(c) = chars.next_if(|c| *c != ']') {
                raw.push(c);
            }
            let index = raw.trim().parse::<usize>();
            Seg::Index(index.map_err(|_| PathError("[...] needs a number or a quoted key"))?)
        }
    };
    match chars.next() {
        Some(']') => Ok(seg),
        None => Err(PathError("unclosed [")),
        Some(_) => Err(PathError("expected ] after a quoted key")),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn parse(text: &str) -> Result<Path, PathError> {
        Path::parse(text)
    }

    fn keys(names: &[&str]) -> Path {
        Path(names.iter().map(|k| Seg::Key(k.to_string())).collect())
    }

    #[test]
    fn every_old_spelling_is_read() {
        let ab = keys(&["a", "b"]);
        for text in [
            "a.b",
            " a.b ",
            "$.a.b",
            "$a.b",
            ".a.b",
            "a . b",
            "value_json.a.b",
            "$.value_json.a.b",
            "a[\"b\"]",
            "a['b']",
            "a[ 'b' ]",
            "[\"a\"].b",
            "value_json['a'].b",
            "value_json[\"a\"][\"b\"]",
        ] {
            assert_eq!(parse(text), Ok(ab.clone()), "{text:?}");
        }
        let a0 = Path(vec![Seg::Key("a".into()), Seg::Index(0)]);
        for text in [
            "a[0]",
            "a[ 0 ]",
            "a.[0]",
            "$.a[0]",
            "value_json.a[0]",
            "value_json['a'][0]",
        ] {
            assert_eq!(parse(text), Ok(a0.clone()), "{text:?}");
        }
        assert_eq!(parse("$"), Ok(Path::default()));
        assert_eq!(parse(""), Ok(Path::default()));
        assert_eq!(parse("value_json"), Ok(keys(&["value_json"])));
        assert_eq!(parse("$$"), Ok(keys(&["$"])));
        assert_eq!(parse(r#"a["q\"u\\o"]"#), Ok(keys(&["a", "q\"u\\o"])));
        assert_eq!(parse(r#"[""]"#), Ok(keys(&[""])));
    }

    #[test]
    fn mistakes_are_refused_with_a_reason() {
        for text in [
            "a..b",
            "a.",
            ".",
            "a[",
            "a[\"b",
            "a[]",
            "a]b",
            "a[0]b",
            "a['b'x]",
            "a[x]",
            "value_json.",
            "a[-1]",
            "[0",
            "a b[0] c",
        ] {
            let e = parse(text).expect_err(text);
            assert!(!e.to_string().is_empty());
        }
        assert!(parse(&"a.".repeat(600)).is_err());
        assert!(parse(&"a.".repeat(100)).is_err());
    }

    #[test]
    fn a_dot_number_and_a_bracket_number_find_the_same_value() {
        let array = Json::parse(br#"{"a":[10,20]}"#).unwrap();
        let object = Json::parse(br#"{"a":{"0":30,"1":40}}"#).unwrap();
        for doc in [&array, &object] {
            for (dot, bracket) in [("a.0", "a[0]"), ("a.1", "a[1]")] {
                let (dot, bracket) = (parse(dot).unwrap(), parse(bracket).unwrap());
                assert!(dot.lookup(doc).is_some());
                assert_eq!(dot.lookup(doc), bracket.lookup(doc));
            }
        }
        assert_eq!(parse("a[2]").unwrap().lookup(&array), None);
        assert_eq!(parse("a.b").unwrap().lookup(&array), None);
        assert_eq!(parse("$").unwrap().lookup(&array), Some(&array));
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z_][a-z0-9_]{0,5}",
            "[0-9]{1,3}",
            Just("value_json".to_string()),
            "[a-z .\\[\\]\"'\\\\$é]{0,6}",
            any::<String>().prop_map(|s| s.chars().take(6).collect()),
        ]
    }

    fn path() -> impl Strategy<Value = Path> {
        prop::collection::vec(
            prop_oneof![key().prop_map(Seg::Key), (0usize..100_000).prop_map(Seg::Index)],
            0..8,
        )
        .prop_map(Path)
    }

    /// A plain key written in each way the old chart and widget parsers read keys.
    fn spelled_key(key: &str, first: bool, style: u8) -> String {
        match (style % 3, first) {
            (0, true) => key.to_string(),
            (0, false) => format!(".{key}"),
            (1, _) => format!("[\"{key}\"]"),
            _ => format!("['{key}']"),
        }
    }

    proptest! {
        #[test]
        fn printed_paths_read_back_as_the_same_path(p in path()) {
            let text = p.to_string();
            prop_assert_eq!(parse(&text), Ok(p), "{}", text);
        }

        #[test]
        fn every_spelling_of_a_path_reads_the_same(
            steps in prop::collection::vec(
                prop_oneof!["[a-z_][a-z0-9_]{0,5}".prop_map(Ok), (0usize..1000).prop_map(Err)],
                1..6,
            ),
            styles in prop::collection::vec(any::<u8>(), 6),
            prefix in prop::sample::select(vec!["", "$", "$.", "value_json.", " ", "$.value_json."]),
        ) {
            // `value_json` as a first key is the prefix, not a key: leave it out of the keys.
            prop_assume!(!matches!(&steps[0], Ok(k) if k == "value_json"));
            let mut text = String::new();
            let mut segs = Vec::new();
            for (i, (step, style)) in steps.iter().zip(&styles).enumerate() {
                match step {
                    Ok(k) => {
                        text.push_str(&spelled_key(k, i == 0, *style));
                        segs.push(Seg::Key(k.clone()));
                    }
                    Err(n) => {
                        text.push_str(&format!("[{n}]"));
                        segs.push(Seg::Index(*n));
                    }
                }
            }
            let text = format!("{prefix}{text}");
            prop_assert_eq!(parse(&text), Ok(Path(segs)), "{}", text);
        }

        #[test]
        fn arbitrary_text_never_panics(text in "[a-z0-9 .\\[\\]\"'\\\\$]{0,24}") {
            if let Ok(p) = parse(&text) {
                prop_assert_eq!(parse(&p.to_string()), Ok(p));
            }
        }
    }
}
