//! Who the session acts as: `SET ROLE`, `RESET ROLE`, `SET SESSION
//! AUTHORIZATION`, `RESET SESSION AUTHORIZATION`, and `SHOW role` /
//! `SHOW session_authorization`.
//!
//! PostgreSQL distinguishes three users. The *login* user is the role the
//! client authenticated as ([`Session::user`](super::Session)). The
//! *session* user (`session_user`) is the login user until a superuser
//! login changes it with `SET SESSION AUTHORIZATION`, which also drops any
//! `SET ROLE`. The *current* user (`current_user`, `current_role`, `user`)
//! is the `SET ROLE` role when one is set, else the session user; it is
//! the one privileges and role statements are checked against. `SET ROLE`
//! only reaches roles the session user is a member of (any role for a
//! superuser), else 42501 `permission denied to set role "x"`.
//!
//! Both behave as parameters do: a `SET` in a transaction that rolls back
//! is undone, `SET LOCAL` lasts until the transaction ends, `DISCARD ALL`
//! resets both. `RESET ALL` leaves them, as PostgreSQL's does (they are
//! `GUC_NO_RESET_ALL` there). Savepoints do not undo them.
//!
//! After every change the parameters `role`, `session_authorization` and
//! `is_superuser` (of the current user) are brought up to date in the
//! session's settings, so `current_setting`, `SHOW ALL`, `pg_settings` and
//! the server's ParameterStatus messages see them like any other.

use assay_storage::{err, Result, SqlState};

use super::{Notice, Session, StatementResult};
use crate::ast::SetValue;
use crate::types::{DataType, Value};

/// `(session user, role)`: `None` for the login user and for `NONE`.
type Identity = (Option<String>, Option<String>);

/// The session's `SET SESSION AUTHORIZATION` and `SET ROLE`.
#[derive(Clone, Debug, Default)]
pub(super) struct Authorization {
    session_user: Option<String>,
    role: Option<String>,
    /// The identity before the transaction first changed it.
    start: Option<Identity>,
    /// The identity the transaction's last plain `SET` left, which a
    /// commit keeps.
    committed: Option<Identity>,
}

impl Authorization {
    /// The session user, for a session that logged in as `login`.
    pub(super) fn session_user<'a>(&'a self, login: &'a str) -> &'a str {
        self.session_user.as_deref().unwrap_or(login)
    }

    /// The current user, for a session that logged in as `login`.
    pub(super) fn current_user<'a>(&'a self, login: &'a str) -> &'a str {
        match &self.role {
            Some(role) => role,
            None => self.session_user(login),
        }
    }

    fn identity(&self) -> Identity {
        (self.session_user.clone(), self.role.clone())
    }

    fn change(&mut self, to: Identity, local: bool, in_block: bool) {
        if in_block && self.start.is_none() {
            self.start = Some(self.identity());
        }
        (self.session_user, self.role) = to;
        if in_block && !local {
            self.committed = Some(self.identity());
        }
    }

    /// The transaction ended: a commit keeps what plain `SET`s left, a
    /// rollback goes back to the start.
    pub(super) fn end_transaction(&mut self, committed: bool) {
        let Some(start) = self.start.take() else {
            return;
        };
        let kept = self.committed.take().filter(|_| committed);
        (self.session_user, self.role) = kept.unwrap_or(start);
    }
}

/// The role name a `SET ROLE` / `SET SESSION AUTHORIZATION` value names;
/// `None` for `NONE` / `DEFAULT`.
fn named(values: &[SetValue], none_word: bool) -> Option<String> {
    match values {
        [SetValue::Ident(s)] if none_word && s == "none" => None,
        [SetValue::Ident(s) | SetValue::String(s)] => Some(s.clone()),
        _ => None,
    }
}

impl Session {
    /// `session_user`: the login user, or the one `SET SESSION
    /// AUTHORIZATION` chose.
    pub fn session_user(&self) -> &str {
        self.authorization.session_user(&self.user)
    }

    /// `current_user`: the `SET ROLE` role, else the session user.
    pub fn current_user(&self) -> &str {
        self.authorization.current_user(&self.user)
    }

