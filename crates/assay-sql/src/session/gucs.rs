//! The parameters clients and PostgreSQL's own tests set that do not change
//! how values are read or printed: planner switches and costs, parallelism,
//! JIT, and a few compatibility knobs.
//!
//! Each has PostgreSQL's name, default and value kind, so `SET` checks a
//! value exactly as PostgreSQL does (`parameter "enable_sort" requires a
//! Boolean value`, integer ranges) and `SHOW` prints it in PostgreSQL's
//! canonical form. The `enable_*` switches are read by the optimizer
//! through [`crate::types::Settings`]; the others have no effect on a
//! single-process engine without parallel workers or a JIT, which is also
//! what PostgreSQL does with them when those features are unavailable.

use assay_storage::{err, Result, SqlState};

/// What values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Bool,
    /// An integer within a range (inclusive).
    Int(i64, i64),
    /// A floating-point number within a range (inclusive).
    Real(f64, f64),
    /// One of a fixed set of lower-case words.
    Enum(&'static [&'static str]),
    /// A memory size in kB, at least this many (see [`memory_kb`]).
    Memory(i64),
    /// Any text.
    Text,
}

/// name (lower case), default, kind, PostgreSQL's spelling.
pub(super) const EXTRA: &[(&str, &str, Kind, &str)] = &[
    ("array_nulls", "on", Kind::Bool, "array_nulls"),
    // SQLAlchemy reads it when reflecting a table's options.
    (
        "default_table_access_method",
        "heap",
        Kind::Enum(&["heap"]),
        "default_table_access_method",
    ),
    (
        "backslash_quote",
        "safe_encoding",
        Kind::Enum(&["safe_encoding", "on", "off"]),
        "backslash_quote",
    ),
    (
        "check_function_bodies",
        "on",
        Kind::Bool,
        "check_function_bodies",
    ),
    (
        "constraint_exclusion",
        "partition",
        Kind::Enum(&["partition", "on", "off"]),
        "constraint_exclusion",
    ),
    (
        "cpu_index_tuple_cost",
        "0.005",
        Kind::Real(0.0, 1.79769e308),
        "cpu_index_tuple_cost",
    ),
    (
        "cpu_operator_cost",
        "0.0025",
        Kind::Real(0.0, 1.79769e308),
        "cpu_operator_cost",
    ),
    (
        "cpu_tuple_cost",
        "0.01",
        Kind::Real(0.0, 1.79769e308),
        "cpu_tuple_cost",
    ),
    (
        "cursor_tuple_fraction",
        "0.1",
        Kind::Real(0.0, 1.0),
        "cursor_tuple_fraction",
    ),
    (
        "default_statistics_target",
        "100",
        Kind::Int(1, 10000),
        "default_statistics_target",
    ),
    (
        "default_transaction_deferrable",
        "off",
        Kind::Bool,
        "default_transaction_deferrable",
    ),
    (
        "effective_cache_size",
        "4GB",
        Kind::Text,
        "effective_cache_size",
    ),
    (
        "enable_async_append",
        "on",
        Kind::Bool,
        "enable_async_append",
    ),
    ("enable_bitmapscan", "on", Kind::Bool, "enable_bitmapscan"),
    ("enable_gathermerge", "on", Kind::Bool, "enable_gathermerge"),
    ("enable_hashagg", "on", Kind::Bool, "enable_hashagg"),
    ("enable_hashjoin", "on", Kind::Bool, "enable_hashjoin"),
    (
        "enable_incremental_sort",
        "on",
        Kind::Bool,
        "enable_incremental_sort",
    ),
    (
        "enable_indexonlyscan",
        "on",
        Kind::Bool,
        "enable_indexonlyscan",
    ),
    ("enable_indexscan", "on", Kind::Bool, "enable_indexscan"),
    ("enable_material", "on", Kind::Bool, "enable_material"),
    ("enable_memoize", "on", Kind::Bool, "enable_memoize"),
    ("enable_mergejoin", "on", Kind::Bool, "enable_mergejoin"),
    ("enable_nestloop", "on", Kind::Bool, "enable_nestloop"),
    (
        "enable_parallel_append",
        "on",
        Kind::Bool,
        "enable_parallel_append",
    ),
    (
        "enable_parallel_hash",
        "on",
        Kind::Bool,
        "enable_parallel_hash",
    ),
    (
        "enable_partition_pruning",
        "on",
        Kind::Bool,
        "enable_partition_pruning",
    ),
    (
        "enable_partitionwise_aggregate",
        "off",
        Kind::Bool,
        "enable_partitionwise_aggregate",
    ),
    (
        "enable_partitionwise_join",
        "off",
        Kind::Bool,
        "enable_partitionwise_join",
    ),
    ("enable_seqscan", "on", Kind::Bool, "enable_seqscan"),
    ("enable_sort", "on", Kind::Bool, "enable_sort"),
    ("enable_tidscan", "on", Kind::Bool, "enable_tidscan"),
    (
        "escape_string_warning",
        "on",
        Kind::Bool,
        "escape_string_warning",
    ),
    (
        "from_collapse_limit",
        "8",
        Kind::Int(1, i32::MAX as i64),
        "from_collapse_limit",
    ),
    ("geqo", "on", Kind::Bool, "geqo"),
    (
        "geqo_threshold",
        "12",
        Kind::Int(2, i32::MAX as i64),
        "geqo_threshold",
    ),
    ("jit", "on", Kind::Bool, "jit"),
    (
        "jit_above_cost",
        "100000",
        Kind::Real(-1.0, 1.79769e308),
        "jit_above_cost",
    ),
    (
        "jit_inline_above_cost",
        "500000",
        Kind::Real(-1.0, 1.79769e308),
        "jit_inline_above_cost",
    ),
    (
        "jit_optimize_above_cost",
        "500000",
        Kind::Real(-1.0, 1.79769e308),
        "jit_optimize_above_cost",
    ),
    (
        "join_collapse_limit",
        "8",
        Kind::Int(1, i32::MAX as i64),
        "join_collapse_limit",
    ),
    (
        "maintenance_work_mem",
        "64MB",
        Kind::Memory(1024),
        "maintenance_work_mem",
    ),
    (
        "max_parallel_maintenance_workers",
        "2",
        Kind::Int(0, 1024),
        "max_parallel_maintenance_workers",
    ),
    (
        "max_parallel_workers",
        "8",
        Kind::Int(0, 1024),
        "max_parallel_workers",
    ),
    (
        "max_parallel_workers_per_gather",
        "2",
        Kind::Int(0, 1024),
        "max_parallel_workers_per_gather",
    ),
    (
        "min_parallel_index_scan_size",
        "512kB",
        Kind::Text,
        "min_parallel_index_scan_size",
    ),
    (
        "min_parallel_table_scan_size",
        "8MB",
        Kind::Text,
        "min_parallel_table_scan_size",
    ),
    (
        "parallel_leader_participation",
        "on",
        Kind::Bool,
        "parallel_leader_participation",
    ),
    (
        "parallel_setup_cost",
        "1000",
        Kind::Real(0.0, 1.79769e308),
        "parallel_setup_cost",
    ),
    (
        "parallel_tuple_cost",
        "0.1",
        Kind::Real(0.0, 1.79769e308),
        "parallel_tuple_cost",
    ),
    (
        "password_encryption",
        "scram-sha-256",
        Kind::Enum(&["md5", "scram-sha-256"]),
        "password_encryption",
    ),
    (
        "plan_cache_mode",
        "auto",
        Kind::Enum(&["auto", "force_generic_plan", "force_custom_plan"]),
        "plan_cache_mode",
    ),
    (
        "random_page_cost",
        "4",
        Kind::Real(0.0, 1.79769e308),
        "random_page_cost",
    ),
    ("row_security", "on", Kind::Bool, "row_security"),
    (
        "seq_page_cost",
        "1",
        Kind::Real(0.0, 1.79769e308),
        "seq_page_cost",
    ),
    ("temp_buffers", "8MB", Kind::Text, "temp_buffers"),
    ("track_activities", "on", Kind::Bool, "track_activities"),
    ("track_counts", "on", Kind::Bool, "track_counts"),
    (
        "track_functions",
        "none",
        Kind::Enum(&["none", "pl", "all"]),
        "track_functions",
    ),
    (
        "transaction_deferrable",
        "off",
        Kind::Bool,
        "transaction_deferrable",
    ),
    (
        "xmloption",
        "content",
        Kind::Enum(&["content", "document"]),
        "xmloption",
    ),
];

