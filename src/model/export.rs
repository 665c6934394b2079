//! Exporting message history as JSON or CSV, with ISO 8601 times computed without a clock crate.

use crate::model::json::{Json, Num, Object};
use crate::model::number::parse_f64;

use super::json_view::base64;
use super::messages::{Direction, StoredMessage};

/// One message as exported; borrowed so exporting a long history copies nothing up front.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExportRecord<'a> {
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub qos: u8,
    pub retain: bool,
    pub direction: Direction,
    /// Wall-clock milliseconds since the Unix epoch.
    pub time_ms: f64,
}

impl<'a> From<&'a StoredMessage> for ExportRecord<'a> {
    fn from(m: &'a StoredMessage) -> Self {
        ExportRecord {
            topic: &m.topic,
            payload: &m.payload,
            qos: m.qos as u8,
            retain: m.retain,
            direction: m.direction,
            time_ms: m.time_ms,
        }
    }
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Received => "received",
        Direction::Published => "published",
    }
}

/// A JSON array with one object per line: `time`, `topic`, `qos`, `retain`, `direction`, and
/// `payload` when it is UTF-8 or `payload_base64` when it is not.
pub fn to_json<'a>(records: impl IntoIterator<Item = ExportRecord<'a>>) -> String {
    let mut out = String::from("[");
    let mut first = true;
    for r in records {
        let mut record = Object::new();
        record.push("time", iso8601(r.time_ms).into());
        record.push("topic", r.topic.into());
        record.push("qos", Json::Number(Num::from(u64::from(r.qos))));
        record.push("retain", r.retain.into());
        record.push("direction", direction_name(r.direction).into());
        match std::str::from_utf8(r.payload) {
            Ok(text) => record.push("payload", text.into()),
            Err(_) => record.push("payload_base64", base64(r.payload).into()),
        }
        out.push_str(if first { "\n  " } else { ",\n  " });
        first = false;
        out.push_str(&Json::Object(record).to_json_string());
    }
    out.push_str(if first { "]\n" } else { "\n]\n" });
    out
}

pub const CSV_HEADER: &str = "time,topic,qos,retain,direction,payload,encoding";

