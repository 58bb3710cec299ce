//! Query operators: filter, limit, joins, aggregates, sort, set operations,
//! recursion, function scans, statistics.

use super::fixtures::*;
use crate::exec::{execute, ExecContext, MemoryTables};
use crate::functions::Prng;
use crate::plan::{AggCall, CmpOp, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr, SetOpKind};
use crate::types::{BinaryOp, DataType, Settings, Value};

fn filter(input: Plan, predicate: ScalarExpr) -> Plan {
    let w = input.schema.len();
    plan(
        PlanNode::Filter {
            input: Box::new(input),
            predicate,
        },
        w,
    )
}

#[test]
fn filter_project_limit_offset() {
    let rows: Vec<Vec<Value>> = (1..=10).map(|k| vec![i(k)]).collect();
    let f = filter(values(rows), cmp(CmpOp::Gt, col(0), lit(i(3))));
    let p = plan(
        PlanNode::Limit {
            input: Box::new(f),
            limit: Some(lit(i(2))),
            offset: Some(lit(i(1))),
            with_ties: vec![],
        },
        1,
    );
    assert_eq!(run(&p).unwrap(), vec![vec![i(5)], vec![i(6)]]);
    let neg = plan(
        PlanNode::Limit {
            input: Box::new(values(vec![vec![i(1)]])),
            limit: Some(lit(i(-1))),
            offset: None,
            with_ties: vec![],
        },
        1,
    );
    let err = run(&neg).unwrap_err();
    assert_eq!(
        (err.code().as_str(), err.message()),
        ("2201W", "LIMIT must not be negative")
    );
}

#[test]
fn limit_with_ties() {
    let input = sort(
        values(vec![
            vec![i(1)],
            vec![i(2)],
            vec![i(2)],
            vec![i(2)],
            vec![i(3)],
        ]),
        vec![asc(col(0))],
    );
    let p = plan(
        PlanNode::Limit {
            input: Box::new(input),
            limit: Some(lit(i(2))),
            offset: None,
            with_ties: vec![asc(col(0))],
        },
        1,
    );
    assert_eq!(
        run(&p).unwrap(),
        vec![vec![i(1)], vec![i(2)], vec![i(2)], vec![i(2)]]
    );
}

fn join(kind: JoinKind, algorithm: JoinAlgorithm, left: Plan, right: Plan) -> Plan {
    let w = if matches!(kind, JoinKind::Semi | JoinKind::Anti) {
        left.schema.len()
    } else {
        left.schema.len() + right.schema.len()
    };
    let condition = match algorithm {
        JoinAlgorithm::NestedLoop => Some(cmp(CmpOp::Eq, col(0), col(left.schema.len()))),
        _ => None,
    };
    plan(
        PlanNode::Join {
            left: Box::new(left),
            right: Box::new(right),
            kind,
            condition,
            algorithm,
            lateral: false,
        },
        w,
    )
}

fn join_inputs() -> (Plan, Plan) {
    let l = values(vec![
        vec![i(1), t("a")],
        vec![i(2), t("b")],
        vec![N, t("n")],
        vec![i(2), t("b2")],
    ]);
    let r = values(vec![
        vec![i(2), t("x")],
        vec![i(3), t("y")],
        vec![N, t("z")],
    ]);
    (l, r)
}

