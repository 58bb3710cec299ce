//! Role statements: `CREATE/ALTER/DROP ROLE` (and their USER and GROUP
//! spellings), `ALTER ROLE … SET/RESET`, and role membership `GRANT` /
//! `REVOKE`, with PostgreSQL's checks, messages and SQLSTATEs.
//!
//! Where the roles are written depends on the engine (see
//! `catalog/roles.rs`): in this session's catalog through the statement's
//! transaction, or — in a server database other than `postgres` — in the
//! roles home's catalog through a transaction of its own, committed when
//! the statement succeeds. Either way a statement checks everything
//! against the roles as they are, then writes.
//!
//! Privileges on tables and other objects are not enforced by Assay; the
//! role attributes checked here are the ones role management itself needs
//! (SUPERUSER, CREATEROLE, ADMIN OPTION).

use std::sync::Arc;

use assay_storage::{err, Error, Result, SqlState, Transaction, TxnMode};

use super::{Notice, Session, SessionSettings, StatementResult};
use crate::ast::{AlterDatabase, GrantRole, ObjectKind, RoleOption, RoleStmt, Statement};
use crate::catalog::password;
use crate::catalog::{Catalog, Membership, Oid, Role, RoleSet, BOOTSTRAP_SUPERUSER};
use crate::types::{DataType, Value};

/// Whether the statement is one of this module's.
pub(super) fn is_role_statement(stmt: &Statement) -> bool {
    match stmt {
        Statement::CreateRole { .. }
        | Statement::AlterRole { .. }
        | Statement::RenameRole { .. }
        | Statement::AlterRoleSet { .. }
        | Statement::GrantRole(_) => true,
        Statement::Drop(d) => d.kind == ObjectKind::Role,
        _ => false,
    }
}

fn undefined_role(name: &str) -> Error {
    err!(SqlState::UNDEFINED_OBJECT, "role \"{name}\" does not exist")
}

fn denied(message: &str) -> Error {
    Error::new(SqlState::new(b"42501"), message.to_string())
}

fn lookup<'r>(roles: &'r RoleSet, name: &str) -> Result<&'r Role> {
    roles.by_name(name).ok_or_else(|| undefined_role(name))
}

/// What a role statement sees and writes: the catalog holding the roles,
/// a transaction on its file, the acting role, the session's settings.
struct RoleEdit<'a> {
    catalog: &'a mut Catalog,
    txn: &'a mut Transaction,
    /// The acting role (its attributes decide what it may do).
    actor: Role,
    session_user: &'a str,
    settings: &'a SessionSettings,
    notices: Vec<Notice>,
}

impl Session {
    /// Before each statement in a database whose roles live elsewhere:
    /// take the roles home's current roles if they changed.
    pub(super) fn sync_cluster_roles(&mut self) -> Result<()> {
        if self.engine.roles_home().is_none() {
            return Ok(());
        }
        let roles = self.engine.roles()?;
        if !Arc::ptr_eq(&roles, self.catalog.roles()) {
            Arc::make_mut(&mut self.catalog).set_roles(roles);
        }
        Ok(())
    }

    /// Applies the session role's `ALTER ROLE … SET` defaults (a server
    /// calls this when a connection starts, after the database's).
    pub fn apply_role_settings(&mut self) -> Result<()> {
        let roles = self.engine.roles()?;
        if let Some(role) = roles.by_name(&self.user) {
            for (name, value) in role.settings() {
                // A default that no longer applies is skipped, as
                // PostgreSQL warns and goes on.
                let _ = self.settings.set(name, Some(value), false, false);
            }
        }
        Ok(())
    }

