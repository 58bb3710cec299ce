//! Pattern matching: `LIKE`/`ILIKE`, `SIMILAR TO`, POSIX regular expressions
//! (`~`, `~*`, `!~`, `!~*`) and the `regexp_*` functions.
//!
//! PostgreSQL's regular expressions (ARE) are run with the `regex` crate,
//! whose syntax agrees on the common ground (classes, quantifiers, groups,
//! anchors, `\d \s \w`); ARE-only escapes `\m`, `\M`, `\y` are translated,
//! and back-references are not supported. Compiled expressions are cached
//! per thread, so a pattern repeated on every row compiles once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};
use regex::{Regex, RegexBuilder};

use super::args::text;
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::{Array, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("regexp_replace", &[Text, Text, Text], Text, regexp_replace);
    b.scalar(
        "regexp_replace",
        &[Text, Text, Text, Text],
        Text,
        regexp_replace,
    );
    b.scalar("regexp_match", &[Text, Text], TextArray, regexp_match);
    b.scalar("regexp_match", &[Text, Text, Text], TextArray, regexp_match);
    b.scalar(
        "regexp_split_to_array",
        &[Text, Text],
        TextArray,
        regexp_split_to_array,
    );
    b.scalar(
        "regexp_split_to_array",
        &[Text, Text, Text],
        TextArray,
        regexp_split_to_array,
    );
    b.scalar("regexp_like", &[Text, Text], Bool, regexp_like);
    b.scalar("regexp_like", &[Text, Text, Text], Bool, regexp_like);
    b.scalar("substring", &[Text, Text], Text, substring_regex);
    // The functions behind the operators, under PostgreSQL's names.
    b.scalar("like", &[Text, Text], Bool, textlike);
    b.scalar("textlike", &[Text, Text], Bool, textlike);
    b.scalar("notlike", &[Text, Text], Bool, |r, a, c| {
        not(textlike(r, a, c))
    });
    b.scalar("textnlike", &[Text, Text], Bool, |r, a, c| {
        not(textlike(r, a, c))
    });
    b.scalar("texticlike", &[Text, Text], Bool, texticlike);
    b.scalar("texticnlike", &[Text, Text], Bool, |r, a, c| {
        not(texticlike(r, a, c))
    });
    b.scalar("textregexeq", &[Text, Text], Bool, textregexeq);
    b.scalar("textregexne", &[Text, Text], Bool, |r, a, c| {
        not(textregexeq(r, a, c))
    });
    b.scalar("texticregexeq", &[Text, Text], Bool, texticregexeq);
    b.scalar("texticregexne", &[Text, Text], Bool, |r, a, c| {
        not(texticregexeq(r, a, c))
    });
    b.scalar("like_escape", &[Text, Text], Text, |_, a, _| {
        Ok(Value::text(&like_escape(text(&a[0])?, text(&a[1])?)?))
    });
    b.scalar("similar_to_escape", &[Text], Text, |_, a, _| {
        Ok(Value::text(&similar_to_regex(text(&a[0])?, Some('\\'))?))
    });
    b.scalar("similar_to_escape", &[Text, Text], Text, |_, a, _| {
        let esc = escape_char(text(&a[1])?)?;
        Ok(Value::text(&similar_to_regex(text(&a[0])?, esc)?))
    });
}

fn not(v: Result<Value>) -> Result<Value> {
    Ok(match v? {
        Value::Bool(b) => Value::Bool(!b),
        other => other,
    })
}

fn textlike(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(Value::Bool(like(
        text(&a[0])?,
        text(&a[1])?,
        Some('\\'),
        false,
    )?))
}

fn texticlike(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(Value::Bool(like(
        text(&a[0])?,
        text(&a[1])?,
        Some('\\'),
        true,
    )?))
}

fn textregexeq(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(Value::Bool(regex_match(text(&a[0])?, text(&a[1])?, false)?))
}

fn texticregexeq(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(Value::Bool(regex_match(text(&a[0])?, text(&a[1])?, true)?))
}

