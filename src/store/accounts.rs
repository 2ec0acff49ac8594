//! The budget-account catalogue: the UNDP chart of accounts, each account mapped to an EU
//! budget heading so one work plan gives both the UNDP view (by account) and the EU view (by
//! heading). Shipped by migration 000004; administrators change it through the API. Each
//! account also names its line of the EU format (`eu_line`: a sub-line such as `1.1`, the
//! heading itself when the account is not split, `8` for indirect costs), so the EU financial
//! statement shows the sub-lines (migration 2026-12-01-000001).

use super::audit::{self, Actor};
use super::{check, check_version, expect_one_row, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::budget::eu_heading_name;
use crate::domain::eu;
use crate::error::AppError;
use crate::schema::budget_accounts;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = budget_accounts)]
struct AccountRecord {
    id: i64,
    code: String,
    name: String,
    eu_heading: i32,
    eu_line: String,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// One account of the catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BudgetAccount {
    pub id: i64,
    /// Atlas account code, e.g. `71200`.
    pub code: String,
    pub name: String,
    /// EU budget heading 1-7 (7: indirect costs, i.e. the GMS / F&A accounts).
    pub eu_heading: i32,
    /// `Human resources`, `Travel`, ...
    pub eu_heading_name: String,
    /// The line of the EU budget format the account's costs go to in the EU financial
    /// statement: a sub-line of its heading (`1.1` local staff, `1.2` international staff,
    /// `1.3` per diems, `2.1` international travel, `2.2` local transportation, `5.5`
    /// translation, `5.7` conferences, `5.8` visibility, ...), the heading itself when the
    /// account is not split (`5`, `6`), or `8` (indirect costs) for heading 7.
    #[schema(example = "1.2")]
    pub eu_line: String,
    /// `Salaries (gross amounts, international staff)`, ...
    pub eu_line_name: String,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<AccountRecord> for BudgetAccount {
    fn from(r: AccountRecord) -> Self {
        BudgetAccount {
            id: r.id,
            eu_heading_name: eu_heading_name(r.eu_heading).unwrap_or("?").to_string(),
            eu_line_name: eu::line_name(&r.eu_line).unwrap_or("?").to_string(),
            eu_line: r.eu_line,
            code: r.code,
            name: r.name,
            eu_heading: r.eu_heading,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Account codes: digits, e.g. `71200` (Atlas) or a longer ledger code.
pub fn account_code(s: &str) -> Result<(), ValidationError> {
    if (3..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ValidationError::new("invalid").with_message("3-10 digits, e.g. 71200".into()))
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetAccountInput {
    #[validate(custom(function = "account_code"))]
    #[schema(pattern = "^[0-9]{3,10}$")]
    #[schema(example = "71200")]
    pub code: String,
    #[validate(custom(function = "not_blank"), length(max = 200, message = "at most 200 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 200)]
    #[schema(example = "International consultants")]
    pub name: String,
    /// 1 Human resources, 2 Travel, 3 Equipment and supplies, 4 Local office, 5 Other costs
    /// and services, 6 Other, 7 Indirect costs.
    #[validate(range(min = 1, max = 7, message = "an EU budget heading from 1 to 7 (7: indirect costs)"))]
    #[schema(minimum = 1, maximum = 7)]
    pub eu_heading: i32,
    /// The account's line of the EU format, within `eu_heading` (`1.1`, `1.2`, `1.3`, `1`
    /// for heading 1; `8` for heading 7). When absent: on creation the heading itself (`8` for
    /// 7); on update the account keeps its line if it is still of the heading, else the heading.
    #[serde(default)]
    #[schema(example = "1.2")]
    pub eu_line: Option<String>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<BudgetAccount>, AppError> {
    let rows: Vec<AccountRecord> =
        budget_accounts::table.select(AccountRecord::as_select()).order(budget_accounts::code).load(conn)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The catalogue keyed by code.
pub fn by_code(conn: &mut DbConnection) -> Result<HashMap<String, BudgetAccount>, AppError> {
    Ok(list(conn)?.into_iter().map(|a| (a.code.clone(), a)).collect())
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<BudgetAccount, AppError> {
    budget_accounts::table
        .find(id)
        .select(AccountRecord::as_select())
        .first(conn)
        .optional()?
        .map(Into::into)
        .ok_or_else(|| AppError::NotFound(format!("budget account {id}")))
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<BudgetAccount>, AppError> {
    Ok(budget_accounts::table
        .filter(budget_accounts::code.eq(code))
        .select(AccountRecord::as_select())
        .first(conn)
        .optional()?
        .map(Into::into))
}

fn code_taken(conn: &mut DbConnection, code: &str, except: Option<i64>) -> Result<bool, AppError> {
    Ok(find_by_code(conn, code)?.is_some_and(|a| Some(a.id) != except))
}

/// The line an account gets: the one given (which must be of its heading), else `keep` when
/// it is still of the heading, else the heading itself.
fn line_for(input: &BudgetAccountInput, keep: Option<&str>) -> (Vec<FieldError>, String) {
    match input.eu_line.as_deref().map(str::trim) {
        Some(l) if eu::line_fits_heading(l, input.eu_heading) => (vec![], l.to_string()),
        Some(l) => (
            if (1..=7).contains(&input.eu_heading) {
                vec![FieldError::new("eu_line", eu::line_error(l, input.eu_heading))]
            } else {
                vec![]
            },
            String::new(),
        ),
        None => match keep.filter(|k| eu::line_fits_heading(k, input.eu_heading)) {
            Some(k) => (vec![], k.to_string()),
            None => (vec![], eu::default_line(input.eu_heading)),
        },
    }
}

pub fn create(conn: &mut DbConnection, actor: &Actor, input: &BudgetAccountInput) -> Result<BudgetAccount, AppError> {
    let (errs, line) = line_for(input, None);
    check(input, errs)?;
    if code_taken(conn, &input.code, None)? {
        return Err(AppError::conflict("code", format!("account {} is already in the catalogue", input.code)));
    }
    let at = now();
    let id = diesel::insert_into(budget_accounts::table)
        .values((
            budget_accounts::code.eq(&input.code),
            budget_accounts::name.eq(input.name.trim()),
            budget_accounts::eu_heading.eq(input.eu_heading),
            budget_accounts::eu_line.eq(&line),
            budget_accounts::created_at.eq(at),
            budget_accounts::updated_at.eq(at),
        ))
        .returning(budget_accounts::id)
        .get_result::<i64>(conn)?;
    let created = get(conn, id)?;
    audit::created(conn, actor, None, "budget_account", id, &created)?;
    Ok(created)
}

/// Renaming or remapping an account changes every view at once (the catalogue is data);
/// lines keep their account code, so a renumbered code leaves them to the finance checks.
pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &BudgetAccountInput,
) -> Result<BudgetAccount, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the budget account")?;
    let (errs, line) = line_for(input, Some(&current.eu_line));
    check(input, errs)?;
    if code_taken(conn, &input.code, Some(id))? {
        return Err(AppError::conflict("code", format!("account {} is already in the catalogue", input.code)));
    }
    let n = diesel::update(budget_accounts::table.find(id).filter(budget_accounts::version.eq(sent)))
        .set((
            budget_accounts::code.eq(&input.code),
            budget_accounts::name.eq(input.name.trim()),
            budget_accounts::eu_heading.eq(input.eu_heading),
            budget_accounts::eu_line.eq(&line),
            budget_accounts::updated_at.eq(now()),
            budget_accounts::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the budget account")?;
    let after = get(conn, id)?;
    audit::updated(conn, actor, None, "budget_account", id, &current, &after)?;
    Ok(after)
}

/// Retiring an account: lines already on it stay as they are and the finance checks name
/// them (`account_not_in_catalogue`); new lines can no longer use it.
pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let before = get(conn, id)?;
    diesel::delete(budget_accounts::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, None, "budget_account", id, &before)
}
