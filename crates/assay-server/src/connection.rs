//! One client's protocol state machine, run on the connection's own
//! thread: it owns the engine session, takes whole frontend messages and
//! fills an [`Output`] with the backend's answers.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use assay_sql::ast::{AlterDatabase, ObjectKind, Statement};
use assay_sql::parser::ParsedStatement;
use assay_sql::session::{Notice, Session, StatementResult};
use assay_sql::types::{DataType, Value};
use assay_storage::{err, Error, Result, SqlState};
use bytes::BytesMut;
use pgwire::messages::data::DataRow;
use pgwire::messages::response::EmptyQueryResponse;
use pgwire::messages::startup::{
    Authentication, BackendKeyData, NegotiateProtocolVersion, ParameterStatus, SecretKey,
};
use pgwire::messages::{
    DecodeContext, PgWireBackendMessage, PgWireFrontendMessage, ProtocolVersion,
};

use crate::copy::CopyWait;
use crate::databases::Databases;
use crate::extended::{Portal, Prepared};
use crate::response::format_for;
pub(crate) use crate::response::Output;
use crate::wire_value::put_field;

/// Startup parameters that are not settings.
const NOT_SETTINGS: &[&str] = &["user", "database", "options", "replication"];

/// What admission learned about a client (see `server::admit`).
pub(crate) struct Login {
    /// The role is a superuser (`is_superuser`).
    pub superuser: bool,
    /// The server accepts TLS (`SHOW ssl`).
    pub tls_enabled: bool,
    pub max_connections: usize,
    /// Where the client is (`pg_stat_activity`, `pg_stat_ssl`).
    pub client: assay_sql::session::ClientInfo,
    /// Woken by `pg_terminate_backend`: the reactor ends the connection.
    pub terminate: Arc<tokio::sync::Notify>,
}

pub(crate) struct Connection {
    pub session: Session,
    databases: Arc<Databases>,
    database: String,
    pub statements: HashMap<String, Arc<Prepared>>,
    pub portals: HashMap<String, Portal>,
    /// After an error in the extended protocol, messages up to the next
    /// Sync are skipped.
    pub skipping: bool,
    /// A COPY FROM STDIN in progress.
    pub copy: Option<CopyWait>,
    /// Where output goes mid-batch (a COPY TO streaming).
    pub outbox: Option<crate::outbox::Outbox>,
    /// The reported parameters as the client last heard them, and the
    /// settings' change count then.
    reported: Vec<(&'static str, String)>,
    reported_changes: u64,
    pub out: Output,
}

impl Connection {
    /// Starts a session from the StartupMessage's parameters, writing the
    /// handshake (or a FATAL error) to `out`.
    pub fn start(
        databases: Arc<Databases>,
        parameters: &BTreeMap<String, String>,
        minor: u16,
        login: &Login,
        key: (i32, i32),
        out: &mut Output,
    ) -> Option<Connection> {
        let Some(user) = parameters.get("user").filter(|u| !u.is_empty()) else {
            out.fatal(&err!(
                SqlState::new(b"28000"),
                "no PostgreSQL user name specified in startup packet"
            ));
            return None;
        };
        let database = parameters
            .get("database")
            .filter(|d| !d.is_empty())
            .unwrap_or(user)
            .clone();
        let engine = match databases.login(&database, login.superuser) {
            Ok(engine) => engine,
            Err(e) => {
                out.fatal(&e);
                return None;
            }
        };
        let mut session = engine.session();
        session.database = database.clone();
        session.set_pid(key.0);
        session.set_login_user(user);
        // The role's defaults come after the database's, before the
        // client's own parameters.
        let _ = session.apply_role_settings();
        let ssl = if login.tls_enabled { "on" } else { "off" };
        let _ = session.settings.set_server("ssl", ssl);
        let max = login.max_connections.to_string();
        let _ = session.settings.set_server("max_connections", &max);
        let mut connection = Connection {
            session,
            databases,
            database,
            statements: HashMap::new(),
            portals: HashMap::new(),
            skipping: false,
            copy: None,
            outbox: None,
            reported: Vec::new(),
            reported_changes: 0,
            out: Output::default(),
        };
        // `options` carries `-c name=value` (and `--name=value`) switches,
        // as libpq sends PGOPTIONS; they apply after the plain parameters.
        let options = parameters
            .get("options")
            .map(|o| command_line_settings(o))
            .unwrap_or_default();
        let plain = parameters
            .iter()
            .filter(|(name, _)| {
                !NOT_SETTINGS.contains(&name.as_str()) && !name.starts_with("_pq_.")
            })
            .map(|(n, v)| (n.clone(), v.clone()));
        for (name, value) in plain.chain(options) {
            match connection.session.settings.set_startup(&name, &value) {
                Ok(()) => {}
                // Parameters this server does not know are ignored, so
                // drivers that send extra ones still connect.
                Err(e) if e.code() == SqlState::UNDEFINED_OBJECT => {}
                Err(e) => {
                    out.fatal(&e);
                    return None;
                }
            }
        }
        if minor > 0 {
            let unsupported = parameters
                .keys()
                .filter(|k| k.starts_with("_pq_."))
                .cloned()
                .collect();
            out.send(PgWireBackendMessage::NegotiateProtocolVersion(
                NegotiateProtocolVersion::new(0, unsupported),
            ));
        }
        out.send(PgWireBackendMessage::Authentication(Authentication::Ok));
        connection.report_parameters(out, true);
        out.send(PgWireBackendMessage::BackendKeyData(BackendKeyData::new(
            key.0,
            SecretKey::I32(key.1),
        )));
        let terminate = login.terminate.clone();
        connection.session.register_activity(
            login.client.clone(),
            Some(Box::new(move || terminate.notify_one())),
        );
        out.ready('I');
        Some(connection)
    }

