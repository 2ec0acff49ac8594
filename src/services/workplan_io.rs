//! Use cases: a work plan to and from Excel (see [`crate::awp`]).
//!
//! - [`export`]: the AWP workbook of a year (its latest revision, or the one asked for), for
//!   every role on the project.
//! - [`import`]: compares a workbook with the year's plan and the results framework's targets
//!   and answers what would be created, changed and deleted and every problem with its place;
//!   with `apply` it performs it in one transaction, audited like the same changes made one by
//!   one through the API, only on a draft plan (creating the year's draft when there is none),
//!   and only when the workbook has no problem at all. Work-plan changes need the finance
//!   right (`EditFinance`), target changes the coordinator's (`EditResults`).

use super::project_for;
use crate::auth::Principal;
use crate::awp::import::{ChangeAction, Changes, Reading, WorkbookProblem};
use crate::awp::{self, AwpData, MAX_WORKBOOK_BYTES, XLSX_CONTENT_TYPE};
use crate::db::{Db, DbConnection};
use crate::domain::FieldError;
use crate::domain::access::Action;
use crate::domain::budget::WorkPlanStatus;
use crate::domain::money::minor_unit_exponent;
use crate::error::AppError;
use crate::schema::{budget_lines, expenditures, work_plan_activities, work_plans};
use crate::store::audit::{self, Actor};
use crate::store::projects::Project;
use crate::store::{accounts, funding, indicators, now, results, totals, workplans};
use chrono::Datelike;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use utoipa::ToSchema;

/// Runs a statement on the connection's own backend: multi-row INSERTs are not available
/// through the `MultiConnection`, but each backend has them.
macro_rules! each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConnection::Sqlite($c) => $body,
            DbConnection::Postgres($c) => $body,
        }
    };
}

/// An exported workbook.
#[derive(Debug, Clone)]
pub struct ExportFile {
    /// `KAZ-HUB-awp-2013.xlsx`
    pub file_name: String,
    pub bytes: Vec<u8>,
}

fn check_year(p: &Project, year: i32) -> Result<(), AppError> {
    if (p.start_date.year()..=p.end_date.year()).contains(&year) {
        Ok(())
    } else {
        Err(AppError::field("year", format!("{year} is outside the project ({} to {})", p.start_date, p.end_date)))
    }
}

