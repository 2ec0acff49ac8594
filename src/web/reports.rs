//! The reports page: choose a template, period, format and language; preview the report as
//! HTML; generate it (stored as an immutable snapshot); download it; (managers) issue it to
//! the donors; the list of stored reports with their SHA-256. The same use cases as the
//! API's `/reports` endpoints ([`crate::services::reports`]).

use super::i18n::{self, Catalogue};
use super::{WebError, WebUser, format, html, render, see_other};
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::access::Action;
use crate::domain::progress::Thresholds;
use crate::error::AppError;
use crate::reports::templates::Templates;
use crate::reports::{Format, ReportRequest};
use crate::services::reports as uc;
use crate::store::projects::Project;
use crate::store::reports::ReportMeta;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

/// The catalogue's word for `<prefix>-<code>`, the code itself when there is none (a
/// template or a report language added without a word for it).
fn label(c: &Catalogue, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}-{code}");
    let w = c.tr(&key);
    if w == key { code.to_string() } else { w }
}

/// What people call a template.
pub fn template_label(c: &Catalogue, name: &str) -> String {
    label(c, "template", name)
}

fn language_label(c: &Catalogue, lang: &str) -> String {
    label(c, "report-lang", lang)
}

fn format_label(c: &Catalogue, f: &str) -> String {
    label(c, "format", f)
}

/// The choices made on the form (as typed, so an error brings them back).
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Choice {
    #[serde(default)]
    template: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    format: String,
    #[serde(default)]
    lang: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    draft: Option<String>,
}

impl Choice {
    fn draft(&self) -> bool {
        self.draft.as_deref().is_some_and(|d| !d.is_empty() && d != "0" && d != "false")
    }

    /// The API's request: `2025-Q3`, `2025`, or a range `2025-Q1..2025-Q3` (also `2025-Q1 to 2025-Q3`).
    fn request(&self, c: &Catalogue, errors: &mut Vec<FieldError>) -> ReportRequest {
        let period = self.period.trim();
        let range = period.split_once("..").or_else(|| period.split_once(" to ")).or_else(|| period.split_once('–'));
        let (period, from, to) = match range {
            Some((f, t)) => (None, Some(f.trim().to_string()), Some(t.trim().to_string())),
            None if period.is_empty() => {
                errors.push(FieldError::new("period", c.tr("enter-a-period")));
                (None, None, None)
            }
            None => (Some(period.to_string()), None, None),
        };
        let format = Format::parse(&self.format).unwrap_or_else(|| {
            errors.push(FieldError::new("format", c.tr("choose-a-format")));
            Format::Pdf
        });
        if self.template.is_empty() {
            errors.push(FieldError::new("template", c.tr("choose-a-template")));
        }
        ReportRequest {
            template: self.template.clone(),
            period,
            from,
            to,
            format,
            lang: Some(self.lang.clone()).filter(|l| !l.is_empty()),
            draft: self.draft(),
        }
    }

    /// The query string of the preview of this choice.
    fn preview_query(&self) -> String {
        format!(
            "template={}&period={}&lang={}{}",
            format::url_encode(&self.template),
            format::url_encode(self.period.trim()),
            format::url_encode(&self.lang),
            if self.draft() { "&draft=1" } else { "" }
        )
    }
}

/// Where an error of the use case goes on the form (`from`, `to`: the period's).
fn form_field(field: &str) -> &'static str {
    match field {
        "template" => "template",
        "period" | "from" | "to" => "period",
        "format" => "format",
        "lang" => "lang",
        "draft" => "draft",
        _ => "",
    }
}

/// The use case's refusal as form errors; other errors go on as they are.
fn as_form_errors(c: &Catalogue, e: AppError) -> Result<Vec<FieldError>, WebError> {
    match e {
        AppError::Validation(errs) => Ok(errs),
        AppError::Conflict { message, field } if field.as_deref() == Some("draft") => {
            // The API's wording names its JSON field; the page names its checkbox.
            let what = message.split(". Approve it").next().unwrap_or(&message).to_string();
            Ok(vec![FieldError::new("draft", format!("{what}. {}", c.tr("approve-first-or-draft")))])
        }
        other => Err(other.into()),
    }
}

