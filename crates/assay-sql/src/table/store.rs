//! [`TableStore`]: rows in a table's B+tree, kept in step with its indexes.

use std::sync::Arc;

use assay_storage::keycode::{KeyReader, SortOrder};
use assay_storage::{corrupt, err, BTree, Result, SqlState, Transaction};
use rustc_hash::FxHashMap;

use super::index::{
    conflicting_entry, encode_index_prefix, entry_value, has_null, index_values, unique_violation,
    ColumnsOnly, IndexEval,
};
use super::key_codec::encode_key_value;
use super::row_codec::{RowEncoder, RowView};
use crate::catalog::{Index, IndexExpr, Oid, Table};
use crate::types::Value;

/// The key of a row in its table's tree: the keycode of its primary key,
/// or of its hidden row id.
pub type RowKey = Vec<u8>;

/// Reads and writes rows. Holds only scratch buffers and a row-id cache,
/// so a connection keeps one and reuses it for every statement.
#[derive(Default)]
pub struct TableStore {
    encoder: RowEncoder,
    row_buf: Vec<u8>,
    key_buf: Vec<u8>,
    entry_buf: Vec<u8>,
    value_buf: Vec<u8>,
    vals: Vec<Value>,
    old_vals: Vec<Value>,
    /// An UPDATE's index entries that change: (old entry, new entry and
    /// its value), reused between rows.
    changed_entries: Vec<ChangedEntry>,
    /// The columns an UPDATE reads from the old row, reused between rows.
    old_mask: Vec<bool>,
    /// Next row id per table, valid for one (pager, snapshot) pair.
    rowids: FxHashMap<Oid, u64>,
    rowid_epoch: (usize, u64),
    /// Tables' executor metadata, kept between statements.
    pub(crate) meta_cache: crate::exec::MetaCache,
    /// Sorted runs spilled so far (their names are numbered by it).
    spill_runs: u64,
}

impl TableStore {
    pub fn new() -> TableStore {
        TableStore::default()
    }

    /// A new number for a spilled sort run, unique in the session.
    pub fn next_spill_run(&mut self) -> u64 {
        self.spill_runs += 1;
        self.spill_runs
    }

    /// Appends the row key for primary key values (in key order).
    pub fn encode_primary_key(table: &Table, pk: &[Value], out: &mut Vec<u8>) -> Result<()> {
        let cols = table.primary_key.as_deref().unwrap_or_default();
        if pk.len() > cols.len().max(1) {
            return Err(err!(
                SqlState::INTERNAL_ERROR,
                "{} key values given for a key of {} columns",
                pk.len(),
                cols.len()
            ));
        }
        for v in pk {
            encode_key_value(out, v, SortOrder::ASC)?;
        }
        Ok(())
    }

    /// The row key of a table keyed by a hidden row id.
    pub fn rowid_key(rowid: u64) -> RowKey {
        let mut out = Vec::with_capacity(10);
        assay_storage::keycode::KeyWriter::new(&mut out).write_int(rowid as i64, SortOrder::ASC);
        out
    }

    /// Reads the hidden row id back from a row key.
    pub fn rowid_of(key: &[u8]) -> Result<u64> {
        let mut r = KeyReader::new(key);
        let id = r
            .read_i64(SortOrder::ASC)?
            .ok_or_else(|| corrupt!("row key holds a NULL row id"))?;
        r.finish()?;
        Ok(id as u64)
    }

    /// Writes `row`'s key into `key_buf`.
    fn row_key(&mut self, txn: &Transaction, table: &Table, row: &[Value]) -> Result<()> {
        self.key_buf.clear();
        match &table.primary_key {
            Some(cols) => {
                for &c in cols {
                    let v = row.get(c).unwrap_or(&Value::Null);
                    if v.is_null() {
                        return Err(not_null_violation(table, c));
                    }
                    encode_key_value(&mut self.key_buf, v, SortOrder::ASC)?;
                }
            }
            None => {
                let id = self.next_rowid(txn, table)?;
                let mut w = assay_storage::keycode::KeyWriter::new(&mut self.key_buf);
                w.write_int(id as i64, SortOrder::ASC);
            }
        }
        Ok(())
    }

