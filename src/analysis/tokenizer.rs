//! Analysis of whole texts: `Stem` for the main body field, `Fold` for the exact-form
//! field, name keys for the cross-script fields. Every word is analysed once per thread
//! and cached. At index time a passage is analysed once for all fields
//! ([`Analyzer::passage_terms`], in the ingestion workers) and tantivy's threads only read
//! the term lists back ([`TermsTokenizer`]); at query and highlight time [`TokStream`]
//! walks the text lazily, with offsets into the original text, so highlighting marks
//! exactly the words that matched.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::fold::{fold_into, repair};
use super::stem::{initialism_singular, token_script, Stemmers};
use super::translit::{key_of_cyrillic, key_of_latin};
use super::words::{words, Words};
use crate::lang::Script;

/// Longest token indexed, in bytes; longer runs are not words (URLs, base64, DNA).
pub const MAX_TOKEN_BYTES: usize = 120;

/// True when a word of folded form `fold` is too long to be indexed: it gives no token.
pub fn too_long(fold: &str) -> bool {
    fold.len() > MAX_TOKEN_BYTES
}

/// Whether tokens are stemmed, only folded, or turned into cross-script name keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Folded and stemmed by script: `договора` → `договор`.
    Stem,
    /// Folded only: `договора` → `договора`.
    Fold,
    /// Name keys of Cyrillic tokens only (`Казани` → `kasan`); other tokens are skipped.
    KeyOfCyrillic,
    /// Name keys of Latin tokens only (`Kazan` → `kasan`); other tokens are skipped.
    KeyOfLatin,
}

/// Shortest name key indexed: shorter words collide across languages (`on`, `он`).
pub const MIN_KEY_LEN: usize = 4;

/// A token with its byte range in the analysed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// The index term.
    pub text: String,
    /// Byte range of the word in the original text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// Word position (0-based).
    pub position: usize,
}

/// One token of a text in every mode at once ([`Analyzer::for_each_word`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordTerms<'a> {
    /// Byte range of the word in the text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
    /// Word position (0-based), as in [`Tok`].
    pub position: usize,
    /// The [`Mode::Fold`] term.
    pub fold: &'a str,
    /// The [`Mode::Stem`] term.
    pub stem: &'a str,
    /// The name key, when asked for and the word has one.
    pub key: Option<&'a str>,
}

/// The analysis chain, shared by the index and the query side.
#[derive(Default)]
pub struct Analyzer {
    stemmers: Stemmers,
}

impl Analyzer {
    /// The process-wide analyzer (stemmers are immutable and cheap to share).
    pub fn shared() -> Arc<Analyzer> {
        static SHARED: OnceLock<Arc<Analyzer>> = OnceLock::new();
        SHARED.get_or_init(|| Arc::new(Analyzer::default())).clone()
    }

    /// Analyses `text` into tokens.
    pub fn tokens(&self, text: &str, mode: Mode) -> Vec<Tok> {
        let mut stream = TokStream::new(self, text, mode);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push(Tok {
                text: t.text.clone(),
                start: t.offset_from,
                end: t.offset_to,
                position: t.position,
            });
        }
        out
    }

    /// The single term for one word in `mode` (empty when the mode skips the word).
    pub fn term(&self, word: &str, mode: Mode) -> String {
        let mut out = String::new();
        if !self.term_into(word, mode, &mut out) {
            out.clear();
        }
        out
    }
}

/// What analysis makes of one surface word, in every mode.
struct CachedWord {
    /// Folded and repaired; empty when the word is not a token (too long, nothing left).
    fold: String,
    /// Whether the word as written is an initialism's plural (`ATMs`): its stem is the
    /// singular's.
    initialism: bool,
    /// The stem, made on first need: highlighting looks most words of a passage up only
    /// to see that no query word can be among them.
    stem: std::cell::OnceCell<String>,
    /// The name key, made on first need: most words are never looked up by it (only
    /// capitalised words of a passage are indexed by key, and only key-mode queries ask).
    key: std::cell::OnceCell<Option<(Script, String)>>,
}

