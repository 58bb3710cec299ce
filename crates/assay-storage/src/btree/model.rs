//! Model-based test: random operations on a B+tree over `MemPages`,
//! compared step by step with `std::collections::BTreeMap`.
//!
//! Cases default to a modest count; set `ASSAY_PROPTEST_CASES` for more.
//! Every case ends with an integrity check, then deletes everything and
//! checks that only the root page is left (no page leaked).

use std::collections::BTreeMap;
use std::ops::Bound;

use proptest::prelude::*;

use super::{check, BTree, BTreeCursor};
use crate::page::MemPages;

#[derive(Debug, Clone)]
enum Op {
    Insert(Vec<u8>, usize, u8),
    /// `insert_past_end` of a key just above the model's last key (or of
    /// the given key, which may be anywhere, when that one gets too long
    /// or the flag is false).
    InsertPastEnd(Vec<u8>, usize, u8, bool),
    Delete(Vec<u8>),
    Get(Vec<u8>),
    SeekGe(Vec<u8>, usize),
    SeekLe(Vec<u8>, usize),
    /// Scan from a key, deleting or rewriting entries under the cursor.
    ScanMutate(Vec<u8>, usize, u8),
}

/// Keys from a small alphabet with shared prefixes, so that they collide,
/// share prefixes and vary in length.
fn key() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop::sample::select(vec![b'a', b'b', b'c', 0u8, 0xff]),
        0..6,
    )
}

/// Mostly small values, some large enough to overflow.
fn value_len() -> impl Strategy<Value = usize> {
    prop_oneof![8 => 0usize..40, 1 => 40usize..400, 1 => 400usize..3000]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (key(), value_len(), any::<u8>()).prop_map(|(k, n, b)| Op::Insert(k, n, b)),
        3 => (key(), value_len(), any::<u8>(), any::<bool>())
            .prop_map(|(k, n, b, past)| Op::InsertPastEnd(k, n, b, past)),
        3 => key().prop_map(Op::Delete),
        1 => key().prop_map(Op::Get),
        1 => (key(), 0usize..40).prop_map(|(k, n)| Op::SeekGe(k, n)),
        1 => (key(), 0usize..40).prop_map(|(k, n)| Op::SeekLe(k, n)),
        1 => (key(), 0usize..40, any::<u8>()).prop_map(|(k, n, b)| Op::ScanMutate(k, n, b)),
    ]
}