    /// Row ids only need to be unique: the cache is keyed by the pager and
    /// the snapshot, and a stale (too high) value after a rollback is fine.
    fn next_rowid(&mut self, txn: &Transaction, table: &Table) -> Result<u64> {
        let epoch = (Arc::as_ptr(txn.pager()) as usize, txn.snapshot().frame);
        if epoch != self.rowid_epoch {
            self.rowids.clear();
            self.rowid_epoch = epoch;
        }
        let next = match self.rowids.get(&table.oid) {
            Some(&n) => n,
            None => {
                let mut c = BTree::open(table.root).cursor();
                if c.last(txn)? {
                    TableStore::rowid_of(c.key().unwrap_or_default())? + 1
                } else {
                    1
                }
            }
        };
        self.rowids.insert(table.oid, next + 1);
        Ok(next)
    }

    /// Inserts a row (every column of the table, dropped ones NULL) and its
    /// index entries; returns its key. Fails with 23505 on a duplicate
    /// primary or unique key, changing nothing.
    pub fn insert(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        row: &[Value],
    ) -> Result<RowKey> {
        self.insert_with(txn, table, row, &mut ColumnsOnly)
    }

    /// [`TableStore::insert`] for tables with expression or partial indexes.
    pub fn insert_with(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        row: &[Value],
        eval: &mut dyn IndexEval,
    ) -> Result<RowKey> {
        check_width(table, row)?;
        self.row_key(txn, table, row)?;
        let tree = BTree::open(table.root);
        let key = std::mem::take(&mut self.key_buf);
        let duplicate = |table: &Table| {
            let cols = table.primary_key.as_deref().unwrap_or_default();
            let vals: Vec<Value> = cols.iter().map(|&c| row[c].clone()).collect();
            match table.primary_index() {
                Some(i) => unique_violation(table, i, &vals),
                None => err!(SqlState::UNIQUE_VIOLATION, "duplicate key value"),
            }
        };
        // The row goes in first, refused in the same descent if its key is
        // taken (the primary key's check, as PostgreSQL's first index); a
        // unique violation in another index takes it out again, so a
        // refused insert changes nothing.
        let result = (|| {
            self.row_buf.clear();
            self.encoder.encode(row, &mut self.row_buf);
            if table.primary_key.is_some() {
                if !tree.insert_new(txn, &key, &self.row_buf)? {
                    return Err(duplicate(table));
                }
            } else {
                // A new row id is past every key of the table.
                tree.insert_past_end(txn, &key, &self.row_buf)?;
            }
            if let Err(e) = self.check_unique(txn, table, row, Some(&key), eval) {
                tree.delete(txn, &key)?;
                return Err(e);
            }
            self.add_entries(txn, table, row, &key, eval)
        })();
        self.key_buf = key;
        result.map(|_| self.key_buf.clone())
    }

    /// Checks every unique secondary index for a conflict with `row`.
    fn check_unique(
        &mut self,
        txn: &Transaction,
        table: &Table,
        row: &[Value],
        own: Option<&[u8]>,
        eval: &mut dyn IndexEval,
    ) -> Result<()> {
        for index in table.indexes.iter().filter(|i| i.unique && !i.primary) {
            if !index_values(table, index, row, eval, &mut self.vals)? || has_null(&self.vals) {
                continue;
            }
            self.entry_buf.clear();
            encode_index_prefix(index, &self.vals, &mut self.entry_buf)?;
            if conflicting_entry(txn, BTree::open(index.root), &self.entry_buf, own)? {
                return Err(unique_violation(table, index, &self.vals));
            }
        }
        Ok(())
    }

