//! Namespaces and relations: `pg_namespace`, `pg_class`, `pg_attribute`,
//! `pg_attrdef`, `pg_index`, `pg_sequence`, `pg_description`.

use super::context::{DATABASE_OWNER_ROLE, SUPERUSER_OID};
use super::pg_opclass::default_opclass;
use super::pg_type::{collation_of, type_props};
use super::rows::{vector, Rows};
use super::SystemContext;
use crate::catalog::{ConstraintKind, Index, IndexExpr, Oid, Table, TableKind};
use crate::types::{DataType, Value};

/// `pg_am` OIDs.
pub(crate) const HEAP_AM: Oid = 2;
pub(crate) const BTREE_AM: Oid = 403;
/// `pg_class` OIDs of catalogs that `classoid` columns name.
pub(crate) const PG_CLASS_OID: Oid = 1259;
pub(crate) const PG_NAMESPACE_OID: Oid = 2615;
pub(crate) const PG_CONSTRAINT_OID: Oid = 2606;

pub(super) fn pg_namespace(sys: &SystemContext<'_>, out: &mut Rows) {
    let mut schemas: Vec<_> = sys.catalog.schemas().collect();
    schemas.sort_by_key(|s| s.oid);
    for s in schemas {
        // PostgreSQL 15 gives `public` to the database owner's role.
        let owner = if s.oid == crate::catalog::PUBLIC_OID {
            DATABASE_OWNER_ROLE
        } else {
            SUPERUSER_OID
        };
        out.add()
            .oid("oid", s.oid)
            .text("nspname", &s.name)
            .oid("nspowner", owner);
    }
}

/// User tables and views in OID order.
pub(crate) fn sorted_tables<'c>(sys: &SystemContext<'c>) -> Vec<&'c Table> {
    let mut tables: Vec<&Table> = sys.catalog.tables().map(|t| t.as_ref()).collect();
    tables.sort_by_key(|t| t.oid);
    tables
}

/// Whether a foreign key refers to `t` or `t` has one (PostgreSQL keeps
/// triggers for both sides).
fn has_fk_triggers(sys: &SystemContext<'_>, t: &Table) -> bool {
    sys.catalog.tables().any(|o| {
        o.constraints.iter().any(|c| match &c.kind {
            ConstraintKind::ForeignKey(fk) => o.oid == t.oid || fk.ref_table == t.oid,
            _ => false,
        })
    })
}

pub(super) fn pg_class(sys: &SystemContext<'_>, out: &mut Rows) {
    for rel in super::all_relations() {
        let mut r = out.add();
        r.oid("oid", rel.oid)
            .text("relname", rel.name)
            .oid("relnamespace", rel.schema)
            .oid("relowner", SUPERUSER_OID)
            .set("reltuples", Value::Float4(-1.0))
            .text("relpersistence", "p")
            .text("relkind", &rel.kind.to_string())
            .i2("relnatts", rel.columns.len() as i16)
            .bool("relispopulated", true)
            .text("relreplident", "n");
        if rel.kind == 'r' {
            r.oid("relam", HEAP_AM).oid("relfilenode", rel.oid);
        } else {
            r.bool("relhasrules", true);
        }
    }
    for t in sorted_tables(sys) {
        let view = t.is_view();
        let persistence = if t.temp { "t" } else { "p" };
        let reltuples = match sys.catalog.stats(t.oid) {
            Some(s) if !view => s.row_count as f32,
            _ => -1.0,
        };
        let checks = t
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, ConstraintKind::Check { .. }))
            .count();
        let mut r = out.add();
        r.oid("oid", t.oid)
            .text("relname", &t.name)
            .oid("relnamespace", t.schema)
            .oid("reltype", t.oid)
            .oid("relowner", SUPERUSER_OID)
            .oid("relam", if view { 0 } else { HEAP_AM })
            .oid("relfilenode", if view { 0 } else { t.oid })
            .set(
                "reltuples",
                Value::Float4(if view { 0.0 } else { reltuples }),
            )
            .bool("relhasindex", !t.indexes.is_empty())
            .text("relpersistence", persistence)
            .text("relkind", if view { "v" } else { "r" })
            .i2("relnatts", t.columns.len() as i16)
            .i2("relchecks", checks as i16)
            .bool("relhasrules", view)
            .bool("relhastriggers", !view && has_fk_triggers(sys, t))
            .bool("relispopulated", true)
            .text("relreplident", if view { "n" } else { "d" });
        for i in &t.indexes {
            out.add()
                .oid("oid", i.oid)
                .text("relname", &i.name)
                .oid("relnamespace", t.schema)
                .oid("relowner", SUPERUSER_OID)
                .oid("relam", BTREE_AM)
                .oid("relfilenode", i.oid)
                .set("reltuples", Value::Float4(reltuples))
                .text("relpersistence", persistence)
                .text("relkind", "i")
                .i2("relnatts", (i.parts.len() + i.include.len()) as i16)
                .bool("relispopulated", true)
                .text("relreplident", "n");
        }
    }
    let mut types: Vec<_> = sys.catalog.composite_types().collect();
    types.sort_by_key(|t| t.oid);
    for t in types {
        out.add()
            .oid("oid", t.oid)
            .text("relname", &t.name)
            .oid("relnamespace", t.schema)
            .oid("reltype", t.oid)
            .oid("relowner", SUPERUSER_OID)
            .set("reltuples", Value::Float4(-1.0))
            .text("relpersistence", "p")
            .text("relkind", "c")
            .i2("relnatts", t.columns.len() as i16)
            .bool("relispopulated", true)
            .text("relreplident", "n");
    }
    let mut seqs: Vec<_> = sys.catalog.sequences().collect();
    seqs.sort_by_key(|s| s.oid);
    for s in seqs {
        out.add()
            .oid("oid", s.oid)
            .text("relname", &s.name)
            .oid("relnamespace", s.schema)
            .oid("relowner", SUPERUSER_OID)
            .oid("relfilenode", s.oid)
            .set("reltuples", Value::Float4(1.0))
            .text("relpersistence", if s.temp { "t" } else { "p" })
            .text("relkind", "S")
            .i2("relnatts", 3)
            .bool("relispopulated", true)
            .text("relreplident", "n");
    }
}