/// Everything the workbook shows and the import compares with, for the year's plan: the
/// revision asked for, else the latest one (the draft being prepared, or the approved plan).
pub fn gather(conn: &mut DbConnection, p: &Project, year: i32, revision: Option<i32>) -> Result<AwpData, AppError> {
    let plans: Vec<(i64, i32, String)> = work_plans::table
        .filter(work_plans::project_id.eq(p.id))
        .filter(work_plans::year.eq(year))
        .order(work_plans::revision)
        .select((work_plans::id, work_plans::revision, work_plans::status))
        .load(conn)?;
    let chosen = match revision {
        Some(r) => Some(
            plans
                .iter()
                .find(|(_, rev, _)| *rev == r)
                .ok_or_else(|| AppError::NotFound(format!("revision {r} of the {year} work plan")))?,
        ),
        None => plans.last(),
    };
    let results: Vec<awp::ResultInfo> = results::list(conn, p.id)?
        .into_iter()
        .map(|r| awp::ResultInfo { id: r.id, parent_id: r.parent_id, level: r.level, code: r.code, title: r.title })
        .collect();
    let catalogue = funding::list_sources(conn)?;
    let funded: HashSet<i64> = funding::list_contributions(conn, p.id)?.iter().map(|c| c.funding_source_id).collect();
    let sources = catalogue
        .iter()
        .filter(|s| funded.contains(&s.id))
        .map(|s| awp::SourceInfo { id: s.id, code: s.code.clone(), name: s.name.clone() })
        .collect();
    let accounts =
        accounts::list(conn)?.into_iter().map(|a| (a.code, (a.name, a.eu_heading))).collect::<HashMap<_, _>>();
    let indicators = indicators::list(conn, p.id)?
        .into_iter()
        .map(|i| awp::IndicatorInfo {
            id: i.id,
            result_id: i.result_id,
            code: i.code,
            title: i.title,
            unit: i.unit,
            measure: i.measure,
            baseline_value: i.baseline_value,
            baseline_year: i.baseline_year,
            baseline_note: i.baseline_note,
            targets: i
                .targets
                .into_iter()
                .filter(|t| !t.period.contains('Q'))
                .map(|t| awp::TargetInfo {
                    id: t.id,
                    period: t.period,
                    value: t.value,
                    description: t.description,
                    version: t.version,
                })
                .collect(),
        })
        .collect();
    let mut data = AwpData {
        project_code: p.code.clone(),
        project_title: p.title.clone(),
        currency: p.currency.clone(),
        exp: u32::from(minor_unit_exponent(&p.currency).unwrap_or(2)),
        year,
        years: (p.start_date.year()..=p.end_date.year()).collect(),
        plan: None,
        results,
        activities: vec![],
        lines: vec![],
        sources,
        catalogue_sources: catalogue.iter().map(|s| s.code.clone()).collect(),
        accounts,
        indicators,
        result_index: HashMap::new(),
    };
    data.index();
    if let Some((id, _, _)) = chosen {
        let plan = workplans::get(conn, *id)?;
        let result_of: HashMap<i64, i64> = plan.activities.iter().map(|a| (a.id, a.result_id)).collect();
        let spent: HashSet<i64> = expenditures::table
            .inner_join(budget_lines::table)
            .filter(expenditures::project_id.eq(p.id))
            .select(budget_lines::lineage_id)
            .distinct()
            .load::<i64>(conn)?
            .into_iter()
            .collect();
        data.plan = Some(awp::PlanInfo { id: plan.plan.id, revision: plan.plan.revision, status: plan.plan.status });
        data.activities = plan
            .activities
            .iter()
            .map(|a| {
                let mut marks = [false; 4];
                for q in &a.quarters {
                    marks[usize::from(*q) - 1] = true;
                }
                awp::ActivityInfo {
                    id: a.id,
                    result_id: a.result_id,
                    marks,
                    responsible_party: a.responsible_party.clone(),
                    version: a.version,
                }
            })
            .collect();
        data.lines = plan
            .lines
            .into_iter()
            .map(|l| awp::LineInfo {
                id: l.id,
                lineage_id: l.lineage_id,
                activity_result_id: l.activity_id.and_then(|a| result_of.get(&a).copied()),
                source_id: l.funding_source_id,
                source_code: l.source_code,
                account_code: l.account_code,
                description: l.description,
                amount_minor: l.amount_minor,
                phasing: l.phasing,
                version: l.version,
                spent: spent.contains(&l.lineage_id),
            })
            .collect();
    }
    Ok(data)
}

/// `GET /projects/{p}/workplans/{year}/export.xlsx`: every role on the project.
pub fn export(
    conn: &mut DbConnection,
    who: &Principal,
    key: &str,
    year: i32,
    revision: Option<i32>,
) -> Result<ExportFile, AppError> {
    let p = project_for(conn, who, key, Action::Read)?;
    check_year(&p, year)?;
    let data = gather(conn, &p, year, revision)?;
    if data.plan.is_none() {
        return Err(AppError::NotFound(format!(
            "the {year} work plan of {} (create it with POST /api/v1/projects/{}/work-plans, or import a workbook)",
            p.code, p.code
        )));
    }
    let bytes = awp::export::workbook(&data)?;
    Ok(ExportFile { file_name: crate::reports::safe_file_name(&format!("{}-awp-{year}.xlsx", p.code)), bytes })
}

// ---------------------------------------------------------------------------------------
// Import

/// How many of a kind the import creates, changes and deletes.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Counts {
    pub created: usize,
    pub changed: usize,
    pub deleted: usize,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct ImportSummary {
    pub activities: Counts,
    pub lines: Counts,
    pub targets: Counts,
}

/// One change the import makes (or would make).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportChange {
    /// `activity`, `budget_line` or `target`.
    #[schema(example = "budget_line")]
    pub entity: String,
    pub action: ChangeAction,
    /// Where the workbook says so (`AWP 2013, row 14`); none for a deletion.
    pub place: Option<String>,
    /// The stored record changed or deleted (plan activity, budget line or target id).
    pub id: Option<i64>,
    /// In words: `line 57 (RB 72100 Contracts with companies): amount 10 000 -> 12 000`.
    pub detail: String,
}

/// A figure of the workbook, by group.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupTotal {
    /// An output or activity code, a funding source code, or `plan level`.
    pub key: String,
    pub lines: usize,
    pub amount_minor: i64,
}

