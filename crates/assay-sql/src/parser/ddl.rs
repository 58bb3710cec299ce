//! sqlparser DDL → Assay's DDL nodes.

use assay_storage::{err, Result, SqlState};
use sqlparser::ast::{self as sp, AlterColumnOperation, AlterTableOperation, ColumnOption};

use super::source::{fold, fold_all, object_name, single_name, unsupported};
use super::Tr;
use crate::ast::*;

impl Tr<'_> {
    pub fn create_table(&self, t: &sp::CreateTable) -> Result<Statement> {
        if t.or_replace
            || t.external
            || t.like.is_some()
            || t.clone.is_some()
            || t.inherits.is_some()
            || t.partition_of.is_some()
            || t.partition_by.is_some()
            || t.on_commit.is_some()
            || t.global.is_some()
            || t.comment.is_some()
            || !matches!(
                t.table_options,
                sp::CreateTableOptions::None | sp::CreateTableOptions::With(_)
            )
            || (t.unlogged && t.query.is_some())
        {
            return Err(unsupported("this CREATE TABLE syntax"));
        }
        if let sp::CreateTableOptions::With(options) = &t.table_options {
            super::storage_params::check(options)?;
        }
        let name = self.src.relation_name(&t.name)?;
        if let Some(q) = &t.query {
            let columns = t.columns.iter().map(|c| fold(&c.name)).collect();
            return Ok(Statement::CreateTableAs(Box::new(CreateTableAs {
                name,
                temporary: t.temporary,
                if_not_exists: t.if_not_exists,
                columns,
                query: Box::new(self.query(q)?),
                with_data: t.with_data.as_ref().is_none_or(|w| w.data),
            })));
        }
        let mut columns = Vec::new();
        for c in &t.columns {
            columns.push(self.column_def(c)?);
        }
        let mut constraints = Vec::new();
        for c in &t.constraints {
            constraints.push(self.table_constraint(c)?);
        }
        Ok(Statement::CreateTable(Box::new(CreateTable {
            name,
            temporary: t.temporary,
            unlogged: t.unlogged,
            if_not_exists: t.if_not_exists,
            columns,
            constraints,
        })))
    }

    pub fn column_def(&self, c: &sp::ColumnDef) -> Result<ColumnDef> {
        let mut constraints = Vec::new();
        for opt in &c.options {
            let name = opt.name.as_ref().map(fold);
            let kind = match &opt.option {
                ColumnOption::Null => ColumnConstraintKind::Null,
                ColumnOption::NotNull => ColumnConstraintKind::NotNull,
                ColumnOption::Default(e) => ColumnConstraintKind::Default(self.expr(e)?),
                ColumnOption::Check(ck) => ColumnConstraintKind::Check(self.expr(&ck.expr)?),
                ColumnOption::PrimaryKey(_) => ColumnConstraintKind::PrimaryKey,
                ColumnOption::Unique(_) => ColumnConstraintKind::Unique,
                ColumnOption::ForeignKey(fk) => {
                    ColumnConstraintKind::References(self.foreign_key(fk)?)
                }
                ColumnOption::Collation(n) => ColumnConstraintKind::Collate(object_name(n)?),
                ColumnOption::Generated {
                    generated_as,
                    sequence_options,
                    generation_expr,
                    ..
                } => match (generated_as, generation_expr) {
                    (_, Some(e)) => ColumnConstraintKind::Generated(self.expr(e)?),
                    (sp::GeneratedAs::Always, None) | (sp::GeneratedAs::ByDefault, None) => {
                        ColumnConstraintKind::Identity {
                            always: matches!(generated_as, sp::GeneratedAs::Always),
                            options: self
                                .seq_options(sequence_options.as_deref().unwrap_or(&[]))?,
                        }
                    }
                    _ => return Err(unsupported("this GENERATED column")),
                },
                other => return Err(unsupported(format!("column option {other}"))),
            };
            constraints.push(ColumnConstraint { name, kind });
        }
        Ok(ColumnDef {
            name: fold(&c.name),
            type_name: self.type_name(&c.data_type)?,
            constraints,
        })
    }

    fn foreign_key(&self, fk: &sp::ForeignKeyConstraint) -> Result<ForeignKey> {
        Ok(ForeignKey {
            table: self.src.relation_name(&fk.foreign_table)?,
            columns: fold_all(&fk.referred_columns),
            match_kind: fk.match_kind.as_ref().map(|m| match m {
                sp::ConstraintReferenceMatchKind::Full => MatchKind::Full,
                sp::ConstraintReferenceMatchKind::Partial => MatchKind::Partial,
                sp::ConstraintReferenceMatchKind::Simple => MatchKind::Simple,
            }),
            on_delete: fk.on_delete.as_ref().map(referential_action),
            on_update: fk.on_update.as_ref().map(referential_action),
        })
    }

    fn index_columns(&self, cols: &[sp::IndexColumn]) -> Result<Vec<String>> {
        cols.iter()
            .map(|c| match &c.column.expr {
                sp::Expr::Identifier(id) if c.operator_class.is_none() => Ok(fold(id)),
                other => Err(unsupported(format!("constraint column {other}"))),
            })
            .collect()
    }

    pub fn table_constraint(&self, c: &sp::TableConstraint) -> Result<TableConstraint> {
        use sp::TableConstraint as C;
        let (name, kind) = match c {
            C::PrimaryKey(pk) => (
                pk.name.as_ref(),
                TableConstraintKind::PrimaryKey {
                    columns: self.index_columns(&pk.columns)?,
                    include: fold_all(&pk.include),
                },
            ),
            C::Unique(u) => (
                u.name.as_ref(),
                TableConstraintKind::Unique {
                    columns: self.index_columns(&u.columns)?,
                    include: fold_all(&u.include),
                    nulls_distinct: !matches!(
                        u.nulls_distinct,
                        sp::NullsDistinctOption::NotDistinct
                    ),
                },
            ),
            C::Check(ck) => (
                ck.name.as_ref(),
                TableConstraintKind::Check(self.expr(&ck.expr)?),
            ),
            C::ForeignKey(fk) => (
                fk.name.as_ref(),
                TableConstraintKind::ForeignKey {
                    columns: fold_all(&fk.columns),
                    references: self.foreign_key(fk)?,
                },
            ),
            other => return Err(unsupported(format!("constraint {other}"))),
        };
        Ok(TableConstraint {
            name: name.map(fold),
            kind,
        })
    }

    pub fn seq_options(&self, opts: &[sp::SequenceOptions]) -> Result<Vec<SequenceOption>> {
        let num = |e: &sp::Expr| -> Result<String> {
            match self.expr(e)? {
                Expr::Literal {
                    value: Literal::Number(n),
                    ..
                } => Ok(n),
                _ => Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "syntax error at or near \"{e}\""
                )),
            }
        };
        opts.iter()
            .map(|o| {
                Ok(match o {
                    sp::SequenceOptions::IncrementBy(e, _) => SequenceOption::IncrementBy(num(e)?),
                    sp::SequenceOptions::MinValue(e) => {
                        SequenceOption::MinValue(e.as_ref().map(num).transpose()?)
                    }
                    sp::SequenceOptions::MaxValue(e) => {
                        SequenceOption::MaxValue(e.as_ref().map(num).transpose()?)
                    }
                    sp::SequenceOptions::StartWith(e, _) => SequenceOption::StartWith(num(e)?),
                    sp::SequenceOptions::Cache(e) => SequenceOption::Cache(num(e)?),
                    sp::SequenceOptions::Cycle(no) => SequenceOption::Cycle(!no),
                })
            })
            .collect()
    }

    pub fn create_index(&self, c: &sp::CreateIndex) -> Result<Statement> {
        if !c.with.is_empty()
            || c.nulls_distinct.is_some()
            || !c.index_options.is_empty()
            || !c.alter_options.is_empty()
        {
            return Err(unsupported("this CREATE INDEX option"));
        }
        let mut columns = Vec::new();
        for col in &c.columns {
            if col.operator_class.is_some() {
                return Err(unsupported("operator classes"));
            }
            columns.push(self.sort_by(&col.column)?);
        }
        Ok(Statement::CreateIndex(Box::new(CreateIndex {
            name: c.name.as_ref().map(single_name).transpose()?,
            table: self.src.relation_name(&c.table_name)?,
            unique: c.unique,
            concurrently: c.concurrently,
            if_not_exists: c.if_not_exists,
            method: c.using.as_ref().map(|m| m.to_string().to_ascii_lowercase()),
            columns,
            include: fold_all(&c.include),
            predicate: c.predicate.as_ref().map(|e| self.expr(e)).transpose()?,
        })))
    }

    pub fn create_view(&self, v: &sp::CreateView) -> Result<Statement> {
        if v.materialized || v.or_alter || v.if_not_exists || v.params.is_some() {
            return Err(unsupported("this CREATE VIEW syntax"));
        }
        Ok(Statement::CreateView(Box::new(CreateView {
            name: self.src.relation_name(&v.name)?,
            or_replace: v.or_replace,
            temporary: v.temporary,
            columns: v.columns.iter().map(|c| fold(&c.name)).collect(),
            query: Box::new(self.query(&v.query)?),
        })))
    }

    pub fn alter_table(&self, t: &sp::AlterTable) -> Result<Statement> {
        let mut actions = Vec::new();
        for op in &t.operations {
            actions.push(self.alter_action(op)?);
        }
        Ok(Statement::AlterTable(Box::new(AlterTable {
            name: self.src.relation_name(&t.name)?,
            if_exists: t.if_exists,
            only: t.only,
            actions,
        })))
    }

    fn alter_action(&self, op: &AlterTableOperation) -> Result<AlterTableAction> {
        use AlterTableAction as A;
        let cascade = |b: &Option<sp::DropBehavior>| matches!(b, Some(sp::DropBehavior::Cascade));
        Ok(match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                column_position: None,
                ..
            } => A::AddColumn {
                if_not_exists: *if_not_exists,
                column: self.column_def(column_def)?,
            },
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                drop_behavior,
                ..
            } if column_names.len() == 1 => A::DropColumn {
                name: fold(&column_names[0]),
                if_exists: *if_exists,
                cascade: cascade(drop_behavior),
            },
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => A::RenameColumn {
                old: fold(old_column_name),
                new: fold(new_column_name),
            },
            AlterTableOperation::RenameTable { table_name } => {
                let name = match table_name {
                    sp::RenameTableNameKind::To(n) | sp::RenameTableNameKind::As(n) => n,
                };
                A::RenameTable {
                    new: single_name(name)?,
                }
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => A::RenameConstraint {
                old: fold(old_name),
                new: fold(new_name),
            },
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => A::AddConstraint {
                constraint: self.table_constraint(constraint)?,
                not_valid: *not_valid,
            },
            AlterTableOperation::DropConstraint {
                if_exists,
                name,
                drop_behavior,
            } => A::DropConstraint {
                name: fold(name),
                if_exists: *if_exists,
                cascade: cascade(drop_behavior),
            },
            AlterTableOperation::AlterColumn { column_name, op } => {
                let column = fold(column_name);
                match op {
                    AlterColumnOperation::SetNotNull => A::SetNotNull { column },
                    AlterColumnOperation::DropNotNull => A::DropNotNull { column },
                    AlterColumnOperation::SetDefault { value } => A::SetDefault {
                        column,
                        default: self.expr(value)?,
                    },
                    AlterColumnOperation::DropDefault => A::DropDefault { column },
                    AlterColumnOperation::SetDataType {
                        data_type, using, ..
                    } => A::SetType {
                        column,
                        type_name: self.type_name(data_type)?,
                        using: using.as_ref().map(|e| self.expr(e)).transpose()?,
                    },
                    AlterColumnOperation::AddGenerated { .. } => {
                        return Err(unsupported("ALTER COLUMN … ADD GENERATED"))
                    }
                }
            }
            other => return Err(unsupported(format!("ALTER TABLE … {other}"))),
        })
    }

    pub fn drop(
        &self,
        object_type: &sp::ObjectType,
        if_exists: bool,
        names: &[sp::ObjectName],
        cascade: bool,
    ) -> Result<Statement> {
        let kind = match object_type {
            sp::ObjectType::Table => ObjectKind::Table,
            sp::ObjectType::View => ObjectKind::View,
            sp::ObjectType::Index => ObjectKind::Index,
            sp::ObjectType::Sequence => ObjectKind::Sequence,
            sp::ObjectType::Schema => ObjectKind::Schema,
            sp::ObjectType::Database => ObjectKind::Database,
            sp::ObjectType::Role | sp::ObjectType::User => ObjectKind::Role,
            sp::ObjectType::Type => ObjectKind::Type,
            other => return Err(unsupported(format!("DROP {other}"))),
        };
        Ok(Statement::Drop(Box::new(Drop {
            kind,
            names: names
                .iter()
                .map(|n| self.src.relation_name(n))
                .collect::<Result<_>>()?,
            if_exists,
            cascade,
            concurrently: false,
        })))
    }

    pub fn role_options(&self, r: &sp::CreateRole) -> Result<Vec<RoleOption>> {
        if !r.in_role.is_empty()
            || !r.in_group.is_empty()
            || !r.role.is_empty()
            || !r.user.is_empty()
            || !r.admin.is_empty()
            || r.authorization_owner.is_some()
        {
            return Err(unsupported("role membership options"));
        }
        let mut out = Vec::new();
        if let Some(p) = &r.password {
            out.push(RoleOption::Password(self.password(p)?));
        }
        let flags = [
            (r.login, RoleOption::Login as fn(bool) -> RoleOption),
            (r.superuser, RoleOption::Superuser),
            (r.create_db, RoleOption::CreateDb),
            (r.create_role, RoleOption::CreateRole),
            (r.inherit, RoleOption::Inherit),
            (r.replication, RoleOption::Replication),
            (r.bypassrls, RoleOption::BypassRls),
        ];
        for (flag, make) in flags {
            if let Some(b) = flag {
                out.push(make(b));
            }
        }
        if let Some(e) = &r.connection_limit {
            out.push(RoleOption::ConnectionLimit(self.int_const(e)?));
        }
        if let Some(e) = &r.valid_until {
            out.push(RoleOption::ValidUntil(self.string_const(e)?));
        }
        Ok(out)
    }

    pub fn password(&self, p: &sp::Password) -> Result<Option<String>> {
        match p {
            sp::Password::Password(e) => Ok(Some(self.string_const(e)?)),
            sp::Password::NullPassword => Ok(None),
        }
    }

    pub fn string_const(&self, e: &sp::Expr) -> Result<String> {
        match self.expr(e)? {
            Expr::Literal {
                value: Literal::String(s),
                ..
            } => Ok(s),
            _ => Err(err!(
                SqlState::SYNTAX_ERROR,
                "syntax error at or near \"{e}\""
            )),
        }
    }

    pub fn int_const(&self, e: &sp::Expr) -> Result<i64> {
        match self.expr(e)? {
            Expr::Literal {
                value: Literal::Number(n),
                ..
            } => n
                .parse()
                .map_err(|_| err!(SqlState::SYNTAX_ERROR, "syntax error at or near \"{n}\"")),
            _ => Err(err!(
                SqlState::SYNTAX_ERROR,
                "syntax error at or near \"{e}\""
            )),
        }
    }
}

