//! Users, their roles on projects (memberships) and their API tokens.
//! Passwords and tokens never leave this module in clear: only hashes are stored.

use super::audit::{self, Actor};
use super::{check, check_version, expect_one_row, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::access::Role;
use crate::domain::access::TokenKind;
use crate::error::AppError;
use crate::schema::{api_tokens, memberships, projects, users};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use validator::Validate;

/// The `users` row as stored; [`User`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRecord {
    id: i64,
    email: String,
    name: String,
    is_admin: bool,
    active: bool,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// A user as the API shows it (never the password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    /// Admins manage users, memberships and catalogues, and may act on every project.
    pub is_admin: bool,
    /// A deactivated user cannot log in and its tokens stop working.
    pub active: bool,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<UserRecord> for User {
    fn from(r: UserRecord) -> Self {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            is_admin: r.is_admin,
            active: r.active,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[validate(email(message = "must be an email address"))]
    #[schema(format = "email")]
    pub email: String,
    #[validate(custom(function = "not_blank"), length(max = 200, message = "at most 200 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 200)]
    pub name: String,
    /// At least 10 characters.
    #[validate(length(min = 10, max = 200, message = "between 10 and 200 characters"))]
    #[schema(min_length = 10, max_length = 200)]
    pub password: String,
    #[serde(default)]
    pub is_admin: bool,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    #[validate(custom(function = "not_blank"), length(max = 200, message = "at most 200 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 200)]
    pub name: String,
    pub is_admin: bool,
    pub active: bool,
    /// A new password (at least 10 characters), or absent to keep the current one.
    #[serde(default)]
    #[validate(length(min = 10, max = 200, message = "between 10 and 200 characters"))]
    #[schema(min_length = 10, max_length = 200)]
    pub password: Option<String>,
    /// Required: the version you read.
    pub version: Option<i32>,
}

pub fn list_users(conn: &mut DbConnection) -> Result<Vec<User>, AppError> {
    let rows: Vec<UserRecord> = users::table.select(UserRecord::as_select()).order(users::email).load(conn)?;
    Ok(rows.into_iter().map(User::from).collect())
}

pub fn get_user(conn: &mut DbConnection, id: i64) -> Result<User, AppError> {
    users::table
        .find(id)
        .select(UserRecord::as_select())
        .first(conn)
        .optional()?
        .map(User::from)
        .ok_or_else(|| AppError::NotFound(format!("user {id}")))
}

/// Emails are compared case-insensitively: stored lower-case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks the input's rules before the (slow) password hash is computed.
pub fn check_new_user(input: &NewUser) -> Result<(), AppError> {
    check(input, vec![])
}

pub fn create_user(
    conn: &mut DbConnection,
    actor: &Actor,
    input: &NewUser,
    password_hash: &str,
) -> Result<User, AppError> {
    check(input, vec![])?;
    let email = normalize_email(&input.email);
    if users::table.filter(users::email.eq(&email)).count().get_result::<i64>(conn)? > 0 {
        return Err(AppError::conflict("email", format!("a user with email {email} already exists")));
    }
    let at = now();
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::email.eq(&email),
            users::name.eq(input.name.trim()),
            users::password_hash.eq(password_hash),
            users::is_admin.eq(input.is_admin),
            users::active.eq(true),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::id)
        .get_result(conn)?;
    let user = get_user(conn, id)?;
    audit::created(conn, actor, None, "user", id, &user)?;
    Ok(user)
}

pub fn update_user(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &UserUpdate,
    new_password_hash: Option<&str>,
) -> Result<User, AppError> {
    let sent = required_version(input.version)?;
    let current = get_user(conn, id)?;
    check_version(current.version, sent, "the user")?;
    check(input, vec![])?;
    keep_an_administrator(conn, actor, &current, input)?;
    crate::db::auth_changed();
    let n = diesel::update(users::table.find(id).filter(users::version.eq(sent)))
        .set((
            users::name.eq(input.name.trim()),
            users::is_admin.eq(input.is_admin),
            users::active.eq(input.active),
            users::updated_at.eq(now()),
            users::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the user")?;
    if let Some(hash) = new_password_hash {
        diesel::update(users::table.find(id)).set(users::password_hash.eq(hash)).execute(conn)?;
        // A new password ends every session and script token of the user.
        revoke_all_tokens(conn, id)?;
    }
    let after = get_user(conn, id)?;
    audit::updated(conn, actor, None, "user", id, &current, &after)?;
    Ok(after)
}

/// Refuses (409) the change that would leave no active administrator: the last one may not
/// remove its own admin flag or deactivate itself, and nobody may do it for them, since nobody
/// would be left to manage users and memberships. On PostgreSQL the active administrators'
/// rows are locked first, so two administrators demoting each other at once cannot both pass
/// (on SQLite the second writer's transaction is retried and sees the first one's change).
fn keep_an_administrator(
    conn: &mut DbConnection,
    actor: &Actor,
    current: &User,
    input: &UserUpdate,
) -> Result<(), AppError> {
    if !(current.is_admin && current.active) || (input.is_admin && input.active) {
        return Ok(());
    }
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT id FROM users WHERE is_admin AND active FOR UPDATE").execute(pg)?;
    }
    let others: i64 = users::table
        .filter(users::is_admin.eq(true))
        .filter(users::active.eq(true))
        .filter(users::id.ne(current.id))
        .count()
        .get_result(conn)?;
    if others > 0 {
        return Ok(());
    }
    let (field, change) =
        if !input.active { ("active", "deactivated") } else { ("is_admin", "stripped of the admin flag") };
    let who = if actor.user_id == Some(current.id) {
        "you are the last active administrator".to_string()
    } else {
        format!("{} is the last active administrator", current.email)
    };
    Err(AppError::conflict(
        field,
        format!(
            "{who} and cannot be {change}: nobody would be left to manage users and memberships; \
             make another user an administrator first"
        ),
    ))
}

/// What login needs: the user's id, password hash and whether it may log in.
pub fn credentials(conn: &mut DbConnection, email: &str) -> Result<Option<(i64, String, bool)>, AppError> {
    Ok(users::table
        .filter(users::email.eq(normalize_email(email)))
        .select((users::id, users::password_hash, users::active))
        .first(conn)
        .optional()?)
}

/// A user's role on a project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Membership {
    pub id: i64,
    pub user_id: i64,
    pub email: String,
    pub project_id: i64,
    pub role: crate::domain::access::Role,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipInput {
    pub user_id: i64,
    pub role: Role,
}

type MembershipRow = (i64, i64, String, i64, Role, NaiveDateTime);

fn to_membership((id, user_id, email, project_id, role, created_at): MembershipRow) -> Membership {
    Membership { id, user_id, email, project_id, role, created_at }
}

pub fn list_members(conn: &mut DbConnection, project_id: i64) -> Result<Vec<Membership>, AppError> {
    let rows: Vec<MembershipRow> = memberships::table
        .inner_join(users::table)
        .filter(memberships::project_id.eq(project_id))
        .select((
            memberships::id,
            memberships::user_id,
            users::email,
            memberships::project_id,
            memberships::role,
            memberships::created_at,
        ))
        .order(users::email)
        .load(conn)?;
    Ok(rows.into_iter().map(to_membership).collect())
}

pub fn get_membership(conn: &mut DbConnection, id: i64) -> Result<Membership, AppError> {
    let row: Option<MembershipRow> = memberships::table
        .find(id)
        .inner_join(users::table)
        .select((
            memberships::id,
            memberships::user_id,
            users::email,
            memberships::project_id,
            memberships::role,
            memberships::created_at,
        ))
        .first(conn)
        .optional()?;
    row.map(to_membership).ok_or_else(|| AppError::NotFound(format!("membership {id}")))
}

pub fn add_member(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: i64,
    input: &MembershipInput,
) -> Result<Membership, AppError> {
    if users::table.find(input.user_id).count().get_result::<i64>(conn)? == 0 {
        return Err(AppError::field("user_id", format!("user {} does not exist", input.user_id)));
    }
    let existing = memberships::table
        .filter(memberships::user_id.eq(input.user_id))
        .filter(memberships::project_id.eq(project_id))
        .select(memberships::role)
        .first::<String>(conn)
        .optional()?;
    if let Some(role) = existing {
        return Err(AppError::conflict(
            "user_id",
            format!("the user is already {role} on this project: remove that membership first"),
        ));
    }
    crate::db::auth_changed();
    let id: i64 = diesel::insert_into(memberships::table)
        .values((
            memberships::user_id.eq(input.user_id),
            memberships::project_id.eq(project_id),
            memberships::role.eq(input.role.as_str()),
            memberships::created_at.eq(now()),
        ))
        .returning(memberships::id)
        .get_result(conn)?;
    let m = get_membership(conn, id)?;
    audit::created(conn, actor, Some(project_id), "membership", id, &m)?;
    Ok(m)
}

pub fn remove_member(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let m = get_membership(conn, id)?;
    crate::db::auth_changed();
    diesel::delete(memberships::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(m.project_id), "membership", id, &m)
}

/// Roles of a user, by project id.
pub fn roles_of(conn: &mut DbConnection, user_id: i64) -> Result<HashMap<i64, Role>, AppError> {
    let rows: Vec<(i64, String)> = memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select((memberships::project_id, memberships::role))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(p, r)| Role::parse(&r).map(|r| (p, r))).collect())
}

