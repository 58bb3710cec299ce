//! Finding objects: by OID, and by name through the `search_path`.

use std::sync::Arc;

use assay_storage::{bail, err, Error, Result, SqlState};

use super::model::*;
use super::store::{Catalog, RelRef};

/// A session's `search_path` and temporary schema.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchPath {
    /// Schema names in order; `$user` stands for `user`'s schema.
    pub schemas: Vec<String>,
    pub user: String,
    /// The session's `pg_temp_N` schema, once it has created a temp object.
    pub temp_schema: Option<Oid>,
}

impl Default for SearchPath {
    fn default() -> SearchPath {
        SearchPath {
            schemas: vec!["$user".to_string(), "public".to_string()],
            user: "postgres".to_string(),
            temp_schema: None,
        }
    }
}

/// `relation "x" does not exist`, naming the relation as it was written.
pub fn undefined_relation(schema: Option<&str>, name: &str) -> Error {
    let full = match schema {
        Some(s) => format!("{s}.{name}"),
        None => name.to_string(),
    };
    err!(
        SqlState::UNDEFINED_TABLE,
        "relation \"{full}\" does not exist"
    )
}

pub fn undefined_schema(name: &str) -> Error {
    err!(
        SqlState::INVALID_SCHEMA_NAME,
        "schema \"{name}\" does not exist"
    )
}

impl Catalog {
    pub fn schema(&self, oid: Oid) -> Option<&Schema> {
        self.schemas.get(&oid)
    }

    pub fn schema_named(&self, name: &str) -> Option<&Schema> {
        self.schema_names
            .get(name)
            .and_then(|o| self.schemas.get(o))
    }

    /// The OID of schema `name`, or 3F000.
    pub fn schema_oid(&self, name: &str) -> Result<Oid> {
        self.schema_names
            .get(name)
            .copied()
            .ok_or_else(|| undefined_schema(name))
    }

    pub fn schemas(&self) -> impl Iterator<Item = &Schema> {
        self.schemas.values()
    }

    pub fn table(&self, oid: Oid) -> Option<&Arc<Table>> {
        self.tables.get(&oid)
    }

    /// Every table and view, in no particular order (composite types,
    /// kept beside them, are not tables).
    pub fn tables(&self) -> impl Iterator<Item = &Arc<Table>> {
        self.tables.values().filter(|t| !t.is_composite())
    }

    /// Every composite type made by `CREATE TYPE … AS (…)`.
    pub fn composite_types(&self) -> impl Iterator<Item = &Arc<Table>> {
        self.tables.values().filter(|t| t.is_composite())
    }

    /// The row type of relation `oid` with its fields' composite types
    /// complete (a column type read from the file names only an OID).
    pub fn row_type(&self, oid: Oid) -> Option<Arc<crate::types::RecordType>> {
        let t = self.tables.get(&oid)?;
        let mut rt = t.row_type();
        for f in &mut rt.fields {
            f.ty = self.complete_type(&f.ty, 0);
        }
        Some(Arc::new(rt))
    }

    /// The row type of the relation `name` (a composite type, a table or
    /// a view) as a data type, if there is one.
    pub fn type_named(
        &self,
        schema: Option<&str>,
        name: &str,
        path: &SearchPath,
    ) -> Result<Option<crate::types::DataType>> {
        let Some((_, RelRef::Table(oid))) = self.resolve(schema, name, path)? else {
            return Ok(None);
        };
        Ok(self
            .row_type(oid)
            .map(|t| crate::types::DataType::Record(Some(t))))
    }

    /// `ty` with every bare composite type replaced by the full one.
    pub fn complete_type(
        &self,
        ty: &crate::types::DataType,
        depth: usize,
    ) -> crate::types::DataType {
        use crate::types::DataType;
        match ty {
            DataType::Record(Some(t)) if t.is_bare() && depth < 16 => {
                match self.tables.get(&t.oid) {
                    Some(table) => {
                        let mut rt = table.row_type();
                        for f in &mut rt.fields {
                            f.ty = self.complete_type(&f.ty, depth + 1);
                        }
                        DataType::Record(Some(Arc::new(rt)))
                    }
                    None => ty.clone(),
                }
            }
            DataType::Array(e) => DataType::Array(Box::new(self.complete_type(e, depth))),
            _ => ty.clone(),
        }
    }

    pub fn sequence(&self, oid: Oid) -> Option<&Arc<Sequence>> {
        self.sequences.get(&oid)
    }

    /// Every comment, by target (`pg_description`).
    pub fn comments(&self) -> impl Iterator<Item = (&CommentTarget, &String)> {
        self.comments.iter()
    }

    pub fn sequences(&self) -> impl Iterator<Item = &Arc<Sequence>> {
        self.sequences.values()
    }

    /// The relation called `name` in schema `schema`.
    pub fn relation_in(&self, schema: Oid, name: &str) -> Option<RelRef> {
        // Avoids building a String key for the lookup in the common case
        // would need a borrowed tuple key; relation lookups are per
        // statement, not per row, so this allocation is acceptable.
        self.relations.get(&(schema, name.to_string())).copied()
    }