    /// Whether `name` is one of this module's parameters.
    pub(super) fn is_authorization_parameter(name: &str) -> bool {
        name.eq_ignore_ascii_case("role") || name.eq_ignore_ascii_case("session_authorization")
    }

    /// `SET [LOCAL] ROLE …` / `SET [LOCAL] SESSION AUTHORIZATION …`, and
    /// their `RESET` (`values` empty).
    pub(super) fn set_authorization(
        &mut self,
        name: &str,
        values: &[SetValue],
        local: bool,
        tag: &'static str,
    ) -> Result<StatementResult> {
        let in_block = self.block.as_ref().is_some_and(|b| b.explicit);
        if local && !in_block {
            self.notice(Notice::warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SET LOCAL can only be used in transaction blocks",
            ));
            return Ok(StatementResult::command(tag));
        }
        let roles = self.engine.roles()?;
        let exists = |name: &str| {
            roles
                .by_name(name)
                .ok_or_else(|| err!(SqlState::UNDEFINED_OBJECT, "role \"{name}\" does not exist"))
        };
        let to = if name.eq_ignore_ascii_case("role") {
            let role = match named(values, true) {
                None => None,
                Some(target) => {
                    let role = exists(&target)?;
                    let session = roles.by_name(self.session_user());
                    let allowed =
                        session.is_some_and(|s| s.superuser || roles.is_member(s.oid, role.oid));
                    if !allowed {
                        return Err(err!(
                            SqlState::new(b"42501"),
                            "permission denied to set role \"{target}\""
                        ));
                    }
                    Some(target)
                }
            };
            (self.authorization.session_user.clone(), role)
        } else {
            let user = match named(values, false) {
                None => None,
                Some(target) => {
                    exists(&target)?;
                    let login_superuser = roles.by_name(&self.user).is_some_and(|r| r.superuser);
                    if target != self.user && !login_superuser {
                        return Err(err!(
                            SqlState::new(b"42501"),
                            "permission denied to set session authorization"
                        ));
                    }
                    (target != self.user).then_some(target)
                }
            };
            (user, None)
        };
        self.authorization.change(to, local, in_block);
        self.sync_authorization_settings();
        Ok(StatementResult::command(tag))
    }

    /// `SHOW role` (`none` when none is set) / `SHOW session_authorization`.
    pub(super) fn show_authorization(&self, name: &str) -> StatementResult {
        let (header, value) = if name.eq_ignore_ascii_case("role") {
            ("role", self.authorization.role.as_deref().unwrap_or("none"))
        } else {
            ("session_authorization", self.session_user())
        };
        StatementResult {
            columns: vec![crate::plan::Field::new(header, DataType::Text)],
            rows: vec![vec![Value::text(value)]],
            tag: "SHOW".into(),
            notices: Vec::new(),
            returns_rows: true,
        }
    }

    /// `DISCARD ALL`: back to the login user.
    pub(super) fn reset_authorization(&mut self) {
        self.authorization = Authorization::default();
        self.sync_authorization_settings();
    }

    pub(super) fn end_authorization(&mut self, committed: bool) {
        if self.authorization.start.is_some() {
            self.authorization.end_transaction(committed);
            self.sync_authorization_settings();
        }
    }

    /// Sets the role the client logged in as.
    pub fn set_login_user(&mut self, user: &str) {
        self.user = user.to_string();
        self.sync_authorization_settings();
    }

    /// Mirrors who the session acts as into its settings (see the module
    /// documentation).
    pub(super) fn sync_authorization_settings(&mut self) {
        let superuser = self
            .engine
            .roles()
            .ok()
            .and_then(|roles| roles.by_name(self.current_user()).map(|r| r.superuser))
            .unwrap_or(false);
        let role = self.authorization.role.clone();
        let session_user = self.session_user().to_string();
        let settings = &mut self.settings;
        let _ = settings.set_server("role", role.as_deref().unwrap_or("none"));
        let _ = settings.set_server("session_authorization", &session_user);
        let _ = settings.set_server("is_superuser", if superuser { "on" } else { "off" });
    }
}
