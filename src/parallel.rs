//! Translations learnt from the corpus itself. A folder often holds a document and its
//! translation (a manual in English and in Russian, a treaty in both languages). Their
//! passages come in the same order, so they can be aligned by what a translator leaves
//! unchanged (numbers, section numbers, names and commands in Latin letters), and a table
//! of word translations estimated from the aligned pairs: IBM Model 1 (Brown et al. 1993)
//! in both directions, a pair kept only where both directions agree. The table knows the
//! words of the field that a general dictionary lacks (`upload` → `загрузка`). It is
//! written beside the index as a dictionary file ([`FILE_NAME`], to read) and compiled
//! ([`COMPILED_NAME`]); a search looks a word up in it and in the bundled dictionary and
//! takes the translations of both.
//!
//! Two documents are taken for translations of each other only on evidence: a good share
//! of the Russian one's passages find a partner in order, and the ordered alignment keeps
//! most of what each passage's best partner anywhere would give. Two documents on one
//! topic that do not translate each other fail the second test: their best partners are
//! scattered.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::{Analyzer, Mode, STOP_WORDS};
use crate::error::{Error, Result};
use crate::index::QIndex;
use crate::lang::{script_of, Script};
use crate::manifest::{FileState, Manifest};
use std::collections::BTreeMap;

/// The learnt table beside the index: a dictionary file (`headword<TAB>sense; sense`),
/// for reading, and compiled for lookups.
pub const FILE_NAME: &str = "translations.tsv";
pub const COMPILED_NAME: &str = "translations.bin";
/// Documents with fewer passages are too short to align with confidence.
pub const MIN_PASSAGES: u64 = 20;
/// Pairs of documents aligned per refresh, at most (those closest in size first): the
/// alignment reads both documents back from the index.
pub const MAX_PAIRS: usize = 16;
/// Russian documents closest in size tried with each English one.
const NEAREST: usize = 4;
/// Passages of one document read for alignment, at most.
pub const MAX_DOC_PASSAGES: u64 = 50_000;
/// Share of a document's passages in one language for it to count as written in it.
pub const RUSSIAN_SHARE: f64 = 0.3;
pub const ENGLISH_SHARE: f64 = 0.7;
/// Two passages closer than this are no evidence of translation.
const MIN_SIMILARITY: f32 = 0.05;
/// The ordered alignment keeps at least this share of the best partners' similarity.
const MIN_ORDERED_SHARE: f32 = 0.4;
/// At least this share of the Russian document's passages are aligned with English ones.
const MIN_ALIGNED_SHARE: f32 = 0.25;
/// And at least this many.
const MIN_ALIGNED: usize = 8;
/// An anchor in more passages than this share finds too many partners to look at.
const MAX_ANCHOR_SHARE: f32 = 0.1;
/// EM iterations of IBM Model 1.
const ITERATIONS: usize = 6;
/// A word translation is kept when each direction gives it at least this probability.
const MIN_PROBABILITY: f32 = 0.05;
/// A word and its translation stand together in at least this many aligned pairs.
const MIN_COOCCURRENCE: u32 = 2;
/// Translations kept per word.
const MAX_TRANSLATIONS: usize = 3;
/// Words of a passage given to the model, at most.
const MAX_WORDS: usize = 96;

/// A passage as the alignment reads it.
#[derive(Debug, Clone)]
pub struct Passage {
    pub text: String,
    /// Its language code (`ru`, `en`, …).
    pub lang: String,
    /// Its kind (`body`, `heading`, …): a heading translates a heading.
    pub kind: String,
    /// Which file of a set read one after another it comes from (0 for a single document):
    /// a passage translates one of the file of the same name only.
    pub part: u32,
}

/// The pairs `(english passage, russian passage)` of an ordered alignment of an English
/// document with a Russian one, if the documents translate each other; else `None`.
pub fn align(english: &[Passage], russian: &[Passage]) -> Option<Vec<(usize, usize)>> {
    let docs = Anchored::new(english, russian);
    // Candidate partners of each Russian-document passage: English-document passages
    // sharing one of its less common anchors.
    let mut postings: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (i, p) in docs.english.iter().enumerate() {
        for &t in &p.tokens {
            postings.entry(t).or_default().push(i as u32);
        }
    }
    let common = (MAX_ANCHOR_SHARE * docs.total as f32).max(5.0) as u32;
    let mut links: Vec<(u32, u32, f32)> = Vec::new();
    let mut best_sum = 0.0;
    let mut seen = FxHashSet::default();
    for (j, r) in docs.russian.iter().enumerate() {
        seen.clear();
        let mut best = 0.0f32;
        for &a in &r.anchors {
            if docs.df[a as usize] > common {
                continue;
            }
            for &i in postings.get(&a).map_or(&[][..], Vec::as_slice) {
                if english[i as usize].part != russian[j].part || !seen.insert(i) {
                    continue;
                }
                let s = docs.similarity(i as usize, j);
                if s >= MIN_SIMILARITY {
                    links.push((i, j as u32, s));
                    if r.russian && docs.english[i as usize].english {
                        best = best.max(s);
                    }
                }
            }
        }
        best_sum += best;
    }
    let chain = heaviest_chain(&mut links);
    let bilingual = |&(i, j): &(usize, usize)| docs.russian[j].russian && docs.english[i].english;
    let kept: f32 = chain.iter().filter(|&&(i, j, _)| bilingual(&(i, j))).map(|p| p.2).sum();
    let anchored: Vec<(usize, usize)> =
        chain.iter().map(|&(i, j, _)| (i, j)).filter(bilingual).collect();
    let russian_passages = docs.russian.iter().filter(|p| p.russian).count();
    let enough = (MIN_ALIGNED_SHARE * russian_passages as f32).max(MIN_ALIGNED as f32);
    if (anchored.len() as f32) < enough || kept < MIN_ORDERED_SHARE * best_sum {
        return None;
    }
    let bounds: Vec<(usize, usize)> = chain.iter().map(|&(i, j, _)| (i, j)).collect();
    let mut pairs = anchored;
    pairs.extend(fill_gaps(&docs, english, russian, &bounds, &pairs));
    pairs.sort_unstable();
    Some(pairs)
}

