//! The free list: pages no tree uses, kept for reuse.
//!
//! Free pages are listed on *trunk* pages chained from the header's
//! free-list head. A trunk page (little-endian):
//!
//! ```text
//! offset size field
//!      0    4 next trunk page, 0 at the end of the chain
//!      4    4 count n of free pages listed here
//!      8   4n the free page numbers
//! ```
//!
//! Allocation takes the last page listed on the head trunk, or, when that
//! trunk lists none, the trunk page itself; only with an empty free list does
//! the file grow. Freeing appends to the head trunk, or makes the freed page
//! the new head trunk when the current one is full. The header's free-list
//! count includes trunk pages, so page count = pages in use + free count.

use std::sync::Arc;

use super::txn::{no_writer, Transaction};
use crate::header::{get_u32, put_u32};
use crate::page::{PageBuf, PageNo, PageRead, PageWrite};
use crate::{corrupt, err, Result, SqlState};

const OFF_NEXT: usize = 0;
const OFF_COUNT: usize = 4;
const OFF_ENTRIES: usize = 8;

/// Free pages one trunk page can list.
pub(crate) fn trunk_capacity(usable: usize) -> usize {
    (usable - OFF_ENTRIES) / 4
}

/// Decodes a trunk page: (next trunk, listed pages). Validates the count.
pub(crate) fn read_trunk(page: &[u8], usable: usize) -> Result<(PageNo, Vec<PageNo>)> {
    let count = get_u32(page, OFF_COUNT) as usize;
    if count > trunk_capacity(usable) {
        return Err(corrupt!(
            "free-list trunk page lists {count} pages, more than fit"
        ));
    }
    let entries = (0..count)
        .map(|i| get_u32(page, OFF_ENTRIES + 4 * i))
        .collect();
    Ok((get_u32(page, OFF_NEXT), entries))
}

impl Transaction {
    pub(super) fn allocate_page(&mut self) -> Result<PageNo> {
        let usable = self.usable_size();
        self.writer()?;
        self.note_header_change();
        let header = self.write.as_ref().ok_or_else(no_writer)?.header.clone();
        let mut header = header;
        let no = if header.freelist_head != 0 {
            let head = header.freelist_head;
            let trunk = self.page(head)?;
            let count = get_u32(&trunk, OFF_COUNT) as usize;
            if count > trunk_capacity(usable) {
                return Err(corrupt!("free-list trunk page {head} lists {count} pages"));
            }
            let no = if count > 0 {
                let no = get_u32(&trunk, OFF_ENTRIES + 4 * (count - 1));
                put_u32(self.page_mut(head)?, OFF_COUNT, count as u32 - 1);
                no
            } else {
                header.freelist_head = get_u32(&trunk, OFF_NEXT);
                head
            };
            if no == 0 || no >= header.page_count {
                return Err(corrupt!("free list names page {no}, outside the database"));
            }
            header.freelist_count = header
                .freelist_count
                .checked_sub(1)
                .ok_or_else(|| corrupt!("free-list count is 0 but the list is not empty"))?;
            no
        } else {
            let no = header.page_count;
            if no == u32::MAX {
                return Err(err!(
                    SqlState::PROGRAM_LIMIT_EXCEEDED,
                    "database is full: it has reached {} pages",
                    u32::MAX
                ));
            }
            header.page_count += 1;
            no
        };
        let w = self.write.as_mut().ok_or_else(no_writer)?;
        w.header = header;
        w.header_dirty = true;
        let zeroed = Arc::new(PageBuf::zeroed(self.pager.page_size()));
        self.set_dirty(no, Some(zeroed))?;
        Ok(no)
    }

    pub(super) fn free_page(&mut self, no: PageNo) -> Result<()> {
        let usable = self.usable_size();
        self.writer()?;
        let header = self.write.as_ref().ok_or_else(no_writer)?.header.clone();
        if no == 0 || no >= header.page_count {
            return Err(corrupt!("cannot free page {no}: outside the database"));
        }
        self.note_header_change();
        let head = header.freelist_head;
        let mut listed = false;
        if head != 0 {
            let count = get_u32(&self.page(head)?, OFF_COUNT) as usize;
            if count < trunk_capacity(usable) {
                let trunk = self.page_mut(head)?;
                put_u32(trunk, OFF_ENTRIES + 4 * count, no);
                put_u32(trunk, OFF_COUNT, count as u32 + 1);
                self.set_dirty(no, None)?;
                listed = true;
            }
        }
        if !listed {
            let mut trunk = PageBuf::zeroed(self.pager.page_size());
            put_u32(&mut trunk, OFF_NEXT, head);
            self.set_dirty(no, Some(Arc::new(trunk)))?;
        }
        let w = self.write.as_mut().ok_or_else(no_writer)?;
        if !listed {
            w.header.freelist_head = no;
        }
        w.header.freelist_count += 1;
        w.header_dirty = true;
        Ok(())
    }
}
