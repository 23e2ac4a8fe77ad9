//! Several posting lists or scorers read as one union, each kept where it is: advancing
//! moves those on the current document, seeking only those behind the target. Inside an
//! intersection that is far cheaper than a union that reads ahead (tantivy's buffers 4,096
//! documents of every list at each seek); `best_of` and `synonyms` score on top of it.

use tantivy::{DocId, DocSet, TERMINATED};

/// The union of `sets`, with each one's document.
pub(super) struct SideBySide<T> {
    pub sets: Vec<T>,
    /// Each set's document (read back from it only when it moves).
    pub docs: Vec<DocId>,
    /// The union's document: the least of `docs`.
    pub doc: DocId,
    /// Documents in the segment, for the size estimate.
    num_docs: u32,
}

impl<T: DocSet> SideBySide<T> {
    pub fn new(sets: Vec<T>, num_docs: u32) -> SideBySide<T> {
        let docs: Vec<DocId> = sets.iter().map(|s| s.doc()).collect();
        let doc = docs.iter().copied().min().unwrap_or(TERMINATED);
        SideBySide { sets, docs, doc, num_docs }
    }

    pub fn advance(&mut self) -> DocId {
        let current = self.doc;
        let mut next = TERMINATED;
        for (set, doc) in self.sets.iter_mut().zip(&mut self.docs) {
            if *doc == current {
                *doc = set.advance();
            }
            next = next.min(*doc);
        }
        self.doc = next;
        next
    }

    pub fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        let mut next = TERMINATED;
        for (set, doc) in self.sets.iter_mut().zip(&mut self.docs) {
            if *doc < target {
                *doc = set.seek(target);
            }
            next = next.min(*doc);
        }
        self.doc = next;
        next
    }

    /// As tantivy estimates a union: the chance that a document is in none of the sets,
    /// each taken at 0.8 of its share (words cluster).
    pub fn size_hint(&self) -> u32 {
        let n = f64::from(self.num_docs.max(1));
        let none =
            self.sets.iter().map(|s| 1.0 - f64::from(s.size_hint()) / n * 0.8).product::<f64>();
        (n * (1.0 - none)).round().min(n) as u32
    }

    pub fn cost(&self) -> u64 {
        self.sets.iter().map(|s| s.cost()).sum()
    }
}

/// Drives `a` and `b` in step through a seeded mix of runs of advances (up to `run`) and
/// seeks, near and far (`far`: a base and a spread past it), checking that they land on
/// the same documents and calling `check` at each stop; the number of stops. The unions
/// of `best_of` and `synonyms` are tested against tantivy's so.
#[cfg(test)]
pub(super) fn walk_alike(
    a: &mut dyn tantivy::query::Scorer,
    b: &mut dyn tantivy::query::Scorer,
    seed: u64,
    run: u32,
    (base, spread): (u32, u32),
    mut check: impl FnMut(&mut dyn tantivy::query::Scorer, &mut dyn tantivy::query::Scorer),
) -> usize {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (state >> 33) as u32
    };
    let mut steps = 0;
    while a.doc() != TERMINATED {
        assert_eq!(a.doc(), b.doc(), "step {steps}");
        check(&mut *a, &mut *b);
        let roll = next() % 100;
        let doc = a.doc();
        if roll < 70 {
            // Runs of advances, long enough to read ahead.
            for _ in 0..(next() % run) {
                if a.advance() != b.advance() || a.doc() == TERMINATED {
                    break;
                }
            }
        } else {
            let jump = if roll < 90 { next() % 300 } else { base + next() % spread };
            a.seek(doc + 1 + jump);
            b.seek(doc + 1 + jump);
        }
        steps += 1;
    }
    assert_eq!(b.doc(), TERMINATED);
    steps
}