    pub(super) fn run_role_statement(&mut self, stmt: &Statement) -> Result<StatementResult> {
        let tag = match stmt {
            Statement::CreateRole { .. } => "CREATE ROLE",
            Statement::Drop(_) => "DROP ROLE",
            Statement::GrantRole(g) if g.grant => "GRANT ROLE",
            Statement::GrantRole(_) => "REVOKE ROLE",
            _ => "ALTER ROLE",
        };
        let notices = self.edit_roles(|edit| {
            match stmt {
                Statement::CreateRole { role, user } => edit.create(role, *user)?,
                Statement::AlterRole { role, .. } => edit.alter(role)?,
                Statement::RenameRole { old, new, .. } => edit.rename(old, new)?,
                Statement::AlterRoleSet {
                    role,
                    database,
                    action,
                } => edit.set(role.as_deref(), database.as_deref(), action)?,
                Statement::Drop(d) => {
                    let names: Vec<String> = d.names.iter().map(|n| n.0.join(".")).collect();
                    edit.drop(&names, d.if_exists)?
                }
                Statement::GrantRole(g) => edit.membership(g)?,
                _ => {}
            }
            Ok(std::mem::take(&mut edit.notices))
        })?;
        let mut result = StatementResult::command(tag);
        result.notices = notices;
        Ok(result)
    }

    /// Runs `f` over the catalog that holds the roles: this session's,
    /// in its transaction, or the roles home's, in one committed here.
    fn edit_roles<R>(&mut self, f: impl FnOnce(&mut RoleEdit<'_>) -> Result<R>) -> Result<R> {
        let actor = self.current_user().to_string();
        let user = self.session_user().to_string();
        match self.engine.roles_home().cloned() {
            None => {
                let block = self.block.as_mut().ok_or_else(super::no_block)?;
                let catalog = Arc::make_mut(&mut self.catalog);
                let actor = lookup(catalog.roles(), &actor)?.clone();
                let mut edit = RoleEdit {
                    catalog,
                    txn: &mut block.txn,
                    actor,
                    session_user: &user,
                    settings: &self.settings,
                    notices: Vec::new(),
                };
                f(&mut edit)
            }
            Some(home) => {
                let mut txn = home.pager().begin(TxnMode::Immediate)?;
                let mut catalog = Catalog::load(&txn)?;
                let actor = lookup(catalog.roles(), &actor)?.clone();
                let mut edit = RoleEdit {
                    catalog: &mut catalog,
                    txn: &mut txn,
                    actor,
                    session_user: &user,
                    settings: &self.settings,
                    notices: Vec::new(),
                };
                let out = f(&mut edit)?;
                txn.commit()?;
                Arc::make_mut(&mut self.catalog).set_roles(catalog.roles().clone());
                Ok(out)
            }
        }
    }
}

impl RoleEdit<'_> {
    fn roles(&self) -> &RoleSet {
        self.catalog.roles()
    }

    fn may_manage_roles(&self) -> bool {
        self.actor.superuser || self.actor.create_role
    }

    /// CREATE ROLE, or CREATE USER (`user`: LOGIN unless told otherwise).
    fn create(&mut self, stmt: &RoleStmt, user: bool) -> Result<()> {
        let name = &stmt.name;
        if !self.may_manage_roles() {
            return Err(denied("permission denied to create role"));
        }
        check_reserved(name)?;
        if self.roles().by_name(name).is_some() {
            return Err(err!(
                SqlState::DUPLICATE_OBJECT,
                "role \"{name}\" already exists"
            ));
        }
        let mut role = Role::new(name);
        role.login = user;
        self.apply_options(&mut role, &stmt.options, true)?;
        // Membership options name existing roles.
        let mut joins = Vec::new();
        for option in &stmt.options {
            match option {
                RoleOption::InRole(rs) => {
                    for r in rs {
                        joins.push((lookup(self.roles(), r)?.oid, None, false));
                    }
                }
                RoleOption::Role(ms) | RoleOption::Admin(ms) => {
                    let admin = matches!(option, RoleOption::Admin(_));
                    for m in ms {
                        joins.push((0, Some(lookup(self.roles(), m)?.oid), admin));
                    }
                }
                _ => {}
            }
        }
        let oid = self.catalog.save_role(self.txn, role)?;
        for (role, member, admin) in joins {
            let (role, member) = match member {
                None => (role, oid),
                Some(m) => (oid, m),
            };
            let m = Membership {
                role,
                member,
                grantor: self.actor.oid,
                admin,
            };
            self.catalog.save_membership(self.txn, m)?;
        }
        Ok(())
    }

