//! Cursors: `DECLARE`, `FETCH`, `MOVE`, `CLOSE`.
//!
//! `DECLARE name [NO] SCROLL CURSOR [WITH HOLD] FOR query` plans the query
//! and keeps the plan; the first FETCH builds its operator tree, and every
//! FETCH after that pulls only the rows it needs from the same tree. The
//! executor was made for this: operators hold no borrow of the transaction
//! between calls, so between statements the cursor keeps the tree, what
//! the execution context carried ([`SuspendedState`]: clocks, subquery
//! results, work tables) and the runs its sorts spilled ([`SpilledRuns`]),
//! and each FETCH hands them to a fresh context over the transaction.
//!
//! The cursor reads the block's transaction. A READ COMMITTED block that
//! has not written would move to a new snapshot at each statement; while
//! it has cursors open it keeps the one they started with
//! ([`Cursors::pin_snapshot`]), as PostgreSQL's cursor keeps the snapshot
//! it was declared with, until the block writes (then the cursor reads on
//! in the writing transaction, which sees the latest commits).
//!
//! Going backward: a SCROLL cursor keeps every row it has read, so moving
//! back costs no recomputation. A cursor declared without SCROLL or NO
//! SCROLL may go backward when PostgreSQL's plan of the query could
//! ([`supports_backward`]); it keeps nothing and runs its query again up to
//! the wanted rows, as PostgreSQL's executor scans backward without
//! storing rows (and, as there, volatile functions may give other values
//! the second time). Positions and counts are `cursor_position`'s.
//!
//! At the end of the transaction: COMMIT turns each WITH HOLD cursor
//! declared in it into rows kept in memory — every row when it scrolls,
//! the rows not yet fetched when it does not — and closes the others;
//! ROLLBACK closes every cursor the transaction declared, and ROLLBACK TO
//! SAVEPOINT those declared after the savepoint.
//!
//! The wire protocol's portals use the same machinery: an Execute with a
//! row limit inside a transaction block opens a forward-only cursor
//! ([`Session::open_portal`]) and each Execute pulls the next batch, so a
//! suspended portal holds an operator tree rather than its whole result.

use std::collections::BTreeMap;
use std::sync::Arc;

use assay_storage::{err, Error, Result, SqlState};

use super::current_of::{with_row_key, CursorKey};
use super::cursor_position::{Position, RowSource};
use super::run::{now_micros, ExprBinder};
use super::{no_block, Session, StatementResult};
use crate::ast::{DeclareCursor, FetchDirection, Query, SetExpr, Statement};
use crate::catalog::Catalog;
use crate::exec::{self, BoxOp, ExecContext, Row, SpilledRuns, StoreAccess, SuspendedState};
use crate::plan::{Field, Plan, PlanNode, SetOpKind};
use crate::system::{CursorInfo, SystemContext};
use crate::types::{DataType, Value};

const INVALID_CURSOR_NAME: SqlState = SqlState::new(b"34000");
const DUPLICATE_CURSOR: SqlState = SqlState::new(b"42P03");
const INVALID_CURSOR_STATE: SqlState = SqlState::new(b"24000");

/// An open cursor.
pub(super) struct Cursor {
    /// The query text that declared it.
    statement: String,
    created: i64,
    holdable: bool,
    /// Whether it may move backward.
    scroll: bool,
    columns: Vec<Field>,
    /// The number of savepoints when it was declared, while the
    /// transaction that declared it is open; `None` once it is held.
    depth: Option<usize>,
    /// A FETCH failed halfway: the cursor cannot be used again.
    failed: bool,
    pos: Position,
    rows: CursorRows,
    /// For a simply updatable cursor, whose rows end with a hidden key
    /// column: the table and the current row's key (`current_of.rs`).
    key: Option<CursorKey>,
}

enum CursorRows {
    Live(Box<LiveRows>),
    /// Rows `first..` of the result, kept when the transaction committed.
    Held {
        first: u64,
        rows: Vec<Row>,
    },
}

