//! Window functions, evaluated one row at a time over a sorted partition.
//!
//! The executor sorts a partition, evaluates each window call's arguments
//! for every row, works out the current row's peers (rows equal under the
//! window's `ORDER BY`) and its frame, and calls
//! [`Resolved::eval_window`](super::Resolved::eval_window). Aggregates used
//! as window functions are not here: the executor feeds the frame's rows to
//! an [`Accumulator`](super::Accumulator).

use assay_storage::{bail, Result, SqlState};

use super::args::int;
use super::registry::{Builder, T};
use crate::types::Value;

/// The current row of a window function call, within its partition.
#[derive(Clone, Copy, Debug)]
pub struct WindowRow<'a> {
    /// The call's evaluated arguments for every row of the partition, in
    /// window order.
    pub args: &'a [Vec<Value>],
    /// The current row's index in the partition.
    pub row: usize,
    /// The current row's peer group: rows `peer_start..peer_end`.
    pub peer_start: usize,
    pub peer_end: usize,
    /// How many peer groups come before the current one.
    pub peer_group: usize,
    /// The current row's frame: rows `frame_start..frame_end` (empty when
    /// `frame_start >= frame_end`).
    pub frame_start: usize,
    pub frame_end: usize,
}

impl WindowRow<'_> {
    fn rows(&self) -> usize {
        self.args.len()
    }
    fn arg(&self, row: usize, i: usize) -> Value {
        self.args[row].get(i).cloned().unwrap_or(Value::Null)
    }
}

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.window("row_number", &[], Int8, |w| {
        Ok(Value::Int8(w.row as i64 + 1))
    });
    b.window("rank", &[], Int8, |w| {
        Ok(Value::Int8(w.peer_start as i64 + 1))
    });
    b.window("dense_rank", &[], Int8, |w| {
        Ok(Value::Int8(w.peer_group as i64 + 1))
    });
    b.window("percent_rank", &[], Float8, |w| {
        let n = w.rows();
        Ok(Value::Float8(if n <= 1 {
            0.0
        } else {
            w.peer_start as f64 / (n - 1) as f64
        }))
    });
    b.window("cume_dist", &[], Float8, |w| {
        Ok(Value::Float8(w.peer_end as f64 / w.rows() as f64))
    });
    b.window("ntile", &[Int4], Int4, ntile);
    let lag: super::registry::WindowFn = |w| lag_or_lead(w, false);
    let lead: super::registry::WindowFn = |w| lag_or_lead(w, true);
    for (name, f) in [("lag", lag), ("lead", lead)] {
        b.window(name, &[AnyElement], AnyElement, f);
        b.window(name, &[AnyElement, Int4], AnyElement, f);
        b.window(name, &[AnyElement, Int4, AnyElement], AnyElement, f);
    }
    b.window("first_value", &[AnyElement], AnyElement, |w| {
        Ok(if w.frame_start < w.frame_end {
            w.arg(w.frame_start, 0)
        } else {
            Value::Null
        })
    });
    b.window("last_value", &[AnyElement], AnyElement, |w| {
        Ok(if w.frame_start < w.frame_end {
            w.arg(w.frame_end - 1, 0)
        } else {
            Value::Null
        })
    });
    b.window("nth_value", &[AnyElement, Int4], AnyElement, nth_value);
}

fn ntile(w: &WindowRow<'_>) -> Result<Value> {
    let k = match w.arg(0, 0) {
        Value::Null => return Ok(Value::Null),
        v => int(&v)?,
    };
    if k <= 0 {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_NTILE,
            "argument of ntile must be greater than zero"
        );
    }
    let (n, k, r) = (w.rows() as i64, k, w.row as i64);
    let per = n / k;
    let extra = n % k;
    // The first `extra` buckets hold `per + 1` rows.
    let big = extra * (per + 1);
    let bucket = if r < big {
        r / (per + 1)
    } else {
        extra + (r - big) / per.max(1)
    };
    Ok(Value::Int4((bucket + 1) as i32))
}

/// `lag` (`forward` false) or `lead` over the partition.
fn lag_or_lead(w: &WindowRow<'_>, forward: bool) -> Result<Value> {
    let cur = &w.args[w.row];
    let offset = match cur.get(1) {
        None => 1,
        Some(Value::Null) => return Ok(Value::Null),
        Some(v) => int(v)?,
    };
    let target = if forward {
        w.row as i64 + offset
    } else {
        w.row as i64 - offset
    };
    match usize::try_from(target).ok().filter(|t| *t < w.rows()) {
        Some(t) => Ok(w.arg(t, 0)),
        None => Ok(cur.get(2).cloned().unwrap_or(Value::Null)),
    }
}

