//! Report languages: every label a report prints comes from a Fluent catalogue, never from
//! Rust code. A language is the common catalogue `report_templates/i18n/<lang>.ftl` (status
//! words, number and date formats, "page X of Y", the draft watermark, the certification
//! block) plus each template's own `report_templates/<template>/<lang>.ftl` (its section
//! titles and column labels). The files are read at every generation, like the templates,
//! so a translator adds Uzbek or Kazakh by adding `uz.ftl` files, without recompiling;
//! English and Russian are compiled in as well, for when the folder is absent.
//!
//! Templates use `{{t "key"}}` (with Fluent arguments: `{{t "key" period=period.label}}`)
//! and the formatting helpers of [`super::templates`]. A key missing from the catalogue is
//! a template error naming the key, not an empty label.

use super::document::Locale;
use crate::error::AppError;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::path::{Path, PathBuf};

/// The shipped catalogues: (path under `report_templates/`, text).
const EMBEDDED: &[(&str, &str)] = &[
    ("i18n/en.ftl", include_str!("../../report_templates/i18n/en.ftl")),
    ("i18n/ru.ftl", include_str!("../../report_templates/i18n/ru.ftl")),
];

/// The language of a report when the request names none.
pub const DEFAULT_LANG: &str = "en";

/// One language's labels for one template.
pub struct Catalogue {
    pub lang: String,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue").field("lang", &self.lang).finish_non_exhaustive()
    }
}

/// Reads a catalogue file from the templates folder, or its compiled-in copy.
fn source(dir: Option<&Path>, rel: &str, embedded: &[(&str, &str)]) -> Result<Option<String>, AppError> {
    if let Some(file) = dir.map(|d| d.join(rel)).filter(|f| f.is_file()) {
        return std::fs::read_to_string(&file)
            .map(Some)
            .map_err(|e| AppError::Internal(format!("cannot read catalogue {}: {e}", file.display())));
    }
    Ok(EMBEDDED.iter().chain(embedded).find(|(p, _)| *p == rel).map(|(_, s)| s.to_string()))
}

/// The languages reports can be written in: those with a common catalogue.
pub fn languages(dir: Option<&Path>) -> Vec<String> {
    let mut langs: Vec<String> =
        EMBEDDED.iter().filter_map(|(p, _)| p.strip_prefix("i18n/")?.strip_suffix(".ftl")).map(String::from).collect();
    if let Some(Ok(entries)) = dir.map(|d| d.join("i18n")).as_deref().map(Path::read_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(lang) = name.strip_suffix(".ftl")
                && valid_tag(lang)
                && !langs.iter().any(|l| l == lang)
            {
                langs.push(lang.to_string());
            }
        }
    }
    langs.sort();
    langs
}

