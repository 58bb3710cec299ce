//! Opening a database: create it, or read it back to its last commit.
//!
//! 1. Lock the database file exclusively (another process gets 55P03).
//! 2. An empty file becomes a new database: page 0 with a fresh header,
//!    synced, and an empty WAL.
//! 3. Otherwise the header is validated (magic, version, checksums) and the
//!    WAL is read with [`WalReader`]. The WAL is used only if it belongs to
//!    this database and continues it: its start frame must be the frame
//!    after the header's checkpoint frame. A WAL that starts earlier is left
//!    over from before the last restart (all of it is home already) and is
//!    ignored; one that starts later means frames are missing, which is
//!    damage. Every frame up to the last valid commit goes into the index;
//!    frames after it belong to a transaction that never committed. A WAL
//!    with a valid header and no commit starts over under a new header.

use std::collections::{BTreeMap, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::{Condvar, Mutex, RwLock};

use super::group_commit::Durability;
use super::{PageCache, Pager, PagerOptions, Shared, Snapshot, WalCursor};
use crate::header::{valid_page_size, DbHeader, HEADER_SIZE};
use crate::page::{seal_page, verify_page, PageBuf};
use crate::vfs::{LockMode, Vfs, VfsFile};
use crate::wal::{WalIndex, WalReader};
use crate::{corrupt, err, Result, SqlState};

pub(super) fn open(vfs: &dyn Vfs, path: &str, options: PagerOptions) -> Result<Pager> {
    let db = vfs.open(path, options.create)?;
    db.lock(LockMode::Exclusive)?;
    match open_locked(vfs, path, db.clone(), options) {
        Ok(pager) => Ok(pager),
        Err(e) => {
            // Best effort: the caller sees the open error, not this one.
            let _ = db.unlock();
            Err(e)
        }
    }
}

fn open_locked(
    vfs: &dyn Vfs,
    path: &str,
    db: std::sync::Arc<dyn VfsFile>,
    options: PagerOptions,
) -> Result<Pager> {
    let wal = vfs.open(&format!("{path}-wal"), true)?;
    if db.size()? == 0 {
        create(db.as_ref(), wal.as_ref(), &options)?;
    }
    let header = read_header(db.as_ref(), path)?;
    let page_size = header.page_size as usize;

    let mut index = WalIndex::new();
    let mut last_commit = header.checkpoint_frame;
    let mut db_pages = header.page_count;
    let mut cursor = WalCursor::fresh(
        header.page_size,
        header.database_id,
        header.wal_generation + 1,
        header.checkpoint_frame + 1,
    );
    if let Some(mut reader) = usable_wal(wal.clone(), &header, path)? {
        let scan = reader.scan()?;
        for &(page, frame) in &scan.frames {
            index.insert(page, frame);
        }
        if scan.last_commit > 0 {
            cursor.header = *reader.header();
            cursor.header_written = true;
            last_commit = scan.last_commit;
            db_pages = scan.commit_size;
            cursor.next_frame = scan.last_commit + 1;
            cursor.checksum = scan.commit_checksum;
        } else {
            // A valid header and no commit: the generation starts over,
            // under a header whose salt is the abandoned one's plus one, so
            // that frames left from the abandoned start can never continue
            // its chain.
            cursor.header.salt = reader.header().salt.wrapping_add(1);
        }
    }

    let capacity = (options.cache_size / page_size).max(16);
    Ok(Pager {
        path: path.to_string(),
        db,
        wal,
        page_size,
        cache: PageCache::new(capacity),
        state: RwLock::new(Shared {
            index,
            last_commit,
            db_pages,
            tip: Snapshot {
                frame: last_commit,
                db_pages,
            },
            pending: VecDeque::new(),
            wal: cursor,
            backfilled: header.checkpoint_frame,
            last_autocheckpoint: last_commit,
            readers: BTreeMap::new(),
            poisoned: None,
        }),
        writer: Mutex::new(false),
        writer_released: Condvar::new(),
        durability: Durability::new(last_commit),
        options,
    })
}

/// Writes page 0 of a new database and empties any stale WAL.
fn create(db: &dyn VfsFile, wal: &dyn VfsFile, options: &PagerOptions) -> Result<()> {
    if !valid_page_size(options.page_size) {
        return Err(err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "invalid page size {}: must be a power of two from 4096 to 65536",
            options.page_size
        ));
    }
    let database_id = RandomState::new().hash_one(options.page_size as u64 ^ 0xa55a);
    let header = DbHeader::new(options.page_size as u32, database_id);
    let mut page = PageBuf::zeroed(options.page_size);
    header.encode(&mut page);
    seal_page(0, &mut page);
    wal.truncate(0)?;
    wal.sync()?;
    db.write_at(&page, 0)?;
    db.sync()?;
    Ok(())
}

/// Reads and validates page 0 of an existing database file.
fn read_header(db: &dyn VfsFile, path: &str) -> Result<DbHeader> {
    let mut first = [0u8; HEADER_SIZE];
    let n = db.read_at(&mut first, 0)?;
    let header = DbHeader::decode(&first[..n])
        .map_err(|e| e.context(format!("could not open database \"{path}\"")))?;
    let mut page = PageBuf::zeroed(header.page_size as usize);
    db.read_exact_at(&mut page, 0)
        .map_err(|e| e.context(format!("could not open database \"{path}\"")))?;
    verify_page(0, &page).map_err(|e| e.context(format!("could not open database \"{path}\"")))?;
    Ok(header)
}

/// The WAL's reader if the WAL holds frames that continue the database.
fn usable_wal(
    wal: std::sync::Arc<dyn VfsFile>,
    header: &DbHeader,
    path: &str,
) -> Result<Option<WalReader>> {
    if wal.size()? == 0 {
        return Ok(None);
    }
    // A damaged or torn WAL header means no frame after it was ever
    // acknowledged (the header is synced with the first commit). An intact
    // header of another format version matters only if it is the live one.
    let reader = match WalReader::open(wal.clone()) {
        Ok(reader) => reader,
        Err(e) if e.code() == SqlState::FEATURE_NOT_SUPPORTED => {
            let mut raw = [0u8; 40];
            wal.read_exact_at(&mut raw, 0)?;
            let start = u64::from_le_bytes(raw[32..40].try_into().unwrap_or_default());
            if start != header.checkpoint_frame + 1 {
                return Ok(None);
            }
            return Err(e.context(format!("could not open database \"{path}\"")));
        }
        Err(_) => return Ok(None),
    };
    let wal_header = *reader.header();
    if wal_header.database_id != header.database_id {
        return Err(corrupt!(
            "WAL file \"{path}-wal\" belongs to a different database"
        ));
    }
    if wal_header.page_size != header.page_size {
        return Err(corrupt!(
            "WAL file \"{path}-wal\" has page size {}, the database {}",
            wal_header.page_size,
            header.page_size
        ));
    }
    let expected = header.checkpoint_frame + 1;
    if wal_header.start_frame < expected {
        return Ok(None);
    }
    if wal_header.start_frame > expected {
        return Err(corrupt!(
            "WAL file \"{path}-wal\" starts at frame {} but the database ends at frame {}",
            wal_header.start_frame,
            header.checkpoint_frame
        ));
    }
    Ok(Some(reader))
}
