//! A word's translations as one term (Pirkola's synonym operator, weighted as probabilistic
//! structured queries weigh it): a passage's frequency is the weighted sum of the
//! translations' frequencies, the group's document frequency the weighted sum of theirs,
//! and BM25 scores that one term. A passage about porting, full of `port`, `porting` and
//! `porters`, then outranks one that mentions a rare sense (`transfer`) once: scored one
//! by one, the rarer sense wins on its idf alone.

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

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
        let docs: Vec<DocId> = postings.iter().map(|p| p.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        Ok(Box::new(SynonymsScorer {
            postings,
            weights,
            docs,
            doc,
            scoring,
            num_docs: reader.max_doc(),
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

/// The union of the synonyms' postings, each positioned where it is.
struct SynonymsScorer {
    postings: Vec<SegmentPostings>,
    weights: Vec<Score>,
    /// Each posting list's document (read back only when it moves).
    docs: Vec<DocId>,
    doc: DocId,
    /// Passage lengths, idf × boost × (1 + k1), and the length factors; none when not
    /// scoring.
    scoring: Option<(FieldNormReader, Score, Arc<[Score; 256]>)>,
    num_docs: u32,
}

impl DocSet for SynonymsScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        let mut next = TERMINATED;
        for (postings, doc) in self.postings.iter_mut().zip(&mut self.docs) {
            if *doc == current {
                *doc = postings.advance();
            }
            next = next.min(*doc);
        }
        self.doc = next;
        next
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut next = TERMINATED;
        for (postings, doc) in self.postings.iter_mut().zip(&mut self.docs) {
            if *doc < target {
                *doc = postings.seek(target);
            }
            next = next.min(*doc);
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    /// As tantivy estimates a union: the chance that a document is in none of the lists,
    /// each taken at 0.8 of its share (words cluster).
    fn size_hint(&self) -> u32 {
        let n = f64::from(self.num_docs.max(1));
        let none =
            self.postings.iter().map(|p| 1.0 - f64::from(p.size_hint()) / n * 0.8).product::<f64>();
        (n * (1.0 - none)).round().min(n) as u32
    }

    fn cost(&self) -> u64 {
        self.postings.iter().map(|p| u64::from(p.size_hint())).sum()
    }
}

impl Scorer for SynonymsScorer {
    fn score(&mut self) -> Score {
        let Some((lengths, scale, norms)) = &self.scoring else {
            return 1.0;
        };
        let mut tf: Score = 0.0;
        for ((postings, &doc), weight) in self.postings.iter().zip(&self.docs).zip(&self.weights) {
            if doc == self.doc {
                tf += weight * postings.term_freq() as Score;
            }
        }
        let norm = norms[usize::from(lengths.fieldnorm_id(self.doc))];
        scale * tf / (tf + norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    fn ranked(searcher: &Searcher, query: &dyn Query) -> Vec<(Score, DocAddress)> {
        searcher.search(query, &TopDocs::with_limit(100).order_by_score()).unwrap()
    }

    /// One synonym of weight 1 scores as tantivy's own term query.
    #[test]
    fn one_synonym_scores_as_its_term() {
        let (searcher, body) =
            index(&["heron reeds", "heron heron marsh water", "marsh", "a heron by the weir"]);
        let ours = Synonyms::new(body, vec![("heron".into(), 1.0)]);
        let term = Term::from_field_text(body, "heron");
        let theirs = TermQuery::new(term, IndexRecordOption::WithFreqs);
        let (a, b) = (ranked(&searcher, &ours), ranked(&searcher, &theirs));
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
        let apart = BooleanQuery::new(
            ["heron", "egret"]
                .iter()
                .map(|w| {
                    let t = Term::from_field_text(body, w);
                    (Occur::Should, Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as _)
                })
                .collect(),
        );
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
        let texts: Vec<String> = (0..5_000)
            .map(|i| {
                let mut t = String::from("reeds");
                for (k, w) in ["heron", "egret", "bittern"].iter().enumerate() {
                    if (i * (k + 3)) % (7 + k * 4) == 0 {
                        t.push(' ');
                        t.push_str(w);
                    }
                }
                if i % 5 == 0 {
                    t.push_str(" weir");
                }
                t
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
        let (searcher, body) = index(&refs);
        let words = ["heron", "egret", "bittern"];
        let term = |w: &str| -> Box<dyn Query> {
            let t = Term::from_field_text(body, w);
            Box::new(TermQuery::new(t, IndexRecordOption::Basic))
        };
        let with_weir = |q: Box<dyn Query>| {
            BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, term("weir"))])
        };
        let union = BooleanQuery::new(words.iter().map(|w| (Occur::Should, term(w))).collect());
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

    fn ranked_all(searcher: &Searcher, query: &dyn Query) -> Vec<u32> {
        let top = searcher.search(query, &TopDocs::with_limit(10_000).order_by_score()).unwrap();
        top.into_iter().map(|(_, d)| d.doc_id).collect()
    }
}
