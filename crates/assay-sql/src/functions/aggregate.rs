//! Aggregate functions as accumulators.
//!
//! The executor makes one [`Accumulator`] per group with
//! [`Resolved::accumulator`](super::Resolved::accumulator), feeds it each
//! row's argument values with `update` (NULLs included; each accumulator
//! ignores them as its PostgreSQL aggregate does), and reads the result
//! with `finish`, which does not consume the state, so a window frame that
//! only grows can read it after every row. A plain call over one column
//! may be fed a batch of rows at once (`update_rows`): one dynamic call a
//! batch rather than one a row; `count` and the float `sum` and `avg` read
//! their column's values in a loop of their own.

use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};
use bigdecimal::num_bigint::BigInt;
use bigdecimal::{BigDecimal, Zero};

use super::args::{boolean, float, int, numeric, text};
use super::json::{value_to_json, value_to_jsonb};
use super::math::sqrt_to_scale;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::datetime::arith::{interval_add, interval_div};
use crate::types::{compare, Array, ArrayDim, Interval, Numeric, Settings, Value};

/// The running state of one aggregate over one group.
pub trait Accumulator: Send {
    /// Adds one row's argument values.
    fn update(&mut self, args: &[Value]) -> Result<()>;
    /// The aggregate's value over the rows added so far.
    fn finish(&self) -> Result<Value>;
    /// Adds a batch of rows' values of column `col` (each row's
    /// arguments; no column: no argument, `count(*)`), in order. By
    /// default, `update` for each row (a static call from here).
    /// Told, before any row, the direction of each ORDER BY key of the
    /// call (descending, NULLs first) when the call has one; only the
    /// hypothetical-set aggregates need it.
    fn set_order(&mut self, _keys: &[(bool, bool)]) {}
    fn update_rows(&mut self, rows: &[Vec<Value>], col: Option<usize>) -> Result<()> {
        for row in rows {
            self.update(row_args(row, col)?)?;
        }
        Ok(())
    }
}

