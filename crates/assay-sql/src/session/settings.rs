//! Run-time parameters (GUCs): `SET`, `SHOW`, `RESET`, `set_config`.
//!
//! Each parameter has a name (case-insensitive), a default, a context
//! (whether a session may change it) and a current value kept as text, as
//! PostgreSQL shows it. Parameters that change how values are printed or
//! parsed (DateStyle, TimeZone, IntervalStyle, extra_float_digits,
//! bytea_output) are also applied to [`types::Settings`], which the
//! executor reads. `SET LOCAL` values are undone at the end of the
//! transaction; a plain `SET` inside a transaction that rolls back is undone
//! too, as in PostgreSQL.
//!
//! The timeouts every statement consults (`statement_timeout`,
//! `lock_timeout`, `idle_in_transaction_session_timeout`) are kept parsed
//! beside their text, updated whenever a value is stored, so a statement
//! reads three numbers instead of parsing durations.

use std::collections::BTreeMap;

use assay_storage::{err, Result, SqlState};

use super::gucs::{self, Kind};
use crate::types;

/// The parameters kept parsed in [`Timeouts`].
const TIMEOUTS: [&str; 3] = [
    "statement_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
];

/// Whether a parameter can be changed by a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    User,
    /// Fixed when the server starts (`server_version`, …): SHOW only.
    Internal,
}

/// The built-in parameters: name (lowercase), default, context, and the
/// spelling PostgreSQL reports in `SHOW ALL` and `ParameterStatus`.
const PARAMETERS: &[(&str, &str, Context, &str)] = &[
    ("application_name", "", Context::User, "application_name"),
    ("bytea_output", "hex", Context::User, "bytea_output"),
    ("client_encoding", "UTF8", Context::User, "client_encoding"),
    (
        "client_min_messages",
        "notice",
        Context::User,
        "client_min_messages",
    ),
    ("datestyle", "ISO, MDY", Context::User, "DateStyle"),
    (
        "default_transaction_isolation",
        "read committed",
        Context::User,
        "default_transaction_isolation",
    ),
    (
        "default_transaction_read_only",
        "off",
        Context::User,
        "default_transaction_read_only",
    ),
    (
        "extra_float_digits",
        "1",
        Context::User,
        "extra_float_digits",
    ),
    (
        "idle_in_transaction_session_timeout",
        "0",
        Context::User,
        "idle_in_transaction_session_timeout",
    ),
    (
        "integer_datetimes",
        "on",
        Context::Internal,
        "integer_datetimes",
    ),
    ("intervalstyle", "postgres", Context::User, "IntervalStyle"),
    ("lc_collate", "C", Context::Internal, "lc_collate"),
    ("lc_ctype", "C", Context::Internal, "lc_ctype"),
    ("lc_messages", "C", Context::User, "lc_messages"),
    ("lc_monetary", "C", Context::User, "lc_monetary"),
    ("lc_numeric", "C", Context::User, "lc_numeric"),
    ("lc_time", "C", Context::User, "lc_time"),
    ("lock_timeout", "0", Context::User, "lock_timeout"),
    // The server's: see `SessionSettings::set_server`.
    (
        "max_connections",
        "100",
        Context::Internal,
        "max_connections",
    ),
    (
        "max_identifier_length",
        "63",
        Context::Internal,
        "max_identifier_length",
    ),
    (
        "search_path",
        "\"$user\", public",
        Context::User,
        "search_path",
    ),
    (
        "server_encoding",
        "UTF8",
        Context::Internal,
        "server_encoding",
    ),
    (
        "server_version",
        "15.18",
        Context::Internal,
        "server_version",
    ),
    (
        "server_version_num",
        "150018",
        Context::Internal,
        "server_version_num",
    ),
    ("ssl", "off", Context::Internal, "ssl"),
    // Who the session acts as, kept by `authorization.rs` (SET ROLE and
    // SET SESSION AUTHORIZATION change them; RESET ALL leaves them).
    ("role", "none", Context::Internal, "role"),
    (
        "session_authorization",
        "",
        Context::Internal,
        "session_authorization",
    ),
    ("is_superuser", "off", Context::Internal, "is_superuser"),
    (
        "standard_conforming_strings",
        "on",
        Context::User,
        "standard_conforming_strings",
    ),
    ("statement_timeout", "0", Context::User, "statement_timeout"),
    (
        "synchronous_commit",
        "on",
        Context::User,
        "synchronous_commit",
    ),
    ("timezone", "UTC", Context::User, "TimeZone"),
    (
        "timezone_abbreviations",
        "Default",
        Context::User,
        "timezone_abbreviations",
    ),
    (
        "transaction_isolation",
        "read committed",
        Context::User,
        "transaction_isolation",
    ),
    (
        "transaction_read_only",
        "off",
        Context::User,
        "transaction_read_only",
    ),
    ("work_mem", "4MB", Context::User, "work_mem"),
];

