//! The finance checks: rules a finance officer runs over the work plans, the expenditure and
//! the contributions before a report goes out. Each finding has a severity, the lines (and
//! expenditures) concerned and a sentence a person understands, with the figures in it.
//!
//! The store gathers plain facts ([`CheckInput`]); everything here is pure and unit-tested.

use super::budget::{RateUse, convert, format_bp, indirect_cost};
use super::money::Money;
use super::period::Quarter;
use super::vocabulary;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

vocabulary! {
    /// How bad a finding is: `error` must be corrected before reporting, `warning` needs a
    /// look or an explanation, `info` could not be checked.
    Severity {
        Error = "error",
        Warning = "warning",
        Info = "info",
    }
}

vocabulary! {
    /// Which check found it.
    CheckKind {
        ExpenditureOverBudget = "expenditure_over_budget",
        BudgetOverContribution = "budget_over_contribution",
        IndirectCostMismatch = "indirect_cost_mismatch",
        SpendingOutsidePlannedQuarter = "spending_outside_planned_quarter",
        AccountNotInCatalogue = "account_not_in_catalogue",
        TotalsDoNotAddUp = "totals_do_not_add_up",
        PlanTotalDiffersFromDocument = "plan_total_differs_from_document",
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Finding {
    pub check: CheckKind,
    pub severity: Severity,
    /// The finding in words, with its figures (English).
    pub message: String,
    /// The same sentence as data, for the pages to write in their own language; not on the
    /// wire (the API gives `message`).
    #[serde(skip)]
    #[schema(ignore)]
    pub text: FindingText,
    pub work_plan_id: Option<i64>,
    /// Budget lines concerned (ids in the plan named).
    pub line_ids: Vec<i64>,
    /// Expenditures concerned.
    pub expenditure_ids: Vec<i64>,
    /// Names the finding from one run of the checks to the next: its check and a hash of the
    /// plan, lines and expenditures concerned (`expenditure_over_budget-1f2e3d4c5b6a7988`).
    /// When those change (e.g. more expenditure on an overspent line) the key changes too.
    pub key: String,
    /// Why the finding is acceptable, when someone with the right explained it; an explained
    /// finding no longer counts as open.
    pub explanation: Option<Explanation>,
}

/// A finding's sentence as data: a key of the pages' catalogue (`report_templates/i18n/web`,
/// section "Finance check findings") and its arguments. The English catalogue writes exactly
/// [`Finding::message`]; another language writes the same facts in its own words and numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FindingText {
    pub key: &'static str,
    pub args: Vec<(&'static str, FindingArg)>,
}

impl FindingText {
    fn new(key: &'static str, args: Vec<(&'static str, FindingArg)>) -> FindingText {
        FindingText { key, args }
    }
}

/// One argument of a [`FindingText`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingArg {
    /// An amount, written with the page's separators (`303 333,00 USD` in Russian).
    Money {
        minor: i64,
        currency: String,
    },
    /// Codes, names and periods, written as they are.
    Text(String),
    /// Ids and years, written without grouping.
    Number(i64),
    /// A rate in basis points (`7.00 %`).
    Rate(i64),
    Date(NaiveDate),
    /// A phrase of its own (a line's or a plan's label, a reason).
    Nested(FindingText),
}

fn m(minor: i64, currency: &str) -> FindingArg {
    FindingArg::Money { minor, currency: currency.to_string() }
}

fn txt(s: impl Into<String>) -> FindingArg {
    FindingArg::Text(s.into())
}

/// Why a finding is acceptable, who said so and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Explanation {
    pub reason: String,
    /// The email of who explained it.
    pub explained_by: String,
    #[serde(with = "crate::timestamp")]
    pub explained_at: chrono::NaiveDateTime,
}

impl Finding {
    /// The stable key of the finding (see [`Finding::key`]).
    pub fn stable_key(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut lines = self.line_ids.clone();
        lines.sort_unstable();
        let mut spent = self.expenditure_ids.clone();
        spent.sort_unstable();
        let named = format!("{}|{:?}|{lines:?}|{spent:?}", self.check.as_str(), self.work_plan_id);
        let hash: String = Sha256::digest(named.as_bytes()).iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("{}-{hash}", self.check.as_str())
    }
}

