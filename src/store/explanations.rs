//! Explanations of finance findings: a finding is computed on every run of the checks, so what
//! a finance officer or manager says about it is kept apart, under the finding's stable key.

use super::audit::{self, Actor};
use super::{check, not_blank, now};
use crate::db::DbConnection;
use crate::domain::finance_checks::{Explanation, Finding};
use crate::error::AppError;
use crate::schema::{finding_explanations, users};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use validator::Validate;

/// Body of `POST /projects/{project}/finance/checks/{key}/explanation`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplanationInput {
    /// Why the finding is acceptable (e.g. "overspend agreed with the EU Delegation, letter of 3 May").
    #[validate(custom(function = "not_blank"), length(max = 2000, message = "at most 2000 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 2000)]
    pub reason: String,
}

/// The explanation as the audit trail keeps it.
#[derive(Debug, Clone, Serialize)]
struct Record {
    id: i64,
    project_id: i64,
    finding_key: String,
    check: String,
    message: String,
    reason: String,
    explained_by: Option<i64>,
    #[serde(with = "crate::timestamp")]
    explained_at: NaiveDateTime,
}

type Row = (i64, i64, String, String, String, String, Option<i64>, NaiveDateTime);

fn record(conn: &mut DbConnection, project_id: i64, key: &str) -> Result<Option<Record>, AppError> {
    let row: Option<Row> = finding_explanations::table
        .filter(finding_explanations::project_id.eq(project_id))
        .filter(finding_explanations::finding_key.eq(key))
        .select((
            finding_explanations::id,
            finding_explanations::project_id,
            finding_explanations::finding_key,
            finding_explanations::check_kind,
            finding_explanations::message,
            finding_explanations::reason,
            finding_explanations::explained_by,
            finding_explanations::explained_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, project_id, finding_key, check, message, reason, explained_by, explained_at)| Record {
        id,
        project_id,
        finding_key,
        check,
        message,
        reason,
        explained_by,
        explained_at,
    }))
}

/// The explanations of a project's findings, by finding key.
pub fn of_project(conn: &mut DbConnection, project_id: i64) -> Result<HashMap<String, Explanation>, AppError> {
    let rows: Vec<(String, String, Option<String>, NaiveDateTime)> = finding_explanations::table
        .left_join(users::table.on(finding_explanations::explained_by.eq(users::id.nullable())))
        .filter(finding_explanations::project_id.eq(project_id))
        .select((
            finding_explanations::finding_key,
            finding_explanations::reason,
            users::email.nullable(),
            finding_explanations::explained_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(key, reason, email, at)| {
            (key, Explanation { reason, explained_by: email.unwrap_or_else(|| "system".into()), explained_at: at })
        })
        .collect())
}

/// Keeps why `finding` is acceptable (replacing an earlier explanation of it), audited with the
/// reason; the finding must be one of the current checks' (the caller ran them).
pub fn explain(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: i64,
    finding: &Finding,
    input: &ExplanationInput,
) -> Result<Explanation, AppError> {
    check(input, vec![])?;
    let reason = input.reason.trim();
    let before = record(conn, project_id, &finding.key)?;
    let at = now();
    match &before {
        Some(b) => {
            diesel::update(finding_explanations::table.find(b.id))
                .set((
                    finding_explanations::message.eq(&finding.message),
                    finding_explanations::reason.eq(reason),
                    finding_explanations::explained_by.eq(actor.user_id),
                    finding_explanations::explained_at.eq(at),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(finding_explanations::table)
                .values((
                    finding_explanations::project_id.eq(project_id),
                    finding_explanations::finding_key.eq(&finding.key),
                    finding_explanations::check_kind.eq(finding.check.as_str()),
                    finding_explanations::message.eq(&finding.message),
                    finding_explanations::reason.eq(reason),
                    finding_explanations::explained_by.eq(actor.user_id),
                    finding_explanations::explained_at.eq(at),
                ))
                .execute(conn)?;
        }
    }
    let after = record(conn, project_id, &finding.key)?.expect("just written");
    // The audit entry's reason is the explanation itself.
    let actor = Actor { user_id: actor.user_id, reason: Some(reason.to_string()) };
    match &before {
        Some(b) => audit::updated(conn, &actor, Some(project_id), "finding_explanation", after.id, b, &after)?,
        None => audit::created(conn, &actor, Some(project_id), "finding_explanation", after.id, &after)?,
    }
    let email = match actor.user_id {
        Some(id) => users::table.find(id).select(users::email).first::<String>(conn).optional()?,
        None => None,
    };
    Ok(Explanation { reason: after.reason, explained_by: email.unwrap_or_else(|| "system".into()), explained_at: at })
}
