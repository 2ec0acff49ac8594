//! The results framework: the tree (impact > outcome > output > activity result > activity)
//! with indicators, baselines and targets; coordinators add and edit results, indicators and
//! targets. The same store functions, validation, access rule (`EditResults`) and audit
//! entries as `/projects/{p}/results`, `/results/{id}`, `/projects/{p}/indicators`,
//! `/indicators/{id}`, `/indicators/{id}/targets` and `/targets/{id}`.

use super::project_for;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::access::Action;
use crate::error::AppError;
use crate::store::indicators::{self, Indicator, IndicatorInput, Target, TargetInput};
use crate::store::projects::Project;
use crate::store::results::{self, ResultInput, ResultNode, ResultTreeNode};

#[derive(Debug, Clone)]
pub struct Framework {
    pub project: Project,
    pub tree: Vec<ResultTreeNode>,
    pub may_edit: bool,
}

/// A project's results tree with indicators and targets (anyone who reads the project).
pub async fn framework(db: &Db, who: &Principal, key: &str) -> Result<Framework, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.read(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        let tree = results::tree(c, project.id)?;
        let may_edit = who.may(project.id, Action::EditResults);
        Ok(Framework { project, tree, may_edit })
    })
    .await
}

/// What a result or indicator form needs: the project, every result (for the parent or
/// result choice), the result or indicator edited (when it exists).
#[derive(Debug, Clone)]
pub struct FormContext<T> {
    pub project: Project,
    pub results: Vec<ResultNode>,
    pub current: Option<T>,
}

/// The context of a result's form (`id`: the result edited; none to add one). Coordinators.
pub async fn result_form(
    db: &Db,
    who: &Principal,
    key: &str,
    id: Option<i64>,
) -> Result<FormContext<ResultNode>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::EditResults)?;
        let current = id.map(|id| own_result(c, &project, id)).transpose()?;
        Ok(FormContext { results: results::list(c, project.id)?, project, current })
    })
    .await
}

/// The context of an indicator's form (`id`: the indicator edited; none to add one). Coordinators.
pub async fn indicator_form(
    db: &Db,
    who: &Principal,
    key: &str,
    id: Option<i64>,
) -> Result<FormContext<Indicator>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::EditResults)?;
        let current = id.map(|id| own_indicator(c, &project, id)).transpose()?;
        Ok(FormContext { results: results::list(c, project.id)?, project, current })
    })
    .await
}

fn own_result(c: &mut crate::db::DbConnection, project: &Project, id: i64) -> Result<ResultNode, AppError> {
    let r = results::get(c, id)?;
    if r.project_id != project.id {
        return Err(AppError::NotFound(format!("result {id}")));
    }
    Ok(r)
}

fn own_indicator(c: &mut crate::db::DbConnection, project: &Project, id: i64) -> Result<Indicator, AppError> {
    let i = indicators::get(c, id)?;
    if i.project_id != project.id {
        return Err(AppError::NotFound(format!("indicator {id}")));
    }
    Ok(i)
}

/// Adds a result (`id` none) or changes one (`input.version`: the one read).
pub async fn save_result(
    db: &Db,
    who: &Principal,
    key: &str,
    id: Option<i64>,
    input: ResultInput,
) -> Result<ResultNode, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::EditResults)?;
        match id {
            None => results::create(c, &actor, project.id, &input),
            Some(id) => {
                own_result(c, &project, id)?;
                results::update(c, &actor, id, &input)
            }
        }
    })
    .await
}

/// Adds an indicator (`id` none) or changes one (`input.version`: the one read).
pub async fn save_indicator(
    db: &Db,
    who: &Principal,
    key: &str,
    id: Option<i64>,
    input: IndicatorInput,
) -> Result<Indicator, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::EditResults)?;
        match id {
            None => indicators::create(c, &actor, project.id, &input),
            Some(id) => {
                own_indicator(c, &project, id)?;
                indicators::update(c, &actor, id, &input)
            }
        }
    })
    .await
}

/// Changes to an indicator's targets: the changed ones (`(target id, input with the version
/// read)`) and a new one.
#[derive(Debug, Clone, Default)]
pub struct TargetChanges {
    pub changed: Vec<(i64, TargetInput)>,
    pub new: Option<TargetInput>,
}

