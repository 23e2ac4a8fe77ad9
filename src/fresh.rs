//! Freshness without a walk: what the last full check of the corpus saw, so that a search
//! can tell cheaply that nothing has changed since.
//!
//! A full check stats every corpus file (12 ms for 3,490 files on the bench VM, growing
//! with the corpus). After one, the index folder keeps a [`Stamp`]: when the check began,
//! the commit it found current, the mtime of every folder it listed and the files
//! modified last. For [`full_check_interval`] after it (30 s unless
//! `QUELLE_FULL_CHECK_SECS` says otherwise), a search stats only those, a cost that does
//! not grow with the number of files:
//! - a file added, removed or renamed changes its folder's mtime, and so does every save
//!   through a temporary file and a rename (most editors, downloads, copies);
//! - a file edited in place is most often one edited lately: the [`RECENT`] files
//!   modified last are stat'ed one by one;
//! - the files whose passages a search shows are stat'ed before they are shown
//!   ([`changed`]): a changed one sends the search through a full refresh and runs it
//!   again, so a quotation or a locator is never read from a stale passage.
//!
//! What the stamp can miss, until the next full check, is a file not edited lately and
//! then edited in place, whose new words are not found yet. `quelle index` always checks
//! every file; `QUELLE_FULL_CHECK_SECS=0` makes every search do so.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};
use crate::ingest::mtime_ns;
use crate::manifest::{put_bytes, Manifest, Reader};

/// The stamp's file in the index's version folder.
const FILE: &str = "fresh.bin";
const MAGIC: &[u8; 4] = b"QFS2";

/// Files modified last whose state a quick check compares with the one recorded.
pub const RECENT: usize = 64;

/// A folder whose mtime is this close to the start of the check (or later) may change
/// again within the same tick of the file system's clock (2 s on FAT) without its mtime
/// showing it: the stamp does not vouch for it.
const RACY_NS: u64 = 2_000_000_000;

/// The environment variable that sets the seconds between full checks.
pub const INTERVAL_VAR: &str = "QUELLE_FULL_CHECK_SECS";

/// Seconds between full checks unless [`INTERVAL_VAR`] says otherwise.
pub const DEFAULT_INTERVAL_SECS: u64 = 30;

/// The seconds a stamp vouches for the corpus: [`INTERVAL_VAR`] or the default; 0 means
/// every search checks every file.
pub fn full_check_interval() -> Result<u64> {
    match std::env::var(INTERVAL_VAR) {
        Err(_) => Ok(DEFAULT_INTERVAL_SECS),
        Ok(v) => v.trim().parse::<u64>().map_err(|_| {
            Error::Setting(format!(
                "{INTERVAL_VAR}={v:?} is not a number of seconds (0 checks every file on every search)"
            ))
        }),
    }
}

/// What a full check of the corpus saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    /// When the check began (ns since the epoch, the system clock).
    pub taken_ns: u64,
    /// The manifest file of the commit the check left current.
    pub manifest: String,
    /// Whether every link was followed (`--follow`).
    pub follow: bool,
    /// Every folder listed, relative to the corpus (`""` for the corpus itself), with its
    /// mtime as stat'ed before it was listed.
    pub folders: Vec<(PathBuf, u64)>,
    /// The files modified last, by their path in the manifest, with the size and mtime it
    /// records (so that a quick check need not look them up in the manifest).
    pub recent: Vec<(String, u64, u64)>,
}

/// The system clock, in ns since the epoch (0 before it).
pub fn now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

impl Stamp {
    /// The stamp of a check that began at `taken_ns`, listed `folders` and left `manifest`
    /// (written as `manifest_file`) current.
    pub fn new(
        taken_ns: u64,
        follow: bool,
        folders: Vec<(PathBuf, u64)>,
        manifest: &Manifest,
        manifest_file: &str,
    ) -> Stamp {
        let mut by_time: Vec<(&String, u64, u64)> =
            manifest.files.iter().map(|(rel, f)| (rel, f.mtime_ns, f.size)).collect();
        if by_time.len() > RECENT {
            by_time.select_nth_unstable_by(RECENT - 1, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            by_time.truncate(RECENT);
        }
        let mut recent: Vec<(String, u64, u64)> =
            by_time.into_iter().map(|(rel, mtime, size)| (rel.clone(), size, mtime)).collect();
        recent.sort();
        Stamp { taken_ns, manifest: manifest_file.to_string(), follow, folders, recent }
    }

    /// The binary form: magic, the fields in order (integers little endian, strings and
    /// paths length-prefixed), then a hash of all before it.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + 48 * (self.folders.len() + self.recent.len()));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.taken_ns.to_le_bytes());
        out.push(self.follow as u8);
        put_bytes(&mut out, self.manifest.as_bytes());
        out.extend_from_slice(&(self.folders.len() as u64).to_le_bytes());
        for (path, mtime) in &self.folders {
            put_bytes(&mut out, &path_bytes(path));
            out.extend_from_slice(&mtime.to_le_bytes());
        }
        out.extend_from_slice(&(self.recent.len() as u64).to_le_bytes());
        for (rel, size, mtime) in &self.recent {
            put_bytes(&mut out, rel.as_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&mtime.to_le_bytes());
        }
        let hash = crate::ingest::check_hash(&out);
        out.extend_from_slice(&hash.to_le_bytes());
        out
    }