/// The workbook's figures (what the plan holds after the import).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportTotals {
    pub currency: String,
    pub lines: usize,
    pub amount_minor: i64,
    /// Subtotal and total rows found and checked against their lines.
    pub subtotals_checked: usize,
    pub by_output: Vec<GroupTotal>,
    pub by_activity: Vec<GroupTotal>,
    pub by_funding_source: Vec<GroupTotal>,
}

/// The answer of an import: what it changes (or would), every problem, the workbook's totals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub project: String,
    pub year: i32,
    /// The plan compared with; `null` when the year has none (applying creates its draft).
    pub work_plan_id: Option<i64>,
    pub revision: Option<i32>,
    /// `draft`, `approved` or `superseded`; `null` when the year has no plan yet.
    pub plan_status: Option<WorkPlanStatus>,
    /// `true` when the changes were made; `false` for a dry run.
    pub applied: bool,
    /// The sheets read: the AWP, and the results framework when the workbook has one.
    pub sheets: Vec<String>,
    pub summary: ImportSummary,
    pub changes: Vec<ImportChange>,
    /// Each must be fixed before the workbook can be applied (`AWP 2013!I14: unknown budget account "7160"`).
    pub problems: Vec<WorkbookProblem>,
    /// For information (e.g. baselines are not imported; the plan is approved).
    pub notes: Vec<WorkbookProblem>,
    pub totals: ImportTotals,
}

fn report(
    p: &Project,
    d: &AwpData,
    reading: &Reading,
    changes: &Changes,
    problems: Vec<WorkbookProblem>,
) -> ImportReport {
    let mut summary = ImportSummary::default();
    let mut out = vec![];
    let count = |c: &mut Counts, a: ChangeAction| match a {
        ChangeAction::Create => c.created += 1,
        ChangeAction::Change => c.changed += 1,
        ChangeAction::Delete => c.deleted += 1,
    };
    for a in &changes.activities {
        count(&mut summary.activities, a.action);
        out.push(ImportChange {
            entity: "activity".into(),
            action: a.action,
            place: a.place.clone(),
            id: a.existing.as_ref().map(|e| e.id),
            detail: a.detail.clone(),
        });
    }
    for l in &changes.lines {
        count(&mut summary.lines, l.action);
        out.push(ImportChange {
            entity: "budget_line".into(),
            action: l.action,
            place: l.place.clone(),
            id: l.existing.as_ref().map(|e| e.id),
            detail: l.detail.clone(),
        });
    }
    for t in &changes.targets {
        count(&mut summary.targets, t.action);
        out.push(ImportChange {
            entity: "target".into(),
            action: t.action,
            place: Some(t.place.clone()),
            id: t.existing.as_ref().map(|e| e.id),
            detail: t.detail.clone(),
        });
    }
    let code = |id: i64| d.result(id).map(|r| r.code.clone()).unwrap_or_default();
    let mut by_output: BTreeMap<String, (usize, i64)> = BTreeMap::new();
    let mut by_activity: Vec<GroupTotal> = vec![];
    let mut by_source: BTreeMap<String, (usize, i64)> = BTreeMap::new();
    let (mut n, mut total) = (0, 0);
    for a in &reading.activities {
        let sum: i64 = a.lines.iter().map(|l| l.amount_minor).sum();
        by_activity.push(GroupTotal { key: code(a.result_id), lines: a.lines.len(), amount_minor: sum });
        let o = d
            .ancestor(a.result_id, crate::domain::results::ResultLevel::Output)
            .map(|o| o.code.clone())
            .unwrap_or_else(|| "-".into());
        let e = by_output.entry(o).or_default();
        e.0 += a.lines.len();
        e.1 += sum;
    }
    if !reading.plan_lines.is_empty() {
        let sum = reading.plan_lines.iter().map(|l| l.amount_minor).sum();
        by_output.insert("plan level".into(), (reading.plan_lines.len(), sum));
    }
    for l in reading.activities.iter().flat_map(|a| a.lines.iter()).chain(reading.plan_lines.iter()) {
        let e = by_source.entry(l.source_code.clone()).or_default();
        e.0 += 1;
        e.1 += l.amount_minor;
        n += 1;
        total += l.amount_minor;
    }
    by_activity.sort_by(|a, b| crate::domain::results::compare_codes(&a.key, &b.key));
    let group = |m: BTreeMap<String, (usize, i64)>| {
        m.into_iter().map(|(key, (lines, amount_minor))| GroupTotal { key, lines, amount_minor }).collect()
    };
    let mut notes = reading.notes.clone();
    if let Some(plan) = &d.plan
        && plan.status != WorkPlanStatus::Draft
    {
        notes.push(WorkbookProblem {
            place: reading.sheets.first().cloned().unwrap_or_default(),
            message: format!(
                "the {} work plan (revision {}) is {}: the changes can be applied only to a draft revision \
                 (POST /api/v1/work-plans/{}/revisions)",
                d.year, plan.revision, plan.status, plan.id
            ),
        });
    }
    ImportReport {
        project: p.code.clone(),
        year: d.year,
        work_plan_id: d.plan.as_ref().map(|p| p.id),
        revision: d.plan.as_ref().map(|p| p.revision),
        plan_status: d.plan.as_ref().map(|p| p.status),
        applied: false,
        sheets: reading.sheets.clone(),
        summary,
        changes: out,
        problems,
        notes,
        totals: ImportTotals {
            currency: d.currency.clone(),
            lines: n,
            amount_minor: total,
            subtotals_checked: reading.subtotals_checked,
            by_output: group(by_output),
            by_activity,
            by_funding_source: group(by_source),
        },
    }
}

