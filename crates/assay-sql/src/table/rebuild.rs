//! Building a table's trees at once: a new index over existing rows
//! (CREATE INDEX, ADD UNIQUE), and a table rewritten whole (ADD PRIMARY
//! KEY re-keys every row, ALTER COLUMN TYPE converts them).
//!
//! Entry by entry, such a build costs a descent and a unique probe per
//! row, and a rewrite a delete and an insert per row and per index.
//! Instead, one pass over the table gathers every entry (key and value
//! bytes, packed in one buffer: [`Entries`]), one sort orders each tree's
//! entries, neighbours in that order show any duplicate, and each tree is
//! emptied and loaded bottom-up with `BTree::load_sorted`. The entries are
//! held in memory for the length of the build, a little more than the
//! table's encoded size.
//!
//! Duplicates are reported as the entry-by-entry path reported them: a
//! primary key or unique index violation (23505) naming the index and the
//! key (the smallest duplicated one); NULL keys of a primary key are
//! 23502 (when the rows are re-keyed as they are, after the whole pass:
//! `column "a" of relation "t" contains null values`, naming the first key
//! column with a NULL, as ADD PRIMARY KEY's check of the rows does); NULLs
//! never conflict in a unique index.

use assay_storage::keycode::SortOrder;
use assay_storage::{err, BTree, Result, SqlState, Transaction};

use super::index::{
    encode_index_prefix, entry_value, has_null, index_values, unique_violation, IndexEval,
};
use super::key_codec::encode_key_value;
use super::row_codec::{RowEncoder, RowView};
use super::scan::TableScan;
use crate::catalog::{Index, IndexExpr, Table};
use crate::types::Value;

/// Key and value byte strings packed in one buffer, sortable by key.
#[derive(Default)]
pub(super) struct Entries {
    bytes: Vec<u8>,
    /// Start in `bytes`, key length, value length, and for an index entry
    /// the length of the index-column prefix a unique check compares
    /// (`None`: the entry has a NULL there and never conflicts).
    spans: Vec<(usize, u32, u32, Option<u32>)>,
}

impl Entries {
    fn push(&mut self, key: &[u8], value: &[u8], unique_prefix: Option<usize>) {
        self.spans.push((
            self.bytes.len(),
            key.len() as u32,
            value.len() as u32,
            unique_prefix.map(|p| p as u32),
        ));
        self.bytes.extend_from_slice(key);
        self.bytes.extend_from_slice(value);
    }

    fn key(&self, i: usize) -> &[u8] {
        let (start, k, _, _) = self.spans[i];
        &self.bytes[start..start + k as usize]
    }

    fn value(&self, i: usize) -> &[u8] {
        let (start, k, v, _) = self.spans[i];
        &self.bytes[start + k as usize..start + k as usize + v as usize]
    }

    /// Sorts by key (a no-op pass when already in order, as rows read in
    /// key order usually are).
    fn sort(&mut self) {
        let bytes = &self.bytes;
        let key = |s: &(usize, u32, u32, Option<u32>)| &bytes[s.0..s.0 + s.1 as usize];
        if !self.spans.is_sorted_by(|a, b| key(a) <= key(b)) {
            self.spans.sort_by(|a, b| key(a).cmp(key(b)));
        }
    }

    /// The first position whose key equals the next one's.
    fn first_duplicate_key(&self) -> Option<usize> {
        (1..self.spans.len())
            .find(|&i| self.key(i - 1) == self.key(i))
            .map(|i| i - 1)
    }

    /// The first position whose unique prefix equals the next one's.
    fn first_duplicate_prefix(&self) -> Option<usize> {
        (1..self.spans.len())
            .find(|&i| match (self.spans[i - 1].3, self.spans[i].3) {
                (Some(a), Some(b)) => {
                    a == b && self.key(i - 1)[..a as usize] == self.key(i)[..b as usize]
                }
                _ => false,
            })
            .map(|i| i - 1)
    }

    /// Empties `tree` and loads the (sorted, duplicate-free) entries.
    fn load(&self, txn: &mut Transaction, tree: BTree) -> Result<()> {
        tree.clear(txn)?;
        tree.load_sorted(
            txn,
            (0..self.spans.len()).map(|i| (self.key(i), self.value(i))),
        )?;
        Ok(())
    }
}

