//! Live frequencies of terms: how many passages that are not deleted hold a term. A
//! term's frequency in the term dictionary still counts the passages deleted since its
//! segment was written (an updated file's old passages), until a merge rewrites the
//! segment; expansions chosen by it would drift with the segment layout.
//!
//! tantivy counts the live postings by reading every posting and asking the alive set of
//! each (`doc_freq_given_deletes`): a frequent word's whole list, for a handful of deleted
//! passages. Here the segment's deleted passages are listed once, and the postings are
//! seeked to each of them instead: the live frequency is the dictionary's less the deleted
//! passages the postings hold. A segment's list is made once per process and set of
//! deletions ([`deleted_of`]): a server or a run of searches lists it once.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::index::SegmentId;
use tantivy::postings::TermInfo;
use tantivy::schema::IndexRecordOption;
use tantivy::{BitSet, DocId, DocSet, InvertedIndexReader, Opstamp, SegmentReader, TERMINATED};

/// Passages of `reader`'s segment holding the term `info` describes, deleted ones left
/// out.
pub fn doc_freq(reader: &SegmentReader, inverted: &InvertedIndexReader, info: &TermInfo) -> u32 {
    if !reader.has_deletes() {
        return info.doc_freq;
    }
    live_doc_freq(inverted, info, &deleted_of(reader))
}

/// Segments' deleted passages listed in this process, by segment and its deletions' stamp.
type Listed = FxHashMap<(SegmentId, Option<Opstamp>), Arc<[DocId]>>;

/// Lists kept at most: more than an index has segments with deletions; past it the
/// lists of segments merged away or deleted from again go.
const MAX_LISTED: usize = 64;

/// The deleted passages of `reader`'s segment, listed once per process for each set of
/// deletions (a segment's deletions change only with a new stamp).
fn deleted_of(reader: &SegmentReader) -> Arc<[DocId]> {
    static LISTED: Mutex<Option<Listed>> = Mutex::new(None);
    let key = (reader.segment_id(), reader.delete_opstamp());
    if let Some(list) = LISTED.lock().ok().and_then(|l| l.as_ref()?.get(&key).cloned()) {
        return list;
    }
    let list: Arc<[DocId]> = deleted_docs(reader).into();
    if let Ok(mut listed) = LISTED.lock() {
        let listed = listed.get_or_insert_with(Listed::default);
        if listed.len() >= MAX_LISTED {
            listed.clear();
        }
        listed.insert(key, Arc::clone(&list));
    }
    list
}

/// The deleted passages of a segment, in order. The alive set is copied into a bit set
/// whose 64-passage buckets can be read: only a bucket missing some is looked into.
fn deleted_docs(reader: &SegmentReader) -> Vec<DocId> {
    let Some(alive) = reader.alive_bitset() else { return Vec::new() };
    let max = reader.max_doc();
    let mut set = BitSet::with_max_value_and_full(max);
    set.intersect_update(alive.bitset());
    let mut deleted = Vec::with_capacity(reader.num_deleted_docs() as usize);
    for bucket in 0..max.div_ceil(64) {
        let base = bucket * 64;
        let width = (max - base).min(64);
        let living = set.tinyset(bucket);
        if living.len() < width {
            deleted.extend((0..width).filter(|&i| !living.contains(i)).map(|i| base + i));
        }
    }
    deleted
}

/// The dictionary's frequency of `info`'s term less the passages of `deleted` (in order)
/// its postings hold: the postings are seeked to each deleted passage in turn, and the
/// deleted passages before the posting reached are skipped by bisection.
fn live_doc_freq(inverted: &InvertedIndexReader, info: &TermInfo, deleted: &[DocId]) -> u32 {
    if deleted.is_empty() {
        return info.doc_freq;
    }
    let Ok(mut postings) = inverted.read_postings_from_terminfo(info, IndexRecordOption::Basic)
    else {
        return info.doc_freq;
    };
    let mut gone = 0;
    let mut rest = deleted;
    let mut doc = postings.doc();
    while let Some(&target) = rest.first() {
        if doc == TERMINATED {
            break;
        }
        if doc < target {
            doc = postings.seek(target);
        }
        if doc == target {
            gone += 1;
            rest = &rest[1..];
        } else {
            rest = &rest[rest.partition_point(|&d| d < doc)..];
        }
    }
    info.doc_freq.saturating_sub(gone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index, IndexWriter, Term};

    /// Against tantivy's own count (every posting read), for every term of a segment with
    /// deletions scattered, in runs, at both ends, and in every bucket position.
    #[test]
    fn live_frequencies_are_tantivys_whatever_was_deleted() {
        let mut schema = Schema::builder();
        let word = schema.add_text_field("word", STRING);
        let group = schema.add_text_field("group", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // Words of made-up frequencies: `w1` in every passage, `w7` in every seventh, …
        for n in 0u32..1_000 {
            let mut d = doc!(group => format!("g{}", n % 13));
            for k in [1u32, 2, 3, 7, 64, 129, 500] {
                if n % k == 0 {
                    d.add_text(word, format!("w{k}"));
                }
            }
            if (130..260).contains(&n) {
                d.add_text(word, "run");
            }
            if !(3..990).contains(&n) {
                d.add_text(group, "edge");
            }
            writer.add_document(d).unwrap();
        }
        writer.commit().unwrap();
        // Two rounds: the second deletes more from the same segment, under a new stamp.
        for round in [&["g0", "g5", "g12", "edge"][..], &["g7"]] {
            for g in round {
                writer.delete_term(Term::from_field_text(group, g));
            }
            writer.commit().unwrap();
            let searcher = index.reader().unwrap().searcher();
            let segment = &searcher.segment_readers()[0];
            assert!(segment.has_deletes(), "the test needs deletions");
            let deleted = deleted_docs(segment);
            assert_eq!(deleted.len() as u32, segment.num_deleted_docs());
            let listed = deleted_of(segment);
            assert_eq!(*listed, *deleted);
            assert!(Arc::ptr_eq(&listed, &deleted_of(segment)), "listed once");
            let alive = segment.alive_bitset().unwrap();
            assert!(deleted.iter().all(|&d| alive.is_deleted(d)));
            let inverted = segment.inverted_index(word).unwrap();
            let mut terms = inverted.terms().stream().unwrap();
            let mut seen = 0;
            while terms.advance() {
                let info = terms.value();
                let expected = inverted
                    .read_postings_from_terminfo(info, IndexRecordOption::Basic)
                    .unwrap()
                    .doc_freq_given_deletes(alive);
                assert_eq!(live_doc_freq(&inverted, info, &deleted), expected);
                assert_eq!(doc_freq(segment, &inverted, info), expected);
                seen += 1;
            }
            assert_eq!(seen, 8);
        }
    }
}
