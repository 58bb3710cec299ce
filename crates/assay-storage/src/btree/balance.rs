//! Keeping the tree balanced: splits on insert, merges and redistribution on
//! delete, and the fixed root.
//!
//! **Split.** A node that cannot take a new cell is split in two: the lower
//! cells move to a newly allocated page, the upper cells stay, and the parent
//! gets a cell (new page, separator) just before the slot that pointed to
//! the old page, so no existing child pointer changes. Since no cell exceeds
//! a quarter of a node, two pages always suffice. A leaf's separator is the
//! shortest prefix of the upper half's first key that is still above the
//! lower half's last key (suffix truncation keeps interior nodes wide); an
//! interior node's middle key moves up whole.
//!
//! **Sibling window.** A full leaf first spreads its cells and the new one
//! over a window of up to three adjacent leaves, over the same pages when
//! they have room and else over one page more (see `share.rs`), so random
//! inserts leave pages about seven eighths full rather than two thirds.
//!
//! **Sorted input.** When the new cell lands after the last key of the
//! right-most leaf, the split leaves every old cell in the lower page and
//! only the new one in the upper page, so ascending loads fill pages
//! completely instead of half-way. Interior nodes on the right edge split
//! the same way.
//!
//! **Root.** The root's page number never changes. A root that must split
//! first moves its content to a new child and becomes an interior node with
//! that single child; the child then splits as any other. When deletes leave
//! the root an interior node without keys, its only child's content moves
//! up into the root and the child is freed, so the tree gets shorter.
//!
//! **Delete.** A non-root node whose used bytes fall under a third of its
//! capacity is merged with a sibling when both fit in one page (the right
//! page survives, the left is freed, the parent loses their separator and is
//! examined in turn), and otherwise shares cells with it evenly, updating
//! the separator. Redistribution is skipped if the parent cannot hold the new
//! separator; a node is then left under-full, which costs space, never
//! correctness. An empty non-root node always merges, so no empty page stays.

use crate::{corrupt, PageNo, PageWrite, Result};

use super::node::{
    self, cell_child, cell_key, encode_interior_cell, Node, NodeMut, KIND_INTERIOR, SLOT_SIZE,
};
use super::share::{rebalance_window, Rebalanced};
use super::tree::Path;

/// Inserts the leaf cell `cell` at the leaf position recorded last in
/// `path`, splitting nodes up to the root as needed.
pub fn insert_cell<W: PageWrite>(w: &mut W, path: &Path, cell: Vec<u8>) -> Result<()> {
    let leaf_depth = path.len() - 1;
    let mut depth = leaf_depth;
    let mut slot = path.get(depth).slot;
    let mut cell = cell;
    let mut append: Option<bool> = None;
    loop {
        let level = path.get(depth);
        let mut node = NodeMut {
            buf: w.page_mut(level.page)?,
        };
        if node.insert(slot, &cell)? {
            return Ok(());
        }
        let append = *append.get_or_insert(is_right_edge_append(w, path)?);
        if !append && depth == leaf_depth {
            match rebalance_window(w, path, depth, &cell)? {
                Rebalanced::Done => return Ok(()),
                Rebalanced::InsertInParent(parent_cell, parent_slot) => {
                    cell = parent_cell;
                    slot = parent_slot;
                    depth -= 1;
                    continue;
                }
                Rebalanced::No => {}
            }
        }
        let page = if depth == 0 {
            move_root_down(w, level.page)?
        } else {
            level.page
        };
        let (left, separator) = split(w, page, slot, &cell, append)?;
        node::encode_interior_cell(&mut cell, left, &separator);
        if depth == 0 {
            // The root now holds one child: the upper half. Add the lower.
            let fitted = NodeMut {
                buf: w.page_mut(level.page)?,
            }
            .insert(0, &cell)?;
            debug_assert!(fitted);
            return Ok(());
        }
        depth -= 1;
        slot = path.get(depth).slot;
    }
}

