//! Rule: rebuild a tree of inner joins left-deep in the cheapest order.
//!
//! The binder joins FROM items in the order written, so
//! `FROM t1, t2, t3 WHERE a1 = b3 AND a2 = b3` first crosses t1 with t2.
//! This rule flattens a tree of inner (and cross) joins into its inputs
//! ("leaves") and the conjuncts of its conditions, estimates each leaf's
//! rows and each conjunct's selectivity, and lets
//! [`join_search`](super::join_search) pick the order: an exhaustive
//! search over connected subsets for up to ten leaves, a greedy walk
//! beyond. Each conjunct goes to the lowest join where all its columns are
//! present, and a `Project` on top restores the original column order, so
//! parents see the same output.
//!
//! Estimates: a scan has the table's analyzed row count (1000 when the
//! table was never analyzed), narrowed by its filter (`=` on a unique column
//! keeps one row; other equalities keep 1/n_distinct, 1/200 without
//! statistics; anything else a third). A join conjunct `a = b` keeps
//! 1/max(n_distinct(a), n_distinct(b)) of the cross product. So the order
//! follows ANALYZE's statistics.
//!
//! Conjuncts with subqueries stay above the rebuilt tree (their plans
//! address the row by position); a join holding one anywhere but at the
//! start of the tree's row is left whole, as a leaf. Outer references (to
//! an enclosing query's row) are constants within this tree, so conjuncts
//! with them move like any other. Trees of two leaves
//! are left as written: the order of two inputs never makes a cross
//! product, and keeping it keeps their rows in the order written.

use super::expr_util::{column_span, conjoin, conjuncts, has_subquery, map_columns, wrap_filter};
use super::join_search::{best_order, Edge};
use super::{map_inputs, OptContext};
use crate::catalog::IndexExpr;
use crate::plan::{CmpOp, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr};

/// Rows assumed for a table without statistics.
const DEFAULT_ROWS: f64 = 1000.0;
/// Distinct values assumed for a column without statistics (as PostgreSQL).
const DEFAULT_DISTINCT: f64 = 200.0;
/// The share of rows kept by a conjunct the estimates cannot read.
const DEFAULT_SELECTIVITY: f64 = 1.0 / 3.0;

pub fn apply(plan: Plan, ctx: &OptContext<'_>) -> Plan {
    if is_inner_join(&plan) {
        reorder(plan, ctx)
    } else {
        map_inputs(plan, &mut |p| apply(p, ctx))
    }
}

fn is_inner_join(plan: &Plan) -> bool {
    matches!(
        plan.node,
        PlanNode::Join {
            kind: JoinKind::Inner,
            lateral: false,
            algorithm: JoinAlgorithm::NestedLoop,
            ..
        }
    )
}

/// One input of the join tree: its plan, where its columns start in the
/// tree's output, and its estimated rows.
struct Leaf {
    plan: Plan,
    offset: usize,
    rows: f64,
}

/// A conjunct over the tree's output columns and the leaves it reads.
struct Conjunct {
    expr: ScalarExpr,
    leaves: Vec<usize>,
}

/// The tree's leaves and conjuncts; `fixed` conjuncts stay on top.
#[derive(Default)]
struct Flat {
    leaves: Vec<Plan>,
    offsets: Vec<usize>,
    conds: Vec<ScalarExpr>,
    fixed: Vec<ScalarExpr>,
}

/// Whether `plan`, at `offset` in the tree's row, is a leaf of the tree.
fn is_leaf(plan: &Plan, offset: usize) -> bool {
    match &plan.node {
        PlanNode::Join { condition, .. } if is_inner_join(plan) => {
            offset != 0 && condition.as_ref().is_some_and(has_subquery)
        }
        _ => true,
    }
}

fn leaf_count(plan: &Plan, offset: usize) -> usize {
    match &plan.node {
        PlanNode::Join { left, right, .. } if !is_leaf(plan, offset) => {
            leaf_count(left, offset) + leaf_count(right, offset + left.schema.len())
        }
        _ => 1,
    }
}

fn flatten(plan: Plan, offset: usize, flat: &mut Flat) {
    if is_leaf(&plan, offset) {
        flat.leaves.push(plan);
        flat.offsets.push(offset);
        return;
    }
    let PlanNode::Join {
        left,
        right,
        condition,
        ..
    } = plan.node
    else {
        unreachable!("checked above")
    };
    let width = left.schema.len();
    for mut c in condition.map(conjuncts).unwrap_or_default() {
        map_columns(&mut c, &|i| i + offset);
        if has_subquery(&c) {
            flat.fixed.push(c);
        } else {
            flat.conds.push(c);
        }
    }
    flatten(*left, offset, flat);
    flatten(*right, offset + width, flat);
}

