//! Node pages: the slotted-page layout shared by leaf and interior nodes.
//!
//! ```text
//! offset  size  field
//! 0       1     kind: 1 = leaf, 2 = interior (3 is an overflow page)
//! 1       1     reserved, 0
//! 2       2     number of cells n                     (u16, little-endian)
//! 4       2     content start: lowest cell offset     (u16 LE; = usable size when empty)
//! 6       2     fragmented bytes: dead cell bytes above content start (u16 LE)
//! 8       4     interior: right-most child page; leaf: 0   (u32 LE)
//! 12      2*n   slot array: offset of cell i, in key order (u16 LE)
//! ...           free space
//! content       cells, packed from the end of the usable area downwards
//! ```
//!
//! A leaf cell is `key_len u16 | value_word u32 | key | payload`. The low 31
//! bits of `value_word` are the value's length; its top bit says the value
//! lives in an overflow chain, and then `payload` is the chain's first page
//! (u32 LE) instead of the value bytes.
//!
//! An interior cell is `child u32 | key_len u16 | key`: every key in `child`'s
//! subtree is below `key` and at or above the previous cell's key; keys at or
//! above the last cell's key live under the right-most child.
//!
//! Every offset and length read from a page is checked before use, so a
//! damaged page yields a `corrupt!` error rather than a panic.

use std::cmp::Ordering;

use crate::{corrupt, PageNo, Result};

pub const KIND_LEAF: u8 = 1;
pub const KIND_INTERIOR: u8 = 2;

const OFF_KIND: usize = 0;
const OFF_COUNT: usize = 2;
const OFF_CONTENT: usize = 4;
const OFF_FRAG: usize = 6;
const OFF_RIGHT: usize = 8;
/// Size of the node header; the slot array starts here.
pub const NODE_HEADER: usize = 12;
/// Bytes per slot-array entry.
pub const SLOT_SIZE: usize = 2;

/// Leaf cell header: key length (u16) and value word (u32).
pub const LEAF_CELL_HEADER: usize = 6;
/// Interior cell header: child page (u32) and key length (u16).
pub const INTERIOR_CELL_HEADER: usize = 6;
/// Top bit of a leaf cell's value word: the value is in an overflow chain.
pub const OVERFLOW_FLAG: u32 = 1 << 31;
/// Largest value length a leaf cell can describe.
pub const MAX_VALUE_LEN: usize = (OVERFLOW_FLAG - 1) as usize;

/// Smallest and largest usable page sizes the layout supports (offsets are
/// u16, and a node must hold at least four cells of a useful key size).
pub const MIN_USABLE: usize = 128;
pub const MAX_USABLE: usize = 65535;

/// Largest cell (slot included) allowed in a node: a quarter of the space
/// below the header. Four such cells always fit in a page, which is what
/// makes a two-way split of an overfull node always succeed.
pub fn max_cell(usable: usize) -> usize {
    (usable - NODE_HEADER) / 4
}

/// Largest key accepted: a leaf cell with this key and an overflow pointer
/// still fits in [`max_cell`].
pub fn max_key_len(usable: usize) -> usize {
    max_cell(usable) - SLOT_SIZE - LEAF_CELL_HEADER - 4
}

/// Bytes a node can hold below its header (slots plus cells).
pub fn capacity(usable: usize) -> usize {
    usable - NODE_HEADER
}

