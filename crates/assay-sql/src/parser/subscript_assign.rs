//! `UPDATE t SET col[s1][s2] = value`: subscripted assignment targets,
//! which sqlparser does not read, rewritten at the token level to
//! `col = jsonb_subscript_assign(col, (value), (s1), (s2))` before parsing.
//! The binder then resolves that function for the column's type (only
//! `jsonb` has one), so other types still get a type error, not a parse
//! error.

use sqlparser::tokenizer::{Token, TokenWithSpan};

/// The function an assignment through subscripts becomes.
pub(crate) const ASSIGN_FUNCTION: &str = "jsonb_subscript_assign";

fn is_word(t: &TokenWithSpan, w: &str) -> bool {
    matches!(&t.token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w))
}

fn significant(t: &TokenWithSpan) -> bool {
    !matches!(t.token, Token::Whitespace(_))
}

/// Index of the next significant token at or after `i`.
fn next_sig(tokens: &[TokenWithSpan], mut i: usize) -> Option<usize> {
    while i < tokens.len() && !significant(&tokens[i]) {
        i += 1;
    }
    (i < tokens.len()).then_some(i)
}

/// The index just past the bracketed group opening at `i`.
fn close_of(tokens: &[TokenWithSpan], i: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (k, t) in tokens.iter().enumerate().skip(i) {
        match t.token {
            Token::LBracket | Token::LParen => depth += 1,
            Token::RBracket | Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// Rewrites the subscripted targets of an UPDATE's SET list; any other
/// statement comes back unchanged.
pub(crate) fn rewrite(tokens: &[TokenWithSpan]) -> Vec<TokenWithSpan> {
    let first = next_sig(tokens, 0);
    if !first.is_some_and(|i| is_word(&tokens[i], "update")) {
        return tokens.to_vec();
    }
    let Some(set) = top_level_word(tokens, "set") else {
        return tokens.to_vec();
    };
    let mut out: Vec<TokenWithSpan> = tokens[..=set].to_vec();
    let mut i = set + 1;
    while i < tokens.len() {
        let end = item_end(tokens, i);
        match assignment(&tokens[i..end]) {
            Some(rewritten) => out.extend(rewritten),
            None => out.extend_from_slice(&tokens[i..end]),
        }
        i = end;
        // The comma or clause keyword that ended the item.
        if i < tokens.len() {
            let stop = is_clause_end(&tokens[i]);
            out.push(tokens[i].clone());
            i += 1;
            if stop {
                out.extend_from_slice(&tokens[i..]);
                break;
            }
        }
    }
    out
}

fn is_clause_end(t: &TokenWithSpan) -> bool {
    ["from", "where", "returning"].iter().any(|w| is_word(t, w))
}

fn top_level_word(tokens: &[TokenWithSpan], w: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (k, t) in tokens.iter().enumerate() {
        match t.token {
            Token::LBracket | Token::LParen => depth += 1,
            Token::RBracket | Token::RParen => depth -= 1,
            _ if depth == 0 && is_word(t, w) => return Some(k),
            _ => {}
        }
    }
    None
}

/// Where the SET item starting at `i` ends: a top-level comma, a clause
/// keyword, or the end.
fn item_end(tokens: &[TokenWithSpan], i: usize) -> usize {
    let mut depth = 0i32;
    for (k, t) in tokens.iter().enumerate().skip(i) {
        match t.token {
            Token::LBracket | Token::LParen => depth += 1,
            Token::RBracket | Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => return k,
            _ if depth == 0 && is_clause_end(t) => return k,
            _ => {}
        }
    }
    tokens.len()
}

/// `col [s1] … = value` as `col = jsonb_subscript_assign(col, (value), (s1), …)`.
fn assignment(item: &[TokenWithSpan]) -> Option<Vec<TokenWithSpan>> {
    let c = next_sig(item, 0)?;
    let Token::Word(_) = item[c].token else {
        return None;
    };
    let mut subscripts = Vec::new();
    let mut k = next_sig(item, c + 1)?;
    while item[k].token == Token::LBracket {
        let close = close_of(item, k)?;
        subscripts.push(&item[k + 1..close - 1]);
        k = next_sig(item, close)?;
    }
    if subscripts.is_empty() || item[k].token != Token::Eq {
        return None;
    }
    let span = item[k].span;
    let tok = |token: Token| TokenWithSpan { token, span };
    let mut out = item[..=c].to_vec();
    out.push(tok(Token::Eq));
    out.push(tok(Token::make_word(ASSIGN_FUNCTION, None)));
    out.push(tok(Token::LParen));
    out.push(item[c].clone());
    out.push(tok(Token::Comma));
    out.push(tok(Token::LParen));
    out.extend_from_slice(&item[k + 1..]);
    out.push(tok(Token::RParen));
    for s in subscripts {
        out.push(tok(Token::Comma));
        out.push(tok(Token::LParen));
        out.extend_from_slice(s);
        out.push(tok(Token::RParen));
    }
    out.push(tok(Token::RParen));
    Some(out)
}
