//! Cursors: ordered walks over a tree that do not borrow the transaction.
//!
//! A [`BTreeCursor`] remembers where it is (the interior levels as (page,
//! child slot) pairs, the current leaf page and slot) and takes the page
//! source as an argument of each call, so an executor can hold a cursor and
//! still write through the same transaction between steps.
//!
//! The cursor keeps its current leaf page (a shared [`PageRef`]) between
//! calls: stepping within a leaf touches no other page, the leaf's header
//! is checked once when the leaf is reached (the page never changes while
//! held), and the entry read is parsed once per step into offsets, so
//! [`BTreeCursor::key`] and an inline [`BTreeCursor::value`] are slices of
//! that page, with no copy.
//!
//! **Writes while a cursor is open.** Pages are copy-on-write: a page the
//! cursor holds is never changed under it, but it may be stale. After
//! changing the tree, call [`BTreeCursor::invalidate`]: the cursor saves
//! its current key and lets go of its pages, and its next move re-seeks from
//! the root (`next` goes to the first key after the saved one, `prev` to the
//! last key before it), so it sees every change, including deletion of the
//! entry it stood on. Between an invalidation and the next move, `key`
//! returns the saved key and `value` looks it up afresh.

use std::borrow::Cow;

use crate::{corrupt, PageNo, PageRead, PageRef, Result};

use super::node::{Node, ValueRef};
use super::tree::{read_node, BTree, Path, MAX_DEPTH};
use super::{overflow, tree};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not on an entry: never positioned, or moved past either end.
    Unpositioned,
    /// On an entry of `leaf`.
    Positioned,
    /// Invalidated while on the entry whose key is `saved_key`.
    Stale,
}

#[derive(Clone, Copy, Debug)]
enum ValueLoc {
    Inline { start: usize, len: usize },
    Overflow { len: usize, first: PageNo },
}

/// A position in a B+tree that takes the page source on every call.
///
/// It holds its current leaf page between calls (stepping within a leaf
/// touches no other page; `key` and inline `value`s are slices of it).
/// Pages are copy-on-write, so a held page never changes, but it goes stale
/// when the tree is written: after any write through the same transaction,
/// call [`BTreeCursor::invalidate`]; the next `next`/`prev` re-seeks from
/// the saved current key (to the first key after it, or the last before
/// it), so the walk sees every change, including deletion of its own entry.
pub struct BTreeCursor {
    root: PageNo,
    /// Interior levels, root first: the child slot taken in each.
    path: Path,
    leaf: Option<PageRef>,
    leaf_no: PageNo,
    /// Entries in `leaf`, from its header, checked when it became current.
    leaf_len: usize,
    slot: usize,
    key_start: usize,
    key_len: usize,
    value: ValueLoc,
    state: State,
    saved_key: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Seek {
    Ge,
    Gt,
    Le,
    Lt,
}

impl BTreeCursor {
    /// An unpositioned cursor over the tree rooted at `root`.
    pub fn new(root: PageNo) -> BTreeCursor {
        BTreeCursor {
            root,
            path: Path::new(),
            leaf: None,
            leaf_no: 0,
            leaf_len: 0,
            slot: 0,
            key_start: 0,
            key_len: 0,
            value: ValueLoc::Inline { start: 0, len: 0 },
            state: State::Unpositioned,
            saved_key: Vec::new(),
        }
    }

    /// Whether the cursor stands on an entry (possibly a stale one).
    pub fn is_valid(&self) -> bool {
        self.state != State::Unpositioned
    }

    /// The current key, or `None` when not on an entry.
    pub fn key(&self) -> Option<&[u8]> {
        match self.state {
            State::Positioned => {
                let leaf = self.leaf.as_ref()?;
                Some(&leaf[self.key_start..self.key_start + self.key_len])
            }
            State::Stale => Some(&self.saved_key),
            State::Unpositioned => None,
        }
    }

    /// Length of the current value, without reading an overflow chain.
    pub fn value_len(&self) -> Option<usize> {
        match (self.state, self.value) {
            (State::Positioned, ValueLoc::Inline { len, .. })
            | (State::Positioned, ValueLoc::Overflow { len, .. }) => Some(len),
            _ => None,
        }
    }

