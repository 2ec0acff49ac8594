//! One actual's workflow step (submit, approve, return, reopen): the use case behind
//! `POST /api/v1/actuals/{id}/{step}` and the approval queue's *Reopen*. Coordinators submit;
//! managers approve, return and reopen; returning and reopening need a reason, which the
//! audit trail keeps; the version read must still be the actual's (else 412).

use super::project_for;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::Action;
use crate::domain::progress::ActualStatus;
use crate::domain::progress::Transition;
use crate::error::AppError;
use crate::store::indicators::{self, Indicator};
use crate::store::progress::{self, Actual, ActualFilter, TransitionInput};
use crate::store::projects::Project;
use std::collections::HashMap;

/// Who may take a step: coordinators submit, managers do the rest.
fn action_of(t: Transition) -> Action {
    if t == Transition::Submit { Action::EditResults } else { Action::Manage }
}

/// Moves an actual one step (the API's rule). `project`: when given (a page of a project),
/// an actual of another project is not found.
pub async fn step(
    db: &Db,
    who: &Principal,
    project: Option<&str>,
    id: i64,
    t: Transition,
    input: TransitionInput,
) -> Result<Actual, AppError> {
    let (who, project, actor) = (who.clone(), project.map(str::to_string), who.actor());
    db.tx(move |c| {
        let project_id = progress::get(c, id)?.project_id;
        if let Some(key) = &project {
            let p = project_for(c, &who, key, action_of(t))?;
            if p.id != project_id {
                return Err(AppError::NotFound(format!("actual {id}")));
            }
        }
        who.require(project_id, action_of(t))?;
        progress::apply(c, &actor, id, t, &input)
    })
    .await
}

/// An approved actual, with its indicator.
#[derive(Debug, Clone)]
pub struct ApprovedItem {
    pub actual: Actual,
    pub indicator: Indicator,
}

#[derive(Debug, Clone)]
pub struct Approved {
    pub project: Project,
    /// The quarters with approved actuals, newest first.
    pub quarters: Vec<String>,
    /// The quarter shown (`None`: nothing is approved yet).
    pub quarter: Option<String>,
    /// Its approved actuals, by indicator code.
    pub items: Vec<ApprovedItem>,
}

/// A quarter's approved actuals (`None`: the newest quarter that has any), for a manager to
/// reopen one.
pub async fn approved(db: &Db, who: &Principal, key: &str, quarter: Option<&str>) -> Result<Approved, AppError> {
    let (who, key, quarter) = (who.clone(), key.to_string(), quarter.map(str::to_string));
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Manage)?;
        let filter = ActualFilter { status: Some(ActualStatus::Approved), ..ActualFilter::default() };
        let all = progress::list(c, project.id, &filter)?;
        let mut quarters: Vec<String> = all.iter().map(|a| a.period.clone()).collect();
        quarters.sort();
        quarters.dedup();
        quarters.reverse();
        let quarter = match &quarter {
            Some(q) => Some(project.quarter(q).map_err(|e| AppError::Validation(vec![e]))?.to_string()),
            None => quarters.first().cloned(),
        };
        let inds: HashMap<i64, Indicator> = indicators::list(c, project.id)?.into_iter().map(|i| (i.id, i)).collect();
        let mut items: Vec<ApprovedItem> = all
            .into_iter()
            .filter(|a| Some(&a.period) == quarter.as_ref())
            .filter_map(|a| Some(ApprovedItem { indicator: inds.get(&a.indicator_id)?.clone(), actual: a }))
            .collect();
        items.sort_by(|a, b| crate::domain::results::compare_codes(&a.indicator.code, &b.indicator.code));
        Ok(Approved { project, quarters, quarter, items })
    })
    .await
}