/// The AWP workbook of a year, in one transaction (the API's export).
pub async fn export_workbook(
    db: &Db,
    who: &Principal,
    key: &str,
    year: i32,
    revision: Option<i32>,
) -> Result<ExportFile, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| export(c, &who, &key, year, revision)).await
}

/// Why a workbook sent could not be taken (told after the access check, see
/// [`import_workbook`]).
#[derive(Debug, Clone)]
pub enum BodyProblem {
    TooLarge,
    MediaType(String),
    Timeout(u64),
    Unreadable(String),
}

impl BodyProblem {
    pub fn error(&self) -> AppError {
        match self {
            BodyProblem::TooLarge => AppError::Validation(vec![FieldError::new(
                "file",
                format!(
                    "the workbook is over {} MB: at most {} MB is imported",
                    MAX_WORKBOOK_BYTES >> 20,
                    MAX_WORKBOOK_BYTES >> 20
                ),
            )]),
            BodyProblem::MediaType(sent) => AppError::UnsupportedMediaType(format!(
                "send the workbook as `Content-Type: {XLSX_CONTENT_TYPE}` (or application/octet-stream), not `{sent}`"
            )),
            BodyProblem::Timeout(s) => AppError::RequestTimeout(*s),
            BodyProblem::Unreadable(e) => AppError::BadRequest(format!("could not read the request body: {e}")),
        }
    }
}

/// Reads a workbook sent to the API and, with `apply`, performs it ([`import`]), in one
/// transaction. Who may import is checked before anything about the body is said: a caller
/// without the right hears 403/404, not why the bytes could not be taken.
pub async fn import_workbook(
    db: &Db,
    who: &Principal,
    key: &str,
    year: i32,
    body: Result<Vec<u8>, BodyProblem>,
    apply: bool,
) -> Result<ImportReport, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        project_for(c, &who, &key, Action::EditFinance)?;
        let bytes = body.as_ref().map_err(BodyProblem::error)?;
        import(c, &who, &actor, &key, year, bytes, apply)
    })
    .await
}

