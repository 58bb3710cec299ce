//! Running statements that need the catalog and storage: queries, DML,
//! EXPLAIN and DDL.
//!
//! Queries and DML go binder → optimizer → executor over a [`StoreAccess`]
//! on the block's transaction. The executor reaches back into the binder
//! through [`ExprBinder`] for CHECK constraints and column defaults, which
//! the catalog keeps as SQL text; DDL reaches the binder and executor
//! through [`Services`], its [`DdlServices`].

use std::sync::Arc;

use assay_storage::{err, Result, SqlState, Transaction};

use super::{Description, Notice, Session, StatementResult};
use crate::ast::{Query, Statement};
use crate::binder::{table_info, Binder, SessionCatalog};
use crate::catalog::{Catalog, Index, IndexExpr, SearchPath, SequenceSession, Table};
use crate::ddl::{self, DdlContext, DdlServices, ExprRole, QueryShape};
use crate::exec::{self, ConstraintBinder, ExecContext, StoreAccess};
use crate::functions::Prng;
use crate::optimizer::{self, OptContext};
use crate::plan::{Plan, PlanNode, ScalarExpr};
use crate::table::{IndexEval, TableStore};
use crate::types::{DataType, Settings, Value};

/// Microseconds since 2000-01-01 UTC, PostgreSQL's epoch.
pub(super) fn now_micros() -> i64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() as i64)
            .unwrap_or(0);
        since - crate::types::datetime::UNIX_TO_PG_SECS * 1_000_000
    }
    #[cfg(target_arch = "wasm32")]
    {
        0
    }
}

/// Binds the SQL text the catalog keeps (CHECK constraints, defaults,
/// index expressions) for the executor and DDL.
pub(super) struct ExprBinder<'a> {
    pub catalog: &'a Catalog,
    pub path: &'a SearchPath,
    pub settings: &'a Settings,
}

impl ExprBinder<'_> {
    fn bind(&self, table: Option<&Table>, sql: &str) -> Result<(ScalarExpr, DataType)> {
        let view = SessionCatalog {
            catalog: self.catalog,
            path: self.path,
        };
        let info = table.map(table_info);
        Binder::new(&view, self.settings.clone()).bind_standalone_expr(info.as_ref(), sql)
    }
}

impl ConstraintBinder for ExprBinder<'_> {
    fn check(&mut self, table: &Table, sql: &str) -> Result<ScalarExpr> {
        Ok(self.bind(Some(table), sql)?.0)
    }

    fn meta_key(&self) -> Option<exec::MetaKey> {
        Some(exec::MetaKey {
            version: self.catalog.version(),
            schemas: self.path.schemas.clone(),
            temp_schema: self.path.temp_schema,
            settings: self.settings.clone(),
        })
    }

    fn meta_key_holds(&self, key: &exec::MetaKey) -> bool {
        key.version == self.catalog.version()
            && key.schemas == self.path.schemas
            && key.temp_schema == self.path.temp_schema
            && key.settings == *self.settings
    }

    fn default(&mut self, table: &Table, column: usize) -> Result<Option<ScalarExpr>> {
        let Some(col) = table.columns.get(column) else {
            return Ok(None);
        };
        let Some(sql) = &col.default else {
            return Ok(None);
        };
        let (expr, ty) = self.bind(None, sql)?;
        if ty == col.ty {
            return Ok(Some(expr));
        }
        Ok(Some(ScalarExpr::Cast {
            expr: Box::new(expr),
            from: ty,
            to: col.ty.clone(),
        }))
    }
}

/// Everything a statement's execution borrows from the session.
pub(super) struct Env<'a> {
    pub catalog: &'a Catalog,
    pub path: &'a SearchPath,
    pub settings: &'a Settings,
    pub store: &'a mut TableStore,
    pub sequences: &'a mut SequenceSession,
    pub rng: &'a mut Prng,
    /// The session as system relations and catalog functions see it.
    pub system: Option<&'a crate::system::SystemContext<'a>>,
    /// The session's cancel flag and statement deadline.
    pub interrupt: Option<&'a crate::exec::Interrupt>,
}

