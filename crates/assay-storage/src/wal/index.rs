//! The WAL index: for each page, the committed frames that hold a version.
//!
//! A snapshot reading page `p` wants the newest frame of `p` that is not
//! newer than the snapshot's last frame; if there is none, the page comes
//! from the database file. Frames are appended in increasing order, so each
//! page's list is sorted and the lookup is a binary search (almost always
//! over one or two entries).

use rustc_hash::FxHashMap;

use super::FrameNo;
use crate::page::PageNo;

/// Maps pages to the committed WAL frames holding their versions.
#[derive(Default, Debug)]
pub struct WalIndex {
    pages: FxHashMap<PageNo, Vec<FrameNo>>,
    frames: u64,
}

impl WalIndex {
    pub fn new() -> WalIndex {
        WalIndex::default()
    }

    /// Records that `frame` holds a version of `page`. Frames must arrive in
    /// increasing order.
    pub fn insert(&mut self, page: PageNo, frame: FrameNo) {
        let list = self.pages.entry(page).or_default();
        debug_assert!(list.last().is_none_or(|&last| last < frame));
        list.push(frame);
        self.frames += 1;
    }

    /// The newest frame of `page` that is at most `max_frame`.
    #[inline]
    pub fn lookup(&self, page: PageNo, max_frame: FrameNo) -> Option<FrameNo> {
        let list = self.pages.get(&page)?;
        match list.last() {
            Some(&last) if last <= max_frame => Some(last),
            _ => {
                let n = list.partition_point(|&f| f <= max_frame);
                n.checked_sub(1).map(|i| list[i])
            }
        }
    }

    /// For each page with a frame in `(after, upto]`, its newest such frame:
    /// what a checkpoint must copy home. Sorted by page for sequential IO.
    pub fn latest_between(&self, after: FrameNo, upto: FrameNo) -> Vec<(PageNo, FrameNo)> {
        let mut out: Vec<(PageNo, FrameNo)> = self
            .pages
            .iter()
            .filter_map(|(&page, list)| {
                let n = list.partition_point(|&f| f <= upto);
                let frame = *list[..n].last()?;
                (frame > after).then_some((page, frame))
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Number of frames recorded.
    pub fn frame_count(&self) -> u64 {
        self.frames
    }

    /// Every (page, frame) pair, for the integrity check.
    pub fn entries(&self) -> impl Iterator<Item = (PageNo, FrameNo)> + '_ {
        self.pages
            .iter()
            .flat_map(|(&p, l)| l.iter().map(move |&f| (p, f)))
    }

    pub fn clear(&mut self) {
        self.pages.clear();
        self.frames = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_newest_frame_not_after_snapshot() {
        let mut idx = WalIndex::new();
        idx.insert(5, 1);
        idx.insert(6, 2);
        idx.insert(5, 3);
        idx.insert(5, 7);
        assert_eq!(idx.lookup(5, 0), None);
        assert_eq!(idx.lookup(5, 1), Some(1));
        assert_eq!(idx.lookup(5, 6), Some(3));
        assert_eq!(idx.lookup(5, 100), Some(7));
        assert_eq!(idx.lookup(9, 100), None);
        assert_eq!(idx.latest_between(1, 6), vec![(5, 3), (6, 2)]);
        assert_eq!(idx.latest_between(3, 6), vec![]);
    }
}
