//! What system relations and catalog functions read: the statement's
//! catalog snapshot and the session — and the name ↔ OID conversions of
//! the `reg*` types built on them.

use assay_storage::{err, Result, SqlState};

use crate::catalog::{undefined_relation, Catalog, Oid, RelRef, SearchPath};
use crate::types::{DataType, RegKind};

/// The bootstrap superuser's OID, as in PostgreSQL.
pub const SUPERUSER_OID: Oid = 10;
/// `pg_database_owner`, the role that owns `public` in PostgreSQL 15.
pub const DATABASE_OWNER_ROLE: Oid = 6171;

/// The session as system relations see it.
pub struct SystemContext<'a> {
    pub catalog: &'a Catalog,
    pub path: &'a SearchPath,
    /// The session's settings (`pg_settings`), when there is a session.
    pub settings: Option<&'a crate::session::SessionSettings>,
    pub database: &'a str,
    /// The engine, which knows the databases beside this one.
    pub engine: Option<&'a crate::session::Engine>,
    /// `current_user`.
    pub user: &'a str,
    /// `session_user`.
    pub session_user: &'a str,
    /// `pg_backend_pid()`.
    pub pid: i32,
    /// When the session started (µs since 2000-01-01 UTC).
    pub backend_start: i64,
    /// The session's notifications and advisory locks, when there is a
    /// session.
    pub backend: Option<&'a crate::session::Backend>,
    /// The session's prepared statements and cursors.
    pub portals: Option<&'a dyn super::SessionPortals>,
    /// Where `set_config` leaves changes for the session to apply after
    /// the statement; absent where settings cannot change.
    pub setting_changes: Option<&'a std::cell::RefCell<Vec<crate::functions::SettingChange>>>,
}

/// Where a relation OID points.
pub(crate) enum RelationAt<'c> {
    Table(&'c crate::catalog::Table),
    Index(&'c crate::catalog::Table, &'c crate::catalog::Index),
    Sequence(&'c crate::catalog::Sequence),
    System(&'static super::SystemRelation),
}

impl RelationAt<'_> {
    pub(crate) fn schema(&self) -> Oid {
        match self {
            RelationAt::Table(t) | RelationAt::Index(t, _) => t.schema,
            RelationAt::Sequence(s) => s.schema,
            RelationAt::System(r) => r.schema,
        }
    }

    pub(crate) fn name(&self) -> &str {
        match self {
            RelationAt::Table(t) => &t.name,
            RelationAt::Index(_, i) => &i.name,
            RelationAt::Sequence(s) => &s.name,
            RelationAt::System(r) => r.name,
        }
    }
}

/// Quotes an identifier when PostgreSQL's `quote_ident` would.
pub fn quote_ident(name: &str) -> String {
    crate::ast::Ident(name).to_string()
}

/// Splits `a.b` / `"A"."b"` into identifiers, folding unquoted ones to
/// lower case as the parser does.
pub(crate) fn split_qualified(text: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut chars = text.trim().chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    '"' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                part.push(c.to_ascii_lowercase());
                chars.next();
            }
            part = part.trim().to_string();
        }
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        match chars.next() {
            None => return Some(parts),
            Some('.') => {}
            Some(_) => return None,
        }
    }
}

