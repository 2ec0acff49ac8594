//! Donor reports: generate (stored as an immutable snapshot), preview, list, download and
//! issue. The one use case behind `/api/v1/projects/{p}/reports`, `/api/v1/reports/{id}...`
//! and the web's reports page and donor portal: coordinators and managers generate, managers
//! issue, donors see issued reports only.

use super::project_for;
use crate::auth::Principal;
use crate::db::{Db, DbConnection};
use crate::domain::access::Action;
use crate::domain::progress::Thresholds;
use crate::error::AppError;
use crate::reports::templates::Templates;
use crate::reports::{self, Format, ReportRequest};
use crate::store::projects::Project;
use crate::store::reports::{self as stored, ReportMeta};
use std::sync::Arc;

/// Donors see issued reports only; everyone else on the project sees all (the policy's
/// `ReadUnissuedReports`). False for someone without a role on the project, who sees nothing.
pub fn donor_only(who: &Principal, project_id: i64) -> bool {
    who.may(project_id, Action::Read) && !who.may(project_id, Action::ReadUnissuedReports)
}

/// Whether the caller may generate (and preview) a project's reports: its coordinators and
/// managers (and administrators).
pub fn may_generate(who: &Principal, project_id: i64) -> bool {
    who.may(project_id, Action::GenerateReport)
}

/// Generates a report and stores it (one snapshot of the data, off the HTTP workers: on
/// SQLite the write lock is taken only to store the bytes, also on a retry).
pub async fn generate(
    db: &Db,
    who: &Principal,
    templates: Arc<Templates>,
    thresholds: Thresholds,
    key: &str,
    req: ReportRequest,
) -> Result<ReportMeta, AppError> {
    let (who, key, actor) = (who.clone(), key.to_string(), who.actor());
    db.tx_snapshot(move |c| {
        let p = project_for(c, &who, &key, Action::GenerateReport)?;
        reports::generate(c, &actor, &templates, &p, &req, thresholds, &who.email)
    })
    .await
}

/// The Content-Security-Policy of a preview, wherever it is served (the API and the reports
/// page): no scripts, nothing fetched, framed by rbm's own pages only.
pub const PREVIEW_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";

/// The report as HTML, nothing stored: the preview of what [`generate`] would store (the
/// same data, template, language and rules; the format asked for is ignored).
pub async fn preview(
    db: &Db,
    who: &Principal,
    templates: Arc<Templates>,
    thresholds: Thresholds,
    key: &str,
    req: ReportRequest,
) -> Result<Vec<u8>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    let doc = db
        .tx_snapshot(move |c| {
            let p = project_for(c, &who, &key, Action::GenerateReport)?;
            reports::build_document(c, &templates, &p, &req, thresholds, &who.email)
        })
        .await?;
    reports::render(&doc, Format::Html)
}

/// A project's stored reports, newest first (a donor: the issued ones only).
pub async fn list(db: &Db, who: &Principal, key: &str) -> Result<Vec<ReportMeta>, AppError> {
    Ok(project_reports(db, who, key).await?.1)
}

/// A project the caller may read and its stored reports, newest first (a donor: the issued
/// ones only).
pub async fn project_reports(db: &Db, who: &Principal, key: &str) -> Result<(Project, Vec<ReportMeta>), AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        let all = stored::list(c, p.id, donor_only(&who, p.id))?;
        Ok((p, all))
    })
    .await
}

/// A report's metadata the caller may see (a donor: only issued ones; otherwise 404).
fn visible(c: &mut DbConnection, who: &Principal, id: i64) -> Result<ReportMeta, AppError> {
    let meta = stored::get(c, id)?;
    who.require(meta.project_id, Action::Read)?;
    if donor_only(who, meta.project_id) && meta.issued_at.is_none() {
        return Err(AppError::NotFound(format!("report {id}")));
    }
    Ok(meta)
}

/// One report's metadata.
pub async fn get(db: &Db, who: &Principal, id: i64) -> Result<ReportMeta, AppError> {
    let who = who.clone();
    db.tx(move |c| visible(c, &who, id)).await
}

/// One report's metadata and stored bytes.
pub async fn file(db: &Db, who: &Principal, id: i64) -> Result<(ReportMeta, Vec<u8>), AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let meta = visible(c, &who, id)?;
        Ok((meta, stored::content(c, id)?))
    })
    .await
}

/// Issues a report to the project's donors (managers; a draft never, twice changes nothing).
pub async fn issue(db: &Db, who: &Principal, id: i64) -> Result<ReportMeta, AppError> {
    let (who, actor) = (who.clone(), who.actor());
    db.tx(move |c| {
        let meta = visible(c, &who, id)?;
        who.require(meta.project_id, Action::Manage)?;
        stored::issue(c, &actor, id)
    })
    .await
}

/// The choices a report can be made with: template names and languages.
pub fn choices(templates: &Templates) -> (Vec<String>, Vec<String>) {
    (templates.names(), templates.languages())
}
