//! DDL on indexes and constraints: CREATE/DROP INDEX, PRIMARY KEY, UNIQUE,
//! CHECK and FOREIGN KEY.

use std::sync::Arc;

use assay_storage::{bail, err, BTree, Result, SqlState, Transaction};

use super::ddl::{part_name, tree_name, IndexDef};
use super::model::*;
use super::store::Catalog;
use crate::table::{build_index, IndexEval};

impl Catalog {
    // ---- indexes and constraints ----

    /// CREATE INDEX: makes the tree and fills it from the table's rows
    /// (failing on duplicates for a unique index). Returns the index OID.
    pub fn create_index(
        &mut self,
        txn: &mut Transaction,
        table: Oid,
        def: IndexDef,
        eval: &mut dyn IndexEval,
    ) -> Result<Oid> {
        let t = self.table_arc(table)?;
        let name = match &def.name {
            Some(n) => {
                self.check_free_name(t.schema, n)?;
                n.clone()
            }
            None => {
                let cols: Vec<&str> = def.parts.iter().map(|p| part_name(&t, p)).collect();
                self.choose_name(t.schema, &format!("{}_{}_idx", t.name, cols.join("_")), &[])
            }
        };
        self.add_index(txn, &t, name, def, None, eval)
    }

    fn add_index(
        &mut self,
        txn: &mut Transaction,
        t: &Table,
        name: String,
        def: IndexDef,
        constraint: Option<Oid>,
        eval: &mut dyn IndexEval,
    ) -> Result<Oid> {
        let oid = self.new_oid();
        let root = txn.create_tree(&tree_name("i", oid))?.root();
        let index = Index {
            oid,
            name,
            unique: def.unique,
            primary: false,
            parts: def.parts,
            include: def.include,
            predicate: def.predicate,
            constraint,
            root,
        };
        build_index(txn, t, &index, eval)?;
        self.alter(txn, t.oid, |t| {
            t.indexes.push(index);
            Ok(())
        })?;
        Ok(oid)
    }

