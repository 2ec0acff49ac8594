//! Administration pages (`/admin/...`, administrators only): users (create with a first
//! password, deactivate, reset the password), their roles on projects, the budget-account
//! catalogue with its EU heading mapping, funding sources, and the audit trail with filters
//! and a before/after view of each change. Same use cases as the API ([`crate::services::admin`]).

use super::{WebError, WebUser, html, render, see_other};
use crate::auth::Login;
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::access::Role;
use crate::domain::budget::EU_HEADINGS;
use crate::domain::{FundingKind, eu};
use crate::error::AppError;
use crate::services::admin as uc;
use crate::store::accounts::BudgetAccountInput;
use crate::store::audit::AuditFilter;
use crate::store::funding::FundingSourceInput;
use crate::store::users::{MembershipInput, NewUser, UserUpdate};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use std::collections::HashMap;

type Form = web::Form<Vec<(String, String)>>;

/// A posted form as a map (the last value of a name wins; checkboxes are present or not).
fn fields(form: Form) -> HashMap<String, String> {
    form.into_inner().into_iter().collect()
}

fn admin_only(user: &WebUser) -> Result<(), WebError> {
    user.principal.require_admin().map_err(WebError::from)
}

/// An input for the shared `field` partial.
fn input(name: &str, label: &str, value: &str, hint: Option<&str>, errors: &[FieldError]) -> Value {
    let id = name.replace('_', "-");
    let error = errors.iter().find(|e| e.field == name).map(|e| e.message.clone());
    let mut describedby = vec![];
    if hint.is_some() {
        describedby.push(format!("{id}-hint"));
    }
    if error.is_some() {
        describedby.push(format!("{id}-error"));
    }
    json!({
        "id": id, "name": name, "label": label, "hint": hint, "optional": false, "value": value,
        "error": error, "describedby": (!describedby.is_empty()).then(|| describedby.join(" ")),
        "is_select": false, "is_textarea": false, "rows": 0, "options": [], "input_class": "", "inputmode": null,
    })
}

fn select(name: &str, label: &str, value: &str, options: &[(String, String)], errors: &[FieldError]) -> Value {
    let mut v = input(name, label, value, None, errors);
    v["is_select"] = json!(true);
    v["options"] =
        json!(options.iter().map(|(o, l)| json!({"value": o, "label": l, "selected": o == value})).collect::<Vec<_>>());
    v
}

/// The error summary's links: each error to its field.
fn summary(errors: &[FieldError]) -> Vec<Value> {
    errors.iter().map(|e| json!({"href": format!("#{}", e.field.replace('_', "-")), "message": e.message})).collect()
}

/// What a use case's refusal says on a form: field errors by their field; a conflict (409,
/// e.g. the last administrator) or a stale version (412) by the field it names, else `fallback`.
fn form_errors(e: AppError, fallback: &str) -> Result<Vec<FieldError>, WebError> {
    match e {
        AppError::Validation(errs) => Ok(errs),
        AppError::Conflict { message, field } => {
            Ok(vec![FieldError::new(field.unwrap_or_else(|| fallback.to_string()), capitalized(&message))])
        }
        AppError::PreconditionFailed(m) => Ok(vec![FieldError::new(
            fallback,
            format!(
                "{}: someone changed it since you opened the page; the form shows it as it is now",
                capitalized(&m)
            ),
        )]),
        e => Err(e.into()),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn page(template: &str, title: &str, user: &WebUser, errors: &[FieldError], mut data: Value) -> HttpResponse {
    data["csrf"] = json!(user.csrf());
    data["errors"] = json!(summary(errors));
    let (status, title) = if errors.is_empty() {
        (StatusCode::OK, title.to_string())
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, format!("Error: {title}"))
    };
    html(status, render(template, &title, Some(user), &data))
}

// ---------------------------------------------------------------------------------------
// Users

pub async fn index(user: WebUser) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    Ok(see_other("/admin/users"))
}

