//! Hash join, partitioned to storage when the build side outgrows memory.
//!
//! The right side is read into a hash table on its keys; left rows probe
//! it. A NULL key never matches (its rows are kept only to be
//! NULL-extended by LEFT, RIGHT, FULL and ANTI joins). If the right side's
//! estimated size passes `ctx.work_mem`, both sides are split into
//! partitions by a hash of their keys, written out as runs through
//! [`TableAccess::spill_write`](crate::exec::TableAccess::spill_write), and
//! joined one partition at a time: matching rows always share a partition,
//! so each partition is an independent, smaller join (Grace hash join).
//! Output then comes partition by partition rather than in left order.

use std::collections::VecDeque;

use rustc_hash::FxHashMap as HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use assay_storage::Result;

use super::hashkey::HashKey;
use super::join::JoinCore;
use super::sort::row_size;
use crate::exec::batch::{assign_values, fill_by_rows, RowBatch};
use crate::exec::context::ExecContext;
use crate::exec::eval::{eval, eval_predicate, eval_row};
use crate::exec::operator::{BoxOp, Operator};
use crate::exec::storage::Row;
use crate::plan::{JoinKind, ScalarExpr};
use crate::types::Value;

/// Partitions of a spilled join.
const PARTITIONS: usize = 32;
/// Rows read from a run at a time.
const CHUNK: usize = 256;

pub(crate) struct HashJoin {
    left: BoxOp,
    right: Option<BoxOp>,
    left_keys: Vec<ScalarExpr>,
    right_keys: Vec<ScalarExpr>,
    table: HashMap<HashKey, Vec<usize>>,
    /// The current left row's key (its buffer reused from row to row).
    probe_key: HashKey,
    core: JoinCore,
    left_done: bool,
    spilled: Option<Spill>,
    /// The batch path's place (inner joins in memory).
    batched: BatchProbe,
}

/// Where a batch-at-a-time inner join stands: a batch of left rows, the
/// one being probed and its candidate right rows.
#[derive(Default)]
struct BatchProbe {
    left: RowBatch,
    /// The next left row of the batch to probe.
    next_left: usize,
    /// The left row being probed, its candidates and the next of them.
    current: usize,
    candidates: Vec<usize>,
    pos: usize,
    /// Whether the left side has given its last batch.
    left_ended: bool,
}

/// Rows of one side split by key hash; each partition is a list of runs
/// plus a buffer not yet written. Buffers are written out whenever they
/// hold half of `work_mem` together.
struct Partitions {
    runs: Vec<Vec<u64>>,
    buffers: Vec<Vec<Row>>,
    bytes: usize,
}

impl Partitions {
    fn new() -> Partitions {
        Partitions {
            runs: vec![Vec::new(); PARTITIONS],
            buffers: vec![Vec::new(); PARTITIONS],
            bytes: 0,
        }
    }

    fn push(&mut self, p: usize, row: Row, ctx: &mut ExecContext<'_>) -> Result<()> {
        self.bytes += row_size(&row);
        self.buffers[p].push(row);
        if self.bytes > ctx.work_mem / 2 {
            for (runs, buffer) in self.runs.iter_mut().zip(&mut self.buffers) {
                if !buffer.is_empty() {
                    runs.push(ctx.tables.spill_write(std::mem::take(buffer))?);
                }
            }
            self.bytes = 0;
        }
        Ok(())
    }

    /// A reader over partition `p` (its runs, then its buffer).
    fn take(&mut self, p: usize) -> RunReader {
        RunReader {
            runs: std::mem::take(&mut self.runs[p]).into(),
            pos: 0,
            chunk: std::mem::take(&mut self.buffers[p]).into(),
        }
    }
}

/// Reads a partition's runs a chunk at a time, dropping each when read.
struct RunReader {
    runs: VecDeque<u64>,
    pos: usize,
    chunk: VecDeque<Row>,
}

