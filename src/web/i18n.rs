//! The pages' languages. Every word a converted page shows comes from a Fluent catalogue:
//! `report_templates/i18n/web/<lang>.ftl` (the pages' own words) on top of the reports' common
//! `report_templates/i18n/<lang>.ftl` (status words, number and date formats), read from the
//! templates folder (`RBM_TEMPLATES_DIR`, else `report_templates`) at every page, with English
//! and Russian compiled in for when the folder is absent. A translator adds Uzbek by adding
//! `i18n/web/uz.ftl` (and `i18n/uz.ftl` for the formats): it appears in the language switch
//! without recompiling. A key missing in a language falls back to English, then to the key.
//!
//! Templates write `{{t "key"}}` or `{{t "key" name=value}}`, `{{num x}}`, `{{money minor "USD"}}`,
//! `{{pct x}}`, `{{date "2026-03-31"}}`, `{{word "status" code}}`; the language is the page's
//! (set for the render by [`with_lang`]).

use crate::reports::document::Locale;
use crate::reports::i18n::{Labels, T, Word};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use handlebars::{Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, ScopedJson};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// The compiled-in catalogues: (path under `report_templates/`, text).
const EMBEDDED: &[(&str, &str)] = &[
    ("i18n/web/en.ftl", include_str!("../../report_templates/i18n/web/en.ftl")),
    ("i18n/web/ru.ftl", include_str!("../../report_templates/i18n/web/ru.ftl")),
    ("i18n/en.ftl", include_str!("../../report_templates/i18n/en.ftl")),
    ("i18n/ru.ftl", include_str!("../../report_templates/i18n/ru.ftl")),
];

/// The language of a page when nothing says otherwise.
pub const DEFAULT: &str = "en";

fn dir() -> Option<PathBuf> {
    let d = std::env::var_os("RBM_TEMPLATES_DIR").map(PathBuf::from).unwrap_or_else(|| "report_templates".into());
    d.is_dir().then_some(d)
}

fn read(rel: &str) -> Option<String> {
    if let Some(file) = dir().map(|d| d.join(rel)).filter(|f| f.is_file())
        && let Ok(s) = std::fs::read_to_string(&file)
    {
        return Some(s);
    }
    EMBEDDED.iter().find(|(p, _)| *p == rel).map(|(_, s)| s.to_string())
}

