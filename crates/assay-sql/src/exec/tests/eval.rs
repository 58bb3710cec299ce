//! Expression evaluation: NULL semantics, CASE, IN, LIKE, arrays, subqueries.

use std::sync::Arc;

use super::fixtures::*;
use crate::exec::{eval, ExecContext, MemoryTables};
use crate::functions::Prng;
use crate::plan::{CmpOp, LikeKind, PlanNode, ScalarExpr, SubqueryKind};
use crate::types::{Array, BinaryOp, DataType, Settings, Value};

fn ev_row(e: &ScalarExpr, row: &[Value]) -> assay_storage::Result<Value> {
    let mut tables = MemoryTables::new();
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let params = [Value::Int8(42)];
    let mut ctx = ExecContext::new(&mut tables, &settings, &params, &clock, &mut rng);
    eval(e, row, &mut ctx)
}

fn ev(e: &ScalarExpr) -> Value {
    ev_row(e, &[]).unwrap()
}

fn b(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

fn bl(v: Option<bool>) -> ScalarExpr {
    lit(b(v))
}

const TRI: [Option<bool>; 3] = [Some(true), Some(false), None];

#[test]
fn and_or_not_follow_three_valued_logic() {
    for x in TRI {
        for y in TRI {
            let and = match (x, y) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            };
            let or = match (x, y) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            };
            assert_eq!(
                ev(&ScalarExpr::And(vec![bl(x), bl(y)])),
                b(and),
                "{x:?} AND {y:?}"
            );
            assert_eq!(
                ev(&ScalarExpr::Or(vec![bl(x), bl(y)])),
                b(or),
                "{x:?} OR {y:?}"
            );
        }
        assert_eq!(ev(&ScalarExpr::Not(Box::new(bl(x)))), b(x.map(|v| !v)));
    }
}

#[test]
fn comparisons_with_null_are_null_and_distinct_from_is_not() {
    assert_eq!(ev(&cmp(CmpOp::Eq, lit(N), lit(N))), N);
    assert_eq!(ev(&cmp(CmpOp::Lt, lit(i(1)), lit(i(2)))), Value::Bool(true));
    assert_eq!(ev(&cmp(CmpOp::NotEq, lit(i(1)), lit(N))), N);
    let distinct = |l: Value, r: Value, negated: bool| {
        ev(&ScalarExpr::IsDistinctFrom {
            left: Box::new(lit(l)),
            right: Box::new(lit(r)),
            negated,
        })
    };
    assert_eq!(distinct(N, N, false), Value::Bool(false));
    assert_eq!(distinct(i(1), N, false), Value::Bool(true));
    assert_eq!(distinct(i(1), i(1), true), Value::Bool(true));
    let is_unknown = ScalarExpr::IsBool {
        expr: Box::new(lit(N)),
        value: None,
        negated: false,
    };
    assert_eq!(ev(&is_unknown), Value::Bool(true));
    let null_is_not_true = ScalarExpr::IsBool {
        expr: Box::new(lit(N)),
        value: Some(true),
        negated: true,
    };
    assert_eq!(ev(&null_is_not_true), Value::Bool(true));
}

#[test]
fn in_list_null_rules() {
    let inl = |x: Value, list: Vec<Value>, negated: bool| {
        ev(&ScalarExpr::InList {
            expr: Box::new(lit(x)),
            list: list.into_iter().map(lit).collect(),
            negated,
        })
    };
    // Checked on PostgreSQL 15: 1 IN (1, NULL) = t; 2 IN (1, NULL) = NULL;
    // 2 NOT IN (1, NULL) = NULL; NULL IN (1) = NULL; 2 NOT IN (1) = t.
    assert_eq!(inl(i(1), vec![i(1), N], false), Value::Bool(true));
    assert_eq!(inl(i(2), vec![i(1), N], false), N);
    assert_eq!(inl(i(2), vec![i(1), N], true), N);
    assert_eq!(inl(N, vec![i(1)], false), N);
    assert_eq!(inl(i(2), vec![i(1)], true), Value::Bool(true));
}

