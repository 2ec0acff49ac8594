//! The issue log beside the risk log: everyone on the project reads it, coordinators keep it
//! (as the risk log). The use cases behind `/projects/{p}/issues` and `/issues/{id}`.

use super::project_for;
use crate::auth::Principal;
use crate::db::{Db, DbConnection};
use crate::domain::access::Action;
use crate::error::AppError;
use crate::store::issues::{self, Issue, IssueInput};

/// An issue, when the caller may do `action` on its project.
fn issue_for(c: &mut DbConnection, who: &Principal, id: i64, action: Action) -> Result<Issue, AppError> {
    let issue = issues::get(c, id)?;
    who.require(issue.project_id, action)?;
    Ok(issue)
}

/// A project's issue log, oldest first.
pub async fn list(db: &Db, who: &Principal, key: &str) -> Result<Vec<Issue>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        issues::list(c, p.id)
    })
    .await
}

/// Logs an issue.
pub async fn create(db: &Db, who: &Principal, key: &str, input: IssueInput) -> Result<Issue, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::EditResults)?;
        issues::create(c, &actor, p.id, &input)
    })
    .await
}

/// One issue.
pub async fn get(db: &Db, who: &Principal, id: i64) -> Result<Issue, AppError> {
    let who = who.clone();
    db.tx(move |c| issue_for(c, &who, id, Action::Read)).await
}

/// Changes an issue (`input.version`: the one read).
pub async fn update(db: &Db, who: &Principal, id: i64, input: IssueInput) -> Result<Issue, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        issue_for(c, &who, id, Action::EditResults)?;
        issues::update(c, &actor, id, &input)
    })
    .await
}

/// Deletes an issue.
pub async fn delete(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        issue_for(c, &who, id, Action::EditResults)?;
        issues::delete(c, &actor, id)
    })
    .await
}
