//! Progress: the computed progress of a project, actuals (entered, read, changed, deleted),
//! quarterly entry and its approval. The use cases behind `/projects/{p}/progress`, the
//! `/actuals` endpoints, the quarter's submission and decision, the entry page and the
//! approval queue. Coordinators enter and submit (`EditResults`), managers approve or return
//! (`Manage`); only they see progress before it is approved (`PreviewUnapproved`).

use super::{dashboard, project_for, sees_unapproved};
use crate::auth::Principal;
use crate::db::{Db, DbConnection};
use crate::domain::FieldError;
use crate::domain::access::Action;
use crate::domain::period::Quarter;
use crate::domain::progress::{ActualStatus, Decision, Thresholds, Transition};
use crate::error::AppError;
use crate::store::indicators::{self, Indicator, Target};
use crate::store::progress::{
    self, Actual, ActualFilter, ActualInput, ProgressQuery, ProjectProgress, QuarterSubmission, TransitionInput,
};
use crate::store::projects::Project;
use crate::store::results;
use std::collections::HashMap;

/// A project's progress per indicator over a window (`query`): approved actuals, or with the
/// unapproved ones too for those who may preview them (403 for the others).
pub async fn project_progress(
    db: &Db,
    who: &Principal,
    key: &str,
    query: ProgressQuery,
    thresholds: Thresholds,
) -> Result<ProjectProgress, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.read(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        let window = query.window_in(&p)?;
        if query.include_unapproved {
            who.require(p.id, Action::PreviewUnapproved)?;
        }
        progress::project_progress(c, &p, window, query.include_unapproved, thresholds)
    })
    .await
}

/// A project's actuals: all of them for those who preview unapproved progress; approved ones
/// only for everyone else (asking them for drafts finds none).
pub async fn actuals(db: &Db, who: &Principal, key: &str, filter: ActualFilter) -> Result<Vec<Actual>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.read(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        if sees_unapproved(&who, p.id) {
            return progress::list(c, p.id, &filter);
        }
        if filter.status.is_some_and(|s| s != ActualStatus::Approved) {
            return Ok(vec![]);
        }
        progress::list(c, p.id, &ActualFilter { status: Some(ActualStatus::Approved), ..filter.clone() })
    })
    .await
}

/// Enters an indicator's actual for a quarter, as a draft. Coordinators.
pub async fn create_actual(
    db: &Db,
    who: &Principal,
    indicator_id: i64,
    input: ActualInput,
) -> Result<Actual, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        who.require(indicators::get(c, indicator_id)?.project_id, Action::EditResults)?;
        progress::create(c, &actor, indicator_id, &input)
    })
    .await
}

/// One actual; one not approved yet is not found for those who see approved progress only.
pub async fn actual(db: &Db, who: &Principal, id: i64) -> Result<Actual, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let a = progress::get(c, id)?;
        who.require(a.project_id, Action::Read)?;
        if a.status != ActualStatus::Approved && !sees_unapproved(&who, a.project_id) {
            return Err(AppError::NotFound("the actual".into()));
        }
        Ok(a)
    })
    .await
}

/// Changes a draft or returned actual (`input.version`: the one read). Coordinators.
pub async fn update_actual(db: &Db, who: &Principal, id: i64, input: ActualInput) -> Result<Actual, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        who.require(progress::get(c, id)?.project_id, Action::EditResults)?;
        progress::update(c, &actor, id, &input)
    })
    .await
}

/// Deletes a draft or returned actual. Coordinators.
pub async fn delete_actual(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        who.require(progress::get(c, id)?.project_id, Action::EditResults)?;
        progress::delete(c, &actor, id)
    })
    .await
}

/// Submits a quarter's draft and returned actuals to the managers; says what is missing.
/// Coordinators.
pub async fn submit_quarter(db: &Db, who: &Principal, key: &str, period: &str) -> Result<QuarterSubmission, AppError> {
    let (who, key, period, actor) = (who.clone(), key.to_string(), period.to_string(), who.actor());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::EditResults)?;
        progress::submit_quarter(c, &actor, &p, &period)
    })
    .await
}

/// The targets an entry is read against.
#[derive(Debug, Clone, Default)]
pub struct TargetsFor {
    pub quarter: Option<Target>,
    pub year: Option<Target>,
    pub lop: Option<Target>,
}

