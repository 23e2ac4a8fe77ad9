//! Sentences wrapped across lines in text that `segment` reads a line per paragraph
//! (too short to tell that it is hard-wrapped, or mostly a line per paragraph): a line
//! that plainly carries on the sentence of the line above it joins that line's passage,
//! so that no sentence is cut in two and the first half does not pass for a heading
//! (`…and neap tides fall between` / `them, when the pull…`). The other rules run first
//! and keep what they recognise (contents, glosses, references) apart.

use crate::ingest::SourceDoc;
use crate::segment::{continue_block, ends_sentence, starts_item, Block, Kind, MIN_RUN_ON_CHARS};

/// Characters a wrapped line has at most (text is wrapped at 72–80 columns): a longer
/// line is a paragraph of its own, whatever follows it.
const MAX_WRAPPED_CHARS: usize = 100;

/// Joins each body block that continues the body block above it, in plain text (a format
/// that marks its paragraphs, PDF's layout included, is left as it says).
pub fn join(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    if !doc.structure.is_empty() {
        return blocks;
    }
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    for block in blocks {
        match out.last_mut() {
            Some(above) if continues(doc, above, &block) => {
                for piece in &block.pieces {
                    continue_block(doc, above, piece.line);
                }
            }
            _ => out.push(block),
        }
    }
    out
}

/// Block `next` (one whole line) carries on the sentence `above` ends with: it follows
/// directly, both lines have a wrapped line's length, the line above ends no sentence and
/// `next` starts, unindented, with a lowercase letter.
fn continues(doc: &SourceDoc, above: &Block, next: &Block) -> bool {
    let (Some(last), [first]) = (above.pieces.last(), next.pieces.as_slice()) else {
        return false;
    };
    let (prev, line) =
        (doc.lines[last.line].text.trim_end(), doc.lines[first.line].text.trim_end());
    let whole = first.start == 0 && first.end == line.len() && last.end == prev.len();
    above.kind == Kind::Body
        && next.kind == Kind::Body
        && whole
        && last.line + 1 == first.line
        // A shorter line is more likely a heading or a verse.
        && (MIN_RUN_ON_CHARS..=MAX_WRAPPED_CHARS).contains(&prev.chars().count())
        && line.chars().count() <= MAX_WRAPPED_CHARS
        && !ends_sentence(prev)
        && line.starts_with(char::is_lowercase)
        && !starts_item(line)
}