fn nth_value(w: &WindowRow<'_>) -> Result<Value> {
    let n = match w.arg(w.row, 1) {
        Value::Null => return Ok(Value::Null),
        v => int(&v)?,
    };
    if n <= 0 {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_NTH_VALUE,
            "argument of nth_value must be greater than zero"
        );
    }
    let idx = w.frame_start + (n as usize - 1);
    Ok(if idx < w.frame_end {
        w.arg(idx, 0)
    } else {
        Value::Null
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::lookup;
    use crate::types::DataType;

    /// Evaluates `name` at every row of a partition ordered by `keys`
    /// (peers share a key), with the default frame (start of partition to
    /// the last peer), as `SELECT name(...) OVER (ORDER BY k)` does.
    fn run(name: &str, types: &[DataType], keys: &[i32], args: &[Vec<Value>]) -> Vec<String> {
        let r = lookup(name, types).unwrap();
        let mut out = Vec::new();
        let mut group = 0;
        for row in 0..keys.len() {
            let peer_start = (0..=row)
                .rev()
                .take_while(|&i| keys[i] == keys[row])
                .last()
                .unwrap();
            let peer_end = (row..keys.len())
                .take_while(|&i| keys[i] == keys[row])
                .last()
                .unwrap()
                + 1;
            if row > 0 && keys[row] != keys[row - 1] {
                group += 1;
            }
            let w = WindowRow {
                args,
                row,
                peer_start,
                peer_end,
                peer_group: group,
                frame_start: 0,
                frame_end: peer_end,
            };
            out.push(match r.eval_window(&w) {
                Ok(Value::Null) => "NULL".to_string(),
                Ok(v) => crate::types::format_value(&v, &Default::default()).unwrap(),
                Err(e) => format!("ERROR {}: {}", e.code(), e.message()),
            });
        }
        out
    }

    fn ints(v: &[i32]) -> Vec<Vec<Value>> {
        v.iter().map(|x| vec![Value::Int4(*x)]).collect()
    }

    // Expected values from PostgreSQL 15:
    // SELECT f OVER (ORDER BY k) FROM (VALUES (1),(1),(2),(3),(3),(3),(4)) t(k)
    const KEYS: [i32; 7] = [1, 1, 2, 3, 3, 3, 4];

    #[test]
    fn ranking() {
        let none = vec![vec![]; 7];
        assert_eq!(
            run("row_number", &[], &KEYS, &none),
            ["1", "2", "3", "4", "5", "6", "7"]
        );
        assert_eq!(
            run("rank", &[], &KEYS, &none),
            ["1", "1", "3", "4", "4", "4", "7"]
        );
        assert_eq!(
            run("dense_rank", &[], &KEYS, &none),
            ["1", "1", "2", "3", "3", "3", "4"]
        );
        assert_eq!(
            run("percent_rank", &[], &KEYS, &none),
            ["0", "0", "0.3333333333333333", "0.5", "0.5", "0.5", "1"]
        );
        assert_eq!(
            run("cume_dist", &[], &KEYS, &none),
            [
                "0.2857142857142857",
                "0.2857142857142857",
                "0.42857142857142855",
                "0.8571428571428571",
                "0.8571428571428571",
                "0.8571428571428571",
                "1"
            ]
        );
    }

    #[test]
    fn ntile_buckets() {
        let three: Vec<Vec<Value>> = vec![vec![Value::Int4(3)]; 7];
        assert_eq!(
            run("ntile", &[DataType::Int4], &KEYS, &three),
            ["1", "1", "1", "2", "2", "3", "3"]
        );
        let ten: Vec<Vec<Value>> = vec![vec![Value::Int4(10)]; 7];
        assert_eq!(
            run("ntile", &[DataType::Int4], &KEYS, &ten),
            ["1", "2", "3", "4", "5", "6", "7"]
        );
        let zero: Vec<Vec<Value>> = vec![vec![Value::Int4(0)]; 7];
        assert_eq!(
            run("ntile", &[DataType::Int4], &KEYS, &zero)[0],
            "ERROR 22014: argument of ntile must be greater than zero"
        );
    }

    #[test]
    fn offsets_and_values() {
        // SELECT lag(k) OVER w, lead(k, 2, -1) OVER w, first_value(k) OVER w,
        //        last_value(k) OVER w, nth_value(k, 3) OVER w
        // FROM (VALUES (1),(1),(2),(3),(3),(3),(4)) t(k) WINDOW w AS (ORDER BY k)
        let ks = ints(&KEYS);
        assert_eq!(
            run("lag", &[DataType::Int4], &KEYS, &ks),
            ["NULL", "1", "1", "2", "3", "3", "3"]
        );
        let lead_args: Vec<Vec<Value>> = KEYS
            .iter()
            .map(|k| vec![Value::Int4(*k), Value::Int4(2), Value::Int4(-1)])
            .collect();
        let t3 = [DataType::Int4, DataType::Int4, DataType::Int4];
        assert_eq!(
            run("lead", &t3, &KEYS, &lead_args),
            ["2", "3", "3", "3", "4", "-1", "-1"]
        );
        assert_eq!(run("first_value", &[DataType::Int4], &KEYS, &ks), ["1"; 7]);
        assert_eq!(
            run("last_value", &[DataType::Int4], &KEYS, &ks),
            ["1", "1", "2", "3", "3", "3", "4"]
        );
        let nth: Vec<Vec<Value>> = KEYS
            .iter()
            .map(|k| vec![Value::Int4(*k), Value::Int4(3)])
            .collect();
        let t2 = [DataType::Int4, DataType::Int4];
        assert_eq!(
            run("nth_value", &t2, &KEYS, &nth),
            ["NULL", "NULL", "2", "2", "2", "2", "2"]
        );
        let bad: Vec<Vec<Value>> = KEYS
            .iter()
            .map(|k| vec![Value::Int4(*k), Value::Int4(0)])
            .collect();
        assert_eq!(
            run("nth_value", &t2, &KEYS, &bad)[0],
            "ERROR 22016: argument of nth_value must be greater than zero"
        );
    }
}
