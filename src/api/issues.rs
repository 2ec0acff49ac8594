//! The issue log beside the risk log: `GET/POST /projects/{project}/issues`,
//! `GET/PUT/DELETE /issues/{id}`. Kept by coordinators (as the risk log), read by every role: thin handlers over
//! [`crate::services::issues`].

use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::services::issues as uc;
use crate::store::issues::{Issue, IssueInput};
use actix_web::{HttpResponse, web};

#[utoipa::path(get, path = "/api/v1/projects/{project}/issues", tag = "progress", operation_id = "listIssues",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, description = "The issue log, oldest first", body = [Issue]), (status = 404, body = Problem)))]
pub async fn list_issues(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::list(&db, &auth, &path.into_inner()).await?))
}

#[utoipa::path(post, path = "/api/v1/projects/{project}/issues", tag = "progress", operation_id = "createIssue",
    request_body = IssueInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = Issue), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The project already has an issue with this code", body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_issue(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: Json<IssueInput>,
) -> Result<HttpResponse, AppError> {
    let issue = uc::create(&db, &auth, &path.into_inner(), body.0).await?;
    Ok(created(&format!("/api/v1/issues/{}", issue.id), &issue))
}

#[utoipa::path(get, path = "/api/v1/issues/{id}", tag = "progress", operation_id = "getIssue",
    responses((status = 200, body = Issue), (status = 404, body = Problem)))]
pub async fn get_issue(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::get(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(put, path = "/api/v1/issues/{id}", tag = "progress", operation_id = "updateIssue",
    request_body = IssueInput,
    responses((status = 200, body = Issue), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_issue(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<IssueInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::update(&db, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, path = "/api/v1/issues/{id}", tag = "progress", operation_id = "deleteIssue",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_issue(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    uc::delete(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}