/// A query being run a few rows at a time.
struct LiveRows {
    plan: Arc<Plan>,
    catalog: Arc<Catalog>,
    params: Vec<Value>,
    /// The operator tree, once the first row was asked for.
    op: Option<BoxOp>,
    state: Option<SuspendedState>,
    spilled: SpilledRuns,
    /// Rows `op` has returned.
    pulled: u64,
    exhausted: bool,
    /// Every row returned so far (SCROLL cursors).
    kept: Option<Vec<Row>>,
}

/// A session's open cursors by name.
#[derive(Default)]
pub(super) struct Cursors {
    sql: BTreeMap<String, Cursor>,
    /// Wire protocol portals that stream ([`Session::open_portal`]); they
    /// are no cursors of SQL's and `pg_cursors` does not list them.
    protocol: BTreeMap<String, Cursor>,
}

impl Cursors {
    pub(super) fn infos(&self) -> Vec<CursorInfo> {
        self.sql
            .iter()
            .map(|(name, c)| CursorInfo {
                name: name.clone(),
                statement: c.statement.clone(),
                holdable: c.holdable,
                binary: false,
                scrollable: c.scroll,
                created: c.created,
            })
            .collect()
    }

    /// The columns FETCH from `name` returns (none if there is no such
    /// cursor), for a wire Describe.
    pub(super) fn columns(&self, name: &str) -> Vec<Field> {
        self.sql
            .get(name)
            .map(|c| c.columns.clone())
            .unwrap_or_default()
    }

    /// Whether cursors read the block's transaction, which must then keep
    /// its snapshot.
    pub(super) fn pin_snapshot(&self) -> bool {
        !self.protocol.is_empty()
            || self
                .sql
                .values()
                .any(|c| c.depth.is_some() && matches!(c.rows, CursorRows::Live(_)))
    }

    /// Closes every cursor that holds no transaction state (DISCARD ALL
    /// runs outside transaction blocks, where only held cursors exist).
    pub(super) fn clear(&mut self) {
        self.sql.clear();
    }
}

impl Cursor {
    /// After a FETCH (or MOVE, `moved`) of `rows`: a keyed cursor notes
    /// the key of the row it now stands on — the last one read — and the
    /// key column leaves the rows.
    fn note_current(&mut self, mut rows: Vec<Row>, moved: bool) -> Vec<Row> {
        let Some(key) = &mut self.key else {
            return rows;
        };
        key.current = match rows.last().and_then(|r| r.last()) {
            Some(Value::Bytea(k)) if self.pos.on_row() && !moved => Some(k.to_vec()),
            _ => None,
        };
        for row in &mut rows {
            row.pop();
        }
        rows
    }
}

fn no_cursor(name: &str) -> Error {
    err!(INVALID_CURSOR_NAME, "cursor \"{name}\" does not exist")
}

