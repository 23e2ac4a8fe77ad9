//! The tantivy index: schema, open-or-build, incremental refresh, commit.
//!
//! The index lives in `INDEX/v<schema>.<analyzer>/`, so an index written by another
//! version is never read with the wrong schema or analyzer: it is rebuilt beside the old
//! one, which is removed only after the new one is committed. The manifest of indexed
//! files (size, mtime, content hash) is named by the commit's own payload, so the list of
//! what is indexed and the index itself change in one atomic step: a killed indexer leaves
//! the last commit, and the next run redoes whatever that commit does not record.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use tantivy::directory::error::LockError;
use tantivy::index::{SegmentId, SegmentMeta};
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy, NoMergePolicy};
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{
    Document, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyError, Term};

use crate::analysis::{
    Analyzer, Mode, PassageTerms, TermsTokenizer, ANALYZER_VERSION, TERMS_TOKENIZER,
};
use crate::error::{Error, Result};
use crate::ingest::{self, FileEntry};
use crate::lang::LanguageDetector;
pub use crate::manifest::{FileState, Manifest};
use crate::segment::{self, Passage};

/// Bumped whenever the schema or what is stored changes.
pub const SCHEMA_VERSION: u32 = 25;

/// Memory for tantivy's writer, shared by its threads.
const WRITER_MEMORY: usize = 256 * 1024 * 1024;

/// The fields of a passage in the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Stable passage id.
    pub id: Field,
    /// Document path relative to the corpus.
    pub doc: Field,
    /// `body`, `gloss`, …
    pub kind: Field,
    /// [`crate::Kind::code`], for ranking by kind.
    pub kind_code: Field,
    /// [`tie_key`] of the passage's id: passages of equal score are cut by it at the end
    /// of a page, whatever segment and place the indexing threads gave them.
    pub tie: Field,
    /// Language code.
    pub lang: Field,
    /// Document title.
    pub title: Field,
    /// Section path, stemmed, of body passages only (a gloss is not about its section).
    pub section: Field,
    /// Section path as shown in citations.
    pub section_text: Field,
    /// Passage text, stemmed.
    pub body: Field,
    /// Passage text as stored (shown and quoted).
    pub text: Field,
    /// Passage text, folded but not stemmed (exact-form queries), without positions:
    /// exact-form phrases are checked against the stored text instead.
    pub exact: Field,
    /// Name keys of the passage's Cyrillic words (found by Latin queries).
    pub key_cyr: Field,
    /// Name keys of the passage's Latin words (found by Cyrillic queries).
    pub key_lat: Field,
    /// Abbreviations the passage defines (`abbreviations::index_terms`): found by key only.
    pub abbrev: Field,
    /// The passage's own heading (the last of its section path), stemmed, of body passages
    /// only: a word's other forms and derived forms are looked up here, not in the whole
    /// path, where a chapter's title would lift every passage of the chapter; the word's
    /// own stem here adds to its match in the path.
    pub heading: Field,
    /// Position among the document's passages.
    pub ordinal: Field,
    /// First line (1-based).
    pub line_start: Field,
    /// Last line (1-based, inclusive).
    pub line_end: Field,
    /// First byte in the raw file.
    pub byte_start: Field,
    /// End byte in the raw file (exclusive).
    pub byte_end: Field,
    /// Where the passage's later lines begin in its text ([`segment::marks_to_string`]).
    pub line_marks: Field,
    /// Its pages, for paged formats ([`segment::pages_to_string`]).
    pub pages: Field,
    /// A checksum of what a passage stores ([`stored_check`]): a stored passage that does
    /// not match it is damaged, and is never shown or quoted.
    pub check: Field,
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    // Frequencies without positions or lengths: fields no phrase is looked up in, whose
    // matches add to or stand in for a word's match in `body`, which weighs the passage's
    // length already. Without lengths, writing a segment also skips a BM25 weight for each
    // of their terms (most of the index's terms: every form and name key), a twentieth of
    // a build (see `search::plan::LENGTH_FREE`).
    let counted = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs)
                .set_fieldnorms(false),
        )
    };
    let fields = Fields {
        // Found by document and first line (`search::passage_by_id`): a term for each
        // passage's id would make the largest term dictionary of the index, to be built
        // at every flush and again at every merge.
        id: b.add_text_field("id", STORED),
        doc: b.add_text_field("doc", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        kind_code: b.add_u64_field("kind_code", FAST),
        tie: b.add_u64_field("tie", FAST),
        lang: b.add_text_field("lang", STRING | STORED),
        title: b.add_text_field("title", STORED),
        section: b.add_text_field("section", text(TERMS_TOKENIZER)),
        section_text: b.add_text_field("section_text", STORED),
        body: b.add_text_field("body", text(TERMS_TOKENIZER)),
        text: b.add_text_field("text", STORED),
        exact: b.add_text_field("exact", counted(TERMS_TOKENIZER)),
        key_cyr: b.add_text_field("key_cyr", counted(TERMS_TOKENIZER)),
        key_lat: b.add_text_field("key_lat", counted(TERMS_TOKENIZER)),
        abbrev: b.add_text_field(
            "abbrev",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TERMS_TOKENIZER)
                    .set_index_option(IndexRecordOption::Basic)
                    .set_fieldnorms(false),
            ),
        ),
        heading: b.add_text_field("heading", counted(TERMS_TOKENIZER)),
        ordinal: b.add_u64_field("ordinal", INDEXED | STORED | FAST),
        line_start: b.add_u64_field("line_start", INDEXED | STORED),
        line_end: b.add_u64_field("line_end", STORED),
        byte_start: b.add_u64_field("byte_start", STORED),
        byte_end: b.add_u64_field("byte_end", STORED),
        line_marks: b.add_text_field("line_marks", STORED),
        pages: b.add_text_field("pages", STORED),
        check: b.add_u64_field("check", STORED),
    };
    (b.build(), fields)
}

/// An open index and what it knows.
pub struct QIndex {
    /// The versioned folder holding the tantivy index.
    pub dir: PathBuf,
    /// The tantivy index.
    pub index: Index,
    /// The schema's fields.
    pub fields: Fields,
    /// The files the last commit recorded, decoded when first asked for ([`QIndex::manifest`]).
    manifest: std::sync::OnceLock<Manifest>,
    /// The manifest file as read, until decoded: a search asks it for a few files only.
    stored: Option<crate::manifest::Stored>,
    /// The manifest file the last commit names.
    manifest_file: Option<String>,
    reader: IndexReader,
}

