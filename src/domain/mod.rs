//! The pure domain: the glossary's types and rules, with no database and no HTTP.
//! Everything here is unit-tested; the API, the seeds and (later) the reports call it.

pub mod access;
pub mod budget;
pub mod date;
pub mod eu;
pub mod finance_checks;
pub mod indicators;
pub mod money;
pub mod monitoring;
pub mod period;
pub mod progress;
pub mod results;

use serde::{Deserialize, Serialize};
use std::fmt;

/// One failed rule: which input field (a JSON path like `targets[2].period`) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// Defines a closed vocabulary stored as TEXT and sent as a snake_case JSON string.
///
/// The column mapping is here, once, for every backend (SQLite, PostgreSQL and diesel's
/// `MultiBackend` over both): a store row declares the field with the vocabulary's type, and a
/// stored text that is not one of its words (`"aproved"`) is a read error naming the column's
/// vocabulary, not an `expect` at each use.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:tt),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[derive(diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $(#[$meta])*
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads the stored text; the database only ever holds values written by `as_str`.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                $name::parse(&text)
                    .ok_or_else(|| format!("{:?} is not a {} (stored: {:?})", text, stringify!($name), $name::ALL).into())
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut diesel::serialize::Output<'b, '_, DB>) -> diesel::serialize::Result {
                <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.as_str(), out)
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// Where a project is in the UNDP life cycle.
    ProjectStatus {
        Pipeline = "pipeline",
        Active = "active",
        OperationallyClosed = "operationally_closed",
        FinanciallyClosed = "financially_closed",
    }
}

vocabulary! {
    /// What kind of donor a funding source is.
    FundingKind {
        Eu = "eu",
        UndpCore = "undp_core",
        GovernmentCostSharing = "government_cost_sharing",
        Other = "other",
    }
}

/// Indirect-cost rates are stored in basis points: 700 = 7 %.
pub const MAX_RATE_BP: i32 = 10_000;

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_round_trips_text_and_json() {
        for s in ProjectStatus::ALL {
            assert_eq!(ProjectStatus::parse(s.as_str()), Some(*s));
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(FundingKind::parse("government_cost_sharing"), Some(FundingKind::GovernmentCostSharing));
        assert_eq!(FundingKind::parse("EU"), None);
    }

    /// A column holds the vocabulary's words: they read back as the type, and a stored word
    /// that is not one of them is a read error naming the vocabulary (not a panic at a use).
    #[test]
    fn vocabulary_columns_read_their_words_and_refuse_others() {
        use diesel::prelude::*;
        use diesel::sql_types::Text;
        let mut c = SqliteConnection::establish(":memory:").unwrap();
        let read = |c: &mut SqliteConnection, word: &str| {
            diesel::select(diesel::dsl::sql::<Text>(&format!("'{word}'"))).get_result::<FundingKind>(c)
        };
        assert_eq!(read(&mut c, "government_cost_sharing").unwrap(), FundingKind::GovernmentCostSharing);
        let err = read(&mut c, "EU").unwrap_err();
        // diesel names the field; the cause below it says what is wrong with the text.
        let mut chain = vec![err.to_string()];
        let mut source = std::error::Error::source(&err);
        while let Some(e) = source {
            chain.push(e.to_string());
            source = e.source();
        }
        assert!(chain.iter().any(|m| m.contains("\"EU\" is not a FundingKind")), "{chain:?}");
        let written: String = diesel::select(FundingKind::UndpCore.into_sql::<Text>()).get_result(&mut c).unwrap();
        assert_eq!(written, "undp_core");
    }

    #[test]
    fn vocabulary_schemas_list_the_wire_text() {
        let schema = serde_json::to_value(<FundingKind as utoipa::PartialSchema>::schema()).unwrap();
        let wire: Vec<&str> = FundingKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(schema["enum"], serde_json::json!(wire));
        assert_eq!(wire, ["eu", "undp_core", "government_cost_sharing", "other"]);
    }
}
