//! The web application: server-rendered HTML pages on the same port as the API, for people
//! who do not use curl. Pages are thin: they read the form, call a use case in
//! [`crate::services`], and render its answer with the handlebars templates embedded from
//! `assets/web/templates/` (HTML-escaped). Every asset is in the binary; no CDN.
//!
//! Sessions: signing in opens the same kind of `session` token as `POST /api/v1/auth/login`;
//! the browser keeps its secret in the `rbm_session` cookie (HttpOnly, SameSite=Lax, Secure
//! when the request came over TLS). Every form carries a CSRF token derived from the session
//! secret (checked on every POST), and a POST whose `Origin` is another origin is refused.

mod admin;
mod approvals;
mod charts;
mod dashboard;
mod entry;
mod finance;
mod finance_pages;
mod findings;
mod format;
mod framework;
pub mod i18n;
mod portal;
mod quarter;
mod reports;
mod rules;
mod session;
mod workplan;

use crate::auth::Principal;
use crate::db::Db;
use crate::error::AppError;
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentType};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use handlebars::Handlebars;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::pin::Pin;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "rbm_session";
/// The sign-in form's CSRF cookie (before there is a session to derive a token from).
pub const SIGN_IN_COOKIE: &str = "rbm_signin";

/// The language chosen before signing in (and kept after signing out).
pub const LANG_COOKIE: &str = "rbm_lang";

/// The languages the pages can be shown in (`i18n/web/<lang>.ftl` in the templates folder).
pub fn languages() -> Vec<String> {
    i18n::languages()
}

/// The language of a request without a signed-in user: the `rbm_lang` cookie, else the
/// browser's `Accept-Language`, else English.
fn request_lang(req: &HttpRequest) -> String {
    req.cookie(LANG_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|l| i18n::is_available(l))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|h| h.to_str().ok())
                .and_then(i18n::from_accept_language)
        })
        .unwrap_or_else(|| i18n::DEFAULT.to_string())
}

