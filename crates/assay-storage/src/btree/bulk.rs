//! Building a tree bottom-up from entries in key order.
//!
//! Loading a million rows key by key costs a descent from the root, a
//! copy-on-write of the leaf and now and then a split for every entry. When
//! the entries are already sorted (an index or primary key built over an
//! existing table, after one sort), [`BTree::load_sorted`] instead fills
//! leaves left to right, each written once, and then builds each interior
//! level from the one below it:
//!
//! 1. Leaves: cells are appended to a page image until the next one does not
//!    fit; the image is written to a newly allocated page. For every leaf
//!    after the first, the separator from its left neighbour is the
//!    shortest key above the left leaf's last key and at most its own first
//!    key (as a split chooses it).
//! 2. Interior levels: the children of one level, each with the separator
//!    below it, are grouped into nodes as full as they fit; a group's first
//!    child's separator goes up to the next level. The last group never
//!    has a lone child (it takes one from its left neighbour), so every
//!    interior node has a key.
//! 3. The root: a tree's root page is fixed for life, so the top node's
//!    image is copied into the root page and its own page freed.
//!
//! Pages end up as full as sorted inserts leave them (the right-most node
//! of a level may be nearly empty; deletes rebalance it as usual).
//! [`BTree::clear`] empties a tree for such a load, keeping its root.

use crate::{corrupt, err, PageNo, PageWrite, Result, SqlState};

use super::balance::shortest_separator;
use super::node::{
    self, encode_interior_cell, encode_leaf_cell, NodeMut, ValueRef, INTERIOR_CELL_HEADER,
    KIND_INTERIOR, KIND_LEAF, SLOT_SIZE,
};
use super::overflow;
use super::tree::{read_node, BTree};

/// A node written during the load: its page and the separator that bounds
/// its keys from below (empty for the left-most node of a level).
struct Built {
    page: PageNo,
    low: Vec<u8>,
}

impl BTree {
    /// Frees every page of the tree but its root, which becomes an empty
    /// leaf again.
    pub fn clear<W: PageWrite>(&self, w: &mut W) -> Result<()> {
        self.free_pages(w, true)?;
        let root = self.root();
        NodeMut::init(w.page_mut(root)?, KIND_LEAF);
        Ok(())
    }

    /// Loads `entries`, in strictly ascending key order, into this tree,
    /// which must be empty. Returns the number of entries. Keys longer
    /// than [`BTree::max_key_len`] fail with SQLSTATE 54000; keys out of
    /// order or a tree that is not empty are the caller's bug (XX000).
    pub fn load_sorted<W, I, K, V>(&self, w: &mut W, entries: I) -> Result<u64>
    where
        W: PageWrite,
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<[u8]>,
        V: AsRef<[u8]>,
    {
        if !self.is_empty(w)? {
            return Err(err!(
                SqlState::INTERNAL_ERROR,
                "B-tree {} is not empty: a sorted load needs an empty tree",
                self.root()
            ));
        }
        let usable = w.usable_size();
        let mut level: Vec<Built> = Vec::new();
        let mut image = vec![0u8; usable];
        let mut leaf = NodeMut::init(&mut image, KIND_LEAF);
        let mut cell = Vec::new();
        let mut prev: Vec<u8> = Vec::new();
        let mut low: Vec<u8> = Vec::new();
        let mut count = 0u64;
        for (key, value) in entries {
            let (key, value) = (key.as_ref(), value.as_ref());
            super::tree::check_sizes(usable, key, value)?;
            if count > 0 && key <= prev.as_slice() {
                return Err(err!(
                    SqlState::INTERNAL_ERROR,
                    "sorted load into B-tree {}: keys out of order",
                    self.root()
                ));
            }
            let value_ref = if node::value_fits_inline(usable, key.len(), value.len()) {
                ValueRef::Inline(value)
            } else {
                ValueRef::Overflow {
                    len: value.len(),
                    first: overflow::write_chain(w, value)?,
                }
            };
            encode_leaf_cell(&mut cell, key, value_ref);
            let n = leaf.view().len();
            if !leaf.insert(n, &cell)? {
                level.push(Built {
                    page: write_image(w, leaf.buf)?,
                    low: std::mem::take(&mut low),
                });
                low = shortest_separator(&prev, key).to_vec();
                leaf = NodeMut::init(leaf.buf, KIND_LEAF);
                if !leaf.insert(0, &cell)? {
                    return Err(corrupt!("a leaf cell does not fit an empty node"));
                }
            }
            prev.clear();
            prev.extend_from_slice(key);
            count += 1;
        }
        if count == 0 {
            return Ok(0);
        }
        level.push(Built {
            page: write_image(w, leaf.buf)?,
            low,
        });
        while level.len() > 1 {
            level = interior_level(w, level, &mut image)?;
        }
        // The top node moves into the root page.
        let top = level[0].page;
        let page = read_node(w, top)?;
        w.page_mut(self.root())?.copy_from_slice(&page[..usable]);
        drop(page);
        w.free(top)?;
        Ok(count)
    }
}

