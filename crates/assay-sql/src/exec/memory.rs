//! [`MemoryTables`]: an in-memory [`TableAccess`] for tests and tools.
//!
//! Rows live in a `BTreeMap` keyed by a row id (the row key is its 8 bytes,
//! big-endian), so scans run in insertion order; key-range scans test each
//! row against the ranges instead of seeking. Unique indexes are checked
//! by a linear search. Good for correctness, not for size.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};

use super::storage::{Row, RowKey, ScanAccess, ScanState, TableAccess, TableMeta, ValueRange};
use crate::types::{compare, format_value, Settings, Value};

struct UniqueIndex {
    oid: u32,
    name: String,
    columns: Vec<usize>,
}

struct MemTable {
    meta: Arc<TableMeta>,
    rows: BTreeMap<u64, Row>,
    next_id: u64,
    /// Index oid to its columns (the primary key is index 0).
    indexes: HashMap<u32, Vec<usize>>,
    unique: Vec<UniqueIndex>,
}

/// Tables in memory.
#[derive(Default)]
pub struct MemoryTables {
    tables: HashMap<u32, MemTable>,
    runs: HashMap<u64, Vec<Row>>,
    next_run: u64,
    /// Runs written so far (tests check that sorts spilled).
    pub runs_written: u64,
}

fn key_of(id: u64) -> RowKey {
    id.to_be_bytes().to_vec()
}

fn id_of(key: &[u8]) -> Result<u64> {
    let bytes: [u8; 8] = key
        .try_into()
        .map_err(|_| err!(SqlState::INTERNAL_ERROR, "bad row key"))?;
    Ok(u64::from_be_bytes(bytes))
}

fn eq_values(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| !x.is_null() && !y.is_null() && compare(x, y).is_eq())
}

pub(crate) fn in_range(vals: &[Value], r: &ValueRange) -> bool {
    let cmp = |bound: &[Value]| -> std::cmp::Ordering {
        for (v, b) in vals.iter().zip(bound) {
            let o = compare(v, b);
            if o.is_ne() {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    };
    if vals.iter().any(Value::is_null) {
        return false;
    }
    let low_ok = r.low.as_ref().is_none_or(|(b, inc)| {
        let o = cmp(b);
        o.is_gt() || (*inc && o.is_eq())
    });
    let high_ok = r.high.as_ref().is_none_or(|(b, inc)| {
        let o = cmp(b);
        o.is_lt() || (*inc && o.is_eq())
    });
    low_ok && high_ok
}

impl MemoryTables {
    pub fn new() -> MemoryTables {
        MemoryTables::default()
    }

    /// Adds a table; `primary_key` becomes unique index 0 named `<table>_pkey`.
    pub fn create_table(&mut self, meta: TableMeta, primary_key: Option<Vec<usize>>) {
        let oid = meta.oid;
        let mut t = MemTable {
            meta: Arc::new(meta),
            rows: BTreeMap::new(),
            next_id: 1,
            indexes: HashMap::new(),
            unique: Vec::new(),
        };
        if let Some(pk) = primary_key {
            let name = format!("{}_pkey", t.meta.name);
            t.indexes.insert(0, pk.clone());
            t.unique.push(UniqueIndex {
                oid: 0,
                name,
                columns: pk,
            });
        }
        self.tables.insert(oid, t);
    }

    /// Replaces a table's constraints (e.g. to add `referenced_by`).
    pub fn set_meta(&mut self, meta: TableMeta) {
        if let Some(t) = self.tables.get_mut(&meta.oid) {
            t.meta = Arc::new(meta);
        }
    }

    pub fn add_index(
        &mut self,
        table: u32,
        oid: u32,
        name: &str,
        columns: Vec<usize>,
        unique: bool,
    ) {
        if let Some(t) = self.tables.get_mut(&table) {
            t.indexes.insert(oid, columns.clone());
            if unique {
                t.unique.push(UniqueIndex {
                    oid,
                    name: name.to_string(),
                    columns,
                });
            }
        }
    }

    /// A table's rows in storage order.
    pub fn rows(&self, table: u32) -> Vec<Row> {
        self.tables
            .get(&table)
            .map(|t| t.rows.values().cloned().collect())
            .unwrap_or_default()
    }

    fn get_table(&self, oid: u32) -> Result<&MemTable> {
        self.tables.get(&oid).ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_TABLE,
                "relation with OID {} does not exist",
                oid
            )
        })
    }

    fn get_table_mut(&mut self, oid: u32) -> Result<&mut MemTable> {
        self.tables.get_mut(&oid).ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_TABLE,
                "relation with OID {} does not exist",
                oid
            )
        })
    }
}

impl MemTable {
    fn check_unique(&self, row: &[Value], except: Option<u64>) -> Result<()> {
        for u in &self.unique {
            let vals: Vec<Value> = u.columns.iter().map(|&c| row[c].clone()).collect();
            let clash = self.rows.iter().any(|(id, r)| {
                Some(*id) != except
                    && eq_values(
                        &vals,
                        &u.columns.iter().map(|&c| r[c].clone()).collect::<Vec<_>>(),
                    )
            });
            if clash {
                let names: Vec<&str> = u
                    .columns
                    .iter()
                    .map(|&c| self.meta.columns[c].name.as_str())
                    .collect();
                let shown: Vec<String> = vals
                    .iter()
                    .map(|v| format_value(v, &Settings::default()).unwrap_or_default())
                    .collect();
                return Err(err!(
                    SqlState::UNIQUE_VIOLATION,
                    "duplicate key value violates unique constraint \"{}\"",
                    u.name
                )
                .with_detail(format!(
                    "Key ({})=({}) already exists.",
                    names.join(", "),
                    shown.join(", ")
                )));
            }
        }
        Ok(())
    }
}