impl Session {
    /// `DECLARE name … CURSOR … FOR query`, with the parameter values of a
    /// wire Bind when there are any.
    pub(super) fn declare_cursor(
        &mut self,
        decl: &DeclareCursor,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<StatementResult> {
        if decl.name.is_empty() {
            return Err(err!(
                INVALID_CURSOR_NAME,
                "invalid cursor name: must not be empty"
            ));
        }
        if decl.binary {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "DECLARE BINARY CURSOR is not supported"
            ));
        }
        let in_block = self.block.as_ref().is_some_and(|b| b.explicit);
        if !decl.hold && !in_block {
            return Err(err!(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "DECLARE CURSOR can only be used in transaction blocks"
            ));
        }
        let locks = !decl.query.locking.is_empty();
        if locks && decl.scroll == Some(true) {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "DECLARE SCROLL CURSOR ... FOR UPDATE is not supported"
            )
            .with_detail("Scrollable cursors must be READ ONLY."));
        }
        self.in_block(false, |s| {
            let (plan, params) = s.plan_cursor(&decl.query, param_types, params)?;
            if s.cursors.sql.contains_key(&decl.name) {
                return Err(err!(
                    DUPLICATE_CURSOR,
                    "cursor \"{}\" already exists",
                    decl.name
                ));
            }
            let scroll = decl
                .scroll
                .unwrap_or_else(|| !locks && supports_backward(&plan));
            let keyed = with_row_key(&plan, &s.catalog);
            let cursor = match keyed {
                Some((keyed, table)) => {
                    let mut cursor = s.new_cursor(Arc::new(keyed), params, scroll, decl.hold);
                    cursor.columns.pop();
                    cursor.key = Some(CursorKey {
                        table,
                        current: None,
                    });
                    cursor
                }
                None => s.new_cursor(plan, params, scroll, decl.hold),
            };
            s.cursors.sql.insert(decl.name.clone(), cursor);
            Ok(StatementResult::command("DECLARE CURSOR"))
        })
    }

    /// A cursor over `plan`, declared in the current transaction.
    fn new_cursor(
        &self,
        plan: Arc<Plan>,
        params: Vec<Value>,
        scroll: bool,
        holdable: bool,
    ) -> Cursor {
        let depth = self.block.as_ref().map_or(0, |b| b.savepoints.len());
        Cursor {
            statement: self.query_text.clone(),
            created: now_micros(),
            holdable,
            scroll,
            columns: plan.schema.fields.clone(),
            depth: Some(depth),
            failed: false,
            pos: Position::default(),
            key: None,
            rows: CursorRows::Live(Box::new(LiveRows {
                plan,
                catalog: self.catalog.clone(),
                params,
                op: None,
                state: None,
                spilled: SpilledRuns::default(),
                pulled: 0,
                exhausted: false,
                kept: scroll.then(Vec::new),
            })),
        }
    }

    /// The cursor's plan and its parameter values, read as the types the
    /// query gives them.
    fn plan_cursor(
        &mut self,
        query: &Query,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<(Arc<Plan>, Vec<Value>)> {
        let stmt = Statement::Query(Box::new(query.clone()));
        self.with_env(|env, _, cache| {
            let (plan, params) = env.plan_with_values(cache, &stmt, param_types, params)?;
            Ok((plan, params.into_owned()))
        })
    }

    /// `FETCH` (`keep`) or `MOVE` (not `keep`).
    pub(super) fn fetch_cursor(
        &mut self,
        name: &str,
        direction: &FetchDirection,
        is_move: bool,
    ) -> Result<StatementResult> {
        self.in_block(false, |s| {
            let mut cursor = s.cursors.sql.remove(name).ok_or_else(|| no_cursor(name))?;
            let outcome = if cursor.failed {
                Err(err!(
                    SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "portal \"{name}\" cannot be run"
                ))
            } else {
                s.fetch_from(&mut cursor, direction, !is_move)
            };
            cursor.failed |= outcome.is_err();
            let outcome = outcome.map(|(count, rows)| (count, cursor.note_current(rows, is_move)));
            let columns = cursor.columns.clone();
            let catalog = match &cursor.rows {
                CursorRows::Live(live) => live.catalog.clone(),
                CursorRows::Held { .. } => s.catalog.clone(),
            };
            s.cursors.sql.insert(name.to_string(), cursor);
            let (count, mut rows) = outcome?;
            if is_move {
                return Ok(StatementResult::command(format!("MOVE {count}")));
            }
            let path = s.search_path();
            let system = SystemContext::new(&catalog, &path);
            crate::system::present_rows(&columns, &mut rows, &system);
            Ok(StatementResult {
                columns,
                rows,
                tag: format!("FETCH {count}"),
                notices: Vec::new(),
                returns_rows: true,
            })
        })
    }

    /// Opens a wire protocol portal that streams: a forward-only cursor
    /// over `stmt` that [`Session::fetch_portal`] reads a batch of rows at a
    /// time. Only a query inside a transaction block streams, as drivers
    /// with a fetch size expect of PostgreSQL (there a portal outside a
    /// block ends at Sync); `false` means the caller should run `stmt`
    /// whole instead.
    pub fn open_portal(
        &mut self,
        name: &str,
        stmt: &Statement,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<bool> {
        let Statement::Query(query) = stmt else {
            return Ok(false);
        };
        let into = matches!(&query.body, SetExpr::Select(s) if s.into.is_some());
        let usable = self.block.as_ref().is_some_and(|b| b.explicit && !b.failed);
        if into || !usable {
            return Ok(false);
        }
        self.statement(|s| {
            s.in_block(false, |s| {
                s.open_portal_in_block(name, query, param_types, params)?;
                Ok(StatementResult::default())
            })
        })?;
        Ok(true)
    }

    /// Plans `query` and opens the forward-only portal `name` over it in
    /// the current block (replacing one of that name); returns its columns.
    pub(super) fn open_portal_in_block(
        &mut self,
        name: &str,
        query: &Query,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<Vec<Field>> {
        let (plan, params) = self.plan_cursor(query, param_types, params)?;
        let cursor = self.new_cursor(plan, params, false, false);
        let columns = cursor.columns.clone();
        let old = self.cursors.protocol.insert(name.to_string(), cursor);
        if let Some(old) = old {
            self.close_one(old)?;
        }
        Ok(columns)
    }

    /// Plans `stmt` (a query), opens a forward-only portal over it in the
    /// current block and reads up to `first` (at least one) rows; the
    /// portal is kept as `name` only if more may follow (the last value).
    /// A result that fits never enters the portal map.
    pub(super) fn open_portal_reading(
        &mut self,
        name: &str,
        stmt: &Statement,
        param_types: &[DataType],
        params: &[Value],
        first: u32,
    ) -> Result<(Vec<Field>, Vec<Row>, bool)> {
        let (plan, params) = self.with_env(|env, _, cache| {
            let (plan, params) = env.plan_with_values(cache, stmt, param_types, params)?;
            Ok((plan, params.into_owned()))
        })?;
        let cursor = self.new_cursor(plan, params, false, false);
        let first = first.max(1);
        let (mut cursor, count, rows) =
            self.fetch_portal_rows(cursor, &FetchDirection::Forward(i64::from(first)))?;
        let more = count == u64::from(first);
        if !more {
            let columns = std::mem::take(&mut cursor.columns);
            self.close_one(cursor)?;
            return Ok((columns, rows, false));
        }
        let columns = cursor.columns.clone();
        if let Some(old) = self.cursors.protocol.insert(name.to_string(), cursor) {
            self.close_one(old)?;
        }
        Ok((columns, rows, true))
    }

    /// Whether the portal `name` that [`Session::open_portal`] opened is
    /// still open (a transaction's end closes its portals).
    pub(super) fn has_portal(&self, name: &str) -> bool {
        self.cursors.protocol.contains_key(name)
    }

    /// Whether any portal is open.
    pub(super) fn has_portals(&self) -> bool {
        !self.cursors.protocol.is_empty()
    }

    /// DDL (of command tag `tag`) that changed a table which an open
    /// cursor or portal still reads fails with 55006, as PostgreSQL's
    /// `CheckTableNotInUse` refuses it: the cursor's scan would go on over
    /// a dropped or rewritten tree. Called once the DDL ran, with the
    /// catalog from before it; the error fails the statement, so the block
    /// rolls its changes back. TRUNCATE empties its tables' trees in place,
    /// so the tables it names count as changed.
    pub(super) fn check_tables_not_in_use(
        &self,
        before: &Catalog,
        stmt: &Statement,
        tag: &str,
    ) -> Result<()> {
        let live: Vec<&Plan> = self
            .cursors
            .sql
            .values()
            .chain(self.cursors.protocol.values())
            .filter_map(|c| match &c.rows {
                CursorRows::Live(live) => Some(&*live.plan),
                CursorRows::Held { .. } => None,
            })
            .collect();
        if live.is_empty() {
            return Ok(());
        }
        let path = self.search_path();
        let truncated: Vec<u32> = match stmt {
            Statement::Truncate(t) => t
                .tables
                .iter()
                .filter_map(|name| match name.0.as_slice() {
                    [n] => before.lookup_table(None, n, &path).ok(),
                    [s, n] => before.lookup_table(Some(s), n, &path).ok(),
                    _ => None,
                })
                .map(|t| t.oid)
                .collect(),
            _ => Vec::new(),
        };
        for table in before.tables() {
            let same = !truncated.contains(&table.oid)
                && self
                    .catalog
                    .table(table.oid)
                    .is_some_and(|now| Arc::ptr_eq(now, table) || now == table);
            if !same && live.iter().any(|p| exec::walk::reads_table(p, table.oid)) {
                let verb = tag.strip_suffix(" TABLE").filter(|v| *v == "TRUNCATE");
                return Err(err!(
                    SqlState::OBJECT_IN_USE,
                    "cannot {} \"{}\" because it is being used by active queries in this session",
                    verb.unwrap_or(tag),
                    table.name
                ));
            }
        }
        Ok(())
    }

    /// Up to `max` more rows of a portal [`Session::open_portal`] opened
    /// (all of them when `max` is 0), and whether it may have more.
    pub fn fetch_portal(&mut self, name: &str, max: u32) -> Result<(Vec<Vec<Value>>, bool)> {
        let mut fetched = (Vec::new(), false);
        self.statement(|s| {
            s.in_block(false, |s| {
                fetched = s.fetch_portal_in_block(name, max)?;
                Ok(StatementResult::default())
            })
        })?;
        Ok(fetched)
    }

    /// [`Session::fetch_portal`]'s work, inside the current block. A portal
    /// whose FETCH fails is closed.
    pub(super) fn fetch_portal_in_block(
        &mut self,
        name: &str,
        max: u32,
    ) -> Result<(Vec<Vec<Value>>, bool)> {
        let cursor = self
            .cursors
            .protocol
            .remove(name)
            .ok_or_else(|| err!(INVALID_CURSOR_NAME, "portal \"{name}\" does not exist"))?;
        let direction = match max {
            0 => FetchDirection::ForwardAll,
            n => FetchDirection::Forward(i64::from(n)),
        };
        let (cursor, count, rows) = self.fetch_portal_rows(cursor, &direction)?;
        self.cursors.protocol.insert(name.to_string(), cursor);
        Ok((rows, max > 0 && count == u64::from(max)))
    }

    /// Closes a portal [`Session::open_portal`] opened, if it is open.
    pub fn close_portal(&mut self, name: &str) -> Result<()> {
        match self.cursors.protocol.remove(name) {
            Some(portal) => self.close_one(portal),
            None => Ok(()),
        }
    }

    /// Reads from a portal's cursor, rows in their output form. A failed
    /// read closes the portal (it cannot go on); else the cursor comes back.
    fn fetch_portal_rows(
        &mut self,
        mut cursor: Cursor,
        direction: &FetchDirection,
    ) -> Result<(Cursor, u64, Vec<Row>)> {
        let (count, mut rows) = match self.fetch_from(&mut cursor, direction, true) {
            Ok(fetched) => fetched,
            Err(e) => {
                let _ = self.close_one(cursor);
                return Err(e);
            }
        };
        let path = self.shared_search_path();
        let catalog = self.catalog.clone();
        let system = SystemContext::new(&catalog, &path);
        crate::system::present_rows(&cursor.columns, &mut rows, &system);
        Ok((cursor, count, rows))
    }

    fn fetch_from(
        &mut self,
        cursor: &mut Cursor,
        direction: &FetchDirection,
        keep: bool,
    ) -> Result<(u64, Vec<Row>)> {
        let (pos, scroll) = (&mut cursor.pos, cursor.scroll);
        match &mut cursor.rows {
            CursorRows::Held { first, rows } => {
                let mut source = HeldRows {
                    first: *first,
                    rows,
                };
                pos.fetch(&mut source, direction, keep, scroll)
            }
            CursorRows::Live(live) => {
                self.with_live(live, |reader| pos.fetch(reader, direction, keep, scroll))
            }
        }
    }

    /// The key of the row cursor `name` stands on, for `WHERE CURRENT OF`
    /// on `table` (called `table_name`).
    pub(super) fn current_row_key(
        &mut self,
        name: &str,
        table: crate::catalog::Oid,
        table_name: &str,
    ) -> Result<Vec<u8>> {
        let cursor = self.cursors.sql.get(name).ok_or_else(|| no_cursor(name))?;
        let not_on_row = || {
            err!(
                INVALID_CURSOR_STATE,
                "cursor \"{name}\" is not positioned on a row"
            )
        };
        if cursor.depth.is_none() {
            return Err(err!(
                INVALID_CURSOR_STATE,
                "cursor \"{name}\" is held from a previous transaction"
            ));
        }
        let Some(key) = cursor.key.as_ref().filter(|k| k.table == table) else {
            return Err(err!(
                INVALID_CURSOR_STATE,
                "cursor \"{name}\" is not a simply updatable scan of table \"{table_name}\""
            ));
        };
        if let Some(current) = &key.current {
            return Ok(current.clone());
        }
        if !cursor.pos.on_row() {
            return Err(not_on_row());
        }
        if !cursor.scroll {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "WHERE CURRENT OF a cursor moved by MOVE needs a SCROLL cursor"
            ));
        }
        // Read the current row again (FETCH RELATIVE 0) for its key.
        let mut cursor = self
            .cursors
            .sql
            .remove(name)
            .ok_or_else(|| no_cursor(name))?;
        let read = self.fetch_from(&mut cursor, &FetchDirection::Relative(0), true);
        let read = read.map(|(_, rows)| cursor.note_current(rows, false));
        let current = cursor.key.as_ref().and_then(|k| k.current.clone());
        self.cursors.sql.insert(name.to_string(), cursor);
        read?;
        current.ok_or_else(not_on_row)
    }

    /// `CLOSE name | ALL`.
    pub(super) fn close_cursor(&mut self, name: Option<&str>) -> Result<StatementResult> {
        self.in_block(false, |s| match name {
            Some(name) => {
                let cursor = s.cursors.sql.remove(name).ok_or_else(|| no_cursor(name))?;
                s.close_one(cursor)?;
                Ok(StatementResult::command("CLOSE CURSOR"))
            }
            None => {
                for (_, cursor) in std::mem::take(&mut s.cursors.sql) {
                    s.close_one(cursor)?;
                }
                Ok(StatementResult::command("CLOSE CURSOR ALL"))
            }
        })
    }

    /// Runs `f` over a live cursor's rows, inside a context made over the
    /// transaction the cursor reads and carrying what earlier FETCHes left.
    fn with_live<R>(
        &mut self,
        live: &mut LiveRows,
        f: impl FnOnce(&mut LiveReader<'_, '_>) -> Result<R>,
    ) -> Result<R> {
        let path = self.shared_search_path();
        let block = self.block.as_mut().ok_or_else(no_block)?;
        let txn = &mut block.txn;
        let catalog = live.catalog.clone();
        let portals = super::SessionView {
            prepared: &self.prepared,
            cursors: &self.cursors,
        };
        let system = SystemContext {
            catalog: &catalog,
            path: &path,
            settings: Some(&self.settings),
            database: &self.database,
            engine: Some(&self.engine),
            user: self.authorization.current_user(&self.user),
            session_user: self.authorization.session_user(&self.user),
            pid: self.backend.pid(),
            backend_start: self.started,
            backend: Some(&self.backend),
            portals: Some(&portals),
            setting_changes: None,
        };
        let settings = &self.settings.types;
        let mut binder = ExprBinder {
            catalog: &catalog,
            path: &path,
            settings,
        };
        let mut access = StoreAccess::new(txn, &catalog, &mut self.store, &mut binder);
        access.sequences = Some((&mut self.sequences, &path));
        access.restore_spilled(std::mem::take(&mut live.spilled));
        let params = std::mem::take(&mut live.params);
        let clock = now_micros;
        let mut ctx = ExecContext::new(&mut access, settings, &params, &clock, &mut self.rng);
        ctx.system = Some(&system);
        ctx.cancel = Some(&self.interrupt);
        if let Some(state) = live.state.take() {
            ctx.resume(state);
        }
        let outcome = f(&mut LiveReader {
            live: &mut *live,
            ctx: &mut ctx,
        });
        live.state = Some(ctx.suspend());
        drop(ctx);
        live.spilled = access.take_spilled();
        drop(access);
        live.params = params;
        outcome
    }

    /// Closes a cursor: the runs its sorts spilled into the block's
    /// transaction go.
    fn close_one(&mut self, cursor: Cursor) -> Result<()> {
        let CursorRows::Live(live) = cursor.rows else {
            return Ok(());
        };
        let LiveRows { op, spilled, .. } = *live;
        drop(op);
        match self.block.as_mut() {
            Some(block) => spilled.drop_all(&mut block.txn),
            None => Ok(()),
        }
    }

    /// Keeps a WITH HOLD cursor's rows for after its transaction.
    fn hold(&mut self, cursor: &mut Cursor) -> Result<()> {
        let CursorRows::Live(live) = &mut cursor.rows else {
            return Ok(());
        };
        let scroll = cursor.scroll;
        let (first, rows) = self.with_live(live, |reader| reader.rest(scroll))?;
        let held = CursorRows::Held { first, rows };
        let live = std::mem::replace(&mut cursor.rows, held);
        let CursorRows::Live(live) = live else {
            return Ok(());
        };
        match self.block.as_mut() {
            Some(block) => live.spilled.drop_all(&mut block.txn),
            None => Ok(()),
        }
    }

    /// Before the transaction commits: WITH HOLD cursors it declared keep
    /// their rows, the other cursors it declared close. On an error the
    /// caller rolls the transaction back (and with it those cursors).
    pub(super) fn cursors_before_commit(&mut self) -> Result<()> {
        let mut outcome = Ok(());
        for (_, portal) in std::mem::take(&mut self.cursors.protocol) {
            outcome = outcome.and_then(|()| self.close_one(portal));
        }
        if self.cursors.sql.values().all(|c| c.depth.is_none()) {
            return outcome;
        }
        let mut all = std::mem::take(&mut self.cursors.sql);
        let declared: Vec<String> = all
            .iter()
            .filter(|(_, c)| c.depth.is_some())
            .map(|(n, _)| n.clone())
            .collect();
        for name in declared {
            let Some(mut cursor) = all.remove(&name) else {
                continue;
            };
            if cursor.holdable && !cursor.failed {
                outcome = outcome.and_then(|()| self.hold(&mut cursor));
                all.insert(name, cursor);
            } else {
                outcome = outcome.and_then(|()| self.close_one(cursor));
            }
        }
        if outcome.is_ok() {
            all.values_mut().for_each(|c| c.depth = None);
        }
        self.cursors.sql = all;
        outcome
    }

    /// After a rollback: the cursors the transaction declared are gone.
    pub(super) fn cursors_after_rollback(&mut self) {
        self.cursors.protocol.clear();
        self.cursors.sql.retain(|_, c| c.depth.is_none());
    }

    /// After `ROLLBACK TO` the savepoint at `depth`: the cursors declared
    /// after it are gone.
    pub(super) fn cursors_after_rollback_to(&mut self, depth: usize) {
        let kept = |_: &String, c: &mut Cursor| c.depth.is_none_or(|d| d <= depth);
        self.cursors.sql.retain(kept);
        self.cursors.protocol.retain(kept);
    }

    /// After `RELEASE` left `depth` savepoints: cursors declared inside the
    /// released ones now belong to the enclosing level.
    pub(super) fn cursors_after_release(&mut self, depth: usize) {
        let cursors = &mut self.cursors;
        for c in cursors
            .sql
            .values_mut()
            .chain(cursors.protocol.values_mut())
        {
            if let Some(d) = c.depth.as_mut() {
                *d = (*d).min(depth);
            }
        }
    }
}

