//! Administration pages (`/admin/...`, administrators only): users (create with a first
//! password, deactivate, reset the password), their roles on projects, the budget-account
//! catalogue with its EU heading mapping, funding sources, and the audit trail with filters
//! and a before/after view of each change. Same use cases as the API ([`crate::services::admin`]).

use super::i18n::{self, Catalogue};
use super::rules::said;
use super::{WebError, WebUser, format, html, render, see_other};
use crate::auth::Login;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::access::Role;
use crate::domain::budget::EU_HEADINGS;
use crate::domain::{FundingKind, eu};
use crate::error::AppError;
use crate::services::admin as uc;
use crate::store::accounts::{BudgetAccount, BudgetAccountInput};
use crate::store::audit::AuditFilter;
use crate::store::funding::{FundingSource, FundingSourceInput};
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
/// Each message in the page's language ([`said`]).
fn form_errors(c: &Catalogue, e: AppError, fallback: &str) -> Result<Vec<FieldError>, WebError> {
    match e {
        AppError::Validation(errs) => {
            Ok(errs.into_iter().map(|e| FieldError { message: said(c, &e.message), ..e }).collect())
        }
        AppError::Conflict { message, field } => {
            Ok(vec![FieldError::new(field.unwrap_or_else(|| fallback.to_string()), capitalized(&said(c, &message)))])
        }
        AppError::PreconditionFailed(_) if c.lang != i18n::DEFAULT => {
            Ok(vec![FieldError::new(fallback, c.tr("adm-stale"))])
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

/// A page of the administration: its title is "<what> – Administration" ("Error: ..." after a
/// refused form), in the page's language.
fn page(template: &str, what: &str, user: &WebUser, errors: &[FieldError], mut data: Value) -> HttpResponse {
    let c = i18n::catalogue(&user.lang);
    data["csrf"] = json!(user.csrf());
    data["errors"] = json!(summary(errors));
    let title = format!("{what} – {}", c.tr("nav-administration"));
    let (status, title) = if errors.is_empty() {
        (StatusCode::OK, title)
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, format!("{}: {title}", c.tr("error")))
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
    let c = i18n::catalogue(&user.lang);
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
        "email": input("email", &c.tr("email-address"), &get("email"), None, errors),
        "name": input("name", &c.tr("adm-name"), &get("name"), None, errors),
        "password": input("password", &c.tr("adm-first-password"), &get("password"), Some(&c.tr("adm-first-password-hint")), errors),
        "is_admin": posted.is_some_and(|p| p.contains_key("is_admin")),
    });
    Ok(page("admin_users", &c.tr("adm-users-title"), user, errors, data))
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
            let errors = form_errors(&i18n::catalogue(&user.lang), e, "email")?;
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
    let c = i18n::catalogue(&user.lang);
    let u = uc::user_roles(db, &user.principal, id).await?;
    let get = |k: &str, stored: String| posted.map_or(stored, |p| p.get(k).cloned().unwrap_or_default());
    let flag = |k: &str, stored: bool| posted.map_or(stored, |p| p.contains_key(k));
    let roles: Vec<Value> = u
        .roles
        .iter()
        .map(|(m, p)| json!({"id": m.id, "project": p.code, "title": p.title, "role": format::role_label(&c, Some(m.role)), "since": c.day(m.created_at.date())}))
        .collect();
    let projects: Vec<(String, String)> =
        u.projects.iter().map(|p| (p.code.clone(), format!("{} – {}", p.code, p.title))).collect();
    let role_options: Vec<(String, String)> =
        Role::ALL.iter().map(|r| (r.as_str().to_string(), format::role_label(&c, Some(*r)))).collect();
    let data = json!({
        "section": "users",
        "id": u.user.id,
        "email": u.user.email,
        "version": u.user.version,
        "notice": notice,
        "name": input("name", &c.tr("adm-name"), &get("name", u.user.name.clone()), None, errors),
        "password": input("password", &c.tr("adm-new-password"), &get("password", String::new()), Some(&c.tr("adm-new-password-hint")), errors),
        "is_admin": flag("is_admin", u.user.is_admin),
        "active": flag("active", u.user.active),
        "is_admin_error": errors.iter().find(|e| e.field == "is_admin").map(|e| e.message.clone()),
        "active_error": errors.iter().find(|e| e.field == "active").map(|e| e.message.clone()),
        "roles": roles,
        "project": select("project", &c.tr("project"), &get("project", String::new()), &projects, errors),
        "role": select("role", &c.tr("adm-role"), &get("role", "coordinator".into()), &role_options, errors),
    });
    Ok(page("admin_user", &u.user.email, user, errors, data))
}

#[derive(serde::Deserialize)]
pub struct Done {
    created: Option<String>,
    saved: Option<String>,
    role: Option<String>,
    removed: Option<String>,
}

impl Done {
    /// What the page says after a redirect; `what` names the created thing (`adm-created-<what>`).
    fn notice(&self, user: &WebUser, what: &str) -> Option<String> {
        let c = i18n::catalogue(&user.lang);
        let key = if self.created.is_some() {
            format!("adm-created-{what}")
        } else if self.saved.is_some() {
            "adm-saved".into()
        } else if self.role.is_some() {
            "adm-role-given".into()
        } else if self.removed.is_some() && what == "user" {
            "adm-role-removed".into()
        } else if self.removed.is_some() {
            format!("adm-removed-{what}")
        } else {
            return None;
        };
        Some(c.tr(&key))
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
    user_page(&db, &user, path.into_inner(), None, &[], done.notice(&user, "user")).await
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
            let errors = form_errors(&i18n::catalogue(&user.lang), e, "name")?;
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
    let c = i18n::catalogue(&user.lang);
    let errors = match role {
        None => vec![FieldError::new("role", c.tr("adm-choose-role"))],
        Some(role) => match uc::add_member(&db, &user.principal, &project, MembershipInput { user_id: id, role }).await
        {
            Ok(_) => return Ok(see_other(&format!("/admin/users/{id}?role=1#roles"))),
            Err(AppError::NotFound(_)) => vec![FieldError::new("project", c.tr("adm-choose-project"))],
            Err(e) => form_errors(&c, e, "project")?
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
    let c = i18n::catalogue(&user.lang);
    let project = crate::services::dashboard::project(db, &user.principal, key).await?.0;
    let members = uc::members(db, &user.principal, key).await?;
    let users = uc::list_users(db, &user.principal).await?;
    let get = |k: &str, d: &str| posted.and_then(|p| p.get(k)).cloned().unwrap_or_else(|| d.to_string());
    let rows: Vec<Value> = members
        .iter()
        .map(|m| json!({"id": m.id, "user_id": m.user_id, "email": m.email, "role": format::role_label(&c, Some(m.role)), "since": c.day(m.created_at.date())}))
        .collect();
    let user_options: Vec<(String, String)> = users
        .iter()
        .filter(|u| u.active && !members.iter().any(|m| m.user_id == u.id))
        .map(|u| (u.id.to_string(), format!("{} ({})", u.email, u.name)))
        .collect();
    let role_options: Vec<(String, String)> =
        Role::ALL.iter().map(|r| (r.as_str().to_string(), format::role_label(&c, Some(*r)))).collect();
    let data = json!({
        "section": "users",
        "code": project.code,
        "title": project.title,
        "members": rows,
        "notice": notice,
        "has_candidates": !user_options.is_empty(),
        "user_id": select("user_id", &c.tr("adm-user"), &get("user_id", ""), &user_options, errors),
        "role": select("role", &c.tr("adm-role"), &get("role", "coordinator"), &role_options, errors),
    });
    Ok(page("admin_members", &c.t("adm-members-title", &[("code", project.code.clone().into())]), user, errors, data))
}

/// `GET /admin/projects/{project}`: who has which role on a project.
pub async fn members(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    members_page(&db, &user, &path.into_inner(), None, &[], done.notice(&user, "user")).await
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
    let c = i18n::catalogue(&user.lang);
    let errors = match (chosen, role) {
        (None, _) => vec![FieldError::new("user_id", c.tr("adm-choose-user"))],
        (_, None) => vec![FieldError::new("role", c.tr("adm-choose-role"))],
        (Some(user_id), Some(role)) => {
            match uc::add_member(&db, &user.principal, &key, MembershipInput { user_id, role }).await {
                Ok(_) => return Ok(see_other(&format!("/admin/projects/{}?role=1", super::format::url_encode(&key)))),
                Err(e) => form_errors(&c, e, "user_id")?,
            }
        }
    };
    members_page(&db, &user, &key, Some(&f), &errors, None).await
}

// ---------------------------------------------------------------------------------------
// The catalogues (budget accounts, funding sources): one shape of pages

/// A catalogue the administration keeps (budget accounts, funding sources): a list with a form
/// to add an entry (`GET`/`POST /admin/<PATH>`), and each entry's page with its form to save it
/// or delete it (`GET`/`POST /admin/<PATH>/{id}`, `intent=save|delete`). An implementation
/// gives its words, its form and its use cases; [`catalogue`], [`create_entry`], [`entry`] and
/// [`update_entry`] are the pages.
pub trait AdminCatalogue: 'static {
    type Entry;
    type Input;
    /// `/admin/<PATH>`.
    const PATH: &'static str;
    /// The administration navigation's section.
    const SECTION: &'static str;
    const LIST_TEMPLATE: &'static str;
    const ENTRY_TEMPLATE: &'static str;
    /// The list's name in the list template's data.
    const ROWS: &'static str;
    /// Catalogue keys: the list page's title, an entry page's (with `code`).
    const LIST_TITLE: &'static str;
    const ENTRY_TITLE: &'static str;
    /// What the notices call an entry (`adm-created-<NOUN>`, `adm-removed-<NOUN>`).
    const NOUN: &'static str;

    fn id(e: &Self::Entry) -> i64;
    fn code(e: &Self::Entry) -> &str;
    fn version(e: &Self::Entry) -> i32;
    /// The list's rows.
    fn rows(c: &Catalogue, all: &[Self::Entry]) -> Vec<Value>;
    /// The form's fields: as posted (after a refusal), else as stored, else empty (a new entry).
    fn form(
        c: &Catalogue,
        posted: Option<&HashMap<String, String>>,
        stored: Option<&Self::Entry>,
        errors: &[FieldError],
    ) -> Value;
    /// The use case's input from the posted form (the web's own checks, e.g. a choice missing).
    fn input(c: &Catalogue, f: &HashMap<String, String>) -> Result<Self::Input, Vec<FieldError>>;
    async fn list(db: &Db) -> Result<Vec<Self::Entry>, AppError>;
    async fn get(db: &Db, id: i64) -> Result<Self::Entry, AppError>;
    async fn create(db: &Db, who: &Principal, input: Self::Input) -> Result<(), AppError>;
    async fn update(db: &Db, who: &Principal, id: i64, input: Self::Input) -> Result<(), AppError>;
    async fn delete(db: &Db, who: &Principal, id: i64) -> Result<(), AppError>;
}

async fn list_page<K: AdminCatalogue>(
    db: &Db,
    user: &WebUser,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let c = i18n::catalogue(&user.lang);
    let all = K::list(db).await?;
    let mut data = json!({"section": K::SECTION, "form": K::form(&c, posted, None, errors), "notice": notice});
    data[K::ROWS] = json!(K::rows(&c, &all));
    Ok(page(K::LIST_TEMPLATE, &c.tr(K::LIST_TITLE), user, errors, data))
}

async fn entry_page<K: AdminCatalogue>(
    db: &Db,
    user: &WebUser,
    id: i64,
    posted: Option<&HashMap<String, String>>,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<HttpResponse, WebError> {
    let c = i18n::catalogue(&user.lang);
    let e = K::get(db, id).await?;
    let data = json!({"section": K::SECTION, "id": K::id(&e), "code": K::code(&e), "version": K::version(&e), "form": K::form(&c, posted, Some(&e), errors), "notice": notice});
    let title = c.t(K::ENTRY_TITLE, &[("code", K::code(&e).to_string().into())]);
    Ok(page(K::ENTRY_TEMPLATE, &title, user, errors, data))
}

/// `GET /admin/<PATH>`: the catalogue, and the form for a new entry.
pub async fn catalogue<K: AdminCatalogue>(
    db: web::Data<Db>,
    user: WebUser,
    done: web::Query<Done>,
) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    list_page::<K>(&db, &user, None, &[], done.notice(&user, K::NOUN)).await
}

/// `POST /admin/<PATH>`: adds an entry.
pub async fn create_entry<K: AdminCatalogue>(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    form: Form,
) -> Result<HttpResponse, WebError> {
    let f = fields(form);
    user.check_form(&req, f.get("csrf").map(String::as_str))?;
    admin_only(&user)?;
    let c = i18n::catalogue(&user.lang);
    let errors = match K::input(&c, &f) {
        Err(errs) => errs,
        Ok(input) => match K::create(&db, &user.principal, input).await {
            Ok(()) => return Ok(see_other(&format!("/admin/{}?created=1", K::PATH))),
            Err(e) => form_errors(&c, e, "code")?,
        },
    };
    list_page::<K>(&db, &user, Some(&f), &errors, None).await
}

/// `GET /admin/<PATH>/{id}`: an entry and its form.
pub async fn entry<K: AdminCatalogue>(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<i64>,
    done: web::Query<Done>,
) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    entry_page::<K>(&db, &user, path.into_inner(), None, &[], done.notice(&user, K::NOUN)).await
}

/// `POST /admin/<PATH>/{id}`: `intent=save|delete`. A refusal (a rule, an entry still in use)
/// shows next to the field it concerns, the form as sent.
pub async fn update_entry<K: AdminCatalogue>(
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
    let c = i18n::catalogue(&user.lang);
    let errors = if f.get("intent").map(String::as_str) == Some("delete") {
        match K::delete(&db, &user.principal, id).await {
            Ok(()) => return Ok(see_other(&format!("/admin/{}?removed=1", K::PATH))),
            Err(e) => form_errors(&c, e, "code")?,
        }
    } else {
        match K::input(&c, &f) {
            Err(errs) => errs,
            Ok(input) => match K::update(&db, &user.principal, id, input).await {
                Ok(()) => return Ok(see_other(&format!("/admin/{}/{id}?saved=1", K::PATH))),
                Err(e) => form_errors(&c, e, "code")?,
            },
        }
    };
    entry_page::<K>(&db, &user, id, Some(&f), &errors, None).await
}

// ---------------------------------------------------------------------------------------
// Budget accounts

/// The names of the EU format's headings and lines: the domain's English names, or in another
/// language the EU report template's own words (`eu-interim-heading-N`, `eu-interim-line-N-M`),
/// so that they are translated in one place.
struct EuNames(Option<crate::reports::i18n::Catalogue>);

impl EuNames {
    fn of(c: &Catalogue) -> EuNames {
        let report = (c.lang != i18n::DEFAULT)
            .then(|| crate::reports::templates::Templates::from_env().catalogue("eu-interim", &c.lang).ok())
            .flatten();
        EuNames(report)
    }

    fn word(&self, key: &str, english: &str) -> String {
        self.0.as_ref().and_then(|r| r.get(key, &[])).unwrap_or_else(|| english.to_string())
    }

    /// Heading 7 (indirect costs) is line 8 of the statement.
    fn heading(&self, n: i32, english: &str) -> String {
        let key = if n == 7 { "eu-interim-line-8".to_string() } else { format!("eu-interim-heading-{n}") };
        self.word(&key, english)
    }

    fn line(&self, line: &str, english: &str) -> String {
        self.word(&format!("eu-interim-line-{}", line.replace('.', "-")), english)
    }
}

fn heading_options(eu_names: &EuNames) -> Vec<(String, String)> {
    EU_HEADINGS.iter().map(|(n, name)| (n.to_string(), format!("{n} {}", eu_names.heading(*n, name)))).collect()
}

fn line_options(c: &Catalogue, eu_names: &EuNames) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), c.tr("adm-line-of-heading"))];
    v.extend(eu::LINES.iter().map(|(l, name)| (l.to_string(), format!("{l} {}", eu_names.line(l, name)))));
    v
}

