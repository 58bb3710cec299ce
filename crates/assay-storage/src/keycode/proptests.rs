//! Property tests: for random values and random composite keys, comparing
//! the encoded bytes must agree with a plain reference comparison written
//! here as PostgreSQL defines it, decoding must give the value back, and
//! damaged bytes must never make the reader panic.

use std::cmp::Ordering;

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;

/// The column types the properties cover.
#[derive(Clone, Copy, Debug)]
enum Ty {
    Bool,
    Int,
    Real,
    Double,
    Numeric,
    Text,
    Bytea,
    Interval,
    Uuid,
}

#[derive(Clone, Debug, PartialEq)]
enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Real(f32),
    Double(f64),
    Numeric(DecodedNumeric),
    Text(String),
    Bytea(Vec<u8>),
    /// Months, days, microseconds, as written.
    Interval(i32, i32, i64),
    /// What an interval decodes to.
    Span(i128),
    Uuid([u8; 16]),
}

// ---- reference comparisons ----

/// PostgreSQL's float order: NaN equals NaN and is above everything;
/// -0 equals +0 (which `partial_cmp` already says).
fn ref_float(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap(),
    }
}

/// Highest power of ten a generated numeric digit can have, and the width
/// of the positional digit array below.
const TOP_POWER: i32 = 60;
const POSITIONS: usize = 160;

/// A finite numeric as (sign, digits laid out by power of ten), so two
/// values of one sign compare as their arrays do.
fn positional(negative: bool, exponent: i32, digits: &[u8]) -> (i8, Vec<u8>) {
    let mut p = vec![0; POSITIONS];
    for (i, &d) in digits.iter().enumerate() {
        p[(TOP_POWER - exponent + i as i32) as usize] = d;
    }
    let sign = match (p.iter().all(|&d| d == 0), negative) {
        (true, _) => 0,
        (false, true) => -1,
        (false, false) => 1,
    };
    (sign, p)
}