/// The largest form accepted (a quarter's entry form with every indicator's comment).
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Registers the pages and assets. Call before the API's catch-all.
pub fn routes(cfg: &mut web::ServiceConfig) {
    // A quarter's entry form carries every indicator's comment: well above the 16 KiB default.
    cfg.app_data(web::FormConfig::default().limit(MAX_FORM_BYTES))
        .route("/", web::get().to(dashboard::home))
        .route("/sign-in", web::get().to(session::sign_in_page))
        .route("/sign-in", web::post().to(session::sign_in))
        .route("/sign-out", web::post().to(session::sign_out))
        .route("/language", web::post().to(session::set_language))
        .route("/assets/{name}", web::get().to(asset))
        .route("/projects/{project}", web::get().to(dashboard::dashboard))
        .route("/projects/{project}/progress", web::get().to(entry::current))
        .route("/projects/{project}/progress/{quarter}", web::get().to(entry::page))
        .route("/projects/{project}/progress/{quarter}", web::post().to(entry::save))
        .route("/projects/{project}/approvals", web::get().to(approvals::page))
        .route("/projects/{project}/approvals", web::post().to(approvals::decide))
        .route("/projects/{project}/approvals/reopen", web::post().to(approvals::reopen))
        .route("/projects/{project}/results", web::get().to(framework::page))
        .route("/projects/{project}/results/new", web::get().to(framework::new_result))
        .route("/projects/{project}/results/new", web::post().to(framework::create_result))
        .route("/projects/{project}/results/{id}", web::get().to(framework::edit_result))
        .route("/projects/{project}/results/{id}", web::post().to(framework::update_result))
        .route("/projects/{project}/indicators/new", web::get().to(framework::new_indicator))
        .route("/projects/{project}/indicators/new", web::post().to(framework::create_indicator))
        .route("/projects/{project}/indicators/{id}", web::get().to(framework::edit_indicator))
        .route("/projects/{project}/indicators/{id}", web::post().to(framework::update_indicator))
        .route("/projects/{project}/indicators/{id}/targets", web::post().to(framework::save_targets))
        // Deleting from the results framework: a confirmation page, then the form's POST.
        .route(
            "/projects/{project}/results/{id}/delete",
            web::get().to(framework::confirm_delete::<framework::Results>),
        )
        .route("/projects/{project}/results/{id}/delete", web::post().to(framework::delete::<framework::Results>))
        .route(
            "/projects/{project}/indicators/{id}/delete",
            web::get().to(framework::confirm_delete::<framework::Indicators>),
        )
        .route("/projects/{project}/indicators/{id}/delete", web::post().to(framework::delete::<framework::Indicators>))
        .route(
            "/projects/{project}/indicators/{ind}/targets/{id}/delete",
            web::get().to(framework::confirm_delete::<framework::Targets>),
        )
        .route(
            "/projects/{project}/indicators/{ind}/targets/{id}/delete",
            web::post().to(framework::delete::<framework::Targets>),
        )
        .route("/projects/{project}/reports", web::get().to(reports::page))
        .route("/projects/{project}/reports", web::post().to(reports::generate))
        .route("/projects/{project}/reports/preview", web::get().to(reports::preview))
        .route("/projects/{project}/reports/{id}/file", web::get().to(reports::file))
        .route("/projects/{project}/reports/{id}/issue", web::post().to(reports::issue));
    // Finance views and checks, administration (web-admin).
    cfg.route("/projects/{project}/finance", web::get().to(finance::page))
        .route("/projects/{project}/finance/checks", web::get().to(finance::checks_page))
        .route("/projects/{project}/finance/checks/{key}/explanation", web::post().to(finance::explain))
        .route("/admin", web::get().to(admin::index))
        .route("/admin/users", web::get().to(admin::users))
        .route("/admin/users", web::post().to(admin::create_user))
        .route("/admin/users/{id}", web::get().to(admin::user))
        .route("/admin/users/{id}", web::post().to(admin::update_user))
        .route("/admin/users/{id}/roles", web::post().to(admin::add_role))
        .route("/admin/memberships/{id}/remove", web::post().to(admin::remove_role))
        .route("/admin/projects/{project}", web::get().to(admin::members))
        .route("/admin/projects/{project}", web::post().to(admin::add_member))
        .route("/admin/accounts", web::get().to(admin::catalogue::<admin::Accounts>))
        .route("/admin/accounts", web::post().to(admin::create_entry::<admin::Accounts>))
        .route("/admin/accounts/{id}", web::get().to(admin::entry::<admin::Accounts>))
        .route("/admin/accounts/{id}", web::post().to(admin::update_entry::<admin::Accounts>))
        .route("/admin/funding-sources", web::get().to(admin::catalogue::<admin::Sources>))
        .route("/admin/funding-sources", web::post().to(admin::create_entry::<admin::Sources>))
        .route("/admin/funding-sources/{id}", web::get().to(admin::entry::<admin::Sources>))
        .route("/admin/funding-sources/{id}", web::post().to(admin::update_entry::<admin::Sources>))
        .route("/admin/audit", web::get().to(admin::audit));
    // Work plans, expenditures, receipts, exchange rates (issue 13, part 2).
    cfg.route("/projects/{project}/work-plans", web::get().to(workplan::index))
        .route("/projects/{project}/work-plans/{year}", web::get().to(workplan::show))
        .route("/projects/{project}/work-plans/{year}", web::post().to(workplan::create))
        .route("/projects/{project}/work-plans/{year}/activities", web::post().to(workplan::add_activity))
        .route("/projects/{project}/work-plans/{year}/lines", web::post().to(workplan::add_line))
        .route("/projects/{project}/work-plans/{year}/lines/{id}", web::post().to(workplan::update_line))
        .route("/projects/{project}/work-plans/{year}/lines/{id}/delete", web::post().to(workplan::delete_line))
        .route(
            "/projects/{project}/work-plans/{year}/approve",
            web::post().to(workplan::plan_step::<workplan::Approve>),
        )
        .route("/projects/{project}/work-plans/{year}/revise", web::post().to(workplan::plan_step::<workplan::Revise>))
        .route("/projects/{project}/expenditures", web::get().to(finance_pages::expenditures))
        .route("/projects/{project}/expenditures", web::post().to(finance_pages::record::<finance_pages::Expenditures>))
        .route("/projects/{project}/receipts", web::get().to(finance_pages::receipts))
        .route("/projects/{project}/receipts", web::post().to(finance_pages::record::<finance_pages::Receipts>))
        .route(
            "/projects/{project}/expenditures/{id}",
            web::post().to(finance_pages::correct::<finance_pages::Expenditures>),
        )
        .route(
            "/projects/{project}/expenditures/{id}/delete",
            web::get().to(finance_pages::confirm_delete::<finance_pages::Expenditures>),
        )
        .route(
            "/projects/{project}/expenditures/{id}/delete",
            web::post().to(finance_pages::delete::<finance_pages::Expenditures>),
        )
        .route("/projects/{project}/receipts/{id}", web::post().to(finance_pages::correct::<finance_pages::Receipts>))
        .route(
            "/projects/{project}/receipts/{id}/delete",
            web::get().to(finance_pages::confirm_delete::<finance_pages::Receipts>),
        )
        .route(
            "/projects/{project}/receipts/{id}/delete",
            web::post().to(finance_pages::delete::<finance_pages::Receipts>),
        )
        .route("/exchange-rates", web::get().to(finance_pages::rates))
        .route("/exchange-rates", web::post().to(finance_pages::add_rate))
        .route("/exchange-rates/{id}", web::post().to(finance_pages::update_rate));
}

