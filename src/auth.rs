//! Authentication and authorization: argon2 password hashes, random bearer tokens stored
//! only as SHA-256, the [`Principal`] extractor every protected handler takes; the login
//! limiter and the bounded password-hash pool are in [`login`].

mod login;
pub use login::{Attempt, HashPermit, HashPool, Login, LoginLimiter, LoginPolicy};

use crate::db::Db;
use crate::domain::access::{Action, GlobalAction, Role, allows, allows_global};
use crate::error::AppError;
use crate::store::audit::Actor;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

/// Hashes a password with argon2id (slow on purpose: call it off the async workers).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    login::argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

/// Checks a password against a stored hash; a malformed hash simply does not match.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| login::argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of an unguessable password, verified when the email is unknown so that
/// "no such user" and "wrong password" take the same time.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&new_token()).expect("hashing works"))
}

/// A new bearer token: `rbm_` and 64 hex digits (32 random bytes).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("rbm_{}", hex(&bytes))
}

/// What is stored of a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub email: String,
    pub is_admin: bool,
    /// The token this request came with (logout revokes it).
    pub token_id: i64,
    /// Role per project id.
    pub roles: HashMap<i64, Role>,
    /// `X-Change-Reason` header: why a change is made (required to change approved data).
    pub reason: Option<String>,
}

impl Principal {
    pub fn actor(&self) -> Actor {
        Actor { user_id: Some(self.user_id), reason: self.reason.clone() }
    }

    /// May the caller do `action` on the project? Someone with no role on the project gets
    /// 404, as if it did not exist; a role without the right gets 403.
    pub fn require(&self, project_id: i64, action: Action) -> Result<(), AppError> {
        if self.is_admin {
            return Ok(());
        }
        match self.roles.get(&project_id) {
            None => Err(AppError::NotFound("the resource".into())),
            Some(role) if allows(*role, action) => Ok(()),
            Some(role) => Err(AppError::Forbidden(match action.refusal() {
                Some(why) => why.to_string(),
                None => format!("a {role} may not do this on this project"),
            })),
        }
    }

    /// Whether the caller may do `action` on the project (no error, for optional features).
    pub fn may(&self, project_id: i64, action: Action) -> bool {
        self.is_admin || self.roles.get(&project_id).is_some_and(|r| allows(*r, action))
    }

    /// May the caller do `action` outside any one project (the policy's [`allows_global`])?
    /// 403 with the action's own message when not.
    pub fn require_global(&self, action: GlobalAction) -> Result<(), AppError> {
        if self.may_global(action) { Ok(()) } else { Err(AppError::Forbidden(action.refusal().into())) }
    }

    /// Whether the caller may do `action` outside any one project (no error).
    pub fn may_global(&self, action: GlobalAction) -> bool {
        self.is_admin || allows_global(self.roles.values().copied(), action)
    }

    /// [`GlobalAction::Administer`].
    pub fn require_admin(&self) -> Result<(), AppError> {
        self.require_global(GlobalAction::Administer)
    }

    /// Projects the caller may see (`None`: all of them).
    pub fn visible_projects(&self) -> Option<Vec<i64>> {
        (!self.is_admin).then(|| self.roles.keys().copied().collect())
    }
}

fn bearer(req: &HttpRequest) -> Result<String, AppError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| AppError::Unauthorized("this endpoint needs `Authorization: Bearer <token>`".into()))?;
    let value = header.to_str().unwrap_or_default();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim().to_string())
        }
        _ => Err(AppError::Unauthorized("the Authorization header must be `Bearer <token>`".into())),
    }
}

impl FromRequest for Principal {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let db = req.app_data::<web::Data<Db>>().cloned();
        let reason = req
            .headers()
            .get("X-Change-Reason")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        Box::pin(async move {
            let token = token?;
            let db = db.ok_or_else(|| AppError::Internal("database missing from app data".into()))?;
            let found = crate::services::session::principal(&db, &token).await?;
            let who = found.ok_or_else(|| AppError::Unauthorized("the token is unknown, expired or revoked".into()))?;
            Ok(Principal { reason, ..who })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_as_sha256() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
