//! The query language. Bare words must all match (AND); `OR` between two terms matches
//! either (it binds tighter than the implicit AND, as in web search: `a b OR c` is
//! `a AND (b OR c)`); `-term` or `NOT term` excludes; `"a phrase"` matches in order,
//! `"a phrase"~N` with up to N words between; `=word` and `="a phrase"` match the exact
//! form; `word*` is a prefix; `lang:ru` and `doc:NAME` filter; parentheses group.
//! Errors carry the 1-based character column where they were found.

use crate::error::{Error, Result};

/// Deepest nesting of parentheses accepted.
const MAX_DEPTH: usize = 32;
/// Most terms a query may have.
pub const MAX_TERMS: usize = 256;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// All must match.
    And(Vec<Node>),
    /// At least one must match.
    Or(Vec<Node>),
    /// Must not match.
    Not(Box<Node>),
    /// A word (or a hyphenated compound).
    Word {
        /// The word as typed.
        text: String,
        /// `=word`: exact form only.
        exact: bool,
        /// `word*`: any word starting so.
        prefix: bool,
        /// 1-based column.
        pos: usize,
    },
    /// A quoted phrase.
    Phrase {
        /// The phrase's text, without quotes.
        text: String,
        /// `="…"`: exact forms only.
        exact: bool,
        /// Words allowed between (`~N`).
        slop: u32,
        /// 1-based column of the opening quote.
        pos: usize,
    },
    /// `lang:CODE`.
    Lang {
        /// The language code.
        code: String,
        /// 1-based column.
        pos: usize,
    },
    /// `doc:NAME`.
    Doc {
        /// The document name, path or stem (a prefix is enough).
        name: String,
        /// 1-based column.
        pos: usize,
    },
}

impl Node {
    /// Whether a `lang:` or `doc:` filter stands anywhere in the query (excluded or not).
    pub fn has_filter(&self) -> bool {
        match self {
            Node::And(items) | Node::Or(items) => items.iter().any(Node::has_filter),
            Node::Not(inner) => inner.has_filter(),
            Node::Lang { .. } | Node::Doc { .. } => true,
            Node::Word { .. } | Node::Phrase { .. } => false,
        }
    }

    /// The plain words of the query (not excluded, not exact, not prefixes), in order.
    pub fn words<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Node::And(items) | Node::Or(items) => items.iter().for_each(|n| n.words(out)),
            Node::Word { text, exact: false, prefix: false, .. } => out.push(text),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Or,
    Not,
    Eq,
    Word { text: String, prefix: bool },
    Phrase { text: String, slop: u32 },
    Field { name: String, value: String },
}

fn err<T>(pos: usize, msg: impl Into<String>) -> Result<T> {
    Err(Error::Query { pos, msg: msg.into() })
}

fn closing_quote(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '“' => Some('”'),
        '«' => Some('»'),
        '„' => Some('“'),
        _ => None,
    }
}

fn is_boundary(c: char) -> bool {
    c.is_whitespace() || c.is_control() || matches!(c, '(' | ')') || closing_quote(c).is_some()
}