/// An `ESCAPE` string: empty (no escape) or one character.
pub fn escape_char(e: &str) -> Result<Option<char>> {
    let mut chars = e.chars();
    match (chars.next(), chars.next()) {
        (None, _) => Ok(None),
        (Some(c), None) => Ok(Some(c)),
        _ => Err(
            err!(SqlState::INVALID_ESCAPE_SEQUENCE, "invalid escape string")
                .with_hint("Escape string must be empty or one character."),
        ),
    }
}

/// Rewrites a pattern with escape `e` into one using `\`, as
/// PostgreSQL's `like_escape` does for `LIKE ... ESCAPE e`.
pub fn like_escape(pattern: &str, e: &str) -> Result<String> {
    let Some(esc) = escape_char(e)? else {
        return Ok(pattern.replace('\\', "\\\\"));
    };
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == esc {
            match chars.next() {
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                // A trailing escape stays, and LIKE rejects it if reached.
                None => out.push('\\'),
            }
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Regex flags as `regexp_replace` and friends take them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags {
    pub case_insensitive: bool,
    pub global: bool,
    /// `n`: newline-sensitive (`.` and brackets exclude newline, `^ $`
    /// match at lines).
    pub newline: bool,
    pub extended: bool,
}

/// Parses a flags string; `function` names the caller in errors.
pub fn parse_flags(s: &str) -> Result<Flags> {
    let mut f = Flags::default();
    for c in s.chars() {
        match c {
            'i' => f.case_insensitive = true,
            'c' => f.case_insensitive = false,
            'g' => f.global = true,
            'n' | 'm' => f.newline = true,
            's' => f.newline = false,
            'x' => f.extended = true,
            't' | 'p' | 'w' | 'b' | 'e' | 'q' => {}
            _ => bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "invalid regular expression option: \"{}\"",
                c
            ),
        }
    }
    Ok(f)
}

/// Rewrites ARE-only escapes into the `regex` crate's syntax.
fn translate_are(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('m') => out.push_str(r"\<"),
            Some('M') => out.push_str(r"\>"),
            Some('y') => out.push_str(r"\b"),
            Some('Y') => out.push_str(r"\B"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

thread_local! {
    static CACHE: RefCell<HashMap<(String, bool, bool, bool), Regex>> = RefCell::new(HashMap::new());
}

/// Compiles (or fetches from the cache) a PostgreSQL regular expression.
pub fn compile(pattern: &str, flags: Flags) -> Result<Regex> {
    let key = (
        pattern.to_string(),
        flags.case_insensitive,
        flags.newline,
        flags.extended,
    );
    if let Some(r) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(r);
    }
    let re = RegexBuilder::new(&translate_are(pattern))
        .case_insensitive(flags.case_insensitive)
        .multi_line(flags.newline)
        .dot_matches_new_line(!flags.newline)
        .ignore_whitespace(flags.extended)
        .size_limit(1 << 24)
        .build()
        .map_err(|e| {
            let why = match e {
                regex::Error::Syntax(s) => {
                    if s.contains("unclosed group") || s.contains("unopened group") {
                        "parentheses () not balanced".to_string()
                    } else if s.contains("unclosed character class") {
                        "brackets [] not balanced".to_string()
                    } else if s.contains("repetition operator missing expression") {
                        "quantifier operand invalid".to_string()
                    } else {
                        "invalid regular expression".to_string()
                    }
                }
                _ => "regular expression is too complex".to_string(),
            };
            err!(
                SqlState::INVALID_REGULAR_EXPRESSION,
                "invalid regular expression: {}",
                why
            )
        })?;
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 256 {
            c.clear();
        }
        c.insert(key, re.clone());
    });
    Ok(re)
}

/// `s ~ pattern` (`~*` when `case_insensitive`).
pub fn regex_match(s: &str, pattern: &str, case_insensitive: bool) -> Result<bool> {
    let flags = Flags {
        case_insensitive,
        ..Flags::default()
    };
    Ok(compile(pattern, flags)?.is_match(s))
}

