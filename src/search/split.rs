//! Searching the segments of an index in ranges of documents, spread over the search
//! pool's threads. tantivy gives each thread a whole segment, so an index whose merges
//! left one large segment and one small (the common case: merges stop at a size bound)
//! keeps one core busy while the other waits; ranges of about equal size keep both busy.
//! Each range has a collector of its own, and the fruits merge as tantivy's would, so the
//! results are the same as `Searcher::search`'s.

use rayon::prelude::*;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED};

/// A range shorter than this is not split further: opening a query's postings again for
/// a range costs a few microseconds, scoring this many documents far more.
const MIN_RANGE_DOCS: u32 = 1 << 16;
/// Ranges per thread: with more than one, a thread that finishes early takes another.
const RANGES_PER_THREAD: u32 = 2;

/// The fruit of `collector` for `query` over `searcher`, each segment searched in ranges
/// of documents on `pool`'s threads (in one go where there is no pool).
pub fn search<C: Collector>(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    collector: &C,
    pool: Option<&rayon::ThreadPool>,
) -> tantivy::Result<C::Fruit> {
    let scoring = if collector.requires_scoring() {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    };
    let weight = query.weight(scoring)?;
    let threads = pool.map_or(1, |p| p.current_num_threads()) as u32;
    let ranges = ranges(searcher.segment_readers(), threads);
    let collect = |&(ord, from, to): &(u32, DocId, DocId)| {
        let reader = searcher.segment_reader(ord);
        collect_range(collector, weight.as_ref(), ord, reader, from, to)
    };
    let fruits: tantivy::Result<Vec<_>> = match pool {
        Some(pool) if ranges.len() > 1 => pool.install(|| ranges.par_iter().map(collect).collect()),
        _ => ranges.iter().map(collect).collect(),
    };
    collector.merge_fruits(fruits?)
}

/// The ranges `(segment, from, to)` to search: every segment cut into pieces of about the
/// same number of documents, so that the threads get about the same work.
fn ranges(readers: &[SegmentReader], threads: u32) -> Vec<(u32, DocId, DocId)> {
    let total: u64 = readers.iter().map(|r| u64::from(r.max_doc())).sum();
    let wanted = u64::from(threads.max(1) * RANGES_PER_THREAD);
    let size = (total / wanted).max(u64::from(MIN_RANGE_DOCS));
    let mut out = Vec::new();
    for (ord, reader) in readers.iter().enumerate() {
        let max = reader.max_doc();
        let pieces = u64::from(max).div_ceil(size).max(1);
        for k in 0..pieces {
            let from = (u64::from(max) * k / pieces) as DocId;
            let to = (u64::from(max) * (k + 1) / pieces) as DocId;
            out.push((ord as u32, from, to));
        }
    }
    out
}

/// What `collector` gathers from the documents `from..to` of one segment.
fn collect_range<C: Collector>(
    collector: &C,
    weight: &dyn Weight,
    ord: u32,
    reader: &SegmentReader,
    from: DocId,
    to: DocId,
) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
    let mut child = collector.for_segment(ord, reader)?;
    let mut scorer = weight.scorer(reader, 1.0)?;
    let scoring = collector.requires_scoring();
    let alive = reader.alive_bitset();
    let mut doc = if from > 0 { scorer.seek(from) } else { scorer.doc() };
    while doc != TERMINATED && doc < to {
        if alive.is_none_or(|a| a.is_alive(doc)) {
            let score = if scoring { scorer.score() } else { 0.0 };
            child.collect(doc, score);
        }
        doc = scorer.advance();
    }
    Ok(child.harvest())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, Index, Term};

    /// An index of `segments` segments of `per` documents each, every third holding
    /// "kestrel" once or twice, the rest "plover".
    fn index(segments: usize, per: usize) -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).expect("a writer");
        for s in 0..segments {
            for i in 0..per {
                let text = match (s * per + i) % 3 {
                    0 => "kestrel plover",
                    1 => "kestrel kestrel plover plover plover",
                    _ => "plover",
                };
                writer.add_document(doc!(body => text)).expect("added");
            }
            writer.commit().expect("committed");
        }
        (index, body)
    }

    #[test]
    fn ranges_cover_every_document_once() {
        let (index, _) = index(2, 300);
        let searcher = index.reader().expect("a reader").searcher();
        for threads in [1, 2, 3, 8] {
            let ranges = ranges(searcher.segment_readers(), threads);
            for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                let mut mine: Vec<_> = ranges.iter().filter(|r| r.0 == ord as u32).collect();
                mine.sort();
                assert_eq!(mine.first().map(|r| r.1), Some(0));
                assert_eq!(mine.last().map(|r| r.2), Some(reader.max_doc()));
                assert!(mine.windows(2).all(|w| w[0].2 == w[1].1), "{mine:?}");
            }
        }
    }

    #[test]
    fn cut_ranges_give_what_tantivy_gives() {
        let (index, body) = index(3, 500);
        let searcher = index.reader().expect("a reader").searcher();
        let query =
            TermQuery::new(Term::from_field_text(body, "kestrel"), IndexRecordOption::WithFreqs);
        let collector = (TopDocs::with_limit(20).order_by_score(), Count);
        let expected = searcher.search(&query, &collector).expect("searched");
        // Ranges far smaller than in use, so that every segment is cut in several.
        let weight =
            query.weight(EnableScoring::enabled_from_searcher(&searcher)).expect("a weight");
        let mut fruits = Vec::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            for (from, to) in [(0, 7), (7, 250), (250, 251), (251, reader.max_doc())] {
                fruits.push(
                    collect_range(&collector, weight.as_ref(), ord as u32, reader, from, to)
                        .expect("collected"),
                );
            }
        }
        assert_eq!(collector.merge_fruits(fruits).expect("merged"), expected);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool");
        assert_eq!(search(&searcher, &query, &collector, Some(&pool)).expect("searched"), expected);
        assert_eq!(search(&searcher, &query, &collector, None).expect("searched"), expected);
        assert_eq!(expected.1, 1000);
    }
}
