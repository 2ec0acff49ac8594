//! Projects: everyone sees the projects they hold a role on (administrators: all of them);
//! administrators create and delete projects; managers keep a project's details. The use
//! cases behind `/api/v1/projects` and `/api/v1/projects/{project}`.

use super::project_for;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::{Action, GlobalAction};
use crate::error::AppError;
use crate::store::projects::{self, Project, ProjectInput};

/// The projects the caller holds a role on (administrators: all), by code.
pub async fn list(db: &Db, who: &Principal) -> Result<Vec<Project>, AppError> {
    let mut all = db.tx(projects::list).await?;
    if let Some(visible) = who.visible_projects() {
        all.retain(|p| visible.contains(&p.id));
    }
    Ok(all)
}

/// A new project (administrators).
pub async fn create(db: &Db, who: &Principal, input: ProjectInput) -> Result<Project, AppError> {
    who.require_global(GlobalAction::Administer)?;
    let actor = who.actor();
    db.tx(move |c| projects::create(c, &actor, &input)).await
}

/// One project by id or code (anyone on it).
pub async fn get(db: &Db, who: &Principal, key: &str) -> Result<Project, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| project_for(c, &who, &key, Action::Read)).await
}

/// Changes a project's details (`input.version`: the one read; its managers).
pub async fn update(db: &Db, who: &Principal, key: &str, input: ProjectInput) -> Result<Project, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Manage)?;
        projects::update(c, &actor, p.id, &input)
    })
    .await
}

/// Deletes a project without results or contributions (administrators; someone without a role
/// on it does not learn that it exists).
pub async fn delete(db: &Db, who: &Principal, key: &str) -> Result<(), AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        who.require_global(GlobalAction::Administer)?;
        projects::delete(c, &actor, p.id)
    })
    .await
}
