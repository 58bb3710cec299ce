//! `pg_catalog` and `information_schema`: relations computed from Assay's
//! catalog when a query reads them.
//!
//! PostgreSQL keeps its catalogs as tables; Assay keeps its own objects as
//! JSON in `sys.catalog` (see [`crate::catalog`]) and derives PostgreSQL's
//! view of them at query time, with PostgreSQL's canonical OIDs for
//! everything built in (`pg_catalog` 11, `public` 2200, `int4` 23,
//! `pg_class` 1259, …) and the catalog's own OIDs (16384 and up) for user
//! objects. A query's path through here:
//!
//! 1. **Binding.** The binder asks its catalog view for a relation; names
//!    in `pg_catalog` (searched first, as in PostgreSQL, unless the
//!    `search_path` places it) and `information_schema` that are not user
//!    objects resolve to a [`SystemRelation`] ([`lookup`]): its OID, and its
//!    columns in PostgreSQL 15's order and types. Its plan is an ordinary
//!    full `Scan` of that OID.
//! 2. **Execution.** The scan operator sees a system OID and asks [`scan`]
//!    for the rows, computed from the [`SystemContext`] the session hands
//!    the executor: the catalog snapshot of the statement, the search
//!    path, the session's settings and identity. Each group of relations
//!    has its file (`pg_class.rs`: namespaces, classes, attributes, indexes;
//!    `pg_constraint.rs`; `pg_type.rs`; `pg_proc.rs`; `pg_server.rs`:
//!    databases, roles, settings, activity; `pg_views.rs`: the convenience
//!    views; `information_schema.rs`). Relations for features Assay does
//!    not have (triggers, policies, publications, rules, …) exist and are
//!    empty, so that tools' queries run.
//! 3. **Functions** that read the catalog (`pg_get_indexdef`,
//!    `pg_table_is_visible`, `format_type`, `obj_description`, …; see
//!    `functions.rs`) and the `reg*` casts (`'t'::regclass`,
//!    `oid::regclass::text`; see `context.rs`) reach the same context
//!    through the executor's `EvalContext`.
//! 4. **Output.** A `reg*` value is an OID while the query runs (it
//!    compares and sorts as one); the session presents result columns of
//!    those types as names ([`present_rows`]).

mod context;
mod deparse;
mod functions;
mod information_schema;
mod pg_class;
mod pg_constraint;
mod pg_locks;
mod pg_opclass;
mod pg_portals;
mod pg_proc;
mod pg_server;
mod pg_stat_activity;
mod pg_type;
mod pg_views;
mod proc_oids;
mod rows;

#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use assay_storage::Result;

use crate::catalog::{Oid, INFORMATION_SCHEMA_OID, PG_CATALOG_OID};
use crate::types::{DataType, Value};

pub use context::SystemContext;
pub(crate) use functions::{cast_needs_catalog, catalog_cast, register};
pub use pg_portals::{CursorInfo, PreparedInfo, SessionPortals};
pub use rows::present_rows;
use rows::Rows;

/// A relation of `pg_catalog` or `information_schema`.
#[derive(Debug)]
pub struct SystemRelation {
    pub oid: Oid,
    pub schema: Oid,
    pub name: &'static str,
    /// `r` for PostgreSQL's catalog tables, `v` for its system views.
    pub kind: char,
    pub columns: Vec<(String, DataType)>,
}

impl SystemRelation {
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|(n, _)| n == name)
    }
}