/// A language tag as files name them: `en`, `ru`, `uz`, `uz-Cyrl`.
fn valid_tag(s: &str) -> bool {
    !s.is_empty() && s.len() <= 16 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

impl Catalogue {
    /// The catalogue of `lang` for `template`: the common file, then the template's own.
    /// `embedded` holds the compiled-in template catalogues (path, text).
    pub fn load(
        dir: Option<&Path>,
        template: &str,
        lang: &str,
        embedded: &[(&str, &str)],
    ) -> Result<Catalogue, AppError> {
        let available = languages(dir);
        if !available.iter().any(|l| l == lang) {
            return Err(AppError::field(
                "lang",
                format!("unknown language `{lang}`: reports are available in {}", available.join(", ")),
            ));
        }
        let id: unic_langid::LanguageIdentifier =
            lang.parse().map_err(|_| AppError::field("lang", format!("`{lang}` is not a language tag")))?;
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Labels go into PDF cells and XLSX strings: no Unicode isolation marks around arguments.
        bundle.set_use_isolating(false);
        let files = [format!("i18n/{lang}.ftl"), format!("{template}/{lang}.ftl")];
        for rel in &files {
            let Some(text) = source(dir, rel, embedded)? else { continue };
            let res = FluentResource::try_new(text).map_err(|(_, errs)| {
                let first = errs.first().map(|e| format!("{e:?}")).unwrap_or_default();
                AppError::field("lang", format!("catalogue {rel} does not parse: {first}"))
            })?;
            // A template's own label may override a common one.
            bundle.add_resource_overriding(res);
        }
        Ok(Catalogue { lang: lang.to_string(), bundle })
    }

    /// The label of `key`, with arguments; `None` when the catalogue has no such message.
    pub fn get(&self, key: &str, args: &[(&str, FluentValue)]) -> Option<String> {
        let msg = self.bundle.get_message(key)?;
        let pattern = msg.value()?;
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let mut errors = vec![];
        let out = self.bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        Some(out.into_owned())
    }

    /// The label of `key`, or the key itself (for the renderers' own words).
    fn word(&self, key: &str, default: &str) -> String {
        self.get(key, &[]).unwrap_or_else(|| default.to_string())
    }

    /// What the renderers need of this language (numbers, dates, statuses, page label).
    pub fn locale(&self) -> Locale {
        let en = Locale::default();
        Locale {
            lang: self.lang.clone(),
            decimal: self.word("number-decimal-separator", &en.decimal),
            group: self.word("number-group-separator", &en.group),
            date_format: self.word("date-format", &en.date_format),
            excel_date_format: self.word("date-format-excel", &en.excel_date_format),
            page_label: self
                .get("page-x-of-y", &[("page", "{page}".into()), ("pages", "{pages}".into())])
                .unwrap_or(en.page_label),
            continued: self.word("continued", &en.continued),
            statuses: en
                .statuses
                .iter()
                .map(|(code, w)| (code.clone(), self.word(&format!("status-{code}"), w)))
                .collect(),
        }
    }
}

/// Where catalogues come from: the templates folder (read at every generation).
pub fn dir_of(dir: &Option<PathBuf>) -> Option<&Path> {
    dir.as_deref().filter(|d| d.is_dir())
}

/// Where a `{{t}}` helper finds its words: a report's catalogue, or (on the web pages) the
/// catalogue of the page being rendered.
pub trait Labels: Send + Sync {
    /// The text of `key` with `args`; an error (why there is none) fails the render.
    fn label(&self, key: &str, args: &[(&str, FluentValue)]) -> Result<String, String>;
    /// The text of `key` when the catalogue has one (a vocabulary's word, see [`Word`]).
    fn word(&self, key: &str) -> Option<String>;
}

/// A report's labels: a key missing from the catalogue is a template error naming it.
impl Labels for std::sync::Arc<Catalogue> {
    fn label(&self, key: &str, args: &[(&str, FluentValue)]) -> Result<String, String> {
        self.get(key, args).ok_or_else(|| {
            format!(
                "the {} catalogue has no label `{key}` (add it to report_templates/i18n/{0}.ftl or the template's {0}.ftl)",
                self.lang
            )
        })
    }

    fn word(&self, key: &str) -> Option<String> {
        self.get(key, &[])
    }
}

/// A helper argument as Fluent takes it (numbers as numbers, so plurals select; null as "").
pub fn fluent_value(v: &serde_json::Value) -> FluentValue<'static> {
    match v {
        serde_json::Value::Number(n) => FluentValue::from(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => FluentValue::from(s.clone()),
        serde_json::Value::Null => FluentValue::from(""),
        other => FluentValue::from(other.to_string()),
    }
}

/// `{{t "key" name=value}}`: the text of `key` in the language of `L`, for the reports and the
/// web pages alike (also a subexpression: `{{t "heading" next=(t "quarter" q=4 year=2025)}}`).
pub struct T<L>(pub L);

impl<L: Labels> handlebars::HelperDef for T<L> {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        _: &'reg handlebars::Handlebars<'reg>,
        _: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
    ) -> Result<handlebars::ScopedJson<'rc>, handlebars::RenderError> {
        use handlebars::{RenderError, RenderErrorReason};
        let key =
            h.param(0).and_then(|p| p.value().as_str()).ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
        let args: Vec<(&str, FluentValue)> = h.hash().iter().map(|(k, v)| (*k, fluent_value(v.value()))).collect();
        let text = self.0.label(key, &args).map_err(|e| RenderError::from(RenderErrorReason::Other(e)))?;
        Ok(handlebars::ScopedJson::Derived(serde_json::Value::String(text)))
    }
}

