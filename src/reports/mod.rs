//! Donor reports: gather the figures (from `domain/` via the store), render a handlebars
//! template into the document markup, parse it into a [`document::Document`], and render
//! that as PDF, XLSX or HTML. Each generated report is stored as an immutable snapshot.

pub mod cdr;
pub mod data;
pub mod document;
pub mod eu;
pub mod html;
pub mod i18n;
pub mod markup;
pub mod pdf;
pub mod templates;
pub mod xlsx;

use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::progress::{Thresholds, Window};
use crate::error::AppError;
use crate::store::audit::Actor;
use crate::store::progress::{self, ProgressQuery};
use crate::store::projects::Project;
use crate::store::reports::{self as stored, NewReport, ReportMeta};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use templates::Templates;
use utoipa::ToSchema;

crate::domain::vocabulary! {
    Format {
        Pdf = "pdf",
        Xlsx = "xlsx",
        Html = "html",
    }
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `undp-quarterly`, `eu-interim`, `iptt` (or a template a team added).
    #[schema(example = "undp-quarterly")]
    pub template: String,
    /// A quarter (`2025-Q3`) or a year; or `from` and `to` quarters.
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    pub format: Format,
    /// The report's language (`en`, `ru`, or one a translator added as catalogue files);
    /// English when absent.
    #[serde(default)]
    #[schema(example = "en")]
    pub lang: Option<String>,
    /// Include unapproved data, watermarked "DRAFT"; without it a period with unapproved
    /// data is refused (409) with the list of what is unapproved.
    #[serde(default)]
    pub draft: bool,
}

impl ReportRequest {
    pub fn lang(&self) -> &str {
        self.lang.as_deref().unwrap_or(i18n::DEFAULT_LANG)
    }

    pub fn window(&self) -> Result<Window, AppError> {
        ProgressQuery {
            period: self.period.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            include_unapproved: false,
        }
        .window()
    }
}

/// Renders a document in a format.
pub fn render(doc: &document::Document, format: Format) -> Result<Vec<u8>, AppError> {
    match format {
        Format::Pdf => pdf::render(doc).map_err(|e| AppError::Internal(format!("PDF rendering failed: {e}"))),
        Format::Xlsx => xlsx::render(doc).map_err(|e| match e {
            // A total or calc of the template that does not give the report's figure: the
            // template's mistake (as a template error), not the server's.
            xlsx::RenderError::InconsistentTotal { .. } | xlsx::RenderError::InconsistentCalc { .. } => {
                AppError::Validation(vec![FieldError::new("template", format!("XLSX: {e}"))])
            }
            xlsx::RenderError::Xlsx(_) => AppError::Internal(format!("XLSX rendering failed: {e}")),
        }),
        Format::Html => Ok(html::render(doc)),
    }
}

