//! The audit trail: every change records who, when, what, and the values before and after,
//! written in the same transaction as the change itself.

use crate::db::DbConnection;
use crate::error::AppError;
use crate::schema::{audit_log, users};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Who makes a change, and why (a reason is required for changes to approved data).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// `None` for the system itself (seed loading, migrations).
    pub user_id: Option<i64>,
    pub reason: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Actor::default()
    }
}

/// Records one change. `before`/`after` are the resource as the API shows it.
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    project_id: Option<i64>,
    entity: &str,
    entity_id: i64,
    action: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), AppError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(super::now()),
            audit_log::user_id.eq(actor.user_id),
            audit_log::project_id.eq(project_id),
            audit_log::entity.eq(entity),
            audit_log::entity_id.eq(entity_id),
            audit_log::action.eq(action),
            audit_log::before_json.eq(before.map(|v| v.to_string())),
            audit_log::after_json.eq(after.map(|v| v.to_string())),
            audit_log::reason.eq(actor.reason.as_deref()),
        ))
        .execute(conn)?;
    Ok(())
}

fn value<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    Some(serde_json::to_value(v).expect("plain data serializes"))
}

/// Shorthands for the three usual entries.
pub fn created<T: Serialize>(
    c: &mut DbConnection,
    actor: &Actor,
    project_id: Option<i64>,
    entity: &str,
    id: i64,
    after: &T,
) -> Result<(), AppError> {
    record(c, actor, project_id, entity, id, "create", None, value(after))
}

pub fn updated<T: Serialize>(
    c: &mut DbConnection,
    actor: &Actor,
    project_id: Option<i64>,
    entity: &str,
    id: i64,
    before: &T,
    after: &T,
) -> Result<(), AppError> {
    record(c, actor, project_id, entity, id, "update", value(before), value(after))
}

pub fn deleted<T: Serialize>(
    c: &mut DbConnection,
    actor: &Actor,
    project_id: Option<i64>,
    entity: &str,
    id: i64,
    before: &T,
) -> Result<(), AppError> {
    record(c, actor, project_id, entity, id, "delete", value(before), None)
}

/// One entry of the trail as the API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "crate::timestamp")]
    pub at: NaiveDateTime,
    pub user_id: Option<i64>,
    /// The user's email, or `system` for seeds and migrations.
    pub user: String,
    pub project_id: Option<i64>,
    pub entity: String,
    pub entity_id: i64,
    pub action: String,
    /// The entity as it was (`null` for a creation).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The entity as it is now (`null` for a deletion).
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub reason: Option<String>,
}

/// Filters of `GET /projects/{project}/audit`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditFilter {
    /// e.g. `indicator`, `target`, `contribution`
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub user_id: Option<i64>,
    /// `create`, `update`, `delete`, ...
    pub action: Option<String>,
    /// First day included (YYYY-MM-DD).
    #[serde(default, deserialize_with = "crate::domain::date::iso_opt")]
    pub from: Option<NaiveDate>,
    /// Last day included (YYYY-MM-DD).
    #[serde(default, deserialize_with = "crate::domain::date::iso_opt")]
    pub to: Option<NaiveDate>,
    /// At most this many entries, newest first (default 100, max 1000).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Only entries older than this entry id: the next page is `before=` the last id of this
    /// one (the same filters kept). Unlike `offset`, pages neither overlap nor skip entries
    /// when changes are recorded meanwhile.
    #[serde(default, deserialize_with = "before_id")]
    pub before: Option<i64>,
    /// Only entries newer than this entry id, the `limit` of them nearest to it (still newest
    /// first): the page before, `after=` the first id of this one.
    #[serde(default, deserialize_with = "after_id")]
    pub after: Option<i64>,
}