/// What a refresh did.
#[derive(Debug, Default)]
pub struct RefreshReport {
    /// Files indexed for the first time.
    pub added: usize,
    /// Files indexed again because they changed.
    pub changed: usize,
    /// Files whose passages were removed.
    pub removed: usize,
    /// Passages written by this refresh.
    pub passages: u64,
    /// Passages per language, written by this refresh.
    pub langs: BTreeMap<&'static str, u64>,
    /// Files skipped, with the reason.
    pub skipped: Vec<Error>,
    /// Problems met while walking the corpus.
    pub walk_problems: Vec<Error>,
    /// What was wrong with a damaged index this refresh rebuilt, if so.
    pub damage: Option<String>,
    /// Links not followed because they lead outside the corpus.
    pub outside: Vec<PathBuf>,
    /// Files indexed whose lines were not all in one encoding.
    pub mixed: Vec<MixedEncoding>,
    /// What the format readers said of files they read (pages with no text layer, …),
    /// one line each, naming the file.
    pub notes: Vec<String>,
    /// Files skipped by an earlier refresh and unchanged since, with the reason.
    pub earlier_skips: Vec<String>,
    /// Why the corpus's own translations could not be learnt, if so (`parallel`).
    pub learn_problem: Option<Error>,
    /// Documents found to translate each other (`english`, `russian`), whose aligned
    /// passages taught the corpus's own translations (`parallel`).
    pub aligned: Vec<(String, String)>,
    /// Time taken.
    pub elapsed: Duration,
    /// True when the index was created from nothing (or rebuilt for a new version).
    pub rebuilt: bool,
    /// The folder of an index written by another version of quelle, replaced by this one.
    pub replaced: Option<PathBuf>,
}

impl RefreshReport {
    /// True when the refresh changed nothing.
    pub fn is_noop(&self) -> bool {
        self.added + self.changed + self.removed == 0 && !self.rebuilt
    }
}

/// The index folder for this version: schema, analyzer and segmentation each change what
/// an index means, so each is part of the name.
fn version_dir(root: &Path) -> PathBuf {
    root.join(format!("v{SCHEMA_VERSION}.{ANALYZER_VERSION}.{}", segment::SEGMENT_VERSION))
}

/// Stored text is most of the index. zstd keeps it at about half the size of the text,
/// where lz4 hardly compresses Cyrillic UTF-8. A search reads its 30 candidates' blocks
/// and its related passages', each decompressed whole, so blocks stay small: 8 KB against
/// 16 KB took a fresh search on 500 MB about 1 ms faster for a store 6% larger (4 KB: 0.3
/// ms more for another 8%). Level 1 against 3: a 20 MB build 2.4% faster (instructions),
/// the index 0.75% larger; small blocks give the higher levels little to find.
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor { compression_level: Some(1) }),
        docstore_blocksize: 8 * 1024,
        ..IndexSettings::default()
    }
}

fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TERMS_TOKENIZER, TermsTokenizer);
}

impl QIndex {
    /// Opens the index under `root` as it is, or `None` if there is none of this version.
    pub fn open(root: &Path) -> Result<Option<QIndex>> {
        let dir = version_dir(root);
        if !dir.join("meta.json").is_file() {
            return Ok(None);
        }
        // An index folder quelle made that cannot be opened is damaged.
        let damaged = |e: Error| match e {
            Error::Index { path, msg } => Error::Damaged { path, detail: msg },
            e => e,
        };
        let index = Index::open_in_dir(&dir).map_err(|e| damaged(Error::index(&dir, e)))?;
        QIndex::wrap(dir, index).map(Some).map_err(damaged)
    }

    fn create(root: &Path) -> Result<QIndex> {
        let dir = version_dir(root);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let (schema, _) = build_schema();
        let index = match Index::open_in_dir(&dir) {
            Ok(index) => index,
            Err(_) => {
                match Index::builder().schema(schema).settings(index_settings()).create_in_dir(&dir)
                {
                    Ok(index) => index,
                    // Another process created it a moment ago.
                    Err(e) => Index::open_in_dir(&dir).map_err(|_| Error::index(&dir, e))?,
                }
            }
        };
        QIndex::wrap(dir, index)
    }

    fn wrap(dir: PathBuf, mut index: Index) -> Result<QIndex> {
        register_tokenizers(&index);
        let (expected, fields) = build_schema();
        if index.schema() != expected {
            return Err(Error::index(
                &dir,
                "schema differs from this version's; delete the folder",
            ));
        }
        let (stored, manifest_file, segments) = read_manifest(&dir, &index)?;
        // Segments are searched one per thread (2 GB, five segments: p50 22.2 → 20.3 ms, p90
        // 49.7 → 37.9 ms); one segment is searched where it is.
        if let Some(pool) = search_pool().filter(|_| segments > 1) {
            index.set_executor(tantivy::Executor::ThreadPool(Arc::clone(pool)));
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| Error::index(&dir, e))?;
        let manifest = std::sync::OnceLock::new();
        Ok(QIndex { dir, index, fields, manifest, stored, manifest_file, reader })
    }

    /// The files the last commit recorded.
    pub fn manifest(&self) -> &Manifest {
        self.manifest
            .get_or_init(|| self.stored.as_ref().and_then(|s| s.decode()).unwrap_or_default())
    }

    /// The size and mtime the last commit recorded for the corpus file `rel`, if any,
    /// without decoding the whole manifest.
    pub fn recorded(&self, rel: &str) -> Option<(u64, u64)> {
        match (self.manifest.get(), &self.stored) {
            (Some(m), _) => m.files.get(rel).map(|f| (f.size, f.mtime_ns)),
            (None, Some(stored)) => stored.size_and_mtime(rel),
            (None, None) => None,
        }
    }

    /// Makes `manifest` the one the index holds; returns the one before.
    fn replace_manifest(&mut self, manifest: Manifest) -> Manifest {
        let previous = self.manifest().clone();
        self.manifest = std::sync::OnceLock::from(manifest);
        self.stored = None;
        previous
    }

    /// A searcher over the last commit.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// True once a refresh has committed (a first build in progress has not).
    pub fn is_committed(&self) -> bool {
        self.manifest_file.is_some()
    }

    /// Total passages in the index.
    pub fn num_passages(&self) -> u64 {
        self.reader.searcher().num_docs()
    }
}

/// The manifest the last commit names, its file name, and the commit's segment count. A
/// writer may commit between reading `meta.json` and reading the file it names (writers
/// keep the previous file for such readers), so a missing file is looked up again before
/// the index counts as unrecorded.
fn read_manifest(
    dir: &Path,
    index: &Index,
) -> Result<(Option<crate::manifest::Stored>, Option<String>, usize)> {
    let mut segments = 0;
    for _ in 0..3 {
        let metas = index.load_metas().map_err(|e| Error::index(dir, e))?;
        segments = metas.segments.len();
        let Some(name) = metas.payload else { return Ok((None, None, segments)) };
        if let Some(stored) = crate::manifest::Stored::read(dir, &name) {
            return Ok((Some(stored), Some(name), segments));
        }
    }
    Ok((None, None, segments))
}

/// The threads a search runs on, one per core, started on first use: the segments of an
/// index (as tantivy's executor) and the candidates a search reads and marks
/// (`search::search`). `None` on one core, or if no thread could be started.
pub fn search_pool() -> Option<&'static Arc<rayon::ThreadPool>> {
    static POOL: std::sync::OnceLock<Option<Arc<rayon::ThreadPool>>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores < 2 {
            return None;
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(cores)
            .thread_name(|i| format!("quelle-search-{i}"))
            .build();
        pool.ok().map(Arc::new)
    })
    .as_ref()
}

/// Which files a refresh must index or remove.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files new or changed since the last commit.
    pub to_index: Vec<FileEntry>,
    /// Paths indexed before that are gone, or that changed (their passages go first).
    pub to_remove: Vec<String>,
    /// Files whose mtime moved but whose content did not: only the manifest changes.
    pub touched: Vec<FileEntry>,
    /// Unchanged files skipped last time for a reason that may pass (unreadable, gone
    /// while read): tried again, and indexed if they can be read now.
    pub retry: Vec<FileEntry>,
    /// Why each unchanged file skipped before for good reason (not text) was skipped.
    pub still_skipped: Vec<String>,
    added: usize,
    changed: usize,
}

