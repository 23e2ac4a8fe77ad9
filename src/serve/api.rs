//! The routes: the page and its assets, and the JSON API (`/api/search`, `/api/passage/ID`,
//! `/api/cite/ID`, `/api/check`, `/api/styles`, `/api/status`). A bad request gets a 400
//! with `{"error": …}` (and the query column where there is one), an unknown passage a
//! 404; a failure inside a handler is a 500 with the error, never a dropped connection.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State as Shared};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{Snapshot, State};
use crate::error::Error;
use crate::search::Request;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// Longest query (bytes), and body of a `check` request.
const MAX_QUERY_BYTES: usize = 4096;
const MAX_BODY_BYTES: usize = 1 << 20;
/// Most hits one request returns, and most passages of context on each side.
const MAX_LIMIT: usize = 200;
const MAX_CONTEXT: usize = 20;
/// Hits the filters count over.
const FACET_POOL: usize = 100;
/// Quotations one `check` request checks, at most.
const MAX_QUOTES: usize = 200;

/// The router of the page and the API.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/app.js", get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }))
        .route("/app.css", get(|| async { asset(APP_CSS, "text/css; charset=utf-8") }))
        .route("/api/search", get(search))
        .route("/api/passage/{*id}", get(passage))
        .route("/api/cite/{*id}", get(cite))
        .route("/api/check", post(check))
        .route("/api/styles", get(styles))
        .route("/api/status", get(status))
        .fallback(|| async {
            failure(StatusCode::NOT_FOUND, "no such page or API").into_response()
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// The page: nothing runs but its own script (a corpus's text can never be a script).
async fn page() -> Response {
    let mut r = asset(INDEX_HTML, "text/html; charset=utf-8");
    let csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
               img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    r
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

/// An error answer: its status and its JSON body.
struct Failure(StatusCode, Value);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

fn failure(status: StatusCode, msg: impl Into<String>) -> Failure {
    Failure(status, json!({ "error": msg.into() }))
}

/// The answer for a library error: a bad query or setting is the request's fault (400,
/// with the column of a query error), an unknown passage 404, anything else 500.
fn error_response(e: Error) -> Failure {
    match &e {
        Error::Query { pos, msg } => {
            Failure(StatusCode::BAD_REQUEST, json!({ "error": msg, "column": pos }))
        }
        Error::NoSuchPassage(_) => failure(StatusCode::NOT_FOUND, e.to_string()),
        Error::Setting(_) => failure(StatusCode::BAD_REQUEST, e.to_string()),
        _ => failure(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// Runs `work` on the snapshot, off the async threads, one of a bounded number at once.
async fn blocking<F>(state: Arc<State>, work: F) -> Response
where
    F: FnOnce(&Snapshot) -> Result<Value, Failure> + Send + 'static,
{
    let Ok(_permit) = state.permits.acquire().await else {
        return failure(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
            .into_response()
            .into_response();
    };
    let snapshot = state.snapshot();
    match tokio::task::spawn_blocking(move || work(&snapshot)).await {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err(f)) => f.into_response(),
        Err(_) => failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "quelle stopped on an internal error answering this request",
        )
        .into_response(),
    }
}

#[derive(Debug, Deserialize)]
struct SearchParams {
    q: Option<String>,
    limit: Option<usize>,
    lang: Option<String>,
    doc: Option<String>,
    kind: Option<String>,
    explain: Option<bool>,
    expand: Option<bool>,
    /// Count the best hits by language, document and kind, for the page's filters.
    facets: Option<bool>,
}

async fn search(
    Shared(state): Shared<Arc<State>>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Response {
    let Ok(Query(p)) = params else {
        return failure(
            StatusCode::BAD_REQUEST,
            "bad parameters: q (text), limit (1–200), lang, doc, kind, explain, expand, facets",
        )
        .into_response();
    };
    let query = p.q.unwrap_or_default();
    if query.len() > MAX_QUERY_BYTES {
        return failure(
            StatusCode::BAD_REQUEST,
            format!("the query is longer than {MAX_QUERY_BYTES} bytes"),
        )
        .into_response();
    }
    if query.trim().is_empty() {
        return failure(StatusCode::BAD_REQUEST, "the query is empty: give a word or a phrase")
            .into_response();
    }
    let limit = p.limit.unwrap_or(10).clamp(1, MAX_LIMIT);
    if let Some(lang) = &p.lang {
        if !crate::lang::is_known(&lang.to_lowercase()) {
            return failure(
                StatusCode::BAD_REQUEST,
                format!("unknown language {lang:?} (known: ru, en, de, fr)"),
            )
            .into_response();
        }
    }
    let facets_wanted =
        p.facets.unwrap_or(false) || p.kind.as_deref().is_some_and(|k| !k.is_empty());
    blocking(state, move |s| {
        let req = Request {
            query,
            limit: if facets_wanted { limit.max(FACET_POOL) } else { limit },
            lang: p.lang.map(|l| l.to_lowercase()),
            doc: p.doc.filter(|d| !d.is_empty()),
            expand: p.expand.unwrap_or(true),
        };
        let mut results =
            crate::search::search(&s.qindex, &req, &s.lexicon).map_err(error_response)?;
        // The filters count over the best hits, before the kind chosen narrows them.
        let mut facets: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
        for h in &results.hits {
            *facets.entry("lang").or_default().entry(h.lang.clone()).or_default() += 1;
            *facets.entry("doc").or_default().entry(h.doc.clone()).or_default() += 1;
            *facets.entry("kind").or_default().entry(h.kind.clone()).or_default() += 1;
        }
        let pool = results.hits.len();
        if let Some(kind) = p.kind.filter(|k| !k.is_empty()) {
            results.hits.retain(|h| h.kind == kind);
        }
        results.hits.truncate(limit);
        for (i, h) in results.hits.iter_mut().enumerate() {
            h.rank = i + 1;
        }
        let mut v = crate::json::results(&results, p.explain.unwrap_or(false), &s.catalog);
        if facets_wanted {
            v["facets"] = json!(facets);
            v["facet_pool"] = json!(pool);
        }
        Ok(v)
    })
    .await
}

#[derive(Debug, Deserialize)]
struct PassageParams {
    context: Option<usize>,
}

async fn passage(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
    params: Result<Query<PassageParams>, QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return failure(StatusCode::BAD_REQUEST, "bad parameters: context (a number)")
            .into_response();
    };
    let context = params.context.unwrap_or(2).min(MAX_CONTEXT);
    blocking(state, move |s| {
        let hits =
            crate::search::passage_with_context(&s.qindex, &id, context).map_err(error_response)?;
        let passages: Vec<Value> = hits.iter().map(|h| crate::json::hit(h, &s.catalog)).collect();
        Ok(json!({ "id": id, "passages": passages }))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct CiteParams {
    style: Option<String>,
    locale: Option<String>,
    quote: Option<String>,
}

async fn cite(
    Shared(state): Shared<Arc<State>>,
    Path(id): Path<String>,
    params: Result<Query<CiteParams>, QueryRejection>,
) -> Response {
    let Ok(Query(p)) = params else {
        return failure(StatusCode::BAD_REQUEST, "bad parameters: style, locale, quote")
            .into_response();
    };
    let style = match crate::cite::Style::named(p.style.as_deref().unwrap_or("plain")) {
        Ok(s) => s,
        Err(e) => return failure(StatusCode::BAD_REQUEST, e).into_response(),
    };
    blocking(state, move |s| {
        let hits =
            crate::search::passage_with_context(&s.qindex, &id, 0).map_err(error_response)?;
        let hit = hits.first().ok_or_else(|| error_response(Error::NoSuchPassage(id.clone())))?;
        let meta = crate::json::meta_of(&s.catalog, hit);
        let mut c = crate::json::citation_of(hit, &meta);
        let chosen = match p.quote.as_deref().filter(|q| !q.trim().is_empty()) {
            Some(q) => Some(
                crate::quote::choose(&hit.text, q)
                    .map_err(|e| failure(StatusCode::BAD_REQUEST, e))?,
            ),
            None => None,
        };
        if let Some(ch) = &chosen {
            c.text = &ch.text;
            (c.line_start, c.line_end) = hit.lines_of(ch.start, ch.end);
            if let Some((a, b)) = hit.pages_of(ch.start, ch.end) {
                let name = |m: &crate::segment::PageMark| {
                    m.label.clone().unwrap_or_else(|| m.page.to_string())
                };
                c.pages = Some((name(a), name(b)));
            }
        }
        Ok(crate::json::citation(&c, &style, p.locale.as_deref()))
    })
    .await
}

#[derive(Debug, Deserialize)]
struct CheckBody {
    text: String,
}

async fn check(
    Shared(state): Shared<Arc<State>>,
    body: Result<Json<CheckBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let body = match body {
        Ok(Json(body)) => body,
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return failure(
                r.status(),
                format!("the text is longer than {} MB", MAX_BODY_BYTES >> 20),
            )
            .into_response();
        }
        Err(_) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "send JSON {\"text\": \"a quote, or an essay\"}",
            )
            .into_response();
        }
    };
    if body.text.trim().is_empty() {
        return failure(StatusCode::BAD_REQUEST, "the text is empty: paste a quote or an essay")
            .into_response();
    }
    blocking(state, move |s| {
        // An essay: its quotations; a text with none: one quote.
        let mut quotes = crate::essay::quotations(&body.text);
        if quotes.is_empty() {
            quotes.push(crate::essay::Quotation {
                text: body.text.trim().to_string(),
                line: 1,
                column: 1,
            });
        }
        if quotes.len() > MAX_QUOTES {
            return Err(failure(
                StatusCode::BAD_REQUEST,
                format!(
                    "the text has {} quotations; at most {MAX_QUOTES} are checked at once",
                    quotes.len()
                ),
            ));
        }
        let checked: Vec<Value> = quotes
            .iter()
            .map(|q| {
                crate::json::quotation(q, &crate::quote::check(&s.qindex, &q.text), &s.catalog)
            })
            .collect();
        Ok(json!({ "quotes": checked }))
    })
    .await
}

async fn styles() -> Response {
    Json(json!({
        "styles": ["plain", "markdown", "gost", "chicago", "chicago-author-date", "apa", "mla", "bibtex", "csl-json"],
        "locales": ["ru", "en"],
    }))
    .into_response()
}

async fn status(Shared(state): Shared<Arc<State>>) -> Response {
    let s = state.snapshot();
    let files = &s.qindex.manifest().files;
    let documents = files.values().filter(|f| f.skipped.is_none()).count();
    Json(json!({
        "documents": documents,
        "passages": s.qindex.num_passages(),
        "skipped": files.len() - documents,
        "refreshing": state.refreshing.load(std::sync::atomic::Ordering::Relaxed),
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}