/// `{{word "status" code}}`: the word `status-<code>` in the language of `L`, or the code
/// itself when there is none (a vocabulary value the catalogue does not know yet); `true` and
/// `false` are the codes `yes` and `no`, and an empty prefix looks the code up as it is. Also a
/// subexpression: `{{t "key" status=(word "activity" status)}}`.
pub struct Word<L>(pub L);

impl<L: Labels> handlebars::HelperDef for Word<L> {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &handlebars::Helper<'rc>,
        _: &'reg handlebars::Handlebars<'reg>,
        _: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
    ) -> Result<handlebars::ScopedJson<'rc>, handlebars::RenderError> {
        use handlebars::RenderErrorReason;
        use serde_json::Value;
        let prefix =
            h.param(0).and_then(|p| p.value().as_str()).ok_or(RenderErrorReason::ParamNotFoundForIndex("word", 0))?;
        let code = match h.param(1).map(|p| p.value()) {
            None | Some(Value::Null) => return Ok(handlebars::ScopedJson::Derived(Value::Null)),
            Some(Value::Bool(b)) => (if *b { "yes" } else { "no" }).to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let key = if prefix.is_empty() { code.clone() } else { format!("{prefix}-{code}") };
        Ok(handlebars::ScopedJson::Derived(Value::String(self.0.word(&key).unwrap_or(code))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_catalogue_gives_russian_formats_and_words() {
        let c = Catalogue::load(None, "iptt", "ru", &[]).unwrap();
        let l = c.locale();
        assert_eq!(l.decimal, ",");
        assert_eq!(l.group, "\u{a0}");
        assert_eq!(l.date_format, "%d.%m.%Y");
        assert_eq!(l.page(2, 7), "стр. 2 из 7");
        assert_eq!(l.status("on_track"), "По плану");
        let en = Catalogue::load(None, "iptt", "en", &[]).unwrap().locale();
        assert_eq!(en, Locale::default(), "the English catalogue says what the built-in default says");
    }

    #[test]
    fn unknown_language_lists_the_available_ones() {
        let e = Catalogue::load(None, "iptt", "xx", &[]).unwrap_err().to_string();
        assert!(e.contains("unknown language `xx`") && e.contains("en, ru"), "{e}");
    }

    #[test]
    fn a_translator_adds_a_language_as_files() {
        let dir = std::env::temp_dir().join(format!("rbm-i18n-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("i18n")).unwrap();
        std::fs::create_dir_all(dir.join("iptt")).unwrap();
        std::fs::write(dir.join("i18n/uz.ftl"), "page-x-of-y = {$page}/{$pages} bet\nreport-draft = QORALAMA\n")
            .unwrap();
        std::fs::write(dir.join("iptt/uz.ftl"), "iptt-title = Indikatorlar\n").unwrap();
        assert_eq!(languages(Some(&dir)), ["en", "ru", "uz"]);
        let c = Catalogue::load(Some(&dir), "iptt", "uz", &[]).unwrap();
        assert_eq!(c.get("iptt-title", &[]).as_deref(), Some("Indikatorlar"));
        assert_eq!(c.get("report-draft", &[]).as_deref(), Some("QORALAMA"));
        assert_eq!(c.locale().page(1, 3), "1/3 bet");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