pub fn get_u16(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

pub fn get_u32(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

pub fn put_u16(b: &mut [u8], off: usize, v: u16) {
    b[off..off + 2].copy_from_slice(&v.to_le_bytes());
}

pub fn put_u32(b: &mut [u8], off: usize, v: u32) {
    b[off..off + 4].copy_from_slice(&v.to_le_bytes());
}

/// Where a leaf cell's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueRef<'a> {
    Inline(&'a [u8]),
    Overflow { len: usize, first: PageNo },
}

/// A read-only view of a node page, validated lazily: the header when the
/// view is made, each cell when it is read.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    buf: &'a [u8],
    no: PageNo,
    n: usize,
}

impl<'a> Node<'a> {
    /// Views `buf` (the page's usable bytes) as a node, checking the header.
    pub fn new(buf: &'a [u8], no: PageNo) -> Result<Node<'a>> {
        if buf.len() < MIN_USABLE || buf.len() > MAX_USABLE {
            return Err(corrupt!("page {no}: unsupported usable size {}", buf.len()));
        }
        let kind = buf[OFF_KIND];
        if kind != KIND_LEAF && kind != KIND_INTERIOR {
            return Err(corrupt!("page {no}: not a B-tree node (kind {kind})"));
        }
        let n = get_u16(buf, OFF_COUNT) as usize;
        let content = get_u16(buf, OFF_CONTENT) as usize;
        let frag = get_u16(buf, OFF_FRAG) as usize;
        if NODE_HEADER + n * SLOT_SIZE > content
            || content > buf.len()
            || frag > buf.len() - content
        {
            return Err(corrupt!(
                "page {no}: bad node header (n {n}, content {content}, frag {frag})"
            ));
        }
        Ok(Node { buf, no, n })
    }

    /// Views a node whose header [`Node::new`] checked when its page was
    /// read, with the entry count it found then: a page read is never
    /// changed (copy-on-write), so a cursor stepping through a leaf checks
    /// the header once per leaf, not once per entry. Cells are still
    /// checked as they are read.
    pub fn checked_before(buf: &'a [u8], no: PageNo, n: usize) -> Node<'a> {
        Node { buf, no, n }
    }

    pub fn no(&self) -> PageNo {
        self.no
    }

    pub fn is_leaf(&self) -> bool {
        self.buf[OFF_KIND] == KIND_LEAF
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn right(&self) -> PageNo {
        get_u32(self.buf, OFF_RIGHT)
    }

    pub fn content_start(&self) -> usize {
        get_u16(self.buf, OFF_CONTENT) as usize
    }

    pub fn frag(&self) -> usize {
        get_u16(self.buf, OFF_FRAG) as usize
    }

    /// Bytes in use below the header: slots plus live cells.
    pub fn used(&self) -> usize {
        let cells = (self.buf.len() - self.content_start()).saturating_sub(self.frag());
        self.n * SLOT_SIZE + cells
    }

    /// Offset of cell `i` as recorded in the slot array (unchecked).
    pub fn cell_offset(&self, i: usize) -> usize {
        get_u16(self.buf, NODE_HEADER + i * SLOT_SIZE) as usize
    }

    /// The raw bytes of cell `i` (its whole extent), checked against the page.
    pub fn cell(&self, i: usize) -> Result<&'a [u8]> {
        let off = self.cell_offset(i);
        let size = self.cell_size_at(off)?;
        Ok(&self.buf[off..off + size])
    }

    /// Appends every cell's bytes to `out`, in key order, each checked
    /// against the page (the header read once, not per cell).
    pub fn push_cells(&self, out: &mut Vec<&'a [u8]>) -> Result<()> {
        let buf = self.buf;
        let content = self.content_start();
        let leaf = self.is_leaf();
        for i in 0..self.n {
            let off = self.cell_offset(i);
            let Some(h) = buf.get(off..off + 6).filter(|_| off >= content) else {
                return Err(corrupt!("page {}: cell offset {off} out of range", self.no));
            };
            let size = if leaf {
                let word = u32::from_le_bytes([h[2], h[3], h[4], h[5]]);
                let payload = if word & OVERFLOW_FLAG != 0 {
                    4
                } else {
                    word as usize
                };
                LEAF_CELL_HEADER + u16::from_le_bytes([h[0], h[1]]) as usize + payload
            } else {
                INTERIOR_CELL_HEADER + u16::from_le_bytes([h[4], h[5]]) as usize
            };
            let Some(cell) = buf.get(off..off + size) else {
                return Err(corrupt!(
                    "page {}: cell at {off} overruns the page",
                    self.no
                ));
            };
            out.push(cell);
        }
        Ok(())
    }

    fn cell_size_at(&self, off: usize) -> Result<usize> {
        let buf = self.buf;
        if off < self.content_start() || off + 6 > buf.len() {
            return Err(corrupt!("page {}: cell offset {off} out of range", self.no));
        }
        let size = if self.is_leaf() {
            let klen = get_u16(buf, off) as usize;
            let word = get_u32(buf, off + 2);
            let payload = if word & OVERFLOW_FLAG != 0 {
                4
            } else {
                word as usize
            };
            LEAF_CELL_HEADER + klen + payload
        } else {
            INTERIOR_CELL_HEADER + get_u16(buf, off + 4) as usize
        };
        if off + size > buf.len() {
            return Err(corrupt!(
                "page {}: cell at {off} overruns the page",
                self.no
            ));
        }
        Ok(size)
    }

    /// The key of cell `i`.
    pub fn key(&self, i: usize) -> Result<&'a [u8]> {
        let off = self.cell_offset(i);
        let buf = self.buf;
        let (start, klen) = if self.is_leaf() {
            (off + LEAF_CELL_HEADER, buf.get(off..off + 2))
        } else {
            (off + INTERIOR_CELL_HEADER, buf.get(off + 4..off + 6))
        };
        let klen = match klen {
            Some(b) if off >= NODE_HEADER => u16::from_le_bytes([b[0], b[1]]) as usize,
            _ => return Err(corrupt!("page {}: cell offset {off} out of range", self.no)),
        };
        buf.get(start..start + klen)
            .ok_or_else(|| corrupt!("page {}: key at {off} overruns the page", self.no))
    }

    /// Key and value of leaf cell `i`: the header, key and payload checked
    /// against the page in one go (the step of every cursor).
    #[inline]
    pub fn leaf_entry(&self, i: usize) -> Result<(&'a [u8], ValueRef<'a>)> {
        let buf = self.buf;
        if !self.is_leaf() {
            return Err(corrupt!("page {}: expected a leaf", self.no));
        }
        let off = self.cell_offset(i);
        let header = match buf.get(off..off + LEAF_CELL_HEADER) {
            Some(h) if off >= self.content_start() => h,
            _ => return Err(corrupt!("page {}: cell offset {off} out of range", self.no)),
        };
        let klen = u16::from_le_bytes([header[0], header[1]]) as usize;
        let word = u32::from_le_bytes([header[2], header[3], header[4], header[5]]);
        let overflow = word & OVERFLOW_FLAG != 0;
        let payload = if overflow { 4 } else { word as usize };
        let start = off + LEAF_CELL_HEADER;
        let Some(body) = buf.get(start..start + klen + payload) else {
            return Err(corrupt!(
                "page {}: cell at {off} overruns the page",
                self.no
            ));
        };
        let (key, rest) = body.split_at(klen);
        let value = if overflow {
            ValueRef::Overflow {
                len: (word & !OVERFLOW_FLAG) as usize,
                first: u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]),
            }
        } else {
            ValueRef::Inline(rest)
        };
        Ok((key, value))
    }

    /// Child page of interior slot `i`; `i == len()` is the right-most child.
    pub fn child(&self, i: usize) -> Result<PageNo> {
        if i == self.n {
            return Ok(self.right());
        }
        let off = self.cell_offset(i);
        if off < self.content_start() || off + 4 > self.buf.len() {
            return Err(corrupt!("page {}: cell offset {off} out of range", self.no));
        }
        Ok(get_u32(self.buf, off))
    }

    /// Binary search: `Ok(i)` if cell i's key equals `key`, else `Err(i)`
    /// with i the index of the first key above `key`.
    ///
    /// The hot loop of every descent: each probe reads the slot, checks the
    /// cell's key lies between the content start and the page end (one
    /// comparison each way), and compares with [`compare_keys`], inlined.
    #[inline]
    pub fn search(&self, key: &[u8]) -> Result<std::result::Result<usize, usize>> {
        let buf = self.buf;
        let content = self.content_start();
        let (len_at, header) = if self.is_leaf() {
            (0, LEAF_CELL_HEADER)
        } else {
            (4, INTERIOR_CELL_HEADER)
        };
        let (mut lo, mut hi) = (0, self.n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let off = self.cell_offset(mid);
            let probe = match buf.get(off..off + header) {
                Some(h) if off >= content => {
                    let klen = u16::from_le_bytes([h[len_at], h[len_at + 1]]) as usize;
                    buf.get(off + header..off + header + klen)
                }
                _ => None,
            };
            let Some(probe) = probe else {
                return Err(corrupt!("page {}: cell at {off} out of range", self.no));
            };
            match compare_keys(probe, key) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Ok(Ok(mid)),
            }
        }
        Ok(Err(lo))
    }

    /// The child slot whose subtree holds `key`: the first separator above it.
    pub fn child_slot(&self, key: &[u8]) -> Result<usize> {
        Ok(match self.search(key)? {
            Ok(i) => i + 1,
            Err(i) => i,
        })
    }
}