/// Checks `value` for a parameter of this kind and returns the text SHOW
/// prints.
pub(super) fn check(name: &str, kind: Kind, value: &str) -> Result<String> {
    let v = value.trim();
    match kind {
        Kind::Memory(min) => memory_kb(name, value, min).map(format_memory_kb),
        Kind::Bool => parse_bool(v)
            .map(|b| if b { "on" } else { "off" }.to_string())
            .ok_or_else(|| {
                err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "parameter \"{name}\" requires a Boolean value"
                )
            }),
        Kind::Int(min, max) => {
            let n: i64 = v.parse().map_err(|_| {
                err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid value for parameter \"{name}\": \"{value}\""
                )
            })?;
            if n < min || n > max {
                return Err(err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "{n} is outside the valid range for parameter \"{name}\" ({min} .. {max})"
                ));
            }
            Ok(n.to_string())
        }
        Kind::Real(min, max) => {
            let n: f64 = v
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| {
                    err!(
                        SqlState::INVALID_PARAMETER_VALUE,
                        "parameter \"{name}\" requires a numeric value"
                    )
                })?;
            if n < min || n > max {
                return Err(err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "{v} is outside the valid range for parameter \"{name}\" ({min} .. {max})"
                ));
            }
            Ok(format!("{n}"))
        }
        Kind::Enum(words) => {
            let lower = v.to_ascii_lowercase();
            if words.contains(&lower.as_str()) {
                Ok(lower)
            } else {
                Err(err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid value for parameter \"{name}\": \"{value}\""
                )
                .with_hint(format!("Available values: {}.", words.join(", "))))
            }
        }
        Kind::Text => Ok(v.to_string()),
    }
}

