//! A general table update for DDL statements the specific operations do
//! not cover (renaming a constraint with its index, identity columns,
//! flags).

use std::sync::Arc;

use assay_storage::{Result, Transaction};

use super::model::{Oid, Table};
use super::store::Catalog;

impl Catalog {
    /// Applies `f` to a copy of table `oid` and saves it (names of the
    /// table and its indexes are re-registered). `f` must keep the
    /// table's invariants: column slots, index roots and OIDs unchanged.
    pub fn update_table(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        f: impl FnOnce(&mut Table) -> Result<()>,
    ) -> Result<Arc<Table>> {
        self.alter(txn, oid, f)
    }
}
