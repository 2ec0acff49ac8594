//! Indicator actuals with their approval workflow, quarter submission, and computed
//! progress (the figures every report uses, through [`crate::domain::progress`]).

use super::audit::{self, Actor};
use super::{check, check_version, expect_one_row, now, required_version};
use crate::db::DbConnection;
use crate::domain::period::{Period, Quarter};
use crate::domain::progress::{
    self, ActualStatus, Definition, Disaggregation, Entry, Point, Progress, Status, Targets, Thresholds, Transition,
    Window,
};
use crate::error::AppError;
use crate::schema::{activity_progress, actuals, indicators as indicators_t, results};
use crate::store::indicators::{self, Indicator};
use crate::store::projects::{self, Project};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actuals)]
struct ActualRecord {
    id: i64,
    project_id: i64,
    indicator_id: i64,
    period: String,
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    text: Option<String>,
    disaggregations: String,
    comment: Option<String>,
    evidence_url: Option<String>,
    status: crate::domain::progress::ActualStatus,
    status_reason: Option<String>,
    submitted_by: Option<i64>,
    #[diesel(deserialize_as = crate::db::MaybeStoredTime)]
    submitted_at: Option<NaiveDateTime>,
    approved_by: Option<i64>,
    #[diesel(deserialize_as = crate::db::MaybeStoredTime)]
    approved_at: Option<NaiveDateTime>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// An indicator's actual for one quarter.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Actual {
    pub id: i64,
    pub project_id: i64,
    pub indicator_id: i64,
    /// A quarter, e.g. `2025-Q3`.
    pub period: String,
    pub value: Option<f64>,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub text: Option<String>,
    /// dimension -> category -> value, e.g. `{"sex": {"women": 12, "men": 10}}`.
    #[schema(value_type = Object)]
    pub disaggregations: Disaggregation,
    pub comment: Option<String>,
    pub evidence_url: Option<String>,
    pub status: crate::domain::progress::ActualStatus,
    /// Why it was returned or reopened.
    pub status_reason: Option<String>,
    pub submitted_by: Option<i64>,
    #[serde(with = "crate::timestamp::option")]
    pub submitted_at: Option<NaiveDateTime>,
    pub approved_by: Option<i64>,
    #[serde(with = "crate::timestamp::option")]
    pub approved_at: Option<NaiveDateTime>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

/// What the progress rules read of an actual: its indicator, quarter and entry (not who
/// entered or approved it, nor when: four timestamps per row the computation never used).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = actuals)]
struct PointRecord {
    indicator_id: i64,
    period: String,
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    text: Option<String>,
    disaggregations: String,
}

/// The `disaggregations` column read back: written only by this module, from a validated map.
fn stored_disaggregations(text: &str) -> Disaggregation {
    serde_json::from_str(text).unwrap_or_default()
}

impl From<ActualRecord> for Actual {
    fn from(r: ActualRecord) -> Self {
        Actual {
            id: r.id,
            project_id: r.project_id,
            indicator_id: r.indicator_id,
            period: r.period,
            value: r.value,
            numerator: r.numerator,
            denominator: r.denominator,
            text: r.text,
            disaggregations: stored_disaggregations(&r.disaggregations),
            comment: r.comment,
            evidence_url: r.evidence_url,
            status: r.status,
            status_reason: r.status_reason,
            submitted_by: r.submitted_by,
            submitted_at: r.submitted_at,
            approved_by: r.approved_by,
            approved_at: r.approved_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl Actual {
    fn status(&self) -> ActualStatus {
        self.status
    }
}

/// What a coordinator enters.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualInput {
    /// A quarter inside the project's dates, e.g. `2025-Q3`.
    #[schema(example = "2025-Q3", pattern = "^[0-9]{4}-Q[1-4]$")]
    pub period: String,
    /// Numbers and yes/no (1 or 0).
    #[serde(default)]
    pub value: Option<f64>,
    /// Percentages: e.g. satisfied respondents...
    #[serde(default)]
    pub numerator: Option<f64>,
    /// ...out of respondents.
    #[serde(default)]
    pub denominator: Option<f64>,
    /// Qualitative indicators.
    #[serde(default)]
    #[validate(length(max = 10000, message = "at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub text: Option<String>,
    /// Numbers only: per dimension of the indicator, values adding up to `value`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub disaggregations: Disaggregation,
    #[serde(default)]
    #[validate(length(max = 4000, message = "at most 4000 characters"))]
    #[schema(max_length = 4000)]
    pub comment: Option<String>,
    #[serde(default)]
    #[validate(custom(function = "super::web_url"))]
    #[schema(format = "uri", pattern = "^[Hh][Tt][Tt][Pp][Ss]?://")]
    pub evidence_url: Option<String>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

impl ActualInput {
    fn entry(&self) -> Entry {
        Entry {
            value: self.value,
            numerator: self.numerator,
            denominator: self.denominator,
            text: self.text.clone(),
            disaggregations: self.disaggregations.clone(),
        }
    }
}

/// A workflow step: `version` is the one the caller read; `reason` is required to return or reopen.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    #[serde(default)]
    pub version: Option<i32>,
    #[serde(default)]
    pub reason: Option<String>,
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<Actual, AppError> {
    actuals::table
        .find(id)
        .select(ActualRecord::as_select())
        .first(conn)
        .optional()?
        .map(Actual::from)
        .ok_or_else(|| AppError::NotFound(format!("actual {id}")))
}

/// Filters of the actuals list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ActualFilter {
    /// A quarter, e.g. `2025-Q3`.
    pub period: Option<String>,
    pub status: Option<ActualStatus>,
    pub indicator_id: Option<i64>,
}

pub fn list(conn: &mut DbConnection, project_id: i64, f: &ActualFilter) -> Result<Vec<Actual>, AppError> {
    let mut q = actuals::table.filter(actuals::project_id.eq(project_id)).into_boxed();
    if let Some(p) = &f.period {
        let canonical = p.parse::<Quarter>().map(|q| q.to_string()).map_err(|e| AppError::BadRequest(e.0))?;
        q = q.filter(actuals::period.eq(canonical));
    }
    if let Some(s) = &f.status {
        q = q.filter(actuals::status.eq(s.as_str()));
    }
    if let Some(i) = f.indicator_id {
        q = q.filter(actuals::indicator_id.eq(i));
    }
    let rows: Vec<ActualRecord> =
        q.select(ActualRecord::as_select()).order((actuals::period, actuals::indicator_id)).load(conn)?;
    Ok(rows.into_iter().map(Actual::from).collect())
}

fn validate(conn: &mut DbConnection, ind: &Indicator, input: &ActualInput) -> Result<String, AppError> {
    let project = projects::get(conn, ind.project_id)?;
    let measure = ind.measure;
    let mut errs = progress::check_entry(measure, &ind.disaggregations, &input.entry());
    let period = project.quarter(&input.period).map(|q| q.to_string()).map_err(|e| errs.push(e)).ok();
    check(input, errs)?;
    Ok(period.expect("valid when no errors"))
}

fn disaggregation_json(d: &Disaggregation) -> String {
    serde_json::to_string(d).expect("plain data serializes")
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    indicator_id: i64,
    input: &ActualInput,
) -> Result<Actual, AppError> {
    let ind = indicators::get(conn, indicator_id)?;
    let period = validate(conn, &ind, input)?;
    let existing = actuals::table
        .filter(actuals::indicator_id.eq(indicator_id))
        .filter(actuals::period.eq(&period))
        .select(actuals::id)
        .first::<i64>(conn)
        .optional()?;
    if let Some(id) = existing {
        return Err(AppError::conflict(
            "period",
            format!("indicator {} already has actual {id} for {period}: update it instead", ind.code),
        ));
    }
    let at = now();
    let id: i64 = diesel::insert_into(actuals::table)
        .values((
            actuals::project_id.eq(ind.project_id),
            actuals::indicator_id.eq(indicator_id),
            actuals::period.eq(&period),
            actuals::value.eq(input.value),
            actuals::numerator.eq(input.numerator),
            actuals::denominator.eq(input.denominator),
            actuals::text.eq(input.text.as_deref()),
            actuals::disaggregations.eq(disaggregation_json(&input.disaggregations)),
            actuals::comment.eq(input.comment.as_deref()),
            actuals::evidence_url.eq(input.evidence_url.as_deref()),
            actuals::status.eq(ActualStatus::Draft.as_str()),
            actuals::created_at.eq(at),
            actuals::updated_at.eq(at),
        ))
        .returning(actuals::id)
        .get_result(conn)?;
    let created = get(conn, id)?;
    audit::created(conn, actor, Some(ind.project_id), "actual", id, &created)?;
    Ok(created)
}

fn locked(a: &Actual) -> AppError {
    let why = match a.status() {
        ActualStatus::Approved => "it is approved and locked: a manager must reopen it first, with a reason",
        _ => "it is submitted and waits for the manager: have it returned to change it",
    };
    AppError::Conflict { message: format!("actual {} for {} cannot be changed: {why}", a.id, a.period), field: None }
}

pub fn update(conn: &mut DbConnection, actor: &Actor, id: i64, input: &ActualInput) -> Result<Actual, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the actual")?;
    if !progress::editable(current.status()) {
        return Err(locked(&current));
    }
    let ind = indicators::get(conn, current.indicator_id)?;
    let period = validate(conn, &ind, input)?;
    if period != current.period {
        return Err(AppError::field("period", "the quarter of an actual cannot change: delete it and enter it anew"));
    }
    let n = diesel::update(actuals::table.find(id).filter(actuals::version.eq(sent)))
        .set((
            actuals::value.eq(input.value),
            actuals::numerator.eq(input.numerator),
            actuals::denominator.eq(input.denominator),
            actuals::text.eq(input.text.as_deref()),
            actuals::disaggregations.eq(disaggregation_json(&input.disaggregations)),
            actuals::comment.eq(input.comment.as_deref()),
            actuals::evidence_url.eq(input.evidence_url.as_deref()),
            actuals::updated_at.eq(now()),
            actuals::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the actual")?;
    let after = get(conn, id)?;
    audit::updated(conn, actor, Some(current.project_id), "actual", id, &current, &after)?;
    Ok(after)
}

pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let current = get(conn, id)?;
    if !progress::editable(current.status()) {
        return Err(locked(&current));
    }
    diesel::delete(actuals::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(current.project_id), "actual", id, &current)
}

/// Moves an actual along its workflow. Returning and reopening need a reason, which the
/// audit trail keeps.
pub fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    t: Transition,
    input: &TransitionInput,
) -> Result<Actual, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the actual")?;
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if matches!(t, Transition::Return | Transition::Reopen) && reason.is_none() {
        return Err(AppError::field("reason", format!("say why you {} it", t.name())));
    }
    let next = progress::transition(current.status(), t)
        .map_err(|m| AppError::Conflict { message: m, field: Some("status".into()) })?;
    apply_unchecked(conn, actor, &current, t, next, reason)
}

fn apply_unchecked(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &Actual,
    t: Transition,
    next: ActualStatus,
    reason: Option<&str>,
) -> Result<Actual, AppError> {
    let at = now();
    let q = diesel::update(actuals::table.find(current.id).filter(actuals::version.eq(current.version)));
    let base = (
        actuals::status.eq(next.as_str()),
        actuals::status_reason.eq(reason),
        actuals::updated_at.eq(at),
        actuals::version.eq(current.version + 1),
    );
    let n = match t {
        Transition::Submit => {
            q.set((base, actuals::submitted_by.eq(actor.user_id), actuals::submitted_at.eq(Some(at)))).execute(conn)?
        }
        Transition::Approve => {
            q.set((base, actuals::approved_by.eq(actor.user_id), actuals::approved_at.eq(Some(at)))).execute(conn)?
        }
        Transition::Return | Transition::Reopen => q
            .set((base, actuals::approved_by.eq(None::<i64>), actuals::approved_at.eq(None::<NaiveDateTime>)))
            .execute(conn)?,
    };
    expect_one_row(n, "the actual")?;
    let after = get(conn, current.id)?;
    let actor = Actor { user_id: actor.user_id, reason: reason.map(str::to_string).or(actor.reason.clone()) };
    audit::record(
        conn,
        &actor,
        Some(current.project_id),
        "actual",
        current.id,
        t.name(),
        serde_json::to_value(current).ok(),
        serde_json::to_value(&after).ok(),
    )?;
    Ok(after)
}

/// Result of submitting a quarter: what went to the manager, and what is still missing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuarterSubmission {
    pub period: String,
    /// Actuals moved from draft (or returned) to submitted.
    pub submitted: Vec<SubmittedActual>,
    /// Indicators with a target for the quarter or its year but no actual for the quarter.
    pub missing_actuals: Vec<MissingItem>,
    /// Activities planned in the quarter without activity progress for it.
    pub missing_activity_progress: Vec<MissingItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmittedActual {
    pub actual_id: i64,
    pub indicator_code: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MissingItem {
    pub id: i64,
    pub code: String,
    pub title: String,
}

/// Submits every draft and returned actual of the quarter at once, and reports the gaps.
pub fn submit_quarter(
    conn: &mut DbConnection,
    actor: &Actor,
    project: &Project,
    period: &str,
) -> Result<QuarterSubmission, AppError> {
    let quarter = project.quarter(period).map_err(|e| AppError::Validation(vec![e]))?;
    let period = quarter.to_string();
    let inds = indicators::list(conn, project.id)?;
    let codes: HashMap<i64, &str> = inds.iter().map(|i| (i.id, i.code.as_str())).collect();
    let these = list(conn, project.id, &ActualFilter { period: Some(period.clone()), ..Default::default() })?;
    let mut submitted = vec![];
    for a in &these {
        if progress::editable(a.status()) {
            apply_unchecked(conn, actor, a, Transition::Submit, ActualStatus::Submitted, None)?;
            submitted.push(SubmittedActual { actual_id: a.id, indicator_code: codes[&a.indicator_id].to_string() });
        }
    }
    let reported: Vec<i64> = these.iter().map(|a| a.indicator_id).collect();
    let year = Period::Year(quarter.year).to_string();
    let missing_actuals = inds
        .iter()
        .filter(|i| !reported.contains(&i.id))
        .filter(|i| i.targets.iter().any(|t| t.period == period || t.period == year))
        .map(|i| MissingItem { id: i.id, code: i.code.clone(), title: i.title.clone() })
        .collect();
    let missing_activity_progress = planned_without_progress(conn, project.id, quarter)?;
    Ok(QuarterSubmission { period, submitted, missing_actuals, missing_activity_progress })
}

/// Work-plan marks (Q1..Q4) per activity result id for a year, from the year's current plan.
pub fn planned_marks(conn: &mut DbConnection, project_id: i64, year: i32) -> Result<HashMap<i64, [bool; 4]>, AppError> {
    use crate::schema::work_plan_activities as wpa;
    let Some(plan) = crate::store::workplans::current_plans(conn, project_id)?.into_iter().find(|p| p.year == year)
    else {
        return Ok(HashMap::new());
    };
    let rows: Vec<(i64, bool, bool, bool, bool)> = wpa::table
        .filter(wpa::work_plan_id.eq(plan.id))
        .select((wpa::result_id, wpa::q1, wpa::q2, wpa::q3, wpa::q4))
        .load(conn)?;
    Ok(rows.into_iter().map(|(r, a, b, c, d)| (r, [a, b, c, d])).collect())
}

/// Activities expected to report in a quarter, without progress for it: those the year's work
/// plan marks for the quarter; without a work plan, those still under way the quarter before
/// (reported, and neither completed nor cancelled).
fn planned_without_progress(
    conn: &mut DbConnection,
    project_id: i64,
    quarter: Quarter,
) -> Result<Vec<MissingItem>, AppError> {
    let marks = planned_marks(conn, project_id, quarter.year)?;
    if !marks.is_empty() {
        let reported: Vec<i64> = activity_progress::table
            .filter(activity_progress::project_id.eq(project_id))
            .filter(activity_progress::period.eq(quarter.to_string()))
            .select(activity_progress::result_id)
            .load(conn)?;
        let planned: Vec<i64> = marks
            .iter()
            .filter(|(id, m)| m[usize::from(quarter.q) - 1] && !reported.contains(id))
            .map(|(id, _)| *id)
            .collect();
        let rows: Vec<(i64, String, String)> = results::table
            .filter(results::id.eq_any(&planned))
            .select((results::id, results::code, results::title))
            .load(conn)?;
        let mut out: Vec<MissingItem> =
            rows.into_iter().map(|(id, code, title)| MissingItem { id, code, title }).collect();
        out.sort_by(|a, b| crate::domain::results::compare_codes(&a.code, &b.code));
        return Ok(out);
    }
    let rows: Vec<(i64, String, String, String)> = activity_progress::table
        .inner_join(results::table)
        .filter(activity_progress::project_id.eq(project_id))
        .filter(activity_progress::period.eq_any([quarter.prev().to_string(), quarter.to_string()]))
        .select((results::id, results::code, results::title, activity_progress::status))
        .load(conn)?;
    let reported_now: Vec<i64> = activity_progress::table
        .filter(activity_progress::project_id.eq(project_id))
        .filter(activity_progress::period.eq(quarter.to_string()))
        .select(activity_progress::result_id)
        .load(conn)?;
    let mut out: Vec<MissingItem> = rows
        .into_iter()
        .filter(|(id, _, _, status)| {
            !reported_now.contains(id) && !matches!(status.as_str(), "completed" | "cancelled")
        })
        .map(|(id, code, title, _)| MissingItem { id, code, title })
        .collect();
    out.sort_by(|a, b| crate::domain::results::compare_codes(&a.code, &b.code));
    out.dedup_by_key(|m| m.id);
    Ok(out)
}

/// The query of the progress endpoint: one quarter or year (`period`), or a run of quarters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProgressQuery {
    /// A quarter (`2025-Q3`), a year (`2025`) or `LOP` (the life of the project).
    pub period: Option<String>,
    /// First quarter of a run (with `to`), e.g. an EU reporting period.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Count draft and submitted actuals too (the coordinator's preview; never for donors).
    #[serde(default)]
    pub include_unapproved: bool,
}

impl ProgressQuery {
    /// The window asked for on a project: as [`Self::window`], and `period=LOP` (the one period
    /// vocabulary of the API, as the finance summary takes it) is the project's life, from the
    /// quarter of its start date to the quarter of its end date.
    pub fn window_in(&self, project: &Project) -> Result<Window, AppError> {
        let lop = matches!(self.period.as_deref().map(str::parse::<Period>), Some(Ok(Period::LifeOfProject)));
        if lop && self.from.is_none() && self.to.is_none() {
            return Ok(Window { from: Quarter::of(project.start_date), to: Quarter::of(project.end_date) });
        }
        self.window()
    }

