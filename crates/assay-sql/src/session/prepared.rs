//! Prepared statements made in SQL: `PREPARE`, `EXECUTE`, `DEALLOCATE`.
//!
//! `PREPARE name [(type, …)] AS statement` binds the statement at once, so
//! that its errors show there and the types of parameters it did not
//! declare are inferred; the statement, its parameter types, its result
//! columns and its plan are kept in the session. Planning errors (those
//! constant folding raises, such as a division by zero) wait for EXECUTE,
//! where PostgreSQL plans. `EXECUTE name (arg, …)`
//! converts each argument to its parameter's type as an assignment would,
//! then runs the kept plan — or a new one when the catalog, search path or
//! a setting the plan read has changed since (the plan key of
//! `run::PlanKey`), refusing one whose result columns differ, as
//! PostgreSQL does. Assay's plans never depend on parameter values, so
//! every execution counts as a generic plan in `pg_prepared_statements`.
//!
//! Prepared statements are not transactional: a rollback keeps them. The
//! wire protocol's named statements live in the server; it reports them
//! here ([`Session::note_protocol_statement`]) so that the view lists them
//! with `from_sql` false.

use std::collections::BTreeMap;
use std::sync::Arc;

use assay_storage::{err, Result, SqlState, Transaction};

use super::run::{returns_rows, Env, PlanKey};
use super::{txn_modes, Session, StatementResult};
use crate::ast::{Expr, Statement, TypeName};
use crate::binder::{declared_param_types, Binder, SessionCatalog};
use crate::exec;
use crate::plan::{Field, Plan};
use crate::system::PreparedInfo;
use crate::types::{DataType, Value};

const INVALID_SQL_STATEMENT_NAME: SqlState = SqlState::new(b"26000");
const DUPLICATE_PREPARED_STATEMENT: SqlState = SqlState::new(b"42P05");

/// One statement made by `PREPARE`.
pub(super) struct PreparedStatement {
    statement: Arc<Statement>,
    /// The query text that prepared it.
    text: String,
    param_types: Vec<DataType>,
    /// The result columns when prepared; a new plan must keep them.
    columns: Vec<Field>,
    prepared_at: i64,
    executions: i64,
    plan: Option<(PlanKey, Arc<Plan>)>,
}

/// A session's prepared statements by name.
#[derive(Default)]
pub(super) struct PreparedStatements {
    sql: BTreeMap<String, PreparedStatement>,
    /// The wire protocol's named statements, as the view shows them.
    protocol: BTreeMap<String, PreparedInfo>,
    /// Protocol statements `DEALLOCATE` dropped, for the server to forget
    /// (SQL and protocol statements share one namespace, as in PostgreSQL).
    dropped_protocol: Vec<String>,
}

impl PreparedStatements {
    pub(super) fn infos(&self) -> Vec<PreparedInfo> {
        let sql = self.sql.iter().map(|(name, p)| PreparedInfo {
            name: name.clone(),
            statement: p.text.clone(),
            prepare_time: p.prepared_at,
            param_types: p.param_types.clone(),
            from_sql: true,
            generic_plans: p.executions,
            custom_plans: 0,
        });
        sql.chain(self.protocol.values().cloned()).collect()
    }

    /// Forgets every kept plan (DISCARD PLANS).
    pub(super) fn forget_plans(&mut self) {
        for p in self.sql.values_mut() {
            p.plan = None;
        }
    }

    /// The result columns of `name`, for a wire Describe of `EXECUTE name`.
    pub(super) fn columns(&self, name: &str) -> Result<Vec<Field>> {
        Ok(self.get(name)?.columns.clone())
    }

    fn get(&self, name: &str) -> Result<&PreparedStatement> {
        self.sql.get(name).ok_or_else(|| {
            err!(
                INVALID_SQL_STATEMENT_NAME,
                "prepared statement \"{name}\" does not exist"
            )
        })
    }
}