/// Orders two keys as byte strings (as `a.cmp(b)`), eight bytes at a time
/// as big-endian words: keys are mostly short (an encoded integer is 2 to 9
/// bytes), and a call to `memcmp` per probe cost more than the comparison.
#[inline(always)]
pub fn compare_keys(a: &[u8], b: &[u8]) -> Ordering {
    let n = a.len().min(b.len());
    let (mut a_rest, mut b_rest) = (&a[..n], &b[..n]);
    while let (Some((x, a_next)), Some((y, b_next))) = (
        a_rest.split_first_chunk::<8>(),
        b_rest.split_first_chunk::<8>(),
    ) {
        let (x, y) = (u64::from_be_bytes(*x), u64::from_be_bytes(*y));
        if x != y {
            return x.cmp(&y);
        }
        (a_rest, b_rest) = (a_next, b_next);
    }
    // Under eight bytes left: byte by byte (a copy into a padded word
    // would be a `memcpy` call of variable length).
    for (x, y) in a_rest.iter().zip(b_rest) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// Size of a leaf cell with these parts.
pub fn leaf_cell_size(key_len: usize, inline_value: Option<usize>) -> usize {
    LEAF_CELL_HEADER + key_len + inline_value.unwrap_or(4)
}

/// Whether a value of `value_len` bytes under a key of `key_len` bytes is
/// kept in the leaf (else it goes to an overflow chain).
pub fn value_fits_inline(usable: usize, key_len: usize, value_len: usize) -> bool {
    leaf_cell_size(key_len, Some(value_len)) + SLOT_SIZE <= max_cell(usable)
}

/// Encodes a leaf cell into `out` (cleared first).
pub fn encode_leaf_cell(out: &mut Vec<u8>, key: &[u8], value: ValueRef<'_>) {
    out.clear();
    out.extend_from_slice(&(key.len() as u16).to_le_bytes());
    match value {
        ValueRef::Inline(v) => {
            out.extend_from_slice(&(v.len() as u32).to_le_bytes());
            out.extend_from_slice(key);
            out.extend_from_slice(v);
        }
        ValueRef::Overflow { len, first } => {
            out.extend_from_slice(&(len as u32 | OVERFLOW_FLAG).to_le_bytes());
            out.extend_from_slice(key);
            out.extend_from_slice(&first.to_le_bytes());
        }
    }
}

/// Encodes an interior cell into `out` (cleared first).
pub fn encode_interior_cell(out: &mut Vec<u8>, child: PageNo, key: &[u8]) {
    out.clear();
    out.extend_from_slice(&child.to_le_bytes());
    out.extend_from_slice(&(key.len() as u16).to_le_bytes());
    out.extend_from_slice(key);
}

/// The key inside an encoded cell of the given kind.
pub fn cell_key(cell: &[u8], leaf: bool) -> &[u8] {
    if leaf {
        &cell[LEAF_CELL_HEADER..LEAF_CELL_HEADER + get_u16(cell, 0) as usize]
    } else {
        &cell[INTERIOR_CELL_HEADER..INTERIOR_CELL_HEADER + get_u16(cell, 4) as usize]
    }
}

/// The child page inside an encoded interior cell.
pub fn cell_child(cell: &[u8]) -> PageNo {
    get_u32(cell, 0)
}

/// A writable view of a node page. Callers have validated it with
/// [`Node::new`] (or just initialised it).
pub struct NodeMut<'a> {
    pub buf: &'a mut [u8],
}

