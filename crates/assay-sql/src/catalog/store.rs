//! The in-memory [`Catalog`] and its persistence in the `sys.catalog` tree.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use assay_storage::{corrupt, BTree, Result, Transaction};
use rustc_hash::FxHashMap;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::model::*;

/// Name of the tree holding every catalog object.
pub const CATALOG_TREE: &[u8] = b"sys.catalog";

/// Key kinds in `sys.catalog`: `kind:u8 · oid:u32 BE [· sub:i32 BE]`.
pub(super) const KIND_META: u8 = 0;
pub(super) const KIND_SCHEMA: u8 = 1;
pub(super) const KIND_TABLE: u8 = 2;
pub(super) const KIND_SEQUENCE: u8 = 3;
pub(super) const KIND_COMMENT: u8 = 4;
pub(super) const KIND_STATS: u8 = 5;
/// A database-wide default of a run-time parameter (`ALTER DATABASE … SET`).
pub(super) const KIND_SETTING: u8 = 6;
/// A role, and a role membership (see `roles.rs`).
pub(super) const KIND_ROLE: u8 = 7;
pub(super) const KIND_MEMBER: u8 = 8;
/// Meta keys (after `KIND_META`).
const META_VERSION: &[u8] = &[KIND_META, b'v'];
const META_NEXT_OID: &[u8] = &[KIND_META, b'o'];
/// Format of the JSON objects; bumped on incompatible changes.
const META_FORMAT: &[u8] = &[KIND_META, b'f'];
const FORMAT: u32 = 1;

/// Identifies a catalog state: a counter bumped by every DDL, plus a token
/// unique to the process and the change, so that two connections that each
/// made (and one rolled back) a change never mistake one for the other.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CatalogVersion {
    pub counter: u64,
    pub token: u64,
}

impl CatalogVersion {
    fn encode(self) -> [u8; 16] {
        let mut b = [0; 16];
        b[..8].copy_from_slice(&self.counter.to_le_bytes());
        b[8..].copy_from_slice(&self.token.to_le_bytes());
        b
    }

    fn decode(b: &[u8]) -> Result<CatalogVersion> {
        let b: [u8; 16] = b
            .try_into()
            .map_err(|_| corrupt!("catalog version is damaged"))?;
        let (c, t) = b.split_at(8);
        Ok(CatalogVersion {
            counter: u64::from_le_bytes(c.try_into().unwrap_or_default()),
            token: u64::from_le_bytes(t.try_into().unwrap_or_default()),
        })
    }

    fn next(self) -> CatalogVersion {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        // Random per process (no clock: wasm32 has none), unique per change.
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let seed = std::hash::BuildHasher::hash_one(&std::hash::RandomState::new(), n);
        CatalogVersion {
            counter: self.counter + 1,
            token: seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (&COUNTER as *const _ as u64),
        }
    }
}

/// A relation name in a schema: what it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelRef {
    Table(Oid),
    /// An index: (table, index).
    Index(Oid, Oid),
    Sequence(Oid),
}

/// The whole catalog of one database, loaded in memory.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub(super) version: CatalogVersion,
    pub(super) next_oid: Oid,
    pub(super) schemas: FxHashMap<Oid, Schema>,
    pub(super) schema_names: FxHashMap<String, Oid>,
    pub(super) tables: FxHashMap<Oid, Arc<Table>>,
    pub(super) sequences: FxHashMap<Oid, Arc<Sequence>>,
    /// (schema, name) → relation: tables, views, indexes and sequences
    /// share one namespace per schema, as in PostgreSQL.
    pub(super) relations: FxHashMap<(Oid, String), RelRef>,
    pub(super) comments: BTreeMap<CommentTarget, String>,
    pub(super) stats: FxHashMap<Oid, Arc<TableStats>>,
    /// Parameter defaults for new sessions: lower-case name → value.
    pub(super) settings: BTreeMap<String, String>,
    /// Roles and memberships (see `roles.rs`).
    pub(super) roles: Arc<super::roles::RoleSet>,
}

pub(super) fn key(kind: u8, oid: Oid) -> [u8; 5] {
    let mut k = [kind, 0, 0, 0, 0];
    k[1..].copy_from_slice(&oid.to_be_bytes());
    k
}

