//! psql's describe commands (`\d`, `\dt`, `\di`, `\dv`, `\ds`, `\dn`,
//! `\d NAME`) answered from the session's catalog, printed as psql 15
//! prints them against PostgreSQL.

use assay_sql::catalog::{Catalog, ConstraintKind, FkAction, IndexExpr, Table, TableKind};
use assay_sql::parser;

use crate::table::{aligned_titled, Column};

const OWNER: &str = "postgres";

fn cols(names: &[&str]) -> Vec<Column> {
    names
        .iter()
        .map(|n| Column {
            name: n.to_string(),
            numeric: false,
        })
        .collect()
}

fn schema_name(catalog: &Catalog, oid: u32) -> String {
    catalog
        .schema(oid)
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

/// Whether objects of this schema are listed by default (as psql lists the
/// schemas on the search path, minus the system ones).
fn listed(catalog: &Catalog, schema: u32) -> bool {
    !matches!(
        schema_name(catalog, schema).as_str(),
        "pg_catalog" | "information_schema"
    )
}

/// `\d`, `\dt`, `\di`, `\dv`, `\ds`: a "List of relations".
pub fn list_relations(catalog: &Catalog, kinds: &str) -> String {
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    let with_table = kinds == "i";
    for t in catalog.tables() {
        if !listed(catalog, t.schema) {
            continue;
        }
        let schema = schema_name(catalog, t.schema);
        let kind = if t.is_view() { "view" } else { "table" };
        let wanted = match kinds {
            "" => true,
            "t" => kind == "table",
            "v" => kind == "view",
            _ => false,
        };
        if wanted {
            rows.push(vec![
                Some(schema.clone()),
                Some(t.name.clone()),
                Some(kind.into()),
                Some(OWNER.into()),
            ]);
        }
        if kinds == "i" {
            for i in &t.indexes {
                rows.push(vec![
                    Some(schema.clone()),
                    Some(i.name.clone()),
                    Some("index".into()),
                    Some(OWNER.into()),
                    Some(t.name.clone()),
                ]);
            }
        }
    }
    if kinds.is_empty() || kinds == "s" {
        for s in catalog.sequences() {
            if listed(catalog, s.schema) {
                rows.push(vec![
                    Some(schema_name(catalog, s.schema)),
                    Some(s.name.clone()),
                    Some("sequence".into()),
                    Some(OWNER.into()),
                ]);
            }
        }
    }
    if rows.is_empty() {
        return "Did not find any relations.\n".into();
    }
    rows.sort();
    let mut header = vec!["Schema", "Name", "Type", "Owner"];
    if with_table {
        header.push("Table");
    }
    aligned_titled("List of relations", &cols(&header), &rows, true)
}

/// `\dn`: the schemas.
pub fn list_schemas(catalog: &Catalog) -> String {
    let mut rows: Vec<Vec<Option<String>>> = catalog
        .schemas()
        .filter(|s| !s.name.starts_with("pg_") && s.name != "information_schema")
        .map(|s| {
            // PostgreSQL 15 gives `public` to the database owner's role.
            let owner = if s.name == "public" {
                "pg_database_owner"
            } else {
                OWNER
            };
            vec![Some(s.name.clone()), Some(owner.into())]
        })
        .collect();
    rows.sort();
    aligned_titled("List of schemas", &cols(&["Name", "Owner"]), &rows, true)
}

/// `\d NAME`: a table's or view's columns, indexes and constraints.
pub fn describe(catalog: &Catalog, name: &str) -> Option<String> {
    let (schema, rel) = match name.split_once('.') {
        Some((s, r)) => (Some(s), r),
        None => (None, name),
    };
    let table = catalog
        .tables()
        .filter(|t| schema.is_none_or(|s| schema_name(catalog, t.schema) == s))
        .find(|t| t.name == rel)?;
    Some(describe_table(catalog, table))
}

fn describe_table(catalog: &Catalog, t: &Table) -> String {
    let kind = if t.is_view() { "View" } else { "Table" };
    let title = format!("{kind} \"{}.{}\"", schema_name(catalog, t.schema), t.name);
    let mut header = vec!["Column", "Type", "Collation", "Nullable", "Default"];
    if t.is_view() {
        header.truncate(4);
        header.push("Default");
    }
    let rows: Vec<Vec<Option<String>>> = t
        .visible_columns()
        .map(|(_, c)| {
            vec![
                Some(c.name.clone()),
                Some(c.ty.to_string()),
                Some(String::new()),
                Some(if c.not_null {
                    "not null".into()
                } else {
                    String::new()
                }),
                Some(c.default.clone().unwrap_or_default()),
            ]
        })
        .collect();
    let mut out = aligned_titled(&title, &cols(&header), &rows, false);
    if let TableKind::View { query, .. } = &t.kind {
        out.push_str(&format!("View definition:\n {query};\n"));
        return out;
    }
    let col_list = |idx: &[usize], table: &Table| {
        idx.iter()
            .map(|&i| {
                table
                    .columns
                    .get(i)
                    .map(|c| c.name.clone())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut indexes = Vec::new();
    for i in &t.indexes {
        let parts: Vec<String> = i
            .parts
            .iter()
            .map(|p| {
                let mut s = match &p.expr {
                    IndexExpr::Column(c) => t
                        .columns
                        .get(*c)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    IndexExpr::Expression { sql, .. } => format!("({})", normalize_expr(sql)),
                };
                if p.order.descending {
                    s.push_str(" DESC");
                }
                s
            })
            .collect();
        let owner = i
            .constraint
            .and_then(|oid| t.constraints.iter().find(|c| c.oid == oid));
        let what = match owner.map(|c| &c.kind) {
            Some(ConstraintKind::PrimaryKey { .. }) => "PRIMARY KEY, ",
            Some(ConstraintKind::Unique { .. }) => "UNIQUE CONSTRAINT, ",
            _ if i.unique => "UNIQUE, ",
            _ => "",
        };
        let mut line = format!("    \"{}\" {what}btree ({})", i.name, parts.join(", "));
        if let Some(p) = &i.predicate {
            line.push_str(&format!(" WHERE {}", normalize_expr(p)));
        }
        indexes.push((i.constraint.is_none() as u8, line));
    }
    indexes.sort();
    if !indexes.is_empty() {
        out.push_str("Indexes:\n");
        for (_, line) in indexes {
            out.push_str(&line);
            out.push('\n');
        }
    }
    let checks: Vec<String> = t
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::Check { sql } => Some(format!(
                "    \"{}\" CHECK ({})",
                c.name,
                normalize_expr(sql)
            )),
            _ => None,
        })
        .collect();
    if !checks.is_empty() {
        out.push_str("Check constraints:\n");
        out.push_str(&checks.join("\n"));
        out.push('\n');
    }
    let fks: Vec<String> = t
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey(fk) => {
                Some(format!("    \"{}\" {}", c.name, fk_def(catalog, t, fk)))
            }
            _ => None,
        })
        .collect();
    if !fks.is_empty() {
        out.push_str("Foreign-key constraints:\n");
        out.push_str(&fks.join("\n"));
        out.push('\n');
    }
    let mut referenced = Vec::new();
    for other in catalog.tables() {
        for c in &other.constraints {
            if let ConstraintKind::ForeignKey(fk) = &c.kind {
                if fk.ref_table == t.oid {
                    referenced.push(format!(
                        "    TABLE \"{}\" CONSTRAINT \"{}\" {}",
                        other.name,
                        c.name,
                        fk_def(catalog, other, fk)
                    ));
                }
            }
        }
    }
    if !referenced.is_empty() {
        referenced.sort();
        out.push_str("Referenced by:\n");
        out.push_str(&referenced.join("\n"));
        out.push('\n');
    }
    let _ = col_list;
    out
}

fn fk_def(catalog: &Catalog, t: &Table, fk: &assay_sql::catalog::ForeignKey) -> String {
    let names = |table: &Table, idx: &[usize]| {
        idx.iter()
            .map(|&i| {
                table
                    .columns
                    .get(i)
                    .map(|c| c.name.clone())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let Some(target) = catalog.table(fk.ref_table) else {
        return String::new();
    };
    let mut s = format!(
        "FOREIGN KEY ({}) REFERENCES {}({})",
        names(t, &fk.columns),
        target.name,
        names(target, &fk.ref_columns)
    );
    for (word, action) in [("UPDATE", fk.on_update), ("DELETE", fk.on_delete)] {
        let a = match action {
            FkAction::NoAction => continue,
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        };
        s.push_str(&format!(" ON {word} {a}"));
    }
    s
}

/// An expression's SQL text as Assay prints it back (close to PostgreSQL's
/// deparsed form), or the text unchanged if it does not parse alone.
fn normalize_expr(sql: &str) -> String {
    parser::parse_expr(sql).map_or_else(|_| sql.to_string(), |e| e.to_string())
}