#[test]
fn case_coalesce_nullif_greatest() {
    let case = ScalarExpr::Case {
        operand: Some(Box::new(col(0))),
        whens: vec![(lit(i(1)), lit(t("one"))), (lit(N), lit(t("null")))],
        else_result: Some(Box::new(lit(t("other")))),
        data_type: DataType::Text,
    };
    assert_eq!(ev_row(&case, &[i(1)]).unwrap(), t("one"));
    // CASE NULL WHEN NULL is not a match.
    assert_eq!(ev_row(&case, &[N]).unwrap(), t("other"));
    let searched = ScalarExpr::Case {
        operand: None,
        whens: vec![(bl(None), lit(i(1)))],
        else_result: None,
        data_type: DataType::Int8,
    };
    assert_eq!(ev(&searched), N);
    let coalesce = ScalarExpr::Coalesce {
        args: vec![lit(N), lit(i(2)), lit(i(3))],
        data_type: DataType::Int8,
    };
    assert_eq!(ev(&coalesce), i(2));
    let nullif = |l, r| {
        ev(&ScalarExpr::NullIf {
            left: Box::new(lit(l)),
            right: Box::new(lit(r)),
            data_type: DataType::Int8,
        })
    };
    assert_eq!(nullif(i(1), i(1)), N);
    assert_eq!(nullif(i(1), i(2)), i(1));
    assert_eq!(nullif(N, i(2)), N);
    let greatest = ScalarExpr::MinMax {
        greatest: true,
        args: vec![lit(i(1)), lit(N), lit(i(3))],
        data_type: DataType::Int8,
    };
    assert_eq!(ev(&greatest), i(3));
    let least = ScalarExpr::MinMax {
        greatest: false,
        args: vec![lit(N), lit(i(5)), lit(i(3))],
        data_type: DataType::Int8,
    };
    assert_eq!(ev(&least), i(3));
    let all_null = ScalarExpr::MinMax {
        greatest: false,
        args: vec![lit(N)],
        data_type: DataType::Int8,
    };
    assert_eq!(ev(&all_null), N);
}

#[test]
fn coalesce_and_case_are_lazy() {
    // 1/0 after a non-NULL argument is never evaluated.
    let div0 = ScalarExpr::Binary {
        op: BinaryOp::Div,
        left: Box::new(lit(i(1))),
        right: Box::new(lit(i(0))),
        data_type: DataType::Int8,
    };
    let coalesce = ScalarExpr::Coalesce {
        args: vec![lit(i(7)), div0.clone()],
        data_type: DataType::Int8,
    };
    assert_eq!(ev(&coalesce), i(7));
    let err = ev_row(&div0, &[]).unwrap_err();
    assert_eq!(err.code().as_str(), "22012");
}

#[test]
fn like_ilike_and_escape() {
    let like = |kind, s: &str, p: &str, escape: Option<&str>| {
        ev_row(
            &ScalarExpr::Like {
                kind,
                negated: false,
                expr: Box::new(lit(t(s))),
                pattern: Box::new(lit(t(p))),
                escape: escape.map(|e| Box::new(lit(t(e)))),
            },
            &[],
        )
    };
    assert_eq!(
        like(LikeKind::Like, "abc", "a%", None).unwrap(),
        Value::Bool(true)
    );
    assert_eq!(
        like(LikeKind::Like, "ABC", "a%", None).unwrap(),
        Value::Bool(false)
    );
    assert_eq!(
        like(LikeKind::ILike, "ABC", "a_c", None).unwrap(),
        Value::Bool(true)
    );
    assert_eq!(
        like(LikeKind::Like, "a%", "a#%", Some("#")).unwrap(),
        Value::Bool(true)
    );
    assert_eq!(
        like(LikeKind::Like, "ab", "a#%", Some("#")).unwrap(),
        Value::Bool(false)
    );
    let err = like(LikeKind::Like, "ab", "a%", Some("##")).unwrap_err();
    assert_eq!(err.code().as_str(), "22025");
    let null = ScalarExpr::Like {
        kind: LikeKind::Like,
        negated: true,
        expr: Box::new(lit(N)),
        pattern: Box::new(lit(t("%"))),
        escape: None,
    };
    assert_eq!(ev(&null), N);
}