    /// The window asked for; errors name the query parameter.
    pub fn window(&self) -> Result<Window, AppError> {
        let bad = |field: &str, m: String| AppError::field(field, m);
        match (&self.period, &self.from, &self.to) {
            (Some(p), None, None) => match p.parse::<Period>().map_err(|e| bad("period", e.0))? {
                Period::Quarter(q) => Ok(Window::quarter(q)),
                Period::Year(y) => Ok(Window::year(y)),
                Period::LifeOfProject => {
                    Err(bad("period", "give a quarter or a year; for the life of the project use from/to".into()))
                }
            },
            (None, Some(f), Some(t)) => {
                let from: Quarter = f.parse().map_err(|e: crate::domain::period::PeriodError| bad("from", e.0))?;
                let to: Quarter = t.parse().map_err(|e: crate::domain::period::PeriodError| bad("to", e.0))?;
                if to < from {
                    return Err(bad("to", format!("{to} is before {from}")));
                }
                Ok(Window { from, to })
            }
            _ => Err(bad("period", "give either period=2025-Q3 (or a year), or from=...&to=...".into())),
        }
    }
}

/// One indicator's line of the progress view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorProgress {
    pub indicator_id: i64,
    pub code: String,
    pub title: String,
    pub unit: String,
    pub result_id: i64,
    pub result_code: String,
    pub result_title: String,
    pub result_level: crate::domain::results::ResultLevel,
    pub measure: crate::domain::indicators::Measure,
    pub direction: crate::domain::indicators::Direction,
    pub accumulation: crate::domain::indicators::Accumulation,
    pub means_of_verification: Option<String>,
    #[serde(flatten)]
    pub progress: Progress,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectProgress {
    pub project_id: i64,
    pub project_code: String,
    /// The window: `2025-Q3`, `2025` or `2024-Q3..2025-Q2`.
    pub period: String,
    pub from: String,
    pub to: String,
    pub include_unapproved: bool,
    pub thresholds: Thresholds,
    /// Indicators ordered by result code, then indicator code.
    pub indicators: Vec<IndicatorProgress>,
    /// How many indicators have each status.
    pub summary: BTreeMap<String, usize>,
}

/// What computing progress needs, loaded once (a report computes many windows from it).
pub struct ProgressInputs {
    project: Project,
    span: (Quarter, Quarter),
    indicators: Vec<Indicator>,
    results: HashMap<i64, (String, String, crate::domain::results::ResultLevel)>,
    points: HashMap<i64, Vec<Point>>,
    include_unapproved: bool,
}

impl ProgressInputs {
    /// The project's indicators (with targets) as loaded, so callers need not read them again.
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }
}

