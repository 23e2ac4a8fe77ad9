//! The JSON shape of results, passages, citations and quote checks: what `--json` prints
//! and what the web server's API answers, one shape for both.

use serde_json::{json, Value};

use crate::catalog::{Catalog, DocMeta};
use crate::cite::{Citation, Style};
use crate::quote::QuoteCheck;
use crate::search::{render, Hit, Results};

/// What the catalogue knows of a hit's document (its title falling back to the file's).
pub fn meta_of(catalog: &Catalog, hit: &Hit) -> DocMeta {
    catalog.meta(&hit.doc, &hit.title)
}

/// The citation of a hit: the whole passage, its lines, and its pages where it has any.
pub fn citation_of<'a>(hit: &'a Hit, meta: &'a DocMeta) -> Citation<'a> {
    Citation {
        meta,
        section: &hit.section,
        doc: &hit.doc,
        line_start: hit.line_start,
        line_end: hit.line_end,
        id: &hit.id,
        lang: &hit.lang,
        text: &hit.text,
        pages: hit.page.map(|p| {
            let first = hit.page_label.clone().unwrap_or_else(|| p.to_string());
            let last = match hit.page_end {
                Some(e) => hit.page_end_label.clone().unwrap_or_else(|| e.to_string()),
                None => first.clone(),
            };
            (first, last)
        }),
    }
}

/// A hit, or a passage of `passages` and `show`.
pub fn hit(h: &Hit, catalog: &Catalog) -> Value {
    let meta = meta_of(catalog, h);
    let mut value = json!({
        "rank": h.rank,
        "score": h.score,
        "id": h.id,
        "kind": h.kind,
        "doc": h.doc,
        "title": meta.title,
        "lang": h.lang,
        "section": h.section,
        "line_start": h.line_start,
        "line_end": h.line_end,
        "byte_start": h.byte_start,
        "byte_end": h.byte_end,
        "text": h.text,
        "snippet": render(&h.snippet, "**", "**"),
        "highlights": h.highlights,
        "matched": h.matched.iter().map(|v| v.label()).collect::<Vec<_>>(),
        "partial": h.partial,
        "citation": citation_of(h, &meta).plain(),
    });
    if !h.also_in.is_empty() {
        value["also_in"] = json!(h.also_in);
    }
    if let Some(page) = h.page {
        value["page"] = json!(page);
        value["page_label"] = json!(h.page_label);
        if let Some(end) = h.page_end {
            value["page_end"] = json!(end);
            value["page_end_label"] = json!(h.page_end_label);
        }
    }
    value
}

/// Results of a search.
pub fn results(results: &Results, explain: bool, catalog: &Catalog) -> Value {
    let hits: Vec<Value> = results.hits.iter().map(|h| hit(h, catalog)).collect();
    let mut value = json!({
        "query": results.query,
        "total_hits": results.total_hits,
        "notice": results.notice,
        "hits": hits,
    });
    if explain {
        value["explain"] = json!(results.explain);
    }
    value
}

/// A citation: the quote and its locator, the citation and reference in `style`, the
/// plain, GOST and Chicago references, the CSL-JSON item, the BibTeX entry and the pandoc
/// citation.
pub fn citation(c: &Citation, style: &Style, locale: Option<&str>) -> Value {
    let styled = crate::cite::format(std::slice::from_ref(c), style, locale);
    let csl = |name: &str| -> serde_json::Value {
        match crate::cite::CslStyle::named(name) {
            Ok(s) => {
                let r = crate::cite::csl::render(&s, locale, std::slice::from_ref(c));
                json!({ "citation": r.citations.first(), "bibliography": r.bibliography.first() })
            }
            Err(_) => serde_json::Value::Null,
        }
    };
    json!({
        "id": c.id,
        "doc": c.doc,
        "lang": c.lang,
        "line_start": c.line_start,
        "line_end": c.line_end,
        "text": c.text,
        "quote": c.quote(),
        "formatted": styled.text(),
        "key": c.key(),
        "locator": c.locator(),
        "label": match (c.locator_kind(), c.line_start == c.line_end) {
            (crate::cite::LocatorKind::Page, _) => "page",
            (_, true) => "line",
            (_, false) => "lines",
        },
        "pandoc": c.pandoc(locale),
        "reference": { "plain": c.plain(), "gost": csl("gost"), "chicago": csl("chicago") },
        "csl": crate::cite::export::csl_item(c.key(), c.meta, c.doc),
        "bibtex": crate::cite::export::bibtex(std::slice::from_ref(c)).first(),
    })
}

/// A quote check, with the title of its source.
pub fn quote_check(r: &QuoteCheck, catalog: &Catalog) -> Value {
    let mut value = serde_json::to_value(r).unwrap_or(Value::Null);
    if let Some(first) = r.sources.first() {
        value["title"] = json!(catalog.meta(&first.doc, &first.title).title);
    }
    value
}

/// A quotation of an essay and its check (or why it was not checked), with its place.
pub fn quotation(
    q: &crate::essay::Quotation,
    result: &crate::Result<QuoteCheck>,
    catalog: &Catalog,
) -> Value {
    let mut value = match result {
        Ok(r) => quote_check(r, catalog),
        Err(e) => json!({ "quote": q.text, "verdict": "not_found", "error": e.to_string() }),
    };
    value["line"] = json!(q.line);
    value["column"] = json!(q.column);
    value
}
