//! `EXPLAIN [ANALYZE] [(option [value], …)] statement`.
//!
//! The statement is planned as it would run; its plan is printed by
//! [`crate::plan::explain_lines`] in PostgreSQL's text format. With
//! ANALYZE the plan really runs (an INSERT, UPDATE or DELETE changes rows,
//! as in PostgreSQL: the caller's transaction decides whether they stay)
//! with per-node statistics, which the output shows beside the estimates,
//! followed by the planning and execution times (SUMMARY).

use std::time::Instant;

use assay_storage::{err, Result, SqlState, Transaction};

use super::run::Env;
use super::{Session, StatementResult};
use crate::ast::{ExplainOption, Statement};
use crate::exec::{self, NodeStats};
use crate::plan::{explain_lines, ExplainOptions, Plan};
use crate::types::{DataType, Value};

/// Reads EXPLAIN's options as PostgreSQL does: booleans take
/// true/false/on/off/1/0 (no value is true), FORMAT only TEXT here.
pub(super) fn read_options(options: &[ExplainOption]) -> Result<ExplainOptions> {
    let mut o = ExplainOptions::default();
    let mut timing = None;
    let mut summary = None;
    for opt in options {
        let name = opt.name.to_ascii_lowercase();
        let flag = || -> Result<bool> {
            match opt.value.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None | Some("true" | "on" | "1") => Ok(true),
                Some("false" | "off" | "0") => Ok(false),
                Some(_) => Err(err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "{} requires a Boolean value",
                    name
                )),
            }
        };
        match name.as_str() {
            "analyze" => o.analyze = flag()?,
            "verbose" => o.verbose = flag()?,
            "costs" => o.costs = flag()?,
            "timing" => timing = Some(flag()?),
            "summary" => summary = Some(flag()?),
            "buffers" | "settings" | "wal" => {
                flag()?;
            }
            "format" => {
                let value = opt.value.as_deref().unwrap_or("").to_ascii_lowercase();
                match value.as_str() {
                    "text" => {}
                    "json" | "yaml" | "xml" => {
                        return Err(err!(
                            SqlState::FEATURE_NOT_SUPPORTED,
                            "EXPLAIN format {} is not supported",
                            value.to_ascii_uppercase()
                        ))
                    }
                    _ => {
                        return Err(err!(
                            SqlState::INVALID_PARAMETER_VALUE,
                            "unrecognized value for EXPLAIN option \"format\": \"{}\"",
                            opt.value.as_deref().unwrap_or("")
                        ))
                    }
                }
            }
            _ => {
                return Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "unrecognized EXPLAIN option \"{}\"",
                    name
                ))
            }
        }
    }
    if timing == Some(true) && !o.analyze {
        return Err(err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "EXPLAIN option TIMING requires ANALYZE"
        ));
    }
    o.timing = timing.unwrap_or(true);
    o.summary = summary.unwrap_or(o.analyze);
    Ok(o)
}

impl Session {
    pub(super) fn explain(
        &mut self,
        options: &[ExplainOption],
        stmt: &Statement,
    ) -> Result<StatementResult> {
        let options = read_options(options)?;
        let lines = self.with_env(|env, txn, _| {
            let planning = Instant::now();
            let Some((plan, _)) = env.plan(stmt, &[])? else {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "EXPLAIN of this statement is not supported"
                ));
            };
            let planning = planning.elapsed();
            let mut stats = None;
            let mut execution = None;
            if options.analyze {
                let started = Instant::now();
                stats = Some(env.run_analyzed(txn, &plan)?);
                execution = Some(started.elapsed());
            }
            let mut lines = explain_lines(&plan, Some(env.catalog), &options, stats.as_deref());
            if options.summary {
                lines.push(format!(
                    "Planning Time: {:.3} ms",
                    planning.as_secs_f64() * 1000.0
                ));
                if let Some(e) = execution {
                    lines.push(format!(
                        "Execution Time: {:.3} ms",
                        e.as_secs_f64() * 1000.0
                    ));
                }
            }
            Ok(lines)
        })?;
        Ok(StatementResult {
            columns: vec![crate::plan::Field::new("QUERY PLAN", DataType::Text)],
            rows: lines
                .into_iter()
                .map(|l| vec![Value::Text(l.into())])
                .collect(),
            tag: "EXPLAIN".into(),
            notices: Vec::new(),
            returns_rows: true,
        })
    }
}

impl Env<'_> {
    /// Runs `plan` to the end with per-node statistics (its rows are
    /// dropped, as EXPLAIN ANALYZE shows only counts).
    pub(super) fn run_analyzed(
        &mut self,
        txn: &mut Transaction,
        plan: &Plan,
    ) -> Result<Vec<NodeStats>> {
        self.with_exec(txn, &[], |ctx| {
            ctx.analyze = true;
            let mut op = exec::execute(plan, ctx)?;
            while op.next(ctx)?.is_some() {}
            drop(op);
            Ok(std::mem::take(&mut ctx.stats))
        })
    }
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;