impl CachedWord {
    fn stem(&self, stemmers: &Stemmers) -> &str {
        self.stem.get_or_init(|| {
            let mut stem = self.fold.clone();
            if self.initialism && stem.ends_with('s') {
                stem.pop();
            }
            stemmers.stem_in_place(&mut stem);
            stem
        })
    }

    fn key(&self, stemmers: &Stemmers) -> Option<&(Script, String)> {
        self.key
            .get_or_init(|| {
                match token_script(&self.fold) {
                    Some(Script::Cyrillic) => {
                        Some((Script::Cyrillic, key_of_cyrillic(self.stem(stemmers))))
                    }
                    Some(Script::Latin) => Some((Script::Latin, key_of_latin(&self.fold))),
                    _ => None,
                }
                .filter(|(_, k)| k.len() >= MIN_KEY_LEN)
            })
            .as_ref()
    }
}

/// Distinct words a thread's cache holds before it is emptied.
const CACHE_LIMIT: usize = 300_000;

thread_local! {
    /// Each indexing thread's analysed words. Word frequencies follow Zipf's law, so most
    /// words are repeats: a field costs a word scan and a hash lookup per word, and the
    /// four analysed fields of a passage share the work.
    static WORDS: std::cell::RefCell<FxHashMap<String, CachedWord>> = std::cell::RefCell::new(FxHashMap::default());
}

impl Analyzer {
    fn analyse_word(&self, raw: &str) -> CachedWord {
        let mut fold = String::with_capacity(raw.len());
        fold_into(raw, &mut fold);
        if too_long(&fold) {
            fold.clear();
        }
        repair(&mut fold);
        let initialism = initialism_singular(raw).is_some();
        CachedWord { fold, initialism, stem: Default::default(), key: Default::default() }
    }

    /// Calls `f` with the cached analysis of `raw`, analysing it on first sight.
    fn with_word<R>(&self, raw: &str, f: impl FnOnce(&CachedWord) -> R) -> R {
        WORDS.with(|cell| {
            let mut words = cell.borrow_mut();
            if let Some(word) = words.get(raw) {
                return f(word);
            }
            if words.len() >= CACHE_LIMIT {
                words.clear();
            }
            let word = self.analyse_word(raw);
            let out = f(&word);
            words.insert(raw.to_string(), word);
            out
        })
    }

