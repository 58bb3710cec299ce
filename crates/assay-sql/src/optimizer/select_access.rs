//! Rule: choose how a scan reaches its rows.
//!
//! A scan's filter is split into conjuncts. For the primary key and each
//! index whose parts are plain columns (not partial), the rule matches key
//! columns left to right: `col = v` and `col IN (v, …)` fix a column,
//! then `<`, `<=`, `>`, `>=` on the next column bound a range. Values must
//! not read the scanned row (constants, parameters, outer references).
//! The key with the most fixed columns wins (a range counts for half a
//! column; the primary key wins ties, as it needs no second lookup). The
//! filter is kept whole here, so the access path only narrows what is read
//! and the rules after this one still estimate rows from the filter;
//! [`key_conditions`](super::key_conditions) drops the conjuncts the
//! ranges guarantee once they are done, using [`ranges_for`]'s account of
//! which conjuncts made the ranges.
//!
//! A value is used only when its type matches the column's (integers of
//! any width match each other: their key encoding is the same); otherwise
//! the comparison is left to the filter.

use super::expr_util::{conjuncts, expr_type};
use super::{transform_up, OptContext};
use crate::catalog::{IndexExpr, Table};
use crate::plan::{Access, CmpOp, KeyRange, Plan, PlanNode, ScalarExpr};
use crate::types::DataType;

/// At most this many point ranges come out of IN lists.
const MAX_POINTS: usize = 256;

pub fn apply(plan: Plan, ctx: &OptContext<'_>) -> Plan {
    transform_up(plan, &mut |mut p| {
        if let PlanNode::Scan {
            table,
            access: access @ Access::Full,
            filter: Some(filter),
            ..
        } = &mut p.node
        {
            if let Some(t) = ctx.catalog.table(table.oid) {
                if let Some(chosen) = choose(t, filter) {
                    *access = chosen;
                }
            }
        }
        p
    })
}

/// A conjunct's use for one column.
enum Bound {
    Eq(ScalarExpr),
    In(Vec<ScalarExpr>),
    Range { op: CmpOp, value: ScalarExpr },
}

/// Ranges over a key, the conjuncts (by position) they were made from,
/// and a score.
pub(super) struct KeyAccess {
    pub ranges: Vec<KeyRange>,
    pub used: Vec<usize>,
    score: f64,
}

fn usable_value(e: &ScalarExpr) -> bool {
    let mut ok = true;
    e.visit(&mut |x| ok &= !matches!(x, ScalarExpr::Column(_) | ScalarExpr::Subquery { .. }));
    ok
}

fn types_match(column: &DataType, value: Option<DataType>) -> bool {
    let ints = |t: &DataType| matches!(t, DataType::Int2 | DataType::Int4 | DataType::Int8);
    match value {
        Some(v) => &v == column || (ints(column) && ints(&v)),
        None => false,
    }
}

fn mirror(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::LtEq => CmpOp::GtEq,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::GtEq => CmpOp::LtEq,
        other => other,
    }
}

/// The bounds the conjuncts put on table column `col`, each with the
/// position of its conjunct.
fn bounds_on(table: &Table, col: usize, conds: &[ScalarExpr]) -> Vec<(usize, Bound)> {
    let Some(column) = table.columns.get(col) else {
        return Vec::new();
    };
    let schema_type = |e: &ScalarExpr| expr_type(e, &crate::plan::Schema::default());
    let mut out = Vec::new();
    for (at, c) in conds.iter().enumerate() {
        match c {
            ScalarExpr::Compare { op, left, right } => {
                let (op, value) = match (&**left, &**right) {
                    (ScalarExpr::Column(i), v) if *i == col => (*op, v),
                    (v, ScalarExpr::Column(i)) if *i == col => (mirror(*op), v),
                    _ => continue,
                };
                if !usable_value(value) || !types_match(&column.ty, schema_type(value)) {
                    continue;
                }
                match op {
                    CmpOp::Eq => out.push((at, Bound::Eq(value.clone()))),
                    CmpOp::NotEq => {}
                    op => out.push((
                        at,
                        Bound::Range {
                            op,
                            value: value.clone(),
                        },
                    )),
                }
            }
            ScalarExpr::InList {
                expr,
                list,
                negated: false,
            } if matches!(&**expr, ScalarExpr::Column(i) if *i == col)
                && !list.is_empty()
                && list
                    .iter()
                    .all(|v| usable_value(v) && types_match(&column.ty, schema_type(v))) =>
            {
                out.push((at, Bound::In(list.clone())));
            }
            _ => {}
        }
    }
    out
}

