//! Indicators on results, and their targets per period.

use super::audit::{self, Actor};
use super::{check, check_version, expect_one_row, local_code, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::indicators::{
    Accumulation, Definition, Dimension, Direction, Measure, check_definition, check_target,
};
use crate::domain::period::Period;
use crate::error::AppError;
use crate::schema::{actuals, indicators, projects, results, targets};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use validator::Validate;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicators)]
struct IndicatorRecord {
    id: i64,
    project_id: i64,
    result_id: i64,
    code: String,
    title: String,
    unit: String,
    measure: crate::domain::indicators::Measure,
    direction: crate::domain::indicators::Direction,
    accumulation: crate::domain::indicators::Accumulation,
    baseline_value: Option<f64>,
    baseline_year: Option<i32>,
    baseline_note: Option<String>,
    means_of_verification: Option<String>,
    disaggregations: String,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// An indicator with its targets, as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Indicator {
    pub id: i64,
    pub project_id: i64,
    pub result_id: i64,
    pub code: String,
    pub title: String,
    pub unit: String,
    pub measure: crate::domain::indicators::Measure,
    pub direction: crate::domain::indicators::Direction,
    pub accumulation: crate::domain::indicators::Accumulation,
    pub baseline_value: Option<f64>,
    pub baseline_year: Option<i32>,
    pub baseline_note: Option<String>,
    pub means_of_verification: Option<String>,
    pub disaggregations: Vec<Dimension>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
    /// Targets ordered by period: quarters, their year, then life of project.
    pub targets: Vec<Target>,
}

