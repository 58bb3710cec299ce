//! A write transaction's dirty pages, and which of them to spill.
//!
//! A writer changes pages copy-on-write: the changed versions live here,
//! private to the transaction, until commit. When a transaction changes more
//! pages than the cache holds, some must go to the WAL early (a spill, see
//! `Transaction::spill`). Which ones matters: spilling every dirty page at
//! once writes the hot pages (the upper levels of a B+tree, the leaves a
//! workload keeps returning to) again at every spill, and a random insert of
//! 1M rows wrote twice the WAL bytes SQLite does. So each page remembers
//! when it was last used (a tick of a counter bumped at every use, reads
//! included), and a spill takes only the least recently used part of the
//! set, as an LRU cache would evict, in one batch so its writes can be
//! sorted and coalesced.

use std::cell::Cell;

use rustc_hash::FxHashMap;

use crate::page::{PageNo, PageRef};

/// The part of the dirty set one spill writes out.
pub(super) const SPILL_FRACTION: usize = 16;

struct Dirty {
    page: PageRef,
    /// The tick of the last use.
    used: Cell<u64>,
}

/// Dirty pages by number, with their last use; see the module documentation.
#[derive(Default)]
pub(super) struct DirtyPages {
    map: FxHashMap<PageNo, Dirty>,
    clock: Cell<u64>,
}

impl DirtyPages {
    fn tick(&self) -> u64 {
        let now = self.clock.get() + 1;
        self.clock.set(now);
        now
    }

    /// The dirty version of `no`, noting the use.
    pub fn get(&self, no: PageNo) -> Option<&PageRef> {
        let d = self.map.get(&no)?;
        d.used.set(self.tick());
        Some(&d.page)
    }

    /// The dirty version of `no` to change in place, noting the use.
    pub fn get_mut(&mut self, no: PageNo) -> Option<&mut PageRef> {
        let now = self.tick();
        let d = self.map.get_mut(&no)?;
        d.used.set(now);
        Some(&mut d.page)
    }

    /// The dirty version of `no`, without counting it as a use.
    pub fn peek(&self, no: PageNo) -> Option<&PageRef> {
        self.map.get(&no).map(|d| &d.page)
    }

    pub fn contains(&self, no: PageNo) -> bool {
        self.map.contains_key(&no)
    }

    pub fn insert(&mut self, no: PageNo, page: PageRef) {
        let used = Cell::new(self.tick());
        self.map.insert(no, Dirty { page, used });
    }

    pub fn remove(&mut self, no: PageNo) -> Option<PageRef> {
        self.map.remove(&no).map(|d| d.page)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Takes every dirty page out.
    pub fn drain(&mut self) -> Vec<(PageNo, PageRef)> {
        self.map.drain().map(|(no, d)| (no, d.page)).collect()
    }

    /// Puts pages back (as just used), e.g. after a failed spill.
    pub fn extend(&mut self, pages: impl IntoIterator<Item = (PageNo, PageRef)>) {
        for (no, page) in pages {
            self.insert(no, page);
        }
    }

    /// Takes out the `n` least recently used pages, never page 0 (it
    /// carries the header and is logged only at commit).
    pub fn take_coldest(&mut self, n: usize) -> Vec<(PageNo, PageRef)> {
        let mut ages: Vec<(u64, PageNo)> = self
            .map
            .iter()
            .filter(|&(&no, _)| no != 0)
            .map(|(&no, d)| (d.used.get(), no))
            .collect();
        let n = n.min(ages.len());
        if n == 0 {
            return Vec::new();
        }
        if n < ages.len() {
            ages.select_nth_unstable(n - 1);
        }
        ages[..n]
            .iter()
            .filter_map(|&(_, no)| Some((no, self.map.remove(&no)?.page)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::page::PageBuf;

    fn page() -> PageRef {
        Arc::new(PageBuf::zeroed(4096))
    }

    #[test]
    fn the_coldest_pages_go_first_and_page_zero_stays() {
        let mut dirty = DirtyPages::default();
        for no in 0..8 {
            dirty.insert(no, page());
        }
        // Use 1, 3 and 5 again (a read counts as a use); 0 is oldest.
        dirty.get(1);
        dirty.get_mut(3);
        dirty.get(5);
        let mut taken: Vec<PageNo> = dirty.take_coldest(4).into_iter().map(|p| p.0).collect();
        taken.sort_unstable();
        assert_eq!(taken, vec![2, 4, 6, 7]);
        assert_eq!(dirty.len(), 4);
        assert!(dirty.contains(0) && dirty.contains(1) && dirty.contains(3));
        // Asking for more than there is takes all but page 0.
        assert_eq!(dirty.take_coldest(100).len(), 3);
        assert!(dirty.contains(0));
    }

    #[test]
    fn peeking_is_not_a_use() {
        let mut dirty = DirtyPages::default();
        dirty.insert(1, page());
        dirty.insert(2, page());
        dirty.peek(1);
        assert_eq!(dirty.take_coldest(1)[0].0, 1);
    }
}