impl Plan {
    /// True when the index is up to date with the corpus.
    pub fn is_empty(&self) -> bool {
        self.to_index.is_empty() && self.to_remove.is_empty() && self.touched.is_empty()
    }
}

/// Compares the corpus on disk with the manifest. Costs one `stat` per file; a file is
/// hashed only when its size is the same but its mtime moved.
pub fn plan(files: &[FileEntry], manifest: &Manifest) -> Plan {
    let mut plan = Plan::default();
    // Both lists are in path order (the walk sorts, the manifest is a sorted map), so one
    // pass through both compares each file once: no lookup per file.
    let mut sorted: Vec<&FileEntry> = files.iter().collect();
    if !sorted.is_sorted_by(|a, b| a.rel <= b.rel) {
        sorted.sort_by(|a, b| a.rel.cmp(&b.rel));
    }
    let mut known = manifest.files.iter().peekable();
    let mut gone = Vec::new();
    for f in sorted {
        while let Some((rel, _)) = known.next_if(|(rel, _)| **rel < f.rel) {
            gone.push(rel.clone());
        }
        match known.next_if(|(rel, _)| **rel == f.rel).map(|(_, s)| s) {
            None => {
                plan.added += 1;
                plan.to_index.push(f.clone());
            }
            Some(s) if s.size == f.size && s.mtime_ns == f.mtime_ns => match &s.skipped {
                Some(_) if s.transient => plan.retry.push(f.clone()),
                Some(why) => plan.still_skipped.push(why.clone()),
                None => {}
            },
            Some(s) => {
                let same = s.size == f.size && ingest::hash_file(&f.path, f.size) == Some(s.hash);
                if same {
                    plan.touched.push(f.clone());
                } else {
                    plan.changed += 1;
                    plan.to_remove.push(f.rel.clone());
                    plan.to_index.push(f.clone());
                }
            }
        }
    }
    gone.extend(known.map(|(rel, _)| rel.clone()));
    plan.to_remove.extend(gone);
    plan
}

/// Callbacks for a refresh's progress.
pub trait Progress {
    /// Called once with the number of files and bytes to index.
    fn start(&mut self, files: usize, bytes: u64);
    /// Called after each file.
    fn file_done(&mut self, bytes: u64);
    /// Called when everything is written and committed.
    fn finish(&mut self);
}

/// A progress sink that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn start(&mut self, _: usize, _: u64) {}
    fn file_done(&mut self, _: u64) {}
    fn finish(&mut self) {}
}

/// Brings the index under `root` up to date with the corpus: indexes new and changed
/// files, removes passages of changed and deleted ones, commits once. Creates the index
/// when there is none of this version. Fails with [`Error::IndexBusy`] when another
/// process is writing.
pub fn refresh(
    corpus: &Path,
    root: &Path,
    options: Options,
    progress: &mut dyn Progress,
) -> Result<(QIndex, RefreshReport)> {
    refresh_or_rebuild(corpus, root, options, progress, false)
}

/// Opens the index under `root` without a walk of `corpus` when the stamp its last full
/// check left still vouches for it (`fresh`): young enough, its folders and recent files
/// unchanged, its commit the current one. `None` when a refresh is due (anything amiss,
/// a damaged index or another corpus's included: the refresh says what).
pub fn open_if_fresh(corpus: &Path, root: &Path, follow: bool) -> Result<Option<QIndex>> {
    let interval = crate::fresh::full_check_interval()?;
    let dir = version_dir(root);
    let Some(stamp) = crate::fresh::Stamp::read(&dir) else { return Ok(None) };
    if !stamp.holds_folders(corpus, follow, interval, crate::fresh::now_ns()) {
        return Ok(None);
    }
    if crate::claim::check(root, corpus).is_err() {
        return Ok(None);
    }
    let Ok(Some(qindex)) = QIndex::open(root) else { return Ok(None) };
    let holds = qindex.manifest_file.as_deref().is_some_and(|file| stamp.holds_files(corpus, file));
    crate::trace::mark("open index on the stamp's word");
    Ok(holds.then_some(qindex))
}

/// How a refresh reads the corpus and checks the index.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Follow every link, also those leading outside the corpus (`--follow`).
    pub follow: bool,
    /// Check every index file against its checksum first, and rebuild a damaged index
    /// (`quelle index`; a search trusts the files and checks each passage it shows).
    pub verify: bool,
    /// Recognise the text of scanned PDF pages (`--ocr`, `QUELLE_OCR=1`); files read
    /// before with pages that had none are read again.
    pub ocr: bool,
}

/// Builds the index under `root` from nothing for `corpus`, whichever corpus it was of.
pub fn rebuild(
    corpus: &Path,
    root: &Path,
    options: Options,
    progress: &mut dyn Progress,
) -> Result<(QIndex, RefreshReport)> {
    refresh_or_rebuild(corpus, root, options, progress, true)
}

fn refresh_or_rebuild(
    corpus: &Path,
    root: &Path,
    options: Options,
    progress: &mut dyn Progress,
    rebuild: bool,
) -> Result<(QIndex, RefreshReport)> {
    write_index(corpus, root, options, progress, rebuild).map_err(|e| e.or_no_space(root))
}

