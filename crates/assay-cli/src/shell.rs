//! The interactive shell: psql's look and feel over an embedded database.
//!
//! Input goes through the [`Splitter`] (statements end at `;`, meta
//! commands run at once); each statement runs in the session and its
//! result prints as psql prints it: a table and a row count for rows, the
//! command tag otherwise, `ERROR:` with `LINE n:` and a caret for errors,
//! then the shell carries on.

use std::io::Write;
use std::time::Instant;

use assay_sql::session::{Session, StatementResult};
use assay_sql::types::{format_typed, DataType};
use assay_storage::Error;

use crate::describe;
use crate::input::{Item, Splitter};
use crate::table::{aligned, expanded, Column};

/// Shell state beyond the session: display toggles.
pub struct Shell {
    pub session: Session,
    pub name: String,
    expanded: bool,
    timing: bool,
    /// Set when a statement failed (for `-c`/`-f` exit codes).
    pub had_error: bool,
    pub quit: bool,
}

impl Shell {
    pub fn new(session: Session, name: String) -> Shell {
        Shell {
            session,
            name,
            expanded: false,
            timing: false,
            had_error: false,
            quit: false,
        }
    }

    /// Runs one item and writes what psql would print.
    pub fn run_item(&mut self, item: Item, out: &mut dyn Write) -> std::io::Result<()> {
        match item {
            Item::Sql(sql) => self.run_sql(&sql, out),
            Item::Meta { command, args } => self.meta(&command, &args, out),
        }
    }

    /// Runs SQL text (one or more statements).
    pub fn run_sql(&mut self, sql: &str, out: &mut dyn Write) -> std::io::Result<()> {
        let start = Instant::now();
        let (results, error) = self.session.run(sql);
        for result in &results {
            self.print_result(result, out)?;
        }
        if let Some(e) = error {
            self.had_error = true;
            print_error(&e, sql, out)?;
        }
        if self.timing {
            writeln!(
                out,
                "Time: {:.3} ms",
                start.elapsed().as_secs_f64() * 1000.0
            )?;
        }
        Ok(())
    }

    fn print_result(&self, result: &StatementResult, out: &mut dyn Write) -> std::io::Result<()> {
        for notice in &result.notices {
            writeln!(out, "{}:  {}", notice.severity, notice.message)?;
        }
        if !result.returns_rows {
            if !result.tag.is_empty() {
                writeln!(out, "{}", result.tag)?;
            }
            return Ok(());
        }
        let columns: Vec<Column> = result
            .columns
            .iter()
            .map(|f| Column {
                name: f.name.clone(),
                numeric: is_numeric(&f.data_type),
            })
            .collect();
        let settings = &self.session.settings.types;
        let rows: Vec<Vec<Option<String>>> = result
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .zip(&result.columns)
                    .map(|(v, c)| format_typed(v, &c.data_type, settings))
                    .collect()
            })
            .collect();
        let text = if self.expanded {
            expanded(&columns, &rows)
        } else {
            aligned(&columns, &rows)
        };
        write!(out, "{text}")?;
        writeln!(out)
    }

    fn meta(&mut self, command: &str, args: &[String], out: &mut dyn Write) -> std::io::Result<()> {
        if let Err(e) = self.session.refresh_catalog() {
            return print_error(&e, "", out);
        }
        let catalog = self.session.catalog().clone();
        match (command, args.first()) {
            ("q" | "quit", _) => self.quit = true,
            ("x", _) => {
                self.expanded = match args.first().map(String::as_str) {
                    Some("on") => true,
                    Some("off") => false,
                    _ => !self.expanded,
                };
                writeln!(
                    out,
                    "Expanded display is {}.",
                    if self.expanded { "on" } else { "off" }
                )?;
            }
            ("timing", _) => {
                self.timing = !self.timing;
                writeln!(out, "Timing is {}.", if self.timing { "on" } else { "off" })?;
            }
            ("i" | "include", Some(path)) => match std::fs::read_to_string(path) {
                Ok(text) => self.run_script(&text, out)?,
                Err(e) => {
                    self.had_error = true;
                    writeln!(out, "{path}: {e}")?
                }
            },
            ("d", Some(name)) | ("d+", Some(name)) => match describe::describe(&catalog, name) {
                Some(text) => writeln!(out, "{text}")?,
                None => {
                    self.had_error = true;
                    writeln!(out, "Did not find any relation named \"{name}\".")?
                }
            },
            ("d" | "d+", None) => writeln!(out, "{}", describe::list_relations(&catalog, ""))?,
            ("dt" | "dt+", _) => writeln!(out, "{}", describe::list_relations(&catalog, "t"))?,
            ("di" | "di+", _) => writeln!(out, "{}", describe::list_relations(&catalog, "i"))?,
            ("dv" | "dv+", _) => writeln!(out, "{}", describe::list_relations(&catalog, "v"))?,
            ("ds" | "ds+", _) => writeln!(out, "{}", describe::list_relations(&catalog, "s"))?,
            ("dn" | "dn+", _) => writeln!(out, "{}", describe::list_schemas(&catalog))?,
            ("?", _) => writeln!(out, "{}", HELP)?,
            _ => {
                self.had_error = true;
                writeln!(out, "invalid command \\{command}\nTry \\? for help.")?
            }
        }
        Ok(())
    }

    /// Runs a whole script (`-f`, `\i`): statements in order, errors
    /// printed, carrying on as psql does.
    pub fn run_script(&mut self, text: &str, out: &mut dyn Write) -> std::io::Result<()> {
        let mut splitter = Splitter::new();
        for line in text.lines() {
            for item in splitter.push_line(line) {
                self.run_item(item, out)?;
                if self.quit {
                    return Ok(());
                }
            }
        }
        if let Some(item) = splitter.finish() {
            self.run_item(item, out)?;
        }
        Ok(())
    }

    /// The interactive loop with line editing and history.
    pub fn interactive(&mut self) -> std::io::Result<()> {
        let mut editor = match rustyline::DefaultEditor::new() {
            Ok(e) => e,
            Err(e) => return Err(std::io::Error::other(e.to_string())),
        };
        let history =
            std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".assay_history"));
        if let Some(h) = &history {
            let _ = editor.load_history(h);
        }
        println!(
            "assay {} (PostgreSQL 15 compatible). Type \\? for help, \\q to quit.",
            env!("CARGO_PKG_VERSION")
        );
        let mut splitter = Splitter::new();
        let stdout = std::io::stdout();
        while !self.quit {
            let marker = splitter.prompt_state();
            let prompt = format!("{}{}> ", self.name, marker);
            match editor.readline(&prompt) {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    for item in splitter.push_line(&line) {
                        let mut lock = stdout.lock();
                        self.run_item(item, &mut lock)?;
                    }
                }
                Err(rustyline::error::ReadlineError::Interrupted) => splitter.reset(),
                Err(_) => break,
            }
        }
        if let Some(h) = &history {
            let _ = editor.save_history(h);
        }
        Ok(())
    }
}