/// One indicator on the entry page.
#[derive(Debug, Clone)]
pub struct SheetLine {
    pub indicator: Indicator,
    pub result_code: String,
    pub result_title: String,
    pub targets: TargetsFor,
    /// The latest actual before the quarter (any status).
    pub last: Option<Actual>,
    /// This quarter's actual, when entered.
    pub actual: Option<Actual>,
}

#[derive(Debug, Clone)]
pub struct QuarterSheet {
    pub project: Project,
    pub quarter: Quarter,
    pub quarters: Vec<Quarter>,
    pub lines: Vec<SheetLine>,
    /// May the caller enter and submit (coordinators), or only read (managers)?
    pub may_edit: bool,
}

fn targets_for(ind: &Indicator, q: Quarter) -> TargetsFor {
    let find = |p: &str| ind.targets.iter().find(|t| t.period == p).cloned();
    TargetsFor { quarter: find(&q.to_string()), year: find(&q.year.to_string()), lop: find("LOP") }
}

fn load_sheet(
    conn: &mut DbConnection,
    who: &Principal,
    project: Project,
    q: Quarter,
) -> Result<QuarterSheet, AppError> {
    let inds = indicators::list(conn, project.id)?;
    let res: HashMap<i64, (String, String)> =
        results::list(conn, project.id)?.into_iter().map(|r| (r.id, (r.code, r.title))).collect();
    let all = progress::list(conn, project.id, &ActualFilter::default())?;
    let qs = q.to_string();
    let mut lines: Vec<SheetLine> = inds
        .into_iter()
        .map(|ind| {
            let mine: Vec<&Actual> = all.iter().filter(|a| a.indicator_id == ind.id).collect();
            let actual = mine.iter().find(|a| a.period == qs).map(|a| (*a).clone());
            // Periods are canonical `YYYY-Qn`, so text order is time order.
            let last =
                mine.iter().filter(|a| a.period < qs).max_by(|a, b| a.period.cmp(&b.period)).map(|a| (*a).clone());
            let (result_code, result_title) = res.get(&ind.result_id).cloned().unwrap_or_default();
            SheetLine { targets: targets_for(&ind, q), indicator: ind, result_code, result_title, last, actual }
        })
        .collect();
    lines.sort_by(|a, b| {
        crate::domain::results::compare_codes(&a.result_code, &b.result_code)
            .then_with(|| crate::domain::results::compare_codes(&a.indicator.code, &b.indicator.code))
    });
    let may_edit = who.may(project.id, Action::EditResults);
    Ok(QuarterSheet { quarters: dashboard::quarters(&project), project, quarter: q, lines, may_edit })
}

fn sheet_project(
    conn: &mut DbConnection,
    who: &Principal,
    key: &str,
    quarter: &str,
) -> Result<(Project, Quarter), AppError> {
    let project = project_for(conn, who, key, Action::Read)?;
    if !sees_unapproved(who, project.id) {
        return Err(AppError::Forbidden("only coordinators and managers see progress before it is approved".into()));
    }
    let q = project.quarter(quarter).map_err(|e| AppError::Validation(vec![e]))?;
    Ok((project, q))
}

/// Every indicator of the project with its targets, last value and this quarter's actual.
pub async fn quarter_sheet(db: &Db, who: &Principal, key: &str, quarter: &str) -> Result<QuarterSheet, AppError> {
    let (who, key, quarter) = (who.clone(), key.to_string(), quarter.to_string());
    db.tx(move |c| {
        let (project, q) = sheet_project(c, &who, &key, &quarter)?;
        load_sheet(c, &who, project, q)
    })
    .await
}

/// What the entry page sends for one indicator: its actual (`period` is the page's quarter)
/// and, when it updates one, the actual's id (its `version` is in `input`).
#[derive(Debug, Clone)]
pub struct EntryInput {
    pub indicator_id: i64,
    pub actual_id: Option<i64>,
    pub input: ActualInput,
}

/// What saving a quarter did.
#[derive(Debug, Clone)]
pub struct Saved {
    pub saved: usize,
    /// When the quarter was submitted too.
    pub submission: Option<QuarterSubmission>,
}