impl<'a> NodeMut<'a> {
    /// Formats `buf` as an empty node of `kind`.
    pub fn init(buf: &'a mut [u8], kind: u8) -> NodeMut<'a> {
        let usable = buf.len();
        buf[..NODE_HEADER].fill(0);
        buf[OFF_KIND] = kind;
        put_u16(buf, OFF_CONTENT, usable as u16);
        NodeMut { buf }
    }

    pub fn view(&self) -> Node<'_> {
        let n = get_u16(self.buf, OFF_COUNT) as usize;
        Node {
            buf: self.buf,
            no: 0,
            n,
        }
    }

    pub fn set_right(&mut self, child: PageNo) {
        put_u32(self.buf, OFF_RIGHT, child);
    }

    /// Free bytes, counting fragments that a compaction would reclaim.
    pub fn free(&self) -> usize {
        capacity(self.buf.len()) - self.view().used()
    }

    /// Inserts `cell` at slot `i` if it fits (compacting when that helps).
    /// Returns false, changing nothing, when it does not fit.
    pub fn insert(&mut self, i: usize, cell: &[u8]) -> Result<bool> {
        let need = cell.len() + SLOT_SIZE;
        if need > self.free() {
            return Ok(false);
        }
        let n = get_u16(self.buf, OFF_COUNT) as usize;
        let slots_end = NODE_HEADER + n * SLOT_SIZE;
        if get_u16(self.buf, OFF_CONTENT) as usize - slots_end < need {
            self.compact()?;
            if get_u16(self.buf, OFF_CONTENT) as usize - slots_end < need {
                return Err(corrupt!("node free space accounting is damaged"));
            }
        }
        let content = get_u16(self.buf, OFF_CONTENT) as usize - cell.len();
        self.buf[content..content + cell.len()].copy_from_slice(cell);
        put_u16(self.buf, OFF_CONTENT, content as u16);
        let at = NODE_HEADER + i * SLOT_SIZE;
        self.buf.copy_within(at..slots_end, at + SLOT_SIZE);
        put_u16(self.buf, at, content as u16);
        put_u16(self.buf, OFF_COUNT, (n + 1) as u16);
        Ok(true)
    }