/// PostgreSQL's Boolean spellings for parameters: any unique prefix of
/// true/false/yes/no, on/off, 1/0.
pub(super) fn parse_bool(v: &str) -> Option<bool> {
    let v = v.to_ascii_lowercase();
    let prefix_of = |word: &str| !v.is_empty() && word.starts_with(v.as_str());
    match v.as_str() {
        "on" | "1" => Some(true),
        "off" | "of" | "0" => Some(false),
        "o" => None,
        _ if prefix_of("true") || prefix_of("yes") => Some(true),
        _ if prefix_of("false") || prefix_of("no") => Some(false),
        _ => None,
    }
}

/// Parses a memory parameter as PostgreSQL does: a number (fractions
/// allowed, rounded to whole kB) with an optional unit, `B`, `kB`, `MB`,
/// `GB` or `TB` (kB when omitted); kB from `min` to `i32::MAX`.
pub(super) fn memory_kb(name: &str, value: &str, min: i64) -> Result<i64> {
    let text = value.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let invalid = || {
        err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "invalid value for parameter \"{name}\": \"{value}\""
        )
    };
    let number: f64 = number.trim().parse().map_err(|_| invalid())?;
    let per_unit = match unit.trim() {
        "" | "kB" => 1.0,
        "B" => 1.0 / 1024.0,
        "MB" => 1024.0,
        "GB" => 1024.0 * 1024.0,
        "TB" => 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(invalid().with_hint(
                "Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".",
            ))
        }
    };
    let kb = (number * per_unit).round_ties_even();
    if !kb.is_finite() || kb.abs() > i32::MAX as f64 {
        return Err(invalid().with_hint("Value exceeds integer range."));
    }
    let kb = kb as i64;
    if kb < min {
        return Err(err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "{kb} kB is outside the valid range for parameter \"{name}\" ({min} .. {})",
            i32::MAX
        ));
    }
    Ok(kb)
}

/// A memory size in kB as SHOW prints it: in the largest unit that divides
/// it exactly.
pub(super) fn format_memory_kb(kb: i64) -> String {
    let units = [("TB", 1 << 30), ("GB", 1 << 20), ("MB", 1 << 10)];
    for (unit, size) in units {
        if kb != 0 && kb % size == 0 {
            return format!("{}{unit}", kb / size);
        }
    }
    format!("{kb}kB")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_canonical() {
        assert_eq!(check("enable_sort", Kind::Bool, "OFF").unwrap(), "off");
        assert_eq!(check("enable_sort", Kind::Bool, "t").unwrap(), "on");
        let e = check("enable_sort", Kind::Bool, "maybe").unwrap_err();
        assert_eq!(
            e.message(),
            "parameter \"enable_sort\" requires a Boolean value"
        );
        let e = check("geqo_threshold", Kind::Int(2, 10), "1").unwrap_err();
        assert_eq!(e.code().as_str(), "22023");
        assert_eq!(
            check("jit_above_cost", Kind::Real(-1.0, 1e10), "0").unwrap(),
            "0"
        );
        assert!(check("plan_cache_mode", Kind::Enum(&["auto"]), "x").is_err());
    }

    /// Memory sizes as PostgreSQL 15 takes and shows them.
    #[test]
    fn memory_sizes_round_to_kb_and_show_in_the_largest_exact_unit() {
        let shown =
            |v: &str| check("work_mem", Kind::Memory(64), v).map_err(|e| e.message().to_string());
        for (given, expected) in [
            ("4MB", "4MB"),
            ("64kB", "64kB"),
            ("1.5MB", "1536kB"),
            ("100000B", "98kB"),
            ("1024", "1MB"),
            ("0.5GB", "512MB"),
            (" 8 MB ", "8MB"),
            ("1e3", "1000kB"),
            ("1TB", "1TB"),
        ] {
            assert_eq!(shown(given).as_deref(), Ok(expected), "{given}");
        }
        let e = check("work_mem", Kind::Memory(64), "4mb").unwrap_err();
        assert_eq!(
            e.message(),
            "invalid value for parameter \"work_mem\": \"4mb\""
        );
        assert_eq!(e.code().as_str(), "22023");
        assert_eq!(
            shown("12.7").unwrap_err(),
            "13 kB is outside the valid range for parameter \"work_mem\" (64 .. 2147483647)"
        );
        assert_eq!(
            check("work_mem", Kind::Memory(64), "3TB")
                .unwrap_err()
                .hint(),
            Some("Value exceeds integer range.")
        );
    }
}