/// The arguments one row gives an accumulator fed a column (or nothing).
#[inline]
fn row_args(row: &[Value], col: Option<usize>) -> Result<&[Value]> {
    match col {
        None => Ok(&[]),
        Some(i) => row.get(i).map(std::slice::from_ref).ok_or_else(|| {
            err!(
                SqlState::INTERNAL_ERROR,
                "column {} out of range of a row of {}",
                i,
                row.len()
            )
        }),
    }
}

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.aggregate("count", &[], Int8, |_, _| {
        Box::new(Count { n: 0, star: true })
    });
    b.aggregate("count", &[T::Any], Int8, |_, _| {
        Box::new(Count { n: 0, star: false })
    });
    for t in [Int2, Int4] {
        b.aggregate("sum", &[t], Int8, |_, _| Box::new(SumInt::default()));
    }
    b.aggregate("sum", &[Int8], Numeric, |_, _| {
        Box::new(SumNumeric::default())
    });
    b.aggregate("sum", &[Numeric], Numeric, |_, _| {
        Box::new(SumNumeric::default())
    });
    b.aggregate("sum", &[Float4], Float4, |_, _| {
        Box::new(SumFloat {
            sum: 0.0,
            any: false,
            real: true,
        })
    });
    b.aggregate("sum", &[Float8], Float8, |_, _| {
        Box::new(SumFloat {
            sum: 0.0,
            any: false,
            real: false,
        })
    });
    b.aggregate("sum", &[Interval], Interval, |_, _| {
        Box::new(SumInterval::default())
    });
    for t in [Int2, Int4, Int8, Numeric] {
        b.aggregate("avg", &[t], Numeric, |_, _| Box::new(AvgNumeric::default()));
    }
    for t in [Float4, Float8] {
        b.aggregate("avg", &[t], Float8, |_, _| Box::new(AvgFloat::default()));
    }
    b.aggregate("avg", &[Interval], Interval, |_, _| {
        Box::new(AvgInterval::default())
    });
    for t in [
        Int2,
        Int4,
        Int8,
        Float4,
        Float8,
        Numeric,
        Text,
        Bpchar,
        Date,
        Time,
        Timestamp,
        TimestampTz,
        Interval,
        AnyArray,
        Oid,
    ] {
        b.aggregate("min", &[t], t, |_, _| {
            Box::new(Extreme {
                best: Value::Null,
                max: false,
            })
        });
        b.aggregate("max", &[t], t, |_, _| {
            Box::new(Extreme {
                best: Value::Null,
                max: true,
            })
        });
    }
    for name in ["bool_and", "every"] {
        b.aggregate(name, &[Bool], Bool, |_, _| {
            Box::new(BoolAgg {
                state: None,
                and: true,
            })
        });
    }
    b.aggregate("bool_or", &[Bool], Bool, |_, _| {
        Box::new(BoolAgg {
            state: None,
            and: false,
        })
    });
    for t in [Int2, Int4, Int8] {
        b.aggregate("bit_and", &[t], t, |_, _| {
            Box::new(BitAgg {
                state: None,
                op: BitOp::And,
            })
        });
        b.aggregate("bit_or", &[t], t, |_, _| {
            Box::new(BitAgg {
                state: None,
                op: BitOp::Or,
            })
        });
        b.aggregate("bit_xor", &[t], t, |_, _| {
            Box::new(BitAgg {
                state: None,
                op: BitOp::Xor,
            })
        });
    }
    b.aggregate("string_agg", &[Text, Text], Text, |_, _| {
        Box::new(StringAgg::default())
    });
    b.aggregate("string_agg", &[Bytea, Bytea], Bytea, |_, _| {
        Box::new(StringAgg {
            bytes: true,
            ..StringAgg::default()
        })
    });
    b.aggregate("array_agg", &[AnyNonArray], AnyArray, |_, _| {
        Box::new(ArrayAgg::default())
    });
    b.aggregate("array_agg", &[AnyArray], AnyArray, |_, _| {
        Box::new(ArrayAgg {
            of_arrays: true,
            ..ArrayAgg::default()
        })
    });
    b.aggregate("json_agg", &[AnyElement], Json, |_, s| {
        Box::new(JsonAgg::new(s, false))
    });
    b.aggregate("jsonb_agg", &[AnyElement], Jsonb, |_, s| {
        Box::new(JsonAgg::new(s, true))
    });
    b.aggregate("json_object_agg", &[T::Any, T::Any], Json, |_, s| {
        Box::new(JsonObjectAgg::new(s, false))
    });
    b.aggregate("jsonb_object_agg", &[T::Any, T::Any], Jsonb, |_, s| {
        Box::new(JsonObjectAgg::new(s, true))
    });
    for name in [
        "stddev",
        "stddev_samp",
        "stddev_pop",
        "variance",
        "var_samp",
        "var_pop",
    ] {
        for t in [Int2, Int4, Int8, Numeric] {
            b.aggregate(name, &[t], Numeric, |r, _| {
                Box::new(SpreadNumeric {
                    kind: spread_of(r),
                    ..SpreadNumeric::default()
                })
            });
        }
        for t in [Float4, Float8] {
            b.aggregate(name, &[t], Float8, |r, _| {
                Box::new(SpreadFloat {
                    kind: spread_of(r),
                    ..SpreadFloat::default()
                })
            });
        }
    }
}

struct Count {
    n: i64,
    star: bool,
}

