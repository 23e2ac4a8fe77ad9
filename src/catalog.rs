//! The catalogue: what is known of each document, for references. `corpus/catalog.toml`
//! holds one table per file (by its path in the corpus); every field is optional, and what
//! is unknown is left out rather than guessed. A file without an entry is cited by the
//! title its text shows (its first heading) or its file name.
//!
//! ```toml
//! [documents."essay.txt"]
//! title = "Германо-советские отношения в 1919–1938 годах"
//! title_supplied = true          # no title in the file: the topic it states, in brackets
//! authors = ["Иванов И. И."]
//! kind = "student paper"         # web page, encyclopedia article, book, article …
//! site = "TheInfoList"           # the website or publisher
//! url = "https://…"
//! date = "2018-07-21"            # or "1998"
//! language = "ru"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// File name of the catalogue inside the corpus folder.
pub const FILE_NAME: &str = "catalog.toml";

/// What is known of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocMeta {
    /// The title.
    pub title: Option<String>,
    /// True when the file has no title and `title` was supplied from what it states.
    #[serde(default)]
    pub title_supplied: bool,
    /// Authors, as they are to be cited.
    #[serde(default)]
    pub authors: Vec<String>,
    /// What it is: web page, student paper, encyclopedia article, book, article …
    pub kind: Option<String>,
    /// The website or publisher.
    pub site: Option<String>,
    /// Where it was found.
    pub url: Option<String>,
    /// When it was published or last changed: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The document's language (`ru`, `en`, …).
    pub language: Option<String>,
}

impl DocMeta {
    /// The year of `date`, if it has one.
    pub fn year(&self) -> Option<&str> {
        self.date
            .as_deref()
            .and_then(|d| d.get(..4))
            .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    documents: BTreeMap<String, DocMeta>,
}

/// The catalogue of a corpus.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    documents: BTreeMap<String, DocMeta>,
}

impl Catalog {
    /// Parses catalogue text; a syntax error is returned as one line naming the position.
    pub fn parse(text: &str) -> Result<Catalog, String> {
        let file: File = toml::from_str(text)
            .map_err(|e| format!("{FILE_NAME}: {}", one_line(&e.to_string())))?;
        Ok(Catalog { documents: file.documents })
    }

    /// Loads `catalog.toml` from the corpus folder: no file is an empty catalogue; a broken
    /// file is an empty catalogue and a warning.
    pub fn load(corpus: &Path) -> (Catalog, Option<String>) {
        match std::fs::read_to_string(corpus.join(FILE_NAME)) {
            Ok(text) => match Catalog::parse(&text) {
                Ok(c) => (c, None),
                Err(e) => (Catalog::default(), Some(e)),
            },
            Err(_) => (Catalog::default(), None),
        }
    }

    /// What is known of `doc`, with the title it falls back to when the catalogue has none.
    pub fn meta(&self, doc: &str, fallback_title: &str) -> DocMeta {
        let mut meta = self.documents.get(doc).cloned().unwrap_or_default();
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
        let c = Catalog::parse(
            "[documents.\"a.txt\"]\ntitle = \"A\"\nauthors = [\"X\"]\ndate = \"2018-07-21\"\n",
        )
        .unwrap();
        let a = c.meta("a.txt", "heading of a");
        assert_eq!(a.title.as_deref(), Some("A"));
        assert_eq!(a.year(), Some("2018"));
        assert_eq!(c.meta("b.txt", "heading of b").title.as_deref(), Some("heading of b"));
    }

    #[test]
    fn errors_are_one_line_with_the_position() {
        let e = Catalog::parse("[documents.\"a.txt\"]\ntitel = \"A\"\n").unwrap_err();
        assert!(e.starts_with("catalog.toml: ") && !e.contains('\n'), "{e}");
        assert!(e.contains("line 2"), "{e}");
    }
}
