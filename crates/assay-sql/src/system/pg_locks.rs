//! `pg_locks`: the locks Assay has, held and awaited, and nothing else.
//!
//! What is reported:
//!
//! - a `virtualxid` row for every session in a transaction (one running a
//!   statement, or idle inside a block): the `ExclusiveLock` PostgreSQL
//!   sessions hold on their own virtual transaction id, always granted. In
//!   a server these come from every session of every database (the
//!   session registry); embedded, from the caller only.
//! - the advisory locks of the database, of every session, held
//!   (`granted`) and awaited (`granted = false`, with `waitstart`), keyed
//!   as PostgreSQL shows them: a `bigint` key as its high half in
//!   `classid`, its low half in `objid` and `objsubid` 1; a pair of `int`s
//!   as `classid`, `objid` and `objsubid` 2.
//!
//! What is not: relation locks (Assay takes none: readers work on
//! snapshots and never block), `transactionid` locks (there are no
//! transaction ids: `backend_xid` is NULL), and the storage write lock —
//! one per database file, held by the writing transaction from its first
//! write to its end — which has no PostgreSQL lock type that would
//! describe it truthfully.

use super::rows::Rows;
use super::SystemContext;
use crate::types::Value;

pub(super) fn pg_locks(sys: &SystemContext<'_>, out: &mut Rows) {
    let Some(backend) = sys.backend else {
        return;
    };
    for (vxid, pid) in super::pg_stat_activity::transactions(sys) {
        let mut r = out.add();
        r.text("locktype", "virtualxid")
            .text("virtualxid", &vxid)
            .text("virtualtransaction", &vxid)
            .i4("pid", pid)
            .text("mode", "ExclusiveLock")
            .bool("granted", true)
            .bool("fastpath", true);
        no_object(&mut r);
        r.set("classid", Value::Null)
            .set("objid", Value::Null)
            .set("objsubid", Value::Null)
            .set("database", Value::Null);
    }
    for lock in backend.lock_rows() {
        let wait_start = match lock.wait_start {
            Some(t) => Value::TimestampTz(t),
            None => Value::Null,
        };
        let mut r = out.add();
        r.text("locktype", "advisory")
            .oid("database", sys.database_oid())
            .oid("classid", lock.key.classid)
            .oid("objid", lock.key.objid)
            .i2("objsubid", lock.key.objsubid as i16)
            .text("virtualtransaction", &lock.virtual_transaction)
            .i4("pid", lock.pid)
            .text("mode", lock.mode.name())
            .bool("granted", lock.granted)
            .bool("fastpath", false)
            .set("waitstart", wait_start);
        no_object(&mut r);
    }
}

/// The columns neither kind of row has.
fn no_object(r: &mut super::rows::RowRef<'_>) {
    for col in ["relation", "page", "tuple", "transactionid"] {
        r.set(col, Value::Null);
    }
}
