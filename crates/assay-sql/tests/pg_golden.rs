//! Text input and output checked against outputs recorded from a real
//! PostgreSQL 15 (`tests/golden/gen.sh` regenerates them from
//! `tests/golden/cases.tsv`).

use assay_sql::types::{cast, format_value, DataType, Settings, Value};

/// Inputs where Assay knowingly differs, with the reason.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    // PostgreSQL reads the leading `-1999` as a zone displacement.
    ("-1999-01-08", "reported as a syntax error, not 22009"),
    // PostgreSQL accepts a repeated `ago` (and applies it once).
    ("1 day ago ago", "rejected as a syntax error"),
];

#[test]
fn text_io_matches_postgres_15() {
    let golden = include_str!("golden/pg15_text_io.tsv");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in golden.lines() {
        let mut cols = line.splitn(4, '\t');
        let (Some(zone), Some(ty), Some(input), Some(want)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        if KNOWN_DIFFERENCES.iter().any(|(i, _)| *i == input) {
            continue;
        }
        count += 1;
        let mut settings = Settings::default();
        settings.set_time_zone(zone).unwrap();
        let ty = DataType::parse(ty).unwrap();
        let got = match cast(&Value::text(input), &DataType::Unknown, &ty, &settings) {
            Ok(v) => format_value(&v, &settings).unwrap_or_default(),
            Err(e) => format!("ERROR {} {}", e.code(), e.message()),
        };
        if got != want {
            failures.push(format!(
                "{zone} {ty} {input:?}\n   want {want}\n    got {got}"
            ));
        }
    }
    assert!(count > 300, "golden file not read");
    assert!(
        failures.is_empty(),
        "{} of {count} differ from PostgreSQL:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
