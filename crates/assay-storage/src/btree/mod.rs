//! B+trees of byte keys and values over the page traits.
//!
//! A tree is a root page number ([`BTree`]); its nodes are slotted pages
//! (`node.rs`) holding variable-length keys in `memcmp` order, found by
//! binary search. Leaves hold the entries; interior nodes hold separator keys
//! and child page numbers. Values too large for a quarter of a page live in
//! chains of overflow pages (`overflow.rs`), up to 2 GiB - 1 bytes each.
//!
//! Operations (`tree.rs`) descend from the root recording a fixed-size path,
//! change the leaf in place when they can, and otherwise rebalance upwards
//! (`balance.rs`): splits on insert (one-sided on the right edge, so sorted
//! loads fill pages), merges and redistribution on delete, with the root's
//! page number fixed for life. [`BTreeCursor`] (`cursor.rs`) walks entries in
//! both directions without borrowing the transaction. [`check`] (`check.rs`)
//! verifies a whole tree and reports every page it uses. [`BTree::load_sorted`]
//! (`bulk.rs`) builds a tree bottom-up from entries already in key order.
//!
//! The code is generic over [`PageRead`](crate::PageRead) for reads and
//! [`PageWrite`](crate::PageWrite) for writes, and assumes of them only what
//! those traits document: pages are copy-on-write (a page held as a
//! `PageRef` never changes), `allocate` returns a zeroed page, and page
//! numbers are never 0. Byte layouts are documented beside their offset
//! constants in `node.rs` and `overflow.rs`; all integers are little-endian.

mod balance;
mod bulk;
mod check;
mod cursor;
mod node;
mod overflow;
mod share;
mod tree;

#[cfg(test)]
mod golden;
#[cfg(test)]
mod model;

pub use check::{check, dump, CheckReport};
pub use cursor::BTreeCursor;
pub use node::MAX_VALUE_LEN;
pub use tree::BTree;
