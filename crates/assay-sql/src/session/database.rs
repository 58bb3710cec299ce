//! Database-wide parameter defaults: `ALTER DATABASE name SET/RESET`.
//!
//! Defaults live in the database's own catalog (so they travel with the
//! file) and are applied to each new session before the client's startup
//! options, as PostgreSQL applies `pg_db_role_setting` before a
//! connection's `options`. Which database a statement names is the
//! server's business: it runs the statement in a session of that database.

use assay_storage::{err, Result, SqlState};

use super::{Session, SessionSettings, StatementResult};
use crate::ast::{AlterDatabase, SetValue};

impl Session {
    /// `ALTER DATABASE … SET | RESET` on this session's database.
    pub(super) fn alter_database(&mut self, action: &AlterDatabase) -> Result<StatementResult> {
        let (name, value) = match action {
            AlterDatabase::Set { name, values } => (Some(name.as_str()), set_text(values)),
            AlterDatabase::Reset(name) => (name.as_deref(), None),
            AlterDatabase::RenameTo(_) => {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "renaming a database is done by the server"
                ))
            }
            AlterDatabase::Options(_) => return Ok(StatementResult::command("ALTER DATABASE")),
        };
        let block = self.block.as_mut().ok_or_else(super::no_block)?;
        let catalog = std::sync::Arc::make_mut(&mut self.catalog);
        match name {
            Some(name) => {
                let lower = name.to_ascii_lowercase();
                if let Some(v) = &value {
                    // Check the value the way SET would, on a scratch copy.
                    SessionSettings::default().set(&lower, Some(v), false, false)?;
                } else {
                    SessionSettings::display_name(&lower)?;
                }
                catalog.set_database_setting(&mut block.txn, &lower, value.as_deref())?;
            }
            None => {
                let names: Vec<String> = catalog.database_settings().keys().cloned().collect();
                for n in names {
                    catalog.set_database_setting(&mut block.txn, &n, None)?;
                }
            }
        }
        Ok(StatementResult::command("ALTER DATABASE"))
    }

    /// Applies the database's parameter defaults to this (new) session.
    /// A default that no longer applies is skipped, as PostgreSQL warns and
    /// goes on.
    pub fn apply_database_settings(&mut self) -> Result<()> {
        self.refresh_catalog()?;
        let defaults = self.catalog.database_settings().clone();
        for (name, value) in defaults {
            let _ = self.settings.set(&name, Some(&value), false, false);
        }
        Ok(())
    }
}

/// The text `SET name TO values` would give the parameter (`None`:
/// `DEFAULT`).
pub(super) fn set_text(values: &[SetValue]) -> Option<String> {
    if values.is_empty() || values.iter().any(|v| matches!(v, SetValue::Default)) {
        return None;
    }
    Some(
        values
            .iter()
            .map(|v| match v {
                SetValue::Ident(s) | SetValue::String(s) | SetValue::Number(s) => s.clone(),
                SetValue::Default => String::new(),
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}
