//! The scanner behind the payload viewer (`model::json_view`): validates JSON and lays it out as
//! pretty-printed tokens in one pass over the bytes, without building a value.
//!
//! It keeps an explicit stack of open containers instead of recursing, so a payload of 100,000 `[`
//! costs a few bytes per level and stops at the depth cap instead of overflowing the call stack.
//! Numbers and strings are read by `lex`, as the parser reads them, and [`accepts`] uses the
//! parser's depth limit, so it says yes exactly when [`Json::parse`](super::Json::parse) does.

use super::error::{Problem, MAX_DEPTH};
use super::lex;

/// What a token of pretty-printed JSON is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// An object key, quotes included.
    Key,
    /// A string value, quotes and escapes as written.
    String,
    Number,
    Bool,
    Null,
    /// `{ } [ ] , :`
    Punct,
    /// Indentation and the space after `:`.
    Whitespace,
    Newline,
    /// Everything from the first byte that is not JSON onwards, so the user sees where it broke.
    Invalid,
}

const INDENT: &str = "  ";

/// How a scan stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    Complete,
    /// The input ended inside a value.
    Eof,
    /// A syntax error at this byte offset (the start of the offending token).
    Error(usize),
    TooDeep,
    TooManyTokens,
}

pub(crate) struct Out {
    pub(crate) tokens: Vec<(TokenKind, String)>,
    pub(crate) max: usize,
    /// Validation (`accepts`, behind `detect`) scans without keeping tokens.
    pub(crate) record: bool,
}

impl Out {
    fn push(&mut self, kind: TokenKind, text: &str) -> Result<(), End> {
        if !self.record {
            return Ok(());
        }
        if self.tokens.len() >= self.max {
            return Err(End::TooManyTokens);
        }
        self.tokens.push((kind, text.to_string()));
        Ok(())
    }

