//! Generated reports as immutable snapshots: the bytes, their SHA-256, who made them and when.
//! A manager issues a final (non-draft) report; donors see issued reports only.

use super::audit::{self, Actor};
use super::now;
use crate::db::DbConnection;
use crate::domain::period::Quarter;
use crate::error::AppError;
use crate::reports::Format;
use crate::schema::reports;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

/// The `reports` row as stored; [`ReportMeta`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reports)]
struct ReportMetaRecord {
    id: i64,
    project_id: i64,
    template: String,
    period: String,
    period_from: String,
    period_to: String,
    format: Format,
    file_name: String,
    content_type: String,
    sha256: String,
    size_bytes: i64,
    draft: bool,
    generated_by: Option<i64>,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    generated_at: NaiveDateTime,
    issued_by: Option<i64>,
    #[diesel(deserialize_as = crate::db::MaybeStoredTime)]
    issued_at: Option<NaiveDateTime>,
}

/// A report's metadata (the bytes are downloaded from `/reports/{id}/file`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportMeta {
    pub id: i64,
    pub project_id: i64,
    /// `undp-quarterly`, `eu-interim` or `iptt`.
    pub template: String,
    /// `2025-Q3`, `2025` or `2024-Q3..2025-Q2`.
    pub period: String,
    pub period_from: String,
    pub period_to: String,
    /// `pdf`, `xlsx` or `html`.
    pub format: Format,
    pub file_name: String,
    pub content_type: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    pub size_bytes: i64,
    /// Generated with unapproved data, watermarked "DRAFT".
    pub draft: bool,
    pub generated_by: Option<i64>,
    #[serde(with = "crate::timestamp")]
    pub generated_at: NaiveDateTime,
    pub issued_by: Option<i64>,
    #[serde(with = "crate::timestamp::option")]
    pub issued_at: Option<NaiveDateTime>,
}

impl From<ReportMetaRecord> for ReportMeta {
    fn from(r: ReportMetaRecord) -> Self {
        ReportMeta {
            id: r.id,
            project_id: r.project_id,
            template: r.template,
            period: r.period,
            period_from: r.period_from,
            period_to: r.period_to,
            format: r.format,
            file_name: r.file_name,
            content_type: r.content_type,
            sha256: r.sha256,
            size_bytes: r.size_bytes,
            draft: r.draft,
            generated_by: r.generated_by,
            generated_at: r.generated_at,
            issued_by: r.issued_by,
            issued_at: r.issued_at,
        }
    }
}

/// What a generation produced, ready to store.
pub struct NewReport<'a> {
    pub project_id: i64,
    pub template: &'a str,
    pub period: &'a str,
    pub period_from: &'a str,
    pub period_to: &'a str,
    pub format: Format,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub draft: bool,
}

