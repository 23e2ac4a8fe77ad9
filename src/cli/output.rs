//! Printing: search results as text, JSON or citations; passages; the index summary; the
//! progress bar. References take what the catalogue knows of each document.

use std::io::{self, IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::catalog::{Catalog, DocMeta};
use crate::cite::{lines_label, Citation, Style};
use crate::index::{Progress, QIndex, RefreshReport};
use crate::quote::{Difference, QuoteCheck, Verdict};
use crate::search::{render, Hit, Results, Via};

pub use crate::json::{citation_of as citation, meta_of};

fn labels(vias: &[Via]) -> Vec<&'static str> {
    vias.iter().map(|v| v.label()).collect()
}

/// The notice, and a line when nothing matched; true when there are hits to print.
fn preamble(out: &mut impl Write, results: &Results) -> io::Result<bool> {
    if let Some(notice) = &results.notice {
        writeln!(out, "note: {notice}")?;
    }
    if results.hits.is_empty() {
        writeln!(out, "No passage matches {:?}.", results.query)?;
    }
    Ok(!results.hits.is_empty())
}

/// Prints results for a person.
pub fn human(
    out: &mut impl Write,
    results: &Results,
    color: bool,
    catalog: &Catalog,
) -> io::Result<()> {
    if !preamble(out, results)? {
        return Ok(());
    }
    let (open, close, dim, reset) =
        if color { ("\x1b[1;31m", "\x1b[0m", "\x1b[2m", "\x1b[0m") } else { ("", "", "", "") };
    for hit in &results.hits {
        let meta = meta_of(catalog, hit);
        let kind = if hit.kind == "body" { String::new() } else { format!("[{}] ", hit.kind) };
        let partial = if hit.partial { "[partial] " } else { "" };
        writeln!(out, "{:>2}. {partial}{kind}{}", hit.rank, render(&hit.snippet, open, close))?;
        writeln!(out, "    {dim}— {} · {}{reset}", citation(hit, &meta).plain(), hit.id)?;
        if !hit.matched.is_empty() {
            writeln!(out, "    {dim}matched: {}{reset}", labels(&hit.matched).join(", "))?;
        }
        if !hit.also_in.is_empty() {
            writeln!(out, "    {dim}text repeated in: {}{reset}", hit.also_in.join(", "))?;
        }
        writeln!(out)?;
    }
    let shown = results.hits.len();
    writeln!(out, "{shown} of {} matching passages shown.", results.total_hits)?;
    Ok(())
}

/// Prints each hit as a quotation with its reference in `style`, then the references.
pub fn cited(
    out: &mut impl Write,
    results: &Results,
    style: &Style,
    locale: Option<&str>,
    catalog: &Catalog,
) -> io::Result<()> {
    if !preamble(out, results)? {
        return Ok(());
    }
    let metas: Vec<DocMeta> = results.hits.iter().map(|h| meta_of(catalog, h)).collect();
    let cites: Vec<Citation> =
        results.hits.iter().zip(&metas).map(|(h, m)| citation(h, m)).collect();
    writeln!(out, "{}", crate::cite::format(&cites, style, locale).text())
}

/// Prints how the query was understood.
pub fn explain(out: &mut impl Write, results: &Results) -> io::Result<()> {
    writeln!(out, "query: {}", results.query)?;
    for line in &results.explain {
        writeln!(out, "  {line}")?;
    }
    writeln!(out)
}

/// Prints one passage as indexed, with everything the index knows of it.
pub fn passage(out: &mut impl Write, hit: &Hit, focus: bool) -> io::Result<()> {
    let marker = if focus { "▶ " } else { "" };
    let section =
        if hit.section.is_empty() { String::new() } else { format!(" · § {}", hit.section) };
    let lines = lines_label(hit.line_start, hit.line_end);
    writeln!(
        out,
        "{marker}{} [{}, {}] {lines} · bytes {}–{}{section}",
        hit.id, hit.kind, hit.lang, hit.byte_start, hit.byte_end
    )?;
    writeln!(out, "    {}", hit.text)?;
    writeln!(out)
}

/// Prints one passage as a JSON line.
pub fn passage_json(out: &mut impl Write, hit: &Hit, catalog: &Catalog) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &crate::json::hit(hit, catalog))?;
    writeln!(out)
}

/// Prints results as one JSON object (the interface `evaluate.py` reads).
pub fn json(
    out: &mut impl Write,
    results: &Results,
    explain: bool,
    catalog: &Catalog,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &crate::json::results(results, explain, catalog))?;
    writeln!(out)
}

/// Prints a citation as JSON (see [`crate::json::citation`]).
pub fn cite_json(
    out: &mut impl Write,
    c: &Citation,
    style: &Style,
    locale: Option<&str>,
) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &crate::json::citation(c, style, locale))?;
    writeln!(out)
}