/// Prefixes an error of one indicator's entry with `indicators.{id}` so the page can show it
/// next to the field; errors without a field are kept as the entry's own.
fn entry_errors(indicator_id: i64, e: AppError) -> Vec<FieldError> {
    let at = |f: &str| {
        if f.is_empty() { format!("indicators.{indicator_id}") } else { format!("indicators.{indicator_id}.{f}") }
    };
    match e {
        AppError::Validation(errs) => errs.into_iter().map(|fe| FieldError::new(at(&fe.field), fe.message)).collect(),
        AppError::Conflict { message, field } => vec![FieldError::new(at(field.as_deref().unwrap_or("")), message)],
        AppError::PreconditionFailed(m) => vec![FieldError::new(
            at(""),
            format!("{m}: someone changed this actual while you were typing; reload the page to see their version"),
        )],
        other => vec![FieldError::new(at(""), other.to_string())],
    }
}

/// Saves every entry of a quarter as draft (creating or updating each actual) and, when
/// `submit`, submits the quarter; all in one transaction: one failing entry saves nothing,
/// and every entry's errors come back together, named `indicators.{id}.{field}`.
pub async fn save_quarter(
    db: &Db,
    who: &Principal,
    key: &str,
    quarter: &str,
    entries: Vec<EntryInput>,
    submit: bool,
) -> Result<Saved, AppError> {
    let (who, key, quarter) = (who.clone(), key.to_string(), quarter.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::EditResults)?;
        let q = project.quarter(&quarter).map_err(|e| AppError::Validation(vec![e]))?;
        let mut errors = vec![];
        let saved = save_entries(c, &who.actor(), &project, q, &entries, &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let submission =
            if submit { Some(progress::submit_quarter(c, &who.actor(), &project, &q.to_string())?) } else { None };
        Ok(Saved { saved, submission })
    })
    .await
}

/// Saves a quarter's entries inside the caller's transaction (the caller checked the right to
/// enter progress on `project`). A broken rule is added to `errors` (named
/// `indicators.{id}.{field}`) and the others go on, so every error comes back at once; the
/// caller then fails the transaction. Returns how many were saved.
pub(crate) fn save_entries(
    c: &mut DbConnection,
    actor: &crate::store::audit::Actor,
    project: &Project,
    q: Quarter,
    entries: &[EntryInput],
    errors: &mut Vec<FieldError>,
) -> Result<usize, AppError> {
    let mut saved = 0;
    for e in entries {
        let ind = indicators::get(c, e.indicator_id)?;
        if ind.project_id != project.id {
            return Err(AppError::NotFound(format!("indicator {}", e.indicator_id)));
        }
        let mut input = e.input.clone();
        input.period = q.to_string();
        let done = match e.actual_id {
            Some(id) => {
                let current = progress::get(c, id)?;
                if current.indicator_id != ind.id {
                    return Err(AppError::NotFound(format!("actual {id}")));
                }
                progress::update(c, actor, id, &input)
            }
            None => progress::create(c, actor, ind.id, &input),
        };
        match done {
            Ok(_) => saved += 1,
            Err(err @ (AppError::Db(_) | AppError::Internal(_) | AppError::Unavailable(_))) => return Err(err),
            Err(err) => errors.extend(entry_errors(ind.id, err)),
        }
    }
    Ok(saved)
}

/// One submitted actual in the approval queue, with what a manager compares it with.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub actual: Actual,
    pub indicator: Indicator,
    pub targets: TargetsFor,
    /// The indicator's actual of the quarter before, when there is one.
    pub previous: Option<Actual>,
}

#[derive(Debug, Clone)]
pub struct ApprovalQueue {
    pub project: Project,
    pub items: Vec<QueueItem>,
    pub may_decide: bool,
}

/// The submitted actuals of a project, oldest quarter first.
pub async fn approval_queue(db: &Db, who: &Principal, key: &str) -> Result<ApprovalQueue, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        if !sees_unapproved(&who, project.id) {
            return Err(AppError::Forbidden(
                "only coordinators and managers see progress before it is approved".into(),
            ));
        }
        let inds: HashMap<i64, Indicator> = indicators::list(c, project.id)?.into_iter().map(|i| (i.id, i)).collect();
        let all = progress::list(c, project.id, &ActualFilter::default())?;
        let mut items = vec![];
        for a in all.iter().filter(|a| a.status == ActualStatus::Submitted) {
            let Some(ind) = inds.get(&a.indicator_id) else { continue };
            let Ok(q) = a.period.parse::<Quarter>() else { continue };
            let prev = q.prev().to_string();
            let previous = all.iter().find(|p| p.indicator_id == a.indicator_id && p.period == prev).cloned();
            items.push(QueueItem { actual: a.clone(), indicator: ind.clone(), targets: targets_for(ind, q), previous });
        }
        items.sort_by(|a, b| {
            a.actual
                .period
                .cmp(&b.actual.period)
                .then_with(|| crate::domain::results::compare_codes(&a.indicator.code, &b.indicator.code))
        });
        let may_decide = who.may(project.id, Action::Manage);
        Ok(ApprovalQueue { project, items, may_decide })
    })
    .await
}