#[test]
fn arrays_subscripts_params_and_functions() {
    let arr = ScalarExpr::Array {
        elements: vec![lit(i(10)), lit(N), lit(i(30))],
        data_type: DataType::Array(Box::new(DataType::Int8)),
    };
    let v = ev(&arr);
    assert_eq!(
        v,
        Value::Array(Arc::new(Array::from_items(vec![i(10), N, i(30)])))
    );
    let sub = |k: i64| {
        ev(&ScalarExpr::Subscript {
            expr: Box::new(arr.clone()),
            index: Box::new(lit(i(k))),
            data_type: DataType::Int8,
        })
    };
    assert_eq!(sub(1), i(10));
    assert_eq!(sub(3), i(30));
    assert_eq!(sub(0), N);
    assert_eq!(sub(4), N);
    // ARRAY[ARRAY[1,2],ARRAY[3,4]] is two-dimensional.
    let inner = |a, b| ScalarExpr::Array {
        elements: vec![lit(i(a)), lit(i(b))],
        data_type: DataType::Array(Box::new(DataType::Int8)),
    };
    let nested = ScalarExpr::Array {
        elements: vec![inner(1, 2), inner(3, 4)],
        data_type: DataType::Array(Box::new(DataType::Int8)),
    };
    let Value::Array(a) = ev(&nested) else {
        panic!("not an array")
    };
    assert_eq!(a.dims.len(), 2);
    assert_eq!(a.items, vec![i(1), i(2), i(3), i(4)]);
    assert_eq!(
        ev(&ScalarExpr::Param {
            index: 0,
            data_type: DataType::Int8
        }),
        i(42)
    );
    assert_eq!(
        ev_row(
            &ScalarExpr::Param {
                index: 1,
                data_type: DataType::Int8
            },
            &[]
        )
        .unwrap_err()
        .code()
        .as_str(),
        "42P02"
    );
    let call = ScalarExpr::Function {
        func: upper(),
        args: vec![lit(t("abc"))],
    };
    assert_eq!(ev(&call), t("ABC"));
    let strict = ScalarExpr::Function {
        func: upper(),
        args: vec![lit(N)],
    };
    assert_eq!(ev(&strict), N);
}

fn subquery(p: crate::plan::Plan, kind: SubqueryKind) -> ScalarExpr {
    ScalarExpr::Subquery {
        plan: Box::new(p),
        kind,
        data_type: DataType::Int8,
    }
}

#[test]
fn scalar_subquery_errors_on_two_rows() {
    let two = values(vec![vec![i(1)], vec![i(2)]]);
    let err = ev_row(&subquery(two, SubqueryKind::Scalar), &[]).unwrap_err();
    assert_eq!(err.code().as_str(), "21000");
    assert_eq!(
        err.message(),
        "more than one row returned by a subquery used as an expression"
    );
    let none = plan(PlanNode::Empty, 1);
    assert_eq!(ev(&subquery(none.clone(), SubqueryKind::Scalar)), N);
    assert_eq!(
        ev(&subquery(none, SubqueryKind::Exists)),
        Value::Bool(false)
    );
    let one = values(vec![vec![i(5)]]);
    assert_eq!(ev(&subquery(one, SubqueryKind::Exists)), Value::Bool(true));
}

#[test]
fn any_all_null_rules() {
    let q = |x: Value, rows: Vec<Value>, any: bool, op: CmpOp| {
        let p = if rows.is_empty() {
            plan(PlanNode::Empty, 1)
        } else {
            values(rows.into_iter().map(|v| vec![v]).collect())
        };
        let lhs = Box::new(lit(x));
        let kind = if any {
            SubqueryKind::Any { lhs, op }
        } else {
            SubqueryKind::All { lhs, op }
        };
        ev(&subquery(p, kind))
    };
    // PostgreSQL 15: 1 = ANY(1,NULL) t; 2 = ANY(1,NULL) NULL; 2 <> ALL(1,NULL) NULL;
    // 1 <> ALL(1,NULL) f; NULL = ANY(empty) f; NULL <> ALL(empty) t.
    assert_eq!(q(i(1), vec![i(1), N], true, CmpOp::Eq), Value::Bool(true));
    assert_eq!(q(i(2), vec![i(1), N], true, CmpOp::Eq), N);
    assert_eq!(q(i(2), vec![i(1), N], false, CmpOp::NotEq), N);
    assert_eq!(
        q(i(1), vec![i(1), N], false, CmpOp::NotEq),
        Value::Bool(false)
    );
    assert_eq!(q(N, vec![], true, CmpOp::Eq), Value::Bool(false));
    assert_eq!(q(N, vec![], false, CmpOp::NotEq), Value::Bool(true));
    assert_eq!(
        q(i(3), vec![i(1), i(2)], false, CmpOp::Gt),
        Value::Bool(true)
    );
}

#[test]
fn correlated_subquery_sees_the_outer_row() {
    // (SELECT x.c0 * 10) for each row: Outer{depth: 1} is the row.
    let inner = plan(
        PlanNode::Values {
            rows: vec![vec![ScalarExpr::Binary {
                op: BinaryOp::Mul,
                left: Box::new(ScalarExpr::Outer { depth: 1, index: 0 }),
                right: Box::new(lit(i(10))),
                data_type: DataType::Int8,
            }]],
        },
        1,
    );
    let p = plan(
        PlanNode::Project {
            input: Box::new(values(vec![vec![i(1)], vec![i(2)], vec![i(3)]])),
            exprs: vec![col(0), subquery(inner, SubqueryKind::Scalar)],
        },
        2,
    );
    assert_eq!(
        run(&p).unwrap(),
        vec![vec![i(1), i(10)], vec![i(2), i(20)], vec![i(3), i(30)]]
    );
}
