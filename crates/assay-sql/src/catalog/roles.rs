//! Roles and role membership: `pg_authid` and `pg_auth_members`.
//!
//! # Where roles live
//!
//! PostgreSQL's roles belong to the cluster, not to a database. In Assay a
//! database is one file, so a file keeps roles in its own catalog (the
//! `sys.catalog` tree: kind 7 a [`Role`] by OID, kind 8 a [`Membership`]
//! by role and member OIDs), changed through the caller's transaction like
//! any catalog object:
//!
//! * An embedded database (the shell, the library) has its own roles.
//! * A server's cluster keeps its roles in the `postgres` database's file.
//!   The server hands every other database's
//!   [`Engine`](crate::session::Engine) that engine as its *roles home*:
//!   sessions there read the home's roles (refreshed before each statement
//!   when the home's catalog changed), and role statements run there in a
//!   transaction of their own, committed at once. So `CREATE ROLE` in any
//!   database is seen by all databases and by authentication; only in the
//!   `postgres` database (and embedded) does it roll back with its block.
//!
//! The bootstrap superuser `postgres` (OID 10) always exists; it is stored
//! only once changed (a password, a setting). Role OIDs come from the
//! catalog's OID counter, as other user objects' do.

use std::collections::BTreeMap;
use std::sync::Arc;

use assay_storage::{Result, Transaction};
use serde::{Deserialize, Serialize};

use super::model::Oid;
use super::store::{key, to_json, Catalog, KIND_MEMBER, KIND_ROLE};

/// The bootstrap superuser's OID and name, as in PostgreSQL.
pub const BOOTSTRAP_SUPERUSER: Oid = 10;
pub const BOOTSTRAP_SUPERUSER_NAME: &str = "postgres";

/// A role (`pg_authid`'s row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub oid: Oid,
    pub name: String,
    pub superuser: bool,
    pub inherit: bool,
    pub create_role: bool,
    pub create_db: bool,
    pub login: bool,
    pub replication: bool,
    pub bypass_rls: bool,
    /// -1: no limit.
    pub connection_limit: i32,
    /// The stored secret (SCRAM or md5; see `password.rs`).
    pub password: Option<String>,
    /// `VALID UNTIL`, µs since 2000-01-01 UTC (`timestamptz`).
    pub valid_until: Option<i64>,
    /// `ALTER ROLE … SET`: `name=value` defaults for the role's sessions.
    #[serde(default)]
    pub config: Vec<String>,
}

impl Role {
    /// A role as CREATE ROLE makes it before its options apply.
    pub fn new(name: &str) -> Role {
        Role {
            oid: 0,
            name: name.to_string(),
            superuser: false,
            inherit: true,
            create_role: false,
            create_db: false,
            login: false,
            replication: false,
            bypass_rls: false,
            connection_limit: -1,
            password: None,
            valid_until: None,
            config: Vec::new(),
        }
    }

    fn bootstrap() -> Role {
        Role {
            oid: BOOTSTRAP_SUPERUSER,
            superuser: true,
            create_role: true,
            create_db: true,
            login: true,
            replication: true,
            bypass_rls: true,
            ..Role::new(BOOTSTRAP_SUPERUSER_NAME)
        }
    }

    /// The role's parameter defaults as (name, value) pairs.
    pub fn settings(&self) -> impl Iterator<Item = (&str, &str)> {
        self.config.iter().filter_map(|c| c.split_once('='))
    }
}

/// `member` belongs to `role` (`pg_auth_members`' row).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub role: Oid,
    pub member: Oid,
    pub grantor: Oid,
    pub admin: bool,
}

/// Every role and membership of a catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleSet {
    roles: BTreeMap<Oid, Role>,
    members: BTreeMap<(Oid, Oid), Membership>,
}

impl Default for RoleSet {
    fn default() -> RoleSet {
        let mut roles = BTreeMap::new();
        roles.insert(BOOTSTRAP_SUPERUSER, Role::bootstrap());
        RoleSet {
            roles,
            members: BTreeMap::new(),
        }
    }
}

impl RoleSet {
    pub fn get(&self, oid: Oid) -> Option<&Role> {
        self.roles.get(&oid)
    }

