//! The tree handle: create, get, insert, delete and destroy.
//!
//! Every operation descends from the root to a leaf, recording the path of
//! (page, slot) pairs on a fixed-size array on the stack. Point lookups copy
//! nothing but the value they hand out (and [`BTree::get_with`] not even
//! that, for inline values). Writes change the leaf in place when the cell
//! fits and otherwise hand over to [`balance`](super::balance), which splits
//! upwards on insert and merges or redistributes upwards on delete.
//!
//! An insert whose key the caller knows to be past the last one (a new row
//! id of a table without a primary key: [`BTree::insert_past_end`]) follows
//! the right edge instead, comparing one key a level; splits on that edge
//! leave the old pages full (see `balance.rs`).

use std::cmp::Ordering;

use crate::{corrupt, err, PageNo, PageRead, PageRef, PageWrite, Result, SqlState};

use super::balance;
use super::node::{
    self, compare_keys, encode_leaf_cell, Node, NodeMut, ValueRef, KIND_LEAF, MAX_USABLE,
    MIN_USABLE,
};
use super::overflow;

/// Deepest tree accepted. Deeper means a damaged tree (for instance a cycle
/// of child pointers): a 4 KiB-page tree of height 40 would hold more pages
/// than a page number can count.
pub const MAX_DEPTH: usize = 40;

/// One step of a descent: a page and the slot taken in it (the child slot in
/// an interior node, the cell index in a leaf).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Level {
    pub page: PageNo,
    pub slot: usize,
}

/// The levels from the root (index 0) down to a leaf.
#[derive(Clone, Debug)]
pub struct Path {
    levels: [Level; MAX_DEPTH],
    len: usize,
}

