//! Rule: `Limit` over `Sort` with a constant limit becomes a top-N sort
//! that keeps only `offset + limit` rows while it reads its input.

use super::transform_up;
use crate::plan::{Plan, PlanNode, ScalarExpr};
use crate::types::Value;

pub fn apply(plan: Plan) -> Plan {
    transform_up(plan, &mut |mut p| {
        if let PlanNode::Limit {
            input,
            limit: Some(limit),
            offset,
            with_ties,
        } = &mut p.node
        {
            if !with_ties.is_empty() {
                return p;
            }
            let offset = match offset {
                None => Some(0),
                Some(e) => constant_count(e),
            };
            if let (
                Some(n),
                Some(skip),
                PlanNode::Sort {
                    limit: sort_limit @ None,
                    ..
                },
            ) = (constant_count(limit), offset, &mut input.node)
            {
                *sort_limit = Some(n.saturating_add(skip));
            }
        }
        p
    })
}

/// A non-negative integer constant.
fn constant_count(e: &ScalarExpr) -> Option<u64> {
    let value = match e {
        ScalarExpr::Const { value, .. } => value,
        ScalarExpr::Cast { expr, .. } => match &**expr {
            ScalarExpr::Const { value, .. } => value,
            _ => return None,
        },
        _ => return None,
    };
    match value {
        Value::Int2(v) => u64::try_from(*v).ok(),
        Value::Int4(v) => u64::try_from(*v).ok(),
        Value::Int8(v) => u64::try_from(*v).ok(),
        _ => None,
    }
}
