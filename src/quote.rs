//! Quote checking: where does a quotation come from, and is it exact? Candidate passages
//! come from the index (by the quote's words); each is tried alone and joined with the
//! passage before or after it, so a quote may cross a passage boundary. The quote's words
//! are aligned with the source's (case, `ё` and accents aside): the source may begin before
//! and end after the quote, an ellipsis (`…`, `...`, `[…]`) stands for any omitted words,
//! and every other difference is reported as a word changed, missing or extra.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use crate::analysis::{words, Analyzer, Mode};
use crate::error::{Error, Result};
use crate::index::QIndex;
use crate::normalize;

/// Candidate passages aligned with a quote.
const CANDIDATES: usize = 20;
/// Words of a quote, the rarest, that find its candidate passages.
const CANDIDATE_WORDS: usize = 24;
/// Longest quote checked, in words.
pub const MAX_QUOTE_WORDS: usize = 400;
/// Below this share of its words found in order, a quote is not from the corpus.
const MIN_MATCH: f32 = 0.5;
/// Costs of the alignment. Quoters leave words out far more often than they change or add
/// them, so a source word left out costs least: the alignment prefers to explain a quote as
/// omissions and a change over declaring its end foreign to the source.
const COST_MISSING: usize = 1;
const COST_CHANGED: usize = 4;
const COST_EXTRA: usize = 5;

/// What the check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Word for word as in the source (omissions marked by an ellipsis allowed).
    Exact,
    /// Found, with the differences listed.
    Close,
    /// Nothing in the corpus matches.
    NotFound,
}

/// One difference between the quote and its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Difference {
    /// The quote has `quote` where the source has `source`.
    Changed {
        /// The quote's word.
        quote: String,
        /// The source's word.
        source: String,
    },
    /// The source has words the quote leaves out without an ellipsis.
    Missing {
        /// The source's words.
        source: String,
    },
    /// The quote has words the source does not.
    Extra {
        /// The quote's words.
        quote: String,
    },
}

/// A source passage the quote was found in.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    /// Passage id.
    pub id: String,
    /// Document path relative to the corpus.
    pub doc: String,
    /// Document title (as the index knows it).
    pub title: String,
    /// Section path.
    pub section: String,
    /// Passage language.
    pub lang: String,
    /// First line of the passage.
    pub line_start: u64,
    /// Last line of the passage.
    pub line_end: u64,
    /// The passage's text.
    pub text: String,
    /// Where its later lines begin in `text`.
    #[serde(skip)]
    pub line_marks: Vec<(u32, u32)>,
}

impl Source {
    /// The lines holding bytes `start..end` of the text.
    fn lines_of(&self, start: usize, end: usize) -> (u64, u64) {
        let (a, b) = crate::segment::lines_of(self.line_start as u32, &self.line_marks, start, end);
        (u64::from(a), u64::from(b))
    }
}

/// The result of checking a quote.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteCheck {
    /// The quote, display-normalised.
    pub quote: String,
    /// Exact, close or not found.
    pub verdict: Verdict,
    /// Share of the quote's words found in order in the source (1.0 for exact).
    pub score: f32,
    /// The passages the quote was found in (one, or two across a boundary).
    pub sources: Vec<Source>,
    /// The source's text from the first to the last word matched.
    pub source_text: String,
    /// The runs of source words the quote's words stand for (ellipses between them):
    /// `(source, start, end)`, bytes of that source's text.
    #[serde(skip)]
    pub spans: Vec<(usize, usize, usize)>,
    /// First line of the words matched.
    pub line_start: u64,
    /// Last line of the words matched.
    pub line_end: u64,
    /// How the quote differs from the source.
    pub differences: Vec<Difference>,
    /// True when the matched words differ from the source only in letter case or `ё`/`е`.
    pub case_or_yo_only: bool,
}

/// A word of the quote, or an ellipsis standing for omitted words.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Word { surface: String, fold: String },
    Gap,
}