/// Whether every level of `path` took the last slot: an append past the
/// right-most key of the tree.
fn is_right_edge_append<W: PageWrite>(w: &W, path: &Path) -> Result<bool> {
    let usable = w.usable_size();
    for d in 0..path.len() {
        let level = path.get(d);
        let page = w.page(level.page)?;
        if Node::new(&page[..usable], level.page)?.len() != level.slot {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Moves the root's content to a new page and makes the root an interior
/// node whose only child is that page. Returns the new page.
fn move_root_down<W: PageWrite>(w: &mut W, root: PageNo) -> Result<PageNo> {
    let child = w.allocate()?;
    let image = w.page(root)?;
    let usable = w.usable_size();
    w.page_mut(child)?.copy_from_slice(&image[..usable]);
    drop(image);
    NodeMut::init(w.page_mut(root)?, KIND_INTERIOR).set_right(child);
    Ok(child)
}

/// Splits `page` while inserting `cell` at `slot`. The lower half moves to a
/// new page, the upper half stays. Returns (new page, separator).
fn split<W: PageWrite>(
    w: &mut W,
    page: PageNo,
    slot: usize,
    cell: &[u8],
    append: bool,
) -> Result<(PageNo, Vec<u8>)> {
    let usable = w.usable_size();
    // A private copy, so that rewriting the page does not clone it again.
    let image = w.page(page)?[..usable].to_vec();
    let node = Node::new(&image, page)?;
    let leaf = node.is_leaf();
    let mut cells = Vec::with_capacity(node.len() + 1);
    for i in 0..node.len() {
        cells.push(node.cell(i)?);
    }
    if slot > cells.len() {
        return Err(corrupt!("page {page}: insert slot {slot} out of range"));
    }
    cells.insert(slot, cell);
    let kind = image[0];
    let right = node.right();
    // Leaves: lower = cells[..m], upper = cells[m..].
    // Interior: lower = cells[..m] with right child cells[m].child,
    // separator = cells[m].key, upper = cells[m+1..].
    let m = if append {
        if leaf {
            cells.len() - 1
        } else {
            cells.len() - 2
        }
    } else {
        balanced_split_point(&cells, leaf)
    };
    let (separator, lower_right, upper) = if leaf {
        let sep = shortest_separator(cell_key(cells[m - 1], true), cell_key(cells[m], true));
        (sep.to_vec(), 0, &cells[m..])
    } else {
        (
            cell_key(cells[m], false).to_vec(),
            cell_child(cells[m]),
            &cells[m + 1..],
        )
    };
    let left = w.allocate()?;
    NodeMut::fill(w.page_mut(left)?, kind, &cells[..m], lower_right);
    NodeMut::fill(w.page_mut(page)?, kind, upper, right);
    Ok((left, separator))
}

/// The index that splits `cells` into two halves of about equal bytes,
/// leaving at least one cell on each side (and, for interior nodes, one more
/// to move up).
fn balanced_split_point(cells: &[&[u8]], leaf: bool) -> usize {
    let total: usize = cells.iter().map(|c| c.len() + SLOT_SIZE).sum();
    let mut acc = 0;
    let mut m = 0;
    while m < cells.len() && acc + (cells[m].len() + SLOT_SIZE) / 2 < total / 2 {
        acc += cells[m].len() + SLOT_SIZE;
        m += 1;
    }
    let hi = if leaf {
        cells.len() - 1
    } else {
        cells.len() - 2
    };
    m.clamp(1, hi)
}

/// The shortest key `s` with `lower < s <= upper` (requires `lower < upper`):
/// a prefix of `upper` one byte longer than its common prefix with `lower`.
pub fn shortest_separator<'a>(lower: &[u8], upper: &'a [u8]) -> &'a [u8] {
    let common = lower.iter().zip(upper).take_while(|(a, b)| a == b).count();
    &upper[..(common + 1).min(upper.len())]
}

/// Restores fill after a delete from the leaf recorded last in `path`.
pub fn rebalance<W: PageWrite>(w: &mut W, path: &Path) -> Result<()> {
    let usable = w.usable_size();
    let threshold = node::capacity(usable) / 3;
    let mut depth = path.len() - 1;
    loop {
        let level = path.get(depth);
        if depth == 0 {
            return collapse_root(w, level.page);
        }
        {
            let page = w.page(level.page)?;
            if Node::new(&page[..usable], level.page)?.used() >= threshold {
                return Ok(());
            }
        }
        let parent = path.get(depth - 1);
        let parent_image = w.page(parent.page)?;
        let parent_node = Node::new(&parent_image[..usable], parent.page)?;
        if parent_node.len() == 0 {
            // The parent has this node as its only child: let it rebalance.
            depth -= 1;
            continue;
        }
        // Work on the pair (child j, child j+1) separated by key j.
        let j = if parent.slot > 0 { parent.slot - 1 } else { 0 };
        let left = parent_node.child(j)?;
        let right = parent_node.child(j + 1)?;
        let separator = parent_node.key(j)?.to_vec();
        let old_sep_cell = parent_node.cell(j)?.len();
        let parent_free = node::capacity(usable) - parent_node.used();
        drop(parent_image);
        match merge_or_share(w, left, right, &separator, parent_free + old_sep_cell)? {
            Outcome::Merged => {
                w.free(left)?;
                NodeMut {
                    buf: w.page_mut(parent.page)?,
                }
                .remove(j)?;
                depth -= 1;
            }
            Outcome::Shared(new_separator) => {
                let mut cell = Vec::new();
                encode_interior_cell(&mut cell, left, &new_separator);
                let mut parent_mut = NodeMut {
                    buf: w.page_mut(parent.page)?,
                };
                parent_mut.remove(j)?;
                if !parent_mut.insert(j, &cell)? {
                    return Err(corrupt!("page {}: separator no longer fits", parent.page));
                }
                return Ok(());
            }
            Outcome::Unchanged => return Ok(()),
        }
    }
}

enum Outcome {
    /// Everything moved into the right page; the left page is to be freed.
    Merged,
    /// Cells were shared out; the parent needs this new separator.
    Shared(Vec<u8>),
    /// Nothing could be done.
    Unchanged,
}

/// Merges siblings `left` and `right` (separated by `separator` in their
/// parent) into `right`, or shares their cells out evenly if they do not fit
/// one page and the new separator's cell fits in `parent_room` bytes.
fn merge_or_share<W: PageWrite>(
    w: &mut W,
    left: PageNo,
    right: PageNo,
    separator: &[u8],
    parent_room: usize,
) -> Result<Outcome> {
    let usable = w.usable_size();
    let left_image = w.page(left)?[..usable].to_vec();
    let right_image = w.page(right)?[..usable].to_vec();
    let l = Node::new(&left_image, left)?;
    let r = Node::new(&right_image, right)?;
    if l.is_leaf() != r.is_leaf() {
        return Err(corrupt!(
            "pages {left} and {right}: sibling nodes of different kinds"
        ));
    }
    let leaf = l.is_leaf();
    let mut pulled_down = Vec::new();
    let mut cells: Vec<&[u8]> = Vec::with_capacity(l.len() + r.len() + 1);
    for i in 0..l.len() {
        cells.push(l.cell(i)?);
    }
    if !leaf {
        encode_interior_cell(&mut pulled_down, l.right(), separator);
        cells.push(&pulled_down);
    }
    for i in 0..r.len() {
        cells.push(r.cell(i)?);
    }
    let total: usize = cells.iter().map(|c| c.len() + SLOT_SIZE).sum();
    let kind = right_image[0];
    let right_child = r.right();
    if total <= node::capacity(usable) {
        NodeMut::fill(w.page_mut(right)?, kind, &cells, right_child);
        return Ok(Outcome::Merged);
    }
    if cells.len() < 3 {
        return Ok(Outcome::Unchanged);
    }
    let m = balanced_split_point(&cells, leaf);
    let (new_separator, lower_right, upper_from) = if leaf {
        let sep = shortest_separator(cell_key(cells[m - 1], true), cell_key(cells[m], true));
        (sep.to_vec(), 0, m)
    } else {
        (
            cell_key(cells[m], false).to_vec(),
            cell_child(cells[m]),
            m + 1,
        )
    };
    if node::INTERIOR_CELL_HEADER + new_separator.len() + SLOT_SIZE > parent_room {
        return Ok(Outcome::Unchanged);
    }
    NodeMut::fill(w.page_mut(left)?, kind, &cells[..m], lower_right);
    NodeMut::fill(w.page_mut(right)?, kind, &cells[upper_from..], right_child);
    Ok(Outcome::Shared(new_separator))
}

/// While the root is an interior node without keys, pulls its only child's
/// content up into it and frees the child.
fn collapse_root<W: PageWrite>(w: &mut W, root: PageNo) -> Result<()> {
    let usable = w.usable_size();
    for _ in 0..super::tree::MAX_DEPTH {
        let child = {
            let page = w.page(root)?;
            let node = Node::new(&page[..usable], root)?;
            if node.is_leaf() || node.len() > 0 {
                return Ok(());
            }
            node.right()
        };
        let image = super::tree::read_node(w, child)?;
        Node::new(&image[..usable], child)?;
        w.page_mut(root)?.copy_from_slice(&image[..usable]);
        drop(image);
        w.free(child)?;
    }
    Err(corrupt!(
        "B-tree root {root}: chain of key-less interior nodes"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_short_and_between() {
        assert_eq!(shortest_separator(b"apple", b"banana"), b"b");
        assert_eq!(shortest_separator(b"abc", b"abd"), b"abd");
        assert_eq!(shortest_separator(b"ab", b"abc"), b"abc");
        assert_eq!(shortest_separator(b"", b"a"), b"a");
        assert_eq!(shortest_separator(b"key0017", b"key0020"), b"key002");
    }

    #[test]
    fn split_points_balance_bytes() {
        let small = [0u8; 10];
        let big = [0u8; 100];
        let cells: Vec<&[u8]> = vec![&big, &small, &small, &small, &small, &small];
        assert_eq!(balanced_split_point(&cells, true), 1);
        let cells: Vec<&[u8]> = vec![&small; 6];
        assert_eq!(balanced_split_point(&cells, true), 3);
        let cells: Vec<&[u8]> = vec![&small; 3];
        assert_eq!(balanced_split_point(&cells, false), 1);
    }
}
