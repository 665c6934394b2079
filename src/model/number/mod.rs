//! Decimal numbers as text both ways: read from what people type or devices send (`21.5`,
//! `-3`, `1e3`) without the standard library's exact float parser, and written for display
//! without its exact float printer: their tables and code would be among the largest parts of
//! the bundle (BENCHMARKS.md has the sizes).
//!
//! Reading: values with at most 15 significant digits and a power of ten within ±22 once the
//! decimal point is accounted for (every sensor reading and form value seen in practice) come out
//! exactly as `str::parse` gives them. Longer ones and larger exponents may differ by a few units
//! in the last binary place (six at most in the property tests), which no display or threshold
//! can show; so can a value within those few units of `f64::MAX`, which then reads as out of
//! range. Printing ([`fixed`], [`short`]) is exact.

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

/// `m × 10^e`; exact when `m` < 2^53 and |e| ≤ 22 (one correctly rounded operation). A loop,
/// not recursion: an exponent such as `1e999999999` from a payload stops as soon as the value
/// is infinite or zero instead of taking a step per 22 powers of ten.
fn scale(mut m: f64, mut e: i32) -> f64 {
    while m != 0.0 && m.is_finite() {
        if (0..=22).contains(&e) {
            return m * POW10[e as usize];
        } else if (-22..0).contains(&e) {
            return m / POW10[(-e) as usize];
        } else if e > 0 {
            m *= 1e22;
            e -= 22;
        } else {
            m /= 1e22;
            e += 22;
        }
    }
    m
}

/// The fewest significant digits that read back to `v` (finite, not zero), and where the
/// decimal point goes: `v` = 0.DIGITS × 10^point, e.g. `("15", 2)` for 15.0 and `("25", -3)`
/// for 0.00025. Candidates are checked by reading them back with `parse_f64`, which is exact
/// up to 15 digits and exponents within ±22; otherwise 17 digits are given, which read back
/// within an ulp or two near 1, further away at extreme exponents. Numbers the app writes
/// (widget ranges and steps, template results) are short and near 1, so core's exact printer
/// would cost the bundle more than it gives them.
pub fn shortest_digits(v: f64) -> (String, i32) {
    let v = v.abs();
    // 10^(point-1) <= v < 10^point: estimated from the binary exponent, then corrected.
    let e2 = ((v.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let mut point = (f64::from(e2) * std::f64::consts::LOG10_2) as i32 + 1;
    for _ in 0..40 {
        if scale(1.0, point) <= v {
            point += 1;
        } else if scale(1.0, point - 1) > v {
            point -= 1;
        } else {
            break;
        }
    }
    let mut best = (String::new(), point);
    // Sixteen digits cannot be checked, so they are passed over for seventeen.
    for p in (1..=15).chain([17]) {
        let n = scale(v, p - point).round();
        let (digits, at) = if n >= scale(1.0, p) {
            ("1".to_string(), point + 1)
        } else {
            ((n as u64).to_string(), point)
        };
        let candidate = format!("0.{digits}e{at}");
        best = (digits, at);
        // `parse_f64` is exact only for exponents an f64 power of ten covers in one step.
        let checkable = (at - p).abs() <= 22;
        if p == 17 || (checkable && parse_f64(&candidate) == Some(v)) {
            break;
        }
    }
    let digits = best.0.trim_end_matches('0');
    (if digits.is_empty() { "0" } else { digits }.to_string(), best.1)
}

/// `v` limited to `lo..=hi`. `f64::clamp` asserts its bounds, and the assertion's message
/// prints them with core's float printer, which the bundle otherwise does without; this never panics.
pub fn within(v: f64, lo: f64, hi: f64) -> f64 {
    if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    }
}

/// Decimal places `fixed` and `short` give at most: more than a display shows, few enough that
/// the fraction's digits fit the 128-bit product in `fixed_parts`.
const MAX_DECIMALS: usize = 9;

/// `v` with `decimals` (at most nine) digits after the point, as `format!("{v:.N$}")` prints
/// it, except that a value which rounds to zero has no minus sign. Exact, like std: the binary
/// value is rounded half to even, and huge values print every digit (`1e20` as
/// `100000000000000000000`).
pub fn fixed(v: f64, decimals: usize) -> String {
    let decimals = decimals.min(MAX_DECIMALS);
    if !v.is_finite() {
        return non_finite(v);
    }
    let (int, frac) = fixed_parts(v.abs(), decimals as u32);
    let sign = if v < 0.0 && (int != "0" || frac != 0) {
        "-"
    } else {
        ""
    };
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals)
    }
}