/// A gap between two aligned passages longer than this (on either side) is left as it is.
const MAX_GAP: usize = 32;
/// Cost of leaving a passage of a gap unaligned, against the length cost of a pairing.
const SKIP_COST: f32 = 6.0;
/// Extra cost of pairing two passages with one (a paragraph split or joined).
const JOIN_COST: f32 = 2.0;
/// A pairing in a gap is kept only below this cost (lengths within about 1.7 deviations).
const MAX_PAIR_COST: f32 = 1.5;

/// The passages between two aligned ones, aligned by their lengths (Gale and Church
/// 1993): between two anchors a translation keeps its paragraphs in order, and the
/// lengths of a paragraph and its translation keep a ratio whose mean and spread the
/// anchored pairs (`known`) give. A passage may pair with one or two; a pairing is kept only
/// when its lengths agree well and its kinds are the same (a heading with a heading).
fn fill_gaps(
    docs: &Anchored,
    english: &[Passage],
    russian: &[Passage],
    bounds: &[(usize, usize)],
    known: &[(usize, usize)],
) -> Vec<(usize, usize)> {
    let model = LengthModel::of(docs, known);
    let mut out = Vec::new();
    let ends = std::iter::once((None, None))
        .chain(bounds.iter().map(|&(i, j)| (Some(i), Some(j))))
        .chain(std::iter::once((None, None)));
    let ends: Vec<(Option<usize>, Option<usize>)> = ends.collect();
    for w in ends.windows(2) {
        let (e0, r0) = (w[0].0.map_or(0, |i| i + 1), w[0].1.map_or(0, |j| j + 1));
        let (e1, r1) = (w[1].0.unwrap_or(english.len()), w[1].1.unwrap_or(russian.len()));
        if w[1].0.is_none() && w[0].0.is_none() {
            continue; // nothing anchored at all
        }
        let ge: Vec<usize> = (e0..e1.max(e0)).filter(|&i| docs.english[i].english).collect();
        let gr: Vec<usize> = (r0..r1.max(r0)).filter(|&j| docs.russian[j].russian).collect();
        if ge.is_empty() || gr.is_empty() || ge.len() > MAX_GAP || gr.len() > MAX_GAP {
            continue;
        }
        out.extend(align_gap(&model, docs, english, russian, &ge, &gr));
    }
    out
}

/// How long a translation runs against its original, from aligned pairs.
struct LengthModel {
    /// Russian characters per English character.
    ratio: f32,
    /// Variance of the difference per character.
    variance: f32,
}

impl LengthModel {
    fn of(docs: &Anchored, pairs: &[(usize, usize)]) -> LengthModel {
        let lengths: Vec<(f32, f32)> = pairs
            .iter()
            .map(|&(i, j)| (docs.english[i].chars as f32, docs.russian[j].chars as f32))
            .filter(|&(e, _)| e > 0.0)
            .collect();
        if lengths.len() < MIN_ALIGNED {
            // Gale and Church's own figures.
            return LengthModel { ratio: 1.0, variance: 6.8 };
        }
        let mut ratios: Vec<f32> = lengths.iter().map(|&(e, r)| r / e).collect();
        ratios.sort_by(f32::total_cmp);
        let ratio = ratios[ratios.len() / 2];
        let variance = lengths.iter().map(|&(e, r)| (r - ratio * e).powi(2) / e).sum::<f32>()
            / lengths.len() as f32;
        LengthModel { ratio, variance: variance.clamp(1.0, 100.0) }
    }

    /// Minus the log-likelihood (up to a constant) that `english` characters translate
    /// into `russian` ones.
    fn cost(&self, english: f32, russian: f32) -> f32 {
        let mean = ((english + russian / self.ratio) / 2.0).max(1.0);
        let z = (russian - self.ratio * english) / (mean * self.variance).sqrt();
        z * z / 2.0
    }
}