const CSS: &str = include_str!("../../assets/web/app.css");
const JS: &str = include_str!("../../assets/web/app.js");

async fn asset(path: web::Path<String>) -> Result<HttpResponse, WebError> {
    let (body, kind) = match path.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return Err(WebError::NotFound),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, kind))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body))
}

fn templates() -> &'static Handlebars<'static> {
    static T: std::sync::OnceLock<Handlebars<'static>> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        let mut h = Handlebars::new();
        h.set_strict_mode(true);
        i18n::register(&mut h);
        for (name, text) in [
            ("layout", include_str!("../../assets/web/templates/layout.hbs")),
            ("sign_in", include_str!("../../assets/web/templates/sign_in.hbs")),
            ("projects", include_str!("../../assets/web/templates/projects.hbs")),
            ("dashboard", include_str!("../../assets/web/templates/dashboard.hbs")),
            ("entry", include_str!("../../assets/web/templates/entry.hbs")),
            ("approvals", include_str!("../../assets/web/templates/approvals.hbs")),
            ("reports", include_str!("../../assets/web/templates/reports.hbs")),
            ("donor", include_str!("../../assets/web/templates/donor.hbs")),
            ("framework", include_str!("../../assets/web/templates/framework.hbs")),
            ("result_form", include_str!("../../assets/web/templates/result_form.hbs")),
            ("indicator_form", include_str!("../../assets/web/templates/indicator_form.hbs")),
            ("error", include_str!("../../assets/web/templates/error.hbs")),
            ("finance", include_str!("../../assets/web/templates/finance.hbs")),
            ("finance_checks", include_str!("../../assets/web/templates/finance_checks.hbs")),
            ("admin_users", include_str!("../../assets/web/templates/admin_users.hbs")),
            ("admin_user", include_str!("../../assets/web/templates/admin_user.hbs")),
            ("admin_accounts", include_str!("../../assets/web/templates/admin_accounts.hbs")),
            ("admin_account", include_str!("../../assets/web/templates/admin_account.hbs")),
            ("admin_sources", include_str!("../../assets/web/templates/admin_sources.hbs")),
            ("admin_source", include_str!("../../assets/web/templates/admin_source.hbs")),
            ("admin_audit", include_str!("../../assets/web/templates/admin_audit.hbs")),
            ("admin_members", include_str!("../../assets/web/templates/admin_members.hbs")),
            ("workplans", include_str!("../../assets/web/templates/workplans.hbs")),
            ("workplan", include_str!("../../assets/web/templates/workplan.hbs")),
            ("expenditures", include_str!("../../assets/web/templates/expenditures.hbs")),
            ("receipts", include_str!("../../assets/web/templates/receipts.hbs")),
            ("rates", include_str!("../../assets/web/templates/rates.hbs")),
            ("confirm_delete", include_str!("../../assets/web/templates/confirm_delete.hbs")),
        ] {
            h.register_template_string(name, text).unwrap_or_else(|e| panic!("template {name}: {e}"));
        }
        // Shared parts of pages: `{{> status_panel}}`, `{{> field}}`.
        for (name, text) in [
            ("status_panel", include_str!("../../assets/web/templates/status_panel.hbs")),
            ("field", include_str!("../../assets/web/templates/field.hbs")),
            ("finding_links", include_str!("../../assets/web/templates/finding_links.hbs")),
            ("admin_nav", include_str!("../../assets/web/templates/admin_nav.hbs")),
            ("awp_cells", include_str!("../../assets/web/templates/awp_cells.hbs")),
            ("rate_used_by", include_str!("../../assets/web/templates/rate_used_by.hbs")),
            ("awp_delivery", include_str!("../../assets/web/templates/awp_delivery.hbs")),
        ] {
            h.register_partial(name, text).unwrap_or_else(|e| panic!("partial {name}: {e}"));
        }
        h
    })
}

