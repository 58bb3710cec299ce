//! Every function, fed edge-case and random values of its parameter
//! types, returns a value or an error: it never panics.

use std::sync::Arc;

use proptest::prelude::*;

use super::registry::{catalog, FunctionKind, Param};
use super::tests::with_ctx;
use super::{lookup, Resolved};
use crate::types::{parse_value, Array, DataType, Interval, Numeric, Settings, Value};

const TEXTS: &[&str] = &[
    "",
    "a",
    "héllo wörld",
    "%_\\",
    "(",
    "[a-",
    "*",
    "\\",
    "{a,b}",
    "{\"a\":1}",
    "1",
    "-1",
    "1.5",
    "day",
    "epoch",
    "year",
    "week",
    "hex",
    "base64",
    "escape",
    "%s %I %L %1$s %*s %-5s %",
    "g",
    "i",
    "x",
    "UTC",
    "America/New_York",
    "+05:30",
    "foo bar",
    "'",
    "\"",
    "\u{0}",
    "ÿ",
];

fn pick<T: Clone>(r: &mut u64, items: &[T]) -> T {
    *r = r
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    items[((*r >> 33) as usize) % items.len()].clone()
}

fn small(r: &mut u64) -> i64 {
    pick(r, &[0i64, 1, -1, 2, 3, 7, 10, 100, -100, 1000, 65, 9731])
}

fn value_of(t: &DataType, r: &mut u64) -> Value {
    let settings = Settings::default();
    if pick(r, &[false, false, false, false, false, false, false, true]) {
        return Value::Null;
    }
    let n = small(r);
    match t {
        DataType::Bool => Value::Bool(pick(r, &[true, false])),
        DataType::Int2 => Value::Int2(pick(r, &[0, 1, -1, i16::MIN, i16::MAX, n as i16])),
        DataType::Int4 => Value::Int4(pick(r, &[0, 1, -1, i32::MIN, i32::MAX, n as i32])),
        DataType::Int8 => Value::Int8(pick(r, &[0, 1, -1, i64::MIN, i64::MAX, n])),
        DataType::Float4 => Value::Float4(pick(
            r,
            &[0.0, -0.0, 1.5, f32::NAN, f32::INFINITY, f32::MAX, 1e-40],
        )),
        DataType::Float8 => Value::Float8(pick(
            r,
            &[
                0.0,
                -0.0,
                0.5,
                -1.0,
                2.0,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                1e308,
                5e-324,
                1e10,
            ],
        )),
        DataType::Numeric(_) => {
            let s = pick(
                r,
                &[
                    "0",
                    "1.5",
                    "-123.456",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "1e100",
                    "0.000001",
                    "7",
                    "-2",
                ],
            );
            Value::numeric(Numeric::parse(s).unwrap())
        }
        DataType::Text | DataType::Varchar(_) | DataType::Bpchar(_) | DataType::Unknown => {
            Value::text(pick(r, TEXTS))
        }
        DataType::Bytea => Value::Bytea(Arc::from(pick(r, &[&b""[..], b"abc", b"\x00\xff\\"]))),
        DataType::Date => Value::Date(pick(
            r,
            &[0, -1_000_000, i32::MIN, i32::MAX, 8766, 2_000_000],
        )),
        DataType::Time(_) => Value::Time(pick(r, &[0, 86_400_000_000, 3_600_000_001])),
        ty @ (DataType::Timestamp(_) | DataType::TimestampTz(_)) => {
            let t = pick(
                r,
                &[
                    0,
                    i64::MIN,
                    i64::MAX,
                    768_207_489_123_456,
                    -211_813_488_000_000_000,
                    9_000_000_000_000_000,
                ],
            );
            if *ty == DataType::TimestampTz(None) {
                Value::TimestampTz(t)
            } else {
                Value::Timestamp(t)
            }
        }
        DataType::Interval(_) => Value::Interval(pick(
            r,
            &[
                Interval::new(0, 0, 0),
                Interval::new(1, 2, 3_000_000),
                Interval::new(-1, 35, -1),
                Interval::new(i32::MAX, i32::MAX, i64::MAX),
                Interval::new(i32::MIN, i32::MIN, i64::MIN),
            ],
        )),
        DataType::Uuid => Value::Uuid([7; 16]),
        DataType::Oid | DataType::Reg(_) => Value::Int8(pick(r, &[0, 1, 1259, 4_294_967_295])),
        DataType::Name | DataType::Char => Value::text(pick(r, &["", "a", "pg_class"])),
        DataType::Bit(_) | DataType::VarBit(_) => {
            Value::text(pick(r, &["", "0", "1011", "00001111"]))
        }
        DataType::Json | DataType::Jsonb => {
            let s = pick(
                r,
                &[
                    "{}",
                    "[]",
                    "1",
                    "\"a\"",
                    "null",
                    "{\"a\":[1,{\"b\":null}],\"x\":\"y\"}",
                    "[1,2,3]",
                ],
            );
            parse_value(s, t, &settings).unwrap()
        }
        DataType::Array(e) => {
            let s = pick(
                r,
                &["{}", "{1,2}", "{{1,2},{3,4}}", "{NULL}", "[0:1]={1,2}"],
            );
            let elem = if **e == DataType::Unknown {
                DataType::Int4
            } else {
                (**e).clone()
            };
            parse_value(s, &DataType::Array(Box::new(elem)), &settings)
                .unwrap_or_else(|_| Value::Array(Arc::new(Array::from_items(vec![value_of(e, r)]))))
        }
        DataType::Int2Vector | DataType::OidVector => {
            parse_value(pick(r, &["", "1", "1 2 3"]), t, &settings).unwrap()
        }
        DataType::Record(_) => {
            let ty = crate::types::RecordType::anonymous(vec![DataType::Int4, DataType::Text]);
            crate::types::record::record_value(
                Arc::new(ty),
                vec![value_of(&DataType::Int4, r), value_of(&DataType::Text, r)],
            )
        }
    }
}

