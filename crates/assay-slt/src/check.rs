//! Formatting result values and comparing them with a record's expectation.
//!
//! Values are printed as the original harness prints them, and as the
//! reference scorer (`slt_pg.py`, which reads them through psycopg) does, so
//! that in-process figures and over-the-wire figures agree: `I` as an
//! integer (numbers truncated toward zero, text parsed, anything else 0),
//! `R` with three decimals, `T` as text with non-printable characters as
//! `@`; NULL as `NULL` and the empty string as `(empty)`.

use assay_sql::types::{format_value, Settings, Value};
use md5::{Digest, Md5};

use crate::record::SortMode;

/// Formats one value for a column of type `t` (`I`, `R` or `T`).
pub fn format(value: &Value, t: char, settings: &Settings) -> String {
    if matches!(value, Value::Null) {
        return "NULL".into();
    }
    match t {
        'I' => integer(value, settings).map_or_else(|| "0".into(), |n| n.to_string()),
        'R' => real(value, settings).map_or_else(|| "0.000".into(), format_real),
        _ => {
            let text = match value {
                // psycopg gives Python booleans, which print as True/False.
                Value::Bool(b) => if *b { "True" } else { "False" }.to_string(),
                other => format_value(other, settings).unwrap_or_default(),
            };
            if text.is_empty() {
                return "(empty)".into();
            }
            text.chars()
                .map(|c| if (' '..='~').contains(&c) { c } else { '@' })
                .collect()
        }
    }
}

fn integer(value: &Value, settings: &Settings) -> Option<i128> {
    match value {
        Value::Bool(b) => Some(*b as i128),
        Value::Int2(v) => Some(*v as i128),
        Value::Int4(v) => Some(*v as i128),
        Value::Int8(v) => Some(*v as i128),
        Value::Float4(v) if v.is_finite() => Some(v.trunc() as i128),
        Value::Float8(v) if v.is_finite() => Some(v.trunc() as i128),
        Value::Numeric(_) => {
            let text = format_value(value, settings)?;
            let whole = text.split('.').next()?;
            whole.parse().ok()
        }
        Value::Text(s) => s.trim().replace('_', "").parse().ok(),
        _ => None,
    }
}

fn real(value: &Value, settings: &Settings) -> Option<f64> {
    match value {
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Int2(v) => Some(*v as f64),
        Value::Int4(v) => Some(*v as f64),
        Value::Int8(v) => Some(*v as f64),
        Value::Float4(v) => Some(*v as f64),
        Value::Float8(v) => Some(*v),
        Value::Numeric(_) => format_value(value, settings)?.parse().ok(),
        Value::Text(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Python's `"%.3f" % x`.
fn format_real(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{f:.3}")
    }
}

/// The values of `rows` as the expected block lists them: formatted for
/// their column types, rows sorted for `rowsort`, values for `valuesort`.
pub fn render(
    rows: &[Vec<Value>],
    types: &str,
    sort: SortMode,
    settings: &Settings,
) -> Vec<String> {
    let type_of = |j: usize| types.chars().nth(j).unwrap_or('T');
    let mut formatted: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(j, v)| format(v, type_of(j), settings))
                .collect()
        })
        .collect();
    if sort == SortMode::RowSort {
        formatted.sort();
    }
    let mut flat: Vec<String> = formatted.into_iter().flatten().collect();
    if sort == SortMode::ValueSort {
        flat.sort();
    }
    flat
}

/// Whether `rows` match the expected lines of a query record.
pub fn matches(
    rows: &[Vec<Value>],
    types: &str,
    sort: SortMode,
    expected: &[String],
    settings: &Settings,
) -> bool {
    let flat = render(rows, types, sort, settings);
    if let [only] = expected {
        if let Some((count, digest)) = only.split_once(" values hashing to ") {
            let mut md5 = Md5::new();
            for v in &flat {
                md5.update(v.as_bytes());
                md5.update(b"\n");
            }
            let hex: String = md5.finalize().iter().map(|b| format!("{b:02x}")).collect();
            return count.trim().parse() == Ok(flat.len()) && hex == digest.trim();
        }
    }
    let width = types.chars().count();
    let mut want = Vec::new();
    for line in expected {
        let words: Vec<&str> = line.split_whitespace().collect();
        if width > 1 && words.len() == width {
            want.extend(words.into_iter().map(str::to_string));
        } else {
            want.push(line.clone());
        }
    }
    want == flat
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_the_reference_harness() {
        let s = Settings::default();
        assert_eq!(format(&Value::Float8(2.5), 'I', &s), "2");
        assert_eq!(format(&Value::Float8(-2.5), 'I', &s), "-2");
        assert_eq!(format(&Value::Text("abc".into()), 'I', &s), "0");
        assert_eq!(format(&Value::Int4(7), 'R', &s), "7.000");
        assert_eq!(format(&Value::Text("".into()), 'T', &s), "(empty)");
        assert_eq!(format(&Value::Null, 'T', &s), "NULL");
        assert_eq!(format(&Value::Bool(true), 'T', &s), "True");
        assert_eq!(format(&Value::Text("a\u{1}b".into()), 'T', &s), "a@b");
    }

    #[test]
    fn compares_values_rows_and_hashes() {
        let s = Settings::default();
        let rows = vec![
            vec![Value::Int4(2), Value::Text("b".into())],
            vec![Value::Int4(1), Value::Text("a".into())],
        ];
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(matches(
            &rows,
            "IT",
            SortMode::RowSort,
            &lines(&["1", "a", "2", "b"]),
            &s
        ));
        assert!(matches(
            &rows,
            "IT",
            SortMode::RowSort,
            &lines(&["1 a", "2 b"]),
            &s
        ));
        assert!(!matches(
            &rows,
            "IT",
            SortMode::NoSort,
            &lines(&["1", "a", "2", "b"]),
            &s
        ));
        // md5("1\na\n2\nb\n")
        let hashed = lines(&["4 values hashing to 8d2d5b5b2f8e6a0ba1fd56e1d5c4fa9b"]);
        assert!(!matches(&rows, "IT", SortMode::RowSort, &hashed, &s));
        let mut md5 = Md5::new();
        md5.update(b"1\na\n2\nb\n");
        let hex: String = md5.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let good = vec![format!("4 values hashing to {hex}")];
        assert!(matches(&rows, "IT", SortMode::RowSort, &good, &s));
    }
}
