//! The results framework of a project: a tree from impact down to activities.

use super::audit::{self, Actor};
use super::indicators::{self, Indicator};
use super::{check, check_version, expect_one_row, local_code, not_blank, now, required_version};
use crate::db::DbConnection;
use crate::domain::FieldError;
use crate::domain::results::{ResultLevel, check_parent_level, compare_codes};
use crate::error::AppError;
use crate::schema::{indicators as indicators_t, results};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;
use validator::Validate;

/// The `results` row as stored; [`ResultNode`] is what the API sends.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = results)]
struct ResultNodeRecord {
    id: i64,
    project_id: i64,
    parent_id: Option<i64>,
    level: crate::domain::results::ResultLevel,
    code: String,
    title: String,
    description: Option<String>,
    assumptions: Option<String>,
    version: i32,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::StoredTime)]
    updated_at: NaiveDateTime,
}

/// One node of the results framework.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResultNode {
    pub id: i64,
    pub project_id: i64,
    pub parent_id: Option<i64>,
    pub level: crate::domain::results::ResultLevel,
    /// Shows the place in the tree: `1`, `1.2`, `1.2.3`.
    pub code: String,
    pub title: String,
    pub description: Option<String>,
    /// Assumptions (EU logframe): conditions outside the project's control.
    pub assumptions: Option<String>,
    pub version: i32,
    #[serde(with = "crate::timestamp")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::timestamp")]
    pub updated_at: NaiveDateTime,
}

