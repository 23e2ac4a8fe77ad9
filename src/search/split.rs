//! Searching the segments of an index in ranges of documents, spread over the search
//! pool's threads. tantivy gives each thread a whole segment, so an index whose merges
//! left one large segment and one small (the common case: merges stop at a size bound)
//! keeps one core busy while the other waits. A query that matches many passages is cut
//! into ranges of about equal matches instead; one that matches few is searched a segment
//! at a time, as tantivy does. Each range has a collector of its own, and the fruits merge
//! as tantivy's would, so the results are the same as `Searcher::search`'s.

use std::sync::Mutex;

use rayon::prelude::*;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Scorer};
use tantivy::{DocId, DocSet, SegmentReader, TERMINATED};

/// Below this many matching passages (as the postings estimate them) a query is searched
/// a segment at a time: opening a query's postings again for a range (its unions fill
/// buffers of 4,096 documents on opening) costs more than scoring this many passages on
/// one core.
const MIN_SPLIT_MATCHES: u32 = 1 << 15;
/// Ranges per thread: with more than one, a thread that finishes early takes another.
const RANGES_PER_THREAD: u32 = 2;

/// The fruit of `collector` for `query` over `searcher`, on `pool`'s threads (in one go
/// where there is no pool): each segment whole when the query matches few passages, else
/// cut into ranges of about the same number of matches.
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
    let readers = searcher.segment_readers();
    let threads = pool.map_or(1, |p| p.current_num_threads()) as u32;
    // Each segment's scorer, opened to estimate its matches, searches its first range.
    let opened: tantivy::Result<Vec<Box<dyn Scorer>>> =
        readers.iter().map(|r| weight.scorer(r, 1.0)).collect();
    let opened: Vec<Mutex<Option<Box<dyn Scorer>>>> =
        opened?.into_iter().map(|s| Mutex::new(Some(s))).collect();
    let ranges = if threads > 1 {
        let hints: Vec<u32> =
            opened.iter().map(|s| lock(s).as_ref().map_or(0, |s| s.size_hint())).collect();
        ranges(readers, &hints, threads)
    } else {
        whole(readers)
    };
    let collect = |&(ord, from, to): &(u32, DocId, DocId)| {
        let reader = searcher.segment_reader(ord);
        let first = if from == 0 { lock(&opened[ord as usize]).take() } else { None };
        let scorer = match first {
            Some(scorer) => scorer,
            None => weight.scorer(reader, 1.0)?,
        };
        collect_range(collector, scorer, ord, reader, from, to)
    };
    let fruits: tantivy::Result<Vec<_>> = match pool {
        Some(pool) if ranges.len() > 1 => pool.install(|| ranges.par_iter().map(collect).collect()),
        _ => ranges.iter().map(collect).collect(),
    };
    collector.merge_fruits(fruits?)
}

/// Every segment as one range.
fn whole(readers: &[SegmentReader]) -> Vec<(u32, DocId, DocId)> {
    readers.iter().enumerate().map(|(ord, r)| (ord as u32, 0, r.max_doc())).collect()
}

/// The ranges `(segment, from, to)` to search, given the matches each segment is estimated
/// to hold (`hints`): segments cut into pieces of about the same number of matches, so
/// that the threads get about the same work; whole segments when the matches are few.
fn ranges(readers: &[SegmentReader], hints: &[u32], threads: u32) -> Vec<(u32, DocId, DocId)> {
    let total: u64 = hints.iter().map(|&h| u64::from(h)).sum();
    if total < u64::from(MIN_SPLIT_MATCHES) {
        return whole(readers);
    }
    let wanted = u64::from(threads.max(1) * RANGES_PER_THREAD);
    let size = (total / wanted).max(u64::from(MIN_SPLIT_MATCHES / 2));
    let mut out = Vec::new();
    for ((ord, reader), &hint) in readers.iter().enumerate().zip(hints) {
        let max = u64::from(reader.max_doc());
        let pieces = u64::from(hint).div_ceil(size).clamp(1, max.max(1));
        for k in 0..pieces {
            let from = (max * k / pieces) as DocId;
            let to = (max * (k + 1) / pieces) as DocId;
            out.push((ord as u32, from, to));
        }
    }
    out
}

/// The scorer in `slot`, whoever held it before (a panic elsewhere does not spoil it).
fn lock<T>(slot: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

/// What `collector` gathers with `scorer` from the documents `from..to` of one segment.
fn collect_range<C: Collector>(
    collector: &C,
    mut scorer: Box<dyn Scorer>,
    ord: u32,
    reader: &SegmentReader,
    from: DocId,
    to: DocId,
) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
    let mut child = collector.for_segment(ord, reader)?;
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

    /// An index of `segments` segments of `per` documents each, two in three holding
    /// "kestrel" once or twice, every one "plover".
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
                // Every fifth also says "erase", for deleting.
                let erase = if i % 5 == 0 { " erase" } else { "" };
                writer.add_document(doc!(body => format!("{text}{erase}"))).expect("added");
            }
            writer.commit().expect("committed");
        }
        (index, body)
    }

    #[test]
    fn ranges_cover_every_document_once() {
        let (index, _) = index(2, 300);
        let searcher = index.reader().expect("a reader").searcher();
        let readers = searcher.segment_readers();
        for (threads, hint) in [(1, 100_000), (2, 100_000), (3, 40_000), (8, 1_000_000), (2, 10)] {
            let ranges = ranges(readers, &vec![hint; readers.len()], threads);
            for (ord, reader) in readers.iter().enumerate() {
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
        assert_cut_ranges_agree(&index, body, 1000);
        // Deleted documents are left out of every range as tantivy leaves them out.
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).expect("a writer");
        writer.delete_term(Term::from_field_text(body, "erase"));
        writer.commit().expect("committed");
        assert_cut_ranges_agree(&index, body, 800);
    }

    #[test]
    fn a_query_of_many_matches_is_cut_and_gives_what_tantivy_gives() {
        // One segment, as a small corpus's index or a large one merged whole has.
        let (index, body) = index(1, 60_000);
        let searcher = index.reader().expect("a reader").searcher();
        let query =
            TermQuery::new(Term::from_field_text(body, "kestrel"), IndexRecordOption::WithFreqs);
        let weight =
            query.weight(EnableScoring::enabled_from_searcher(&searcher)).expect("a weight");
        let readers = searcher.segment_readers();
        let hints: Vec<u32> =
            readers.iter().map(|r| weight.scorer(r, 1.0).expect("a scorer").size_hint()).collect();
        assert!(ranges(readers, &hints, 2).len() > readers.len(), "cut: {hints:?}");
        let collector = (TopDocs::with_limit(50).order_by_score(), Count);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool");
        assert_eq!(
            search(&searcher, &query, &collector, Some(&pool)).expect("searched"),
            searcher.search(&query, &collector).expect("searched")
        );
    }

    fn assert_cut_ranges_agree(index: &Index, body: tantivy::schema::Field, matches: usize) {
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
                let scorer = weight.scorer(reader, 1.0).expect("a scorer");
                fruits.push(
                    collect_range(&collector, scorer, ord as u32, reader, from, to)
                        .expect("collected"),
                );
            }
        }
        assert_eq!(collector.merge_fruits(fruits).expect("merged"), expected);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool");
        assert_eq!(search(&searcher, &query, &collector, Some(&pool)).expect("searched"), expected);
        assert_eq!(search(&searcher, &query, &collector, None).expect("searched"), expected);
        assert_eq!(expected.1, matches);
    }
}