impl Accumulator for Count {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if self.star || !args[0].is_null() {
            self.n += 1;
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(Value::Int8(self.n))
    }
    fn update_rows(&mut self, rows: &[Vec<Value>], col: Option<usize>) -> Result<()> {
        if self.star {
            self.n += rows.len() as i64;
            return Ok(());
        }
        for row in rows {
            if !row_args(row, col)?[0].is_null() {
                self.n += 1;
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct SumInt {
    sum: Option<i64>,
}

impl Accumulator for SumInt {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args[0].is_null() {
            return Ok(());
        }
        let v = int(&args[0])?;
        self.sum =
            Some(self.sum.unwrap_or(0).checked_add(v).ok_or_else(|| {
                err!(SqlState::NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range")
            })?);
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(self.sum.map_or(Value::Null, Value::Int8))
    }
}

/// `sum` (and `avg`'s sum) of integers or numerics, as numeric.
///
/// Most arguments are added as 128-bit integers: an integer, or a finite
/// numeric whose unscaled digits fit, joins `exact` (unscaled, at the
/// largest scale seen so far), so no numeric is built per row. A value
/// that does not fit, or whose alignment would overflow, and NaN or the
/// infinities, go to `rest`, a numeric. The two parts meet at the end:
/// numeric addition is exact and its scale is the largest of its terms',
/// so the sum equals adding every row as numeric.
#[derive(Default)]
struct SumNumeric {
    exact: Option<(i128, i64)>,
    rest: Option<Numeric>,
}

impl SumNumeric {
    fn total(&self) -> Option<Numeric> {
        let exact = self
            .exact
            .map(|(v, scale)| Numeric::Finite(BigDecimal::new(BigInt::from(v), scale)));
        match (&self.rest, exact) {
            (Some(r), Some(e)) => Some(r.add(&e)),
            (Some(r), None) => Some(r.clone()),
            (None, e) => e,
        }
    }

    /// Adds `v` at `scale` (0 ≤ scale) to `exact`; false if it does not fit.
    fn add_exact(&mut self, v: i128, scale: i64) -> bool {
        let (sum, at) = self.exact.unwrap_or((0, scale));
        let raise = |x: i128, by: i64| {
            u32::try_from(by)
                .ok()
                .and_then(|by| 10i128.checked_pow(by))
                .and_then(|m| x.checked_mul(m))
        };
        let added = if scale <= at {
            raise(v, at - scale)
                .and_then(|v| sum.checked_add(v))
                .map(|s| (s, at))
        } else {
            raise(sum, scale - at)
                .and_then(|sum| sum.checked_add(v))
                .map(|s| (s, scale))
        };
        match added {
            Some(e) => {
                self.exact = Some(e);
                true
            }
            None => false,
        }
    }
}

impl Accumulator for SumNumeric {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let fits = match &args[0] {
            Value::Null => return Ok(()),
            Value::Int2(i) => self.add_exact(i128::from(*i), 0),
            Value::Int4(i) => self.add_exact(i128::from(*i), 0),
            Value::Int8(i) => self.add_exact(i128::from(*i), 0),
            Value::Numeric(n) => match &**n {
                Numeric::Finite(d) => {
                    let (digits, scale) = d.as_bigint_and_scale();
                    scale >= 0 && i128::try_from(&*digits).is_ok_and(|v| self.add_exact(v, scale))
                }
                _ => false,
            },
            _ => false,
        };
        if !fits {
            let v = numeric(&args[0])?;
            self.rest = Some(match &self.rest {
                Some(s) => s.add(&v),
                None => v,
            });
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(self.total().map_or(Value::Null, Value::numeric))
    }
}

struct SumFloat {
    sum: f64,
    any: bool,
    real: bool,
}

impl Accumulator for SumFloat {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args[0].is_null() {
            return Ok(());
        }
        self.sum = if self.real {
            f64::from(self.sum as f32 + float(&args[0])? as f32)
        } else {
            self.sum + float(&args[0])?
        };
        self.any = true;
        Ok(())
    }
    fn update_rows(&mut self, rows: &[Vec<Value>], col: Option<usize>) -> Result<()> {
        for row in rows {
            match row_args(row, col)? {
                // Added in row order, as `update` does: the same sum.
                [Value::Float8(f)] if !self.real => {
                    self.sum += f;
                    self.any = true;
                }
                [Value::Null] => {}
                args => self.update(args)?,
            }
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(match (self.any, self.real) {
            (false, _) => Value::Null,
            (true, true) => Value::Float4(self.sum as f32),
            (true, false) => Value::Float8(self.sum),
        })
    }
}

fn interval_arg(v: &Value) -> Result<Interval> {
    match v {
        Value::Interval(iv) => Ok(*iv),
        _ => Err(super::args::internal("an interval", v)),
    }
}

#[derive(Default)]
struct SumInterval {
    sum: Option<Interval>,
    n: i64,
}

impl Accumulator for SumInterval {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args[0].is_null() {
            return Ok(());
        }
        let v = interval_arg(&args[0])?;
        self.sum = Some(match &self.sum {
            Some(s) => interval_add(s, &v)?,
            None => v,
        });
        self.n += 1;
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(self.sum.map_or(Value::Null, Value::Interval))
    }
}

#[derive(Default)]
struct AvgInterval(SumInterval);

impl Accumulator for AvgInterval {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        self.0.update(args)
    }
    fn finish(&self) -> Result<Value> {
        match self.0.sum {
            None => Ok(Value::Null),
            Some(s) => Ok(Value::Interval(interval_div(&s, self.0.n as f64)?)),
        }
    }
}

#[derive(Default)]
struct AvgNumeric {
    sum: SumNumeric,
    n: i64,
}

impl Accumulator for AvgNumeric {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if !args[0].is_null() {
            self.n += 1;
        }
        self.sum.update(args)
    }
    fn finish(&self) -> Result<Value> {
        match self.sum.total() {
            None => Ok(Value::Null),
            Some(s) => Ok(Value::numeric(s.div(&Numeric::from_i64(self.n))?)),
        }
    }
}

#[derive(Default)]
struct AvgFloat {
    sum: f64,
    n: i64,
}

impl Accumulator for AvgFloat {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if !args[0].is_null() {
            self.sum += float(&args[0])?;
            self.n += 1;
        }
        Ok(())
    }
    fn update_rows(&mut self, rows: &[Vec<Value>], col: Option<usize>) -> Result<()> {
        for row in rows {
            match row_args(row, col)? {
                [Value::Float8(f)] => {
                    self.sum += f;
                    self.n += 1;
                }
                [Value::Null] => {}
                args => self.update(args)?,
            }
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(if self.n == 0 {
            Value::Null
        } else {
            Value::Float8(self.sum / self.n as f64)
        })
    }
}

struct Extreme {
    best: Value,
    max: bool,
}

impl Accumulator for Extreme {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let v = &args[0];
        if v.is_null() {
            return Ok(());
        }
        let better = self.best.is_null() || {
            let ord = compare(v, &self.best);
            if self.max {
                ord.is_gt()
            } else {
                ord.is_lt()
            }
        };
        if better {
            self.best = v.clone();
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(self.best.clone())
    }
}

struct BoolAgg {
    state: Option<bool>,
    and: bool,
}

impl Accumulator for BoolAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args[0].is_null() {
            return Ok(());
        }
        let v = boolean(&args[0])?;
        self.state = Some(match self.state {
            None => v,
            Some(s) if self.and => s && v,
            Some(s) => s || v,
        });
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(self.state.map_or(Value::Null, Value::Bool))
    }
}

