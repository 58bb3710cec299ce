//! Row values and composite types: `ROW(1, 'a')`, a table's row, a value
//! of a type made by `CREATE TYPE pair AS (a int, b text)`.
//!
//! # Types
//!
//! A [`RecordType`] lists its fields (name and [`DataType`]) and names the
//! type it is: a composite type (a `CREATE TYPE … AS (…)` or a table's
//! row type, whose OID is the relation's OID and whose name is its
//! catalog name), or the anonymous `record` (OID 2249, fields `f1`, `f2`,
//! … for a `ROW(…)`). `DataType::Record(None)` is the `record` pseudo-type
//! whose fields are not known until run time (a function taking any
//! record); `DataType::Record(Some(t))` knows them.
//!
//! # Values
//!
//! A [`Record`] is its fields' values plus the `Arc` of its type, so a
//! record prints, compares and converts to JSON by itself, wherever it
//! sits (in an array, in another record, in an aggregate's state).
//! Records read back from a table (the row codec keeps only the type's
//! OID beside the field values) carry a bare type that names the OID and
//! no fields; the binder casts a composite column to its declared type as
//! it reads it, which puts the full type back ([`retype`]).
//!
//! # Text form
//!
//! `record_out`: `(f1,f2,…)`, a NULL field as nothing, a field quoted with
//! `"` when it is empty or holds `"`, `\`, `(`, `)`, `,` or white space,
//! with `"` and `\` doubled inside the quotes. `record_in` reads that form
//! (and `\x` escapes, quoting anywhere inside a field), and reads each
//! field with its type's input function.

use std::cmp::Ordering;
use std::sync::Arc;

use assay_storage::{err, Error, Result, SqlState};

use super::datatype::DataType;
use super::settings::Settings;
use super::value::Value;

/// OID of the `record` pseudo-type.
pub const RECORD_OID: u32 = 2249;
/// OID of `record[]`.
pub const RECORD_ARRAY_OID: u32 = 2287;

/// One field of a record type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordField {
    pub name: String,
    pub ty: DataType,
}

/// The fields of a row type and which type it is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordType {
    /// The composite type's OID (its relation's), or [`RECORD_OID`].
    pub oid: u32,
    /// The name `format_type` prints (schema-qualified when not visible);
    /// `None` for an anonymous record.
    pub name: Option<String>,
    pub fields: Vec<RecordField>,
}

impl RecordType {
    /// An anonymous record of these field types, named `f1`, `f2`, ….
    pub fn anonymous(types: Vec<DataType>) -> RecordType {
        RecordType {
            oid: RECORD_OID,
            name: None,
            fields: types
                .into_iter()
                .enumerate()
                .map(|(i, ty)| RecordField {
                    name: format!("f{}", i + 1),
                    ty,
                })
                .collect(),
        }
    }

    /// A stand-in naming only the OID, as a record read from storage has
    /// until it is cast to its column's type.
    pub fn bare(oid: u32) -> RecordType {
        RecordType {
            oid,
            name: None,
            fields: Vec::new(),
        }
    }

    pub fn is_bare(&self) -> bool {
        self.oid != RECORD_OID && self.name.is_none() && self.fields.is_empty()
    }

    /// The position of the field named `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// A row value.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub ty: Arc<RecordType>,
    pub values: Vec<Value>,
}

impl Record {
    pub fn new(ty: Arc<RecordType>, values: Vec<Value>) -> Record {
        Record { ty, values }
    }

    /// The name of field `i` (`f{i+1}` when the type does not say).
    pub fn field_name(&self, i: usize) -> String {
        self.ty
            .fields
            .get(i)
            .map_or_else(|| format!("f{}", i + 1), |f| f.name.clone())
    }
}

/// The record value of `values` with type `ty`.
pub fn record_value(ty: Arc<RecordType>, values: Vec<Value>) -> Value {
    Value::Record(Arc::new(Record::new(ty, values)))
}

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.chars().any(|c| {
            matches!(c, '"' | '\\' | '(' | ')' | ',') || c.is_ascii_whitespace() || c == '\x0b'
        })
}

