//! Type names as written, resolved to types by the binder.

use super::Pos;

/// A type name such as `int4`, `varchar(10)`, `numeric(10,2)` or `text[]`.
///
/// The SQL-standard spellings that PostgreSQL's grammar recognises as
/// keywords are already mapped to PostgreSQL's internal names (`integer` →
/// `int4`, `double precision` → `float8`, `timestamp with time zone` →
/// `timestamptz`, `character varying` → `varchar`, `char` → `bpchar`, …);
/// other names are kept as written (e.g. `serial`, `text`, `public.mytype`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeName {
    /// The name, possibly schema-qualified.
    pub names: Vec<String>,
    /// Type modifiers, e.g. `[10, 2]` for `numeric(10,2)`.
    pub modifiers: Vec<i64>,
    /// For `interval`: the field restriction, e.g. `day to second`.
    pub interval_fields: Option<String>,
    /// One entry per `[]` (with its declared bound, which PostgreSQL ignores).
    pub array_bounds: Vec<Option<i64>>,
    pub pos: Pos,
}

impl TypeName {
    /// An unqualified type without modifiers.
    pub fn simple(name: &str) -> TypeName {
        TypeName {
            names: vec![name.to_string()],
            modifiers: Vec::new(),
            interval_fields: None,
            array_bounds: Vec::new(),
            pos: Pos::default(),
        }
    }

    /// The unqualified name.
    pub fn base(&self) -> &str {
        self.names.last().map(String::as_str).unwrap_or("")
    }

    /// Whether `[]` follows the name.
    pub fn is_array(&self) -> bool {
        !self.array_bounds.is_empty()
    }
}