impl Env<'_> {
    /// Binds and optimizes a statement; `None` for statements without a plan.
    pub fn plan(
        &self,
        stmt: &Statement,
        params: &[DataType],
    ) -> Result<Option<(Plan, Vec<DataType>)>> {
        let Some((bound, types)) = self.bind(stmt, params)? else {
            return Ok(None);
        };
        Ok(Some((self.optimize(bound)?, types)))
    }

    /// Binds a statement (names, types, parameter types) without
    /// optimizing it; `None` for statements without a plan.
    pub fn bind(
        &self,
        stmt: &Statement,
        params: &[DataType],
    ) -> Result<Option<(Plan, Vec<DataType>)>> {
        let view = SessionCatalog {
            catalog: self.catalog,
            path: self.path,
        };
        let mut binder =
            Binder::new(&view, self.settings.clone()).with_param_types(params.to_vec());
        Ok(binder
            .bind_statement(stmt)?
            .map(|bound| (bound.plan, bound.param_types)))
    }

    /// Optimizes a bound plan (constant folding may raise the errors
    /// PostgreSQL's planner raises).
    pub fn optimize(&self, bound: Plan) -> Result<Plan> {
        optimizer::optimize(
            bound,
            &OptContext {
                catalog: self.catalog,
            },
        )
    }

    /// What a plan of `stmt` for parameters of `types` depends on.
    pub fn plan_key(&self, stmt: &Statement, types: Vec<DataType>) -> PlanKey {
        let text = stmt.to_string().to_ascii_lowercase();
        let clock_words = ["now", "today", "tomorrow", "yesterday"];
        PlanKey {
            param_types: types,
            version: self.catalog.version(),
            search_path: self.path.schemas.clone(),
            temp_schema: self.path.temp_schema,
            settings: self.settings.clone(),
            reads_clock: clock_words.iter().any(|w| text.contains(w)),
        }
    }

    /// Whether a plan made under `key` still holds here (no allocation).
    pub(super) fn key_holds(&self, key: &PlanKey) -> bool {
        key.version == self.catalog.version()
            && key.search_path == self.path.schemas
            && key.temp_schema == self.path.temp_schema
            && same_settings(&key.settings, self.settings, key.reads_clock)
    }

    /// The plan of `stmt` for parameters of `types`, from `cache` while
    /// nothing it depends on changed (see [`PlanCache`]).
    pub fn plan_cached(
        &self,
        cache: &mut PlanCache,
        stmt: &Statement,
        types: Vec<DataType>,
    ) -> Result<(Arc<Plan>, Arc<[DataType]>)> {
        if let Some(found) = cache.find_shared(stmt, &types, self) {
            return Ok((found.plan.clone(), found.param_types.clone()));
        }
        if let Some(found) = cache.find(stmt, &types, self) {
            let found = found.clone();
            let out = (found.plan.clone(), found.param_types.clone());
            cache.remember_shared(stmt, found);
            return Ok(out);
        }
        let Some((plan, param_types)) = self.plan(stmt, &types)? else {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "statement has no plan"
            ));
        };
        let plan = Arc::new(plan);
        let param_types: Arc<[DataType]> = param_types.into();
        cache.insert(stmt, types, self, plan.clone(), param_types.clone());
        Ok((plan, param_types))
    }

    /// The cached plan of `stmt` run with `params`, and the parameter values
    /// read as the types it settled on. A parameter's type is the declared
    /// one (`param_types`), else the value's own.
    pub(super) fn plan_with_values<'v>(
        &self,
        cache: &mut PlanCache,
        stmt: &Statement,
        param_types: &[DataType],
        params: &'v [Value],
    ) -> Result<(Arc<Plan>, std::borrow::Cow<'v, [Value]>)> {
        let types: Vec<DataType> = params
            .iter()
            .enumerate()
            .map(|(i, v)| match param_types.get(i) {
                Some(t) if *t != DataType::Unknown => t.clone(),
                _ => value_type(v),
            })
            .collect();
        let (plan, types) = self.plan_cached(cache, stmt, types)?;
        if types.len() > params.len() {
            return Err(err!(
                SqlState::UNDEFINED_PARAMETER,
                "there is no parameter ${}",
                params.len() + 1
            ));
        }
        let params = read_text_params(params, &types, self.settings, self.system)?;
        Ok((plan, params))
    }

    /// The plan `stmt`'s shape shares with every statement that differs
    /// from it only in its numeric literals, and those literals' values
    /// (see `shapes.rs`); `None` when the statement must be planned as
    /// written: it has no shape, or its shape does not bind (the statement
    /// itself then reports the error) or binds its literals otherwise than
    /// as constants.
    pub(super) fn plan_shaped(
        &self,
        cache: &mut PlanCache,
        stmt: &Statement,
    ) -> Option<(Arc<Plan>, Vec<Value>)> {
        let shape = super::shapes::shape_of(stmt)?;
        if let Some(found) = cache.find(&shape.statement, &shape.types, self) {
            return found
                .literals_alike
                .then(|| (found.plan.clone(), shape.values));
        }
        let (plan, settled) = self.plan(&shape.statement, &shape.types).ok()??;
        let plan = Arc::new(plan);
        let alike = cache.insert(
            &shape.statement,
            shape.types,
            self,
            plan.clone(),
            settled.into(),
        );
        alike.then_some((plan, shape.values))
    }

    /// Runs a plan to completion; returns its rows and the rows it changed.
    pub fn run(
        &mut self,
        txn: &mut Transaction,
        plan: &Plan,
        params: &[Value],
    ) -> Result<(Vec<Vec<Value>>, u64)> {
        self.run_with(txn, plan, params, &mut |_, _| Ok(()))
    }

    /// Runs a plan to completion and makes its result: rows presented,
    /// columns and PostgreSQL's command tag.
    pub fn run_to_result(
        &mut self,
        txn: &mut Transaction,
        plan: &Plan,
        params: &[Value],
    ) -> Result<StatementResult> {
        let (mut rows, affected) = self.run(txn, plan, params)?;
        if let Some(sys) = self.system {
            crate::system::present_rows(&plan.schema.fields, &mut rows, sys);
        }
        let tag = tag_for(plan, rows.len(), affected);
        let returns = returns_rows(plan);
        Ok(StatementResult {
            columns: if returns {
                plan.schema.fields.clone()
            } else {
                Vec::new()
            },
            rows,
            tag,
            notices: Vec::new(),
            returns_rows: returns,
        })
    }

    /// Runs a plan, handing each row to `sink` as well as collecting them
    /// only when `sink` is the default.
    pub fn run_with(
        &mut self,
        txn: &mut Transaction,
        plan: &Plan,
        params: &[Value],
        sink: &mut dyn FnMut(&mut Transaction, &[Value]) -> Result<()>,
    ) -> Result<(Vec<Vec<Value>>, u64)> {
        let (rows, affected) = self.with_exec(txn, params, |ctx| {
            let mut op = exec::execute(plan, ctx)?;
            let mut rows = Vec::new();
            while let Some(row) = op.next(ctx)? {
                rows.push(row);
            }
            Ok((rows, ctx.rows_affected))
        })?;
        for row in &rows {
            sink(txn, row)?;
        }
        Ok((rows, affected))
    }

    /// Runs `f` with an executor context over `txn`: storage through the
    /// session's table store, constraints bound by an [`ExprBinder`], the
    /// session's sequences, system context and interrupt.
    pub(super) fn with_exec<R>(
        &mut self,
        txn: &mut Transaction,
        params: &[Value],
        f: impl FnOnce(&mut ExecContext<'_>) -> Result<R>,
    ) -> Result<R> {
        let mut binder = ExprBinder {
            catalog: self.catalog,
            path: self.path,
            settings: self.settings,
        };
        let mut access = StoreAccess::new(txn, self.catalog, self.store, &mut binder);
        access.sequences = Some((self.sequences, self.path));
        let clock = now_micros;
        let mut ctx = ExecContext::new(&mut access, self.settings, params, &clock, self.rng);
        ctx.system = self.system;
        ctx.cancel = self.interrupt;
        f(&mut ctx)
    }
}

