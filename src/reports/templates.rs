//! Report templates are data: `report_templates/<name>/report.hbs` (handlebars) renders the
//! gathered [`super::data::ReportData`] (as JSON) into the document markup. The directory is
//! read at every generation, so a team changes a donor format by editing a file, without
//! recompiling; a copy of the shipped templates is compiled in for when the directory is absent.

use super::document::Locale;
use super::i18n::{self, Catalogue};
use crate::error::AppError;
use handlebars::Template;
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderError, RenderErrorReason,
    ScopedJson, handlebars_helper,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The shipped templates.
pub const NAMES: &[&str] = &["undp-quarterly", "undp-cdr", "eu-interim", "iptt"];

const EMBEDDED: &[(&str, &str)] = &[
    ("undp-quarterly", include_str!("../../report_templates/undp-quarterly/report.hbs")),
    ("undp-cdr", include_str!("../../report_templates/undp-cdr/report.hbs")),
    ("eu-interim", include_str!("../../report_templates/eu-interim/report.hbs")),
    ("iptt", include_str!("../../report_templates/iptt/report.hbs")),
];

/// The shipped templates' own catalogues (path under `report_templates/`, text).
const EMBEDDED_CATALOGUES: &[(&str, &str)] = &[
    ("eu-interim/en.ftl", include_str!("../../report_templates/eu-interim/en.ftl")),
    ("eu-interim/ru.ftl", include_str!("../../report_templates/eu-interim/ru.ftl")),
    ("undp-quarterly/en.ftl", include_str!("../../report_templates/undp-quarterly/en.ftl")),
    ("undp-quarterly/ru.ftl", include_str!("../../report_templates/undp-quarterly/ru.ftl")),
    ("undp-cdr/en.ftl", include_str!("../../report_templates/undp-cdr/en.ftl")),
    ("undp-cdr/ru.ftl", include_str!("../../report_templates/undp-cdr/ru.ftl")),
    ("iptt/en.ftl", include_str!("../../report_templates/iptt/en.ftl")),
    ("iptt/ru.ftl", include_str!("../../report_templates/iptt/ru.ftl")),
];

/// Where templates come from.
#[derive(Debug, Clone)]
pub struct Templates {
    dir: Option<PathBuf>,
    compiled: Arc<Mutex<HashMap<String, Compiled>>>,
}

/// A template source as last read and its parsed (and element-checked) form. Compiling is
/// four fifths of a demo report's time (handlebars' parser finds every element's line and
/// column from the start), so it is kept while the source stays the same; the source itself
/// is still read at every generation, so an edited file is used at once.
#[derive(Debug)]
struct Compiled {
    source: String,
    template: Arc<Template>,
}

