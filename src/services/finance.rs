//! The finance views and checks of a project: budget vs expenditure for a period, the
//! findings of the finance checks, and explaining a finding. The pages and the API's
//! `/finance/summary`, `/finance/checks` and `/finance/checks/{key}/explanation` call these.

use super::findings::acts_on_findings;
use super::project_for;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::Action;
use crate::domain::finance_checks::Finding;
use crate::error::AppError;
use crate::store::explanations::{self, ExplanationInput};
use crate::store::finance::{self, ChecksQuery, FinanceChecks, FinanceSummary, SummaryQuery};

/// Budget vs expenditure of a project for a quarter, a year or the life of project (every
/// role on the project reads it).
pub async fn summary(db: &Db, who: &Principal, key: &str, q: SummaryQuery) -> Result<FinanceSummary, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        finance::summary(c, &p, &q)
    })
    .await
}

/// The findings of the finance checks, each with its explanation when it has one.
pub async fn checks(db: &Db, who: &Principal, key: &str, q: ChecksQuery) -> Result<FinanceChecks, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        finance::checks(c, &p, &q)
    })
    .await
}

/// Explains a finding of the current checks (by its key) with a reason: finance officers and
/// managers (who act on findings) do; the change is audited with the reason. Answers the
/// finding with its explanation. An unknown key (or one whose entities changed since) is a 404.
pub async fn explain(
    db: &Db,
    who: &Principal,
    key: &str,
    finding_key: &str,
    input: ExplanationInput,
) -> Result<Finding, AppError> {
    let (who, key, finding_key) = (who.clone(), key.to_string(), finding_key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        if !acts_on_findings(&who, p.id) {
            return Err(AppError::Forbidden("only finance officers and managers explain finance findings".into()));
        }
        crate::store::check(&input, vec![])?;
        let all = finance::checks(c, &p, &ChecksQuery { year: None })?;
        let mut finding = all.findings.into_iter().find(|f| f.key == finding_key).ok_or_else(|| {
            AppError::NotFound(format!("finding {finding_key}: the checks do not find it (any more)"))
        })?;
        finding.explanation = Some(explanations::explain(c, &who.actor(), p.id, &finding, &input)?);
        Ok(finding)
    })
    .await
}

/// The work plan year of every budget line of a project (all revisions), so that a page can
/// link a finding's lines to their plan.
pub async fn line_years(db: &Db, who: &Principal, key: &str) -> Result<std::collections::HashMap<i64, i32>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        finance::line_years(c, p.id)
    })
    .await
}
