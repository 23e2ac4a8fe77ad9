//! The bilingual dictionary: a query word in one language also matches its translations in
//! the other. The data is a plain file of its own (`data/dictionary.en-ru.tsv`, derived
//! from Mueller's English–Russian dictionary, GPL-2+, loaded at run time and never built
//! into the binary), plus an optional `dictionary.tsv` of the user's in the corpus folder.
//! Both read one way (`headword<TAB>sense; sense; …`, each sense comma-separated, the usual
//! sense first) and serve both directions.
//!
//! Lookups go by stems, so any inflected form of a query word finds its headword. Stemming
//! 40,000 entries takes longer than a search, so the table is compiled once into a sorted
//! file in the user's cache folder (`dictionary-<key>.bin`, rebuilt when a source file or
//! the analyzer changes) and looked up there by binary search.
//!
//! Each translation carries a weight in the spirit of probabilistic structured queries: its
//! sense rank (the first sense is the usual one) over the fourth root of how many words it
//! translates in the other direction, so a word that translates everything (`место`,
//! `set`) counts little for any one of them.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::analysis::{Analyzer, Mode, ANALYZER_VERSION};
use crate::error::{Error, Result};
use crate::lang::{script_of, Script};
use crate::table::LineTable;

/// File name of the bundled dictionary.
pub const DATA_FILE: &str = "dictionary.en-ru.tsv";
/// File name of a user's own dictionary inside the corpus folder.
pub const USER_FILE: &str = "dictionary.tsv";
/// Environment variable naming another dictionary file, or `off`.
pub const ENV_VAR: &str = "QUELLE_DICTIONARY";
/// Format of the compiled table; part of its file name.
const COMPILED_FORMAT: u32 = 3;
/// Senses after this many are rare meanings: they are not kept.
const MAX_SENSES: usize = 12;
/// Words in a headword or a translation: longer ones are descriptions, not terms.
pub const MAX_WORDS: usize = 3;
/// Unit separator between a translation and its weight in the compiled table.
const SEP: char = '\u{1f}';
/// Marks a field of a stem key's line that names a word's line instead of a translation.
const REF: char = '\u{1e}';
/// Translations kept per word, the likeliest: a query uses the few the corpus has.
const MAX_KEPT: usize = 16;

/// A translation of a query word or phrase.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    /// The translation as the dictionary writes it (one to three words).
    pub text: String,
    /// Its weight against the other translations of the same word, in `(0, 1]`.
    pub weight: f32,
}

/// What the dictionary says of a query word or phrase.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// Its translations, the likeliest first.
    Translations(Vec<Translation>),
    /// The user's dictionary says to keep the word as typed (a headword with no senses).
    Keep,
}

/// Which language a headword is in, by its letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// English (Latin letters).
    En,
    /// Russian (Cyrillic letters).
    Ru,
}

impl Side {
    /// The side of a word, by the script of its first letter.
    pub fn of(text: &str) -> Option<Side> {
        match text.chars().find_map(script_of)? {
            Script::Latin => Some(Side::En),
            Script::Cyrillic => Some(Side::Ru),
            Script::Other => None,
        }
    }

    /// The other language.
    fn other(self) -> Side {
        match self {
            Side::En => Side::Ru,
            Side::Ru => Side::En,
        }
    }

    fn tag(self) -> char {
        match self {
            Side::En => 'e',
            Side::Ru => 'r',
        }
    }
}

/// A compiled dictionary, ready for lookups.
pub struct Dictionary {
    table: LineTable,
}

/// Where the dictionary comes from, as the user set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    /// The bundled file, found beside the program (and the user's file in the corpus).
    Default,
    /// This file instead of the bundled one.
    File(PathBuf),
    /// No dictionary.
    Off,
}

impl Setting {
    /// The setting from `QUELLE_DICTIONARY`: unset is the default, `off` is off, anything
    /// else a file.
    pub fn from_env() -> Setting {
        match std::env::var_os(ENV_VAR) {
            None => Setting::Default,
            Some(v) if v.is_empty() => Setting::Default,
            Some(v) if v.eq_ignore_ascii_case("off") => Setting::Off,
            Some(v) => Setting::File(PathBuf::from(v)),
        }
    }
}

