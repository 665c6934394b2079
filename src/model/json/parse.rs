//! Reading JSON text into a [`Json`] value, strictly (RFC 8259, as serde_json reads it).
//!
//! Recursive descent, with the nesting capped at [`MAX_DEPTH`] so untrusted payloads cannot
//! overflow the stack: callers across the app rely on that cap.

use super::error::{JsonError, Problem, MAX_DEPTH};
use super::lex;
use super::{Json, Num, Object};

pub(super) fn parse(bytes: &[u8]) -> Result<Json, JsonError> {
    let mut p = Parser { bytes, pos: 0 };
    p.document()
        .map_err(|(problem, offset)| JsonError::at(bytes, problem, offset))
}

/// A problem and the byte offset it was found at.
type Fail = lex::Fault;

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn fail<T>(&self, problem: Problem) -> Result<T, Fail> {
        Err((problem, self.pos))
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The next byte after whitespace; the end of the text is an error here.
    fn next_token(&mut self) -> Result<u8, Fail> {
        self.skip_whitespace();
        match self.peek() {
            Some(b) => Ok(b),
            None => self.fail(Problem::UnexpectedEnd),
        }
    }

    fn document(&mut self) -> Result<Json, Fail> {
        let value = self.value(MAX_DEPTH)?;
        self.skip_whitespace();
        if self.pos < self.bytes.len() {
            return self.fail(Problem::TrailingCharacters);
        }
        Ok(value)
    }

    /// `depth` is how many more levels may open here.
    fn value(&mut self, depth: usize) -> Result<Json, Fail> {
        match self.next_token()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::String),
            b't' => self.literal(b"true", Json::Bool(true)),
            b'f' => self.literal(b"false", Json::Bool(false)),
            b'n' => self.literal(b"null", Json::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => self.fail(Problem::Expected("a value")),
        }
    }

    fn literal(&mut self, word: &[u8], value: Json) -> Result<Json, Fail> {
        for &expected in word {
            match self.peek() {
                None => return self.fail(Problem::UnexpectedEnd),
                Some(b) if b == expected => self.pos += 1,
                Some(_) => return self.fail(Problem::Expected("a value")),
            }
        }
        Ok(value)
    }

    /// Opens a container: one level of the budget is used up, as serde_json counts them.
    fn enter(&mut self, depth: usize) -> Result<usize, Fail> {
        let depth = depth.saturating_sub(1);
        if depth == 0 {
            return self.fail(Problem::TooDeep);
        }
        self.pos += 1;
        Ok(depth)
    }

    fn array(&mut self, depth: usize) -> Result<Json, Fail> {
        let depth = self.enter(depth)?;
        let mut items = Vec::new();
        if self.next_token()? == b']' {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            match self.next_token()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                _ => return self.fail(Problem::Expected("',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, Fail> {
        let depth = self.enter(depth)?;
        let mut members = Vec::new();
        if self.next_token()? == b'}' {
            self.pos += 1;
            return Ok(Json::Object(Object(members)));
        }
        loop {
            if self.next_token()? != b'"' {
                return self.fail(Problem::Expected("a key in double quotes"));
            }
            let key = self.string()?;
            if self.next_token()? != b':' {
                return self.fail(Problem::Expected("':'"));
            }
            self.pos += 1;
            members.push((key, self.value(depth)?));
            match self.next_token()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Ok(Json::Object(members.into_iter().collect()));
                }
                _ => return self.fail(Problem::Expected("',' or '}'")),
            }
        }
    }

    /// A string, the opening quote at `pos`.
    fn string(&mut self) -> Result<String, Fail> {
        let mut out = Vec::new();
        self.pos = lex::string_end(self.bytes, self.pos, Some(&mut out))?;
        // The escapes pushed valid UTF-8, so only raw bytes can be at fault; the position reported
        // is the string's end, which is near enough to find it.
        String::from_utf8(out).or_else(|_| self.fail(Problem::InvalidUtf8))
    }

    /// A number, kept as the text it was written with.
    fn number(&mut self) -> Result<Json, Fail> {
        let start = self.pos;
        self.pos = lex::number_end(self.bytes, start)?;
        // ASCII by construction.
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or_default();
        Ok(Json::Number(Num::scanned(text)))
    }
}
