//! Several set-returning functions in one target list run in lockstep, as
//! in PostgreSQL 10 and later: `SELECT unnest(a), generate_subscripts(a, 1)`
//! gives as many rows as the longest function, the shorter ones padded with
//! NULLs, and row n holds each function's n-th value.
//!
//! The binder builds that from plan nodes it already has: each function
//! scans `WITH ORDINALITY`; the scans are joined FULL on equal ordinals
//! (the k-th scan on the first non-NULL ordinal of those before it), and
//! the result is sorted by that ordinal, so rows come in lockstep order.
//! The whole stands as the right side of the lateral join the target list's
//! functions hang from (see `Binder::bind_select`).
//!
//! `unnest(a, b, …)` in FROM is the same zip: one `unnest` per array,
//! projected to their values (and the ordinal for `WITH ORDINALITY`).

use assay_storage::Result;

use crate::ast;
use crate::plan::{
    CmpOp, Field, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr, Schema, SortKey,
};
use crate::types::DataType;

use super::scope::{Scope, ScopeColumn};
use super::Binder;

impl Binder<'_> {
    /// `unnest(a, b, …)` in FROM: one column per array, as many rows as
    /// the longest, the shorter ones padded with NULLs.
    pub(super) fn bind_multi_unnest(
        &mut self,
        call: &ast::FunctionCall,
        ordinality: bool,
    ) -> Result<Plan> {
        let mut scans = Vec::with_capacity(call.args.len());
        for (k, arg) in call.args.iter().enumerate() {
            let mut one = ast::FunctionCall::new(call.name.clone(), vec![arg.value.clone()]);
            one.pos = call.pos;
            let (plan, scope) = self.bind_function_scan(&one, false, None)?;
            scans.push((k, plan, scope));
        }
        let count = scans.len();
        let (plan, _, columns) = zip(scans);
        let mut exprs = Vec::with_capacity(count + 1);
        let mut fields = Vec::with_capacity(count + 1);
        for (_, c) in columns {
            exprs.push(ScalarExpr::Column(c));
            fields.push(Field::new(
                "unnest",
                plan.schema.fields[c].data_type.clone(),
            ));
        }
        if ordinality {
            exprs.push(first_ordinal(count));
            fields.push(Field::new("ordinality", DataType::Int8));
        }
        let node = PlanNode::Project {
            input: Box::new(plan),
            exprs,
        };
        Ok(Plan::new(node, Schema::new(fields)))
    }
}

/// Joins the target list's functions (each: its target's position, its
/// one-column scan and scope) into one plan. Returns the plan, its scope,
/// and for each target position the column of the plan holding its value.
pub(super) fn zip(srfs: Vec<(usize, Plan, Scope)>) -> (Plan, Scope, Vec<(usize, usize)>) {
    if srfs.len() == 1 {
        let (target, plan, scope) = srfs.into_iter().next().expect("one function");
        return (plan, scope, vec![(target, 0)]);
    }
    let mut columns = Vec::new();
    let mut joined: Option<(Plan, Scope)> = None;
    for (k, (target, plan, scope)) in srfs.into_iter().enumerate() {
        let (plan, scope) = with_ordinality(plan, scope);
        // Function k's value is column 2k, its ordinal 2k + 1.
        columns.push((target, 2 * k));
        joined = Some(match joined {
            None => (plan, scope),
            Some((left, left_scope)) => {
                let condition = ScalarExpr::Compare {
                    op: CmpOp::Eq,
                    left: Box::new(first_ordinal(k)),
                    right: Box::new(ScalarExpr::Column(2 * k + 1)),
                };
                let schema = left.schema.concat(&plan.schema);
                let node = PlanNode::Join {
                    left: Box::new(left),
                    right: Box::new(plan),
                    kind: JoinKind::Full,
                    condition: Some(condition),
                    algorithm: JoinAlgorithm::NestedLoop,
                    lateral: false,
                };
                (Plan::new(node, schema), left_scope.concat(scope))
            }
        });
    }
    let (plan, scope) = joined.expect("several functions");
    let schema = plan.schema.clone();
    let sorted = PlanNode::Sort {
        input: Box::new(plan),
        keys: vec![SortKey {
            expr: first_ordinal(columns.len()),
            descending: false,
            nulls_first: false,
        }],
        limit: None,
    };
    (Plan::new(sorted, schema), scope, columns)
}

/// The first non-NULL ordinal among the first `count` functions.
fn first_ordinal(count: usize) -> ScalarExpr {
    ScalarExpr::Coalesce {
        args: (0..count).map(|k| ScalarExpr::Column(2 * k + 1)).collect(),
        data_type: DataType::Int8,
    }
}

/// The function scan with its row number after its value.
fn with_ordinality(mut plan: Plan, mut scope: Scope) -> (Plan, Scope) {
    if let PlanNode::FunctionScan { ordinality, .. } = &mut plan.node {
        *ordinality = true;
    }
    let name = "?ordinality?";
    plan.schema.fields.push(Field::new(name, DataType::Int8));
    scope.columns.push(ScopeColumn {
        relation: None,
        name: name.to_string(),
        data_type: DataType::Int8,
        unqualified: false,
        in_star: false,
    });
    (plan, scope)
}
