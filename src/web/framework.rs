//! The results framework page (the tree with indicators, baselines and targets) and the forms
//! a coordinator adds and edits results, indicators and targets with: the API's rules
//! ([`crate::services::framework`]), every error next to its field, the form still filled.

use super::i18n::{self, Catalogue};
use super::{WebError, WebUser, format, html, render, see_other};
use crate::db::Db;
use crate::domain::FieldError;
use crate::domain::indicators::{Accumulation, Dimension, Direction, Measure};
use crate::domain::results::ResultLevel;
use crate::error::AppError;
use crate::services::framework::{self as uc, FormContext, TargetChanges};
use crate::store::indicators::{Indicator, IndicatorInput, Target, TargetInput};
use crate::store::results::{ResultInput, ResultNode, ResultTreeNode};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The catalogue's word for `<prefix>-<code>`, the code when there is none.
fn word(c: &Catalogue, prefix: &str, code: &str) -> String {
    let key = format!("{prefix}-{code}");
    let w = c.tr(&key);
    if w == key { code.to_string() } else { w }
}

fn level_label(c: &Catalogue, level: &str) -> String {
    word(c, "level", level)
}

/// Donors see the results on their portal, not the framework's pages.
fn require_team(user: &WebUser, project_id: i64) -> Result<(), WebError> {
    if crate::services::reports::donor_only(&user.principal, project_id) {
        return Err(AppError::Forbidden("donors see the project's results on its page".into()).into());
    }
    Ok(())
}

/// A target as a line of text in a language: `Life of project: 1,200 (description)`.
fn target_text_in(c: &super::i18n::Catalogue, t: &Target) -> String {
    let num = |v: f64| super::i18n::number(&c.locale, v);
    let v = match (t.value, &t.description) {
        (Some(v), Some(d)) => format!("{} ({d})", num(v)),
        (Some(v), None) => num(v),
        (None, Some(d)) => d.clone(),
        (None, None) => "–".into(),
    };
    let period = if t.period == "LOP" { c.tr("life-of-project") } else { t.period.clone() };
    format!("{period}: {v}")
}