/// Renders a page: its template inside the layout, in the signed-in caller's language
/// (English without one; [`render_in`] for pages before signing in).
fn render(template: &str, title: &str, user: Option<&WebUser>, data: &Value) -> String {
    let lang = user.map_or(i18n::DEFAULT, |u| u.lang.as_str());
    render_in(lang, "/", template, title, user, data)
}

/// Renders a page in `lang`; `here` is where the language switch comes back to.
fn render_in(lang: &str, here: &str, template: &str, title: &str, user: Option<&WebUser>, data: &Value) -> String {
    let t = templates();
    let lang = i18n::catalogue(lang).lang.clone();
    i18n::with_lang(&lang, || {
        let body = t.render(template, data).unwrap_or_else(|e| panic!("template {template}: {e}"));
        let here = user.map_or(here, |u| u.here.as_str());
        let layout = json!({
            "title": title,
            "body": body,
            "lang": lang,
            "here": here,
            "languages": i18n::choices().into_iter().map(|(tag, name)| json!({"tag": tag, "name": name, "current": tag == lang})).collect::<Vec<_>>(),
            "user": user.map(|u| json!({"email": u.principal.email, "csrf": u.csrf(), "is_admin": u.principal.is_admin})),
        });
        t.render("layout", &layout).unwrap_or_else(|e| panic!("layout: {e}"))
    })
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("Referrer-Policy", "same-origin"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .body(body)
}

/// An error page in `lang` (without the signed-in header: the error may be that there is no user).
fn page_error(lang: &str, status: StatusCode, title: &str, message: &str) -> HttpResponse {
    html(status, render_in(lang, "/", "error", title, None, &json!({"title": title, "message": message})))
}

/// The language of the page a request asked for, kept on the request by [`WebUser`] so that
/// an error answered later (a handler's `?`) is written in it.
#[derive(Clone)]
struct PageLang(String);

/// Middleware: a page's error (a [`WebError`]) answered in the page's language: the signed-in
/// user's choice when the request got that far, else the `rbm_lang` cookie or the browser's
/// `Accept-Language`. `ResponseError::error_response` has no request, so it writes English
/// and this writes the page again in another language. The API's answers are untouched.
pub async fn errors_in_page_language(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    // (The request is read from the response: a clone held across routing would stop it.)
    let res = next.call(req).await?;
    let request = res.request();
    let lang = || {
        // (The borrow of the extensions ends before `request_lang` reads the cookies.)
        let chosen = request.extensions().get::<PageLang>().map(|l| l.0.clone());
        chosen.unwrap_or_else(|| request_lang(request))
    };
    let Some(again) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<WebError>())
        .filter(|e| !matches!(e, WebError::SignIn(_)))
        .map(|e| (e, lang()))
        .filter(|(_, lang)| lang != i18n::DEFAULT)
        .map(|(e, lang)| e.response_in(&lang))
    else {
        return Ok(res.map_into_left_body());
    };
    Ok(res.into_response(again).map_into_right_body())
}