#[test]
fn every_join_kind_agrees_across_algorithms() {
    let hash = || JoinAlgorithm::Hash {
        left_keys: vec![col(0)],
        right_keys: vec![col(0)],
    };
    let merge = || JoinAlgorithm::Merge {
        left_keys: vec![col(0)],
        right_keys: vec![col(0)],
    };
    let cases: Vec<(JoinKind, Vec<Vec<Value>>)> = vec![
        (
            JoinKind::Inner,
            vec![
                vec![i(2), t("b"), i(2), t("x")],
                vec![i(2), t("b2"), i(2), t("x")],
            ],
        ),
        (
            JoinKind::Left,
            vec![
                vec![i(1), t("a"), N, N],
                vec![i(2), t("b"), i(2), t("x")],
                vec![i(2), t("b2"), i(2), t("x")],
                vec![N, t("n"), N, N],
            ],
        ),
        (
            JoinKind::Right,
            vec![
                vec![i(2), t("b"), i(2), t("x")],
                vec![i(2), t("b2"), i(2), t("x")],
                vec![N, N, i(3), t("y")],
                vec![N, N, N, t("z")],
            ],
        ),
        (
            JoinKind::Full,
            vec![
                vec![i(1), t("a"), N, N],
                vec![i(2), t("b"), i(2), t("x")],
                vec![i(2), t("b2"), i(2), t("x")],
                vec![N, t("n"), N, N],
                vec![N, N, i(3), t("y")],
                vec![N, N, N, t("z")],
            ],
        ),
        (
            JoinKind::Semi,
            vec![vec![i(2), t("b")], vec![i(2), t("b2")]],
        ),
        (JoinKind::Anti, vec![vec![i(1), t("a")], vec![N, t("n")]]),
    ];
    for (kind, expected) in cases {
        for algorithm in [JoinAlgorithm::NestedLoop, hash(), merge()] {
            let (l, r) = join_inputs();
            let name = format!("{kind:?} {algorithm:?}");
            let got = run(&join(kind, algorithm, l, r)).unwrap();
            assert_eq!(sorted(got), sorted(expected.clone()), "{name}");
        }
    }
}

#[test]
fn lateral_nested_loop_reruns_the_right_side() {
    // SELECT * FROM (VALUES (2),(3)) a(n), LATERAL generate_series(1, a.n)
    let right = plan(
        PlanNode::FunctionScan {
            name: "generate_series".into(),
            func: generate_series(),
            args: vec![lit(i(1)), ScalarExpr::Outer { depth: 1, index: 0 }],
            ordinality: true,
        },
        2,
    );
    let p = plan(
        PlanNode::Join {
            left: Box::new(values(vec![vec![i(2)], vec![i(3)]])),
            right: Box::new(right),
            kind: JoinKind::Inner,
            condition: None,
            algorithm: JoinAlgorithm::NestedLoop,
            lateral: true,
        },
        3,
    );
    let rows = run(&p).unwrap();
    assert_eq!(
        rows,
        vec![
            vec![i(2), i(1), i(1)],
            vec![i(2), i(2), i(2)],
            vec![i(3), i(1), i(1)],
            vec![i(3), i(2), i(2)],
            vec![i(3), i(3), i(3)],
        ]
    );
}

fn agg(func: std::sync::Arc<crate::functions::Resolved>, args: Vec<ScalarExpr>) -> AggCall {
    AggCall {
        func,
        args,
        distinct: false,
        filter: None,
        order_by: vec![],
        data_type: DataType::Int8,
    }
}

#[test]
fn rollup_matches_postgres() {
    // SELECT a, b, sum(c) FROM (VALUES (1,1,10),(1,2,20),(2,1,30),(NULL,1,5)) v(a,b,c)
    // GROUP BY ROLLUP(a, b) — rows checked on PostgreSQL 15.
    let input = values(vec![
        vec![i(1), i(1), i(10)],
        vec![i(1), i(2), i(20)],
        vec![i(2), i(1), i(30)],
        vec![N, i(1), i(5)],
    ]);
    let p = plan(
        PlanNode::Aggregate {
            input: Box::new(input),
            group_by: vec![col(0), col(1)],
            grouping_sets: Some(vec![vec![0, 1], vec![0], vec![]]),
            sorted: false,
            aggregates: vec![agg(sum(), vec![col(2)])],
        },
        3,
    );
    // The last column is the grouping set's number.
    let s = |k: i32| Value::Int4(k);
    let expected = vec![
        vec![i(1), i(1), i(10), s(0)],
        vec![i(1), i(2), i(20), s(0)],
        vec![i(1), N, i(30), s(1)],
        vec![i(2), i(1), i(30), s(0)],
        vec![i(2), N, i(30), s(1)],
        vec![N, i(1), i(5), s(0)],
        vec![N, N, i(5), s(1)],
        vec![N, N, i(65), s(2)],
    ];
    assert_eq!(sorted(run(&p).unwrap()), sorted(expected));
}

