//! The B+tree on the real pager against a `BTreeMap` model, on the memory
//! and the OS file systems: random inserts (some values overflowing pages),
//! deletes, commits, rollbacks, savepoints, checkpoints and reopenings.
//! After every step that ends a transaction the tree must equal the model
//! of committed data, and the integrity check must pass.
//!
//! `ASSAY_PROPTEST_CASES=N` runs more cases (default 24).

use std::collections::BTreeMap;
use std::sync::Arc;

use assay_storage::vfs::{MemoryVfs, OsVfs, Vfs};
use assay_storage::{integrity_check, BTree, Pager, PagerOptions, Transaction, TxnMode};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Insert(u16, usize),
    Delete(u16),
    Commit,
    Rollback,
    Savepoint,
    RollbackToSavepoint,
    Checkpoint,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (0u16..400, prop_oneof![4 => 0usize..64, 1 => 1000usize..9000]).prop_map(|(k, n)| Op::Insert(k, n)),
        5 => (0u16..400).prop_map(Op::Delete),
        2 => Just(Op::Commit),
        1 => Just(Op::Rollback),
        1 => Just(Op::Savepoint),
        1 => Just(Op::RollbackToSavepoint),
        1 => Just(Op::Checkpoint),
        1 => Just(Op::Reopen),
    ]
}

fn key(k: u16) -> Vec<u8> {
    format!("key{k:05}").into_bytes()
}

fn value(k: u16, n: usize, salt: usize) -> Vec<u8> {
    (0..n).map(|i| (i + k as usize + salt) as u8).collect()
}

type Model = BTreeMap<Vec<u8>, Vec<u8>>;

fn contents(txn: &Transaction, tree: BTree) -> Model {
    let mut out = Model::new();
    let mut cursor = tree.cursor();
    let mut more = cursor.first(txn).unwrap();
    while more {
        let v = cursor.value(txn).unwrap().unwrap().into_owned();
        out.insert(cursor.key().unwrap().to_vec(), v);
        more = cursor.next(txn).unwrap();
    }
    out
}

fn run(vfs: &dyn Vfs, path: &str, ops: Vec<Op>) {
    let options = PagerOptions {
        cache_size: 48 * 4096,
        autocheckpoint: 40,
        ..Default::default()
    };
    let mut pager = Pager::open(vfs, path, options.clone()).unwrap();
    let mut setup = pager.begin(TxnMode::Immediate).unwrap();
    setup.create_tree(b"t").unwrap();
    setup.commit().unwrap();
    let mut committed = Model::new();
    let mut working = committed.clone();
    let mut saved: Option<(assay_storage::pager::SavepointId, Model)> = None;
    let mut txn: Option<Transaction> = None;
    for (step, op) in ops.into_iter().enumerate() {
        let t = txn.get_or_insert_with(|| pager.begin(TxnMode::Deferred).unwrap());
        let tree = t.open_tree(b"t").unwrap().unwrap();
        match op {
            Op::Insert(k, n) => {
                let v = value(k, n, step);
                tree.insert(t, &key(k), &v).unwrap();
                working.insert(key(k), v);
            }
            Op::Delete(k) => {
                let existed = tree.delete(t, &key(k)).unwrap();
                assert_eq!(existed, working.remove(&key(k)).is_some());
            }
            Op::Savepoint => saved = Some((t.savepoint(), working.clone())),
            Op::RollbackToSavepoint => {
                if let Some((id, model)) = &saved {
                    t.rollback_to_savepoint(*id).unwrap();
                    working = model.clone();
                }
            }
            Op::Commit => {
                txn.take().unwrap().commit().unwrap();
                committed = working.clone();
                saved = None;
            }
            Op::Rollback => {
                txn.take().unwrap().rollback();
                working = committed.clone();
                saved = None;
            }
            Op::Checkpoint => {
                txn.take().unwrap().commit().unwrap();
                committed = working.clone();
                saved = None;
                pager.checkpoint().unwrap();
            }
            Op::Reopen => {
                drop(txn.take());
                working = committed.clone();
                saved = None;
                drop(pager);
                pager = Pager::open(vfs, path, options.clone()).unwrap();
            }
        }
        if txn.is_none() {
            let check = pager.begin(TxnMode::ReadOnly).unwrap();
            let tree = check.open_tree(b"t").unwrap().unwrap();
            assert_eq!(contents(&check, tree), committed, "after step {step}");
            let report = integrity_check(&pager).unwrap();
            assert!(report.is_ok(), "after step {step}: {:?}", report.problems);
        }
    }
    if let Some(t) = txn.as_ref() {
        let tree = t.open_tree(b"t").unwrap().unwrap();
        assert_eq!(contents(t, tree), working);
    }
}

fn cases() -> u32 {
    std::env::var("ASSAY_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn matches_the_model_in_memory(ops in prop::collection::vec(op(), 1..300)) {
        run(&MemoryVfs::new(), "db", ops);
    }

    #[test]
    fn matches_the_model_on_disk(ops in prop::collection::vec(op(), 1..300)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db");
        run(&OsVfs, path.to_str().unwrap(), ops);
    }
}

#[test]
fn a_lost_page_is_reported() {
    let vfs = MemoryVfs::new();
    let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let tree = txn.create_tree(b"t").unwrap();
    for i in 0..2000u32 {
        tree.insert(&mut txn, &i.to_be_bytes(), &[7; 50]).unwrap();
    }
    // Allocate a page and forget it: neither a tree nor the free list has it.
    let lost = assay_storage::PageWrite::allocate(&mut txn).unwrap();
    txn.commit().unwrap();
    let report = integrity_check(&pager).unwrap();
    assert_eq!(
        report.problems,
        vec![format!("page {lost} is never used (lost)")]
    );
    assert_eq!(report.entries, 2000);
    let _ = Arc::strong_count(&pager);
}
