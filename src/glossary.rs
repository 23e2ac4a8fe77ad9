//! The bilingual glossary: a plain file users edit (`corpus/glossary.tsv`), one concept per
//! line, its terms separated by tabs, in any language: `League of Nations<TAB>Лига Наций`.
//! At query time a run of query words that is one of a concept's terms (compared by stems,
//! so `Лиге Наций` is `Лига Наций`) also matches the concept's other terms.

use std::path::Path;

use crate::abbreviations::Definition;
use crate::analysis::{Analyzer, Mode};

/// File name of the glossary inside the corpus folder.
pub const FILE_NAME: &str = "glossary.tsv";

/// One term of a concept: its text and the stems of its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term as written in the file.
    pub text: String,
    /// Its stems, in order.
    pub stems: Vec<String>,
}

/// The concepts of a glossary.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    concepts: Vec<Vec<Term>>,
    /// Concepts from here on are abbreviations the corpus defines, not the user's.
    learnt_from: Option<usize>,
}

/// A glossary term found in a query: words `start..end` are term `term` of `concept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// First query word.
    pub start: usize,
    /// One past the last query word.
    pub end: usize,
    /// The concept.
    pub concept: usize,
    /// Which of its terms the words are.
    pub term: usize,
}

impl Glossary {
    /// Parses glossary text. Lines with fewer than two terms are reported, not fatal.
    pub fn parse(text: &str) -> (Glossary, Vec<String>) {
        let analyzer = Analyzer::shared();
        let mut concepts = Vec::new();
        let mut problems = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let terms: Vec<Term> = line
                .split('\t')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Term {
                    text: t.to_string(),
                    stems: analyzer.tokens(t, Mode::Stem).into_iter().map(|tok| tok.text).collect(),
                })
                .filter(|t| !t.stems.is_empty())
                .collect();
            if terms.len() < 2 {
                problems.push(format!(
                    "{FILE_NAME} line {}: needs two or more tab-separated terms",
                    n + 1
                ));
                continue;
            }
            concepts.push(terms);
        }
        (Glossary { concepts, learnt_from: None }, problems)
    }

    /// Loads `glossary.tsv` from the corpus folder; no file is an empty glossary.
    pub fn load(corpus: &Path) -> (Glossary, Vec<String>) {
        match std::fs::read(corpus.join(FILE_NAME)) {
            Ok(bytes) => Glossary::parse(&String::from_utf8_lossy(&bytes)),
            Err(_) => (Glossary::default(), Vec::new()),
        }
    }

    /// This glossary and, after its concepts, one for each abbreviation in
    /// `definitions`: its short and its long form. The user's concepts come first, so
    /// they win where both have a term.
    pub fn with_abbreviations(&self, definitions: &[Definition]) -> Glossary {
        let analyzer = Analyzer::shared();
        let term = |text: &str| Term {
            text: text.to_string(),
            stems: analyzer.tokens(text, Mode::Stem).into_iter().map(|t| t.text).collect(),
        };
        let mut concepts = self.concepts.clone();
        let learnt_from = concepts.len();
        for d in definitions {
            let (short, long) = (term(&d.short), term(&d.long));
            if !short.stems.is_empty() && long.stems.len() > short.stems.len() {
                concepts.push(vec![short, long]);
            }
        }
        Glossary { concepts, learnt_from: Some(learnt_from) }
    }

    /// True for a concept that is an abbreviation the corpus defines.
    pub fn is_abbreviation(&self, concept: usize) -> bool {
        self.learnt_from.is_some_and(|n| concept >= n)
    }

    /// The terms of a concept.
    pub fn terms(&self, concept: usize) -> &[Term] {
        &self.concepts[concept]
    }

    /// The longest glossary term starting at query word `start`, if any. `words` holds
    /// each query word's stems: a hyphenated word has several (`Molotov-Ribbentrop`), and
    /// a term matches whole words whose stems, in order, are its own.
    pub fn find_at(&self, words: &[Vec<String>], start: usize) -> Option<Found> {
        let mut best: Option<Found> = None;
        for (concept, terms) in self.concepts.iter().enumerate() {
            for (term, t) in terms.iter().enumerate() {
                let Some(end) = covers(words, start, &t.stems) else { continue };
                if best.is_none_or(|b| end > b.end) {
                    best = Some(Found { start, end, concept, term });
                }
            }
        }
        best
    }
}

/// One past the last of the words from `start` whose stems, run together, are `stems`.
fn covers(words: &[Vec<String>], start: usize, stems: &[String]) -> Option<usize> {
    let (mut end, mut at) = (start, 0);
    while at < stems.len() {
        let word = words.get(end)?;
        if word.is_empty() || stems.get(at..at + word.len())? != &word[..] {
            return None;
        }
        at += word.len();
        end += 1;
    }
    (end > start).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each word's stems.
    fn stems(q: &str) -> Vec<Vec<String>> {
        let analyzer = Analyzer::shared();
        let stems = |w: &str| analyzer.tokens(w, Mode::Stem).into_iter().map(|t| t.text).collect();
        q.split(' ').map(stems).collect()
    }

    #[test]
    fn finds_terms_in_any_inflection() {
        let (g, problems) = Glossary::parse("# comment\nLeague of Nations\tЛига Наций\nLeague\n\nTreaty of Berlin\tБерлинский договор\n");
        assert_eq!(problems, ["glossary.tsv line 3: needs two or more tab-separated terms"]);
        let q = stems("Лиге Наций 1926");
        let found = g.find_at(&q, 0).unwrap();
        assert_eq!((found.start, found.end, found.term), (0, 2, 1));
        assert_eq!(g.terms(found.concept)[0].text, "League of Nations");
        assert!(g.find_at(&q, 1).is_none());
        let q = stems("the treaties of Berlin");
        assert_eq!(g.find_at(&q, 1).map(|f| f.end), Some(4));
    }

    #[test]
    fn a_hyphenated_word_is_as_its_parts() {
        let (g, _) = Glossary::parse("Moth-Sieve Pact\tпакт Моли и Сита\n");
        for q in ["the Moth-Sieve Pact", "the Moth Sieve pacts", "the moth–sieve pact"] {
            let found = g.find_at(&stems(q), 1);
            assert_eq!(found.map(|f| (f.end, f.term)), Some((q.split(' ').count(), 0)), "{q}");
        }
        // Part of a hyphenated word is no match.
        assert!(g.find_at(&stems("Moth-Sieve-Quern Pact"), 0).is_none());
    }
}