/// Loads indicators, targets and the counted actuals up to `to`.
pub fn load_inputs(
    conn: &mut DbConnection,
    project: &Project,
    to: Quarter,
    include_unapproved: bool,
) -> Result<ProgressInputs, AppError> {
    // The read path of progress and the reports: on the backend's own connection (`native!`).
    let indicators = indicators::list(conn, project.id)?;
    let result_rows: Vec<(i64, String, String, crate::domain::results::ResultLevel)> =
        crate::db::native!(conn, |c| results::table
            .filter(results::project_id.eq(project.id))
            .select((results::id, results::code, results::title, results::level))
            .load(c))?;
    // Approved only, or every status: two statements, each kept prepared.
    let until = to.to_string();
    let of_project = actuals::project_id.eq(project.id).and(actuals::period.le(until));
    let records: Vec<PointRecord> = if include_unapproved {
        crate::db::native!(conn, |c| actuals::table.filter(of_project).select(PointRecord::as_select()).load(c))?
    } else {
        let approved = actuals::status.eq(ActualStatus::Approved.as_str());
        crate::db::native!(conn, |c| actuals::table
            .filter(of_project.and(approved))
            .select(PointRecord::as_select())
            .load(c))?
    };
    let mut points: HashMap<i64, Vec<Point>> = HashMap::new();
    for r in records {
        let Ok(quarter) = r.period.parse::<Quarter>() else { continue };
        let entry = Entry {
            value: r.value,
            numerator: r.numerator,
            denominator: r.denominator,
            text: r.text,
            disaggregations: stored_disaggregations(&r.disaggregations),
        };
        points.entry(r.indicator_id).or_default().push(Point { quarter, entry });
    }
    Ok(ProgressInputs {
        project: project.clone(),
        span: (Quarter::of(project.start_date), Quarter::of(project.end_date)),
        indicators,
        results: result_rows.into_iter().map(|(id, c, t, l)| (id, (c, t, l))).collect(),
        points,
        include_unapproved,
    })
}

