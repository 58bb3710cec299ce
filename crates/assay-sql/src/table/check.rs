//! [`check_table`]: do a table's rows and its index entries agree?

use std::collections::BTreeSet;

use assay_storage::{corrupt, BTree, Result, Transaction};

use super::index::{encode_index_prefix, index_values, IndexEval};
use super::row_codec::{get_varint, RowView};
use crate::catalog::Table;

/// Verifies that every row decodes, that each index holds exactly one entry
/// per row it should hold (and nothing else), that every entry's value
/// gives its prefix length, and that unique indexes hold no duplicates
/// without NULLs. Returns the number of rows; an error describes the first
/// disagreement.
pub fn check_table(txn: &Transaction, table: &Table, eval: &mut dyn IndexEval) -> Result<u64> {
    let mut expected: Vec<BTreeSet<Vec<u8>>> = vec![BTreeSet::new(); table.indexes.len()];
    let mut rows = 0u64;
    let mut row = Vec::new();
    let mut vals = Vec::new();
    let mut cursor = BTree::open(table.root).cursor();
    let mut more = cursor.first(txn)?;
    while more {
        rows += 1;
        let key = cursor.key().unwrap_or_default().to_vec();
        let bytes = cursor.value(txn)?.unwrap_or_default();
        RowView::new(&bytes)?.decode_into(&mut row)?;
        if row.len() > table.columns.len() {
            return Err(corrupt!(
                "row has {} columns, table {}",
                row.len(),
                table.columns.len()
            ));
        }
        row.resize(table.columns.len(), crate::types::Value::Null);
        for (i, index) in table.indexes.iter().enumerate() {
            if index.primary || !index_values(table, index, &row, eval, &mut vals)? {
                continue;
            }
            let mut entry = Vec::new();
            encode_index_prefix(index, &vals, &mut entry)?;
            if index.unique && !vals.iter().any(|v| v.is_null()) {
                let prefix = entry.clone();
                if expected[i]
                    .range(prefix.clone()..)
                    .next()
                    .is_some_and(|e| e.starts_with(&prefix))
                {
                    return Err(corrupt!("unique index \"{}\" has duplicates", index.name));
                }
            }
            entry.extend_from_slice(&key);
            expected[i].insert(entry);
        }
        more = cursor.next(txn)?;
    }
    for (i, index) in table.indexes.iter().enumerate() {
        if index.primary {
            continue;
        }
        let mut c = BTree::open(index.root).cursor();
        let mut more = c.first(txn)?;
        let mut found = 0usize;
        while more {
            let k = c.key().unwrap_or_default();
            let v = c.value(txn)?.unwrap_or_default();
            let len = get_varint(&v, &mut 0)? as usize;
            if len > k.len() {
                return Err(corrupt!(
                    "index \"{}\" entry has a bad prefix length",
                    index.name
                ));
            }
            if !expected[i].contains(k) {
                return Err(corrupt!("index \"{}\" has an entry for no row", index.name));
            }
            found += 1;
            more = c.next(txn)?;
        }
        if found != expected[i].len() {
            return Err(corrupt!(
                "index \"{}\" has {found} entries, the table {} rows for it",
                index.name,
                expected[i].len()
            ));
        }
    }
    Ok(rows)
}