fn reorder(plan: Plan, ctx: &OptContext<'_>) -> Plan {
    if leaf_count(&plan, 0) < 3 {
        // Keep the tree as written; only its inputs are rewritten.
        return map_inputs(plan, &mut |p| apply(p, ctx));
    }
    let schema = plan.schema.clone();
    let mut flat = Flat::default();
    flatten(plan, 0, &mut flat);
    let leaves: Vec<Leaf> = flat
        .leaves
        .into_iter()
        .zip(flat.offsets)
        .map(|(plan, offset)| {
            let plan = apply(plan, ctx);
            let rows = leaf_rows(&plan, ctx);
            Leaf { plan, offset, rows }
        })
        .collect();
    let leaf_of = |col: usize| {
        leaves
            .iter()
            .rposition(|l| l.offset <= col)
            .expect("a column of the tree")
    };
    let conds: Vec<Conjunct> = flat
        .conds
        .into_iter()
        .map(|expr| {
            let mut set = Vec::new();
            expr.visit(&mut |e| {
                if let ScalarExpr::Column(i) = e {
                    let l = leaf_of(*i);
                    if !set.contains(&l) {
                        set.push(l);
                    }
                }
            });
            Conjunct { expr, leaves: set }
        })
        .collect();
    let sel: Vec<f64> = conds
        .iter()
        .map(|c| join_selectivity(&c.expr, &leaves, &leaf_of, ctx))
        .collect();
    let rows: Vec<f64> = leaves.iter().map(|l| l.rows).collect();
    let edges: Vec<Edge> = conds
        .iter()
        .zip(&sel)
        .map(|(c, &selectivity)| Edge {
            inputs: c.leaves.clone(),
            selectivity,
        })
        .collect();
    let (order, estimates) = best_order(&rows, &edges);
    build(leaves, conds, &order, &estimates, schema, flat.fixed)
}

/// Joins the leaves in `order`, each conjunct at the lowest join that has
/// its columns, and restores the original columns with a projection.
fn build(
    leaves: Vec<Leaf>,
    conds: Vec<Conjunct>,
    order: &[usize],
    estimates: &[f64],
    schema: crate::plan::Schema,
    fixed: Vec<ScalarExpr>,
) -> Plan {
    let n = leaves.len();
    let position: Vec<usize> = {
        let mut p = vec![0; n];
        for (k, &l) in order.iter().enumerate() {
            p[l] = k;
        }
        p
    };
    // Conjuncts by the join (1..n) that takes them; join 0 is the first leaf.
    let mut at: Vec<Vec<ScalarExpr>> = vec![Vec::new(); n];
    for c in conds {
        let k = c.leaves.iter().map(|&l| position[l]).max().unwrap_or(0);
        at[k.max(1)].push(c.expr);
    }
    // Where each of the tree's columns lands in the new order.
    let mut new_pos = vec![0; schema.len()];
    let mut slots: Vec<Option<Leaf>> = leaves.into_iter().map(Some).collect();
    let mut plan: Option<Plan> = None;
    for (k, &l) in order.iter().enumerate() {
        let leaf = slots[l].take().expect("each leaf once");
        let base = plan.as_ref().map_or(0, |p| p.schema.len());
        for j in 0..leaf.plan.schema.len() {
            new_pos[leaf.offset + j] = base + j;
        }
        plan = Some(match plan {
            None => leaf.plan,
            Some(left) => {
                let mut conds = std::mem::take(&mut at[k]);
                for c in &mut conds {
                    map_columns(c, &|i| new_pos[i]);
                }
                let joined = left.schema.concat(&leaf.plan.schema);
                let mut p = Plan::new(
                    PlanNode::Join {
                        left: Box::new(left),
                        right: Box::new(leaf.plan),
                        kind: JoinKind::Inner,
                        condition: conjoin(conds),
                        algorithm: JoinAlgorithm::NestedLoop,
                        lateral: false,
                    },
                    joined,
                );
                p.rows = estimates[k];
                p
            }
        });
    }
    let joined = plan.expect("at least one leaf");
    let exprs = new_pos.iter().map(|&i| ScalarExpr::Column(i)).collect();
    let project = Plan::new(
        PlanNode::Project {
            input: Box::new(joined),
            exprs,
        },
        schema.clone(),
    );
    wrap_filter(project, fixed)
}

/// What a leaf's column is in its table, when the leaf is a scan.
struct ColumnOrigin {
    table_rows: f64,
    distinct: f64,
}

fn origin(plan: &Plan, col: usize, ctx: &OptContext<'_>) -> Option<ColumnOrigin> {
    match &plan.node {
        PlanNode::Filter { input, .. } => origin(input, col, ctx),
        PlanNode::Scan {
            table, projection, ..
        } => {
            let col = match projection {
                Some(p) => *p.get(col)?,
                None => col,
            };
            let table_rows = table_rows(table.oid, ctx);
            Some(ColumnOrigin {
                table_rows,
                distinct: column_distinct(table.oid, col, table_rows, ctx),
            })
        }
        _ => None,
    }
}

