//! Signing in and out with a session: the same argon2 check, login limiter and session
//! tokens as `POST /api/v1/auth/login` (a web session is a `session` token whose secret the
//! browser keeps in an HttpOnly cookie instead of an `Authorization` header).

use crate::api::auth::SESSION_HOURS;
use crate::auth::{self, Login, Principal};
use crate::db::Db;
use crate::error::AppError;
use crate::store::audit::Actor;
use crate::store::users;
use chrono::Duration;

/// A new session: the secret (to hand to the client once), its id and when it ends.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub token_id: i64,
    pub expires_at: Option<chrono::NaiveDateTime>,
}

/// Where a session was opened: its token's label in the user's token list.
#[derive(Debug, Clone, Copy)]
pub enum Door {
    Api,
    Web,
}

/// Checks email and password under the login limits (counted before the hash is computed,
/// argon2 through the hash pool, off the async workers; unknown emails take as long as wrong
/// passwords) and opens a session: the one use case behind `POST /api/v1/auth/login` and the
/// web sign-in. Wrong credentials are `Unauthorized` without saying which part was wrong.
pub async fn sign_in(
    db: &Db,
    login: &Login,
    door: Door,
    email: &str,
    password: &str,
    address: &str,
) -> Result<Session, AppError> {
    let attempt = login.limiter.reserve(db, email, address).await?;
    let mut permit = match login.permit() {
        Ok(p) => p,
        Err(e) => {
            attempt.not_evaluated().await?;
            return Err(e);
        }
    };
    let lookup = email.to_string();
    let found = db.tx(move |c| users::credentials(c, &lookup)).await?;
    let password = password.to_string();
    let (user_id, ok) = actix_web::web::block(move || match found {
        Some((id, hash, active)) => (Some(id), permit.verify(&password, &hash) && active),
        None => {
            // Same work as a real check, so timing does not tell which emails exist.
            let _ = permit.verify(&password, auth::dummy_hash());
            (None, false)
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(user_id) = user_id.filter(|_| ok) else {
        attempt.failed();
        log::warn!("failed login for an account from {address}");
        return Err(AppError::Unauthorized("wrong email or password".into()));
    };
    attempt.succeeded().await?;
    let token = auth::new_token();
    let hash = auth::token_hash(&token);
    let expires = crate::store::now() + Duration::hours(SESSION_HOURS);
    let actor = Actor { user_id: Some(user_id), reason: None };
    let label = match door {
        Door::Api => "login session",
        Door::Web => "web session",
    };
    let t = db.tx(move |c| users::create_token(c, &actor, user_id, label, "session", &hash, Some(expires))).await?;
    Ok(Session { token, token_id: t.id, expires_at: t.expires_at })
}

/// How long a looked-up caller is reused without asking the database again. A change to
/// users, memberships or tokens made through this instance empties the cache at once (see
/// [`crate::db::auth_changed`]); one made through another instance on the same database is seen after at
/// most this long.
pub const PRINCIPAL_TTL: std::time::Duration = std::time::Duration::from_secs(2);

/// A caller looked up recently: when, under which generation, and until when its token lives.
struct Cached {
    principal: Principal,
    at: std::time::Instant,
    generation: u64,
    expires_at: Option<chrono::NaiveDateTime>,
}

/// Above this many cached callers the cache is emptied (a bound on memory, not a policy).
const MAX_CACHED: usize = 10_000;

fn cache() -> &'static std::sync::Mutex<std::collections::HashMap<String, Cached>> {
    static C: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, Cached>>> =
        std::sync::OnceLock::new();
    C.get_or_init(Default::default)
}

/// The caller behind a token (a bearer token or the web session's secret), or `None` when it
/// is unknown, expired or revoked (or its user deactivated): the one lookup of both doors.
/// Reused for [`PRINCIPAL_TTL`] (the read path's one round trip less), never past a change of
/// users, memberships or tokens on this instance, nor past the token's expiry.
pub async fn principal(db: &Db, token: &str) -> Result<Option<Principal>, AppError> {
    Ok(lookup(db, token, false).await?.map(|(p, _)| p))
}

/// The caller behind a web session's secret and the language they chose for the pages (one
/// transaction per page, like [`principal`]).
pub async fn web_principal(db: &Db, token: &str) -> Result<Option<(Principal, Option<String>)>, AppError> {
    lookup(db, token, true).await
}

async fn lookup(db: &Db, token: &str, with_lang: bool) -> Result<Option<(Principal, Option<String>)>, AppError> {
    let hash = auth::token_hash(token);
    let generation = crate::db::auth_generation();
    // The API's callers come from the cache; the pages also read the language, so they ask.
    if !with_lang {
        let map = cache().lock().expect("principal cache");
        if let Some(c) = map.get(&hash)
            && c.generation == generation
            && c.at.elapsed() < PRINCIPAL_TTL
            && c.expires_at.is_none_or(|e| e > crate::store::now())
        {
            return Ok(Some((c.principal.clone(), None)));
        }
    }
    let key = hash.clone();
    let found = db
        .read(move |c| {
            let Some((token_id, expires_at, user)) = users::token_owner(c, &key)? else { return Ok(None) };
            let roles = users::roles_of(c, user.id)?;
            let lang = if with_lang { users::lang_of(c, user.id)? } else { None };
            Ok(Some((token_id, expires_at, user, roles, lang)))
        })
        .await?;
    let Some((token_id, expires_at, user, roles, lang)) = found else { return Ok(None) };
    let principal =
        Principal { user_id: user.id, email: user.email, is_admin: user.is_admin, token_id, roles, reason: None };
    let mut map = cache().lock().expect("principal cache");
    if map.len() >= MAX_CACHED {
        map.clear();
    }
    let cached = Cached { principal: principal.clone(), at: std::time::Instant::now(), generation, expires_at };
    map.insert(hash, cached);
    Ok(Some((principal, lang)))
}

/// Remembers the caller's language for the web pages: the switch in the pages' header and
/// `PATCH /auth/me`. A language the pages do not have is a 422 naming `lang`.
pub async fn set_lang(db: &Db, who: &Principal, lang: &str) -> Result<(), AppError> {
    let available = crate::web::languages();
    if !available.iter().any(|l| l == lang) {
        return Err(AppError::field("lang", format!("unknown language `{lang}`: use one of {}", available.join(", "))));
    }
    let (actor, id, lang) = (who.actor(), who.user_id, lang.to_string());
    db.tx(move |c| users::set_lang(c, &actor, id, &lang)).await
}

/// Ends the caller's session (revokes its token).
pub async fn sign_out(db: &Db, who: &Principal) -> Result<(), AppError> {
    let (actor, user_id, token_id) = (who.actor(), who.user_id, who.token_id);
    db.tx(move |c| users::revoke_token(c, &actor, user_id, token_id)).await
}
