//! Tables of contents: lines with leader dots and a page number (`Введение ……… 3`), the
//! lines of an entry wrapped before its leader, and a `Contents` heading just above, are
//! grouped into one passage of kind `toc` instead of being read as headings or text. So
//! are runs of bulleted section numbers (`* 5.9. Moving packages`, as documentation tools
//! render their contents), and lists of entries the document repeats below as its
//! headings (`1.1. Social dynamics of Debian`, wrapped or not), in passages of at most
//! `MAX_ENTRIES` entries.

use super::{adjacent, block_of, single_line, text_of};
use crate::ingest::SourceDoc;
use crate::segment::{Block, Kind};

/// Headings that introduce a table of contents.
const TOC_HEADINGS: &[&str] =
    &["план", "содержание", "оглавление", "contents", "table of contents"];

/// Longest line that can be the wrapped start of a contents entry.
const MAX_ENTRY_CHARS: usize = 120;
/// Lines a contents entry may be wrapped over.
const MAX_ENTRY_LINES: usize = 4;
/// Bulleted entries in a row that make a table of contents.
const MIN_BULLETED_ENTRIES: usize = 3;
/// Entries in one `toc` passage of a bulleted table of contents.
const MAX_ENTRIES: usize = 24;

/// True when the line is a bulleted section number and a title (`* 5.9. Moving …`).
pub fn is_bulleted_entry(line: &str) -> bool {
    let t = line.trim_start();
    let bullet = crate::segment::list_marker_width(t);
    let bulleted = bullet > 0 && !t.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '[');
    bulleted && crate::segment::numbering(&t[bullet..]).0 > 0
}

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

/// For each block, whether it is one line repeating word for word a heading the format
/// marked elsewhere in the document, next to at least `MIN_BULLETED_ENTRIES - 1` others
/// doing so: a Word file's or a page's contents, made of links to its headings, before or
/// after them.
fn heading_echoes(doc: &SourceDoc, blocks: &[Block]) -> Vec<bool> {
    let headings: std::collections::HashSet<String> = blocks
        .iter()
        .filter(|b| b.kind == Kind::Heading)
        .map(|b| compact(&b.pieces.iter().map(|p| text_of(doc, p)).collect::<String>()))
        .collect();
    if headings.is_empty() {
        return vec![false; blocks.len()];
    }
    let mut echoes: Vec<bool> = blocks
        .iter()
        .map(|b| {
            b.kind != Kind::Heading
                && single_line(b)
                && headings.contains(&compact(text_of(doc, &b.pieces[0])))
        })
        .collect();
    let mut i = 0;
    while i < echoes.len() {
        let run = echoes[i..].iter().take_while(|&&e| e).count();
        if run < MIN_BULLETED_ENTRIES {
            echoes[i..i + run].iter_mut().for_each(|e| *e = false);
        }
        i += run.max(1);
    }
    echoes
}

/// True for a block of several lines read as one paragraph (a PDF's contents, whose
/// entries stand as close as lines of text): two or more of its lines are contents lines,
/// and two in three or more look like entries' lines, a contents line, a numbered start
/// (`3.1.5 Не могли бы вы…`) or an end with its page number and no leader (`Почему? 8`).
fn entries_run_together(doc: &SourceDoc, b: &Block) -> bool {
    let leaders = b.pieces.iter().filter(|p| is_toc_line(text_of(doc, p))).count();
    if leaders < 2 {
        return false;
    }
    let entry_like = b
        .pieces
        .iter()
        .map(|p| text_of(doc, p).trim())
        .filter(|t| {
            let paged =
                t.rsplit_once(' ').is_some_and(|(_, n)| n.bytes().all(|c| c.is_ascii_digit()));
            paged || is_toc_line(t) || crate::segment::numbering(t).0 > 0
        })
        .count();
    entry_like * 3 >= b.pieces.len() * 2
}

