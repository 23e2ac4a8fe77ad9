//! When to refresh: a file watcher on the corpus (inotify on Linux, through `notify`), so
//! an idle server does no work and a change is indexed a moment after it is saved. Where
//! no watcher can be had (inotify's watch limit reached, a file system without events),
//! the corpus is checked every few seconds instead; a watcher also gets a full check now
//! and then, for changes it may not be told of (a network file system, a lost event).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

/// Quiet time after the last event before a refresh starts: a save is often several
/// events (write, rename, attributes), a copied folder many.
const SETTLE: Duration = Duration::from_millis(300);

/// A full check this often even with a watcher.
const CHECK_ANYWAY: Duration = Duration::from_secs(60);

/// Tells when the corpus may have changed.
pub struct Changes {
    events: Option<(notify::RecommendedWatcher, Receiver<PathBuf>)>,
    poll: Duration,
}

impl Changes {
    /// Watches `corpus`, leaving out events under `ignore` (the index, where it lies
    /// inside the corpus); `poll` is the interval to fall back on. Returns a warning
    /// when it falls back.
    pub fn watch(corpus: &Path, ignore: &Path, poll: Duration) -> (Changes, Option<String>) {
        let (tx, rx) = channel();
        // Events name paths under the folder as watched: both sides canonical.
        let corpus = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.to_path_buf());
        let ignore = std::fs::canonicalize(ignore).unwrap_or_else(|_| ignore.to_path_buf());
        let handler = move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if event.kind.is_access() {
                return;
            }
            for path in event.paths {
                if !path.starts_with(&ignore) {
                    let _ = tx.send(path);
                }
            }
        };
        let watcher = notify::recommended_watcher(handler)
            .and_then(|mut w| w.watch(&corpus, RecursiveMode::Recursive).map(|()| w));
        match watcher {
            Ok(w) => (Changes { events: Some((w, rx)), poll }, None),
            Err(e) => {
                let warning = format!(
                    "cannot watch {} for changes ({e}); checking it every {} s instead",
                    corpus.display(),
                    poll.as_secs()
                );
                (Changes { events: None, poll }, Some(warning))
            }
        }
    }

    /// Whether a watcher tells of changes (rather than a timer).
    pub fn is_watching(&self) -> bool {
        self.events.is_some()
    }

    /// Blocks until the corpus may have changed and has been quiet for a moment.
    pub fn wait(&self) {
        let Some((_, rx)) = &self.events else {
            std::thread::sleep(self.poll);
            return;
        };
        match rx.recv_timeout(CHECK_ANYWAY) {
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            // The watcher is gone: fall back on the timer.
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(self.poll),
        }
        while rx.recv_timeout(SETTLE).is_ok() {}
    }
}