    /// Reads the binary form back; `None` for anything damaged or of another version.
    pub fn decode(bytes: &[u8]) -> Option<Stamp> {
        let (body, hash) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
        if crate::ingest::check_hash(body).to_le_bytes() != hash {
            return None;
        }
        let mut r = Reader { bytes: body, at: 0 };
        if r.take(4)? != MAGIC {
            return None;
        }
        let taken_ns = r.u64()?;
        let follow = match r.take(1)? {
            [0] => false,
            [1] => true,
            _ => return None,
        };
        let manifest = String::from_utf8(r.bytes()?.to_vec()).ok()?;
        let n = r.u64()?;
        let mut folders = Vec::new();
        for _ in 0..n {
            let path = bytes_path(r.bytes()?)?;
            folders.push((path, r.u64()?));
        }
        let n = r.u64()?;
        let mut recent = Vec::new();
        for _ in 0..n {
            let rel = String::from_utf8(r.bytes()?.to_vec()).ok()?;
            recent.push((rel, r.u64()?, r.u64()?));
        }
        (r.at == body.len()).then_some(Stamp { taken_ns, manifest, follow, folders, recent })
    }

    /// Leaves the stamp in the index's version folder `dir`. A stamp is only a shortcut:
    /// one that cannot be written (a read-only index) costs the next search a full check.
    pub fn write(&self, dir: &Path) {
        let _ = crate::atomic::write(dir, FILE, &self.encode());
    }

    /// The stamp left in `dir`, if there is a readable one.
    pub fn read(dir: &Path) -> Option<Stamp> {
        Stamp::decode(&std::fs::read(dir.join(FILE)).ok()?)
    }

    /// Removes the stamp in `dir`: what it vouched for no longer holds.
    pub fn remove(dir: &Path) {
        let _ = std::fs::remove_file(dir.join(FILE));
    }

    /// True when, at `now_ns`, the stamp still vouches for the folders of `corpus`: it is
    /// younger than `interval_secs`, of the same `follow`, and every folder it listed has
    /// the mtime it had then (the files' own part is [`Stamp::holds_files`]).
    pub fn holds_folders(&self, corpus: &Path, follow: bool, interval_secs: u64, now: u64) -> bool {
        let age = now.checked_sub(self.taken_ns);
        if self.follow != follow || age.is_none_or(|a| a >= interval_secs * 1_000_000_000) {
            return false;
        }
        self.folders.iter().all(|(rel, mtime)| {
            *mtime + RACY_NS <= self.taken_ns && mtime_of(&corpus.join(rel)) == Some(*mtime)
        })
    }

    /// True when the stamp was left by the commit that wrote `manifest_file` and each of
    /// its recent files still has the size and mtime that commit recorded.
    pub fn holds_files(&self, corpus: &Path, manifest_file: &str) -> bool {
        self.manifest == manifest_file
            && self
                .recent
                .iter()
                .all(|(rel, size, mtime)| !changed(corpus, rel, Some((*size, *mtime))))
    }
}

/// True when the corpus file `rel` (a path of the manifest) may differ from the size and
/// mtime `recorded` of it: another size or mtime, gone, or not recorded at all. A name the
/// manifest had to escape (`ingest::name_of`) cannot be stat'ed from it, so it counts as
/// changed.
pub fn changed(corpus: &Path, rel: &str, recorded: Option<(u64, u64)>) -> bool {
    let Some((size, recorded_mtime)) = recorded else { return true };
    if rel.contains('\\') {
        return true;
    }
    match std::fs::metadata(corpus.join(rel)) {
        Ok(meta) => meta.len() != size || mtime_ns(&meta) != recorded_mtime,
        Err(_) => true,
    }
}

/// The mtime of `path` (links followed), ns since the epoch.
pub fn mtime_of(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| mtime_ns(&m))
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> Vec<u8> {
    std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec()
}

#[cfg(unix)]
fn bytes_path(bytes: &[u8]) -> Option<PathBuf> {
    Some(PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes)))
}

