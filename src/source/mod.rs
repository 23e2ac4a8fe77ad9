//! Document formats: one reader per format, one shape out. Each reader turns a file into
//! the same [`SourceDoc`]: lines of text with locators native to the format (a text
//! file's or Markdown file's own lines and bytes; a PDF's pages and printed page labels;
//! the page list of an EPUB), and what the format says of them (headings, list items,
//! notes, table rows) where it says anything. Everything after (cleaning, passages,
//! analysis, citations) never asks which format a document came from.
//!
//! A format is chosen by the file's extension, and by its content where the extension
//! says little: an HTML page saved as `.txt` is read as HTML, a `.gz` as what it holds.

pub mod anchor;
pub mod epub;
pub mod html;
pub mod markdown;
pub mod office;
pub mod pdf;

use crate::error::{Error, Result};
use crate::ingest::{self, FileEntry, SourceDoc};

/// The formats quelle reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Pdf,
    Epub,
    Docx,
    Odt,
}

/// What a reader says of pages that hold no text (scans), in its notes and in the
/// manifest, so that `--ocr` knows to read them again.
pub const NO_TEXT: &str = "without a text layer";

/// How to read: settings that reach the readers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Recognise the text of scanned PDF pages with Tesseract, where it is installed.
    pub ocr: bool,
}

/// Extensions of each format (lowercase, without the dot).
const EXTENSIONS: [(&str, Format); 11] = [
    ("txt", Format::Text),
    ("text", Format::Text),
    ("md", Format::Markdown),
    ("markdown", Format::Markdown),
    ("html", Format::Html),
    ("htm", Format::Html),
    ("xhtml", Format::Html),
    ("pdf", Format::Pdf),
    ("epub", Format::Epub),
    ("docx", Format::Docx),
    ("odt", Format::Odt),
];

/// What a file's name says of its format: `Some(format)`, or `Ok(None)` for a name with
/// no extension (its content decides); an unknown extension is an error naming it.
pub fn format_by_name(name: &str) -> std::result::Result<Option<Format>, String> {
    let name = name.strip_suffix(".gz").unwrap_or(name);
    let Some((_, ext)) = name.rsplit_once('.').filter(|(stem, _)| !stem.is_empty()) else {
        return Ok(None);
    };
    let ext = ext.to_lowercase();
    EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|&(_, f)| Some(f)).ok_or_else(|| {
        let known: Vec<&str> = EXTENSIONS.iter().map(|(e, _)| *e).collect();
        format!("{UNREAD}{ext}; it reads .{}, and .gz of them)", known.join(", ."))
    })
}

/// How [`format_by_name`] says a file is of a format quelle does not read, before its
/// extension.
const UNREAD: &str = "not a format quelle reads (.";

/// Files skipped for one shared reason that make one line of warning, at least.
const GROUPED_SKIPS: usize = 3;

