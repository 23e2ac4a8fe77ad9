//! Searching: parse the query, plan it against the index, collect the best candidates and
//! the total count, re-rank the candidates by how close the query's words stand (in any
//! order), and compute snippets for the hits shown only. When a query of three or more
//! required parts has too few passages matching all of them, passages matching all but one
//! follow, marked `partial`. Returns data; the `cli` prints it and `cite` formats it.

mod at_least;
mod best_of;
mod exact_phrase;
mod feedback;
mod highlight;
mod layout;
mod live;
mod parse;
mod plan;
mod repeats;
mod side_by_side;
mod split;
mod synonyms;
mod top;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::Count;
use tantivy::schema::Value;
use tantivy::{Score, TantivyDocument};

pub use highlight::{render, Snippet};
pub use parse::parse;
use plan::Marks;
pub use plan::Via;
use repeats::Shingles;

use std::collections::HashSet;

use tantivy::query::Query;
use tantivy::DocAddress;

use crate::glossary::Glossary;

/// Candidates re-ranked for proximity, at least.
const MIN_CANDIDATES: usize = 30;
/// How much the query's words standing side by side multiplies a score.
const PROXIMITY_WEIGHT: f32 = 0.5;
/// Weight of sharing rare words with the best hits, against the translated query, in the
/// other language's ranking.
const RELATED_WEIGHT: f32 = 0.7;
/// Passages of fewer words than this count less (see `length_prior`).
const SHORT_PASSAGE_WORDS: usize = 15;
/// What a passage found only through guesses (glossary, transliteration, derived forms,
/// typos) scores against one with the words typed: after them, unless it matches better.
const GUESS_WEIGHT: f32 = 0.5;
/// The passages in the other language are merged in turn with those in the query's when
/// the best of them scores at least this share of the best hit: a bilingual corpus answers
/// in both languages on the first page.
const OTHER_LANGUAGE_MIN: f32 = 0.1;
/// Against its own language's best, a passage of the other language counts this much: the
/// query's language leads, and the other follows where it is nearly as good.
const OTHER_LANGUAGE_SHARE: f32 = 0.75;
/// The latest place on the first page of the other language's best fair match.
const OTHER_LANGUAGE_PLACE: usize = 4;

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
    /// Also match typos, derived forms, transliterations and glossary synonyms.
    pub expand: bool,
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
    /// How the query matched here, most direct first.
    pub matched: Vec<Via>,
    /// True when the passage matches all but one of the query's required parts.
    pub partial: bool,
    /// Ids of passages elsewhere with the same or nearly the same text (a document copied
    /// into another, an untranslated paragraph in a translation), folded into this hit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_in: Vec<String>,
    /// The excerpt shown, with its own marks.
    #[serde(skip)]
    pub snippet: Snippet,
    /// Where the passage's later lines begin in `text` (`(byte offset, line)`).
    #[serde(skip)]
    pub line_marks: Vec<(u32, u32)>,
    /// For paged formats: the physical page the passage begins on, and its printed label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_label: Option<String>,
    /// The page it ends on, when another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_end: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_end_label: Option<String>,
    /// Its page marks.
    #[serde(skip)]
    pub pages: Vec<crate::segment::PageMark>,
}

impl Hit {
    /// The pages (first, last) holding bytes `start..end` of the text, for paged formats.
    pub fn pages_of(
        &self,
        start: usize,
        end: usize,
    ) -> Option<(&crate::segment::PageMark, &crate::segment::PageMark)> {
        let (a, b) = self.lines_of(start, end);
        crate::segment::pages_of(&self.pages, a as u32, b as u32)
    }

    /// The lines holding bytes `start..end` of the text.
    pub fn lines_of(&self, start: usize, end: usize) -> (u64, u64) {
        let (a, b) = crate::segment::lines_of(self.line_start as u32, &self.line_marks, start, end);
        (u64::from(a), u64::from(b))
    }
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
    /// How the query was understood (`--explain`).
    pub explain: Vec<String>,
}

