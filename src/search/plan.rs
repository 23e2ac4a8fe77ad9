//! Query planning: the parsed query becomes a tantivy query, through the same analyzer
//! that built the index. A word matches the stemmed body or the (boosted) section path; a
//! phrase matches stems in order; `=` forms match the folded, unstemmed field. Scoring is
//! BM25, plus two boosts that only reorder what already matches: query words standing
//! close together, and words in the exact form typed. Function words (`of`, `и`) do not
//! have to match unless the query has nothing else. The plan also says what to highlight.

use std::collections::HashSet;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::parse::Node;
use crate::analysis::{Analyzer, Mode};
use crate::index::Fields;

/// Weight of a match in the section path against one in the body.
const SECTION_BOOST: f32 = 1.5;
/// Weight of the words of a multi-word query standing within a few words of each other.
const PROXIMITY_BOOST: f32 = 1.5;
/// Words allowed between query words for the proximity boost.
const PROXIMITY_SLOP: u32 = 3;
/// Weight of a word found in the exact form typed.
const EXACT_BOOST: f32 = 0.3;
/// Most index terms a prefix expands to (the most frequent are kept).
const MAX_PREFIX_TERMS: usize = 64;

/// Words too common to require: they still score, and still count inside phrases.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of",
    "on", "or", "the", "to", "was", "were", "with", "в", "во", "и", "к", "на", "о", "об", "от",
    "по", "с", "со", "у", "за", "из", "для", "что", "как", "а", "но", "же", "не",
];

/// One phrase to highlight: terms in order, each with the mode it was analysed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseMark {
    /// The phrase's terms.
    pub terms: Vec<String>,
    /// Stemmed or exact.
    pub mode: Mode,
    /// Words allowed between.
    pub slop: u32,
}

/// What a hit's text should show as matched.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// Stems of query words (any form of the word is marked).
    pub stems: HashSet<String>,
    /// Folded exact forms (`=word`, prefix expansions).
    pub exact: HashSet<String>,
    /// Phrases: only where the whole phrase occurs.
    pub phrases: Vec<PhraseMark>,
}

/// A query ready to run.
pub struct Plan {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// What to highlight.
    pub marks: Marks,
    /// Things the user should know about how the query was read.
    pub notices: Vec<String>,
}

/// Builds plans.
pub struct Planner<'a> {
    fields: Fields,
    searcher: &'a Searcher,
    analyzer: std::sync::Arc<Analyzer>,
    marks: Marks,
    notices: Vec<String>,
}

