//! Rule: a scan through a secondary index whose query reads only the
//! index's columns takes them from the index entries — an index-only scan —
//! and never looks the table row up.
//!
//! The scan yields rows of the table's width with only the indexed columns
//! filled in (see `exec::store_access`), so the rule must know every column
//! read above it. It looks at a scan directly under a `Project` or an
//! `Aggregate` (the two places the binder and [`super::pushdown_filter`]
//! leave a scan whose row goes no further): every column their expressions
//! and the scan's own filter read must be a plain column of the index
//! whose type the key encoding gives back exactly
//! ([`index_only_capable`]). A parent with a subquery is left alone (a
//! correlated one may read any column of the row), and so is a scan with a
//! projection (DML and `WHERE CURRENT OF` read the whole row and its key).

use super::transform_up;
use crate::catalog::{Catalog, IndexExpr};
use crate::exec::walk::node_exprs;
use crate::plan::{Access, Plan, PlanNode, ScalarExpr};
use crate::table::index_only_capable;

pub fn apply(plan: Plan, catalog: &Catalog) -> Plan {
    transform_up(plan, &mut |mut p| {
        let mut read = Vec::new();
        let mut subquery = false;
        node_exprs(&p.node, &mut |e| columns_read(e, &mut read, &mut subquery));
        let input = match &mut p.node {
            PlanNode::Project { input, .. } | PlanNode::Aggregate { input, .. } => input,
            _ => return p,
        };
        if subquery {
            return p;
        }
        if let PlanNode::Scan {
            table,
            access: Access::Index { index, only, .. },
            filter,
            projection: None,
            ..
        } = &mut input.node
        {
            if let Some(f) = filter {
                columns_read(f, &mut read, &mut subquery);
            }
            let covered = catalog
                .table(table.oid)
                .and_then(|t| Some((t, t.index(*index)?)))
                .is_some_and(|(t, ix)| {
                    read.iter().all(|c| {
                        ix.parts
                            .iter()
                            .any(|p| matches!(p.expr, IndexExpr::Column(i) if i == *c))
                            && t.columns
                                .get(*c)
                                .is_some_and(|col| index_only_capable(&col.ty))
                    })
                });
            *only = covered && !subquery;
        }
        p
    })
}

/// Adds the input columns `e` reads to `read`; notes a subquery.
fn columns_read(e: &ScalarExpr, read: &mut Vec<usize>, subquery: &mut bool) {
    e.visit(&mut |x| match x {
        ScalarExpr::Column(c) => read.push(*c),
        ScalarExpr::Subquery { .. } => *subquery = true,
        _ => {}
    });
}