impl Indicator {
    fn from_record(r: IndicatorRecord, targets: Vec<Target>) -> Self {
        Indicator {
            id: r.id,
            project_id: r.project_id,
            result_id: r.result_id,
            code: r.code,
            title: r.title,
            unit: r.unit,
            measure: r.measure,
            direction: r.direction,
            accumulation: r.accumulation,
            baseline_value: r.baseline_value,
            baseline_year: r.baseline_year,
            baseline_note: r.baseline_note,
            means_of_verification: r.means_of_verification,
            // Written only by this module from a validated Vec<Dimension>.
            disaggregations: serde_json::from_str(&r.disaggregations).unwrap_or_default(),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            targets,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorInput {
    /// The result this indicator measures (same project).
    pub result_id: i64,
    #[validate(custom(function = "local_code"))]
    #[schema(pattern = "^[A-Za-z0-9._-]{1,32}$")]
    #[schema(example = "OP1.1")]
    pub code: String,
    #[validate(custom(function = "not_blank"), length(max = 1000, message = "at most 1000 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 1000)]
    pub title: String,
    #[validate(custom(function = "not_blank"), length(max = 100, message = "at most 100 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 100)]
    #[schema(example = "persons")]
    pub unit: String,
    pub measure: Measure,
    pub direction: Direction,
    pub accumulation: Accumulation,
    #[serde(default)]
    pub baseline_value: Option<f64>,
    #[serde(default)]
    #[validate(range(min = 1900, max = 2200, message = "a year between 1900 and 2200"))]
    #[schema(minimum = 1900, maximum = 2200)]
    pub baseline_year: Option<i32>,
    #[serde(default)]
    pub baseline_note: Option<String>,
    #[serde(default)]
    pub means_of_verification: Option<String>,
    /// Disaggregation dimensions, e.g. `[{"name": "sex", "values": ["women", "men"]}]`.
    #[serde(default)]
    pub disaggregations: Vec<Dimension>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

impl IndicatorInput {
    fn domain_errors(&self) -> Vec<FieldError> {
        check_definition(&Definition {
            measure: self.measure,
            direction: self.direction,
            accumulation: self.accumulation,
            baseline_value: self.baseline_value,
            disaggregations: &self.disaggregations,
        })
    }
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = indicators, treat_none_as_null = true)]
struct IndicatorRow<'a> {
    result_id: i64,
    code: &'a str,
    title: &'a str,
    unit: &'a str,
    measure: &'a str,
    direction: &'a str,
    accumulation: &'a str,
    baseline_value: Option<f64>,
    baseline_year: Option<i32>,
    baseline_note: Option<&'a str>,
    means_of_verification: Option<&'a str>,
    disaggregations: String,
    updated_at: NaiveDateTime,
}

impl<'a> From<&'a IndicatorInput> for IndicatorRow<'a> {
    fn from(i: &'a IndicatorInput) -> Self {
        IndicatorRow {
            result_id: i.result_id,
            code: &i.code,
            title: i.title.trim(),
            unit: i.unit.trim(),
            measure: i.measure.as_str(),
            direction: i.direction.as_str(),
            accumulation: i.accumulation.as_str(),
            baseline_value: i.baseline_value,
            baseline_year: i.baseline_year,
            baseline_note: i.baseline_note.as_deref(),
            means_of_verification: i.means_of_verification.as_deref(),
            disaggregations: serde_json::to_string(&i.disaggregations).expect("plain data serializes"),
            updated_at: now(),
        }
    }
}

/// The `targets` row as stored; [`Target`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = targets)]
struct TargetRecord {
    id: i64,
    indicator_id: i64,
    period: String,
    value: Option<f64>,
    description: Option<String>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// A target of an indicator for a quarter, a year or the life of project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Target {
    pub id: i64,
    pub indicator_id: i64,
    /// `2025-Q3`, `2025` or `LOP`.
    pub period: String,
    pub value: Option<f64>,
    /// The target in words; required for qualitative indicators.
    pub description: Option<String>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<TargetRecord> for Target {
    fn from(r: TargetRecord) -> Self {
        Target {
            id: r.id,
            indicator_id: r.indicator_id,
            period: r.period,
            value: r.value,
            description: r.description,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    /// A year, a quarter or `LOP` (life of project), overlapping the project's dates.
    #[schema(example = "2025", pattern = "^([0-9]{4}(-Q[1-4])?|LOP)$")]
    pub period: String,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    #[validate(length(max = 2000, message = "at most 2000 characters"))]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

fn sort_targets(ts: &mut [Target]) {
    ts.sort_by_key(|t| t.period.parse::<Period>().map(|p| p.sort_key()).unwrap_or((i32::MIN, 0)));
}

/// The targets of one indicator, or of every indicator of a project: one statement with a
/// fixed text either way, so both backends keep it prepared (an `IN (...)` list of ids would be
/// parsed again on every read of the results framework, the API's busiest read).
fn load_targets(conn: &mut DbConnection, of: TargetsOf) -> Result<HashMap<i64, Vec<Target>>, AppError> {
    let ts: Vec<TargetRecord> = match of {
        TargetsOf::Indicator(id) => {
            targets::table.filter(targets::indicator_id.eq(id)).select(TargetRecord::as_select()).load(conn)?
        }
        TargetsOf::Project(project_id) => crate::db::native!(conn, |c| targets::table
            .inner_join(indicators::table)
            .filter(indicators::project_id.eq(project_id))
            .select(TargetRecord::as_select())
            .load(c))?,
    };
    let mut out: HashMap<i64, Vec<Target>> = HashMap::new();
    for t in ts {
        out.entry(t.indicator_id).or_default().push(t.into());
    }
    for ts in out.values_mut() {
        sort_targets(ts);
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum TargetsOf {
    Indicator(i64),
    Project(i64),
}

/// All indicators of a project with their targets, ordered by code (the read path: `native!`).
pub fn list(conn: &mut DbConnection, project_id: i64) -> Result<Vec<Indicator>, AppError> {
    let records: Vec<IndicatorRecord> = crate::db::native!(conn, |c| indicators::table
        .filter(indicators::project_id.eq(project_id))
        .select(IndicatorRecord::as_select())
        .load(c))?;
    let mut ts = load_targets(conn, TargetsOf::Project(project_id))?;
    let mut out: Vec<Indicator> = records
        .into_iter()
        .map(|r| {
            let t = ts.remove(&r.id).unwrap_or_default();
            Indicator::from_record(r, t)
        })
        .collect();
    out.sort_by(|a, b| crate::domain::results::compare_codes(&a.code, &b.code));
    Ok(out)
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Indicator, AppError> {
    let record = indicators::table
        .find(id)
        .select(IndicatorRecord::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("indicator {id}")))?;
    let ts = load_targets(conn, TargetsOf::Indicator(id))?.remove(&id).unwrap_or_default();
    Ok(Indicator::from_record(record, ts))
}

fn check_result(conn: &mut DbConnection, project_id: i64, result_id: i64) -> Result<Vec<FieldError>, AppError> {
    let owner = results::table.find(result_id).select(results::project_id).first::<i64>(conn).optional()?;
    Ok(if owner == Some(project_id) {
        vec![]
    } else {
        vec![FieldError::new("result_id", format!("result {result_id} is not a result of this project"))]
    })
}

fn code_taken(conn: &mut DbConnection, project_id: i64, code: &str, except: Option<i64>) -> Result<bool, AppError> {
    let mut q = indicators::table
        .filter(indicators::project_id.eq(project_id))
        .filter(indicators::code.eq(code))
        .select(indicators::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(indicators::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: i64,
    input: &IndicatorInput,
) -> Result<Indicator, AppError> {
    let mut errs = input.domain_errors();
    errs.extend(check_result(conn, project_id, input.result_id)?);
    check(input, errs)?;
    if code_taken(conn, project_id, &input.code, None)? {
        return Err(AppError::conflict(
            "code",
            format!("the project already has an indicator with code {}", input.code),
        ));
    }
    let row = IndicatorRow::from(input);
    let created_at = row.updated_at;
    let id: i64 = diesel::insert_into(indicators::table)
        .values((&row, indicators::project_id.eq(project_id), indicators::created_at.eq(created_at)))
        .returning(indicators::id)
        .get_result(conn)?;
    let created = get(conn, id)?;
    audit::created(conn, actor, Some(project_id), "indicator", id, &created)?;
    Ok(created)
}

pub fn update(conn: &mut DbConnection, actor: &Actor, id: i64, input: &IndicatorInput) -> Result<Indicator, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the indicator")?;
    let mut errs = input.domain_errors();
    errs.extend(check_result(conn, current.project_id, input.result_id)?);
    // Existing targets must still make sense under the new definition.
    let misfits: Vec<&str> = current
        .targets
        .iter()
        .filter(|t| !check_target(input.measure, t.value, t.description.as_deref()).is_empty())
        .map(|t| t.period.as_str())
        .collect();
    if !misfits.is_empty() {
        errs.push(FieldError::new(
            "measure",
            format!(
                "the targets for {} do not fit a {} indicator: change or delete them first",
                misfits.join(", "),
                input.measure
            ),
        ));
    }
    check(input, errs)?;
    if code_taken(conn, current.project_id, &input.code, Some(id))? {
        return Err(AppError::conflict(
            "code",
            format!("the project already has an indicator with code {}", input.code),
        ));
    }
    let n = diesel::update(indicators::table.find(id).filter(indicators::version.eq(sent)))
        .set((&IndicatorRow::from(input), indicators::version.eq(sent + 1)))
        .execute(conn)?;
    expect_one_row(n, "the indicator")?;
    let after = get(conn, id)?;
    audit::updated(conn, actor, Some(current.project_id), "indicator", id, &current, &after)?;
    Ok(after)
}

/// Deletes an indicator together with its targets (they are part of its definition).
pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let before = get(conn, id)?;
    let entered: i64 = actuals::table.filter(actuals::indicator_id.eq(id)).count().get_result(conn)?;
    if entered > 0 {
        return Err(AppError::Conflict {
            message: format!("indicator {} has {entered} actuals: delete them first", before.code),
            field: None,
        });
    }
    diesel::delete(targets::table.filter(targets::indicator_id.eq(id))).execute(conn)?;
    diesel::delete(indicators::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(before.project_id), "indicator", id, &before)
}

fn project_dates(conn: &mut DbConnection, project_id: i64) -> Result<(NaiveDate, NaiveDate), AppError> {
    Ok(projects::table.find(project_id).select((projects::start_date, projects::end_date)).first(conn)?)
}

/// Validates a target against its indicator and the project's dates; returns the canonical period.
fn check_target_input(conn: &mut DbConnection, ind: &Indicator, input: &TargetInput) -> Result<String, AppError> {
    let measure = ind.measure;
    let mut errs = check_target(measure, input.value, input.description.as_deref());
    let period = match input.period.parse::<Period>() {
        Ok(p) => {
            let (start, end) = project_dates(conn, ind.project_id)?;
            if !p.overlaps(start, end) {
                errs.push(FieldError::new("period", format!("{p} is outside the project dates {start} to {end}")));
            }
            Some(p.to_string())
        }
        Err(e) => {
            errs.push(FieldError::new("period", e.0));
            None
        }
    };
    check(input, errs)?;
    Ok(period.expect("valid when no errors"))
}

fn period_taken(
    conn: &mut DbConnection,
    indicator_id: i64,
    period: &str,
    except: Option<i64>,
) -> Result<bool, AppError> {
    let mut q = targets::table
        .filter(targets::indicator_id.eq(indicator_id))
        .filter(targets::period.eq(period))
        .select(targets::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(targets::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

pub fn get_target(conn: &mut DbConnection, id: i64) -> Result<Target, AppError> {
    targets::table
        .find(id)
        .select(TargetRecord::as_select())
        .first(conn)
        .optional()?
        .map(Target::from)
        .ok_or_else(|| AppError::NotFound(format!("target {id}")))
}

pub fn create_target(
    conn: &mut DbConnection,
    actor: &Actor,
    indicator_id: i64,
    input: &TargetInput,
) -> Result<Target, AppError> {
    let ind = get(conn, indicator_id)?;
    let period = check_target_input(conn, &ind, input)?;
    if period_taken(conn, indicator_id, &period, None)? {
        return Err(AppError::conflict("period", format!("indicator {} already has a target for {period}", ind.code)));
    }
    let at = now();
    let id = diesel::insert_into(targets::table)
        .values((
            targets::indicator_id.eq(indicator_id),
            targets::period.eq(&period),
            targets::value.eq(input.value),
            targets::description.eq(input.description.as_deref()),
            targets::created_at.eq(at),
            targets::updated_at.eq(at),
        ))
        .returning(targets::id)
        .get_result::<i64>(conn)?;
    let created = get_target(conn, id)?;
    audit::created(conn, actor, Some(ind.project_id), "target", id, &created)?;
    Ok(created)
}

pub fn update_target(conn: &mut DbConnection, actor: &Actor, id: i64, input: &TargetInput) -> Result<Target, AppError> {
    let sent = required_version(input.version)?;
    let current = get_target(conn, id)?;
    check_version(current.version, sent, "the target")?;
    let ind = get(conn, current.indicator_id)?;
    let period = check_target_input(conn, &ind, input)?;
    if period_taken(conn, ind.id, &period, Some(id))? {
        return Err(AppError::conflict("period", format!("indicator {} already has a target for {period}", ind.code)));
    }
    let n = diesel::update(targets::table.find(id).filter(targets::version.eq(sent)))
        .set((
            targets::period.eq(&period),
            targets::value.eq(input.value),
            targets::description.eq(input.description.as_deref()),
            targets::updated_at.eq(now()),
            targets::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the target")?;
    let after = get_target(conn, id)?;
    audit::updated(conn, actor, Some(ind.project_id), "target", id, &current, &after)?;
    Ok(after)
}

pub fn delete_target(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let before = get_target(conn, id)?;
    let project_id = get(conn, before.indicator_id)?.project_id;
    diesel::delete(targets::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(project_id), "target", id, &before)
}

/// Targets of a project whose period would fall outside new project dates.
pub fn targets_outside(
    conn: &mut DbConnection,
    project_id: i64,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<FieldError>, AppError> {
    let rows: Vec<(String, String)> = targets::table
        .inner_join(indicators::table)
        .filter(indicators::project_id.eq(project_id))
        .select((indicators::code, targets::period))
        .load(conn)?;
    for (code, period) in rows {
        let Ok(p) = period.parse::<Period>() else { continue };
        if p.overlaps(start, end) {
            continue;
        }
        let (p_start, _) = p.dates(start, end);
        let field = if p_start < start { "start_date" } else { "end_date" };
        return Ok(vec![FieldError::new(
            field,
            format!("indicator {code} has a target for {p}, which the new dates would leave outside the project"),
        )]);
    }
    Ok(vec![])
}
