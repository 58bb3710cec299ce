//! `pg_prepared_statements` and `pg_cursors`: the session's prepared
//! statements and open cursors, which the session describes through
//! [`SessionPortals`].

use super::rows::{array, Rows};
use super::SystemContext;
use crate::types::{DataType, Value};

/// A prepared statement as `pg_prepared_statements` shows it.
#[derive(Clone, Debug)]
pub struct PreparedInfo {
    pub name: String,
    /// The query text the client sent to prepare it.
    pub statement: String,
    /// µs since 2000-01-01 UTC.
    pub prepare_time: i64,
    pub param_types: Vec<DataType>,
    /// Prepared by SQL `PREPARE` (not by the protocol's Parse message).
    pub from_sql: bool,
    pub generic_plans: i64,
    pub custom_plans: i64,
}

/// An open cursor as `pg_cursors` shows it.
#[derive(Clone, Debug)]
pub struct CursorInfo {
    pub name: String,
    /// The query text the client sent to declare it.
    pub statement: String,
    pub holdable: bool,
    pub binary: bool,
    pub scrollable: bool,
    /// µs since 2000-01-01 UTC.
    pub created: i64,
}

/// What a session has prepared and opened.
pub trait SessionPortals {
    fn prepared_statements(&self) -> Vec<PreparedInfo>;
    fn cursors(&self) -> Vec<CursorInfo>;
}

pub(super) fn pg_prepared_statements(sys: &SystemContext<'_>, out: &mut Rows) {
    let Some(portals) = sys.portals else {
        return;
    };
    for p in portals.prepared_statements() {
        let types = p
            .param_types
            .iter()
            .map(|t| Value::Int8(i64::from(t.oid())))
            .collect();
        out.add()
            .text("name", &p.name)
            .text("statement", &p.statement)
            .set("prepare_time", Value::TimestampTz(p.prepare_time))
            .set("parameter_types", array(types))
            .bool("from_sql", p.from_sql)
            .i8("generic_plans", p.generic_plans)
            .i8("custom_plans", p.custom_plans);
    }
}

pub(super) fn pg_cursors(sys: &SystemContext<'_>, out: &mut Rows) {
    let Some(portals) = sys.portals else {
        return;
    };
    for c in portals.cursors() {
        out.add()
            .text("name", &c.name)
            .text("statement", &c.statement)
            .bool("is_holdable", c.holdable)
            .bool("is_binary", c.binary)
            .bool("is_scrollable", c.scrollable)
            .set("creation_time", Value::TimestampTz(c.created));
    }
}
