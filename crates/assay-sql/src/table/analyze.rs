//! ANALYZE: a sample of a table's rows, summarised per column.

use std::cmp::Ordering;

use assay_storage::{BTree, Result, Transaction};

use super::row_codec::RowView;
use crate::catalog::{value_text, ColumnStats, Table, TableStats};
use crate::types::{compare, Value};

/// Rows sampled, as PostgreSQL's default statistics target (100) gives.
const SAMPLE_ROWS: usize = 30_000;
const MOST_COMMON: usize = 100;
const HISTOGRAM_BUCKETS: usize = 100;

/// Scans `table`, keeping a uniform reservoir sample of its rows, and
/// computes [`TableStats`]: the exact row count and, per column, null
/// fraction, `n_distinct` (Haas–Stokes estimator, as PostgreSQL), most
/// common values and an equi-depth histogram of the rest. The caller
/// stores the result with [`Catalog::set_stats`](crate::catalog::Catalog::set_stats).
pub fn analyze(txn: &Transaction, table: &Table) -> Result<TableStats> {
    let mut sample: Vec<Vec<Value>> = Vec::new();
    let mut rng = 0x2545_F491_4F6C_DD1Du64 ^ u64::from(table.oid);
    let mut rows = 0u64;
    let mut cursor = BTree::open(table.root).cursor();
    let mut more = cursor.first(txn)?;
    while more {
        rows += 1;
        let slot = if sample.len() < SAMPLE_ROWS {
            Some(sample.len())
        } else {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let r = (rng % rows) as usize;
            (r < SAMPLE_ROWS).then_some(r)
        };
        if let Some(slot) = slot {
            let bytes = cursor.value(txn)?.unwrap_or_default();
            let mut row = Vec::new();
            RowView::new(&bytes)?.decode_into(&mut row)?;
            if slot == sample.len() {
                sample.push(row);
            } else {
                sample[slot] = row;
            }
        }
        more = cursor.next(txn)?;
    }
    let columns = (0..table.columns.len())
        .map(|c| {
            if table.columns[c].dropped {
                return ColumnStats::default();
            }
            let values: Vec<&Value> = sample
                .iter()
                .map(|r| r.get(c).unwrap_or(&Value::Null))
                .collect();
            column_stats(&values, rows)
        })
        .collect();
    Ok(TableStats {
        row_count: rows,
        columns,
    })
}

fn column_stats(values: &[&Value], total_rows: u64) -> ColumnStats {
    let n = values.len();
    if n == 0 {
        return ColumnStats::default();
    }
    let mut present: Vec<&Value> = values.iter().copied().filter(|v| !v.is_null()).collect();
    let nulls = n - present.len();
    present.sort_by(|a, b| compare(a, b));
    // Runs of equal values: (value, count).
    let mut runs: Vec<(&Value, usize)> = Vec::new();
    for v in &present {
        match runs.last_mut() {
            Some((last, count)) if compare(last, v) == Ordering::Equal => *count += 1,
            _ => runs.push((v, 1)),
        }
    }
    let distinct = runs.len() as f64;
    let singles = runs.iter().filter(|r| r.1 == 1).count() as f64;
    let sampled = present.len() as f64;
    let total_present = total_rows as f64 * (sampled / n as f64);
    let n_distinct = if runs.is_empty() {
        0.0
    } else if singles == distinct {
        -1.0
    } else {
        // Haas and Stokes, "Estimating the number of classes in a finite
        // population" (1998), as PostgreSQL's analyze.c uses it.
        let d = sampled * distinct
            / (sampled - singles + singles * sampled / total_present.max(sampled));
        let d = d.clamp(distinct, total_present.max(distinct));
        if d > 0.1 * total_present {
            -(d / total_present).min(1.0)
        } else {
            d.round()
        }
    };
    // Values more common than average (and seen more than once) are MCVs.
    let avg = sampled / distinct.max(1.0);
    let mut common: Vec<(&Value, usize)> = runs
        .iter()
        .copied()
        .filter(|&(_, c)| c > 1 && c as f64 > avg * 1.25)
        .collect();
    if runs.len() <= MOST_COMMON && runs.iter().all(|r| r.1 > 1) {
        common = runs.clone();
    }
    common.sort_by_key(|c| std::cmp::Reverse(c.1));
    common.truncate(MOST_COMMON);
    let most_common: Vec<(String, f64)> = common
        .iter()
        .map(|(v, c)| (value_text(v), *c as f64 / n as f64))
        .collect();
    let rest: Vec<&Value> = present
        .iter()
        .copied()
        .filter(|v| !common.iter().any(|(m, _)| compare(m, v) == Ordering::Equal))
        .collect();
    let mut histogram = Vec::new();
    if rest.len() >= 2 {
        let buckets = HISTOGRAM_BUCKETS.min(rest.len() - 1);
        for i in 0..=buckets {
            histogram.push(value_text(rest[i * (rest.len() - 1) / buckets]));
        }
        histogram.dedup();
    }
    let width: usize = present.iter().map(|v| value_text(v).len()).sum();
    ColumnStats {
        null_frac: nulls as f64 / n as f64,
        n_distinct,
        most_common,
        histogram,
        avg_width: (width / present.len().max(1)) as u32,
    }
}