/// `POST /projects/{p}/workplans/{year}/import[?apply=true]`: see the module documentation.
pub fn import(
    conn: &mut DbConnection,
    who: &Principal,
    actor: &Actor,
    key: &str,
    year: i32,
    bytes: &[u8],
    apply: bool,
) -> Result<ImportReport, AppError> {
    let p = project_for(conn, who, key, Action::EditFinance)?;
    check_year(&p, year)?;
    awp::import::check_file(bytes)?;
    let data = gather(conn, &p, year, None)?;
    let reading = awp::import::read(bytes, &data)?;
    let mut problems = reading.problems.clone();
    let changes = awp::import::compare(&reading, &data, &mut problems);
    let mut answer = report(&p, &data, &reading, &changes, problems);
    if !apply {
        return Ok(answer);
    }
    if !answer.problems.is_empty() {
        return Err(AppError::Validation(
            answer.problems.iter().map(|f| FieldError::new(f.place.clone(), f.message.clone())).collect(),
        ));
    }
    if let Some(plan) = &data.plan
        && plan.status != WorkPlanStatus::Draft
    {
        return Err(AppError::Conflict {
            message: format!(
                "the {year} work plan (revision {}) is {} and locked: start a revision (POST /api/v1/work-plans/{}/revisions) \
                 and import the workbook into that draft",
                plan.revision, plan.status, plan.id
            ),
            field: None,
        });
    }
    if !changes.targets.is_empty() && !who.may(p.id, Action::EditResults) {
        return Err(AppError::Forbidden(format!(
            "the workbook changes {} target(s) of the results framework, which coordinators keep: ask a coordinator \
             to change them, or import the workbook with the targets as they are",
            changes.targets.len()
        )));
    }
    let actor = Actor {
        user_id: actor.user_id,
        reason: Some(actor.reason.clone().unwrap_or_else(|| format!("import of the {year} work plan workbook"))),
    };
    let plan_id = write(conn, &actor, &p, &data, &changes)?;
    answer.applied = true;
    if answer.work_plan_id.is_none() {
        answer.work_plan_id = Some(plan_id);
        answer.revision = Some(1);
        answer.plan_status = Some(WorkPlanStatus::Draft);
    }
    Ok(answer)
}

fn line_json(
    id: i64,
    plan: &workplans::WorkPlanHeader,
    activity: Option<i64>,
    l: &awp::import::NewLine,
    lineage: i64,
) -> serde_json::Value {
    json!({
        "id": id, "work_plan_id": plan.id, "activity_id": activity, "funding_source_id": l.source_id,
        "account_code": l.account_code, "description": l.description, "amount_minor": l.amount_minor,
        "currency": plan.currency, "phasing": l.phasing, "lineage_id": lineage,
    })
}

fn line_before(l: &awp::LineInfo, plan: &workplans::WorkPlanHeader, activity: Option<i64>) -> serde_json::Value {
    json!({
        "id": l.id, "work_plan_id": plan.id, "activity_id": activity, "funding_source_id": l.source_id,
        "source_code": l.source_code, "account_code": l.account_code, "description": l.description,
        "amount_minor": l.amount_minor, "currency": plan.currency, "phasing": l.phasing, "lineage_id": l.lineage_id,
        "version": l.version,
    })
}

fn activity_json(id: i64, plan_id: i64, result_id: i64, marks: &[bool; 4], party: &str) -> serde_json::Value {
    let quarters: Vec<u8> = (0..4u8).filter(|q| marks[usize::from(*q)]).map(|q| q + 1).collect();
    json!({"id": id, "work_plan_id": plan_id, "result_id": result_id, "quarters": quarters, "responsible_party": party})
}