    pub fn by_name(&self, name: &str) -> Option<&Role> {
        self.roles.values().find(|r| r.name == name)
    }

    /// Roles in OID order.
    pub fn iter(&self) -> impl Iterator<Item = &Role> {
        self.roles.values()
    }

    pub fn memberships(&self) -> impl Iterator<Item = &Membership> {
        self.members.values()
    }

    pub fn membership(&self, role: Oid, member: Oid) -> Option<&Membership> {
        self.members.get(&(role, member))
    }

    /// Whether `member` is `role` or belongs to it, directly or through
    /// other roles (PostgreSQL's `is_member_of_role_nosuper`).
    pub fn is_member(&self, member: Oid, role: Oid) -> bool {
        let mut seen = vec![member];
        let mut at = 0;
        while at < seen.len() {
            let m = seen[at];
            if m == role {
                return true;
            }
            for ms in self.members.values().filter(|ms| ms.member == m) {
                if !seen.contains(&ms.role) {
                    seen.push(ms.role);
                }
            }
            at += 1;
        }
        false
    }
}

impl Catalog {
    /// The roles this catalog holds (or, in a server's database other than
    /// `postgres`, the cluster's roles it was given).
    pub fn roles(&self) -> &Arc<RoleSet> {
        &self.roles
    }

    /// Puts the cluster's roles in place of this catalog's own (in memory
    /// only; see the module documentation).
    pub fn set_roles(&mut self, roles: Arc<RoleSet>) {
        self.roles = roles;
    }

    pub(super) fn load_role(&mut self, role: Role) {
        Arc::make_mut(&mut self.roles).roles.insert(role.oid, role);
    }

    pub(super) fn load_membership(&mut self, m: Membership) {
        Arc::make_mut(&mut self.roles)
            .members
            .insert((m.role, m.member), m);
    }

    /// Stores a new role (`oid` 0) or a changed one; returns its OID.
    pub fn save_role(&mut self, txn: &mut Transaction, mut role: Role) -> Result<Oid> {
        if role.oid == 0 {
            role.oid = self.new_oid();
        }
        let t = self.touch(txn)?;
        t.insert(txn, &key(KIND_ROLE, role.oid), &to_json(&role))?;
        let oid = role.oid;
        self.load_role(role);
        Ok(oid)
    }

    /// Removes a role and every membership it has or grants.
    pub fn delete_role(&mut self, txn: &mut Transaction, oid: Oid) -> Result<()> {
        let t = self.touch(txn)?;
        t.delete(txn, &key(KIND_ROLE, oid))?;
        let set = Arc::make_mut(&mut self.roles);
        set.roles.remove(&oid);
        let gone: Vec<(Oid, Oid)> = set
            .members
            .keys()
            .filter(|(r, m)| *r == oid || *m == oid)
            .copied()
            .collect();
        for (role, member) in gone {
            t.delete(txn, &member_key(role, member))?;
            set.members.remove(&(role, member));
        }
        Ok(())
    }

    /// Stores a membership (new, or with a changed admin option).
    pub fn save_membership(&mut self, txn: &mut Transaction, m: Membership) -> Result<()> {
        let t = self.touch(txn)?;
        t.insert(txn, &member_key(m.role, m.member), &to_json(&m))?;
        self.load_membership(m);
        Ok(())
    }

    pub fn delete_membership(
        &mut self,
        txn: &mut Transaction,
        role: Oid,
        member: Oid,
    ) -> Result<()> {
        let t = self.touch(txn)?;
        t.delete(txn, &member_key(role, member))?;
        Arc::make_mut(&mut self.roles)
            .members
            .remove(&(role, member));
        Ok(())
    }
}

/// `8 · role:u32 BE · member:u32 BE`.
pub(super) fn member_key(role: Oid, member: Oid) -> [u8; 9] {
    let mut k = [KIND_MEMBER, 0, 0, 0, 0, 0, 0, 0, 0];
    k[1..5].copy_from_slice(&role.to_be_bytes());
    k[5..].copy_from_slice(&member.to_be_bytes());
    k
}
