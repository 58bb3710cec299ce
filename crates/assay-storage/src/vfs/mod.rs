//! The VFS: every byte Assay reads or writes goes through these two traits.
//!
//! A [`Vfs`] opens named files; a [`VfsFile`] reads and writes at offsets,
//! syncs, truncates, reports its size and takes an advisory lock. Keeping all
//! file access behind this seam is what lets the same engine run on an OS
//! file system ([`OsVfs`]), in memory ([`MemoryVfs`], also used by the
//! browser build), and under deterministic fault injection ([`FaultVfs`])
//! for crash and full-disk tests.
//!
//! Contract shared by every implementation (checked by one test suite that
//! runs against each of them, see `suite.rs`):
//! - `read_at` fills as much of the buffer as the file holds from `offset`
//!   and returns the count; reading past the end returns 0, never an error.
//! - `write_at` writes the whole buffer or returns an error; writing past the
//!   end extends the file, and any gap reads as zeroes.
//! - Data is durable only after `sync` returns; a crash may lose, or (for a
//!   page being written) tear, anything written since the last sync.
//! - `write_at` of an empty buffer changes nothing; `truncate` zero-fills
//!   when it grows a file.
//! - `lock` never blocks: it takes the lock or fails with SQLSTATE 55P03.
//!   Locks belong to a handle (an open file description, as with `flock`):
//!   two handles conflict even within one process, a handle holds at most
//!   one lock, and dropping the handle releases it.
//! - `open` without `create` fails with SQLSTATE 58P01 on a missing file.

mod fault;
mod memory;
#[cfg(not(target_arch = "wasm32"))]
mod os;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod suite;

use std::sync::Arc;

use crate::Result;

pub use fault::{Crash, Effect, Fault, FaultVfs, Op, OpCounts};
pub use memory::MemoryVfs;
#[cfg(not(target_arch = "wasm32"))]
pub use os::OsVfs;

/// A file system: opens, checks and deletes files by path.
pub trait Vfs: Send + Sync {
    /// Opens a file for reading and writing, creating it if `create` is set.
    /// Fails with SQLSTATE 58P01 if it does not exist and `create` is unset.
    fn open(&self, path: &str, create: bool) -> Result<Arc<dyn VfsFile>>;

    /// Whether a file exists at `path`.
    fn exists(&self, path: &str) -> Result<bool>;

    /// Removes the file at `path`; removing a missing file is not an error.
    fn delete(&self, path: &str) -> Result<()>;
}

/// How a file is locked against other processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockMode {
    /// Others may also hold a shared lock, no one an exclusive one.
    Shared,
    /// No one else may hold any lock.
    Exclusive,
}

/// An open file. Methods take `&self` so that one file serves many threads.
pub trait VfsFile: Send + Sync {
    /// Reads into `buf` from `offset`; returns how many bytes were read.
    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize>;

    /// Writes all of `buf` at `offset`.
    fn write_at(&self, buf: &[u8], offset: u64) -> Result<()>;

    /// Makes everything written so far durable.
    fn sync(&self) -> Result<()>;

    /// Sets the file's length, dropping or zero-filling the tail.
    fn truncate(&self, size: u64) -> Result<()>;

    /// The file's current length in bytes.
    fn size(&self) -> Result<u64>;

    /// Takes an advisory lock without waiting (SQLSTATE 55P03 if taken).
    fn lock(&self, mode: LockMode) -> Result<()>;

    /// Releases the lock taken by [`VfsFile::lock`].
    fn unlock(&self) -> Result<()>;

    /// Reads exactly `buf.len()` bytes or fails: a short file is damage.
    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> Result<()> {
        let n = self.read_at(buf, offset)?;
        if n < buf.len() {
            return Err(crate::corrupt!(
                "could not read {} bytes at offset {offset}: read only {n}",
                buf.len()
            ));
        }
        Ok(())
    }
}