/// The bundled data file: beside the program, in `share/quelle` next to its `bin`, in the
/// source tree of a `cargo build` (`target/release/../../data`), or where it was built.
fn bundled_file() -> Option<PathBuf> {
    let mut places = Vec::new();
    if let Some(dir) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf))
    {
        places.push(dir.join(DATA_FILE));
        places.push(dir.join("../share/quelle").join(DATA_FILE));
        places.push(dir.join("../../data").join(DATA_FILE));
    }
    places.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(DATA_FILE));
    places.into_iter().find(|p| p.is_file())
}

impl Dictionary {
    /// Opens the dictionary for a corpus, compiling it into `cache_dir` when the compiled
    /// table is missing or stale. `Ok(None)` when it is off or no file is found.
    pub fn open(setting: &Setting, corpus: &Path, cache_dir: &Path) -> Result<Option<Dictionary>> {
        let main = match setting {
            Setting::Off => return Ok(None),
            Setting::File(p) => {
                if !p.is_file() {
                    return Err(Error::io(p, std::io::Error::from(std::io::ErrorKind::NotFound)));
                }
                Some(p.clone())
            }
            Setting::Default => bundled_file(),
        };
        let user = corpus.join(USER_FILE);
        let sources: Vec<PathBuf> =
            main.into_iter().chain(user.is_file().then_some(user)).collect();
        if sources.is_empty() {
            return Ok(None);
        }
        let name = format!("dictionary-{:016x}.bin", cache_key(&sources));
        let path = cache_dir.join(&name);
        // Another process may remove an old table between the check and the open (it
        // keeps the newest few): then it is compiled again.
        let mut opened = std::fs::File::open(&path);
        for _ in 0..2 {
            if !matches!(&opened, Err(e) if e.kind() == std::io::ErrorKind::NotFound) {
                break;
            }
            let mut texts = Vec::new();
            for s in &sources {
                let bytes = std::fs::read(s).map_err(|e| Error::io(s, e))?;
                texts.push(String::from_utf8_lossy(&bytes).into_owned());
            }
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let table = compile(&refs);
            crate::atomic::write(cache_dir, &name, table.as_bytes())?;
            remove_stale(cache_dir, &name);
            opened = std::fs::File::open(&path);
        }
        let file = opened.map_err(|e| Error::io(&path, e))?;
        Dictionary::from_file(file, &path).map(Some)
    }

    /// Compiles a dictionary text into the table file `dir/name` (replacing it atomically),
    /// for [`Dictionary::open_compiled`].
    pub fn write_compiled(text: &str, dir: &Path, name: &str) -> Result<()> {
        crate::atomic::write(dir, name, compile(&[text]).as_bytes())
    }

