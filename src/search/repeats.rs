//! Repeated text among the hits. A translation keeps some paragraphs of its original
//! (with the link texts translated), a manual repeats a warning in two chapters, a scraped
//! page links one article several times with one gloss. Shown in full each time, one text
//! would fill the first page; so a passage that repeats one ranked above it is folded into
//! that one, and its place is kept in `also_in`: every source stays citable.
//!
//! "Repeats" is Broder's resemblance of word shingles: the share of the two passages' runs
//! of `SHINGLE` consecutive words (folded) that both hold. Two passages that differ in a
//! cross-reference's words or a last sentence resemble each other well above
//! `NEAR_DUPLICATE`; a passage quoting one sentence of another, or two list items sharing a
//! formula, stay far below it.

use std::hash::{Hash, Hasher};

use crate::analysis::{fold_into, words};

use super::Hit;

/// Words in a shingle.
const SHINGLE: usize = 3;
/// Resemblance from which a passage counts as a repeat of another.
const NEAR_DUPLICATE: f32 = 0.7;

/// The set of a text's word shingles, as sorted hashes.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Shingles(Vec<u64>);

/// Shingles made beforehand, by passage id (on the search threads, with the fetch).
pub(super) type Known = rustc_hash::FxHashMap<String, Shingles>;

impl Shingles {
    pub(super) fn of(text: &str) -> Shingles {
        // Each folded word hashed once, in one reused buffer; a shingle hashes its words'.
        let mut word = String::new();
        let hashes: Vec<u64> = words(text)
            .map(|(a, b)| {
                word.clear();
                fold_into(&text[a..b], &mut word);
                hash(&word)
            })
            .collect();
        // A text shorter than a shingle is one shingle: it repeats only itself.
        let width = SHINGLE.min(hashes.len()).max(1);
        let mut shingles: Vec<u64> = hashes.windows(width).map(hash).collect();
        shingles.sort_unstable();
        shingles.dedup();
        Shingles(shingles)
    }

    /// |A ∩ B| / |A ∪ B|; 0 for two empty sets.
    #[cfg(test)]
    fn resemblance(&self, other: &Shingles) -> f32 {
        let (a, b) = (&self.0, &other.0);
        let common = a.iter().filter(|h| b.binary_search(h).is_ok()).count();
        share(common, a.len() + b.len() - common)
    }

