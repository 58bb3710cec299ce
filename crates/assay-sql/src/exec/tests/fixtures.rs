//! Plan builders, stand-in functions and a runner for the tests.

use std::sync::Arc;

use assay_storage::Result;

use crate::exec::{collect, ExecContext, MemoryTables, Row};
use crate::functions::{
    Accumulator, EvalContext, FunctionDef, Implementation, Prng, Resolved, Ret, RowIter, Volatility,
};
use crate::plan::{CmpOp, Field, Plan, PlanNode, ScalarExpr, Schema, SortKey};
use crate::types::{DataType, Settings, Value};

pub fn i(v: i64) -> Value {
    Value::Int8(v)
}

pub fn t(s: &str) -> Value {
    Value::text(s)
}

pub const N: Value = Value::Null;

pub fn col(i: usize) -> ScalarExpr {
    ScalarExpr::Column(i)
}

pub fn lit(v: Value) -> ScalarExpr {
    let data_type = match &v {
        Value::Text(_) => DataType::Text,
        Value::Bool(_) => DataType::Bool,
        _ => DataType::Int8,
    };
    ScalarExpr::Const {
        value: v,
        data_type,
    }
}

pub fn cmp(op: CmpOp, l: ScalarExpr, r: ScalarExpr) -> ScalarExpr {
    ScalarExpr::Compare {
        op,
        left: Box::new(l),
        right: Box::new(r),
    }
}

pub fn schema(n: usize) -> Schema {
    Schema::new(
        (0..n)
            .map(|k| Field::new(format!("c{k}"), DataType::Int8))
            .collect(),
    )
}

pub fn plan(node: PlanNode, width: usize) -> Plan {
    Plan::new(node, schema(width))
}

pub fn values(rows: Vec<Vec<Value>>) -> Plan {
    let width = rows.first().map_or(0, |r| r.len());
    let rows = rows
        .into_iter()
        .map(|r| r.into_iter().map(lit).collect())
        .collect();
    plan(PlanNode::Values { rows }, width)
}

pub fn asc(e: ScalarExpr) -> SortKey {
    SortKey {
        expr: e,
        descending: false,
        nulls_first: false,
    }
}

pub fn desc(e: ScalarExpr) -> SortKey {
    SortKey {
        expr: e,
        descending: true,
        nulls_first: true,
    }
}

pub fn sort(input: Plan, keys: Vec<SortKey>) -> Plan {
    let w = input.schema.len();
    plan(
        PlanNode::Sort {
            input: Box::new(input),
            keys,
            limit: None,
        },
        w,
    )
}

/// Runs a plan over `tables` with default settings.
pub fn run_on(tables: &mut MemoryTables, p: &Plan) -> Result<Vec<Row>> {
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(tables, &settings, &[], &clock, &mut rng);
    collect(p, &mut ctx)
}

pub fn run(p: &Plan) -> Result<Vec<Row>> {
    run_on(&mut MemoryTables::new(), p)
}

fn def(name: &'static str, implementation: Implementation, strict: bool) -> &'static FunctionDef {
    Box::leak(Box::new(FunctionDef {
        id: 0,
        name,
        params: Vec::new(),
        variadic: false,
        ret: Ret::Type(DataType::Int8),
        volatility: Volatility::Immutable,
        strict,
        implementation,
        columns: &[],
    }))
}

pub fn resolved(name: &'static str, implementation: Implementation, strict: bool) -> Arc<Resolved> {
    Arc::new(Resolved {
        def: def(name, implementation, strict),
        arg_types: Vec::new(),
        return_type: DataType::Int8,
    })
}

/// count(x), or count(*) without arguments.
struct Count(i64);
impl Accumulator for Count {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args.iter().all(|a| !a.is_null()) {
            self.0 += 1;
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(Value::Int8(self.0))
    }
}

/// sum(int8): NULL over no non-NULL input.
struct Sum(Option<i64>);
impl Accumulator for Sum {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if let Value::Int8(v) = args[0] {
            self.0 = Some(self.0.unwrap_or(0) + v);
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(self.0.map_or(Value::Null, Value::Int8))
    }
}

/// string_agg(text, ','): concatenation in feeding order.
struct Concat(Option<String>);
impl Accumulator for Concat {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if let Some(s) = args[0].as_str() {
            let acc = self.0.get_or_insert_with(String::new);
            if !acc.is_empty() {
                acc.push(',');
            }
            acc.push_str(s);
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(self.0.as_deref().map_or(Value::Null, Value::text))
    }
}

pub fn count() -> Arc<Resolved> {
    resolved(
        "count",
        Implementation::Aggregate(|_, _| Box::new(Count(0))),
        false,
    )
}

pub fn sum() -> Arc<Resolved> {
    resolved(
        "sum",
        Implementation::Aggregate(|_, _| Box::new(Sum(None))),
        false,
    )
}

pub fn string_agg() -> Arc<Resolved> {
    resolved(
        "string_agg",
        Implementation::Aggregate(|_, _| Box::new(Concat(None))),
        false,
    )
}

/// A built-in function from the real catalog.
pub fn builtin(name: &str, args: &[DataType]) -> Arc<Resolved> {
    Arc::new(crate::functions::lookup(name, args).expect("built-in function"))
}

pub fn row_number() -> Arc<Resolved> {
    builtin("row_number", &[])
}

pub fn rank() -> Arc<Resolved> {
    builtin("rank", &[])
}

pub fn dense_rank() -> Arc<Resolved> {
    builtin("dense_rank", &[])
}

pub fn lag() -> Arc<Resolved> {
    builtin("lag", &[DataType::Int8])
}

pub fn first_value() -> Arc<Resolved> {
    builtin("first_value", &[DataType::Int8])
}

fn series(_: &Resolved, args: &[Value], _: &mut EvalContext<'_>) -> Result<RowIter> {
    let (Value::Int8(a), Value::Int8(b)) = (&args[0], &args[1]) else {
        return Ok(Box::new(std::iter::empty()));
    };
    Ok(Box::new((*a..=*b).map(|v| Ok(vec![Value::Int8(v)]))))
}

pub fn generate_series() -> Arc<Resolved> {
    resolved(
        "generate_series",
        Implementation::SetReturning(series),
        true,
    )
}

fn upper_fn(_: &Resolved, args: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::text(
        &args[0].as_str().unwrap_or_default().to_uppercase(),
    ))
}

pub fn upper() -> Arc<Resolved> {
    resolved("upper", Implementation::Scalar(upper_fn), true)
}

/// Sorts rows by their values, for comparing unordered results.
pub fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort_by(|a, b| {
        for (x, y) in a.iter().zip(b) {
            let o = crate::types::compare(x, y);
            if o.is_ne() {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
    rows
}
