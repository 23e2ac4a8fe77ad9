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

use crate::ingest::content_hash;

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
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return None;
        }
        let schema = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let analyzer = u32::from_le_bytes(r.take(4)?.try_into().ok()?);
        let count = r.u64()?;
        let mut files = BTreeMap::new();
        for _ in 0..count {
            let rel = r.str()?;
            let (size, mtime_ns, hash, passages) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
            let (russian, english) = (r.u64()?, r.u64()?);
            let encoding = r.str()?;
            let (skipped, transient) = match r.take(1)?[0] {
                0 => (None, false),
                1 => (Some(r.str()?), false),
                2 => (Some(r.str()?), true),
                _ => return None,
            };
            let state = FileState {
                size,
                mtime_ns,
                hash,
                passages,
                russian,
                english,
                encoding,
                skipped,
                transient,
            };
            files.insert(rel, state);
        }
        (r.at == bytes.len()).then_some(Manifest { schema, analyzer, files })
    }

    /// Writes the manifest into `dir` and syncs it; returns its file name, for the payload
    /// of the commit that makes it current.
    pub fn write(&self, dir: &Path) -> std::io::Result<String> {
        let bytes = self.encode();
        let name = format!("{PREFIX}{:016x}{SUFFIX}", content_hash(&bytes));
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
        let hash = payload.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
        let hash = u64::from_str_radix(hash, 16).ok()?;
        let bytes = std::fs::read(dir.join(payload)).ok()?;
        if content_hash(&bytes) != hash {
            return None;
        }
        Manifest::decode(&bytes)
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

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let out = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(out)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<String> {
        let len = u32::from_le_bytes(self.take(4)?.try_into().ok()?) as usize;
        String::from_utf8(self.take(len)?.to_vec()).ok()
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