fn ref_numeric(a: &DecodedNumeric, b: &DecodedNumeric) -> Ordering {
    let rank = |n: &DecodedNumeric| match n {
        DecodedNumeric::NegInf => 0,
        DecodedNumeric::Finite { .. } => 1,
        DecodedNumeric::PosInf => 2,
        DecodedNumeric::NaN => 3,
    };
    match (a, b) {
        (
            DecodedNumeric::Finite {
                negative: na,
                exponent: ea,
                digits: da,
            },
            DecodedNumeric::Finite {
                negative: nb,
                exponent: eb,
                digits: db,
            },
        ) => {
            let (sa, pa) = positional(*na, *ea, da);
            let (sb, pb) = positional(*nb, *eb, db);
            sa.cmp(&sb)
                .then_with(|| if sa < 0 { pb.cmp(&pa) } else { pa.cmp(&pb) })
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// An interval's span as PostgreSQL's `interval_cmp_value` computes it.
fn span(v: &Val) -> i128 {
    match *v {
        Val::Interval(m, d, us) => {
            i128::from(m) * 30 * 86_400_000_000 + i128::from(d) * 86_400_000_000 + i128::from(us)
        }
        Val::Span(s) => s,
        _ => unreachable!("not an interval: {v:?}"),
    }
}

/// Compares two non-NULL values of one type.
fn ref_value(a: &Val, b: &Val) -> Ordering {
    match (a, b) {
        (Val::Bool(a), Val::Bool(b)) => a.cmp(b),
        (Val::Int(a), Val::Int(b)) => a.cmp(b),
        (Val::Real(a), Val::Real(b)) => ref_float(f64::from(*a), f64::from(*b)),
        (Val::Double(a), Val::Double(b)) => ref_float(*a, *b),
        (Val::Numeric(a), Val::Numeric(b)) => ref_numeric(a, b),
        (Val::Text(a), Val::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
        (Val::Bytea(a), Val::Bytea(b)) => a.cmp(b),
        (Val::Uuid(a), Val::Uuid(b)) => a.cmp(b),
        (Val::Interval(..) | Val::Span(_), Val::Interval(..) | Val::Span(_)) => {
            span(a).cmp(&span(b))
        }
        _ => unreachable!("{a:?} and {b:?} are of different types"),
    }
}

/// Compares two rows as `ORDER BY` with the schema's orders would.
fn ref_row(schema: &[(Ty, SortOrder)], a: &[Val], b: &[Val]) -> Ordering {
    for (i, (_, order)) in schema.iter().enumerate() {
        let nulls = if order.nulls_first {
            Ordering::Less
        } else {
            Ordering::Greater
        };
        let c = match (&a[i], &b[i]) {
            (Val::Null, Val::Null) => Ordering::Equal,
            (Val::Null, _) => nulls,
            (_, Val::Null) => nulls.reverse(),
            (x, y) if order.descending => ref_value(x, y).reverse(),
            (x, y) => ref_value(x, y),
        };
        if c != Ordering::Equal {
            return c;
        }
    }
    Ordering::Equal
}

/// Whether `decoded` is what decoding `written` must give: the same value,
/// with floats and numerics in canonical form and intervals as spans.
fn decodes_as(written: &Val, decoded: &Val) -> bool {
    match (written, decoded) {
        (Val::Double(a), Val::Double(b)) => {
            ref_float(*a, *b).is_eq() && (a.is_nan() || *a == 0.0 || a.to_bits() == b.to_bits())
        }
        (Val::Real(a), Val::Real(b)) => {
            ref_float(f64::from(*a), f64::from(*b)).is_eq()
                && (a.is_nan() || *a == 0.0 || a.to_bits() == b.to_bits())
        }
        (Val::Numeric(a), Val::Numeric(b)) => ref_numeric(a, b).is_eq() && is_normalised(b),
        (Val::Interval(..), Val::Span(s)) => span(written) == *s,
        _ => written == decoded,
    }
}

fn is_normalised(n: &DecodedNumeric) -> bool {
    match n {
        DecodedNumeric::Finite {
            negative,
            exponent,
            digits,
        } => match (digits.first(), digits.last()) {
            (None, _) => !negative && *exponent == 0,
            (Some(&first), Some(&last)) => first != 0 && last != 0,
            (Some(_), None) => false,
        },
        _ => true,
    }
}

// ---- encoding and decoding a row ----

fn write(w: &mut KeyWriter<'_>, v: &Val, o: SortOrder) {
    match v {
        Val::Null => w.write_null(o),
        Val::Bool(b) => w.write_bool(*b, o),
        Val::Int(i) => w.write_int(*i, o),
        Val::Real(f) => w.write_f32(*f, o),
        Val::Double(f) => w.write_f64(*f, o),
        Val::Numeric(n) => w.write_numeric(n.as_key(), o).unwrap(),
        Val::Text(s) => w.write_text(s, o),
        Val::Bytea(b) => w.write_bytea(b, o),
        Val::Interval(m, d, us) => w.write_interval(*m, *d, *us, o),
        Val::Span(_) => unreachable!("spans are only decoded"),
        Val::Uuid(u) => w.write_uuid(u, o),
    }
}

fn encode(schema: &[(Ty, SortOrder)], row: &[Val]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut w = KeyWriter::new(&mut buf);
    for ((_, o), v) in schema.iter().zip(row) {
        write(&mut w, v, *o);
    }
    buf
}

fn read(r: &mut KeyReader<'_>, ty: Ty, o: SortOrder) -> crate::Result<Val> {
    fn or_null<T>(v: Option<T>, f: impl FnOnce(T) -> Val) -> Val {
        v.map_or(Val::Null, f)
    }
    Ok(match ty {
        Ty::Bool => or_null(r.read_bool(o)?, Val::Bool),
        Ty::Int => or_null(r.read_i64(o)?, Val::Int),
        Ty::Real => or_null(r.read_f32(o)?, Val::Real),
        Ty::Double => or_null(r.read_f64(o)?, Val::Double),
        Ty::Numeric => or_null(r.read_numeric(o)?, Val::Numeric),
        Ty::Text => or_null(r.read_text(o)?, Val::Text),
        Ty::Bytea => or_null(r.read_bytea(o)?, Val::Bytea),
        Ty::Interval => or_null(r.read_interval_span(o)?, Val::Span),
        Ty::Uuid => or_null(r.read_uuid(o)?, Val::Uuid),
    })
}

fn decode(schema: &[(Ty, SortOrder)], key: &[u8]) -> crate::Result<Vec<Val>> {
    let mut r = KeyReader::new(key);
    let row = schema
        .iter()
        .map(|&(ty, o)| read(&mut r, ty, o))
        .collect::<crate::Result<Vec<_>>>()?;
    r.finish()?;
    Ok(row)
}

// ---- generators ----

fn int() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        -300i64..300,
        (0u32..63).prop_map(|s| 1i64 << s),
        (0u32..63).prop_map(|s| -(1i64 << s) - 1),
        Just(i64::MIN),
        Just(i64::MAX),
    ]
}

fn double() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        1 => prop::sample::select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::from_bits(0xFFF8_0000_0000_0001),
            f64::MIN_POSITIVE,
            5e-324,
        ]),
    ]
}

