//! [`StoreAccess`]: the executor's [`TableAccess`] over the real storage —
//! a [`Transaction`], the [`Catalog`] and a [`TableStore`].
//!
//! * Scans keep a `TableScan` or `IndexScan` in the [`ScanState`]; both
//!   re-seek by themselves after writes. A value range that is "equal on
//!   leading columns, then a range on the next one" becomes one key range
//!   ([`KeyRange::between`], or a key prefix for pure equality); any other
//!   shape scans wider and tests each row's key values. A primary-key
//!   range that is one point on the whole key (`id = $1`) is read with one
//!   lookup instead: no cursor to build, and no second step to learn that
//!   the range has ended.
//! * An index-only scan yields a row of the table's width with only the
//!   indexed columns filled in (the plan projects just those).
//! * CHECK constraints and column defaults are SQL text in the catalog;
//!   a [`ConstraintBinder`] (the binder, supplied by the caller) turns them
//!   into expressions once per table per statement.
//! * Sorted runs that spill go to temporary trees (`pg_temp.sort.N`) in the
//!   transaction, one row per entry keyed by its position, dropped once
//!   merged (and when the access is dropped). A transaction that cannot
//!   write (read-only) keeps its runs in memory instead.

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;

use assay_storage::{err, BTree, BTreeCursor, Result, SqlState, Transaction};

use super::batch::RowBatch;
use super::memory::in_range;
use super::storage::{
    CheckMeta, ColumnMeta, FkAction, ForeignKeyMeta, Row, RowKey, ScanAccess, ScanState,
    TableAccess, TableMeta, ValueRange,
};
use crate::catalog::{
    self, Catalog, ConstraintKind, Index, IndexExpr, SearchPath, SequenceSession, Table,
};
use crate::plan::ScalarExpr;
use crate::table::{
    decode_row, encode_key_value, encode_row, IndexScan, KeyRange, TableScan, TableStore,
};
use crate::types::Value;

/// Binds the SQL text the catalog keeps for constraints and defaults.
/// Also computes expression and partial index entries ([`IndexEval`]),
/// which need the same binding of catalog SQL text.
pub trait ConstraintBinder: crate::table::IndexEval {
    /// A CHECK expression over the table's row.
    fn check(&mut self, table: &Table, sql: &str) -> Result<ScalarExpr>;
    /// A column's DEFAULT (over no row), if it has one.
    fn default(&mut self, table: &Table, column: usize) -> Result<Option<ScalarExpr>>;
    /// What the bound defaults and checks depend on, when tables' metadata
    /// may be kept between statements (see [`MetaCache`]).
    fn meta_key(&self) -> Option<MetaKey> {
        None
    }
    /// Whether metadata bound under `key` still holds.
    fn meta_key_holds(&self, _key: &MetaKey) -> bool {
        false
    }
}

/// What a table's [`TableMeta`] was bound under: the catalog version, the
/// search path and the settings constant folding reads.
#[derive(Clone, Debug, PartialEq)]
pub struct MetaKey {
    pub version: crate::catalog::CatalogVersion,
    pub schemas: Vec<String>,
    pub temp_schema: Option<u32>,
    pub settings: crate::types::Settings,
}

/// Tables' metadata (defaults and checks bound, foreign keys gathered)
/// kept in the session's table store from one statement to the next while
/// its [`MetaKey`] holds, so a statement repeated in a loop does not bind
/// its table's constraints each time.
#[derive(Default)]
pub struct MetaCache {
    key: Option<MetaKey>,
    metas: rustc_hash::FxHashMap<u32, Arc<TableMeta>>,
}

/// For tables without CHECK constraints: no defaults, and an error on a
/// CHECK.
pub struct NoConstraintExprs;

impl crate::table::IndexEval for NoConstraintExprs {
    fn eval(
        &mut self,
        table: &Table,
        index: &Index,
        row: &[Value],
        out: &mut Vec<Value>,
    ) -> Result<bool> {
        crate::table::ColumnsOnly.eval(table, index, row, out)
    }
}