/// `before`/`after` as an entry id; anything else is a 400 that names the parameter.
fn entry_id<'de, D: serde::Deserializer<'de>>(d: D, name: &str) -> Result<Option<i64>, D::Error> {
    let s = <Option<std::borrow::Cow<'de, str>>>::deserialize(d)?;
    s.map(|s| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| serde::de::Error::custom(format!("`{name}` must be an entry id (a whole number, e.g. 1234)")))
    })
    .transpose()
}

fn before_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    entry_id(d, "before")
}

fn after_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    entry_id(d, "after")
}

type Row = (
    i64,
    NaiveDateTime,
    Option<i64>,
    Option<i64>,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Narrows a boxed query of `audit_log` to a project (or everything, with `None`) and the
/// filter's fields, `before`/`after` included (not `limit`/`offset`): one place for the list
/// and the count.
macro_rules! filtered {
    ($q:expr, $project_id:expr, $f:expr) => {{
        let (mut q, project_id, f): (_, Option<i64>, &AuditFilter) = ($q, $project_id, $f);
        if let Some(p) = project_id {
            q = q.filter(audit_log::project_id.eq(p));
        }
        if let Some(e) = &f.entity {
            q = q.filter(audit_log::entity.eq(e.clone()));
        }
        if let Some(id) = f.entity_id {
            q = q.filter(audit_log::entity_id.eq(id));
        }
        if let Some(u) = f.user_id {
            q = q.filter(audit_log::user_id.eq(u));
        }
        if let Some(a) = &f.action {
            q = q.filter(audit_log::action.eq(a.clone()));
        }
        if let Some(from) = f.from {
            q = q.filter(audit_log::at.ge(from.and_hms_opt(0, 0, 0).expect("midnight")));
        }
        if let Some(to) = f.to.and_then(|d| d.succ_opt()) {
            q = q.filter(audit_log::at.lt(to.and_hms_opt(0, 0, 0).expect("midnight")));
        }
        if let Some(before) = f.before {
            q = q.filter(audit_log::id.lt(before));
        }
        if let Some(after) = f.after {
            q = q.filter(audit_log::id.gt(after));
        }
        q
    }};
}

/// How many entries the filter matches (all of them: `limit` and `offset` do not count).
pub fn count(conn: &mut DbConnection, project_id: Option<i64>, f: &AuditFilter) -> Result<i64, AppError> {
    let q = filtered!(audit_log::table.into_boxed(), project_id, f);
    Ok(q.count().get_result(conn)?)
}

/// The trail of one project (or, with `None`, of everything), newest first.
pub fn list(conn: &mut DbConnection, project_id: Option<i64>, f: &AuditFilter) -> Result<Vec<AuditEntry>, AppError> {
    let q = audit_log::table
        .left_join(users::table.on(audit_log::user_id.eq(users::id.nullable())))
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::user_id,
            audit_log::project_id,
            audit_log::entity,
            audit_log::entity_id,
            audit_log::action,
            audit_log::before_json,
            audit_log::after_json,
            audit_log::reason,
            users::email.nullable(),
        ))
        .into_boxed();
    let q = filtered!(q, project_id, f);
    let limit = f.limit.unwrap_or(100).clamp(1, 1000);
    let offset = f.offset.unwrap_or(0).max(0);
    // `after` alone reads upwards from that entry (the nearest ones), then turns them newest first.
    let upwards = f.after.is_some() && f.before.is_none();
    let q = if upwards { q.order(audit_log::id.asc()) } else { q.order(audit_log::id.desc()) };
    let mut rows: Vec<Row> = q.limit(limit).offset(offset).load(conn)?;
    if upwards {
        rows.reverse();
    }
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(rows
        .into_iter()
        .map(|(id, at, user_id, project_id, entity, entity_id, action, before, after, reason, email)| AuditEntry {
            id,
            at,
            user_id,
            user: email.unwrap_or_else(|| "system".into()),
            project_id,
            entity,
            entity_id,
            action,
            before: parse(before),
            after: parse(after),
            reason,
        })
        .collect())
}
