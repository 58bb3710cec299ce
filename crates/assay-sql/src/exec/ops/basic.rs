//! Streaming operators: VALUES, Empty, Filter, Project, Limit and
//! set-returning functions in FROM. None of them buffers rows.

use std::sync::Arc;

use assay_storage::{bail, Result, SqlState};

use super::sort::{compare_keys, eval_keys};
use crate::exec::context::ExecContext;
use crate::exec::eval::{eval, eval_predicate, eval_row, int_value};
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::functions::{Resolved, RowIter};
use crate::plan::{ScalarExpr, SortKey};
use crate::types::Value;

pub(crate) struct ValuesOp {
    rows: std::vec::IntoIter<Vec<ScalarExpr>>,
}

impl ValuesOp {
    pub(crate) fn new(rows: Vec<Vec<ScalarExpr>>) -> ValuesOp {
        ValuesOp {
            rows: rows.into_iter(),
        }
    }
}

impl Operator for ValuesOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        match self.rows.next() {
            Some(exprs) => Ok(Some(eval_row(&exprs, &[], ctx)?)),
            None => Ok(None),
        }
    }
}

pub(crate) struct EmptyOp;

impl Operator for EmptyOp {
    fn next(&mut self, _ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        Ok(None)
    }
}

pub(crate) struct FilterOp {
    pub input: BoxOp,
    pub predicate: ScalarExpr,
}

impl Operator for FilterOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        while let Some(row) = self.input.next(ctx)? {
            ctx.tick()?;
            if eval_predicate(&self.predicate, &row, ctx)? {
                return Ok(Some(row));
            }
            ctx.note_removed();
        }
        Ok(None)
    }
}

pub(crate) struct ProjectOp {
    input: BoxOp,
    exprs: Vec<ScalarExpr>,
    /// Whether every expression is a different input column (`SELECT id,
    /// value`): their values then move out of the input row instead of
    /// being evaluated and copied.
    moves: bool,
}

impl ProjectOp {
    pub(crate) fn new(input: BoxOp, exprs: Vec<ScalarExpr>) -> ProjectOp {
        let column = |e: &ScalarExpr| match e {
            ScalarExpr::Column(i) => Some(*i),
            _ => None,
        };
        let moves = exprs.iter().enumerate().all(|(n, e)| {
            column(e).is_some_and(|i| !exprs[..n].iter().any(|p| column(p) == Some(i)))
        });
        ProjectOp {
            input,
            exprs,
            moves,
        }
    }

    /// The projected row made of the input's own values (see `moves`);
    /// `None` if a column is out of the row's range.
    fn moved(&self, row: &mut [Value]) -> Option<Row> {
        let mut out = Vec::with_capacity(self.exprs.len());
        for e in &self.exprs {
            let ScalarExpr::Column(i) = e else {
                return None;
            };
            out.push(std::mem::replace(row.get_mut(*i)?, Value::Null));
        }
        Some(out)
    }
}

impl Operator for ProjectOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        let Some(mut row) = self.input.next(ctx)? else {
            return Ok(None);
        };
        let out = match self.moves.then(|| self.moved(&mut row)).flatten() {
            Some(out) => out,
            // (An out-of-range column reports its error from `eval`.)
            None => eval_row(&self.exprs, &row, ctx)?,
        };
        ctx.recycle(row);
        Ok(Some(out))
    }
}

/// LIMIT / OFFSET, and `FETCH FIRST n ROWS WITH TIES` (rows equal to the
/// last one on the ORDER BY keys keep coming past the limit).
pub(crate) struct LimitOp {
    input: BoxOp,
    limit_expr: Option<ScalarExpr>,
    offset_expr: Option<ScalarExpr>,
    with_ties: Vec<SortKey>,
    started: bool,
    limit: Option<u64>,
    emitted: u64,
    last_keys: Option<Vec<Value>>,
    done: bool,
}

impl LimitOp {
    pub(crate) fn new(
        input: BoxOp,
        limit: Option<ScalarExpr>,
        offset: Option<ScalarExpr>,
        with_ties: Vec<SortKey>,
    ) -> LimitOp {
        LimitOp {
            input,
            limit_expr: limit,
            offset_expr: offset,
            with_ties,
            started: false,
            limit: None,
            emitted: 0,
            last_keys: None,
            done: false,
        }
    }

    fn count(
        expr: &Option<ScalarExpr>,
        what: &str,
        code: &[u8; 5],
        ctx: &mut ExecContext<'_>,
    ) -> Result<Option<u64>> {
        let Some(e) = expr else { return Ok(None) };
        let v = eval(e, &[], ctx)?;
        if v.is_null() {
            return Ok(None);
        }
        match int_value(&v) {
            Some(n) if n < 0 => bail!(SqlState::new(code), "{} must not be negative", what),
            Some(n) => Ok(Some(n as u64)),
            None => bail!(
                SqlState::DATATYPE_MISMATCH,
                "argument of {} must be an integer",
                what
            ),
        }
    }
}

impl Operator for LimitOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if self.done {
            return Ok(None);
        }
        if !self.started {
            self.started = true;
            self.limit = Self::count(&self.limit_expr, "LIMIT", b"2201W", ctx)?;
            let offset = Self::count(&self.offset_expr, "OFFSET", b"2201X", ctx)?.unwrap_or(0);
            for _ in 0..offset {
                if self.input.next(ctx)?.is_none() {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
        let Some(row) = self.input.next(ctx)? else {
            self.done = true;
            return Ok(None);
        };
        match self.limit {
            Some(l) if self.emitted >= l => {
                // Past the limit: only ties of the last row continue.
                let tie = match &self.last_keys {
                    Some(last) if !self.with_ties.is_empty() => {
                        let keys = eval_keys(&self.with_ties, &row, ctx)?;
                        compare_keys(&keys, last, &self.with_ties).is_eq()
                    }
                    _ => false,
                };
                if !tie {
                    self.done = true;
                    return Ok(None);
                }
            }
            Some(l) if !self.with_ties.is_empty() && self.emitted + 1 == l => {
                self.last_keys = Some(eval_keys(&self.with_ties, &row, ctx)?);
            }
            _ => {}
        }
        self.emitted += 1;
        Ok(Some(row))
    }
}

/// A set-returning function in FROM.
pub(crate) struct FunctionScanOp {
    func: Arc<Resolved>,
    args: Vec<ScalarExpr>,
    ordinality: bool,
    rows: Option<RowIter>,
    n: i64,
}

impl FunctionScanOp {
    pub(crate) fn new(
        func: Arc<Resolved>,
        args: Vec<ScalarExpr>,
        ordinality: bool,
    ) -> FunctionScanOp {
        FunctionScanOp {
            func,
            args,
            ordinality,
            rows: None,
            n: 0,
        }
    }
}

impl Operator for FunctionScanOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if self.rows.is_none() {
            let args = eval_row(&self.args, &[], ctx)?;
            self.rows = Some(self.func.rows(&args, &mut ctx.eval_context())?);
        }
        let Some(rows) = self.rows.as_mut() else {
            return Ok(None);
        };
        match rows.next() {
            Some(row) => {
                let mut row = row?;
                ctx.tick()?;
                self.n += 1;
                if self.ordinality {
                    row.push(Value::Int8(self.n));
                }
                Ok(Some(row))
            }
            None => Ok(None),
        }
    }
}