/// What a query word may also mean: the user's glossary and the bilingual dictionary.
#[derive(Default)]
pub struct Lexicon {
    /// Synonyms across languages, from `glossary.tsv`; they win over the dictionary.
    pub glossary: Glossary,
    /// Translations of ordinary words, if a dictionary is on.
    pub dictionary: Option<crate::dictionary::Dictionary>,
    /// Translations learnt from the corpus's own translated documents (`parallel`), if
    /// any and the dictionary is on.
    pub learnt: Option<crate::dictionary::Dictionary>,
    /// The passages of the corpus's translated documents, aligned (`parallel`), if any.
    pub aligned: Option<crate::parallel::Alignment>,
}

impl Lexicon {
    /// The corpus's glossary and the dictionary as `setting` says, compiled into the
    /// cache folder (see `dictionary::cache_dir`; `index_dir` when there is none) when
    /// needed. Problems (a bad glossary line, an unreadable dictionary)
    /// are returned to be reported; what can be used is used.
    pub fn load(
        corpus: &std::path::Path,
        index_dir: &std::path::Path,
        setting: &crate::dictionary::Setting,
    ) -> (Lexicon, Vec<String>) {
        let (glossary, mut problems) = Glossary::load(corpus);
        let cache = crate::dictionary::cache_dir(index_dir);
        let dictionary = crate::dictionary::Dictionary::open(setting, corpus, &cache)
            .unwrap_or_else(|e| {
                problems.push(format!("dictionary not used: {e}"));
                None
            });
        let learnt = if *setting == crate::dictionary::Setting::Off {
            None
        } else {
            let path = index_dir.join(crate::parallel::COMPILED_NAME);
            crate::dictionary::Dictionary::open_compiled(&path).unwrap_or_else(|e| {
                problems.push(format!("translations learnt from the corpus not used: {e}"));
                None
            })
        };
        let aligned = crate::parallel::Alignment::open(index_dir).unwrap_or_else(|e| {
            problems.push(format!("aligned translations not used: {e}"));
            None
        });
        (Lexicon { glossary, dictionary, learnt, aligned }, problems)
    }
}

