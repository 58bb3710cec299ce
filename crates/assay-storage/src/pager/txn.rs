//! Transactions: a snapshot to read from, and for writers a dirty set.
//!
//! Every transaction reads the snapshot it took when it began. A write
//! transaction additionally holds the pager's write lock and keeps the pages
//! it changed in a private map until commit:
//!
//! - `Deferred` starts as a reader and takes the write lock at its first
//!   change; if another transaction committed in between, its snapshot is
//!   stale and the change fails with 40001 (as SQLite's `BUSY_SNAPSHOT`).
//! - `Immediate` and `Exclusive` take the write lock at once (in WAL mode
//!   readers are never locked out, so the two behave alike).
//! - `ReadOnly` never writes: a change fails with 25006.
//!
//! Savepoints (see `savepoint.rs`) keep an undo log of page versions, so a
//! statement or a SAVEPOINT can be rolled back without ending the
//! transaction. Dropping a transaction without committing rolls it back: the
//! dirty pages are dropped and the shared WAL position was never advanced.
//!
//! A transaction remembers the snapshot's pages it read last (`memo.rs`):
//! its snapshot never changes, so page `n` stays the same page for its
//! whole life, and the upper levels of a B-tree, read by every descent, are
//! found there without the pager's state lock, the WAL index, the cache
//! shard's mutex and its hash probe. A writer looks at its own changes
//! first.

use std::cell::RefCell;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::dirty::{DirtyPages, SPILL_FRACTION};
use super::memo::ReadMemo;
use super::savepoint::{Savepoint, UndoEntry};
use super::{Pager, Snapshot, WalCursor};
use crate::header::DbHeader;
use crate::page::{verify_page, PageNo, PageRead, PageRef, PageWrite};
use crate::wal::{FrameNo, FRAME_HEADER_SIZE};
use crate::{corrupt, err, Error, Result, SqlState};

/// How a transaction takes the write lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnMode {
    Deferred,
    Immediate,
    Exclusive,
    ReadOnly,
}

/// A transaction on a [`Pager`]; see the module documentation.
pub struct Transaction {
    pub(super) pager: Arc<Pager>,
    mode: TxnMode,
    snapshot: Snapshot,
    pub(super) write: Option<WriteState>,
    pub(super) savepoints: Vec<Savepoint>,
    /// Whether `snapshot` is still registered with the pager.
    registered: bool,
    /// Pages of the snapshot read lately (for a writer, only pages it has
    /// not changed).
    memo: RefCell<ReadMemo>,
}

/// The private state of a transaction holding the write lock.
pub(super) struct WriteState {
    pub header: DbHeader,
    pub header_dirty: bool,
    pub dirty: DirtyPages,
    /// Pages written to the WAL early, and the frame holding each.
    pub spilled: FxHashMap<PageNo, FrameNo>,
    /// Every frame spilled, so a rollback can drop them from the cache
    /// (their numbers will be reused by the next writer).
    spill_log: Vec<(PageNo, FrameNo)>,
    /// The lowest spilled frame rewritten in place: the checksum chain must
    /// be recomputed from it before the commit.
    rechain_from: Option<FrameNo>,
    pub wal: WalCursor,
    pub generation: u64,
}

impl Transaction {
    pub(super) fn begin(pager: Arc<Pager>, mode: TxnMode) -> Result<Transaction> {
        Transaction::begin_waiting(pager, mode, None)
    }

    /// Starts a transaction; one that takes the write lock at once waits
    /// for it on `wait`'s terms (see `writer_wait.rs`).
    pub(super) fn begin_waiting(
        pager: Arc<Pager>,
        mode: TxnMode,
        wait: Option<&super::WriterWait<'_>>,
    ) -> Result<Transaction> {
        let eager = matches!(mode, TxnMode::Immediate | TxnMode::Exclusive);
        if eager {
            pager.lock_writer_waiting(wait)?;
        }
        let snapshot = pager.take_snapshot(eager);
        let mut txn = Transaction {
            pager,
            mode,
            snapshot,
            write: None,
            savepoints: Vec::new(),
            registered: true,
            memo: RefCell::default(),
        };
        if eager {
            if let Err(e) = txn.start_writing() {
                txn.pager.unlock_writer();
                return Err(e);
            }
        }
        Ok(txn)
    }

    pub fn mode(&self) -> TxnMode {
        self.mode
    }

    pub fn pager(&self) -> &Arc<Pager> {
        &self.pager
    }