/// Every system relation: (OID, schema, name, relkind, columns as
/// `name type, …` in PostgreSQL 15's order). Types Assay does not model
/// are given the nearest it has: `aclitem[]` and `text[]`, `pg_node_tree`
/// and `text`, `xid` and `oid`, `inet` and `text`; the information
/// schema's domains are their base types.
const RELATIONS: &[(Oid, Oid, &str, char, &str)] = &[
    (2615, PG_CATALOG_OID, "pg_namespace", 'r', "oid oid, nspname name, nspowner oid, nspacl text[]"),
    (1259, PG_CATALOG_OID, "pg_class", 'r', "oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid, relfilenode oid, reltablespace oid, relpages integer, reltuples real, relallvisible integer, reltoastrelid oid, relhasindex boolean, relisshared boolean, relpersistence \"char\", relkind \"char\", relnatts smallint, relchecks smallint, relhasrules boolean, relhastriggers boolean, relhassubclass boolean, relrowsecurity boolean, relforcerowsecurity boolean, relispopulated boolean, relreplident \"char\", relispartition boolean, relrewrite oid, relfrozenxid oid, relminmxid oid, relacl text[], reloptions text[], relpartbound text"),
    (1249, PG_CATALOG_OID, "pg_attribute", 'r', "attrelid oid, attname name, atttypid oid, attstattarget integer, attlen smallint, attnum smallint, attndims integer, attcacheoff integer, atttypmod integer, attbyval boolean, attalign \"char\", attstorage \"char\", attcompression \"char\", attnotnull boolean, atthasdef boolean, atthasmissing boolean, attidentity \"char\", attgenerated \"char\", attisdropped boolean, attislocal boolean, attinhcount integer, attcollation oid, attacl text[], attoptions text[], attfdwoptions text[], attmissingval text"),
    (1247, PG_CATALOG_OID, "pg_type", 'r', "oid oid, typname name, typnamespace oid, typowner oid, typlen smallint, typbyval boolean, typtype \"char\", typcategory \"char\", typispreferred boolean, typisdefined boolean, typdelim \"char\", typrelid oid, typsubscript regproc, typelem oid, typarray oid, typinput regproc, typoutput regproc, typreceive regproc, typsend regproc, typmodin regproc, typmodout regproc, typanalyze regproc, typalign \"char\", typstorage \"char\", typnotnull boolean, typbasetype oid, typtypmod integer, typndims integer, typcollation oid, typdefaultbin text, typdefault text, typacl text[]"),
    (2610, PG_CATALOG_OID, "pg_index", 'r', "indexrelid oid, indrelid oid, indnatts smallint, indnkeyatts smallint, indisunique boolean, indnullsnotdistinct boolean, indisprimary boolean, indisexclusion boolean, indimmediate boolean, indisclustered boolean, indisvalid boolean, indcheckxmin boolean, indisready boolean, indislive boolean, indisreplident boolean, indkey int2vector, indcollation oidvector, indclass oidvector, indoption int2vector, indexprs text, indpred text"),
    (2606, PG_CATALOG_OID, "pg_constraint", 'r', "oid oid, conname name, connamespace oid, contype \"char\", condeferrable boolean, condeferred boolean, convalidated boolean, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid, confupdtype \"char\", confdeltype \"char\", confmatchtype \"char\", conislocal boolean, coninhcount integer, connoinherit boolean, conkey smallint[], confkey smallint[], conpfeqop oid[], conppeqop oid[], conffeqop oid[], confdelsetcols smallint[], conexclop oid[], conbin text"),
    (2604, PG_CATALOG_OID, "pg_attrdef", 'r', "oid oid, adrelid oid, adnum smallint, adbin text"),
    (2609, PG_CATALOG_OID, "pg_description", 'r', "objoid oid, classoid oid, objsubid integer, description text"),
    (1262, PG_CATALOG_OID, "pg_database", 'r', "oid oid, datname name, datdba oid, encoding integer, datlocprovider \"char\", datistemplate boolean, datallowconn boolean, datconnlimit integer, datfrozenxid oid, datminmxid oid, dattablespace oid, datcollate text, datctype text, daticulocale text, datcollversion text, datacl text[]"),
    (1260, PG_CATALOG_OID, "pg_authid", 'r', "oid oid, rolname name, rolsuper boolean, rolinherit boolean, rolcreaterole boolean, rolcreatedb boolean, rolcanlogin boolean, rolreplication boolean, rolbypassrls boolean, rolconnlimit integer, rolpassword text, rolvaliduntil timestamp with time zone"),
    (2601, PG_CATALOG_OID, "pg_am", 'r', "oid oid, amname name, amhandler regproc, amtype \"char\""),
    (2616, PG_CATALOG_OID, "pg_opclass", 'r', "oid oid, opcmethod oid, opcname name, opcnamespace oid, opcowner oid, opcfamily oid, opcintype oid, opcdefault boolean, opckeytype oid"),
    (1255, PG_CATALOG_OID, "pg_proc", 'r', "oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost real, prorows real, provariadic oid, prosupport regproc, prokind \"char\", prosecdef boolean, proleakproof boolean, proisstrict boolean, proretset boolean, provolatile \"char\", proparallel \"char\", pronargs smallint, pronargdefaults smallint, prorettype oid, proargtypes oidvector, proallargtypes oid[], proargmodes \"char\"[], proargnames text[], proargdefaults text, protrftypes oid[], prosrc text, probin text, prosqlbody text, proconfig text[], proacl text[]"),
    (2224, PG_CATALOG_OID, "pg_sequence", 'r', "seqrelid oid, seqtypid oid, seqstart bigint, seqincrement bigint, seqmax bigint, seqmin bigint, seqcache bigint, seqcycle boolean"),
    (3456, PG_CATALOG_OID, "pg_collation", 'r', "oid oid, collname name, collnamespace oid, collowner oid, collprovider \"char\", collisdeterministic boolean, collencoding integer, collcollate text, collctype text, colliculocale text, collversion text"),
    (2611, PG_CATALOG_OID, "pg_inherits", 'r', "inhrelid oid, inhparent oid, inhseqno integer, inhdetachpending boolean"),
    (2620, PG_CATALOG_OID, "pg_trigger", 'r', "oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype smallint, tgenabled \"char\", tgisinternal boolean, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable boolean, tginitdeferred boolean, tgnargs smallint, tgattr int2[], tgargs bytea, tgqual text, tgoldtable name, tgnewtable name"),
    (3079, PG_CATALOG_OID, "pg_extension", 'r', "oid oid, extname name, extowner oid, extnamespace oid, extrelocatable boolean, extversion text, extconfig oid[], extcondition text[]"),
    (3501, PG_CATALOG_OID, "pg_enum", 'r', "oid oid, enumtypid oid, enumsortorder real, enumlabel name"),
    (3541, PG_CATALOG_OID, "pg_range", 'r', "rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid, rngsubopc oid, rngcanonical regproc, rngsubdiff regproc"),
    (3256, PG_CATALOG_OID, "pg_policy", 'r', "oid oid, polname name, polrelid oid, polcmd \"char\", polpermissive boolean, polroles oid[], polqual text, polwithcheck text"),
    (3381, PG_CATALOG_OID, "pg_statistic_ext", 'r', "oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget integer, stxkeys int2[], stxkind \"char\"[], stxexprs text"),
    (6104, PG_CATALOG_OID, "pg_publication", 'r', "oid oid, pubname name, pubowner oid, puballtables boolean, pubinsert boolean, pubupdate boolean, pubdelete boolean, pubtruncate boolean, pubviaroot boolean"),
    (6237, PG_CATALOG_OID, "pg_publication_namespace", 'r', "oid oid, pnpubid oid, pnnspid oid"),
    (6106, PG_CATALOG_OID, "pg_publication_rel", 'r', "oid oid, prpubid oid, prrelid oid, prqual text, prattrs int2[]"),
    (2608, PG_CATALOG_OID, "pg_depend", 'r', "classid oid, objid oid, objsubid integer, refclassid oid, refobjid oid, refobjsubid integer, deptype \"char\""),
    (1213, PG_CATALOG_OID, "pg_tablespace", 'r', "oid oid, spcname name, spcowner oid, spcacl text[], spcoptions text[]"),
    (12104, PG_CATALOG_OID, "pg_settings", 'v', "name text, setting text, unit text, category text, short_desc text, extra_desc text, context text, vartype text, source text, min_val text, max_val text, enumvals text[], boot_val text, reset_val text, sourcefile text, sourceline integer, pending_restart boolean"),
    (12222, PG_CATALOG_OID, "pg_stat_activity", 'v', "datid oid, datname name, pid integer, leader_pid integer, usesysid oid, usename name, application_name text, client_addr text, client_hostname text, client_port integer, backend_start timestamp with time zone, xact_start timestamp with time zone, query_start timestamp with time zone, state_change timestamp with time zone, wait_event_type text, wait_event text, state text, backend_xid oid, backend_xmin oid, query_id bigint, query text, backend_type text"),
    (12249, PG_CATALOG_OID, "pg_stat_ssl", 'v', "pid integer, ssl boolean, version text, cipher text, bits integer, client_dn text, client_serial numeric, issuer_dn text"),
    (12073, PG_CATALOG_OID, "pg_locks", 'v', "locktype text, database oid, relation oid, page integer, tuple smallint, virtualxid text, transactionid oid, classid oid, objid oid, objsubid smallint, virtualtransaction text, pid integer, mode text, granted boolean, fastpath boolean, waitstart timestamp with time zone"),
    (12000, PG_CATALOG_OID, "pg_roles", 'v', "rolname name, rolsuper boolean, rolinherit boolean, rolcreaterole boolean, rolcreatedb boolean, rolcanlogin boolean, rolreplication boolean, rolconnlimit integer, rolpassword text, rolvaliduntil timestamp with time zone, rolbypassrls boolean, rolconfig text[], oid oid"),
    (12014, PG_CATALOG_OID, "pg_user", 'v', "usename name, usesysid oid, usecreatedb boolean, usesuper boolean, userepl boolean, usebypassrls boolean, passwd text, valuntil timestamp with time zone, useconfig text[]"),
    (1261, PG_CATALOG_OID, "pg_auth_members", 'r', "roleid oid, member oid, grantor oid, admin_option boolean"),
    (3118, PG_CATALOG_OID, "pg_foreign_table", 'r', "ftrelid oid, ftserver oid, ftoptions text[]"),
    (3466, PG_CATALOG_OID, "pg_event_trigger", 'r', "oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid, evtenabled \"char\", evttags text[]"),
    (2396, PG_CATALOG_OID, "pg_shdescription", 'r', "objoid oid, classoid oid, description text"),
    (2618, PG_CATALOG_OID, "pg_rewrite", 'r', "oid oid, rulename name, ev_class oid, ev_type \"char\", ev_enabled \"char\", is_instead boolean, ev_qual text, ev_action text"),
    (3350, PG_CATALOG_OID, "pg_partitioned_table", 'r', "partrelid oid, partstrat \"char\", partnatts smallint, partdefid oid, partattrs int2[], partclass oid[], partcollation oid[], partexprs text"),
    (2617, PG_CATALOG_OID, "pg_operator", 'r', "oid oid, oprname name, oprnamespace oid, oprowner oid, oprkind \"char\", oprcanmerge boolean, oprcanhash boolean, oprleft oid, oprright oid, oprresult oid, oprcom oid, oprnegate oid, oprcode regproc, oprrest regproc, oprjoin regproc"),
    (2605, PG_CATALOG_OID, "pg_cast", 'r', "oid oid, castsource oid, casttarget oid, castfunc oid, castcontext \"char\", castmethod \"char\""),
    (2612, PG_CATALOG_OID, "pg_language", 'r', "oid oid, lanname name, lanowner oid, lanispl boolean, lanpltrusted boolean, lanplcallfoid oid, laninline oid, lanvalidator oid, lanacl text[]"),
    (12033, PG_CATALOG_OID, "pg_tables", 'v', "schemaname name, tablename name, tableowner name, tablespace name, hasindexes boolean, hasrules boolean, hastriggers boolean, rowsecurity boolean"),
    (12028, PG_CATALOG_OID, "pg_views", 'v', "schemaname name, viewname name, viewowner name, definition text"),
    (12043, PG_CATALOG_OID, "pg_indexes", 'v', "schemaname name, tablename name, indexname name, tablespace name, indexdef text"),
    (12048, PG_CATALOG_OID, "pg_sequences", 'v', "schemaname name, sequencename name, sequenceowner name, data_type regtype, start_value bigint, min_value bigint, max_value bigint, increment_by bigint, cycle boolean, cache_size bigint, last_value bigint"),
    (12038, PG_CATALOG_OID, "pg_matviews", 'v', "schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes boolean, ispopulated boolean, definition text"),
    (12095, PG_CATALOG_OID, "pg_prepared_statements", 'v', "name text, statement text, prepare_time timestamp with time zone, parameter_types regtype[], from_sql boolean, generic_plans bigint, custom_plans bigint"),
    (12077, PG_CATALOG_OID, "pg_cursors", 'v', "name text, statement text, is_holdable boolean, is_binary boolean, is_scrollable boolean, creation_time timestamp with time zone"),
    (13382, INFORMATION_SCHEMA_OID, "schemata", 'v', "catalog_name name, schema_name name, schema_owner name, default_character_set_catalog name, default_character_set_schema name, default_character_set_name name, sql_path character varying"),
    (13425, INFORMATION_SCHEMA_OID, "tables", 'v', "table_catalog name, table_schema name, table_name name, table_type character varying, self_referencing_column_name name, reference_generation character varying, user_defined_type_catalog name, user_defined_type_schema name, user_defined_type_name name, is_insertable_into character varying(3), is_typed character varying(3), commit_action character varying"),
    (13295, INFORMATION_SCHEMA_OID, "columns", 'v', "table_catalog name, table_schema name, table_name name, column_name name, ordinal_position integer, column_default character varying, is_nullable character varying(3), data_type character varying, character_maximum_length integer, character_octet_length integer, numeric_precision integer, numeric_precision_radix integer, numeric_scale integer, datetime_precision integer, interval_type character varying, interval_precision integer, character_set_catalog name, character_set_schema name, character_set_name name, collation_catalog name, collation_schema name, collation_name name, domain_catalog name, domain_schema name, domain_name name, udt_catalog name, udt_schema name, udt_name name, scope_catalog name, scope_schema name, scope_name name, maximum_cardinality integer, dtd_identifier name, is_self_referencing character varying(3), is_identity character varying(3), identity_generation character varying, identity_start character varying, identity_increment character varying, identity_maximum character varying, identity_minimum character varying, identity_cycle character varying(3), is_generated character varying, generation_expression character varying, is_updatable character varying(3)"),
    (13483, INFORMATION_SCHEMA_OID, "views", 'v', "table_catalog name, table_schema name, table_name name, view_definition character varying, check_option character varying, is_updatable character varying(3), is_insertable_into character varying(3), is_trigger_updatable character varying(3), is_trigger_deletable character varying(3), is_trigger_insertable_into character varying(3)"),
    (13411, INFORMATION_SCHEMA_OID, "table_constraints", 'v', "constraint_catalog name, constraint_schema name, constraint_name name, table_catalog name, table_schema name, table_name name, constraint_type character varying, is_deferrable character varying(3), initially_deferred character varying(3), enforced character varying(3), nulls_distinct character varying(3)"),
    (13329, INFORMATION_SCHEMA_OID, "key_column_usage", 'v', "constraint_catalog name, constraint_schema name, constraint_name name, table_catalog name, table_schema name, table_name name, column_name name, ordinal_position integer, position_in_unique_constraint integer"),
    (13339, INFORMATION_SCHEMA_OID, "referential_constraints", 'v', "constraint_catalog name, constraint_schema name, constraint_name name, unique_constraint_catalog name, unique_constraint_schema name, unique_constraint_name name, match_option character varying, update_rule character varying, delete_rule character varying"),
    (13300, INFORMATION_SCHEMA_OID, "constraint_column_usage", 'v', "table_catalog name, table_schema name, table_name name, column_name name, constraint_catalog name, constraint_schema name, constraint_name name"),
    (13386, INFORMATION_SCHEMA_OID, "sequences", 'v', "sequence_catalog name, sequence_schema name, sequence_name name, data_type character varying, numeric_precision integer, numeric_precision_radix integer, numeric_scale integer, start_value character varying, minimum_value character varying, maximum_value character varying, increment character varying, cycle_option character varying(3)"),
    (13377, INFORMATION_SCHEMA_OID, "routines", 'v', "specific_catalog name, specific_schema name, specific_name name, routine_catalog name, routine_schema name, routine_name name, routine_type character varying, module_catalog name, module_schema name, module_name name, udt_catalog name, udt_schema name, udt_name name, data_type character varying, character_maximum_length integer, character_octet_length integer, character_set_catalog name, character_set_schema name, character_set_name name, collation_catalog name, collation_schema name, collation_name name, numeric_precision integer, numeric_precision_radix integer, numeric_scale integer, datetime_precision integer, interval_type character varying, interval_precision integer, type_udt_catalog name, type_udt_schema name, type_udt_name name, scope_catalog name, scope_schema name, scope_name name, maximum_cardinality integer, dtd_identifier name, routine_body character varying, routine_definition character varying, external_name character varying, external_language character varying, parameter_style character varying, is_deterministic character varying(3), sql_data_access character varying, is_null_call character varying(3), sql_path character varying, schema_level_routine character varying(3), max_dynamic_result_sets integer, is_user_defined_cast character varying(3), is_implicitly_invocable character varying(3), security_type character varying, to_sql_specific_catalog name, to_sql_specific_schema name, to_sql_specific_name name, as_locator character varying(3), created timestamp with time zone, last_altered timestamp with time zone, new_savepoint_level character varying(3), is_udt_dependent character varying(3), result_cast_from_data_type character varying, result_cast_as_locator character varying(3), result_cast_char_max_length integer, result_cast_char_octet_length integer, result_cast_char_set_catalog name, result_cast_char_set_schema name, result_cast_char_set_name name, result_cast_collation_catalog name, result_cast_collation_schema name, result_cast_collation_name name, result_cast_numeric_precision integer, result_cast_numeric_precision_radix integer, result_cast_numeric_scale integer, result_cast_datetime_precision integer, result_cast_interval_type character varying, result_cast_interval_precision integer, result_cast_type_udt_catalog name, result_cast_type_udt_schema name, result_cast_type_udt_name name, result_cast_scope_catalog name, result_cast_scope_schema name, result_cast_scope_name name, result_cast_maximum_cardinality integer, result_cast_dtd_identifier name"),
    (13260, INFORMATION_SCHEMA_OID, "check_constraints", 'v', "constraint_catalog name, constraint_schema name, constraint_name name, check_clause character varying"),];

