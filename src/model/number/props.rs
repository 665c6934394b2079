//! Both directions against std on generated values (proptest, native only).

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
