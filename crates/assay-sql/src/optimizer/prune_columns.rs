//! Rule: every scan learns which of its table's columns the plan reads
//! (`PlanNode::Scan::columns`), so the executor decodes only those from
//! the stored rows and leaves the others NULL. `SELECT sum(value) FROM t`
//! then never builds the text of `t`'s other columns.
//!
//! The rule walks the plan top-down with the set of output columns the
//! parent reads. A node reads from its input the columns its own
//! expressions use — all of them, evaluated or not, so that no expression
//! ever sees a NULL it would not have seen — plus the columns it passes
//! through to a parent that reads them. Nodes whose output depends on
//! whole rows (DISTINCT, set operations, windows, writes) and the left
//! side of a lateral join read everything, as does any expression holding
//! a subquery (it may read the row through an outer reference). The plan's
//! output is unchanged: only columns nobody looks at become NULL.

use crate::plan::{JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr};

pub fn apply(mut plan: Plan) -> Plan {
    let width = plan.schema.len();
    prune(&mut plan, Reads::all(width));
    plan
}

/// Which columns of a row are read.
#[derive(Clone, Debug, PartialEq)]
struct Reads(Vec<bool>);

impl Reads {
    fn all(width: usize) -> Reads {
        Reads(vec![true; width])
    }

    fn none(width: usize) -> Reads {
        Reads(vec![false; width])
    }

    fn set_all(&mut self) {
        self.0.iter_mut().for_each(|r| *r = true);
    }

    /// Marks the columns `expr` uses (all of them if it holds a subquery
    /// or names a column past the row's width).
    fn add(&mut self, expr: &ScalarExpr) {
        let mut all = false;
        expr.visit(&mut |e| match e {
            ScalarExpr::Column(i) => match self.0.get_mut(*i) {
                Some(r) => *r = true,
                None => all = true,
            },
            ScalarExpr::Subquery { .. } => all = true,
            _ => {}
        });
        if all {
            self.set_all();
        }
    }

    fn add_all<'a>(&mut self, exprs: impl IntoIterator<Item = &'a ScalarExpr>) {
        exprs.into_iter().for_each(|e| self.add(e));
    }

    /// `self` (of a parent's width) read through to an input of `width`
    /// (the input's columns are the parent's first ones).
    fn passed_to(&self, width: usize) -> Reads {
        let mut r = Reads::none(width);
        for (i, read) in r.0.iter_mut().enumerate() {
            *read = self.0.get(i).copied().unwrap_or(true);
        }
        r
    }
}

fn prune(plan: &mut Plan, reads: Reads) {
    use PlanNode as P;
    match &mut plan.node {
        P::Scan {
            filter,
            projection,
            columns,
            ..
        } => *columns = scan_columns(&reads, projection.as_deref(), filter.as_ref()),
        P::Filter { input, predicate } => {
            let mut r = reads.passed_to(input.schema.len());
            r.add(predicate);
            prune(input, r);
        }
        P::Project { input, exprs } => {
            let mut r = Reads::none(input.schema.len());
            r.add_all(exprs.iter());
            prune(input, r);
        }
        P::Aggregate {
            input,
            group_by,
            aggregates,
            ..
        } => {
            let mut r = Reads::none(input.schema.len());
            r.add_all(group_by.iter());
            for a in aggregates.iter() {
                r.add_all(a.args.iter().chain(a.filter.iter()));
                r.add_all(a.order_by.iter().map(|k| &k.expr));
            }
            prune(input, r);
        }
        P::Sort { input, keys, .. } => {
            let mut r = reads.passed_to(input.schema.len());
            r.add_all(keys.iter().map(|k| &k.expr));
            prune(input, r);
        }
        P::Limit {
            input, with_ties, ..
        } => {
            let mut r = reads.passed_to(input.schema.len());
            r.add_all(with_ties.iter().map(|k| &k.expr));
            prune(input, r);
        }
        P::Join {
            left,
            right,
            kind,
            condition,
            algorithm,
            lateral,
        } => {
            let (lw, rw) = (left.schema.len(), right.schema.len());
            // The condition sees the left row followed by the right one;
            // semi and anti joins output the left row alone.
            let mut both = reads.passed_to(lw + rw);
            if matches!(kind, JoinKind::Semi | JoinKind::Anti) {
                both = reads.passed_to(lw);
                both.0.resize(lw + rw, false);
            }
            if let Some(c) = condition {
                both.add(c);
            }
            let mut l = Reads(both.0[..lw].to_vec());
            let mut r = Reads(both.0[lw..].to_vec());
            if let JoinAlgorithm::Hash {
                left_keys,
                right_keys,
            }
            | JoinAlgorithm::Merge {
                left_keys,
                right_keys,
            } = algorithm
            {
                l.add_all(left_keys.iter());
                r.add_all(right_keys.iter());
            }
            if *lateral {
                // The right side reads the left row through outer references.
                l.set_all();
            }
            prune(left, l);
            prune(right, r);
        }
        // Whole rows matter (DISTINCT, set operations), or the node is not
        // worth the bookkeeping: every input column is read.
        _ => {
            for input in plan.inputs_mut() {
                let width = input.schema.len();
                prune(input, Reads::all(width));
            }
        }
    }
}

/// The table columns a scan must decode: those its output columns map to
/// (through the projection; the row key's position, past the table's
/// columns, may be listed) and its filter's; `None` (all) when a subquery
/// in the filter could read any.
fn scan_columns(
    reads: &Reads,
    projection: Option<&[usize]>,
    filter: Option<&ScalarExpr>,
) -> Option<Vec<usize>> {
    let mut cols = Vec::new();
    for (i, _) in reads.0.iter().enumerate().filter(|(_, r)| **r) {
        cols.push(match projection {
            Some(p) => *p.get(i)?,
            None => i,
        });
    }
    let mut subquery = false;
    if let Some(f) = filter {
        f.visit(&mut |e| match e {
            ScalarExpr::Column(i) => cols.push(*i),
            ScalarExpr::Subquery { .. } => subquery = true,
            _ => {}
        });
    }
    if subquery {
        return None;
    }
    cols.sort_unstable();
    cols.dedup();
    Some(cols)
}