fn cases() -> u32 {
    std::env::var("ASSAY_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48)
}

/// A key just above `last`: its last byte raised, or a zero byte added.
fn key_after(last: &[u8]) -> Vec<u8> {
    let mut k = last.to_vec();
    match k.last_mut() {
        Some(b) if *b < 0xff => *b += 1,
        _ => k.push(0),
    }
    k
}

fn value(len: usize, byte: u8) -> Vec<u8> {
    (0..len).map(|i| byte.wrapping_add(i as u8)).collect()
}

fn entry(c: &BTreeCursor, p: &MemPages) -> (Vec<u8>, Vec<u8>) {
    let v = c.value(p).unwrap().unwrap().into_owned();
    (c.key().unwrap().to_vec(), v)
}

/// Walks `steps` entries from the cursor's position, forwards or back, and
/// compares them with the model's range.
fn walk(
    c: &mut BTreeCursor,
    p: &MemPages,
    mut expected: impl Iterator<Item = (Vec<u8>, Vec<u8>)>,
    positioned: bool,
    steps: usize,
    forwards: bool,
) {
    let mut more = positioned;
    for _ in 0..steps {
        match expected.next() {
            Some(want) => {
                assert!(more, "cursor ended early, expected {:?}", want.0);
                assert_eq!(entry(c, p), want);
            }
            None => {
                assert!(!more, "cursor has extra entry {:?}", c.key());
                return;
            }
        }
        more = if forwards { c.next(p) } else { c.prev(p) }.unwrap();
    }
}

fn run(page_size: usize, ops: Vec<Op>) {
    let mut w = MemPages::new(page_size);
    let t = BTree::create(&mut w).unwrap();
    let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut c = t.cursor();
    for op in ops {
        match op {
            Op::Insert(k, n, b) => {
                let v = value(n, b);
                let replaced = t.insert(&mut w, &k, &v).unwrap();
                assert_eq!(replaced, model.insert(k, v).is_some());
            }
            Op::InsertPastEnd(k, n, b, past) => {
                let k = match model.keys().next_back() {
                    Some(last) if past && last.len() < 16 => key_after(last),
                    _ => k,
                };
                let v = value(n, b);
                let replaced = t.insert_past_end(&mut w, &k, &v).unwrap();
                assert_eq!(replaced, model.insert(k, v).is_some());
            }
            Op::Delete(k) => {
                assert_eq!(t.delete(&mut w, &k).unwrap(), model.remove(&k).is_some());
            }
            Op::Get(k) => {
                assert_eq!(t.get(&w, &k).unwrap(), model.get(&k).cloned());
            }
            Op::SeekGe(k, steps) => {
                let found = c.seek_ge(&w, &k).unwrap();
                let range = model.range(k..).map(|(k, v)| (k.clone(), v.clone()));
                walk(&mut c, &w, range, found, steps, true);
                // Then turn around.
                if c.is_valid() {
                    let at = c.key().unwrap().to_vec();
                    let back = model
                        .range(..=at)
                        .rev()
                        .map(|(k, v)| (k.clone(), v.clone()));
                    walk(&mut c, &w, back, true, steps, false);
                }
            }
            Op::SeekLe(k, steps) => {
                let found = c.seek_le(&w, &k).unwrap();
                let range = model
                    .range((Bound::Unbounded, Bound::Included(k)))
                    .rev()
                    .map(|(k, v)| (k.clone(), v.clone()));
                walk(&mut c, &w, range, found, steps, false);
            }
            Op::ScanMutate(k, steps, b) => {
                let mut more = c.seek_ge(&w, &k).unwrap();
                let mut want = model.range(k..).next().map(|(k, _)| k.clone());
                for step in 0..steps {
                    assert_eq!(c.key().map(|k| k.to_vec()), want);
                    let Some(cur) = want.clone() else { break };
                    assert!(more);
                    match (b as usize + step) % 3 {
                        0 => {
                            t.delete(&mut w, &cur).unwrap();
                            model.remove(&cur);
                            c.invalidate();
                        }
                        1 => {
                            let v = value((b as usize * step) % 700, b);
                            t.insert(&mut w, &cur, &v).unwrap();
                            model.insert(cur.clone(), v);
                            c.invalidate();
                            assert_eq!(c.value(&w).unwrap().unwrap(), model[&cur]);
                        }
                        _ => assert_eq!(c.value(&w).unwrap().unwrap(), model[&cur]),
                    }
                    more = c.next(&w).unwrap();
                    want = model
                        .range((Bound::Excluded(cur), Bound::Unbounded))
                        .next()
                        .map(|(k, _)| k.clone());
                }
            }
        }
    }
    let report = check(&w, t.root(), &mut |_| {});
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.entries as usize, model.len());
    assert_eq!(report.pages as usize, w.allocated());

    // Full walks both ways.
    let all: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let found = c.first(&w).unwrap();
    walk(&mut c, &w, all.iter().cloned(), found, all.len() + 1, true);
    let found = c.last(&w).unwrap();
    walk(
        &mut c,
        &w,
        all.iter().rev().cloned(),
        found,
        all.len() + 1,
        false,
    );

    for k in model.keys() {
        assert!(t.delete(&mut w, k).unwrap());
    }
    assert_eq!(w.allocated(), 1, "pages leaked after deleting everything");
    let report = check(&w, t.root(), &mut |_| {});
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    t.destroy(&mut w).unwrap();
    assert_eq!(w.allocated(), 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn matches_btreemap_small_pages(ops in prop::collection::vec(op(), 1..400)) {
        run(256, ops);
    }

    #[test]
    fn matches_btreemap_default_pages(ops in prop::collection::vec(op(), 1..400)) {
        run(crate::page::DEFAULT_PAGE_SIZE, ops);
    }
}

/// Many distinct keys, to grow trees several levels deep, then interleaved
/// deletes that exercise merging and redistribution at every level.
#[test]
fn deep_tree_against_model() {
    let mut ops = Vec::new();
    let mut x: u64 = 0x9e3779b97f4a7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut keys = Vec::new();
    for _ in 0..3000 {
        let r = next();
        let k = format!("{:x}", r % 5000).into_bytes();
        keys.push(k.clone());
        let len = if r % 29 == 0 { 700 } else { (r % 30) as usize };
        ops.push(Op::Insert(k, len, r as u8));
    }
    for (i, k) in keys.iter().enumerate() {
        if next() % 3 != 0 {
            ops.push(Op::Delete(k.clone()));
        }
        if i % 100 == 0 {
            ops.push(Op::SeekGe(k.clone(), 30));
        }
    }
    run(256, ops.clone());
    run(512, ops);
}