fn quote_items(quote: &str) -> Vec<Item> {
    let analyzer = Analyzer::shared();
    let mut items = Vec::new();
    let mut last = 0;
    for (a, b) in words(quote) {
        let between = &quote[last..a];
        if between.contains('…') || between.contains("...") {
            items.push(Item::Gap);
        }
        let surface = quote[a..b].to_string();
        let fold = analyzer.term(&surface, Mode::Fold);
        items.push(Item::Word { surface, fold });
        last = b;
    }
    if quote[last..].contains('…') || quote[last..].contains("...") {
        items.push(Item::Gap);
    }
    items
}

/// A word of a candidate source window.
struct SourceWord {
    surface: String,
    fold: String,
    passage: usize,
    start: usize,
    end: usize,
}

/// Finds where `quote` comes from.
pub fn check(qindex: &QIndex, quote: &str) -> Result<QuoteCheck> {
    let quote = normalize::display(quote);
    let items = quote_items(&quote);
    let n_words = items.iter().filter(|i| matches!(i, Item::Word { .. })).count();
    if n_words == 0 {
        return Err(Error::Query { pos: 1, msg: "the quote has no words".into() });
    }
    if n_words > MAX_QUOTE_WORDS {
        return Err(Error::Query {
            pos: 1,
            msg: format!("the quote has {n_words} words; at most {MAX_QUOTE_WORDS} are checked"),
        });
    }
    let searcher = qindex.searcher();
    let f = &qindex.fields;
    // Candidates are found by the quote's rarest words: they single out its passage as
    // well as all of them would, and a long quote of common words stays cheap.
    let mut words: Vec<(u64, &str)> = items
        .iter()
        .filter_map(|i| match i {
            Item::Word { fold, .. } => Some(fold.as_str()),
            Item::Gap => None,
        })
        .collect::<std::collections::BTreeSet<&str>>()
        .into_iter()
        .map(|fold| {
            let df = searcher.doc_freq(&Term::from_field_text(f.exact, fold)).unwrap_or(0);
            (df, fold)
        })
        .filter(|&(df, _)| df > 0)
        .collect();
    words.sort_unstable();
    let clauses: Vec<(Occur, Box<dyn Query>)> = words
        .iter()
        .take(CANDIDATE_WORDS)
        .map(|&(_, fold)| {
            let t = Term::from_field_text(f.exact, fold);
            (
                Occur::Should,
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
            )
        })
        .collect();
    let candidates = searcher
        .search(&BooleanQuery::new(clauses), &TopDocs::with_limit(CANDIDATES).order_by_score())
        .map_err(|e| qindex.damaged(e))?;
    let mut best: Option<(usize, QuoteCheck)> = None;
    for (_, address) in candidates {
        let doc: TantivyDocument = qindex.stored(&searcher, address)?;
        let passage = source_of(qindex, &doc);
        let ordinal = doc.get_first(f.ordinal).and_then(|v| v.as_u64()).unwrap_or(0);
        let before = ordinal
            .checked_sub(1)
            .map(|o| neighbour(qindex, &passage.doc, o))
            .transpose()?
            .flatten();
        let after = neighbour(qindex, &passage.doc, ordinal + 1)?;
        let mut windows = vec![vec![passage.clone()]];
        if let Some(b) = before {
            windows.push(vec![b, passage.clone()]);
        }
        if let Some(a) = after {
            windows.push(vec![passage.clone(), a]);
        }
        for window in windows {
            let (cost, result) = align(&quote, &items, n_words, window);
            let better = match &best {
                None => true,
                Some((c, r)) => cost < *c || (cost == *c && result.sources.len() < r.sources.len()),
            };
            if better {
                best = Some((cost, result));
            }
        }
    }
    Ok(match best {
        Some((_, result)) if result.score >= MIN_MATCH => result,
        Some((_, mut result)) => {
            result.verdict = Verdict::NotFound;
            result
        }
        None => QuoteCheck {
            quote,
            verdict: Verdict::NotFound,
            score: 0.0,
            sources: Vec::new(),
            source_text: String::new(),
            spans: Vec::new(),
            line_start: 0,
            line_end: 0,
            differences: Vec::new(),
            case_or_yo_only: false,
        },
    })
}

