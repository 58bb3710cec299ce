//! `DISCARD ALL | PLANS | SEQUENCES | TEMP`: giving a session back its
//! fresh state, as a connection pool does before handing a connection on.
//!
//! `DISCARD ALL` is PostgreSQL's sequence `CLOSE ALL; RESET ALL;
//! DEALLOCATE ALL; UNLISTEN *; DISCARD PLANS; DISCARD TEMP; DISCARD
//! SEQUENCES`, and like PostgreSQL's it refuses to run inside a
//! transaction block (where it could not undo itself on rollback).

use std::sync::Arc;

use assay_storage::{err, Result, SqlState};

use super::{no_block, Session, StatementResult};
use crate::ast::DiscardTarget;
use crate::catalog::SequenceSession;

impl Session {
    pub(super) fn discard(&mut self, target: DiscardTarget) -> Result<StatementResult> {
        match target {
            DiscardTarget::All => {
                if self.block.as_ref().is_some_and(|b| b.explicit) {
                    return Err(err!(
                        SqlState::ACTIVE_SQL_TRANSACTION,
                        "DISCARD ALL cannot run inside a transaction block"
                    ));
                }
                // Outside a block only held cursors remain, which hold no
                // transaction state.
                self.cursors.clear();
                self.settings.reset_all(false)?;
                self.reset_authorization();
                self.deallocate(None)?;
                // UNLISTEN *, at once: there is no transaction to wait for.
                self.engine
                    .notifications()
                    .apply(self.id, &[super::ListenAction::UnlistenAll]);
                self.discard_plans();
                self.discard_temp()?;
                self.sequences = SequenceSession::new();
                Ok(StatementResult::command("DISCARD ALL"))
            }
            DiscardTarget::Plans => {
                self.discard_plans();
                Ok(StatementResult::command("DISCARD PLANS"))
            }
            DiscardTarget::Sequences => {
                self.sequences = SequenceSession::new();
                Ok(StatementResult::command("DISCARD SEQUENCES"))
            }
            DiscardTarget::Temp => {
                self.discard_temp()?;
                Ok(StatementResult::command("DISCARD TEMP"))
            }
        }
    }

    fn discard_plans(&mut self) {
        self.plans.clear();
        self.prepared.forget_plans();
    }

    /// Drops the session's temporary schema and everything in it.
    fn discard_temp(&mut self) -> Result<()> {
        if self.temp_schema.is_none() {
            return Ok(());
        }
        self.in_block(true, |s| {
            let mut path = s.search_path();
            let block = s.block.as_mut().ok_or_else(no_block)?;
            let catalog = Arc::make_mut(&mut s.catalog);
            crate::ddl::drop_temp_schema(catalog, &mut block.txn, &mut path)?;
            s.temp_schema = path.temp_schema;
            Ok(())
        })
    }
}