/// RFC 4180 CSV with CRLF line ends and a header row; binary payloads as Base64 with
/// `encoding` = `base64`, text as `utf-8`.
pub fn to_csv<'a>(records: impl IntoIterator<Item = ExportRecord<'a>>) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(CSV_HEADER);
    out.push_str("\r\n");
    for r in records {
        let (payload, encoding) = match std::str::from_utf8(r.payload) {
            Ok(text) => (csv_cell(text, true), "utf-8"),
            // The Base64 alphabet has no parentheses, so a leading `+` cannot make a function call,
            // and a quote in front would break decoding.
            Err(_) => (base64(r.payload), "base64"),
        };
        let fields = [
            iso8601(r.time_ms),
            csv_cell(r.topic, true),
            r.qos.to_string(),
            r.retain.to_string(),
            direction_name(r.direction).to_string(),
            payload,
            encoding.to_string(),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// What makes a spreadsheet read a cell as a formula: these first (after any spaces, which some
/// spreadsheets trim on import), including the full-width forms some convert, or a leading tab or
/// carriage return.
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}'];

/// Quotes a field when it holds a comma, quote or line break, doubling quotes. With `guard`, a
/// field a spreadsheet would run as a formula gets a leading `'`; plain numbers like `-3.5` are
/// left alone since they cannot be formulas and are the data people want to chart.
fn csv_cell(text: &str, guard: bool) -> String {
    let risky = text.starts_with(['\t', '\r']) || text.trim_start().starts_with(FORMULA_STARTS);
    let number = parse_f64(text).is_some();
    let guarded = if guard && risky && !number {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// `2023-11-14T22:13:20.123Z`. Times outside years 0–9999 (and NaN, as the epoch) are clamped,
/// since the format has four year digits.
pub fn iso8601(time_ms: f64) -> String {
    const MIN_MS: i64 = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
    const MAX_MS: i64 = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
    const DAY_MS: i64 = 86_400_000;
    // `as` saturates for infinities, then the clamp applies.
    let ms = if time_ms.is_nan() {
        0
    } else {
        (time_ms.floor() as i64).clamp(MIN_MS, MAX_MS)
    };
    let (year, month, day) = civil_from_days(ms.div_euclid(DAY_MS));
    let t = ms.rem_euclid(DAY_MS);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        t / 3_600_000,
        t / 60_000 % 60,
        t / 1000 % 60,
        t % 1000
    )
}

/// Year, month, day of a count of days since 1970-01-01 in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm: eras of 400 years, years starting in March so leap days come last).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(topic: &'a str, payload: &'a [u8], time_ms: f64) -> ExportRecord<'a> {
        ExportRecord {
            topic,
            payload,
            qos: 1,
            retain: false,
            direction: Direction::Received,
            time_ms,
        }
    }

    #[test]
    fn times_are_iso_8601_utc_with_milliseconds() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000_123.0), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso8601(1_709_164_800_000.0), "2024-02-29T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000.0), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(4_107_542_400_000.0), "2100-03-01T00:00:00.000Z");
        assert_eq!(iso8601(-1.0), "1969-12-31T23:59:59.999Z");
        assert_eq!(iso8601(1.9), "1970-01-01T00:00:00.001Z");
    }

    #[test]
    fn impossible_times_are_clamped_not_panicked_on() {
        assert_eq!(iso8601(f64::NAN), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(f64::INFINITY), "9999-12-31T23:59:59.999Z");
        assert_eq!(iso8601(f64::NEG_INFINITY), "0000-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1e300), "9999-12-31T23:59:59.999Z");
    }

    #[test]
    fn every_day_from_1900_to_2100_matches_a_simple_calendar() {
        let (mut y, mut m, mut d) = (1900_i64, 1_u32, 1_u32);
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for days in -25_567..47_482 {
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            let len = match m {
                2 if leap(y) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            d += 1;
            if d > len {
                (d, m) = (1, m + 1);
            }
            if m > 12 {
                (m, y) = (1, y + 1);
            }
        }
        assert_eq!((y, m, d), (2100, 1, 1));
    }

    #[test]
    fn json_export_has_one_object_per_message() {
        let mut published = record("cmd/\"x\"", &[0xff, 0x00], 1_700_000_000_123.0);
        published.direction = Direction::Published;
        published.retain = true;
        let json = to_json([record("sensors/t", b"21.5", 0.0), published]);
        assert_eq!(
            json,
            "[\n  {\"time\":\"1970-01-01T00:00:00.000Z\",\"topic\":\"sensors/t\",\"qos\":1,\"retain\":false,\
             \"direction\":\"received\",\"payload\":\"21.5\"},\n  {\"time\":\"2023-11-14T22:13:20.123Z\",\
             \"topic\":\"cmd/\\\"x\\\"\",\"qos\":1,\"retain\":true,\"direction\":\"published\",\
             \"payload_base64\":\"/wA=\"}\n]\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(parsed[1]["topic"], "cmd/\"x\"");
        assert_eq!(to_json([]), "[]\n");
    }

    #[test]
    fn csv_export_quotes_escapes_and_encodes() {
        let csv = to_csv([
            record("a/b", b"21.5", 0.0),
            record("a,b", b"say \"hi\"\nbye", 1.0),
            record("bin", &[0xde, 0xad, 0xbe, 0xef], 2.0),
        ]);
        assert_eq!(
            csv,
            "time,topic,qos,retain,direction,payload,encoding\r\n\
             1970-01-01T00:00:00.000Z,a/b,1,false,received,21.5,utf-8\r\n\
             1970-01-01T00:00:00.001Z,\"a,b\",1,false,received,\"say \"\"hi\"\"\nbye\",utf-8\r\n\
             1970-01-01T00:00:00.002Z,bin,1,false,received,3q2+7w==,base64\r\n"
        );
        assert_eq!(to_csv([]), "time,topic,qos,retain,direction,payload,encoding\r\n");
    }

    #[test]
    fn csv_cells_that_look_like_formulas_are_defused() {
        let csv = to_csv([
            record("=cmd", b"=HYPERLINK(\"http://x\",\"y\")", 0.0),
            record("@t", b"+1+1", 0.0),
            record("t", b"-2+3", 0.0),
            record("t", b"\t=1", 0.0),
        ]);
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(rows[1], "1970-01-01T00:00:00.000Z,'=cmd,1,false,received,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",utf-8");
        assert_eq!(
            rows[2],
            "1970-01-01T00:00:00.000Z,'@t,1,false,received,'+1+1,utf-8"
        );
        assert_eq!(rows[3], "1970-01-01T00:00:00.000Z,t,1,false,received,'-2+3,utf-8");
        assert_eq!(rows[4], "1970-01-01T00:00:00.000Z,t,1,false,received,'\t=1,utf-8");
    }

    #[test]
    fn formulas_behind_spaces_or_in_full_width_are_defused_too() {
        let csv = to_csv([
            record("t", b"  =1+1", 0.0),
            record("t", "\u{a0}@SUM(A1)".as_bytes(), 0.0),
            record("t", "\u{ff1d}1+1".as_bytes(), 0.0),
            record("t", b"\r\n=1", 0.0),
        ]);
        let rows: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            rows[1],
            "1970-01-01T00:00:00.000Z,t,1,false,received,'  =1+1,utf-8"
        );
        assert_eq!(
            rows[2],
            "1970-01-01T00:00:00.000Z,t,1,false,received,'\u{a0}@SUM(A1),utf-8"
        );
        assert_eq!(
            rows[3],
            "1970-01-01T00:00:00.000Z,t,1,false,received,'\u{ff1d}1+1,utf-8"
        );
        assert!(csv.contains(",received,\"'\r\n=1\",utf-8\r\n"));
    }

    #[test]
    fn text_that_only_contains_formula_characters_is_left_alone() {
        let csv = to_csv([
            record("a=b", b"x=1 @home -- +", 0.0),
            record("t", "\u{200b}=1".as_bytes(), 0.0),
        ]);
        assert!(csv.contains(",a=b,1,false,received,x=1 @home -- +,utf-8\r\n"));
        // A zero-width space is not trimmed by spreadsheets: the cell is text as it stands.
        assert!(csv.contains(",received,\u{200b}=1,utf-8\r\n"));
    }

    #[test]
    fn negative_numbers_stay_numbers_in_csv() {
        let csv = to_csv([record("t", b"-3.5", 0.0), record("t", b"+2", 0.0)]);
        assert!(csv.contains(",received,-3.5,utf-8\r\n"));
        assert!(csv.contains(",received,+2,utf-8\r\n"));
    }
}
