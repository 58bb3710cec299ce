//! The page cache: committed page versions, shared by every transaction.
//!
//! Entries are keyed by (page, frame): the frame that produced the version,
//! or 0 for the version in the database file. A version never changes once
//! committed, so entries are immutable [`PageRef`]s that any snapshot can
//! share; only the database-file version of a page changes, at checkpoint,
//! and the checkpoint replaces that entry itself. Dirty pages never live
//! here: a write transaction owns them until commit, so evicting an entry can
//! never lose a change.
//!
//! The cache is split into shards (by page number) each under its own mutex,
//! and evicts with the CLOCK algorithm: a hand sweeps the slots, sparing and
//! clearing recently used ones, and replaces the first that was not used.
//!
//! An evicted page that no one else holds is kept as a spare buffer (a few
//! per shard), and the next read from disk fills it instead of allocating:
//! a workload larger than the cache evicts and reads a page for nearly every
//! access, and the allocator's work was a tenth of its time.

use std::sync::{Mutex, MutexGuard};

use rustc_hash::FxHashMap;

use crate::page::{PageNo, PageRef};
use crate::wal::FrameNo;

const SHARDS: usize = 16;

/// Spare buffers kept per shard.
const SPARES: usize = 32;

type Key = (PageNo, FrameNo);

/// A bounded cache of committed page versions.
pub struct PageCache {
    shards: Box<[Mutex<Shard>]>,
    /// Pages held at most, over all shards.
    capacity: usize,
}

struct Shard {
    capacity: usize,
    map: FxHashMap<Key, usize>,
    slots: Vec<Slot>,
    hand: usize,
    /// Evicted pages no one else held, ready to be filled again.
    spares: Vec<PageRef>,
}

struct Slot {
    key: Key,
    page: PageRef,
    referenced: bool,
}

impl PageCache {
    /// A cache holding at most `capacity` pages (at least one per shard).
    pub fn new(capacity: usize) -> PageCache {
        let per_shard = capacity.div_ceil(SHARDS).max(1);
        let shards = (0..SHARDS)
            .map(|_| {
                Mutex::new(Shard {
                    capacity: per_shard,
                    map: FxHashMap::default(),
                    slots: Vec::new(),
                    hand: 0,
                    spares: Vec::new(),
                })
            })
            .collect();
        PageCache {
            shards,
            capacity: per_shard * SHARDS,
        }
    }

    fn shard(&self, page: PageNo) -> MutexGuard<'_, Shard> {
        self.shards[page as usize % SHARDS]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// The cached version of `page` produced by `frame`, if present.
    #[inline]
    pub fn get(&self, page: PageNo, frame: FrameNo) -> Option<PageRef> {
        let mut shard = self.shard(page);
        let slot = *shard.map.get(&(page, frame))?;
        let slot = &mut shard.slots[slot];
        slot.referenced = true;
        Some(slot.page.clone())
    }

    /// A page buffer no one else holds (its contents are stale) to read
    /// page `page` into, if an evicted one is spare.
    pub fn spare(&self, page: PageNo) -> Option<PageRef> {
        self.shard(page).spares.pop()
    }

    /// Caches a version, replacing any entry with the same key.
    pub fn insert(&self, page: PageNo, frame: FrameNo, data: PageRef) {
        self.shard(page).insert((page, frame), data);
    }

    /// Drops the entry for (page, frame) if present.
    pub fn remove(&self, page: PageNo, frame: FrameNo) {
        self.shard(page).remove((page, frame));
    }

    /// Removes the entry for (page, frame) and hands its page over: a
    /// writer about to change a version no one else needs takes it instead
    /// of copying it.
    pub fn take(&self, page: PageNo, frame: FrameNo) -> Option<PageRef> {
        self.shard(page).remove((page, frame))
    }

    /// Drops every entry.
    pub fn clear(&self) {
        for shard in self.shards.iter() {
            let mut shard = shard.lock().unwrap_or_else(|e| e.into_inner());
            shard.map.clear();
            shard.slots.clear();
            shard.hand = 0;
        }
    }

    /// Pages currently cached.
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).slots.len())
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Pages the cache may hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl Shard {
    fn insert(&mut self, key: Key, page: PageRef) {
        if let Some(&i) = self.map.get(&key) {
            self.slots[i] = Slot {
                key,
                page,
                referenced: true,
            };
            return;
        }
        if self.slots.len() < self.capacity {
            self.map.insert(key, self.slots.len());
            self.slots.push(Slot {
                key,
                page,
                referenced: false,
            });
            return;
        }
        let victim = self.sweep();
        let old = std::mem::replace(
            &mut self.slots[victim],
            Slot {
                key,
                page,
                referenced: false,
            },
        );
        self.map.remove(&old.key);
        self.map.insert(key, victim);
        let mut evicted = old.page;
        if self.spares.len() < SPARES && std::sync::Arc::get_mut(&mut evicted).is_some() {
            self.spares.push(evicted);
        }
    }

    /// Advances the clock hand to a slot not used since the last sweep.
    fn sweep(&mut self) -> usize {
        loop {
            let i = self.hand;
            self.hand = (self.hand + 1) % self.slots.len();
            if self.slots[i].referenced {
                self.slots[i].referenced = false;
            } else {
                return i;
            }
        }
    }

    fn remove(&mut self, key: Key) -> Option<PageRef> {
        let i = self.map.remove(&key)?;
        let last = self.slots.len() - 1;
        let removed = self.slots.swap_remove(i);
        if i != last {
            let moved = self.slots[i].key;
            self.map.insert(moved, i);
        }
        if self.hand >= self.slots.len() {
            self.hand = 0;
        }
        Some(removed.page)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::page::PageBuf;

    fn page(byte: u8) -> PageRef {
        let mut p = PageBuf::zeroed(4096);
        p[0] = byte;
        Arc::new(p)
    }

    #[test]
    fn keeps_versions_apart_and_stays_bounded() {
        let cache = PageCache::new(32);
        cache.insert(1, 0, page(1));
        cache.insert(1, 5, page(2));
        assert_eq!(cache.get(1, 0).unwrap()[0], 1);
        assert_eq!(cache.get(1, 5).unwrap()[0], 2);
        assert!(cache.get(1, 4).is_none());
        for p in 0..1000 {
            cache.insert(p, 0, page(p as u8));
        }
        assert!(cache.len() <= cache.capacity());
        cache.remove(999, 0);
        assert!(cache.get(999, 0).is_none());
    }

    #[test]
    fn clock_spares_recently_used_pages() {
        let cache = PageCache::new(SHARDS * 2);
        // Shard 0 holds pages 0, 16, 32, …: fill it, touch the first, add one.
        cache.insert(0, 0, page(0));
        cache.insert(16, 0, page(16));
        assert!(cache.get(0, 0).is_some());
        cache.insert(32, 0, page(32));
        assert!(cache.get(0, 0).is_some(), "a used page was evicted");
        assert!(cache.get(16, 0).is_none());
    }
}
