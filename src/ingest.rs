//! Reading the corpus: walk the folder in a stable order, read each file's bytes, decide
//! its encoding (a BOM decides; else valid UTF-8 is taken as is; else chardetng guesses)
//! and decode it line by line. Every line remembers where it starts in the raw file, so
//! a passage can cite true byte offsets whatever the encoding.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::{Error, Result};

/// Bytes of lines outside ASCII chardetng reads to decide a file's encoding: in chunks of
/// Russian text re-encoded in windows-1251, KOI8-R, IBM866 and ISO-8859-5, 2 KB decided
/// as well as 64 KB.
const SNIFF_BYTES: usize = 16 * 1024;

/// A corpus file as found on disk, before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path relative to the corpus folder, with `/` separators.
    pub rel: String,
    /// Absolute or corpus-joined path to read from.
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Modification time in nanoseconds since the epoch (0 if unknown).
    pub mtime_ns: u64,
}

/// One decoded line of a source file.
#[derive(Debug, Clone)]
pub struct Line {
    /// The line's text, decoded, without its line terminator.
    pub text: String,
    /// Offset of the line's first byte in the raw file.
    pub raw_start: usize,
    /// For lines decoded with replacement characters, or whose markup a reader took out:
    /// (text offset, raw offset) pairs at which the two stop advancing together. Empty
    /// when the encoding's width rule holds.
    checkpoints: Vec<(usize, usize)>,
    /// The line's number in the file, where a reader knows it and it is not the line's
    /// place among the document's lines (an HTML page: a block's lines are found in the
    /// markup, several to a line of the file or one over several).
    pub number: Option<u32>,
    /// The line carries on the previous line's last word, with no space between (a word
    /// of an HTML page that markup breaks over two lines of the file).
    pub joins: bool,
}

impl Line {
    /// A line of text a format reader made: `raw_start` is where it begins in the file
    /// (or in the reader's own text, for formats whose bytes are not text), and
    /// `checkpoints` map its offsets back where markup was taken out (UTF-8 widths).
    pub fn new(text: String, raw_start: usize, checkpoints: Vec<(usize, usize)>) -> Line {
        Line { text, raw_start, checkpoints, number: None, joins: false }
    }
}

/// What a format says a run of lines is, for formats that know (Markdown, HTML, Word
/// files, EPUB; a PDF's layout): plain text has none, and its structure is read from the
/// text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// A paragraph of running text.
    Paragraph,
    /// A heading, 1 the highest.
    Heading(usize),
    /// A list item.
    Item,
    /// A quoted block.
    Quote,
    /// A footnote or endnote.
    Note,
    /// A table row.
    Row,
    /// Preformatted text (code), each line kept.
    Code,
    /// An entry of a table of contents (a list item that is all a link, say).
    Contents,
}

/// A run of lines `first..=last` (indexes into [`SourceDoc::lines`]) and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Structured {
    pub first: usize,
    pub last: usize,
    pub hint: Hint,
}

/// Where a page of a paged format (PDF, an EPUB with a page list, a Word file with page
/// breaks) begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageStart {
    /// The first line of the page (an index into [`SourceDoc::lines`]).
    pub line: usize,
    /// The physical page, 1-based.
    pub number: u32,
    /// The printed page label, when the document has its own (`xi`, `34`).
    pub label: Option<String>,
}

/// How many raw bytes a decoded character takes, per encoding family.
#[derive(Debug, Clone, Copy)]
enum Width {
    /// UTF-8: a decoded byte is a raw byte.
    Utf8,
    /// windows-1251, KOI8-R, …: one byte per character.
    SingleByte,
    /// UTF-16: two bytes per code unit.
    Utf16,
    /// Shift_JIS, GBK, …: every line carries checkpoints made while decoding.
    Legacy,
}

/// A decoded source file: its lines and how to map text offsets back to raw bytes.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    /// Path relative to the corpus folder, with `/` separators.
    pub rel: String,
    /// The encoding the file was read in (`UTF-8`, `windows-1251`, …).
    pub encoding: &'static str,
    /// True when some bytes could not be decoded and were replaced by U+FFFD.
    pub lossy: bool,
    /// The lines of this part of the file, in order (`lines[i]` is line number
    /// `first_line + i + 1`).
    pub lines: Vec<Line>,
    /// Lines of the file before this part (0 for a file read whole, or its first part).
    pub first_line: usize,
    /// Lines (indexes into `lines`) written in another encoding than the file's, read in
    /// `other_encoding`: a file that mixes UTF-8 and windows-1251, say.
    pub mixed: Vec<usize>,
    /// The encoding of the `mixed` lines.
    pub other_encoding: Option<&'static str>,
    /// What the format says of its lines, in order (empty for plain text).
    pub structure: Vec<Structured>,
    /// True when the format marks every heading (Markdown, HTML, Word files), so that
    /// no other line is taken for one.
    pub headings_known: bool,
    /// Where its pages begin, for paged formats (empty otherwise).
    pub pages: Vec<PageStart>,
    /// The title the format gives (an HTML `<title>`, an EPUB's or Word file's metadata).
    pub title: Option<String>,
    width: Width,
    /// The words its lines join with a hyphen or a slash; made when first asked for.
    compounds: std::sync::OnceLock<Compounds>,
    /// Its words and how often each stands in its lines; made when first asked for.
    tokens: std::sync::OnceLock<rustc_hash::FxHashMap<String, u32>>,
}

/// The words a document's lines join with a hyphen (`ftp-master`), how many such words
/// each first part makes (`debian-devel`, `debian-qa`: 2 for `debian`), and the words
/// they join with a slash (`usr/share`), lowercased.
#[derive(Debug, Clone, Default)]
struct Compounds {
    words: rustc_hash::FxHashSet<String>,
    heads: rustc_hash::FxHashMap<String, u32>,
    paths: rustc_hash::FxHashSet<String>,
}

/// Letters a first part needs to count as one that makes compounds.
const MIN_HEAD_CHARS: usize = 4;

/// The run of letters and digits that ends at byte `at` of `text` (empty if none).
pub fn word_before(text: &str, at: usize) -> &str {
    let start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(at, |(i, _)| i);
    &text[start..at]
}

/// The run of letters and digits that starts at byte `at` of `text` (empty if none).
pub fn word_after(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    &rest[..rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len())]
}

impl SourceDoc {
    /// A document a format reader made, of its lines (UTF-8); the reader sets what it
    /// knows of them (`structure`, `headings_known`, `pages`). `format` names the format
    /// where plain text names its encoding (`PDF`, `EPUB`).
    pub fn from_reader(rel: &str, format: &'static str, lines: Vec<Line>) -> SourceDoc {
        SourceDoc {
            rel: rel.to_string(),
            encoding: format,
            lossy: false,
            lines,
            first_line: 0,
            mixed: Vec::new(),
            other_encoding: None,
            structure: Vec::new(),
            headings_known: false,
            pages: Vec::new(),
            title: None,
            width: Width::Utf8,
            compounds: Default::default(),
            tokens: Default::default(),
        }
    }

