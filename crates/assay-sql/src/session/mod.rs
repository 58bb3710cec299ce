//! Sessions: running SQL text statement by statement.
//!
//! A [`Session`] is what a connection has: its settings, its transaction
//! state, its copy of the catalog, its prepared statements. Running a
//! statement goes:
//!
//! 1. **Parse** the text into statements (`parser::parse_with_text`).
//! 2. **Transaction control and settings** (`BEGIN`, `COMMIT`, `SAVEPOINT`,
//!    `SET`, `SHOW`, …) are handled here, in `txn.rs` and `settings.rs`;
//!    the session's own objects in `prepared.rs` (`PREPARE`, `EXECUTE`,
//!    `DEALLOCATE`), `cursors.rs` (`DECLARE`, `FETCH`, `MOVE`, `CLOSE`, and
//!    the wire protocol's streaming portals), `streams.rs` (the embedded
//!    API's streamed rows) and `discard.rs` (`DISCARD`).
//! 3. Any other statement runs inside a transaction [`Block`]: the explicit
//!    one opened by `BEGIN`, or an implicit one around the statement alone.
//!    Before it runs, the session checks that its catalog copy is current
//!    (another session may have committed DDL) and reloads it if not.
//! 4. DDL goes to `ddl::execute`; queries and DML are bound
//!    (`binder`), optimized (`optimizer`) and executed (`exec`).
//! 5. On error, an implicit transaction rolls back; an explicit block
//!    enters the failed state until `ROLLBACK`.
//!
//! What sessions of one database share besides storage — LISTEN/NOTIFY
//! (`notify.rs`) and advisory locks (`advisory.rs`) — lives on the
//! [`Engine`]; each session reaches it through its [`Backend`]
//! (`backend.rs`), which settles notifications and transaction locks when
//! a transaction ends. In a server, every session of every database is
//! also in one [`ActivityRegistry`] (`activity.rs`: `pg_stat_activity`,
//! signals between sessions). Who the session acts as — `SET ROLE`, `SET
//! SESSION AUTHORIZATION` — is `authorization.rs`; `WHERE CURRENT OF` a
//! cursor is `current_of.rs`.

mod activity;
mod advisory;
mod authorization;
mod backend;
mod cluster;
mod copy;
mod current_of;
mod cursor_position;
mod cursors;
mod database;
mod discard;
mod engine;
mod explain;
mod gucs;
mod notify;
mod prepared;
mod result;
mod roles;
mod run;
mod set_config;
mod settings;
mod shapes;
mod streams;
mod text_shapes;
mod txn;
mod txn_modes;

use std::sync::Arc;

use assay_storage::{err, Error, Result, SqlState};

use crate::ast::{ObjectName, SetValue, Statement};
use crate::catalog::Catalog;
use crate::parser;
use crate::plan::Field;
use crate::types::{DataType, Value};

pub use activity::{
    ActivityRegistry, ActivityRow, BackendActivity, BackendState, ClientInfo, Signal, SslInfo,
    Terminator,
};
pub use advisory::{advisory_key, AdvisoryKey, LockLevel, LockMode, LockRow};
pub use backend::Backend;
pub use cluster::{database_oid, Cluster, DatabaseEntry};
pub use engine::Engine;
pub use notify::{ListenAction, Notification, Waker};
pub use result::{Description, Notice, StatementResult};
pub use settings::SessionSettings;
pub use streams::StreamStart;
pub use txn::Block;