impl<'a> Planner<'a> {
    /// A planner for the index behind `searcher`.
    pub fn new(fields: Fields, searcher: &'a Searcher) -> Planner<'a> {
        Planner {
            fields,
            searcher,
            analyzer: Analyzer::shared(),
            marks: Marks::default(),
            notices: Vec::new(),
        }
    }

    /// Plans `node` with extra filter clauses (from `--lang`, `--doc`).
    pub fn plan(mut self, node: Option<&Node>, filters: Vec<Box<dyn Query>>) -> Plan {
        let compiled = node.and_then(|n| self.compile(n, true));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            filters.into_iter().map(|f| (Occur::Must, f)).collect();
        match compiled {
            Some(q) => clauses.push((Occur::Must, q)),
            None => {
                if node.is_some() {
                    self.notices.push("the query has no words to search".into());
                }
                clauses.push((Occur::Must, Box::new(EmptyQuery)));
            }
        }
        let query: Box<dyn Query> = if clauses.len() == 1 {
            clauses.pop().expect("one").1
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        Plan { query, marks: self.marks, notices: self.notices }
    }

    /// A filter on the passage language.
    pub fn lang_filter(&self, code: &str) -> Box<dyn Query> {
        filter_query(self.fields.lang, code)
    }

    /// A filter on the document: its path, file name or stem, or a prefix of one.
    pub fn doc_filter(&mut self, name: &str) -> Box<dyn Query> {
        let name = name.to_lowercase();
        let mut keys = self.terms_with_prefix(self.fields.doc_key, &name, usize::MAX);
        if keys.contains(&name) {
            keys = vec![name.clone()];
        }
        if keys.is_empty() {
            self.notices.push(format!("no document is named {name:?}"));
            return Box::new(EmptyQuery);
        }
        let clauses =
            keys.iter().map(|k| (Occur::Should, filter_query(self.fields.doc_key, k))).collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn compile(&mut self, node: &Node, top: bool) -> Option<Box<dyn Query>> {
        match node {
            Node::And(items) => self.compile_and(items),
            Node::Or(items) => {
                let clauses: Vec<(Occur, Box<dyn Query>)> = items
                    .iter()
                    .filter_map(|n| self.compile_positive(n))
                    .map(|q| (Occur::Should, q))
                    .collect();
                (!clauses.is_empty())
                    .then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
            }
            Node::Not(inner) => {
                let q = self.compile_negated(inner)?;
                Some(Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery)),
                    (Occur::MustNot, q),
                ])))
            }
            Node::Word { text, exact, prefix, .. } => {
                let q = self.word(text, *exact, *prefix, true)?;
                if top && !*exact && !*prefix {
                    Some(self.with_exact_boost(q, std::slice::from_ref(node)))
                } else {
                    Some(q)
                }
            }
            Node::Phrase { text, exact, slop, .. } => self.phrase(text, *exact, *slop, true),
            Node::Lang { code, .. } => Some(self.lang_filter(code)),
            Node::Doc { name, .. } => Some(self.doc_filter(name)),
        }
    }

    fn compile_positive(&mut self, node: &Node) -> Option<Box<dyn Query>> {
        self.compile(node, false)
    }

    /// Compiles the inside of a negation without marking its words for highlighting.
    fn compile_negated(&mut self, node: &Node) -> Option<Box<dyn Query>> {
        let saved = std::mem::take(&mut self.marks);
        let q = self.compile(node, false);
        self.marks = saved;
        q
    }

    fn compile_and(&mut self, items: &[Node]) -> Option<Box<dyn Query>> {
        let is_plain = |n: &Node| matches!(n, Node::Word { exact: false, prefix: false, .. });
        let is_stop = |n: &Node| match n {
            Node::Word { text, exact: false, prefix: false, .. } => {
                STOP_WORDS.contains(&text.to_lowercase().as_str())
            }
            _ => false,
        };
        let has_content = items.iter().any(|n| !matches!(n, Node::Not(_)) && !is_stop(n));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut required = 0;
        for n in items {
            match n {
                Node::Not(inner) => {
                    if let Some(q) = self.compile_negated(inner) {
                        clauses.push((Occur::MustNot, q));
                    }
                }
                _ => {
                    if let Some(q) = self.compile(n, false) {
                        let occur =
                            if has_content && is_stop(n) { Occur::Should } else { Occur::Must };
                        required += usize::from(occur == Occur::Must);
                        clauses.push((occur, q));
                    }
                }
            }
        }
        if clauses.is_empty() {
            return None;
        }
        if required == 0 {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        // Boosts: words close together, and in the form typed.
        let plain: Vec<&Node> = items.iter().filter(|n| is_plain(n)).collect();
        let stems: Vec<String> = plain
            .iter()
            .filter_map(|n| match n {
                Node::Word { text, .. } => Some(self.analyzer.tokens(text, Mode::Stem)),
                _ => None,
            })
            .flatten()
            .map(|t| t.text)
            .collect();
        if stems.len() >= 2 {
            let terms = stems
                .iter()
                .enumerate()
                .map(|(i, s)| (i, Term::from_field_text(self.fields.body, s)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, PROXIMITY_SLOP);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_BOOST)),
            ));
        }
        for n in plain {
            if let Node::Word { text, .. } = n {
                for t in self.analyzer.tokens(text, Mode::Fold) {
                    let q = term_query(self.fields.exact, &t.text);
                    clauses.push((Occur::Should, Box::new(BoostQuery::new(q, EXACT_BOOST))));
                }
            }
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    fn with_exact_boost(&mut self, q: Box<dyn Query>, words: &[Node]) -> Box<dyn Query> {
        let mut clauses = vec![(Occur::Must, q)];
        for n in words {
            if let Node::Word { text, .. } = n {
                for t in self.analyzer.tokens(text, Mode::Fold) {
                    let e = term_query(self.fields.exact, &t.text);
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(e, EXACT_BOOST)) as Box<dyn Query>,
                    ));
                }
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn word(
        &mut self,
        text: &str,
        exact: bool,
        prefix: bool,
        mark: bool,
    ) -> Option<Box<dyn Query>> {
        if prefix {
            let folded = self.analyzer.term(text, Mode::Fold);
            let terms = self.terms_with_prefix(self.fields.exact, &folded, MAX_PREFIX_TERMS);
            if terms.is_empty() {
                self.notices.push(format!("no word starts with {text:?}"));
                return Some(Box::new(EmptyQuery));
            }
            if mark {
                self.marks.exact.extend(terms.iter().cloned());
            }
            let clauses =
                terms.iter().map(|t| (Occur::Should, term_query(self.fields.exact, t))).collect();
            return Some(Box::new(BooleanQuery::new(clauses)));
        }
        let mode = if exact { Mode::Fold } else { Mode::Stem };
        let toks = self.analyzer.tokens(text, mode);
        match toks.len() {
            0 => None,
            1 => {
                let t = &toks[0].text;
                if mark {
                    if exact {
                        self.marks.exact.insert(t.clone())
                    } else {
                        self.marks.stems.insert(t.clone())
                    };
                }
                if exact {
                    Some(term_query(self.fields.exact, t))
                } else {
                    let body = term_query(self.fields.body, t);
                    let section = Box::new(BoostQuery::new(
                        term_query(self.fields.section, t),
                        SECTION_BOOST,
                    ));
                    Some(Box::new(BooleanQuery::new(vec![
                        (Occur::Should, body),
                        (Occur::Should, section),
                    ])))
                }
            }
            // A compound (`германо-советские`, `Molotov-Ribbentrop`): its parts in order.
            _ => self.phrase(text, exact, 0, mark),
        }
    }

    fn phrase(&mut self, text: &str, exact: bool, slop: u32, mark: bool) -> Option<Box<dyn Query>> {
        let mode = if exact { Mode::Fold } else { Mode::Stem };
        let toks = self.analyzer.tokens(text, mode);
        if toks.len() <= 1 {
            return toks.first().and_then(|t| self.word(&text[t.start..t.end], exact, false, mark));
        }
        let field = if exact { self.fields.exact } else { self.fields.body };
        if mark {
            self.marks.phrases.push(PhraseMark {
                terms: toks.iter().map(|t| t.text.clone()).collect(),
                mode,
                slop,
            });
        }
        let terms =
            toks.iter().map(|t| (t.position, Term::from_field_text(field, &t.text))).collect();
        Some(Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop)))
    }

    /// Index terms of `field` starting with `prefix`, the most frequent first, at most `max`.
    fn terms_with_prefix(&self, field: Field, prefix: &str, max: usize) -> Vec<String> {
        let mut found: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
        for reader in self.searcher.segment_readers() {
            let Ok(inverted) = reader.inverted_index(field) else { continue };
            let Ok(mut stream) = inverted.terms().range().ge(prefix.as_bytes()).into_stream()
            else {
                continue;
            };
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
                if !term.starts_with(prefix) {
                    break;
                }
                *found.entry(term.to_string()).or_default() += u64::from(stream.value().doc_freq);
            }
        }
        let mut terms: Vec<(String, u64)> = found.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.into_iter().take(max).map(|(t, _)| t).collect()
    }
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

/// A query on a keyword field (no frequencies indexed: it filters, it does not score).
fn filter_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic))
}
