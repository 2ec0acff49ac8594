//! Projects: the award a team manages, with its dates and ledger currency.

use super::audit::{self, Actor};
use super::{catalogue_code, check, check_version, currency_code, expect_one_row, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::period::{Period, Quarter};
use crate::domain::{FieldError, ProjectStatus};
use crate::error::AppError;
use crate::schema::{contributions, memberships, projects, results};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The `projects` row as stored; [`Project`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = projects)]
struct ProjectRecord {
    id: i64,
    code: String,
    award_id: Option<String>,
    title: String,
    country: String,
    implementing_partner: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    currency: String,
    status: crate::domain::ProjectStatus,
    description: Option<String>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
    country_code: Option<String>,
    iati_reporting_org_ref: Option<String>,
    iati_activity_prefix: Option<String>,
    iati_implementing_org_ref: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Project {
    pub id: i64,
    /// Short unique code used in URLs and the CLI, e.g. `KAZ-HUB`.
    pub code: String,
    /// Atlas / Quantum award id, when known.
    pub award_id: Option<String>,
    pub title: String,
    pub country: String,
    pub implementing_partner: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Ledger currency (ISO 4217).
    pub currency: String,
    pub status: crate::domain::ProjectStatus,
    pub description: Option<String>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
    /// ISO 3166-1 alpha-2 code of `country`, e.g. `KZ` (the IATI recipient country).
    #[schema(example = "KZ")]
    pub country_code: Option<String>,
    /// IATI organisation identifier of the reporting organisation, UNDP: `XM-DAC-41114`.
    #[schema(example = "XM-DAC-41114")]
    pub iati_reporting_org_ref: Option<String>,
    /// Prefix of the project's IATI activity identifier, starting with
    /// `iati_reporting_org_ref`: the identifier is this, `-`, and the award id (or the code).
    #[schema(example = "XM-DAC-41114-PROJECT")]
    pub iati_activity_prefix: Option<String>,
    /// IATI organisation identifier of the implementing partner, when it has one.
    pub iati_implementing_org_ref: Option<String>,
}

impl From<ProjectRecord> for Project {
    fn from(r: ProjectRecord) -> Self {
        Project {
            id: r.id,
            code: r.code,
            award_id: r.award_id,
            title: r.title,
            country: r.country,
            implementing_partner: r.implementing_partner,
            start_date: r.start_date,
            end_date: r.end_date,
            currency: r.currency,
            status: r.status,
            description: r.description,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            country_code: r.country_code,
            iati_reporting_org_ref: r.iati_reporting_org_ref,
            iati_activity_prefix: r.iati_activity_prefix,
            iati_implementing_org_ref: r.iati_implementing_org_ref,
        }
    }
}

/// What a user sends to create or update a project.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    #[validate(custom(function = "catalogue_code"))]
    #[schema(pattern = "^[A-Z0-9_-]{1,32}$")]
    #[schema(example = "KAZ-HUB")]
    pub code: String,
    #[validate(length(max = 64, message = "at most 64 characters"))]
    #[schema(max_length = 64)]
    #[serde(default)]
    pub award_id: Option<String>,
    #[validate(custom(function = "not_blank"), length(max = 500, message = "at most 500 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 500)]
    pub title: String,
    #[validate(custom(function = "not_blank"), length(max = 100, message = "at most 100 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 100)]
    pub country: String,
    #[validate(custom(function = "not_blank"), length(max = 300, message = "at most 300 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 300)]
    pub implementing_partner: String,
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub start_date: NaiveDate,
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub end_date: NaiveDate,
    #[validate(custom(function = "currency_code"))]
    #[schema(pattern = "^[A-Z]{3}$")]
    #[schema(example = "USD")]
    pub currency: String,
    pub status: ProjectStatus,
    #[serde(default)]
    pub description: Option<String>,
    /// ISO 3166-1 alpha-2 code of `country` (IATI `recipient-country`), e.g. `KZ`, `UZ`.
    #[serde(default)]
    #[validate(custom(function = "iso_country"))]
    #[schema(pattern = "^[A-Z]{2}$", example = "KZ")]
    pub country_code: Option<String>,
    /// IATI organisation identifier of the reporting organisation (UNDP: `XM-DAC-41114`);
    /// needed to publish the project to IATI (`GET /projects/{project}/iati.xml`).
    #[serde(default)]
    #[validate(custom(function = "iati_org_identifier"))]
    #[schema(pattern = "^[A-Za-z0-9._]+(-[A-Za-z0-9._]+)+$", max_length = 100, example = "XM-DAC-41114")]
    pub iati_reporting_org_ref: Option<String>,
    /// Prefix of the IATI activity identifier: starts with `iati_reporting_org_ref`, no final
    /// `-`; the identifier is the prefix, `-`, and the award id (or the project code when it has
    /// none). An identifier published once must never change.
    #[serde(default)]
    #[validate(custom(function = "iati_org_identifier"))]
    #[schema(pattern = "^[A-Za-z0-9._]+(-[A-Za-z0-9._]+)+$", max_length = 100, example = "XM-DAC-41114-PROJECT")]
    pub iati_activity_prefix: Option<String>,
    /// IATI organisation identifier of the implementing partner, when it has one.
    #[serde(default)]
    #[validate(custom(function = "iati_org_identifier"))]
    #[schema(pattern = "^[A-Za-z0-9._]+(-[A-Za-z0-9._]+)+$", max_length = 100)]
    pub iati_implementing_org_ref: Option<String>,
    /// Required on update: the version you read (optimistic locking).
    #[serde(default)]
    pub version: Option<i32>,
}