/// `s LIKE pattern ESCAPE escape` (`ILIKE` when `case_insensitive`);
/// `escape` is `Some('\\')` by default and `None` for `ESCAPE ''`.
pub fn like(s: &str, pattern: &str, escape: Option<char>, case_insensitive: bool) -> Result<bool> {
    if case_insensitive {
        let (s, p) = (s.to_lowercase(), pattern.to_lowercase());
        let esc = escape.map(|e| e.to_lowercase().next().unwrap_or(e));
        return like(&s, &p, esc, false);
    }
    let t: Vec<char> = s.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    Ok(like_at(&t, &p, escape)? == LikeResult::True)
}

#[derive(PartialEq, Eq)]
enum LikeResult {
    True,
    False,
    /// No match possible for any shorter suffix either: stop backtracking.
    Abort,
}

fn like_at(t: &[char], p: &[char], escape: Option<char>) -> Result<LikeResult> {
    let (mut ti, mut pi) = (0, 0);
    while ti < t.len() && pi < p.len() {
        let c = p[pi];
        if Some(c) == escape {
            pi += 1;
            if pi >= p.len() {
                bail!(
                    SqlState::INVALID_ESCAPE_SEQUENCE,
                    "LIKE pattern must not end with escape character"
                );
            }
            if p[pi] != t[ti] {
                return Ok(LikeResult::False);
            }
        } else if c == '%' {
            while pi < p.len() && (p[pi] == '%' || p[pi] == '_') {
                if p[pi] == '_' {
                    if ti >= t.len() {
                        return Ok(LikeResult::Abort);
                    }
                    ti += 1;
                }
                pi += 1;
            }
            if pi >= p.len() {
                return Ok(LikeResult::True);
            }
            while ti < t.len() {
                match like_at(&t[ti..], &p[pi..], escape)? {
                    LikeResult::False => ti += 1,
                    r => return Ok(r),
                }
            }
            return Ok(LikeResult::Abort);
        } else if c != '_' && c != t[ti] {
            return Ok(LikeResult::False);
        }
        ti += 1;
        pi += 1;
    }
    if ti < t.len() {
        return Ok(LikeResult::False);
    }
    while pi < p.len() && p[pi] == '%' {
        pi += 1;
    }
    Ok(if pi >= p.len() {
        LikeResult::True
    } else {
        LikeResult::Abort
    })
}

/// Translates a `SIMILAR TO` pattern into an anchored regular expression
/// (PostgreSQL's `similar_to_escape`).
pub fn similar_to_regex(pattern: &str, escape: Option<char>) -> Result<String> {
    let mut out = String::from("^(?:");
    let mut chars = pattern.chars();
    let mut in_bracket = false;
    while let Some(c) = chars.next() {
        if Some(c) == escape {
            match chars.next() {
                Some(n) => {
                    if n.is_ascii_alphanumeric() {
                        out.push('\\');
                        out.push(n);
                    } else {
                        out.push_str(&regex::escape(&n.to_string()));
                    }
                }
                None => {
                    return Err(err!(
                        SqlState::INVALID_ESCAPE_SEQUENCE,
                        "SIMILAR TO pattern must not end with escape character"
                    ))
                }
            }
            continue;
        }
        if in_bracket {
            if c == ']' {
                in_bracket = false;
            }
            out.push(c);
            continue;
        }
        match c {
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            '[' => {
                in_bracket = true;
                out.push('[');
            }
            '.' | '^' | '$' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push_str(")$");
    Ok(out)
}

/// `s SIMILAR TO pattern [ESCAPE escape]`.
pub fn similar_to(s: &str, pattern: &str, escape: Option<char>) -> Result<bool> {
    let re = compile(&similar_to_regex(pattern, escape)?, Flags::default())?;
    Ok(re.is_match(s))
}

fn flags_arg(a: &[Value], i: usize) -> Result<Flags> {
    match a.get(i) {
        Some(v) => parse_flags(text(v)?),
        None => Ok(Flags::default()),
    }
}

fn text_array(items: Vec<Value>) -> Value {
    Value::Array(Arc::new(Array::from_items(items)))
}

/// Expands `\1`..`\9` and `\&` in a replacement, as PostgreSQL does.
pub(crate) fn expand_replacement(caps: &regex::Captures<'_>, repl: &str, out: &mut String) {
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(d @ '1'..='9') => {
                chars.next();
                let n = d as usize - '0' as usize;
                if let Some(m) = caps.get(n) {
                    out.push_str(m.as_str());
                }
            }
            Some('&') => {
                chars.next();
                out.push_str(caps.get(0).map_or("", |m| m.as_str()));
            }
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            _ => out.push('\\'),
        }
    }
}

