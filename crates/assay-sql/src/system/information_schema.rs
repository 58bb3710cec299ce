//! `information_schema`'s views of tables, columns, constraints,
//! sequences and routines, as PostgreSQL 15 fills them for a superuser.

use super::deparse::default_text;
use super::pg_class::{sorted_tables, view_query};
use super::pg_constraint::{all_constraints, check_columns, index_key_columns};
use super::rows::Rows;
use super::SystemContext;
use crate::catalog::{ConstraintKind, FkAction, FkMatch, Table};
use crate::types::DataType;

fn yes_no(b: bool) -> &'static str {
    if b {
        "YES"
    } else {
        "NO"
    }
}

fn schema_of(sys: &SystemContext<'_>, oid: u32) -> String {
    sys.schema_name(oid).unwrap_or_default().to_string()
}

pub(super) fn schemata(sys: &SystemContext<'_>, out: &mut Rows) {
    let mut schemas: Vec<_> = sys.catalog.schemas().collect();
    schemas.sort_by_key(|s| s.oid);
    for s in schemas {
        out.add()
            .text("catalog_name", sys.database)
            .text("schema_name", &s.name)
            .text("schema_owner", sys.user);
    }
}

pub(super) fn tables(sys: &SystemContext<'_>, out: &mut Rows) {
    for t in sorted_tables(sys) {
        let kind = if t.is_view() {
            "VIEW"
        } else if t.temp {
            "LOCAL TEMPORARY"
        } else {
            "BASE TABLE"
        };
        let mut r = out.add();
        r.text("table_catalog", sys.database)
            .text("table_schema", &schema_of(sys, t.schema))
            .text("table_name", &t.name)
            .text("table_type", kind)
            .text("is_insertable_into", yes_no(!t.is_view()))
            .text("is_typed", "NO");
        if t.temp {
            r.text("commit_action", "PRESERVE");
        }
    }
}

/// `data_type` as the information schema spells it.
fn sql_type_name(ty: &DataType) -> String {
    match ty {
        DataType::Array(_) => "ARRAY".to_string(),
        DataType::Bpchar(_) => "character".to_string(),
        t => t.without_typmod().to_string(),
    }
}

pub(super) fn columns(sys: &SystemContext<'_>, out: &mut Rows) {
    for t in sorted_tables(sys) {
        for (_, c) in t.visible_columns() {
            let ty = &c.ty;
            let mut r = out.add();
            r.text("table_catalog", sys.database)
                .text("table_schema", &schema_of(sys, t.schema))
                .text("table_name", &t.name)
                .text("column_name", &c.name)
                .i4("ordinal_position", c.attnum.into())
                .text("is_nullable", yes_no(!c.not_null))
                .text("data_type", &sql_type_name(ty))
                .text("udt_catalog", sys.database)
                .text("udt_schema", "pg_catalog")
                .text("udt_name", &ty.typname())
                .text("dtd_identifier", &c.attnum.to_string())
                .text("is_self_referencing", "NO")
                .text("is_identity", yes_no(c.identity.is_some()))
                .text("identity_cycle", "NO")
                .text(
                    "is_generated",
                    if c.generated.is_some() {
                        "ALWAYS"
                    } else {
                        "NEVER"
                    },
                )
                .text("is_updatable", yes_no(!t.is_view()));
            if let (Some(d), None) = (&c.default, &c.identity) {
                r.text("column_default", &default_text(d, ty));
            }
            if let Some(g) = &c.generated {
                r.text(
                    "generation_expression",
                    &super::deparse::generation_text(g, false),
                );
            }
            if let Some(id) = &c.identity {
                r.text(
                    "identity_generation",
                    match id.kind {
                        crate::catalog::IdentityKind::Always => "ALWAYS",
                        crate::catalog::IdentityKind::ByDefault => "BY DEFAULT",
                    },
                );
                if let Some(s) = sys.catalog.sequence(id.sequence) {
                    r.text("identity_start", &s.start.to_string())
                        .text("identity_increment", &s.increment.to_string())
                        .text("identity_maximum", &s.max.to_string())
                        .text("identity_minimum", &s.min.to_string())
                        .text("identity_cycle", yes_no(s.cycle));
                }
            }
            match ty {
                DataType::Varchar(n) | DataType::Bpchar(n) => {
                    if let Some(n) = n {
                        r.i4("character_maximum_length", *n as i32)
                            .i4("character_octet_length", (*n as i32).saturating_mul(4));
                    } else {
                        r.i4("character_octet_length", 1_073_741_824);
                    }
                }
                DataType::Text => {
                    r.i4("character_octet_length", 1_073_741_824);
                }
                _ => {}
            }
            let precision = match ty {
                DataType::Int2 => Some((16, 2, Some(0))),
                DataType::Int4 => Some((32, 2, Some(0))),
                DataType::Int8 => Some((64, 2, Some(0))),
                DataType::Float4 => Some((24, 2, None)),
                DataType::Float8 => Some((53, 2, None)),
                DataType::Numeric(Some(m)) => {
                    Some((i32::from(m.precision), 10, Some(i32::from(m.scale))))
                }
                _ => None,
            };
            if let Some((p, radix, scale)) = precision {
                r.i4("numeric_precision", p)
                    .i4("numeric_precision_radix", radix);
                if let Some(s) = scale {
                    r.i4("numeric_scale", s);
                }
            } else if matches!(ty, DataType::Numeric(None)) {
                r.i4("numeric_precision_radix", 10);
            }
            match ty {
                DataType::Date => {
                    r.i4("datetime_precision", 0);
                }
                DataType::Time(p) | DataType::Timestamp(p) | DataType::TimestampTz(p) => {
                    r.i4("datetime_precision", p.map_or(6, i32::from));
                }
                DataType::Interval(_) => {
                    r.i4("datetime_precision", 6);
                }
                _ => {}
            }
        }
    }
}