fn baseline_text(c: &Catalogue, i: &Indicator) -> Option<String> {
    let v = i.baseline_value.map(|v| i18n::number(&c.locale, v));
    let y = i.baseline_year.map(|y| format!("({y})"));
    let parts: Vec<String> = [v, y, i.baseline_note.clone()].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn flatten(c: &super::i18n::Catalogue, nodes: &[ResultTreeNode], depth: usize, code: &str, out: &mut Vec<Value>) {
    for n in nodes {
        let r = &n.result;
        let indicators: Vec<Value> = n
            .indicators
            .iter()
            .map(|i| {
                json!({
                    "id": i.id,
                    "code": i.code,
                    "title": i.title,
                    "unit": i.unit,
                    "measure": i.measure,
                    "baseline": baseline_text(c, i),
                    "targets": i.targets.iter().map(|t| target_text_in(c, t)).collect::<Vec<_>>(),
                    "edit": format!("/projects/{}/indicators/{}", format::url_encode(code), i.id),
                    "delete": format!("/projects/{}/indicators/{}/delete", format::url_encode(code), i.id),
                    "dims": i.disaggregations.iter().map(|d| format!("{}: {}", d.name, d.values.join(", "))).collect::<Vec<_>>(),
                })
            })
            .collect();
        let may_add_below = r.level != ResultLevel::Activity;
        out.push(json!({
            "id": r.id,
            "depth": depth.min(4),
            "level": r.level,
            "code": r.code,
            "title": r.title,
            "description": r.description,
            "assumptions": r.assumptions,
            "indicators": indicators,
            "edit": format!("/projects/{}/results/{}", format::url_encode(code), r.id),
            "delete": format!("/projects/{}/results/{}/delete", format::url_encode(code), r.id),
            "add_below": may_add_below.then(|| format!("/projects/{}/results/new?parent={}", format::url_encode(code), r.id)),
            "add_indicator": format!("/projects/{}/indicators/new?result={}", format::url_encode(code), r.id),
        }));
        flatten(c, &n.children, depth + 1, code, out);
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    deleted: Option<String>,
    result: Option<i64>,
    indicator: Option<i64>,
    targets: Option<usize>,
}

/// `GET /projects/{project}/results`.
pub async fn page(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, WebError> {
    let f = uc::framework(&db, &user.principal, &path.into_inner()).await?;
    require_team(&user, f.project.id)?;
    let mut rows = vec![];
    let c = super::i18n::catalogue(&user.lang);
    flatten(&c, &f.tree, 0, &f.project.code, &mut rows);
    let find = |key: &str, id: i64| -> Option<String> {
        rows.iter().find_map(|r| {
            if key == "result" && r["id"] == id {
                return r["code"].as_str().map(str::to_string);
            }
            r["indicators"].as_array()?.iter().find(|i| key == "indicator" && i["id"] == id)?["code"]
                .as_str()
                .map(str::to_string)
        })
    };
    let notice = match (query.result, query.indicator, query.targets) {
        _ if query.deleted.is_some() => query.deleted.as_ref().map(|d| c.t("deleted", &[("what", d.clone().into())])),
        (Some(id), _, _) => find("result", id).map(|x| c.t("saved-result", &[("code", x.into())])),
        (_, Some(id), Some(n)) => {
            find("indicator", id).map(|x| c.t("saved-targets", &[("code", x.into()), ("n", (n as f64).into())]))
        }
        (_, Some(id), None) => find("indicator", id).map(|x| c.t("saved-indicator", &[("code", x.into())])),
        _ => None,
    };
    let data = json!({
        "code": f.project.code,
        "title": f.project.title,
        "rows": rows,
        "empty": f.tree.is_empty(),
        "may_edit": f.may_edit,
        "notice": notice,
        "add_top": format!("/projects/{}/results/new", format::url_encode(&f.project.code)),
    });
    Ok(html(
        StatusCode::OK,
        render("framework", &format!("{} – {}", c.tr("results-framework"), f.project.code), Some(&user), &data),
    ))
}

// ---- form fields -------------------------------------------------------------------------

/// One field of a form, for the `field` partial.
/// Its label is the catalogue's `field-<name>`; `hint` is a catalogue key.
struct Field<'a> {
    name: &'a str,
    hint: Option<&'a str>,
    optional: bool,
    kind: Kind,
}

enum Kind {
    Short,
    Number,
    Textarea(u8),
    Select(Vec<(String, String)>),
}

fn field(c: &Catalogue, f: Field, value: &str, error: Option<String>) -> Value {
    let id = f.name.replace('_', "-");
    let mut describedby = vec![];
    if f.hint.is_some() {
        describedby.push(format!("{id}-hint"));
    }
    if error.is_some() {
        describedby.push(format!("{id}-error"));
    }
    let (is_select, is_textarea, rows, options) = match &f.kind {
        Kind::Select(opts) => (
            true,
            false,
            0,
            opts.iter().map(|(v, l)| json!({"value": v, "label": l, "selected": v == value})).collect::<Vec<_>>(),
        ),
        Kind::Textarea(rows) => (false, true, *rows, vec![]),
        _ => (false, false, 0, vec![]),
    };
    json!({
        "id": id,
        "name": f.name,
        "label": c.tr(&format!("field-{}", f.name)),
        "hint": f.hint.map(|h| c.tr(h)),
        "optional": f.optional,
        "value": value,
        "error": error,
        "describedby": (!describedby.is_empty()).then(|| describedby.join(" ")),
        "is_select": is_select,
        "is_textarea": is_textarea,
        "rows": rows,
        "options": options,
        "input_class": match f.kind { Kind::Number => "num-input", Kind::Short => "short-input", _ => "" },
        "inputmode": matches!(f.kind, Kind::Number).then_some("decimal"),
    })
}

/// The form's value of a field: what was posted, else what is stored.
fn pick(posted: Option<&HashMap<String, String>>, name: &str, stored: Option<String>) -> String {
    match posted {
        Some(p) => p.get(name).cloned().unwrap_or_default(),
        None => stored.unwrap_or_default(),
    }
}

/// The API's terse messages in the form's words: "must not be empty" becomes "Enter the
/// title"; the error summary names the field of every other message.
fn humane(c: &Catalogue, errors: &[(String, String)], names: &[&str]) -> (Vec<(String, String)>, Vec<Value>) {
    let mut fields = vec![];
    let mut summary = vec![];
    for (f, m) in errors {
        let label = names.iter().find(|n| !n.is_empty() && *n == f).map(|n| c.tr(&format!("field-{n}")));
        let (shown, listed) = match &label {
            Some(l) if m == "must not be empty" => {
                let s = c.t("enter-the", &[("field", l.to_lowercase().into()), ("label", l.clone().into())]);
                (s.clone(), s)
            }
            Some(l) => {
                let m = super::rules::said(c, m);
                (m.clone(), format!("{l}: {m}"))
            }
            None => (super::rules::said(c, m), super::rules::said(c, m)),
        };
        let href = if label.is_some() { format!("#{}", f.replace('_', "-")) } else { "#form".into() };
        summary.push(json!({"href": href, "message": listed}));
        fields.push((f.clone(), shown));
    }
    (fields, summary)
}

fn error_for(errors: &[(String, String)], name: &str) -> Option<String> {
    let m: Vec<&str> = errors.iter().filter(|(f, _)| f == name).map(|(_, m)| m.as_str()).collect();
    (!m.is_empty()).then(|| m.join("; "))
}

fn text(form: &HashMap<String, String>, name: &str) -> Option<String> {
    form.get(name).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn results_options(
    c: &Catalogue,
    results: &[ResultNode],
    except: Option<i64>,
    none: Option<&str>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = none.map(|n| (String::new(), c.tr(n))).into_iter().collect();
    out.extend(results.iter().filter(|r| Some(r.id) != except).map(|r| {
        (r.id.to_string(), format!("{} {} ({})", r.code, r.title, level_label(c, r.level.as_str()).to_lowercase()))
    }));
    out
}

/// The choices of a vocabulary (`measure`, `direction`, `accumulation`) with their words.
fn vocabulary_options(c: &Catalogue, prefix: &str, all: &[&str]) -> Vec<(String, String)> {
    all.iter().map(|v| (v.to_string(), word(c, prefix, v))).collect()
}

// ---- results -----------------------------------------------------------------------------

const RESULT_FIELDS: [&str; 6] = ["parent", "level", "code", "title", "description", "assumptions"];
fn result_view(
    user: &WebUser,
    ctx: &FormContext<ResultNode>,
    posted: Option<&HashMap<String, String>>,
    parent: Option<i64>,
    errors: &[(String, String)],
) -> Value {
    let c = &i18n::catalogue(&user.lang);
    let (errors, summary) = humane(c, errors, &RESULT_FIELDS);
    let errors = &errors[..];
    let cur = ctx.current.as_ref();
    let default_level = parent
        .and_then(|p| ctx.results.iter().find(|r| r.id == p))
        .map(|p| p.level)
        .and_then(|l| ResultLevel::ALL.iter().find(|c| c.depth() == l.depth() + 1))
        .map(|l| l.as_str().to_string());
    let levels: Vec<(String, String)> =
        ResultLevel::ALL.iter().map(|l| (l.as_str().to_string(), level_label(c, l.as_str()))).collect();
    let fields = vec![
        field(
            c,
            Field {
                name: "parent",
                hint: Some("hint-parent"),
                optional: false,
                kind: Kind::Select(results_options(c, &ctx.results, cur.map(|r| r.id), Some("nothing-top"))),
            },
            &pick(posted, "parent", cur.and_then(|c| c.parent_id).or(parent).map(|p| p.to_string())),
            error_for(errors, "parent"),
        ),
        field(
            c,
            Field { name: "level", hint: None, optional: false, kind: Kind::Select(levels) },
            &pick(posted, "level", cur.map(|c| c.level.to_string()).or(default_level)),
            error_for(errors, "level"),
        ),
        field(
            c,
            Field { name: "code", hint: Some("hint-result-code"), optional: false, kind: Kind::Short },
            &pick(posted, "code", cur.map(|c| c.code.clone())),
            error_for(errors, "code"),
        ),
        field(
            c,
            Field { name: "title", hint: None, optional: false, kind: Kind::Textarea(2) },
            &pick(posted, "title", cur.map(|c| c.title.clone())),
            error_for(errors, "title"),
        ),
        field(
            c,
            Field { name: "description", hint: None, optional: true, kind: Kind::Textarea(3) },
            &pick(posted, "description", cur.and_then(|c| c.description.clone())),
            error_for(errors, "description"),
        ),
        field(
            c,
            Field { name: "assumptions", hint: Some("hint-assumptions"), optional: true, kind: Kind::Textarea(2) },
            &pick(posted, "assumptions", cur.and_then(|c| c.assumptions.clone())),
            error_for(errors, "assumptions"),
        ),
    ];
    let code = &ctx.project.code;
    json!({
        "code": code,
        "heading": match cur { Some(r) => c.t("edit-result", &[("code", r.code.clone().into())]), None => c.tr("add-a-result") },
        "action": match cur {
            Some(c) => format!("/projects/{}/results/{}", format::url_encode(code), c.id),
            None => format!("/projects/{}/results/new", format::url_encode(code)),
        },
        "back": format!("/projects/{}/results{}", format::url_encode(code), cur.map(|c| format!("#result-{}", c.id)).unwrap_or_default()),
        "fields": fields,
        "version": pick(posted, "version", cur.map(|c| c.version.to_string())),
        "errors": summary,
        "general_error": error_for(errors, ""),
        "csrf": user.csrf(),
        "button": c.tr(if cur.is_some() { "save-the-result" } else { "add-the-result" }),
    })
}

#[derive(Deserialize)]
pub struct NewResultQuery {
    parent: Option<i64>,
}

/// `GET /projects/{project}/results/new[?parent=]`.
pub async fn new_result(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<NewResultQuery>,
) -> Result<HttpResponse, WebError> {
    let ctx = uc::result_form(&db, &user.principal, &path.into_inner(), None).await?;
    let data = result_view(&user, &ctx, None, query.parent, &[]);
    let title = form_title(&user, "add-a-result", &ctx.project.code, false);
    Ok(html(StatusCode::OK, render("result_form", &title, Some(&user), &data)))
}

/// `GET /projects/{project}/results/{id}`.
pub async fn edit_result(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    let ctx = uc::result_form(&db, &user.principal, &key, Some(id)).await?;
    let data = result_view(&user, &ctx, None, None, &[]);
    let title = form_title(&user, "edit-result-title", &ctx.project.code, false);
    Ok(html(StatusCode::OK, render("result_form", &title, Some(&user), &data)))
}

/// A form page's title: "Add a result – UZB-PSD", "Error: ..." after a refused save.
fn form_title(user: &WebUser, key: &str, project: &str, error: bool) -> String {
    let c = i18n::catalogue(&user.lang);
    let t = format!("{} – {project}", c.tr(key));
    if error { format!("{}: {t}", c.tr("error")) } else { t }
}

/// Maps the API's error fields onto the form's.
fn on_form(errs: Vec<FieldError>, rename: &[(&str, &str)], known: &[&str]) -> Vec<(String, String)> {
    errs.into_iter()
        .map(|e| {
            let base = e.field.split(['.', '[']).next().unwrap_or_default().to_string();
            let f = rename.iter().find(|(from, _)| *from == base).map(|(_, to)| to.to_string()).unwrap_or(base);
            let f = if known.contains(&f.as_str()) { f } else { String::new() };
            (f, e.message)
        })
        .collect()
}

/// What a save that did not happen says, on the form (other failures go on as they are).
fn refusal(
    c: &Catalogue,
    e: AppError,
    rename: &[(&str, &str)],
    known: &[&str],
) -> Result<Vec<(String, String)>, WebError> {
    match e {
        AppError::Validation(errs) => Ok(on_form(errs, rename, known)),
        AppError::Conflict { message, field } => {
            Ok(on_form(vec![FieldError::new(field.unwrap_or_default(), message)], rename, known))
        }
        AppError::PreconditionFailed(m) => Ok(vec![(String::new(), format!("{m}. {}", c.tr("someone-changed-it")))]),
        other => Err(other.into()),
    }
}

/// `POST /projects/{project}/results/new` and `POST /projects/{project}/results/{id}`.
async fn store_result(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    key: String,
    id: Option<i64>,
    form: HashMap<String, String>,
) -> Result<HttpResponse, WebError> {
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    let c = i18n::catalogue(&user.lang);
    let mut errors: Vec<(String, String)> = vec![];
    let parent_id = match text(&form, "parent") {
        None => None,
        Some(p) => match p.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(("parent".into(), c.tr("choose-a-result-from-list")));
                None
            }
        },
    };
    let level = text(&form, "level").and_then(|l| ResultLevel::parse(&l));
    if level.is_none() {
        errors.push(("level".into(), c.tr("choose-a-level")));
    }
    if errors.is_empty() {
        let input = ResultInput {
            parent_id,
            level: level.expect("checked"),
            code: form.get("code").map(|s| s.trim().to_string()).unwrap_or_default(),
            title: form.get("title").cloned().unwrap_or_default(),
            description: text(&form, "description"),
            assumptions: text(&form, "assumptions"),
            version: form.get("version").and_then(|v| v.parse().ok()),
        };
        match uc::save_result(&db, &user.principal, &key, id, input).await {
            Ok(r) => {
                return Ok(see_other(&format!(
                    "/projects/{}/results?result={}#result-{}",
                    format::url_encode(&key),
                    r.id,
                    r.id
                )));
            }
            Err(e) => errors = refusal(&c, e, &[("parent_id", "parent")], &RESULT_FIELDS)?,
        }
    }
    let ctx = uc::result_form(&db, &user.principal, &key, id).await?;
    let data = result_view(&user, &ctx, Some(&form), None, &errors);
    let title =
        form_title(&user, if id.is_some() { "edit-result-title" } else { "add-a-result" }, &ctx.project.code, true);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, render("result_form", &title, Some(&user), &data)))
}