fn source_of(qindex: &QIndex, doc: &TantivyDocument) -> Source {
    let f = &qindex.fields;
    let text_of = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let num_of = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    Source {
        id: text_of(f.id),
        doc: text_of(f.doc),
        title: text_of(f.title),
        section: text_of(f.section_text),
        lang: text_of(f.lang),
        line_start: num_of(f.line_start),
        line_end: num_of(f.line_end),
        text: text_of(f.text),
        line_marks: crate::segment::marks_from_str(&text_of(f.line_marks)),
    }
}

/// The passage of `doc` at `ordinal`, if there is one.
fn neighbour(qindex: &QIndex, doc: &str, ordinal: u64) -> Result<Option<Source>> {
    let f = &qindex.fields;
    let searcher = qindex.searcher();
    let query = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(Term::from_field_text(f.doc, doc), IndexRecordOption::Basic))
                as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(f.ordinal, ordinal),
                IndexRecordOption::Basic,
            )),
        ),
    ]);
    let found = searcher
        .search(&query, &TopDocs::with_limit(1).order_by_score())
        .map_err(|e| qindex.damaged(e))?;
    match found.first() {
        Some(&(_, address)) => {
            let d: TantivyDocument = qindex.stored(&searcher, address)?;
            Ok(Some(source_of(qindex, &d)))
        }
        None => Ok(None),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Start,
    Pair,
    Extra,
    Missing,
    GapSkip,
    GapEnd,
}