/// Saves an indicator's target changes in one transaction (one broken rule saves none); the
/// errors are named `targets.{id}.{field}` and `targets.new.{field}`. Returns how many were saved.
pub async fn save_targets(
    db: &Db,
    who: &Principal,
    key: &str,
    indicator_id: i64,
    changes: TargetChanges,
) -> Result<usize, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::EditResults)?;
        let ind = own_indicator(c, &project, indicator_id)?;
        let mut errors = vec![];
        let mut saved = 0;
        let mut outcome = |prefix: String, r: Result<indicators::Target, AppError>| -> Result<(), AppError> {
            let at = |f: &str| if f.is_empty() { prefix.clone() } else { format!("{prefix}.{f}") };
            match r {
                Ok(_) => saved += 1,
                Err(AppError::Validation(errs)) => {
                    errors.extend(errs.into_iter().map(|e| FieldError::new(at(&e.field), e.message)))
                }
                Err(AppError::Conflict { message, field }) => {
                    errors.push(FieldError::new(at(field.as_deref().unwrap_or("")), message))
                }
                Err(AppError::PreconditionFailed(m)) => errors.push(FieldError::new(
                    at(""),
                    format!("{m}: someone changed this target while you were typing; reload the page"),
                )),
                Err(e) => return Err(e),
            }
            Ok(())
        };
        for (id, input) in &changes.changed {
            if !ind.targets.iter().any(|t| t.id == *id) {
                return Err(AppError::NotFound(format!("target {id}")));
            }
            outcome(format!("targets.{id}"), indicators::update_target(c, &actor, *id, input))?;
        }
        if let Some(input) = &changes.new {
            outcome("targets.new".into(), indicators::create_target(c, &actor, ind.id, input))?;
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(saved)
    })
    .await
}

/// One result (anyone on its project).
pub async fn result(db: &Db, who: &Principal, id: i64) -> Result<ResultNode, AppError> {
    let who = who.clone();
    db.read(move |c| {
        let r = results::get(c, id)?;
        who.require(r.project_id, Action::Read)?;
        Ok(r)
    })
    .await
}

/// Changes a result found by its id alone (`input.version`: the one read). Coordinators.
pub async fn update_result(db: &Db, who: &Principal, id: i64, input: ResultInput) -> Result<ResultNode, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        who.require(results::get(c, id)?.project_id, Action::EditResults)?;
        results::update(c, &actor, id, &input)
    })
    .await
}

/// A project's indicators with their targets (anyone on it).
pub async fn indicators(db: &Db, who: &Principal, key: &str) -> Result<Vec<Indicator>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.read(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        indicators::list(c, p.id)
    })
    .await
}

/// One indicator with its targets (anyone on its project).
pub async fn indicator(db: &Db, who: &Principal, id: i64) -> Result<Indicator, AppError> {
    let who = who.clone();
    db.read(move |c| {
        let i = indicators::get(c, id)?;
        who.require(i.project_id, Action::Read)?;
        Ok(i)
    })
    .await
}

/// Changes an indicator found by its id alone (`input.version`: the one read). Coordinators.
pub async fn update_indicator(db: &Db, who: &Principal, id: i64, input: IndicatorInput) -> Result<Indicator, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        who.require(indicators::get(c, id)?.project_id, Action::EditResults)?;
        indicators::update(c, &actor, id, &input)
    })
    .await
}

/// An indicator's targets (anyone on its project).
pub async fn targets(db: &Db, who: &Principal, indicator_id: i64) -> Result<Vec<Target>, AppError> {
    Ok(indicator(db, who, indicator_id).await?.targets)
}

/// Adds a target to an indicator. Coordinators.
pub async fn create_target(
    db: &Db,
    who: &Principal,
    indicator_id: i64,
    input: TargetInput,
) -> Result<Target, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        who.require(indicators::get(c, indicator_id)?.project_id, Action::EditResults)?;
        indicators::create_target(c, &actor, indicator_id, &input)
    })
    .await
}

/// Changes a target found by its id alone (`input.version`: the one read). Coordinators.
pub async fn update_target(db: &Db, who: &Principal, id: i64, input: TargetInput) -> Result<Target, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        let indicator_id = indicators::get_target(c, id)?.indicator_id;
        who.require(indicators::get(c, indicator_id)?.project_id, Action::EditResults)?;
        indicators::update_target(c, &actor, id, &input)
    })
    .await
}

/// What a coordinator deletes from the results framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletable {
    /// A result without child results or indicators.
    Result,
    /// An indicator without actuals, with its targets.
    Indicator,
    Target,
}

/// Deletes a result, an indicator or a target with the API's rules (`DELETE /results/{id}`,
/// `/indicators/{id}`, `/targets/{id}`): a result with children or indicators and an indicator
/// with actuals are refused (409 with the reason). `project`: when the page names the project,
/// the item must be one of its own (404 otherwise).
pub async fn delete(db: &Db, who: &Principal, project: Option<&str>, what: Deletable, id: i64) -> Result<(), AppError> {
    let (who, project, actor) = (who.clone(), project.map(str::to_string), who.actor());
    db.tx(move |c| {
        let project_id = match what {
            Deletable::Result => results::get(c, id)?.project_id,
            Deletable::Indicator => indicators::get(c, id)?.project_id,
            Deletable::Target => {
                let indicator_id = indicators::get_target(c, id)?.indicator_id;
                indicators::get(c, indicator_id)?.project_id
            }
        };
        match &project {
            Some(key) => {
                let p = project_for(c, &who, key, Action::EditResults)?;
                if p.id != project_id {
                    return Err(AppError::NotFound(format!("{what:?} {id}").to_lowercase()));
                }
            }
            None => who.require(project_id, Action::EditResults)?,
        }
        match what {
            Deletable::Result => results::delete(c, &actor, id),
            Deletable::Indicator => indicators::delete(c, &actor, id),
            Deletable::Target => indicators::delete_target(c, &actor, id),
        }
    })
    .await
}
