//! Table scans: full, primary-key ranges, index ranges, index-only.
//!
//! The scan keeps only a [`ScanState`] between calls (the last key it
//! returned), so the table may be written between two rows.
//!
//! Per row, the scan decodes only the table columns the plan reads (the
//! optimizer's `prune_columns` lists them; the others are NULL), asks for
//! the row key only when its projection outputs it (`ctid`), and
//! evaluates a filter whose row-free parts (`$1 + 99`) were computed once
//! when the scan started.
//!
//! A scan that needs no row keys reads its rows a batch at a time
//! (`TableAccess::scan_batch`), decoded in place into reused buffers:
//! straight into a consumer's batch (`next_batch`: an aggregate, a hash
//! join's probe side), or into its own batch read ahead of `next`, from
//! which each row (or its projected values) is moved out.

use std::sync::Arc;

use assay_storage::Result;

use crate::exec::batch::{fill_by_rows, RowBatch};
use crate::exec::context::ExecContext;
use crate::exec::eval::{eval, eval_predicate, eval_row};
use crate::exec::operator::Operator;
use crate::exec::storage::{Row, ScanAccess, ScanState, ValueRange};
use crate::functions::Volatility;
use crate::plan::{Access, KeyRange, ScalarExpr};
use crate::types::{compare, Value};

pub(crate) struct ScanOp {
    table: u32,
    /// The plan's access; its key ranges are shared with the plan.
    access: Access,
    filter: Option<ScalarExpr>,
    projection: Option<Vec<usize>>,
    /// The table columns the plan reads (`None`: all).
    columns: Option<Vec<usize>>,
    state: Option<ScanState>,
    /// Number of table columns: a projection entry equal to it is the key.
    width: usize,
    /// The rows of a system relation (`pg_class`, …), computed when the
    /// scan starts (see `crate::system`).
    system_rows: Option<std::vec::IntoIter<Row>>,
    /// Whether rows are read in place a batch at a time (no key wanted,
    /// not a system relation), also when they are returned one by one.
    in_place: bool,
    /// Whether the projection names distinct table columns (its values
    /// can be moved out of the row read).
    moves: bool,
    /// Rows read ahead for `next`, the next to return, and whether the
    /// last fill ended the scan.
    ahead: RowBatch,
    ahead_pos: usize,
    ahead_fills: u32,
    ahead_ended: bool,
}

impl ScanOp {
    pub(crate) fn new(
        table: u32,
        access: Access,
        filter: Option<ScalarExpr>,
        projection: Option<Vec<usize>>,
        columns: Option<Vec<usize>>,
    ) -> ScanOp {
        ScanOp {
            table,
            access,
            filter,
            projection,
            columns,
            state: None,
            width: 0,
            system_rows: None,
            in_place: false,
            moves: false,
            ahead: RowBatch::new(),
            ahead_pos: 0,
            ahead_fills: 0,
            ahead_ended: false,
        }
    }

