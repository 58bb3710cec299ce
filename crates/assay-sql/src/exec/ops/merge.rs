//! Merge join: a streaming join of two inputs sorted ascending on the keys.
//!
//! Both sides are read once, in step. The operator holds one left row and
//! the right side's *current key group* — the right rows sharing one key —
//! and nothing else, so memory is bounded by the largest group, not by
//! either input. For each left row with key `k`:
//!
//! - a group whose key is below `k` is finished: for RIGHT and FULL joins
//!   its rows that matched nothing come out NULL-extended, then the group
//!   is dropped;
//! - right rows with keys below `k` are skipped (emitted NULL-extended by
//!   RIGHT and FULL joins) until a row with key `≥ k` starts the next
//!   group, which is read whole;
//! - if the group's key equals `k`, the left row is matched against the
//!   group's rows by [`JoinCore`] (which checks any residual condition and
//!   handles every join kind); otherwise it has no match.
//!
//! Keys compare as `=` does ([`compare`]); a key with a NULL never matches
//! (PostgreSQL's strict equality), wherever the sort put it: such a left
//! row is unmatched, such a right row is unmatched. Non-null keys must
//! arrive in ascending order on both sides — the planner guarantees it
//! with index or key-order scans or a Sort below; a key that goes down is
//! reported as an internal error rather than producing wrong rows.
//!
//! Output keeps the left side's order.

use std::cmp::Ordering;

use assay_storage::{err, Result, SqlState};

use super::join::JoinCore;
use crate::exec::context::ExecContext;
use crate::exec::eval::eval_row;
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::plan::{JoinKind, ScalarExpr};
use crate::types::{compare, Value};