fn write_index(
    corpus: &Path,
    root: &Path,
    Options { follow, verify, ocr }: Options,
    progress: &mut dyn Progress,
    rebuild: bool,
) -> Result<(QIndex, RefreshReport)> {
    let started = Instant::now();
    let limit = ingest::max_file_bytes().map_err(Error::Setting)?;
    let taken = crate::fresh::now_ns();
    let ingest::Walk { files, problems: walk_problems, outside, folders } =
        ingest::walk(corpus, follow)?;
    crate::trace::mark("walk");
    // Nothing is written under `root` before it is known to be quelle's, for this corpus.
    crate::claim::claim(root, corpus, rebuild)?;
    // A damaged index is rebuilt from the corpus, the source of truth: its folder is a
    // version folder of a claimed index folder, so quelle made it.
    let mut damage = None;
    let existing = match QIndex::open(root) {
        Ok(Some(q)) if verify => match q.index.validate_checksum() {
            Ok(bad) if bad.is_empty() => Some(q),
            Ok(bad) => {
                let mut names: Vec<String> =
                    bad.iter().map(|p| ingest::name_of(p.as_os_str())).collect();
                names.sort();
                damage = Some(format!("{} changed since written", names.join(", ")));
                None
            }
            Err(e) => {
                damage = Some(e.to_string());
                None
            }
        },
        Ok(q) => q,
        Err(Error::Damaged { detail, .. }) => {
            damage = Some(detail);
            None
        }
        Err(_) => None,
    };
    if damage.is_some() {
        let dir = version_dir(root);
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    let rebuilt = existing.is_none();
    let replaced =
        if rebuilt { other_versions(root, &version_dir(root)).into_iter().next() } else { None };
    let mut qindex = match existing {
        Some(q) => q,
        None => QIndex::create(root)?,
    };
    crate::trace::mark("open index");
    let mut plan = plan(&files, qindex.manifest());
    if ocr {
        // Files read before with pages that had no text are read again, recognised.
        for f in &files {
            let Some(state) = qindex.manifest().files.get(&f.rel) else { continue };
            let scanned = state.encoding.contains(crate::source::NO_TEXT)
                || state.skipped.as_deref().is_some_and(|s| s.contains(crate::source::NO_TEXT));
            if scanned && !plan.to_index.iter().any(|x| x.rel == f.rel) {
                plan.still_skipped.retain(|why| !why.contains(crate::source::NO_TEXT));
                plan.changed += 1;
                plan.to_remove.push(f.rel.clone());
                plan.to_index.push(f.clone());
            }
        }
    }
    let mut report = RefreshReport {
        walk_problems,
        outside,
        rebuilt,
        replaced,
        earlier_skips: std::mem::take(&mut plan.still_skipped),
        damage,
        ..RefreshReport::default()
    };
    // A file that still cannot be read is named again; one that can is indexed now.
    for f in std::mem::take(&mut plan.retry) {
        match ingest::open(&f.path) {
            Ok((_, meta)) if meta.len() > limit => {
                report.skipped.push(Error::TooLarge { path: f.path.clone(), limit });
            }
            Ok(_) => {
                plan.changed += 1;
                plan.to_remove.push(f.rel.clone());
                plan.to_index.push(f);
            }
            Err(e) => report.skipped.push(e),
        }
    }
    // What a later search may take on trust without a walk (`fresh`): only a check that
    // saw every folder and leaves nothing to retry.
    let vouch = report.walk_problems.is_empty() && !ocr;
    let leave_stamp = |qindex: &QIndex| {
        let retried = qindex.manifest().files.values().any(|f| f.transient);
        if let (true, false, Some(file)) = (vouch, retried, &qindex.manifest_file) {
            let stamp = crate::fresh::Stamp::new(taken, follow, folders, qindex.manifest(), file);
            stamp.write(&qindex.dir);
        }
    };
    if plan.is_empty() && !rebuilt {
        crate::trace::mark("plan: up to date");
        leave_stamp(&qindex);
        report.elapsed = started.elapsed();
        return Ok((qindex, report));
    }
    // The corpus changed since the last stamp: it vouches for nothing, also should this
    // refresh fail.
    crate::fresh::Stamp::remove(&qindex.dir);
    let mut writer: IndexWriter<PassageDoc> =
        qindex.index.writer(WRITER_MEMORY).map_err(|e| match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => {
                Error::IndexBusy { path: qindex.dir.clone() }
            }
            e => Error::index(&qindex.dir, e),
        })?;
    // Every expansion of a query word walks each segment's term dictionary, so a build
    // from nothing ends with few large segments (merged after the commit, not during it);
    // later refreshes add small segments, which tantivy's merge policy combines, within
    // the same bound.
    let from_nothing = qindex.manifest().files.is_empty();
    if from_nothing {
        writer.set_merge_policy(Box::new(NoMergePolicy));
    } else {
        writer.set_merge_policy(Box::new(BoundedMerges::default()));
    }
    let mut manifest = qindex.manifest().clone();
    if from_nothing && qindex.num_passages() > 0 {
        // Passages no manifest accounts for (an unreadable payload): start clean.
        writer.delete_all_documents().map_err(|e| Error::index(&qindex.dir, e))?;
    }
    manifest.schema = SCHEMA_VERSION;
    manifest.analyzer = ANALYZER_VERSION;
    for rel in &plan.to_remove {
        writer.delete_term(Term::from_field_text(qindex.fields.doc, rel));
        manifest.files.remove(rel);
    }
    for f in &plan.touched {
        if let Some(state) = manifest.files.get_mut(&f.rel) {
            state.mtime_ns = f.mtime_ns;
        }
    }
    progress.start(plan.to_index.len(), plan.to_index.iter().map(|f| f.size).sum());
    // Workers read, decode, clean, segment and detect; this thread hands their documents
    // to tantivy's own indexing threads. Files come in parts and passages in batches
    // through a bounded channel, so memory is bounded whatever a file's size.
    let workers =
        std::thread::available_parallelism().map_or(2, |n| n.get()).min(plan.to_index.len()).max(1);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<(usize, Batch)>(2 * workers);
    let fields = qindex.fields;
    let added: Result<()> = std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (next, files) = (&next, &plan.to_index);
            scope.spawn(move || {
                let detector = LanguageDetector::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let mut send = |docs| tx.send((i, Batch::Docs(docs))).is_ok();
                    let source = crate::source::Options { ocr };
                    let last = match prepare(&fields, &detector, f, limit, &source, &mut send) {
                        Ok(Some(done)) => Batch::Done(Box::new(done)),
                        Ok(None) => break,
                        Err(e) => Batch::Failed(e),
                    };
                    if tx.send((i, last)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, batch) in rx {
            let f = &plan.to_index[i];
            let state = match batch {
                Batch::Docs(docs) => {
                    for d in docs {
                        writer.add_document(d).map_err(|e| Error::index(&qindex.dir, e))?;
                    }
                    continue;
                }
                Batch::Done(done) => {
                    for (l, n) in done.langs {
                        *report.langs.entry(l).or_default() += n;
                    }
                    report.passages += done.state.passages;
                    if let Some(mixed) = done.mixed {
                        report.mixed.push(mixed);
                    }
                    report.notes.extend(done.notes);
                    done.state
                }
                Batch::Failed(err) => {
                    // Parts read before the failure are taken out again.
                    writer.delete_term(Term::from_field_text(qindex.fields.doc, &f.rel));
                    // Read again at every refresh: the file may become readable, or the
                    // limit be raised.
                    let transient = matches!(err, Error::Io { .. } | Error::TooLarge { .. });
                    let state = FileState {
                        transient,
                        size: f.size,
                        mtime_ns: f.mtime_ns,
                        hash: 0,
                        passages: 0,
                        russian: 0,
                        english: 0,
                        encoding: String::new(),
                        skipped: Some(err.to_string()),
                    };
                    report.skipped.push(err);
                    state
                }
            };
            manifest.files.insert(f.rel.clone(), state);
            progress.file_done(f.size);
        }
        Ok(())
    });
    crate::trace::mark("read, analyse and index the files");
    let mut written = None;
    let committed = added.and_then(|()| {
        let manifest_file = manifest.write(&qindex.dir).map_err(|e| Error::io(&qindex.dir, e))?;
        written = Some(manifest_file.clone());
        let mut prepared = writer.prepare_commit().map_err(|e| Error::index(&qindex.dir, e))?;
        prepared.set_payload(&manifest_file);
        prepared.commit().map_err(|e| Error::index(&qindex.dir, e))?;
        Ok(manifest_file)
    });
    let manifest_file = match committed {
        Ok(name) => name,
        Err(err) => {
            // The manifest written for the failed commit goes too, unless it is the one the
            // last commit names (an unchanged manifest has the same name).
            if let Some(name) = written.filter(|n| qindex.manifest_file.as_ref() != Some(n)) {
                let _ = std::fs::remove_file(qindex.dir.join(name));
            }
            return Err(abandon(writer, &qindex.index, &qindex.dir, err));
        }
    };
    crate::trace::mark("commit");
    let previous = qindex.manifest_file.replace(manifest_file);
    let keep: Vec<&str> =
        qindex.manifest_file.iter().chain(&previous).map(String::as_str).collect();
    Manifest::remove_others(&qindex.dir, &keep);
    if from_nothing {
        release_free_memory();
        // Only ids are kept: a living `SegmentMeta` keeps its files from the collector.
        let segments: Vec<_> = qindex
            .index
            .searchable_segment_metas()
            .map_err(|e| Error::index(&qindex.dir, e))?
            .iter()
            .map(|m| (m.id(), m.num_docs()))
            .collect();
        // The merges of a wave run at once, one per merge thread, and are waited for
        // together; the waves run one after another.
        for wave in waves(closing_groups(segments), CLOSING_MERGE_BUDGET) {
            let merges: Vec<_> = wave.iter().map(|group| writer.merge(group)).collect();
            for merge in merges {
                if let Err(e) = merge.wait() {
                    // The commit stands; the half-written merge goes.
                    let err = Error::index(&qindex.dir, e);
                    return Err(abandon(writer, &qindex.index, &qindex.dir, err));
                }
            }
        }
        // The merged segments' files go now, not at the next refresh.
        writer.garbage_collect_files().wait().map_err(|e| Error::index(&qindex.dir, e))?;
    }
    writer.wait_merging_threads().map_err(|e| Error::index(&qindex.dir, e))?;
    crate::trace::mark("merge");
    progress.finish();
    qindex.reader.reload().map_err(|e| Error::index(&qindex.dir, e))?;
    let previous = qindex.replace_manifest(manifest);
    match crate::parallel::relearn(&qindex, &previous) {
        Ok(pairs) => report.aligned = pairs.unwrap_or_default(),
        Err(e) => report.learn_problem = Some(e),
    }
    crate::trace::mark("align translated documents");
    remove_other_versions(root, &qindex.dir);
    leave_stamp(&qindex);
    report.added = plan.added;
    report.changed = plan.changed;
    report.removed = plan.to_remove.len() - plan.changed;
    report.elapsed = started.elapsed();
    Ok((qindex, report))
}

