//! The command line: arguments become a plain [`Config`], `run` dispatches, and every
//! result is printed here (library code never prints). Exit codes: 0 success (an empty
//! result is a success), 1 failure, 2 bad usage or query, 3 indexed but some files were
//! skipped.

mod args;
mod output;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use crate::error::Error;
use crate::index::{self, QIndex, RefreshReport};
use crate::search::{self, Request};

pub use args::{Args, Color, Command};

/// Exit code when indexing finished but some files were skipped.
pub const EXIT_SKIPPED: u8 = 3;

/// What the engine needs from the command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// Corpus folder.
    pub corpus: PathBuf,
    /// Index folder.
    pub index: PathBuf,
    /// Follow links that lead outside the corpus.
    pub follow: bool,
    /// Recognise scanned PDF pages with Tesseract (`--ocr` of `index`, or `QUELLE_OCR=1`).
    pub ocr: bool,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    crate::trace::start();
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // A panic (a bug, or an index damaged in a way no check caught) ends with one line
    // that says what to do, not a backtrace: one, though the search threads that read
    // the damage each panic, and the caller after them.
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        if REPORTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at =
            info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "error: quelle stopped on an internal error ({what}{at}); if the index is damaged, \
             `quelle index` rebuilds it; otherwise please report this"
        );
    }));
    let outcome = std::panic::catch_unwind(|| run(args));
    crate::trace::mark("closing the index");
    let Ok(outcome) = outcome else { return ExitCode::from(1) };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            let usage = err.downcast_ref::<Error>().is_some_and(Error::is_usage);
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Runs parsed arguments.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let ocr_setting = std::env::var_os("QUELLE_OCR").is_some_and(|v| !v.is_empty() && v != "0");
    let mut config =
        Config { corpus: args.corpus, index: args.index, follow: args.follow, ocr: ocr_setting };
    match args.command {
        Command::Index { rebuild, ocr } => {
            config.ocr |= ocr;
            run_index(&config, rebuild)
        }
        Command::Search(s) => run_search(&config, s),
        Command::Passages { doc, json } => {
            let qindex = open_for_search(&config, true)?;
            let hits = search::passages_of(&qindex, &doc)?;
            if hits.is_empty() {
                anyhow::bail!("no document is named {doc:?}");
            }
            print_passages(&hits, json, None, &load_catalog(&config))
        }
        Command::Show { id, context, json } => {
            let qindex = open_for_search(&config, true)?;
            let hits = search::passage_with_context(&qindex, &id, context)?;
            print_passages(&hits, json, Some(&id), &load_catalog(&config))
        }
        Command::Cite { id, style, locale, quote, words, json } => {
            let style = crate::cite::Style::named(&style).map_err(Error::Setting)?;
            let qindex = open_for_search(&config, true)?;
            let hits = search::passage_with_context(&qindex, &id, 0)?;
            let hit = hits.first().ok_or_else(|| Error::NoSuchPassage(id.clone()))?;
            let chosen = match (quote, words) {
                (Some(q), _) => Some(crate::quote::choose(&hit.text, &q)),
                (None, Some(w)) => Some(
                    parse_words(&w).and_then(|(a, b)| crate::quote::words_range(&hit.text, a, b)),
                ),
                (None, None) => None,
            };
            let chosen = chosen.transpose().map_err(|e| Error::Setting(format!("{id}: {e}")))?;
            let catalog = load_catalog(&config);
            let meta = output::meta_of(&catalog, hit);
            let mut c = output::citation(hit, &meta);
            if let Some(ch) = &chosen {
                let (a, b) = hit.lines_of(ch.start, ch.end);
                c.text = &ch.text;
                (c.line_start, c.line_end) = (a, b);
                if let Some((first, last)) = hit.pages_of(ch.start, ch.end) {
                    let name = |m: &crate::segment::PageMark| {
                        m.label.clone().unwrap_or_else(|| m.page.to_string())
                    };
                    c.pages = Some((name(first), name(last)));
                }
            }
            let mut out = buffered_stdout();
            if json {
                output::cite_json(&mut out, &c, &style, locale.as_deref())?;
            } else {
                let formatted =
                    crate::cite::format(std::slice::from_ref(&c), &style, locale.as_deref());
                writeln!(out, "{}", formatted.text())?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { essay, json } => run_check(&config, &essay, json),
        Command::Serve { port, bind, open, refresh } => {
            crate::serve::run(crate::serve::ServeConfig {
                corpus: config.corpus.clone(),
                index: config.index.clone(),
                follow: config.follow,
                ocr: config.ocr,
                addr: std::net::SocketAddr::new(bind, port),
                open,
                refresh_secs: refresh,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::QuoteCheck { text, json } => {
            let text = match text.filter(|t| t != "-") {
                Some(t) => t,
                None => {
                    let mut s = String::new();
                    std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                        .context("reading the quote from standard input")?;
                    s
                }
            };
            let qindex = open_for_search(&config, true)?;
            let result = crate::quote::check(&qindex, &text)?;
            let catalog = load_catalog(&config);
            let mut out = buffered_stdout();
            if json {
                output::quote_json(&mut out, &result, &catalog)?;
            } else {
                output::quote_check(&mut out, &result, &catalog)?;
            }
            out.flush()?;
            // A script may gate on it: a quote the corpus does not hold is a failure.
            let found = result.verdict != crate::quote::Verdict::NotFound;
            Ok(if found { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}

/// Standard output for a command that prints its answer at once: written in one go at the
/// end (the standard lock flushes each kilobyte, ten writes for a page of JSON hits).
fn buffered_stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock())
}

/// Checks every quotation of an essay; exit 0 when all are exact, 1 otherwise.
fn run_check(config: &Config, essay: &std::path::Path, json: bool) -> anyhow::Result<ExitCode> {
    let name = crate::ingest::name_of(essay.as_os_str());
    // Any format quelle reads: `.md`, `.txt`, `.docx`, `.odt`, …
    let text = crate::source::read_text(essay)?;
    let quotes = crate::essay::quotations(&text);
    let qindex = open_for_search(config, true)?;
    let catalog = load_catalog(config);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut counts = [0usize; 3];
    for q in &quotes {
        let result = crate::quote::check(&qindex, &q.text);
        let verdict = match &result {
            Ok(r) => r.verdict,
            Err(_) => crate::quote::Verdict::NotFound,
        };
        counts[verdict as usize] += 1;
        if json {
            output::essay_quote_json(&mut out, &name, q, &result, &catalog)?;
        } else {
            output::essay_quote(&mut out, &name, q, &result, &catalog)?;
        }
    }
    if !json {
        writeln!(
            out,
            "{} quotations: {} exact, {} differ from their source, {} not found.",
            quotes.len(),
            counts[0],
            counts[1],
            counts[2]
        )?;
    }
    out.flush()?;
    Ok(if counts[1] + counts[2] == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `A-B` (or one number) of `--words`.
fn parse_words(w: &str) -> Result<(usize, usize), String> {
    let (a, b) = w.split_once(['-', '–']).unwrap_or((w, w));
    match (a.trim().parse(), b.trim().parse()) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        _ => Err(format!("--words {w}: give the first and last word, as 3-12")),
    }
}

/// The corpus's catalogue; a broken one is reported and ignored.
fn load_catalog(config: &Config) -> crate::catalog::Catalog {
    let (catalog, problems) = crate::catalog::Catalog::load(&config.corpus);
    for p in problems {
        eprintln!("warning: {p}");
    }
    catalog
}

fn run_index(config: &Config, rebuild: bool) -> anyhow::Result<ExitCode> {
    let mut progress = output::Bar::new();
    let options = index::Options { follow: config.follow, verify: true, ocr: config.ocr };
    let (qindex, report) = if rebuild {
        index::rebuild(&config.corpus, &config.index, options, &mut progress)?
    } else {
        index::refresh(&config.corpus, &config.index, options, &mut progress)?
    };
    report_problems(&report);
    for link in &report.outside {
        let link = crate::ingest::name_of(link.as_os_str());
        eprintln!("note: not following {link}: it leads outside the corpus (--follow follows it)");
    }
    // Files skipped by an earlier run and unchanged since are named every time.
    for why in crate::source::group_skips(&report.earlier_skips) {
        eprintln!("warning: skipped {why}");
    }
    let summary = output::summary(&qindex, &report);
    eprintln!("{summary}");
    for line in aligned_notes(&report.aligned) {
        eprintln!("note: {line}: their words are learnt as translations");
    }
    // Every skip counts, those found while listing files (a dangling link, a path too
    // long) as well as those of reading them.
    // A file read in two encodings is indexed, but the user should look at it.
    let skipped = qindex.manifest().files.values().any(|f| f.skipped.is_some())
        || !report.walk_problems.is_empty()
        || !report.mixed.is_empty()
        || !report.notes.is_empty();
    Ok(if skipped { ExitCode::from(EXIT_SKIPPED) } else { ExitCode::SUCCESS })
}

/// Pairs of documents found to translate each other shown beside each other at most; more
/// (a manual of many pages in two languages) are one line naming the first.
const ALIGNED_NOTES: usize = 3;

/// What to say of the documents that translate each other (`english`, `russian`): a line
/// per pair, or one line for them all when there are many.
fn aligned_notes(pairs: &[(String, String)]) -> Vec<String> {
    match pairs {
        [] => Vec::new(),
        [(english, russian), rest @ ..] if rest.len() >= ALIGNED_NOTES => vec![format!(
            "{english} and {russian}, and {} more pairs of documents, translate each other",
            rest.len()
        )],
        _ => pairs.iter().map(|(e, r)| format!("{e} and {r} translate each other")).collect(),
    }
}

fn report_problems(report: &RefreshReport) {
    if let Some(damage) = &report.damage {
        eprintln!("note: the index was damaged ({damage}); rebuilt it from the corpus");
    }
    if let Some(old) = &report.replaced {
        eprintln!(
            "note: {} was written by another version of quelle; rebuilt the index",
            old.display()
        );
    }
    let skipped: Vec<String> =
        report.walk_problems.iter().chain(&report.skipped).map(Error::to_string).collect();
    for why in crate::source::group_skips(&skipped) {
        eprintln!("warning: skipped {why}");
    }
    for m in &report.mixed {
        eprintln!("warning: {m}");
    }
    for n in &report.notes {
        eprintln!("warning: {n}");
    }
    if let Some(e) = &report.learn_problem {
        eprintln!("warning: translations not learnt from the corpus: {e}");
    }
}

/// Opens the index for a search without a walk when the last full check's stamp vouches
/// for the corpus (`fresh`), else after a refresh; true when on the stamp's word, so that
/// the documents shown are to be checked ([`shows_changed`]).
fn open_quick(config: &Config) -> anyhow::Result<(QIndex, bool)> {
    match index::open_if_fresh(&config.corpus, &config.index, config.follow)? {
        Some(qindex) => Ok((qindex, true)),
        None => Ok((open_for_search(config, true)?, false)),
    }
}

/// True when a file of `docs`, shown from an index opened on a stamp's word, changed
/// since it was indexed: the search is to run again after a refresh.
fn shows_changed<'a>(
    config: &Config,
    qindex: &QIndex,
    docs: impl IntoIterator<Item = &'a str>,
) -> bool {
    let mut seen = std::collections::HashSet::new();
    docs.into_iter()
        .filter(|rel| seen.insert(*rel))
        .any(|rel| crate::fresh::changed(&config.corpus, rel, qindex.recorded(rel)))
}

/// Opens the index for a search, refreshing it first (every file checked) unless told
/// not to.
fn open_for_search(config: &Config, refresh: bool) -> anyhow::Result<QIndex> {
    if !refresh {
        crate::claim::check(&config.index, &config.corpus)?;
        return QIndex::open(&config.index)?.with_context(|| {
            format!("no index in {}; run `quelle index` first", config.index.display())
        });
    }
    let mut progress = output::Bar::new();
    let mut waiting = false;
    loop {
        let options = index::Options { follow: config.follow, verify: false, ocr: config.ocr };
        match index::refresh(&config.corpus, &config.index, options, &mut progress) {
            Ok((qindex, report)) => {
                report_problems(&report);
                if !report.is_noop() {
                    let what = if report.rebuilt { "built" } else { "updated" };
                    eprintln!("note: index {what}: {}", output::summary(&qindex, &report));
                }
                return Ok(qindex);
            }
            Err(Error::IndexBusy { .. }) => {
                // An index being built for the first time has nothing to answer from:
                // wait for it rather than answer "no passage matches".
                match QIndex::open(&config.index)? {
                    Some(qindex) if qindex.is_committed() => {
                        eprintln!("note: the index is being updated by another process; answering from its last commit");
                        return Ok(qindex);
                    }
                    _ => {
                        if !std::mem::replace(&mut waiting, true) {
                            eprintln!("note: the index is being built by another process; waiting for it to finish…");
                        }
                        std::thread::sleep(std::time::Duration::from_millis(200));
                    }
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn print_passages(
    hits: &[crate::Hit],
    json: bool,
    focus: Option<&str>,
    catalog: &crate::catalog::Catalog,
) -> anyhow::Result<ExitCode> {
    let mut out = buffered_stdout();
    for hit in hits {
        if json {
            output::passage_json(&mut out, hit, catalog)?;
        } else {
            output::passage(&mut out, hit, focus == Some(hit.id.as_str()))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn run_search(config: &Config, s: args::SearchArgs) -> anyhow::Result<ExitCode> {
    if let Some(lang) = &s.lang {
        if !crate::lang::is_known(&lang.to_lowercase()) {
            anyhow::bail!(Error::Query {
                pos: 1,
                msg: format!("--lang {lang}: unknown language (known: ru, en, de, fr)")
            });
        }
    }
    let style =
        s.cite.as_deref().map(crate::cite::Style::named).transpose().map_err(Error::Setting)?;
    let query = s.query.join(" ");
    // A syntax error, or a query with nothing to search, is reported before any indexing.
    if search::parse(&query)?.is_none() {
        anyhow::bail!(Error::Query {
            pos: 1,
            msg: "the query is empty: give a word or a phrase".into()
        });
    }
    crate::trace::mark("arguments");
    search::warm_up();
    // `--ocr` reads scanned files again at every refresh: no stamp vouches for them.
    let (mut qindex, quick) = if s.no_refresh || config.ocr {
        (open_for_search(config, !s.no_refresh)?, false)
    } else {
        open_quick(config)?
    };
    let req = Request {
        query,
        limit: s.limit,
        lang: s.lang.map(|l| l.to_lowercase()),
        doc: s.doc,
        expand: !s.no_expand,
    };
    let setting = if s.no_translate {
        crate::dictionary::Setting::Off
    } else {
        crate::dictionary::Setting::from_env()
    };
    let (mut lexicon, problems) = search::Lexicon::load(&config.corpus, &qindex.dir, &setting);
    for p in problems {
        eprintln!("warning: {p}");
    }
    crate::trace::mark("lexicon");
    let mut results = search::search(&qindex, &req, &lexicon)?;
    crate::trace::mark("search: the rest");
    let shown = results.hits.iter().map(|h| h.doc.as_str());
    if quick && shows_changed(config, &qindex, shown) {
        // A file shown changed since the stamp: its passages, and so the quotations and
        // locators, would be stale. Refresh (every file checked) and search again.
        qindex = open_for_search(config, true)?;
        // Learnt translations may have changed with the corpus.
        (lexicon, _) = search::Lexicon::load(&config.corpus, &qindex.dir, &setting);
        results = search::search(&qindex, &req, &lexicon)?;
        crate::trace::mark("search again after a refresh");
    }
    let catalog = load_catalog(config);
    let mut out = buffered_stdout();
    if s.json {
        output::json(&mut out, &results, s.explain, &catalog)?;
    } else if let Some(style) = &style {
        output::cited(&mut out, &results, style, s.locale.as_deref(), &catalog)?;
    } else {
        if s.explain {
            output::explain(&mut out, &results)?;
        }
        let color = match s.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        output::human(&mut out, &results, color, &catalog)?;
    }
    out.flush()?;
    crate::trace::mark("catalogue and output");
    // The process ends next: dropping the index unmaps its files one by one (5 ms on the
    // 500 MB bench index, QUELLE_TRACE's "closing the index"); the exit does it at once.
    std::mem::forget((qindex, lexicon));
    Ok(ExitCode::SUCCESS)
}
