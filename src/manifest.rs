//! The manifest: which corpus files the index holds, as of which size, mtime and content.
//!
//! Every search reads it to check freshness, so it is a compact binary file beside the
//! index (`manifest-<hash>.bin`, named by its content hash) rather than JSON inside
//! tantivy's `meta.json`, which every open parses too. The commit payload names the file,
//! so the index and its manifest still change in one atomic step: the file is written and
//! synced before the commit that names it, and the previous one is kept for readers that
//! opened the index just before.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ingest::check_hash;

/// What the index knows of one corpus file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    /// Size in bytes when indexed.
    pub size: u64,
    /// Modification time (ns since the epoch) when indexed.
    pub mtime_ns: u64,
    /// Content hash when indexed.
    pub hash: u64,
    /// Passages indexed from it.
    pub passages: u64,
    /// Of them, passages in Russian and in English (`parallel` pairs documents by these).
    pub russian: u64,
    pub english: u64,
    /// The encoding it was read in.
    pub encoding: String,
    /// Why it was skipped, if it was.
    pub skipped: Option<String>,
    /// The skip may pass by itself (the file could not be opened or read, where text that
    /// is not text stays so): retried on every refresh.
    pub transient: bool,
}

/// The list of indexed files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Schema version that wrote the index.
    pub schema: u32,
    /// Analyzer version that wrote the index.
    pub analyzer: u32,
    /// Indexed files by path relative to the corpus.
    pub files: BTreeMap<String, FileState>,
}

const MAGIC: &[u8; 4] = b"QMF2";
const PREFIX: &str = "manifest-";
const SUFFIX: &str = ".bin";
/// Ending of a manifest file being written.
const TEMPORARY: &str = ".tmp";

