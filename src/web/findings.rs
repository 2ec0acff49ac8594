//! A finance check's finding in the page's language. The checks give each finding its
//! sentence as data ([`FindingText`]); the pages write it through the web catalogue (section
//! "Finance check findings"), whose English text is exactly the API's `message`.

use super::i18n::Catalogue;
use crate::domain::budget::format_bp;
use crate::domain::finance_checks::{Finding, FindingArg, FindingText};
use crate::domain::money::Money;
use fluent_bundle::FluentValue;

/// The finding's sentence as the page's language writes it.
pub fn message(c: &Catalogue, f: &Finding) -> String {
    // A finding made without its words (none today) keeps its English sentence.
    if f.text.key.is_empty() { f.message.clone() } else { text(c, &f.text) }
}

/// `t` with every argument written first (as strings, so that Fluent adds no grouping).
fn text(c: &Catalogue, t: &FindingText) -> String {
    let args: Vec<(&str, FluentValue)> = t.args.iter().map(|(k, v)| (*k, FluentValue::from(arg(c, v)))).collect();
    c.t(t.key, &args)
}

fn arg(c: &Catalogue, a: &FindingArg) -> String {
    let l = &c.locale;
    // English separators swapped for the page's: `303,333.00 USD` is `303 333,00 USD` in Russian.
    let local = |s: String| -> String {
        s.chars()
            .map(|ch| match ch {
                ',' => l.group.clone(),
                '.' => l.decimal.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    match a {
        FindingArg::Money { minor, currency } => local(Money::new(*minor, currency).to_string()),
        FindingArg::Text(s) => s.clone(),
        FindingArg::Number(n) => n.to_string(),
        FindingArg::Rate(bp) => local(format_bp(*bp)),
        FindingArg::Date(d) => c.day(*d),
        FindingArg::Nested(t) => text(c, t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::budget::RateUse;
    use crate::domain::finance_checks::{self, CheckInput, CheckKind, CheckLine, CheckPlan, CheckSource, CheckSpend};
    use crate::web::i18n::catalogue;
    use chrono::NaiveDate;
    use std::collections::{BTreeMap, BTreeSet};

    fn line(id: i64, plan: i64, source: i64, account: &str, heading: Option<i32>, amount: i64) -> CheckLine {
        CheckLine {
            id,
            plan_id: plan,
            lineage_id: id,
            source_id: source,
            source_code: ["RB", "UNDP", "EU"][source as usize - 1].into(),
            account_code: account.into(),
            description: "Local consultants".into(),
            activity_code: Some("1.1.1".into()),
            marks: Some([true, false, false, false]),
            heading,
            amount_minor: amount,
            phasing: None,
        }
    }

    fn spend(id: i64, lineage: i64, date: (i32, u32, u32), amount: i64) -> CheckSpend {
        CheckSpend {
            id,
            lineage_id: lineage,
            date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            amount_minor: amount,
            currency: "USD".into(),
            ledger_amount_minor: amount,
            ledger_currency: "USD".into(),
            rate: None,
        }
    }

    fn plan(id: i64, year: i32, revision: i32, doc: Option<i64>) -> CheckPlan {
        CheckPlan { id, year, revision, currency: "USD".into(), document_total_minor: doc }
    }

    fn source(id: i64, code: &str, contribution: Result<i64, &str>, rate: Option<i32>) -> CheckSource {
        CheckSource {
            id,
            code: code.into(),
            contribution_ledger_minor: contribution.map_err(str::to_string),
            indirect_rate_bp: rate,
        }
    }

    /// Inputs between them finding every check kind in each of its wordings.
    fn inputs() -> Vec<CheckInput> {
        let base = CheckInput {
            currency: "USD".into(),
            plans: vec![plan(1, 2013, 1, Some(20_800_000)), plan(2, 2014, 2, Some(1))],
            lines: vec![
                line(10, 1, 1, "71300", Some(1), 1_000_000),
                line(11, 1, 1, "75105", Some(7), 70_500),
                line(12, 2, 2, "71250", None, 500_000),
                line(13, 2, 3, "72100", Some(5), 2_000_000),
                line(14, 2, 3, "75105", Some(7), 1),
                line(15, 1, 2, "71300", Some(1), 300_000),
            ],
            spending: vec![
                spend(1, 10, (2013, 2, 1), 900_000),
                spend(2, 10, (2013, 8, 15), 450_000),
                spend(3, 15, (2013, 3, 1), 1),
            ],
            sources: vec![
                source(1, "RB", Ok(29_333_300), Some(700)),
                source(2, "UNDP", Err("no contribution from UNDP to this project"), None),
                source(3, "EU", Ok(100_000_000), Some(700)),
            ],
            programmed_to_date: BTreeMap::from([(1, 30_333_300), (2, 800_000), (3, 2_000_001)]),
            last_year: Some(2014),
        };
        let mut second = base.clone();
        second.last_year = None;
        second.plans = vec![plan(1, 2013, 1, Some(1)), plan(2, 2014, 3, None)];
        second.lines[0].phasing = Some([500_000, 500_000, 0, 1]);
        second.lines[1].amount_minor = 69_000;
        second.lines[5].activity_code = None;
        second.lines[5].marks = None;
        second.lines[5].heading = None;
        second.lines[1].marks = Some([false; 4]);
        second.spending.push(spend(4, 11, (2013, 5, 5), 100));
        let mut kzt = spend(7, 10, (2013, 3, 20), 22_500_000);
        kzt.currency = "KZT".into();
        kzt.rate = Some((150_710_000, RateUse::Divide));
        kzt.ledger_amount_minor = 150_000;
        let mut eur = spend(8, 10, (2013, 3, 21), 100);
        eur.currency = "EUR".into();
        second.spending.extend([kzt, eur]);
        second.sources[1].contribution_ledger_minor = Err("no exchange rate between EUR and USD up to 2013-12".into());
        second.sources[2].indirect_rate_bp = None;
        second.programmed_to_date.insert(3, 300_000_000);
        let mut third = second.clone();
        third.sources[1].contribution_ledger_minor = Err("the contribution is too large to convert".into());
        third.sources[2].contribution_ledger_minor = Err("something the store says one day".into());
        third.lines[0].phasing = Some([i64::MAX, i64::MAX, 0, 0]);
        third.lines.retain(|l| l.id != 11);
        vec![base, second, third]
    }

    #[test]
    fn the_english_catalogue_writes_exactly_the_message() {
        let en = catalogue("en");
        let mut kinds = BTreeSet::new();
        let mut keys = BTreeSet::new();
        for input in inputs() {
            for f in finance_checks::run(&input) {
                assert_eq!(message(&en, &f), f.message, "{:?}", f.text);
                kinds.insert(f.check.as_str());
                keys.insert(f.text.key);
            }
        }
        let all = [
            CheckKind::ExpenditureOverBudget,
            CheckKind::BudgetOverContribution,
            CheckKind::IndirectCostMismatch,
            CheckKind::SpendingOutsidePlannedQuarter,
            CheckKind::AccountNotInCatalogue,
            CheckKind::TotalsDoNotAddUp,
            CheckKind::PlanTotalDiffersFromDocument,
        ];
        assert_eq!(kinds, all.iter().map(|k| k.as_str()).collect(), "every check kind is tried");
        // Every wording of every check (and the reasons a contribution is not comparable).
        assert_eq!(keys.len(), 13, "{keys:?}");
    }

    #[test]
    fn a_russian_page_writes_the_finding_in_russian() {
        let ru = catalogue("ru");
        let en = catalogue("en");
        for input in inputs() {
            for f in finance_checks::run(&input) {
                let text = message(&ru, &f);
                assert_ne!(text, f.message);
                // No English sentence left: none of the English message's words of four
                // letters or more (names such as "Local consultants" aside).
                for w in f.message.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() >= 4) {
                    let is_data = ["Local", "consultants", "UNDP", "something", "store", "says"].contains(&w);
                    assert!(is_data || !text.contains(w), "{w:?} in {text:?}");
                }
                assert_eq!(message(&en, &f), f.message);
            }
        }
        let mut i = inputs().remove(0);
        i.plans.truncate(1);
        let f = finance_checks::budget_over_contribution(&i);
        assert_eq!(
            message(&ru, &f[0]),
            "Планы работ по 2014 год предусматривают 303\u{a0}333,00 USD средств RB, но взнос RB составляет 293\u{a0}333,00 USD: превышение на 10\u{a0}000,00 USD."
        );
        // The cumulative view keeps its year in both wordings ("up to 2014", "по 2014 год"),
        // and says none when the checks run to the end of the plans.
        for f in &f {
            assert!(f.message.starts_with("The work plans up to 2014 programme "), "{}", f.message);
            assert!(message(&ru, f).starts_with("Планы работ по 2014 год предусматривают "), "{}", message(&ru, f));
        }
        assert_eq!(f.len(), 2, "RB over its contribution, UNDP without one");
        i.last_year = None;
        for f in finance_checks::budget_over_contribution(&i) {
            assert!(f.message.starts_with("The work plans programme "), "{}", f.message);
            assert!(message(&ru, &f).starts_with("Планы работ предусматривают "), "{}", message(&ru, &f));
        }
        i.last_year = Some(2014);
        let f = finance_checks::expenditure_over_budget(&i);
        assert_eq!(
            message(&ru, &f[0]),
            "Бюджетная строка 10 (1.1.1, RB, 71300 Local consultants): израсходовано 13\u{a0}500,00 USD при бюджете 10\u{a0}000,00 USD, перерасход 3\u{a0}500,00 USD."
        );
    }
}
