//! Scans: [`TableScan`] over rows and [`IndexScan`] over index entries,
//! within a [`KeyRange`], forwards or backwards. Neither borrows the
//! transaction: each step takes it, and a scan notices (through the
//! transaction's write generation) when the trees may have changed since
//! its last step and re-seeks from the key it stood on.

use std::ops::Bound;

use assay_storage::keycode::{prefix_successor, KeyReader, SortOrder};
use assay_storage::{corrupt, BTree, BTreeCursor, PageWrite, Result, Transaction};

use super::key_codec::{decode_key_value, encode_key_value};
use super::row_codec::{get_varint, RowView};
use crate::catalog::{Index, IndexExpr, Table};
use crate::types::{DataType, Value};

/// Header byte of a non-NULL key column, and of a NULLS LAST NULL.
const PRESENT: u8 = 0x01;
const NULL_LAST: u8 = 0x02;

/// A range of encoded keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRange {
    pub lower: Bound<Vec<u8>>,
    pub upper: Bound<Vec<u8>>,
}

impl KeyRange {
    pub fn all() -> KeyRange {
        KeyRange {
            lower: Bound::Unbounded,
            upper: Bound::Unbounded,
        }
    }

    /// Every key starting with `prefix`.
    pub fn prefix(prefix: Vec<u8>) -> KeyRange {
        let upper = match prefix_successor(&prefix) {
            Some(s) => Bound::Excluded(s),
            None => Bound::Unbounded,
        };
        KeyRange {
            lower: Bound::Included(prefix),
            upper,
        }
    }

    /// Keys whose first columns equal `eq` and whose next column (of order
    /// `order`) lies between `low` and `high` as SQL compares values — NULLs
    /// excluded. `orders` gives each column's order, `eq`'s first.
    pub fn between(
        eq: &[Value],
        orders: &[SortOrder],
        low: Bound<&Value>,
        high: Bound<&Value>,
    ) -> Result<KeyRange> {
        let mut prefix = Vec::new();
        for (v, o) in eq.iter().zip(orders) {
            encode_key_value(&mut prefix, v, *o)?;
        }
        let Some(&order) = orders.get(eq.len()) else {
            return Ok(KeyRange::prefix(prefix));
        };
        // In a descending column, a value's lower bound bounds keys above.
        let (low, high) = if order.descending {
            (high, low)
        } else {
            (low, high)
        };
        let enc = |v: &Value| -> Result<Vec<u8>> {
            let mut k = prefix.clone();
            encode_key_value(&mut k, v, order)?;
            Ok(k)
        };
        let succ = |k: Vec<u8>| prefix_successor(&k).map_or(Bound::Unbounded, Bound::Excluded);
        let lower = match low {
            Bound::Included(v) => Bound::Included(enc(v)?),
            Bound::Excluded(v) => match succ(enc(v)?) {
                Bound::Excluded(s) => Bound::Included(s),
                _ => Bound::Excluded(enc(v)?),
            },
            Bound::Unbounded => Bound::Included([&prefix[..], &[PRESENT]].concat()),
        };
        let upper = match high {
            Bound::Included(v) => succ(enc(v)?),
            Bound::Excluded(v) => Bound::Excluded(enc(v)?),
            Bound::Unbounded => Bound::Excluded([&prefix[..], &[NULL_LAST]].concat()),
        };
        Ok(KeyRange { lower, upper })
    }

    fn below_upper(&self, key: &[u8]) -> bool {
        match &self.upper {
            Bound::Included(u) => key <= &u[..],
            Bound::Excluded(u) => key < &u[..],
            Bound::Unbounded => true,
        }
    }

    fn above_lower(&self, key: &[u8]) -> bool {
        match &self.lower {
            Bound::Included(l) => key >= &l[..],
            Bound::Excluded(l) => key > &l[..],
            Bound::Unbounded => true,
        }
    }
}

/// A cursor confined to a range, re-seeking after writes.
struct RangeCursor {
    cursor: BTreeCursor,
    range: KeyRange,
    reverse: bool,
    started: bool,
    done: bool,
    generation: u64,
}

impl RangeCursor {
    fn new(tree: BTree, range: KeyRange, reverse: bool) -> RangeCursor {
        RangeCursor {
            cursor: tree.cursor(),
            range,
            reverse,
            started: false,
            done: false,
            generation: 0,
        }
    }

    fn advance(&mut self, txn: &Transaction) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        let c = &mut self.cursor;
        let found = if !self.started {
            self.started = true;
            match (self.reverse, &self.range.lower, &self.range.upper) {
                (false, Bound::Unbounded, _) => c.first(txn)?,
                (false, Bound::Included(k), _) => c.seek_ge(txn, k)?,
                (false, Bound::Excluded(k), _) => c.seek_gt(txn, k)?,
                (true, _, Bound::Unbounded) => c.last(txn)?,
                (true, _, Bound::Included(k)) => c.seek_le(txn, k)?,
                (true, _, Bound::Excluded(k)) => c.seek_lt(txn, k)?,
            }
        } else {
            if txn.generation() != self.generation {
                c.invalidate();
            }
            if self.reverse {
                c.prev(txn)?
            } else {
                c.next(txn)?
            }
        };
        self.generation = txn.generation();
        // An open end (a full scan) needs no look at the key.
        let inside = found
            && match (self.reverse, &self.range.lower, &self.range.upper) {
                (false, _, Bound::Unbounded) | (true, Bound::Unbounded, _) => true,
                (false, ..) => self.range.below_upper(self.key()),
                (true, ..) => self.range.above_lower(self.key()),
            };
        self.done = !inside;
        Ok(inside)
    }

    fn key(&self) -> &[u8] {
        self.cursor.key().unwrap_or_default()
    }
}