async fn users_page(
    db: &Db,
    user: &WebUser,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let all = uc::list_users(db, &user.principal).await?;
    let get = |k: &str| posted.and_then(|p| p.get(k)).cloned().unwrap_or_default();
    let rows: Vec<Value> = all
        .iter()
        .map(|u| json!({"id": u.id, "email": u.email, "name": u.name, "admin": u.is_admin, "active": u.active}))
        .collect();
    let projects: Vec<Value> = uc::all_projects(db, &user.principal)
        .await?
        .iter()
        .map(|p| json!({"code": p.code, "title": p.title}))
        .collect();
    let data = json!({
        "section": "users",
        "users": rows,
        "projects": projects,
        "notice": notice,
        "email": input("email", "Email address", &get("email"), None, errors),
        "name": input("name", "Name", &get("name"), None, errors),
        "password": input("password", "First password", &get("password"), Some("At least 10 characters. Give it to the user in person or by another channel than email."), errors),
        "is_admin": posted.is_some_and(|p| p.contains_key("is_admin")),
    });
    Ok(page("admin_users", "Users – Administration", user, errors, data))
}

/// `GET /admin/users`: every user, and the form to create one.
pub async fn users(db: web::Data<Db>, user: WebUser) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    users_page(&db, &user, None, &[], None).await
}

/// `POST /admin/users`: creates a user with a first password.
pub async fn create_user(
    req: HttpRequest,
    db: web::Data<Db>,
    login: web::Data<Login>,
    user: WebUser,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let input = NewUser {
        email: f.get("email").cloned().unwrap_or_default().trim().to_string(),
        name: f.get("name").cloned().unwrap_or_default(),
        password: f.get("password").cloned().unwrap_or_default(),
        is_admin: f.contains_key("is_admin"),
    };
    match uc::create_user(&db, &login, &user.principal, input).await {
        Ok(u) => Ok(see_other(&format!("/admin/users/{}?created=1", u.id))),
        Err(e) => {
            let errors = form_errors(e, "email")?;
            users_page(&db, &user, Some(&f), &errors, None).await
        }
    }
}

async fn user_page(
    db: &Db,
    user: &WebUser,
    id: i64,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let u = uc::user_roles(db, &user.principal, id).await?;
    let get = |k: &str, stored: String| posted.map_or(stored, |p| p.get(k).cloned().unwrap_or_default());
    let flag = |k: &str, stored: bool| posted.map_or(stored, |p| p.contains_key(k));
    let roles: Vec<Value> = u
        .roles
        .iter()
        .map(|(m, p)| json!({"id": m.id, "project": p.code, "title": p.title, "role": format::role_label(Some(m.role)), "since": m.created_at.format("%Y-%m-%d").to_string()}))
        .collect();
    let projects: Vec<(String, String)> =
        u.projects.iter().map(|p| (p.code.clone(), format!("{} – {}", p.code, p.title))).collect();
    let role_options: Vec<(String, String)> =
        Role::ALL.iter().map(|r| (r.as_str().to_string(), format::role_label(Some(*r)).to_string())).collect();
    let data = json!({
        "section": "users",
        "id": u.user.id,
        "email": u.user.email,
        "version": u.user.version,
        "notice": notice,
        "name": input("name", "Name", &get("name", u.user.name.clone()), None, errors),
        "password": input("password", "New password", &get("password", String::new()), Some("Leave empty to keep the current one. A new password signs the user out everywhere."), errors),
        "is_admin": flag("is_admin", u.user.is_admin),
        "active": flag("active", u.user.active),
        "is_admin_error": errors.iter().find(|e| e.field == "is_admin").map(|e| e.message.clone()),
        "active_error": errors.iter().find(|e| e.field == "active").map(|e| e.message.clone()),
        "roles": roles,
        "project": select("project", "Project", &get("project", String::new()), &projects, errors),
        "role": select("role", "Role", &get("role", "coordinator".into()), &role_options, errors),
    });
    Ok(page("admin_user", &format!("{} – Administration", u.user.email), user, errors, data))
}

#[derive(serde::Deserialize)]
pub struct Done {
    created: Option<String>,
    saved: Option<String>,
    role: Option<String>,
    removed: Option<String>,
}

