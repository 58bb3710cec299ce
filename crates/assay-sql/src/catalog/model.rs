//! The catalog's objects as plain structs, serialized as JSON in `sys.catalog`.

use assay_storage::PageNo;
use serde::{Deserialize, Serialize};

use crate::types::{DataType, Value};

/// A PostgreSQL object identifier.
pub type Oid = u32;

pub const PG_CATALOG_OID: Oid = 11;
pub const PUBLIC_OID: Oid = 2200;
/// `information_schema`'s OID in a fresh PostgreSQL 15 cluster.
pub const INFORMATION_SCHEMA_OID: Oid = 13_207;
/// First OID given to a user object, as in PostgreSQL.
pub const FIRST_USER_OID: Oid = 16_384;

/// A schema (`pg_namespace`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    pub oid: Oid,
    pub name: String,
    /// A session's `pg_temp_N` schema, dropped when the session ends.
    #[serde(default)]
    pub temp: bool,
}

/// `GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdentityKind {
    Always,
    ByDefault,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub kind: IdentityKind,
    /// The sequence behind the column, owned by it.
    pub sequence: Oid,
}

/// A column (`pg_attribute`). Its position in [`Table::columns`] is its
/// index in every stored row; `attnum` is that position plus one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(with = "datatype_text")]
    pub ty: DataType,
    pub not_null: bool,
    /// The DEFAULT expression as SQL text; the binder parses it.
    pub default: Option<String>,
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED`: the generation expression as
    /// SQL text, computed from the row's other columns on every INSERT and
    /// UPDATE (PostgreSQL keeps it in `pg_attrdef`, as a default). Such a
    /// column has no `default`. Absent in files written before generated
    /// columns existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    pub attnum: i16,
    /// A dropped column keeps its slot (rows keep a NULL there) and its
    /// attnum; it is invisible to SQL. Its name becomes
    /// `........pg.dropped.N........` as in PostgreSQL.
    pub dropped: bool,
}

impl Column {
    pub fn new(name: &str, ty: DataType) -> Column {
        Column {
            name: name.to_string(),
            ty,
            not_null: false,
            default: None,
            identity: None,
            generated: None,
            attnum: 0,
            dropped: false,
        }
    }
}

/// What kind of relation a [`Table`] is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TableKind {
    Ordinary,
    /// A view: its defining query as SQL text, and the tables and views it
    /// reads (recorded by the binder, for DROP's dependency check).
    View {
        query: String,
        depends_on: Vec<Oid>,
    },
    /// A composite type (`CREATE TYPE name AS (…)`, relkind `c`): its
    /// columns are the type's fields, it has no rows. Its type OID is its
    /// relation OID.
    Composite,
}

/// ASC/DESC and NULLS FIRST/LAST of one index column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyOrder {
    pub descending: bool,
    pub nulls_first: bool,
}

impl KeyOrder {
    pub const ASC: KeyOrder = KeyOrder {
        descending: false,
        nulls_first: false,
    };

    pub fn sort_order(self) -> assay_storage::keycode::SortOrder {
        assay_storage::keycode::SortOrder::new(self.descending, self.nulls_first)
    }
}

/// What an index column holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum IndexExpr {
    /// A table column, by its index in [`Table::columns`].
    Column(usize),
    /// An expression (SQL text) of the given result type, computed by the
    /// executor and passed in through [`IndexEval`](crate::table::IndexEval).
    Expression {
        sql: String,
        #[serde(with = "datatype_text")]
        ty: DataType,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexPart {
    pub expr: IndexExpr,
    pub order: KeyOrder,
}

/// A secondary index (`pg_index`), stored as its own B+tree.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub oid: Oid,
    pub name: String,
    pub unique: bool,
    /// The primary key's index is the row tree itself: `root` is the
    /// table's and no separate entries are kept.
    #[serde(default)]
    pub primary: bool,
    pub parts: Vec<IndexPart>,
    /// INCLUDE columns (not part of the key; kept for the catalog).
    pub include: Vec<usize>,
    /// WHERE predicate of a partial index, as SQL text.
    pub predicate: Option<String>,
    /// The constraint that owns this index (PRIMARY KEY or UNIQUE).
    pub constraint: Option<Oid>,
    /// Root page of the index's B+tree (fixed for the tree's life).
    pub root: PageNo,
}

impl Index {
    /// The table column of each key part, `usize::MAX` for an expression.
    pub fn part_columns(&self) -> Vec<usize> {
        self.parts
            .iter()
            .map(|p| match p.expr {
                IndexExpr::Column(c) => c,
                _ => usize::MAX,
            })
            .collect()
    }

    /// Whether every part is a plain column and there is no predicate, so
    /// the store can compute entries without the executor.
    pub fn is_simple(&self) -> bool {
        self.predicate.is_none()
            && self
                .parts
                .iter()
                .all(|p| matches!(p.expr, IndexExpr::Column(_)))
    }
}

/// Referential actions of a foreign key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FkMatch {
    Simple,
    Full,
    Partial,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub columns: Vec<usize>,
    pub ref_table: Oid,
    pub ref_columns: Vec<usize>,
    pub on_delete: FkAction,
    pub on_update: FkAction,
    pub match_type: FkMatch,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConstraintKind {
    /// Backed by the index `index`.
    PrimaryKey {
        index: Oid,
    },
    Unique {
        index: Oid,
    },
    /// CHECK (expression as SQL text).
    Check {
        sql: String,
    },
    ForeignKey(ForeignKey),
}

/// A table constraint (`pg_constraint`). NOT NULL is a column flag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Constraint {
    pub oid: Oid,
    pub name: String,
    pub kind: ConstraintKind,
}

/// A table or view (`pg_class`), with its indexes and constraints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub oid: Oid,
    pub schema: Oid,
    pub name: String,
    pub columns: Vec<Column>,
    pub kind: TableKind,
    pub temp: bool,
    /// Primary key columns (indexes into `columns`), in key order. A table
    /// without one is keyed by a hidden 64-bit row id.
    pub primary_key: Option<Vec<usize>>,
    pub indexes: Vec<Index>,
    pub constraints: Vec<Constraint>,
    /// Root page of the row tree (0 for a view).
    pub root: PageNo,
}

impl Table {
    pub fn is_view(&self) -> bool {
        matches!(self.kind, TableKind::View { .. })
    }

    pub fn is_composite(&self) -> bool {
        matches!(self.kind, TableKind::Composite)
    }

    /// The relation's row type: the composite type it names.
    pub fn row_type(&self) -> crate::types::RecordType {
        crate::types::RecordType {
            oid: self.oid,
            name: Some(self.name.clone()),
            fields: self
                .visible_columns()
                .map(|(_, c)| crate::types::RecordField {
                    name: c.name.clone(),
                    ty: c.ty.clone(),
                })
                .collect(),
        }
    }

    /// The visible column named `name`, by its position.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| !c.dropped && c.name == name)
    }

    /// Visible columns with their positions.
    pub fn visible_columns(&self) -> impl Iterator<Item = (usize, &Column)> {
        self.columns.iter().enumerate().filter(|(_, c)| !c.dropped)
    }

    pub fn index(&self, oid: Oid) -> Option<&Index> {
        self.indexes.iter().find(|i| i.oid == oid)
    }

    pub fn constraint(&self, name: &str) -> Option<&Constraint> {
        self.constraints.iter().find(|c| c.name == name)
    }

    /// The index of the primary key constraint, if any.
    pub fn primary_index(&self) -> Option<&Index> {
        self.indexes.iter().find(|i| i.primary)
    }
}

/// A sequence's definition (`pg_sequence`). Its current value lives in the
/// `sys.sequences` tree, not here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sequence {
    pub oid: Oid,
    pub schema: Oid,
    pub name: String,
    #[serde(with = "datatype_text")]
    pub ty: DataType,
    pub start: i64,
    pub increment: i64,
    pub min: i64,
    pub max: i64,
    pub cache: i64,
    pub cycle: bool,
    /// `OWNED BY table.column` (table oid, column index).
    pub owned_by: Option<(Oid, usize)>,
    pub temp: bool,
}

/// Per-column statistics gathered by ANALYZE (`pg_stats`).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct ColumnStats {
    pub null_frac: f64,
    /// As `pg_stats.n_distinct`: positive is a count, negative a fraction
    /// of the row count (-1 means every value is distinct).
    pub n_distinct: f64,
    /// Most common values (text form) and their frequencies.
    pub most_common: Vec<(String, f64)>,
    /// Bucket bounds of an equi-depth histogram of the other values (text
    /// form, in order).
    pub histogram: Vec<String>,
    pub avg_width: u32,
}

/// Statistics of one table (`pg_class.reltuples` and `pg_statistic`).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct TableStats {
    pub row_count: u64,
    /// Indexed by column position; empty for dropped columns.
    pub columns: Vec<ColumnStats>,
}

/// A `COMMENT ON` target: an object and, for a column, its attnum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommentTarget {
    pub oid: Oid,
    pub sub: i32,
}

/// Stores a [`DataType`] as its SQL name (`character varying(10)`), which
/// [`DataType::parse`] reads back exactly.
mod datatype_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::types::DataType;

    pub fn serialize<S: Serializer>(ty: &DataType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&catalog_text(ty))
    }

    /// A composite type is written as its OID (see `COMPOSITE_MARKER`).
    fn catalog_text(ty: &DataType) -> String {
        match ty {
            DataType::Record(Some(t)) if t.oid != crate::types::record::RECORD_OID => {
                format!("{}{}", crate::types::datatype::COMPOSITE_MARKER, t.oid)
            }
            DataType::Array(e) => format!("{}[]", catalog_text(e)),
            t => t.to_string(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DataType, D::Error> {
        let text = String::deserialize(d)?;
        DataType::parse(&text).map_err(|e| serde::de::Error::custom(e.message().to_string()))
    }
}

/// Values are never stored in the catalog as such; statistics keep text.
pub(crate) fn value_text(v: &Value) -> String {
    crate::types::format_value(v, &crate::types::Settings::default()).unwrap_or_default()
}