/// The command tag of a plan's statement, PostgreSQL's way.
fn tag_for(plan: &Plan, rows: usize, affected: u64) -> String {
    match &statement_plan(plan).node {
        PlanNode::Insert { .. } => tag_with_count("INSERT 0 ", affected),
        PlanNode::Update { .. } => tag_with_count("UPDATE ", affected),
        PlanNode::Delete { .. } => tag_with_count("DELETE ", affected),
        _ => tag_with_count("SELECT ", rows as u64),
    }
}

/// `prefix` followed by `count` in decimal. Every statement makes a tag,
/// so this writes the digits itself rather than through `format!`, which
/// costs several times as much for a one-row statement.
fn tag_with_count(prefix: &str, mut count: u64) -> String {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (count % 10) as u8;
        count /= 10;
        if count == 0 {
            break;
        }
    }
    let mut tag = String::with_capacity(prefix.len() + digits.len() - start);
    tag.push_str(prefix);
    tag.extend(digits[start..].iter().map(|&d| char::from(d)));
    tag
}

/// The plan of the statement itself, past its data-modifying WITH items.
fn statement_plan(mut plan: &Plan) -> &Plan {
    while let PlanNode::WithModifying { input, .. } = &plan.node {
        plan = input;
    }
    plan
}

pub(super) fn returns_rows(plan: &Plan) -> bool {
    match &statement_plan(plan).node {
        PlanNode::Insert { returning, .. }
        | PlanNode::Update { returning, .. }
        | PlanNode::Delete { returning, .. } => !returning.is_empty(),
        _ => true,
    }
}

