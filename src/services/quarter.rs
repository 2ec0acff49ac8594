//! A quarter's whole report on the entry page: the indicators' actuals and, on the same page,
//! the activities' progress, the narrative and the quarter's risk updates. Saved together in
//! one transaction (one broken rule saves nothing, and every error comes back at once), with
//! the store functions, rules and audit entries of `PUT /results/{id}/progress/{period}`,
//! `PUT /projects/{p}/narratives/{period}` and `PUT /risks/{id}/updates/{period}`.

use super::progress::{EntryInput, Saved, save_entries};
use super::project_for;
use crate::auth::Principal;
use crate::db::{Db, DbConnection};
use crate::domain::FieldError;
use crate::domain::access::Action;
use crate::domain::monitoring::RiskStatus;
use crate::domain::period::Quarter;
use crate::domain::results::ResultLevel;
use crate::error::AppError;
use crate::store::monitoring::{
    self, ActivityProgress, ActivityProgressInput, Narrative, NarrativeInput, Risk, RiskUpdateInput,
};
use crate::store::progress;
use crate::store::results::{self, ResultNode};
use std::collections::HashMap;

/// One activity of the results framework with its progress.
#[derive(Debug, Clone)]
pub struct ActivityLine {
    pub activity: ResultNode,
    /// This quarter's progress, when reported.
    pub current: Option<ActivityProgress>,
    /// The latest progress before the quarter.
    pub last: Option<ActivityProgress>,
}

/// What the entry page shows besides the indicators.
#[derive(Debug, Clone)]
pub struct QuarterTexts {
    pub quarter: Quarter,
    pub activities: Vec<ActivityLine>,
    pub narrative: Option<Narrative>,
    /// The risks to review: every risk not closed, and any with an update for the quarter.
    pub risks: Vec<Risk>,
}

/// The activities, the narrative and the risks of a project for a quarter.
pub async fn quarter_texts(db: &Db, who: &Principal, key: &str, quarter: &str) -> Result<QuarterTexts, AppError> {
    let (who, key, quarter) = (who.clone(), key.to_string(), quarter.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        let q = monitoring::project_quarter(&project, &quarter)?;
        let qs = q.to_string();
        let mut progress_of: HashMap<i64, Vec<ActivityProgress>> = HashMap::new();
        for line in monitoring::list_activity_progress(c, project.id, None)? {
            progress_of.entry(line.progress.result_id).or_default().push(line.progress);
        }
        let activities = results::list(c, project.id)?
            .into_iter()
            .filter(|r| r.level == ResultLevel::Activity)
            .map(|activity| {
                let all = progress_of.remove(&activity.id).unwrap_or_default();
                let current = all.iter().find(|p| p.period == qs).cloned();
                // Periods are canonical `YYYY-Qn`: text order is time order.
                let last = all.into_iter().filter(|p| p.period < qs).max_by(|a, b| a.period.cmp(&b.period));
                ActivityLine { activity, current, last }
            })
            .collect();
        let narrative = monitoring::get_narrative(c, project.id, q)?;
        let risks = monitoring::list_risks(c, project.id)?
            .into_iter()
            .filter(|r| r.status != RiskStatus::Closed || r.updates.iter().any(|u| u.period == qs))
            .collect();
        Ok(QuarterTexts { quarter: q, activities, narrative, risks })
    })
    .await
}

/// An activity's progress for the quarter (`version`: the one read, when it had progress).
#[derive(Debug, Clone)]
pub struct ActivityEntry {
    pub result_id: i64,
    pub input: ActivityProgressInput,
}

/// The review of a risk for the quarter (`input.period` is the page's quarter).
#[derive(Debug, Clone)]
pub struct RiskEntry {
    pub risk_id: i64,
    pub input: RiskUpdateInput,
}

/// What the entry page sends: only what was entered or changed.
#[derive(Debug, Clone, Default)]
pub struct QuarterReport {
    pub entries: Vec<EntryInput>,
    pub activities: Vec<ActivityEntry>,
    pub narrative: Option<NarrativeInput>,
    pub risk_updates: Vec<RiskEntry>,
}

