//! Notes of plain text, as documentation tools and editors render them: a mark `[3]` in
//! the running text, and further down a paragraph that starts with the same mark
//! (`[3] See the manual for …`). That paragraph becomes a passage of kind `note`, as a
//! footnote that a format marks does: it is found and quoted as before, and counts less
//! than the paragraph it annotates. A paragraph is taken for a note only on evidence: the
//! same mark stands earlier inside the text (not at the start of a paragraph), so a list
//! numbered `[1] … [2] …` with no marks to point at it stays text.

use std::collections::HashSet;

use super::text_of;
use crate::ingest::SourceDoc;
use crate::segment::{list_marker_width, Block, Kind};

/// Digits a note number has at most.
const MAX_DIGITS: usize = 3;

/// Relabels as notes the paragraphs of `blocks` that start with a mark the text before
/// them holds.
pub fn label(doc: &SourceDoc, mut blocks: Vec<Block>) -> Vec<Block> {
    let mut marked: HashSet<&str> = HashSet::new();
    for block in blocks.iter_mut() {
        let Some(first) = block.pieces.first() else { continue };
        let lead = leading_mark(text_of(doc, first));
        if lead.is_some_and(|n| block.kind == Kind::Body && marked.contains(n)) {
            block.kind = Kind::Note;
            continue;
        }
        for (i, piece) in block.pieces.iter().enumerate() {
            let text = text_of(doc, piece);
            // A paragraph's own leading mark points at nothing.
            let skip =
                if i == 0 && lead.is_some() { text.find(']').map_or(0, |e| e + 1) } else { 0 };
            marked.extend(marks(&text[skip..]));
        }
    }
    blocks
}

/// The number of the mark a line starts with (`[12] Text` → `12`), if it opens with one
/// as `segment` reads a note's marker (text follows).
fn leading_mark(line: &str) -> Option<&str> {
    let text = line.trim_start();
    if list_marker_width(text) == 0 {
        return None;
    }
    // `[12] ` or, as text browsers render a note, `^[12] `.
    let text = text.strip_prefix('^').unwrap_or(text);
    if !text.starts_with('[') {
        return None;
    }
    let number = &text[1..text.find(']')?];
    is_number(number).then_some(number)
}

/// The numbers of the marks `[N]` in `text`.
fn marks(text: &str) -> impl Iterator<Item = &str> {
    text.split('[')
        .skip(1)
        .filter_map(|part| part.split_once(']').map(|(n, _)| n))
        .filter(|n| is_number(n))
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_DIGITS && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_mark_needs_text_after_it() {
        assert_eq!(leading_mark("[3] See the manual."), Some("3"));
        assert_eq!(leading_mark("  [12] Tide tables."), Some("12"));
        assert_eq!(leading_mark("[3]"), None);
        assert_eq!(leading_mark("[a] Letters."), None);
        assert_eq!(leading_mark("[1234] Too long."), None);
        assert_eq!(leading_mark("Text [3] here."), None);
    }

    #[test]
    fn marks_are_bracketed_numbers() {
        let found: Vec<&str> = marks("tides [1] and moons [22], not [x] or [] or [1234]").collect();
        assert_eq!(found, ["1", "22"]);
    }
}
