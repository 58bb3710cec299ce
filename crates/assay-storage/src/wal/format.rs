//! Byte layouts of the WAL. Every integer is little-endian.
//!
//! WAL header, at offset 0 ([`WAL_HEADER_SIZE`] bytes):
//!
//! ```text
//! offset size field
//!      0    8 magic "AssayWAL"
//!      8    4 format version (1)
//!     12    4 page size
//!     16    8 database id (must equal the database header's)
//!     24    8 generation: incremented each time the WAL restarts
//!     32    8 start frame: global number of the first frame in this file
//!     40    4 header checksum: CRC-32 of bytes 0..40
//!     44   20 zero
//! ```
//!
//! Frame `n` (global number) sits at `WAL_HEADER_SIZE + (n - start) *
//! (FRAME_HEADER_SIZE + page size)`: a frame header, then the page image
//! (with its own page checksum in the trailer).
//!
//! ```text
//! offset size field
//!      0    8 frame number (global)
//!      8    4 page number
//!     12    4 commit marker: database size in pages after this commit,
//!             or 0 if the frame is not the last of a commit
//!     16    8 generation (must equal the WAL header's)
//!     24    4 checksum: CRC-32 seeded with the previous frame's checksum
//!             (the header checksum for the first frame) over bytes 0..24
//!             of this header and then the page image
//!     28    4 zero
//! ```

use crate::header::{get_u32, get_u64, put_u32, put_u64};
use crate::page::PageNo;
use crate::{corrupt, Result};

use super::FrameNo;

pub const WAL_MAGIC: &[u8; 8] = b"AssayWAL";
pub const WAL_VERSION: u32 = 1;
pub const WAL_HEADER_SIZE: usize = 64;
pub const FRAME_HEADER_SIZE: usize = 32;

/// The decoded WAL header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalHeader {
    pub page_size: u32,
    pub database_id: u64,
    pub generation: u64,
    pub start_frame: FrameNo,
}

impl WalHeader {
    /// Encodes the header; returns the bytes and the checksum that seeds the
    /// frame checksum chain.
    pub fn encode(&self) -> ([u8; WAL_HEADER_SIZE], u32) {
        let mut buf = [0u8; WAL_HEADER_SIZE];
        buf[0..8].copy_from_slice(WAL_MAGIC);
        put_u32(&mut buf, 8, WAL_VERSION);
        put_u32(&mut buf, 12, self.page_size);
        put_u64(&mut buf, 16, self.database_id);
        put_u64(&mut buf, 24, self.generation);
        put_u64(&mut buf, 32, self.start_frame);
        let sum = crc32fast::hash(&buf[..40]);
        put_u32(&mut buf, 40, sum);
        (buf, sum)
    }

    /// Decodes and validates a header; returns it and its checksum.
    pub fn decode(buf: &[u8]) -> Result<(WalHeader, u32)> {
        if buf.len() < WAL_HEADER_SIZE || &buf[0..8] != WAL_MAGIC {
            return Err(corrupt!("WAL file has a bad magic number"));
        }
        let sum = crc32fast::hash(&buf[..40]);
        if sum != get_u32(buf, 40) {
            return Err(corrupt!("WAL header checksum mismatch"));
        }
        if get_u32(buf, 8) != WAL_VERSION {
            return Err(corrupt!(
                "WAL format version {} is not supported",
                get_u32(buf, 8)
            ));
        }
        let header = WalHeader {
            page_size: get_u32(buf, 12),
            database_id: get_u64(buf, 16),
            generation: get_u64(buf, 24),
            start_frame: get_u64(buf, 32),
        };
        if header.start_frame == 0 {
            return Err(corrupt!("WAL header has start frame 0"));
        }
        Ok((header, sum))
    }

    /// Bytes one frame takes in the file.
    pub fn frame_size(&self) -> u64 {
        FRAME_HEADER_SIZE as u64 + self.page_size as u64
    }

