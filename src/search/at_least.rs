//! Passages that match at least `m` of a query's `n` clauses (the `partial` tier: all but
//! one), found through the rarest clauses.
//!
//! A passage that misses at most `n − m` clauses holds one of any `n − m + 1` of them, so
//! the union of the `n − m + 1` rarest proposes every candidate, and the other clauses are
//! only seeked to it. tantivy's `Disjunction` reads every clause from end to end through a
//! heap and scores every passage of each: `secret protocol Molotov-Ribbentrop` on the 500
//! MB bench index read every passage with `secret` or `protocol` (and their translations)
//! to find the 1,900 with three of the four words. A passage scores the sum of its
//! matching clauses, in the clauses' order.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Matches passages that at least `minimum` of `clauses` match.
#[derive(Debug)]
pub struct AtLeast {
    clauses: Vec<Box<dyn Query>>,
    minimum: usize,
}

impl AtLeast {
    /// `minimum` of `clauses` (at least one).
    pub fn new(clauses: Vec<Box<dyn Query>>, minimum: usize) -> AtLeast {
        AtLeast { clauses, minimum: minimum.max(1) }
    }
}

impl Clone for AtLeast {
    fn clone(&self) -> AtLeast {
        AtLeast { clauses: super::best_of::clone_all(&self.clauses), minimum: self.minimum }
    }
}

impl Query for AtLeast {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|q| q.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AtLeastWeight { weights, minimum: self.minimum }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        super::best_of::terms_of(&self.clauses, visitor);
    }
}

struct AtLeastWeight {
    weights: Vec<Box<dyn Weight>>,
    minimum: usize,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        // A clause with no passage in this segment can only be one of those missed.
        let weights = self.weights.iter().map(|w| w.as_ref());
        let scorers = super::best_of::live_scorers(weights, reader, boost)?;
        if scorers.len() < self.minimum {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(AtLeastScorer::new(scorers, self.minimum)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new("at least some of the clauses", scorer.score());
        for w in &self.weights {
            if let Ok(e) = w.explain(reader, doc) {
                explanation.add_detail(e);
            }
        }
        Ok(explanation)
    }
}

struct AtLeastScorer {
    scorers: Vec<Box<dyn Scorer>>,
    /// Each scorer's document.
    docs: Vec<DocId>,
    /// The rarest scorers, those that propose candidates.
    drivers: Vec<usize>,
    minimum: usize,
    doc: DocId,
}

impl AtLeastScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, minimum: usize) -> AtLeastScorer {
        let docs: Vec<DocId> = scorers.iter().map(|s| s.doc()).collect();
        let mut by_cost: Vec<usize> = (0..scorers.len()).collect();
        by_cost.sort_by_key(|&i| (scorers[i].cost(), i));
        by_cost.truncate(scorers.len() + 1 - minimum);
        let mut s = AtLeastScorer { scorers, docs, drivers: by_cost, minimum, doc: 0 };
        s.doc = s.settle();
        s
    }

    /// From the drivers' first document on, the first that enough scorers match; every
    /// scorer behind it is moved to it.
    fn settle(&mut self) -> DocId {
        loop {
            let candidate = self.drivers.iter().map(|&i| self.docs[i]).min().unwrap_or(TERMINATED);
            if candidate == TERMINATED {
                return TERMINATED;
            }
            let mut matches = 0;
            for (scorer, doc) in self.scorers.iter_mut().zip(&mut self.docs) {
                if *doc < candidate {
                    *doc = scorer.seek(candidate);
                }
                matches += usize::from(*doc == candidate);
            }
            if matches >= self.minimum {
                return candidate;
            }
            for &i in &self.drivers {
                if self.docs[i] == candidate {
                    self.docs[i] = self.scorers[i].advance();
                }
            }
        }
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for &i in &self.drivers {
            if self.docs[i] == self.doc {
                self.docs[i] = self.scorers[i].advance();
            }
        }
        self.doc = self.settle();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for &i in &self.drivers {
            if self.docs[i] < target {
                self.docs[i] = self.scorers[i].seek(target);
            }
        }
        self.doc = self.settle();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.drivers.iter().map(|&i| self.scorers[i].size_hint()).max().unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.drivers.iter().map(|&i| self.scorers[i].cost()).sum()
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        let mut sum = 0.0;
        for (scorer, &doc) in self.scorers.iter_mut().zip(&self.docs) {
            if doc == self.doc {
                sum += scorer.score();
            }
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index};

    /// The same passages as tantivy's minimum-should-match union, and the same scores
    /// within rounding (tantivy sums in the order its heap gives), on words of neither
    /// corpus, common and rare.
    #[test]
    fn finds_what_tantivys_minimum_match_finds() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..20_000usize {
            let mut words = vec![];
            if i % 2 == 0 {
                words.push("quokka");
            }
            if i % 3 == 0 {
                words.push("numbat");
            }
            if i % 89 == 0 {
                words.push("bilby");
            }
            if i % 97 == 0 || i % 7 == 1 {
                words.push("quoll");
            }
            writer.add_document(doc!(body => words.join(" "))).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let clauses = || -> Vec<Box<dyn Query>> {
            ["quokka", "numbat", "bilby", "quoll"]
                .iter()
                .map(|w| {
                    Box::new(TermQuery::new(
                        Term::from_field_text(body, w),
                        IndexRecordOption::WithFreqs,
                    )) as Box<dyn Query>
                })
                .collect()
        };
        for minimum in 1..=4 {
            let theirs = BooleanQuery::union_with_minimum_required_clauses(clauses(), minimum);
            let ours = AtLeast::new(clauses(), minimum);
            let collect = (TopDocs::with_limit(100_000).order_by_score(), Count);
            let (mut a, count_a) = searcher.search(&theirs, &collect).unwrap();
            let (mut b, count_b) = searcher.search(&ours, &collect).unwrap();
            assert!(count_a > 0, "{minimum}");
            assert_eq!(count_a, count_b, "{minimum}");
            a.sort_by_key(|(_, d)| *d);
            b.sort_by_key(|(_, d)| *d);
            for ((sa, da), (sb, db)) in a.iter().zip(&b) {
                assert_eq!(da, db, "{minimum}");
                assert!((sa - sb).abs() <= 1e-5 * sa.abs(), "{minimum}: {sa} {sb}");
            }
        }
    }
}
