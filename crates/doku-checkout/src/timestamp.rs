//! `Request-Timestamp` values: UTC, second precision, `YYYY-MM-DDTHH:MM:SSZ`.
//!
//! DOKU wants UTC. Merchants in Indonesia think in WIB (UTC+7), and the docs warn that they
//! must subtract seven hours; [`Timestamp::from_wib`] does that conversion correctly,
//! including across midnight, month and year boundaries.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::Error;
use crate::shown::Quoted;

/// Offset of Western Indonesia Time (WIB) from UTC, in seconds.
pub const WIB_OFFSET_SECONDS: i64 = 7 * 3600;

/// A point in time with second precision, stored as seconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From seconds since 1970-01-01T00:00:00Z.
    pub const fn from_unix(seconds: i64) -> Self {
        Self(seconds)
    }

    /// From seconds since the epoch, refusing instants outside years 0000–9999, which the
    /// four-digit `YYYY-MM-DDTHH:MM:SSZ` form cannot write (what callers hand to bindings).
    pub fn from_unix_checked(seconds: i64) -> Result<Self, Error> {
        // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
        const RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;
        if RANGE.contains(&seconds) {
            Ok(Self(seconds))
        } else {
            Err(Error::invalid_input("timestamp", "the time must fall in the years 0000 to 9999"))
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// The current time from the system clock.
    pub fn now() -> Self {
        SystemClock.now()
    }

    /// From UTC calendar fields; `None` if a field is out of range.
    pub fn from_utc(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<Self> {
        if !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        Some(Self(days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)))
    }

    /// From a WIB (UTC+7) wall-clock time: 2020-09-22 08:51:00 WIB is 2020-09-22T01:51:00Z.
    pub fn from_wib(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> Option<Self> {
        Self::from_utc(year, month, day, hour, minute, second).map(|t| Self(t.0 - WIB_OFFSET_SECONDS))
    }

    /// Strictly parses `YYYY-MM-DDTHH:MM:SSZ` (exactly 20 characters, literal `T` and `Z`).
    ///
    /// Fractions of a second, offsets such as `+07:00`, and lower-case `t`/`z` are refused:
    /// DOKU documents only this form.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let bad = || {
            Error::invalid_input(
                "timestamp",
                format!(
                    "timestamp {} is not UTC in the form YYYY-MM-DDTHH:MM:SSZ (e.g. 2020-08-11T08:45:42Z)",
                    Quoted(text)
                ),
            )
        };
        let b = text.as_bytes();
        if b.len() != 20
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
            || b[19] != b'Z'
        {
            return Err(bad());
        }
        let num = |range: std::ops::Range<usize>| -> Result<u32, Error> {
            let part = &b[range];
            if !part.iter().all(u8::is_ascii_digit) {
                return Err(bad());
            }
            Ok(part.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
        };
        let year = i32::try_from(num(0..4)?).map_err(|_| bad())?;
        Self::from_utc(year, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?).ok_or_else(bad)
    }

    /// Parses DOKU's zone-less `yyyyMMddHHmmss` form, which DOKU writes in WIB (e.g.
    /// `payment.expired_date`): `20241122234523` is 2024-11-22T16:45:23Z.
    pub fn parse_wib_compact(text: &str) -> Result<Self, Error> {
        let bad = || Error::invalid_response(format!("{text:?} is not a WIB time in the form yyyyMMddHHmmss"));
        let b = text.as_bytes();
        if b.len() != 14 || !b.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        let year = i32::try_from(num(0..4)).map_err(|_| bad())?;
        Self::from_wib(year, num(4..6), num(6..8), num(8..10), num(10..12), num(12..14)).ok_or_else(bad)
    }

    /// UTC calendar fields `(year, month, day, hour, minute, second)`.
    pub fn to_utc_fields(self) -> (i32, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        // secs < 86_400, so these casts cannot truncate.
        (y, m, d, (secs / 3600) as u32, ((secs % 3600) / 60) as u32, (secs % 60) as u32)
    }

    /// The same instant written as WIB wall-clock time, `yyyyMMddHHmmss`.
    pub fn to_wib_compact(self) -> String {
        let (y, mo, d, h, mi, s) = Self(self.0.saturating_add(WIB_OFFSET_SECONDS)).to_utc_fields();
        format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}")
    }
}

