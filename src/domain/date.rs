//! The one rule for a calendar date sent to the API: ISO 8601 `YYYY-MM-DD` exactly (so
//! `2025-1-1` is refused, not guessed at) and within 1900-2200 (so both backends store and
//! compare it the same: PostgreSQL's range ends elsewhere than chrono's, SQLite compares text).
//! Every input date field deserializes through [`iso`] (or [`iso_opt`]).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, de};

pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2200;

/// Parses `YYYY-MM-DD` under the rule above; the error says what to send.
pub fn parse_iso(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let bad = || format!("`{s}` is not a date: write it as YYYY-MM-DD (ISO 8601), e.g. 2025-01-31");
    if !shape {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().expect("digits");
    let year = num(0..4) as i32;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(format!("{s} is out of range: dates are between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31"));
    }
    NaiveDate::from_ymd_opt(year, num(5..7), num(8..10)).ok_or_else(|| format!("{s} is not a day of the calendar"))
}

/// `#[serde(deserialize_with = "crate::domain::date::iso")]` on a `NaiveDate` field.
pub fn iso<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    parse_iso(&s).map_err(de::Error::custom)
}

/// The same for an `Option<NaiveDate>` field (with `#[serde(default)]`).
pub fn iso_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let s = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
    s.map(|s| parse_iso(&s).map_err(de::Error::custom)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_iso_dates_in_range() {
        assert_eq!(parse_iso("2025-01-31"), Ok(NaiveDate::from_ymd_opt(2025, 1, 31).unwrap()));
        assert!(parse_iso("1900-01-01").is_ok() && parse_iso("2200-12-31").is_ok());
        for bad in [
            "2025-1-1",
            "2025-01-1",
            "25-01-01",
            "2025/01/01",
            "20250101",
            "2025-01-01T00:00:00",
            " 2025-01-01",
            "+2025-01-01",
        ] {
            assert!(parse_iso(bad).unwrap_err().contains("YYYY-MM-DD"), "{bad}");
        }
        for out in ["1899-12-31", "2201-01-01", "0000-01-01", "9999-12-31"] {
            assert!(parse_iso(out).unwrap_err().contains("out of range"), "{out}");
        }
        assert!(parse_iso("-262143-01-01").is_err());
        assert!(parse_iso("2025-02-30").unwrap_err().contains("not a day"));
        assert!(parse_iso("2025-13-01").is_err() && parse_iso("2025-00-10").is_err());
        assert!(parse_iso("2024-02-29").is_ok() && parse_iso("2025-02-29").is_err());
    }

    #[test]
    fn deserializes_from_json_and_query_strings() {
        #[derive(serde::Deserialize)]
        struct T {
            #[serde(deserialize_with = "iso")]
            d: NaiveDate,
            #[serde(default, deserialize_with = "iso_opt")]
            o: Option<NaiveDate>,
        }
        let t: T = serde_json::from_str(r#"{"d": "2025-03-01", "o": null}"#).unwrap();
        assert_eq!((t.d.to_string(), t.o), ("2025-03-01".to_string(), None));
        let t: T = serde_json::from_str(r#"{"d": "2025-03-01"}"#).unwrap();
        assert!(t.o.is_none());
        assert!(serde_json::from_str::<T>(r#"{"d": "2025-3-1"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"d": "2025-03-01", "o": "3000-01-01"}"#).is_err());
    }
}