fn real() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => any::<f32>(),
        1 => prop::sample::select(vec![0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN]),
    ]
}

/// Finite numerics, often with leading and trailing zero digits and in a
/// narrow range so that equal values come up.
fn numeric() -> impl Strategy<Value = DecodedNumeric> {
    let finite = |(negative, exponent, digits)| DecodedNumeric::Finite {
        negative,
        exponent,
        digits,
    };
    prop_oneof![
        1 => Just(DecodedNumeric::NegInf),
        1 => Just(DecodedNumeric::PosInf),
        1 => Just(DecodedNumeric::NaN),
        8 => (any::<bool>(), -40i32..=40, vec(0u8..=9, 0..16)).prop_map(finite),
        8 => (any::<bool>(), -2i32..=2, vec(0u8..=2, 0..4)).prop_map(finite),
    ]
}

/// The same value as `n` spelt with extra leading and trailing zeros.
fn respell(n: &DecodedNumeric, lead: usize, trail: usize) -> DecodedNumeric {
    match n {
        DecodedNumeric::Finite {
            negative,
            exponent,
            digits,
        } => {
            let mut d = vec![0; lead];
            d.extend_from_slice(digits);
            d.extend(std::iter::repeat_n(0, trail));
            DecodedNumeric::Finite {
                negative: *negative,
                exponent: exponent + lead as i32,
                digits: d,
            }
        }
        other => other.clone(),
    }
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        prop::sample::select(vec![0x00u8, 0x01, 0xFE, 0xFF, b'a', b'b']),
        any::<u8>(),
    ];
    vec(byte, 0..6)
}

fn text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        prop::sample::select(vec!['\0', '\u{1}', 'a', 'b', 'é', '€', '\u{10FFFF}']),
        any::<char>(),
    ];
    vec(ch, 0..6).prop_map(|cs| cs.into_iter().collect())
}

fn interval() -> impl Strategy<Value = Val> {
    const HOUR: i64 = 3_600_000_000;
    prop_oneof![
        (any::<i32>(), any::<i32>(), any::<i64>()),
        (-2i32..=2, -61i32..=61, (-49i64..=49).prop_map(|h| h * HOUR)),
    ]
    .prop_map(|(m, d, us)| Val::Interval(m, d, us))
}

fn ty() -> impl Strategy<Value = Ty> {
    prop::sample::select(vec![
        Ty::Bool,
        Ty::Int,
        Ty::Real,
        Ty::Double,
        Ty::Numeric,
        Ty::Text,
        Ty::Bytea,
        Ty::Interval,
        Ty::Uuid,
    ])
}

fn order() -> impl Strategy<Value = SortOrder> {
    (any::<bool>(), any::<bool>()).prop_map(|(d, n)| SortOrder::new(d, n))
}

/// A value of type `ty`, NULL one time in six.
fn value(ty: Ty) -> BoxedStrategy<Val> {
    let v = match ty {
        Ty::Bool => any::<bool>().prop_map(Val::Bool).boxed(),
        Ty::Int => int().prop_map(Val::Int).boxed(),
        Ty::Real => real().prop_map(Val::Real).boxed(),
        Ty::Double => double().prop_map(Val::Double).boxed(),
        Ty::Numeric => numeric().prop_map(Val::Numeric).boxed(),
        Ty::Text => text().prop_map(Val::Text).boxed(),
        Ty::Bytea => bytes().prop_map(Val::Bytea).boxed(),
        Ty::Interval => interval().boxed(),
        Ty::Uuid => prop_oneof![any::<[u8; 16]>(), (0u8..2).prop_map(|b| [b; 16]),]
            .prop_map(Val::Uuid)
            .boxed(),
    };
    prop_oneof![1 => Just(Val::Null), 5 => v].boxed()
}

type Schema = Vec<(Ty, SortOrder)>;

/// A schema and two rows of it; each column of the second row is a copy of
/// the first row's half of the time, so rows often share a prefix.
fn two_rows() -> impl Strategy<Value = (Schema, Vec<Val>, Vec<Val>)> {
    vec((ty(), order()), 1..5).prop_flat_map(|schema| {
        let row = || schema.iter().map(|&(t, _)| value(t)).collect::<Vec<_>>();
        let copy = vec(any::<bool>(), schema.len());
        (Just(schema.clone()), row(), row(), copy).prop_map(|(schema, a, b, copy)| {
            let b = b
                .into_iter()
                .zip(&a)
                .zip(copy)
                .map(|((b, a), c)| if c { a.clone() } else { b })
                .collect();
            (schema, a, b)
        })
    })
}

