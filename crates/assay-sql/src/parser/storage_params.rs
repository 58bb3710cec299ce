//! A table's storage parameters, `CREATE TABLE … WITH (fillfactor = 90)`.
//! They tune PostgreSQL's heap and vacuum, which Assay does not have: its
//! tables are B+trees that fill their pages by their own rule. So the
//! parameters are checked as PostgreSQL checks them (known name, value of
//! the right kind and range) and then have no effect; tools that set them
//! (pgbench sets `fillfactor`) run unchanged.

use assay_storage::{err, Result, SqlState};
use sqlparser::ast::{self as sp, Expr, Value as SpValue};

/// Integer parameters and their ranges.
const INTEGER: &[(&str, i64, i64)] = &[
    ("fillfactor", 10, 100),
    ("toast_tuple_target", 128, 8160),
    ("parallel_workers", 0, 1024),
    ("autovacuum_vacuum_threshold", 0, i32::MAX as i64),
    ("autovacuum_vacuum_insert_threshold", -1, i32::MAX as i64),
    ("autovacuum_analyze_threshold", 0, i32::MAX as i64),
    ("autovacuum_vacuum_cost_limit", 1, 10000),
    ("autovacuum_freeze_min_age", 0, 1_000_000_000),
    ("autovacuum_freeze_max_age", 100_000, 2_000_000_000),
    ("autovacuum_freeze_table_age", 0, 2_000_000_000),
    ("log_autovacuum_min_duration", -1, i32::MAX as i64),
];

/// Boolean parameters.
const BOOLEAN: &[&str] = &["autovacuum_enabled", "user_catalog_table"];

/// Real-valued parameters, any value.
const REAL: &[&str] = &[
    "autovacuum_vacuum_scale_factor",
    "autovacuum_vacuum_insert_scale_factor",
    "autovacuum_analyze_scale_factor",
    "autovacuum_vacuum_cost_delay",
];

/// Checks `WITH (…)` storage parameters of a table.
pub(super) fn check(options: &[sp::SqlOption]) -> Result<()> {
    for option in options {
        let sp::SqlOption::KeyValue { key, value } = option else {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "syntax error at or near \"(\""
            ));
        };
        let name = key.value.to_ascii_lowercase();
        let text = value_text(value);
        if let Some(&(_, min, max)) = INTEGER.iter().find(|p| p.0 == name) {
            let n: i64 = text.parse().map_err(|_| {
                err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid value for integer option \"{name}\": {text}"
                )
            })?;
            if !(min..=max).contains(&n) {
                return Err(err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "value {text} out of bounds for option \"{name}\""
                )
                .with_detail(format!("Valid values are between \"{min}\" and \"{max}\".")));
            }
        } else if BOOLEAN.contains(&name.as_str()) {
            let lower = text.to_ascii_lowercase();
            if !["true", "false", "on", "off", "1", "0", "yes", "no"].contains(&lower.as_str()) {
                return Err(err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid value for boolean option \"{name}\": {text}"
                ));
            }
        } else if REAL.contains(&name.as_str()) {
            text.parse::<f64>().map_err(|_| {
                err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid value for floating point option \"{name}\": {text}"
                )
            })?;
        } else {
            return Err(err!(
                SqlState::INVALID_PARAMETER_VALUE,
                "unrecognized parameter \"{name}\""
            ));
        }
    }
    Ok(())
}

/// A parameter's value as PostgreSQL reads it: a number, a word or a
/// string, as written.
fn value_text(value: &Expr) -> String {
    match value {
        Expr::Value(v) => match &v.value {
            SpValue::Number(n, _) => n.to_string(),
            SpValue::SingleQuotedString(s) => s.clone(),
            SpValue::Boolean(b) => b.to_string(),
            other => other.to_string(),
        },
        Expr::Identifier(i) => i.value.clone(),
        Expr::UnaryOp {
            op: sp::UnaryOperator::Minus,
            expr,
        } => format!("-{}", value_text(expr)),
        other => other.to_string(),
    }
}