    /// The last committed frame and database size this transaction reads.
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot
    }

    /// Whether this transaction holds the write lock.
    pub fn is_writing(&self) -> bool {
        self.write.is_some()
    }

    /// Whether this transaction has changed anything.
    pub fn has_changes(&self) -> bool {
        self.write
            .as_ref()
            .is_some_and(|w| w.header_dirty || !w.dirty.is_empty() || !w.spilled.is_empty())
    }

    /// The database header as this transaction sees it.
    pub fn header(&self) -> Result<DbHeader> {
        match &self.write {
            Some(w) => Ok(w.header.clone()),
            None => self.pager.header_at(self.snapshot),
        }
    }

    /// Root page of the tree directory (0 until one is created).
    pub fn catalog_root(&self) -> Result<PageNo> {
        Ok(self.header()?.catalog_root)
    }

    pub fn set_catalog_root(&mut self, root: PageNo) -> Result<()> {
        self.writer()?;
        self.note_header_change();
        let w = self.write.as_mut().ok_or_else(no_writer)?;
        w.header.catalog_root = root;
        w.header_dirty = true;
        Ok(())
    }

    /// Takes the write lock for a deferred transaction (a no-op if held).
    pub fn upgrade(&mut self) -> Result<()> {
        self.writer().map(|_| ())
    }

    /// Takes the write lock for a deferred transaction, waiting for it on
    /// `wait`'s terms (a no-op if held).
    pub fn upgrade_waiting(&mut self, wait: &super::WriterWait<'_>) -> Result<()> {
        if self.write.is_none() && self.mode != TxnMode::ReadOnly {
            self.pager.lock_writer_waiting(Some(wait))?;
            if let Err(e) = self.start_writing() {
                self.pager.unlock_writer();
                return Err(e);
            }
        }
        self.upgrade()
    }

    /// The write state, taking the write lock first if needed.
    pub(super) fn writer(&mut self) -> Result<&mut WriteState> {
        if self.write.is_none() {
            if self.mode == TxnMode::ReadOnly {
                return Err(err!(
                    SqlState::READ_ONLY_SQL_TRANSACTION,
                    "cannot execute a write in a read-only transaction"
                ));
            }
            self.pager.lock_writer()?;
            if let Err(e) = self.start_writing() {
                self.pager.unlock_writer();
                return Err(e);
            }
        }
        self.write.as_mut().ok_or_else(no_writer)
    }

    /// Called with the write lock held: checks the snapshot is current and
    /// sets up the private write state.
    fn start_writing(&mut self) -> Result<()> {
        let (tip, wal) = {
            let st = self.pager.shared();
            Pager::check_poisoned(&st)?;
            (st.tip.frame, st.wal)
        };
        if tip != self.snapshot.frame {
            return Err(err!(
                SqlState::SERIALIZATION_FAILURE,
                "could not serialize access due to concurrent update"
            )
            .with_detail("Another transaction committed after this one took its snapshot."));
        }
        // The memo stays: the snapshot is the tip, and a writer looks at
        // its own changes before the memo.
        let header = self.pager.header_at(self.snapshot)?;
        self.write = Some(WriteState {
            header,
            header_dirty: false,
            dirty: DirtyPages::default(),
            spilled: FxHashMap::default(),
            spill_log: Vec::new(),
            rechain_from: None,
            wal,
            generation: 0,
        });
        Ok(())
    }

    /// Makes the transaction's changes durable and visible; returns the
    /// commit frame (the new replication index), or the snapshot's frame if
    /// nothing changed. The write lock is released once the frames are
    /// written, before the wait for the flush (see `group_commit.rs`).
    pub fn commit(mut self) -> Result<FrameNo> {
        let Some(mut w) = self.write.take() else {
            return Ok(self.snapshot.frame);
        };
        let written = self.commit_writes(&mut w);
        if written.is_err() {
            self.forget_spill(&w);
        }
        self.release_snapshot();
        let Ok(frame) = written else {
            self.pager.unlock_writer();
            return written;
        };
        // A checkpoint is due: it needs every written commit durable, and
        // runs before the lock goes. A failed one is retried later.
        let durable = if self.pager.autocheckpoint_due() {
            let settled = self.pager.settle();
            if settled.is_ok() {
                let _ = self.pager.autocheckpoint();
            }
            self.pager.unlock_writer();
            settled
        } else {
            self.pager.unlock_writer();
            self.pager.wait_durable(frame)
        };
        durable.map(|()| frame)
    }

    fn commit_writes(&mut self, w: &mut WriteState) -> Result<FrameNo> {
        if !w.header_dirty && w.dirty.is_empty() && w.spilled.is_empty() {
            return Ok(self.snapshot.frame);
        }
        // Page 0 carries the header. It is logged when the header changed,
        // or to carry the commit marker when every changed page was spilled.
        if w.header_dirty || w.dirty.is_empty() {
            let mut page0 = self.page_for_write(w, 0)?;
            w.header.encode(&mut Arc::make_mut(&mut page0)[..]);
            w.dirty.insert(0, page0);
        }

        let mut pages: Vec<(PageNo, PageRef)> = w.dirty.drain();
        self.relog_stale_spills(w, &mut pages)?;
        pages.sort_unstable_by_key(|(no, _)| *no);
        let pager = self.pager.clone();
        let mut cursor = w.wal;
        let rechained = match w.rechain_from {
            Some(from) => cursor.rechain(pager.wal.as_ref(), from),
            None => Ok(()),
        };
        let written = rechained.and_then(|()| {
            cursor.append(pager.wal.as_ref(), &mut pages, Some(w.header.page_count))
        });
        let frames = match written {
            Ok(frames) => frames,
            Err(e) => return Err(pager.undo_append(e)),
        };
        let commit_frame = cursor.next_frame - 1;

        // Spilled pages that were not changed again are part of the commit
        // through the frame they were spilled to.
        let mut spilled: Vec<(FrameNo, PageNo)> = w
            .spilled
            .iter()
            .filter(|&(page, _)| pages.binary_search_by_key(page, |(no, _)| *no).is_err())
            .map(|(&page, &frame)| (frame, page))
            .collect();
        spilled.sort_unstable();

        let mut st = pager.shared_mut();
        for (frame, page) in spilled {
            st.index.insert(page, frame);
        }
        for ((page, data), frame) in pages.into_iter().zip(frames) {
            st.index.insert(page, frame);
            pager.cache.insert(page, frame, data);
        }
        st.wal = cursor;
        drop(st);
        pager.note_written(Snapshot {
            frame: commit_frame,
            db_pages: w.header.page_count,
        });
        Ok(commit_frame)
    }

    /// Adds to the commit every page whose committed version is a spilled
    /// frame followed, later in the WAL, by another frame of the same page
    /// that a savepoint rollback abandoned: recovery takes the newest frame
    /// of each page, so the committed version must be logged again after it.
    fn relog_stale_spills(&self, w: &WriteState, pages: &mut Vec<(PageNo, PageRef)>) -> Result<()> {
        if w.spill_log.is_empty() {
            return Ok(());
        }
        let mut newest: FxHashMap<PageNo, FrameNo> = FxHashMap::default();
        for &(page, frame) in &w.spill_log {
            let slot = newest.entry(page).or_insert(frame);
            *slot = (*slot).max(frame);
        }
        for (&page, &frame) in &w.spilled {
            let stale = newest.get(&page).is_some_and(|&last| last > frame);
            if stale && !w.dirty.contains(page) {
                pages.push((page, self.read_spilled(w, page, frame)?));
            }
        }
        Ok(())
    }

    /// Drops every change and releases the locks.
    pub fn rollback(self) {}

    fn release_snapshot(&mut self) {
        if self.registered {
            self.pager.release_snapshot(self.snapshot.frame);
            self.registered = false;
        }
    }

    /// Page `no` of the snapshot: from the memo, else from the pager (and
    /// then remembered). A writer calls it only for pages it has not
    /// changed.
    fn read_memoized(&self, no: PageNo) -> Result<PageRef> {
        if let Ok(memo) = self.memo.try_borrow() {
            if let Some(page) = memo.get(no) {
                return Ok(page.clone());
            }
        }
        let page = self.pager.read_page(self.snapshot, no)?;
        if let Ok(mut memo) = self.memo.try_borrow_mut() {
            memo.insert(no, page.clone());
        }
        Ok(page)
    }

    /// Calls `f` with page `no` of the snapshot, lent from the memo when
    /// it is there (`f` may read pages too: then the memo is only looked
    /// at).
    fn with_memoized<R>(&self, no: PageNo, f: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
        if let Ok(memo) = self.memo.try_borrow() {
            if let Some(page) = memo.get(no) {
                return f(page);
            }
        }
        f(&self.read_memoized(no)?)
    }

    /// The current version of `no` for a writer: dirty, spilled or committed.
    pub(super) fn page_for_write(&self, w: &WriteState, no: PageNo) -> Result<PageRef> {
        if let Some(page) = w.dirty.get(no) {
            return Ok(page.clone());
        }
        if no >= w.header.page_count {
            return Err(corrupt!(
                "page {no} is beyond the end of the database ({} pages)",
                w.header.page_count
            ));
        }
        if let Some(&frame) = w.spilled.get(&no) {
            return self.read_spilled(w, no, frame);
        }
        self.read_memoized(no)
    }

    fn read_spilled(&self, w: &WriteState, no: PageNo, frame: FrameNo) -> Result<PageRef> {
        if let Some(page) = self.pager.cache.get(no, frame) {
            return Ok(page);
        }
        let page = self.read_spilled_frame(w, no, frame)?;
        self.pager.cache.insert(no, frame, page.clone());
        Ok(page)
    }

    fn read_spilled_frame(&self, w: &WriteState, no: PageNo, frame: FrameNo) -> Result<PageRef> {
        let mut page = self.pager.page_buffer(no);
        let buf = Arc::make_mut(&mut page);
        let offset = w.wal.header.frame_offset(frame) + FRAME_HEADER_SIZE as u64;
        self.pager.wal.read_exact_at(buf, offset)?;
        verify_page(no, buf)?;
        Ok(page)
    }

    /// The current version of `no` for a writer about to change it. A
    /// spilled version is taken out of the cache rather than shared: only
    /// this transaction can see it, and once changed it will be spilled or
    /// committed again, so the cached copy would only force a copy of the
    /// page (the frame on disk still holds it, should a savepoint need it).
    /// A committed version is taken too when no reader holds it (see
    /// `Pager::read_page_to_change`).
    fn page_to_change(&self, w: &WriteState, no: PageNo) -> Result<PageRef> {
        if w.dirty.contains(no) || no >= w.header.page_count {
            return self.page_for_write(w, no);
        }
        match w.spilled.get(&no) {
            Some(&frame) => match self.pager.cache.take(no, frame) {
                Some(page) => Ok(page),
                None => self.read_spilled_frame(w, no, frame),
            },
            None => self.pager.read_page_to_change(self.snapshot, no),
        }
    }

    /// Drops this transaction's spilled frames from the shared cache: they
    /// were never committed and their frame numbers will be reused.
    fn forget_spill(&self, w: &WriteState) {
        for &(page, frame) in &w.spill_log {
            self.pager.cache.remove(page, frame);
        }
    }

    /// Writes the `count` least recently used dirty pages (never page 0) to
    /// the WAL as uncommitted frames, so that a huge transaction's memory
    /// stays bounded (see `dirty.rs`). A page spilled
    /// before is rewritten in its frame unless a savepoint may return to the
    /// version that frame holds; others get new frames. On failure the pages
    /// stay dirty: nothing is lost.
    fn spill(&mut self, count: usize) -> Result<()> {
        let pager = self.pager.clone();
        let savepoints = &self.savepoints;
        let pinned = |no: PageNo, frame: FrameNo| {
            savepoints
                .iter()
                .any(|sp| sp.undo.get(&no).is_some_and(|e| e.spilled == Some(frame)))
        };
        let w = self.write.as_mut().ok_or_else(no_writer)?;
        let mut pages = w.dirty.take_coldest(count);
        pages.sort_unstable_by_key(|(no, _)| *no);
        let mut appended = Vec::with_capacity(pages.len());
        let mut rewrites = Vec::new();
        for (no, page) in pages {
            match w.spilled.get(&no) {
                Some(&frame) if !pinned(no, frame) => rewrites.push((frame, no, page)),
                _ => appended.push((no, page)),
            }
        }
        if let Some(lowest) = rewrites.iter().map(|r| r.0).min() {
            // Even a failed rewrite may have changed a frame's bytes.
            w.rechain_from = Some(w.rechain_from.map_or(lowest, |f| f.min(lowest)));
            if let Err(e) = w.wal.overwrite(pager.wal.as_ref(), &mut rewrites) {
                // The pages stay dirty, so the commit logs them again after
                // whatever their frames now hold.
                w.dirty
                    .extend(rewrites.into_iter().map(|(_, no, page)| (no, page)));
                w.dirty.extend(appended);
                return Err(e);
            }
            for (frame, no, page) in rewrites {
                pager.cache.insert(no, frame, page);
            }
        }
        let mut pages = appended;
        let mut cursor = w.wal;
        match cursor.append(pager.wal.as_ref(), &mut pages, None) {
            Ok(frames) => {
                w.wal = cursor;
                for ((page, data), frame) in pages.into_iter().zip(frames) {
                    w.spilled.insert(page, frame);
                    w.spill_log.push((page, frame));
                    pager.cache.insert(page, frame, data);
                }
                Ok(())
            }
            Err(e) => {
                w.dirty.extend(pages);
                Err(e)
            }
        }
    }

    /// Records, for the innermost savepoint, how page `no` was before its
    /// first change since that savepoint.
    fn note_page_change(&mut self, no: PageNo) {
        let Some(w) = self.write.as_ref() else { return };
        if let Some(sp) = self.savepoints.last_mut() {
            sp.undo.entry(no).or_insert_with(|| UndoEntry {
                dirty: w.dirty.peek(no).cloned(),
                spilled: w.spilled.get(&no).copied(),
            });
        }
    }

    pub(super) fn note_header_change(&mut self) {
        let Some(w) = self.write.as_ref() else { return };
        if let Some(sp) = self.savepoints.last_mut() {
            if sp.header.is_none() {
                sp.header = Some((w.header.clone(), w.header_dirty));
            }
        }
    }

    /// Replaces (or with `None` removes) the dirty version of `no`,
    /// spilling first if the dirty set has outgrown the cache.
    pub(super) fn set_dirty(&mut self, no: PageNo, page: Option<PageRef>) -> Result<()> {
        self.note_page_change(no);
        let threshold = self.pager.cache.capacity().max(64);
        let w = self.write.as_mut().ok_or_else(no_writer)?;
        w.generation += 1;
        let over = w.dirty.len() >= threshold && !w.dirty.contains(no);
        if over && page.is_some() {
            self.spill((threshold / SPILL_FRACTION).max(1))?;
        }
        let w = self.write.as_mut().ok_or_else(no_writer)?;
        match page {
            Some(page) => w.dirty.insert(no, page),
            None => drop(w.dirty.remove(no)),
        }
        Ok(())
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        self.release_snapshot();
        if let Some(w) = self.write.take() {
            self.forget_spill(&w);
            self.pager.unlock_writer();
        }
    }
}