/// A work plan as the checks see it (the current revision of its year).
#[derive(Debug, Clone)]
pub struct CheckPlan {
    pub id: i64,
    pub year: i32,
    pub revision: i32,
    pub currency: String,
    /// The project document's figure for the year, when recorded.
    pub document_total_minor: Option<i64>,
}

impl CheckPlan {
    fn label(&self) -> String {
        if self.revision == 1 {
            format!("the {} work plan", self.year)
        } else {
            format!("the {} work plan (revision {})", self.year, self.revision)
        }
    }

    /// [`CheckPlan::label`] as data.
    fn text(&self) -> FindingArg {
        let year = ("year", FindingArg::Number(i64::from(self.year)));
        FindingArg::Nested(if self.revision == 1 {
            FindingText::new("finding-plan", vec![year])
        } else {
            FindingText::new(
                "finding-plan-revision",
                vec![year, ("revision", FindingArg::Number(i64::from(self.revision)))],
            )
        })
    }
}

/// A budget line with what the checks need to name it.
#[derive(Debug, Clone)]
pub struct CheckLine {
    pub id: i64,
    pub plan_id: i64,
    pub lineage_id: i64,
    pub source_id: i64,
    pub source_code: String,
    pub account_code: String,
    pub description: String,
    /// The activity's code (`1.1.1.2`), `None` for plan-level lines.
    pub activity_code: Option<String>,
    /// The activity's timeframe marks Q1-Q4, `None` for plan-level lines.
    pub marks: Option<[bool; 4]>,
    /// `None` when the account is not in the catalogue.
    pub heading: Option<i32>,
    pub amount_minor: i64,
    pub phasing: Option<[i64; 4]>,
}

impl CheckLine {
    fn is_indirect(&self) -> bool {
        self.heading == Some(super::budget::INDIRECT_HEADING)
    }

    /// `line 12 (1.1.1.2, RB, 72100 Contracts with companies)`
    fn label(&self) -> String {
        let activity = self.activity_code.as_deref().map(|c| format!("{c}, ")).unwrap_or_default();
        format!("line {} ({activity}{}, {} {})", self.id, self.source_code, self.account_code, self.description)
    }

    /// [`CheckLine::label`] as data.
    fn text(&self) -> FindingArg {
        let mut args = vec![
            ("id", FindingArg::Number(self.id)),
            ("source", txt(&self.source_code)),
            ("account", txt(&self.account_code)),
            ("description", txt(&self.description)),
        ];
        FindingArg::Nested(match &self.activity_code {
            Some(a) => {
                args.push(("activity", txt(a)));
                FindingText::new("finding-line", args)
            }
            None => FindingText::new("finding-line-plan-level", args),
        })
    }
}

/// Why a contribution cannot be compared, as data. The store says it in English
/// ([`CheckSource::contribution_ledger_minor`]); the reasons it gives are known, anything else
/// is shown as it is.
fn why_text(why: &str) -> FindingText {
    if let Some(code) = why.strip_prefix("no contribution from ").and_then(|r| r.strip_suffix(" to this project")) {
        return FindingText::new("finding-why-no-contribution", vec![("source", txt(code))]);
    }
    if let Some(rest) = why.strip_prefix("no exchange rate between ")
        && let Some((from, rest)) = rest.split_once(" and ")
        && let Some((to, month)) = rest.split_once(" up to ")
    {
        return FindingText::new(
            "finding-why-no-rate",
            vec![("from", txt(from)), ("to", txt(to)), ("month", txt(month))],
        );
    }
    if why == "the contribution is too large to convert" {
        return FindingText::new("finding-why-too-large", vec![]);
    }
    FindingText::new("finding-why-other", vec![("why", txt(why))])
}

/// An expenditure: the original figure, the converted one and the rate it used.
#[derive(Debug, Clone)]
pub struct CheckSpend {
    pub id: i64,
    pub lineage_id: i64,
    pub date: NaiveDate,
    pub amount_minor: i64,
    pub currency: String,
    pub ledger_amount_minor: i64,
    pub ledger_currency: String,
    /// `(rate_micros, how it was used)` for a converted figure.
    pub rate: Option<(i64, RateUse)>,
}

/// A funding source's contribution to the project, in the ledger currency.
#[derive(Debug, Clone)]
pub struct CheckSource {
    pub id: i64,
    pub code: String,
    /// The contribution converted to the ledger currency; `Err` says why it could not be
    /// (no contribution, or no exchange rate).
    pub contribution_ledger_minor: Result<i64, String>,
    pub indirect_rate_bp: Option<i32>,
}

