//! The projects a user works on and a project's dashboard: the same progress and finance
//! figures as `GET /projects/{p}/progress?from=&to=` and `GET /projects/{p}/finance/summary`.

use super::{project_for, sees_unapproved};
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::{Action, Role};
use crate::domain::period::Quarter;
use crate::domain::progress::{ActualStatus, Thresholds, Window};
use crate::error::AppError;
use crate::store::finance::{self, FinanceSummary, SummaryQuery};
use crate::store::indicators;
use crate::store::progress::{self, ActualFilter, ProjectProgress};
use crate::store::projects::{self, Project};

/// A project on the caller's list, with the caller's role on it (`None`: an administrator).
#[derive(Debug, Clone)]
pub struct ProjectCard {
    pub project: Project,
    pub role: Option<Role>,
}

/// The projects the caller has a role on (every project for an administrator), by code.
pub async fn my_projects(db: &Db, who: &Principal) -> Result<Vec<ProjectCard>, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let visible = who.visible_projects();
        let mut out: Vec<ProjectCard> = projects::list(c)?
            .into_iter()
            .filter(|p| visible.as_ref().is_none_or(|ids| ids.contains(&p.id)))
            .map(|p| ProjectCard { role: who.roles.get(&p.id).copied(), project: p })
            .collect();
        out.sort_by(|a, b| a.project.code.cmp(&b.project.code));
        Ok(out)
    })
    .await
}

/// The quarter a project is in today (its first or last quarter outside its dates).
pub fn current_quarter(project: &Project) -> Quarter {
    let today = Quarter::of(chrono::Utc::now().date_naive());
    today.clamp(Quarter::of(project.start_date), Quarter::of(project.end_date))
}

/// The quarter asked for (`None`: the current one) and the year to it, from Q1 or the
/// project's start: the span the dashboard and the donor portal show progress for.
pub fn year_to_quarter(project: &Project, quarter: Option<&str>) -> Result<(Quarter, Window), AppError> {
    let q = match quarter {
        Some(s) => project.quarter(s).map_err(|e| AppError::Validation(vec![e]))?,
        None => current_quarter(project),
    };
    Ok((q, Window { from: Quarter { year: q.year, q: 1 }.max(Quarter::of(project.start_date)), to: q }))
}

/// Every quarter of the project, first to last.
pub fn quarters(project: &Project) -> Vec<Quarter> {
    Quarter::of(project.start_date).through(Quarter::of(project.end_date)).collect()
}

/// One actual waiting for someone.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub actual_id: i64,
    pub indicator_code: String,
    pub period: String,
    pub status: ActualStatus,
    pub reason: Option<String>,
}

/// An indicator without an actual for a quarter it has a target in.
#[derive(Debug, Clone)]
pub struct Missing {
    pub indicator_code: String,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub project: Project,
    pub role: Option<Role>,
    /// The quarter the dashboard is about; progress is year to date up to it.
    pub quarter: Quarter,
    pub quarters: Vec<Quarter>,
    /// Approved data only, from Q1 of the quarter's year to the quarter.
    pub progress: ProjectProgress,
    /// Budget and expenditure of the quarter's year (expenditure to date).
    pub finance: FinanceSummary,
    /// Draft and returned actuals (for whoever may submit them).
    pub to_submit: Vec<Waiting>,
    /// Submitted actuals (for whoever may approve them).
    pub to_approve: Vec<Waiting>,
    /// Indicators with a target for the quarter or its year but no actual for the quarter.
    pub missing: Vec<Missing>,
    pub may_enter: bool,
    pub may_approve: bool,
}

/// A project's dashboard for a quarter (`None`: the current quarter).
pub async fn dashboard(
    db: &Db,
    who: &Principal,
    key: &str,
    quarter: Option<&str>,
    thresholds: Thresholds,
) -> Result<Dashboard, AppError> {
    let (who, key, quarter) = (who.clone(), key.to_string(), quarter.map(str::to_string));
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        let (q, window) = year_to_quarter(&project, quarter.as_deref())?;
        let progress = progress::project_progress(c, &project, window, false, thresholds)?;
        let finance = finance::summary(c, &project, &SummaryQuery { period: Some(q.year.to_string()) })?;
        let may_enter = who.may(project.id, Action::EditResults);
        let may_approve = who.may(project.id, Action::Manage);
        let (mut to_submit, mut to_approve, mut missing) = (vec![], vec![], vec![]);
        if sees_unapproved(&who, project.id) {
            let inds = indicators::list(c, project.id)?;
            let code = |id: i64| inds.iter().find(|i| i.id == id).map(|i| i.code.clone()).unwrap_or_default();
            for a in progress::list(c, project.id, &ActualFilter::default())? {
                let status = a.status;
                let w = Waiting {
                    actual_id: a.id,
                    indicator_code: code(a.indicator_id),
                    period: a.period.clone(),
                    status,
                    reason: a.status_reason.clone(),
                };
                match status {
                    ActualStatus::Draft | ActualStatus::Returned if may_enter => to_submit.push(w),
                    ActualStatus::Submitted if may_approve => to_approve.push(w),
                    _ => {}
                }
            }
            if may_enter {
                let these =
                    progress::list(c, project.id, &ActualFilter { period: Some(q.to_string()), ..Default::default() })?;
                let (qs, ys) = (q.to_string(), q.year.to_string());
                missing = inds
                    .iter()
                    .filter(|i| !these.iter().any(|a| a.indicator_id == i.id))
                    .filter(|i| i.targets.iter().any(|t| t.period == qs || t.period == ys))
                    .map(|i| Missing { indicator_code: i.code.clone(), title: i.title.clone() })
                    .collect();
            }
        }
        Ok(Dashboard {
            role: who.roles.get(&project.id).copied(),
            quarters: quarters(&project),
            project,
            quarter: q,
            progress,
            finance,
            to_submit,
            to_approve,
            missing,
            may_enter,
            may_approve,
        })
    })
    .await
}

/// A project the caller may read, and the quarter it is in today.
pub async fn project(db: &Db, who: &Principal, key: &str) -> Result<(Project, Quarter), AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        let q = current_quarter(&p);
        Ok((p, q))
    })
    .await
}