    /// Calls `f` for every token of `text` with its folded form, its stem and (when
    /// `keys`) its name key as the index has them (capitalised words only): the tokens of [`Mode::Fold`] and
    /// [`Mode::Stem`], which are the same words at the same positions, in one pass and
    /// without allocating for a word seen before. A word whose folded form fails
    /// `stemmed` is given an empty stem, and is not stemmed: a stem begins with its word's
    /// first letter, so highlighting asks for the stems of the words that begin as a
    /// query word's stem does.
    pub fn for_each_word(
        &self,
        text: &str,
        keys: bool,
        stemmed: impl Fn(&str) -> bool,
        mut f: impl FnMut(&WordTerms<'_>),
    ) {
        let (mut fold, mut stem, mut key) = (String::new(), String::new(), String::new());
        let mut position = 0;
        for (start, end) in words(text) {
            // Copied out of the cache, so `f` may use the analyser too.
            let has_key = self.with_word(&text[start..end], |word| {
                if word.fold.is_empty() {
                    return None;
                }
                // As `passage_terms` indexes them: keys of capitalised words only.
                let indexed = keys && text[start..end].starts_with(char::is_uppercase);
                let k = if indexed { word.key(&self.stemmers) } else { None };
                let s = if stemmed(&word.fold) { word.stem(&self.stemmers) } else { "" };
                for (out, term) in [
                    (&mut fold, word.fold.as_str()),
                    (&mut stem, s),
                    (&mut key, k.map_or("", |(_, k)| k.as_str())),
                ] {
                    out.clear();
                    out.push_str(term);
                }
                Some(k.is_some())
            });
            let Some(has_key) = has_key else { continue };
            let key = has_key.then_some(key.as_str());
            f(&WordTerms { start, end, position, fold: &fold, stem: &stem, key });
            position += 1;
        }
    }

    /// Writes the term of `raw` in `mode` into `out`; false when the mode skips the word.
    fn term_into(&self, raw: &str, mode: Mode, out: &mut String) -> bool {
        self.with_word(raw, |word| {
            if word.fold.is_empty() {
                return false;
            }
            let term = match mode {
                Mode::Fold => &word.fold,
                Mode::Stem => word.stem(&self.stemmers),
                Mode::KeyOfCyrillic | Mode::KeyOfLatin => match (mode, word.key(&self.stemmers)) {
                    (Mode::KeyOfCyrillic, Some((Script::Cyrillic, k))) => k,
                    (Mode::KeyOfLatin, Some((Script::Latin, k))) => k,
                    _ => return false,
                },
            };
            out.clear();
            out.push_str(term);
            true
        })
    }

    /// Analyses a passage once for every field: each word is looked up a single time, and
    /// its stem, folded form and (for a capitalised word) name key are appended to the
    /// field's term list.
    pub fn passage_terms(&self, text: &str) -> PassageTerms {
        // A list of stems or folded forms is about as long as the text: made at its size,
        // not grown a dozen times.
        let mut out = PassageTerms {
            stem: String::with_capacity(text.len()),
            fold: String::with_capacity(text.len()),
            ..PassageTerms::default()
        };
        for (start, end) in words(text) {
            let raw = &text[start..end];
            self.with_word(raw, |word| {
                if word.fold.is_empty() {
                    return;
                }
                push_term(&mut out.stem, word.stem(&self.stemmers));
                push_term(&mut out.fold, &word.fold);
                // Name keys are for names, and names are capitalised in running text in both
                // languages: lower-case words are found by their stems instead.
                if !raw.starts_with(char::is_uppercase) {
                    return;
                }
                match word.key(&self.stemmers) {
                    Some((Script::Cyrillic, k)) => push_term(&mut out.key_cyr, k),
                    Some((Script::Latin, k)) => push_term(&mut out.key_lat, k),
                    _ => {}
                }
            });
        }
        out
    }

    /// The terms of `text` in `mode`, as a term list for [`TermsTokenizer`].
    pub fn joined_terms(&self, text: &str, mode: Mode) -> String {
        let mut out = String::new();
        let mut stream = TokStream::new(self, text, mode);
        while stream.advance() {
            push_term(&mut out, &stream.token().text);
        }
        out
    }
}

/// Separates the terms of a term list; no term contains it (terms are parts of words).
const TERM_SEPARATOR: u8 = b' ';

fn push_term(list: &mut String, term: &str) {
    if !list.is_empty() {
        list.push(char::from(TERM_SEPARATOR));
    }
    list.push_str(term);
}

/// A passage's index terms, field by field, each a list separated by spaces and in text
/// order. Analysis runs once, in the ingestion workers; tantivy's indexing threads only
/// split the lists ([`TermsTokenizer`]), so positions are the words' positions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassageTerms {
    /// Stems ([`Mode::Stem`]).
    pub stem: String,
    /// Folded forms ([`Mode::Fold`]).
    pub fold: String,
    /// Name keys of Cyrillic words ([`Mode::KeyOfCyrillic`]).
    pub key_cyr: String,
    /// Name keys of Latin words ([`Mode::KeyOfLatin`]).
    pub key_lat: String,
}

/// The tokenizer of every analysed index field: it reads a term list made by
/// [`Analyzer::passage_terms`] or [`Analyzer::joined_terms`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TermsTokenizer;

impl Tokenizer for TermsTokenizer {
    type TokenStream<'a> = TermsStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermsStream<'a> {
        TermsStream { text, at: 0, token: Token::default(), next_position: 0 }
    }
}

