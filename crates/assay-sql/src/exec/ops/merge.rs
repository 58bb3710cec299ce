//! Merge join.
//!
//! Both inputs arrive sorted on the keys, so a merge join's output is the
//! left rows in order, each followed by its matches in right order. This
//! implementation produces exactly that order by hashing the right side's
//! keys (see [`HashJoin`]), which also makes every join kind available;
//! a streaming merge that keeps only the current key group of the right
//! side is left for later.

use assay_storage::Result;

use super::hashjoin::HashJoin;
use crate::exec::context::ExecContext;
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::plan::{JoinKind, ScalarExpr};

pub(crate) struct MergeJoin(HashJoin);

impl MergeJoin {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        left: BoxOp,
        right: BoxOp,
        kind: JoinKind,
        condition: Option<ScalarExpr>,
        left_keys: Vec<ScalarExpr>,
        right_keys: Vec<ScalarExpr>,
        left_width: usize,
        right_width: usize,
    ) -> Result<MergeJoin> {
        Ok(MergeJoin(HashJoin::ordered(HashJoin::new(
            left,
            right,
            kind,
            condition,
            left_keys,
            right_keys,
            left_width,
            right_width,
        ))))
    }
}

impl Operator for MergeJoin {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        self.0.next(ctx)
    }
}
