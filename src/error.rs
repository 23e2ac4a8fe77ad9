//! Typed errors of the library. Each carries what a user needs to act on it: the file
//! for ingestion problems, the 1-based column for query problems. The binary prints
//! them once, on one line, and maps them to exit codes (see `main.rs`).

use std::path::{Path, PathBuf};

/// A path as a message shows it: control characters and bytes that are not UTF-8 escaped
/// (a file name must not move the cursor or colour the terminal).
fn shown(path: &Path) -> String {
    crate::ingest::name_of(path.as_os_str())
}

/// What a link to nothing is called in messages (and grouped by, many in one line).
pub const DANGLING: &str = "a link to a file that does not exist";

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {cause}", shown(path))]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's reason (in the message, so one line says it all).
        cause: std::io::Error,
    },
    /// A link in the corpus leads to no file (its target was moved or never installed).
    #[error("{}: {} ({})", shown(path), DANGLING, shown(target))]
    DanglingLink {
        /// The link.
        path: PathBuf,
        /// Where it leads.
        target: PathBuf,
    },
    /// A file is not text quelle can decode (binary, empty, undecodable).
    #[error("{}: {reason}", shown(path))]
    Decode {
        /// The file concerned.
        path: PathBuf,
        /// Why it was skipped.
        reason: String,
    },
    /// A file is larger than the most quelle reads of one file.
    #[error(
        "{}: larger than {} MB, the most quelle reads of one file (set {} to read it)",
        shown(path),
        limit >> 20,
        crate::ingest::MAX_FILE_VAR
    )]
    TooLarge {
        /// The file concerned.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The query has a syntax error at a 1-based character column.
    #[error("query, column {pos}: {msg}")]
    Query {
        /// 1-based character column in the query.
        pos: usize,
        /// What is wrong there.
        msg: String,
    },
    /// Another process holds the index writer.
    #[error(
        "index {} is busy: another `quelle index` is writing it; try again when it ends",
        shown(path)
    )]
    IndexBusy {
        /// The index folder.
        path: PathBuf,
    },
    /// The index could not be opened, written or searched.
    #[error("index {}: {msg}", shown(path))]
    Index {
        /// The index folder.
        path: PathBuf,
        /// What failed.
        msg: String,
    },
    /// The index is damaged (a file missing, changed or unreadable).
    #[error("index {} is damaged ({detail}); run `quelle index` to rebuild it", shown(path))]
    Damaged {
        /// The index folder.
        path: PathBuf,
        /// What was found wrong.
        detail: String,
    },
    /// The disk holding the index is full.
    #[error(
        "no space left on {device} ({}): free some space and run `quelle index` again; \
         the index answers from its last commit meanwhile",
        shown(path)
    )]
    NoSpace {
        /// The index folder.
        path: PathBuf,
        /// The device (file system) it is on, as the system names it.
        device: String,
    },
    /// A setting (an environment variable) has a value quelle cannot use.
    #[error("{0}")]
    Setting(String),
    /// No passage has the given id.
    #[error("no passage has the id {0:?}")]
    NoSuchPassage(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), cause: source }
    }

    /// Wraps a tantivy error with the index folder it concerns.
    pub fn index(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Error {
        Error::Index { path: path.into(), msg: err.to_string() }
    }

    /// This error, or [`Error::NoSpace`] for `root` when its cause is a full disk (however
    /// deep in tantivy's errors the system's `ENOSPC` is).
    pub fn or_no_space(self, root: &Path) -> Error {
        let full = match &self {
            Error::Io { cause, .. } => cause.kind() == std::io::ErrorKind::StorageFull,
            Error::Index { msg, .. } => msg.contains("os error 28"),
            _ => false,
        };
        if full {
            Error::NoSpace { path: root.to_path_buf(), device: device_of(root) }
        } else {
            self
        }
    }

    /// True for errors that are the user's input (exit code 2), not a failure (exit code 1).
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Query { .. } | Error::NoSuchPassage(_) | Error::Setting(_))
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The device (file system source) holding `path`, from the system's mount table; "the
/// device" where that cannot be read.
fn device_of(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else {
        return "the device".into();
    };
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(' ');
            let device = fields.next()?;
            // Spaces in mount points are written `\040`.
            let point = fields.next()?.replace("\\040", " ");
            path.starts_with(&point).then(|| (point.len(), device.to_string()))
        })
        .max_by_key(|(len, _)| *len)
        .map_or_else(|| "the device".into(), |(_, device)| device)
}
