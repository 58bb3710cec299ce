//! The database header: the first bytes of page 0.
//!
//! Page 0 is an ordinary page as far as the pager is concerned: it is
//! changed in write transactions, logged in the WAL and checkpointed home
//! like any other, and it carries the page trailer checksum. Its first
//! [`HEADER_SIZE`] bytes hold the header below; the rest of the page is
//! zero. Every integer is little-endian.
//!
//! ```text
//! offset size field
//!      0    8 magic "AssayDB\0"
//!      8    4 format version (1)
//!     12    4 page size in bytes (power of two, 4096..=65536)
//!     16    4 page count: pages in the database, page 0 included
//!     20    4 free-list head: first free-list trunk page, 0 if none
//!     24    4 free-list count: pages on the free list, trunks included
//!     28    4 catalog root: root page of the tree directory, 0 if none
//!     32    8 database id: random, shared with the WAL header
//!     40    8 checkpoint frame: the last WAL frame copied home when the
//!             WAL was last restarted (the replication index of this file)
//!     48    8 WAL generation of that restart
//!     56    4 header checksum: CRC-32 of bytes 0..56
//! ```
//!
//! The header checksum lets the header be trusted before the page size is
//! known; the page checksum then covers the whole page.

use crate::page::{PageNo, MAX_PAGE_SIZE, MIN_PAGE_SIZE};
use crate::{corrupt, Result};

pub const MAGIC: &[u8; 8] = b"AssayDB\0";
pub const FORMAT_VERSION: u32 = 1;
pub const HEADER_SIZE: usize = 60;

const OFF_MAGIC: usize = 0;
const OFF_VERSION: usize = 8;
const OFF_PAGE_SIZE: usize = 12;
const OFF_PAGE_COUNT: usize = 16;
const OFF_FREELIST_HEAD: usize = 20;
const OFF_FREELIST_COUNT: usize = 24;
const OFF_CATALOG_ROOT: usize = 28;
const OFF_DATABASE_ID: usize = 32;
const OFF_CHECKPOINT_FRAME: usize = 40;
const OFF_WAL_GENERATION: usize = 48;
const OFF_CHECKSUM: usize = 56;

/// The decoded database header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbHeader {
    pub page_size: u32,
    pub page_count: u32,
    pub freelist_head: PageNo,
    pub freelist_count: u32,
    pub catalog_root: PageNo,
    pub database_id: u64,
    pub checkpoint_frame: u64,
    pub wal_generation: u64,
}

impl DbHeader {
    /// The header of a new, empty database (page 0 only).
    pub fn new(page_size: u32, database_id: u64) -> DbHeader {
        DbHeader {
            page_size,
            page_count: 1,
            freelist_head: 0,
            freelist_count: 0,
            catalog_root: 0,
            database_id,
            checkpoint_frame: 0,
            wal_generation: 0,
        }
    }

    /// Writes the header into the start of page 0.
    pub fn encode(&self, page: &mut [u8]) {
        page[OFF_MAGIC..OFF_MAGIC + 8].copy_from_slice(MAGIC);
        put_u32(page, OFF_VERSION, FORMAT_VERSION);
        put_u32(page, OFF_PAGE_SIZE, self.page_size);
        put_u32(page, OFF_PAGE_COUNT, self.page_count);
        put_u32(page, OFF_FREELIST_HEAD, self.freelist_head);
        put_u32(page, OFF_FREELIST_COUNT, self.freelist_count);
        put_u32(page, OFF_CATALOG_ROOT, self.catalog_root);
        put_u64(page, OFF_DATABASE_ID, self.database_id);
        put_u64(page, OFF_CHECKPOINT_FRAME, self.checkpoint_frame);
        put_u64(page, OFF_WAL_GENERATION, self.wal_generation);
        let sum = crc32fast::hash(&page[..OFF_CHECKSUM]);
        put_u32(page, OFF_CHECKSUM, sum);
    }

    /// Reads and validates a header from the start of page 0.
    pub fn decode(page: &[u8]) -> Result<DbHeader> {
        if page.len() < HEADER_SIZE || &page[OFF_MAGIC..OFF_MAGIC + 8] != MAGIC {
            return Err(corrupt!("file is not an Assay database (bad magic)"));
        }
        if crc32fast::hash(&page[..OFF_CHECKSUM]) != get_u32(page, OFF_CHECKSUM) {
            return Err(corrupt!("database header checksum mismatch"));
        }
        let version = get_u32(page, OFF_VERSION);
        if version != FORMAT_VERSION {
            return Err(corrupt!(
                "database file format version {version} is not supported (expected {FORMAT_VERSION})"
            ));
        }
        let page_size = get_u32(page, OFF_PAGE_SIZE);
        if !valid_page_size(page_size as usize) {
            return Err(corrupt!(
                "database header has invalid page size {page_size}"
            ));
        }
        let header = DbHeader {
            page_size,
            page_count: get_u32(page, OFF_PAGE_COUNT),
            freelist_head: get_u32(page, OFF_FREELIST_HEAD),
            freelist_count: get_u32(page, OFF_FREELIST_COUNT),
            catalog_root: get_u32(page, OFF_CATALOG_ROOT),
            database_id: get_u64(page, OFF_DATABASE_ID),
            checkpoint_frame: get_u64(page, OFF_CHECKPOINT_FRAME),
            wal_generation: get_u64(page, OFF_WAL_GENERATION),
        };
        if header.page_count == 0 {
            return Err(corrupt!("database header has page count 0"));
        }
        Ok(header)
    }
}

/// Whether `size` is a page size a database may have.
pub fn valid_page_size(size: usize) -> bool {
    size.is_power_of_two() && (MIN_PAGE_SIZE..=MAX_PAGE_SIZE).contains(&size)
}

pub(crate) fn put_u32(buf: &mut [u8], off: usize, v: u32) {
    buf[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_u64(buf: &mut [u8], off: usize, v: u64) {
    buf[off..off + 8].copy_from_slice(&v.to_le_bytes());
}

pub(crate) fn get_u32(buf: &[u8], off: usize) -> u32 {
    let mut b = [0; 4];
    b.copy_from_slice(&buf[off..off + 4]);
    u32::from_le_bytes(b)
}

pub(crate) fn get_u64(buf: &[u8], off: usize) -> u64 {
    let mut b = [0; 8];
    b.copy_from_slice(&buf[off..off + 8]);
    u64::from_le_bytes(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_detects_damage() {
        let mut page = vec![0u8; 4096];
        let mut h = DbHeader::new(4096, 0xfeed);
        h.page_count = 9;
        h.catalog_root = 1;
        h.checkpoint_frame = 77;
        h.encode(&mut page);
        assert_eq!(DbHeader::decode(&page).unwrap(), h);
        page[17] ^= 1;
        let e = DbHeader::decode(&page).unwrap_err();
        assert!(e.message().contains("checksum"), "{e}");
        assert!(DbHeader::decode(b"SQLite format 3\0").is_err());
    }
}
