//! Name resolution: the columns a query's clauses can see, by position.

use assay_storage::{err, Error, Result, SqlState};

use super::errors::{at, AMBIGUOUS_COLUMN, UNDEFINED_COLUMN};
use crate::plan::{Field, Schema};
use crate::types::DataType;

/// One column visible to a clause.
#[derive(Clone, Debug)]
pub struct ScopeColumn {
    /// The range variable (table alias) it belongs to.
    pub relation: Option<String>,
    pub name: String,
    pub data_type: DataType,
    /// Found by an unqualified name (false for the right-hand copy of a
    /// `USING` column, which the merged column stands for).
    pub unqualified: bool,
    /// Part of `*` expansion.
    pub in_star: bool,
}

/// The columns of a FROM clause (or of a DML target), in the order of the
/// plan's output row, plus the range variables that exist.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub columns: Vec<ScopeColumn>,
    pub relations: Vec<String>,
    /// Set on the scope of a grouped query as its subqueries see it: for
    /// each column, its position among the group keys (the Aggregate's
    /// output), or `None` for a column that is not grouped.
    pub group_map: Option<Vec<Option<usize>>>,
    /// Each base table's primary key among these columns: the key columns'
    /// positions and the range of the table's columns. Grouped by the
    /// whole key, a query may read the table's other columns ungrouped:
    /// they are functionally dependent on it (PostgreSQL's rule).
    pub table_keys: Vec<(Vec<usize>, std::ops::Range<usize>)>,
    /// The row type of each base table's range variable (its composite
    /// type), for a whole-row reference.
    pub row_types: Vec<(String, std::sync::Arc<crate::types::RecordType>)>,
}

/// Where a name was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// A column of this scope, by position.
    Here(usize),
    /// Not found.
    Missing,
}

impl Scope {
    pub fn new() -> Scope {
        Scope::default()
    }

    /// A scope over a plan's output, every column belonging to `relation`.
    pub fn of_schema(schema: &Schema, relation: Option<&str>) -> Scope {
        let columns = schema
            .fields
            .iter()
            .map(|f| ScopeColumn {
                relation: relation.map(str::to_string),
                name: f.name.clone(),
                data_type: f.data_type.clone(),
                unqualified: true,
                in_star: true,
            })
            .collect();
        Scope {
            columns,
            relations: relation.map(|r| vec![r.to_string()]).unwrap_or_default(),
            group_map: None,
            table_keys: Vec::new(),
            row_types: Vec::new(),
        }
    }

    /// This scope followed by another (a join's).
    pub fn concat(mut self, other: Scope) -> Scope {
        self.table_keys
            .extend(shift_table_keys(other.table_keys, self.columns.len()));
        self.columns.extend(other.columns);
        self.row_types.extend(other.row_types);
        self.relations.extend(other.relations);
        self
    }

    pub fn has_relation(&self, name: &str) -> bool {
        self.relations.iter().any(|r| r == name)
    }

    /// The plan schema these columns form.
    pub fn schema(&self) -> Schema {
        Schema::new(
            self.columns
                .iter()
                .map(|c| Field {
                    name: c.name.clone(),
                    data_type: c.data_type.clone(),
                    relation: c.relation.clone(),
                    nullable: true,
                })
                .collect(),
        )
    }

    /// Resolves `name` or `relation.name`; an error if ambiguous.
    pub fn resolve(&self, relation: Option<&str>, name: &str, pos: Option<u32>) -> Result<Found> {
        let mut found = None;
        for (i, c) in self.columns.iter().enumerate() {
            let matches = match relation {
                Some(r) => c.relation.as_deref() == Some(r) && c.name == name,
                None => c.unqualified && c.name == name,
            };
            if matches {
                if found.is_some() {
                    let shown = match relation {
                        Some(r) => format!("{r}.{name}"),
                        None => name.to_string(),
                    };
                    return Err(at(
                        err!(
                            AMBIGUOUS_COLUMN,
                            "column reference \"{}\" is ambiguous",
                            shown
                        ),
                        pos,
                    ));
                }
                found = Some(i);
            }
        }
        Ok(found.map_or(Found::Missing, Found::Here))
    }

    /// Candidates for the "Perhaps you meant" hint: `(distance, relation, column)`.
    fn fuzzy(&self, relation: Option<&str>, name: &str) -> Vec<(usize, String, String)> {
        let mut out = Vec::new();
        for c in &self.columns {
            let Some(rel) = &c.relation else { continue };
            if relation.is_some_and(|r| r != rel) || !c.in_star && c.unqualified {
                continue;
            }
            let d = levenshtein(name, &c.name);
            if d <= 3 && d <= name.chars().count() / 2 {
                out.push((d, rel.clone(), c.name.clone()));
            }
        }
        out
    }
}

/// The error for a column found nowhere, with PostgreSQL's hint when a
/// column of a similar name exists in one or two of the visible relations.
pub fn missing_column(
    scopes: &[&Scope],
    relation: Option<&str>,
    name: &str,
    pos: Option<u32>,
) -> Error {
    let message = match relation {
        Some(r) => format!("column {r}.{name} does not exist"),
        None => format!("column \"{name}\" does not exist"),
    };
    let mut e = at(Error::new(UNDEFINED_COLUMN, message), pos);
    let mut cands: Vec<(usize, String, String)> = scopes
        .iter()
        .flat_map(|s| s.fuzzy(relation, name))
        .collect();
    cands.sort_by_key(|c| c.0);
    if let Some(best) = cands.first().map(|c| c.0) {
        let best: Vec<_> = cands.iter().filter(|c| c.0 == best).collect();
        let exact = best[0].0 == 0;
        match best.as_slice() {
            [one] if !exact => {
                e = e.with_hint(format!(
                    "Perhaps you meant to reference the column \"{}.{}\".",
                    one.1, one.2
                ))
            }
            [a, b] if !exact && a.1 != b.1 => {
                e = e.with_hint(format!(
                    "Perhaps you meant to reference the column \"{}.{}\" or the column \"{}.{}\".",
                    a.1, a.2, b.1, b.2
                ))
            }
            _ => {}
        }
    }
    e
}

/// `missing FROM-clause entry for table "t"`.
pub fn missing_relation(relation: &str, pos: Option<u32>) -> Error {
    at(
        err!(
            SqlState::UNDEFINED_TABLE,
            "missing FROM-clause entry for table \"{}\"",
            relation
        ),
        pos,
    )
}

/// Edit distance between two names (insertions, deletions, substitutions).
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Table keys (see [`Scope::table_keys`]) of columns that moved `shift`
/// places right.
pub fn shift_table_keys(
    keys: Vec<(Vec<usize>, std::ops::Range<usize>)>,
    shift: usize,
) -> Vec<(Vec<usize>, std::ops::Range<usize>)> {
    keys.into_iter()
        .map(|(key, range)| {
            (
                key.into_iter().map(|k| k + shift).collect(),
                range.start + shift..range.end + shift,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::levenshtein;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("nme", "name"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
