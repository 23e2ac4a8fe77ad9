//! Exact-form phrases (`="secret protocol"`) without positions in the exact-form field.
//!
//! Only these phrases need the positions of folded forms, and they are rare, while
//! positions for every word of the `exact` field cost about 5% of a build and 8% of the
//! index (100 MB bench corpus).
//! So the `exact` field keeps frequencies only: the passages that hold the phrase in some
//! form (the stems' phrase on `body`, whose positions are the same words') and every form
//! typed (`exact` terms) are the candidates. Where every word of a stem is in the form
//! typed (the form's frequency in the passage is the stem's), the stems' phrase is the
//! phrase typed; only the other candidates' stored text is read, and the folded forms
//! matched in order, as highlighting marks them. A passage is found exactly when its text
//! shows the phrase, and `="of the"` reads no text.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::store::StoreReader;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyDocument, Term, TERMINATED};

use super::highlight::phrase_matches;
use crate::analysis::{Analyzer, Mode};

/// Passages of `candidates` whose stored `text` holds `terms` (folded forms) in order,
/// with at most `slop` words between them in all. Scores are the candidates'.
#[derive(Debug)]
pub struct ExactPhrase {
    candidates: Box<dyn Query>,
    phrase: Phrase,
    /// Each word's (stem on `body`, folded form on `exact`), when the frequencies can
    /// vouch for a candidate.
    forms: Vec<(Term, Term)>,
}

impl ExactPhrase {
    /// `candidates` must match every passage holding the phrase, `forms` pair each
    /// word's stem term and folded-form term.
    pub fn new(
        candidates: Box<dyn Query>,
        text: Field,
        terms: Vec<String>,
        slop: u32,
        forms: Vec<(Term, Term)>,
    ) -> Self {
        // The stems' phrase is the one typed only if it stands at the same places: no
        // slop (a sloppy phrase may match words in another order), and one form per stem.
        let one_form = forms.iter().all(|(s, f)| forms.iter().all(|(s2, f2)| s != s2 || f == f2));
        let forms = if slop == 0 && one_form { forms } else { Vec::new() };
        ExactPhrase { candidates, phrase: Phrase { text, terms, slop }, forms }
    }
}

impl Clone for ExactPhrase {
    fn clone(&self) -> ExactPhrase {
        ExactPhrase {
            candidates: self.candidates.box_clone(),
            phrase: self.phrase.clone(),
            forms: self.forms.clone(),
        }
    }
}

impl Query for ExactPhrase {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExactPhraseWeight {
            candidates: self.candidates.weight(enable_scoring)?,
            phrase: self.phrase.clone(),
            forms: self.forms.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.candidates.query_terms(visitor);
    }
}

/// What a candidate's text must show.
#[derive(Debug, Clone)]
struct Phrase {
    text: Field,
    terms: Vec<String>,
    slop: u32,
}

impl Phrase {
    /// Whether the stored passage `doc` shows the phrase; a passage that cannot be read
    /// does not (it is never shown either).
    fn in_passage(&self, store: &StoreReader, doc: DocId) -> bool {
        let Ok(stored) = store.get::<TantivyDocument>(doc) else { return false };
        let Some(text) = stored.get_first(self.text).and_then(|v| v.as_str()) else {
            return false;
        };
        let folds = Analyzer::shared().tokens(text, Mode::Fold);
        !phrase_matches(&folds, &self.terms, self.slop).is_empty()
    }
}

struct ExactPhraseWeight {
    candidates: Box<dyn Weight>,
    phrase: Phrase,
    forms: Vec<(Term, Term)>,
}

impl Weight for ExactPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let candidates = self.candidates.scorer(reader, boost)?;
        let postings = |term: &Term| -> tantivy::Result<Option<SegmentPostings>> {
            let inverted = reader.inverted_index(term.field())?;
            Ok(inverted.read_postings(term, IndexRecordOption::WithFreqs)?)
        };
        let mut counts = Vec::new();
        for (stem, form) in &self.forms {
            let (Some(stem), Some(form)) = (postings(stem)?, postings(form)?) else {
                // A word of the phrase is not in this segment: no candidate either.
                counts.clear();
                break;
            };
            counts.push((stem, form));
        }
        // One block cached: candidates come in document order.
        let store = reader.get_store_reader(1)?;
        let phrase = self.phrase.clone();
        let mut scorer = ExactPhraseScorer { candidates, counts, store, phrase };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let store = reader.get_store_reader(1)?;
        if !self.phrase.in_passage(&store, doc) {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        self.candidates.explain(reader, doc)
    }
}

struct ExactPhraseScorer {
    candidates: Box<dyn Scorer>,
    /// Postings of each word's stem and form, when they can vouch for a candidate.
    counts: Vec<(SegmentPostings, SegmentPostings)>,
    store: StoreReader,
    phrase: Phrase,
}

impl ExactPhraseScorer {
    /// Moves on from the current candidate to the first that shows the phrase.
    fn settle(&mut self) -> DocId {
        let mut doc = self.candidates.doc();
        while doc != TERMINATED && !self.shows_phrase(doc) {
            doc = self.candidates.advance();
        }
        doc
    }

    /// Whether candidate `doc` shows the phrase: certainly when each stem of it is only
    /// ever in the form typed, else as its text says.
    fn shows_phrase(&mut self, doc: DocId) -> bool {
        let vouched = !self.counts.is_empty()
            && self.counts.iter_mut().all(|(stem, form)| {
                stem.seek(doc) == doc
                    && form.seek(doc) == doc
                    && stem.term_freq() == form.term_freq()
            });
        vouched || self.phrase.in_passage(&self.store, doc)
    }
}

impl DocSet for ExactPhraseScorer {
    fn advance(&mut self) -> DocId {
        self.candidates.advance();
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.candidates.seek(target);
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.candidates.doc()
    }

    fn size_hint(&self) -> u32 {
        self.candidates.size_hint()
    }

    fn cost(&self) -> u64 {
        self.candidates.cost()
    }
}

impl Scorer for ExactPhraseScorer {
    fn score(&mut self) -> Score {
        self.candidates.score()
    }
}
