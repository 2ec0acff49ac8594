//! The results framework page (the tree with indicators, baselines and targets) and the forms
//! a coordinator adds and edits results, indicators and targets with: the API's rules
//! ([`crate::services::framework`]), every error next to its field, the form still filled.

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

fn level_label(level: &str) -> &str {
    match level {
        "impact" => "Impact",
        "outcome" => "Outcome",
        "output" => "Output",
        "activity_result" => "Activity result",
        "activity" => "Activity",
        other => other,
    }
}

fn measure_label(m: &str) -> &str {
    match m {
        "number" => "Number",
        "percentage" => "Percentage (numerator / denominator)",
        "yes_no" => "Yes / no",
        "qualitative" => "Text (qualitative)",
        "increase" => "Increase (more is better)",
        "decrease" => "Decrease (less is better)",
        "sum" => "Sum of the quarters",
        "latest" => "Latest value",
        other => other,
    }
}

/// Donors see the results on their portal, not the framework's pages.
fn require_team(user: &WebUser, project_id: i64) -> Result<(), WebError> {
    if crate::services::reports::donor_only(&user.principal, project_id) {
        return Err(AppError::Forbidden("donors see the project's results on its page".into()).into());
    }
    Ok(())
}

fn target_text(t: &Target) -> String {
    target_text_in(&super::i18n::catalogue(super::i18n::DEFAULT), t)
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

fn baseline_text(i: &Indicator) -> Option<String> {
    let v = i.baseline_value.map(format::num);
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
                    "baseline": baseline_text(i),
                    "targets": i.targets.iter().map(|t| target_text_in(c, t)).collect::<Vec<_>>(),
                    "edit": format!("/projects/{}/indicators/{}", format::url_encode(code), i.id),
                    "delete": format!("/projects/{}/indicators/{}/delete", format::url_encode(code), i.id),
                    "dims": i.disaggregations.iter().map(|d| format!("{}: {}", d.name, d.values.join(", "))).collect::<Vec<_>>(),
                })
            })
            .collect();
        let may_add_below = r.level != ResultLevel::Activity.as_str();
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
struct Field<'a> {
    name: &'a str,
    label: &'a str,
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

