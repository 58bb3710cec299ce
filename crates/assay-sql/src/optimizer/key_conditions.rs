//! Rule: drop from a scan's filter the conditions its key ranges already
//! guarantee.
//!
//! [`select_access`](super::select_access) makes key ranges out of a
//! scan's conjuncts and leaves the filter whole, because the rules after
//! it (join ordering's row estimates) read a scan's selectivity from its
//! filter. This rule runs once they are done: it finds again which
//! conjuncts made the scan's ranges and removes them from the filter, so a
//! scan of `id BETWEEN $1 AND $1 + 99` no longer compares `id` twice on
//! each of its rows, and a point select by `id` need not decode `id` at
//! all (`prune_columns`, which runs later, sees it unread).
//!
//! A conjunct goes only when the key range holds exactly the rows it
//! accepts:
//! - the column's type orders its key encoding as SQL compares its
//!   values ([`exact_key_type`]): integers of any width, booleans, text,
//!   varchar, bytea, dates, times, timestamps and uuids. Not floats (`-0`
//!   equals `0` but encodes apart), numerics (`1.0` and `1.00`), intervals
//!   (`'1 month'` equals `'30 days'`), `character(n)` (trailing spaces) or
//!   json.
//! - the ranges found again are the scan's ranges (compared as printed),
//!   so a rule that changed the filter or the access in between keeps the
//!   filter whole.
//!
//! NULLs need no care: a range whose bound value is NULL is skipped when
//! the scan starts, as the dropped comparison would have rejected every
//! row, and an open bound stops short of a column's NULL keys.

use super::expr_util::{conjoin, conjuncts};
use super::ordering::mergeable_type;
use super::select_access::{key_columns, ranges_for};
use super::{transform_up, OptContext};
use crate::catalog::Table;
use crate::plan::{Access, KeyRange, Plan, PlanNode, ScalarExpr};
use crate::types::DataType;

pub fn apply(plan: Plan, ctx: &OptContext<'_>) -> Plan {
    transform_up(plan, &mut |mut p| {
        if let PlanNode::Scan {
            table,
            access,
            filter,
            ..
        } = &mut p.node
        {
            if let Some(t) = ctx.catalog.table(table.oid) {
                if let Some(f) = filter.take() {
                    *filter = trimmed(t, access, f);
                }
            }
        }
        p
    })
}

/// `filter` without the conjuncts `access`'s ranges guarantee.
fn trimmed(table: &Table, access: &Access, filter: ScalarExpr) -> Option<ScalarExpr> {
    let ranges = match access {
        Access::Full => return Some(filter),
        Access::PrimaryKey { ranges } | Access::Index { ranges, .. } => ranges,
    };
    let Some(key) = key_columns(table, access) else {
        return Some(filter);
    };
    let conds = conjuncts(filter);
    let Some(found) = ranges_for(table, &key, &conds) else {
        return conjoin(conds);
    };
    let exact = |at: &usize| {
        conds
            .get(*at)
            .and_then(compared_column)
            .and_then(|col| table.columns.get(col))
            .is_some_and(|c| exact_key_type(&c.ty))
    };
    if !same_ranges(&found.ranges, ranges) || !found.used.iter().all(exact) {
        return conjoin(conds);
    }
    let rest = conds
        .into_iter()
        .enumerate()
        .filter(|(at, _)| !found.used.contains(at))
        .map(|(_, c)| c)
        .collect();
    conjoin(rest)
}

/// The table column a key conjunct (`col op v`, `v op col`, `col IN
/// (…)`) constrains.
fn compared_column(cond: &ScalarExpr) -> Option<usize> {
    match cond {
        ScalarExpr::Compare { left, right, .. } => match (&**left, &**right) {
            (ScalarExpr::Column(c), _) | (_, ScalarExpr::Column(c)) => Some(*c),
            _ => None,
        },
        ScalarExpr::InList { expr, .. } => match &**expr {
            ScalarExpr::Column(c) => Some(*c),
            _ => None,
        },
        _ => None,
    }
}

/// Whether values of `ty` compare as their key encoding orders them, so
/// that a key range and the comparison that made it accept the same rows:
/// the types whose keys sort as `<` does ([`mergeable_type`]), but not
/// numeric, where equal values of different scales (1.0, 1.00) have
/// different keys.
fn exact_key_type(ty: &DataType) -> bool {
    !matches!(ty, DataType::Numeric(_)) && mergeable_type(ty)
}

/// Whether two lists of key ranges are the same. Plan expressions have no
/// equality of their own; their debug form shows every part of them.
fn same_ranges(a: &[KeyRange], b: &[KeyRange]) -> bool {
    a.len() == b.len() && format!("{a:?}") == format!("{b:?}")
}

#[cfg(test)]
mod tests {
    use assay_storage::vfs::MemoryVfs;
    use assay_storage::{Pager, PagerOptions, TxnMode};

    use super::super::optimize;
    use super::*;
    use crate::catalog::{Catalog, Column, IndexDef, IndexExpr, IndexPart, KeyOrder, PUBLIC_OID};
    use crate::plan::{CmpOp, Field, Schema, TableRef};
    use crate::table::ColumnsOnly;
    use crate::types::Value;

