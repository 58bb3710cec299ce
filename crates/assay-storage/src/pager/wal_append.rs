//! Appending frames to the WAL.
//!
//! A [`WalCursor`] is the writer's position in the log: the header of the
//! current generation, whether that header is on disk yet, the next frame
//! number and the checksum the next frame chains from. The shared copy in
//! [`Shared`](super::Shared) describes the last commit; a write transaction
//! works on its own copy and publishes it only when the commit is durable,
//! so a failed or rolled-back transaction leaves the shared position alone
//! and the next writer simply overwrites its frames.
//!
//! A transaction that spills the same page twice may rewrite its own
//! uncommitted frame in place ([`WalCursor::overwrite`]) instead of
//! appending another one, as SQLite does, so that a transaction larger than
//! the cache writes each page about once. That breaks the checksum chain
//! from the rewritten frame on; [`WalCursor::rechain`] mends it before the
//! commit frame is appended.

use std::sync::Arc;

use crate::page::{seal_page, PageBuf, PageNo, PageRef};
use crate::vfs::VfsFile;
use crate::wal::format::new_salt;
use crate::wal::{FrameHeader, FrameNo, WalHeader, FRAME_HEADER_SIZE};
use crate::Result;

/// Frames are gathered into writes of about this many bytes.
const WRITE_BATCH: usize = 1 << 20;

#[derive(Clone, Copy, Debug)]
pub(crate) struct WalCursor {
    pub header: WalHeader,
    /// Whether `header` has been written to the file.
    pub header_written: bool,
    pub next_frame: FrameNo,
    pub checksum: u32,
}

impl WalCursor {
    /// A cursor for a new, empty WAL generation starting at `start_frame`,
    /// under a header with a new salt.
    pub fn fresh(page_size: u32, database_id: u64, generation: u64, start: FrameNo) -> WalCursor {
        let header = WalHeader {
            page_size,
            database_id,
            generation,
            start_frame: start,
            salt: new_salt(),
        };
        WalCursor {
            header,
            header_written: false,
            next_frame: start,
            checksum: 0,
        }
    }

    /// Appends one frame per page, in order; the last one carries
    /// `commit_size` if it is given. Seals each page's checksum first, and
    /// returns the frame number given to each page.
    pub fn append(
        &mut self,
        wal: &dyn VfsFile,
        pages: &mut [(PageNo, PageRef)],
        commit_size: Option<u32>,
    ) -> Result<Vec<FrameNo>> {
        if !self.header_written {
            // The file is overwritten in place, not truncated: frames of the
            // old generation that follow fail the generation check, and
            // keeping the file's size lets fdatasync skip a metadata flush.
            let (bytes, checksum) = self.header.encode();
            wal.write_at(&bytes, 0)?;
            self.checksum = checksum;
            self.header_written = true;
        }
        let frame_size = self.header.frame_size() as usize;
        let mut batch: Vec<u8> = Vec::with_capacity(WRITE_BATCH.max(frame_size));
        let mut batch_offset = self.header.frame_offset(self.next_frame);
        let mut frames = Vec::with_capacity(pages.len());
        let last = pages.len().saturating_sub(1);
        for (i, (no, page)) in pages.iter_mut().enumerate() {
            let image: &mut PageBuf = Arc::make_mut(page);
            seal_page(*no, image);
            let mut frame = FrameHeader {
                frame: self.next_frame,
                page: *no,
                commit_size: if i == last {
                    commit_size.unwrap_or(0)
                } else {
                    0
                },
                generation: self.header.generation,
                checksum: 0,
            };
            let raw = frame.encode(self.checksum, image);
            batch.extend_from_slice(&raw[..FRAME_HEADER_SIZE]);
            batch.extend_from_slice(image);
            self.checksum = frame.checksum;
            frames.push(self.next_frame);
            self.next_frame += 1;
            if batch.len() + frame_size > WRITE_BATCH {
                wal.write_at(&batch, batch_offset)?;
                batch_offset += batch.len() as u64;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            wal.write_at(&batch, batch_offset)?;
        }
        Ok(frames)
    }

    /// Rewrites uncommitted frames of the current transaction, each
    /// `(frame, page number, new image)`, in place; runs of consecutive
    /// frames go out as one write. Their checksums are left stale: call
    /// [`WalCursor::rechain`] from the lowest rewritten frame before
    /// committing.
    pub fn overwrite(
        &self,
        wal: &dyn VfsFile,
        rewrites: &mut [(FrameNo, PageNo, PageRef)],
    ) -> Result<()> {
        rewrites.sort_unstable_by_key(|r| r.0);
        let frame_size = self.header.frame_size() as usize;
        let mut batch: Vec<u8> = Vec::with_capacity(WRITE_BATCH.max(frame_size));
        let mut batch_start = 0;
        let mut next = 0;
        for (frame, no, page) in rewrites.iter_mut() {
            let contiguous = *frame == next && batch.len() + frame_size <= WRITE_BATCH;
            if !contiguous && !batch.is_empty() {
                wal.write_at(&batch, self.header.frame_offset(batch_start))?;
                batch.clear();
            }
            if batch.is_empty() {
                batch_start = *frame;
            }
            let image: &mut PageBuf = Arc::make_mut(page);
            seal_page(*no, image);
            let header = FrameHeader {
                frame: *frame,
                page: *no,
                commit_size: 0,
                generation: self.header.generation,
                checksum: 0,
            };
            batch.extend_from_slice(&header.encode_unsummed());
            batch.extend_from_slice(image);
            next = *frame + 1;
        }
        if !batch.is_empty() {
            wal.write_at(&batch, self.header.frame_offset(batch_start))?;
        }
        Ok(())
    }

    /// Recomputes the checksum chain from frame `from` to the last frame
    /// appended, reading and rewriting the frames in large batches.
    pub fn rechain(&mut self, wal: &dyn VfsFile, from: FrameNo) -> Result<()> {
        let mut prev = if from == self.header.start_frame {
            self.header.encode().1
        } else {
            let mut raw = [0u8; FRAME_HEADER_SIZE];
            wal.read_exact_at(&mut raw, self.header.frame_offset(from - 1))?;
            FrameHeader::decode(&raw).checksum
        };
        let frame_size = self.header.frame_size() as usize;
        let per_batch = (WRITE_BATCH / frame_size).max(1);
        let mut buf = vec![0u8; per_batch * frame_size];
        let mut frame = from;
        while frame < self.next_frame {
            let n = ((self.next_frame - frame) as usize).min(per_batch);
            let batch = &mut buf[..n * frame_size];
            let offset = self.header.frame_offset(frame);
            wal.read_exact_at(batch, offset)?;
            for raw in batch.chunks_exact_mut(frame_size) {
                prev = FrameHeader::reseal(raw, prev);
            }
            wal.write_at(batch, offset)?;
            frame += n as u64;
        }
        self.checksum = prev;
        Ok(())
    }
}