pub async fn create_result(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    store_result(req, db, user, path.into_inner(), None, form.into_inner().into_iter().collect()).await
}

pub async fn update_result(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    store_result(req, db, user, key, Some(id), form.into_inner().into_iter().collect()).await
}

// ---- indicators and targets --------------------------------------------------------------

const INDICATOR_FIELDS: [&str; 13] = [
    "result",
    "code",
    "title",
    "unit",
    "measure",
    "direction",
    "accumulation",
    "baseline_value",
    "baseline_year",
    "baseline_note",
    "means_of_verification",
    "disaggregations",
    "",
];

/// `sex: women, men` per line.
fn dims_text(dims: &[Dimension]) -> String {
    dims.iter().map(|d| format!("{}: {}", d.name, d.values.join(", "))).collect::<Vec<_>>().join("\n")
}

fn parse_dims(c: &Catalogue, s: &str) -> Result<Vec<Dimension>, String> {
    let mut out = vec![];
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((name, values)) = line.split_once(':') else {
            return Err(c.t("dims-no-colon", &[("line", line.to_string().into())]));
        };
        out.push(Dimension {
            name: name.trim().to_string(),
            values: values.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect(),
        });
    }
    Ok(out)
}

fn number_of(
    c: &Catalogue,
    form: &HashMap<String, String>,
    name: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<f64> {
    let s = text(form, name)?;
    // English inputs may group thousands with commas (`1,200`); Russian ones write `12,5`.
    let s = if c.locale.decimal == "," { s } else { s.replace(',', "") };
    match super::entry::parse_number(c, &s) {
        Some(v) => Some(v),
        None => {
            errors.push((name.to_string(), c.tr("enter-a-number")));
            None
        }
    }
}

fn targets_view(
    c: &Catalogue,
    project: &str,
    ind: &Indicator,
    posted: Option<&HashMap<String, String>>,
    errors: &[(String, String)],
) -> Value {
    let rows: Vec<Value> = ind
        .targets
        .iter()
        .map(|t| {
            let id = t.id;
            json!({
                "id": id,
                "period": t.period,
                "period_label": if t.period == "LOP" { c.tr("life-of-project") } else { t.period.clone() },
                "value": pick(posted, &format!("t_value_{id}"), t.value.map(format::raw)),
                "description": pick(posted, &format!("t_desc_{id}"), t.description.clone()),
                "version": pick(posted, &format!("t_ver_{id}"), Some(t.version.to_string())),
                "value_error": error_for(errors, &format!("t-value-{id}")),
                "description_error": error_for(errors, &format!("t-desc-{id}")),
                "general_error": error_for(errors, &format!("t-{id}")),
                "delete": format!("/projects/{}/indicators/{}/targets/{id}/delete", format::url_encode(project), ind.id),
            })
        })
        .collect();
    json!({
        "rows": rows,
        "new_period": pick(posted, "t_period_new", None),
        "new_value": pick(posted, "t_value_new", None),
        "new_description": pick(posted, "t_desc_new", None),
        "new_period_error": error_for(errors, "t-period-new"),
        "new_value_error": error_for(errors, "t-value-new"),
        "new_description_error": error_for(errors, "t-desc-new"),
        "new_general_error": error_for(errors, "t-new"),
    })
}

fn indicator_view(
    user: &WebUser,
    ctx: &FormContext<Indicator>,
    posted: Option<&HashMap<String, String>>,
    result: Option<i64>,
    errors: &[(String, String)],
    targets_posted: Option<&HashMap<String, String>>,
    target_errors: &[(String, String)],
) -> Value {
    let c = &i18n::catalogue(&user.lang);
    let (errors, mut summary) = humane(c, errors, &INDICATOR_FIELDS);
    let errors = &errors[..];
    let cur = ctx.current.as_ref();
    let measures: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
    let directions: Vec<&str> = Direction::ALL.iter().map(|m| m.as_str()).collect();
    let accumulations: Vec<&str> = Accumulation::ALL.iter().map(|m| m.as_str()).collect();
    let f = |name, hint, optional, kind, stored: Option<String>| {
        field(c, Field { name, hint, optional, kind }, &pick(posted, name, stored), error_for(errors, name))
    };
    let fields = vec![
        f(
            "result",
            None,
            false,
            Kind::Select(results_options(c, &ctx.results, None, Some("choose-a-result"))),
            cur.map(|c| c.result_id).or(result).map(|r| r.to_string()),
        ),
        f("code", Some("hint-indicator-code"), false, Kind::Short, cur.map(|c| c.code.clone())),
        f("title", None, false, Kind::Textarea(2), cur.map(|c| c.title.clone())),
        f("unit", Some("hint-unit"), false, Kind::Short, cur.map(|c| c.unit.clone())),
        f(
            "measure",
            None,
            false,
            Kind::Select(vocabulary_options(c, "measure", &measures)),
            Some(cur.map(|c| c.measure.to_string()).unwrap_or_else(|| "number".into())),
        ),
        f(
            "direction",
            None,
            false,
            Kind::Select(vocabulary_options(c, "direction", &directions)),
            Some(cur.map(|c| c.direction.to_string()).unwrap_or_else(|| "increase".into())),
        ),
        f(
            "accumulation",
            None,
            false,
            Kind::Select(vocabulary_options(c, "accumulation", &accumulations)),
            Some(cur.map(|c| c.accumulation.to_string()).unwrap_or_else(|| "sum".into())),
        ),
        f("baseline_value", None, true, Kind::Number, cur.and_then(|c| c.baseline_value).map(format::raw)),
        f("baseline_year", None, true, Kind::Number, cur.and_then(|c| c.baseline_year).map(|y| y.to_string())),
        f("baseline_note", None, true, Kind::Textarea(2), cur.and_then(|c| c.baseline_note.clone())),
        f(
            "means_of_verification",
            Some("hint-means"),
            true,
            Kind::Textarea(2),
            cur.and_then(|c| c.means_of_verification.clone()),
        ),
        f(
            "disaggregations",
            Some("hint-disaggregations"),
            true,
            Kind::Textarea(3),
            cur.map(|c| dims_text(&c.disaggregations)),
        ),
    ];
    let code = &ctx.project.code;
    for (f, m) in target_errors {
        summary.push(json!({"href": format!("#{}", if f.is_empty() { "targets" } else { f }), "message": c.t("summary-target", &[("message", m.clone().into())])}));
    }
    json!({
        "code": code,
        "heading": match cur { Some(i) => c.t("edit-indicator", &[("code", i.code.clone().into())]), None => c.tr("add-an-indicator") },
        "action": match cur {
            Some(c) => format!("/projects/{}/indicators/{}", format::url_encode(code), c.id),
            None => format!("/projects/{}/indicators/new", format::url_encode(code)),
        },
        "back": format!("/projects/{}/results{}", format::url_encode(code), cur.map(|c| format!("#indicator-{}", c.id)).unwrap_or_default()),
        "fields": fields,
        "version": pick(posted, "version", cur.map(|c| c.version.to_string())),
        "errors": summary,
        "general_error": error_for(errors, ""),
        "csrf": user.csrf(),
        "button": c.tr(if cur.is_some() { "save-the-indicator" } else { "add-the-indicator" }),
        "targets": cur.map(|i| targets_view(c, code, i, targets_posted, target_errors)),
        "targets_action": cur.map(|c| format!("/projects/{}/indicators/{}/targets", format::url_encode(code), c.id)),
        "is_qualitative": cur.is_some_and(|c| c.measure == Measure::Qualitative),
    })
}

#[derive(Deserialize)]
pub struct NewIndicatorQuery {
    result: Option<i64>,
}

/// `GET /projects/{project}/indicators/new[?result=]`.
pub async fn new_indicator(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    query: web::Query<NewIndicatorQuery>,
) -> Result<HttpResponse, WebError> {
    let ctx = uc::indicator_form(&db, &user.principal, &path.into_inner(), None).await?;
    let data = indicator_view(&user, &ctx, None, query.result, &[], None, &[]);
    Ok(html(
        StatusCode::OK,
        render("indicator_form", &form_title(&user, "add-an-indicator", &ctx.project.code, false), Some(&user), &data),
    ))
}

/// `GET /projects/{project}/indicators/{id}`: the indicator's form and its targets.
pub async fn edit_indicator(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    let ctx = uc::indicator_form(&db, &user.principal, &key, Some(id)).await?;
    let data = indicator_view(&user, &ctx, None, None, &[], None, &[]);
    Ok(html(
        StatusCode::OK,
        render(
            "indicator_form",
            &form_title(&user, "edit-indicator-title", &ctx.project.code, false),
            Some(&user),
            &data,
        ),
    ))
}

async fn store_indicator(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    key: String,
    id: Option<i64>,
    form: HashMap<String, String>,
) -> Result<HttpResponse, WebError> {
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    let c = i18n::catalogue(&user.lang);
    let mut errors: Vec<(String, String)> = vec![];
    let result_id = text(&form, "result").and_then(|r| r.parse::<i64>().ok());
    if result_id.is_none() {
        errors.push(("result".into(), c.tr("choose-the-result")));
    }
    let measure = text(&form, "measure").and_then(|m| Measure::parse(&m));
    let direction = text(&form, "direction").and_then(|m| Direction::parse(&m));
    let accumulation = text(&form, "accumulation").and_then(|m| Accumulation::parse(&m));
    for (name, ok) in
        [("measure", measure.is_some()), ("direction", direction.is_some()), ("accumulation", accumulation.is_some())]
    {
        if !ok {
            errors.push((name.into(), c.tr("choose-one-from-list")));
        }
    }
    let baseline_value = number_of(&c, &form, "baseline_value", &mut errors);
    let baseline_year = match text(&form, "baseline_year") {
        None => None,
        Some(y) => match y.parse::<i32>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(("baseline_year".into(), c.tr("enter-a-year")));
                None
            }
        },
    };
    let disaggregations = match parse_dims(&c, form.get("disaggregations").map(String::as_str).unwrap_or_default()) {
        Ok(d) => d,
        Err(m) => {
            errors.push(("disaggregations".into(), m));
            vec![]
        }
    };
    if errors.is_empty() {
        let input = IndicatorInput {
            result_id: result_id.expect("checked"),
            code: form.get("code").map(|s| s.trim().to_string()).unwrap_or_default(),
            title: form.get("title").cloned().unwrap_or_default(),
            unit: form.get("unit").map(|s| s.trim().to_string()).unwrap_or_default(),
            measure: measure.expect("checked"),
            direction: direction.expect("checked"),
            accumulation: accumulation.expect("checked"),
            baseline_value,
            baseline_year,
            baseline_note: text(&form, "baseline_note"),
            means_of_verification: text(&form, "means_of_verification"),
            disaggregations,
            version: form.get("version").and_then(|v| v.parse().ok()),
        };
        match uc::save_indicator(&db, &user.principal, &key, id, input).await {
            Ok(i) => {
                return Ok(see_other(&format!(
                    "/projects/{}/results?indicator={}#indicator-{}",
                    format::url_encode(&key),
                    i.id,
                    i.id
                )));
            }
            Err(e) => errors = refusal(&c, e, &[("result_id", "result")], &INDICATOR_FIELDS)?,
        }
    }
    let ctx = uc::indicator_form(&db, &user.principal, &key, id).await?;
    let data = indicator_view(&user, &ctx, Some(&form), None, &errors, None, &[]);
    let title = form_title(
        &user,
        if id.is_some() { "edit-indicator-title" } else { "add-an-indicator" },
        &ctx.project.code,
        true,
    );
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, render("indicator_form", &title, Some(&user), &data)))
}