/// `record_out`, each field printed by `field`.
pub fn format_record(r: &Record, field: &mut dyn FnMut(&Value) -> Option<String>) -> String {
    let mut out = String::from("(");
    for (i, v) in r.values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let Some(text) = field(v) else { continue };
        if needs_quotes(&text) {
            out.push('"');
            for c in text.chars() {
                if c == '"' || c == '\\' {
                    out.push(c);
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(&text);
        }
    }
    out.push(')');
    out
}

fn malformed(input: &str, detail: &str) -> Error {
    err!(
        SqlState::INVALID_TEXT_REPRESENTATION,
        "malformed record literal: \"{}\"",
        input
    )
    .with_detail(detail)
}

/// Splits a record literal into its fields' texts (`None` for NULL).
pub fn split_record(input: &str, count: usize) -> Result<Vec<Option<String>>> {
    let mut chars = input.chars().peekable();
    while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
        chars.next();
    }
    if chars.next() != Some('(') {
        return Err(malformed(input, "Missing left parenthesis."));
    }
    let mut fields = Vec::new();
    let mut closed = false;
    if count == 0 {
        if chars.next() != Some(')') {
            return Err(malformed(input, "Too many columns."));
        }
        closed = true;
    }
    while !closed {
        if fields.len() == count {
            return Err(malformed(input, "Too many columns."));
        }
        if matches!(chars.peek(), Some(',') | Some(')')) {
            fields.push(None);
        } else {
            let mut text = String::new();
            let mut quoted = false;
            loop {
                match chars.next() {
                    None => return Err(malformed(input, "Unexpected end of input.")),
                    Some('"') if quoted && chars.peek() == Some(&'"') => {
                        chars.next();
                        text.push('"');
                    }
                    Some('"') => quoted = !quoted,
                    Some('\\') => match chars.next() {
                        Some(c) => text.push(c),
                        None => return Err(malformed(input, "Unexpected end of input.")),
                    },
                    Some(c @ (',' | ')')) if !quoted => {
                        fields.push(Some(text));
                        if c == ')' {
                            closed = true;
                        } else if fields.len() == count {
                            return Err(malformed(input, "Too many columns."));
                        }
                        break;
                    }
                    Some(c) => text.push(c),
                }
            }
            continue;
        }
        match chars.next() {
            Some(')') => closed = true,
            Some(',') => {
                if fields.len() == count {
                    return Err(malformed(input, "Too many columns."));
                }
            }
            _ => return Err(malformed(input, "Unexpected end of input.")),
        }
    }
    if fields.len() < count {
        return Err(malformed(input, "Too few columns."));
    }
    if chars.any(|c| !c.is_ascii_whitespace()) {
        return Err(malformed(input, "Junk after right parenthesis."));
    }
    Ok(fields)
}

/// `record_in` for type `ty`, each field read by `parse`.
pub fn parse_record(
    input: &str,
    ty: &Arc<RecordType>,
    parse: &mut dyn FnMut(&str, &DataType) -> Result<Value>,
) -> Result<Value> {
    if ty.oid == RECORD_OID && ty.fields.is_empty() {
        return Err(err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "input of anonymous composite types is not implemented"
        ));
    }
    let texts = split_record(input, ty.fields.len())?;
    let mut values = Vec::with_capacity(texts.len());
    for (text, field) in texts.iter().zip(&ty.fields) {
        values.push(match text {
            None => Value::Null,
            Some(s) => parse(s, &field.ty)?,
        });
    }
    Ok(record_value(ty.clone(), values))
}

/// `record_cmp`: field by field, a NULL field after any value; two
/// records of different widths compare by their common fields, then the
/// shorter first.
pub fn compare_records(
    a: &Record,
    b: &Record,
    cmp: &dyn Fn(&Value, &Value) -> Ordering,
) -> Ordering {
    for (x, y) in a.values.iter().zip(&b.values) {
        let o = cmp(x, y);
        if o.is_ne() {
            return o;
        }
    }
    a.values.len().cmp(&b.values.len())
}