/// 303 See Other to a page (after a POST, or to the sign-in page).
fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}

/// A hex SHA-256.
fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The CSRF token of a session: a hash of its secret, which only the session's own pages show.
fn csrf_for(secret: &str) -> String {
    sha256_hex(&format!("rbm-csrf:{secret}"))
}

/// Whether the request came over TLS (directly, or as a proxy says with `Forwarded`).
fn is_tls(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

fn cookie<'a>(req: &HttpRequest, name: &'a str, value: String, max_age_secs: i64) -> Cookie<'a> {
    let mut c =
        Cookie::build(name, value).path("/").http_only(true).same_site(SameSite::Lax).secure(is_tls(req)).finish();
    c.set_max_age(actix_web::cookie::time::Duration::seconds(max_age_secs));
    c
}

/// Refuses a POST sent from another origin: browsers send `Origin` on every cross-origin
/// (and same-origin) form post; it must be this server's own.
fn same_origin(req: &HttpRequest) -> Result<(), WebError> {
    let Some(origin) = req.headers().get(header::ORIGIN) else { return Ok(()) };
    let info = req.connection_info();
    let own = format!("{}://{}", info.scheme(), info.host());
    if origin.to_str().is_ok_and(|o| o.eq_ignore_ascii_case(&own)) { Ok(()) } else { Err(WebError::Csrf) }
}

/// The signed-in caller of a page, from the session cookie. Without a live session a page
/// sends the browser to the sign-in page (and back here afterwards).
pub struct WebUser {
    pub principal: Principal,
    secret: String,
    /// The page's language: the one the user chose, else the request's (cookie, browser).
    pub lang: String,
    /// This page's path and query (where the language switch comes back to).
    here: String,
}

impl WebUser {
    /// This session's CSRF token, for the hidden `csrf` field of every form.
    pub fn csrf(&self) -> String {
        csrf_for(&self.secret)
    }

    /// Checks a POST: same origin and the session's CSRF token in the form.
    pub fn check_form(&self, req: &HttpRequest, sent: Option<&str>) -> Result<(), WebError> {
        same_origin(req)?;
        match sent {
            Some(t) if constant_time_eq(t.as_bytes(), self.csrf().as_bytes()) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequest for WebUser {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let secret = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let db = req.app_data::<web::Data<Db>>().cloned();
        let next = if req.method() == actix_web::http::Method::GET {
            req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into())
        } else {
            "/".into()
        };
        let fallback = request_lang(req);
        let request = req.clone();
        Box::pin(async move {
            let db = db.ok_or_else(|| WebError::App(AppError::Internal("database missing from app data".into())))?;
            let Some(secret) = secret.filter(|s| !s.is_empty()) else { return Err(WebError::SignIn(next)) };
            match crate::services::session::web_principal(&db, &secret).await? {
                Some((principal, chosen)) => {
                    let lang = chosen.filter(|l| i18n::is_available(l)).unwrap_or(fallback);
                    request.extensions_mut().insert(PageLang(lang.clone()));
                    Ok(WebUser { principal, secret, lang, here: next })
                }
                None => Err(WebError::SignIn(next)),
            }
        })
    }
}

/// How a page fails: to the sign-in page, a refused cross-site form, or an error page.
#[derive(Debug)]
pub enum WebError {
    SignIn(String),
    Csrf,
    /// An asset that does not exist.
    NotFound,
    App(AppError),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError::App(e)
    }
}

