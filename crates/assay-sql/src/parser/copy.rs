//! COPY: both the new `(option value, …)` and the old `CSV HEADER` syntax.

use assay_storage::Result;
use sqlparser::ast::{self as sp, CopyLegacyCsvOption, CopyLegacyOption, CopyOption as SpOpt};

use super::source::{fold_all, unsupported};
use super::Tr;
use crate::ast::*;

fn opt(name: &str, value: Option<CopyOptionValue>) -> CopyOption {
    CopyOption {
        name: name.to_string(),
        value,
    }
}

fn string(name: &str, s: impl ToString) -> CopyOption {
    opt(name, Some(CopyOptionValue::String(s.to_string())))
}

fn columns(name: &str, cols: &[sp::Ident]) -> CopyOption {
    opt(name, Some(CopyOptionValue::Columns(fold_all(cols))))
}

impl Tr<'_> {
    pub fn copy(
        &self,
        source: &sp::CopySource,
        to: bool,
        target: &sp::CopyTarget,
        options: &[SpOpt],
        legacy: &[CopyLegacyOption],
    ) -> Result<Copy> {
        let source = match source {
            sp::CopySource::Table {
                table_name,
                columns,
            } => CopySource::Table {
                name: self.src.relation_name(table_name)?,
                columns: fold_all(columns),
            },
            sp::CopySource::Query(q) => CopySource::Query(Box::new(self.query(q)?)),
        };
        let target = match target {
            sp::CopyTarget::Stdin | sp::CopyTarget::Stdout => CopyTarget::Stdio,
            sp::CopyTarget::File { filename } => CopyTarget::File(filename.clone()),
            sp::CopyTarget::Program { command } => CopyTarget::Program(command.clone()),
        };
        let mut out = Vec::new();
        for o in options {
            out.push(match o {
                SpOpt::Format(f) => string("format", f.value.to_ascii_lowercase()),
                SpOpt::Freeze(b) => opt("freeze", Some(CopyOptionValue::Bool(*b))),
                SpOpt::Delimiter(c) => string("delimiter", c),
                SpOpt::Null(s) => string("null", s),
                SpOpt::Header(b) => opt("header", Some(CopyOptionValue::Bool(*b))),
                SpOpt::Quote(c) => string("quote", c),
                SpOpt::Escape(c) => string("escape", c),
                SpOpt::ForceQuote(c) => columns("force_quote", c),
                SpOpt::ForceNotNull(c) => columns("force_not_null", c),
                SpOpt::ForceNull(c) => columns("force_null", c),
                SpOpt::Encoding(s) => string("encoding", s),
            });
        }
        for o in legacy {
            match o {
                CopyLegacyOption::Binary => out.push(string("format", "binary")),
                CopyLegacyOption::Delimiter(c) => out.push(string("delimiter", c)),
                CopyLegacyOption::Null(s) => out.push(string("null", s)),
                CopyLegacyOption::Header => {
                    out.push(opt("header", Some(CopyOptionValue::Bool(true))))
                }
                CopyLegacyOption::Csv(csv) => {
                    out.push(string("format", "csv"));
                    for c in csv {
                        out.push(match c {
                            CopyLegacyCsvOption::Header => {
                                opt("header", Some(CopyOptionValue::Bool(true)))
                            }
                            CopyLegacyCsvOption::Quote(c) => string("quote", c),
                            CopyLegacyCsvOption::Escape(c) => string("escape", c),
                            CopyLegacyCsvOption::ForceQuote(c) => columns("force_quote", c),
                            CopyLegacyCsvOption::ForceNotNull(c) => columns("force_not_null", c),
                        });
                    }
                }
                other => return Err(unsupported(format!("COPY option {other}"))),
            }
        }
        Ok(Copy {
            source,
            to,
            target,
            options: out,
        })
    }
}