/// Makes the changes, each audited as the API's own use cases audit them. Lines and
/// activities are written directly (one statement each, no re-reading of the whole plan per
/// line) so that a 10 000-line workbook applies in well under two seconds; targets go through
/// the indicator use cases.
fn write(conn: &mut DbConnection, actor: &Actor, p: &Project, d: &AwpData, ch: &Changes) -> Result<i64, AppError> {
    let plan = match &d.plan {
        Some(plan) => workplans::header(conn, plan.id)?,
        None => workplans::create(
            conn,
            actor,
            p.id,
            &workplans::WorkPlanInput {
                year: d.year,
                title: Some(format!("Annual work plan {}", d.year)),
                document_total_minor: None,
                notes: Some("Imported from a workbook".into()),
                version: None,
            },
        )?,
    };
    let at = now();
    let pid = Some(p.id);
    // Activities: the plan activity of each results-framework activity.
    let mut activity_of: HashMap<i64, i64> = d.activities.iter().map(|a| (a.result_id, a.id)).collect();
    for a in &ch.activities {
        let m = a.marks;
        match a.action {
            ChangeAction::Create => {
                let id = diesel::insert_into(work_plan_activities::table)
                    .values((
                        work_plan_activities::work_plan_id.eq(plan.id),
                        work_plan_activities::result_id.eq(a.result_id),
                        work_plan_activities::q1.eq(m[0]),
                        work_plan_activities::q2.eq(m[1]),
                        work_plan_activities::q3.eq(m[2]),
                        work_plan_activities::q4.eq(m[3]),
                        work_plan_activities::responsible_party.eq(a.party.trim()),
                        work_plan_activities::created_at.eq(at),
                        work_plan_activities::updated_at.eq(at),
                    ))
                    .returning(work_plan_activities::id)
                    .get_result::<i64>(conn)?;
                activity_of.insert(a.result_id, id);
                let after = activity_json(id, plan.id, a.result_id, &m, a.party.trim());
                audit::record(conn, actor, pid, "work_plan_activity", id, "create", None, Some(after))?;
            }
            ChangeAction::Change => {
                let e = a.existing.as_ref().expect("a change has its record");
                let n = diesel::update(
                    work_plan_activities::table.find(e.id).filter(work_plan_activities::version.eq(e.version)),
                )
                .set((
                    work_plan_activities::q1.eq(m[0]),
                    work_plan_activities::q2.eq(m[1]),
                    work_plan_activities::q3.eq(m[2]),
                    work_plan_activities::q4.eq(m[3]),
                    work_plan_activities::responsible_party.eq(a.party.trim()),
                    work_plan_activities::updated_at.eq(at),
                    work_plan_activities::version.eq(e.version + 1),
                ))
                .execute(conn)?;
                crate::store::expect_one_row(n, "the work plan activity")?;
                let before = activity_json(e.id, plan.id, e.result_id, &e.marks, &e.responsible_party);
                let after = activity_json(e.id, plan.id, e.result_id, &m, a.party.trim());
                audit::record(conn, actor, pid, "work_plan_activity", e.id, "update", Some(before), Some(after))?;
            }
            ChangeAction::Delete => {}
        }
    }
    let plan_activity = |r: Option<i64>| r.and_then(|r| activity_of.get(&r).copied());
    // Lines: changes and deletions first (a moved line frees its old activity), then new ones.
    for l in &ch.lines {
        match l.action {
            ChangeAction::Change => {
                let (e, new) = (l.existing.as_ref().expect("record"), l.new.as_ref().expect("values"));
                let ph = new.phasing.map(|p| p.map(Some)).unwrap_or([None; 4]);
                let activity = plan_activity(new.activity_result_id);
                let n = diesel::update(budget_lines::table.find(e.id).filter(budget_lines::version.eq(e.version)))
                    .set((
                        budget_lines::activity_id.eq(activity),
                        budget_lines::funding_source_id.eq(new.source_id),
                        budget_lines::account_code.eq(&new.account_code),
                        budget_lines::description.eq(&new.description),
                        budget_lines::amount_minor.eq(new.amount_minor),
                        budget_lines::q1_minor.eq(ph[0]),
                        budget_lines::q2_minor.eq(ph[1]),
                        budget_lines::q3_minor.eq(ph[2]),
                        budget_lines::q4_minor.eq(ph[3]),
                        budget_lines::updated_at.eq(at),
                        budget_lines::version.eq(e.version + 1),
                    ))
                    .execute(conn)?;
                crate::store::expect_one_row(n, "the budget line")?;
                let before = line_before(e, &plan, plan_activity(e.activity_result_id));
                let after = line_json(e.id, &plan, activity, new, e.lineage_id);
                audit::record(conn, actor, pid, "budget_line", e.id, "update", Some(before), Some(after))?;
            }
            ChangeAction::Delete => {
                let e = l.existing.as_ref().expect("record");
                let before = line_before(e, &plan, plan_activity(e.activity_result_id));
                diesel::delete(budget_lines::table.find(e.id)).execute(conn)?;
                audit::record(conn, actor, pid, "budget_line", e.id, "delete", Some(before), None)?;
            }
            ChangeAction::Create => {}
        }
    }
    // New lines: multi-row INSERTs (one round trip per thousand lines, which PostgreSQL needs
    // for a 10 000-line workbook), then their ids in insertion order, for the audit trail.
    let creates: Vec<&awp::import::NewLine> =
        ch.lines.iter().filter(|l| l.action == ChangeAction::Create).filter_map(|l| l.new.as_ref()).collect();
    for chunk in creates.chunks(1_000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|new| {
                (
                    budget_lines::work_plan_id.eq(plan.id),
                    budget_lines::activity_id.eq(plan_activity(new.activity_result_id)),
                    budget_lines::funding_source_id.eq(new.source_id),
                    budget_lines::account_code.eq(new.account_code.as_str()),
                    budget_lines::description.eq(new.description.as_str()),
                    budget_lines::amount_minor.eq(new.amount_minor),
                    budget_lines::currency.eq(plan.currency.as_str()),
                    budget_lines::lineage_id.eq(0_i64),
                    budget_lines::created_at.eq(at),
                    budget_lines::updated_at.eq(at),
                )
            })
            .collect();
        each_backend!(conn, |c| diesel::insert_into(budget_lines::table).values(&rows).execute(c))?;
    }
    let new_ids: Vec<i64> = budget_lines::table
        .filter(budget_lines::work_plan_id.eq(plan.id))
        .filter(budget_lines::lineage_id.eq(0))
        .order(budget_lines::id)
        .select(budget_lines::id)
        .load(conn)?;
    if new_ids.len() != creates.len() {
        return Err(AppError::Internal(format!("{} lines inserted, {} found", creates.len(), new_ids.len())));
    }
    let entries: Vec<(i64, Option<serde_json::Value>, Option<serde_json::Value>)> = new_ids
        .iter()
        .zip(&creates)
        .map(|(id, new)| (*id, None, Some(line_json(*id, &plan, plan_activity(new.activity_result_id), new, *id))))
        .collect();
    audit_many(conn, actor, p.id, "budget_line", "create", entries)?;
    // A new line starts its own lineage.
    diesel::update(
        budget_lines::table.filter(budget_lines::work_plan_id.eq(plan.id)).filter(budget_lines::lineage_id.eq(0)),
    )
    .set(budget_lines::lineage_id.eq(budget_lines::id))
    .execute(conn)?;
    for a in ch.activities.iter().filter(|a| a.action == ChangeAction::Delete) {
        let e = a.existing.as_ref().expect("record");
        let before = activity_json(e.id, plan.id, e.result_id, &e.marks, &e.responsible_party);
        diesel::delete(work_plan_activities::table.find(e.id)).execute(conn)?;
        audit::record(conn, actor, pid, "work_plan_activity", e.id, "delete", Some(before), None)?;
    }
    // Targets through their use cases (they check the period and the measure again).
    for t in &ch.targets {
        let ind = &d.indicators[t.indicator];
        let input = |version: Option<i32>| indicators::TargetInput {
            period: t.period.clone(),
            value: t.value,
            description: t.description.clone(),
            version,
        };
        match (t.action, &t.existing) {
            (ChangeAction::Create, _) => {
                indicators::create_target(conn, actor, ind.id, &input(None))?;
            }
            (ChangeAction::Change, Some(e)) => {
                indicators::update_target(conn, actor, e.id, &input(Some(e.version)))?;
            }
            (ChangeAction::Delete, Some(e)) => indicators::delete_target(conn, actor, e.id)?,
            _ => {}
        }
    }
    totals::still_within(conn, p.id, totals::Kind::BudgetLines)?;
    // The plan's own version moves, so a client holding the plan sees that it changed.
    if !ch.activities.is_empty() || !ch.lines.is_empty() {
        diesel::update(work_plans::table.find(plan.id))
            .set((work_plans::updated_at.eq(at), work_plans::version.eq(work_plans::version + 1)))
            .execute(conn)?;
    }
    Ok(plan.id)
}

