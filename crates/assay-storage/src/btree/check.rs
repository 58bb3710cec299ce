//! Integrity check and structure dump of one tree.
//!
//! [`check`] walks every page reachable from a root and reports what is
//! wrong as a list of readable problems, going on past each one: node
//! headers, cell extents and overlaps, free-space accounting, key order
//! within a node and against the bounds its ancestors' separators imply,
//! equal leaf depth, overflow chains. Each page the tree uses is passed to a
//! callback, so that a database-wide check can find pages used twice or
//! lost. [`dump`] prints the structure, for golden tests and debugging.

use std::collections::HashSet;
use std::fmt::Write;

use crate::{PageNo, PageRead, Result};

use super::node::{self, Node, ValueRef, SLOT_SIZE};
use super::overflow;
use super::tree::{read_node, MAX_DEPTH};

/// What [`check`] found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Everything wrong, one line each; empty for a sound tree.
    pub problems: Vec<String>,
    /// Entries in the leaves.
    pub entries: u64,
    /// Pages used: nodes plus overflow pages.
    pub pages: u64,
    /// Levels from the root to the leaves (1 for a lone root leaf).
    pub height: usize,
}

struct Checker<'a, P> {
    p: &'a P,
    root: PageNo,
    on_page: &'a mut dyn FnMut(PageNo),
    seen: HashSet<PageNo>,
    report: CheckReport,
    leaf_depth: Option<usize>,
}

/// Checks the tree rooted at `root`, calling `on_page` for each page it uses.
pub fn check<P: PageRead>(p: &P, root: PageNo, on_page: &mut dyn FnMut(PageNo)) -> CheckReport {
    let mut checker = Checker {
        p,
        root,
        on_page,
        seen: HashSet::new(),
        report: CheckReport::default(),
        leaf_depth: None,
    };
    checker.node(root, 1, None, None);
    checker.report.height = checker.leaf_depth.unwrap_or(0);
    checker.report
}

impl<P: PageRead> Checker<'_, P> {
    fn problem(&mut self, text: String) {
        self.report.problems.push(text);
    }

    fn claim(&mut self, no: PageNo) -> bool {
        if !self.seen.insert(no) {
            self.problem(format!("page {no}: used twice in tree {}", self.root));
            return false;
        }
        (self.on_page)(no);
        self.report.pages += 1;
        true
    }

    fn node(&mut self, no: PageNo, depth: usize, lower: Option<&[u8]>, upper: Option<&[u8]>) {
        if depth > MAX_DEPTH {
            self.problem(format!("page {no}: deeper than {MAX_DEPTH} levels"));
            return;
        }
        if !self.claim(no) {
            return;
        }
        let page = match read_node(self.p, no) {
            Ok(page) => page,
            Err(e) => return self.problem(format!("page {no}: {}", e.message())),
        };
        let usable = self.p.usable_size();
        let node = match Node::new(&page[..usable], no) {
            Ok(node) => node,
            Err(e) => return self.problem(e.message().to_string()),
        };
        if !self.layout(&node, usable) {
            return;
        }
        let max_key = node::max_key_len(usable);
        let mut prev: Option<&[u8]> = None;
        for i in 0..node.len() {
            let Ok(key) = node.key(i) else { continue };
            if key.len() > max_key {
                self.problem(format!("page {no}: key {i} longer than {max_key} bytes"));
            }
            if prev.is_some_and(|p| p >= key) {
                self.problem(format!("page {no}: key {i} out of order"));
            }
            if lower.is_some_and(|l| key < l) || upper.is_some_and(|u| key >= u) {
                self.problem(format!("page {no}: key {i} outside its parent's bounds"));
            }
            prev = Some(key);
        }
        if node.is_leaf() {
            self.leaf(&node, depth);
            return;
        }
        if node.len() == 0 && no == self.root {
            self.problem(format!("page {no}: root interior node without keys"));
        }
        for i in 0..=node.len() {
            let child = match node.child(i) {
                Ok(c) => c,
                Err(e) => {
                    self.problem(e.message().to_string());
                    continue;
                }
            };
            let lo = if i == 0 { lower } else { node.key(i - 1).ok() };
            let hi = if i == node.len() {
                upper
            } else {
                node.key(i).ok()
            };
            self.node(child, depth + 1, lo, hi);
        }
    }

    /// Checks cell extents and space accounting; false if cells are unusable.
    fn layout(&mut self, node: &Node<'_>, usable: usize) -> bool {
        let no = node.no();
        let mut extents = Vec::with_capacity(node.len());
        for i in 0..node.len() {
            match node.cell(i) {
                Ok(cell) => extents.push((node.cell_offset(i), cell.len())),
                Err(e) => {
                    self.problem(e.message().to_string());
                    return false;
                }
            }
        }
        extents.sort_unstable();
        let mut live = 0;
        for w in extents.windows(2) {
            if w[0].0 + w[0].1 > w[1].0 {
                self.problem(format!("page {no}: cells overlap"));
                return false;
            }
        }
        for (_, len) in &extents {
            live += len;
        }
        let content = usable - node.content_start();
        if live + node.frag() != content {
            self.problem(format!(
                "page {no}: {live} live + {} fragmented bytes, but {content} in the content area",
                node.frag()
            ));
        }
        debug_assert_eq!(node.used(), node.len() * SLOT_SIZE + content - node.frag());
        true
    }

    fn leaf(&mut self, node: &Node<'_>, depth: usize) {
        let no = node.no();
        match self.leaf_depth {
            None => self.leaf_depth = Some(depth),
            Some(d) if d != depth => {
                self.problem(format!("page {no}: leaf at depth {depth}, others at {d}"))
            }
            Some(_) => {}
        }
        if node.len() == 0 && no != self.root {
            self.problem(format!("page {no}: empty non-root leaf"));
        }
        for i in 0..node.len() {
            self.report.entries += 1;
            let Ok((_, ValueRef::Overflow { len, first })) = node.leaf_entry(i) else {
                continue;
            };
            let mut pages = Vec::new();
            let walked = overflow::walk_chain(self.p, first, len, |page, _| {
                pages.push(page);
                Ok(())
            });
            for page in pages {
                self.claim(page);
            }
            if let Err(e) = walked {
                self.problem(format!("page {no}: entry {i}: {}", e.message()));
            }
        }
    }
}