/// One `pg_attribute` row's type columns.
fn add_attribute(out: &mut Rows, rel: Oid, name: &str, ty: &DataType, attnum: i16) {
    let (len, byval, align, storage) = type_props(ty);
    out.add()
        .oid("attrelid", rel)
        .text("attname", name)
        .oid("atttypid", ty.oid())
        .i4("attstattarget", -1)
        .i2("attlen", len)
        .i2("attnum", attnum)
        .i4("attndims", i32::from(matches!(ty, DataType::Array(_))))
        .i4("attcacheoff", -1)
        .i4("atttypmod", ty.typmod())
        .bool("attbyval", byval)
        .text("attalign", &align.to_string())
        .text("attstorage", &storage.to_string())
        .bool("attislocal", true)
        .text("attgenerated", "")
        .oid("attcollation", collation_of(ty));
}

pub(super) fn pg_attribute(sys: &SystemContext<'_>, out: &mut Rows) {
    for rel in super::all_relations() {
        for (i, (name, ty)) in rel.columns.iter().enumerate() {
            add_attribute(out, rel.oid, name, ty, i as i16 + 1);
        }
    }
    let mut types: Vec<_> = sys.catalog.composite_types().collect();
    types.sort_by_key(|t| t.oid);
    for t in types {
        for c in &t.columns {
            add_attribute(out, t.oid, &c.name, &c.ty, c.attnum);
            out.last().bool("attisdropped", c.dropped);
        }
    }
    for t in sorted_tables(sys) {
        for c in &t.columns {
            add_attribute(out, t.oid, &c.name, &c.ty, c.attnum);
            let identity = match c.identity.as_ref().map(|i| i.kind) {
                Some(crate::catalog::IdentityKind::Always) => "a",
                Some(crate::catalog::IdentityKind::ByDefault) => "d",
                None => "",
            };
            let mut row = out.last();
            row.bool("attnotnull", c.not_null)
                .bool("atthasdef", has_attrdef(c))
                .text("attidentity", identity)
                .text("attgenerated", if c.generated.is_some() { "s" } else { "" })
                .bool("attisdropped", c.dropped);
            if c.dropped {
                row.oid("atttypid", 0);
            }
        }
        for i in &t.indexes {
            for (n, (name, ty)) in index_columns(t, i).into_iter().enumerate() {
                add_attribute(out, i.oid, &name, &ty, n as i16 + 1);
            }
        }
    }
}

/// Whether a column has a `pg_attrdef` row: a default that is not an
/// identity's sequence.
pub(crate) fn has_attrdef(c: &crate::catalog::Column) -> bool {
    (c.default.is_some() && c.identity.is_none()) || c.generated.is_some()
}

/// An index's columns as its `pg_attribute` rows name them: the table
/// column's name, or `expr`, `expr1`, … for expressions.
pub(crate) fn index_columns(t: &Table, i: &Index) -> Vec<(String, DataType)> {
    let mut out = Vec::new();
    let mut exprs = 0;
    for p in &i.parts {
        match &p.expr {
            IndexExpr::Column(c) => {
                if let Some(col) = t.columns.get(*c) {
                    out.push((col.name.clone(), col.ty.clone()));
                }
            }
            IndexExpr::Expression { ty, .. } => {
                let name = if exprs == 0 {
                    "expr".to_string()
                } else {
                    format!("expr{exprs}")
                };
                exprs += 1;
                out.push((name, ty.clone()));
            }
        }
    }
    for &c in &i.include {
        if let Some(col) = t.columns.get(c) {
            out.push((col.name.clone(), col.ty.clone()));
        }
    }
    out
}

