//! Edge cases of the key encoding, written out by hand. The property tests
//! against a reference comparison are in `proptests.rs`.

use std::cmp::Ordering;

use super::*;
use crate::SqlState;

const ASC: SortOrder = SortOrder::ASC;
const DESC: SortOrder = SortOrder::DESC;

fn key(f: impl FnOnce(&mut KeyWriter<'_>)) -> Vec<u8> {
    let mut buf = Vec::new();
    f(&mut KeyWriter::new(&mut buf));
    buf
}

/// Asserts that `keys` are strictly increasing.
fn assert_increasing(keys: &[Vec<u8>]) {
    for pair in keys.windows(2) {
        assert_eq!(
            pair[0].cmp(&pair[1]),
            Ordering::Less,
            "{:x?} vs {:x?}",
            pair[0],
            pair[1]
        );
    }
}

fn int_key(v: i64, order: SortOrder) -> Vec<u8> {
    key(|w| w.write_int(v, order))
}

#[test]
fn integers_order_and_round_trip_at_the_edges() {
    let values = [
        i64::MIN,
        i64::MIN + 1,
        -(1 << 32),
        -257,
        -256,
        -255,
        -2,
        -1,
        0,
        1,
        255,
        256,
        1 << 32,
        i64::MAX - 1,
        i64::MAX,
    ];
    let asc: Vec<_> = values.iter().map(|&v| int_key(v, ASC)).collect();
    assert_increasing(&asc);
    let mut desc: Vec<_> = values.iter().map(|&v| int_key(v, DESC)).collect();
    desc.reverse();
    assert_increasing(&desc);
    for (&v, k) in values.iter().zip(&asc) {
        let mut r = KeyReader::new(k);
        assert_eq!(r.read_i64(ASC).unwrap(), Some(v));
        r.finish().unwrap();
    }
    assert_eq!(int_key(0, ASC), [0x01, 0x80]);
    assert_eq!(int_key(-1, ASC), [0x01, 0x7F]);
    assert_eq!(int_key(-2, ASC), [0x01, 0x7E, 0xFE]);
    assert_eq!(int_key(256, ASC), [0x01, 0x82, 0x01, 0x00]);
    assert_eq!(int_key(-257, ASC), [0x01, 0x7D, 0xFE, 0xFF]);
}

#[test]
fn narrow_integers_share_the_encoding_and_check_their_range() {
    assert_eq!(key(|w| w.write_date(-5, ASC)), int_key(-5, ASC));
    let big = int_key(i64::from(i32::MAX) + 1, ASC);
    assert_eq!(KeyReader::new(&big).read_i64(ASC).unwrap(), Some(1 << 31));
    let e = KeyReader::new(&big).read_i32(ASC).unwrap_err();
    assert_eq!(e.code(), SqlState::DATA_CORRUPTED);
    let small = int_key(-32768, DESC);
    assert_eq!(
        KeyReader::new(&small).read_i16(DESC).unwrap(),
        Some(i16::MIN)
    );
}

#[test]
fn floats_follow_postgres_order() {
    let values = [
        f64::NEG_INFINITY,
        f64::MIN,
        -1.0,
        -f64::MIN_POSITIVE,
        -5e-324,
        0.0,
        5e-324,
        f64::MIN_POSITIVE,
        1.0,
        f64::MAX,
        f64::INFINITY,
        f64::NAN,
    ];
    let keys: Vec<_> = values
        .iter()
        .map(|&v| key(|w| w.write_f64(v, ASC)))
        .collect();
    assert_increasing(&keys);
    let zero = key(|w| w.write_f64(0.0, DESC));
    assert_eq!(key(|w| w.write_f64(-0.0, DESC)), zero);
    let other_nan = f64::from_bits(0xFFF0_0000_0000_0001);
    assert!(other_nan.is_nan());
    assert_eq!(key(|w| w.write_f64(other_nan, ASC)), keys[11]);
    let neg_zero = key(|w| w.write_f64(-0.0, ASC));
    let back = KeyReader::new(&neg_zero).read_f64(ASC).unwrap().unwrap();
    assert_eq!(back.to_bits(), 0.0f64.to_bits());
    assert!(KeyReader::new(&keys[11])
        .read_f64(ASC)
        .unwrap()
        .unwrap()
        .is_nan());
    let f = key(|w| w.write_f32(1.1, DESC));
    assert_eq!(KeyReader::new(&f).read_f32(DESC).unwrap(), Some(1.1f32));
    // 1.1 as a float8 is not a float4 value.
    let d = key(|w| w.write_f64(1.1, ASC));
    assert!(KeyReader::new(&d).read_f32(ASC).is_err());
}

fn num(negative: bool, exponent: i32, digits: &[u8]) -> Vec<u8> {
    key(|w| {
        let v = NumericKey::Finite {
            negative,
            exponent,
            digits,
        };
        w.write_numeric(v, ASC).unwrap()
    })
}

fn special(v: NumericKey<'static>) -> Vec<u8> {
    key(|w| w.write_numeric(v, ASC).unwrap())
}

#[test]
fn numerics_order_across_classes_and_exponents() {
    let keys = [
        special(NumericKey::NegInf),
        num(true, 1000, &[1]),
        num(true, 0, &[1, 5, 1]),
        num(true, 0, &[1, 5]),
        num(true, 0, &[1]),
        num(true, -1000, &[1]),
        num(false, 0, &[]),
        num(false, -1000, &[1]),
        num(false, -999, &[1]),
        num(false, 0, &[1]),
        num(false, 0, &[1, 0, 1]),
        num(false, 0, &[1, 5]),
        num(false, 0, &[1, 5, 1]),
        num(false, 1000, &[1]),
        num(false, i32::MAX, &[9, 9]),
        special(NumericKey::PosInf),
        special(NumericKey::NaN),
    ];
    assert_increasing(&keys);
}

#[test]
fn equal_numerics_encode_identically() {
    assert_eq!(num(false, 0, &[1, 5]), num(false, 0, &[1, 5, 0, 0]));
    assert_eq!(num(false, 0, &[1, 5]), num(false, 2, &[0, 0, 1, 5]));
    assert_eq!(num(false, 0, &[]), num(true, 7, &[0, 0]));
    assert_eq!(num(false, 0, &[]), [0x01, 0x03]);
}

#[test]
fn numerics_round_trip_normalised() {
    for (negative, exponent, digits) in [
        (false, 0, &[][..]),
        (false, -1000, &[1][..]),
        (true, 1000, &[1][..]),
        (true, 3, &[0, 1, 2, 3, 0][..]),
        (false, i32::MIN, &[9][..]),
    ] {
        for order in [ASC, DESC] {
            let k = key(|w| {
                let v = NumericKey::Finite {
                    negative,
                    exponent,
                    digits,
                };
                w.write_numeric(v, order).unwrap()
            });
            let got = KeyReader::new(&k).read_numeric(order).unwrap().unwrap();
            let first = digits.iter().position(|&d| d != 0);
            let want = match first {
                None => DecodedNumeric::Finite {
                    negative: false,
                    exponent: 0,
                    digits: vec![],
                },
                Some(first) => {
                    let last = digits.iter().rposition(|&d| d != 0).unwrap();
                    DecodedNumeric::Finite {
                        negative,
                        exponent: exponent - first as i32,
                        digits: digits[first..=last].to_vec(),
                    }
                }
            };
            assert_eq!(got, want);
        }
    }
}

#[test]
fn bad_numeric_input_is_rejected_and_writes_nothing() {
    let mut buf = vec![7];
    let mut w = KeyWriter::new(&mut buf);
    let bad_digit = NumericKey::Finite {
        negative: false,
        exponent: 0,
        digits: &[1, 10],
    };
    let e = w.write_numeric(bad_digit, ASC).unwrap_err();
    assert_eq!(e.code(), SqlState::INVALID_PARAMETER_VALUE);
    let underflow = NumericKey::Finite {
        negative: false,
        exponent: i32::MIN,
        digits: &[0, 1],
    };
    let e = w.write_numeric(underflow, ASC).unwrap_err();
    assert_eq!(e.code(), SqlState::NUMERIC_VALUE_OUT_OF_RANGE);
    assert_eq!(buf, [7]);
}

fn bytes_key(v: &[u8], order: SortOrder) -> Vec<u8> {
    key(|w| w.write_bytea(v, order))
}

#[test]
fn strings_order_prefixes_first_with_zero_and_ff_bytes() {
    let values: [&[u8]; 9] = [
        b"", b"\0", b"\0\0", b"\0\x01", b"\x01", b"a", b"a\0", b"ab", b"\xFF",
    ];
    let asc: Vec<_> = values.iter().map(|v| bytes_key(v, ASC)).collect();
    assert_increasing(&asc);
    let mut desc: Vec<_> = values.iter().map(|v| bytes_key(v, DESC)).collect();
    desc.reverse();
    assert_increasing(&desc);
    for (v, order) in values.iter().flat_map(|v| [(v, ASC), (v, DESC)]) {
        let k = bytes_key(v, order);
        assert_eq!(
            KeyReader::new(&k).read_bytea(order).unwrap().as_deref(),
            Some(*v)
        );
    }
    assert_eq!(bytes_key(b"a", ASC), [0x01, 0x61, 0x00, 0x01]);
    assert_eq!(bytes_key(b"a\0", ASC), [0x01, 0x61, 0x00, 0xFF, 0x00, 0x01]);
    assert_eq!(bytes_key(b"", DESC), [0x01, 0xFF, 0xFE]);
}

#[test]
fn text_uses_byte_order_and_round_trips() {
    let values = ["", "A", "Z", "a", "a\0", "ab", "é", "€", "\u{10FFFF}"];
    let keys: Vec<_> = values
        .iter()
        .map(|v| key(|w| w.write_text(v, ASC)))
        .collect();
    assert_increasing(&keys);
    for (v, k) in values.iter().zip(&keys) {
        assert_eq!(
            KeyReader::new(k).read_text(ASC).unwrap().as_deref(),
            Some(*v)
        );
    }
    let bad = bytes_key(b"\xC3", ASC);
    let e = KeyReader::new(&bad).read_text(ASC).unwrap_err();
    assert_eq!(e.code(), SqlState::DATA_CORRUPTED);
}

#[test]
fn composite_keys_compare_column_by_column() {
    let k = |s: &str, n: i64, so: SortOrder| {
        key(|w| {
            w.write_text(s, so);
            w.write_int(n, ASC);
        })
    };
    // The first column decides, whatever the second holds.
    assert_increasing(&[k("a", 9, ASC), k("a\0", 0, ASC), k("ab", 0, ASC)]);
    assert_increasing(&[k("ab", 9, DESC), k("a\0", 9, DESC), k("a", 0, DESC)]);
    assert_increasing(&[k("a", 1, DESC), k("a", 2, DESC)]);
    let both = k("ab", -3, DESC);
    let mut r = KeyReader::new(&both);
    assert_eq!(r.read_text(DESC).unwrap().as_deref(), Some("ab"));
    assert_eq!(r.read_i64(ASC).unwrap(), Some(-3));
    r.finish().unwrap();
}

#[test]
fn nulls_go_where_the_order_says() {
    for order in [
        SortOrder::ASC,
        SortOrder::ASC_NULLS_FIRST,
        SortOrder::DESC,
        SortOrder::DESC_NULLS_LAST,
    ] {
        let null = key(|w| w.write_null(order));
        let lo = int_key(i64::MIN, order);
        let hi = int_key(i64::MAX, order);
        let want = if order.nulls_first {
            Ordering::Less
        } else {
            Ordering::Greater
        };
        assert_eq!(null.cmp(&lo), want, "{order:?}");
        assert_eq!(null.cmp(&hi), want, "{order:?}");
        assert_eq!(KeyReader::new(&null).read_i64(order).unwrap(), None);
    }
    assert_eq!(SortOrder::default(), SortOrder::ASC);
    const { assert!(SortOrder::DESC.nulls_first && !SortOrder::ASC.nulls_first) };
    // A NULL written NULLS FIRST is not a valid NULLS LAST column.
    let null = key(|w| w.write_null(SortOrder::ASC_NULLS_FIRST));
    assert!(KeyReader::new(&null).read_i64(SortOrder::ASC).is_err());
}

#[test]
fn intervals_compare_by_span() {
    const HOUR: i64 = 3_600_000_000;
    let iv = |m, d, us| key(|w| w.write_interval(m, d, us, ASC));
    assert_eq!(iv(1, 0, 0), iv(0, 30, 0));
    assert_eq!(iv(0, 1, 0), iv(0, 0, 24 * HOUR));
    assert_eq!(iv(1, -1, 0), iv(0, 29, 0));
    assert_increasing(&[
        iv(i32::MIN, i32::MIN, i64::MIN),
        iv(-1, 0, 0),
        iv(0, 29, 23 * HOUR),
        iv(1, 0, 0),
        iv(0, 30, 1),
        iv(i32::MAX, i32::MAX, i64::MAX),
    ]);
    let k = key(|w| w.write_interval(i32::MAX, i32::MAX, i64::MAX, DESC));
    let span = KeyReader::new(&k).read_interval_span(DESC).unwrap();
    assert_eq!(span, Some(interval_span(i32::MAX, i32::MAX, i64::MAX)));
}

#[test]
fn other_types_round_trip() {
    let id = [0x12; 16];
    let k = key(|w| {
        w.write_bool(true, DESC);
        w.write_uuid(&id, DESC);
        w.write_timestamp(i64::MIN, ASC);
        w.write_time(86_400_000_000, DESC);
        w.write_date(i32::MAX, ASC);
        w.write_null(DESC);
    });
    let mut r = KeyReader::new(&k);
    assert_eq!(r.read_bool(DESC).unwrap(), Some(true));
    assert_eq!(r.read_uuid(DESC).unwrap(), Some(id));
    assert_eq!(r.read_timestamp(ASC).unwrap(), Some(i64::MIN));
    assert_eq!(r.read_time(DESC).unwrap(), Some(86_400_000_000));
    assert_eq!(r.read_date(ASC).unwrap(), Some(i32::MAX));
    assert_eq!(r.read_bool(DESC).unwrap(), None);
    assert!(r.is_empty());
    r.finish().unwrap();
    assert_increasing(&[
        key(|w| w.write_bool(false, ASC)),
        key(|w| w.write_bool(true, ASC)),
    ]);
}

#[test]
fn prefix_successor_bounds_every_key_with_the_prefix() {
    assert_eq!(prefix_successor(&[1, 2, 0xFF, 0xFF]), Some(vec![1, 3]));
    assert_eq!(prefix_successor(&[0xFF]), None);
    assert_eq!(prefix_successor(&[]), None);
    let prefix = key(|w| w.write_text("ab", ASC));
    let succ = prefix_successor(&prefix).unwrap();
    for s in ["", "\0", "zz", "\u{10FFFF}"] {
        let full = key(|w| {
            w.write_text("ab", ASC);
            w.write_text(s, DESC);
            w.write_null(ASC);
        });
        assert!(prefix.as_slice() < full.as_slice() && full < succ);
    }
    assert!(key(|w| w.write_text("ab\0", ASC)) > succ);
    assert!(key(|w| w.write_text("a", ASC)) < prefix);
}

#[test]
fn damaged_keys_are_corrupt_errors() {
    fn corrupt(r: Result<impl std::fmt::Debug, crate::Error>) {
        assert_eq!(r.unwrap_err().code(), SqlState::DATA_CORRUPTED);
    }
    corrupt(KeyReader::new(&[]).read_i64(ASC));
    corrupt(KeyReader::new(&[0x05]).read_i64(ASC));
    corrupt(KeyReader::new(&[0x01]).read_i64(ASC));
    corrupt(KeyReader::new(&[0x01, 0x91]).read_i64(ASC));
    corrupt(KeyReader::new(&[0x01, 0x6E]).read_i64(ASC));
    corrupt(KeyReader::new(&[0x01, 0x81, 0x00]).read_i64(ASC));
    corrupt(KeyReader::new(&[0x01, 0x7E, 0xFF]).read_i64(ASC));
    corrupt(KeyReader::new(&[0x01, 0x82, 0x01]).read_i64(ASC));
    corrupt(KeyReader::new(&[0x01, 0x02]).read_bool(ASC));
    corrupt(KeyReader::new(&[0x01, 0x61, 0x00, 0x02]).read_bytea(ASC));
    corrupt(KeyReader::new(&[0x01, 0x61, 0x00]).read_bytea(ASC));
    corrupt(KeyReader::new(&[0x01, 0x61]).read_text(ASC));
    corrupt(KeyReader::new(&[0x01, 0x07]).read_numeric(ASC));
    corrupt(KeyReader::new(&[0x01, 0x04, 0x80, 0x00]).read_numeric(ASC));
    corrupt(KeyReader::new(&[0x01, 0x04, 0x80, 0x0B, 0x01, 0x00]).read_numeric(ASC));
    corrupt(KeyReader::new(&[0x01, 0x04, 0x80, 0x65, 0x00]).read_numeric(ASC));
    corrupt(KeyReader::new(&[0x01, 0x04, 0x84, 0x7F, 0xFF, 0xFF, 0xFF]).read_numeric(ASC));
    corrupt(KeyReader::new(&[0x01, 0x04, 0x85, 1, 0, 0, 0, 0, 0x0B, 0x00]).read_numeric(ASC));
    corrupt(KeyReader::new(&[0x01, 0, 0, 0, 0, 0, 0, 0]).read_f64(ASC));
    corrupt(KeyReader::new(&[0x01, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]).read_f64(ASC));
    corrupt(KeyReader::new(&[0x01; 10]).read_uuid(ASC));
    corrupt(KeyReader::new(&bytes_key(b"a", ASC)).read_bytea(DESC));
    let mut r = KeyReader::new(&[0x02, 0x02]);
    assert_eq!(r.read_i64(ASC).unwrap(), None);
    corrupt(r.finish());
}
