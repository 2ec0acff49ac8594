//! The EU financial statement of a report, in the EU budget format (PRAG Annex III), gathered
//! for the templates named `eu-*` as [`EuReport`] (`ReportData.eu`).
//!
//! What it shows, all in EUR:
//! - the statement: headings 1-6 with the sub-lines the account catalogue maps to (and those
//!   the agreement budgets), each heading's subtotal, 7 (direct eligible costs, 1-6), 8
//!   (indirect costs: the agreement's rate, at most 7 %, of 7, column by column, half away from
//!   zero) and 9 (7 + 8); columns: the budget of the action (the EU agreement's, stored with the
//!   contribution), expenditure of the reporting period, cumulative expenditure since the start
//!   of the action, % of the budget spent, balance;
//! - the sources of funding: each contribution's budget, funds received and expenditure (its
//!   direct costs plus its share of line 8, shared in proportion to direct costs) since the start;
//! - the EU funds received (the EU instalments, i.e. receipts from EU funding sources) and the
//!   balance of EU funds: received minus the EU's share of the expenditure;
//! - every exchange rate used.
//!
//! **Conversion** ([`ConversionRule`], per contribution agreement): the ledger's expenditure is
//! added up per EU line, funding source and month (`store::finance::monthly_spending`), and
//! each of those sums is converted once, half away from zero: at the UN operational rate of its
//! month (`monthly_rate`, the default), or at the weighted average rate of the EU instalments
//! received in EUR up to the end of the period, Σ EUR received / Σ USD booked, rounded to six
//! decimals (`instalment_rate`). Expenditure booked in EUR keeps its EUR amount. Every figure of
//! the statement is a sum of those converted sums, so every total is the sum of its lines.
//! Funds received in another currency than EUR are converted like expenditure (at their
//! month's rate, or the instalments' rate); a contribution's commitment in another currency at
//! the latest rate up to the end of the period (or the instalments' rate). A month without a
//! stored rate is a 422 naming every missing pair and month, before anything is stored.
//!
//! Accounts mapped to heading 7 (GMS, line 8) are not direct costs: their bookings are left out
//! (and their amount noted), line 8 being the agreement's rate of line 7. Accounts missing from
//! the catalogue count under line 6 and are named.

use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::access::Role;
use crate::domain::budget::{self, Month, RateUse, convert};
use crate::domain::eu::{self, ConversionRule, Figures, Statement};
use crate::domain::progress::Window;
use crate::error::AppError;
use crate::schema::users;
use crate::store::exchange::{self, RateFilter};
use crate::store::expenditures;
use crate::store::finance;
use crate::store::projects::Project;
use crate::store::{accounts, agreements, funding, users as user_store};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The statement's currency.
pub const EUR: &str = "EUR";

/// One line's figures as templates use them.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `1.1`, `5`, ... (the line's number in the EU format).
    pub code: String,
    /// The line's catalogue key suffix (`1-1`): `{{word "eu-interim-line" key}}`.
    pub key: String,
    pub budget_minor: i64,
    pub period_minor: i64,
    pub cumulative_minor: i64,
    pub balance_minor: i64,
    /// Cumulative / budget, in percent; none without a budget.
    pub spent_percent: Option<f64>,
}

impl Row {
    fn new(code: &str, f: &Figures) -> Row {
        Row {
            code: code.to_string(),
            key: code.replace('.', "-"),
            budget_minor: f.budget_minor,
            period_minor: f.period_minor,
            cumulative_minor: f.cumulative_minor,
            balance_minor: f.balance_minor(),
            spent_percent: f.spent_bp().map(|bp| bp as f64 / 100.0),
        }
    }
}

/// A heading (1-6) with its lines and its subtotal.
#[derive(Debug, Clone, Serialize)]
pub struct Heading {
    pub heading: u8,
    pub lines: Vec<Row>,
    pub subtotal: Row,
}

