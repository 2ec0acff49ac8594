//! Administration: users and their roles on projects; and the audit trail.

use super::{created, no_content};
use crate::api::json::Json;
use crate::auth::{Login, Principal};
use crate::db::Db;
use crate::domain::access::Action;
use crate::error::{AppError, Problem};
use crate::store::audit::{self, AuditEntry, AuditFilter};
use crate::store::projects;
use crate::store::users::{self, Membership, MembershipInput, NewUser, User, UserUpdate};
use actix_web::{HttpResponse, web};

/// Hashes off the async workers (argon2 is slow on purpose), in one of the login's bounded
/// hashing slots so that memory stays bounded whoever asks.
async fn hash(login: &Login, password: String) -> Result<String, AppError> {
    let mut permit = login.permit()?;
    web::block(move || permit.hash(&password)).await.map_err(|e| AppError::Internal(e.to_string()))?
}

#[utoipa::path(get, operation_id = "listUsers", path = "/api/v1/users", tag = "admin",
    responses((status = 200, body = [User]), (status = 403, body = Problem)))]
pub async fn list_users(db: web::Data<Db>, auth: Principal) -> Result<HttpResponse, AppError> {
    auth.require_admin()?;
    Ok(HttpResponse::Ok().json(db.tx(users::list_users).await?))
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
    auth.require_admin()?;
    let input = body.0;
    users::check_new_user(&input)?;
    let password_hash = hash(&login, input.password.clone()).await?;
    let actor = auth.actor();
    let u = db.tx(move |c| users::create_user(c, &actor, &input, &password_hash)).await?;
    Ok(created(&format!("/api/v1/users/{}", u.id), &u))
}

#[utoipa::path(get, operation_id = "getUser", path = "/api/v1/users/{id}", tag = "admin",
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_user(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    auth.require_admin()?;
    let id = path.into_inner();
    Ok(HttpResponse::Ok().json(db.tx(move |c| users::get_user(c, id)).await?))
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
    auth.require_admin()?;
    let (id, input, actor) = (path.into_inner(), body.0, auth.actor());
    crate::store::check(&input, vec![])?;
    let new_hash = match &input.password {
        Some(p) => Some(hash(&login, p.clone()).await?),
        None => None,
    };
    let u = db.tx(move |c| users::update_user(c, &actor, id, &input, new_hash.as_deref())).await?;
    Ok(HttpResponse::Ok().json(u))
}

#[utoipa::path(get, operation_id = "listProjectMembers", path = "/api/v1/projects/{project}/members", tag = "admin",
    params(("project" = String, Path, description = "Project id or code")),
    responses((status = 200, body = [Membership]), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_members(
    db: web::Data<Db>,
    auth: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let key = path.into_inner();
    let all = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::ReadAudit)?;
            users::list_members(c, p.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(all))
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
    let (key, input, actor) = (path.into_inner(), body.0, auth.actor());
    let m = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::Read)?;
            auth.require_admin()?;
            users::add_member(c, &actor, p.id, &input)
        })
        .await?;
    Ok(created(&format!("/api/v1/memberships/{}", m.id), &m))
}

#[utoipa::path(delete, operation_id = "removeMembership", path = "/api/v1/memberships/{id}", tag = "admin",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_member(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (id, actor) = (path.into_inner(), auth.actor());
    db.tx(move |c| {
        auth.require(users::get_membership(c, id)?.project_id, Action::Read)?;
        auth.require_admin()?;
        users::remove_member(c, &actor, id)
    })
    .await?;
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
    let (key, filter) = (path.into_inner(), filter.into_inner());
    let entries = db
        .tx(move |c| {
            let p = projects::find(c, &key)?;
            auth.require(p.id, Action::ReadAudit)?;
            audit::list(c, Some(p.id), &filter)
        })
        .await?;
    Ok(HttpResponse::Ok().json(entries))
}

#[utoipa::path(get, operation_id = "listAudit", path = "/api/v1/audit", tag = "admin", params(AuditFilter),
    responses((status = 200, description = "Every change, including catalogues and users, newest first", body = [AuditEntry]),
        (status = 403, body = Problem)))]
pub async fn all_audit(
    db: web::Data<Db>,
    auth: Principal,
    filter: web::Query<AuditFilter>,
) -> Result<HttpResponse, AppError> {
    auth.require_admin()?;
    let filter = filter.into_inner();
    Ok(HttpResponse::Ok().json(db.tx(move |c| audit::list(c, None, &filter)).await?))
}