// Elsewhere a path that is not Unicode is written as one that is not there, so its
// folder never matches and the stamp never vouches for it.
#[cfg(not(unix))]
fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(not(unix))]
fn bytes_path(bytes: &[u8]) -> Option<PathBuf> {
    String::from_utf8(bytes.to_vec()).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::FileState;

    fn state(size: u64, mtime_ns: u64) -> FileState {
        FileState {
            size,
            mtime_ns,
            hash: 0,
            passages: 1,
            russian: 0,
            english: 1,
            encoding: "UTF-8".into(),
            skipped: None,
            transient: false,
        }
    }

    #[test]
    fn round_trips_and_refuses_damage() {
        let mut manifest = Manifest::default();
        for i in 0..100u64 {
            manifest.files.insert(format!("notes/{i:03}.txt"), state(10, 1_000 + i));
        }
        let stamp = Stamp::new(
            5_000,
            true,
            vec![(PathBuf::new(), 7), (PathBuf::from("notes"), 9)],
            &manifest,
            "manifest-1.bin",
        );
        // The files modified last, whatever their names' order.
        assert_eq!(stamp.recent.len(), RECENT);
        assert_eq!(stamp.recent.first(), Some(&("notes/036.txt".to_string(), 10, 1_036)));
        assert_eq!(stamp.recent.last(), Some(&("notes/099.txt".to_string(), 10, 1_099)));
        let bytes = stamp.encode();
        assert_eq!(Stamp::decode(&bytes), Some(stamp));
        for at in [0, 5, bytes.len() / 2, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[at] ^= 1;
            assert_eq!(Stamp::decode(&bad), None, "byte {at}");
        }
        assert_eq!(Stamp::decode(&bytes[..bytes.len() - 3]), None);
        assert_eq!(Stamp::decode(&[]), None);
    }

    #[test]
    fn vouches_only_for_unchanged_folders_and_files_within_its_time() {
        let tmp = tempfile::tempdir().unwrap();
        let corpus = tmp.path();
        std::fs::create_dir(corpus.join("sub")).unwrap();
        std::fs::write(corpus.join("sub/a.txt"), "Quokkas hop.\n").unwrap();
        // The folders last changed a minute ago, so that changes now show in their mtimes
        // whatever the file system's clock tick.
        let minute_ago = SystemTime::now() - std::time::Duration::from_secs(60);
        for rel in ["", "sub"] {
            let dir = std::fs::File::open(corpus.join(rel)).unwrap();
            dir.set_modified(minute_ago).unwrap();
        }
        let folder = |rel: &str| (PathBuf::from(rel), mtime_of(&corpus.join(rel)).unwrap());
        let mut manifest = Manifest::default();
        let meta = std::fs::metadata(corpus.join("sub/a.txt")).unwrap();
        manifest.files.insert("sub/a.txt".into(), state(meta.len(), mtime_ns(&meta)));
        let folders = vec![folder(""), folder("sub")];
        let taken = now_ns();
        let stamp = Stamp::new(taken, false, folders, &manifest, "m.bin");
        assert!(stamp.holds_folders(corpus, false, 30, taken + 1));
        let recorded = |rel: &str| manifest.files.get(rel).map(|f| (f.size, f.mtime_ns));
        assert!(stamp.holds_files(corpus, "m.bin"));
        // Too old, another `--follow`, another commit.
        assert!(!stamp.holds_folders(corpus, false, 30, taken + 31_000_000_000));
        assert!(!stamp.holds_folders(corpus, false, 0, taken + 1));
        assert!(!stamp.holds_folders(corpus, false, 30, taken - 1));
        assert!(!stamp.holds_folders(corpus, true, 30, taken + 1));
        assert!(!stamp.holds_files(corpus, "other.bin"));
        // A folder changed just before the check began cannot be vouched for.
        let racy = Stamp { taken_ns: stamp.folders[1].1 + 1, ..stamp.clone() };
        assert!(!racy.holds_folders(corpus, false, 30, racy.taken_ns + 1));
        // An edit in place of a recent file shows in the files, not the folders.
        std::fs::write(corpus.join("sub/a.txt"), "Quokkas hop and rest.\n").unwrap();
        assert!(changed(corpus, "sub/a.txt", recorded("sub/a.txt")));
        assert!(!stamp.holds_files(corpus, "m.bin"));
        // A new file changes its folder.
        std::fs::write(corpus.join("sub/b.txt"), "Wombats dig.\n").unwrap();
        assert!(!stamp.holds_folders(corpus, false, 30, taken + 1));
        assert!(changed(corpus, "sub/b.txt", recorded("sub/b.txt")), "not in the manifest");
        assert!(changed(corpus, "sub/gone.txt", Some((1, 1))));
    }
}