impl ConstraintBinder for NoConstraintExprs {
    fn check(&mut self, table: &Table, _sql: &str) -> Result<ScalarExpr> {
        Err(err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "CHECK constraints of \"{}\" need the binder",
            table.name
        ))
    }
    fn default(&mut self, _table: &Table, _column: usize) -> Result<Option<ScalarExpr>> {
        Ok(None)
    }
}

enum Run {
    Tree(Vec<u8>),
    Memory(Vec<Row>),
}

/// Sorted runs a suspended execution still needs (a cursor's sort between
/// FETCHes): taken from one [`StoreAccess`] and handed to the next, or
/// dropped with [`SpilledRuns::drop_all`].
#[derive(Default)]
pub struct SpilledRuns(HashMap<u64, Run>);

impl SpilledRuns {
    /// Drops the runs' trees from `txn`.
    pub fn drop_all(self, txn: &mut Transaction) -> Result<()> {
        for (_, run) in self.0 {
            if let Run::Tree(name) = run {
                txn.drop_tree(&name)?;
            }
        }
        Ok(())
    }
}

pub struct StoreAccess<'a> {
    pub txn: &'a mut Transaction,
    pub catalog: &'a Catalog,
    pub store: &'a mut TableStore,
    binder: &'a mut dyn ConstraintBinder,
    metas: HashMap<u32, Arc<TableMeta>>,
    runs: HashMap<u64, Run>,
    /// The session's sequence memory and search path, for `nextval` & co.
    pub sequences: Option<(&'a mut SequenceSession, &'a SearchPath)>,
}

enum Cursor {
    Table(TableScan),
    Index(IndexScan),
}

/// A scan over one value range.
struct RangeScan {
    /// The scanned table, looked up once per range rather than per row.
    table: Arc<Table>,
    cursor: Cursor,
    /// The range when the key range is wider than it.
    recheck: Option<ValueRange>,
}

fn from_catalog(a: catalog::FkAction) -> FkAction {
    match a {
        catalog::FkAction::NoAction => FkAction::NoAction,
        catalog::FkAction::Restrict => FkAction::Restrict,
        catalog::FkAction::Cascade => FkAction::Cascade,
        catalog::FkAction::SetNull => FkAction::SetNull,
        catalog::FkAction::SetDefault => FkAction::SetDefault,
    }
}

/// Column positions of an index's parts (`None` for expression indexes).
fn index_columns(index: &Index) -> Option<Vec<usize>> {
    index
        .parts
        .iter()
        .map(|p| match p.expr {
            IndexExpr::Column(c) => Some(c),
            IndexExpr::Expression { .. } => None,
        })
        .collect()
}

fn prefix_key(index: &Index, vals: &[Value]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for (v, p) in vals.iter().zip(&index.parts) {
        encode_key_value(&mut out, v, p.order.sort_order())?;
    }
    Ok(out)
}

fn bound(v: &Value, inclusive: bool) -> Bound<&Value> {
    if inclusive {
        Bound::Included(v)
    } else {
        Bound::Excluded(v)
    }
}

/// The row key of the scan's current range when that range is one point
/// on the table's whole primary key (read with one lookup).
fn point_key(table: &Table, state: &ScanState) -> Result<Option<Vec<u8>>> {
    let (ScanAccess::PrimaryKey(ranges), Some(pk)) = (&state.access, &table.primary_key) else {
        return Ok(None);
    };
    let Some(ValueRange {
        low: Some((low, true)),
        high: Some((high, true)),
    }) = ranges.get(state.range)
    else {
        return Ok(None);
    };
    let point = low.len() == pk.len()
        && high.len() == pk.len()
        && low
            .iter()
            .zip(high)
            .all(|(l, h)| one_key(l) && crate::types::compare(l, h).is_eq());
    if !point {
        return Ok(None);
    }
    let mut key = Vec::new();
    TableStore::encode_primary_key(table, low, &mut key)?;
    Ok(Some(key))
}