impl Session {
    /// `PREPARE name [(type, …)] AS statement`.
    pub(super) fn prepare_named(
        &mut self,
        name: &str,
        declared: &[TypeName],
        statement: &Statement,
    ) -> Result<StatementResult> {
        if !matches!(
            statement,
            Statement::Query(_)
                | Statement::Insert(_)
                | Statement::Update(_)
                | Statement::Delete(_)
        ) {
            let text = statement.to_string();
            let word = text.split_whitespace().next().unwrap_or("");
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "syntax error at or near \"{word}\""
            ));
        }
        let declared = declared_param_types(declared)?;
        let (columns, plan, param_types) = self.in_block(false, |s| {
            s.with_env(|env, _, _| {
                let Some((bound, types)) = env.bind(statement, &declared)? else {
                    return Err(err!(SqlState::INTERNAL_ERROR, "statement has no plan"));
                };
                let columns = if returns_rows(&bound) {
                    bound.schema.fields.clone()
                } else {
                    Vec::new()
                };
                // PostgreSQL plans at EXECUTE, so a planning error (one
                // constant folding raises) shows there: without a plan
                // kept, EXECUTE plans again and reports it.
                let plan = env
                    .optimize(bound)
                    .ok()
                    .map(|plan| (env.plan_key(statement, types.clone()), Arc::new(plan)));
                Ok((columns, plan, types))
            })
        })?;
        if self.prepared.sql.contains_key(name) || self.prepared.protocol.contains_key(name) {
            return Err(err!(
                DUPLICATE_PREPARED_STATEMENT,
                "prepared statement \"{name}\" already exists"
            ));
        }
        let prepared = PreparedStatement {
            statement: Arc::new(statement.clone()),
            text: self.query_text.clone(),
            param_types,
            columns,
            prepared_at: super::run::now_micros(),
            executions: 0,
            plan,
        };
        self.prepared.sql.insert(name.to_string(), prepared);
        Ok(StatementResult::command("PREPARE"))
    }

    /// `EXECUTE name [(arg, …)]`: the statement's own result and tag.
    pub(super) fn execute_named(&mut self, name: &str, args: &[Expr]) -> Result<StatementResult> {
        if !self.prepared.sql.contains_key(name) {
            if let Some(info) = self.prepared.protocol.get(name) {
                let (text, types) = (info.statement.clone(), info.param_types.clone());
                return self.execute_protocol(name, &text, &types, args);
            }
        }
        let p = self.prepared.get(name)?;
        if args.len() != p.param_types.len() {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "wrong number of parameters for prepared statement \"{name}\""
            )
            .with_detail(format!(
                "Expected {} parameters but got {}.",
                p.param_types.len(),
                args.len()
            )));
        }
        let statement = p.statement.clone();
        let types = p.param_types.clone();
        let columns = p.columns.clone();
        let kept = p.plan.clone();
        let writes = super::statement_writes(&statement);
        let (result, plan) = self.in_block(writes, |s| {
            if writes {
                let block = s.block.as_ref().ok_or_else(super::no_block)?;
                txn_modes::check_read_only(block, &statement)?;
            }
            s.with_env(|env, txn, _| {
                let values = env.eval_args(txn, args, &types)?;
                // The kept plan while its key holds (checked without
                // printing the statement); else plan again under a new key.
                let (key, plan) = match kept {
                    Some((k, plan)) if env.key_holds(&k) => (k, plan),
                    _ => (
                        env.plan_key(&statement, types.clone()),
                        Arc::new(replan(env, &statement, &types, &columns)?),
                    ),
                };
                let result = env.run_to_result(txn, &plan, &values)?;
                Ok((result, (key, plan)))
            })
        })?;
        if let Some(p) = self.prepared.sql.get_mut(name) {
            p.executions += 1;
            p.plan = Some(plan);
        }
        Ok(result)
    }

    /// `EXECUTE name (arg, …)` of a statement the wire protocol's Parse
    /// made (the two share one namespace, as in PostgreSQL): the server
    /// keeps that statement, so it is parsed again from its text and
    /// planned for this execution.
    fn execute_protocol(
        &mut self,
        name: &str,
        text: &str,
        types: &[DataType],
        args: &[Expr],
    ) -> Result<StatementResult> {
        if args.len() != types.len() {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "wrong number of parameters for prepared statement \"{name}\""
            )
            .with_detail(format!(
                "Expected {} parameters but got {}.",
                types.len(),
                args.len()
            )));
        }
        let statement = match crate::parser::parse(text)?.pop() {
            Some(statement) => statement,
            None => return Ok(StatementResult::command("")),
        };
        let writes = super::statement_writes(&statement);
        let result = self.in_block(writes, |s| {
            if writes {
                let block = s.block.as_ref().ok_or_else(super::no_block)?;
                txn_modes::check_read_only(block, &statement)?;
            }
            s.with_env(|env, txn, _| {
                let values = env.eval_args(txn, args, types)?;
                let Some((plan, _)) = env.plan(&statement, types)? else {
                    return Err(err!(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "EXECUTE of this statement is not supported"
                    ));
                };
                env.run_to_result(txn, &plan, &values)
            })
        })?;
        if let Some(info) = self.prepared.protocol.get_mut(name) {
            info.generic_plans += 1;
        }
        Ok(result)
    }

    /// `DEALLOCATE [PREPARE] name | ALL`.
    pub(super) fn deallocate(&mut self, name: Option<&str>) -> Result<StatementResult> {
        match name {
            Some(name) => {
                if self.prepared.protocol.remove(name).is_some() {
                    self.prepared.dropped_protocol.push(name.to_string());
                    return Ok(StatementResult::command("DEALLOCATE"));
                }
                self.prepared.get(name)?;
                self.prepared.sql.remove(name);
                Ok(StatementResult::command("DEALLOCATE"))
            }
            None => {
                self.prepared.sql.clear();
                let protocol = std::mem::take(&mut self.prepared.protocol);
                self.prepared.dropped_protocol.extend(protocol.into_keys());
                Ok(StatementResult::command("DEALLOCATE ALL"))
            }
        }
    }

    /// Lists a wire protocol's named statement in `pg_prepared_statements`
    /// (`from_sql` false); `text` is the query it was parsed from.
    pub fn note_protocol_statement(&mut self, name: &str, text: &str, param_types: &[DataType]) {
        if name.is_empty() {
            return;
        }
        let info = PreparedInfo {
            name: name.to_string(),
            statement: text.to_string(),
            prepare_time: super::run::now_micros(),
            param_types: param_types.to_vec(),
            from_sql: false,
            generic_plans: 0,
            custom_plans: 0,
        };
        self.prepared.protocol.insert(name.to_string(), info);
    }

    /// The protocol statements `DEALLOCATE` (or `DISCARD ALL`) dropped since
    /// the last call: the server forgets them.
    pub fn take_dropped_protocol_statements(&mut self) -> Vec<String> {
        std::mem::take(&mut self.prepared.dropped_protocol)
    }

    /// Takes a closed protocol statement off the list.
    pub fn forget_protocol_statement(&mut self, name: &str) {
        self.prepared.protocol.remove(name);
    }
}

