//! Per-quarter activity progress, project narratives, and the risk log with its quarterly
//! updates: the texts the reports quote.

use super::audit::{self, Actor};
use super::{check, check_version, expect_one_row, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::monitoring::{ActivityStatus, RiskCategory, RiskLevel, RiskStatus, check_activity, risk_level};
use crate::domain::period::Quarter;
use crate::domain::results::ResultLevel;
use crate::error::AppError;
use crate::schema::{activity_progress, narratives, results, risk_updates, risks};
use crate::store::projects::{self, Project};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// A quarter inside the project's dates (see [`Project::quarter`]).
pub fn project_quarter(project: &Project, s: &str) -> Result<Quarter, AppError> {
    project.quarter(s).map_err(|e| AppError::Validation(vec![e]))
}

/// The `activity_progress` row as stored; [`ActivityProgress`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = activity_progress)]
struct ActivityProgressRecord {
    id: i64,
    project_id: i64,
    result_id: i64,
    period: String,
    status: crate::domain::monitoring::ActivityStatus,
    percent_complete: i32,
    narrative: Option<String>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityProgress {
    pub id: i64,
    pub project_id: i64,
    /// The activity (a result of level `activity`).
    pub result_id: i64,
    pub period: String,
    pub status: crate::domain::monitoring::ActivityStatus,
    pub percent_complete: i32,
    pub narrative: Option<String>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<ActivityProgressRecord> for ActivityProgress {
    fn from(r: ActivityProgressRecord) -> Self {
        ActivityProgress {
            id: r.id,
            project_id: r.project_id,
            result_id: r.result_id,
            period: r.period,
            status: r.status,
            percent_complete: r.percent_complete,
            narrative: r.narrative,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityProgressInput {
    pub status: ActivityStatus,
    pub percent_complete: i32,
    #[serde(default)]
    #[validate(length(max = 10000, message = "at most 10000 characters"))]
    #[schema(max_length = 10000)]
    pub narrative: Option<String>,
    /// Required when the quarter already has progress: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

fn get_activity_progress(conn: &mut DbConnection, id: i64) -> Result<ActivityProgress, AppError> {
    let row: ActivityProgressRecord =
        activity_progress::table.find(id).select(ActivityProgressRecord::as_select()).first(conn)?;
    Ok(row.into())
}

/// Records (or corrects) an activity's progress for a quarter.
pub fn put_activity_progress(
    conn: &mut DbConnection,
    actor: &Actor,
    result_id: i64,
    period: &str,
    input: &ActivityProgressInput,
) -> Result<ActivityProgress, AppError> {
    let (project_id, level): (i64, String) =
        results::table.find(result_id).select((results::project_id, results::level)).first(conn)?;
    let project = projects::get(conn, project_id)?;
    let quarter = project_quarter(&project, period)?;
    let mut errs = check_activity(input.status, input.percent_complete);
    if level != ResultLevel::Activity.as_str() {
        errs.push(FieldError::new("result_id", format!("progress is kept for activities; this result is an {level}")));
    }
    check(input, errs)?;
    let existing = activity_progress::table
        .filter(activity_progress::result_id.eq(result_id))
        .filter(activity_progress::period.eq(quarter.to_string()))
        .select(ActivityProgressRecord::as_select())
        .first(conn)
        .optional()?
        .map(ActivityProgress::from);
    let at = now();
    match existing {
        None => {
            let id: i64 = diesel::insert_into(activity_progress::table)
                .values((
                    activity_progress::project_id.eq(project_id),
                    activity_progress::result_id.eq(result_id),
                    activity_progress::period.eq(quarter.to_string()),
                    activity_progress::status.eq(input.status.as_str()),
                    activity_progress::percent_complete.eq(input.percent_complete),
                    activity_progress::narrative.eq(input.narrative.as_deref()),
                    activity_progress::created_at.eq(at),
                    activity_progress::updated_at.eq(at),
                ))
                .returning(activity_progress::id)
                .get_result(conn)?;
            let created = get_activity_progress(conn, id)?;
            audit::created(conn, actor, Some(project_id), "activity_progress", id, &created)?;
            Ok(created)
        }
        Some(current) => {
            let sent = required_version(input.version)?;
            check_version(current.version, sent, "the activity progress")?;
            let n =
                diesel::update(activity_progress::table.find(current.id).filter(activity_progress::version.eq(sent)))
                    .set((
                        activity_progress::status.eq(input.status.as_str()),
                        activity_progress::percent_complete.eq(input.percent_complete),
                        activity_progress::narrative.eq(input.narrative.as_deref()),
                        activity_progress::updated_at.eq(at),
                        activity_progress::version.eq(sent + 1),
                    ))
                    .execute(conn)?;
            expect_one_row(n, "the activity progress")?;
            let after = get_activity_progress(conn, current.id)?;
            audit::updated(conn, actor, Some(project_id), "activity_progress", current.id, &current, &after)?;
            Ok(after)
        }
    }
}

/// Activity progress of a project with the activity's code and title, optionally for one quarter.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActivityProgressLine {
    pub result_code: String,
    pub result_title: String,
    #[serde(flatten)]
    pub progress: ActivityProgress,
}

pub fn list_activity_progress(
    conn: &mut DbConnection,
    project_id: i64,
    period: Option<Quarter>,
) -> Result<Vec<ActivityProgressLine>, AppError> {
    let mut q = activity_progress::table
        .inner_join(results::table)
        .filter(activity_progress::project_id.eq(project_id))
        .into_boxed();
    if let Some(p) = period {
        q = q.filter(activity_progress::period.eq(p.to_string()));
    }
    let rows: Vec<(String, String, ActivityProgressRecord)> =
        q.select((results::code, results::title, ActivityProgressRecord::as_select())).load(conn)?;
    let mut out: Vec<ActivityProgressLine> = rows
        .into_iter()
        .map(|(result_code, result_title, progress)| ActivityProgressLine {
            result_code,
            result_title,
            progress: progress.into(),
        })
        .collect();
    out.sort_by(|a, b| {
        a.progress
            .period
            .cmp(&b.progress.period)
            .then_with(|| crate::domain::results::compare_codes(&a.result_code, &b.result_code))
    });
    Ok(out)
}

/// The `narratives` row as stored; [`Narrative`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = narratives)]
struct NarrativeRecord {
    id: i64,
    project_id: i64,
    period: String,
    summary: String,
    challenges: Option<String>,
    lessons_learned: Option<String>,
    next_quarter: Option<String>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Narrative {
    pub id: i64,
    pub project_id: i64,
    pub period: String,
    pub summary: String,
    pub challenges: Option<String>,
    pub lessons_learned: Option<String>,
    pub next_quarter: Option<String>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<NarrativeRecord> for Narrative {
    fn from(r: NarrativeRecord) -> Self {
        Narrative {
            id: r.id,
            project_id: r.project_id,
            period: r.period,
            summary: r.summary,
            challenges: r.challenges,
            lessons_learned: r.lessons_learned,
            next_quarter: r.next_quarter,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NarrativeInput {
    #[validate(custom(function = "not_blank"), length(max = 20000, message = "at most 20000 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 20000)]
    pub summary: String,
    #[serde(default)]
    #[validate(length(max = 20000, message = "at most 20000 characters"))]
    #[schema(max_length = 20000)]
    pub challenges: Option<String>,
    #[serde(default)]
    #[validate(length(max = 20000, message = "at most 20000 characters"))]
    #[schema(max_length = 20000)]
    pub lessons_learned: Option<String>,
    #[serde(default)]
    #[validate(length(max = 20000, message = "at most 20000 characters"))]
    #[schema(max_length = 20000)]
    pub next_quarter: Option<String>,
    /// Required when the quarter already has a narrative: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

pub fn get_narrative(conn: &mut DbConnection, project_id: i64, q: Quarter) -> Result<Option<Narrative>, AppError> {
    Ok(narratives::table
        .filter(narratives::project_id.eq(project_id))
        .filter(narratives::period.eq(q.to_string()))
        .select(NarrativeRecord::as_select())
        .first(conn)
        .optional()?
        .map(Narrative::from))
}

pub fn list_narratives(conn: &mut DbConnection, project_id: i64) -> Result<Vec<Narrative>, AppError> {
    let rows: Vec<NarrativeRecord> = narratives::table
        .filter(narratives::project_id.eq(project_id))
        .select(NarrativeRecord::as_select())
        .order(narratives::period)
        .load(conn)?;
    Ok(rows.into_iter().map(Narrative::from).collect())
}

pub fn put_narrative(
    conn: &mut DbConnection,
    actor: &Actor,
    project: &Project,
    period: &str,
    input: &NarrativeInput,
) -> Result<Narrative, AppError> {
    let q = project_quarter(project, period)?;
    check(input, vec![])?;
    let at = now();
    match get_narrative(conn, project.id, q)? {
        None => {
            diesel::insert_into(narratives::table)
                .values((
                    narratives::project_id.eq(project.id),
                    narratives::period.eq(q.to_string()),
                    narratives::summary.eq(input.summary.trim()),
                    narratives::challenges.eq(input.challenges.as_deref()),
                    narratives::lessons_learned.eq(input.lessons_learned.as_deref()),
                    narratives::next_quarter.eq(input.next_quarter.as_deref()),
                    narratives::created_at.eq(at),
                    narratives::updated_at.eq(at),
                ))
                .execute(conn)?;
            let created = get_narrative(conn, project.id, q)?.expect("just inserted");
            audit::created(conn, actor, Some(project.id), "narrative", created.id, &created)?;
            Ok(created)
        }
        Some(current) => {
            let sent = required_version(input.version)?;
            check_version(current.version, sent, "the narrative")?;
            let n = diesel::update(narratives::table.find(current.id).filter(narratives::version.eq(sent)))
                .set((
                    narratives::summary.eq(input.summary.trim()),
                    narratives::challenges.eq(input.challenges.as_deref()),
                    narratives::lessons_learned.eq(input.lessons_learned.as_deref()),
                    narratives::next_quarter.eq(input.next_quarter.as_deref()),
                    narratives::updated_at.eq(at),
                    narratives::version.eq(sent + 1),
                ))
                .execute(conn)?;
            expect_one_row(n, "the narrative")?;
            let after = get_narrative(conn, project.id, q)?.expect("exists");
            audit::updated(conn, actor, Some(project.id), "narrative", current.id, &current, &after)?;
            Ok(after)
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = risks)]
struct RiskRecord {
    id: i64,
    project_id: i64,
    code: String,
    description: String,
    category: crate::domain::monitoring::RiskCategory,
    likelihood: i32,
    impact: i32,
    mitigation: Option<String>,
    owner: Option<String>,
    status: crate::domain::monitoring::RiskStatus,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// The `risk_updates` row as stored; [`RiskUpdate`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = risk_updates)]
struct RiskUpdateRecord {
    id: i64,
    risk_id: i64,
    period: String,
    note: String,
    likelihood: i32,
    impact: i32,
    status: crate::domain::monitoring::RiskStatus,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
}

/// A quarterly review of a risk.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskUpdate {
    pub id: i64,
    pub risk_id: i64,
    pub period: String,
    pub note: String,
    pub likelihood: i32,
    pub impact: i32,
    pub status: crate::domain::monitoring::RiskStatus,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
}

impl From<RiskUpdateRecord> for RiskUpdate {
    fn from(r: RiskUpdateRecord) -> Self {
        RiskUpdate {
            id: r.id,
            risk_id: r.risk_id,
            period: r.period,
            note: r.note,
            likelihood: r.likelihood,
            impact: r.impact,
            status: r.status,
            created_at: r.created_at,
        }
    }
}

/// A risk of the project's risk log, with its current rating and its quarterly updates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Risk {
    pub id: i64,
    pub project_id: i64,
    pub code: String,
    pub description: String,
    pub category: crate::domain::monitoring::RiskCategory,
    /// 1 (rare) to 5 (almost certain).
    pub likelihood: i32,
    /// 1 (minimal) to 5 (extreme).
    pub impact: i32,
    /// Likelihood x impact: 1-4 low, 5-9 moderate, 10-16 substantial, 20-25 high.
    pub level: RiskLevel,
    pub mitigation: Option<String>,
    pub owner: Option<String>,
    pub status: crate::domain::monitoring::RiskStatus,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
    pub updates: Vec<RiskUpdate>,
}

impl Risk {
    fn from_record(r: RiskRecord, updates: Vec<RiskUpdate>) -> Self {
        Risk {
            id: r.id,
            project_id: r.project_id,
            code: r.code,
            description: r.description,
            category: r.category,
            likelihood: r.likelihood,
            impact: r.impact,
            level: risk_level(r.likelihood, r.impact),
            mitigation: r.mitigation,
            owner: r.owner,
            status: r.status,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            updates,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    #[validate(custom(function = "super::local_code"))]
    #[schema(pattern = "^[A-Za-z0-9._-]{1,32}$")]
    #[schema(example = "R1")]
    pub code: String,
    #[validate(custom(function = "not_blank"), length(max = 4000, message = "at most 4000 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 4000)]
    pub description: String,
    pub category: RiskCategory,
    #[validate(range(min = 1, max = 5, message = "from 1 to 5"))]
    #[schema(minimum = 1, maximum = 5)]
    pub likelihood: i32,
    #[validate(range(min = 1, max = 5, message = "from 1 to 5"))]
    #[schema(minimum = 1, maximum = 5)]
    pub impact: i32,
    #[serde(default)]
    pub mitigation: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    pub status: RiskStatus,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskUpdateInput {
    /// A quarter inside the project's dates.
    #[schema(example = "2025-Q3", pattern = "^[0-9]{4}-Q[1-4]$")]
    pub period: String,
    #[validate(custom(function = "not_blank"), length(max = 4000, message = "at most 4000 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 4000)]
    pub note: String,
    #[validate(range(min = 1, max = 5, message = "from 1 to 5"))]
    #[schema(minimum = 1, maximum = 5)]
    pub likelihood: i32,
    #[validate(range(min = 1, max = 5, message = "from 1 to 5"))]
    #[schema(minimum = 1, maximum = 5)]
    pub impact: i32,
    pub status: RiskStatus,
}

pub fn get_risk(conn: &mut DbConnection, id: i64) -> Result<Risk, AppError> {
    let r = risks::table
        .find(id)
        .select(RiskRecord::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("risk {id}")))?;
    let updates: Vec<RiskUpdateRecord> = risk_updates::table
        .filter(risk_updates::risk_id.eq(id))
        .select(RiskUpdateRecord::as_select())
        .order(risk_updates::period)
        .load(conn)?;
    Ok(Risk::from_record(r, updates.into_iter().map(RiskUpdate::from).collect()))
}

pub fn list_risks(conn: &mut DbConnection, project_id: i64) -> Result<Vec<Risk>, AppError> {
    let records: Vec<RiskRecord> =
        risks::table.filter(risks::project_id.eq(project_id)).select(RiskRecord::as_select()).load(conn)?;
    let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
    let rows: Vec<RiskUpdateRecord> = risk_updates::table
        .filter(risk_updates::risk_id.eq_any(&ids))
        .select(RiskUpdateRecord::as_select())
        .order(risk_updates::period)
        .load(conn)?;
    let mut updates: Vec<RiskUpdate> = rows.into_iter().map(RiskUpdate::from).collect();
    let mut out: Vec<Risk> = records
        .into_iter()
        .map(|r| {
            let mine: Vec<RiskUpdate> = updates.extract_if(.., |u| u.risk_id == r.id).collect();
            Risk::from_record(r, mine)
        })
        .collect();
    out.sort_by(|a, b| crate::domain::results::compare_codes(&a.code, &b.code));
    Ok(out)
}

fn risk_code_taken(
    conn: &mut DbConnection,
    project_id: i64,
    code: &str,
    except: Option<i64>,
) -> Result<bool, AppError> {
    let mut q = risks::table
        .filter(risks::project_id.eq(project_id))
        .filter(risks::code.eq(code))
        .select(risks::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(risks::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

pub fn create_risk(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: i64,
    input: &RiskInput,
) -> Result<Risk, AppError> {
    check(input, vec![])?;
    if risk_code_taken(conn, project_id, &input.code, None)? {
        return Err(AppError::conflict("code", format!("the project already has a risk {}", input.code)));
    }
    let at = now();
    let id: i64 = diesel::insert_into(risks::table)
        .values((
            risks::project_id.eq(project_id),
            risks::code.eq(&input.code),
            risks::description.eq(input.description.trim()),
            risks::category.eq(input.category.as_str()),
            risks::likelihood.eq(input.likelihood),
            risks::impact.eq(input.impact),
            risks::mitigation.eq(input.mitigation.as_deref()),
            risks::owner.eq(input.owner.as_deref()),
            risks::status.eq(input.status.as_str()),
            risks::created_at.eq(at),
            risks::updated_at.eq(at),
        ))
        .returning(risks::id)
        .get_result(conn)?;
    let created = get_risk(conn, id)?;
    audit::created(conn, actor, Some(project_id), "risk", id, &created)?;
    Ok(created)
}

pub fn update_risk(conn: &mut DbConnection, actor: &Actor, id: i64, input: &RiskInput) -> Result<Risk, AppError> {
    let sent = required_version(input.version)?;
    let current = get_risk(conn, id)?;
    check_version(current.version, sent, "the risk")?;
    check(input, vec![])?;
    if risk_code_taken(conn, current.project_id, &input.code, Some(id))? {
        return Err(AppError::conflict("code", format!("the project already has a risk {}", input.code)));
    }
    let n = diesel::update(risks::table.find(id).filter(risks::version.eq(sent)))
        .set((
            risks::code.eq(&input.code),
            risks::description.eq(input.description.trim()),
            risks::category.eq(input.category.as_str()),
            risks::likelihood.eq(input.likelihood),
            risks::impact.eq(input.impact),
            risks::mitigation.eq(input.mitigation.as_deref()),
            risks::owner.eq(input.owner.as_deref()),
            risks::status.eq(input.status.as_str()),
            risks::updated_at.eq(now()),
            risks::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the risk")?;
    let after = get_risk(conn, id)?;
    audit::updated(conn, actor, Some(current.project_id), "risk", id, &current, &after)?;
    Ok(after)
}

pub fn delete_risk(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let current = get_risk(conn, id)?;
    diesel::delete(risk_updates::table.filter(risk_updates::risk_id.eq(id))).execute(conn)?;
    diesel::delete(risks::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(current.project_id), "risk", id, &current)
}

/// Writes the quarter's review of a risk, adding it or replacing the one saved (`PUT
/// /risks/{id}/updates/{period}` and the entry page). The latest quarter's review is the
/// risk's current rating. Returns the risk and whether the review is new.
pub fn put_risk_update(
    conn: &mut DbConnection,
    actor: &Actor,
    risk_id: i64,
    input: &RiskUpdateInput,
) -> Result<(Risk, bool), AppError> {
    let current = get_risk(conn, risk_id)?;
    let project = projects::get(conn, current.project_id)?;
    let q = project_quarter(&project, &input.period)?;
    check(input, vec![])?;
    let qs = q.to_string();
    let existing = current.updates.iter().find(|u| u.period == qs).map(|u| u.id);
    match existing {
        None => {
            diesel::insert_into(risk_updates::table)
                .values((
                    risk_updates::risk_id.eq(risk_id),
                    risk_updates::period.eq(&qs),
                    risk_updates::note.eq(input.note.trim()),
                    risk_updates::likelihood.eq(input.likelihood),
                    risk_updates::impact.eq(input.impact),
                    risk_updates::status.eq(input.status.as_str()),
                    risk_updates::created_at.eq(now()),
                ))
                .execute(conn)?;
        }
        Some(id) => {
            diesel::update(risk_updates::table.find(id))
                .set((
                    risk_updates::note.eq(input.note.trim()),
                    risk_updates::likelihood.eq(input.likelihood),
                    risk_updates::impact.eq(input.impact),
                    risk_updates::status.eq(input.status.as_str()),
                ))
                .execute(conn)?;
        }
    }
    if current.updates.iter().all(|u| u.period <= qs) {
        diesel::update(risks::table.find(risk_id))
            .set((
                risks::likelihood.eq(input.likelihood),
                risks::impact.eq(input.impact),
                risks::status.eq(input.status.as_str()),
                risks::updated_at.eq(now()),
                risks::version.eq(current.version + 1),
            ))
            .execute(conn)?;
    }
    let after = get_risk(conn, risk_id)?;
    audit::updated(conn, actor, Some(current.project_id), "risk", risk_id, &current, &after)?;
    Ok((after, existing.is_none()))
}

/// Adds the quarter's review of a risk; the risk takes the new rating and status.
pub fn add_risk_update(
    conn: &mut DbConnection,
    actor: &Actor,
    risk_id: i64,
    input: &RiskUpdateInput,
) -> Result<Risk, AppError> {
    let current = get_risk(conn, risk_id)?;
    let project = projects::get(conn, current.project_id)?;
    let q = project_quarter(&project, &input.period)?;
    check(input, vec![])?;
    if current.updates.iter().any(|u| u.period == q.to_string()) {
        return Err(AppError::conflict("period", format!("risk {} already has an update for {q}", current.code)));
    }
    diesel::insert_into(risk_updates::table)
        .values((
            risk_updates::risk_id.eq(risk_id),
            risk_updates::period.eq(q.to_string()),
            risk_updates::note.eq(input.note.trim()),
            risk_updates::likelihood.eq(input.likelihood),
            risk_updates::impact.eq(input.impact),
            risk_updates::status.eq(input.status.as_str()),
            risk_updates::created_at.eq(now()),
        ))
        .execute(conn)?;
    // The latest quarter's review is the risk's current rating.
    if current.updates.iter().all(|u| u.period < q.to_string()) {
        diesel::update(risks::table.find(risk_id))
            .set((
                risks::likelihood.eq(input.likelihood),
                risks::impact.eq(input.impact),
                risks::status.eq(input.status.as_str()),
                risks::updated_at.eq(now()),
                risks::version.eq(current.version + 1),
            ))
            .execute(conn)?;
    }
    let after = get_risk(conn, risk_id)?;
    audit::updated(conn, actor, Some(current.project_id), "risk", risk_id, &current, &after)?;
    Ok(after)
}