    /// Sends ParameterStatus for reported parameters that changed (all of
    /// them at startup).
    fn report_parameters(&mut self, out: &mut Output, all: bool) {
        let changes = self.session.settings.changes();
        if !all && changes == self.reported_changes {
            return;
        }
        self.reported_changes = changes;
        let mut now = self.session.settings.reported();
        if all {
            now.push(("default_transaction_read_only", "off".into()));
            now.push(("in_hot_standby", "off".into()));
        }
        for (name, value) in &now {
            let known = self.reported.iter().find(|(n, _)| n == name);
            if all || known.is_none_or(|(_, v)| v != value) {
                out.send(PgWireBackendMessage::ParameterStatus(ParameterStatus::new(
                    name.to_string(),
                    value.clone(),
                )));
            }
        }
        for (name, value) in now {
            match self.reported.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = value,
                None => self.reported.push((name, value)),
            }
        }
    }

    /// Ends a round of messages: changed parameters, then ReadyForQuery.
    pub(crate) fn finish_round(&mut self) {
        self.ready();
    }

    fn ready(&mut self) {
        for name in self.session.take_dropped_protocol_statements() {
            self.statements.remove(&name);
        }
        let mut out = std::mem::take(&mut self.out);
        self.report_parameters(&mut out, false);
        self.send_notifications(&mut out);
        let status = self.session.transaction_status();
        self.session.report_idle();
        let idle_ms = self.session.settings.idle_in_transaction_timeout_ms();
        out.idle_timeout =
            (status != 'I' && idle_ms > 0).then(|| std::time::Duration::from_millis(idle_ms));
        out.ready(status);
        self.out = out;
    }

    /// Handles one whole frontend message.
    pub fn handle(&mut self, mut frame: BytesMut) {
        let ctx = {
            let mut ctx = DecodeContext::new(ProtocolVersion::PROTOCOL3_0);
            ctx.awaiting_frontend_ssl = false;
            ctx.awaiting_frontend_startup = false;
            ctx
        };
        let kind = frame.first().copied().unwrap_or(0);
        let message = match PgWireFrontendMessage::decode(&mut frame, &ctx) {
            Ok(Some(m)) => m,
            Ok(None) | Err(_) => {
                let message = if b"QPBDEHSCXdcfp".contains(&kind) {
                    "invalid message format".to_string()
                } else {
                    format!("invalid frontend message type {kind}")
                };
                self.out
                    .fatal(&Error::new(SqlState::PROTOCOL_VIOLATION, message));
                return;
            }
        };
        if self.copy.is_some() {
            self.copy_message(message, kind);
            return;
        }
        if self.skipping && !matches!(message, PgWireFrontendMessage::Sync(_)) {
            return;
        }
        let result = match message {
            PgWireFrontendMessage::Query(q) => {
                self.simple_query(&q.query);
                Ok(())
            }
            PgWireFrontendMessage::Parse(m) => self.parse(m),
            PgWireFrontendMessage::Bind(m) => self.bind(m),
            PgWireFrontendMessage::Describe(m) => self.describe(m),
            PgWireFrontendMessage::Execute(m) => self.execute(m),
            PgWireFrontendMessage::Close(m) => self.close(m),
            PgWireFrontendMessage::Sync(_) => {
                self.skipping = false;
                if self.session.transaction_status() == 'I' {
                    // Portals live until the end of their transaction.
                    self.portals.clear();
                }
                self.ready();
                Ok(())
            }
            PgWireFrontendMessage::Flush(_) => Ok(()),
            PgWireFrontendMessage::Terminate(_) => {
                self.out.close = true;
                Ok(())
            }
            // Leftovers of a failed COPY are ignored, as PostgreSQL does.
            PgWireFrontendMessage::CopyData(_)
            | PgWireFrontendMessage::CopyDone(_)
            | PgWireFrontendMessage::CopyFail(_) => Ok(()),
            _ => {
                self.out.fatal(&Error::new(
                    SqlState::PROTOCOL_VIOLATION,
                    format!("invalid frontend message type {kind}"),
                ));
                Ok(())
            }
        };
        if let Err(e) = result {
            self.out.error(&e);
            self.skipping = true;
        }
    }