/// Aligns the quote with a window of passages; returns the edit cost and the result.
fn align(quote: &str, items: &[Item], n_words: usize, window: Vec<Source>) -> (usize, QuoteCheck) {
    let analyzer = Analyzer::shared();
    let mut src: Vec<SourceWord> = Vec::new();
    for (pi, p) in window.iter().enumerate() {
        for (a, b) in words(&p.text) {
            let surface = p.text[a..b].to_string();
            let fold = analyzer.term(&surface, Mode::Fold);
            src.push(SourceWord { surface, fold, passage: pi, start: a, end: b });
        }
    }
    let (n, m) = (items.len(), src.len());
    let inf = usize::MAX / 4;
    // cost[i][j]: quote items 0..i aligned, the source read up to word j; the source may
    // start anywhere (row 0 is free) and end anywhere (the minimum of row n).
    let mut cost = vec![vec![inf; m + 1]; n + 1];
    let mut step = vec![vec![Step::Start; m + 1]; n + 1];
    for c in cost[0].iter_mut() {
        *c = 0;
    }
    for i in 1..=n {
        for j in 0..=m {
            let mut best = (inf, Step::Start);
            match &items[i - 1] {
                Item::Gap => {
                    // An ellipsis absorbs any run of source words, or none.
                    best = (cost[i - 1][j], Step::GapEnd);
                    if j > 0 && cost[i][j - 1] < best.0 {
                        best = (cost[i][j - 1], Step::GapSkip);
                    }
                }
                Item::Word { fold, .. } => {
                    if j > 0 {
                        let sub = if src[j - 1].fold == *fold { 0 } else { COST_CHANGED };
                        best = (cost[i - 1][j - 1] + sub, Step::Pair);
                        if cost[i][j - 1] + COST_MISSING < best.0 {
                            best = (cost[i][j - 1] + COST_MISSING, Step::Missing);
                        }
                    }
                    if cost[i - 1][j] + COST_EXTRA < best.0 {
                        best = (cost[i - 1][j] + COST_EXTRA, Step::Extra);
                    }
                }
            }
            cost[i][j] = best.0;
            step[i][j] = best.1;
        }
    }
    let (end_j, total) = (0..=m)
        .map(|j| (j, cost[n][j]))
        .min_by_key(|&(j, c)| (c, std::cmp::Reverse(j)))
        .unwrap_or((0, inf));
    // Trace back the differences and the span of source words used.
    let mut diffs_rev: Vec<Difference> = Vec::new();
    let (mut i, mut j) = (n, end_j);
    let (mut first_src, mut last_src) = (None::<usize>, None::<usize>);
    let mut exact_surface = true;
    let mut found = 0usize;
    // Source words paired with the quote's, last first.
    let mut paired_rev: Vec<usize> = Vec::new();
    // The steps from the end back to the start.
    let mut trace: Vec<(Step, usize, usize)> = Vec::new();
    while i > 0 {
        let st = step[i][j];
        trace.push((st, i, j));
        match st {
            Step::Pair => (i, j) = (i - 1, j - 1),
            Step::Missing | Step::GapSkip => j -= 1,
            Step::Extra | Step::GapEnd => i -= 1,
            Step::Start => break,
        }
    }
    // Words invented after (or before) a real quote pair with whatever the source has
    // there, one changed word after another; two or more such at an end are the quote's
    // own words, extra.
    let changed = |&(st, i, j): &(Step, usize, usize)| {
        st == Step::Pair
            && matches!(&items[i - 1], Item::Word { fold, .. } if *fold != src[j - 1].fold)
    };
    let tail = trace.iter().take_while(|t| changed(t)).count();
    let head = trace.iter().rev().take_while(|t| changed(t)).count();
    if tail < trace.len() {
        let n = trace.len();
        if tail >= 2 {
            trace[..tail].iter_mut().for_each(|t| t.0 = Step::Extra);
        }
        if head >= 2 {
            trace[n - head..].iter_mut().for_each(|t| t.0 = Step::Extra);
        }
    }
    for &(st, i, j) in &trace {
        match st {
            Step::Pair => {
                let (quote_surface, quote_fold) = match &items[i - 1] {
                    Item::Word { surface, fold } => (surface.as_str(), fold.as_str()),
                    Item::Gap => ("", ""),
                };
                let s = &src[j - 1];
                if s.fold != quote_fold {
                    diffs_rev.push(Difference::Changed {
                        quote: quote_surface.to_string(),
                        source: s.surface.clone(),
                    });
                } else {
                    found += 1;
                }
                if s.fold == quote_fold
                    && s.surface != quote_surface
                    && !(i == 1 && same_but_first_case(&s.surface, quote_surface))
                {
                    exact_surface = false;
                }
                last_src.get_or_insert(j - 1);
                first_src = Some(j - 1);
                paired_rev.push(j - 1);
            }
            Step::Missing => {
                push_run(
                    &mut diffs_rev,
                    Difference::Missing { source: src[j - 1].surface.clone() },
                );
                last_src.get_or_insert(j - 1);
                first_src = Some(j - 1);
            }
            Step::Extra => {
                if let Item::Word { surface, .. } = &items[i - 1] {
                    push_run(&mut diffs_rev, Difference::Extra { quote: surface.clone() });
                }
            }
            Step::GapSkip => {
                last_src.get_or_insert(j - 1);
                first_src = Some(j - 1);
            }
            Step::GapEnd | Step::Start => {}
        }
    }
    diffs_rev.reverse();
    let score = found as f32 / n_words as f32;
    let (sources, source_text, line_start, line_end) = match (first_src, last_src) {
        (Some(a), Some(b)) => {
            let (pa, pb) = (src[a].passage, src[b].passage);
            let text = if pa == pb {
                window[pa].text[src[a].start..src[b].end].to_string()
            } else {
                format!("{} {}", &window[pa].text[src[a].start..], &window[pb].text[..src[b].end])
            };
            let used: Vec<Source> = window[pa..=pb].to_vec();
            let ls = window[pa].lines_of(src[a].start, src[a].end).0;
            let le = window[pb].lines_of(src[b].start, src[b].end).1;
            (used, text, ls, le)
        }
        _ => (Vec::new(), String::new(), 0, 0),
    };
    // Runs of consecutive source words paired, in order, as spans of their passages.
    paired_rev.reverse();
    let mut spans: Vec<(usize, usize, usize)> = Vec::new();
    let first_passage = first_src.map_or(0, |a| src[a].passage);
    for (k, &w) in paired_rev.iter().enumerate() {
        let run_goes_on =
            k > 0 && paired_rev[k - 1] + 1 == w && src[w].passage == src[w - 1].passage;
        let (p, start, end) = (src[w].passage - first_passage, src[w].start, src[w].end);
        match spans.last_mut() {
            Some(last) if run_goes_on => last.2 = end,
            _ => spans.push((p, start, end)),
        }
    }
    let verdict = if total == 0 { Verdict::Exact } else { Verdict::Close };
    let result = QuoteCheck {
        quote: quote.to_string(),
        verdict,
        score,
        sources,
        source_text,
        spans,
        line_start,
        line_end,
        differences: diffs_rev,
        case_or_yo_only: total == 0 && !exact_surface,
    };
    (total, result)
}