/// The budget-account catalogue: `/admin/accounts[/{id}]`.
pub struct Accounts;

impl AdminCatalogue for Accounts {
    type Entry = BudgetAccount;
    type Input = BudgetAccountInput;
    const PATH: &'static str = "accounts";
    const SECTION: &'static str = "accounts";
    const LIST_TEMPLATE: &'static str = "admin_accounts";
    const ENTRY_TEMPLATE: &'static str = "admin_account";
    const ROWS: &'static str = "accounts";
    const LIST_TITLE: &'static str = "adm-accounts";
    const ENTRY_TITLE: &'static str = "adm-account-of";
    const NOUN: &'static str = "account";

    fn id(a: &BudgetAccount) -> i64 {
        a.id
    }
    fn code(a: &BudgetAccount) -> &str {
        &a.code
    }
    fn version(a: &BudgetAccount) -> i32 {
        a.version
    }

    fn rows(c: &Catalogue, all: &[BudgetAccount]) -> Vec<Value> {
        let eu_names = EuNames::of(c);
        all.iter()
            .map(|a| json!({"id": a.id, "code": a.code, "name": a.name, "heading": format!("{} {}", a.eu_heading, eu_names.heading(a.eu_heading, &a.eu_heading_name)), "line": format!("{} {}", a.eu_line, eu_names.line(&a.eu_line, &a.eu_line_name))}))
            .collect()
    }