/// The cheapest monotone pairing of the English passages `ge` with the Russian ones `gr`
/// (one with one, two with one, one with two, or none), by dynamic programming; the
/// pairings kept.
fn align_gap(
    model: &LengthModel,
    docs: &Anchored,
    english: &[Passage],
    russian: &[Passage],
    ge: &[usize],
    gr: &[usize],
) -> Vec<(usize, usize)> {
    const STEPS: [(usize, usize); 5] = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)];
    let (n, m) = (ge.len(), gr.len());
    let mut cost = vec![f32::INFINITY; (n + 1) * (m + 1)];
    let mut back: Vec<(usize, usize, f32)> = vec![(0, 0, 0.0); (n + 1) * (m + 1)];
    let at = |a: usize, b: usize| a * (m + 1) + b;
    cost[0] = 0.0;
    for a in 0..=n {
        for b in 0..=m {
            let here = cost[at(a, b)];
            if !here.is_finite() {
                continue;
            }
            for (da, db) in STEPS {
                if a + da > n || b + db > m {
                    continue;
                }
                let step = if da == 0 || db == 0 {
                    SKIP_COST
                } else {
                    let (es, rs) = (&ge[a..a + da], &gr[b..b + db]);
                    let (kind, part) = (&english[es[0]].kind, english[es[0]].part);
                    let like = |p: &Passage| p.kind == *kind && p.part == part;
                    if !es.iter().all(|&i| like(&english[i]))
                        || !rs.iter().all(|&j| like(&russian[j]))
                    {
                        continue;
                    }
                    let le: usize = es.iter().map(|&i| docs.english[i].chars).sum();
                    let lr: usize = rs.iter().map(|&j| docs.russian[j].chars).sum();
                    let join = if da + db > 2 { JOIN_COST } else { 0.0 };
                    model.cost(le as f32, lr as f32) + join
                };
                let next = at(a + da, b + db);
                if here + step < cost[next] {
                    cost[next] = here + step;
                    back[next] = (a, b, step);
                }
            }
        }
    }
    let mut pairs = Vec::new();
    let (mut a, mut b) = (n, m);
    while (a, b) != (0, 0) {
        let (pa, pb, step) = back[at(a, b)];
        if pa < a && pb < b && step < MAX_PAIR_COST {
            for &i in &ge[pa..a] {
                for &j in &gr[pb..b] {
                    pairs.push((i, j));
                }
            }
        }
        (a, b) = (pa, pb);
    }
    pairs
}

/// A passage's tokens as interned ids: all of them, its anchors, the digit-bearing ones.
struct Tokens {
    tokens: FxHashSet<u32>,
    anchors: Vec<u32>,
    digits: Vec<u32>,
    chars: usize,
    russian: bool,
    english: bool,
}

/// Both documents' passages, tokenised, with document frequencies over both.
struct Anchored {
    english: Vec<Tokens>,
    russian: Vec<Tokens>,
    df: Vec<u32>,
    idf: Vec<f32>,
    total: usize,
}

impl Anchored {
    fn new(english: &[Passage], russian: &[Passage]) -> Anchored {
        let mut ids: FxHashMap<String, u32> = FxHashMap::default();
        let mut df: Vec<u32> = Vec::new();
        let mut tokenise = |p: &Passage| {
            let russian = p.lang == "ru";
            let mut tokens = FxHashSet::default();
            let (mut anchors, mut digits) = (Vec::new(), Vec::new());
            for raw in p.text.split(is_separator) {
                let t = raw.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
                let has_digit = t.chars().any(|c| c.is_ascii_digit());
                if t.is_empty() || (t.chars().count() < 2 && !has_digit) {
                    continue;
                }
                let next = ids.len() as u32;
                let id = *ids.entry(t.clone()).or_insert(next);
                if id as usize == df.len() {
                    df.push(0);
                }
                if !tokens.insert(id) {
                    continue;
                }
                df[id as usize] += 1;
                let latin = t.chars().filter_map(script_of).all(|s| s == Script::Latin);
                if has_digit {
                    digits.push(id);
                }
                // In Russian text, what is in Latin letters was left as written (names,
                // commands, codes); in English text every word may be.
                if has_digit || latin {
                    anchors.push(id);
                }
            }
            let chars = p.text.chars().count();
            Tokens { tokens, anchors, digits, chars, russian, english: p.lang == "en" }
        };
        let english: Vec<Tokens> = english.iter().map(&mut tokenise).collect();
        let russian: Vec<Tokens> = russian.iter().map(&mut tokenise).collect();
        let total = english.len() + russian.len();
        let idf = df.iter().map(|&d| ((total as f32 + 1.0) / d as f32).ln()).collect();
        Anchored { english, russian, df, idf, total }
    }

    /// How much English-document passage `i` and Russian-document passage `j` look like a
    /// translation (or, both in English, a copy), in `[0, 1]`.
    fn similarity(&self, i: usize, j: usize) -> f32 {
        let (e, r) = (&self.english[i], &self.russian[j]);
        let idf = |t: &u32| self.idf[*t as usize];
        if e.english && r.english {
            // A passage left untranslated: the share of words the two have in common.
            let shared: f32 = r.tokens.iter().filter(|t| e.tokens.contains(t)).map(idf).sum();
            let all: f32 = e.tokens.iter().chain(&r.tokens).map(idf).sum::<f32>() - shared;
            return if all > 0.0 { shared / all } else { 0.0 };
        }
        if !(e.english && r.russian) {
            return 0.0;
        }
        // What the Russian passage kept unchanged, found in the English one, against all it
        // kept and the numbers of the English one it lacks.
        let shared: f32 = r.anchors.iter().filter(|t| e.tokens.contains(t)).map(idf).sum();
        let missing: f32 = e.digits.iter().filter(|t| !r.tokens.contains(t)).map(idf).sum();
        let all = r.anchors.iter().map(idf).sum::<f32>() + missing;
        if all <= 0.0 {
            return 0.0;
        }
        // Russian runs about a tenth longer than the English it translates.
        let (a, b) = (r.chars as f32, e.chars as f32 * 1.1);
        let lengths = (a.min(b) / a.max(b).max(1.0)).sqrt();
        shared / all * lengths
    }
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"' | '«' | '»' | ',' | ';' | ':' | '!' | '?')
}