/// Audit entries of one kind of change, written a thousand to a statement (as
/// [`audit::record`] writes them one by one).
fn audit_many(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: i64,
    entity: &str,
    action: &str,
    entries: Vec<(i64, Option<serde_json::Value>, Option<serde_json::Value>)>,
) -> Result<(), AppError> {
    use crate::schema::audit_log;
    let at = now();
    for chunk in entries.chunks(1_000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(id, before, after)| {
                (
                    audit_log::at.eq(at),
                    audit_log::user_id.eq(actor.user_id),
                    audit_log::project_id.eq(Some(project_id)),
                    audit_log::entity.eq(entity),
                    audit_log::entity_id.eq(*id),
                    audit_log::action.eq(action),
                    audit_log::before_json.eq(before.as_ref().map(|v| v.to_string())),
                    audit_log::after_json.eq(after.as_ref().map(|v| v.to_string())),
                    audit_log::reason.eq(actor.reason.as_deref()),
                )
            })
            .collect();
        each_backend!(conn, |c| diesel::insert_into(audit_log::table).values(&rows).execute(c))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The command line (`rbm export workplan`, `rbm import workplan`)

/// Who the command line acts as: the system, with every right (as `rbm report` and `rbm seed`).
fn system() -> Principal {
    Principal {
        user_id: 0,
        email: "rbm (command line)".into(),
        is_admin: true,
        token_id: 0,
        roles: HashMap::new(),
        reason: None,
    }
}

/// `rbm export workplan --project KAZ-HUB --year 2013 -o awp.xlsx`
#[derive(Debug, Clone, clap::Args)]
pub struct ExportWorkplanArgs {
    /// Project code or id, e.g. KAZ-HUB
    #[arg(long)]
    pub project: String,
    #[arg(long)]
    pub year: i32,
    /// A revision of the year's plan (default: the latest)
    #[arg(long)]
    pub revision: Option<i32>,
    /// Output file (default: PROJECT-awp-YEAR.xlsx)
    #[arg(short = 'o', long)]
    pub output: Option<std::path::PathBuf>,
}

/// `rbm import workplan FILE --project KAZ-HUB --year 2013 [--apply]`
#[derive(Debug, Clone, clap::Args)]
pub struct ImportWorkplanArgs {
    /// The workbook (.xlsx)
    pub file: std::path::PathBuf,
    #[arg(long)]
    pub project: String,
    #[arg(long)]
    pub year: i32,
    /// Make the changes (default: a dry run that only lists them)
    #[arg(long)]
    pub apply: bool,
    /// Print the answer as JSON (as the API gives it)
    #[arg(long)]
    pub json: bool,
}

pub fn cli_export(db: &Db, args: &ExportWorkplanArgs) -> Result<String, AppError> {
    let who = system();
    let file = db.tx_blocking(|c| export(c, &who, &args.project, args.year, args.revision))?;
    let path = args.output.clone().unwrap_or_else(|| file.file_name.clone().into());
    std::fs::write(&path, &file.bytes)
        .map_err(|e| AppError::Config(format!("cannot write {}: {e}", path.display())))?;
    Ok(format!("work plan {} {} written to {} ({} bytes)", args.project, args.year, path.display(), file.bytes.len()))
}

/// Runs the import and returns the text to print, and whether it is a success.
pub fn cli_import(db: &Db, args: &ImportWorkplanArgs) -> Result<String, AppError> {
    let bytes =
        std::fs::read(&args.file).map_err(|e| AppError::Config(format!("cannot read {}: {e}", args.file.display())))?;
    let who = system();
    let r = db.tx_blocking(|c| import(c, &who, &Actor::system(), &args.project, args.year, &bytes, args.apply))?;
    if args.json {
        return Ok(serde_json::to_string_pretty(&r).expect("plain data"));
    }
    Ok(text_report(&r))
}

/// The answer for a person at a terminal.
pub fn text_report(r: &ImportReport) -> String {
    let exp = u32::from(minor_unit_exponent(&r.totals.currency).unwrap_or(2));
    let mut out = vec![];
    let plan = match (r.revision, &r.plan_status) {
        (Some(rev), Some(s)) => format!("revision {rev} ({s})"),
        _ => "none yet: a draft is created".into(),
    };
    out.push(format!("{} {} work plan: {plan}; sheets read: {}", r.project, r.year, r.sheets.join(", ")));
    out.push(format!(
        "workbook: {} lines, {} {} ({} subtotals checked)",
        r.totals.lines,
        awp::amount_text(r.totals.amount_minor, exp),
        r.totals.currency,
        r.totals.subtotals_checked
    ));
    let s = &r.summary;
    out.push(format!(
        "{}: activities {}/{}/{}, lines {}/{}/{}, targets {}/{}/{} (created/changed/deleted)",
        if r.applied { "applied" } else { "dry run, would change" },
        s.activities.created,
        s.activities.changed,
        s.activities.deleted,
        s.lines.created,
        s.lines.changed,
        s.lines.deleted,
        s.targets.created,
        s.targets.changed,
        s.targets.deleted
    ));
    for c in &r.changes {
        let action = match c.action {
            ChangeAction::Create => "create",
            ChangeAction::Change => "change",
            ChangeAction::Delete => "delete",
        };
        out.push(format!("  {action} {}: {}", c.place.as_deref().unwrap_or("-"), c.detail));
    }
    if !r.problems.is_empty() {
        out.push(format!("{} problem(s); nothing can be imported until all are fixed:", r.problems.len()));
        out.extend(r.problems.iter().map(|p| format!("  {p}")));
    }
    out.extend(r.notes.iter().map(|n| format!("note: {n}")));
    out.join("\n")
}
