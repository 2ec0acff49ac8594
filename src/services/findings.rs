//! Open finance findings for the dashboard's "Waiting for you": the finance checks of every
//! work plan year (`GET /projects/{p}/finance/checks`, the same store function and rules),
//! for the people who act on them: finance officers and managers.

use super::project_for;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::Action;
use crate::error::AppError;
use crate::store::finance::{self, ChecksQuery, FinanceChecks};

/// Whether the caller acts on a project's finance findings: its finance officers (who keep
/// the figures) and managers (who approve the plans and issue the reports).
pub fn acts_on_findings(who: &Principal, project_id: i64) -> bool {
    who.may(project_id, Action::ActOnFindings)
}

/// The findings of a project's finance checks over every work plan year (errors first), or
/// `None` when the caller does not act on them.
pub async fn open_findings(db: &Db, who: &Principal, key: &str) -> Result<Option<FinanceChecks>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        if !acts_on_findings(&who, p.id) {
            return Ok(None);
        }
        Ok(Some(finance::checks(c, &p, &ChecksQuery { year: None })?))
    })
    .await
}