fn comment_key(t: CommentTarget) -> [u8; 9] {
    let mut k = [KIND_COMMENT, 0, 0, 0, 0, 0, 0, 0, 0];
    k[1..5].copy_from_slice(&t.oid.to_be_bytes());
    k[5..].copy_from_slice(&t.sub.to_be_bytes());
    k
}

fn parse<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| corrupt!("catalog {what} is damaged: {e}"))
}

pub(super) fn to_json<T: Serialize>(v: &T) -> Vec<u8> {
    // Serializing plain structs of strings and numbers cannot fail.
    serde_json::to_vec(v).unwrap_or_default()
}

impl Catalog {
    /// The catalog of a database without user objects.
    pub fn bootstrap() -> Catalog {
        let mut c = Catalog {
            next_oid: FIRST_USER_OID,
            ..Catalog::default()
        };
        for (oid, name) in [
            (PG_CATALOG_OID, "pg_catalog"),
            (PUBLIC_OID, "public"),
            (INFORMATION_SCHEMA_OID, "information_schema"),
        ] {
            c.index_schema(Schema {
                oid,
                name: name.to_string(),
                temp: false,
            });
        }
        c
    }

    /// Loads the catalog as `txn` sees it (the bootstrap catalog if the
    /// database has none yet).
    pub fn load(txn: &Transaction) -> Result<Catalog> {
        let Some(tree) = txn.open_tree(CATALOG_TREE)? else {
            return Ok(Catalog::bootstrap());
        };
        let mut c = Catalog::default();
        let mut cur = tree.cursor();
        let mut more = cur.first(txn)?;
        while more {
            let k = cur.key().unwrap_or_default().to_vec();
            let v = cur.value(txn)?.unwrap_or_default();
            c.load_entry(&k, &v)?;
            more = cur.next(txn)?;
        }
        if c.next_oid < FIRST_USER_OID {
            return Err(corrupt!("catalog has no OID counter"));
        }
        c.complete_composite_columns();
        Ok(c)
    }

    fn load_entry(&mut self, k: &[u8], v: &[u8]) -> Result<()> {
        match k.first().copied() {
            Some(KIND_META) => match k {
                META_VERSION => self.version = CatalogVersion::decode(v)?,
                META_NEXT_OID => {
                    self.next_oid = u32::from_le_bytes(
                        v.try_into()
                            .map_err(|_| corrupt!("catalog OID counter is damaged"))?,
                    )
                }
                META_FORMAT => {
                    let f = v.first().copied().unwrap_or(0);
                    if u32::from(f) != FORMAT {
                        return Err(corrupt!("catalog format {f} is not supported"));
                    }
                }
                _ => {}
            },
            Some(KIND_SCHEMA) => self.index_schema(parse(v, "schema")?),
            Some(KIND_TABLE) => self.index_table(Arc::new(parse(v, "table")?)),
            Some(KIND_SEQUENCE) => self.index_sequence(Arc::new(parse(v, "sequence")?)),
            Some(KIND_COMMENT) if k.len() == 9 => {
                let oid = u32::from_be_bytes([k[1], k[2], k[3], k[4]]);
                let sub = i32::from_be_bytes([k[5], k[6], k[7], k[8]]);
                self.comments
                    .insert(CommentTarget { oid, sub }, parse(v, "comment")?);
            }
            Some(KIND_STATS) if k.len() == 5 => {
                let oid = u32::from_be_bytes([k[1], k[2], k[3], k[4]]);
                self.stats.insert(oid, Arc::new(parse(v, "statistics")?));
            }
            Some(KIND_SETTING) => {
                let name = String::from_utf8(k[1..].to_vec())
                    .map_err(|_| corrupt!("catalog setting name is damaged"))?;
                self.settings.insert(name, parse(v, "setting")?);
            }
            Some(KIND_ROLE) => self.load_role(parse(v, "role")?),
            Some(KIND_MEMBER) => self.load_membership(parse(v, "role membership")?),
            _ => return Err(corrupt!("catalog has an unknown entry")),
        }
        Ok(())
    }

