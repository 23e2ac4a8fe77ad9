//! Bibliographic references scraped into running text: author–year lines
//! (`Gasiorowski, Zygmunt J. (1958)`), journal lines (`'' 30 (2), 99–117.`), lone wiki
//! italics marks (`''`), and citations glued to the end of a sentence
//! (`…convergence.Gasiorowski, Zygmunt J. (1958)`). They become passages of kind
//! `reference`, so they neither break a paragraph in two nor end up inside a quote.

use super::{block_of, cut_piece, single_line, text_of};
use crate::ingest::SourceDoc;
use crate::segment::{Block, Glue, Kind, Piece};

/// What a line is, as part of a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefLine {
    /// `Surname, Given (1958)`: starts a reference.
    AuthorYear,
    /// `''` alone: wiki italics around a title.
    Italics,
    /// `'' 30 (2), 99–117.` or `''Journal'' 63 (3), 565–597`: ends a reference.
    Pages,
    /// Not a reference line.
    Text,
}

/// Headings of sections that hold references, not prose.
const BIBLIOGRAPHY_HEADINGS: &[&str] = &[
    "references",
    "bibliography",
    "further reading",
    "primary sources",
    "secondary sources",
    "sources",
    "notes",
    "footnotes",
    "see also",
    "external links",
    "literature",
    "works cited",
    "литература",
    "список литературы",
    "источники",
    "источники и литература",
    "примечания",
    "библиография",
    "список источников",
    "список использованной литературы",
    "список изученных источников и литературы",
    "список использованных источников и литературы",
];

/// True when a heading opens a section of references (`Further reading`, `Список литературы`).
pub fn is_bibliography_heading(heading: &str) -> bool {
    let t =
        heading.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c.is_whitespace());
    let t = t.trim_end_matches([':', ' ']).to_lowercase();
    BIBLIOGRAPHY_HEADINGS.contains(&t.as_str())
}

/// Classifies one line.
pub fn classify(line: &str) -> RefLine {
    let t = line.trim();
    if matches!(t, "''" | "'''" | "\"") {
        RefLine::Italics
    } else if is_author_year(t) {
        RefLine::AuthorYear
    } else if is_pages(t) {
        RefLine::Pages
    } else {
        RefLine::Text
    }
}

/// `Surname, Given Names (1958)` with an optional final period.
fn is_author_year(t: &str) -> bool {
    let t = t.strip_suffix('.').unwrap_or(t);
    let Some(open) = t.rfind(" (") else { return false };
    let year = &t[open + 2..];
    let is_year = (5..=6).contains(&year.len())
        && year.ends_with(')')
        && year.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    let Some((surname, given)) = t[..open].split_once(", ") else { return false };
    is_year
        && is_name(surname, 3)
        && given.split_whitespace().count() <= 4
        && given.split_whitespace().all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// Up to `max` capitalised words.
fn is_name(s: &str, max: usize) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= max
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().all(|c| c.is_alphabetic() || "'’-.".contains(c))
        })
}

/// A volume and page range: ends in `99–117` and starts with `''` or has `(2)`.
fn is_pages(t: &str) -> bool {
    let body = t.strip_suffix('.').unwrap_or(t);
    let tail: String =
        body.chars().rev().take_while(|c| c.is_ascii_digit() || matches!(c, '–' | '-')).collect();
    let has_range =
        tail.contains(['–', '-']) && tail.chars().filter(char::is_ascii_digit).count() >= 2;
    has_range && t.chars().count() <= 120 && (t.starts_with("''") || t.contains(" ("))
}

/// Longest author-year citation looked for at a line's end.
const MAX_CITATION_BYTES: usize = 200;

/// Where a citation glued to the end of a line starts (`…convergence.Gasiorowski, Z. (1958)`).
pub fn trailing_author_year(line: &str) -> Option<usize> {
    let t = line.trim_end();
    if !t.trim_end_matches('.').ends_with(')') {
        return None;
    }
    // An author-year citation is short: look at the line's tail only.
    let from = crate::lang::floor_char_boundary(t, t.len().saturating_sub(MAX_CITATION_BYTES));
    let mut candidates: Vec<usize> = t[from..]
        .char_indices()
        .map(|(i, c)| (from + i, c))
        .filter(|&(i, c)| c.is_uppercase() && i > 0 && ends_sentence_at(&t[..i]))
        .map(|(i, _)| i)
        .collect();
    candidates.retain(|&i| is_author_year(&t[i..]));
    candidates.first().copied()
}

/// The text before `at` ends a sentence (`.`, `!`, `?`, a closing quote), with or without a space.
fn ends_sentence_at(before: &str) -> bool {
    let b = before.trim_end();
    b.ends_with(['.', '!', '?', '"', '”', '»'])
        && b.chars().rev().nth(1).is_some_and(|c| !c.is_uppercase() || c == '"')
}

/// Byte ranges of citations glued into a line of prose with no space after a sentence
/// (`…France.Hochman, Jiri. ''Title''. Press, 1984. In April…`), ending at a year or a
/// page range that is followed by a new sentence or the line's end.
pub fn glued_citations(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = line[from..].find(['.', '!', '?', '"', '”']) {
        let dot = from + rel;
        let start = dot + line[dot..].chars().next().map_or(1, char::len_utf8);
        from = start;
        let glued = line[start..].chars().next().is_some_and(char::is_uppercase)
            && line[..dot]
                .chars()
                .last()
                .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit() || c == ')');
        if !glued {
            continue;
        }
        let head: String = line[start..].chars().take(40).collect();
        let looks_cited = head.split_whitespace().take(2).any(|w| w.ends_with(','))
            || head
                .split_whitespace()
                .take(3)
                .any(|w| w.starts_with('(') && w[1..].starts_with(|c: char| c.is_ascii_digit()));
        if !looks_cited {
            continue;
        }
        if let Some(end) = citation_end(&line[start..]) {
            out.push((start, start + end));
            from = start + end;
        }
    }
    out
}