fn lex(query: &str) -> Result<Vec<(usize, Tok)>> {
    let chars: Vec<char> = query.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() || c.is_control() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push((pos, Tok::Open));
                i += 1;
            }
            ')' => {
                out.push((pos, Tok::Close));
                i += 1;
            }
            '-' | '='
                if i + 1 >= chars.len() || chars[i + 1].is_whitespace() || chars[i + 1] == ')' =>
            {
                return err(pos, format!("'{c}' must be followed by a word or a phrase"));
            }
            '-' => {
                out.push((pos, Tok::Not));
                i += 1;
            }
            '=' => {
                out.push((pos, Tok::Eq));
                i += 1;
            }
            _ if closing_quote(c).is_some() => {
                let close = closing_quote(c).expect("checked");
                let Some(len) =
                    chars[i + 1..].iter().position(|&d| d == close || (close != '"' && d == '"'))
                else {
                    return err(pos, "this quote is never closed");
                };
                let text: String = chars[i + 1..i + 1 + len].iter().collect();
                i += len + 2;
                let mut slop = 0;
                if chars.get(i) == Some(&'~') {
                    let digits: String =
                        chars[i + 1..].iter().take_while(|d| d.is_ascii_digit()).collect();
                    if digits.is_empty() {
                        return err(i + 1, "'~' after a phrase needs a number, e.g. \"a b\"~2");
                    }
                    slop = digits.parse::<u32>().unwrap_or(u32::MAX).min(100);
                    i += 1 + digits.chars().count();
                }
                out.push((pos, Tok::Phrase { text, slop }));
            }
            _ => {
                let len =
                    chars[i..].iter().position(|&d| is_boundary(d)).unwrap_or(chars.len() - i);
                let word: String = chars[i..i + len].iter().collect();
                i += len;
                out.push((pos, word_token(&word, pos)?));
            }
        }
    }
    Ok(out)
}

fn word_token(word: &str, pos: usize) -> Result<Tok> {
    match word {
        "OR" | "|" | "||" => return Ok(Tok::Or),
        "NOT" => return Ok(Tok::Not),
        _ => {}
    }
    if let Some((name, value)) = word.split_once(':') {
        let lower = name.to_lowercase();
        if lower == "lang" || lower == "doc" {
            if value.is_empty() {
                return err(
                    pos,
                    format!(
                        "'{name}:' needs a value, e.g. {lower}:{}",
                        if lower == "lang" { "ru" } else { "NAME" }
                    ),
                );
            }
            return Ok(Tok::Field { name: lower, value: value.to_string() });
        }
    }
    let stem = word.trim_end_matches('*');
    if stem.len() < word.len() {
        if !stem.chars().any(char::is_alphanumeric) {
            return err(pos, "'*' needs at least one letter before it");
        }
        return Ok(Tok::Word { text: stem.to_string(), prefix: true });
    }
    Ok(Tok::Word { text: word.to_string(), prefix: false })
}

/// `node` with each phrase read as its words (`"пакт Молотова"` as `пакт Молотова`, an
/// exact phrase's words exact); `None` when it holds no phrase.
pub fn without_phrases(node: &Node) -> Option<Node> {
    fn rewrite(node: &Node, found: &mut bool) -> Node {
        match node {
            Node::And(items) => Node::And(items.iter().map(|n| rewrite(n, found)).collect()),
            Node::Or(items) => Node::Or(items.iter().map(|n| rewrite(n, found)).collect()),
            Node::Not(inner) => Node::Not(Box::new(rewrite(inner, found))),
            Node::Phrase { text, exact, pos, .. } => {
                *found = true;
                let words = text
                    .split_whitespace()
                    .map(|w| Node::Word {
                        text: w.to_string(),
                        exact: *exact,
                        prefix: false,
                        pos: *pos,
                    })
                    .collect();
                Node::And(words)
            }
            other => other.clone(),
        }
    }
    let mut found = false;
    let words = rewrite(node, &mut found);
    found.then_some(words)
}