    /// Whether the document writes `left-right` as one word somewhere inside a line, case
    /// aside, or writes two or more words so with `left` first (`debian-devel`,
    /// `debian-qa`, so `debian-` / `maintainers`): then `left-` at a line end and `right`
    /// on the next is a compound, its hyphen its own, not a word hyphenated by the break.
    pub fn has_compound(&self, left: &str, right: &str) -> bool {
        let compounds = self.compounds();
        let (left, right) = (left.to_lowercase(), right.to_lowercase());
        // A first part that makes compounds counts only before a word the document
        // writes elsewhere too, and not where it writes the two as one (`devel-` /
        // `opment`, `over-` / `whelmed`: a word hyphenated by the break).
        compounds.words.contains(&format!("{left}-{right}"))
            || compounds.heads.get(&left).is_some_and(|&n| n >= 2)
                && self.word_count(&right) >= 2
                && self.word_count(&format!("{left}{right}")) == 0
    }

    /// How often the document's lines write `word` (a run of letters and digits), case
    /// aside.
    pub fn word_count(&self, word: &str) -> u32 {
        self.word_counts().get(word.to_lowercase().as_str()).copied().unwrap_or(0)
    }

    /// Every word of the lines (letters and digits, lowercased), and how often it stands
    /// there; made when first asked for.
    fn word_counts(&self) -> &rustc_hash::FxHashMap<String, u32> {
        self.tokens.get_or_init(|| {
            let mut tokens: rustc_hash::FxHashMap<String, u32> = Default::default();
            let mut lower = String::new();
            for line in &self.lines {
                for token in line.text.split(|c: char| !c.is_alphanumeric()) {
                    if token.is_empty() {
                        continue;
                    }
                    lower.clear();
                    lower.extend(token.chars().flat_map(char::to_lowercase));
                    match tokens.get_mut(lower.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            tokens.insert(lower.clone(), 1);
                        }
                    }
                }
            }
            tokens
        })
    }

    /// Whether the document writes `left/right` somewhere inside a line, case aside (a
    /// path, `usr/share`; `left` empty for a path from the root, `/usr`): then `/usr/` at a
    /// line end and `share/doc` on the next are one path, broken at its slash.
    pub fn has_path(&self, left: &str, right: &str) -> bool {
        self.compounds().paths.contains(&format!("{left}/{right}").to_lowercase())
    }

    /// The words the lines join with a hyphen or a slash, made when first asked for.
    fn compounds(&self) -> &Compounds {
        self.compounds.get_or_init(|| {
            let (mut words, mut paths) =
                (rustc_hash::FxHashSet::default(), rustc_hash::FxHashSet::default());
            for line in &self.lines {
                let text = &line.text;
                for (at, sep) in text.match_indices(['-', '/']) {
                    let (left, right) = (word_before(text, at), word_after(text, at + 1));
                    if !left.is_empty() && !right.is_empty() {
                        let set = if sep == "-" { &mut words } else { &mut paths };
                        set.insert(format!("{left}{sep}{right}").to_lowercase());
                    } else if sep == "/"
                        && !right.is_empty()
                        && text[..at].ends_with([' ', '(', '"'])
                    {
                        // A path from the root (`/usr`): the name after the slash.
                        paths.insert(format!("/{right}").to_lowercase());
                    }
                }
            }
            let mut heads: rustc_hash::FxHashMap<String, u32> = Default::default();
            for word in &words {
                let head = word.split('-').next().unwrap_or_default();
                if head.chars().count() >= MIN_HEAD_CHARS {
                    *heads.entry(head.to_string()).or_default() += 1;
                }
            }
            Compounds { words, heads, paths }
        })
    }

    /// The page of line `line` (an index into `lines`), if the document has pages.
    pub fn page_of(&self, line: usize) -> Option<&PageStart> {
        let at = self.pages.partition_point(|p| p.line <= line);
        at.checked_sub(1).map(|i| &self.pages[i])
    }

    /// The number in the file (1-based) of line `line` (an index into `lines`).
    pub fn line_number(&self, line: usize) -> u32 {
        self.lines[line].number.unwrap_or((self.first_line + line) as u32 + 1)
    }

    /// The raw byte offset in the file of byte `offset` of line `line` (0-based).
    pub fn raw_offset(&self, line: usize, offset: usize) -> usize {
        let l = &self.lines[line];
        let offset = offset.min(l.text.len());
        // Lines with replacement characters carry their own map.
        let (text_base, raw_base) =
            l.checkpoints.iter().rev().find(|&&(t, _)| t <= offset).copied().unwrap_or((0, 0));
        let rest = &l.text[text_base..offset];
        let width = match self.width {
            Width::Utf8 => rest.len(),
            Width::SingleByte => rest.chars().count(),
            Width::Utf16 => rest.encode_utf16().count() * 2,
            // Checkpoints mark every character, so nothing is left to measure.
            Width::Legacy => 0,
        };
        l.raw_start + raw_base + width
    }
}

/// What a walk of the corpus found.
#[derive(Debug, Default)]
pub struct Walk {
    /// The documents, sorted by relative path (each format's reader says if it reads one).
    pub files: Vec<FileEntry>,
    /// Entries that could not be listed or read (a dangling link, a loop, a path too long).
    pub problems: Vec<Error>,
    /// Links left alone because they lead outside the corpus (followed with `follow`).
    pub outside: Vec<PathBuf>,
    /// Every folder listed, relative to the corpus (empty for the corpus itself), with its
    /// mtime (ns) as stat'ed before it was listed: a file added, removed or renamed in it
    /// since changes it (`fresh`).
    pub folders: Vec<(PathBuf, u64)>,
}

