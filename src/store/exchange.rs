//! Monthly exchange rates (UN operational rates) and the conversion of a foreign-currency
//! amount into a project's ledger currency. Rates are exact decimals stored as millionths
//! (`rate_micros`); every converted figure keeps the pair, month and rate it used.

use super::audit::{self, Actor};
use super::{check, check_version, currency_code, expect_one_row, now, required_version};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::budget::{Month, RateUse, convert, format_rate, parse_rate};
use crate::error::AppError;
use crate::schema::exchange_rates;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = exchange_rates)]
struct RateRecord {
    id: i64,
    base_currency: String,
    quote_currency: String,
    month: String,
    rate_micros: i64,
    source: Option<String>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// One monthly rate: 1 `base_currency` = `rate` `quote_currency` (UN operational rates are
/// quoted as local currency per US dollar: base USD, quote KZT, rate 150.65).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExchangeRate {
    pub id: i64,
    pub base_currency: String,
    pub quote_currency: String,
    /// `2013-05`
    pub month: String,
    /// The rate as an exact decimal string, e.g. `150.65`.
    pub rate: String,
    /// The same, in millionths: `150650000`.
    pub rate_micros: i64,
    /// Where the rate comes from, e.g. `UN operational rate`.
    pub source: Option<String>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<RateRecord> for ExchangeRate {
    fn from(r: RateRecord) -> Self {
        ExchangeRate {
            id: r.id,
            rate: format_rate(r.rate_micros),
            base_currency: r.base_currency,
            quote_currency: r.quote_currency,
            month: r.month,
            rate_micros: r.rate_micros,
            source: r.source,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRateInput {
    #[validate(custom(function = "currency_code"))]
    #[schema(pattern = "^[A-Z]{3}$")]
    #[schema(example = "USD")]
    pub base_currency: String,
    #[validate(custom(function = "currency_code"))]
    #[schema(pattern = "^[A-Z]{3}$")]
    #[schema(example = "KZT")]
    pub quote_currency: String,
    #[schema(example = "2013-05")]
    pub month: String,
    /// Units of the quote currency for one unit of the base currency, as a decimal string
    /// with at most six decimals (a JSON number is refused: it is a binary float).
    #[schema(example = "150.65")]
    pub rate: String,
    #[serde(default)]
    #[validate(length(max = 200, message = "at most 200 characters"))]
    #[schema(max_length = 200)]
    pub source: Option<String>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

impl ExchangeRateInput {
    /// The parsed month and rate, or the errors naming `month` and `rate`.
    fn parsed(&self) -> (Vec<FieldError>, Option<(Month, i64)>) {
        let mut errs = vec![];
        let month = self.month.parse::<Month>().map_err(|e| errs.push(FieldError::new("month", e))).ok();
        let rate = parse_rate(&self.rate).map_err(|e| errs.push(FieldError::new("rate", e))).ok();
        if self.base_currency == self.quote_currency {
            errs.push(FieldError::new("quote_currency", "must differ from base_currency"));
        }
        (errs, month.zip(rate))
    }
}

/// Filters of `GET /exchange-rates`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RateFilter {
    /// Either currency of the pair, e.g. `KZT`.
    pub currency: Option<String>,
    /// First month included (`2013-01`).
    pub from: Option<String>,
    /// Last month included (`2013-12`).
    pub to: Option<String>,
}

pub fn list(conn: &mut DbConnection, f: &RateFilter) -> Result<Vec<ExchangeRate>, AppError> {
    let mut q = exchange_rates::table.select(RateRecord::as_select()).into_boxed();
    if let Some(c) = &f.currency {
        q = q.filter(exchange_rates::base_currency.eq(c.clone()).or(exchange_rates::quote_currency.eq(c.clone())));
    }
    for (value, is_from) in [(&f.from, true), (&f.to, false)] {
        if let Some(m) = value {
            let m = m.parse::<Month>().map_err(|e| AppError::BadRequest(e.to_string()))?.to_string();
            q = if is_from { q.filter(exchange_rates::month.ge(m)) } else { q.filter(exchange_rates::month.le(m)) };
        }
    }
    let rows: Vec<RateRecord> =
        q.order((exchange_rates::base_currency, exchange_rates::quote_currency, exchange_rates::month)).load(conn)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<ExchangeRate, AppError> {
    exchange_rates::table
        .find(id)
        .select(RateRecord::as_select())
        .first(conn)
        .optional()?
        .map(Into::into)
        .ok_or_else(|| AppError::NotFound(format!("exchange rate {id}")))
}

fn find(conn: &mut DbConnection, base: &str, quote: &str, month: &str) -> Result<Option<RateRecord>, AppError> {
    Ok(exchange_rates::table
        .filter(exchange_rates::base_currency.eq(base))
        .filter(exchange_rates::quote_currency.eq(quote))
        .filter(exchange_rates::month.eq(month))
        .select(RateRecord::as_select())
        .first(conn)
        .optional()?)
}

/// One rate per pair and month, in one direction only (USD/KZT or KZT/USD, not both), so
/// a conversion never has two answers.
fn check_unique(
    conn: &mut DbConnection,
    input: &ExchangeRateInput,
    month: &str,
    except: Option<i64>,
) -> Result<(), AppError> {
    let (b, q) = (&input.base_currency, &input.quote_currency);
    if find(conn, b, q, month)?.is_some_and(|r| Some(r.id) != except) {
        return Err(AppError::conflict("month", format!("a {b}/{q} rate for {month} exists: update it instead")));
    }
    if find(conn, q, b, month)?.is_some_and(|r| Some(r.id) != except) {
        return Err(AppError::conflict(
            "base_currency",
            format!("a {q}/{b} rate for {month} exists: keep one direction per pair and month"),
        ));
    }
    Ok(())
}

pub fn create(conn: &mut DbConnection, actor: &Actor, input: &ExchangeRateInput) -> Result<ExchangeRate, AppError> {
    let (errs, parsed) = input.parsed();
    check(input, errs)?;
    let (month, micros) = parsed.expect("checked");
    let month = month.to_string();
    check_unique(conn, input, &month, None)?;
    let at = now();
    let id = diesel::insert_into(exchange_rates::table)
        .values((
            exchange_rates::base_currency.eq(&input.base_currency),
            exchange_rates::quote_currency.eq(&input.quote_currency),
            exchange_rates::month.eq(&month),
            exchange_rates::rate_micros.eq(micros),
            exchange_rates::source.eq(input.source.as_deref()),
            exchange_rates::created_at.eq(at),
            exchange_rates::updated_at.eq(at),
        ))
        .returning(exchange_rates::id)
        .get_result::<i64>(conn)?;
    let created = get(conn, id)?;
    audit::created(conn, actor, None, "exchange_rate", id, &created)?;
    Ok(created)
}

/// Correcting a rate does not touch figures already converted with it: each keeps the rate
/// it used (re-saving an expenditure converts it again at the month's rate of that moment).
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &ExchangeRateInput,
) -> Result<ExchangeRate, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the exchange rate")?;
    let (errs, parsed) = input.parsed();
    check(input, errs)?;
    let (month, micros) = parsed.expect("checked");
    let month = month.to_string();
    check_unique(conn, input, &month, Some(id))?;
    let n = diesel::update(exchange_rates::table.find(id).filter(exchange_rates::version.eq(sent)))
        .set((
            exchange_rates::base_currency.eq(&input.base_currency),
            exchange_rates::quote_currency.eq(&input.quote_currency),
            exchange_rates::month.eq(&month),
            exchange_rates::rate_micros.eq(micros),
            exchange_rates::source.eq(input.source.as_deref()),
            exchange_rates::updated_at.eq(now()),
            exchange_rates::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the exchange rate")?;
    let after = get(conn, id)?;
    audit::updated(conn, actor, None, "exchange_rate", id, &current, &after)?;
    Ok(after)
}

pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let before = get(conn, id)?;
    diesel::delete(exchange_rates::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, None, "exchange_rate", id, &before)
}

/// The rate a converted figure used, shown with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RateUsed {
    /// `USD/KZT`: one USD = `rate` KZT.
    pub pair: String,
    /// `2013-05`
    pub month: String,
    pub rate: String,
    pub rate_micros: i64,
}

impl RateUsed {
    pub fn from_parts(pair: Option<String>, month: Option<String>, micros: Option<i64>) -> Option<RateUsed> {
        match (pair, month, micros) {
            (Some(pair), Some(month), Some(m)) => Some(RateUsed { pair, month, rate: format_rate(m), rate_micros: m }),
            _ => None,
        }
    }

    /// How the rate turns `from` into the other currency of its pair.
    pub fn use_for(&self, from: &str) -> RateUse {
        rate_use(&self.pair, from)
    }
}

/// A pair `BASE/QUOTE` turns its base into its quote by multiplying, its quote into its base
/// by dividing.
pub fn rate_use(pair: &str, from: &str) -> RateUse {
    if pair.split('/').next() == Some(from) { RateUse::Multiply } else { RateUse::Divide }
}

/// An amount converted into the ledger currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub ledger_minor: i64,
    pub rate: Option<RateUsed>,
}

/// The stored rate between two currencies for a month, in either direction.
pub fn rate_for(conn: &mut DbConnection, from: &str, to: &str, month: &str) -> Result<Option<RateUsed>, AppError> {
    // UN operational rates are quoted per US dollar: look for `to/from` first (USD/KZT
    // for KZT -> USD), then the other direction.
    for (base, quote) in [(to, from), (from, to)] {
        if let Some(r) = find(conn, base, quote, month)? {
            return Ok(Some(RateUsed {
                pair: format!("{base}/{quote}"),
                month: r.month,
                rate: format_rate(r.rate_micros),
                rate_micros: r.rate_micros,
            }));
        }
    }
    Ok(None)
}

/// Converts `amount_minor` of `currency` into `ledger` at the rate of the month of `date`.
/// A missing rate is a 422 on `field` naming the pair and the month.
pub fn to_ledger(
    conn: &mut DbConnection,
    amount_minor: i64,
    currency: &str,
    ledger: &str,
    date: NaiveDate,
    field: &str,
) -> Result<Result<Converted, FieldError>, AppError> {
    if currency == ledger {
        return Ok(Ok(Converted { ledger_minor: amount_minor, rate: None }));
    }
    let month = Month::of(date).to_string();
    let Some(rate) = rate_for(conn, currency, ledger, &month)? else {
        return Ok(Err(FieldError::new(
            field,
            format!(
                "no exchange rate {ledger}/{currency} for {month}: record the month's UN operational rate first (POST /api/v1/exchange-rates)"
            ),
        )));
    };
    match convert(amount_minor, currency, ledger, rate.rate_micros, rate.use_for(currency)) {
        Some(v) if crate::domain::money::amount_problem(v.into()).is_none() => {
            Ok(Ok(Converted { ledger_minor: v, rate: Some(rate) }))
        }
        _ => Ok(Err(FieldError::new(
            "amount_minor",
            format!("too large: converted into {ledger} it would be more than 10^15 minor units"),
        ))),
    }
}

/// The latest stored rate between two currencies up to (and including) `month`, for figures
/// that have no date of their own (a contribution compared with the budget of a period).
pub fn latest_up_to(conn: &mut DbConnection, from: &str, to: &str, month: Month) -> Result<Option<RateUsed>, AppError> {
    let month = month.to_string();
    let mut best: Option<RateUsed> = None;
    for (base, quote) in [(to, from), (from, to)] {
        let r: Option<RateRecord> = exchange_rates::table
            .filter(exchange_rates::base_currency.eq(base))
            .filter(exchange_rates::quote_currency.eq(quote))
            .filter(exchange_rates::month.le(&month))
            .order(exchange_rates::month.desc())
            .select(RateRecord::as_select())
            .first(conn)
            .optional()?;
        if let Some(r) = r.filter(|r| best.as_ref().is_none_or(|b| r.month > b.month)) {
            best = Some(RateUsed {
                pair: format!("{base}/{quote}"),
                month: r.month,
                rate: format_rate(r.rate_micros),
                rate_micros: r.rate_micros,
            });
        }
    }
    Ok(best)
}