/// Everything the checks look at.
#[derive(Debug, Clone, Default)]
pub struct CheckInput {
    pub currency: String,
    /// The current plan of each year checked.
    pub plans: Vec<CheckPlan>,
    /// The lines of those plans.
    pub lines: Vec<CheckLine>,
    /// Expenditure booked on those plans' years.
    pub spending: Vec<CheckSpend>,
    /// Funding sources named by a line or contributing to the project.
    pub sources: Vec<CheckSource>,
    /// Programmed budget per source over every plan up to the last year checked (the
    /// contribution covers the whole project, so this runs over earlier years too).
    pub programmed_to_date: BTreeMap<i64, i64>,
    pub last_year: Option<i32>,
}

fn money(minor: i64, currency: &str) -> String {
    Money::new(minor, currency).to_string()
}

/// Runs every check; findings come errors first, then by plan and line.
pub fn run(input: &CheckInput) -> Vec<Finding> {
    let mut out = vec![];
    out.extend(expenditure_over_budget(input));
    out.extend(budget_over_contribution(input));
    out.extend(indirect_cost_mismatch(input));
    out.extend(spending_outside_planned_quarter(input));
    out.extend(account_not_in_catalogue(input));
    out.extend(totals_do_not_add_up(input));
    out.extend(plan_total_differs_from_document(input));
    for f in &mut out {
        f.key = f.stable_key();
    }
    out.sort_by_key(|f| {
        let rank = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        (rank, f.work_plan_id, f.line_ids.first().copied())
    });
    out
}

fn spent_by_lineage(input: &CheckInput) -> HashMap<i64, (i64, Vec<i64>)> {
    let mut m: HashMap<i64, (i64, Vec<i64>)> = HashMap::new();
    for e in &input.spending {
        let entry = m.entry(e.lineage_id).or_default();
        entry.0 += e.ledger_amount_minor;
        entry.1.push(e.id);
    }
    m
}

/// Expenditure on a line above the line's budget.
pub fn expenditure_over_budget(input: &CheckInput) -> Vec<Finding> {
    let spent = spent_by_lineage(input);
    let cur = &input.currency;
    input
        .lines
        .iter()
        .filter_map(|l| {
            let (total, ids) = spent.get(&l.lineage_id)?;
            (*total > l.amount_minor).then(|| Finding {
                check: CheckKind::ExpenditureOverBudget,
                severity: Severity::Error,
                message: format!(
                    "Budget {} has spent {} against a budget of {}: {} over.",
                    l.label(),
                    money(*total, cur),
                    money(l.amount_minor, cur),
                    money(total - l.amount_minor, cur)
                ),
                text: FindingText::new(
                    "finding-over-budget",
                    vec![
                        ("line", l.text()),
                        ("spent", m(*total, cur)),
                        ("budget", m(l.amount_minor, cur)),
                        ("over", m(total - l.amount_minor, cur)),
                    ],
                ),
                work_plan_id: Some(l.plan_id),
                line_ids: vec![l.id],
                expenditure_ids: ids.clone(),
                key: String::new(),
                explanation: None,
            })
        })
        .collect()
}

