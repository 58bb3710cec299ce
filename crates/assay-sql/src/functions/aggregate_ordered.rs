//! Ordered-set aggregates: `percentile_cont`, `percentile_disc`, `mode`
//! and the hypothetical-set `rank`, `dense_rank`, `percent_rank` and
//! `cume_dist`, written `f(direct args) WITHIN GROUP (ORDER BY x)`.
//!
//! The binder turns such a call into an ordinary aggregate call whose
//! arguments are the direct arguments followed by the ordered value, with
//! the WITHIN GROUP keys as the call's ORDER BY, so the executor hands the
//! accumulator its rows already sorted (ascending or descending, as
//! written). The accumulator keeps the non-NULL ordered values and takes
//! the direct argument (the fraction) from the first row: PostgreSQL
//! evaluates it once per group, and it must not vary within one.
//!
//! A hypothetical-set aggregate asks where a row made of its direct
//! arguments would fall among the group's rows in the WITHIN GROUP order:
//! it compares each row with that row (told the keys' directions by
//! `set_order`) and counts the rows before it and its peers.

use std::cmp::Ordering;
use std::sync::Arc;

use assay_storage::{bail, Result, SqlState};

use super::aggregate::Accumulator;
use super::args::float;
use super::registry::{Builder, T};
use crate::types::datetime::arith::{interval_add, interval_mul, interval_sub};
use crate::types::{compare, Array, Value};

/// Names that are ordered-set aggregates: they need WITHIN GROUP, and
/// only they take it.
pub(crate) const ORDERED_SET: [&str; 7] = [
    "percentile_cont",
    "percentile_disc",
    "mode",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
];

/// The hypothetical-set aggregates among [`ORDERED_SET`]: as many direct
/// arguments as ordering columns.
pub(crate) const HYPOTHETICAL_SET: [&str; 4] = ["rank", "dense_rank", "percent_rank", "cume_dist"];

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    for (ordered, fraction, ret) in [
        (Float8, Float8, Float8),
        (Interval, Float8, Interval),
        (Float8, Float8Array, Float8Array),
        (Interval, Float8Array, IntervalArray),
    ] {
        b.aggregate("percentile_cont", &[fraction, ordered], ret, |_, _| {
            Box::new(Percentiles::new(Pick::Continuous))
        });
    }
    b.aggregate(
        "percentile_disc",
        &[Float8, AnyElement],
        AnyElement,
        |_, _| Box::new(Percentiles::new(Pick::Discrete)),
    );
    b.aggregate(
        "percentile_disc",
        &[Float8Array, AnyElement],
        AnyArray,
        |_, _| Box::new(Percentiles::new(Pick::Discrete)),
    );
    b.aggregate("mode", &[AnyElement], AnyElement, |_, _| {
        Box::new(Mode::default())
    });
    for (name, ret) in [
        ("rank", Int8),
        ("dense_rank", Int8),
        ("percent_rank", Float8),
        ("cume_dist", Float8),
    ] {
        b.aggregate(name, &[Any], ret, |r, _| {
            Box::new(Hypothetical {
                name: r.def.name,
                keys: Vec::new(),
                rows: 0,
                before: 0,
                distinct_before: 0,
                last_before: None,
                peers: 0,
            })
        })
        .variadic();
    }
}

#[derive(Clone, Copy)]
enum Pick {
    /// Interpolates between the two nearest values.
    Continuous,
    /// The first value whose position reaches the fraction.
    Discrete,
}

/// `percentile_cont` and `percentile_disc`, for one fraction or an array.
struct Percentiles {
    pick: Pick,
    /// The direct argument, from the first row.
    fraction: Option<Value>,
    values: Vec<Value>,
}

impl Percentiles {
    fn new(pick: Pick) -> Percentiles {
        Percentiles {
            pick,
            fraction: None,
            values: Vec::new(),
        }
    }

    fn one(&self, fraction: &Value) -> Result<Value> {
        if fraction.is_null() {
            return Ok(Value::Null);
        }
        let f = float(fraction)?;
        if !(0.0..=1.0).contains(&f) {
            bail!(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                "percentile value {} is not between 0 and 1",
                f
            );
        }
        let n = self.values.len();
        if n == 0 {
            return Ok(Value::Null);
        }
        match self.pick {
            Pick::Discrete => {
                let position = (f * n as f64).ceil() as usize;
                Ok(self.values[position.clamp(1, n) - 1].clone())
            }
            Pick::Continuous => {
                let exact = f * (n - 1) as f64;
                let (lo, hi) = (exact.floor() as usize, exact.ceil() as usize);
                let (a, b) = (&self.values[lo], &self.values[hi]);
                if lo == hi {
                    return Ok(a.clone());
                }
                lerp(a, b, exact - lo as f64)
            }
        }
    }
}

