//! Array functions: dimensions, concatenation, search and replacement.

use std::sync::Arc;

use assay_storage::{bail, Result, SqlState};

use super::args::{array, int, int4_range};
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::{values_equal, Array, ArrayDim, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("array_length", &[AnyArray, Int4], Int4, |_, a, _| {
        dim(a, |d| Some(d.len as i64))
    });
    b.scalar("array_lower", &[AnyArray, Int4], Int4, |_, a, _| {
        dim(a, |d| Some(i64::from(d.lower)))
    });
    b.scalar("array_upper", &[AnyArray, Int4], Int4, |_, a, _| {
        dim(a, |d| Some(i64::from(d.lower) + d.len as i64 - 1))
    });
    b.scalar("cardinality", &[AnyArray], Int4, |_, a, _| {
        int4_range(array(&a[0])?.items.len() as i64)
    });
    b.scalar("array_ndims", &[AnyArray], Int4, |_, a, _| {
        let n = array(&a[0])?.dims.len();
        Ok(if n == 0 {
            Value::Null
        } else {
            Value::Int4(n as i32)
        })
    });
    b.scalar("array_dims", &[AnyArray], Text, array_dims);
    b.scalar(
        "array_append",
        &[AnyArray, AnyElement],
        AnyArray,
        array_append,
    )
    .lenient();
    b.scalar(
        "array_prepend",
        &[AnyElement, AnyArray],
        AnyArray,
        array_prepend,
    )
    .lenient();
    b.scalar("array_cat", &[AnyArray, AnyArray], AnyArray, array_cat)
        .lenient();
    b.scalar(
        "array_position",
        &[AnyArray, AnyElement],
        Int4,
        array_position,
    )
    .lenient();
    b.scalar(
        "array_position",
        &[AnyArray, AnyElement, Int4],
        Int4,
        array_position,
    )
    .lenient();
    b.scalar(
        "array_positions",
        &[AnyArray, AnyElement],
        Int4Array,
        array_positions,
    )
    .lenient();
    b.scalar(
        "array_remove",
        &[AnyArray, AnyElement],
        AnyArray,
        array_remove,
    )
    .lenient();
    b.scalar(
        "array_replace",
        &[AnyArray, AnyElement, AnyElement],
        AnyArray,
        array_replace,
    )
    .lenient();
    b.scalar("trim_array", &[AnyArray, Int4], AnyArray, trim_array);
}

fn dim(a: &[Value], f: impl Fn(&ArrayDim) -> Option<i64>) -> Result<Value> {
    let arr = array(&a[0])?;
    let n = int(&a[1])?;
    let d = usize::try_from(n - 1).ok().and_then(|i| arr.dims.get(i));
    match d.and_then(f) {
        Some(v) => int4_range(v),
        None => Ok(Value::Null),
    }
}

fn array_dims(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let arr = array(&a[0])?;
    if arr.dims.is_empty() {
        return Ok(Value::Null);
    }
    let s: String = arr
        .dims
        .iter()
        .map(|d| format!("[{}:{}]", d.lower, i64::from(d.lower) + d.len as i64 - 1))
        .collect();
    Ok(Value::text(&s))
}

fn one_dim(arr: &Array) -> Result<()> {
    if arr.dims.len() > 1 {
        bail!(
            SqlState::DATA_EXCEPTION,
            "argument must be empty or one-dimensional array"
        );
    }
    Ok(())
}

fn wrap(arr: Array) -> Value {
    Value::Array(Arc::new(arr))
}

fn array_append(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let mut arr = match &a[0] {
        Value::Null => Array::empty(),
        v => (**array(v)?).clone(),
    };
    one_dim(&arr)?;
    arr.items.push(a[1].clone());
    match arr.dims.first_mut() {
        Some(d) => d.len += 1,
        None => arr.dims.push(ArrayDim { len: 1, lower: 1 }),
    }
    Ok(wrap(arr))
}

fn array_prepend(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let mut arr = match &a[1] {
        Value::Null => Array::empty(),
        v => (**array(v)?).clone(),
    };
    one_dim(&arr)?;
    arr.items.insert(0, a[0].clone());
    match arr.dims.first_mut() {
        Some(d) => d.len += 1,
        None => arr.dims.push(ArrayDim { len: 1, lower: 1 }),
    }
    Ok(wrap(arr))
}

fn incompatible() -> assay_storage::Error {
    assay_storage::err!(
        SqlState::ARRAY_SUBSCRIPT_ERROR,
        "cannot concatenate incompatible arrays"
    )
}

