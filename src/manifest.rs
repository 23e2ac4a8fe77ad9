//! The manifest: which corpus files the index holds, as of which size, mtime and content.
//!
//! A compact binary file beside the index (`manifest-<hash>.bin`, named by its content
//! hash) rather than JSON inside tantivy's `meta.json`, which every open parses too. The
//! commit payload names the file, so the index and its manifest still change in one
//! atomic step: the file is written and synced before the commit that names it, and the
//! previous one is kept for readers that opened the index just before. Its entries are
//! in blocks of about 4 KB behind a header that says where each begins, each block with
//! its own hash: a search reads the header and a block per file it shows, whatever the
//! number of files; a refresh reads it all and checks it against its name.

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

const MAGIC: &[u8; 4] = b"QMF3";
const PREFIX: &str = "manifest-";
const SUFFIX: &str = ".bin";
/// Ending of a manifest file being written.
const TEMPORARY: &str = ".tmp";
/// Entries are written in blocks of about this many bytes, each with its own hash, so
/// that a search reads the header and one block per file it asks about, not the file.
const BLOCK_BYTES: usize = 4096;
/// Bytes of the header before its table of blocks.
const FIXED_HEADER: usize = 4 + 4 + 4 + 8 + 4 + 4;

impl Manifest {
    /// The binary form: a header (magic, versions, count of files, count of blocks, length
    /// of the table), a table with each block's first path, offset, length, entries and
    /// hash, a hash of the header so far; then the blocks, each file's fields in path
    /// order (integers little endian, strings length-prefixed).
    pub fn encode(&self) -> Vec<u8> {
        let mut data: Vec<u8> = Vec::with_capacity(self.files.len() * 80);
        let mut blocks: Vec<(&str, usize, u32)> = Vec::new();
        let mut block_start = 0;
        for (rel, f) in &self.files {
            if blocks.last().is_none_or(|_| data.len() - block_start >= BLOCK_BYTES) {
                block_start = data.len();
                blocks.push((rel, block_start, 0));
            }
            if let Some(b) = blocks.last_mut() {
                b.2 += 1;
            }
            put_str(&mut data, rel);
            for n in [f.size, f.mtime_ns, f.hash, f.passages, f.russian, f.english] {
                data.extend_from_slice(&n.to_le_bytes());
            }
            put_str(&mut data, &f.encoding);
            match &f.skipped {
                None => data.push(0),
                Some(why) => {
                    data.push(if f.transient { 2 } else { 1 });
                    put_str(&mut data, why);
                }
            }
        }
        let mut table = Vec::with_capacity(blocks.len() * 48);
        for (i, &(first, at, entries)) in blocks.iter().enumerate() {
            let end = blocks.get(i + 1).map_or(data.len(), |b| b.1);
            put_str(&mut table, first);
            table.extend_from_slice(&(at as u64).to_le_bytes());
            table.extend_from_slice(&((end - at) as u32).to_le_bytes());
            table.extend_from_slice(&entries.to_le_bytes());
            table.extend_from_slice(&check_hash(&data[at..end]).to_le_bytes());
        }
        let mut out = Vec::with_capacity(FIXED_HEADER + table.len() + 8 + data.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.schema.to_le_bytes());
        out.extend_from_slice(&self.analyzer.to_le_bytes());
        out.extend_from_slice(&(self.files.len() as u64).to_le_bytes());
        out.extend_from_slice(&(blocks.len() as u32).to_le_bytes());
        out.extend_from_slice(&(table.len() as u32).to_le_bytes());
        out.extend_from_slice(&table);
        let hash = check_hash(&out);
        out.extend_from_slice(&hash.to_le_bytes());
        out.extend_from_slice(&data);
        out
    }

