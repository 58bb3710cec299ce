//! Splitting what a user types into statements and meta-commands.
//!
//! Lines accumulate into a query buffer until a semicolon ends a statement
//! outside quotes (`'…'`, `"…"`, `$tag$…$tag$`) and comments (`-- …`,
//! `/* … */`). A line starting with a backslash is a meta-command (`\d t`,
//! `\x`, `\q`) and runs at once, as in psql. [`Splitter::prompt_state`]
//! tells the shell which prompt to show (`=>`, `->`, `'>` …).

/// Something ready to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A complete SQL statement, without its terminating semicolon.
    Sql(String),
    /// A meta-command: the word after the backslash and its arguments.
    Meta { command: String, args: Vec<String> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Normal,
    Single,
    Double,
    Dollar,
    Block(u32),
}

/// Accumulates input and yields complete items.
#[derive(Default)]
pub struct Splitter {
    buffer: String,
    state: Option<StateBox>,
}

#[derive(Clone, Debug)]
struct StateBox {
    state: State,
    dollar_tag: String,
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter::default()
    }

    /// Whether a statement is partly typed.
    pub fn is_pending(&self) -> bool {
        !self.buffer.trim().is_empty()
    }

    /// The prompt continuation marker psql would show: `=` when nothing is
    /// pending, `-` inside a statement, `'`, `"` or `$` inside a string, `*`
    /// inside a comment.
    pub fn prompt_state(&self) -> char {
        match self.state.as_ref().map(|s| s.state) {
            Some(State::Single) => '\'',
            Some(State::Double) => '"',
            Some(State::Dollar) => '$',
            Some(State::Block(_)) => '*',
            _ if self.is_pending() => '-',
            _ => '=',
        }
    }

    /// Drops a partly typed statement (`\r`, or Ctrl-C).
    pub fn reset(&mut self) {
        self.buffer.clear();
        self.state = None;
    }

    /// The statement typed so far without a semicolon (run at end of input).
    pub fn finish(&mut self) -> Option<Item> {
        let rest = std::mem::take(&mut self.buffer);
        self.state = None;
        let rest = rest.trim();
        (!rest.is_empty()).then(|| Item::Sql(rest.to_string()))
    }

    /// Feeds one line; returns the items it completed.
    pub fn push_line(&mut self, line: &str) -> Vec<Item> {
        let mut items = Vec::new();
        let in_quote = matches!(
            self.state.as_ref().map(|s| s.state),
            Some(State::Single | State::Double | State::Dollar | State::Block(_))
        );
        if !in_quote && line.trim_start().starts_with('\\') {
            items.push(meta(line.trim_start()));
            return items;
        }
        let mut st = self.state.take().unwrap_or(StateBox {
            state: State::Normal,
            dollar_tag: String::new(),
        });
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match st.state {
                State::Normal => match c {
                    '\'' => st.state = State::Single,
                    '"' => st.state = State::Double,
                    '-' if next == Some('-') => {
                        // The rest of the line is a comment; keep it for the text.
                        self.buffer.extend(&chars[i..]);
                        i = chars.len();
                        continue;
                    }
                    '/' if next == Some('*') => {
                        st.state = State::Block(1);
                        self.buffer.push_str("/*");
                        i += 2;
                        continue;
                    }
                    '$' => {
                        if let Some(tag) = dollar_tag(&chars[i..]) {
                            self.buffer.push_str(&tag);
                            i += tag.chars().count();
                            st.dollar_tag = tag;
                            st.state = State::Dollar;
                            continue;
                        }
                    }
                    ';' => {
                        let stmt = std::mem::take(&mut self.buffer);
                        if !stmt.trim().is_empty() {
                            items.push(Item::Sql(stmt.trim().to_string()));
                        }
                        i += 1;
                        continue;
                    }
                    _ => {}
                },
                State::Single if c == '\'' => st.state = State::Normal,
                State::Double if c == '"' => st.state = State::Normal,
                State::Dollar => {
                    let tag: Vec<char> = st.dollar_tag.chars().collect();
                    if chars[i..].starts_with(&tag) {
                        self.buffer.push_str(&st.dollar_tag);
                        i += tag.len();
                        st.state = State::Normal;
                        continue;
                    }
                }
                State::Block(depth) => {
                    if c == '*' && next == Some('/') {
                        st.state = if depth == 1 {
                            State::Normal
                        } else {
                            State::Block(depth - 1)
                        };
                        self.buffer.push_str("*/");
                        i += 2;
                        continue;
                    }
                    if c == '/' && next == Some('*') {
                        st.state = State::Block(depth + 1);
                        self.buffer.push_str("/*");
                        i += 2;
                        continue;
                    }
                }
                _ => {}
            }
            self.buffer.push(c);
            i += 1;
        }
        if !self.buffer.trim().is_empty() || st.state != State::Normal {
            self.buffer.push('\n');
        } else {
            self.buffer.clear();
        }
        if st.state != State::Normal {
            self.state = Some(st);
        }
        items
    }
}

/// `$tag$` at the start of `chars`, if it is one.
fn dollar_tag(chars: &[char]) -> Option<String> {
    let end = chars.iter().skip(1).position(|&c| c == '$')? + 1;
    let tag: String = chars[1..end].iter().collect();
    let valid = tag.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !tag.chars().next().is_some_and(|c| c.is_ascii_digit());
    valid.then(|| chars[..=end].iter().collect())
}

fn meta(line: &str) -> Item {
    let body = &line[1..];
    let mut words = body.split_whitespace();
    let command = words.next().unwrap_or("").to_string();
    Item::Meta {
        command,
        args: words.map(str::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(s: &str) -> Item {
        Item::Sql(s.into())
    }

    #[test]
    fn splits_statements_across_lines_and_quotes() {
        let mut s = Splitter::new();
        assert_eq!(s.push_line("select 1;"), vec![sql("select 1")]);
        assert!(s.push_line("select 'a;").is_empty());
        assert_eq!(s.prompt_state(), '\'');
        assert_eq!(
            s.push_line("b'; select 2; sel"),
            vec![sql("select 'a;\nb'"), sql("select 2")]
        );
        assert_eq!(s.prompt_state(), '-');
        assert_eq!(s.push_line("ect $$;$$ -- ;"), vec![]);
        assert_eq!(s.push_line(";"), vec![sql("sel\nect $$;$$ -- ;")]);
        assert_eq!(
            s.push_line("/* ; /* ; */ ; */ select 3;"),
            vec![sql("/* ; /* ; */ ; */ select 3")]
        );
        assert_eq!(s.prompt_state(), '=');
    }

    #[test]
    fn meta_commands_run_at_once() {
        let mut s = Splitter::new();
        assert_eq!(
            s.push_line("\\d  users"),
            vec![Item::Meta {
                command: "d".into(),
                args: vec!["users".into()]
            }]
        );
        assert!(s.push_line("select").is_empty());
        assert_eq!(
            s.push_line("\\x"),
            vec![Item::Meta {
                command: "x".into(),
                args: vec![]
            }]
        );
        assert_eq!(s.finish(), Some(sql("select")));
    }
}