pub async fn create_indicator(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    store_indicator(req, db, user, path.into_inner(), None, form.into_inner().into_iter().collect()).await
}

pub async fn update_indicator(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    store_indicator(req, db, user, key, Some(id), form.into_inner().into_iter().collect()).await
}

/// `POST /projects/{project}/indicators/{id}/targets`: the changed targets and a new one.
pub async fn save_targets(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let form: HashMap<String, String> = form.into_inner().into_iter().collect();
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    let (key, id) = path.into_inner();
    let ctx = uc::indicator_form(&db, &user.principal, &key, Some(id)).await?;
    let ind = ctx.current.as_ref().expect("the indicator edited");
    let c = i18n::catalogue(&user.lang);
    let mut errors: Vec<(String, String)> = vec![];
    let mut changes = TargetChanges::default();
    for t in &ind.targets {
        let value = number_of(&c, &form, &format!("t_value_{}", t.id), &mut errors);
        let description = text(&form, &format!("t_desc_{}", t.id));
        if value == t.value && description == t.description {
            continue;
        }
        let version = form.get(&format!("t_ver_{}", t.id)).and_then(|v| v.parse().ok());
        changes.changed.push((t.id, TargetInput { period: t.period.clone(), value, description, version }));
    }
    let (period, value, description) =
        (text(&form, "t_period_new"), number_of(&c, &form, "t_value_new", &mut errors), text(&form, "t_desc_new"));
    if period.is_some() || value.is_some() || description.is_some() {
        changes.new = Some(TargetInput { period: period.unwrap_or_default(), value, description, version: None });
    }
    // The number errors above are named after the inputs; the ids use dashes.
    let mut errors: Vec<(String, String)> = errors.into_iter().map(|(f, m)| (f.replace('_', "-"), m)).collect();
    if errors.is_empty() && (!changes.changed.is_empty() || changes.new.is_some()) {
        match uc::save_targets(&db, &user.principal, &key, id, changes).await {
            Ok(n) => {
                return Ok(see_other(&format!(
                    "/projects/{}/results?indicator={id}&targets={n}#indicator-{id}",
                    format::url_encode(&key)
                )));
            }
            Err(AppError::Validation(errs)) => {
                errors = errs
                    .into_iter()
                    .map(|e| {
                        // targets.{id|new}.{field} -> the input's id: t-value-{id}, t-period-new...
                        let mut parts = e.field.splitn(3, '.').skip(1);
                        let which = parts.next().unwrap_or_default().to_string();
                        let f = match parts.next().unwrap_or_default() {
                            "value" => format!("t-value-{which}"),
                            "description" => format!("t-desc-{which}"),
                            "period" if which == "new" => "t-period-new".into(),
                            _ => format!("t-{which}"),
                        };
                        (f, super::rules::said(&c, &e.message))
                    })
                    .collect()
            }
            Err(e) => return Err(e.into()),
        }
    } else if errors.is_empty() {
        return Ok(see_other(&format!("/projects/{}/indicators/{id}", format::url_encode(&key))));
    }
    let data = indicator_view(&user, &ctx, None, None, &[], Some(&form), &errors);
    let title = form_title(&user, "edit-indicator-title", &ctx.project.code, true);
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, render("indicator_form", &title, Some(&user), &data)))
}