fn field(f: Field, value: &str, error: Option<String>) -> Value {
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
        "label": f.label,
        "hint": f.hint,
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
fn humane(errors: &[(String, String)], labels: &[(&str, &str)]) -> (Vec<(String, String)>, Vec<Value>) {
    let mut fields = vec![];
    let mut summary = vec![];
    for (f, m) in errors {
        let label = labels.iter().find(|(n, _)| n == f).map(|(_, l)| *l);
        let (shown, listed) = match label {
            Some(l) if m == "must not be empty" => {
                let s = format!("Enter the {}", l.to_lowercase());
                (s.clone(), s)
            }
            Some(l) => (m.clone(), format!("{l}: {m}")),
            None => (m.clone(), m.clone()),
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

fn results_options(results: &[ResultNode], except: Option<i64>, none: Option<&str>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = none.map(|n| (String::new(), n.to_string())).into_iter().collect();
    out.extend(
        results
            .iter()
            .filter(|r| Some(r.id) != except)
            .map(|r| (r.id.to_string(), format!("{} {} ({})", r.code, r.title, level_label(&r.level).to_lowercase()))),
    );
    out
}

fn vocabulary_options(all: &[&str]) -> Vec<(String, String)> {
    all.iter().map(|v| (v.to_string(), measure_label(v).to_string())).collect()
}

// ---- results -----------------------------------------------------------------------------

const RESULT_FIELDS: [&str; 6] = ["parent", "level", "code", "title", "description", "assumptions"];
const RESULT_LABELS: [(&str, &str); 6] = [
    ("parent", "Sits under"),
    ("level", "Level"),
    ("code", "Code"),
    ("title", "Title"),
    ("description", "Description"),
    ("assumptions", "Assumptions"),
];

fn result_view(
    user: &WebUser,
    ctx: &FormContext<ResultNode>,
    posted: Option<&HashMap<String, String>>,
    parent: Option<i64>,
    errors: &[(String, String)],
) -> Value {
    let (errors, summary) = humane(errors, &RESULT_LABELS);
    let errors = &errors[..];
    let cur = ctx.current.as_ref();
    let default_level = parent
        .and_then(|p| ctx.results.iter().find(|r| r.id == p))
        .and_then(|p| ResultLevel::parse(&p.level))
        .and_then(|l| ResultLevel::ALL.iter().find(|c| c.depth() == l.depth() + 1))
        .map(|l| l.as_str().to_string());
    let levels: Vec<(String, String)> =
        ResultLevel::ALL.iter().map(|l| (l.as_str().to_string(), level_label(l.as_str()).to_string())).collect();
    let fields = vec![
        field(
            Field {
                name: "parent",
                label: "Sits under",
                hint: Some("The result this one contributes to; none for the impact"),
                optional: false,
                kind: Kind::Select(results_options(&ctx.results, cur.map(|c| c.id), Some("Nothing (top of the tree)"))),
            },
            &pick(posted, "parent", cur.and_then(|c| c.parent_id).or(parent).map(|p| p.to_string())),
            error_for(errors, "parent"),
        ),
        field(
            Field { name: "level", label: "Level", hint: None, optional: false, kind: Kind::Select(levels) },
            &pick(posted, "level", cur.map(|c| c.level.clone()).or(default_level)),
            error_for(errors, "level"),
        ),
        field(
            Field {
                name: "code",
                label: "Code",
                hint: Some("Its place in the tree, like 1.2.3 (letters, digits, . - _)"),
                optional: false,
                kind: Kind::Short,
            },
            &pick(posted, "code", cur.map(|c| c.code.clone())),
            error_for(errors, "code"),
        ),
        field(
            Field { name: "title", label: "Title", hint: None, optional: false, kind: Kind::Textarea(2) },
            &pick(posted, "title", cur.map(|c| c.title.clone())),
            error_for(errors, "title"),
        ),
        field(
            Field { name: "description", label: "Description", hint: None, optional: true, kind: Kind::Textarea(3) },
            &pick(posted, "description", cur.and_then(|c| c.description.clone())),
            error_for(errors, "description"),
        ),
        field(
            Field {
                name: "assumptions",
                label: "Assumptions",
                hint: Some("Conditions outside the project's control (the EU logframe shows them)"),
                optional: true,
                kind: Kind::Textarea(2),
            },
            &pick(posted, "assumptions", cur.and_then(|c| c.assumptions.clone())),
            error_for(errors, "assumptions"),
        ),
    ];
    let code = &ctx.project.code;
    json!({
        "code": code,
        "heading": match cur { Some(c) => format!("Edit result {}", c.code), None => "Add a result".to_string() },
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
        "button": if cur.is_some() { "Save the result" } else { "Add the result" },
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
    Ok(html(StatusCode::OK, render("result_form", &format!("Add a result – {}", ctx.project.code), Some(&user), &data)))
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
    Ok(html(StatusCode::OK, render("result_form", &format!("Edit result – {}", ctx.project.code), Some(&user), &data)))
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
fn refusal(e: AppError, rename: &[(&str, &str)], known: &[&str]) -> Result<Vec<(String, String)>, WebError> {
    match e {
        AppError::Validation(errs) => Ok(on_form(errs, rename, known)),
        AppError::Conflict { message, field } => {
            Ok(on_form(vec![FieldError::new(field.unwrap_or_default(), message)], rename, known))
        }
        AppError::PreconditionFailed(m) => Ok(vec![(
            String::new(),
            format!("{m}. Someone changed it while you were editing: open it again to see their version."),
        )]),
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
    let mut errors: Vec<(String, String)> = vec![];
    let parent_id = match text(&form, "parent") {
        None => None,
        Some(p) => match p.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(("parent".into(), "Choose a result from the list".into()));
                None
            }
        },
    };
    let level = text(&form, "level").and_then(|l| ResultLevel::parse(&l));
    if level.is_none() {
        errors.push(("level".into(), "Choose a level".into()));
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
            Err(e) => errors = refusal(e, &[("parent_id", "parent")], &RESULT_FIELDS)?,
        }
    }
    let ctx = uc::result_form(&db, &user.principal, &key, id).await?;
    let data = result_view(&user, &ctx, Some(&form), None, &errors);
    let title = format!("Error: {} – {}", if id.is_some() { "Edit result" } else { "Add a result" }, ctx.project.code);
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

const INDICATOR_LABELS: [(&str, &str); 12] = [
    ("result", "Measures the result"),
    ("code", "Code"),
    ("title", "Title"),
    ("unit", "Unit"),
    ("measure", "Measure"),
    ("direction", "Direction"),
    ("accumulation", "Over quarters"),
    ("baseline_value", "Baseline value"),
    ("baseline_year", "Baseline year"),
    ("baseline_note", "Baseline note"),
    ("means_of_verification", "Means of verification"),
    ("disaggregations", "Disaggregations"),
];

/// `sex: women, men` per line.
fn dims_text(dims: &[Dimension]) -> String {
    dims.iter().map(|d| format!("{}: {}", d.name, d.values.join(", "))).collect::<Vec<_>>().join("\n")
}

fn parse_dims(s: &str) -> Result<Vec<Dimension>, String> {
    let mut out = vec![];
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((name, values)) = line.split_once(':') else {
            return Err(format!("Write each dimension as “name: value, value”; “{line}” has no colon"));
        };
        out.push(Dimension {
            name: name.trim().to_string(),
            values: values.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect(),
        });
    }
    Ok(out)
}

fn number_of(form: &HashMap<String, String>, name: &str, errors: &mut Vec<(String, String)>) -> Option<f64> {
    let s = text(form, name)?;
    match s.replace([' ', '\u{a0}', ','], "").parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.push((name.to_string(), "Enter a number, like 12 or 12.5".into()));
            None
        }
    }
}

fn targets_view(
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
                "period_label": if t.period == "LOP" { "Life of project".to_string() } else { t.period.clone() },
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
    let (errors, mut summary) = humane(errors, &INDICATOR_LABELS);
    let errors = &errors[..];
    let cur = ctx.current.as_ref();
    let measures: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
    let directions: Vec<&str> = Direction::ALL.iter().map(|m| m.as_str()).collect();
    let accumulations: Vec<&str> = Accumulation::ALL.iter().map(|m| m.as_str()).collect();
    let f = |name, label, hint, optional, kind, stored: Option<String>| {
        field(Field { name, label, hint, optional, kind }, &pick(posted, name, stored), error_for(errors, name))
    };
    let fields = vec![
        f(
            "result",
            "Measures the result",
            None,
            false,
            Kind::Select(results_options(&ctx.results, None, Some("Choose a result"))),
            cur.map(|c| c.result_id).or(result).map(|r| r.to_string()),
        ),
        f("code", "Code", Some("Like OP1.2 (letters, digits, . - _)"), false, Kind::Short, cur.map(|c| c.code.clone())),
        f("title", "Title", None, false, Kind::Textarea(2), cur.map(|c| c.title.clone())),
        f("unit", "Unit", Some("What is counted, like persons or %"), false, Kind::Short, cur.map(|c| c.unit.clone())),
        f(
            "measure",
            "Measure",
            None,
            false,
            Kind::Select(vocabulary_options(&measures)),
            Some(cur.map(|c| c.measure.clone()).unwrap_or_else(|| "number".into())),
        ),
        f(
            "direction",
            "Direction",
            None,
            false,
            Kind::Select(vocabulary_options(&directions)),
            Some(cur.map(|c| c.direction.clone()).unwrap_or_else(|| "increase".into())),
        ),
        f(
            "accumulation",
            "Over quarters",
            None,
            false,
            Kind::Select(vocabulary_options(&accumulations)),
            Some(cur.map(|c| c.accumulation.clone()).unwrap_or_else(|| "sum".into())),
        ),
        f(
            "baseline_value",
            "Baseline value",
            None,
            true,
            Kind::Number,
            cur.and_then(|c| c.baseline_value).map(format::raw),
        ),
        f(
            "baseline_year",
            "Baseline year",
            None,
            true,
            Kind::Number,
            cur.and_then(|c| c.baseline_year).map(|y| y.to_string()),
        ),
        f("baseline_note", "Baseline note", None, true, Kind::Textarea(2), cur.and_then(|c| c.baseline_note.clone())),
        f(
            "means_of_verification",
            "Means of verification",
            Some("Where the figures come from"),
            true,
            Kind::Textarea(2),
            cur.and_then(|c| c.means_of_verification.clone()),
        ),
        f(
            "disaggregations",
            "Disaggregations",
            Some("One per line: the dimension, a colon, its values separated by commas (sex: women, men)"),
            true,
            Kind::Textarea(3),
            cur.map(|c| dims_text(&c.disaggregations)),
        ),
    ];
    let code = &ctx.project.code;
    for (f, m) in target_errors {
        summary.push(json!({"href": format!("#{}", if f.is_empty() { "targets" } else { f }), "message": format!("Target: {m}")}));
    }
    json!({
        "code": code,
        "heading": match cur { Some(c) => format!("Edit indicator {}", c.code), None => "Add an indicator".to_string() },
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
        "button": if cur.is_some() { "Save the indicator" } else { "Add the indicator" },
        "targets": cur.map(|c| targets_view(code, c, targets_posted, target_errors)),
        "targets_action": cur.map(|c| format!("/projects/{}/indicators/{}/targets", format::url_encode(code), c.id)),
        "is_qualitative": cur.is_some_and(|c| c.measure == "qualitative"),
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
        render("indicator_form", &format!("Add an indicator – {}", ctx.project.code), Some(&user), &data),
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
        render("indicator_form", &format!("Edit indicator – {}", ctx.project.code), Some(&user), &data),
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
    let mut errors: Vec<(String, String)> = vec![];
    let result_id = text(&form, "result").and_then(|r| r.parse::<i64>().ok());
    if result_id.is_none() {
        errors.push(("result".into(), "Choose the result the indicator measures".into()));
    }
    let measure = text(&form, "measure").and_then(|m| Measure::parse(&m));
    let direction = text(&form, "direction").and_then(|m| Direction::parse(&m));
    let accumulation = text(&form, "accumulation").and_then(|m| Accumulation::parse(&m));
    for (name, ok) in
        [("measure", measure.is_some()), ("direction", direction.is_some()), ("accumulation", accumulation.is_some())]
    {
        if !ok {
            errors.push((name.into(), "Choose one from the list".into()));
        }
    }
    let baseline_value = number_of(&form, "baseline_value", &mut errors);
    let baseline_year = match text(&form, "baseline_year") {
        None => None,
        Some(y) => match y.parse::<i32>() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.push(("baseline_year".into(), "Enter a year, like 2024".into()));
                None
            }
        },
    };
    let disaggregations = match parse_dims(form.get("disaggregations").map(String::as_str).unwrap_or_default()) {
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
            Err(e) => errors = refusal(e, &[("result_id", "result")], &INDICATOR_FIELDS)?,
        }
    }
    let ctx = uc::indicator_form(&db, &user.principal, &key, id).await?;
    let data = indicator_view(&user, &ctx, Some(&form), None, &errors, None, &[]);
    let title =
        format!("Error: {} – {}", if id.is_some() { "Edit indicator" } else { "Add an indicator" }, ctx.project.code);
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
    let mut errors: Vec<(String, String)> = vec![];
    let mut changes = TargetChanges::default();
    for t in &ind.targets {
        let value = number_of(&form, &format!("t_value_{}", t.id), &mut errors);
        let description = text(&form, &format!("t_desc_{}", t.id));
        if value == t.value && description == t.description {
            continue;
        }
        let version = form.get(&format!("t_ver_{}", t.id)).and_then(|v| v.parse().ok());
        changes.changed.push((t.id, TargetInput { period: t.period.clone(), value, description, version }));
    }
    let (period, value, description) =
        (text(&form, "t_period_new"), number_of(&form, "t_value_new", &mut errors), text(&form, "t_desc_new"));
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
                        (f, e.message)
                    })
                    .collect()
            }
            Err(e) => return Err(e.into()),
        }
    } else if errors.is_empty() {
        return Ok(see_other(&format!("/projects/{}/indicators/{id}", format::url_encode(&key))));
    }
    let data = indicator_view(&user, &ctx, None, None, &[], Some(&form), &errors);
    let title = format!("Error: Edit indicator – {}", ctx.project.code);
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
    Ok(match what {
        uc::Deletable::Result => {
            let ctx = uc::result_form(db, &user.principal, key, Some(id)).await?;
            let r = ctx.current.expect("the result");
            Doomed {
                title: format!("Delete result {}", r.code),
                what: format!("{} {}", r.code, r.title),
                detail: Some(format!("Level: {}", level_label(&r.level))),
                action: format!("/projects/{p}/results/{id}/delete"),
                back: format!("/projects/{p}/results#result-{id}"),
            }
        }
        uc::Deletable::Indicator => {
            let ctx = uc::indicator_form(db, &user.principal, key, Some(id)).await?;
            let i = ctx.current.expect("the indicator");
            Doomed {
                title: format!("Delete indicator {}", i.code),
                what: format!("{} {}", i.code, i.title),
                detail: (!i.targets.is_empty())
                    .then(|| format!("Its {} target(s) are deleted with it.", i.targets.len())),
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
                title: format!("Delete a target of indicator {}", i.code),
                what: target_text(t),
                detail: Some(format!("Indicator {} {}", i.code, i.title)),
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
        "csrf": user.csrf(),
        "error": error,
    });
    let title = format!("{}{} – {key}", if error.is_some() { "Error: " } else { "" }, d.title);
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

pub async fn confirm_delete_result(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    confirm(db, user, key, uc::Deletable::Result, id, None).await
}

pub async fn delete_result(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    remove(req, db, user, key, (uc::Deletable::Result, id, None), form.into_inner().into_iter().collect()).await
}

pub async fn confirm_delete_indicator(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    confirm(db, user, key, uc::Deletable::Indicator, id, None).await
}

pub async fn delete_indicator(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (key, id) = path.into_inner();
    remove(req, db, user, key, (uc::Deletable::Indicator, id, None), form.into_inner().into_iter().collect()).await
}

pub async fn confirm_delete_target(
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64, i64)>,
) -> Result<HttpResponse, WebError> {
    let (key, ind, id) = path.into_inner();
    confirm(db, user, key, uc::Deletable::Target, id, Some(ind)).await
}

pub async fn delete_target(
    req: HttpRequest,
    db: web::Data<Db>,
    user: WebUser,
    path: web::Path<(String, i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (key, ind, id) = path.into_inner();
    remove(req, db, user, key, (uc::Deletable::Target, id, Some(ind)), form.into_inner().into_iter().collect()).await
}