    /// Removes cell `i` (which must be valid).
    pub fn remove(&mut self, i: usize) -> Result<()> {
        let (off, size) = {
            let v = self.view();
            let off = v.cell_offset(i);
            (off, v.cell_size_at(off)?)
        };
        let n = get_u16(self.buf, OFF_COUNT) as usize;
        let at = NODE_HEADER + i * SLOT_SIZE;
        self.buf
            .copy_within(at + SLOT_SIZE..NODE_HEADER + n * SLOT_SIZE, at);
        put_u16(self.buf, OFF_COUNT, (n - 1) as u16);
        let content = get_u16(self.buf, OFF_CONTENT) as usize;
        if off == content {
            put_u16(self.buf, OFF_CONTENT, (content + size) as u16);
        } else {
            let frag = get_u16(self.buf, OFF_FRAG) as usize + size;
            put_u16(self.buf, OFF_FRAG, frag as u16);
        }
        if n == 1 {
            // Empty: reset the content area so no fragments linger.
            put_u16(self.buf, OFF_CONTENT, self.buf.len() as u16);
            put_u16(self.buf, OFF_FRAG, 0);
        }
        Ok(())
    }

    /// Rewrites the cells contiguously at the end of the page.
    pub fn compact(&mut self) -> Result<()> {
        let snapshot = self.buf.to_vec();
        let old = Node {
            buf: &snapshot,
            no: 0,
            n: get_u16(&snapshot, OFF_COUNT) as usize,
        };
        let slots_end = NODE_HEADER + old.n * SLOT_SIZE;
        let mut content = self.buf.len();
        for i in 0..old.n {
            let cell = old.cell(i)?;
            content = match content.checked_sub(cell.len()) {
                Some(c) if c >= slots_end => c,
                _ => return Err(corrupt!("node cells overlap")),
            };
            self.buf[content..content + cell.len()].copy_from_slice(cell);
            put_u16(self.buf, NODE_HEADER + i * SLOT_SIZE, content as u16);
        }
        put_u16(self.buf, OFF_CONTENT, content as u16);
        put_u16(self.buf, OFF_FRAG, 0);
        Ok(())
    }