/// Whether every key equal to `v` as SQL compares is `v`'s own encoding,
/// so that a lookup finds what a scan of the key prefix would (not so for
/// floats, `-0` and `0`, or numerics, `1.0` and `1.00`).
fn one_key(v: &Value) -> bool {
    matches!(
        v,
        Value::Bool(_)
            | Value::Int2(_)
            | Value::Int4(_)
            | Value::Int8(_)
            | Value::Text(_)
            | Value::Bytea(_)
            | Value::Date(_)
            | Value::Time(_)
            | Value::Timestamp(_)
            | Value::TimestampTz(_)
            | Value::Uuid(_)
    )
}

/// The key range covering `r` on keys ordered by `orders`, and whether it
/// is exact.
fn key_range(
    r: &ValueRange,
    orders: &[assay_storage::keycode::SortOrder],
) -> Result<(KeyRange, bool)> {
    Ok(match (&r.low, &r.high) {
        (None, None) => (KeyRange::all(), true),
        (Some((l, li)), Some((h, hi))) if l.len() == h.len() && !l.is_empty() => {
            let n = l.len();
            let same_prefix = l[..n - 1]
                .iter()
                .zip(&h[..n - 1])
                .all(|(a, b)| crate::types::compare(a, b).is_eq());
            if !same_prefix {
                (KeyRange::all(), false)
            } else if *li && *hi && crate::types::compare(&l[n - 1], &h[n - 1]).is_eq() {
                let mut prefix = Vec::new();
                for (v, o) in l.iter().zip(orders) {
                    encode_key_value(&mut prefix, v, *o)?;
                }
                (KeyRange::prefix(prefix), true)
            } else {
                (
                    KeyRange::between(
                        &l[..n - 1],
                        orders,
                        bound(&l[n - 1], *li),
                        bound(&h[n - 1], *hi),
                    )?,
                    true,
                )
            }
        }
        (Some((l, li)), None) if !l.is_empty() => {
            let n = l.len();
            (
                KeyRange::between(&l[..n - 1], orders, bound(&l[n - 1], *li), Bound::Unbounded)?,
                true,
            )
        }
        (None, Some((h, hi))) if !h.is_empty() => {
            let n = h.len();
            (
                KeyRange::between(&h[..n - 1], orders, Bound::Unbounded, bound(&h[n - 1], *hi))?,
                true,
            )
        }
        _ => (KeyRange::all(), false),
    })
}

