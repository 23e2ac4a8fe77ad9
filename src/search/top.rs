//! The top passages of a query: by score (times their kind's weight, for the candidates of
//! a page), passages of equal score by their tie key (`index::tie_key`, a hash of the
//! passage id). tantivy's collector breaks ties by document address, which depends on the
//! order the indexing threads delivered the passages in and on the segments; when more
//! passages tied than a page and its margin held, which of them were shown changed with
//! a rebuild.
//!
//! A passage's tie key is read only when its score reaches the current threshold, so a
//! query over 300k passages reads a few hundred keys, not 300k.

use std::cmp::Reverse;

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::columnar::{Column, ColumnIndex, ColumnValues};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::segment::Kind;

/// A passage's place: its weighted score, then its tie key, lowest first.
pub type Key = (Score, Reverse<u64>);

/// The best `limit` passages by [`Key`].
pub struct Top {
    limit: usize,
    /// Whether a passage's score is weighed by its kind's weight.
    by_kind: bool,
}

impl Top {
    /// By score times the kind's weight: a gloss, a reference or a table of contents
    /// counts less than the author's own text.
    pub fn by_kind(limit: usize) -> Top {
        Top { limit, by_kind: true }
    }

    /// By score alone.
    pub fn by_score(limit: usize) -> Top {
        Top { limit, by_kind: false }
    }
}

pub struct TopSegment {
    top: TopNComputer<Key, DocId, NaturalComparator>,
    code: Values,
    tie: Values,
    segment: SegmentOrdinal,
}

impl Collector for Top {
    type Fruit = Vec<(Key, DocAddress)>;
    type Child = TopSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TopSegment> {
        Ok(TopSegment {
            top: TopNComputer::new_with_comparator(self.limit, NaturalComparator),
            code: if self.by_kind { Values::of(reader, "kind_code") } else { Values::Missing },
            tie: Values::of(reader, "tie"),
            segment,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Key, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(|a, b| order(&a.0, &b.0).then_with(|| a.1.cmp(&b.1)));
        all.truncate(self.limit);
        Ok(all)
    }
}

impl SegmentCollector for TopSegment {
    type Fruit = Vec<(Key, DocAddress)>;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        // Below the threshold's score, neither the kind (whose weight is at most 1) nor
        // the tie key can matter: most passages of a common word stop here.
        let below = |score: Score| self.top.threshold.as_ref().is_some_and(|(t, _)| score < *t);
        if below(score) {
            return;
        }
        let score = match &self.code {
            Values::Missing => score,
            code => score * kind_weight(code.get(doc)),
        };
        if below(score) {
            return;
        }
        self.top.push((score, Reverse(self.tie.get(doc))), doc);
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.top
            .into_vec()
            .into_iter()
            .map(|d| (d.sort_key, DocAddress::new(segment, d.doc)))
            .collect()
    }
}

/// Best first: higher score, then lower tie key.
fn order(a: &Key, b: &Key) -> std::cmp::Ordering {
    b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal)
}

/// A kind's weight, at most 1 (`collect` relies on it).
fn kind_weight(code: u64) -> f32 {
    Kind::ALL.get(code as usize).map_or(1.0, |k| k.weight())
}

/// A segment's values of a u64 fast field by document (0 where it has none).
enum Values {
    /// Every passage has a kind and a tie key, so those columns are dense: their values
    /// are read by document directly (the kind once per matching passage, 300k for a
    /// common word on the 500 MB bench index), not through the column's index.
    Dense(std::sync::Arc<dyn ColumnValues<u64>>),
    Sparse(Column<u64>),
    Missing,
}

impl Values {
    fn of(segment: &SegmentReader, name: &str) -> Values {
        match segment.fast_fields().u64(name) {
            Ok(c) if matches!(c.index, ColumnIndex::Full) => Values::Dense(c.values),
            Ok(c) => Values::Sparse(c),
            Err(_) => Values::Missing,
        }
    }

    #[inline]
    fn get(&self, doc: DocId) -> u64 {
        match self {
            Values::Dense(values) => values.get_val(doc),
            Values::Sparse(column) => column.first(doc).unwrap_or(0),
            Values::Missing => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Schema, FAST, TEXT};
    use tantivy::{doc, Index, IndexWriter, Term};

    #[test]
    fn no_kind_weighs_more_than_its_score() {
        // `collect` drops a passage whose score is below the threshold before its kind is
        // read: that is right only while no weight raises a score.
        for code in 0..=Kind::ALL.len() as u64 {
            assert!(kind_weight(code) <= 1.0, "kind code {code}");
        }
    }

    /// One index with every passage in one segment, another with them in two segments in
    /// another order: of 100 passages of one score, both keep the ten of lowest tie key.
    #[test]
    fn equal_scores_are_cut_by_tie_key_whatever_the_segments() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let tie = schema.add_u64_field("tie", FAST);
        let code = schema.add_u64_field("kind_code", FAST);
        let schema = schema.build();
        let key = |i: u64| (i * 2_654_435_761) % (1 << 32);
        let build = |batches: &[(u64, u64)]| {
            let index = Index::create_in_ram(schema.clone());
            let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
            for batch in batches {
                for i in batch.0..batch.1 {
                    writer
                        .add_document(doc!(body => "kestrel", tie => key(i), code => 0u64))
                        .unwrap();
                }
                writer.commit().unwrap();
            }
            index
        };
        let kept = |index: &Index, top: Top| -> Vec<u64> {
            let searcher = index.reader().unwrap().searcher();
            let query = TermQuery::new(
                Term::from_field_text(body, "kestrel"),
                IndexRecordOption::WithFreqs,
            );
            let found = searcher.search(&query, &top).unwrap();
            found.iter().map(|((_, Reverse(k)), _)| *k).collect()
        };
        let one = build(&[(0, 100)]);
        let two = build(&[(50, 100), (0, 50)]);
        assert_eq!(two.searchable_segment_ids().unwrap().len(), 2);
        let mut lowest: Vec<u64> = (0..100).map(key).collect();
        lowest.sort_unstable();
        lowest.truncate(10);
        for top in [|| Top::by_score(10), || Top::by_kind(10)] {
            assert_eq!(kept(&one, top()), lowest);
            assert_eq!(kept(&two, top()), lowest);
        }
    }
}