/// Writes a node image to a newly allocated page.
fn write_image<W: PageWrite>(w: &mut W, image: &[u8]) -> Result<PageNo> {
    let no = w.allocate()?;
    w.page_mut(no)?.copy_from_slice(image);
    Ok(no)
}

/// Bytes an interior cell with `key` takes in a node, slot included.
fn interior_size(key: &[u8]) -> usize {
    INTERIOR_CELL_HEADER + key.len() + SLOT_SIZE
}

/// Groups `children` into interior nodes and writes them; returns the
/// nodes, each with the separator of its first child.
fn interior_level<W: PageWrite>(
    w: &mut W,
    children: Vec<Built>,
    image: &mut [u8],
) -> Result<Vec<Built>> {
    let capacity = node::capacity(image.len());
    // Each group is a range of children: the first child's separator goes
    // up, the others' become the node's keys.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut used = 0;
    for (i, child) in children.iter().enumerate().skip(1) {
        let size = interior_size(&child.low);
        if used + size > capacity {
            groups.push((start, i));
            start = i;
            used = 0;
            continue;
        }
        used += size;
    }
    groups.push((start, children.len()));
    // A last group of one child would be a node without keys: it takes
    // the last child of the group before it, which then still has keys.
    let last = groups.len() - 1;
    if last > 0 && groups[last].1 - groups[last].0 == 1 {
        groups[last - 1].1 -= 1;
        groups[last].0 -= 1;
    }
    let mut level = Vec::with_capacity(groups.len());
    let mut cell = Vec::new();
    let mut children = children.into_iter();
    for (from, to) in groups {
        let mut node = NodeMut::init(image, KIND_INTERIOR);
        let first = children
            .next()
            .ok_or_else(|| corrupt!("interior level ran out of children"))?;
        let mut left = first.page;
        for slot in 0..to - from - 1 {
            let child = children
                .next()
                .ok_or_else(|| corrupt!("interior level ran out of children"))?;
            // Keys below the child's separator belong to the child before.
            encode_interior_cell(&mut cell, left, &child.low);
            if !node.insert(slot, &cell)? {
                return Err(corrupt!("an interior group does not fit its node"));
            }
            left = child.page;
        }
        node.set_right(left);
        level.push(Built {
            page: write_image(w, node.buf)?,
            low: first.low,
        });
    }
    Ok(level)
}

#[cfg(test)]
mod tests {
    use super::super::check;
    use super::*;
    use crate::page::MemPages;
    use crate::PageRead;

    fn key(i: u64) -> [u8; 8] {
        i.to_be_bytes()
    }

    fn load(page: usize, n: u64, value: impl Fn(u64) -> Vec<u8>) -> (MemPages, BTree) {
        let mut w = MemPages::new(page);
        let t = BTree::create(&mut w).unwrap();
        let loaded = t
            .load_sorted(&mut w, (0..n).map(|i| (key(i), value(i))))
            .unwrap();
        assert_eq!(loaded, n);
        (w, t)
    }

