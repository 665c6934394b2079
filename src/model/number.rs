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
mod tests {
    use super::{fixed, parse_f64, short, shortest_digits};

    #[test]
    fn fixed_prints_what_std_prints_away_from_ties() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Values between -100000 and 100000 with up to six decimals, off any tie.
            let v = ((x % 200_000_000_000) as f64 - 100_000_000_000.0) / 1_000_000.0 + 1.1e-7;
            for d in [0, 1, 2, 3] {
                assert_eq!(fixed(v, d), format!("{v:.d$}"), "{v} to {d}");
            }
        }
        assert_eq!(fixed(2.5e9, 1), "2500000000.0");
        assert_eq!(fixed(-7.0, 0), "-7");
    }

    #[test]
    fn shortest_digits_are_the_fewest_that_read_back() {
        for (v, want) in [
            (15.0, ("15", 2)),
            (0.00025, ("25", -3)),
            (0.1, ("1", 0)),
            (21.5, ("215", 2)),
            (1e21, ("1", 22)),
            (0.1 + 0.2, ("30000000000000004", 0)),
        ] {
            let (digits, point) = shortest_digits(v);
            assert_eq!((digits.as_str(), point), want, "{v:e}");
        }
    }

    #[test]
    fn shortest_digits_agree_with_std_for_typical_values() {
        for i in -20_000..20_000 {
            for v in [f64::from(i) / 100.0, f64::from(i) * 1e-7, f64::from(i) * 1e12] {
                if v == 0.0 {
                    continue;
                }
                let std = format!("{:e}", v.abs());
                let (mantissa, exp) = std.split_once('e').unwrap();
                let want: String = mantissa.chars().filter(|c| *c != '.').collect();
                let want_point = exp.parse::<i32>().unwrap() + 1;
                // Products such as 19999 × 1e-7 need 17 digits; those are checked below.
                if want.len() <= 15 {
                    assert_eq!(shortest_digits(v), (want, want_point), "{v:e}");
                }
            }
        }
    }

    #[test]
    fn seventeen_digits_read_back_within_an_ulp() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mantissas at random, exponents from 1e-30 to 1e30.
            let v = f64::from_bits((x & 0x000F_FFFF_FFFF_FFFF) | ((1023 - 100 + (x >> 52) % 200) << 52));
            let (digits, point) = shortest_digits(v);
            let back: f64 = format!("0.{digits}e{point}").parse().unwrap();
            let ulps = (back.to_bits() as i64 - v.to_bits() as i64).abs();
            assert!(ulps <= 2, "{v:e}: {digits} e{point} is {ulps} ulps away");
        }
    }

    #[test]
    fn fixed_drops_the_sign_of_a_value_that_rounds_to_zero() {
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.0, 0), "0");
    }

    #[test]
    fn short_gives_the_digits_people_expect() {
        for (v, want) in [
            (21.5, "21.5"),
            (-3.0, "-3"),
            (0.1 + 0.2, "0.3"),
            (100.0, "100"),
            (0.000_000_001, "0.000000001"),
            (0.000_000_000_1, "0"),
            (-0.000_000_000_1, "0"),
            (1e12, "1000000000000"),
            (-2.25e10, "-22500000000"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(short(v), want, "{v}");
        }
    }

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

/// Both directions against std on generated values.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod props {
    use proptest::prelude::*;

    use super::{fixed, parse_f64, short};

    /// std's `{:.N}`, less the minus sign `fixed` leaves off a value that rounds to zero.
    fn std_fixed(v: f64, decimals: usize) -> String {
        let text = format!("{v:.decimals$}");
        match text.strip_prefix('-') {
            Some(rest) if rest.bytes().all(|b| matches!(b, b'0' | b'.')) => rest.to_string(),
            _ => text,
        }
    }

    fn finite() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<u64>()
                .prop_map(f64::from_bits)
                .prop_filter("finite", |v| v.is_finite()),
            -1e6f64..1e6,
            // Huge: past u64, up to the largest float.
            (1e15f64..1.7e308, any::<bool>()).prop_map(|(v, negative)| if negative { -v } else { v }),
            // Tiny, subnormals included.
            (-1e-6f64..1e-6).prop_map(|v| v * 1e-300),
            -1e-6f64..1e-6,
            // Exact ties at every number of decimals: k / 2^j.
            (-100_000i64..100_000, 0u32..12).prop_map(|(k, j)| k as f64 / f64::from(1u32 << j)),
            Just(0.0),
            Just(-0.0),
            Just(f64::MAX),
            Just(f64::MIN_POSITIVE),
            Just(5e-324),
        ]
    }

    /// Decimal text as devices and people write it: sign, digits with a point somewhere, exponent.
    fn decimal(max_digits: usize, exponents: std::ops::Range<i32>) -> impl Strategy<Value = (String, i32)> {
        (
            prop::sample::select(vec!["", "-", "+"]),
            prop::collection::vec(0u8..10, 1..=max_digits),
            any::<prop::sample::Index>(),
            prop::option::of(exponents),
        )
            .prop_map(|(sign, digits, point, exp)| {
                let digits: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
                let at = point.index(digits.len() + 1);
                let (int, frac) = digits.split_at(at);
                let int = if int.is_empty() { "0" } else { int };
                let mut text = format!("{sign}{int}");
                if !frac.is_empty() {
                    text.push('.');
                    text.push_str(frac);
                }
                if let Some(e) = exp {
                    text.push_str(&format!("e{e}"));
                }
                // The power of ten the digits are scaled by, once the point is accounted for.
                let scaled = exp.unwrap_or(0) - frac.len() as i32;
                (text, scaled)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn fixed_prints_what_std_prints(v in finite(), decimals in 0usize..=9) {
            prop_assert_eq!(fixed(v, decimals), std_fixed(v, decimals), "{:e}", v);
        }

        #[test]
        fn short_is_fixed_without_trailing_zeros(v in finite()) {
            let full = std_fixed(v, 9);
            let want = if full.contains('.') { full.trim_end_matches('0').trim_end_matches('.') } else { &full };
            let want = if want == "-0" { "0" } else { want };
            prop_assert_eq!(short(v), want);
        }

        /// The documented exact range: at most 15 significant digits, scaled by at most 10^±22.
        #[test]
        fn parsing_short_decimals_is_exact((text, scaled) in decimal(15, -40..40)) {
            prop_assume!(scaled.abs() <= 22);
            prop_assert_eq!(parse_f64(&text), Some(text.parse::<f64>().unwrap()), "{}", text);
        }

        /// Anything longer or further out: a few units in the last place, and out of range
        /// exactly where std overflows (the top few units below `f64::MAX` aside, as documented).
        #[test]
        fn parsing_any_decimal_is_within_a_few_ulps((text, _) in decimal(30, -360..330)) {
            let std = text.parse::<f64>().unwrap();
            match parse_f64(&text) {
                None => prop_assert!(std.is_infinite() || std.abs() > 1.797_693_134_862_3e308, "{}", text),
                Some(mine) => {
                    prop_assert!(std.is_finite(), "{}", text);
                    let ulps = (mine.to_bits() as i64 - std.to_bits() as i64).unsigned_abs();
                    prop_assert!(ulps <= 6, "{}: {:e} is {} ulps from {:e}", text, mine, ulps, std);
                }
            }
        }
    }

    #[test]
    fn huge_tiny_and_not_finite_values_print_as_std_does() {
        assert_eq!(fixed(1e20, 0), "100000000000000000000");
        assert_eq!(fixed(-1e20, 2), "-100000000000000000000.00");
        assert_eq!(fixed(1234567890.125, 2), "1234567890.12");
        assert_eq!(fixed(1e-20, 3), "0.000");
        assert_eq!(fixed(-1e-20, 3), "0.000");
        assert_eq!(fixed(5e-324, 9), "0.000000000");
        assert_eq!(fixed(0.5, 0), "0");
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(fixed(f64::MAX, 0), format!("{:.0}", f64::MAX));
        assert_eq!(short(1e20), "100000000000000000000");
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(fixed(v, 2), format!("{v:.2}"));
        }
    }
}