    /// Where frame `frame` starts in the file.
    pub fn frame_offset(&self, frame: FrameNo) -> u64 {
        WAL_HEADER_SIZE as u64 + (frame - self.start_frame) * self.frame_size()
    }
}

/// The decoded header of one frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    pub frame: FrameNo,
    pub page: PageNo,
    /// Database size in pages if this frame ends a commit, else 0.
    pub commit_size: u32,
    pub generation: u64,
    pub checksum: u32,
}

impl FrameHeader {
    /// Encodes the header, computing its chained checksum over the page.
    pub fn encode(&mut self, prev_checksum: u32, page: &[u8]) -> [u8; FRAME_HEADER_SIZE] {
        let mut buf = self.encode_unsummed();
        self.checksum = chain_checksum(prev_checksum, &buf[..24], page);
        put_u32(&mut buf, 24, self.checksum);
        buf
    }

    /// Encodes the header with a zero checksum, for a frame whose chain
    /// [`FrameHeader::reseal`] completes later.
    pub fn encode_unsummed(&self) -> [u8; FRAME_HEADER_SIZE] {
        let mut buf = [0u8; FRAME_HEADER_SIZE];
        put_u64(&mut buf, 0, self.frame);
        put_u32(&mut buf, 8, self.page);
        put_u32(&mut buf, 12, self.commit_size);
        put_u64(&mut buf, 16, self.generation);
        buf
    }

    /// Recomputes the chained checksum of a whole encoded frame (header and
    /// page image) in place, after the frame before it changed; returns it.
    pub fn reseal(raw_frame: &mut [u8], prev_checksum: u32) -> u32 {
        let (header, page) = raw_frame.split_at_mut(FRAME_HEADER_SIZE);
        let checksum = chain_checksum(prev_checksum, &header[..24], page);
        put_u32(header, 24, checksum);
        checksum
    }

    /// Decodes a frame header without validating it.
    pub fn decode(buf: &[u8]) -> FrameHeader {
        FrameHeader {
            frame: get_u64(buf, 0),
            page: get_u32(buf, 8),
            commit_size: get_u32(buf, 12),
            generation: get_u64(buf, 16),
            checksum: get_u32(buf, 24),
        }
    }

    /// Whether this frame continues a chain ending in `prev_checksum`.
    pub fn verify(&self, raw_header: &[u8], prev_checksum: u32, page: &[u8]) -> bool {
        chain_checksum(prev_checksum, &raw_header[..24], page) == self.checksum
    }
}

fn chain_checksum(prev: u32, header: &[u8], page: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new_with_initial(prev);
    hasher.update(header);
    hasher.update(page);
    hasher.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trip_and_damage() {
        let h = WalHeader {
            page_size: 4096,
            database_id: 5,
            generation: 2,
            start_frame: 101,
        };
        let (mut bytes, sum) = h.encode();
        assert_eq!(WalHeader::decode(&bytes).unwrap(), (h, sum));
        assert_eq!(h.frame_offset(101), WAL_HEADER_SIZE as u64);
        assert_eq!(
            h.frame_offset(102),
            (WAL_HEADER_SIZE + FRAME_HEADER_SIZE + 4096) as u64
        );
        bytes[33] ^= 0x10;
        assert!(WalHeader::decode(&bytes).is_err());
    }

    #[test]
    fn frame_checksum_chains() {
        let page = vec![7u8; 4096];
        let mut f = FrameHeader {
            frame: 1,
            page: 3,
            commit_size: 4,
            generation: 1,
            checksum: 0,
        };
        let raw = f.encode(99, &page);
        let back = FrameHeader::decode(&raw);
        assert_eq!(back, f);
        assert!(back.verify(&raw, 99, &page));
        assert!(!back.verify(&raw, 98, &page));
        let mut other = page.clone();
        other[100] = 0;
        assert!(!back.verify(&raw, 99, &other));
    }
}