impl TableAccess for MemoryTables {
    fn table(&mut self, oid: u32) -> Result<Arc<TableMeta>> {
        Ok(self.get_table(oid)?.meta.clone())
    }

    fn scan_next(&mut self, scan: &mut ScanState) -> Result<Option<(RowKey, Row)>> {
        if scan.done {
            return Ok(None);
        }
        let t = self.get_table(scan.table)?;
        let after = match &scan.position {
            Some(k) => Bound::Excluded(id_of(k)?),
            None => Bound::Unbounded,
        };
        let (cols, ranges) = match &scan.access {
            ScanAccess::Full => (None, None),
            ScanAccess::PrimaryKey(r) => (t.indexes.get(&0), Some(r)),
            ScanAccess::Index { index, ranges, .. } => (t.indexes.get(index), Some(ranges)),
        };
        for (id, row) in t.rows.range((after, Bound::Unbounded)) {
            let hit = match (cols, ranges) {
                (Some(cols), Some(ranges)) => {
                    let vals: Vec<Value> = cols.iter().map(|&c| row[c].clone()).collect();
                    ranges.iter().any(|r| in_range(&vals, r))
                }
                (None, Some(_)) => bail!(SqlState::INTERNAL_ERROR, "no such index"),
                _ => true,
            };
            if hit {
                scan.position = Some(key_of(*id));
                return Ok(Some((key_of(*id), row.clone())));
            }
        }
        scan.done = true;
        Ok(None)
    }

    fn get(&mut self, table: u32, key: &[u8]) -> Result<Option<Row>> {
        Ok(self.get_table(table)?.rows.get(&id_of(key)?).cloned())
    }

    fn key_of(&mut self, table: u32, row: &[Value]) -> Result<RowKey> {
        let t = self.get_table(table)?;
        let Some(pk) = t.indexes.get(&0) else {
            bail!(
                SqlState::INTERNAL_ERROR,
                "table \"{}\" has no primary key to find rows by",
                t.meta.name
            )
        };
        let vals: Vec<Value> = pk.iter().map(|&c| row[c].clone()).collect();
        for (id, r) in &t.rows {
            if eq_values(&vals, &pk.iter().map(|&c| r[c].clone()).collect::<Vec<_>>()) {
                return Ok(key_of(*id));
            }
        }
        bail!(SqlState::INTERNAL_ERROR, "row to change is gone")
    }

    fn insert(&mut self, table: u32, row: &[Value]) -> Result<RowKey> {
        let t = self.get_table_mut(table)?;
        t.check_unique(row, None)?;
        let id = t.next_id;
        t.next_id += 1;
        t.rows.insert(id, row.to_vec());
        Ok(key_of(id))
    }

    fn update(
        &mut self,
        table: u32,
        key: &[u8],
        _old: Option<&[Value]>,
        row: &[Value],
    ) -> Result<RowKey> {
        let id = id_of(key)?;
        let t = self.get_table_mut(table)?;
        t.check_unique(row, Some(id))?;
        match t.rows.get_mut(&id) {
            Some(r) => *r = row.to_vec(),
            None => bail!(SqlState::INTERNAL_ERROR, "row to update is gone"),
        }
        Ok(key.to_vec())
    }

    fn delete(&mut self, table: u32, key: &[u8]) -> Result<()> {
        let id = id_of(key)?;
        self.get_table_mut(table)?.rows.remove(&id);
        Ok(())
    }

    fn find_conflict(
        &mut self,
        table: u32,
        row: &[Value],
        index: Option<u32>,
    ) -> Result<Option<(RowKey, Row)>> {
        let t = self.get_table(table)?;
        for u in t.unique.iter().filter(|u| index.is_none_or(|i| i == u.oid)) {
            let vals: Vec<Value> = u.columns.iter().map(|&c| row[c].clone()).collect();
            for (id, r) in &t.rows {
                if eq_values(
                    &vals,
                    &u.columns.iter().map(|&c| r[c].clone()).collect::<Vec<_>>(),
                ) {
                    return Ok(Some((key_of(*id), r.clone())));
                }
            }
        }
        Ok(None)
    }

    fn find_rows(
        &mut self,
        table: u32,
        columns: &[usize],
        values: &[Value],
        limit: Option<usize>,
    ) -> Result<Vec<(RowKey, Row)>> {
        let t = self.get_table(table)?;
        let mut out = Vec::new();
        for (id, r) in &t.rows {
            if limit.is_some_and(|l| out.len() >= l) {
                break;
            }
            let vals: Vec<Value> = columns.iter().map(|&c| r[c].clone()).collect();
            if eq_values(&vals, values) {
                out.push((key_of(*id), r.clone()));
            }
        }
        Ok(out)
    }

    fn spill_write(&mut self, rows: Vec<Row>) -> Result<u64> {
        self.next_run += 1;
        self.runs_written += 1;
        self.runs.insert(self.next_run, rows);
        Ok(self.next_run)
    }

    fn spill_read(&mut self, run: u64, start: usize, max: usize) -> Result<Vec<Row>> {
        let rows = self
            .runs
            .get(&run)
            .ok_or_else(|| err!(SqlState::INTERNAL_ERROR, "no spilled run {}", run))?;
        Ok(rows.iter().skip(start).take(max).cloned().collect())
    }

    fn spill_drop(&mut self, run: u64) -> Result<()> {
        self.runs.remove(&run);
        Ok(())
    }
}
