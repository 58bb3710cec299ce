//! Window functions and frames, checked against PostgreSQL 15.

use super::fixtures::*;
use crate::plan::{
    FrameBound, FrameExclude, FrameUnits, PlanNode, ScalarExpr, WindowCall, WindowFrame,
};
use crate::types::{DataType, Value};

fn call(
    func: std::sync::Arc<crate::functions::Resolved>,
    args: Vec<ScalarExpr>,
    frame: WindowFrame,
    order_desc: bool,
) -> WindowCall {
    WindowCall {
        func,
        args,
        partition_by: vec![],
        order_by: vec![if order_desc {
            desc(col(0))
        } else {
            asc(col(0))
        }],
        frame,
        filter: None,
        data_type: DataType::Int8,
    }
}

fn frame(
    units: FrameUnits,
    start: FrameBound,
    end: FrameBound,
    exclude: FrameExclude,
) -> WindowFrame {
    WindowFrame {
        units,
        start,
        end,
        exclude,
    }
}

#[test]
fn frames_with_offsets_and_exclusion() {
    // SELECT x,
    //   sum(x) OVER (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING),
    //   sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW),
    //   sum(x) OVER (ORDER BY x GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES),
    //   first_value(x) OVER (ORDER BY x DESC RANGE BETWEEN 2 PRECEDING AND CURRENT ROW)
    // FROM (VALUES (1),(2),(2),(3),(5),(NULL)) v(x)
    let input = values(vec![
        vec![i(1)],
        vec![i(2)],
        vec![i(2)],
        vec![i(3)],
        vec![i(5)],
        vec![N],
    ]);
    let calls = vec![
        call(
            sum(),
            vec![col(0)],
            frame(
                FrameUnits::Range,
                FrameBound::Preceding(i(1)),
                FrameBound::Following(i(1)),
                FrameExclude::NoOthers,
            ),
            false,
        ),
        call(
            sum(),
            vec![col(0)],
            frame(
                FrameUnits::Rows,
                FrameBound::Preceding(i(1)),
                FrameBound::Following(i(1)),
                FrameExclude::CurrentRow,
            ),
            false,
        ),
        call(
            sum(),
            vec![col(0)],
            frame(
                FrameUnits::Groups,
                FrameBound::Preceding(i(1)),
                FrameBound::CurrentRow,
                FrameExclude::Ties,
            ),
            false,
        ),
        call(
            first_value(),
            vec![col(0)],
            frame(
                FrameUnits::Range,
                FrameBound::Preceding(i(2)),
                FrameBound::CurrentRow,
                FrameExclude::NoOthers,
            ),
            true,
        ),
    ];
    let p = plan(
        PlanNode::Window {
            input: Box::new(input),
            calls,
        },
        5,
    );
    let expected = vec![
        vec![i(1), i(5), i(2), i(1), i(3)],
        vec![i(2), i(8), i(3), i(3), i(3)],
        vec![i(2), i(8), i(5), i(3), i(3)],
        vec![i(3), i(7), i(7), i(7), i(5)],
        vec![i(5), i(5), i(3), i(8), i(5)],
        vec![N, N, i(5), i(5), N],
    ];
    assert_eq!(sorted(run(&p).unwrap()), sorted(expected));
}

#[test]
fn ranking_partitions_and_default_frame() {
    // SELECT g, x, row_number(), rank(), dense_rank(), lag(x), sum(x) OVER (PARTITION BY g ORDER BY x)
    let input = values(vec![
        vec![i(1), i(10)],
        vec![i(2), i(5)],
        vec![i(1), i(20)],
        vec![i(1), i(10)],
        vec![i(2), i(5)],
    ]);
    let w = |func, args| WindowCall {
        func,
        args,
        partition_by: vec![col(0)],
        order_by: vec![asc(col(1))],
        frame: WindowFrame::default_frame(),
        filter: None,
        data_type: DataType::Int8,
    };
    let calls = vec![
        w(row_number(), vec![]),
        w(rank(), vec![]),
        w(dense_rank(), vec![]),
        w(lag(), vec![col(1)]),
        w(sum(), vec![col(1)]),
    ];
    let p = plan(
        PlanNode::Window {
            input: Box::new(input),
            calls,
        },
        7,
    );
    let got = run(&p).unwrap();
    let expected = vec![
        vec![i(1), i(10), i(1), i(1), i(1), N, i(20)],
        vec![i(1), i(10), i(2), i(1), i(1), i(10), i(20)],
        vec![i(1), i(20), i(3), i(3), i(2), i(10), i(40)],
        vec![i(2), i(5), i(1), i(1), i(1), N, i(10)],
        vec![i(2), i(5), i(2), i(1), i(1), i(5), i(10)],
    ];
    // Output comes in window order: partition, then ORDER BY, ties stable.
    assert_eq!(got, expected);
}

