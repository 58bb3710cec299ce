//! Run-time configuration from SQL: `current_setting` reads a setting as
//! `SHOW` does; `set_config` changes one as `SET [LOCAL]` does. Drivers
//! call them on connect (asyncpg turns `jit` off around its type
//! introspection with `set_config`).
//!
//! A function cannot change the session while the statement that called
//! it runs (it holds the settings shared), so `set_config` checks the new
//! value on a copy of the settings, returns what `SHOW` will say, and
//! leaves the change in [`SystemContext::setting_changes`] for the session
//! to apply when the statement is done.
//!
//! [`SystemContext::setting_changes`]: crate::system::SystemContext

use assay_storage::{err, Result, SqlState};

use super::registry::{Builder, T};
use super::{EvalContext, Resolved};
use crate::session::SessionSettings;
use crate::types::Value;

/// A `set_config(name, value, is_local)` call to apply after its statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingChange {
    pub name: String,
    pub value: String,
    pub local: bool,
}

pub(crate) fn register(b: &mut Builder) {
    b.scalar("current_setting", &[T::Text], T::Text, current_setting)
        .stable();
    b.scalar(
        "current_setting",
        &[T::Text, T::Bool],
        T::Text,
        current_setting,
    )
    .stable();
    b.scalar(
        "set_config",
        &[T::Text, T::Text, T::Bool],
        T::Text,
        set_config,
    )
    .volatile();
}

fn session_settings<'a>(ctx: &EvalContext<'a>) -> Result<&'a SessionSettings> {
    ctx.system.and_then(|s| s.settings).ok_or_else(|| {
        err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "settings can only be read in a session"
        )
    })
}

/// `current_setting(name [, missing_ok])`.
fn current_setting(_: &Resolved, args: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let [Value::Text(name), rest @ ..] = args else {
        return Ok(Value::Null);
    };
    let missing_ok = matches!(rest, [Value::Bool(true)]);
    match session_settings(ctx)?.show(name) {
        Ok(value) => Ok(Value::text(&value)),
        Err(e) if missing_ok && e.code() == SqlState::UNDEFINED_OBJECT => Ok(Value::Null),
        Err(e) => Err(e),
    }
}

/// `set_config(name, value, is_local)`: the value as `SHOW` will show it.
fn set_config(_: &Resolved, args: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let [Value::Text(name), Value::Text(value), Value::Bool(local)] = args else {
        return Ok(Value::Null);
    };
    let system = ctx.system.ok_or_else(|| {
        err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "set_config can only be called in a session"
        )
    })?;
    let (Some(settings), Some(changes)) = (system.settings, system.setting_changes) else {
        return Err(err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "set_config can only be called in a session"
        ));
    };
    let mut trial = settings.clone();
    trial.set(name, Some(value), *local, true)?;
    let shown = trial.show(name)?;
    changes.borrow_mut().push(SettingChange {
        name: name.to_string(),
        value: value.to_string(),
        local: *local,
    });
    Ok(Value::text(&shown))
}