/// A session's parameters.
#[derive(Clone, Debug)]
pub struct SessionSettings {
    values: BTreeMap<&'static str, String>,
    /// Values before the current transaction changed them, to undo on
    /// rollback (or, for `SET LOCAL`, at any end of the transaction).
    saved: Vec<(&'static str, String, bool)>,
    /// Values given at connection start, which `RESET` and `DEFAULT`
    /// return to instead of the built-in defaults.
    startup: BTreeMap<&'static str, String>,
    /// What the executor reads.
    pub types: types::Settings,
    /// Counts changes to `values`, so a server can tell cheaply whether
    /// a reported parameter may have changed.
    changes: u64,
    /// The timeouts in milliseconds, as `values` says them.
    timeouts: Timeouts,
}

/// `statement_timeout`, `lock_timeout` and
/// `idle_in_transaction_session_timeout` in milliseconds (0: none).
#[derive(Clone, Copy, Debug, Default)]
struct Timeouts {
    statement: u64,
    lock: u64,
    idle_in_transaction: u64,
}

impl Default for SessionSettings {
    fn default() -> SessionSettings {
        let values = params().map(|p| (p.name, p.default.to_string())).collect();
        SessionSettings {
            values,
            saved: Vec::new(),
            startup: BTreeMap::new(),
            types: types::Settings::default(),
            changes: 0,
            timeouts: Timeouts::default(),
        }
        .with_timeouts_read()
    }
}

/// One parameter's description, from either table.
#[derive(Clone, Copy)]
struct Param {
    name: &'static str,
    default: &'static str,
    context: Context,
    display: &'static str,
    /// How `gucs.rs` checks the value; `None` for the parameters `apply`
    /// knows itself.
    kind: Option<Kind>,
}

fn params() -> impl Iterator<Item = Param> {
    let own = PARAMETERS
        .iter()
        .map(|&(name, default, context, display)| Param {
            name,
            default,
            context,
            display,
            kind: None,
        });
    let extra = gucs::EXTRA
        .iter()
        .map(|&(name, default, kind, display)| Param {
            name,
            default,
            context: Context::User,
            display,
            kind: Some(kind),
        });
    own.chain(extra)
}

fn lookup(name: &str) -> Result<Param> {
    let lower = name.to_ascii_lowercase();
    params().find(|p| p.name == lower).ok_or_else(|| {
        err!(
            SqlState::UNDEFINED_OBJECT,
            "unrecognized configuration parameter \"{name}\""
        )
    })
}

impl SessionSettings {
    /// `SHOW name`.
    pub fn show(&self, name: &str) -> Result<String> {
        let p = lookup(name)?;
        Ok(self.values.get(p.name).cloned().unwrap_or_default())
    }

    /// A parameter's current text, by its canonical (lower-case) name.
    pub(crate) fn raw(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The name as PostgreSQL spells it in SHOW's column header.
    pub fn display_name(name: &str) -> Result<&'static str> {
        Ok(lookup(name)?.display)
    }

    /// `SET [LOCAL] name = value` (`None` is `DEFAULT`). `in_transaction`
    /// says whether the change must be undone if the transaction rolls back.
    pub fn set(
        &mut self,
        name: &str,
        value: Option<&str>,
        local: bool,
        in_transaction: bool,
    ) -> Result<()> {
        let p = lookup(name)?;
        if p.context == Context::Internal {
            return Err(err!(
                SqlState::CANT_CHANGE_RUNTIME_PARAM,
                "parameter \"{}\" cannot be changed",
                p.name
            ));
        }
        let value = value
            .map(str::to_string)
            .unwrap_or_else(|| self.reset_value(p.name));
        let value = match p.kind {
            Some(kind) => gucs::check(p.name, kind, &value)?,
            None => self.apply(p.name, &value)?,
        };
        if in_transaction {
            let old = self.values.get(p.name).cloned().unwrap_or_default();
            self.saved.push((p.name, old, local));
        }
        self.store(p.name, value);
        Ok(())
    }

    /// Sets a parameter the server fixes (`max_connections`, `ssl`): SHOW
    /// reports it, SET cannot change it.
    pub fn set_server(&mut self, name: &str, value: &str) -> Result<()> {
        let p = lookup(name)?;
        if self.values.get(p.name).map(String::as_str) != Some(value) {
            self.store(p.name, value.to_string());
        }
        Ok(())
    }