/// A funding source's part in the action.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    pub code: String,
    pub name: String,
    /// `eu`, `undp_core`, `government_cost_sharing`, `other`.
    pub kind: String,
    /// The contribution agreement's amount, in EUR.
    pub budget_minor: i64,
    /// Received from the start to the end of the period, in EUR.
    pub received_minor: i64,
    /// Its direct costs plus its share of the indirect costs, from the start, in EUR.
    pub spent_minor: i64,
    pub budget_share_percent: Option<f64>,
    pub spent_share_percent: Option<f64>,
}

/// An EU instalment (a receipt from an EU funding source).
#[derive(Debug, Clone, Serialize)]
pub struct Instalment {
    pub received_on: NaiveDate,
    pub reference: String,
    /// In EUR.
    pub amount_minor: i64,
    /// As booked in the ledger currency.
    pub ledger_minor: i64,
    pub ledger_currency: String,
    /// The rate it was booked at (pair, month, rate).
    pub pair: Option<String>,
    pub month: Option<String>,
    pub rate: Option<f64>,
    pub rate_decimals: u8,
}

/// A rate the statement used.
#[derive(Debug, Clone, Serialize)]
pub struct RateRow {
    /// `USD/EUR`: 1 USD = `rate` EUR.
    pub pair: String,
    /// The month of a UN operational rate; none for the instalments' weighted average.
    pub month: Option<String>,
    /// `un_operational` or `instalments`.
    pub basis: String,
    pub rate: f64,
    pub rate_micros: i64,
    pub rate_decimals: u8,
    /// Direct-cost expenditure converted at this rate, in the ledger currency and in EUR (the
    /// sum of its lines, each converted and rounded).
    pub ledger_minor: i64,
    pub eur_minor: i64,
}

/// Who prepared the report and who approves it.
#[derive(Debug, Clone, Serialize)]
pub struct Certification {
    /// The user who generated the report (name, else what identified them).
    pub prepared_by: String,
    pub prepared_email: Option<String>,
    /// The project's managers (the role that approves and issues reports), by name; empty when
    /// the project has none (the line is left to be filled in).
    pub approved_by: Vec<String>,
    /// The date the report was generated.
    pub date: NaiveDate,
}

/// The EU financial part of a report (`ReportData.eu`).
#[derive(Debug, Clone, Serialize)]
pub struct EuReport {
    pub currency: String,
    pub ledger_currency: String,
    pub source_code: String,
    pub source_name: String,
    /// The contract number.
    pub agreement_ref: Option<String>,
    /// `monthly_rate` or `instalment_rate`.
    pub conversion_rule: String,
    /// Whether the agreement's budget of the action is recorded (else the budget column is 0).
    pub budget_recorded: bool,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub action_start: NaiveDate,
    pub headings: Vec<Heading>,
    /// Line 7.
    pub direct: Row,
    /// Line 8 and its rate in percent (7.0).
    pub indirect: Row,
    pub indirect_rate_percent: f64,
    /// Line 9.
    pub total: Row,
    pub sources: Vec<SourceRow>,
    pub sources_total: SourceRow,
    pub instalments: Vec<Instalment>,
    pub instalments_total_minor: i64,
    /// EU funds received, the EU's share of the expenditure, and the difference.
    pub eu_received_minor: i64,
    pub eu_spent_minor: i64,
    pub eu_balance_minor: i64,
    pub rates: Vec<RateRow>,
    pub rates_total_ledger_minor: i64,
    pub rates_total_eur_minor: i64,
    /// Indirect costs booked in the ledger (heading-7 accounts), replaced by line 8, in the
    /// ledger currency.
    pub booked_indirect_minor: i64,
    /// Account codes of expenditure not in the catalogue (counted under line 6).
    pub unmapped_accounts: Vec<String>,
    pub certification: Certification,
}

/// How the statement turns ledger amounts into EUR.
enum Converter {
    /// The ledger is in EUR.
    Same,
    /// Monthly UN operational rates: month -> (pair, rate micros, use).
    Monthly(BTreeMap<String, (String, i64, RateUse)>),
    /// One rate (the instalments' weighted average).
    Fixed { pair: String, micros: i64, how: RateUse },
}

/// Where missing rates are collected (pair -> months), so the 422 names them all.
#[derive(Default)]
struct Missing(BTreeMap<String, BTreeSet<String>>);

