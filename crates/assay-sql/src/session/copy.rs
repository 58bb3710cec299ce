//! COPY in a session.
//!
//! `COPY t FROM …` reads records as they arrive (a file in chunks, or a
//! client's CopyData messages through [`Session::copy_in_start`],
//! [`Session::copy_in_data`] and [`Session::copy_in_done`]) and inserts each
//! row as the plan of `INSERT INTO t (cols) VALUES ($1, …)` would, so
//! defaults, constraints, indexes and sequences behave as for INSERT: the
//! plan's VALUES row becomes a [`CopyInsert`] that computes and inserts
//! every row of a chunk of input under one executor context (a plan of
//! another shape is run per row). The whole COPY is one statement: an
//! error rolls all of it back.
//!
//! `COPY t TO …` and `COPY (query) TO …` run the query and render each row
//! as the executor produces it, handing the output to a [`CopySink`] (a
//! file, or the client through [`Session::copy_out`]) a row at a time: the
//! result is never held whole.

use std::io::{Read, Write};
use std::sync::Arc;

use assay_storage::{err, Error, Result, SqlState, Transaction};

use super::run::Env;
use super::{Session, StatementResult};
use crate::ast::{Copy, CopySource, CopyTarget, Statement};
use crate::catalog::Table;
use crate::copy::record::{display, Record, RecordReader};
use crate::copy::{
    CopyColumn, CopyInShape, CopyInsert, CopyOptions, CopySink, Format, RowContext, RowReader,
    RowWriter,
};
use crate::exec;
use crate::plan::Plan;
use crate::types::{DataType, Value};

/// Bytes read from a file at a time.
const INPUT_CHUNK: usize = 64 * 1024;
/// Input a `COPY … FROM STDIN` gathers before it reads records: clients
/// send a CopyData message per row or less (pgbench, psql), and the rows
/// at hand are inserted under one executor context.
const INPUT_BATCH: usize = 64 * 1024;
/// Rows inserted between two looks at the interrupt.
const ROWS_PER_CHECK: u64 = 256;

/// A COPY FROM under way.
pub(super) struct CopyIn {
    records: RecordReader,
    rows: RowReader,
    /// `INSERT INTO t (cols) VALUES ($1, …)`, planned once.
    plan: Arc<Plan>,
    /// The plan's rows computed and inserted without running it; `None`:
    /// run the plan per row.
    batch: Option<CopyInsert>,
    /// When the COPY started (µs since 2000), its `statement_timestamp()`.
    started: i64,
    /// The COPY opened the transaction block and commits it at the end.
    implicit: bool,
    count: u64,
    record: Record,
    values: Vec<Value>,
}

/// A double-quoted identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The file error PostgreSQL reports: `could not open file "…" for
/// reading: No such file or directory`.
fn file_error(e: std::io::Error, what: &str, path: &str) -> Error {
    let reason = e.to_string();
    let reason = match reason.find(" (os error") {
        Some(at) => reason[..at].to_string(),
        None => reason,
    };
    let code = match e.kind() {
        std::io::ErrorKind::NotFound => SqlState::UNDEFINED_FILE,
        std::io::ErrorKind::PermissionDenied => SqlState::new(b"42501"),
        _ => SqlState::IO_ERROR,
    };
    err!(code, "could not {what} file \"{path}\": {reason}")
}