#[derive(Clone, Copy)]
enum BitOp {
    And,
    Or,
    Xor,
}

struct BitAgg {
    state: Option<Value>,
    op: BitOp,
}

impl Accumulator for BitAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let v = &args[0];
        if v.is_null() {
            return Ok(());
        }
        let Some(s) = &self.state else {
            self.state = Some(v.clone());
            return Ok(());
        };
        let (x, y) = (int(s)?, int(v)?);
        let r = match self.op {
            BitOp::And => x & y,
            BitOp::Or => x | y,
            BitOp::Xor => x ^ y,
        };
        // The result of two values of one type stays in that type.
        self.state = Some(match v {
            Value::Int2(_) => Value::Int2(r as i16),
            Value::Int4(_) => Value::Int4(r as i32),
            _ => Value::Int8(r),
        });
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(self.state.clone().unwrap_or(Value::Null))
    }
}

#[derive(Default)]
struct StringAgg {
    out: Option<Vec<u8>>,
    bytes: bool,
}

impl Accumulator for StringAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args[0].is_null() {
            return Ok(());
        }
        let part = |v: &Value| -> Result<Vec<u8>> {
            Ok(match v {
                Value::Null => Vec::new(),
                Value::Bytea(b) => b.to_vec(),
                v => text(v)?.as_bytes().to_vec(),
            })
        };
        let value = part(&args[0])?;
        match &mut self.out {
            None => self.out = Some(value),
            Some(out) => {
                out.extend(part(&args[1])?);
                out.extend(value);
            }
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(match &self.out {
            None => Value::Null,
            Some(b) if self.bytes => Value::Bytea(Arc::from(b.as_slice())),
            Some(b) => Value::text(&String::from_utf8_lossy(b)),
        })
    }
}