impl Missing {
    fn add(&mut self, pair: String, month: String) {
        self.0.entry(pair).or_default().insert(month);
    }

    fn into_error(self) -> Option<AppError> {
        if self.0.is_empty() {
            return None;
        }
        let errs = self
            .0
            .into_iter()
            .map(|(pair, months)| {
                let months: Vec<String> = months.into_iter().collect();
                FieldError::new(
                    "exchange_rate",
                    format!(
                        "the EU statement converts each month at its own rate, but no {pair} rate is stored for {}: record the UN operational rates first (POST /api/v1/exchange-rates)",
                        months.join(", ")
                    ),
                )
            })
            .collect();
        Some(AppError::Validation(errs))
    }
}

impl Converter {
    /// `minor` of the ledger currency in EUR, at the rate of `month`; `None` (and the month
    /// noted) when no rate is stored for it.
    fn eur(&self, ledger: &str, minor: i64, month: Month, missing: &mut Missing) -> Option<(i64, Option<RateKey>)> {
        match self {
            Converter::Same => Some((minor, None)),
            Converter::Fixed { pair, micros, how } => {
                Some((convert(minor, ledger, EUR, *micros, *how)?, Some((pair.clone(), None, *micros))))
            }
            Converter::Monthly(rates) => {
                let m = month.to_string();
                match rates.get(&m) {
                    Some((pair, micros, how)) => {
                        Some((convert(minor, ledger, EUR, *micros, *how)?, Some((pair.clone(), Some(m), *micros))))
                    }
                    None => {
                        missing.add(format!("{ledger}/{EUR}"), m);
                        None
                    }
                }
            }
        }
    }
}

/// A rate as listed: pair, month (none for the instalments' average), micros.
type RateKey = (String, Option<String>, i64);

fn overflow() -> AppError {
    AppError::field("exchange_rate", "an amount is too large to convert")
}