impl From<ResultNodeRecord> for ResultNode {
    fn from(r: ResultNodeRecord) -> Self {
        ResultNode {
            id: r.id,
            project_id: r.project_id,
            parent_id: r.parent_id,
            level: r.level,
            code: r.code,
            title: r.title,
            description: r.description,
            assumptions: r.assumptions,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultInput {
    /// The parent result (same project); none for a top-level result.
    #[serde(default)]
    pub parent_id: Option<i64>,
    pub level: ResultLevel,
    #[validate(custom(function = "local_code"))]
    #[schema(pattern = "^[A-Za-z0-9._-]{1,32}$")]
    #[schema(example = "1.1.2")]
    pub code: String,
    #[validate(custom(function = "not_blank"), length(max = 1000, message = "at most 1000 characters"))]
    #[schema(min_length = 1, pattern = "\\S", max_length = 1000)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub assumptions: Option<String>,
    /// Required on update: the version you read.
    #[serde(default)]
    pub version: Option<i32>,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = results, treat_none_as_null = true)]
struct ResultRow<'a> {
    parent_id: Option<i64>,
    level: &'a str,
    code: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    assumptions: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> From<&'a ResultInput> for ResultRow<'a> {
    fn from(r: &'a ResultInput) -> Self {
        ResultRow {
            parent_id: r.parent_id,
            level: r.level.as_str(),
            code: &r.code,
            title: r.title.trim(),
            description: r.description.as_deref(),
            assumptions: r.assumptions.as_deref(),
            updated_at: now(),
        }
    }
}

/// A result with its indicators and children, as `GET /projects/{id}/results` returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResultTreeNode {
    #[serde(flatten)]
    pub result: ResultNode,
    pub indicators: Vec<Indicator>,
    #[schema(no_recursion)]
    pub children: Vec<ResultTreeNode>,
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<ResultNode, AppError> {
    results::table
        .find(id)
        .select(ResultNodeRecord::as_select())
        .first(conn)
        .optional()?
        .map(ResultNode::from)
        .ok_or_else(|| AppError::NotFound(format!("result {id}")))
}

/// Every result of a project, ordered by code as people read them (`1.2` before `1.10`).
pub fn list(conn: &mut DbConnection, project_id: i64) -> Result<Vec<ResultNode>, AppError> {
    let rows: Vec<ResultNodeRecord> = crate::db::native!(conn, |c| results::table
        .filter(results::project_id.eq(project_id))
        .select(ResultNodeRecord::as_select())
        .load(c))?;
    let mut all: Vec<ResultNode> = rows.into_iter().map(ResultNode::from).collect();
    all.sort_by(|a, b| compare_codes(&a.code, &b.code));
    Ok(all)
}

/// The whole results framework of a project, nested, with indicators and their targets.
pub fn tree(conn: &mut DbConnection, project_id: i64) -> Result<Vec<ResultTreeNode>, AppError> {
    let nodes = list(conn, project_id)?;
    let mut by_result: HashMap<i64, Vec<Indicator>> = HashMap::new();
    for ind in indicators::list(conn, project_id)? {
        by_result.entry(ind.result_id).or_default().push(ind);
    }
    let mut children: HashMap<Option<i64>, Vec<ResultNode>> = HashMap::new();
    for n in nodes {
        children.entry(n.parent_id).or_default().push(n);
    }
    fn build(
        parent: Option<i64>,
        children: &mut HashMap<Option<i64>, Vec<ResultNode>>,
        inds: &mut HashMap<i64, Vec<Indicator>>,
    ) -> Vec<ResultTreeNode> {
        children
            .remove(&parent)
            .unwrap_or_default()
            .into_iter()
            .map(|r| {
                let id = r.id;
                ResultTreeNode {
                    indicators: inds.remove(&id).unwrap_or_default(),
                    children: build(Some(id), children, inds),
                    result: r,
                }
            })
            .collect()
    }
    Ok(build(None, &mut children, &mut by_result))
}

/// Rules that need the store: the parent exists in the same project and sits above.
fn check_placement(
    conn: &mut DbConnection,
    project_id: i64,
    input: &ResultInput,
    self_id: Option<i64>,
) -> Result<Vec<FieldError>, AppError> {
    let mut errs = vec![];
    if let Some(pid) = input.parent_id {
        match results::table.find(pid).select(ResultNodeRecord::as_select()).first(conn).optional()? {
            Some(parent) if parent.project_id == project_id && Some(pid) != self_id => {
                let parent_level = parent.level;
                if let Err(e) = check_parent_level(input.level, parent_level) {
                    errs.push(e);
                }
            }
            _ => errs.push(FieldError::new("parent_id", format!("result {pid} is not a result of this project"))),
        }
    }
    if let Some(id) = self_id {
        // Changing a level must keep every child below it.
        let kids: Vec<String> = results::table.filter(results::parent_id.eq(id)).select(results::level).load(conn)?;
        for kid in kids {
            let kid = ResultLevel::parse(&kid).expect("stored level");
            if kid.depth() <= input.level.depth() {
                errs.push(FieldError::new(
                    "level",
                    format!("a child of level {kid} would no longer be below this result's level {}", input.level),
                ));
                break;
            }
        }
    }
    Ok(errs)
}

fn code_taken(conn: &mut DbConnection, project_id: i64, code: &str, except: Option<i64>) -> Result<bool, AppError> {
    let mut q = results::table
        .filter(results::project_id.eq(project_id))
        .filter(results::code.eq(code))
        .select(results::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(results::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: i64,
    input: &ResultInput,
) -> Result<ResultNode, AppError> {
    let errs = check_placement(conn, project_id, input, None)?;
    check(input, errs)?;
    if code_taken(conn, project_id, &input.code, None)? {
        return Err(AppError::conflict("code", format!("the project already has a result with code {}", input.code)));
    }
    let row = ResultRow::from(input);
    let created_at = row.updated_at;
    let id = diesel::insert_into(results::table)
        .values((&row, results::project_id.eq(project_id), results::created_at.eq(created_at)))
        .returning(results::id)
        .get_result::<i64>(conn)?;
    let created = get(conn, id)?;
    audit::created(conn, actor, Some(project_id), "result", id, &created)?;
    Ok(created)
}

pub fn update(conn: &mut DbConnection, actor: &Actor, id: i64, input: &ResultInput) -> Result<ResultNode, AppError> {
    let sent = required_version(input.version)?;
    let current = get(conn, id)?;
    check_version(current.version, sent, "the result")?;
    let errs = check_placement(conn, current.project_id, input, Some(id))?;
    check(input, errs)?;
    if code_taken(conn, current.project_id, &input.code, Some(id))? {
        return Err(AppError::conflict("code", format!("the project already has a result with code {}", input.code)));
    }
    let n = diesel::update(results::table.find(id).filter(results::version.eq(sent)))
        .set((&ResultRow::from(input), results::version.eq(sent + 1)))
        .execute(conn)?;
    expect_one_row(n, "the result")?;
    let after = get(conn, id)?;
    audit::updated(conn, actor, Some(current.project_id), "result", id, &current, &after)?;
    Ok(after)
}

pub fn delete(conn: &mut DbConnection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let r = get(conn, id)?;
    let kids: i64 = results::table.filter(results::parent_id.eq(id)).count().get_result(conn)?;
    let inds: i64 = indicators_t::table.filter(indicators_t::result_id.eq(id)).count().get_result(conn)?;
    if kids + inds > 0 {
        return Err(AppError::Conflict {
            message: format!(
                "result {} still has {kids} child results and {inds} indicators: delete them first",
                r.code
            ),
            field: None,
        });
    }
    diesel::delete(results::table.find(id)).execute(conn)?;
    audit::deleted(conn, actor, Some(r.project_id), "result", id, &r)
}