    fn assert_sound(w: &MemPages, t: BTree, n: u64) -> check::CheckReport {
        let report = check(w, t.root(), &mut |_| {});
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.entries, n);
        report
    }

    #[test]
    fn loads_every_size_from_empty_to_several_levels() {
        for n in [0, 1, 2, 17, 18, 19, 100, 1000, 20_000] {
            let (w, t) = load(256, n, |i| i.to_le_bytes().to_vec());
            let report = assert_sound(&w, t, n);
            for i in (0..n).step_by(7) {
                assert_eq!(t.get(&w, &key(i)).unwrap(), Some(i.to_le_bytes().to_vec()));
            }
            assert_eq!(t.get(&w, &key(n)).unwrap(), None);
            if n == 20_000 {
                assert!(report.height >= 3, "height {}", report.height);
            }
            let mut c = t.cursor();
            let mut more = c.first(&w).unwrap();
            let mut seen = 0;
            while more {
                assert_eq!(c.key().unwrap(), key(seen));
                seen += 1;
                more = c.next(&w).unwrap();
            }
            assert_eq!(seen, n);
        }
    }

    #[test]
    fn loaded_pages_are_full() {
        let (w, t) = load(4096, 100_000, |i| i.to_le_bytes().to_vec());
        assert_sound(&w, t, 100_000);
        // 8-byte keys and values: 24 bytes a cell, about 170 a page when full.
        let leaves = 100_000 / ((4096 - 12) / 24);
        assert!(
            w.allocated() < leaves * 102 / 100,
            "{} pages",
            w.allocated()
        );
    }

    #[test]
    fn a_loaded_tree_takes_inserts_and_deletes() {
        let (mut w, t) = load(256, 3000, |i| vec![i as u8; (i % 40) as usize]);
        for i in (0..3000).step_by(2) {
            assert!(t.delete(&mut w, &key(i)).unwrap());
        }
        for i in 3000..3500 {
            t.insert(&mut w, &key(i), b"later").unwrap();
        }
        assert_sound(&w, t, 2000);
        t.clear(&mut w).unwrap();
        assert_eq!(w.allocated(), 1);
        assert!(t.is_empty(&w).unwrap());
    }

    #[test]
    fn large_values_go_to_overflow_chains_and_clear_frees_them() {
        let big = |i: u64| vec![(i % 251) as u8; 5000];
        let (mut w, t) = load(512, 50, big);
        assert_sound(&w, t, 50);
        assert_eq!(t.get(&w, &key(33)).unwrap(), Some(big(33)));
        t.clear(&mut w).unwrap();
        assert_eq!(w.allocated(), 1);
        let again = t
            .load_sorted(&mut w, (0..5).map(|i| (key(i), big(i))))
            .unwrap();
        assert_eq!(again, 5);
        assert_sound(&w, t, 5);
    }

    #[test]
    fn long_keys_make_many_interior_levels() {
        // Keys of 46 bytes (near the 48 allowed) differing only at the end: long separators, so
        // interior nodes hold few cells and the last group may be short.
        let long = |i: u64| {
            let mut k = vec![b'k'; 38];
            k.extend_from_slice(&i.to_be_bytes());
            k
        };
        for n in [30, 61, 500, 4000] {
            let mut w = MemPages::new(256);
            let t = BTree::create(&mut w).unwrap();
            t.load_sorted(&mut w, (0..n).map(|i| (long(i), b"v")))
                .unwrap();
            assert_sound(&w, t, n);
            assert_eq!(t.get(&w, &long(n - 1)).unwrap(), Some(b"v".to_vec()));
        }
    }

    #[test]
    fn refuses_unsorted_keys_a_full_tree_and_long_keys() {
        let mut w = MemPages::new(256);
        let t = BTree::create(&mut w).unwrap();
        let e = t
            .load_sorted(&mut w, [(key(2), b"a"), (key(1), b"b")])
            .unwrap_err();
        assert_eq!(e.code(), SqlState::INTERNAL_ERROR);
        let e = t
            .load_sorted(&mut w, [(key(1), b"a"), (key(1), b"b")])
            .unwrap_err();
        assert_eq!(e.code(), SqlState::INTERNAL_ERROR);
        t.clear(&mut w).unwrap();
        t.insert(&mut w, b"x", b"y").unwrap();
        let e = t.load_sorted(&mut w, [(key(1), b"a")]).unwrap_err();
        assert_eq!(e.code(), SqlState::INTERNAL_ERROR);
        t.clear(&mut w).unwrap();
        let max = BTree::max_key_len(w.usable_size());
        let e = t
            .load_sorted(&mut w, [(vec![1u8; max + 1], b"a")])
            .unwrap_err();
        assert_eq!(e.code(), SqlState::PROGRAM_LIMIT_EXCEEDED);
    }
}