/// Words chosen from a passage to quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    /// The words, verbatim from the passage, `…` where words are left out between them.
    pub text: String,
    /// Byte range in the passage's text of the first and the last word chosen.
    pub start: usize,
    pub end: usize,
}

/// The words of `text` that `quote` gives (its words as the passage has them, `…` or
/// `...` for words left out), if the passage holds them exactly (case of the first
/// letter, `ё`/`е` and accents aside); else an error saying how they differ.
pub fn choose(text: &str, quote: &str) -> std::result::Result<Chosen, String> {
    let quote = normalize::display(quote);
    let items = quote_items(&quote);
    let n = items.iter().filter(|i| matches!(i, Item::Word { .. })).count();
    if n == 0 {
        return Err("the quote has no words".into());
    }
    let source = Source {
        id: String::new(),
        doc: String::new(),
        title: String::new(),
        section: String::new(),
        lang: String::new(),
        line_start: 1,
        line_end: 1,
        text: text.to_string(),
        line_marks: Vec::new(),
    };
    let (cost, r) = align(&quote, &items, n, vec![source]);
    if cost > 0 || r.spans.is_empty() {
        let what: Vec<String> = r
            .differences
            .iter()
            .map(|d| match d {
                Difference::Changed { quote, source } => {
                    format!("{quote:?} where it has {source:?}")
                }
                Difference::Missing { source } => {
                    format!("{source:?} left out without an ellipsis")
                }
                Difference::Extra { quote } => format!("{quote:?} not in it"),
            })
            .collect();
        return Err(format!("the passage does not have these words: {}", what.join("; ")));
    }
    let parts: Vec<&str> = r.spans.iter().map(|&(_, a, b)| &text[a..b]).collect();
    Ok(Chosen { text: parts.join(" … "), start: r.spans[0].1, end: r.spans[r.spans.len() - 1].2 })
}

/// Words `first..=last` (1-based) of `text`.
pub fn words_range(text: &str, first: usize, last: usize) -> std::result::Result<Chosen, String> {
    let all: Vec<(usize, usize)> = words(text).collect();
    if first == 0 || first > last || last > all.len() {
        return Err(format!(
            "the passage has words 1 to {}; {first}-{last} is not among them",
            all.len()
        ));
    }
    let (start, end) = (all[first - 1].0, all[last - 1].1);
    Ok(Chosen { text: text[start..end].to_string(), start, end })
}

/// Adds a difference, merging it with the previous one of the same kind (the list is built
/// backwards, so the new word goes in front).
fn push_run(diffs_rev: &mut Vec<Difference>, d: Difference) {
    match (diffs_rev.last_mut(), &d) {
        (Some(Difference::Missing { source }), Difference::Missing { source: new }) => {
            *source = format!("{new} {source}");
        }
        (Some(Difference::Extra { quote }), Difference::Extra { quote: new }) => {
            *quote = format!("{new} {quote}");
        }
        _ => diffs_rev.push(d),
    }
}