/// The end of a citation at the start of `s`: after a year (`1984.`, `(1989)`) or a page
/// range (`57–78.`) that is followed by a new sentence or the end, within 300 bytes.
fn citation_end(s: &str) -> Option<usize> {
    let limit = crate::lang::floor_char_boundary(s, 300);
    let chars: Vec<(usize, char)> = s[..limit].char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].1.is_ascii_digit() {
            let mut j = i;
            while j < chars.len()
                && (chars[j].1.is_ascii_digit() || matches!(chars[j].1, '–' | '-'))
            {
                j += 1;
            }
            let digits = chars[i..j].iter().filter(|(_, c)| c.is_ascii_digit()).count();
            let mut k = j;
            while k < chars.len() && matches!(chars[k].1, ')' | '.' | '\'') {
                k += 1;
            }
            let closed = k > j;
            let end = chars.get(k).map_or(s.len(), |&(b, _)| b);
            let next = s[end..].trim_start();
            let new_sentence = next.is_empty()
                || (s[end..].starts_with(' ') && next.starts_with(char::is_uppercase));
            if digits >= 4 && closed && new_sentence {
                return Some(end);
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    None
}

/// Marks standalone reference lines as `reference` blocks and cuts glued citations out
/// of body text into `reference` blocks of their own.
pub fn separate(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for mut block in blocks {
        if block.kind != Kind::Body {
            out.push(block);
            continue;
        }
        if single_line(&block) && classify(text_of(doc, &block.pieces[0])) != RefLine::Text {
            block.kind = Kind::Reference;
            out.push(block);
            continue;
        }
        let mut pieces: Vec<Piece> = Vec::new();
        let mut refs: Vec<Block> = Vec::new();
        for p in &block.pieces {
            let text = text_of(doc, p);
            let mut cuts = glued_citations(text);
            if let Some(at) = trailing_author_year(text) {
                if cuts.last().is_none_or(|&(_, e)| e <= at) {
                    cuts.push((at, text.len()));
                }
            }
            if cuts.is_empty() {
                pieces.push(*p);
                continue;
            }
            for &(a, b) in &cuts {
                refs.extend(
                    super::sub_piece(doc, p, a, b, Glue::Space)
                        .map(|r| block_of(vec![r], Kind::Reference)),
                );
            }
            pieces.extend(cut_piece(doc, p, &cuts, Glue::Space));
        }
        if !pieces.is_empty() {
            out.push(Block { pieces, kind: Kind::Body });
        }
        out.extend(refs);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::test_util::of_kind;

    #[test]
    fn classifies_reference_lines() {
        assert_eq!(classify("Gasiorowski, Zygmunt J. (1958)"), RefLine::AuthorYear);
        assert_eq!(classify("Large, J. A. (1978)"), RefLine::AuthorYear);
        assert_eq!(classify("''"), RefLine::Italics);
        assert_eq!(classify("'' 30 (2), 99–117."), RefLine::Pages);
        assert_eq!(classify("''The American Historical Review'' 63 (3), 565–597"), RefLine::Pages);
        assert_eq!(classify("'' 69: 785–797."), RefLine::Pages);
        assert_eq!(classify("The war lasted from 1939 to 1945."), RefLine::Text);
        assert_eq!(classify("Germany, France (1919)"), RefLine::AuthorYear);
        assert_eq!(classify("a («…)"), RefLine::Text);
    }

    #[test]
    fn finds_citations_glued_to_sentences() {
        let line = "was a natural convergence.Gasiorowski, Zygmunt J. (1958)";
        assert_eq!(&line[trailing_author_year(line).unwrap()..], "Gasiorowski, Zygmunt J. (1958)");
        let line = "had been created. Gatzke, Hans W. (1958)";
        assert_eq!(&line[trailing_author_year(line).unwrap()..], "Gatzke, Hans W. (1958)");
        let line = "resisted by France.Hochman, Jiri. ''The Soviet Union and the Failure''. London: Cornell University Press, 1984. In April 1939, Litvinov";
        let cuts = glued_citations(line);
        assert_eq!(cuts.len(), 1);
        assert_eq!(&line[cuts[0].0..cuts[0].1], "Hochman, Jiri. ''The Soviet Union and the Failure''. London: Cornell University Press, 1984.");
        let line =
            "into making an offer.Roberts, Geoffrey. ''Unholy Alliance'' (1989) Additional factors";
        let cuts = glued_citations(line);
        assert_eq!(&line[cuts[0].0..cuts[0].1], "Roberts, Geoffrey. ''Unholy Alliance'' (1989)");
        assert!(glued_citations("The U.S. Army arrived. Then it left in 1945.").is_empty());
    }

    #[test]
    fn references_become_their_own_passages() {
        let text = "The treaty was a natural convergence.Gasiorowski, Zygmunt J. (1958)\n\nThe pact was signed.Roberts, Geoffrey. ''Unholy Alliance'' (1989) Other factors mattered too.\n";
        assert_eq!(
            of_kind(text, Kind::Body),
            [
                "The treaty was a natural convergence.",
                "The pact was signed. Other factors mattered too."
            ]
        );
        assert_eq!(
            of_kind(text, Kind::Reference),
            ["Gasiorowski, Zygmunt J. (1958)", "Roberts, Geoffrey. ''Unholy Alliance'' (1989)"]
        );
    }
}
