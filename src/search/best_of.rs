//! A word's alternatives as one clause: the best one's score, plus a share of the others'
//! (tantivy's dis-max), over a union that also seeks cheaply.
//!
//! tantivy's `DisjunctionMaxQuery` unions its alternatives with `BufferedUnionScorer`, which
//! scores 4,096 documents ahead into a buffer: fast when the union is read from end to
//! end, slow inside an intersection. There every `seek` past the buffer clears it (48 KB)
//! and scores the next 4,096 documents of every alternative, to use one or two of them:
//! `Treaty of Rapallo` on the 500 MB bench index, where `treaty` matches 306,000 passages
//! and `Rapallo` 6,000, spent most of its time so. [`BestOf`] scores the same (the same
//! sum, in the same order) and starts as a union that keeps each alternative's position
//! and moves only those behind a target; read in order for a while, it hands over to
//! tantivy's own union (typed to its term scorers, which this crate cannot name), and
//! back again at a seek past where that one reads.

use std::sync::Arc;

use tantivy::query::{
    BooleanWeight, DisjunctionMaxCombiner, EmptyScorer, EnableScoring, Explanation, Occur, Query,
    Scorer, Weight,
};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

use super::side_by_side::SideBySide;

/// Matches what any of its alternatives matches; scores the best alternative's score plus
/// `tie_breaker` times the others' (as `DisjunctionMaxQuery::with_tie_breaker`).
#[derive(Debug)]
pub struct BestOf {
    alternatives: Vec<Box<dyn Query>>,
    tie_breaker: Score,
}

impl BestOf {
    /// The alternatives, in the order their scores are summed.
    pub fn new(alternatives: Vec<Box<dyn Query>>, tie_breaker: Score) -> BestOf {
        BestOf { alternatives, tie_breaker }
    }
}

impl Clone for BestOf {
    fn clone(&self) -> BestOf {
        BestOf { alternatives: clone_all(&self.alternatives), tie_breaker: self.tie_breaker }
    }
}

/// The scorers of `weights` on `reader` that match something there.
pub(super) fn live_scorers<'a>(
    weights: impl Iterator<Item = &'a dyn Weight>,
    reader: &SegmentReader,
    boost: Score,
) -> tantivy::Result<Vec<Box<dyn Scorer>>> {
    let mut scorers = Vec::new();
    for w in weights {
        let scorer = w.scorer(reader, boost)?;
        if scorer.doc() != TERMINATED {
            scorers.push(scorer);
        }
    }
    Ok(scorers)
}

/// Copies of `queries` (boxed queries clone through `box_clone`).
pub(super) fn clone_all(queries: &[Box<dyn Query>]) -> Vec<Box<dyn Query>> {
    queries.iter().map(|q| q.box_clone()).collect()
}

/// Shows `visitor` the terms of every one of `queries`.
pub(super) fn terms_of<'a>(queries: &'a [Box<dyn Query>], visitor: &mut dyn FnMut(&'a Term, bool)) {
    for q in queries {
        q.query_terms(visitor);
    }
}

