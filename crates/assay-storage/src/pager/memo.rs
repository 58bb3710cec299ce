//! A transaction's memo of the pages it read last.
//!
//! A transaction's snapshot never changes, so page `n` of the snapshot is
//! the same page for the transaction's whole life: once read, it can be
//! kept and lent again without the pager's state lock, the WAL index, the
//! cache shard's mutex, its hash probe and a reference-count increment.
//! A writer keeps such pages too, for the pages it has not changed: it
//! looks at its dirty and spilled pages first, and a page it is about to
//! change leaves the memo (so the shared cache's copy may be taken rather
//! than copied, see `Pager::read_page_to_change`).
//!
//! The memo is two-way set associative, set `n % sets` holding page `n`,
//! and evicts the less recently used way of a set. A B+tree descent reads
//! the root and the interior levels on every lookup and a leaf that is
//! mostly new: with one way per set, random leaves kept evicting the
//! interior pages they shared a slot with (1.6 pager reads per point
//! lookup on a 1M-row table); with two, an interior page goes only when two
//! leaves land in its set between two of its uses.
//!
//! It starts small, as most transactions read a few pages, and grows
//! (four times larger, up to [`MAX_SETS`]) once it has missed more often
//! than it has entries.

use std::cell::Cell;

use crate::page::{PageNo, PageRef};

/// Sets of a new memo.
const FIRST_SETS: usize = 16;

/// Sets of a memo at its largest (1,024 pages).
const MAX_SETS: usize = 512;

#[derive(Default)]
struct Set {
    ways: [Option<(PageNo, PageRef)>; 2],
    /// The way the next insert replaces (the less recently used one).
    victim: Cell<u8>,
}

/// Pages of one snapshot by number; see the module documentation. Empty
/// (no allocation) until the first insert.
#[derive(Default)]
pub(super) struct ReadMemo {
    sets: Vec<Set>,
    misses: usize,
}

impl ReadMemo {
    /// The remembered page `no`, noting the use.
    #[inline]
    pub fn get(&self, no: PageNo) -> Option<&PageRef> {
        if self.sets.is_empty() {
            return None;
        }
        let set = &self.sets[set_of(no, self.sets.len())];
        for (way, entry) in set.ways.iter().enumerate() {
            if let Some((n, page)) = entry {
                if *n == no {
                    set.victim.set(1 - way as u8);
                    return Some(page);
                }
            }
        }
        None
    }

    /// Remembers page `no` (read after `get` missed it).
    pub fn insert(&mut self, no: PageNo, page: PageRef) {
        self.misses += 1;
        if self.sets.is_empty() {
            self.resize(FIRST_SETS);
        } else if self.misses > 2 * self.sets.len() && self.sets.len() < MAX_SETS {
            self.resize((self.sets.len() * 4).min(MAX_SETS));
        }
        let set = self.sets.len();
        let set = &mut self.sets[set_of(no, set)];
        if let Some(way) = set
            .ways
            .iter()
            .position(|e| e.as_ref().is_some_and(|(n, _)| *n == no))
        {
            set.ways[way] = Some((no, page));
            set.victim.set(1 - way as u8);
            return;
        }
        let way = set.victim.get() as usize;
        set.ways[way] = Some((no, page));
        set.victim.set(1 - way as u8);
    }

    /// Forgets page `no`, if remembered.
    pub fn forget(&mut self, no: PageNo) {
        if self.sets.is_empty() {
            return;
        }
        let sets = self.sets.len();
        let set = &mut self.sets[set_of(no, sets)];
        for (way, entry) in set.ways.iter_mut().enumerate() {
            if entry.as_ref().is_some_and(|(n, _)| *n == no) {
                *entry = None;
                set.victim.set(way as u8);
            }
        }
    }

    /// Rebuilds with `sets` sets, keeping what fits (the more recently used
    /// way first).
    fn resize(&mut self, sets: usize) {
        let old = std::mem::take(&mut self.sets);
        self.sets.resize_with(sets, Set::default);
        self.misses = 0;
        for set in old {
            let recent = 1 - set.victim.get() as usize;
            let [a, b] = set.ways;
            let (first, second) = if recent == 0 { (b, a) } else { (a, b) };
            for (no, page) in [first, second].into_iter().flatten() {
                let target = &mut self.sets[set_of(no, sets)];
                let way = target.victim.get() as usize;
                target.ways[way] = Some((no, page));
                target.victim.set(1 - way as u8);
            }
        }
    }
}

/// The set holding page `no` among `sets` (a power of two: the set counts
/// go 16, 64, 256, 512), by a mask rather than a division on the lookup path.
#[inline]
fn set_of(no: PageNo, sets: usize) -> usize {
    debug_assert!(sets.is_power_of_two());
    no as usize & (sets - 1)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::page::PageBuf;

    fn page(byte: u8) -> PageRef {
        let mut p = PageBuf::zeroed(512);
        p[0] = byte;
        Arc::new(p)
    }

    #[test]
    fn keeps_the_more_recently_used_way() {
        let mut memo = ReadMemo::default();
        assert!(memo.get(3).is_none());
        let sets = FIRST_SETS as PageNo;
        memo.insert(3, page(1));
        memo.insert(3 + sets, page(2));
        // Page 3 used again: the next page of its set evicts the other.
        assert_eq!(memo.get(3).unwrap()[0], 1);
        memo.insert(3 + 2 * sets, page(3));
        assert_eq!(memo.get(3).unwrap()[0], 1);
        assert!(memo.get(3 + sets).is_none());
        assert_eq!(memo.get(3 + 2 * sets).unwrap()[0], 3);
        memo.forget(3);
        assert!(memo.get(3).is_none());
        assert_eq!(memo.get(3 + 2 * sets).unwrap()[0], 3);
    }

    #[test]
    fn grows_and_keeps_its_pages() {
        let mut memo = ReadMemo::default();
        for no in 0..5000u32 {
            if memo.get(no % 700).is_none() {
                memo.insert(no % 700, page((no % 700) as u8));
            }
        }
        assert_eq!(memo.sets.len(), MAX_SETS);
        for no in 0..700u32 {
            assert_eq!(memo.get(no).unwrap()[0], no as u8, "page {no}");
        }
    }
}