/// Lists the files below `corpus` (but for quelle's settings at its top: the catalogue,
/// the glossary, bibliographies), sorted by relative path. Hidden files and folders
/// are skipped. Links are followed only where they lead inside the corpus, and links to
/// folders not at all (what they hold is listed where it is), unless `follow` says to
/// follow every link, as `rg -L` and `fd -L` do (each folder then once, so loops end).
/// Problems with single entries are returned beside the list, so the walk goes on.
pub fn walk(corpus: &Path, follow: bool) -> Result<Walk> {
    let meta = std::fs::metadata(corpus).map_err(|e| Error::io(corpus, e))?;
    if !meta.is_dir() {
        return Err(Error::io(
            corpus,
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
        ));
    }
    let root = std::fs::canonicalize(corpus).map_err(|e| Error::io(corpus, e))?;
    let mut visited = std::collections::HashSet::from([root.clone()]);
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut outside = Vec::new();
    let mut folders = Vec::new();
    let mut stack = vec![corpus.to_path_buf()];
    while let Some(dir) = stack.pop() {
        // Before the listing: a change while it is read shows as a later mtime.
        if let (Some(mtime), Ok(rel)) = (crate::fresh::mtime_of(&dir), dir.strip_prefix(corpus)) {
            folders.push((rel.to_path_buf(), mtime));
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(Error::io(&dir, e));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    problems.push(Error::io(&dir, e));
                    continue;
                }
            };
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let Ok(file_type) = entry.file_type() else { continue };
            // Every file is a document, but for quelle's own settings at the top.
            let is_document =
                !(dir == corpus && crate::source::is_setting(&name.to_string_lossy()));
            if file_type.is_symlink() {
                // A dangling link or a loop is reported by `stat` below.
                let Ok(target) = std::fs::canonicalize(entry.path()) else {
                    if is_document {
                        found.push(entry.path());
                    }
                    continue;
                };
                let is_dir = target.is_dir();
                if !follow {
                    if !target.starts_with(&root) {
                        if is_dir || is_document {
                            outside.push(entry.path());
                        }
                        continue;
                    }
                    if is_dir {
                        continue;
                    }
                } else if is_dir {
                    if visited.insert(target) {
                        stack.push(entry.path());
                    }
                    continue;
                }
                if is_document {
                    found.push(entry.path());
                }
            } else if file_type.is_dir() {
                if follow {
                    // Followed links may lead back here: each folder is listed once.
                    if std::fs::canonicalize(entry.path()).is_ok_and(|real| !visited.insert(real)) {
                        continue;
                    }
                }
                stack.push(entry.path());
            } else if is_document {
                // Paths, not entries: an entry holds its folder open.
                found.push(entry.path());
            }
        }
    }
    // One `stat` per file is most of a freshness check (a few microseconds each, most of it
    // in the kernel), so large corpora are stat'ed on several threads.
    let few = found.len() <= STAT_CHUNK_MIN;
    let stated: Vec<std::result::Result<Option<FileEntry>, Error>> = if few {
        found.iter().map(|p| stat(corpus, p)).collect()
    } else {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
        let chunk = found.len().div_ceil(threads).max(STAT_CHUNK_MIN);
        std::thread::scope(|scope| {
            let handles: Vec<_> = found
                .chunks(chunk)
                .map(|paths| {
                    scope.spawn(move || paths.iter().map(|p| stat(corpus, p)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut files = Vec::with_capacity(found.len());
    for result in stated {
        match result {
            Ok(Some(f)) => files.push(f),
            Ok(None) => {}
            Err(e) => problems.push(e),
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    outside.sort();
    folders.sort();
    Ok(Walk { files, problems, outside, folders })
}

/// Files a walk stats on one thread at least: threads cost more than a few stats.
const STAT_CHUNK_MIN: usize = 256;

/// The entry of a listed file; `None` for what is not a regular file. Links to files are
/// followed; a dangling link or a loop is reported, not fatal.
fn stat(corpus: &Path, path: &Path) -> std::result::Result<Option<FileEntry>, Error> {
    let meta = std::fs::metadata(path).map_err(|e| match std::fs::read_link(path) {
        Ok(target) if e.kind() == std::io::ErrorKind::NotFound => {
            Error::DanglingLink { path: path.to_path_buf(), target }
        }
        _ => Error::io(path, e),
    })?;
    if !meta.is_file() {
        return Ok(None);
    }
    let Some(rel) = relative(corpus, path) else { return Ok(None) };
    let mtime_ns = mtime_ns(&meta);
    Ok(Some(FileEntry { rel, path: path.to_path_buf(), size: meta.len(), mtime_ns }))
}

/// A file's or folder's mtime in ns since the epoch (0 where the system has none): what
/// the manifest records and the freshness stamp compares.
pub fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| name_of(c.as_os_str())).collect();
    Some(parts.join("/"))
}

/// A file or folder name as text that still tells any two names apart and is safe to
/// print: a name that is valid UTF-8 without a backslash or a control character is
/// itself; in any other, a backslash is `\\`, a control character `\u{1B}` and each byte
/// that is not UTF-8 `\xNN` (two names that differ only in such bytes would otherwise
/// become one, and one of the files would never be indexed).
pub fn name_of(name: &std::ffi::OsStr) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(name);
    #[cfg(not(unix))]
    let lossy = name.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = lossy.as_bytes();
    if let Ok(text) = std::str::from_utf8(bytes) {
        if !text.chars().any(|c| c == '\\' || c.is_control()) {
            return text.to_string();
        }
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                // Control characters (newline, tab, ESC, C1) would act on a terminal.
                c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Largest file read, in MB, unless [`MAX_FILE_VAR`] says otherwise: a long book is a few
/// MB of text, so this stops only what is not a document (a disk image, a log, a dump).
pub const DEFAULT_MAX_FILE_MB: u64 = 1024;

/// The environment variable that sets the largest file read, in MB.
pub const MAX_FILE_VAR: &str = "QUELLE_MAX_FILE_MB";

/// Bytes decoded and segmented at once: a larger file is read in parts, each cut after a
/// line (after a blank line where the part has one), so memory does not grow with the
/// file. A part starts its sections afresh.
pub const PART_BYTES: usize = 16 << 20;

/// Lines in one part at most: each line may become a passage.
const PART_LINES: usize = 200_000;

/// The largest file read, in bytes: [`MAX_FILE_VAR`] or the default.
pub fn max_file_bytes() -> Result<u64, String> {
    match std::env::var(MAX_FILE_VAR) {
        Err(_) => Ok(DEFAULT_MAX_FILE_MB << 20),
        Ok(v) => match v.trim().parse::<u64>() {
            Ok(mb) if mb > 0 => Ok(mb.saturating_mul(1 << 20)),
            _ => Err(format!("{MAX_FILE_VAR}={v:?} is not a size in MB (a whole number ≥ 1)")),
        },
    }
}

/// Opens a listed file without ever blocking: a pipe, a device or a socket put where a
/// file was listed is refused, its type checked on the opened handle (not on the name,
/// which may change between the two).
pub fn open(path: &Path) -> Result<(std::fs::File, std::fs::Metadata)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a pipe without a writer would wait forever; on a file it changes nothing.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(Error::Decode {
            path: path.to_path_buf(),
            reason: "not a regular file (a pipe, a device or a socket)".into(),
        });
    }
    Ok((file, meta))
}

pub fn too_large(path: &Path, limit: u64) -> Error {
    Error::TooLarge { path: path.to_path_buf(), limit }
}

/// The content hash of a file, read in blocks; `None` when it cannot be read as a
/// regular file of at most `limit` bytes.
pub fn hash_file(path: &Path, limit: u64) -> Option<u64> {
    use std::io::Read;
    let (file, meta) = open(path).ok()?;
    if meta.len() > limit {
        return None;
    }
    let mut file = file.take(limit + 1);
    let mut hash = ContentHash::default();
    let mut buf = vec![0; 1 << 20];
    let mut total = 0u64;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hash.update(&buf[..n]);
                total += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    (total <= limit).then(|| hash.finish())
}

/// Reads a corpus file part by part (see [`PART_BYTES`]): each part is decoded into a
/// [`SourceDoc`] whose lines and offsets are those of the whole file.
pub struct Reader {
    file: std::io::Take<std::fs::File>,
    /// The file's size when opened (it may change while read).
    size: u64,
    path: PathBuf,
    rel: String,
    limit: u64,
    /// Bytes read and not yet decoded; `offset` is where they start in the file.
    pending: Vec<u8>,
    offset: usize,
    /// Lines of the file before `pending`.
    lines_before: usize,
    decision: Option<Decision>,
    hash: ContentHash,
    read: u64,
    eof: bool,
    parts: usize,
    part_bytes: usize,
}

impl Reader {
    /// Opens `entry` (see [`open`]); a file larger than `limit` bytes is refused here.
    pub fn open(entry: &FileEntry, limit: u64) -> Result<Reader> {
        use std::io::Read;
        let (file, meta) = open(&entry.path)?;
        if meta.len() > limit {
            return Err(too_large(&entry.path, limit));
        }
        Ok(Reader {
            file: file.take(limit.saturating_add(1)),
            size: meta.len(),
            path: entry.path.clone(),
            rel: entry.rel.clone(),
            limit,
            pending: Vec::new(),
            offset: 0,
            lines_before: 0,
            decision: None,
            hash: ContentHash::default(),
            read: 0,
            eof: false,
            parts: 0,
            part_bytes: PART_BYTES,
        })
    }

    /// Reads parts of at most `bytes` (at least 64) instead of [`PART_BYTES`].
    pub fn part_bytes(mut self, bytes: usize) -> Reader {
        self.part_bytes = bytes.max(64);
        self
    }

    /// The next part of the file, `None` after the last. The first part decides the
    /// encoding; a part that is not text (or an empty file) is an error.
    pub fn next_part(&mut self) -> Result<Option<SourceDoc>> {
        self.fill()?;
        if self.pending.is_empty() {
            if self.parts == 0 {
                return Err(self.undecodable("empty file".into()));
            }
            return Ok(None);
        }
        let mut decision = match self.decision {
            Some(d) => d,
            None => decide(&self.pending, self.eof).map_err(|r| self.undecodable(r))?,
        };
        let cut = if self.eof {
            self.pending.len()
        } else {
            cut_point(&self.pending, self.part_bytes, &decision)
        };
        let skip = if self.parts == 0 { decision.bom_len.min(cut) } else { 0 };
        let body = &self.pending[skip..cut];
        let doc =
            decode_part(&self.rel, body, self.offset + skip, self.lines_before, &mut decision);
        if looks_binary(&doc) {
            let at = if self.offset == 0 {
                String::new()
            } else {
                format!(" from byte {}", self.offset)
            };
            return Err(self.undecodable(format!(
                "not text{at} (binary data; read as {})",
                decision.encoding.name()
            )));
        }
        let ends_line = ends_with_line_break(body, &decision);
        // A part cut inside a line (no line end near) leaves the rest of that line to the next.
        self.lines_before += doc.lines.len() - usize::from(!ends_line && !doc.lines.is_empty());
        self.pending.drain(..cut);
        self.offset += cut;
        self.parts += 1;
        self.decision = Some(decision);
        Ok(Some(doc))
    }

    /// The content hash of every byte read so far (the whole file after the last part).
    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }

    /// Bytes read so far (the file's size after the last part).
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    fn undecodable(&self, reason: String) -> Error {
        Error::Decode { path: self.path.clone(), reason }
    }

    /// Reads until a part's worth of bytes is pending or the file ends.
    fn fill(&mut self) -> Result<()> {
        use std::io::Read;
        if self.eof || self.pending.len() >= self.part_bytes {
            return Ok(());
        }
        // Straight into `pending`, sized by the file: a small file costs one read.
        let want = self.part_bytes - self.pending.len();
        let start = self.pending.len();
        self.pending.reserve(want.min(usize::try_from(self.size).unwrap_or(want) + 1));
        let n = (&mut self.file)
            .take(want as u64)
            .read_to_end(&mut self.pending)
            .map_err(|e| Error::io(&self.path, e))?;
        self.eof = n < want;
        self.hash.update(&self.pending[start..]);
        self.read += n as u64;
        if self.read > self.limit {
            return Err(too_large(&self.path, self.limit));
        }
        Ok(())
    }
}

/// True when `body` ends with a line break in the decided encoding.
fn ends_with_line_break(body: &[u8], decision: &Decision) -> bool {
    if !decision.width_is_utf16() {
        return matches!(body.last(), Some(b'\n' | b'\r'));
    }
    let Some(at) = body.len().checked_sub(2) else { return false };
    let pair = [body[at], body[at + 1]];
    let unit = if decision.encoding == UTF_16LE {
        u16::from_le_bytes(pair)
    } else {
        u16::from_be_bytes(pair)
    };
    matches!(unit, 0x0A | 0x0D)
}

/// How a file's bytes are decoded: decided once, from its first part.
#[derive(Debug, Clone, Copy)]
struct Decision {
    encoding: &'static Encoding,
    bom_len: usize,
    width: Width,
    /// The encoding of lines that are not in `encoding` (a file that mixes UTF-8 and a
    /// legacy encoding), chosen when the first such line is met.
    other: Option<&'static Encoding>,
}

impl Decision {
    fn width_is_utf16(&self) -> bool {
        matches!(self.width, Width::Utf16)
    }
}

/// Decodes a whole file's bytes into lines. Returns the reason when the bytes are not
/// text. (Files are read with [`Reader`]; this serves tests and tools.)
pub fn decode(rel: &str, bytes: &[u8]) -> Result<SourceDoc, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    let mut decision = decide(bytes, true)?;
    let skip = decision.bom_len.min(bytes.len());
    let doc = decode_part(rel, &bytes[skip..], skip, 0, &mut decision);
    if looks_binary(&doc) {
        return Err(format!("not text (binary data; read as {})", decision.encoding.name()));
    }
    Ok(doc)
}

/// Decides the encoding from the first bytes of a file (`whole` when they are all of it).
fn decide(bytes: &[u8], whole: bool) -> Result<Decision, String> {
    let (encoding, bom_len) = match Encoding::for_bom(bytes) {
        Some((enc, len)) => (enc, len),
        None => match sniff_utf16(bytes) {
            Some(enc) => (enc, 0),
            None => (guess_encoding(bytes, whole)?, 0),
        },
    };
    let width = if encoding == UTF_8 {
        Width::Utf8
    } else if encoding == UTF_16LE || encoding == UTF_16BE {
        Width::Utf16
    } else if encoding.is_single_byte() {
        Width::SingleByte
    } else {
        Width::Legacy
    };
    Ok(Decision { encoding, bom_len, width, other: None })
}

/// Where to end the part of at most `len` bytes that starts `bytes`: after the last blank
/// line in its second half, else after its last line, else after its last space, else at
/// a character boundary.
fn cut_point(bytes: &[u8], len: usize, decision: &Decision) -> usize {
    let len = len.min(bytes.len());
    if decision.width_is_utf16() {
        let newline: [u8; 2] = if decision.encoding == UTF_16LE { [b'\n', 0] } else { [0, b'\n'] };
        let units = len / 2;
        return (1..units)
            .rev()
            .find(|&u| bytes[2 * u - 2..2 * u] == newline)
            .map_or(2 * units.max(1), |u| 2 * u);
    }
    let mut end = len;
    if let Some(nl) = memchr::memchr_iter(b'\n', &bytes[..len]).nth(PART_LINES) {
        end = nl + 1;
    }
    let region = &bytes[..end];
    let half = end / 2;
    let blank = [&b"\n\n"[..], &b"\n\r\n"[..]]
        .iter()
        .filter_map(|pat| memchr::memmem::rfind(&region[half..], pat).map(|i| half + i + pat.len()))
        .max();
    if let Some(cut) = blank {
        return cut;
    }
    if let Some(i) = memchr::memrchr(b'\n', region) {
        return i + 1;
    }
    if let Some(i) = memchr::memrchr(b' ', region) {
        return i + 1;
    }
    // One unbroken run of bytes: cut before a character that continues (UTF-8).
    let mut cut = end;
    while cut > 1 && cut < bytes.len() && bytes[cut] & 0xC0 == 0x80 {
        cut -= 1;
    }
    cut
}

/// Decodes one part's `body`, which starts at raw offset `base` and line `first_line`.
fn decode_part(
    rel: &str,
    body: &[u8],
    base: usize,
    first_line: usize,
    decision: &mut Decision,
) -> SourceDoc {
    let encoding = decision.encoding;
    let (lines, lossy, mixed) = if decision.width_is_utf16() {
        let (lines, lossy) = decode_utf16(body, base, encoding == UTF_16LE);
        (lines, lossy, Vec::new())
    } else {
        decode_lines(body, base, decision)
    };
    SourceDoc {
        rel: rel.to_string(),
        encoding: encoding.name(),
        lossy,
        lines,
        width: decision.width,
        first_line,
        other_encoding: decision.other.filter(|_| !mixed.is_empty()).map(Encoding::name),
        mixed,
        structure: Vec::new(),
        headings_known: false,
        pages: Vec::new(),
        title: None,
        compounds: Default::default(),
        tokens: Default::default(),
    }
}

/// Picks the encoding of a file without a BOM from its first bytes: UTF-8 when its
/// multi-byte characters outweigh its undecodable bytes (a few damaged bytes, or lines of
/// a legacy encoding, do not make a UTF-8 file something else), anything else as
/// chardetng guesses. NUL bytes mean binary.
fn guess_encoding(bytes: &[u8], whole: bool) -> Result<&'static Encoding, String> {
    if memchr::memchr(0, bytes).is_some() {
        return Err("not text (contains NUL bytes)".into());
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(UTF_8);
    }
    let (good, bad) = utf8_balance(bytes);
    if good > 0 && good >= bad {
        return Ok(UTF_8);
    }
    // Only lines with a byte outside ASCII (or an escape, which starts ISO-2022 text) tell
    // one encoding from another: chardetng reads those, wherever they are in the part, and
    // none of the ASCII lines around them (a mostly English file in Latin-1 is judged on
    // more of its accents, at a fraction of the cost).
    let telling = bytes
        .split_inclusive(|&b| b == b'\n')
        .filter(|line| !line.is_ascii() || memchr::memchr(0x1B, line).is_some());
    Ok(guess_from_lines(telling, whole))
}

/// chardetng's guess from `lines`, in the file's order, of which it reads the first
/// `SNIFF_BYTES`; `whole` when they are every such line of the file.
fn guess_from_lines<'a>(
    lines: impl IntoIterator<Item = &'a [u8]>,
    whole: bool,
) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    let mut fed = 0;
    for line in lines {
        if fed >= SNIFF_BYTES {
            break;
        }
        let line = &line[..line.len().min(SNIFF_BYTES - fed)];
        detector.feed(line, false);
        fed += line.len();
        if !line.ends_with(b"\n") {
            detector.feed(b"\n", false);
            fed += 1;
        }
    }
    detector.feed(b"", whole && fed < SNIFF_BYTES);
    detector.guess(None, false)
}