/// Approves or returns the chosen actuals (`(id, version read)`) of any quarters, all or
/// none: the web approval queue. Returning needs a reason, which the audit trail keeps with
/// each entry.
pub async fn decide(
    db: &Db,
    who: &Principal,
    key: &str,
    chosen: Vec<(i64, i32)>,
    t: Transition,
    reason: Option<String>,
) -> Result<usize, AppError> {
    let decision = match t {
        Transition::Approve => Decision::Approve,
        Transition::Return => Decision::Return,
        _ => return Err(AppError::BadRequest("approve or return".into())),
    };
    if chosen.is_empty() {
        return Err(AppError::field("selected", "choose at least one actual"));
    }
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Manage)?;
        Ok(apply_decision(c, &who, &project, None, &chosen, decision, reason.as_deref())?.len())
    })
    .await
}

/// One decision on chosen actuals of the project (of `quarter` only, when given), inside the
/// caller's transaction; the actuals as they are after it.
fn apply_decision(
    c: &mut DbConnection,
    who: &Principal,
    project: &Project,
    quarter: Option<&str>,
    chosen: &[(i64, i32)],
    decision: Decision,
    reason: Option<&str>,
) -> Result<Vec<Actual>, AppError> {
    let actor = who.actor();
    let mut out = vec![];
    for (i, &(id, version)) in chosen.iter().enumerate() {
        let a = progress::get(c, id)?;
        if a.project_id != project.id {
            return Err(AppError::NotFound(format!("actual {id}")));
        }
        if let Some(q) = quarter.filter(|q| *q != a.period) {
            return Err(AppError::field(
                format!("actuals[{i}].id"),
                format!("actual {id} is of {}, not {q}", a.period),
            ));
        }
        let step = TransitionInput { version: Some(version), reason: reason.map(str::to_string) };
        progress::apply(c, &actor, id, decision.transition(), &step)?;
        out.push(progress::get(c, id)?);
    }
    Ok(out)
}

/// The actuals a decision is about: `(id, version read)`.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Chosen {
    pub id: i64,
    pub version: i32,
}

/// A manager's decision on a quarter (`POST /projects/{p}/periods/{q}/decide`).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuarterDecision {
    pub decision: Decision,
    /// The submitted actuals decided, with the versions read; without it, every submitted
    /// actual of the quarter.
    #[serde(default)]
    pub actuals: Option<Vec<Chosen>>,
    /// Required to return; kept in the audit trail with each actual.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Approves or returns, in one transaction (all or none), the chosen submitted actuals of a
/// quarter, or every submitted actual of it: the approval queue's use case, for the API and
/// the pages alike. Returns the actuals as they are after the decision.
pub async fn decide_quarter(
    db: &Db,
    who: &Principal,
    key: &str,
    period: &str,
    input: QuarterDecision,
) -> Result<Vec<Actual>, AppError> {
    let (who, key, period) = (who.clone(), key.to_string(), period.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Manage)?;
        let quarter = project.quarter(&period).map_err(|e| AppError::Validation(vec![e]))?.to_string();
        let chosen: Vec<(i64, i32)> = match &input.actuals {
            Some(list) => list.iter().map(|a| (a.id, a.version)).collect(),
            None => {
                let filter = ActualFilter {
                    period: Some(quarter.clone()),
                    status: Some(ActualStatus::Submitted),
                    ..ActualFilter::default()
                };
                progress::list(c, project.id, &filter)?.into_iter().map(|a| (a.id, a.version)).collect()
            }
        };
        if chosen.is_empty() {
            return Err(AppError::field("actuals", format!("no submitted actuals in {quarter} to decide on")));
        }
        apply_decision(c, &who, &project, Some(&quarter), &chosen, input.decision, input.reason.as_deref())
    })
    .await
}
