//! Highlighting and snippets. The passage is analysed again with the index's analyzer, so
//! a word is marked exactly when it is what matched: any form of a query word, its derived
//! forms, synonyms and transliterations, the exact form of an `=word`, and for a phrase
//! only the places where the whole phrase stands (not each of its words wherever it
//! occurs). Each mark says how it matched and which query clause it serves; the search uses
//! that for `"matched"` and for proximity. A long passage is shown as the window of about
//! `SNIPPET_CHARS` characters that holds the most marks.

use std::collections::BTreeSet;

use super::plan::{MarkKind, Marks, Via};
use crate::analysis::{Analyzer, Mode, Tok};

/// Length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 300;

/// A passage excerpt with the byte ranges (into `text`) of the words that matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snippet {
    /// The excerpt, with `…` where it was cut.
    pub text: String,
    /// Byte ranges into `text`.
    pub marks: Vec<(usize, usize)>,
}

/// What matched in a passage.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    /// Byte ranges of the passage text that matched, sorted and merged.
    pub ranges: Vec<(usize, usize)>,
    /// How they matched, most direct first.
    pub matched: Vec<Via>,
    /// (word position, query clause) of every match.
    pub positions: Vec<(usize, usize)>,
}

/// Finds what matched in `text`.
pub fn mark(text: &str, marks: &Marks) -> Highlight {
    if marks.is_empty() {
        return Highlight::default(); // `show`, `passages`, `cite`: nothing to look for
    }
    let analyzer = Analyzer::shared();
    let mut found: Vec<(usize, usize, Via, usize, usize)> = Vec::new();
    // Phrases are matched on the token lists, gathered in the same pass.
    let (mut stems, mut folds): (Vec<Tok>, Vec<Tok>) = (Vec::new(), Vec::new());
    let phrases = !marks.phrases.is_empty();
    // A phrase of stems compares every word's stem; otherwise only a word that may have a
    // stem marked is stemmed.
    let every_stem = marks.phrases.iter().any(|p| p.mode == Mode::Stem);
    analyzer.for_each_word(
        text,
        marks.has_keys(),
        |fold| every_stem || marks.may_have_a_stem_marked(fold),
        |w| {
            let best = [
                (MarkKind::Stem, Some(w.stem)),
                (MarkKind::Fold, Some(w.fold)),
                (MarkKind::Key, w.key),
            ]
            .into_iter()
            .filter_map(|(kind, term)| marks.get(kind, term?))
            .min_by_key(|&(via, _)| via);
            if let Some((via, group)) = best {
                found.push((w.start, w.end, via, group, w.position));
            }
            if phrases {
                let tok = |text: &str| Tok {
                    text: text.to_string(),
                    start: w.start,
                    end: w.end,
                    position: w.position,
                };
                stems.push(tok(w.stem));
                folds.push(tok(w.fold));
            }
        },
    );
    for phrase in &marks.phrases {
        let toks = if phrase.mode == Mode::Stem { &stems } else { &folds };
        for (a, b) in phrase_matches(toks, &phrase.terms, phrase.slop) {
            found.push((toks[a].start, toks[b].end, phrase.via, phrase.group, toks[a].position));
        }
    }
    found.sort_unstable();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for &(a, b, ..) in &found {
        match ranges.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => ranges.push((a, b)),
        }
    }
    let matched: BTreeSet<Via> = found.iter().map(|f| f.2).collect();
    let positions = found.iter().map(|f| (f.4, f.3)).collect();
    Highlight { ranges, matched: matched.into_iter().collect(), positions }
}