    /// A simple Query: every statement in turn, stopping at the first error.
    fn simple_query(&mut self, sql: &str) {
        self.statements.remove("");
        self.portals.remove("");
        self.session.set_query_text(sql);
        let parsed = match self.session.parse(sql) {
            Ok(p) => p,
            Err(e) => {
                self.out.error(&e);
                self.ready();
                return;
            }
        };
        if parsed.is_empty() {
            self.out.send(PgWireBackendMessage::EmptyQueryResponse(
                EmptyQueryResponse::new(),
            ));
        }
        self.run_simple(parsed);
    }

    /// Runs a simple query's statements, stopping at the first error or at
    /// a COPY FROM STDIN (which runs the rest when it is done), then sends
    /// ReadyForQuery.
    pub(crate) fn run_simple(&mut self, statements: Vec<ParsedStatement>) {
        let mut statements = statements.into_iter();
        while let Some(statement) = statements.next() {
            if let Some(copy) = crate::copy::client_copy(&statement.statement) {
                match self.start_copy(copy, false) {
                    Ok(true) => {
                        self.defer_statements(statements.collect());
                        return;
                    }
                    Ok(false) => continue,
                    Err(e) => {
                        self.out.error(&e);
                        break;
                    }
                }
            }
            match self.run(&statement.statement, &[], &[]) {
                Ok(result) => {
                    for notice in &result.notices {
                        self.out.notice(notice);
                    }
                    if result.returns_rows {
                        self.out.row_description(&result.columns, &[]);
                    }
                    if let Err(e) = self.send_rows(&result.rows, &result.columns, &[]) {
                        self.out.error(&e);
                        break;
                    }
                    self.out.command_complete(&result.tag);
                }
                Err(e) => {
                    let e = match e.position() {
                        // Positions count from the statement's start.
                        Some(p) if statement.start > 1 => e.with_position(p + statement.start - 1),
                        _ => e,
                    };
                    self.out.error(&e);
                    break;
                }
            }
        }
        self.ready();
    }

    /// DataRow messages for `rows`, each column in its format.
    pub fn send_rows(
        &mut self,
        rows: &[Vec<Value>],
        columns: &[assay_sql::plan::Field],
        formats: &[i16],
    ) -> Result<()> {
        let settings = &self.session.settings.types;
        let mut scratch = Vec::new();
        for row in rows {
            let mut data = BytesMut::new();
            for (i, value) in row.iter().enumerate() {
                let format = format_for(formats, i);
                let ty = columns.get(i).map_or(&DataType::Unknown, |c| &c.data_type);
                put_field(&mut data, value, ty, format, settings, &mut scratch)?;
            }
            let count = i16::try_from(row.len())
                .map_err(|_| err!(SqlState::PROGRAM_LIMIT_EXCEEDED, "too many columns"))?;
            self.out
                .send(PgWireBackendMessage::DataRow(DataRow::new(data, count)));
        }
        Ok(())
    }

