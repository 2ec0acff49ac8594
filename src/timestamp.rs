//! Timestamps on the wire: RFC 3339 in UTC with a `Z` (`2025-07-01T09:30:00.123456Z`), as the
//! OpenAPI document's `date-time` says. The database keeps them as UTC without a zone
//! (`NaiveDateTime`, see [`crate::store::now`]); a field that is sent says
//! `#[serde(with = "crate::timestamp")]`, or `crate::timestamp::option` for an `Option`.

use chrono::{DateTime, NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

/// `2025-07-01T09:30:00Z`, with the fraction of a second when there is one.
pub fn format(t: &NaiveDateTime) -> String {
    with_rfc3339(t, str::to_string)
}

/// Hands `t` as RFC 3339 text to `f`: written by [`write_rfc3339`] on the stack, or by chrono
/// for the forms only chrono writes.
fn with_rfc3339<R>(t: &NaiveDateTime, f: impl FnOnce(&str) -> R) -> R {
    let mut buf = [0u8; 32];
    match write_rfc3339(t, &mut buf) {
        Some(text) => f(text),
        None => f(&t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)),
    }
}

/// Writes what chrono's `to_rfc3339_opts(AutoSi, true)` writes (a fraction of 3, 6 or 9
/// digits, as many as it needs, or none) into `buf`, without chrono's formatter: a read of
/// the results framework sends ~70 timestamps, and chrono's generic formatting was a tenth of
/// the request. `None` for what only chrono writes (a year outside 0..=9999, a leap second).
fn write_rfc3339<'a>(t: &NaiveDateTime, buf: &'a mut [u8; 32]) -> Option<&'a str> {
    use chrono::{Datelike, Timelike};
    let (year, nanos) = (t.year(), t.nanosecond());
    if !(0..=9999).contains(&year) || nanos >= 1_000_000_000 {
        return None;
    }
    let fraction = match nanos {
        0 => None,
        _ if nanos % 1_000_000 == 0 => Some((nanos / 1_000_000, 3)),
        _ if nanos % 1_000 == 0 => Some((nanos / 1_000, 6)),
        _ => Some((nanos, 9)),
    };
    // Right to left, one digit at a time: division by the constant 10 is a multiplication.
    let put = |buf: &mut [u8; 32], end: usize, mut value: u32, digits: usize| {
        for i in (end - digits..end).rev() {
            buf[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    buf[..20].copy_from_slice(b"0000-00-00T00:00:00Z");
    put(buf, 4, year as u32, 4);
    put(buf, 7, t.month(), 2);
    put(buf, 10, t.day(), 2);
    put(buf, 13, t.hour(), 2);
    put(buf, 16, t.minute(), 2);
    put(buf, 19, t.second(), 2);
    let mut n = 20;
    if let Some((value, digits)) = fraction {
        buf[19] = b'.';
        put(buf, 20 + digits, value, digits);
        buf[20 + digits] = b'Z';
        n = 21 + digits;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// An RFC 3339 timestamp with any offset, as UTC; one without an offset is read as UTC.
pub fn parse(s: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(s).map(|t| t.naive_utc()).ok().or_else(|| s.parse().ok())
}

pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    with_rfc3339(t, |text| s.serialize_str(text))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let s = std::borrow::Cow::<str>::deserialize(d)?;
    parse(&s).ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not an RFC 3339 timestamp")))
}

/// The same for `Option<NaiveDateTime>` (`null` when absent).
pub mod option {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(d)? {
            Some(s) => super::parse(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not an RFC 3339 timestamp"))),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use serde::Serialize;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Stamped {
        #[serde(with = "crate::timestamp")]
        at: NaiveDateTime,
        #[serde(with = "crate::timestamp::option")]
        done: Option<NaiveDateTime>,
    }

    #[test]
    fn sent_as_utc_with_z_and_read_back_from_any_offset() {
        let at = chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap().and_hms_micro_opt(9, 30, 0, 123_456).unwrap();
        let whole = at.with_nanosecond(0).unwrap();
        let s = Stamped { at, done: Some(whole) };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"at":"2025-07-01T09:30:00.123456Z","done":"2025-07-01T09:30:00Z"}"#);
        assert_eq!(serde_json::from_str::<Stamped>(&json).unwrap(), s);
        let none = serde_json::to_string(&Stamped { at: whole, done: None }).unwrap();
        assert_eq!(none, r#"{"at":"2025-07-01T09:30:00Z","done":null}"#);
        assert_eq!(parse("2025-07-01T11:30:00+02:00"), Some(whole));
        assert_eq!(parse("2025-07-01T09:30:00"), Some(whole), "stored values have no offset: UTC");
        assert_eq!(parse("yesterday"), None);
    }

    /// The quick writer writes what chrono writes: every fraction length, each field's
    /// bounds, and the forms only chrono writes (a leap second, a five-digit year).
    #[test]
    fn written_as_chrono_writes_rfc_3339() {
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mut stamps = vec![];
        for date in [day(2025, 7, 1), day(0, 1, 1), day(9999, 12, 31), day(2024, 2, 29), day(1970, 1, 1)] {
            for (h, mi, s) in [(0, 0, 0), (9, 30, 5), (23, 59, 59)] {
                for nanos in [0, 1, 5_000_000, 120_000_000, 123_456_000, 999_999_000, 10, 123_456_789, 999_999_999] {
                    stamps.push(date.and_hms_nano_opt(h, mi, s, nanos).unwrap());
                }
            }
        }
        stamps.push(day(2016, 12, 31).and_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap());
        stamps.push(day(10000, 1, 1).and_hms_opt(0, 0, 0).unwrap());
        stamps.push(day(-1, 1, 1).and_hms_opt(0, 0, 0).unwrap());
        for t in stamps {
            let chrono = t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true);
            assert_eq!(format(&t), chrono);
            assert_eq!(
                serde_json::to_string(&Stamped { at: t, done: None }).unwrap(),
                format!(r#"{{"at":"{chrono}","done":null}}"#)
            );
        }
    }
}