/// The heaviest chain of links increasing in both passages (a weighted longest increasing
/// subsequence, by a Fenwick tree of prefix maxima): the ordered alignment.
fn heaviest_chain(links: &mut [(u32, u32, f32)]) -> Vec<(usize, usize, f32)> {
    // By Russian passage, and within one by English passage descending, so that two links
    // of one passage never chain.
    links.sort_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
    let n = links.iter().map(|l| l.0 as usize + 1).max().unwrap_or(0);
    let mut tree: Vec<(f32, usize)> = vec![(0.0, usize::MAX); n + 1];
    let mut best: Vec<(f32, usize)> = Vec::with_capacity(links.len());
    for (k, &(i, _, w)) in links.iter().enumerate() {
        // Best chain ending before English passage `i`.
        let mut at = i as usize;
        let mut before = (0.0, usize::MAX);
        while at > 0 {
            if tree[at].0 > before.0 {
                before = tree[at];
            }
            at &= at - 1;
        }
        best.push((before.0 + w, before.1));
        let mut at = i as usize + 1;
        while at <= n {
            if best[k].0 > tree[at].0 {
                tree[at] = (best[k].0, k);
            }
            at += at & at.wrapping_neg();
        }
    }
    let mut end = (0..best.len()).max_by(|&a, &b| best[a].0.total_cmp(&best[b].0));
    let mut chain = Vec::new();
    while let Some(k) = end {
        let (i, j, w) = links[k];
        chain.push((i as usize, j as usize, w));
        end = (best[k].1 != usize::MAX).then_some(best[k].1);
    }
    chain.reverse();
    chain
}

/// The translation table learnt from aligned passages (`english`, `russian` texts), as a
/// dictionary file: one line per English word, its Russian translations, likeliest first.
pub fn learn(pairs: &[(&str, &str)]) -> String {
    let analyzer = Analyzer::shared();
    let mut vocab = Vocabulary::default();
    // One pair of texts found in several pairs of documents (a book's HTML and its PDF,
    // each with its translation) is one piece of evidence: counted again, a word met in
    // one paragraph only would pass for met twice and be learnt as the translation of
    // every word beside it. Texts are compared by their letters and digits, as editions
    // differ in quotes, dashes and spaces.
    let mut seen: FxHashSet<(String, String)> = FxHashSet::default();
    let letters = |t: &str| -> String {
        t.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
    };
    let sentences: Vec<(Vec<u32>, Vec<u32>)> = pairs
        .iter()
        .filter(|(e, r)| seen.insert((letters(e), letters(r))))
        .map(|(e, r)| {
            // Words the translation kept as written (names, commands) are not translated.
            let kept = vocab.words(&analyzer, r, Script::Latin);
            let mut english = vocab.words(&analyzer, e, Script::Latin);
            english.retain(|w| !kept.contains(w));
            (english, vocab.words(&analyzer, r, Script::Cyrillic))
        })
        .filter(|(e, r)| !e.is_empty() && !r.is_empty())
        .collect();
    // The two directions, and the counts of words met together, side by side: a manual of
    // many pages aligns some ten thousand pairs.
    let (russian_given_english, (english_given_russian, cooccur)) = std::thread::scope(|s| {
        let forward = s.spawn(|| model_one(sentences.iter().map(|(e, r)| (e, r))));
        let backward = model_one(sentences.iter().map(|(e, r)| (r, e)));
        let mut cooccur: FxHashMap<(u32, u32), u32> = FxHashMap::default();
        for (e, r) in &sentences {
            for &a in e {
                for &b in r {
                    *cooccur.entry((a, b)).or_default() += 1;
                }
            }
        }
        let forward = forward.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (forward, (backward, cooccur))
    });
    let mut lines: Vec<String> = Vec::new();
    let mut by_english: FxHashMap<u32, Vec<(f32, u32)>> = FxHashMap::default();
    for (&(f, e), &p) in &russian_given_english {
        let Some(e) = e else { continue };
        let q = english_given_russian.get(&(e, Some(f))).copied().unwrap_or(0.0);
        let together = cooccur.get(&(e, f)).copied().unwrap_or(0);
        if p >= MIN_PROBABILITY && q >= MIN_PROBABILITY && together >= MIN_COOCCURRENCE {
            by_english.entry(e).or_default().push((p * q, f));
        }
    }
    for (e, mut ts) in by_english {
        ts.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let senses: Vec<&str> =
            ts.iter().take(MAX_TRANSLATIONS).map(|&(_, f)| vocab.surface(f)).collect();
        lines.push(format!("{}\t{}", vocab.surface(e), senses.join("; ")));
    }
    lines.sort();
    let mut out = String::new();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// Word stems as ids, with each stem's most frequent surface form.
#[derive(Default)]
struct Vocabulary {
    ids: FxHashMap<String, u32>,
    forms: Vec<FxHashMap<String, u32>>,
}

impl Vocabulary {
    /// The distinct stems of `text`'s words in `script` (no digits, no function words), at
    /// most `MAX_WORDS`.
    fn words(&mut self, analyzer: &Analyzer, text: &str, script: Script) -> Vec<u32> {
        let mut out = Vec::new();
        for tok in analyzer.tokens(text, Mode::Stem) {
            // The word as written (lowercased) is its surface form; the token, its stem.
            let word = text.get(tok.start..tok.end).unwrap_or_default().to_lowercase();
            let stem = tok.text;
            // Function words translate into whatever stands near them.
            if word.chars().count() < 3
                || STOP_WORDS.contains(&word.as_str())
                || word.chars().any(|c| c.is_ascii_digit())
                || word.chars().find_map(script_of) != Some(script)
            {
                continue;
            }
            let next = self.ids.len() as u32;
            let id = *self.ids.entry(stem).or_insert(next);
            if id as usize == self.forms.len() {
                self.forms.push(FxHashMap::default());
            }
            *self.forms[id as usize].entry(word).or_default() += 1;
            if !out.contains(&id) {
                out.push(id);
                if out.len() == MAX_WORDS {
                    break;
                }
            }
        }
        out
    }

    /// The most frequent surface form of a stem (the shortest, then the first in order,
    /// among equals).
    fn surface(&self, id: u32) -> &str {
        self.forms[id as usize]
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.len().cmp(&a.0.len())).then(b.0.cmp(a.0)))
            .map_or("", |(w, _)| w.as_str())
    }
}

