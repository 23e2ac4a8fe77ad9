//! A word's translations, or its forms and derivatives, as one term (Pirkola's synonym
//! operator, weighted as probabilistic structured queries weigh it): a passage's frequency
//! is the weighted sum of the terms' frequencies, the group's document frequency the
//! weighted sum of theirs, and BM25 scores that one term. A passage about porting, full of
//! `port`, `porting` and `porters`, then outranks one that mentions a rare sense
//! (`transfer`) once: scored one by one, the rarer sense won on its idf alone.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::side_by_side::SideBySide;

/// BM25's parameters, as tantivy's.
const K1: Score = 1.2;
const B: Score = 0.75;

/// Terms of one field that count as one: each with its weight (1 for the likeliest).
#[derive(Clone, Debug)]
pub struct Synonyms {
    field: Field,
    terms: Vec<(Term, Score)>,
}

impl Synonyms {
    /// `terms` of `field` with their weights in (0, 1].
    pub fn new(field: Field, terms: Vec<(String, Score)>) -> Synonyms {
        let terms = terms.into_iter().map(|(t, w)| (Term::from_field_text(field, &t), w)).collect();
        Synonyms { field, terms }
    }
}

impl Query for Synonyms {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let scoring = match enable_scoring {
            EnableScoring::Enabled { statistics_provider: stats, .. } => {
                let docs = stats.total_num_docs()?.max(1);
                let average = stats.total_num_tokens(self.field)? as Score / docs as Score;
                let mut df: Score = 0.0;
                for (term, weight) in &self.terms {
                    df += weight * stats.doc_freq(term)? as Score;
                }
                let df = df.min(docs as Score);
                let idf = (1.0 + (docs as Score - df + 0.5) / (df + 0.5)).ln();
                let mut norms = [0.0; 256];
                for (id, norm) in norms.iter_mut().enumerate() {
                    let length = FieldNormReader::id_to_fieldnorm(id as u8) as Score;
                    *norm = K1 * (1.0 - B + B * length / average.max(Score::EPSILON));
                }
                Some(Scoring { idf, norms: Arc::new(norms) })
            }
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(SynonymsWeight { field: self.field, terms: self.terms.clone(), scoring }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in &self.terms {
            visitor(term, false);
        }
    }
}

/// The group's idf and BM25's length factor for each encoded passage length.
struct Scoring {
    idf: Score,
    norms: Arc<[Score; 256]>,
}

struct SynonymsWeight {
    field: Field,
    terms: Vec<(Term, Score)>,
    scoring: Option<Scoring>,
}

impl Weight for SynonymsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let index = reader.inverted_index(self.field)?;
        let option = match self.scoring {
            Some(_) => IndexRecordOption::WithFreqs,
            None => IndexRecordOption::Basic,
        };
        let mut postings = Vec::new();
        let mut weights = Vec::new();
        for (term, weight) in &self.terms {
            if let Some(p) = index.read_postings(term, option)? {
                if p.doc() != TERMINATED {
                    postings.push(p);
                    weights.push(*weight);
                }
            }
        }
        if postings.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let scoring = match &self.scoring {
            Some(s) => Some((
                reader.get_fieldnorms_reader(self.field)?,
                s.idf * boost * (1.0 + K1),
                s.norms.clone(),
            )),
            None => None,
        };
        Ok(Box::new(SynonymsScorer {
            lists: SideBySide::new(postings, reader.max_doc()),
            weights,
            scoring,
            run: 0,
            window: None,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation =
            Explanation::new("synonyms: BM25 of their weighted frequencies", scorer.score());
        if let Some(s) = &self.scoring {
            explanation.add_const("idf of their weighted document frequencies", s.idf);
        }
        Ok(explanation)
    }
}

/// Advances in a row after which the union is taken to be read in order (not seeked by
/// an intersection) and reads a window of documents at a time.
const RUN: u32 = 32;

/// Documents in a window read in order.
const WINDOW: usize = 4096;

/// The union of the synonyms' postings. Seeked, each list stays where it is and only
/// those behind the target move; read in order, it sums a window of documents' counts
/// list by list (as tantivy's own union does), which is far cheaper per document.
struct SynonymsScorer {
    /// The posting lists, each where it is; past the window when reading in order.
    lists: SideBySide<SegmentPostings>,
    weights: Vec<Score>,
    /// Passage lengths, idf × boost × (1 + k1), and the length factors; none when not
    /// scoring.
    scoring: Option<(FieldNormReader, Score, Arc<[Score; 256]>)>,
    /// Advances in a row since the last seek.
    run: u32,
    /// The window being read in order, if any.
    window: Option<Box<Window>>,
}

/// Weighted counts of the documents from `start` on, and which of them match.
struct Window {
    start: DocId,
    counts: [Score; WINDOW],
    matches: [u64; WINDOW / 64],
}

impl Window {
    /// The first matching document at or after `offset` in the window.
    fn next_from(&self, offset: usize) -> Option<DocId> {
        let mut word = offset / 64;
        if word >= self.matches.len() {
            return None;
        }
        let mut bits = self.matches[word] & (u64::MAX << (offset % 64));
        loop {
            if bits != 0 {
                return Some(self.start + (word * 64) as DocId + bits.trailing_zeros());
            }
            word += 1;
            bits = *self.matches.get(word)?;
        }
    }
}

impl SynonymsScorer {
    /// Reads the window of documents from `start` (every list at or past it), moving each
    /// list past the window; the first matching document.
    fn fill(&mut self, start: DocId) -> DocId {
        if start == TERMINATED {
            self.window = None;
            return TERMINATED;
        }
        let window = self.window.get_or_insert_with(|| {
            Box::new(Window { start, counts: [0.0; WINDOW], matches: [0; WINDOW / 64] })
        });
        window.start = start;
        window.counts.fill(0.0);
        window.matches.fill(0);
        let end = start.saturating_add(WINDOW as DocId);
        let counting = self.scoring.is_some();
        let lists = &mut self.lists;
        for ((postings, doc), weight) in
            lists.sets.iter_mut().zip(&mut lists.docs).zip(&self.weights)
        {
            while *doc < end {
                let offset = (*doc - start) as usize;
                window.counts[offset] +=
                    if counting { weight * postings.term_freq() as Score } else { 1.0 };
                window.matches[offset / 64] |= 1 << (offset % 64);
                *doc = postings.advance();
            }
        }
        window.next_from(0).unwrap_or(TERMINATED)
    }

    /// The next matching document at or after `target`, reading in order.
    fn next_in_order(&mut self, target: DocId) -> DocId {
        if let Some(w) = &self.window {
            if let Some(doc) = w.next_from((target - w.start) as usize) {
                return doc;
            }
        }
        // Every list is past the window: the next window starts at the first of them.
        let next = self.lists.docs.iter().copied().min().unwrap_or(TERMINATED);
        self.fill(next)
    }

    fn reading(&self) -> bool {
        self.window.is_some()
    }
}

impl DocSet for SynonymsScorer {
    fn advance(&mut self) -> DocId {
        if self.reading() {
            self.lists.doc = self.next_in_order(self.lists.doc + 1);
            return self.lists.doc;
        }
        let next = self.lists.advance();
        self.run += 1;
        if self.run >= RUN {
            self.lists.doc = self.fill(next);
        }
        self.lists.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.lists.doc >= target {
            return self.lists.doc;
        }
        if let Some(w) = &self.window {
            if target < w.start.saturating_add(WINDOW as DocId) {
                self.lists.doc = self.next_in_order(target);
                return self.lists.doc;
            }
            // Far ahead: back to seeking, each list from past the window.
            self.window = None;
        }
        self.run = 0;
        self.lists.seek(target)
    }

    fn doc(&self) -> DocId {
        self.lists.doc
    }

    fn size_hint(&self) -> u32 {
        self.lists.size_hint()
    }

    fn cost(&self) -> u64 {
        self.lists.cost()
    }
}

impl Scorer for SynonymsScorer {
    fn score(&mut self) -> Score {
        let Some((lengths, scale, norms)) = &self.scoring else {
            return 1.0;
        };
        let current = self.lists.doc;
        let tf = match &self.window {
            Some(w) => w.counts[(current - w.start) as usize],
            None => {
                let mut tf: Score = 0.0;
                let lists = &self.lists;
                for ((postings, &doc), weight) in
                    lists.sets.iter().zip(&lists.docs).zip(&self.weights)
                {
                    if doc == current {
                        tf += weight * postings.term_freq() as Score;
                    }
                }
                tf
            }
        };
        let norm = norms[usize::from(lengths.fieldnorm_id(current))];
        scale * tf / (tf + norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::side_by_side::walk_alike;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{doc, DocAddress, Index, Searcher};

    /// Documents of words of neither corpus: `heron` common, `egret` rare; both mean the
    /// same bird here.
    fn index(texts: &[&str]) -> (Searcher, Field) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for t in texts {
            writer.add_document(doc!(body => *t)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), body)
    }

    fn term(field: Field, word: &str, option: IndexRecordOption) -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, word), option))
    }

    /// tantivy's own union of the words' term queries.
    fn union_of(field: Field, words: &[&str], option: IndexRecordOption) -> BooleanQuery {
        BooleanQuery::new(words.iter().map(|w| (Occur::Should, term(field, w, option))).collect())
    }

    /// `n` texts, the `i`th holding `heron`, `egret` and `bittern` (`k` = 0, 1, 2)
    /// `times(i, k)` times each.
    fn birds(n: usize, times: impl Fn(usize, usize) -> usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let mut t = String::from("reeds");
                for (k, w) in ["heron", "egret", "bittern"].iter().enumerate() {
                    for _ in 0..times(i, k) {
                        t.push(' ');
                        t.push_str(w);
                    }
                }
                t
            })
            .collect()
    }

    fn ranked(searcher: &Searcher, query: &dyn Query) -> Vec<(Score, DocAddress)> {
        searcher.search(query, &TopDocs::with_limit(100).order_by_score()).unwrap()
    }

    /// One synonym of weight 1 scores as tantivy's own term query.
    #[test]
    fn one_synonym_scores_as_its_term() {
        let (searcher, body) =
            index(&["heron reeds", "heron heron marsh water", "marsh", "a heron by the weir"]);
        let ours = Synonyms::new(body, vec![("heron".into(), 1.0)]);
        let theirs = term(body, "heron", IndexRecordOption::WithFreqs);
        let (a, b) = (ranked(&searcher, &ours), ranked(&searcher, theirs.as_ref()));
        assert_eq!(a.len(), 3);
        for ((sa, da), (sb, db)) in a.iter().zip(&b) {
            assert_eq!(da, db);
            assert!((sa - sb).abs() < 1e-5, "{sa} {sb}");
        }
    }

    /// A passage about the thing, naming it often in its common word, outranks one that
    /// names it once in a rare word: the synonyms share one idf, and their counts add up.
    #[test]
    fn counts_add_up_and_a_rare_synonym_gains_nothing_from_its_rarity() {
        let mut texts = vec!["heron heron wades where the heron nests"; 1];
        texts.extend(["the egret stood there"; 1]);
        texts.extend(["a heron flew"; 30]);
        texts.extend(["reeds and water"; 30]);
        let (searcher, body) = index(&texts);
        let group = Synonyms::new(body, vec![("heron".into(), 1.0), ("egret".into(), 1.0)]);
        let top = ranked(&searcher, &group);
        assert_eq!(top.len(), 32);
        assert_eq!(top[0].1.doc_id, 0, "{top:?}");
        let egret = top.iter().position(|(_, d)| d.doc_id == 1).unwrap();
        assert!(egret > 0);
        // Scored one by one, the rare word wins.
        let apart = union_of(body, &["heron", "egret"], IndexRecordOption::WithFreqs);
        assert_eq!(ranked(&searcher, &apart)[0].1.doc_id, 1);
    }

    /// A weaker sense counts for less, both in a passage and in the group's rarity.
    #[test]
    fn a_weak_sense_counts_less() {
        let (searcher, body) = index(&["heron", "egret", "reeds", "reeds"]);
        let group = Synonyms::new(body, vec![("heron".into(), 1.0), ("egret".into(), 0.3)]);
        let top = ranked(&searcher, &group);
        assert_eq!(top.iter().map(|(_, d)| d.doc_id).collect::<Vec<_>>(), [0, 1]);
        assert!(top[1].0 < top[0].0 * 0.6, "{top:?}");
    }

    /// Inside an intersection, seeks land on the same passages as tantivy's union.
    #[test]
    fn matches_what_the_union_of_its_terms_matches() {
        let texts = birds(5_000, |i, k| usize::from((i * (k + 3)) % (7 + k * 4) == 0));
        let texts: Vec<String> = texts
            .into_iter()
            .enumerate()
            .map(|(i, t)| if i % 5 == 0 { t + " weir" } else { t })
            .collect();
        let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
        let (searcher, body) = index(&refs);
        let words = ["heron", "egret", "bittern"];
        let with_weir = |q: Box<dyn Query>| {
            let weir = term(body, "weir", IndexRecordOption::Basic);
            BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, weir)])
        };
        let union = union_of(body, &words, IndexRecordOption::Basic);
        let group = Synonyms::new(body, words.iter().map(|w| (w.to_string(), 0.5)).collect());
        let docs = |q: &dyn Query| {
            let mut d: Vec<u32> = ranked_all(&searcher, q);
            d.sort();
            d
        };
        let (ours, theirs) = (with_weir(Box::new(group)), with_weir(Box::new(union)));
        assert!(searcher.search(&ours, &Count).unwrap() > 100);
        assert_eq!(docs(&ours), docs(&theirs));
    }

    /// Any mix of advances and seeks, near and far, lands where tantivy's union lands,
    /// and scores as a scorer that only seeks, whether reading a window or not.
    #[test]
    fn advances_and_seeks_land_and_score_alike_in_either_mode() {
        let texts = birds(30_000, |i, k| ((i * (k + 3)) % (5 + k * 4)) / 3);
        let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
        let (searcher, body) = index(&refs);
        let segment = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let words = ["heron", "egret", "bittern"];
        let group = Synonyms::new(body, words.iter().map(|w| (w.to_string(), 0.6)).collect());
        let union = union_of(body, &words, IndexRecordOption::Basic);
        let weight = group.weight(scoring).unwrap();
        let mut a = union.weight(scoring).unwrap().scorer(segment, 1.0).unwrap();
        let mut b = weight.scorer(segment, 1.0).unwrap();
        let steps = walk_alike(a.as_mut(), b.as_mut(), 54_321, 60, (4_096, 2_000), |_, b| {
            let mut alone = weight.scorer(segment, 1.0).unwrap();
            alone.seek(b.doc());
            assert!((alone.score() - b.score()).abs() < 1e-5, "doc {}", b.doc());
        });
        assert!(steps > 50, "{steps}");
    }

    fn ranked_all(searcher: &Searcher, query: &dyn Query) -> Vec<u32> {
        let top = searcher.search(query, &TopDocs::with_limit(10_000).order_by_score()).unwrap();
        top.into_iter().map(|(_, d)| d.doc_id).collect()
    }
}