fn when(c: &Catalogue, t: &chrono::NaiveDateTime) -> String {
    format!("{} {} UTC", c.day(t.date()), t.format("%H:%M"))
}

pub(super) fn report_row(c: &Catalogue, code: &str, r: &ReportMeta, may_issue: bool, highlight: Option<i64>) -> Value {
    let kb = i18n::number(&c.locale, (r.size_bytes as f64 / 1024.0).max(0.1).round().max(1.0));
    json!({
        "id": r.id,
        "template": template_label(c, &r.template),
        "period": r.period,
        "format": format_label(c, r.format.as_str()),
        "file_name": crate::reports::safe_file_name(&r.file_name),
        "href": format!("/projects/{}/reports/{}/file", format::url_encode(code), r.id),
        "issue_action": format!("/projects/{}/reports/{}/issue", format::url_encode(code), r.id),
        "size": c.t("size-kb", &[("n", kb.into())]),
        "sha256": r.sha256,
        "generated_at": when(c, &r.generated_at),
        "issued_at": r.issued_at.as_ref().map(|t| when(c, t)),
        "draft": r.draft,
        "may_issue": may_issue && !r.draft && r.issued_at.is_none(),
        "highlight": highlight == Some(r.id),
    })
}

#[allow(clippy::too_many_arguments)]
fn view(
    user: &WebUser,
    templates: &Templates,
    project: &Project,
    reports: &[ReportMeta],
    choice: &Choice,
    errors: &[FieldError],
    notice: Option<String>,
    preview: Option<String>,
    highlight: Option<i64>,
) -> Value {
    let c = i18n::catalogue(&user.lang);
    let (names, languages) = uc::choices(templates);
    let may_generate = uc::may_generate(&user.principal, project.id);
    let may_issue = user.principal.may(project.id, Action::Manage);
    // The use cases' rules in the page's language.
    let errors: Vec<FieldError> =
        errors.iter().map(|e| FieldError::new(e.field.clone(), super::rules::said(&c, &e.message))).collect();
    let err = |f: &str| {
        let m: Vec<&str> = errors.iter().filter(|e| form_field(&e.field) == f).map(|e| e.message.as_str()).collect();
        (!m.is_empty()).then(|| m.join("; "))
    };
    let summary: Vec<Value> = errors
        .iter()
        .map(|e| {
            let f = form_field(&e.field);
            let href = match f {
                "" => "#report-form".to_string(),
                "format" => "#format-pdf".to_string(),
                f => format!("#{f}"),
            };
            json!({"href": href, "message": e.message})
        })
        .collect();
    let quarters = crate::services::dashboard::quarters(project);
    let mut suggestions: Vec<String> = quarters.iter().rev().map(|q| q.to_string()).collect();
    let mut years: Vec<i32> = quarters.iter().map(|q| q.year).collect();
    years.dedup();
    suggestions.extend(years.iter().rev().map(|y| y.to_string()));
    if let (Some(first), Some(last)) = (quarters.first(), quarters.last()) {
        suggestions.push(format!("{first}..{last}"));
    }
    let code = &project.code;
    let formats: Vec<Value> = ["pdf", "xlsx", "html"]
        .iter()
        .map(|f| json!({"value": f, "label": format_label(&c, f), "checked": *f == choice.format}))
        .collect();
    json!({
        "code": code,
        "title": project.title,
        "csrf": user.csrf(),
        "may_generate": may_generate,
        "templates": names.iter().map(|n| json!({"value": n, "label": template_label(&c, n), "selected": *n == choice.template})).collect::<Vec<_>>(),
        "languages": languages.iter().map(|l| json!({"value": l, "label": language_label(&c, l), "selected": *l == choice.lang})).collect::<Vec<_>>(),
        "formats": formats,
        "period": choice.period,
        "suggestions": suggestions,
        "draft": choice.draft(),
        "template_error": err("template"),
        "period_error": err("period"),
        "format_error": err("format"),
        "lang_error": err("lang"),
        "draft_error": err("draft"),
        "errors": summary,
        "notice": notice,
        "preview": preview,
        "reports": reports.iter().map(|r| report_row(&c, code, r, may_issue, highlight)).collect::<Vec<_>>(),
        "has_reports": !reports.is_empty(),
        "may_issue": may_issue,
    })
}

