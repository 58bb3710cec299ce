//! Executing DDL statements with PostgreSQL's checks, names, messages and
//! command tags.
//!
//! [`execute`] takes a parsed [`Statement`] and a [`DdlContext`] (the
//! catalog, the storage transaction, the session's search path and
//! temporary-schema number, and the [`DdlServices`] of the binder and the
//! executor). Each statement resolves its names through the search path,
//! checks what PostgreSQL checks (in the same order where it shows in the
//! error a user gets), chooses PostgreSQL's names for what the user did not
//! name (`names.rs`: `t_pkey`, `t_a_key`, `t_a_b_idx`, `t_id_seq`, with the
//! numbered suffixes of a collision), and changes the catalog through the
//! caller's transaction — so rolling the transaction back undoes the DDL,
//! and the next [`Catalog::load`] sees the old state. It returns the
//! command tag and the NOTICEs PostgreSQL would send.
//!
//! Expressions (CHECK, DEFAULT, index keys and predicates, USING) and
//! queries (views, CREATE TABLE AS) go through [`DdlServices`], so the
//! binder and executor plug in without DDL depending on them.
//!
//! Dependencies (`depend.rs`) are found from the catalog: foreign keys
//! referencing a table, views reading a table or view, column defaults
//! calling `nextval` on a sequence, schema members. DROP without CASCADE
//! fails with 2BP01 listing them; with CASCADE they go first, and the
//! NOTICE lists them as PostgreSQL does.

mod alter;
mod composite;
mod constraint;
mod create_table;
mod depend;
mod drop;
mod exprs;
mod index;
mod names;
mod objects;
mod rows;
mod sequence;
mod services;
mod truncate;

#[cfg(test)]
mod tests;

use assay_storage::{Error, Result, SqlState, Transaction};

use crate::ast::Statement;
use crate::catalog::{Catalog, SearchPath};

pub use objects::drop_temp_schema;
pub use services::{DdlServices, ExprRole, QueryShape};

/// SQLSTATEs only DDL raises.
pub(crate) const INVALID_FOREIGN_KEY: SqlState = SqlState::new(b"42830");

/// What a DDL statement works with.
pub struct DdlContext<'a> {
    pub catalog: &'a mut Catalog,
    pub txn: &'a mut Transaction,
    /// The session's search path; its `temp_schema` is set when the
    /// session first creates a temporary object.
    pub search_path: &'a mut SearchPath,
    /// N of the session's `pg_temp_N` schema.
    pub temp_number: u32,
    pub services: &'a mut dyn DdlServices,
}

/// A NOTICE sent to the client.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub code: SqlState,
    pub message: String,
    pub detail: Option<String>,
}

impl Notice {
    pub(crate) fn new(code: SqlState, message: String) -> Notice {
        Notice {
            code,
            message,
            detail: None,
        }
    }

    /// SQLSTATE 00000, as most notices carry.
    pub(crate) fn info(message: String) -> Notice {
        Notice::new(SqlState::new(b"00000"), message)
    }
}

/// The result of a DDL statement: PostgreSQL's command tag and notices.
#[derive(Clone, Debug, PartialEq)]
pub struct DdlOutcome {
    pub tag: String,
    pub notices: Vec<Notice>,
}

impl DdlOutcome {
    pub(crate) fn tag(tag: &str) -> DdlOutcome {
        DdlOutcome {
            tag: tag.to_string(),
            notices: Vec::new(),
        }
    }

    pub(crate) fn with(mut self, notices: Vec<Notice>) -> DdlOutcome {
        self.notices = notices;
        self
    }
}

/// Whether [`execute`] handles `stmt`.
pub fn is_ddl(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::CreateTable(_)
            | Statement::CreateTableAs(_)
            | Statement::CreateIndex(_)
            | Statement::CreateView(_)
            | Statement::CreateSequence(_)
            | Statement::CreateCompositeType(_)
            | Statement::AlterSequence(_)
            | Statement::AlterTable(_)
            | Statement::CreateSchema { .. }
            | Statement::Drop(_)
            | Statement::Truncate(_)
            | Statement::Comment(_)
    )
}

/// Executes one DDL statement. On error the caller rolls the statement
/// back (a savepoint around it, or the whole transaction): a failed
/// statement may have written part of its changes.
pub fn execute(stmt: &Statement, ctx: &mut DdlContext<'_>) -> Result<DdlOutcome> {
    match stmt {
        Statement::CreateTable(s) => create_table::create_table(ctx, s),
        Statement::CreateTableAs(s) => objects::create_table_as(ctx, s),
        Statement::CreateIndex(s) => index::create_index(ctx, s),
        Statement::CreateView(s) => objects::create_view(ctx, s),
        Statement::CreateSequence(s) => sequence::create_sequence(ctx, s),
        Statement::CreateCompositeType(s) => composite::create_type(ctx, s),
        Statement::AlterSequence(s) => sequence::alter_sequence(ctx, s),
        Statement::AlterTable(s) => alter::alter_table(ctx, s),
        Statement::CreateSchema {
            name,
            if_not_exists,
            ..
        } => objects::create_schema(ctx, name, *if_not_exists),
        Statement::Drop(s) => drop::drop(ctx, s),
        Statement::Truncate(s) => truncate::truncate(ctx, s),
        Statement::Comment(s) => objects::comment(ctx, s),
        _ => Err(Error::new(
            SqlState::INTERNAL_ERROR,
            "not a DDL statement".to_string(),
        )),
    }
}