/// Token stream of [`TermsTokenizer`].
pub struct TermsStream<'a> {
    text: &'a str,
    at: usize,
    token: Token,
    next_position: usize,
}

impl TokenStream for TermsStream<'_> {
    fn advance(&mut self) -> bool {
        let bytes = self.text.as_bytes();
        let Some(start) =
            bytes[self.at..].iter().position(|&b| b != TERM_SEPARATOR).map(|i| self.at + i)
        else {
            self.at = bytes.len();
            return false;
        };
        let end = bytes[start..]
            .iter()
            .position(|&b| b == TERM_SEPARATOR)
            .map_or(bytes.len(), |i| start + i);
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.next_position;
        self.token.position_length = 1;
        self.next_position += 1;
        self.at = end;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Analyses text word by word, lazily ([`Analyzer::tokens`]).
pub struct TokStream<'a> {
    analyzer: &'a Analyzer,
    text: &'a str,
    words: Words<'a>,
    mode: Mode,
    token: Token,
    next_position: usize,
}

impl<'a> TokStream<'a> {
    fn new(analyzer: &'a Analyzer, text: &'a str, mode: Mode) -> TokStream<'a> {
        TokStream {
            analyzer,
            text,
            words: words(text),
            mode,
            token: Token::default(),
            next_position: 0,
        }
    }
}

