//! Highlighting and snippets. The passage is analysed again with the index's analyzer, so
//! a word is marked exactly when it is what matched: any form of a query word, the exact
//! form of an `=word`, and for a phrase only the places where the whole phrase stands
//! (not each of its words wherever it occurs). A long passage is shown as the window of
//! about `SNIPPET_CHARS` characters that holds the most marks.

use super::plan::{Marks, PhraseMark};
use crate::analysis::{Analyzer, Mode, Tok};

/// Length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 300;

/// A passage excerpt with the byte ranges (into `text`) of the words that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The excerpt, with `…` where it was cut.
    pub text: String,
    /// Byte ranges into `text`.
    pub marks: Vec<(usize, usize)>,
}

/// Byte ranges of `text` that matched, sorted and merged.
pub fn mark(text: &str, marks: &Marks) -> Vec<(usize, usize)> {
    let analyzer = Analyzer::shared();
    let stems = analyzer.tokens(text, Mode::Stem);
    let folds = analyzer.tokens(text, Mode::Fold);
    let mut ranges = Vec::new();
    for (s, f) in stems.iter().zip(&folds) {
        if marks.stems.contains(&s.text) || marks.exact.contains(&f.text) {
            ranges.push((s.start, s.end));
        }
    }
    for phrase in &marks.phrases {
        let toks = if phrase.mode == Mode::Stem { &stems } else { &folds };
        ranges.extend(phrase_ranges(toks, phrase));
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Where the phrase occurs, in order, with at most `slop` extra words in all.
fn phrase_ranges(toks: &[Tok], phrase: &PhraseMark) -> Vec<(usize, usize)> {
    let Some(first) = phrase.terms.first() else { return Vec::new() };
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if &t.text != first {
            continue;
        }
        let mut at = i;
        let mut gaps = 0;
        let mut ok = true;
        for term in &phrase.terms[1..] {
            let limit = (at + 1 + (phrase.slop - gaps) as usize).min(toks.len().saturating_sub(1));
            match (at + 1..=limit).find(|&j| &toks[j].text == term) {
                Some(j) if j < toks.len() => {
                    gaps += (j - at - 1) as u32;
                    at = j;
                }
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push((t.start, toks[at].end));
        }
    }
    out
}

/// The snippet of `text` around its marks.
pub fn snippet(text: &str, marks: &[(usize, usize)]) -> Snippet {
    let total = text.chars().count();
    if total <= SNIPPET_CHARS {
        return Snippet { text: text.to_string(), marks: marks.to_vec() };
    }
    // Char index of each byte offset we need, via one pass.
    let offsets: Vec<usize> =
        text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
    let char_of = |byte: usize| offsets.partition_point(|&b| b < byte);
    // The window starting at a mark that covers the most marks.
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
    // Move the edges to word boundaries.
    let chars: Vec<char> = text.chars().collect();
    while start > 0 && !chars[start - 1].is_whitespace() && best.0 - start < 20 {
        start -= 1;
    }
    while end < total && !chars[end].is_whitespace() && end - (best.0 + SNIPPET_CHARS) < 20 {
        end += 1;
    }
    let (a, b) = (offsets[start], offsets[end]);
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < total { "…" } else { "" };
    let body = text[a..b].trim();
    let lead = text[a..b].len() - text[a..b].trim_start().len();
    let shift = a + lead;
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
    use super::*;

    /// Marks for query words and phrases, analysed as the planner does.
    fn marks(words: &[&str], phrases: &[&str]) -> Marks {
        let a = Analyzer::shared();
        Marks {
            stems: words.iter().map(|w| a.term(w, Mode::Stem)).collect(),
            exact: Default::default(),
            phrases: phrases
                .iter()
                .map(|p| PhraseMark {
                    terms: a.tokens(p, Mode::Stem).into_iter().map(|t| t.text).collect(),
                    mode: Mode::Stem,
                    slop: 0,
                })
                .collect(),
        }
    }

    fn marked(text: &str, m: &Marks) -> String {
        let ranges = mark(text, m);
        render(&Snippet { text: text.into(), marks: ranges }, "[", "]")
    }

    #[test]
    fn marks_every_form_of_a_word() {
        let m = marks(&["договор"], &[]);
        assert_eq!(
            marked("Договор, договора и договорам", &m),
            "[Договор], [договора] и [договорам]"
        );
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
    fn long_text_is_cut_around_the_marks() {
        let text = format!("{} Rapallo treaty {}", "word ".repeat(200), "word ".repeat(200));
        let m = marks(&["rapallo"], &[]);
        let s = snippet(&text, &mark(&text, &m));
        assert!(s.text.starts_with('…') && s.text.ends_with('…'));
        assert!(s.text.chars().count() <= SNIPPET_CHARS + 45);
        assert_eq!(render(&s, "[", "]").matches("[Rapallo]").count(), 1);
    }
}
