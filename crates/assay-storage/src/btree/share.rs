//! Rebalancing a full leaf over a window of siblings instead of splitting it
//! alone.
//!
//! Splitting every leaf that overflows leaves pages about two thirds full
//! under random inserts (each split makes two half-full pages), and sharing
//! with one sibling only lifts that to about four fifths. When a leaf cannot
//! take a new cell, [`rebalance_window`] takes a window of up to three
//! adjacent leaves under the same parent (the full one and its neighbours),
//! and spreads their cells plus the new one evenly:
//!
//! - over the same pages, if each ends at or under [`SHARE_LIMIT`] of a page:
//!   only the parent's separators between them change;
//! - otherwise over one page more: a new page takes the lowest cells and
//!   the parent gets a cell (new page, separator) just before the window's
//!   first child, as a plain split would add, so no child pointer changes.
//!
//! So three nearly full leaves become four leaves three quarters full, not
//! one nearly full leaf two half-full ones. A simulation of uniform random
//! inserts (cells of 1/36 page) gave 80% fill for a split with a one-sibling
//! share and 85% for this window with the [`SHARE_LIMIT`] below; the 1M-row
//! random insert of `assay-bench storage` needs 6% fewer pages (see
//! `BENCHMARKS.md`).
//!
//! The separators replaced in the parent must fit in its free space, else
//! the caller splits the leaf alone; the new cell of the one-page-more case
//! is inserted by the caller, which splits the parent if it is full.

use crate::{corrupt, PageNo, PageWrite, Result};

use super::balance::shortest_separator;
use super::node::{self, cell_key, encode_interior_cell, Node, NodeMut, KIND_LEAF, SLOT_SIZE};
use super::tree::Path;

/// How full (in 32nds of a page) each page may be after a redistribution
/// over the same pages. Below a full page, so that the next insert does not
/// overflow again at once: at 31/32 a tenth of random inserts rebalanced a
/// window and the 1M-row insert ran 16% more instructions than with a
/// one-sibling share; at 30/32 (the simulation: 85% fill) fewer do.
const SHARE_LIMIT: usize = 30;

/// Widest window of siblings rebalanced together.
const WINDOW: usize = 3;

/// What the caller must still do after [`rebalance_window`].
pub enum Rebalanced {
    /// The window could not be used: split the leaf alone.
    No,
    /// Done; the parent did not grow.
    Done,
    /// Insert this interior cell (new page, separator) at this slot of the
    /// parent (which may split).
    InsertInParent(Vec<u8>, usize),
}