impl Path {
    pub fn new() -> Path {
        Path {
            levels: [Level::default(); MAX_DEPTH],
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }

    pub fn push(&mut self, page: PageNo, slot: usize) -> Result<()> {
        if self.len == MAX_DEPTH {
            return Err(corrupt!(
                "B-tree deeper than {MAX_DEPTH} levels at page {page}"
            ));
        }
        self.levels[self.len] = Level { page, slot };
        self.len += 1;
        Ok(())
    }

    pub fn pop(&mut self) -> Option<Level> {
        self.len = self.len.checked_sub(1)?;
        Some(self.levels[self.len])
    }

    pub fn get(&self, depth: usize) -> Level {
        self.levels[depth]
    }

    pub fn last_mut(&mut self) -> Option<&mut Level> {
        self.levels[..self.len].last_mut()
    }
}

impl Default for Path {
    fn default() -> Path {
        Path::new()
    }
}

/// Reads page `no` of a tree (callers view it with [`Node::new`], which
/// checks it); refuses page 0, the database header.
pub fn read_node<P: PageRead>(p: &P, no: PageNo) -> Result<PageRef> {
    if no == 0 {
        return Err(corrupt!("B-tree child pointer is 0"));
    }
    p.page(no)
}

/// Descends from `root` towards `key`, filling `path` (leaf last, its slot
/// set to the search position) and returning the leaf and whether the key
/// is present.
pub fn descend<P: PageRead>(
    p: &P,
    root: PageNo,
    key: &[u8],
    path: &mut Path,
) -> Result<(PageRef, bool)> {
    path.clear();
    let usable = p.usable_size();
    let mut no = root;
    loop {
        // Interior nodes are only looked at; the leaf is handed out.
        if let Some(child) = interior_step(p, no, key, path)? {
            no = child;
            continue;
        }
        let page = read_node(p, no)?;
        let node = Node::new(&page[..usable], no)?;
        if !node.is_leaf() {
            return Err(corrupt!("page {no}: node changed kind during a descent"));
        }
        let (slot, found) = match node.search(key)? {
            Ok(i) => (i, true),
            Err(i) => (i, false),
        };
        path.push(no, slot)?;
        return Ok((page, found));
    }
}

/// If page `no` is an interior node, pushes the child slot towards `key`
/// on `path` and returns that child; `None` for a leaf.
#[inline]
fn interior_step<P: PageRead>(
    p: &P,
    no: PageNo,
    key: &[u8],
    path: &mut Path,
) -> Result<Option<PageNo>> {
    if no == 0 {
        return Err(corrupt!("B-tree child pointer is 0"));
    }
    let usable = p.usable_size();
    p.with_page(no, |page| {
        let node = Node::new(&page[..usable], no)?;
        if node.is_leaf() {
            return Ok(None);
        }
        let slot = node.child_slot(key)?;
        path.push(no, slot)?;
        Ok(Some(node.child(slot)?))
    })
}

/// Fills `path` with the right edge of the tree from `root` when `key`
/// belongs past its last key: not below any interior node's last
/// separator and above the right-most leaf's last key. Then the leaf's
/// slot is its length and every level's slot its right-most child, as
/// [`descend`] would have found them. Returns false (the path is then
/// partial) as soon as a level shows the key belongs elsewhere.
fn descend_right_edge<P: PageRead>(
    p: &P,
    root: PageNo,
    key: &[u8],
    path: &mut Path,
) -> Result<bool> {
    path.clear();
    let usable = p.usable_size();
    let mut no = root;
    loop {
        if no == 0 {
            return Err(corrupt!("B-tree child pointer is 0"));
        }
        // Some(child): go on down; None: a leaf, where the answer is known.
        let step = p.with_page(no, |page| {
            let node = Node::new(&page[..usable], no)?;
            let n = node.len();
            let last = match n {
                0 => None,
                _ => Some(compare_keys(key, node.key(n - 1)?)),
            };
            path.push(no, n)?;
            if node.is_leaf() {
                return Ok(Err(last.is_none_or(|o| o == Ordering::Greater)));
            }
            match last {
                Some(Ordering::Less) => Ok(Err(false)),
                _ => Ok(Ok(node.right())),
            }
        })?;
        match step {
            Ok(child) => no = child,
            Err(past_end) => return Ok(past_end),
        }
    }
}

/// Refuses a key or value too long for a tree with `usable`-byte pages
/// (SQLSTATE 54000).
pub(super) fn check_sizes(usable: usize, key: &[u8], value: &[u8]) -> Result<()> {
    let max_key = node::max_key_len(usable);
    if key.len() > max_key {
        return Err(err!(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "index row size {} exceeds maximum {max_key} for index",
            key.len()
        )
        .with_hint("Values larger than a quarter of a page cannot be indexed."));
    }
    if value.len() > node::MAX_VALUE_LEN {
        return Err(err!(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "row value of {} bytes exceeds the maximum of {} bytes",
            value.len(),
            node::MAX_VALUE_LEN
        ));
    }
    Ok(())
}

/// The leaf cell for `key` and `value`, writing the value's overflow
/// chain first unless it is `inline`.
fn leaf_cell<W: PageWrite>(w: &mut W, key: &[u8], value: &[u8], inline: bool) -> Result<Vec<u8>> {
    let value_ref = if inline {
        ValueRef::Inline(value)
    } else {
        ValueRef::Overflow {
            len: value.len(),
            first: overflow::write_chain(w, value)?,
        }
    };
    let mut cell = Vec::with_capacity(node::leaf_cell_size(key.len(), Some(value.len())));
    encode_leaf_cell(&mut cell, key, value_ref);
    Ok(cell)
}

/// One level of [`BTree::get_with`]'s descent.
enum Step<R> {
    Child(PageNo),
    Absent,
    Found(R),
    Overflow(usize, PageNo),
}

/// A B+tree of byte keys and values, identified by its root page, which
/// stays the same for the tree's whole life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BTree {
    root: PageNo,
}