impl Done {
    fn notice(&self, what: &str) -> Option<String> {
        if self.created.is_some() {
            Some(format!("Created the {what}."))
        } else if self.saved.is_some() {
            Some("Saved.".into())
        } else if self.role.is_some() {
            Some("Role given.".into())
        } else if self.removed.is_some() {
            Some("Role removed.".into())
        } else {
            None
        }
    }
}

/// `GET /admin/users/{id}`: edit a user; its roles on projects.
pub async fn user(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<i64>,
    done: web::Query<Done>,
) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    user_page(&db, &user, path.into_inner(), None, &[], done.notice("user")).await
}

/// `POST /admin/users/{id}`: name, admin flag, active (deactivate), new password.
pub async fn update_user(
    req: HttpRequest,
    db: web::Data<Db>,
    login: web::Data<Login>,
    user: WebUser,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let id = path.into_inner();
    let password = f.get("password").map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
    let input = UserUpdate {
        name: f.get("name").cloned().unwrap_or_default(),
        is_admin: f.contains_key("is_admin"),
        active: f.contains_key("active"),
        password,
        version: f.get("version").and_then(|v| v.parse().ok()),
    };
    match uc::update_user(&db, &login, &user.principal, id, input).await {
        Ok(_) => Ok(see_other(&format!("/admin/users/{id}?saved=1"))),
        Err(e) => {
            let stale = matches!(e, AppError::PreconditionFailed(_));
            let errors = form_errors(e, "name")?;
            // A stale form comes back with what is stored now.
            user_page(&db, &user, id, if stale { None } else { Some(&f) }, &errors, None).await
        }
    }
}

/// `POST /admin/users/{id}/roles`: gives the user a role on a project.
pub async fn add_role(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let id = path.into_inner();
    let project = f.get("project").cloned().unwrap_or_default();
    let role = f.get("role").and_then(|r| Role::parse(r));
    let errors = match role {
        None => vec![FieldError::new("role", "Choose a role")],
        Some(role) => match uc::add_member(&db, &user.principal, &project, MembershipInput { user_id: id, role }).await
        {
            Ok(_) => return Ok(see_other(&format!("/admin/users/{id}?role=1#roles"))),
            Err(AppError::NotFound(_)) => vec![FieldError::new("project", "Choose a project")],
            Err(e) => form_errors(e, "project")?
                .into_iter()
                .map(|e| if e.field == "user_id" { FieldError::new("project", e.message) } else { e })
                .collect(),
        },
    };
    let kept: HashMap<String, String> = [("project", project), ("role", f.get("role").cloned().unwrap_or_default())]
        .map(|(k, v)| (k.to_string(), v))
        .into();
    user_page_roles(&db, &user, id, &kept, &errors).await
}