/// Reads a live cursor's rows through a context made for one statement.
struct LiveReader<'r, 'c> {
    live: &'r mut LiveRows,
    ctx: &'r mut ExecContext<'c>,
}

impl LiveReader<'_, '_> {
    fn pull(&mut self) -> Result<Option<Row>> {
        let live = &mut *self.live;
        if live.exhausted {
            return Ok(None);
        }
        let op = match live.op.as_mut() {
            Some(op) => op,
            None => live.op.insert(exec::execute(&live.plan, self.ctx)?),
        };
        match op.next(self.ctx)? {
            Some(row) => {
                live.pulled += 1;
                if let Some(kept) = live.kept.as_mut() {
                    kept.push(row.clone());
                }
                Ok(Some(row))
            }
            None => {
                live.exhausted = true;
                live.op = None;
                Ok(None)
            }
        }
    }

    /// Starts the query over (to reach rows already passed).
    fn restart(&mut self) {
        self.live.op = None;
        self.live.pulled = 0;
        self.live.exhausted = false;
    }

    /// The rows to keep past the transaction and the number of the first:
    /// all of them for a cursor that scrolls, else those not yet fetched.
    fn rest(&mut self, scroll: bool) -> Result<(u64, Vec<Row>)> {
        if scroll && self.live.kept.is_none() {
            self.restart();
            self.live.kept = Some(Vec::new());
        }
        if scroll {
            while self.pull()?.is_some() {}
            return Ok((1, self.live.kept.take().unwrap_or_default()));
        }
        let first = self.live.pulled + 1;
        let mut rows = Vec::new();
        while let Some(row) = self.pull()? {
            rows.push(row);
        }
        Ok((first, rows))
    }
}

