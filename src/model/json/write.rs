//! Writing a [`Json`] value as compact text, byte for byte as serde_json writes it, so stored
//! panels, exports and shared messages read the same as before.

use super::Json;
use crate::model::number::shortest_digits;

pub(super) fn value(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Number(n) => out.push_str(n.as_str()),
        Json::String(s) => string(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                value(item, out);
            }
            out.push(']');
        }
        Json::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                value(item, out);
            }
            out.push('}');
        }
    }
}

/// A quoted string: `"` and `\` escaped, control characters as their short escapes or `\u00XX`,
/// everything else (non-ASCII included) as is.
pub(crate) fn string(s: &str, out: &mut String) {
    out.push('"');
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\t' => "\\t",
            b'\r' => "\\r",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // `i` is a byte below 0x80, so both slices end on character boundaries.
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// A finite float laid out as serde_json writes it: the shortest digits that read back to the
/// same float, as `1.0`, `0.001`, `123.45`, `1e+21` or `1.5e-7`. The digits come from
/// [`shortest_digits`], not core's float printer, which the bundle does without; past 15
/// significant digits they may differ from serde_json's in the last place.
pub(super) fn float_text(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string());
    }
    let negative = f < 0.0;
    if f.abs() > 1.797_693_134_862_315e308 {
        // The last digits at the top of the range can round up past the largest float, and
        // a number that reads back as infinite would make the whole document unreadable.
        return Some(
            if negative {
                "-1.7976931348623157e+308"
            } else {
                "1.7976931348623157e+308"
            }
            .to_string(),
        );
    }
    let (digits, kk) = shortest_digits(f);
    let len = i32::try_from(digits.len()).ok()?;
    // The value is 0.DIGITS × 10^kk, i.e. DIGITS × 10^k.
    let k = kk - len;
    let mut out = String::with_capacity(24);
    if negative {
        out.push('-');
    }
    if (0..=16).contains(&kk) && k >= 0 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', k as usize));
        out.push_str(".0");
    } else if 0 < kk && kk <= 16 {
        let (int, frac) = digits.split_at(kk as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    } else if -5 < kk && kk <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-kk) as usize));
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        if kk > 0 {
            out.push('+');
        }
        out.push_str(&(kk - 1).to_string());
    }
    Some(out)
}
