//! DISTINCT, DISTINCT ON, UNION / INTERSECT / EXCEPT (with and without ALL)
//! and WITH RECURSIVE.
//!
//! Set operations follow SQL's multiset rules: `INTERSECT ALL` keeps a row
//! min(m, n) times and `EXCEPT ALL` max(m − n, 0) times, where m and n are
//! its counts on the left and right; without ALL each row appears once.
//! NULLs count as equal to each other here, as in GROUP BY.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

use assay_storage::{err, Result, SqlState};

use super::dedup::Dedup;
use super::hashkey::HashKey;
use crate::exec::context::ExecContext;
use crate::exec::eval::eval_row;
use crate::exec::operator::{BoxOp, Builder, Operator};
use crate::exec::storage::Row;
use crate::plan::{Plan, ScalarExpr, SetOpKind};
use crate::types::{compare, Value};

pub(crate) struct DistinctOp {
    input: BoxOp,
    on: Option<Vec<ScalarExpr>>,
    seen: Dedup,
    last: Option<Vec<Value>>,
    done: bool,
}

impl DistinctOp {
    pub(crate) fn new(input: BoxOp, on: Option<Vec<ScalarExpr>>) -> DistinctOp {
        DistinctOp {
            input,
            on,
            seen: Dedup::default(),
            last: None,
            done: false,
        }
    }
}

impl Operator for DistinctOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        while !self.done {
            let Some(row) = self.input.next(ctx)? else {
                self.done = true;
                break;
            };
            ctx.tick()?;
            match &self.on {
                None => {
                    if let Some(row) = self.seen.offer(row, ctx)? {
                        return Ok(Some(row));
                    }
                }
                Some(exprs) => {
                    // Input is sorted by the ON expressions: keep the first
                    // row of each run of equal values.
                    let key = eval_row(exprs, &row, ctx)?;
                    let same = self.last.as_ref().is_some_and(|l| {
                        l.iter()
                            .zip(&key)
                            .all(|(a, b)| compare(a, b) == std::cmp::Ordering::Equal)
                    });
                    if !same {
                        self.last = Some(key);
                        return Ok(Some(row));
                    }
                }
            }
        }
        self.seen.drain(ctx)
    }
}

pub(crate) struct SetOpOp {
    kind: SetOpKind,
    all: bool,
    left: BoxOp,
    right: Option<BoxOp>,
    left_done: bool,
    right_done: bool,
    seen: HashSet<HashKey>,
    union_seen: Dedup,
    counts: HashMap<HashKey, usize>,
}

impl SetOpOp {
    pub(crate) fn new(kind: SetOpKind, all: bool, left: BoxOp, right: BoxOp) -> SetOpOp {
        SetOpOp {
            kind,
            all,
            left,
            right: Some(right),
            left_done: false,
            right_done: false,
            seen: HashSet::default(),
            union_seen: Dedup::default(),
            counts: HashMap::default(),
        }
    }

    fn next_union(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        loop {
            let row = if !self.left_done {
                match self.left.next(ctx)? {
                    Some(r) => r,
                    None => {
                        self.left_done = true;
                        continue;
                    }
                }
            } else {
                let next = match self.right.as_mut() {
                    Some(r) if !self.right_done => r.next(ctx)?,
                    _ => None,
                };
                match next {
                    Some(row) => row,
                    None => {
                        self.right_done = true;
                        return self.union_seen.drain(ctx);
                    }
                }
            };
            ctx.tick()?;
            if self.all {
                return Ok(Some(row));
            }
            if let Some(row) = self.union_seen.offer(row, ctx)? {
                return Ok(Some(row));
            }
        }
    }
}

impl Operator for SetOpOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if self.kind == SetOpKind::Union {
            return self.next_union(ctx);
        }
        if let Some(mut right) = self.right.take() {
            while let Some(r) = right.next(ctx)? {
                ctx.tick()?;
                *self.counts.entry(HashKey(r)).or_insert(0) += 1;
            }
        }
        while let Some(row) = self.left.next(ctx)? {
            ctx.tick()?;
            let key = HashKey(row);
            let count = self.counts.get_mut(&key);
            let emit = match (self.kind, self.all) {
                (SetOpKind::Intersect, true) => match count {
                    Some(c) if *c > 0 => {
                        *c -= 1;
                        true
                    }
                    _ => false,
                },
                (SetOpKind::Intersect, false) => {
                    count.is_some_and(|c| *c > 0) && self.seen.insert(key.clone())
                }
                (SetOpKind::Except, true) => match count {
                    Some(c) if *c > 0 => {
                        *c -= 1;
                        false
                    }
                    _ => true,
                },
                (SetOpKind::Except, false) => count.is_none() && self.seen.insert(key.clone()),
                (SetOpKind::Union, _) => true,
            };
            if emit {
                return Ok(Some(key.0));
            }
        }
        Ok(None)
    }
}

/// WITH RECURSIVE: the anchor's rows, then the recursive part run again
/// over the rows the previous round produced, until a round produces none.
/// Without ALL, rows already produced in any round are dropped.
pub(crate) struct RecursiveUnionOp {
    id: usize,
    anchor: Option<BoxOp>,
    recursive_plan: Plan,
    builder: Builder,
    all: bool,
    seen: HashSet<HashKey>,
    current: Option<BoxOp>,
    produced: Vec<Row>,
}

impl RecursiveUnionOp {
    pub(crate) fn new(
        id: usize,
        anchor: BoxOp,
        recursive_plan: Plan,
        builder: Builder,
        all: bool,
    ) -> RecursiveUnionOp {
        RecursiveUnionOp {
            id,
            anchor: Some(anchor),
            recursive_plan,
            builder,
            all,
            seen: HashSet::default(),
            current: None,
            produced: Vec::new(),
        }
    }

    fn keep(&mut self, row: &Row) -> bool {
        self.all || self.seen.insert(HashKey(row.clone()))
    }
}

impl Operator for RecursiveUnionOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        loop {
            let source = match (&mut self.anchor, &mut self.current) {
                (Some(a), _) => a,
                (None, Some(c)) => c,
                (None, None) => {
                    // Start a round over what the last one produced.
                    if self.produced.is_empty() {
                        return Ok(None);
                    }
                    let rows = std::mem::take(&mut self.produced);
                    ctx.work_tables.insert(self.id, Arc::new(rows));
                    self.current = Some(self.builder.here().build(&self.recursive_plan)?);
                    continue;
                }
            };
            match source.next(ctx)? {
                Some(row) => {
                    ctx.tick()?;
                    if self.keep(&row) {
                        self.produced.push(row.clone());
                        return Ok(Some(row));
                    }
                }
                None => {
                    if self.anchor.take().is_none() {
                        self.current = None;
                    }
                }
            }
        }
    }
}

/// Reads the rows of the enclosing recursive union's previous round.
pub(crate) struct WorkTableOp {
    id: usize,
    rows: Option<Arc<Vec<Row>>>,
    pos: usize,
}

impl WorkTableOp {
    pub(crate) fn new(id: usize) -> WorkTableOp {
        WorkTableOp {
            id,
            rows: None,
            pos: 0,
        }
    }
}

impl Operator for WorkTableOp {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if self.rows.is_none() {
            let rows = ctx.work_tables.get(&self.id).cloned().ok_or_else(|| {
                err!(
                    SqlState::INTERNAL_ERROR,
                    "work table {} read outside its recursive union",
                    self.id
                )
            })?;
            self.rows = Some(rows);
        }
        let rows = self.rows.as_ref().map(|r| r.get(self.pos).cloned());
        self.pos += 1;
        Ok(rows.flatten())
    }
}