/// Runs a search on an open index, with a lexicon for synonyms and translations.
pub fn search(qindex: &QIndex, req: &Request, lexicon: &Lexicon) -> Result<Results> {
    let node = parse(&req.query)?;
    let searcher = qindex.searcher();
    let mut planner = plan::Planner::new(qindex.fields, &searcher, lexicon, req.expand);
    let filters = request_filters(&mut planner, req);
    let plan = planner.plan(node.as_ref(), filters);
    crate::trace::mark("plan query");
    let limit = req.limit.max(1);
    let (candidates, total) = top_except(
        qindex,
        &searcher,
        plan.query.as_ref(),
        limit.max(MIN_CANDIDATES),
        &HashSet::new(),
    )?;
    crate::trace::mark("top candidates and count");
    let mut hits = Vec::with_capacity(candidates.len());
    // Reading, checking and marking the candidates is most of this stage, and each is on
    // its own: they are spread over the cores.
    // A candidate's shingles (`repeats`) are made here too, on the same threads.
    let fetch = |&(score, address): &(Score, DocAddress)| -> Result<(Scored, Shingles)> {
        let doc: TantivyDocument = qindex.stored(&searcher, address)?;
        let scored = to_hit(qindex, &doc, 0, score, &plan.marks);
        let shingles = Shingles::of(&scored.hit.text);
        Ok((scored, shingles))
    };
    let fetched: Vec<Result<(Scored, Shingles)>> = match crate::index::search_pool() {
        Some(pool) => pool.install(|| candidates.par_iter().map(fetch).collect()),
        None => candidates.iter().map(fetch).collect(),
    };
    let mut known = repeats::Known::default();
    for fetched in fetched {
        let (mut hit, shingles) = fetched?;
        known.insert(hit.hit.id.clone(), shingles);
        if let Some(window) = highlight::tightest_window(&hit.positions, plan.groups) {
            let closeness = (plan.groups - 1) as f32 / (window - 1).max(1) as f32;
            hit.hit.score *= 1.0 + PROXIMITY_WEIGHT * closeness.min(1.0);
        }
        hit.hit.score *= length_prior(&hit.hit.text);
        if hit.hit.matched.is_empty() {
            hit.hit.matched.push(Via::Section);
        } else if !hit.hit.matched.iter().any(|v| v.is_typed() || *v == Via::Translation) {
            hit.hit.score *= GUESS_WEIGHT;
        }
        hits.push(hit.hit);
    }
    rank_order(&mut hits);
    repeats::fold(&mut hits, &known);
    crate::trace::mark("fetch and rank candidates");
    let language = query_language(&req.query);
    if req.expand && req.lang.is_none() && req.doc.is_none() && node.as_ref().is_some_and(is_plain)
    {
        if let Some(language) = language {
            add_related(qindex, &searcher, req, language, &plan.marks, &known, &mut hits)?;
        }
    }
    crate::trace::mark("related passages");
    let mut hits = mix_languages(hits, language, req.limit);
    if let Some(aligned) = lexicon.aligned.as_ref() {
        // A filter, given as an option or in the query, keeps its language and documents:
        // a translation elsewhere would pass it by.
        let filtered = req.lang.is_some()
            || req.doc.is_some()
            || node.as_ref().is_some_and(parse::Node::has_filter);
        if req.expand && !filtered {
            with_counterparts(
                qindex,
                &searcher,
                aligned,
                &plan.marks,
                &known,
                &mut hits,
                req.limit,
            )?;
        }
    }
    // A table of contents holds every word of a query by chance more often than a passage
    // about it does (its lines are the document's headings): such a match waits below the
    // other passages holding every word and, when the page has room, below those holding
    // all but one in the author's text. Set apart before the page is cut, so that the
    // passages it would have pushed off the page take its place first.
    let (mut hits, contents): (Vec<Hit>, Vec<Hit>) =
        hits.into_iter().partition(|h| h.kind != Kind::Toc.as_str());
    hits.truncate(req.limit);
    crate::trace::mark("counterparts");
    let mut notices = plan.notices;
    let mut total_hits = total;
    // Two words with no passage holding both are no answer; with a few, the passages with
    // one of them follow. Three or more words relax even with none.
    let relax =
        hits.len() < req.limit && (plan.groups >= 3 || !hits.is_empty() || !contents.is_empty());
    if let Some(relaxed) = plan.relaxed.as_ref().filter(|_| relax) {
        let seen: HashSet<DocAddress> = candidates.iter().map(|c| c.1).collect();
        let want = req.limit - hits.len();
        let (more, relaxed_total) =
            top_except(qindex, &searcher, relaxed.as_ref(), 2 * want, &seen)?;
        let mut partial = Vec::with_capacity(more.len());
        for (score, address) in more {
            let doc: TantivyDocument = qindex.stored(&searcher, address)?;
            partial.push(to_hit(qindex, &doc, 0, score, &plan.marks).hit);
        }
        // A passage already on the page (a hit's aligned translation, a related passage:
        // neither among the candidates) is not shown again, nor a repeat of its text (a
        // paragraph a translation left as it was): folded into the hit on the page.
        let mut partial = repeats::fold_onto(&mut hits, partial, &known);
        // Equal scores by passage id, not by where a worker happened to put the passage.
        rank_order(&mut partial);
        // Mixed as a page of their own (each still whole), then marked: the other
        // language's slot fills within this tier too.
        let mut partial = mix_languages(partial, language, want);
        partial.truncate(want);
        for hit in &mut partial {
            hit.partial = true;
        }
        let added = partial.len();
        hits.extend(partial);
        if added > 0 {
            notices.push(format!(
                "{total} passages match every word; {} more match all but one (marked partial)",
                relaxed_total - total
            ));
            total_hits = relaxed_total;
        }
    }
    hits.extend(contents);
    hits.truncate(req.limit);
    if total_hits == 0 {
        notices.extend(phrase_hint(qindex, &searcher, req, lexicon, node.as_ref())?);
    }
    // Snippets only for the hits shown.
    for (i, h) in hits.iter_mut().enumerate() {
        h.rank = i + 1;
        h.snippet = highlight::snippet(&h.text, &h.highlights);
    }
    let notice = (!notices.is_empty()).then(|| notices.join("; "));
    Ok(Results { query: req.query.clone(), total_hits, notice, hits, explain: plan.explain })
}

/// The filters of a request's `--lang` and `--doc`.
fn request_filters(planner: &mut plan::Planner, req: &Request) -> Vec<Box<dyn Query>> {
    let mut filters = Vec::new();
    if let Some(lang) = &req.lang {
        filters.push(planner.lang_filter(lang));
    }
    if let Some(doc) = &req.doc {
        filters.push(planner.doc_filter(doc));
    }
    filters
}

