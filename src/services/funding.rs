//! A project's funding: its contributions (who funds how much, in which currency) and each
//! contribution's budget of the action as the agreement states it. Everyone on the project
//! reads them; finance officers keep them. The use cases behind
//! `/api/v1/projects/{project}/contributions` and `/api/v1/contributions/{id}[/budget]`.
//! (The funding sources are a catalogue shared by projects: [`super::admin`].)

use super::project_for;
use crate::auth::Principal;
use crate::db::{Db, DbConnection};
use crate::domain::access::Action;
use crate::error::AppError;
use crate::store::agreements::{self, AgreementBudget, AgreementBudgetInput};
use crate::store::funding::{self, Contribution, ContributionInput};

/// A contribution, when the caller may do `action` on its project.
fn contribution_for(c: &mut DbConnection, who: &Principal, id: i64, action: Action) -> Result<Contribution, AppError> {
    let k = funding::get_contribution(c, id)?;
    who.require(k.project_id, action)?;
    Ok(k)
}

/// A project's contributions.
pub async fn contributions(db: &Db, who: &Principal, key: &str) -> Result<Vec<Contribution>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        funding::list_contributions(c, p.id)
    })
    .await
}

/// Records a contribution to a project.
pub async fn create_contribution(
    db: &Db,
    who: &Principal,
    key: &str,
    input: ContributionInput,
) -> Result<Contribution, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::EditFinance)?;
        funding::create_contribution(c, &actor, p.id, &input)
    })
    .await
}

/// One contribution.
pub async fn contribution(db: &Db, who: &Principal, id: i64) -> Result<Contribution, AppError> {
    let who = who.clone();
    db.tx(move |c| contribution_for(c, &who, id, Action::Read)).await
}

/// Changes a contribution (`input.version`: the one read).
pub async fn update_contribution(
    db: &Db,
    who: &Principal,
    id: i64,
    input: ContributionInput,
) -> Result<Contribution, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        contribution_for(c, &who, id, Action::EditFinance)?;
        funding::update_contribution(c, &actor, id, &input)
    })
    .await
}

/// Deletes a contribution.
pub async fn delete_contribution(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        contribution_for(c, &who, id, Action::EditFinance)?;
        funding::delete_contribution(c, &actor, id)
    })
    .await
}

/// The budget of the action of a contribution's agreement.
pub async fn budget(db: &Db, who: &Principal, contribution_id: i64) -> Result<AgreementBudget, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        contribution_for(c, &who, contribution_id, Action::Read)?;
        agreements::get(c, contribution_id)
    })
    .await
}

/// Replaces the whole budget of the action (an agreement is amended as a whole).
pub async fn replace_budget(
    db: &Db,
    who: &Principal,
    contribution_id: i64,
    input: AgreementBudgetInput,
) -> Result<AgreementBudget, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        contribution_for(c, &who, contribution_id, Action::EditFinance)?;
        agreements::replace(c, &actor, contribution_id, &input)
    })
    .await
}