#[test]
fn aggregates_distinct_filter_order_and_empty_input() {
    let input = || {
        values(vec![
            vec![i(1), t("b")],
            vec![i(1), t("a")],
            vec![i(2), t("c")],
            vec![N, t("a")],
        ])
    };
    let mut distinct = agg(count(), vec![col(0)]);
    distinct.distinct = true;
    let mut filtered = agg(count(), vec![]);
    filtered.filter = Some(cmp(CmpOp::Eq, col(0), lit(i(1))));
    let mut ordered = agg(string_agg(), vec![col(1)]);
    ordered.order_by = vec![desc(col(1))];
    let mut ordered_distinct = agg(string_agg(), vec![col(1)]);
    ordered_distinct.order_by = vec![asc(col(1))];
    ordered_distinct.distinct = true;
    let p = plan(
        PlanNode::Aggregate {
            input: Box::new(input()),
            group_by: vec![],
            grouping_sets: None,
            sorted: false,
            aggregates: vec![
                agg(count(), vec![]),
                distinct,
                filtered,
                ordered,
                ordered_distinct,
            ],
        },
        5,
    );
    assert_eq!(
        run(&p).unwrap(),
        vec![vec![i(4), i(2), i(2), t("c,b,a,a"), t("a,b,c")]]
    );
    // No input, no GROUP BY: one row; with GROUP BY: none.
    let empty = |group_by: Vec<ScalarExpr>| {
        plan(
            PlanNode::Aggregate {
                input: Box::new(plan(PlanNode::Empty, 1)),
                group_by,
                grouping_sets: None,
                sorted: false,
                aggregates: vec![agg(count(), vec![]), agg(sum(), vec![col(0)])],
            },
            2,
        )
    };
    assert_eq!(run(&empty(vec![])).unwrap(), vec![vec![i(0), N]]);
    assert!(run(&empty(vec![col(0)])).unwrap().is_empty());
}

#[test]
fn sort_is_stable_with_nulls_and_directions() {
    let input = values(vec![
        vec![i(2), t("a")],
        vec![N, t("b")],
        vec![i(1), t("c")],
        vec![i(2), t("d")],
        vec![N, t("e")],
    ]);
    let asc_rows = run(&sort(input.clone(), vec![asc(col(0))])).unwrap();
    let names: Vec<Value> = asc_rows.iter().map(|r| r[1].clone()).collect();
    assert_eq!(names, vec![t("c"), t("a"), t("d"), t("b"), t("e")]);
    let desc_rows = run(&sort(input, vec![desc(col(0))])).unwrap();
    let names: Vec<Value> = desc_rows.iter().map(|r| r[1].clone()).collect();
    assert_eq!(names, vec![t("b"), t("e"), t("a"), t("d"), t("c")]);
}

#[test]
fn top_n_keeps_the_first_rows() {
    let rows: Vec<Vec<Value>> = (0..100).map(|k| vec![i((k * 37) % 100), i(k)]).collect();
    let p = plan(
        PlanNode::Sort {
            input: Box::new(values(rows)),
            keys: vec![asc(col(0))],
            limit: Some(3),
        },
        2,
    );
    let got: Vec<Value> = run(&p).unwrap().into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(got, vec![i(0), i(1), i(2)]);
}

#[test]
fn sort_spills_and_merges_with_a_tiny_memory_limit() {
    let n = 3000i64;
    let rows: Vec<Vec<Value>> = (0..n).map(|k| vec![i((k * 7919) % 100), i(k)]).collect();
    let p = sort(values(rows.clone()), vec![asc(col(0))]);
    let mut tables = MemoryTables::new();
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(&mut tables, &settings, &[], &clock, &mut rng);
    ctx.work_mem = 16 * 1024;
    let mut op = execute(&p, &mut ctx).unwrap();
    let mut got = Vec::new();
    while let Some(r) = op.next(&mut ctx).unwrap() {
        got.push(r);
    }
    drop(ctx);
    assert!(tables.runs_written > 5, "only {} runs", tables.runs_written);
    let mut expected = rows;
    expected.sort_by_key(|r| match r[0] {
        Value::Int8(v) => v,
        _ => 0,
    });
    // Stable: equal keys keep input order (the second column).
    assert_eq!(got, expected);
}

