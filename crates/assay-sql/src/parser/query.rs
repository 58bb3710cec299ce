//! sqlparser queries → [`Query`].

use assay_storage::Result;
use sqlparser::ast::{self as sp, GroupByExpr, JoinConstraint, JoinOperator, TableFactor};

use super::source::{fold, start_of, unsupported};
use super::Tr;
use crate::ast::*;

impl Tr<'_> {
    pub fn query(&self, q: &sp::Query) -> Result<Query> {
        if q.for_clause.is_some()
            || q.settings.is_some()
            || q.format_clause.is_some()
            || !q.pipe_operators.is_empty()
        {
            return Err(unsupported("this query syntax"));
        }
        let mut out = Query::of(self.set_expr(&q.body)?);
        out.with = q.with.as_ref().map(|w| self.with(w)).transpose()?;
        if let Some(ob) = &q.order_by {
            match &ob.kind {
                sp::OrderByKind::Expressions(items) => out.order_by = self.sort_list(items)?,
                sp::OrderByKind::All(_) => return Err(unsupported("ORDER BY ALL")),
            }
        }
        match &q.limit_clause {
            None => {}
            Some(sp::LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) => {
                if !limit_by.is_empty() {
                    return Err(unsupported("LIMIT BY"));
                }
                out.limit = match limit {
                    // LIMIT ALL is no limit.
                    Some(sp::Expr::Value(v)) if v.value.to_string() == "ALL" => None,
                    Some(e) => Some(self.expr(e)?),
                    None => None,
                };
                out.offset = offset.as_ref().map(|o| self.expr(&o.value)).transpose()?;
            }
            Some(sp::LimitClause::OffsetCommaLimit { .. }) => {
                return Err(unsupported("LIMIT #,#"));
            }
        }
        if let Some(fetch) = &q.fetch {
            if fetch.percent {
                return Err(unsupported("FETCH … PERCENT"));
            }
            out.limit = Some(match &fetch.quantity {
                Some(e) => self.expr(e)?,
                None => Expr::Literal {
                    value: Literal::Number("1".into()),
                    pos: Pos(0),
                },
            });
            out.with_ties = fetch.with_ties;
        }
        for lock in &q.locks {
            out.locking.push(LockingClause {
                strength: match lock.lock_type {
                    sp::LockType::Update => LockStrength::Update,
                    sp::LockType::Share => LockStrength::Share,
                },
                of: lock
                    .of
                    .iter()
                    .map(|n| self.src.relation_name(n))
                    .collect::<Result<_>>()?,
                wait: match lock.nonblock {
                    None => LockWait::Block,
                    Some(sp::NonBlock::Nowait) => LockWait::NoWait,
                    Some(sp::NonBlock::SkipLocked) => LockWait::SkipLocked,
                },
            });
        }
        Ok(out)
    }

    pub fn with(&self, w: &sp::With) -> Result<With> {
        let mut ctes = Vec::new();
        for cte in &w.cte_tables {
            if cte.from.is_some() {
                return Err(unsupported("CTE FROM"));
            }
            ctes.push(Cte {
                name: fold(&cte.alias.name),
                columns: cte.alias.columns.iter().map(|c| fold(&c.name)).collect(),
                materialized: cte
                    .materialized
                    .as_ref()
                    .map(|m| matches!(m, sp::CteAsMaterialized::Materialized)),
                query: Box::new(self.query(&cte.query)?),
            });
        }
        Ok(With {
            recursive: w.recursive,
            ctes,
        })
    }

    fn set_expr(&self, e: &sp::SetExpr) -> Result<SetExpr> {
        Ok(match e {
            sp::SetExpr::Select(s) => SetExpr::Select(Box::new(self.select(s)?)),
            sp::SetExpr::Query(q) => {
                let q = self.query(q)?;
                // `(SELECT …)` with nothing but a body is just the body.
                if q.with.is_none()
                    && q.order_by.is_empty()
                    && q.limit.is_none()
                    && q.offset.is_none()
                    && q.locking.is_empty()
                {
                    q.body
                } else {
                    SetExpr::Query(Box::new(q))
                }
            }
            sp::SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                let op = match op {
                    sp::SetOperator::Union => SetOp::Union,
                    sp::SetOperator::Intersect => SetOp::Intersect,
                    sp::SetOperator::Except => SetOp::Except,
                    sp::SetOperator::Minus => return Err(unsupported("MINUS")),
                };
                let all = match set_quantifier {
                    sp::SetQuantifier::All => true,
                    sp::SetQuantifier::Distinct | sp::SetQuantifier::None => false,
                    _ => return Err(unsupported("BY NAME")),
                };
                SetExpr::SetOp {
                    op,
                    all,
                    left: Box::new(self.set_expr(left)?),
                    right: Box::new(self.set_expr(right)?),
                }
            }
            sp::SetExpr::Values(v) => SetExpr::Values(
                v.rows
                    .iter()
                    .map(|r| self.exprs(&r.content))
                    .collect::<Result<_>>()?,
            ),
            sp::SetExpr::Table(t) => {
                // `TABLE t` is `SELECT * FROM t`.
                let name = match (&t.schema_name, &t.table_name) {
                    (Some(s), Some(n)) => ObjectName(vec![s.clone(), n.clone()]),
                    (None, Some(n)) => ObjectName::single(n.clone()),
                    _ => return Err(unsupported("TABLE without a name")),
                };
                SetExpr::Select(Box::new(Select {
                    targets: vec![SelectItem::Wildcard],
                    from: vec![TableRef::Table { name, alias: None }],
                    ..Select::default()
                }))
            }
            // A WITH item's INSERT/UPDATE/DELETE (the binder refuses it
            // anywhere else).
            sp::SetExpr::Insert(s) | sp::SetExpr::Update(s) | sp::SetExpr::Delete(s) => {
                SetExpr::Modify(Box::new(self.statement(s)?))
            }
            _ => return Err(unsupported("a data-modifying statement in this position")),
        })
    }

    fn select(&self, s: &sp::Select) -> Result<Select> {
        if s.top.is_some()
            || !s.lateral_views.is_empty()
            || s.prewhere.is_some()
            || !s.connect_by.is_empty()
            || !s.cluster_by.is_empty()
            || !s.distribute_by.is_empty()
            || !s.sort_by.is_empty()
            || s.qualify.is_some()
            || s.exclude.is_some()
            || s.value_table_mode.is_some()
        {
            return Err(unsupported("this SELECT syntax"));
        }
        let mut out = Select {
            distinct: match &s.distinct {
                None | Some(sp::Distinct::All) => None,
                Some(sp::Distinct::Distinct) => Some(Distinct::Distinct),
                Some(sp::Distinct::On(exprs)) => Some(Distinct::On(self.exprs(exprs)?)),
            },
            ..Select::default()
        };
        for item in &s.projection {
            out.targets.push(self.select_item(item)?);
        }
        if let Some(into) = &s.into {
            let name = match into.targets.as_slice() {
                [sp::Expr::Identifier(id)] => ObjectName::single(fold(id)),
                [sp::Expr::CompoundIdentifier(ids)] => ObjectName(ids.iter().map(fold).collect()),
                _ => return Err(unsupported("this SELECT INTO target")),
            };
            out.into = Some(SelectInto {
                temporary: into.temporary,
                unlogged: into.unlogged,
                name,
            });
        }
        out.from = self.table_refs(&s.from)?;
        out.where_clause = s.selection.as_ref().map(|e| self.expr(e)).transpose()?;
        match &s.group_by {
            GroupByExpr::Expressions(exprs, modifiers) => {
                if !modifiers.is_empty() {
                    return Err(unsupported("GROUP BY … WITH"));
                }
                for e in exprs {
                    out.group_by.push(self.group_item(e)?);
                }
            }
            GroupByExpr::All(_) => return Err(unsupported("GROUP BY ALL")),
        }
        out.having = s.having.as_ref().map(|e| self.expr(e)).transpose()?;
        for sp::NamedWindowDefinition(name, def) in &s.named_window {
            let spec = match def {
                sp::NamedWindowExpr::WindowSpec(spec) => self.window_spec(spec)?,
                sp::NamedWindowExpr::NamedWindow(base) => WindowSpec {
                    base: Some(fold(base)),
                    ..WindowSpec::default()
                },
            };
            out.windows.push(NamedWindow {
                name: fold(name),
                spec,
            });
        }
        Ok(out)
    }

    fn group_item(&self, e: &sp::Expr) -> Result<GroupByItem> {
        let sets = |sets: &Vec<Vec<sp::Expr>>| -> Result<Vec<Vec<Expr>>> {
            sets.iter().map(|s| self.exprs(s)).collect()
        };
        Ok(match e {
            sp::Expr::Rollup(s) => GroupByItem::Rollup(sets(s)?),
            sp::Expr::Cube(s) => GroupByItem::Cube(sets(s)?),
            sp::Expr::GroupingSets(s) => GroupByItem::GroupingSets(sets(s)?),
            sp::Expr::Tuple(items) if items.is_empty() => GroupByItem::Empty,
            _ => GroupByItem::Expr(self.expr(e)?),
        })
    }

    pub fn select_item(&self, item: &sp::SelectItem) -> Result<SelectItem> {
        Ok(match item {
            sp::SelectItem::UnnamedExpr(e) => SelectItem::Expr {
                expr: self.expr(e)?,
                alias: None,
            },
            sp::SelectItem::ExprWithAlias { expr, alias } => SelectItem::Expr {
                expr: self.expr(expr)?,
                alias: Some(fold(alias)),
            },
            sp::SelectItem::Wildcard(opts) if plain_wildcard(opts) => SelectItem::Wildcard,
            sp::SelectItem::QualifiedWildcard(
                sp::SelectItemQualifiedWildcardKind::ObjectName(name),
                opts,
            ) if plain_wildcard(&sp::WildcardAdditionalOptions {
                opt_alias: None,
                ..opts.clone()
            }) =>
            {
                // PostgreSQL accepts and ignores an alias on `t.*`.
                SelectItem::QualifiedWildcard(self.src.relation_name(name)?)
            }
            other => return Err(unsupported(format!("select item {other}"))),
        })
    }

    pub fn table_refs(&self, from: &[sp::TableWithJoins]) -> Result<Vec<TableRef>> {
        from.iter().map(|t| self.table_with_joins(t)).collect()
    }

    pub fn table_with_joins(&self, t: &sp::TableWithJoins) -> Result<TableRef> {
        let mut left = self.table_factor(&t.relation)?;
        for j in &t.joins {
            let right = self.table_factor(&j.relation)?;
            let (kind, constraint) = match &j.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) => (JoinKind::Inner, c),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (JoinKind::Left, c),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (JoinKind::Right, c),
                JoinOperator::FullOuter(c) => (JoinKind::Full, c),
                JoinOperator::CrossJoin(c) => (JoinKind::Cross, c),
                _ => return Err(unsupported("this join type")),
            };
            let condition = match constraint {
                JoinConstraint::On(e) => JoinCondition::On(self.expr(e)?),
                JoinConstraint::Using(cols) => JoinCondition::Using(
                    cols.iter()
                        .map(|c| Ok(self.src.relation_name(c)?.base().to_string()))
                        .collect::<Result<_>>()?,
                ),
                JoinConstraint::Natural => JoinCondition::Natural,
                JoinConstraint::None => JoinCondition::None,
            };
            let join = Join {
                kind,
                left,
                right,
                condition,
            };
            left = TableRef::Join {
                join: Box::new(join),
                alias: None,
            };
        }
        Ok(left)
    }

    fn table_factor(&self, f: &TableFactor) -> Result<TableRef> {
        Ok(match f {
            TableFactor::Table {
                name,
                alias,
                args,
                with_hints,
                version,
                with_ordinality,
                partitions,
                json_path,
                sample,
                index_hints,
            } => {
                if !with_hints.is_empty()
                    || version.is_some()
                    || !partitions.is_empty()
                    || json_path.is_some()
                    || sample.is_some()
                    || !index_hints.is_empty()
                {
                    return Err(unsupported("this table reference syntax"));
                }
                let alias = self.alias(alias)?;
                match args {
                    None => TableRef::Table {
                        name: self.src.relation_name(name)?,
                        alias,
                    },
                    Some(args) => {
                        let call = self.table_function(name, &args.args, start_of(name))?;
                        TableRef::Function {
                            lateral: false,
                            call: Box::new(call),
                            ordinality: *with_ordinality,
                            alias,
                        }
                    }
                }
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias,
                sample: None,
            } => TableRef::Subquery {
                lateral: *lateral,
                query: Box::new(self.query(subquery)?),
                alias: self.alias(alias)?,
            },
            TableFactor::Function {
                lateral,
                name,
                args,
                with_ordinality,
                alias,
            } => TableRef::Function {
                lateral: *lateral,
                call: Box::new(self.table_function(name, args, start_of(name))?),
                ordinality: *with_ordinality,
                alias: self.alias(alias)?,
            },
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_offset: false,
                with_ordinality,
                ..
            } => {
                let mut call =
                    FunctionCall::new(ObjectName::single("unnest"), self.exprs(array_exprs)?);
                call.pos = self.src.pos(start_of(f));
                TableRef::Function {
                    lateral: false,
                    call: Box::new(call),
                    ordinality: *with_ordinality,
                    alias: self.alias(alias)?,
                }
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let inner = self.table_with_joins(table_with_joins)?;
                match (inner, self.alias(alias)?) {
                    (TableRef::Join { join, alias: None }, alias) => TableRef::Join { join, alias },
                    (inner, None) => inner,
                    _ => return Err(unsupported("an alias on a parenthesised table")),
                }
            }
            other => return Err(unsupported(format!("table reference {other}"))),
        })
    }

    fn table_function(
        &self,
        name: &sp::ObjectName,
        args: &[sp::FunctionArg],
        at: sqlparser::tokenizer::Location,
    ) -> Result<FunctionCall> {
        let f = sp::Function {
            name: name.clone(),
            uses_odbc_syntax: false,
            parameters: sp::FunctionArguments::None,
            args: sp::FunctionArguments::List(sp::FunctionArgumentList {
                duplicate_treatment: None,
                args: args.to_vec(),
                clauses: vec![],
            }),
            within_group: vec![],
            filter: None,
            null_treatment: None,
            over: None,
        };
        let mut call = self.function(&f)?;
        call.pos = self.src.pos(at);
        Ok(call)
    }

    fn alias(&self, a: &Option<sp::TableAlias>) -> Result<Option<Alias>> {
        let Some(a) = a else { return Ok(None) };
        if a.at.is_some() {
            return Err(unsupported("this table alias"));
        }
        // A column definition list types every column (`AS x(a int, b text)`).
        let typed = a.columns.iter().filter(|c| c.data_type.is_some()).count();
        if typed != 0 && typed != a.columns.len() {
            return Err(unsupported("a column definition list with untyped columns"));
        }
        Ok(Some(Alias {
            name: self.src.name_ident(&a.name)?,
            columns: a.columns.iter().map(|c| fold(&c.name)).collect(),
            column_types: a
                .columns
                .iter()
                .filter_map(|c| c.data_type.as_ref())
                .map(|t| self.type_name(t))
                .collect::<Result<_>>()?,
        }))
    }
}

fn plain_wildcard(o: &sp::WildcardAdditionalOptions) -> bool {
    o.opt_ilike.is_none()
        && o.opt_exclude.is_none()
        && o.opt_except.is_none()
        && o.opt_replace.is_none()
        && o.opt_rename.is_none()
        && o.opt_alias.is_none()
}