/// DDL's services: binding through the binder, evaluation and queries
/// through the executor.
pub(super) struct Services<'a> {
    pub path: SearchPath,
    pub settings: &'a Settings,
    pub store: &'a mut TableStore,
    pub sequences: &'a mut SequenceSession,
    pub rng: &'a mut Prng,
    pub interrupt: Option<&'a crate::exec::Interrupt>,
    /// The catalog as of the statement's start, for index evaluation
    /// (which the storage layer calls without a catalog).
    pub catalog: Arc<Catalog>,
}

impl IndexEval for Services<'_> {
    fn eval(
        &mut self,
        table: &Table,
        index: &Index,
        row: &[Value],
        out: &mut Vec<Value>,
    ) -> Result<bool> {
        let mut binder = ExprBinder {
            catalog: &self.catalog,
            path: &self.path,
            settings: self.settings,
        };
        binder.eval(table, index, row, out)
    }
}

impl IndexEval for ExprBinder<'_> {
    fn eval(
        &mut self,
        table: &Table,
        index: &Index,
        row: &[Value],
        out: &mut Vec<Value>,
    ) -> Result<bool> {
        let mut values = Vec::new();
        for part in &index.parts {
            match &part.expr {
                IndexExpr::Column(c) => values.push(row.get(*c).cloned().unwrap_or(Value::Null)),
                IndexExpr::Expression { sql, .. } => {
                    let (expr, _) = self.bind(Some(table), sql)?;
                    values.push(eval_over_row(&expr, row, self)?);
                }
            }
        }
        if let Some(pred) = &index.predicate {
            let (expr, _) = self.bind(Some(table), pred)?;
            if eval_over_row(&expr, row, self)? != Value::Bool(true) {
                return Ok(false);
            }
        }
        out.extend(values);
        Ok(true)
    }
}

/// Evaluates an expression that reads only the given row (no storage).
fn eval_over_row(expr: &ScalarExpr, row: &[Value], binder: &ExprBinder<'_>) -> Result<Value> {
    let mut tables = exec::MemoryTables::default();
    let clock = now_micros;
    let mut rng = Prng::new(0);
    let system = crate::system::SystemContext::new(binder.catalog, binder.path);
    let mut ctx = ExecContext::new(&mut tables, binder.settings, &[], &clock, &mut rng);
    ctx.system = Some(&system);
    exec::eval(expr, row, &mut ctx)
}

impl DdlServices for Services<'_> {
    fn bind_expression(
        &mut self,
        catalog: &Catalog,
        table: &Table,
        sql: &str,
        role: ExprRole<'_>,
    ) -> Result<DataType> {
        let binder = ExprBinder {
            catalog,
            path: &self.path,
            settings: self.settings,
        };
        let on = match role {
            ExprRole::Default { .. } => None,
            _ => Some(table),
        };
        Ok(binder.bind(on, sql)?.1)
    }

    fn eval_expression(
        &mut self,
        catalog: &Catalog,
        txn: &mut Transaction,
        table: &Table,
        sql: &str,
        row: &[Value],
    ) -> Result<Value> {
        let binder = ExprBinder {
            catalog,
            path: &self.path,
            settings: self.settings,
        };
        let (expr, _) = binder.bind(Some(table), sql)?;
        // Defaults may call nextval: evaluate with storage at hand.
        let mut constraints = ExprBinder {
            catalog,
            path: &self.path,
            settings: self.settings,
        };
        let mut access = StoreAccess::new(txn, catalog, self.store, &mut constraints);
        access.sequences = Some((self.sequences, &self.path));
        let clock = now_micros;
        let system = crate::system::SystemContext::new(catalog, &self.path);
        let mut ctx = ExecContext::new(&mut access, self.settings, &[], &clock, self.rng);
        ctx.system = Some(&system);
        exec::eval(&expr, row, &mut ctx)
    }

    fn describe_query(&mut self, catalog: &Catalog, query: &Query) -> Result<QueryShape> {
        let view = SessionCatalog {
            catalog,
            path: &self.path,
        };
        let mut binder = Binder::new(&view, self.settings.clone());
        let plan = binder.bind_top_query(query)?;
        let columns = plan
            .schema
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.data_type.clone()))
            .collect();
        let mut depends_on = Vec::new();
        collect_tables(&plan, &mut depends_on);
        for &v in binder.views_read() {
            if !depends_on.contains(&v) {
                depends_on.push(v);
            }
        }
        Ok(QueryShape {
            columns,
            depends_on,
        })
    }

    fn run_query(
        &mut self,
        catalog: &Catalog,
        txn: &mut Transaction,
        query: &Query,
        sink: &mut dyn FnMut(&mut Transaction, &[Value]) -> Result<()>,
    ) -> Result<()> {
        let view = SessionCatalog {
            catalog,
            path: &self.path,
        };
        let plan = Binder::new(&view, self.settings.clone()).bind_top_query(query)?;
        let plan = optimizer::optimize(plan, &OptContext { catalog })?;
        let system = crate::system::SystemContext::new(catalog, &self.path);
        let mut env = Env {
            catalog,
            path: &self.path,
            settings: self.settings,
            store: self.store,
            sequences: self.sequences,
            rng: self.rng,
            system: Some(&system),
            interrupt: self.interrupt,
        };
        env.run_with(txn, &plan, &[], sink)?;
        Ok(())
    }
}

