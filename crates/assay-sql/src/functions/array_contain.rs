//! Array containment (`@>`, `<@`, `&&`) and `array_fill`.
//!
//! Containment looks at the elements only, as PostgreSQL's
//! `array_contain_compare` does: dimensions and bounds are ignored (a
//! two-dimensional array contains the elements of a one-dimensional one),
//! duplicates count once, and a NULL element equals nothing, not even
//! another NULL. The binder admits only arrays of one element type
//! (PostgreSQL's operators take `anyarray` twice, not `anycompatible`).

use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};

use super::args::{array, int};
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::{values_equal, Array, ArrayDim, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

/// PostgreSQL's `MaxArraySize`: the most elements an array may hold.
const MAX_ARRAY_SIZE: i64 = 134_217_727;
/// PostgreSQL's `MAXDIM`.
const MAX_DIMS: usize = 6;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("@>", &[AnyArray, AnyArray], Bool, |_, a, _| {
        Ok(Value::Bool(contains_all(array(&a[0])?, array(&a[1])?)))
    });
    b.scalar("<@", &[AnyArray, AnyArray], Bool, |_, a, _| {
        Ok(Value::Bool(contains_all(array(&a[1])?, array(&a[0])?)))
    });
    b.scalar("&&", &[AnyArray, AnyArray], Bool, |_, a, _| {
        let (x, y) = (array(&a[0])?, array(&a[1])?);
        Ok(Value::Bool(x.items.iter().any(|v| has(y, v))))
    });
    b.scalar("array_fill", &[AnyElement, Int4Array], AnyArray, array_fill)
        .lenient();
    b.scalar(
        "array_fill",
        &[AnyElement, Int4Array, Int4Array],
        AnyArray,
        array_fill,
    )
    .lenient();
}

/// Whether `arr` holds a non-NULL element equal to `v`.
fn has(arr: &Array, v: &Value) -> bool {
    !matches!(v, Value::Null)
        && arr
            .items
            .iter()
            .any(|w| !matches!(w, Value::Null) && values_equal(v, w))
}

/// Whether every element of `inner` is in `outer`.
fn contains_all(outer: &Array, inner: &Array) -> bool {
    inner.items.iter().all(|v| has(outer, v))
}

fn null_bounds() -> assay_storage::Error {
    err!(
        SqlState::NULL_VALUE_NOT_ALLOWED,
        "dimension array or low bound array cannot be null"
    )
}

/// The integers of a one-dimensional `int[]` argument of `array_fill`.
fn bounds(v: &Value, what: &str) -> Result<Vec<i64>> {
    let arr = match v {
        Value::Null => return Err(null_bounds()),
        v => array(v)?,
    };
    if arr.dims.len() > 1 {
        return Err(
            err!(SqlState::new(b"2202E"), "wrong number of array subscripts")
                .with_detail(format!("{what} array must be one dimensional.")),
        );
    }
    arr.items
        .iter()
        .map(|v| match v {
            Value::Null => Err(err!(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "dimension values cannot be null"
            )),
            v => int(v),
        })
        .collect()
}

/// `array_fill(value, dims [, lower_bounds])`: an array of the given shape
/// whose every element is `value` (NULL included).
fn array_fill(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let lens = bounds(&a[1], "Dimension")?;
    let lowers = match a.get(2) {
        Some(v) => {
            let l = bounds(v, "Low bound")?;
            if l.len() != lens.len() {
                return Err(
                    err!(SqlState::new(b"2202E"), "wrong number of array subscripts")
                        .with_detail("Low bound array has different size than dimensions array."),
                );
            }
            l
        }
        None => vec![1; lens.len()],
    };
    if lens.len() > MAX_DIMS {
        bail!(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "number of array dimensions ({}) exceeds the maximum allowed ({})",
            lens.len(),
            MAX_DIMS
        );
    }
    let too_many = || {
        err!(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "array size exceeds the maximum allowed ({})",
            MAX_ARRAY_SIZE
        )
    };
    let mut count: i64 = 1;
    for &len in &lens {
        if len < 0 {
            return Err(too_many());
        }
        count = count.saturating_mul(len);
        if count > MAX_ARRAY_SIZE {
            return Err(too_many());
        }
    }
    for (&len, &lower) in lens.iter().zip(&lowers) {
        if lower + len - 1 > i64::from(i32::MAX) {
            bail!(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                "array lower bound is too large: {}",
                lower
            );
        }
    }
    if lens.is_empty() || count == 0 {
        return Ok(Value::Array(Arc::new(Array::empty())));
    }
    let dims = lens
        .iter()
        .zip(&lowers)
        .map(|(&len, &lower)| ArrayDim {
            len: len as usize,
            lower: lower as i32,
        })
        .collect();
    Ok(Value::Array(Arc::new(Array {
        dims,
        items: vec![a[0].clone(); count as usize],
    })))
}
