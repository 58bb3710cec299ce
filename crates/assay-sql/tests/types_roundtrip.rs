//! Property tests of the type layer: every value printed and read back is
//! the same value, and no input string makes a parser panic.

use assay_sql::types::datetime::calendar::{DATE_END, DATE_MIN, TS_END, TS_MIN};
use assay_sql::types::{format_value, parse_value, DataType, Interval, Settings, Value};
use proptest::prelude::*;

fn round_trip(v: &Value, ty: &DataType, s: &Settings) -> Value {
    let text = format_value(v, s).expect("non-null");
    parse_value(&text, ty, s).unwrap_or_else(|e| panic!("{text:?} as {ty}: {e}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn integers(a: i16, b: i32, c: i64) {
        let s = Settings::default();
        prop_assert_eq!(round_trip(&Value::Int2(a), &DataType::Int2, &s), Value::Int2(a));
        prop_assert_eq!(round_trip(&Value::Int4(b), &DataType::Int4, &s), Value::Int4(b));
        prop_assert_eq!(round_trip(&Value::Int8(c), &DataType::Int8, &s), Value::Int8(c));
    }

    #[test]
    fn floats(bits: u64, bits4: u32) {
        let s = Settings::default();
        let f = f64::from_bits(bits);
        match round_trip(&Value::Float8(f), &DataType::Float8, &s) {
            Value::Float8(g) if f.is_nan() => prop_assert!(g.is_nan()),
            Value::Float8(g) => prop_assert_eq!(g.to_bits(), f.to_bits()),
            other => prop_assert!(false, "{:?}", other),
        }
        let f = f32::from_bits(bits4);
        match round_trip(&Value::Float4(f), &DataType::Float4, &s) {
            Value::Float4(g) if f.is_nan() => prop_assert!(g.is_nan()),
            Value::Float4(g) => prop_assert_eq!(g.to_bits(), f.to_bits()),
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn numerics(int in "-?[0-9]{1,40}", frac in "[0-9]{0,30}", exp in -40i32..40) {
        let s = Settings::default();
        let text = if frac.is_empty() { format!("{int}e{exp}") } else { format!("{int}.{frac}e{exp}") };
        let v = parse_value(&text, &DataType::Numeric(None), &s).unwrap();
        let printed = format_value(&v, &s).unwrap();
        let again = parse_value(&printed, &DataType::Numeric(None), &s).unwrap();
        prop_assert_eq!(format_value(&again, &s).unwrap(), printed);
        prop_assert_eq!(again, v);
    }

    #[test]
    fn dates(d in DATE_MIN..DATE_END) {
        let s = Settings::default();
        prop_assert_eq!(round_trip(&Value::Date(d), &DataType::Date, &s), Value::Date(d));
    }

    #[test]
    fn timestamps(t in TS_MIN..TS_END) {
        let s = Settings::default();
        prop_assert_eq!(round_trip(&Value::Timestamp(t), &DataType::Timestamp(None), &s), Value::Timestamp(t));
        prop_assert_eq!(round_trip(&Value::TimestampTz(t), &DataType::TimestampTz(None), &s), Value::TimestampTz(t));
    }

    #[test]
    fn timestamptz_in_a_zone(t in (TS_MIN + 86_400_000_000)..(TS_END - 86_400_000_000)) {
        let mut s = Settings::default();
        s.set_time_zone("America/New_York").unwrap();
        prop_assert_eq!(round_trip(&Value::TimestampTz(t), &DataType::TimestampTz(None), &s), Value::TimestampTz(t));
    }

    #[test]
    fn times(t in 0i64..=86_400_000_000) {
        let s = Settings::default();
        prop_assert_eq!(round_trip(&Value::Time(t), &DataType::Time(None), &s), Value::Time(t));
    }

    #[test]
    fn intervals(months: i32, days: i32, micros: i64) {
        let s = Settings::default();
        let v = Value::Interval(Interval::new(months, days, micros));
        prop_assert_eq!(round_trip(&v, &DataType::Interval(None), &s), v);
    }

    #[test]
    fn int_arrays(items in proptest::collection::vec(proptest::option::of(any::<i32>()), 0..8)) {
        let s = Settings::default();
        let ty = DataType::Array(Box::new(DataType::Int4));
        let v = Value::Array(std::sync::Arc::new(assay_sql::types::Array::from_items(
            items.iter().map(|x| x.map_or(Value::Null, Value::Int4)).collect(),
        )));
        prop_assert_eq!(round_trip(&v, &ty, &s), v);
    }

    #[test]
    fn text_arrays(items in proptest::collection::vec(".{0,6}", 1..6)) {
        let s = Settings::default();
        let ty = DataType::Array(Box::new(DataType::Text));
        let v = Value::Array(std::sync::Arc::new(assay_sql::types::Array::from_items(
            items.iter().map(|x| Value::text(x)).collect(),
        )));
        prop_assert_eq!(round_trip(&v, &ty, &s), v);
    }
}

const TYPES: &[&str] = &[
    "bool",
    "int2",
    "int4",
    "int8",
    "float4",
    "float8",
    "numeric",
    "text",
    "bytea",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "interval",
    "uuid",
    "json",
    "jsonb",
    "int[]",
    "text[]",
    "timestamptz[]",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn parsers_never_panic_on_any_string(input in ".{0,40}") {
        let s = Settings { now: Some(0), ..Settings::default() };
        for ty in TYPES {
            let _ = parse_value(&input, &DataType::parse(ty).unwrap(), &s);
        }
    }

    #[test]
    fn parsers_never_panic_on_plausible_strings(
        input in "[0-9a-zA-Z:+./ ,{}\"\\\\\\[\\]=@-]{0,30}"
    ) {
        let s = Settings { now: Some(0), ..Settings::default() };
        for ty in TYPES {
            let _ = parse_value(&input, &DataType::parse(ty).unwrap(), &s);
        }
        let _ = DataType::parse(&input);
    }
}
