//! Data definition: tables, indexes, views, sequences, schemas, roles.

use super::{Expr, ObjectName, Query, SortBy, TypeName};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateTable {
    pub name: ObjectName,
    pub temporary: bool,
    pub unlogged: bool,
    pub if_not_exists: bool,
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<TableConstraint>,
}

/// `CREATE TABLE … AS query [WITH [NO] DATA]` and `SELECT … INTO`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateTableAs {
    pub name: ObjectName,
    pub temporary: bool,
    pub if_not_exists: bool,
    pub columns: Vec<String>,
    pub query: Box<Query>,
    pub with_data: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ColumnDef {
    pub name: String,
    pub type_name: TypeName,
    pub constraints: Vec<ColumnConstraint>,
}

/// A column constraint with its optional `CONSTRAINT name`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ColumnConstraint {
    pub name: Option<String>,
    pub kind: ColumnConstraintKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ColumnConstraintKind {
    Null,
    NotNull,
    Default(Expr),
    Check(Expr),
    PrimaryKey,
    Unique,
    References(ForeignKey),
    /// `GENERATED ALWAYS|BY DEFAULT AS IDENTITY [(sequence options)]`.
    Identity {
        always: bool,
        options: Vec<SequenceOption>,
    },
    /// `GENERATED ALWAYS AS (expr) STORED`.
    Generated(Expr),
    Collate(ObjectName),
}

/// The referencing end of a foreign key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ForeignKey {
    pub table: ObjectName,
    pub columns: Vec<String>,
    pub match_kind: Option<MatchKind>,
    pub on_delete: Option<ReferentialAction>,
    pub on_update: Option<ReferentialAction>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchKind {
    Full,
    Partial,
    Simple,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferentialAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableConstraint {
    pub name: Option<String>,
    pub kind: TableConstraintKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TableConstraintKind {
    PrimaryKey {
        columns: Vec<String>,
        include: Vec<String>,
    },
    Unique {
        columns: Vec<String>,
        include: Vec<String>,
        nulls_distinct: bool,
    },
    Check(Expr),
    ForeignKey {
        columns: Vec<String>,
        references: ForeignKey,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateIndex {
    pub name: Option<String>,
    pub table: ObjectName,
    pub unique: bool,
    pub concurrently: bool,
    pub if_not_exists: bool,
    pub method: Option<String>,
    /// Columns or expressions, each with its order and NULLS placement.
    pub columns: Vec<SortBy>,
    pub include: Vec<String>,
    pub predicate: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateView {
    pub name: ObjectName,
    pub or_replace: bool,
    pub temporary: bool,
    pub columns: Vec<String>,
    pub query: Box<Query>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CreateSequence {
    pub name: ObjectName,
    pub temporary: bool,
    pub if_not_exists: bool,
    pub options: Vec<SequenceOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AlterSequence {
    pub name: ObjectName,
    pub if_exists: bool,
    pub options: Vec<SequenceOption>,
}

/// Options of CREATE/ALTER SEQUENCE and of identity columns. Numbers are
/// kept as written (with their sign).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SequenceOption {
    As(TypeName),
    IncrementBy(String),
    /// `MINVALUE n`, or `NO MINVALUE` as `None`.
    MinValue(Option<String>),
    MaxValue(Option<String>),
    StartWith(String),
    /// `RESTART [WITH n]` (ALTER only).
    Restart(Option<String>),
    Cache(String),
    Cycle(bool),
    /// `OWNED BY t.c`, or `OWNED BY NONE` as `None`.
    OwnedBy(Option<ObjectName>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AlterTable {
    pub name: ObjectName,
    pub if_exists: bool,
    pub only: bool,
    pub actions: Vec<AlterTableAction>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AlterTableAction {
    AddColumn {
        if_not_exists: bool,
        column: ColumnDef,
    },
    DropColumn {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    RenameColumn {
        old: String,
        new: String,
    },
    RenameTable {
        new: String,
    },
    RenameConstraint {
        old: String,
        new: String,
    },
    SetDefault {
        column: String,
        default: Expr,
    },
    DropDefault {
        column: String,
    },
    SetNotNull {
        column: String,
    },
    DropNotNull {
        column: String,
    },
    SetType {
        column: String,
        type_name: TypeName,
        using: Option<Expr>,
    },
    AddConstraint {
        constraint: TableConstraint,
        not_valid: bool,
    },
    DropConstraint {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
}

/// The kind of object a `DROP` or `COMMENT ON` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKind {
    Table,
    View,
    Index,
    Sequence,
    Schema,
    Database,
    Role,
    Column,
    Type,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Drop {
    pub kind: ObjectKind,
    pub names: Vec<ObjectName>,
    pub if_exists: bool,
    pub cascade: bool,
    pub concurrently: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Truncate {
    pub tables: Vec<ObjectName>,
    pub restart_identity: bool,
    pub cascade: bool,
}

/// `COMMENT ON kind name IS 'text' | NULL`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Comment {
    pub kind: ObjectKind,
    pub name: ObjectName,
    pub comment: Option<String>,
}

/// CREATE ROLE/USER and ALTER ROLE/USER … WITH options.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RoleStmt {
    pub name: String,
    pub options: Vec<RoleOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RoleOption {
    /// `PASSWORD 'x'`, or `PASSWORD NULL` as `None`.
    Password(Option<String>),
    Login(bool),
    Superuser(bool),
    CreateDb(bool),
    CreateRole(bool),
    Inherit(bool),
    Replication(bool),
    BypassRls(bool),
    ConnectionLimit(i64),
    ValidUntil(String),
    /// `IN ROLE a, …` (CREATE only): the new role joins these.
    InRole(Vec<String>),
    /// `ROLE a, …` (CREATE only): these join the new role.
    Role(Vec<String>),
    /// `ADMIN a, …` (CREATE only): these join the new role with ADMIN OPTION.
    Admin(Vec<String>),
}

/// `GRANT role, … TO member, … [WITH ADMIN OPTION] [GRANTED BY g]` or
/// `REVOKE [ADMIN OPTION FOR] role, … FROM member, … [CASCADE|RESTRICT]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GrantRole {
    pub grant: bool,
    pub roles: Vec<String>,
    pub members: Vec<String>,
    /// GRANT: WITH ADMIN OPTION; REVOKE: only the admin option is revoked.
    pub admin_option: bool,
    pub granted_by: Option<String>,
}
