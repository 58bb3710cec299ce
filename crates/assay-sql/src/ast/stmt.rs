//! Statements: the root of the tree.

use super::{
    AlterSequence, AlterTable, Comment, CreateIndex, CreateSequence, CreateTable, CreateTableAs,
    CreateView, Drop, Expr, GrantRole, ObjectName, Query, RoleStmt, SelectItem, TableRef, Truncate,
    TypeName,
};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Statement {
    Query(Box<Query>),
    Insert(Box<Insert>),
    Update(Box<Update>),
    Delete(Box<Delete>),
    Copy(Box<Copy>),

    CreateTable(Box<CreateTable>),
    CreateTableAs(Box<CreateTableAs>),
    CreateIndex(Box<CreateIndex>),
    CreateView(Box<CreateView>),
    CreateSequence(Box<CreateSequence>),
    /// `CREATE TYPE name AS (field type, …)`: the fields as columns.
    CreateCompositeType(Box<CreateTable>),
    AlterSequence(Box<AlterSequence>),
    AlterTable(Box<AlterTable>),
    CreateSchema {
        name: String,
        if_not_exists: bool,
        authorization: Option<String>,
    },
    CreateDatabase {
        name: String,
        if_not_exists: bool,
        /// `TEMPLATE name`; other options (encoding, locale, owner, …)
        /// are checked by the parser and have nothing to change.
        template: Option<String>,
        /// `CONNECTION LIMIT`, `ALLOW_CONNECTIONS`.
        options: DatabaseOptions,
    },
    AlterDatabase {
        name: String,
        action: AlterDatabase,
    },
    CreateRole {
        user: bool,
        role: RoleStmt,
    },
    AlterRole {
        user: bool,
        role: RoleStmt,
    },
    RenameRole {
        user: bool,
        old: String,
        new: String,
    },
    /// `ALTER ROLE name|ALL [IN DATABASE d] SET …|RESET …`: a default for
    /// the role's sessions (`role` `None` is `ALL`; `action` is `Set` or
    /// `Reset`).
    AlterRoleSet {
        role: Option<String>,
        database: Option<String>,
        action: AlterDatabase,
    },
    /// Role membership: `GRANT role TO role`, `REVOKE role FROM role`.
    GrantRole(Box<GrantRole>),
    Drop(Box<Drop>),
    Truncate(Box<Truncate>),
    Comment(Box<Comment>),
    /// GRANT or REVOKE, kept as its text for now.
    Privileges {
        grant: bool,
        text: String,
    },

    /// `BEGIN` / `START TRANSACTION` with its modes.
    Begin(TransactionModes),
    /// `SET TRANSACTION …` (or `SET SESSION CHARACTERISTICS AS TRANSACTION …`).
    SetTransaction {
        session: bool,
        modes: TransactionModes,
    },
    Commit {
        chain: bool,
    },
    Rollback {
        chain: bool,
    },
    Savepoint(String),
    Release(String),
    RollbackTo(String),

    /// `SET [SESSION|LOCAL] name TO value, …`; `SET TIME ZONE v` is
    /// `timezone`; an empty value list means `DEFAULT`.
    Set {
        local: bool,
        name: String,
        values: Vec<SetValue>,
    },
    /// `RESET name`, or `RESET ALL` as `None`.
    Reset(Option<String>),
    /// `SHOW name` (`SHOW ALL` is `all`).
    Show(String),
    Explain {
        options: Vec<ExplainOption>,
        statement: Box<Statement>,
    },
    Analyze {
        verbose: bool,
        tables: Vec<ObjectName>,
    },
    Vacuum {
        options: Vec<String>,
        tables: Vec<ObjectName>,
    },
    Prepare {
        name: String,
        param_types: Vec<TypeName>,
        statement: Box<Statement>,
    },
    Execute {
        name: String,
        params: Vec<Expr>,
    },
    /// `DEALLOCATE name`, or `DEALLOCATE ALL` as `None`.
    Deallocate(Option<String>),
    DeclareCursor(Box<DeclareCursor>),
    /// FETCH or MOVE.
    Fetch {
        cursor: String,
        direction: FetchDirection,
        is_move: bool,
    },
    /// `CLOSE name`, or `CLOSE ALL` as `None`.
    Close(Option<String>),
    Listen(String),
    Notify {
        channel: String,
        payload: Option<String>,
    },
    /// `UNLISTEN name`, or `UNLISTEN *` as `None`.
    Unlisten(Option<String>),
    Discard(DiscardTarget),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Insert {
    pub with: Option<super::With>,
    pub table: ObjectName,
    pub alias: Option<String>,
    pub columns: Vec<String>,
    /// The rows: a VALUES list or a query. `None` is `DEFAULT VALUES`.
    pub source: Option<Box<Query>>,
    pub on_conflict: Option<OnConflict>,
    pub returning: Vec<SelectItem>,
    /// `OVERRIDING { SYSTEM | USER } VALUE`.
    pub overriding: Option<Overriding>,
}

/// Whose values an INSERT keeps for identity columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Overriding {
    /// `OVERRIDING SYSTEM VALUE`: the given values, even for a column
    /// `GENERATED ALWAYS`.
    System,
    /// `OVERRIDING USER VALUE`: the sequence's values; the given ones are
    /// ignored.
    User,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OnConflict {
    pub target: Option<ConflictTarget>,
    /// `None` is `DO NOTHING`.
    pub update: Option<ConflictUpdate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConflictTarget {
    Columns(Vec<String>),
    Constraint(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConflictUpdate {
    pub assignments: Vec<Assignment>,
    pub where_clause: Option<Expr>,
}

/// `col = value` or `(a, b) = (…)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Assignment {
    /// One name, or several for the `(a, b) = …` form. A name may carry a
    /// field or subscript path, kept as written (`a.b`).
    pub columns: Vec<Vec<String>>,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Update {
    pub with: Option<super::With>,
    pub table: ObjectName,
    pub alias: Option<String>,
    pub assignments: Vec<Assignment>,
    pub from: Vec<TableRef>,
    pub where_clause: Option<Expr>,
    /// `WHERE CURRENT OF cursor` (then `where_clause` is `None`).
    pub current_of: Option<String>,
    pub returning: Vec<SelectItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Delete {
    pub with: Option<super::With>,
    pub table: ObjectName,
    pub alias: Option<String>,
    pub using: Vec<TableRef>,
    pub where_clause: Option<Expr>,
    /// `WHERE CURRENT OF cursor` (then `where_clause` is `None`).
    pub current_of: Option<String>,
    pub returning: Vec<SelectItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Copy {
    pub source: CopySource,
    /// `true` for `COPY … TO`, `false` for `COPY … FROM`.
    pub to: bool,
    pub target: CopyTarget,
    pub options: Vec<CopyOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CopySource {
    Table {
        name: ObjectName,
        columns: Vec<String>,
    },
    Query(Box<Query>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CopyTarget {
    Stdio,
    File(String),
    Program(String),
}

/// A COPY option in the new syntax, `name value`; the old syntax
/// (`CSV HEADER DELIMITER ','`) is translated into the same form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CopyOption {
    pub name: String,
    pub value: Option<CopyOptionValue>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CopyOptionValue {
    String(String),
    Bool(bool),
    Columns(Vec<String>),
    /// `*`, as in `FORCE_QUOTE *`.
    Star,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct TransactionModes {
    pub isolation: Option<IsolationLevel>,
    /// `Some(true)` for READ ONLY.
    pub read_only: Option<bool>,
    pub deferrable: Option<bool>,
    /// Written `START TRANSACTION` rather than `BEGIN` (the command tag
    /// says which).
    pub start: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    ReadUncommitted,
    ReadCommitted,
    RepeatableRead,
    Serializable,
}

/// What `ALTER DATABASE name …` does.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AlterDatabase {
    /// `SET name TO value` (an empty list is `DEFAULT`): a default for the
    /// database's new sessions.
    Set {
        name: String,
        values: Vec<SetValue>,
    },
    /// `RESET name`, or `RESET ALL` as `None`.
    Reset(Option<String>),
    RenameTo(String),
    /// `CONNECTION LIMIT` and `ALLOW_CONNECTIONS` (a server records them);
    /// `OWNER TO` and `IS_TEMPLATE` are accepted and change nothing.
    Options(DatabaseOptions),
}

/// The options of `CREATE DATABASE` and `ALTER DATABASE` that a server
/// keeps for `pg_database` and enforces at login; `None`: not given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DatabaseOptions {
    /// `CONNECTION LIMIT n` (-1: none).
    pub connection_limit: Option<i32>,
    /// `ALLOW_CONNECTIONS b`.
    pub allow_connections: Option<bool>,
}

/// A value of `SET`: a word, a string or a number, as written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SetValue {
    Ident(String),
    String(String),
    Number(String),
    /// `SET TIME ZONE LOCAL` / `DEFAULT`.
    Default,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExplainOption {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DeclareCursor {
    pub name: String,
    pub binary: bool,
    pub scroll: Option<bool>,
    pub hold: bool,
    pub query: Box<Query>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FetchDirection {
    Next,
    Prior,
    First,
    Last,
    Absolute(i64),
    Relative(i64),
    /// `FETCH n` / `FORWARD n`.
    Forward(i64),
    ForwardAll,
    Backward(i64),
    BackwardAll,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiscardTarget {
    All,
    Plans,
    Sequences,
    Temp,
}
