//! What the binder needs from the catalog, as a small trait so that it can
//! be bound against the real catalog or an in-memory fake in tests.

use std::collections::HashMap;

use assay_storage::Result;

use crate::types::DataType;

/// A column of a table as the binder sees it.
#[derive(Clone, Debug)]
pub struct ColumnInfo {
    pub name: String,
    pub data_type: DataType,
    pub not_null: bool,
    /// The default expression as SQL text (`nextval('t_id_seq'::regclass)`
    /// for serial and identity columns).
    pub default: Option<String>,
    /// A dropped column keeps its slot in the row (as NULL) but has no name.
    pub dropped: bool,
    /// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`.
    pub identity: Option<crate::catalog::IdentityKind>,
    /// `GENERATED ALWAYS AS (expr) STORED`: the expression's SQL text.
    pub generated: Option<String>,
}

/// A unique index (or primary key), for `ON CONFLICT` inference.
#[derive(Clone, Debug)]
pub struct UniqueIndexInfo {
    pub oid: u32,
    pub name: String,
    /// Positions of the key columns in the table.
    pub columns: Vec<usize>,
}

/// A table or view found by name.
#[derive(Clone, Debug)]
pub struct TableInfo {
    pub oid: u32,
    pub name: String,
    /// Every column, in storage order (the order a scan yields them).
    pub columns: Vec<ColumnInfo>,
    pub unique_indexes: Vec<UniqueIndexInfo>,
    /// The primary key's column positions, if the table has one.
    pub primary_key: Option<Vec<usize>>,
    /// For a view: its defining query's SQL text (bound in its place).
    pub view_sql: Option<String>,
}

impl TableInfo {
    /// The table's row type: its composite type, named by the table.
    pub fn row_type(&self) -> crate::types::RecordType {
        crate::types::RecordType {
            oid: self.oid,
            name: Some(self.name.clone()),
            fields: self
                .columns
                .iter()
                .filter(|c| !c.dropped)
                .map(|c| crate::types::RecordField {
                    name: c.name.clone(),
                    ty: c.data_type.clone(),
                })
                .collect(),
        }
    }

    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| !c.dropped && c.name == name)
    }
}

/// The catalog as the binder reads it.
pub trait CatalogView {
    /// The table or view `name`, in `schema` or else through `search_path`.
    fn table(&self, schema: Option<&str>, name: &str) -> Result<Option<TableInfo>>;

    /// The composite type (or relation row type) `name`, if any.
    fn type_named(&self, _schema: Option<&str>, _name: &str) -> Result<Option<DataType>> {
        Ok(None)
    }
}

/// An in-memory catalog for tests and for binding without a database.
#[derive(Clone, Debug, Default)]
pub struct MemoryCatalog {
    tables: HashMap<String, TableInfo>,
    next_oid: u32,
}

impl MemoryCatalog {
    pub fn new() -> MemoryCatalog {
        MemoryCatalog {
            tables: HashMap::new(),
            next_oid: 16384,
        }
    }

    /// Adds a table; columns are `(name, type, not_null, default)`.
    pub fn add_table(
        &mut self,
        name: &str,
        columns: &[(&str, DataType, bool, Option<&str>)],
    ) -> u32 {
        let oid = self.next_oid;
        self.next_oid += 1;
        let columns = columns
            .iter()
            .map(|(n, t, nn, d)| ColumnInfo {
                name: n.to_string(),
                data_type: t.clone(),
                not_null: *nn,
                default: d.map(str::to_string),
                dropped: false,
                identity: None,
                generated: None,
            })
            .collect();
        self.tables.insert(
            name.to_string(),
            TableInfo {
                oid,
                name: name.to_string(),
                columns,
                unique_indexes: Vec::new(),
                primary_key: None,
                view_sql: None,
            },
        );
        oid
    }

    /// Declares a unique index on the named columns of a table.
    pub fn add_unique(&mut self, table: &str, index: &str, columns: &[&str]) {
        let oid = self.next_oid;
        self.next_oid += 1;
        if let Some(t) = self.tables.get_mut(table) {
            let cols = columns.iter().filter_map(|c| t.column_index(c)).collect();
            t.unique_indexes.push(UniqueIndexInfo {
                oid,
                name: index.to_string(),
                columns: cols,
            });
        }
    }

