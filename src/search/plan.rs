//! Query planning: the parsed query becomes a tantivy query through the same analyzer that
//! built the index. Each word of the query becomes a set of alternatives, each tagged with
//! how it matches ([`Via`]): its forms in the body and (boosted) section, and, unless
//! expansion is off, derived forms (`Рапалло` → `Рапалльский`), the same name in the other
//! script (`Kazan` → `Казань`), similar words when the word itself is rare (`Stresseman`),
//! and glossary synonyms for runs of words (`League of Nations` → `Лига Наций`). Guesses
//! weigh less than what was typed, so exact matches come first. The same alternatives say
//! what to highlight, feed `"matched"`, and are printed by `--explain`.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use rustc_hash::FxHashMap;
use serde::Serialize;
use tantivy::postings::TermInfo;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery,
    FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use super::exact_phrase::ExactPhrase;
use super::layout;
use super::parse::Node;
use super::synonyms::Synonyms;
use crate::analysis::STOP_WORDS;
use crate::analysis::{keys_meet, Analyzer, Mode, RussianFamily, MIN_KEY_LEN};
use crate::dictionary::{Entry, Side, Translation};
use crate::glossary::Glossary;
use crate::index::Fields;
use crate::lang::{script_of, Script};

/// Weight of a match in the section path against one in the passage text: the section is
/// context shared by every passage under it, so it counts, but less than the text.
const SECTION_BOOST: f32 = 0.5;
/// Weight of a word found in the exact form typed, on top of its word-form match.
const EXACT_BOOST: f32 = 0.3;
/// Weights of the guesses, against 1.0 for a form of the word typed.
const DERIVED_BOOST: f32 = 0.7;
const GLOSSARY_BOOST: f32 = 0.8;
/// Words allowed inside a multi-word glossary synonym (`договор … в Рапалло`).
const GLOSSARY_SLOP: u32 = 2;
const TRANSLIT_BOOST: f32 = 0.6;
/// Weight of the likeliest translation of a word; the others weigh less, by their own
/// weights. Below a word's own forms, so a passage in the query's language matching as
/// well comes first.
const TRANSLATION_BOOST: f32 = 0.7;
/// Translations of one word used at most (the likeliest of those in the index), and the
/// least weight against the likeliest.
const MAX_TRANSLATIONS: usize = 6;
const MIN_TRANSLATION_WEIGHT: f32 = 0.25;
/// A translation of several words is a description more often than a term: it weighs this
/// much of its dictionary weight.
const PHRASE_TRANSLATION: f32 = 0.5;
/// Words allowed inside a multi-word translation (`список … рассылки`).
const TRANSLATION_SLOP: u32 = 1;
const TYPO_BOOST: f32 = 0.4;
/// Scale of a match in a field indexed without passage lengths (`exact`, the name keys).
/// BM25 there takes every passage for one word long, which scores a word about 1/0.6 of
/// what it scores in a passage of average length (k1 1.2, b 0.75, about 50 words); so the
/// weights above mean the same in every field.
const LENGTH_FREE: f32 = 0.6;
/// A word found in fewer passages than this is taken as a typo in the query: any similar
/// word of the index may be meant. A more frequent word is also matched in the rare
/// misspellings of it that OCR leaves in sources (`Treatv`), found in at most
/// `OCR_MAX_DOC_FREQ` passages.
const TYPO_MIN_DOC_FREQ: u32 = 2;
const OCR_MAX_DOC_FREQ: u32 = 2;
/// An OCR misspelling is at least this many times rarer than the word.
const OCR_RARITY: u32 = 3;
/// Share of the score each further alternative of one word adds to the best one.
const ALTERNATIVES_TIE_BREAKER: f32 = 0.1;
/// Most terms a prefix, a typo or a name key expands to (the most frequent are kept).
const MAX_PREFIX_TERMS: usize = 64;
const MAX_GUESSES: usize = 8;
/// Definitions of one abbreviation (or opening with one word) taken, the most frequent.
const MAX_ABBREVIATIONS: usize = 4;
/// Stem endings that make an adjective or a noun of a name: `Рапалл|ьск|ий`, `Russia|n`.
/// (`концесс|ион|н`: концессия → концессионный, концессионер.)
const DERIVATIONAL_SUFFIXES: &[&str] = &[
    "ск",
    "ьск",
    "овск",
    "евск",
    "инск",
    "ийск",
    "цк",
    "ецк",
    "ан",
    "ян",
    "ец",
    "ион",
    "ионн",
    "ионер",
    "n",
    "an",
    "ian",
    "ese",
    "ish",
    "ic",
];

/// How a passage's word matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The form typed.
    Exact,
    /// Another inflected form of a word typed.
    WordForm,
    /// A word starting with a prefix typed (`word*`).
    Prefix,
    /// A word derived from one typed (`Рапалло` → `Рапалльский`).
    Derived,
    /// A synonym from the glossary, in either language.
    Glossary,
    /// The long form of an abbreviation the corpus defines, or its short form.
    Abbreviation,
    /// The same name in the other script (`Kazan` → `Казань`).
    Transliteration,
    /// A translation from the bilingual dictionary (`lighthouse` → `маяк`).
    Translation,
    /// A similar word (a typo in the query or in the source).
    Typo,
    /// A passage of the other language sharing rare words with the best hits (likely
    /// their translation).
    Related,
    /// The passage that translates a hit (or that a hit translates), in a document the
    /// corpus holds in both languages: shown right after that hit.
    Aligned,
    /// Only the passage's section heading has the words.
    Section,
}

impl Via {
    /// True for the ways a word typed matches itself, not a guess at what was meant.
    pub fn is_typed(self) -> bool {
        matches!(self, Via::Exact | Via::WordForm | Via::Prefix)
    }

    /// The words used in human output.
    pub fn label(self) -> &'static str {
        match self {
            Via::Exact => "exact form",
            Via::WordForm => "word form",
            Via::Prefix => "prefix",
            Via::Derived => "derived form",
            Via::Glossary => "glossary",
            Via::Abbreviation => "abbreviation",
            Via::Transliteration => "transliteration",
            Via::Translation => "translation",
            Via::Typo => "typo",
            Via::Related => "related passage",
            Via::Aligned => "aligned translation",
            Via::Section => "section",
        }
    }
}

/// What kind of term a mark is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    /// A stem (`Mode::Stem`).
    Stem = 0,
    /// A folded form (`Mode::Fold`).
    Fold,
    /// A name key of a word in the other script.
    Key,
}

/// One phrase to highlight: terms in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseMark {
    /// The phrase's terms.
    pub terms: Vec<String>,
    /// Stemmed or exact.
    pub mode: Mode,
    /// Words allowed between.
    pub slop: u32,
    /// How it matches.
    pub via: Via,
    /// The query clause it belongs to.
    pub group: usize,
}

/// What a hit's text should show as matched, and why.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// Single terms: term → (how, query clause) for each kind of term it is compared as,
    /// the most direct `Via` kept. Keyed by the term alone, so a lookup borrows it; Fx
    /// hashing, as highlighting looks up every word of every candidate three times.
    terms: FxHashMap<String, [Option<(Via, usize)>; 3]>,
    /// Whether some term is a name key (highlighting then makes the text's keys).
    keys: bool,
    /// The first letters of the stems marked: only a word beginning with one of them can
    /// have one of them for its stem.
    stem_initials: Vec<char>,
    /// Phrases: marked only where the whole phrase occurs.
    pub phrases: Vec<PhraseMark>,
}

