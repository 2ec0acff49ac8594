//! The use cases' rule messages in the page's language: one mapping for every form page.
//!
//! The store and the domain word their rules in English, as the API's problem details give
//! them (`must not be empty`, `at most 200 characters`, `2027 is outside the project (2013-01-01
//! to 2016-12-31)`). A page in another language shows each through the web catalogue's
//! `rule-*` keys: a fixed text by its words, one naming a value by its shape (`{n}` holes,
//! passed on as Fluent arguments). English pages show the API's text as it is, and so does any
//! language for a rule not known here (a new rule shows, in English, rather than nothing).

use super::format;
use super::i18n::{self, Catalogue};
use crate::domain::access::Role;
use fluent_bundle::FluentValue;

/// Every rule a form can meet: the API's words (holes `{name}` stand for a value) and the
/// catalogue key of its text. The first shape that fits wins, so a longer shape comes before a
/// shorter one it starts with.
pub const RULES: &[(&str, &str)] = &[
    // The `validator` attributes and the store's checks of a field's text (src/store/).
    ("must not be empty", "rule-not-empty"),
    ("must be an email address", "rule-email"),
    ("at most {n} characters", "rule-at-most"),
    ("between {min} and {max} characters", "rule-length-between"),
    ("3-10 digits, e.g. 71200", "rule-account-code"),
    ("1-32 characters: capital letters, digits, - and _", "rule-catalogue-code"),
    ("1-32 characters: letters, digits, '.', '-' and '_'", "rule-local-code"),
    ("an EU budget heading from 1 to 7 (7: indirect costs)", "rule-heading"),
    ("must be a web address starting with https:// or http://", "rule-web-url"),
    ("unknown currency: use an ISO 4217 code such as USD, EUR, KZT or UZS", "rule-currency"),
    ("from 1 to 5", "rule-one-to-five"),
    ("between 0 and 100", "rule-percent"),
    ("a year between 1900 and 2200", "rule-year"),
    ("must not be negative", "rule-not-negative"),
    ("must be a positive number of minor units", "rule-positive-amount"),
    ("must differ from base_currency", "rule-other-currency"),
    // Indicators, targets and actuals (src/domain/indicators.rs, progress.rs).
    ("a decreasing indicator is a level (e.g. waiting time): use `latest`, sums only grow", "rule-decreasing-latest"),
    ("a {measure} indicator cannot be summed over periods: use `latest`", "rule-measure-not-summed"),
    ("a dimension needs at least two values", "rule-dimension-two-values"),
    ("values must be non-empty and distinct", "rule-dimension-values"),
    ("dimension `{name}` is listed twice", "rule-dimension-twice"),
    ("a qualitative indicator's target needs a description", "rule-qualitative-target-description"),
    ("a qualitative indicator's target is a description, not a number", "rule-qualitative-target-number"),
    ("a {measure} indicator's target needs a value", "rule-target-needs-value"),
    ("a percentage needs a numerator and a denominator", "rule-percentage-parts"),
    ("a percentage is entered as numerator and denominator", "rule-percentage-entered"),
    ("must be greater than 0", "rule-greater-than-zero"),
    ("must be between 0 and the denominator", "rule-numerator"),
    ("must be a number of at least 0", "rule-at-least-zero"),
    ("a qualitative indicator takes text only", "rule-qualitative-text-only"),
    ("a qualitative indicator needs a text", "rule-qualitative-needs-text"),
    ("a {measure} indicator takes a value, not a numerator/denominator or text", "rule-measure-takes-value"),
    ("a {measure} indicator needs a value", "rule-measure-needs-value"),
    ("a {measure} indicator is not disaggregated", "rule-not-disaggregated"),
    ("unknown dimension `{dim}`; this indicator has {known}", "rule-unknown-dimension"),
    ("`{value}` is not a value of {dim}: {values}", "rule-not-a-value"),
    ("{parts} add up to {sum}, but the value is {value}", "rule-parts-sum"),
    ("the quarter of an actual cannot change: delete it and enter it anew", "rule-quarter-fixed"),
    ("choose at least one actual", "rule-choose-actual"),
    ("no submitted actuals in {quarter} to decide on", "rule-nothing-to-decide"),
    // Periods and dates (src/domain/period.rs, the stores' project dates).
    ("`{text}` is not a quarter: expected e.g. 2025-Q3", "rule-not-a-quarter"),
    ("`{text}` is not a period: expected a quarter like 2025-Q3, a year like 2025, or LOP", "rule-not-a-period"),
    ("year {year} is out of range 1900-2200", "rule-year-range"),
    ("{what} is outside the project dates {start} to {end}", "rule-outside-project-dates"),
    ("{what} is outside the project ({start} to {end})", "rule-outside-project"),
    // Activity progress (src/domain/monitoring.rs, src/store/monitoring.rs).
    ("{percent} % does not agree with status {status}: completed is 100 %, not started 0 %", "rule-percent-status"),
    ("progress is kept for activities; this result is an {level}", "rule-progress-activities"),
    // The results framework (src/domain/results.rs, src/store/results.rs).
    (
        "a result of level {child} cannot sit under a result of level {parent}: its level must be below its parent's",
        "rule-level-below-parent",
    ),
    ("a child of level {child} would no longer be below this result's level {level}", "rule-child-level"),
    ("result {code} is an {level}: a work plan schedules results of level activity", "rule-schedule-activity"),
    ("result {id} is not a result of this project", "rule-result-elsewhere"),
    // Work plans, budget lines, expenditures, receipts, rates (src/store/workplans.rs, ...).
    ("a work plan without budget lines cannot be approved", "rule-plan-without-lines"),
    ("the work plan is in {currency}: budget lines are planned in the project's currency", "rule-plan-currency"),
    ("{source} has no contribution to this project: record the contribution first", "rule-no-contribution-first"),
    ("{source} has no contribution to this project", "rule-no-contribution"),
    ("funding source {id} does not exist", "rule-no-source"),
    ("budget line {id} is not a line of this project", "rule-line-elsewhere"),
    ("activity {id} is not an activity of this work plan", "rule-activity-elsewhere"),
    ("Q1-Q4 add up to {sum} but the amount is {amount}: the quarters must add up to the amount", "rule-phasing-sum"),
    (
        "the {year} work plan (revision {revision}) is a draft: expenditure is recorded against a line of an approved work plan",
        "rule-plan-draft",
    ),
    (
        "the {year} work plan (revision {revision}) is superseded: record it against line {line} of revision {current}",
        "rule-plan-superseded-line",
    ),
    ("the {year} work plan (revision {revision}) is superseded", "rule-plan-superseded"),
    ("{date} is not in {year}, the year of the line's work plan", "rule-not-in-plan-year"),
    ("too large: converted into {currency} it would be more than 10^15 minor units", "rule-too-large"),
    (
        "no exchange rate {pair} for {month}: record the month's UN operational rate first (POST /api/v1/exchange-rates)",
        "rule-no-rate",
    ),
    (
        "unknown account {code}: not in the budget-account catalogue (GET /api/v1/budget-accounts)",
        "rule-unknown-account",
    ),
    // Administration (src/store/users.rs, accounts.rs, funding.rs, src/domain/eu.rs).
    ("a user with email {email} already exists", "rule-email-taken"),
    ("the user is already {role} on this project: remove that membership first", "rule-has-role"),
    ("you are the last active administrator and cannot be {change}: {why}", "rule-last-admin-you"),
    ("{who} is the last active administrator and cannot be {change}: {why}", "rule-last-admin"),
    ("account {code} is already in the catalogue", "rule-account-taken"),
    ("a funding source with code {code} already exists", "rule-source-taken"),
    ("funding source {code} funds {n} project(s): delete those contributions first", "rule-source-used"),
    ("`{line}` is not a line of EU heading {heading}: use one of {lines}", "rule-line-of-heading"),
    ("`{line}`: accounts of heading 7 (indirect costs) map to line 8", "rule-line-indirect"),
];

