//! Checkpoints: copying WAL frames home and restarting the WAL.
//!
//! A checkpoint runs with the write lock held (so no commit races it) and
//! works in two steps:
//!
//! 1. **Backfill.** For every page with frames newer than the last backfill,
//!    copy its newest frame that is not newer than the oldest active
//!    snapshot into the database file, then sync the file. A snapshot that
//!    reads a page from the file therefore never sees a version newer than
//!    itself: any page the checkpoint may have changed has a frame the
//!    snapshot finds in the WAL first.
//! 2. **Restart.** When every commit is home and no snapshot is older than
//!    the last commit, write the header's checkpoint frame and WAL
//!    generation into page 0 of the file, sync, and start a new WAL
//!    generation: the next commit writes a new WAL header, starting at the
//!    following frame number, over the old one. Until then the old header
//!    starts too early, so recovery ignores the old frames.
//!
//! With `synchronous = normal` the WAL is synced before the backfill, so the
//! file never gets ahead of the log it came from. Checkpoints start only when
//! every written commit is durable (see `group_commit.rs`), so the last
//! commit they work up to is also the WAL's tip.

use std::sync::Arc;

use super::{Pager, Shared, Synchronous, WalCursor};
use crate::header::DbHeader;
use crate::page::{seal_page, verify_page, PageBuf, PageRef};
use crate::wal::{FrameNo, FRAME_HEADER_SIZE};
use crate::Result;

/// What a checkpoint did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointInfo {
    /// Pages copied into the database file.
    pub pages_copied: usize,
    /// Every frame up to this one is now home.
    pub backfilled: FrameNo,
    /// Whether the WAL was emptied and a new generation begun.
    pub restarted: bool,
}

impl Pager {
    /// Runs a checkpoint now, waiting for the write lock like a writer.
    pub fn checkpoint(&self) -> Result<CheckpointInfo> {
        self.lock_writer()?;
        let result = self.settle().and_then(|()| self.checkpoint_locked());
        self.unlock_writer();
        result
    }

    /// Whether the WAL has grown by the configured frame count since the
    /// last automatic checkpoint.
    pub(super) fn autocheckpoint_due(&self) -> bool {
        let every = self.options.autocheckpoint;
        let st = self.shared();
        every != 0 && st.tip.frame >= st.last_autocheckpoint + every
    }

    /// The automatic checkpoint, run by a committing writer with the lock
    /// held and every written commit durable ([`Pager::settle`]).
    pub(super) fn autocheckpoint(&self) -> Result<()> {
        {
            let mut st = self.shared_mut();
            st.last_autocheckpoint = st.tip.frame;
        }
        self.checkpoint_locked().map(|_| ())
    }

    fn checkpoint_locked(&self) -> Result<CheckpointInfo> {
        let sync = self.options.synchronous != Synchronous::Off;
        let (safe, to_copy, wal_header) = {
            let st = self.shared();
            Pager::check_poisoned(&st)?;
            let oldest = st.readers.keys().next().copied().unwrap_or(st.last_commit);
            let safe = oldest.min(st.last_commit);
            (
                safe,
                st.index.latest_between(st.backfilled, safe),
                st.wal.header,
            )
        };
        if !to_copy.is_empty() {
            if sync {
                self.wal.sync()?;
            }
            for &(page, frame) in &to_copy {
                let data: PageRef = match self.cache.get(page, frame) {
                    Some(data) => data,
                    None => {
                        let mut buf = PageBuf::zeroed(self.page_size);
                        let offset = wal_header.frame_offset(frame) + FRAME_HEADER_SIZE as u64;
                        self.wal.read_exact_at(&mut buf, offset)?;
                        verify_page(page, &buf)?;
                        Arc::new(buf)
                    }
                };
                self.db
                    .write_at(&data, page as u64 * self.page_size as u64)?;
                self.cache.insert(page, 0, data);
            }
            if sync {
                self.db.sync()?;
            }
            let mut st = self.shared_mut();
            st.backfilled = st.backfilled.max(safe);
        }
        let mut st = self.shared_mut();
        let restartable = st.backfilled == st.last_commit
            && st.tip.frame == st.last_commit
            && st
                .readers
                .keys()
                .next()
                .is_none_or(|&f| f >= st.last_commit)
            && st.index.frame_count() > 0;
        if restartable {
            self.restart_wal(&mut st)?;
        }
        Ok(CheckpointInfo {
            pages_copied: to_copy.len(),
            backfilled: st.backfilled,
            restarted: restartable,
        })
    }

    /// Records the checkpoint in page 0 of the file and empties the WAL.
    /// Runs under the state lock, so no snapshot starts meanwhile.
    fn restart_wal(&self, st: &mut Shared) -> Result<()> {
        let sync = self.options.synchronous != Synchronous::Off;
        let mut page0 = PageBuf::zeroed(self.page_size);
        self.db.read_exact_at(&mut page0, 0)?;
        verify_page(0, &page0)?;
        let mut header = DbHeader::decode(&page0)?;
        header.checkpoint_frame = st.last_commit;
        header.wal_generation = st.wal.header.generation;
        header.encode(&mut page0);
        seal_page(0, &mut page0);
        self.db.write_at(&page0, 0)?;
        let file_size = st.db_pages as u64 * self.page_size as u64;
        if self.db.size()? > file_size {
            self.db.truncate(file_size)?;
        }
        if sync {
            self.db.sync()?;
        }
        self.cache.insert(0, 0, Arc::new(page0));
        // The WAL keeps its size: the next commit writes a new header over
        // the old one (see `WalCursor::append`).
        st.index.clear();
        st.wal = WalCursor::fresh(
            self.page_size as u32,
            header.database_id,
            header.wal_generation + 1,
            st.last_commit + 1,
        );
        st.backfilled = st.last_commit;
        Ok(())
    }

    /// After a failed append, cuts the WAL back to the last commit so that
    /// nothing of the failed transaction can be recovered later. If even
    /// that fails, the pager refuses further writes until reopened.
    pub(super) fn undo_append(&self, cause: crate::Error) -> crate::Error {
        let before = self.shared().wal;
        let end = if before.header_written {
            before.header.frame_offset(before.next_frame)
        } else {
            0
        };
        let undone = self.wal.truncate(end).and_then(|()| {
            if self.options.synchronous != Synchronous::Off {
                self.wal.sync()
            } else {
                Ok(())
            }
        });
        if let Err(again) = undone {
            self.shared_mut().poisoned = Some(format!(
                "{}; undoing it failed: {}",
                cause.message(),
                again.message()
            ));
        }
        cause
    }
}
