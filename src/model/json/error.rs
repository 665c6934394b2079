//! What can be wrong with a JSON document, for both readers: the parser (`parse`) and the
//! viewer's scanner (`scan`) report the same [`Problem`]s, and the tokens they share (`lex`) do
//! too. A leaf, so each of them takes its errors from here rather than from one another.

use std::fmt;

/// serde_json's nesting budget, so every document it read is still read: each container opened
/// uses one, and the one that would use the last is refused, so containers nest at most
/// `MAX_DEPTH - 1` deep.
pub const MAX_DEPTH: usize = 128;

/// What is wrong with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The text ended inside a value (or was empty).
    UnexpectedEnd,
    /// Something else stands where this was expected.
    Expected(&'static str),
    /// A complete value is followed by more than whitespace.
    TrailingCharacters,
    /// Not a JSON number (`01`, `1.`, `-`, `.5`).
    InvalidNumber,
    /// Too large for a 64-bit float (`1e400`).
    NumberOutOfRange,
    InvalidEscape,
    /// A `\uD800`-style escape without its other half: not a character.
    LoneSurrogate,
    /// A raw control character (below U+0020) inside a string; it must be escaped.
    ControlCharacter,
    /// Bytes inside a string that are not UTF-8.
    InvalidUtf8,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// Why a document could not be read, and where: the byte offset and the line and column
/// (1-based, column in bytes) of the offending byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    pub problem: Problem,
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            Problem::UnexpectedEnd => f.write_str("the text ends before the JSON does")?,
            Problem::Expected(what) => write!(f, "expected {what}")?,
            Problem::TrailingCharacters => f.write_str("unexpected text after the JSON value")?,
            Problem::InvalidNumber => f.write_str("invalid number")?,
            Problem::NumberOutOfRange => f.write_str("number out of range")?,
            Problem::InvalidEscape => f.write_str("invalid escape in a string")?,
            Problem::LoneSurrogate => f.write_str("a \\u escape is half of a surrogate pair")?,
            Problem::ControlCharacter => f.write_str("a control character in a string must be escaped")?,
            Problem::InvalidUtf8 => f.write_str("a string is not valid UTF-8")?,
            Problem::TooDeep => write!(f, "nested deeper than {MAX_DEPTH} levels")?,
        }
        write!(f, " at line {} column {}", self.line, self.column)
    }
}

impl std::error::Error for JsonError {}

impl JsonError {
    /// The error for `problem` found at byte `offset` of `bytes`, with its line and column.
    pub(super) fn at(bytes: &[u8], problem: Problem, offset: usize) -> JsonError {
        let before = &bytes[..offset.min(bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        JsonError {
            problem,
            offset,
            line,
            column,
        }
    }
}
