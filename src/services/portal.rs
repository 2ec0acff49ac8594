//! The donor portal: what a donor sees of a project it funds. Its results (approved data
//! only, as on every endpoint a donor reaches) and the reports issued to it; nothing else.

use super::dashboard::{quarters, year_to_quarter};
use super::project_for;
use super::reports::donor_only;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::Action;
use crate::domain::period::Quarter;
use crate::domain::progress::Thresholds;
use crate::error::AppError;
use crate::store::progress::{self, ProjectProgress};
use crate::store::projects::Project;
use crate::store::reports::{self as stored, ReportMeta};

#[derive(Debug, Clone)]
pub struct DonorView {
    pub project: Project,
    /// The quarter the results are about: approved data from Q1 of its year up to it.
    pub quarter: Quarter,
    pub quarters: Vec<Quarter>,
    /// Approved data only, always (whoever asks).
    pub progress: ProjectProgress,
    /// The reports issued to the donors, newest first.
    pub reports: Vec<ReportMeta>,
}

/// Whether a project's page is the donor portal for the caller (a donor on it, not an
/// administrator).
pub fn is_donor(who: &Principal, project_id: i64) -> bool {
    donor_only(who, project_id)
}

/// A funded project's results for a quarter (`None`: the current one) and its issued reports.
pub async fn donor_view(
    db: &Db,
    who: &Principal,
    key: &str,
    quarter: Option<&str>,
    thresholds: Thresholds,
) -> Result<DonorView, AppError> {
    let (who, key, quarter) = (who.clone(), key.to_string(), quarter.map(str::to_string));
    db.tx(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        let (q, window) = year_to_quarter(&project, quarter.as_deref())?;
        let progress = progress::project_progress(c, &project, window, false, thresholds)?;
        // Issued reports only, also for a team member looking at the portal.
        let reports: Vec<ReportMeta> =
            stored::list(c, project.id, true)?.into_iter().filter(|r| r.issued_at.is_some()).collect();
        Ok(DonorView { quarters: quarters(&project), project, quarter: q, progress, reports })
    })
    .await
}
