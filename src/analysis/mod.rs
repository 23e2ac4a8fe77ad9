//! Analysis: text → index terms, the same at index and at query time. Three stages, one
//! file each: `fold` (case, ё→е, combining marks such as stress accents dropped before
//! words are split), `words` (Unicode word boundaries; hyphenated compounds become their
//! parts at consecutive positions), `stem` (Russian Snowball for Cyrillic tokens, English
//! for Latin ones, whatever the passage's language). `translit` makes cross-script name
//! keys (`Казань`, `Kazan` → `kasan`). `tokenizer` runs them over whole texts, for the
//! index (term lists read back by tantivy) and for queries and highlighting.

mod derive;
mod fold;
mod spelling;
mod stem;
mod tokenizer;
mod translit;
mod words;

pub use derive::Family as RussianFamily;
pub use fold::{fold_into, repair};
pub use tokenizer::{
    too_long, Analyzer, Mode, PassageTerms, TermsTokenizer, Tok, MAX_TOKEN_BYTES, MIN_KEY_LEN,
};
pub use translit::{key_of_cyrillic, key_of_latin, keys_meet};
pub use words::words;

/// Name under which [`TermsTokenizer`] is registered with tantivy, for every analysed field.
pub const TERMS_TOKENIZER: &str = "quelle_terms";
/// Words too common to require: they still score, and still count inside phrases.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of",
    "on", "or", "the", "to", "was", "were", "with", "в", "во", "и", "к", "на", "о", "об", "от",
    "по", "с", "со", "у", "за", "из", "для", "что", "как", "а", "но", "же", "не",
];

/// Bumped whenever analysis changes what is indexed: an index with another version is rebuilt.
pub const ANALYZER_VERSION: u32 = 9;

#[cfg(test)]
pub(crate) mod test_util {
    use super::{Analyzer, Mode};

    /// Asserts the terms the analyzer makes of `text` in `mode`.
    pub fn assert_terms(mode: Mode, text: &str, expected: &[&str]) {
        let terms: Vec<String> =
            Analyzer::shared().tokens(text, mode).into_iter().map(|t| t.text).collect();
        assert_eq!(terms, expected, "analysing {text:?}");
    }
}