fn is_numeric(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int2
            | DataType::Int4
            | DataType::Int8
            | DataType::Float4
            | DataType::Float8
            | DataType::Numeric(_)
    )
}

/// Prints an error as psql does, with the statement line and a caret when
/// the error has a position.
pub fn print_error(e: &Error, sql: &str, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "ERROR:  {}", e.message())?;
    if let Some(pos) = e.position() {
        let pos = pos.saturating_sub(1) as usize;
        let mut line_start = 0;
        let mut line_no = 1;
        for (i, c) in sql.chars().enumerate() {
            if i >= pos {
                break;
            }
            if c == '\n' {
                line_start = i + 1;
                line_no += 1;
            }
        }
        let line: Vec<char> = sql
            .chars()
            .skip(line_start)
            .take_while(|&c| c != '\n')
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect();
        let (text, caret) = cut_error_line(&line, pos - line_start);
        let prefix = format!("LINE {line_no}: ");
        writeln!(out, "{prefix}{text}")?;
        writeln!(out, "{}^", " ".repeat(prefix.len() + caret))?;
    }
    if let Some(detail) = e.detail() {
        writeln!(out, "DETAIL:  {detail}")?;
    }
    if let Some(hint) = e.hint() {
        writeln!(out, "HINT:  {hint}")?;
    }
    Ok(())
}

/// psql shows at most this many columns of the statement line…
const ERROR_LINE_WIDTH: usize = 60;
/// …keeping at least this many after the error position.
const ERROR_RIGHT_MARGIN: usize = 10;

/// The part of a long statement line psql shows around an error position
/// (with `...` where it was cut), and the caret's column in that text.
fn cut_error_line(line: &[char], at: usize) -> (String, usize) {
    let at = at.min(line.len());
    let (mut begin, mut end) = (0, line.len());
    if end - begin > ERROR_LINE_WIDTH {
        if at + ERROR_RIGHT_MARGIN < ERROR_LINE_WIDTH {
            end = ERROR_LINE_WIDTH;
        } else {
            end = end.min(at + ERROR_RIGHT_MARGIN);
            begin = end.saturating_sub(ERROR_LINE_WIDTH);
        }
    }
    let mut text = String::new();
    let mut caret = at - begin;
    if begin > 0 {
        text.push_str("...");
        caret += 3;
    }
    text.extend(&line[begin..end]);
    if end < line.len() {
        text.push_str("...");
    }
    (text, caret)
}

const HELP: &str = "General
  \\q                     quit
  \\i FILE                execute commands from file
  \\timing                toggle timing of commands
  \\x [on|off]            toggle expanded output
Informational
  \\d[+] [NAME]           list tables, views and sequences, or describe NAME
  \\dt, \\di, \\dv, \\ds     list tables, indexes, views, sequences
  \\dn                    list schemas";

#[cfg(test)]
mod tests {
    use super::cut_error_line;

    #[test]
    fn long_error_lines_are_cut_as_psql_cuts_them() {
        // Both expected texts are psql 15's.
        let line: Vec<char> = "select f1,g from (values (1)) a(f1) right join lateral generate_series(0, a.f1) g on true"
            .chars()
            .collect();
        let (text, caret) = cut_error_line(&line, 74);
        assert_eq!(
            text,
            "... (1)) a(f1) right join lateral generate_series(0, a.f1) g on..."
        );
        assert_eq!(caret, 53);
        let line: Vec<char> = "select 1 +".chars().collect();
        assert_eq!(cut_error_line(&line, 9), ("select 1 +".to_string(), 9));
    }
}