    fn form(
        c: &Catalogue,
        posted: Option<&HashMap<String, String>>,
        stored: Option<&BudgetAccount>,
        errors: &[FieldError],
    ) -> Value {
        let get = |k: &str, s: String| posted.map_or(s, |p| p.get(k).cloned().unwrap_or_default());
        let eu_names = EuNames::of(c);
        json!({
            "code": input("code", &c.tr("adm-account-code"), &get("code", stored.map(|a| a.code.clone()).unwrap_or_default()), Some(&c.tr("adm-account-code-hint")), errors),
            "name": input("name", &c.tr("adm-name"), &get("name", stored.map(|a| a.name.clone()).unwrap_or_default()), None, errors),
            "eu_heading": select("eu_heading", &c.tr("adm-eu-budget-heading"), &get("eu_heading", stored.map(|a| a.eu_heading.to_string()).unwrap_or_default()), &heading_options(&eu_names), errors),
            "eu_line": select("eu_line", &c.tr("adm-eu-format-line"), &get("eu_line", stored.map(|a| a.eu_line.clone()).unwrap_or_default()), &line_options(c, &eu_names), errors),
        })
    }

    fn input(c: &Catalogue, f: &HashMap<String, String>) -> Result<BudgetAccountInput, Vec<FieldError>> {
        let Some(eu_heading) = f.get("eu_heading").and_then(|h| h.parse::<i32>().ok()) else {
            return Err(vec![FieldError::new("eu_heading", c.tr("adm-choose-heading"))]);
        };
        Ok(BudgetAccountInput {
            code: f.get("code").cloned().unwrap_or_default().trim().to_string(),
            name: f.get("name").cloned().unwrap_or_default(),
            eu_heading,
            eu_line: f.get("eu_line").cloned().filter(|l| !l.is_empty()),
            version: f.get("version").and_then(|v| v.parse().ok()),
        })
    }