impl Query for BestOf {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .alternatives
            .iter()
            .map(|q| q.weight(enable_scoring).map(Arc::from))
            .collect::<tantivy::Result<Vec<Arc<dyn Weight>>>>()?;
        let tie = self.tie_breaker;
        let in_order = BooleanWeight::with_minimum_number_should_match(
            weights.iter().map(|w| (Occur::Should, Box::new(Shared(w.clone())) as _)).collect(),
            1,
            enable_scoring.is_scoring_enabled(),
            Box::new(move || DisjunctionMaxCombiner::with_tie_breaker(tie)),
        );
        Ok(Box::new(BestOfWeight { weights, in_order: Arc::new(in_order), tie_breaker: tie }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        terms_of(&self.alternatives, visitor);
    }
}

/// A weight held by two parents: the seeking union's and tantivy's.
struct Shared(Arc<dyn Weight>);

impl Weight for Shared {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.0.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

struct BestOfWeight {
    weights: Vec<Arc<dyn Weight>>,
    /// tantivy's dis-max over the same weights, for reading in order.
    in_order: Arc<dyn Weight>,
    tie_breaker: Score,
}

impl Weight for BestOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = live_scorers(self.weights.iter().map(|w| w.as_ref()), reader, boost)?;
        Ok(match scorers.len() {
            0 => Box::new(EmptyScorer),
            1 => scorers.pop().unwrap_or_else(|| Box::new(EmptyScorer)),
            _ => Box::new(Hybrid {
                doc: scorers.iter().map(|s| s.doc()).min().unwrap_or(TERMINATED),
                seeking: Union::new(scorers, self.tie_breaker, reader.num_docs()),
                in_order: None,
                reading: false,
                run: 0,
                weight: self.in_order.clone(),
                reader: reader.clone(),
                boost,
            }),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.in_order.explain(reader, doc)
    }
}

/// Advances in a row after which a union is taken to be read in order (not seeked by an
/// intersection) and hands over to tantivy's.
const RUN: u32 = 32;

/// How far ahead of its document a seek stays with tantivy's union: inside the window it
/// has read ahead (4,096 documents), most likely.
const NEAR: DocId = 1024;

/// The seeking union, until it has been advanced [`RUN`] times in a row; then tantivy's
/// (made then, positioned on the same document), until a seek lands past [`NEAR`].
struct Hybrid {
    /// The current document, of whichever union is in use.
    doc: DocId,
    seeking: Union,
    in_order: Option<Box<dyn Scorer>>,
    /// True while `in_order` is the one in use.
    reading: bool,
    run: u32,
    weight: Arc<dyn Weight>,
    reader: SegmentReader,
    boost: Score,
}

impl DocSet for Hybrid {
    fn advance(&mut self) -> DocId {
        self.doc = self.step();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc < target {
            self.doc = self.seek_on(target);
        }
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.seeking.size_hint()
    }

    fn cost(&self) -> u64 {
        self.seeking.cost()
    }
}

impl Hybrid {
    fn step(&mut self) -> DocId {
        if let (Some(s), true) = (&mut self.in_order, self.reading) {
            return s.advance();
        }
        let doc = self.seeking.advance();
        self.run += 1;
        if self.run < RUN || doc == TERMINATED {
            return doc;
        }
        if self.in_order.is_none() {
            // A scorer of the same weights cannot fail where these did; if it does, this
            // union goes on seeking.
            match self.weight.scorer(&self.reader, self.boost) {
                Ok(s) => self.in_order = Some(s),
                Err(_) => return doc,
            }
        }
        if let Some(s) = &mut self.in_order {
            if s.doc() < doc {
                s.seek(doc);
            }
            self.reading = s.doc() == doc;
        }
        doc
    }

    fn seek_on(&mut self, target: DocId) -> DocId {
        if let (Some(s), true) = (&mut self.in_order, self.reading) {
            if target - self.doc < NEAR {
                return s.seek(target);
            }
            self.reading = false;
        }
        self.run = 0;
        self.seeking.seek(target)
    }
}

impl Scorer for Hybrid {
    fn score(&mut self) -> Score {
        match (&mut self.in_order, self.reading) {
            (Some(s), true) => s.score(),
            _ => self.seeking.score(),
        }
    }
}

/// The union of two or more scorers, each positioned where it is (`SideBySide`); the
/// current document is scored when asked.
struct Union {
    scorers: SideBySide<Box<dyn Scorer>>,
    tie_breaker: Score,
}

impl Union {
    fn new(scorers: Vec<Box<dyn Scorer>>, tie_breaker: Score, num_docs: u32) -> Union {
        Union { scorers: SideBySide::new(scorers, num_docs), tie_breaker }
    }
}

impl DocSet for Union {
    fn advance(&mut self) -> DocId {
        self.scorers.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.scorers.seek(target)
    }