    /// Reads the binary form; `None` if it is damaged in any way.
    pub fn decode(bytes: &[u8]) -> Option<Manifest> {
        let header = Header::parse(bytes)?;
        let data = &bytes[header.len..];
        if header.data_len() != data.len() as u64 {
            return None;
        }
        let mut files = BTreeMap::new();
        for b in &header.blocks {
            let at = usize::try_from(b.offset).ok()?;
            let bytes = data.get(at..at.checked_add(b.len as usize)?)?;
            for entry in b.entries(bytes)? {
                files.insert(entry.rel.to_string(), entry.state());
            }
        }
        (files.len() as u64 == header.count).then_some(Manifest {
            schema: header.schema,
            analyzer: header.analyzer,
            files,
        })
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
        Stored::read(dir, payload).and_then(|stored| stored.decode())
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

/// A manifest file opened with its header read and checked, its blocks not read: a search
/// asks for the state of a few files ([`Stored::size_and_mtime`]: a binary search of the
/// header, one block read and checked), a refresh for all of them ([`Stored::decode`],
/// the whole file read and checked against its name).
#[derive(Debug)]
pub struct Stored {
    file: std::fs::File,
    /// The content hash the file is named by.
    named: u64,
    header: Header,
}

impl Stored {
    /// Opens the manifest file a commit payload names; `None` when the payload names none,
    /// the file is missing, or its header is damaged or does not account for the file.
    pub fn read(dir: &Path, payload: &str) -> Option<Stored> {
        let hash = payload.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
        let named = u64::from_str_radix(hash, 16).ok()?;
        let file = std::fs::File::open(dir.join(payload)).ok()?;
        let size = file.metadata().ok()?.len();
        let mut fixed = [0u8; FIXED_HEADER];
        read_at(&file, &mut fixed, 0)?;
        let table = u32::from_le_bytes(fixed[FIXED_HEADER - 4..].try_into().ok()?) as usize;
        // A damaged length must not ask for more memory than the file holds.
        if (FIXED_HEADER + table + 8) as u64 > size {
            return None;
        }
        let mut head = vec![0u8; FIXED_HEADER + table + 8];
        read_at(&file, &mut head, 0)?;
        let header = Header::parse(&head)?;
        (header.len as u64 + header.data_len() == size).then_some(Stored { file, named, header })
    }

    /// The size and mtime recorded for `rel`, if the manifest has it (and the block that
    /// would hold it reads back whole).
    pub fn size_and_mtime(&self, rel: &str) -> Option<(u64, u64)> {
        let blocks = &self.header.blocks;
        let at = blocks.partition_point(|b| b.first.as_slice() <= rel.as_bytes()).checked_sub(1)?;
        let block = &blocks[at];
        let mut bytes = vec![0u8; block.len as usize];
        read_at(&self.file, &mut bytes, self.header.len as u64 + block.offset)?;
        let entry = block.entries(&bytes)?.into_iter().find(|e| e.rel == rel)?;
        Some((entry.numbers[0], entry.numbers[1]))
    }

    /// The whole manifest; `None` when the file no longer matches its name.
    pub fn decode(&self) -> Option<Manifest> {
        let size = self.file.metadata().ok()?.len();
        let mut bytes = vec![0u8; usize::try_from(size).ok()?];
        read_at(&self.file, &mut bytes, 0)?;
        if check_hash(&bytes) != self.named {
            return None;
        }
        Manifest::decode(&bytes)
    }
}

/// `buf.len()` bytes of `file` from `offset`.
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> Option<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset).ok()
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            let n = std::os::windows::fs::FileExt::seek_read(
                file,
                &mut buf[done..],
                offset + done as u64,
            )
            .ok()?;
            if n == 0 {
                return None;
            }
            done += n;
        }
        Some(())
    }
}

/// A manifest's header, checked: its versions, its count of files and its blocks.
#[derive(Debug)]
struct Header {
    schema: u32,
    analyzer: u32,
    count: u64,
    blocks: Vec<BlockRef>,
    /// Its length in bytes, hash included: where the blocks begin.
    len: usize,
}

/// Where one block of entries is and what it holds.
#[derive(Debug)]
struct BlockRef {
    /// The path of its first entry.
    first: Vec<u8>,
    /// Its offset from the end of the header.
    offset: u64,
    len: u32,
    entries: u32,
    hash: u64,
}

impl Header {
    /// The bytes of all its blocks together.
    fn data_len(&self) -> u64 {
        self.blocks.iter().map(|b| u64::from(b.len)).sum()
    }

