//! assay-storage: the durable single-file storage engine beneath Assay.
//!
//! It knows nothing of SQL. It stores ordered trees of byte keys and values
//! in one database file plus a write-ahead log of page frames:
//!
//! - [`vfs`]: every file access, behind a trait (OS, memory, fault-injecting).
//! - [`page`]: fixed-size pages and the traits the B+tree sees them through.
//! - [`header`]: the database header in page 0.
//! - [`pager`]: snapshots, write transactions, the page cache, checkpoints.
//! - [`wal`]: the write-ahead log's format, reader and index.
//! - [`btree`]: B+trees with cursors and overflow values; named trees are
//!   kept in a directory tree (`directory.rs`), which lets the integrity
//!   check (`integrity.rs`) account for every page.
//! - [`keycode`]: an order-preserving byte encoding of SQL values.
//!
//! See `docs/file-format.md` for the bytes on disk.

pub mod btree;
mod directory;
pub mod error;
pub mod header;
mod integrity;
pub mod keycode;
pub mod page;
pub mod pager;
pub mod vfs;
pub mod wal;

pub use btree::{BTree, BTreeCursor};
pub use error::{Error, Result, SqlState};
pub use integrity::{integrity_check, IntegrityReport};
pub use page::{PageNo, PageRead, PageRef, PageWrite};
pub use pager::{Pager, PagerOptions, Synchronous, Transaction, TxnMode};
