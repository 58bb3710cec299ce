//! Pages: the unit the pager caches, logs and checksums, and the B+tree's
//! view of them.
//!
//! A page is a fixed-size buffer (4 KiB by default). Its last
//! [`PAGE_TRAILER_SIZE`] bytes belong to the pager (the checksum, see
//! `docs/file-format.md`); the first [`PageRead::usable_size`] bytes belong to
//! whoever owns the page (a B+tree node, an overflow page, a free-list trunk).
//!
//! Two traits separate *what* the B+tree needs from *how* the pager provides
//! it: [`PageRead`] for a consistent snapshot of pages, and [`PageWrite`] for
//! a write transaction that changes pages copy-on-write, allocates and frees
//! them. Read pages are shared, immutable [`PageRef`]s; a write transaction's
//! `page_mut` clones a page only when someone else still holds it.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::Result;

/// A page number. Page 0 is the database header; 0 also means "no page".
pub type PageNo = u32;

/// Bytes at the end of every page reserved for the pager's checksum.
pub const PAGE_TRAILER_SIZE: usize = 4;

/// Smallest and largest page sizes a database may be created with.
pub const MIN_PAGE_SIZE: usize = 4096;
pub const MAX_PAGE_SIZE: usize = 65536;
pub const DEFAULT_PAGE_SIZE: usize = 4096;

/// An owned page image (the full page, trailer included).
#[derive(Clone, PartialEq, Eq)]
pub struct PageBuf(Box<[u8]>);

impl PageBuf {
    /// A zero-filled page of `size` bytes.
    pub fn zeroed(size: usize) -> PageBuf {
        PageBuf(vec![0; size].into_boxed_slice())
    }

    /// Wraps bytes read from disk.
    pub fn from_vec(bytes: Vec<u8>) -> PageBuf {
        PageBuf(bytes.into_boxed_slice())
    }
}

impl Deref for PageBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl DerefMut for PageBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.0
    }
}

impl std::fmt::Debug for PageBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PageBuf({} bytes)", self.0.len())
    }
}

/// A shared, immutable page as seen by a snapshot.
pub type PageRef = Arc<PageBuf>;

/// Read access to one consistent snapshot of the database's pages.
pub trait PageRead {
    /// Bytes of each page that belong to the page's owner.
    fn usable_size(&self) -> usize;

    /// The page `no` as of this snapshot. Fails with XX001 if it is damaged.
    fn page(&self, no: PageNo) -> Result<PageRef>;

    /// Calls `f` with page `no` (the whole page, as [`PageRead::page`]
    /// returns it) and returns its result. An implementation that holds
    /// the page lends it without taking a reference: the B+tree descent
    /// reads each interior node this way, and the atomic increment of a
    /// page's reference count was a cache miss per level.
    fn with_page<R>(&self, no: PageNo, f: impl FnOnce(&[u8]) -> Result<R>) -> Result<R> {
        f(&self.page(no)?)
    }
}

/// A write transaction's access to pages.
pub trait PageWrite: PageRead {
    /// The page `no`, writable; its first `usable_size()` bytes are returned.
    /// The change is private to the transaction until it commits.
    fn page_mut(&mut self, no: PageNo) -> Result<&mut [u8]>;

    /// A new zero-filled page, taken from the free list or the file's end.
    fn allocate(&mut self) -> Result<PageNo>;

    /// Gives a page back to the free list. Its contents are forgotten.
    fn free(&mut self, no: PageNo) -> Result<()>;

    /// Increments on every structural change, so a cursor can tell whether
    /// the pages it remembers may have moved since it last looked.
    fn generation(&self) -> u64;
}

/// A page store held in a vector: the reference implementation of the page
/// traits, used by B+tree unit and model tests without a pager underneath.
pub struct MemPages {
    page_size: usize,
    pages: Vec<Option<PageRef>>,
    free: Vec<PageNo>,
    generation: u64,
}

impl MemPages {
    pub fn new(page_size: usize) -> MemPages {
        // Page 0 is the header in a real database; keep the numbering alike.
        MemPages {
            page_size,
            pages: vec![None],
            free: Vec::new(),
            generation: 0,
        }
    }

    /// Pages currently allocated (excluding page 0 and freed pages).
    pub fn allocated(&self) -> usize {
        self.pages.iter().skip(1).filter(|p| p.is_some()).count()
    }
}

impl PageRead for MemPages {
    fn usable_size(&self) -> usize {
        self.page_size - PAGE_TRAILER_SIZE
    }

    fn page(&self, no: PageNo) -> Result<PageRef> {
        match self.pages.get(no as usize) {
            Some(Some(page)) => Ok(page.clone()),
            _ => Err(crate::corrupt!("page {no} is not allocated")),
        }
    }
}

impl PageWrite for MemPages {
    fn page_mut(&mut self, no: PageNo) -> Result<&mut [u8]> {
        let usable = self.usable_size();
        match self.pages.get_mut(no as usize) {
            Some(Some(page)) => Ok(&mut Arc::make_mut(page)[..usable]),
            _ => Err(crate::corrupt!("page {no} is not allocated")),
        }
    }

    fn allocate(&mut self) -> Result<PageNo> {
        self.generation += 1;
        let page = Some(Arc::new(PageBuf::zeroed(self.page_size)));
        if let Some(no) = self.free.pop() {
            self.pages[no as usize] = page;
            return Ok(no);
        }
        self.pages.push(page);
        Ok((self.pages.len() - 1) as PageNo)
    }

    fn free(&mut self, no: PageNo) -> Result<()> {
        self.generation += 1;
        match self.pages.get_mut(no as usize) {
            Some(slot @ Some(_)) if no != 0 => {
                *slot = None;
                self.free.push(no);
                Ok(())
            }
            _ => Err(crate::corrupt!("page {no} freed twice or never allocated")),
        }
    }

    fn generation(&self) -> u64 {
        self.generation
    }
}

/// Writes the page checksum into the trailer of a full page image.
///
/// The checksum is CRC-32 (IEEE) of the page number (u32, little-endian)
/// followed by the page's bytes before the trailer. Mixing in the page number
/// catches a page written to, or read from, the wrong place.
pub fn seal_page(no: PageNo, page: &mut [u8]) {
    let body = page.len() - PAGE_TRAILER_SIZE;
    let sum = page_checksum(no, &page[..body]);
    page[body..].copy_from_slice(&sum.to_le_bytes());
}

/// Whether the trailer written by [`seal_page`] matches the page.
pub fn page_seal_matches(no: PageNo, page: &[u8]) -> bool {
    let Some(body) = page.len().checked_sub(PAGE_TRAILER_SIZE) else {
        return false;
    };
    let stored = u32::from_le_bytes(page[body..].try_into().unwrap_or([0; 4]));
    stored == page_checksum(no, &page[..body])
}

/// Checks the trailer written by [`seal_page`]; XX001 if it does not match.
pub fn verify_page(no: PageNo, page: &[u8]) -> Result<()> {
    if !page_seal_matches(no, page) {
        return Err(crate::corrupt!(
            "invalid page in block {no}: checksum mismatch"
        ));
    }
    Ok(())
}

fn page_checksum(no: PageNo, body: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&no.to_le_bytes());
    hasher.update(body);
    hasher.finalize()
}