/// Groups contents lines into `toc` blocks.
pub fn group(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    let (blocks, repeated, entry_starts) = repeated_entries(doc, blocks);
    let line_text =
        |b: &Block| if single_line(b) { Some(text_of(doc, &b.pieces[0])) } else { None };
    let mut marked: Vec<bool> = blocks
        .iter()
        .zip(&repeated)
        .map(|(b, &r)| r || line_text(b).is_some_and(is_toc_line) || entries_run_together(doc, b))
        .collect();
    let echoes = heading_echoes(doc, &blocks);
    let mut bulleted: Vec<bool> = blocks
        .iter()
        .zip(&echoes)
        .map(|(b, &echo)| echo || is_bulleted_entry(text_of(doc, &b.pieces[0])))
        .collect();
    // An entry wrapped onto an indented line of its own (one block per line).
    let starts_entry: Vec<bool> =
        bulleted.iter().zip(&entry_starts).map(|(&b, &r)| b || r).collect();
    for i in 1..blocks.len() {
        let indented = doc.lines[blocks[i].pieces[0].line].text.starts_with(char::is_whitespace);
        if !starts_entry[i] && bulleted[i - 1] && indented && adjacent(&blocks[i - 1], &blocks[i]) {
            bulleted[i] = true;
        }
    }
    let mut i = 0;
    while i < blocks.len() {
        let run = bulleted[i..].iter().take_while(|&&b| b).count();
        if run >= MIN_BULLETED_ENTRIES {
            marked[i..i + run].iter_mut().for_each(|m| *m = true);
        }
        i += run.max(1);
    }
    if !marked.contains(&true) {
        return blocks;
    }
    // Wrapped entries: short unfinished lines right above a contents line (not above a
    // link to a heading, which is whole).
    for i in (0..blocks.len().saturating_sub(1)).rev() {
        if !echoes[i + 1] && marked[i + 1] && !marked[i] && adjacent(&blocks[i], &blocks[i + 1]) {
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
    let mut entries = 0;
    for ((block, is_toc), starts) in blocks.into_iter().zip(marked).zip(starts_entry) {
        if is_toc {
            if starts && entries == MAX_ENTRIES {
                out.push(block_of(std::mem::take(&mut toc), Kind::Toc));
                entries = 0;
            }
            entries += usize::from(starts);
            toc.extend(block.pieces);
        } else {
            if !toc.is_empty() {
                out.push(block_of(std::mem::take(&mut toc), Kind::Toc));
                entries = 0;
            }
            out.push(block);
        }
    }
    if !toc.is_empty() {
        out.push(block_of(toc, Kind::Toc));
    }
    out
}

/// A table of contents with neither leaders nor bullets (`1.1. Social dynamics`, as text
/// rendered from DocBook gives it): a chain of adjacent blocks of at least
/// `MIN_BULLETED_ENTRIES` entries, each of which the document repeats further on as a
/// paragraph of its own of a few lines (a heading, wrapped as the text is), or as the end
/// of one (`Chapter 1. …` for `1. …`). An entry is a line opening with a section number
/// or repeated itself, and the lines after it that are neither (an entry wrapped). The
/// chain's blocks come back cut into one block per line, flagged as in a table of
/// contents, and where an entry starts.
fn repeated_entries(doc: &SourceDoc, blocks: Vec<Block>) -> (Vec<Block>, Vec<bool>, Vec<bool>) {
    // Chains of adjacent blocks that could be one: of enough lines, the first opening
    // with a section number. Most documents have none, and are done with here.
    let numbered =
        |p: &crate::segment::Piece| crate::segment::numbering(text_of(doc, p).trim()).0 > 0;
    let mut chains: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let mut j = i + 1;
        while j < blocks.len() && adjacent(&blocks[j - 1], &blocks[j]) {
            j += 1;
        }
        let lines: usize = blocks[i..j].iter().map(|b| b.pieces.len()).sum();
        // The first entry may be unnumbered (the book's title above its chapters).
        let mut first_two = blocks[i..j].iter().flat_map(|b| &b.pieces).take(2);
        if lines >= MIN_BULLETED_ENTRIES && first_two.any(numbered) {
            chains.push((i, j));
        }
        i = j;
    }
    if chains.is_empty() {
        let n = blocks.len();
        return (blocks, vec![false; n], vec![false; n]);
    }
    let headings = standalone_paragraphs(doc);
    let starts = |p: &crate::segment::Piece| {
        let t = text_of(doc, p).trim();
        numbered(p) || headings.contains_key(&compact(t))
    };
    // The entries of a chain of adjacent blocks (an entry may wrap onto the next
    // block), when every one is found again below it; how many there are.
    let entries_of = |chain: &[Block]| -> Option<usize> {
        let mut entries: Vec<(String, usize)> = Vec::new();
        for p in chain.iter().flat_map(|b| &b.pieces) {
            let t = text_of(doc, p).trim();
            match entries.last_mut() {
                Some((text, last)) if !starts(p) => {
                    text.push(' ');
                    text.push_str(t);
                    *last = p.line;
                }
                _ => entries.push((t.to_string(), p.line)),
            }
        }
        let found = |(text, last): &(String, usize)| {
            text.chars().count() <= MAX_ENTRY_CHARS * MAX_ENTRY_LINES
                // A sentence's end is a list item's, not a title's; an ellipsis may end one.
                && (!text.ends_with(['.', ',', ';', ':']) || crate::segment::ends_in_ellipsis(text))
                && headings.get(&compact(text)).is_some_and(|&at| at > *last)
        };
        entries.iter().all(found).then_some(entries.len())
    };
    let mut in_run = vec![false; blocks.len()];
    for (i, j) in chains {
        if entries_of(&blocks[i..j]).is_some_and(|n| n >= MIN_BULLETED_ENTRIES) {
            in_run[i..j].iter_mut().for_each(|r| *r = true);
        }
    }
    if !in_run.contains(&true) {
        let n = blocks.len();
        return (blocks, vec![false; n], vec![false; n]);
    }
    let mut out = Vec::with_capacity(blocks.len());
    let (mut runs, mut entry_starts) = (Vec::new(), Vec::new());
    for (block, run) in blocks.into_iter().zip(in_run) {
        if run {
            for p in block.pieces {
                entry_starts.push(starts(&p));
                runs.push(true);
                out.push(block_of(vec![p], Kind::Toc));
            }
        } else {
            out.push(block);
            runs.push(false);
            entry_starts.push(false);
        }
    }
    (out, runs, entry_starts)
}

/// Each paragraph of `doc` of at most `MAX_ENTRY_LINES` lines standing alone (a blank line
/// or the document's edge above it, and a blank line, an underline or the edge below),
/// `compact`, and the same without its first word, with its last line.
fn standalone_paragraphs(doc: &SourceDoc) -> std::collections::HashMap<String, usize> {
    let blank = |i: usize| doc.lines.get(i).is_none_or(|l| l.text.trim().is_empty());
    let mut out = std::collections::HashMap::new();
    let mut i = 0;
    while i < doc.lines.len() {
        if blank(i) {
            i += 1;
            continue;
        }
        // The lines from `i` up to a blank line or an underline.
        let mut end = i;
        while end + 1 < doc.lines.len()
            && !blank(end + 1)
            && !crate::segment::is_underline(&doc.lines[end + 1].text)
        {
            end += 1;
        }
        if end - i < MAX_ENTRY_LINES {
            let lines: Vec<&str> = doc.lines[i..=end].iter().map(|l| l.text.as_str()).collect();
            let t = spaced(&lines.join(" "));
            if let Some((_, rest)) = t.split_once(' ') {
                out.insert(compact(rest), end);
            }
            out.insert(compact(&t), end);
        }
        i = end + 1;
    }
    out
}

/// `text`'s words joined by single spaces (a no-break space after a section number is a
/// space).
fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` without its spaces: an entry and its heading wrapped at other places
/// (`Ubuntu /... is` and `Ubuntu/... is`) compare equal.
fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
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
    fn bulleted_section_numbers_are_a_table_of_contents() {
        let text = "Field Guide to Lichens\n\n* 1. Crustose lichens\n\n  * 1.1. On rock\n\n  * 1.2. On bark and\n    deadwood\n\n* 2. Foliose lichens\n\n1. Crustose lichens\n==================\n\nThey grow flat on stone.\n\n* a bullet of the text\n";
        let toc = of_kind(text, Kind::Toc);
        assert_eq!(toc.len(), 1, "{toc:?}");
        assert!(toc[0].contains("1.2. On bark and deadwood * 2. Foliose lichens"), "{toc:?}");
        assert_eq!(
            of_kind(text, Kind::Body),
            ["They grow flat on stone.", "* a bullet of the text"]
        );
        assert!(super::is_bulleted_entry("  * 5.9.2.1. Удаление пакетов"));
        assert!(!super::is_bulleted_entry("* 1990s were hard"));
        assert!(!super::is_bulleted_entry("* Rock types"));
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
