//! Set-returning functions: `generate_series`, `unnest`,
//! `generate_subscripts`, `string_to_table`, `regexp_matches`,
//! `regexp_split_to_table` (the json ones live in `json`).
//!
//! Each returns an iterator, so `generate_series(1, 1e9)` streams.

use std::sync::Arc;

use assay_storage::{bail, Result, SqlState};

use super::args::{array, boolean, int, numeric, text};
use super::context::EvalContext;
use super::pattern::{compile, match_groups, parse_flags, split, Flags};
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::datetime::arith::{interval_cmp_key, timestamp_add, timestamptz_add};
use crate::types::{Numeric, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

/// The rows of a set-returning function, one `Vec` of column values each.
pub type RowIter = Box<dyn Iterator<Item = Result<Vec<Value>>> + Send>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    for t in [Int4, Int8, Numeric] {
        b.set_returning("generate_series", &[t, t], t, series_int);
        b.set_returning("generate_series", &[t, t, t], t, series_int);
    }
    b.set_returning(
        "generate_series",
        &[Timestamp, Timestamp, Interval],
        Timestamp,
        series_ts,
    );
    b.set_returning(
        "generate_series",
        &[TimestampTz, TimestampTz, Interval],
        TimestampTz,
        series_ts,
    )
    .stable();
    b.set_returning("unnest", &[AnyArray], AnyElement, unnest);
    b.set_returning(
        "generate_subscripts",
        &[AnyArray, Int4],
        Int4,
        generate_subscripts,
    );
    b.set_returning(
        "generate_subscripts",
        &[AnyArray, Int4, Bool],
        Int4,
        generate_subscripts,
    );
    b.set_returning("string_to_table", &[Text, Text], Text, string_to_table)
        .lenient();
    b.set_returning(
        "string_to_table",
        &[Text, Text, Text],
        Text,
        string_to_table,
    )
    .lenient();
    b.set_returning("regexp_matches", &[Text, Text], TextArray, regexp_matches);
    b.set_returning(
        "regexp_matches",
        &[Text, Text, Text],
        TextArray,
        regexp_matches,
    );
    b.set_returning(
        "regexp_split_to_table",
        &[Text, Text],
        Text,
        regexp_split_to_table,
    );
    b.set_returning(
        "regexp_split_to_table",
        &[Text, Text, Text],
        Text,
        regexp_split_to_table,
    );
}

fn rows(values: Vec<Value>) -> RowIter {
    Box::new(values.into_iter().map(|v| Ok(vec![v])))
}

fn step_zero() -> assay_storage::Error {
    assay_storage::err!(
        SqlState::INVALID_PARAMETER_VALUE,
        "step size cannot equal zero"
    )
}

fn series_int(_: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    if let Value::Numeric(_) = a[0] {
        return series_numeric(a);
    }
    let (start, stop) = (int(&a[0])?, int(&a[1])?);
    let step = match a.get(2) {
        Some(v) => int(v)?,
        None => 1,
    };
    if step == 0 {
        return Err(step_zero());
    }
    let make: fn(i64) -> Value = match a[0] {
        Value::Int4(_) => |v| Value::Int4(v as i32),
        _ => Value::Int8,
    };
    let mut next = Some(start);
    Ok(Box::new(std::iter::from_fn(move || {
        let cur = next?;
        if (step > 0 && cur > stop) || (step < 0 && cur < stop) {
            return None;
        }
        // Stop instead of overflowing past the type's end.
        next = cur
            .checked_add(step)
            .filter(|n| make(*n) != Value::Null && fits(make, *n));
        Some(Ok(vec![make(cur)]))
    })))
}

fn fits(make: fn(i64) -> Value, n: i64) -> bool {
    match make(0) {
        Value::Int4(_) => i32::try_from(n).is_ok(),
        _ => true,
    }
}

