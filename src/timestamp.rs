//! Timestamps on the wire: RFC 3339 in UTC with a `Z` (`2025-07-01T09:30:00.123456Z`), as the
//! OpenAPI document's `date-time` says. The database keeps them as UTC without a zone
//! (`NaiveDateTime`, see [`crate::store::now`]); a field that is sent says
//! `#[serde(with = "crate::timestamp")]`, or `crate::timestamp::option` for an `Option`.

use chrono::{DateTime, NaiveDateTime, SecondsFormat};
use serde::{Deserialize, Deserializer, Serializer};

/// `2025-07-01T09:30:00Z`, with the fraction of a second when there is one.
pub fn format(t: &NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// An RFC 3339 timestamp with any offset, as UTC; one without an offset is read as UTC.
pub fn parse(s: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(s).map(|t| t.naive_utc()).ok().or_else(|| s.parse().ok())
}

pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(t))
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
}
