//! The server and the session: `pg_database`, `pg_authid`, `pg_roles`,
//! `pg_user`, `pg_tablespace`, `pg_language`, `pg_settings`,
//! `pg_stat_activity`.

use super::context::SUPERUSER_OID;
use super::rows::{array, Rows};
use super::SystemContext;
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
            .i4("datconnlimit", -1)
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

pub(super) fn pg_authid(out: &mut Rows) {
    let mut r = out.add();
    r.oid("oid", SUPERUSER_OID).text("rolname", "postgres");
    for flag in [
        "rolsuper",
        "rolinherit",
        "rolcreaterole",
        "rolcreatedb",
        "rolcanlogin",
        "rolreplication",
        "rolbypassrls",
    ] {
        r.bool(flag, true);
    }
    r.i4("rolconnlimit", -1);
}

pub(super) fn pg_roles(out: &mut Rows) {
    let mut r = out.add();
    r.oid("oid", SUPERUSER_OID)
        .text("rolname", "postgres")
        .text("rolpassword", "********")
        .i4("rolconnlimit", -1);
    for flag in [
        "rolsuper",
        "rolinherit",
        "rolcreaterole",
        "rolcreatedb",
        "rolcanlogin",
        "rolreplication",
        "rolbypassrls",
    ] {
        r.bool(flag, true);
    }
}

pub(super) fn pg_user(out: &mut Rows) {
    out.add()
        .text("usename", "postgres")
        .oid("usesysid", SUPERUSER_OID)
        .bool("usecreatedb", true)
        .bool("usesuper", true)
        .bool("userepl", true)
        .bool("usebypassrls", true)
        .text("passwd", "********");
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

pub(super) fn pg_stat_activity(sys: &SystemContext<'_>, out: &mut Rows) {
    let app = sys
        .settings
        .and_then(|s| s.show("application_name").ok())
        .unwrap_or_default();
    out.add()
        .oid("datid", sys.database_oid())
        .text("datname", sys.database)
        .i4("pid", sys.pid)
        .oid("usesysid", SUPERUSER_OID)
        .text("usename", sys.user)
        .text("application_name", &app)
        .set("backend_start", Value::TimestampTz(sys.backend_start))
        .text("state", "active")
        .text("backend_type", "client backend");
}