    async fn list(db: &Db) -> Result<Vec<BudgetAccount>, AppError> {
        uc::list_accounts(db).await
    }
    async fn get(db: &Db, id: i64) -> Result<BudgetAccount, AppError> {
        uc::get_account(db, id).await
    }
    async fn create(db: &Db, who: &Principal, input: BudgetAccountInput) -> Result<(), AppError> {
        uc::create_account(db, who, input).await.map(drop)
    }
    async fn update(db: &Db, who: &Principal, id: i64, input: BudgetAccountInput) -> Result<(), AppError> {
        uc::update_account(db, who, id, input).await.map(drop)
    }
    async fn delete(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
        uc::delete_account(db, who, id).await
    }
}

// ---------------------------------------------------------------------------------------
// Funding sources

/// A funding source's kind in the page's language (`adm-kind-eu`, ...).
fn kind_word(c: &Catalogue, kind: &str) -> String {
    let key = format!("adm-kind-{kind}");
    let w = c.tr(&key);
    if w == key { kind.replace('_', " ") } else { w }
}

/// The funding sources: `/admin/funding-sources[/{id}]`.
pub struct Sources;

impl AdminCatalogue for Sources {
    type Entry = FundingSource;
    type Input = FundingSourceInput;
    const PATH: &'static str = "funding-sources";
    const SECTION: &'static str = "sources";
    const LIST_TEMPLATE: &'static str = "admin_sources";
    const ENTRY_TEMPLATE: &'static str = "admin_source";
    const ROWS: &'static str = "sources";
    const LIST_TITLE: &'static str = "adm-sources";
    const ENTRY_TITLE: &'static str = "adm-source-of";
    const NOUN: &'static str = "source";