/// Project codes a user can see, for `me`.
pub fn project_codes(conn: &mut DbConnection, ids: &[i64]) -> Result<HashMap<i64, String>, AppError> {
    let rows: Vec<(i64, String)> =
        projects::table.filter(projects::id.eq_any(ids)).select((projects::id, projects::code)).load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The `api_tokens` row as stored; [`ApiToken`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct ApiTokenRecord {
    id: i64,
    user_id: i64,
    name: String,
    kind: crate::domain::access::TokenKind,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::MaybeStoredTime)]
    expires_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = crate::db::MaybeStoredTime)]
    revoked_at: Option<NaiveDateTime>,
}

/// A bearer token as its owner sees it (the secret itself is shown once, at creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// `session` (from login) or `personal` (for scripts).
    pub kind: crate::domain::access::TokenKind,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp::option")]
    pub expires_at: Option<NaiveDateTime>,
    #[serde(with = "crate::timestamp::option")]
    pub revoked_at: Option<NaiveDateTime>,
}

impl From<ApiTokenRecord> for ApiToken {
    fn from(r: ApiTokenRecord) -> Self {
        ApiToken {
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            kind: r.kind,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
        }
    }
}

pub fn create_token(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: i64,
    name: &str,
    kind: &str,
    token_hash: &str,
    expires_at: Option<NaiveDateTime>,
) -> Result<ApiToken, AppError> {
    let id: i64 = diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::name.eq(name),
            api_tokens::kind.eq(kind),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(now()),
            api_tokens::expires_at.eq(expires_at),
        ))
        .returning(api_tokens::id)
        .get_result(conn)?;
    let token = get_token(conn, id)?;
    if kind != "session" {
        audit::created(conn, actor, None, "api_token", id, &token)?;
    }
    Ok(token)
}

