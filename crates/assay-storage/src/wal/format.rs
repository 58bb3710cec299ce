//! Byte layouts of the WAL. Every integer is little-endian.
//!
//! WAL header, at offset 0 ([`WAL_HEADER_SIZE`] bytes):
//!
//! ```text
//! offset size field
//!      0    8 magic "AssayWAL"
//!      8    4 format version (2)
//!     12    4 page size
//!     16    8 database id (must equal the database header's)
//!     24    8 generation: incremented each time the WAL restarts
//!     32    8 start frame: global number of the first frame in this file
//!     40    8 salt: different for every header written at the same
//!             generation and start (see [`new_salt`])
//!     48    4 header checksum: CRC-32 of bytes 0..48
//!     52   12 zero
//! ```
//!
//! Frame `n` (global number) sits at `WAL_HEADER_SIZE + (n - start) *
//! (FRAME_HEADER_SIZE + page size)`: a frame header, then the page image,
//! sealed with its own page checksum in the trailer.
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
//!             of this header and then the page image's seal
//!     28    4 zero
//! ```
//!
//! A frame is valid when its number and generation are the expected ones,
//! its checksum continues the chain, **and** its page image's seal matches
//! the image. The chain covers the image through its seal, not byte by
//! byte: a sealed page ends with the CRC-32 of what precedes it, and a CRC
//! run over data followed by that data's own CRC ends in a value that no
//! longer depends on the data. A chain over whole sealed images therefore
//! could not tell one version of a page from another — version 1 of this
//! format did that, and a frame torn by a crash (its new header written
//! over an older, validly sealed image of the same page) passed as the new
//! version. Chaining the seal and checking it makes every byte count.
//!
//! The salt makes every header written distinct, so when recovery starts a
//! generation over (a header was written but no commit followed), frames
//! left from the abandoned start never continue the new chain: the new
//! header takes the abandoned one's salt plus one.

use crate::header::{get_u32, get_u64, put_u32, put_u64};
use crate::page::{page_seal_matches, PageNo, PAGE_TRAILER_SIZE};
use crate::{corrupt, err, Result, SqlState};

use super::FrameNo;

pub const WAL_MAGIC: &[u8; 8] = b"AssayWAL";
pub const WAL_VERSION: u32 = 2;
pub const WAL_HEADER_SIZE: usize = 64;
pub const FRAME_HEADER_SIZE: usize = 32;

/// The decoded WAL header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalHeader {
    pub page_size: u32,
    pub database_id: u64,
    pub generation: u64,
    pub start_frame: FrameNo,
    /// Random for every header written (see the module documentation).
    pub salt: u64,
}

/// A salt for the header of a new generation: random where the platform
/// has a clock, else 0 (WebAssembly has none; a new generation needs no
/// particular salt, its number already differs). A generation started
/// over takes the abandoned header's salt plus one instead (see
/// `pager/recovery.rs`), which differs on every platform.
pub fn new_salt() -> u64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        use std::hash::{BuildHasher, RandomState};
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        RandomState::new().hash_one(nanos)
    }
    #[cfg(target_arch = "wasm32")]
    {
        0
    }
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
        put_u64(&mut buf, 40, self.salt);
        let sum = crc32fast::hash(&buf[..48]);
        put_u32(&mut buf, 48, sum);
        (buf, sum)
    }

    /// Decodes and validates a header; returns it and its checksum. A
    /// header of another format version fails with 0A000 even when intact,
    /// so that recovery can tell it from a torn one (XX001).
    pub fn decode(buf: &[u8]) -> Result<(WalHeader, u32)> {
        if buf.len() < WAL_HEADER_SIZE || &buf[0..8] != WAL_MAGIC {
            return Err(corrupt!("WAL file has a bad magic number"));
        }
        let version = get_u32(buf, 8);
        if version == 1 && crc32fast::hash(&buf[..40]) == get_u32(buf, 40) {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "WAL format version 1 is not supported (this build writes version {WAL_VERSION})"
            )
            .with_hint("Checkpoint the database with the build that wrote it."));
        }
        let sum = crc32fast::hash(&buf[..48]);
        if sum != get_u32(buf, 48) {
            return Err(corrupt!("WAL header checksum mismatch"));
        }
        if version != WAL_VERSION {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "WAL format version {version} is not supported"
            ));
        }
        let header = WalHeader {
            page_size: get_u32(buf, 12),
            database_id: get_u64(buf, 16),
            generation: get_u64(buf, 24),
            start_frame: get_u64(buf, 32),
            salt: get_u64(buf, 40),
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
    /// Encodes the header, computing its chained checksum over the sealed
    /// page's seal.
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

    /// Whether this frame continues a chain ending in `prev_checksum` and
    /// its page image matches its seal.
    pub fn verify(&self, raw_header: &[u8], prev_checksum: u32, page: &[u8]) -> bool {
        chain_checksum(prev_checksum, &raw_header[..24], page) == self.checksum
            && page_seal_matches(self.page, page)
    }
}

/// The chain step: the previous checksum, this frame's header fields and
/// the page's seal (its trailer).
fn chain_checksum(prev: u32, header: &[u8], page: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new_with_initial(prev);
    hasher.update(header);
    hasher.update(&page[page.len().saturating_sub(PAGE_TRAILER_SIZE)..]);
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
            salt: 77,
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

    fn sealed(no: PageNo, fill: u8) -> Vec<u8> {
        let mut page = vec![fill; 4096];
        crate::page::seal_page(no, &mut page);
        page
    }

    #[test]
    fn frame_checksum_chains() {
        let page = sealed(3, 7);
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
        assert!(!back.verify(&raw, 99, &other), "a changed byte passed");
    }

    /// The crash that version 1 missed: a frame header written over an
    /// older, validly sealed image of the same page (the rest of the write
    /// torn off) must not pass as the new version.
    #[test]
    fn an_older_sealed_image_of_the_same_page_fails_the_chain() {
        let new = sealed(4, 0x31);
        let old = sealed(4, 0x29);
        let mut f = FrameHeader {
            frame: 131,
            page: 4,
            commit_size: 27,
            generation: 16,
            checksum: 0,
        };
        let raw = f.encode(12345, &new);
        assert!(f.verify(&raw, 12345, &new));
        assert!(!f.verify(&raw, 12345, &old));
        // What version 1 did: a CRC over the whole sealed image is the same
        // for both images, whatever the seed.
        let whole = |page: &[u8]| {
            let mut h = crc32fast::Hasher::new_with_initial(12345);
            h.update(page);
            h.finalize()
        };
        assert_eq!(whole(&new), whole(&old));
    }

    #[test]
    fn every_header_gets_its_own_salt_and_version_1_is_refused_clearly() {
        assert_ne!(new_salt(), new_salt());
        let mut v1 = [0u8; WAL_HEADER_SIZE];
        v1[0..8].copy_from_slice(WAL_MAGIC);
        put_u32(&mut v1, 8, 1);
        put_u32(&mut v1, 12, 4096);
        put_u64(&mut v1, 32, 5);
        let sum = crc32fast::hash(&v1[..40]);
        put_u32(&mut v1, 40, sum);
        let e = WalHeader::decode(&v1).unwrap_err();
        assert_eq!(e.code(), SqlState::FEATURE_NOT_SUPPORTED);
        v1[33] ^= 1;
        let e = WalHeader::decode(&v1).unwrap_err();
        assert_eq!(e.code(), SqlState::DATA_CORRUPTED);
    }
}
