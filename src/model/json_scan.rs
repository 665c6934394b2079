//! The scanner behind `json_view`: validates and pretty-prints JSON in one pass over the bytes.
//!
//! It keeps an explicit stack of open containers instead of recursing, so a payload of 100,000 `[`
//! costs a few bytes per level and stops at the depth cap instead of overflowing the call stack.

use super::json_view::TokenKind;

const INDENT: &str = "  ";

/// How a scan stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    Complete,
    /// The input ended inside a value.
    Eof,
    /// A syntax error at this byte offset (the start of the offending token).
    Error(usize),
    TooDeep,
    TooManyTokens,
}

pub(super) struct Out {
    pub(super) tokens: Vec<(TokenKind, String)>,
    pub(super) max: usize,
    /// `detect` scans without keeping tokens.
    pub(super) record: bool,
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

pub(super) fn scan(text: &str, max_depth: usize, out: &mut Out) -> End {
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

/// The offset just past the closing quote of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Result<usize, End> {
    let mut i = start + 1;
    loop {
        match bytes.get(i) {
            None => return Err(End::Eof),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => match bytes.get(i + 1) {
                None => return Err(End::Eof),
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i += 2,
                Some(b'u') => {
                    for k in 0..4 {
                        match bytes.get(i + 2 + k) {
                            None => return Err(End::Eof),
                            Some(h) if h.is_ascii_hexdigit() => {}
                            Some(_) => return Err(End::Error(start)),
                        }
                    }
                    i += 6;
                }
                Some(_) => return Err(End::Error(start)),
            },
            Some(&b) if b < 0x20 => return Err(End::Error(start)),
            Some(_) => i += 1,
        }
    }
}

/// The offset just past the number starting at `start`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_end(bytes: &[u8], start: usize) -> Result<usize, End> {
    let digits = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    // A number cut off by the end of input is incomplete, not wrong.
    let need_digit = |i: usize| match bytes.get(i) {
        None => Err(End::Eof),
        Some(b) if b.is_ascii_digit() => Ok(()),
        Some(_) => Err(End::Error(start)),
    };
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    need_digit(i)?;
    i = if bytes[i] == b'0' { i + 1 } else { digits(i) };
    if bytes.get(i) == Some(&b'.') {
        need_digit(i + 1)?;
        i = digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        need_digit(i)?;
        i = digits(i);
    }
    // `01` or `1x` would otherwise print as two tokens of something that is not JSON.
    if bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
    {
        return Err(End::Error(start));
    }
    Ok(i)
}