fn series_numeric(a: &[Value]) -> Result<RowIter> {
    let (start, stop) = (numeric(&a[0])?, numeric(&a[1])?);
    let step = match a.get(2) {
        Some(v) => numeric(v)?,
        None => Numeric::from_i64(1),
    };
    for (n, what) in [(&start, "start"), (&stop, "stop"), (&step, "step size")] {
        if n.is_nan() {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "{} value cannot be NaN",
                what
            );
        }
        if !n.is_finite() {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "{} value cannot be infinity",
                what
            );
        }
    }
    let zero = Numeric::zero();
    if step == zero || step.sub(&zero) == zero {
        return Err(step_zero());
    }
    let ascending =
        crate::types::compare(&Value::numeric(step.clone()), &Value::numeric(zero)).is_gt();
    let stop_v = Value::numeric(stop);
    let mut cur = start;
    Ok(Box::new(std::iter::from_fn(move || {
        let v = Value::numeric(cur.clone());
        let ord = crate::types::compare(&v, &stop_v);
        if (ascending && ord.is_gt()) || (!ascending && ord.is_lt()) {
            return None;
        }
        cur = cur.add(&step);
        Some(Ok(vec![v]))
    })))
}

fn series_ts(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<RowIter> {
    let (start, stop, step) = match (&a[0], &a[1], &a[2]) {
        (Value::Timestamp(x), Value::Timestamp(y), Value::Interval(s))
        | (Value::TimestampTz(x), Value::TimestampTz(y), Value::Interval(s)) => (*x, *y, *s),
        _ => return Err(super::args::internal("timestamps and an interval", &a[0])),
    };
    let sign = interval_cmp_key(&step).signum();
    if sign == 0 {
        return Err(step_zero());
    }
    let zone = matches!(a[0], Value::TimestampTz(_)).then(|| ctx.settings.time_zone.clone());
    let mut cur = Some(start);
    Ok(Box::new(std::iter::from_fn(move || {
        let t = cur?;
        if (sign > 0 && t > stop) || (sign < 0 && t < stop) {
            return None;
        }
        Some(match &zone {
            Some(z) => match timestamptz_add(t, &step, z) {
                Ok(n) => {
                    cur = Some(n);
                    Ok(vec![Value::TimestampTz(t)])
                }
                Err(e) => {
                    cur = None;
                    Err(e)
                }
            },
            None => match timestamp_add(t, &step) {
                Ok(n) => {
                    cur = Some(n);
                    Ok(vec![Value::Timestamp(t)])
                }
                Err(e) => {
                    cur = None;
                    Err(e)
                }
            },
        })
    })))
}

fn unnest(_: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    let arr = Arc::clone(array(&a[0])?);
    let mut i = 0;
    Ok(Box::new(std::iter::from_fn(move || {
        let v = arr.items.get(i)?.clone();
        i += 1;
        Some(Ok(vec![v]))
    })))
}

fn generate_subscripts(_: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    let arr = array(&a[0])?;
    let n = int(&a[1])?;
    let reverse = match a.get(2) {
        Some(v) => boolean(v)?,
        None => false,
    };
    let Some(d) = usize::try_from(n - 1).ok().and_then(|i| arr.dims.get(i)) else {
        return Ok(rows(Vec::new()));
    };
    let lower = d.lower;
    let mut subs: Vec<Value> = (0..d.len as i32).map(|i| Value::Int4(lower + i)).collect();
    if reverse {
        subs.reverse();
    }
    Ok(rows(subs))
}

fn string_to_table(r: &Resolved, a: &[Value], ctx: Ctx) -> Result<RowIter> {
    let arr = super::string::string_to_array_value(r, a, ctx)?;
    match arr {
        Value::Null => Ok(rows(Vec::new())),
        v => Ok(rows(array(&v)?.items.clone())),
    }
}

fn flags(a: &[Value]) -> Result<Flags> {
    match a.get(2) {
        Some(v) => parse_flags(text(v)?),
        None => Ok(Flags::default()),
    }
}

fn regexp_matches(_: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    let f = flags(a)?;
    let re = compile(text(&a[1])?, f)?;
    let s = text(&a[0])?;
    let mut found = super::regexp_search::matches_from(&re, s, Some(0));
    if !f.global {
        found.truncate(1);
    }
    Ok(rows(found.iter().map(match_groups).collect()))
}

fn regexp_split_to_table(_: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    let f = flags(a)?;
    if f.global {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "regexp_split_to_table() does not support the \"global\" option"
        );
    }
    let re = compile(text(&a[1])?, f)?;
    Ok(rows(split(text(&a[0])?, &re)))
}
