//! The state every operator's `next` receives.

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use std::time::Duration;

use assay_storage::Result;

use super::storage::{Row, TableAccess};
use crate::functions::{EvalContext, Prng};
use crate::types::{Settings, Value};

/// Rows between two looks at the cancellation flag.
pub const CANCEL_CHECK_INTERVAL: u32 = 1024;

/// Emptied row buffers kept for reuse (see [`ExecContext::recycle`]).
const SPARE_ROWS: usize = 8;

/// What EXPLAIN ANALYZE prints for one plan node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeStats {
    /// Rows the node returned, over all loops.
    pub rows: u64,
    /// Times the node was started (a rescanned inner side counts each time).
    pub loops: u64,
    /// Time inside the node's `next`, children included.
    pub time: Duration,
    /// The part of `time` spent before each loop's first row (all of a
    /// loop's time when it returned none).
    pub startup: Duration,
    /// Rows the node's own filter rejected.
    pub removed: u64,
}

/// A subquery's result kept for the rest of the statement.
#[derive(Clone, Debug)]
pub(crate) enum CachedSubquery {
    Value(Value),
    Rows(Arc<Vec<Row>>),
    /// Refers to an enclosing row: run for every row.
    Correlated,
}

/// Everything execution reads besides the plan: storage, parameters,
/// settings, clocks, enclosing rows of correlated subqueries, and per-node
/// statistics when analyzing.
pub struct ExecContext<'a> {
    pub tables: &'a mut dyn TableAccess,
    pub params: &'a [Value],
    pub settings: &'a Settings,
    /// µs since 2000-01-01 UTC.
    pub transaction_start: i64,
    pub statement_start: i64,
    pub clock: &'a dyn Fn() -> i64,
    pub rng: &'a mut Prng,
    /// Cancel requests and the statement timeout (57014).
    pub cancel: Option<&'a super::Interrupt>,
    /// Bytes a blocking operator may hold before it spills or fails.
    pub work_mem: usize,
    /// Collect per-node statistics (EXPLAIN ANALYZE).
    pub analyze: bool,
    /// Per-node statistics, indexed by the node's pre-order number.
    pub stats: Vec<NodeStats>,
    /// The pre-order number of the instrumented node running now (its
    /// filter's rejections count there); `usize::MAX` for none.
    pub(crate) current_node: usize,
    /// Rows inserted, updated or deleted by the statement (its command tag).
    pub rows_affected: u64,
    /// Rows of enclosing queries; the last is depth 1.
    pub(crate) outer: Vec<Row>,
    pub(crate) subqueries: HashMap<usize, CachedSubquery>,
    /// The last row a correlated multiple-column SET sub-SELECT returned,
    /// by its group: (the outer row it ran for, its row or NULLs).
    pub(crate) row_fields: HashMap<usize, (Row, Row)>,
    pub(crate) work_tables: HashMap<usize, Arc<Vec<Row>>>,
    /// NO ACTION foreign keys to check when the statement's changes are done.
    pub(crate) deferred_fk: Vec<DeferredCheck>,
    /// The catalog and session for system relations, catalog functions
    /// and `reg*` casts (see `crate::system`); `None` outside a session.
    pub system: Option<&'a crate::system::SystemContext<'a>>,
    ticks: u32,
    /// Row buffers consumers gave back, for scans to fill again.
    spare_rows: Vec<Row>,
}

/// The statement-wide state of a suspended execution: its clocks, the
/// results of its uncorrelated subqueries and its work tables.
#[derive(Default)]
pub struct SuspendedState {
    transaction_start: i64,
    statement_start: i64,
    subqueries: HashMap<usize, CachedSubquery>,
    work_tables: HashMap<usize, Arc<Vec<Row>>>,
}

/// A parent key that lost its row (or changed) under a NO ACTION foreign
/// key: an error at the end of the statement if the key is still
/// referenced and no row has it again.
#[derive(Clone, Debug)]
pub(crate) struct DeferredCheck {
    pub parent: std::sync::Arc<super::storage::TableMeta>,
    pub fk: super::storage::ForeignKeyMeta,
    pub values: Vec<Value>,
}

impl<'a> ExecContext<'a> {
    /// Counts a row the running node's filter rejected (EXPLAIN ANALYZE's
    /// "Rows Removed by Filter").
    pub(crate) fn note_removed(&mut self) {
        if let Some(s) = self.stats.get_mut(self.current_node) {
            s.removed += 1;
        }
    }

    pub fn new(
        tables: &'a mut dyn TableAccess,
        settings: &'a Settings,
        params: &'a [Value],
        clock: &'a dyn Fn() -> i64,
        rng: &'a mut Prng,
    ) -> ExecContext<'a> {
        let now = clock();
        ExecContext {
            tables,
            params,
            settings,
            transaction_start: settings.now.unwrap_or(now),
            statement_start: now,
            clock,
            rng,
            cancel: None,
            work_mem: settings.work_mem,
            analyze: false,
            stats: Vec::new(),
            current_node: usize::MAX,
            rows_affected: 0,
            outer: Vec::new(),
            subqueries: HashMap::default(),
            row_fields: HashMap::default(),
            work_tables: HashMap::default(),
            deferred_fk: Vec::new(),
            system: None,
            ticks: 0,
            spare_rows: Vec::new(),
        }
    }

    /// Gives back a row the caller is done with: its buffer (emptied) is
    /// kept for [`ExecContext::spare_row`], so a scan feeding an
    /// aggregate or a projection does not allocate a row per row.
    pub(crate) fn recycle(&mut self, mut row: Row) {
        if self.spare_rows.len() < SPARE_ROWS && row.capacity() > 0 {
            row.clear();
            self.spare_rows.push(row);
        }
    }

    /// An empty row buffer, recycled when one is at hand.
    pub(crate) fn spare_row(&mut self) -> Row {
        self.spare_rows.pop().unwrap_or_default()
    }

    /// The context functions are called with.
    pub fn eval_context(&mut self) -> EvalContext<'_> {
        EvalContext {
            settings: self.settings,
            transaction_start: self.transaction_start,
            statement_start: self.statement_start,
            clock: self.clock,
            rng: self.rng,
            system: self.system,
        }
    }

    /// Counts a row and fails with 57014 if the statement was cancelled.
    #[inline]
    pub fn tick(&mut self) -> Result<()> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(CANCEL_CHECK_INTERVAL) {
            self.check_cancel()?;
        }
        Ok(())
    }

    pub fn check_cancel(&self) -> Result<()> {
        match self.cancel {
            Some(interrupt) => interrupt.check(self.clock),
            None => Ok(()),
        }
    }

    /// Takes what the statement's operators rely on between calls, so that
    /// a suspended execution (a cursor between FETCHes) can continue under
    /// a new context with [`ExecContext::resume`].
    pub fn suspend(&mut self) -> SuspendedState {
        SuspendedState {
            transaction_start: self.transaction_start,
            statement_start: self.statement_start,
            subqueries: std::mem::take(&mut self.subqueries),
            work_tables: std::mem::take(&mut self.work_tables),
        }
    }

    /// Continues an execution [`ExecContext::suspend`] set aside.
    pub fn resume(&mut self, state: SuspendedState) {
        self.transaction_start = state.transaction_start;
        self.statement_start = state.statement_start;
        self.subqueries = state.subqueries;
        self.work_tables = state.work_tables;
    }

    /// Runs `f` with `row` pushed as the innermost outer row.
    pub(crate) fn with_outer<T>(
        &mut self,
        row: &[Value],
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        self.outer.push(row.to_vec());
        let r = f(self);
        self.outer.pop();
        r
    }
}