impl<'a> StoreAccess<'a> {
    pub fn new(
        txn: &'a mut Transaction,
        catalog: &'a Catalog,
        store: &'a mut TableStore,
        binder: &'a mut dyn ConstraintBinder,
    ) -> StoreAccess<'a> {
        StoreAccess {
            txn,
            catalog,
            store,
            binder,
            metas: HashMap::new(),
            runs: HashMap::new(),
            sequences: None,
        }
    }

    /// Takes the spilled runs, so that dropping this access keeps them.
    pub fn take_spilled(&mut self) -> SpilledRuns {
        SpilledRuns(std::mem::take(&mut self.runs))
    }

    /// Hands over runs an earlier access spilled for the same execution.
    pub fn restore_spilled(&mut self, runs: SpilledRuns) {
        self.runs.extend(runs.0);
    }

    fn catalog_table(&self, oid: u32) -> Result<Arc<Table>> {
        self.catalog.table(oid).cloned().ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_TABLE,
                "relation with OID {} does not exist",
                oid
            )
        })
    }

    fn build_meta(&mut self, t: &Table) -> Result<TableMeta> {
        let mut columns = Vec::with_capacity(t.columns.len());
        for (i, c) in t.columns.iter().enumerate() {
            let default = if c.default.is_some() {
                self.binder.default(t, i)?
            } else {
                None
            };
            columns.push(ColumnMeta {
                name: c.name.clone(),
                data_type: c.ty.clone(),
                not_null: c.not_null,
                default,
            });
        }
        let mut checks = Vec::new();
        let mut foreign_keys = Vec::new();
        for con in &t.constraints {
            match &con.kind {
                ConstraintKind::Check { sql } => checks.push(CheckMeta {
                    name: con.name.clone(),
                    expr: self.binder.check(t, sql)?,
                }),
                ConstraintKind::ForeignKey(fk) => foreign_keys.push(fk_meta(t.oid, &con.name, fk)),
                _ => {}
            }
        }
        let mut referenced_by = Vec::new();
        for other in self.catalog.tables() {
            for con in &other.constraints {
                if let ConstraintKind::ForeignKey(fk) = &con.kind {
                    if fk.ref_table == t.oid {
                        referenced_by.push(fk_meta(other.oid, &con.name, fk));
                    }
                }
            }
        }
        Ok(TableMeta {
            oid: t.oid,
            name: t.name.clone(),
            columns,
            checks,
            foreign_keys,
            referenced_by,
        })
    }

    /// Opens the scan of `state`'s current range, or `None` past the last.
    fn open_range(&self, table: Arc<Table>, state: &ScanState) -> Result<Option<RangeScan>> {
        let (index, ranges) = match &state.access {
            ScanAccess::Full => {
                return Ok((state.range == 0).then(|| RangeScan {
                    cursor: Cursor::Table(TableScan::new(&table)),
                    recheck: None,
                    table,
                }))
            }
            ScanAccess::PrimaryKey(ranges) => (None, ranges),
            ScanAccess::Index { index, ranges, .. } => {
                let ix = table.index(*index).ok_or_else(|| {
                    err!(SqlState::UNDEFINED_OBJECT, "index {} does not exist", index)
                })?;
                (if ix.primary { None } else { Some(ix) }, ranges)
            }
        };
        let Some(r) = ranges.get(state.range) else {
            return Ok(None);
        };
        let orders: Vec<_> = match index {
            Some(ix) => ix.parts.iter().map(|p| p.order.sort_order()).collect(),
            None => vec![
                assay_storage::keycode::SortOrder::ASC;
                table.primary_key.as_ref().map_or(1, |k| k.len())
            ],
        };
        let (range, exact) = key_range(r, &orders)?;
        let recheck = (!exact).then(|| r.clone());
        let cursor = match index {
            Some(ix) => Cursor::Index(IndexScan::new(ix, range, false)),
            None => Cursor::Table(TableScan::range(&table, range, false)),
        };
        Ok(Some(RangeScan {
            table,
            cursor,
            recheck,
        }))
    }

    /// The next row of one range scan (its key empty unless the scan
    /// wants keys; only the columns it reads decoded).
    fn step(
        &mut self,
        state: &mut ScanState,
        scan: &mut RangeScan,
    ) -> Result<Option<(RowKey, Row)>> {
        let table = &*scan.table;
        // A recheck compares key column values: decode those too.
        let wanted = match scan.recheck {
            None => state.columns.as_deref(),
            Some(_) => None,
        };
        loop {
            let mut keyvals = Vec::new();
            let (key, row) = match &mut scan.cursor {
                Cursor::Table(ts) => {
                    if !ts.next(self.txn)? {
                        return Ok(None);
                    }
                    let mut row = std::mem::take(&mut state.spare);
                    ts.some_of_row_into(self.txn, wanted, &mut row)?;
                    if scan.recheck.is_some() {
                        if let (ScanAccess::PrimaryKey(_), Some(pk)) =
                            (&state.access, &table.primary_key)
                        {
                            keyvals = pk.iter().map(|&c| row[c].clone()).collect();
                        }
                    }
                    let key = match state.want_key {
                        true => ts.key().to_vec(),
                        false => Vec::new(),
                    };
                    (key, row)
                }
                Cursor::Index(is) => {
                    if !is.next(self.txn)? {
                        return Ok(None);
                    }
                    let ScanAccess::Index { index, only, .. } = &state.access else {
                        return Err(err!(
                            SqlState::INTERNAL_ERROR,
                            "index cursor without index access"
                        ));
                    };
                    let ix = table.index(*index).ok_or_else(|| {
                        err!(SqlState::UNDEFINED_OBJECT, "index {} does not exist", index)
                    })?;
                    if *only || scan.recheck.is_some() {
                        is.values_into(table, ix, &mut keyvals)?;
                    }
                    let row = if *only {
                        let mut row = vec![Value::Null; table.columns.len()];
                        for (p, v) in ix.parts.iter().zip(&keyvals) {
                            if let IndexExpr::Column(c) = p.expr {
                                row[c] = v.clone();
                            }
                        }
                        row
                    } else {
                        let mut row = std::mem::take(&mut state.spare);
                        if !self.store.get_some_into(
                            self.txn,
                            table,
                            is.row_key(),
                            wanted,
                            &mut row,
                        )? {
                            return Err(err!(
                                SqlState::INDEX_CORRUPTED,
                                "index \"{}\" points at a missing row",
                                ix.name
                            ));
                        }
                        row
                    };
                    let key = match state.want_key {
                        true => is.row_key().to_vec(),
                        false => Vec::new(),
                    };
                    (key, row)
                }
            };
            if scan
                .recheck
                .as_ref()
                .is_some_and(|r| !in_range(&keyvals, r))
            {
                continue;
            }
            return Ok(Some((key, row)));
        }
    }

    /// Whether [`StoreAccess::fill`] can go on with the scan's range
    /// (rows in place, no keys, no recheck, not index-only).
    fn can_fill(state: &ScanState) -> bool {
        let Some(scan) = state
            .cursor
            .as_ref()
            .and_then(|c| c.downcast_ref::<RangeScan>())
        else {
            return false;
        };
        !state.want_key
            && scan.recheck.is_none()
            && match scan.cursor {
                Cursor::Table(_) => true,
                Cursor::Index(_) => matches!(state.access, ScanAccess::Index { only: false, .. }),
            }
    }

    /// Adds the rows of one range scan to `batch`, decoding each into the
    /// batch's buffer for it, until the batch is full (true) or the range
    /// ends (false).
    fn fill(
        &mut self,
        state: &ScanState,
        scan: &mut RangeScan,
        batch: &mut RowBatch,
    ) -> Result<bool> {
        let table = &*scan.table;
        let width = table.columns.len();
        let wanted = state.columns.as_deref();
        match &mut scan.cursor {
            Cursor::Table(ts) => {
                while !batch.is_full() {
                    if !ts.next(self.txn)? {
                        return Ok(false);
                    }
                    ts.row_slots(self.txn, wanted, batch.slot(width))?;
                    batch.commit();
                }
            }
            Cursor::Index(is) => {
                while !batch.is_full() {
                    if !is.next(self.txn)? {
                        return Ok(false);
                    }
                    let slot = batch.slot(width);
                    let found = self.store.get_with(self.txn, table, is.row_key(), |r| {
                        r.decode_slots(wanted, slot)
                    })?;
                    if found.is_none() {
                        return Err(missing_row(table, state));
                    }
                    batch.commit();
                }
            }
        }
        Ok(true)
    }

    fn index_for(table: &Table, columns: &[usize]) -> Option<Index> {
        table
            .indexes
            .iter()
            .find(|ix| {
                !ix.primary
                    && ix.predicate.is_none()
                    && index_columns(ix).is_some_and(|c| c.starts_with(columns))
            })
            .cloned()
    }
}