    /// Sets a parameter from the connection's startup packet (or
    /// `options`); the value also becomes the one `RESET` returns to.
    pub fn set_startup(&mut self, name: &str, value: &str) -> Result<()> {
        self.set(name, Some(value), false, false)?;
        let p = lookup(name)?;
        let shown = self.values.get(p.name).cloned().unwrap_or_default();
        self.startup.insert(p.name, shown);
        Ok(())
    }

    /// The value `RESET name` returns to.
    fn reset_value(&self, name: &'static str) -> String {
        self.startup.get(name).cloned().unwrap_or_else(|| {
            params()
                .find(|p| p.name == name)
                .map(|p| p.default.to_string())
                .unwrap_or_default()
        })
    }

    /// `RESET ALL`.
    pub fn reset_all(&mut self, in_transaction: bool) -> Result<()> {
        for p in params() {
            if p.context == Context::User {
                self.set(p.name, None, false, in_transaction)?;
            }
        }
        Ok(())
    }

    /// Checks a value and applies it to `types::Settings`; returns the text
    /// SHOW will print.
    fn apply(&mut self, name: &str, value: &str) -> Result<String> {
        match name {
            "datestyle" => {
                let base = (types::DateStyle::Iso, types::DateOrder::Mdy);
                let reset = types::parse_date_style(&self.reset_value("datestyle"), base, base)
                    .unwrap_or(base);
                self.types.set_date_style(value, reset)?;
                Ok(self.types.date_style_text())
            }
            "timezone" => {
                self.types.set_time_zone(value)?;
                Ok(self.types.time_zone.name().to_string())
            }
            "extra_float_digits" => {
                let n: i32 = value
                    .trim()
                    .parse()
                    .map_err(|_| invalid_integer(name, value))?;
                self.types.set_extra_float_digits(n)?;
                Ok(n.to_string())
            }
            "bytea_output" => {
                self.types.set_bytea_output(value)?;
                Ok(value.to_ascii_lowercase())
            }
            "intervalstyle" => {
                self.types.interval_style = types::IntervalStyle::parse(value)?;
                Ok(self.types.interval_style.name().into())
            }
            "client_encoding" => {
                // Encoding names compare on their letters and digits only,
                // as PostgreSQL's: asyncpg sends `'utf-8'`, quotes included.
                let letters: String = value
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_uppercase())
                    .collect();
                match letters.as_str() {
                    "UTF8" | "UNICODE" => Ok("UTF8".into()),
                    "SQLASCII" => Ok("SQL_ASCII".into()),
                    _ => Err(err!(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "conversion between {value} and UTF8 is not supported"
                    )),
                }
            }
            "work_mem" => {
                let kb = gucs::memory_kb(name, value, 64)?;
                self.types.work_mem = kb as usize * 1024;
                Ok(gucs::format_memory_kb(kb))
            }
            "statement_timeout" | "lock_timeout" | "idle_in_transaction_session_timeout" => {
                parse_duration_ms(name, value).map(format_duration_ms)
            }
            "standard_conforming_strings"
            | "default_transaction_read_only"
            | "transaction_read_only" => match value.to_ascii_lowercase().as_str() {
                "on" | "true" | "yes" | "1" => Ok("on".into()),
                "off" | "false" | "no" | "0" => Ok("off".into()),
                _ => Err(err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "parameter \"{name}\" requires a Boolean value"
                )),
            },
            _ => Ok(value.to_string()),
        }
    }

    /// Stores a parameter's text (counted in `changes`), and its parsed
    /// form when it is a timeout.
    fn store(&mut self, name: &'static str, value: String) {
        self.changes += 1;
        let timeout = TIMEOUTS.contains(&name);
        self.values.insert(name, value);
        if timeout {
            self.timeouts = self.read_timeouts();
        }
    }

    fn with_timeouts_read(mut self) -> SessionSettings {
        self.timeouts = self.read_timeouts();
        self
    }

    fn read_timeouts(&self) -> Timeouts {
        let ms = |name: &str| {
            self.values
                .get(name)
                .and_then(|v| parse_duration_ms("", v).ok())
                .unwrap_or(0)
        };
        Timeouts {
            statement: ms("statement_timeout"),
            lock: ms("lock_timeout"),
            idle_in_transaction: ms("idle_in_transaction_session_timeout"),
        }
    }

    /// The statement timeout in milliseconds (0: none).
    pub fn statement_timeout_ms(&self) -> u64 {
        self.timeouts.statement
    }

    /// `idle_in_transaction_session_timeout` in milliseconds (0: none).
    pub fn idle_in_transaction_timeout_ms(&self) -> u64 {
        self.timeouts.idle_in_transaction
    }

    /// `lock_timeout` in milliseconds (0: none).
    pub fn lock_timeout_ms(&self) -> u64 {
        self.timeouts.lock
    }

    /// The schemas of `search_path`, `$user` dropped, quotes removed.
    pub fn search_path(&self) -> Vec<String> {
        self.values
            .get("search_path")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().trim_matches('"').to_string())
                    .filter(|s| !s.is_empty() && s != "$user")
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Ends a transaction: `SET LOCAL` is always undone, other `SET`s only
    /// when it rolled back.
    pub fn end_transaction(&mut self, committed: bool) {
        let saved = std::mem::take(&mut self.saved);
        for (name, old, local) in saved.into_iter().rev() {
            if local || !committed {
                let _ = self.apply(name, &old);
                self.store(name, old);
            } else if !local {
                // Committed plain SET: keep; earlier SET LOCAL of the same name
                // already restored above in reverse order.
            }
        }
    }

    /// Every parameter as (PostgreSQL's spelling, value), for `SHOW ALL`.
    pub fn all(&self) -> Vec<(&'static str, String)> {
        let mut all: Vec<_> = params()
            .map(|p| {
                (
                    p.display,
                    self.values.get(p.name).cloned().unwrap_or_default(),
                )
            })
            .collect();
        all.sort_by_key(|(name, _)| name.to_ascii_lowercase());
        all
    }

    /// How many times a value was set: unchanged, no parameter changed.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Parameters a server reports to clients in `ParameterStatus`.
    pub fn reported(&self) -> Vec<(&'static str, String)> {
        const REPORTED: &[&str] = &[
            "application_name",
            "client_encoding",
            "datestyle",
            "integer_datetimes",
            "intervalstyle",
            "is_superuser",
            "server_encoding",
            "server_version",
            "session_authorization",
            "standard_conforming_strings",
            "timezone",
        ];
        params()
            .filter(|p| REPORTED.contains(&p.name))
            .map(|p| {
                (
                    p.display,
                    self.values.get(p.name).cloned().unwrap_or_default(),
                )
            })
            .collect()
    }
}

