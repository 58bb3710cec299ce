//! sqlparser statements → [`Statement`]: DML, transactions, session.

use assay_storage::Result;
use sqlparser::ast::{self as sp, Statement as S};

use super::source::{fold, fold_all, object_name, single_name, unsupported};
use super::Tr;
use crate::ast::*;

impl Tr<'_> {
    pub fn statement(&self, s: &S) -> Result<Statement> {
        Ok(match s {
            S::Query(q) => return self.query_statement(q),
            S::Insert(i) => Statement::Insert(Box::new(self.insert(i)?)),
            S::Update(u) => Statement::Update(Box::new(self.update(u)?)),
            S::Delete(d) => Statement::Delete(Box::new(self.delete(d)?)),
            S::Copy {
                source,
                to,
                target,
                options,
                legacy_options,
                values,
            } => {
                if !values.is_empty() {
                    return Err(unsupported("inline COPY data"));
                }
                Statement::Copy(Box::new(self.copy(
                    source,
                    *to,
                    target,
                    options,
                    legacy_options,
                )?))
            }
            S::CreateTable(t) => self.create_table(t)?,
            S::CreateType {
                name,
                representation: Some(sp::UserDefinedTypeRepresentation::Composite { attributes }),
            } => {
                let mut columns = Vec::new();
                for a in attributes {
                    columns.push(ColumnDef {
                        name: fold(&a.name),
                        type_name: self.type_name(&a.data_type)?,
                        constraints: Vec::new(),
                    });
                }
                Statement::CreateCompositeType(Box::new(CreateTable {
                    name: self.src.relation_name(name)?,
                    temporary: false,
                    unlogged: false,
                    if_not_exists: false,
                    columns,
                    constraints: Vec::new(),
                }))
            }
            S::CreateIndex(i) => self.create_index(i)?,
            S::CreateView(v) => self.create_view(v)?,
            S::AlterTable(t) => self.alter_table(t)?,
            S::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                purge: false,
                table: None,
                ..
            } => self.drop(object_type, *if_exists, names, *cascade)?,
            S::Truncate(t) => {
                if t.table_names.iter().any(|n| n.only || n.has_asterisk) || t.partitions.is_some()
                {
                    return Err(unsupported("TRUNCATE ONLY"));
                }
                Statement::Truncate(Box::new(Truncate {
                    tables: t
                        .table_names
                        .iter()
                        .map(|n| self.src.relation_name(&n.name))
                        .collect::<Result<_>>()?,
                    restart_identity: matches!(
                        t.identity,
                        Some(sp::TruncateIdentityOption::Restart)
                    ),
                    cascade: matches!(t.cascade, Some(sp::CascadeOption::Cascade)),
                }))
            }
            S::Comment {
                object_type,
                object_name: name,
                comment,
                if_exists: false,
            } => {
                let kind = match object_type {
                    sp::CommentObject::Table => ObjectKind::Table,
                    sp::CommentObject::Column => ObjectKind::Column,
                    sp::CommentObject::View => ObjectKind::View,
                    sp::CommentObject::Index => ObjectKind::Index,
                    sp::CommentObject::Sequence => ObjectKind::Sequence,
                    sp::CommentObject::Schema => ObjectKind::Schema,
                    sp::CommentObject::Database => ObjectKind::Database,
                    sp::CommentObject::Role | sp::CommentObject::User => ObjectKind::Role,
                    other => return Err(unsupported(format!("COMMENT ON {other}"))),
                };
                Statement::Comment(Box::new(Comment {
                    kind,
                    name: self.src.relation_name(name)?,
                    comment: comment.clone(),
                }))
            }
            S::CreateSchema {
                schema_name,
                if_not_exists,
                or_replace: false,
                ..
            } => {
                let (name, authorization) = match schema_name {
                    sp::SchemaName::Simple(n) => (single_name(n)?, None),
                    sp::SchemaName::UnnamedAuthorization(a) => (fold(a), Some(fold(a))),
                    sp::SchemaName::NamedAuthorization(n, a) => (single_name(n)?, Some(fold(a))),
                };
                Statement::CreateSchema {
                    name,
                    if_not_exists: *if_not_exists,
                    authorization,
                }
            }
            S::CreateDatabase {
                db_name,
                if_not_exists,
                ..
            } => Statement::CreateDatabase {
                name: single_name(db_name)?,
                if_not_exists: *if_not_exists,
                template: None,
                options: Default::default(),
            },
            S::CreateRole(r) => {
                let [name] = r.names.as_slice() else {
                    return Err(unsupported("creating several roles at once"));
                };
                let role = RoleStmt {
                    name: single_name(name)?,
                    options: self.role_options(r)?,
                };
                Statement::CreateRole { user: false, role }
            }
            S::AlterRole { name, operation } => self.alter_role(name, operation)?,
            S::CreateSequence {
                temporary,
                if_not_exists,
                name,
                data_type,
                sequence_options,
                owned_by,
            } => {
                let mut options = Vec::new();
                if let Some(t) = data_type {
                    options.push(SequenceOption::As(self.type_name(t)?));
                }
                options.extend(self.seq_options(sequence_options)?);
                if let Some(o) = owned_by {
                    let o = object_name(o)?;
                    let none = o.0.len() == 1 && o.0[0] == "none";
                    options.push(SequenceOption::OwnedBy((!none).then_some(o)));
                }
                Statement::CreateSequence(Box::new(CreateSequence {
                    name: self.src.relation_name(name)?,
                    temporary: *temporary,
                    if_not_exists: *if_not_exists,
                    options,
                }))
            }
            S::Grant(_) => Statement::Privileges {
                grant: true,
                text: self.text.to_string(),
            },
            S::Revoke(_) => Statement::Privileges {
                grant: false,
                text: self.text.to_string(),
            },
            S::StartTransaction {
                modes,
                begin,
                modifier: None,
                statements,
                exception: None,
                ..
            } if statements.is_empty() => Statement::Begin(TransactionModes {
                start: !begin,
                ..transaction_modes(modes)?
            }),
            S::Commit {
                chain,
                modifier: None,
                ..
            } => Statement::Commit { chain: *chain },
            S::Rollback {
                chain,
                savepoint: None,
            } => Statement::Rollback { chain: *chain },
            S::Rollback {
                chain: false,
                savepoint: Some(sp),
            } => Statement::RollbackTo(fold(sp)),
            S::Savepoint { name } => Statement::Savepoint(fold(name)),
            S::ReleaseSavepoint { name } => Statement::Release(fold(name)),
            S::Set(set) => self.set(set)?,
            S::Reset(r) => Statement::Reset(match &r.reset {
                sp::Reset::ALL => None,
                sp::Reset::ConfigurationParameter(n) => Some(object_name(n)?.0.join(".")),
                sp::Reset::SessionAuthorization => Some("session_authorization".into()),
            }),
            S::ShowVariable { variable } => Statement::Show(show_name(variable)),
            S::Explain {
                describe_alias: sp::DescribeAlias::Explain,
                analyze,
                verbose,
                statement,
                format,
                options,
                query_plan: false,
                estimate: false,
            } => {
                let mut opts = Vec::new();
                if *analyze {
                    opts.push(ExplainOption {
                        name: "analyze".into(),
                        value: None,
                    });
                }
                if *verbose {
                    opts.push(ExplainOption {
                        name: "verbose".into(),
                        value: None,
                    });
                }
                if let Some(f) = format {
                    let value = f.to_string().to_ascii_lowercase();
                    let value = value.trim_start_matches("format").trim().to_string();
                    opts.push(ExplainOption {
                        name: "format".into(),
                        value: Some(value),
                    });
                }
                for o in options.iter().flatten() {
                    let value = o.arg.as_ref().map(|e| self.option_word(e)).transpose()?;
                    opts.push(ExplainOption {
                        name: fold(&o.name),
                        value,
                    });
                }
                Statement::Explain {
                    options: opts,
                    statement: Box::new(self.statement(statement)?),
                }
            }
            S::Prepare {
                name,
                data_types,
                statement,
            } => Statement::Prepare {
                name: fold(name),
                param_types: data_types
                    .iter()
                    .map(|t| self.type_name(t))
                    .collect::<Result<_>>()?,
                statement: Box::new(self.statement(statement)?),
            },
            S::Execute {
                name: Some(name),
                parameters,
                immediate: false,
                into,
                using,
                ..
            } if into.is_empty() && using.is_empty() => Statement::Execute {
                name: single_name(name)?,
                params: self.exprs(parameters)?,
            },
            S::Deallocate { name, .. } => Statement::Deallocate(
                (!(name.quote_style.is_none() && name.value.eq_ignore_ascii_case("all")))
                    .then(|| fold(name)),
            ),
            S::Declare { stmts } => {
                let [d] = stmts.as_slice() else {
                    return Err(unsupported("this DECLARE"));
                };
                let (Some(query), [name]) = (&d.for_query, d.names.as_slice()) else {
                    return Err(unsupported("this DECLARE"));
                };
                // `d.sensitive` is sqlparser's reading of INSENSITIVE or
                // ASENSITIVE; PostgreSQL's cursors are insensitive either way.
                Statement::DeclareCursor(Box::new(DeclareCursor {
                    name: fold(name),
                    binary: d.binary == Some(true),
                    scroll: d.scroll,
                    hold: d.hold == Some(true),
                    query: Box::new(self.query(query)?),
                }))
            }
            S::Fetch {
                name,
                direction,
                into: None,
                ..
            } => Statement::Fetch {
                cursor: fold(name),
                direction: self.fetch_direction(direction)?,
                is_move: false,
            },
            S::Close { cursor } => Statement::Close(match cursor {
                sp::CloseCursor::All => None,
                sp::CloseCursor::Specific { name } => Some(fold(name)),
            }),
            S::LISTEN { channel } => Statement::Listen(fold(channel)),
            S::UNLISTEN { channel } => {
                Statement::Unlisten((channel.value != "*").then(|| fold(channel)))
            }
            S::NOTIFY { channel, payload } => Statement::Notify {
                channel: fold(channel),
                payload: payload.clone(),
            },
            S::Discard { object_type } => Statement::Discard(match object_type {
                sp::DiscardObject::ALL => DiscardTarget::All,
                sp::DiscardObject::PLANS => DiscardTarget::Plans,
                sp::DiscardObject::SEQUENCES => DiscardTarget::Sequences,
                sp::DiscardObject::TEMP => DiscardTarget::Temp,
            }),
            other => {
                let text = other.to_string();
                let words: Vec<&str> = text.split_whitespace().take(2).collect();
                return Err(unsupported(words.join(" ")));
            }
        })
    }

    /// A query statement; `WITH … INSERT/UPDATE/DELETE` arrives as a query
    /// whose body is the data-modifying statement.
    fn query_statement(&self, q: &sp::Query) -> Result<Statement> {
        let inner = match q.body.as_ref() {
            sp::SetExpr::Insert(s) | sp::SetExpr::Update(s) | sp::SetExpr::Delete(s) => s,
            _ => return Ok(Statement::Query(Box::new(self.query(q)?))),
        };
        let with = q.with.as_ref().map(|w| self.with(w)).transpose()?;
        let mut stmt = self.statement(inner)?;
        match &mut stmt {
            Statement::Insert(i) => i.with = with,
            Statement::Update(u) => u.with = with,
            Statement::Delete(d) => d.with = with,
            _ => return Err(unsupported("this WITH statement")),
        }
        Ok(stmt)
    }

    fn insert(&self, i: &sp::Insert) -> Result<Insert> {
        let sp::TableObject::TableName(name) = &i.table else {
            return Err(unsupported("INSERT INTO a function"));
        };
        if i.or.is_some()
            || i.ignore
            || i.overwrite
            || !i.assignments.is_empty()
            || i.partitioned.is_some()
            || !i.after_columns.is_empty()
            || i.replace_into
        {
            return Err(unsupported("this INSERT syntax"));
        }
        let on_conflict = match &i.on {
            None => None,
            Some(sp::OnInsert::OnConflict(oc)) => Some(OnConflict {
                target: match &oc.conflict_target {
                    None => None,
                    Some(sp::ConflictTarget::Columns(cols)) => {
                        Some(ConflictTarget::Columns(fold_all(cols)))
                    }
                    Some(sp::ConflictTarget::OnConstraint(n)) => {
                        Some(ConflictTarget::Constraint(single_name(n)?))
                    }
                },
                update: match &oc.action {
                    sp::OnConflictAction::DoNothing => None,
                    sp::OnConflictAction::DoUpdate(u) => Some(ConflictUpdate {
                        assignments: self.assignments(&u.assignments)?,
                        where_clause: u.selection.as_ref().map(|e| self.expr(e)).transpose()?,
                    }),
                },
            }),
            Some(_) => return Err(unsupported("ON DUPLICATE KEY UPDATE")),
        };
        Ok(Insert {
            with: None,
            table: self.src.relation_name(name)?,
            alias: i.table_alias.as_ref().map(|a| fold(&a.alias)),
            columns: i
                .columns
                .iter()
                .map(|c| Ok(self.src.relation_name(c)?.base().to_string()))
                .collect::<Result<_>>()?,
            source: i
                .source
                .as_ref()
                .map(|q| self.query(q).map(Box::new))
                .transpose()?,
            overriding: self.overriding,
            on_conflict,
            returning: self.returning(&i.returning)?,
        })
    }

    fn returning(&self, items: &Option<Vec<sp::SelectItem>>) -> Result<Vec<SelectItem>> {
        items
            .iter()
            .flatten()
            .map(|i| self.select_item(i))
            .collect()
    }

    fn assignments(&self, list: &[sp::Assignment]) -> Result<Vec<Assignment>> {
        list.iter()
            .map(|a| {
                let columns = match &a.target {
                    sp::AssignmentTarget::ColumnName(n) => vec![self.src.relation_name(n)?.0],
                    sp::AssignmentTarget::Tuple(ns) => ns
                        .iter()
                        .map(|n| Ok(self.src.relation_name(n)?.0))
                        .collect::<Result<_>>()?,
                };
                Ok(Assignment {
                    columns,
                    value: self.expr(&a.value)?,
                })
            })
            .collect()
    }

    /// The target table of UPDATE/DELETE: a plain name with an alias.
    fn target_table(&self, t: &sp::TableWithJoins) -> Result<(ObjectName, Option<String>)> {
        match (&t.relation, t.joins.is_empty()) {
            (
                sp::TableFactor::Table {
                    name,
                    alias,
                    args: None,
                    ..
                },
                true,
            ) => {
                if alias.as_ref().is_some_and(|a| !a.columns.is_empty()) {
                    return Err(unsupported("column aliases on the target table"));
                }
                Ok((
                    self.src.relation_name(name)?,
                    alias.as_ref().map(|a| fold(&a.name)),
                ))
            }
            _ => Err(unsupported("this target table")),
        }
    }

    fn update(&self, u: &sp::Update) -> Result<Update> {
        if u.or.is_some() || !u.order_by.is_empty() || u.limit.is_some() || u.output.is_some() {
            return Err(unsupported("this UPDATE syntax"));
        }
        let (table, alias) = self.target_table(&u.table)?;
        let from = match &u.from {
            None => Vec::new(),
            Some(sp::UpdateTableFromKind::AfterSet(f)) => self.table_refs(f)?,
            Some(sp::UpdateTableFromKind::BeforeSet(_)) => {
                return Err(unsupported("UPDATE … FROM before SET"))
            }
        };
        Ok(Update {
            with: None,
            table,
            alias,
            assignments: self.assignments(&u.assignments)?,
            from,
            where_clause: u.selection.as_ref().map(|e| self.expr(e)).transpose()?,
            current_of: None,
            returning: self.returning(&u.returning)?,
        })
    }

    fn delete(&self, d: &sp::Delete) -> Result<Delete> {
        if !d.tables.is_empty() || !d.order_by.is_empty() || d.limit.is_some() || d.output.is_some()
        {
            return Err(unsupported("this DELETE syntax"));
        }
        let tables = match &d.from {
            sp::FromTable::WithFromKeyword(t) => t,
            sp::FromTable::WithoutKeyword(_) => return Err(unsupported("DELETE without FROM")),
        };
        let [target] = tables.as_slice() else {
            return Err(unsupported("DELETE from several tables"));
        };
        let (table, alias) = self.target_table(target)?;
        Ok(Delete {
            with: None,
            table,
            alias,
            using: match &d.using {
                Some(u) => self.table_refs(u)?,
                None => Vec::new(),
            },
            where_clause: d.selection.as_ref().map(|e| self.expr(e)).transpose()?,
            current_of: None,
            returning: self.returning(&d.returning)?,
        })
    }

    fn set(&self, set: &sp::Set) -> Result<Statement> {
        Ok(match set {
            sp::Set::SingleAssignment {
                scope,
                hivevar: false,
                variable,
                values,
            } => {
                let local = matches!(scope, Some(sp::ContextModifier::Local));
                if matches!(scope, Some(sp::ContextModifier::Global)) {
                    return Err(unsupported("SET GLOBAL"));
                }
                let name = object_name(variable)?.0.join(".");
                let mut vals = Vec::new();
                for v in values {
                    match self.set_value(v)? {
                        SetValue::Default if values.len() == 1 => {}
                        v => vals.push(v),
                    }
                }
                Statement::Set {
                    local,
                    name,
                    values: vals,
                }
            }
            sp::Set::SetTimeZone { local, value } => {
                let v = self.set_value(value)?;
                let local_kw = matches!(&v, SetValue::Ident(s) if s == "local");
                let values = if local_kw || v == SetValue::Default {
                    vec![]
                } else {
                    vec![v]
                };
                Statement::Set {
                    local: *local,
                    name: "timezone".into(),
                    values,
                }
            }
            // Kept as the parameters `role` and `session_authorization`
            // (see `session/authorization.rs`).
            sp::Set::SetRole {
                context_modifier,
                role_name,
            } => Statement::Set {
                local: matches!(context_modifier, Some(sp::ContextModifier::Local)),
                name: "role".into(),
                values: vec![SetValue::Ident(
                    role_name.as_ref().map_or_else(|| "none".into(), fold),
                )],
            },
            sp::Set::SetSessionAuthorization(param) => Statement::Set {
                local: matches!(param.scope, sp::ContextModifier::Local),
                name: "session_authorization".into(),
                values: match &param.kind {
                    sp::SetSessionAuthorizationParamKind::Default => Vec::new(),
                    sp::SetSessionAuthorizationParamKind::User(name) => {
                        vec![SetValue::Ident(fold(name))]
                    }
                },
            },
            sp::Set::SetTransaction {
                modes,
                snapshot: None,
                session,
            } => Statement::SetTransaction {
                session: *session,
                modes: transaction_modes(modes)?,
            },
            _ => return Err(unsupported(format!("{set}"))),
        })
    }

    fn set_value(&self, e: &sp::Expr) -> Result<SetValue> {
        // Values are words, not column references: keywords such as `on`
        // or `all` are fine here.
        if let sp::Expr::Identifier(id) = e {
            if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("default") {
                return Ok(SetValue::Default);
            }
            return Ok(SetValue::Ident(fold(id)));
        }
        Ok(match self.expr(e)? {
            Expr::Default => SetValue::Default,
            Expr::Column { names, .. } => SetValue::Ident(names.join(".")),
            Expr::Literal {
                value: Literal::String(s),
                ..
            } => SetValue::String(s),
            Expr::Literal {
                value: Literal::Number(n),
                ..
            } => SetValue::Number(n),
            Expr::Literal {
                value: Literal::Boolean(b),
                ..
            } => SetValue::Ident(b.to_string()),
            _ => return Err(unsupported(format!("SET value {e}"))),
        })
    }

    /// An option value written as a word, string or number.
    fn option_word(&self, e: &sp::Expr) -> Result<String> {
        Ok(match self.set_value(e)? {
            SetValue::Ident(s) | SetValue::String(s) | SetValue::Number(s) => s,
            SetValue::Default => "default".into(),
        })
    }

    fn fetch_direction(&self, d: &sp::FetchDirection) -> Result<FetchDirection> {
        use sp::FetchDirection as F;
        let n = |v: &sp::ValueWithSpan| -> Result<i64> {
            v.value
                .to_string()
                .parse()
                .map_err(|_| unsupported("this FETCH count"))
        };
        Ok(match d {
            F::Count { limit } => FetchDirection::Forward(n(limit)?),
            F::Next => FetchDirection::Next,
            F::Prior => FetchDirection::Prior,
            F::First => FetchDirection::First,
            F::Last => FetchDirection::Last,
            F::Absolute { limit } => FetchDirection::Absolute(n(limit)?),
            F::Relative { limit } => FetchDirection::Relative(n(limit)?),
            F::All | F::ForwardAll => FetchDirection::ForwardAll,
            F::Forward { limit } => {
                FetchDirection::Forward(limit.as_ref().map(n).transpose()?.unwrap_or(1))
            }
            F::Backward { limit } => {
                FetchDirection::Backward(limit.as_ref().map(n).transpose()?.unwrap_or(1))
            }
            F::BackwardAll => FetchDirection::BackwardAll,
        })
    }

    fn alter_role(&self, name: &sp::Ident, op: &sp::AlterRoleOperation) -> Result<Statement> {
        Ok(match op {
            sp::AlterRoleOperation::RenameRole { role_name } => Statement::RenameRole {
                user: false,
                old: fold(name),
                new: fold(role_name),
            },
            sp::AlterRoleOperation::WithOptions { options } => {
                let mut out = Vec::new();
                for o in options {
                    out.push(match o {
                        sp::RoleOption::BypassRLS(b) => RoleOption::BypassRls(*b),
                        sp::RoleOption::ConnectionLimit(e) => {
                            RoleOption::ConnectionLimit(self.int_const(e)?)
                        }
                        sp::RoleOption::CreateDB(b) => RoleOption::CreateDb(*b),
                        sp::RoleOption::CreateRole(b) => RoleOption::CreateRole(*b),
                        sp::RoleOption::Inherit(b) => RoleOption::Inherit(*b),
                        sp::RoleOption::Login(b) => RoleOption::Login(*b),
                        sp::RoleOption::Password(p) => RoleOption::Password(self.password(p)?),
                        sp::RoleOption::Replication(b) => RoleOption::Replication(*b),
                        sp::RoleOption::SuperUser(b) => RoleOption::Superuser(*b),
                        sp::RoleOption::ValidUntil(e) => {
                            RoleOption::ValidUntil(self.string_const(e)?)
                        }
                    });
                }
                Statement::AlterRole {
                    user: false,
                    role: RoleStmt {
                        name: fold(name),
                        options: out,
                    },
                }
            }
            other => return Err(unsupported(format!("ALTER ROLE … {other}"))),
        })
    }
}