fn relations() -> &'static [SystemRelation] {
    static RELS: OnceLock<Vec<SystemRelation>> = OnceLock::new();
    RELS.get_or_init(|| {
        RELATIONS
            .iter()
            .map(|&(oid, schema, name, kind, spec)| SystemRelation {
                oid,
                schema,
                name,
                kind,
                columns: spec
                    .split(", ")
                    .filter_map(|c| {
                        let (n, t) = c.split_once(' ')?;
                        // The table above is fixed; a test parses every type.
                        Some((n.to_string(), DataType::parse(t).ok()?))
                    })
                    .collect(),
            })
            .collect()
    })
}

/// Every system relation, for `pg_class` and `pg_attribute`.
pub fn all_relations() -> impl Iterator<Item = &'static SystemRelation> {
    relations().iter()
}

/// The system relation with this OID.
pub fn relation_by_oid(oid: Oid) -> Option<&'static SystemRelation> {
    if oid >= crate::catalog::FIRST_USER_OID {
        return None;
    }
    relations().iter().find(|r| r.oid == oid)
}

/// The system relation `name` in schema `schema` (`pg_catalog` or
/// `information_schema`).
pub fn relation_named(schema: Oid, name: &str) -> Option<&'static SystemRelation> {
    if schema != PG_CATALOG_OID && schema != INFORMATION_SCHEMA_OID {
        return None;
    }
    relations()
        .iter()
        .find(|r| r.schema == schema && r.name == name)
}