/// Prints a quote check for a person.
pub fn quote_check(out: &mut impl Write, r: &QuoteCheck, catalog: &Catalog) -> io::Result<()> {
    let Some(first) = r.sources.first() else {
        return writeln!(out, "Not found: nothing in the corpus matches this quote.");
    };
    let meta = catalog.meta(&first.doc, &first.title);
    let lines = lines_label(r.line_start, r.line_end);
    let ids: Vec<&str> = r.sources.iter().map(|s| s.id.as_str()).collect();
    let title = meta.title.as_deref().unwrap_or(&first.doc);
    let place = format!("{title}, {lines} ({}) · {}", first.doc, ids.join(" + "));
    match r.verdict {
        Verdict::Exact if r.case_or_yo_only => writeln!(out, "Exact, apart from letter case or ё/е: {place}")?,
        Verdict::Exact => writeln!(out, "Exact: {place}")?,
        Verdict::Close => {
            let share = if r.score >= 1.0 { "all its words".to_string() } else { format!("{:.0}% of its words", r.score * 100.0) };
            let n = r.differences.len();
            writeln!(out, "Close ({share} found, {n} difference{}): {place}", if n == 1 { "" } else { "s" })?
        }
        Verdict::NotFound => {
            return writeln!(
                out,
                "Not found: nothing in the corpus matches this quote (the closest, {place}, has {:.0}% of its words).",
                r.score.max(0.0) * 100.0
            )
        }
    }
    let (open, close) = crate::cite::quotation_marks(&first.lang);
    writeln!(out, "  source: {open}{}{close}", r.source_text)?;
    for d in &r.differences {
        match d {
            Difference::Changed { quote, source } => {
                writeln!(out, "  changed: {quote:?} where the source has {source:?}")?
            }
            Difference::Missing { source } => {
                writeln!(out, "  missing: {source:?} (left out with no ellipsis)")?
            }
            Difference::Extra { quote } => writeln!(out, "  extra: {quote:?} (not in the source)")?,
        }
    }
    Ok(())
}

/// Prints a quote check as JSON.
pub fn quote_json(out: &mut impl Write, r: &QuoteCheck, catalog: &Catalog) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &crate::json::quote_check(r, catalog))?;
    writeln!(out)
}

/// A difference in a few words, for one-line reports.
fn difference(d: &Difference) -> String {
    match d {
        Difference::Changed { quote, source } => {
            format!("{quote:?} where the source has {source:?}")
        }
        Difference::Missing { source } => format!("{source:?} left out without an ellipsis"),
        Difference::Extra { quote } => format!("{quote:?} not in the source"),
    }
}

/// Where a quote was found: `Title, lines 3–4 (doc) · id`.
fn found_at(r: &QuoteCheck, catalog: &Catalog) -> String {
    let Some(first) = r.sources.first() else { return String::new() };
    let meta = catalog.meta(&first.doc, &first.title);
    let title = meta.title.as_deref().unwrap_or(&first.doc);
    let ids: Vec<&str> = r.sources.iter().map(|s| s.id.as_str()).collect();
    format!(
        "{title}, {} ({}) · {}",
        lines_label(r.line_start, r.line_end),
        first.doc,
        ids.join(" + ")
    )
}

/// One line on a quotation of an essay: `essay.md:3:18: exact — where`.
pub fn essay_quote(
    out: &mut impl Write,
    essay: &str,
    q: &crate::essay::Quotation,
    result: &crate::Result<QuoteCheck>,
    catalog: &Catalog,
) -> io::Result<()> {
    let at = format!("{essay}:{}:{}", q.line, q.column);
    let opening: String = {
        let words: Vec<&str> = q.text.split_whitespace().collect();
        let head = words.iter().take(8).copied().collect::<Vec<_>>().join(" ");
        if words.len() > 8 {
            format!("{head} …")
        } else {
            head
        }
    };
    match result {
        Err(e) => writeln!(out, "{at}: not checked ({e}): {opening:?}"),
        Ok(r) => match r.verdict {
            Verdict::Exact => writeln!(out, "{at}: exact — {}", found_at(r, catalog)),
            Verdict::Close => {
                let diffs: Vec<String> = r.differences.iter().map(difference).collect();
                writeln!(out, "{at}: differs ({}) — {}", diffs.join("; "), found_at(r, catalog))
            }
            Verdict::NotFound => writeln!(out, "{at}: not found: {opening:?}"),
        },
    }
}

/// A quotation of an essay as one JSON line.
pub fn essay_quote_json(
    out: &mut impl Write,
    essay: &str,
    q: &crate::essay::Quotation,
    result: &crate::Result<QuoteCheck>,
    catalog: &Catalog,
) -> io::Result<()> {
    let mut value = crate::json::quotation(q, result, catalog);
    value["essay"] = json!(essay);
    serde_json::to_writer(&mut *out, &value)?;
    writeln!(out)
}

/// One line on what the index holds and what the last refresh did.
pub fn summary(qindex: &QIndex, report: &RefreshReport) -> String {
    let files = qindex.manifest().files.len();
    let skipped = qindex.manifest().files.values().filter(|f| f.skipped.is_some()).count();
    let mut s = format!(
        "{} documents, {} passages in {}",
        files - skipped,
        qindex.num_passages(),
        qindex.dir.display()
    );
    if report.is_noop() {
        s.push_str(" (up to date)");
    } else {
        let langs: Vec<String> = report.langs.iter().map(|(l, n)| format!("{l} {n}")).collect();
        s.push_str(&format!(
            "; this run: {} new, {} changed, {} removed files, {} passages ({}) in {:.2} s",
            report.added,
            report.changed,
            report.removed,
            report.passages,
            if langs.is_empty() { "none".to_string() } else { langs.join(", ") },
            report.elapsed.as_secs_f64()
        ));
    }
    if skipped > 0 {
        let files = if skipped == 1 { "file" } else { "files" };
        s.push_str(&format!("; {skipped} {files} skipped"));
    }
    s
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    /// A bar that appears once there is work.
    pub fn new() -> Bar {
        Bar { bar: None }
    }
}

impl Progress for Bar {
    fn start(&mut self, files: usize, bytes: u64) {
        if !io::stderr().is_terminal() || files == 0 {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} indexing {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(format!("{files} files"));
        self.bar = Some(bar);
    }

    fn file_done(&mut self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