    /// True when the two sets resemble each other at least `NEAR_DUPLICATE`. Sets of very
    /// different sizes cannot (the share is at most the smaller over the larger), which
    /// spares most comparisons the merge; the merge stops as soon as one set has missed
    /// more shingles than a repeat could, which for two passages that share little is
    /// after a third of the shorter.
    fn repeats(&self, other: &Shingles) -> bool {
        let (a, b) = (&self.0, &other.0);
        let (small, large) = (a.len().min(b.len()), a.len().max(b.len()));
        if (small as f32) < NEAR_DUPLICATE * large as f32 {
            return false;
        }
        let need = shingles_needed(a.len() + b.len());
        if need == 0 || need > small {
            return false;
        }
        // Shingles of each set that the other lacks, at most, for `need` in common.
        let (spare_a, spare_b) = (a.len() - need, b.len() - need);
        let (mut i, mut j) = (0, 0);
        let (mut missed_a, mut missed_b, mut common) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => {
                    (i, missed_a) = (i + 1, missed_a + 1);
                    if missed_a > spare_a {
                        return false;
                    }
                }
                std::cmp::Ordering::Greater => {
                    (j, missed_b) = (j + 1, missed_b + 1);
                    if missed_b > spare_b {
                        return false;
                    }
                }
                std::cmp::Ordering::Equal => {
                    (i, j, common) = (i + 1, j + 1, common + 1);
                    if common >= need {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// `common / union`, 0 for an empty union.
fn share(common: usize, union: usize) -> f32 {
    if union == 0 {
        0.0
    } else {
        common as f32 / union as f32
    }
}

/// The fewest shingles two sets of `total` shingles together must share to resemble each
/// other at least `NEAR_DUPLICATE`: the least `c` with `c / (total − c)` at or above it,
/// computed as that share is (0 for two empty sets, which never resemble).
fn shingles_needed(total: usize) -> usize {
    let resembles = |c: usize| c < total && share(c, total - c) >= NEAR_DUPLICATE;
    let guess = (NEAR_DUPLICATE * total as f32 / (1.0 + NEAR_DUPLICATE)) as usize;
    let mut need = guess.min(total);
    while need > 0 && resembles(need - 1) {
        need -= 1;
    }
    while need < total && !resembles(need) {
        need += 1;
    }
    need
}

fn hash(value: &(impl Hash + ?Sized)) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// The texts seen so far, and their shingles, against which a next one is checked.
pub(super) struct Seen {
    texts: Vec<String>,
    shingles: Vec<Shingles>,
}

impl Seen {
    /// The texts of `hits`, to check others against (their shingles from `known` when
    /// made there).
    pub(super) fn of(hits: &[Hit], known: &Known) -> Seen {
        Seen {
            texts: hits.iter().map(|h| h.text.clone()).collect(),
            shingles: hits.iter().map(|h| shingles_of(h, known)).collect(),
        }
    }

    /// Adds `text` unless it repeats one of the texts seen (as [`fold`] judges); true
    /// when added.
    pub(super) fn add(&mut self, text: &str) -> bool {
        if self.texts.iter().any(|t| t == text) {
            return false;
        }
        let shingles = Shingles::of(text);
        if self.shingles.iter().any(|s| s.repeats(&shingles)) {
            return false;
        }
        self.texts.push(text.to_string());
        self.shingles.push(shingles);
        true
    }
}

/// Folds each hit that repeats one ranked above it into that one (see the module's
/// comment). A repeat in another document, or in another place of the same one with other
/// words, is kept in `also_in`; a word-for-word repeat in its own document is dropped.
/// Shingles of `hits` made beforehand are taken from `known`.
pub(super) fn fold(hits: &mut Vec<Hit>, known: &Known) {
    let mut shingles: Vec<Shingles> = Vec::with_capacity(hits.len());
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits.drain(..) {
        let own = shingles_of(&h, known);
        if let Some(h) = merge_repeat(&mut kept, &shingles, h, &own) {
            shingles.push(own);
            kept.push(h);
        }
    }
    *hits = kept;
}

/// Folds each of `more` (a lower tier, fetched after `page` was folded) that repeats a
/// hit of `page` into that hit, as [`fold`] does, then folds the rest among themselves;
/// returns the rest.
pub(super) fn fold_onto(page: &mut [Hit], more: Vec<Hit>, known: &Known) -> Vec<Hit> {
    let on_page: Vec<Shingles> = page.iter().map(|h| shingles_of(h, known)).collect();
    let mut rest: Vec<Hit> = more
        .into_iter()
        .filter_map(|h| {
            let own = shingles_of(&h, known);
            merge_repeat(page, &on_page, h, &own)
        })
        .collect();
    fold(&mut rest, known);
    rest
}

/// Folds `h` into the first of `kept` (whose shingles are `shingles`) it repeats, its
/// place kept in `also_in` unless it is the same text in the same document; gives `h`
/// back when it repeats none. Of one text word for word in two documents, the place shown
/// is the one in a document written in the text's language: a translation that leaves a
/// paragraph untranslated, an essay quoting its source, hold a copy; the original is the
/// place to cite.
fn merge_repeat(kept: &mut [Hit], shingles: &[Shingles], h: Hit, own: &Shingles) -> Option<Hit> {
    let repeated = kept
        .iter()
        .position(|k| k.text == h.text)
        .or_else(|| shingles.iter().position(|s| s.repeats(own)));
    let Some(i) = repeated else { return Some(h) };
    let shown = &mut kept[i];
    if h.doc != shown.doc
        && h.text == shown.text
        && at_home(&h) == Some(true)
        && at_home(shown) == Some(false)
    {
        let copy = std::mem::replace(shown, h);
        shown.score = copy.score;
        shown.also_in = copy.also_in;
        shown.also_in.push(copy.id);
    } else if h.doc != shown.doc || h.text != shown.text {
        shown.also_in.push(h.id);
    }
    None
}

/// Whether `hit` stands in a document written in its own language, as the words around
/// it tell (its section path, else its document's title): Cyrillic for Russian text,
/// Latin for the others; `None` when they tell nothing.
fn at_home(hit: &Hit) -> Option<bool> {
    let around = if hit.section.is_empty() { &hit.title } else { &hit.section };
    let (mut cyrillic, mut latin) = (0usize, 0usize);
    for c in around.chars() {
        match crate::lang::script_of(c) {
            Some(crate::lang::Script::Cyrillic) => cyrillic += 1,
            Some(crate::lang::Script::Latin) => latin += 1,
            _ => {}
        }
    }
    (cyrillic != latin).then(|| (cyrillic > latin) == (hit.lang == "ru"))
}

/// Whether `counterpart`, a hit's aligned translation about to be put after it, may stand
/// on `page`: not when a hit there shows its text already (or holds its place in
/// `also_in`). A hit of `rest` repeating it is folded into it, its place kept in
/// `also_in`: the text is shown once, beside the passage it translates.
pub(super) fn fold_into_counterpart(
    page: &[Hit],
    rest: &mut std::collections::VecDeque<Hit>,
    counterpart: &mut Hit,
    known: &Known,
) -> bool {
    if page.iter().any(|h| h.also_in.contains(&counterpart.id)) {
        return false;
    }
    let own = shingles_of(counterpart, known);
    let repeats = |h: &Hit| {
        h.text == counterpart.text
            || match known.get(&h.id) {
                Some(theirs) => theirs.repeats(&own),
                None => Shingles::of(&h.text).repeats(&own),
            }
    };
    if page.iter().any(repeats) {
        return false;
    }
    let found = rest.iter().position(|h| h.also_in.contains(&counterpart.id) || repeats(h));
    if let Some(copy) = found.and_then(|at| rest.remove(at)) {
        counterpart.matched.extend(copy.matched);
        counterpart.matched.sort_unstable();
        counterpart.matched.dedup();
        counterpart.also_in.extend(copy.also_in.into_iter().filter(|id| *id != counterpart.id));
        if copy.doc != counterpart.doc || copy.text != counterpart.text {
            counterpart.also_in.push(copy.id);
        }
    }
    true
}

fn shingles_of(hit: &Hit, known: &Known) -> Shingles {
    known.get(&hit.id).cloned().unwrap_or_else(|| Shingles::of(&hit.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: &str, b: &str) -> f32 {
        Shingles::of(a).resemblance(&Shingles::of(b))
    }

    const WARNING: &str = "Never feed the lighthouse keeper's goats after the evening bell, \
        because the harbour master counts them at dusk and a missing goat delays the ferry \
        for everyone waiting on the pier.";

    #[test]
    fn a_repeat_with_another_cross_reference_resembles_its_original() {
        let en = format!("{WARNING} For details, see Feeding livestock on the island.");
        let ru = format!("{WARNING} For details, see Кормление скота на острове.");
        assert!(r(&en, &ru) >= NEAR_DUPLICATE, "{}", r(&en, &ru));
        // The paragraph without its last sentence, as a second chapter repeats it.
        assert!(r(&en, WARNING) >= NEAR_DUPLICATE, "{}", r(&en, WARNING));
    }

    #[test]
    fn case_punctuation_and_emphasis_do_not_matter() {
        let shouted = WARNING.to_uppercase().replace("Never", "**NEVER**").replace(',', "");
        assert_eq!(r(WARNING, &shouted), 1.0);
    }

    #[test]
    fn a_quoted_sentence_or_a_shared_formula_is_no_repeat() {
        let essay = "The keepers complained for years. As the rules put it, never feed the \
            lighthouse keeper's goats after the evening bell. Nobody listened, and the ferry \
            kept waiting at the pier while the goats were counted again.";
        assert!(r(essay, WARNING) < NEAR_DUPLICATE, "{}", r(essay, WARNING));
        let a = "* Orphan all your goats, as described in Orphaning a goat.";
        let b = "* Sell all your boats, as described in Selling a boat.";
        assert!(r(a, b) < NEAR_DUPLICATE, "{}", r(a, b));
    }

    #[test]
    fn a_text_added_is_seen_by_the_next() {
        let mut seen = Seen::of(&[], &Known::default());
        assert!(seen.add(WARNING));
        assert!(!seen.add(&format!("{WARNING} See Feeding livestock.")));
        assert!(!seen.add(WARNING));
        assert!(seen.add("The ferry leaves at six from the northern pier."));
    }

    #[test]
    fn short_texts_repeat_only_themselves() {
        assert_eq!(r("goats", "goats"), 1.0);
        assert_eq!(r("goats", "boats"), 0.0);
        assert_eq!(r("", ""), 0.0);
        assert_eq!(r("feed goats", "feed goats now"), 0.0);
    }

    proptest::proptest! {
        /// The merge that stops early says what the whole share says.
        #[test]
        fn stopping_early_agrees_with_the_share(
            a in proptest::collection::btree_set(0u64..40, 0..30),
            b in proptest::collection::btree_set(0u64..40, 0..30),
        ) {
            let (a, b) = (Shingles(a.into_iter().collect()), Shingles(b.into_iter().collect()));
            proptest::prop_assert_eq!(a.repeats(&b), a.resemblance(&b) >= NEAR_DUPLICATE);
            proptest::prop_assert_eq!(a.repeats(&b), b.repeats(&a));
        }
    }

    #[test]
    fn the_shingles_needed_are_the_fewest_that_resemble() {
        assert_eq!(shingles_needed(0), 0);
        assert_eq!(shingles_needed(2), 1, "one of one each: 1 / 1");
        // 10 and 10 shingles: 9 in common is 9 / 11 = 0.82, 8 is 8 / 12 = 0.67.
        assert_eq!(shingles_needed(20), 9);
        for total in 2..200 {
            let need = shingles_needed(total);
            assert!(share(need, total - need) >= NEAR_DUPLICATE, "{total}");
            assert!(share(need - 1, total - need + 1) < NEAR_DUPLICATE, "{total}");
        }
    }
}