fn referential_action(a: &sp::ReferentialAction) -> ReferentialAction {
    match a {
        sp::ReferentialAction::Restrict => ReferentialAction::Restrict,
        sp::ReferentialAction::Cascade => ReferentialAction::Cascade,
        sp::ReferentialAction::SetNull => ReferentialAction::SetNull,
        sp::ReferentialAction::NoAction => ReferentialAction::NoAction,
        sp::ReferentialAction::SetDefault => ReferentialAction::SetDefault,
    }
}

/// An identity column's sequence options (`GENERATED … AS IDENTITY (START
/// WITH 10 INCREMENT BY 5)`) put in the one order sqlparser reads them in
/// (increment, minvalue, maxvalue, start, cache, cycle); PostgreSQL takes
/// them in any order. `rest` follows the `IDENTITY` keyword. Returns the
/// parenthesized options reordered and how many non-whitespace tokens they
/// replace, or `None` to leave the tokens as they are (no options, already
/// in order, or an option this order does not know, which sqlparser then
/// reports).
pub(super) fn identity_options_in_order(
    rest: &[sqlparser::tokenizer::TokenWithSpan],
) -> Option<(Vec<sqlparser::tokenizer::TokenWithSpan>, usize)> {
    use sqlparser::tokenizer::{Token, Whitespace};
    let mut tokens = rest
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)));
    let open = tokens.next().filter(|t| t.token == Token::LParen)?;
    // Each option: its rank in sqlparser's order and its tokens.
    let mut options: Vec<(usize, Vec<&sqlparser::tokenizer::TokenWithSpan>)> = Vec::new();
    let mut close = None;
    for t in tokens.by_ref() {
        if t.token == Token::RParen {
            close = Some(t);
            break;
        }
        let rank = match &t.token {
            Token::Word(w) if w.quote_style.is_none() => {
                match w.value.to_ascii_lowercase().as_str() {
                    "increment" => Some(0),
                    "minvalue" => Some(1),
                    "maxvalue" => Some(2),
                    "start" => Some(3),
                    "cache" => Some(4),
                    "cycle" => Some(5),
                    "no" => Some(usize::MAX),
                    "by" | "with" => None,
                    _ => return None,
                }
            }
            Token::Number(..) | Token::Minus | Token::Plus => None,
            _ => return None,
        };
        match (rank, options.last_mut()) {
            // `NO MINVALUE`, `NO MAXVALUE`, `NO CYCLE`: one option.
            (Some(r), Some(last)) if last.1.len() == 1 && last.0 == usize::MAX => {
                last.0 = r;
                last.1.push(t);
            }
            (Some(r), _) => options.push((r, vec![t])),
            (None, Some(last)) => last.1.push(t),
            (None, None) => return None,
        }
    }
    let close = close?;
    if options.is_sorted_by_key(|o| o.0) {
        return None;
    }
    let consumed = 2 + options.iter().map(|o| o.1.len()).sum::<usize>();
    options.sort_by_key(|o| o.0);
    let space = |at: &sqlparser::tokenizer::TokenWithSpan| sqlparser::tokenizer::TokenWithSpan {
        token: Token::Whitespace(Whitespace::Space),
        span: at.span,
    };
    let mut out = vec![open.clone()];
    for (_, option) in &options {
        for t in option {
            out.push(space(t));
            out.push((*t).clone());
        }
    }
    out.push(space(close));
    out.push(close.clone());
    Some((out, consumed))
}
