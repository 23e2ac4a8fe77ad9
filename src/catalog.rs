//! The catalogue: what is known of each document, for references. It gathers what the
//! user wrote down in `corpus/catalog.toml` and what their reference manager exported
//! (BibTeX/BibLaTeX and CSL-JSON files beside it, see [`crate::bibliography`]); the
//! catalogue wins field by field. Every field is optional, and what is unknown is left
//! out rather than guessed. A file without an entry is cited by the title its text shows
//! (its first heading) or its file name.
//!
//! ```toml
//! [documents."essay.txt"]
//! title = "Германо-советские отношения в 1919–1938 годах"
//! title_supplied = true          # no title in the file: the topic it states, in brackets
//! authors = ["Иванов, Иван Иванович"]   # "Family, Given"; an organisation as it is
//! kind = "student paper"         # web page, encyclopedia article, book, article, chapter …
//! site = "TheInfoList"           # the website (or the journal, book, encyclopedia: container)
//! url = "https://…"
//! date = "2018-07-21"            # or "1998"
//! accessed = "2026-11-30"        # when a web page was read
//! language = "ru"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// File name of the catalogue inside the corpus folder.
pub const FILE_NAME: &str = "catalog.toml";

/// What is known of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    /// The title.
    pub title: Option<String>,
    /// True when the file has no title and `title` was supplied from what it states.
    #[serde(default)]
    pub title_supplied: bool,
    /// Authors, `Family, Given` (or an organisation's name as it is).
    #[serde(default)]
    pub authors: Vec<String>,
    /// Editors, the same way.
    #[serde(default)]
    pub editors: Vec<String>,
    /// What it is: web page, student paper, encyclopedia article, book, article, chapter,
    /// thesis, report.
    pub kind: Option<String>,
    /// The website, or the journal, book or encyclopedia the document is part of.
    pub site: Option<String>,
    /// The publisher.
    pub publisher: Option<String>,
    /// Where it was published.
    pub place: Option<String>,
    /// Where it was found.
    pub url: Option<String>,
    /// When it was published or last changed: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// When it was read (web pages): `YYYY-MM-DD`.
    pub accessed: Option<String>,
    /// The document's language (`ru`, `en`, …).
    pub language: Option<String>,
    /// Volume and issue of the journal, pages of the article in it, the edition.
    pub volume: Option<String>,
    pub issue: Option<String>,
    pub pages: Option<String>,
    pub edition: Option<String>,
    /// Identifiers.
    pub doi: Option<String>,
    pub isbn: Option<String>,
    /// The citation key of the user's bibliography, kept so that references quelle writes
    /// cite the same entry.
    pub key: Option<String>,
}

/// The fields a catalogue entry may have (for warnings about the others).
const FIELDS: [&str; 18] = [
    "title",
    "title_supplied",
    "authors",
    "editors",
    "kind",
    "site",
    "publisher",
    "place",
    "url",
    "date",
    "accessed",
    "language",
    "volume",
    "issue",
    "pages",
    "edition",
    "doi",
    "isbn",
];

impl DocMeta {
    /// The year of `date`, if it has one.
    pub fn year(&self) -> Option<&str> {
        self.date
            .as_deref()
            .and_then(|d| d.get(..4))
            .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
    }

    /// `self`, with what it lacks taken from `other`.
    pub fn or(mut self, other: &DocMeta) -> DocMeta {
        let fill = |a: &mut Option<String>, b: &Option<String>| {
            if a.is_none() {
                a.clone_from(b);
            }
        };
        fill(&mut self.title, &other.title);
        self.title_supplied |= self.title.as_ref() == other.title.as_ref() && other.title_supplied;
        if self.authors.is_empty() {
            self.authors.clone_from(&other.authors);
        }
        if self.editors.is_empty() {
            self.editors.clone_from(&other.editors);
        }
        for (a, b) in [
            (&mut self.kind, &other.kind),
            (&mut self.site, &other.site),
            (&mut self.publisher, &other.publisher),
            (&mut self.place, &other.place),
            (&mut self.url, &other.url),
            (&mut self.date, &other.date),
            (&mut self.accessed, &other.accessed),
            (&mut self.language, &other.language),
            (&mut self.volume, &other.volume),
            (&mut self.issue, &other.issue),
            (&mut self.pages, &other.pages),
            (&mut self.edition, &other.edition),
            (&mut self.doi, &other.doi),
            (&mut self.isbn, &other.isbn),
            (&mut self.key, &other.key),
        ] {
            fill(a, b);
        }
        self
    }
}

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    documents: BTreeMap<String, toml::Table>,
    #[serde(flatten)]
    other: BTreeMap<String, toml::Value>,
}

/// The catalogue of a corpus.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    documents: BTreeMap<String, DocMeta>,
    /// Entries of the user's bibliographies, matched to files.
    bibliography: crate::bibliography::Bibliography,
}