/// An ISO 3166-1 alpha-2 country code of the IATI `Country` codelist.
fn iso_country(s: &str) -> Result<(), validator::ValidationError> {
    if crate::iati::codelists::is_country(s) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid")
            .with_message("not an ISO 3166-1 alpha-2 country code (IATI Country codelist), e.g. KZ or UZ".into()))
    }
}

/// An IATI organisation identifier (or an identifier prefix built on one).
fn iati_org_identifier(s: &str) -> Result<(), validator::ValidationError> {
    crate::iati::check_identifier(s).map_err(|m| validator::ValidationError::new("invalid").with_message(m.into()))
}

impl Project {
    /// Parses a quarter that must overlap the project's dates; the error names `period`.
    /// The one rule for every per-quarter entry (actuals, activity progress, narratives, risks).
    pub fn quarter(&self, s: &str) -> Result<Quarter, FieldError> {
        let q: Quarter = s.parse().map_err(|e: crate::domain::period::PeriodError| FieldError::new("period", e.0))?;
        if !Period::Quarter(q).overlaps(self.start_date, self.end_date) {
            return Err(FieldError::new(
                "period",
                format!("{q} is outside the project dates {} to {}", self.start_date, self.end_date),
            ));
        }
        Ok(q)
    }
}

impl ProjectInput {
    fn domain_errors(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        if self.end_date < self.start_date {
            errs.push(FieldError::new("end_date", "must not be before start_date"));
        }
        // IATI: an activity identifier starts with the reporting organisation's identifier.
        if let (Some(org), Some(prefix)) = (&self.iati_reporting_org_ref, &self.iati_activity_prefix)
            && !crate::iati::prefix_fits(org, prefix)
        {
            errs.push(FieldError::new(
                "iati_activity_prefix",
                format!("must start with the reporting organisation's identifier {org}, e.g. {org}-PROJECT"),
            ));
        }
        errs
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = projects, treat_none_as_null = true)]
struct ProjectRow<'a> {
    code: &'a str,
    award_id: Option<&'a str>,
    title: &'a str,
    country: &'a str,
    implementing_partner: &'a str,
    start_date: NaiveDate,
    end_date: NaiveDate,
    currency: &'a str,
    status: &'a str,
    description: Option<&'a str>,
    country_code: Option<&'a str>,
    iati_reporting_org_ref: Option<&'a str>,
    iati_activity_prefix: Option<&'a str>,
    iati_implementing_org_ref: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> From<&'a ProjectInput> for ProjectRow<'a> {
    fn from(p: &'a ProjectInput) -> Self {
        ProjectRow {
            code: &p.code,
            award_id: p.award_id.as_deref(),
            title: p.title.trim(),
            country: p.country.trim(),
            implementing_partner: p.implementing_partner.trim(),
            start_date: p.start_date,
            end_date: p.end_date,
            currency: &p.currency,
            status: p.status.as_str(),
            description: p.description.as_deref(),
            country_code: p.country_code.as_deref(),
            iati_reporting_org_ref: p.iati_reporting_org_ref.as_deref(),
            iati_activity_prefix: p.iati_activity_prefix.as_deref(),
            iati_implementing_org_ref: p.iati_implementing_org_ref.as_deref(),
            updated_at: now(),
        }
    }
}