fn transaction_modes(modes: &[sp::TransactionMode]) -> Result<TransactionModes> {
    let mut out = TransactionModes::default();
    for m in modes {
        match m {
            sp::TransactionMode::AccessMode(a) => {
                out.read_only = Some(matches!(a, sp::TransactionAccessMode::ReadOnly))
            }
            sp::TransactionMode::IsolationLevel(l) => {
                out.isolation = Some(match l {
                    sp::TransactionIsolationLevel::ReadUncommitted => {
                        IsolationLevel::ReadUncommitted
                    }
                    sp::TransactionIsolationLevel::ReadCommitted => IsolationLevel::ReadCommitted,
                    sp::TransactionIsolationLevel::RepeatableRead => IsolationLevel::RepeatableRead,
                    sp::TransactionIsolationLevel::Serializable => IsolationLevel::Serializable,
                    sp::TransactionIsolationLevel::Snapshot => {
                        return Err(unsupported("ISOLATION LEVEL SNAPSHOT"))
                    }
                })
            }
        }
    }
    Ok(out)
}

/// PostgreSQL's names for the multi-word SHOW forms.
fn show_name(words: &[sp::Ident]) -> String {
    let joined = fold_all(words).join(" ");
    match joined.as_str() {
        "transaction isolation level" => "transaction_isolation".into(),
        "time zone" => "timezone".into(),
        "session authorization" => "session_authorization".into(),
        _ => joined.replace(' ', "."),
    }
}
