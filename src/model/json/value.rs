//! The value type: [`Json`], its numbers kept as text ([`Num`]) and its objects in document order
//! ([`Object`]).

use super::error::JsonError;
use super::parse;
use super::write;
use crate::model::number::parse_f64;

/// A JSON number as text: either read from a document (valid JSON number syntax, finite) or made
/// by [`Num::from_f64`] and friends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Num(String);

impl Num {
    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn as_f64(&self) -> Option<f64> {
        parse_f64(&self.0)
    }

    /// True for a plain integer (`-12`), as opposed to `12.0` or `1e3`, matching where
    /// serde_json would have kept an integer instead of a float.
    fn is_integer_text(&self) -> bool {
        let digits = self.0.strip_prefix('-').unwrap_or(&self.0);
        // serde_json reads `-0` as the float -0.0.
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && self.0 != "-0"
    }

    /// The value when it is an integer that fits; `None` for fractions and exponents, as serde_json.
    pub fn as_i64(&self) -> Option<i64> {
        if !self.is_integer_text() {
            return None;
        }
        let (negative, digits) = match self.0.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, self.0.as_str()),
        };
        let mut n: i64 = 0;
        for b in digits.bytes() {
            let d = i64::from(b - b'0');
            n = n.checked_mul(10)?;
            n = if negative {
                n.checked_sub(d)?
            } else {
                n.checked_add(d)?
            };
        }
        Some(n)
    }

    pub fn as_u64(&self) -> Option<u64> {
        if !self.is_integer_text() || self.0.starts_with('-') {
            return None;
        }
        self.0
            .bytes()
            .try_fold(0u64, |n, b| n.checked_mul(10)?.checked_add(u64::from(b - b'0')))
    }

    /// A float laid out as serde_json lays one out (`1.0`, `0.001`, `1e+21`); `None` when not finite.
    pub fn from_f64(f: f64) -> Option<Num> {
        write::float_text(f).map(Num)
    }

    /// Text the parser has already checked is one JSON number.
    pub(super) fn scanned(text: &str) -> Num {
        Num(text.to_string())
    }
}

impl From<i64> for Num {
    fn from(n: i64) -> Num {
        Num(n.to_string())
    }
}

impl From<u64> for Num {
    fn from(n: u64) -> Num {
        Num(n.to_string())
    }
}

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Json {
    #[default]
    Null,
    Bool(bool),
    Number(Num),
    String(String),
    Array(Vec<Json>),
    Object(Object),
}

impl Json {
    /// Reads one JSON document; whitespace may surround it, nothing else may follow it.
    pub fn parse(bytes: &[u8]) -> Result<Json, JsonError> {
        parse::parse(bytes)
    }

    /// A float as serde_json would hold it: non-finite values become `null`.
    pub fn from_f64(f: f64) -> Json {
        Num::from_f64(f).map_or(Json::Null, Json::Number)
    }

    /// The member `key` of an object; `None` for other values.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.as_object()?.get(key)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self {
            Json::Object(o) => o.get_mut(key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Json>> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Json::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Json::String(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Json::Array(_))
    }

    /// Compact JSON, as serde_json's `to_string` writes it.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        write::value(self, &mut out);
        out
    }
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::String(s.to_string())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::String(s)
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

impl From<Option<String>> for Json {
    fn from(s: Option<String>) -> Json {
        s.map_or(Json::Null, Json::String)
    }
}

/// An object's members in document order. Keys are unique: a repeated key's later value takes
/// the earlier one's place, as serde_json's ordered map did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Object(pub(super) Vec<(String, Json)>);

impl Object {
    pub fn new() -> Object {
        Object::default()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A linear search: objects in payloads and panels are small, and a map type would cost the
    /// bundle more than it saves.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, in place when it is already there; returns the value it replaced.
    pub fn insert(&mut self, key: impl Into<String>, value: Json) -> Option<Json> {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Appends a member the caller knows is new: the writers build objects with fixed keys.
    pub fn push(&mut self, key: &str, value: Json) {
        self.0.push((key.to_string(), value));
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Json> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Json)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Json)> {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// Collapses repeated keys: the last value wins, at the first one's position. Objects in
    /// payloads are small, so pairs are compared directly; a large one goes through a map of
    /// first positions (a map type the bundle has anyway) so that 100,000 keys stay linear.
    fn dedup(&mut self) {
        let n = self.0.len();
        let repeats = |i: usize| self.0[..i].iter().any(|(k, _)| *k == self.0[i].0);
        // Payloads are parsed per message; most objects have no repeats and allocate nothing here.
        if n <= 64 && !(1..n).any(repeats) {
            return;
        }
        let mut first_of = vec![usize::MAX; n];
        if n <= 64 {
            for (i, first) in first_of.iter_mut().enumerate().skip(1) {
                if let Some(f) = self.0[..i].iter().position(|(k, _)| *k == self.0[i].0) {
                    *first = f;
                }
            }
        } else {
            let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
            for (i, (k, _)) in self.0.iter().enumerate() {
                match seen.get(k) {
                    Some(&f) => first_of[i] = f,
                    None => {
                        seen.insert(k.clone(), i);
                    }
                }
            }
        }
        if first_of.iter().all(|&f| f == usize::MAX) {
            return;
        }
        for (i, &first) in first_of.iter().enumerate() {
            if first != usize::MAX {
                let value = std::mem::take(&mut self.0[i].1);
                self.0[first].1 = value;
            }
        }
        let mut i = 0;
        self.0.retain(|_| {
            i += 1;
            first_of[i - 1] == usize::MAX
        });
    }
}

impl FromIterator<(String, Json)> for Object {
    fn from_iter<I: IntoIterator<Item = (String, Json)>>(iter: I) -> Object {
        let mut o = Object(iter.into_iter().collect());
        o.dedup();
        o
    }
}

impl IntoIterator for Object {
    type Item = (String, Json);
    type IntoIter = std::vec::IntoIter<(String, Json)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a String, &'a Json);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Json)>,
        fn(&'a (String, Json)) -> (&'a String, &'a Json),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}