#[derive(Default)]
struct ArrayAgg {
    items: Vec<Value>,
    of_arrays: bool,
    /// Dimensions of the first input array (`of_arrays`).
    inner: Option<Vec<ArrayDim>>,
    rows: usize,
}

impl Accumulator for ArrayAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if !self.of_arrays {
            self.items.push(args[0].clone());
            self.rows += 1;
            return Ok(());
        }
        let arr = match &args[0] {
            Value::Null => bail!(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "cannot accumulate null arrays"
            ),
            v => super::args::array(v)?,
        };
        if arr.items.is_empty() {
            bail!(
                SqlState::ARRAY_SUBSCRIPT_ERROR,
                "cannot accumulate empty arrays"
            );
        }
        match &self.inner {
            None => self.inner = Some(arr.dims.clone()),
            Some(d) if d.iter().map(|x| x.len).eq(arr.dims.iter().map(|x| x.len)) => {}
            Some(_) => bail!(
                SqlState::ARRAY_SUBSCRIPT_ERROR,
                "cannot accumulate arrays of different dimensionality"
            ),
        }
        self.items.extend(arr.items.iter().cloned());
        self.rows += 1;
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        if self.rows == 0 {
            return Ok(Value::Null);
        }
        let mut dims = vec![ArrayDim {
            len: self.rows,
            lower: 1,
        }];
        if let Some(inner) = &self.inner {
            dims.extend(inner.iter().copied());
        }
        Ok(Value::Array(Arc::new(Array {
            dims,
            items: self.items.clone(),
        })))
    }
}

struct JsonAgg {
    settings: Settings,
    jsonb: bool,
    items: Vec<String>,
    tree: Vec<serde_json::Value>,
    any: bool,
}

impl JsonAgg {
    fn new(settings: &Settings, jsonb: bool) -> JsonAgg {
        JsonAgg {
            settings: settings.clone(),
            jsonb,
            items: Vec::new(),
            tree: Vec::new(),
            any: false,
        }
    }
}

impl Accumulator for JsonAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        self.any = true;
        if self.jsonb {
            self.tree.push(value_to_jsonb(&args[0], &self.settings)?);
        } else {
            let mut s = String::new();
            value_to_json(&args[0], &self.settings, &mut s);
            self.items.push(s);
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        if !self.any {
            return Ok(Value::Null);
        }
        Ok(if self.jsonb {
            Value::Jsonb(Arc::new(serde_json::Value::Array(self.tree.clone())))
        } else {
            Value::Json(Arc::from(format!("[{}]", self.items.join(", "))))
        })
    }
}

struct JsonObjectAgg {
    settings: Settings,
    jsonb: bool,
    text: Option<String>,
    map: serde_json::Map<String, serde_json::Value>,
}

impl JsonObjectAgg {
    fn new(settings: &Settings, jsonb: bool) -> JsonObjectAgg {
        JsonObjectAgg {
            settings: settings.clone(),
            jsonb,
            text: None,
            map: serde_json::Map::new(),
        }
    }
}

impl Accumulator for JsonObjectAgg {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let Some(key) = super::args::to_text(&args[0], &self.settings) else {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "field name must not be null"
            );
        };
        if self.jsonb {
            self.map
                .insert(key, value_to_jsonb(&args[1], &self.settings)?);
            return Ok(());
        }
        let out = self.text.get_or_insert_with(|| "{ ".to_string());
        if out.len() > 2 {
            out.push_str(", ");
        }
        crate::types::json::push_json_string(out, &key);
        out.push_str(" : ");
        value_to_json(&args[1], &self.settings, out);
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        Ok(if self.jsonb {
            if self.map.is_empty() {
                return Ok(Value::Null);
            }
            Value::Jsonb(Arc::new(serde_json::Value::Object(self.map.clone())))
        } else {
            match &self.text {
                None => Value::Null,
                Some(t) => Value::Json(Arc::from(format!("{t} }}"))),
            }
        })
    }
}