/// The user page after a failed role form: the user's own fields as stored, the role form as sent.
async fn user_page_roles(
    db: &Db,
    user: &WebUser,
    id: i64,
    kept: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<HttpResponse, WebError> {
    let u = uc::get_user(db, &user.principal, id).await?;
    let mut posted = kept.clone();
    posted.insert("name".into(), u.name.clone());
    if u.is_admin {
        posted.insert("is_admin".into(), "on".into());
    }
    if u.active {
        posted.insert("active".into(), "on".into());
    }
    user_page(db, user, id, Some(&posted), errors, None).await
}

/// `POST /admin/memberships/{id}/remove`: takes a role away.
pub async fn remove_role(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let m = uc::remove_member(&db, &user.principal, path.into_inner()).await?;
    if f.get("back").map(String::as_str) == Some("project") {
        let code =
            uc::all_projects(&db, &user.principal).await?.into_iter().find(|p| p.id == m.project_id).map(|p| p.code);
        if let Some(code) = code {
            return Ok(see_other(&format!("/admin/projects/{}?removed=1", super::format::url_encode(&code))));
        }
    }
    Ok(see_other(&format!("/admin/users/{}?removed=1#roles", m.user_id)))
}

async fn members_page(
    db: &Db,
    user: &WebUser,
    key: &str,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let project = crate::services::dashboard::project(db, &user.principal, key).await?.0;
    let members = uc::members(db, &user.principal, key).await?;
    let users = uc::list_users(db, &user.principal).await?;
    let get = |k: &str, d: &str| posted.and_then(|p| p.get(k)).cloned().unwrap_or_else(|| d.to_string());
    let rows: Vec<Value> = members
        .iter()
        .map(|m| json!({"id": m.id, "user_id": m.user_id, "email": m.email, "role": format::role_label(Some(m.role)), "since": m.created_at.format("%Y-%m-%d").to_string()}))
        .collect();
    let user_options: Vec<(String, String)> = users
        .iter()
        .filter(|u| u.active && !members.iter().any(|m| m.user_id == u.id))
        .map(|u| (u.id.to_string(), format!("{} ({})", u.email, u.name)))
        .collect();
    let role_options: Vec<(String, String)> =
        Role::ALL.iter().map(|r| (r.as_str().to_string(), format::role_label(Some(*r)).to_string())).collect();
    let data = json!({
        "section": "users",
        "code": project.code,
        "title": project.title,
        "members": rows,
        "notice": notice,
        "has_candidates": !user_options.is_empty(),
        "user_id": select("user_id", "User", &get("user_id", ""), &user_options, errors),
        "role": select("role", "Role", &get("role", "coordinator"), &role_options, errors),
    });
    Ok(page("admin_members", &format!("{} members – Administration", project.code), user, errors, data))
}

/// `GET /admin/projects/{project}`: who has which role on a project.
pub async fn members(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    members_page(&db, &user, &path.into_inner(), None, &[], done.notice("user")).await
}

/// `POST /admin/projects/{project}`: gives a user a role on the project.
pub async fn add_member(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let key = path.into_inner();
    let chosen = f.get("user_id").and_then(|u| u.parse::<i64>().ok());
    let role = f.get("role").and_then(|r| Role::parse(r));
    let errors = match (chosen, role) {
        (None, _) => vec![FieldError::new("user_id", "Choose a user")],
        (_, None) => vec![FieldError::new("role", "Choose a role")],
        (Some(user_id), Some(role)) => {
            match uc::add_member(&db, &user.principal, &key, MembershipInput { user_id, role }).await {
                Ok(_) => return Ok(see_other(&format!("/admin/projects/{}?role=1", super::format::url_encode(&key)))),
                Err(e) => form_errors(e, "user_id")?,
            }
        }
    };
    members_page(&db, &user, &key, Some(&f), &errors, None).await
}

// ---------------------------------------------------------------------------------------
// Budget accounts

fn heading_options() -> Vec<(String, String)> {
    EU_HEADINGS.iter().map(|(n, name)| (n.to_string(), format!("{n} {name}"))).collect()
}

fn line_options() -> Vec<(String, String)> {
    let mut v = vec![(String::new(), "The heading itself (8 for indirect costs)".to_string())];
    v.extend(eu::LINES.iter().map(|(l, name)| (l.to_string(), format!("{l} {name}"))));
    v
}

fn account_form(
    posted: Option<&HashMap<String, String>>,
    stored: Option<&crate::store::accounts::BudgetAccount>,
    errors: &[FieldError],
) -> Value {
    let get = |k: &str, s: String| posted.map_or(s, |p| p.get(k).cloned().unwrap_or_default());
    json!({
        "code": input("code", "Account code", &get("code", stored.map(|a| a.code.clone()).unwrap_or_default()), Some("3-10 digits, e.g. 71200"), errors),
        "name": input("name", "Name", &get("name", stored.map(|a| a.name.clone()).unwrap_or_default()), None, errors),
        "eu_heading": select("eu_heading", "EU budget heading", &get("eu_heading", stored.map(|a| a.eu_heading.to_string()).unwrap_or_default()), &heading_options(), errors),
        "eu_line": select("eu_line", "Line of the EU format", &get("eu_line", stored.map(|a| a.eu_line.clone()).unwrap_or_default()), &line_options(), errors),
    })
}

fn account_input(f: &HashMap<String, String>) -> Result<BudgetAccountInput, Vec<FieldError>> {
    let heading = f.get("eu_heading").and_then(|h| h.parse::<i32>().ok());
    let Some(eu_heading) = heading else {
        return Err(vec![FieldError::new("eu_heading", "Choose an EU budget heading")]);
    };
    Ok(BudgetAccountInput {
        code: f.get("code").cloned().unwrap_or_default().trim().to_string(),
        name: f.get("name").cloned().unwrap_or_default(),
        eu_heading,
        eu_line: f.get("eu_line").cloned().filter(|l| !l.is_empty()),
        version: f.get("version").and_then(|v| v.parse().ok()),
    })
}

async fn accounts_page(
    db: &Db,
    user: &WebUser,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let all = uc::list_accounts(db).await?;
    let rows: Vec<Value> = all
        .iter()
        .map(|a| json!({"id": a.id, "code": a.code, "name": a.name, "heading": format!("{} {}", a.eu_heading, a.eu_heading_name), "line": format!("{} {}", a.eu_line, a.eu_line_name)}))
        .collect();
    let data =
        json!({"section": "accounts", "accounts": rows, "form": account_form(posted, None, errors), "notice": notice});
    Ok(page("admin_accounts", "Budget accounts – Administration", user, errors, data))
}

/// `GET /admin/accounts`: the catalogue and its EU heading mapping; a form for a new account.
pub async fn accounts(db: web::Data<Db>, user: WebUser, done: web::Query<Done>) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    accounts_page(&db, &user, None, &[], done.notice("account")).await
}

