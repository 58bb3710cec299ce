//! Secondary index entries: building them, checking uniqueness, formatting
//! the violation as PostgreSQL does.
//!
//! Entry key: `keycode(index columns) · row key`; entry value: the length
//! of the index-column part as a varint, so the row key is found without
//! decoding the columns.

use assay_storage::{err, BTree, Error, PageRead, Result, SqlState};

use super::key_codec::encode_key_value;
use super::row_codec::put_varint;
use crate::catalog::{Index, IndexExpr, Table};
use crate::types::{format_value, Settings, Value};

/// Computes what the store cannot: the key values of expression index
/// parts and whether a row satisfies a partial index's predicate. The
/// executor implements it; plain column indexes never call it.
pub trait IndexEval {
    /// Pushes one value per index part onto `out` and returns whether
    /// `row` belongs in the index (its predicate holds).
    fn eval(
        &mut self,
        table: &Table,
        index: &Index,
        row: &[Value],
        out: &mut Vec<Value>,
    ) -> Result<bool>;
}

/// The evaluator for tables whose indexes are all plain columns.
pub struct ColumnsOnly;

impl IndexEval for ColumnsOnly {
    fn eval(&mut self, _: &Table, index: &Index, _: &[Value], _: &mut Vec<Value>) -> Result<bool> {
        Err(err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "index \"{}\" has expressions or a predicate the executor must evaluate",
            index.name
        ))
    }
}

/// Index key values of `row` for `index` into `vals`; false if the row is
/// not in a partial index.
pub(super) fn index_values(
    table: &Table,
    index: &Index,
    row: &[Value],
    eval: &mut dyn IndexEval,
    vals: &mut Vec<Value>,
) -> Result<bool> {
    vals.clear();
    if index.is_simple() {
        for p in &index.parts {
            if let IndexExpr::Column(c) = p.expr {
                vals.push(row.get(c).cloned().unwrap_or(Value::Null));
            }
        }
        return Ok(true);
    }
    let inside = eval.eval(table, index, row, vals)?;
    if inside && vals.len() != index.parts.len() {
        return Err(err!(
            SqlState::INTERNAL_ERROR,
            "index \"{}\" has {} parts but {} values were computed",
            index.name,
            index.parts.len(),
            vals.len()
        ));
    }
    Ok(inside)
}

/// Appends the keycode of `vals` in `index`'s orders.
pub(super) fn encode_index_prefix(index: &Index, vals: &[Value], out: &mut Vec<u8>) -> Result<()> {
    for (p, v) in index.parts.iter().zip(vals) {
        encode_key_value(out, v, p.order.sort_order())?;
    }
    Ok(())
}

/// The entry value: the length of the index-column prefix.
pub(super) fn entry_value(prefix_len: usize, out: &mut Vec<u8>) {
    out.clear();
    put_varint(out, prefix_len as u64);
}

/// Whether some entry other than `own_row` starts with `prefix`.
pub(super) fn conflicting_entry<P: PageRead>(
    p: &P,
    tree: BTree,
    prefix: &[u8],
    own_row: Option<&[u8]>,
) -> Result<bool> {
    let mut c = tree.cursor();
    let mut more = c.seek_ge(p, prefix)?;
    while more {
        let Some(k) = c.key() else { return Ok(false) };
        if !k.starts_with(prefix) {
            return Ok(false);
        }
        if own_row != Some(&k[prefix.len()..]) {
            return Ok(true);
        }
        more = c.next(p)?;
    }
    Ok(false)
}

/// Whether a unique check applies: NULLs never conflict.
pub(super) fn has_null(vals: &[Value]) -> bool {
    vals.iter().any(Value::is_null)
}

/// `duplicate key value violates unique constraint "name"` with PostgreSQL's
/// DETAIL `Key (a, b)=(1, x) already exists.`
pub fn unique_violation(table: &Table, index: &Index, vals: &[Value]) -> Error {
    let settings = Settings::default();
    let names: Vec<String> = index
        .parts
        .iter()
        .map(|p| match &p.expr {
            IndexExpr::Column(c) => table
                .columns
                .get(*c)
                .map_or_else(|| "?".to_string(), |c| c.name.clone()),
            IndexExpr::Expression { sql, .. } => sql.clone(),
        })
        .collect();
    let values: Vec<String> = vals
        .iter()
        .map(|v| format_value(v, &settings).unwrap_or_else(|| "null".to_string()))
        .collect();
    err!(
        SqlState::UNIQUE_VIOLATION,
        "duplicate key value violates unique constraint \"{}\"",
        index.name
    )
    .with_detail(format!(
        "Key ({})=({}) already exists.",
        names.join(", "),
        values.join(", ")
    ))
}
