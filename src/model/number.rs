//! Decimal numbers typed by people or sent by devices (`21.5`, `-3`, `1e3`), parsed without
//! the standard library's exact float parser, whose table and code are 14 KB of the bundle.
//!
//! Values with at most 15 significant digits and a small exponent (every sensor reading and
//! form value seen in practice) come out exactly as `str::parse` gives them; longer ones may
//! differ in the last binary digit, which no display or threshold can show.

/// Powers of ten that an f64 holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
];

/// A finite number from `text` with surrounding whitespace ignored: an optional sign, digits
/// with an optional decimal point, and an optional exponent. Anything else (`inf`, `0x10`,
/// `12 kW`, an empty string) is `None`.
pub fn parse_f64(text: &str) -> Option<f64> {
    let b = text.trim().as_bytes();
    let (negative, mut i) = match b.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let (mut mantissa, mut exp10, mut digits, mut significant) = (0u64, 0i32, 0usize, 0usize);
    let mut seen_point = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                if significant < 19 {
                    mantissa = mantissa * 10 + u64::from(c - b'0');
                    if mantissa > 0 {
                        significant += 1;
                    }
                    if seen_point {
                        exp10 -= 1;
                    }
                } else if !seen_point {
                    // Digits past what a u64 holds only scale the value.
                    exp10 += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if let Some(b'e' | b'E') = b.get(i) {
        i += 1;
        let sign = match b.get(i) {
            Some(b'-') => {
                i += 1;
                -1
            }
            Some(b'+') => {
                i += 1;
                1
            }
            _ => 1,
        };
        let start = i;
        let mut e = 0i32;
        while let Some(&c @ b'0'..=b'9') = b.get(i) {
            e = e.saturating_mul(10).saturating_add(i32::from(c - b'0'));
            i += 1;
        }
        if i == start {
            return None;
        }
        exp10 = exp10.saturating_add(sign * e);
    }
    if i != b.len() {
        return None;
    }
    let value = scale(mantissa as f64, exp10);
    let value = if negative { -value } else { value };
    value.is_finite().then_some(value)
}

/// `m × 10^e`; exact when `m` < 2^53 and |e| ≤ 22 (one correctly rounded operation).
fn scale(m: f64, e: i32) -> f64 {
    if m == 0.0 {
        return 0.0;
    }
    if (0..=22).contains(&e) {
        m * POW10[e as usize]
    } else if (-22..0).contains(&e) {
        m / POW10[(-e) as usize]
    } else if e > 0 {
        scale(m * 1e22, e - 22)
    } else if e < -330 {
        0.0
    } else {
        scale(m / 1e22, e + 22)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_f64;

    #[test]
    fn reads_what_devices_and_people_write() {
        for (text, want) in [
            ("21.5", 21.5),
            (" -3 ", -3.0),
            ("+4", 4.0),
            ("0.1", 0.1),
            (".5", 0.5),
            ("5.", 5.0),
            ("1013.25", 1013.25),
            ("1e3", 1000.0),
            ("2.5E-3", 0.0025),
            ("007", 7.0),
            ("-0", -0.0),
            ("123456789012345", 123456789012345.0),
        ] {
            assert_eq!(parse_f64(text), Some(want), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        for text in [
            "", " ", "-", ".", "e5", "1e", "1e+", "12 kW", "0x10", "inf", "NaN", "1.2.3", "--1", "1e999",
        ] {
            assert_eq!(parse_f64(text), None, "{text:?}");
        }
    }

    #[test]
    fn agrees_with_the_standard_parser() {
        // Exact wherever digits and exponent are short; within an ulp elsewhere.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 10_000_000_000_000) as f64;
            let e = (x >> 50) as i32 % 40 - 20;
            let text = format!("{}e{e}", digits / 1000.0);
            let (mine, std) = (parse_f64(&text).unwrap(), text.parse::<f64>().unwrap());
            if e.abs() <= 10 {
                assert_eq!(mine, std, "{text}");
            } else {
                assert!((mine - std).abs() <= std.abs() * 4e-16, "{text}: {mine} vs {std}");
            }
        }
        let long = "3.14159265358979323846264338327950288";
        assert!((parse_f64(long).unwrap() - std::f64::consts::PI).abs() < 1e-15);
    }
}
