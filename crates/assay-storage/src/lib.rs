//! assay-storage: the durable single-file storage engine beneath Assay.
//!
//! It knows nothing of SQL. It stores ordered trees of byte keys and values
//! in one database file plus a write-ahead log of page frames:
//!
//! - [`vfs`]: every file access, behind a trait (OS, memory, fault-injecting).
//! - [`page`]: fixed-size pages and the traits the B+tree sees them through.
//! - [`btree`]: B+trees with cursors, overflow values and a bulk-load path.
//! - [`keycode`]: an order-preserving byte encoding of SQL values.
//!
//! See `docs/file-format.md` for the bytes on disk.

pub mod btree;
pub mod error;
pub mod page;
pub mod vfs;

pub use btree::{BTree, BTreeCursor};
pub use error::{Error, Result, SqlState};
pub use page::{PageNo, PageRead, PageRef, PageWrite};
