//! Script-style DDL tests on an in-memory database, with a fake binder
//! and executor ([`Fake`]). Messages, codes, names and tags were checked
//! on PostgreSQL 15.

mod alter;
mod create;
mod drop;
mod fake;
mod misc;

use std::sync::Arc;

use assay_storage::vfs::MemoryVfs;
use assay_storage::{Error, Pager, PagerOptions, Transaction, TxnMode};

use super::{execute, DdlContext, DdlOutcome};
use crate::catalog::{Catalog, RelRef, SearchPath, Table};
use crate::types::Value;
use fake::Fake;

/// One session on an in-memory database: a transaction, the catalog,
/// the search path. Each statement runs in a savepoint, rolled back (and
/// the catalog reloaded) when it fails, as the engine will do.
pub(super) struct Session {
    pub vfs: MemoryVfs,
    pub pager: Arc<Pager>,
    pub txn: Option<Transaction>,
    pub catalog: Catalog,
    pub path: SearchPath,
    pub fake: Fake,
}

impl Session {
    pub fn new() -> Session {
        let vfs = MemoryVfs::new();
        Session::open(vfs)
    }

    pub fn open(vfs: MemoryVfs) -> Session {
        let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
        let txn = pager.begin(TxnMode::Deferred).unwrap();
        let catalog = Catalog::load(&txn).unwrap();
        Session {
            vfs,
            pager,
            txn: Some(txn),
            catalog,
            path: SearchPath::default(),
            fake: Fake::default(),
        }
    }

    /// Runs one statement.
    pub fn run(&mut self, sql: &str) -> Result<DdlOutcome, Error> {
        let stmts = crate::parser::parse(sql)?;
        let txn = self.txn.as_mut().unwrap();
        let sp = txn.savepoint();
        let mut ctx = DdlContext {
            catalog: &mut self.catalog,
            txn,
            search_path: &mut self.path,
            temp_number: 3,
            services: &mut self.fake,
        };
        let r = execute(&stmts[0], &mut ctx);
        let txn = self.txn.as_mut().unwrap();
        match &r {
            Ok(_) => txn.release_savepoint(sp).unwrap(),
            Err(_) => {
                txn.rollback_to_savepoint(sp).unwrap();
                self.catalog = Catalog::load(txn).unwrap();
            }
        }
        r
    }

    /// Runs a statement that must succeed; returns its tag.
    pub fn ok(&mut self, sql: &str) -> String {
        match self.run(sql) {
            Ok(o) => o.tag,
            Err(e) => panic!("{sql}: {} {}", e.code(), e.message()),
        }
    }

    /// Runs a statement that must fail: "SQLSTATE: message".
    pub fn err(&mut self, sql: &str) -> Error {
        match self.run(sql) {
            Ok(o) => panic!("{sql}: succeeded with {}", o.tag),
            Err(e) => e,
        }
    }

    pub fn commit(&mut self) {
        self.txn.take().unwrap().commit().unwrap();
        let txn = self.pager.begin(TxnMode::Deferred).unwrap();
        self.txn = Some(txn);
    }

    pub fn rollback(&mut self) {
        self.txn.take().unwrap().rollback();
        let txn = self.pager.begin(TxnMode::Deferred).unwrap();
        self.catalog = Catalog::load(&txn).unwrap();
        self.txn = Some(txn);
    }

    pub fn txn(&mut self) -> &mut Transaction {
        self.txn.as_mut().unwrap()
    }

    pub fn table(&self, name: &str) -> Arc<Table> {
        self.catalog
            .lookup_table(None, name, &self.path)
            .unwrap()
            .clone()
    }

    pub fn exists(&self, name: &str) -> bool {
        self.catalog
            .resolve(None, name, &self.path)
            .unwrap()
            .is_some()
    }

    pub fn kind(&self, name: &str) -> Option<RelRef> {
        self.catalog
            .resolve(None, name, &self.path)
            .unwrap()
            .map(|(_, r)| r)
    }

    pub fn constraint_names(&self, table: &str) -> Vec<String> {
        self.table(table)
            .constraints
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    pub fn index_names(&self, table: &str) -> Vec<String> {
        self.table(table)
            .indexes
            .iter()
            .map(|c| c.name.clone())
            .collect()
    }

    pub fn rows(&mut self, table: &str) -> Vec<Vec<Value>> {
        let t = self.table(table);
        super::rows::all_rows(self.txn(), &t).unwrap()
    }

    pub fn insert(&mut self, table: &str, row: Vec<Value>) {
        let t = self.table(table);
        let txn = self.txn.as_mut().unwrap();
        crate::table::TableStore::new()
            .insert_with(txn, &t, &row, &mut self.fake)
            .unwrap();
    }
}

/// Asserts an error's SQLSTATE and message (and DETAIL, HINT if given).
pub(super) fn assert_error(
    e: &Error,
    code: &str,
    message: &str,
    detail: Option<&str>,
    hint: Option<&str>,
) {
    assert_eq!(
        (e.code().as_str(), e.message()),
        (code, message),
        "detail {:?}",
        e.detail()
    );
    assert_eq!(e.detail(), detail, "detail of {message}");
    assert_eq!(e.hint(), hint, "hint of {message}");
}