fn regexp_replace(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, pat, repl) = (text(&a[0])?, text(&a[1])?, text(&a[2])?);
    // A digit here most likely meant the integer `start` form.
    if let Some(c) = a
        .get(3)
        .map(text)
        .transpose()?
        .and_then(|f| f.chars().next())
    {
        if c.is_ascii_digit() {
            return Err(err!(
                SqlState::INVALID_PARAMETER_VALUE,
                "invalid regular expression option: \"{}\"",
                c
            )
            .with_hint("If you meant to use regexp_replace() with a start parameter, cast the fourth argument to integer explicitly."));
        }
    }
    let flags = flags_arg(a, 3)?;
    let re = compile(pat, flags)?;
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut found = super::regexp_search::matches_from(&re, s, Some(0));
    if !flags.global {
        found.truncate(1);
    }
    for caps in &found {
        let m = caps.get(0).expect("group 0 always matches");
        out.push_str(&s[last..m.start()]);
        expand_replacement(caps, repl, &mut out);
        last = m.end();
    }
    out.push_str(&s[last..]);
    Ok(Value::text(&out))
}

/// The groups of one match as `regexp_match` returns them: the capture
/// groups, or the whole match when there are none.
pub(crate) fn match_groups(caps: &regex::Captures<'_>) -> Value {
    let items = if caps.len() == 1 {
        vec![Value::text(caps.get(0).map_or("", |m| m.as_str()))]
    } else {
        (1..caps.len())
            .map(|i| caps.get(i).map_or(Value::Null, |m| Value::text(m.as_str())))
            .collect()
    };
    text_array(items)
}

fn regexp_match(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let flags = flags_arg(a, 2)?;
    if flags.global {
        return Err(err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "regexp_match() does not support the \"global\" option"
        )
        .with_hint("Use the regexp_matches function instead."));
    }
    let re = compile(text(&a[1])?, flags)?;
    Ok(match re.captures(text(&a[0])?) {
        Some(caps) => match_groups(&caps),
        None => Value::Null,
    })
}

/// The pieces of `s` between matches (empty matches split characters).
pub(crate) fn split(s: &str, re: &Regex) -> Vec<Value> {
    let mut parts = Vec::new();
    let mut last = 0;
    for m in re.find_iter(s) {
        // Empty matches at either end do not split.
        if m.start() == m.end() && (m.start() == 0 || m.start() == s.len()) {
            continue;
        }
        parts.push(Value::text(&s[last..m.start()]));
        last = m.end();
    }
    parts.push(Value::text(&s[last..]));
    parts
}

fn regexp_split_to_array(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let flags = flags_arg(a, 2)?;
    if flags.global {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "regexp_split_to_array() does not support the \"global\" option"
        );
    }
    let re = compile(text(&a[1])?, flags)?;
    Ok(text_array(split(text(&a[0])?, &re)))
}

fn regexp_like(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let flags = flags_arg(a, 2)?;
    if flags.global {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "regexp_like() does not support the \"global\" option"
        );
    }
    let re = compile(text(&a[1])?, flags)?;
    Ok(Value::Bool(re.is_match(text(&a[0])?)))
}

fn substring_regex(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let re = compile(text(&a[1])?, Flags::default())?;
    Ok(match re.captures(text(&a[0])?) {
        None => Value::Null,
        Some(caps) if caps.len() > 1 => {
            caps.get(1).map_or(Value::Null, |m| Value::text(m.as_str()))
        }
        Some(caps) => Value::text(caps.get(0).map_or("", |m| m.as_str())),
    })
}