/// IBM Model 1: `t(f | e)` for words `f` of the targets given words `e` of the sources
/// (`None`: the empty word, which takes what no source word explains), by EM from uniform.
fn model_one<'a>(
    pairs: impl Iterator<Item = (&'a Vec<u32>, &'a Vec<u32>)> + Clone,
) -> FxHashMap<(u32, Option<u32>), f32> {
    let mut t: FxHashMap<(u32, Option<u32>), f32> = FxHashMap::default();
    for (src, tgt) in pairs.clone() {
        for &f in tgt {
            for e in src.iter().copied().map(Some).chain([None]) {
                t.insert((f, e), 1.0);
            }
        }
    }
    for _ in 0..ITERATIONS {
        let mut counts: FxHashMap<(u32, Option<u32>), f32> = FxHashMap::default();
        let mut totals: FxHashMap<Option<u32>, f32> = FxHashMap::default();
        for (src, tgt) in pairs.clone() {
            for &f in tgt {
                let z: f32 = src.iter().copied().map(Some).chain([None]).map(|e| t[&(f, e)]).sum();
                for e in src.iter().copied().map(Some).chain([None]) {
                    let c = t[&(f, e)] / z;
                    *counts.entry((f, e)).or_default() += c;
                    *totals.entry(e).or_default() += c;
                }
            }
        }
        for ((_, e), c) in counts.iter_mut() {
            *c /= totals[e];
        }
        t = counts;
    }
    t
}

/// Learns the translation table of the corpus in `qindex` from its documents that
/// translate each other, and writes it beside the index ([`FILE_NAME`]; removed when no
/// documents pair). Returns the pairs `(english, russian)` of documents found, or `None`
/// when no document that could pair changed since the `previous` manifest (the table
/// stands: a refresh that touches other files costs nothing here).
pub fn relearn(qindex: &QIndex, previous: &Manifest) -> Result<Option<Vec<(String, String)>>> {
    let now = candidates(&qindex.manifest().files);
    let contents = |files: &BTreeMap<String, FileState>, sets: &[Candidate]| -> Vec<u64> {
        sets.iter()
            .flat_map(|c| c.english.iter().chain(&c.russian))
            .map(|rel| files.get(*rel).map_or(0, |f| f.hash))
            .collect()
    };
    let before = candidates(&previous.files);
    if before == now
        && contents(&previous.files, &before) == contents(&qindex.manifest().files, &now)
    {
        return Ok(None);
    }
    let mut read: FxHashMap<&str, Vec<(String, Passage)>> = FxHashMap::default();
    let mut found = Vec::new();
    let mut aligned: Vec<(String, String)> = Vec::new();
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut paired: FxHashSet<&str> = FxHashSet::default();
    let mut attempts = 0;
    for candidate in now {
        // A translation has one original: a document pairs once.
        let files = || candidate.english.iter().chain(&candidate.russian);
        if files().any(|rel| paired.contains(rel)) {
            continue;
        }
        if !candidate.named {
            attempts += 1;
            if attempts > MAX_PAIRS {
                break;
            }
        }
        for &rel in files() {
            if !read.contains_key(rel) {
                let passages = crate::search::passages_of_file(qindex, rel)?
                    .into_iter()
                    .map(|h| {
                        let passage = Passage { text: h.text, lang: h.lang, kind: h.kind, part: 0 };
                        (h.id, passage)
                    })
                    .collect();
                read.insert(rel, passages);
            }
        }
        // The files of each side one after another, each passage knowing its file, and
        // their passages' ids.
        let side = |rels: &[&str]| -> (Vec<String>, Vec<Passage>) {
            let mut out = (Vec::new(), Vec::new());
            for (part, rel) in rels.iter().enumerate() {
                for (id, p) in &read[rel] {
                    out.0.push(id.clone());
                    out.1.push(Passage { part: part as u32, ..p.clone() });
                }
            }
            out
        };
        let ((e_ids, e), (r_ids, r)) = (side(&candidate.english), side(&candidate.russian));
        let Some(pairs) = align(&e, &r) else { continue };
        paired.extend(files().copied());
        // The pairs of files with a passage aligned, in order.
        let mut parts = std::collections::BTreeSet::new();
        for (i, j) in pairs {
            parts.insert(e[i].part as usize);
            aligned.push((e[i].text.clone(), r[j].text.clone()));
            ids.push((e_ids[i].clone(), r_ids[j].clone()));
        }
        for part in parts {
            found.push((candidate.english[part].to_string(), candidate.russian[part].to_string()));
        }
    }
    let path = qindex.dir.join(FILE_NAME);
    if aligned.is_empty() {
        for name in [COMPILED_NAME, FILE_NAME, ALIGNED_NAME] {
            let path = qindex.dir.join(name);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(&path, e))
                }
                _ => {}
            }
        }
        return Ok(Some(found));
    }
    let refs: Vec<(&str, &str)> = aligned.iter().map(|(e, r)| (e.as_str(), r.as_str())).collect();
    let table = learn(&refs);
    // Unchanged, the table is not compiled again.
    let compiled = qindex.dir.join(COMPILED_NAME);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(table.as_str()) || !compiled.is_file()
    {
        crate::dictionary::Dictionary::write_compiled(&table, &qindex.dir, COMPILED_NAME)?;
        crate::atomic::write(&qindex.dir, FILE_NAME, table.as_bytes())?;
    }
    crate::atomic::write(&qindex.dir, ALIGNED_NAME, Alignment::layout(&ids).as_bytes())?;
    Ok(Some(found))
}

