//! Donor reports: generate (off the HTTP workers), list, download, issue.

use super::created;
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::{Action, Role};
use crate::domain::progress::Thresholds;
use crate::error::{AppError, Problem};
use crate::reports::templates::Templates;
use crate::reports::{self, ReportRequest};
use crate::store::projects;
use crate::store::reports::{self as stored, ReportMeta};
use actix_web::{HttpResponse, web};

/// The bytes of a stored report (PDF, XLSX or HTML), for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct ReportFile(Vec<u8>);

/// Donors see issued reports only; everyone else on the project sees all.
fn donor_only(auth: &Principal, project_id: i64) -> bool {
    !auth.is_admin && auth.roles.get(&project_id) == Some(&Role::Donor)
}

#[utoipa::path(post, operation_id = "generateReport", path = "/api/v1/projects/{project}/reports", tag = "reports", request_body = ReportRequest,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, description = "Generated and stored; download it from /reports/{id}/file", body = ReportMeta),
        (status = 403, description = "Coordinators and managers generate reports", body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The period has unapproved data (listed); ask for a draft", body = Problem),
        (status = 422, description = "Unknown template, bad or out-of-project period, missing exchange rate", body = Problem)))]
pub async fn generate(
    db: web::Data<Db>,
    auth: Principal,
    templates: web::Data<Templates>,
    thresholds: web::Data<Thresholds>,
    path: web::Path<String>,
    body: Json<ReportRequest>,
) -> Result<HttpResponse, AppError> {
    let (key, req, actor, thresholds) = (path.into_inner(), body.0, auth.actor(), **thresholds);
    let templates = templates.into_inner();
    // Runs on the blocking pool: a large report never holds up the HTTP workers. One snapshot
    // of the data; on SQLite the write lock is taken only to store the bytes, also on a retry.
    let meta = db
        .tx_snapshot(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            if !auth.may(p.id, Action::EditResults) && !auth.may(p.id, Action::Manage) {
                return Err(AppError::Forbidden("coordinators and managers generate reports".into()));
            }
            reports::generate(c, &actor, &templates, &p, &req, thresholds, &auth.email)
        })
        .await?;
    Ok(created(&format!("/api/v1/reports/{}", meta.id), &meta))
}

#[utoipa::path(get, operation_id = "listProjectReports", path = "/api/v1/projects/{project}/reports", tag = "reports",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "Newest first; donors see issued reports only", body = [ReportMeta]),
        (status = 404, body = Problem)))]
pub async fn list(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let all = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            stored::list(c, p.id, donor_only(&auth, p.id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(all))
}

/// Loads a report's metadata the caller may see (a donor: only issued ones).
fn visible(c: &mut crate::db::DbConnection, auth: &Principal, id: i64) -> Result<ReportMeta, AppError> {
    let meta = stored::get(c, id)?;
    auth.require(meta.project_id, Action::Read)?;
    if donor_only(auth, meta.project_id) && meta.issued_at.is_none() {
        return Err(AppError::NotFound(format!("report {id}")));
    }
    Ok(meta)
}

#[utoipa::path(get, operation_id = "getReport", path = "/api/v1/reports/{id}", tag = "reports",
    responses((status = 200, body = ReportMeta), (status = 404, body = Problem)))]
pub async fn get(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    Ok(HttpResponse::Ok().json(db.tx(move |c| visible(c, &auth, id)).await?))
}

#[utoipa::path(get, operation_id = "downloadReportFile", path = "/api/v1/reports/{id}/file", tag = "reports",
    responses((status = 200, description = "The stored bytes, in the report's format, as an attachment with its file name",
            content((ReportFile = "application/pdf"), (ReportFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (ReportFile = "text/html")),
            headers(("ETag" = String, description = "The SHA-256 of the bytes, quoted"),
                ("Content-Disposition" = String, description = "`attachment; filename=\"...\"`: the name has ASCII letters, digits, `.`, `-` and `_` only"))),
        (status = 404, body = Problem)))]
pub async fn file(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let (meta, bytes) = db
        .tx(move |c| {
            let meta = visible(c, &auth, id)?;
            Ok((meta, stored::content(c, id)?))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(meta.content_type.as_str())
        // Safe characters only, also for reports stored before file names were (see `safe_file_name`).
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{}\"", crate::reports::safe_file_name(&meta.file_name)),
        ))
        .insert_header(("ETag", format!("\"{}\"", meta.sha256)))
        .body(bytes))
}

#[utoipa::path(post, operation_id = "issueReport", path = "/api/v1/reports/{id}/issue", tag = "reports",
    responses((status = 200, description = "Issued to the project's donors", body = ReportMeta),
        (status = 403, description = "Managers issue reports", body = Problem), (status = 404, body = Problem),
        (status = 409, description = "A draft cannot be issued", body = Problem)))]
pub async fn issue(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (id, actor) = (path.into_inner(), auth.actor());
    let meta = db
        .tx(move |c| {
            let meta = visible(c, &auth, id)?;
            auth.require(meta.project_id, Action::Manage)?;
            stored::issue(c, &actor, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(meta))
}