/// Gathers the EU financial statement for the templates named `eu-*` of a project with an EU
/// contribution; `None` otherwise.
pub fn gather(
    conn: &mut DbConnection,
    project: &Project,
    template: &str,
    window: Window,
    generated_by: &str,
) -> Result<Option<EuReport>, AppError> {
    if !template.starts_with("eu-") {
        return Ok(None);
    }
    let sources = funding::list_sources(conn)?;
    let contributions = funding::list_contributions(conn, project.id)?;
    let kind_of: HashMap<i64, (String, String, String)> =
        sources.iter().map(|s| (s.id, (s.code.clone(), s.name.clone(), s.kind.as_str().to_string()))).collect();
    let Some(eu_c) = contributions.iter().find(|c| kind_of.get(&c.funding_source_id).is_some_and(|s| s.2 == "eu"))
    else {
        return Ok(None);
    };
    let ledger = project.currency.clone();
    let (period_start, period_end) = (window.from.start(), window.to.end());
    let end_month = Month::of(period_end);
    let rule = eu_c.conversion_rule;
    let receipts: Vec<expenditures::Receipt> =
        expenditures::list_receipts(conn, project.id)?.into_iter().filter(|r| r.received_on <= period_end).collect();
    let is_eu = |source: i64| kind_of.get(&source).is_some_and(|s| s.2 == "eu");

    // The conversion of the agreement.
    let mut missing = Missing::default();
    let converter = if ledger == EUR {
        Converter::Same
    } else {
        match rule {
            ConversionRule::MonthlyRate => {
                let mut by_month = BTreeMap::new();
                for r in exchange::list(conn, &RateFilter { currency: Some(EUR.into()), from: None, to: None })? {
                    let pair = format!("{}/{}", r.base_currency, r.quote_currency);
                    if (r.base_currency == ledger && r.quote_currency == EUR)
                        || (r.base_currency == EUR && r.quote_currency == ledger)
                    {
                        by_month
                            .insert(r.month.clone(), (pair.clone(), r.rate_micros, exchange::rate_use(&pair, &ledger)));
                    }
                }
                Converter::Monthly(by_month)
            }
            ConversionRule::InstalmentRate => {
                let paid: Vec<(i64, i64)> = receipts
                    .iter()
                    .filter(|r| is_eu(r.funding_source_id) && r.currency == EUR && r.ledger_currency == ledger)
                    .map(|r| (r.amount_minor, r.ledger_amount_minor))
                    .collect();
                let micros = eu::weighted_rate_micros(&paid, &ledger, EUR).ok_or_else(|| {
                    AppError::field(
                        "conversion_rule",
                        format!(
                            "the EU agreement converts at the rate of the EU instalments received, but no instalment in EUR was received by {period_end}: record the instalments (receipts) or set the contribution's conversion_rule to monthly_rate"
                        ),
                    )
                })?;
                let pair = format!("{ledger}/{EUR}");
                Converter::Fixed { how: exchange::rate_use(&pair, &ledger), pair, micros }
            }
        }
    };

    // Expenditure per EU line, source and month, converted once each.
    let catalogue = accounts::by_code(conn)?;
    let mut shown: Vec<String> = catalogue.values().map(|a| a.eu_line.clone()).collect();
    let mut unmapped: BTreeSet<String> = BTreeSet::new();
    let mut booked_indirect = 0i64;
    let mut grains: BTreeMap<(String, i64, Month), (i64, i64)> = BTreeMap::new();
    for s in finance::monthly_spending(conn, project, period_end, EUR)? {
        let line = match catalogue.get(&s.account) {
            Some(a) if a.eu_line == eu::INDIRECT_LINE => {
                booked_indirect += s.ledger_minor;
                continue;
            }
            Some(a) if eu::heading_of(&a.eu_line).is_some() => a.eu_line.clone(),
            _ => {
                unmapped.insert(s.account.clone());
                "6".to_string()
            }
        };
        let g = grains.entry((line, s.source, s.month)).or_default();
        g.0 += s.ledger_minor;
        g.1 += s.kept_minor;
    }
    let mut figures: BTreeMap<String, Figures> = BTreeMap::new();
    let mut direct_by_source: BTreeMap<i64, i64> = BTreeMap::new();
    let mut used: BTreeMap<RateKey, (i64, i64)> = BTreeMap::new();
    for ((line, source, month), (ledger_minor, kept_minor)) in &grains {
        let Some((converted, key)) = converter.eur(&ledger, *ledger_minor, *month, &mut missing) else {
            continue;
        };
        if let Some(k) = key {
            let u = used.entry(k).or_default();
            u.0 += ledger_minor;
            u.1 += converted;
        }
        let eur = converted.checked_add(*kept_minor).ok_or_else(overflow)?;
        let f = figures.entry(line.clone()).or_default();
        f.cumulative_minor += eur;
        if *month >= Month::of(period_start) {
            f.period_minor += eur;
        }
        *direct_by_source.entry(*source).or_default() += eur;
    }

    // A rate for figures without a month of their own (a commitment in another currency).
    let committed_eur = |conn: &mut DbConnection,
                         amount: i64,
                         currency: &str,
                         missing: &mut Missing,
                         used: &mut BTreeMap<RateKey, (i64, i64)>|
     -> Result<Option<i64>, AppError> {
        if currency == EUR {
            return Ok(Some(amount));
        }
        let in_ledger = if currency == ledger {
            amount
        } else {
            match exchange::latest_up_to(conn, currency, &ledger, end_month)? {
                Some(r) => {
                    convert(amount, currency, &ledger, r.rate_micros, r.use_for(currency)).ok_or_else(overflow)?
                }
                None => {
                    missing.add(format!("{ledger}/{currency}"), format!("{end_month} or earlier"));
                    return Ok(None);
                }
            }
        };
        match &converter {
            Converter::Same => Ok(Some(in_ledger)),
            Converter::Fixed { pair, micros, how } => {
                used.entry((pair.clone(), None, *micros)).or_default();
                Ok(Some(convert(in_ledger, &ledger, EUR, *micros, *how).ok_or_else(overflow)?))
            }
            Converter::Monthly(_) => match exchange::latest_up_to(conn, &ledger, EUR, end_month)? {
                Some(r) => {
                    used.entry((r.pair.clone(), Some(r.month.clone()), r.rate_micros)).or_default();
                    Ok(Some(convert(in_ledger, &ledger, EUR, r.rate_micros, r.use_for(&ledger)).ok_or_else(overflow)?))
                }
                None => {
                    missing.add(format!("{ledger}/{EUR}"), format!("{end_month} or earlier"));
                    Ok(None)
                }
            },
        }
    };

    // The budget of the action: the EU agreement's lines.
    let mut budget_recorded = false;
    for (line, amount) in agreements::lines_of(conn, eu_c.id)? {
        budget_recorded = true;
        let eur = committed_eur(conn, amount, &eu_c.currency, &mut missing, &mut used)?.unwrap_or(0);
        figures.entry(line.clone()).or_default().budget_minor += eur;
        shown.push(line);
    }

    // Funds received per source (EUR as received; other currencies by the rule).
    let mut received: BTreeMap<i64, i64> = BTreeMap::new();
    let mut instalments = vec![];
    for r in &receipts {
        let eur = if r.currency == EUR {
            Some(r.amount_minor)
        } else {
            converter.eur(&ledger, r.ledger_amount_minor, Month::of(r.received_on), &mut missing).map(|(v, key)| {
                if let Some(k) = key {
                    used.entry(k).or_default();
                }
                v
            })
        };
        let Some(eur) = eur else { continue };
        *received.entry(r.funding_source_id).or_default() += eur;
        if is_eu(r.funding_source_id) {
            let rate = r.exchange_rate.as_ref();
            instalments.push(Instalment {
                received_on: r.received_on,
                reference: r.reference.clone(),
                amount_minor: eur,
                ledger_minor: r.ledger_amount_minor,
                ledger_currency: r.ledger_currency.clone(),
                pair: rate.map(|x| x.pair.clone()),
                month: rate.map(|x| x.month.clone()),
                rate: rate.map(|x| x.rate_micros as f64 / budget::RATE_SCALE as f64),
                rate_decimals: rate.map_or(4, |x| eu::rate_decimals(x.rate_micros)),
            });
        }
    }

    // Commitments of every contribution, in EUR.
    let mut committed: BTreeMap<i64, i64> = BTreeMap::new();
    for c in &contributions {
        if let Some(eur) = committed_eur(conn, c.amount_minor, &c.currency, &mut missing, &mut used)? {
            committed.insert(c.funding_source_id, eur);
        }
    }
    if let Some(e) = missing.into_error() {
        return Err(e);
    }

    // The statement, and line 8 shared among the sources.
    let statement: Statement = eu::statement(&figures, &shown, eu_c.indirect_rate_bp);
    let mut source_ids: Vec<i64> =
        contributions.iter().map(|c| c.funding_source_id).chain(direct_by_source.keys().copied()).collect();
    source_ids.sort_by_key(|id| {
        let (code, _, kind) = kind_of.get(id).cloned().unwrap_or_default();
        let rank = ["eu", "undp_core", "government_cost_sharing", "other"].iter().position(|k| *k == kind);
        (rank.unwrap_or(4), code)
    });
    source_ids.dedup();
    let direct: Vec<i64> = source_ids.iter().map(|id| direct_by_source.get(id).copied().unwrap_or(0)).collect();
    let indirect = eu::allocate(statement.indirect.cumulative_minor, &direct);
    let mut rows: Vec<SourceRow> = source_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let (code, name, kind) = kind_of.get(id).cloned().unwrap_or_default();
            SourceRow {
                code,
                name,
                kind,
                budget_minor: committed.get(id).copied().unwrap_or(0),
                received_minor: received.get(id).copied().unwrap_or(0),
                spent_minor: direct[i] + indirect[i],
                budget_share_percent: None,
                spent_share_percent: None,
            }
        })
        .collect();
    let total_of = |f: fn(&SourceRow) -> i64, rows: &[SourceRow]| rows.iter().map(f).sum::<i64>();
    let (tb, tr, ts) = (
        total_of(|r| r.budget_minor, &rows),
        total_of(|r| r.received_minor, &rows),
        total_of(|r| r.spent_minor, &rows),
    );
    let share = |part: i64, whole: i64| budget::delivery_rate_bp(part, whole).map(|bp| bp as f64 / 100.0);
    for r in &mut rows {
        r.budget_share_percent = share(r.budget_minor, tb);
        r.spent_share_percent = share(r.spent_minor, ts);
    }
    let eu_code = kind_of.get(&eu_c.funding_source_id).map(|s| s.0.clone()).unwrap_or_default();
    let eu_spent: i64 = rows.iter().filter(|r| r.kind == "eu").map(|r| r.spent_minor).sum();
    let eu_received: i64 = instalments.iter().map(|i| i.amount_minor).sum();
    let sources_total = SourceRow {
        code: String::new(),
        name: String::new(),
        kind: String::new(),
        budget_minor: tb,
        received_minor: tr,
        spent_minor: ts,
        budget_share_percent: share(tb, tb),
        spent_share_percent: share(ts, ts),
    };

    let rates: Vec<RateRow> = used
        .into_iter()
        .map(|((pair, month, micros), (ledger_minor, eur_minor))| RateRow {
            basis: if month.is_some() { "un_operational" } else { "instalments" }.to_string(),
            pair,
            month,
            rate: micros as f64 / budget::RATE_SCALE as f64,
            rate_micros: micros,
            rate_decimals: eu::rate_decimals(micros),
            ledger_minor,
            eur_minor,
        })
        .collect();

    let (eu_name, approved_by, prepared) = names(conn, project, generated_by, eu_c.funding_source_id, &kind_of)?;
    let headings = statement
        .headings
        .iter()
        .map(|h| Heading {
            heading: h.heading,
            lines: h.lines.iter().map(|l| Row::new(&l.line, &l.figures)).collect(),
            subtotal: Row::new(&h.heading.to_string(), &h.subtotal),
        })
        .collect();
    Ok(Some(EuReport {
        currency: EUR.into(),
        ledger_currency: ledger,
        source_code: eu_code,
        source_name: eu_name,
        agreement_ref: eu_c.agreement_ref.clone(),
        conversion_rule: rule.as_str().into(),
        budget_recorded,
        period_start,
        period_end,
        action_start: project.start_date,
        headings,
        direct: Row::new("7", &statement.direct),
        indirect: Row::new(eu::INDIRECT_LINE, &statement.indirect),
        indirect_rate_percent: f64::from(statement.indirect_rate_bp) / 100.0,
        total: Row::new("9", &statement.total),
        rates_total_ledger_minor: rates.iter().map(|r| r.ledger_minor).sum(),
        rates_total_eur_minor: rates.iter().map(|r| r.eur_minor).sum(),
        rates,
        sources: rows,
        sources_total,
        instalments_total_minor: eu_received,
        instalments,
        eu_received_minor: eu_received,
        eu_spent_minor: eu_spent,
        eu_balance_minor: eu_received - eu_spent,
        booked_indirect_minor: booked_indirect,
        unmapped_accounts: unmapped.into_iter().collect(),
        certification: Certification {
            prepared_by: prepared.0,
            prepared_email: prepared.1,
            approved_by,
            date: chrono::Utc::now().date_naive(),
        },
    }))
}

type Prepared = (String, Option<String>);

/// The EU source's name, the project's managers and the preparer's name.
fn names(
    conn: &mut DbConnection,
    project: &Project,
    generated_by: &str,
    eu_source: i64,
    kind_of: &HashMap<i64, (String, String, String)>,
) -> Result<(String, Vec<String>, Prepared), AppError> {
    let eu_name = kind_of.get(&eu_source).map(|s| s.1.clone()).unwrap_or_default();
    let mut approved = vec![];
    for m in user_store::list_members(conn, project.id)?.into_iter().filter(|m| m.role == Role::Manager) {
        let u = user_store::get_user(conn, m.user_id)?;
        if u.active {
            approved.push(u.name);
        }
    }
    let name: Option<String> =
        users::table.filter(users::email.eq(generated_by)).select(users::name).first(conn).optional()?;
    let prepared = match name {
        Some(n) => (n, Some(generated_by.to_string())),
        None => (generated_by.to_string(), None),
    };
    Ok((eu_name, approved, prepared))
}