/// Inserts leaf cell `cell` at the leaf recorded at `depth` in `path`
/// (which is full) by spreading a window of siblings; see the module docs.
pub fn rebalance_window<W: PageWrite>(
    w: &mut W,
    path: &Path,
    depth: usize,
    cell: &[u8],
) -> Result<Rebalanced> {
    if depth == 0 {
        return Ok(Rebalanced::No);
    }
    let usable = w.usable_size();
    let level = path.get(depth);
    let parent = path.get(depth - 1);
    let parent_image = w.page(parent.page)?[..usable].to_vec();
    let parent_node = Node::new(&parent_image, parent.page)?;
    let children = parent_node.len() + 1;
    if children < 2 || parent.slot >= children {
        return Ok(Rebalanced::No);
    }
    // Children lo..hi of the parent, the full leaf among them.
    let hi = (parent.slot.saturating_sub(1) + WINDOW).min(children);
    let lo = hi.saturating_sub(WINDOW);
    let mut pages: Vec<PageNo> = Vec::with_capacity(WINDOW + 1);
    for j in lo..hi {
        pages.push(parent_node.child(j)?);
    }
    let images: Vec<Vec<u8>> = pages
        .iter()
        .map(|&no| Ok(w.page(no)?[..usable].to_vec()))
        .collect::<Result<_>>()?;
    let mut cells: Vec<&[u8]> = Vec::with_capacity(WINDOW * 64);
    let mut at = None;
    for (j, (image, &no)) in images.iter().zip(&pages).enumerate() {
        let node = Node::new(image, no)?;
        if !node.is_leaf() {
            return Ok(Rebalanced::No);
        }
        if lo + j == parent.slot {
            if level.slot > node.len() {
                return Err(corrupt!(
                    "page {no}: insert slot {} out of range",
                    level.slot
                ));
            }
            at = Some(cells.len() + level.slot);
        }
        node.push_cells(&mut cells)?;
    }
    let at = at.ok_or_else(|| corrupt!("page {}: child slot out of range", parent.page))?;
    cells.insert(at, cell);

    let capacity = node::capacity(usable);
    let total: usize = cells.iter().map(|c| c.len() + SLOT_SIZE).sum();
    let same = pages.len();
    let mut bounds = None;
    if total <= same * capacity * SHARE_LIMIT / 32 {
        bounds = even_bounds(&cells, same, capacity);
    }
    let grow = bounds.is_none();
    if grow {
        bounds = even_bounds(&cells, same + 1, capacity);
    }
    let Some(bounds) = bounds else {
        return Ok(Rebalanced::No);
    };
    // Separators between consecutive output pages.
    let separators: Vec<&[u8]> = bounds
        .windows(2)
        .skip(1)
        .map(|b| shortest_separator(cell_key(cells[b[0] - 1], true), cell_key(cells[b[0]], true)))
        .collect();
    // The parent's cells lo..hi-1 (children pages[..same-1]) get the last
    // same-1 separators; when growing, the first goes to the new page.
    let replaced = &separators[separators.len() - (same - 1)..];
    let mut room = capacity - parent_node.used();
    for j in lo..hi - 1 {
        room += parent_node.cell(j)?.len() + SLOT_SIZE;
    }
    let need: usize = replaced
        .iter()
        .map(|s| node::INTERIOR_CELL_HEADER + s.len() + SLOT_SIZE)
        .sum();
    if need > room {
        return Ok(Rebalanced::No);
    }
    let mut out_pages = Vec::with_capacity(same + 1);
    if grow {
        out_pages.push(w.allocate()?);
    }
    out_pages.extend_from_slice(&pages);
    for (q, &no) in out_pages.iter().enumerate() {
        NodeMut::fill(
            w.page_mut(no)?,
            KIND_LEAF,
            &cells[bounds[q]..bounds[q + 1]],
            0,
        );
    }
    let mut parent_mut = NodeMut {
        buf: w.page_mut(parent.page)?,
    };
    let mut sep_cell = Vec::new();
    for (j, separator) in (lo..hi - 1).zip(replaced) {
        parent_mut.remove(j)?;
        encode_interior_cell(&mut sep_cell, pages[j - lo], separator);
        if !parent_mut.insert(j, &sep_cell)? {
            return Err(corrupt!("page {}: separator no longer fits", parent.page));
        }
    }
    if !grow {
        return Ok(Rebalanced::Done);
    }
    encode_interior_cell(&mut sep_cell, out_pages[0], separators[0]);
    Ok(Rebalanced::InsertInParent(sep_cell, lo))
}

/// Cut points `0 = b0 < b1 < … < bk = cells.len()` spreading `cells` (with
/// their slots) over `k` pages of `capacity` bytes about evenly, or `None`
/// if some page would be empty or overfull.
fn even_bounds(cells: &[&[u8]], k: usize, capacity: usize) -> Option<Vec<usize>> {
    let total: usize = cells.iter().map(|c| c.len() + SLOT_SIZE).sum();
    let mut bounds = Vec::with_capacity(k + 1);
    bounds.push(0);
    let (mut i, mut acc) = (0, 0);
    for q in 1..k {
        let target = total * q / k;
        // Take cells while the page's middle byte stays under the target.
        while i < cells.len() && acc + (cells[i].len() + SLOT_SIZE) / 2 < target {
            acc += cells[i].len() + SLOT_SIZE;
            i += 1;
        }
        bounds.push(i);
    }
    bounds.push(cells.len());
    let fits = bounds.windows(2).all(|b| {
        b[0] < b[1]
            && cells[b[0]..b[1]]
                .iter()
                .map(|c| c.len() + SLOT_SIZE)
                .sum::<usize>()
                <= capacity
    });
    fits.then_some(bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_bounds_spread_and_refuse() {
        let c = [0u8; 10];
        let cells: Vec<&[u8]> = vec![&c; 9];
        assert_eq!(even_bounds(&cells, 3, 1000), Some(vec![0, 3, 6, 9]));
        assert_eq!(even_bounds(&cells, 3, 30), None);
        assert_eq!(even_bounds(&cells[..2], 3, 1000), None);
    }
}