impl Marks {
    /// Marks `term` compared as `kind`, keeping the most direct `Via` of a term marked twice.
    pub fn add(&mut self, kind: MarkKind, term: &str, via: Via, group: usize) {
        let slots = match self.terms.get_mut(term) {
            Some(slots) => slots,
            None => self.terms.entry(term.to_string()).or_default(),
        };
        let slot = &mut slots[kind as usize];
        if slot.is_none_or(|(v, _)| via < v) {
            *slot = Some((via, group));
        }
        self.keys |= kind == MarkKind::Key;
        if let (MarkKind::Stem, Some(c)) = (kind, term.chars().next()) {
            if !self.stem_initials.contains(&c) {
                self.stem_initials.push(c);
            }
        }
    }

    /// How `term`, compared as `kind`, matches, and for which clause.
    pub fn get(&self, kind: MarkKind, term: &str) -> Option<(Via, usize)> {
        self.terms.get(term).and_then(|slots| slots[kind as usize])
    }

    /// Nothing to mark.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.phrases.is_empty()
    }

    /// Whether some term is a name key.
    pub fn has_keys(&self) -> bool {
        self.keys
    }

    /// Whether the stem of a word folded to `fold` may be one marked: whether it begins
    /// as one does.
    pub fn may_have_a_stem_marked(&self, fold: &str) -> bool {
        fold.chars().next().is_some_and(|c| self.stem_initials.contains(&c))
    }
}

/// A query ready to run.
pub struct Plan {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// With two or more required clauses: passages matching all but one of them.
    pub relaxed: Option<Box<dyn Query>>,
    /// Required clauses of the query (for proximity).
    pub groups: usize,
    /// What to highlight.
    pub marks: Marks,
    /// Things the user should know about how the query was read.
    pub notices: Vec<String>,
    /// How each part of the query was understood (`--explain`).
    pub explain: Vec<String>,
}

/// Builds plans.
pub struct Planner<'a> {
    fields: Fields,
    searcher: &'a Searcher,
    glossary: &'a Glossary,
    /// The glossary with the abbreviations the corpus defines for the query's words.
    with_abbreviations: Option<Glossary>,
    dictionary: Option<&'a crate::dictionary::Dictionary>,
    learnt: Option<&'a crate::dictionary::Dictionary>,
    expand: bool,
    /// Off while compiling what the glossary already answers for: the glossary wins.
    translate: bool,
    analyzer: std::sync::Arc<Analyzer>,
    marks: Marks,
    notices: Vec<String>,
    explain: Vec<String>,
    group: usize,
    /// Set while compiling glossary synonyms: their matches are glossary matches.
    via_override: Option<Via>,
    required: Vec<Box<dyn Query>>,
    /// For each required clause, its translations into the other language, if any.
    translated: Vec<Option<Box<dyn Query>>>,
    /// For each required clause, whether it matches the other script by itself (a name).
    crosses: Vec<bool>,
    /// Set when a word compiled has names of the other script among its alternatives.
    crossing: bool,
    /// Set just before a top-level word is compiled: its translations go to `aside`
    /// instead of its alternatives.
    split: bool,
    /// Set while a function word among content words is compiled (optional, `of`, `в`):
    /// it is not translated. A dictionary's senses of such a word are glosses of grammar
    /// (`of`: `указывает на принадлежность`), and every one would be one more phrase to
    /// match in every candidate.
    function_word: bool,
    /// Set when the query intersects its clauses (`intersects`): alternatives are then
    /// unioned by `BestOf`.
    seeks: bool,
    aside: Option<Box<dyn Query>>,
    excluded: Vec<Box<dyn Query>>,
    /// `lang:` and `doc:` terms of the query: filters of the strict and relaxed queries.
    inline_filters: Vec<Box<dyn Query>>,
    /// Content words behind the required clauses (a glossary term counts its words).
    content_words: usize,
    /// Term dictionary entries the expansions of this query may still visit.
    scan_left: AtomicUsize,
    /// Prefix expansions made for this query: a prefix typed twice is looked up once.
    prefixes: std::cell::RefCell<HashMap<(Field, String, usize), Vec<String>>>,
}

/// Term dictionary entries one query's expansions (prefixes, typos, word families) may
/// visit in all: 256 prefixes of one letter on a large index would otherwise visit tens
/// of millions. Past it, expansions use what they found so far, and the query says so.
const MAX_SCANNED_TERMS: usize = 2_000_000;

/// Builds what tantivy makes once per process on first use and a plan would wait for:
/// the tables of the typo automata (edit distances 1 and 2; about 1 ms for distance 2) and
/// the empty term dictionary it gives a segment without a field (0.3 ms).
pub(super) fn build_once_per_process() {
    for distance in [1, 2] {
        let term = Term::from_field_text(Field::from_field_id(0), "warm");
        let _ = FuzzyTermQuery::new(term, distance, true).automaton();
    }
    let _ = tantivy::termdict::TermDictionary::empty();
}

/// A word a typo walk is tried for: at least five letters, and inside a technical word
/// digits, `_` and `.` (`lsb_relase`), starting with a letter.
fn typo_shaped(fold: &str) -> bool {
    fold.chars().filter(|c| c.is_alphabetic()).count() >= 5
        && fold.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && fold.starts_with(char::is_alphabetic)
}

/// Takes one term dictionary visit from a query's budget, `left`; false when none is left.
fn spend(left: &AtomicUsize) -> bool {
    left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1)).is_ok()
}

/// Content words a query needs before passages missing one of its parts are shown.
const MIN_WORDS_TO_RELAX: usize = 2;

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
}

/// A term of a field without passage lengths (`exact`, `key_cyr`, `key_lat`), weighed as a
/// term of `body` in a passage of average length.
fn length_free_query(field: Field, text: &str) -> Box<dyn Query> {
    boosted(term_query(field, text), LENGTH_FREE)
}

/// A query on a keyword field (no frequencies indexed: it filters, it does not score).
fn filter_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic))
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

/// A stem in the passage's text (×`boost`), in its section path and in its own heading
/// (each ×`boost` × `SECTION_BOOST`): a word's own forms, and those of the word a typo
/// meant. The own heading counts beside the whole path: a paragraph under a heading that
/// names the word is more about it than one under a chapter that does.
fn stem_in_text_and_headings(fields: Fields, stem: &str, boost: f32) -> [Box<dyn Query>; 3] {
    [
        boosted(term_query(fields.body, stem), boost),
        boosted(term_query(fields.section, stem), boost * SECTION_BOOST),
        in_own_heading(fields, stem, boost * SECTION_BOOST),
    ]
}

/// A stem in the passage's own heading (the last of its section path), ×`boost`.
fn in_own_heading(fields: Fields, stem: &str, boost: f32) -> Box<dyn Query> {
    boosted(length_free_query(fields.heading, stem), boost)
}

fn any_of(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match clauses.len() {
        0 => Box::new(EmptyQuery),
        1 => clauses.into_iter().next().expect("one"),
        _ => Box::new(BooleanQuery::new(clauses.into_iter().map(|q| (Occur::Should, q)).collect())),
    }
}

/// Alternatives for one thing (a word's forms, a term's synonyms): a passage scores by its
/// best alternative, plus a little for each other one, so meaning one word several ways does
/// not count as several words. `seeks` when the query intersects it with other clauses or
/// filters: the union is then mostly seeked, which tantivy's dis-max does slowly
/// (`best_of`); read from end to end (a query of one word), tantivy's is the faster.
fn best_of(alternatives: Vec<Box<dyn Query>>, seeks: bool) -> Box<dyn Query> {
    match alternatives.len() {
        0 => Box::new(EmptyQuery),
        1 => alternatives.into_iter().next().expect("one"),
        _ if seeks => Box::new(super::best_of::BestOf::new(alternatives, ALTERNATIVES_TIE_BREAKER)),
        _ => {
            Box::new(DisjunctionMaxQuery::with_tie_breaker(alternatives, ALTERNATIVES_TIE_BREAKER))
        }
    }
}

