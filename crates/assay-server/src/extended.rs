//! The extended query protocol: Parse makes a prepared statement, Bind a
//! portal (the statement with parameter values and result formats),
//! Describe tells their shapes, Execute runs a portal (possibly a few rows
//! at a time), Close forgets either. The empty name is the unnamed
//! statement or portal, replaced by the next Parse or Bind.

use std::sync::Arc;

use assay_sql::ast::{ObjectKind, Statement};
use assay_sql::parser;
use assay_sql::plan::Field;
use assay_sql::session::StatementResult;
use assay_sql::types::{DataType, Value};
use assay_storage::{err, Result, SqlState};
use pgwire::messages::data::{NoData, ParameterDescription};
use pgwire::messages::extendedquery::{
    Bind, BindComplete, Close, CloseComplete, Describe, Execute, Parse, ParseComplete,
    PortalSuspended,
};
use pgwire::messages::response::EmptyQueryResponse;
use pgwire::messages::PgWireBackendMessage;

use crate::connection::Connection;
use crate::response::format_for;
use crate::wire_value::{read_param, BINARY, TEXT};

/// A prepared statement.
pub(crate) struct Prepared {
    /// `None` for an empty query string.
    statement: Option<Statement>,
    /// The query string it was parsed from.
    text: String,
    param_types: Vec<DataType>,
    columns: Vec<Field>,
}

/// A bound statement, ready to execute.
pub(crate) struct Portal {
    prepared: Arc<Prepared>,
    params: Vec<Value>,
    formats: Vec<i16>,
    /// A result being sent a few rows per Execute: the result, and how many
    /// rows have gone.
    pending: Option<(StatementResult, usize)>,
    /// The session streams this portal's rows (a query run a batch at a
    /// time inside a transaction block).
    streaming: bool,
}

const DESCRIBE_STATEMENT: u8 = b'S';
const DESCRIBE_PORTAL: u8 = b'P';

