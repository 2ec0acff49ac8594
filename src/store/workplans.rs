//! Annual work plans (AWP): project x year x revision, the activities they schedule (Q1-Q4
//! timeframe marks, responsible party) and their budget lines (activity x funding source x
//! budget account, amount, optional quarterly phasing).
//!
//! Only a draft changes. Approval (the Project Board) locks a plan; a change after that is a
//! revision: a new draft copying the approved plan, which stays readable and becomes
//! `superseded` when the revision is approved. Lines keep a `lineage_id` through revisions, so
//! expenditure booked on one revision counts against the same line in the next.

use super::audit::{self, Actor};
use super::{accounts, check, check_version, currency_code, expect_one_row, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::budget::{INDIRECT_HEADING, WorkPlanStatus, check_phasing, indirect_cost};
use crate::domain::money::Money;
use crate::domain::period::Period;
use crate::domain::results::{ResultLevel, compare_codes};
use crate::error::AppError;
use crate::schema::{
    budget_lines, contributions, expenditures, funding_sources, results, work_plan_activities, work_plans,
};
use crate::store::projects::{self, Project};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

/// The `work_plans` row as stored; [`WorkPlanHeader`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_plans)]
struct WorkPlanHeaderRecord {
    id: i64,
    project_id: i64,
    year: i32,
    revision: i32,
    previous_id: Option<i64>,
    status: crate::domain::budget::WorkPlanStatus,
    title: Option<String>,
    currency: String,
    document_total_minor: Option<i64>,
    revision_reason: Option<String>,
    approved_on: Option<NaiveDate>,
    approved_by: Option<i64>,
    notes: Option<String>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// A work plan without its activities and lines (lists, audit entries).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkPlanHeader {
    pub id: i64,
    pub project_id: i64,
    pub year: i32,
    /// 1 for the plan as first approved, then 2, 3, ... for each revision.
    pub revision: i32,
    /// The revision this one revises.
    pub previous_id: Option<i64>,
    pub status: crate::domain::budget::WorkPlanStatus,
    pub title: Option<String>,
    /// The plan's currency: the project's ledger currency.
    pub currency: String,
    /// The project document's budget for the year (checked against the lines).
    pub document_total_minor: Option<i64>,
    /// Why this revision was made.
    pub revision_reason: Option<String>,
    /// The Project Board's date.
    pub approved_on: Option<NaiveDate>,
    pub approved_by: Option<i64>,
    pub notes: Option<String>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<WorkPlanHeaderRecord> for WorkPlanHeader {
    fn from(r: WorkPlanHeaderRecord) -> Self {
        WorkPlanHeader {
            id: r.id,
            project_id: r.project_id,
            year: r.year,
            revision: r.revision,
            previous_id: r.previous_id,
            status: r.status,
            title: r.title,
            currency: r.currency,
            document_total_minor: r.document_total_minor,
            revision_reason: r.revision_reason,
            approved_on: r.approved_on,
            approved_by: r.approved_by,
            notes: r.notes,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

impl WorkPlanHeader {
    pub fn status(&self) -> WorkPlanStatus {
        self.status
    }

    /// `the 2013 work plan (revision 2)`
    pub fn label(&self) -> String {
        format!("the {} work plan (revision {})", self.year, self.revision)
    }
}

/// A plan in a list, with its total.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkPlanListItem {
    #[serde(flatten)]
    pub plan: WorkPlanHeader,
    pub total_minor: i64,
    pub line_count: usize,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = work_plan_activities)]
struct ActivityRecord {
    id: i64,
    work_plan_id: i64,
    result_id: i64,
    q1: bool,
    q2: bool,
    q3: bool,
    q4: bool,
    responsible_party: String,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

impl ActivityRecord {
    fn marks(&self) -> [bool; 4] {
        [self.q1, self.q2, self.q3, self.q4]
    }
}

/// An activity scheduled by a plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanActivity {
    pub id: i64,
    pub work_plan_id: i64,
    /// The activity in the results framework (level `activity`).
    pub result_id: i64,
    pub code: String,
    pub title: String,
    /// Timeframe: the quarters (1-4) the activity is planned in.
    pub quarters: Vec<u8>,
    pub responsible_party: String,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = budget_lines)]
pub(crate) struct LineRecord {
    pub id: i64,
    pub work_plan_id: i64,
    pub activity_id: Option<i64>,
    pub funding_source_id: i64,
    pub account_code: String,
    pub description: String,
    pub amount_minor: i64,
    pub currency: String,
    pub q1_minor: Option<i64>,
    pub q2_minor: Option<i64>,
    pub q3_minor: Option<i64>,
    pub q4_minor: Option<i64>,
    pub lineage_id: i64,
    pub version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    pub updated_at: NaiveDateTime,
}

impl LineRecord {
    /// The phasing when one is stored (a partly stored one reads its gaps as 0, so the
    /// finance checks see that it does not add up).
    pub fn phasing(&self) -> Option<[i64; 4]> {
        let q = [self.q1_minor, self.q2_minor, self.q3_minor, self.q4_minor];
        q.iter().any(Option::is_some).then(|| q.map(|v| v.unwrap_or(0)))
    }
}

/// A budget line, with the names a reader needs next to the ids.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BudgetLine {
    pub id: i64,
    pub work_plan_id: i64,
    /// The plan activity (`/work-plans/{id}` lists them); none for plan-level lines such as GMS.
    pub activity_id: Option<i64>,
    /// The activity's code in the results framework, e.g. `1.1.1.2`.
    pub activity_code: Option<String>,
    pub funding_source_id: i64,
    pub source_code: String,
    /// Account of the catalogue, e.g. `72100`.
    pub account_code: String,
    /// `None` when the account is no longer in the catalogue.
    pub account_name: Option<String>,
    pub eu_heading: Option<i32>,
    pub description: String,
    pub amount_minor: i64,
    pub currency: String,
    /// Q1-Q4 amounts adding up to `amount_minor`, when the line is phased.
    pub phasing: Option<[i64; 4]>,
    /// The id of the line's first version; the same through revisions.
    pub lineage_id: i64,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

/// Totals of one funding source in a plan, with the indirect cost its agreement calls for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SourceTotal {
    pub funding_source_id: i64,
    pub source_code: String,
    /// Lines on accounts of EU headings 1-6.
    pub direct_minor: i64,
    /// Lines on indirect-cost accounts (heading 7, e.g. 75100 GMS) as planned.
    pub indirect_minor: i64,
    /// The contribution's indirect-cost rate, basis points.
    pub indirect_rate_bp: Option<i32>,
    /// `direct_minor` x rate, half away from zero: the GMS line as it should be.
    pub indirect_expected_minor: Option<i64>,
    pub total_minor: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanTotals {
    pub total_minor: i64,
    pub direct_minor: i64,
    pub indirect_minor: i64,
    /// By funding source, ordered by source code; they add up to `total_minor`.
    pub by_source: Vec<SourceTotal>,
}

/// A whole work plan as `GET /work-plans/{id}` returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkPlan {
    #[serde(flatten)]
    pub plan: WorkPlanHeader,
    /// Activities ordered by code.
    pub activities: Vec<PlanActivity>,
    /// Lines ordered by activity code (plan-level lines last), then id.
    pub lines: Vec<BudgetLine>,
    pub totals: PlanTotals,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkPlanInput {
    #[schema(example = 2013)]
    pub year: i32,
    #[serde(default)]
    #[validate(length(max = 300, message = "at most 300 characters"))]
    pub title: Option<String>,
    /// The project document's budget for the year, to check the lines against.
    #[serde(default)]
    #[validate(range(min = 0, message = "must not be negative"))]
    #[schema(example = 20800000)]
    pub document_total_minor: Option<i64>,
    #[serde(default)]
    #[validate(length(max = 5000, message = "at most 5000 characters"))]
    pub notes: Option<String>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveInput {
    /// The date of the Project Board that approved the plan.
    #[serde(deserialize_with = "crate::domain::date::iso")]
    pub approved_on: NaiveDate,
    /// The version you read.
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionInput {
    /// Why the approved plan is revised (kept on the revision and in the audit trail).
    #[validate(custom(function = "not_blank"), length(max = 2000, message = "at most 2000 characters"))]
    pub reason: String,
}

fn quarter_list(qs: &[u8]) -> Result<(), ValidationError> {
    let mut seen = [false; 4];
    for q in qs {
        if !(1..=4).contains(q) || std::mem::replace(&mut seen[usize::from(*q) - 1], true) {
            return Err(ValidationError::new("invalid").with_message("quarters 1 to 4, each at most once".into()));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    /// A result of level `activity` of the plan's project.
    pub result_id: i64,
    /// Timeframe: the quarters the activity is planned in, e.g. `[1, 2]`.
    #[validate(custom(function = "quarter_list"))]
    pub quarters: Vec<u8>,
    #[validate(custom(function = "not_blank"), length(max = 300, message = "at most 300 characters"))]
    #[schema(example = "ACSA, UNDP")]
    pub responsible_party: String,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetLineInput {
    /// A plan activity (`activities[].id` of the plan); omit for a plan-level line (GMS).
    #[serde(default)]
    pub activity_id: Option<i64>,
    /// A source with a contribution to the project.
    pub funding_source_id: i64,
    /// An account of the catalogue (`GET /api/v1/budget-accounts`).
    #[schema(example = "72100")]
    pub account_code: String,
    #[validate(custom(function = "not_blank"), length(max = 500, message = "at most 500 characters"))]
    #[schema(example = "Contracts with companies: round table logistics")]
    pub description: String,
    /// Minor units (cents): 1000000 = 10,000.00.
    #[validate(range(min = 0, message = "must not be negative"))]
    #[schema(example = 1000000)]
    pub amount_minor: i64,
    /// The plan's currency (the project's ledger currency).
    #[validate(custom(function = "currency_code"))]
    #[schema(example = "USD")]
    pub currency: String,
    /// Optional Q1-Q4 amounts; they must add up to `amount_minor`.
    #[serde(default)]
    pub phasing: Option<[i64; 4]>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

// ---------------------------------------------------------------------------------------
// Reading

pub fn header(conn: &mut DbConnection, id: i64) -> Result<WorkPlanHeader, AppError> {
    work_plans::table
        .find(id)
        .select(WorkPlanHeaderRecord::as_select())
        .first(conn)
        .optional()?
        .map(WorkPlanHeader::from)
        .ok_or_else(|| AppError::NotFound(format!("work plan {id}")))
}

/// Every plan of a project, every revision, by year and revision.
pub fn list(conn: &mut DbConnection, project_id: i64) -> Result<Vec<WorkPlanListItem>, AppError> {
    let plans: Vec<WorkPlanHeaderRecord> = work_plans::table
        .filter(work_plans::project_id.eq(project_id))
        .order((work_plans::year, work_plans::revision))
        .select(WorkPlanHeaderRecord::as_select())
        .load(conn)?;
    let plans: Vec<WorkPlanHeader> = plans.into_iter().map(WorkPlanHeader::from).collect();
    let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let amounts: Vec<(i64, i64)> = budget_lines::table
        .filter(budget_lines::work_plan_id.eq_any(&ids))
        .select((budget_lines::work_plan_id, budget_lines::amount_minor))
        .load(conn)?;
    let mut sums: HashMap<i64, (i64, usize)> = HashMap::new();
    for (plan, amount) in amounts {
        let e = sums.entry(plan).or_default();
        e.0 += amount;
        e.1 += 1;
    }
    Ok(plans
        .into_iter()
        .map(|p| {
            let (total_minor, line_count) = sums.get(&p.id).copied().unwrap_or_default();
            WorkPlanListItem { plan: p, total_minor, line_count }
        })
        .collect())
}

/// The plan that counts for each year: its approved revision, or its draft while none has
/// been approved yet. Ordered by year.
pub fn current_plans(conn: &mut DbConnection, project_id: i64) -> Result<Vec<WorkPlanHeader>, AppError> {
    let all: Vec<WorkPlanHeaderRecord> = work_plans::table
        .filter(work_plans::project_id.eq(project_id))
        .order((work_plans::year, work_plans::revision))
        .select(WorkPlanHeaderRecord::as_select())
        .load(conn)?;
    let all = all.into_iter().map(WorkPlanHeader::from);
    let mut by_year: BTreeMap<i32, WorkPlanHeader> = BTreeMap::new();
    for p in all {
        match p.status() {
            WorkPlanStatus::Approved => {
                by_year.insert(p.year, p);
            }
            WorkPlanStatus::Draft => {
                if by_year.get(&p.year).is_none_or(|c| c.status() != WorkPlanStatus::Approved) {
                    by_year.insert(p.year, p);
                }
            }
            WorkPlanStatus::Superseded => {}
        }
    }
    Ok(by_year.into_values().collect())
}

/// Names for ids: the project's results, the funding sources and the account catalogue.
pub(crate) struct Names {
    pub results: HashMap<i64, (String, String)>,
    pub sources: HashMap<i64, String>,
    pub accounts: HashMap<String, accounts::BudgetAccount>,
}

impl Names {
    pub fn load(conn: &mut DbConnection, project_id: i64) -> Result<Names, AppError> {
        let results: HashMap<i64, (String, String)> = results::table
            .filter(results::project_id.eq(project_id))
            .select((results::id, results::code, results::title))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, code, title)| (id, (code, title)))
            .collect();
        let sources = funding_sources::table
            .select((funding_sources::id, funding_sources::code))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        Ok(Names { results, sources, accounts: accounts::by_code(conn)? })
    }
}

fn load_activities(conn: &mut DbConnection, plan_ids: &[i64]) -> Result<Vec<ActivityRecord>, AppError> {
    Ok(work_plan_activities::table
        .filter(work_plan_activities::work_plan_id.eq_any(plan_ids))
        .select(ActivityRecord::as_select())
        .load(conn)?)
}

pub(crate) fn load_lines(conn: &mut DbConnection, plan_ids: &[i64]) -> Result<Vec<LineRecord>, AppError> {
    let mut out = vec![];
    // Chunked to stay under SQLite's bound-parameter limit.
    for chunk in plan_ids.chunks(500) {
        out.extend(
            budget_lines::table
                .filter(budget_lines::work_plan_id.eq_any(chunk))
                .order(budget_lines::id)
                .select(LineRecord::as_select())
                .load::<LineRecord>(conn)?,
        );
    }
    Ok(out)
}

fn activity_view(a: ActivityRecord, names: &Names) -> PlanActivity {
    let (code, title) = names.results.get(&a.result_id).cloned().unwrap_or_default();
    PlanActivity {
        id: a.id,
        work_plan_id: a.work_plan_id,
        result_id: a.result_id,
        code,
        title,
        quarters: a.marks().iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| i as u8 + 1).collect(),
        responsible_party: a.responsible_party,
        version: a.version,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

fn line_view(l: LineRecord, activity_codes: &HashMap<i64, String>, names: &Names) -> BudgetLine {
    let account = names.accounts.get(&l.account_code);
    BudgetLine {
        id: l.id,
        work_plan_id: l.work_plan_id,
        activity_code: l.activity_id.and_then(|a| activity_codes.get(&a).cloned()),
        activity_id: l.activity_id,
        funding_source_id: l.funding_source_id,
        source_code: names.sources.get(&l.funding_source_id).cloned().unwrap_or_default(),
        account_name: account.map(|a| a.name.clone()),
        eu_heading: account.map(|a| a.eu_heading),
        phasing: l.phasing(),
        account_code: l.account_code,
        description: l.description,
        amount_minor: l.amount_minor,
        currency: l.currency,
        lineage_id: l.lineage_id,
        version: l.version,
        created_at: l.created_at,
        updated_at: l.updated_at,
    }
}

/// Indirect-cost rates of the project's contributions, by source.
pub(crate) fn contribution_rates(
    conn: &mut DbConnection,
    project_id: i64,
) -> Result<HashMap<i64, Option<i32>>, AppError> {
    Ok(contributions::table
        .filter(contributions::project_id.eq(project_id))
        .select((contributions::funding_source_id, contributions::indirect_rate_bp))
        .load::<(i64, Option<i32>)>(conn)?
        .into_iter()
        .collect())
}

fn totals(lines: &[BudgetLine], rates: &HashMap<i64, Option<i32>>) -> PlanTotals {
    let mut by: BTreeMap<String, SourceTotal> = BTreeMap::new();
    for l in lines {
        let t = by.entry(l.source_code.clone()).or_insert_with(|| SourceTotal {
            funding_source_id: l.funding_source_id,
            source_code: l.source_code.clone(),
            direct_minor: 0,
            indirect_minor: 0,
            indirect_rate_bp: rates.get(&l.funding_source_id).copied().flatten(),
            indirect_expected_minor: None,
            total_minor: 0,
        });
        if l.eu_heading == Some(INDIRECT_HEADING) {
            t.indirect_minor += l.amount_minor;
        } else {
            t.direct_minor += l.amount_minor;
        }
        t.total_minor += l.amount_minor;
    }
    let by_source: Vec<SourceTotal> = by
        .into_values()
        .map(|mut t| {
            t.indirect_expected_minor = t.indirect_rate_bp.map(|r| indirect_cost(t.direct_minor, r));
            t
        })
        .collect();
    PlanTotals {
        total_minor: by_source.iter().map(|t| t.total_minor).sum(),
        direct_minor: by_source.iter().map(|t| t.direct_minor).sum(),
        indirect_minor: by_source.iter().map(|t| t.indirect_minor).sum(),
        by_source,
    }
}

/// A whole plan: activities, lines, totals by source with the indirect cost they call for.
pub fn get(conn: &mut DbConnection, id: i64) -> Result<WorkPlan, AppError> {
    let plan = header(conn, id)?;
    let names = Names::load(conn, plan.project_id)?;
    let mut activities: Vec<PlanActivity> =
        load_activities(conn, &[id])?.into_iter().map(|a| activity_view(a, &names)).collect();
    activities.sort_by(|a, b| compare_codes(&a.code, &b.code));
    let codes: HashMap<i64, String> = activities.iter().map(|a| (a.id, a.code.clone())).collect();
    let mut lines: Vec<BudgetLine> =
        load_lines(conn, &[id])?.into_iter().map(|l| line_view(l, &codes, &names)).collect();
    lines.sort_by(|a, b| match (&a.activity_code, &b.activity_code) {
        (Some(x), Some(y)) => compare_codes(x, y).then(a.id.cmp(&b.id)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    });
    let totals = totals(&lines, &contribution_rates(conn, plan.project_id)?);
    Ok(WorkPlan { plan, activities, lines, totals })
}

// ---------------------------------------------------------------------------------------
// Plans: create, update, delete, approve, revise

/// Approved and superseded plans are locked: a change is a revision.
fn require_draft(plan: &WorkPlanHeader) -> Result<(), AppError> {
    match plan.status() {
        WorkPlanStatus::Draft => Ok(()),
        WorkPlanStatus::Approved => Err(AppError::Conflict {
            message: format!(
                "{} is approved and locked: start a revision (POST /api/v1/work-plans/{}/revisions) to change it",
                plan.label(),
                plan.id
            ),
            field: None,
        }),
        WorkPlanStatus::Superseded => Err(AppError::Conflict {
            message: format!("{} is superseded by a later revision and kept read-only", plan.label()),
            field: None,
        }),
    }
}

fn year_errors(project: &Project, year: i32) -> Vec<FieldError> {
    if !(1900..=2200).contains(&year) || !Period::Year(year).overlaps(project.start_date, project.end_date) {
        vec![FieldError::new(
            "year",
            format!("{year} is outside the project ({} to {})", project.start_date, project.end_date),
        )]
    } else {
        vec![]
    }
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: i64,
    input: &WorkPlanInput,
) -> Result<WorkPlanHeader, AppError> {
    let project = projects::get(conn, project_id)?;
    check(input, year_errors(&project, input.year))?;
    let existing: Option<i64> = work_plans::table
        .filter(work_plans::project_id.eq(project_id))
        .filter(work_plans::year.eq(input.year))
        .select(work_plans::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Err(AppError::conflict(
            "year",
            format!("the project has a {} work plan (id {id}): edit its draft or revise it", input.year),
        ));
    }
    let at = now();
    let id = diesel::insert_into(work_plans::table)
        .values((
            work_plans::project_id.eq(project_id),
            work_plans::year.eq(input.year),
            work_plans::revision.eq(1),
            work_plans::status.eq(WorkPlanStatus::Draft.as_str()),
            work_plans::title.eq(input.title.as_deref()),
            work_plans::currency.eq(&project.currency),
            work_plans::document_total_minor.eq(input.document_total_minor),
            work_plans::notes.eq(input.notes.as_deref()),
            work_plans::created_at.eq(at),
            work_plans::updated_at.eq(at),
        ))
        .returning(work_plans::id)
        .get_result::<i64>(conn)?;
    let created = header(conn, id)?;
    audit::created(conn, actor, Some(project_id), "work_plan", id, &created)?;
    Ok(created)
}

pub fn update(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &WorkPlanInput,
) -> Result<WorkPlanHeader, AppError> {
    let sent = required_version(input.version)?;
    let current = header(conn, id)?;
    check_version(current.version, sent, "the work plan")?;
    require_draft(&current)?;
    let mut errs = vec![];
    if input.year != current.year {
        errs.push(FieldError::new(
            "year",
            format!("a plan keeps its year ({}): create a plan for {} instead", current.year, input.year),
        ));
    }
    check(input, errs)?;
    let n = diesel::update(work_plans::table.find(id).filter(work_plans::version.eq(sent)))
        .set((
            work_plans::title.eq(input.title.as_deref()),
            work_plans::document_total_minor.eq(input.document_total_minor),
            work_plans::notes.eq(input.notes.as_deref()),
            work_plans::updated_at.eq(now()),
            work_plans::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the work plan")?;
    let after = header(conn, id)?;
    audit::updated(conn, actor, Some(current.project_id), "work_plan", id, &current, &after)?;
    Ok(after)
}

/// Deletes a draft with its activities and lines (an approved plan is never deleted).
pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let before = get(conn, id)?;
    require_draft(&before.plan)?;
    diesel::delete(budget_lines::table.filter(budget_lines::work_plan_id.eq(id))).execute(conn)?;
    diesel::delete(work_plan_activities::table.filter(work_plan_activities::work_plan_id.eq(id))).execute(conn)?;
    diesel::delete(work_plans::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(before.plan.project_id), "work_plan", id, &before)
}

/// The Project Board approves a draft: it is locked, and the revision it replaces (if any)
/// becomes `superseded`.
pub fn approve(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &ApproveInput,
) -> Result<WorkPlanHeader, AppError> {
    let sent = required_version(input.version)?;
    let current = header(conn, id)?;
    check_version(current.version, sent, "the work plan")?;
    require_draft(&current)?;
    let lines: i64 = budget_lines::table.filter(budget_lines::work_plan_id.eq(id)).count().get_result(conn)?;
    let mut errs = vec![];
    if lines == 0 {
        errs.push(FieldError::new("lines", "a work plan without budget lines cannot be approved"));
    }
    check(input, errs)?;
    let previous: Vec<WorkPlanHeaderRecord> = work_plans::table
        .filter(work_plans::project_id.eq(current.project_id))
        .filter(work_plans::year.eq(current.year))
        .filter(work_plans::status.eq(WorkPlanStatus::Approved.as_str()))
        .select(WorkPlanHeaderRecord::as_select())
        .load(conn)?;
    for p in previous.into_iter().map(WorkPlanHeader::from) {
        diesel::update(work_plans::table.find(p.id))
            .set((
                work_plans::status.eq(WorkPlanStatus::Superseded.as_str()),
                work_plans::updated_at.eq(now()),
                work_plans::version.eq(p.version + 1),
            ))
            .execute(conn)?;
        let after = header(conn, p.id)?;
        let (b, a) = (serde_json::to_value(&p).ok(), serde_json::to_value(&after).ok());
        audit::record(conn, actor, Some(p.project_id), "work_plan", p.id, "supersede", b, a)?;
    }
    let n = diesel::update(work_plans::table.find(id).filter(work_plans::version.eq(sent)))
        .set((
            work_plans::status.eq(WorkPlanStatus::Approved.as_str()),
            work_plans::approved_on.eq(Some(input.approved_on)),
            work_plans::approved_by.eq(actor.user_id),
            work_plans::updated_at.eq(now()),
            work_plans::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the work plan")?;
    let after = header(conn, id)?;
    let (b, a) = (serde_json::to_value(&current).ok(), serde_json::to_value(&after).ok());
    audit::record(conn, actor, Some(current.project_id), "work_plan", id, "approve", b, a)?;
    Ok(after)
}

/// Starts a revision of the approved plan: a new draft with a copy of its activities and
/// lines (lines keep their lineage). The approved plan stays as it is until the revision
/// is approved.
pub fn revise(conn: &mut DbConnection, actor: &Actor, id: i64, input: &RevisionInput) -> Result<WorkPlan, AppError> {
    let source = header(conn, id)?;
    match source.status() {
        WorkPlanStatus::Approved => {}
        WorkPlanStatus::Draft => {
            return Err(AppError::Conflict {
                message: format!("{} is a draft: change it directly, no revision needed", source.label()),
                field: None,
            });
        }
        WorkPlanStatus::Superseded => {
            return Err(AppError::Conflict {
                message: format!("{} is superseded: revise the approved revision of {}", source.label(), source.year),
                field: None,
            });
        }
    }
    check(input, vec![])?;
    let revisions: Vec<(i32, String)> = work_plans::table
        .filter(work_plans::project_id.eq(source.project_id))
        .filter(work_plans::year.eq(source.year))
        .select((work_plans::revision, work_plans::status))
        .load(conn)?;
    if let Some((r, _)) = revisions.iter().find(|(_, s)| s == WorkPlanStatus::Draft.as_str()) {
        return Err(AppError::Conflict {
            message: format!("revision {r} of the {} work plan is already in draft: edit or delete it", source.year),
            field: None,
        });
    }
    let revision = revisions.iter().map(|(r, _)| *r).max().unwrap_or(1) + 1;
    let at = now();
    let new_id = diesel::insert_into(work_plans::table)
        .values((
            work_plans::project_id.eq(source.project_id),
            work_plans::year.eq(source.year),
            work_plans::revision.eq(revision),
            work_plans::previous_id.eq(Some(id)),
            work_plans::status.eq(WorkPlanStatus::Draft.as_str()),
            work_plans::title.eq(source.title.as_deref()),
            work_plans::currency.eq(&source.currency),
            work_plans::document_total_minor.eq(source.document_total_minor),
            work_plans::revision_reason.eq(Some(input.reason.trim())),
            work_plans::notes.eq(source.notes.as_deref()),
            work_plans::created_at.eq(at),
            work_plans::updated_at.eq(at),
        ))
        .returning(work_plans::id)
        .get_result::<i64>(conn)?;
    let mut activity_map: HashMap<i64, i64> = HashMap::new();
    for a in load_activities(conn, &[id])? {
        let copy = diesel::insert_into(work_plan_activities::table)
            .values((
                work_plan_activities::work_plan_id.eq(new_id),
                work_plan_activities::result_id.eq(a.result_id),
                work_plan_activities::q1.eq(a.q1),
                work_plan_activities::q2.eq(a.q2),
                work_plan_activities::q3.eq(a.q3),
                work_plan_activities::q4.eq(a.q4),
                work_plan_activities::responsible_party.eq(&a.responsible_party),
                work_plan_activities::created_at.eq(at),
                work_plan_activities::updated_at.eq(at),
            ))
            .returning(work_plan_activities::id)
            .get_result::<i64>(conn)?;
        activity_map.insert(a.id, copy);
    }
    for l in load_lines(conn, &[id])? {
        diesel::insert_into(budget_lines::table)
            .values((
                budget_lines::work_plan_id.eq(new_id),
                budget_lines::activity_id.eq(l.activity_id.and_then(|a| activity_map.get(&a).copied())),
                budget_lines::funding_source_id.eq(l.funding_source_id),
                budget_lines::account_code.eq(&l.account_code),
                budget_lines::description.eq(&l.description),
                budget_lines::amount_minor.eq(l.amount_minor),
                budget_lines::currency.eq(&l.currency),
                budget_lines::q1_minor.eq(l.q1_minor),
                budget_lines::q2_minor.eq(l.q2_minor),
                budget_lines::q3_minor.eq(l.q3_minor),
                budget_lines::q4_minor.eq(l.q4_minor),
                budget_lines::lineage_id.eq(l.lineage_id),
                budget_lines::created_at.eq(at),
                budget_lines::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    super::totals::still_within(conn, source.project_id, super::totals::Kind::BudgetLines)?;
    let created = get(conn, new_id)?;
    let with_reason = Actor { user_id: actor.user_id, reason: Some(input.reason.trim().to_string()) };
    audit::created(conn, &with_reason, Some(source.project_id), "work_plan", new_id, &created.plan)?;
    Ok(created)
}

// ---------------------------------------------------------------------------------------
// Activities

fn get_activity_record(conn: &mut DbConnection, id: i64) -> Result<ActivityRecord, AppError> {
    work_plan_activities::table
        .find(id)
        .select(ActivityRecord::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("work plan activity {id}")))
}

pub fn get_activity(conn: &mut DbConnection, id: i64) -> Result<(PlanActivity, WorkPlanHeader), AppError> {
    let a = get_activity_record(conn, id)?;
    let plan = header(conn, a.work_plan_id)?;
    let names = Names::load(conn, plan.project_id)?;
    Ok((activity_view(a, &names), plan))
}

fn check_activity(
    conn: &mut DbConnection,
    plan: &WorkPlanHeader,
    input: &ActivityInput,
    except: Option<i64>,
) -> Result<(), AppError> {
    let mut errs = vec![];
    let result: Option<(i64, String, String)> = results::table
        .find(input.result_id)
        .select((results::project_id, results::level, results::code))
        .first(conn)
        .optional()?;
    match result {
        Some((project, level, _)) if project == plan.project_id && level == ResultLevel::Activity.as_str() => {}
        Some((project, level, code)) if project == plan.project_id => errs.push(FieldError::new(
            "result_id",
            format!("result {code} is an {level}: a work plan schedules results of level activity"),
        )),
        _ => errs
            .push(FieldError::new("result_id", format!("result {} is not a result of this project", input.result_id))),
    }
    check(input, errs)?;
    let mut dup = work_plan_activities::table
        .filter(work_plan_activities::work_plan_id.eq(plan.id))
        .filter(work_plan_activities::result_id.eq(input.result_id))
        .select(work_plan_activities::id)
        .into_boxed();
    if let Some(id) = except {
        dup = dup.filter(work_plan_activities::id.ne(id));
    }
    if dup.first::<i64>(conn).optional()?.is_some() {
        return Err(AppError::conflict("result_id", "the plan already schedules this activity: update it instead"));
    }
    Ok(())
}

fn marks_of(quarters: &[u8]) -> [bool; 4] {
    let mut m = [false; 4];
    for q in quarters.iter().filter(|q| (1..=4).contains(*q)) {
        m[usize::from(*q) - 1] = true;
    }
    m
}

pub fn add_activity(
    conn: &mut DbConnection,
    actor: &Actor,
    plan_id: i64,
    input: &ActivityInput,
) -> Result<PlanActivity, AppError> {
    let plan = header(conn, plan_id)?;
    require_draft(&plan)?;
    check_activity(conn, &plan, input, None)?;
    let m = marks_of(&input.quarters);
    let at = now();
    let id = diesel::insert_into(work_plan_activities::table)
        .values((
            work_plan_activities::work_plan_id.eq(plan_id),
            work_plan_activities::result_id.eq(input.result_id),
            work_plan_activities::q1.eq(m[0]),
            work_plan_activities::q2.eq(m[1]),
            work_plan_activities::q3.eq(m[2]),
            work_plan_activities::q4.eq(m[3]),
            work_plan_activities::responsible_party.eq(input.responsible_party.trim()),
            work_plan_activities::created_at.eq(at),
            work_plan_activities::updated_at.eq(at),
        ))
        .returning(work_plan_activities::id)
        .get_result::<i64>(conn)?;
    let (created, _) = get_activity(conn, id)?;
    audit::created(conn, actor, Some(plan.project_id), "work_plan_activity", id, &created)?;
    Ok(created)
}

pub fn update_activity(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &ActivityInput,
) -> Result<PlanActivity, AppError> {
    let sent = required_version(input.version)?;
    let (current, plan) = get_activity(conn, id)?;
    check_version(current.version, sent, "the work plan activity")?;
    require_draft(&plan)?;
    check_activity(conn, &plan, input, Some(id))?;
    let m = marks_of(&input.quarters);
    let n = diesel::update(work_plan_activities::table.find(id).filter(work_plan_activities::version.eq(sent)))
        .set((
            work_plan_activities::result_id.eq(input.result_id),
            work_plan_activities::q1.eq(m[0]),
            work_plan_activities::q2.eq(m[1]),
            work_plan_activities::q3.eq(m[2]),
            work_plan_activities::q4.eq(m[3]),
            work_plan_activities::responsible_party.eq(input.responsible_party.trim()),
            work_plan_activities::updated_at.eq(now()),
            work_plan_activities::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the work plan activity")?;
    let (after, _) = get_activity(conn, id)?;
    audit::updated(conn, actor, Some(plan.project_id), "work_plan_activity", id, &current, &after)?;
    Ok(after)
}

pub fn delete_activity(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let (before, plan) = get_activity(conn, id)?;
    require_draft(&plan)?;
    let lines: i64 = budget_lines::table.filter(budget_lines::activity_id.eq(id)).count().get_result(conn)?;
    if lines > 0 {
        return Err(AppError::Conflict {
            message: format!("activity {} has {lines} budget line(s): delete or move them first", before.code),
            field: None,
        });
    }
    diesel::delete(work_plan_activities::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(plan.project_id), "work_plan_activity", id, &before)
}

// ---------------------------------------------------------------------------------------
// Budget lines

pub fn get_line(conn: &mut DbConnection, id: i64) -> Result<(BudgetLine, WorkPlanHeader), AppError> {
    let l: LineRecord = budget_lines::table
        .find(id)
        .select(LineRecord::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("budget line {id}")))?;
    let plan = header(conn, l.work_plan_id)?;
    let names = Names::load(conn, plan.project_id)?;
    let codes: HashMap<i64, String> = load_activities(conn, &[plan.id])?
        .into_iter()
        .map(|a| activity_view(a, &names))
        .map(|a| (a.id, a.code))
        .collect();
    Ok((line_view(l, &codes, &names), plan))
}

/// The rules a line must pass against the store: its activity is in the plan, its source
/// funds the project, its account is in the catalogue, it is in the plan's currency, its
/// phasing adds up.
fn check_line(conn: &mut DbConnection, plan: &WorkPlanHeader, input: &BudgetLineInput) -> Result<(), AppError> {
    let mut errs = vec![];
    if let Some(a) = input.activity_id {
        let in_plan: Option<i64> =
            work_plan_activities::table.find(a).select(work_plan_activities::work_plan_id).first(conn).optional()?;
        if in_plan != Some(plan.id) {
            errs.push(FieldError::new("activity_id", format!("activity {a} is not an activity of this work plan")));
        }
    }
    let source: Option<String> =
        funding_sources::table.find(input.funding_source_id).select(funding_sources::code).first(conn).optional()?;
    match source {
        None => errs.push(FieldError::new(
            "funding_source_id",
            format!("funding source {} does not exist", input.funding_source_id),
        )),
        Some(code) => {
            let funds: i64 = contributions::table
                .filter(contributions::project_id.eq(plan.project_id))
                .filter(contributions::funding_source_id.eq(input.funding_source_id))
                .count()
                .get_result(conn)?;
            if funds == 0 {
                errs.push(FieldError::new(
                    "funding_source_id",
                    format!("{code} has no contribution to this project: record the contribution first"),
                ));
            }
        }
    }
    if accounts::find_by_code(conn, &input.account_code)?.is_none() {
        errs.push(FieldError::new(
            "account_code",
            format!(
                "unknown account {}: not in the budget-account catalogue (GET /api/v1/budget-accounts)",
                input.account_code
            ),
        ));
    }
    if crate::domain::money::is_known_currency(&input.currency) && input.currency != plan.currency {
        errs.push(FieldError::new(
            "currency",
            format!("the work plan is in {}: budget lines are planned in the project's currency", plan.currency),
        ));
    }
    if let Some(p) = &input.phasing {
        errs.extend(check_phasing(input.amount_minor, &plan.currency, p));
    }
    errs.extend(super::totals::room_for(
        conn,
        plan.project_id,
        super::totals::Kind::BudgetLines,
        input.amount_minor,
        "amount_minor",
    )?);
    check(input, errs)
}

pub fn add_line(
    conn: &mut DbConnection,
    actor: &Actor,
    plan_id: i64,
    input: &BudgetLineInput,
) -> Result<BudgetLine, AppError> {
    let plan = header(conn, plan_id)?;
    require_draft(&plan)?;
    check_line(conn, &plan, input)?;
    let p = input.phasing.map(|p| p.map(Some)).unwrap_or([None; 4]);
    let at = now();
    let id = diesel::insert_into(budget_lines::table)
        .values((
            budget_lines::work_plan_id.eq(plan_id),
            budget_lines::activity_id.eq(input.activity_id),
            budget_lines::funding_source_id.eq(input.funding_source_id),
            budget_lines::account_code.eq(&input.account_code),
            budget_lines::description.eq(input.description.trim()),
            budget_lines::amount_minor.eq(input.amount_minor),
            budget_lines::currency.eq(&input.currency),
            budget_lines::q1_minor.eq(p[0]),
            budget_lines::q2_minor.eq(p[1]),
            budget_lines::q3_minor.eq(p[2]),
            budget_lines::q4_minor.eq(p[3]),
            budget_lines::lineage_id.eq(0),
            budget_lines::created_at.eq(at),
            budget_lines::updated_at.eq(at),
        ))
        .returning(budget_lines::id)
        .get_result::<i64>(conn)?;
    // A new line starts its own lineage.
    diesel::update(budget_lines::table.find(id)).set(budget_lines::lineage_id.eq(id)).execute(conn)?;
    let (created, _) = get_line(conn, id)?;
    audit::created(conn, actor, Some(plan.project_id), "budget_line", id, &created)?;
    Ok(created)
}

pub fn update_line(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i64,
    input: &BudgetLineInput,
) -> Result<BudgetLine, AppError> {
    let sent = required_version(input.version)?;
    let (current, plan) = get_line(conn, id)?;
    check_version(current.version, sent, "the budget line")?;
    require_draft(&plan)?;
    check_line(conn, &plan, input)?;
    let p = input.phasing.map(|p| p.map(Some)).unwrap_or([None; 4]);
    let n = diesel::update(budget_lines::table.find(id).filter(budget_lines::version.eq(sent)))
        .set((
            budget_lines::activity_id.eq(input.activity_id),
            budget_lines::funding_source_id.eq(input.funding_source_id),
            budget_lines::account_code.eq(&input.account_code),
            budget_lines::description.eq(input.description.trim()),
            budget_lines::amount_minor.eq(input.amount_minor),
            budget_lines::currency.eq(&input.currency),
            budget_lines::q1_minor.eq(p[0]),
            budget_lines::q2_minor.eq(p[1]),
            budget_lines::q3_minor.eq(p[2]),
            budget_lines::q4_minor.eq(p[3]),
            budget_lines::updated_at.eq(now()),
            budget_lines::version.eq(sent + 1),
        ))
        .execute(conn)?;
    expect_one_row(n, "the budget line")?;
    let (after, _) = get_line(conn, id)?;
    audit::updated(conn, actor, Some(plan.project_id), "budget_line", id, &current, &after)?;
    Ok(after)
}

/// Expenditure booked on a line's lineage (on any revision of it), in the ledger currency.
pub fn spent_on_lineage(conn: &mut DbConnection, lineage_id: i64) -> Result<(i64, Vec<i64>), AppError> {
    let rows: Vec<(i64, i64)> = expenditures::table
        .inner_join(budget_lines::table)
        .filter(budget_lines::lineage_id.eq(lineage_id))
        .select((expenditures::id, expenditures::ledger_amount_minor))
        .load(conn)?;
    Ok((rows.iter().map(|(_, a)| a).sum(), rows.iter().map(|(id, _)| *id).collect()))
}

/// A line with expenditure cannot leave the plan (its spending would lose its budget):
/// reduce it instead.
pub fn delete_line(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let (before, plan) = get_line(conn, id)?;
    require_draft(&plan)?;
    let (spent, ids) = spent_on_lineage(conn, before.lineage_id)?;
    if !ids.is_empty() {
        return Err(AppError::Conflict {
            message: format!(
                "line {id} has {} of expenditure ({} entries): it cannot be removed, change its amount instead",
                Money::new(spent, &plan.currency),
                ids.len()
            ),
            field: None,
        });
    }
    diesel::delete(budget_lines::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(plan.project_id), "budget_line", id, &before)
}
