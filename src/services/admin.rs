//! Administration: users, their roles on projects (memberships), the budget-account catalogue
//! with its EU heading mapping, funding sources, and the audit trail. The `/admin` pages and the
//! API's `/users`, `/memberships`, `/projects/{p}/members`, `/budget-accounts`,
//! `/funding-sources` and `/audit` endpoints call these: same rules (administrators keep users,
//! memberships and accounts; finance officers and administrators keep funding sources; the
//! last active administrator stays), one transaction each, audited by the store.

use super::project_for;
use crate::auth::{Login, Principal};
use crate::db::Db;
use crate::domain::access::{Action, GlobalAction};
use crate::error::AppError;
use crate::store::accounts::{self, BudgetAccount, BudgetAccountInput};
use crate::store::audit::{self, AuditEntry, AuditFilter};
use crate::store::funding::{self, FundingSource, FundingSourceInput};
use crate::store::projects::{self, Project};
use crate::store::users::{self, Membership, MembershipInput, NewUser, User, UserUpdate};

/// Hashes off the async workers (argon2 is slow on purpose), in one of the login's bounded
/// hashing slots so that memory stays bounded whoever asks.
async fn hash(login: &Login, password: String) -> Result<String, AppError> {
    let mut permit = login.permit()?;
    actix_web::web::block(move || permit.hash(&password)).await.map_err(|e| AppError::Internal(e.to_string()))?
}

pub async fn list_users(db: &Db, who: &Principal) -> Result<Vec<User>, AppError> {
    who.require_admin()?;
    db.tx(users::list_users).await
}

/// Creates a user with a first password (checked before the slow hash).
pub async fn create_user(db: &Db, login: &Login, who: &Principal, input: NewUser) -> Result<User, AppError> {
    who.require_admin()?;
    users::check_new_user(&input)?;
    let password_hash = hash(login, input.password.clone()).await?;
    let actor = who.actor();
    db.tx(move |c| users::create_user(c, &actor, &input, &password_hash)).await
}

pub async fn get_user(db: &Db, who: &Principal, id: i64) -> Result<User, AppError> {
    who.require_admin()?;
    db.tx(move |c| users::get_user(c, id)).await
}

/// A user with the roles held, and every project (to give a role on).
pub struct UserRoles {
    pub user: User,
    /// Each membership with its project.
    pub roles: Vec<(Membership, Project)>,
    pub projects: Vec<Project>,
}

pub async fn user_roles(db: &Db, who: &Principal, id: i64) -> Result<UserRoles, AppError> {
    who.require_admin()?;
    db.tx(move |c| {
        let user = users::get_user(c, id)?;
        let projects = projects::list(c)?;
        let mut roles = vec![];
        for p in &projects {
            for m in users::list_members(c, p.id)? {
                if m.user_id == id {
                    roles.push((m, p.clone()));
                }
            }
        }
        Ok(UserRoles { user, roles, projects })
    })
    .await
}

/// Changes a user's name, admin flag, active flag, and (when given) password; a new password
/// ends the user's sessions and tokens. The last active administrator stays (409).
pub async fn update_user(
    db: &Db,
    login: &Login,
    who: &Principal,
    id: i64,
    input: UserUpdate,
) -> Result<User, AppError> {
    who.require_admin()?;
    crate::store::check(&input, vec![])?;
    let new_hash = match &input.password {
        Some(p) => Some(hash(login, p.clone()).await?),
        None => None,
    };
    let actor = who.actor();
    db.tx(move |c| users::update_user(c, &actor, id, &input, new_hash.as_deref())).await
}

/// The members of a project (those who read its audit trail may see them).
pub async fn members(db: &Db, who: &Principal, key: &str) -> Result<Vec<Membership>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::ReadAudit)?;
        users::list_members(c, p.id)
    })
    .await
}

/// Gives a user a role on a project (one role per user and project: 409 otherwise).
pub async fn add_member(db: &Db, who: &Principal, key: &str, input: MembershipInput) -> Result<Membership, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::Read)?;
        who.require_admin()?;
        users::add_member(c, &who.actor(), p.id, &input)
    })
    .await
}

/// Takes a role away.
pub async fn remove_member(db: &Db, who: &Principal, id: i64) -> Result<Membership, AppError> {
    let who = who.clone();
    db.tx(move |c| {
        let m = users::get_membership(c, id)?;
        who.require(m.project_id, Action::Read)?;
        who.require_admin()?;
        users::remove_member(c, &who.actor(), id)?;
        Ok(m)
    })
    .await
}