impl<'a> SystemContext<'a> {
    /// A context without a session (tests, and catalog functions called
    /// where no session is at hand).
    pub fn new(catalog: &'a Catalog, path: &'a SearchPath) -> SystemContext<'a> {
        SystemContext {
            catalog,
            path,
            settings: None,
            database: "postgres",
            engine: None,
            user: "postgres",
            session_user: "postgres",
            pid: 0,
            backend_start: 0,
            backend: None,
            portals: None,
            setting_changes: None,
        }
    }

    /// The current database's OID.
    pub(crate) fn database_oid(&self) -> Oid {
        crate::session::database_oid(self.database)
    }

    /// Every database `pg_database` lists.
    pub(crate) fn databases(&self) -> Vec<crate::session::DatabaseEntry> {
        match self.engine {
            Some(e) => e.databases(self.database),
            None => vec![crate::session::DatabaseEntry::named(self.database)],
        }
    }

    /// A role's name by OID (`pg_database_owner` included).
    pub(crate) fn role_name(&self, oid: Oid) -> Option<String> {
        if oid == DATABASE_OWNER_ROLE {
            return Some("pg_database_owner".to_string());
        }
        self.catalog.roles().get(oid).map(|r| r.name.clone())
    }

    /// The OID of the current role.
    pub(crate) fn user_oid(&self) -> Oid {
        self.role_oid(self.user)
    }

    /// The OID of the role called `name` (the bootstrap superuser's when
    /// there is none: a catalog without roles).
    pub(crate) fn role_oid(&self, name: &str) -> Oid {
        self.catalog
            .roles()
            .by_name(name)
            .map_or(SUPERUSER_OID, |r| r.oid)
    }

    pub(crate) fn schema_name(&self, oid: Oid) -> Option<&str> {
        self.catalog.schema(oid).map(|s| s.name.as_str())
    }

    /// The table, index, sequence or system relation with this OID.
    pub(crate) fn relation(&self, oid: Oid) -> Option<RelationAt<'a>> {
        let c = self.catalog;
        if let Some(t) = c.table(oid) {
            return Some(RelationAt::Table(t));
        }
        if let Some(s) = c.sequence(oid) {
            return Some(RelationAt::Sequence(s));
        }
        if let Some(r) = super::relation_by_oid(oid) {
            return Some(RelationAt::System(r));
        }
        c.tables()
            .find_map(|t| t.index(oid).map(|i| RelationAt::Index(t, i)))
    }

    /// Whether an unqualified `name` finds the relation `oid` in `schema`
    /// (`pg_table_is_visible`).
    pub(crate) fn relation_visible(&self, schema: Oid, name: &str, oid: Oid) -> bool {
        for s in self.catalog.search_order(self.path) {
            if let Some(r) = super::relation_named(s, name) {
                return r.oid == oid;
            }
            if let Some(r) = self.catalog.relation_in(s, name) {
                let found = match r {
                    RelRef::Table(o) | RelRef::Sequence(o) | RelRef::Index(_, o) => o,
                };
                return found == oid && s == schema;
            }
        }
        false
    }

    /// A relation's name as `regclass` prints it: qualified unless visible.
    pub fn relation_display(&self, oid: Oid) -> Option<String> {
        let rel = self.relation(oid)?;
        let (schema, name) = (rel.schema(), rel.name().to_string());
        if self.relation_visible(schema, &name, oid) {
            return Some(quote_ident(&name));
        }
        let nsp = self.schema_name(schema).unwrap_or("?");
        Some(format!("{}.{}", quote_ident(nsp), quote_ident(&name)))
    }

    /// The name of the row type with this OID (a composite type's, a
    /// table's or a view's), qualified when not visible.
    pub fn row_type_name(&self, oid: Oid) -> Option<String> {
        let t = self.catalog.table(oid)?;
        if self.relation_visible(t.schema, &t.name, oid) {
            return Some(quote_ident(&t.name));
        }
        let nsp = self.schema_name(t.schema).unwrap_or("?");
        Some(format!("{}.{}", quote_ident(nsp), quote_ident(&t.name)))
    }

    /// The text a `reg*` value of this OID prints as (the number when no
    /// object has it, as PostgreSQL prints dangling OIDs).
    pub fn reg_out(&self, kind: RegKind, oid: Oid) -> String {
        if oid == 0 {
            return "-".to_string();
        }
        let name = match kind {
            RegKind::Class => self.relation_display(oid),
            RegKind::Type => super::pg_type::type_by_oid(oid)
                .map(|t| t.to_string())
                .or_else(|| self.row_type_name(oid)),
            RegKind::Namespace => self.schema_name(oid).map(quote_ident),
            RegKind::Role => self.role_name(oid),
            // An overloaded name is shown qualified, as `regprocout` does.
            RegKind::Proc => super::pg_proc::proc_by_oid(oid).map(|d| {
                if crate::functions::is_overloaded(d.name) {
                    format!("pg_catalog.{}", d.name)
                } else {
                    d.name.to_string()
                }
            }),
            RegKind::Procedure => super::pg_proc::proc_by_oid(oid).map(|d| {
                let args: Vec<String> = super::pg_proc::arg_type_oids(d)
                    .iter()
                    .map(|&t| super::pg_type::type_name_of_oid(t))
                    .collect();
                format!("{}({})", d.name, args.join(","))
            }),
        };
        name.unwrap_or_else(|| oid.to_string())
    }

    /// Reads a `reg*` value from text: a number is taken as the OID, a
    /// name is looked up (and must exist).
    pub fn reg_in(&self, kind: RegKind, text: &str) -> Result<Oid> {
        let t = text.trim();
        if t == "-" {
            return Ok(0);
        }
        if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
            return crate::types::oid::parse_oid(t, kind.name());
        }
        match kind {
            RegKind::Class => self.regclass_in(t),
            RegKind::Type => match DataType::parse(t) {
                Ok(ty) => Ok(ty.oid()),
                Err(e) => {
                    let parts = split_qualified(t).unwrap_or_default();
                    let (schema, name) = match parts.as_slice() {
                        [n] => (None, n.as_str()),
                        [s, n] => (Some(s.as_str()), n.as_str()),
                        _ => return Err(e),
                    };
                    match self.catalog.resolve(schema, name, self.path) {
                        Ok(Some((_, crate::catalog::RelRef::Table(oid)))) => Ok(oid),
                        _ => Err(e),
                    }
                }
            },
            RegKind::Namespace => {
                let parts = split_qualified(t).unwrap_or_default();
                let [name] = parts.as_slice() else {
                    return Err(err!(SqlState::new(b"42602"), "invalid name syntax"));
                };
                self.catalog.schema_oid(name)
            }
            RegKind::Role => {
                let parts = split_qualified(t).unwrap_or_default();
                match parts.as_slice() {
                    [name] if name == "pg_database_owner" => Ok(DATABASE_OWNER_ROLE),
                    [name] if self.catalog.roles().by_name(name).is_some() => {
                        Ok(self.catalog.roles().by_name(name).map_or(0, |r| r.oid))
                    }
                    [name] => Err(err!(
                        SqlState::UNDEFINED_OBJECT,
                        "role \"{}\" does not exist",
                        name
                    )),
                    _ => Err(err!(SqlState::new(b"42602"), "invalid name syntax")),
                }
            }
            RegKind::Proc | RegKind::Procedure => super::pg_proc::proc_in(t, kind),
        }
    }

    fn regclass_in(&self, text: &str) -> Result<Oid> {
        let Some(parts) = split_qualified(text) else {
            return Err(err!(SqlState::new(b"42602"), "invalid name syntax"));
        };
        let (schema, name) = match parts.as_slice() {
            [n] => (None, n.as_str()),
            [s, n] => (Some(s.as_str()), n.as_str()),
            [_, s, n] => (Some(s.as_str()), n.as_str()),
            _ => {
                return Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "improper relation name (too many dotted names): {}",
                    text
                ))
            }
        };
        if let Some(r) = super::lookup(self.catalog, self.path, schema, name) {
            return Ok(r.oid);
        }
        match self.catalog.resolve(schema, name, self.path)? {
            Some((_, RelRef::Table(o) | RelRef::Sequence(o) | RelRef::Index(_, o))) => Ok(o),
            None => Err(undefined_relation(schema, name)),
        }
    }
}