// ---- deleting ------------------------------------------------------------------------------

/// What a delete confirmation shows: the item, where it goes back to, the form's address.
struct Doomed {
    title: String,
    what: String,
    detail: Option<String>,
    action: String,
    back: String,
}

async fn doomed(
    db: &Db,
    user: &WebUser,
    key: &str,
    what: uc::Deletable,
    id: i64,
    target: Option<i64>,
) -> Result<Doomed, WebError> {
    let p = format::url_encode(key);
    let c = i18n::catalogue(&user.lang);
    Ok(match what {
        uc::Deletable::Result => {
            let ctx = uc::result_form(db, &user.principal, key, Some(id)).await?;
            let r = ctx.current.expect("the result");
            Doomed {
                title: c.t("delete-result", &[("code", r.code.clone().into())]),
                what: format!("{} {}", r.code, r.title),
                detail: Some(c.t("level-is", &[("level", level_label(&c, r.level.as_str()).into())])),
                action: format!("/projects/{p}/results/{id}/delete"),
                back: format!("/projects/{p}/results#result-{id}"),
            }
        }
        uc::Deletable::Indicator => {
            let ctx = uc::indicator_form(db, &user.principal, key, Some(id)).await?;
            let i = ctx.current.expect("the indicator");
            Doomed {
                title: c.t("delete-indicator", &[("code", i.code.clone().into())]),
                what: format!("{} {}", i.code, i.title),
                detail: (!i.targets.is_empty())
                    .then(|| c.t("targets-deleted-with-it", &[("n", (i.targets.len() as f64).into())])),
                action: format!("/projects/{p}/indicators/{id}/delete"),
                back: format!("/projects/{p}/indicators/{id}"),
            }
        }
        uc::Deletable::Target => {
            let ind_id = target.expect("the target's indicator");
            let ctx = uc::indicator_form(db, &user.principal, key, Some(ind_id)).await?;
            let i = ctx.current.expect("the indicator");
            let t = i.targets.iter().find(|t| t.id == id).ok_or_else(|| AppError::NotFound(format!("target {id}")))?;
            Doomed {
                title: c.t("delete-target", &[("code", i.code.clone().into())]),
                what: target_text_in(&c, t),
                detail: Some(format!("{} {} {}", c.tr("indicator"), i.code, i.title)),
                action: format!("/projects/{p}/indicators/{ind_id}/targets/{id}/delete"),
                back: format!("/projects/{p}/indicators/{ind_id}#targets"),
            }
        }
    })
}