impl RowSource for LiveReader<'_, '_> {
    fn range(&mut self, first: u64, last: u64, keep: bool) -> Result<(u64, Vec<Row>)> {
        if self.live.kept.is_some() {
            while self.live.pulled < last && self.pull()?.is_some() {}
            let kept = self.live.kept.as_deref().unwrap_or_default();
            return Ok(slice(kept, 1, first, last, keep));
        }
        if self.live.pulled >= first {
            self.restart();
        }
        while self.live.pulled + 1 < first {
            if self.pull()?.is_none() {
                return Ok((0, Vec::new()));
            }
        }
        let (mut got, mut rows) = (0, Vec::new());
        while self.live.pulled < last {
            match self.pull()? {
                Some(row) => {
                    got += 1;
                    if keep {
                        rows.push(row);
                    }
                }
                None => break,
            }
        }
        Ok((got, rows))
    }
}

/// A held cursor's rows.
struct HeldRows<'a> {
    first: u64,
    rows: &'a [Row],
}

impl RowSource for HeldRows<'_> {
    fn range(&mut self, first: u64, last: u64, keep: bool) -> Result<(u64, Vec<Row>)> {
        if first < self.first {
            return Err(err!(
                SqlState::INTERNAL_ERROR,
                "cursor rows before {} were not kept",
                self.first
            ));
        }
        Ok(slice(self.rows, self.first, first, last, keep))
    }
}

