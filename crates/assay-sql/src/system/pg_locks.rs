//! `pg_locks`: the advisory locks of the database, held and awaited.
//!
//! Assay has no relation or transaction-id locks to show (storage takes one
//! write lock per database, outside this view), so the rows are the
//! advisory locks of every session, keyed as PostgreSQL shows them: a
//! `bigint` key as its high half in `classid`, its low half in `objid` and
//! `objsubid` 1; a pair of `int`s as `classid`, `objid` and `objsubid` 2.

use super::rows::Rows;
use super::SystemContext;
use crate::types::Value;

pub(super) fn pg_locks(sys: &SystemContext<'_>, out: &mut Rows) {
    let Some(backend) = sys.backend else {
        return;
    };
    for lock in backend.lock_rows() {
        let wait_start = match lock.wait_start {
            Some(t) => Value::TimestampTz(t),
            None => Value::Null,
        };
        out.add()
            .text("locktype", "advisory")
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
    }
}