/// A connection's state.
pub struct Session {
    engine: Arc<Engine>,
    /// Number of this session's temporary schema, `pg_temp_N`.
    id: u32,
    pub settings: SessionSettings,
    block: Option<Block>,
    catalog: Arc<Catalog>,
    /// Notices raised by the statement being run.
    notices: Vec<Notice>,
    /// The session's temporary schema once it has made a temporary object.
    temp_schema: Option<u32>,
    /// currval/lastval memory.
    sequences: crate::catalog::SequenceSession,
    /// Buffers the table store reuses between statements.
    store: crate::table::TableStore,
    rng: crate::functions::Prng,
    /// Plans of statements run before, reused while nothing they depend on
    /// changed (see `run::PlanKey`).
    plans: run::PlanCache,
    /// Parsed texts kept as templates for texts that differ only in their
    /// numbers (see `text_shapes.rs`).
    texts: text_shapes::TextShapes,
    /// The database's name as clients know it (`current_database()`).
    pub database: String,
    /// The role the client logged in as (see `authorization.rs` for
    /// `session_user` and `current_user`).
    pub user: String,
    /// `SET SESSION AUTHORIZATION` and `SET ROLE`.
    authorization: authorization::Authorization,
    /// When the session started (µs since 2000-01-01 UTC).
    started: i64,
    /// Cancel requests and the statement timeout, shared with whoever may
    /// cancel this session's statements.
    interrupt: Arc<crate::exec::Interrupt>,
    /// The parsed search path and when it was parsed (the settings'
    /// change count, the temporary schema).
    path_cache: Option<(u64, Option<u32>, Arc<crate::catalog::SearchPath>)>,
    /// The snapshot and catalog version at which the catalog copy was last
    /// found current (see `prepare`).
    catalog_checked: Option<(u64, crate::catalog::CatalogVersion)>,
    /// A `COPY … FROM STDIN` waiting for more data.
    copy_in: Option<Box<copy::CopyIn>>,
    /// Notifications and advisory locks (shared with the other sessions).
    backend: Backend,
    /// Statements made by SQL `PREPARE`.
    prepared: prepared::PreparedStatements,
    /// Open cursors.
    cursors: cursors::Cursors,
    /// The query text being run, as `pg_prepared_statements` and
    /// `pg_cursors` show it.
    query_text: String,
}

/// What the session has prepared and opened, for the system views.
pub(crate) struct SessionView<'a> {
    prepared: &'a prepared::PreparedStatements,
    cursors: &'a cursors::Cursors,
}

impl crate::system::SessionPortals for SessionView<'_> {
    fn prepared_statements(&self) -> Vec<crate::system::PreparedInfo> {
        self.prepared.infos()
    }

    fn cursors(&self) -> Vec<crate::system::CursorInfo> {
        self.cursors.infos()
    }
}