pub(super) fn views(sys: &SystemContext<'_>, out: &mut Rows) {
    for t in sorted_tables(sys) {
        let Some(q) = view_query(t) else { continue };
        out.add()
            .text("table_catalog", sys.database)
            .text("table_schema", &schema_of(sys, t.schema))
            .text("table_name", &t.name)
            .text("view_definition", &format!(" {};", q.trim_end_matches(';')))
            .text("check_option", "NONE")
            .text("is_updatable", "NO")
            .text("is_insertable_into", "NO")
            .text("is_trigger_updatable", "NO")
            .text("is_trigger_deletable", "NO")
            .text("is_trigger_insertable_into", "NO");
    }
}

/// PostgreSQL 15 lists NOT NULL columns as CHECK constraints named
/// `<schema oid>_<table oid>_<attnum>_not_null`.
fn not_null_constraints(t: &Table) -> impl Iterator<Item = (String, &str)> + '_ {
    t.visible_columns()
        .filter(|(_, c)| c.not_null)
        .map(move |(_, c)| {
            (
                format!("{}_{}_{}_not_null", t.schema, t.oid, c.attnum),
                c.name.as_str(),
            )
        })
}

pub(super) fn table_constraints(sys: &SystemContext<'_>, out: &mut Rows) {
    let add = |out: &mut Rows, t: &Table, name: &str, kind: &str| {
        let schema = schema_of(sys, t.schema);
        let mut r = out.add();
        r.text("constraint_catalog", sys.database)
            .text("constraint_schema", &schema)
            .text("constraint_name", name)
            .text("table_catalog", sys.database)
            .text("table_schema", &schema)
            .text("table_name", &t.name)
            .text("constraint_type", kind)
            .text("is_deferrable", "NO")
            .text("initially_deferred", "NO")
            .text("enforced", "YES");
        if matches!(kind, "PRIMARY KEY" | "UNIQUE") {
            r.text("nulls_distinct", "YES");
        }
    };
    for (t, c) in all_constraints(sys) {
        let kind = match c.kind {
            ConstraintKind::PrimaryKey { .. } => "PRIMARY KEY",
            ConstraintKind::Unique { .. } => "UNIQUE",
            ConstraintKind::Check { .. } => "CHECK",
            ConstraintKind::ForeignKey(_) => "FOREIGN KEY",
        };
        add(out, t, &c.name, kind);
    }
    for t in sorted_tables(sys).into_iter().filter(|t| !t.is_view()) {
        for (name, _) in not_null_constraints(t) {
            add(out, t, &name, "CHECK");
        }
    }
}