    fn start(&mut self, ctx: &mut ExecContext<'_>) -> Result<()> {
        if let Some(rel) = crate::system::relation_by_oid(self.table) {
            let rows = match ctx.system {
                Some(sys) => crate::system::scan(rel, sys)?,
                None => Vec::new(),
            };
            self.width = rel.columns.len();
            self.system_rows = Some(rows.into_iter());
            self.state = Some(ScanState::new(self.table, ScanAccess::Full));
            return Ok(());
        }
        self.width = ctx.tables.width(self.table)?;
        if let Some(f) = &mut self.filter {
            fold_row_free_parts(f, ctx);
        }
        let ranges = |ranges: &[KeyRange], ctx: &mut ExecContext<'_>| -> Result<Vec<ValueRange>> {
            let mut out = Vec::with_capacity(ranges.len());
            for r in ranges {
                let bound = |b: &Option<(Vec<ScalarExpr>, bool)>,
                             ctx: &mut ExecContext<'_>|
                 -> Result<_> {
                    Ok(match b {
                        Some((exprs, inclusive)) => Some((eval_row(exprs, &[], ctx)?, *inclusive)),
                        None => None,
                    })
                };
                let low = bound(&r.low, ctx)?;
                let high = bound(&r.high, ctx)?;
                // A NULL bound matches nothing (`pk = NULL`).
                let has_null = |b: &Option<(Vec<Value>, bool)>| {
                    b.as_ref()
                        .is_some_and(|(v, _)| v.iter().any(Value::is_null))
                };
                if has_null(&low) || has_null(&high) {
                    continue;
                }
                // `IN (2, 2)` gives the same range twice: read it once, or
                // its rows would come out twice.
                let range = ValueRange { low, high };
                if !out.iter().any(|r| same_range(r, &range)) {
                    out.push(range);
                }
            }
            Ok(out)
        };
        let access = match &self.access {
            Access::Full => ScanAccess::Full,
            Access::PrimaryKey { ranges: r } => ScanAccess::PrimaryKey(ranges(r, ctx)?),
            Access::Index {
                index,
                ranges: r,
                only,
                ..
            } => ScanAccess::Index {
                index: *index,
                ranges: ranges(r, ctx)?,
                only: *only,
            },
        };
        let mut state = ScanState::new(self.table, access);
        let width = self.width;
        state.want_key = self.projection.as_ref().is_some_and(|p| p.contains(&width));
        state.columns = self.columns.as_ref().and_then(|cols| {
            let mut mask = vec![false; width];
            for &c in cols {
                if let Some(m) = mask.get_mut(c) {
                    *m = true;
                }
            }
            mask.contains(&false).then_some(mask)
        });
        // Points (`id = $1`) are one lookup each: no batch to fill.
        let points = match &state.access {
            ScanAccess::PrimaryKey(ranges) => ranges.iter().all(|r| match (&r.low, &r.high) {
                (Some((l, true)), Some((h, true))) => {
                    l.len() == h.len() && l.iter().zip(h).all(|(a, b)| compare(a, b).is_eq())
                }
                _ => false,
            }),
            _ => false,
        };
        self.in_place = !state.want_key && !points;
        self.moves = self.projection.as_ref().is_some_and(|p| {
            p.iter()
                .enumerate()
                .all(|(i, c)| *c < width && !p[..i].contains(c))
        });
        self.state = Some(state);
        Ok(())
    }

    /// The next row, from the rows read ahead in place: moved out of its
    /// buffer (the projected values only, when there is a projection).
    /// The scan reads 4 rows ahead, then 16, then 64, so one stopped
    /// early (a LIMIT, EXISTS, a point) decodes few rows it does not
    /// return.
    fn next_ahead(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        loop {
            if self.ahead_pos < self.ahead.len() {
                let row = &mut self.ahead.rows_mut()[self.ahead_pos];
                self.ahead_pos += 1;
                return Ok(Some(match &self.projection {
                    // The last rows give their buffers away; the others
                    // keep them, full width, for the next fill.
                    None if self.ahead_ended => std::mem::take(row),
                    None => {
                        let mut out = ctx.spare_row();
                        out.extend(row.iter_mut().map(|v| std::mem::replace(v, Value::Null)));
                        out
                    }
                    Some(cols) => {
                        let mut out = ctx.spare_row();
                        out.reserve(cols.len());
                        for &c in cols {
                            out.push(match row.get_mut(c) {
                                Some(v) if self.moves => std::mem::replace(v, Value::Null),
                                Some(v) => v.clone(),
                                None => Value::Null,
                            });
                        }
                        out
                    }
                }));
            }
            if self.ahead_ended {
                return Ok(None);
            }
            let mut ahead = std::mem::take(&mut self.ahead);
            ahead.set_capacity(if self.ahead_fills == 0 { 4 } else { 8 });
            self.ahead_fills += 1;
            let filled = self.fill_in_place(ctx, &mut ahead);
            self.ahead = ahead;
            filled?;
            self.ahead_ended = !self.ahead.is_full();
            self.ahead_pos = 0;
        }
    }
}