/// For a query that found nothing and holds a phrase: how many passages its words match
/// without the quotes, when some do. A phrase misremembered by a word, or in another word
/// order, otherwise ends the search with nothing to go on.
fn phrase_hint(
    qindex: &QIndex,
    searcher: &tantivy::Searcher,
    req: &Request,
    lexicon: &Lexicon,
    node: Option<&parse::Node>,
) -> Result<Option<String>> {
    let Some(words) = node.and_then(parse::without_phrases) else { return Ok(None) };
    let mut planner = plan::Planner::new(qindex.fields, searcher, lexicon, req.expand);
    let filters = request_filters(&mut planner, req);
    let plan = planner.plan(Some(&words), filters);
    let count = searcher.search(plan.query.as_ref(), &Count).map_err(|e| qindex.damaged(e))?;
    let passages = if count == 1 { "passage" } else { "passages" };
    Ok((count > 0).then(|| {
        format!(
            "no passage has the phrase as quoted; without the quotes, its words match {count} \
             {passages}"
        )
    }))
}

/// Starts, on the search threads, what the first search of a process would otherwise
/// build on its way (the typo automata's tables, see `plan::build_once_per_process`): a
/// command line calls it before it opens the index, which takes about as long.
pub fn warm_up() {
    if let Some(pool) = crate::index::search_pool() {
        pool.spawn(plan::build_once_per_process);
    }
}

/// Passages of the index holding `term` in `field`.
fn doc_freq(searcher: &tantivy::Searcher, field: tantivy::schema::Field, term: &str) -> u32 {
    let term = tantivy::Term::from_field_text(field, term);
    searcher
        .segment_readers()
        .iter()
        .filter_map(|r| r.inverted_index(field).ok())
        .filter_map(|ii| ii.doc_freq(&term).ok())
        .sum()
}

/// The best `want` passages for `query` not in `skip`, with the number matching. Passages
/// tied with the last of them are cut by their tie key (`top`), whatever the segments.
fn top_except(
    qindex: &QIndex,
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    want: usize,
    skip: &HashSet<DocAddress>,
) -> Result<(Vec<(Score, DocAddress)>, usize)> {
    let (mut ranked, total) = top_by_kind(qindex, searcher, query, want + skip.len())?;
    ranked.retain(|(_, a)| !skip.contains(a));
    ranked.truncate(want);
    Ok((ranked, total))
}

