//! Reading sqllogictest files into records.
//!
//! The format is the original sqllogictest's: `statement ok|error` followed
//! by SQL; `query <types> [nosort|rowsort|valuesort] [label]` followed by SQL,
//! a `----` line and the expected values; `hash-threshold N`; `skipif` and
//! `onlyif` naming an engine (this harness answers to `postgresql`, since
//! Assay speaks PostgreSQL's SQL); `halt`. A blank line ends a record and
//! resets pending conditions; unknown directives skip their record.

/// The engine label conditions are matched against.
pub const LABEL: &str = "postgresql";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortMode {
    NoSort,
    RowSort,
    ValueSort,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    HashThreshold(usize),
    /// `line` is the 1-based line of the `statement` directive.
    Statement {
        ok: bool,
        sql: String,
        run: bool,
        line: usize,
    },
    /// `line` is the 1-based line of the `query` directive.
    Query {
        types: String,
        sort: SortMode,
        sql: String,
        expected: Vec<String>,
        run: bool,
        line: usize,
    },
}

fn conditions_allow(conds: &[(String, String)]) -> bool {
    conds.iter().all(|(kind, label)| match kind.as_str() {
        "skipif" => label != LABEL,
        "onlyif" => label == LABEL,
        _ => true,
    })
}

/// Parses a whole file; stops at a `halt` that applies.
pub fn parse(text: &str) -> Vec<Record> {
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let mut out = Vec::new();
    let mut conds: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    let n = lines.len();
    while i < n {
        let line = lines[i];
        i += 1;
        if line.trim().is_empty() || line.starts_with('#') {
            if line.trim().is_empty() {
                conds.clear();
            }
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[0] {
            "skipif" | "onlyif" => {
                conds.push((
                    words[0].to_string(),
                    words.get(1).unwrap_or(&"").to_string(),
                ));
            }
            "halt" => {
                if conditions_allow(&conds) {
                    return out;
                }
                conds.clear();
            }
            "hash-threshold" => {
                out.push(Record::HashThreshold(
                    words.get(1).and_then(|w| w.parse().ok()).unwrap_or(0),
                ));
            }
            "statement" => {
                let start = i;
                let mut sql = Vec::new();
                while i < n && !lines[i].trim().is_empty() {
                    sql.push(lines[i]);
                    i += 1;
                }
                out.push(Record::Statement {
                    ok: words.get(1) == Some(&"ok"),
                    sql: sql.join("\n"),
                    run: conditions_allow(&conds),
                    line: start,
                });
                conds.clear();
            }
            "query" => {
                let start = i;
                let types = words.get(1).unwrap_or(&"").to_string();
                let sort = match words.get(2).copied() {
                    Some("rowsort") => SortMode::RowSort,
                    Some("valuesort") => SortMode::ValueSort,
                    _ => SortMode::NoSort,
                };
                let mut sql = Vec::new();
                while i < n && !lines[i].trim().is_empty() && lines[i].trim() != "----" {
                    sql.push(lines[i]);
                    i += 1;
                }
                let mut expected = Vec::new();
                if i < n && lines[i].trim() == "----" {
                    i += 1;
                    while i < n && !lines[i].trim().is_empty() {
                        expected.push(lines[i].trim().to_string());
                        i += 1;
                    }
                }
                out.push(Record::Query {
                    types,
                    sort,
                    sql: sql.join("\n"),
                    expected,
                    run: conditions_allow(&conds),
                    line: start,
                });
                conds.clear();
            }
            _ => {
                while i < n && !lines[i].trim().is_empty() {
                    i += 1;
                }
                conds.clear();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_and_conditions() {
        let text = "hash-threshold 8\n\nstatement ok\nCREATE TABLE t(a INTEGER)\n\nskipif postgresql\nstatement ok\nX\n\nonlyif mysql\nquery I rowsort\nSELECT 1\n----\n1\n\nquery IT valuesort label\nSELECT a,\n b FROM t\n----\n1\nx\n\nonlyif sqlite\nhalt\n\nhalt\n\nstatement ok\nNEVER\n";
        let records = parse(text);
        assert_eq!(records.len(), 5);
        assert_eq!(records[0], Record::HashThreshold(8));
        assert!(matches!(
            &records[1],
            Record::Statement {
                ok: true,
                run: true,
                ..
            }
        ));
        assert!(matches!(&records[2], Record::Statement { run: false, .. }));
        assert!(matches!(
            &records[3],
            Record::Query {
                run: false,
                sort: SortMode::RowSort,
                ..
            }
        ));
        assert!(matches!(&records[1], Record::Statement { line: 3, .. }));
        match &records[4] {
            Record::Query {
                sql,
                expected,
                sort,
                run,
                line,
                ..
            } => {
                assert_eq!(*line, 16);
                assert_eq!(sql, "SELECT a,\n b FROM t");
                assert_eq!(expected, &vec!["1".to_string(), "x".to_string()]);
                assert_eq!(*sort, SortMode::ValueSort);
                assert!(*run);
            }
            other => panic!("{other:?}"),
        }
    }
}
