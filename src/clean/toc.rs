//! Tables of contents: lines with leader dots and a page number (`Введение ……… 3`), the
//! lines of an entry wrapped before its leader, and a `Contents` heading just above, are
//! grouped into one passage of kind `toc` instead of being read as headings or text.

use super::{adjacent, block_of, single_line, text_of};
use crate::ingest::SourceDoc;
use crate::segment::{Block, Kind};

/// Headings that introduce a table of contents.
const TOC_HEADINGS: &[&str] =
    &["план", "содержание", "оглавление", "contents", "table of contents"];

/// Longest line that can be the wrapped start of a contents entry.
const MAX_ENTRY_CHARS: usize = 120;

/// True when the line ends with leader dots and a page number (or range).
pub fn is_toc_line(line: &str) -> bool {
    let t = line.trim_end();
    let without_page =
        t.trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '–'));
    if without_page.len() == t.len() || !t[without_page.len()..].chars().any(|c| c.is_ascii_digit())
    {
        return false;
    }
    let leader: String =
        without_page.chars().rev().take_while(|c| matches!(c, '.' | '…' | '·' | ' ')).collect();
    leader.chars().filter(|c| *c != ' ').count() >= 3
}

/// Groups contents lines into `toc` blocks.
pub fn group(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    let line_text =
        |b: &Block| if single_line(b) { Some(text_of(doc, &b.pieces[0])) } else { None };
    let mut marked: Vec<bool> =
        blocks.iter().map(|b| line_text(b).is_some_and(is_toc_line)).collect();
    if !marked.contains(&true) {
        return blocks;
    }
    // Wrapped entries: short unfinished lines right above a contents line.
    for i in (0..blocks.len().saturating_sub(1)).rev() {
        if marked[i + 1] && !marked[i] && adjacent(&blocks[i], &blocks[i + 1]) {
            if let Some(t) = line_text(&blocks[i]) {
                let t = t.trim();
                let numbered = t.starts_with(|c: char| c.is_ascii_digit());
                let unfinished = !t.ends_with(['.', '!', '?', ';']);
                if t.chars().count() <= MAX_ENTRY_CHARS && (unfinished || numbered) {
                    marked[i] = true;
                }
            }
        }
    }
    // A `Contents` heading just above the first entry.
    for i in 0..blocks.len().saturating_sub(1) {
        if marked[i + 1] && !marked[i] {
            if let Some(t) = line_text(&blocks[i]) {
                if TOC_HEADINGS.contains(&t.trim().to_lowercase().as_str()) {
                    marked[i] = true;
                }
            }
        }
    }
    let mut out = Vec::with_capacity(blocks.len());
    let mut toc: Vec<crate::segment::Piece> = Vec::new();
    for (block, is_toc) in blocks.into_iter().zip(marked) {
        if is_toc {
            toc.extend(block.pieces);
        } else {
            if !toc.is_empty() {
                out.push(block_of(std::mem::take(&mut toc), Kind::Toc));
            }
            out.push(block);
        }
    }
    if !toc.is_empty() {
        out.push(block_of(toc, Kind::Toc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_toc_line;
    use crate::clean::test_util::{of_kind, passages};
    use crate::segment::Kind;

    #[test]
    fn recognises_leader_lines() {
        assert!(is_toc_line("Введение ……………………………………………………….……..3"));
        assert!(is_toc_line("            СССР…………………………………….…..….5 - 11"));
        assert!(is_toc_line("2.2. Экономика …….....…..15"));
        assert!(is_toc_line("Chapter One . . . . . . 12"));
        assert!(!is_toc_line("В 1922 г. был подписан договор."));
        assert!(!is_toc_line("Он ждал... 5 минут"));
        assert!(!is_toc_line("Итого 1922"));
    }

    #[test]
    fn a_contents_block_is_one_toc_passage() {
        let text = "Содержание\n\nВведение ………… 3\n\n1. Итоги войны для Германии и\n      СССР……………5 - 11\n1.1. Версальский мир………5\n2. После прихода к власти А.\n   Гитлера………28\n\nВведение\nТекст введения о договоре.\n";
        let got: Vec<_> = passages(text).into_iter().filter(|(k, _)| *k != Kind::Heading).collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(of_kind(text, Kind::Heading), ["Введение"]);
        assert_eq!(got[0].0, Kind::Toc);
        assert!(got[0].1.starts_with("Содержание Введение"));
        assert!(got[0].1.contains("1. Итоги войны для Германии и СССР"));
        assert!(got[0].1.ends_with("2. После прихода к власти А. Гитлера………28"));
        assert_eq!(of_kind(text, Kind::Body), ["Текст введения о договоре."]);
    }
}