fn one_column(ty: Ty, a: Val, b: Val) -> impl Strategy<Value = (Schema, Vec<Val>, Vec<Val>)> {
    order().prop_map(move |o| (vec![(ty, o)], vec![a.clone()], vec![b.clone()]))
}

/// Checks the order and round-trip properties for two rows.
fn check(schema: &[(Ty, SortOrder)], a: &[Val], b: &[Val]) -> Result<(), TestCaseError> {
    let (ka, kb) = (encode(schema, a), encode(schema, b));
    prop_assert_eq!(
        ka.cmp(&kb),
        ref_row(schema, a, b),
        "keys {:x?} and {:x?}",
        ka,
        kb
    );
    for (row, key) in [(a, &ka), (b, &kb)] {
        let back = decode(schema, key).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for (w, d) in row.iter().zip(&back) {
            prop_assert!(decodes_as(w, d), "{:?} decoded as {:?}", w, d);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn ints_order_as_integers((s, a, b) in (int(), int()).prop_flat_map(|(a, b)| {
        one_column(Ty::Int, Val::Int(a), Val::Int(b))
    })) {
        check(&s, &a, &b)?;
    }

    #[test]
    fn doubles_order_as_postgres_floats((s, a, b) in (double(), double()).prop_flat_map(|(a, b)| {
        one_column(Ty::Double, Val::Double(a), Val::Double(b))
    })) {
        check(&s, &a, &b)?;
    }

    #[test]
    fn reals_order_as_postgres_floats((s, a, b) in (real(), real()).prop_flat_map(|(a, b)| {
        one_column(Ty::Real, Val::Real(a), Val::Real(b))
    })) {
        check(&s, &a, &b)?;
    }

    #[test]
    fn numerics_order_by_value(
        (s, a, b) in (numeric(), numeric(), 0usize..3, 0usize..3, any::<bool>())
            .prop_flat_map(|(a, b, lead, trail, same)| {
                let b = if same { respell(&a, lead, trail) } else { b };
                one_column(Ty::Numeric, Val::Numeric(a), Val::Numeric(b))
            })
    ) {
        check(&s, &a, &b)?;
    }

    #[test]
    fn byteas_order_bytewise((s, a, b) in (bytes(), bytes()).prop_flat_map(|(a, b)| {
        one_column(Ty::Bytea, Val::Bytea(a), Val::Bytea(b))
    })) {
        check(&s, &a, &b)?;
    }

    #[test]
    fn texts_order_bytewise((s, a, b) in (text(), text()).prop_flat_map(|(a, b)| {
        one_column(Ty::Text, Val::Text(a), Val::Text(b))
    })) {
        check(&s, &a, &b)?;
    }

    #[test]
    fn intervals_order_by_span((s, a, b) in (interval(), interval()).prop_flat_map(|(a, b)| {
        one_column(Ty::Interval, a, b)
    })) {
        check(&s, &a, &b)?;
    }

    #[test]
    fn composite_keys_order_column_by_column((s, a, b) in two_rows()) {
        check(&s, &a, &b)?;
    }

    /// Damaged keys (a valid key with bytes changed, cut short or grown)
    /// give errors, not panics; and whatever the reader accepts is the one
    /// canonical encoding of what it returned.
    #[test]
    fn damaged_keys_never_panic(
        (s, a, _) in two_rows(),
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        cut in any::<prop::sample::Index>(),
        tail in bytes(),
        how in 0u8..3,
    ) {
        let mut key = encode(&s, &a);
        for (at, byte) in edits {
            let i = at.index(key.len());
            key[i] = byte;
        }
        match how {
            0 => key.truncate(cut.index(key.len() + 1)),
            1 => key.extend_from_slice(&tail),
            _ => {}
        }
        if let Ok(row) = decode(&s, &key) {
            let spans_fit = row.iter().all(|v| !matches!(v, Val::Span(s) if i64::try_from(*s).is_err()));
            if spans_fit {
                let row: Vec<Val> = row
                    .into_iter()
                    .map(|v| match v {
                        Val::Span(s) => Val::Interval(0, 0, s as i64),
                        v => v,
                    })
                    .collect();
                prop_assert_eq!(encode(&s, &row), key);
            }
        }
    }
}