/// A record cast to the record type `to`: field values converted one by
/// one with `convert` (from the value's field type, or its own type when
/// the record is bare). A record of another width is an error, as in
/// PostgreSQL.
pub fn convert_record(
    r: &Record,
    to: &Arc<RecordType>,
    convert: &mut dyn FnMut(&Value, &DataType, &DataType) -> Result<Value>,
) -> Result<Value> {
    if Arc::ptr_eq(&r.ty, to) || *r.ty == **to {
        return Ok(Value::Record(Arc::new(r.clone())));
    }
    if to.oid == RECORD_OID && to.fields.is_empty() {
        return Ok(Value::Record(Arc::new(r.clone())));
    }
    if r.values.len() != to.fields.len() {
        let detail = if r.values.len() > to.fields.len() {
            "Input has too many columns."
        } else {
            "Input has too few columns."
        };
        return Err(err!(
            SqlState::DATATYPE_MISMATCH,
            "cannot cast type {} to {}",
            record_type_name(&r.ty),
            record_type_name(to)
        )
        .with_detail(detail));
    }
    let mut values = Vec::with_capacity(r.values.len());
    for (i, (v, field)) in r.values.iter().zip(&to.fields).enumerate() {
        let from =
            r.ty.fields
                .get(i)
                .map(|f| f.ty.clone())
                .or_else(|| v.own_type())
                .unwrap_or(DataType::Text);
        values.push(if v.is_null() {
            Value::Null
        } else {
            convert(v, &from, &field.ty)?
        });
    }
    Ok(record_value(to.clone(), values))
}

/// The name of a record type as error messages print it.
pub fn record_type_name(t: &RecordType) -> String {
    t.name.clone().unwrap_or_else(|| "record".to_string())
}

/// The field types of a record value (its type's, or each value's own).
pub fn field_types(r: &Record) -> Vec<DataType> {
    r.values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            r.ty.fields
                .get(i)
                .map(|f| f.ty.clone())
                .or_else(|| v.own_type())
                .unwrap_or(DataType::Text)
        })
        .collect()
}

/// Puts a full type back on a record read from storage: a bare record of
/// the same OID takes `ty` (nested composite fields too).
pub fn retype(v: &Value, ty: &DataType) -> Value {
    match (v, ty) {
        (Value::Record(r), DataType::Record(Some(t))) if r.ty.oid == t.oid && r.ty != *t => {
            let values = r
                .values
                .iter()
                .zip(&t.fields)
                .map(|(v, f)| retype(v, &f.ty))
                .collect();
            record_value(t.clone(), values)
        }
        (Value::Array(a), DataType::Array(elem)) if matches!(**elem, DataType::Record(_)) => {
            let items = a.items.iter().map(|v| retype(v, elem)).collect();
            Value::Array(Arc::new(super::value::Array {
                dims: a.dims.clone(),
                items,
            }))
        }
        _ => v.clone(),
    }
}

/// Text output of a record value.
pub fn record_text(r: &Record, settings: &Settings) -> String {
    let types = field_types(r);
    let mut i = 0;
    format_record(r, &mut |v| {
        let t = &types[i.min(types.len().saturating_sub(1))];
        i += 1;
        super::text_io::format_typed(v, t, settings)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> Arc<RecordType> {
        Arc::new(RecordType::anonymous(vec![DataType::Int4, DataType::Text]))
    }

    fn parse(input: &str) -> Result<String> {
        let s = Settings::default();
        let v = parse_record(input, &pair(), &mut |t, ty| {
            super::super::parse_value(t, ty, &s)
        })?;
        match v {
            Value::Record(r) => Ok(record_text(&r, &s)),
            _ => unreachable!(),
        }
    }

    // Each expectation checked on PostgreSQL 15 with a type (a int, b text).
    #[test]
    fn text_round_trip() {
        assert_eq!(parse("(1,a)").unwrap(), "(1,a)");
        assert_eq!(parse(" (1,\"\")").unwrap(), "(1,\"\")");
        assert_eq!(parse("(,)").unwrap(), "(,)");
        assert_eq!(parse("(1,\"a b\")").unwrap(), "(1,\"a b\")");
        assert_eq!(parse("(1,\"x\"\"y\\\\z\")").unwrap(), "(1,\"x\"\"y\\\\z\")");
        assert_eq!(parse("(1,a\\,b)").unwrap(), "(1,\"a,b\")");
    }

    #[test]
    fn malformed_literals() {
        let detail = |s: &str| parse(s).unwrap_err().detail().unwrap_or("").to_string();
        assert_eq!(detail("1,a"), "Missing left parenthesis.");
        assert_eq!(detail("(1)"), "Too few columns.");
        assert_eq!(detail("(1,a,b)"), "Too many columns.");
        assert_eq!(detail("(1,a) x"), "Junk after right parenthesis.");
        assert_eq!(detail("(1,a"), "Unexpected end of input.");
    }
}