/// `POST /admin/accounts`.
pub async fn create_account(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let errors = match account_input(&f) {
        Err(errs) => errs,
        Ok(input) => match uc::create_account(&db, &user.principal, input).await {
            Ok(_) => return Ok(see_other("/admin/accounts?created=1")),
            Err(e) => form_errors(e, "code")?,
        },
    };
    accounts_page(&db, &user, Some(&f), &errors, None).await
}

async fn account_page(
    db: &Db,
    user: &WebUser,
    id: i64,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let a = uc::get_account(db, id).await?;
    let data = json!({"section": "accounts", "id": a.id, "code": a.code, "version": a.version, "form": account_form(posted, Some(&a), errors), "notice": notice});
    Ok(page("admin_account", &format!("Account {} – Administration", a.code), user, errors, data))
}

/// `GET /admin/accounts/{id}`.
pub async fn account(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<i64>,
    done: web::Query<Done>,
) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    account_page(&db, &user, path.into_inner(), None, &[], done.notice("account")).await
}

/// `POST /admin/accounts/{id}`: `intent=save|delete`.
pub async fn update_account(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let id = path.into_inner();
    if f.get("intent").map(String::as_str) == Some("delete") {
        uc::delete_account(&db, &user.principal, id).await?;
        return Ok(see_other("/admin/accounts?removed=1"));
    }
    let errors = match account_input(&f) {
        Err(errs) => errs,
        Ok(input) => match uc::update_account(&db, &user.principal, id, input).await {
            Ok(_) => return Ok(see_other(&format!("/admin/accounts/{id}?saved=1"))),
            Err(e) => form_errors(e, "code")?,
        },
    };
    account_page(&db, &user, id, Some(&f), &errors, None).await
}

// ---------------------------------------------------------------------------------------
// Funding sources

fn kind_options() -> Vec<(String, String)> {
    FundingKind::ALL.iter().map(|k| (k.as_str().to_string(), k.as_str().replace('_', " "))).collect()
}

fn source_form(
    posted: Option<&HashMap<String, String>>,
    stored: Option<&crate::store::funding::FundingSource>,
    errors: &[FieldError],
) -> Value {
    let get = |k: &str, s: String| posted.map_or(s, |p| p.get(k).cloned().unwrap_or_default());
    json!({
        "code": input("code", "Code", &get("code", stored.map(|s| s.code.clone()).unwrap_or_default()), Some("e.g. EU, UNDP, RB"), errors),
        "name": input("name", "Name", &get("name", stored.map(|s| s.name.clone()).unwrap_or_default()), None, errors),
        "kind": select("kind", "Kind", &get("kind", stored.map(|s| s.kind.to_string()).unwrap_or_else(|| "other".into())), &kind_options(), errors),
    })
}