/// The tree's structure, one node a line, children indented under their
/// parent. Keys print as text when printable, else as hex.
pub fn dump<P: PageRead>(p: &P, root: PageNo) -> Result<String> {
    let mut out = String::new();
    dump_node(p, root, 0, &mut out)?;
    Ok(out)
}

fn dump_node<P: PageRead>(p: &P, no: PageNo, depth: usize, out: &mut String) -> Result<()> {
    if depth > MAX_DEPTH {
        return Err(crate::corrupt!("B-tree deeper than {MAX_DEPTH} levels"));
    }
    let page = read_node(p, no)?;
    let node = Node::new(&page[..p.usable_size()], no)?;
    let indent = "  ".repeat(depth);
    let kind = if node.is_leaf() { "leaf" } else { "interior" };
    let _ = write!(out, "{indent}{kind} {no} ({} bytes used):", node.used());
    for i in 0..node.len() {
        out.push(' ');
        out.push_str(&printable(node.key(i)?));
        if node.is_leaf() {
            if let (_, ValueRef::Overflow { len, first }) = node.leaf_entry(i)? {
                let _ = write!(out, "=>overflow({len} bytes from {first})");
            }
        }
    }
    out.push('\n');
    if !node.is_leaf() {
        for i in 0..=node.len() {
            dump_node(p, node.child(i)?, depth + 1, out)?;
        }
    }
    Ok(())
}

/// Bytes as text if printable ASCII without spaces, else as `0x…` hex.
pub fn printable(bytes: &[u8]) -> String {
    if !bytes.is_empty() && bytes.iter().all(|b| b.is_ascii_graphic()) {
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        let mut s = String::from("0x");
        for b in bytes {
            let _ = write!(s, "{b:02x}");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::btree::BTree;
    use crate::page::MemPages;
    use crate::PageWrite;

    fn sample() -> (MemPages, BTree) {
        let mut w = MemPages::new(256);
        let t = BTree::create(&mut w).unwrap();
        for i in 0..200u32 {
            let value = if i % 50 == 0 {
                vec![1; 500]
            } else {
                vec![2; 8]
            };
            t.insert(&mut w, format!("k{i:04}").as_bytes(), &value)
                .unwrap();
        }
        (w, t)
    }

    #[test]
    fn sound_tree_passes_and_reports_pages() {
        let (w, t) = sample();
        let mut pages = Vec::new();
        let report = check(&w, t.root(), &mut |p| pages.push(p));
        assert!(report.problems.is_empty(), "{:?}", report.problems);
        assert_eq!(report.entries, 200);
        assert_eq!(pages.len(), w.allocated());
        assert_eq!(report.pages as usize, w.allocated());
    }

    #[test]
    fn damage_is_reported_not_panicked() {
        let (w, t) = sample();
        let pages = w.allocated() as u32;
        // Flip bytes all over every page, one at a time; check must report
        // something for most, and must never panic.
        let mut reported = 0;
        let mut tried = 0;
        for no in 1..=pages {
            for off in (0..252).step_by(7) {
                let mut bad = MemPages::new(256);
                // Rebuild an identical store, then damage one byte.
                for n in 1..=pages {
                    assert_eq!(bad.allocate().unwrap(), n);
                    let src = w.page(n).unwrap();
                    bad.page_mut(n).unwrap().copy_from_slice(&src[..252]);
                }
                bad.page_mut(no).unwrap()[off] ^= 0x5a;
                tried += 1;
                let report = check(&bad, t.root(), &mut |_| {});
                if !report.problems.is_empty() {
                    reported += 1;
                }
                // Reads through the damaged tree fail cleanly or succeed.
                let _ = t.get(&bad, b"k0100");
                let _ = t.len(&bad);
                let _ = dump(&bad, t.root());
                let _ = t.insert(&mut bad, b"k0100x", &[3; 40]);
                let _ = t.delete(&mut bad, b"k0150");
            }
        }
        assert!(reported * 10 > tried, "{reported} of {tried}");
    }
}