    /// Opens a table written by [`Dictionary::write_compiled`]; `Ok(None)` when there is none.
    pub fn open_compiled(path: &Path) -> Result<Option<Dictionary>> {
        match std::fs::File::open(path) {
            Ok(file) => Dictionary::from_file(file, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    fn from_file(file: std::fs::File, path: &Path) -> Result<Dictionary> {
        match LineTable::from_file(file, &format!("{MAGIC} {COMPILED_FORMAT}")) {
            Some(table) => Ok(Dictionary { table }),
            None => {
                // Damaged or of another format: compiled again when next needed.
                let _ = std::fs::remove_file(path);
                Err(Error::io(path, std::io::Error::from(std::io::ErrorKind::InvalidData)))
            }
        }
    }

    /// A dictionary compiled in memory from the given texts (tests and tools).
    pub fn from_texts(texts: &[&str]) -> Dictionary {
        let table = compile(texts).into_bytes();
        let table = LineTable::from_bytes(table, &format!("{MAGIC} {COMPILED_FORMAT}"))
            .expect("a table just laid out");
        Dictionary { table }
    }

    /// What the dictionary says of words in language `side`: of the words as written
    /// (`folded`, their folded forms), else of any word with their stems.
    pub fn lookup(&self, side: Side, folded: &[String], stems: &[String]) -> Option<Entry> {
        let exact =
            (!folded.is_empty()).then(|| self.line(&exact_key(side, &folded.join(" ")))).flatten();
        let line = exact.or_else(|| self.line(&stem_key(side, &stems.join(" "))))?;
        let line = std::str::from_utf8(&line).ok()?;
        let mut fields = line.split('\t').skip(1).filter(|f| !f.is_empty()).peekable();
        if fields.peek().is_none() {
            return Some(Entry::Keep);
        }
        let mut translations: Vec<Translation> = Vec::new();
        for f in fields {
            match f.strip_prefix(REF) {
                // The words of a stem: their translations, each at its best weight.
                Some(word) => {
                    if let Some(Entry::Translations(ts)) = self.entry_at(word) {
                        add_translations(&mut translations, ts);
                    }
                }
                None => translations.extend(parse_translation(f)),
            }
        }
        sort_translations(&mut translations);
        Some(Entry::Translations(translations))
    }

    /// The line of `key`.
    fn line(&self, key: &str) -> Option<Vec<u8>> {
        self.table.line(key)
    }

    /// The entry of an exact key (no references to follow).
    fn entry_at(&self, key: &str) -> Option<Entry> {
        let line = self.line(key)?;
        let line = std::str::from_utf8(&line).ok()?;
        let ts: Vec<Translation> = line.split('\t').skip(1).filter_map(parse_translation).collect();
        Some(if ts.is_empty() { Entry::Keep } else { Entry::Translations(ts) })
    }
}

/// What two dictionaries say of one word together: `first`'s keeping wins (the user's
/// file is read with the main one); else the translations of both, each at its better
/// weight, the likeliest first.
pub fn merge(first: Option<Entry>, second: Option<Entry>) -> Option<Entry> {
    match (first, second) {
        (Some(Entry::Keep), _) => Some(Entry::Keep),
        (None, e) | (e, None) => e,
        (Some(Entry::Translations(mut a)), Some(Entry::Translations(b))) => {
            add_translations(&mut a, b);
            sort_translations(&mut a);
            Some(Entry::Translations(a))
        }
        (Some(e), Some(Entry::Keep)) => Some(e),
    }
}

/// Adds translations to a list, each once, at the better of its weights.
fn add_translations(into: &mut Vec<Translation>, from: Vec<Translation>) {
    for t in from {
        match into.iter_mut().find(|o| o.text == t.text) {
            Some(o) => o.weight = o.weight.max(t.weight),
            None => into.push(t),
        }
    }
}

/// The likeliest first; equal weights by text, so every lookup orders alike.
fn sort_translations(ts: &mut [Translation]) {
    ts.sort_by(|a, b| b.weight.total_cmp(&a.weight).then_with(|| a.text.cmp(&b.text)));
}

/// A key naming the compiled table of these sources: their paths, sizes and times, the
/// analyzer and the table format. Any change makes a new table.
fn cache_key(sources: &[PathBuf]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    (ANALYZER_VERSION, COMPILED_FORMAT).hash(&mut h);
    for s in sources {
        s.hash(&mut h);
        if let Ok(m) = std::fs::metadata(s) {
            m.len().hash(&mut h);
            m.modified().ok().hash(&mut h);
        }
    }
    h.finish()
}

/// Compiled tables kept in the cache folder: the newest few (a corpus with a dictionary of
/// its own has a table of its own); older ones are removed.
const KEEP_TABLES: usize = 4;

/// Removes compiled tables (files quelle named `dictionary-*.bin`) beyond the newest
/// `KEEP_TABLES`, never `keep`.
fn remove_stale(dir: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut tables: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name != keep && name.starts_with("dictionary-") && name.ends_with(".bin")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    tables.sort_by_key(|t| std::cmp::Reverse(t.0));
    for (_, path) in tables.into_iter().skip(KEEP_TABLES - 1) {
        let _ = std::fs::remove_file(path);
    }
}

/// Where compiled tables are kept: the user's cache folder (`$XDG_CACHE_HOME/quelle`,
/// else `~/.cache/quelle`), shared by every corpus, so an index stays the size of its
/// corpus; `fallback` (the index folder) when there is none.
pub fn cache_dir(fallback: &Path) -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        });
    match base {
        Some(b) if b.is_absolute() => b.join("quelle"),
        _ => fallback.to_path_buf(),
    }
}

/// One headword and its translations, each with the rank of the first sense it is in.
struct Headword {
    side: Side,
    text: String,
    /// (translation, 1-based sense rank)
    senses: Vec<(String, usize)>,
}

/// Parses dictionary texts into headwords; a headword with no senses is a word to keep.
fn parse(texts: &[&str]) -> Vec<Headword> {
    let mut out = Vec::new();
    for text in texts {
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (head, rest) = line.split_once('\t').unwrap_or((line, ""));
            let head = head.trim();
            let Some(side) = Side::of(head) else { continue };
            if head.split_whitespace().count() > MAX_WORDS {
                continue;
            }
            let mut senses = Vec::new();
            for (rank, sense) in rest.split(';').take(MAX_SENSES).enumerate() {
                for t in sense.split(',') {
                    let t = t.trim();
                    let other = Side::of(t);
                    if t.is_empty() || other.is_none() || other == Some(side) {
                        continue;
                    }
                    if t.split_whitespace().count() <= MAX_WORDS
                        && !senses.iter().any(|(s, _)| s == t)
                    {
                        senses.push((t.to_string(), rank + 1));
                    }
                }
            }
            out.push(Headword { side, text: head.to_string(), senses });
        }
    }
    out
}