impl Session {
    fn new(engine: Arc<Engine>, id: u32) -> Session {
        let interrupt = Arc::new(crate::exec::Interrupt::new());
        let mut session = Session {
            backend: Backend::new(engine.clone(), id, interrupt.clone()),
            engine,
            id,
            settings: SessionSettings::default(),
            block: None,
            catalog: Arc::new(Catalog::bootstrap()),
            notices: Vec::new(),
            temp_schema: None,
            sequences: crate::catalog::SequenceSession::new(),
            store: crate::table::TableStore::new(),
            plans: run::PlanCache::default(),
            texts: text_shapes::TextShapes::default(),
            interrupt,
            copy_in: None,
            path_cache: None,
            catalog_checked: None,
            prepared: Default::default(),
            cursors: Default::default(),
            query_text: String::new(),
            rng: crate::functions::Prng::new(run::now_micros() as u64 ^ u64::from(id)),
            database: "postgres".to_string(),
            user: crate::catalog::BOOTSTRAP_SUPERUSER_NAME.to_string(),
            authorization: Default::default(),
            started: run::now_micros(),
        };
        session.sync_authorization_settings();
        session
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// The catalog as this session last saw it (refreshed before each
    /// statement that touches storage; call [`Session::refresh_catalog`] to
    /// read the latest outside a statement).
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Reloads the catalog if another session committed DDL since.
    pub fn refresh_catalog(&mut self) -> Result<()> {
        let reader;
        let txn = match &self.block {
            Some(b) => &b.txn,
            None => {
                reader = self
                    .engine
                    .pager()
                    .begin(assay_storage::TxnMode::ReadOnly)?;
                &reader
            }
        };
        if !self.catalog.is_current(txn)? {
            self.catalog = Arc::new(Catalog::load(txn)?);
        }
        self.sync_cluster_roles()
    }

    /// The handle that cancels this session's running statement from
    /// another thread ([`Interrupt::cancel`](crate::exec::Interrupt::cancel)).
    pub fn interrupt_handle(&self) -> Arc<crate::exec::Interrupt> {
        self.interrupt.clone()
    }

    /// The session's number (its temporary schema is `pg_temp_N`).
    pub fn id(&self) -> u32 {
        self.id
    }

    /// `I` (idle), `T` (in a transaction block) or `E` (in a failed block),
    /// as PostgreSQL's ReadyForQuery reports it.
    pub fn transaction_status(&self) -> char {
        match &self.block {
            Some(b) if b.explicit && b.failed => 'E',
            Some(b) if b.explicit => 'T',
            _ => 'I',
        }
    }

    /// Records the query text the client sent, which `PREPARE` and
    /// `DECLARE` keep for `pg_prepared_statements` and `pg_cursors` (a
    /// server calls this before running a query's statements).
    pub fn set_query_text(&mut self, text: &str) {
        self.query_text.clear();
        self.query_text.push_str(text);
        self.report_query(text);
    }

    /// Parses `sql` as [`parser::parse_with_text`] does; a text that
    /// differs from one parsed before only in its numbers is made from
    /// that one's statement without parsing (see `text_shapes.rs`).
    pub fn parse(&mut self, sql: &str) -> Result<Vec<parser::ParsedStatement>> {
        self.texts.parse(sql)
    }

    /// Runs every statement of `sql`, stopping at the first error. Returns
    /// the results of the statements that ran, and the error if one failed.
    pub fn run(&mut self, sql: &str) -> (Vec<StatementResult>, Option<Error>) {
        let statements = match self.parse(sql) {
            Ok(s) => s,
            Err(e) => return (Vec::new(), Some(e)),
        };
        self.set_query_text(sql);
        let mut results = Vec::new();
        let mut failed = None;
        for parsed in statements {
            match self.execute_statement(&parsed.statement) {
                Ok(r) => results.push(r),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        // Statements run later without text must not show this one's.
        self.query_text.clear();
        self.report_idle();
        (results, failed)
    }

    /// Runs `sql`, failing on the first error (convenience for tests and
    /// the embedded API).
    pub fn execute(&mut self, sql: &str) -> Result<Vec<StatementResult>> {
        match self.run(sql) {
            (results, None) => Ok(results),
            (_, Some(e)) => Err(e),
        }
    }

    /// Runs one parsed statement.
    pub fn execute_statement(&mut self, stmt: &Statement) -> Result<StatementResult> {
        self.execute_with_params(stmt, &[], &[])
    }

    /// Runs one parsed statement with parameter values (`$1` is
    /// `params[0]`), as a wire server's Execute does. `param_types` are the
    /// types the statement was prepared with (see [`Session::describe`]);
    /// where it says `Unknown` or is short, a value's own type is used.
    pub fn execute_with_params(
        &mut self,
        stmt: &Statement,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<StatementResult> {
        self.statement(|s| s.dispatch(stmt, param_types, params))
    }

    /// Runs one statement's work: notices collected, the interrupt armed
    /// with the statement timeout, and an error failing an explicit block.
    fn statement(
        &mut self,
        f: impl FnOnce(&mut Session) -> Result<StatementResult>,
    ) -> Result<StatementResult> {
        self.notices.clear();
        self.start_interrupt();
        self.backend
            .start_statement(self.settings.lock_timeout_ms());
        let outcome = f(self);
        self.interrupt.end_statement();
        self.notices.append(&mut self.backend.take_notices());
        match outcome {
            Ok(mut result) => {
                result.notices.append(&mut self.notices);
                Ok(result)
            }
            Err(e) => {
                // The failed statement's changes are rolled back.
                self.catalog_checked = None;
                self.fail_block();
                Err(e)
            }
        }
    }

    /// Arms the interrupt for a new statement: no pending cancel, and the
    /// deadline `statement_timeout` sets.
    fn start_interrupt(&self) {
        let timeout = self.settings.statement_timeout_ms();
        let deadline = (timeout > 0).then(|| run::now_micros() + (timeout as i64) * 1000);
        self.interrupt.start_statement(deadline);
    }

    /// Any error inside a block fails it, as in PostgreSQL.
    fn fail_block(&mut self) {
        if let Some(block) = self.block.as_mut().filter(|b| b.explicit) {
            block.failed = true;
        }
    }

    fn check_block_not_failed(&self) -> Result<()> {
        if self.block.as_ref().is_some_and(|b| b.failed) {
            return Err(err!(
                SqlState::IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block"
            ));
        }
        Ok(())
    }

    fn dispatch(
        &mut self,
        stmt: &Statement,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<StatementResult> {
        // A statement outside a block starts a transaction: its start time
        // is what `now()` and the input `'now'` read until it ends.
        if !self.block.as_ref().is_some_and(|b| b.explicit) {
            self.settings.types.now = Some(run::now_micros());
        }
        match stmt {
            Statement::Begin(modes) => self.begin(modes),
            Statement::Commit { .. } => self.commit(),
            Statement::Rollback { .. } => self.rollback(),
            Statement::Savepoint(name) => self.savepoint(name),
            Statement::Release(name) => self.release(name),
            Statement::RollbackTo(name) => self.rollback_to(name),
            _ if self.block.as_ref().is_some_and(|b| b.failed) => self
                .check_block_not_failed()
                .map(|()| StatementResult::default()),
            Statement::Set {
                local,
                name,
                values,
            } => self.set(name, values, *local),
            Statement::Reset(name) => self.reset(name.as_deref()),
            Statement::SetTransaction { session, modes } => self.set_transaction(*session, modes),
            Statement::Show(name) => self.show(name),
            Statement::Listen(_) | Statement::Unlisten(_) | Statement::Notify { .. } => {
                self.listen_statement(stmt)
            }
            Statement::Prepare {
                name,
                param_types: declared,
                statement,
            } => self.prepare_named(name, declared, statement),
            Statement::Execute { name, params: args } => self.execute_named(name, args),
            Statement::Deallocate(name) => self.deallocate(name.as_deref()),
            Statement::DeclareCursor(decl) => self.declare_cursor(decl, param_types, params),
            Statement::Fetch {
                cursor,
                direction,
                is_move,
            } => self.fetch_cursor(cursor, direction, *is_move),
            Statement::Close(name) => self.close_cursor(name.as_deref()),
            Statement::Discard(target) => self.discard(*target),
            other => self.in_transaction(other, param_types, params),
        }
    }

    /// Runs a statement inside the current block, or an implicit one.
    fn in_transaction(
        &mut self,
        stmt: &Statement,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<StatementResult> {
        let writes = statement_writes(stmt);
        // Before the block takes locks for the write: a read-only block
        // refuses it (a failed block reports that instead, from in_block).
        let read_only = match &self.block {
            Some(b) => b.read_only && !b.failed,
            None => self.default_modes().1,
        };
        if writes && read_only {
            let path = self.search_path();
            let is_temp = |name: &ObjectName| {
                let schema = (name.0.len() > 1).then(|| name.0[0].as_str());
                self.catalog
                    .lookup_table(schema, name.base(), &path)
                    .is_ok_and(|t| t.temp)
            };
            txn_modes::check_read_only_with(true, stmt, is_temp)?;
        }
        self.in_block(writes, |s| s.run_statement(stmt, param_types, params))
    }

    /// Runs `f` inside the current block, or an implicit one committed when
    /// `f` succeeds, after taking the locks `writes` needs and refreshing
    /// the catalog.
    fn in_block<R>(
        &mut self,
        writes: bool,
        f: impl FnOnce(&mut Session) -> Result<R>,
    ) -> Result<R> {
        let implicit = self.begin_implicit()?;
        let result = self.prepare(writes).and_then(|()| f(self));
        self.end_implicit(implicit, result.is_ok())?;
        result
    }

    /// Opens an implicit block if none is open; `true` if it did.
    fn begin_implicit(&mut self) -> Result<bool> {
        if self.block.is_some() {
            return Ok(false);
        }
        let (isolation, read_only) = self.default_modes();
        self.block = Some(Block::begin(
            self.engine.pager(),
            false,
            isolation,
            read_only,
        )?);
        Ok(true)
    }

    /// Ends the implicit block `begin_implicit` opened: commits it if the
    /// statement succeeded, else rolls it back.
    fn end_implicit(&mut self, implicit: bool, ok: bool) -> Result<()> {
        if !implicit {
            return Ok(());
        }
        if ok {
            if let Err(e) = self.cursors_before_commit() {
                self.block = None;
                self.settings.end_transaction(false);
                self.end_authorization(false);
                self.cursors_after_rollback();
                return Err(e);
            }
            let block = self.block.take().ok_or_else(no_block)?;
            let committed = self
                .backend
                .before_commit()
                .and_then(|()| block.txn.commit());
            self.end_transaction(committed.is_ok());
            committed?;
        } else {
            self.block = None;
            self.catalog_checked = None;
            self.end_transaction(false);
            self.cursors_after_rollback();
        }
        Ok(())
    }

    fn prepare(&mut self, writes: bool) -> Result<()> {
        let interrupt = self.interrupt.clone();
        let check = move || interrupt.check(&run::now_micros);
        let wait = assay_storage::pager::WriterWait {
            timeout: self.writer_timeout(),
            check: &check,
        };
        let pinned = !writes && self.cursors.pin_snapshot();
        let block = self.block.as_mut().ok_or_else(no_block)?;
        if !pinned {
            block.prepare_statement(writes, &wait)?;
        }
        block.queried = true;
        // Reading the stored version costs a B-tree lookup; it can only
        // differ from the last check if the snapshot moved, this session
        // changed its catalog, or something was rolled back (which forgets
        // the check).
        let seen = (block.txn.snapshot().frame, self.catalog.version());
        if self.catalog_checked != Some(seen) {
            if !self.catalog.is_current(&block.txn)? {
                self.catalog = Arc::new(Catalog::load(&block.txn)?);
            }
            self.catalog_checked = Some((block.txn.snapshot().frame, self.catalog.version()));
        }
        self.sync_cluster_roles()
    }

    pub(crate) fn notice(&mut self, notice: Notice) {
        self.notices.push(notice);
    }

    // ---- transaction control -------------------------------------------

    fn begin(&mut self, modes: &crate::ast::TransactionModes) -> Result<StatementResult> {
        let tag = if modes.start {
            "START TRANSACTION"
        } else {
            "BEGIN"
        };
        if self.block.as_ref().is_some_and(|b| b.explicit) {
            self.notice(Notice::warning(
                SqlState::ACTIVE_SQL_TRANSACTION,
                "there is already a transaction in progress",
            ));
            return Ok(StatementResult::command(tag));
        }
        let (default_level, default_ro) = self.default_modes();
        self.block = Some(Block::begin(
            self.engine.pager(),
            true,
            modes.isolation.unwrap_or(default_level),
            modes.read_only.unwrap_or(default_ro),
        )?);
        self.show_block_modes()?;
        Ok(StatementResult::command(tag))
    }

    fn commit(&mut self) -> Result<StatementResult> {
        if self.block.as_ref().is_some_and(|b| !b.failed) {
            if let Err(e) = self.cursors_before_commit() {
                self.block = None;
                self.settings.end_transaction(false);
                self.end_authorization(false);
                self.cursors_after_rollback();
                return Err(e);
            }
        }
        let Some(block) = self.block.take() else {
            self.notice(Notice::warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "there is no transaction in progress",
            ));
            return Ok(StatementResult::command("COMMIT"));
        };
        if block.failed {
            drop(block);
            self.end_transaction(false);
            self.cursors_after_rollback();
            return Ok(StatementResult::command("ROLLBACK"));
        }
        let committed = self
            .backend
            .before_commit()
            .and_then(|()| block.txn.commit());
        self.end_transaction(committed.is_ok());
        committed?;
        Ok(StatementResult::command("COMMIT"))
    }

    fn rollback(&mut self) -> Result<StatementResult> {
        self.catalog_checked = None;
        if self.block.take().is_none() {
            self.notice(Notice::warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "there is no transaction in progress",
            ));
        } else {
            self.end_transaction(false);
            self.cursors_after_rollback();
        }
        Ok(StatementResult::command("ROLLBACK"))
    }

    fn explicit_block(&mut self, what: &str) -> Result<&mut Block> {
        match self.block.as_mut() {
            Some(b) if b.explicit => Ok(b),
            _ => Err(err!(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "{what} can only be used in transaction blocks"
            )),
        }
    }

    fn savepoint(&mut self, name: &str) -> Result<StatementResult> {
        let block = self.explicit_block("SAVEPOINT")?;
        if block.failed {
            return Err(err!(
                SqlState::IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block"
            ));
        }
        let id = block.txn.savepoint();
        block.savepoints.push((name.to_string(), id));
        block.savepoint_read_only.push(block.read_only);
        self.backend.savepoint();
        Ok(StatementResult::command("SAVEPOINT"))
    }

    fn find_savepoint(block: &Block, name: &str) -> Result<usize> {
        block
            .savepoints
            .iter()
            .rposition(|(n, _)| n == name)
            .ok_or_else(|| {
                err!(
                    SqlState::new(b"3B001"),
                    "savepoint \"{name}\" does not exist"
                )
            })
    }

    fn release(&mut self, name: &str) -> Result<StatementResult> {
        let block = self.explicit_block("RELEASE SAVEPOINT")?;
        if block.failed {
            return Err(err!(
                SqlState::IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block"
            ));
        }
        let at = Session::find_savepoint(block, name)?;
        let id = block.savepoints[at].1;
        block.txn.release_savepoint(id)?;
        block.savepoints.truncate(at);
        block.restore_read_only(at);
        self.backend.release_savepoint(at);
        self.cursors_after_release(at);
        self.show_block_modes()?;
        Ok(StatementResult::command("RELEASE"))
    }

    fn rollback_to(&mut self, name: &str) -> Result<StatementResult> {
        self.catalog_checked = None;
        let advanced = self.sequences.advanced();
        let block = self.explicit_block("ROLLBACK TO SAVEPOINT")?;
        let at = Session::find_savepoint(block, name)?;
        let id = block.savepoints[at].1;
        block.txn.rollback_to_savepoint(id)?;
        block.savepoints.truncate(at + 1);
        block.restore_read_only(at);
        block.savepoint_read_only.push(block.read_only);
        block.failed = false;
        // Sequences keep what the rolled-back part took from them.
        if !advanced.is_empty() {
            crate::catalog::reapply_sequences(&mut block.txn, &advanced, false)?;
        }
        self.backend.rollback_to(at);
        self.cursors_after_rollback_to(at);
        self.show_block_modes()?;
        Ok(StatementResult::command("ROLLBACK"))
    }

    // ---- settings ---------------------------------------------------------

    fn set(&mut self, name: &str, values: &[SetValue], local: bool) -> Result<StatementResult> {
        if Session::is_authorization_parameter(name) {
            return self.set_authorization(name, values, local, "SET");
        }
        let text = database::set_text(values);
        let in_block = self.block.as_ref().is_some_and(|b| b.explicit);
        if local && !in_block {
            self.notice(Notice::warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SET LOCAL can only be used in transaction blocks",
            ));
            return Ok(StatementResult::command("SET"));
        }
        self.settings.set(name, text.as_deref(), local, in_block)?;
        Ok(StatementResult::command("SET"))
    }

    fn reset(&mut self, name: Option<&str>) -> Result<StatementResult> {
        let in_block = self.block.as_ref().is_some_and(|b| b.explicit);
        match name {
            Some(name) if Session::is_authorization_parameter(name) => {
                return self.set_authorization(name, &[], false, "RESET");
            }
            Some(name) => self.settings.set(name, None, false, in_block)?,
            None => self.settings.reset_all(in_block)?,
        }
        Ok(StatementResult::command("RESET"))
    }

    fn show(&mut self, name: &str) -> Result<StatementResult> {
        if name.eq_ignore_ascii_case("all") {
            let rows = self
                .settings
                .all()
                .into_iter()
                .map(|(n, v)| {
                    vec![
                        Value::Text(n.into()),
                        Value::Text(v.into()),
                        Value::Text("".into()),
                    ]
                })
                .collect();
            return Ok(StatementResult {
                columns: vec![
                    Field::new("name", DataType::Text),
                    Field::new("setting", DataType::Text),
                    Field::new("description", DataType::Text),
                ],
                rows,
                tag: "SHOW".into(),
                notices: Vec::new(),
                returns_rows: true,
            });
        }
        if Session::is_authorization_parameter(name) {
            return Ok(self.show_authorization(name));
        }
        let value = self.settings.show(name)?;
        let header = SessionSettings::display_name(name)?;
        Ok(StatementResult {
            columns: vec![Field::new(header, DataType::Text)],
            rows: vec![vec![Value::Text(value.into())]],
            tag: "SHOW".into(),
            notices: Vec::new(),
            returns_rows: true,
        })
    }
}

pub(super) fn no_block() -> Error {
    err!(SqlState::INTERNAL_ERROR, "no transaction block")
}

/// Whether a statement changes the database (so it takes the write lock
/// before it reads, avoiding a serialization failure halfway through).
pub(super) fn statement_writes(stmt: &Statement) -> bool {
    if let Statement::Query(q) = stmt {
        let modifies = |w: &crate::ast::With| {
            w.ctes
                .iter()
                .any(|c| matches!(c.query.body, crate::ast::SetExpr::Modify(_)))
        };
        if q.with.as_ref().is_some_and(modifies) {
            return true;
        }
    }
    !matches!(
        stmt,
        Statement::Query(_)
            | Statement::Explain { .. }
            | Statement::Show(_)
            | Statement::Fetch { .. }
    ) && !matches!(stmt, Statement::Copy(c) if c.to)
}

/// A statement's kind as error messages name it.
pub(super) fn statement_name(stmt: &Statement) -> String {
    let debug = format!("{stmt:?}");
    debug
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or("statement")
        .to_string()
}

#[cfg(test)]
mod shared_tests;
#[cfg(test)]
mod tests;
