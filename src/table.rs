//! A sorted table of lines on disk (`key<TAB>fields…`), looked up by key without reading
//! it whole: a header names its format, a small index gives the first key, offset and
//! length of each 4 KB block of lines, and a lookup reads the index once per process, then
//! one block. The compiled dictionary and the alignment of translated documents are such
//! tables.

/// Bytes of lines in one block: a lookup reads one block.
const BLOCK_BYTES: usize = 4096;

/// A table's bytes: its file, with the header and index read into memory and each block
/// read when a lookup needs it (one read, where a memory map would fault in pages of the
/// index and the block, each costing more than the read); or all in memory.
enum Bytes {
    File { file: std::fs::File, head: Vec<u8> },
    Owned(Vec<u8>),
}

impl Bytes {
    /// The header and the index.
    fn head(&self) -> &[u8] {
        match self {
            Bytes::File { head, .. } => head,
            Bytes::Owned(v) => v,
        }
    }

    /// Bytes `start..start + len` of the table.
    fn read(&self, start: usize, len: usize) -> Option<std::borrow::Cow<'_, [u8]>> {
        match self {
            Bytes::Owned(v) => {
                v.get(start..start.checked_add(len)?).map(std::borrow::Cow::Borrowed)
            }
            Bytes::File { file, .. } => {
                let mut buf = vec![0; len];
                read_at(file, &mut buf, start as u64).ok()?;
                Some(std::borrow::Cow::Owned(buf))
            }
        }
    }
}

/// Reads `buf.len()` bytes at `offset` without moving a shared position, so that threads
/// (a server's requests) can look up one table at once.
#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

/// A table ready for lookups.
pub struct LineTable {
    bytes: Bytes,
    /// Byte range of the block index, and where the blocks start.
    index: std::ops::Range<usize>,
    data: usize,
}

impl LineTable {
    /// Lays sorted lines out as a table whose first line is `magic` (a name and a format
    /// version): then the index's length, the index, and the blocks.
    pub fn layout(lines: &[String], magic: &str) -> String {
        let mut data = String::new();
        let mut index = String::new();
        let mut block_start = 0;
        let mut first_key: Option<&str> = None;
        for line in lines {
            if first_key.is_some() && data.len() - block_start + line.len() + 1 > BLOCK_BYTES {
                let key = first_key.take().unwrap_or_default();
                index.push_str(&format!("{key}\t{block_start}\t{}\n", data.len() - block_start));
                block_start = data.len();
            }
            if first_key.is_none() {
                first_key = Some(line.split('\t').next().unwrap_or(line));
            }
            data.push_str(line);
            data.push('\n');
        }
        if let Some(key) = first_key {
            index.push_str(&format!("{key}\t{block_start}\t{}\n", data.len() - block_start));
        }
        format!("{magic}\n{}\n{index}{data}", index.len())
    }

    /// The table in `file`, if its first line is `magic` and its header is whole.
    pub fn from_file(file: std::fs::File, magic: &str) -> Option<LineTable> {
        let head = read_head(&file)?;
        let (index, data) = sections(&head, magic)?;
        Some(LineTable { bytes: Bytes::File { file, head }, index, data })
    }

    /// The table laid out in `bytes`, if its first line is `magic`.
    pub fn from_bytes(bytes: Vec<u8>, magic: &str) -> Option<LineTable> {
        let (index, data) = sections(&bytes, magic)?;
        Some(LineTable { bytes: Bytes::Owned(bytes), index, data })
    }

    /// The line of `key`: its block from the index, then the line in the block.
    pub fn line(&self, key: &str) -> Option<Vec<u8>> {
        let head = self.bytes.head();
        let entry = floor_line(head.get(self.index.clone())?, key.as_bytes())?;
        let entry = std::str::from_utf8(entry).ok()?;
        let mut fields = entry.rsplitn(3, '\t');
        let len: usize = fields.next()?.parse().ok()?;
        let offset: usize = fields.next()?.parse().ok()?;
        let block = self.bytes.read(self.data.checked_add(offset)?, len)?;
        find_line(&block, key.as_bytes()).map(<[u8]>::to_vec)
    }
}

