//! Signing in and out.

use super::{
    LANG_COOKIE, SESSION_COOKIE, SIGN_IN_COOKIE, WebError, WebUser, constant_time_eq, cookie, csrf_for, html, i18n,
    local_path, render_in, request_lang, same_origin, see_other,
};
use crate::auth::Login;
use crate::db::Db;
use crate::error::AppError;
use crate::services::session::Door;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// A fresh random value for the sign-in form's CSRF cookie.
fn new_form_token() -> String {
    crate::auth::new_token()
}

fn sign_in_form(
    req: &HttpRequest,
    status: StatusCode,
    email: &str,
    next: &str,
    errors: &[(&str, String)],
) -> HttpResponse {
    let token = req.cookie(SIGN_IN_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() > 20);
    let token = token.unwrap_or_else(new_form_token);
    let error_of = |f: &str| errors.iter().find(|(k, _)| *k == f).map(|(_, m)| m.clone());
    let data = json!({
        "email": email,
        "next": next,
        "csrf": token,
        "errors": errors.iter().map(|(f, m)| json!({"href": format!("#{f}"), "message": m})).collect::<Vec<Value>>(),
        "email_error": error_of("email"),
        "password_error": error_of("password"),
    });
    let lang = request_lang(req);
    let c = i18n::catalogue(&lang);
    let title = if errors.is_empty() { c.tr("sign-in") } else { format!("{}: {}", c.tr("error"), c.tr("sign-in")) };
    let here =
        if next == "/" { "/sign-in".to_string() } else { format!("/sign-in?next={}", super::format::url_encode(next)) };
    let mut res = html(status, render_in(&lang, &here, "sign_in", &title, None, &data));
    let _ = res.add_cookie(&cookie(req, SIGN_IN_COOKIE, token, 3600));
    res
}

/// `GET /sign-in`: the form (or straight on, when a session is live).
pub async fn sign_in_page(
    req: HttpRequest,
    db: web::Data<Db>,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, WebError> {
    let next = local_path(query.next.as_deref().unwrap_or("/")).to_string();
    if let Some(secret) = req.cookie(SESSION_COOKIE)
        && crate::services::session::principal(&db, secret.value()).await?.is_some()
    {
        return Ok(see_other(&next));
    }
    Ok(sign_in_form(&req, StatusCode::OK, "", &next, &[]))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    next: String,
}

/// `POST /sign-in`: checks the form, signs in, sets the session cookie and goes on.
pub async fn sign_in(
    req: HttpRequest,
    db: web::Data<Db>,
    login: web::Data<Login>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, WebError> {
    same_origin(&req)?;
    let form = form.into_inner();
    let expected = req.cookie(SIGN_IN_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return Err(WebError::Csrf);
    }
    let next = local_path(&form.next).to_string();
    let email = form.email.trim().to_string();
    let c = i18n::catalogue(&request_lang(&req));
    let mut errors = vec![];
    if email.is_empty() {
        errors.push(("email", c.tr("sign-in-email-missing")));
    } else if !email.contains('@') {
        errors.push(("email", c.tr("sign-in-email-invalid")));
    }
    if form.password.is_empty() {
        errors.push(("password", c.tr("sign-in-password-missing")));
    }
    if !errors.is_empty() {
        return Ok(sign_in_form(&req, StatusCode::UNPROCESSABLE_ENTITY, &email, &next, &errors));
    }
    let address = login.client_address(&req);
    match crate::services::session::sign_in(&db, &login, Door::Web, &email, &form.password, &address).await {
        Ok(session) => {
            let mut res = see_other(&next);
            let hours = crate::api::auth::SESSION_HOURS * 3600;
            let _ = res.add_cookie(&cookie(&req, SESSION_COOKIE, session.token, hours));
            let _ = res.add_removal_cookie(&cookie(&req, SIGN_IN_COOKIE, String::new(), 0));
            Ok(res)
        }
        Err(AppError::Unauthorized(_)) => {
            Ok(sign_in_form(&req, StatusCode::UNAUTHORIZED, &email, &next, &[("password", c.tr("sign-in-wrong"))]))
        }
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            let minutes = retry_after_secs.div_ceil(60);
            Ok(sign_in_form(
                &req,
                StatusCode::TOO_MANY_REQUESTS,
                &email,
                &next,
                &[("password", c.t("sign-in-too-many", &[("minutes", (minutes as f64).into())]))],
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: Option<String>,
}

/// `POST /sign-out`: ends the session and forgets the cookie.
pub async fn sign_out(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    user.check_form(&req, form.csrf.as_deref())?;
    crate::services::session::sign_out(&db, &user.principal).await?;
    let mut res = see_other("/sign-in");
    let _ = res.add_removal_cookie(&cookie(&req, SESSION_COOKIE, String::new(), 0));
    // The sign-in page stays in the user's language.
    let _ = res.add_cookie(&cookie(&req, LANG_COOKIE, user.lang.clone(), LANG_COOKIE_SECS));
    Ok(res)
}

/// The language cookie lasts a year.
const LANG_COOKIE_SECS: i64 = 365 * 24 * 3600;

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: Option<String>,
}

/// `POST /language`: the switch in the header. Signed in, the choice is remembered for the
/// user (`services::session::set_lang`, as `PATCH /api/v1/auth/me`); always in the `rbm_lang`
/// cookie too, for the pages before signing in. Goes back to the page it came from.
pub async fn set_language(
    req: HttpRequest,
    db: web::Data<Db>,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, WebError> {
    same_origin(&req)?;
    let form = form.into_inner();
    if !i18n::is_available(&form.lang) {
        return Err(AppError::field("lang", format!("unknown language `{}`", form.lang)).into());
    }
    if let Some(secret) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()).filter(|s| !s.is_empty())
        && let Some(who) = crate::services::session::principal(&db, &secret).await?
    {
        let sent = form.csrf.as_deref().unwrap_or_default();
        if !constant_time_eq(sent.as_bytes(), csrf_for(&secret).as_bytes()) {
            return Err(WebError::Csrf);
        }
        crate::services::session::set_lang(&db, &who, &form.lang).await?;
    }
    let mut res = see_other(local_path(&form.next));
    let _ = res.add_cookie(&cookie(&req, LANG_COOKIE, form.lang, LANG_COOKIE_SECS));
    Ok(res)
}