pub(super) fn check_constraints(sys: &SystemContext<'_>, out: &mut Rows) {
    for (t, c) in all_constraints(sys) {
        if let ConstraintKind::Check { sql } = &c.kind {
            out.add()
                .text("constraint_catalog", sys.database)
                .text("constraint_schema", &schema_of(sys, t.schema))
                .text("constraint_name", &c.name)
                .text(
                    "check_clause",
                    &format!("({})", super::deparse::expr_text(sql)),
                );
        }
    }
    for t in sorted_tables(sys).into_iter().filter(|t| !t.is_view()) {
        for (name, col) in not_null_constraints(t) {
            out.add()
                .text("constraint_catalog", sys.database)
                .text("constraint_schema", &schema_of(sys, t.schema))
                .text("constraint_name", &name)
                .text(
                    "check_clause",
                    &format!("{} IS NOT NULL", super::context::quote_ident(col)),
                );
        }
    }
}

/// The columns of a constraint's key, and for a foreign key the
/// positions of the referenced columns in the referenced unique key.
fn key_columns(
    sys: &SystemContext<'_>,
    t: &Table,
    kind: &ConstraintKind,
) -> Vec<(usize, Option<i32>)> {
    match kind {
        ConstraintKind::PrimaryKey { index } | ConstraintKind::Unique { index } => t
            .index(*index)
            .map(index_key_columns)
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c, None))
            .collect(),
        ConstraintKind::ForeignKey(fk) => {
            let unique_cols: Vec<usize> = sys
                .catalog
                .table(fk.ref_table)
                .and_then(|rt| {
                    rt.indexes.iter().find(|i| {
                        i.unique && {
                            let k = index_key_columns(i);
                            k.len() == fk.ref_columns.len()
                                && k.iter().all(|c| fk.ref_columns.contains(c))
                        }
                    })
                })
                .map(index_key_columns)
                .unwrap_or_default();
            fk.columns
                .iter()
                .zip(&fk.ref_columns)
                .map(|(&c, rc)| {
                    let pos = unique_cols
                        .iter()
                        .position(|u| u == rc)
                        .map(|p| p as i32 + 1);
                    (c, pos)
                })
                .collect()
        }
        ConstraintKind::Check { .. } => Vec::new(),
    }
}

pub(super) fn key_column_usage(sys: &SystemContext<'_>, out: &mut Rows) {
    for (t, c) in all_constraints(sys) {
        let schema = schema_of(sys, t.schema);
        for (n, (col, unique_pos)) in key_columns(sys, t, &c.kind).into_iter().enumerate() {
            let Some(column) = t.columns.get(col) else {
                continue;
            };
            let mut r = out.add();
            r.text("constraint_catalog", sys.database)
                .text("constraint_schema", &schema)
                .text("constraint_name", &c.name)
                .text("table_catalog", sys.database)
                .text("table_schema", &schema)
                .text("table_name", &t.name)
                .text("column_name", &column.name)
                .i4("ordinal_position", n as i32 + 1);
            if let Some(p) = unique_pos {
                r.i4("position_in_unique_constraint", p);
            }
        }
    }
}

fn rule(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "NO ACTION",
        FkAction::Restrict => "RESTRICT",
        FkAction::Cascade => "CASCADE",
        FkAction::SetNull => "SET NULL",
        FkAction::SetDefault => "SET DEFAULT",
    }
}