/// Gives up a refresh that failed before or during its commit: the index goes back to its
/// last commit and the files written since are removed, so a failure (a full disk, most
/// often) leaves nothing behind that would make the next refresh fail too.
fn abandon(mut writer: IndexWriter<PassageDoc>, index: &Index, dir: &Path, err: Error) -> Error {
    // A worker that failed leaves the writer "killed"; joining the workers names the cause.
    let err = if err.to_string().contains("writer was killed") {
        match writer.prepare_commit() {
            Err(cause) => Error::index(dir, cause),
            Ok(_) => err,
        }
    } else {
        err
    };
    let _ = writer.rollback();
    let _ = writer.garbage_collect_files().wait();
    // tantivy's collector keeps a segment whose writing failed half-way now and then; the
    // writer lock is still held, so no one else is writing a segment here.
    remove_uncommitted_segments(index, dir);
    drop(writer);
    Manifest::remove_temporary(dir);
    err
}

/// Removes the files of segments that the committed `meta.json` does not name. Only files
/// named like tantivy's segment files (32 hex digits, a dot, an extension) are touched.
fn remove_uncommitted_segments(index: &Index, dir: &Path) {
    let Ok(ids) = index.searchable_segment_ids() else { return };
    let living: HashSet<String> = ids.iter().map(|id| id.uuid_string()).collect();
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((stem, _)) = name.to_str().and_then(|n| n.split_once('.')) else { continue };
        let segment =
            stem.len() == 32 && stem.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if segment && !living.contains(stem) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Hands the heap the indexing freed back to the system before the merges map the
/// segments: glibc keeps it otherwise, and the two would add up.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns free pages of glibc's heaps to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Passages of a segment merged at the end of a build, at most. Every query word walks
/// each segment's term dictionary, so fewer segments answer faster (500 MB corpus: two
/// segments instead of four, fresh searches about a fifth faster); but a merge maps every
/// segment it reads, so this bounds the memory a build needs: about 600 MB of index, the
/// heap the indexing used given back first ([`release_free_memory`]).
const MERGED_SEGMENT_PASSAGES: u32 = 1_000_000;

/// tantivy's log merge policy with merges kept within [`MERGED_SEGMENT_PASSAGES`]: left
/// alone, the first refresh after a large build merged every build segment of one size
/// level into one (2 GB corpus: 11 segments into one of 4.2 million passages, 127 s and
/// the memory the bound is there to save, for a line appended to one file).
#[derive(Debug, Default)]
struct BoundedMerges(LogMergePolicy);

impl MergePolicy for BoundedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let docs: HashMap<SegmentId, u32> =
            segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        self.0
            .compute_merge_candidates(segments)
            .into_iter()
            .flat_map(|MergeCandidate(ids)| {
                let sized = ids.into_iter().map(|id| (id, docs.get(&id).copied().unwrap_or(0)));
                merge_groups(sized.collect())
            })
            .map(MergeCandidate)
            .collect()
    }
}

/// Passages the closing merges of a build read at once, at most. A merge maps the
/// segments it reads, and the pages it has read stay in the process's resident memory
/// until it ends: about 0.5 MB per 1,000 passages (2 GB corpus, four merges of 880k
/// passages at once, tantivy's merge threads: 2.1 GB peak, 220 MB of it heap). Merges
/// beyond it wait for the ones before them ([`waves`]).
const CLOSING_MERGE_BUDGET: u64 = 1_200_000;

/// Segments to merge together, each group up to [`MERGED_SEGMENT_PASSAGES`], in order;
/// groups of one are left out.
fn merge_groups<Id: Copy>(segments: Vec<(Id, u32)>) -> Vec<Vec<Id>> {
    groups_of(segments, u64::from(MERGED_SEGMENT_PASSAGES)).into_iter().map(|(g, _)| g).collect()
}

/// The merges that end a build from nothing, with their passages: as few groups as
/// [`MERGED_SEGMENT_PASSAGES`] allows, of about equal size, in order, so that they take
/// about as long as each other when they run side by side; groups of one are left out.
fn closing_groups<Id: Copy>(segments: Vec<(Id, u32)>) -> Vec<(Vec<Id>, u64)> {
    let total: u64 = segments.iter().map(|&(_, docs)| u64::from(docs)).sum();
    let max = u64::from(MERGED_SEGMENT_PASSAGES);
    groups_of(segments, total.div_ceil(total.div_ceil(max).max(1)))
}

/// Groups in order, cut into waves that each read at most `budget` passages (a group
/// larger than that is a wave of its own): a wave's merges run side by side.
fn waves<Id>(groups: Vec<(Vec<Id>, u64)>, budget: u64) -> Vec<Vec<Vec<Id>>> {
    let mut waves: Vec<(Vec<Vec<Id>>, u64)> = Vec::new();
    for (group, docs) in groups {
        match waves.last_mut() {
            Some((wave, sum)) if *sum + docs <= budget => {
                wave.push(group);
                *sum += docs;
            }
            _ => waves.push((vec![group], docs)),
        }
    }
    waves.into_iter().map(|(w, _)| w).collect()
}