/// Finds a project by numeric id or by code (`/projects/7` and `/projects/KAZ-HUB` both work).
pub fn find(conn: &mut DbConnection, id_or_code: &str) -> Result<Project, AppError> {
    // Every project-scoped request starts here: on the backend's own connection (`native!`).
    let found: Option<ProjectRecord> = match id_or_code.parse::<i64>() {
        Ok(id) => crate::db::native!(conn, |c| projects::table
            .find(id)
            .select(ProjectRecord::as_select())
            .first(c)
            .optional())?,
        Err(_) => crate::db::native!(conn, |c| projects::table
            .filter(projects::code.eq(id_or_code))
            .select(ProjectRecord::as_select())
            .first(c)
            .optional())?,
    };
    found.map(Project::from).ok_or_else(|| AppError::NotFound(format!("project {id_or_code}")))
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Project, AppError> {
    projects::table
        .find(id)
        .select(ProjectRecord::as_select())
        .first(conn)
        .optional()?
        .map(Project::from)
        .ok_or_else(|| AppError::NotFound(format!("project {id}")))
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<Project>, AppError> {
    let rows: Vec<ProjectRecord> =
        projects::table.select(ProjectRecord::as_select()).order(projects::code).load(conn)?;
    Ok(rows.into_iter().map(Project::from).collect())
}

fn code_taken(conn: &mut DbConnection, code: &str, except: Option<i64>) -> Result<bool, AppError> {
    let mut q = projects::table.filter(projects::code.eq(code)).select(projects::id).into_boxed();
    if let Some(id) = except {
        q = q.filter(projects::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

pub fn create(conn: &mut DbConnection, actor: &Actor, input: &ProjectInput) -> Result<Project, AppError> {
    check(input, input.domain_errors())?;
    if code_taken(conn, &input.code, None)? {
        return Err(AppError::conflict("code", format!("a project with code {} already exists", input.code)));
    }
    let row = ProjectRow::from(input);
    let created_at = row.updated_at;
    let id = diesel::insert_into(projects::table)
        .values((&row, projects::created_at.eq(created_at)))
        .returning(projects::id)
        .get_result::<i64>(conn)?;
    let created = get(conn, id)?;
    audit::created(conn, actor, Some(id), "project", id, &created)?;
    Ok(created)
}

pub fn update(conn: &mut DbConnection, actor: &Actor, id: i64, input: &ProjectInput) -> Result<Project, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the project")?;
    let mut errs = input.domain_errors();
    // Shrinking the dates must not orphan targets set for periods now outside them.
    if input.start_date != current.start_date || input.end_date != current.end_date {
        errs.extend(super::indicators::targets_outside(conn, id, input.start_date, input.end_date)?);
    }
    check(input, errs)?;
    if code_taken(conn, &input.code, Some(id))? {
        return Err(AppError::conflict("code", format!("a project with code {} already exists", input.code)));
    }
    let n = diesel::update(projects::table.find(id).filter(projects::version.eq(sent)))
        .set((&ProjectRow::from(input), projects::version.eq(sent + 1)))
        .execute(conn)?;
    expect_one_row(n, "the project")?;
    let after = get(conn, id)?;
    audit::updated(conn, actor, Some(id), "project", id, &current, &after)?;
    Ok(after)
}

pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let project = get(conn, id)?;
    let has_results: i64 = results::table.filter(results::project_id.eq(id)).count().get_result(conn)?;
    let has_contributions: i64 =
        contributions::table.filter(contributions::project_id.eq(id)).count().get_result(conn)?;
    if has_results + has_contributions > 0 {
        return Err(AppError::Conflict {
            message: format!(
                "project {} still has {has_results} results and {has_contributions} contributions: delete them first",
                project.code
            ),
            field: None,
        });
    }
    // Access to the project goes with it; its audit trail stays.
    crate::db::auth_changed();
    diesel::delete(memberships::table.filter(memberships::project_id.eq(id))).execute(conn)?;
    diesel::delete(
        crate::schema::finding_explanations::table.filter(crate::schema::finding_explanations::project_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(projects::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(id), "project", id, &project)
}
