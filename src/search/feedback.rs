//! Feedback across languages: passages of the other language that share rare words with
//! the best hits in the query's language. A translated source keeps what no dictionary
//! translates (commands, file names, numbers, names, addresses), so the translation of a
//! passage that answers the query shares its rarest words; a dictionary cannot know the
//! words of a field (`upload`), the passages it answered can. This is pseudo-relevance
//! feedback, the standard complement of dictionary translation in cross-language search.

use std::collections::{HashMap, HashSet};

use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Score, Searcher, Term};

use super::Hit;
use crate::analysis::{Analyzer, Mode};
use crate::index::Fields;

/// Best hits of the query's language that feedback reads.
pub const FEEDBACK_HITS: usize = 3;
/// Rarest shared words taken from each.
const WORDS_PER_HIT: usize = 8;
/// Shared words a related passage must have.
const MIN_SHARED: usize = 2;
/// A word in more than this share of passages says nothing of any one.
const MAX_DOC_SHARE: f64 = 0.02;

/// The rare words of `hits` that a passage in `other` may share: words found in at least
/// two passages and in few, at least three characters long; in a Russian passage only
/// those written in Latin letters or digits (an English passage shares those, not Russian
/// words).
fn shared_words(
    searcher: &Searcher,
    fields: Fields,
    hits: &[&Hit],
    other: &str,
    skip: &HashSet<String>,
) -> Vec<String> {
    let analyzer = Analyzer::shared();
    let max_df = ((searcher.num_docs() as f64 * MAX_DOC_SHARE) as u32).max(3);
    let mut out: Vec<String> = Vec::new();
    // Each word's passages, looked up once: a hit repeats its words, hits share them.
    let mut doc_freqs: HashMap<String, u32> = HashMap::new();
    for hit in hits {
        let mut words: Vec<(u32, String)> = Vec::new();
        for tok in analyzer.tokens(&hit.text, Mode::Stem) {
            let t = tok.text;
            let latin_or_digit = t.chars().all(|c| c.is_ascii_alphanumeric());
            if t.chars().count() < 3
                || skip.contains(&t)
                || (other == "en" && !latin_or_digit)
                || words.iter().any(|(_, w)| *w == t)
            {
                continue;
            }
            let df = match doc_freqs.get(&t) {
                Some(&df) => df,
                None => {
                    let df = super::doc_freq(searcher, fields.body, &t);
                    doc_freqs.insert(t.clone(), df);
                    df
                }
            };
            if (2..=max_df).contains(&df) {
                words.push((df, t));
            }
        }
        words.sort();
        for (_, w) in words.into_iter().take(WORDS_PER_HIT) {
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

/// Passages in language `other` sharing at least `MIN_SHARED` rare words with the best
/// hits, best first, at most `limit`. `skip` holds the query's own stems (they are
/// searched already).
pub fn related(
    searcher: &Searcher,
    fields: Fields,
    best: &[&Hit],
    other: &str,
    skip: &HashSet<String>,
    limit: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let words = shared_words(searcher, fields, best, other, skip);
    if words.len() < MIN_SHARED {
        return Ok(Vec::new());
    }
    let terms: Vec<Box<dyn Query>> = words
        .iter()
        .map(|w| {
            Box::new(TermQuery::new(
                Term::from_field_text(fields.body, w),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>
        })
        .collect();
    // Every word is rare, and any two make a candidate: read a window at a time.
    let shared = super::at_least::AtLeast::new(terms, MIN_SHARED);
    let lang = TermQuery::new(Term::from_field_text(fields.lang, other), IndexRecordOption::Basic);
    let query = BooleanQuery::new(vec![
        (Occur::Must, Box::new(lang) as Box<dyn Query>),
        (Occur::Must, Box::new(shared)),
    ]);
    // Equal scores by tie key, whatever the segments.
    let found = searcher.search(&query, &super::top::Top::by_score(limit))?;
    Ok(found.into_iter().map(|((score, _), address)| (score, address)).collect())
}