/// Ranges over a key (its column positions), the conjuncts they came
/// from and a score; None if the conjuncts do not constrain the key's
/// first column.
pub(super) fn ranges_for(table: &Table, key: &[usize], conds: &[ScalarExpr]) -> Option<KeyAccess> {
    let mut prefixes: Vec<Vec<ScalarExpr>> = vec![Vec::new()];
    let mut used = Vec::new();
    let mut score = 0.0;
    for &col in key {
        let bounds = bounds_on(table, col, conds);
        if let Some((at, Bound::Eq(v))) = bounds.iter().find(|(_, b)| matches!(b, Bound::Eq(_))) {
            prefixes.iter_mut().for_each(|p| p.push(v.clone()));
            used.push(*at);
            score += 1.0;
            continue;
        }
        if let Some((at, Bound::In(list))) = bounds.iter().find(|(_, b)| matches!(b, Bound::In(_)))
        {
            if prefixes.len() * list.len() <= MAX_POINTS {
                prefixes = prefixes
                    .iter()
                    .flat_map(|p| {
                        list.iter().map(move |v| {
                            let mut p = p.clone();
                            p.push(v.clone());
                            p
                        })
                    })
                    .collect();
                used.push(*at);
                score += 0.9;
                continue;
            }
        }
        // A range on this column ends the key prefix.
        let mut low: Option<(ScalarExpr, bool)> = None;
        let mut high: Option<(ScalarExpr, bool)> = None;
        for (at, b) in bounds {
            if let Bound::Range { op, value } = b {
                match op {
                    CmpOp::Gt | CmpOp::GtEq if low.is_none() => {
                        low = Some((value, op == CmpOp::GtEq));
                        used.push(at);
                    }
                    CmpOp::Lt | CmpOp::LtEq if high.is_none() => {
                        high = Some((value, op == CmpOp::LtEq));
                        used.push(at);
                    }
                    _ => {}
                }
            }
        }
        if low.is_some() || high.is_some() {
            score += 0.5;
            let ranges = prefixes
                .into_iter()
                .map(|p| {
                    let bound = |b: &Option<(ScalarExpr, bool)>| match b {
                        Some((v, inclusive)) => {
                            let mut values = p.clone();
                            values.push(v.clone());
                            Some((values, *inclusive))
                        }
                        None if p.is_empty() => None,
                        None => Some((p.clone(), true)),
                    };
                    KeyRange {
                        low: bound(&low),
                        high: bound(&high),
                    }
                })
                .collect();
            return Some(KeyAccess {
                ranges,
                used,
                score,
            });
        }
        break;
    }
    if score == 0.0 {
        return None;
    }
    let ranges = prefixes
        .into_iter()
        .map(|p| KeyRange {
            low: Some((p.clone(), true)),
            high: Some((p, true)),
        })
        .collect();
    Some(KeyAccess {
        ranges,
        used,
        score,
    })
}

/// The key columns of the access path `access` of `table` (the primary
/// key, or an index whose parts are all plain columns).
pub(super) fn key_columns(table: &Table, access: &Access) -> Option<Vec<usize>> {
    match access {
        Access::Full => None,
        Access::PrimaryKey { .. } => table.primary_key.clone(),
        Access::Index { index, .. } => table
            .indexes
            .iter()
            .find(|i| i.oid == *index)?
            .parts
            .iter()
            .map(|p| match p.expr {
                IndexExpr::Column(c) => Some(c),
                IndexExpr::Expression { .. } => None,
            })
            .collect(),
    }
}

fn choose(table: &Table, filter: &ScalarExpr) -> Option<Access> {
    let conds = conjuncts(filter.clone());
    let mut best: Option<(f64, Access)> = None;
    if let Some(pk) = &table.primary_key {
        if let Some(KeyAccess { ranges, score, .. }) = ranges_for(table, pk, &conds) {
            // The primary key reads rows directly: a small bonus on ties.
            best = Some((
                score + 0.01,
                Access::PrimaryKey {
                    ranges: ranges.into(),
                },
            ));
        }
    }
    for index in table
        .indexes
        .iter()
        .filter(|i| !i.primary && i.predicate.is_none())
    {
        let key: Option<Vec<usize>> = index
            .parts
            .iter()
            .map(|p| match p.expr {
                IndexExpr::Column(c) => Some(c),
                IndexExpr::Expression { .. } => None,
            })
            .collect();
        let Some(key) = key else { continue };
        if let Some(KeyAccess { ranges, score, .. }) = ranges_for(table, &key, &conds) {
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                let access = Access::Index {
                    index: index.oid,
                    name: index.name.clone(),
                    ranges: ranges.into(),
                    only: false,
                };
                best = Some((score, access));
            }
        }
    }
    best.map(|(_, a)| a)
}