fn array_cat(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (x, y) = match (&a[0], &a[1]) {
        (Value::Null, Value::Null) => return Ok(Value::Null),
        (Value::Null, v) | (v, Value::Null) => return Ok(v.clone()),
        (x, y) => (array(x)?, array(y)?),
    };
    if x.items.is_empty() {
        return Ok(a[1].clone());
    }
    if y.items.is_empty() {
        return Ok(a[0].clone());
    }
    let (nx, ny) = (x.dims.len(), y.dims.len());
    let mut dims = x.dims.clone();
    if nx == ny {
        if x.dims[1..]
            .iter()
            .map(|d| d.len)
            .ne(y.dims[1..].iter().map(|d| d.len))
        {
            return Err(incompatible().with_detail(
                "Arrays with differing element dimensions are not compatible for concatenation.",
            ));
        }
        dims[0].len += y.dims[0].len;
    } else if nx == ny + 1 {
        if x.dims[1..]
            .iter()
            .map(|d| d.len)
            .ne(y.dims.iter().map(|d| d.len))
        {
            return Err(incompatible().with_detail(
                "Arrays with differing dimensions are not compatible for concatenation.",
            ));
        }
        dims[0].len += 1;
    } else if nx + 1 == ny {
        if y.dims[1..]
            .iter()
            .map(|d| d.len)
            .ne(x.dims.iter().map(|d| d.len))
        {
            return Err(incompatible().with_detail(
                "Arrays with differing dimensions are not compatible for concatenation.",
            ));
        }
        dims = y.dims.clone();
        dims[0].len += 1;
        dims[0].lower = y.dims[0].lower;
    } else {
        return Err(incompatible().with_detail(format!(
            "Arrays of {nx} and {ny} dimensions are not compatible for concatenation."
        )));
    }
    let mut items = x.items.clone();
    items.extend(y.items.iter().cloned());
    Ok(wrap(Array { dims, items }))
}

/// `IS NOT DISTINCT FROM` on elements.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => values_equal(a, b),
    }
}

fn multi_dim_search() -> assay_storage::Error {
    assay_storage::err!(
        SqlState::FEATURE_NOT_SUPPORTED,
        "searching for elements in multidimensional arrays is not supported"
    )
}

fn array_position(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    if a[0].is_null() || a.get(2).is_some_and(Value::is_null) {
        return Ok(Value::Null);
    }
    let arr = array(&a[0])?;
    if arr.dims.len() > 1 {
        return Err(multi_dim_search());
    }
    let lower = arr.dims.first().map_or(1, |d| i64::from(d.lower));
    let start = match a.get(2) {
        Some(v) => (int(v)? - lower).max(0) as usize,
        None => 0,
    };
    let found = arr
        .items
        .iter()
        .enumerate()
        .skip(start)
        .find(|(_, v)| same(v, &a[1]));
    match found {
        Some((i, _)) => int4_range(i as i64 + lower),
        None => Ok(Value::Null),
    }
}

fn array_positions(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let arr = array(&a[0])?;
    if arr.dims.len() > 1 {
        return Err(multi_dim_search());
    }
    let lower = arr.dims.first().map_or(1, |d| d.lower);
    let items: Vec<Value> = arr
        .items
        .iter()
        .enumerate()
        .filter(|(_, v)| same(v, &a[1]))
        .map(|(i, _)| Value::Int4(i as i32 + lower))
        .collect();
    Ok(wrap(Array::from_items(items)))
}

fn replace_items(a: &[Value], with: Option<&Value>) -> Result<Value> {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let arr = array(&a[0])?;
    if arr.dims.len() > 1 {
        bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "removing elements from multidimensional arrays is not supported"
        );
    }
    let items: Vec<Value> = arr
        .items
        .iter()
        .filter_map(|v| match (same(v, &a[1]), with) {
            (false, _) => Some(v.clone()),
            (true, Some(w)) => Some(w.clone()),
            (true, None) => None,
        })
        .collect();
    let mut out = Array::from_items(items);
    if let (Some(d), Some(orig)) = (out.dims.first_mut(), arr.dims.first()) {
        d.lower = orig.lower;
    }
    Ok(wrap(out))
}

fn array_remove(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    replace_items(a, None)
}

fn array_replace(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    replace_items(a, Some(&a[2]))
}

fn trim_array(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let arr = array(&a[0])?;
    let n = int(&a[1])?;
    let len = arr.dims.first().map_or(0, |d| d.len) as i64;
    if n < 0 || n > len {
        bail!(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            "number of elements to trim must be between 0 and {}",
            len
        );
    }
    let keep = (len - n) as usize;
    if keep == 0 {
        return Ok(wrap(Array::empty()));
    }
    let per_row: usize = arr.dims[1..].iter().map(|d| d.len).product();
    let mut out = (**arr).clone();
    out.items.truncate(keep * per_row);
    out.dims[0].len = keep;
    Ok(wrap(out))
}