impl Session {
    /// The table a COPY names, and the columns it reads or writes.
    fn copy_table(
        &self,
        name: &crate::ast::ObjectName,
        columns: &[String],
    ) -> Result<(Arc<Table>, Vec<CopyColumn>)> {
        let path = self.search_path();
        let (schema, rel) = match name.0.as_slice() {
            [s, r] => (Some(s.as_str()), r.as_str()),
            _ => (None, name.base()),
        };
        let table = self.catalog.lookup_table(schema, rel, &path)?.clone();
        let mut out = Vec::new();
        if columns.is_empty() {
            // Generated columns are computed, so COPY leaves them out.
            for (_, c) in table
                .visible_columns()
                .filter(|(_, c)| c.generated.is_none())
            {
                out.push(CopyColumn {
                    name: c.name.clone(),
                    ty: c.ty.clone(),
                });
            }
        }
        for name in columns {
            let Some(i) = table.column_index(name) else {
                return Err(err!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{name}\" of relation \"{}\" does not exist",
                    table.name
                ));
            };
            if table.columns[i].generated.is_some() {
                return Err(err!(
                    SqlState::new(b"42P10"),
                    "column \"{name}\" is a generated column"
                )
                .with_detail("Generated columns cannot be used in COPY."));
            }
            if out.iter().any(|c: &CopyColumn| c.name == *name) {
                return Err(err!(
                    SqlState::DUPLICATE_COLUMN,
                    "column \"{name}\" specified more than once"
                ));
            }
            out.push(CopyColumn {
                name: name.clone(),
                ty: table.columns[i].ty.clone(),
            });
        }
        Ok((table, out))
    }

    fn qualified_name(&self, table: &Table) -> String {
        match self.catalog.schema(table.schema) {
            Some(s) => format!("{}.{}", quote_ident(&s.name), quote_ident(&table.name)),
            None => quote_ident(&table.name),
        }
    }

    /// Sets up a COPY FROM inside the current block.
    fn copy_in_setup(&mut self, copy: &Copy, implicit: bool) -> Result<CopyIn> {
        let CopySource::Table { name, columns } = &copy.source else {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "COPY FROM does not support a query as its source"
            ));
        };
        let options = CopyOptions::parse(&copy.options, false)?;
        let (table, columns) = self.copy_table(name, columns)?;
        if table.is_view() {
            return Err(err!(
                SqlState::WRONG_OBJECT_TYPE,
                "cannot copy to view \"{}\"",
                table.name
            )
            .with_hint("To enable copying to a view, provide an INSTEAD OF INSERT trigger."));
        }
        for set in [&options.force_not_null, &options.force_null] {
            check_named(set, &columns)?;
        }
        let list: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
        let params: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            // COPY stores the values it is given, even in a column
            // GENERATED ALWAYS (it bypasses PostgreSQL's rewriter too).
            "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES ({})",
            self.qualified_name(&table),
            list.join(", "),
            params.join(", ")
        );
        let stmt = crate::parser::parse(&sql)?
            .pop()
            .ok_or_else(|| err!(SqlState::INTERNAL_ERROR, "COPY's INSERT did not parse"))?;
        let types: Vec<DataType> = columns.iter().map(|c| c.ty.clone()).collect();
        let plan = self.with_env(|env, _, cache| Ok(env.plan_cached(cache, &stmt, types)?.0))?;
        let what = format!("COPY {}", table.name);
        let mut records = RecordReader::new(&options, what.clone());
        records.expected_fields = columns.len();
        Ok(CopyIn {
            records,
            rows: RowReader::new(&options, what, columns),
            batch: CopyInsert::from_plan(&plan),
            started: super::run::now_micros(),
            plan,
            implicit,
            count: 0,
            record: Record::default(),
            values: Vec::new(),
        })
    }

    /// Inserts every whole record read so far (all of them at `eof`).
    fn copy_in_rows(&mut self, st: &mut CopyIn, eof: bool) -> Result<()> {
        if st.batch.is_some() {
            return self.copy_in_batch(st, eof);
        }
        let interrupt = self.interrupt.clone();
        self.with_env(|env, txn, _| {
            while st.records.next(eof, &mut st.record)? {
                if st.rows.header(&st.record)? {
                    continue;
                }
                st.rows.row(&st.record, env.settings, &mut st.values)?;
                env.run(txn, &st.plan, &st.values)
                    .map_err(|e| e.with_where(row_context(&st.records, &st.record)))?;
                st.count += 1;
                if st.count.is_multiple_of(ROWS_PER_CHECK) {
                    interrupt.check(&super::run::now_micros)?;
                }
            }
            Ok(())
        })
    }

    /// [`Session::copy_in_rows`] through the [`CopyInsert`]: one executor
    /// context for all the rows at hand.
    fn copy_in_batch(&mut self, st: &mut CopyIn, eof: bool) -> Result<()> {
        let CopyIn {
            records,
            rows,
            batch: Some(batch),
            started,
            count,
            record,
            values,
            ..
        } = st
        else {
            return Ok(());
        };
        self.with_env(|env, txn, _| {
            env.with_exec(txn, &[], |ctx| {
                ctx.statement_start = *started;
                let settings = ctx.settings;
                let mut meta = None;
                while records.next(eof, record)? {
                    if rows.header(record)? {
                        continue;
                    }
                    rows.row(record, settings, values)?;
                    let meta = match &meta {
                        Some(m) => m,
                        None => meta.insert(batch.meta(ctx)?),
                    };
                    batch
                        .insert(meta, values, ctx)
                        .map_err(|e| match batch.context_for(&e) {
                            RowContext::Statement => e,
                            RowContext::Line => e.with_where(records.context()),
                            RowContext::LineText => e.with_where(row_context(records, record)),
                        })?;
                    *count += 1;
                    ctx.tick()?;
                }
                Ok(())
            })
        })
    }

    /// `COPY … FROM 'file'` and `COPY … TO 'file'`, inside the statement's
    /// block; STDIN and STDOUT need a client ([`Session::copy_in_start`],
    /// [`Session::copy_out`]).
    pub(super) fn run_copy(&mut self, copy: &Copy) -> Result<StatementResult> {
        let path = match &copy.target {
            CopyTarget::File(path) => path.clone(),
            CopyTarget::Program(_) => {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "COPY {} PROGRAM is not supported",
                    if copy.to { "TO" } else { "FROM" }
                ))
            }
            CopyTarget::Stdio => {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "COPY {} needs a client that speaks the COPY protocol",
                    if copy.to { "TO STDOUT" } else { "FROM STDIN" }
                ))
            }
        };
        if copy.to {
            if !std::path::Path::new(&path).is_absolute() {
                return Err(err!(
                    SqlState::new(b"42602"),
                    "relative path not allowed for COPY to file"
                ));
            }
            let file = std::fs::File::create(&path)
                .map_err(|e| fix_open_message(file_error(e, "open", &path), &path, "writing"))?;
            let mut sink = FileSink {
                out: std::io::BufWriter::new(file),
                path: path.clone(),
            };
            let count = self.copy_to_sink(copy, &mut sink)?;
            sink.out
                .flush()
                .map_err(|e| file_error(e, "write to", &path))?;
            return Ok(StatementResult::command(format!("COPY {count}")));
        }
        let mut st = self.copy_in_setup(copy, false)?;
        if std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
            return Err(err!(
                SqlState::WRONG_OBJECT_TYPE,
                "\"{path}\" is a directory"
            ));
        }
        let mut file = std::fs::File::open(&path)
            .map_err(|e| fix_open_message(file_error(e, "open", &path), &path, "reading"))
            .map_err(|e| {
                e.with_hint("COPY FROM instructs the PostgreSQL server process to read a file. You may want a client-side facility such as psql's \\copy.")
            })?;
        let mut chunk = vec![0u8; INPUT_CHUNK];
        loop {
            let n = file
                .read(&mut chunk)
                .map_err(|e| file_error(e, "read from COPY", &path))?;
            if n == 0 {
                break;
            }
            st.records.feed(&chunk[..n]);
            self.copy_in_rows(&mut st, false)?;
        }
        self.copy_in_rows(&mut st, true)?;
        Ok(StatementResult::command(format!("COPY {}", st.count)))
    }

    /// Starts `COPY … FROM STDIN`: checks the statement, opens its
    /// transaction, and returns the shape for the client's CopyInResponse.
    /// Data follows through [`Session::copy_in_data`], then
    /// [`Session::copy_in_done`] or [`Session::copy_in_fail`].
    pub fn copy_in_start(&mut self, copy: &Copy) -> Result<CopyInShape> {
        self.notices.clear();
        self.copy_in = None;
        self.start_interrupt();
        let started = (|| {
            self.check_block_not_failed()?;
            let implicit = self.begin_implicit()?;
            let setup = self
                .prepare(true)
                .and_then(|()| self.copy_in_setup(copy, implicit));
            match setup {
                Ok(st) => Ok(st),
                Err(e) => {
                    self.end_implicit(implicit, false)?;
                    Err(e)
                }
            }
        })();
        match started {
            Ok(st) => {
                let shape = CopyInShape {
                    format: st.rows_format(),
                    columns: st.rows.columns().len(),
                };
                self.copy_in = Some(Box::new(st));
                Ok(shape)
            }
            Err(e) => {
                self.interrupt.end_statement();
                self.fail_block();
                Err(e)
            }
        }
    }

    /// Whether a `COPY … FROM STDIN` is waiting for data.
    pub fn copy_in_progress(&self) -> bool {
        self.copy_in.is_some()
    }

    /// Takes a chunk of `COPY … FROM STDIN` data, inserting the whole rows
    /// read so far once [`INPUT_BATCH`] bytes are at hand. An error ends
    /// the COPY and rolls it back.
    pub fn copy_in_data(&mut self, data: &[u8]) -> Result<()> {
        let Some(mut st) = self.copy_in.take() else {
            return Ok(());
        };
        st.records.feed(data);
        let done = self
            .interrupt
            .check(&super::run::now_micros)
            .and_then(|()| {
                if st.records.pending() < INPUT_BATCH {
                    return Ok(());
                }
                self.copy_in_rows(&mut st, false)
            });
        match done {
            Ok(()) => {
                self.copy_in = Some(st);
                Ok(())
            }
            Err(e) => Err(self.copy_in_abort(&st, e)),
        }
    }

    /// Ends `COPY … FROM STDIN` at the client's CopyDone: the last rows,
    /// then the commit of an implicit transaction. Returns `COPY n`.
    pub fn copy_in_done(&mut self) -> Result<StatementResult> {
        let Some(mut st) = self.copy_in.take() else {
            return Err(err!(
                SqlState::PROTOCOL_VIOLATION,
                "no COPY FROM STDIN is in progress"
            ));
        };
        let finished = self
            .copy_in_rows(&mut st, true)
            .and_then(|()| self.end_implicit(st.implicit, true));
        self.interrupt.end_statement();
        match finished {
            Ok(()) => {
                let mut result = StatementResult::command(format!("COPY {}", st.count));
                result.notices.append(&mut self.notices);
                Ok(result)
            }
            Err(e) => {
                if self.block.as_ref().is_some_and(|b| !b.explicit) {
                    self.block = None;
                    self.end_transaction(false);
                }
                self.fail_block();
                Err(e)
            }
        }
    }

    /// Ends `COPY … FROM STDIN` at the client's CopyFail (or when the
    /// client went away): nothing it inserted stays. Returns the error to
    /// report.
    pub fn copy_in_fail(&mut self, message: &str) -> Error {
        let e = err!(
            SqlState::QUERY_CANCELED,
            "COPY from stdin failed: {message}"
        );
        match self.copy_in.take() {
            // The rows sent before come first, as if read as they came:
            // their error is the one to report, and the CONTEXT names the
            // last line read.
            Some(mut st) => match self.copy_in_rows(&mut st, false) {
                Ok(()) => self.copy_in_abort(&st, e),
                Err(first) => self.copy_in_abort(&st, first),
            },
            None => e,
        }
    }

    fn copy_in_abort(&mut self, st: &CopyIn, e: Error) -> Error {
        self.interrupt.end_statement();
        let _ = self.end_implicit(st.implicit, false);
        self.fail_block();
        if e.where_context().is_none() && st.records.line() > 0 {
            return e.with_where(st.records.context());
        }
        e
    }

    /// Runs `COPY … TO STDOUT`, handing the output to `sink` as it is
    /// produced. Returns `COPY n`.
    pub fn copy_out(&mut self, copy: &Copy, sink: &mut dyn CopySink) -> Result<StatementResult> {
        self.statement(|s| {
            s.check_block_not_failed()?;
            s.in_block(false, |s| {
                let count = s.copy_to_sink(copy, sink)?;
                Ok(StatementResult::command(format!("COPY {count}")))
            })
        })
    }

    /// Runs a COPY TO's query, rendering each row into `sink`.
    fn copy_to_sink(&mut self, copy: &Copy, sink: &mut dyn CopySink) -> Result<u64> {
        let options = CopyOptions::parse(&copy.options, true)?;
        let (query, columns) = match &copy.source {
            CopySource::Table { name, columns } => {
                let (table, columns) = self.copy_table(name, columns)?;
                if table.is_view() {
                    return Err(err!(
                        SqlState::WRONG_OBJECT_TYPE,
                        "cannot copy from view \"{}\"",
                        table.name
                    )
                    .with_hint("Try the COPY (SELECT ...) TO variant."));
                }
                let list: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
                let sql = format!(
                    "SELECT {} FROM {}",
                    list.join(", "),
                    self.qualified_name(&table)
                );
                let stmt = crate::parser::parse(&sql)?
                    .pop()
                    .ok_or_else(|| err!(SqlState::INTERNAL_ERROR, "COPY's SELECT did not parse"))?;
                (stmt, Some(columns))
            }
            CopySource::Query(q) => (Statement::Query(q.clone()), None),
        };
        self.with_env(|env, txn, _| {
            let Some((plan, _)) = env.plan(&query, &[])? else {
                return Err(err!(SqlState::INTERNAL_ERROR, "COPY's query has no plan"));
            };
            let columns = columns.unwrap_or_else(|| {
                plan.schema
                    .fields
                    .iter()
                    .map(|f| CopyColumn {
                        name: f.name.clone(),
                        ty: f.data_type.clone(),
                    })
                    .collect()
            });
            check_named(&options.force_quote, &columns)?;
            let writer = RowWriter::new(&options, &columns);
            sink.begin(options.format, columns.len())?;
            // One call per row, as the wire's CopyData messages carry them;
            // the binary header goes with the first row, a header line alone.
            let mut out = Vec::new();
            writer.start(&mut out);
            if options.format != Format::Binary && !out.is_empty() {
                sink.data(&out)?;
                out.clear();
            }
            let settings = env.settings;
            let count = for_each_row(env, txn, &plan, &mut |row| {
                writer.row(row, settings, &mut out)?;
                sink.data(&out)?;
                out.clear();
                Ok(())
            })?;
            writer.finish(&mut out);
            if !out.is_empty() {
                sink.data(&out)?;
            }
            Ok(count)
        })
    }
}