    fn add_entries(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        row: &[Value],
        key: &[u8],
        eval: &mut dyn IndexEval,
    ) -> Result<()> {
        for index in table.indexes.iter().filter(|i| !i.primary) {
            if self.entry_key(table, index, row, key, eval)? {
                BTree::open(index.root).insert(txn, &self.entry_buf, &self.value_buf)?;
            }
        }
        Ok(())
    }

    fn remove_entries(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        row: &[Value],
        key: &[u8],
        eval: &mut dyn IndexEval,
    ) -> Result<()> {
        for index in table.indexes.iter().filter(|i| !i.primary) {
            if self.entry_key(table, index, row, key, eval)? {
                BTree::open(index.root).delete(txn, &self.entry_buf)?;
            }
        }
        Ok(())
    }

    /// Builds `index`'s entry for `row` into `entry_buf`/`value_buf`.
    fn entry_key(
        &mut self,
        table: &Table,
        index: &Index,
        row: &[Value],
        key: &[u8],
        eval: &mut dyn IndexEval,
    ) -> Result<bool> {
        if !index_values(table, index, row, eval, &mut self.vals)? {
            return Ok(false);
        }
        self.entry_buf.clear();
        encode_index_prefix(index, &self.vals, &mut self.entry_buf)?;
        entry_value(self.entry_buf.len(), &mut self.value_buf);
        self.entry_buf.extend_from_slice(key);
        Ok(true)
    }

    /// Replaces the row at `key` with `new_row`, moving it if its primary
    /// key changed; returns its (new) key. Index entries that did not
    /// change are left alone.
    pub fn update(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        key: &[u8],
        new_row: &[Value],
    ) -> Result<RowKey> {
        self.update_with(txn, table, key, None, new_row, &mut ColumnsOnly)
    }

    /// [`TableStore::update`] for tables with expression or partial
    /// indexes; `old`, when given, is the row as stored (it is then not
    /// read again).
    pub fn update_with(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        key: &[u8],
        old: Option<&[Value]>,
        new_row: &[Value],
        eval: &mut dyn IndexEval,
    ) -> Result<RowKey> {
        check_width(table, new_row)?;
        if let Some(old) = old {
            return self.update_found(txn, table, key, old, new_row, eval);
        }
        let tree = BTree::open(table.root);
        let mut old = std::mem::take(&mut self.old_vals);
        // Only the index entries need the old row: decode just the
        // columns plain indexes use (all when an index computes its
        // values from the row).
        let mask = indexed_columns(table, &mut self.old_mask);
        let found = tree.get_with(txn, key, |b| {
            let row = RowView::new(b)?;
            match mask {
                true => row.decode_some_into(&self.old_mask, &mut old),
                false => row.decode_into(&mut old),
            }
        })?;
        let result = match found {
            None => Err(err!(
                SqlState::INTERNAL_ERROR,
                "row to update is missing from \"{}\"",
                table.name
            )),
            Some(r) => r.and_then(|_| self.update_found(txn, table, key, &old, new_row, eval)),
        };
        self.old_vals = old;
        result
    }

