//! How a payload is shown: UTF-8 as text, anything else as hex, never more than a cap.

/// Bytes of payload rendered in a list row; the rest is summarised, so a huge
/// payload cannot stall the page.
pub const PREVIEW_BYTES: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadKind {
    Text,
    Hex,
    Empty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub kind: PayloadKind,
    pub text: String,
    /// Total size in bytes, for "showing N of M bytes".
    pub size: usize,
    pub truncated: bool,
}

/// Renders at most `limit` bytes of `payload`.
pub fn preview(payload: &[u8], limit: usize) -> Preview {
    let size = payload.len();
    if size == 0 {
        return Preview {
            kind: PayloadKind::Empty,
            text: String::new(),
            size,
            truncated: false,
        };
    }
    let truncated = size > limit;
    let head = &payload[..size.min(limit)];
    match std::str::from_utf8(head) {
        Ok(s) if is_printable(s) => Preview {
            kind: PayloadKind::Text,
            text: s.to_string(),
            size,
            truncated,
        },
        // A cut through a multi-byte character is still text.
        Err(e) if truncated && e.error_len().is_none() && e.valid_up_to() > 0 => {
            let s = std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default();
            if is_printable(s) {
                return Preview {
                    kind: PayloadKind::Text,
                    text: s.to_string(),
                    size,
                    truncated,
                };
            }
            Preview {
                kind: PayloadKind::Hex,
                text: hex(head),
                size,
                truncated,
            }
        }
        _ => Preview {
            kind: PayloadKind::Hex,
            text: hex(head),
            size,
            truncated,
        },
    }
}

/// Control characters other than whitespace mean the bytes are data, not text.
fn is_printable(s: &str) -> bool {
    !s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// Lowercase hex bytes separated by spaces: `de ad be ef`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

/// Parses what a user typed as hex (spaces optional) for publishing binary payloads.
pub fn parse_hex(input: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = input.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err("Hex payload needs an even number of digits".into());
    }
    digits
        .chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).map_err(|_| "Hex payload has a non-hex character")?;
            u8::from_str_radix(s, 16).map_err(|_| format!("\"{s}\" is not a hex byte"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_text_and_binary_is_hex() {
        assert_eq!(preview(b"21.5", 100).text, "21.5");
        assert_eq!(preview("température".as_bytes(), 100).kind, PayloadKind::Text);
        let p = preview(&[0xde, 0xad, 0xbe, 0xef], 100);
        assert_eq!((p.kind, p.text.as_str()), (PayloadKind::Hex, "de ad be ef"));
        // Valid UTF-8 full of control bytes is data.
        assert_eq!(preview(&[0x00, 0x01, 0x02], 100).kind, PayloadKind::Hex);
        assert_eq!(preview(b"", 100).kind, PayloadKind::Empty);
    }

    #[test]
    fn huge_payloads_are_cut_at_the_limit_even_inside_a_character() {
        let big = "é".repeat(5000);
        let p = preview(big.as_bytes(), 2047);
        assert_eq!(p.kind, PayloadKind::Text);
        assert!(p.truncated);
        assert_eq!(p.size, 10_000);
        assert!(p.text.len() <= 2047);
    }

    #[test]
    fn hex_input_round_trips() {
        assert_eq!(parse_hex("de ad BE EF").unwrap(), vec![0xde, 0xad, 0xbe, 0xef]);
        assert!(parse_hex("abc").is_err());
        assert!(parse_hex("zz").is_err());
    }
}