impl PageRead for Transaction {
    fn usable_size(&self) -> usize {
        self.pager.usable_size()
    }

    fn page(&self, no: PageNo) -> Result<PageRef> {
        match &self.write {
            Some(w) => self.page_for_write(w, no),
            None => self.read_memoized(no),
        }
    }

    fn with_page<R>(&self, no: PageNo, f: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
        match &self.write {
            Some(w) => {
                if let Some(page) = w.dirty.get(no) {
                    return f(page);
                }
                if no < w.header.page_count && !w.spilled.contains_key(&no) {
                    return self.with_memoized(no, f);
                }
                f(&self.page_for_write(w, no)?)
            }
            None => self.with_memoized(no, f),
        }
    }
}

impl PageWrite for Transaction {
    fn page_mut(&mut self, no: PageNo) -> Result<&mut [u8]> {
        let usable = self.pager.usable_size();
        let w = self.writer()?;
        let tracked = w.dirty.contains(no)
            && self
                .savepoints
                .last()
                .is_none_or(|sp| sp.undo.contains_key(&no));
        if !tracked {
            // The memo's reference would make the change copy the page.
            self.memo.get_mut().forget(no);
            let w = self.write.as_ref().ok_or_else(no_writer)?;
            let page = self.page_to_change(w, no)?;
            self.set_dirty(no, Some(page))?;
        }
        let w = self.write.as_mut().ok_or_else(no_writer)?;
        w.generation += 1;
        let page = w.dirty.get_mut(no).ok_or_else(no_writer)?;
        Ok(&mut Arc::make_mut(page)[..usable])
    }

    fn allocate(&mut self) -> Result<PageNo> {
        self.allocate_page()
    }

    fn free(&mut self, no: PageNo) -> Result<()> {
        self.free_page(no)
    }

    fn generation(&self) -> u64 {
        self.write.as_ref().map_or(0, |w| w.generation)
    }
}

pub(super) fn no_writer() -> Error {
    err!(
        SqlState::INTERNAL_ERROR,
        "write transaction state is missing"
    )
}