/// Rows `first..=last` of `rows`, whose first element is row `base`.
fn slice(rows: &[Row], base: u64, first: u64, last: u64, keep: bool) -> (u64, Vec<Row>) {
    let end = last.min(base - 1 + rows.len() as u64);
    if first > end {
        return (0, Vec::new());
    }
    let got = end + 1 - first;
    let out = if keep {
        rows[(first - base) as usize..=(end - base) as usize].to_vec()
    } else {
        Vec::new()
    };
    (got, out)
}

/// Whether PostgreSQL's plan for this query could run backward, which
/// makes a cursor declared without SCROLL or NO SCROLL scrollable: scans,
/// VALUES, functions in FROM, sorts, and LIMIT, projections, filters and
/// UNION ALL over such inputs. Joins, aggregates, windows, DISTINCT and
/// the other set operations cannot.
pub(super) fn supports_backward(plan: &Plan) -> bool {
    match &plan.node {
        PlanNode::Values { .. }
        | PlanNode::Empty
        | PlanNode::Scan { .. }
        | PlanNode::FunctionScan { .. }
        | PlanNode::Sort { .. } => true,
        PlanNode::Filter { input, .. }
        | PlanNode::Project { input, .. }
        | PlanNode::Limit { input, .. } => supports_backward(input),
        PlanNode::SetOp {
            kind: SetOpKind::Union,
            all: true,
            left,
            right,
        } => supports_backward(left) && supports_backward(right),
        _ => false,
    }
}

#[cfg(test)]
#[path = "cursor_tests.rs"]
mod tests;
