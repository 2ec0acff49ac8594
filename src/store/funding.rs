//! Funding sources (donors) and what each commits to a project (contributions).

use super::audit::{self, Actor};
use super::{catalogue_code, check, check_version, currency_code, expect_one_row, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::eu::ConversionRule;
use crate::domain::{FundingKind, MAX_RATE_BP};
use crate::error::AppError;
use crate::schema::{contributions, funding_sources};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// The `funding_sources` row as stored; [`FundingSource`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = funding_sources)]
struct FundingSourceRecord {
    id: i64,
    code: String,
    name: String,
    kind: crate::domain::FundingKind,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FundingSource {
    pub id: i64,
    /// e.g. `EU`, `UNDP`, `RB` (Republic budget).
    pub code: String,
    pub name: String,
    pub kind: crate::domain::FundingKind,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<FundingSourceRecord> for FundingSource {
    fn from(r: FundingSourceRecord) -> Self {
        FundingSource {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingSourceInput {
    #[validate(custom(function = "catalogue_code"))]
    #[schema(example = "EU")]
    pub code: String,
    #[validate(custom(function = "not_blank"), length(max = 300, message = "at most 300 characters"))]
    pub name: String,
    pub kind: FundingKind,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = funding_sources)]
struct FundingSourceRow<'a> {
    code: &'a str,
    name: &'a str,
    kind: &'a str,
    updated_at: NaiveDateTime,
}

impl<'a> From<&'a FundingSourceInput> for FundingSourceRow<'a> {
    fn from(f: &'a FundingSourceInput) -> Self {
        FundingSourceRow { code: &f.code, name: f.name.trim(), kind: f.kind.as_str(), updated_at: now() }
    }
}

pub fn list_sources(conn: &mut DbConnection) -> Result<Vec<FundingSource>, AppError> {
    let rows: Vec<FundingSourceRecord> =
        funding_sources::table.select(FundingSourceRecord::as_select()).order(funding_sources::code).load(conn)?;
    Ok(rows.into_iter().map(FundingSource::from).collect())
}

pub fn get_source(conn: &mut DbConnection, id: i64) -> Result<FundingSource, AppError> {
    funding_sources::table
        .find(id)
        .select(FundingSourceRecord::as_select())
        .first(conn)
        .optional()?
        .map(FundingSource::from)
        .ok_or_else(|| AppError::NotFound(format!("funding source {id}")))
}

pub fn find_source_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<FundingSource>, AppError> {
    Ok(funding_sources::table
        .filter(funding_sources::code.eq(code))
        .select(FundingSourceRecord::as_select())
        .first(conn)
        .optional()?
        .map(FundingSource::from))
}

fn source_code_taken(conn: &mut DbConnection, code: &str, except: Option<i64>) -> Result<bool, AppError> {
    Ok(find_source_by_code(conn, code)?.is_some_and(|f| Some(f.id) != except))
}

pub fn create_source(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &FundingSourceInput,
) -> Result<FundingSource, AppError> {
    check(input, vec![])?;
    if source_code_taken(conn, &input.code, None)? {
        return Err(AppError::conflict("code", format!("a funding source with code {} already exists", input.code)));
    }
    let row = FundingSourceRow::from(input);
    let created_at = row.updated_at;
    let id = diesel::insert_into(funding_sources::table)
        .values((&row, funding_sources::created_at.eq(created_at)))
        .returning(funding_sources::id)
        .get_result::<i64>(conn)?;
    let created = get_source(conn, id)?;
    audit::created(conn, actor, None, "funding_source", id, &created)?;
    Ok(created)
}

pub fn update_source(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &FundingSourceInput,
) -> Result<FundingSource, AppError> {
    let sent = required_version(input.version)?;
    let current = get_source(conn, id)?;
    check_version(current.version, sent, "the funding source")?;
    check(input, vec![])?;
    if source_code_taken(conn, &input.code, Some(id))? {
        return Err(AppError::conflict("code", format!("a funding source with code {} already exists", input.code)));
    }
    let n = diesel::update(funding_sources::table.find(id).filter(funding_sources::version.eq(sent)))
        .set((&FundingSourceRow::from(input), funding_sources::version.eq(sent + 1)))
        .execute(conn)?;
    expect_one_row(n, "the funding source")?;
    let after = get_source(conn, id)?;
    audit::updated(conn, actor, None, "funding_source", id, &current, &after)?;
    Ok(after)
}

pub fn delete_source(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let source = get_source(conn, id)?;
    let used: i64 = contributions::table.filter(contributions::funding_source_id.eq(id)).count().get_result(conn)?;
    if used > 0 {
        return Err(AppError::Conflict {
            message: format!(
                "funding source {} funds {used} project(s): delete those contributions first",
                source.code
            ),
            field: None,
        });
    }
    diesel::delete(funding_sources::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, None, "funding_source", id, &source)
}

/// The `contributions` row as stored; [`Contribution`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contributions)]
struct ContributionRecord {
    id: i64,
    project_id: i64,
    funding_source_id: i64,
    amount_minor: i64,
    currency: String,
    agreement_ref: Option<String>,
    indirect_rate_bp: Option<i32>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
    conversion_rule: crate::domain::eu::ConversionRule,
}

/// What one funding source commits to one project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contribution {
    pub id: i64,
    pub project_id: i64,
    pub funding_source_id: i64,
    /// Amount in minor units (cents): 29333300 = 293,333.00.
    pub amount_minor: i64,
    pub currency: String,
    /// Contribution agreement reference.
    pub agreement_ref: Option<String>,
    /// Indirect cost (GMS / F&A) rate of the agreement in basis points: 700 = 7 %.
    pub indirect_rate_bp: Option<i32>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
    /// How the agreement's EU financial statement converts the ledger currency to EUR:
    /// `monthly_rate` (each month's expenditure at the UN operational rate of that month) or
    /// `instalment_rate` (at the weighted average rate of the EU instalments received up to the
    /// end of the reporting period). Used for EU contributions.
    pub conversion_rule: crate::domain::eu::ConversionRule,
}

impl From<ContributionRecord> for Contribution {
    fn from(r: ContributionRecord) -> Self {
        Contribution {
            id: r.id,
            project_id: r.project_id,
            funding_source_id: r.funding_source_id,
            amount_minor: r.amount_minor,
            currency: r.currency,
            agreement_ref: r.agreement_ref,
            indirect_rate_bp: r.indirect_rate_bp,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            conversion_rule: r.conversion_rule,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContributionInput {
    pub funding_source_id: i64,
    #[validate(range(min = 0, message = "must not be negative"))]
    #[schema(example = 29333300)]
    pub amount_minor: i64,
    #[validate(custom(function = "currency_code"))]
    pub currency: String,
    #[serde(default)]
    #[validate(length(max = 200, message = "at most 200 characters"))]
    pub agreement_ref: Option<String>,
    #[serde(default)]
    #[validate(range(min = 0, max = MAX_RATE_BP, message = "basis points between 0 and 10000 (700 = 7 %)"))]
    pub indirect_rate_bp: Option<i32>,
    /// `monthly_rate` (the default on creation) or `instalment_rate`; an update without it
    /// keeps the contribution's rule.
    #[serde(default)]
    pub conversion_rule: Option<ConversionRule>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = contributions, treat_none_as_null = true)]
struct ContributionRow<'a> {
    funding_source_id: i64,
    amount_minor: i64,
    currency: &'a str,
    agreement_ref: Option<&'a str>,
    indirect_rate_bp: Option<i32>,
    conversion_rule: &'static str,
    updated_at: NaiveDateTime,
}

impl<'a> ContributionRow<'a> {
    fn new(c: &'a ContributionInput, rule: ConversionRule) -> Self {
        ContributionRow {
            funding_source_id: c.funding_source_id,
            amount_minor: c.amount_minor,
            currency: &c.currency,
            agreement_ref: c.agreement_ref.as_deref(),
            indirect_rate_bp: c.indirect_rate_bp,
            conversion_rule: rule.as_str(),
            updated_at: now(),
        }
    }
}

pub fn list_contributions(conn: &mut DbConnection, project_id: i64) -> Result<Vec<Contribution>, AppError> {
    let rows: Vec<ContributionRecord> = contributions::table
        .filter(contributions::project_id.eq(project_id))
        .select(ContributionRecord::as_select())
        .order(contributions::id)
        .load(conn)?;
    Ok(rows.into_iter().map(Contribution::from).collect())
}

pub fn get_contribution(conn: &mut DbConnection, id: i64) -> Result<Contribution, AppError> {
    contributions::table
        .find(id)
        .select(ContributionRecord::as_select())
        .first(conn)
        .optional()?
        .map(Contribution::from)
        .ok_or_else(|| AppError::NotFound(format!("contribution {id}")))
}

/// The source must exist, and a project takes one contribution per source.
fn check_contribution(
    conn: &mut DbConnection,
    project_id: i64,
    input: &ContributionInput,
    except: Option<i64>,
) -> Result<(), AppError> {
    let mut errs = vec![];
    let source = funding_sources::table
        .find(input.funding_source_id)
        .select(funding_sources::code)
        .first::<String>(conn)
        .optional()?;
    if source.is_none() {
        errs.push(crate::domain::FieldError::new(
            "funding_source_id",
            format!("funding source {} does not exist", input.funding_source_id),
        ));
    }
    check(input, errs)?;
    let mut dup = contributions::table
        .filter(contributions::project_id.eq(project_id))
        .filter(contributions::funding_source_id.eq(input.funding_source_id))
        .select(contributions::id)
        .into_boxed();
    if let Some(id) = except {
        dup = dup.filter(contributions::id.ne(id));
    }
    if dup.first::<i64>(conn).optional()?.is_some() {
        return Err(AppError::conflict(
            "funding_source_id",
            format!("the project already has a contribution from {}: update it instead", source.unwrap_or_default()),
        ));
    }
    Ok(())
}

pub fn create_contribution(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: i64,
    input: &ContributionInput,
) -> Result<Contribution, AppError> {
    check_contribution(conn, project_id, input, None)?;
    let row = ContributionRow::new(input, input.conversion_rule.unwrap_or(ConversionRule::MonthlyRate));
    let created_at = row.updated_at;
    let id = diesel::insert_into(contributions::table)
        .values((&row, contributions::project_id.eq(project_id), contributions::created_at.eq(created_at)))
        .returning(contributions::id)
        .get_result::<i64>(conn)?;
    let created = get_contribution(conn, id)?;
    audit::created(conn, actor, Some(project_id), "contribution", id, &created)?;
    Ok(created)
}

pub fn update_contribution(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &ContributionInput,
) -> Result<Contribution, AppError> {
    let sent = required_version(input.version)?;
    let current = get_contribution(conn, id)?;
    check_version(current.version, sent, "the contribution")?;
    check_contribution(conn, current.project_id, input, Some(id))?;
    let rule = input.conversion_rule.unwrap_or(current.conversion_rule);
    let n = diesel::update(contributions::table.find(id).filter(contributions::version.eq(sent)))
        .set((&ContributionRow::new(input, rule), contributions::version.eq(sent + 1)))
        .execute(conn)?;
    expect_one_row(n, "the contribution")?;
    let after = get_contribution(conn, id)?;
    audit::updated(conn, actor, Some(current.project_id), "contribution", id, &current, &after)?;
    Ok(after)
}

pub fn delete_contribution(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let before = get_contribution(conn, id)?;
    diesel::delete(contributions::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(before.project_id), "contribution", id, &before)
}