fn valid_tag(s: &str) -> bool {
    !s.is_empty() && s.len() <= 16 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The languages the pages can be shown in: those with a `i18n/web/<lang>.ftl`.
pub fn languages() -> Vec<String> {
    let mut langs: Vec<String> = EMBEDDED
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("i18n/web/")?.strip_suffix(".ftl"))
        .map(String::from)
        .collect();
    if let Some(Ok(entries)) = dir().map(|d| d.join("i18n/web")).map(std::fs::read_dir) {
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

/// Whether the pages have `lang`.
pub fn is_available(lang: &str) -> bool {
    valid_tag(lang) && languages().iter().any(|l| l == lang)
}

/// One language's words and formats.
pub struct Catalogue {
    pub lang: String,
    bundle: FluentBundle<FluentResource>,
    pub locale: Locale,
}

impl Catalogue {
    fn load(lang: &str, sources: &[String]) -> Catalogue {
        let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        bundle.set_use_isolating(false);
        for text in sources {
            // A broken line is skipped (Fluent parses the rest): a page never fails on a catalogue.
            let res = FluentResource::try_new(text.clone()).unwrap_or_else(|(res, errs)| {
                log::warn!("web catalogue {lang}: {} line(s) do not parse", errs.len());
                res
            });
            bundle.add_resource_overriding(res);
        }
        let mut c = Catalogue { lang: lang.to_string(), bundle, locale: Locale::default() };
        let en = Locale::default();
        let word = |k: &str, d: &str| c.own(k, &[]).unwrap_or_else(|| d.to_string());
        let locale = Locale {
            lang: lang.to_string(),
            decimal: word("number-decimal-separator", &en.decimal),
            group: word("number-group-separator", &en.group),
            date_format: word("date-format", &en.date_format),
            excel_date_format: en.excel_date_format.clone(),
            page_label: en.page_label.clone(),
            continued: en.continued.clone(),
            statuses: en.statuses.iter().map(|(code, w)| (code.clone(), word(&format!("status-{code}"), w))).collect(),
        };
        c.locale = locale;
        c
    }

    /// This language's own text for `key`.
    fn own(&self, key: &str, args: &[(&str, FluentValue)]) -> Option<String> {
        let pattern = self.bundle.get_message(key)?.value()?;
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let mut errors = vec![];
        Some(self.bundle.format_pattern(pattern, Some(&fargs), &mut errors).into_owned())
    }

    /// The text of `key`: this language's, else English, else the key itself (never an error).
    pub fn t(&self, key: &str, args: &[(&str, FluentValue)]) -> String {
        if let Some(s) = self.own(key, args) {
            return s;
        }
        if self.lang != DEFAULT
            && let Some(s) = catalogue(DEFAULT).own(key, args)
        {
            return s;
        }
        key.to_string()
    }

    /// A day as the pages write a timestamp's date (`page-date-format`: `2026-03-31` in
    /// English, `31.03.2026` in Russian).
    pub fn day(&self, d: chrono::NaiveDate) -> String {
        let f = self.tr("page-date-format");
        let f = if f == "page-date-format" || f.is_empty() { "%Y-%m-%d".to_string() } else { f };
        let mut out = String::new();
        // A broken format from a translator writes the ISO date rather than failing.
        if std::fmt::write(&mut out, format_args!("{}", d.format(&f))).is_err() {
            return d.format("%Y-%m-%d").to_string();
        }
        out
    }

    /// Whether this language's own catalogue has `key` (not by falling back to English).
    pub fn has(&self, key: &str) -> bool {
        self.bundle.has_message(key)
    }

    /// `t` without arguments.
    pub fn tr(&self, key: &str) -> String {
        self.t(key, &[])
    }
}

type Cache = Mutex<HashMap<String, (Vec<String>, Arc<Catalogue>)>>;

/// The catalogue of `lang` (English when it is not available). Files are read at every call;
/// the parsed catalogue is kept while they stay the same.
pub fn catalogue(lang: &str) -> Arc<Catalogue> {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let lang = if is_available(lang) { lang } else { DEFAULT };
    let sources: Vec<String> =
        [format!("i18n/{lang}.ftl"), format!("i18n/web/{lang}.ftl")].iter().filter_map(|rel| read(rel)).collect();
    let cache = CACHE.get_or_init(Mutex::default);
    if let Some((s, c)) = cache.lock().expect("catalogue cache").get(lang)
        && *s == sources
    {
        return c.clone();
    }
    let c = Arc::new(Catalogue::load(lang, &sources));
    cache.lock().expect("catalogue cache").insert(lang.to_string(), (sources, c.clone()));
    c
}

/// Each language's own name, for the switch: (tag, name).
pub fn choices() -> Vec<(String, String)> {
    languages().into_iter().map(|l| (l.clone(), catalogue(&l).tr("language-name"))).collect()
}

/// The first available language of an `Accept-Language` header (by its q-values).
pub fn from_accept_language(header: &str) -> Option<String> {
    let mut wanted: Vec<(f32, String)> = header
        .split(',')
        .filter_map(|part| {
            let mut it = part.trim().split(';');
            let tag = it.next()?.trim().to_ascii_lowercase();
            let q = it.find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok()).unwrap_or(1.0);
            (!tag.is_empty() && q > 0.0).then_some((q, tag))
        })
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    wanted.into_iter().find_map(|(_, tag)| {
        let primary = tag.split('-').next().unwrap_or_default().to_string();
        [tag, primary].into_iter().find(|t| is_available(t))
    })
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Catalogue>>> = const { RefCell::new(None) };
}

/// Runs `f` (a synchronous render) with `lang` as the helpers' language.
pub fn with_lang<T>(lang: &str, f: impl FnOnce() -> T) -> T {
    let previous = CURRENT.with(|c| c.replace(Some(catalogue(lang))));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = previous);
    out
}

fn current() -> Arc<Catalogue> {
    CURRENT.with(|c| c.borrow().clone()).unwrap_or_else(|| catalogue(DEFAULT))
}

/// The pages' labels: the catalogue of the page being rendered ([`with_lang`]); a missing key
/// falls back to English, then to the key (a page never fails on a word).
struct Page;

impl Labels for Page {
    fn label(&self, key: &str, args: &[(&str, FluentValue)]) -> Result<String, String> {
        Ok(current().t(key, args))
    }

