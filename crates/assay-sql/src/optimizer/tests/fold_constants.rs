//! `fold_constants`: plans before and after.

use std::sync::Arc;

use super::*;
use crate::types::BinaryOp;
use assay_storage::SqlState;

fn text(s: &str) -> ScalarExpr {
    ScalarExpr::Const {
        value: Value::text(s),
        data_type: DataType::Text,
    }
}

fn boolean(b: bool) -> ScalarExpr {
    ScalarExpr::Const {
        value: Value::Bool(b),
        data_type: DataType::Bool,
    }
}

fn binary(op: BinaryOp, l: ScalarExpr, r: ScalarExpr, t: DataType) -> ScalarExpr {
    ScalarExpr::Binary {
        op,
        left: Box::new(l),
        right: Box::new(r),
        data_type: t,
    }
}

fn call(name: &str, args: Vec<ScalarExpr>, types: &[DataType]) -> ScalarExpr {
    ScalarExpr::Function {
        func: Arc::new(crate::functions::lookup(name, types).unwrap()),
        args,
    }
}

fn project(input: Plan, exprs: Vec<ScalarExpr>) -> Plan {
    let schema = Schema::new(
        exprs
            .iter()
            .map(|e| Field::new("c", expr_type(e, &input.schema).unwrap_or(DataType::Text)))
            .collect(),
    );
    Plan::new(
        PlanNode::Project {
            input: Box::new(input),
            exprs,
        },
        schema,
    )
}

fn project_exprs(p: &Plan) -> &[ScalarExpr] {
    match &p.node {
        PlanNode::Project { exprs, .. } => exprs,
        _ => panic!("not a projection: {p:?}"),
    }
}

fn const_value(e: &ScalarExpr) -> &Value {
    match e {
        ScalarExpr::Const { value, .. } => value,
        _ => panic!("not a constant: {e:?}"),
    }
}

fn scan_filter(p: &Plan) -> Option<&ScalarExpr> {
    match &p.node {
        PlanNode::Scan { filter, .. } => filter.as_ref(),
        PlanNode::Project { input, .. } => scan_filter(input),
        _ => panic!("no scan in {p:?}"),
    }
}

#[test]
fn constant_operands_compute_once() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    // SELECT 2 * 3, lower('ABC'), '2020-01-01'::date + 1, k + (1 + 2) FROM a
    let date = ScalarExpr::Cast {
        expr: Box::new(text("2020-01-01")),
        from: DataType::Text,
        to: DataType::Date,
    };
    let before = project(
        scan_a(a),
        vec![
            binary(BinaryOp::Mul, int(2), int(3), DataType::Int4),
            call("lower", vec![text("ABC")], &[DataType::Text]),
            binary(BinaryOp::Add, date, int(1), DataType::Date),
            binary(
                BinaryOp::Add,
                col(1),
                binary(BinaryOp::Add, int(1), int(2), DataType::Int4),
                DataType::Int4,
            ),
        ],
    );
    let p = optimize(before, &ctx).unwrap();
    let e = project_exprs(&p);
    assert_eq!(const_value(&e[0]), &Value::Int4(6));
    assert_eq!(const_value(&e[1]), &Value::text("abc"));
    let next_day = crate::types::cast(
        &Value::text("2020-01-02"),
        &DataType::Text,
        &DataType::Date,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(const_value(&e[2]), &next_day);
    // Only the constant part of k + (1 + 2) folds.
    let ScalarExpr::Binary { left, right, .. } = &e[3] else {
        panic!("{:?}", e[3])
    };
    assert!(matches!(**left, ScalarExpr::Column(1)));
    assert_eq!(const_value(right), &Value::Int4(3));
}

#[test]
fn volatile_functions_and_parameters_stay() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    let param = ScalarExpr::Param {
        index: 0,
        data_type: DataType::Int4,
    };
    let before = project(
        scan_a(a),
        vec![
            call("random", vec![], &[]),
            binary(BinaryOp::Add, param, int(1), DataType::Int4),
            call("now", vec![], &[]),
        ],
    );
    let p = optimize(before, &ctx).unwrap();
    let e = project_exprs(&p);
    assert!(matches!(e[0], ScalarExpr::Function { .. }));
    assert!(matches!(e[1], ScalarExpr::Binary { .. }));
    assert!(matches!(e[2], ScalarExpr::Function { .. }));
}

#[test]
fn boolean_logic_simplifies() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    // On `name`, which no index covers, so the condition stays a filter
    // (a condition on `k` would become the range of an index scan).
    let name_is_x = || cmp(CmpOp::Eq, col(2), text("x"));
    // name = 'x' AND true → name = 'x'
    let p = optimize(
        filter(scan_a(a), ScalarExpr::And(vec![name_is_x(), boolean(true)])),
        &ctx,
    )
    .unwrap();
    assert!(
        matches!(scan_filter(&p), Some(ScalarExpr::Compare { .. })),
        "{p:?}"
    );
    // NOT NOT (name = 'x') → name = 'x'
    let not_not = ScalarExpr::Not(Box::new(ScalarExpr::Not(Box::new(name_is_x()))));
    let p = optimize(filter(scan_a(a), not_not), &ctx).unwrap();
    assert!(
        matches!(scan_filter(&p), Some(ScalarExpr::Compare { .. })),
        "{p:?}"
    );
    // name = 'x' OR true → no filter at all
    let p = optimize(
        filter(scan_a(a), ScalarExpr::Or(vec![name_is_x(), boolean(true)])),
        &ctx,
    )
    .unwrap();
    assert!(scan_filter(&p).is_none(), "{p:?}");
}