    fn update_found(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        key: &[u8],
        old: &[Value],
        new_row: &[Value],
        eval: &mut dyn IndexEval,
    ) -> Result<RowKey> {
        let tree = BTree::open(table.root);
        // A table without a primary key gives the new version of the row a
        // new row id, as PostgreSQL writes a new tuple at the end of the
        // heap: a scan then meets updated rows after the others, in the
        // order PostgreSQL's sequential scans show them.
        self.row_key(txn, table, new_row)?;
        let new_key = std::mem::take(&mut self.key_buf);
        let moved = new_key != key;
        if moved && tree.contains(txn, &new_key)? {
            let cols = table.primary_key.as_deref().unwrap_or_default();
            let vals: Vec<Value> = cols.iter().map(|&c| new_row[c].clone()).collect();
            if let Some(i) = table.primary_index() {
                return Err(unique_violation(table, i, &vals));
            }
        }
        // Entries pointing at the old key are this row's own: not conflicts.
        // Checking before any write keeps a failed update from changing
        // anything.
        self.check_unique(txn, table, new_row, Some(key), eval)?;
        let mut changed = std::mem::take(&mut self.changed_entries);
        let result = self
            .changed_entries(table, key, old, &new_key, new_row, eval, &mut changed)
            .and_then(|n| {
                let changed = &changed[..n];
                for c in changed {
                    if let (Some(index), Some(old_entry)) = (c.index, &c.old) {
                        BTree::open(index).delete(txn, old_entry)?;
                    }
                }
                if moved {
                    tree.delete(txn, key)?;
                }
                self.row_buf.clear();
                self.encoder.encode(new_row, &mut self.row_buf);
                tree.insert(txn, &new_key, &self.row_buf)?;
                for c in changed {
                    if let (Some(index), Some((entry, value))) = (c.index, &c.new) {
                        BTree::open(index).insert(txn, entry, value)?;
                    }
                }
                Ok(())
            });
        self.changed_entries = changed;
        result.map(|_| new_key)
    }

    /// Fills `out` with the entries of the indexes whose entry differs
    /// between the old and the new row (buffers reused); returns how many.
    #[allow(clippy::too_many_arguments)]
    fn changed_entries(
        &mut self,
        table: &Table,
        old_key: &[u8],
        old: &[Value],
        new_key: &[u8],
        new_row: &[Value],
        eval: &mut dyn IndexEval,
        out: &mut Vec<ChangedEntry>,
    ) -> Result<usize> {
        let mut n = 0;
        for index in table.indexes.iter().filter(|i| !i.primary) {
            if out.len() == n {
                out.push(ChangedEntry::default());
            }
            let c = &mut out[n];
            let had = self.entry_key(table, index, old, old_key, eval)?;
            let old_entry = c.old.get_or_insert_with(Vec::new);
            old_entry.clear();
            old_entry.extend_from_slice(&self.entry_buf);
            let has = self.entry_key(table, index, new_row, new_key, eval)?;
            if had == has && (!had || *old_entry == self.entry_buf) {
                continue;
            }
            if !had {
                c.old = None;
            }
            c.new = has.then(|| (self.entry_buf.clone(), self.value_buf.clone()));
            c.index = Some(index.root);
            n += 1;
        }
        Ok(n)
    }

    /// Deletes the row at `key` and its index entries; false if absent.
    pub fn delete(&mut self, txn: &mut Transaction, table: &Table, key: &[u8]) -> Result<bool> {
        self.delete_with(txn, table, key, &mut ColumnsOnly)
    }

    pub fn delete_with(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        key: &[u8],
        eval: &mut dyn IndexEval,
    ) -> Result<bool> {
        let tree = BTree::open(table.root);
        let has_indexes = table.indexes.iter().any(|i| !i.primary);
        if has_indexes {
            let mut old = std::mem::take(&mut self.old_vals);
            let found = tree.get_with(txn, key, |b| RowView::new(b)?.decode_into(&mut old))?;
            let result = match found {
                None => Ok(false),
                Some(r) => r.and_then(|_| {
                    self.remove_entries(txn, table, &old, key, eval)?;
                    tree.delete(txn, key)
                }),
            };
            self.old_vals = old;
            return result;
        }
        tree.delete(txn, key)
    }

    /// The row at `key`, decoded.
    pub fn get(&self, txn: &Transaction, table: &Table, key: &[u8]) -> Result<Option<Vec<Value>>> {
        let mut out = Vec::new();
        Ok(self.get_into(txn, table, key, &mut out)?.then_some(out))
    }

    /// Decodes the row at `key` into `out`; false if absent.
    pub fn get_into(
        &self,
        txn: &Transaction,
        table: &Table,
        key: &[u8],
        out: &mut Vec<Value>,
    ) -> Result<bool> {
        self.get_some_into(txn, table, key, None, out)
    }

