//! Numbers against std: parsing and printing, huge, tiny and not finite values.

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