/// Reasons for skipping files, as shown: [`GROUPED_SKIPS`] or more files skipped for one
/// shared reason (one unread extension: a folder of images beside the documents; links to
/// nothing: a saved package's links to another's files) make one line, naming the first
/// and counting the others; other reasons are kept, in order.
pub fn group_skips<S: AsRef<str>>(reasons: &[S]) -> Vec<String> {
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for why in reasons {
        if let Some((_, key, _)) = shared_reason(why.as_ref()) {
            *counts.entry(key).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    let mut shown = std::collections::HashSet::new();
    for why in reasons.iter().map(AsRef::as_ref) {
        match shared_reason(why).filter(|(_, key, _)| counts[key] >= GROUPED_SKIPS) {
            Some((_, key, _)) if shown.contains(&key) => {}
            Some((file, key, tail)) => {
                out.push(format!("{file} and {} more{tail}", counts[&key] - 1));
                shown.insert(key);
            }
            None => out.push(why.to_string()),
        }
    }
    out
}

/// For a skip whose reason many files may share, as its error shows it: the file, the
/// reason's key, and what a line for all of them says after `FILE and N more`.
fn shared_reason(why: &str) -> Option<(&str, String, String)> {
    if let Some((file, _)) = why.split_once(crate::error::DANGLING) {
        let tail = ": links to files that do not exist".to_string();
        return Some((file.trim_end_matches(": "), crate::error::DANGLING.to_string(), tail));
    }
    // `FILE: not a format quelle reads (.EXT; …`.
    let (file, reason) = why.split_once(UNREAD)?;
    let (ext, _) = reason.split_once(';')?;
    Some((file.trim_end_matches(": "), ext.to_string(), format!(" .{ext} files: {UNREAD}{reason}")))
}

/// True for files of the corpus folder that are quelle's settings, not documents: the
/// catalogue, the glossary, the user's dictionary, bibliographies and CSL styles.
pub fn is_setting(rel: &str) -> bool {
    if rel.contains('/') {
        return false;
    }
    let lower = rel.to_lowercase();
    matches!(lower.as_str(), "catalog.toml" | "glossary.tsv" | "dictionary.tsv")
        || [".bib", ".json", ".csl"].iter().any(|e| lower.ends_with(e))
}

/// An HTML document, by its first bytes (a BOM and blanks aside).
fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text =
        String::from_utf8_lossy(head).trim_start_matches('\u{feff}').trim_start().to_lowercase();
    text.starts_with("<!doctype html")
        || text.starts_with("<html")
        || (text.starts_with("<?xml") && text.contains("<html"))
        || (text.starts_with("<!--") && text.contains("<html"))
}

/// Reads a file part by part (plain text) or whole (every other format).
pub enum Reader {
    /// Plain text, streamed in parts.
    Text(ingest::Reader),
    /// A document read whole.
    Whole { doc: Option<SourceDoc>, hash: u64, bytes: u64, notes: Vec<String> },
}

impl Reader {
    /// The next part of the document, `None` after the last.
    pub fn next_part(&mut self) -> Result<Option<SourceDoc>> {
        match self {
            Reader::Text(r) => r.next_part(),
            Reader::Whole { doc, .. } => Ok(doc.take()),
        }
    }

    /// The hash of the file's bytes (once read).
    pub fn hash(&self) -> u64 {
        match self {
            Reader::Text(r) => r.hash(),
            Reader::Whole { hash, .. } => *hash,
        }
    }

    /// Bytes read from the file.
    pub fn bytes_read(&self) -> u64 {
        match self {
            Reader::Text(r) => r.bytes_read(),
            Reader::Whole { bytes, .. } => *bytes,
        }
    }

    /// What the user should know of how the file was read (pages with no text, …).
    pub fn notes(&self) -> &[String] {
        match self {
            Reader::Text(_) => &[],
            Reader::Whole { notes, .. } => notes,
        }
    }
}

/// What a whole-file reader returns: the document and notes for the user.
pub struct Read {
    pub doc: SourceDoc,
    pub notes: Vec<String>,
}

/// Opens `entry` in the reader of its format. Files of no format quelle reads, encrypted
/// or damaged documents and scans with no text are errors naming the file and why.
pub fn open(entry: &FileEntry, limit: u64, options: &Options) -> Result<Reader> {
    let decode_error = |reason: String| Error::Decode { path: entry.path.clone(), reason };
    let by_name = format_by_name(&entry.rel).map_err(decode_error)?;
    let gzipped = entry.rel.to_lowercase().ends_with(".gz");
    if by_name == Some(Format::Text) && !gzipped {
        // Plain text is streamed; an HTML page saved as `.txt` is read as HTML.
        let (file, _) = ingest::open(&entry.path)?;
        let mut head = [0u8; 1024];
        let n = std::io::Read::read(&mut &file, &mut head).unwrap_or(0);
        if !looks_like_html(&head[..n]) {
            return Ok(Reader::Text(ingest::Reader::open(entry, limit)?));
        }
    }
    let raw = read_whole(entry, limit)?;
    let hash = ingest::content_hash(&raw);
    let bytes = if gzipped { gunzip(&raw, limit).map_err(decode_error)? } else { raw.clone() };
    let format = match by_name {
        Some(Format::Text) | None if looks_like_html(&bytes) => Format::Html,
        Some(f) => f,
        None => Format::Text,
    };
    let read = match format {
        Format::Text => {
            let doc = ingest::decode(&entry.rel, &bytes).map_err(decode_error)?;
            Read { doc, notes: Vec::new() }
        }
        Format::Markdown => markdown::read(&entry.rel, &bytes).map_err(decode_error)?,
        Format::Html => html::read(&entry.rel, &bytes).map_err(decode_error)?,
        Format::Pdf => pdf::read(&entry.rel, &bytes, options).map_err(decode_error)?,
        Format::Epub => epub::read(&entry.rel, &bytes).map_err(decode_error)?,
        Format::Docx => office::read_docx(&entry.rel, &bytes).map_err(decode_error)?,
        Format::Odt => office::read_odt(&entry.rel, &bytes).map_err(decode_error)?,
    };
    Ok(Reader::Whole { doc: Some(read.doc), hash, bytes: raw.len() as u64, notes: read.notes })
}

/// A file outside the corpus (an essay to check) read whole: Markdown and text as they
/// are written, other formats by their readers; its lines, joined by `\n`.
pub fn read_text(path: &std::path::Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let rel = ingest::name_of(path.file_name().unwrap_or_default());
    let entry = FileEntry { rel, path: path.to_path_buf(), size: meta.len(), mtime_ns: 0 };
    let limit = ingest::max_file_bytes().map_err(Error::Setting)?;
    // Markdown and text as written: their quotation marks and `>` lines are the quotes.
    if matches!(format_by_name(&entry.rel), Ok(Some(Format::Markdown | Format::Text)) | Ok(None)) {
        let bytes = read_whole(&entry, limit)?;
        let doc = ingest::decode(&entry.rel, &bytes)
            .map_err(|reason| Error::Decode { path: path.to_path_buf(), reason })?;
        return Ok(doc.lines.into_iter().map(|l| l.text).collect::<Vec<_>>().join("\n"));
    }
    let mut reader = open(&entry, limit, &Options::default())?;
    let mut lines = Vec::new();
    while let Some(doc) = reader.next_part()? {
        lines.extend(doc.lines.into_iter().map(|l| l.text));
    }
    Ok(lines.join("\n"))
}

/// A file's bytes, at most `limit` of them (more is an error naming the limit).
fn read_whole(entry: &FileEntry, limit: u64) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let (file, meta) = ingest::open(&entry.path)?;
    if meta.len() > limit {
        return Err(ingest::too_large(&entry.path, limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(&entry.path, e))?;
    if bytes.len() as u64 > limit {
        return Err(ingest::too_large(&entry.path, limit));
    }
    Ok(bytes)
}

/// The content of a gzip file, at most `limit` bytes of it.
fn gunzip(bytes: &[u8], limit: u64) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read as _;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("not a readable gzip file: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("it unpacks to more than {} MB", limit >> 20));
    }
    Ok(out)
}

/// Lines of a reader's text and their structure: what the HTML, EPUB and office readers
/// make. Anchored in the file's markup (an HTML page), a block's lines are the file's lines
/// it stands on; else they are the reader's own text, one per block, offsets those of this
/// text (the lines joined by `\n`).
#[derive(Debug, Default)]
pub struct Builder {
    lines: Vec<ingest::Line>,
    structure: Vec<ingest::Structured>,
    pages: Vec<ingest::PageStart>,
    offset: usize,
    pending_page: Option<(u32, Option<String>)>,
    anchor: Option<anchor::Visible>,
}

impl Builder {
    /// A builder that finds each block in the file's markup, cited by the file's lines.
    pub fn anchored(visible: anchor::Visible) -> Builder {
        Builder { anchor: Some(visible), ..Builder::default() }
    }

    /// Blocks of an anchored builder that were not found in the markup.
    pub fn unplaced(&self) -> usize {
        self.anchor.as_ref().map_or(0, |a| a.unplaced)
    }

    /// Adds a block of text lines with what it is; blank text adds nothing.
    pub fn block(&mut self, text: &str, hint: ingest::Hint) {
        let lines: Vec<ingest::Line> = match self.anchor.as_mut() {
            Some(visible) => {
                let text = text.trim();
                let placed = visible.place(text);
                anchor::lines_of(&placed, text).unwrap_or_default()
            }
            None => text
                .split('\n')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let line = ingest::Line::new(l.to_string(), self.offset, Vec::new());
                    self.offset += l.len() + 1;
                    line
                })
                .collect(),
        };
        if lines.is_empty() {
            return;
        }
        let first = self.lines.len();
        if let Some((number, label)) = self.pending_page.take() {
            self.pages.push(ingest::PageStart { line: first, number, label });
        }
        self.lines.extend(lines);
        self.structure.push(ingest::Structured { first, last: self.lines.len() - 1, hint });
    }

    /// A new page begins with the next block (its physical number, its printed label).
    pub fn page(&mut self, number: u32, label: Option<String>) {
        self.pending_page = Some((number, label));
    }

    /// True when nothing has been added.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The document.
    pub fn finish(self, rel: &str, format: &'static str, title: Option<String>) -> SourceDoc {
        let mut doc = SourceDoc::from_reader(rel, format, self.lines);
        doc.headings_known = true;
        doc.structure = self.structure;
        doc.pages = self.pages;
        doc.title = title.map(|t| crate::normalize::display(&t)).filter(|t| !t.is_empty());
        doc
    }
}

