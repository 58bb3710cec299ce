//! Overflow chains: values too large for a leaf cell.
//!
//! A value that does not fit inline (see [`value_fits_inline`]) is written
//! whole into a singly linked chain of overflow pages; the leaf cell keeps
//! only the value's length and the chain's first page. Each page is:
//!
//! ```text
//! offset  size  field
//! 0       1     kind: 3 = overflow
//! 1       1     reserved, 0
//! 2       2     bytes of value data on this page (u16, little-endian)
//! 4       4     next page of the chain, 0 on the last page (u32 LE)
//! 8       ...   value data
//! ```
//!
//! The chain's length is implied by the value's length, which bounds every
//! walk: a damaged chain (a loop, a short page, a wrong kind) is reported as
//! corruption instead of being followed forever.
//!
//! [`value_fits_inline`]: super::node::value_fits_inline

use crate::{corrupt, PageNo, PageRead, PageWrite, Result};

use super::node::{get_u16, get_u32, put_u16, put_u32};

pub const KIND_OVERFLOW: u8 = 3;
const OFF_KIND: usize = 0;
const OFF_USED: usize = 2;
const OFF_NEXT: usize = 4;
/// Size of the overflow page header; data starts here.
pub const OVERFLOW_HEADER: usize = 8;

/// Value bytes one overflow page holds.
pub fn data_per_page(usable: usize) -> usize {
    usable - OVERFLOW_HEADER
}

/// Number of pages a chain for `len` bytes has.
pub fn chain_pages(usable: usize, len: usize) -> usize {
    len.div_ceil(data_per_page(usable)).max(1)
}

/// Writes `value` into a new chain and returns its first page.
pub fn write_chain<W: PageWrite>(w: &mut W, value: &[u8]) -> Result<PageNo> {
    let per_page = data_per_page(w.usable_size());
    let mut chunks = value.chunks(per_page);
    let first = w.allocate()?;
    let mut no = first;
    let mut chunk = chunks.next().unwrap_or(&[]);
    loop {
        let next_chunk = chunks.next();
        let next = match next_chunk {
            Some(_) => w.allocate()?,
            None => 0,
        };
        let page = w.page_mut(no)?;
        page[OFF_KIND] = KIND_OVERFLOW;
        page[1] = 0;
        put_u16(page, OFF_USED, chunk.len() as u16);
        put_u32(page, OFF_NEXT, next);
        page[OVERFLOW_HEADER..OVERFLOW_HEADER + chunk.len()].copy_from_slice(chunk);
        match next_chunk {
            Some(c) => {
                chunk = c;
                no = next;
            }
            None => return Ok(first),
        }
    }
}

/// Visits each page of the chain for a `len`-byte value starting at `first`,
/// with the page's data, checking the chain's shape on the way.
pub fn walk_chain<P: PageRead>(
    p: &P,
    first: PageNo,
    len: usize,
    mut visit: impl FnMut(PageNo, &[u8]) -> Result<()>,
) -> Result<()> {
    let usable = p.usable_size();
    let per_page = data_per_page(usable);
    let pages = chain_pages(usable, len);
    let mut no = first;
    let mut left = len;
    for i in 0..pages {
        if no == 0 {
            return Err(corrupt!("overflow chain ends after {i} of {pages} pages"));
        }
        let page = p.page(no)?;
        let page = &page[..usable];
        let used = get_u16(page, OFF_USED) as usize;
        let want = left.min(per_page);
        if page[OFF_KIND] != KIND_OVERFLOW || used != want {
            return Err(corrupt!(
                "page {no}: bad overflow page (kind {}, {used} bytes, expected {want})",
                page[OFF_KIND]
            ));
        }
        visit(no, &page[OVERFLOW_HEADER..OVERFLOW_HEADER + used])?;
        left -= used;
        no = get_u32(page, OFF_NEXT);
    }
    if no != 0 {
        return Err(corrupt!("overflow chain longer than its {len}-byte value"));
    }
    Ok(())
}

/// Reads the whole value into `out` (appending).
pub fn read_chain<P: PageRead>(p: &P, first: PageNo, len: usize, out: &mut Vec<u8>) -> Result<()> {
    out.reserve(len);
    walk_chain(p, first, len, |_, data| {
        out.extend_from_slice(data);
        Ok(())
    })
}

/// Frees every page of the chain.
pub fn free_chain<W: PageWrite>(w: &mut W, first: PageNo, len: usize) -> Result<()> {
    let usable = w.usable_size();
    let mut no = first;
    for _ in 0..chain_pages(usable, len) {
        let next = {
            let page = w.page(no)?;
            if page[OFF_KIND] != KIND_OVERFLOW {
                return Err(corrupt!("page {no}: expected an overflow page"));
            }
            get_u32(&page, OFF_NEXT)
        };
        w.free(no)?;
        if next == 0 {
            return Ok(());
        }
        no = next;
    }
    Err(corrupt!("overflow chain longer than its {len}-byte value"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::MemPages;

    #[test]
    fn round_trips_and_frees() {
        let mut w = MemPages::new(256);
        for len in [0usize, 1, 243, 244, 245, 1000, 100_000] {
            let value: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let first = write_chain(&mut w, &value).unwrap();
            assert_eq!(w.allocated(), chain_pages(252, len));
            let mut out = Vec::new();
            read_chain(&w, first, len, &mut out).unwrap();
            assert_eq!(out, value);
            free_chain(&mut w, first, len).unwrap();
            assert_eq!(w.allocated(), 0);
        }
    }

    #[test]
    fn damaged_chains_are_reported() {
        let mut w = MemPages::new(256);
        let value = vec![9u8; 1000];
        let first = write_chain(&mut w, &value).unwrap();
        // Claimed longer than the chain: it ends early.
        assert!(read_chain(&w, first, 2000, &mut Vec::new()).is_err());
        // Claimed shorter: a page holds more than expected.
        assert!(read_chain(&w, first, 10, &mut Vec::new()).is_err());
        // A loop back to the first page.
        let last = first + 4;
        put_u32(w.page_mut(last).unwrap(), OFF_NEXT, first);
        assert!(read_chain(&w, first, 1000, &mut Vec::new()).is_err());
        assert!(free_chain(&mut w, first, 1000).is_err());
    }
}