    /// Columns of composite types are stored by the type's OID; once every
    /// type is loaded they get the full type (fields and names).
    fn complete_composite_columns(&mut self) {
        let bare = |t: &Table| {
            t.columns
                .iter()
                .any(|c| c.ty != self.complete_type(&c.ty, 0))
        };
        let oids: Vec<Oid> = self
            .tables
            .values()
            .filter(|t| bare(t))
            .map(|t| t.oid)
            .collect();
        for oid in oids {
            let mut t = (*self.tables[&oid]).clone();
            for c in &mut t.columns {
                c.ty = self.complete_type(&c.ty, 0);
            }
            self.tables.insert(oid, Arc::new(t));
        }
    }

    /// The version this copy was loaded at (or last changed to).
    pub fn version(&self) -> CatalogVersion {
        self.version
    }

    /// The version stored in the database as `txn` sees it.
    pub fn stored_version(txn: &Transaction) -> Result<CatalogVersion> {
        let Some(tree) = txn.open_tree(CATALOG_TREE)? else {
            return Ok(CatalogVersion::default());
        };
        match tree.get(txn, META_VERSION)? {
            Some(v) => CatalogVersion::decode(&v),
            None => Ok(CatalogVersion::default()),
        }
    }

    /// Whether this copy is what `txn` sees; if not, call [`Catalog::load`].
    /// Call before each statement (another connection may have run DDL, or
    /// this one rolled some back).
    pub fn is_current(&self, txn: &Transaction) -> Result<bool> {
        Ok(Catalog::stored_version(txn)? == self.version)
    }

    pub(super) fn index_schema(&mut self, s: Schema) {
        self.schema_names.insert(s.name.clone(), s.oid);
        self.schemas.insert(s.oid, s);
    }

    pub(super) fn index_table(&mut self, t: Arc<Table>) {
        self.relations
            .insert((t.schema, t.name.clone()), RelRef::Table(t.oid));
        for i in &t.indexes {
            self.relations
                .insert((t.schema, i.name.clone()), RelRef::Index(t.oid, i.oid));
        }
        self.tables.insert(t.oid, t);
    }

    pub(super) fn unindex_table(&mut self, oid: Oid) -> Option<Arc<Table>> {
        let t = self.tables.remove(&oid)?;
        self.relations.remove(&(t.schema, t.name.clone()));
        for i in &t.indexes {
            self.relations.remove(&(t.schema, i.name.clone()));
        }
        Some(t)
    }

    pub(super) fn index_sequence(&mut self, s: Arc<Sequence>) {
        self.relations
            .insert((s.schema, s.name.clone()), RelRef::Sequence(s.oid));
        self.sequences.insert(s.oid, s);
    }

    // ---- writing ----

    /// The catalog tree, created (with the bootstrap schemas) on first use.
    fn tree(&mut self, txn: &mut Transaction) -> Result<BTree> {
        if let Some(t) = txn.open_tree(CATALOG_TREE)? {
            return Ok(t);
        }
        let t = txn.create_tree(CATALOG_TREE)?;
        t.insert(txn, META_FORMAT, &[FORMAT as u8])?;
        for s in self.schemas.values() {
            t.insert(txn, &key(KIND_SCHEMA, s.oid), &to_json(s))?;
        }
        Ok(t)
    }

    /// Records that the catalog changed: bumps the version in memory and in
    /// `txn`, and saves the OID counter.
    pub(super) fn touch(&mut self, txn: &mut Transaction) -> Result<BTree> {
        let t = self.tree(txn)?;
        self.version = self.version.next();
        t.insert(txn, META_VERSION, &self.version.encode())?;
        t.insert(txn, META_NEXT_OID, &self.next_oid.to_le_bytes())?;
        Ok(t)
    }

    /// A fresh OID for a user object.
    pub(super) fn new_oid(&mut self) -> Oid {
        let oid = self.next_oid;
        self.next_oid += 1;
        oid
    }

    pub(super) fn save_schema(&mut self, txn: &mut Transaction, s: Schema) -> Result<()> {
        let t = self.touch(txn)?;
        t.insert(txn, &key(KIND_SCHEMA, s.oid), &to_json(&s))?;
        self.index_schema(s);
        Ok(())
    }

    pub(super) fn delete_schema(&mut self, txn: &mut Transaction, oid: Oid) -> Result<()> {
        let t = self.touch(txn)?;
        t.delete(txn, &key(KIND_SCHEMA, oid))?;
        if let Some(s) = self.schemas.remove(&oid) {
            self.schema_names.remove(&s.name);
        }
        Ok(())
    }

