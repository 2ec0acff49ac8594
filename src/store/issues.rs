//! The issue log (UNDP POPP), kept beside the risk log: a risk is something that may happen
//! (likelihood x impact, mitigation); an issue is something that has happened and needs a
//! response: its type, the date it was raised and by whom, a description, a priority, the
//! response or action agreed, who owns it, and where it stands (open, in progress, closed on a date).

use super::audit::{self, Actor};
use super::{check, check_version, expect_one_row, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::monitoring::{IssuePriority, IssueStatus, IssueType, check_issue};
use crate::error::AppError;
use crate::schema::issues;
use crate::store::projects;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The `issues` row as stored; [`Issue`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = issues)]
struct IssueRecord {
    id: i64,
    project_id: i64,
    code: String,
    issue_type: crate::domain::monitoring::IssueType,
    description: String,
    raised_on: NaiveDate,
    raised_by: Option<String>,
    priority: crate::domain::monitoring::IssuePriority,
    response: Option<String>,
    owner: Option<String>,
    status: crate::domain::monitoring::IssueStatus,
    closed_on: Option<NaiveDate>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// An issue of the project's issue log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Issue {
    pub id: i64,
    pub project_id: i64,
    /// `I1`, `I2`, ... (unique in the project).
    pub code: String,
    pub issue_type: crate::domain::monitoring::IssueType,
    pub description: String,
    /// When the issue was identified.
    pub raised_on: NaiveDate,
    pub raised_by: Option<String>,
    pub priority: crate::domain::monitoring::IssuePriority,
    /// The management response or action taken.
    pub response: Option<String>,
    pub owner: Option<String>,
    pub status: crate::domain::monitoring::IssueStatus,
    /// When a closed issue was closed.
    pub closed_on: Option<NaiveDate>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<IssueRecord> for Issue {
    fn from(r: IssueRecord) -> Self {
        Issue {
            id: r.id,
            project_id: r.project_id,
            code: r.code,
            issue_type: r.issue_type,
            description: r.description,
            raised_on: r.raised_on,
            raised_by: r.raised_by,
            priority: r.priority,
            response: r.response,
            owner: r.owner,
            status: r.status,
            closed_on: r.closed_on,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    #[validate(custom(function = "super::local_code"))]
    #[schema(example = "I1")]
    pub code: String,
    pub issue_type: IssueType,
    #[validate(custom(function = "not_blank"), length(max = 4000, message = "at most 4000 characters"))]
    pub description: String,
    #[schema(example = "2025-08-14")]
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub raised_on: NaiveDate,
    #[serde(default)]
    #[validate(length(max = 200, message = "at most 200 characters"))]
    pub raised_by: Option<String>,
    pub priority: IssuePriority,
    #[serde(default)]
    #[validate(length(max = 4000, message = "at most 4000 characters"))]
    pub response: Option<String>,
    #[serde(default)]
    #[validate(length(max = 200, message = "at most 200 characters"))]
    pub owner: Option<String>,
    pub status: IssueStatus,
    /// Required with status `closed`, refused otherwise.
    #[serde(default, deserialize_with = "crate::domain::date::iso_opt")]
    pub closed_on: Option<NaiveDate>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

fn trimmed(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Issue, AppError> {
    issues::table
        .find(id)
        .select(IssueRecord::as_select())
        .first(conn)
        .optional()?
        .map(Issue::from)
        .ok_or_else(|| AppError::NotFound(format!("issue {id}")))
}

/// The project's issues, oldest first (then by code).
pub fn list(conn: &mut DbConnection, project_id: i64) -> Result<Vec<Issue>, AppError> {
    let rows: Vec<IssueRecord> =
        issues::table.filter(issues::project_id.eq(project_id)).select(IssueRecord::as_select()).load(conn)?;
    let mut out: Vec<Issue> = rows.into_iter().map(Issue::from).collect();
    out.sort_by(|a, b| {
        a.raised_on.cmp(&b.raised_on).then_with(|| crate::domain::results::compare_codes(&a.code, &b.code))
    });
    Ok(out)
}

fn code_taken(conn: &mut DbConnection, project_id: i64, code: &str, except: Option<i64>) -> Result<bool, AppError> {
    let mut q = issues::table
        .filter(issues::project_id.eq(project_id))
        .filter(issues::code.eq(code))
        .select(issues::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(issues::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

fn validate(conn: &mut DbConnection, project_id: i64, input: &IssueInput, except: Option<i64>) -> Result<(), AppError> {
    let project = projects::get(conn, project_id)?;
    let errs = check_issue(input.raised_on, input.closed_on, input.status, (project.start_date, project.end_date));
    check(input, errs)?;
    if code_taken(conn, project_id, &input.code, except)? {
        return Err(AppError::conflict("code", format!("the project already has an issue {}", input.code)));
    }
    Ok(())
}

pub fn create(conn: &mut DbConnection, actor: &Actor, project_id: i64, input: &IssueInput) -> Result<Issue, AppError> {
    validate(conn, project_id, input, None)?;
    let at = now();
    let id: i64 = diesel::insert_into(issues::table)
        .values((
            issues::project_id.eq(project_id),
            issues::code.eq(&input.code),
            issues::issue_type.eq(input.issue_type.as_str()),
            issues::description.eq(input.description.trim()),
            issues::raised_on.eq(input.raised_on),
            issues::raised_by.eq(trimmed(&input.raised_by)),
            issues::priority.eq(input.priority.as_str()),
            issues::response.eq(trimmed(&input.response)),
            issues::owner.eq(trimmed(&input.owner)),
            issues::status.eq(input.status.as_str()),
            issues::closed_on.eq(input.closed_on),
            issues::created_at.eq(at),
            issues::updated_at.eq(at),
        ))
        .returning(issues::id)
        .get_result(conn)?;
    let created = get(conn, id)?;
    audit::created(conn, actor, Some(project_id), "issue", id, &created)?;
    Ok(created)
}

pub fn update(conn: &mut DbConnection, actor: &Actor, id: i64, input: &IssueInput) -> Result<Issue, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the issue")?;
    validate(conn, current.project_id, input, Some(id))?;
    let n = diesel::update(issues::table.find(id).filter(issues::version.eq(sent)))
        .set((
            issues::code.eq(&input.code),
            issues::issue_type.eq(input.issue_type.as_str()),
            issues::description.eq(input.description.trim()),
            issues::raised_on.eq(input.raised_on),
            issues::raised_by.eq(trimmed(&input.raised_by)),
            issues::priority.eq(input.priority.as_str()),
            issues::response.eq(trimmed(&input.response)),
            issues::owner.eq(trimmed(&input.owner)),
            issues::status.eq(input.status.as_str()),
            issues::closed_on.eq(input.closed_on),
            issues::updated_at.eq(now()),
            issues::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the issue")?;
    let after = get(conn, id)?;
    audit::updated(conn, actor, Some(current.project_id), "issue", id, &current, &after)?;
    Ok(after)
}

pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let current = get(conn, id)?;
    diesel::delete(issues::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(current.project_id), "issue", id, &current)
}
