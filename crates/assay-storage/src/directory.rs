//! The tree directory: named B+trees inside one database.
//!
//! Upper layers keep many trees (the SQL catalog, one per table, one per
//! index). The directory is itself a B+tree, rooted at the header's catalog
//! root, mapping a tree's name (bytes) to its root page. It is created by
//! the first `create_tree`. Because every tree is reachable from here, the
//! integrity check can account for every page of the file.
//!
//! Directory value layout: root page (u32, little-endian); later versions may
//! append fields, so readers take the first four bytes.

use crate::btree::BTree;
use crate::page::PageNo;
use crate::pager::Transaction;
use crate::{corrupt, err, Result, SqlState};

impl Transaction {
    /// Creates an empty tree named `name`; fails with 42710 if it exists.
    pub fn create_tree(&mut self, name: &[u8]) -> Result<BTree> {
        let directory = self.directory_for_write()?;
        if directory.contains(self, name)? {
            return Err(err!(
                SqlState::DUPLICATE_OBJECT,
                "tree \"{}\" already exists",
                String::from_utf8_lossy(name)
            ));
        }
        let tree = BTree::create(self)?;
        directory.insert(self, name, &tree.root().to_le_bytes())?;
        Ok(tree)
    }

    /// The tree named `name`, if it exists.
    pub fn open_tree(&self, name: &[u8]) -> Result<Option<BTree>> {
        let root = self.catalog_root()?;
        if root == 0 {
            return Ok(None);
        }
        let Some(value) = BTree::open(root).get(self, name)? else {
            return Ok(None);
        };
        Ok(Some(BTree::open(decode_root(&value, name)?)))
    }

    /// Drops the tree named `name` and frees its pages; false if absent.
    pub fn drop_tree(&mut self, name: &[u8]) -> Result<bool> {
        let Some(tree) = self.open_tree(name)? else {
            return Ok(false);
        };
        let directory = self.directory_for_write()?;
        tree.destroy(self)?;
        directory.delete(self, name)?;
        Ok(true)
    }

    /// Every tree, in name order: (name, root page).
    pub fn trees(&self) -> Result<Vec<(Vec<u8>, PageNo)>> {
        let root = self.catalog_root()?;
        let mut out = Vec::new();
        if root == 0 {
            return Ok(out);
        }
        let mut cursor = BTree::open(root).cursor();
        let mut more = cursor.first(self)?;
        while more {
            let name = cursor.key().unwrap_or_default().to_vec();
            let value = cursor.value(self)?.unwrap_or_default();
            let page = decode_root(&value, &name)?;
            out.push((name, page));
            more = cursor.next(self)?;
        }
        Ok(out)
    }

    fn directory_for_write(&mut self) -> Result<BTree> {
        let root = self.catalog_root()?;
        if root != 0 {
            return Ok(BTree::open(root));
        }
        let directory = BTree::create(self)?;
        self.set_catalog_root(directory.root())?;
        Ok(directory)
    }
}

fn decode_root(value: &[u8], name: &[u8]) -> Result<PageNo> {
    match value.get(..4) {
        Some(b) => Ok(PageNo::from_le_bytes([b[0], b[1], b[2], b[3]])),
        None => Err(corrupt!(
            "tree directory entry for \"{}\" is damaged",
            String::from_utf8_lossy(name)
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::vfs::MemoryVfs;
    use crate::{Pager, PagerOptions, TxnMode};

    #[test]
    fn trees_are_created_found_and_dropped() {
        let vfs = MemoryVfs::new();
        let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
        let mut txn = pager.begin(TxnMode::Deferred).unwrap();
        let t = txn.create_tree(b"t").unwrap();
        t.insert(&mut txn, b"k", b"v").unwrap();
        txn.create_tree(b"u").unwrap();
        assert_eq!(txn.create_tree(b"t").unwrap_err().code().as_str(), "42710");
        txn.commit().unwrap();
        drop(pager);
        let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
        let mut txn = pager.begin(TxnMode::Deferred).unwrap();
        let t = txn.open_tree(b"t").unwrap().unwrap();
        assert_eq!(t.get(&txn, b"k").unwrap().as_deref(), Some(&b"v"[..]));
        let names: Vec<Vec<u8>> = txn.trees().unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec![b"t".to_vec(), b"u".to_vec()]);
        assert!(txn.drop_tree(b"t").unwrap());
        assert!(!txn.drop_tree(b"t").unwrap());
        assert!(txn.open_tree(b"t").unwrap().is_none());
    }
}
