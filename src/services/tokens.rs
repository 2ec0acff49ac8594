//! Personal API tokens (for scripts) and the caller's own account: every signed-in user keeps
//! their own tokens only. The use cases behind `/api/v1/auth/tokens[/{id}]` and
//! `/api/v1/auth/me`. (Sessions, signing in and out: [`super::session`].)

use crate::auth::{self, Principal};
use crate::db::Db;
use crate::domain::access::Role;
use crate::error::AppError;
use crate::store::users::{self, ApiToken};
use chrono::Duration;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

/// A personal token asked for.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What the token is for, e.g. "monthly export script".
    #[validate(length(min = 1, max = 100, message = "between 1 and 100 characters"))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Days until it expires (1-365, default 90).
    #[validate(range(min = 1, max = 365, message = "between 1 and 365 days"))]
    #[schema(minimum = 1, maximum = 365)]
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

/// How long a personal token lives when the caller does not say.
pub const DEFAULT_DAYS: i64 = 90;

/// A new personal token: its secret (to hand to the caller once; only its hash is stored)
/// and what is stored of it.
pub struct Issued {
    pub token: String,
    pub stored: ApiToken,
}

/// Issues a personal token to the caller (a broken rule: 422 naming the field).
pub async fn create(db: &Db, who: &Principal, input: TokenInput) -> Result<Issued, AppError> {
    crate::store::check(&input, vec![])?;
    let token = auth::new_token();
    let hash = auth::token_hash(&token);
    let expires = crate::store::now() + Duration::days(input.expires_in_days.unwrap_or(DEFAULT_DAYS));
    let (actor, user_id) = (who.actor(), who.user_id);
    let stored = db
        .tx(move |c| users::create_token(c, &actor, user_id, input.name.trim(), "personal", &hash, Some(expires)))
        .await?;
    Ok(Issued { token, stored })
}

/// The caller's live personal tokens (never their secrets).
pub async fn list(db: &Db, who: &Principal) -> Result<Vec<ApiToken>, AppError> {
    let user_id = who.user_id;
    db.tx(move |c| users::list_tokens(c, user_id)).await
}

/// Revokes one of the caller's tokens (another user's is not found).
pub async fn revoke(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    let (actor, user_id) = (who.actor(), who.user_id);
    db.tx(move |c| users::revoke_token(c, &actor, user_id, id)).await
}

/// A project the caller holds a role on.
#[derive(Debug, Clone)]
pub struct RoleOn {
    pub project_id: i64,
    pub project_code: String,
    pub role: Role,
}

/// The caller's account as they see it: their roles by project code and the language they
/// chose for the pages (`None`: not chosen yet).
#[derive(Debug, Clone)]
pub struct Account {
    pub projects: Vec<RoleOn>,
    pub lang: Option<String>,
}

/// The caller's own account, read in one transaction.
pub async fn account(db: &Db, who: &Principal) -> Result<Account, AppError> {
    let (ids, user_id) = (who.roles.keys().copied().collect::<Vec<i64>>(), who.user_id);
    let (codes, lang) = db.tx(move |c| Ok((users::project_codes(c, &ids)?, users::lang_of(c, user_id)?))).await?;
    let mut projects: Vec<RoleOn> = who
        .roles
        .iter()
        .map(|(id, role)| RoleOn {
            project_id: *id,
            project_code: codes.get(id).cloned().unwrap_or_default(),
            role: *role,
        })
        .collect();
    projects.sort_by(|a, b| a.project_code.cmp(&b.project_code));
    Ok(Account { projects, lang })
}