/// The budget programmed on a source (over all plans to date) above its contribution, or
/// lines on a source that has no contribution to the project.
pub fn budget_over_contribution(input: &CheckInput) -> Vec<Finding> {
    let cur = &input.currency;
    let to_date = input.last_year.map(|y| format!(" up to {y}")).unwrap_or_default();
    let to_date_text = FindingArg::Nested(match input.last_year {
        Some(y) => FindingText::new("finding-up-to", vec![("year", FindingArg::Number(i64::from(y)))]),
        None => FindingText::new("finding-up-to-end", vec![]),
    });
    let mut out = vec![];
    for s in &input.sources {
        let Some(programmed) = input.programmed_to_date.get(&s.id).copied().filter(|p| *p > 0) else { continue };
        let lines: Vec<i64> = input.lines.iter().filter(|l| l.source_id == s.id).map(|l| l.id).collect();
        match &s.contribution_ledger_minor {
            Ok(c) if programmed > *c => out.push(Finding {
                check: CheckKind::BudgetOverContribution,
                severity: Severity::Error,
                message: format!(
                    "The work plans{to_date} programme {} of {} funds, but {}'s contribution is {}: {} over.",
                    money(programmed, cur),
                    s.code,
                    s.code,
                    money(*c, cur),
                    money(programmed - c, cur)
                ),
                text: FindingText::new(
                    "finding-over-contribution",
                    vec![
                        ("to_date", to_date_text.clone()),
                        ("programmed", m(programmed, cur)),
                        ("source", txt(&s.code)),
                        ("contribution", m(*c, cur)),
                        ("over", m(programmed - c, cur)),
                    ],
                ),
                work_plan_id: None,
                line_ids: lines,
                expenditure_ids: vec![],
                key: String::new(),
                explanation: None,
            }),
            Ok(_) => {}
            Err(why) => out.push(Finding {
                check: CheckKind::BudgetOverContribution,
                severity: if why.starts_with("no contribution") { Severity::Error } else { Severity::Info },
                message: format!(
                    "The work plans{to_date} programme {} of {} funds, which cannot be compared with its contribution: {why}.",
                    money(programmed, cur),
                    s.code
                ),
                text: FindingText::new(
                    "finding-contribution-unknown",
                    vec![
                        ("to_date", to_date_text.clone()),
                        ("programmed", m(programmed, cur)),
                        ("source", txt(&s.code)),
                        ("why", FindingArg::Nested(why_text(why))),
                    ],
                ),
                work_plan_id: None,
                line_ids: lines,
                expenditure_ids: vec![],
                key: String::new(),
                explanation: None,
            }),
        }
    }
    out
}

/// Per plan and funding source: the indirect-cost (GMS) lines against the contribution's
/// rate applied to the source's direct costs in that plan.
pub fn indirect_cost_mismatch(input: &CheckInput) -> Vec<Finding> {
    let cur = &input.currency;
    let mut out = vec![];
    for p in &input.plans {
        // source -> (direct, indirect, indirect line ids, direct line ids)
        let mut per: BTreeMap<i64, (i64, i64, Vec<i64>, Vec<i64>)> = BTreeMap::new();
        for l in input.lines.iter().filter(|l| l.plan_id == p.id) {
            let e = per.entry(l.source_id).or_default();
            if l.is_indirect() {
                e.1 += l.amount_minor;
                e.2.push(l.id);
            } else {
                e.0 += l.amount_minor;
                e.3.push(l.id);
            }
        }
        for (source_id, (direct, stored, gms_ids, direct_ids)) in per {
            // The GMS lines concerned; without any, the direct lines that call for one.
            let ids = if gms_ids.is_empty() { direct_ids } else { gms_ids };
            let Some(s) = input.sources.iter().find(|s| s.id == source_id) else { continue };
            let Some(rate) = s.indirect_rate_bp else {
                if stored > 0 {
                    out.push(Finding {
                        check: CheckKind::IndirectCostMismatch,
                        severity: Severity::Info,
                        message: format!(
                            "In {}, {} carries {} of indirect costs but its contribution states no rate to check them against.",
                            p.label(),
                            s.code,
                            money(stored, cur)
                        ),
                        text: FindingText::new(
                            "finding-gms-no-rate",
                            vec![("plan", p.text()), ("source", txt(&s.code)), ("amount", m(stored, cur))],
                        ),
                        work_plan_id: Some(p.id),
                        line_ids: ids,
                        expenditure_ids: vec![],
                        key: String::new(),
                        explanation: None,
                    });
                }
                continue;
            };
            let expected = indirect_cost(direct, rate);
            if expected == stored {
                continue;
            }
            let rate_text = format_bp(i64::from(rate));
            let (message, text) = if stored == 0 {
                let text = FindingText::new(
                    "finding-gms-missing",
                    vec![
                        ("plan", p.text()),
                        ("source", txt(&s.code)),
                        ("rate", FindingArg::Rate(i64::from(rate))),
                        ("direct", m(direct, cur)),
                        ("expected", m(expected, cur)),
                    ],
                );
                (
                    format!(
                        "In {}, {} has no indirect-cost (GMS) line: {rate_text} of its direct costs of {} is {}.",
                        p.label(),
                        s.code,
                        money(direct, cur),
                        money(expected, cur)
                    ),
                    text,
                )
            } else {
                let diff = stored - expected;
                let text = FindingText::new(
                    if diff > 0 { "finding-gms-too-much" } else { "finding-gms-too-little" },
                    vec![
                        ("plan", p.text()),
                        ("source", txt(&s.code)),
                        ("stored", m(stored, cur)),
                        ("rate", FindingArg::Rate(i64::from(rate))),
                        ("direct", m(direct, cur)),
                        ("expected", m(expected, cur)),
                        ("diff", m(diff.abs(), cur)),
                    ],
                );
                (
                    format!(
                        "In {}, the GMS of {} is {}, but {rate_text} of its direct costs of {} is {} ({} {}).",
                        p.label(),
                        s.code,
                        money(stored, cur),
                        money(direct, cur),
                        money(expected, cur),
                        money(diff.abs(), cur),
                        if diff > 0 { "too much" } else { "too little" }
                    ),
                    text,
                )
            };
            out.push(Finding {
                check: CheckKind::IndirectCostMismatch,
                severity: Severity::Warning,
                message,
                text,
                work_plan_id: Some(p.id),
                line_ids: ids,
                expenditure_ids: vec![],
                key: String::new(),
                explanation: None,
            });
        }
    }
    out
}

