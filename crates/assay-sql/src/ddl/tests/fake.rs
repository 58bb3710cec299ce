//! A stand-in for the binder and executor: types and evaluates the small
//! expressions the tests use (columns, integer and boolean constants,
//! comparisons, AND/OR, `nextval`, `length`, casts to integer).

use assay_storage::{bail, err, Result, SqlState, Transaction};

use crate::ast::{BinaryOp, Expr, Literal, Query};
use crate::catalog::{Catalog, Index, SequenceSession, Table};
use crate::ddl::exprs::parse_expr;
use crate::ddl::{DdlServices, ExprRole, QueryShape};
use crate::table::IndexEval;
use crate::types::{DataType, Value};

#[derive(Default)]
pub(crate) struct Fake {
    pub sequences: SequenceSession,
    /// What `describe_query` answers.
    pub shape: QueryShape,
    /// What `run_query` produces.
    pub rows: Vec<Vec<Value>>,
}

fn parse(sql: &str) -> Result<Expr> {
    parse_expr(sql).ok_or_else(|| err!(SqlState::SYNTAX_ERROR, "fake cannot parse {sql}"))
}

fn type_of(t: &Table, e: &Expr) -> Result<DataType> {
    Ok(match e {
        Expr::Column { names, .. } => {
            let n = names.last().cloned().unwrap_or_default();
            let c = t
                .column_index(&n)
                .ok_or_else(|| err!(SqlState::UNDEFINED_COLUMN, "column \"{n}\" does not exist"))?;
            t.columns[c].ty.clone()
        }
        Expr::Literal { value, .. } => match value {
            Literal::Number(_) => DataType::Int4,
            Literal::Boolean(_) => DataType::Bool,
            _ => DataType::Unknown,
        },
        Expr::Binary { op, left, right } => {
            type_of(t, left)?;
            type_of(t, right)?;
            match op {
                BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => DataType::Int4,
                _ => DataType::Bool,
            }
        }
        Expr::Function(f) if f.name.base() == "nextval" => DataType::Int8,
        Expr::Function(f) if f.name.base() == "length" => DataType::Int4,
        Expr::Function(f) => f
            .args
            .first()
            .map(|a| type_of(t, &a.value))
            .transpose()?
            .unwrap_or(DataType::Text),
        Expr::Cast { .. } => DataType::Int4,
        _ => DataType::Bool,
    })
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int2(i) => Some(i64::from(*i)),
        Value::Int4(i) => Some(i64::from(*i)),
        Value::Int8(i) => Some(*i),
        _ => None,
    }
}

impl Fake {
    fn eval(
        &mut self,
        c: &Catalog,
        txn: &mut Transaction,
        t: &Table,
        e: &Expr,
        row: &[Value],
    ) -> Result<Value> {
        Ok(match e {
            Expr::Column { names, .. } => {
                let n = names.last().cloned().unwrap_or_default();
                row[t.column_index(&n).unwrap_or(0)].clone()
            }
            Expr::Literal { value, .. } => match value {
                Literal::Number(n) => Value::Int4(n.parse().unwrap_or(0)),
                Literal::Boolean(b) => Value::Bool(*b),
                Literal::String(s) => Value::text(s),
                _ => Value::Null,
            },
            Expr::Binary { op, left, right } => {
                let (l, r) = (
                    self.eval(c, txn, t, left, row)?,
                    self.eval(c, txn, t, right, row)?,
                );
                if l.is_null() || r.is_null() {
                    return Ok(Value::Null);
                }
                let (a, b) = (int(&l).unwrap_or(0), int(&r).unwrap_or(0));
                match op {
                    BinaryOp::Add => Value::Int4((a + b) as i32),
                    BinaryOp::Gt => Value::Bool(a > b),
                    BinaryOp::Lt => Value::Bool(a < b),
                    BinaryOp::GtEq => Value::Bool(a >= b),
                    BinaryOp::Eq => Value::Bool(a == b),
                    _ => bail!(SqlState::FEATURE_NOT_SUPPORTED, "fake operator"),
                }
            }
            Expr::Function(f) if f.name.base() == "nextval" => {
                let name = crate::ddl::exprs::nextval_targets(e)
                    .pop()
                    .unwrap_or_default();
                let seq = c
                    .lookup_sequence(None, &name, &SearchPathless::path())?
                    .clone();
                Value::Int8(self.sequences.nextval(txn, &seq)?)
            }
            Expr::Function(f) if f.name.base() == "length" => {
                match self.eval(c, txn, t, &f.args[0].value, row)? {
                    Value::Null => Value::Null,
                    v => Value::Int4(
                        crate::types::format_value(&v, &crate::types::Settings::default())
                            .unwrap_or_default()
                            .len() as i32,
                    ),
                }
            }
            Expr::Cast { expr, .. } => self.eval(c, txn, t, expr, row)?,
            _ => bail!(SqlState::FEATURE_NOT_SUPPORTED, "fake expression {e}"),
        })
    }
}

struct SearchPathless;

impl SearchPathless {
    fn path() -> crate::catalog::SearchPath {
        crate::catalog::SearchPath::default()
    }
}

impl IndexEval for Fake {
    fn eval(
        &mut self,
        _: &Table,
        index: &Index,
        row: &[Value],
        out: &mut Vec<Value>,
    ) -> Result<bool> {
        for _ in &index.parts {
            out.push(row.first().cloned().unwrap_or(Value::Null));
        }
        Ok(true)
    }
}

impl DdlServices for Fake {
    fn bind_expression(
        &mut self,
        _: &Catalog,
        table: &Table,
        sql: &str,
        _: ExprRole<'_>,
    ) -> Result<DataType> {
        type_of(table, &parse(sql)?)
    }

    fn eval_expression(
        &mut self,
        catalog: &Catalog,
        txn: &mut Transaction,
        table: &Table,
        sql: &str,
        row: &[Value],
    ) -> Result<Value> {
        let e = parse(sql)?;
        self.eval(catalog, txn, table, &e, row)
    }

    fn describe_query(&mut self, _: &Catalog, _: &Query) -> Result<QueryShape> {
        Ok(self.shape.clone())
    }

    fn run_query(
        &mut self,
        _: &Catalog,
        txn: &mut Transaction,
        _: &Query,
        sink: &mut dyn FnMut(&mut Transaction, &[Value]) -> Result<()>,
    ) -> Result<()> {
        for r in &self.rows {
            sink(txn, r)?;
        }
        Ok(())
    }
}