fn source_input(f: &HashMap<String, String>) -> Result<FundingSourceInput, Vec<FieldError>> {
    let Some(kind) = f.get("kind").and_then(|k| FundingKind::parse(k)) else {
        return Err(vec![FieldError::new("kind", "Choose a kind")]);
    };
    Ok(FundingSourceInput {
        code: f.get("code").cloned().unwrap_or_default().trim().to_string(),
        name: f.get("name").cloned().unwrap_or_default(),
        kind,
        version: f.get("version").and_then(|v| v.parse().ok()),
    })
}

async fn sources_page(
    db: &Db,
    user: &WebUser,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let all = uc::list_sources(db).await?;
    let rows: Vec<Value> = all
        .iter()
        .map(|s| json!({"id": s.id, "code": s.code, "name": s.name, "kind": s.kind.as_str().replace('_', " ")}))
        .collect();
    let data =
        json!({"section": "sources", "sources": rows, "form": source_form(posted, None, errors), "notice": notice});
    Ok(page("admin_sources", "Funding sources – Administration", user, errors, data))
}

/// `GET /admin/funding-sources`.
pub async fn sources(db: web::Data<Db>, user: WebUser, done: web::Query<Done>) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    sources_page(&db, &user, None, &[], done.notice("funding source")).await
}

/// `POST /admin/funding-sources`.
pub async fn create_source(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let errors = match source_input(&f) {
        Err(errs) => errs,
        Ok(input) => match uc::create_source(&db, &user.principal, input).await {
            Ok(_) => return Ok(see_other("/admin/funding-sources?created=1")),
            Err(e) => form_errors(e, "code")?,
        },
    };
    sources_page(&db, &user, Some(&f), &errors, None).await
}

async fn source_page(
    db: &Db,
    user: &WebUser,
    id: i64,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let s = uc::get_source(db, id).await?;
    let data = json!({"section": "sources", "id": s.id, "code": s.code, "version": s.version, "form": source_form(posted, Some(&s), errors), "notice": notice});
    Ok(page("admin_source", &format!("Funding source {} – Administration", s.code), user, errors, data))
}

/// `GET /admin/funding-sources/{id}`.
pub async fn source(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<i64>,
    done: web::Query<Done>,
) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    source_page(&db, &user, path.into_inner(), None, &[], done.notice("funding source")).await
}

/// `POST /admin/funding-sources/{id}`: `intent=save|delete`.
pub async fn update_source(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<i64>,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let id = path.into_inner();
    let errors = if f.get("intent").map(String::as_str) == Some("delete") {
        match uc::delete_source(&db, &user.principal, id).await {
            Ok(()) => return Ok(see_other("/admin/funding-sources?removed=1")),
            Err(e) => form_errors(e, "code")?,
        }
    } else {
        match source_input(&f) {
            Err(errs) => errs,
            Ok(input) => match uc::update_source(&db, &user.principal, id, input).await {
                Ok(_) => return Ok(see_other(&format!("/admin/funding-sources/{id}?saved=1"))),
                Err(e) => form_errors(e, "code")?,
            },
        }
    };
    source_page(&db, &user, id, Some(&f), &errors, None).await
}

// ---------------------------------------------------------------------------------------
// Audit trail

#[derive(serde::Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    entity: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    project: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

/// A JSON value as a short text for the before/after table.
fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "–".into(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The fields a change touched, side by side (every field for a creation or a deletion).
fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Value> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .filter(|k| !matches!(k.as_str(), "updated_at" | "version") || before.is_none() || after.is_none())
        .map(|k| json!({"field": k, "before": shown(b.get(k)), "after": shown(a.get(k))}))
        .collect()
}