/// UTF-16 without a BOM: most code units of Latin or Cyrillic text have one zero byte.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let zero_odd = sample.chunks_exact(2).filter(|p| p[1] == 0 && p[0] != 0).count();
    let zero_even = sample.chunks_exact(2).filter(|p| p[0] == 0 && p[1] != 0).count();
    let cyr_le = sample.chunks_exact(2).filter(|p| p[1] == 0x04).count();
    let cyr_be = sample.chunks_exact(2).filter(|p| p[0] == 0x04).count();
    if (zero_odd + cyr_le) * 10 >= pairs * 9 {
        Some(UTF_16LE)
    } else if (zero_even + cyr_be) * 10 >= pairs * 9 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Bytes of valid multi-byte UTF-8 characters, and bytes that are not UTF-8.
fn utf8_balance(bytes: &[u8]) -> (usize, usize) {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().bytes().filter(|b| *b >= 0x80).count();
        bad += chunk.invalid().len();
    }
    (good, bad)
}

/// True for a line written in another encoding than the file's: in a UTF-8 file, a line
/// with more undecodable bytes than UTF-8 characters; in a single-byte file, a line that
/// is valid UTF-8 with at least two multi-byte characters.
fn is_foreign(raw: &[u8], encoding: &'static Encoding) -> bool {
    if raw.is_ascii() {
        return false;
    }
    if encoding == UTF_8 {
        let (good, bad) = utf8_balance(raw);
        bad > 0 && bad > good
    } else if encoding.is_single_byte() {
        std::str::from_utf8(raw)
            .is_ok_and(|s| s.chars().filter(|c| c.len_utf8() > 1).nth(1).is_some())
    } else {
        false
    }
}