/// Which spread statistic an accumulator computes.
#[derive(Clone, Copy, Default)]
enum Spread {
    #[default]
    VarPop,
    VarSamp,
    StddevPop,
    StddevSamp,
}

fn spread_of(r: &Resolved) -> Spread {
    match r.def.name {
        "var_pop" => Spread::VarPop,
        "stddev_pop" => Spread::StddevPop,
        "variance" | "var_samp" => Spread::VarSamp,
        _ => Spread::StddevSamp,
    }
}

#[derive(Default)]
struct SpreadNumeric {
    n: i64,
    sum: Numeric0,
    sum_sq: Numeric0,
    kind: Spread,
}

/// A zero-defaulting numeric for accumulators.
#[derive(Clone)]
struct Numeric0(Numeric);

impl Default for Numeric0 {
    fn default() -> Self {
        Numeric0(Numeric::zero())
    }
}

impl Accumulator for SpreadNumeric {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args[0].is_null() {
            return Ok(());
        }
        let v = numeric(&args[0])?;
        self.n += 1;
        self.sum.0 = self.sum.0.add(&v);
        self.sum_sq.0 = self.sum_sq.0.add(&v.mul(&v));
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        let kind = self.kind;
        let sample = matches!(kind, Spread::VarSamp | Spread::StddevSamp);
        if self.n == 0 || (sample && self.n == 1) {
            return Ok(Value::Null);
        }
        let (sum, sum_sq) = match (&self.sum.0, &self.sum_sq.0) {
            (Numeric::Finite(a), Numeric::Finite(b)) => (a.clone(), b.clone()),
            _ => return Ok(Value::numeric(Numeric::NaN)),
        };
        let n = BigDecimal::from(self.n);
        // PostgreSQL's numeric_stddev_internal, scale for scale.
        let numerator = &n * &sum_sq - &sum * &sum;
        if numerator <= BigDecimal::zero() {
            return Ok(Value::numeric(Numeric::zero()));
        }
        let denominator = if sample {
            &n * (&n - BigDecimal::from(1))
        } else {
            &n * &n
        };
        let var = Numeric::Finite(numerator).div(&Numeric::Finite(denominator))?;
        if matches!(kind, Spread::VarPop | Spread::VarSamp) {
            return Ok(Value::numeric(var));
        }
        let scale = var.scale();
        match var {
            Numeric::Finite(d) => Ok(Value::numeric(Numeric::Finite(sqrt_to_scale(&d, scale)))),
            other => Ok(Value::numeric(other)),
        }
    }
}

/// Youngs–Cramer running sums, as PostgreSQL's `float8_accum`.
#[derive(Default)]
struct SpreadFloat {
    n: f64,
    sx: f64,
    sxx: f64,
    kind: Spread,
}

impl Accumulator for SpreadFloat {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if args[0].is_null() {
            return Ok(());
        }
        let x = float(&args[0])?;
        self.n += 1.0;
        self.sx += x;
        if self.n > 1.0 {
            let tmp = x * self.n - self.sx;
            self.sxx += tmp * tmp / (self.n * (self.n - 1.0));
        } else if !x.is_finite() {
            self.sxx = f64::NAN;
        }
        Ok(())
    }
    fn finish(&self) -> Result<Value> {
        let kind = self.kind;
        let sample = matches!(kind, Spread::VarSamp | Spread::StddevSamp);
        if self.n == 0.0 || (sample && self.n == 1.0) {
            return Ok(Value::Null);
        }
        let var = self.sxx / if sample { self.n - 1.0 } else { self.n };
        Ok(Value::Float8(match kind {
            Spread::VarPop | Spread::VarSamp => var,
            _ => var.sqrt(),
        }))
    }
}
