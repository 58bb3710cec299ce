//! INSERT (with ON CONFLICT), UPDATE and DELETE, with RETURNING.
//!
//! A statement must not see its own changes (`INSERT INTO t SELECT * FROM
//! t`, an UPDATE that moves rows ahead of its scan), so UPDATE and DELETE,
//! and an INSERT whose input reads the target table, read their whole input
//! before changing anything; an INSERT from elsewhere streams. Each applies
//! one input row per `next` call and returns the RETURNING row, or applies
//! them all at once when there is no RETURNING. `ctx.rows_affected` counts
//! changed rows.

use std::collections::HashSet;
use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};

use super::constraints::{
    check_deferred, delete_row, insert_row, insert_row_keyed, update_row, Meta,
};
use crate::exec::context::ExecContext;
use crate::exec::eval::{eval, eval_predicate, eval_row};
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::plan::{Assignment, OnConflict, ScalarExpr};
use crate::types::Value;

/// The rows to apply and the table, set up on the first call.
struct Pending {
    meta: Meta,
    rows: Source,
}

/// Where the rows to apply come from.
enum Source {
    /// Read whole before the first change (the input reads the target).
    Buffered(std::vec::IntoIter<Row>),
    /// Pulled one at a time (the input never reads the target table).
    Streaming(BoxOp),
}

impl Source {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        match self {
            Source::Buffered(rows) => Ok(rows.next()),
            Source::Streaming(op) => op.next(ctx),
        }
    }
}

fn start(
    input: &mut Option<BoxOp>,
    table: u32,
    stream: bool,
    ctx: &mut ExecContext<'_>,
) -> Result<Option<Pending>> {
    let Some(mut op) = input.take() else {
        return Ok(None);
    };
    let meta = ctx.tables.table(table)?;
    if stream {
        return Ok(Some(Pending {
            meta,
            rows: Source::Streaming(op),
        }));
    }
    let mut rows = Vec::new();
    while let Some(r) = op.next(ctx)? {
        ctx.tick()?;
        rows.push(r);
    }
    Ok(Some(Pending {
        meta,
        rows: Source::Buffered(rows.into_iter()),
    }))
}

/// Drives `apply` over the pending rows: one per call with RETURNING, all
/// of them otherwise.
fn drive(
    pending: &mut Option<Pending>,
    returning: bool,
    ctx: &mut ExecContext<'_>,
    mut apply: impl FnMut(&Meta, Row, &mut ExecContext<'_>) -> Result<Option<Row>>,
) -> Result<Option<Row>> {
    let Some(p) = pending.as_mut() else {
        return Ok(None);
    };
    while let Some(row) = p.rows.next(ctx)? {
        ctx.tick()?;
        if let Some(out) = apply(&p.meta, row, ctx)? {
            ctx.rows_affected += 1;
            if returning {
                return Ok(Some(out));
            }
        }
    }
    check_deferred(ctx)?;
    Ok(None)
}

/// The key of the target row an UPDATE or DELETE input row stands for:
/// the `ctid` column when the input carries one, else derived from the
/// table's primary key values.
fn row_key(
    row: &[Value],
    key_pos: Option<usize>,
    meta: &Meta,
    ctx: &mut ExecContext<'_>,
) -> Result<Vec<u8>> {
    match key_pos.map(|p| row.get(p)) {
        Some(Some(Value::Bytea(k))) => Ok(k.to_vec()),
        Some(_) => bail!(
            SqlState::INTERNAL_ERROR,
            "UPDATE or DELETE input row lacks its row key"
        ),
        None => ctx
            .tables
            .key_of(meta.oid, &row[..meta.columns.len().min(row.len())]),
    }
}

pub(crate) struct InsertOp {
    table: u32,
    /// The input never reads the target table: stream it.
    stream: bool,
    input: Option<BoxOp>,
    on_conflict: Option<OnConflict>,
    returning: Vec<ScalarExpr>,
    pending: Option<Pending>,
    updated: HashSet<Vec<u8>>,
}

impl InsertOp {
    pub(crate) fn new(
        table: u32,
        stream: bool,
        input: BoxOp,
        on_conflict: Option<OnConflict>,
        returning: Vec<ScalarExpr>,
    ) -> InsertOp {
        InsertOp {
            table,
            stream,
            input: Some(input),
            on_conflict,
            returning,
            pending: None,
            updated: HashSet::new(),
        }
    }
}

impl Operator for InsertOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if let Some(p) = start(&mut self.input, self.table, self.stream, ctx)? {
            self.pending = Some(p);
        }
        let (on_conflict, returning, updated) =
            (&self.on_conflict, &self.returning, &mut self.updated);
        let wants = !returning.is_empty();
        let out = drive(&mut self.pending, wants, ctx, |meta, row, ctx| {
            let written = match on_conflict {
                None => insert_row(meta, row, ctx)?,
                Some(OnConflict::Nothing { index }) => {
                    if ctx.tables.find_conflict(meta.oid, &row, *index)?.is_some() {
                        return Ok(None);
                    }
                    insert_row(meta, row, ctx)?
                }
                Some(OnConflict::Update {
                    index,
                    assignments,
                    predicate,
                }) => match ctx.tables.find_conflict(meta.oid, &row, Some(*index))? {
                    // A later row of this command that conflicts with
                    // this one would affect it a second time.
                    None => {
                        let (key, row) = insert_row_keyed(meta, row, ctx)?;
                        updated.insert(key);
                        row
                    }
                    Some((key, existing)) => {
                        if !updated.insert(key.clone()) {
                            return Err(err!(
                                    SqlState::new(b"21000"),
                                    "ON CONFLICT DO UPDATE command cannot affect row a second time"
                                )
                                .with_hint("Ensure that no rows proposed for insertion within the same command have duplicate constrained values."));
                        }
                        let mut both = existing.clone();
                        both.extend(row);
                        if let Some(p) = predicate {
                            if !eval_predicate(p, &both, ctx)? {
                                return Ok(None);
                            }
                        }
                        let new = assign(&existing, assignments, &both, ctx)?;
                        update_row(meta, &key, &existing, new, ctx)?
                    }
                },
            };
            Ok(Some(if wants {
                eval_row(returning, &written, ctx)?
            } else {
                Vec::new()
            }))
        })?;
        Ok(out)
    }
}