impl Connection {
    pub(crate) fn parse(&mut self, message: Parse) -> Result<()> {
        let name = message.name.unwrap_or_default();
        if !name.is_empty() && self.statements.contains_key(&name) {
            return Err(err!(
                SqlState::new(b"42P05"),
                "prepared statement \"{name}\" already exists"
            ));
        }
        let mut statements = parser::parse(&message.query)?;
        if statements.len() > 1 {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "cannot insert multiple commands into a prepared statement"
            ));
        }
        // Types this server does not know are left for the binder to infer.
        let declared: Vec<DataType> = message
            .type_oids
            .iter()
            .map(|&oid| DataType::from_oid(oid).unwrap_or(DataType::Unknown))
            .collect();
        let statement = statements.pop();
        let description = match &statement {
            Some(s) if !is_database_statement(s) => self.session.describe(s, &declared)?,
            _ => Default::default(),
        };
        self.session
            .note_protocol_statement(&name, &message.query, &description.params);
        let prepared = Prepared {
            statement,
            text: message.query,
            param_types: description.params,
            columns: description.columns,
        };
        self.statements.insert(name, Arc::new(prepared));
        self.out
            .send(PgWireBackendMessage::ParseComplete(ParseComplete::new()));
        Ok(())
    }

    pub(crate) fn bind(&mut self, message: Bind) -> Result<()> {
        let statement_name = message.statement_name.unwrap_or_default();
        let Some(prepared) = self.statements.get(&statement_name).cloned() else {
            return Err(err!(
                SqlState::new(b"26000"),
                "prepared statement \"{statement_name}\" does not exist"
            ));
        };
        let portal_name = message.portal_name.unwrap_or_default();
        if !portal_name.is_empty() && self.portals.contains_key(&portal_name) {
            return Err(err!(
                SqlState::new(b"42P03"),
                "portal \"{portal_name}\" already exists"
            ));
        }
        let count = message.parameters.len();
        if count != prepared.param_types.len() {
            return Err(err!(
                SqlState::PROTOCOL_VIOLATION,
                "bind message supplies {count} parameters, but prepared statement \"{statement_name}\" requires {}",
                prepared.param_types.len()
            ));
        }
        let param_formats = &message.parameter_format_codes;
        if param_formats.len() > 1 && param_formats.len() != count {
            return Err(err!(
                SqlState::PROTOCOL_VIOLATION,
                "bind message has {} parameter formats but {count} parameters",
                param_formats.len()
            ));
        }
        let settings = &self.session.settings.types;
        let params = message
            .parameters
            .iter()
            .zip(&prepared.param_types)
            .enumerate()
            .map(|(i, (bytes, ty))| {
                read_param(bytes.as_deref(), format_for(param_formats, i), ty, settings)
            })
            .collect::<Result<Vec<_>>>()?;
        let formats = message.result_column_format_codes;
        let columns = &prepared.columns;
        if formats.len() > 1 && formats.len() != columns.len() {
            return Err(err!(
                SqlState::PROTOCOL_VIOLATION,
                "bind message has {} result formats but query has {} columns",
                formats.len(),
                columns.len()
            ));
        }
        if let Some(other) = formats.iter().find(|f| ![TEXT, BINARY].contains(f)) {
            return Err(err!(
                SqlState::PROTOCOL_VIOLATION,
                "unsupported format code: {other}"
            ));
        }
        let portal = Portal {
            prepared,
            params,
            formats,
            pending: None,
            streaming: false,
        };
        if let Some(old) = self.portals.insert(portal_name.clone(), portal) {
            if old.streaming {
                self.session.close_portal(&portal_name)?;
            }
        }
        self.out
            .send(PgWireBackendMessage::BindComplete(BindComplete::new()));
        Ok(())
    }

    pub(crate) fn describe(&mut self, message: Describe) -> Result<()> {
        let name = message.name.unwrap_or_default();
        match message.target_type {
            DESCRIBE_STATEMENT => {
                let Some(prepared) = self.statements.get(&name).cloned() else {
                    return Err(err!(
                        SqlState::new(b"26000"),
                        "prepared statement \"{name}\" does not exist"
                    ));
                };
                let oids = prepared.param_types.iter().map(DataType::oid).collect();
                self.out.send(PgWireBackendMessage::ParameterDescription(
                    ParameterDescription::new(oids),
                ));
                self.describe_rows(&prepared.columns, &[]);
            }
            DESCRIBE_PORTAL => {
                let Some(portal) = self.portals.get(&name) else {
                    return Err(err!(
                        SqlState::new(b"34000"),
                        "portal \"{name}\" does not exist"
                    ));
                };
                let prepared = portal.prepared.clone();
                let formats = portal.formats.clone();
                self.describe_rows(&prepared.columns, &formats);
            }
            other => {
                return Err(err!(
                    SqlState::PROTOCOL_VIOLATION,
                    "invalid DESCRIBE message subtype {other}"
                ))
            }
        }
        Ok(())
    }

    fn describe_rows(&mut self, columns: &[Field], formats: &[i16]) {
        if columns.is_empty() {
            self.out.send(PgWireBackendMessage::NoData(NoData::new()));
        } else {
            self.out.row_description(columns, formats);
        }
    }

    pub(crate) fn execute(&mut self, message: Execute) -> Result<()> {
        let name = message.name.unwrap_or_default();
        let Some(mut portal) = self.portals.remove(&name) else {
            return Err(err!(
                SqlState::new(b"34000"),
                "portal \"{name}\" does not exist"
            ));
        };
        let outcome = self.execute_portal(&name, &mut portal, message.max_rows);
        self.portals.insert(name, portal);
        outcome
    }

    fn execute_portal(&mut self, name: &str, portal: &mut Portal, max_rows: i32) -> Result<()> {
        if portal.streaming {
            return self.stream_portal(name, portal, max_rows);
        }
        if portal.pending.is_none() && max_rows > 0 {
            if let Some(statement) = &portal.prepared.statement {
                let prepared = portal.prepared.clone();
                self.session.set_query_text(&prepared.text);
                let types = &prepared.param_types;
                if self
                    .session
                    .open_portal(name, statement, types, &portal.params)?
                {
                    portal.streaming = true;
                    return self.stream_portal(name, portal, max_rows);
                }
            }
        }
        let (result, sent) = match portal.pending.take() {
            Some(pending) => pending,
            None => {
                let Some(statement) = &portal.prepared.statement else {
                    self.out.send(PgWireBackendMessage::EmptyQueryResponse(
                        EmptyQueryResponse::new(),
                    ));
                    return Ok(());
                };
                if let Some(copy) = crate::copy::client_copy(statement) {
                    self.start_copy(copy, true)?;
                    return Ok(());
                }
                let prepared = portal.prepared.clone();
                self.session.set_query_text(&prepared.text);
                let result = self.run(statement, &prepared.param_types, &portal.params)?;
                for notice in &result.notices {
                    self.out.notice(notice);
                }
                (result, 0)
            }
        };
        let left = result.rows.len() - sent;
        let batch = match usize::try_from(max_rows) {
            Ok(n) if n > 0 => n.min(left),
            _ => left,
        };
        self.send_rows(
            &result.rows[sent..sent + batch],
            &result.columns,
            &portal.formats,
        )?;
        if batch < left {
            self.out
                .send(PgWireBackendMessage::PortalSuspended(PortalSuspended::new()));
            portal.pending = Some((result, sent + batch));
        } else if sent > 0 {
            self.out.command_complete(&format!("SELECT {batch}"));
        } else {
            self.out.command_complete(&result.tag);
        }
        Ok(())
    }

    /// The next batch of a portal the session streams.
    fn stream_portal(&mut self, name: &str, portal: &mut Portal, max_rows: i32) -> Result<()> {
        let max = u32::try_from(max_rows).unwrap_or(0);
        let (rows, more) = self.session.fetch_portal(name, max)?;
        self.send_rows(&rows, &portal.prepared.columns, &portal.formats)?;
        if more {
            self.out
                .send(PgWireBackendMessage::PortalSuspended(PortalSuspended::new()));
        } else {
            self.out.command_complete(&format!("SELECT {}", rows.len()));
        }
        Ok(())
    }

    pub(crate) fn close(&mut self, message: Close) -> Result<()> {
        let name = message.name.unwrap_or_default();
        match message.target_type {
            DESCRIBE_STATEMENT => {
                self.statements.remove(&name);
                self.session.forget_protocol_statement(&name);
            }
            DESCRIBE_PORTAL => {
                if self.portals.remove(&name).is_some_and(|p| p.streaming) {
                    self.session.close_portal(&name)?;
                }
            }
            other => {
                return Err(err!(
                    SqlState::PROTOCOL_VIOLATION,
                    "invalid CLOSE message subtype {other}"
                ))
            }
        }
        self.out
            .send(PgWireBackendMessage::CloseComplete(CloseComplete::new()));
        Ok(())
    }
}

/// Statements the server runs itself, which the engine cannot describe.
fn is_database_statement(statement: &Statement) -> bool {
    match statement {
        Statement::CreateDatabase { .. } | Statement::AlterDatabase { .. } => true,
        Statement::Drop(d) => d.kind == ObjectKind::Database,
        _ => false,
    }
}