/// Resolves a relation name that is not a user object: qualified by a
/// system schema, or unqualified and reached through the search order
/// before any user schema holding that name.
pub fn lookup(
    catalog: &crate::catalog::Catalog,
    path: &crate::catalog::SearchPath,
    schema: Option<&str>,
    name: &str,
) -> Option<&'static SystemRelation> {
    match schema {
        Some("pg_catalog") => relation_named(PG_CATALOG_OID, name),
        Some("information_schema") => relation_named(INFORMATION_SCHEMA_OID, name),
        Some(_) => None,
        None => {
            for s in catalog.search_order(path) {
                if let Some(r) = relation_named(s, name) {
                    return Some(r);
                }
                if catalog.relation_in(s, name).is_some() {
                    return None;
                }
            }
            None
        }
    }
}

/// The rows of a system relation, computed now.
pub fn scan(rel: &'static SystemRelation, sys: &SystemContext<'_>) -> Result<Vec<Vec<Value>>> {
    let mut out = Rows::new(rel);
    match rel.name {
        "pg_namespace" => pg_class::pg_namespace(sys, &mut out),
        "pg_class" => pg_class::pg_class(sys, &mut out),
        "pg_attribute" => pg_class::pg_attribute(sys, &mut out),
        "pg_attrdef" => pg_class::pg_attrdef(sys, &mut out),
        "pg_index" => pg_class::pg_index(sys, &mut out),
        "pg_sequence" => pg_class::pg_sequence(sys, &mut out),
        "pg_description" => pg_class::pg_description(sys, &mut out),
        "pg_constraint" => pg_constraint::pg_constraint(sys, &mut out),
        "pg_type" => pg_type::pg_type(sys, &mut out),
        "pg_am" => pg_type::pg_am(&mut out),
        "pg_opclass" => pg_opclass::pg_opclass(&mut out),
        "pg_collation" => pg_type::pg_collation(&mut out),
        "pg_proc" => pg_proc::pg_proc(&mut out),
        "pg_database" => pg_server::pg_database(sys, &mut out),
        "pg_authid" => pg_server::pg_authid(sys, &mut out),
        "pg_roles" => pg_server::pg_roles(sys, &mut out),
        "pg_user" => pg_server::pg_user(sys, &mut out),
        "pg_auth_members" => pg_server::pg_auth_members(sys, &mut out),
        "pg_tablespace" => pg_server::pg_tablespace(&mut out),
        "pg_settings" => pg_server::pg_settings(sys, &mut out),
        "pg_stat_activity" => pg_stat_activity::pg_stat_activity(sys, &mut out),
        "pg_stat_ssl" => pg_stat_activity::pg_stat_ssl(sys, &mut out),
        "pg_locks" => pg_locks::pg_locks(sys, &mut out),
        "pg_language" => pg_server::pg_language(&mut out),
        "pg_tables" => pg_views::pg_tables(sys, &mut out),
        "pg_views" => pg_views::pg_views(sys, &mut out),
        "pg_indexes" => pg_views::pg_indexes(sys, &mut out)?,
        "pg_sequences" => pg_views::pg_sequences(sys, &mut out),
        "pg_prepared_statements" => pg_portals::pg_prepared_statements(sys, &mut out),
        "pg_cursors" => pg_portals::pg_cursors(sys, &mut out),
        "schemata" => information_schema::schemata(sys, &mut out),
        "tables" => information_schema::tables(sys, &mut out),
        "columns" => information_schema::columns(sys, &mut out),
        "views" => information_schema::views(sys, &mut out),
        "table_constraints" => information_schema::table_constraints(sys, &mut out),
        "key_column_usage" => information_schema::key_column_usage(sys, &mut out),
        "referential_constraints" => information_schema::referential_constraints(sys, &mut out),
        "constraint_column_usage" => information_schema::constraint_column_usage(sys, &mut out),
        "check_constraints" => information_schema::check_constraints(sys, &mut out),
        "sequences" => information_schema::sequences(sys, &mut out),
        "routines" => information_schema::routines(sys, &mut out),
        // Features Assay does not have: no rows.
        _ => {}
    }
    Ok(out.into_rows())
}