/// Concrete argument types for a definition: polymorphic ones as int4.
fn arg_types(params: &[Param], variadic: bool, extra: usize) -> Vec<DataType> {
    let mut types: Vec<DataType> = params
        .iter()
        .map(|p| match p {
            Param::Type(t) => t.clone(),
            Param::AnyElement | Param::AnyNonArray | Param::Any => DataType::Int4,
            Param::AnyArray => DataType::Array(Box::new(DataType::Int4)),
        })
        .collect();
    if variadic {
        if let Some(last) = types.last().cloned() {
            types.extend(std::iter::repeat_n(last, extra));
        }
    }
    types
}

fn exercise(r: &Resolved, types: &[DataType], seed: &mut u64) {
    let args: Vec<Value> = types.iter().map(|t| value_of(t, seed)).collect();
    let settings = Settings::default();
    with_ctx(&settings, |ctx| match r.def.kind() {
        FunctionKind::Scalar => {
            let _ = r.eval(&args, ctx);
        }
        FunctionKind::SetReturning => {
            if let Ok(rows) = r.rows(&args, ctx) {
                for row in rows.take(50) {
                    let _ = row;
                }
            }
        }
        FunctionKind::Aggregate => {
            if let Ok(mut acc) = r.accumulator(&settings) {
                for _ in 0..3 {
                    let row: Vec<Value> = types.iter().map(|t| value_of(t, seed)).collect();
                    let _ = acc.update(&row);
                }
                let _ = acc.finish();
            }
        }
        FunctionKind::Window => {}
    });
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        max_shrink_iters: 4,
        ..ProptestConfig::default()
    })]
    #[test]
    fn no_function_panics(seed in any::<u64>(), extra in 0usize..3) {
        let mut s = seed;
        let mut exercised = 0;
        for defs in catalog().by_name.values() {
            for def in defs {
                let types = arg_types(&def.params, def.variadic, extra);
                let Ok(r) = lookup(def.name, &types) else { continue };
                exercised += 1;
                // Exercise this exact definition even if lookup chose another.
                let r = Resolved { def, ..r };
                let start = std::time::Instant::now();
                let before = s;
                let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    exercise(&r, &types, &mut s)
                }));
                prop_assert!(run.is_ok(), "{}({:?}) panicked (seed {})", def.name, types, before);
                if std::env::var("ASSAY_FUZZ_TIMES").is_ok() && start.elapsed().as_millis() > 50 {
                    eprintln!("slow: {} {:?} seed {before} {:?}", def.name, types, start.elapsed());
                }
            }
        }
        prop_assert!(exercised > 400, "only {} functions exercised", exercised);
    }
}