/// The header and index of a table file.
fn read_head(file: &std::fs::File) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut start = vec![0; 64];
    let n = (&*file).read(&mut start).ok()?;
    start.truncate(n);
    let first = memchr::memchr(b'\n', &start)?;
    let second = first + 1 + memchr::memchr(b'\n', &start[first + 1..])?;
    let index_len: usize = std::str::from_utf8(&start[first + 1..second]).ok()?.parse().ok()?;
    let head_len = (second + 1).checked_add(index_len)?;
    let mut head = start;
    if head.len() < head_len {
        let mut rest = vec![0; head_len - head.len()];
        (&*file).read_exact(&mut rest).ok()?;
        head.extend_from_slice(&rest);
    }
    head.truncate(head_len);
    Some(head)
}

/// Where the index and the data of a table are, from its header.
fn sections(table: &[u8], magic: &str) -> Option<(std::ops::Range<usize>, usize)> {
    let first = memchr::memchr(b'\n', table)?;
    if &table[..first] != magic.as_bytes() {
        return None;
    }
    let second = first + 1 + memchr::memchr(b'\n', &table[first + 1..])?;
    let index_len: usize = std::str::from_utf8(&table[first + 1..second]).ok()?.parse().ok()?;
    let index = second + 1..(second + 1).checked_add(index_len)?;
    (index.end <= table.len()).then_some((index.clone(), index.end))
}

/// The last line of the sorted `lines` whose key is at most `key`.
fn floor_line<'t>(lines: &'t [u8], key: &[u8]) -> Option<&'t [u8]> {
    let (mut lo, mut hi) = (0usize, lines.len());
    let mut best = None;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = memchr::memrchr(b'\n', &lines[..mid]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &lines[start..]).map_or(lines.len(), |p| start + p);
        let line = &lines[start..end];
        let line_key = line.split(|&b| b == b'\t').next().unwrap_or(line);
        if line_key <= key {
            best = Some(line);
            lo = end + 1;
        } else {
            hi = start;
        }
    }
    best
}

/// The line of the sorted `table` whose key (up to the first tab) is `key`.
fn find_line<'t>(table: &'t [u8], key: &[u8]) -> Option<&'t [u8]> {
    let (mut lo, mut hi) = (0usize, table.len());
    // Invariant: every line starting before `lo` has a smaller key; every line starting at
    // or after `hi` a larger one.
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = memchr::memrchr(b'\n', &table[..mid]).map_or(0, |p| p + 1);
        let end = memchr::memchr(b'\n', &table[start..]).map_or(table.len(), |p| start + p);
        let line = &table[start..end];
        let line_key = line.split(|&b| b == b'\t').next().unwrap_or(line);
        match line_key.cmp(key) {
            std::cmp::Ordering::Equal => return Some(line),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_a_table_of_many_blocks_is_found() {
        let lines: Vec<String> = (0..5000).map(|i| format!("e{i:05}\tt{i}")).collect();
        let bytes = LineTable::layout(&lines, "test 1").into_bytes();
        let t = LineTable::from_bytes(bytes.clone(), "test 1").unwrap();
        for i in (0..5000).step_by(7) {
            let line = t.line(&format!("e{i:05}")).unwrap();
            assert!(line.ends_with(format!("t{i}").as_bytes()));
        }
        assert_eq!(t.line("e99999"), None);
        assert_eq!(t.line("a"), None);
        assert!(LineTable::from_bytes(bytes, "test 2").is_none(), "another format");
        assert!(LineTable::from_bytes(b"garbage".to_vec(), "test 1").is_none());
    }

    #[test]
    fn a_table_in_a_file_reads_one_block_per_lookup() {
        let dir = tempfile::tempdir().unwrap();
        let lines: Vec<String> = (0..3000).map(|i| format!("k{i:04}\tv{i}")).collect();
        let path = dir.path().join("t.bin");
        std::fs::write(&path, LineTable::layout(&lines, "test 1")).unwrap();
        let t = LineTable::from_file(std::fs::File::open(&path).unwrap(), "test 1").unwrap();
        assert_eq!(t.line("k2999").as_deref(), Some(&b"k2999\tv2999"[..]));
        assert_eq!(t.line("k3000"), None);
    }

    #[test]
    fn finds_every_line_of_a_sorted_table() {
        let table = b"ea\t1\neb\t2\nec\t3\nrz\t4\n";
        for key in ["ea", "eb", "ec", "rz"] {
            assert!(find_line(table, key.as_bytes()).unwrap().starts_with(key.as_bytes()));
        }
        assert_eq!(find_line(table, b"e"), None);
        assert_eq!(find_line(table, b"ed"), None);
        assert_eq!(find_line(b"", b"e"), None);
    }
}