/// Token index ranges where `terms` occur in order, with at most `slop` other words
/// between them in all. Taking each word's first fit is never wrong: whichever fit is
/// taken, the next word must come before the same last token.
pub(super) fn phrase_matches(toks: &[Tok], terms: &[String], slop: u32) -> Vec<(usize, usize)> {
    let Some((first, rest)) = terms.split_first() else { return Vec::new() };
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if &t.text != first {
            continue;
        }
        let mut at = i;
        let mut gaps = 0;
        let mut ok = true;
        for term in rest {
            let limit = (at + 1 + (slop - gaps) as usize).min(toks.len().saturating_sub(1));
            match (at + 1..=limit).find(|&j| &toks[j].text == term) {
                Some(j) => {
                    gaps += (j - at - 1) as u32;
                    at = j;
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push((i, at));
        }
    }
    out
}

/// How close the query's clauses stand: the fewest consecutive words holding a match of
/// every one of `groups` clauses, or `None` if some clause has no match here.
pub fn tightest_window(positions: &[(usize, usize)], groups: usize) -> Option<usize> {
    if groups < 2 {
        return None;
    }
    let mut sorted: Vec<(usize, usize)> =
        positions.iter().copied().filter(|&(_, g)| g < groups).collect();
    sorted.sort_unstable();
    let mut counts = vec![0usize; groups];
    let mut covered = 0;
    let mut best: Option<usize> = None;
    let mut left = 0;
    for right in 0..sorted.len() {
        let g = sorted[right].1;
        counts[g] += 1;
        if counts[g] == 1 {
            covered += 1;
        }
        while covered == groups {
            let span = sorted[right].0 - sorted[left].0 + 1;
            best = Some(best.map_or(span, |b: usize| b.min(span)));
            let lg = sorted[left].1;
            counts[lg] -= 1;
            if counts[lg] == 0 {
                covered -= 1;
            }
            left += 1;
        }
    }
    best
}

/// The snippet of `text` around its marks.
pub fn snippet(text: &str, marks: &[(usize, usize)]) -> Snippet {
    let total = text.chars().count();
    if total <= SNIPPET_CHARS {
        return Snippet { text: text.to_string(), marks: marks.to_vec() };
    }
    let offsets: Vec<usize> =
        text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
    let char_of = |byte: usize| offsets.partition_point(|&b| b < byte);
    // The window starting a little before a mark that covers the most marks.
    let mut best = (0usize, 0usize);
    for (i, &(a, _)) in marks.iter().enumerate() {
        let start = char_of(a).saturating_sub(SNIPPET_CHARS / 5);
        let end = start + SNIPPET_CHARS;
        let covered = marks[i..].iter().take_while(|&&(_, b)| char_of(b) <= end).count();
        if covered > best.1 {
            best = (start, covered);
        }
    }
    let mut start = best.0.min(total - SNIPPET_CHARS);
    let mut end = start + SNIPPET_CHARS;
    let chars: Vec<char> = text.chars().collect();
    let (first_start, first_end) = (start, end);
    while start > 0 && !chars[start - 1].is_whitespace() && first_start - start < 20 {
        start -= 1;
    }
    while end < total && !chars[end].is_whitespace() && end - first_end < 20 {
        end += 1;
    }
    let (a, b) = (offsets[start], offsets[end]);
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < total { "…" } else { "" };
    let body = text[a..b].trim();
    let shift = a + (text[a..b].len() - text[a..b].trim_start().len());
    let mut out = String::with_capacity(body.len() + 6);
    out.push_str(prefix);
    out.push_str(body);
    out.push_str(suffix);
    let marks = marks
        .iter()
        .filter(|&&(x, y)| x >= shift && y <= shift + body.len())
        .map(|&(x, y)| (x - shift + prefix.len(), y - shift + prefix.len()))
        .collect();
    Snippet { text: out, marks }
}

/// The snippet with its marks wrapped in `open` and `close`.
pub fn render(snippet: &Snippet, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(
        snippet.text.len() + snippet.marks.len() * (open.len() + close.len()),
    );
    let mut at = 0;
    for &(a, b) in &snippet.marks {
        out.push_str(&snippet.text[at..a]);
        out.push_str(open);
        out.push_str(&snippet.text[a..b]);
        out.push_str(close);
        at = b;
    }
    out.push_str(&snippet.text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::super::plan::PhraseMark;
    use super::*;

    /// Marks for query words (clause i for word i) and phrases, analysed as the planner does.
    fn marks(words: &[&str], phrases: &[&str]) -> Marks {
        let a = Analyzer::shared();
        let mut m = Marks::default();
        for (i, w) in words.iter().enumerate() {
            m.add(MarkKind::Stem, &a.term(w, Mode::Stem), Via::WordForm, i);
            m.add(MarkKind::Fold, &a.term(w, Mode::Fold), Via::Exact, i);
        }
        for p in phrases {
            m.phrases.push(PhraseMark {
                terms: a.tokens(p, Mode::Stem).into_iter().map(|t| t.text).collect(),
                mode: Mode::Stem,
                slop: 0,
                via: Via::WordForm,
                group: words.len(),
            });
        }
        m
    }

    fn marked(text: &str, m: &Marks) -> String {
        let h = mark(text, m);
        render(&Snippet { text: text.into(), marks: h.ranges }, "[", "]")
    }

    #[test]
    fn marks_every_form_of_a_word_and_says_how() {
        let m = marks(&["договора"], &[]);
        assert_eq!(
            marked("Договор, договора и договорам", &m),
            "[Договор], [договора] и [договорам]"
        );
        assert_eq!(mark("Договор, договора", &m).matched, [Via::Exact, Via::WordForm]);
        assert_eq!(mark("договорам", &m).matched, [Via::WordForm]);
    }

    #[test]
    fn marks_a_phrase_only_where_it_stands_whole() {
        let m = marks(&[], &["военное сотрудничество"]);
        assert_eq!(
            marked("Военное сотрудничество и военное дело; сотрудничество", &m),
            "[Военное сотрудничество] и военное дело; сотрудничество"
        );
    }

    #[test]
    fn a_phrase_with_slop_spends_it_on_all_its_gaps() {
        let toks = Analyzer::shared().tokens("amber kiln amber pot glaze kiln", Mode::Fold);
        let terms = |p: &str| p.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(phrase_matches(&toks, &terms("amber kiln"), 0), [(0, 1)]);
        assert_eq!(phrase_matches(&toks, &terms("amber glaze kiln"), 1), [(2, 5)]);
        assert_eq!(phrase_matches(&toks, &terms("amber kiln glaze"), 2), [(0, 4)]);
        assert!(phrase_matches(&toks, &terms("amber kiln glaze"), 1).is_empty());
        assert!(phrase_matches(&toks, &terms("glaze amber"), 5).is_empty());
        assert!(phrase_matches(&toks, &[], 5).is_empty());
    }

    #[test]
    fn marks_transliterations() {
        let mut m = Marks::default();
        m.add(MarkKind::Key, "kasan", Via::Transliteration, 0);
        assert_eq!(
            marked("Танковая школа в Казани и Kazan", &m),
            "Танковая школа в [Казани] и [Kazan]"
        );
    }

    #[test]
    fn the_tightest_window_covers_every_clause() {
        let m = marks(&["commercial", "agreement", "1925"], &[]);
        let far = mark("commercial talks went on for years, and in 1925 an agreement came", &m);
        let near = mark("in 1925 a commercial agreement was concluded", &m);
        assert_eq!(tightest_window(&near.positions, 3), Some(4));
        assert!(tightest_window(&far.positions, 3).unwrap() > 4);
        assert_eq!(tightest_window(&mark("commercial agreement", &m).positions, 3), None);
    }

    #[test]
    fn long_text_is_cut_around_the_marks() {
        let text = format!("{} Rapallo treaty {}", "word ".repeat(200), "word ".repeat(200));
        let m = marks(&["rapallo"], &[]);
        let s = snippet(&text, &mark(&text, &m).ranges);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert!(s.text.chars().count() <= SNIPPET_CHARS + 45);
        assert_eq!(render(&s, "[", "]").matches("[Rapallo]").count(), 1);
    }
}