/// The tables a plan reads (a view's dependencies).
fn collect_tables(plan: &Plan, out: &mut Vec<u32>) {
    if let PlanNode::Scan { table, .. } = &plan.node {
        if !out.contains(&table.oid) {
            out.push(table.oid);
        }
    }
    for input in plan.inputs() {
        collect_tables(input, out);
    }
}

impl Session {
    /// The search path as the catalog resolves names with it.
    pub(super) fn search_path(&self) -> SearchPath {
        let raw = self.settings.show("search_path").unwrap_or_default();
        let schemas = raw
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty())
            .collect();
        SearchPath {
            schemas,
            user: self.current_user().to_string(),
            temp_schema: self.temp_schema,
        }
    }

    /// The search path, parsed again only when a setting, the temporary
    /// schema or the current user changed (the settings' change counter
    /// tells the first without reading the setting).
    pub(super) fn shared_search_path(&mut self) -> Arc<SearchPath> {
        let changes = self.settings.changes();
        if let Some((seen, temp, path)) = &self.path_cache {
            if *seen == changes && *temp == self.temp_schema && path.user == self.current_user() {
                return path.clone();
            }
        }
        let path = Arc::new(self.search_path());
        self.path_cache = Some((changes, self.temp_schema, path.clone()));
        path
    }

    /// Runs a statement that needs the catalog and storage.
    pub(super) fn run_statement(
        &mut self,
        stmt: &Statement,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<StatementResult> {
        if super::roles::is_role_statement(stmt) {
            return self.run_role_statement(stmt);
        }
        if ddl::is_ddl(stmt) {
            return self.run_ddl(stmt);
        }
        match stmt {
            Statement::Update(u) if u.current_of.is_some() => {
                self.run_current_of(stmt, param_types, params)
            }
            Statement::Delete(d) if d.current_of.is_some() => {
                self.run_current_of(stmt, param_types, params)
            }
            Statement::Query(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_) => self.run_query_typed(stmt, param_types, params),
            Statement::Explain { options, statement } => self.explain(options, statement),
            Statement::Analyze { tables, .. } => self.analyze(tables),
            Statement::Copy(copy) => self.run_copy(copy),
            // VACUUM has nothing to reclaim yet: space is reused through the
            // free list as pages are freed.
            Statement::Vacuum { .. } => Ok(StatementResult::command("VACUUM")),
            Statement::AlterDatabase { action, .. } => self.alter_database(action),
            other => Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not supported yet",
                super::statement_name(other)
            )),
        }
    }

    /// Runs a parsed statement with parameter values (their own types), as
    /// [`Session::execute_with_params`] does: inside the current block or
    /// an implicit one, with the catalog and snapshot brought up to date.
    pub fn run_query(&mut self, stmt: &Statement, params: &[Value]) -> Result<StatementResult> {
        self.execute_with_params(stmt, &[], params)
    }

    /// [`Session::run_query`] for a statement the caller keeps and runs
    /// again (a prepared statement): its plan is found by the `Arc`'s
    /// address, without hashing or comparing the statement (see
    /// [`PlanCache`]). Everything else is as for any statement.
    pub fn run_prepared(
        &mut self,
        stmt: &Arc<Statement>,
        params: &[Value],
    ) -> Result<StatementResult> {
        self.plans.shared = Some(stmt.clone());
        let result = self.execute_with_params(stmt, &[], params);
        self.plans.shared = None;
        result
    }

    /// The result columns and parameter types of a statement, without
    /// running it (a wire server's Describe). `param_types` are the types
    /// the client declared; `Unknown` ones are inferred.
    pub fn describe(&mut self, stmt: &Statement, param_types: &[DataType]) -> Result<Description> {
        let text = |name: &str| crate::plan::Field::new(name, DataType::Text);
        match stmt {
            Statement::Execute { name, .. } => Ok(Description {
                params: Vec::new(),
                columns: self.prepared.columns(name)?,
            }),
            Statement::Fetch {
                cursor,
                is_move: false,
                ..
            } => Ok(Description {
                params: Vec::new(),
                columns: self.cursors.columns(cursor),
            }),
            Statement::Show(name) if name.eq_ignore_ascii_case("all") => Ok(Description {
                params: Vec::new(),
                columns: vec![text("name"), text("setting"), text("description")],
            }),
            Statement::Show(name) => Ok(Description {
                params: Vec::new(),
                columns: vec![text(super::SessionSettings::display_name(name)?)],
            }),
            Statement::Query(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::DeclareCursor(_)
            | Statement::Explain { .. } => {
                if self.block.as_ref().is_some_and(|b| b.failed) {
                    return Err(err!(
                        SqlState::IN_FAILED_SQL_TRANSACTION,
                        "current transaction is aborted, commands ignored until end of transaction block"
                    ));
                }
                self.refresh_catalog()?;
                let path = self.search_path();
                let catalog = self.catalog.clone();
                let settings = self.settings.types.clone();
                let env = Env {
                    catalog: &catalog,
                    path: &path,
                    settings: &settings,
                    store: &mut self.store,
                    sequences: &mut self.sequences,
                    rng: &mut self.rng,
                    system: None,
                    interrupt: None,
                };
                let Some((plan, mut params)) = env.plan(stmt, param_types)? else {
                    return Ok(Description::default());
                };
                for (i, t) in param_types.iter().enumerate() {
                    if params.len() <= i {
                        params.push(if *t == DataType::Unknown {
                            DataType::Text
                        } else {
                            t.clone()
                        });
                    }
                }
                let columns = if matches!(stmt, Statement::Explain { .. }) {
                    vec![text("QUERY PLAN")]
                } else if matches!(stmt, Statement::DeclareCursor(_)) {
                    Vec::new()
                } else if returns_rows(&plan) {
                    plan.schema.fields.clone()
                } else {
                    Vec::new()
                };
                Ok(Description { params, columns })
            }
            _ => Ok(Description {
                params: param_types.to_vec(),
                columns: Vec::new(),
            }),
        }
    }

    /// Runs `f` with the statement environment over the block's transaction
    /// and the session's plan cache.
    pub(super) fn with_env<R>(
        &mut self,
        f: impl FnOnce(&mut Env<'_>, &mut Transaction, &mut PlanCache) -> Result<R>,
    ) -> Result<R> {
        let path = self.shared_search_path();
        let catalog = self.catalog.clone();
        let block = self.block.as_mut().ok_or_else(super::no_block)?;
        let portals = super::SessionView {
            prepared: &self.prepared,
            cursors: &self.cursors,
        };
        let setting_changes = std::cell::RefCell::new(Vec::new());
        let system = crate::system::SystemContext {
            catalog: &catalog,
            path: &path,
            settings: Some(&self.settings),
            database: &self.database,
            engine: Some(&self.engine),
            user: self.authorization.current_user(&self.user),
            session_user: self.authorization.session_user(&self.user),
            pid: self.backend.pid(),
            backend_start: self.started,
            backend: Some(&self.backend),
            portals: Some(&portals),
            setting_changes: Some(&setting_changes),
        };
        let mut env = Env {
            catalog: &catalog,
            path: &path,
            settings: &self.settings.types,
            store: &mut self.store,
            sequences: &mut self.sequences,
            rng: &mut self.rng,
            system: Some(&system),
            interrupt: Some(&self.interrupt),
        };
        let result = f(&mut env, &mut block.txn, &mut self.plans);
        self.apply_setting_changes(setting_changes.into_inner(), result.is_ok())?;
        result
    }

    fn run_query_typed(
        &mut self,
        stmt: &Statement,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<StatementResult> {
        self.with_env(|env, txn, cache| {
            if params.is_empty() && param_types.is_empty() {
                if let Some((plan, values)) = env.plan_shaped(cache, stmt) {
                    return env.run_to_result(txn, &plan, &values);
                }
            }
            let (plan, params) = env.plan_with_values(cache, stmt, param_types, params)?;
            env.run_to_result(txn, &plan, &params)
        })
    }

    /// `ANALYZE [t, …]`: collects row counts and per-column statistics
    /// (distinct values, null fraction, common values, histogram) that the
    /// optimizer's estimates read.
    fn analyze(&mut self, tables: &[crate::ast::ObjectName]) -> Result<StatementResult> {
        let path = self.search_path();
        let targets: Vec<Arc<Table>> = if tables.is_empty() {
            self.catalog
                .tables()
                .filter(|t| !t.is_view())
                .cloned()
                .collect()
        } else {
            let mut out = Vec::new();
            for name in tables {
                let parts = &name.0;
                let (schema, rel) = match parts.as_slice() {
                    [s, r] => (Some(s.as_str()), r.as_str()),
                    _ => (None, name.base()),
                };
                out.push(self.catalog.lookup_table(schema, rel, &path)?.clone());
            }
            out
        };
        let block = self.block.as_mut().ok_or_else(super::no_block)?;
        let catalog = Arc::make_mut(&mut self.catalog);
        for t in targets {
            let stats = crate::table::analyze(&block.txn, &t)?;
            catalog.set_stats(&mut block.txn, t.oid, stats)?;
        }
        Ok(StatementResult::command("ANALYZE"))
    }

    fn run_ddl(&mut self, stmt: &Statement) -> Result<StatementResult> {
        let mut path = self.search_path();
        let settings = self.settings.types.clone();
        let snapshot = self.catalog.clone();
        let before = snapshot.clone();
        let block = self.block.as_mut().ok_or_else(super::no_block)?;
        let mut services = Services {
            path: path.clone(),
            settings: &settings,
            store: &mut self.store,
            sequences: &mut self.sequences,
            rng: &mut self.rng,
            interrupt: Some(&self.interrupt),
            catalog: snapshot,
        };
        let catalog = Arc::make_mut(&mut self.catalog);
        let mut ctx = DdlContext {
            catalog,
            txn: &mut block.txn,
            search_path: &mut path,
            temp_number: self.id,
            services: &mut services,
        };
        let outcome = ddl::execute(stmt, &mut ctx)?;
        self.temp_schema = path.temp_schema;
        self.check_tables_not_in_use(&before, stmt, &outcome.tag)?;
        let notices = outcome
            .notices
            .into_iter()
            .map(|n| Notice {
                severity: "NOTICE",
                code: n.code,
                message: n.message,
            })
            .collect();
        Ok(StatementResult {
            tag: outcome.tag,
            notices,
            ..StatementResult::default()
        })
    }
}

/// Text values passed for parameters the statement typed otherwise (`$1`
/// stored into a date column) are read with that type's input function and
/// its typmod (`numeric(10,2)`, `varchar(3)`), as PostgreSQL reads a
/// text-format parameter of an inferred type.
fn read_text_params<'a>(
    params: &'a [Value],
    types: &[DataType],
    settings: &Settings,
    system: Option<&crate::system::SystemContext<'_>>,
) -> Result<std::borrow::Cow<'a, [Value]>> {
    let needs_input = |v: &Value, ty: &DataType| {
        matches!(v, Value::Text(_)) && !matches!(ty, DataType::Text | DataType::Unknown)
    };
    if !params.iter().zip(types).any(|(v, ty)| needs_input(v, ty)) {
        return Ok(std::borrow::Cow::Borrowed(params));
    }
    let mut read = params.to_vec();
    for (v, ty) in read.iter_mut().zip(types) {
        if let (true, Value::Text(text)) = (needs_input(v, ty), &*v) {
            // An object name (`$1::regclass`) is looked up in the catalog.
            if let (DataType::Reg(kind), Some(sys)) = (ty, system) {
                *v = Value::Int8(i64::from(sys.reg_in(*kind, text)?));
                continue;
            }
            let base = ty.without_typmod();
            let parsed = crate::types::parse_value(text, &base, settings)?;
            *v = crate::types::assign(&parsed, &base, ty, settings)?;
        }
    }
    Ok(std::borrow::Cow::Owned(read))
}