/// Orders two non-null keys of the same types.
fn compare_key(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match compare(x, y) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

fn has_null(key: &[Value]) -> bool {
    key.iter().any(Value::is_null)
}

/// Where the operator is between calls.
enum Phase {
    /// The current left row is done: read the next one.
    NextLeft,
    /// A left row with this (non-null) key waits for the right side to
    /// reach its key.
    Seek(Vec<Value>, Row),
    /// The left side is exhausted: what remains of the right side.
    Finish,
}

pub(crate) struct MergeJoin {
    left: BoxOp,
    right: BoxOp,
    left_keys: Vec<ScalarExpr>,
    right_keys: Vec<ScalarExpr>,
    /// Matches a left row against the current group (its right rows).
    core: JoinCore,
    /// The current group's key; `None` when no group is loaded.
    group_key: Option<Vec<Value>>,
    /// The right row read after the current group, with its key.
    pending: Option<(Vec<Value>, Row)>,
    right_done: bool,
    /// The last non-null key seen on each side, to check the order.
    last_left: Option<Vec<Value>>,
    last_right: Option<Vec<Value>>,
    /// RIGHT and FULL joins emit right rows that match nothing.
    keep_right: bool,
    left_width: usize,
    phase: Phase,
}

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
    ) -> MergeJoin {
        MergeJoin {
            left,
            right,
            left_keys,
            right_keys,
            core: JoinCore::new(kind, condition, left_width, right_width),
            group_key: None,
            pending: None,
            right_done: false,
            last_left: None,
            last_right: None,
            keep_right: matches!(kind, JoinKind::Right | JoinKind::Full),
            left_width,
            phase: Phase::NextLeft,
        }
    }

    /// A right row without a left match, NULL-extended on the left.
    fn right_only(&self, r: Row) -> Row {
        let mut row = vec![Value::Null; self.left_width];
        row.extend(r);
        row
    }

    /// Checks that a side's non-null keys do not go down.
    fn check_order(last: &mut Option<Vec<Value>>, key: &[Value], side: &str) -> Result<()> {
        if let Some(prev) = last.as_deref() {
            if compare_key(prev, key) == Ordering::Greater {
                return Err(err!(
                    SqlState::INTERNAL_ERROR,
                    "merge join's {side} input is not sorted on the join keys"
                ));
            }
        }
        match last {
            Some(prev) => prev.clone_from_slice(key),
            None => *last = Some(key.to_vec()),
        }
        Ok(())
    }

    /// The next right row and its key: the pending one, else a new one.
    fn next_right(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<(Vec<Value>, Row)>> {
        if let Some(p) = self.pending.take() {
            return Ok(Some(p));
        }
        if self.right_done {
            return Ok(None);
        }
        let Some(r) = self.right.next(ctx)? else {
            self.right_done = true;
            return Ok(None);
        };
        ctx.tick()?;
        let key = eval_row(&self.right_keys, &r, ctx)?;
        if !has_null(&key) {
            Self::check_order(&mut self.last_right, &key, "right")?;
        }
        Ok(Some((key, r)))
    }

    /// Reads the group that starts with `first` (rows up to the next key
    /// go to `pending`) and makes it the current one.
    fn load_group(&mut self, key: Vec<Value>, first: Row, ctx: &mut ExecContext<'_>) -> Result<()> {
        let mut rows = vec![first];
        while let Some((k, r)) = self.next_right(ctx)? {
            if has_null(&k) || compare_key(&k, &key) != Ordering::Equal {
                self.pending = Some((k, r));
                break;
            }
            rows.push(r);
        }
        self.core.set_right(rows);
        self.group_key = Some(key);
        Ok(())
    }

    /// Moves the right side up to `key`: `Some(row)` is an unmatched right
    /// row to emit first, `None` means the current group (if any) is the
    /// first with a key at or above `key`.
    fn seek(&mut self, key: &[Value], ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        loop {
            if let Some(g) = &self.group_key {
                if compare_key(g, key) != Ordering::Less {
                    return Ok(None);
                }
                if let Some(r) = self.core.unmatched_right() {
                    return Ok(Some(r));
                }
                self.core.set_right(Vec::new());
                self.group_key = None;
            }
            let Some((k, r)) = self.next_right(ctx)? else {
                return Ok(None);
            };
            if has_null(&k) || compare_key(&k, key) == Ordering::Less {
                if self.keep_right {
                    return Ok(Some(self.right_only(r)));
                }
                continue;
            }
            self.load_group(k, r, ctx)?;
        }
    }
}

impl Operator for MergeJoin {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        loop {
            if let Some(row) = self.core.step(ctx)? {
                return Ok(Some(row));
            }
            match std::mem::replace(&mut self.phase, Phase::NextLeft) {
                Phase::NextLeft => {
                    let Some(l) = self.left.next(ctx)? else {
                        self.phase = Phase::Finish;
                        continue;
                    };
                    ctx.tick()?;
                    let key = eval_row(&self.left_keys, &l, ctx)?;
                    if has_null(&key) {
                        self.core.start_left(l, None);
                        continue;
                    }
                    Self::check_order(&mut self.last_left, &key, "left")?;
                    self.phase = Phase::Seek(key, l);
                }
                Phase::Seek(key, l) => {
                    if let Some(r) = self.seek(&key, ctx)? {
                        self.phase = Phase::Seek(key, l);
                        return Ok(Some(r));
                    }
                    let matches = match &self.group_key {
                        Some(g) if compare_key(g, &key) == Ordering::Equal => self.core.group_len(),
                        _ => 0,
                    };
                    self.core.start_left(l, 0..matches);
                }
                Phase::Finish => {
                    self.phase = Phase::Finish;
                    if !self.keep_right {
                        return Ok(None);
                    }
                    if let Some(r) = self.core.unmatched_right() {
                        return Ok(Some(r));
                    }
                    self.core.set_right(Vec::new());
                    self.group_key = None;
                    return match self.next_right(ctx)? {
                        Some((_, r)) => Ok(Some(self.right_only(r))),
                        None => Ok(None),
                    };
                }
            }
        }
    }
}