    /// `t (id int8 primary key, f float8, k int4)` with an index on `f`.
    fn catalog() -> (Catalog, u32) {
        let pager = Pager::open(&MemoryVfs::new(), "db", PagerOptions::default()).unwrap();
        let mut txn = pager.begin(TxnMode::Immediate).unwrap();
        let mut c = Catalog::bootstrap();
        let cols = vec![
            Column::new("id", DataType::Int8),
            Column::new("f", DataType::Float8),
            Column::new("k", DataType::Int4),
        ];
        let t = c
            .create_table(&mut txn, PUBLIC_OID, "t", cols, false)
            .unwrap()
            .oid;
        c.add_primary_key(&mut txn, t, None, &[0]).unwrap();
        let def = IndexDef {
            name: None,
            unique: false,
            parts: vec![IndexPart {
                expr: IndexExpr::Column(1),
                order: KeyOrder::ASC,
            }],
            include: vec![],
            predicate: None,
        };
        c.create_index(&mut txn, t, def, &mut ColumnsOnly).unwrap();
        (c, t)
    }

    /// The scan of `t` filtered by `predicate`, optimized.
    fn scan(c: &Catalog, t: u32, predicate: ScalarExpr) -> Plan {
        let fields = [
            ("id", DataType::Int8),
            ("f", DataType::Float8),
            ("k", DataType::Int4),
        ];
        let schema = Schema::new(
            fields
                .iter()
                .map(|(n, ty)| Field::new(*n, ty.clone()))
                .collect(),
        );
        let scan = Plan::new(
            PlanNode::Scan {
                table: TableRef {
                    oid: t,
                    name: "t".into(),
                },
                access: Access::Full,
                filter: None,
                projection: None,
                columns: None,
            },
            schema.clone(),
        );
        let filtered = Plan::new(
            PlanNode::Filter {
                input: Box::new(scan),
                predicate,
            },
            schema,
        );
        optimize(filtered, &OptContext { catalog: c }).unwrap()
    }

    fn parts(plan: &Plan) -> (&Access, Option<String>) {
        match &plan.node {
            PlanNode::Scan { access, filter, .. } => {
                (access, filter.as_ref().map(|f| format!("{f:?}")))
            }
            other => panic!("{other:?}"),
        }
    }

    fn cmp(op: CmpOp, l: ScalarExpr, r: ScalarExpr) -> ScalarExpr {
        ScalarExpr::Compare {
            op,
            left: Box::new(l),
            right: Box::new(r),
        }
    }

    fn big(v: i64) -> ScalarExpr {
        ScalarExpr::constant(Value::Int8(v), DataType::Int8)
    }

    #[test]
    fn conditions_the_key_range_holds_leave_the_filter() {
        let (c, t) = catalog();
        // 5 <= id AND id <= 10: both bounds made the range; no filter left.
        let range = ScalarExpr::And(vec![
            cmp(CmpOp::GtEq, ScalarExpr::Column(0), big(5)),
            cmp(CmpOp::LtEq, ScalarExpr::Column(0), big(10)),
        ]);
        let plan = scan(&c, t, range);
        assert!(
            matches!(parts(&plan), (Access::PrimaryKey { .. }, None)),
            "{plan:?}"
        );
        // id = 5 AND id = 6 AND k > 1: the range is id = 5; the rest stays.
        let more = ScalarExpr::And(vec![
            cmp(CmpOp::Eq, ScalarExpr::Column(0), big(5)),
            cmp(CmpOp::Eq, ScalarExpr::Column(0), big(6)),
            cmp(
                CmpOp::Gt,
                ScalarExpr::Column(2),
                ScalarExpr::constant(Value::Int4(1), DataType::Int4),
            ),
        ]);
        let plan = scan(&c, t, more);
        let (access, rest) = parts(&plan);
        assert!(matches!(access, Access::PrimaryKey { .. }), "{plan:?}");
        let rest = rest.expect("conditions left");
        assert!(
            rest.contains("Int8(6)") && rest.contains("Int4(1)"),
            "{rest}"
        );
        assert!(!rest.contains("Int8(5)"), "{rest}");
    }

    #[test]
    fn a_float_key_keeps_its_condition() {
        let (c, t) = catalog();
        // -0 = 0 in SQL, but they are different keys: the filter stays.
        let zero = ScalarExpr::constant(Value::Float8(0.0), DataType::Float8);
        let plan = scan(&c, t, cmp(CmpOp::Eq, ScalarExpr::Column(1), zero));
        let (access, rest) = parts(&plan);
        assert!(matches!(access, Access::Index { .. }), "{plan:?}");
        assert!(rest.is_some(), "{plan:?}");
    }

    #[test]
    fn ranges_made_otherwise_keep_the_filter() {
        let (c, t) = catalog();
        let table = c.table(t).unwrap();
        let access = Access::PrimaryKey {
            ranges: vec![KeyRange {
                low: Some((vec![big(1)], true)),
                high: Some((vec![big(1)], true)),
            }]
            .into(),
        };
        let filter = cmp(CmpOp::Eq, ScalarExpr::Column(0), big(2));
        assert!(trimmed(table, &access, filter).is_some());
    }
}