/// A session's plans, by statement.
///
/// A plan depends on the statement, the parameters' types, the catalog
/// version, the search path and the settings constant folding reads (time
/// zone, date and interval styles, float digits) — its [`PlanKey`]. Input
/// like `'now'` or `'today'` is read when the statement is bound, so such
/// plans also depend on the transaction's timestamp. Any change plans
/// afresh. The statement itself is the key (hashed and compared as a tree,
/// never printed), so a statement run again costs a lookup, not a bind.
///
/// A statement the caller keeps in an [`Arc`] ([`Session::run_prepared`])
/// is also found by its address, without hashing or comparing the tree:
/// the cache holds a clone of the `Arc` beside the plan, so the address
/// stays that statement's for as long as the entry lives.
#[derive(Default)]
pub(super) struct PlanCache {
    plans: rustc_hash::FxHashMap<Statement, Vec<CachedPlan>>,
    len: usize,
    /// The statement [`Session::run_prepared`] is running, if any.
    pub(super) shared: Option<Arc<Statement>>,
    /// Plans of shared statements, by the statement's address (a few,
    /// the most recent last).
    by_address: Vec<(Arc<Statement>, CachedPlan)>,
}

/// Shared statements whose plans are found by address, at most.
const SHARED_ENTRIES: usize = 16;