/// A piece of a rule's shape: its words, or a hole for a value.
enum Piece<'a> {
    Words(&'a str),
    Hole(&'a str),
}

fn pieces(shape: &str) -> Vec<Piece<'_>> {
    let mut out = vec![];
    let mut rest = shape;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            out.push(Piece::Words(&rest[..open]));
        }
        out.push(Piece::Hole(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Words(rest));
    }
    out
}

/// The values of the holes when `message` has the shape of `pieces` (each hole at least one
/// character; a hole takes the shortest text after which the rest still fits).
fn fit<'m>(pieces: &[Piece], message: &'m str, values: &mut Vec<(String, &'m str)>) -> bool {
    match pieces {
        [] => message.is_empty(),
        [Piece::Words(w), rest @ ..] => message.strip_prefix(*w).is_some_and(|m| fit(rest, m, values)),
        [Piece::Hole(name), rest @ ..] => {
            let ends: Vec<usize> = match rest.first() {
                None => vec![message.len()],
                Some(Piece::Words(w)) => message.match_indices(*w).map(|(i, _)| i).collect(),
                // Two holes side by side: no shape has them.
                Some(Piece::Hole(_)) => vec![],
            };
            for end in ends.into_iter().filter(|e| *e > 0) {
                values.push((name.to_string(), &message[..end]));
                if fit(rest, &message[end..], values) {
                    return true;
                }
                values.pop();
            }
            false
        }
    }
}