/// A broken rule of one part, named `{prefix}.{field}` for the page; a failure of the
/// service itself goes on as it is.
fn prefixed(prefix: &str, e: AppError, errors: &mut Vec<FieldError>) -> Result<(), AppError> {
    let at = |f: &str| if f.is_empty() { prefix.to_string() } else { format!("{prefix}.{f}") };
    match e {
        AppError::Validation(errs) => {
            errors.extend(errs.into_iter().map(|fe| FieldError::new(at(&fe.field), fe.message)))
        }
        AppError::Conflict { message, field } => {
            errors.push(FieldError::new(at(field.as_deref().unwrap_or("")), message))
        }
        AppError::PreconditionFailed(m) => errors.push(FieldError::new(
            at(""),
            format!("{m}: someone changed this while you were typing; reload the page to see their version"),
        )),
        other => return Err(other),
    }
    Ok(())
}

fn save_texts(
    c: &mut DbConnection,
    who: &Principal,
    project: &crate::store::projects::Project,
    q: Quarter,
    report: &QuarterReport,
    errors: &mut Vec<FieldError>,
) -> Result<usize, AppError> {
    let actor = who.actor();
    let mut saved = 0;
    for a in &report.activities {
        if results::get(c, a.result_id)?.project_id != project.id {
            return Err(AppError::NotFound(format!("result {}", a.result_id)));
        }
        match monitoring::put_activity_progress(c, &actor, a.result_id, &q.to_string(), &a.input) {
            Ok(_) => saved += 1,
            Err(e) => prefixed(&format!("activities.{}", a.result_id), e, errors)?,
        }
    }
    if let Some(n) = &report.narrative {
        match monitoring::put_narrative(c, &actor, project, &q.to_string(), n) {
            Ok(_) => saved += 1,
            Err(e) => prefixed("narrative", e, errors)?,
        }
    }
    for r in &report.risk_updates {
        if monitoring::get_risk(c, r.risk_id)?.project_id != project.id {
            return Err(AppError::NotFound(format!("risk {}", r.risk_id)));
        }
        let mut input = r.input.clone();
        input.period = q.to_string();
        match monitoring::put_risk_update(c, &actor, r.risk_id, &input) {
            Ok(_) => saved += 1,
            Err(e) => prefixed(&format!("risks.{}", r.risk_id), e, errors)?,
        }
    }
    Ok(saved)
}

/// Saves a quarter's report (actuals as drafts, activity progress, narrative, risk updates)
/// and, when `submit`, submits the quarter's actuals; all or nothing. Errors are named
/// `indicators.{id}.{field}`, `activities.{result id}.{field}`, `narrative.{field}` and
/// `risks.{risk id}.{field}`.
pub async fn save(
    db: &Db,
    who: &Principal,
    key: &str,
    quarter: &str,
    report: QuarterReport,
    submit: bool,
) -> Result<Saved, AppError> {
    let (who, key, quarter) = (who.clone(), key.to_string(), quarter.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::EditResults)?;
        let q = project.quarter(&quarter).map_err(|e| AppError::Validation(vec![e]))?;
        let mut errors = vec![];
        let mut saved = save_entries(c, &who.actor(), &project, q, &report.entries, &mut errors)?;
        saved += save_texts(c, &who, &project, q, &report, &mut errors)?;
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let submission =
            if submit { Some(progress::submit_quarter(c, &who.actor(), &project, &q.to_string())?) } else { None };
        Ok(Saved { saved, submission })
    })
    .await
}

/// Writes a risk's review for a quarter, adding it or replacing the saved one (`PUT
/// /risks/{id}/updates/{period}`; the entry page saves its risk reviews the same way).
/// Returns the risk and whether the review is new.
pub async fn put_risk_update(
    db: &Db,
    who: &Principal,
    risk_id: i64,
    period: &str,
    mut input: RiskUpdateInput,
) -> Result<(Risk, bool), AppError> {
    let (who, actor) = (who.clone(), who.actor());
    input.period = period.to_string();
    db.tx(move |c| {
        who.require(monitoring::get_risk(c, risk_id)?.project_id, Action::EditResults)?;
        monitoring::put_risk_update(c, &actor, risk_id, &input)
    })
    .await
}
