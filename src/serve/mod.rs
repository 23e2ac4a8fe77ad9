//! `quelle serve`: the page in the browser and the JSON API under it, as thin as the CLI.
//! Handlers parse a request into the same [`Request`] the CLI builds, call the same
//! library functions on a snapshot of the index, and answer the same JSON
//! ([`crate::json`]). A thread keeps the index fresh: a file watcher ([`watch`]) says when
//! the corpus changed, and the refresh `search` makes runs then; requests meanwhile answer
//! from the last commit, and a new snapshot replaces the old one once a refresh commits. The page's assets (`assets/`) are built
//! into the binary. Everything a request may ask is bounded: its size, its query, its
//! limit, its context, how many run at once.

mod api;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::index::{self, QIndex};
use crate::search::Lexicon;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub follow: bool,
    pub ocr: bool,
    /// Where to listen (127.0.0.1 unless the user says otherwise).
    pub addr: SocketAddr,
    /// Open the page in the browser once listening.
    pub open: bool,
    /// Seconds between freshness checks where the corpus cannot be watched.
    pub refresh_secs: u64,
}

/// The index, lexicon and catalogue a request answers from.
pub struct Snapshot {
    pub qindex: QIndex,
    pub lexicon: Lexicon,
    pub catalog: Catalog,
}

/// What every handler shares.
pub struct State {
    pub config: ServeConfig,
    current: RwLock<Arc<Snapshot>>,
    /// Searches running at once, at most (each is work for a core).
    pub permits: tokio::sync::Semaphore,
    /// True while a refresh is indexing.
    pub refreshing: std::sync::atomic::AtomicBool,
}

impl State {
    /// The snapshot requests answer from now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn replace(&self, s: Snapshot) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(s);
    }
}

/// Searches answered at once; more wait their turn.
const CONCURRENT_SEARCHES: usize = 16;

fn snapshot(config: &ServeConfig, qindex: QIndex) -> (Snapshot, Vec<String>) {
    let setting = crate::dictionary::Setting::from_env();
    let (lexicon, mut problems) = Lexicon::load(&config.corpus, &qindex.dir, &setting);
    let (catalog, more) = Catalog::load(&config.corpus);
    problems.extend(more);
    (Snapshot { qindex, lexicon, catalog }, problems)
}

/// Brings the index up to date; `Ok(None)` when nothing changed or another process is
/// writing it (the last commit stands).
fn refresh(config: &ServeConfig, first: bool) -> Result<Option<QIndex>> {
    let options = index::Options { follow: config.follow, verify: false, ocr: config.ocr };
    match index::refresh(&config.corpus, &config.index, options, &mut index::Silent) {
        Ok((qindex, report)) => {
            let skipped: Vec<String> =
                report.walk_problems.iter().chain(&report.skipped).map(Error::to_string).collect();
            for why in crate::source::group_skips(&skipped) {
                eprintln!("warning: skipped {why}");
            }
            for n in &report.notes {
                eprintln!("warning: {n}");
            }
            Ok((first || !report.is_noop()).then_some(qindex))
        }
        Err(Error::IndexBusy { .. }) if !first => Ok(None),
        Err(Error::IndexBusy { .. }) => Ok(QIndex::open(&config.index)?),
        Err(e) => Err(e),
    }
}

/// Serves until interrupted.
pub fn run(config: ServeConfig) -> Result<()> {
    let qindex = refresh(&config, true)?.ok_or_else(|| {
        Error::Setting(format!(
            "no index in {} yet and another process is building it: try again when it is done",
            config.index.display()
        ))
    })?;
    let (first, problems) = snapshot(&config, qindex);
    for p in problems {
        eprintln!("warning: {p}");
    }
    let state = Arc::new(State {
        config: config.clone(),
        current: RwLock::new(Arc::new(first)),
        permits: tokio::sync::Semaphore::new(CONCURRENT_SEARCHES),
        refreshing: std::sync::atomic::AtomicBool::new(false),
    });
    let poll = std::time::Duration::from_secs(config.refresh_secs.max(1));
    let (changes, warning) = watch::Changes::watch(&config.corpus, &config.index, poll);
    match warning {
        Some(w) => eprintln!("warning: {w}"),
        None if changes.is_watching() => {
            eprintln!("note: watching {} for changes", config.corpus.display())
        }
        None => {}
    }
    let watcher = state.clone();
    std::thread::spawn(move || loop {
        changes.wait();
        watcher.refreshing.store(true, std::sync::atomic::Ordering::Relaxed);
        match refresh(&watcher.config, false) {
            Ok(Some(q)) => {
                let (s, problems) = snapshot(&watcher.config, q);
                for p in problems {
                    eprintln!("warning: {p}");
                }
                watcher.replace(s);
            }
            Ok(None) => {}
            Err(e) => eprintln!("warning: the index could not be refreshed: {e}"),
        }
        watcher.refreshing.store(false, std::sync::atomic::Ordering::Relaxed);
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Setting(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| Error::Setting(format!("cannot listen on {}: {e}", config.addr)))?;
        let addr = listener.local_addr().map_err(|e| Error::Setting(e.to_string()))?;
        if !addr.ip().is_loopback() {
            eprintln!(
                "warning: listening on {addr}, reachable from other machines: quelle has no \
                 login, so anyone who can reach this address can read the corpus"
            );
        }
        let url = format!("http://{addr}/");
        eprintln!("quelle serves {} at {url} (Ctrl-C stops it)", config.corpus.display());
        if config.open {
            open_browser(&url);
        }
        axum::serve(listener, api::router(state))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| Error::Setting(format!("the server stopped: {e}")))
    })
}

/// Opens `url` in the desktop's browser, where there is one.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("note: could not open a browser; open {url} yourself");
    }
}