/// Expenditure in a quarter the line's activity is not planned in (no timeframe mark).
pub fn spending_outside_planned_quarter(input: &CheckInput) -> Vec<Finding> {
    let cur = &input.currency;
    let by_lineage: HashMap<i64, &CheckLine> = input.lines.iter().map(|l| (l.lineage_id, l)).collect();
    let by_id: HashMap<i64, &CheckLine> = input.lines.iter().map(|l| (l.id, l)).collect();
    // (line, quarter) -> (amount, expenditure ids)
    let mut per: BTreeMap<(i64, Quarter), (i64, Vec<i64>)> = BTreeMap::new();
    for e in &input.spending {
        let Some(l) = by_lineage.get(&e.lineage_id) else { continue };
        let Some(marks) = l.marks else { continue };
        let q = Quarter::of(e.date);
        if !marks[usize::from(q.q) - 1] {
            let entry = per.entry((l.id, q)).or_default();
            entry.0 += e.ledger_amount_minor;
            entry.1.push(e.id);
        }
    }
    per.into_iter()
        .map(|((line_id, q), (amount, ids))| {
            let l = by_id[&line_id];
            let marks = l.marks.expect("filtered");
            let planned: Vec<String> =
                marks.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| format!("Q{}", i + 1)).collect();
            let planned_text = if planned.is_empty() {
                FindingArg::Nested(FindingText::new("finding-no-quarter", vec![]))
            } else {
                txt(planned.join(", "))
            };
            let planned = if planned.is_empty() { "no quarter".to_string() } else { planned.join(", ") };
            Finding {
                check: CheckKind::SpendingOutsidePlannedQuarter,
                severity: Severity::Warning,
                message: format!(
                    "{} was spent in {q} on {}, but activity {} is planned in {planned} only.",
                    money(amount, cur),
                    l.label(),
                    l.activity_code.as_deref().unwrap_or("?")
                ),
                text: FindingText::new(
                    "finding-unplanned-quarter",
                    vec![
                        ("amount", m(amount, cur)),
                        ("quarter", txt(q.to_string())),
                        ("line", l.text()),
                        ("activity", txt(l.activity_code.as_deref().unwrap_or("?"))),
                        ("planned", planned_text),
                    ],
                ),
                work_plan_id: Some(l.plan_id),
                line_ids: vec![l.id],
                expenditure_ids: ids,
                key: String::new(),
                explanation: None,
            }
        })
        .collect()
}

/// Lines on an account code the catalogue does not have (retired or renumbered since).
pub fn account_not_in_catalogue(input: &CheckInput) -> Vec<Finding> {
    input
        .lines
        .iter()
        .filter(|l| l.heading.is_none())
        .map(|l| Finding {
            check: CheckKind::AccountNotInCatalogue,
            severity: Severity::Error,
            message: format!(
                "Budget {} is on account {}, which is not in the budget-account catalogue: it counts under no EU heading and its indirect costs cannot be told apart.",
                l.label(),
                l.account_code
            ),
            text: FindingText::new(
                "finding-account-not-in-catalogue",
                vec![("line", l.text()), ("account", txt(&l.account_code))],
            ),
            work_plan_id: Some(l.plan_id),
            line_ids: vec![l.id],
            expenditure_ids: vec![],
            key: String::new(),
            explanation: None,
        })
        .collect()
}

