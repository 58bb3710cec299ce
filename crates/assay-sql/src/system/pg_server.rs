//! The server and the session: `pg_database`, `pg_authid`, `pg_roles`,
//! `pg_user`, `pg_auth_members` (from the catalog's roles), `pg_tablespace`, `pg_language`, `pg_settings`.

use super::context::SUPERUSER_OID;
use super::rows::{array, Rows};
use super::SystemContext;
use crate::catalog::Role;
use crate::types::Value;

/// `pg_tablespace` OID of `pg_default`.
const DEFAULT_TABLESPACE: u32 = 1663;
/// The UTF8 encoding's number.
const UTF8: i32 = 6;

pub(super) fn pg_database(sys: &SystemContext<'_>, out: &mut Rows) {
    let mut databases = sys.databases();
    databases.sort_by_key(|d| d.oid);
    for db in databases {
        let mut row = out.add();
        row.oid("oid", db.oid)
            .text("datname", &db.name)
            .oid("datdba", SUPERUSER_OID)
            .i4("encoding", UTF8)
            .text("datlocprovider", "c")
            .bool("datistemplate", db.is_template)
            .bool("datallowconn", db.allow_connections)
            .i4("datconnlimit", db.connection_limit)
            .oid("dattablespace", DEFAULT_TABLESPACE)
            .text("datcollate", "C.UTF-8")
            .text("datctype", "C.UTF-8");
        if db.is_template {
            // PostgreSQL's initdb leaves the templates with these grants.
            let acl = ["=c/postgres", "postgres=CTc/postgres"];
            row.set("datacl", array(acl.map(Value::text).to_vec()));
        }
    }
}

/// The role attributes `pg_authid` and `pg_roles` share.
fn role_flags(r: &mut super::rows::RowRef<'_>, role: &Role) {
    r.oid("oid", role.oid)
        .text("rolname", &role.name)
        .bool("rolsuper", role.superuser)
        .bool("rolinherit", role.inherit)
        .bool("rolcreaterole", role.create_role)
        .bool("rolcreatedb", role.create_db)
        .bool("rolcanlogin", role.login)
        .bool("rolreplication", role.replication)
        .bool("rolbypassrls", role.bypass_rls)
        .i4("rolconnlimit", role.connection_limit);
    r.set("rolvaliduntil", valid_until(role));
}

fn valid_until(role: &Role) -> Value {
    role.valid_until.map_or(Value::Null, Value::TimestampTz)
}

/// `rolconfig`/`useconfig`: `{name=value,…}`, NULL when empty.
fn role_config(role: &Role) -> Value {
    if role.config.is_empty() {
        return Value::Null;
    }
    array(role.config.iter().map(|c| Value::text(c)).collect())
}

pub(super) fn pg_authid(sys: &SystemContext<'_>, out: &mut Rows) {
    for role in sys.catalog.roles().iter() {
        let mut r = out.add();
        role_flags(&mut r, role);
        r.set(
            "rolpassword",
            role.password.as_deref().map_or(Value::Null, Value::text),
        );
    }
}

pub(super) fn pg_roles(sys: &SystemContext<'_>, out: &mut Rows) {
    for role in sys.catalog.roles().iter() {
        let mut r = out.add();
        role_flags(&mut r, role);
        r.text("rolpassword", "********")
            .set("rolconfig", role_config(role));
    }
}

pub(super) fn pg_user(sys: &SystemContext<'_>, out: &mut Rows) {
    for role in sys.catalog.roles().iter().filter(|r| r.login) {
        out.add()
            .text("usename", &role.name)
            .oid("usesysid", role.oid)
            .bool("usecreatedb", role.create_db)
            .bool("usesuper", role.superuser)
            .bool("userepl", role.replication)
            .bool("usebypassrls", role.bypass_rls)
            .text("passwd", "********")
            .set("valuntil", valid_until(role))
            .set("useconfig", role_config(role));
    }
}

pub(super) fn pg_auth_members(sys: &SystemContext<'_>, out: &mut Rows) {
    for m in sys.catalog.roles().memberships() {
        out.add()
            .oid("roleid", m.role)
            .oid("member", m.member)
            .oid("grantor", m.grantor)
            .bool("admin_option", m.admin);
    }
}

pub(super) fn pg_tablespace(out: &mut Rows) {
    for (oid, name) in [(DEFAULT_TABLESPACE, "pg_default"), (1664, "pg_global")] {
        out.add()
            .oid("oid", oid)
            .text("spcname", name)
            .oid("spcowner", SUPERUSER_OID);
    }
}

pub(super) fn pg_language(out: &mut Rows) {
    for (oid, name) in [(12, "internal"), (13, "c"), (14, "sql")] {
        out.add()
            .oid("oid", oid)
            .text("lanname", name)
            .oid("lanowner", SUPERUSER_OID)
            .bool("lanpltrusted", name == "sql");
    }
}

pub(super) fn pg_settings(sys: &SystemContext<'_>, out: &mut Rows) {
    let Some(settings) = sys.settings else {
        return;
    };
    let mut all = settings.all();
    all.sort_by_key(|(n, _)| n.to_ascii_lowercase());
    for (name, value) in all {
        let vartype = match value.as_str() {
            "on" | "off" => "bool",
            v if v.parse::<i64>().is_ok() => "integer",
            v if v.parse::<f64>().is_ok() => "real",
            _ => "string",
        };
        out.add()
            .text("name", name)
            .text("setting", &value)
            .text("context", "user")
            .text("vartype", vartype)
            .text("source", "session")
            .text("boot_val", &value)
            .text("reset_val", &value)
            .bool("pending_restart", false);
    }
}