impl Manifest {
    /// The binary form: magic, versions, count, then each file's fields, integers little
    /// endian, strings length-prefixed.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.files.len() * 80);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.schema.to_le_bytes());
        out.extend_from_slice(&self.analyzer.to_le_bytes());
        out.extend_from_slice(&(self.files.len() as u64).to_le_bytes());
        for (rel, f) in &self.files {
            put_str(&mut out, rel);
            for n in [f.size, f.mtime_ns, f.hash, f.passages, f.russian, f.english] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            put_str(&mut out, &f.encoding);
            match &f.skipped {
                None => out.push(0),
                Some(why) => {
                    out.push(if f.transient { 2 } else { 1 });
                    put_str(&mut out, why);
                }
            }
        }
        out
    }

    /// Reads the binary form; `None` if it is damaged in any way.
    pub fn decode(bytes: &[u8]) -> Option<Manifest> {
        Stored::from_bytes(bytes.to_vec()).map(|stored| stored.decode())
    }

    /// Writes the manifest into `dir` and syncs it; returns its file name, for the payload
    /// of the commit that makes it current.
    pub fn write(&self, dir: &Path) -> std::io::Result<String> {
        let bytes = self.encode();
        let name = format!("{PREFIX}{:016x}{SUFFIX}", check_hash(&bytes));
        let tmp = dir.join(format!("{name}{TEMPORARY}"));
        let written = std::fs::File::create(&tmp)
            .and_then(|mut file| {
                file.write_all(&bytes)?;
                file.sync_all()
            })
            .and_then(|()| std::fs::rename(&tmp, dir.join(&name)));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map(|()| name)
    }

    /// Removes manifest files left half-written in `dir` (by a full disk, say).
    pub fn remove_temporary(dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name.starts_with(PREFIX) && name.ends_with(TEMPORARY) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Reads the manifest a commit payload names; `None` when the payload names none or the
    /// file is missing or damaged (its name is its content hash).
    pub fn read(dir: &Path, payload: &str) -> Option<Manifest> {
        Stored::read(dir, payload).map(|stored| stored.decode())
    }

    /// Removes manifest files in `dir` other than those named in `keep` (the current one
    /// and the one before, which a reader may still be opening).
    pub fn remove_others(dir: &Path, keep: &[&str]) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let stale: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.starts_with(PREFIX) && !keep.contains(&name.as_ref())
            })
            .map(|e| e.path())
            .collect();
        for path in stale {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A manifest file read and checked (its name's hash, its shape, its order) but not
/// decoded: a search asks for the state of a few files ([`Stored::size_and_mtime`], a
/// binary search), a refresh for all of them ([`Stored::decode`], 0.7 ms for 3,490 files).
#[derive(Debug, Clone)]
pub struct Stored {
    bytes: Vec<u8>,
    /// Where each entry's path and numbers begin, in path order.
    entries: Vec<Entry>,
    schema: u32,
    analyzer: u32,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The path's bytes.
    rel: (u32, u32),
    /// Where its six numbers begin.
    numbers: u32,
}

impl Stored {
    /// Reads the manifest file a commit payload names; `None` when the payload names none
    /// or the file is missing or damaged (its name is its content hash).
    pub fn read(dir: &Path, payload: &str) -> Option<Stored> {
        let hash = payload.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
        let hash = u64::from_str_radix(hash, 16).ok()?;
        let bytes = std::fs::read(dir.join(payload)).ok()?;
        if check_hash(&bytes) != hash {
            return None;
        }
        Stored::from_bytes(bytes)
    }

    /// Checks the binary form's shape in one pass, noting where each entry is; `None` if
    /// anything is amiss (a cut, a length past the end, text that is not UTF-8, paths out
    /// of order), so that decoding cannot fail.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Stored> {
        let mut r = Reader { bytes: &bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return None;
        }
        let schema = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let analyzer = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let count = r.u64()?;
        let mut entries: Vec<Entry> = Vec::with_capacity(count.min(1 << 20) as usize);
        for _ in 0..count {
            let rel = r.text()?;
            let numbers = r.at as u32;
            r.take(6 * 8)?;
            r.text()?;
            match r.take(1)?[0] {
                0 => {}
                1 | 2 => {
                    r.text()?;
                }
                _ => return None,
            }
            let entry = Entry { rel, numbers };
            if let Some(last) = entries.last() {
                if slice(&bytes, last.rel) >= slice(&bytes, rel) {
                    return None;
                }
            }
            entries.push(entry);
        }
        (r.at == bytes.len()).then_some(Stored { bytes, entries, schema, analyzer })
    }

    /// The size and mtime recorded for `rel`, if the manifest has it.
    pub fn size_and_mtime(&self, rel: &str) -> Option<(u64, u64)> {
        let at = self
            .entries
            .binary_search_by(|e| slice(&self.bytes, e.rel).cmp(rel.as_bytes()))
            .ok()?;
        let n = self.entries[at].numbers as usize;
        let number = |i: usize| {
            let b = &self.bytes[n + 8 * i..n + 8 * i + 8];
            u64::from_le_bytes(b.try_into().unwrap_or_default())
        };
        Some((number(0), number(1)))
    }

    /// The whole manifest.
    pub fn decode(&self) -> Manifest {
        let mut files = BTreeMap::new();
        let text = |r: &mut Reader| r.str().unwrap_or_default();
        for e in &self.entries {
            let mut r = Reader { bytes: &self.bytes, at: e.numbers as usize };
            let mut n = [0u64; 6];
            for x in &mut n {
                *x = r.u64().unwrap_or_default();
            }
            let [size, mtime_ns, hash, passages, russian, english] = n;
            let encoding = text(&mut r);
            let flag = r.take(1).map_or(0, |b| b[0]);
            let skipped = (flag != 0).then(|| text(&mut r));
            let state = FileState {
                size,
                mtime_ns,
                hash,
                passages,
                russian,
                english,
                encoding,
                skipped,
                transient: flag == 2,
            };
            let rel = String::from_utf8_lossy(slice(&self.bytes, e.rel)).into_owned();
            files.insert(rel, state);
        }
        Manifest { schema: self.schema, analyzer: self.analyzer, files }
    }
}

fn slice(bytes: &[u8], (at, len): (u32, u32)) -> &[u8] {
    &bytes[at as usize..at as usize + len as usize]
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_bytes(out, s.as_bytes());
}

/// Writes `bytes` length-prefixed, as [`Reader::bytes`] reads them.
pub(crate) fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Reads the length-prefixed binary forms of the manifest and the freshness stamp.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) at: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A length-prefixed run of bytes.
    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        self.take(len)
    }

    fn str(&mut self) -> Option<String> {
        let (at, len) = self.text()?;
        Some(String::from_utf8_lossy(slice(self.bytes, (at, len))).into_owned())
    }

    /// A length-prefixed UTF-8 string: where its bytes are.
    fn text(&mut self) -> Option<(u32, u32)> {
        let len = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        let at = self.at;
        std::str::from_utf8(self.take(len)?).ok()?;
        Some((u32::try_from(at).ok()?, len as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let mut m = Manifest { schema: 10, analyzer: 2, files: BTreeMap::new() };
        let state = |skipped: Option<&str>| FileState {
            size: 1234,
            mtime_ns: u64::MAX - 7,
            hash: 0xdead_beef,
            passages: 42,
            russian: 30,
            english: 11,
            encoding: "windows-1251".into(),
            transient: skipped == Some("permission denied"),
            skipped: skipped.map(str::to_string),
        };
        m.files.insert("essay.txt".into(), state(None));
        m.files.insert("папка/файл\tс\nтабом.txt".into(), state(Some("not text")));
        m.files.insert("locked.txt".into(), state(Some("permission denied")));
        m
    }

    #[test]
    fn round_trips() {
        let m = sample();
        assert_eq!(Manifest::decode(&m.encode()), Some(m));
        assert_eq!(Manifest::decode(&Manifest::default().encode()), Some(Manifest::default()));
    }

    #[test]
    fn stored_manifests_answer_for_one_file_without_decoding() {
        let m = sample();
        let stored = Stored::from_bytes(m.encode()).unwrap();
        for (rel, state) in &m.files {
            assert_eq!(stored.size_and_mtime(rel), Some((state.size, state.mtime_ns)), "{rel}");
        }
        assert_eq!(stored.size_and_mtime("essay.tx"), None);
        assert_eq!(stored.size_and_mtime(""), None);
        assert_eq!(stored.decode(), m);
        // Entries out of order are damage too: lookups search by halves.
        let mut two = Manifest::default();
        two.files.insert("a".into(), m.files["essay.txt"].clone());
        two.files.insert("b".into(), m.files["essay.txt"].clone());
        let mut out_of_order = two.encode();
        let first = out_of_order.iter().position(|&b| b == b'a').unwrap();
        let second = out_of_order.iter().rposition(|&b| b == b'b').unwrap();
        out_of_order.swap(first, second);
        assert!(Stored::from_bytes(two.encode()).is_some());
        assert!(Stored::from_bytes(out_of_order).is_none());
    }

    #[test]
    fn damage_is_detected_not_misread() {
        let bytes = sample().encode();
        for cut in 0..bytes.len() {
            assert_eq!(Manifest::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Manifest::decode(&longer), None);
    }

    #[test]
    fn written_files_are_read_back_by_name_and_checked() {
        let dir = tempfile::tempdir().unwrap();
        let m = sample();
        let name = m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path(), &name), Some(m.clone()));
        assert_eq!(Manifest::read(dir.path(), "meta.json"), None);
        // A file whose content no longer matches its name is not trusted.
        std::fs::write(dir.path().join(&name), Manifest::default().encode()).unwrap();
        assert_eq!(Manifest::read(dir.path(), &name), None);
        let other = Manifest::default().write(dir.path()).unwrap();
        Manifest::remove_others(dir.path(), &[&other]);
        assert!(!dir.path().join(&name).exists() && dir.path().join(&other).exists());
    }
}