/// Segments in order with the passages of each group, a group closed once it holds
/// `share` passages or the next would take it past [`MERGED_SEGMENT_PASSAGES`]; groups of
/// one are left out.
fn groups_of<Id: Copy>(segments: Vec<(Id, u32)>, share: u64) -> Vec<(Vec<Id>, u64)> {
    let max = u64::from(MERGED_SEGMENT_PASSAGES);
    let mut groups: Vec<(Vec<Id>, u64)> = Vec::new();
    for (id, docs) in segments {
        let docs = u64::from(docs);
        match groups.last_mut() {
            Some((group, sum)) if *sum < share && *sum + docs <= max => {
                group.push(id);
                *sum += docs;
            }
            _ => groups.push((vec![id], docs)),
        }
    }
    groups.into_iter().filter(|(g, _)| g.len() > 1).collect()
}

/// What a worker sends for a file: its passages in batches, then how it ended.
enum Batch {
    Docs(Vec<PassageDoc>),
    Done(Box<Prepared>),
    Failed(Error),
}

/// A file indexed: its manifest entry, passages per language, lines in another encoding.
struct Prepared {
    state: FileState,
    langs: Vec<(&'static str, u64)>,
    mixed: Option<MixedEncoding>,
    /// What the reader said of the file (pages without text, …), for the user.
    notes: Vec<String>,
}

/// Passages analysed and sent at once.
const BATCH_PASSAGES: usize = 512;

/// Reads, decodes, cleans, segments, detects the language of and analyses one file, part
/// by part, handing its documents to `send` in batches. `Ok(None)` when `send` refuses
/// (the indexer stopped).
fn prepare(
    fields: &Fields,
    detector: &LanguageDetector,
    f: &FileEntry,
    limit: u64,
    options: &crate::source::Options,
    send: &mut dyn FnMut(Vec<PassageDoc>) -> bool,
) -> Result<Option<Prepared>> {
    let mut reader = crate::source::open(f, limit, options)?;
    let analyzer = Analyzer::shared();
    let mut title: Option<Arc<str>> = None;
    let mut langs: Vec<(&'static str, u64)> = Vec::new();
    let mut passages = 0u64;
    let mut encoding = "";
    let mut mixed: Option<MixedEncoding> = None;
    let mut ids = segment::Ids::default();
    while let Some(doc) = reader.next_part()? {
        encoding = doc.encoding;
        if let Some(other) = doc.other_encoding {
            let m = mixed.get_or_insert_with(|| MixedEncoding {
                path: f.path.clone(),
                encoding: doc.encoding,
                other,
                lines: Vec::new(),
            });
            m.lines.extend(doc.mixed.iter().map(|&l| doc.line_number(l)));
        }
        let segmented = segment::segment_counting(&doc, &mut ids);
        ids.keep_last_line();
        drop(doc);
        let title = title
            .get_or_insert_with(|| {
                segmented.title.clone().unwrap_or_else(|| file_name(&f.rel).to_string()).into()
            })
            .clone();
        // Neighbouring passages share their section: its terms are made once per section.
        // A title that heads the text is the outermost section of every passage.
        let section_terms = |section: &str| -> Arc<str> {
            if segmented.title_heads {
                analyzer.joined_terms(&format!("{title} {section}"), Mode::Stem).into()
            } else {
                analyzer.joined_terms(section, Mode::Stem).into()
            }
        };
        // The last heading of a section path.
        let heading_terms = |section: &str| -> Arc<str> {
            let own = section.rsplit(crate::segment::SECTION_SEPARATOR).next().unwrap_or("");
            analyzer.joined_terms(own, Mode::Stem).into()
        };
        let mut section: (String, Arc<str>, Arc<str>) =
            (String::new(), section_terms(""), heading_terms(""));
        let mut batch = Vec::with_capacity(BATCH_PASSAGES.min(segmented.passages.len()));
        // A part numbers its passages from 0: after the parts before it, in the file.
        let before = passages as u32;
        // A passage whose text is no evidence of its language (code, a list of names)
        // takes the language the part is surely written in.
        let detected: Vec<crate::lang::Detected> =
            segmented.passages.iter().map(|p| detector.detect_sure(&p.text)).collect();
        let dominant = crate::lang::dominant(&detected);
        for (mut p, detected) in segmented.passages.into_iter().zip(detected) {
            p.lang = detected.settle(dominant);
            p.ordinal += before;
            passages += 1;
            match langs.iter_mut().find(|(l, _)| *l == p.lang) {
                Some((_, n)) => *n += 1,
                None => langs.push((p.lang, 1)),
            }
            if p.section != section.0 {
                section = (p.section.clone(), section_terms(&p.section), heading_terms(&p.section));
            }
            batch.push(PassageDoc {
                fields: *fields,
                terms: analyzer.passage_terms(&p.text),
                abbreviations: crate::abbreviations::index_terms(
                    &crate::abbreviations::defined(&p.text),
                    &analyzer,
                ),
                section_terms: section.1.clone(),
                heading_terms: section.2.clone(),
                line_marks: segment::marks_to_string(&p.line_marks),
                pages: segment::pages_to_string(&p.pages),
                passage: p,
                title: title.clone(),
            });
            if batch.len() == BATCH_PASSAGES && !send(std::mem::take(&mut batch)) {
                return Ok(None);
            }
        }
        if !batch.is_empty() && !send(batch) {
            return Ok(None);
        }
    }
    if passages == 0 {
        return Err(Error::Decode { path: f.path.clone(), reason: "no text to index".into() });
    }
    let count = |lang: &str| langs.iter().find(|(l, _)| *l == lang).map_or(0, |(_, n)| *n);
    let notes: Vec<String> = reader
        .notes()
        .iter()
        .map(|n| format!("{}: {n}", ingest::name_of(f.path.as_os_str())))
        .collect();
    let mut encoding = encoding.to_string();
    if reader.notes().iter().any(|n| n.contains(crate::source::NO_TEXT)) {
        encoding.push_str(&format!("; {}", crate::source::NO_TEXT));
    }
    let state = FileState {
        size: reader.bytes_read(),
        mtime_ns: f.mtime_ns,
        hash: reader.hash(),
        passages,
        russian: count("ru"),
        english: count("en"),
        encoding,
        skipped: None,
        transient: false,
    };
    Ok(Some(Prepared { state, langs, mixed, notes }))
}

/// A file whose lines are not all in one encoding (UTF-8 with lines of windows-1251, say):
/// each line was read in its own, and the user is told which.
#[derive(Debug, Clone)]
pub struct MixedEncoding {
    /// The file.
    pub path: PathBuf,
    /// The file's encoding.
    pub encoding: &'static str,
    /// The encoding of the other lines.
    pub other: &'static str,
    /// The other lines, 1-based.
    pub lines: Vec<u32>,
}

impl std::fmt::Display for MixedEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = ingest::name_of(self.path.as_os_str());
        let mut ranges: Vec<String> = Vec::new();
        let mut i = 0;
        while i < self.lines.len() && ranges.len() < 8 {
            let start = self.lines[i];
            let mut end = start;
            while self.lines.get(i + 1) == Some(&(end + 1)) {
                end += 1;
                i += 1;
            }
            ranges.push(if end == start { start.to_string() } else { format!("{start}–{end}") });
            i += 1;
        }
        let more = if i < self.lines.len() { ", …" } else { "" };
        let word = if self.lines.len() == 1 { "line" } else { "lines" };
        write!(
            f,
            "{name}: mixes encodings; {word} {}{more} read as {}, the rest as {}",
            ranges.join(", "),
            self.other,
            self.encoding
        )
    }
}

fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// The names a `doc:` filter matches: the relative path, the file name, the file stem.
pub fn doc_keys(rel: &str) -> Vec<String> {
    let name = file_name(rel);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let mut keys = vec![rel.to_lowercase(), name.to_lowercase(), stem.to_lowercase()];
    keys.dedup();
    keys
}

/// A passage as tantivy indexes it. Its fields borrow from it, so nothing is copied per
/// field, and its text is analysed once for all fields ([`Analyzer::passage_terms`]).
pub struct PassageDoc {
    fields: Fields,
    passage: Passage,
    title: Arc<str>,
    terms: PassageTerms,
    /// The abbreviations it defines, as index terms.
    abbreviations: String,
    /// The stemmed terms of the passage's section path.
    section_terms: Arc<str>,
    /// The stemmed terms of its own heading, the last of the path.
    heading_terms: Arc<str>,
    /// The passage's line marks as stored.
    line_marks: String,
    /// Its page marks as stored.
    pages: String,
}

/// A field value of a [`PassageDoc`].
#[derive(Debug, Clone, Copy)]
pub enum DocValue<'a> {
    /// Text: stored as is, or a term list for an analysed field.
    Str(&'a str),
    /// A number.
    U64(u64),
}

impl<'a> Value<'a> for DocValue<'a> {
    type ArrayIter = std::iter::Empty<DocValue<'a>>;
    type ObjectIter = std::iter::Empty<(&'a str, DocValue<'a>)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        match *self {
            DocValue::Str(s) => ReferenceValue::Leaf(ReferenceValueLeaf::Str(s)),
            DocValue::U64(n) => ReferenceValue::Leaf(ReferenceValueLeaf::U64(n)),
        }
    }
}

impl Document for PassageDoc {
    type Value<'a> = DocValue<'a>;
    type FieldsValuesIter<'a> = std::vec::IntoIter<(Field, DocValue<'a>)>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        use DocValue::{Str, U64};
        let (f, p, t) = (&self.fields, &self.passage, &self.terms);
        let values = vec![
            (f.id, Str(&p.id)),
            (f.doc, Str(&p.doc)),
            (f.kind, Str(p.kind.as_str())),
            (f.kind_code, U64(p.kind.code())),
            (f.tie, U64(tie_key(&p.id))),
            (f.lang, Str(p.lang)),
            (f.title, Str(&self.title)),
            // A gloss is not about its section: only body passages are found by it.
            (f.section, Str(if p.kind == crate::Kind::Body { &self.section_terms } else { "" })),
            (f.heading, Str(if p.kind == crate::Kind::Body { &self.heading_terms } else { "" })),
            (f.section_text, Str(&p.section)),
            (f.body, Str(&t.stem)),
            (f.text, Str(&p.text)),
            (f.exact, Str(&t.fold)),
            (f.key_cyr, Str(&t.key_cyr)),
            (f.key_lat, Str(&t.key_lat)),
            (f.abbrev, Str(&self.abbreviations)),
            (f.ordinal, U64(u64::from(p.ordinal))),
            (f.line_start, U64(u64::from(p.line_start))),
            (f.line_end, U64(u64::from(p.line_end))),
            (f.byte_start, U64(p.byte_start)),
            (f.byte_end, U64(p.byte_end)),
            (f.line_marks, Str(&self.line_marks)),
            (f.pages, Str(&self.pages)),
            (f.check, U64(passage_check(p, &self.title, &self.line_marks, &self.pages))),
        ];
        values.into_iter()
    }
}

/// A passage's place among passages of equal score: a fixed hash of its id, 32 bits (a
/// fast field packs it in four bytes a passage).
fn tie_key(id: &str) -> u64 {
    ingest::check_hash(id.as_bytes()) >> 32
}

/// The checksum of what a passage stores and a reader relies on: its id, document, title,
/// section, text and locators.
fn passage_check(p: &Passage, title: &str, marks: &str, pages: &str) -> u64 {
    stored_check(
        [p.id.as_str(), p.doc.as_str(), title, p.section.as_str(), p.text.as_str(), marks, pages],
        [u64::from(p.line_start), u64::from(p.line_end), p.byte_start, p.byte_end],
    )
}

/// Each text hashed eight bytes a step ([`ingest::check_hash`], which counts its length, so
/// no two splits of the same bytes agree), and the texts' hashes and the numbers mixed in
/// order: a search checks every passage it shows, and a build every passage it writes.
fn stored_check(texts: [&str; 7], numbers: [u64; 4]) -> u64 {
    let words = texts.map(|t| ingest::check_hash(t.as_bytes())).into_iter().chain(numbers);
    let mut bytes = [0u8; 8 * 11];
    for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
        chunk.copy_from_slice(&w.to_le_bytes());
    }
    ingest::check_hash(&bytes)
}

impl QIndex {
    /// The stored passage at `address`, checked against its checksum: a damaged index
    /// gives an error, never a quote that differs from what was indexed.
    pub fn stored(
        &self,
        searcher: &tantivy::Searcher,
        address: tantivy::DocAddress,
    ) -> Result<tantivy::TantivyDocument> {
        let doc: tantivy::TantivyDocument = searcher.doc(address).map_err(|e| self.damaged(e))?;
        let f = &self.fields;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
        let num = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
        let expected = stored_check(
            [
                text(f.id),
                text(f.doc),
                text(f.title),
                text(f.section_text),
                text(f.text),
                text(f.line_marks),
                text(f.pages),
            ],
            [num(f.line_start), num(f.line_end), num(f.byte_start), num(f.byte_end)],
        );
        if doc.get_first(f.check).and_then(|v| v.as_u64()) != Some(expected) {
            return Err(self.damaged("a stored passage does not match its checksum"));
        }
        Ok(doc)
    }

    /// The error for a damaged index.
    pub fn damaged(&self, detail: impl std::fmt::Display) -> Error {
        Error::Damaged { path: self.dir.clone(), detail: detail.to_string() }
    }
}

/// Index folders of other versions under `root`: only those quelle made (see `claim`).
fn other_versions(root: &Path, keep: &Path) -> Vec<PathBuf> {
    crate::claim::version_folders(root).into_iter().filter(|p| p != keep).collect()
}