/// The encoding of a file's foreign lines: UTF-8 in a legacy file; in a UTF-8 file, what
/// chardetng makes of those lines.
fn other_encoding(encoding: &'static Encoding, foreign: &[&[u8]]) -> &'static Encoding {
    if encoding != UTF_8 {
        return UTF_8;
    }
    guess_from_lines(foreign.iter().copied(), true)
}

/// Splits ASCII-compatible bytes into lines at `\n`, `\r\n` or a lone `\r`.
/// Returns (start, end) pairs without the terminators.
fn split_lines(body: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'\n' => {
                out.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, i));
                if body.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < body.len() {
        out.push((start, body.len()));
    }
    out
}

/// Decodes the lines of an ASCII-compatible part; returns them, whether any byte was
/// replaced, and the 0-based lines read in the file's other encoding.
fn decode_lines(
    body: &[u8],
    base: usize,
    decision: &mut Decision,
) -> (Vec<Line>, bool, Vec<usize>) {
    let encoding = decision.encoding;
    let spans = split_lines(body);
    // A part that is all UTF-8 (most are) has no line of another encoding in it.
    let foreign: Vec<usize> = if encoding == UTF_8 && std::str::from_utf8(body).is_ok() {
        Vec::new()
    } else {
        (0..spans.len()).filter(|&i| is_foreign(&body[spans[i].0..spans[i].1], encoding)).collect()
    };
    if decision.other.is_none() && !foreign.is_empty() {
        let raws: Vec<&[u8]> = foreign.iter().map(|&i| &body[spans[i].0..spans[i].1]).collect();
        decision.other = Some(other_encoding(encoding, &raws));
    }
    let mut lossy = false;
    let mut next_foreign = foreign.iter().peekable();
    let lines = spans
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            let raw = &body[a..b];
            let raw_start = base + a;
            let other = match (next_foreign.peek(), decision.other) {
                (Some(&&f), Some(other)) if f == i => {
                    next_foreign.next();
                    Some(other)
                }
                _ => None,
            };
            if let Some(other) = other {
                // Checkpoints at every character keep offsets exact whatever the widths.
                let (text, checkpoints, had_errors) = decode_checkpointed(raw, other);
                lossy |= had_errors;
                return Line::new(text, raw_start, checkpoints);
            }
            if encoding == UTF_8 {
                return utf8_line(raw, raw_start, &mut lossy);
            }
            if encoding.is_single_byte() {
                let (text, had_errors) = encoding.decode_without_bom_handling(raw);
                lossy |= had_errors;
                return Line::new(text.into_owned(), raw_start, Vec::new());
            }
            let (text, checkpoints, had_errors) = decode_checkpointed(raw, encoding);
            lossy |= had_errors;
            Line::new(text, raw_start, checkpoints)
        })
        .collect();
    let mixed = if decision.other.is_some() { foreign } else { Vec::new() };
    (lines, lossy, mixed)
}

