//! The pager: snapshots of pages over one database file and its WAL.
//!
//! **Reading.** A transaction begins by taking a snapshot: the number of the
//! last committed frame. To read page `p` it asks the [`WalIndex`] for the
//! newest frame of `p` not after its snapshot; if there is one the page comes
//! from that WAL frame, otherwise from the database file. Either way the
//! version is looked up in the shared [`PageCache`] first, and checksummed
//! when it is read from disk.
//!
//! **Writing.** One transaction at a time holds the write lock (others wait
//! up to the busy timeout). It changes pages copy-on-write in a private dirty
//! set; `commit` appends them to the WAL as frames, the last one marked as a
//! commit, releases the write lock, and waits for a WAL flush as
//! `synchronous` says — one flush serves every commit written before it
//! ([`group_commit`]). Only then does it publish the new last frame, so
//! readers never see half a transaction, nor one that is not yet durable,
//! and never wait for the writer. A transaction that changes more pages than the cache holds spills
//! them to the WAL early, as frames without a commit marker that no snapshot
//! can see.
//!
//! **Checkpointing** ([`checkpoint`]) copies frames home to the database file,
//! but never a frame newer than the oldest active snapshot, and restarts the
//! WAL (a new generation starting at the next frame number) once no snapshot
//! needs it.
//!
//! **Opening** ([`recovery`]) reads the header, replays the WAL's valid
//! committed prefix into the index, and takes an exclusive lock on the file
//! so that another process gets a clear error instead of sharing it.

mod cache;
mod checkpoint;
mod dirty;
mod freelist;
mod group_commit;
mod memo;
mod options;
mod recovery;
mod savepoint;
mod txn;
mod wal_append;
mod writer_wait;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::header::DbHeader;
use crate::page::{verify_page, PageBuf, PageNo, PageRef, PAGE_TRAILER_SIZE};
use crate::vfs::{Vfs, VfsFile};
use crate::wal::{FrameNo, WalIndex, FRAME_HEADER_SIZE};
use crate::{corrupt, err, Result, SqlState};

pub use cache::PageCache;
pub use checkpoint::CheckpointInfo;
pub(crate) use freelist::read_trunk;
pub use options::{PagerOptions, Synchronous};
pub use savepoint::SavepointId;
pub use txn::{Transaction, TxnMode};
use wal_append::WalCursor;
pub use writer_wait::WriterWait;

/// A database file and its WAL, shared by every transaction on it.
pub struct Pager {
    path: String,
    db: Arc<dyn VfsFile>,
    wal: Arc<dyn VfsFile>,
    page_size: usize,
    options: PagerOptions,
    cache: PageCache,
    state: RwLock<Shared>,
    writer: Mutex<bool>,
    writer_released: Condvar,
    /// Flushes shared by committers (see `group_commit.rs`).
    durability: group_commit::Durability,
}

/// What readers and the writer share, under `Pager::state`.
struct Shared {
    index: WalIndex,
    /// The last durable commit: new read snapshots start here.
    last_commit: FrameNo,
    /// Database size in pages as of `last_commit`.
    db_pages: u32,
    /// The last commit written to the WAL, durable or not: writers build on
    /// it. Ahead of `last_commit` only while commits wait for a flush.
    tip: Snapshot,
    /// Commits written but not yet durable, oldest first.
    pending: VecDeque<Snapshot>,
    /// Where the next commit appends (after `tip`), and the checksum chain.
    wal: WalCursor,
    /// Frames up to here have been copied home to the database file.
    backfilled: FrameNo,
    /// Frame at which automatic checkpointing was last tried.
    last_autocheckpoint: FrameNo,
    /// Active snapshots: frame → number of transactions holding it.
    readers: BTreeMap<FrameNo, usize>,
    /// Set when a failed write left the files in a state this process can
    /// no longer vouch for; every later write fails until the file reopens.
    poisoned: Option<String>,
}

/// A consistent view: the last frame and the database size it saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub frame: FrameNo,
    pub db_pages: u32,
}

/// Figures about the pager, for tests, `assay check` and benchmarks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PagerStats {
    pub page_size: usize,
    pub db_pages: u32,
    pub last_commit: FrameNo,
    pub wal_start: FrameNo,
    pub wal_frames: u64,
    pub backfilled: FrameNo,
    pub cached_pages: usize,
    pub active_snapshots: usize,
}

impl Pager {
    /// Opens (or creates) the database at `path` and its WAL at `path-wal`.
    pub fn open(vfs: &dyn Vfs, path: &str, options: PagerOptions) -> Result<Arc<Pager>> {
        recovery::open(vfs, path, options).map(Arc::new)
    }

    /// Starts a transaction. See [`TxnMode`].
    pub fn begin(self: &Arc<Self>, mode: TxnMode) -> Result<Transaction> {
        Transaction::begin(self.clone(), mode)
    }

    pub fn page_size(&self) -> usize {
        self.page_size
    }