pub(super) fn referential_constraints(sys: &SystemContext<'_>, out: &mut Rows) {
    for (t, c) in all_constraints(sys) {
        let ConstraintKind::ForeignKey(fk) = &c.kind else {
            continue;
        };
        let schema = schema_of(sys, t.schema);
        // The referenced table's constraint that owns the unique index.
        let unique = sys.catalog.table(fk.ref_table).and_then(|rt| {
            rt.constraints
                .iter()
                .find(|uc| match uc.kind {
                    ConstraintKind::PrimaryKey { index } | ConstraintKind::Unique { index } => {
                        rt.index(index).is_some_and(|i| {
                            let k = index_key_columns(i);
                            k.len() == fk.ref_columns.len()
                                && k.iter().all(|c| fk.ref_columns.contains(c))
                        })
                    }
                    _ => false,
                })
                .map(|uc| (schema_of(sys, rt.schema), uc.name.clone()))
        });
        let mut r = out.add();
        r.text("constraint_catalog", sys.database)
            .text("constraint_schema", &schema)
            .text("constraint_name", &c.name)
            .text(
                "match_option",
                match fk.match_type {
                    FkMatch::Simple => "NONE",
                    FkMatch::Full => "FULL",
                    FkMatch::Partial => "PARTIAL",
                },
            )
            .text("update_rule", rule(fk.on_update))
            .text("delete_rule", rule(fk.on_delete));
        if let Some((s, n)) = unique {
            r.text("unique_constraint_catalog", sys.database)
                .text("unique_constraint_schema", &s)
                .text("unique_constraint_name", &n);
        }
    }
}

pub(super) fn constraint_column_usage(sys: &SystemContext<'_>, out: &mut Rows) {
    for (t, c) in all_constraints(sys) {
        let (table, cols): (&Table, Vec<usize>) = match &c.kind {
            ConstraintKind::ForeignKey(fk) => match sys.catalog.table(fk.ref_table) {
                Some(rt) => (rt.as_ref(), fk.ref_columns.clone()),
                None => continue,
            },
            ConstraintKind::Check { sql } => (t, check_columns(t, sql)),
            kind => (
                t,
                key_columns(sys, t, kind)
                    .into_iter()
                    .map(|(c, _)| c)
                    .collect(),
            ),
        };
        for col in cols {
            let Some(column) = table.columns.get(col) else {
                continue;
            };
            out.add()
                .text("table_catalog", sys.database)
                .text("table_schema", &schema_of(sys, table.schema))
                .text("table_name", &table.name)
                .text("column_name", &column.name)
                .text("constraint_catalog", sys.database)
                .text("constraint_schema", &schema_of(sys, t.schema))
                .text("constraint_name", &c.name);
        }
    }
}

pub(super) fn sequences(sys: &SystemContext<'_>, out: &mut Rows) {
    let mut seqs: Vec<_> = sys.catalog.sequences().collect();
    seqs.sort_by_key(|s| s.oid);
    for s in seqs {
        let precision = match s.ty {
            DataType::Int2 => 16,
            DataType::Int4 => 32,
            _ => 64,
        };
        out.add()
            .text("sequence_catalog", sys.database)
            .text("sequence_schema", &schema_of(sys, s.schema))
            .text("sequence_name", &s.name)
            .text("data_type", &s.ty.to_string())
            .i4("numeric_precision", precision)
            .i4("numeric_precision_radix", 2)
            .i4("numeric_scale", 0)
            .text("start_value", &s.start.to_string())
            .text("minimum_value", &s.min.to_string())
            .text("maximum_value", &s.max.to_string())
            .text("increment", &s.increment.to_string())
            .text("cycle_option", yes_no(s.cycle));
    }
}

pub(super) fn routines(sys: &SystemContext<'_>, out: &mut Rows) {
    for def in crate::functions::definitions() {
        let oid = super::pg_proc::proc_oid(def);
        let specific = format!("{}_{}", def.name, oid);
        out.add()
            .text("specific_catalog", sys.database)
            .text("specific_schema", "pg_catalog")
            .text("specific_name", &specific)
            .text("routine_catalog", sys.database)
            .text("routine_schema", "pg_catalog")
            .text("routine_name", def.name)
            .text("routine_type", "FUNCTION")
            .text("data_type", &super::pg_proc::result_text(def))
            .text("routine_body", "EXTERNAL")
            .text("external_name", def.name)
            .text("external_language", "INTERNAL")
            .text("parameter_style", "GENERAL")
            .text(
                "is_deterministic",
                yes_no(def.volatility == crate::functions::Volatility::Immutable),
            )
            .text("sql_data_access", "MODIFIES")
            .text("is_null_call", yes_no(def.strict))
            .text("schema_level_routine", "YES")
            .text("is_user_defined_cast", "NO")
            .text("is_implicitly_invocable", "NO")
            .text("security_type", "INVOKER")
            .text("as_locator", "NO")
            .text("is_udt_dependent", "NO");
    }
}