    /// Runs one statement: database statements here, the rest in the engine.
    pub fn run(
        &mut self,
        statement: &Statement,
        param_types: &[DataType],
        params: &[Value],
    ) -> Result<StatementResult> {
        match statement {
            Statement::CreateDatabase {
                name,
                if_not_exists,
                template,
                options,
            } => {
                self.outside_block("CREATE DATABASE")?;
                let mut result = StatementResult::command("CREATE DATABASE");
                match self.databases.create_from(name, template.as_deref()) {
                    Ok(()) => self.databases.set_options(name, options)?,
                    Err(e) if *if_not_exists && e.code() == SqlState::new(b"42P04") => {
                        result.notices.push(Notice {
                            severity: "NOTICE",
                            code: e.code(),
                            message: format!("database \"{name}\" already exists, skipping"),
                        });
                    }
                    Err(e) => return Err(e),
                }
                Ok(result)
            }
            Statement::Drop(drop) if drop.kind == ObjectKind::Database => {
                self.outside_block("DROP DATABASE")?;
                let [name] = drop.names.as_slice() else {
                    return Err(err!(
                        SqlState::SYNTAX_ERROR,
                        "syntax error at or near \",\""
                    ));
                };
                let name = name.0.join(".");
                let mut result = StatementResult::command("DROP DATABASE");
                if let Some(notice) =
                    self.databases
                        .remove(&name, drop.if_exists, &self.database)?
                {
                    result.notices.push(notice);
                }
                Ok(result)
            }
            Statement::AlterDatabase { name, action } => self.alter_database(name, action),
            _ => self
                .session
                .execute_with_params(statement, param_types, params),
        }
    }

    /// `ALTER DATABASE`: renames here; settings are stored by a session of
    /// the named database (this one's, or a short-lived one).
    fn alter_database(&mut self, name: &str, action: &AlterDatabase) -> Result<StatementResult> {
        if let AlterDatabase::RenameTo(new) = action {
            self.outside_block("ALTER DATABASE RENAME")?;
            self.databases.rename(name, new, &self.database)?;
            return Ok(StatementResult::command("ALTER DATABASE"));
        }
        if let AlterDatabase::Options(options) = action {
            // The databases belong to the bootstrap superuser: only
            // superusers (as the current role, after SET ROLE) own them.
            let roles = self.session.engine().roles()?;
            let current = roles.by_name(self.session.current_user());
            if !current.is_some_and(|r| r.superuser) && *options != Default::default() {
                return Err(err!(
                    SqlState::new(b"42501"),
                    "must be owner of database {name}"
                ));
            }
            self.databases.set_options(name, options)?;
            return Ok(StatementResult::command("ALTER DATABASE"));
        }
        let statement = Statement::AlterDatabase {
            name: name.to_string(),
            action: action.clone(),
        };
        if name == self.database {
            return self.session.execute_statement(&statement);
        }
        if !self.databases.exists(name) {
            return Err(err!(
                SqlState::new(b"3D000"),
                "database \"{name}\" does not exist"
            ));
        }
        let engine = self.databases.connect(name)?;
        let result = engine.session().execute_statement(&statement);
        self.databases.disconnect(name);
        result
    }

    fn outside_block(&self, what: &str) -> Result<()> {
        if self.session.transaction_status() == 'I' {
            return Ok(());
        }
        Err(err!(
            SqlState::ACTIVE_SQL_TRANSACTION,
            "{what} cannot run inside a transaction block"
        ))
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.databases.disconnect(&self.database);
    }
}

/// The `name=value` pairs of a startup `options` string: `-c name=value`,
/// `-cname=value` or `--name=value`, separated by spaces (a backslash
/// escapes the next character), as PostgreSQL's `pg_split_opts` reads them.
fn command_line_settings(options: &str) -> Vec<(String, String)> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = options.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => word.extend(chars.next()),
            c if c.is_ascii_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let mut out = Vec::new();
    let mut words = words.into_iter();
    while let Some(w) = words.next() {
        let setting = if w == "-c" {
            words.next()
        } else {
            w.strip_prefix("--")
                .or_else(|| w.strip_prefix("-c"))
                .map(str::to_string)
        };
        if let Some((name, value)) = setting.as_deref().and_then(|s| s.split_once('=')) {
            out.push((name.replace('-', "_"), value.to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::command_line_settings;

    #[test]
    fn options_parameter_settings() {
        let got =
            command_line_settings("-c lc_messages=C  -cbytea_output=hex --search-path=a\\ b -x");
        let want = [
            ("lc_messages", "C"),
            ("bytea_output", "hex"),
            ("search_path", "a b"),
        ];
        assert_eq!(got.len(), want.len());
        for ((n, v), (wn, wv)) in got.iter().zip(want) {
            assert_eq!((n.as_str(), v.as_str()), (wn, wv));
        }
    }
}