/// A UTF-8 line; undecodable bytes become U+FFFD with a checkpoint after each.
fn utf8_line(raw: &[u8], raw_start: usize, lossy: &mut bool) -> Line {
    if let Ok(s) = std::str::from_utf8(raw) {
        return Line::new(s.to_string(), raw_start, Vec::new());
    }
    *lossy = true;
    let mut text = String::with_capacity(raw.len());
    let mut checkpoints = Vec::new();
    let mut raw_pos = 0;
    for chunk in raw.utf8_chunks() {
        text.push_str(chunk.valid());
        raw_pos += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            raw_pos += chunk.invalid().len();
            checkpoints.push((text.len(), raw_pos));
        }
    }
    Line::new(text, raw_start, checkpoints)
}

/// Decodes byte by byte, noting where each character ends in both texts, so locators are
/// exact in any encoding, even around undecodable bytes.
fn decode_checkpointed(
    raw: &[u8],
    encoding: &'static Encoding,
) -> (String, Vec<(usize, usize)>, bool) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(raw.len() * 2);
    let mut checkpoints = Vec::new();
    let mut lossy = false;
    for i in 0..raw.len() {
        let last = i + 1 == raw.len();
        text.reserve(decoder.max_utf8_buffer_length(1).unwrap_or(16));
        let before = text.len();
        let (_, _, had_errors) = decoder.decode_to_string(&raw[i..=i], &mut text, last);
        lossy |= had_errors;
        if text.len() > before {
            checkpoints.push((text.len(), i + 1));
        }
    }
    (text, checkpoints, lossy)
}