/// Stored figures that disagree with what they are made of: a quarterly phasing that does
/// not add up to its line, and a converted expenditure that is not its original amount at
/// the rate it says it used.
pub fn totals_do_not_add_up(input: &CheckInput) -> Vec<Finding> {
    let cur = &input.currency;
    let mut out = vec![];
    for l in &input.lines {
        if let Some(p) = l.phasing {
            let sum: i128 = p.iter().map(|v| i128::from(*v)).sum();
            if sum != i128::from(l.amount_minor) {
                let shown = i64::try_from(sum).map_or_else(|_| sum.to_string(), |s| money(s, cur));
                let sum_text = i64::try_from(sum).map_or_else(|_| txt(sum.to_string()), |s| m(s, cur));
                out.push(Finding {
                    check: CheckKind::TotalsDoNotAddUp,
                    severity: Severity::Error,
                    message: format!(
                        "The quarterly phasing of budget {} adds up to {shown}, not to its amount of {}.",
                        l.label(),
                        money(l.amount_minor, cur)
                    ),
                    text: FindingText::new(
                        "finding-phasing",
                        vec![("line", l.text()), ("sum", sum_text), ("amount", m(l.amount_minor, cur))],
                    ),
                    work_plan_id: Some(l.plan_id),
                    line_ids: vec![l.id],
                    expenditure_ids: vec![],
                    key: String::new(),
                    explanation: None,
                });
            }
        }
    }
    for e in &input.spending {
        let expected = match e.rate {
            None if e.currency == e.ledger_currency => Some(e.amount_minor),
            None => None,
            Some((micros, how)) => convert(e.amount_minor, &e.currency, &e.ledger_currency, micros, how),
        };
        if expected != Some(e.ledger_amount_minor) {
            let expected_text =
                expected.map_or_else(|| "not convertible".to_string(), |v| money(v, &e.ledger_currency));
            let expected_arg = expected.map_or_else(
                || FindingArg::Nested(FindingText::new("finding-not-convertible", vec![])),
                |v| m(v, &e.ledger_currency),
            );
            out.push(Finding {
                check: CheckKind::TotalsDoNotAddUp,
                severity: Severity::Error,
                message: format!(
                    "Expenditure {} of {} on {} is recorded as {}, but at the rate it states it is {expected_text}.",
                    e.id,
                    money(e.amount_minor, &e.currency),
                    e.date,
                    money(e.ledger_amount_minor, &e.ledger_currency)
                ),
                text: FindingText::new(
                    "finding-conversion",
                    vec![
                        ("id", FindingArg::Number(e.id)),
                        ("amount", m(e.amount_minor, &e.currency)),
                        ("date", FindingArg::Date(e.date)),
                        ("recorded", m(e.ledger_amount_minor, &e.ledger_currency)),
                        ("expected", expected_arg),
                    ],
                ),
                work_plan_id: None,
                line_ids: vec![],
                expenditure_ids: vec![e.id],
                key: String::new(),
                explanation: None,
            });
        }
    }
    out
}

