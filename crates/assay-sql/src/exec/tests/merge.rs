//! Merge join against nested loop: every join kind, over sorted inputs
//! with duplicate keys on both sides, NULL keys and a residual condition.

use super::fixtures::*;
use crate::plan::{CmpOp, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr};
use crate::types::Value;
use assay_storage::SqlState;

const KINDS: [JoinKind; 6] = [
    JoinKind::Inner,
    JoinKind::Left,
    JoinKind::Right,
    JoinKind::Full,
    JoinKind::Semi,
    JoinKind::Anti,
];

/// Rows `(key, n)` with keys ascending, some repeated, NULLs last (a
/// deterministic pseudo-random walk, seeded).
fn side(seed: u64, len: usize) -> Vec<Vec<Value>> {
    let mut x = seed;
    let mut key = 0;
    let mut rows = Vec::new();
    for n in 0..len {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        key += ((x >> 33) % 3) as i64; // 0: a duplicate, 1 or 2: a new key
        rows.push(vec![i(key), i(n as i64)]);
    }
    rows.push(vec![N, i(len as i64)]);
    rows
}

fn join_plan(kind: JoinKind, algorithm: JoinAlgorithm, l: Plan, r: Plan, residual: bool) -> Plan {
    let w = if matches!(kind, JoinKind::Semi | JoinKind::Anti) {
        2
    } else {
        4
    };
    let key_eq = cmp(CmpOp::Eq, col(0), col(2));
    // The residual condition: the left's n is not above the right's n + 3.
    let extra = cmp(
        CmpOp::LtEq,
        col(1),
        ScalarExpr::Binary {
            op: crate::types::BinaryOp::Add,
            left: Box::new(col(3)),
            right: Box::new(lit(i(3))),
            data_type: crate::types::DataType::Int8,
        },
    );
    let condition = match (&algorithm, residual) {
        (JoinAlgorithm::NestedLoop, true) => Some(ScalarExpr::And(vec![key_eq, extra])),
        (JoinAlgorithm::NestedLoop, false) => Some(key_eq),
        (_, true) => Some(extra),
        (_, false) => None,
    };
    plan(
        PlanNode::Join {
            left: Box::new(l),
            right: Box::new(r),
            kind,
            condition,
            algorithm,
            lateral: false,
        },
        w,
    )
}

fn merge() -> JoinAlgorithm {
    JoinAlgorithm::Merge {
        left_keys: vec![col(0)],
        right_keys: vec![col(0)],
    }
}

#[test]
fn merge_join_agrees_with_nested_loop() {
    for seed in 1..6u64 {
        let (l, r) = (side(seed, 40), side(seed * 7919, 30));
        for kind in KINDS {
            for residual in [false, true] {
                let expected = run(&join_plan(
                    kind,
                    JoinAlgorithm::NestedLoop,
                    values(l.clone()),
                    values(r.clone()),
                    residual,
                ))
                .unwrap();
                let got = run(&join_plan(
                    kind,
                    merge(),
                    values(l.clone()),
                    values(r.clone()),
                    residual,
                ))
                .unwrap();
                let name = format!("seed {seed} {kind:?} residual {residual}");
                assert!(!got.is_empty() || expected.is_empty(), "{name}");
                assert_eq!(sorted(got), sorted(expected), "{name}");
            }
        }
    }
}

#[test]
fn merge_join_keeps_left_order() {
    let l = side(3, 50);
    let r = side(11, 50);
    for kind in [
        JoinKind::Inner,
        JoinKind::Left,
        JoinKind::Semi,
        JoinKind::Anti,
    ] {
        let rows = run(&join_plan(
            kind,
            merge(),
            values(l.clone()),
            values(r.clone()),
            false,
        ))
        .unwrap();
        let ns: Vec<i64> = rows
            .iter()
            .map(|row| match row[1] {
                Value::Int8(n) => n,
                _ => panic!("n is int8"),
            })
            .collect();
        assert!(ns.windows(2).all(|w| w[0] <= w[1]), "{kind:?}: {ns:?}");
    }
}

#[test]
fn null_keys_never_match() {
    // Both sides hold only NULL keys: nothing matches, every row is kept by
    // the kinds that keep unmatched rows.
    let l = values(vec![vec![N, i(1)], vec![N, i(2)]]);
    let r = values(vec![vec![N, i(3)]]);
    let inner = run(&join_plan(
        JoinKind::Inner,
        merge(),
        l.clone(),
        r.clone(),
        false,
    ))
    .unwrap();
    assert!(inner.is_empty());
    let full = run(&join_plan(
        JoinKind::Full,
        merge(),
        l.clone(),
        r.clone(),
        false,
    ))
    .unwrap();
    assert_eq!(
        sorted(full),
        sorted(vec![
            vec![N, i(1), N, N],
            vec![N, i(2), N, N],
            vec![N, N, N, i(3)],
        ])
    );
    let anti = run(&join_plan(JoinKind::Anti, merge(), l, r, false)).unwrap();
    assert_eq!(anti.len(), 2);
}

#[test]
fn an_unsorted_input_is_an_error_not_wrong_rows() {
    let l = values(vec![vec![i(2), i(1)], vec![i(1), i(2)]]);
    let r = values(vec![vec![i(1), i(3)], vec![i(2), i(4)]]);
    let e = run(&join_plan(JoinKind::Inner, merge(), l, r, false)).unwrap_err();
    assert_eq!(e.code(), SqlState::INTERNAL_ERROR);
}
