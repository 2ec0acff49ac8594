//! `/api/v1/auth`: log in for a session token, manage personal API tokens, who am I: thin
//! handlers over [`crate::services::session`] and [`crate::services::tokens`].

use super::{created, no_content};
use crate::api::json::{Json, JsonBytes};
use crate::auth::{Login, Principal};
use crate::db::Db;
use crate::domain::access::Role;
use crate::error::{AppError, Problem};
use crate::services::session::{self, Door};
use crate::services::tokens;
use crate::store::users::ApiToken;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long a login session lasts.
pub const SESSION_HOURS: i64 = 12;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    #[schema(example = "coordinator@rbm.example")]
    pub email: String,
    #[schema(example = "demo-coordinator-2025")]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenIssued {
    /// Send as `Authorization: Bearer <token>`. Shown only now; only its hash is stored.
    pub token: String,
    pub token_id: i64,
    #[serde(with = "crate::timestamp::option")]
    pub expires_at: Option<NaiveDateTime>,
}

#[utoipa::path(post, operation_id = "login", path = "/api/v1/auth/login", tag = "auth", request_body = LoginInput, security(()),
    responses((status = 200, description = "A session token", body = TokenIssued),
        (status = 401, description = "Wrong email or password (which one is not said)", body = Problem),
        (status = 429, description = "Too many failed attempts from this address (for this account); see Retry-After", body = Problem),
        (status = 503, description = "Too many logins being checked at once; see Retry-After", body = Problem)))]
pub async fn login(
    db: web::Data<Db>,
    login: web::Data<Login>,
    req: HttpRequest,
    body: JsonBytes,
) -> Result<HttpResponse, AppError> {
    // Parsed by hand so that no error message can ever echo the password back.
    let input: LoginInput = serde_json::from_slice(&body.0)
        .map_err(|_| AppError::BadRequest("send {\"email\": ..., \"password\": ...} as JSON".into()))?;
    if crate::api::json::text_problem(&input.email).is_some() {
        return Err(AppError::BadRequest("the email must not contain control characters".into()));
    }
    let address = login.client_address(&req);
    let session = session::sign_in(&db, &login, Door::Api, &input.email, &input.password, &address).await?;
    Ok(HttpResponse::Ok().json(TokenIssued {
        token: session.token,
        token_id: session.token_id,
        expires_at: session.expires_at,
    }))
}

#[utoipa::path(post, operation_id = "logout", path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "The token of this request is revoked"), (status = 401, body = Problem)))]
pub async fn logout(db: web::Data<Db>, auth: Principal) -> Result<HttpResponse, AppError> {
    session::sign_out(&db, &auth).await?;
    Ok(no_content())
}

#[derive(Serialize, ToSchema)]
pub struct ProjectRole {
    pub project_id: i64,
    pub project_code: String,
    pub role: Role,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user_id: i64,
    pub email: String,
    pub is_admin: bool,
    pub projects: Vec<ProjectRole>,
    /// The language chosen for the web pages (`en`, `ru`, or one a translator added); null
    /// until chosen (the browser's `Accept-Language` decides).
    #[schema(example = "ru")]
    pub lang: Option<String>,
}

#[utoipa::path(get, operation_id = "getCurrentUser", path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(db: web::Data<Db>, auth: Principal) -> Result<HttpResponse, AppError> {
    let account = tokens::account(&db, &auth).await?;
    let projects = account
        .projects
        .into_iter()
        .map(|p| ProjectRole { project_id: p.project_id, project_code: p.project_code, role: p.role })
        .collect();
    Ok(HttpResponse::Ok().json(Me {
        user_id: auth.user_id,
        email: auth.email,
        is_admin: auth.is_admin,
        projects,
        lang: account.lang,
    }))
}

/// What a user changes of their own account.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeInput {
    /// The language of the web pages: one of those the pages have (`en`, `ru`, ...).
    #[schema(example = "ru")]
    pub lang: String,
}

#[utoipa::path(patch, operation_id = "updateCurrentUser", path = "/api/v1/auth/me", tag = "auth", request_body = MeInput,
    responses((status = 200, description = "The caller, as `GET /auth/me` shows it", body = Me), (status = 401, body = Problem),
        (status = 422, description = "A language the pages do not have", body = Problem)))]
/// Sets the caller's language for the web pages (the same use case as the pages' switch).
pub async fn update_me(db: web::Data<Db>, auth: Principal, body: Json<MeInput>) -> Result<HttpResponse, AppError> {
    session::set_lang(&db, &auth, &body.0.lang).await?;
    me(db, auth).await
}

pub use crate::services::tokens::TokenInput;

#[utoipa::path(post, operation_id = "createApiToken", path = "/api/v1/auth/tokens", tag = "auth", request_body = TokenInput,
    responses((status = 201, description = "The token, shown once", body = TokenIssued), (status = 401, body = Problem),
        (status = 422, body = Problem)))]
pub async fn create_token(
    db: web::Data<Db>,
    auth: Principal,
    body: Json<TokenInput>,
) -> Result<HttpResponse, AppError> {
    let t = tokens::create(&db, &auth, body.0).await?;
    Ok(created(
        &format!("/api/v1/auth/tokens/{}", t.stored.id),
        &TokenIssued { token: t.token, token_id: t.stored.id, expires_at: t.stored.expires_at },
    ))
}

#[utoipa::path(get, operation_id = "listApiTokens", path = "/api/v1/auth/tokens", tag = "auth",
    responses((status = 200, description = "Your live personal tokens (never the secrets)", body = [ApiToken]),
        (status = 401, body = Problem)))]
pub async fn list_tokens(db: web::Data<Db>, auth: Principal) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(tokens::list(&db, &auth).await?))
}

#[utoipa::path(delete, operation_id = "revokeApiToken", path = "/api/v1/auth/tokens/{id}", tag = "auth",
    responses((status = 204, description = "Revoked"), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke_token(db: web::Data<Db>, auth: Principal, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    tokens::revoke(&db, &auth, path.into_inner()).await?;
    Ok(no_content())
}
