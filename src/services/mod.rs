//! Use cases: one function per thing a user does. Each takes the caller ([`Principal`]),
//! checks the one access policy ([`crate::domain::access`]), runs one transaction through
//! [`crate::db::Db`], lets the store write the audit entry, and returns domain values.
//!
//! The web pages and the JSON API handlers call these and nothing below them.
//!
//! [`Principal`]: crate::auth::Principal

pub mod admin;
pub mod dashboard;
pub mod finance;
pub mod findings;
pub mod framework;
pub mod funding;
pub mod iati;
pub mod issues;
pub mod monitoring;
pub mod portal;
pub mod progress;
pub mod projects;
pub mod quarter;
pub mod reports;
pub mod session;
pub mod tokens;
pub mod workflow;
pub mod workplan;
pub mod workplan_io;

use crate::auth::Principal;
use crate::db::DbConnection;
use crate::domain::access::Action;
use crate::error::AppError;
use crate::store::projects::Project;

/// Finds a project by id or code and checks that the caller may do `action` on it
/// (no role on it: 404, as if it did not exist; a role without the right: 403).
pub fn project_for(conn: &mut DbConnection, who: &Principal, key: &str, action: Action) -> Result<Project, AppError> {
    let p = crate::store::projects::find(conn, key)?;
    who.require(p.id, action)?;
    Ok(p)
}

/// Who sees progress before it is approved (the policy's `PreviewUnapproved`, as on the API).
pub fn sees_unapproved(who: &Principal, project_id: i64) -> bool {
    who.may(project_id, Action::PreviewUnapproved)
}