/// Parses a query. Returns `None` for a query with no terms at all.
pub fn parse(query: &str) -> Result<Option<Node>> {
    let toks = lex(query)?;
    let terms =
        toks.iter().filter(|(_, t)| matches!(t, Tok::Word { .. } | Tok::Phrase { .. })).count();
    if terms > MAX_TERMS {
        let (pos, _) = toks
            .iter()
            .filter(|(_, t)| matches!(t, Tok::Word { .. } | Tok::Phrase { .. }))
            .nth(MAX_TERMS)
            .expect("counted");
        return err(*pos, format!("the query has {terms} terms; a query may have at most {MAX_TERMS}, so nothing was searched"));
    }
    let mut p = Parser { toks, at: 0, depth: 0 };
    let node = p.and_expr()?;
    if let Some((pos, _)) = p.peek() {
        return err(pos, "')' has no matching '('");
    }
    Ok(node)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<(usize, &Tok)> {
        self.toks.get(self.at).map(|(p, t)| (*p, t))
    }

    fn and_expr(&mut self) -> Result<Option<Node>> {
        let mut items = Vec::new();
        while let Some((_, tok)) = self.peek() {
            if *tok == Tok::Close {
                break;
            }
            items.push(self.or_expr()?);
        }
        Ok(match items.len() {
            0 => None,
            1 => items.pop(),
            _ => Some(Node::And(items)),
        })
    }

    fn or_expr(&mut self) -> Result<Node> {
        if let Some((pos, Tok::Or)) = self.peek() {
            return err(pos, "OR needs a term on each side");
        }
        let mut items = vec![self.unary()?];
        while let Some((pos, Tok::Or)) = self.peek() {
            self.at += 1;
            match self.peek() {
                None | Some((_, Tok::Close | Tok::Or)) => {
                    return err(pos, "OR needs a term on each side")
                }
                _ => items.push(self.unary()?),
            }
        }
        Ok(if items.len() == 1 { items.pop().expect("one") } else { Node::Or(items) })
    }

    /// A term, negated by any number of `-`/`NOT` before it: a chain is read in a loop, not
    /// by recursion (a thousand of them must not exhaust the stack), and two negations
    /// cancel.
    fn unary(&mut self) -> Result<Node> {
        let mut negations = 0usize;
        while let Some((pos, Tok::Not)) = self.peek() {
            self.at += 1;
            negations += 1;
            if let None | Some((_, Tok::Close | Tok::Or)) = self.peek() {
                return err(pos, "'-' must be followed by a word or a phrase");
            }
        }
        let node = self.primary()?;
        Ok(if negations % 2 == 1 { Node::Not(Box::new(node)) } else { node })
    }

    fn primary(&mut self) -> Result<Node> {
        let Some((pos, tok)) = self.peek() else { return err(1, "unexpected end of query") };
        let tok = tok.clone();
        self.at += 1;
        match tok {
            Tok::Open => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return err(pos, format!("parentheses nest deeper than {MAX_DEPTH}"));
                }
                let inner = self.and_expr()?;
                match self.peek() {
                    Some((_, Tok::Close)) => self.at += 1,
                    _ => return err(pos, "this '(' is never closed"),
                }
                self.depth -= 1;
                inner.ok_or(()).or_else(|()| err(pos, "empty parentheses"))
            }
            Tok::Close => err(pos, "')' has no matching '('"),
            Tok::Eq => match self.peek() {
                Some((_, Tok::Word { text, prefix: false })) => {
                    let text = text.clone();
                    self.at += 1;
                    Ok(Node::Word { text, exact: true, prefix: false, pos })
                }
                Some((_, Tok::Phrase { text, slop })) => {
                    let (text, slop) = (text.clone(), *slop);
                    self.at += 1;
                    Ok(Node::Phrase { text, exact: true, slop, pos })
                }
                _ => err(pos, "'=' must be followed by a word or a phrase"),
            },
            Tok::Word { text, prefix } => Ok(Node::Word { text, exact: false, prefix, pos }),
            Tok::Phrase { text, slop } => Ok(Node::Phrase { text, exact: false, slop, pos }),
            Tok::Field { name, value } if name == "lang" => {
                let code = value.to_lowercase();
                if !crate::lang::is_known(&code) {
                    let known: Vec<&str> = crate::lang::LANGUAGES.iter().map(|&(_, c)| c).collect();
                    return err(
                        pos,
                        format!("unknown language '{value}' (known: {})", known.join(", ")),
                    );
                }
                Ok(Node::Lang { code, pos })
            }
            Tok::Field { value, .. } => Ok(Node::Doc { name: value.to_lowercase(), pos }),
            Tok::Or | Tok::Not => err(pos, "unexpected operator"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, pos: usize) -> Node {
        Node::Word { text: text.into(), exact: false, prefix: false, pos }
    }

    fn error_at(q: &str) -> usize {
        match parse(q) {
            Err(Error::Query { pos, .. }) => pos,
            other => panic!("{q:?} parsed as {other:?}"),
        }
    }

    #[test]
    fn bare_words_are_and_and_or_binds_tighter() {
        assert_eq!(
            parse("Рапалло договор OR treaty").unwrap(),
            Some(Node::And(vec![
                word("Рапалло", 1),
                Node::Or(vec![word("договор", 9), word("treaty", 20)])
            ]))
        );
    }

    #[test]
    fn phrases_exact_forms_prefixes_and_filters() {
        assert_eq!(
            parse("\"военное сотрудничество\"~2").unwrap(),
            Some(Node::Phrase {
                text: "военное сотрудничество".into(),
                exact: false,
                slop: 2,
                pos: 1
            })
        );
        assert_eq!(
            parse("=договора").unwrap(),
            Some(Node::Word {
                text: "договора".into(), exact: true, prefix: false, pos: 1
            })
        );
        assert_eq!(
            parse("Rapal* lang:EN -doc:wiki").unwrap(),
            Some(Node::And(vec![
                Node::Word { text: "Rapal".into(), exact: false, prefix: true, pos: 1 },
                Node::Lang { code: "en".into(), pos: 8 },
                Node::Not(Box::new(Node::Doc { name: "wiki".into(), pos: 17 })),
            ]))
        );
        assert_eq!(
            parse("«дружбы против»").unwrap(),
            Some(Node::Phrase {
                text: "дружбы против".into(), exact: false, slop: 0, pos: 1
            })
        );
    }

    #[test]
    fn hyphens_inside_words_are_not_negation() {
        assert_eq!(parse("Molotov-Ribbentrop").unwrap(), Some(word("Molotov-Ribbentrop", 1)));
    }

    #[test]
    fn errors_point_at_their_column() {
        assert_eq!(error_at("treaty \"of Rapallo"), 8);
        assert_eq!(error_at("(treaty OR pact"), 1);
        assert_eq!(error_at("treaty)"), 7);
        assert_eq!(error_at("treaty -"), 8);
        assert_eq!(error_at("OR OR"), 1);
        assert_eq!(error_at("treaty OR"), 8);
        assert_eq!(error_at("lang:xx"), 1);
        assert_eq!(error_at("a ()"), 3);
        assert_eq!(error_at("*"), 1);
        assert_eq!(error_at("\"a\"~"), 4);
    }

    #[test]
    fn empty_and_oversized_queries() {
        assert_eq!(parse("   ").unwrap(), None);
        let long = "слово ".repeat(MAX_TERMS + 1);
        assert!(matches!(parse(&long), Err(Error::Query { .. })));
        let deep = "(".repeat(100) + "x" + &")".repeat(100);
        assert!(matches!(parse(&deep), Err(Error::Query { .. })));
    }

    #[test]
    fn long_negation_chains_fold_without_recursion() {
        let word = |q: &str| match parse(q).unwrap() {
            Some(Node::Word { text, .. }) => text,
            other => panic!("{q}: {other:?}"),
        };
        let not_word = |q: &str| match parse(q).unwrap() {
            Some(Node::Not(inner)) => matches!(*inner, Node::Word { .. }),
            _ => false,
        };
        assert_eq!(word("NOT NOT мед"), "мед");
        assert!(not_word("NOT NOT NOT мед"));
        for n in [1_000, 100_000] {
            let q = "NOT ".repeat(n) + "мед";
            assert_eq!(n % 2 == 1, not_word(&q), "{n}");
            let q = "-".repeat(n + 1) + "мед";
            assert!(parse(&q).is_ok(), "{n} dashes");
        }
    }
}