fn get_token(conn: &mut DbConnection, id: i64) -> Result<ApiToken, AppError> {
    api_tokens::table
        .find(id)
        .select(ApiTokenRecord::as_select())
        .first(conn)
        .optional()?
        .map(ApiToken::from)
        .ok_or_else(|| AppError::NotFound(format!("token {id}")))
}

/// The user's live personal tokens.
pub fn list_tokens(conn: &mut DbConnection, user_id: i64) -> Result<Vec<ApiToken>, AppError> {
    let rows: Vec<ApiTokenRecord> = api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::kind.eq("personal"))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiTokenRecord::as_select())
        .order(api_tokens::id)
        .load(conn)?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

/// Revokes one of the user's own tokens (another user's token is "not found").
pub fn revoke_token(conn: &mut DbConnection, actor: &Actor, user_id: i64, id: i64) -> Result<(), AppError> {
    let token = get_token(conn, id)?;
    if token.user_id != user_id || token.revoked_at.is_some() {
        return Err(AppError::NotFound(format!("token {id}")));
    }
    crate::db::auth_changed();
    diesel::update(api_tokens::table.find(id)).set(api_tokens::revoked_at.eq(now())).execute(conn)?;
    if token.kind != TokenKind::Session {
        audit::record(conn, actor, None, "api_token", id, "revoke", serde_json::to_value(&token).ok(), None)?;
    }
    Ok(())
}

fn revoke_all_tokens(conn: &mut DbConnection, user_id: i64) -> Result<(), AppError> {
    crate::db::auth_changed();
    diesel::update(api_tokens::table.filter(api_tokens::user_id.eq(user_id)).filter(api_tokens::revoked_at.is_null()))
        .set(api_tokens::revoked_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// Resolves a token hash to its live token and active user, or `None`.
pub fn token_owner(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(i64, Option<NaiveDateTime>, User)>, AppError> {
    let found: Option<(i64, Option<NaiveDateTime>, Option<NaiveDateTime>, UserRecord)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .select((api_tokens::id, api_tokens::expires_at, api_tokens::revoked_at, UserRecord::as_select()))
        .first(conn)
        .optional()?;
    let t = now();
    Ok(found.and_then(|(id, expires, revoked, user)| {
        (revoked.is_none() && expires.is_none_or(|e| e > t) && user.active).then(|| (id, expires, User::from(user)))
    }))
}

/// The language a user chose for the web pages (`None`: not chosen yet).
pub fn lang_of(conn: &mut DbConnection, user_id: i64) -> Result<Option<String>, AppError> {
    Ok(users::table.find(user_id).select(users::lang).first::<Option<String>>(conn).optional()?.flatten())
}

/// Remembers a user's language (the caller checked it is one the pages have); audited.
pub fn set_lang(conn: &mut DbConnection, actor: &Actor, user_id: i64, lang: &str) -> Result<(), AppError> {
    let before = lang_of(conn, user_id)?;
    if before.as_deref() == Some(lang) {
        return Ok(());
    }
    diesel::update(users::table.find(user_id)).set(users::lang.eq(lang)).execute(conn)?;
    audit::updated(
        conn,
        actor,
        None,
        "user_lang",
        user_id,
        &serde_json::json!({ "lang": before }),
        &serde_json::json!({ "lang": lang }),
    )
}