pub async fn list_accounts(db: &Db) -> Result<Vec<BudgetAccount>, AppError> {
    db.tx(accounts::list).await
}

pub async fn get_account(db: &Db, id: i64) -> Result<BudgetAccount, AppError> {
    db.tx(move |c| accounts::get(c, id)).await
}

pub async fn create_account(db: &Db, who: &Principal, input: BudgetAccountInput) -> Result<BudgetAccount, AppError> {
    who.require_admin()?;
    let actor = who.actor();
    db.tx(move |c| accounts::create(c, &actor, &input)).await
}

pub async fn update_account(
    db: &Db,
    who: &Principal,
    id: i64,
    input: BudgetAccountInput,
) -> Result<BudgetAccount, AppError> {
    who.require_admin()?;
    let actor = who.actor();
    db.tx(move |c| accounts::update(c, &actor, id, &input)).await
}

pub async fn delete_account(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    who.require_admin()?;
    let actor = who.actor();
    db.tx(move |c| accounts::delete(c, &actor, id)).await
}

pub async fn list_sources(db: &Db) -> Result<Vec<FundingSource>, AppError> {
    db.tx(funding::list_sources).await
}

pub async fn get_source(db: &Db, id: i64) -> Result<FundingSource, AppError> {
    db.tx(move |c| funding::get_source(c, id)).await
}

pub async fn create_source(db: &Db, who: &Principal, input: FundingSourceInput) -> Result<FundingSource, AppError> {
    who.require_global(GlobalAction::KeepCatalogues)?;
    let actor = who.actor();
    db.tx(move |c| funding::create_source(c, &actor, &input)).await
}

pub async fn update_source(
    db: &Db,
    who: &Principal,
    id: i64,
    input: FundingSourceInput,
) -> Result<FundingSource, AppError> {
    who.require_global(GlobalAction::KeepCatalogues)?;
    let actor = who.actor();
    db.tx(move |c| funding::update_source(c, &actor, id, &input)).await
}

pub async fn delete_source(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
    who.require_global(GlobalAction::KeepCatalogues)?;
    let actor = who.actor();
    db.tx(move |c| funding::delete_source(c, &actor, id)).await
}

/// The whole audit trail (administrators), newest first.
pub async fn audit_all(db: &Db, who: &Principal, filter: AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    who.require_admin()?;
    db.tx(move |c| audit::list(c, None, &filter)).await
}

/// A project's audit trail (every role but donors), newest first.
pub async fn audit_of_project(
    db: &Db,
    who: &Principal,
    key: &str,
    filter: AuditFilter,
) -> Result<Vec<AuditEntry>, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    db.tx(move |c| {
        let p = project_for(c, &who, &key, Action::ReadAudit)?;
        audit::list(c, Some(p.id), &filter)
    })
    .await
}

/// One page of the audit trail, newest first, and where it stands among the entries the
/// filters match.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Every entry the filters match (`before`/`after` aside).
    pub total: i64,
    /// How many of those are newer than the page's first entry (the page starts at `newer + 1`).
    pub newer: i64,
}

/// A page of the trail of one project (`Some(key)`: every role but donors) or of everything
/// (administrators): the entries, the count and the position, read in one transaction so that
/// they agree.
pub async fn audit_page(
    db: &Db,
    who: &Principal,
    project: Option<&str>,
    filter: AuditFilter,
) -> Result<AuditPage, AppError> {
    let (who, key) = (who.clone(), project.map(str::to_string));
    if key.is_none() {
        who.require_admin()?;
    }
    db.tx(move |c| {
        let project_id = match &key {
            Some(k) => Some(project_for(c, &who, k, Action::ReadAudit)?.id),
            None => None,
        };
        let entries = audit::list(c, project_id, &filter)?;
        let all = AuditFilter { before: None, after: None, ..filter.clone() };
        let total = audit::count(c, project_id, &all)?;
        let newer = match entries.first() {
            Some(first) => audit::count(c, project_id, &AuditFilter { after: Some(first.id), ..all })?,
            None => 0,
        };
        Ok(AuditPage { entries, total, newer })
    })
    .await
}

/// Every project (for the audit trail's and the roles' choosers).
pub async fn all_projects(db: &Db, who: &Principal) -> Result<Vec<Project>, AppError> {
    who.require_admin()?;
    db.tx(projects::list).await
}
