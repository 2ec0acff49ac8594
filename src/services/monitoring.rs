//! What a project reports besides its indicators: activities' progress, the quarter's
//! narrative, the risk log with its quarterly reviews. Everyone on the project reads them;
//! coordinators keep them (`EditResults`). The use cases behind `/results/{id}/progress/{period}`,
//! `/projects/{p}/activity-progress`, `/projects/{p}/narratives[/{period}]`,
//! `/projects/{p}/risks` and `/risks/{id}[/updates]`. (The entry page saves them all at once:
//! [`super::quarter`].)

use super::project_for;
use crate::auth::Principal;
use crate::db::{Db, DbConnection};
use crate::domain::access::Action;
use crate::error::AppError;
use crate::store::monitoring::{
    self, ActivityProgress, ActivityProgressInput, ActivityProgressLine, Narrative, NarrativeInput, Risk, RiskInput,
    RiskUpdateInput,
};
use crate::store::results;

/// A risk, when the caller may do `action` on its project.
fn risk_for(c: &mut DbConnection, who: &Principal, id: i64, action: Action) -> Result<Risk, AppError> {
    let r = monitoring::get_risk(c, id)?;
    who.require(r.project_id, action)?;
    Ok(r)
}

/// Records (or corrects) an activity's progress for a quarter.
pub async fn put_activity_progress(
    db: &Db,
    who: &Principal,
    activity_id: i64,
    period: &str,
    input: ActivityProgressInput,
) -> Result<ActivityProgress, AppError> {
    let (who, period, actor) = (who.clone(), period.to_string(), who.actor());
    db.tx(move |c| {
        who.require(results::get(c, activity_id)?.project_id, Action::EditResults)?;
        monitoring::put_activity_progress(c, &actor, activity_id, &period, &input)
    })
    .await
}

/// The activities' progress of a project (of one quarter, when `period` names one).
pub async fn activity_progress(
    db: &Db,
    who: &Principal,
    key: &str,
    period: Option<&str>,
) -> Result<Vec<ActivityProgressLine>, AppError> {
    let (who, key, period) = (who.clone(), key.to_string(), period.map(str::to_string));
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        let q = period.as_deref().map(|s| monitoring::project_quarter(&p, s)).transpose()?;
        monitoring::list_activity_progress(c, p.id, q)
    })
    .await
}

/// A project's narratives, by quarter.
pub async fn narratives(db: &Db, who: &Principal, key: &str) -> Result<Vec<Narrative>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        monitoring::list_narratives(c, p.id)
    })
    .await
}

/// Writes (or rewrites) the narrative of a quarter.
pub async fn put_narrative(
    db: &Db,
    who: &Principal,
    key: &str,
    period: &str,
    input: NarrativeInput,
) -> Result<Narrative, AppError> {
    let (who, key, period, actor) = (who.clone(), key.to_string(), period.to_string(), who.actor());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::EditResults)?;
        monitoring::put_narrative(c, &actor, &p, &period, &input)
    })
    .await
}

/// A project's risk log with each risk's reviews.
pub async fn risks(db: &Db, who: &Principal, key: &str) -> Result<Vec<Risk>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        monitoring::list_risks(c, p.id)
    })
    .await
}

/// Adds a risk to a project's log.
pub async fn create_risk(db: &Db, who: &Principal, key: &str, input: RiskInput) -> Result<Risk, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::EditResults)?;
        monitoring::create_risk(c, &actor, p.id, &input)
    })
    .await
}

/// One risk with its reviews.
pub async fn risk(db: &Db, who: &Principal, id: i64) -> Result<Risk, AppError> {
    let who = who.clone();
    db.tx(move |c| risk_for(c, &who, id, Action::Read)).await
}

/// Changes a risk (`input.version`: the one read).
pub async fn update_risk(db: &Db, who: &Principal, id: i64, input: RiskInput) -> Result<Risk, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        risk_for(c, &who, id, Action::EditResults)?;
        monitoring::update_risk(c, &actor, id, &input)
    })
    .await
}

/// Deletes a risk with its reviews.
pub async fn delete_risk(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        risk_for(c, &who, id, Action::EditResults)?;
        monitoring::delete_risk(c, &actor, id)
    })
    .await
}

/// Adds a quarter's review of a risk (a quarter already reviewed: 409; to correct one, see
/// [`super::quarter::put_risk_update`]). The risk takes the review's rating and status.
pub async fn add_risk_update(db: &Db, who: &Principal, id: i64, input: RiskUpdateInput) -> Result<Risk, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        risk_for(c, &who, id, Action::EditResults)?;
        monitoring::add_risk_update(c, &actor, id, &input)
    })
    .await
}