    fn id(s: &FundingSource) -> i64 {
        s.id
    }
    fn code(s: &FundingSource) -> &str {
        &s.code
    }
    fn version(s: &FundingSource) -> i32 {
        s.version
    }

    fn rows(c: &Catalogue, all: &[FundingSource]) -> Vec<Value> {
        all.iter()
            .map(|s| json!({"id": s.id, "code": s.code, "name": s.name, "kind": kind_word(c, s.kind.as_str())}))
            .collect()
    }

    fn form(
        c: &Catalogue,
        posted: Option<&HashMap<String, String>>,
        stored: Option<&FundingSource>,
        errors: &[FieldError],
    ) -> Value {
        let get = |k: &str, s: String| posted.map_or(s, |p| p.get(k).cloned().unwrap_or_default());
        let kinds: Vec<(String, String)> =
            FundingKind::ALL.iter().map(|k| (k.as_str().to_string(), kind_word(c, k.as_str()))).collect();
        json!({
            "code": input("code", &c.tr("field-code"), &get("code", stored.map(|s| s.code.clone()).unwrap_or_default()), Some(&c.tr("adm-source-code-hint")), errors),
            "name": input("name", &c.tr("adm-name"), &get("name", stored.map(|s| s.name.clone()).unwrap_or_default()), None, errors),
            "kind": select("kind", &c.tr("adm-kind"), &get("kind", stored.map(|s| s.kind.to_string()).unwrap_or_else(|| "other".into())), &kinds, errors),
        })
    }