    fn alter(&mut self, stmt: &RoleStmt) -> Result<()> {
        let mut role = lookup(self.roles(), &stmt.name)?.clone();
        let only_password = stmt
            .options
            .iter()
            .all(|o| matches!(o, RoleOption::Password(_)));
        let touches_superuser = role.superuser
            || stmt
                .options
                .iter()
                .any(|o| matches!(o, RoleOption::Superuser(_)));
        if !self.actor.superuser {
            if touches_superuser {
                return Err(denied(
                    "must be superuser to alter superuser roles or change superuser attribute",
                ));
            }
            let own_password = role.oid == self.actor.oid && only_password;
            if !self.actor.create_role && !own_password {
                return Err(denied("permission denied"));
            }
        }
        self.apply_options(&mut role, &stmt.options, false)?;
        if role.oid == BOOTSTRAP_SUPERUSER && !role.superuser {
            return Err(denied("permission denied to alter role")
                .with_detail("The bootstrap user must have the SUPERUSER attribute."));
        }
        self.catalog.save_role(self.txn, role)?;
        Ok(())
    }

    /// Applies CREATE/ALTER ROLE options to `role`.
    fn apply_options(
        &mut self,
        role: &mut Role,
        options: &[RoleOption],
        create: bool,
    ) -> Result<()> {
        for option in options {
            match option {
                RoleOption::Superuser(b) => {
                    if *b && create && !self.actor.superuser {
                        return Err(denied("must be superuser to create superusers"));
                    }
                    role.superuser = *b;
                }
                RoleOption::Replication(b) => {
                    if !self.actor.superuser {
                        return Err(denied(if create {
                            "must be superuser to create replication users"
                        } else {
                            "must be superuser to alter replication roles or change replication attribute"
                        }));
                    }
                    role.replication = *b;
                }
                RoleOption::BypassRls(b) => {
                    if !self.actor.superuser {
                        return Err(denied(if create {
                            "must be superuser to create bypassrls users"
                        } else {
                            "must be superuser to change bypassrls attribute"
                        }));
                    }
                    role.bypass_rls = *b;
                }
                RoleOption::CreateDb(b) => role.create_db = *b,
                RoleOption::CreateRole(b) => role.create_role = *b,
                RoleOption::Inherit(b) => role.inherit = *b,
                RoleOption::Login(b) => role.login = *b,
                RoleOption::ConnectionLimit(n) => {
                    role.connection_limit =
                        i32::try_from(*n).ok().filter(|n| *n >= -1).ok_or_else(|| {
                            err!(
                                SqlState::INVALID_PARAMETER_VALUE,
                                "invalid connection limit: {n}"
                            )
                        })?;
                }
                RoleOption::ValidUntil(text) => {
                    let value = crate::types::parse_value(
                        text,
                        &DataType::TimestampTz(None),
                        &self.settings.types,
                    )?;
                    role.valid_until = match value {
                        Value::TimestampTz(t) => Some(t),
                        _ => None,
                    };
                }
                RoleOption::Password(p) => role.password = self.secret(&role.name, p.as_deref()),
                RoleOption::InRole(_) | RoleOption::Role(_) | RoleOption::Admin(_) => {}
            }
        }
        Ok(())
    }