/// A plan whose lines do not add up to the yearly figure of the project document.
pub fn plan_total_differs_from_document(input: &CheckInput) -> Vec<Finding> {
    let mut out = vec![];
    for p in &input.plans {
        let Some(doc) = p.document_total_minor else { continue };
        let lines: Vec<&CheckLine> = input.lines.iter().filter(|l| l.plan_id == p.id).collect();
        let total: i64 = lines.iter().map(|l| l.amount_minor).sum();
        if total != doc {
            let diff = total - doc;
            out.push(Finding {
                check: CheckKind::PlanTotalDiffersFromDocument,
                severity: Severity::Error,
                message: format!(
                    "The lines of {} add up to {}, but the project document gives {} for {}: {} {}.",
                    p.label(),
                    money(total, &p.currency),
                    money(doc, &p.currency),
                    p.year,
                    money(diff.abs(), &p.currency),
                    if diff > 0 { "more" } else { "less" }
                ),
                text: FindingText::new(
                    if diff > 0 { "finding-plan-more" } else { "finding-plan-less" },
                    vec![
                        ("plan", p.text()),
                        ("total", m(total, &p.currency)),
                        ("document", m(doc, &p.currency)),
                        ("year", FindingArg::Number(i64::from(p.year))),
                        ("diff", m(diff.abs(), &p.currency)),
                    ],
                ),
                work_plan_id: Some(p.id),
                line_ids: vec![],
                expenditure_ids: vec![],
                key: String::new(),
                explanation: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn line(id: i64, source: i64, account: &str, heading: Option<i32>, amount: i64) -> CheckLine {
        CheckLine {
            id,
            plan_id: 1,
            lineage_id: id,
            source_id: source,
            source_code: if source == 1 { "RB".into() } else { "UNDP".into() },
            account_code: account.into(),
            description: "Contracts with companies".into(),
            activity_code: Some("1.1.1.2".into()),
            marks: Some([true, false, false, false]),
            heading,
            amount_minor: amount,
            phasing: None,
        }
    }

    fn spend(id: i64, lineage: i64, date: NaiveDate, amount: i64) -> CheckSpend {
        CheckSpend {
            id,
            lineage_id: lineage,
            date,
            amount_minor: amount,
            currency: "USD".into(),
            ledger_amount_minor: amount,
            ledger_currency: "USD".into(),
            rate: None,
        }
    }

    fn input() -> CheckInput {
        CheckInput {
            currency: "USD".into(),
            plans: vec![CheckPlan {
                id: 1,
                year: 2013,
                revision: 1,
                currency: "USD".into(),
                document_total_minor: Some(1_070_000),
            }],
            lines: vec![line(10, 1, "72100", Some(5), 1_000_000), line(11, 1, "75100", Some(7), 70_000)],
            spending: vec![],
            sources: vec![
                CheckSource {
                    id: 1,
                    code: "RB".into(),
                    contribution_ledger_minor: Ok(29_333_300),
                    indirect_rate_bp: Some(700),
                },
                CheckSource {
                    id: 2,
                    code: "UNDP".into(),
                    contribution_ledger_minor: Ok(10_000_000),
                    indirect_rate_bp: Some(0),
                },
            ],
            programmed_to_date: BTreeMap::from([(1, 1_070_000)]),
            last_year: Some(2013),
        }
    }

    #[test]
    fn a_clean_plan_has_no_findings() {
        assert_eq!(run(&input()), vec![]);
    }

    #[test]
    fn spending_over_a_line_is_an_error_with_the_figures() {
        let mut i = input();
        i.spending = vec![spend(1, 10, d(2013, 2, 1), 600_000), spend(2, 10, d(2013, 3, 1), 445_000)];
        let f = expenditure_over_budget(&i);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!((f[0].line_ids.clone(), f[0].expenditure_ids.clone()), (vec![10], vec![1, 2]));
        assert_eq!(
            f[0].message,
            "Budget line 10 (1.1.1.2, RB, 72100 Contracts with companies) has spent 10,450.00 USD against a budget of 10,000.00 USD: 450.00 USD over."
        );
    }

    #[test]
    fn programmed_over_contribution_and_lines_without_one() {
        let mut i = input();
        i.programmed_to_date = BTreeMap::from([(1, 30_333_300), (2, 100)]);
        i.sources[1].contribution_ledger_minor = Err("no contribution from UNDP to this project".into());
        let f = budget_over_contribution(&i);
        assert_eq!(f.len(), 2);
        assert_eq!(
            f[0].message,
            "The work plans up to 2013 programme 303,333.00 USD of RB funds, but RB's contribution is 293,333.00 USD: 10,000.00 USD over."
        );
        assert_eq!(f[0].line_ids, vec![10, 11]);
        assert_eq!(f[1].severity, Severity::Error);
        assert!(f[1].message.contains("no contribution from UNDP"), "{}", f[1].message);
        // A missing exchange rate is only information.
        i.sources[1].contribution_ledger_minor = Err("no USD/EUR rate up to 2013-12".into());
        assert_eq!(budget_over_contribution(&i)[1].severity, Severity::Info);
    }

    #[test]
    fn gms_must_equal_the_rate_of_direct_costs() {
        let mut i = input();
        assert!(indirect_cost_mismatch(&i).is_empty(), "7 % of 10 000.00 is 700.00");
        i.lines[1].amount_minor = 70_500; // 705.00
        let f = indirect_cost_mismatch(&i);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line_ids, vec![11]);
        assert_eq!(
            f[0].message,
            "In the 2013 work plan, the GMS of RB is 705.00 USD, but 7.00 % of its direct costs of 10,000.00 USD is 700.00 USD (5.00 USD too much)."
        );
        // No GMS line at all on a source with a rate.
        i.lines.remove(1);
        let f = indirect_cost_mismatch(&i);
        assert_eq!(f[0].line_ids, vec![10], "the direct lines that call for a GMS line");
        assert!(
            f[0].message
                .contains("has no indirect-cost (GMS) line: 7.00 % of its direct costs of 10,000.00 USD is 700.00 USD"),
            "{}",
            f[0].message
        );
        // A 0 % source (UNDP core) needs none; a source without a stated rate is only noted.
        i.lines.push(line(12, 2, "71200", Some(1), 500_000));
        assert_eq!(indirect_cost_mismatch(&i).len(), 1);
        i.sources[0].indirect_rate_bp = None;
        i.lines.push(line(13, 1, "75100", Some(7), 1));
        let f = indirect_cost_mismatch(&i);
        assert_eq!((f.len(), f[0].severity), (1, Severity::Info));
    }

    #[test]
    fn spending_in_an_unplanned_quarter_is_named() {
        let mut i = input();
        i.spending = vec![
            spend(1, 10, d(2013, 2, 1), 100_000),
            spend(2, 10, d(2013, 8, 15), 80_000),
            spend(3, 10, d(2013, 9, 1), 20_000),
            spend(4, 11, d(2013, 9, 1), 1),
        ];
        i.lines[1].marks = None; // plan-level lines have no timeframe
        let f = spending_outside_planned_quarter(&i);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].expenditure_ids, vec![2, 3]);
        assert_eq!(
            f[0].message,
            "1,000.00 USD was spent in 2013-Q3 on line 10 (1.1.1.2, RB, 72100 Contracts with companies), but activity 1.1.1.2 is planned in Q1 only."
        );
    }

    #[test]
    fn accounts_missing_from_the_catalogue() {
        let mut i = input();
        i.lines[0].heading = None;
        i.lines[0].account_code = "71250".into();
        let f = account_not_in_catalogue(&i);
        assert_eq!((f.len(), f[0].line_ids.clone()), (1, vec![10]));
        assert!(f[0].message.contains("account 71250, which is not in the budget-account catalogue"));
    }

    #[test]
    fn stored_figures_that_do_not_add_up() {
        let mut i = input();
        i.lines[0].phasing = Some([500_000, 500_000, 0, 1]);
        let mut kzt = spend(7, 10, d(2013, 3, 20), 22_500_000);
        kzt.currency = "KZT".into();
        kzt.rate = Some((150_710_000, RateUse::Divide));
        kzt.ledger_amount_minor = 149_293;
        i.spending = vec![kzt.clone()];
        assert_eq!(totals_do_not_add_up(&i).len(), 1, "the conversion is right, the phasing is not");
        kzt.ledger_amount_minor = 150_000;
        i.spending = vec![kzt];
        let f = totals_do_not_add_up(&i);
        assert_eq!(f.len(), 2);
        assert!(
            f[0].message.contains("adds up to 10,000.01 USD, not to its amount of 10,000.00 USD"),
            "{}",
            f[0].message
        );
        assert_eq!(
            f[1].message,
            "Expenditure 7 of 225,000.00 KZT on 2013-03-20 is recorded as 1,500.00 USD, but at the rate it states it is 1,492.93 USD."
        );
    }

    #[test]
    fn plan_total_against_the_project_document() {
        let mut i = input();
        i.plans[0].document_total_minor = Some(20_800_000);
        let f = plan_total_differs_from_document(&i);
        assert_eq!(
            f[0].message,
            "The lines of the 2013 work plan add up to 10,700.00 USD, but the project document gives 208,000.00 USD for 2013: 197,300.00 USD less."
        );
        i.plans[0].document_total_minor = None;
        assert!(plan_total_differs_from_document(&i).is_empty());
    }

    #[test]
    fn findings_come_errors_first() {
        let mut i = input();
        i.lines[1].amount_minor = 71_000; // GMS warning; the document total is off too (error)
        let f = run(&i);
        assert_eq!(f.iter().map(|f| f.severity).collect::<Vec<_>>(), [Severity::Error, Severity::Warning]);
        assert_eq!(f[0].check, CheckKind::PlanTotalDiffersFromDocument);
    }
}