    /// DROP INDEX; fails if a constraint owns it, as PostgreSQL does.
    pub fn drop_index(&mut self, txn: &mut Transaction, table: Oid, index: Oid) -> Result<()> {
        let t = self.table_arc(table)?;
        let i = t.index(index).ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_OBJECT,
                "index with OID {index} does not exist"
            )
        })?;
        if let Some(c) = i
            .constraint
            .and_then(|c| t.constraints.iter().find(|k| k.oid == c))
        {
            return Err(err!(
                SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop index {} because constraint {} on table {} requires it",
                i.name,
                c.name,
                t.name
            )
            .with_hint(format!(
                "You can drop constraint {} on table {} instead.",
                c.name, t.name
            )));
        }
        self.remove_index(txn, table, index)
    }

    pub(super) fn remove_index(
        &mut self,
        txn: &mut Transaction,
        table: Oid,
        index: Oid,
    ) -> Result<()> {
        let t = self.table_arc(table)?;
        if t.index(index).is_some_and(|i| !i.primary) {
            txn.drop_tree(&tree_name("i", index))?;
        }
        self.alter(txn, table, |t| {
            t.indexes.retain(|i| i.oid != index);
            Ok(())
        })
        .map(|_| ())
    }

    fn check_constraint_name(t: &Table, name: &str) -> Result<()> {
        if t.constraint(name).is_some() {
            bail!(
                SqlState::DUPLICATE_OBJECT,
                "constraint \"{name}\" for relation \"{}\" already exists",
                t.name
            );
        }
        Ok(())
    }

    /// PRIMARY KEY: marks the columns NOT NULL and re-keys existing rows.
    pub fn add_primary_key(
        &mut self,
        txn: &mut Transaction,
        table: Oid,
        name: Option<&str>,
        cols: &[usize],
    ) -> Result<Arc<Table>> {
        let t = self.table_arc(table)?;
        if t.primary_key.is_some() {
            bail!(
                SqlState::INVALID_TABLE_DEFINITION,
                "multiple primary keys for table \"{}\" are not allowed",
                t.name
            );
        }
        let name = match name {
            Some(n) => {
                self.check_free_name(t.schema, n)?;
                n.to_string()
            }
            None => self.choose_name(t.schema, &format!("{}_pkey", t.name), &[]),
        };
        let (index_oid, con_oid) = (self.new_oid(), self.new_oid());
        let had_rows = !BTree::open(t.root).is_empty(txn)?;
        let t = self.alter(txn, table, |t| {
            for &c in cols {
                t.columns[c].not_null = true;
            }
            t.primary_key = Some(cols.to_vec());
            t.indexes.push(Index {
                oid: index_oid,
                name: name.clone(),
                unique: true,
                primary: true,
                parts: cols
                    .iter()
                    .map(|&c| IndexPart {
                        expr: IndexExpr::Column(c),
                        order: KeyOrder::ASC,
                    })
                    .collect(),
                include: Vec::new(),
                predicate: None,
                constraint: Some(con_oid),
                root: t.root,
            });
            t.constraints.push(Constraint {
                oid: con_oid,
                name,
                kind: ConstraintKind::PrimaryKey { index: index_oid },
            });
            Ok(())
        })?;
        if had_rows {
            crate::table::rewrite_table(txn, &t, None, &mut crate::table::ColumnsOnly)?;
        }
        Ok(t)
    }

    /// UNIQUE (columns): a constraint owning a unique index.
    pub fn add_unique(
        &mut self,
        txn: &mut Transaction,
        table: Oid,
        name: Option<&str>,
        cols: &[usize],
    ) -> Result<Arc<Table>> {
        let t = self.table_arc(table)?;
        let name = match name {
            Some(n) => {
                Catalog::check_constraint_name(&t, n)?;
                self.check_free_name(t.schema, n)?;
                n.to_string()
            }
            None => {
                let names: Vec<&str> = cols.iter().map(|&c| t.columns[c].name.as_str()).collect();
                self.choose_name(
                    t.schema,
                    &format!("{}_{}_key", t.name, names.join("_")),
                    &[],
                )
            }
        };
        let con_oid = self.new_oid();
        let def = IndexDef {
            name: Some(name.clone()),
            unique: true,
            parts: cols
                .iter()
                .map(|&c| IndexPart {
                    expr: IndexExpr::Column(c),
                    order: KeyOrder::ASC,
                })
                .collect(),
            include: Vec::new(),
            predicate: None,
        };
        let index = self.add_index(
            txn,
            &t,
            name.clone(),
            def,
            Some(con_oid),
            &mut crate::table::ColumnsOnly,
        )?;
        self.alter(txn, table, |t| {
            t.constraints.push(Constraint {
                oid: con_oid,
                name,
                kind: ConstraintKind::Unique { index },
            });
            Ok(())
        })
    }

    /// CHECK or FOREIGN KEY (validating existing rows is the executor's).
    /// Unnamed ones get PostgreSQL's names: `t_a_check`, `t_a_fkey`.
    pub fn add_constraint(
        &mut self,
        txn: &mut Transaction,
        table: Oid,
        name: Option<&str>,
        kind: ConstraintKind,
        first_column: Option<usize>,
    ) -> Result<Arc<Table>> {
        let t = self.table_arc(table)?;
        let name = match name {
            Some(n) => {
                Catalog::check_constraint_name(&t, n)?;
                n.to_string()
            }
            None => {
                let (cols, suffix) = match &kind {
                    ConstraintKind::ForeignKey(fk) => (fk.columns.clone(), "fkey"),
                    _ => (first_column.into_iter().collect(), "check"),
                };
                let mut base = t.name.clone();
                for c in cols {
                    base = format!("{base}_{}", t.columns[c].name);
                }
                let base = format!("{base}_{suffix}");
                let taken: Vec<String> = t.constraints.iter().map(|c| c.name.clone()).collect();
                if taken.contains(&base) {
                    (1..)
                        .map(|i| format!("{base}{i}"))
                        .find(|n| !taken.contains(n))
                        .unwrap_or_default()
                } else {
                    base
                }
            }
        };
        let oid = self.new_oid();
        self.alter(txn, table, |t| {
            t.constraints.push(Constraint { oid, name, kind });
            Ok(())
        })
    }

    /// DROP CONSTRAINT, with its index; dropping the primary key re-keys
    /// the rows by row id.
    pub fn drop_constraint(
        &mut self,
        txn: &mut Transaction,
        table: Oid,
        name: &str,
    ) -> Result<Arc<Table>> {
        let t = self.table_arc(table)?;
        let c = t.constraint(name).cloned().ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_OBJECT,
                "constraint \"{name}\" of relation \"{}\" does not exist",
                t.name
            )
        })?;
        match c.kind {
            ConstraintKind::Unique { index } => self.remove_index(txn, table, index)?,
            ConstraintKind::PrimaryKey { index } => {
                let t = self.alter(txn, table, |t| {
                    t.indexes.retain(|i| i.oid != index);
                    t.primary_key = None;
                    t.constraints.retain(|k| k.oid != c.oid);
                    Ok(())
                })?;
                crate::table::rewrite_table(txn, &t, None, &mut crate::table::ColumnsOnly)?;
                return Ok(t);
            }
            _ => {}
        }
        self.alter(txn, table, |t| {
            t.constraints.retain(|k| k.oid != c.oid);
            Ok(())
        })
    }
}
