//! Functions PostgreSQL's catalog names after a type or an operator: the
//! numeric conversions callable as `float8(x)`, `int4(x)`, `numeric(x)`,
//! … (the functions behind the casts), and the `boolean` comparisons
//! `booleq`, `boolne`, `boollt`, `boolle`, `boolgt`, `boolge`.

use assay_storage::Result;

use super::args::boolean;
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::{cast, Value};

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    let numeric_types = [Int2, Int4, Int8, Float4, Float8, Numeric];
    for (name, to) in [
        ("int2", Int2),
        ("int4", Int4),
        ("int8", Int8),
        ("float4", Float4),
        ("float8", Float8),
        ("numeric", Numeric),
    ] {
        for from in numeric_types.into_iter().filter(|f| *f != to) {
            b.scalar(name, &[from], to, convert);
        }
    }
    b.scalar("booleq", &[Bool, Bool], Bool, |_, a, _| {
        compare(a, |x, y| x == y)
    });
    b.scalar("boolne", &[Bool, Bool], Bool, |_, a, _| {
        compare(a, |x, y| x != y)
    });
    b.scalar("boollt", &[Bool, Bool], Bool, |_, a, _| {
        compare(a, |x, y| !x & y)
    });
    b.scalar("boolle", &[Bool, Bool], Bool, |_, a, _| {
        compare(a, |x, y| x <= y)
    });
    b.scalar("boolgt", &[Bool, Bool], Bool, |_, a, _| {
        compare(a, |x, y| x & !y)
    });
    b.scalar("boolge", &[Bool, Bool], Bool, |_, a, _| {
        compare(a, |x, y| x >= y)
    });
}

/// The explicit cast from the argument's declared type to the result type.
fn convert(r: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    cast(&a[0], &r.arg_types[0], &r.return_type, ctx.settings)
}

fn compare(a: &[Value], f: fn(bool, bool) -> bool) -> Result<Value> {
    Ok(Value::Bool(f(boolean(&a[0])?, boolean(&a[1])?)))
}