impl fmt::Display for Timestamp {
    /// Formats as DOKU's `Request-Timestamp`: `YYYY-MM-DDTHH:MM:SSZ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_utc_fields();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

impl serde::Serialize for Timestamp {
    /// Serialises as the `YYYY-MM-DDTHH:MM:SSZ` text.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where "now" comes from; injectable so tests and verification are deterministic.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// A clock set before 1970 reads as 1970-01-01T00:00:00Z: DOKU refuses either.
    fn now(&self) -> Timestamp {
        let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        Timestamp(i64::try_from(secs).unwrap_or(i64::MAX))
    }
}

/// A clock that always answers the same instant.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (era-based, exact for all i32 years).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_instants_stay_four_digit_years() {
        let first = Timestamp::from_utc(0, 1, 1, 0, 0, 0).expect("valid");
        let last = Timestamp::from_utc(9999, 12, 31, 23, 59, 59).expect("valid");
        assert_eq!(Timestamp::from_unix_checked(first.unix()).expect("first").to_string(), "0000-01-01T00:00:00Z");
        assert_eq!(Timestamp::from_unix_checked(last.unix()).expect("last").to_string(), "9999-12-31T23:59:59Z");
        for out in [first.unix() - 1, last.unix() + 1, i64::MIN, i64::MAX] {
            assert_eq!(Timestamp::from_unix_checked(out).expect_err("out").field(), Some("timestamp"));
        }
    }

    #[test]
    fn round_trip_known_instants() {
        let t = Timestamp::parse("2020-08-11T08:45:42Z").expect("valid");
        assert_eq!(t.unix(), 1_597_135_542);
        assert_eq!(t.to_string(), "2020-08-11T08:45:42Z");
        assert_eq!(Timestamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::parse("2024-02-29T23:59:59Z").expect("leap day").to_string(), "2024-02-29T23:59:59Z");
    }

    #[test]
    fn strict_parse() {
        for bad in [
            "2020-08-11T08:45:42",
            "2020-08-11T08:45:42.000Z",
            "2020-08-11T08:45:42+07:00",
            "2020-08-11 08:45:42Z",
            "2020-08-11t08:45:42z",
            "2023-02-29T00:00:00Z",
            "2020-13-01T00:00:00Z",
            "2020-08-11T24:00:00Z",
            "2020-08-11T08:60:00Z",
            "+020-08-11T08:45:42Z",
            "",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn wib_is_seven_hours_ahead() {
        // The docs' example: 2020-09-22 08:51:00 WIB is 2020-09-22T01:51:00Z.
        assert_eq!(Timestamp::from_wib(2020, 9, 22, 8, 51, 0).expect("valid").to_string(), "2020-09-22T01:51:00Z");
        // Across a year boundary.
        assert_eq!(Timestamp::from_wib(2021, 1, 1, 3, 0, 0).expect("valid").to_string(), "2020-12-31T20:00:00Z");
        // DOKU's expired_date example (§2.5).
        let t = Timestamp::parse_wib_compact("20241122234523").expect("valid");
        assert_eq!(t.to_string(), "2024-11-22T16:45:23Z");
        assert_eq!(t.to_wib_compact(), "20241122234523");
        assert!(Timestamp::parse_wib_compact("2024112223452").is_err());
    }

    /// Walks the calendar one day at a time from 1900-01-01 (a known day number), the slow
    /// obvious way, and checks both conversions on every day up to 2300.
    #[test]
    fn every_day_from_1900_to_2300_matches_a_day_by_day_count() {
        let (mut y, mut m, mut d) = (1900, 1, 1);
        let mut days = -25_567; // 1900-01-01 is 25 567 days before 1970-01-01
        while y < 2300 {
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
            assert_eq!(civil_from_days(days), (y, m, d), "day {days}");
            days += 1;
            d += 1;
            if d > days_in_month(y, m) {
                (d, m) = (1, m + 1);
                if m > 12 {
                    (m, y) = (1, y + 1);
                }
            }
        }
        assert_eq!(days, days_from_civil(2300, 1, 1));
    }

    #[test]
    fn leap_years_and_month_lengths() {
        for (year, leap) in [(1900, false), (2000, true), (2023, false), (2024, true), (2100, false), (2400, true)] {
            assert_eq!(is_leap(year), leap, "{year}");
            assert_eq!(days_in_month(year, 2), if leap { 29 } else { 28 }, "{year}");
        }
        let lengths: Vec<u32> = (1..=12).map(|m| days_in_month(2023, m)).collect();
        assert_eq!(lengths, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    }

    #[test]
    fn from_utc_accepts_each_field_up_to_its_limit_and_not_beyond() {
        assert_eq!(
            Timestamp::from_utc(2023, 12, 31, 23, 59, 59).map(|t| t.to_string()).as_deref(),
            Some("2023-12-31T23:59:59Z")
        );
        assert_eq!(Timestamp::from_utc(2023, 1, 1, 0, 0, 0).map(|t| t.unix()), Some(1_672_531_200));
        assert!(Timestamp::from_utc(2024, 2, 29, 0, 0, 0).is_some());
        for (y, mo, d, h, mi, s) in [
            (2023, 0, 1, 0, 0, 0),
            (2023, 13, 1, 0, 0, 0),
            (2023, 1, 0, 0, 0, 0),
            (2023, 1, 32, 0, 0, 0),
            (2023, 4, 31, 0, 0, 0),
            (2023, 2, 29, 0, 0, 0),
            (2023, 1, 1, 24, 0, 0),
            (2023, 1, 1, 0, 60, 0),
            (2023, 1, 1, 0, 0, 60),
        ] {
            assert_eq!(Timestamp::from_utc(y, mo, d, h, mi, s), None, "{y}-{mo}-{d} {h}:{mi}:{s}");
        }
        // Hours, minutes and seconds each weigh what they should.
        let base = Timestamp::from_utc(2023, 1, 1, 0, 0, 0).expect("valid").unix();
        assert_eq!(Timestamp::from_utc(2023, 1, 1, 1, 0, 0).expect("valid").unix() - base, 3_600);
        assert_eq!(Timestamp::from_utc(2023, 1, 1, 0, 1, 0).expect("valid").unix() - base, 60);
        assert_eq!(Timestamp::from_utc(2023, 1, 1, 0, 0, 1).expect("valid").unix() - base, 1);
    }

    #[test]
    fn parse_refuses_each_wrong_separator_and_non_digit() {
        let good = "2020-08-11T08:45:42Z";
        assert!(Timestamp::parse(good).is_ok());
        for (index, _) in good.char_indices() {
            let mut bytes = good.as_bytes().to_vec();
            bytes[index] = if bytes[index].is_ascii_digit() { b'x' } else { b'0' };
            let text = String::from_utf8(bytes).expect("ascii");
            let e = Timestamp::parse(&text).expect_err(&text);
            assert_eq!(e.field(), Some("timestamp"));
            assert!(e.message().contains(&format!("{text:?} is not UTC")), "{}", e.message());
        }
        assert!(Timestamp::parse("2020-08-11T08:45:42ZZ").is_err());
        assert_eq!(Timestamp::parse("2020-08-11T08:45:42Z").expect("valid"), Timestamp::from_unix(1_597_135_542));
        assert_eq!(Timestamp::parse("1999-12-31T23:59:59Z").expect("valid").unix(), 946_684_799);
    }

    #[test]
    fn wib_compact_parsing_is_strict_and_exact() {
        assert_eq!(Timestamp::parse_wib_compact("20200101065959").expect("valid").to_string(), "2019-12-31T23:59:59Z");
        for bad in ["2024112223452x", "202411222345234", "20241322234523", "20240230000000", "20241122240000", ""] {
            let e = Timestamp::parse_wib_compact(bad).expect_err(bad);
            assert_eq!(e.code().as_str(), "invalid_response", "{bad}");
            assert!(e.message().contains("is not a WIB time in the form yyyyMMddHHmmss"), "{}", e.message());
        }
        assert_eq!(Timestamp::from_unix(0).to_wib_compact(), "19700101070000");
        assert_eq!(WIB_OFFSET_SECONDS, 25_200);
    }

    #[test]
    fn instants_before_1970_format_correctly() {
        assert_eq!(Timestamp::from_unix(-1).to_string(), "1969-12-31T23:59:59Z");
        assert_eq!(Timestamp::from_unix(-1).to_utc_fields(), (1969, 12, 31, 23, 59, 59));
        assert_eq!(Timestamp::from_unix(86_399).to_utc_fields(), (1970, 1, 1, 23, 59, 59));
        assert_eq!(Timestamp::from_unix(3_661).to_utc_fields(), (1970, 1, 1, 1, 1, 1));
    }

    #[test]
    fn clocks_and_serialisation() {
        let fixed = Timestamp::from_unix(1_597_135_542);
        assert_eq!(FixedClock(fixed).now(), fixed);
        let now = SystemClock.now().unix();
        assert!(now > 1_767_225_600, "the system clock is after 2026-01-01: {now}"); // sanity, not timing
        assert!(Timestamp::now().unix() >= now);
        assert_eq!(serde_json::to_string(&fixed).expect("json"), "\"2020-08-11T08:45:42Z\"");
        assert!(Timestamp::from_unix(1) > Timestamp::from_unix(0));
    }

    #[test]
    fn civil_round_trip_over_four_centuries() {
        for days in (-200_000..200_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