/// The table of aligned passages beside the index.
pub const ALIGNED_NAME: &str = "aligned.bin";
/// First line of that table.
const ALIGNED_MAGIC: &str = "quelle-aligned 1";

/// The passages of documents that translate each other, each with its counterparts in the
/// other document (one or two: a paragraph may be split in translation), by passage id.
pub struct Alignment {
    table: crate::table::LineTable,
}

impl Alignment {
    /// The table of `pairs` (English id, Russian id), both ways.
    fn layout(pairs: &[(String, String)]) -> String {
        let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (e, r) in pairs {
            by_id.entry(e).or_default().push(r);
            by_id.entry(r).or_default().push(e);
        }
        let lines: Vec<String> =
            by_id.into_iter().map(|(id, others)| format!("{id}\t{}", others.join("\t"))).collect();
        crate::table::LineTable::layout(&lines, ALIGNED_MAGIC)
    }

    /// The alignment beside the index in `dir`; `Ok(None)` when no documents pair.
    pub fn open(dir: &std::path::Path) -> Result<Option<Alignment>> {
        let path = dir.join(ALIGNED_NAME);
        match std::fs::File::open(&path) {
            Ok(file) => match crate::table::LineTable::from_file(file, ALIGNED_MAGIC) {
                Some(table) => Ok(Some(Alignment { table })),
                None => {
                    Err(Error::io(&path, std::io::Error::from(std::io::ErrorKind::InvalidData)))
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(&path, e)),
        }
    }

    /// The ids of the passages aligned with passage `id`, in document order.
    pub fn counterparts(&self, id: &str) -> Vec<String> {
        let Some(line) = self.table.line(id) else { return Vec::new() };
        let line = String::from_utf8_lossy(&line);
        line.split('\t').skip(1).map(str::to_string).collect()
    }
}

/// Documents that might translate each other: English files and Russian ones, read one
/// after another (the same number on both sides, the n-th translating the n-th).
#[derive(Debug, PartialEq)]
struct Candidate<'a> {
    english: Vec<&'a str>,
    russian: Vec<&'a str>,
    /// Paired by their paths (`en/intro.html`, `ru/intro.html`), not by their sizes.
    named: bool,
}

/// What the alignment tries, in order: the files paired by name, each folder's pairs as
/// one set ([`named_sets`]), then single documents by size ([`candidate_pairs`]).
fn candidates(files: &BTreeMap<String, FileState>) -> Vec<Candidate<'_>> {
    let by_size = candidate_pairs(files).into_iter().map(|(e, r)| Candidate {
        english: vec![e],
        russian: vec![r],
        named: false,
    });
    named_sets(files).into_iter().chain(by_size).collect()
}

/// The language a part of a path names (`en`, `ru`, `english`, `ru_RU`…), if any.
fn language_tag(part: &str) -> Option<&'static str> {
    let part = part.to_ascii_lowercase();
    let (code, region) = part.split_once(['_', '-']).unwrap_or((&part, ""));
    if region.len() > 2 {
        return None;
    }
    match code {
        "en" | "eng" | "english" => Some("en"),
        "ru" | "rus" | "russian" => Some("ru"),
        _ => None,
    }
}

/// A path without the language it names (`en/guide.html`, `guide.ru.html`,
/// `guide_ru.pdf`, `guide-ru/index.html` all give `guide.html`, `guide.pdf` or
/// `guide/index.html`), and that language if it names one; `None` when it names two.
fn untagged(path: &str) -> Option<(String, Option<&'static str>)> {
    let mut tags: Vec<&'static str> = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    let (folders, name) = path.rsplit_once('/').map_or(("", path), |(f, n)| (f, n));
    for folder in folders.split('/').filter(|f| !f.is_empty()) {
        if let Some(tag) = language_tag(folder) {
            tags.push(tag);
            continue;
        }
        let (rest, tag) = without_tag_at_end(folder);
        tags.extend(tag);
        kept.push(rest.to_string());
    }
    let mut parts: Vec<&str> = Vec::new();
    for (k, part) in name.split('.').enumerate() {
        match language_tag(part) {
            Some(tag) if k > 0 => tags.push(tag),
            _ => parts.push(part),
        }
    }
    let (stem, tag) = without_tag_at_end(parts[0]);
    tags.extend(tag);
    parts[0] = stem;
    kept.push(parts.join("."));
    let first = tags.first().copied();
    tags.iter().all(|&t| Some(t) == first).then(|| (kept.join("/"), first))
}

