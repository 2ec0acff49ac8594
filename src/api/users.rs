//! Administration: users and their roles on projects; and the audit trail.

use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::{Login, Principal};
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::services::admin;
use crate::store::audit::{AuditEntry, AuditFilter};
use crate::store::users::{Membership, MembershipInput, NewUser, User, UserUpdate};
use actix_web::{HttpResponse, web};

#[utoipa::path(get, operation_id = "listUsers", path = "/api/v1/users", tag = "admin",
    responses((status = 200, body = [User]), (status = 403, body = Problem)))]
pub async fn list_users(db: web::Data<Db>, auth: Principal) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(admin::list_users(&db, &auth).await?))
}

#[utoipa::path(post, operation_id = "createUser", path = "/api/v1/users", tag = "admin", request_body = NewUser,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_user(
    db: web::Data<Db>,
    login: web::Data<Login>,
    auth: Principal,
    body: Json<NewUser>,
) -> Result<HttpResponse, AppError> {
    let u = admin::create_user(&db, &login, &auth, body.0).await?;
    Ok(created(&format!("/api/v1/users/{}", u.id), &u))
}

#[utoipa::path(get, operation_id = "getUser", path = "/api/v1/users/{id}", tag = "admin",
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_user(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(admin::get_user(&db, &auth, path.into_inner()).await?))
}

#[utoipa::path(put, operation_id = "updateUser", path = "/api/v1/users/{id}", tag = "admin", request_body = UserUpdate,
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The change would leave no active administrator (the last one cannot remove its own admin flag or deactivate itself)", body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_user(
    db: web::Data<Db>,
    login: web::Data<Login>,
    auth: Principal,
    path: web::Path<i64>,
    body: Json<UserUpdate>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(admin::update_user(&db, &login, &auth, path.into_inner(), body.0).await?))
}

#[utoipa::path(get, operation_id = "listProjectMembers", path = "/api/v1/projects/{project}/members", tag = "admin",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, body = [Membership]), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_members(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(admin::members(&db, &auth, &path).await?))
}

#[utoipa::path(post, operation_id = "addProjectMember", path = "/api/v1/projects/{project}/members", tag = "admin", request_body = MembershipInput,
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 201, body = Membership), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, description = "The user already has a role on the project", body = Problem),
        (status = 422, body = Problem)))]
pub async fn add_member(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    body: Json<MembershipInput>,
) -> Result<HttpResponse, AppError> {
    let m = admin::add_member(&db, &auth, &path, body.0).await?;
    Ok(created(&format!("/api/v1/memberships/{}", m.id), &m))
}

#[utoipa::path(delete, operation_id = "removeMembership", path = "/api/v1/memberships/{id}", tag = "admin",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_member(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    admin::remove_member(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}

#[utoipa::path(get, operation_id = "listProjectAudit", path = "/api/v1/projects/{project}/audit", tag = "admin",
    params(("project" = String, Path, description = "Project id or code"), AuditFilter),
    responses((status = 200, description = "Changes to the project's data, newest first", body = [AuditEntry]),
        (status = 403, description = "Donors do not read the audit trail", body = Problem), (status = 404, body = Problem)))]
pub async fn project_audit(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
    filter: web::Query<AuditFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(admin::audit_of_project(&db, &auth, &path, filter.into_inner()).await?))
}

#[utoipa::path(get, operation_id = "listAudit", path = "/api/v1/audit", tag = "admin", params(AuditFilter),
    responses((status = 200, description = "Every change, including catalogues and users, newest first", body = [AuditEntry]),
        (status = 403, body = Problem)))]
pub async fn all_audit(
    db: web::Data<Db>,
    auth: Principal,
    filter: web::Query<AuditFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(admin::audit_all(&db, &auth, filter.into_inner()).await?))
}
