//! What changed since the previous message on a topic: per key for JSON objects, per line otherwise.
//!
//! Both sides are untrusted, so every path has a cap: bytes parsed, keys flattened, lines compared
//! and the size of the line-diff table. Past a cap the result says so instead of working harder.

use crate::model::json::Json;
use crate::sorted_map::SortedMap;

/// Each side is compared only when it is at most this big.
pub const MAX_DIFF_BYTES: usize = 256 * 1024;
/// Flattened keys per side.
pub const MAX_KEYS: usize = 1000;
/// Lines per side for the line diff.
pub const MAX_LINES: usize = 2000;
/// Cells of the LCS table (lines left after the common start and end are removed, multiplied).
const MAX_CELLS: usize = 1_000_000;
/// Characters of one value shown in a key row.
const MAX_VALUE_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffKind {
    Added,
    Removed,
    Changed,
    Same,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffMode {
    /// Both payloads are JSON objects: one row per flattened key (`a.b.c`), sorted by key, with
    /// `old`/`new` holding the values as compact JSON.
    Keys,
    /// One row per line, like a unified diff: `key_or_line` is the line, `old`/`new` are None.
    Lines,
    /// Too big, or binary: one `Changed` (or `Same`) row describing both sides.
    Summary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffRow {
    pub kind: DiffKind,
    pub key_or_line: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    pub mode: DiffMode,
    pub rows: Vec<DiffRow>,
    /// Why the comparison is partial or only a summary, e.g. "too many lines to compare (over 2000)".
    pub truncated: Option<String>,
}

impl Diff {
    /// True when nothing changed.
    pub fn is_same(&self) -> bool {
        self.rows.iter().all(|r| r.kind == DiffKind::Same)
    }
}

/// Compares the previous payload `old` with the current one `new`.
pub fn diff(old: &[u8], new: &[u8]) -> Diff {
    if old.len() > MAX_DIFF_BYTES || new.len() > MAX_DIFF_BYTES {
        let why = format!("too large to compare (over {} KB)", MAX_DIFF_BYTES / 1024);
        return summary(old, new, Some(why));
    }
    if let (Some(a), Some(b)) = (json_object(old), json_object(new)) {
        return key_diff(&a, &b);
    }
    match (std::str::from_utf8(old), std::str::from_utf8(new)) {
        (Ok(a), Ok(b)) => line_diff(a, b),
        _ => summary(old, new, None),
    }
}

fn json_object(payload: &[u8]) -> Option<Json> {
    // The parser stops at 128 levels, so nesting cannot overflow the stack.
    Json::parse(payload).ok().filter(Json::is_object)
}

fn summary(old: &[u8], new: &[u8], truncated: Option<String>) -> Diff {
    let describe = |p: &[u8]| match std::str::from_utf8(p) {
        Ok(s) => format!("{} bytes, {} lines", p.len(), s.lines().count()),
        Err(_) => format!("{} bytes, binary", p.len()),
    };
    let kind = if old == new {
        DiffKind::Same
    } else {
        DiffKind::Changed
    };
    Diff {
        mode: DiffMode::Summary,
        rows: vec![DiffRow {
            kind,
            key_or_line: "payload".into(),
            old: Some(describe(old)),
            new: Some(describe(new)),
        }],
        truncated,
    }
}

fn key_diff(old: &Json, new: &Json) -> Diff {
    let (a, a_cut) = flatten(old);
    let (b, b_cut) = flatten(new);
    let mut rows = Vec::with_capacity(a.len().max(b.len()));
    let mut a_iter = a.into_iter().peekable();
    let mut b_iter = b.into_iter().peekable();
    // A merge of two sorted lists: each key is looked at once.
    loop {
        let order = match (a_iter.peek(), b_iter.peek()) {
            (None, None) => break,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some((ka, _)), Some((kb, _))) => ka.cmp(kb),
        };
        let row = match order {
            std::cmp::Ordering::Less => a_iter.next().map(|(key, v)| DiffRow {
                kind: DiffKind::Removed,
                key_or_line: key,
                old: Some(v),
                new: None,
            }),
            std::cmp::Ordering::Greater => b_iter.next().map(|(key, v)| DiffRow {
                kind: DiffKind::Added,
                key_or_line: key,
                old: None,
                new: Some(v),
            }),
            std::cmp::Ordering::Equal => a_iter.next().zip(b_iter.next()).map(|((key, va), (_, vb))| {
                let kind = if va == vb {
                    DiffKind::Same
                } else {
                    DiffKind::Changed
                };
                DiffRow {
                    kind,
                    key_or_line: key,
                    old: Some(va),
                    new: Some(vb),
                }
            }),
        };
        rows.extend(row);
    }
    Diff {
        mode: DiffMode::Keys,
        rows,
        truncated: (a_cut || b_cut).then(|| format!("comparing the first {MAX_KEYS} keys")),
    }
}

/// Flattens nested objects to `a.b.c` keys; arrays stay whole values, because an insertion would
/// otherwise show every later index as changed. Returns whether keys past `MAX_KEYS` were dropped.
fn flatten(root: &Json) -> (SortedMap<String, String>, bool) {
    let mut out = SortedMap::default();
    let mut cut = false;
    // Every entry on the stack becomes at least one key, so out + stack never passes MAX_KEYS.
    // The root has no prefix: it is always expanded, and its keys take no leading dot.
    let mut stack: Vec<(Option<String>, &Json)> = vec![(None, root)];
    while let Some((prefix, value)) = stack.pop() {
        match value {
            Json::Object(map) if !map.is_empty() || prefix.is_none() => {
                let room = MAX_KEYS.saturating_sub(out.len() + stack.len());
                cut |= map.len() > room;
                let children: Vec<_> = map.iter().take(room).collect();
                // Reversed so the first keys are flattened first and survive the cap.
                for (key, child) in children.into_iter().rev() {
                    let path = match &prefix {
                        None => key.clone(),
                        Some(prefix) => format!("{prefix}.{key}"),
                    };
                    stack.push((Some(path), child));
                }
            }
            leaf => {
                out.insert(prefix.unwrap_or_default(), shorten(leaf.to_string()));
            }
        }
    }
    (out, cut)
}

fn shorten(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_VALUE_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

fn line_diff(old: &str, new: &str) -> Diff {
    let a: Vec<&str> = old.lines().take(MAX_LINES + 1).collect();
    let b: Vec<&str> = new.lines().take(MAX_LINES + 1).collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let why = format!("too many lines to compare (over {MAX_LINES})");
        return summary(old.as_bytes(), new.as_bytes(), Some(why));
    }
    // Most updates touch a few lines; trimming the shared start and end keeps the table small.
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    if mid_a.len().saturating_mul(mid_b.len()) > MAX_CELLS {
        let why = "too many changed lines to compare line by line".to_string();
        return summary(old.as_bytes(), new.as_bytes(), Some(why));
    }
    let line = |kind: DiffKind, text: &str| DiffRow {
        kind,
        key_or_line: text.to_string(),
        old: None,
        new: None,
    };
    let mut rows: Vec<DiffRow> = a[..prefix].iter().map(|l| line(DiffKind::Same, l)).collect();
    for (kind, text) in lcs_script(mid_a, mid_b) {
        rows.push(line(kind, text));
    }
    rows.extend(a[a.len() - suffix..].iter().map(|l| line(DiffKind::Same, l)));
    Diff {
        mode: DiffMode::Lines,
        rows,
        truncated: None,
    }
}

/// A shortest edit script from the longest common subsequence; removals come before additions
/// where both are possible, as in a unified diff.
fn lcs_script<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(DiffKind, &'a str)> {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    // Lengths fit in u16 because both sides are at most MAX_LINES.
    let mut table = vec![0u16; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i * width + j] = if a[i] == b[j] {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
        }
    }
    let mut script = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            script.push((DiffKind::Same, a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || table[(i + 1) * width + j] >= table[i * width + j + 1]) {
            script.push((DiffKind::Removed, a[i]));
            i += 1;
        } else {
            script.push((DiffKind::Added, b[j]));
            j += 1;
        }
    }
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: DiffKind, key: &str, old: Option<&str>, new: Option<&str>) -> DiffRow {
        DiffRow {
            kind,
            key_or_line: key.into(),
            old: old.map(Into::into),
            new: new.map(Into::into),
        }
    }

    fn lines(d: &Diff) -> Vec<(DiffKind, &str)> {
        d.rows.iter().map(|r| (r.kind, r.key_or_line.as_str())).collect()
    }

    #[test]
    fn json_objects_are_compared_per_flattened_key() {
        let old = br#"{"temp": 21.5, "unit": "C", "meta": {"fw": "1.0", "id": 7}, "gone": true}"#;
        let new = br#"{"temp": 22, "unit": "C", "meta": {"fw": "1.1", "id": 7}, "tags": ["a"]}"#;
        let d = diff(old, new);
        assert_eq!(d.mode, DiffMode::Keys);
        assert_eq!(d.truncated, None);
        assert_eq!(
            d.rows,
            [
                row(DiffKind::Removed, "gone", Some("true"), None),
                row(DiffKind::Changed, "meta.fw", Some("\"1.0\""), Some("\"1.1\"")),
                row(DiffKind::Same, "meta.id", Some("7"), Some("7")),
                row(DiffKind::Added, "tags", None, Some("[\"a\"]")),
                row(DiffKind::Changed, "temp", Some("21.5"), Some("22")),
                row(DiffKind::Same, "unit", Some("\"C\""), Some("\"C\"")),
            ]
        );
        assert!(!d.is_same());
    }

    #[test]
    fn an_identical_message_is_all_same() {
        let p = br#"{"a": {"b": {}}, "c": []}"#;
        let d = diff(p, p);
        assert!(d.is_same());
        assert_eq!(
            d.rows,
            [
                row(DiffKind::Same, "a.b", Some("{}"), Some("{}")),
                row(DiffKind::Same, "c", Some("[]"), Some("[]"))
            ]
        );
    }

    #[test]
    fn long_values_are_shortened_in_rows() {
        let old = format!("{{\"log\": \"{}\"}}", "x".repeat(5000));
        let d = diff(old.as_bytes(), b"{}");
        assert_eq!((d.rows.len(), d.rows[0].kind), (1, DiffKind::Removed));
        let shown = d.rows[0].old.as_deref().unwrap();
        assert_eq!(shown.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(shown.ends_with('…'));
    }

    #[test]
    fn wide_objects_are_compared_up_to_the_key_cap() {
        let wide: String = (0..5000)
            .map(|i| format!("\"k{i:05}\": {i}"))
            .collect::<Vec<_>>()
            .join(",");
        let wide = format!("{{{wide}}}");
        let d = diff(wide.as_bytes(), wide.as_bytes());
        assert_eq!(d.mode, DiffMode::Keys);
        assert!(d.rows.len() <= MAX_KEYS);
        assert_eq!(d.truncated.as_deref(), Some("comparing the first 1000 keys"));
    }

    #[test]
    fn text_is_compared_per_line() {
        let d = diff(b"a\nb\nc\nd", b"a\nB\nc\nd\ne");
        assert_eq!(d.mode, DiffMode::Lines);
        assert_eq!(
            lines(&d),
            [
                (DiffKind::Same, "a"),
                (DiffKind::Removed, "b"),
                (DiffKind::Added, "B"),
                (DiffKind::Same, "c"),
                (DiffKind::Same, "d"),
                (DiffKind::Added, "e"),
            ]
        );
    }

    #[test]
    fn line_diff_finds_moved_and_inserted_lines() {
        let d = diff(b"x\ny\nz", b"y\nz\nx");
        assert_eq!(
            lines(&d),
            [
                (DiffKind::Removed, "x"),
                (DiffKind::Same, "y"),
                (DiffKind::Same, "z"),
                (DiffKind::Added, "x")
            ]
        );
        let d = diff(b"", b"one\ntwo");
        assert_eq!(lines(&d), [(DiffKind::Added, "one"), (DiffKind::Added, "two")]);
    }

    #[test]
    fn json_that_is_not_an_object_is_compared_as_text() {
        let d = diff(b"[1, 2]", b"[1, 3]");
        assert_eq!(d.mode, DiffMode::Lines);
        assert_eq!(
            lines(&d),
            [(DiffKind::Removed, "[1, 2]"), (DiffKind::Added, "[1, 3]")]
        );
        let d = diff(b"{\"a\": 1}", b"plain");
        assert_eq!(d.mode, DiffMode::Lines);
    }

    #[test]
    fn binary_payloads_get_a_summary() {
        let d = diff(&[0xff, 0x00], &[0xff, 0x01, 0x02]);
        assert_eq!(d.mode, DiffMode::Summary);
        assert_eq!(
            d.rows,
            [row(
                DiffKind::Changed,
                "payload",
                Some("2 bytes, binary"),
                Some("3 bytes, binary")
            )]
        );
        assert!(diff(&[0xff], &[0xff]).is_same());
    }

    #[test]
    fn many_lines_fall_back_to_a_summary() {
        let old: String = (0..3000).map(|i| format!("line {i}\n")).collect();
        let new: String = (0..3000).map(|i| format!("line {}\n", i * 7)).collect();
        let d = diff(old.as_bytes(), new.as_bytes());
        assert_eq!(d.mode, DiffMode::Summary);
        assert_eq!(
            d.truncated.as_deref(),
            Some("too many lines to compare (over 2000)")
        );
        assert_eq!(d.rows[0].old.as_deref(), Some("28890 bytes, 3000 lines"));
    }

    #[test]
    fn a_small_change_in_a_long_text_is_cheap_and_exact() {
        let old: String = (0..1900).map(|i| format!("{i}\n")).collect();
        let new = old.replace("\n950\n", "\nnine fifty\n");
        let d = diff(old.as_bytes(), new.as_bytes());
        assert_eq!(d.mode, DiffMode::Lines);
        let changed: Vec<_> = d.rows.iter().filter(|r| r.kind != DiffKind::Same).collect();
        assert_eq!(changed.len(), 2);
        assert_eq!(d.rows.len(), 1901);
    }

    #[test]
    fn huge_and_deep_payloads_are_bounded() {
        let big = vec![b'a'; 5 * 1024 * 1024];
        let d = diff(&big, b"a");
        assert_eq!(d.mode, DiffMode::Summary);
        assert_eq!(d.truncated.as_deref(), Some("too large to compare (over 256 KB)"));
        let deep = "{\"a\":".repeat(100_000);
        let d = diff(deep.as_bytes(), deep.as_bytes());
        assert!(d.is_same());
    }
}
