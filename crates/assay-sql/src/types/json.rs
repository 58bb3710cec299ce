//! `json` and `jsonb`: validation, jsonb's normal form, printing and order.
//!
//! `json` keeps its input text. `jsonb` is a parsed tree (`serde_json`
//! with arbitrary-precision numbers, so `12345678901234567890123` survives)
//! in which duplicate keys keep the last value; it prints with PostgreSQL's
//! spacing (`{"a": 1, "b": [1, 2]}`), keys ordered shorter-first then
//! bytewise, and numbers in `numeric`'s form (`1e2` → `100`).

use std::cmp::Ordering;

use assay_storage::Result;
use serde_json::Value as Json;

use super::json_parse::{self, Kind, Node};
use super::numeric::Numeric;

/// Validates `json` input; the text is kept as written.
pub fn parse_json(input: &str) -> Result<()> {
    json_parse::parse(input, false).map(|_| ())
}

/// Parses `jsonb` input into its tree.
pub fn parse_jsonb(input: &str) -> Result<Json> {
    let node = json_parse::parse(input, true)?;
    Ok(node_to_jsonb(input, node))
}

/// A parsed node as a jsonb tree (a repeated key keeps its last value).
pub fn node_to_jsonb(input: &str, node: Node) -> Json {
    match node.kind {
        Kind::Null => Json::Null,
        Kind::Bool(b) => Json::Bool(b),
        Kind::Number => {
            let text = node.text(input);
            serde_json::from_str::<serde_json::Number>(text)
                .map(Json::Number)
                .unwrap_or(Json::Null)
        }
        Kind::String(s) => Json::String(s),
        Kind::Array(items) => {
            Json::Array(items.into_iter().map(|n| node_to_jsonb(input, n)).collect())
        }
        Kind::Object(fields) => Json::Object(
            fields
                .into_iter()
                .map(|(k, n)| (k, node_to_jsonb(input, n)))
                .collect(),
        ),
    }
}

/// jsonb's key order: shorter keys first, then bytewise.
pub fn key_order(a: &str, b: &str) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

fn sorted_entries(map: &serde_json::Map<String, Json>) -> Vec<(&String, &Json)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| key_order(a.0, b.0));
    entries
}

fn number(n: &serde_json::Number) -> Numeric {
    Numeric::parse(&n.to_string()).unwrap_or(Numeric::NaN)
}

/// Appends a JSON string literal with PostgreSQL's escapes.
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Prints a jsonb value as `jsonb_out` does.
pub fn format_jsonb(v: &Json) -> String {
    let mut out = String::new();
    write_jsonb(&mut out, v);
    out
}

fn write_jsonb(out: &mut String, v: &Json) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&number(n).to_string()),
        Json::String(s) => push_json_string(out, s),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_jsonb(out, item);
            }
            out.push(']');
        }
        Json::Object(map) => {
            out.push('{');
            for (i, (k, v)) in sorted_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_json_string(out, k);
                out.push_str(": ");
                write_jsonb(out, v);
            }
            out.push('}');
        }
    }
}