/// A finite `v` ≥ 0 rounded half to even at `decimals` places: the integer part's digits and
/// the fraction's digits as an integer below 10^decimals. `v` is `m × 2^e` exactly; a fraction
/// needs only a 128-bit product, a huge integer a few base-10^9 limbs. No float arithmetic, so
/// no rounding but the one asked for.
fn fixed_parts(v: f64, decimals: u32) -> (String, u64) {
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let (m, e) = match biased {
        0 => (bits & ((1 << 52) - 1), -1074),
        _ => ((bits & ((1 << 52) - 1)) | (1 << 52), biased - 1075),
    };
    if e >= 0 {
        return (whole(m, e as u32), 0);
    }
    let shift = (-e) as u32;
    let unit = 10u64.pow(decimals);
    let (mut int, rest) = if shift < 64 {
        (m >> shift, m & ((1 << shift) - 1))
    } else {
        (0, m)
    };
    // rest / 2^shift of a unit, scaled by 10^decimals: below 2^53 × 10^9 < 2^83.
    let scaled = u128::from(rest) * u128::from(unit);
    let mut frac = 0;
    if shift <= 84 {
        frac = (scaled >> shift) as u64;
        let r = scaled & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let odd = if decimals == 0 { int & 1 } else { frac & 1 } == 1;
        if r > half || (r == half && odd) {
            frac += 1;
        }
        if frac == unit {
            int += 1;
            frac = 0;
        }
    }
    (int.to_string(), frac)
}

/// The digits of `m × 2^e`: in a u64 while it fits, else in base-10^9 limbs, least significant
/// first (an f64 is below 2^1024, so at most 35 of them).
fn whole(m: u64, e: u32) -> String {
    if e <= 10 {
        return (m << e).to_string();
    }
    const BASE: u64 = 1_000_000_000;
    let mut limbs = vec![m % BASE, m / BASE % BASE, m / BASE / BASE];
    let mut left = e;
    while left > 0 {
        // A limb is below 2^30, so shifting by 32 and adding the carry stays below 2^63.
        let k = left.min(32);
        let mut carry = 0;
        for limb in limbs.iter_mut() {
            let x = (*limb << k) + carry;
            *limb = x % BASE;
            carry = x / BASE;
        }
        while carry > 0 {
            limbs.push(carry % BASE);
            carry /= BASE;
        }
        left -= k;
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut out = limbs.pop().unwrap_or(0).to_string();
    for limb in limbs.iter().rev() {
        out.push_str(&format!("{limb:09}"));
    }
    out
}

/// `v` to at most nine decimals with trailing zeros dropped: `21.5`, `-3`, `0.3` for
/// 0.1 + 0.2. What a card or a command payload shows of a number.
pub fn short(v: f64) -> String {
    let text = fixed(v, MAX_DECIMALS);
    if !v.is_finite() || !text.contains('.') {
        return text;
    }
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    if trimmed == "-0" {
        "0".to_string()
    } else {
        trimmed.to_string()
    }
}

fn non_finite(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v > 0.0 {
        "inf".into()
    } else {
        "-inf".into()
    }
}

#[cfg(test)]
mod tests;

/// Both directions against std on generated values.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod props;