impl RunReader {
    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        loop {
            if let Some(r) = self.chunk.pop_front() {
                return Ok(Some(r));
            }
            let Some(&run) = self.runs.front() else {
                return Ok(None);
            };
            let rows = ctx.tables.spill_read(run, self.pos, CHUNK)?;
            self.pos += rows.len();
            if rows.is_empty() {
                ctx.tables.spill_drop(run)?;
                self.runs.pop_front();
                self.pos = 0;
            }
            self.chunk.extend(rows);
        }
    }
}

/// The partitioned phase: both sides written out, joined one by one.
struct Spill {
    left: Partitions,
    right: Partitions,
    /// The partition being joined, and its left rows.
    current: usize,
    reader: Option<RunReader>,
}

fn partition_of(key: &[Value]) -> usize {
    let mut h = DefaultHasher::new();
    HashKey(key.to_vec()).hash(&mut h);
    (h.finish() % PARTITIONS as u64) as usize
}

impl HashJoin {
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
    ) -> HashJoin {
        HashJoin {
            left,
            right: Some(right),
            left_keys,
            right_keys,
            table: HashMap::default(),
            probe_key: HashKey(Vec::new()),
            core: JoinCore::new(kind, condition, left_width, right_width),
            left_done: false,
            spilled: None,
            batched: BatchProbe::default(),
        }
    }

    /// Hashes `rows` on the right keys into the table and makes them the
    /// right side.
    fn load(&mut self, rows: Vec<Row>, ctx: &mut ExecContext<'_>) -> Result<()> {
        self.table.clear();
        for (i, r) in rows.iter().enumerate() {
            let key = eval_row(&self.right_keys, r, ctx)?;
            if !key.iter().any(Value::is_null) {
                self.table.entry(HashKey(key)).or_default().push(i);
            }
        }
        self.core.set_right(rows);
        Ok(())
    }

    fn build(&mut self, mut right: BoxOp, ctx: &mut ExecContext<'_>) -> Result<()> {
        let mut rows = Vec::new();
        let mut bytes = 0;
        while let Some(r) = right.next(ctx)? {
            ctx.tick()?;
            bytes += row_size(&r);
            rows.push(r);
            if bytes > ctx.work_mem {
                return self.partition(rows, right, ctx);
            }
        }
        self.load(rows, ctx)
    }

    /// Splits both sides into partitions (the right side's first `rows`
    /// already read).
    fn partition(
        &mut self,
        rows: Vec<Row>,
        mut right: BoxOp,
        ctx: &mut ExecContext<'_>,
    ) -> Result<()> {
        let mut rparts = Partitions::new();
        for r in rows {
            let key = eval_row(&self.right_keys, &r, ctx)?;
            rparts.push(partition_of(&key), r, ctx)?;
        }
        while let Some(r) = right.next(ctx)? {
            ctx.tick()?;
            let key = eval_row(&self.right_keys, &r, ctx)?;
            rparts.push(partition_of(&key), r, ctx)?;
        }
        let mut lparts = Partitions::new();
        while let Some(l) = self.left.next(ctx)? {
            ctx.tick()?;
            let key = eval_row(&self.left_keys, &l, ctx)?;
            lparts.push(partition_of(&key), l, ctx)?;
        }
        self.spilled = Some(Spill {
            left: lparts,
            right: rparts,
            current: 0,
            reader: None,
        });
        self.start_partition(0, ctx)
    }

    fn start_partition(&mut self, p: usize, ctx: &mut ExecContext<'_>) -> Result<()> {
        let Some(spill) = self.spilled.as_mut() else {
            return Ok(());
        };
        spill.current = p;
        let mut reader = spill.right.take(p);
        spill.reader = Some(spill.left.take(p));
        let mut rows = Vec::new();
        while let Some(r) = reader.next(ctx)? {
            rows.push(r);
        }
        self.load(rows, ctx)
    }

    fn probe(&mut self, l: Row, ctx: &mut ExecContext<'_>) -> Result<()> {
        let key = &mut self.probe_key.0;
        key.clear();
        for e in &self.left_keys {
            key.push(eval(e, &l, ctx)?);
        }
        let candidates = match key.iter().any(Value::is_null) {
            true => None,
            false => self.table.get(&self.probe_key),
        };
        self.core
            .start_left(l, candidates.into_iter().flatten().copied());
        Ok(())
    }

    /// Fills `out` with joined rows, reading the left side a batch at a
    /// time: each output row is written into the batch's buffer for it
    /// (left values, then right values, cloned over the last batch's),
    /// with no row allocated per match. Inner joins in memory only.
    fn fill_inner(&mut self, ctx: &mut ExecContext<'_>, out: &mut RowBatch) -> Result<()> {
        out.clear();
        let (lw, rw) = self.core.widths();
        let bp = &mut self.batched;
        loop {
            while bp.pos < bp.candidates.len() {
                if out.is_full() {
                    return Ok(());
                }
                let ri = bp.candidates[bp.pos];
                bp.pos += 1;
                let (l, r) = (&bp.left.rows()[bp.current], self.core.right_row(ri));
                let slot = out.slot(lw + rw);
                if l.len() == lw && r.len() == rw {
                    assign_values(&mut slot[..lw], l);
                    assign_values(&mut slot[lw..], r);
                } else {
                    slot.clear();
                    slot.extend_from_slice(l);
                    slot.extend_from_slice(r);
                }
                let holds = match self.core.kind().1 {
                    Some(c) => eval_predicate(c, slot, ctx)?,
                    None => true,
                };
                if holds {
                    out.commit();
                }
            }
            if bp.next_left < bp.left.len() {
                bp.current = bp.next_left;
                bp.next_left += 1;
                ctx.tick()?;
                let l = &bp.left.rows()[bp.current];
                let key = &mut self.probe_key.0;
                key.clear();
                for e in &self.left_keys {
                    key.push(eval(e, l, ctx)?);
                }
                bp.candidates.clear();
                bp.pos = 0;
                if !key.iter().any(Value::is_null) {
                    if let Some(c) = self.table.get(&self.probe_key) {
                        bp.candidates.extend_from_slice(c);
                    }
                }
                continue;
            }
            if bp.left_ended {
                return Ok(());
            }
            self.left.next_batch(ctx, &mut bp.left)?;
            bp.left_ended = !bp.left.is_full();
            bp.next_left = 0;
        }
    }

    fn next_partitioned(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        loop {
            if let Some(row) = self.core.step(ctx)? {
                return Ok(Some(row));
            }
            let Some(spill) = self.spilled.as_mut() else {
                return Ok(None);
            };
            let next = match spill.reader.as_mut() {
                Some(r) => r.next(ctx)?,
                None => None,
            };
            match next {
                Some(l) => {
                    ctx.tick()?;
                    self.probe(l, ctx)?;
                }
                None => {
                    spill.reader = None;
                    if let Some(r) = self.core.unmatched_right() {
                        return Ok(Some(r));
                    }
                    let p = spill.current + 1;
                    if p >= PARTITIONS {
                        return Ok(None);
                    }
                    self.start_partition(p, ctx)?;
                }
            }
        }
    }
}

impl Operator for HashJoin {
    fn next_batch(&mut self, ctx: &mut ExecContext<'_>, batch: &mut RowBatch) -> Result<()> {
        if let Some(right) = self.right.take() {
            self.build(right, ctx)?;
        }
        if self.spilled.is_none() && self.core.kind().0 == JoinKind::Inner {
            return self.fill_inner(ctx, batch);
        }
        fill_by_rows(ctx, batch, |ctx| self.next(ctx))
    }

    fn next(&mut self, ctx: &mut ExecContext<'_>) -> Result<Option<Row>> {
        if let Some(right) = self.right.take() {
            self.build(right, ctx)?;
        }
        if self.spilled.is_some() {
            return self.next_partitioned(ctx);
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
                    self.probe(l, ctx)?;
                }
                None => self.left_done = true,
            }
        }
    }
}
