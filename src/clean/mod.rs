//! Cleaning: what is not the author's text is cut from the paragraph blocks, or labelled
//! as another kind of passage, before sections and passages are made. One file per rule;
//! each rule is generic (it names no corpus file) and keeps locators true, because it
//! only cuts, relabels or regroups pieces of source lines: it never writes text.

mod chrome;
mod footnotes;
mod glosses;
mod notes;
mod references;
mod toc;
mod wraps;

pub use references::is_bibliography_heading;

use crate::ingest::SourceDoc;
use crate::segment::{Block, Glue, Kind, Piece};

/// Applies every cleaning rule, in order.
pub fn clean(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    let blocks = chrome::drop(doc, blocks);
    let blocks = toc::group(doc, blocks);
    let blocks = glosses::stitch(doc, blocks);
    let blocks = references::separate(doc, blocks);
    let blocks = footnotes::cut(doc, blocks);
    let blocks = notes::label(doc, blocks);
    let blocks = wraps::join(doc, blocks);
    blocks.into_iter().filter(|b| has_letters(doc, b)).collect()
}

/// The text of a piece.
fn text_of<'a>(doc: &'a SourceDoc, p: &Piece) -> &'a str {
    &doc.lines[p.line].text[p.start..p.end]
}

/// A block that is one piece of one line.
fn single_line(b: &Block) -> bool {
    b.pieces.len() == 1
}

/// Block `b` starts on the line right after block `a` ends (no blank line between).
fn adjacent(a: &Block, b: &Block) -> bool {
    match (a.pieces.last(), b.pieces.first()) {
        (Some(x), Some(y)) => x.line + 1 == y.line,
        _ => false,
    }
}

/// Bytes `a..b` of piece `p`, trimmed of whitespace; `None` if nothing is left.
fn sub_piece(doc: &SourceDoc, p: &Piece, a: usize, b: usize, glue: Glue) -> Option<Piece> {
    let text = &text_of(doc, p)[a..b];
    let lead = text.len() - text.trim_start().len();
    let trail = text.len() - text.trim_end().len();
    let (start, end) = (p.start + a + lead, p.start + b - trail);
    (start < end).then_some(Piece { line: p.line, start, end, glue })
}

/// Piece `p` without the byte ranges `cuts` (relative to the piece, sorted, disjoint);
/// what follows a cut attaches with `glue`, or with a space if a space followed the cut.
fn cut_piece(doc: &SourceDoc, p: &Piece, cuts: &[(usize, usize)], glue: Glue) -> Vec<Piece> {
    let text = text_of(doc, p);
    let mut out = Vec::new();
    let mut at = 0;
    let mut next_glue = p.glue;
    for &(a, b) in cuts {
        if a > at {
            out.extend(sub_piece(doc, p, at, a, next_glue));
        }
        next_glue = if text[b..].starts_with(char::is_whitespace) { Glue::Space } else { glue };
        at = b;
    }
    let len = p.end - p.start;
    if at < len {
        out.extend(sub_piece(doc, p, at, len, if out.is_empty() { p.glue } else { next_glue }));
    }
    out
}

/// Page numbers and separator lines (`2`, `***`, `— 14 —`) carry no text.
fn has_letters(doc: &SourceDoc, block: &Block) -> bool {
    block.pieces.iter().any(|p| text_of(doc, p).chars().any(char::is_alphabetic))
}

/// A block of one kind made of the given pieces (the first glues with a space).
fn block_of(mut pieces: Vec<Piece>, kind: Kind) -> Block {
    if let Some(first) = pieces.first_mut() {
        first.glue = Glue::Space;
    }
    Block { pieces, kind }
}

#[cfg(test)]
pub(crate) mod test_util {
    use crate::ingest::decode;
    use crate::segment::{segment, Kind};

    /// (kind, text) of each passage of `text`.
    pub fn passages(text: &str) -> Vec<(Kind, String)> {
        let doc = decode("t.txt", text.as_bytes()).unwrap();
        segment(&doc).passages.into_iter().map(|p| (p.kind, p.text)).collect()
    }

    /// Texts of the passages of one kind.
    pub fn of_kind(text: &str, kind: Kind) -> Vec<String> {
        passages(text).into_iter().filter(|(k, _)| *k == kind).map(|(_, t)| t).collect()
    }
}