/// `GET /admin/audit?entity=&action=&user=&project=&from=&to=`: the trail (newest first, 200
/// entries) with each change's fields before and after.
pub async fn audit(db: web::Data<Db>, user: WebUser, query: web::Query<AuditQuery>) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    let q = query.into_inner();
    let some = |s: &Option<String>| s.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut errors = vec![];
    let date = |name: &str, v: &Option<String>, errors: &mut Vec<FieldError>| match some(v) {
        None => None,
        Some(s) => match chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(name, "A date as YYYY-MM-DD, e.g. 2026-01-31"));
                None
            }
        },
    };
    let from = date("from", &q.from, &mut errors);
    let to = date("to", &q.to, &mut errors);
    let users = uc::list_users(&db, &user.principal).await?;
    let projects = uc::all_projects(&db, &user.principal).await?;
    let user_id =
        some(&q.user).and_then(|u| users.iter().find(|x| x.email == u || x.id.to_string() == u)).map(|u| u.id);
    if some(&q.user).is_some() && user_id.is_none() {
        errors.push(FieldError::new("user", "Choose a user from the list"));
    }
    let filter = AuditFilter {
        entity: some(&q.entity),
        action: some(&q.action),
        user_id,
        from,
        to,
        limit: Some(200),
        ..AuditFilter::default()
    };
    let entries = if !errors.is_empty() {
        vec![]
    } else {
        match some(&q.project) {
            Some(p) => uc::audit_of_project(&db, &user.principal, &p, filter).await?,
            None => uc::audit_all(&db, &user.principal, filter).await?,
        }
    };
    let codes: HashMap<i64, String> = projects.iter().map(|p| (p.id, p.code.clone())).collect();
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "at": e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "user": e.user,
                "project": e.project_id.and_then(|p| codes.get(&p)).cloned().unwrap_or_default(),
                "entity": e.entity,
                "entity_id": e.entity_id,
                "action": e.action,
                "reason": e.reason,
                "n_changes": changes(e.before.as_ref(), e.after.as_ref()).len(),
                "changes": changes(e.before.as_ref(), e.after.as_ref()),
            })
        })
        .collect();
    let entity_options: Vec<(String, String)> = std::iter::once((String::new(), "Any".to_string()))
        .chain(
            [
                "project",
                "result",
                "indicator",
                "target",
                "actual",
                "activity_progress",
                "narrative",
                "risk",
                "risk_update",
                "issue",
                "work_plan",
                "work_plan_activity",
                "budget_line",
                "expenditure",
                "receipt",
                "exchange_rate",
                "budget_account",
                "funding_source",
                "contribution",
                "contribution_budget",
                "report",
                "user",
                "membership",
                "api_token",
                "finding_explanation",
            ]
            .iter()
            .map(|e| (e.to_string(), e.replace('_', " "))),
        )
        .collect();
    let action_options: Vec<(String, String)> = std::iter::once((String::new(), "Any".to_string()))
        .chain(
            ["create", "update", "delete", "submit", "approve", "return", "reopen", "issue", "supersede", "revoke"]
                .iter()
                .map(|a| (a.to_string(), a.to_string())),
        )
        .collect();
    let user_options: Vec<(String, String)> = std::iter::once((String::new(), "Anyone".to_string()))
        .chain(users.iter().map(|u| (u.email.clone(), u.email.clone())))
        .collect();
    let project_options: Vec<(String, String)> =
        std::iter::once((String::new(), "All, and the catalogues".to_string()))
            .chain(projects.iter().map(|p| (p.code.clone(), p.code.clone())))
            .collect();
    let v = |s: &Option<String>| some(s).unwrap_or_default();
    let data = json!({
        "section": "audit",
        "entity": select("entity", "Entity", &v(&q.entity), &entity_options, &errors),
        "action": select("action", "Action", &v(&q.action), &action_options, &errors),
        "user": select("user", "User", &v(&q.user), &user_options, &errors),
        "project": select("project", "Project", &v(&q.project), &project_options, &errors),
        "from": input("from", "From", &v(&q.from), Some("YYYY-MM-DD"), &errors),
        "to": input("to", "To", &v(&q.to), Some("YYYY-MM-DD"), &errors),
        "entries": rows,
        "count": entries.len(),
        "notice": null,
    });
    Ok(page("admin_audit", "Audit trail – Administration", &user, &errors, data))
}

use super::format;
