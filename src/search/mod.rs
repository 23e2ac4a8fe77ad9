//! Searching: parse the query, plan it against the index, collect the best passages and
//! their total count, and compute snippets for the hits shown only. Returns data; the
//! `cli` prints it and `cite` formats the references.

mod highlight;
mod parse;
mod plan;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::{DocId, Score, SegmentReader, TantivyDocument};

pub use highlight::{render, Snippet, SNIPPET_CHARS};
pub use parse::{parse, Node, MAX_TERMS};
pub use plan::Marks;

use crate::error::{Error, Result};
use crate::index::QIndex;
use crate::segment::Kind;

/// A search as the user asked for it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// The query text.
    pub query: String,
    /// How many hits to return.
    pub limit: usize,
    /// Only passages in this language.
    pub lang: Option<String>,
    /// Only passages of this document (path, file name, stem or a prefix).
    pub doc: Option<String>,
}

/// One passage found.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based rank.
    pub rank: usize,
    /// Relevance score (BM25 and boosts; comparable within one search only).
    pub score: f32,
    /// Stable passage id.
    pub id: String,
    /// `body`, `gloss`, `toc` or `reference`.
    pub kind: String,
    /// Document path relative to the corpus folder.
    pub doc: String,
    /// Document title (or file name).
    pub title: String,
    /// Passage language.
    pub lang: String,
    /// Section path.
    pub section: String,
    /// First line (1-based).
    pub line_start: u64,
    /// Last line (1-based, inclusive).
    pub line_end: u64,
    /// First byte in the raw file.
    pub byte_start: u64,
    /// End byte in the raw file (exclusive).
    pub byte_end: u64,
    /// The whole passage, display-normalised.
    pub text: String,
    /// Byte ranges of `text` that matched.
    pub highlights: Vec<(usize, usize)>,
    /// The excerpt shown, with its own marks.
    #[serde(skip)]
    pub snippet: Snippet,
}

/// The answer to a search.
#[derive(Debug, Clone)]
pub struct Results {
    /// The query text.
    pub query: String,
    /// How many passages match in all.
    pub total_hits: usize,
    /// A note on how the query was read, if any.
    pub notice: Option<String>,
    /// The best passages, best first.
    pub hits: Vec<Hit>,
}

/// Runs a search on an open index.
pub fn search(qindex: &QIndex, req: &Request) -> Result<Results> {
    let node = parse(&req.query)?;
    let searcher = qindex.searcher();
    let mut planner = plan::Planner::new(qindex.fields, &searcher);
    let mut filters = Vec::new();
    if let Some(lang) = &req.lang {
        filters.push(planner.lang_filter(lang));
    }
    if let Some(doc) = &req.doc {
        filters.push(planner.doc_filter(doc));
    }
    let plan = planner.plan(node.as_ref(), filters);
    let limit = req.limit.max(1);
    // A match in a gloss, a reference or a table of contents counts less than one in the
    // author's own text.
    let by_kind = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
        let codes = segment.fast_fields().u64("kind_code").ok();
        move |doc: DocId, score: Score| {
            let code = codes.as_ref().and_then(|c| c.first(doc)).unwrap_or(0);
            score * Kind::ALL.get(code as usize).map_or(1.0, |k| k.weight())
        }
    });
    let (top, total) = searcher
        .search(&plan.query, &(by_kind, Count))
        .map_err(|e| Error::index(&qindex.dir, e))?;
    let mut hits = Vec::with_capacity(top.len());
    for (rank, (score, address)) in top.into_iter().take(req.limit).enumerate() {
        let doc: TantivyDocument =
            searcher.doc(address).map_err(|e| Error::index(&qindex.dir, e))?;
        hits.push(to_hit(qindex, &doc, rank + 1, score, &plan.marks));
    }
    let notice = (!plan.notices.is_empty()).then(|| plan.notices.join("; "));
    Ok(Results { query: req.query.clone(), total_hits: total, notice, hits })
}

/// Every passage of the documents a `doc:` filter names, in document order.
pub fn passages_of(qindex: &QIndex, doc: &str) -> Result<Vec<Hit>> {
    let searcher = qindex.searcher();
    let mut planner = plan::Planner::new(qindex.fields, &searcher);
    let filter = planner.doc_filter(doc);
    collect_in_order(qindex, &searcher, filter.as_ref())
}

/// The passage with `id`, with up to `context` passages before and after it in its document.
pub fn passage_with_context(qindex: &QIndex, id: &str, context: usize) -> Result<Vec<Hit>> {
    let searcher = qindex.searcher();
    let term = tantivy::Term::from_field_text(qindex.fields.id, id);
    let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
    let found = searcher
        .search(&query, &TopDocs::with_limit(1).order_by_score())
        .map_err(|e| Error::index(&qindex.dir, e))?;
    let Some(&(_, address)) = found.first() else {
        return Err(Error::NoSuchPassage(id.to_string()));
    };
    let doc: TantivyDocument = searcher.doc(address).map_err(|e| Error::index(&qindex.dir, e))?;
    let hit = to_hit(qindex, &doc, 1, 0.0, &Marks::default());
    let term = tantivy::Term::from_field_text(qindex.fields.doc, &hit.doc);
    let same_doc = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
    let all = collect_in_order(qindex, &searcher, &same_doc)?;
    let at = all.iter().position(|h| h.id == hit.id).unwrap_or(0);
    let (from, to) = (at.saturating_sub(context), (at + context + 1).min(all.len()));
    Ok(all[from..to].to_vec())
}

/// All passages matching `query`, ordered by document and position.
fn collect_in_order(
    qindex: &QIndex,
    searcher: &tantivy::Searcher,
    query: &dyn tantivy::query::Query,
) -> Result<Vec<Hit>> {
    let addresses = searcher
        .search(query, &tantivy::collector::DocSetCollector)
        .map_err(|e| Error::index(&qindex.dir, e))?;
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument =
            searcher.doc(address).map_err(|e| Error::index(&qindex.dir, e))?;
        let ordinal = doc.get_first(qindex.fields.ordinal).and_then(|v| v.as_u64()).unwrap_or(0);
        hits.push((ordinal, to_hit(qindex, &doc, 0, 0.0, &Marks::default())));
    }
    hits.sort_by(|a, b| a.1.doc.cmp(&b.1.doc).then(a.0.cmp(&b.0)));
    Ok(hits
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut h))| {
            h.rank = i + 1;
            h
        })
        .collect())
}

fn to_hit(qindex: &QIndex, doc: &TantivyDocument, rank: usize, score: f32, marks: &Marks) -> Hit {
    let f = &qindex.fields;
    let text_of = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let num_of = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    let text = text_of(f.body);
    let highlights = highlight::mark(&text, marks);
    let snippet = highlight::snippet(&text, &highlights);
    Hit {
        rank,
        score,
        id: text_of(f.id),
        kind: text_of(f.kind),
        doc: text_of(f.doc),
        title: text_of(f.title),
        lang: text_of(f.lang),
        section: text_of(f.section),
        line_start: num_of(f.line_start),
        line_end: num_of(f.line_end),
        byte_start: num_of(f.byte_start),
        byte_end: num_of(f.byte_end),
        text,
        highlights,
        snippet,
    }
}