/// jsonb's B-tree order: Object > Array > Boolean > Number > String > Null;
/// containers compare by size first, then element by element (objects
/// pair by pair in jsonb's key order: key, then value).
pub fn compare_jsonb(a: &Json, b: &Json) -> Ordering {
    fn rank(v: &Json) -> u8 {
        match v {
            Json::Null => 0,
            Json::String(_) => 1,
            Json::Number(_) => 2,
            Json::Bool(_) => 3,
            Json::Array(_) => 4,
            Json::Object(_) => 5,
        }
    }
    match (a, b) {
        (Json::String(x), Json::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Json::Number(x), Json::Number(y)) => number(x).cmp(&number(y)),
        (Json::Bool(x), Json::Bool(y)) => x.cmp(y),
        (Json::Array(x), Json::Array(y)) => x.len().cmp(&y.len()).then_with(|| {
            x.iter()
                .zip(y)
                .map(|(p, q)| compare_jsonb(p, q))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        }),
        (Json::Object(x), Json::Object(y)) => x.len().cmp(&y.len()).then_with(|| {
            sorted_entries(x)
                .into_iter()
                .zip(sorted_entries(y))
                .map(|(p, q)| {
                    p.0.as_bytes()
                        .cmp(q.0.as_bytes())
                        .then_with(|| compare_jsonb(p.1, q.1))
                })
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        }),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Hashes `v` consistently with [`compare_jsonb`]: values that compare
/// equal (`1.0` and `1`) hash alike.
pub fn hash_jsonb<H: std::hash::Hasher>(v: &Json, state: &mut H) {
    use std::hash::Hash;
    match v {
        Json::Null => 0u8.hash(state),
        Json::Bool(b) => (1u8, b).hash(state),
        Json::Number(n) => {
            let text = number(n).to_string();
            let canonical = match text.split_once('.') {
                Some((int, frac)) => {
                    let frac = frac.trim_end_matches('0');
                    if frac.is_empty() {
                        int.to_string()
                    } else {
                        format!("{int}.{frac}")
                    }
                }
                None => text,
            };
            let canonical = if canonical == "-0" {
                "0".into()
            } else {
                canonical
            };
            (2u8, canonical).hash(state)
        }
        Json::String(s) => (3u8, s).hash(state),
        Json::Array(items) => {
            (4u8, items.len()).hash(state);
            items.iter().for_each(|i| hash_jsonb(i, state));
        }
        Json::Object(map) => {
            (5u8, map.len()).hash(state);
            for (k, v) in map {
                k.hash(state);
                hash_jsonb(v, state);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected outputs verified on PostgreSQL 15.
    #[test]
    fn jsonb_normal_form() {
        let cases = [
            (
                r#"{"b":1,"a":[1,2],"aa":{"c":null},"b":2}"#,
                r#"{"a": [1, 2], "b": 2, "aa": {"c": null}}"#,
            ),
            (
                r#"[1.0, 1e2, -0, 1E-2, true, "x\u00e9"]"#,
                r#"[1.0, 100, 0, 0.01, true, "xé"]"#,
            ),
            ("12345678901234567890123", "12345678901234567890123"),
            ("  3  ", "3"),
            (r#""a\"b\\c\nd""#, r#""a\"b\\c\nd""#),
        ];
        for (input, want) in cases {
            assert_eq!(format_jsonb(&parse_jsonb(input).unwrap()), want, "{input}");
        }
    }

    #[test]
    fn json_errors() {
        let e = parse_jsonb(r#"{"a":"#).unwrap_err();
        assert_eq!(e.message(), "invalid input syntax for type json");
        assert_eq!(e.detail(), Some("The input string ended unexpectedly."));
        let e = parse_json("abc").unwrap_err();
        assert_eq!(e.code().as_str(), "22P02");
        assert_eq!(e.detail(), Some("Token \"abc\" is invalid."));
        let e = parse_jsonb(r#""\u0000""#).unwrap_err();
        assert_eq!(e.code().as_str(), "22P05");
        assert_eq!(e.message(), "unsupported Unicode escape sequence");
        assert!(parse_json(r#"{"b":1,   "a":2}"#).is_ok());
    }

    #[test]
    fn jsonb_order() {
        let j = |s: &str| parse_jsonb(s).unwrap();
        assert_eq!(compare_jsonb(&j("{}"), &j("[1,2,3]")), Ordering::Greater);
        assert_eq!(compare_jsonb(&j("true"), &j("100")), Ordering::Greater);
        assert_eq!(compare_jsonb(&j("1.0"), &j("1")), Ordering::Equal);
        assert_eq!(compare_jsonb(&j("[1,2]"), &j("[3]")), Ordering::Greater);
        assert_eq!(compare_jsonb(&j("null"), &j("\"a\"")), Ordering::Less);
        // Key and value pair by pair: {"a": 2, "b": 0} > {"a": 1, "c": 9}.
        assert_eq!(
            compare_jsonb(&j(r#"{"a": 2, "b": 0}"#), &j(r#"{"a": 1, "c": 9}"#)),
            Ordering::Greater
        );
        let h = |s: &str| {
            let mut state = std::collections::hash_map::DefaultHasher::new();
            hash_jsonb(&j(s), &mut state);
            std::hash::Hasher::finish(&state)
        };
        assert_eq!(h(r#"{"a": [1.0, -0]}"#), h(r#"{"a": [1, 0.00]}"#));
    }
}