    fn input(c: &Catalogue, f: &HashMap<String, String>) -> Result<FundingSourceInput, Vec<FieldError>> {
        let Some(kind) = f.get("kind").and_then(|k| FundingKind::parse(k)) else {
            return Err(vec![FieldError::new("kind", c.tr("adm-choose-kind"))]);
        };
        Ok(FundingSourceInput {
            code: f.get("code").cloned().unwrap_or_default().trim().to_string(),
            name: f.get("name").cloned().unwrap_or_default(),
            kind,
            version: f.get("version").and_then(|v| v.parse().ok()),
        })
    }

    async fn list(db: &Db) -> Result<Vec<FundingSource>, AppError> {
        uc::list_sources(db).await
    }
    async fn get(db: &Db, id: i64) -> Result<FundingSource, AppError> {
        uc::get_source(db, id).await
    }
    async fn create(db: &Db, who: &Principal, input: FundingSourceInput) -> Result<(), AppError> {
        uc::create_source(db, who, input).await.map(drop)
    }
    async fn update(db: &Db, who: &Principal, id: i64, input: FundingSourceInput) -> Result<(), AppError> {
        uc::update_source(db, who, id, input).await.map(drop)
    }
    async fn delete(db: &Db, who: &Principal, id: i64) -> Result<(), AppError> {
        uc::delete_source(db, who, id).await
    }
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
    /// The page older than this entry id (the "Older" link).
    #[serde(default)]
    before: Option<String>,
    /// The page newer than this entry id (the "Newer" link).
    #[serde(default)]
    after: Option<String>,
}

/// Entries on a page of the audit trail.
const AUDIT_PAGE: i64 = 50;

impl AuditQuery {
    /// `/admin/audit?` with the filters as given (empty ones left out) and then `page`
    /// (`before=ID` or `after=ID`): paging keeps the filters.
    fn link(&self, page: &str) -> String {
        let filters = [
            ("entity", &self.entity),
            ("action", &self.action),
            ("user", &self.user),
            ("project", &self.project),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let mut parts: Vec<String> = filters
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| (k, v)))
            .map(|(k, v)| format!("{k}={}", format::url_encode(v)))
            .collect();
        parts.push(page.to_string());
        format!("/admin/audit?{}", parts.join("&"))
    }
}

/// The entities the trail records (the filter's choices), as `audit_log.entity` names them.
const ENTITIES: &[&str] = &[
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
    "user_lang",
    "membership",
    "api_token",
    "finding_explanation",
];

/// The actions the trail records.
const ACTIONS: &[&str] =
    &["create", "update", "delete", "submit", "approve", "return", "reopen", "issue", "supersede", "revoke"];

/// A word of the catalogue (`<prefix>-<code>`), or `fallback` when it has none (an entity or
/// action added later shows its code).
fn word_or(c: &Catalogue, prefix: &str, code: &str, fallback: impl FnOnce() -> String) -> String {
    let key = format!("{prefix}-{code}");
    let w = c.tr(&key);
    if w == key { fallback() } else { w }
}

fn entity_word(c: &Catalogue, entity: &str) -> String {
    word_or(c, "adm-entity", entity, || entity.replace('_', " "))
}

fn action_word(c: &Catalogue, action: &str) -> String {
    word_or(c, "adm-action", action, || action.to_string())
}