impl Operator for ScanOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if self.state.is_none() {
            self.start(ctx)?;
        }
        if self.in_place {
            return self.next_ahead(ctx);
        }
        let Some(state) = self.state.as_mut() else {
            return Ok(None);
        };
        loop {
            if state.spare.capacity() == 0 {
                state.spare = ctx.spare_row();
            }
            let next = match &mut self.system_rows {
                Some(rows) => rows.next().map(|r| (Vec::new(), r)),
                None => ctx.tables.scan_next(state)?,
            };
            let Some((key, row)) = next else {
                return Ok(None);
            };
            ctx.tick()?;
            if let Some(f) = &self.filter {
                if !eval_predicate(f, &row, ctx)? {
                    ctx.note_removed();
                    state.spare = row;
                    state.spare.clear();
                    continue;
                }
            }
            return Ok(Some(match &self.projection {
                None => row,
                Some(cols) => {
                    let out = cols
                        .iter()
                        .map(|&c| {
                            if c == self.width {
                                Value::Bytea(Arc::from(key.as_slice()))
                            } else {
                                row.get(c).cloned().unwrap_or(Value::Null)
                            }
                        })
                        .collect();
                    ctx.recycle(row);
                    out
                }
            }));
        }
    }

    fn next_batch(&mut self, ctx: &mut ExecContext<'_>, batch: &mut RowBatch) -> Result<()> {
        if self.state.is_none() {
            self.start(ctx)?;
        }
        // A projection (or a key, or a system relation) takes rows one
        // at a time.
        if self.projection.is_some() || !self.in_place {
            return fill_by_rows(ctx, batch, |ctx| self.next(ctx));
        }
        self.fill_in_place(ctx, batch)
    }
}

impl ScanOp {
    /// Fills `batch` through storage's in-place path: rows decoded into
    /// the batch's buffers, the filter applied to each batch as it comes.
    fn fill_in_place(&mut self, ctx: &mut ExecContext<'_>, batch: &mut RowBatch) -> Result<()> {
        let Some(state) = self.state.as_mut() else {
            return Ok(());
        };
        batch.clear();
        loop {
            let from = batch.len();
            ctx.tables.scan_batch(state, batch)?;
            // Storage stops short of a full batch only at the scan's end.
            let ended = !batch.is_full();
            for _ in from..batch.len() {
                ctx.tick()?;
            }
            if let Some(f) = &self.filter {
                let before = batch.len();
                batch.retain_from(from, |row| eval_predicate(f, row, ctx))?;
                for _ in batch.len()..before {
                    ctx.note_removed();
                }
            }
            if ended || batch.is_full() {
                return Ok(());
            }
        }
    }
}

/// Replaces each compound part of a filter that reads no row and calls
/// no volatile function (`$1 + 99`) by its value, computed once per scan
/// instead of once per row. A part whose evaluation fails is left as it
/// is, so that its error comes exactly when, and if, a row needs it.
fn fold_row_free_parts(expr: &mut ScalarExpr, ctx: &mut ExecContext<'_>) {
    // Most filters (`id = $1`) compute nothing: leave them at one look.
    let mut computes = false;
    expr.visit(&mut |e| {
        computes |= !matches!(
            e,
            ScalarExpr::Const { .. }
                | ScalarExpr::Param { .. }
                | ScalarExpr::Column(_)
                | ScalarExpr::Outer { .. }
                | ScalarExpr::And(_)
                | ScalarExpr::Or(_)
                | ScalarExpr::Not(_)
                | ScalarExpr::Compare { .. }
                | ScalarExpr::IsNull { .. }
        )
    });
    if !computes {
        return;
    }
    expr.visit_mut(&mut |e| {
        if matches!(
            e,
            ScalarExpr::Const { .. } | ScalarExpr::Param { .. } | ScalarExpr::Column(_)
        ) || !e.is_constant()
        {
            return;
        }
        let mut volatile = false;
        e.visit(&mut |x| {
            if let ScalarExpr::Function { func, .. } = x {
                volatile |= func.def.volatility == Volatility::Volatile;
            }
        });
        let Some(data_type) = e.data_type(&|_| None) else {
            return;
        };
        if volatile {
            return;
        }
        if let Ok(value) = eval(e, &[], ctx) {
            *e = ScalarExpr::Const { value, data_type };
        }
    });
}

/// Whether two ranges have equal bounds.
fn same_range(a: &ValueRange, b: &ValueRange) -> bool {
    let same = |x: &Option<(Vec<Value>, bool)>, y: &Option<(Vec<Value>, bool)>| match (x, y) {
        (None, None) => true,
        (Some((xv, xi)), Some((yv, yi))) => {
            xi == yi
                && xv.len() == yv.len()
                && xv.iter().zip(yv).all(|(a, b)| compare(a, b).is_eq())
        }
        _ => false,
    };
    same(&a.low, &b.low) && same(&a.high, &b.high)
}