    /// The schemas an unqualified name is looked up in, in order: the
    /// session's temporary schema, `pg_catalog` (unless the path lists it
    /// elsewhere), then the path's existing schemas.
    pub fn search_order(&self, path: &SearchPath) -> Vec<Oid> {
        let mut order = Vec::with_capacity(path.schemas.len() + 2);
        if let Some(t) = path.temp_schema {
            order.push(t);
        }
        if !path.schemas.iter().any(|s| s == "pg_catalog") {
            order.push(PG_CATALOG_OID);
        }
        for s in &path.schemas {
            let name = if s == "$user" { &path.user } else { s };
            if let Some(&oid) = self.schema_names.get(name.as_str()) {
                if !order.contains(&oid) {
                    order.push(oid);
                }
            }
        }
        order
    }

    /// Resolves a possibly qualified relation name. A missing named schema
    /// is an error (3F000); a missing relation is `Ok(None)`.
    pub fn resolve(
        &self,
        schema: Option<&str>,
        name: &str,
        path: &SearchPath,
    ) -> Result<Option<(Oid, RelRef)>> {
        if let Some(s) = schema {
            let oid = match (s, path.temp_schema) {
                ("pg_temp", Some(t)) => t,
                _ => self.schema_oid(s)?,
            };
            return Ok(self.relation_in(oid, name).map(|r| (oid, r)));
        }
        Ok(self
            .search_order(path)
            .into_iter()
            .find_map(|oid| self.relation_in(oid, name).map(|r| (oid, r))))
    }

    /// The table or view named so, or `relation "x" does not exist`.
    pub fn lookup_table(
        &self,
        schema: Option<&str>,
        name: &str,
        path: &SearchPath,
    ) -> Result<&Arc<Table>> {
        match self.resolve(schema, name, path)? {
            Some((_, RelRef::Table(oid)))
                if self.tables.get(&oid).is_some_and(|t| t.is_composite()) =>
            {
                bail!(
                    SqlState::WRONG_OBJECT_TYPE,
                    "\"{name}\" is a composite type"
                )
            }
            Some((_, RelRef::Table(oid))) => self
                .tables
                .get(&oid)
                .ok_or_else(|| undefined_relation(schema, name)),
            Some(_) => bail!(SqlState::WRONG_OBJECT_TYPE, "\"{name}\" is not a table"),
            None => Err(undefined_relation(schema, name)),
        }
    }

    /// The sequence named so, as `nextval('name')` finds it.
    pub fn lookup_sequence(
        &self,
        schema: Option<&str>,
        name: &str,
        path: &SearchPath,
    ) -> Result<&Arc<Sequence>> {
        match self.resolve(schema, name, path)? {
            Some((_, RelRef::Sequence(oid))) => self
                .sequences
                .get(&oid)
                .ok_or_else(|| undefined_relation(schema, name)),
            Some(_) => bail!(SqlState::WRONG_OBJECT_TYPE, "\"{name}\" is not a sequence"),
            None => Err(undefined_relation(schema, name)),
        }
    }

    /// The index named so: (table, index OID).
    pub fn lookup_index(
        &self,
        schema: Option<&str>,
        name: &str,
        path: &SearchPath,
    ) -> Result<Option<(&Arc<Table>, Oid)>> {
        match self.resolve(schema, name, path)? {
            Some((_, RelRef::Index(t, i))) => Ok(self.tables.get(&t).map(|t| (t, i))),
            _ => Ok(None),
        }
    }

    /// The schema a new object goes to: the named one, the session's temp
    /// schema for a temporary object, or the first existing schema of the
    /// path (`pg_catalog` excluded).
    pub fn creation_schema(
        &self,
        schema: Option<&str>,
        path: &SearchPath,
        temp: bool,
    ) -> Result<Oid> {
        if let Some(s) = schema {
            return self.schema_oid(s);
        }
        if temp {
            return path.temp_schema.ok_or_else(|| {
                err!(
                    SqlState::INTERNAL_ERROR,
                    "the session has no temporary schema yet"
                )
            });
        }
        path.schemas
            .iter()
            .map(|s| if s == "$user" { &path.user } else { s })
            .find_map(|s| self.schema_names.get(s.as_str()).copied())
            .filter(|&o| o != PG_CATALOG_OID)
            .ok_or_else(|| {
                err!(
                    SqlState::INVALID_SCHEMA_NAME,
                    "no schema has been selected to create in"
                )
            })
    }

    /// A relation's name qualified when its schema is not on the path, as
    /// PostgreSQL's messages print it (`sc.q`).
    pub fn display_name(&self, schema: Oid, name: &str) -> String {
        match self.schemas.get(&schema) {
            Some(s) if s.oid != PUBLIC_OID && s.oid != PG_CATALOG_OID && !s.temp => {
                format!("{}.{name}", s.name)
            }
            _ => name.to_string(),
        }
    }
}
