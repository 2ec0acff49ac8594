//! IATI 2.03 publishing: a project as one `iati-activity` of an `iati-activities` document.
//!
//! - [`data`] reads what the activity says (approved work plans and approved actuals only);
//! - [`render`] writes it in the element order of the official schema
//!   (`tests/fixtures/iati-2.03/iati-activities-schema.xsd`) with the IATI codelists' codes
//!   ([`codelists`]), through a small escaping [`writer`];
//! - the project's settings (`iati_reporting_org_ref`, `iati_activity_prefix`, `country_code`,
//!   `iati_implementing_org_ref`) say who reports it and how it is identified; a missing one
//!   is a 422 naming it.
//!
//! The reporting organisation is UNDP, the project's accountable organisation: its identifier
//! is the project's `iati_reporting_org_ref` (`XM-DAC-41114`). The activity identifier is
//! `iati_activity_prefix`, `-`, and the award id (the project code when it has none).

pub mod codelists;
pub mod data;
pub mod writer;

use crate::db::{Db, DbConnection};
use crate::domain::indicators::Direction;
use crate::domain::money::minor_unit_exponent;
use crate::domain::{FieldError, FundingKind, ProjectStatus};
use crate::error::AppError;
use crate::store::projects::{self, Project};
use chrono::{NaiveDate, NaiveDateTime};
use codelists as code;
use data::{ActivityData, IndicatorData, Measured};
use writer::{XmlWriter, clean};

/// The language of the project's texts (titles, descriptions, indicators).
pub const LANG: &str = "en";
/// The reporting and accountable organisation.
pub const UNDP_NAME: &str = "United Nations Development Programme";

/// Checks an IATI organisation identifier, or an identifier built on one: parts of letters,
/// digits, `.` and `_` joined by single `-` (`XM-DAC-41114`, `XM-DAC-41114-PROJECT`); no
/// spaces and none of `/ & | ?` (the IATI rules); at most 100 characters.
pub fn check_identifier(s: &str) -> Result<(), &'static str> {
    let parts: Vec<&str> = s.split('-').collect();
    let ok = s.len() <= 100
        && parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_')));
    if ok {
        Ok(())
    } else {
        Err("an IATI identifier: letters, digits, '.' and '_' in parts joined by '-', e.g. XM-DAC-41114 \
             (no spaces, no final '-'; at most 100 characters)")
    }
}

/// Whether an activity identifier prefix starts with the reporting organisation's identifier
/// (as a whole part: `XM-DAC-41114-PROJECT` fits `XM-DAC-41114`, `XM-DAC-411140` does not).
pub fn prefix_fits(org_ref: &str, prefix: &str) -> bool {
    prefix == org_ref || prefix.strip_prefix(org_ref).is_some_and(|rest| rest.starts_with('-'))
}

/// The project's IATI settings, all present.
#[derive(Debug, Clone)]
pub struct Settings {
    pub reporting_org_ref: String,
    pub identifier: String,
    pub country_code: String,
}