/// Orders hits: passages whose own text has the words before those that have them only in
/// their section heading; then by score; equal scores by passage id, so the order does not
/// depend on which worker indexed a file first.
fn rank_order(hits: &mut [Hit]) {
    let section_only = |h: &Hit| h.matched == [Via::Section];
    hits.sort_by(|a, b| {
        section_only(a)
            .cmp(&section_only(b))
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// A query of words and phrases only: no exclusions or filters that feedback would have
/// to honour.
fn is_plain(node: &parse::Node) -> bool {
    match node {
        parse::Node::And(items) | parse::Node::Or(items) => items.iter().all(is_plain),
        parse::Node::Word { .. } | parse::Node::Phrase { .. } => true,
        _ => false,
    }
}

/// Adds to `hits` the passages of the other language related to the best hits of the
/// query's language (see `feedback`), and ranks the other language's passages by both
/// readings: the translated query and that feedback, each against its own best.
fn add_related(
    qindex: &QIndex,
    searcher: &tantivy::Searcher,
    req: &Request,
    language: &str,
    marks: &Marks,
    known: &repeats::Known,
    hits: &mut Vec<Hit>,
) -> Result<()> {
    let other = if language == "ru" { "en" } else { "ru" };
    let best: Vec<&Hit> = hits
        .iter()
        .filter(|h| h.lang == language && !h.partial && h.matched != [Via::Section])
        .take(feedback::FEEDBACK_HITS)
        .collect();
    if best.is_empty() {
        return Ok(());
    }
    let skip: HashSet<String> = crate::analysis::Analyzer::shared()
        .tokens(&req.query, crate::analysis::Mode::Stem)
        .into_iter()
        .map(|t| t.text)
        .collect();
    let found = feedback::related(searcher, qindex.fields, &best, other, &skip, req.limit.max(10))
        .map_err(|e| qindex.damaged(e))?;
    let Some(top_related) = found.first().map(|f| f.0) else { return Ok(()) };
    let in_other = |h: &Hit| h.lang == other;
    let top_translated = hits.iter().filter(|h| in_other(h)).map(|h| h.score).fold(0.0, f32::max);
    // Scores of the other language in units of its best translated match (or of the best
    // hit, when nothing translated matched).
    let unit = if top_translated > 0.0 {
        top_translated
    } else {
        (hits.first().map_or(1.0, |h| h.score) * OTHER_LANGUAGE_SHARE).max(f32::MIN_POSITIVE)
    };
    let mut fetched = Vec::with_capacity(found.len());
    for &(score, address) in &found {
        let doc: TantivyDocument = qindex.stored(searcher, address)?;
        let id = doc.get_first(qindex.fields.id).and_then(|v| v.as_str()).unwrap_or("").to_string();
        fetched.push((score, id, doc));
    }
    // Equal scores by passage id: of two passages with one text, the same one is kept
    // whatever order the indexing threads delivered them in.
    fetched.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut related: std::collections::HashMap<String, f32> = std::collections::HashMap::new();
    let mut added = Vec::new();
    let mut seen = repeats::Seen::of(hits, known);
    for (score, id, doc) in &fetched {
        let (share, id) = (score / top_related, id.as_str());
        if hits.iter().any(|h| h.id == id) {
            related.insert(id.to_string(), share);
            continue;
        }
        let mut hit = to_hit(qindex, doc, 0, 0.0, marks).hit;
        if !seen.add(&hit.text) {
            continue;
        }
        hit.matched.push(Via::Related);
        related.insert(hit.id.clone(), share);
        added.push(hit);
    }
    hits.extend(added);
    // A passage found only by feedback has no translated score (0).
    for h in hits.iter_mut().filter(|h| in_other(h)) {
        let fed = related.get(&h.id).copied().unwrap_or(0.0);
        h.score = unit * (h.score / unit + RELATED_WEIGHT * fed);
    }
    rank_order(hits);
    Ok(())
}

/// Puts after each of the first `limit` hits the passages aligned with it in a document
/// that translates its own (moved up when already found, fetched when not): where the
/// corpus holds a text in both languages, each answer comes with its translation, the
/// surest way across the languages there is.
fn with_counterparts(
    qindex: &QIndex,
    searcher: &tantivy::Searcher,
    aligned: &crate::parallel::Alignment,
    marks: &Marks,
    known: &repeats::Known,
    hits: &mut Vec<Hit>,
    limit: usize,
) -> Result<()> {
    let mut out: Vec<Hit> = Vec::with_capacity(limit + 2);
    let mut placed: HashSet<String> = HashSet::new();
    let mut rest = std::collections::VecDeque::from(std::mem::take(hits));
    while out.len() < limit {
        let Some(hit) = rest.pop_front() else { break };
        if !placed.insert(hit.id.clone()) {
            continue;
        }
        let counterparts = aligned.counterparts(&hit.id);
        let partial = hit.partial;
        out.push(hit);
        for id in counterparts {
            if out.len() >= limit || placed.contains(&id) {
                continue;
            }
            let mut found = match rest.iter().position(|h| h.id == id) {
                Some(at) => rest.remove(at).expect("a position found"),
                None => match passage_by_id(qindex, searcher, &id, marks)? {
                    Some(h) => h,
                    None => continue,
                },
            };
            found.matched.push(Via::Aligned);
            found.partial = partial;
            placed.insert(id);
            if repeats::fold_into_counterpart(&out, &mut rest, &mut found, known) {
                out.push(found);
            }
        }
    }
    out.extend(rest.into_iter().filter(|h| !placed.contains(&h.id)));
    *hits = out;
    Ok(())
}

/// The passage with `id`, marked for `marks`, if the index holds it. An id is the
/// document's path and the passage's first line (`notes.txt:12`, `notes.txt:12.2` for the
/// second passage starting there): the passages of that document starting on that line
/// are read, a few at most, and the one with this id kept.
fn passage_by_id(
    qindex: &QIndex,
    searcher: &tantivy::Searcher,
    id: &str,
    marks: &Marks,
) -> Result<Option<Hit>> {
    use tantivy::query::{BooleanQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;
    let Some((doc, line)) = id.rsplit_once(':') else { return Ok(None) };
    let Ok(line) = line.split_once('.').map_or(line, |(l, _)| l).parse::<u64>() else {
        return Ok(None);
    };
    let f = &qindex.fields;
    let term = |t| -> Box<dyn Query> { Box::new(TermQuery::new(t, IndexRecordOption::Basic)) };
    let query = BooleanQuery::intersection(vec![
        term(tantivy::Term::from_field_text(f.doc, doc)),
        term(tantivy::Term::from_field_u64(f.line_start, line)),
    ]);
    let found = searcher
        .search(&query, &tantivy::collector::DocSetCollector)
        .map_err(|e| qindex.damaged(e))?;
    for address in found {
        let stored: TantivyDocument = qindex.stored(searcher, address)?;
        if stored.get_first(f.id).and_then(|v| v.as_str()) == Some(id) {
            return Ok(Some(to_hit(qindex, &stored, 0, 0.0, marks).hit));
        }
    }
    Ok(None)
}

/// A passage shorter than `SHORT_PASSAGE_WORDS` words (a command line, a list item, a
/// cross-reference) scores `(words / SHORT_PASSAGE_WORDS)^0.5` of its BM25: such passages
/// hold the query's words by chance more often than they are about them, and BM25's
/// length normalisation favours them.
fn length_prior(text: &str) -> f32 {
    let words = text.split_whitespace().take(SHORT_PASSAGE_WORDS).count() as f32;
    (words / SHORT_PASSAGE_WORDS as f32).sqrt()
}

/// The language a query is typed in, by the script of its letters.
fn query_language(query: &str) -> Option<&'static str> {
    let (mut latin, mut cyrillic) = (0, 0);
    for c in query.chars() {
        match crate::lang::script_of(c) {
            Some(crate::lang::Script::Latin) => latin += 1,
            Some(crate::lang::Script::Cyrillic) => cyrillic += 1,
            _ => {}
        }
    }
    match (latin, cyrillic) {
        (0, 0) => None,
        (l, c) if c > l => Some("ru"),
        _ => Some("en"),
    }
}

/// Merges the passages in the query's language with those in the other, each scored
/// against the best of its own language, as multilingual search merges result lists: the
/// first page shows the best of both, in turn where they are equally good. Only when the
/// other language has a fair match (every required word, at least `OTHER_LANGUAGE_MIN` of
/// the best score); otherwise the order stays by score.
fn mix_languages(hits: Vec<Hit>, language: Option<&str>, page: usize) -> Vec<Hit> {
    let Some(language) = language else { return hits };
    let top = hits.first().map_or(0.0, |h| h.score);
    let is_other = |h: &Hit| h.lang != language && h.lang != crate::lang::UNDETERMINED;
    let (mut other, mut same): (std::collections::VecDeque<Hit>, std::collections::VecDeque<Hit>) =
        hits.into_iter().partition(is_other);
    let top_same = same.front().map_or(0.0, |h| h.score);
    let top_other = other.front().map_or(0.0, |h| h.score);
    let fair = other.front().is_some_and(|h| !h.partial && h.score >= OTHER_LANGUAGE_MIN * top);
    let (norm_same, norm_other) =
        if fair && top_same > 0.0 && top_other > 0.0 { (top_same, top_other) } else { (1.0, 1.0) };
    let mut out = Vec::with_capacity(other.len() + same.len());
    loop {
        let take_other = match (same.front(), other.front()) {
            (None, None) => break,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            // A partial hit never overtakes a hit matching every word.
            (Some(s), Some(o)) if s.partial != o.partial => s.partial,
            (Some(s), Some(o)) => o.score / norm_other * OTHER_LANGUAGE_SHARE > s.score / norm_same,
        };
        out.extend(if take_other { other.pop_front() } else { same.pop_front() });
    }
    // A fair match in the other language is on the first page, at its
    // `OTHER_LANGUAGE_PLACE`-th place at the latest.
    if fair && page >= 2 && !out.iter().take(page).any(is_other) {
        if let Some(at) = out.iter().position(is_other) {
            let hit = out.remove(at);
            out.insert(OTHER_LANGUAGE_PLACE.min(page) - 1, hit);
        }
    }
    out
}

/// The best `limit` passages for `query` and the number matching, a gloss, a reference or
/// a table of contents counting less than the author's own text.
fn top_by_kind(
    qindex: &QIndex,
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    limit: usize,
) -> Result<(Vec<(Score, DocAddress)>, usize)> {
    let pool = crate::index::search_pool().map(|p| p.as_ref());
    let collector = (top::Top::by_kind(limit), Count);
    let (ranked, total) =
        split::search(searcher, query, &collector, pool).map_err(|e| qindex.damaged(e))?;
    Ok((ranked.into_iter().map(|((score, _), address)| (score, address)).collect(), total))
}

/// Every passage of the documents a `doc:` filter names, in document order.
pub fn passages_of(qindex: &QIndex, doc: &str) -> Result<Vec<Hit>> {
    let searcher = qindex.searcher();
    let lexicon = Lexicon::default();
    let mut planner = plan::Planner::new(qindex.fields, &searcher, &lexicon, false);
    let filter = planner.doc_filter(doc);
    collect_in_order(qindex, &searcher, filter.as_ref())
}

/// Every passage of the indexed file `rel` (its path in the corpus), in order.
pub fn passages_of_file(qindex: &QIndex, rel: &str) -> Result<Vec<Hit>> {
    let term = tantivy::Term::from_field_text(qindex.fields.doc, rel);
    let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
    collect_in_order(qindex, &qindex.searcher(), &query)
}

/// The passage with `id`, with up to `context` passages before and after it in its document.
pub fn passage_with_context(qindex: &QIndex, id: &str, context: usize) -> Result<Vec<Hit>> {
    let searcher = qindex.searcher();
    let Some(hit) = passage_by_id(qindex, &searcher, id, &Marks::default())? else {
        return Err(Error::NoSuchPassage(id.to_string()));
    };
    let all = passages_of_file(qindex, &hit.doc)?;
    let at = all.iter().position(|h| h.id == hit.id).unwrap_or(0);
    let (from, to) =
        (at.saturating_sub(context), at.saturating_add(context).saturating_add(1).min(all.len()));
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
        .map_err(|e| qindex.damaged(e))?;
    let mut hits = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument = qindex.stored(searcher, address)?;
        let ordinal = doc.get_first(qindex.fields.ordinal).and_then(|v| v.as_u64()).unwrap_or(0);
        hits.push((ordinal, to_hit(qindex, &doc, 0, 0.0, &Marks::default()).hit));
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

/// A hit and the positions of its matches (for proximity).
struct Scored {
    hit: Hit,
    positions: Vec<(usize, usize)>,
}

fn to_hit(
    qindex: &QIndex,
    doc: &TantivyDocument,
    rank: usize,
    score: f32,
    marks: &Marks,
) -> Scored {
    let f = &qindex.fields;
    let text_of = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let num_of = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
    let text = text_of(f.text);
    let found = highlight::mark(&text, marks);
    let hit = Hit {
        rank,
        score,
        id: text_of(f.id),
        kind: text_of(f.kind),
        doc: text_of(f.doc),
        title: text_of(f.title),
        lang: text_of(f.lang),
        section: text_of(f.section_text),
        line_start: num_of(f.line_start),
        line_end: num_of(f.line_end),
        byte_start: num_of(f.byte_start),
        byte_end: num_of(f.byte_end),
        text,
        highlights: found.ranges,
        matched: found.matched,
        partial: false,
        also_in: Vec::new(),
        snippet: Snippet::default(),
        line_marks: crate::segment::marks_from_str(&text_of(f.line_marks)),
        page: None,
        page_label: None,
        page_end: None,
        page_end_label: None,
        pages: crate::segment::pages_from_str(&text_of(f.pages)),
    };
    let mut hit = hit;
    if let Some((first, last)) =
        crate::segment::pages_of(&hit.pages, hit.line_start as u32, hit.line_end as u32)
    {
        hit.page = Some(first.page);
        hit.page_label.clone_from(&first.label);
        if last.page != first.page {
            hit.page_end = Some(last.page);
            hit.page_end_label.clone_from(&last.label);
        }
    }
    Scored { hit, positions: found.positions }
}