/// What a plan was made under (see [`PlanCache`]); `Env::key_holds` tells
/// whether a plan made under it still holds.
#[derive(Clone, Debug)]
pub(super) struct PlanKey {
    param_types: Vec<DataType>,
    version: crate::catalog::CatalogVersion,
    search_path: Vec<String>,
    temp_schema: Option<u32>,
    settings: Settings,
    /// Whether the statement reads the clock when bound.
    reads_clock: bool,
}

#[derive(Clone)]
struct CachedPlan {
    /// The parameter types the statement was run with, and the context.
    key: PlanKey,
    plan: Arc<Plan>,
    /// The parameter types the plan settled on (shared: every execution
    /// reads them).
    param_types: Arc<[DataType]>,
    /// The plan binds each parameter as it would bind a literal of the
    /// parameter's type, so statements of this shape may share it (see
    /// `shapes.rs`).
    literals_alike: bool,
}

/// Plans a session keeps, at most, before starting the cache over.
const PLAN_CACHE_ENTRIES: usize = 256;

impl PlanCache {
    fn find(&self, stmt: &Statement, types: &[DataType], env: &Env<'_>) -> Option<&CachedPlan> {
        self.plans
            .get(stmt)?
            .iter()
            .find(|p| p.key.param_types == types && env.key_holds(&p.key))
    }