#[cold]
#[inline(never)]
fn missing_row(table: &Table, state: &ScanState) -> assay_storage::Error {
    let name = match &state.access {
        ScanAccess::Index { index, .. } => table.index(*index).map(|ix| ix.name.as_str()),
        _ => None,
    };
    err!(
        SqlState::INDEX_CORRUPTED,
        "index \"{}\" points at a missing row",
        name.unwrap_or("?")
    )
}

fn fk_meta(table: u32, name: &str, fk: &catalog::ForeignKey) -> ForeignKeyMeta {
    ForeignKeyMeta {
        name: name.to_string(),
        table,
        columns: fk.columns.clone(),
        ref_table: fk.ref_table,
        ref_columns: fk.ref_columns.clone(),
        on_delete: from_catalog(fk.on_delete),
        on_update: from_catalog(fk.on_update),
    }
}

/// Splits `name` or `schema.name` (with PostgreSQL's quoting) as
/// `'seq'::regclass` text names a sequence.
fn split_regclass(text: &str) -> (Option<String>, String) {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut cur)),
            c if quoted => cur.push(c),
            c => cur.extend(c.to_lowercase()),
        }
    }
    parts.push(cur);
    let name = parts.pop().unwrap_or_default();
    (parts.pop(), name)
}

impl TableAccess for StoreAccess<'_> {
    fn sequence_function(&mut self, name: &str, args: &[Value]) -> Result<Value> {
        let Some((seqs, path)) = self.sequences.as_mut() else {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{name}() is not available here"
            ));
        };
        if name == "lastval" {
            return Ok(Value::Int8(seqs.lastval()?));
        }
        let seq = match args.first() {
            Some(Value::Text(t)) => {
                let (schema, rel) = split_regclass(t);
                self.catalog
                    .lookup_sequence(schema.as_deref(), &rel, path)?
                    .clone()
            }
            // A regclass: the relation's OID.
            Some(Value::Int8(oid)) => match self.catalog.sequence(*oid as u32) {
                Some(s) => s.clone(),
                None => {
                    let name = self
                        .catalog
                        .table(*oid as u32)
                        .map_or_else(|| oid.to_string(), |t| t.name.clone());
                    return Err(err!(
                        SqlState::WRONG_OBJECT_TYPE,
                        "\"{name}\" is not a sequence"
                    ));
                }
            },
            _ => return Ok(Value::Null),
        };
        let v = match (name, args) {
            ("nextval", _) => seqs.nextval(self.txn, &seq)?,
            ("currval", _) => seqs.currval(&seq)?,
            ("setval", [_, Value::Int8(v)]) => seqs.setval(self.txn, &seq, *v, true)?,
            ("setval", [_, Value::Int8(v), Value::Bool(called)]) => {
                seqs.setval(self.txn, &seq, *v, *called)?
            }
            _ => return Ok(Value::Null),
        };
        Ok(Value::Int8(v))
    }

    fn table(&mut self, oid: u32) -> Result<Arc<TableMeta>> {
        if let Some(m) = self.metas.get(&oid) {
            return Ok(m.clone());
        }
        let cache = &mut self.store.meta_cache;
        if !cache
            .key
            .as_ref()
            .is_some_and(|k| self.binder.meta_key_holds(k))
        {
            cache.metas.clear();
            cache.key = self.binder.meta_key();
        }
        if let Some(m) = cache.metas.get(&oid) {
            let m = m.clone();
            self.metas.insert(oid, m.clone());
            return Ok(m);
        }
        let t = self.catalog_table(oid)?;
        let meta = Arc::new(self.build_meta(&t)?);
        self.metas.insert(oid, meta.clone());
        let cache = &mut self.store.meta_cache;
        if cache.key.is_some() {
            cache.metas.insert(oid, meta.clone());
        }
        Ok(meta)
    }

    fn width(&mut self, oid: u32) -> Result<usize> {
        if let Some(m) = self.metas.get(&oid) {
            return Ok(m.columns.len());
        }
        Ok(self.catalog_table(oid)?.columns.len())
    }

    fn scan_next(&mut self, state: &mut ScanState) -> Result<Option<(RowKey, Row)>> {
        if state.done {
            return Ok(None);
        }
        loop {
            // The scan stays in its box from row to row.
            let mut scan: Box<RangeScan> =
                match state.cursor.take().map(|c| c.downcast::<RangeScan>()) {
                    Some(Ok(s)) => s,
                    _ => {
                        let table = self.catalog_table(state.table)?;
                        if let Some(key) = point_key(&table, state)? {
                            state.range += 1;
                            let mut row = std::mem::take(&mut state.spare);
                            let wanted = state.columns.as_deref();
                            if self
                                .store
                                .get_some_into(self.txn, &table, &key, wanted, &mut row)?
                            {
                                let key = if state.want_key { key } else { Vec::new() };
                                return Ok(Some((key, row)));
                            }
                            state.spare = row;
                            continue;
                        }
                        match self.open_range(table, state)? {
                            Some(s) => Box::new(s),
                            None => {
                                state.done = true;
                                return Ok(None);
                            }
                        }
                    }
                };
            match self.step(state, &mut scan)? {
                Some(found) => {
                    state.cursor = Some(scan);
                    return Ok(Some(found));
                }
                None => state.range += 1,
            }
        }
    }

    fn scan_batch(&mut self, state: &mut ScanState, batch: &mut RowBatch) -> Result<()> {
        while !batch.is_full() && !state.done {
            if !Self::can_fill(state) {
                // Opens the next range (or reads a point, or a row that
                // needs its key or a recheck) one row at a time.
                let Some((_, row)) = self.scan_next(state)? else {
                    break;
                };
                batch.push_keeping_spare(row, &mut state.spare);
                continue;
            }
            let Some(Ok(mut scan)) = state.cursor.take().map(|c| c.downcast::<RangeScan>()) else {
                continue;
            };
            if self.fill(state, &mut scan, batch)? {
                state.cursor = Some(scan);
            } else {
                // The range is over: the next step opens the next one.
                state.range += 1;
            }
        }
        Ok(())
    }

    fn get(&mut self, table: u32, key: &[u8]) -> Result<Option<Row>> {
        let t = self.catalog_table(table)?;
        self.store.get(self.txn, &t, key)
    }

    fn key_of(&mut self, table: u32, row: &[Value]) -> Result<RowKey> {
        let t = self.catalog_table(table)?;
        let Some(pk) = &t.primary_key else {
            return Err(err!(
                SqlState::INTERNAL_ERROR,
                "UPDATE or DELETE of \"{}\" (no primary key) needs the row's ctid in its input",
                t.name
            ));
        };
        let vals: Vec<Value> = pk
            .iter()
            .map(|&c| row.get(c).cloned().unwrap_or(Value::Null))
            .collect();
        let mut key = Vec::new();
        TableStore::encode_primary_key(&t, &vals, &mut key)?;
        Ok(key)
    }

    fn insert(&mut self, table: u32, row: &[Value]) -> Result<RowKey> {
        let t = self.catalog_table(table)?;
        self.store.insert_with(self.txn, &t, row, self.binder)
    }

    fn update(
        &mut self,
        table: u32,
        key: &[u8],
        old: Option<&[Value]>,
        row: &[Value],
    ) -> Result<RowKey> {
        let t = self.catalog_table(table)?;
        self.store
            .update_with(self.txn, &t, key, old, row, self.binder)
    }

    fn delete(&mut self, table: u32, key: &[u8]) -> Result<()> {
        let t = self.catalog_table(table)?;
        self.store
            .delete_with(self.txn, &t, key, self.binder)
            .map(|_| ())
    }

    fn find_conflict(
        &mut self,
        table: u32,
        row: &[Value],
        index: Option<u32>,
    ) -> Result<Option<(RowKey, Row)>> {
        let t = self.catalog_table(table)?;
        for ix in t
            .indexes
            .iter()
            .filter(|ix| ix.unique && index.is_none_or(|o| o == ix.oid))
        {
            let Some(cols) = index_columns(ix) else {
                continue;
            };
            let vals: Vec<Value> = cols
                .iter()
                .map(|&c| row.get(c).cloned().unwrap_or(Value::Null))
                .collect();
            if vals.iter().any(Value::is_null) {
                continue;
            }
            if ix.primary {
                let mut key = Vec::new();
                TableStore::encode_primary_key(&t, &vals, &mut key)?;
                if let Some(existing) = self.store.get(self.txn, &t, &key)? {
                    return Ok(Some((key, existing)));
                }
                continue;
            }
            let mut scan = IndexScan::new(ix, KeyRange::prefix(prefix_key(ix, &vals)?), false);
            if scan.next(self.txn)? {
                let key = scan.row_key().to_vec();
                if let Some(existing) = self.store.get(self.txn, &t, &key)? {
                    return Ok(Some((key, existing)));
                }
            }
        }
        Ok(None)
    }

    fn find_rows(
        &mut self,
        table: u32,
        columns: &[usize],
        values: &[Value],
        limit: Option<usize>,
    ) -> Result<Vec<(RowKey, Row)>> {
        if values.iter().any(Value::is_null) {
            return Ok(Vec::new());
        }
        let t = self.catalog_table(table)?;
        let full = |n: usize| limit.is_some_and(|l| n >= l);
        let matches = |row: &[Value]| {
            columns
                .iter()
                .zip(values)
                .all(|(&c, v)| crate::types::compare(&row[c], v).is_eq())
        };
        let mut out = Vec::new();
        if t.primary_key.as_deref() == Some(columns) {
            let mut key = Vec::new();
            TableStore::encode_primary_key(&t, values, &mut key)?;
            if let Some(row) = self.store.get(self.txn, &t, &key)? {
                out.push((key, row));
            }
            return Ok(out);
        }
        if let Some(ix) = Self::index_for(&t, columns) {
            let mut scan = IndexScan::new(&ix, KeyRange::prefix(prefix_key(&ix, values)?), false);
            while !full(out.len()) && scan.next(self.txn)? {
                let key = scan.row_key().to_vec();
                if let Some(row) = self.store.get(self.txn, &t, &key)? {
                    out.push((key, row));
                }
            }
            return Ok(out);
        }
        let mut scan = TableScan::new(&t);
        let mut row = Vec::new();
        while !full(out.len()) && scan.next(self.txn)? {
            scan.row_into(self.txn, &mut row)?;
            if matches(&row) {
                out.push((scan.key().to_vec(), row.clone()));
            }
        }
        Ok(out)
    }

    fn spill_write(&mut self, rows: Vec<Row>) -> Result<u64> {
        // Numbered by the session so that runs a cursor keeps between
        // statements never share a name with another statement's.
        let id = self.store.next_spill_run();
        let name = format!("pg_temp.sort.{id}").into_bytes();
        let _ = self.txn.drop_tree(&name);
        let run = match self.txn.create_tree(&name) {
            Ok(tree) => {
                for (i, row) in rows.iter().enumerate() {
                    tree.insert(self.txn, &(i as u64).to_be_bytes(), &encode_row(row))?;
                }
                Run::Tree(name)
            }
            Err(_) => Run::Memory(rows),
        };
        self.runs.insert(id, run);
        Ok(id)
    }

    fn spill_read(&mut self, run: u64, start: usize, max: usize) -> Result<Vec<Row>> {
        match self.runs.get(&run) {
            Some(Run::Memory(rows)) => Ok(rows.iter().skip(start).take(max).cloned().collect()),
            Some(Run::Tree(name)) => {
                let tree: BTree = self
                    .txn
                    .open_tree(name)?
                    .ok_or_else(|| err!(SqlState::INTERNAL_ERROR, "spilled run {} is gone", run))?;
                let mut cursor: BTreeCursor = tree.cursor();
                let mut out = Vec::with_capacity(max);
                let mut found = cursor.seek_ge(self.txn, &(start as u64).to_be_bytes())?;
                while found && out.len() < max {
                    let value = cursor
                        .value(self.txn)?
                        .ok_or_else(|| err!(SqlState::INTERNAL_ERROR, "bad run entry"))?;
                    out.push(decode_row(&value)?);
                    found = cursor.next(self.txn)?;
                }
                Ok(out)
            }
            None => Err(err!(SqlState::INTERNAL_ERROR, "no spilled run {}", run)),
        }
    }

    fn spill_drop(&mut self, run: u64) -> Result<()> {
        if let Some(Run::Tree(name)) = self.runs.remove(&run) {
            self.txn.drop_tree(&name)?;
        }
        Ok(())
    }
}

impl Drop for StoreAccess<'_> {
    fn drop(&mut self) {
        for (_, run) in self.runs.drain() {
            if let Run::Tree(name) = run {
                let _ = self.txn.drop_tree(&name);
            }
        }
    }
}