#[test]
fn distinct_and_distinct_on() {
    let input = values(vec![
        vec![i(1), t("x")],
        vec![i(1), t("x")],
        vec![N, t("y")],
        vec![N, t("y")],
        vec![i(1), t("z")],
    ]);
    let d = plan(
        PlanNode::Distinct {
            input: Box::new(input.clone()),
            on: None,
        },
        2,
    );
    assert_eq!(run(&d).unwrap().len(), 3);
    let on = plan(
        PlanNode::Distinct {
            input: Box::new(sort(input, vec![asc(col(0))])),
            on: Some(vec![col(0)]),
        },
        2,
    );
    assert_eq!(run(&on).unwrap(), vec![vec![i(1), t("x")], vec![N, t("y")]]);
}

#[test]
fn set_operations_count_duplicates_like_postgres() {
    let left = || {
        values(vec![
            vec![i(1)],
            vec![i(1)],
            vec![i(1)],
            vec![i(2)],
            vec![i(3)],
            vec![N],
            vec![N],
        ])
    };
    let right = || {
        values(vec![
            vec![i(1)],
            vec![i(1)],
            vec![i(2)],
            vec![i(4)],
            vec![N],
        ])
    };
    let setop = |kind, all| {
        let rows = run(&plan(
            PlanNode::SetOp {
                kind,
                all,
                left: Box::new(left()),
                right: Box::new(right()),
            },
            1,
        ))
        .unwrap();
        sorted(rows)
            .into_iter()
            .map(|r| r[0].clone())
            .collect::<Vec<_>>()
    };
    // Checked on PostgreSQL 15.
    assert_eq!(
        setop(SetOpKind::Union, false),
        vec![i(1), i(2), i(3), i(4), N]
    );
    assert_eq!(setop(SetOpKind::Union, true).len(), 12);
    assert_eq!(setop(SetOpKind::Intersect, false), vec![i(1), i(2), N]);
    assert_eq!(setop(SetOpKind::Intersect, true), vec![i(1), i(1), i(2), N]);
    assert_eq!(setop(SetOpKind::Except, false), vec![i(3)]);
    assert_eq!(setop(SetOpKind::Except, true), vec![i(1), i(3), N]);
}

fn add(l: ScalarExpr, r: ScalarExpr) -> ScalarExpr {
    ScalarExpr::Binary {
        op: BinaryOp::Add,
        left: Box::new(l),
        right: Box::new(r),
        data_type: DataType::Int8,
    }
}

#[test]
fn recursive_counter_to_ten() {
    // WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 10)
    let recursive = plan(
        PlanNode::Project {
            input: Box::new(filter(
                plan(PlanNode::WorkTable { id: 7 }, 1),
                cmp(CmpOp::Lt, col(0), lit(i(10))),
            )),
            exprs: vec![add(col(0), lit(i(1)))],
        },
        1,
    );
    let p = plan(
        PlanNode::RecursiveUnion {
            id: 7,
            anchor: Box::new(values(vec![vec![i(1)]])),
            recursive: Box::new(recursive),
            all: true,
        },
        1,
    );
    let got: Vec<Value> = run(&p).unwrap().into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(got, (1..=10).map(i).collect::<Vec<_>>());
}

#[test]
fn recursive_graph_walk_terminates_on_cycles_with_union() {
    // Edges 1→2, 2→3, 3→1, 3→4: reachable from 1 with UNION (dedup) stops.
    let edges = values(vec![
        vec![i(1), i(2)],
        vec![i(2), i(3)],
        vec![i(3), i(1)],
        vec![i(3), i(4)],
    ]);
    let step = plan(
        PlanNode::Project {
            input: Box::new(plan(
                PlanNode::Join {
                    left: Box::new(plan(PlanNode::WorkTable { id: 1 }, 1)),
                    right: Box::new(edges),
                    kind: JoinKind::Inner,
                    condition: None,
                    algorithm: JoinAlgorithm::Hash {
                        left_keys: vec![col(0)],
                        right_keys: vec![col(0)],
                    },
                    lateral: false,
                },
                3,
            )),
            exprs: vec![col(2)],
        },
        1,
    );
    let p = plan(
        PlanNode::RecursiveUnion {
            id: 1,
            anchor: Box::new(values(vec![vec![i(1)]])),
            recursive: Box::new(step),
            all: false,
        },
        1,
    );
    let got: Vec<Value> = sorted(run(&p).unwrap())
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(got, vec![i(1), i(2), i(3), i(4)]);
}