/// The text an XML event carries: a text node, or an entity or character reference
/// (`&amp;`, `&#x27;`) resolved.
pub fn xml_text(event: &quick_xml::events::Event) -> Option<String> {
    use quick_xml::events::Event;
    match event {
        Event::Text(t) => t.decode().ok().map(|c| c.into_owned()),
        Event::CData(t) => t.decode().ok().map(|c| c.into_owned()),
        Event::GeneralRef(r) => {
            if let Ok(Some(c)) = r.resolve_char_ref() {
                return Some(c.to_string());
            }
            let name = r.decode().ok()?;
            Some(
                match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    "nbsp" => "\u{a0}",
                    _ => return None,
                }
                .to_string(),
            )
        }
        _ => None,
    }
}

/// Text of several whitespace-separated pieces as one line.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_files_of_one_unread_format_make_one_line() {
        let why = |f: &str| format!("{f}: {}", format_by_name(f).unwrap_err());
        let reasons = [
            why("maps/a.tif"),
            "notes.txt: not valid text".to_string(),
            why("maps/b.tif"),
            why("song.ogg"),
            why("maps/c.tif"),
            why("tune.ogg"),
        ];
        let shown = group_skips(&reasons);
        assert_eq!(shown.len(), 4, "{shown:?}");
        assert!(shown[0]
            .starts_with("maps/a.tif and 2 more .tif files: not a format quelle reads (.tif;"));
        assert_eq!(shown[1], "notes.txt: not valid text");
        assert!(
            shown[2].starts_with("song.ogg: not a format") && shown[3].starts_with("tune.ogg: ")
        );
    }

    #[test]
    fn formats_by_name_and_settings_apart() {
        assert_eq!(format_by_name("a/b.PDF"), Ok(Some(Format::Pdf)));
        assert_eq!(format_by_name("notes.txt.gz"), Ok(Some(Format::Text)));
        assert_eq!(format_by_name("README"), Ok(None));
        assert_eq!(format_by_name(".profile"), Ok(None));
        assert!(format_by_name("photo.jpg").unwrap_err().contains(".jpg"));
        assert!(
            is_setting("catalog.toml")
                && is_setting("library.bib")
                && !is_setting("a/catalog.toml")
        );
        assert!(looks_like_html(b"\xef\xbb\xbf  <!DOCTYPE html><html>"));
        assert!(!looks_like_html(b"Plain text about <html> tags."));
    }

    #[test]
    fn gzip_is_read_and_bounded() {
        use std::io::Write;
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&vec![b'a'; 10_000]).unwrap();
        let gz = z.finish().unwrap();
        assert_eq!(gunzip(&gz, 20_000).unwrap().len(), 10_000);
        assert!(gunzip(&gz, 1_000).unwrap_err().contains("unpacks to more"));
        assert!(gunzip(b"not gzip", 1_000).is_err());
    }
}