impl std::fmt::Display for WebError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WebError::SignIn(_) => f.write_str("sign in first"),
            WebError::Csrf => f.write_str("cross-site form refused"),
            WebError::NotFound => f.write_str("no such page"),
            WebError::App(e) => write!(f, "{e}"),
        }
    }
}

/// Only local paths are followed after signing in (no open redirect).
fn local_path(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') { next } else { "/" }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::SignIn(_) => StatusCode::SEE_OTHER,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::App(e) => e.status_code(),
        }
    }

    /// In English; [`errors_in_page_language`] writes it again in the page's language.
    fn error_response(&self) -> HttpResponse {
        self.response_in(i18n::DEFAULT)
    }
}

impl WebError {
    /// The error page in `lang` (the messages of the API's problems stay English).
    fn response_in(&self, lang: &str) -> HttpResponse {
        let c = i18n::catalogue(lang);
        match self {
            WebError::SignIn(next) => {
                let next = local_path(next);
                let to = if next == "/" {
                    "/sign-in".to_string()
                } else {
                    format!("/sign-in?next={}", format::url_encode(next))
                };
                see_other(&to)
            }
            WebError::Csrf => {
                page_error(lang, StatusCode::FORBIDDEN, &c.tr("error-form-refused"), &c.tr("error-form-refused-text"))
            }
            WebError::NotFound => {
                page_error(lang, StatusCode::NOT_FOUND, &c.tr("error-not-found"), &c.tr("error-no-such-file"))
            }
            WebError::App(e) => {
                let status = e.status_code();
                let (title, message) = match status.as_u16() {
                    404 => ("error-not-found", c.tr("error-not-found-text")),
                    403 => ("error-not-allowed", c.t("error-not-allowed-text", &[("reason", e.to_string().into())])),
                    400 | 422 => (
                        "error-bad-request",
                        match e {
                            AppError::Validation(errs) => {
                                errs.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join("; ")
                            }
                            other => other.to_string(),
                        },
                    ),
                    429 => ("error-too-many", e.to_string()),
                    409 | 412 => ("error-data-changed", e.to_string()),
                    _ => {
                        // Logged once, when written in English (every error is).
                        if lang == i18n::DEFAULT {
                            log::error!("{e}");
                        }
                        ("error-service", c.tr("error-try-later"))
                    }
                };
                page_error(lang, status, &c.tr(title), &message)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(local_path("/projects/KAZ-HUB"), "/projects/KAZ-HUB");
        assert_eq!(local_path("//evil.example/x"), "/");
        assert_eq!(local_path("https://evil.example/"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path(""), "/");
    }

    #[test]
    fn the_csrf_token_belongs_to_its_session() {
        assert_eq!(csrf_for("a"), csrf_for("a"));
        assert_ne!(csrf_for("a"), csrf_for("b"));
        assert_eq!(csrf_for("a").len(), 64);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn every_template_compiles() {
        let t = templates();
        for name in [
            "layout",
            "sign_in",
            "projects",
            "dashboard",
            "entry",
            "approvals",
            "reports",
            "donor",
            "framework",
            "result_form",
            "indicator_form",
            "error",
            "finance",
            "finance_checks",
            "admin_users",
            "admin_user",
            "admin_accounts",
            "admin_account",
            "admin_sources",
            "admin_source",
            "admin_audit",
            "admin_members",
            "workplans",
            "workplan",
            "expenditures",
            "receipts",
            "rates",
            "confirm_delete",
        ] {
            assert!(t.has_template(name), "{name}");
        }
    }
}
