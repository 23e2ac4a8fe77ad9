//! Printing: search results as text or JSON, the index summary, the progress bar.

use std::io::{self, IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::cite::Citation;
use crate::index::{Progress, QIndex, RefreshReport};
use crate::search::{render, Hit, Results, Via};

fn citation(hit: &Hit) -> Citation<'_> {
    Citation {
        title: &hit.title,
        section: &hit.section,
        doc: &hit.doc,
        line_start: hit.line_start,
        line_end: hit.line_end,
    }
}

/// Prints results for a person.
pub fn human(out: &mut impl Write, results: &Results, color: bool) -> io::Result<()> {
    if let Some(notice) = &results.notice {
        writeln!(out, "note: {notice}")?;
    }
    if results.hits.is_empty() {
        writeln!(out, "No passage matches {:?}.", results.query)?;
        return Ok(());
    }
    let (open, close, dim, reset) =
        if color { ("\x1b[1;31m", "\x1b[0m", "\x1b[2m", "\x1b[0m") } else { ("", "", "", "") };
    for hit in &results.hits {
        let kind = if hit.kind == "body" { String::new() } else { format!("[{}] ", hit.kind) };
        let partial = if hit.partial { "[partial] " } else { "" };
        writeln!(out, "{:>2}. {partial}{kind}{}", hit.rank, render(&hit.snippet, open, close))?;
        writeln!(out, "    {dim}— {} · {}{reset}", citation(hit).plain(), hit.id)?;
        if !hit.matched.is_empty() {
            writeln!(out, "    {dim}matched: {}{reset}", labels(&hit.matched).join(", "))?;
        }
        writeln!(out)?;
    }
    let shown = results.hits.len();
    writeln!(out, "{shown} of {} matching passages shown.", results.total_hits)?;
    Ok(())
}

fn labels(vias: &[Via]) -> Vec<&'static str> {
    vias.iter().map(|v| v.label()).collect()
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
    writeln!(
        out,
        "{marker}{} [{}, {}] {} · bytes {}–{}{}",
        hit.id,
        hit.kind,
        hit.lang,
        citation(hit).lines(),
        hit.byte_start,
        hit.byte_end,
        if hit.section.is_empty() { String::new() } else { format!(" · § {}", hit.section) }
    )?;
    writeln!(out, "    {}", hit.text)?;
    writeln!(out)
}

/// Prints one passage as a JSON line.
pub fn passage_json(out: &mut impl Write, hit: &Hit) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &hit_json(hit))?;
    writeln!(out)
}

fn hit_json(h: &Hit) -> serde_json::Value {
    json!({
        "rank": h.rank,
        "score": h.score,
        "id": h.id,
        "kind": h.kind,
        "doc": h.doc,
        "title": h.title,
        "lang": h.lang,
        "section": h.section,
        "line_start": h.line_start,
        "line_end": h.line_end,
        "byte_start": h.byte_start,
        "byte_end": h.byte_end,
        "text": h.text,
        "snippet": render(&h.snippet, "**", "**"),
        "highlights": h.highlights,
        "matched": labels(&h.matched),
        "partial": h.partial,
        "citation": citation(h).plain(),
    })
}

/// Prints results as one JSON object (the interface `evaluate.py` reads).
pub fn json(out: &mut impl Write, results: &Results, explain: bool) -> io::Result<()> {
    let hits: Vec<serde_json::Value> = results.hits.iter().map(hit_json).collect();
    let mut value = json!({
        "query": results.query,
        "total_hits": results.total_hits,
        "notice": results.notice,
        "hits": hits,
    });
    if explain {
        value["explain"] = json!(results.explain);
    }
    serde_json::to_writer(&mut *out, &value)?;
    writeln!(out)
}

/// One line on what the index holds and what the last refresh did.
pub fn summary(qindex: &QIndex, report: &RefreshReport) -> String {
    let files = qindex.manifest.files.len();
    let skipped = qindex.manifest.files.values().filter(|f| f.skipped.is_some()).count();
    let mut langs: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    let mut s = format!(
        "{} documents, {} passages in {}",
        files - skipped,
        qindex.num_passages(),
        qindex.dir.display()
    );
    if report.is_noop() {
        s.push_str(" (up to date)");
    } else {
        for (l, n) in &report.langs {
            *langs.entry(l).or_default() += n;
        }
        let langs: Vec<String> = langs.iter().map(|(l, n)| format!("{l} {n}")).collect();
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
        s.push_str(&format!("; {skipped} files skipped"));
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