/// Gathers `index`'s entry for a row, if the row is in the index.
struct EntryMaker {
    vals: Vec<Value>,
    key: Vec<u8>,
    value: Vec<u8>,
}

impl EntryMaker {
    fn new() -> EntryMaker {
        EntryMaker {
            vals: Vec::new(),
            key: Vec::new(),
            value: Vec::new(),
        }
    }

    fn add(
        &mut self,
        table: &Table,
        index: &Index,
        row: &[Value],
        row_key: &[u8],
        eval: &mut dyn IndexEval,
        out: &mut Entries,
    ) -> Result<()> {
        if !index_values(table, index, row, eval, &mut self.vals)? {
            return Ok(());
        }
        self.key.clear();
        encode_index_prefix(index, &self.vals, &mut self.key)?;
        let prefix = self.key.len();
        entry_value(prefix, &mut self.value);
        self.key.extend_from_slice(row_key);
        let unique = (index.unique && !has_null(&self.vals)).then_some(prefix);
        out.push(&self.key, &self.value, unique);
        Ok(())
    }
}

/// The error for a duplicate at `at` of a unique index's `entries`: the
/// index's values, computed again from the row the entry points at.
fn index_duplicate(
    txn: &Transaction,
    table: &Table,
    index: &Index,
    entries: &Entries,
    at: usize,
    eval: &mut dyn IndexEval,
) -> assay_storage::Error {
    let found = (|| {
        let prefix = entries.spans[at].3.unwrap_or(0) as usize;
        let row_key = &entries.key(at)[prefix..];
        let mut row = Vec::new();
        let stored = BTree::open(table.root)
            .get_with(txn, row_key, |b| RowView::new(b)?.decode_into(&mut row))?;
        stored.transpose()?;
        row.resize(table.columns.len(), Value::Null);
        let mut vals = Vec::new();
        index_values(table, index, &row, eval, &mut vals)?;
        Ok::<_, assay_storage::Error>(vals)
    })();
    match found {
        Ok(vals) => unique_violation(table, index, &vals),
        Err(e) => e,
    }
}

/// Inserts every entry of an existing table into a new, empty index
/// (CREATE INDEX), checking uniqueness.
pub(crate) fn build_index(
    txn: &mut Transaction,
    table: &Table,
    index: &Index,
    eval: &mut dyn IndexEval,
) -> Result<()> {
    let mut entries = Entries::default();
    let mut maker = EntryMaker::new();
    let mut row = Vec::new();
    let mut scan = TableScan::new(table);
    while scan.next(txn)? {
        scan.row_into(txn, &mut row)?;
        maker.add(table, index, &row, scan.key(), eval, &mut entries)?;
    }
    entries.sort();
    if let Some(at) = entries.first_duplicate_prefix() {
        let e = index_duplicate(txn, table, index, &entries, at, eval);
        if e.code() != SqlState::UNIQUE_VIOLATION {
            return Err(e);
        }
        return Err(err!(
            SqlState::UNIQUE_VIOLATION,
            "could not create unique index \"{}\"",
            index.name
        )
        .with_detail(
            e.detail()
                .unwrap_or_default()
                .replace("already exists.", "is duplicated."),
        ));
    }
    entries.load(txn, BTree::open(index.root))
}

/// A change a rewrite applies to each row.
pub(crate) type RowChange<'a> = &'a mut dyn FnMut(&mut Vec<Value>) -> Result<()>;