/// The terms of a text's words in `mode`, joined by spaces.
fn terms(analyzer: &Analyzer, text: &str, mode: Mode) -> String {
    analyzer.tokens(text, mode).into_iter().map(|t| t.text).collect::<Vec<_>>().join(" ")
}

/// The key of a word as typed (folded forms) in the table: `=` after the side's tag.
fn exact_key(side: Side, folded: &str) -> String {
    format!("{}={folded}", side.tag())
}

/// The key of a word by its stems.
fn stem_key(side: Side, stems: &str) -> String {
    format!("{}{stems}", side.tag())
}

/// A translation's weight: its sense rank (the first sense is the usual one) over the
/// fourth root of how many words its partner has, so a word translating many words is a
/// weak clue to each (`место` for `package`).
fn weight(rank: usize, partner_fan_out: usize) -> f32 {
    1.0 / ((rank as f32).sqrt() * (partner_fan_out.max(1) as f32).powf(0.25))
}

/// Compiles dictionary texts into the sorted lookup table, both directions: one line per
/// word as written (`<side>=<folded words>`) and per stem key (`<side><stems>`, from the
/// shortest words with those stems: `packages` finds `package`, not `packager`), each
/// `<key>\t<translation>\x1f<weight>\t…`, the heaviest first.
fn compile(texts: &[&str]) -> String {
    let analyzer = Analyzer::shared();
    let headwords = parse(texts);
    // Every (side, word) → (other side's word → best rank), in both directions.
    let mut links: HashMap<(Side, String), HashMap<String, usize>> = HashMap::new();
    let mut keep: Vec<(Side, String)> = Vec::new();
    for h in &headwords {
        if h.senses.is_empty() {
            keep.push((h.side, h.text.clone()));
        }
        for (t, rank) in &h.senses {
            for (from, to) in [((h.side, &h.text), t), ((h.side.other(), t), &h.text)] {
                let r = links
                    .entry((from.0, from.1.to_lowercase()))
                    .or_default()
                    .entry(to.clone())
                    .or_insert(*rank);
                *r = (*r).min(*rank);
            }
        }
    }
    let fan_out =
        |side: Side, word: &str| links.get(&(side, word.to_lowercase())).map_or(1, HashMap::len);
    let mut table: HashMap<String, Vec<(String, f32)>> = HashMap::new();
    // Stem key → (length of the shortest word, the exact keys of its words).
    let mut by_stem: HashMap<String, (usize, Vec<String>)> = HashMap::new();
    for ((side, word), partners) in &links {
        let ts: Vec<(String, f32)> = partners
            .iter()
            .map(|(t, &rank)| (t.clone(), weight(rank, fan_out(side.other(), t))))
            .collect();
        let exact = exact_key(*side, &terms(&analyzer, word, Mode::Fold));
        table.insert(exact.clone(), ts);
        let stems = terms(&analyzer, word, Mode::Stem);
        if stems.is_empty() {
            continue;
        }
        let len = word.chars().count();
        let e = by_stem.entry(stem_key(*side, &stems)).or_insert((len, Vec::new()));
        if len < e.0 {
            *e = (len, Vec::new());
        }
        if len == e.0 {
            e.1.push(exact);
        }
    }
    // A stem key names the words it stands for; their lines hold the translations.
    let mut refs: Vec<(String, Vec<String>)> =
        by_stem.into_iter().map(|(key, (_, exact))| (key, exact)).collect();
    for (side, word) in keep {
        table.insert(exact_key(side, &terms(&analyzer, &word, Mode::Fold)), Vec::new());
        table.insert(stem_key(side, &terms(&analyzer, &word, Mode::Stem)), Vec::new());
    }
    refs.retain(|(key, _)| !table.contains_key(key));
    let mut lines: Vec<String> = Vec::with_capacity(table.len() + refs.len());
    for (key, mut exact) in refs {
        exact.sort_unstable();
        exact.dedup();
        let mut line = key;
        for e in exact {
            line.push('\t');
            line.push(REF);
            line.push_str(&e);
        }
        lines.push(line);
    }
    for (key, mut ts) in table {
        // The same translation twice (two words of one stem): its best weight.
        ts.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        ts.dedup_by(|a, b| a.0 == b.0);
        let top = ts.iter().map(|t| t.1).fold(0.0f32, f32::max);
        ts.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ts.truncate(MAX_KEPT);
        let mut line = key;
        for (t, w) in ts {
            line.push('\t');
            line.push_str(&t);
            line.push(SEP);
            line.push_str(&format!("{:.3}", (w / top).max(0.001)));
        }
        lines.push(line);
    }
    lines.sort_unstable();
    LineTable::layout(&lines, &format!("{MAGIC} {COMPILED_FORMAT}"))
}

