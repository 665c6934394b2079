//! The tokens both readers share: numbers and strings. The parser (`parse`) and the viewer's
//! scanner (`scan`) both call these, so they cannot drift on what a number or an escape is.

use super::error::Problem;
use crate::model::number::parse_f64;

/// What is wrong with a token and the byte offset where it was found. The text running out
/// inside the token is [`Problem::UnexpectedEnd`].
pub(super) type Fault = (Problem, usize);

/// The offset just past the number starting at `start`:
/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, and finite as a 64-bit float (serde_json
/// refuses `1e400`, so both readers do).
pub(super) fn number_end(bytes: &[u8], start: usize) -> Result<usize, Fault> {
    let digits = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let need_digit = |i: usize| match bytes.get(i) {
        None => Err((Problem::UnexpectedEnd, i)),
        Some(b) if b.is_ascii_digit() => Ok(()),
        Some(_) => Err((Problem::InvalidNumber, i)),
    };
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    need_digit(i)?;
    if bytes[i] == b'0' {
        i += 1;
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            return Err((Problem::InvalidNumber, i));
        }
    } else {
        i = digits(i);
    }
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
    // ASCII by construction; only overflow is left for the float reader to refuse.
    let text = std::str::from_utf8(&bytes[start..i]).unwrap_or_default();
    if parse_f64(text).is_none() {
        return Err((Problem::NumberOutOfRange, start));
    }
    Ok(i)
}

/// The offset just past the closing quote of the string whose opening quote is at `start`.
/// With `out`, the string's bytes are appended with escapes decoded (raw bytes are copied as they
/// are: the caller checks UTF-8 when its input is not already a `str`).
pub(super) fn string_end(bytes: &[u8], start: usize, mut out: Option<&mut Vec<u8>>) -> Result<usize, Fault> {
    let mut i = start + 1;
    loop {
        // Runs of plain bytes are taken at once; only quotes, escapes and controls stop them.
        let run = i;
        while bytes
            .get(i)
            .is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20)
        {
            i += 1;
        }
        if let Some(out) = out.as_deref_mut() {
            out.extend_from_slice(&bytes[run..i]);
        }
        match bytes.get(i) {
            None => return Err((Problem::UnexpectedEnd, i)),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => {
                let (c, next) = escape(bytes, i + 1)?;
                if let Some(out) = out.as_deref_mut() {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                i = next;
            }
            Some(_) => return Err((Problem::ControlCharacter, i)),
        }
    }
}

/// One escape whose backslash is just before `i`: the character and the offset after it.
fn escape(bytes: &[u8], i: usize) -> Result<(char, usize), Fault> {
    let c = match bytes.get(i) {
        None => return Err((Problem::UnexpectedEnd, i)),
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return unicode_escape(bytes, i + 1),
        Some(_) => return Err((Problem::InvalidEscape, i)),
    };
    Ok((c, i + 1))
}

/// The character of a `\u` escape whose four digits start at `i`, and of its second half for a
/// surrogate pair: a half alone is not a character, so it is refused.
fn unicode_escape(bytes: &[u8], i: usize) -> Result<(char, usize), Fault> {
    let first = hex4(bytes, i)?;
    let mut i = i + 4;
    let code = match first {
        0xDC00..=0xDFFF => return Err((Problem::LoneSurrogate, i)),
        0xD800..=0xDBFF => {
            if bytes.get(i..i + 2) != Some(b"\\u") {
                return Err((Problem::LoneSurrogate, i));
            }
            let second = hex4(bytes, i + 2)?;
            i += 6;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return Err((Problem::LoneSurrogate, i));
            }
            0x1_0000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
        }
        _ => u32::from(first),
    };
    match char::from_u32(code) {
        Some(c) => Ok((c, i)),
        None => Err((Problem::LoneSurrogate, i)),
    }
}

fn hex4(bytes: &[u8], i: usize) -> Result<u16, Fault> {
    let mut n: u16 = 0;
    for k in i..i + 4 {
        let digit = match bytes.get(k) {
            None => return Err((Problem::UnexpectedEnd, k)),
            Some(b @ b'0'..=b'9') => b - b'0',
            Some(b @ b'a'..=b'f') => b - b'a' + 10,
            Some(b @ b'A'..=b'F') => b - b'A' + 10,
            Some(_) => return Err((Problem::InvalidEscape, k)),
        };
        n = (n << 4) | u16::from(digit);
    }
    Ok(n)
}
