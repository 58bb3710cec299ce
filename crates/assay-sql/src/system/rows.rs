//! Building a system relation's rows by column name, and presenting
//! `reg*` result columns as names.

use super::{SystemContext, SystemRelation};
use crate::plan::Field;
use crate::types::{DataType, Value};

/// The rows of one relation under construction. A new row starts with
/// each column's "nothing" — 0, false, an empty name or `"char"` — for
/// catalog tables (which have no NULLs there in PostgreSQL) and NULL for
/// views; the producer then sets what it knows.
pub(crate) struct Rows {
    rel: &'static SystemRelation,
    rows: Vec<Vec<Value>>,
}

/// One row being filled in.
pub(crate) struct RowRef<'a> {
    rel: &'static SystemRelation,
    row: &'a mut Vec<Value>,
}

impl Rows {
    pub(crate) fn new(rel: &'static SystemRelation) -> Rows {
        Rows {
            rel,
            rows: Vec::new(),
        }
    }

    /// Starts a new row.
    pub(crate) fn add(&mut self) -> RowRef<'_> {
        let table = self.rel.kind == 'r';
        let row = self
            .rel
            .columns
            .iter()
            .map(|(_, ty)| if table { nothing(ty) } else { Value::Null })
            .collect();
        self.rows.push(row);
        let row = self.rows.last_mut().expect("just pushed");
        RowRef { rel: self.rel, row }
    }

    /// The row added last (`add` must have been called).
    pub(crate) fn last(&mut self) -> RowRef<'_> {
        if self.rows.is_empty() {
            return self.add();
        }
        let row = self.rows.last_mut().expect("not empty");
        RowRef { rel: self.rel, row }
    }

    pub(crate) fn into_rows(self) -> Vec<Vec<Value>> {
        self.rows
    }
}

fn nothing(ty: &DataType) -> Value {
    match ty {
        DataType::Oid | DataType::Reg(_) => Value::Int8(0),
        DataType::Bool => Value::Bool(false),
        DataType::Int2 => Value::Int2(0),
        DataType::Int4 => Value::Int4(0),
        DataType::Float4 => Value::Float4(0.0),
        DataType::Name | DataType::Char => Value::text(""),
        _ => Value::Null,
    }
}

impl RowRef<'_> {
    /// Sets column `col`. The column names are the fixed ones of
    /// `RELATIONS`; the module's tests catch a misspelt one.
    pub(crate) fn set(&mut self, col: &str, v: Value) -> &mut Self {
        match self.rel.column(col) {
            Some(i) => self.row[i] = v,
            None => debug_assert!(false, "{} has no column {col}", self.rel.name),
        }
        self
    }

    pub(crate) fn oid(&mut self, col: &str, oid: u32) -> &mut Self {
        self.set(col, Value::Int8(i64::from(oid)))
    }

    pub(crate) fn text(&mut self, col: &str, s: &str) -> &mut Self {
        self.set(col, Value::text(s))
    }

    pub(crate) fn bool(&mut self, col: &str, b: bool) -> &mut Self {
        self.set(col, Value::Bool(b))
    }

    pub(crate) fn i2(&mut self, col: &str, v: i16) -> &mut Self {
        self.set(col, Value::Int2(v))
    }

    pub(crate) fn i4(&mut self, col: &str, v: i32) -> &mut Self {
        self.set(col, Value::Int4(v))
    }

    pub(crate) fn i8(&mut self, col: &str, v: i64) -> &mut Self {
        self.set(col, Value::Int8(v))
    }
}

/// A one-dimensional array value.
pub(crate) fn array(items: Vec<Value>) -> Value {
    array_from(items, 1)
}

/// An `int2vector` or `oidvector` (`pg_index.indkey`, `pg_proc.proargtypes`),
/// modelled as an array whose subscripts start at 0, as theirs do: drivers
/// pair `unnest(indkey)` with `generate_subscripts(indkey, 1)` and read
/// `indoption[ord]`.
pub(crate) fn vector(items: Vec<Value>) -> Value {
    array_from(items, 0)
}

fn array_from(items: Vec<Value>, lower: i32) -> Value {
    if items.is_empty() {
        return Value::Array(std::sync::Arc::new(crate::types::Array {
            dims: Vec::new(),
            items,
        }));
    }
    Value::Array(std::sync::Arc::new(crate::types::Array {
        dims: vec![crate::types::ArrayDim {
            len: items.len(),
            lower,
        }],
        items,
    }))
}

/// Replaces the OIDs in `reg*` result columns by the names they stand for,
/// as those types' output functions print them.
pub fn present_rows(fields: &[Field], rows: &mut [Vec<Value>], sys: &SystemContext<'_>) {
    let reg: Vec<(usize, crate::types::RegKind)> = fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match &f.data_type {
            DataType::Reg(k) => Some((i, *k)),
            DataType::Array(inner) => match **inner {
                DataType::Reg(k) => Some((i, k)),
                _ => None,
            },
            _ => None,
        })
        .collect();
    if reg.is_empty() {
        return;
    }
    let name = |kind, v: &Value| match v {
        Value::Int8(oid) => Value::text(&sys.reg_out(kind, *oid as u32)),
        other => other.clone(),
    };
    for row in rows {
        for &(i, kind) in &reg {
            match row.get(i) {
                Some(Value::Int8(_)) => row[i] = name(kind, &row[i]),
                // `regtype[]` and the like: each element.
                Some(Value::Array(a)) => {
                    let mut a = (**a).clone();
                    a.items.iter_mut().for_each(|v| *v = name(kind, v));
                    row[i] = Value::Array(std::sync::Arc::new(a));
                }
                _ => {}
            }
        }
    }
}