/// A name without the language tag it ends with (`guide_ru`, `manual-en`), and the tag.
fn without_tag_at_end(name: &str) -> (&str, Option<&'static str>) {
    let Some(at) = name.rfind(['_', '-']).filter(|&at| at > 0) else { return (name, None) };
    match language_tag(&name[at + 1..]) {
        Some(tag) => (&name[..at], Some(tag)),
        None => (name, None),
    }
}

/// Files whose paths differ only in the language they name (`en/intro.html` and
/// `ru/intro.html`, `faq.en.html` and `ru/faq.ru.html`), one English and one Russian each;
/// the pairs of one pair of folders make one set, in the order of their names, read as
/// one document each side. A manual cut into pages aligns as a whole: a page alone is often
/// too short to show it is a translation.
fn named_sets(files: &BTreeMap<String, FileState>) -> Vec<Candidate<'_>> {
    // By untagged path: the English files and the Russian ones.
    let mut by_key: BTreeMap<String, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for (rel, f) in files {
        // A file that names no language pairs with one that does (`guide.html` with
        // `guide.ru.html`), in the language it is written in.
        let Some((key, tag)) = untagged(rel) else { continue };
        let both = by_key.entry(key).or_default();
        if tag.is_none_or(|t| t == "en") && written_in(f, "en", 1) {
            both.0.push(rel);
        } else if tag.is_none_or(|t| t == "ru") && written_in(f, "ru", 1) {
            both.1.push(rel);
        }
    }
    // By the pair of folders; a set's passages stay within the bound of one document.
    let folder = |rel: &str| rel.rsplit_once('/').map_or("", |(f, _)| f).to_string();
    let mut sets: BTreeMap<(String, String), Candidate> = BTreeMap::new();
    for (english, russian) in by_key.into_values() {
        let ([e], [r]) = (english.as_slice(), russian.as_slice()) else { continue };
        let set = sets.entry((folder(e), folder(r))).or_insert_with(|| Candidate {
            english: Vec::new(),
            russian: Vec::new(),
            named: true,
        });
        set.english.push(e);
        set.russian.push(r);
    }
    let passages = |rels: &[&str]| rels.iter().map(|rel| files[*rel].passages).sum::<u64>();
    sets.into_values()
        .filter(|set| passages(&set.english).max(passages(&set.russian)) <= MAX_DOC_PASSAGES)
        .collect()
}

/// Whether an indexed file of at least `min_passages` passages (and at most
/// [`MAX_DOC_PASSAGES`]) is written in `lang` (`en` or `ru`) as far as alignment goes: most
/// of it in English, or a good share in Russian.
fn written_in(f: &FileState, lang: &str, min_passages: u64) -> bool {
    let share = |n: u64| n as f64 / f.passages as f64;
    f.skipped.is_none()
        && (min_passages.max(1)..=MAX_DOC_PASSAGES).contains(&f.passages)
        && if lang == "en" {
            share(f.english) >= ENGLISH_SHARE
        } else {
            share(f.russian) >= RUSSIAN_SHARE
        }
}

/// Pairs `(english, russian)` of indexed documents that might translate each other: long
/// enough, one in English and one largely in Russian, of similar numbers of passages; for
/// each English document the [`NEAREST`] Russian ones closest in size, the closest pairs
/// first.
fn candidate_pairs(files: &BTreeMap<String, FileState>) -> Vec<(&str, &str)> {
    let mut russian: Vec<(u64, &str)> = files
        .iter()
        .filter(|(_, f)| written_in(f, "ru", MIN_PASSAGES))
        .map(|(rel, f)| (f.passages, rel.as_str()))
        .collect();
    russian.sort_unstable();
    let distance = |a: u64, b: u64| (a as f64 / b as f64).ln().abs();
    let mut pairs: Vec<(f64, &str, &str)> = Vec::new();
    for (e, f) in files {
        if !written_in(f, "en", MIN_PASSAGES) {
            continue;
        }
        let at = russian.partition_point(|&(n, _)| n < f.passages);
        let from = at.saturating_sub(NEAREST);
        let mut near: Vec<(f64, &str)> = russian[from..(at + NEAREST).min(russian.len())]
            .iter()
            .map(|&(n, r)| (distance(f.passages, n), r))
            .filter(|&(d, r)| d <= 2f64.ln() && r != e)
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        pairs.extend(near.into_iter().take(NEAREST).map(|(d, r)| (d, e.as_str(), r)));
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)).then(a.2.cmp(b.2)));
    pairs.into_iter().map(|(_, e, r)| (e, r)).collect()
}

#[cfg(test)]
#[path = "../tests/common/manual.rs"]
mod manual;

#[cfg(test)]
mod tests {
    use super::manual::{manual, WORDS};
    use super::*;

    fn passages(texts: &[String], lang: &str) -> Vec<Passage> {
        texts
            .iter()
            .map(|t| Passage { text: t.clone(), lang: lang.into(), kind: "body".into(), part: 0 })
            .collect()
    }