/// `Treaty` and `treaty`: a quote may change the case of its first letter.
fn same_but_first_case(a: &str, b: &str) -> bool {
    let mut ca = a.chars();
    let mut cb = b.chars();
    match (ca.next(), cb.next()) {
        (Some(x), Some(y)) => x.to_lowercase().eq(y.to_lowercase()) && ca.as_str() == cb.as_str(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> Source {
        Source {
            id: "d:1".into(),
            doc: "d.txt".into(),
            title: "d".into(),
            section: String::new(),
            lang: "en".into(),
            line_start: 1,
            line_end: 1,
            text: text.into(),
            line_marks: Vec::new(),
        }
    }

    fn check_against(quote: &str, texts: &[&str]) -> (usize, QuoteCheck) {
        let items = quote_items(quote);
        let n = items.iter().filter(|i| matches!(i, Item::Word { .. })).count();
        align(quote, &items, n, texts.iter().map(|t| source(t)).collect())
    }

    const TEXT: &str = "Naturally the outlaws lost little time in getting together, and on 16 April, 1922, the Soviet commissar signed.";

    #[test]
    fn an_exact_quote_inside_a_passage() {
        let (cost, r) = check_against("the outlaws lost little time", &[TEXT]);
        assert_eq!(cost, 0);
        assert_eq!(r.verdict, Verdict::Exact);
        assert_eq!(r.source_text, "the outlaws lost little time");
        assert!(!r.case_or_yo_only);
    }

    #[test]
    fn a_changed_word_and_an_ellipsis() {
        let (_, r) = check_against("the outlaws lost much time", &[TEXT]);
        assert_eq!(
            r.differences,
            [Difference::Changed { quote: "much".into(), source: "little".into() }]
        );
        let (cost, r) =
            check_against("the outlaws lost little time … the Soviet commissar signed", &[TEXT]);
        assert_eq!((cost, r.verdict), (0, Verdict::Exact));
        let (_, r) =
            check_against("the outlaws lost little time the Soviet commissar signed", &[TEXT]);
        assert!(
            matches!(&r.differences[..], [Difference::Missing { source }] if source.starts_with("in getting together"))
        );
    }

    #[test]
    fn case_and_yo_are_noted_not_counted() {
        let (cost, r) = check_against("Naturally THE outlaws", &[TEXT]);
        assert_eq!(cost, 0);
        assert!(r.case_or_yo_only);
        let (_, r) = check_against("naturally the outlaws", &[TEXT]);
        assert!(!r.case_or_yo_only, "the first letter's case may change");
    }

    #[test]
    fn invented_words_after_a_real_quote_are_extra() {
        let (_, r) =
            check_against("the outlaws lost little time plotting grand silver schemes", &[TEXT]);
        assert_eq!(
            r.differences,
            [Difference::Extra { quote: "plotting grand silver schemes".into() }]
        );
    }

    #[test]
    fn chosen_words_are_verbatim_with_ellipses_between() {
        let c = choose(TEXT, "the outlaws lost … on 16 April").unwrap();
        assert_eq!(c.text, "the outlaws lost … on 16 April");
        assert_eq!(
            &TEXT[c.start..c.end],
            "the outlaws lost little time in getting together, and on 16 April"
        );
        let c = choose(TEXT, "Outlaws lost little").unwrap();
        assert_eq!(c.text, "outlaws lost little", "the passage's own letters");
        assert!(choose(TEXT, "the outlaws lost much time").unwrap_err().contains("\"much\""));
        let w = words_range(TEXT, 2, 4).unwrap();
        assert_eq!(w.text, "the outlaws lost");
        assert!(words_range(TEXT, 3, 99).is_err());
    }

    #[test]
    fn a_quote_across_two_passages() {
        let (cost, r) = check_against(
            "signed. The second passage begins",
            &[TEXT, "The second passage begins here."],
        );
        assert_eq!(cost, 0);
        assert_eq!(r.sources.len(), 2);
        assert_eq!(r.source_text, "signed. The second passage begins");
    }
}