fn invalid_integer(name: &str, value: &str) -> assay_storage::Error {
    err!(
        SqlState::INVALID_PARAMETER_VALUE,
        "invalid value for parameter \"{name}\": \"{value}\""
    )
}

/// Parses `5000`, `5s`, `2min`, `100ms` as PostgreSQL's time units.
fn parse_duration_ms(name: &str, value: &str) -> Result<u64> {
    let v = value.trim().trim_matches('\'');
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: u64 = num.parse().map_err(|_| invalid_integer(name, value))?;
    let factor = match unit.trim() {
        "" | "ms" => 1,
        "s" => 1000,
        "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(invalid_integer(name, value)),
    };
    Ok(n * factor)
}

fn format_duration_ms(ms: u64) -> String {
    if ms == 0 {
        "0".into()
    } else if ms.is_multiple_of(86_400_000) {
        format!("{}d", ms / 86_400_000)
    } else if ms.is_multiple_of(3_600_000) {
        format!("{}h", ms / 3_600_000)
    } else if ms.is_multiple_of(60_000) {
        format!("{}min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_show_reset_and_rollback() {
        let mut s = SessionSettings::default();
        assert_eq!(s.show("DateStyle").unwrap(), "ISO, MDY");
        s.set("statement_timeout", Some("5000"), false, false)
            .unwrap();
        assert_eq!(s.show("statement_timeout").unwrap(), "5s");
        s.set("extra_float_digits", Some("3"), false, true).unwrap();
        s.set("search_path", Some("a, public"), true, true).unwrap();
        s.end_transaction(true);
        assert_eq!(s.show("extra_float_digits").unwrap(), "3");
        assert_eq!(s.search_path(), vec!["public".to_string()]);
        s.set("extra_float_digits", Some("0"), false, true).unwrap();
        s.end_transaction(false);
        assert_eq!(s.show("extra_float_digits").unwrap(), "3");
        let e = s.show("nope").unwrap_err();
        assert_eq!(e.message(), "unrecognized configuration parameter \"nope\"");
        let e = s
            .set("server_version", Some("1"), false, false)
            .unwrap_err();
        assert_eq!(e.code().as_str(), "55P02");
    }
}