    fn word(&self, key: &str) -> Option<String> {
        let w = current().t(key, &[]);
        (w != key).then_some(w)
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Number,
    Money,
    Percent,
    Date,
}

/// `{{num x}}` (up to two decimals), `{{money minor "USD"}}` (whole units), `{{pct x}}`,
/// `{{date "2026-03-31"}}`: as the page's language writes them. Null writes "–".
struct Formatted(Kind);

impl HelperDef for Formatted {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let c = current();
        let v = h.param(0).map(|p| p.value().clone()).unwrap_or_default();
        let text = match self.0 {
            Kind::Number => v.as_f64().map(|x| number(&c.locale, x)),
            Kind::Money => {
                let cur = h.param(1).and_then(|p| p.value().as_str()).unwrap_or("USD").to_string();
                v.as_i64().map(|m| money(&c.locale, m, &cur))
            }
            Kind::Percent => v.as_f64().map(|p| format!("{}\u{a0}%", number(&c.locale, (p * 10.0).round() / 10.0))),
            Kind::Date => {
                v.as_str().map(|s| match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                    Ok(d) => c.locale.date(d),
                    Err(_) => s.to_string(),
                })
            }
        };
        Ok(ScopedJson::Derived(serde_json::Value::String(text.unwrap_or_else(|| "–".into()))))
    }
}

/// A number as people read it in a language: whole numbers without decimals, others with up
/// to two (`1,234.5`; Russian `1 234,5`).
pub fn number(l: &Locale, v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = l.number(v, 2);
    match s.rsplit_once(l.decimal.as_str()) {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() { int.to_string() } else { format!("{int}{}{frac}", l.decimal) }
        }
        None => s,
    }
}

/// Money in minor units as whole units: `USD 1,234` (Russian `USD 1 234`).
pub fn money(l: &Locale, minor: i64, currency: &str) -> String {
    let exp = u32::from(crate::domain::money::minor_unit_exponent(currency).unwrap_or(2));
    let unit = 10_i128.pow(exp);
    let m = i128::from(minor);
    // Half away from zero, exactly.
    let whole = (m.abs() + unit / 2) / unit;
    let sign = if m < 0 && whole != 0 { "-" } else { "" };
    format!("{currency} {sign}{}", l.number(whole as f64, 0))
}

/// Registers the helpers on the pages' handlebars.
pub fn register(h: &mut Handlebars) {
    h.register_helper("t", Box::new(T(Page)));
    h.register_helper("word", Box::new(Word(Page)));
    h.register_helper("num", Box::new(Formatted(Kind::Number)));
    h.register_helper("money", Box::new(Formatted(Kind::Money)));
    h.register_helper("pct", Box::new(Formatted(Kind::Percent)));
    h.register_helper("date", Box::new(Formatted(Kind::Date)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_pages_write_russian_numbers_and_fall_back_to_english() {
        let ru = catalogue("ru");
        assert_eq!(number(&ru.locale, 1234.5), "1\u{a0}234,5");
        assert_eq!(number(&ru.locale, 12.0), "12");
        assert_eq!(money(&ru.locale, 123_456_789, "USD"), "USD 1\u{a0}234\u{a0}568");
        assert_eq!(ru.tr("sign-in"), "Войти");
        assert_eq!(ru.tr("no-such-key-anywhere"), "no-such-key-anywhere");
        let en = catalogue("en");
        assert_eq!(number(&en.locale, 1234.5), "1,234.5");
        assert_eq!(catalogue("xx").lang, "en");
        let d = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        assert_eq!(ru.day(d), "31.03.2026");
        assert_eq!(en.day(d), "2026-03-31");
    }

    /// A key only in English would show English on a Russian page.
    #[test]
    fn every_web_key_has_its_russian_text() {
        let keys = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
                .collect()
        };
        let ru = keys(EMBEDDED[1].1);
        let missing: Vec<String> = keys(EMBEDDED[0].1).into_iter().filter(|k| !ru.contains(k)).collect();
        assert!(missing.is_empty(), "keys without Russian: {missing:?}");
    }

    #[test]
    fn accept_language_picks_the_first_available() {
        assert_eq!(from_accept_language("ru-RU,ru;q=0.9,en;q=0.8").as_deref(), Some("ru"));
        assert_eq!(from_accept_language("de-DE, en;q=0.5").as_deref(), Some("en"));
        assert_eq!(from_accept_language("en;q=0.2, ru;q=0.9").as_deref(), Some("ru"));
        assert_eq!(from_accept_language("de").as_deref(), None);
    }
}
