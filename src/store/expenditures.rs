//! Expenditures (budget line x date: amount, reference) and receipts (funds a source has
//! paid in). Both may be in any currency: they are converted into the project's ledger
//! currency at the stored rate of their month, and keep the rate they used.

use super::audit::{self, Actor};
use super::exchange::{self, RateUsed};
use super::totals::{self, Kind};
use super::workplans::{self, LineRecord};
use super::{check, check_version, currency_code, expect_one_row, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::budget::WorkPlanStatus;
use crate::domain::money::is_known_currency;
use crate::domain::period::{Period, Quarter};
use crate::error::AppError;
use crate::schema::{
    budget_lines, contributions, expenditures, funding_sources, receipts, results, work_plan_activities, work_plans,
};
use crate::store::projects::Project;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = expenditures)]
struct ExpenditureRecord {
    id: i64,
    project_id: i64,
    budget_line_id: i64,
    spent_on: NaiveDate,
    amount_minor: i64,
    currency: String,
    ledger_amount_minor: i64,
    ledger_currency: String,
    fx_pair: Option<String>,
    fx_month: Option<String>,
    fx_rate_micros: Option<i64>,
    reference: String,
    description: Option<String>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// One expenditure: the amount as spent and, in the ledger currency, as reported.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Expenditure {
    pub id: i64,
    pub project_id: i64,
    pub budget_line_id: i64,
    pub spent_on: NaiveDate,
    /// `2013-Q1`
    pub quarter: String,
    /// As spent, in `currency` (minor units).
    pub amount_minor: i64,
    pub currency: String,
    /// In the project's ledger currency.
    pub ledger_amount_minor: i64,
    pub ledger_currency: String,
    /// The rate the ledger amount was converted at (none when spent in the ledger currency).
    pub exchange_rate: Option<RateUsed>,
    /// Voucher, purchase order or payment reference.
    pub reference: String,
    pub description: Option<String>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<ExpenditureRecord> for Expenditure {
    fn from(r: ExpenditureRecord) -> Self {
        Expenditure {
            id: r.id,
            project_id: r.project_id,
            budget_line_id: r.budget_line_id,
            quarter: Quarter::of(r.spent_on).to_string(),
            spent_on: r.spent_on,
            amount_minor: r.amount_minor,
            currency: r.currency,
            ledger_amount_minor: r.ledger_amount_minor,
            ledger_currency: r.ledger_currency,
            exchange_rate: RateUsed::from_parts(r.fx_pair, r.fx_month, r.fx_rate_micros),
            reference: r.reference,
            description: r.description,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenditureInput {
    /// A line of an approved work plan of the project.
    pub budget_line_id: i64,
    /// Within the project's dates and the plan's year.
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub spent_on: NaiveDate,
    /// Minor units of `currency`, positive.
    #[validate(range(min = 1, message = "must be a positive number of minor units"))]
    #[schema(minimum = 1)]
    #[schema(example = 1045000)]
    pub amount_minor: i64,
    /// Any ISO 4217 currency; other than the ledger's, it needs the month's exchange rate.
    #[validate(custom(function = "currency_code"))]
    #[schema(pattern = "^[A-Z]{3}$")]
    #[schema(example = "USD")]
    pub currency: String,
    #[validate(custom(function = "not_blank"), length(max = 100, message = "at most 100 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 100)]
    #[schema(example = "PO-2013-0042")]
    pub reference: String,
    #[serde(default)]
    #[validate(length(max = 1000, message = "at most 1000 characters"))]
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

/// Filters of `GET /projects/{project}/expenditures`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExpenditureFilter {
    /// `2013-Q2`, `2013` or `LOP` (default).
    pub period: Option<String>,
    pub budget_line_id: Option<i64>,
    /// First day included (`2013-03-01`), with or instead of `period`.
    #[serde(default, deserialize_with = "crate::domain::date::iso_opt")]
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last day included (`2013-03-31`).
    #[serde(default, deserialize_with = "crate::domain::date::iso_opt")]
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// Only lines of this activity (its code in the results framework, e.g. `1.1.1.2`), in
    /// every plan and revision.
    pub activity: Option<String>,
    /// Only lines on this funding source.
    pub funding_source_id: Option<i64>,
    /// Only expenditure spent in this currency (`KZT`).
    pub currency: Option<String>,
    /// At most this many, by date (default 1000, max 10000).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Expenditure, AppError> {
    expenditures::table
        .find(id)
        .select(ExpenditureRecord::as_select())
        .first(conn)
        .optional()?
        .map(Into::into)
        .ok_or_else(|| AppError::NotFound(format!("expenditure {id}")))
}

pub fn list(conn: &mut DbConnection, project: &Project, f: &ExpenditureFilter) -> Result<Vec<Expenditure>, AppError> {
    let mut q = expenditures::table
        .filter(expenditures::project_id.eq(project.id))
        .select(ExpenditureRecord::as_select())
        .into_boxed();
    if let Some(p) = &f.period {
        let period: Period = p.parse().map_err(|e: crate::domain::period::PeriodError| AppError::BadRequest(e.0))?;
        let (from, to) = period.dates(project.start_date, project.end_date);
        q = q.filter(expenditures::spent_on.ge(from)).filter(expenditures::spent_on.le(to));
    }
    if let Some(line) = f.budget_line_id {
        q = q.filter(expenditures::budget_line_id.eq(line));
    }
    if let Some(from) = f.from {
        q = q.filter(expenditures::spent_on.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(expenditures::spent_on.le(to));
    }
    if let Some(c) = &f.currency {
        q = q.filter(expenditures::currency.eq(c.trim().to_ascii_uppercase()));
    }
    if let Some(source) = f.funding_source_id {
        let lines = budget_lines::table.filter(budget_lines::funding_source_id.eq(source)).select(budget_lines::id);
        q = q.filter(expenditures::budget_line_id.eq_any(lines));
    }
    if let Some(code) = f.activity.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        let result_ids: Vec<i64> = results::table
            .filter(results::project_id.eq(project.id))
            .filter(results::code.eq(code))
            .select(results::id)
            .load(conn)?;
        let activity_ids: Vec<i64> = work_plan_activities::table
            .filter(work_plan_activities::result_id.eq_any(result_ids))
            .select(work_plan_activities::id)
            .load(conn)?;
        let lines = budget_lines::table.filter(budget_lines::activity_id.eq_any(activity_ids)).select(budget_lines::id);
        q = q.filter(expenditures::budget_line_id.eq_any(lines));
    }
    let rows: Vec<ExpenditureRecord> = q
        .order((expenditures::spent_on, expenditures::id))
        .limit(f.limit.unwrap_or(1000).clamp(1, 10_000))
        .offset(f.offset.unwrap_or(0).max(0))
        .load(conn)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The rules an expenditure passes: its line is a line of an approved plan of the project,
/// its date is within the project and the plan's year, and a foreign currency has the
/// month's exchange rate. Returns the converted amount.
fn check_expenditure(
    conn: &mut DbConnection,
    project: &Project,
    input: &ExpenditureInput,
) -> Result<exchange::Converted, AppError> {
    let mut errs = vec![];
    let line: Option<LineRecord> =
        budget_lines::table.find(input.budget_line_id).select(LineRecord::as_select()).first(conn).optional()?;
    let plan = match &line {
        Some(l) => Some(workplans::header(conn, l.work_plan_id)?).filter(|p| p.project_id == project.id),
        None => None,
    };
    match (&line, &plan) {
        (Some(l), Some(plan)) => match plan.status() {
            WorkPlanStatus::Approved => {}
            WorkPlanStatus::Draft => errs.push(FieldError::new(
                "budget_line_id",
                format!("{} is a draft: expenditure is recorded against a line of an approved work plan", plan.label()),
            )),
            WorkPlanStatus::Superseded => {
                let current: Option<(i64, i32)> = budget_lines::table
                    .inner_join(work_plans::table)
                    .filter(budget_lines::lineage_id.eq(l.lineage_id))
                    .filter(work_plans::status.eq(WorkPlanStatus::Approved.as_str()))
                    .select((budget_lines::id, work_plans::revision))
                    .first(conn)
                    .optional()?;
                let hint =
                    current.map(|(id, r)| format!(": record it against line {id} of revision {r}")).unwrap_or_default();
                errs.push(FieldError::new("budget_line_id", format!("{} is superseded{hint}", plan.label())));
            }
        },
        _ => errs.push(FieldError::new(
            "budget_line_id",
            format!("budget line {} is not a line of this project", input.budget_line_id),
        )),
    }
    let d = input.spent_on;
    if d < project.start_date || d > project.end_date {
        errs.push(FieldError::new(
            "spent_on",
            format!("{d} is outside the project ({} to {})", project.start_date, project.end_date),
        ));
    } else if let Some(plan) = plan.as_ref().filter(|p| chrono::Datelike::year(&d) != p.year) {
        errs.push(FieldError::new(
            "spent_on",
            format!("{d} is not in {}, the year of the line's work plan", plan.year),
        ));
    }
    let mut converted = None;
    if is_known_currency(&input.currency) {
        match exchange::to_ledger(conn, input.amount_minor, &input.currency, &project.currency, d, "currency")? {
            Ok(c) => {
                errs.extend(totals::room_for(conn, project.id, Kind::Expenditures, c.ledger_minor, "amount_minor")?);
                converted = Some(c)
            }
            Err(e) => errs.push(e),
        }
    }
    check(input, errs)?;
    Ok(converted.expect("checked"))
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    project: &Project,
    input: &ExpenditureInput,
) -> Result<Expenditure, AppError> {
    let c = check_expenditure(conn, project, input)?;
    let rate = c.rate.clone();
    let at = now();
    let id = diesel::insert_into(expenditures::table)
        .values((
            expenditures::project_id.eq(project.id),
            expenditures::budget_line_id.eq(input.budget_line_id),
            expenditures::spent_on.eq(input.spent_on),
            expenditures::amount_minor.eq(input.amount_minor),
            expenditures::currency.eq(&input.currency),
            expenditures::ledger_amount_minor.eq(c.ledger_minor),
            expenditures::ledger_currency.eq(&project.currency),
            expenditures::fx_pair.eq(rate.as_ref().map(|r| r.pair.clone())),
            expenditures::fx_month.eq(rate.as_ref().map(|r| r.month.clone())),
            expenditures::fx_rate_micros.eq(rate.as_ref().map(|r| r.rate_micros)),
            expenditures::reference.eq(input.reference.trim()),
            expenditures::description.eq(input.description.as_deref()),
            expenditures::created_at.eq(at),
            expenditures::updated_at.eq(at),
        ))
        .returning(expenditures::id)
        .get_result::<i64>(conn)?;
    let created = get(conn, id)?;
    audit::created(conn, actor, Some(project.id), "expenditure", id, &created)?;
    Ok(created)
}

/// Re-converts at the month's rate as stored now.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    project: &Project,
    id: i64,
    input: &ExpenditureInput,
) -> Result<Expenditure, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the expenditure")?;
    let c = check_expenditure(conn, project, input)?;
    let rate = c.rate.clone();
    let n = diesel::update(expenditures::table.find(id).filter(expenditures::version.eq(sent)))
        .set((
            expenditures::budget_line_id.eq(input.budget_line_id),
            expenditures::spent_on.eq(input.spent_on),
            expenditures::amount_minor.eq(input.amount_minor),
            expenditures::currency.eq(&input.currency),
            expenditures::ledger_amount_minor.eq(c.ledger_minor),
            expenditures::ledger_currency.eq(&project.currency),
            expenditures::fx_pair.eq(rate.as_ref().map(|r| r.pair.clone())),
            expenditures::fx_month.eq(rate.as_ref().map(|r| r.month.clone())),
            expenditures::fx_rate_micros.eq(rate.as_ref().map(|r| r.rate_micros)),
            expenditures::reference.eq(input.reference.trim()),
            expenditures::description.eq(input.description.as_deref()),
            expenditures::updated_at.eq(now()),
            expenditures::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the expenditure")?;
    let after = get(conn, id)?;
    audit::updated(conn, actor, Some(project.id), "expenditure", id, &current, &after)?;
    Ok(after)
}

pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let before = get(conn, id)?;
    diesel::delete(expenditures::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(before.project_id), "expenditure", id, &before)
}

// ---------------------------------------------------------------------------------------
// Receipts

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = receipts)]
struct ReceiptRecord {
    id: i64,
    project_id: i64,
    funding_source_id: i64,
    received_on: NaiveDate,
    amount_minor: i64,
    currency: String,
    ledger_amount_minor: i64,
    ledger_currency: String,
    fx_pair: Option<String>,
    fx_month: Option<String>,
    fx_rate_micros: Option<i64>,
    reference: String,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// Funds a source has paid in for the project (an instalment of its contribution).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Receipt {
    pub id: i64,
    pub project_id: i64,
    pub funding_source_id: i64,
    pub received_on: NaiveDate,
    pub amount_minor: i64,
    pub currency: String,
    pub ledger_amount_minor: i64,
    pub ledger_currency: String,
    pub exchange_rate: Option<RateUsed>,
    pub reference: String,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<ReceiptRecord> for Receipt {
    fn from(r: ReceiptRecord) -> Self {
        Receipt {
            id: r.id,
            project_id: r.project_id,
            funding_source_id: r.funding_source_id,
            received_on: r.received_on,
            amount_minor: r.amount_minor,
            currency: r.currency,
            ledger_amount_minor: r.ledger_amount_minor,
            ledger_currency: r.ledger_currency,
            exchange_rate: RateUsed::from_parts(r.fx_pair, r.fx_month, r.fx_rate_micros),
            reference: r.reference,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    /// A source with a contribution to the project.
    pub funding_source_id: i64,
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub received_on: NaiveDate,
    #[validate(range(min = 1, message = "must be a positive number of minor units"))]
    #[schema(minimum = 1)]
    #[schema(example = 2200000000i64)]
    pub amount_minor: i64,
    #[validate(custom(function = "currency_code"))]
    #[schema(pattern = "^[A-Z]{3}$")]
    #[schema(example = "KZT")]
    pub currency: String,
    #[validate(custom(function = "not_blank"), length(max = 100, message = "at most 100 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 100)]
    pub reference: String,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

pub fn get_receipt(conn: &mut DbConnection, id: i64) -> Result<Receipt, AppError> {
    receipts::table
        .find(id)
        .select(ReceiptRecord::as_select())
        .first(conn)
        .optional()?
        .map(Into::into)
        .ok_or_else(|| AppError::NotFound(format!("receipt {id}")))
}

pub fn list_receipts(conn: &mut DbConnection, project_id: i64) -> Result<Vec<Receipt>, AppError> {
    let rows: Vec<ReceiptRecord> = receipts::table
        .filter(receipts::project_id.eq(project_id))
        .order((receipts::received_on, receipts::id))
        .select(ReceiptRecord::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

fn check_receipt(
    conn: &mut DbConnection,
    project: &Project,
    input: &ReceiptInput,
) -> Result<exchange::Converted, AppError> {
    let mut errs = vec![];
    let funds: i64 = contributions::table
        .filter(contributions::project_id.eq(project.id))
        .filter(contributions::funding_source_id.eq(input.funding_source_id))
        .count()
        .get_result(conn)?;
    if funds == 0 {
        let code: Option<String> = funding_sources::table
            .find(input.funding_source_id)
            .select(funding_sources::code)
            .first(conn)
            .optional()?;
        errs.push(FieldError::new(
            "funding_source_id",
            match code {
                Some(c) => format!("{c} has no contribution to this project"),
                None => format!("funding source {} does not exist", input.funding_source_id),
            },
        ));
    }
    let mut converted = None;
    if is_known_currency(&input.currency) {
        match exchange::to_ledger(
            conn,
            input.amount_minor,
            &input.currency,
            &project.currency,
            input.received_on,
            "currency",
        )? {
            Ok(c) => {
                errs.extend(totals::room_for(conn, project.id, Kind::Receipts, c.ledger_minor, "amount_minor")?);
                converted = Some(c)
            }
            Err(e) => errs.push(e),
        }
    }
    check(input, errs)?;
    Ok(converted.expect("checked"))
}

pub fn create_receipt(
    conn: &mut DbConnection,
    actor: &Actor,
    project: &Project,
    input: &ReceiptInput,
) -> Result<Receipt, AppError> {
    let c = check_receipt(conn, project, input)?;
    let at = now();
    let id = diesel::insert_into(receipts::table)
        .values((
            receipts::project_id.eq(project.id),
            receipts::funding_source_id.eq(input.funding_source_id),
            receipts::received_on.eq(input.received_on),
            receipts::amount_minor.eq(input.amount_minor),
            receipts::currency.eq(&input.currency),
            receipts::ledger_amount_minor.eq(c.ledger_minor),
            receipts::ledger_currency.eq(&project.currency),
            receipts::fx_pair.eq(c.rate.as_ref().map(|r| r.pair.clone())),
            receipts::fx_month.eq(c.rate.as_ref().map(|r| r.month.clone())),
            receipts::fx_rate_micros.eq(c.rate.as_ref().map(|r| r.rate_micros)),
            receipts::reference.eq(input.reference.trim()),
            receipts::created_at.eq(at),
            receipts::updated_at.eq(at),
        ))
        .returning(receipts::id)
        .get_result::<i64>(conn)?;
    let created = get_receipt(conn, id)?;
    audit::created(conn, actor, Some(project.id), "receipt", id, &created)?;
    Ok(created)
}

pub fn update_receipt(
    conn: &mut DbConnection,
    actor: &Actor,
    project: &Project,
    id: i64,
    input: &ReceiptInput,
) -> Result<Receipt, AppError> {
    let sent = required_version(input.version)?;
    let current = get_receipt(conn, id)?;
    check_version(current.version, sent, "the receipt")?;
    let c = check_receipt(conn, project, input)?;
    let n = diesel::update(receipts::table.find(id).filter(receipts::version.eq(sent)))
        .set((
            receipts::funding_source_id.eq(input.funding_source_id),
            receipts::received_on.eq(input.received_on),
            receipts::amount_minor.eq(input.amount_minor),
            receipts::currency.eq(&input.currency),
            receipts::ledger_amount_minor.eq(c.ledger_minor),
            receipts::ledger_currency.eq(&project.currency),
            receipts::fx_pair.eq(c.rate.as_ref().map(|r| r.pair.clone())),
            receipts::fx_month.eq(c.rate.as_ref().map(|r| r.month.clone())),
            receipts::fx_rate_micros.eq(c.rate.as_ref().map(|r| r.rate_micros)),
            receipts::reference.eq(input.reference.trim()),
            receipts::updated_at.eq(now()),
            receipts::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the receipt")?;
    let after = get_receipt(conn, id)?;
    audit::updated(conn, actor, Some(project.id), "receipt", id, &current, &after)?;
    Ok(after)
}

pub fn delete_receipt(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let before = get_receipt(conn, id)?;
    diesel::delete(receipts::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(before.project_id), "receipt", id, &before)
}
