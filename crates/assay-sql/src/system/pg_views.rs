//! PostgreSQL's convenience views: `pg_tables`, `pg_views`, `pg_indexes`,
//! `pg_sequences`.

use assay_storage::Result;

use super::deparse::index_def;
use super::pg_class::{sorted_tables, view_query};
use super::rows::Rows;
use super::SystemContext;
use crate::catalog::PG_CATALOG_OID;

fn schema_of(sys: &SystemContext<'_>, oid: u32) -> String {
    sys.schema_name(oid).unwrap_or_default().to_string()
}

pub(super) fn pg_tables(sys: &SystemContext<'_>, out: &mut Rows) {
    for t in sorted_tables(sys).into_iter().filter(|t| !t.is_view()) {
        out.add()
            .text("schemaname", &schema_of(sys, t.schema))
            .text("tablename", &t.name)
            .text("tableowner", sys.user)
            .bool("hasindexes", !t.indexes.is_empty())
            .bool("hasrules", false)
            .bool("hastriggers", false)
            .bool("rowsecurity", false);
    }
    for r in super::all_relations().filter(|r| r.kind == 'r') {
        out.add()
            .text("schemaname", "pg_catalog")
            .text("tablename", r.name)
            .text("tableowner", sys.user)
            .bool("hasindexes", false)
            .bool("hasrules", false)
            .bool("hastriggers", false)
            .bool("rowsecurity", false);
    }
}

pub(super) fn pg_views(sys: &SystemContext<'_>, out: &mut Rows) {
    for t in sorted_tables(sys) {
        let Some(q) = view_query(t) else { continue };
        out.add()
            .text("schemaname", &schema_of(sys, t.schema))
            .text("viewname", &t.name)
            .text("viewowner", sys.user)
            .text("definition", &format!(" {};", q.trim_end_matches(';')));
    }
    for r in super::all_relations().filter(|r| r.kind == 'v') {
        out.add()
            .text(
                "schemaname",
                if r.schema == PG_CATALOG_OID {
                    "pg_catalog"
                } else {
                    "information_schema"
                },
            )
            .text("viewname", r.name)
            .text("viewowner", sys.user);
    }
}

pub(super) fn pg_indexes(sys: &SystemContext<'_>, out: &mut Rows) -> Result<()> {
    for t in sorted_tables(sys) {
        for i in &t.indexes {
            out.add()
                .text("schemaname", &schema_of(sys, t.schema))
                .text("tablename", &t.name)
                .text("indexname", &i.name)
                .text("indexdef", &index_def(sys, t, i, 0));
        }
    }
    Ok(())
}

pub(super) fn pg_sequences(sys: &SystemContext<'_>, out: &mut Rows) {
    let mut seqs: Vec<_> = sys.catalog.sequences().collect();
    seqs.sort_by_key(|s| s.oid);
    for s in seqs {
        out.add()
            .text("schemaname", &schema_of(sys, s.schema))
            .text("sequencename", &s.name)
            .text("sequenceowner", sys.user)
            .oid("data_type", s.ty.oid())
            .i8("start_value", s.start)
            .i8("min_value", s.min)
            .i8("max_value", s.max)
            .i8("increment_by", s.increment)
            .bool("cycle", s.cycle)
            .i8("cache_size", s.cache);
    }
}
