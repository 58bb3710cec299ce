//! One result row ([`Row`]), its columns ([`Column`]) and how a column is
//! named ([`RowIndex`]). The rows of a query come as [`Rows`](crate::Rows)
//! (`rows.rs`).

use std::sync::Arc;

use assay_sql::plan::Field;
use assay_sql::types::{DataType, Value};
use assay_storage::{err, Result, SqlState};

use crate::FromValue;

/// A result column: its name and SQL type.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    name: String,
    data_type: DataType,
}

impl Column {
    pub(crate) fn from_field(field: &Field) -> Column {
        Column {
            name: field.name.clone(),
            data_type: field.data_type.clone(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type as PostgreSQL's `format_type` spells it (`integer`,
    /// `character varying(10)`, `timestamp with time zone`).
    pub fn type_name(&self) -> String {
        self.data_type.to_string()
    }

    /// The type itself (its PostgreSQL OID is `data_type().oid()`).
    pub fn data_type(&self) -> &DataType {
        &self.data_type
    }
}

/// How a row's column is named: by position (from 0) or by name.
pub trait RowIndex {
    /// The column's position in `columns`.
    fn position(&self, columns: &[Column]) -> Result<usize>;
}

impl RowIndex for usize {
    fn position(&self, columns: &[Column]) -> Result<usize> {
        if *self < columns.len() {
            return Ok(*self);
        }
        Err(err!(
            SqlState::UNDEFINED_COLUMN,
            "column index {self} is out of range (the row has {} columns)",
            columns.len()
        ))
    }
}

impl RowIndex for str {
    /// The first column of that name; failing an exact match, the first
    /// that matches ignoring ASCII case.
    fn position(&self, columns: &[Column]) -> Result<usize> {
        columns
            .iter()
            .position(|c| c.name == self)
            .or_else(|| {
                columns
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(self))
            })
            .ok_or_else(|| {
                err!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{self}\" does not exist"
                )
            })
    }
}

impl<T: RowIndex + ?Sized> RowIndex for &T {
    fn position(&self, columns: &[Column]) -> Result<usize> {
        (**self).position(columns)
    }
}

impl RowIndex for String {
    fn position(&self, columns: &[Column]) -> Result<usize> {
        self.as_str().position(columns)
    }
}

/// One result row.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    columns: Arc<[Column]>,
    values: Vec<Value>,
}

impl Row {
    pub(crate) fn new(columns: Arc<[Column]>, values: Vec<Value>) -> Row {
        Row { columns, values }
    }
}

impl Row {
    /// The value of a column (by position or name) as `T`. Errors name the
    /// column: `column "age": value 70000 is out of range for i16`.
    /// Text and bytea read without a copy as `&str` and `&[u8]`.
    pub fn get<'a, T: FromValue<'a>>(&'a self, index: impl RowIndex) -> Result<T> {
        let at = index.position(&self.columns)?;
        T::from_value(&self.values[at])
            .map_err(|e| e.context(format_args!("column \"{}\"", self.columns[at].name)))
    }

    /// The raw value of a column.
    pub fn value(&self, index: impl RowIndex) -> Result<&Value> {
        Ok(&self.values[index.position(&self.columns)?])
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn values(&self) -> &[Value] {
        &self.values
    }

    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}