    /// Saves a new or changed table, replacing the old version in memory.
    pub(super) fn save_table(&mut self, txn: &mut Transaction, table: Table) -> Result<Arc<Table>> {
        let t = self.touch(txn)?;
        t.insert(txn, &key(KIND_TABLE, table.oid), &to_json(&table))?;
        self.unindex_table(table.oid);
        let table = Arc::new(table);
        self.index_table(table.clone());
        Ok(table)
    }

    pub(super) fn delete_table(&mut self, txn: &mut Transaction, oid: Oid) -> Result<()> {
        let t = self.touch(txn)?;
        t.delete(txn, &key(KIND_TABLE, oid))?;
        t.delete(txn, &key(KIND_STATS, oid))?;
        self.unindex_table(oid);
        self.stats.remove(&oid);
        self.delete_comments(txn, &t, oid)
    }

    pub(super) fn save_sequence(&mut self, txn: &mut Transaction, s: Sequence) -> Result<()> {
        let t = self.touch(txn)?;
        t.insert(txn, &key(KIND_SEQUENCE, s.oid), &to_json(&s))?;
        if let Some(old) = self.sequences.remove(&s.oid) {
            self.relations.remove(&(old.schema, old.name.clone()));
        }
        self.index_sequence(Arc::new(s));
        Ok(())
    }

    pub(super) fn delete_sequence(&mut self, txn: &mut Transaction, oid: Oid) -> Result<()> {
        let t = self.touch(txn)?;
        t.delete(txn, &key(KIND_SEQUENCE, oid))?;
        if let Some(s) = self.sequences.remove(&oid) {
            self.relations.remove(&(s.schema, s.name.clone()));
        }
        self.delete_comments(txn, &t, oid)
    }

    fn delete_comments(&mut self, txn: &mut Transaction, t: &BTree, oid: Oid) -> Result<()> {
        let targets: Vec<CommentTarget> = self
            .comments
            .range(CommentTarget { oid, sub: i32::MIN }..=CommentTarget { oid, sub: i32::MAX })
            .map(|(k, _)| *k)
            .collect();
        for target in targets {
            t.delete(txn, &comment_key(target))?;
            self.comments.remove(&target);
        }
        Ok(())
    }

    /// Sets (or with `None` removes) the comment on an object.
    pub fn set_comment(
        &mut self,
        txn: &mut Transaction,
        target: CommentTarget,
        text: Option<&str>,
    ) -> Result<()> {
        let t = self.touch(txn)?;
        match text {
            Some(text) => {
                t.insert(txn, &comment_key(target), &to_json(&text))?;
                self.comments.insert(target, text.to_string());
            }
            None => {
                t.delete(txn, &comment_key(target))?;
                self.comments.remove(&target);
            }
        }
        Ok(())
    }

    pub fn comment(&self, target: CommentTarget) -> Option<&str> {
        self.comments.get(&target).map(String::as_str)
    }

    /// Stores ANALYZE's statistics of a table.
    pub fn set_stats(
        &mut self,
        txn: &mut Transaction,
        table: Oid,
        stats: TableStats,
    ) -> Result<()> {
        let t = self.touch(txn)?;
        t.insert(txn, &key(KIND_STATS, table), &to_json(&stats))?;
        self.stats.insert(table, Arc::new(stats));
        Ok(())
    }

    pub fn stats(&self, table: Oid) -> Option<&Arc<TableStats>> {
        self.stats.get(&table)
    }

    /// Sets (or with `None` removes) a database-wide parameter default.
    pub fn set_database_setting(
        &mut self,
        txn: &mut Transaction,
        name: &str,
        value: Option<&str>,
    ) -> Result<()> {
        let t = self.touch(txn)?;
        let mut k = vec![KIND_SETTING];
        k.extend_from_slice(name.as_bytes());
        match value {
            Some(v) => {
                t.insert(txn, &k, &to_json(&v))?;
                self.settings.insert(name.to_string(), v.to_string());
            }
            None => {
                t.delete(txn, &k)?;
                self.settings.remove(name);
            }
        }
        Ok(())
    }

    /// The database-wide parameter defaults, by lower-case name.
    pub fn database_settings(&self) -> &BTreeMap<String, String> {
        &self.settings
    }
}