    /// The plan of the shared statement at `stmt`'s address (see
    /// [`PlanCache`]).
    fn find_shared(
        &self,
        stmt: &Statement,
        types: &[DataType],
        env: &Env<'_>,
    ) -> Option<&CachedPlan> {
        self.by_address
            .iter()
            .rev()
            .find(|(s, p)| {
                std::ptr::eq(Arc::as_ptr(s), stmt)
                    && p.key.param_types == types
                    && env.key_holds(&p.key)
            })
            .map(|(_, p)| p)
    }

    /// Keeps `plan` by address when `stmt` is the shared statement being
    /// run.
    fn remember_shared(&mut self, stmt: &Statement, plan: CachedPlan) {
        let Some(shared) = self
            .shared
            .as_ref()
            .filter(|s| std::ptr::eq(Arc::as_ptr(s), stmt))
        else {
            return;
        };
        let shared = shared.clone();
        self.by_address.retain(|(s, p)| {
            !(Arc::ptr_eq(s, &shared) && p.key.param_types == plan.key.param_types)
        });
        if self.by_address.len() >= SHARED_ENTRIES {
            self.by_address.remove(0);
        }
        self.by_address.push((shared, plan));
    }

    fn insert(
        &mut self,
        stmt: &Statement,
        types: Vec<DataType>,
        env: &Env<'_>,
        plan: Arc<Plan>,
        param_types: Arc<[DataType]>,
    ) -> bool {
        if self.len >= PLAN_CACHE_ENTRIES {
            self.plans.clear();
            self.by_address.clear();
            self.len = 0;
        }
        let literals_alike =
            *param_types == *types && super::shapes::literals_bind_as_constants(&plan, &types);
        let entry = CachedPlan {
            key: env.plan_key(stmt, types),
            plan,
            param_types,
            literals_alike,
        };
        self.remember_shared(stmt, entry.clone());
        let list = self.plans.entry(stmt.clone()).or_default();
        // An entry that no longer holds is replaced, not kept beside.
        list.retain(|p| p.key.param_types != entry.key.param_types);
        list.push(entry);
        self.len += 1;
        literals_alike
    }

    /// How many statements' plans the cache finds by address.
    #[cfg(test)]
    pub(super) fn shared_len(&self) -> usize {
        self.by_address.len()
    }

    /// How many plans the cache holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Forgets every plan (`DISCARD PLANS`).
    pub(super) fn clear(&mut self) {
        self.plans.clear();
        self.by_address.clear();
        self.len = 0;
    }
}

/// Whether two settings fold constants alike (`now` only when it is read).
fn same_settings(a: &Settings, b: &Settings, reads_clock: bool) -> bool {
    // Destructured so that a new setting must be considered here.
    let Settings {
        date_style,
        date_order,
        interval_style,
        time_zone,
        extra_float_digits,
        bytea_output,
        now,
        // Read by the executor when it runs, never folded into a plan.
        work_mem: _,
    } = a;
    *date_style == b.date_style
        && *date_order == b.date_order
        && *interval_style == b.interval_style
        && *time_zone == b.time_zone
        && *extra_float_digits == b.extra_float_digits
        && *bytea_output == b.bytea_output
        && (!reads_clock || *now == b.now)
}

/// The type a parameter value was given as.
fn value_type(v: &Value) -> DataType {
    v.own_type().unwrap_or(DataType::Unknown)
}

#[cfg(test)]
mod tag_tests {
    use super::tag_with_count;

    #[test]
    fn tags_count_in_decimal() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, u64::MAX] {
            assert_eq!(tag_with_count("UPDATE ", n), format!("UPDATE {n}"));
        }
        assert_eq!(tag_with_count("INSERT 0 ", 3), "INSERT 0 3");
    }
}