#[test]
fn rows_frame_ending_before_the_partition_is_empty() {
    // sum(x) OVER (ORDER BY x ROWS BETWEEN 3 PRECEDING AND 2 PRECEDING)
    let input = values(vec![vec![i(1)], vec![i(2)], vec![i(3)], vec![i(4)]]);
    let calls = vec![call(
        sum(),
        vec![col(0)],
        frame(
            FrameUnits::Rows,
            FrameBound::Preceding(i(3)),
            FrameBound::Preceding(i(2)),
            FrameExclude::NoOthers,
        ),
        false,
    )];
    let got: Vec<Value> = run(&plan(
        PlanNode::Window {
            input: Box::new(input),
            calls,
        },
        2,
    ))
    .unwrap()
    .into_iter()
    .map(|r| r[1].clone())
    .collect();
    assert_eq!(got, vec![N, N, i(1), i(3)]);
}

#[test]
fn range_offsets_with_nulls_at_either_end() {
    // SELECT x,
    //   sum(x) OVER (ORDER BY x NULLS FIRST RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING),
    //   count(*) OVER (ORDER BY x DESC NULLS LAST RANGE BETWEEN CURRENT ROW AND 2 FOLLOWING),
    //   count(*) OVER (ORDER BY x NULLS FIRST RANGE BETWEEN 2 PRECEDING AND 1 PRECEDING)
    // FROM (VALUES (1),(2),(2),(3),(5),(NULL),(NULL)) v(x) — PostgreSQL 15.
    let input = values(vec![
        vec![i(1)],
        vec![i(2)],
        vec![i(2)],
        vec![i(3)],
        vec![i(5)],
        vec![N],
        vec![N],
    ]);
    let order = |descending: bool, nulls_first: bool| {
        vec![crate::plan::SortKey {
            expr: col(0),
            descending,
            nulls_first,
        }]
    };
    let w = |func, args, order_by, frame| WindowCall {
        func,
        args,
        partition_by: vec![],
        order_by,
        frame,
        filter: None,
        data_type: DataType::Int8,
    };
    let calls = vec![
        w(
            sum(),
            vec![col(0)],
            order(false, true),
            frame(
                FrameUnits::Range,
                FrameBound::Preceding(i(1)),
                FrameBound::Following(i(1)),
                FrameExclude::NoOthers,
            ),
        ),
        w(
            count(),
            vec![],
            order(true, false),
            frame(
                FrameUnits::Range,
                FrameBound::CurrentRow,
                FrameBound::Following(i(2)),
                FrameExclude::NoOthers,
            ),
        ),
        w(
            count(),
            vec![],
            order(false, true),
            frame(
                FrameUnits::Range,
                FrameBound::Preceding(i(2)),
                FrameBound::Preceding(i(1)),
                FrameExclude::NoOthers,
            ),
        ),
    ];
    let got = run(&plan(
        PlanNode::Window {
            input: Box::new(input),
            calls,
        },
        4,
    ))
    .unwrap();
    let expected = vec![
        vec![N, N, i(2), i(2)],
        vec![N, N, i(2), i(2)],
        vec![i(1), i(5), i(1), i(0)],
        vec![i(2), i(8), i(3), i(1)],
        vec![i(2), i(8), i(3), i(1)],
        vec![i(3), i(7), i(4), i(3)],
        vec![i(5), i(5), i(2), i(1)],
    ];
    assert_eq!(sorted(got), sorted(expected));
}

#[test]
fn a_shared_window_streams_partitions_from_a_spilling_sort() {
    use crate::exec::{collect, ExecContext, MemoryTables};
    use crate::functions::Prng;
    use crate::types::Settings;
    // 40 partitions of 100 rows: row_number and a running sum per partition.
    let rows: Vec<Vec<Value>> = (0..4000).map(|k| vec![i(k % 40), i(k)]).collect();
    let w = |func, args| WindowCall {
        func,
        args,
        partition_by: vec![col(0)],
        order_by: vec![asc(col(1))],
        frame: WindowFrame::default_frame(),
        filter: None,
        data_type: DataType::Int8,
    };
    let p = plan(
        PlanNode::Window {
            input: Box::new(values(rows)),
            calls: vec![w(row_number(), vec![]), w(sum(), vec![col(1)])],
        },
        4,
    );
    let mut tables = MemoryTables::new();
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(&mut tables, &settings, &[], &clock, &mut rng);
    ctx.work_mem = 16 * 1024;
    let got = collect(&p, &mut ctx).unwrap();
    drop(ctx);
    assert!(tables.runs_written > 0, "did not spill");
    assert_eq!(got.len(), 4000);
    // Partition g holds g, g+40, g+80, …: the r-th row (1-based) is
    // g + 40(r-1), and the running sum is r*g + 40*r(r-1)/2.
    for row in &got {
        let (Value::Int8(g), Value::Int8(x), Value::Int8(r), Value::Int8(s)) =
            (&row[0], &row[1], &row[2], &row[3])
        else {
            panic!("bad row {row:?}")
        };
        assert_eq!(*x, g + 40 * (r - 1));
        assert_eq!(*s, r * g + 40 * r * (r - 1) / 2);
    }
    // Window order: by partition, then by the ORDER BY key.
    let order: Vec<(i64, i64)> = got
        .iter()
        .map(|r| match (&r[0], &r[1]) {
            (Value::Int8(a), Value::Int8(b)) => (*a, *b),
            _ => (0, 0),
        })
        .collect();
    let mut expected = order.clone();
    expected.sort();
    assert_eq!(order, expected);
}