impl TokenStream for TokStream<'_> {
    fn advance(&mut self) -> bool {
        for (start, end) in self.words.by_ref() {
            let token = &mut self.token;
            if !self.analyzer.term_into(&self.text[start..end], self.mode, &mut token.text) {
                continue;
            }
            token.offset_from = start;
            token.offset_to = end;
            token.position = self.next_position;
            token.position_length = 1;
            self.next_position += 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::test_util::assert_terms;

    #[test]
    fn a_stem_begins_with_its_word_s_first_letter() {
        // Highlighting stems only the words that begin as a query word's stem does.
        let a = Analyzer::shared();
        let words = "dying lying skies ATMs binNMUs 'tis y'all yelling Youth yeomanry ёлка Ёлкин \
            colours organisation analysed defences centres Ångström œuvre Œdipus straße \
            İstanbul ǅemal ﬁnance early only ugly gently idly news proceeding exceeding \
            generously communism universal arsenal ответственностями объявившиеся \
            Рапалльского ёжиков въезжающий ыкать йодированный";
        let mut seen = 0;
        a.for_each_word(
            words,
            false,
            |_| true,
            |w| {
                assert_eq!(
                    w.stem.chars().next(),
                    w.fold.chars().next(),
                    "{} -> {}",
                    w.fold,
                    w.stem
                );
                seen += 1;
            },
        );
        assert!(seen > 40);
    }

    #[test]
    fn one_pass_gives_the_tokens_of_every_mode() {
        let a = Analyzer::shared();
        let text = "Квиринал-Палас, wolframite's 12-й x; Ёлкин · Zwieback квиринал";
        let (stems, folds) = (a.tokens(text, Mode::Stem), a.tokens(text, Mode::Fold));
        let mut seen = Vec::new();
        a.for_each_word(
            text,
            true,
            |_| true,
            |w| {
                seen.push((w.start, w.end, w.position, w.stem.to_string(), w.fold.to_string()));
                // Keys as the index has them: of capitalised words only.
                let raw = &text[w.start..w.end];
                let key = a.term(raw, Mode::KeyOfCyrillic) + &a.term(raw, Mode::KeyOfLatin);
                let indexed = raw.starts_with(char::is_uppercase);
                assert_eq!(w.key.unwrap_or(""), if indexed { key.as_str() } else { "" }, "{raw}");
            },
        );
        let want: Vec<_> = stems
            .iter()
            .zip(&folds)
            .map(|(s, f)| (s.start, s.end, s.position, s.text.clone(), f.text.clone()))
            .collect();
        assert_eq!(seen, want);
    }

    #[test]
    fn stress_accents_do_not_split_words() {
        assert_terms(
            Mode::Fold,
            "Адо\u{301}льф Абра\u{301}мович Ио\u{301}ффе",
            &["адольф", "абрамович", "иоффе"],
        );
    }

    #[test]
    fn compounds_index_their_parts_at_consecutive_positions() {
        let toks = Analyzer::shared().tokens("германо-советские отношения", Mode::Stem);
        let got: Vec<(&str, usize)> = toks.iter().map(|t| (t.text.as_str(), t.position)).collect();
        assert_eq!(got, [("герма", 0), ("советск", 1), ("отношен", 2)]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "«Ёлки» Адо\u{301}льфа";
        let toks = Analyzer::shared().tokens(text, Mode::Fold);
        assert_eq!(&text[toks[0].start..toks[0].end], "Ёлки");
        assert_eq!(&text[toks[1].start..toks[1].end], "Адо\u{301}льфа");
        assert_eq!(toks[1].text, "адольфа");
    }

    #[test]
    fn cached_terms_are_the_terms() {
        // The same word twice, and in every mode: the cache answers as analysis would.
        let a = Analyzer::shared();
        let fresh = a.analyse_word("Штреземана");
        for _ in 0..2 {
            assert_eq!(
                a.tokens("Штреземана Stresemann's", Mode::Stem)[0].text,
                fresh.stem(&a.stemmers)
            );
            assert_eq!(a.tokens("Штреземана", Mode::Fold)[0].text, "штреземана");
            let key = fresh.key(&a.stemmers).map(|(_, k)| k.as_str());
            assert_eq!(
                a.tokens("Штреземана Stresemann's", Mode::KeyOfCyrillic)[0].text,
                key.unwrap()
            );
            assert_eq!(a.tokens("Штреземана Stresemann's", Mode::KeyOfLatin)[0].text, "streseman");
        }
    }

    #[test]
    fn passage_terms_are_each_modes_terms() {
        let a = Analyzer::shared();
        let text = "«Ёлки» Адо\u{301}льфа: Stresemann's Рапалльского договора, 1922 x-ray Moscow";
        let terms = a.passage_terms(text);
        let mut tokenizer = TermsTokenizer;
        let replay = |tokenizer: &mut TermsTokenizer, list: &str| {
            let mut stream = tokenizer.token_stream(list);
            let mut out = Vec::new();
            while stream.advance() {
                out.push((stream.token().text.clone(), stream.token().position));
            }
            out
        };
        for (mode, list) in [(Mode::Stem, &terms.stem), (Mode::Fold, &terms.fold)] {
            let expected: Vec<(String, usize)> =
                a.tokens(text, mode).into_iter().map(|t| (t.text, t.position)).collect();
            assert_eq!(replay(&mut tokenizer, list), expected, "{mode:?}");
        }
        // Name keys: of capitalised words only.
        for (mode, list) in
            [(Mode::KeyOfCyrillic, &terms.key_cyr), (Mode::KeyOfLatin, &terms.key_lat)]
        {
            let expected: Vec<String> = a
                .tokens(text, mode)
                .into_iter()
                .filter(|t| text[t.start..].starts_with(char::is_uppercase))
                .map(|t| t.text)
                .collect();
            let got: Vec<String> = replay(&mut tokenizer, list).into_iter().map(|t| t.0).collect();
            assert_eq!(got, expected, "{mode:?}");
        }
        // Адольфа and Рапалльского; Ёлки is too short, договора lower-case.
        assert_eq!(terms.key_cyr.split(' ').count(), 2, "{:?}", terms.key_cyr);
        assert_eq!(terms.key_lat, "streseman moskov");
        assert!(replay(&mut tokenizer, "").is_empty());
        assert!(replay(&mut tokenizer, "   ").is_empty());
    }

    #[test]
    fn overlong_runs_are_not_tokens() {
        let long = "a".repeat(500);
        assert_terms(Mode::Fold, &format!("x {long} y"), &["x", "y"]);
    }
}
