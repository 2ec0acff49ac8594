//! Use cases over the database: each public function runs inside the caller's transaction
//! (see [`crate::db::Db::tx`]), checks its rules first and writes only when all pass.
//! Inputs are the API's DTOs, so the REST API, the CLI and the seed loader share one path.
//!
//! Rows and answers are apart: each table is read into a private `*Record` (diesel's
//! `Queryable, Selectable`) and converted at this boundary into the API's type (`Serialize,
//! ToSchema`), so renaming or retyping a column cannot silently rename or retype a JSON field
//! or the OpenAPI document (`tests/fixtures/openapi.json` holds the contract).

pub mod accounts;
pub mod agreements;
pub mod audit;
pub mod exchange;
pub mod expenditures;
pub mod explanations;
pub mod finance;
pub mod funding;
pub mod idempotency;
pub mod indicators;
pub mod issues;
pub mod monitoring;
pub mod progress;
pub mod projects;
pub mod reports;
pub mod results;
pub mod totals;
pub mod users;
pub mod workplans;

use crate::domain::FieldError;
use crate::error::AppError;
use chrono::{NaiveDateTime, Timelike, Utc};
use validator::{Validate, ValidationError, ValidationErrors, ValidationErrorsKind};

/// Current UTC time at microsecond precision, so both backends store and return the same.
pub fn now() -> NaiveDateTime {
    let t = Utc::now().naive_utc();
    t.with_nanosecond(t.nanosecond() / 1_000 * 1_000).unwrap_or(t)
}

/// Runs the DTO's `validator` rules and the domain rules, and fails with every error at once.
pub fn check(input: &impl Validate, mut domain_errors: Vec<FieldError>) -> Result<(), AppError> {
    let mut errors = match input.validate() {
        Ok(()) => vec![],
        Err(e) => flatten(&e, ""),
    };
    errors.append(&mut domain_errors);
    if errors.is_empty() {
        Ok(())
    } else {
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        errors.dedup();
        Err(AppError::Validation(errors))
    }
}

fn flatten(errors: &ValidationErrors, prefix: &str) -> Vec<FieldError> {
    let mut out = vec![];
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(errs) => out.extend(errs.iter().map(|e| {
                let message = e.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| e.code.to_string());
                FieldError::new(path.clone(), message)
            })),
            ValidationErrorsKind::Struct(inner) => out.extend(flatten(inner, &path)),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    out.extend(flatten(inner, &format!("{path}[{i}]")));
                }
            }
        }
    }
    out
}

fn rule(message: &'static str) -> ValidationError {
    ValidationError::new("invalid").with_message(message.into())
}

/// Text a person must fill in: not empty, not only spaces.
pub fn not_blank(s: &str) -> Result<(), ValidationError> {
    if s.trim().is_empty() { Err(rule("must not be empty")) } else { Ok(()) }
}

/// A link people will click (evidence): an `http://` or `https://` URL, nothing else, so a
/// stored `javascript:` or `data:` link can never run in a page or a report.
pub fn web_url(s: &str) -> Result<(), ValidationError> {
    let scheme_ok = s.get(..8).is_some_and(|p| p.eq_ignore_ascii_case("https://"))
        || s.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("http://"));
    if scheme_ok && validator::ValidateUrl::validate_url(&s) {
        Ok(())
    } else {
        Err(rule("must be a web address starting with https:// or http://"))
    }
}

/// Codes of projects and funding sources: `KAZ-HUB`, `RB`, `EU`.
pub fn catalogue_code(s: &str) -> Result<(), ValidationError> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok { Ok(()) } else { Err(rule("1-32 characters: capital letters, digits, - and _")) }
}

/// Codes inside a project (results `1.2.3`, indicators `OP1.1-a`).
pub fn local_code(s: &str) -> Result<(), ValidationError> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok { Ok(()) } else { Err(rule("1-32 characters: letters, digits, '.', '-' and '_'")) }
}

pub fn currency_code(s: &str) -> Result<(), ValidationError> {
    if crate::domain::money::is_known_currency(s) {
        Ok(())
    } else {
        Err(rule("unknown currency: use an ISO 4217 code such as USD, EUR, KZT or UZS"))
    }
}

/// The version an update must carry; optimistic locking needs it.
pub fn required_version(v: Option<i32>) -> Result<i32, AppError> {
    v.ok_or_else(|| AppError::field("version", "required for an update: send the version you read"))
}

/// Compares the version the client read with the stored one.
pub fn check_version(stored: i32, sent: i32, what: &str) -> Result<(), AppError> {
    if stored == sent {
        Ok(())
    } else {
        Err(AppError::PreconditionFailed(format!(
            "{what} is at version {stored}, the update was made against version {sent}: read it again and reapply your change"
        )))
    }
}

/// After a guarded `UPDATE ... WHERE version = sent`: zero rows means someone else won.
pub fn expect_one_row(n: usize, what: &str) -> Result<(), AppError> {
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::PreconditionFailed(format!("{what} was changed by someone else meanwhile")))
    }
}
