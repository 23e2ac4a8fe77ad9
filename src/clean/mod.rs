//! Cleaning: what is not the author's text is cut from the paragraph blocks, or labelled
//! as another kind of passage, before sections and passages are made. One file per rule;
//! each rule is generic (it names no corpus file) and keeps locators true, because it
//! only cuts, relabels or regroups pieces of source lines: it never writes text.

use crate::ingest::SourceDoc;
use crate::segment::Block;

/// Applies every cleaning rule, in order.
pub fn clean(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    blocks.into_iter().filter(|b| has_letters(doc, b)).collect()
}

/// Page numbers and separator lines (`2`, `***`, `— 14 —`) carry no text.
fn has_letters(doc: &SourceDoc, block: &Block) -> bool {
    block
        .pieces
        .iter()
        .any(|p| doc.lines[p.line].text[p.start..p.end].chars().any(char::is_alphabetic))
}
