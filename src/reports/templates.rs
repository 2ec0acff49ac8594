//! Report templates are data: `report_templates/<name>/report.hbs` (handlebars) renders the
//! gathered [`super::data::ReportData`] (as JSON) into the document markup. The directory is
//! read at every generation, so a team changes a donor format by editing a file, without
//! recompiling; a copy of the shipped templates is compiled in for when the directory is absent.

use crate::error::AppError;
use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, handlebars_helper};
use std::path::{Path, PathBuf};

/// The shipped templates.
pub const NAMES: &[&str] = &["undp-quarterly", "eu-interim", "iptt"];

const EMBEDDED: &[(&str, &str)] = &[
    ("undp-quarterly", include_str!("../../report_templates/undp-quarterly/report.hbs")),
    ("eu-interim", include_str!("../../report_templates/eu-interim/report.hbs")),
    ("iptt", include_str!("../../report_templates/iptt/report.hbs")),
];

/// Where templates come from.
#[derive(Debug, Clone)]
pub struct Templates {
    dir: Option<PathBuf>,
}

impl Templates {
    /// Templates from `dir` when it exists, the compiled-in copies otherwise.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Templates { dir }
    }

    /// `RBM_TEMPLATES_DIR`, or `report_templates` in the working directory.
    pub fn from_env() -> Self {
        let dir = std::env::var_os("RBM_TEMPLATES_DIR").map(PathBuf::from).unwrap_or_else(|| "report_templates".into());
        Templates::new(Some(dir))
    }

    fn source(&self, name: &str) -> Result<String, AppError> {
        if let Some(dir) = &self.dir {
            let file = dir.join(name).join("report.hbs");
            if file.is_file() {
                return std::fs::read_to_string(&file)
                    .map_err(|e| AppError::Internal(format!("cannot read template {}: {e}", file.display())));
            }
            if dir.join(name).is_dir() {
                return Err(AppError::Internal(format!("template {name} has no report.hbs in {}", dir.display())));
            }
        }
        EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, s)| s.to_string()).ok_or_else(|| {
            AppError::field("template", format!("unknown template `{name}`: use one of {}", self.names().join(", ")))
        })
    }

    /// Shipped templates plus any extra directory in the templates folder.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
        if let Some(Ok(entries)) = self.dir.as_deref().map(Path::read_dir) {
            for e in entries.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if e.path().join("report.hbs").is_file() && !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        names.sort();
        names
    }

    /// Renders a template into document markup.
    pub fn render(&self, name: &str, data: &serde_json::Value) -> Result<String, AppError> {
        let source = self.source(name)?;
        let mut hb = Handlebars::new();
        register_helpers(&mut hb);
        hb.register_template_string(name, source)
            .map_err(|e| AppError::Internal(format!("template {name} does not parse: {e}")))?;
        hb.render(name, data).map_err(|e| AppError::Internal(format!("template {name} failed: {e}")))
    }
}

handlebars_helper!(plus: |a: i64, b: i64| a + b);
handlebars_helper!(len_plus: |v: array, b: i64| v.len() as i64 + b);
handlebars_helper!(bp_pct: |bp: Json| bp.as_f64().map(|b| serde_json::json!(b / 100.0)).unwrap_or(serde_json::Value::Null));

/// `{{opt x}}`: the value, or nothing for null (a typed cell left empty).
fn opt(h: &Helper, _: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    match h.param(0).map(|p| p.value()) {
        None | Some(serde_json::Value::Null) => Ok(()),
        Some(serde_json::Value::String(s)) => Ok(out.write(&handlebars::html_escape(s))?),
        Some(v) => Ok(out.write(&v.to_string())?),
    }
}

fn register_helpers(hb: &mut Handlebars) {
    hb.register_helper("plus", Box::new(plus));
    hb.register_helper("len_plus", Box::new(len_plus));
    hb.register_helper("opt", Box::new(opt));
    hb.register_helper("bp_pct", Box::new(bp_pct));
}
