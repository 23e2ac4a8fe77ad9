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
//!
//! When more than two clauses propose (two of the two dozen rare words of feedback), each
//! clause is read whole anyway: then the clauses are read a window of documents at a time,
//! each adding its passages' scores and counts to the window's slots, as Lucene's
//! `BooleanScorer` does, instead of through a heap.

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
        if scorers.len() + 1 - self.minimum > MAX_SEEKING_DRIVERS {
            return Ok(Box::new(WindowScorer::new(scorers, self.minimum)));
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

/// Clauses proposing candidates, at most, for which the others are only seeked.
const MAX_SEEKING_DRIVERS: usize = 2;

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

/// Documents a [`WindowScorer`] collects at a time.
const WINDOW: usize = 4096;

/// Reads every clause a window of [`WINDOW`] documents at a time into per-document counts
/// and score sums, then hands out the documents of the window that enough clauses match.
struct WindowScorer {
    scorers: Vec<Box<dyn Scorer>>,
    minimum: u32,
    /// First document of the window.
    start: DocId,
    counts: Vec<u32>,
    scores: Vec<Score>,
    /// Slots of the window not handed out yet, a bit each.
    pending: Vec<u64>,
    /// Words of `pending` before this one are empty.
    word: usize,
    doc: DocId,
    score: Score,
}

impl WindowScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, minimum: usize) -> WindowScorer {
        let mut s = WindowScorer {
            scorers,
            minimum: u32::try_from(minimum).unwrap_or(u32::MAX),
            start: 0,
            counts: vec![0; WINDOW],
            scores: vec![0.0; WINDOW],
            pending: vec![0; WINDOW / 64],
            word: 0,
            doc: 0,
            score: 0.0,
        };
        s.settle();
        s
    }

    /// Reads the clauses' documents of the next window, from the first any clause is on;
    /// false when every clause is done.
    fn fill(&mut self) -> bool {
        let Some(start) = self.scorers.iter().map(|s| s.doc()).min().filter(|&d| d != TERMINATED)
        else {
            return false;
        };
        self.start = start;
        self.word = 0;
        let end = start.saturating_add(WINDOW as DocId);
        for scorer in &mut self.scorers {
            let mut doc = scorer.doc();
            while doc < end {
                let slot = (doc - start) as usize;
                self.counts[slot] += 1;
                self.scores[slot] += scorer.score();
                self.pending[slot / 64] |= 1 << (slot % 64);
                doc = scorer.advance();
            }
        }
        true
    }

    /// Takes the first pending slot below `below`, clearing it: its count and score.
    fn take(&mut self, below: usize) -> Option<(usize, u32, Score)> {
        while self.word < self.pending.len().min(below.div_ceil(64)) {
            let (word, bits) = (self.word, self.pending[self.word]);
            if bits == 0 {
                self.word += 1;
                continue;
            }
            let slot = word * 64 + bits.trailing_zeros() as usize;
            if slot >= below {
                return None;
            }
            self.pending[word] &= bits - 1;
            let taken = (slot, self.counts[slot], self.scores[slot]);
            self.counts[slot] = 0;
            self.scores[slot] = 0.0;
            return Some(taken);
        }
        None
    }

    /// Moves to the next document enough clauses match, filling windows as needed.
    fn settle(&mut self) {
        loop {
            while let Some((slot, count, score)) = self.take(WINDOW) {
                if count >= self.minimum {
                    self.doc = self.start + slot as DocId;
                    self.score = score;
                    return;
                }
            }
            if !self.fill() {
                self.doc = TERMINATED;
                return;
            }
        }
    }
}

impl DocSet for WindowScorer {
    fn advance(&mut self) -> DocId {
        if self.doc != TERMINATED {
            self.settle();
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        // The window's slots before the target go; past the window, the clauses move on.
        let within = (target - self.start) as usize;
        while self.take(within.min(WINDOW)).is_some() {}
        if within >= WINDOW {
            for scorer in &mut self.scorers {
                if scorer.doc() < target {
                    scorer.seek(target);
                }
            }
        }
        self.settle();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers.iter().map(|s| s.size_hint()).max().unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

impl Scorer for WindowScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
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
        // Also inside an intersection, which seeks: to a rare word's passages, near and
        // far apart (bilby, every 89th), and into a window already read (quoll).
        let within = |rare: &str, q: Box<dyn Query>| -> Box<dyn Query> {
            let rare = TermQuery::new(Term::from_field_text(body, rare), IndexRecordOption::Basic);
            Box::new(BooleanQuery::new(vec![(Occur::Must, Box::new(rare)), (Occur::Must, q)]))
        };
        // Minimum 1 and 2 take the window scorer, 3 and 4 the seeking one.
        for minimum in 1..=4 {
            let theirs = || BooleanQuery::union_with_minimum_required_clauses(clauses(), minimum);
            let ours = || AtLeast::new(clauses(), minimum);
            let pairs: [(Box<dyn Query>, Box<dyn Query>); 3] = [
                (Box::new(theirs()), Box::new(ours())),
                (within("bilby", Box::new(theirs())), within("bilby", Box::new(ours()))),
                (within("quoll", Box::new(theirs())), within("quoll", Box::new(ours()))),
            ];
            for (theirs, ours) in pairs {
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
}