/// The catalogue key of a rule message and the values its shape names; none for a message
/// not known here.
pub fn rule_of(message: &str) -> Option<(&'static str, Vec<(String, String)>)> {
    RULES.iter().find_map(|(shape, key)| {
        let mut values = vec![];
        fit(&pieces(shape), message, &mut values)
            .then(|| (*key, values.into_iter().map(|(k, v)| (k, v.to_string())).collect()))
    })
}

/// A value of a rule in the page's words: roles, result levels, measures and activity statuses
/// are codes in the API's message (`donor`, `activity`, `number`, `completed`), days ISO dates.
fn value_in(c: &Catalogue, name: &str, value: &str) -> String {
    let word = |prefix: &str| {
        let key = format!("{prefix}-{value}");
        let w = c.tr(&key);
        if w == key { value.to_string() } else { w }
    };
    match name {
        "role" => Role::parse(value).map_or_else(|| value.to_string(), |r| format::role_label(c, Some(r))),
        "level" | "child" | "parent" => word("level"),
        "measure" => word("measure"),
        "status" => word("state"),
        // A day as the page writes dates (`31.12.2016` in Russian).
        _ => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_or_else(|_| value.to_string(), |d| c.day(d)),
    }
}

/// A rule of the use cases in the page's language (see the module's comment). English pages
/// show the API's text as it is.
pub fn said(c: &Catalogue, message: &str) -> String {
    if c.lang == i18n::DEFAULT {
        return message.to_string();
    }
    let Some((key, values)) = rule_of(message) else { return message.to_string() };
    let args: Vec<(&str, FluentValue)> =
        values.iter().map(|(k, v)| (k.as_str(), FluentValue::from(value_in(c, k, v)))).collect();
    c.t(key, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_cyrillic(s: &str) -> bool {
        s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
    }

    /// A message of each shape: every hole filled with a value of its own.
    fn sample(shape: &str) -> String {
        pieces(shape)
            .iter()
            .map(|p| match p {
                Piece::Words(w) => w.to_string(),
                Piece::Hole(name) => format!("{name}7"),
            })
            .collect()
    }

    /// Each mapped rule has its text in both catalogues; the English text is the API's own
    /// (so a translator reads what the rule says), the Russian one is Russian.
    #[test]
    fn every_rule_has_its_english_and_russian_text() {
        let (en, ru) = (i18n::catalogue("en"), i18n::catalogue("ru"));
        let mut keys = std::collections::BTreeSet::new();
        for (shape, key) in RULES {
            assert!(keys.insert(*key), "{key} is given twice");
            assert!(en.has(key), "{key} is missing from the English catalogue");
            assert!(ru.has(key), "{key} is missing from the Russian catalogue");
            let message = sample(shape);
            let (found, values) = rule_of(&message).unwrap_or_else(|| panic!("{message:?} fits no shape"));
            assert_eq!(found, *key, "{message:?} fits an earlier shape");
            let args: Vec<(&str, FluentValue)> =
                values.iter().map(|(k, v)| (k.as_str(), FluentValue::from(v.clone()))).collect();
            assert_eq!(en.t(key, &args), message, "the English {key}");
            let in_russian = said(&ru, &message);
            assert!(has_cyrillic(&in_russian), "{message:?} -> {in_russian:?}");
            assert!(!in_russian.contains("rule-"), "{in_russian}");
            // Every value the message names is in the Russian text too.
            for (name, v) in &values {
                if !matches!(
                    name.as_str(),
                    "role" | "level" | "child" | "parent" | "measure" | "status" | "change" | "why"
                ) {
                    assert!(in_russian.contains(v.as_str()), "{key}: {v} missing from {in_russian:?}");
                }
            }
            assert_eq!(said(&en, &message), message);
        }
    }

    /// The rules the forms really meet, as the store and the domain word them.
    fn real_rules() -> Vec<String> {
        use crate::domain::indicators::{Accumulation, Direction, Measure};
        use crate::domain::period::{Period, Quarter};
        use crate::error::AppError;
        use crate::store::indicators::IndicatorInput;
        use crate::store::results::ResultInput;
        let mut out = vec![];
        let mut refused = |e: AppError| match e {
            AppError::Validation(errs) => out.extend(errs.into_iter().map(|e| e.message)),
            other => panic!("not a validation error: {other}"),
        };
        let result = ResultInput {
            parent_id: None,
            level: crate::domain::results::ResultLevel::Output,
            code: "1 2".into(),
            title: " ".into(),
            description: None,
            assumptions: None,
            version: None,
        };
        refused(crate::store::check(&result, vec![]).unwrap_err());
        refused(crate::store::check(&ResultInput { title: "t".repeat(1001), ..result }, vec![]).unwrap_err());
        let indicator = IndicatorInput {
            result_id: 1,
            code: "OP1".into(),
            title: "t".into(),
            unit: " ".into(),
            measure: Measure::Number,
            direction: Direction::Increase,
            accumulation: Accumulation::Sum,
            baseline_value: None,
            baseline_year: Some(1800),
            baseline_note: None,
            means_of_verification: None,
            disaggregations: vec![],
            version: None,
        };
        refused(crate::store::check(&indicator, vec![]).unwrap_err());
        out.extend("2025-Q5".parse::<Quarter>().err().map(|e| e.0));
        out.extend("soon".parse::<Period>().err().map(|e| e.0));
        out.push("2027 is outside the project (2013-01-01 to 2016-12-31)".into());
        assert!(out.len() >= 7, "{out:?}");
        out
    }

    #[test]
    fn the_rules_the_forms_meet_read_in_russian() {
        let ru = i18n::catalogue("ru");
        for rule in real_rules() {
            let in_russian = said(&ru, &rule);
            assert!(has_cyrillic(&in_russian), "{rule} -> {in_russian}");
        }
        assert_eq!(said(&ru, "must not be empty"), "Заполните это поле");
        assert_eq!(said(&ru, "at most 200 characters"), "Не более 200 символов");
        assert_eq!(
            said(&ru, "the user is already donor on this project: remove that membership first"),
            "У пользователя уже есть роль «Донор» в этом проекте: сначала снимите её"
        );
        assert_eq!(said(&ru, "a yes_no indicator needs a value"), "Для показателя типа «Да / нет» нужно значение");
        assert_eq!(
            said(&ru, "2027-03-01 is outside the project (2013-01-01 to 2016-12-31)"),
            "01.03.2027 выходит за сроки проекта (01.01.2013 – 31.12.2016)"
        );
        // A rule not known here is shown as the API words it.
        assert_eq!(said(&ru, "something new"), "something new");
    }

    #[test]
    fn a_shape_takes_the_values_it_names() {
        let (key, values) = rule_of("2027-03-01 is outside the project (2013-01-01 to 2016-12-31)").unwrap();
        assert_eq!(key, "rule-outside-project");
        let v: Vec<(&str, &str)> = values.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(v, [("what", "2027-03-01"), ("start", "2013-01-01"), ("end", "2016-12-31")]);
        assert_eq!(rule_of("at most  characters"), None);
        assert_eq!(rule_of("must not be empty!"), None);
    }
}