    /// The stored form of a password: as given when already a secret,
    /// else hashed as `password_encryption` says; empty clears it.
    fn secret(&mut self, user: &str, given: Option<&str>) -> Option<String> {
        let given = given?;
        if given.is_empty() {
            self.notices.push(Notice {
                severity: "NOTICE",
                code: SqlState::new(b"00000"),
                message: "empty string is not a valid password, clearing password".into(),
            });
            return None;
        }
        if password::is_encrypted(given) {
            return Some(given.to_string());
        }
        let method = self
            .settings
            .show("password_encryption")
            .unwrap_or_default();
        Some(if method == "md5" {
            password::md5_secret(given, user)
        } else {
            password::scram_secret(given)
        })
    }

    fn rename(&mut self, old: &str, new: &str) -> Result<()> {
        let mut role = lookup(self.roles(), old)?.clone();
        if role.name == self.session_user {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "session user cannot be renamed"
            ));
        }
        if role.oid == self.actor.oid {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "current user cannot be renamed"
            ));
        }
        if self.roles().by_name(new).is_some() {
            return Err(err!(
                SqlState::DUPLICATE_OBJECT,
                "role \"{new}\" already exists"
            ));
        }
        check_reserved(new)?;
        if role.superuser && !self.actor.superuser {
            return Err(denied("must be superuser to rename superusers"));
        }
        if !self.may_manage_roles() {
            return Err(denied("permission denied to rename role"));
        }
        // An md5 secret is salted with the name: it no longer works.
        if role
            .password
            .as_deref()
            .is_some_and(|p| matches!(password::parse_secret(p), Some(password::Secret::Md5(_))))
        {
            role.password = None;
            self.notices.push(Notice {
                severity: "NOTICE",
                code: SqlState::new(b"00000"),
                message: "MD5 password cleared because of role rename".into(),
            });
        }
        role.name = new.to_string();
        self.catalog.save_role(self.txn, role)?;
        Ok(())
    }

    /// `ALTER ROLE name SET/RESET …`.
    fn set(
        &mut self,
        name: Option<&str>,
        database: Option<&str>,
        action: &AlterDatabase,
    ) -> Result<()> {
        let (Some(name), None) = (name, database) else {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "ALTER ROLE ALL and ALTER ROLE … IN DATABASE are not supported"
            ));
        };
        let mut role = lookup(self.roles(), name)?.clone();
        let others = !self.actor.superuser && role.oid != self.actor.oid;
        if others && (role.superuser || !self.actor.create_role) {
            return Err(denied("permission denied"));
        }
        match action {
            AlterDatabase::Set { name, values } => {
                let lower = name.to_ascii_lowercase();
                role.config
                    .retain(|c| c.split_once('=').is_none_or(|(n, _)| n != lower));
                if let Some(value) = super::database::set_text(values) {
                    // Check the value the way SET would, on a scratch copy.
                    SessionSettings::default().set(&lower, Some(&value), false, false)?;
                    role.config.push(format!("{lower}={value}"));
                } else {
                    SessionSettings::display_name(&lower)?;
                }
            }
            AlterDatabase::Reset(Some(name)) => {
                let lower = name.to_ascii_lowercase();
                role.config
                    .retain(|c| c.split_once('=').is_none_or(|(n, _)| n != lower));
            }
            AlterDatabase::Reset(None) => role.config.clear(),
            AlterDatabase::RenameTo(_) | AlterDatabase::Options(_) => {}
        }
        self.catalog.save_role(self.txn, role)?;
        Ok(())
    }

    fn drop(&mut self, names: &[String], if_exists: bool) -> Result<()> {
        if !self.may_manage_roles() {
            return Err(denied("permission denied to drop role"));
        }
        for name in names {
            let Some(role) = self.roles().by_name(name).cloned() else {
                if !if_exists {
                    return Err(undefined_role(name));
                }
                self.notices.push(Notice {
                    severity: "NOTICE",
                    code: SqlState::new(b"00000"),
                    message: format!("role \"{name}\" does not exist, skipping"),
                });
                continue;
            };
            if role.oid == self.actor.oid {
                return Err(err!(
                    SqlState::OBJECT_IN_USE,
                    "current user cannot be dropped"
                ));
            }
            if role.name == self.session_user {
                return Err(err!(
                    SqlState::OBJECT_IN_USE,
                    "session user cannot be dropped"
                ));
            }
            if role.superuser && !self.actor.superuser {
                return Err(denied("must be superuser to drop superusers"));
            }
            if role.oid == BOOTSTRAP_SUPERUSER {
                return Err(err!(
                    SqlState::new(b"2BP01"),
                    "role \"{name}\" cannot be dropped because some objects depend on it"
                ));
            }
            self.catalog.delete_role(self.txn, role.oid)?;
        }
        Ok(())
    }

    /// `GRANT role TO member` / `REVOKE role FROM member`.
    fn membership(&mut self, g: &GrantRole) -> Result<()> {
        let grantor = match &g.granted_by {
            Some(name) => lookup(self.roles(), name)?.oid,
            None => self.actor.oid,
        };
        for role_name in &g.roles {
            let role = lookup(self.roles(), role_name)?.clone();
            self.check_admin(&role)?;
            for member_name in &g.members {
                let member = lookup(self.roles(), member_name)?.clone();
                if g.grant {
                    self.grant(&role, &member, g.admin_option, grantor)?;
                } else {
                    self.revoke(&role, &member, g.admin_option)?;
                }
            }
        }
        Ok(())
    }

    /// Whether the actor may grant and revoke membership in `role`.
    fn check_admin(&self, role: &Role) -> Result<()> {
        if self.actor.superuser {
            return Ok(());
        }
        if role.superuser {
            return Err(denied("must be superuser to alter superusers"));
        }
        let admin = self
            .roles()
            .membership(role.oid, self.actor.oid)
            .is_some_and(|m| m.admin);
        if self.actor.create_role || admin {
            return Ok(());
        }
        Err(err!(
            SqlState::new(b"42501"),
            "must have admin option on role \"{}\"",
            role.name
        ))
    }

    fn grant(&mut self, role: &Role, member: &Role, admin: bool, grantor: Oid) -> Result<()> {
        // A role may not end up a member of itself.
        if self.roles().is_member(role.oid, member.oid) {
            return Err(err!(
                SqlState::new(b"0LP01"),
                "role \"{}\" is a member of role \"{}\"",
                role.name,
                member.name
            ));
        }
        if let Some(existing) = self.roles().membership(role.oid, member.oid) {
            if !admin || existing.admin {
                self.notices.push(Notice {
                    severity: "NOTICE",
                    code: SqlState::new(b"00000"),
                    message: format!(
                        "role \"{}\" is already a member of role \"{}\"",
                        member.name, role.name
                    ),
                });
                return Ok(());
            }
        }
        let m = Membership {
            role: role.oid,
            member: member.oid,
            grantor,
            admin,
        };
        self.catalog.save_membership(self.txn, m)
    }

    fn revoke(&mut self, role: &Role, member: &Role, admin_only: bool) -> Result<()> {
        let Some(existing) = self.roles().membership(role.oid, member.oid).cloned() else {
            self.notices.push(Notice::warning(
                SqlState::new(b"01000"),
                format!(
                    "role \"{}\" is not a member of role \"{}\"",
                    member.name, role.name
                ),
            ));
            return Ok(());
        };
        if admin_only {
            let m = Membership {
                admin: false,
                ..existing
            };
            return self.catalog.save_membership(self.txn, m);
        }
        self.catalog
            .delete_membership(self.txn, role.oid, member.oid)
    }
}

/// Names starting with `pg_` are PostgreSQL's own roles'.
fn check_reserved(name: &str) -> Result<()> {
    if name.starts_with("pg_") {
        return Err(
            err!(SqlState::new(b"42939"), "role name \"{name}\" is reserved")
                .with_detail("Role names starting with \"pg_\" are reserved."),
        );
    }
    Ok(())
}
