//! Nested-loop join, and the join logic every join shares, all join kinds.
//!
//! Output rows are the left row followed by the right row (the left row
//! alone for semi and anti joins); a side without a match is NULL-extended.
//! A LATERAL right side sees the current left row as its innermost outer
//! row (`Outer { depth: 1, .. }`) and is rebuilt for every left row.

use assay_storage::Result;

use crate::exec::context::ExecContext;
use crate::exec::eval::eval_predicate;
use crate::exec::operator::{BoxOp, Builder, Operator};
use crate::exec::storage::Row;
use crate::plan::{JoinKind, Plan, ScalarExpr};
use crate::types::Value;

fn concat(l: &[Value], r: &[Value]) -> Row {
    let mut row = Vec::with_capacity(l.len() + r.len());
    row.extend_from_slice(l);
    row.extend_from_slice(r);
    row
}

fn nulls(n: usize) -> Vec<Value> {
    vec![Value::Null; n]
}

/// The streaming part both joins share: for the current left row, walk its
/// candidate right rows, then emit what the join kind asks for.
struct Probe {
    left: Option<Row>,
    candidates: Vec<usize>,
    pos: usize,
    matched: bool,
}

fn condition_holds(
    cond: &Option<ScalarExpr>,
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<bool> {
    match cond {
        Some(c) => eval_predicate(c, row, ctx),
        None => Ok(true),
    }
}

/// Shared state machine over a materialized right side.
pub(crate) struct JoinCore {
    kind: JoinKind,
    condition: Option<ScalarExpr>,
    left_width: usize,
    right_width: usize,
    right: Vec<Row>,
    right_matched: Vec<bool>,
    probe: Probe,
    /// Emitting unmatched right rows (RIGHT and FULL) after the left ends.
    tail: Option<usize>,
}

impl JoinCore {
    pub(crate) fn new(
        kind: JoinKind,
        condition: Option<ScalarExpr>,
        left_width: usize,
        right_width: usize,
    ) -> JoinCore {
        JoinCore {
            kind,
            condition,
            left_width,
            right_width,
            right: Vec::new(),
            right_matched: Vec::new(),
            probe: Probe {
                left: None,
                candidates: Vec::new(),
                pos: 0,
                matched: false,
            },
            tail: None,
        }
    }

    /// Replaces the right side (a new lateral run, a new partition).
    pub(crate) fn set_right(&mut self, rows: Vec<Row>) {
        self.right_matched = vec![false; rows.len()];
        self.right = rows;
        self.tail = None;
    }

    /// The join kind and condition.
    pub(crate) fn kind(&self) -> (JoinKind, Option<&ScalarExpr>) {
        (self.kind, self.condition.as_ref())
    }

    /// The widths of left and right rows.
    pub(crate) fn widths(&self) -> (usize, usize) {
        (self.left_width, self.right_width)
    }

    /// Right row `i`.
    pub(crate) fn right_row(&self, i: usize) -> &[Value] {
        &self.right[i]
    }

    /// How many right rows the core holds.
    pub(crate) fn group_len(&self) -> usize {
        self.right.len()
    }

    /// Starts a left row against the given right rows (the buffer of
    /// candidates is reused from row to row).
    pub(crate) fn start_left(&mut self, left: Row, candidates: impl IntoIterator<Item = usize>) {
        self.probe.left = Some(left);
        self.probe.candidates.clear();
        self.probe.candidates.extend(candidates);
        self.probe.pos = 0;
        self.probe.matched = false;
    }

    /// Advances the current left row; `Ok(None)` means it is finished and
    /// the caller must start the next one.
    pub(crate) fn step(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        let Some(left) = self.probe.left.as_ref() else {
            return Ok(None);
        };
        while self.probe.pos < self.probe.candidates.len() {
            let ri = self.probe.candidates[self.probe.pos];
            self.probe.pos += 1;
            let row = concat(left, &self.right[ri]);
            if !condition_holds(&self.condition, &row, ctx)? {
                continue;
            }
            self.probe.matched = true;
            self.right_matched[ri] = true;
            match self.kind {
                JoinKind::Semi => {
                    let l = self.probe.left.take();
                    return Ok(l);
                }
                JoinKind::Anti => {
                    self.probe.left = None;
                    return Ok(None);
                }
                _ => return Ok(Some(row)),
            }
        }
        let left = self.probe.left.take();
        Ok(match (self.kind, left) {
            (JoinKind::Left | JoinKind::Full, Some(l)) if !self.probe.matched => {
                Some(concat(&l, &nulls(self.right_width)))
            }
            (JoinKind::Anti, Some(l)) if !self.probe.matched => Some(l),
            _ => None,
        })
    }

    pub(crate) fn unmatched_right(&mut self) -> Option<Row> {
        if !matches!(self.kind, JoinKind::Right | JoinKind::Full) {
            return None;
        }
        let i = self.tail.get_or_insert(0);
        while *i < self.right.len() {
            let r = *i;
            *i += 1;
            if !self.right_matched[r] {
                return Some(concat(&nulls(self.left_width), &self.right[r]));
            }
        }
        None
    }
}

pub(crate) struct NestedLoopJoin {
    left: BoxOp,
    right_plan: Plan,
    builder: Builder,
    lateral: bool,
    core: JoinCore,
    built: bool,
    left_done: bool,
}

impl NestedLoopJoin {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        left: BoxOp,
        right_plan: Plan,
        builder: Builder,
        kind: JoinKind,
        condition: Option<ScalarExpr>,
        lateral: bool,
        left_width: usize,
        right_width: usize,
    ) -> NestedLoopJoin {
        NestedLoopJoin {
            left,
            right_plan,
            builder,
            lateral,
            core: JoinCore::new(kind, condition, left_width, right_width),
            built: false,
            left_done: false,
        }
    }

    fn run_right(&self, ctx: &mut ExecContext<'_>) -> Result<Vec<Row>> {
        let mut op = self.builder.here().build(&self.right_plan)?;
        let mut rows = Vec::new();
        while let Some(r) = op.next(ctx)? {
            rows.push(r);
        }
        Ok(rows)
    }
}

impl Operator for NestedLoopJoin {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if !self.built && !self.lateral {
            let rows = self.run_right(ctx)?;
            self.core.set_right(rows);
            self.built = true;
        }
        loop {
            if let Some(row) = self.core.step(ctx)? {
                return Ok(Some(row));
            }
            if self.left_done {
                return Ok(self.core.unmatched_right());
            }
            match self.left.next(ctx)? {
                Some(l) => {
                    ctx.tick()?;
                    if self.lateral {
                        let rows = ctx.with_outer(&l, |ctx| self.run_right(ctx))?;
                        self.core.set_right(rows);
                    }
                    let all = 0..self.core.right.len();
                    self.core.start_left(l, all);
                }
                None => self.left_done = true,
            }
        }
    }
}