/// Refuses a window entirely outside the project's dates.
pub fn check_window(project: &Project, window: Window) -> Result<(), AppError> {
    let span = (Quarter::of(project.start_date), Quarter::of(project.end_date));
    if window.to < span.0 || window.from > span.1 {
        return Err(AppError::field(
            "period",
            format!("{} is outside the project dates {} to {}", window.label(), project.start_date, project.end_date),
        ));
    }
    Ok(())
}

/// Computes every indicator's progress over a window from loaded inputs (no database).
pub fn compute_window(inputs: &ProgressInputs, window: Window, thresholds: Thresholds) -> ProjectProgress {
    let empty = vec![];
    let mut lines: Vec<IndicatorProgress> = inputs
        .indicators
        .iter()
        .map(|ind| {
            let def = Definition {
                measure: ind.measure,
                direction: ind.direction,
                accumulation: ind.accumulation,
                baseline: ind.baseline_value,
            };
            let targets: Targets = ind
                .targets
                .iter()
                .filter_map(|t| t.period.parse::<Period>().ok().map(|p| (p, (t.value, t.description.clone()))))
                .collect();
            let pts = inputs.points.get(&ind.id).unwrap_or(&empty);
            let progress = progress::compute(&def, &targets, pts, window, inputs.span, thresholds);
            let (result_code, result_title, result_level) =
                // An indicator belongs to a result of its project, which `load` read with it.
                inputs.results.get(&ind.result_id).cloned().unwrap_or_else(|| {
                    (String::new(), String::new(), crate::domain::results::ResultLevel::Output)
                });
            IndicatorProgress {
                indicator_id: ind.id,
                code: ind.code.clone(),
                title: ind.title.clone(),
                unit: ind.unit.clone(),
                result_id: ind.result_id,
                result_code,
                result_title,
                result_level,
                measure: ind.measure,
                direction: ind.direction,
                accumulation: ind.accumulation,
                means_of_verification: ind.means_of_verification.clone(),
                progress,
            }
        })
        .collect();
    lines.sort_by(|a, b| {
        crate::domain::results::compare_codes(&a.result_code, &b.result_code)
            .then_with(|| crate::domain::results::compare_codes(&a.code, &b.code))
    });
    let mut summary = BTreeMap::new();
    for s in Status::ALL {
        summary.insert(s.as_str().to_string(), lines.iter().filter(|l| l.progress.status == *s).count());
    }
    ProjectProgress {
        project_id: inputs.project.id,
        project_code: inputs.project.code.clone(),
        period: window.label(),
        from: window.from.to_string(),
        to: window.to.to_string(),
        include_unapproved: inputs.include_unapproved,
        thresholds,
        indicators: lines,
        summary,
    }
}

/// Computes progress of every indicator of a project over a window (one read transaction).
pub fn project_progress(
    conn: &mut DbConnection,
    project: &Project,
    window: Window,
    include_unapproved: bool,
    thresholds: Thresholds,
) -> Result<ProjectProgress, AppError> {
    check_window(project, window)?;
    let inputs = load_inputs(conn, project, window.to, include_unapproved)?;
    Ok(compute_window(&inputs, window, thresholds))
}

/// Actuals of a window that are not approved yet (reports refuse them unless asked for a draft).
pub fn unapproved_in(
    conn: &mut DbConnection,
    project_id: i64,
    window: Window,
) -> Result<Vec<(String, String, String)>, AppError> {
    let rows: Vec<(String, String, String)> = actuals::table
        .inner_join(indicators_t::table)
        .filter(actuals::project_id.eq(project_id))
        .filter(actuals::period.ge(window.from.to_string()))
        .filter(actuals::period.le(window.to.to_string()))
        .filter(actuals::status.ne(ActualStatus::Approved.as_str()))
        .select((indicators_t::code, actuals::period, actuals::status))
        .order((actuals::period, indicators_t::code))
        .load(conn)?;
    Ok(rows)
}
