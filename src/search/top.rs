//! The top candidates of a query: passages by score times their kind's weight, passages
//! of equal weighted score by their tie key (`index::tie_key`, a hash of the passage id).
//! tantivy's collector breaks ties by document address, which depends on the order the
//! indexing threads delivered the passages in and on the segments; when more passages
//! tie than a page and its margin hold, which of them were shown changed with a rebuild.
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
pub struct TopByKind {
    limit: usize,
}

impl TopByKind {
    pub fn with_limit(limit: usize) -> TopByKind {
        TopByKind { limit }
    }
}

pub struct TopByKindSegment {
    top: TopNComputer<Key, DocId, NaturalComparator>,
    code: Values,
    tie: Values,
    segment: SegmentOrdinal,
}

impl Collector for TopByKind {
    type Fruit = Vec<(Key, DocAddress)>;
    type Child = TopByKindSegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TopByKindSegment> {
        Ok(TopByKindSegment {
            top: TopNComputer::new_with_comparator(self.limit, NaturalComparator),
            code: Values::of(reader, "kind_code"),
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

impl SegmentCollector for TopByKindSegment {
    type Fruit = Vec<(Key, DocAddress)>;

    #[inline]
    fn collect(&mut self, doc: DocId, score: Score) {
        let score = score * kind_weight(self.code.get(doc));
        // Below the threshold's score, the tie key cannot matter.
        if self.top.threshold.as_ref().is_some_and(|(t, _)| score < *t) {
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