/// Plans a prepared statement again; its result columns must not change.
fn replan(env: &Env<'_>, stmt: &Statement, types: &[DataType], columns: &[Field]) -> Result<Plan> {
    let Some((plan, _)) = env.plan(stmt, types)? else {
        return Err(err!(SqlState::INTERNAL_ERROR, "statement has no plan"));
    };
    let now: &[Field] = if returns_rows(&plan) {
        &plan.schema.fields
    } else {
        &[]
    };
    let same = now.len() == columns.len()
        && now
            .iter()
            .zip(columns)
            .all(|(a, b)| a.name == b.name && a.data_type == b.data_type);
    if !same {
        return Err(err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cached plan must not change result type"
        ));
    }
    Ok(plan)
}

impl Env<'_> {
    /// Evaluates `EXECUTE`'s arguments as values of the parameter types.
    fn eval_args(
        &mut self,
        txn: &mut Transaction,
        args: &[Expr],
        types: &[DataType],
    ) -> Result<Vec<Value>> {
        if args.is_empty() {
            return Ok(Vec::new());
        }
        let view = SessionCatalog {
            catalog: self.catalog,
            path: self.path,
        };
        let exprs = Binder::new(&view, self.settings.clone()).bind_execute_args(args, types)?;
        self.with_exec(txn, &[], |ctx| {
            exprs.iter().map(|e| exec::eval(e, &[], ctx)).collect()
        })
    }
}