/// The settings the export needs; a 422 naming every missing or unusable one.
pub fn settings(project: &Project) -> Result<Settings, AppError> {
    let mut errs = vec![];
    let how = format!("set it with PUT /api/v1/projects/{}", project.code);
    let org = project.iati_reporting_org_ref.as_deref();
    if org.is_none() {
        errs.push(FieldError::new(
            "iati_reporting_org_ref",
            format!("missing: the IATI identifier of the reporting organisation (UNDP: XM-DAC-41114); {how}"),
        ));
    }
    let prefix = project.iati_activity_prefix.as_deref();
    match (org, prefix) {
        (_, None) => errs.push(FieldError::new(
            "iati_activity_prefix",
            format!("missing: the prefix of the activity identifier, e.g. XM-DAC-41114-PROJECT; {how}"),
        )),
        (Some(o), Some(p)) if !prefix_fits(o, p) => errs.push(FieldError::new(
            "iati_activity_prefix",
            format!("{p} does not start with the reporting organisation's identifier {o}"),
        )),
        _ => {}
    }
    if project.country_code.is_none() {
        errs.push(FieldError::new(
            "country_code",
            format!("missing: the ISO 3166-1 alpha-2 code of {} (the recipient country); {how}", project.country),
        ));
    }
    let suffix = project.award_id.as_deref().map(str::trim).filter(|a| !a.is_empty()).unwrap_or(&project.code);
    if check_identifier(&format!("X-{suffix}")).is_err() {
        errs.push(FieldError::new(
            "award_id",
            format!("`{suffix}` cannot end an IATI activity identifier: letters, digits, '.', '_' and '-' only"),
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    Ok(Settings {
        reporting_org_ref: org.expect("checked").to_string(),
        identifier: format!("{}-{suffix}", prefix.expect("checked")),
        country_code: project.country_code.clone().expect("checked"),
    })
}

/// An IATI activity document, ready to serve.
#[derive(Debug, Clone)]
pub struct Export {
    pub identifier: String,
    pub xml: String,
}

/// Reads the project's data and writes its IATI document (`now`: the generation time, and the
/// day past which no actual date is claimed). No access policy: see `services::iati`.
pub fn export(conn: &mut DbConnection, project: &Project, now: NaiveDateTime) -> Result<Export, AppError> {
    let settings = settings(project)?;
    let data = data::gather(conn, project)?;
    let xml = render(&settings, &data, now);
    Ok(Export { identifier: settings.identifier, xml })
}

/// `rbm export iati --project KAZ-HUB [-o FILE]`: the document to a file, or to standard output.
pub fn export_command(
    db: &Db,
    project: &str,
    output: Option<&std::path::Path>,
) -> Result<(), Box<dyn std::error::Error>> {
    let now = crate::store::now();
    let doc = db.tx_blocking(|c| {
        let p = projects::find(c, project)?;
        export(c, &p, now)
    })?;
    match output {
        Some(path) => {
            std::fs::write(path, &doc.xml).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            println!("IATI activity {} written to {} ({} bytes)", doc.identifier, path.display(), doc.xml.len());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(doc.xml.as_bytes())?;
        }
    }
    Ok(())
}

/// Minor units as an `xsd:decimal` in the currency's own decimals: `29333300` USD is `293333.00`.
pub fn decimal(minor: i64, currency: &str) -> String {
    let exp = u32::from(minor_unit_exponent(currency).unwrap_or(2));
    let unit = 10u64.pow(exp);
    let (sign, abs) = (if minor < 0 { "-" } else { "" }, minor.unsigned_abs());
    if exp == 0 {
        format!("{sign}{abs}")
    } else {
        format!("{sign}{}.{:0width$}", abs / unit, abs % unit, width = exp as usize)
    }
}

/// An indicator value as written: integers without a fraction, others to 4 decimals at most
/// (a rate of 2/3 is `66.6667`).
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn datetime(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A narrative in the project's language (empty text falls back to `fallback`).
fn narrative(w: &mut XmlWriter, text: &str, fallback: &str) {
    let t = clean(text);
    let t = if t.is_empty() { clean(fallback) } else { t };
    w.text("narrative", &[("xml:lang", LANG)], &t);
}

/// An element holding one narrative.
fn texted(w: &mut XmlWriter, name: &'static str, attrs: &[(&str, &str)], text: &str, fallback: &str) {
    w.start(name, attrs);
    narrative(w, text, fallback);
    w.end();
}

fn org(w: &mut XmlWriter, name: &'static str, attrs: &[(&str, &str)], label: &str) {
    let attrs: Vec<(&str, &str)> = attrs.iter().filter(|(_, v)| !v.is_empty()).copied().collect();
    texted(w, name, &attrs, label, "not named");
}

/// Writes the document: one `iati-activity`, its elements in the schema's order.
pub fn render(s: &Settings, d: &ActivityData, now: NaiveDateTime) -> String {
    let p = &d.project;
    let today = now.date();
    let indicators: usize = d.results.iter().map(|r| r.indicators.len()).sum();
    let mut w = XmlWriter::with_capacity(4_096 + indicators * 8_192);
    let generated = datetime(now);
    w.start("iati-activities", &[("version", "2.03"), ("generated-datetime", &generated)]);
    // The last change, never after the generation time (the rules want it in the past).
    let updated = datetime(d.last_updated.min(now));
    w.start(
        "iati-activity",
        &[
            ("last-updated-datetime", &updated),
            ("xml:lang", LANG),
            ("default-currency", &p.currency),
            ("hierarchy", "1"),
        ],
    );
    w.text("iati-identifier", &[], &s.identifier);
    org(&mut w, "reporting-org", &[("ref", &s.reporting_org_ref), ("type", code::ORG_MULTILATERAL)], UNDP_NAME);
    texted(&mut w, "title", &[], &p.title, &p.code);
    texted(
        &mut w,
        "description",
        &[("type", code::DESCRIPTION_GENERAL)],
        p.description.as_deref().unwrap_or(""),
        &p.title,
    );

    // Participating organisations: each funder, UNDP accountable, the implementing partner.
    for f in &d.funders {
        let r = if f.kind == FundingKind::UndpCore { s.reporting_org_ref.as_str() } else { "" };
        let t = code::funder_type(f.kind).unwrap_or("");
        org(&mut w, "participating-org", &[("ref", r), ("type", t), ("role", code::ROLE_FUNDING)], &f.name);
    }
    org(
        &mut w,
        "participating-org",
        &[("ref", &s.reporting_org_ref), ("type", code::ORG_MULTILATERAL), ("role", code::ROLE_ACCOUNTABLE)],
        UNDP_NAME,
    );
    let ip_ref = p.iati_implementing_org_ref.as_deref().unwrap_or("");
    org(&mut w, "participating-org", &[("ref", ip_ref), ("role", code::ROLE_IMPLEMENTING)], &p.implementing_partner);

    if let Some(award) = p.award_id.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        w.start("other-identifier", &[("ref", award), ("type", code::OTHER_ID_INTERNAL)]);
        org(&mut w, "owner-org", &[("ref", &s.reporting_org_ref)], UNDP_NAME);
        w.end();
    }

    let status = p.status;
    w.empty("activity-status", &[("code", code::activity_status(status))]);
    let (start, end) = (p.start_date.to_string(), p.end_date.to_string());
    w.empty("activity-date", &[("type", code::DATE_PLANNED_START), ("iso-date", &start)]);
    // Actual dates only once they are past (an actual date in the future is refused by the rules).
    if status != ProjectStatus::Pipeline && p.start_date <= today {
        w.empty("activity-date", &[("type", code::DATE_ACTUAL_START), ("iso-date", &start)]);
    }
    w.empty("activity-date", &[("type", code::DATE_PLANNED_END), ("iso-date", &end)]);
    let closed = matches!(status, ProjectStatus::OperationallyClosed | ProjectStatus::FinanciallyClosed);
    if closed && p.end_date <= today {
        w.empty("activity-date", &[("type", code::DATE_ACTUAL_END), ("iso-date", &end)]);
    }
    org(&mut w, "recipient-country", &[("code", &s.country_code), ("percentage", "100")], &p.country);

    for b in &d.budgets {
        let kind = if b.revised { code::BUDGET_REVISED } else { code::BUDGET_ORIGINAL };
        w.start("budget", &[("type", kind), ("status", code::BUDGET_COMMITTED)]);
        let (bs, be) = (b.start.to_string(), b.end.to_string());
        w.empty("period-start", &[("iso-date", &bs)]);
        w.empty("period-end", &[("iso-date", &be)]);
        w.text("value", &[("currency", &b.currency), ("value-date", &bs)], &decimal(b.amount_minor, &b.currency));
        w.end();
    }

    transactions(&mut w, s, d, today);

    for r in &d.results {
        let level = r.node.level;
        w.start("result", &[("type", code::result_type(level))]);
        texted(&mut w, "title", &[], &format!("{} {}", r.node.code, r.node.title), &r.node.code);
        if let Some(desc) = r.node.description.as_deref().filter(|t| !clean(t).is_empty()) {
            texted(&mut w, "description", &[], desc, "");
        }
        for ind in &r.indicators {
            indicator(&mut w, p, ind);
        }
        w.end();
    }
    w.end();
    w.end();
    w.finish()
}

/// Incoming funds (each receipt, as received) and expenditure (each quarter's, in the ledger
/// currency), by date.
fn transactions(w: &mut XmlWriter, s: &Settings, d: &ActivityData, today: NaiveDate) {
    enum T<'a> {
        In(&'a crate::store::expenditures::Receipt),
        Out(&'a data::QuarterSpend),
    }
    let mut all: Vec<(NaiveDate, T)> = d.receipts.iter().map(|r| (r.received_on, T::In(r))).collect();
    // A quarter's expenditure is dated at its end, or today while the quarter runs.
    all.extend(d.spending.iter().map(|q| (q.quarter.end().min(today), T::Out(q))));
    all.sort_by_key(|(date, t)| (*date, matches!(t, T::Out(_))));
    for (date, t) in all {
        let date = date.to_string();
        match t {
            T::In(r) => {
                let funder = d.funders.iter().find(|f| f.source_id == r.funding_source_id);
                let name = funder.map_or("", |f| f.name.as_str());
                w.start("transaction", &[("ref", &clean(&r.reference))]);
                w.empty("transaction-type", &[("code", code::TRANSACTION_INCOMING_FUNDS)]);
                w.empty("transaction-date", &[("iso-date", &date)]);
                w.text(
                    "value",
                    &[("currency", &r.currency), ("value-date", &date)],
                    &decimal(r.amount_minor, &r.currency),
                );
                texted(
                    w,
                    "description",
                    &[],
                    &format!("Funds received from {name}: {}", r.reference),
                    "Funds received",
                );
                let (r_ref, r_type) = match funder {
                    Some(f) if f.kind == FundingKind::UndpCore => {
                        (s.reporting_org_ref.as_str(), code::ORG_MULTILATERAL)
                    }
                    Some(f) => ("", code::funder_type(f.kind).unwrap_or("")),
                    None => ("", ""),
                };
                org(w, "provider-org", &[("ref", r_ref), ("type", r_type)], name);
                org(w, "receiver-org", &[("ref", &s.reporting_org_ref), ("type", code::ORG_MULTILATERAL)], UNDP_NAME);
                w.end();
            }
            T::Out(q) => {
                w.start("transaction", &[]);
                w.empty("transaction-type", &[("code", code::TRANSACTION_EXPENDITURE)]);
                w.empty("transaction-date", &[("iso-date", &date)]);
                w.text(
                    "value",
                    &[("currency", &q.currency), ("value-date", &date)],
                    &decimal(q.amount_minor, &q.currency),
                );
                let what = format!(
                    "Expenditure of {} ({} payment{} on the approved work plan's budget lines)",
                    q.quarter,
                    q.payments,
                    if q.payments == 1 { "" } else { "s" }
                );
                texted(w, "description", &[], &what, "Expenditure");
                org(w, "provider-org", &[("ref", &s.reporting_org_ref), ("type", code::ORG_MULTILATERAL)], UNDP_NAME);
                w.end();
            }
        }
    }
}

fn indicator(w: &mut XmlWriter, p: &Project, d: &IndicatorData) {
    let ind = &d.indicator;
    let measure = code::indicator_measure(d.measure);
    let ascending = if ind.direction == Direction::Decrease { "false" } else { "true" };
    w.start("indicator", &[("measure", measure), ("ascending", ascending)]);
    texted(w, "title", &[], &format!("{} {}", ind.code, ind.title), &ind.code);
    let mut about = vec![];
    if !clean(&ind.unit).is_empty() {
        about.push(format!("Unit: {}.", clean(&ind.unit)));
    }
    if let Some(m) = ind.means_of_verification.as_deref().map(clean).filter(|m| !m.is_empty()) {
        about.push(format!("Means of verification: {m}"));
    }
    if !about.is_empty() {
        texted(w, "description", &[], &about.join(" "), "");
    }
    // The baseline: its value (none for qualitative indicators) and note; the project's first
    // year when the year was not recorded.
    let note = ind.baseline_note.as_deref().map(clean).filter(|n| !n.is_empty());
    let value = ind.baseline_value.filter(|_| d.measure != crate::domain::indicators::Measure::Qualitative);
    if value.is_some() || note.is_some() {
        let year =
            ind.baseline_year.filter(|y| *y > 0).unwrap_or_else(|| chrono::Datelike::year(&p.start_date)).to_string();
        let v = value.map(number);
        let mut attrs = vec![("year", year.as_str())];
        if let Some(v) = &v {
            attrs.push(("value", v.as_str()));
        }
        match &note {
            Some(n) => {
                w.start("baseline", &attrs);
                texted(w, "comment", &[], n, "");
                w.end();
            }
            None => w.empty("baseline", &attrs),
        }
    }
    for period in &d.periods {
        w.start("period", &[]);
        let (ps, pe) = (period.start.to_string(), period.end.to_string());
        w.empty("period-start", &[("iso-date", &ps)]);
        w.empty("period-end", &[("iso-date", &pe)]);
        if let Some(t) = &period.target {
            measured(w, "target", t);
        }
        if let Some(a) = &period.actual {
            measured(w, "actual", a);
        }
        w.end();
    }
    w.end();
}

/// A target or an actual, then one more per disaggregated value (its dimension named).
fn measured(w: &mut XmlWriter, name: &'static str, m: &Measured) {
    let v = m.value.map(number);
    let attrs: Vec<(&str, &str)> = v.as_deref().map(|v| ("value", v)).into_iter().collect();
    match &m.comment {
        Some(c) => {
            w.start(name, &attrs);
            texted(w, "comment", &[], c, "");
            w.end();
        }
        None => w.empty(name, &attrs),
    }
    for (dim, cat, value) in &m.dimensions {
        let value = number(*value);
        w.start(name, &[("value", &value)]);
        w.empty("dimension", &[("name", dim), ("value", cat)]);
        w.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_the_iati_rules() {
        assert!(check_identifier("XM-DAC-41114").is_ok());
        assert!(check_identifier("XM-DAC-41114-PROJECT").is_ok());
        assert!(check_identifier("XI-IATI-EC_INTPA").is_ok());
        for bad in ["XM", "XM-", "-XM", "XM--DAC", "XM DAC-1", "XM-DAC/1", "XM-A&B", "XM-?", "ХМ-DAC", ""] {
            assert!(check_identifier(bad).is_err(), "{bad}");
        }
        assert!(check_identifier(&format!("XM-{}", "A".repeat(98))).is_err());
        assert!(prefix_fits("XM-DAC-41114", "XM-DAC-41114-PROJECT"));
        assert!(prefix_fits("XM-DAC-41114", "XM-DAC-41114"));
        assert!(!prefix_fits("XM-DAC-41114", "XM-DAC-411140-PROJECT"));
        assert!(!prefix_fits("XM-DAC-41114", "GB-COH-1"));
    }

    #[test]
    fn amounts_and_values_are_plain_decimals() {
        assert_eq!(decimal(29_333_300, "USD"), "293333.00");
        assert_eq!(decimal(5, "USD"), "0.05");
        assert_eq!(decimal(-150, "EUR"), "-1.50");
        assert_eq!(decimal(2_200_000_000, "KZT"), "22000000.00");
        assert_eq!(decimal(1_000, "JPY"), "1000");
        assert_eq!(decimal(1_234, "KWD"), "1.234");
        assert_eq!(number(280.0), "280");
        assert_eq!(number(200.0 / 3.0), "66.6667");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(number(-0.25), "-0.25");
    }
}