impl BTree {
    /// Creates an empty tree in a newly allocated page.
    pub fn create<W: PageWrite>(w: &mut W) -> Result<BTree> {
        let usable = w.usable_size();
        if !(MIN_USABLE..=MAX_USABLE).contains(&usable) {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "B-trees need a usable page size between {MIN_USABLE} and {MAX_USABLE}, not {usable}"
            ));
        }
        let root = w.allocate()?;
        NodeMut::init(w.page_mut(root)?, KIND_LEAF);
        Ok(BTree { root })
    }

    /// The tree whose root is `root` (as returned by [`BTree::root`]).
    pub fn open(root: PageNo) -> BTree {
        BTree { root }
    }

    pub fn root(&self) -> PageNo {
        self.root
    }

    /// Largest key this tree accepts with pages of `usable` bytes.
    pub fn max_key_len(usable: usize) -> usize {
        node::max_key_len(usable)
    }

    /// Calls `f` with the value stored under `key`, if any. Inline values are
    /// passed straight from the page, without a copy.
    pub fn get_with<P: PageRead, R>(
        &self,
        p: &P,
        key: &[u8],
        f: impl FnOnce(&[u8]) -> R,
    ) -> Result<Option<R>> {
        let usable = p.usable_size();
        let mut no = self.root;
        let mut f = Some(f);
        for _ in 0..MAX_DEPTH {
            if no == 0 {
                return Err(corrupt!("B-tree child pointer is 0"));
            }
            // The leaf's inline value goes to `f` straight from the page;
            // an overflow chain is read after the page is let go.
            let step = p.with_page(no, |page| {
                let node = Node::new(&page[..usable], no)?;
                if !node.is_leaf() {
                    return Ok(Step::Child(node.child(node.child_slot(key)?)?));
                }
                let Ok(i) = node.search(key)? else {
                    return Ok(Step::Absent);
                };
                Ok(match node.leaf_entry(i)?.1 {
                    ValueRef::Inline(v) => match f.take() {
                        Some(f) => Step::Found(f(v)),
                        None => Step::Absent,
                    },
                    ValueRef::Overflow { len, first } => Step::Overflow(len, first),
                })
            })?;
            return match step {
                Step::Child(child) => {
                    no = child;
                    continue;
                }
                Step::Absent => Ok(None),
                Step::Found(r) => Ok(Some(r)),
                Step::Overflow(len, first) => {
                    let mut buf = Vec::new();
                    overflow::read_chain(p, first, len, &mut buf)?;
                    Ok(f.take().map(|f| f(&buf)))
                }
            };
        }
        Err(corrupt!(
            "B-tree {} deeper than {MAX_DEPTH} levels",
            self.root
        ))
    }

    /// The value stored under `key`, if any.
    pub fn get<P: PageRead>(&self, p: &P, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.get_with(p, key, |v| v.to_vec())
    }

    /// Whether `key` is present.
    pub fn contains<P: PageRead>(&self, p: &P, key: &[u8]) -> Result<bool> {
        Ok(self.get_with(p, key, |_| ())?.is_some())
    }

    /// Stores `value` under `key`, replacing any previous value. Returns
    /// whether a value was replaced. Keys longer than
    /// [`BTree::max_key_len`] fail with SQLSTATE 54000.
    pub fn insert<W: PageWrite>(&self, w: &mut W, key: &[u8], value: &[u8]) -> Result<bool> {
        self.put(w, key, value, true)
    }

    /// Stores `value` under `key` only if the key is absent: returns
    /// whether it did (`false`: the key exists and nothing changed). One
    /// descent, where a lookup then an insert take two (a unique key's
    /// insert).
    pub fn insert_new<W: PageWrite>(&self, w: &mut W, key: &[u8], value: &[u8]) -> Result<bool> {
        self.put(w, key, value, false).map(|found| !found)
    }

    /// [`BTree::insert`], or with `replace` false, leaving an existing key
    /// alone; returns whether the key was found.
    fn put<W: PageWrite>(
        &self,
        w: &mut W,
        key: &[u8],
        value: &[u8],
        replace: bool,
    ) -> Result<bool> {
        let usable = w.usable_size();
        check_sizes(usable, key, value)?;
        let mut path = Path::new();
        let (leaf, found) = descend(w, self.root, key, &mut path)?;
        if found && !replace {
            return Ok(true);
        }
        let inline = node::value_fits_inline(usable, key.len(), value.len());
        let at = path.get(path.len() - 1);
        if found {
            let (in_place, old_chain) =
                match Node::new(&leaf[..usable], at.page)?.leaf_entry(at.slot)?.1 {
                    ValueRef::Inline(v) => {
                        let start = v.as_ptr() as usize - leaf.as_ptr() as usize;
                        (inline && v.len() == value.len(), Err(start))
                    }
                    ValueRef::Overflow { len, first } => (false, Ok((len, first))),
                };
            drop(leaf);
            match old_chain {
                // Same-size inline replacement: overwrite the bytes in place.
                Err(start) if in_place => {
                    w.page_mut(at.page)?[start..start + value.len()].copy_from_slice(value);
                    return Ok(true);
                }
                Ok((len, first)) => overflow::free_chain(w, first, len)?,
                Err(_) => {}
            }
            NodeMut {
                buf: w.page_mut(at.page)?,
            }
            .remove(at.slot)?;
        } else {
            drop(leaf);
        }
        let cell = leaf_cell(w, key, value, inline)?;
        balance::insert_cell(w, &path, cell)?;
        Ok(found)
    }

    /// [`BTree::insert`] for a key the caller expects above every key in
    /// the tree (a new row id): the descent follows the right edge, one
    /// key comparison a level, instead of searching each node. A key that
    /// is not past the end takes the ordinary insert, so the result is the
    /// same either way.
    pub fn insert_past_end<W: PageWrite>(
        &self,
        w: &mut W,
        key: &[u8],
        value: &[u8],
    ) -> Result<bool> {
        let usable = w.usable_size();
        check_sizes(usable, key, value)?;
        let mut path = Path::new();
        if !descend_right_edge(w, self.root, key, &mut path)? {
            return self.put(w, key, value, true);
        }
        let inline = node::value_fits_inline(usable, key.len(), value.len());
        let cell = leaf_cell(w, key, value, inline)?;
        balance::insert_cell(w, &path, cell)?;
        Ok(false)
    }

    /// Removes `key`. Returns whether it was present.
    pub fn delete<W: PageWrite>(&self, w: &mut W, key: &[u8]) -> Result<bool> {
        let usable = w.usable_size();
        let mut path = Path::new();
        let (leaf, found) = descend(w, self.root, key, &mut path)?;
        if !found {
            return Ok(false);
        }
        let at = path.get(path.len() - 1);
        let old_chain = match Node::new(&leaf[..usable], at.page)?.leaf_entry(at.slot)?.1 {
            ValueRef::Overflow { len, first } => Some((len, first)),
            ValueRef::Inline(_) => None,
        };
        drop(leaf);
        if let Some((len, first)) = old_chain {
            overflow::free_chain(w, first, len)?;
        }
        NodeMut {
            buf: w.page_mut(at.page)?,
        }
        .remove(at.slot)?;
        balance::rebalance(w, &path)?;
        Ok(true)
    }

    /// Frees every page of the tree, its root and overflow chains included.
    pub fn destroy<W: PageWrite>(self, w: &mut W) -> Result<()> {
        self.free_pages(w, false)
    }

    /// Frees every page of the tree and its overflow chains; the root too
    /// unless `keep_root` (then the caller reuses it).
    pub(super) fn free_pages<W: PageWrite>(&self, w: &mut W, keep_root: bool) -> Result<()> {
        let usable = w.usable_size();
        let mut stack = vec![(self.root, 0usize)];
        while let Some((no, depth)) = stack.pop() {
            if depth >= MAX_DEPTH {
                return Err(corrupt!(
                    "B-tree {} deeper than {MAX_DEPTH} levels",
                    self.root
                ));
            }
            let page = read_node(w, no)?;
            let node = Node::new(&page[..usable], no)?;
            for i in 0..node.len() {
                if node.is_leaf() {
                    if let ValueRef::Overflow { len, first } = node.leaf_entry(i)?.1 {
                        overflow::free_chain(w, first, len)?;
                    }
                } else {
                    stack.push((node.child(i)?, depth + 1));
                }
            }
            if !node.is_leaf() {
                stack.push((node.right(), depth + 1));
            }
            drop(page);
            if !(keep_root && no == self.root) {
                w.free(no)?;
            }
        }
        Ok(())
    }

    /// Number of entries (walks every leaf).
    pub fn len<P: PageRead>(&self, p: &P) -> Result<u64> {
        let mut cursor = self.cursor();
        let mut n = 0;
        let mut more = cursor.first(p)?;
        while more {
            n += 1;
            more = cursor.next(p)?;
        }
        Ok(n)
    }

    /// Whether the tree has no entries.
    pub fn is_empty<P: PageRead>(&self, p: &P) -> Result<bool> {
        Ok(!self.cursor().first(p)?)
    }

    /// A cursor over this tree, not yet positioned.
    pub fn cursor(&self) -> super::BTreeCursor {
        super::BTreeCursor::new(self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::MemPages;

    #[test]
    fn small_tree_operations() {
        let mut w = MemPages::new(4096);
        let t = BTree::create(&mut w).unwrap();
        assert!(!t.insert(&mut w, b"b", b"2").unwrap());
        assert!(!t.insert(&mut w, b"a", b"1").unwrap());
        assert!(t.insert(&mut w, b"a", b"9").unwrap());
        assert!(t.insert(&mut w, b"a", b"longer").unwrap());
        assert_eq!(t.get(&w, b"a").unwrap(), Some(b"longer".to_vec()));
        assert_eq!(t.get(&w, b"c").unwrap(), None);
        assert_eq!(t.len(&w).unwrap(), 2);
        assert!(t.delete(&mut w, b"a").unwrap());
        assert!(!t.delete(&mut w, b"a").unwrap());
        t.destroy(&mut w).unwrap();
        assert_eq!(w.allocated(), 0);
    }

    #[test]
    fn insert_new_leaves_an_existing_key_alone() {
        let mut w = MemPages::new(4096);
        let t = BTree::create(&mut w).unwrap();
        assert!(t.insert_new(&mut w, b"a", b"1").unwrap());
        assert!(!t.insert_new(&mut w, b"a", b"2").unwrap());
        assert_eq!(t.get(&w, b"a").unwrap(), Some(b"1".to_vec()));
        // Enough keys for splits: every second one is refused.
        for i in 0..2000u32 {
            assert!(t.insert_new(&mut w, &i.to_be_bytes(), &[7; 40]).unwrap());
        }
        for i in 0..2000u32 {
            assert!(!t.insert_new(&mut w, &i.to_be_bytes(), b"x").unwrap());
        }
        assert_eq!(t.len(&w).unwrap(), 2001);
        assert_eq!(t.get(&w, &5u32.to_be_bytes()).unwrap(), Some(vec![7; 40]));
    }

    #[test]
    fn oversized_key_is_54000() {
        let mut w = MemPages::new(4096);
        let t = BTree::create(&mut w).unwrap();
        let max = BTree::max_key_len(w.usable_size());
        t.insert(&mut w, &vec![1; max], b"").unwrap();
        let e = t.insert(&mut w, &vec![1; max + 1], b"").unwrap_err();
        assert_eq!(e.code(), SqlState::PROGRAM_LIMIT_EXCEEDED);
        assert!(e.message().contains("exceeds maximum"), "{e}");
    }

    #[test]
    fn large_values_overflow_and_free() {
        let mut w = MemPages::new(4096);
        let t = BTree::create(&mut w).unwrap();
        let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
        t.insert(&mut w, b"big", &big).unwrap();
        assert!(w.allocated() > 700);
        assert_eq!(t.get(&w, b"big").unwrap().unwrap(), big);
        assert_eq!(
            t.get_with(&w, b"big", |v| v.len()).unwrap(),
            Some(big.len())
        );
        t.insert(&mut w, b"big", b"small now").unwrap();
        assert_eq!(w.allocated(), 1);
        t.insert(&mut w, b"big", &big).unwrap();
        t.delete(&mut w, b"big").unwrap();
        assert_eq!(w.allocated(), 1);
    }

    #[test]
    fn many_keys_grow_and_shrink() {
        let mut w = MemPages::new(512);
        let t = BTree::create(&mut w).unwrap();
        let key = |i: u32| (i.wrapping_mul(2654435761) % 100_000).to_be_bytes();
        for i in 0..5000 {
            t.insert(&mut w, &key(i), &i.to_le_bytes()).unwrap();
        }
        for i in 0..5000 {
            assert_eq!(t.get(&w, &key(i)).unwrap(), Some(i.to_le_bytes().to_vec()));
        }
        let report = super::super::check(&w, t.root(), &mut |_| {});
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert!(report.height >= 3);
        for i in 0..5000 {
            assert!(t.delete(&mut w, &key(i)).unwrap());
        }
        assert_eq!(w.allocated(), 1);
    }

    #[test]
    fn sorted_inserts_fill_pages() {
        let mut w = MemPages::new(4096);
        let t = BTree::create(&mut w).unwrap();
        for i in 0..100_000u64 {
            t.insert(&mut w, &i.to_be_bytes(), &i.to_le_bytes())
                .unwrap();
        }
        // 8-byte keys and values: 24 bytes a cell, about 170 a page when full.
        let leaves = 100_000 / ((4092 - 12) / 24);
        assert!(
            w.allocated() < leaves * 102 / 100,
            "{} pages",
            w.allocated()
        );
        let report = super::super::check(&w, t.root(), &mut |_| {});
        assert!(report.problems.is_empty(), "{:?}", report.problems);
    }
}