    #[test]
    fn a_path_names_its_language_in_a_folder_a_part_or_the_end_of_its_name() {
        let key = |p: &str| untagged(p).map(|(k, t)| format!("{k} {}", t.unwrap_or("-")));
        assert_eq!(key("en/intro.html").as_deref(), Some("intro.html en"));
        assert_eq!(key("docs/ru/intro.html").as_deref(), Some("docs/intro.html ru"));
        assert_eq!(key("ru/faq.ru.html").as_deref(), Some("faq.html ru"));
        assert_eq!(key("faq.en.txt.gz").as_deref(), Some("faq.txt.gz en"));
        assert_eq!(key("report_RU.pdf").as_deref(), Some("report.pdf ru"));
        assert_eq!(key("guide-html-ru/kde.html").as_deref(), Some("guide-html/kde.html ru"));
        assert_eq!(key("ru_RU/notes-en.txt"), None, "two languages");
        // No tag, or a word that only starts like one.
        assert_eq!(key("notes.txt").as_deref(), Some("notes.txt -"));
        assert_eq!(key("en.txt").as_deref(), Some("en.txt -"), "a name is not a tag");
        let untouched = ["rust/guide-english-notes.md", "green/ruler.txt", "a/b-rus2/c.txt"];
        for path in untouched {
            assert_eq!(key(path), Some(format!("{path} -")));
        }
    }

    #[test]
    fn the_heaviest_chain_keeps_order_and_weight() {
        // (english, russian, weight): the chain 0-0, 2-1, 3-3 (2.5) beats 1-0 alone and
        // the crossing 4-2.
        let mut links = vec![(0, 0, 1.0), (1, 0, 0.5), (2, 1, 0.5), (4, 2, 0.4), (3, 3, 1.0)];
        let chain = heaviest_chain(&mut links);
        let pairs: Vec<(usize, usize)> = chain.iter().map(|&(i, j, _)| (i, j)).collect();
        assert_eq!(pairs, [(0, 0), (2, 1), (3, 3)]);
        assert!(heaviest_chain(&mut []).is_empty());
    }

    #[test]
    fn a_translation_aligns_and_a_shuffled_one_does_not() {
        let (en, ru): (Vec<String>, Vec<String>) = (0..40).map(manual).unzip();
        let (en, ru) = (passages(&en, "en"), passages(&ru, "ru"));
        let pairs = align(&en, &ru).expect("a translation aligns");
        assert!(pairs.len() >= 36, "{}", pairs.len());
        assert!(pairs.iter().all(|&(i, j)| i == j), "{pairs:?}");
        // The same passages in another order do not translate the document.
        let mut shuffled = ru.clone();
        let n = shuffled.len();
        for i in 0..n {
            shuffled.swap(i, (i * 17 + 5) % n);
        }
        assert_eq!(align(&en, &shuffled), None);
        // Nor does a document with nothing kept as written.
        let plain: Vec<Passage> = (0..40)
            .map(|_| Passage {
                text: "Текст без чисел и кодов.".into(),
                lang: "ru".into(),
                kind: "body".into(),
                part: 0,
            })
            .collect();
        assert_eq!(align(&en, &plain), None);
    }

    #[test]
    fn passages_between_anchors_align_by_their_lengths() {
        // Every fifth paragraph keeps nothing as written (no number, no code): it is
        // aligned by its length between its anchored neighbours; a gap whose lengths do
        // not match is left alone.
        let plain = |n: usize| {
            (
                format!("The quiet marmot sleeps under hill {} all winter.", "far ".repeat(n % 3)),
                format!("Тихий сурок спит под холмом {}всю зиму.", "далёким ".repeat(n % 3)),
            )
        };
        let (mut en, mut ru): (Vec<String>, Vec<String>) =
            (0..40).map(|n| if n % 5 == 2 { plain(n) } else { manual(n) }).unzip();
        ru[37] = "Совсем другой и очень длинный абзац, ".repeat(8);
        en[37] = "Short.".into();
        let (en, ru) = (passages(&en, "en"), passages(&ru, "ru"));
        let pairs = align(&en, &ru).expect("a translation aligns");
        for n in (2..40).step_by(5) {
            let expected = n != 37;
            assert_eq!(pairs.contains(&(n, n)), expected, "{n}: {pairs:?}");
        }
        assert!(pairs.iter().all(|&(i, j)| i == j), "{pairs:?}");
    }

    #[test]
    fn an_alignment_table_gives_each_passage_its_counterparts() {
        let dir = tempfile::tempdir().unwrap();
        let pairs: Vec<(String, String)> = vec![
            ("en.txt:1".into(), "ru.txt:1".into()),
            ("en.txt:3".into(), "ru.txt:4".into()),
            ("en.txt:5".into(), "ru.txt:4".into()),
        ];
        crate::atomic::write(dir.path(), ALIGNED_NAME, Alignment::layout(&pairs).as_bytes())
            .unwrap();
        let a = Alignment::open(dir.path()).unwrap().unwrap();
        assert_eq!(a.counterparts("en.txt:1"), ["ru.txt:1"]);
        assert_eq!(a.counterparts("ru.txt:4"), ["en.txt:3", "en.txt:5"]);
        assert!(a.counterparts("en.txt:2").is_empty());
        assert!(Alignment::open(&dir.path().join("none")).unwrap().is_none());
    }

    #[test]
    fn aligned_passages_teach_word_translations_both_ways() {
        let (en, ru): (Vec<String>, Vec<String>) = (0..40).map(manual).unzip();
        let pairs: Vec<(&str, &str)> =
            en.iter().map(String::as_str).zip(ru.iter().map(String::as_str)).collect();
        let table = learn(&pairs);
        for (e, r) in WORDS {
            let line = table.lines().find(|l| l.starts_with(&format!("{e}\t")));
            let first = line.and_then(|l| l.split('\t').nth(1)).and_then(|s| s.split("; ").next());
            assert_eq!(first, Some(r), "{e}: {line:?}\n{table}");
        }
        // Function words are not learnt.
        assert!(!table.lines().any(|l| l.starts_with("the\t")), "{table}");
    }
}