#[test]
fn explain_analyze_counts_rows_per_node() {
    let rows: Vec<Vec<Value>> = (1..=10).map(|k| vec![i(k)]).collect();
    let p = filter(values(rows), cmp(CmpOp::LtEq, col(0), lit(i(4))));
    let mut tables = MemoryTables::new();
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(&mut tables, &settings, &[], &clock, &mut rng);
    ctx.analyze = true;
    let mut op = execute(&p, &mut ctx).unwrap();
    while op.next(&mut ctx).unwrap().is_some() {}
    assert_eq!(ctx.stats.len(), 2);
    assert_eq!((ctx.stats[0].rows, ctx.stats[0].loops), (4, 1));
    assert_eq!((ctx.stats[1].rows, ctx.stats[1].loops), (10, 1));
}

#[test]
fn cancellation_stops_a_long_scan() {
    let flag = crate::exec::Interrupt::new();
    flag.cancel();
    let p = plan(
        PlanNode::FunctionScan {
            name: "generate_series".into(),
            func: generate_series(),
            args: vec![lit(i(1)), lit(i(1_000_000))],
            ordinality: false,
        },
        1,
    );
    let mut tables = MemoryTables::new();
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(&mut tables, &settings, &[], &clock, &mut rng);
    ctx.cancel = Some(&flag);
    let mut op = execute(&p, &mut ctx).unwrap();
    let err = loop {
        match op.next(&mut ctx) {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("not cancelled"),
            Err(e) => break e,
        }
    };
    assert_eq!(err.code().as_str(), "57014");
}

fn run_with_work_mem(p: &Plan, work_mem: usize) -> (Vec<Vec<Value>>, u64) {
    let mut tables = MemoryTables::new();
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(&mut tables, &settings, &[], &clock, &mut rng);
    ctx.work_mem = work_mem;
    let rows = crate::exec::collect(p, &mut ctx).unwrap();
    drop(ctx);
    (rows, tables.runs_written)
}

#[test]
fn aggregation_spills_when_groups_outgrow_memory() {
    // SELECT k % 500, count(*), sum(k), count(DISTINCT k % 7) ... GROUP BY ROLLUP(k % 500)
    let rows: Vec<Vec<Value>> = (0..3000)
        .map(|k| vec![i(k % 500), i(k), i(k % 7)])
        .collect();
    let mut distinct = agg(count(), vec![col(2)]);
    distinct.distinct = true;
    let p = plan(
        PlanNode::Aggregate {
            input: Box::new(values(rows)),
            group_by: vec![col(0)],
            grouping_sets: Some(vec![vec![0], vec![]]),
            sorted: false,
            aggregates: vec![agg(count(), vec![]), agg(sum(), vec![col(1)]), distinct],
        },
        5,
    );
    let (in_memory, runs) = run_with_work_mem(&p, 1 << 30);
    assert_eq!(runs, 0);
    let (spilled, runs) = run_with_work_mem(&p, 4 * 1024);
    assert!(runs > 0, "did not spill");
    assert_eq!(in_memory.len(), 501);
    assert_eq!(sorted(spilled), sorted(in_memory.clone()));
    let total = in_memory.iter().find(|r| r[4] == Value::Int4(1)).unwrap();
    assert_eq!(total[1..4], [i(3000), i(3000 * 2999 / 2), i(7)]);
}

#[test]
fn hash_join_partitions_to_storage_for_every_kind() {
    let side = |n: i64, m: i64, tag: &str| {
        let rows: Vec<Vec<Value>> = (0..n)
            .map(|k| {
                vec![
                    if k % 50 == 0 { N } else { i(k % m) },
                    t(&format!("{tag}{k}")),
                ]
            })
            .collect();
        values(rows)
    };
    for kind in [
        JoinKind::Inner,
        JoinKind::Left,
        JoinKind::Right,
        JoinKind::Full,
        JoinKind::Semi,
        JoinKind::Anti,
    ] {
        let algorithm = JoinAlgorithm::Hash {
            left_keys: vec![col(0)],
            right_keys: vec![col(0)],
        };
        // A residual condition too: only pairs whose tags differ in length.
        let w = if matches!(kind, JoinKind::Semi | JoinKind::Anti) {
            2
        } else {
            4
        };
        let condition = (w == 4).then(|| cmp(CmpOp::NotEq, col(0), lit(i(7))));
        let p = plan(
            PlanNode::Join {
                left: Box::new(side(600, 300, "l")),
                right: Box::new(side(500, 400, "r")),
                kind,
                condition,
                algorithm,
                lateral: false,
            },
            w,
        );
        let (in_memory, runs) = run_with_work_mem(&p, 1 << 30);
        assert_eq!(runs, 0);
        let (spilled, runs) = run_with_work_mem(&p, 8 * 1024);
        assert!(runs > 0, "{kind:?} did not spill");
        assert!(!in_memory.is_empty());
        assert_eq!(sorted(spilled), sorted(in_memory), "{kind:?}");
    }
}

