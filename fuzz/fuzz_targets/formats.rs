//! Any bytes as each document format (PDF, EPUB, DOCX, ODT, HTML, Markdown), then
//! segmentation: a document or an error, never a panic or a hang; every passage's lines
//! and pages inside the document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quelle::source::{epub, html, markdown, office, pdf, Options};

fuzz_target!(|bytes: &[u8]| {
    let Some((&which, bytes)) = bytes.split_first() else { return };
    let read = match which % 6 {
        0 => pdf::read("f.pdf", bytes, &Options::default()),
        1 => epub::read("f.epub", bytes),
        2 => office::read_docx("f.docx", bytes),
        3 => office::read_odt("f.odt", bytes),
        4 => html::read("f.html", bytes),
        _ => markdown::read("f.md", bytes),
    };
    let Ok(read) = read else { return };
    let doc = read.doc;
    // A page's passages are cited by the file's lines (each ended by a `\n` or `\r` byte,
    // in UTF-16 too), other formats' by the reader's.
    let file_lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    let lines = doc.lines.len().max(file_lines) as u32;
    let pages = doc.pages.iter().map(|p| p.number).max().unwrap_or(0);
    for p in quelle::segment::segment(&doc).passages {
        assert!(p.line_start >= 1 && p.line_start <= p.line_end && p.line_end <= lines);
        assert!(p.pages.iter().all(|m| m.page >= 1 && m.page <= pages));
        assert!(!p.text.is_empty());
    }
});