/// The quarter a report is usually about: the last one that ended (within the project).
fn last_quarter(project: &Project) -> crate::domain::period::Quarter {
    use crate::domain::period::Quarter;
    let today = Quarter::of(chrono::Utc::now().date_naive());
    today.prev().clamp(Quarter::of(project.start_date), Quarter::of(project.end_date))
}

fn page_title(c: &Catalogue, code: &str, error: bool) -> String {
    let t = format!("{} – {code}", c.tr("reports"));
    if error { format!("{}: {t}", c.tr("error")) } else { t }
}

/// The reports page is for the project's team; donors find the reports issued to them on
/// the project's page (the donor portal).
fn require_team(user: &WebUser, project: &Project) -> Result<(), WebError> {
    if uc::donor_only(&user.principal, project.id) {
        return Err(AppError::Forbidden("donors find the reports issued to them on the project's page".into()).into());
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct DoneQuery {
    generated: Option<i64>,
    issued: Option<i64>,
}

/// `GET /projects/{project}/reports`.
pub async fn page(
    db: web::Data<Db>,
    templates: web::Data<Templates>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, WebError> {
    let (project, reports) = uc::project_reports(&db, &user.principal, &path.into_inner()).await?;
    require_team(&user, &project)?;
    let find = |id: Option<i64>| id.and_then(|id| reports.iter().find(|r| r.id == id));
    let c = i18n::catalogue(&user.lang);
    let notice = match (find(query.generated), find(query.issued)) {
        (Some(r), _) => Some(c.t(
            "report-generated-notice",
            &[("file", crate::reports::safe_file_name(&r.file_name).into()), ("sha", r.sha256.clone().into())],
        )),
        (None, Some(r)) => {
            Some(c.t("report-issued-notice", &[("file", crate::reports::safe_file_name(&r.file_name).into())]))
        }
        _ => None,
    };
    let choice = Choice {
        template: "undp-quarterly".into(),
        period: last_quarter(&project).to_string(),
        format: "pdf".into(),
        // The page's language when the reports have it too.
        lang: if uc::choices(&templates).1.contains(&user.lang) {
            user.lang.clone()
        } else {
            crate::reports::i18n::DEFAULT_LANG.into()
        },
        draft: None,
    };
    let highlight = query.generated.or(query.issued);
    let body = view(&user, &templates, &project, &reports, &choice, &[], notice, None, highlight);
    Ok(html(StatusCode::OK, render("reports", &page_title(&c, &project.code, false), Some(&user), &body)))
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    intent: String,
    #[serde(flatten)]
    choice: Choice,
}

/// `POST /projects/{project}/reports`: `intent=preview` shows the HTML preview of the choice
/// (nothing stored); `intent=generate` generates and stores the report.
pub async fn generate(
    req: HttpRequest,
    db: web::Data<Db>,
    templates: web::Data<Templates>,
    thresholds: web::Data<Thresholds>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    user.check_form(&req, form.csrf.as_deref())?;
    let key = path.into_inner();
    let c = i18n::catalogue(&user.lang);
    let mut errors = vec![];
    let request = form.choice.request(&c, &mut errors);
    let mut preview = None;
    if errors.is_empty() {
        let t = templates.clone().into_inner();
        if form.intent == "preview" {
            match uc::preview(&db, &user.principal, t, **thresholds, &key, request).await {
                Ok(_) => {
                    preview = Some(format!(
                        "/projects/{}/reports/preview?{}",
                        format::url_encode(&key),
                        form.choice.preview_query()
                    ))
                }
                Err(e) => errors = as_form_errors(&c, e)?,
            }
        } else {
            match uc::generate(&db, &user.principal, t, **thresholds, &key, request).await {
                Ok(meta) => {
                    return Ok(see_other(&format!(
                        "/projects/{}/reports?generated={}",
                        format::url_encode(&key),
                        meta.id
                    )));
                }
                Err(e) => errors = as_form_errors(&c, e)?,
            }
        }
    }
    let (project, reports) = uc::project_reports(&db, &user.principal, &key).await?;
    require_team(&user, &project)?;
    user.principal.require(project.id, Action::GenerateReport)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let body = view(&user, &templates, &project, &reports, &form.choice, &errors, None, preview, None);
    Ok(html(status, render("reports", &page_title(&c, &project.code, !errors.is_empty()), Some(&user), &body)))
}

/// `GET /projects/{project}/reports/preview?template=&period=&lang=[&draft=1]`: the report
/// as a self-contained HTML page (nothing stored), shown in a frame of the reports page. Its
/// own policy lets its inline styles apply and nothing run (sandboxed, no scripts).
pub async fn preview(
    db: web::Data<Db>,
    templates: web::Data<Templates>,
    thresholds: web::Data<Thresholds>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<Choice>,
) -> Result<HttpResponse, WebError> {
    let mut choice = query.into_inner();
    choice.format = "html".into();
    let mut errors = vec![];
    let request = choice.request(&i18n::catalogue(&user.lang), &mut errors);
    if let Some(e) = errors.into_iter().next() {
        return Err(AppError::Validation(vec![e]).into());
    }
    let bytes =
        uc::preview(&db, &user.principal, templates.into_inner(), **thresholds, &path.into_inner(), request).await?;
    Ok(HttpResponse::Ok()
        .content_type(Format::Html.content_type())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Frame-Options", "SAMEORIGIN"))
        .insert_header(("Referrer-Policy", "same-origin"))
        .insert_header(("Content-Security-Policy", uc::PREVIEW_CSP))
        .body(bytes))
}

/// `GET /projects/{project}/reports/{id}/file`: the stored bytes, as the API sends them.
pub async fn file(db: web::Data<Db>, user: WebUser, path: web::Path<(String, i64)>) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    let (project, _) = crate::services::dashboard::project(&db, &user.principal, &key).await?;
    let (meta, bytes) = uc::file(&db, &user.principal, id).await?;
    if meta.project_id != project.id {
        return Err(AppError::NotFound(format!("report {id}")).into());
    }
    Ok(HttpResponse::Ok()
        .content_type(meta.content_type.as_str())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", crate::reports::safe_file_name(&meta.file_name)),
        ))
        .insert_header((header::ETAG, format!("\"{}\"", meta.sha256)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: Option<String>,
}

/// `POST /projects/{project}/reports/{id}/issue`: a manager issues a report to the donors.
pub async fn issue(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    user.check_form(&req, form.csrf.as_deref())?;
    let (key, id) = path.into_inner();
    let (project, _) = crate::services::dashboard::project(&db, &user.principal, &key).await?;
    let meta = uc::get(&db, &user.principal, id).await?;
    if meta.project_id != project.id {
        return Err(AppError::NotFound(format!("report {id}")).into());
    }
    uc::issue(&db, &user.principal, id).await?;
    Ok(see_other(&format!("/projects/{}/reports?issued={id}", format::url_encode(&project.code))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(period: &str) -> Choice {
        Choice { template: "iptt".into(), period: period.into(), format: "xlsx".into(), lang: "ru".into(), draft: None }
    }

    #[test]
    fn a_period_is_a_quarter_a_year_or_a_range() {
        let mut errs = vec![];
        let r = choice("2025-Q3").request(&i18n::catalogue("en"), &mut errs);
        assert_eq!((r.period.as_deref(), r.from, r.to), (Some("2025-Q3"), None, None));
        let r = choice(" 2025-Q1..2025-Q3 ").request(&i18n::catalogue("en"), &mut errs);
        assert_eq!((r.period, r.from.as_deref(), r.to.as_deref()), (None, Some("2025-Q1"), Some("2025-Q3")));
        let r = choice("2025-Q1 to 2025-Q3").request(&i18n::catalogue("en"), &mut errs);
        assert_eq!(r.to.as_deref(), Some("2025-Q3"));
        assert!(errs.is_empty());
        assert_eq!((r.format, r.lang.as_deref(), r.draft), (Format::Xlsx, Some("ru"), false));
        choice("").request(&i18n::catalogue("en"), &mut errs);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "period");
    }

    #[test]
    fn the_preview_keeps_the_choice() {
        let mut c = choice("2025-Q1..2025-Q3");
        c.draft = Some("1".into());
        assert_eq!(c.preview_query(), "template=iptt&period=2025-Q1..2025-Q3&lang=ru&draft=1");
    }
}