#[test]
fn streaming_operators_do_not_buffer() {
    // generate_series(1, 10^18) through Filter, Project and Limit ends at
    // once: nothing below the Limit reads ahead.
    let series = plan(
        PlanNode::FunctionScan {
            name: "generate_series".into(),
            func: generate_series(),
            args: vec![lit(i(1)), lit(i(1_000_000_000_000_000_000))],
            ordinality: false,
        },
        1,
    );
    let odd = ScalarExpr::Binary {
        op: BinaryOp::Mod,
        left: Box::new(col(0)),
        right: Box::new(lit(i(2))),
        data_type: DataType::Int8,
    };
    let f = filter(series, cmp(CmpOp::Eq, odd, lit(i(1))));
    let p = plan(
        PlanNode::Project {
            input: Box::new(f),
            exprs: vec![add(col(0), lit(i(100)))],
        },
        1,
    );
    let l = plan(
        PlanNode::Limit {
            input: Box::new(p),
            limit: Some(lit(i(3))),
            offset: Some(lit(i(1))),
            with_ties: vec![],
        },
        1,
    );
    assert_eq!(
        run(&l).unwrap(),
        vec![vec![i(103)], vec![i(105)], vec![i(107)]]
    );
}

#[test]
fn explain_analyze_counts_loops_of_a_lateral_inner_side() {
    let right = plan(
        PlanNode::FunctionScan {
            name: "generate_series".into(),
            func: generate_series(),
            args: vec![lit(i(1)), ScalarExpr::Outer { depth: 1, index: 0 }],
            ordinality: false,
        },
        1,
    );
    let p = plan(
        PlanNode::Join {
            left: Box::new(values(vec![vec![i(2)], vec![i(3)], vec![i(4)]])),
            right: Box::new(right),
            kind: JoinKind::Inner,
            condition: None,
            algorithm: JoinAlgorithm::NestedLoop,
            lateral: true,
        },
        2,
    );
    let mut tables = MemoryTables::new();
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(&mut tables, &settings, &[], &clock, &mut rng);
    ctx.analyze = true;
    let rows = crate::exec::collect(&p, &mut ctx).unwrap();
    assert_eq!(rows.len(), 9);
    // Pre-order: join, values, function scan.
    assert_eq!((ctx.stats[0].rows, ctx.stats[0].loops), (9, 1));
    assert_eq!((ctx.stats[1].rows, ctx.stats[1].loops), (3, 1));
    assert_eq!((ctx.stats[2].rows, ctx.stats[2].loops), (9, 3));
}

#[test]
fn distinct_and_union_spill_past_work_mem() {
    let rows = |n: i64, m: i64| {
        values(
            (0..n)
                .map(|k| vec![if k % 97 == 0 { N } else { i(k % m) }, t("pad")])
                .collect(),
        )
    };
    let distinct = plan(
        PlanNode::Distinct {
            input: Box::new(rows(3000, 700)),
            on: None,
        },
        2,
    );
    let union = plan(
        PlanNode::SetOp {
            kind: SetOpKind::Union,
            all: false,
            left: Box::new(rows(2000, 500)),
            right: Box::new(rows(2000, 900)),
        },
        2,
    );
    for (p, expected) in [(distinct, 701), (union, 901)] {
        let (in_memory, runs) = run_with_work_mem(&p, 1 << 30);
        assert_eq!(runs, 0);
        assert_eq!(in_memory.len(), expected);
        let (spilled, runs) = run_with_work_mem(&p, 4 * 1024);
        assert!(runs > 0, "did not spill");
        assert_eq!(sorted(spilled), sorted(in_memory));
    }
}