pub(super) fn pg_attrdef(sys: &SystemContext<'_>, out: &mut Rows) {
    for t in sorted_tables(sys) {
        for c in t.columns.iter().filter(|c| has_attrdef(c) && !c.dropped) {
            let Some(d) = c.default.as_ref().or(c.generated.as_ref()) else {
                continue;
            };
            out.add()
                .oid("oid", attrdef_oid(t.oid, c.attnum))
                .oid("adrelid", t.oid)
                .i2("adnum", c.attnum)
                .text("adbin", d);
        }
    }
}

/// Defaults have no OID of their own in Assay's catalog: one is derived
/// from the table's and the column's, above every user OID in use.
pub(crate) fn attrdef_oid(table: Oid, attnum: i16) -> Oid {
    table.wrapping_mul(1600).wrapping_add(attnum as u32) | 0x8000_0000
}

pub(super) fn pg_index(sys: &SystemContext<'_>, out: &mut Rows) {
    for t in sorted_tables(sys) {
        for i in &t.indexes {
            let mut keys = Vec::new();
            let mut colls = Vec::new();
            let mut options = Vec::new();
            let mut classes = Vec::new();
            let mut exprs = Vec::new();
            for p in &i.parts {
                match &p.expr {
                    IndexExpr::Column(c) => {
                        let col = t.columns.get(*c);
                        keys.push(Value::Int2(col.map_or(0, |c| c.attnum)));
                        colls.push(Value::Int8(i64::from(
                            col.map_or(0, |c| collation_of(&c.ty)),
                        )));
                        classes.push(Value::Int8(i64::from(
                            col.map_or(0, |c| default_opclass(&c.ty)),
                        )));
                    }
                    IndexExpr::Expression { sql, ty } => {
                        keys.push(Value::Int2(0));
                        colls.push(Value::Int8(i64::from(collation_of(ty))));
                        classes.push(Value::Int8(i64::from(default_opclass(ty))));
                        exprs.push(sql.clone());
                    }
                }
                let opt = i16::from(p.order.descending) | (i16::from(p.order.nulls_first) << 1);
                options.push(Value::Int2(opt));
            }
            for &c in &i.include {
                keys.push(Value::Int2(t.columns.get(c).map_or(0, |c| c.attnum)));
            }
            let natts = keys.len();
            let mut r = out.add();
            r.oid("indexrelid", i.oid)
                .oid("indrelid", t.oid)
                .i2("indnatts", natts as i16)
                .i2("indnkeyatts", i.parts.len() as i16)
                .bool("indisunique", i.unique)
                .bool("indisprimary", i.primary)
                .bool("indimmediate", true)
                .bool("indisvalid", true)
                .bool("indisready", true)
                .bool("indislive", true)
                .set("indkey", vector(keys))
                .set("indcollation", vector(colls))
                .set("indclass", vector(classes))
                .set("indoption", vector(options));
            if !exprs.is_empty() {
                r.text("indexprs", &exprs.join(", "));
            }
            if let Some(p) = &i.predicate {
                r.text("indpred", p);
            }
        }
    }
}

pub(super) fn pg_sequence(sys: &SystemContext<'_>, out: &mut Rows) {
    let mut seqs: Vec<_> = sys.catalog.sequences().collect();
    seqs.sort_by_key(|s| s.oid);
    for s in seqs {
        out.add()
            .oid("seqrelid", s.oid)
            .oid("seqtypid", s.ty.oid())
            .i8("seqstart", s.start)
            .i8("seqincrement", s.increment)
            .i8("seqmax", s.max)
            .i8("seqmin", s.min)
            .i8("seqcache", s.cache)
            .bool("seqcycle", s.cycle);
    }
}

/// The catalog (`pg_class` OID) an object OID belongs to.
pub(crate) fn class_of(sys: &SystemContext<'_>, oid: Oid) -> Oid {
    if sys.catalog.schema(oid).is_some() {
        return PG_NAMESPACE_OID;
    }
    let is_constraint = sys
        .catalog
        .tables()
        .any(|t| t.constraints.iter().any(|c| c.oid == oid));
    if is_constraint {
        PG_CONSTRAINT_OID
    } else {
        PG_CLASS_OID
    }
}

pub(super) fn pg_description(sys: &SystemContext<'_>, out: &mut Rows) {
    for (target, text) in sys.catalog.comments() {
        out.add()
            .oid("objoid", target.oid)
            .oid("classoid", class_of(sys, target.oid))
            .i4("objsubid", target.sub)
            .text("description", text);
    }
}

/// The view's defining query (`pg_views.definition`, `pg_get_viewdef`).
pub(crate) fn view_query(t: &Table) -> Option<&str> {
    match &t.kind {
        TableKind::View { query, .. } => Some(query),
        TableKind::Ordinary | TableKind::Composite => None,
    }
}
