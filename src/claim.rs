//! What quelle may touch in an index folder. Before anything is written or removed there,
//! the folder is claimed: a marker file of quelle's own ([`MARKER`]) says that quelle made
//! it, and [`CORPUS_FILE`] for which corpus. quelle writes only into a folder that is new,
//! empty, or marked (or an index of an older quelle, made before the marker, which it
//! adopts), and removes only what it can prove it made: folders named like its index
//! versions (`v<schema>.<analyzer>.<segment>`) inside a marked folder. An index of another
//! corpus is refused, not silently rebuilt. The marker never changes once written, so a
//! project can ship it in an empty `index/` folder beside its own notes.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The marker file at the top of an index folder.
pub const MARKER: &str = "quelle-index.toml";
/// The file naming the corpus an index folder belongs to.
pub const CORPUS_FILE: &str = "quelle-corpus.txt";
/// Format of the marker.
const FORMAT: u32 = 1;

/// True for the name of an index version folder: `v` and three numbers joined by dots.
pub fn is_version_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('v') else { return false };
    let parts: Vec<&str> = rest.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The corpus as the marker names it: its canonical path, escaped losslessly.
fn corpus_id(corpus: &Path) -> String {
    let path = std::fs::canonicalize(corpus).unwrap_or_else(|_| {
        std::env::current_dir().map_or_else(|_| corpus.to_path_buf(), |d| d.join(corpus))
    });
    crate::ingest::name_of(path.as_os_str())
}

/// True when `root` holds quelle's marker; an error when it holds one quelle cannot read.
fn is_marked(root: &Path) -> Result<bool> {
    let path = root.join(MARKER);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(&path, e)),
    };
    let format = text.lines().find_map(|l| l.strip_prefix("format = ")?.trim().parse::<u32>().ok());
    if format == Some(FORMAT) {
        Ok(true)
    } else {
        Err(Error::index(root, format!("{MARKER} is not one this version of quelle reads")))
    }
}

/// The corpus a marked folder's index belongs to, if recorded.
fn recorded_corpus(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join(CORPUS_FILE)).ok()?;
    Some(text.trim_end_matches('\n').to_string()).filter(|t| !t.is_empty())
}

fn write_marker(root: &Path) -> Result<()> {
    let text = format!(
        "# Written by quelle: this folder holds a search index, made and updated by quelle.\n\
         # quelle removes only the folders it made here (named v<schema>.<analyzer>.<segment>);\n\
         # {CORPUS_FILE} names the corpus the index is of.\n\
         format = {FORMAT}\n"
    );
    crate::atomic::write(root, MARKER, text.as_bytes())
}

fn write_corpus(root: &Path, corpus: &str) -> Result<()> {
    crate::atomic::write(root, CORPUS_FILE, format!("{corpus}\n").as_bytes())
}

/// Index version folders quelle made in `root` (a marked folder): named like versions,
/// each holding a tantivy `meta.json`.
pub fn version_folders(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.file_name().to_str().is_some_and(is_version_name))
        .map(|e| e.path())
        .filter(|p| p.join("meta.json").is_file())
        .collect();
    found.sort();
    found
}

/// Claims `root` as the index folder of `corpus`, creating it if needed. Refuses a folder
/// holding anything quelle did not make, and an index of another corpus unless `rebuild`:
/// with `rebuild`, the version folders of a marked folder are removed and it is the
/// corpus's, to be built from nothing.
pub fn claim(root: &Path, corpus: &Path, rebuild: bool) -> Result<()> {
    let id = corpus_id(corpus);
    match std::fs::metadata(root) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        }
        Err(e) => return Err(Error::io(root, e)),
        Ok(m) if !m.is_dir() => {
            return Err(Error::index(root, "is not a folder; --index needs a folder"))
        }
        Ok(_) => {}
    }
    if !is_marked(root)? {
        // Empty, or an index of a quelle from before the marker (only its version
        // folders): adopted. Anything else is the user's.
        let versions = version_folders(root);
        let entries = std::fs::read_dir(root).map_err(|e| Error::io(root, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(root, e))?;
            let name = entry.file_name();
            let ours = versions.contains(&entry.path())
                || name
                    .to_str()
                    .is_some_and(|n| n.starts_with(MARKER) || n.starts_with(CORPUS_FILE));
            // Another quelle may have claimed the folder since it was looked at (two
            // searches starting a first build at once): then it is quelle's after all.
            if !ours && !is_marked(root)? {
                return Err(Error::index(
                    root,
                    format!(
                        "holds {}, which quelle did not make; --index needs a new or empty \
                         folder (quelle never writes into or removes anything else)",
                        crate::ingest::name_of(&name)
                    ),
                ));
            }
        }
        if !is_marked(root)? {
            write_marker(root)?;
        }
    }
    match recorded_corpus(root) {
        Some(owner) if owner == id => Ok(()),
        Some(_) | None if rebuild => {
            for dir in version_folders(root) {
                std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            }
            write_corpus(root, &id)
        }
        // An index from before the corpus was recorded is taken to be this corpus's.
        None => write_corpus(root, &id),
        Some(owner) => Err(Error::index(
            root,
            format!(
                "is the index of the corpus {owner}, not of {id}; give another --index \
                 folder, or run `quelle index --rebuild` to rebuild it for {id}"
            ),
        )),
    }
}

/// Checks, without writing, that `root` may be read as the index of `corpus`: one whose
/// corpus is recorded must be this corpus's.
pub fn check(root: &Path, corpus: &Path) -> Result<()> {
    match recorded_corpus(root) {
        Some(owner) if owner != corpus_id(corpus) => Err(Error::index(
            root,
            format!(
                "is the index of the corpus {owner}; give another --index folder, or run \
                 `quelle index --rebuild` to rebuild it for this corpus"
            ),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names_are_exact() {
        for ok in ["v11.2.13", "v1.0.0"] {
            assert!(is_version_name(ok), "{ok}");
        }
        for no in ["videos", "v", "v1.2", "v1.2.3.4", "v1..3", "va.b.c", "v1.2.3x", "V1.2.3"] {
            assert!(!is_version_name(no), "{no}");
        }
    }
}
