//! Reading a WAL file frame by frame, trusting nothing.
//!
//! [`WalReader`] is usable on its own (recovery, `assay check`, and later
//! replicas pulling frames): it validates the header, then yields frames in
//! order while each one has the expected number and generation, its
//! checksum continues the chain and its page image matches its seal. The first frame that fails any test ends the
//! valid log; nothing after it is trusted, even if it looks well formed.

use std::sync::Arc;

use super::format::{FrameHeader, WalHeader, FRAME_HEADER_SIZE, WAL_HEADER_SIZE};
use super::FrameNo;
use crate::page::PageNo;
use crate::vfs::VfsFile;
use crate::Result;

/// One valid frame: its header and the page image.
pub struct Frame<'a> {
    pub header: FrameHeader,
    pub page: &'a [u8],
}

/// Walks the valid frames of a WAL file.
pub struct WalReader {
    file: Arc<dyn VfsFile>,
    header: WalHeader,
    file_size: u64,
    next_frame: FrameNo,
    prev_checksum: u32,
    buf: Vec<u8>,
}

/// What [`WalReader::scan`] found: the committed prefix of the log.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WalScan {
    /// (page, frame) for every frame up to and including the last commit.
    pub frames: Vec<(PageNo, FrameNo)>,
    /// The last commit frame, or 0 if none.
    pub last_commit: FrameNo,
    /// Database size in pages recorded by the last commit.
    pub commit_size: u32,
    /// Checksum of the last commit frame (the chain continues from it).
    pub commit_checksum: u32,
    /// Valid frames beyond the last commit (an unfinished transaction).
    pub uncommitted: u64,
}

impl WalReader {
    /// Opens a reader; fails with XX001 if the header is missing or damaged.
    pub fn open(file: Arc<dyn VfsFile>) -> Result<WalReader> {
        let mut raw = [0u8; WAL_HEADER_SIZE];
        let n = file.read_at(&mut raw, 0)?;
        let (header, checksum) = WalHeader::decode(&raw[..n])?;
        let file_size = file.size()?;
        Ok(WalReader {
            file,
            header,
            file_size,
            next_frame: header.start_frame,
            prev_checksum: checksum,
            buf: vec![0; FRAME_HEADER_SIZE + header.page_size as usize],
        })
    }

    pub fn header(&self) -> &WalHeader {
        &self.header
    }

    /// The next valid frame, or `None` at the end of the valid log.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>> {
        let offset = self.header.frame_offset(self.next_frame);
        if offset + self.header.frame_size() > self.file_size {
            return Ok(None);
        }
        let n = self.file.read_at(&mut self.buf, offset)?;
        if n < self.buf.len() {
            return Ok(None);
        }
        let (raw, page) = self.buf.split_at(FRAME_HEADER_SIZE);
        let frame = FrameHeader::decode(raw);
        let valid = frame.frame == self.next_frame
            && frame.generation == self.header.generation
            && frame.verify(raw, self.prev_checksum, page);
        if !valid {
            return Ok(None);
        }
        self.prev_checksum = frame.checksum;
        self.next_frame += 1;
        Ok(Some(Frame {
            header: frame,
            page,
        }))
    }

    /// Reads the whole valid log and returns its committed prefix.
    pub fn scan(&mut self) -> Result<WalScan> {
        let mut scan = WalScan::default();
        let mut pending = Vec::new();
        while let Some(frame) = self.next_frame()? {
            let h = frame.header;
            pending.push((h.page, h.frame));
            if h.commit_size != 0 {
                scan.frames.append(&mut pending);
                scan.last_commit = h.frame;
                scan.commit_size = h.commit_size;
                scan.commit_checksum = h.checksum;
            }
        }
        scan.uncommitted = pending.len() as u64;
        Ok(scan)
    }
}