/// The entity in an entry's head: the code the API's `entity` says on English pages (as they
/// always showed it), the word in another language.
fn entity_head(c: &Catalogue, entity: &str) -> String {
    if c.lang == i18n::DEFAULT { entity.to_string() } else { entity_word(c, entity) }
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

/// `GET /admin/audit?entity=&action=&user=&project=&from=&to=[&before=ID|&after=ID]`: the trail
/// newest first, 50 entries a page (keyset on the entry id, so pages neither overlap nor skip
/// when changes are recorded meanwhile), with each change's fields before and after.
pub async fn audit(db: web::Data<Db>, user: WebUser, query: web::Query<AuditQuery>) -> Result<HttpResponse, WebError> {
    admin_only(&user)?;
    let c = i18n::catalogue(&user.lang);
    let q = query.into_inner();
    let some = |s: &Option<String>| s.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut errors = vec![];
    let date = |name: &str, v: &Option<String>, errors: &mut Vec<FieldError>| match some(v) {
        None => None,
        Some(s) => match chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(name, c.tr("adm-date-error")));
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
        errors.push(FieldError::new("user", c.tr("adm-choose-user-from-list")));
    }
    let filter = AuditFilter {
        entity: some(&q.entity),
        action: some(&q.action),
        user_id,
        from,
        to,
        limit: Some(AUDIT_PAGE),
        before: some(&q.before).and_then(|b| b.parse().ok()),
        after: some(&q.after).and_then(|a| a.parse().ok()),
        ..AuditFilter::default()
    };
    let found = if !errors.is_empty() {
        uc::AuditPage { entries: vec![], total: 0, newer: 0 }
    } else {
        uc::audit_page(&db, &user.principal, some(&q.project).as_deref(), filter).await?
    };
    let entries = &found.entries;
    // Where the page stands: entries first..last of total; links to the pages either side.
    let (first, last) = (found.newer + 1, found.newer + entries.len() as i64);
    let newer_link = entries.first().filter(|_| found.newer > 0).map(|e| q.link(&format!("after={}", e.id)));
    let older_link = entries.last().filter(|_| last < found.total).map(|e| q.link(&format!("before={}", e.id)));
    let codes: HashMap<i64, String> = projects.iter().map(|p| (p.id, p.code.clone())).collect();
    let rows: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "at": format!("{} {}", c.day(e.at.date()), e.at.format("%H:%M:%S")),
                // Seeds and migrations have no user: the store says `system`.
                "user": if e.user_id.is_none() { c.tr("adm-system") } else { e.user.clone() },
                "project": e.project_id.and_then(|p| codes.get(&p)).cloned().unwrap_or_default(),
                "entity": entity_head(&c, &e.entity),
                "action": action_word(&c, &e.action),
                "entity_id": e.entity_id,
                "reason": e.reason,
                "n_changes": changes(e.before.as_ref(), e.after.as_ref()).len(),
                "changes": changes(e.before.as_ref(), e.after.as_ref()),
            })
        })
        .collect();
    let any = || std::iter::once((String::new(), c.tr("adm-any")));
    let entity_options: Vec<(String, String)> =
        any().chain(ENTITIES.iter().map(|e| (e.to_string(), entity_word(&c, e)))).collect();
    let action_options: Vec<(String, String)> =
        any().chain(ACTIONS.iter().map(|a| (a.to_string(), action_word(&c, a)))).collect();
    let user_options: Vec<(String, String)> = std::iter::once((String::new(), c.tr("adm-anyone")))
        .chain(users.iter().map(|u| (u.email.clone(), u.email.clone())))
        .collect();
    let project_options: Vec<(String, String)> = std::iter::once((String::new(), c.tr("adm-all-projects")))
        .chain(projects.iter().map(|p| (p.code.clone(), p.code.clone())))
        .collect();
    let v = |s: &Option<String>| some(s).unwrap_or_default();
    let data = json!({
        "section": "audit",
        "entity": select("entity", &c.tr("adm-entity"), &v(&q.entity), &entity_options, &errors),
        "action": select("action", &c.tr("adm-action"), &v(&q.action), &action_options, &errors),
        "user": select("user", &c.tr("adm-user"), &v(&q.user), &user_options, &errors),
        "project": select("project", &c.tr("project"), &v(&q.project), &project_options, &errors),
        "from": input("from", &c.tr("adm-from"), &v(&q.from), Some(&c.tr("adm-date-hint")), &errors),
        "to": input("to", &c.tr("adm-to"), &v(&q.to), Some(&c.tr("adm-date-hint")), &errors),
        "entries": rows,
        "total": found.total,
        "range": c.t("adm-audit-range", &[
            ("total", found.total.into()),
            ("first", i18n::number(&c.locale, first as f64).into()),
            ("last", i18n::number(&c.locale, last as f64).into()),
            ("all", i18n::number(&c.locale, found.total as f64).into()),
        ]),
        "newer": newer_link,
        "older": older_link,
        "notice": null,
    });
    Ok(page("admin_audit", &c.tr("adm-audit"), &user, &errors, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cyrillic(s: &str) -> bool {
        s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
    }

    /// The rules the administration forms meet, as the use cases really word them.
    fn rules() -> Vec<String> {
        let mut out = vec![];
        let mut refused = |e: AppError| match e {
            AppError::Validation(errs) => out.extend(errs.into_iter().map(|e| e.message)),
            other => panic!("not a validation error: {other}"),
        };
        let user = NewUser { email: "no-at-sign".into(), name: " ".into(), password: "short".into(), is_admin: false };
        refused(crate::store::check(&user, vec![]).unwrap_err());
        let user =
            NewUser { email: "a@b.org".into(), name: "x".repeat(201), password: "p".repeat(12), is_admin: false };
        refused(crate::store::check(&user, vec![]).unwrap_err());
        let account =
            BudgetAccountInput { code: "7x".into(), name: String::new(), eu_heading: 9, eu_line: None, version: None };
        refused(crate::store::check(&account, vec![]).unwrap_err());
        let source = FundingSourceInput {
            code: "eu fund".into(),
            name: "n".repeat(301),
            kind: FundingKind::Other,
            version: None,
        };
        refused(crate::store::check(&source, vec![]).unwrap_err());
        out.extend([
            eu::line_error("1.1", 2),
            eu::line_error("1.1", 7),
            "a user with email x@y.org already exists".into(),
            "the user is already donor on this project: remove that membership first".into(),
            "you are the last active administrator and cannot be deactivated: nobody would be left to manage users and memberships; make another user an administrator first".into(),
            "x@y.org is the last active administrator and cannot be stripped of the admin flag: nobody would be left to manage users and memberships; make another user an administrator first".into(),
            "account 71200 is already in the catalogue".into(),
            "a funding source with code EU already exists".into(),
            "funding source EU funds 2 project(s): delete those contributions first".into(),
        ]);
        out
    }

    #[test]
    fn the_forms_rules_read_in_russian_and_english_stays_the_apis() {
        let (ru, en) = (i18n::catalogue("ru"), i18n::catalogue("en"));
        let rules = rules();
        assert!(rules.len() >= 14, "{rules:?}");
        for rule in &rules {
            let said_ru = said(&ru, rule);
            assert!(has_cyrillic(&said_ru) && !said_ru.contains("rule-"), "{rule} -> {said_ru}");
            assert_eq!(said(&en, rule), *rule);
        }
        assert_eq!(
            said(&ru, "the user is already donor on this project: remove that membership first"),
            "У пользователя уже есть роль «Донор» в этом проекте: сначала снимите её"
        );
        assert!(
            said(&ru, "x@y.org is the last active administrator and cannot be deactivated: …")
                .starts_with("Последний активный администратор — x@y.org, поэтому эту учётную запись нельзя отключить")
        );
        // A rule not known here is shown as the API words it.
        assert_eq!(said(&ru, "something new"), "something new");
    }

    /// Where a page of the trail stands, with the language's numbers.
    #[test]
    fn the_audit_pages_say_which_entries_they_show() {
        let range = |lang: &str, total: i64, first: f64, last: f64| {
            let c = i18n::catalogue(lang);
            let n = |x: f64| fluent_bundle::FluentValue::from(i18n::number(&c.locale, x));
            c.t(
                "adm-audit-range",
                &[("total", total.into()), ("first", n(first)), ("last", n(last)), ("all", n(total as f64))],
            )
        };
        assert_eq!(range("en", 1, 1.0, 1.0), "1 change, newest first.");
        assert_eq!(range("en", 1234, 51.0, 100.0), "Changes 51–100 of 1,234, newest first.");
        assert_eq!(range("ru", 1234, 1.0, 50.0), "Изменения 1–50 из 1\u{a0}234, сначала новые.");
        assert_eq!(range("ru", 21, 1.0, 21.0), "Изменения 1–21 из 21, сначала новые.");
    }

    #[test]
    fn role_and_entity_words_follow_the_language() {
        let (ru, en) = (i18n::catalogue("ru"), i18n::catalogue("en"));
        assert_eq!(format::role_label(&en, Some(Role::Donor)), "Donor");
        assert_eq!(format::role_label(&en, None), "Administrator");
        assert_eq!(format::role_label(&ru, Some(Role::Finance)), "Финансист");
        assert_eq!(entity_head(&en, "funding_source"), "funding_source");
        assert_eq!(entity_word(&en, "funding_source"), "funding source");
        assert_eq!(entity_word(&ru, "funding_source"), "источник финансирования");
        assert_eq!(entity_word(&ru, "new_thing"), "new thing");
        for e in ENTITIES {
            assert!(has_cyrillic(&entity_word(&ru, e)), "{e}");
        }
        for a in ACTIONS {
            assert_eq!(action_word(&en, a), *a);
            assert!(has_cyrillic(&action_word(&ru, a)), "{a}");
        }
        let names = EuNames::of(&ru);
        assert_eq!(names.heading(1, "Human resources"), "Людские ресурсы");
        assert_eq!(EuNames::of(&en).heading(5, "Other costs, services"), "Other costs, services");
    }
}