/// Gathers, renders and returns the document of a report (nothing stored).
pub fn build_document(
    conn: &mut DbConnection,
    templates: &Templates,
    project: &Project,
    req: &ReportRequest,
    thresholds: Thresholds,
    generated_by: &str,
) -> Result<document::Document, AppError> {
    let names = templates.names();
    let window = req.window();
    let mut errs = vec![];
    let known = names.contains(&req.template);
    if !known {
        errs.push(FieldError::new(
            "template",
            format!("unknown template `{}`: use one of {}", req.template, names.join(", ")),
        ));
    }
    let catalogue = match templates.catalogue(if known { &req.template } else { "" }, req.lang()) {
        Ok(c) => Some(c),
        Err(AppError::Validation(mut e)) => {
            errs.append(&mut e);
            None
        }
        Err(e) => return Err(e),
    };
    let window = match window {
        Ok(w) => Some(w),
        Err(AppError::Validation(mut e)) => {
            errs.append(&mut e);
            None
        }
        Err(e) => return Err(e),
    };
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let (window, catalogue) = (window.expect("valid"), catalogue.expect("valid"));
    progress::check_window(project, window)?;
    let unapproved = progress::unapproved_in(conn, project.id, window)?;
    if !unapproved.is_empty() && !req.draft {
        let list: Vec<String> = unapproved.iter().map(|(code, q, s)| format!("{code} {q} ({s})")).collect();
        return Err(AppError::Conflict {
            message: format!(
                "{} has unapproved data: {}. Approve it, or ask for a draft (\"draft\": true) watermarked as such",
                window.label(),
                list.join(", ")
            ),
            field: Some("draft".into()),
        });
    }
    let mut data = data::gather(conn, project, &req.template, window, req.draft, thresholds, generated_by)?;
    // The Combined Delivery Report reads every expenditure of its period: only for the
    // templates that show it.
    if templates.mentions(&req.template, req.lang(), "cdr.") {
        data.cdr = Some(cdr::gather(conn, project, window)?);
    }
    let json = serde_json::to_value(&data).map_err(|e| AppError::Internal(e.to_string()))?;
    let locale = catalogue.locale();
    let xml = templates.render(&req.template, catalogue, &json)?;
    let mut doc = markup::parse(&xml).map_err(|e| {
        // The line is the rendered markup's: quote it, so the template's line can be found.
        let quoted = e.0.strip_prefix("line ").and_then(|r| r.split(',').next()).and_then(|n| n.parse::<usize>().ok());
        let context = quoted
            .and_then(|n| xml.lines().nth(n - 1))
            .map(|l| format!(" (in `{}`)", l.trim().chars().take(120).collect::<String>()))
            .unwrap_or_default();
        templates::template_error(&req.template, format!("{e}{context}"))
    })?;
    doc.locale = locale;
    Ok(doc)
}

/// Generates a report and stores it as an immutable snapshot (one transaction: on any
/// error nothing is stored).
pub fn generate(
    conn: &mut DbConnection,
    actor: &Actor,
    templates: &Templates,
    project: &Project,
    req: &ReportRequest,
    thresholds: Thresholds,
    generated_by: &str,
) -> Result<ReportMeta, AppError> {
    let doc = build_document(conn, templates, project, req, thresholds, generated_by)?;
    let bytes = render(&doc, req.format)?;
    let sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let window = req.window()?;
    let label = window.label().replace("..", "_");
    let lang = if req.lang() == i18n::DEFAULT_LANG { String::new() } else { format!("_{}", req.lang()) };
    let file_name = safe_file_name(&format!(
        "{}_{}_{}{}{lang}.{}",
        project.code,
        req.template,
        label,
        if req.draft { "_DRAFT" } else { "" },
        req.format
    ));
    stored::insert(
        conn,
        actor,
        &NewReport {
            project_id: project.id,
            template: &req.template,
            period: &window.label(),
            period_from: &window.from.to_string(),
            period_to: &window.to.to_string(),
            format: req.format,
            file_name: &file_name,
            content_type: req.format.content_type(),
            sha256: &sha256,
            content: &bytes,
            draft: req.draft,
        },
    )
}

/// A file name of safe characters only (ASCII letters, digits, `.`, `-`, `_`; anything else
/// becomes `_`, and no leading dot), so that a template folder named with a quote, a semicolon
/// or a line break can neither break the `Content-Disposition` header nor name a path.
pub fn safe_file_name(name: &str) -> String {
    let mut safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    if safe.starts_with('.') {
        safe.replace_range(..1, "_");
    }
    if safe.is_empty() { "report".to_string() } else { safe }
}

#[cfg(test)]
mod file_name_tests {
    use super::safe_file_name;

    #[test]
    fn file_names_keep_safe_characters_only() {
        assert_eq!(safe_file_name("KAZ-HUB_iptt_2025-Q3.pdf"), "KAZ-HUB_iptt_2025-Q3.pdf");
        assert_eq!(safe_file_name("P_x\"; filename=evil.exe_2025.pdf"), "P_x___filename_evil.exe_2025.pdf");
        assert_eq!(safe_file_name("two\r\nlines/../Oʻzbek.pdf"), "two__lines_.._O_zbek.pdf");
        assert_eq!(safe_file_name(".hidden"), "_hidden");
        assert_eq!(safe_file_name(""), "report");
    }
}