fn decode_utf16(body: &[u8], base: usize, little_endian: bool) -> (Vec<Line>, bool) {
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|p| {
            if little_endian {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        })
        .collect();
    let mut lines = Vec::new();
    let mut lossy = body.len() % 2 == 1;
    let mut start = 0;
    let mut i = 0;
    let mut push = |a: usize, b: usize, lines: &mut Vec<Line>| {
        let text: String = char::decode_utf16(units[a..b].iter().copied())
            .map(|r| {
                r.unwrap_or_else(|_| {
                    lossy = true;
                    char::REPLACEMENT_CHARACTER
                })
            })
            .collect();
        lines.push(Line::new(text, base + 2 * a, Vec::new()));
    };
    while i < units.len() {
        match units[i] {
            0x0A => {
                push(start, i, &mut lines);
                start = i + 1;
            }
            0x0D => {
                push(start, i, &mut lines);
                if units.get(i + 1) == Some(&0x0A) {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < units.len() {
        push(start, units.len(), &mut lines);
    }
    (lines, lossy)
}

/// Decoded text that is mostly control characters or replacement characters was never text.
fn looks_binary(doc: &SourceDoc) -> bool {
    let (mut total, mut bad) = (0usize, 0usize);
    for line in &doc.lines {
        for c in line.text.chars().take(20_000) {
            total += 1;
            if c == char::REPLACEMENT_CHARACTER
                || (c.is_control() && !matches!(c, '\t' | '\u{c}'))
                || c == '\0'
            {
                bad += 1;
            }
        }
        if total > 100_000 {
            break;
        }
    }
    bad * 20 > total
}

/// A short, stable content hash (FNV-1a, 64 bits) for the index manifest.
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut hash = ContentHash::default();
    hash.update(bytes);
    hash.finish()
}

/// A checksum of what quelle wrote itself (the manifest, the freshness stamp, each stored
/// passage: `index::stored_check`), read back by every search: eight bytes a step
/// (FxHash's rotate, xor and multiply) and MurmurHash3's finaliser, about eight times as
/// fast as [`content_hash`]. Every step is a
/// bijection of the state, so a change confined to one word always shows. Fixed here, not
/// taken from a crate, so that the files stay valid across dependency updates.
pub fn check_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    for c in &mut chunks {
        h = step(h, u64::from_le_bytes(c.try_into().unwrap_or_default()));
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = step(h, u64::from_le_bytes(tail));
    // fmix64
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// [`content_hash`] fed block by block.
#[derive(Debug, Clone, Copy)]
pub struct ContentHash(u64);

impl Default for ContentHash {
    fn default() -> ContentHash {
        ContentHash(0xcbf2_9ce4_8422_2325)
    }
}

impl ContentHash {
    /// Adds the next bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash of every byte added.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn names_stay_apart_whatever_their_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let name = |b: &[u8]| name_of(std::ffi::OsStr::from_bytes(b));
        assert_eq!(name("Записки.txt".as_bytes()), "Записки.txt");
        assert_eq!(name(b"a\xff.txt"), "a\\xFF.txt");
        assert_eq!(name(b"a\\xFF.txt"), "a\\\\xFF.txt");
        assert_ne!(name(b"a\xff"), name(b"a\xfe"));
        assert_ne!(name(b"a\xff"), name(b"a\\xFF"));
        assert_eq!(name(b"red\x1b[31m\n.txt"), "red\\u{1B}[31m\\u{A}.txt");
        assert_ne!(name(b"a\n"), name(b"a\\u{A}"));
    }

    use super::*;

    fn lines(doc: &SourceDoc) -> Vec<&str> {
        doc.lines.iter().map(|l| l.text.as_str()).collect()
    }

    const RU: &str = "Рапалльский договор\r\nподписан в 1922 г.\n";

    #[test]
    fn utf8_with_and_without_bom() {
        let doc = decode("a.txt", RU.as_bytes()).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert_eq!(lines(&doc), ["Рапалльский договор", "подписан в 1922 г."]);
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(RU.as_bytes());
        let doc = decode("a.txt", &with_bom).unwrap();
        assert_eq!(lines(&doc), ["Рапалльский договор", "подписан в 1922 г."]);
        assert_eq!(doc.raw_offset(0, 0), 3);
        let second = RU.find("подписан").unwrap() + 3;
        assert_eq!(doc.raw_offset(1, 0), second);
    }

    #[test]
    fn windows_1251_and_koi8_r_decode_to_the_same_text() {
        let text = "Советско-германские отношения занимают особое место в политической истории \
                    двадцатого столетия. Они явились причиной многих противоречий.\n";
        for enc in [encoding_rs::WINDOWS_1251, encoding_rs::KOI8_R] {
            let (bytes, _, _) = enc.encode(text);
            let doc = decode("a.txt", &bytes).unwrap();
            // chardetng names KOI8-R text by its superset KOI8-U: the same letters.
            assert_eq!(&doc.encoding[..4], &enc.name()[..4]);
            assert_eq!(lines(&doc), [text.trim_end()]);
            let word = text.find("отношения").unwrap();
            let chars_before = text[..word].chars().count();
            assert_eq!(doc.raw_offset(0, word), chars_before);
        }
    }

    #[test]
    fn the_encoding_is_judged_on_lines_outside_ascii_however_far_in() {
        // A long English preface in ASCII, then Russian in windows-1251 and in KOI8-R: the
        // first `SNIFF_BYTES` alone are ASCII and say nothing.
        let preface = "Foreword of the translator, plain ASCII all along.\n".repeat(2_000);
        let russian = "Пастух гнал отару овец через широкий луг к реке.\n".repeat(20);
        for enc in [encoding_rs::WINDOWS_1251, encoding_rs::KOI8_R] {
            let bytes = [preface.as_bytes(), &enc.encode(&russian).0].concat();
            assert!(bytes.len() > SNIFF_BYTES + 1_000);
            let doc = decode("a.txt", &bytes).unwrap();
            assert_eq!(&doc.encoding[..4], &enc.name()[..4]);
            assert_eq!(lines(&doc).last().copied(), russian.lines().last());
        }
    }

    #[test]
    fn utf16_with_bom_counts_two_bytes_per_unit() {
        for (bom, le) in [([0xFF, 0xFE], true), ([0xFE, 0xFF], false)] {
            let mut bytes = bom.to_vec();
            for u in RU.encode_utf16() {
                bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            let doc = decode("a.txt", &bytes).unwrap();
            assert_eq!(lines(&doc), ["Рапалльский договор", "подписан в 1922 г."]);
            assert_eq!(doc.raw_offset(0, "Рапалльский ".len()), 2 + 2 * 12);
        }
    }

    #[test]
    fn damaged_utf8_stays_utf8_with_true_offsets() {
        let mut bytes = "договор подписан ".repeat(10).into_bytes();
        bytes.push(0xFF);
        bytes.extend_from_slice("в Рапалло".as_bytes());
        let doc = decode("a.txt", &bytes).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert!(doc.lossy);
        let text = &doc.lines[0].text;
        let at = text.find("в Рапалло").unwrap();
        assert_eq!(doc.raw_offset(0, at), bytes.len() - "в Рапалло".len());
    }

    #[test]
    fn multi_byte_legacy_offsets_are_exact_even_around_bad_bytes() {
        let mut bytes = encoding_rs::SHIFT_JIS.encode("条約は東京で署名された").0.into_owned();
        let bad = bytes.len();
        bytes.extend_from_slice(&[0x81, 0x20]); // a lead byte with no valid trail
        bytes.extend_from_slice(&encoding_rs::SHIFT_JIS.encode("終").0);
        let doc = decode_with(&bytes, encoding_rs::SHIFT_JIS);
        let text = &doc.lines[0].text;
        let end = text.find('終').unwrap();
        assert_eq!(doc.raw_offset(0, end), bad + 2);
        assert_eq!(doc.raw_offset(0, text.len()), bytes.len());
    }

    fn decode_with(bytes: &[u8], encoding: &'static Encoding) -> SourceDoc {
        let mut decision = Decision { encoding, bom_len: 0, width: Width::Legacy, other: None };
        decode_part("a.txt", bytes, 0, 0, &mut decision)
    }

    fn entry(path: &Path) -> FileEntry {
        FileEntry { rel: "f.txt".into(), path: path.to_path_buf(), size: 0, mtime_ns: 0 }
    }

    fn parts_of(path: &Path, part_bytes: usize) -> Vec<SourceDoc> {
        let mut reader = Reader::open(&entry(path), u64::MAX).unwrap().part_bytes(part_bytes);
        std::iter::from_fn(|| reader.next_part().unwrap()).collect()
    }

    #[test]
    fn a_file_read_in_parts_keeps_the_lines_and_offsets_of_the_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        let mut text = String::new();
        for i in 0..200 {
            let line = format!("Строка {i}: the quibbling marmot and the вертлявый сурок.\r\n");
            text.push_str(&line);
            if i % 7 == 0 {
                text.push('\n');
            }
        }
        std::fs::write(&path, &text).unwrap();
        let whole = decode("f.txt", text.as_bytes()).unwrap();
        let parts = parts_of(&path, 1000);
        assert!(parts.len() > 10, "{} parts", parts.len());
        let mut n = 0;
        for part in &parts {
            assert_eq!(part.first_line, n);
            for (i, line) in part.lines.iter().enumerate() {
                assert_eq!(line.text, whole.lines[n + i].text);
                let end = line.text.len();
                assert_eq!(part.raw_offset(i, 0), whole.raw_offset(n + i, 0));
                assert_eq!(part.raw_offset(i, end), whole.raw_offset(n + i, end));
            }
            n += part.lines.len();
        }
        assert_eq!(n, whole.lines.len());
        // Parts end at blank lines where they can: paragraphs and their locators stay whole.
        let whole_passages = crate::segment::segment(&whole).passages;
        let part_passages: Vec<_> =
            parts.iter().flat_map(|p| crate::segment::segment(p).passages).collect();
        let key = |p: &crate::segment::Passage| (p.text.clone(), p.line_start, p.byte_start);
        assert_eq!(
            part_passages.iter().map(key).collect::<Vec<_>>(),
            whole_passages.iter().map(key).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_line_longer_than_a_part_is_cut_at_spaces_into_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        let text = "слово word ".repeat(500) + "\nlast";
        std::fs::write(&path, &text).unwrap();
        let parts = parts_of(&path, 256);
        assert!(parts.len() > 10);
        let mut lines: Vec<String> = Vec::new();
        for part in &parts {
            assert!(part.first_line + 1 >= lines.len());
            for (i, line) in part.lines.iter().enumerate() {
                match lines.get_mut(part.first_line + i) {
                    Some(l) => l.push_str(&line.text),
                    None => lines.push(line.text.clone()),
                }
            }
        }
        assert!(lines == ["слово word ".repeat(500), "last".to_string()]);
    }

    #[test]
    fn a_utf16_line_longer_than_a_part_stays_one_line() {
        // `Њ` is 0A 04 in UTF-16LE: a byte that looks like a line feed ends each part.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        let text = format!("{}\nlast", "Њ".repeat(300));
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        std::fs::write(&path, bytes).unwrap();
        let parts = parts_of(&path, 64);
        assert!(parts.len() > 5);
        let last = parts.last().unwrap();
        assert_eq!(
            (last.first_line + last.lines.len(), last.lines.last().unwrap().text.as_str()),
            (2, "last")
        );
    }

    #[test]
    fn files_over_the_limit_are_refused_before_they_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        std::fs::write(&path, "x".repeat(100)).unwrap();
        let err = Reader::open(&entry(&path), 99).err().unwrap();
        assert!(err.to_string().contains(MAX_FILE_VAR), "{err}");
        assert!(Reader::open(&entry(&path), 100).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_devices_are_refused_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        // Opened for reading with no writer: a blocking open would never return.
        let err = Reader::open(&entry(&fifo), u64::MAX).err().unwrap();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let zero = dir.path().join("zero.txt");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let err = Reader::open(&entry(&zero), u64::MAX).err().unwrap();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        assert_eq!(hash_file(&zero, u64::MAX), None);
    }

    #[test]
    fn lines_in_another_encoding_are_read_in_theirs_with_exact_offsets() {
        let utf8 = "Кочевник шёл по степи.\n".as_bytes().to_vec();
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Пастух гнал отару овец.\n");
        // Mostly UTF-8, two lines of windows-1251.
        let mut bytes = [utf8.repeat(3), cp1251.to_vec(), utf8.clone(), cp1251.to_vec()].concat();
        let doc = decode("a.txt", &bytes).unwrap();
        assert_eq!(doc.encoding, "UTF-8");
        assert_eq!(doc.other_encoding, Some("windows-1251"));
        assert_eq!(doc.mixed, [3, 5]);
        assert_eq!(doc.lines[3].text, "Пастух гнал отару овец.", "{:?}", doc.lines);
        let at = doc.lines[3].text.find("отару").unwrap();
        let raw = doc.raw_offset(3, at);
        assert_eq!(&bytes[raw..raw + 5], &encoding_rs::WINDOWS_1251.encode("отару").0[..]);
        assert_eq!(doc.raw_offset(4, 0), 3 * utf8.len() + cp1251.len());
        // Mostly windows-1251, one line of UTF-8.
        bytes = [cp1251.repeat(4), utf8.clone()].concat();
        let doc = decode("a.txt", &bytes).unwrap();
        assert_eq!((doc.encoding, doc.other_encoding), ("windows-1251", Some("UTF-8")));
        assert_eq!(doc.lines[4].text, "Кочевник шёл по степи.");
        let at = doc.lines[4].text.find("степи").unwrap();
        let raw = doc.raw_offset(4, at);
        assert_eq!(&bytes[raw..raw + "степи".len()], "степи".as_bytes());
        // A few damaged bytes in UTF-8 text are damage, not another encoding.
        let mut damaged = utf8.repeat(4);
        damaged.insert(4, 0xFF);
        let doc = decode("a.txt", &damaged).unwrap();
        assert!(doc.lossy && doc.mixed.is_empty() && doc.other_encoding.is_none());
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert!(decode("a.txt", b"").is_err());
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        assert!(decode("a.png.txt", png).unwrap_err().contains("not text"));
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let doc = decode("a.txt", b"one\rtwo\r\nthree").unwrap();
        assert_eq!(lines(&doc), ["one", "two", "three"]);
        assert_eq!(doc.raw_offset(2, 0), 9);
    }

    #[test]
    fn check_hash_is_stable_and_sees_every_byte() {
        // Fixed values: manifests and stamps written before must still verify.
        assert_eq!(check_hash(b""), 0);
        assert_eq!(check_hash(b"quokka"), 0x0b5e_33cd_a674_e0fd);
        let text: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let base = check_hash(&text);
        for i in [0, 7, 8, 500, 999] {
            for bit in [0, 7] {
                let mut damaged = text.clone();
                damaged[i] ^= 1 << bit;
                assert_ne!(check_hash(&damaged), base, "byte {i} bit {bit}");
            }
        }
        // A cut or a zero added at the end changes it too.
        assert_ne!(check_hash(&text[..999]), base);
        assert_ne!(check_hash(&[text.as_slice(), &[0]].concat()), base);
    }

    #[test]
    fn content_hash_is_stable() {
        assert_eq!(content_hash(b""), 0xcbf2_9ce4_8422_2325);
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
    }

    #[test]
    fn walks_of_many_files_find_each_once_in_order() {
        // More than one stat chunk, in nested folders, with files to leave out.
        let dir = tempfile::tempdir().unwrap();
        let mut expected = Vec::new();
        for i in 0..(3 * STAT_CHUNK_MIN + 7) {
            let rel = format!("d{}/sub{}/f{i:04}.txt", i % 3, i % 2);
            std::fs::create_dir_all(dir.path().join(&rel).parent().unwrap()).unwrap();
            std::fs::write(dir.path().join(&rel), "x").unwrap();
            expected.push(rel);
        }
        // Every file is listed, whatever its format (its reader says whether it reads it),
        // but for hidden ones and quelle's settings at the top.
        std::fs::write(dir.path().join("d0/picture.png"), "x").unwrap();
        expected.push("d0/picture.png".to_string());
        std::fs::write(dir.path().join("d1/.hidden.txt"), "x").unwrap();
        std::fs::write(dir.path().join("catalog.toml"), "x").unwrap();
        expected.sort();
        let Walk { files, problems, .. } = walk(dir.path(), false).unwrap();
        assert!(problems.is_empty());
        let got: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(got, expected);
        assert!(files.iter().all(|f| f.size == 1 && f.mtime_ns > 0));
    }
}