impl Catalog {
    /// Parses catalogue text. A syntax error is an `Err` of one line naming the position;
    /// an unknown or ill-typed field is a warning naming the entry, and only that field is
    /// left out.
    pub fn parse(text: &str) -> Result<(Catalog, Vec<String>), String> {
        let file: File = toml::from_str(text)
            .map_err(|e| format!("{FILE_NAME}: {}", one_line(&e.to_string())))?;
        let mut warnings: Vec<String> = file
            .other
            .keys()
            .map(|k| format!("{FILE_NAME}: unknown table or key `{k}` ignored (entries go under [documents.\"FILE\"])"))
            .collect();
        let mut documents = BTreeMap::new();
        for (doc, mut table) in file.documents {
            let unknown: Vec<String> =
                table.keys().filter(|k| !FIELDS.contains(&k.as_str())).cloned().collect();
            for k in unknown {
                table.remove(&k);
                warnings.push(format!(
                    "{FILE_NAME}: [documents.{doc:?}]: unknown field `{k}` ignored (known: {})",
                    FIELDS.join(", ")
                ));
            }
            // A field of the wrong type goes; the others stay.
            let wrong: Vec<(String, String)> = table
                .iter()
                .filter_map(|(k, v)| {
                    let mut one = toml::Table::new();
                    one.insert(k.clone(), v.clone());
                    DocMeta::deserialize(toml::Value::Table(one))
                        .err()
                        .map(|e| (k.clone(), one_line(e.message())))
                })
                .collect();
            for (k, why) in wrong {
                table.remove(&k);
                warnings.push(format!("{FILE_NAME}: [documents.{doc:?}]: `{k}` ignored: {why}"));
            }
            let meta = DocMeta::deserialize(toml::Value::Table(table)).unwrap_or_default();
            documents.insert(doc, meta);
        }
        Ok((Catalog { documents, bibliography: Default::default() }, warnings))
    }

    /// Loads `catalog.toml` and the bibliographies beside it from the corpus folder. No
    /// file is an empty catalogue; problems (a broken file, an unknown field) are returned
    /// as one line each, and what can be read is used.
    pub fn load(corpus: &Path) -> (Catalog, Vec<String>) {
        let (mut catalog, mut problems) = match std::fs::read_to_string(corpus.join(FILE_NAME)) {
            Ok(text) => match Catalog::parse(&text) {
                Ok(parsed) => parsed,
                Err(e) => (Catalog::default(), vec![e]),
            },
            Err(_) => (Catalog::default(), Vec::new()),
        };
        let (bibliography, more) = crate::bibliography::Bibliography::load(corpus);
        catalog.bibliography = bibliography;
        problems.extend(more);
        (catalog, problems)
    }

    /// What is known of `doc`, with the title it falls back to when nothing names one.
    pub fn meta(&self, doc: &str, fallback_title: &str) -> DocMeta {
        let own = self.documents.get(doc).cloned().unwrap_or_default();
        let mut meta = match self.bibliography.meta(doc) {
            Some(entry) => own.or(entry),
            None => own,
        };
        if meta.title.is_none() {
            meta.title = Some(fallback_title.to_string());
        }
        meta
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_and_falls_back_to_the_files_title() {
        let (c, warnings) = Catalog::parse(
            "[documents.\"a.txt\"]\ntitle = \"A\"\nauthors = [\"X\"]\ndate = \"2018-07-21\"\naccessed = \"2026-11-30\"\n",
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let a = c.meta("a.txt", "heading of a");
        assert_eq!(a.title.as_deref(), Some("A"));
        assert_eq!(a.year(), Some("2018"));
        assert_eq!(a.accessed.as_deref(), Some("2026-11-30"));
        assert_eq!(c.meta("b.txt", "heading of b").title.as_deref(), Some("heading of b"));
    }

    #[test]
    fn an_unknown_or_wrong_field_is_named_and_only_it_is_lost() {
        let (c, warnings) = Catalog::parse(
            "[documents.\"a.txt\"]\ntitle = \"A\"\nvisited = \"2026\"\n\n[documents.\"b.txt\"]\ntitle = \"B\"\ndate = 2018\n",
        )
        .unwrap();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("a.txt") && warnings[0].contains("`visited`"), "{warnings:?}");
        assert!(warnings[1].contains("b.txt"), "{warnings:?}");
        assert_eq!(c.meta("a.txt", "").title.as_deref(), Some("A"));
        assert_eq!(c.meta("b.txt", "").title.as_deref(), Some("B"));
        assert_eq!(c.meta("b.txt", "").date, None);
    }

    #[test]
    fn errors_are_one_line_with_the_position() {
        let e = Catalog::parse("[documents.\"a.txt\"]\ntitle = \"A\n").unwrap_err();
        assert!(e.starts_with("catalog.toml: ") && !e.contains('\n'), "{e}");
        assert!(e.contains("line 2"), "{e}");
    }
}
