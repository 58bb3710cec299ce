//! What the executor needs from row storage, as one small trait.
//!
//! [`TableAccess`] is the seam between the executor and the `table/` and
//! `catalog/` modules: scans that keep their place by the last key they
//! returned (so writes between two `scan_next` calls are harmless), point
//! reads and writes by row key, the lookups that constraints need, and a
//! place to put sorted runs that spill out of memory. [`MemoryTables`]
//! implements it in memory for tests.

use std::sync::Arc;

use assay_storage::Result;

use super::batch::RowBatch;
use crate::plan::ScalarExpr;
use crate::types::{DataType, Value};

/// A row: one value per column.
pub type Row = Vec<Value>;

/// A row's identity in its table (PostgreSQL's ctid): the encoded primary
/// key, or the hidden row id of a table without one. Opaque to the executor.
pub type RowKey = Vec<u8>;

/// A column as the executor sees it.
#[derive(Clone, Debug)]
pub struct ColumnMeta {
    pub name: String,
    pub data_type: DataType,
    pub not_null: bool,
    /// The bound DEFAULT (over no row), for `ON DELETE SET DEFAULT`.
    pub default: Option<ScalarExpr>,
}

/// A CHECK constraint, bound over the table's row.
#[derive(Clone, Debug)]
pub struct CheckMeta {
    pub name: String,
    pub expr: ScalarExpr,
}

/// Referential actions (`ON DELETE` / `ON UPDATE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

/// A foreign key from `table.columns` to `ref_table.ref_columns`.
#[derive(Clone, Debug)]
pub struct ForeignKeyMeta {
    pub name: String,
    pub table: u32,
    pub columns: Vec<usize>,
    pub ref_table: u32,
    pub ref_columns: Vec<usize>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
}

/// A table with everything writes must enforce.
#[derive(Clone, Debug)]
pub struct TableMeta {
    pub oid: u32,
    pub name: String,
    pub columns: Vec<ColumnMeta>,
    pub checks: Vec<CheckMeta>,
    /// Foreign keys of this table.
    pub foreign_keys: Vec<ForeignKeyMeta>,
    /// Foreign keys of other tables (or this one) that reference this table.
    pub referenced_by: Vec<ForeignKeyMeta>,
}

/// A range of key values (a prefix of the key columns); `None` is open.
#[derive(Clone, Debug, Default)]
pub struct ValueRange {
    pub low: Option<(Vec<Value>, bool)>,
    pub high: Option<(Vec<Value>, bool)>,
}

/// How a scan reaches its rows (the evaluated form of `plan::Access`).
#[derive(Clone, Debug)]
pub enum ScanAccess {
    Full,
    PrimaryKey(Vec<ValueRange>),
    Index {
        index: u32,
        ranges: Vec<ValueRange>,
        only: bool,
    },
}

/// A scan's place: storage reads and advances it; the executor only keeps
/// it between calls. Nothing in it borrows the transaction.
pub struct ScanState {
    pub table: u32,
    pub access: ScanAccess,
    /// The range being read (for multi-range access).
    pub range: usize,
    /// The storage key of the last row returned, if any.
    pub position: Option<Vec<u8>>,
    pub done: bool,
    /// The columns the plan reads (`None`: all): storage may leave the
    /// others NULL instead of decoding them.
    pub columns: Option<Vec<bool>>,
    /// Whether the plan reads the row keys `scan_next` returns; when not,
    /// storage may return empty keys.
    pub want_key: bool,
    /// An empty buffer storage may fill with the next row instead of
    /// allocating one.
    pub spare: Row,
    /// Storage's own cursor, if it keeps one (it must not borrow the
    /// transaction and must survive writes between steps).
    pub cursor: Option<Box<dyn std::any::Any + Send>>,
}

impl ScanState {
    pub fn new(table: u32, access: ScanAccess) -> ScanState {
        ScanState {
            table,
            access,
            range: 0,
            position: None,
            done: false,
            columns: None,
            want_key: true,
            spare: Vec::new(),
            cursor: None,
        }
    }
}

/// Row storage as the executor uses it.
pub trait TableAccess {
    /// The table with its constraints (error 42P01 when it is gone).
    fn table(&mut self, oid: u32) -> Result<Arc<TableMeta>>;

    /// The table's number of columns (what a scan needs, without the
    /// constraints [`TableAccess::table`] binds).
    fn width(&mut self, oid: u32) -> Result<usize> {
        Ok(self.table(oid)?.columns.len())
    }
    /// The next row of a scan with its key, or `None` at the end.
    fn scan_next(&mut self, scan: &mut ScanState) -> Result<Option<(RowKey, Row)>>;
    /// Adds the scan's next rows (without their keys) to `batch` until it
    /// is full or the scan ends. Storage may decode them in place into the
    /// batch's buffers, writing only the columns `scan.columns` marks
    /// (NULL in the others); by default it calls `scan_next`.
    fn scan_batch(&mut self, scan: &mut ScanState, batch: &mut RowBatch) -> Result<()> {
        while !batch.is_full() {
            let Some((_, row)) = self.scan_next(scan)? else {
                break;
            };
            batch.push_keeping_spare(row, &mut scan.spare);
        }
        Ok(())
    }
    fn get(&mut self, table: u32, key: &[u8]) -> Result<Option<Row>>;
    /// The key of the stored row equal to `row` on the primary key (for
    /// UPDATE and DELETE inputs without a `ctid` column).
    fn key_of(&mut self, table: u32, row: &[Value]) -> Result<RowKey>;
    /// Inserts a row, maintaining indexes; a duplicate in a unique index
    /// fails with 23505 and changes nothing.
    fn insert(&mut self, table: u32, row: &[Value]) -> Result<RowKey>;
    /// Replaces the row at `key`; returns its (possibly new) key. `old` is
    /// the row as stored, when the caller knows it has not changed since
    /// it was read (storage then need not read it again).
    fn update(
        &mut self,
        table: u32,
        key: &[u8],
        old: Option<&[Value]>,
        row: &[Value],
    ) -> Result<RowKey>;
    fn delete(&mut self, table: u32, key: &[u8]) -> Result<()>;
    /// The existing row that `row` would collide with in the given unique
    /// index (or any unique index), for `ON CONFLICT`.
    fn find_conflict(
        &mut self,
        table: u32,
        row: &[Value],
        index: Option<u32>,
    ) -> Result<Option<(RowKey, Row)>>;
    /// Rows whose `columns` equal `values` (never matching NULL), at most
    /// `limit` of them: foreign-key checks and actions.
    fn find_rows(
        &mut self,
        table: u32,
        columns: &[usize],
        values: &[Value],
        limit: Option<usize>,
    ) -> Result<Vec<(RowKey, Row)>>;
    /// Stores a sorted run that spilled out of memory; returns its id.
    fn spill_write(&mut self, rows: Vec<Row>) -> Result<u64>;
    /// Reads up to `max` rows of a run from row `start` on.
    fn spill_read(&mut self, run: u64, start: usize, max: usize) -> Result<Vec<Row>>;
    fn spill_drop(&mut self, run: u64) -> Result<()>;
    /// Runs `nextval`, `currval`, `setval` or `lastval` (they need storage
    /// and the session's sequence memory).
    fn sequence_function(&mut self, name: &str, _args: &[Value]) -> Result<Value> {
        Err(assay_storage::err!(
            assay_storage::SqlState::FEATURE_NOT_SUPPORTED,
            "{name}() is not available here"
        ))
    }
}
