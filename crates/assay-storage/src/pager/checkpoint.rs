//! Checkpoints: copying WAL frames home and restarting the WAL.
//!
//! A checkpoint runs with the write lock held (so no commit races it) and
//! works in two steps:
//!
//! 1. **Backfill.** For every page with frames newer than the last backfill,
//!    copy its newest frame that is not newer than the oldest active
//!    snapshot into the database file, then sync the file. Pages go in page
//!    order, runs of consecutive pages as one write. A snapshot that
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
use crate::page::{seal_page, verify_page, PageBuf, PageNo, PageRef};
use crate::wal::{FrameNo, WalHeader, FRAME_HEADER_SIZE};
use crate::Result;

/// A checkpoint writes runs of consecutive pages in writes of up to this
/// many bytes.
const COPY_BATCH: usize = 1 << 20;

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
            self.backfill(&to_copy, &wal_header)?;
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

    /// Copies each page's frame in `to_copy` (sorted by page) into the
    /// database file: a run of consecutive pages goes out as one write of
    /// up to [`COPY_BATCH`] bytes, gathered in one reused buffer, from the
    /// cache when the frame is there and else read from the WAL straight
    /// into its place (consecutive frames in one read).
    ///
    /// After each write the cache holds the copied version as the file's
    /// (frame 0) when it had the frame, and otherwise no file version of
    /// the page at all: an older one there would be stale once the WAL
    /// restarts. Versions read from the WAL are not cached, so a large
    /// checkpoint does not sweep the cache.
    fn backfill(&self, to_copy: &[(PageNo, FrameNo)], wal_header: &WalHeader) -> Result<()> {
        let size = self.page_size;
        let per_batch = (COPY_BATCH / size).max(1);
        let mut buf = vec![0u8; per_batch * size];
        let mut cached: Vec<Option<PageRef>> = Vec::with_capacity(per_batch);
        let mut raw = Vec::new();
        let mut rest = to_copy;
        while let Some(&(first, _)) = rest.first() {
            let run = rest
                .iter()
                .enumerate()
                .take(per_batch)
                .take_while(|&(i, &(page, _))| page as usize == first as usize + i)
                .count();
            let (batch, after) = rest.split_at(run);
            rest = after;
            cached.clear();
            cached.extend(
                batch
                    .iter()
                    .map(|&(page, frame)| self.cache.get(page, frame)),
            );
            let mut k = 0;
            while k < run {
                if let Some(data) = &cached[k] {
                    buf[k * size..(k + 1) * size].copy_from_slice(&data[..size]);
                    k += 1;
                    continue;
                }
                // Uncached pages whose frames follow each other: one read.
                let frames = (k..run)
                    .take_while(|&j| {
                        cached[j].is_none() && batch[j].1 == batch[k].1 + (j - k) as FrameNo
                    })
                    .count();
                self.read_frames(
                    wal_header,
                    &batch[k..k + frames],
                    &mut buf[k * size..(k + frames) * size],
                    &mut raw,
                )?;
                k += frames;
            }
            self.db
                .write_at(&buf[..run * size], first as u64 * size as u64)?;
            for (&(page, _), data) in batch.iter().zip(cached.drain(..)) {
                match data {
                    Some(data) => self.cache.insert(page, 0, data),
                    None => self.cache.remove(page, 0),
                }
            }
        }
        Ok(())
    }

    /// Reads the images of `frames`, consecutive frames of the WAL, into
    /// `out` one after another, checking each page's checksum; `raw` is
    /// the reused buffer for the frames as stored.
    fn read_frames(
        &self,
        wal_header: &WalHeader,
        frames: &[(PageNo, FrameNo)],
        out: &mut [u8],
        raw: &mut Vec<u8>,
    ) -> Result<()> {
        let size = self.page_size;
        let Some(&(_, start)) = frames.first() else {
            return Ok(());
        };
        let frame_size = FRAME_HEADER_SIZE + size;
        raw.resize(frames.len() * frame_size, 0);
        self.wal
            .read_exact_at(raw, wal_header.frame_offset(start))?;
        for ((&(page, _), frame), image) in frames
            .iter()
            .zip(raw.chunks_exact(frame_size))
            .zip(out.chunks_exact_mut(size))
        {
            let data = &frame[FRAME_HEADER_SIZE..];
            verify_page(page, data)?;
            image.copy_from_slice(data);
        }
        Ok(())
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