pub fn insert(conn: &mut DbConnection, actor: &Actor, r: &NewReport) -> Result<ReportMeta, AppError> {
    let id: i64 = diesel::insert_into(reports::table)
        .values((
            reports::project_id.eq(r.project_id),
            reports::template.eq(r.template),
            reports::period.eq(r.period),
            reports::period_from.eq(r.period_from),
            reports::period_to.eq(r.period_to),
            reports::format.eq(r.format),
            reports::file_name.eq(r.file_name),
            reports::content_type.eq(r.content_type),
            reports::sha256.eq(r.sha256),
            reports::size_bytes.eq(r.content.len() as i64),
            reports::content.eq(r.content),
            reports::draft.eq(r.draft),
            reports::generated_by.eq(actor.user_id),
            reports::generated_at.eq(now()),
        ))
        .returning(reports::id)
        .get_result(conn)?;
    let meta = get(conn, id)?;
    audit::created(conn, actor, Some(r.project_id), "report", id, &meta)?;
    Ok(meta)
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<ReportMeta, AppError> {
    reports::table
        .find(id)
        .select(ReportMetaRecord::as_select())
        .first(conn)
        .optional()?
        .map(ReportMeta::from)
        .ok_or_else(|| AppError::NotFound(format!("report {id}")))
}

pub fn content(conn: &mut DbConnection, id: i64) -> Result<Vec<u8>, AppError> {
    Ok(reports::table.find(id).select(reports::content).first(conn)?)
}

/// Newest first; `issued_only` for donors.
pub fn list(conn: &mut DbConnection, project_id: i64, issued_only: bool) -> Result<Vec<ReportMeta>, AppError> {
    let mut q = reports::table.filter(reports::project_id.eq(project_id)).into_boxed();
    if issued_only {
        q = q.filter(reports::issued_at.is_not_null());
    }
    let rows: Vec<ReportMetaRecord> = q.select(ReportMetaRecord::as_select()).order(reports::id.desc()).load(conn)?;
    Ok(rows.into_iter().map(ReportMeta::from).collect())
}

/// Issues a report to the donors. Drafts are never issued; issuing twice changes nothing.
pub fn issue(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<ReportMeta, AppError> {
    let current = get(conn, id)?;
    if current.draft {
        return Err(AppError::Conflict {
            message: "a draft report (with unapproved data) cannot be issued: approve the data and generate it again"
                .into(),
            field: None,
        });
    }
    if current.issued_at.is_some() {
        return Ok(current);
    }
    diesel::update(reports::table.find(id))
        .set((reports::issued_by.eq(actor.user_id), reports::issued_at.eq(Some(now()))))
        .execute(conn)?;
    let after = get(conn, id)?;
    audit::record(
        conn,
        actor,
        Some(current.project_id),
        "report",
        id,
        "issue",
        None,
        serde_json::to_value(&after).ok(),
    )?;
    Ok(after)
}

/// A stored report that used an exchange rate, and how (`GET /exchange-rates/{id}/reports`).
///
/// Reports keep their bytes, not the rates behind their figures, so the use is derived from
/// what a report covers: its project, its period (`period_from`..`period_to`) and the rates
/// its figures were converted at. Expenditure and receipts keep the rate they were converted
/// at (pair and month), so one dated in the period names its rate exactly; a contribution in
/// another currency than the ledger's is converted at the latest rate of its pair up to the
/// period's end, the rule the reports and the finance summary apply.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RateReportUse {
    pub report_id: i64,
    pub project_id: i64,
    pub project_code: String,
    pub template: String,
    pub period: String,
    pub draft: bool,
    pub issued: bool,
    /// `expenditure`, `receipt`, `contribution`: the figures of the period converted at it.
    pub through: Vec<String>,
}

/// A rate a report's figures were converted at, and which figures.
pub struct RateUse {
    pub pair: String,
    pub month: String,
    pub through: &'static str,
}

/// Every stored report with the rates (pair, month) its period's figures were converted at.
/// (A report's period runs from the first day of `period_from` to the last of `period_to`,
/// both quarters.)
pub fn rate_uses(conn: &mut DbConnection) -> Result<Vec<(RateReportUse, Vec<RateUse>)>, AppError> {
    use crate::domain::budget::Month;
    use crate::schema::{contributions, expenditures, projects, receipts};
    let all: Vec<ReportMetaRecord> =
        reports::table.order(reports::id).select(ReportMetaRecord::as_select()).load(conn)?;
    let mut out = vec![];
    for r in all {
        let (Ok(from), Ok(to)) = (r.period_from.parse::<Quarter>(), r.period_to.parse::<Quarter>()) else {
            continue;
        };
        let (from, to) = (from.start(), to.end());
        // (pair, month, through)
        let mut used: Vec<(String, String, &str)> = vec![];
        let spent: Vec<(Option<String>, Option<String>)> = expenditures::table
            .filter(expenditures::project_id.eq(r.project_id))
            .filter(expenditures::spent_on.between(from, to))
            .filter(expenditures::fx_pair.is_not_null())
            .select((expenditures::fx_pair, expenditures::fx_month))
            .distinct()
            .load(conn)?;
        used.extend(spent.into_iter().filter_map(|(p, m)| Some((p?, m?, "expenditure"))));
        let received: Vec<(Option<String>, Option<String>)> = receipts::table
            .filter(receipts::project_id.eq(r.project_id))
            .filter(receipts::received_on.between(from, to))
            .filter(receipts::fx_pair.is_not_null())
            .select((receipts::fx_pair, receipts::fx_month))
            .distinct()
            .load(conn)?;
        used.extend(received.into_iter().filter_map(|(p, m)| Some((p?, m?, "receipt"))));
        let (code, ledger): (String, String) =
            projects::table.find(r.project_id).select((projects::code, projects::currency)).first(conn)?;
        let currencies: Vec<String> = contributions::table
            .filter(contributions::project_id.eq(r.project_id))
            .select(contributions::currency)
            .distinct()
            .load(conn)?;
        for c in currencies.iter().filter(|c| **c != ledger) {
            if let Some(l) = super::exchange::latest_up_to(conn, c, &ledger, Month::of(to))? {
                used.push((l.pair, l.month, "contribution"));
            }
        }
        let meta = RateReportUse {
            report_id: r.id,
            project_id: r.project_id,
            project_code: code,
            template: r.template,
            period: r.period,
            draft: r.draft,
            issued: r.issued_at.is_some(),
            through: vec![],
        };
        out.push((meta, used.into_iter().map(|(pair, month, through)| RateUse { pair, month, through }).collect()));
    }
    Ok(out)
}