    /// The header at the start of `bytes`; `None` if anything is amiss (a cut, another
    /// format, a hash that does not match, blocks out of order or not end to end).
    fn parse(bytes: &[u8]) -> Option<Header> {
        let mut r = Reader { bytes, at: 0 };
        if r.take(4)? != MAGIC {
            return None;
        }
        let schema = r.u32()?;
        let analyzer = r.u32()?;
        let count = r.u64()?;
        let n = r.u32()?;
        let table = r.u32()? as usize;
        let end = FIXED_HEADER.checked_add(table)?;
        let hash = u64::from_le_bytes(bytes.get(end..end.checked_add(8)?)?.try_into().ok()?);
        if check_hash(&bytes[..end]) != hash {
            return None;
        }
        let mut blocks: Vec<BlockRef> = Vec::with_capacity(n.min(1 << 20) as usize);
        let mut next = 0u64;
        let mut entries = 0u64;
        for _ in 0..n {
            let first = r.utf8()?.as_bytes().to_vec();
            let block = BlockRef {
                first,
                offset: r.u64()?,
                len: r.u32()?,
                entries: r.u32()?,
                hash: r.u64()?,
            };
            let ordered = blocks.last().is_none_or(|b| b.first < block.first);
            if !ordered || block.offset != next || block.entries == 0 {
                return None;
            }
            next = block.offset.checked_add(u64::from(block.len))?;
            entries += u64::from(block.entries);
            blocks.push(block);
        }
        (r.at == end && entries == count).then_some(Header {
            schema,
            analyzer,
            count,
            blocks,
            len: end + 8,
        })
    }
}

/// One entry of a block, borrowed from the block's bytes: a lookup compares paths without
/// copying any, and a decode copies each once.
struct Entry<'a> {
    rel: &'a str,
    /// Size, mtime, hash, passages, Russian and English passages.
    numbers: [u64; 6],
    encoding: &'a str,
    skipped: Option<&'a str>,
    transient: bool,
}

impl Entry<'_> {
    fn state(&self) -> FileState {
        let [size, mtime_ns, hash, passages, russian, english] = self.numbers;
        FileState {
            size,
            mtime_ns,
            hash,
            passages,
            russian,
            english,
            encoding: self.encoding.to_string(),
            skipped: self.skipped.map(str::to_string),
            transient: self.transient,
        }
    }
}