/// Removes index folders of other versions once this one is committed.
fn remove_other_versions(root: &Path, keep: &Path) {
    for path in other_versions(root, keep) {
        let _ = std::fs::remove_dir_all(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_check_sees_every_text_boundary_and_number() {
        let texts = ["id", "doc.txt", "Title", "Section", "Ехал Грека через реку", "5:2", ""];
        let base = stored_check(texts, [1, 2, 30, 40]);
        assert_eq!(base, stored_check(texts, [1, 2, 30, 40]));
        let mut moved = texts;
        (moved[0], moved[1]) = ("idd", "oc.txt");
        assert_ne!(base, stored_check(moved, [1, 2, 30, 40]));
        let mut swapped = texts;
        swapped.swap(2, 3);
        assert_ne!(base, stored_check(swapped, [1, 2, 30, 40]));
        let mut edited = texts;
        edited[4] = "Ехал Грека через рекu";
        assert_ne!(base, stored_check(edited, [1, 2, 30, 40]));
        assert_ne!(base, stored_check(texts, [1, 2, 30, 41]));
        assert_ne!(base, stored_check(texts, [2, 1, 30, 40]));
    }

    #[test]
    fn files_skipped_for_a_passing_reason_are_retried_and_others_not() {
        let entry = |rel: &str| FileEntry {
            rel: rel.into(),
            path: PathBuf::from(rel),
            size: 10,
            mtime_ns: 20,
        };
        let state = |skipped: Option<&str>, transient| FileState {
            size: 10,
            mtime_ns: 20,
            hash: 0,
            passages: 0,
            russian: 0,
            english: 0,
            encoding: String::new(),
            skipped: skipped.map(str::to_string),
            transient,
        };
        let mut manifest = Manifest::default();
        manifest.files.insert("locked.txt".into(), state(Some("permission denied"), true));
        manifest.files.insert("binary.txt".into(), state(Some("not text"), false));
        manifest.files.insert("fine.txt".into(), state(None, false));
        let files = [entry("binary.txt"), entry("fine.txt"), entry("locked.txt")];
        let plan = plan(&files, &manifest);
        let retried: Vec<&str> = plan.retry.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(retried, ["locked.txt"]);
        assert_eq!(plan.still_skipped, ["not text"]);
        assert!(plan.to_index.is_empty() && plan.to_remove.is_empty());
    }

    #[test]
    fn a_plan_compares_each_file_with_its_own_state_in_any_order() {
        let entry = |rel: &str, size| FileEntry {
            rel: rel.into(),
            path: PathBuf::from(rel),
            size,
            mtime_ns: 20,
        };
        let state = FileState {
            size: 10,
            mtime_ns: 20,
            hash: 0,
            passages: 1,
            russian: 0,
            english: 1,
            encoding: String::new(),
            skipped: None,
            transient: false,
        };
        let mut manifest = Manifest::default();
        for rel in ["a/kept.txt", "a/gone.txt", "b/grown.txt", "z/gone too.txt", "ä.txt"] {
            manifest.files.insert(rel.into(), state.clone());
        }
        // Not in path order: the plan must not depend on it.
        let files = [
            entry("ä.txt", 10),
            entry("b/grown.txt", 11),
            entry("a/new.txt", 10),
            entry("a/kept.txt", 10),
            entry("0 first.txt", 10),
        ];
        let plan = plan(&files, &manifest);
        let indexed: Vec<&str> = plan.to_index.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(indexed, ["0 first.txt", "a/new.txt", "b/grown.txt"]);
        assert_eq!((plan.added, plan.changed), (2, 1));
        assert_eq!(plan.to_remove, ["b/grown.txt", "a/gone.txt", "z/gone too.txt"]);
        assert!(plan.retry.is_empty() && plan.still_skipped.is_empty() && plan.touched.is_empty());
    }

    #[test]
    fn refresh_merges_combine_small_segments_and_never_pass_the_bound() {
        let index = Index::create_in_ram(tantivy::schema::Schema::builder().build());
        let meta = |docs| index.new_segment_meta(SegmentId::generate_random(), docs);
        // A large build's segments (one size level, more than tantivy's 8 per merge) and a
        // refresh's small ones.
        let mut segments: Vec<SegmentMeta> = (0..11).map(|_| meta(390_000)).collect();
        segments.extend((0..9).map(|i| meta(100 + i)));
        let sizes: HashMap<SegmentId, u32> =
            segments.iter().map(|s| (s.id(), s.num_docs())).collect();
        let merges = BoundedMerges::default().compute_merge_candidates(&segments);
        assert!(!merges.is_empty(), "the small segments are merged");
        for MergeCandidate(ids) in &merges {
            let total: u32 = ids.iter().map(|id| sizes[id]).sum();
            assert!(ids.len() > 1 && total <= MERGED_SEGMENT_PASSAGES, "{total} passages");
        }
        // Left alone, tantivy's policy would merge the eleven build segments into one.
        let unbounded = LogMergePolicy::default().compute_merge_candidates(&segments);
        assert!(unbounded.iter().any(|MergeCandidate(ids)| ids.len() >= 11));
    }

    #[test]
    fn closing_groups_are_balanced_bounded_and_skip_singletons() {
        let max = MERGED_SEGMENT_PASSAGES;
        // 1.2 bounds' worth in six equal segments: two groups of three, not five and one.
        let sixth = max / 5;
        let six: Vec<(u8, u32)> = (1..=6).map(|id| (id, sixth)).collect();
        let third = 3 * u64::from(sixth);
        assert_eq!(closing_groups(six), [(vec![1, 2, 3], third), (vec![4, 5, 6], third)]);
        // Within the bound: one group of everything.
        assert_eq!(closing_groups(vec![(1, 10), (2, 20), (3, 30)]), [(vec![1, 2, 3], 60)]);
        // A group never passes the bound, even when shares are uneven, and knows its size.
        let uneven = vec![(1, max / 2), (2, max / 3), (3, max / 2 + 1), (4, max / 3), (5, 7)];
        for (group, docs) in closing_groups(uneven.clone()) {
            let sum: u64 = group
                .iter()
                .map(|id| u64::from(uneven.iter().find(|(i, _)| i == id).unwrap().1))
                .sum();
            assert!(sum <= u64::from(max) && sum == docs, "{group:?}: {sum}, {docs}");
        }
        assert!(closing_groups(vec![(1, max), (2, max)]).is_empty());
        assert!(closing_groups::<u8>(Vec::new()).is_empty());
    }

    #[test]
    fn waves_read_within_the_budget_and_keep_every_group_in_order() {
        let groups = |sizes: &[u64]| -> Vec<(Vec<usize>, u64)> {
            sizes.iter().enumerate().map(|(i, &d)| (vec![i], d)).collect()
        };
        // Two that fit run together; a third waits.
        assert_eq!(waves(groups(&[5, 6, 4]), 11), [vec![vec![0], vec![1]], vec![vec![2]]]);
        // A group over the budget is a wave of its own, never dropped.
        assert_eq!(waves(groups(&[20, 3, 3]), 10), [vec![vec![0]], vec![vec![1], vec![2]]]);
        // Five equal merges of a large build: one at a time under the budget.
        let big = u64::from(MERGED_SEGMENT_PASSAGES) * 88 / 100;
        let five = waves(groups(&[big; 5]), CLOSING_MERGE_BUDGET);
        assert_eq!(five.len(), 5);
        assert_eq!(five.concat(), (0..5).map(|i| vec![i]).collect::<Vec<_>>());
        assert!(waves::<u8>(Vec::new(), 10).is_empty());
    }

    #[test]
    fn merge_groups_are_bounded_and_skip_singletons() {
        let max = MERGED_SEGMENT_PASSAGES;
        assert_eq!(merge_groups(vec![(1, 10), (2, 20), (3, 30)]), [vec![1, 2, 3]]);
        assert_eq!(
            merge_groups(vec![(1, max / 2), (2, max / 2), (3, max / 2), (4, 1), (5, max)]),
            [vec![1, 2], vec![3, 4]]
        );
        assert!(merge_groups(vec![(1, 5)]).is_empty());
        assert!(merge_groups::<u8>(Vec::new()).is_empty());
    }
}
