//! The integrity check: every page accounted for exactly once.
//!
//! Walks, in one read snapshot, the tree directory and every tree it names
//! (each verified by [`btree::check`](crate::btree::check): node headers,
//! key order within and across pages, overflow chains), then the free list,
//! and marks each page it meets. A page met twice, or never, is reported, as
//! are a wrong page count or free-list count. Finally the WAL is read
//! frame by frame and its valid committed prefix compared with what the
//! pager holds. Problems are collected, not fatal: the report lists them all.

use std::sync::Arc;

use crate::btree::check;
use crate::page::{PageNo, PageRead};
use crate::pager::{Pager, TxnMode};
use crate::wal::WalReader;
use crate::Result;

/// What the integrity check found.
#[derive(Debug, Default, Clone)]
pub struct IntegrityReport {
    /// Every inconsistency, one line each; empty means the database is sound.
    pub problems: Vec<String>,
    pub pages: u32,
    pub trees: usize,
    pub entries: u64,
    pub free_pages: u32,
    pub wal_frames: u64,
}

impl IntegrityReport {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the database behind `pager` as of its last commit.
pub fn integrity_check(pager: &Arc<Pager>) -> Result<IntegrityReport> {
    let txn = pager.begin(TxnMode::ReadOnly)?;
    let header = txn.header()?;
    let mut report = IntegrityReport {
        pages: header.page_count,
        ..Default::default()
    };
    if header.page_count != txn.snapshot().db_pages {
        report.problems.push(format!(
            "header page count {} differs from the committed size {}",
            header.page_count,
            txn.snapshot().db_pages
        ));
    }
    let mut uses = vec![0u8; header.page_count as usize];
    uses[0] = 1;
    let mut problems = Vec::new();
    let mut mark = |no: PageNo| match uses.get_mut(no as usize) {
        Some(n) => *n = n.saturating_add(1),
        None => problems.push(format!("page {no} is beyond the end of the database")),
    };

    if header.catalog_root != 0 {
        let directory = check(&txn, header.catalog_root, &mut mark);
        report
            .problems
            .extend(directory.problems.iter().map(|p| format!("directory: {p}")));
        match txn.trees() {
            Ok(trees) => {
                report.trees = trees.len();
                for (name, root) in trees {
                    let tree = check(&txn, root, &mut mark);
                    let name = String::from_utf8_lossy(&name);
                    report.entries += tree.entries;
                    report.problems.extend(
                        tree.problems
                            .iter()
                            .map(|p| format!("tree \"{name}\": {p}")),
                    );
                }
            }
            Err(e) => report
                .problems
                .push(format!("directory unreadable: {}", e.message())),
        }
    }

    // The free list: trunk pages and the pages they list.
    let usable = txn.usable_size();
    let mut trunk = header.freelist_head;
    let mut free = 0u32;
    while trunk != 0 {
        if trunk >= header.page_count || free > header.page_count {
            report
                .problems
                .push(format!("free list reaches invalid or looping page {trunk}"));
            break;
        }
        mark(trunk);
        free += 1;
        match txn
            .page(trunk)
            .and_then(|page| crate::pager::read_trunk(&page, usable))
        {
            Ok((next, listed)) => {
                for no in listed {
                    mark(no);
                    free += 1;
                }
                trunk = next;
            }
            Err(e) => {
                report
                    .problems
                    .push(format!("free-list trunk {trunk}: {}", e.message()));
                break;
            }
        }
    }
    report.free_pages = free;
    if free != header.freelist_count {
        report.problems.push(format!(
            "free list holds {free} pages but the header counts {}",
            header.freelist_count
        ));
    }
    report.problems.append(&mut problems);
    for (no, &n) in uses.iter().enumerate() {
        match n {
            1 => {}
            0 => report
                .problems
                .push(format!("page {no} is never used (lost)")),
            n => report.problems.push(format!("page {no} is used {n} times")),
        }
    }

    check_wal(pager, &mut report);
    Ok(report)
}

/// Re-reads the WAL independently and compares it with the pager's view.
fn check_wal(pager: &Arc<Pager>, report: &mut IntegrityReport) {
    let stats = pager.stats();
    let Some(file) = pager.wal_file() else { return };
    if stats.wal_frames == 0 {
        return;
    }
    match WalReader::open(file).and_then(|mut r| r.scan()) {
        Ok(scan) => {
            report.wal_frames = scan.frames.len() as u64;
            if scan.last_commit != stats.last_commit {
                report.problems.push(format!(
                    "WAL's last valid commit is frame {} but the pager's is {}",
                    scan.last_commit, stats.last_commit
                ));
            }
        }
        Err(e) => report
            .problems
            .push(format!("WAL unreadable: {}", e.message())),
    }
}