impl BlockRef {
    /// The entries of this block, read from its `bytes`; `None` if they are damaged in any
    /// way (another hash, a cut, a length past the end, text that is not UTF-8, paths out
    /// of order, not the first path or the count the header gave).
    fn entries<'a>(&self, bytes: &'a [u8]) -> Option<Vec<Entry<'a>>> {
        if check_hash(bytes) != self.hash {
            return None;
        }
        let mut r = Reader { bytes, at: 0 };
        let mut out: Vec<Entry<'a>> = Vec::with_capacity(self.entries as usize);
        while r.at < bytes.len() {
            let rel = r.utf8()?;
            let mut numbers = [0u64; 6];
            for x in &mut numbers {
                *x = r.u64()?;
            }
            let encoding = r.utf8()?;
            let flag = r.take(1)?[0];
            let skipped = match flag {
                0 => None,
                1 | 2 => Some(r.utf8()?),
                _ => return None,
            };
            let in_order = match out.last() {
                None => rel.as_bytes() == self.first.as_slice(),
                Some(last) => last.rel < rel,
            };
            if !in_order {
                return None;
            }
            out.push(Entry { rel, numbers, encoding, skipped, transient: flag == 2 });
        }
        (out.len() == self.entries as usize).then_some(out)
    }
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

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    pub(crate) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    /// A length-prefixed run of bytes.
    pub(crate) fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    /// A length-prefixed UTF-8 string.
    fn utf8(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
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

    /// A manifest of `n` files, enough for several blocks.
    fn many(n: usize) -> Manifest {
        let mut m = sample();
        let state = m.files["essay.txt"].clone();
        for i in 0..n {
            let state = FileState { size: i as u64, mtime_ns: 7 * i as u64, ..state.clone() };
            m.files.insert(format!("shelf/{:05}-quokka.txt", i * 7 % n), state);
        }
        m
    }

    #[test]
    fn stored_manifests_answer_for_one_file_from_one_block() {
        let dir = tempfile::tempdir().unwrap();
        for m in [sample(), many(500), Manifest::default()] {
            let name = m.write(dir.path()).unwrap();
            let stored = Stored::read(dir.path(), &name).unwrap();
            assert_eq!(stored.header.count, m.files.len() as u64);
            for (rel, state) in &m.files {
                assert_eq!(stored.size_and_mtime(rel), Some((state.size, state.mtime_ns)), "{rel}");
            }
            for absent in ["", "essay.tx", "essay.txtt", "shelf/", "zzz", "\u{10ffff}"] {
                assert_eq!(stored.size_and_mtime(absent), None, "{absent:?}");
            }
            assert_eq!(stored.decode(), Some(m));
        }
    }

    #[test]
    fn a_damaged_block_answers_nothing_and_fails_the_whole() {
        let dir = tempfile::tempdir().unwrap();
        let m = many(500);
        let name = m.write(dir.path()).unwrap();
        let path = dir.path().join(&name);
        let mut bytes = std::fs::read(&path).unwrap();
        let stored = Stored::read(dir.path(), &name).unwrap();
        assert!(stored.header.blocks.len() > 3, "{} blocks", stored.header.blocks.len());
        // One byte of the third block changed: the files of the others still answer.
        let third = &stored.header.blocks[2];
        let at = stored.header.len + third.offset as usize + 40;
        bytes[at] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let stored = Stored::read(dir.path(), &name).unwrap();
        let first_of = |b: &BlockRef| String::from_utf8(b.first.clone()).unwrap();
        let (second, third) = (&stored.header.blocks[1], &stored.header.blocks[2]);
        assert_eq!(stored.size_and_mtime(&first_of(third)), None);
        let state = &m.files[&first_of(second)];
        assert_eq!(stored.size_and_mtime(&first_of(second)), Some((state.size, state.mtime_ns)));
        assert_eq!(stored.decode(), None);
        assert_eq!(Manifest::decode(&bytes), None);
    }

    #[test]
    fn a_damaged_header_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let name = many(50).write(dir.path()).unwrap();
        let path = dir.path().join(&name);
        let good = std::fs::read(&path).unwrap();
        // The table's length past the end of the file, then a byte of the table changed.
        let mut long = good.clone();
        long[FIXED_HEADER - 4..FIXED_HEADER].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut flipped = good.clone();
        flipped[FIXED_HEADER + 2] ^= 1;
        for bad in [long, flipped, good[..good.len() - 1].to_vec()] {
            std::fs::write(&path, &bad).unwrap();
            assert!(Stored::read(dir.path(), &name).is_none());
        }
    }

    #[test]
    fn entries_out_of_order_are_damage() {
        let mut two = Manifest::default();
        two.files.insert("a".into(), sample().files["essay.txt"].clone());
        two.files.insert("b".into(), sample().files["essay.txt"].clone());
        let bytes = two.encode();
        assert_eq!(Manifest::decode(&bytes), Some(two));
        // Swap the two paths in the block and mend its hash and the header's: still refused,
        // since lookups search by halves.
        let mut swapped = bytes.clone();
        let first = swapped.iter().rposition(|&b| b == b'a').unwrap();
        let second = swapped.iter().rposition(|&b| b == b'b').unwrap();
        swapped.swap(first, second);
        let header = Header::parse(&swapped).unwrap();
        let block = &header.blocks[0];
        let data = &swapped[header.len..];
        let hash = check_hash(&data[block.offset as usize..][..block.len as usize]);
        let table_hash_at = header.len - 16;
        swapped[table_hash_at..table_hash_at + 8].copy_from_slice(&hash.to_le_bytes());
        let header_hash = check_hash(&swapped[..header.len - 8]);
        swapped[header.len - 8..header.len].copy_from_slice(&header_hash.to_le_bytes());
        assert!(Header::parse(&swapped).is_some(), "the header is whole again");
        assert_eq!(Manifest::decode(&swapped), None);
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