    fn doc(&self) -> DocId {
        self.scorers.doc
    }

    fn size_hint(&self) -> u32 {
        self.scorers.size_hint()
    }

    fn cost(&self) -> u64 {
        self.scorers.cost()
    }
}

impl Scorer for Union {
    fn score(&mut self) -> Score {
        let (mut max, mut sum): (Score, Score) = (0.0, 0.0);
        let current = self.scorers.doc;
        for (scorer, &doc) in self.scorers.sets.iter_mut().zip(&self.scorers.docs) {
            if doc == current {
                let score = scorer.score();
                max = max.max(score);
                sum += score;
            }
        }
        max + (sum - max) * self.tie_breaker
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::side_by_side::walk_alike;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, Searcher};

    /// 20,000 documents of words of neither corpus, some common, some rare.
    fn index() -> (Searcher, Field, Field) {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["quokka", "numbat", "bilby", "quoll", "dunnart"];
        for i in 0..20_000usize {
            let pick = |k: usize| words[(i * 7 + k * 3 + i / 13) % words.len()];
            let title_text = if i % 3 == 0 { pick(0) } else { pick(4) };
            let rare = if i % 997 == 0 || (5_000..5_050).contains(&i) { "wombat" } else { "" };
            let body_text = format!("{} {} {rare}", pick(1), pick(2));
            writer.add_document(doc!(title => title_text, body => body_text)).unwrap();
        }
        writer.commit().unwrap();
        (index.reader().unwrap().searcher(), title, body)
    }

    fn term(field: Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs))
    }

    fn alternatives(title: Field, body: Field) -> Vec<Box<dyn Query>> {
        vec![term(title, "quokka"), term(body, "quokka"), term(body, "bilby"), term(body, "quoll")]
    }

    /// The same documents and scores as tantivy's dis-max, alone and inside an
    /// intersection.
    #[test]
    fn scores_as_dis_max_does_alone_and_intersected() {
        let (searcher, title, body) = index();
        let theirs = DisjunctionMaxQuery::with_tie_breaker(alternatives(title, body), 0.1);
        let ours = BestOf::new(alternatives(title, body), 0.1);
        let with = |q: Box<dyn Query>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, term(body, "wombat"))]))
        };
        for (a, b) in [
            (Box::new(theirs.clone()) as Box<dyn Query>, Box::new(ours.clone()) as Box<dyn Query>),
            (with(Box::new(theirs)), with(Box::new(ours))),
        ] {
            let collect = (TopDocs::with_limit(100_000).order_by_score(), Count);
            let (mut top_a, count_a) = searcher.search(a.as_ref(), &collect).unwrap();
            let (mut top_b, count_b) = searcher.search(b.as_ref(), &collect).unwrap();
            assert!(count_a > 10);
            assert_eq!(count_a, count_b);
            top_a.sort_by_key(|(_, d)| *d);
            top_b.sort_by_key(|(_, d)| *d);
            assert_eq!(top_a, top_b);
        }
    }

    /// Any mix of advances and seeks, near and far, lands where tantivy's union lands,
    /// with the same score, whether reading ahead or not.
    #[test]
    fn advances_and_seeks_land_where_tantivys_union_does() {
        let (searcher, title, body) = index();
        let segment = searcher.segment_reader(0);
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let theirs = DisjunctionMaxQuery::with_tie_breaker(alternatives(title, body), 0.1);
        let ours = BestOf::new(alternatives(title, body), 0.1);
        let mut a = theirs.weight(scoring).unwrap().scorer(segment, 1.0).unwrap();
        let mut b = ours.weight(scoring).unwrap().scorer(segment, 1.0).unwrap();
        let steps = walk_alike(a.as_mut(), b.as_mut(), 12_345, 80, (0, 9_000), |a, b| {
            assert_eq!(a.score(), b.score(), "doc {}", a.doc());
        });
        assert!(steps > 50, "{steps}");
    }
}