impl CopyIn {
    fn rows_format(&self) -> Format {
        self.rows.format()
    }
}

/// Runs a plan, handing each row to `f` as the executor produces it.
/// Returns the number of rows.
fn for_each_row(
    env: &mut Env<'_>,
    txn: &mut Transaction,
    plan: &Plan,
    f: &mut dyn FnMut(&[Value]) -> Result<()>,
) -> Result<u64> {
    env.with_exec(txn, &[], |ctx| {
        let mut op = exec::execute(plan, ctx)?;
        let mut count = 0;
        while let Some(row) = op.next(ctx)? {
            f(&row)?;
            count += 1;
        }
        Ok(count)
    })
}

/// The CONTEXT of an error in inserting a record's row: `COPY t, line
/// n: "…"` (without the line's text for binary data).
fn row_context(records: &RecordReader, record: &Record) -> String {
    if record.raw.is_empty() {
        records.context()
    } else {
        format!("{}: \"{}\"", records.context(), display(&record.raw))
    }
}

/// FORCE_… lists may name only the COPY's columns.
fn check_named(set: &crate::copy::ColumnSet, columns: &[CopyColumn]) -> Result<()> {
    if let crate::copy::ColumnSet::Named(names) = set {
        for n in names {
            if !columns.iter().any(|c| c.name == *n) {
                return Err(err!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{n}\" does not exist"
                ));
            }
        }
    }
    Ok(())
}

