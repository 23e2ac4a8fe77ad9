//! Reading the corpus: walk the folder in a stable order, read each file's bytes, decide
//! its encoding (a BOM decides; else valid UTF-8 is taken as is; else chardetng guesses)
//! and decode it line by line. Every line remembers where it starts in the raw file, so
//! a passage can cite true byte offsets whatever the encoding.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::{Error, Result};

/// Bytes chardetng reads to decide a file's encoding.
const SNIFF_BYTES: usize = 64 * 1024;

/// File extensions that hold text quelle indexes.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "md"];

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
    /// For lines decoded with replacement characters: (text offset, raw offset) pairs at
    /// which the two stop advancing together. Empty when the encoding's width rule holds.
    checkpoints: Vec<(usize, usize)>,
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
    /// The file's lines, in order (line `i` is line number `i + 1`).
    pub lines: Vec<Line>,
    width: Width,
}

impl SourceDoc {
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

/// Lists the text files below `corpus`, sorted by relative path. Hidden files and folders
/// are skipped, and so are links to folders (which could loop). Problems with single
/// entries are returned beside the list, so the walk goes on.
pub fn walk(corpus: &Path) -> Result<(Vec<FileEntry>, Vec<Error>)> {
    let meta = std::fs::metadata(corpus).map_err(|e| Error::io(corpus, e))?;
    if !meta.is_dir() {
        return Err(Error::io(
            corpus,
            std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a folder"),
        ));
    }
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut stack = vec![corpus.to_path_buf()];
    while let Some(dir) = stack.pop() {
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
            if file_type.is_dir() {
                stack.push(entry.path());
            } else if has_text_extension(Path::new(&name)) {
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
    Ok((files, problems))
}

/// Files a walk stats on one thread at least: threads cost more than a few stats.
const STAT_CHUNK_MIN: usize = 256;

/// The entry of a listed file; `None` for what is not a regular file. Links to files are
/// followed; a dangling link or a loop is reported, not fatal.
fn stat(corpus: &Path, path: &Path) -> std::result::Result<Option<FileEntry>, Error> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Ok(None);
    }
    let Some(rel) = relative(corpus, path) else { return Ok(None) };
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    Ok(Some(FileEntry { rel, path: path.to_path_buf(), size: meta.len(), mtime_ns }))
}

fn has_text_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEXT_EXTENSIONS.iter().any(|t| t.eq_ignore_ascii_case(e)))
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

/// Reads and decodes one corpus file.
pub fn read(entry: &FileEntry) -> Result<SourceDoc> {
    let bytes = std::fs::read(&entry.path).map_err(|e| Error::io(&entry.path, e))?;
    decode(&entry.rel, &bytes).map_err(|reason| Error::Decode { path: entry.path.clone(), reason })
}

/// Decodes a file's bytes into lines. Returns the reason when the bytes are not text.
pub fn decode(rel: &str, bytes: &[u8]) -> Result<SourceDoc, String> {
    if bytes.is_empty() {
        return Err("empty file".into());
    }
    let (encoding, bom_len) = match Encoding::for_bom(bytes) {
        Some((enc, len)) => (enc, len),
        None => match sniff_utf16(bytes) {
            Some(enc) => (enc, 0),
            None => (guess_encoding(bytes)?, 0),
        },
    };
    let body = &bytes[bom_len..];
    let (lines, lossy) = if encoding == UTF_16LE || encoding == UTF_16BE {
        decode_utf16(body, bom_len, encoding == UTF_16LE)
    } else if encoding == UTF_8 {
        decode_utf8(body, bom_len)
    } else {
        decode_legacy(body, bom_len, encoding)
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
    let doc = SourceDoc { rel: rel.to_string(), encoding: encoding.name(), lossy, lines, width };
    if looks_binary(&doc) {
        return Err(format!("not text (binary data; read as {})", encoding.name()));
    }
    Ok(doc)
}

/// Picks the encoding of a file without a BOM: valid UTF-8 as is, UTF-8 with a few bad
/// bytes as lossy UTF-8, anything else as chardetng guesses. NUL bytes mean binary.
fn guess_encoding(bytes: &[u8]) -> Result<&'static Encoding, String> {
    if bytes.contains(&0) {
        return Err("not text (contains NUL bytes)".into());
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(UTF_8);
    }
    // A valid UTF-8 file with a few damaged bytes stays UTF-8: guessing a legacy encoding
    // would turn every Cyrillic letter into mojibake.
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().bytes().filter(|b| *b >= 0x80).count();
        bad += chunk.invalid().len();
    }
    if good >= 8 * bad {
        return Ok(UTF_8);
    }
    // The first 64 KB decide the encoding as well as the whole file would.
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(sample, sample.len() == bytes.len());
    Ok(detector.guess(None, false))
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

fn decode_utf8(body: &[u8], base: usize) -> (Vec<Line>, bool) {
    let mut lossy = false;
    let lines = split_lines(body)
        .into_iter()
        .map(|(a, b)| {
            let raw = &body[a..b];
            match std::str::from_utf8(raw) {
                Ok(s) => Line { text: s.to_string(), raw_start: base + a, checkpoints: Vec::new() },
                Err(_) => {
                    lossy = true;
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
                    Line { text, raw_start: base + a, checkpoints }
                }
            }
        })
        .collect();
    (lines, lossy)
}

fn decode_legacy(body: &[u8], base: usize, encoding: &'static Encoding) -> (Vec<Line>, bool) {
    let mut lossy = false;
    let lines = split_lines(body)
        .into_iter()
        .map(|(a, b)| {
            if encoding.is_single_byte() {
                let (text, had_errors) = encoding.decode_without_bom_handling(&body[a..b]);
                lossy |= had_errors;
                return Line {
                    text: text.into_owned(),
                    raw_start: base + a,
                    checkpoints: Vec::new(),
                };
            }
            // Multi-byte encodings: decode byte by byte and note where each character
            // ends in both texts, so locators are exact even around undecodable bytes.
            let raw = &body[a..b];
            let mut decoder = encoding.new_decoder_without_bom_handling();
            let mut text = String::with_capacity(raw.len() * 2);
            let mut checkpoints = Vec::new();
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
            Line { text, raw_start: base + a, checkpoints }
        })
        .collect();
    (lines, lossy)
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
        lines.push(Line { text, raw_start: base + 2 * a, checkpoints: Vec::new() });
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
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
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
        let (lines, lossy) = decode_legacy(bytes, 0, encoding);
        SourceDoc {
            rel: "a.txt".into(),
            encoding: encoding.name(),
            lossy,
            lines,
            width: Width::Legacy,
        }
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
        std::fs::write(dir.path().join("d0/picture.png"), "x").unwrap();
        std::fs::write(dir.path().join("d1/.hidden.txt"), "x").unwrap();
        expected.sort();
        let (files, problems) = walk(dir.path()).unwrap();
        assert!(problems.is_empty());
        let got: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(got, expected);
        assert!(files.iter().all(|f| f.size == 1 && f.mtime_ns > 0));
    }
}
