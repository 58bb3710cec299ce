//! DDL operations: each checks like PostgreSQL, changes trees and the
//! catalog through the caller's transaction, and bumps the version.

use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState, Transaction};

use super::model::*;
use super::sequence::{apply_options, delete_state, write_state, SequenceOptions};
use super::store::{Catalog, RelRef};
use crate::table::IndexEval;
use crate::types::Value;

/// What a DROP removed besides its target, as PostgreSQL's NOTICE lists
/// it (`drop cascades to view v`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DropResult {
    pub cascaded: Vec<String>,
}

/// CREATE INDEX's definition (the name is chosen if absent).
#[derive(Clone, Debug, PartialEq)]
pub struct IndexDef {
    pub name: Option<String>,
    pub unique: bool,
    pub parts: Vec<IndexPart>,
    pub include: Vec<usize>,
    pub predicate: Option<String>,
}

pub(super) fn tree_name(kind: &str, oid: Oid) -> Vec<u8> {
    format!("{kind}.{oid}").into_bytes()
}

fn duplicate_relation(name: &str) -> assay_storage::Error {
    err!(
        SqlState::DUPLICATE_TABLE,
        "relation \"{name}\" already exists"
    )
}

impl Catalog {
    pub(super) fn table_arc(&self, oid: Oid) -> Result<Arc<Table>> {
        self.tables.get(&oid).cloned().ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_TABLE,
                "relation with OID {oid} does not exist"
            )
        })
    }

    pub(super) fn check_free_name(&self, schema: Oid, name: &str) -> Result<()> {
        if self.relation_in(schema, name).is_some() {
            return Err(duplicate_relation(name));
        }
        Ok(())
    }

    /// A name not yet taken in `schema`: `base`, else `base1`, `base2`…
    pub(super) fn choose_name(&self, schema: Oid, base: &str, taken: &[String]) -> String {
        let free = |n: &str| self.relation_in(schema, n).is_none() && !taken.iter().any(|t| t == n);
        if free(base) {
            return base.to_string();
        }
        (1..)
            .map(|i| format!("{base}{i}"))
            .find(|n| free(n))
            .unwrap_or_default()
    }

    // ---- schemas ----

    pub fn create_schema(&mut self, txn: &mut Transaction, name: &str, temp: bool) -> Result<Oid> {
        if self.schema_names.contains_key(name) {
            bail!(
                SqlState::DUPLICATE_SCHEMA,
                "schema \"{name}\" already exists"
            );
        }
        let oid = self.new_oid();
        self.save_schema(
            txn,
            Schema {
                oid,
                name: name.to_string(),
                temp,
            },
        )?;
        Ok(oid)
    }

    pub fn rename_schema(
        &mut self,
        txn: &mut Transaction,
        name: &str,
        new_name: &str,
    ) -> Result<()> {
        let oid = self.schema_oid(name)?;
        if self.schema_names.contains_key(new_name) {
            bail!(
                SqlState::DUPLICATE_SCHEMA,
                "schema \"{new_name}\" already exists"
            );
        }
        self.delete_schema(txn, oid)?;
        self.save_schema(
            txn,
            Schema {
                oid,
                name: new_name.to_string(),
                temp: false,
            },
        )
    }

    /// DROP SCHEMA; without `cascade` fails with 2BP01 if it holds objects.
    pub fn drop_schema(
        &mut self,
        txn: &mut Transaction,
        name: &str,
        cascade: bool,
    ) -> Result<DropResult> {
        let oid = self.schema_oid(name)?;
        let mut members: Vec<(String, RelRef)> = self
            .relations
            .iter()
            .filter(|((s, _), r)| *s == oid && !matches!(r, RelRef::Index(..)))
            .map(|((_, n), r)| (n.clone(), *r))
            .collect();
        members.sort_by(|a, b| a.0.cmp(&b.0));
        let describe = |c: &Catalog, n: &str, r: &RelRef| -> String {
            let kind = match r {
                RelRef::Table(t) if c.tables.get(t).is_some_and(|t| t.is_view()) => "view",
                RelRef::Table(_) => "table",
                RelRef::Sequence(_) => "sequence",
                RelRef::Index(..) => "index",
            };
            format!("{kind} {name}.{n}")
        };
        if !cascade && !members.is_empty() {
            let detail: Vec<String> = members
                .iter()
                .map(|(n, r)| format!("{} depends on schema {name}", describe(self, n, r)))
                .collect();
            return Err(dependents_error(&format!("schema {name}"), &detail));
        }
        let mut result = DropResult::default();
        for (n, r) in &members {
            result.cascaded.push(describe(self, n, r));
            match *r {
                RelRef::Table(t) if self.tables.contains_key(&t) => {
                    let sub = self.drop_table(txn, t, true)?;
                    result.cascaded.extend(sub.cascaded);
                }
                RelRef::Sequence(s) if self.sequences.contains_key(&s) => {
                    self.drop_sequence(txn, s)?
                }
                _ => {}
            }
        }
        self.delete_schema(txn, oid)?;
        Ok(result)
    }

    // ---- tables ----

    /// CREATE TABLE with columns only; constraints follow with
    /// [`Catalog::add_primary_key`] and friends in the same transaction.
    pub fn create_table(
        &mut self,
        txn: &mut Transaction,
        schema: Oid,
        name: &str,
        mut columns: Vec<Column>,
        temp: bool,
    ) -> Result<Arc<Table>> {
        if !self.schemas.contains_key(&schema) {
            bail!(
                SqlState::INVALID_SCHEMA_NAME,
                "schema with OID {schema} does not exist"
            );
        }
        self.check_free_name(schema, name)?;
        for (i, c) in columns.iter_mut().enumerate() {
            c.attnum = i as i16 + 1;
        }
        for (i, c) in columns.iter().enumerate() {
            if columns[..i].iter().any(|d| d.name == c.name) {
                bail!(
                    SqlState::DUPLICATE_COLUMN,
                    "column \"{}\" specified more than once",
                    c.name
                );
            }
        }
        let oid = self.new_oid();
        let root = txn.create_tree(&tree_name("t", oid))?.root();
        let table = Table {
            oid,
            schema,
            name: name.to_string(),
            columns,
            kind: TableKind::Ordinary,
            temp,
            primary_key: None,
            indexes: Vec::new(),
            constraints: Vec::new(),
            root,
        };
        self.save_table(txn, table)
    }

    /// CREATE TYPE name AS (fields): a relation of kind composite, with
    /// no rows and so no tree.
    pub fn create_composite_type(
        &mut self,
        txn: &mut Transaction,
        schema: Oid,
        name: &str,
        mut columns: Vec<Column>,
    ) -> Result<Arc<Table>> {
        if self.relation_in(schema, name).is_some() {
            bail!(
                SqlState::DUPLICATE_OBJECT,
                "type \"{}\" already exists",
                name
            );
        }
        for i in 0..columns.len() {
            columns[i].attnum = i as i16 + 1;
            if columns_before(&columns, i) {
                bail!(
                    SqlState::DUPLICATE_COLUMN,
                    "column \"{}\" specified more than once",
                    columns[i].name
                );
            }
        }
        let oid = self.new_oid();
        let table = Table {
            oid,
            schema,
            name: name.to_string(),
            columns,
            kind: TableKind::Composite,
            temp: false,
            primary_key: None,
            indexes: Vec::new(),
            constraints: Vec::new(),
            root: 0,
        };
        self.save_table(txn, table)
    }

    /// CREATE [OR REPLACE] VIEW.
    #[allow(clippy::too_many_arguments)]
    pub fn create_view(
        &mut self,
        txn: &mut Transaction,
        schema: Oid,
        name: &str,
        columns: Vec<Column>,
        query: &str,
        depends_on: Vec<Oid>,
        or_replace: bool,
    ) -> Result<Arc<Table>> {
        let existing = match self.relation_in(schema, name) {
            Some(RelRef::Table(t))
                if or_replace && self.tables.get(&t).is_some_and(|t| t.is_view()) =>
            {
                Some(t)
            }
            Some(RelRef::Table(t)) if or_replace => {
                bail!(
                    SqlState::WRONG_OBJECT_TYPE,
                    "\"{}\" is not a view",
                    self.tables[&t].name
                )
            }
            Some(_) => return Err(duplicate_relation(name)),
            None => None,
        };
        let oid = existing.unwrap_or_else(|| self.new_oid());
        let mut columns = columns;
        for (i, c) in columns.iter_mut().enumerate() {
            c.attnum = i as i16 + 1;
        }
        let view = Table {
            oid,
            schema,
            name: name.to_string(),
            columns,
            kind: TableKind::View {
                query: query.to_string(),
                depends_on,
            },
            temp: false,
            primary_key: None,
            indexes: Vec::new(),
            constraints: Vec::new(),
            root: 0,
        };
        self.save_table(txn, view)
    }

    /// Objects that depend on table `oid`: (description, what to drop).
    fn dependents(&self, oid: Oid) -> Vec<(String, Dependent)> {
        let table = self.tables.get(&oid);
        let tname = table.map_or(String::new(), |t| t.name.clone());
        let mut out = Vec::new();
        let mut others: Vec<&Arc<Table>> = self.tables.values().filter(|t| t.oid != oid).collect();
        others.sort_by_key(|t| t.oid);
        for t in &others {
            for c in &t.constraints {
                if let ConstraintKind::ForeignKey(fk) = &c.kind {
                    if fk.ref_table == oid {
                        out.push((
                            format!(
                                "constraint {} on table {} depends on table {tname}",
                                c.name, t.name
                            ),
                            Dependent::Constraint(t.oid, c.name.clone()),
                        ));
                    }
                }
            }
        }
        for t in &others {
            if let TableKind::View { depends_on, .. } = &t.kind {
                if depends_on.contains(&oid) {
                    let what = if table.is_some_and(|t| t.is_view()) {
                        "view"
                    } else {
                        "table"
                    };
                    out.push((
                        format!("view {} depends on {what} {tname}", t.name),
                        Dependent::View(t.oid),
                    ));
                }
            }
        }
        out
    }

    /// DROP TABLE or DROP VIEW by OID. Without `cascade`, dependent foreign
    /// keys and views make it fail with 2BP01 (DETAIL lists them, as
    /// PostgreSQL does); with it they are dropped and listed. Sequences
    /// owned by its columns go with it.
    pub fn drop_table(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        cascade: bool,
    ) -> Result<DropResult> {
        let table = self.table_arc(oid)?;
        let deps = self.dependents(oid);
        let kind = if table.is_view() { "view" } else { "table" };
        if !cascade && !deps.is_empty() {
            let detail: Vec<String> = deps.iter().map(|d| d.0.clone()).collect();
            return Err(dependents_error(&format!("{kind} {}", table.name), &detail));
        }
        let mut result = DropResult::default();
        for (desc, dep) in deps {
            match dep {
                Dependent::Constraint(t, name) => {
                    let on = desc
                        .split(" depends on")
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    result.cascaded.push(on);
                    self.drop_constraint(txn, t, &name)?;
                }
                Dependent::View(v) if self.tables.contains_key(&v) => {
                    result
                        .cascaded
                        .push(format!("view {}", self.tables[&v].name));
                    let sub = self.drop_table(txn, v, true)?;
                    result.cascaded.extend(sub.cascaded);
                }
                Dependent::View(_) => {}
            }
        }
        if !table.is_view() && !table.is_composite() {
            for i in table.indexes.iter().filter(|i| !i.primary) {
                txn.drop_tree(&tree_name("i", i.oid))?;
            }
            txn.drop_tree(&tree_name("t", oid))?;
        }
        let owned: Vec<Oid> = self
            .sequences
            .values()
            .filter(|s| s.owned_by.is_some_and(|(t, _)| t == oid))
            .map(|s| s.oid)
            .collect();
        for s in owned {
            self.drop_sequence(txn, s)?;
        }
        self.delete_table(txn, oid)?;
        Ok(result)
    }

    pub fn rename_table(&mut self, txn: &mut Transaction, oid: Oid, new_name: &str) -> Result<()> {
        let mut t = (*self.table_arc(oid)?).clone();
        self.check_free_name(t.schema, new_name)?;
        t.name = new_name.to_string();
        self.save_table(txn, t).map(|_| ())
    }

    /// Replaces a table's definition with `f`'s changes (columns, flags).
    pub(super) fn alter(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        f: impl FnOnce(&mut Table) -> Result<()>,
    ) -> Result<Arc<Table>> {
        let mut t = (*self.table_arc(oid)?).clone();
        f(&mut t)?;
        self.save_table(txn, t)
    }

    /// ADD COLUMN; existing rows read the new column as NULL. (A default
    /// must be written into existing rows by the executor with
    /// [`Catalog::rewrite_rows`].)
    pub fn add_column(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        mut column: Column,
    ) -> Result<Arc<Table>> {
        self.alter(txn, oid, |t| {
            if t.column_index(&column.name).is_some() {
                bail!(
                    SqlState::DUPLICATE_COLUMN,
                    "column \"{}\" of relation \"{}\" already exists",
                    column.name,
                    t.name
                );
            }
            column.attnum = t.columns.len() as i16 + 1;
            t.columns.push(column);
            Ok(())
        })
    }

    pub(super) fn column_of(t: &Table, name: &str) -> Result<usize> {
        t.column_index(name).ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_COLUMN,
                "column \"{name}\" of relation \"{}\" does not exist",
                t.name
            )
        })
    }

    /// DROP COLUMN: the slot stays, flagged; indexes and constraints on it
    /// go (PostgreSQL drops them too); rows keep their bytes until rewritten.
    pub fn drop_column(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        name: &str,
    ) -> Result<Arc<Table>> {
        let t = self.table_arc(oid)?;
        let c = Catalog::column_of(&t, name)?;
        if t.primary_key.as_ref().is_some_and(|pk| pk.contains(&c)) {
            bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot drop column \"{name}\" of a primary key"
            );
        }
        let doomed: Vec<String> = t
            .constraints
            .iter()
            .filter(|k| match &k.kind {
                ConstraintKind::Unique { index } => {
                    t.index(*index).is_some_and(|i| uses_column(i, c))
                }
                ConstraintKind::ForeignKey(fk) => fk.columns.contains(&c),
                _ => false,
            })
            .map(|k| k.name.clone())
            .collect();
        for k in doomed {
            self.drop_constraint(txn, oid, &k)?;
        }
        let t = self.table_arc(oid)?;
        let idx: Vec<Oid> = t
            .indexes
            .iter()
            .filter(|i| uses_column(i, c))
            .map(|i| i.oid)
            .collect();
        for i in idx {
            self.remove_index(txn, oid, i)?;
        }
        self.alter(txn, oid, |t| {
            let col = &mut t.columns[c];
            col.dropped = true;
            col.name = format!("........pg.dropped.{}........", col.attnum);
            col.not_null = false;
            col.default = None;
            col.identity = None;
            Ok(())
        })
    }

    pub fn rename_column(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        name: &str,
        new_name: &str,
    ) -> Result<Arc<Table>> {
        self.alter(txn, oid, |t| {
            let c = t.column_index(name).ok_or_else(|| {
                err!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{name}\" does not exist"
                )
            })?;
            if t.column_index(new_name).is_some() {
                bail!(
                    SqlState::DUPLICATE_COLUMN,
                    "column \"{new_name}\" of relation \"{}\" already exists",
                    t.name
                );
            }
            t.columns[c].name = new_name.to_string();
            Ok(())
        })
    }

    /// SET/DROP DEFAULT (SQL text or `None`).
    pub fn set_default(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        name: &str,
        default: Option<&str>,
    ) -> Result<Arc<Table>> {
        self.alter(txn, oid, |t| {
            let c = Catalog::column_of(t, name)?;
            t.columns[c].default = default.map(str::to_string);
            Ok(())
        })
    }

    /// SET/DROP NOT NULL (the executor checks existing rows for SET).
    pub fn set_not_null(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        name: &str,
        not_null: bool,
    ) -> Result<Arc<Table>> {
        self.alter(txn, oid, |t| {
            let c = Catalog::column_of(t, name)?;
            if !not_null && t.primary_key.as_ref().is_some_and(|pk| pk.contains(&c)) {
                bail!(
                    SqlState::INVALID_TABLE_DEFINITION,
                    "column \"{name}\" is in a primary key"
                );
            }
            t.columns[c].not_null = not_null;
            Ok(())
        })
    }

    /// ALTER COLUMN TYPE: changes the type, then rewrites every row with
    /// `convert` (the executor's cast) and rebuilds the indexes.
    pub fn alter_column_type(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        name: &str,
        ty: crate::types::DataType,
        convert: &mut dyn FnMut(&Value) -> Result<Value>,
        eval: &mut dyn IndexEval,
    ) -> Result<Arc<Table>> {
        let t = self.table_arc(oid)?;
        let c = Catalog::column_of(&t, name)?;
        let t = self.alter(txn, oid, |t| {
            t.columns[c].ty = ty;
            Ok(())
        })?;
        self.rewrite_rows(
            txn,
            &t,
            &mut |row| {
                row[c] = convert(&row[c])?;
                Ok(())
            },
            eval,
        )?;
        Ok(t)
    }

    /// Rewrites every row of `table` through `f` (rows are first widened to
    /// the table's column count), rebuilding all indexes and re-keying
    /// rows (a changed primary key is allowed).
    pub fn rewrite_rows(
        &mut self,
        txn: &mut Transaction,
        table: &Table,
        f: &mut dyn FnMut(&mut Vec<Value>) -> Result<()>,
        eval: &mut dyn IndexEval,
    ) -> Result<()> {
        crate::table::rewrite_table(txn, table, Some(f), eval)
    }

    // ---- sequences ----

    pub fn create_sequence(
        &mut self,
        txn: &mut Transaction,
        schema: Oid,
        name: &str,
        options: &SequenceOptions,
        temp: bool,
    ) -> Result<Arc<Sequence>> {
        self.check_free_name(schema, name)?;
        let mut seq = Sequence {
            oid: 0,
            schema,
            name: name.to_string(),
            ty: crate::types::DataType::Int8,
            start: 1,
            increment: 1,
            min: 1,
            max: i64::MAX,
            cache: 1,
            cycle: false,
            owned_by: None,
            temp,
        };
        apply_options(None, options, &mut seq)?;
        seq.oid = self.new_oid();
        write_state(txn, seq.oid, seq.start, false)?;
        let oid = seq.oid;
        self.save_sequence(txn, seq)?;
        Ok(self.sequences[&oid].clone())
    }

    pub fn alter_sequence(
        &mut self,
        txn: &mut Transaction,
        oid: Oid,
        options: &SequenceOptions,
    ) -> Result<Arc<Sequence>> {
        let old = self.sequences.get(&oid).cloned().ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_TABLE,
                "sequence with OID {oid} does not exist"
            )
        })?;
        let mut seq = (*old).clone();
        apply_options(Some(&old), options, &mut seq)?;
        if let Some(restart) = options.restart {
            write_state(txn, oid, restart.unwrap_or(seq.start), false)?;
        }
        self.save_sequence(txn, seq)?;
        Ok(self.sequences[&oid].clone())
    }

    pub fn drop_sequence(&mut self, txn: &mut Transaction, oid: Oid) -> Result<()> {
        delete_state(txn, oid)?;
        self.delete_sequence(txn, oid)
    }
}

enum Dependent {
    Constraint(Oid, String),
    View(Oid),
}

pub(super) fn uses_column(i: &Index, c: usize) -> bool {
    i.parts.iter().any(|p| p.expr == IndexExpr::Column(c)) || i.include.contains(&c)
}

pub(super) fn part_name<'a>(t: &'a Table, p: &'a IndexPart) -> &'a str {
    match &p.expr {
        IndexExpr::Column(c) => t.columns.get(*c).map_or("expr", |c| c.name.as_str()),
        IndexExpr::Expression { .. } => "expr",
    }
}

/// `cannot drop X because other objects depend on it`, as PostgreSQL.
fn dependents_error(what: &str, detail: &[String]) -> assay_storage::Error {
    err!(
        SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
        "cannot drop {what} because other objects depend on it"
    )
    .with_detail(detail.join("\n"))
    .with_hint("Use DROP ... CASCADE to drop the dependent objects too.")
}

/// Whether column `i`'s name is taken by an earlier column.
fn columns_before(columns: &[Column], i: usize) -> bool {
    columns[..i].iter().any(|d| d.name == columns[i].name)
}
