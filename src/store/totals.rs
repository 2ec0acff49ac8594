//! The project-wide totals that bound every sum the finance views, checks and reports
//! compute (see [`MAX_TOTAL_MINOR`]): a write that would carry one over is refused with a
//! 422 naming the amount, so no total can wrap, whatever the number of records.

use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::money::{MAX_TOTAL_MINOR, format_minor};
use crate::error::AppError;
use crate::schema::{budget_lines, expenditures, receipts, work_plans};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

/// `SUM(ABS(column))` as a BIGINT on both backends (PostgreSQL sums bigints as numeric).
fn abs_sum(column: &str) -> diesel::expression::SqlLiteral<BigInt> {
    sql::<BigInt>(&format!("CAST(COALESCE(SUM(ABS({column})), 0) AS BIGINT)"))
}

/// The kinds of records whose totals are bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// All budget lines of all work plans (and revisions) of the project.
    BudgetLines,
    /// All expenditures of the project, in the ledger currency.
    Expenditures,
    /// All receipts of the project, in the ledger currency.
    Receipts,
}

impl Kind {
    fn what(self) -> &'static str {
        match self {
            Kind::BudgetLines => "budget lines (all work plans and revisions)",
            Kind::Expenditures => "expenditures",
            Kind::Receipts => "receipts",
        }
    }
}

/// The current total (absolute values) of one kind for a project.
pub fn total(conn: &mut DbConnection, project_id: i64, kind: Kind) -> Result<i64, AppError> {
    Ok(match kind {
        Kind::BudgetLines => budget_lines::table
            .inner_join(work_plans::table)
            .filter(work_plans::project_id.eq(project_id))
            .select(abs_sum("budget_lines.amount_minor"))
            .first(conn)?,
        Kind::Expenditures => expenditures::table
            .filter(expenditures::project_id.eq(project_id))
            .select(abs_sum("expenditures.ledger_amount_minor"))
            .first(conn)?,
        Kind::Receipts => receipts::table
            .filter(receipts::project_id.eq(project_id))
            .select(abs_sum("receipts.ledger_amount_minor"))
            .first(conn)?,
    })
}

/// A 422 on `field` when adding `adding` would carry the project's total of `kind` over
/// [`MAX_TOTAL_MINOR`] (an update is counted as if added: at most one record's worth early).
pub fn room_for(
    conn: &mut DbConnection,
    project_id: i64,
    kind: Kind,
    adding: i64,
    field: &str,
) -> Result<Option<FieldError>, AppError> {
    let now = total(conn, project_id, kind)?;
    let after = i128::from(now) + i128::from(adding.unsigned_abs());
    Ok((after > i128::from(MAX_TOTAL_MINOR)).then(|| {
        FieldError::new(
            field,
            format!(
                "the project's {} would add up to more than {} minor units (10^18): no total may",
                kind.what(),
                format_minor(MAX_TOTAL_MINOR, 0)
            ),
        )
    }))
}

/// After a write that copies records (a work-plan revision): a 409 when the total is now
/// over the bound (the transaction then writes nothing).
pub fn still_within(conn: &mut DbConnection, project_id: i64, kind: Kind) -> Result<(), AppError> {
    match room_for(conn, project_id, kind, 0, "")? {
        None => Ok(()),
        Some(e) => Err(AppError::Conflict { message: e.message, field: None }),
    }
}