#[test]
fn a_false_or_null_filter_reads_nothing() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    let null = ScalarExpr::Const {
        value: Value::Null,
        data_type: DataType::Bool,
    };
    for predicate in [
        boolean(false),
        null,
        ScalarExpr::And(vec![cmp(CmpOp::Eq, col(1), int(5)), boolean(false)]),
    ] {
        let p = optimize(filter(scan_a(a), predicate), &ctx).unwrap();
        assert!(matches!(p.node, PlanNode::Empty), "{p:?}");
        assert_eq!(p.schema.len(), 3);
    }
}

#[test]
fn folding_errors_as_postgres_does_at_plan_time() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    let one_over_zero = || binary(BinaryOp::Div, int(1), int(0), DataType::Int4);
    // SELECT 1/0 FROM a WHERE false: no row needs it, PostgreSQL still fails.
    let p = project(filter(scan_a(a), boolean(false)), vec![one_over_zero()]);
    let e = optimize(p, &ctx).unwrap_err();
    assert_eq!(e.code(), SqlState::DIVISION_BY_ZERO);
    // What simplification drops first is never computed:
    // CASE WHEN true THEN 1 ELSE 1/0 END, coalesce(1, 1/0) and
    // false AND 1/0 = 1.
    let case = ScalarExpr::Case {
        operand: None,
        whens: vec![(boolean(true), int(1))],
        else_result: Some(Box::new(one_over_zero())),
        data_type: DataType::Int4,
    };
    let coalesce = ScalarExpr::Coalesce {
        args: vec![int(1), one_over_zero()],
        data_type: DataType::Int4,
    };
    let and = ScalarExpr::And(vec![
        boolean(false),
        cmp(CmpOp::Eq, one_over_zero(), int(1)),
    ]);
    let p = optimize(project(scan_a(a), vec![case, coalesce, and]), &ctx).unwrap();
    let e = project_exprs(&p);
    assert_eq!(const_value(&e[0]), &Value::Int4(1));
    assert_eq!(const_value(&e[1]), &Value::Int4(1));
    assert_eq!(const_value(&e[2]), &Value::Bool(false));
    // … but an arm that may run is computed: CASE WHEN k > 0 THEN 1/0 END.
    let case = ScalarExpr::Case {
        operand: None,
        whens: vec![(cmp(CmpOp::Gt, col(1), int(0)), one_over_zero())],
        else_result: None,
        data_type: DataType::Int4,
    };
    let e = optimize(project(scan_a(a), vec![case]), &ctx).unwrap_err();
    assert_eq!(e.code(), SqlState::DIVISION_BY_ZERO);
}

#[test]
fn settings_dependent_casts_wait_for_the_executor() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    // '01/02/2020'::date reads DateStyle; 1.5::float8::text reads
    // extra_float_digits.
    let date = ScalarExpr::Cast {
        expr: Box::new(text("01/02/2020")),
        from: DataType::Text,
        to: DataType::Date,
    };
    let float_text = ScalarExpr::Cast {
        expr: Box::new(ScalarExpr::Const {
            value: Value::Float8(1.5),
            data_type: DataType::Float8,
        }),
        from: DataType::Float8,
        to: DataType::Text,
    };
    let p = optimize(project(scan_a(a), vec![date, float_text]), &ctx).unwrap();
    let e = project_exprs(&p);
    assert!(matches!(e[0], ScalarExpr::Cast { .. }));
    assert!(matches!(e[1], ScalarExpr::Cast { .. }));
}

#[test]
fn a_false_filter_over_a_write_keeps_the_write() {
    // WITH x AS (INSERT INTO b VALUES (1, 2) RETURNING x) SELECT * FROM x
    // WHERE false: the INSERT runs to completion all the same.
    let (c, _, b) = catalog();
    let ctx = OptContext { catalog: &c };
    let values = Plan::new(
        PlanNode::Values {
            rows: vec![vec![int(1), int(2)]],
        },
        Schema::new(vec![
            Field::new("x", DataType::Int4),
            Field::new("y", DataType::Int4),
        ]),
    );
    let insert = Plan::new(
        PlanNode::Insert {
            table: TableRef {
                oid: b,
                name: "b".into(),
            },
            input: Box::new(values),
            on_conflict: None,
            returning: vec![col(0)],
        },
        Schema::new(vec![Field::new("x", DataType::Int4)]),
    );
    let p = optimize(filter(insert, boolean(false)), &ctx).unwrap();
    assert!(matches!(p.node, PlanNode::Filter { .. }), "{p:?}");
}