    /// Adds a view defined by `sql`.
    pub fn add_view(&mut self, name: &str, sql: &str) {
        let oid = self.next_oid;
        self.next_oid += 1;
        self.tables.insert(
            name.to_string(),
            TableInfo {
                oid,
                name: name.to_string(),
                columns: Vec::new(),
                unique_indexes: Vec::new(),
                primary_key: None,
                view_sql: Some(sql.to_string()),
            },
        );
    }
}

impl CatalogView for MemoryCatalog {
    fn table(&self, schema: Option<&str>, name: &str) -> Result<Option<TableInfo>> {
        if schema.is_some_and(|s| s != "public") {
            return Ok(None);
        }
        Ok(self.tables.get(name).cloned())
    }
}

/// The real catalog seen through a session's `search_path`.
pub struct SessionCatalog<'a> {
    pub catalog: &'a crate::catalog::Catalog,
    pub path: &'a crate::catalog::SearchPath,
}

impl CatalogView for SessionCatalog<'_> {
    fn table(&self, schema: Option<&str>, name: &str) -> Result<Option<TableInfo>> {
        use crate::catalog::RelRef;
        if let Some(rel) = crate::system::lookup(self.catalog, self.path, schema, name) {
            return Ok(Some(system_table_info(rel)));
        }
        let Some((_, RelRef::Table(oid))) = self.catalog.resolve(schema, name, self.path)? else {
            return Ok(None);
        };
        let Some(t) = self.catalog.table(oid) else {
            return Ok(None);
        };
        if t.is_composite() {
            return Ok(None);
        }
        Ok(Some(table_info(t)))
    }

    fn type_named(&self, schema: Option<&str>, name: &str) -> Result<Option<DataType>> {
        self.catalog.type_named(schema, name, self.path)
    }
}

/// A system relation (`pg_class`, `information_schema.columns`, …) as a
/// table: the executor's scan computes its rows.
fn system_table_info(rel: &crate::system::SystemRelation) -> TableInfo {
    TableInfo {
        oid: rel.oid,
        name: rel.name.to_string(),
        columns: rel
            .columns
            .iter()
            .map(|(n, t)| ColumnInfo {
                name: n.clone(),
                data_type: t.clone(),
                not_null: false,
                default: None,
                dropped: false,
                identity: None,
                generated: None,
            })
            .collect(),
        unique_indexes: Vec::new(),
        primary_key: None,
        view_sql: None,
    }
}

/// What the binder needs to know of a catalog table (also of one that is
/// being created and is not in the catalog yet).
pub fn table_info(t: &crate::catalog::Table) -> TableInfo {
    use crate::catalog::{IndexExpr, TableKind};
    let columns = t
        .columns
        .iter()
        .map(|c| ColumnInfo {
            name: c.name.clone(),
            data_type: c.ty.clone(),
            not_null: c.not_null,
            // An identity column's values come from its sequence, named by
            // OID (the catalog keeps no DEFAULT text for it).
            default: c.default.clone().or_else(|| {
                c.identity
                    .as_ref()
                    .map(|id| format!("nextval({}::regclass)", id.sequence))
            }),
            dropped: c.dropped,
            identity: c.identity.as_ref().map(|id| id.kind),
            generated: c.generated.clone(),
        })
        .collect();
    let unique_indexes = t
        .indexes
        .iter()
        .filter(|i| i.unique && i.predicate.is_none())
        .filter_map(|i| {
            let columns = i
                .parts
                .iter()
                .map(|p| match p.expr {
                    IndexExpr::Column(c) => Some(c),
                    IndexExpr::Expression { .. } => None,
                })
                .collect::<Option<Vec<usize>>>()?;
            Some(UniqueIndexInfo {
                oid: i.oid,
                name: i.name.clone(),
                columns,
            })
        })
        .collect();
    let view_sql = match &t.kind {
        TableKind::View { query, .. } => Some(query.clone()),
        TableKind::Ordinary | TableKind::Composite => None,
    };
    TableInfo {
        oid: t.oid,
        name: t.name.clone(),
        columns,
        unique_indexes,
        primary_key: t.primary_key.clone(),
        view_sql,
    }
}