fn confirm_page(user: &WebUser, key: &str, d: &Doomed, error: Option<String>) -> HttpResponse {
    let status = if error.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
    let data = json!({
        "code": key,
        "heading": d.title,
        "what": d.what,
        "detail": d.detail,
        "action": d.action,
        "back": d.back,
        // The breadcrumb's parent page: the results framework (the template's default).
        "crumb": null,
        "csrf": user.csrf(),
        "error": error,
    });
    let title = format!("{} – {key}", d.title);
    let title = if error.is_some() { format!("{}: {title}", i18n::catalogue(&user.lang).tr("error")) } else { title };
    html(status, render("confirm_delete", &title, Some(user), &data))
}

/// `GET .../delete`: the confirmation (a form with one button; works without JavaScript).
async fn confirm(
    db: web::Data<Db>,
    user: WebUser,
    key: String,
    what: uc::Deletable,
    id: i64,
    target: Option<i64>,
) -> Result<HttpResponse, WebError> {
    let d = doomed(&db, &user, &key, what, id, target).await?;
    Ok(confirm_page(&user, &key, &d, None))
}

/// `POST .../delete`: deletes with the API's rules; a refusal (a result with children, an
/// indicator with actuals) comes back on the confirmation page with the API's reason.
async fn remove(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    key: String,
    (what, id, target): (uc::Deletable, i64, Option<i64>),
    form: HashMap<String, String>,
) -> Result<HttpResponse, WebError> {
    user.check_form(&req, form.get("csrf").map(String::as_str))?;
    let d = doomed(&db, &user, &key, what, id, target).await?;
    match uc::delete(&db, &user.principal, Some(&key), what, id).await {
        Ok(()) => {
            let p = format::url_encode(&key);
            let to = match target {
                Some(ind) => format!("/projects/{p}/indicators/{ind}?deleted=target#targets"),
                None => format!("/projects/{p}/results?deleted={}", format::url_encode(&d.what)),
            };
            Ok(see_other(&to))
        }
        Err(AppError::Conflict { message, .. }) => Ok(confirm_page(&user, &key, &d, Some(message))),
        Err(e) => Err(e.into()),
    }
}