impl Templates {
    /// Templates from `dir` when it exists, the compiled-in copies otherwise.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Templates { dir, compiled: Arc::default() }
    }

    /// The parsed template of `source`, from the cache when this source was parsed before.
    fn compile(&self, name: &str, lang: &str, source: String) -> Result<Arc<Template>, AppError> {
        let key = format!("{name}/{lang}");
        if let Some(c) = self.compiled.lock().expect("template cache").get(&key)
            && c.source == source
        {
            return Ok(c.template.clone());
        }
        check_elements(&source).map_err(|e| template_error(name, e))?;
        let template = Template::compile_with_name(&source, name.to_string()).map_err(|e| {
            let at = e.pos().map(|(line, col)| format!("line {line}, column {col}: ")).unwrap_or_default();
            template_error(name, format!("{at}{}", e.reason()))
        })?;
        let template = Arc::new(template);
        self.compiled.lock().expect("template cache").insert(key, Compiled { source, template: template.clone() });
        Ok(template)
    }

    /// `RBM_TEMPLATES_DIR`, or `report_templates` in the working directory.
    pub fn from_env() -> Self {
        let dir = std::env::var_os("RBM_TEMPLATES_DIR").map(PathBuf::from).unwrap_or_else(|| "report_templates".into());
        Templates::new(Some(dir))
    }

    /// The template's source: `report.<lang>.hbs` when a team overrides it for a language,
    /// else `report.hbs`.
    fn source(&self, name: &str, lang: &str) -> Result<String, AppError> {
        if let Some(dir) = &self.dir {
            let own = dir.join(name).join(format!("report.{lang}.hbs"));
            let file = if own.is_file() { own } else { dir.join(name).join("report.hbs") };
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

    /// Whether a template (in a language) mentions `word`: the report data computes costly
    /// parts (the CDR) only for the templates that use them. False when it cannot be read.
    pub fn mentions(&self, name: &str, lang: &str, word: &str) -> bool {
        self.source(name, lang).is_ok_and(|s| s.contains(word))
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

    /// The languages reports can be written in.
    pub fn languages(&self) -> Vec<String> {
        i18n::languages(i18n::dir_of(&self.dir))
    }

    /// The catalogue of a template in a language (422 naming `lang` for an unknown one).
    pub fn catalogue(&self, name: &str, lang: &str) -> Result<Catalogue, AppError> {
        Catalogue::load(i18n::dir_of(&self.dir), name, lang, EMBEDDED_CATALOGUES)
    }

    /// Renders a template into document markup, with the labels of `catalogue`. A template
    /// mistake (a handlebars error, an element the markup does not know, a label missing
    /// from the catalogue) is a 422 naming the template, the line and what is wrong.
    pub fn render(&self, name: &str, catalogue: Catalogue, data: &serde_json::Value) -> Result<String, AppError> {
        let source = self.source(name, &catalogue.lang)?;
        let template = self.compile(name, &catalogue.lang, source)?;
        let mut hb = Handlebars::new();
        hb.set_strict_mode(false);
        hb.register_escape_fn(escape);
        register_helpers(&mut hb);
        let catalogue = Arc::new(catalogue);
        hb.register_helper("t", Box::new(i18n::T(catalogue.clone())));
        hb.register_helper("word", Box::new(i18n::Word(catalogue.clone())));
        hb.register_helper("month_name", Box::new(MonthName(catalogue.clone())));
        let locale = Arc::new(catalogue.locale());
        hb.register_helper("num", Box::new(Formatted(locale.clone(), Kind::Number)));
        hb.register_helper("money", Box::new(Formatted(locale.clone(), Kind::Money)));
        hb.register_helper("pct", Box::new(Formatted(locale.clone(), Kind::Percent)));
        hb.register_helper("fx_rate", Box::new(Formatted(locale.clone(), Kind::Rate)));
        hb.register_helper("date", Box::new(Formatted(locale, Kind::Date)));
        hb.register_template(name, Template::clone(&template));
        hb.render(name, data).map_err(|e| {
            let at = e.line_no.map(|l| format!("line {l}: ")).unwrap_or_default();
            template_error(name, format!("{at}{}", e.reason()))
        })
    }
}

/// Escapes text for the document markup (XML) and drops what XML 1.0 cannot hold (control
/// characters other than tab, line feed and carriage return; U+FFFE, U+FFFF), so no stored
/// text can make a report fail.
pub fn escape(s: &str) -> String {
    let valid = |c: &char| !matches!(*c as u32, 0..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0xFFFE | 0xFFFF);
    if s.chars().all(|c| valid(&c)) {
        return handlebars::html_escape(s);
    }
    handlebars::html_escape(&s.chars().filter(valid).collect::<String>())
}

/// A mistake in a template: 422 on `template`, naming it.
pub fn template_error(name: &str, what: impl std::fmt::Display) -> AppError {
    AppError::field("template", format!("template `{name}`: {what}"))
}

/// Finds, in a template's source, the first element the document markup does not know,
/// with its line (the rendered markup's lines differ from the template's, so this is
/// checked on the source). Handlebars comments are skipped.
fn check_elements(source: &str) -> Result<(), String> {
    let mut rest = source;
    let mut offset = 0;
    while let Some(start) = rest.find("{{!") {
        let (before, after) = rest.split_at(start);
        scan_tags(before, line_at(source, offset))?;
        let end = if after.starts_with("{{!--") {
            after.find("--}}").map(|i| i + 4)
        } else {
            after.find("}}").map(|i| i + 2)
        };
        let end = end.unwrap_or(after.len());
        offset += start + end;
        rest = &after[end..];
    }
    scan_tags(rest, line_at(source, offset))
}

fn line_at(source: &str, offset: usize) -> usize {
    source[..offset].matches('\n').count() + 1
}

fn scan_tags(text: &str, first_line: usize) -> Result<(), String> {
    for (i, _) in text.match_indices('<') {
        let tail = text[i + 1..].strip_prefix('/').unwrap_or(&text[i + 1..]);
        let name: String = tail.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        if name.is_empty() || tail.starts_with('!') || tail.starts_with('?') {
            continue;
        }
        if !super::markup::ELEMENTS.contains(&name.as_str()) {
            let line = first_line + text[..i].matches('\n').count();
            return Err(format!(
                "line {line}: unknown element <{name}> (the markup has {})",
                super::markup::ELEMENTS.join(", ")
            ));
        }
    }
    Ok(())
}

/// `{{month_name "2025-09"}}`: a month as the report's language names it ("September 2025",
/// "сентябрь 2025"), from the catalogue's `month-1` .. `month-12`; anything else as given.
struct MonthName(Arc<Catalogue>);

impl HelperDef for MonthName {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let Some(text) = h.param(0).and_then(|p| p.value().as_str()) else {
            return Ok(ScopedJson::Derived(serde_json::Value::Null));
        };
        let named = text
            .split_once('-')
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?)))
            .and_then(|(y, m)| Some(format!("{} {y}", self.0.get(&format!("month-{m}"), &[])?)));
        Ok(ScopedJson::Derived(serde_json::Value::String(named.unwrap_or_else(|| text.to_string()))))
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Number,
    Money,
    Percent,
    Rate,
    Date,
}