fn table_rows(oid: u32, ctx: &OptContext<'_>) -> f64 {
    ctx.catalog
        .stats(oid)
        .map_or(DEFAULT_ROWS, |s| (s.row_count as f64).max(1.0))
}

/// Distinct values of a table column: all rows for a unique column (or the
/// row key), else the statistics' figure, else a default.
fn column_distinct(oid: u32, col: usize, rows: f64, ctx: &OptContext<'_>) -> f64 {
    let Some(table) = ctx.catalog.table(oid) else {
        return DEFAULT_DISTINCT.min(rows);
    };
    let unique = col >= table.columns.len()
        || table.primary_key.as_deref() == Some(&[col])
        || table.indexes.iter().any(|ix| {
            ix.unique
                && ix.predicate.is_none()
                && matches!(ix.parts[..], [ref p] if matches!(p.expr, IndexExpr::Column(c) if c == col))
        });
    if unique {
        return rows;
    }
    let stats = ctx.catalog.stats(oid);
    match stats.and_then(|s| s.columns.get(col)) {
        Some(c) if c.n_distinct > 0.0 => c.n_distinct.min(rows),
        Some(c) if c.n_distinct < 0.0 => (-c.n_distinct * rows).max(1.0),
        _ => DEFAULT_DISTINCT.min(rows),
    }
}

/// A leaf's estimated rows.
fn leaf_rows(plan: &Plan, ctx: &OptContext<'_>) -> f64 {
    match &plan.node {
        PlanNode::Scan { table, filter, .. } => {
            let rows = table_rows(table.oid, ctx);
            let Some(filter) = filter else { return rows };
            // The filter reads the table row: column i is table column i.
            let unprojected = Plan::new(
                PlanNode::Scan {
                    table: table.clone(),
                    access: crate::plan::Access::Full,
                    filter: None,
                    projection: None,
                    columns: None,
                },
                plan.schema.clone(),
            );
            let mut est = rows;
            for c in conjuncts(filter.clone()) {
                est *= filter_selectivity(&c, &unprojected, ctx);
            }
            est.max(1.0)
        }
        PlanNode::Values { rows } => rows.len() as f64,
        PlanNode::Filter { input, .. } => (leaf_rows(input, ctx) * DEFAULT_SELECTIVITY).max(1.0),
        PlanNode::Project { input, .. } => leaf_rows(input, ctx),
        _ => DEFAULT_ROWS,
    }
}

/// The column an expression reads, under casts.
fn column_of(expr: &ScalarExpr) -> Option<usize> {
    match expr {
        ScalarExpr::Column(i) => Some(*i),
        ScalarExpr::Cast { expr, .. } => column_of(expr),
        _ => None,
    }
}

/// The share of a scan's rows one filter conjunct keeps.
fn filter_selectivity(c: &ScalarExpr, scan: &Plan, ctx: &OptContext<'_>) -> f64 {
    let distinct = |e: &ScalarExpr| {
        column_of(e)
            .and_then(|i| origin(scan, i, ctx))
            .map_or(DEFAULT_DISTINCT, |o| o.distinct)
    };
    match c {
        ScalarExpr::Compare {
            op: CmpOp::Eq,
            left,
            right,
        } => {
            let column = if right.is_constant() {
                left
            } else if left.is_constant() {
                right
            } else {
                return DEFAULT_SELECTIVITY;
            };
            1.0 / distinct(column).max(1.0)
        }
        ScalarExpr::InList {
            expr,
            list,
            negated: false,
        } => (list.len() as f64 / distinct(expr).max(1.0)).min(1.0),
        _ => DEFAULT_SELECTIVITY,
    }
}

/// The share of the leaves' cross product a join conjunct keeps.
fn join_selectivity(
    c: &ScalarExpr,
    leaves: &[Leaf],
    leaf_of: &dyn Fn(usize) -> usize,
    ctx: &OptContext<'_>,
) -> f64 {
    let distinct = |e: &ScalarExpr| {
        let col = column_of(e)?;
        let leaf = &leaves[leaf_of(col)];
        let o = origin(&leaf.plan, col - leaf.offset, ctx)?;
        // A filtered leaf has fewer distinct values than its table.
        Some(o.distinct.min(leaf.rows.max(1.0)).min(o.table_rows))
    };
    match c {
        ScalarExpr::Compare {
            op: CmpOp::Eq,
            left,
            right,
        } if column_span(left).is_some() && column_span(right).is_some() => {
            let (l, r) = (distinct(left), distinct(right));
            let d = match (l, r) {
                (Some(a), Some(b)) => a.max(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => DEFAULT_DISTINCT,
            };
            1.0 / d.max(1.0)
        }
        _ => DEFAULT_SELECTIVITY,
    }
}