/// `a + (b - a) * t` for the types `percentile_cont` orders.
fn lerp(a: &Value, b: &Value, t: f64) -> Result<Value> {
    match (a, b) {
        (Value::Interval(a), Value::Interval(b)) => {
            let step = interval_mul(&interval_sub(b, a)?, t)?;
            Ok(Value::Interval(interval_add(a, &step)?))
        }
        _ => {
            let (a, b) = (float(a)?, float(b)?);
            Ok(Value::Float8(a + (b - a) * t))
        }
    }
}

impl Accumulator for Percentiles {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        if self.fraction.is_none() {
            self.fraction = Some(args[0].clone());
        }
        if !args[1].is_null() {
            self.values.push(args[1].clone());
        }
        Ok(())
    }

    fn finish(&self) -> Result<Value> {
        match &self.fraction {
            // No rows: NULL, whatever the fraction.
            None => Ok(Value::Null),
            Some(Value::Array(fractions)) => {
                let items = fractions
                    .items
                    .iter()
                    .map(|f| self.one(f))
                    .collect::<Result<Vec<_>>>()?;
                Ok(Value::Array(Arc::new(Array {
                    dims: fractions.dims.clone(),
                    items,
                })))
            }
            Some(f) => self.one(f),
        }
    }
}

/// `mode()`: the most frequent non-NULL value; among equally frequent
/// ones, the first in the WITHIN GROUP order.
#[derive(Default)]
struct Mode {
    best: Option<(Value, usize)>,
    run: Option<(Value, usize)>,
}

impl Accumulator for Mode {
    fn update(&mut self, args: &[Value]) -> Result<()> {
        let v = &args[0];
        if v.is_null() {
            return Ok(());
        }
        // Sorted input: equal values arrive together.
        match &mut self.run {
            Some((current, count)) if compare(current, v) == Ordering::Equal => *count += 1,
            _ => self.run = Some((v.clone(), 1)),
        }
        let run = self.run.as_ref().map_or(0, |r| r.1);
        if self.best.as_ref().is_none_or(|b| run > b.1) {
            self.best = self.run.clone();
        }
        Ok(())
    }

    fn finish(&self) -> Result<Value> {
        Ok(self.best.as_ref().map_or(Value::Null, |b| b.0.clone()))
    }
}

/// `rank`, `dense_rank`, `percent_rank` and `cume_dist` of the row of
/// direct arguments among the group's rows.
struct Hypothetical {
    name: &'static str,
    /// (descending, NULLs first) of each ordering column.
    keys: Vec<(bool, bool)>,
    rows: u64,
    /// Rows sorting before the hypothetical row, and how many distinct.
    before: u64,
    distinct_before: u64,
    last_before: Option<Vec<Value>>,
    /// Rows sorting equal to it.
    peers: u64,
}

impl Hypothetical {
    fn compare(&self, row: &[Value], hypothetical: &[Value]) -> Ordering {
        for (i, (x, h)) in row.iter().zip(hypothetical).enumerate() {
            let (descending, nulls_first) = self.keys.get(i).copied().unwrap_or((false, false));
            let ord = match (x.is_null(), h.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) if nulls_first => Ordering::Less,
                (true, false) => Ordering::Greater,
                (false, true) if nulls_first => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) if descending => compare(x, h).reverse(),
                (false, false) => compare(x, h),
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl Accumulator for Hypothetical {
    fn set_order(&mut self, keys: &[(bool, bool)]) {
        self.keys = keys.to_vec();
    }

    fn update(&mut self, args: &[Value]) -> Result<()> {
        let k = args.len() / 2;
        let (hypothetical, row) = args.split_at(k);
        self.rows += 1;
        match self.compare(row, hypothetical) {
            Ordering::Less => {
                self.before += 1;
                // Rows arrive sorted: a new distinct value differs from
                // the previous one.
                let new = self.last_before.as_deref().is_none_or(|last| {
                    last.iter().zip(row).any(|(a, b)| {
                        a.is_null() != b.is_null()
                            || (!a.is_null() && compare(a, b) != Ordering::Equal)
                    })
                });
                if new {
                    self.distinct_before += 1;
                    self.last_before = Some(row.to_vec());
                }
            }
            Ordering::Equal => self.peers += 1,
            Ordering::Greater => {}
        }
        Ok(())
    }

    fn finish(&self) -> Result<Value> {
        Ok(match self.name {
            "rank" => Value::Int8(self.before as i64 + 1),
            "dense_rank" => Value::Int8(self.distinct_before as i64 + 1),
            "percent_rank" if self.rows == 0 => Value::Float8(0.0),
            "percent_rank" => Value::Float8(self.before as f64 / self.rows as f64),
            _ => Value::Float8((self.before + self.peers + 1) as f64 / (self.rows + 1) as f64),
        })
    }
}