    /// Like [`TableStore::get_into`], decoding only the columns `wanted`
    /// marks (all when `None`); the others read NULL.
    pub fn get_some_into(
        &self,
        txn: &Transaction,
        table: &Table,
        key: &[u8],
        wanted: Option<&[bool]>,
        out: &mut Vec<Value>,
    ) -> Result<bool> {
        let decode = |b: &[u8]| {
            let row = RowView::new(b)?;
            match wanted {
                Some(w) => row.decode_some_into(w, out),
                None => row.decode_into(out),
            }
        };
        match BTree::open(table.root).get_with(txn, key, decode)? {
            Some(r) => {
                r?;
                // Rows stored before ADD COLUMN read NULL in the new columns.
                if out.len() < table.columns.len() {
                    out.resize(table.columns.len(), Value::Null);
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Calls `f` with a view of the row's bytes, without decoding it.
    pub fn get_with<R>(
        &self,
        txn: &Transaction,
        table: &Table,
        key: &[u8],
        f: impl FnOnce(RowView<'_>) -> Result<R>,
    ) -> Result<Option<R>> {
        match BTree::open(table.root).get_with(txn, key, |b| RowView::new(b).and_then(f))? {
            Some(r) => r.map(Some),
            None => Ok(None),
        }
    }

    /// Point lookup by primary key values, decoded into `out`.
    pub fn get_by_pk(
        &mut self,
        txn: &Transaction,
        table: &Table,
        pk: &[Value],
        out: &mut Vec<Value>,
    ) -> Result<bool> {
        let mut key = std::mem::take(&mut self.key_buf);
        key.clear();
        let r = TableStore::encode_primary_key(table, pk, &mut key)
            .and_then(|_| self.get_into(txn, table, &key, out));
        self.key_buf = key;
        r
    }

    /// Whether `table` has a row whose columns of `index` (a unique index,
    /// the primary key's included) equal `vals`: the foreign key check.
    pub fn key_exists(
        &mut self,
        txn: &Transaction,
        table: &Table,
        index: &Index,
        vals: &[Value],
    ) -> Result<bool> {
        if has_null(vals) {
            return Ok(false);
        }
        self.entry_buf.clear();
        encode_index_prefix(index, vals, &mut self.entry_buf)?;
        if index.primary {
            return BTree::open(table.root).contains(txn, &self.entry_buf);
        }
        conflicting_entry(txn, BTree::open(index.root), &self.entry_buf, None)
    }
}

/// One index's change in an UPDATE: the entry to delete, the entry (and
/// value) to insert.
#[derive(Default)]
struct ChangedEntry {
    index: Option<assay_storage::PageNo>,
    old: Option<Vec<u8>>,
    new: Option<(Vec<u8>, Vec<u8>)>,
}

/// Marks in `mask` the columns `table`'s plain secondary indexes use and
/// returns true; false (the whole row is needed) when an index computes
/// its values from the row.
fn indexed_columns(table: &Table, mask: &mut Vec<bool>) -> bool {
    mask.clear();
    mask.resize(table.columns.len(), false);
    for index in table.indexes.iter().filter(|i| !i.primary) {
        if !index.is_simple() {
            return false;
        }
        for p in &index.parts {
            match p.expr {
                IndexExpr::Column(c) if c < mask.len() => mask[c] = true,
                _ => return false,
            }
        }
    }
    true
}

fn check_width(table: &Table, row: &[Value]) -> Result<()> {
    if row.len() != table.columns.len() {
        return Err(err!(
            SqlState::INTERNAL_ERROR,
            "row of {} values given for \"{}\" of {} columns",
            row.len(),
            table.name,
            table.columns.len()
        ));
    }
    Ok(())
}

fn not_null_violation(table: &Table, col: usize) -> assay_storage::Error {
    let name = table.columns.get(col).map_or("?", |c| c.name.as_str());
    err!(
        SqlState::NOT_NULL_VIOLATION,
        "null value in column \"{name}\" of relation \"{}\" violates not-null constraint",
        table.name
    )
}