    fn newline(&mut self, depth: usize) -> Result<(), End> {
        self.push(TokenKind::Newline, "\n")?;
        if depth > 0 && self.record {
            self.push(TokenKind::Whitespace, &INDENT.repeat(depth))?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Object,
    Array,
}

/// What the scanner accepts next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The top-level value, or an object member's value after `:`.
    Value,
    /// Right after `[`: a value or `]`.
    FirstItemOrClose,
    /// After `,` in an array.
    Item,
    /// Right after `{`: a key or `}`.
    FirstKeyOrClose,
    /// After `,` in an object.
    Key,
    Colon,
    CommaOrClose,
    /// After the top-level value: only whitespace may follow.
    Done,
}

/// True when `bytes` are one JSON document the parser reads: UTF-8, valid, nested no deeper than
/// the parser allows. Linear in the length and allocates only the stack of open containers.
pub(crate) fn accepts(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let mut sink = Out {
        tokens: Vec::new(),
        max: 0,
        record: false,
    };
    scan(text, MAX_DEPTH - 1, &mut sink) == End::Complete
}

pub(crate) fn scan(text: &str, max_depth: usize, out: &mut Out) -> End {
    match scan_inner(text, max_depth, out) {
        Ok(()) => End::Complete,
        Err(end) => end,
    }
}

fn scan_inner(text: &str, max_depth: usize, out: &mut Out) -> Result<(), End> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect = Expect::Value;
    loop {
        while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
            pos += 1;
        }
        let Some(&c) = bytes.get(pos) else {
            return if expect == Expect::Done {
                Ok(())
            } else {
                Err(End::Eof)
            };
        };
        match expect {
            Expect::Done => return Err(End::Error(pos)),
            Expect::Colon => {
                if c != b':' {
                    return Err(End::Error(pos));
                }
                out.push(TokenKind::Punct, ":")?;
                out.push(TokenKind::Whitespace, " ")?;
                pos += 1;
                expect = Expect::Value;
            }
            Expect::CommaOrClose => {
                let top = stack.last().copied();
                match (c, top) {
                    (b',', Some(frame)) => {
                        out.push(TokenKind::Punct, ",")?;
                        expect = if frame == Frame::Object {
                            Expect::Key
                        } else {
                            Expect::Item
                        };
                    }
                    (b'}', Some(Frame::Object)) | (b']', Some(Frame::Array)) => {
                        stack.pop();
                        out.newline(stack.len())?;
                        out.push(TokenKind::Punct, if c == b'}' { "}" } else { "]" })?;
                        expect = after_value(&stack);
                    }
                    _ => return Err(End::Error(pos)),
                }
                pos += 1;
            }
            Expect::FirstKeyOrClose | Expect::Key => {
                if c == b'}' && expect == Expect::FirstKeyOrClose {
                    stack.pop();
                    out.push(TokenKind::Punct, "}")?;
                    pos += 1;
                    expect = after_value(&stack);
                    continue;
                }
                if c != b'"' {
                    return Err(End::Error(pos));
                }
                let end = string_end(bytes, pos)?;
                out.newline(stack.len())?;
                out.push(TokenKind::Key, &text[pos..end])?;
                pos = end;
                expect = Expect::Colon;
            }
            Expect::Value | Expect::FirstItemOrClose | Expect::Item => {
                if c == b']' && expect == Expect::FirstItemOrClose {
                    stack.pop();
                    out.push(TokenKind::Punct, "]")?;
                    pos += 1;
                    expect = after_value(&stack);
                    continue;
                }
                if expect != Expect::Value {
                    out.newline(stack.len())?;
                }
                match c {
                    b'{' | b'[' => {
                        if stack.len() >= max_depth {
                            return Err(End::TooDeep);
                        }
                        let (frame, open, next) = if c == b'{' {
                            (Frame::Object, "{", Expect::FirstKeyOrClose)
                        } else {
                            (Frame::Array, "[", Expect::FirstItemOrClose)
                        };
                        out.push(TokenKind::Punct, open)?;
                        stack.push(frame);
                        pos += 1;
                        expect = next;
                    }
                    b'"' => {
                        let end = string_end(bytes, pos)?;
                        out.push(TokenKind::String, &text[pos..end])?;
                        pos = end;
                        expect = after_value(&stack);
                    }
                    b'-' | b'0'..=b'9' => {
                        let end = number_end(bytes, pos)?;
                        out.push(TokenKind::Number, &text[pos..end])?;
                        pos = end;
                        expect = after_value(&stack);
                    }
                    b't' | b'f' | b'n' => {
                        let (word, kind) = match c {
                            b't' => ("true", TokenKind::Bool),
                            b'f' => ("false", TokenKind::Bool),
                            _ => ("null", TokenKind::Null),
                        };
                        let rest = &bytes[pos..];
                        if rest.len() < word.len() && word.as_bytes().starts_with(rest) {
                            return Err(End::Eof);
                        }
                        if !rest.starts_with(word.as_bytes()) {
                            return Err(End::Error(pos));
                        }
                        out.push(kind, word)?;
                        pos += word.len();
                        expect = after_value(&stack);
                    }
                    _ => return Err(End::Error(pos)),
                }
            }
        }
    }
}

fn after_value(stack: &[Frame]) -> Expect {
    if stack.is_empty() {
        Expect::Done
    } else {
        Expect::CommaOrClose
    }
}

/// The offset just past the string starting at `start`. Any fault is reported at the opening
/// quote, so the viewer shows the whole string as where the JSON broke.
fn string_end(bytes: &[u8], start: usize) -> Result<usize, End> {
    lex::string_end(bytes, start, None).map_err(|fault| at_token(fault, start))
}

/// The offset just past the number starting at `start`.
fn number_end(bytes: &[u8], start: usize) -> Result<usize, End> {
    let end = lex::number_end(bytes, start).map_err(|fault| at_token(fault, start))?;
    // `01` or `1x` would otherwise print as two tokens of something that is not JSON.
    if bytes
        .get(end)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
    {
        return Err(End::Error(start));
    }
    Ok(end)
}

/// A token cut off by the end of the input is incomplete, not wrong.
fn at_token((problem, _): lex::Fault, start: usize) -> End {
    if problem == Problem::UnexpectedEnd {
        End::Eof
    } else {
        End::Error(start)
    }
}