/// `could not open file "p": reason` → `… "p" for reading: reason`.
fn fix_open_message(e: Error, path: &str, how: &str) -> Error {
    let message = e.message().to_string();
    let prefix = format!("could not open file \"{path}\": ");
    match message.strip_prefix(&prefix) {
        Some(reason) => Error::new(
            e.code(),
            format!("could not open file \"{path}\" for {how}: {reason}"),
        ),
        None => e,
    }
}

/// COPY TO a server file.
struct FileSink {
    out: std::io::BufWriter<std::fs::File>,
    path: String,
}

impl CopySink for FileSink {
    fn begin(&mut self, _: Format, _: usize) -> Result<()> {
        Ok(())
    }

    fn data(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .map_err(|e| file_error(e, "write to", &self.path))
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::{Copy, Statement};
    use crate::session::Engine;
    use crate::types::Value;

    fn copy_stmt(sql: &str) -> Copy {
        match crate::parser::parse(sql).unwrap().pop().unwrap() {
            Statement::Copy(c) => *c,
            other => panic!("not a COPY: {other:?}"),
        }
    }

    #[test]
    fn copy_leaves_out_generated_columns_and_computes_them() {
        let mut s = Engine::open_memory().unwrap().session();
        s.execute("CREATE TABLE g (a int, b int, s int GENERATED ALWAYS AS (a * b) STORED)")
            .unwrap();
        // Without a column list COPY reads a and b only.
        s.copy_in_start(&copy_stmt("COPY g FROM STDIN")).unwrap();
        s.copy_in_data(b"2\t3\n4\t5\n").unwrap();
        assert_eq!(s.copy_in_done().unwrap().tag, "COPY 2");
        s.copy_in_start(&copy_stmt("COPY g (b, a) FROM STDIN"))
            .unwrap();
        s.copy_in_data(b"10\t1\n").unwrap();
        assert_eq!(s.copy_in_done().unwrap().tag, "COPY 1");
        let rows = s
            .execute("SELECT a, s FROM g ORDER BY a")
            .unwrap()
            .pop()
            .unwrap()
            .rows;
        let got: Vec<Vec<Value>> = rows;
        let want: Vec<Vec<Value>> = [(1, 10), (2, 6), (4, 20)]
            .iter()
            .map(|&(a, s)| vec![Value::Int4(a), Value::Int4(s)])
            .collect();
        assert_eq!(got, want);
        // Naming a generated column is PostgreSQL's error, either way.
        let want = "ERROR:  column \"s\" is a generated column\nDETAIL:  Generated columns cannot be used in COPY.";
        let Err(e) = s.copy_in_start(&copy_stmt("COPY g (a, s) FROM STDIN")) else {
            panic!("COPY FROM naming s was accepted");
        };
        assert_eq!((e.code().as_str(), e.to_string().as_str()), ("42P10", want));
        let mut sink = Discard;
        let Err(e) = s.copy_out(&copy_stmt("COPY g (s) TO STDOUT"), &mut sink) else {
            panic!("COPY TO naming s was accepted");
        };
        assert_eq!((e.code().as_str(), e.to_string().as_str()), ("42P10", want));
    }

    struct Discard;

    impl crate::copy::CopySink for Discard {
        fn begin(&mut self, _: crate::copy::Format, _: usize) -> assay_storage::Result<()> {
            Ok(())
        }
        fn data(&mut self, _: &[u8]) -> assay_storage::Result<()> {
            Ok(())
        }
    }
}