/// What a delete form's address names: the project, the item and (for a target) its
/// indicator. One per kind of item, so that the three kinds share [`confirm_delete`] and
/// [`delete`].
pub trait Deleting: 'static {
    /// The address's parameters: `(project, id)`, or `(project, indicator, id)` for a target.
    type Path: serde::de::DeserializeOwned + 'static;
    const WHAT: uc::Deletable;
    /// The project, the item's id, and the target's indicator.
    fn of(path: Self::Path) -> (String, i64, Option<i64>);
}

/// `/projects/{project}/results/{id}/delete`.
pub struct Results;

impl Deleting for Results {
    type Path = (String, i64);
    const WHAT: uc::Deletable = uc::Deletable::Result;
    fn of((key, id): (String, i64)) -> (String, i64, Option<i64>) {
        (key, id, None)
    }
}

/// `/projects/{project}/indicators/{id}/delete`.
pub struct Indicators;

impl Deleting for Indicators {
    type Path = (String, i64);
    const WHAT: uc::Deletable = uc::Deletable::Indicator;
    fn of((key, id): (String, i64)) -> (String, i64, Option<i64>) {
        (key, id, None)
    }
}

/// `/projects/{project}/indicators/{ind}/targets/{id}/delete`.
pub struct Targets;

impl Deleting for Targets {
    type Path = (String, i64, i64);
    const WHAT: uc::Deletable = uc::Deletable::Target;
    fn of((key, ind, id): (String, i64, i64)) -> (String, i64, Option<i64>) {
        (key, id, Some(ind))
    }
}

/// `GET .../delete` of a result, an indicator or a target.
pub async fn confirm_delete<D: Deleting>(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<D::Path>,
) -> Result<HttpResponse, WebError> {
    let (key, id, target) = D::of(path.into_inner());
    confirm(db, user, key, D::WHAT, id, target).await
}

/// `POST .../delete` of a result, an indicator or a target.
pub async fn delete<D: Deleting>(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<D::Path>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (key, id, target) = D::of(path.into_inner());
    remove(req, db, user, key, (D::WHAT, id, target), form.into_inner().into_iter().collect()).await
}
