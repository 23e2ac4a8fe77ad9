//! The tantivy side of analysis: one tokenizer type in two modes, `Stem` for the main body
//! field and `Fold` for the exact-form field. The token stream walks the text lazily and
//! rewrites one reused `Token`, as tantivy's own filters do; offsets always point into the
//! original text, so highlighting marks exactly the words that matched.

use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::fold::{fold_into, repair};
use super::stem::{token_script, Stemmers};
use super::translit::{key_of_cyrillic, key_of_latin};
use super::words::{words, Words};
use crate::lang::Script;

/// Longest token indexed, in bytes; longer runs are not words (URLs, base64, DNA).
const MAX_TOKEN_BYTES: usize = 120;

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
    stem: String,
    key: Option<(Script, String)>,
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
        if fold.len() > MAX_TOKEN_BYTES {
            fold.clear();
        }
        repair(&mut fold);
        let mut stem = fold.clone();
        self.stemmers.stem_in_place(&mut stem);
        let key = match token_script(&fold) {
            Some(Script::Cyrillic) => Some((Script::Cyrillic, key_of_cyrillic(&stem))),
            Some(Script::Latin) => Some((Script::Latin, key_of_latin(&fold))),
            _ => None,
        }
        .filter(|(_, k)| k.len() >= MIN_KEY_LEN);
        CachedWord { fold, stem, key }
    }

    /// Writes the term of `raw` in `mode` into `out`; false when the mode skips the word.
    fn term_into(&self, raw: &str, mode: Mode, out: &mut String) -> bool {
        WORDS.with(|cell| {
            let mut words = cell.borrow_mut();
            if !words.contains_key(raw) {
                if words.len() >= CACHE_LIMIT {
                    words.clear();
                }
                words.insert(raw.to_string(), self.analyse_word(raw));
            }
            let word = &words[raw];
            if word.fold.is_empty() {
                return false;
            }
            let term = match (mode, &word.key) {
                (Mode::Fold, _) => &word.fold,
                (Mode::Stem, _) => &word.stem,
                (Mode::KeyOfCyrillic, Some((Script::Cyrillic, k))) => k,
                (Mode::KeyOfLatin, Some((Script::Latin, k))) => k,
                _ => return false,
            };
            out.clear();
            out.push_str(term);
            true
        })
    }
}

/// The tantivy tokenizer.
#[derive(Clone)]
pub struct QuelleTokenizer {
    analyzer: Arc<Analyzer>,
    mode: Mode,
}

impl QuelleTokenizer {
    /// A tokenizer in the given mode.
    pub fn new(mode: Mode) -> QuelleTokenizer {
        QuelleTokenizer { analyzer: Analyzer::shared(), mode }
    }
}

impl Tokenizer for QuelleTokenizer {
    type TokenStream<'a> = TokStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> TokStream<'a> {
        TokStream::new(&self.analyzer, text, self.mode)
    }
}

/// Token stream of [`QuelleTokenizer`].
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
            assert_eq!(a.tokens("Штреземана Stresemann's", Mode::Stem)[0].text, fresh.stem);
            assert_eq!(a.tokens("Штреземана", Mode::Fold)[0].text, "штреземана");
            let key = fresh.key.as_ref().map(|(_, k)| k.as_str());
            assert_eq!(
                a.tokens("Штреземана Stresemann's", Mode::KeyOfCyrillic)[0].text,
                key.unwrap()
            );
            assert_eq!(a.tokens("Штреземана Stresemann's", Mode::KeyOfLatin)[0].text, "streseman");
        }
    }

    #[test]
    fn overlong_runs_are_not_tokens() {
        let long = "a".repeat(500);
        assert_terms(Mode::Fold, &format!("x {long} y"), &["x", "y"]);
    }
}
