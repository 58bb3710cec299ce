//! Applying `set_config` calls once their statement is done (see
//! `functions::config`): as `SET` would, and only if the statement
//! succeeded. A local change outside a transaction block ends with its
//! statement's implicit transaction, so it leaves nothing behind.

use assay_storage::Result;

use super::Session;
use crate::functions::SettingChange;

impl Session {
    pub(super) fn apply_setting_changes(
        &mut self,
        changes: Vec<SettingChange>,
        succeeded: bool,
    ) -> Result<()> {
        if !succeeded {
            return Ok(());
        }
        let in_block = self.block.as_ref().is_some_and(|b| b.explicit);
        for change in changes {
            if change.local && !in_block {
                continue;
            }
            self.settings
                .set(&change.name, Some(&change.value), change.local, in_block)?;
        }
        Ok(())
    }
}
