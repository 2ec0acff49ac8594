//! `/api/v1/projects`: thin handlers over [`crate::services::projects`].

use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::Principal;
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::services::projects as uc;
use crate::store::projects::{Project, ProjectInput};
use actix_web::{HttpResponse, web};

#[utoipa::path(get, operation_id = "listProjects", path = "/api/v1/projects", tag = "projects",
    responses((status = 200, description = "The projects the caller has a role on (all for admins), by code", body = [Project]),
        (status = 401, body = Problem)))]
pub async fn list(db: web::Data<Db>, auth: Principal) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::list(&db, &auth).await?))
}

#[utoipa::path(post, operation_id = "createProject", path = "/api/v1/projects", tag = "projects", request_body = ProjectInput,
    responses(
        (status = 201, body = Project),
        (status = 400, description = "Malformed JSON", body = Problem),
        (status = 403, description = "Only administrators create projects", body = Problem),
        (status = 409, description = "Duplicate code", body = Problem),
        (status = 422, description = "A rule failed; `errors` names each field", body = Problem)))]
pub async fn create(db: web::Data<Db>, auth: Principal, body: Json<ProjectInput>) -> Result<HttpResponse, AppError> {
    let p = uc::create(&db, &auth, body.0).await?;
    Ok(created(&format!("/api/v1/projects/{}", p.id), &p))
}

#[utoipa::path(get, operation_id = "getProject", path = "/api/v1/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project id or code, e.g. `KAZ-HUB`")),
    responses((status = 200, body = Project), (status = 404, body = Problem)))]
pub async fn get(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::get(&db, &auth, &path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateProject", path = "/api/v1/projects/{project}", tag = "projects", request_body = ProjectInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses(
        (status = 200, body = Project),
        (status = 403, description = "Project managers and administrators only", body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 412, description = "Stale `version`", body = Problem),
        (status = 422, body = Problem)))]
pub async fn update(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: Json<ProjectInput>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(uc::update(&db, &auth, &path.into_inner(), body.0).await?))
}

#[utoipa::path(delete, operation_id = "deleteProject", path = "/api/v1/projects/{project}", tag = "projects",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "Still has results or contributions", body = Problem)))]
pub async fn delete(db: web::Data<Db>, auth: Principal, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    uc::delete(&db, &auth, &path.into_inner()).await?;
    Ok(no_content())
}