    /// Rebuilds the node from scratch holding `cells` (which must fit).
    pub fn fill(buf: &'a mut [u8], kind: u8, cells: &[&[u8]], right: PageNo) -> NodeMut<'a> {
        let mut node = NodeMut::init(buf, kind);
        node.set_right(right);
        let mut content = node.buf.len();
        for (i, cell) in cells.iter().enumerate() {
            content -= cell.len();
            node.buf[content..content + cell.len()].copy_from_slice(cell);
            put_u16(node.buf, NODE_HEADER + i * SLOT_SIZE, content as u16);
        }
        put_u16(node.buf, OFF_COUNT, cells.len() as u16);
        put_u16(node.buf, OFF_CONTENT, content as u16);
        node
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf_cell(key: &[u8], value: &[u8]) -> Vec<u8> {
        let mut c = Vec::new();
        encode_leaf_cell(&mut c, key, ValueRef::Inline(value));
        c
    }

    #[test]
    fn insert_search_remove() {
        let mut buf = vec![0u8; 256];
        let mut node = NodeMut::init(&mut buf, KIND_LEAF);
        for (i, k) in [b"b", b"d", b"f"].iter().enumerate() {
            assert!(node.insert(i, &leaf_cell(*k, b"v")).unwrap());
        }
        assert!(node.insert(0, &leaf_cell(b"a", b"first")).unwrap());
        let v = node.view();
        assert_eq!(v.len(), 4);
        assert_eq!(v.search(b"d").unwrap(), Ok(2));
        assert_eq!(v.search(b"c").unwrap(), Err(2));
        assert_eq!(v.search(b"z").unwrap(), Err(4));
        assert_eq!(
            v.leaf_entry(0).unwrap(),
            (&b"a"[..], ValueRef::Inline(b"first"))
        );
        let mut cells = Vec::new();
        v.push_cells(&mut cells).unwrap();
        assert_eq!(cells.len(), 4);
        assert_eq!(cells[0], v.cell(0).unwrap());
        assert_eq!(cell_key(cells[3], true), b"f");
        node.remove(1).unwrap();
        assert_eq!(node.view().key(1).unwrap(), b"d");
        assert!(node.view().frag() > 0);
        node.compact().unwrap();
        assert_eq!(node.view().frag(), 0);
        assert_eq!(node.view().key(2).unwrap(), b"f");
    }

    #[test]
    fn fills_then_refuses_then_compacts() {
        let mut buf = vec![0u8; 256];
        let mut node = NodeMut::init(&mut buf, KIND_LEAF);
        let mut count = 0;
        while node
            .insert(count, &leaf_cell(&[count as u8], &[7; 20]))
            .unwrap()
        {
            count += 1;
        }
        // 244 bytes of capacity, 29 bytes per cell with its slot.
        assert_eq!(count, 8);
        node.remove(3).unwrap();
        node.remove(0).unwrap();
        assert!(node.insert(0, &leaf_cell(&[0], &[1; 20])).unwrap());
        assert!(node.insert(3, &leaf_cell(&[3], &[1; 20])).unwrap());
        assert!(!node.insert(3, &leaf_cell(&[3], &[1; 20])).unwrap());
        let v = node.view();
        let keys: Vec<u8> = (0..v.len()).map(|i| v.key(i).unwrap()[0]).collect();
        assert_eq!(keys, vec![0, 1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn compare_keys_is_byte_order() {
        let keys: Vec<Vec<u8>> = vec![
            vec![],
            vec![0],
            vec![0, 0],
            vec![0, 1],
            vec![1],
            vec![1, 0, 0, 0, 0, 0, 0, 0],
            vec![1, 0, 0, 0, 0, 0, 0, 0, 0],
            vec![1, 0, 0, 0, 0, 0, 0, 0, 1],
            vec![1, 0, 0, 0, 0, 0, 0, 1],
            vec![0xff; 7],
            vec![0xff; 8],
            vec![0xff; 17],
            b"key-00000017".to_vec(),
            b"key-00000020".to_vec(),
        ];
        for a in &keys {
            for b in &keys {
                assert_eq!(compare_keys(a, b), a.cmp(b), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn interior_child_slots() {
        let mut buf = vec![0u8; 256];
        let mut c = Vec::new();
        let mut node = NodeMut::init(&mut buf, KIND_INTERIOR);
        encode_interior_cell(&mut c, 10, b"m");
        assert!(node.insert(0, &c).unwrap());
        node.set_right(11);
        let v = node.view();
        assert_eq!(v.child_slot(b"a").unwrap(), 0);
        assert_eq!(v.child_slot(b"m").unwrap(), 1);
        assert_eq!(v.child(0).unwrap(), 10);
        assert_eq!(v.child(1).unwrap(), 11);
    }

    #[test]
    fn damaged_pages_are_errors_not_panics() {
        let mut buf = vec![0u8; 256];
        assert!(Node::new(&buf, 5).is_err()); // kind 0
        let mut node = NodeMut::init(&mut buf, KIND_LEAF);
        assert!(node.insert(0, &leaf_cell(b"k", b"v")).unwrap());
        let good = buf.clone();
        // Slot pointing past the page, key length overrunning, bad count.
        for (off, bytes) in [
            (12usize, [0xff, 0xff]),
            (250, [0xff, 0x00]),
            (2, [0xff, 0x00]),
        ] {
            let mut bad = good.clone();
            bad[off..off + 2].copy_from_slice(&bytes);
            if let Ok(node) = Node::new(&bad, 5) {
                if node.len() > 0 {
                    assert!(node.key(0).is_err() || node.leaf_entry(0).is_err());
                }
            }
        }
        // Cells start inside the slot array: rejected up front.
        let mut bad = good.clone();
        put_u16(&mut bad, OFF_CONTENT, 4);
        assert!(Node::new(&bad, 5).is_err());
        // Fuzz every byte of the header and first slot.
        for off in 0..16 {
            for val in [0u8, 1, 2, 0x7f, 0xff] {
                let mut bad = good.clone();
                bad[off] = val;
                if let Ok(node) = Node::new(&bad, 5) {
                    for i in 0..node.len() {
                        let _ = node.key(i);
                        let _ = node.leaf_entry(i);
                        let _ = node.child(i);
                        let _ = node.search(b"k");
                    }
                    let _ = node.push_cells(&mut Vec::new());
                }
            }
        }
    }
}