/// Rows of a table in key order (or reverse), within a key range.
pub struct TableScan {
    inner: RangeCursor,
    /// The table's column count: rows stored before ADD COLUMN are shorter
    /// and read with NULL in the new columns.
    width: usize,
}

impl TableScan {
    /// Every row, in primary key (or row id) order.
    pub fn new(table: &Table) -> TableScan {
        TableScan::range(table, KeyRange::all(), false)
    }

    pub fn range(table: &Table, range: KeyRange, reverse: bool) -> TableScan {
        TableScan {
            width: table.columns.len(),
            inner: RangeCursor::new(BTree::open(table.root), range, reverse),
        }
    }

    /// Moves to the next row; false when the scan is over.
    pub fn next(&mut self, txn: &Transaction) -> Result<bool> {
        self.inner.advance(txn)
    }

    /// The current row's key.
    pub fn key(&self) -> &[u8] {
        self.inner.key()
    }

    /// Decodes the current row into `out`.
    pub fn row_into(&self, txn: &Transaction, out: &mut Vec<Value>) -> Result<()> {
        self.some_of_row_into(txn, None, out)
    }

    /// Decodes the current row's columns that `wanted` marks (all when
    /// `None`) into `out`, with NULL in the others.
    pub fn some_of_row_into(
        &self,
        txn: &Transaction,
        wanted: Option<&[bool]>,
        out: &mut Vec<Value>,
    ) -> Result<()> {
        self.with_row(txn, |r| match wanted {
            Some(w) => r.decode_some_into(w, out),
            None => r.decode_into(out),
        })?;
        if out.len() < self.width {
            out.resize(self.width, Value::Null);
        }
        Ok(())
    }

    /// Decodes the current row's columns that `wanted` marks (all when
    /// `None`) over the values in `out`, a buffer reused from row to row
    /// (see [`RowView::decode_slots`]); `out` is at least as long as the
    /// table is wide.
    #[inline]
    pub fn row_slots(
        &self,
        txn: &Transaction,
        wanted: Option<&[bool]>,
        out: &mut Vec<Value>,
    ) -> Result<()> {
        self.with_row(txn, |r| r.decode_slots(wanted, out))
    }

    /// Calls `f` with the current row's bytes (to decode some columns only).
    pub fn with_row<R>(
        &self,
        txn: &Transaction,
        f: impl FnOnce(RowView<'_>) -> Result<R>,
    ) -> Result<R> {
        let value = self
            .inner
            .cursor
            .value(txn)?
            .ok_or_else(|| corrupt!("scan is not on a row"))?;
        f(RowView::new(&value)?)
    }
}

/// Entries of a secondary index in key order (or reverse), within a range
/// of encoded index columns (see [`KeyRange::between`]); yields row keys
/// for [`TableStore::get_into`](super::TableStore::get_into), and the
/// indexed values themselves for index-only scans.
pub struct IndexScan {
    inner: RangeCursor,
    prefix_len: usize,
}

impl IndexScan {
    pub fn new(index: &Index, range: KeyRange, reverse: bool) -> IndexScan {
        IndexScan {
            inner: RangeCursor::new(BTree::open(index.root), range, reverse),
            prefix_len: 0,
        }
    }

    pub fn next(&mut self, txn: &Transaction) -> Result<bool> {
        if !self.inner.advance(txn)? {
            return Ok(false);
        }
        let v = self
            .inner
            .cursor
            .value(txn)?
            .ok_or_else(|| corrupt!("index scan is not on an entry"))?;
        let len = get_varint(&v, &mut 0)? as usize;
        if len > self.inner.key().len() {
            return Err(corrupt!("index entry's prefix is longer than its key"));
        }
        self.prefix_len = len;
        Ok(true)
    }

    /// The row key the current entry points at.
    pub fn row_key(&self) -> &[u8] {
        &self.inner.key()[self.prefix_len..]
    }

    /// Decodes the current entry's index columns (see
    /// [`index_only_capable`](super::index_only_capable) for which types
    /// come back exactly).
    pub fn values_into(&self, table: &Table, index: &Index, out: &mut Vec<Value>) -> Result<()> {
        out.clear();
        let mut r = KeyReader::new(&self.inner.key()[..self.prefix_len]);
        for p in &index.parts {
            let ty: &DataType = match &p.expr {
                IndexExpr::Column(c) => {
                    &table
                        .columns
                        .get(*c)
                        .ok_or_else(|| corrupt!("index names a missing column"))?
                        .ty
                }
                IndexExpr::Expression { ty, .. } => ty,
            };
            out.push(decode_key_value(&mut r, ty, p.order.sort_order())?);
        }
        r.finish()
    }
}
