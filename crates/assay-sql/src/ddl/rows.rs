//! Whole-table row work for DDL: reading every row, rewriting them,
//! emptying a table and its indexes.

use assay_storage::{BTree, Result, Transaction};

use super::DdlContext;
use crate::catalog::Table;
use crate::table::TableScan;
use crate::types::Value;

/// Every row of `table` in key order, widened to its column count.
pub(crate) fn all_rows(txn: &Transaction, table: &Table) -> Result<Vec<Vec<Value>>> {
    let mut rows = Vec::new();
    let mut scan = TableScan::new(table);
    while scan.next(txn)? {
        let mut row = Vec::new();
        scan.row_into(txn, &mut row)?;
        rows.push(row);
    }
    Ok(rows)
}

/// Whether `table` has no rows.
pub(crate) fn is_empty(txn: &Transaction, table: &Table) -> Result<bool> {
    BTree::open(table.root).is_empty(txn)
}

/// Replaces every row of `table` by `new_rows`, which are in the key order
/// [`all_rows`] returned them in (one for one), rebuilding indexes.
pub(crate) fn rewrite(
    ctx: &mut DdlContext<'_>,
    table: &Table,
    new_rows: Vec<Vec<Value>>,
) -> Result<()> {
    let mut next = new_rows.into_iter();
    ctx.catalog.rewrite_rows(
        ctx.txn,
        table,
        &mut |row| {
            if let Some(r) = next.next() {
                *row = r;
            }
            Ok(())
        },
        ctx.services,
    )
}

/// Deletes every entry of the tree rooted at `root`.
pub(crate) fn clear_tree(txn: &mut Transaction, root: assay_storage::PageNo) -> Result<()> {
    let tree = BTree::open(root);
    let mut c = tree.cursor();
    while c.first(txn)? {
        let k = c.key().unwrap_or_default().to_vec();
        tree.delete(txn, &k)?;
    }
    Ok(())
}

/// Empties a table and its indexes (TRUNCATE).
pub(crate) fn clear_table(txn: &mut Transaction, table: &Table) -> Result<()> {
    clear_tree(txn, table.root)?;
    for i in table.indexes.iter().filter(|i| !i.primary) {
        clear_tree(txn, i.root)?;
    }
    Ok(())
}