/// True when a query of `node` and `filters` intersects its words' alternatives with
/// something: two content clauses or more, or a filter.
fn intersects(node: Option<&Node>, filters: &[Box<dyn Query>]) -> bool {
    let Some(Node::And(items)) = node else { return !filters.is_empty() };
    let clauses = items.iter().filter(|n| !matches!(n, Node::Not(_)) && !is_stop_word(n));
    !filters.is_empty() || clauses.count() >= 2
}

fn is_stop_word(node: &Node) -> bool {
    matches!(node, Node::Word { text, exact: false, prefix: false, .. } if STOP_WORDS.contains(&text.to_lowercase().as_str()))
}

impl<'a> Planner<'a> {
    /// A planner for the index behind `searcher`.
    pub fn new(
        fields: Fields,
        searcher: &'a Searcher,
        lexicon: &'a super::Lexicon,
        expand: bool,
    ) -> Planner<'a> {
        Planner {
            fields,
            searcher,
            glossary: &lexicon.glossary,
            with_abbreviations: None,
            dictionary: lexicon.dictionary.as_ref(),
            learnt: lexicon.learnt.as_ref(),
            expand,
            translate: true,
            analyzer: Analyzer::shared(),
            marks: Marks::default(),
            notices: Vec::new(),
            explain: Vec::new(),
            group: 0,
            via_override: None,
            required: Vec::new(),
            translated: Vec::new(),
            crosses: Vec::new(),
            crossing: false,
            split: false,
            function_word: false,
            seeks: false,
            aside: None,
            excluded: Vec::new(),
            inline_filters: Vec::new(),
            content_words: 0,
            scan_left: AtomicUsize::new(MAX_SCANNED_TERMS),
            prefixes: Default::default(),
        }
    }

    /// Plans `node` with extra filter clauses (from `--lang`, `--doc`).
    pub fn plan(mut self, node: Option<&Node>, filters: Vec<Box<dyn Query>>) -> Plan {
        self.seeks = intersects(node, &filters);
        if self.expand {
            self.learn_abbreviations(node);
        }
        let compiled = match node {
            Some(Node::And(items)) => self.compile_and(items, true, true),
            // One word is a query of one: the glossary and the dictionary apply as well.
            Some(n @ Node::Word { .. }) => self.compile_and(std::slice::from_ref(n), true, true),
            Some(n) => {
                let q = self.compile(n);
                if let Some(q) = &q {
                    if !matches!(n, Node::Not(_)) {
                        self.required.push(q.box_clone());
                        self.translated.push(None);
                        self.crosses.push(false);
                    }
                }
                q
            }
            None => None,
        };
        let compiled = compiled.map(|q| self.with_translated(q));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            filters.iter().map(|f| (Occur::Must, f.box_clone())).collect();
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
        let groups = self.required.len();
        let seeks = self.seeks;
        let relaxed = (groups >= 2 && self.content_words >= MIN_WORDS_TO_RELAX).then(|| {
            let required = std::mem::take(&mut self.required)
                .into_iter()
                .zip(std::mem::take(&mut self.translated))
                .map(|(q, t)| match t {
                    Some(t) => best_of(vec![q, t], seeks),
                    None => q,
                })
                .collect();
            // All but one of three or more clauses is found by the rarest two (`at_least`);
            // one of two is a union, read from end to end.
            let some: Box<dyn Query> = if groups >= 3 {
                Box::new(super::at_least::AtLeast::new(required, groups - 1))
            } else {
                Box::new(BooleanQuery::union_with_minimum_required_clauses(required, groups - 1))
            };
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = filters
                .into_iter()
                .chain(self.inline_filters.drain(..))
                .map(|f| (Occur::Must, f))
                .collect();
            clauses.push((Occur::Must, some));
            clauses.extend(self.excluded.drain(..).map(|q| (Occur::MustNot, q)));
            Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>
        });
        if self.scan_left.load(Ordering::Relaxed) == 0 {
            self.notices.push(
                "the query's wildcards and expansions match too many words: only those found \
                 first were searched; make the prefixes longer"
                    .into(),
            );
        }
        Plan {
            query,
            relaxed,
            groups,
            marks: self.marks,
            notices: self.notices,
            explain: self.explain,
        }
    }

    /// The query as typed or, for passages in the other language, as translated: every
    /// translated word's translations required, and names found in the other script; the
    /// words the dictionary lacks optional
    /// (the words a dictionary cannot know, `upload`, do not shut out every passage of the
    /// other language). A passage scores by the better reading, so a passage mixing both
    /// languages is not counted twice. Only when every word but one of three or more
    /// translates: fewer translated words say too little to find passages by.
    fn with_translated(&mut self, typed: Box<dyn Query>) -> Box<dyn Query> {
        let translated = self.translated.iter().filter(|t| t.is_some()).count();
        let names = self.crosses.iter().zip(&self.translated).filter(|(&c, t)| c && t.is_none());
        let covered = translated + names.count();
        let required = self.required.len();
        let missing = if required >= 3 { 1 } else { 0 };
        if translated == 0 || covered + missing < required {
            return typed;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = self
            .required
            .iter()
            .zip(&self.translated)
            .zip(&self.crosses)
            .map(|((q, t), &crosses)| match t {
                Some(t) => (Occur::Must, t.box_clone()),
                // A name in the other script stands in its translation.
                None if crosses => (Occur::Must, q.box_clone()),
                None => (Occur::Should, q.box_clone()),
            })
            .collect();
        // `lang:` and `doc:` hold for the translated reading too.
        clauses.extend(self.inline_filters.iter().map(|q| (Occur::Must, q.box_clone())));
        clauses.extend(self.excluded.iter().map(|q| (Occur::MustNot, q.box_clone())));
        let other: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        Box::new(DisjunctionMaxQuery::new(vec![typed, other]))
    }

    /// A filter on the passage language.
    pub fn lang_filter(&self, code: &str) -> Box<dyn Query> {
        filter_query(self.fields.lang, code)
    }

    /// A filter on the document: its path, file name or stem, or a prefix of one (any
    /// case). The names are made from the indexed paths, a term each: a corpus has far
    /// fewer documents than passages, which would each index three names.
    pub fn doc_filter(&mut self, name: &str) -> Box<dyn Query> {
        let name = name.to_lowercase();
        let paths: Vec<(String, Vec<String>)> = self
            .terms_with_prefix(self.fields.doc, "", usize::MAX)
            .into_iter()
            .map(|p| {
                let keys = crate::index::doc_keys(&p);
                (p, keys)
            })
            .collect();
        let named = |exactly: bool| -> Vec<&String> {
            let fits = |key: &String| if exactly { *key == name } else { key.starts_with(&name) };
            paths.iter().filter(|(_, keys)| keys.iter().any(fits)).map(|(p, _)| p).collect()
        };
        // A name that is some document's whole name means that document, not every
        // document whose name it begins.
        let mut found = named(true);
        if found.is_empty() {
            found = named(false);
        }
        if found.is_empty() {
            self.notices.push(format!("no document is named {name:?}"));
            return Box::new(EmptyQuery);
        }
        any_of(found.into_iter().map(|p| filter_query(self.fields.doc, p)).collect())
    }

    fn compile(&mut self, node: &Node) -> Option<Box<dyn Query>> {
        match node {
            Node::And(items) => self.compile_and(items, false, true),
            Node::Or(items) => {
                let clauses: Vec<Box<dyn Query>> =
                    items.iter().filter_map(|n| self.compile(n)).collect();
                (!clauses.is_empty()).then(|| any_of(clauses))
            }
            Node::Not(inner) => {
                let q = self.compile_negated(inner)?;
                Some(Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery)),
                    (Occur::MustNot, q),
                ])))
            }
            Node::Word { text, exact: true, .. } => self.exact_word(text),
            Node::Word { text, prefix: true, .. } => self.prefix_word(text),
            Node::Word { text, .. } => self.plain_word(text, self.expand),
            Node::Phrase { text, exact, slop, .. } => self.phrase(text, *exact, *slop),
            Node::Lang { code, .. } => Some(self.lang_filter(code)),
            Node::Doc { name, .. } => Some(self.doc_filter(name)),
        }
    }

    /// Compiles the inside of a negation without marking its words for highlighting.
    fn compile_negated(&mut self, node: &Node) -> Option<Box<dyn Query>> {
        let (marks, explain) = (std::mem::take(&mut self.marks), self.explain.len());
        let q = self.compile(node);
        self.marks = marks;
        self.explain.truncate(explain);
        q
    }

    /// All items must match (function words need not). At the top level the required
    /// clauses are also kept apart, for proximity and for the all-but-one fallback.
    fn compile_and(
        &mut self,
        items: &[Node],
        top: bool,
        use_glossary: bool,
    ) -> Option<Box<dyn Query>> {
        let has_content = items.iter().any(|n| !matches!(n, Node::Not(_)) && !is_stop_word(n));
        let stems: Vec<String> = items
            .iter()
            .map(|n| match n {
                Node::Word { text, exact: false, prefix: false, .. } => {
                    self.analyzer.term(text, Mode::Stem)
                }
                _ => String::new(),
            })
            .collect();
        // Each word's stems, several for a hyphenated one, for glossary terms.
        let word_stems: Vec<Vec<String>> = items
            .iter()
            .map(|n| match n {
                Node::Word { text, exact: false, prefix: false, .. } if use_glossary => {
                    self.analyzer.tokens(text, Mode::Stem).into_iter().map(|t| t.text).collect()
                }
                _ => Vec::new(),
            })
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut i = 0;
        while i < items.len() {
            let node = &items[i];
            if let Node::Not(inner) = node {
                if let Some(q) = self.compile_negated(inner) {
                    if top {
                        self.excluded.push(q.box_clone());
                    }
                    clauses.push((Occur::MustNot, q));
                }
                i += 1;
                continue;
            }
            // `lang:` and `doc:` filter; they are no part of the query to relax or rank by.
            if top && matches!(node, Node::Lang { .. } | Node::Doc { .. }) {
                if let Some(q) = self.compile(node) {
                    self.inline_filters.push(q.box_clone());
                    clauses.push((Occur::Must, q));
                }
                i += 1;
                continue;
            }
            let optional = has_content && is_stop_word(node);
            if !optional {
                self.group = if top { self.required.len() } else { self.group };
            }
            let found = if use_glossary
                && self.expand
                && self.via_override.is_none()
                && !word_stems[i].is_empty()
            {
                self.glossary().find_at(&word_stems, i)
            } else {
                None
            };
            let phrase = match found {
                None if use_glossary && self.expand && self.via_override.is_none() => {
                    self.dictionary_phrase(items, &stems, i)
                }
                _ => None,
            };
            let (q, next) = match (found, phrase) {
                (Some(f), _) => (self.glossary_group(&items[f.start..f.end], f), f.end),
                (None, Some((end, translations))) => {
                    self.split = top && !optional;
                    (self.translated_phrase(&items[i..end], translations), end)
                }
                (None, None) => {
                    self.split = top && !optional && matches!(node, Node::Word { .. });
                    self.function_word = optional;
                    (self.compile(node), i + 1)
                }
            };
            self.split = false;
            self.function_word = false;
            let aside = self.aside.take();
            let crossing = std::mem::take(&mut self.crossing);
            if let Some(q) = q {
                if optional {
                    clauses.push((Occur::Should, q));
                } else {
                    if top {
                        self.required.push(q.box_clone());
                        self.translated.push(aside);
                        self.crosses.push(crossing);
                        self.content_words +=
                            items[i..next].iter().filter(|n| !is_stop_word(n)).count();
                    }
                    clauses.push((Occur::Must, q));
                }
            }
            i = next;
        }
        if clauses.is_empty() {
            return None;
        }
        if !clauses.iter().any(|(o, _)| *o == Occur::Must) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// Words that are a glossary term: they match as typed, or as any other term of the
    /// concept (each of its words in any form, in any order).
    fn glossary_group(
        &mut self,
        words: &[Node],
        found: crate::glossary::Found,
    ) -> Option<Box<dyn Query>> {
        let translate = std::mem::replace(&mut self.translate, false);
        let typed = self.compile_and(words, false, false);
        let Some(typed) = typed else {
            self.translate = translate;
            return None;
        };
        let mut alternatives = vec![typed];
        let terms = self.glossary().terms(found.concept).to_vec();
        let mut synonyms = Vec::new();
        let abbreviation = self.glossary().is_abbreviation(found.concept);
        self.via_override = Some(if abbreviation { Via::Abbreviation } else { Via::Glossary });
        for (t, term) in terms.iter().enumerate() {
            if t == found.term {
                continue;
            }
            // A one-word synonym in any form (and its derived forms and transliterations);
            // a longer one as a phrase of its words in any forms.
            let q = if term.stems.len() == 1 {
                self.plain_word(&term.text, true)
            } else {
                self.phrase(&term.text, false, GLOSSARY_SLOP).map(|body| {
                    // A synonym in a section heading counts too, as a word typed does.
                    let section = self.phrase_on(self.fields.section, &term.text, GLOSSARY_SLOP);
                    best_of(vec![body, boosted(section, SECTION_BOOST)], self.seeks)
                })
            };
            if let Some(q) = q {
                alternatives.push(boosted(q, GLOSSARY_BOOST));
                synonyms.push(term.text.clone());
            }
        }
        self.via_override = None;
        self.translate = translate;
        let typed_text = terms[found.term].text.clone();
        let source = if abbreviation { "abbreviation the text defines" } else { "glossary" };
        self.explain.push(format!(
            "{source}: «{typed_text}» also matches {}",
            synonyms.iter().map(|s| format!("«{s}»")).collect::<Vec<_>>().join(", ")
        ));
        Some(best_of(alternatives, self.seeks))
    }

    fn glossary(&self) -> &Glossary {
        self.with_abbreviations.as_ref().unwrap_or(self.glossary)
    }

    /// Adds to the glossary the abbreviations the corpus defines whose short form is a
    /// query word, or whose long form opens with one.
    fn learn_abbreviations(&mut self, node: Option<&Node>) {
        let mut words = Vec::new();
        if let Some(node) = node {
            node.words(&mut words);
        }
        let mut definitions: Vec<crate::abbreviations::Definition> = Vec::new();
        let stems = words.iter().flat_map(|w| self.analyzer.tokens(w, Mode::Stem)).map(|t| t.text);
        let mut seen = HashSet::new();
        let stems: Vec<String> = stems.filter(|s| seen.insert(s.clone())).collect();
        for stem in stems {
            if STOP_WORDS.contains(&stem.as_str()) {
                continue;
            }
            for long in [false, true] {
                let key = crate::abbreviations::key(&stem, long);
                for t in self.terms_with_prefix(self.fields.abbrev, &key, MAX_ABBREVIATIONS) {
                    if let Some(d) = crate::abbreviations::from_term(&t) {
                        if !definitions.contains(&d) {
                            definitions.push(d);
                        }
                    }
                }
            }
        }
        if !definitions.is_empty() {
            self.with_abbreviations = Some(self.glossary.with_abbreviations(&definitions));
        }
    }

    fn via(&self, natural: Via) -> Via {
        self.via_override.unwrap_or(natural)
    }

    fn exact_word(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let toks = self.analyzer.tokens(text, Mode::Fold);
        match toks.len() {
            0 => None,
            1 => {
                let t = &toks[0].text;
                self.marks.add(MarkKind::Fold, t, Via::Exact, self.group);
                self.explain.push(format!("«={text}»: exact form {t} (exact)"));
                Some(length_free_query(self.fields.exact, t))
            }
            _ => self.phrase(text, true, 0),
        }
    }

    fn prefix_word(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let folded = self.analyzer.term(text, Mode::Fold);
        let terms = self.terms_with_prefix(self.fields.exact, &folded, MAX_PREFIX_TERMS);
        self.explain.push(format!("«{text}*»: prefix, {} words: {}", terms.len(), terms.join(" ")));
        if terms.is_empty() && self.scan_left.load(Ordering::Relaxed) > 0 {
            self.notices.push(format!("no word starts with «{text}»"));
            return Some(Box::new(EmptyQuery));
        }
        for t in &terms {
            self.marks.add(MarkKind::Fold, t, self.via(Via::Prefix), self.group);
        }
        Some(any_of(terms.iter().map(|t| length_free_query(self.fields.exact, t)).collect()))
    }

    /// A word in any of its forms, and, when `expand`, what it may also mean.
    fn plain_word(&mut self, text: &str, expand: bool) -> Option<Box<dyn Query>> {
        let split = std::mem::take(&mut self.split);
        let toks = self.analyzer.tokens(text, Mode::Stem);
        if toks.len() > 1 {
            return self.compound(text, &toks, expand);
        }
        let Some(stem) = toks.first().map(|t| t.text.clone()) else {
            self.too_long(text);
            return None;
        };
        let fold = self.analyzer.term(text, Mode::Fold);
        let group = self.group;
        let [body, section, own_heading] = stem_in_text_and_headings(self.fields, &stem, 1.0);
        let mut forms = vec![(stem.clone(), 1.0)];
        let mut alternatives = vec![section, own_heading];
        let mut lines = vec![format!(
            "word form {stem} (body, section ×{SECTION_BOOST}, own heading ×{SECTION_BOOST})"
        )];
        self.marks.add(MarkKind::Stem, &stem, self.via(Via::WordForm), group);
        self.marks.add(MarkKind::Fold, &fold, self.via(Via::Exact), group);
        let bonus = boosted(length_free_query(self.fields.exact, &fold), EXACT_BOOST);
        let mut found =
            self.doc_freq(self.fields.body, &stem) + self.doc_freq(self.fields.section, &stem);
        // Passages with the word's own forms: what says whether the word is a typo. A name
        // in the other script or a translation found does not (`Rapalo` meets `Рапалло`,
        // and is still a misspelling of `Rapallo`).
        let mut own = found;
        // Passages with the word's own forms (not derivatives).
        let mut typed = found;
        let mut family = Vec::new();
        if expand {
            for (t, via) in self.derived_terms(&stem, &fold) {
                family.push(t.clone());
                let df = self.doc_freq(self.fields.body, &t);
                found += df;
                own += df;
                if via == Via::WordForm {
                    typed += df;
                }
                let boost = if via == Via::Derived { DERIVED_BOOST } else { 1.0 };
                let in_heading = boost * SECTION_BOOST;
                lines.push(format!(
                    "{} {t} (body ×{boost}, own heading ×{in_heading})",
                    via.label()
                ));
                self.marks.add(MarkKind::Stem, &t, self.via(via), group);
                // In the passage's own heading only: a chapter's title names many things
                // its passages are not about.
                alternatives.push(in_own_heading(self.fields, &t, in_heading));
                forms.push((t, boost));
            }
            let (key_field, keys) = self.name_keys(&fold, &stem);
            if !keys.is_empty() {
                lines.push(format!(
                    "transliteration {} (other script ×{TRANSLIT_BOOST})",
                    keys.join(" ")
                ));
            }
            self.crossing |= !keys.is_empty();
            for k in &keys {
                found += self.doc_freq(key_field, k);
                self.marks.add(MarkKind::Key, k, self.via(Via::Transliteration), group);
                alternatives.push(boosted(length_free_query(key_field, k), TRANSLIT_BOOST));
            }
            // Whether the dictionary knows the word as typed: a word it knows is spelt right.
            let mut known = false;
            if self.translate && self.via_override.is_none() && !self.function_word {
                let (folded, stems) = (std::slice::from_ref(&fold), std::slice::from_ref(&stem));
                // The word as written or by its stem, else by a form or derivative of it
                // that the dictionary knows (`зеркалами` → `зеркало`); not for a name found
                // in the other script by its sound (`Казань`, `Kazan`): a derivative's
                // translation would be another word's (`казаться`, to seem).
                let own_entry = self.lookup(text, folded, stems);
                known = own_entry.is_some();
                let entry = own_entry.or_else(|| {
                    if !keys.is_empty() {
                        return None;
                    }
                    family.iter().find_map(|t| self.lookup(text, &[], std::slice::from_ref(t)))
                });
                if let Some(Entry::Translations(ts)) = entry {
                    let (queries, line, df) = self.translations(&ts);
                    found += df;
                    if split && !queries.is_empty() {
                        self.aside = Some(best_of(queries, self.seeks));
                    } else {
                        alternatives.extend(queries);
                    }
                    lines.extend(line);
                }
            }
            if self.via_override.is_none() {
                // A word none of whose own forms is in the text, found only through
                // derivatives, may be a misspelling of one of them (`пакетирвание` meeting
                // `пакетировании`) unless the dictionary knows it (`необходим` beside
                // `необходимо`): its corrections are looked for as for a word no passage
                // has, and kept when they are such derivatives.
                let misspelt_derivative = own >= TYPO_MIN_DOC_FREQ && typed == 0 && !known;
                let max_doc_freq = if own < TYPO_MIN_DOC_FREQ || misspelt_derivative {
                    u32::MAX
                } else {
                    OCR_MAX_DOC_FREQ.min(own / OCR_RARITY)
                };
                let mut typos = self.typo_terms(&fold, &stem, max_doc_freq);
                if typos.is_empty() && own < TYPO_MIN_DOC_FREQ {
                    typos = self.sound_alike_terms(&fold, &stem);
                }
                if misspelt_derivative {
                    typos.retain(|t| family.contains(&self.analyzer.term(t, Mode::Stem)));
                }
                if !typos.is_empty() {
                    lines.push(format!("typo {} (exact ×{TYPO_BOOST})", typos.join(" ")));
                    if own == 0 || misspelt_derivative {
                        let line = format!("no passage has «{text}»; did you mean «{}»?", typos[0]);
                        self.notices.push(line);
                    }
                }
                for t in &typos {
                    found += self.doc_freq(self.fields.exact, t);
                    self.marks.add(MarkKind::Fold, t, Via::Typo, group);
                    alternatives.push(boosted(length_free_query(self.fields.exact, t), TYPO_BOOST));
                }
                // A word taken for a typo is searched as the word meant, in all its forms
                // and in section headings too, as the word typed would have been.
                if own < TYPO_MIN_DOC_FREQ {
                    let mut stems: Vec<String> =
                        typos.iter().map(|t| self.analyzer.term(t, Mode::Stem)).collect();
                    stems.sort();
                    stems.dedup();
                    stems.retain(|s| !s.is_empty());
                    if !stems.is_empty() {
                        lines.push(format!(
                            "its word forms {} (body ×{TYPO_BOOST}, section and own heading ×{})",
                            stems.join(" "),
                            TYPO_BOOST * SECTION_BOOST
                        ));
                    }
                    for s in &stems {
                        found += self.doc_freq(self.fields.body, s);
                        self.marks.add(MarkKind::Stem, s, Via::Typo, group);
                        alternatives.extend(stem_in_text_and_headings(self.fields, s, TYPO_BOOST));
                    }
                }
            }
            if found == 0 && self.via_override.is_none() {
                if let Some(q) = self.other_layout(text) {
                    return Some(q);
                }
            }
        }
        if found == 0 && self.via_override.is_none() {
            self.notices.push(format!("«{text}» is not in any passage"));
        }
        self.explain
            .push(format!("«{text}»: {}; exact form {fold} (+{EXACT_BOOST})", lines.join("; ")));
        // The word's forms and derivatives count as one term, each by its weight.
        let body: Box<dyn Query> =
            if forms.len() == 1 { body } else { Box::new(Synonyms::new(self.fields.body, forms)) };
        alternatives.insert(0, body);
        let word = best_of(alternatives, self.seeks);
        Some(Box::new(BooleanQuery::new(vec![(Occur::Must, word), (Occur::Should, bonus)])))
    }

    /// Says so when the word `text` is longer than any word indexed (a hash, an encoded
    /// blob), as the analyser measures it: it gives no term, so it is left out of the
    /// query, and without a word the user would only hear that the query has none.
    fn too_long(&mut self, text: &str) {
        let mut fold = String::new();
        crate::analysis::fold_into(text, &mut fold);
        if crate::analysis::too_long(&fold) {
            let start: String = text.chars().take(24).collect();
            self.notices.push(format!(
                "«{start}…» is longer than any word indexed ({} bytes) and is left out",
                crate::analysis::MAX_TOKEN_BYTES
            ));
        }
    }

    /// What the dictionary says of words (folded forms, stems) in the language of `text`.
    fn lookup(&self, text: &str, folded: &[String], stems: &[String]) -> Option<Entry> {
        if stems.iter().any(|s| s.chars().any(|c| c.is_ascii_digit())) {
            return None;
        }
        let side = Side::of(text)?;
        let look = |d: Option<&crate::dictionary::Dictionary>| d?.lookup(side, folded, stems);
        crate::dictionary::merge(look(self.dictionary), look(self.learnt))
    }

    /// The longest run of two or more plain words from `start` that the dictionary
    /// translates as one (`mailing list` → `список рассылки`): its end and translations.
    fn dictionary_phrase(
        &self,
        items: &[Node],
        stems: &[String],
        start: usize,
    ) -> Option<(usize, Vec<Translation>)> {
        if !self.translate {
            return None;
        }
        let max = crate::dictionary::MAX_WORDS.min(items.len() - start);
        for len in (2..=max).rev() {
            let span = &stems[start..start + len];
            if span.iter().any(String::is_empty) {
                continue;
            }
            let Node::Word { text, .. } = &items[start] else { return None };
            let folded: Vec<String> = items[start..start + len]
                .iter()
                .map(|n| match n {
                    Node::Word { text, .. } => self.analyzer.term(text, Mode::Fold),
                    _ => String::new(),
                })
                .collect();
            if let Some(Entry::Translations(ts)) = self.lookup(text, &folded, span) {
                // A phrase none of whose translations the corpus has is no help: its words
                // are translated one by one instead.
                if ts.iter().any(|t| self.in_index(&t.text)) {
                    return Some((start + len, ts));
                }
            }
        }
        None
    }

    /// True when every word of `text` is in some passage.
    fn in_index(&self, text: &str) -> bool {
        let toks = self.analyzer.tokens(text, Mode::Stem);
        !toks.is_empty() && toks.iter().all(|t| self.doc_freq(self.fields.body, &t.text) > 0)
    }

    /// Words that the dictionary translates as one: they match as typed, or as one of
    /// the translations (each a phrase of its words in any forms).
    fn translated_phrase(
        &mut self,
        words: &[Node],
        translations: Vec<Translation>,
    ) -> Option<Box<dyn Query>> {
        let split = std::mem::take(&mut self.split);
        let typed = self.compile_and(words, false, false)?;
        let (queries, line, _) = self.translations(&translations);
        if let Some(line) = line {
            let text: Vec<&str> = words
                .iter()
                .filter_map(|w| match w {
                    Node::Word { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            self.explain.push(format!("«{}»: {line}", text.join(" ")));
        }
        if split && !queries.is_empty() {
            self.aside = Some(best_of(queries, self.seeks));
            return Some(typed);
        }
        let mut alternatives = vec![typed];
        alternatives.extend(queries);
        Some(best_of(alternatives, self.seeks))
    }

    /// Queries for the translations found in the index, the likeliest first, weighted by
    /// their dictionary weights against the best of them; the `--explain` line; the
    /// passages they are found in.
    fn translations(
        &mut self,
        translations: &[Translation],
    ) -> (Vec<Box<dyn Query>>, Option<String>, u32) {
        let group = self.group;
        let candidates: Vec<(Vec<String>, f32)> = translations
            .iter()
            .map(|t| {
                let stems: Vec<String> =
                    self.analyzer.tokens(&t.text, Mode::Stem).into_iter().map(|t| t.text).collect();
                let weight = if stems.len() > 1 { t.weight * PHRASE_TRANSLATION } else { t.weight };
                (stems, weight)
            })
            .collect();
        let mut found: Vec<(Vec<String>, f32, u32)> = Vec::new();
        for (stems, weight) in &candidates {
            // A phrase holding a one-word translation (`органы безопасности` beside
            // `безопасность`) adds nothing but noise.
            let subsumed = stems.len() > 1
                && candidates.iter().any(|(c, _)| c.len() == 1 && stems.contains(&c[0]));
            if stems.is_empty()
                || subsumed
                || (stems.len() == 1 && STOP_WORDS.contains(&stems[0].as_str()))
            {
                continue;
            }
            let df = stems.iter().map(|s| self.doc_freq(self.fields.body, s)).min().unwrap_or(0);
            if df > 0 {
                found.push((stems.clone(), *weight, df));
            } else if let [stem] = &stems[..] {
                // A Russian translation the corpus has only in other words of its family
                // (`осиротелый` in the dictionary, `осиротевший` in the text).
                if stem.chars().all(|c| script_of(c) == Some(Script::Cyrillic)) {
                    if let Some(t) = self.russian_family(stem).into_iter().next() {
                        let df = self.doc_freq(self.fields.body, &t);
                        found.push((vec![t], *weight * DERIVED_BOOST, df));
                    }
                }
            }
        }
        let Some(top) = found.iter().map(|f| f.1).reduce(f32::max) else {
            return (Vec::new(), None, 0);
        };
        // The likeliest few; a sense far weaker than the best is more noise than recall.
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        // Two senses, or a sense and another's family word, may have one stem: it is
        // searched once, at the better weight.
        let mut searched: HashSet<Vec<String>> = HashSet::new();
        found.retain(|f| searched.insert(f.0.clone()));
        found.retain(|f| f.1 >= MIN_TRANSLATION_WEIGHT * top);
        found.truncate(MAX_TRANSLATIONS);
        let mut queries = Vec::new();
        let mut shown = Vec::new();
        let mut passages = 0;
        // The one-word translations count as one term, each by its weight.
        let mut words = Vec::new();
        for (stems, weight, df) in found {
            let boost = TRANSLATION_BOOST * weight / top;
            passages += df;
            shown.push(format!("{} ×{boost:.2}", stems.join(" ")));
            if stems.len() == 1 {
                self.marks.add(MarkKind::Stem, &stems[0], Via::Translation, group);
                words.extend(stems.into_iter().map(|s| (s, weight / top)));
            } else {
                self.marks.phrases.push(PhraseMark {
                    terms: stems.clone(),
                    mode: Mode::Stem,
                    slop: TRANSLATION_SLOP,
                    via: Via::Translation,
                    group,
                });
                for (field, boost) in
                    [(self.fields.body, boost), (self.fields.section, boost * SECTION_BOOST)]
                {
                    let terms = stems
                        .iter()
                        .enumerate()
                        .map(|(i, s)| (i, Term::from_field_text(field, s)))
                        .collect();
                    let q = PhraseQuery::new_with_offset_and_slop(terms, TRANSLATION_SLOP);
                    queries.push(boosted(Box::new(q), boost));
                }
            }
        }
        if !words.is_empty() {
            // In the text and in the section path, as the word typed is.
            let group = [
                (self.fields.body, TRANSLATION_BOOST),
                (self.fields.section, TRANSLATION_BOOST * SECTION_BOOST),
            ]
            .map(|(field, boost)| boosted(Box::new(Synonyms::new(field, words.clone())), boost));
            queries.splice(0..0, group);
        }
        let line = format!(
            "translation {} (body, section ×{SECTION_BOOST}, dictionary)",
            shown.join(", ")
        );
        (queries, Some(line), passages)
    }

    /// A compound (`германо-советские`, `Молотова-Риббентропа`): every part as a word of
    /// its own, with its forms and expansions (the parts of a name are transliterated one
    /// by one), the parts side by side counting more.
    fn compound(
        &mut self,
        text: &str,
        toks: &[crate::analysis::Tok],
        expand: bool,
    ) -> Option<Box<dyn Query>> {
        let explain = self.explain.len();
        let together = self.phrase(text, false, 0);
        // The phrase is a bonus: its marks stay, the parts explain the rest.
        self.explain.truncate(explain);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in toks {
            if let Some(q) = self.plain_word(&text[t.start..t.end], expand) {
                clauses.push((Occur::Must, q));
            }
        }
        if clauses.is_empty() {
            return together;
        }
        // One compound is one word of the query: its parts share one word's weight.
        let share = 1.0 / (clauses.len() + 1) as f32;
        clauses.extend(together.map(|q| (Occur::Should, q)));
        Some(boosted(Box::new(BooleanQuery::new(clauses)), share))
    }

    /// The word read on the other keyboard layout, if that is a word of the corpus.
    fn other_layout(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let swapped = layout::swap(text)?;
        let stem = self.analyzer.term(&swapped, Mode::Stem);
        if stem.is_empty() || self.doc_freq(self.fields.body, &stem) == 0 {
            return None;
        }
        self.notices.push(format!(
            "«{text}» looks typed in the wrong keyboard layout: searched for «{swapped}»"
        ));
        self.plain_word(&swapped, true)
    }

    fn phrase(&mut self, text: &str, exact: bool, slop: u32) -> Option<Box<dyn Query>> {
        // A word too long to index is left out of the phrase, and the user told.
        for (start, end) in crate::analysis::words(text) {
            self.too_long(&text[start..end]);
        }
        let mode = if exact { Mode::Fold } else { Mode::Stem };
        let toks = self.analyzer.tokens(text, mode);
        if toks.len() <= 1 {
            let word = toks.first().map(|t| text[t.start..t.end].to_string())?;
            return if exact {
                self.exact_word(&word)
            } else {
                self.plain_word(&word, self.expand)
            };
        }
        let terms: Vec<String> = toks.iter().map(|t| t.text.clone()).collect();
        let via = self.via(if exact { Via::Exact } else { Via::WordForm });
        self.explain.push(format!(
            "«{text}»: phrase {}{} ({})",
            terms.join(" "),
            if slop > 0 { format!(" within {slop} words") } else { String::new() },
            if exact { "exact" } else { "body" }
        ));
        self.marks.phrases.push(PhraseMark {
            terms: terms.clone(),
            mode,
            slop,
            via,
            group: self.group,
        });
        if exact {
            return Some(self.exact_phrase(text, terms, slop));
        }
        Some(self.phrase_on(self.fields.body, text, slop))
    }

    /// An exact-form phrase: the `exact` field has no positions, so the passages with the
    /// phrase of its stems and every form typed are read and kept when they show it
    /// ([`ExactPhrase`]). Scored as the stems' phrase.
    fn exact_phrase(&self, text: &str, folds: Vec<String>, slop: u32) -> Box<dyn Query> {
        let phrase = self.phrase_on(self.fields.body, text, slop);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, phrase)];
        let mut distinct: Vec<&String> = folds.iter().collect();
        distinct.sort_unstable();
        distinct.dedup();
        for fold in distinct {
            let present = ConstScoreQuery::new(term_query(self.fields.exact, fold), 0.0);
            clauses.push((Occur::Must, Box::new(present)));
        }
        let term = Term::from_field_text;
        let stems = self.analyzer.tokens(text, Mode::Stem);
        let forms = (stems.iter().zip(&folds))
            .map(|(s, f)| (term(self.fields.body, &s.text), term(self.fields.exact, f)))
            .collect();
        let candidates = Box::new(BooleanQuery::new(clauses));
        Box::new(ExactPhrase::new(candidates, self.fields.text, folds, slop, forms))
    }

    /// A phrase of `text`'s stems on `field`, or its one term.
    fn phrase_on(&self, field: Field, text: &str, slop: u32) -> Box<dyn Query> {
        let toks = self.analyzer.tokens(text, Mode::Stem);
        if toks.len() == 1 {
            return term_query(field, &toks[0].text);
        }
        let terms =
            toks.iter().map(|t| (t.position, Term::from_field_text(field, &t.text))).collect();
        Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
    }

    /// Passages of the index containing `term` in `field`.
    fn doc_freq(&self, field: Field, term: &str) -> u32 {
        super::doc_freq(self.searcher, field, term)
    }

    /// Index stems derived from the word, or that it derives from: `рапалл` ↔
    /// `рапалльск`, `версал` ↔ `версальск`. Names are also extended from the word as typed,
    /// since Snowball cuts foreign names short (`Потсдам` → `потсд`, but `Потсдаме` →
    /// `потсдам`): a stem that is the typed word itself is another form of it.
    fn derived_terms(&self, stem: &str, fold: &str) -> Vec<(String, Via)> {
        if stem.chars().count() < 4 || stem.chars().any(|c| c.is_ascii_digit()) {
            return Vec::new();
        }
        let mut out: Vec<(String, Via)> = Vec::new();
        let bases: &[&str] = if fold == stem { &[stem] } else { &[stem, fold] };
        for &base in bases {
            for t in self.terms_with_prefix(self.fields.body, base, 1000) {
                let rest = &t[base.len()..];
                if t == stem {
                    continue;
                } else if rest.is_empty() {
                    out.push((t, Via::WordForm));
                } else if DERIVATIONAL_SUFFIXES.contains(&rest) {
                    out.push((t, Via::Derived));
                }
            }
        }
        for suffix in DERIVATIONAL_SUFFIXES {
            if let Some(base) = stem.strip_suffix(suffix) {
                if base.chars().count() >= 4 && self.doc_freq(self.fields.body, base) > 0 {
                    out.push((base.to_string(), Via::Derived));
                }
            }
        }
        if stem.chars().all(|c| script_of(c) == Some(Script::Cyrillic)) {
            out.extend(self.russian_family(stem).into_iter().map(|t| (t, Via::Derived)));
        }
        // Forms of the word first, then the most frequent derivatives.
        let mut seen = HashSet::new();
        out.retain(|(t, _)| t != stem && seen.insert(t.clone()));
        out.sort_by_key(|(_, via)| *via);
        out.truncate(MAX_GUESSES);
        out
    }

    /// Index stems of the Russian word's family, stems sharing a derivational root with it
    /// (`удал` beside `удален`, `поддержк` beside `поддержива`, `зерка` beside `зеркал`);
    /// the most frequent first.
    fn russian_family(&self, stem: &str) -> Vec<String> {
        let family = RussianFamily::of(stem);
        self.terms_with_prefix(self.fields.body, family.shortest_root(), 1000)
            .into_iter()
            .filter(|t| t != stem && family.has(t))
            .collect()
    }

    /// Name keys in the other script's key field that meet this word's key.
    fn name_keys(&self, fold: &str, stem: &str) -> (Field, Vec<String>) {
        let script = fold.chars().find_map(script_of);
        let (field, key) = match script {
            Some(Script::Latin) => {
                (self.fields.key_cyr, self.analyzer.term(fold, Mode::KeyOfLatin))
            }
            Some(Script::Cyrillic) => (self.fields.key_lat, crate::analysis::key_of_cyrillic(stem)),
            _ => return (self.fields.key_cyr, Vec::new()),
        };
        if key.chars().count() < MIN_KEY_LEN {
            return (field, Vec::new());
        }
        let short: String =
            key.chars().take(key.chars().count().saturating_sub(2).max(MIN_KEY_LEN)).collect();
        let keys = self
            .terms_with_prefix(field, &short, 1000)
            .into_iter()
            .filter(|k| keys_meet(k, &key))
            .take(MAX_GUESSES)
            .collect();
        (field, keys)
    }

    /// Index words within a small edit distance of `fold`: 1 for 5–8 letters, 2 for longer
    /// (OCR reads `rn` as `m`), none for shorter words or numbers; found in at most
    /// `max_doc_freq` passages and not a form of the same word. The most frequent first.
    fn typo_terms(&self, fold: &str, stem: &str, max_doc_freq: u32) -> Vec<String> {
        if !typo_shaped(fold) {
            return Vec::new();
        }
        let distance = if fold.chars().count() <= 8 { 1 } else { 2 };
        self.near_terms(fold, stem, distance, max_doc_freq, |_| true)
    }

    /// For a word no passage has and no word one edit away: the index words two edits
    /// away that sound alike (the same name key: `Раппало` and `Рапалло`, `Морисонн` and
    /// `Моррисон`). A doubled letter dropped and another doubled is two edits, beyond the
    /// one a word of eight letters or fewer is allowed; the key, which reads a double
    /// letter as one, tells such a misspelling from a word that merely looks close.
    fn sound_alike_terms(&self, fold: &str, stem: &str) -> Vec<String> {
        if !typo_shaped(fold) || fold.chars().count() > 8 {
            return Vec::new();
        }
        // Keys of whole words: the stem of a misspelling is no stem (`раппало` → `раппа`).
        let key_of = |word: &str| match word.chars().find_map(script_of) {
            Some(Script::Cyrillic) => crate::analysis::key_of_cyrillic(word),
            Some(Script::Latin) => crate::analysis::key_of_latin(word),
            _ => String::new(),
        };
        let key = key_of(fold);
        if key.chars().count() < MIN_KEY_LEN {
            return Vec::new();
        }
        self.near_terms(fold, stem, 2, u32::MAX, |t| key_of(t) == key)
    }

    /// Index words of the `exact` field within `distance` edits of `fold` that `keep`
    /// accepts, found in at most `max_doc_freq` passages and not forms of `stem`; the most
    /// frequent first, at most [`MAX_GUESSES`].
    fn near_terms(
        &self,
        fold: &str,
        stem: &str,
        distance: u8,
        max_doc_freq: u32,
        keep: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        if max_doc_freq == 0 {
            return Vec::new();
        }
        let term = Term::from_field_text(self.fields.exact, fold);
        // One automaton for every segment.
        let Ok(automaton) = FuzzyTermQuery::new(term, distance, true).automaton() else {
            return Vec::new();
        };
        // Each segment's dictionary walked on its own core: a walk at distance 2 visits
        // millions of dictionary nodes of a large segment.
        let (readers, exact, budget) =
            (self.searcher.segment_readers(), self.fields.exact, &self.scan_left);
        type Near = (std::sync::Arc<tantivy::InvertedIndexReader>, Vec<(String, TermInfo)>);
        let walk = |reader: &tantivy::SegmentReader| -> Option<Near> {
            let inverted = reader.inverted_index(exact).ok()?;
            let mut stream = inverted.terms().search(&automaton).into_stream().ok()?;
            let mut near = Vec::new();
            while spend(budget) && stream.advance() {
                match std::str::from_utf8(stream.key()) {
                    Ok(t) if t != fold => near.push((t.to_string(), stream.value().clone())),
                    _ => {}
                }
            }
            drop(stream);
            Some((inverted, near))
        };
        let walks: Vec<Option<Near>> = match crate::index::search_pool() {
            Some(pool) if readers.len() > 1 => {
                pool.install(|| readers.par_iter().map(walk).collect())
            }
            _ => readers.iter().map(walk).collect(),
        };
        let mut found: HashMap<String, u32> = HashMap::new();
        for (reader, walked) in readers.iter().zip(walks) {
            let Some((inverted, near)) = walked else { continue };
            for (t, info) in near {
                let df = super::live::doc_freq(reader, &inverted, &info);
                if df > 0 {
                    *found.entry(t).or_default() += df;
                }
            }
        }
        // Another form of the same word is no typo: the word form already matches it.
        let mut terms: Vec<(String, u32)> = found
            .into_iter()
            .filter(|(t, df)| {
                *df <= max_doc_freq && self.analyzer.term(t, Mode::Stem) != stem && keep(t)
            })
            .collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        terms.into_iter().take(MAX_GUESSES).map(|(t, _)| t).collect()
    }

    /// Index terms of `field` starting with `prefix`, the most frequent first, at most `max`.
    fn terms_with_prefix(&self, field: Field, prefix: &str, max: usize) -> Vec<String> {
        let key = (field, prefix.to_string(), max);
        if let Some(terms) = self.prefixes.borrow().get(&key) {
            return terms.clone();
        }
        let terms = self.scan_prefix(field, prefix, max);
        self.prefixes.borrow_mut().insert(key, terms.clone());
        terms
    }

    fn scan_prefix(&self, field: Field, prefix: &str, max: usize) -> Vec<String> {
        use std::cmp::Reverse;
        // Per word: its count in the term dictionaries, an upper bound of its live count
        // (it includes deleted passages), and its entries in segments with deletions.
        type Deleted = Vec<(usize, tantivy::postings::TermInfo)>;
        let mut found: HashMap<String, (u64, Deleted)> = HashMap::new();
        let readers = self.searcher.segment_readers();
        let mut inverted = Vec::with_capacity(readers.len());
        for (s, reader) in readers.iter().enumerate() {
            let Ok(index) = reader.inverted_index(field) else {
                inverted.push(None);
                continue;
            };
            if let Ok(mut stream) = index.terms().range().ge(prefix.as_bytes()).into_stream() {
                while spend(&self.scan_left) && stream.advance() {
                    let Ok(term) = std::str::from_utf8(stream.key()) else { continue };
                    if !term.starts_with(prefix) {
                        break;
                    }
                    let info = stream.value();
                    let entry = found.entry(term.to_string()).or_default();
                    entry.0 += u64::from(info.doc_freq);
                    if reader.has_deletes() {
                        entry.1.push((s, info.clone()));
                    }
                }
            }
            inverted.push(Some(index));
        }
        let mut candidates: Vec<(String, u64, Deleted)> =
            found.into_iter().map(|(t, (n, d))| (t, n, d)).collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        // The most frequent by live count; a live count (postings read) is taken only
        // while a word's upper bound can still place it among them.
        let mut best: std::collections::BinaryHeap<Reverse<(u64, Reverse<String>)>> =
            std::collections::BinaryHeap::new();
        for (term, upper, deleted) in candidates {
            if best.len() >= max
                && best.peek().is_some_and(|Reverse(worst)| *worst > (upper, Reverse(term.clone())))
            {
                break;
            }
            let gone: u64 = deleted
                .iter()
                .filter_map(|(s, info)| {
                    let index = inverted[*s].as_ref()?;
                    let live = super::live::doc_freq(&readers[*s], index, info);
                    Some(u64::from(info.doc_freq - live))
                })
                .sum();
            let live = upper - gone;
            if live > 0 {
                best.push(Reverse((live, Reverse(term))));
                if best.len() > max {
                    best.pop();
                }
            }
        }
        let mut terms: Vec<(u64, String)> =
            best.into_iter().map(|Reverse((n, Reverse(t)))| (n, t)).collect();
        terms.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        terms.into_iter().map(|(_, t)| t).collect()
    }
}