    /// The current value: borrowed from the page when inline, read from its
    /// overflow chain otherwise. `None` when not on an entry (or, for a
    /// stale cursor, when its entry has been deleted).
    pub fn value<'a, P: PageRead>(&'a self, p: &P) -> Result<Option<Cow<'a, [u8]>>> {
        match self.state {
            State::Unpositioned => Ok(None),
            State::Stale => Ok(BTree::open(self.root)
                .get(p, &self.saved_key)?
                .map(Cow::Owned)),
            State::Positioned => {
                let Some(leaf) = self.leaf.as_ref() else {
                    return Ok(None);
                };
                Ok(Some(match self.value {
                    ValueLoc::Inline { start, len } => Cow::Borrowed(&leaf[start..start + len]),
                    ValueLoc::Overflow { len, first } => {
                        let mut buf = Vec::new();
                        overflow::read_chain(p, first, len, &mut buf)?;
                        Cow::Owned(buf)
                    }
                }))
            }
        }
    }

    /// Forgets the pages the cursor holds, keeping only its current key; the
    /// next move re-seeks. Call after changing the tree.
    pub fn invalidate(&mut self) {
        if self.state == State::Positioned {
            let mut saved = std::mem::take(&mut self.saved_key);
            saved.clear();
            saved.extend_from_slice(self.key().unwrap_or_default());
            self.saved_key = saved;
            self.state = State::Stale;
        }
        self.leaf = None;
        self.path.clear();
    }

    /// Moves to the first entry with a key at or above `key`.
    pub fn seek_ge<P: PageRead>(&mut self, p: &P, key: &[u8]) -> Result<bool> {
        self.seek(p, key, Seek::Ge)
    }

    /// Moves to the first entry with a key above `key`.
    pub fn seek_gt<P: PageRead>(&mut self, p: &P, key: &[u8]) -> Result<bool> {
        self.seek(p, key, Seek::Gt)
    }

    /// Moves to the last entry with a key at or below `key`.
    pub fn seek_le<P: PageRead>(&mut self, p: &P, key: &[u8]) -> Result<bool> {
        self.seek(p, key, Seek::Le)
    }

    /// Moves to the last entry with a key below `key`.
    pub fn seek_lt<P: PageRead>(&mut self, p: &P, key: &[u8]) -> Result<bool> {
        self.seek(p, key, Seek::Lt)
    }

    /// Moves to the first entry.
    pub fn first<P: PageRead>(&mut self, p: &P) -> Result<bool> {
        self.reset();
        self.descend_edge(p, self.root, false)?;
        self.settle_forward(p)
    }

    /// Moves to the last entry.
    pub fn last<P: PageRead>(&mut self, p: &P) -> Result<bool> {
        self.reset();
        self.descend_edge(p, self.root, true)?;
        self.settle_backward(p)
    }

    /// Moves to the next entry; false (and unpositioned) past the last.
    pub fn next<P: PageRead>(&mut self, p: &P) -> Result<bool> {
        match self.state {
            State::Unpositioned => Ok(false),
            State::Stale => {
                let key = std::mem::take(&mut self.saved_key);
                let found = self.seek(p, &key, Seek::Gt);
                self.saved_key = key;
                found
            }
            State::Positioned => {
                self.slot += 1;
                self.settle_forward(p)
            }
        }
    }

    /// Moves to the previous entry; false (and unpositioned) before the first.
    pub fn prev<P: PageRead>(&mut self, p: &P) -> Result<bool> {
        match self.state {
            State::Unpositioned => Ok(false),
            State::Stale => {
                let key = std::mem::take(&mut self.saved_key);
                let found = self.seek(p, &key, Seek::Lt);
                self.saved_key = key;
                found
            }
            State::Positioned => {
                if self.slot == 0 {
                    return self.step_to_prev_leaf(p);
                }
                self.slot -= 1;
                self.load_entry(p)
            }
        }
    }

    fn reset(&mut self) {
        self.path.clear();
        self.leaf = None;
        self.state = State::Unpositioned;
    }

    fn seek<P: PageRead>(&mut self, p: &P, key: &[u8], how: Seek) -> Result<bool> {
        self.reset();
        let mut path = std::mem::take(&mut self.path);
        let result = tree::descend(p, self.root, key, &mut path);
        self.path = path;
        let (leaf, found) = result?;
        let at = self.path.pop().unwrap_or_default();
        self.set_leaf(leaf, at.page, p.usable_size())?;
        match how {
            Seek::Ge => {
                self.slot = at.slot;
                self.settle_forward(p)
            }
            Seek::Gt => {
                self.slot = at.slot + found as usize;
                self.settle_forward(p)
            }
            Seek::Le | Seek::Lt => {
                let end = if found && how == Seek::Le {
                    at.slot + 1
                } else {
                    at.slot
                };
                if end == 0 {
                    return self.step_to_prev_leaf(p);
                }
                self.slot = end - 1;
                self.load_entry(p)
            }
        }
    }

    /// Descends from `no` along the left-most (or right-most) children to a
    /// leaf, pushing interior levels, and makes that leaf current with the
    /// slot at its first entry (or one past its last).
    fn descend_edge<P: PageRead>(&mut self, p: &P, mut no: PageNo, rightmost: bool) -> Result<()> {
        let usable = p.usable_size();
        loop {
            let page = read_node(p, no)?;
            let node = Node::new(&page[..usable], no)?;
            if node.is_leaf() {
                self.slot = if rightmost { node.len() } else { 0 };
                self.leaf_len = node.len();
                self.leaf_no = no;
                self.leaf = Some(page);
                return Ok(());
            }
            let slot = if rightmost { node.len() } else { 0 };
            self.path.push(no, slot)?;
            no = node.child(slot)?;
        }
    }

    /// From a slot at or past the end of the current leaf, finds the next
    /// entry (skipping empty leaves) and loads it.
    fn settle_forward<P: PageRead>(&mut self, p: &P) -> Result<bool> {
        let usable = p.usable_size();
        loop {
            if self.slot < self.leaf_len {
                return self.load_entry(p);
            }
            // Climb to the first level with a child to the right.
            loop {
                let Some(level) = self.path.last_mut() else {
                    self.reset();
                    return Ok(false);
                };
                let (page_no, slot) = (level.page, level.slot);
                let page = read_node(p, page_no)?;
                let node = Node::new(&page[..usable], page_no)?;
                if slot < node.len() {
                    level.slot = slot + 1;
                    let child = node.child(slot + 1)?;
                    drop(page);
                    self.descend_edge(p, child, false)?;
                    break;
                }
                self.path.pop();
            }
        }
    }

    /// From before the first entry of the current leaf, finds the previous
    /// entry (skipping empty leaves) and loads it.
    fn step_to_prev_leaf<P: PageRead>(&mut self, p: &P) -> Result<bool> {
        loop {
            let Some(level) = self.path.last_mut() else {
                self.reset();
                return Ok(false);
            };
            if level.slot > 0 {
                level.slot -= 1;
                let (page_no, slot) = (level.page, level.slot);
                let page = read_node(p, page_no)?;
                let child = Node::new(&page[..p.usable_size()], page_no)?.child(slot)?;
                drop(page);
                self.descend_edge(p, child, true)?;
                return self.settle_backward(p);
            }
            self.path.pop();
        }
    }

    /// With the slot one past the entry wanted, steps back onto it.
    fn settle_backward<P: PageRead>(&mut self, p: &P) -> Result<bool> {
        if self.slot == 0 {
            return self.step_to_prev_leaf(p);
        }
        self.slot -= 1;
        self.load_entry(p)
    }

    /// Makes `page` the current leaf, checking its header.
    fn set_leaf(&mut self, page: PageRef, no: PageNo, usable: usize) -> Result<()> {
        let node = Node::new(&page[..usable], no)?;
        if !node.is_leaf() {
            return Err(corrupt!("page {no}: expected a leaf"));
        }
        self.leaf_len = node.len();
        self.leaf_no = no;
        self.leaf = Some(page);
        Ok(())
    }

    /// Parses the entry at `slot` of the current leaf into offsets.
    fn load_entry<P: PageRead>(&mut self, p: &P) -> Result<bool> {
        if self.path.len() >= MAX_DEPTH {
            return Err(corrupt!("B-tree {} too deep", self.root));
        }
        let leaf = self
            .leaf
            .as_ref()
            .ok_or_else(|| corrupt!("cursor has no leaf"))?;
        let node = Node::checked_before(&leaf[..p.usable_size()], self.leaf_no, self.leaf_len);
        let (key, value) = node.leaf_entry(self.slot)?;
        let base = leaf.as_ptr() as usize;
        self.key_start = key.as_ptr() as usize - base;
        self.key_len = key.len();
        self.value = match value {
            ValueRef::Inline(v) => ValueLoc::Inline {
                start: v.as_ptr() as usize - base,
                len: v.len(),
            },
            ValueRef::Overflow { len, first } => ValueLoc::Overflow { len, first },
        };
        self.state = State::Positioned;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::MemPages;

    fn tree_with(n: u32) -> (MemPages, BTree) {
        let mut w = MemPages::new(256);
        let t = BTree::create(&mut w).unwrap();
        for i in 0..n {
            t.insert(&mut w, &(i * 10).to_be_bytes(), &i.to_le_bytes())
                .unwrap();
        }
        (w, t)
    }

    fn key_of(c: &BTreeCursor) -> u32 {
        u32::from_be_bytes(c.key().unwrap().try_into().unwrap())
    }

    #[test]
    fn walks_both_ways() {
        let (w, t) = tree_with(500);
        let mut c = t.cursor();
        let mut seen = Vec::new();
        let mut more = c.first(&w).unwrap();
        while more {
            seen.push(key_of(&c));
            assert_eq!(c.value(&w).unwrap().unwrap().len(), 4);
            more = c.next(&w).unwrap();
        }
        assert_eq!(seen, (0..500).map(|i| i * 10).collect::<Vec<_>>());
        assert!(!c.next(&w).unwrap());
        let mut back = Vec::new();
        let mut more = c.last(&w).unwrap();
        while more {
            back.push(key_of(&c));
            more = c.prev(&w).unwrap();
        }
        back.reverse();
        assert_eq!(back, seen);
    }

    #[test]
    fn seeks() {
        let (w, t) = tree_with(500);
        let mut c = t.cursor();
        assert!(c.seek_ge(&w, &15u32.to_be_bytes()).unwrap());
        assert_eq!(key_of(&c), 20);
        assert!(c.seek_ge(&w, &20u32.to_be_bytes()).unwrap());
        assert_eq!(key_of(&c), 20);
        assert!(c.seek_gt(&w, &20u32.to_be_bytes()).unwrap());
        assert_eq!(key_of(&c), 30);
        assert!(c.seek_le(&w, &15u32.to_be_bytes()).unwrap());
        assert_eq!(key_of(&c), 10);
        assert!(c.seek_lt(&w, &10u32.to_be_bytes()).unwrap());
        assert_eq!(key_of(&c), 0);
        assert!(!c.seek_lt(&w, &0u32.to_be_bytes()).unwrap());
        assert!(!c.seek_gt(&w, &4990u32.to_be_bytes()).unwrap());
        assert!(c.seek_le(&w, &u32::MAX.to_be_bytes()).unwrap());
        assert_eq!(key_of(&c), 4990);
        assert!(c.prev(&w).unwrap());
        assert_eq!(key_of(&c), 4980);
    }

    #[test]
    fn delete_while_scanning() {
        let (mut w, t) = tree_with(300);
        let mut c = t.cursor();
        let mut more = c.first(&w).unwrap();
        let mut visited = 0;
        while more {
            visited += 1;
            let key = c.key().unwrap().to_vec();
            let k = key_of(&c);
            assert_eq!(k % 10, 0, "visited an entry inserted behind the cursor");
            if k.is_multiple_of(20) {
                t.delete(&mut w, &key).unwrap();
                if k > 0 {
                    // Behind the cursor: must not be visited.
                    t.insert(&mut w, &(k - 5).to_be_bytes(), b"x").unwrap();
                }
                c.invalidate();
                assert_eq!(c.key().unwrap(), &key[..]);
                assert!(c.value(&w).unwrap().is_none());
            }
            more = c.next(&w).unwrap();
        }
        assert_eq!(visited, 300);
        assert_eq!(t.len(&w).unwrap(), 299);
        let report = super::super::check(&w, t.root(), &mut |_| {});
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }

    #[test]
    fn empty_tree() {
        let mut w = MemPages::new(4096);
        let t = BTree::create(&mut w).unwrap();
        let mut c = t.cursor();
        assert!(!c.first(&w).unwrap());
        assert!(!c.last(&w).unwrap());
        assert!(!c.seek_ge(&w, b"").unwrap());
        assert!(!c.seek_le(&w, b"zz").unwrap());
        assert!(c.key().is_none());
    }
}
