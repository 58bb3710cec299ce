//! How rows live in B+trees: the row codec, table trees, secondary indexes.
//!
//! # Trees
//!
//! Every table is one B+tree (its root page is in the catalog's
//! [`Table::root`](crate::catalog::Table)). The key of a row is the
//! order-preserving keycode (`assay_storage::keycode`, all columns
//! ascending) of its primary key columns, or — for a table without a
//! primary key — of a hidden 64-bit row id, a keycode integer. The value is
//! the row encoded by the row codec (`row_codec.rs`, byte layout there):
//! a version byte, the column count, one descriptor per column (a type tag
//! and, for variable-length types, the payload length), then the payloads.
//! One column can be decoded without decoding the others
//! ([`RowView::column`]).
//!
//! Every secondary index is another B+tree. An entry's key is the keycode
//! of the index columns in their own ASC/DESC and NULLS FIRST/LAST orders,
//! followed by the row key, so entries are unique even in a non-unique
//! index and equal index values sort by row key. The entry's value is the
//! length of the index-column part (a varint), so the row key is found
//! without decoding. The primary key's index is the row tree itself: the
//! catalog lists it (with `primary: true`), but it has no entries of its
//! own.
//!
//! # Writes
//!
//! [`TableStore`] inserts, updates and deletes rows and keeps every index in
//! step. A unique index is checked before anything is written: an existing
//! entry starting with the same index-column bytes (and pointing at another
//! row) is a `duplicate key value violates unique constraint` (23505) with
//! PostgreSQL's DETAIL; a key with a NULL never conflicts. Expression and
//! partial indexes need values only the executor can compute: it passes an
//! [`IndexEval`] to the `*_with` methods. NOT NULL, CHECK and foreign keys
//! are the executor's to check; [`TableStore::key_exists`] is the lookup a
//! foreign key check needs. Statement atomicity comes from the
//! transaction's savepoints, which the executor takes around a statement.
//!
//! Hidden row ids come from the last key of the tree, then from a cache in
//! the `TableStore` valid for one snapshot of one pager (ids need only be
//! unique; after a rollback the cache can only be ahead).
//!
//! # Reads
//!
//! [`TableScan`] and [`IndexScan`] walk a [`KeyRange`] in either direction;
//! like `BTreeCursor` they do not borrow the transaction, and they re-seek
//! by themselves when the transaction wrote in between two steps.
//! [`KeyRange::between`] turns equality on leading columns plus a range on
//! the next one into key bounds (NULLs excluded). Scans and point reads
//! can decode just the columns a caller marks
//! ([`RowView::decode_some_into`]); an update decodes from the stored old
//! row only the columns its indexes use, or takes the old row from the
//! caller, and builds each index's old and new entries once. A new index
//! over existing rows, and a table rewritten whole, are built with one sort
//! and a bottom-up load of each tree (`rebuild.rs`). [`check_table`] verifies
//! that a table and its indexes agree entry for entry. [`analyze`] samples a
//! table for the optimizer's statistics.

mod analyze;
mod check;
mod index;
mod key_codec;
mod rebuild;
mod row_codec;
mod scan;
mod store;

#[cfg(test)]
mod tests;

pub use analyze::analyze;
pub use check::check_table;
pub use index::{unique_violation, ColumnsOnly, IndexEval};
pub use key_codec::{decode_key_value, encode_key_value, index_only_capable};
pub(crate) use rebuild::{build_index, rewrite_table};
pub use row_codec::{decode_row, encode_row, RowEncoder, RowView};
pub use scan::{IndexScan, KeyRange, TableScan};
pub use store::{RowKey, TableStore};