/// `{{num x 1}}`, `{{money minor "USD"}}`, `{{pct x}}`, `{{fx_rate micros}}`, `{{date "2025-07-01"}}`:
/// a figure inside running text, written as the report's language writes it (typed table cells
/// are formatted by the renderers). Null writes nothing. Also subexpressions, for labels:
/// `{{t "generated" date=(date generated_on)}}`. A rate is given in millionths (`rate_micros`)
/// and shown exactly, with the decimals it has (`0.852`, Russian `0,852`).
struct Formatted(Arc<Locale>, Kind);

impl HelperDef for Formatted {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let v = match h.param(0).map(|p| p.value()) {
            None | Some(serde_json::Value::Null) => return Ok(ScopedJson::Derived(serde_json::Value::Null)),
            Some(v) => v,
        };
        let l = &self.0;
        let bad = || RenderErrorReason::InvalidParamType("a number");
        let text = match self.1 {
            Kind::Number => {
                let decimals = h.param(1).and_then(|p| p.value().as_u64()).unwrap_or(0).min(10) as u8;
                l.number(v.as_f64().ok_or_else(bad)?, decimals)
            }
            Kind::Money => {
                let currency = h.param(1).and_then(|p| p.value().as_str()).unwrap_or("USD");
                l.money(v.as_i64().ok_or_else(bad)?, currency)
            }
            Kind::Percent => l.percent(v.as_f64().ok_or_else(bad)?),
            Kind::Rate => rate_text(l, v.as_i64().ok_or_else(bad)?),
            Kind::Date => {
                let s = v.as_str().ok_or(RenderErrorReason::InvalidParamType("a date YYYY-MM-DD"))?;
                match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                    Ok(d) => l.date(d),
                    Err(_) => s.to_string(),
                }
            }
        };
        Ok(ScopedJson::Derived(serde_json::Value::String(text)))
    }
}

/// An exchange rate stored in millionths, exactly, with its decimals and no trailing zeros,
/// in the language's number format: 852000 is `0.852` (`0,852` in Russian), 12585500000 is
/// `12,585.5` (`12 585,5`).
fn rate_text(l: &Locale, micros: i64) -> String {
    let scale = i128::from(crate::domain::budget::RATE_SCALE);
    let m = i128::from(micros);
    let (int, frac) = (m.abs() / scale, m.abs() % scale);
    let mut s = l.number(int as f64, 0);
    if m < 0 {
        s.insert(0, '-');
    }
    if frac != 0 {
        let digits = format!("{frac:06}");
        s.push_str(&l.decimal);
        s.push_str(digits.trim_end_matches('0'));
    }
    s
}

handlebars_helper!(plus: |a: i64, b: i64| a + b);
handlebars_helper!(len_plus: |v: array, b: i64| v.len() as i64 + b);
handlebars_helper!(bp_pct: |bp: Json| bp.as_f64().map(|b| serde_json::json!(b / 100.0)).unwrap_or(serde_json::Value::Null));

/// `{{opt x}}`: the value, or nothing for null (a typed cell left empty).
fn opt(h: &Helper, _: &Handlebars, _: &Context, _: &mut RenderContext, out: &mut dyn Output) -> HelperResult {
    match h.param(0).map(|p| p.value()) {
        None | Some(serde_json::Value::Null) => Ok(()),
        Some(serde_json::Value::String(s)) => Ok(out.write(&escape(s))?),
        Some(v) => Ok(out.write(&v.to_string())?),
    }
}

fn register_helpers(hb: &mut Handlebars) {
    hb.register_helper("plus", Box::new(plus));
    hb.register_helper("len_plus", Box::new(len_plus));
    hb.register_helper("opt", Box::new(opt));
    hb.register_helper("bp_pct", Box::new(bp_pct));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_exact_in_the_language_number_format() {
        let en = Locale::default();
        let ru = Locale { decimal: ",".into(), group: "\u{a0}".into(), ..Locale::default() };
        assert_eq!(rate_text(&en, 852_000), "0.852");
        assert_eq!(rate_text(&ru, 852_000), "0,852");
        assert_eq!(rate_text(&en, 12_585_500_000), "12,585.5");
        assert_eq!(rate_text(&ru, 12_585_500_000), "12\u{a0}585,5");
        assert_eq!(rate_text(&en, 1_000_000), "1");
        assert_eq!(rate_text(&en, 961_234), "0.961234");
    }
}