/// First line of a compiled table, before its format.
const MAGIC: &str = "quelle-dictionary";

/// `translation\x1fweight`.
fn parse_translation(field: &str) -> Option<Translation> {
    let (text, weight) = field.split_once(SEP)?;
    Some(Translation { text: text.to_string(), weight: weight.parse().ok()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems_of(text: &str) -> Vec<String> {
        Analyzer::shared().tokens(text, Mode::Stem).into_iter().map(|t| t.text).collect()
    }

    fn folded(text: &str) -> Vec<String> {
        Analyzer::shared().tokens(text, Mode::Fold).into_iter().map(|t| t.text).collect()
    }

    fn translations(d: &Dictionary, side: Side, word: &str) -> Vec<(String, f32)> {
        match d.lookup(side, &folded(word), &stems_of(word)) {
            Some(Entry::Translations(ts)) => ts.into_iter().map(|t| (t.text, t.weight)).collect(),
            _ => Vec::new(),
        }
    }

    const DATA: &str = "# test\n\
        lighthouse\tмаяк; сигнальная башня\n\
        beacon\tсигнальный огонь, маяк; бакен\n\
        place\tместо; положение\n\
        spot\tпятно; место\n\
        site\tместо; участок\n\
        parcel\tпосылка, место\n\
        weather vane\tфлюгер\n\
        lighthousing\tсмотритель маяка\n";

    #[test]
    fn translates_both_ways_by_stems() {
        let d = Dictionary::from_texts(&[DATA]);
        let got = translations(&d, Side::En, "lighthouses");
        assert_eq!(got[0], ("маяк".to_string(), 1.0));
        assert!(!got.iter().any(|(t, _)| t == "смотритель маяка"), "the shortest word of a stem");
        assert!(got.iter().any(|(t, _)| t == "сигнальная башня"));
        let back: Vec<String> =
            translations(&d, Side::Ru, "маяками").into_iter().map(|t| t.0).collect();
        assert_eq!(back, ["lighthouse", "beacon"]);
        let phrase: Vec<String> =
            translations(&d, Side::En, "weather vanes").into_iter().map(|t| t.0).collect();
        assert_eq!(phrase, ["флюгер"]);
        let reverse: Vec<String> =
            translations(&d, Side::Ru, "флюгеры").into_iter().map(|t| t.0).collect();
        assert_eq!(reverse, ["weather vane"]);
    }

    #[test]
    fn a_word_that_translates_everything_counts_little() {
        let d = Dictionary::from_texts(&[DATA]);
        // `место` translates four headwords: for `parcel` it weighs less than `посылка`,
        // though both are in its first sense.
        let got = translations(&d, Side::En, "parcel");
        assert_eq!(got[0], ("посылка".to_string(), 1.0));
        assert_eq!(got[1].0, "место");
        assert!(got[1].1 < 0.75, "{got:?}");
    }

    #[test]
    fn a_headword_without_senses_is_kept() {
        let d = Dictionary::from_texts(&[DATA, "beacon\n"]);
        assert_eq!(d.lookup(Side::En, &folded("beacons"), &stems_of("beacons")), Some(Entry::Keep));
        assert_eq!(d.lookup(Side::En, &folded("unknownword"), &stems_of("unknownword")), None);
    }

    #[test]
    fn old_compiled_tables_are_removed_but_the_newest_and_other_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..6 {
            let path = dir.path().join(format!("dictionary-{i}.bin"));
            std::fs::write(&path, b"x").unwrap();
            let t = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1000 + i);
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(t).unwrap();
        }
        std::fs::write(dir.path().join("notes.bin"), b"mine").unwrap();
        remove_stale(dir.path(), "dictionary-0.bin");
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "dictionary-0.bin",
                "dictionary-3.bin",
                "dictionary-4.bin",
                "dictionary-5.bin",
                "notes.bin"
            ]
        );
    }
}
