//! Every system relation's rows fit its columns, on an empty catalog and
//! on one with objects of every kind.

use super::*;
use crate::catalog::{Catalog, SearchPath};

fn check_all(catalog: &Catalog) {
    let path = SearchPath::default();
    let sys = SystemContext::new(catalog, &path);
    for rel in all_relations() {
        let spec = RELATIONS.iter().find(|r| r.0 == rel.oid).map(|r| r.4);
        let declared = spec.map_or(0, |s| s.split(", ").count());
        assert_eq!(
            rel.columns.len(),
            declared,
            "{}: a column type did not parse",
            rel.name
        );
        let rows = scan(rel, &sys).unwrap();
        for row in rows {
            assert_eq!(row.len(), rel.columns.len(), "{}", rel.name);
        }
    }
}

#[test]
fn relations_have_unique_names_and_oids() {
    let rels: Vec<_> = all_relations().collect();
    for (i, a) in rels.iter().enumerate() {
        for b in &rels[i + 1..] {
            assert_ne!(a.oid, b.oid);
            assert!(a.name != b.name || a.schema != b.schema);
        }
    }
    assert_eq!(
        relation_named(PG_CATALOG_OID, "pg_class").unwrap().oid,
        1259
    );
    assert!(relation_named(crate::catalog::PUBLIC_OID, "pg_class").is_none());
}

#[test]
fn rows_fit_columns_on_the_bootstrap_catalog() {
    check_all(&Catalog::bootstrap());
}