/// The table row with the assignments applied, each computed over `input`.
fn assign(
    table_row: &[Value],
    assignments: &[Assignment],
    input: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Row> {
    let mut new = table_row.to_vec();
    for a in assignments {
        let v = eval(&a.value, input, ctx)?;
        match new.get_mut(a.column) {
            Some(slot) => *slot = v,
            None => bail!(
                SqlState::INTERNAL_ERROR,
                "assignment to column {} out of range",
                a.column
            ),
        }
    }
    Ok(new)
}

pub(crate) struct UpdateOp {
    table: u32,
    key_pos: Option<usize>,
    input: Option<BoxOp>,
    /// The plan's assignments, shared with it.
    assignments: Arc<[Assignment]>,
    returning: Vec<ScalarExpr>,
    pending: Option<Pending>,
    seen: SeenKeys,
}

impl UpdateOp {
    pub(crate) fn new(
        table: u32,
        key_pos: Option<usize>,
        input: BoxOp,
        assignments: Arc<[Assignment]>,
        returning: Vec<ScalarExpr>,
    ) -> UpdateOp {
        UpdateOp {
            table,
            key_pos,
            input: Some(input),
            assignments,
            returning,
            pending: None,
            seen: SeenKeys::default(),
        }
    }
}

impl Operator for UpdateOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if let Some(p) = start(&mut self.input, self.table, false, ctx)? {
            self.pending = Some(p);
        }
        let (assignments, returning, seen, key_pos) = (
            &self.assignments,
            &self.returning,
            &mut self.seen,
            self.key_pos,
        );
        let wants = !returning.is_empty();
        drive(&mut self.pending, wants, ctx, |meta, row, ctx| {
            let key = row_key(&row, key_pos, meta, ctx)?;
            // UPDATE … FROM joining one row to several: the first wins.
            if seen.contains(&key) {
                return Ok(None);
            }
            let width = meta.columns.len();
            let old = &row[..width.min(row.len())];
            let new = assign(old, assignments, &row, ctx)?;
            let new = update_row(meta, &key, old, new, ctx)?;
            seen.insert(key);
            if !wants {
                return Ok(Some(Vec::new()));
            }
            let mut visible = new;
            visible.extend_from_slice(&row[width.min(row.len())..]);
            Ok(Some(eval_row(returning, &visible, ctx)?))
        })
    }
}

pub(crate) struct DeleteOp {
    table: u32,
    key_pos: Option<usize>,
    input: Option<BoxOp>,
    returning: Vec<ScalarExpr>,
    pending: Option<Pending>,
    seen: SeenKeys,
}

impl DeleteOp {
    pub(crate) fn new(
        table: u32,
        key_pos: Option<usize>,
        input: BoxOp,
        returning: Vec<ScalarExpr>,
    ) -> DeleteOp {
        DeleteOp {
            table,
            key_pos,
            input: Some(input),
            returning,
            pending: None,
            seen: SeenKeys::default(),
        }
    }
}

impl Operator for DeleteOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if let Some(p) = start(&mut self.input, self.table, false, ctx)? {
            self.pending = Some(p);
        }
        let (returning, seen, key_pos) = (&self.returning, &mut self.seen, self.key_pos);
        let wants = !returning.is_empty();
        drive(&mut self.pending, wants, ctx, |meta, row, ctx| {
            let key = row_key(&row, key_pos, meta, ctx)?;
            if seen.contains(&key) {
                return Ok(None);
            }
            // A cascade earlier in this statement may have removed it.
            if ctx.tables.get(meta.oid, &key)?.is_none() {
                seen.insert(key);
                return Ok(None);
            }
            let width = meta.columns.len().min(row.len());
            delete_row(meta, &key, &row[..width], ctx)?;
            seen.insert(key);
            Ok(Some(if wants {
                eval_row(returning, &row, ctx)?
            } else {
                Vec::new()
            }))
        })
    }
}

/// The row keys an UPDATE or DELETE has handled, so that a row its input
/// holds twice (a join) changes once. The first key is kept apart: a
/// statement that changes one row hashes and allocates nothing for it.
#[derive(Default)]
struct SeenKeys {
    first: Option<Vec<u8>>,
    rest: rustc_hash::FxHashSet<Vec<u8>>,
}

impl SeenKeys {
    fn contains(&self, key: &[u8]) -> bool {
        self.first.as_deref() == Some(key) || (!self.rest.is_empty() && self.rest.contains(key))
    }

    fn insert(&mut self, key: Vec<u8>) {
        if self.first.is_none() {
            self.first = Some(key);
        } else {
            self.rest.insert(key);
        }
    }
}