/// Rewrites every row of `table` through `change` (rows are first widened
/// to the table's column count; `None` keeps them as they are) and builds
/// the row tree and every index again, re-keying rows by the table's
/// primary key (a table without one numbers its rows from 1 in their
/// present order, as inserting them again would).
pub(crate) fn rewrite_table(
    txn: &mut Transaction,
    table: &Table,
    mut change: Option<RowChange<'_>>,
    eval: &mut dyn IndexEval,
) -> Result<()> {
    let width = table.columns.len();
    let secondary: Vec<&Index> = table.indexes.iter().filter(|i| !i.primary).collect();
    // Without a change, only the key columns and plain index columns need
    // decoding (every column when an index computes its values).
    let mut wanted = vec![change.is_some(); width];
    for &c in table.primary_key.as_deref().unwrap_or_default() {
        wanted[c] = true;
    }
    for index in &secondary {
        for p in &index.parts {
            match p.expr {
                IndexExpr::Column(c) if c < width && index.predicate.is_none() => wanted[c] = true,
                _ => wanted.iter_mut().for_each(|w| *w = true),
            }
        }
    }
    let mut rows = Entries::default();
    let mut index_entries: Vec<Entries> = secondary.iter().map(|_| Entries::default()).collect();
    let mut maker = EntryMaker::new();
    let mut encoder = RowEncoder::new();
    let mut row = Vec::new();
    let mut key = Vec::new();
    let mut value = Vec::new();
    let mut rowid = 0u64;
    let key_columns = table.primary_key.as_deref().unwrap_or_default();
    let mut null_in = vec![false; key_columns.len()];
    let mut scan = TableScan::new(table);
    while scan.next(txn)? {
        // The stored bytes serve as they are when nothing changes and the
        // row has every column.
        let whole = scan.with_row(txn, |r| {
            let whole = change.is_none() && r.len() == width;
            value.clear();
            if whole {
                r.decode_some_into(&wanted, &mut row)?;
                value.extend_from_slice(r.bytes());
            } else {
                r.decode_into(&mut row)?;
            }
            Ok(whole)
        })?;
        row.resize(width, Value::Null);
        if let Some(f) = change.as_mut() {
            f(&mut row)?;
        }
        if !whole {
            encoder.encode(&row, &mut value);
        }
        key.clear();
        match &table.primary_key {
            Some(cols) => {
                for (k, &c) in cols.iter().enumerate() {
                    let v = &row[c];
                    if v.is_null() {
                        // Re-keying rows as they are (ADD PRIMARY KEY)
                        // reads them all first, as a NOT NULL check would.
                        if change.is_none() {
                            null_in[k] = true;
                            continue;
                        }
                        let name = &table.columns[c].name;
                        return Err(err!(
                            SqlState::NOT_NULL_VIOLATION,
                            "null value in column \"{name}\" of relation \"{}\" violates not-null constraint",
                            table.name
                        ));
                    }
                    encode_key_value(&mut key, v, SortOrder::ASC)?;
                }
            }
            None => {
                rowid += 1;
                key.extend_from_slice(&super::TableStore::rowid_key(rowid));
            }
        }
        rows.push(&key, &value, None);
        for (index, entries) in secondary.iter().zip(&mut index_entries) {
            maker.add(table, index, &row, &key, eval, entries)?;
        }
    }
    if let Some(k) = null_in.iter().position(|&n| n) {
        return Err(err!(
            SqlState::NOT_NULL_VIOLATION,
            "column \"{}\" of relation \"{}\" contains null values",
            table.columns[key_columns[k]].name,
            table.name
        ));
    }
    rows.sort();
    if let Some(at) = rows.first_duplicate_key() {
        let mut stored = Vec::new();
        RowView::new(rows.value(at))?.decode_into(&mut stored)?;
        let cols = table.primary_key.as_deref().unwrap_or_default();
        let vals: Vec<Value> = cols.iter().map(|&c| stored[c].clone()).collect();
        return Err(match table.primary_index() {
            Some(i) => unique_violation(table, i, &vals),
            None => err!(SqlState::UNIQUE_VIOLATION, "duplicate key value"),
        });
    }
    for (index, entries) in secondary.iter().zip(&mut index_entries) {
        entries.sort();
        if let Some(at) = entries.first_duplicate_prefix() {
            // The rows are not stored yet: compute the values again.
            let prefix = entries.spans[at].3.unwrap_or(0) as usize;
            let row_key = entries.key(at)[prefix..].to_vec();
            let i = rows
                .spans
                .binary_search_by(|s| rows.bytes[s.0..s.0 + s.1 as usize].cmp(&row_key))
                .map_err(|_| err!(SqlState::INTERNAL_ERROR, "index entry without its row"))?;
            let mut stored = Vec::new();
            RowView::new(rows.value(i))?.decode_into(&mut stored)?;
            stored.resize(width, Value::Null);
            let mut vals = Vec::new();
            index_values(table, index, &stored, eval, &mut vals)?;
            return Err(unique_violation(table, index, &vals));
        }
    }
    rows.load(txn, BTree::open(table.root))?;
    for (index, entries) in secondary.iter().zip(&index_entries) {
        entries.load(txn, BTree::open(index.root))?;
    }
    Ok(())
}
