//! What order a plan's rows come out in, as far as the optimizer can prove
//! it: the output columns the rows are sorted on, ascending.
//!
//! [`sorted_on`] returns a list of output columns `[c1, c2, …]` such that
//! the rows are ordered by `c1`, then `c2`, … ascending with NULLs last
//! (`ORDER BY c1, c2, …`'s order), rows of equal values next to each
//! other. Sources of order:
//!
//! - a scan of a table with a primary key in full or over one key range
//!   reads the row tree in key order; an index scan over one range reads
//!   the index's ascending column parts in order. Only types whose stored
//!   key order is the order `=` and `<` use are trusted (integers, numeric,
//!   text, bytea, dates and times, uuid, bool); floats, bpchar and the
//!   rest are not, so no merge relies on an encoding detail;
//! - a Sort on plain columns, ascending with NULLs last;
//! - Filter and Limit keep their input's order, a Project keeps it for the
//!   columns it passes through;
//! - a sorted (group) aggregate yields its groups in its input's order;
//! - a nested-loop or merge join that keeps the left rows' order (inner,
//!   left, semi, anti) keeps the left side's columns' order. A hash join
//!   may partition and so promises nothing; RIGHT and FULL joins add rows.
//!
//! Rules use it to run merge joins and grouped aggregation over inputs
//! that need no sort.

use crate::catalog::{Catalog, IndexExpr};
use crate::plan::{Access, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr};
use crate::types::DataType;

/// The output columns `plan`'s rows are sorted on, ascending, outermost
/// first (empty when nothing is known).
pub fn sorted_on(plan: &Plan, catalog: &Catalog) -> Vec<usize> {
    match &plan.node {
        PlanNode::Scan {
            table,
            access,
            projection,
            ..
        } => scan_order(catalog, table.oid, access, projection.as_deref()),
        PlanNode::Filter { input, .. } | PlanNode::Limit { input, .. } => sorted_on(input, catalog),
        PlanNode::Sort { keys, .. } => keys
            .iter()
            .map_while(|k| match k.expr {
                ScalarExpr::Column(c) if !k.descending && !k.nulls_first => Some(c),
                _ => None,
            })
            .collect(),
        PlanNode::Project { input, exprs } => sorted_on(input, catalog)
            .into_iter()
            .map_while(|c| {
                exprs
                    .iter()
                    .position(|e| matches!(e, ScalarExpr::Column(i) if *i == c))
            })
            .collect(),
        PlanNode::Aggregate {
            input,
            group_by,
            sorted: true,
            ..
        } => sorted_on(input, catalog)
            .into_iter()
            .map_while(|c| {
                group_by
                    .iter()
                    .position(|g| matches!(g, ScalarExpr::Column(i) if *i == c))
            })
            .collect(),
        PlanNode::Join {
            left,
            kind: JoinKind::Inner | JoinKind::Left | JoinKind::Semi | JoinKind::Anti,
            algorithm: JoinAlgorithm::NestedLoop | JoinAlgorithm::Merge { .. },
            ..
        } => sorted_on(left, catalog),
        _ => Vec::new(),
    }
}

/// Whether a stored key of this type sorts as the type's `<` does.
pub fn mergeable_type(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Bool
            | DataType::Int2
            | DataType::Int4
            | DataType::Int8
            | DataType::Numeric(_)
            | DataType::Text
            | DataType::Varchar(_)
            | DataType::Bytea
            | DataType::Date
            | DataType::Time(_)
            | DataType::Timestamp(_)
            | DataType::TimestampTz(_)
            | DataType::Uuid
    )
}

fn scan_order(
    catalog: &Catalog,
    oid: u32,
    access: &Access,
    projection: Option<&[usize]>,
) -> Vec<usize> {
    let Some(table) = catalog.table(oid) else {
        return Vec::new();
    };
    // Table columns in key order, up to the first one not trusted.
    let key: Vec<usize> = match access {
        Access::Full => table.primary_key.clone().unwrap_or_default(),
        Access::PrimaryKey { ranges } if ranges.len() <= 1 => {
            table.primary_key.clone().unwrap_or_default()
        }
        Access::Index { index, ranges, .. } if ranges.len() <= 1 => table
            .index(*index)
            .map(|ix| {
                ix.parts
                    .iter()
                    .map_while(|p| match p.expr {
                        IndexExpr::Column(c) if !p.order.descending && !p.order.nulls_first => {
                            Some(c)
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    key.into_iter()
        .map_while(|c| {
            let column = table.columns.get(c)?;
            if !mergeable_type(&column.ty) {
                return None;
            }
            match projection {
                Some(p) => p.iter().position(|&x| x == c),
                None => Some(c),
            }
        })
        .collect()
}