    pub fn usable_size(&self) -> usize {
        self.page_size - PAGE_TRAILER_SIZE
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn options(&self) -> &PagerOptions {
        &self.options
    }

    /// The last committed frame number: the database's replication index.
    pub fn last_commit(&self) -> FrameNo {
        self.shared().last_commit
    }

    pub fn stats(&self) -> PagerStats {
        let st = self.shared();
        PagerStats {
            page_size: self.page_size,
            db_pages: st.db_pages,
            last_commit: st.last_commit,
            wal_start: st.wal.header.start_frame,
            wal_frames: st.index.frame_count(),
            backfilled: st.backfilled,
            cached_pages: self.cache.len(),
            active_snapshots: st.readers.values().sum(),
        }
    }

    /// The WAL file, for readers that walk it on their own.
    pub fn wal_file(&self) -> Option<Arc<dyn VfsFile>> {
        Some(self.wal.clone())
    }

    fn shared(&self) -> RwLockReadGuard<'_, Shared> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn shared_mut(&self) -> RwLockWriteGuard<'_, Shared> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a snapshot, which must be released: of the last durable
    /// commit for a reader, of the tip for a writer holding the write lock.
    fn take_snapshot(&self, writer: bool) -> Snapshot {
        let mut st = self.shared_mut();
        let snap = if writer {
            st.tip
        } else {
            Snapshot {
                frame: st.last_commit,
                db_pages: st.db_pages,
            }
        };
        *st.readers.entry(snap.frame).or_default() += 1;
        snap
    }

    fn release_snapshot(&self, frame: FrameNo) {
        let mut st = self.shared_mut();
        if let Some(n) = st.readers.get_mut(&frame) {
            *n -= 1;
            if *n == 0 {
                st.readers.remove(&frame);
            }
        }
    }

    /// Reads page `no` as of `snap`: from the cache, the WAL or the file.
    fn read_page(&self, snap: Snapshot, no: PageNo) -> Result<PageRef> {
        self.fetch_page(snap, no, false)
    }

    /// Reads page `no` as of `snap` for a writer about to change it: a
    /// cached version no one else holds is taken out of the cache rather
    /// than shared, so that changing it copies nothing (the next version is
    /// cached when it commits; a reader still on this one reads it again
    /// from disk), and one read from disk is not cached.
    pub(super) fn read_page_to_change(&self, snap: Snapshot, no: PageNo) -> Result<PageRef> {
        self.fetch_page(snap, no, true)
    }

    fn fetch_page(&self, snap: Snapshot, no: PageNo, to_change: bool) -> Result<PageRef> {
        if no >= snap.db_pages {
            return Err(corrupt!(
                "page {no} is beyond the end of the database ({} pages)",
                snap.db_pages
            ));
        }
        // The read lock is held across the disk read so that a WAL restart,
        // which reuses frame offsets, cannot happen between lookup and read.
        let st = self.shared();
        let frame = st.index.lookup(no, snap.frame).unwrap_or(0);
        if to_change {
            if let Some(mut page) = self.cache.take(no, frame) {
                if Arc::get_mut(&mut page).is_none() {
                    // Someone is reading it: it stays cached, and shared.
                    self.cache.insert(no, frame, page.clone());
                }
                return Ok(page);
            }
        } else if let Some(page) = self.cache.get(no, frame) {
            return Ok(page);
        }
        let mut page = self.page_buffer(no);
        let buf = Arc::make_mut(&mut page);
        if frame == 0 {
            let offset = no as u64 * self.page_size as u64;
            self.db.read_exact_at(buf, offset).map_err(|e| {
                e.context(format!("could not read block {no} of \"{}\"", self.path))
            })?;
        } else {
            let offset = st.wal.header.frame_offset(frame) + FRAME_HEADER_SIZE as u64;
            self.wal.read_exact_at(buf, offset).map_err(|e| {
                e.context(format!(
                    "could not read WAL frame {frame} of \"{}\"",
                    self.path
                ))
            })?;
        }
        drop(st);
        verify_page(no, buf)?;
        if !to_change {
            self.cache.insert(no, frame, page.clone());
        }
        Ok(page)
    }

    /// A buffer to read page `no` into: a spare from the cache, or new.
    fn page_buffer(&self, no: PageNo) -> PageRef {
        self.cache
            .spare(no)
            .unwrap_or_else(|| Arc::new(PageBuf::zeroed(self.page_size)))
    }

    /// Takes the write lock, waiting up to the busy timeout.
    fn lock_writer(&self) -> Result<()> {
        self.lock_writer_waiting(None)
    }

    fn unlock_writer(&self) {
        *self.writer.lock().unwrap_or_else(|e| e.into_inner()) = false;
        self.writer_released.notify_one();
    }

    /// Reads the header as of a snapshot (from page 0).
    fn header_at(&self, snap: Snapshot) -> Result<DbHeader> {
        DbHeader::decode(&self.read_page(snap, 0)?)
    }

    /// Fails if an earlier failure left the files untrustworthy.
    fn check_poisoned(st: &Shared) -> Result<()> {
        match &st.poisoned {
            Some(why) => Err(err!(
                SqlState::IO_ERROR,
                "database is unusable after an earlier I/O failure: {why}"
            )
            .with_hint("Close and reopen the database to recover it.")),
            None => Ok(()),
        }
    }
}

fn locked() -> crate::Error {
    err!(SqlState::LOCK_NOT_AVAILABLE, "database is locked")
        .with_detail("Another transaction holds the write lock.")
}

#[cfg(test)]
mod group_commit_tests;
#[cfg(test)]
mod tests;
